//! `fmt` keeps what hadolint finds: hadolint (the oracle venv's, pinned, as `.ci/run` runs it
//! on the examples' output) on each corpus file and on its `fmt` output finds the same
//! (codes and messages; the lines move), but for what `fmt` settles on purpose and
//! hadolint's own limits, listed below. Where hadolint cannot read either file (DL1000), the
//! file is counted as skipped.

use crate::common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// hadolint's rules on how a file is written that the canonical form settles: `MAINTAINER`
/// (written as a `LABEL`).
const HOW_WRITTEN: &[&str] = &["DL4000"];

/// (file, what differs, why): files where hadolint's findings change, each for a reason
/// that is hadolint's or the canonical form's, not a change of meaning.
const DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "dockerfile_args_L148.Dockerfile",
        "lost SC2154: a4 is referenced but not assigned.; new SC3037: In POSIX sh, echo flags are undefined.",
        "hadolint reads `ARG a3 a4=\"123 456\" a1` as one name; fmt writes an ARG a line",
    ),
    (
        "h07_dup_alias_case.Dockerfile",
        "new DL3024: FROM aliases (stage names) must be unique",
        "hadolint compares stage names with their case; BuildKit lower-cases them, and so does fmt",
    ),
];

/// One finding: code and message.
type Finding = (String, String);

#[test]
fn fmt_keeps_hadolints_findings_on_the_corpus() {
    const TEST: &str = "fmt_keeps_hadolints_findings_on_the_corpus";
    let Some(dir) = common::corpus(TEST) else {
        return;
    };
    let Some(python) = std::env::var_os(common::oracle::PYTHON_VAR) else {
        common::skipped(
            TEST,
            &format!(
                "{} is not set (hadolint is in the oracle venv)",
                common::oracle::PYTHON_VAR
            ),
        );
        return;
    };
    let hadolint = Path::new(&python).with_file_name("hadolint");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fmt-hadolint");
    let _ = std::fs::remove_dir_all(&out);
    let (originals, formatted) = (out.join("original"), out.join("formatted"));
    std::fs::create_dir_all(&originals).expect("a temporary folder");
    std::fs::create_dir_all(&formatted).expect("a temporary folder");
    let mut names = Vec::new();
    for sub in ["real/files", "buildkit-tests", "targeted"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
            .expect("a corpus folder")
            .flatten()
            .map(|e| e.path())
            .filter(|p| !p.extension().is_some_and(|e| e == "jsonl" || e == "md"))
            .collect();
        files.sort();
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(f) = dockerdsl::format(&text) else {
                continue;
            };
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            std::fs::write(originals.join(&name), &text).expect("writing a file");
            std::fs::write(formatted.join(&name), f).expect("writing a file");
            names.push(name);
        }
    }
    let before = findings(&hadolint, &originals, &names);
    let after = findings(&hadolint, &formatted, &names);
    let (mut kept, mut skipped) = (0, 0);
    let mut differences = Vec::new();
    for name in &names {
        let (was, is) = (&before[name], &after[name]);
        if was.iter().chain(is).any(|(code, _)| code == "DL1000") {
            skipped += 1;
            continue;
        }
        let was: Vec<&Finding> = was
            .iter()
            .filter(|(c, _)| !HOW_WRITTEN.contains(&c.as_str()))
            .collect();
        let is: Vec<&Finding> = is
            .iter()
            .filter(|(c, _)| !HOW_WRITTEN.contains(&c.as_str()))
            .collect();
        if was == is {
            kept += 1;
            continue;
        }
        let (mut lost, mut new) = (was.clone(), Vec::new());
        for f in is {
            match lost.iter().position(|w| *w == f) {
                Some(at) => {
                    lost.remove(at);
                }
                None => new.push(f),
            }
        }
        let say = |what: &str, list: &[&Finding]| {
            list.iter()
                .map(|(code, message)| format!("{what} {code}: {message}"))
                .collect::<Vec<_>>()
        };
        let said = [say("lost", &lost), say("new", &new)].concat().join("; ");
        differences.push((name.clone(), said));
    }
    let _ = std::fs::remove_dir_all(&out);
    eprintln!(
        "{TEST}: {} files formatted, {kept} with hadolint's findings of the original, {} listed, \
         {skipped} skipped (hadolint cannot read the original or the output: DL1000)",
        names.len(),
        differences.len()
    );
    let listed: Vec<(String, String)> = DIFFERENCES
        .iter()
        .map(|(f, what, _)| ((*f).to_owned(), (*what).to_owned()))
        .collect();
    assert_eq!(
        differences, listed,
        "files whose hadolint findings fmt changes"
    );
    assert!(kept > 150, "only {kept} files compared");
}

/// hadolint's findings on each of `names` in `dir`, sorted; one run for all of them.
fn findings(hadolint: &Path, dir: &Path, names: &[String]) -> BTreeMap<String, Vec<Finding>> {
    let output = std::process::Command::new(hadolint)
        .args(["--no-fail", "--no-color", "-f", "json"])
        .args(names.iter().map(|n| dir.join(n)))
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", hadolint.display()));
    let all: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("hadolint's JSON output");
    let mut found: BTreeMap<String, Vec<Finding>> =
        names.iter().map(|n| (n.clone(), Vec::new())).collect();
    for f in all.as_array().expect("a JSON array") {
        let file = Path::new(f["file"].as_str().expect("a file name"));
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let finding = (
            f["code"].as_str().unwrap_or_default().to_owned(),
            f["message"].as_str().unwrap_or_default().to_owned(),
        );
        found.entry(name).or_default().push(finding);
    }
    for list in found.values_mut() {
        list.sort();
    }
    found
}
