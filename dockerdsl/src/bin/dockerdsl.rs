//! `dockerdsl`: format, check, import and draw Dockerfiles.
//!
//! ```text
//! dockerdsl fmt [--check] [FILE...]   canonical form (stdin to stdout without FILEs)
//! dockerdsl check [FILE...]           problems, one a line: FILE:LINE:COL: error: message,
//!                                     and lints: FILE:LINE:COL: warning[Rule]: message
//! dockerdsl import [--macro] FILE     Rust source that builds the file
//! dockerdsl graph [--dot] FILE        the stage graph as Mermaid (or Graphviz DOT)
//! ```

use dockerdsl::{Diagnostic, Linter, ParseErrors, Parsed};
use lexopt::prelude::*;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: dockerdsl fmt [--check] [FILE...]
       dockerdsl check [FILE...]    (lints read FILE.dockerignore or .dockerignore beside FILE)
       dockerdsl import [--macro] FILE
       dockerdsl graph [--dot] FILE

Without FILE, fmt and check read standard input.";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("dockerdsl: {message}");
            ExitCode::from(2)
        }
    }
}

/// The command line, read.
struct Args {
    command: String,
    flag: bool,
    files: Vec<PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut parser = lexopt::Parser::from_env();
    let mut command = None;
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
                command = Some(v.into_string().map_err(|_| "invalid command".to_owned())?);
            }
            Value(v) => files.push(PathBuf::from(v)),
            other => return Err(format!("{}\n\n{USAGE}", other.unexpected())),
        }
    }
    let command = command.ok_or_else(|| USAGE.to_owned())?;
    Ok(Args {
        command,
        flag,
        files,
    })
}

fn run() -> Result<ExitCode, String> {
    let args = args()?;
    match args.command.as_str() {
        "fmt" => fmt(args.flag, &args.files),
        "check" => check(&args.files),
        "import" => {
            let Some(parsed) = one_file("import", &args.files)? else {
                return Ok(ExitCode::FAILURE);
            };
            let df = parsed.dockerfile();
            if args.flag {
                print!("{}", dockerdsl::import::with_macro(df));
            } else {
                print!("{}", dockerdsl::import::builder(df));
            }
            Ok(ExitCode::SUCCESS)
        }
        "graph" => {
            let Some(parsed) = one_file("graph", &args.files)? else {
                return Ok(ExitCode::FAILURE);
            };
            let df = parsed.dockerfile();
            print!(
                "{}",
                if args.flag {
                    dockerdsl::graph::dot(df)
                } else {
                    dockerdsl::graph::mermaid(df)
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}

/// The one FILE of `import` and `graph`, parsed; `None` when it has errors (printed).
fn one_file(command: &str, files: &[PathBuf]) -> Result<Option<Parsed>, String> {
    let [file] = files else {
        return Err(format!("{command} takes one FILE\n\n{USAGE}"));
    };
    Ok(read_parsed(&file.display().to_string(), &read(Some(file))?))
}

/// A file's text, or standard input's for `None`.
fn read(file: Option<&PathBuf>) -> Result<String, String> {
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
fn dockerignore_of(file: &std::path::Path) -> Result<Option<String>, String> {
    let mut specific = file.as_os_str().to_owned();
    specific.push(".dockerignore");
    let folder = file.parent().unwrap_or(std::path::Path::new("."));
    for candidate in [PathBuf::from(specific), folder.join(".dockerignore")] {
        if candidate.is_file() {
            return read(Some(&candidate)).map(Some);
        }
    }
    Ok(None)
}

/// One finding, as `check` prints it.
fn line(name: &str, severity: &str, d: &Diagnostic) -> String {
    format!(
        "{name}:{}:{}: {severity}: {}",
        d.line().unwrap_or(0),
        d.column().unwrap_or(0),
        d.message()
    )
}

/// Parses, printing the errors (`FILE:LINE:COL: error: ...`) on standard error.
fn read_parsed(name: &str, text: &str) -> Option<Parsed> {
    match dockerdsl::parse(text) {
        Ok(p) => Some(p),
        Err(errors) => {
            print_errors(name, &errors, &mut std::io::stderr());
            None
        }
    }
}

fn print_errors(name: &str, errors: &ParseErrors, out: &mut dyn Write) {
    for d in errors.diagnostics() {
        let _ = writeln!(out, "{}", line(name, "error", d));
        if let Some(h) = d.help() {
            let _ = writeln!(out, "  = help: {h}");
        }
    }
}

fn fmt(check_only: bool, files: &[PathBuf]) -> Result<ExitCode, String> {
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

/// `check`: every problem of every file, one a line; exit 1 when there is an error.
fn check(files: &[PathBuf]) -> Result<ExitCode, String> {
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
        match dockerdsl::parse(&text) {
            Ok(parsed) => {
                let mut linter = Linter::new();
                if let Some(ignore) = &dockerignore {
                    linter = linter.dockerignore(ignore);
                }
                for lint in linter.lint_parsed(&parsed) {
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
