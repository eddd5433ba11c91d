//! `dockerdsl graph`: the stage graph of a Dockerfile, as Mermaid or (with `--dot`) Graphviz
//! DOT.
//!
//! The file is drawn as BuildKit reads it ([`dockerdsl::graph::mermaid_text`]): a file that
//! the typed model cannot hold (two stages of one name, a stage named `context`) is drawn all
//! the same, and only what BuildKit refuses is refused, with its reason and line.

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
    let text = match input::read_or_report(&args.file) {
        Ok(text) => text,
        Err(exit) => return exit,
    };
    let drawn = if args.dot {
        dockerdsl::graph::dot_text(&text)
    } else {
        dockerdsl::graph::mermaid_text(&text)
    };
    match drawn {
        Ok(graph) => crate::write_stdout(&graph),
        Err(errors) => {
            crate::output::eprint_problems(&input::display(&args.file), &errors);
            Exit::Broken
        }
    }
}
