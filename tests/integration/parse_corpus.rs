//! Every Dockerfile of the shared corpus, read by `dockerdsl::parse` and written back in
//! canonical form: the output means the same to BuildKit's parser as the original (checked
//! with the PyPI `dockerfile` package, which wraps BuildKit's Go parser), formatting is
//! idempotent, and the files BuildKit rejects are refused with an error.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Files BuildKit accepts that the model cannot hold, with the error the parser gives.
/// Each is reported as an error, never as different output, and every error of such a file
/// is a model limit ([`dockerdsl::Diagnostic::is_model_limit`]) with its line.
const MODEL_LIMITS: &[(&str, &str)] = &[
    // Two stages with one name: BuildKit warns (DuplicateStageName); stages are values
    // with unique names here.
    (
        "dockerfile_check_L752.Dockerfile",
        "duplicate stage name `b`: the stage on line 1 has it too",
    ),
    // Stages named `scratch` and `context`: BuildKit warns (ReservedStageName).
    (
        "dockerfile_check_L778.Dockerfile",
        "stage name `scratch` is reserved by BuildKit",
    ),
    // `--mount=type=$VAR`: a mount's type decides its options, so it is typed here.
    (
        "dockerfile_mount_L416.Dockerfile",
        "a variable in the mount option `type=$MNT_TYPE2`",
    ),
    (
        "dockerfile_mount_L427.Dockerfile",
        "a variable in the mount option `type=$MNT_TYPE2`",
    ),
    // The targeted cases: the same two limits, and several sources into a destination
    // without `/` (BuildKit fails that only when it builds).
    ("h07_dup_alias_case.Dockerfile", "duplicate stage name"),
    ("n26_dup_stage.Dockerfile", "duplicate stage name"),
    (
        "h14_stage_named_scratch.Dockerfile",
        "stage name `scratch` is reserved by BuildKit",
    ),
    (
        "h24_copy_multi_nodir.Dockerfile",
        "the destination must be a directory",
    ),
];

/// Rejected files whose first error is not on the line BuildKit names, and why.
const OTHER_LINE: &[(&str, &str)] = &[
    // BuildKit names line 1 for a repeated directive; the parser names the repeat.
    (
        "n18_dup_directive.Dockerfile",
        "the repeated directive's own line",
    ),
];

pub struct CorpusFile {
    pub name: String,
    pub path: PathBuf,
    /// BuildKit's error, when it rejects the file.
    pub rejected: Option<String>,
    /// The line BuildKit names for its error, when it names one.
    pub error_line: Option<usize>,
}

/// The files of `real/`, `buildkit-tests/` and `targeted/` with BuildKit's verdict on each.
pub fn corpus_files(dir: &Path) -> Vec<CorpusFile> {
    let mut out = Vec::new();
    let dirs = [
        ("real", "real/files"),
        ("buildkit-tests", "buildkit-tests"),
        ("targeted", "targeted"),
    ];
    for (sub, files) in dirs {
        let verdicts = std::fs::read_to_string(dir.join(sub).join("buildkit-verdicts.jsonl"))
            .expect("buildkit-verdicts.jsonl");
        for line in verdicts.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("a verdict");
            let name = v["file"].as_str().expect("file").to_owned();
            let path = dir.join(files).join(&name);
            assert!(path.is_file(), "{} is missing", path.display());
            let rejected = v["error"].as_str().map(str::to_owned);
            let error_line = v["error_line"]
                .as_u64()
                .and_then(|n| usize::try_from(n).ok());
            out.push(CorpusFile {
                name,
                path,
                rejected,
                error_line,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The oracle's Python (`DOCKERDSL_ORACLE_PYTHON`, set by .ci/run), or `None` with a note
/// that the comparison with BuildKit's parser is skipped; under CI it is required.
fn oracle_python(test: &str) -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("DOCKERDSL_ORACLE_PYTHON") {
        return Some(PathBuf::from(python));
    }
    assert!(
        !std::env::var("CI").is_ok_and(|v| v == "true"),
        "{test}: DOCKERDSL_ORACLE_PYTHON is not set, and CI=true requires the BuildKit oracle \
         (.ci/run sets it up with `bash .ci/oracles-setup`)"
    );
    eprintln!(
        "{test}: the comparison with BuildKit's parser is skipped: run \
         `export DOCKERDSL_ORACLE_PYTHON=$(bash .ci/oracles-setup)` and test again (.ci/run does)"
    );
    None
}

/// Runs tests/oracle/same_meaning.py on (name, original, formatted) triples; returns the
/// names it found different, with why.
pub fn different_to_buildkit(python: &Path, jobs: &[(String, PathBuf, PathBuf)]) -> Vec<String> {
    let input: Vec<serde_json::Value> = jobs
        .iter()
        .map(|(name, a, b)| serde_json::json!({"name": name, "original": a, "formatted": b}))
        .collect();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/same_meaning.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the oracle runs");
    serde_json::to_writer(child.stdin.take().expect("stdin"), &input).expect("jobs written");
    let out = child.wait_with_output().expect("the oracle finishes");
    assert!(out.status.success(), "the oracle failed");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let results: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a result"))
        .collect();
    assert_eq!(results.len(), jobs.len(), "one result per file");
    results
        .iter()
        .filter(|r| r["same"] != true)
        .map(|r| format!("{}: {}", r["name"], r["detail"]))
        .collect()
}

#[test]
fn corpus_round_trips_with_the_same_meaning() {
    let Some(dir) = common::corpus("corpus_round_trips_with_the_same_meaning") else {
        return;
    };
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("parse-corpus");
    std::fs::create_dir_all(&out_dir).expect("output folder");
    let mut failures = Vec::new();
    let mut jobs = Vec::new();
    let (mut rejected, mut limits) = (0, 0);
    for file in corpus_files(&dir) {
        let text = std::fs::read_to_string(&file.path).expect("utf-8 Dockerfile");
        let parsed = dockerdsl::parse(&text);
        let limit = MODEL_LIMITS.iter().find(|(n, _)| *n == file.name);
        match (&file.rejected, limit, parsed) {
            (Some(_), _, Err(e)) => {
                rejected += 1;
                if e.diagnostics().iter().all(|d| d.is_model_limit()) {
                    failures.push(format!(
                        "{}: BuildKit rejects it, the parser names only model limits: {e}",
                        file.name
                    ));
                }
                let lines: Vec<usize> = e
                    .diagnostics()
                    .iter()
                    .map(|d| d.line().unwrap_or(0))
                    .collect();
                let excused = OTHER_LINE.iter().any(|(n, _)| *n == file.name);
                if let Some(line) = file.error_line {
                    if !lines.contains(&line) && !excused {
                        failures.push(format!(
                            "{}: BuildKit's error is on line {line}, the parser's on {lines:?}: {e}",
                            file.name
                        ));
                    }
                }
            }
            (Some(why), _, Ok(_)) => {
                failures.push(format!(
                    "{}: BuildKit rejects it ({why}), parse accepts it",
                    file.name
                ));
            }
            (None, Some((_, expected)), Err(e)) => {
                let all_limits = e
                    .diagnostics()
                    .iter()
                    .all(|d| d.is_model_limit() && d.line().is_some());
                if e.to_string().contains(expected) && all_limits {
                    limits += 1;
                } else {
                    failures.push(format!(
                        "{}: expected model limits with lines, one about {expected:?}, got {e}",
                        file.name
                    ));
                }
            }
            (None, Some(_), Ok(_)) => {
                failures.push(format!(
                    "{}: listed as beyond the model, but it parses: update MODEL_LIMITS",
                    file.name
                ));
            }
            (None, None, Err(e)) => failures.push(format!("{}: {e}", file.name)),
            (None, None, Ok(parsed)) => {
                let formatted = parsed.dockerfile().to_string();
                match dockerdsl::parse(&formatted) {
                    Ok(again) if again.dockerfile().to_string() == formatted => {}
                    Ok(again) => failures.push(format!(
                        "{}: not idempotent:\n{formatted}\n---\n{}",
                        file.name,
                        again.dockerfile()
                    )),
                    Err(e) => {
                        failures.push(format!("{}: the output does not parse: {e}", file.name))
                    }
                }
                let path = out_dir.join(format!("{}.formatted", file.name));
                std::fs::write(&path, &formatted).expect("written");
                jobs.push((file.name.clone(), file.path.clone(), path));
            }
        }
    }
    let test = "corpus_round_trips_with_the_same_meaning";
    let meaning = match oracle_python(test) {
        Some(python) => {
            failures.extend(different_to_buildkit(&python, &jobs));
            "with the same meaning to BuildKit's parser"
        }
        None => "idempotently (meaning not checked)",
    };
    eprintln!(
        "corpus: {} round-tripped {meaning}, {rejected} rejected as BuildKit does, {limits} beyond the model",
        jobs.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
