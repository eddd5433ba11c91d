//! Field checks: what must read back, from `parse-dockerfile` and from the BuildKit model.

use parse_dockerfile as pd;
use proptest::prelude::*;
use std::time::Duration;

use super::Checked;
use super::structure::{buildkit_args, fail, read};
use crate::common::bk;

/// `key=value` words (`ENV`, `LABEL`, `ARG`): one word per pair, each with its key and
/// its value.
fn check_kv_words(
    words: &[String],
    pairs: &[(&str, &str)],
    escape: char,
    who: &str,
    text: &str,
) -> Checked {
    if words.len() != pairs.len() {
        return Err(fail(
            text,
            format!("{who}: words {words:?}, expected {}", pairs.len()),
        ));
    }
    for (word, (key, value)) in words.iter().zip(pairs) {
        let Some((k, v)) = word.split_once('=') else {
            return Err(fail(text, format!("{who}: no `=` in {word:?}")));
        };
        prop_assert_eq!(k, *key, "{}: key\n{}", who, text);
        prop_assert_eq!(read(v, escape, text)?, *value, "{}: value\n{}", who, text);
    }
    Ok(())
}

/// `ENV`, `LABEL` or `ARG` with `pairs`. "parse-dockerfile" checks the arguments as it
/// splits them; "BuildKit" checks the arguments as BuildKit's parser leaves them; both go
/// through BuildKit's word splitting and lexer (`parse-dockerfile` does neither).
pub(super) fn check_key_values(
    inst: &pd::Instruction<'_>,
    pairs: &[(&str, &str)],
    escape: char,
    text: &str,
) -> Checked {
    let (kw, args) = match inst {
        pd::Instruction::Env(i) => (&i.env, &i.arguments),
        pd::Instruction::Label(i) => (&i.label, &i.arguments),
        pd::Instruction::Arg(i) => (&i.arg, &i.arguments),
        _ => return Err(fail(text, "not a key=value instruction")),
    };
    let pd_words = bk::parse_words(&args.value, escape);
    check_kv_words(&pd_words, pairs, escape, "parse-dockerfile", text)?;
    let (flags, rest) = buildkit_args(text, kw.span.end, args.span.end, escape);
    prop_assert!(
        flags.is_empty(),
        "BuildKit reads flags {:?}\n{}",
        flags,
        text
    );
    check_kv_words(
        &bk::parse_words(&rest, escape),
        pairs,
        escape,
        "BuildKit",
        text,
    )
}

pub(super) fn check_key_value(
    inst: &pd::Instruction<'_>,
    key: &str,
    value: &str,
    escape: char,
    text: &str,
) -> Checked {
    check_key_values(inst, &[(key, value)], escape, text)
}

/// `WORKDIR` and `USER`: the whole argument is one lexer word.
pub(super) fn check_whole_word(
    inst: &pd::Instruction<'_>,
    value: &str,
    escape: char,
    text: &str,
) -> Checked {
    let (kw, args) = match inst {
        pd::Instruction::Workdir(i) => (&i.workdir, &i.arguments),
        pd::Instruction::User(i) => (&i.user, &i.arguments),
        _ => return Err(fail(text, "not WORKDIR or USER")),
    };
    prop_assert_eq!(
        read(&args.value, escape, text)?,
        value,
        "parse-dockerfile\n{}",
        text
    );
    let (flags, rest) = buildkit_args(text, kw.span.end, args.span.end, escape);
    prop_assert!(
        flags.is_empty(),
        "BuildKit reads flags {:?}\n{}",
        flags,
        text
    );
    prop_assert_eq!(read(&rest, escape, text)?, value, "BuildKit\n{}", text);
    Ok(())
}

/// How BuildKit reads a flag's value after `extractBuilderFlags`.
#[derive(Debug, Clone)]
pub(super) enum Want {
    /// `--name` without a value.
    Bool(&'static str),
    /// Used as written (`--network`, `--exclude`).
    Raw(&'static str, String),
    /// A Go duration (`--interval`): any spelling of the same length of time.
    Duration(&'static str, Duration),
    /// Through the shell-word lexer (`--chown`, `--checksum`).
    Lexed(&'static str, String),
    /// `--mount`: CSV fields `key=value`, each value through the lexer.
    Mount(Vec<(&'static str, String)>),
}

impl Want {
    fn name(&self) -> &'static str {
        match self {
            Want::Bool(n) | Want::Raw(n, _) | Want::Lexed(n, _) | Want::Duration(n, _) => n,
            Want::Mount(_) => "mount",
        }
    }
}

fn check_flag_value(
    name: &str,
    value: Option<&str>,
    want: &Want,
    escape: char,
    who: &str,
    text: &str,
) -> Checked {
    prop_assert_eq!(name, want.name(), "{}: flag name\n{}", who, text);
    match want {
        Want::Bool(_) => prop_assert_eq!(value, None, "{}\n{}", who, text),
        Want::Raw(_, v) => prop_assert_eq!(value, Some(v.as_str()), "{}\n{}", who, text),
        Want::Duration(_, d) => {
            let got = value.and_then(bk::go_duration);
            prop_assert_eq!(got, Some(*d), "{}: --{} = {:?}\n{}", who, name, value, text);
        }
        Want::Lexed(_, v) => {
            let got = value.ok_or_else(|| fail(text, "no value"))?;
            prop_assert_eq!(
                read(got, escape, text)?,
                v.as_str(),
                "{}: --{}\n{}",
                who,
                name,
                text
            );
        }
        Want::Mount(fields) => {
            let got = value.ok_or_else(|| fail(text, "no value"))?;
            // `csvvalue.Fields`: the values never hold quotes, so a plain split.
            let mut read_fields = Vec::new();
            for field in got.split(',') {
                let (k, v) = field.split_once('=').unwrap_or((field, ""));
                read_fields.push((k.to_ascii_lowercase(), read(v, escape, text)?));
            }
            let want_fields: Vec<(String, String)> = fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect();
            prop_assert_eq!(read_fields, want_fields, "{}: --mount\n{}", who, text);
        }
    }
    Ok(())
}

/// Flags, as `parse-dockerfile` reads them and as BuildKit does.
fn check_flags(
    pd_flags: &[pd::Flag<'_>],
    bk_flags: &[String],
    wants: &[Want],
    escape: char,
    text: &str,
) -> Checked {
    prop_assert_eq!(
        pd_flags.len(),
        wants.len(),
        "parse-dockerfile: number of flags\n{}",
        text
    );
    prop_assert_eq!(
        bk_flags.len(),
        wants.len(),
        "BuildKit: flags {:?}\n{}",
        bk_flags,
        text
    );
    for ((f, word), want) in pd_flags.iter().zip(bk_flags).zip(wants) {
        let v = f.value.as_ref().map(|v| v.value.as_ref());
        check_flag_value(&f.name.value, v, want, escape, "parse-dockerfile", text)?;
        // `BFlags.Parse`: `--name=value`, split at the first `=`.
        let word = word
            .strip_prefix("--")
            .ok_or_else(|| fail(text, "flag without --"))?;
        let (n, v) = match word.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (word, None),
        };
        check_flag_value(n, v, want, escape, "BuildKit", text)?;
    }
    Ok(())
}

/// The separator of a `Run::chain` as BuildKit joins it: ` \` + newline + 4 spaces + `&& `,
/// with the escape character removed.
const CHAIN_JOIN: &str = "     && ";

#[derive(Debug)]
pub(super) enum WantCommand<'a> {
    /// One line of shell text.
    Shell(&'a str),
    /// A script: a heredoc body.
    Script(&'a str),
    /// `&&`-joined commands.
    Chain(&'a [dockerdsl::Text]),
    /// JSON form.
    Exec(&'a [dockerdsl::Text]),
}

/// A command as `parse-dockerfile` gives it (`pd`) and as BuildKit's parser leaves it
/// (`rest`: the arguments after the flags). `heredocs`: whether BuildKit looks for heredocs
/// in the instruction (`RUN` does; `CMD`, `ENTRYPOINT` and `HEALTHCHECK` do not).
fn check_command(
    pd_cmd: &pd::Command<'_>,
    here_docs: &[pd::HereDoc<'_>],
    rest: &str,
    want: &WantCommand<'_>,
    heredocs: bool,
    escape: char,
    text: &str,
) -> Checked {
    let no_heredoc = |rest: &str| -> Checked {
        if !heredocs {
            return Ok(());
        }
        let words: Vec<String> = bk::raw_words(rest)
            .into_iter()
            .filter(|w| bk::heredoc_word(w))
            .collect();
        prop_assert!(
            words.is_empty(),
            "BuildKit reads heredocs {:?}\n{}",
            words,
            text
        );
        Ok(())
    };
    match want {
        WantCommand::Shell(_) | WantCommand::Chain(_) => {
            let expected = match want {
                WantCommand::Chain(cmds) => cmds.join(CHAIN_JOIN),
                WantCommand::Shell(cmd) => (*cmd).to_owned(),
                _ => unreachable!(),
            };
            let pd::Command::Shell(s) = pd_cmd else {
                return Err(fail(text, "parse-dockerfile reads the exec form"));
            };
            prop_assert!(
                here_docs.is_empty(),
                "parse-dockerfile reads a heredoc\n{}",
                text
            );
            let joined = bk::join_lines(s.value, escape);
            prop_assert_eq!(
                joined.trim_matches(bk::is_space),
                expected.as_str(),
                "parse-dockerfile\n{}",
                text
            );
            match bk::json_array(rest) {
                None => {}
                Some(true) => {
                    return Err(fail(text, format!("BuildKit runs {rest:?} in exec form")));
                }
                Some(false) => {
                    return Err(fail(
                        text,
                        format!("BuildKit fails: {rest:?} starts with a JSON array of non-strings"),
                    ));
                }
            }
            prop_assert_eq!(rest, expected.as_str(), "BuildKit\n{}", text);
            no_heredoc(rest)?;
        }
        WantCommand::Script(script) => {
            let mut body = (*script).to_owned();
            if !body.ends_with('\n') {
                body.push('\n');
            }
            let pd::Command::Shell(s) = pd_cmd else {
                return Err(fail(text, "parse-dockerfile reads the exec form"));
            };
            // parse-dockerfile gives the text after the heredoc marker as the command.
            prop_assert_eq!(
                s.value,
                "",
                "parse-dockerfile: command after the marker\n{}",
                text
            );
            prop_assert_eq!(here_docs.len(), 1, "parse-dockerfile: heredocs\n{}", text);
            prop_assert_eq!(
                here_docs[0].value.as_ref(),
                body.as_str(),
                "parse-dockerfile: body\n{}",
                text
            );
            // BuildKit: the command is the marker alone, and the only heredoc of the line.
            prop_assert!(
                rest.starts_with("<<EOF"),
                "BuildKit: command {:?}\n{}",
                rest,
                text
            );
            let words: Vec<String> = bk::raw_words(rest)
                .into_iter()
                .filter(|w| bk::heredoc_word(w))
                .collect();
            prop_assert_eq!(words, vec![rest.to_owned()], "BuildKit: heredocs\n{}", text);
        }
        WantCommand::Exec(argv) => {
            let pd::Command::Exec(a) = pd_cmd else {
                return Err(fail(text, "parse-dockerfile reads the shell form"));
            };
            let got: Vec<&str> = a.value.iter().map(|s| s.value.as_ref()).collect();
            let want: Vec<&str> = argv.iter().map(dockerdsl::Text::as_str).collect();
            prop_assert_eq!(got, want, "parse-dockerfile\n{}", text);
            prop_assert!(
                bk::reads_exec_form(rest),
                "BuildKit reads the shell form\n{}",
                text
            );
        }
    }
    Ok(())
}

pub(super) fn check_run(
    inst: &pd::Instruction<'_>,
    wants: &[Want],
    want: &WantCommand<'_>,
    escape: char,
    text: &str,
) -> Checked {
    let pd::Instruction::Run(r) = inst else {
        return Err(fail(text, "not RUN"));
    };
    let last = match &r.arguments {
        pd::Command::Exec(a) => a.span.end,
        pd::Command::Shell(s) => s.span.end.max(s.span.start),
        _ => return Err(fail(text, "unknown command form")),
    };
    let (flags, rest) = buildkit_args(text, r.run.span.end, last, escape);
    check_flags(&r.options, &flags, wants, escape, text)?;
    check_command(&r.arguments, &r.here_docs, &rest, want, true, escape, text)
}

/// `CMD`, `ENTRYPOINT` or `HEALTHCHECK CMD`.
pub(super) fn check_cmd_like(
    inst: &pd::Instruction<'_>,
    wants: &[Want],
    want: &WantCommand<'_>,
    escape: char,
    text: &str,
) -> Checked {
    let (kw, options, cmd): (&pd::Keyword, &[pd::Flag<'_>], &pd::Command<'_>) = match inst {
        pd::Instruction::Cmd(i) => (&i.cmd, &[][..], &i.arguments),
        pd::Instruction::Entrypoint(i) => (&i.entrypoint, &[][..], &i.arguments),
        pd::Instruction::Healthcheck(i) => match &i.arguments {
            pd::HealthcheckArguments::Cmd { arguments, .. } => {
                (&i.healthcheck, i.options.as_slice(), arguments)
            }
            _ => return Err(fail(text, "HEALTHCHECK without CMD")),
        },
        _ => return Err(fail(text, "not CMD/ENTRYPOINT/HEALTHCHECK")),
    };
    let last = match cmd {
        pd::Command::Exec(a) => a.span.end,
        pd::Command::Shell(s) => s.span.end.max(s.span.start),
        _ => return Err(fail(text, "unknown command form")),
    };
    let (flags, mut rest) = buildkit_args(text, kw.span.end, last, escape);
    check_flags(options, &flags, wants, escape, text)?;
    if matches!(inst, pd::Instruction::Healthcheck(_)) {
        // `parseHealthConfig`: the type word, then (byte-wise) spaces, then the command.
        let b = rest.as_bytes();
        let sep = b
            .iter()
            .position(|&c| bk::is_space_byte(c))
            .unwrap_or(b.len());
        prop_assert_eq!(&rest[..sep], "CMD", "BuildKit: HEALTHCHECK type\n{}", text);
        let next = b[sep..]
            .iter()
            .position(|&c| !bk::is_space_byte(c))
            .map_or(b.len(), |i| sep + i);
        rest = String::from_utf8_lossy(&b[next..]).into_owned();
    }
    check_command(cmd, &[], &rest, want, false, escape, text)
}

/// Sources for `COPY`/`ADD`.
#[derive(Debug)]
pub(super) enum WantSources<'a> {
    Paths(&'a [String]),
    Inline(&'a str),
}

pub(super) fn check_files(
    inst: &pd::Instruction<'_>,
    wants: &[Want],
    sources: &WantSources<'_>,
    dest: &str,
    escape: char,
    text: &str,
) -> Checked {
    let (kw, options, src, pd_dest) = match inst {
        pd::Instruction::Copy(i) => (&i.copy, &i.options, &i.src, &i.dest),
        pd::Instruction::Add(i) => (&i.add, &i.options, &i.src, &i.dest),
        _ => return Err(fail(text, "not COPY/ADD")),
    };
    let (flags, rest) = buildkit_args(text, kw.span.end, pd_dest.span.end, escape);
    check_flags(options, &flags, wants, escape, text)?;
    match sources {
        WantSources::Inline(content) => {
            let mut body = (*content).to_owned();
            if !body.ends_with('\n') {
                body.push('\n');
            }
            prop_assert_eq!(src.len(), 1, "parse-dockerfile: sources\n{}", text);
            let pd::Source::HereDoc(h) = &src[0] else {
                return Err(fail(text, "parse-dockerfile reads a path, not a heredoc"));
            };
            prop_assert_eq!(
                h.value.as_ref(),
                body.as_str(),
                "parse-dockerfile: content\n{}",
                text
            );
            prop_assert!(
                !h.expand,
                "the heredoc would substitute variables\n{}",
                text
            );
            prop_assert_eq!(
                read(&pd_dest.value, escape, text)?,
                dest,
                "parse-dockerfile: dest\n{}",
                text
            );
            // BuildKit: `<<"EOF" dest`, one heredoc (the first word), the dest a path.
            let words = bk::split_ascii_whitespace(&rest);
            prop_assert_eq!(words.len(), 2, "BuildKit: words {:?}\n{}", words, text);
            let heredocs: Vec<String> = bk::raw_words(&rest)
                .into_iter()
                .filter(|w| bk::heredoc_word(w))
                .collect();
            prop_assert_eq!(
                heredocs,
                vec![words[0].clone()],
                "BuildKit: heredocs\n{}",
                text
            );
            prop_assert_eq!(
                read(&words[1], escape, text)?,
                dest,
                "BuildKit: dest\n{}",
                text
            );
        }
        WantSources::Paths(paths) => {
            let mut want: Vec<&str> = paths.iter().map(String::as_str).collect();
            want.push(dest);
            let mut pd_words = Vec::new();
            for s in src {
                match s {
                    pd::Source::Path(p) => pd_words.push(p.value.to_string()),
                    _ => return Err(fail(text, "parse-dockerfile reads a heredoc")),
                }
            }
            pd_words.push(pd_dest.value.to_string());
            prop_assert_eq!(
                pd_words.len(),
                want.len(),
                "parse-dockerfile: paths {:?}\n{}",
                pd_words,
                text
            );
            // JSON form when the dest string starts right after a `"`.
            let json = pd_dest.span.start > 0 && text.as_bytes()[pd_dest.span.start - 1] == b'"';
            if json {
                prop_assert!(
                    bk::reads_exec_form(&rest),
                    "BuildKit does not read the JSON form\n{}",
                    text
                );
                for (w, want) in pd_words.iter().zip(&want) {
                    // `parseSourcesAndDest` looks for heredocs in JSON elements too.
                    prop_assert!(
                        !bk::heredoc_word(w),
                        "BuildKit reads {:?} as a heredoc\n{}",
                        w,
                        text
                    );
                    prop_assert_eq!(read(w, escape, text)?, *want, "JSON element\n{}", text);
                }
            } else {
                prop_assert!(!bk::reads_exec_form(&rest), "BuildKit reads JSON\n{}", text);
                let words = bk::split_ascii_whitespace(&rest);
                prop_assert_eq!(&words, &pd_words, "BuildKit words\n{}", text);
                let heredocs: Vec<String> = bk::raw_words(&rest)
                    .into_iter()
                    .filter(|w| bk::heredoc_word(w))
                    .collect();
                prop_assert!(
                    heredocs.is_empty(),
                    "BuildKit reads heredocs {:?}\n{}",
                    heredocs,
                    text
                );
                for (w, want) in words.iter().zip(&want) {
                    prop_assert_eq!(read(w, escape, text)?, *want, "path\n{}", text);
                }
            }
        }
    }
    Ok(())
}

/// JSON arrays read as written (`SHELL`) or trimmed and lexed (`VOLUME`).
pub(super) fn check_json_list(
    inst: &pd::Instruction<'_>,
    want: &[String],
    escape: char,
    text: &str,
) -> Checked {
    let (kw, items, end, lexed) = match inst {
        pd::Instruction::Shell(i) => {
            let end = i.arguments.last().map_or(i.shell.span.end, |a| a.span.end);
            (&i.shell, &i.arguments[..], end, false)
        }
        pd::Instruction::Volume(i) => match &i.arguments {
            pd::JsonOrStringArray::Json(a) => (&i.volume, &a.value[..], a.span.end, true),
            pd::JsonOrStringArray::String(_) => {
                return Err(fail(text, "VOLUME read in shell form"));
            }
        },
        _ => return Err(fail(text, "not SHELL/VOLUME")),
    };
    let (flags, rest) = buildkit_args(text, kw.span.end, end, escape);
    prop_assert!(
        flags.is_empty(),
        "BuildKit reads flags {:?}\n{}",
        flags,
        text
    );
    prop_assert!(
        bk::reads_exec_form(&rest),
        "BuildKit does not read JSON\n{}",
        text
    );
    prop_assert_eq!(items.len(), want.len(), "number of elements\n{}", text);
    for (item, want) in items.iter().zip(want) {
        let got = if lexed {
            // `parseVolume` trims each element (`strings.TrimSpace`), then the lexer.
            read(item.value.trim_matches(bk::is_space), escape, text)?
        } else {
            item.value.to_string()
        };
        prop_assert_eq!(&got, want, "element\n{}", text);
    }
    Ok(())
}
