//! Making and rendering the synthetic Dockerfile at each size, the floor, and the peers'
//! model-to-text on the same Dockerfile (each peer's model built outside the timed code);
//! then the whole path a user runs (build the model, make the Dockerfile, render it), for
//! dockerdsl and for each peer with its model building timed too. Times are the benchmark
//! thread's CPU time (`support/cpu.rs`).

#[path = "support/cpu.rs"]
mod cpu;

use cpu::CpuTime;
use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput};
use dockerdsl_bench::{SIZES, builder, builder_typed, dfp, dofigen, dsl, floor};
use std::hint::black_box;
use std::time::Duration;

/// The largest size dofigen's whole path is timed at: its to-text alone takes 35 to 1,100
/// times dockerdsl's render (see the render group), so it is the fastest peer at no size.
const DOFIGEN_WHOLE_MAX: usize = 100;

/// How `bash benches/run` splits the measuring: it runs this benchmark `BENCH_ROUNDS` times
/// (round `BENCH_ROUND` now), and the report takes each benchmark's median over the rounds.
/// This machine slows down and recovers within seconds, so one long window per benchmark
/// could catch a slowdown in dockerdsl's benchmark and not in the peer's: short windows
/// spread over the whole run put every benchmark in the same mix of good and bad seconds.
struct Round {
    /// Warm-up and measurement time of each benchmark in this round: 2.3 s over the rounds.
    warm_up: Duration,
    measurement: Duration,
    /// Whether this round times dofigen, whose to-text takes 0.6 to 1.1 s an iteration at
    /// 1,000 stages and which is the fastest peer at no size: only the first round does.
    dofigen: bool,
}

impl Round {
    fn from_env() -> Round {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|&v| v > 0)
        };
        let rounds = var("BENCH_ROUNDS").unwrap_or(1);
        let round = var("BENCH_ROUND").unwrap_or(1);
        Round {
            warm_up: Duration::from_millis(300) / rounds,
            measurement: Duration::from_secs(2) / rounds,
            dofigen: round == 1,
        }
    }
}

fn render(c: &mut Criterion<CpuTime>) {
    let round = Round::from_env();
    let mut group = c.benchmark_group("render");
    // The 10,000-stage inputs take tens of milliseconds an iteration: flat sampling keeps the
    // whole run within the time budget.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(round.warm_up);
    group.measurement_time(round.measurement);
    for n in SIZES {
        let df = dsl::make(n);
        let text = df.to_string();
        let lines = floor::lines(&text);
        assert_eq!(floor::concat(&lines), text, "the floor makes other bytes");
        group.throughput(Throughput::Bytes(text.len() as u64));

        group.bench_with_input(BenchmarkId::new("dockerdsl-make", n), &n, |b, &n| {
            b.iter(|| dsl::make(black_box(n)))
        });
        let stages = dsl::stages(n);
        group.bench_with_input(BenchmarkId::new("dockerdsl-new", n), &stages, |b, s| {
            b.iter(|| dockerdsl::Dockerfile::new(black_box(s.last().expect("stages"))))
        });
        group.bench_with_input(BenchmarkId::new("dockerdsl-render", n), &df, |b, df| {
            b.iter(|| black_box(df).to_string())
        });
        group.bench_with_input(BenchmarkId::new("floor", n), &lines, |b, lines| {
            b.iter(|| floor::concat(black_box(lines)))
        });

        let model = builder::model(&text);
        group.bench_with_input(BenchmarkId::new("dockerfile_builder", n), &model, |b, m| {
            b.iter(|| black_box(m).to_string())
        });
        let model = dfp::model(n);
        group.bench_with_input(
            BenchmarkId::new("dockerfile-parser-rs", n),
            &model,
            |b, m| b.iter(|| dfp::to_text(black_box(m))),
        );
        if round.dofigen && n <= dofigen::MAX_STAGES {
            let model = dofigen::model(n);
            group.bench_with_input(BenchmarkId::new("dofigen", n), &model, |b, m| {
                b.iter_batched(|| m.clone(), dofigen::to_text, BatchSize::PerIteration)
            });
        }
    }
    group.finish();
}

/// The whole path, from nothing to the text: each library's model built from the stage
/// index as its users write it, then its text. dockerdsl's is the builder calls,
/// `Dockerfile::new` (graph walk and validation) and `to_string`; the models are dropped
/// in the timed code too, as they are in a program.
fn whole(c: &mut Criterion<CpuTime>) {
    let round = Round::from_env();
    let mut group = c.benchmark_group("whole");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(round.warm_up);
    group.measurement_time(round.measurement);
    for n in SIZES {
        group.bench_with_input(BenchmarkId::new("dockerdsl", n), &n, |b, &n| {
            b.iter(|| dsl::make(black_box(n)).to_string())
        });
        group.bench_with_input(BenchmarkId::new("dockerfile_builder", n), &n, |b, &n| {
            b.iter(|| builder_typed::model(black_box(n)).to_string())
        });
        group.bench_with_input(BenchmarkId::new("dockerfile-parser-rs", n), &n, |b, &n| {
            b.iter(|| dfp::to_text(&dfp::model(black_box(n))))
        });
        if round.dofigen && n <= DOFIGEN_WHOLE_MAX {
            group.bench_with_input(BenchmarkId::new("dofigen", n), &n, |b, &n| {
                b.iter(|| dofigen::to_text(dofigen::model(black_box(n))))
            });
        }
    }
    group.finish();
}

criterion::criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = render, whole
}
criterion::criterion_main!(benches);
