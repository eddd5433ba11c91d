//! The lints against BuildKit's own build checks (`bklint`, see `common::bklint`) on
//! generated models: they stress the rules the corpus has few cases of (several CMDs,
//! relative WORKDIRs, secrets, platforms, SHELL before shell-form commands); both must find
//! the same rules at the same lines with the same messages.
//!
//! Needs bklint (`DOCKERDSL_BKLINT`, set by `.ci/run`, required under CI=true); skipped
//! without it.

use crate::common;

use common::bklint::{bklint, buildkit_findings, run_texts, settle_suggestion_ties};
use dockerdsl::{BuildChecks, Command, Dockerfile, Healthcheck, Platform, Stage};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::cell::RefCell;

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
    Comment(&'static str),
}

/// Comments, some of which skip checks for the instruction after them (as BuildKit reads
/// them once rendered: the first `check=` line, up to its first space, none above an empty
/// line).
const COMMENTS: &[&str] = &[
    "check=skip=JSONArgsRecommended",
    "check=skip=all",
    "check=skip=MultipleInstructionsDisallowed,SecretsUsedInArgOrEnv",
    "why\n  check=skip=WorkdirRelativePath  ",
    "check=skip=UndefinedVar,JSONArgsRecommended because",
    "check=skip=JSONArgsRecommended\n\nafter an empty line",
    "check=skip=SecretsUsedInArgOrEnv\ncheck=skip=JSONArgsRecommended",
    "check=skip=JSONArgsRecommended;error=maybe",
    "a plain comment",
    // Descriptions, which BuildKit's experimental InvalidDefinitionDescription reads when
    // an ARG comes next.
    "GITHUB_TOKEN the token to fetch with",
    "PLAIN\tnot a description: a tab is no space",
    "check=experimental=InvalidDefinitionDescription",
];

/// The file's `# check=` directive: none, the experimental rule turned on, every
/// experimental rule with every rule skipped (which skips no experimental one).
fn checks(choice: u8) -> Option<BuildChecks> {
    match choice {
        0 => None,
        1 => Some(BuildChecks::new().experimental("InvalidDefinitionDescription")),
        _ => Some(
            BuildChecks::new()
                .experimental_all()
                .skip("JSONArgsRecommended"),
        ),
    }
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
        prop::sample::select(COMMENTS).prop_map(Step::Comment),
    ]
}

#[derive(Debug, Clone)]
struct StageSpec {
    name: &'static str,
    from_previous: bool,
    image: &'static str,
    platform: Option<&'static str>,
    /// A comment before the `FROM`, whose checks it may skip.
    leading: Option<&'static str>,
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
        prop::option::of(prop::sample::select(
            &[
                "check=skip=FromPlatformFlagConstDisallowed",
                "check=skip=all",
                "a stage",
                "app0 the application",
            ][..],
        )),
        prop::collection::vec(step(), 0..8),
    )
        .prop_map(
            |(name, from_previous, image, platform, leading, steps)| StageSpec {
                name,
                from_previous,
                image,
                platform,
                leading,
                steps,
            },
        )
}

/// A global ARG, with the comment before it.
type GlobalArg = (Option<&'static str>, &'static str);

fn global_arg() -> impl Strategy<Value = GlobalArg> {
    (
        prop::option::of(prop::sample::select(
            &["VERSION the release", "the release", "check=skip=all"][..],
        )),
        prop::sample::select(&["VERSION", "BASE"][..]),
    )
}

fn build(specs: &[StageSpec], choice: u8, args: &[GlobalArg]) -> Option<Dockerfile> {
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
        if let Some(c) = s.leading {
            stage = stage.with_leading_comment(c);
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
                Step::Comment(c) => stage.comment(*c),
            };
        }
        stages.push(stage);
    }
    let mut builder = Dockerfile::builder();
    if let Some(c) = checks(choice) {
        builder = builder.checks(c);
    }
    for (comment, name) in args {
        if let Some(c) = comment {
            builder = builder.comment(*c);
        }
        builder = builder.arg(*name);
    }
    for s in &stages {
        builder = builder.target(s);
    }
    builder.build().ok()
}

#[test]
fn lints_agree_with_bklint() {
    let Some(bin) = bklint("lints_agree_with_bklint") else {
        return;
    };
    // The models, generated as proptest does from a fixed seed (the same models every run),
    // then checked in one run of bklint.
    let texts = RefCell::new(Vec::new());
    // Each model's own lints (no lines), which must name the rules of its rendered text's.
    let model_rules = RefCell::new(Vec::new());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 400,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = (
        prop::collection::vec(stage_spec(), 1..4),
        0..3u8,
        prop::collection::vec(global_arg(), 0..3),
    );
    let generated = runner.run(&strategy, |(specs, choice, args)| {
        if let Some(df) = build(&specs, choice, &args) {
            texts.borrow_mut().push(df.to_string());
            let rules: Vec<String> = df.lint().iter().map(|l| l.rule().to_string()).collect();
            model_rules.borrow_mut().push(rules);
        }
        Ok(())
    });
    assert!(generated.is_ok(), "generating models: {generated:?}");
    let texts = texts.into_inner();
    let model_rules = model_rules.into_inner();
    let verdicts = run_texts(&bin, "lint-oracle", &texts);
    let mut findings = 0;
    let mut differences = Vec::new();
    for ((text, verdict), rules) in texts.iter().zip(&verdicts).zip(&model_rules) {
        if let Some(e) = &verdict.error {
            differences.push(format!("bklint refused it: {e}\n{text}"));
            continue;
        }
        let parsed = match dockerdsl::parse(text) {
            Ok(p) => p,
            Err(e) => {
                differences.push(format!("parse refused it:\n{e}\n{text}"));
                continue;
            }
        };
        let parsed_rules: Vec<String> =
            parsed.lint().iter().map(|l| l.rule().to_string()).collect();
        if *rules != parsed_rules {
            differences.push(format!(
                "the model's lints {rules:?}\nits rendered text's {parsed_rules:?}\n{text}"
            ));
        }
        let ours = settle_suggestion_ties(buildkit_findings(&parsed.lint()), &verdict.warnings);
        findings += ours.len();
        if ours != verdict.warnings {
            differences.push(format!(
                "dockerdsl {ours:?}\nbklint   {:?}\n{text}",
                verdict.warnings
            ));
        }
    }
    common::say(&format!(
        "lint oracle: {} generated models, {findings} findings of dockerdsl, {} differences from bklint",
        texts.len(),
        differences.len()
    ));
    assert!(
        texts.len() > 300,
        "only {} models were compared",
        texts.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}
