//! What several commands share: reading a file (or standard input) and printing the
//! problems that stop it from being read as a Dockerfile.

use dockerdsl::{Diagnostic, ParseErrors, Parsed};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The one FILE of `import` and `graph`, parsed; `None` when it has errors (printed).
pub(crate) fn one_file(file: &Path) -> Result<Option<Parsed>, String> {
    Ok(read_parsed(&file.display().to_string(), &read(Some(file))?))
}

/// A file's text, or standard input's for `None`.
pub(crate) fn read(file: Option<&Path>) -> Result<String, String> {
    let bytes = match file {
        Some(path) => {
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
        }
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            buf
        }
    };
    String::from_utf8(bytes).map_err(|_| {
        format!(
            "{} is not valid UTF-8",
            file.map_or("standard input".into(), |p| p.display().to_string())
        )
    })
}

/// The ignore file BuildKit would use for `file` as the Dockerfile of its own folder's
/// context: `FILE.dockerignore` beside it first, then that folder's `.dockerignore`.
pub(crate) fn dockerignore_of(file: &Path) -> Result<Option<String>, String> {
    let mut specific = file.as_os_str().to_owned();
    specific.push(".dockerignore");
    let folder = file.parent().unwrap_or(Path::new("."));
    for candidate in [PathBuf::from(specific), folder.join(".dockerignore")] {
        if candidate.is_file() {
            return read(Some(&candidate)).map(Some);
        }
    }
    Ok(None)
}

/// One finding, as `check` prints it.
pub(crate) fn line(name: &str, severity: &str, d: &Diagnostic) -> String {
    format!(
        "{name}:{}:{}: {severity}: {}",
        d.line().unwrap_or(0),
        d.column().unwrap_or(0),
        d.message()
    )
}

/// Parses, printing the errors (`FILE:LINE:COL: error: ...`) on standard error.
pub(crate) fn read_parsed(name: &str, text: &str) -> Option<Parsed> {
    match dockerdsl::parse(text) {
        Ok(p) => Some(p),
        Err(errors) => {
            print_errors(name, &errors, &mut std::io::stderr());
            None
        }
    }
}

pub(crate) fn print_errors(name: &str, errors: &ParseErrors, out: &mut dyn Write) {
    for d in errors.diagnostics() {
        let _ = writeln!(out, "{}", line(name, "error", d));
        if let Some(h) = d.help() {
            let _ = writeln!(out, "  = help: {h}");
        }
    }
}
