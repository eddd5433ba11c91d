//! `dockerdsl fmt`: Dockerfiles in the canonical form, rewritten in place (atomically,
//! keeping permissions), or with `--check` a unified diff of what would change. Folders are
//! searched for Dockerfiles as `check` searches them. Exit code 1 when `--check` finds a file
//! to change, 2 when a file cannot be read or is not a Dockerfile (its problems are printed;
//! the other files are still formatted).

use crate::Exit;
use crate::input::{self, Input};
use crate::output;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Print a diff and exit with 1 when a file is not in the canonical form; change nothing.
    #[arg(long)]
    check: bool,
    /// Dockerfiles, or folders to search for them; nothing for standard input to standard
    /// output.
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: &Args) -> Exit {
    let (inputs, problems) = input::gather(&args.paths);
    let mut exit = Exit::Clean;
    for message in &problems {
        eprintln!("dockerdsl: {message}");
        exit = Exit::Broken;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for input in &inputs {
        exit = exit.max(format(input, args.check, &mut out));
    }
    exit
}

/// Formats one input: in place, to standard output (standard input), or as a diff.
fn format(input: &Input, check_only: bool, out: &mut dyn Write) -> Exit {
    // The canonical form with the user's comments and paragraph breaks, for every file
    // BuildKit reads.
    let formatted = match dockerdsl::format(&input.text) {
        Ok(formatted) => formatted,
        Err(errors) => {
            output::eprint_problems(&input.name, &errors);
            return Exit::Broken;
        }
    };
    if check_only {
        if formatted == input.text {
            return Exit::Clean;
        }
        let diff = similar::TextDiff::from_lines(&input.text, &formatted)
            .unified_diff()
            .header(&input.name, &format!("{} (formatted)", input.name))
            .to_string();
        return match write!(out, "{diff}") {
            // A reader that stopped reading (`| head`) is not an error.
            Ok(()) => Exit::Findings,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Findings,
            Err(e) => {
                eprintln!("dockerdsl: cannot write the diff: {e}");
                Exit::Broken
            }
        };
    }
    match &input.path {
        None => match write!(out, "{formatted}") {
            Ok(()) => Exit::Clean,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Clean,
            Err(e) => {
                eprintln!("dockerdsl: cannot write standard output: {e}");
                Exit::Broken
            }
        },
        Some(_) if formatted == input.text => Exit::Clean,
        // Atomically, keeping the file's permissions: an interrupted run leaves the old file,
        // never half of the new one.
        Some(path) => match dockerdsl::emit_with(path, &formatted, dockerdsl::Mode::Write) {
            Ok(_) => Exit::Clean,
            Err(e) => {
                eprintln!("dockerdsl: {e}");
                Exit::Broken
            }
        },
    }
}
