//! BuildKit's own parser (PyPI `dockerfile`, which wraps BuildKit's Go parser), run as one
//! long-lived process (`.ci/buildkit_parse.py`), and the reading of its answers into
//! [`Read`]s that compare with a spec's wants. Also `parse-dockerfile`'s reading of the same
//! text, for the cross-checks.
//!
//! BuildKit's parser splits the file into instructions, flags, words, JSON arrays and
//! heredocs; quote removal happens later, in BuildKit's shell-word lexer, which the wrapper
//! does not expose: [`bk::lexer_read`] stands in for it, as it does in `roundtrip.rs`.

use super::bk;
use super::spec::{MARKER, Read, mount_fields};
use serde::Deserialize;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The variable `.ci/run` sets to the Python of the oracle venv (`bash .ci/oracles-setup`).
pub const PYTHON_VAR: &str = "DOCKERDSL_ORACLE_PYTHON";

/// One instruction as BuildKit's parser gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct Cmd {
    pub cmd: String,
    pub json: bool,
    pub flags: Vec<String>,
    pub value: Vec<String>,
    pub heredocs: Vec<String>,
    /// The instruction inside `ONBUILD`, parsed on its own.
    pub inner: Option<Box<Cmd>>,
}

#[derive(Deserialize)]
struct Answer {
    ok: Option<Vec<Cmd>>,
    error: Option<String>,
}

/// The running parser.
pub struct BuildKit {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl BuildKit {
    /// Starts the parser, or says that `test` is skipped when the oracle is not installed.
    /// Under CI (`CI=true`) a missing oracle fails the test: there it is required.
    pub fn start(test: &str) -> Option<BuildKit> {
        let Some(python) = std::env::var_os(PYTHON_VAR) else {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true");
            assert!(
                !ci,
                "{test}: {PYTHON_VAR} is not set, and CI=true requires the BuildKit oracle \
                 (.ci/run sets it up with `bash .ci/oracles-setup`)"
            );
            eprintln!(
                "{test}: skipped, BuildKit's parser is not installed. Run \
                 `export {PYTHON_VAR}=$(bash .ci/oracles-setup)` and test again (.ci/run does)."
            );
            return None;
        };
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/buildkit_parse.py");
        let mut child = Command::new(&python)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{test}: cannot start {python:?} {script}: {e}"));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Some(BuildKit {
            child,
            stdin,
            stdout,
        })
    }

    /// The instructions of `text`, or BuildKit's parse error.
    pub fn parse(&mut self, text: &str) -> Result<Vec<Cmd>, String> {
        let request = serde_json::json!({ "text": text }).to_string();
        writeln!(self.stdin, "{request}").expect("write to the BuildKit parser");
        self.stdin.flush().expect("flush to the BuildKit parser");
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("read from the BuildKit parser");
        assert!(!line.is_empty(), "the BuildKit parser exited");
        let answer: Answer = serde_json::from_str(&line).expect("an answer in JSON");
        match (answer.ok, answer.error) {
            (Some(cmds), _) => Ok(cmds),
            (None, Some(e)) => Err(e),
            (None, None) => Err("empty answer".into()),
        }
    }
}

impl Drop for BuildKit {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
fn read_port(word: &str) -> String {
    let (ports, proto) = word.split_once('/').unwrap_or((word, "tcp"));
    let (start, end) = ports.split_once('-').unwrap_or((ports, ports));
    format!("{start}-{end}/{}", proto.to_ascii_lowercase())
}

/// BuildKit's reading of one instruction, as a [`Read`].
pub fn read_buildkit(c: &Cmd, escape: char) -> Result<Read, String> {
    if c.cmd == "ONBUILD" {
        let inner = c.inner.as_ref().ok_or("ONBUILD without its instruction")?;
        let mut r = read_buildkit(inner, escape)?;
        r.keyword = format!("ONBUILD {}", r.keyword);
        return Ok(r);
    }
    let lex = |w: &str| bk::lexer_read(w, escape);
    let marker = |w: &str| !c.json && !c.heredocs.is_empty() && bk::heredoc_word(w);
    let mut flags = Vec::new();
    for f in &c.flags {
        let word = f.strip_prefix("--").ok_or("flag without --")?;
        let (n, v) = match word.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (word, None),
        };
        flags.push((n.to_owned(), read_flag(n, v, escape)?));
    }
    flags.sort();
    let v = &c.value;
    let args: Vec<String> = match c.cmd.as_str() {
        "ENV" | "LABEL" => v.iter().map(|w| lex(w)).collect::<Result<_, _>>()?,
        "ARG" => {
            let mut out = Vec::new();
            for w in v {
                match w.split_once('=') {
                    Some((k, d)) => {
                        out.push(k.to_owned());
                        out.push(format!("={}", lex(d)?));
                    }
                    None => out.push(w.clone()),
                }
            }
            out
        }
        "RUN" => v
            .iter()
            .map(|w| if marker(w) { MARKER.into() } else { w.clone() })
            .collect(),
        "COPY" | "ADD" => v
            .iter()
            .map(|w| if marker(w) { Ok(MARKER.into()) } else { lex(w) })
            .collect::<Result<_, _>>()?,
        "VOLUME" if c.json => v
            .iter()
            .map(|w| lex(w.trim_matches(bk::is_space)))
            .collect::<Result<_, _>>()?,
        "VOLUME" | "WORKDIR" | "USER" | "STOPSIGNAL" => {
            v.iter().map(|w| lex(w)).collect::<Result<_, _>>()?
        }
        "EXPOSE" => v.iter().map(|w| read_port(w)).collect(),
        _ => v.clone(),
    };
    // COPY, ADD and VOLUME read the same in either form: the form is the renderer's choice.
    let json = c.json && !matches!(c.cmd.as_str(), "COPY" | "ADD" | "VOLUME");
    Ok(Read {
        keyword: c.cmd.clone(),
        flags,
        json,
        args,
        heredocs: c.heredocs.clone(),
    })
}

/// What `parse-dockerfile` reads of a file's structure, for the cross-check: keywords
/// (`ONBUILD RUN` for triggers), flag names and heredoc bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub keyword: String,
    pub flags: Vec<String>,
    pub heredocs: Vec<String>,
}

impl Shape {
    /// The shape of a [`Read`].
    pub fn of(r: &Read) -> Shape {
        Shape {
            keyword: r.keyword.clone(),
            flags: r.flags.iter().map(|(n, _)| n.clone()).collect(),
            heredocs: r.heredocs.clone(),
        }
    }
}

/// `parse-dockerfile`'s reading of `text`.
pub fn pd_shapes(text: &str) -> Result<Vec<Shape>, String> {
    use parse_dockerfile as pd;
    fn flags(f: &[pd::Flag<'_>]) -> Vec<String> {
        let mut v: Vec<String> = f.iter().map(|f| f.name.value.to_string()).collect();
        v.sort();
        v
    }
    fn shape(i: &pd::Instruction<'_>) -> Shape {
        let (keyword, flags, heredocs): (&str, Vec<String>, Vec<String>) = match i {
            pd::Instruction::Add(i) => ("ADD", flags(&i.options), sources(&i.src)),
            pd::Instruction::Copy(i) => ("COPY", flags(&i.options), sources(&i.src)),
            pd::Instruction::Run(i) => (
                "RUN",
                flags(&i.options),
                i.here_docs.iter().map(|h| h.value.to_string()).collect(),
            ),
            pd::Instruction::From(i) => ("FROM", flags(&i.options), Vec::new()),
            pd::Instruction::Healthcheck(i) => ("HEALTHCHECK", flags(&i.options), Vec::new()),
            pd::Instruction::Onbuild(o) => {
                let mut s = shape(&o.instruction);
                s.keyword = format!("ONBUILD {}", s.keyword);
                return s;
            }
            pd::Instruction::Arg(_) => ("ARG", Vec::new(), Vec::new()),
            pd::Instruction::Cmd(_) => ("CMD", Vec::new(), Vec::new()),
            pd::Instruction::Entrypoint(_) => ("ENTRYPOINT", Vec::new(), Vec::new()),
            pd::Instruction::Env(_) => ("ENV", Vec::new(), Vec::new()),
            pd::Instruction::Expose(_) => ("EXPOSE", Vec::new(), Vec::new()),
            pd::Instruction::Label(_) => ("LABEL", Vec::new(), Vec::new()),
            pd::Instruction::Maintainer(_) => ("MAINTAINER", Vec::new(), Vec::new()),
            pd::Instruction::Shell(_) => ("SHELL", Vec::new(), Vec::new()),
            pd::Instruction::Stopsignal(_) => ("STOPSIGNAL", Vec::new(), Vec::new()),
            pd::Instruction::User(_) => ("USER", Vec::new(), Vec::new()),
            pd::Instruction::Volume(_) => ("VOLUME", Vec::new(), Vec::new()),
            pd::Instruction::Workdir(_) => ("WORKDIR", Vec::new(), Vec::new()),
            _ => ("?", Vec::new(), Vec::new()),
        };
        Shape {
            keyword: keyword.to_owned(),
            flags,
            heredocs,
        }
    }
    fn sources(src: &[pd::Source<'_>]) -> Vec<String> {
        src.iter()
            .filter_map(|s| match s {
                pd::Source::HereDoc(h) => Some(h.value.to_string()),
                _ => None,
            })
            .collect()
    }
    let df = pd::parse(text).map_err(|e| e.to_string())?;
    Ok(df.instructions.iter().map(shape).collect())
}
