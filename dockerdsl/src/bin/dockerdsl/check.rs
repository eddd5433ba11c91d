//! `check [FILE...]`: every problem of every file, and the lints.

use crate::input::{dockerignore_of, print_errors, read};
use dockerdsl::Linter;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// `check`: every problem of every file, one a line; exit 1 when there is an error.
pub(crate) fn run(files: &[PathBuf]) -> Result<ExitCode, String> {
    let inputs: Vec<(String, String, Option<String>)> = if files.is_empty() {
        vec![("<stdin>".into(), read(None)?, None)]
    } else {
        files
            .iter()
            .map(|f| Ok((f.display().to_string(), read(Some(f))?, dockerignore_of(f)?)))
            .collect::<Result<_, String>>()?
    };
    let mut failed = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (name, text, dockerignore) in inputs {
        let mut linter = Linter::new();
        if let Some(ignore) = &dockerignore {
            linter = linter.dockerignore(ignore);
        }
        // `check` reads what BuildKit reads: a file the typed model cannot hold is linted.
        match linter.check(&text) {
            Ok(lints) => {
                for lint in lints {
                    // A parsed file's lints always have a position; 1:1 keeps the line
                    // well-formed should one ever lack it.
                    let _ = writeln!(
                        out,
                        "{name}:{}:{}: warning[{}]: {}",
                        lint.line().unwrap_or(1),
                        lint.column().unwrap_or(1),
                        lint.rule(),
                        lint.message()
                    );
                }
            }
            Err(errors) => {
                failed = true;
                print_errors(&name, &errors, &mut out);
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
