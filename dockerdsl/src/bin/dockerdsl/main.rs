//! `dockerdsl`: format, check, import and draw Dockerfiles.
//!
//! ```text
//! dockerdsl check [--format text|json|sarif|github] [--error-on warning|error|never] [PATH...]
//! dockerdsl fmt [--check] [PATH...]
//! dockerdsl import [--macro] FILE
//! dockerdsl graph [--dot] FILE
//! dockerdsl lock [FILE...] [--image IMAGE]... [--lock PATH] [--update | --check]
//! dockerdsl completions SHELL
//! ```
//!
//! A PATH is a Dockerfile or a folder, searched for Dockerfiles ([`input`]); without one,
//! `check` and `fmt` read standard input. Exit codes, for every command: 0 when all is well,
//! 1 when `check` found something at or above its threshold or `fmt --check` would change a
//! file, 2 for a usage error, a file that cannot be read, or one that cannot be read as a
//! Dockerfile.
//!
//! `cli` reads the command line into a [`cli::Command`] (clap); one module a subcommand; the
//! findings of `check` go through [`output`], one module a format; `input` finds and reads
//! the files.

mod check;
mod cli;
mod completions;
mod fmt;
mod graph;
mod import;
mod input;
mod lock;
mod output;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

/// How a command ends, as its exit code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Exit {
    /// 0: all is well.
    Clean,
    /// 1: findings at or above the threshold, or `fmt --check` would change a file.
    Findings,
    /// 2: a file that cannot be read, or cannot be read as a Dockerfile (usage errors are
    /// clap's, which exits with 2 itself).
    Broken,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Broken => 2,
        })
    }
}

/// Writes `text` to standard output. A reader that stopped reading (`| head`) is not an
/// error: the rest is dropped quietly. Another failure is said on standard error and makes
/// the exit code 2.
pub(crate) fn write_stdout(text: &str) -> Exit {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Exit::Clean,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Clean,
        Err(e) => {
            eprintln!("dockerdsl: cannot write standard output: {e}");
            Exit::Broken
        }
    }
}

fn main() -> ExitCode {
    // Usage errors exit with 2, `--help` and `--version` with 0.
    match Cli::parse().command {
        Command::Check(args) => check::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Lock(args) => lock::run(&args),
        Command::Completions(args) => completions::run(&args),
    }
    .into()
}
