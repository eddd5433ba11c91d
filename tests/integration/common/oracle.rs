//! BuildKit's own parser (PyPI `dockerfile`, which wraps BuildKit's Go parser), run as one
//! long-lived process (`.ci/buildkit_parse.py`), and the reading of its answers into
//! [`Read`]s that compare with a spec's wants.
//!
//! BuildKit's parser splits the file into instructions, flags, words, JSON arrays and
//! heredocs; quote removal happens later, in BuildKit's shell-word lexer, which the wrapper
//! does not expose: [`bk::lexer_read`] stands in for it, as it does in `roundtrip.rs`.

use super::bk;
use super::read::{read_flag, read_port};
use super::spec::{MARKER, Read};
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

/// A file as BuildKit's parser reads it.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub cmds: Vec<Cmd>,
}

/// The build checks whose findings could only come from the renderer's choices (keyword
/// and `AS` casing, `key=value` form, `MAINTAINER`, continuation lines, stage names, `EXPOSE`
/// format): never allowed in anything dockerdsl renders. The other rules flag what the user
/// asked for (a shell-form `CMD`, a relative `WORKDIR`, a constant `--platform`, two `CMD`s
/// in a stage, a secret-looking `ARG` name).
pub const RENDERER_RULES: &[&str] = &[
    "ConsistentInstructionCasing",
    "DuplicateStageName",
    "ExposeInvalidFormat",
    "ExposeProtoCasing",
    "FromAsCasing",
    "LegacyKeyValueFormat",
    "MaintainerDeprecated",
    "NoEmptyContinuation",
    "ReservedStageName",
    "StageNameCasing",
];

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
            // Straight to stderr, once per test (a test may start the oracle on several
            // threads): libtest captures `eprintln!` of a passing test, and the skip must be
            // seen. All the suites are one binary, so once per binary would name one test.
            static SAID: std::sync::Mutex<std::collections::BTreeSet<String>> =
                std::sync::Mutex::new(std::collections::BTreeSet::new());
            let first = SAID
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(test.to_owned());
            if first {
                let _ = writeln!(
                    std::io::stderr(),
                    "{test}: oracle tests skipped, BuildKit's parser is not installed. Run \
                     `export {PYTHON_VAR}=$(bash .ci/oracles-setup)` and test again (.ci/run does)."
                );
            }
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
    pub fn parse(&mut self, text: &str) -> Result<Parsed, String> {
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
            (Some(cmds), _) => Ok(Parsed { cmds }),
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
