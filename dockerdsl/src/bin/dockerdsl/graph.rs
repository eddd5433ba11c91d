//! `dockerdsl graph`: the stage graph of a Dockerfile, as Mermaid or (with `--dot`) Graphviz
//! DOT.

use crate::Exit;
use crate::input;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Write Graphviz DOT instead of Mermaid.
    #[arg(long)]
    dot: bool,
    /// The Dockerfile.
    file: PathBuf,
}

pub(crate) fn run(args: &Args) -> Exit {
    let Some(parsed) = input::parse_one(&args.file) else {
        return Exit::Broken;
    };
    let df = parsed.dockerfile();
    crate::write_stdout(&if args.dot {
        dockerdsl::graph::dot(df)
    } else {
        dockerdsl::graph::mermaid(df)
    })
}
