//! The part of the whole path that is the user's own code: the strings the benchmark's
//! stages are built from (`dsl::stages`' `format!` and `to_string` calls, and the copy of
//! each stage's name that `Stage::from_image(&name, ..)` makes), made and kept until the
//! end as a model keeps them, then dropped. Every peer's whole path makes the same strings,
//! so this is what no library can take off a user's time:
//! `profile_user 100 2000` against `profile_whole 100 2000` (`perf stat -e user_time`).
//! Keep it in step with `dsl::stages` in `src/lib.rs`.

use dockerdsl_bench::{profile_args, stage_name};
use std::hint::black_box;

fn strings(n: usize) -> Vec<Vec<String>> {
    let mut stages = Vec::with_capacity(n);
    for i in 0..n {
        let name = stage_name(i);
        let mut strings = vec![
            name.clone(),
            format!("1.{i}"),
            format!("/srv/{name}"),
            format!("/srv/{name}/bin:$PATH"),
            format!("stage {i}"),
            i.to_string(),
            format!("/srv/{name}"),
            format!("cache-{i}"),
        ];
        if let Some(c) = i.checked_sub(1) {
            strings.push(format!("/opt/{}/", stage_name(c)));
        }
        stages.push(black_box(strings));
    }
    stages
}

fn main() {
    let (n, times, _) = profile_args(1000, 3);
    let mut made = 0;
    for _ in 0..times {
        made += black_box(strings(black_box(n))).len();
    }
    println!("{made}");
}
