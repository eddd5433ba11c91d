//! A fixed amount of rendering for a profiler, e.g.
//! `valgrind --tool=callgrind target/release/examples/profile_render 100 50`.

use dockerdsl_bench::dsl;
use std::hint::black_box;

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let n = args.next().and_then(Result::ok).unwrap_or(100);
    let times = args.next().and_then(Result::ok).unwrap_or(50);
    let df = dsl::make(n);
    let mut bytes = 0;
    for _ in 0..times {
        bytes += black_box(&df).to_string().len();
    }
    println!("{bytes}");
}
