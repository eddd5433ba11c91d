//! Prints the markdown report of one run of `bash benches/run`: criterion's medians (read from
//! `target/criterion/**/new/estimates.json`, and for the benchmarks run in rounds the median
//! of each round's, from `target/bench-rounds/<k>/`), ratios between results of that same
//! run, the build-cost figures of `benches/build-cost`, and the machine.

use dockerdsl_bench::{
    SIZES, builder, builder_typed, common_corpus, dfp, dofigen, dsl, syntax_corpus,
};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn target() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
    }
}

/// A benchmark's median, in nanoseconds, as criterion left it under `dir`.
fn estimate(dir: &Path, id: &str) -> Option<f64> {
    let text = std::fs::read_to_string(dir.join(id).join("new/estimates.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// The directories of the rounds the render and whole-path benchmarks ran in
/// (`target/bench-rounds/<k>`, see `benches/run`), in order. Only a report run by
/// `benches/run` (which sets `BENCH_ROUNDS`) reads them: after a plain `cargo bench` they
/// would be an earlier run's. Listed once: every benchmark time the report reads asks.
fn rounds() -> &'static [PathBuf] {
    static ROUNDS: OnceLock<Vec<PathBuf>> = OnceLock::new();
    ROUNDS.get_or_init(|| {
        if std::env::var_os("BENCH_ROUNDS").is_none() {
            return Vec::new();
        }
        let Ok(entries) = std::fs::read_dir(target().join("bench-rounds")) else {
            return Vec::new();
        };
        let mut rounds: Vec<(u32, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path())))
            .collect();
        rounds.sort();
        rounds.into_iter().map(|(_, dir)| dir).collect()
    })
}

/// The median of `values` (the mean of the middle two for an even count).
fn median_of(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// A benchmark's time in this run, in nanoseconds, when it ran: the median over the rounds
/// of each round's median, or criterion's median for a benchmark run once.
fn median(id: &str) -> Option<f64> {
    let per_round: Vec<f64> = rounds().iter().filter_map(|d| estimate(d, id)).collect();
    if per_round.is_empty() {
        estimate(&target().join("criterion"), id)
    } else {
        median_of(per_round)
    }
}

/// A ratio as each round measured it, from that round's own medians (`ratio` reads a
/// benchmark's time through the getter it is given): the lowest and highest, and how many
/// rounds had both sides. This is how far the machine moved the ratio within the run.
fn round_range(ratio: impl Fn(&dyn Fn(&str) -> Option<f64>) -> Option<f64>) -> String {
    let values: Vec<f64> = rounds()
        .iter()
        .filter_map(|dir| ratio(&|id: &str| estimate(dir, id)))
        .collect();
    let lowest = values.iter().copied().min_by(f64::total_cmp);
    let highest = values.iter().copied().max_by(f64::total_cmp);
    match lowest.zip(highest) {
        Some((lo, hi)) => format!("{lo:.2}–{hi:.2}× ({} rounds)", values.len()),
        None => "—".into(),
    }
}

fn time(ns: Option<f64>) -> String {
    match ns {
        None => "—".into(),
        Some(ns) if ns >= 1e9 => format!("{:.2} s", ns / 1e9),
        Some(ns) if ns >= 1e6 => format!("{:.2} ms", ns / 1e6),
        Some(ns) if ns >= 1e3 => format!("{:.1} µs", ns / 1e3),
        Some(ns) => format!("{ns:.0} ns"),
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "—".into(),
    }
}

fn throughput(bytes: usize, ns: Option<f64>) -> String {
    match ns {
        Some(ns) if ns > 0.0 => format!("{:.0} MB/s", bytes as f64 / ns * 1e3),
        _ => "—".into(),
    }
}

fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn shell(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn machine(out: &mut String) {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown".into());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let _ = writeln!(
        out,
        "- date: {}",
        shell("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
    );
    let _ = writeln!(out, "- CPU: {cpu}, {} cores (`nproc`)", shell("nproc", &[]));
    let _ = writeln!(out, "- rustc: {}", shell("rustc", &["-V"]));
    if let Ok(start) = std::env::var("BENCH_LOAD_START") {
        let _ = writeln!(
            out,
            "- load average at the start of the run: {}",
            start
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let _ = writeln!(
        out,
        "- load average at the end of the run: {} (the machine is shared: other engineers \
         compile on the same 2 cores, so absolute times are noisy; ratios are between \
         results of this one run)",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let _ = writeln!(
        out,
        "- every time is the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`, \
         `benches/benches/support/cpu.rs`), criterion's median: wall time on this machine \
         also counts the other processes' turns on the core"
    );
    let rounds = rounds().len();
    if rounds > 0 {
        let _ = writeln!(
            out,
            "- the render and whole-path benchmarks ran in {rounds} rounds, one after the \
             other, each with 1/{rounds} of the measuring time; a time below is the median \
             over the rounds of each round's criterion median (dofigen, the fastest peer at \
             no size, is timed in the first round only)"
        );
    }
    if let Ok(tunables) = std::env::var("GLIBC_TUNABLES") {
        let _ = writeln!(
            out,
            "- glibc's malloc ran with `GLIBC_TUNABLES={tunables}`: thresholds pinned, so that \
             no benchmark's cost depends on which ran before it in the same process (see \
             `benches/run`)"
        );
    }
    if let Ok(secs) = std::env::var("BENCH_ELAPSED") {
        let _ = writeln!(
            out,
            "- the whole run (`bash benches/run`, compiling included) took {secs} s"
        );
    }
}

fn render(out: &mut String) {
    let _ = writeln!(
        out,
        "## Render\n\nSynthetic graphs of N stages, 20 instructions each (every kind: mounts, \
         heredocs, `COPY --from`, `HEALTHCHECK`, ...; see `benches/src/lib.rs`). *make* is the \
         builder calls plus `Dockerfile::new` (graph walk and validation); *new* is \
         `Dockerfile::new` alone; *render* is `to_string()`; *floor* concatenates the output's \
         lines, rendered beforehand, into one `String`. Medians.\n"
    );
    let _ = writeln!(
        out,
        "| stages | output | make | new | render | new / render | render throughput | floor | render / floor |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let mut per_stage = Vec::new();
    for n in SIZES {
        let bytes = dsl::make(n).to_string().len();
        let get = |what: &str| median(&format!("render/{what}/{n}"));
        let (make, new, render, floor) = (
            get("dockerdsl-make"),
            get("dockerdsl-new"),
            get("dockerdsl-render"),
            get("floor"),
        );
        per_stage.push([make, new, render, floor].map(|t| t.map(|t| t / n as f64)));
        let _ = writeln!(
            out,
            "| {} | {} B | {} | {} | {} | {} | {} | {} | {} |",
            count(n),
            count(bytes),
            time(make),
            time(new),
            time(render),
            ratio(new, render),
            throughput(bytes, render),
            time(floor),
            ratio(render, floor),
        );
    }
    // Per-stage times of make, new, render and the floor at 100 and at 10,000 stages.
    let at = |n: usize, i: usize| {
        SIZES
            .iter()
            .position(|&s| s == n)
            .and_then(|p| per_stage[p][i])
    };
    let _ = writeln!(
        out,
        "\nFlatness, per-stage time at 10,000 stages over per-stage time at 100: make {}, \
         new {}, render {}; the floor's own {} shows what the machine's caches add at 12 MB of \
         output (1.00× is perfectly flat).\n",
        ratio(at(10_000, 0), at(100, 0)),
        ratio(at(10_000, 1), at(100, 1)),
        ratio(at(10_000, 2), at(100, 2)),
        ratio(at(10_000, 3), at(100, 3)),
    );
}

fn peers(out: &mut String) {
    let _ = writeln!(
        out,
        "## Peers: model to text, same Dockerfile, same run\n\n\
         Each peer's model of the same synthetic Dockerfile is built before timing; only its \
         to-text is timed. A ratio is the peer's time over dockerdsl's render time (above 1× \
         means dockerdsl is faster). dockerfile_builder keeps each instruction as text (its \
         builders format it when they are built), so its to-text is a join; \
         dockerfile-parser-rs (AST `Display`, as its `dump` writes it) has no `HEALTHCHECK` \
         or `COPY` heredoc, which go in as raw lines; dofigen (`GenerationContext::from` + \
         `generate_dockerfile`, which lints the model first) has a fixed instruction order \
         and is timed up to {} stages.\n",
        count(dofigen::MAX_STAGES)
    );
    let _ = writeln!(
        out,
        "| stages | dockerdsl render | dockerfile_builder | ratio | dockerfile-parser-rs | ratio | dofigen | ratio |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for n in SIZES {
        let get = |what: &str| median(&format!("render/{what}/{n}"));
        let dsl = get("dockerdsl-render");
        let (b, p, d) = (
            get("dockerfile_builder"),
            get("dockerfile-parser-rs"),
            get("dofigen"),
        );
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            count(n),
            time(dsl),
            time(b),
            ratio(b, dsl),
            time(p),
            ratio(p, dsl),
            time(d),
            ratio(d, dsl),
        );
    }
    let text = dsl::make(100).to_string();
    let _ = writeln!(
        out,
        "\nOutput at 100 stages: dockerdsl {} B, dockerfile_builder {} B, \
         dockerfile-parser-rs {} B, dofigen {} B.\n",
        count(text.len()),
        count(builder::model(&text).to_string().len()),
        count(dfp::to_text(&dfp::model(100)).len()),
        count(dofigen::to_text(dofigen::model(100)).len()),
    );
}

/// The peers' whole paths: `(criterion id, name)`.
const WHOLE_PEERS: [(&str, &str); 3] = [
    ("dockerfile_builder", "dockerfile_builder"),
    ("dockerfile-parser-rs", "dockerfile-parser-rs"),
    ("dofigen", "dofigen"),
];

/// The fastest peer's whole path at `n` stages, each peer's time read through `get` (the
/// run's medians, or one round's): its time and name.
fn fastest_peer(get: &dyn Fn(&str) -> Option<f64>, n: usize) -> Option<(f64, &'static str)> {
    WHOLE_PEERS
        .iter()
        .filter_map(|(id, name)| get(&format!("whole/{id}/{n}")).map(|t| (t, *name)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
}

fn whole(out: &mut String) {
    let _ = writeln!(
        out,
        "## The whole path: from nothing to the text, same Dockerfile, same run\n\n\
         What a program does: build the model from the stage index, make the file, write the \
         text (and drop the model). dockerdsl: the builder calls, `Dockerfile::new` (graph \
         walk and validation) and `to_string`. dockerfile_builder: its typed builders \
         (`FromBuilder`, `CopyBuilder`, `RunExecBuilder`, ...), text where it has none \
         (mounts, heredocs, a port range, `HEALTHCHECK`), then `to_string` \
         (`benches/src/lib.rs`, `builder_typed`). dockerfile-parser-rs: its AST literals, \
         then its `dump`'s text. dofigen: its struct literals, then `generate_dockerfile` \
         (timed up to 100 stages: its to-text alone is tens to thousands of times \
         dockerdsl's render above). A ratio is the fastest peer's time over dockerdsl's.\n"
    );
    let _ = writeln!(
        out,
        "| stages | dockerdsl | dockerfile_builder | dockerfile-parser-rs | dofigen | fastest peer / dockerdsl |\n\
         |---:|---:|---:|---:|---:|---:|"
    );
    for n in SIZES {
        let get = |what: &str| median(&format!("whole/{what}/{n}"));
        let dsl = get("dockerdsl");
        let fastest = fastest_peer(&median, n);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} ({}) |",
            count(n),
            time(dsl),
            time(get("dockerfile_builder")),
            time(get("dockerfile-parser-rs")),
            time(get("dofigen")),
            ratio(fastest.map(|f| f.0), dsl),
            fastest.map_or("—", |f| f.1),
        );
    }
    let _ = writeln!(
        out,
        "\nOutput at 100 stages: dockerfile_builder (typed) {} B.\n",
        count(builder_typed::model(100).to_string().len())
    );
}

/// The ratios the targets of issue 15 are judged on, each read through a getter of
/// benchmark times: the run's medians, or one round's.
mod ratio_of {
    type Get<'a> = &'a dyn Fn(&str) -> Option<f64>;

    pub fn new_over_render(get: Get, n: usize) -> Option<f64> {
        let new = get(&format!("render/dockerdsl-new/{n}"))?;
        Some(new / get(&format!("render/dockerdsl-render/{n}"))?)
    }

    pub fn peer_over_whole(get: Get, n: usize) -> Option<f64> {
        let peer = super::fastest_peer(get, n)?.0;
        Some(peer / get(&format!("whole/dockerdsl/{n}"))?)
    }

    pub fn render_over_floor(get: Get, n: usize) -> Option<f64> {
        let render = get(&format!("render/dockerdsl-render/{n}"))?;
        Some(render / get(&format!("render/floor/{n}"))?)
    }

    /// Render time a stage at 10,000 stages over that at 100.
    pub fn flatness(get: Get) -> Option<f64> {
        let per = |n: usize| Some(get(&format!("render/dockerdsl-render/{n}"))? / n as f64);
        Some(per(10_000)? / per(100)?)
    }
}

/// Each target of issue 15, measured in this run: met or missed at each size, with the
/// range of the ratio over the rounds.
fn targets(out: &mut String) {
    let _ = writeln!(
        out,
        "## Targets (issue 15), from this run\n\n\
         *measured* is the ratio of the run's medians (each benchmark's median over the \
         rounds); *rounds* is the lowest and highest the ratio measured within one round, \
         from that round's own medians.\n\n\
         | target | stages | measured | rounds | status |\n|---|---:|---:|---:|---|"
    );
    let verdict = |ok: Option<bool>| match ok {
        Some(true) => "met",
        Some(false) => "**missed**",
        None => "not measured",
    };
    let shown = |r: Option<f64>| r.map_or("—".into(), |r| format!("{r:.2}×"));
    for n in SIZES {
        let r = ratio_of::new_over_render(&median, n);
        let _ = writeln!(
            out,
            "| `Dockerfile::new` ≤ one render | {} | new / render {} | {} | {} |",
            count(n),
            shown(r),
            round_range(|get| ratio_of::new_over_render(get, n)),
            verdict(r.map(|r| r <= 1.0))
        );
    }
    for n in SIZES {
        let r = ratio_of::peer_over_whole(&median, n);
        let _ = writeln!(
            out,
            "| whole path ≥ 3× faster than the fastest peer's | {} | {} | {} | {} |",
            count(n),
            shown(r),
            round_range(|get| ratio_of::peer_over_whole(get, n)),
            verdict(r.map(|r| r >= 3.0))
        );
    }
    for n in SIZES {
        let r = ratio_of::render_over_floor(&median, n);
        let _ = writeln!(
            out,
            "| render within 4× of the floor | {} | {} | {} | {} |",
            count(n),
            shown(r),
            round_range(|get| ratio_of::render_over_floor(get, n)),
            verdict(r.map(|r| r <= 4.0))
        );
    }
    let r = ratio_of::flatness(&median);
    let _ = writeln!(
        out,
        "| render per stage at 10,000 within 1.3× of at 100 | 10,000 / 100 | {} | {} | {} |\n",
        shown(r),
        round_range(ratio_of::flatness),
        verdict(r.map(|r| r <= 1.3))
    );
}

/// What must hold in any run, because one benchmark times a part of what another times: a
/// run on a machine that slowed down while some benchmarks ran and not others can break it,
/// and then its ratios say more about the machine than about the code.
fn consistency(out: &mut String) {
    let broken = broken_parts(&median);
    let rounds = rounds();
    let disturbed = rounds
        .iter()
        .filter(|dir| !broken_parts(&|id: &str| estimate(dir, id)).is_empty())
        .count();
    let in_rounds = if rounds.is_empty() {
        String::new()
    } else {
        format!(
            " Within the rounds, {disturbed} of {} broke this with their own medians.",
            rounds.len()
        )
    };
    if broken.is_empty() {
        let _ = writeln!(
            out,
            "Consistency: at every size `Dockerfile::new` measured less than *make*, and *make* \
             and the render less than the whole path, as each is part of the other (a run \
             disturbed while some benchmarks ran and not others can fail this).{in_rounds}\n"
        );
    } else {
        let _ = writeln!(
            out,
            "**This run was disturbed**: {}. The machine slowed down while some benchmarks \
             ran and not others: this run's ratios mix the code's costs with the machine's.\
             {in_rounds}\n",
            broken.join("; ")
        );
    }
}

/// Where a part measured more than a whole that includes it, with times read through `get`.
fn broken_parts(get: &dyn Fn(&str) -> Option<f64>) -> Vec<String> {
    let mut broken = Vec::new();
    for n in SIZES {
        let new = get(&format!("render/dockerdsl-new/{n}"));
        let make = get(&format!("render/dockerdsl-make/{n}"));
        let render = get(&format!("render/dockerdsl-render/{n}"));
        let whole = get(&format!("whole/dockerdsl/{n}"));
        let parts = [
            ("`Dockerfile::new`", new, "*make*", make),
            ("*make*", make, "the whole path", whole),
            ("the render", render, "the whole path", whole),
        ];
        for (part, p, all, a) in parts {
            if let (Some(p), Some(a)) = (p, a) {
                if p > a {
                    broken.push(format!(
                        "at {} stages {part} measured {}, more than {all} ({}), which includes it",
                        count(n),
                        time(Some(p)),
                        time(Some(a)),
                    ));
                }
            }
        }
    }
    broken
}

fn parsers(out: &mut String) {
    let (files, accepted, total) = common_corpus();
    let bytes: usize = files.iter().map(String::len).sum();
    let _ = writeln!(
        out,
        "## Parsers\n\nThe corpus (`DOCKERDSL_CORPUS`, {} files): each parser reads the {} files \
         ({} B) that every one of them accepts.\n",
        total,
        files.len(),
        count(bytes)
    );
    let _ = writeln!(
        out,
        "| parser | files accepted | time (common files) | throughput |\n|---|---:|---:|---:|"
    );
    for (name, n) in accepted {
        let t = median(&format!("parse/{name}/corpus"));
        let _ = writeln!(
            out,
            "| {name} | {n} of {total} | {} | {} |",
            time(t),
            throughput(bytes, t)
        );
    }
    let _ = writeln!(out);
}

fn syntax_readers(out: &mut String) {
    let (files, accepted, total) = syntax_corpus();
    let bytes: usize = files.iter().map(String::len).sum();
    let _ = writeln!(
        out,
        "### The syntax layer\n\nThe {} corpus files ({} B) that both dockerdsl's syntax layer \
         (`dockerdsl::syntax::read`, the lossless tree `check` and `fmt` read) and \
         parse-dockerfile accept. `dockerdsl-syntax+args` also reads every instruction's flags \
         and arguments with their spans (`Instruction::flags_and_args`, on demand); \
         `dockerdsl-syntax+lowering` is `dockerdsl::parse_faithfully`: the tree, then the \
         lowering into the typed model, on the same files; the lowering's cost is the \
         difference.\n",
        files.len(),
        count(bytes)
    );
    let _ = writeln!(
        out,
        "| reader | files accepted | time (common files) | throughput |\n|---|---:|---:|---:|"
    );
    for (name, n) in accepted {
        let t = median(&format!("syntax/{name}/corpus"));
        let _ = writeln!(
            out,
            "| {name} | {n} of {total} | {} | {} |",
            time(t),
            throughput(bytes, t)
        );
    }
    let _ = writeln!(out);
}

fn build_cost(out: &mut String) {
    let path = target().join("bench-report/build-cost.tsv");
    let _ = writeln!(
        out,
        "## Cost to users' builds\n\nA minimal binary printing one Dockerfile, built clean \
         (`cargo build`, debug profile, offline after a fetch) by `benches/build-cost`. \
         *compiled* counts cargo's `Compiling` lines (build scripts' and proc macros' \
         dependencies included); *tree* counts the crates `cargo tree -e normal` lists. Both \
         count the library itself and leave the binary out.\n"
    );
    let Ok(text) = std::fs::read_to_string(&path) else {
        let _ = writeln!(
            out,
            "(no {}: `benches/build-cost` did not run)\n",
            path.display()
        );
        return;
    };
    let _ = writeln!(
        out,
        "| build | wall time | compiled | tree |\n|---|---:|---:|---:|"
    );
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [what, secs, compiled, tree] = cols[..] {
            let or_dash = |s: &str| {
                if s.is_empty() {
                    "—".to_owned()
                } else {
                    s.to_owned()
                }
            };
            let secs = match secs.parse::<f64>() {
                Ok(_) => format!("{secs} s"),
                Err(_) => secs.to_owned(),
            };
            let _ = writeln!(
                out,
                "| {what} | {secs} | {} | {} |",
                or_dash(compiled),
                or_dash(tree)
            );
        }
    }
    let _ = writeln!(out);
}

fn main() {
    let mut out = String::from("# dockerdsl benchmarks\n\n");
    machine(&mut out);
    out.push('\n');
    targets(&mut out);
    consistency(&mut out);
    render(&mut out);
    peers(&mut out);
    whole(&mut out);
    parsers(&mut out);
    syntax_readers(&mut out);
    build_cost(&mut out);
    print!("{out}");
}
