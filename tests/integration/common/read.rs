//! Reading parsers' output into [`Read`]s: flag values as BuildKit uses them, and
//! `parse-dockerfile`'s whole reading of a file (the second, independent parser).

use super::bk;
use super::spec::{MARKER, Read, mount_fields};
use parse_dockerfile as pd;

const LEXED_FLAGS: &[&str] = &["chown", "chmod", "checksum"];
const DURATION_FLAGS: &[&str] = &["interval", "timeout", "start-period", "start-interval"];

/// A flag value as BuildKit uses it: `--mount` as sorted CSV fields with lexed values
/// (`mode` octal, in decimal), durations in nanoseconds, octal `--chmod` in decimal.
pub fn read_flag(name: &str, value: Option<&str>, escape: char) -> Result<Option<String>, String> {
    let Some(v) = value else {
        return Ok(None);
    };
    if name == "mount" {
        // BuildKit reads the value with Go's encoding/csv; the renderer never quotes a field
        // (what would need quoting is refused), so fields are split at commas.
        let mut fields = Vec::new();
        for field in v.split(',') {
            let field = match field.split_once('=') {
                None => field.to_ascii_lowercase(),
                Some((k, v)) => {
                    let k = k.to_ascii_lowercase();
                    let v = if k == "from" {
                        v.to_owned()
                    } else {
                        bk::lexer_read(v, escape)?
                    };
                    let v = if k == "mode" {
                        u64::from_str_radix(&v, 8).map_or(v, |m| m.to_string())
                    } else {
                        v
                    };
                    format!("{k}={v}")
                }
            };
            fields.push(field);
        }
        return Ok(Some(mount_fields(fields)));
    }
    if DURATION_FLAGS.contains(&name) {
        return Ok(Some(bk::go_duration(v).map_or_else(
            || format!("bad duration {v:?}"),
            |d| d.as_nanos().to_string(),
        )));
    }
    if LEXED_FLAGS.contains(&name) {
        let v = bk::lexer_read(v, escape)?;
        if name == "chmod" && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Some(
                u64::from_str_radix(&v, 8).map_or(v, |m| m.to_string()),
            ));
        }
        return Ok(Some(v));
    }
    Ok(Some(v.to_owned()))
}

/// `EXPOSE` words as `start-end/protocol`.
pub fn read_port(word: &str) -> String {
    let (ports, proto) = word.split_once('/').unwrap_or((word, "tcp"));
    let (start, end) = ports.split_once('-').unwrap_or((ports, ports));
    format!("{start}-{end}/{}", proto.to_ascii_lowercase())
}

/// `parse-dockerfile`'s reading of every instruction of `text`, after BuildKit's line
/// joining, word splitting and lexer where BuildKit applies them (as [`bk`] models them:
/// `parse-dockerfile` keeps quotes and escapes).
pub fn pd_reads(text: &str, escape: char) -> Result<Vec<Read>, String> {
    let df = pd::parse(text).map_err(|e| e.to_string())?;
    df.instructions.iter().map(|i| pd_read(i, escape)).collect()
}

fn pd_flags(f: &[pd::Flag<'_>], escape: char) -> Result<Vec<(String, Option<String>)>, String> {
    let mut out = Vec::new();
    for f in f {
        let name = f.name.value.to_string();
        let value = read_flag(&name, f.value.as_ref().map(|v| v.value.as_ref()), escape)?;
        out.push((name, value));
    }
    out.sort();
    Ok(out)
}

/// A command: exec form, or shell text with its continuations joined (heredoc bodies are
/// the instruction's `heredocs`).
fn pd_command(
    c: &pd::Command<'_>,
    heredoc: bool,
    escape: char,
) -> Result<(bool, Vec<String>), String> {
    Ok(match c {
        pd::Command::Exec(a) => (true, a.value.iter().map(|s| s.value.to_string()).collect()),
        pd::Command::Shell(s) => {
            let joined = bk::join_lines(s.value, escape);
            let rest = joined.trim_matches(bk::is_space).to_owned();
            // parse-dockerfile gives the text after the heredoc marker as the command.
            match (heredoc, rest.is_empty()) {
                (true, true) => (false, vec![MARKER.to_owned()]),
                (true, false) => (false, vec![MARKER.to_owned(), rest]),
                (false, _) => (false, vec![rest]),
            }
        }
        _ => return Err("unknown command form".into()),
    })
}

fn pd_key_values(raw: &str, arg: bool, escape: char) -> Result<Vec<String>, String> {
    let lex = |w: &str| bk::lexer_read(w, escape);
    let mut out = Vec::new();
    for word in bk::parse_words(raw, escape) {
        match word.split_once('=') {
            Some((k, v)) if arg => {
                out.push(k.to_owned());
                out.push(format!("={}", lex(v)?));
            }
            Some((k, v)) => {
                out.push(lex(k)?);
                out.push(lex(v)?);
            }
            None => out.push(word),
        }
    }
    Ok(out)
}

fn pd_read(i: &pd::Instruction<'_>, escape: char) -> Result<Read, String> {
    let lex = |w: &str| bk::lexer_read(w, escape);
    let mut r = Read::default();
    let files = |src: &[pd::Source<'_>], dest: &str, r: &mut Read| -> Result<(), String> {
        for s in src {
            match s {
                pd::Source::Path(p) => r.args.push(lex(&p.value)?),
                pd::Source::HereDoc(h) => {
                    r.args.push(MARKER.to_owned());
                    r.heredocs.push(h.value.to_string());
                }
                _ => return Err("unknown source kind".into()),
            }
        }
        r.args.push(lex(dest)?);
        Ok(())
    };
    match i {
        pd::Instruction::From(i) => {
            r.keyword = "FROM".into();
            r.flags = pd_flags(&i.options, escape)?;
            r.args.push(i.image.value.to_string());
            if let Some((_, name)) = &i.as_ {
                r.args.push("AS".into());
                r.args.push(name.value.to_string());
            }
        }
        pd::Instruction::Arg(i) => {
            r.keyword = "ARG".into();
            r.args = pd_key_values(&i.arguments.value, true, escape)?;
        }
        pd::Instruction::Env(i) => {
            r.keyword = "ENV".into();
            r.args = pd_key_values(&i.arguments.value, false, escape)?;
        }
        pd::Instruction::Label(i) => {
            r.keyword = "LABEL".into();
            r.args = pd_key_values(&i.arguments.value, false, escape)?;
        }
        pd::Instruction::Run(i) => {
            r.keyword = "RUN".into();
            r.flags = pd_flags(&i.options, escape)?;
            (r.json, r.args) = pd_command(&i.arguments, !i.here_docs.is_empty(), escape)?;
            r.heredocs = i.here_docs.iter().map(|h| h.value.to_string()).collect();
        }
        pd::Instruction::Cmd(i) => {
            r.keyword = "CMD".into();
            (r.json, r.args) = pd_command(&i.arguments, false, escape)?;
        }
        pd::Instruction::Entrypoint(i) => {
            r.keyword = "ENTRYPOINT".into();
            (r.json, r.args) = pd_command(&i.arguments, false, escape)?;
        }
        pd::Instruction::Healthcheck(i) => {
            r.keyword = "HEALTHCHECK".into();
            r.flags = pd_flags(&i.options, escape)?;
            match &i.arguments {
                pd::HealthcheckArguments::Cmd { arguments, .. } => {
                    let (json, args) = pd_command(arguments, false, escape)?;
                    r.json = json;
                    r.args = std::iter::once("CMD".to_owned()).chain(args).collect();
                }
                pd::HealthcheckArguments::None { .. } => r.args = vec!["NONE".into()],
                _ => return Err("unknown HEALTHCHECK form".into()),
            }
        }
        pd::Instruction::Shell(i) => {
            r.keyword = "SHELL".into();
            r.json = true;
            r.args = i.arguments.iter().map(|a| a.value.to_string()).collect();
        }
        pd::Instruction::Volume(i) => {
            r.keyword = "VOLUME".into();
            r.args = match &i.arguments {
                pd::JsonOrStringArray::Json(a) => a
                    .value
                    .iter()
                    .map(|v| lex(v.value.trim_matches(bk::is_space)))
                    .collect::<Result<_, _>>()?,
                pd::JsonOrStringArray::String(a) => {
                    a.iter().map(|v| lex(&v.value)).collect::<Result<_, _>>()?
                }
            };
        }
        pd::Instruction::Copy(i) => {
            r.keyword = "COPY".into();
            r.flags = pd_flags(&i.options, escape)?;
            files(&i.src, &i.dest.value, &mut r)?;
        }
        pd::Instruction::Add(i) => {
            r.keyword = "ADD".into();
            r.flags = pd_flags(&i.options, escape)?;
            files(&i.src, &i.dest.value, &mut r)?;
        }
        pd::Instruction::Workdir(i) => {
            r.keyword = "WORKDIR".into();
            r.args = vec![lex(&i.arguments.value)?];
        }
        pd::Instruction::User(i) => {
            r.keyword = "USER".into();
            r.args = vec![lex(&i.arguments.value)?];
        }
        pd::Instruction::Stopsignal(i) => {
            r.keyword = "STOPSIGNAL".into();
            r.args = vec![lex(&i.arguments.value)?];
        }
        pd::Instruction::Expose(i) => {
            r.keyword = "EXPOSE".into();
            r.args = i.arguments.iter().map(|p| read_port(&p.value)).collect();
        }
        pd::Instruction::Maintainer(i) => {
            r.keyword = "MAINTAINER".into();
            r.args = vec![i.name.value.to_string()];
        }
        pd::Instruction::Onbuild(o) => {
            let mut inner = pd_read(&o.instruction, escape)?;
            inner.keyword = format!("ONBUILD {}", inner.keyword);
            return Ok(inner);
        }
        _ => return Err("unknown instruction".into()),
    }
    Ok(r)
}

/// Where `parse-dockerfile` 0.1.9 is known to differ from BuildKit (see `roundtrip.rs`): a
/// shell command starting with `<<` that is not a heredoc to BuildKit (`<<<` here-strings),
/// and `ENTRYPOINT []`, which it refuses ("at least one argument") and BuildKit reads as
/// resetting the entrypoint; a flag ending in `<<` before a heredoc marker, whose last
/// `<`s the renderer quotes (BuildKit strips a flag's quotes, `parse-dockerfile` keeps them);
/// and a shell-form command such as `[\x0c]` or `[\x0b]`, which `parse-dockerfile` reads as a
/// JSON array (a form feed and a vertical tab are white space to it) and BuildKit as a shell
/// command (Go's JSON has neither among its white space), found by the `render` fuzz target.
pub fn pd_corner(wants: &[Read]) -> bool {
    wants.iter().any(|w| {
        let first = w.args.first();
        let command = ["RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"]
            .iter()
            .any(|k| w.keyword.ends_with(k));
        if command
            && !w.json
            && w.args
                .iter()
                .any(|a| a.trim_start().starts_with('[') && a.contains(['\u{b}', '\u{c}']))
        {
            return true;
        }
        (w.keyword.ends_with("RUN")
            && !w.json
            && first.is_some_and(|a| a.starts_with("<<") && a != MARKER))
            || (w.keyword.ends_with("ENTRYPOINT") && w.json && first.is_none())
            || (!w.heredocs.is_empty()
                && w.flags
                    .iter()
                    .any(|(_, v)| v.as_deref().is_some_and(|v| v.ends_with("<<"))))
    })
}
