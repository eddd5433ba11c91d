//! `dockerdsl check`: BuildKit's build checks and hadolint's rules on Dockerfiles, and what
//! keeps a file from being one.
//!
//! Each file is linted with the `.dockerignore` BuildKit would use for it
//! ([`input::dockerignore_of`]); its `# check=skip=...` directive and comments skip rules as
//! they do for BuildKit, and hadolint's `# hadolint ignore=...` pragmas silence the rules
//! hadolint has a code for ([`dockerdsl::lint::HadolintPragmas`]).
//!
//! The exit code: 2 when a file cannot be read or is not a Dockerfile; else 1 when a finding
//! is at or above `--error-on` (by default any finding, as `docker build --check` fails on
//! any warning); else 0. A file whose `# check=error=true` makes BuildKit fail the build on
//! a warning has its findings reported as errors, which `--error-on error` fails on.

use crate::Exit;
use crate::input::{self, Input};
use crate::output::{self, FileReport, Finding, Format, Problem, Report, Severity};
use dockerdsl::lint::HadolintPragmas;
use dockerdsl::{Linter, Parsed};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Dockerfiles, or folders to search for them (`Dockerfile`, `Dockerfile.*`,
    /// `*.Dockerfile`, ...); `-` or nothing for standard input.
    paths: Vec<PathBuf>,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The lowest severity that makes the exit code 1 (findings of a file with
    /// `# check=error=true` are errors).
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = Threshold::Warning)]
    error_on: Threshold,
}

/// `--error-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Threshold {
    /// Any finding.
    Warning,
    /// Only findings of files with `# check=error=true`.
    Error,
    /// No finding: report only.
    Never,
}

impl Threshold {
    fn fails_on(self, severity: Severity) -> bool {
        match self {
            Threshold::Warning => true,
            Threshold::Error => severity == Severity::Error,
            Threshold::Never => false,
        }
    }
}

pub(crate) fn run(args: &Args) -> Exit {
    let (inputs, mut unreadable) = input::gather(&args.paths);
    let mut report = Report::default();
    for input in inputs {
        match check(&input) {
            Ok(file) => report.files.push(file),
            Err(e) => unreadable.push(e),
        }
    }
    match output::print(&report, args.format) {
        // A reader that stopped reading (`| head`) is not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            unreadable.push(format!("cannot write the report: {e}"));
        }
        _ => {}
    }
    for message in &unreadable {
        eprintln!("dockerdsl: {message}");
    }
    let broken = report.files.iter().any(|f| !f.problems.is_empty());
    if broken || !unreadable.is_empty() {
        Exit::Broken
    } else if report
        .files
        .iter()
        .flat_map(|f| &f.findings)
        .any(|f| args.error_on.fails_on(f.severity))
    {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// One file's findings, or why it is not a Dockerfile; `Err` when its `.dockerignore`
/// cannot be read.
fn check(input: &Input) -> Result<FileReport, String> {
    let mut file = FileReport {
        name: input.name.clone(),
        text: input.text.clone(),
        findings: Vec::new(),
        problems: Vec::new(),
    };
    // Read as BuildKit reads it: a file the typed model cannot hold (two stages with one
    // name, `EXPOSE 8080:80`) is linted all the same.
    match dockerdsl::parse_faithfully(&input.text) {
        Ok(parsed) => {
            let dockerignore = match &input.path {
                Some(path) => input::dockerignore_of(path)?,
                None => None,
            };
            // A pattern BuildKit refuses fails the build before any check runs, as a file
            // it cannot read does.
            if let Some((name, text)) = &dockerignore
                && let Err(errors) = dockerdsl::lint::check_dockerignore(text)
            {
                // Their lines are the ignore file's, said in the message: the problem is
                // the Dockerfile's as a whole.
                file.problems = output::problems(&errors)
                    .into_iter()
                    .map(|p| Problem {
                        message: format!(
                            "{name}:{}:{}: {} (BuildKit fails every build of this context)",
                            p.line.unwrap_or(0),
                            p.column.unwrap_or(0),
                            p.message
                        ),
                        line: None,
                        column: None,
                        ..p
                    })
                    .collect();
                return Ok(file);
            }
            let ignore = dockerignore.as_ref().map(|(_, text)| text.as_str());
            file.findings = findings(&parsed, &input.text, ignore);
        }
        Err(errors) => {
            file.problems = output::problems(&errors);
        }
    }
    Ok(file)
}

fn findings(parsed: &Parsed, text: &str, dockerignore: Option<&str>) -> Vec<Finding> {
    let mut linter = Linter::new();
    if let Some(ignore) = dockerignore {
        linter = linter.dockerignore(ignore);
    }
    let lints = HadolintPragmas::read(text).retain(linter.lint_parsed(parsed));
    let severity = if parsed
        .dockerfile()
        .checks()
        .is_some_and(|c| c.warnings_are_errors())
    {
        Severity::Error
    } else {
        Severity::Warning
    };
    lints
        .iter()
        .map(|lint| {
            // A parsed file's lints always have their lines; 1 keeps the report
            // well-formed should one ever lack them.
            let line = lint.line().unwrap_or(1);
            let end_line = lint.end_line().unwrap_or(line);
            let rule = lint.rule();
            Finding {
                rule: rule.name(),
                description: rule.description(),
                url: rule.url(),
                message: lint.message().to_owned(),
                severity,
                line,
                end_line,
                column: lint.column().unwrap_or(1),
            }
        })
        .collect()
}
