//! The lints about how a parsed file is written: keyword casing, `FROM ... as`, the legacy
//! `ENV k v` form, `MAINTAINER`, empty continuation lines, `EXPOSE` protocols. They read the
//! parser's source map, since the model does not keep the text.

use super::vars::go_quote;
use super::{Lint, Rule};
use crate::error::Location;
use crate::model::dockerfile::BuildChecks;
use crate::model::instruction::Instruction;
use crate::parse::{Parsed, Position, SourceInstruction};
use crate::syntax::words;

/// A name an instruction the model does not hold sets in its stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Sets {
    /// An `ENV` key.
    Env(String),
    /// An `ARG`, and whether it has a default.
    Arg(String, bool),
}

/// An instruction the model does not hold ([`Position::AsWritten`]: `ENV A='cost: $5'`,
/// `COPY <<EOF a /dest`): where it is, the words BuildKit expands in it (for UndefinedVar)
/// and the names it sets. The model's lints do not see it, and would otherwise miss its
/// variables and call the names it sets undefined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AsWritten {
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) expands: Vec<String>,
    pub(super) sets: Vec<Sets>,
    /// `EXPOSE`'s words with an IP address or a host port (`127.0.0.1:80:80`).
    pub(super) mappings: Vec<String>,
    /// What a `# check=` comment right before it skips.
    pub(super) checks: Option<BuildChecks>,
}

/// The instructions kept as written, by stage and the index of the model instruction they
/// come before (the stage's number of instructions for those after the last).
pub(super) type WrittenNames = std::collections::BTreeMap<(usize, usize), Vec<AsWritten>>;

pub(super) fn written_names(parsed: &Parsed) -> WrittenNames {
    let escape = parsed.dockerfile().escape().char();
    let mut names = WrittenNames::new();
    let mut at: Option<(usize, usize)> = None;
    for i in parsed.instructions() {
        match i.position() {
            Position::From { stage } => at = Some((*stage, 0)),
            Position::Instructions { stage, indices } => at = Some((*stage, indices.end)),
            Position::GlobalArgs(_) => {}
            Position::AsWritten => {
                let Some(at) = at else { continue };
                let text = joined(i, escape);
                let split = words::split_command(&text);
                let keyword = split.keyword.to_ascii_lowercase();
                let (expands, sets, mappings) = read_as_written(&keyword, &split, escape);
                names.entry(at).or_default().push(AsWritten {
                    line: i.line(),
                    column: i.column(),
                    expands,
                    sets,
                    mappings,
                    checks: i.checks.as_deref().cloned(),
                });
            }
        }
    }
    names
}

/// The words BuildKit expands in an instruction kept as written, the names it sets and
/// `EXPOSE`'s mappings, as BuildKit reads its words.
fn read_as_written(
    keyword: &str,
    split: &words::Split<'_>,
    escape: char,
) -> (Vec<String>, Vec<Sets>, Vec<String>) {
    let unquoted = |w: &str| words::unquote(w, escape).unwrap_or_else(|_| w.to_owned());
    let args = split.args;
    let list = words::parse_words(args, escape);
    let flag = |name: &str| {
        split
            .flags
            .iter()
            .filter_map(|f| f.strip_prefix("--")?.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_owned)
            .collect::<Vec<String>>()
    };
    match keyword {
        "env" | "label" => {
            let (expands, sets) = match list.first() {
                // `ENV key value`: the key is the first word, the value the rest.
                Some(first) if !first.contains('=') => {
                    let (key, value) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
                    (
                        vec![key.to_owned(), value.trim_start().to_owned()],
                        vec![key],
                    )
                }
                _ => {
                    let pairs: Vec<(&str, &str)> =
                        list.iter().filter_map(|w| w.split_once('=')).collect();
                    let expands = pairs
                        .iter()
                        .flat_map(|(k, v)| [(*k).to_owned(), (*v).to_owned()])
                        .collect();
                    (expands, pairs.iter().map(|(k, _)| *k).collect())
                }
            };
            let sets = match keyword {
                "env" => sets.into_iter().map(|k| Sets::Env(unquoted(k))).collect(),
                _ => Vec::new(),
            };
            (expands, sets, Vec::new())
        }
        "arg" => (
            list.iter()
                .filter_map(|w| w.split_once('=').map(|(_, d)| d.to_owned()))
                .collect(),
            list.iter()
                .map(|w| Sets::Arg(unquoted(words::arg_name(w)), w.contains('=')))
                .collect(),
            Vec::new(),
        ),
        "copy" | "add" => {
            let mut expands: Vec<String> =
                list.into_iter().filter(|w| !w.starts_with("<<")).collect();
            expands.extend(flag("chown"));
            expands.extend(flag("chmod"));
            (expands, Vec::new(), Vec::new())
        }
        "workdir" | "user" | "stopsignal" | "volume" => (list, Vec::new(), Vec::new()),
        // BuildKit expands EXPOSE's ports without telling which names are unset; a port
        // with an address or a host port is ExposeInvalidFormat (these are the words that
        // may be one; the model's lints expand them and tell).
        "expose" => {
            let mappings = list
                .into_iter()
                .filter(|p| p.contains([':', '$']))
                .collect();
            (Vec::new(), Vec::new(), mappings)
        }
        _ => (Vec::new(), Vec::new(), Vec::new()),
    }
}

/// The source of each `FROM` (index `None`) and instruction (by stage and instruction
/// index) of a parsed file: where the model lints report their lines.
pub(super) fn lines(parsed: &Parsed) -> super::model::Lines<'_> {
    let mut lines = super::model::Lines::new();
    for i in parsed.instructions() {
        match i.position() {
            Position::From { stage } => {
                lines.insert((*stage, None), i);
            }
            Position::Instructions { stage, indices } => {
                for index in indices.clone() {
                    lines.insert((*stage, Some(index)), i);
                }
            }
            Position::GlobalArgs(_) | Position::AsWritten => {}
        }
    }
    lines
}

pub(super) fn lints(parsed: &Parsed) -> Vec<Lint> {
    let escape = parsed.dockerfile().escape().char();
    let mut found = indented_directives(parsed);
    let mut push = |i: &SourceInstruction, line: usize, rule: Rule, message: String| {
        if super::skipped(i.checks.as_deref(), rule) {
            return;
        }
        found.push(Lint {
            rule,
            message,
            location: location(parsed, i.position()),
            line: Some(line),
            // An empty continuation line is reported on a later line than the keyword's.
            column: Some(if line == i.line() { i.column() } else { 1 }),
            end_line: None,
        });
    };
    for i in parsed.instructions() {
        let keyword = i.keyword();
        let text = joined(i, escape);
        let words: Vec<&str> = text.split_whitespace().collect();
        if let Some(line) = i.empty_continuation {
            push(
                i,
                line,
                Rule::NoEmptyContinuation,
                "Empty continuation line".into(),
            );
        }
        if let Some(message) = text_after_json_args(&text) {
            push(i, i.line(), Rule::TextAfterJsonArgs, message);
        }
        let args: Vec<&str> = words.iter().skip(1).copied().collect();
        match keyword.to_ascii_lowercase().as_str() {
            "from" => {
                let args: Vec<&str> = args.into_iter().filter(|a| !a.starts_with("--")).collect();
                if let [_, as_, name] = args.as_slice() {
                    if name.to_lowercase() != *name {
                        push(
                            i,
                            i.line(),
                            Rule::StageNameCasing,
                            format!("Stage name '{name}' should be lowercase"),
                        );
                    }
                    let lower = keyword.to_lowercase() == keyword;
                    let upper = keyword.to_uppercase() == keyword;
                    let mismatch = (lower && as_.to_lowercase() != *as_)
                        || (upper && !lower && as_.to_uppercase() != *as_);
                    if mismatch {
                        push(
                            i,
                            i.line(),
                            Rule::FromAsCasing,
                            format!("'{as_}' and '{keyword}' keywords' casing do not match"),
                        );
                    }
                    if as_.eq_ignore_ascii_case("as") {
                        let name = name.to_lowercase();
                        describes(
                            parsed.dockerfile().checks(),
                            i,
                            "FROM",
                            &[name.as_str()],
                            &mut push,
                        );
                    }
                }
            }
            "arg" => {
                let split = words::split_command(&text);
                let list = words::parse_words(split.args, escape);
                let keys: Vec<&str> = list
                    .iter()
                    .map(|w| w.split_once('=').map_or(w.as_str(), |(k, _)| k))
                    .collect();
                describes(parsed.dockerfile().checks(), i, "ARG", &keys, &mut push);
            }
            "maintainer" => push(
                i,
                i.line(),
                Rule::MaintainerDeprecated,
                "Maintainer instruction is deprecated in favor of using label".into(),
            ),
            "env" | "label" if args.first().is_some_and(|a| !a.contains('=')) => push(
                i,
                i.line(),
                Rule::LegacyKeyValueFormat,
                format!(
                    "\"{keyword} key=value\" should be used instead of legacy \"{keyword} key value\" format"
                ),
            ),
            "expose" => {
                // A port with a variable is checked as BuildKit expands it, by the model's
                // lints.
                for port in args.into_iter().filter(|p| !p.contains('$')) {
                    let proto = port.split_once('/').map_or("", |(_, proto)| proto);
                    if proto.to_lowercase() != proto {
                        push(
                            i,
                            i.line(),
                            Rule::ExposeProtoCasing,
                            format!(
                                "Defined protocol '{port}' in EXPOSE instruction should be lowercase"
                            ),
                        );
                    }
                    // ExposeInvalidFormat: the model's lints tell it, with the port as
                    // BuildKit expands it (such an EXPOSE is kept as written).
                }
            }
            _ => {}
        }
    }
    found.extend(casing(parsed));
    found.extend(super::stages::lints(parsed));
    found
}

/// BuildKit's experimental `InvalidDefinitionDescription` for an `ARG` or a named `FROM`
/// that comments come right before, where the file or such a comment turns it on.
fn describes(
    file: Option<&BuildChecks>,
    i: &SourceInstruction,
    instruction: &str,
    keys: &[&str],
    push: &mut impl FnMut(&SourceInstruction, usize, Rule, String),
) {
    let Some(word) = i.described.as_deref() else {
        return;
    };
    let rule = Rule::InvalidDefinitionDescription;
    if !super::experimental(file, i.checks.as_deref(), rule) {
        return;
    }
    if let Some(message) = super::invalid_description(instruction, keys, word) {
        push(i, i.line(), rule, message);
    }
}

/// dockerdsl's [`Rule::IndentedDirective`]: the `# check=` and `# syntax=` lines BuildKit
/// does not read for their indentation. A `# check=` comment right before an instruction
/// does not skip it (it is about such lines).
fn indented_directives(parsed: &Parsed) -> Vec<Lint> {
    let mut found = Vec::new();
    for u in &parsed.unread {
        let message = if u.directive {
            format!(
                "`{}` sets nothing: BuildKit reads `# check=` and `# syntax=` only at the start of the first lines, and stops at an indented one",
                u.text
            )
        } else {
            format!(
                "`{}` is indented: BuildKit reads it with its `#` and does not apply it to the next instruction",
                u.text
            )
        };
        found.push(Lint {
            rule: Rule::IndentedDirective,
            message,
            location: crate::error::Location::default(),
            line: Some(u.line),
            column: Some(u.column),
            end_line: None,
        });
    }
    found
}

/// BuildKit's `ConsistentInstructionCasing`: the keywords of the stages (global `ARG`s are
/// not counted) are compared with the casing most of them use; a tie counts as upper case.
fn casing(parsed: &Parsed) -> Vec<Lint> {
    let in_stage: Vec<&SourceInstruction> = parsed
        .instructions()
        .iter()
        .filter(|i| !matches!(i.position(), Position::GlobalArgs(_)))
        .collect();
    let (mut lower, mut upper) = (0, 0);
    for i in &in_stage {
        let k = i.keyword();
        if k.to_lowercase() == k {
            lower += 1;
        } else if k.to_uppercase() == k {
            upper += 1;
        }
    }
    let majority_lower = lower > upper;
    let mut found = Vec::new();
    for i in in_stage {
        let k = i.keyword();
        let wrong = if majority_lower {
            (k.to_lowercase() != k).then_some("lowercase")
        } else {
            (k.to_uppercase() != k).then_some("uppercase")
        };
        if let Some(casing) = wrong {
            found.push(Lint {
                rule: Rule::ConsistentInstructionCasing,
                message: format!(
                    "Command '{k}' should match the case of the command majority ({casing})"
                ),
                location: location(parsed, i.position()),
                line: Some(i.line()),
                column: Some(i.column()),
                end_line: None,
            });
        }
    }
    found
}

/// The words of an instruction as BuildKit's parser joins them: continuation lines
/// appended, comment and empty lines inside it dropped, heredoc bodies (after the first line
/// that does not continue) left out.
pub(super) fn logical(i: &SourceInstruction, escape: char) -> Vec<String> {
    joined(i, escape)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// The words of an `EXPOSE` as written (BuildKit expands each of them).
pub(super) fn expose_words(i: &SourceInstruction, escape: char) -> Vec<String> {
    joined(i, escape)
        .split_whitespace()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// [`logical`]'s text, before it is cut into words.
fn joined(i: &SourceInstruction, escape: char) -> String {
    let mut text = String::new();
    for (n, line) in i.text().lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if n > 0 && (line.trim_start().starts_with('#') || line.trim().is_empty()) {
            continue;
        }
        match line.trim_end().strip_suffix(escape) {
            Some(rest) => text.push_str(rest),
            None => {
                text.push_str(line);
                break;
            }
        }
    }
    text
}

/// dockerdsl's [`Rule::TextAfterJsonArgs`]: the arguments of an instruction that takes the
/// JSON form (also as an `ONBUILD` trigger, and `HEALTHCHECK CMD`'s) start with a JSON array
/// and go on after it.
fn text_after_json_args(text: &str) -> Option<String> {
    let mut split = words::split_command(text);
    let mut keyword = split.keyword.to_ascii_uppercase();
    if keyword == "ONBUILD" {
        split = words::split_command(split.args);
        keyword = split.keyword.to_ascii_uppercase();
    }
    let args = match keyword.as_str() {
        "HEALTHCHECK" => {
            let (kind, command) = split.args.split_once(char::is_whitespace)?;
            if !kind.eq_ignore_ascii_case("cmd") {
                return None;
            }
            keyword = "HEALTHCHECK CMD".into();
            command
        }
        // (`SHELL` takes the JSON form only: BuildKit refuses the file.)
        "RUN" | "CMD" | "ENTRYPOINT" | "COPY" | "ADD" | "VOLUME" => split.args,
        _ => return None,
    };
    let after = words::text_after_json_array(args)?;
    let reads = match keyword.as_str() {
        "COPY" | "ADD" | "VOLUME" => "reads the whole line as paths separated by spaces",
        _ => "runs the whole line in a shell",
    };
    Some(format!(
        "{keyword} has text after its JSON array ({}): BuildKit 1.10 and later {reads}, older frontends took the array alone",
        go_quote(after)
    ))
}

/// Where a source instruction is, in the terms of the model's errors.
pub(super) fn location(parsed: &Parsed, position: &Position) -> Location {
    let stages = parsed.dockerfile().stages();
    match position {
        Position::AsWritten => Location::default(),
        Position::GlobalArgs(range) => Location {
            stage: None,
            instruction: Some((range.start + 1, "ARG".into())),
            field: None,
        },
        Position::From { stage } => Location {
            stage: stages.get(*stage).map(|s| s.name().to_owned()),
            ..Location::default()
        },
        Position::Instructions { stage, indices } => {
            let Some(s) = stages.get(*stage) else {
                return Location::default();
            };
            let before = s.instructions()[..indices.start.min(s.instructions().len())]
                .iter()
                .filter(|i| !matches!(i, Instruction::Comment(_)))
                .count();
            Location {
                stage: Some(s.name().to_owned()),
                instruction: s
                    .instructions()
                    .get(indices.start)
                    .map(|i| (before + 1, i.keyword().into())),
                field: None,
            }
        }
    }
}
