//! The lints of every corpus file against BuildKit's own verdicts
//! (`../shared/corpus/*/buildkit-verdicts.jsonl`: BuildKit's frontend run offline on each
//! file): same rule, same line, same message. Every difference is listed below with the
//! reason; the test fails when a difference appears that is not listed, or a listed one is
//! gone.

use crate::common;

use common::bklint::{Warning, buildkit_findings};
use std::collections::BTreeSet;
use std::path::Path;

/// (file, "missing" or "extra", line, rule, why). "missing": BuildKit warns and dockerdsl
/// does not; "extra": the other way round. None today.
const DIFFERENCES: &[(&str, &str, usize, &str, &str)] = &[];

/// Files BuildKit accepts that the model cannot hold: `parse` refuses them, so there is no
/// `Parsed` to lint (file, why).
const NOT_PARSED: &[(&str, &str)] = &[
    ("dockerfile_check_L752.Dockerfile", "two stages named `b`"),
    (
        "dockerfile_check_L778.Dockerfile",
        "stages named `scratch` and `context`",
    ),
    (
        "dockerfile_mount_L416.Dockerfile",
        "`--mount=type=$MNT_TYPE2`: a mount's type is typed",
    ),
    (
        "dockerfile_mount_L427.Dockerfile",
        "`--mount=type=$MNT_TYPE2`: a mount's type is typed",
    ),
    (
        "h07_dup_alias_case.Dockerfile",
        "stages `Build` and `build`",
    ),
    (
        "h14_stage_named_scratch.Dockerfile",
        "a stage named `scratch`",
    ),
    (
        "h24_copy_multi_nodir.Dockerfile",
        "`COPY a b c`: several sources need a directory `c/`",
    ),
    ("n26_dup_stage.Dockerfile", "two stages named `a`"),
];

/// BuildKit's warnings on the files above, and what becomes of each: (file, line, rule,
/// why). A `DuplicateStageName` or `ReservedStageName` warning is an error of `parse` here,
/// at the same line (checked below); the others are lost with the file.
const ON_REFUSED_FILES: &[(&str, usize, &str, &str)] = &[
    (
        "dockerfile_check_L752.Dockerfile",
        2,
        "DuplicateStageName",
        "an error here, same line",
    ),
    (
        "dockerfile_check_L778.Dockerfile",
        1,
        "ReservedStageName",
        "an error here, same line",
    ),
    (
        "dockerfile_check_L778.Dockerfile",
        2,
        "ReservedStageName",
        "an error here, same line",
    ),
    (
        "dockerfile_mount_L416.Dockerfile",
        1,
        "FromAsCasing",
        "lost: the file is refused for its mount type (line 6)",
    ),
    (
        "h07_dup_alias_case.Dockerfile",
        1,
        "StageNameCasing",
        "lost: the file is refused for the duplicate name (line 2); `AS Build` alone is reported (tests/lints.rs)",
    ),
    (
        "h07_dup_alias_case.Dockerfile",
        2,
        "DuplicateStageName",
        "an error here, same line",
    ),
    (
        "h14_stage_named_scratch.Dockerfile",
        1,
        "ReservedStageName",
        "an error here, same line",
    ),
    (
        "n26_dup_stage.Dockerfile",
        2,
        "DuplicateStageName",
        "an error here, same line",
    ),
];

fn verdicts(
    dir: &Path,
) -> Vec<(
    String,
    std::path::PathBuf,
    Option<String>,
    BTreeSet<Warning>,
)> {
    let mut out = Vec::new();
    for (sub, files) in [
        ("real", "real/files"),
        ("buildkit-tests", "buildkit-tests"),
        ("targeted", "targeted"),
    ] {
        let text = std::fs::read_to_string(dir.join(sub).join("buildkit-verdicts.jsonl")).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let name = v["file"].as_str().unwrap().to_owned();
            let warnings = v["warnings"]
                .as_array()
                .map(|w| {
                    w.iter()
                        .map(|w| {
                            (
                                w["line"].as_u64().unwrap() as usize,
                                w["rule"].as_str().unwrap().to_owned(),
                                w["message"].as_str().unwrap().to_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push((
                name.clone(),
                dir.join(files).join(&name),
                v["error"].as_str().map(str::to_owned),
                warnings,
            ));
        }
    }
    out
}

#[test]
fn lints_agree_with_buildkit_verdicts() {
    let Some(dir) = common::corpus("lints_agree_with_buildkit_verdicts") else {
        return;
    };
    let mut differences = BTreeSet::new();
    let mut not_parsed = BTreeSet::new();
    let mut refused = BTreeSet::new();
    let (mut files, mut agreed, mut warnings) = (0, 0, 0);
    for (name, path, error, expected) in verdicts(&dir) {
        if error.is_some() {
            continue;
        }
        files += 1;
        warnings += expected.len();
        let parsed = match dockerdsl::parse_file(&path) {
            Ok(p) => p,
            Err(e) => {
                let error_lines: BTreeSet<usize> = e
                    .diagnostics()
                    .iter()
                    .map(|d| d.line().unwrap_or(0))
                    .collect();
                for (line, rule, _) in &expected {
                    refused.insert((name.clone(), *line, rule.clone()));
                    if rule == "DuplicateStageName" || rule == "ReservedStageName" {
                        assert!(
                            error_lines.contains(line),
                            "{name}: BuildKit's {rule} at line {line} is not an error at that line: {e}"
                        );
                    }
                }
                not_parsed.insert((name.clone(), e.to_string()));
                continue;
            }
        };
        let got = buildkit_findings(&parsed.lint());
        agreed += got.intersection(&expected).count();
        for w in expected.difference(&got) {
            differences.insert((name.clone(), "missing", w.clone()));
        }
        for w in got.difference(&expected) {
            differences.insert((name.clone(), "extra", w.clone()));
        }
    }
    eprintln!(
        "{files} files accepted by BuildKit, {warnings} BuildKit warnings: {agreed} reproduced \
         (same rule, line and message), {} on files parse refuses, {} differences",
        refused.len(),
        differences.len()
    );
    let listed: BTreeSet<(String, &str, Warning)> = DIFFERENCES
        .iter()
        .map(|(f, kind, line, rule, _)| {
            (
                (*f).to_owned(),
                *kind,
                (*line, (*rule).to_owned(), String::new()),
            )
        })
        .collect();
    let found: BTreeSet<(String, &str, Warning)> = differences
        .iter()
        .map(|(f, kind, (line, rule, _))| (f.clone(), *kind, (*line, rule.clone(), String::new())))
        .collect();
    assert_eq!(found, listed, "differences from BuildKit's verdicts");
    let listed: BTreeSet<&str> = NOT_PARSED.iter().map(|(f, _)| *f).collect();
    let found: BTreeSet<&str> = not_parsed.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(found, listed, "files BuildKit accepts that are not parsed");
    let listed: BTreeSet<(String, usize, String)> = ON_REFUSED_FILES
        .iter()
        .map(|(f, line, rule, _)| ((*f).to_owned(), *line, (*rule).to_owned()))
        .collect();
    assert_eq!(
        refused, listed,
        "BuildKit's warnings on files parse refuses"
    );
    assert_eq!(
        agreed + refused.len(),
        warnings,
        "every other warning is reproduced"
    );
}

/// hadolint's structural rules that dockerdsl implements, against hadolint 2.15.1 on the
/// targeted files (`targeted/hadolint-verdicts.jsonl`): same code, same line.
#[test]
fn hadolint_rules_agree_with_hadolint() {
    let Some(dir) = common::corpus("hadolint_rules_agree_with_hadolint") else {
        return;
    };
    let codes: BTreeSet<&str> = dockerdsl::Rule::ALL
        .iter()
        .filter(|r| r.origin() == dockerdsl::Origin::Hadolint)
        .map(|r| r.name())
        .collect();
    let text = std::fs::read_to_string(dir.join("targeted/hadolint-verdicts.jsonl")).unwrap();
    let mut compared = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let name = v["file"].as_str().unwrap();
        let Ok(parsed) = dockerdsl::parse_file(dir.join("targeted").join(name)) else {
            continue;
        };
        compared += 1;
        let expected: BTreeSet<(usize, String)> = v["hadolint"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| codes.contains(h["code"].as_str().unwrap()))
            .map(|h| {
                (
                    h["line"].as_u64().unwrap() as usize,
                    h["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let got: BTreeSet<(usize, String)> = parsed
            .lint()
            .iter()
            .filter(|l| l.rule().origin() == dockerdsl::Origin::Hadolint)
            .map(|l| (l.line().unwrap_or(0), l.rule().name().to_owned()))
            .collect();
        assert_eq!(got, expected, "{name}");
    }
    assert!(
        compared > 40,
        "only {compared} targeted files were compared"
    );
}
