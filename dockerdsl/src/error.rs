//! Errors: every problem found when a [`Dockerfile`](crate::Dockerfile) is made, each with
//! where it is.

use std::borrow::Cow;
use std::fmt;

/// Every problem found in a stage graph, reported at once.
///
/// ```
/// use dockerdsl::{Dockerfile, Stage};
///
/// let app = Stage::from_image("App", "alpine:3.20").workdir("");
/// let err = Dockerfile::new(&app).unwrap_err();
/// assert_eq!(err.problems().len(), 2);
/// assert_eq!(
///     err.to_string(),
///     "2 problems in the Dockerfile:\n\
///      error: stage `App`: invalid stage name \"App\"\n  \
///        = help: stage names are lower-case: use \"app\"\n\
///      error: stage `App`, instruction 1 (WORKDIR), path: the path is empty\n",
/// );
/// ```
///
/// One problem has the same shape, `error: ` before it and a newline after it:
///
/// ```
/// use dockerdsl::{Dockerfile, Stage};
///
/// let err = Dockerfile::new(&Stage::from_image("Bad Name", "alpine:3.20")).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "error: stage `Bad Name`: invalid stage name \"Bad Name\"\n  \
///        = help: a stage name starts with a lower-case letter, followed by lower-case \
///      letters, digits, `-`, `_` or `.`: use \"bad-name\"\n",
/// );
/// ```
///
/// `Debug` prints the same text as `Display`, so that `fn main() -> Result<(), Error>` shows
/// the readable message; [`Error::problems`] gives the structure.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    problems: Vec<Problem>,
}

impl Error {
    pub(crate) fn new(problems: Vec<Problem>) -> Self {
        Error { problems }
    }

    /// The problems, in the order of the Dockerfile: global ARGs, then stages in graph order,
    /// each stage's instructions in order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_problems(f, &self.problems, "the Dockerfile")
    }
}

/// The one shape of every "several problems" error (a `Dockerfile`'s, a Bake plan's): one
/// problem reads as each of several does (`error: ...` and a final newline), so that a caller
/// can print either the same way.
pub(crate) fn write_problems(
    f: &mut fmt::Formatter<'_>,
    problems: &[impl fmt::Display],
    what: &str,
) -> fmt::Result {
    match problems {
        [one] => writeln!(f, "error: {one}"),
        many => {
            writeln!(f, "{} problems in {what}:", many.len())?;
            for p in many {
                writeln!(f, "error: {p}")?;
            }
            Ok(())
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}

/// One problem: what is wrong, where, and how to fix it when there is a known fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub(crate) location: Location,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
    /// Line and column in the text the Dockerfile was read from (JSON), when known.
    pub(crate) position: Option<(usize, usize)>,
    /// Whose rule it is: a file read faithfully is refused only for BuildKit's.
    pub(crate) kind: ProblemKind,
    /// The index of its stage in the Dockerfile's stages, when validation made it: a file
    /// read may have two stages of one name.
    pub(crate) stage_index: Option<usize>,
}

/// Whose rule a problem breaks. The builder refuses both kinds; reading a Dockerfile as
/// BuildKit does (`check`, `fmt`) refuses only what BuildKit refuses, and the lowering into
/// the model ([`parse`](crate::parse), `import`) says when it refuses for the model's own rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    /// BuildKit refuses it too (when it reads the file or when it builds it).
    BuildKit,
    /// Only the model refuses it (a stage named `scratch`, a `FROM` variable that is not a
    /// global ARG, `COPY a b c`): BuildKit reads the file, its checks at most warn.
    ModelOnly,
    /// In an `ONBUILD` trigger, which BuildKit reads only where it runs: BuildKit refuses it
    /// in a stage built on this one, and reads the file when no stage it builds is.
    Trigger,
}

impl Problem {
    /// A problem with a whole stage (or, without a name, with the whole Dockerfile).
    pub(crate) fn stage(stage: Option<&str>, message: String, help: String) -> Problem {
        Problem {
            location: Location {
                stage: stage.map(str::to_owned),
                ..Location::default()
            },
            message,
            help: Some(help),
            position: None,
            kind: ProblemKind::BuildKit,
            stage_index: None,
        }
    }

    /// A problem at a line and column of the text read (from 1; `None` when not known).
    #[cfg(feature = "serde")]
    pub(crate) fn at(position: Option<(usize, usize)>, message: String) -> Problem {
        Problem {
            location: Location::default(),
            message,
            help: None,
            position,
            kind: ProblemKind::BuildKit,
            stage_index: None,
        }
    }

    /// The line and column (from 1) in the text the Dockerfile was read from, when it was
    /// read from text ([`Dockerfile::from_json`](crate::Dockerfile::from_json)) and the
    /// problem is about one place of it.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        self.position
    }

    /// Where the problem is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// What is wrong, in lower case.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How to fix it, when there is a known fix.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// Whether only the model's own rules refuse it, not BuildKit's.
    pub(crate) fn is_model_only(&self) -> bool {
        self.kind == ProblemKind::ModelOnly
    }

    /// Whether it is in an `ONBUILD` trigger, refused by BuildKit only where the trigger runs.
    pub(crate) fn is_trigger(&self) -> bool {
        self.kind == ProblemKind::Trigger
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location.to_string();
        if let Some((line, column)) = self.position {
            write!(f, "line {line}, column {column}: ")?;
        }
        if loc.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{loc}: {}", self.message)?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Where a problem is: a stage (or the global ARGs), an instruction, a field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub(crate) stage: Option<String>,
    // Borrowed for a plain keyword: every instruction's location is made while validating.
    pub(crate) instruction: Option<(usize, Cow<'static, str>)>,
    pub(crate) field: Option<&'static str>,
}

impl Location {
    /// The stage's name, or `None` for the file's header and global ARGs.
    pub fn stage(&self) -> Option<&str> {
        self.stage.as_deref()
    }

    /// The instruction's position in its stage (from 1, comments not counted) and its
    /// keyword, such as `COPY` or `ONBUILD RUN`. For a global ARG, its position among them.
    /// For a comment, the keyword is `#` and the position that of the instruction after it.
    pub fn instruction(&self) -> Option<(usize, &str)> {
        self.instruction.as_ref().map(|(n, k)| (*n, k.as_ref()))
    }

    /// The field of the instruction, such as `dest` or `--chmod`.
    pub fn field(&self) -> Option<&str> {
        self.field
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        match &self.stage {
            Some(stage) => {
                write!(f, "stage `{stage}`")?;
                sep = ", ";
            }
            None if self.instruction.is_some() => {
                write!(f, "global")?;
                sep = " ";
            }
            None => {}
        }
        match &self.instruction {
            Some((n, keyword)) if keyword == "#" => {
                write!(f, "{sep}comment before instruction {n}")?;
                sep = ", ";
            }
            Some((n, keyword)) => {
                write!(f, "{sep}instruction {n} ({keyword})")?;
                sep = ", ";
            }
            None => {}
        }
        if let Some(field) = self.field {
            write!(f, "{sep}{field}")?;
        }
        Ok(())
    }
}
