//! A fixed amount of rendering for a profiler, e.g.
//! `valgrind --tool=callgrind target/release/examples/profile_render 100 50`; with a third
//! argument `floor`, the floor's concatenation of the same output's lines instead.

use dockerdsl_bench::{dsl, floor, profile_args};
use std::hint::black_box;

fn main() {
    let (n, times, part) = profile_args(100, 50);
    let is_floor = part == "floor";
    let df = dsl::make(n);
    let lines = floor::lines(&df.to_string());
    let mut bytes = 0;
    for _ in 0..times {
        bytes += if is_floor {
            black_box(floor::concat(black_box(&lines))).len()
        } else {
            black_box(&df).to_string().len()
        };
    }
    println!("{bytes}");
}
