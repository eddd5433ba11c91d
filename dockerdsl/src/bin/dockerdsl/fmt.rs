//! `fmt [--check] [FILE...]`: the canonical form, written in place (or a diff with
//! `--check`).

use crate::input::{print_errors, read};
use std::path::PathBuf;
use std::process::ExitCode;

pub(crate) fn run(check_only: bool, files: &[PathBuf]) -> Result<ExitCode, String> {
    if files.is_empty() {
        let text = read(None)?;
        let Some(formatted) = formatted("<stdin>", &text) else {
            return Ok(ExitCode::FAILURE);
        };
        if check_only {
            if formatted != text {
                print!("{}", diff("<stdin>", &text, &formatted));
                return Ok(ExitCode::FAILURE);
            }
            return Ok(ExitCode::SUCCESS);
        }
        print!("{formatted}");
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = false;
    for file in files {
        let name = file.display().to_string();
        let text = read(Some(file))?;
        let Some(formatted) = formatted(&name, &text) else {
            failed = true;
            continue;
        };
        if formatted == text {
            continue;
        }
        if check_only {
            print!("{}", diff(&name, &text, &formatted));
            failed = true;
        } else {
            // Atomically, keeping the file's permissions: an interrupted run leaves the old
            // file, never half of the new one.
            dockerdsl::emit_with(file, &formatted, dockerdsl::Mode::Write)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `dockerdsl::format`, printing the errors (`FILE:LINE:COL: error: ...`) on standard error.
fn formatted(name: &str, text: &str) -> Option<String> {
    match dockerdsl::format(text) {
        Ok(f) => Some(f),
        Err(errors) => {
            print_errors(name, &errors, &mut std::io::stderr());
            None
        }
    }
}

fn diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}
