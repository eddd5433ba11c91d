//! A fixed amount of rendering for a profiler, e.g.
//! `valgrind --tool=callgrind target/release/examples/profile_render 100 50`; with a third
//! argument `floor`, the floor's concatenation of the same output's lines instead.

use dockerdsl_bench::{dsl, floor};
use std::hint::black_box;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut number = |default| {
        args.next()
            .and_then(|a| a.parse::<usize>().ok())
            .unwrap_or(default)
    };
    let n = number(100);
    let times = number(50);
    let is_floor = std::env::args().nth(3).as_deref() == Some("floor");
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
