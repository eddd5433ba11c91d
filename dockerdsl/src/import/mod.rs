//! Rust source that builds a [`Dockerfile`]: what `dockerdsl import` prints for an existing
//! Dockerfile. Two generators, one file each: [`builder`] writes the builder API, and
//! [`with_macro`] the `dockerfile!` macro (falling back to the builder form for a stage the
//! macro cannot say). What both need (stage variables, literals, values) is here.
//!
//! Both take a [`Dockerfile`]; a file's text gets there through [`parse`](crate::parse),
//! which keeps its meaning or refuses it naming each construct the typed model cannot hold
//! on its line ([`Diagnostic::is_model_limit`](crate::Diagnostic::is_model_limit)), as
//! `dockerdsl import` prints it.

mod builder;
mod macro_form;

pub use builder::builder;
pub use macro_form::with_macro;

use crate::model::dockerfile::{Dockerfile, Escape, Syntax};
use crate::model::instruction::{
    Add, Command, Copy, Healthcheck, HealthcheckCmd, Heredoc, Instruction, Run, RunCommand, Sources,
};
use crate::model::mount::{Mount, Sharing};
use crate::model::source::Source;
use crate::model::stage::{Base, Stage};
use crate::model::values::{Chmod, Network, Port, Protocol, Security};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::time::Duration;

/// The imports and the function's first line.
pub(super) fn header() -> String {
    let mut out = String::new();
    out.push_str("#[allow(unused_imports)]\n");
    out.push_str("use dockerdsl::{\n    Add, Arg, BuildChecks, Chmod, Command, Context, Copy, Dockerfile, Error, Escape,\n    Healthcheck, Heredoc, Instruction, Mount, Network, Port, Protocol, Run, Security, Sharing,\n    Source, Stage, Syntax,\n};\n");
    out.push_str("#[allow(unused_imports)]\nuse std::time::Duration;\n\n");
    out.push_str(
        "/// The Dockerfile, as Rust values.\npub fn dockerfile() -> Result<Dockerfile, Error> {\n",
    );
    out
}

/// The Rust variable of each stage of `df`, in file order, each name used once.
pub(super) fn stage_vars(df: &Dockerfile) -> Vec<String> {
    let mut names = Names::default();
    df.stages().iter().map(|s| names.var(s.name())).collect()
}

/// The variable of a referenced stage (stage names are unique in a `Dockerfile`).
pub(super) fn stage_var(df: &Dockerfile, vars: &[String], stage: &Stage) -> String {
    df.stages()
        .iter()
        .position(|x| x.name() == stage.name())
        .and_then(|i| vars.get(i))
        .cloned()
        .unwrap_or_else(|| "missing_stage".to_owned())
}

/// Rust identifiers for stage names, each once.
#[derive(Default)]
pub(super) struct Names(BTreeSet<String>);

impl Names {
    fn var(&mut self, name: &str) -> String {
        let mut v: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if v.is_empty() || v.starts_with(|c: char| c.is_ascii_digit()) {
            v.insert_str(0, "stage_");
        }
        if KEYWORDS.contains(&v.as_str()) {
            v.push('_');
        }
        let mut candidate = v.clone();
        let mut n = 1;
        while !self.0.insert(candidate.clone()) {
            n += 1;
            candidate = format!("{v}_{n}");
        }
        candidate
    }
}

pub(super) const KEYWORDS: [&str; 52] = [
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "union",
];

/// A Rust string literal: a raw literal over several lines for text with newlines (a
/// script, a file's content), so that it reads as in the Dockerfile; else escaped.
pub(super) fn lit(s: &str) -> String {
    let plain = !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if s.contains('\n') && plain {
        let mut hashes = String::new();
        while s.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        return format!("r{hashes}\"{s}\"{hashes}");
    }
    format!("{s:?}")
}

pub(super) fn list(items: &[crate::Text]) -> String {
    let parts: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// The payload of a variant that holds texts (a `Texts`): an array converted with `.into()`.
pub(super) fn texts_of(items: &[crate::Text]) -> String {
    let parts: Vec<String> = items.iter().map(|s| format!("{}.into()", lit(s))).collect();
    format!("[{}].into()", parts.join(", "))
}

pub(super) fn pairs(p: &[(crate::Text, crate::Text)]) -> String {
    let parts: Vec<String> = p
        .iter()
        .map(|(k, v)| format!("({}, {})", lit(k), lit(v)))
        .collect();
    format!("[{}]", parts.join(", "))
}

/// The number of a single TCP port: what `.expose(8080)` and `EXPOSE 8080` take as is.
pub(super) fn plain_port(p: &Port) -> Option<u16> {
    (p.as_variable().is_none() && p.start() == p.end() && p.get_protocol() == Protocol::Tcp)
        .then_some(p.start())
}

pub(super) fn port(p: &Port) -> String {
    let base = if let Some(v) = p.as_variable() {
        format!("Port::variable({})", lit(v))
    } else if p.start() == p.end() {
        format!("Port::tcp({})", p.start())
    } else {
        format!("Port::range({}, {})", p.start(), p.end())
    };
    match p.get_protocol() {
        Protocol::Tcp => base,
        Protocol::Udp => format!("{base}.protocol(Protocol::Udp)"),
        Protocol::Sctp => format!("{base}.protocol(Protocol::Sctp)"),
    }
}

pub(super) fn command(c: &Command) -> String {
    match c {
        Command::Exec(argv) if !argv.is_empty() => format!("Command::exec({})", list(argv)),
        Command::Exec(argv) => format!("Command::Exec({})", texts_of(argv)),
        Command::Shell(s) => format!("Command::shell({})", lit(s)),
    }
}

pub(super) fn duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("Duration::from_secs({})", d.as_secs())
    } else {
        format!("Duration::new({}, {})", d.as_secs(), d.subsec_nanos())
    }
}

/// A check's timings that are set, by their flag names (the builder's setters are the same
/// names with `_`), for both forms of the import.
pub(super) fn timings(c: &HealthcheckCmd) -> impl Iterator<Item = (&'static str, Duration)> {
    [
        ("interval", c.interval),
        ("timeout", c.timeout),
        ("start-period", c.start_period),
        ("start-interval", c.start_interval),
    ]
    .into_iter()
    .filter_map(|(name, d)| Some((name, d?)))
}

pub(super) fn heredocs(docs: &[Heredoc]) -> String {
    let parts: Vec<String> = docs
        .iter()
        .map(|d| {
            let e = format!("Heredoc::new({}, {})", lit(&d.name), lit(&d.content));
            if d.expand { format!("{e}.expand()") } else { e }
        })
        .collect();
    format!("[{}]", parts.join(", "))
}
