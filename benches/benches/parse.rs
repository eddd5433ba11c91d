//! Parser throughput on the shared corpus (`DOCKERDSL_CORPUS`, else `../shared/corpus`): every
//! parser reads the files all of them accept, so each one parses the same bytes.

#[path = "support/cpu.rs"]
mod cpu;

use cpu::CpuTime;
use criterion::{BenchmarkId, Criterion, Throughput};
use dockerdsl_bench::{PARSERS, SYNTAX_READERS, common_corpus, syntax_corpus};
use std::hint::black_box;
use std::time::Duration;

fn parse(c: &mut Criterion<CpuTime>) {
    let (files, accepted, total) = common_corpus();
    assert!(
        !files.is_empty(),
        "no corpus under {}: set DOCKERDSL_CORPUS",
        dockerdsl_bench::corpus_dir().display()
    );
    for (name, n) in accepted {
        eprintln!("{name} accepts {n} of {total} corpus files");
    }
    let bytes: usize = files.iter().map(String::len).sum();
    eprintln!(
        "timing {} files ({bytes} bytes) every parser accepts",
        files.len()
    );
    let mut group = c.benchmark_group("parse");
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Bytes(bytes as u64));
    for (name, parse) in PARSERS {
        group.bench_with_input(BenchmarkId::new(*name, "corpus"), &files, |b, files| {
            b.iter(|| {
                for f in files {
                    black_box(parse(black_box(f)));
                }
            })
        });
    }
    group.finish();
}

/// The syntax layer (issue 13) against parse-dockerfile, on the files both accept; the
/// lowering into the model (what `check` and `fmt` add to the tree) timed on the same files.
fn syntax(c: &mut Criterion<CpuTime>) {
    let (files, accepted, total) = syntax_corpus();
    for (name, n) in accepted {
        eprintln!("{name} accepts {n} of {total} corpus files");
    }
    let bytes: usize = files.iter().map(String::len).sum();
    eprintln!(
        "timing {} files ({bytes} bytes) the syntax layer and parse-dockerfile accept",
        files.len()
    );
    let mut group = c.benchmark_group("syntax");
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Bytes(bytes as u64));
    for (name, parse) in SYNTAX_READERS {
        group.bench_with_input(BenchmarkId::new(*name, "corpus"), &files, |b, files| {
            b.iter(|| {
                for f in files {
                    black_box(parse(black_box(f)));
                }
            })
        });
    }
    group.finish();
}

criterion::criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = parse, syntax
}
criterion::criterion_main!(benches);
