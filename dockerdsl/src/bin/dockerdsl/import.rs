//! `dockerdsl import`: the Rust code that builds a Dockerfile, with the builder or (with
//! `--macro`) the `dockerfile!` macro.
//!
//! The file is read as [`dockerdsl::parse`] reads it: what BuildKit refuses is refused with
//! BuildKit's reason, and what BuildKit builds is either imported with its meaning kept or
//! refused naming each construct the typed model cannot hold, on its line, with what to
//! write instead (two stages with one name: the Rust code cannot have two values of one
//! name, and renaming one for the user would change what `--target` builds). Nothing is
//! dropped or rewritten silently.

use crate::Exit;
use crate::input;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Write the `dockerfile!` macro form instead of builder calls.
    #[arg(long = "macro")]
    with_macro: bool,
    /// The Dockerfile.
    file: PathBuf,
}

pub(crate) fn run(args: &Args) -> Exit {
    let text = match input::read_or_report(&args.file) {
        Ok(text) => text,
        Err(exit) => return exit,
    };
    let name = input::display(&args.file);
    let parsed = match dockerdsl::parse(&text) {
        Ok(parsed) => parsed,
        Err(errors) => {
            crate::output::eprint_problems(&name, &errors);
            let limits = errors.diagnostics();
            if limits.iter().all(|d| d.is_model_limit()) {
                let what = match limits.len() {
                    1 => "what is above".to_owned(),
                    n => format!("the {n} constructs above"),
                };
                eprintln!(
                    "dockerdsl: {name}: not imported: BuildKit builds this file, but the typed \
                     model cannot hold {what}; `dockerdsl check` and `dockerdsl fmt` read it as \
                     it is"
                );
            }
            return Exit::Broken;
        }
    };
    let df = parsed.dockerfile();
    crate::write_stdout(&if args.with_macro {
        dockerdsl::import::with_macro(df)
    } else {
        dockerdsl::import::builder(df)
    })
}
