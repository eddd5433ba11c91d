//! The lints about stages as the `FROM` lines and stage references are written: duplicate and
//! reserved names, variables in `FROM` that are not global `ARG`s (BuildKit's checks), and
//! a reference to a stage that is a misspelt stage name ([`Rule::StageNameTypo`], ours).

use std::borrow::Cow;

use super::vars::go_quote;
use super::written::{location, logical};
use super::{Lint, Rule};
use crate::parse::{Parsed, SourceInstruction};
use crate::rules::suggest::{like_buildkit, osa_distance};
use crate::rules::vocab::AUTOMATIC_ARGS;

pub(super) fn lints(parsed: &Parsed) -> Vec<Lint> {
    let escape = parsed.dockerfile().escape().char();
    let mut found = Vec::new();
    let push = |found: &mut Vec<Lint>, i: &SourceInstruction, rule: Rule, message: String| {
        if super::skipped(i.checks.as_deref(), rule) {
            return;
        }
        found.push(Lint {
            rule,
            message,
            location: location(parsed, i.position()),
            line: Some(i.line()),
            column: Some(i.column()),
            end_line: None,
        });
    };
    // The global ARGs' names read from the text: one the model keeps as written
    // (`ARG C=${X:+"a'd"}`) is declared all the same.
    let declared: Vec<String> = parsed
        .instructions()
        .iter()
        .take_while(|i| !i.keyword().eq_ignore_ascii_case("from"))
        .filter(|i| i.keyword().eq_ignore_ascii_case("arg"))
        .flat_map(|i| {
            let words = logical(i, escape);
            words
                .into_iter()
                .skip(1)
                .map(|w| crate::syntax::words::arg_name(&w).to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    // What a variable in FROM may name: the global ARGs (declared, with or without a value)
    // and the platform arguments BuildKit defines.
    let globals: Vec<&str> = parsed
        .dockerfile()
        .args()
        .iter()
        .map(|a| a.name.as_str())
        .chain(declared.iter().map(String::as_str))
        .chain(AUTOMATIC_ARGS.iter().map(|(n, _)| *n))
        .collect();
    let mut names: Vec<String> = Vec::new();
    // Every stage name of the file, for the stage-reference rule.
    let all: Vec<String> = parsed
        .instructions()
        .iter()
        .filter(|i| i.keyword().eq_ignore_ascii_case("from"))
        .filter_map(|i| {
            let words = logical(i, escape);
            let args: Vec<&String> = words
                .iter()
                .skip(1)
                .filter(|w| !w.starts_with("--"))
                .collect();
            match args.as_slice() {
                [_, as_, name] if as_.eq_ignore_ascii_case("as") => Some(name.to_lowercase()),
                _ => None,
            }
        })
        .collect();
    for i in parsed.instructions() {
        let words = logical(i, escape);
        let keyword = i.keyword().to_ascii_lowercase();
        let rest: Vec<&str> = words.iter().skip(1).map(String::as_str).collect();
        let flags: Vec<&str> = rest
            .iter()
            .take_while(|w| w.starts_with("--"))
            .copied()
            .collect();
        let args = &rest[flags.len()..];
        let flag = |name: &str| {
            flags.iter().find_map(|f| {
                f.strip_prefix("--")
                    .and_then(|f| f.strip_prefix(name))
                    .and_then(|v| v.strip_prefix('='))
            })
        };
        match keyword.as_str() {
            "from" => {
                let base = args.first().copied().unwrap_or_default();
                for word in [Some(base), flag("platform")].into_iter().flatten() {
                    // Once a name a word (BuildKit collects a word's unmatched names in a
                    // set: `${REG:+${REG}/}` is one finding).
                    let mut named = Vec::new();
                    for var in crate::rules::variables(word) {
                        if globals.contains(&var) || named.contains(&var) {
                            continue;
                        }
                        named.push(var);
                        let message = match like_buildkit(var, globals.iter().copied()) {
                            Some(s) => {
                                format!("FROM argument '{var}' is not declared (did you mean {s}?)")
                            }
                            None => format!("FROM argument '{var}' is not declared"),
                        };
                        push(&mut found, i, Rule::UndefinedArgInFrom, message);
                    }
                }
                if let Some(near) = typo(base, &names, &all) {
                    push(&mut found, i, Rule::StageNameTypo, typo_message(base, near));
                }
                if let [_, as_, name] = args {
                    if as_.eq_ignore_ascii_case("as") {
                        let lower = name.to_lowercase();
                        if lower == "scratch" || lower == "context" {
                            let message = format!(
                                "Stage name should not use the same name as reserved stage {}",
                                go_quote(&lower)
                            );
                            push(&mut found, i, Rule::ReservedStageName, message);
                        }
                        if names.contains(&lower) {
                            let message = format!(
                                "Duplicate stage name {}, stage names should be unique",
                                go_quote(&lower)
                            );
                            push(&mut found, i, Rule::DuplicateStageName, message);
                        }
                        names.push(lower);
                    }
                }
            }
            "copy" | "run" | "onbuild" => {
                // `--from=` of COPY and `from=` of RUN's mounts, also after ONBUILD: the
                // flags only, not a word of the command (`RUN echo --from=x`).
                let (kind, own_flags) = match keyword.as_str() {
                    "onbuild" => (
                        args.first()
                            .map(|k| k.to_ascii_lowercase())
                            .unwrap_or_default(),
                        args.get(1..).unwrap_or_default(),
                    ),
                    _ => (keyword.clone(), &flags[..]),
                };
                let mut refs: Vec<Cow<'_, str>> = Vec::new();
                for w in own_flags
                    .iter()
                    .take_while(|w| w.starts_with("--") && **w != "--")
                {
                    match kind.as_str() {
                        "copy" => refs.extend(crate::rules::vocab::copy_from(w).map(Cow::Borrowed)),
                        "run" => refs.extend(
                            w.strip_prefix("--mount=")
                                .and_then(crate::rules::vocab::mount_from)
                                .map(Cow::Owned),
                        ),
                        _ => {}
                    }
                }
                for r in &refs {
                    let r = r.trim_matches(['"', '\'']);
                    if let Some(near) = typo(r, &names, &all) {
                        push(&mut found, i, Rule::StageNameTypo, typo_message(r, near));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// The stage name a reference is a misspelling of: it names no stage of the file (earlier
/// ones, or any: a later stage is BuildKit's error to report), does not look like an image
/// (no `/`, `:`, `@`, `.`), nor an index or a variable, and is one or two edits from a stage
/// name (one for names of up to five characters), the nearest first in file order.
fn typo<'n>(reference: &str, earlier: &[String], all: &'n [String]) -> Option<&'n str> {
    let lower = reference.to_lowercase();
    if lower.len() < 3
        || lower.contains(['/', ':', '@', '.', '$'])
        || lower.bytes().all(|b| b.is_ascii_digit())
        || matches!(lower.as_str(), "scratch" | "context")
        || earlier.contains(&lower)
        || all.contains(&lower)
    {
        return None;
    }
    let limit = if lower.chars().count() <= 5 { 1 } else { 2 };
    all.iter()
        .map(|n| (osa_distance(&lower, n), n))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n.as_str())
}

fn typo_message(reference: &str, stage: &str) -> String {
    format!(
        "'{reference}' is not a stage of this file, so it is pulled as an image; did you mean the stage '{stage}'?"
    )
}
