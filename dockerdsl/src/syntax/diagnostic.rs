//! What is wrong with a Dockerfile's text, and where.

use std::fmt;

/// One problem in a Dockerfile's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
    /// BuildKit reads it; only the typed model cannot hold it.
    pub(crate) model_limit: bool,
}

impl Diagnostic {
    pub(crate) fn new(line: usize, column: usize, message: String) -> Self {
        Diagnostic {
            line,
            column,
            message,
            help: None,
            model_limit: false,
        }
    }

    /// Marks it as something BuildKit reads that the typed model cannot hold.
    pub(crate) fn model_limit(mut self) -> Self {
        self.model_limit = true;
        self
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The line, from 1; `None` when the problem is with the whole file (one that cannot
    /// be read, or has no stage).
    pub fn line(&self) -> Option<usize> {
        (self.line > 0).then_some(self.line)
    }

    /// The column, from 1; `None` when the problem is with the whole line or file.
    pub fn column(&self) -> Option<usize> {
        (self.column > 0).then_some(self.column)
    }

    /// What is wrong, or expected, in lower case.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How to fix it, when there is a known fix.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// Whether BuildKit reads this and only the typed model cannot hold it (two stages with
    /// one name, `EXPOSE 8080:80`, a stage named `scratch`): [`parse`](crate::parse) refuses
    /// it, and so do `dockerdsl import` and everything built on the model, while
    /// [`check`](crate::check) and [`format`](crate::format) read the file. `false` for what
    /// BuildKit refuses too.
    ///
    /// ```
    /// let text = "FROM alpine:3.20 AS app\nEXPOSE 8443:443\nRUN --bogus true\n";
    /// let err = dockerdsl::parse(text).unwrap_err();
    /// let kinds: Vec<_> = err
    ///     .diagnostics()
    ///     .iter()
    ///     .map(|d| (d.line(), d.is_model_limit()))
    ///     .collect();
    /// assert_eq!(kinds, [(Some(2), true), (Some(3), false)]);
    /// ```
    pub fn is_model_limit(&self) -> bool {
        self.model_limit
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found reading a Dockerfile, in line order.
///
/// ```
/// let err = dockerdsl::parse("FROM alpine:3.20\nCOPY --bogus a b\nFOO bar\n").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "2:6: unknown flag `--bogus` for COPY\n\
///      \x20 = help: COPY takes --from, --chown, --chmod, --link, --parents, --exclude\n\
///      3:1: unknown instruction `FOO`\n\
///      \x20 = help: did you mean FROM?\n"
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ParseErrors {
    diagnostics: Vec<Diagnostic>,
}

impl ParseErrors {
    pub(crate) fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by_key(|d| (d.line, d.column));
        ParseErrors { diagnostics }
    }

    pub(crate) fn one(d: Diagnostic) -> Self {
        ParseErrors::new(vec![d])
    }

    /// The problems, in line order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl fmt::Display for ParseErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ParseErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ParseErrors {}
