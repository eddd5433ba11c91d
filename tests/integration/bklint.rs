//! `check`, `fmt` and the syntax layer against BuildKit's own build checks: `bklint`
//! (`../shared/tools/bin/bklint`, BuildKit's `dockerfile2llb.DockerfileLint` run offline, the
//! function behind `docker build --check`), on every corpus file and on the mutants
//! `common::mutate` makes of the files BuildKit accepts (each mutation one hand edit aimed at
//! one check or one edge of what BuildKit accepts; written to a temporary folder, never
//! committed).
//!
//! For every file: BuildKit accepts it exactly when `check`, `fmt` and `syntax::read` do, and
//! on an accepted file `check`'s BuildKit findings equal bklint's warnings (rule, line and
//! message). `fmt` gives text that `fmt` leaves as it is. Every difference is listed in
//! `DIFFERENCES` with the reason; the test fails on one that is not listed, or a listed one
//! that is gone.
//!
//! Needs bklint (`DOCKERDSL_BKLINT`, set by `.ci/run`) and the corpus (`DOCKERDSL_CORPUS`);
//! skipped without them, except under `CI=true`, where bklint is required.

use crate::common;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The variable `.ci/run` sets to bklint's path.
const BKLINT_VAR: &str = "DOCKERDSL_BKLINT";

/// (file, what differs, why). None may be added without a reason a reviewer accepts.
const DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "stage-named-context__dockerfile_mount_L416.Dockerfile",
        "accepted, BuildKit refuses: unsupported mount type \"\"",
        "renaming the stage made `FROM stage1` an image, so `type=$MNT_TYPE2` (set by an ENV of \
         the renamed stage) expands to nothing; `check` does not expand a mount's type \
         (`type=$VAR` is kept as written, outside the model)",
    ),
    (
        "stage-named-context__dockerfile_mount_L427.Dockerfile",
        "accepted, BuildKit refuses: unsupported mount type \"\"",
        "as above",
    ),
];

/// BuildKit's answer for one file.
#[derive(Debug)]
struct Verdict {
    error: Option<String>,
    warnings: BTreeSet<(usize, String, String)>,
}

/// bklint's path: `None` (and the test says it is skipped) when it is not configured, a
/// failure under CI, where it is required.
fn bklint(test: &str) -> Option<PathBuf> {
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
            common::skipped(
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
fn run_bklint(bin: &Path, files: &[PathBuf]) -> BTreeMap<String, Verdict> {
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

/// Every Dockerfile of the corpus, sorted by name.
fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in ["real/files", "buildkit-tests", "targeted"] {
        let entries = std::fs::read_dir(dir.join(sub)).expect("a corpus folder");
        for e in entries.flatten() {
            let p = e.path();
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !name.ends_with(".jsonl") && !name.ends_with(".tsv") && p.is_file() {
                files.push(p);
            }
        }
    }
    files.sort_by_key(|p| p.file_name().map(|n| n.to_owned()));
    files
}

#[derive(Default)]
struct Counts {
    files: usize,
    accepted: usize,
    refused: usize,
    warnings: usize,
    agreed: usize,
    typos: usize,
}

/// Compares one file; pushes each difference.
fn compare(
    name: &str,
    text: &str,
    verdict: &Verdict,
    counts: &mut Counts,
    differences: &mut BTreeSet<(String, String)>,
) {
    counts.files += 1;
    let checked = dockerdsl::check(text);
    let formatted = dockerdsl::format(text);
    let read = dockerdsl::syntax::read(text);
    // `# check=error=true`: BuildKit fails the build on its own warnings. The file is read
    // all the same, and the warnings are the ones to compare.
    let lint_error = verdict
        .error
        .as_deref()
        .is_some_and(|e| e.starts_with("lint violation found for rules: "));
    if verdict.error.is_some() && !lint_error {
        if checked.is_ok() && formatted.is_ok() {
            counts.refused += 1;
            differences.insert((
                name.to_owned(),
                format!(
                    "accepted, BuildKit refuses: {}",
                    verdict.error.as_deref().unwrap_or_default()
                ),
            ));
        } else if checked.is_ok() || formatted.is_ok() {
            differences.insert((name.to_owned(), "check and fmt disagree".into()));
        } else {
            counts.refused += 1;
        }
        return;
    }
    counts.accepted += 1;
    counts.warnings += verdict.warnings.len();
    if let Err(e) = &read {
        differences.insert((name.to_owned(), format!("syntax::read refuses: {e}")));
    }
    let lints = match checked {
        Ok(l) => l,
        Err(e) => {
            differences.insert((name.to_owned(), format!("check refuses: {e}")));
            return;
        }
    };
    match formatted {
        Ok(f) => match dockerdsl::format(&f) {
            Ok(again) if again == f => {}
            Ok(_) => {
                differences.insert((name.to_owned(), "fmt is not idempotent".into()));
            }
            Err(e) => {
                differences.insert((name.to_owned(), format!("fmt's output is refused: {e}")));
            }
        },
        Err(e) => {
            differences.insert((name.to_owned(), format!("fmt refuses: {e}")));
        }
    }
    counts.typos += lints
        .iter()
        .filter(|l| l.rule() == dockerdsl::Rule::StageNameTypo)
        .count();
    let ours: BTreeSet<(usize, String, String)> = lints
        .iter()
        .filter(|l| l.rule().origin() == dockerdsl::Origin::BuildKit)
        .map(|l| {
            (
                l.line().unwrap_or(0),
                l.rule().name().to_owned(),
                l.message().to_owned(),
            )
        })
        .collect();
    counts.agreed += ours.intersection(&verdict.warnings).count();
    for (line, rule, message) in verdict.warnings.difference(&ours) {
        differences.insert((name.to_owned(), format!("missing {line}:{rule}: {message}")));
    }
    for (line, rule, message) in ours.difference(&verdict.warnings) {
        differences.insert((name.to_owned(), format!("extra {line}:{rule}: {message}")));
    }
}

fn report(what: &str, c: &Counts) {
    common::say(&format!(
        "bklint, {what}: {} files, {} accepted, {} refused as BuildKit refuses them; \
         {} BuildKit warnings, {} reproduced (same rule, line, message); \
         {} StageNameTypo findings",
        c.files, c.accepted, c.refused, c.warnings, c.agreed, c.typos
    ));
}

#[test]
fn check_and_fmt_agree_with_bklint_on_the_corpus_and_its_mutants() {
    const TEST: &str = "check_and_fmt_agree_with_bklint_on_the_corpus_and_its_mutants";
    let Some(bin) = bklint(TEST) else {
        return;
    };
    let Some(dir) = common::corpus(TEST) else {
        return;
    };
    let mut differences = BTreeSet::new();

    let files = corpus_files(&dir);
    let verdicts = run_bklint(&bin, &files);
    let mut corpus = Counts::default();
    let mut accepted: Vec<(String, String)> = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("a corpus file is UTF-8");
        let verdict = verdicts.get(&name).expect("bklint answers for every file");
        compare(&name, &text, verdict, &mut corpus, &mut differences);
        if verdict.error.is_none() {
            accepted.push((name, text));
        }
    }
    report("corpus", &corpus);
    assert_eq!(
        corpus.typos, 0,
        "StageNameTypo on a corpus file: a false positive"
    );

    // The mutants, written where cargo keeps test files.
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bklint-mutants");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("a temporary folder");
    let mutants = common::mutate::mutants(&accepted, 10);
    let mut paths = Vec::new();
    for (name, text) in &mutants {
        let p = out.join(name);
        std::fs::write(&p, text).expect("writing a mutant");
        paths.push(p);
    }
    let verdicts = run_bklint(&bin, &paths);
    let mut mutated = Counts::default();
    let mut typo_mutants = 0;
    for (name, text) in &mutants {
        let verdict = verdicts.get(name).expect("bklint answers for every mutant");
        if name.starts_with("copy-from-typo__") {
            typo_mutants += 1;
        }
        compare(name, text, verdict, &mut mutated, &mut differences);
    }
    report("mutants", &mutated);
    assert!(mutants.len() > 300, "only {} mutants", mutants.len());
    assert_eq!(
        mutated.typos, typo_mutants,
        "every `COPY --from=<misspelt stage>` mutant gets one StageNameTypo, no other file"
    );

    let listed: BTreeSet<(String, String)> = DIFFERENCES
        .iter()
        .map(|(f, what, _)| ((*f).to_owned(), (*what).to_owned()))
        .collect();
    let found: Vec<String> = differences
        .iter()
        .map(|(f, what)| format!("{f}: {what}"))
        .collect();
    assert_eq!(
        differences,
        listed,
        "differences from BuildKit (found):\n{}",
        found.join("\n")
    );
    let _ = std::fs::remove_dir_all(&out);
}
