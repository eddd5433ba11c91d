//! BuildKit's own build checks as a test oracle: `bklint` (`../shared/tools/bin/bklint`,
//! `dockerfile2llb.DockerfileLint` run offline, the function behind `docker build --check`),
//! found through `DOCKERDSL_BKLINT`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The variable `.ci/run` sets to bklint's path.
pub const BKLINT_VAR: &str = "DOCKERDSL_BKLINT";

/// One BuildKit warning, as verdicts hold it: line (0 for none), rule name, message.
pub type Warning = (usize, String, String);

/// BuildKit's answer for one file.
#[derive(Debug)]
pub struct Verdict {
    pub error: Option<String>,
    pub warnings: BTreeSet<Warning>,
}

/// BuildKit's errors for a `FROM` word whose variables expand to something it cannot use
/// (blank, not a reference, `${V:?}`, an empty `--platform`). When a variable of the word
/// is a global `ARG` or an automatic one, the value is the build's to give
/// (`--build-arg`, `--platform`): outside the file. bklint runs without build arguments;
/// `docker build --build-arg BASE=alpine:3.20` builds `ARG BASE` / `FROM ${BASE}`, a
/// common pattern. `check` reads such a file and reports BuildKit's warning
/// (InvalidDefaultArgInFrom), and each of BuildKit's warnings must be among its findings; a
/// word whose variables no
/// build can set (undeclared ones) is refused, as BuildKit refuses it.
pub const BUILD_ARGS: &[&str] = &[
    "base name (",
    "failed to parse stage name ",
    "failed to process ",
    "empty platform value from expression ",
];

/// Whether BuildKit refuses the file only for the value the defaults give a `FROM` word
/// whose variables a build argument could set ([`BUILD_ARGS`], and no UndefinedArgInFrom:
/// a variable no `ARG` declares, which no build argument can set).
pub fn refused_for_build_args(verdict: &Verdict) -> bool {
    verdict
        .error
        .as_deref()
        .is_some_and(|e| BUILD_ARGS.iter().any(|p| e.starts_with(p)))
        && !verdict
            .warnings
            .iter()
            .any(|(_, rule, _)| rule == "UndefinedArgInFrom")
}

/// Our findings of BuildKit's own rules, in the shape of its verdicts, to compare with them.
pub fn buildkit_findings<'a>(
    lints: impl IntoIterator<Item = &'a dockerdsl::Lint>,
) -> BTreeSet<Warning> {
    lints
        .into_iter()
        .filter(|l| l.rule().origin() == dockerdsl::Origin::BuildKit)
        .map(|l| {
            (
                l.line().unwrap_or(0),
                l.rule().name().to_owned(),
                l.message().to_owned(),
            )
        })
        .collect()
}

/// `ours` with each UndefinedArgInFrom suggestion that ties with BuildKit's taken as
/// BuildKit's. BuildKit suggests the first declared `ARG` at the least distance in the order
/// of a Go map's keys (`reportUnusedFromArgs`), which is random: with `ARG a1` and `ARG a2`,
/// `FROM busy$a0` says "did you mean a1?" in one run and "a2?" in the next. `check` says the
/// first in the file; either is BuildKit's answer, and a comparison that held one of them
/// would fail at random.
pub fn settle_suggestion_ties(
    mut ours: BTreeSet<Warning>,
    theirs: &BTreeSet<Warning>,
) -> BTreeSet<Warning> {
    fn parts(message: &str) -> Option<(&str, &str)> {
        let rest = message.strip_prefix("FROM argument '")?;
        let (var, rest) = rest.split_once("' is not declared (did you mean ")?;
        Some((var, rest.strip_suffix("?)")?))
    }
    let unmatched: Vec<Warning> = ours.difference(theirs).cloned().collect();
    for warning in unmatched {
        let (line, rule, message) = &warning;
        let Some((var, suggested)) = parts(message).filter(|_| rule == "UndefinedArgInFrom") else {
            continue;
        };
        let tie = theirs.iter().find(|(l, r, m)| {
            l == line
                && r == rule
                && !ours.contains(&(*l, r.clone(), m.clone()))
                && parts(m).is_some_and(|(v, s)| {
                    v == var && levenshtein(var, s) == levenshtein(var, suggested)
                })
        });
        if let Some(tie) = tie {
            ours.remove(&warning);
            ours.insert(tie.clone());
        }
    }
    ours
}

/// Levenshtein distance, as BuildKit's suggestions count it (`agext/levenshtein`).
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[test]
fn a_suggestion_that_ties_with_buildkits_is_buildkits() {
    let w = |m: &str| (3, "UndefinedArgInFrom".to_owned(), m.to_owned());
    let theirs = BTreeSet::from([w("FROM argument 'a0' is not declared (did you mean a2?)")]);
    let ours = BTreeSet::from([w("FROM argument 'a0' is not declared (did you mean a1?)")]);
    assert_eq!(settle_suggestion_ties(ours, &theirs), theirs);
    // Not a tie: `a1` is one edit from `a0`, `a0xy` two.
    let theirs = BTreeSet::from([w("FROM argument 'a0' is not declared (did you mean a0xy?)")]);
    let ours = BTreeSet::from([w("FROM argument 'a0' is not declared (did you mean a1?)")]);
    assert_eq!(settle_suggestion_ties(ours.clone(), &theirs), ours);
    assert_eq!(
        (levenshtein("kitten", "sitting"), levenshtein("", "ab")),
        (3, 2)
    );
}

/// bklint's path: `None` (and the test says it is skipped) when it is not configured, a
/// failure under CI, where it is required.
pub fn bklint(test: &str) -> Option<PathBuf> {
    match std::env::var_os(BKLINT_VAR) {
        Some(p) => {
            let p = PathBuf::from(p);
            assert!(
                p.is_file(),
                "{test}: {BKLINT_VAR}={} is not a file",
                p.display()
            );
            Some(p)
        }
        None => {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true");
            assert!(
                !ci,
                "{test}: {BKLINT_VAR} is not set, and CI=true requires BuildKit's checker \
                 (.ci/run sets it to ../shared/tools/bin/bklint)"
            );
            super::skipped(
                test,
                &format!(
                    "{BKLINT_VAR} is not set (run `{BKLINT_VAR}=../shared/tools/bin/bklint cargo test`, as .ci/run does)"
                ),
            );
            None
        }
    }
}

/// Runs bklint once on every file; its verdicts by file name.
pub fn run_bklint(bin: &Path, files: &[PathBuf]) -> BTreeMap<String, Verdict> {
    let mut out = BTreeMap::new();
    // Several runs of a few hundred files each: the command line stays short.
    for chunk in files.chunks(200) {
        let output = std::process::Command::new(bin)
            .args(chunk)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
        assert!(
            output.status.success(),
            "bklint failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let v: serde_json::Value =
                serde_json::from_str(line).expect("bklint prints JSON lines");
            let warnings = v["warnings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|w| {
                    (
                        w["line"].as_u64().unwrap_or(0) as usize,
                        w["rule"].as_str().unwrap_or_default().to_owned(),
                        w["message"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            out.insert(
                v["file"].as_str().unwrap_or_default().to_owned(),
                Verdict {
                    error: v["error"].as_str().map(str::to_owned),
                    warnings,
                },
            );
        }
    }
    out
}

/// bklint's verdict on each text, in order: the texts are written as files under cargo's
/// temporary folder for tests (`dir`), checked in one run, and removed.
pub fn run_texts(bin: &Path, dir: &str, texts: &[String]) -> Vec<Verdict> {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(dir);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("a temporary folder");
    let paths: Vec<PathBuf> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let p = out.join(format!("{i}.Dockerfile"));
            std::fs::write(&p, t).expect("writing a Dockerfile");
            p
        })
        .collect();
    let mut verdicts = run_bklint(bin, &paths);
    let _ = std::fs::remove_dir_all(&out);
    (0..texts.len())
        .map(|i| {
            verdicts
                .remove(&format!("{i}.Dockerfile"))
                .expect("bklint answers for every file")
        })
        .collect()
}
