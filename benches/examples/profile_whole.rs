//! A fixed amount of the whole path (builder calls, `Dockerfile::new`, render, drop) for a
//! profiler, e.g. `valgrind --tool=callgrind target/release/examples/profile_whole 1000 3`.
//! With a third argument `build`, `new` or `render`, only that part is repeated (the
//! others run once, outside the loop), so that each part's cost reads off the totals.

use dockerdsl::Dockerfile;
use dockerdsl_bench::{dsl, profile_args};
use std::hint::black_box;

fn main() {
    let (n, times, part) = profile_args(1000, 3);
    let mut bytes = 0;
    match part.as_str() {
        "build" => {
            for _ in 0..times {
                bytes += black_box(dsl::stages(black_box(n))).len();
            }
        }
        "new" => {
            let stages = dsl::stages(n);
            for _ in 0..times {
                if let Some(Ok(df)) = stages.last().map(Dockerfile::new) {
                    bytes += black_box(df).stages().len();
                }
            }
        }
        "render" => {
            let df = dsl::make(n);
            for _ in 0..times {
                bytes += black_box(&df).to_string().len();
            }
        }
        _ => {
            for _ in 0..times {
                bytes += black_box(dsl::make(black_box(n))).to_string().len();
            }
        }
    }
    println!("{bytes}");
}
