//! The command line, read into a typed [`Command`].

use lexopt::prelude::*;
use std::path::PathBuf;

pub(crate) const USAGE: &str = "\
usage: dockerdsl fmt [--check] [FILE...]
       dockerdsl check [FILE...]    (lints read FILE.dockerignore or .dockerignore beside FILE)
       dockerdsl import [--macro] FILE
       dockerdsl graph [--dot] FILE
       dockerdsl lock [FILE...] [--image IMAGE]... [--lock PATH] [--update | --check]

Without FILE, fmt and check read standard input.";

/// What to do, with the options each command takes.
pub(crate) enum Command {
    /// `fmt [--check] [FILE...]`.
    Fmt { check: bool, files: Vec<PathBuf> },
    /// `check [FILE...]`.
    Check { files: Vec<PathBuf> },
    /// `import [--macro] FILE`.
    Import { macro_form: bool, file: PathBuf },
    /// `graph [--dot] FILE`.
    Graph { dot: bool, file: PathBuf },
    /// `lock [FILE...] [--image IMAGE]... [--lock PATH] [--update | --check]`.
    Lock(crate::lock::Args),
}

/// Reads the process's arguments; `--help` prints the usage and exits.
pub(crate) fn parse() -> Result<Command, String> {
    let mut parser = lexopt::Parser::from_env();
    let mut command: Option<String> = None;
    let mut flag = false;
    let mut files = Vec::new();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('h') | Long("help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            Long("check") if command.as_deref() == Some("fmt") => flag = true,
            Long("macro") if command.as_deref() == Some("import") => flag = true,
            Long("dot") if command.as_deref() == Some("graph") => flag = true,
            Value(v) if command.is_none() => {
                let name = v.into_string().map_err(|_| "invalid command".to_owned())?;
                if name == "lock" {
                    // Its options take values: it reads the rest of the line itself.
                    return crate::lock::args(&mut parser).map(Command::Lock);
                }
                command = Some(name);
            }
            Value(v) => files.push(PathBuf::from(v)),
            other => return Err(format!("{}\n\n{USAGE}", other.unexpected())),
        }
    }
    let command = command.ok_or_else(|| USAGE.to_owned())?;
    let one = |files: Vec<PathBuf>| match <[PathBuf; 1]>::try_from(files) {
        Ok([file]) => Ok(file),
        Err(_) => Err(format!("{command} takes one FILE\n\n{USAGE}")),
    };
    match command.as_str() {
        "fmt" => Ok(Command::Fmt { check: flag, files }),
        "check" => Ok(Command::Check { files }),
        "import" => Ok(Command::Import {
            macro_form: flag,
            file: one(files)?,
        }),
        "graph" => Ok(Command::Graph {
            dot: flag,
            file: one(files)?,
        }),
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}
