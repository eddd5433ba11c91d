//! What `check` found, and the formats it prints it in (one module each).
//!
//! The formats read a [`Report`], this module's own small structs, never the library's lint
//! types: `check` fills it from whatever the library returns, so the formats stay as they are
//! when the library's findings change shape.

mod github;
mod json;
mod sarif;
mod text;

use std::io::{self, Write};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    /// A warning (every build check, as BuildKit reports them).
    Warning,
    /// An error: a warning in a file whose `# check=error=true` makes warnings fail the
    /// build.
    Error,
}

impl Severity {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One lint in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// BuildKit's check name (`StageNameCasing`) or hadolint's code (`DL3006`).
    pub(crate) rule: &'static str,
    /// The rule in one sentence (BuildKit's `description`).
    pub(crate) description: &'static str,
    /// Where the rule is explained.
    pub(crate) url: &'static str,
    /// What is wrong here (BuildKit's `detail`).
    pub(crate) message: String,
    pub(crate) severity: Severity,
    /// The first line of the instruction, from 1.
    pub(crate) line: usize,
    /// Its last line (continuation lines, heredocs), from 1.
    pub(crate) end_line: usize,
    /// The column of the instruction's keyword, from 1.
    pub(crate) column: usize,
}

/// Why a file cannot be read as a Dockerfile, at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// From 1; `None` when the problem is the whole file.
    pub(crate) line: Option<usize>,
    /// From 1; `None` when it is the whole line.
    pub(crate) column: Option<usize>,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
}

/// One file checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileReport {
    /// The path as given or found (`<stdin>` for standard input).
    pub(crate) name: String,
    /// The file's text (BuildKit's JSON carries it).
    pub(crate) text: String,
    /// In line order.
    pub(crate) findings: Vec<Finding>,
    /// When not empty, the file is not a Dockerfile and has no findings.
    pub(crate) problems: Vec<Problem>,
}

/// Every file checked, in the order they were named and found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Report {
    pub(crate) files: Vec<FileReport>,
}

/// How `check` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// `FILE:LINE:COL: warning[Rule]: message`, one a line.
    Text,
    /// BuildKit's lint result (`docker build --call=check,format=json`).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=...::...`): annotations.
    Github,
}

/// Prints `report` in `format`. Text prints the problems with the findings on standard
/// output; the other formats carry them in their own shape, and they are also said on
/// standard error, so that a person reading the log sees why the exit code is 2.
pub(crate) fn print(report: &Report, format: Format) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = match format {
        Format::Text => text::write(report, &mut out),
        Format::Json => json::write(report, &mut out),
        Format::Sarif => sarif::write(report, &mut out),
        Format::Github => github::write(report, &mut out),
    }
    .and_then(|()| out.flush());
    // Said on standard error even when standard output failed.
    if format != Format::Text {
        let stderr = io::stderr();
        let mut err = stderr.lock();
        for file in &report.files {
            text::write_problems(file, &mut err)?;
        }
    }
    written
}

/// A parse's errors, as problems.
pub(crate) fn problems(errors: &dockerdsl::ParseErrors) -> Vec<Problem> {
    errors
        .diagnostics()
        .iter()
        .map(|d| Problem {
            line: d.line(),
            column: d.column(),
            message: d.message().to_owned(),
            help: d.help().map(str::to_owned),
        })
        .collect()
}

/// Why the file `name` is not a Dockerfile, on standard error as `check` prints it.
pub(crate) fn eprint_problems(name: &str, errors: &dockerdsl::ParseErrors) {
    let file = FileReport {
        name: name.to_owned(),
        text: String::new(),
        findings: Vec::new(),
        problems: problems(errors),
    };
    // Nothing better to do when standard error is closed.
    let _ = text::write_problems(&file, &mut io::stderr().lock());
}
