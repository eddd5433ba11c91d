//! `fmt [--check] [FILE...]`: the canonical form, written in place (or a diff with
//! `--check`).

use crate::input::{read, read_parsed};
use std::path::PathBuf;
use std::process::ExitCode;

pub(crate) fn run(check_only: bool, files: &[PathBuf]) -> Result<ExitCode, String> {
    if files.is_empty() {
        let text = read(None)?;
        let Some(parsed) = read_parsed("<stdin>", &text) else {
            return Ok(ExitCode::FAILURE);
        };
        let formatted = parsed.dockerfile().to_string();
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
        let Some(parsed) = read_parsed(&name, &text) else {
            failed = true;
            continue;
        };
        let formatted = parsed.dockerfile().to_string();
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

fn diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}
