//! `dockerdsl import`: the Rust code that builds a Dockerfile, with the builder or (with
//! `--macro`) the `dockerfile!` macro.

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
    let Some(parsed) = input::parse_one(&args.file) else {
        return Exit::Broken;
    };
    let df = parsed.dockerfile();
    crate::write_stdout(&if args.with_macro {
        dockerdsl::import::with_macro(df)
    } else {
        dockerdsl::import::builder(df)
    })
}
