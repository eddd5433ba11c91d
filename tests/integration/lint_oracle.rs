//! The lints against a second, independent implementation of BuildKit's build checks: the
//! Python checker the oracle tests use (`.ci/buildkit_checks.py`, itself checked against
//! BuildKit's verdicts on the corpus). Generated models stress the rules the corpus has few
//! cases of (several CMDs, relative WORKDIRs, secrets, platforms, SHELL before shell-form
//! commands); both must find the same rules at the same lines.
//!
//! Needs the oracle (`DOCKERDSL_ORACLE_PYTHON`, set by `.ci/run`); skipped without it.

use crate::common;

use common::oracle::BuildKit;
use dockerdsl::{Command, Dockerfile, Healthcheck, Platform, Stage};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::cell::RefCell;
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
enum Step {
    CmdShell,
    CmdExec,
    EntrypointShell,
    Healthcheck,
    Shell,
    Workdir(&'static str),
    Arg(&'static str),
    Env(&'static str),
    Copy(&'static str),
}

/// ARG/ENV names: secret words first, last, in the middle (BuildKit's `(?:_|^)token(?:_|$)`
/// is searched anywhere), inside a longer word, and allowed by `PUBLIC`.
const NAMES: &[&str] = &[
    "GITHUB_TOKEN",
    "MY_TOKEN_VALUE",
    "PUBLIC_KEY",
    "TOKEN_FILE",
    "KEYBOARD",
    "AUTH",
    "API_KEY_VERSION",
    "DB_PASSWORD",
    "PLAIN",
];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::CmdShell),
        Just(Step::CmdExec),
        Just(Step::EntrypointShell),
        Just(Step::Healthcheck),
        Just(Step::Shell),
        prop::sample::select(&["rel", "/abs", "sub/dir"][..]).prop_map(Step::Workdir),
        prop::sample::select(NAMES).prop_map(Step::Arg),
        prop::sample::select(NAMES).prop_map(Step::Env),
        prop::sample::select(&["a", "/b", "./c"][..]).prop_map(Step::Copy),
    ]
}

#[derive(Debug, Clone)]
struct StageSpec {
    name: &'static str,
    from_previous: bool,
    image: &'static str,
    platform: Option<&'static str>,
    steps: Vec<Step>,
}

fn stage_spec() -> impl Strategy<Value = StageSpec> {
    (
        prop::sample::select(&["build", "linux-amd64", "arm64-tools", "app"][..]),
        any::<bool>(),
        prop::sample::select(&["alpine:3.20", "alpine", "alpine:latest"][..]),
        prop::option::of(prop::sample::select(
            &[
                "$BUILDPLATFORM",
                "$TARGETPLATFORM",
                "linux/amd64",
                "linux/arm64",
            ][..],
        )),
        prop::collection::vec(step(), 0..8),
    )
        .prop_map(|(name, from_previous, image, platform, steps)| StageSpec {
            name,
            from_previous,
            image,
            platform,
            steps,
        })
}

fn build(specs: &[StageSpec]) -> Option<Dockerfile> {
    let mut stages: Vec<Stage> = Vec::new();
    for (i, s) in specs.iter().enumerate() {
        let name = format!("{}{i}", s.name);
        let mut stage = match stages.last() {
            Some(prev) if s.from_previous => Stage::from_stage(name, prev),
            _ => Stage::from_image(name, s.image),
        };
        if let Some(p) = s.platform {
            stage = stage.on_platform(Platform::new(p));
        }
        for step in &s.steps {
            stage = match step {
                Step::CmdShell => stage.cmd(Command::shell("exec app")),
                Step::CmdExec => stage.cmd(["/app"]),
                Step::EntrypointShell => stage.entrypoint(Command::shell("exec app")),
                Step::Healthcheck => stage.healthcheck(Healthcheck::cmd(["true"])),
                Step::Shell => stage.shell(["/bin/sh", "-c"]),
                Step::Workdir(p) => stage.workdir(*p),
                Step::Arg(n) => stage.arg(*n),
                Step::Env(n) => stage.env(*n, "x"),
                Step::Copy(p) => stage.copy(*p, *p),
            };
        }
        stages.push(stage);
    }
    let mut builder = Dockerfile::builder();
    for s in &stages {
        builder = builder.target(s);
    }
    builder.build().ok()
}

#[test]
fn lints_agree_with_the_python_checker() {
    let Some(bk) = BuildKit::start("lints_agree_with_the_python_checker") else {
        return;
    };
    let bk = RefCell::new(bk);
    let compared = RefCell::new((0usize, 0usize));
    let mut runner = TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        max_shrink_iters: 500,
        ..Config::default()
    });
    let result = runner.run(&prop::collection::vec(stage_spec(), 1..4), |specs| {
        let Some(df) = build(&specs) else {
            return Ok(());
        };
        let text = df.to_string();
        let theirs = bk
            .borrow_mut()
            .parse(&text)
            .map_err(|e| TestCaseError::fail(format!("BuildKit refused:\n{e}\n{text}")))?;
        let rules: BTreeSet<&str> = theirs.rules.iter().map(String::as_str).collect();
        let theirs: BTreeSet<(String, usize)> = theirs
            .checks
            .iter()
            .map(|(r, l)| (r.clone(), *l as usize))
            .collect();
        let parsed = dockerdsl::parse(&text)
            .map_err(|e| TestCaseError::fail(format!("parse refused:\n{e}\n{text}")))?;
        let ours: BTreeSet<(String, usize)> = parsed
            .lint()
            .iter()
            .filter(|l| rules.contains(l.rule().name()))
            .map(|l| (l.rule().name().to_owned(), l.line().unwrap_or(0)))
            .collect();
        let mut c = compared.borrow_mut();
        c.0 += 1;
        c.1 += ours.len();
        if ours != theirs {
            return Err(TestCaseError::fail(format!(
                "dockerdsl {ours:?}\npython   {theirs:?}\n{text}"
            )));
        }
        Ok(())
    });
    let (models, findings) = *compared.borrow();
    eprintln!("lint oracle: {models} models, {findings} findings, all equal");
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(models > 300, "only {models} models were compared");
}
