//! A fixed amount of reading for a profiler, e.g.
//! `valgrind --tool=callgrind target/release/examples/profile_syntax 100`: the corpus files
//! the syntax layer and parse-dockerfile both accept, read `TIMES` times with the syntax layer;
//! with a second argument `peer`, with parse-dockerfile instead, and with `args`, the tree and
//! every instruction's flags and arguments.

use dockerdsl_bench::syntax_corpus;
use std::hint::black_box;

fn main() {
    let times = std::env::args()
        .nth(1)
        .and_then(|a| a.parse::<usize>().ok())
        .unwrap_or(100);
    let mode = std::env::args().nth(2).unwrap_or_default();
    let (files, _, _) = syntax_corpus();
    let mut ok = 0;
    for _ in 0..times {
        for f in &files {
            ok += usize::from(match mode.as_str() {
                "peer" => parse_dockerfile::parse(black_box(f)).is_ok(),
                "args" => dockerdsl::syntax::read(black_box(f)).is_ok_and(|tree| {
                    for i in tree.instructions() {
                        black_box(i.flags_and_args());
                    }
                    true
                }),
                _ => dockerdsl::syntax::read(black_box(f)).is_ok(),
            });
        }
    }
    println!("{ok}");
}
