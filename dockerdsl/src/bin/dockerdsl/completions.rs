//! `dockerdsl completions SHELL`: a completion script, made by clap_complete from the same
//! definition as the parser, so it always knows every subcommand and option.
//!
//! ```text
//! dockerdsl completions bash > ~/.local/share/bash-completion/completions/dockerdsl
//! dockerdsl completions zsh > ~/.zfunc/_dockerdsl
//! dockerdsl completions fish > ~/.config/fish/completions/dockerdsl.fish
//! ```

use crate::Exit;
use crate::cli::Cli;
use clap::CommandFactory;
use clap_complete::Shell;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

pub(crate) fn run(args: &Args) -> Exit {
    let mut command = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "dockerdsl",
        &mut std::io::stdout(),
    );
    Exit::Clean
}
