//! The command line, read by clap into a typed [`Command`]: each subcommand's arguments are
//! its module's `Args`. A new subcommand is a module and a variant here.

use crate::{check, completions, fmt, graph, import, lock};
use clap::{Parser, Subcommand};

/// Format, check, import and draw Dockerfiles.
#[derive(Debug, Parser)]
#[command(name = "dockerdsl", version, propagate_version = true)]
#[command(
    after_help = "Exit codes: 0 all is well; 1 check found problems or fmt --check \
                        would change a file; 2 usage error, unreadable file, or a file that \
                        cannot be read as a Dockerfile."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// What to do, with the options each command takes.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Report BuildKit's build checks and hadolint's rules, and what is not a Dockerfile.
    Check(check::Args),
    /// Rewrite Dockerfiles in the canonical form (standard input to standard output without
    /// PATH).
    Fmt(fmt::Args),
    /// Print the Rust code that builds a Dockerfile.
    Import(import::Args),
    /// Draw the stage graph of a Dockerfile as Mermaid (or Graphviz DOT).
    Graph(graph::Args),
    /// Pin every image the Dockerfiles use to its digest in dockerdsl.lock (needs the network).
    Lock(lock::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
}
