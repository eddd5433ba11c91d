//! `dockerdsl`: format, check, import and draw Dockerfiles.
//!
//! ```text
//! dockerdsl fmt [--check] [FILE...]   canonical form (stdin to stdout without FILEs)
//! dockerdsl check [FILE...]           problems, one a line: FILE:LINE:COL: error: message,
//!                                     and lints: FILE:LINE:COL: warning[Rule]: message
//! dockerdsl import [--macro] FILE     Rust source that builds the file
//! dockerdsl graph [--dot] FILE        the stage graph as Mermaid (or Graphviz DOT)
//! dockerdsl lock [FILE...]            pin every image by digest in dockerdsl.lock
//!                                     (--update refreshes it, --check fails when stale)
//! ```
//!
//! One module a subcommand; `cli` reads the command line into a [`cli::Command`], and `input`
//! holds what several commands share (reading files, printing read errors).

mod check;
mod cli;
mod fmt;
mod graph;
mod import;
mod input;
mod lock;

use cli::Command;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("dockerdsl: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    match cli::parse()? {
        Command::Fmt { check, files } => fmt::run(check, &files),
        Command::Check { files } => check::run(&files),
        Command::Import { macro_form, file } => import::run(macro_form, &file),
        Command::Graph { dot, file } => graph::run(dot, &file),
        Command::Lock(args) => lock::run(args),
    }
}
