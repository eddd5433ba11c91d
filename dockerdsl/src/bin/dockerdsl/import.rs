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
    if args.with_macro {
        print!("{}", dockerdsl::import::with_macro(df));
    } else {
        print!("{}", dockerdsl::import::builder(df));
    }
    Exit::Clean
}
