//! Reading Dockerfiles: [`parse`] turns text into the same model the builder makes, and
//! keeps a map from the model back to the source (for diagnostics and lints).
//!
//! The reading follows BuildKit's parser (`frontend/dockerfile/parser`) and the checks of
//! its instruction parser: directives, continuation lines, comments, heredocs, JSON and
//! shell forms, legacy `ENV`/`LABEL` forms, keywords in any case, a BOM and CRLF line
//! ends. Every problem is reported at once, each with its line and column.
//!
//! What the canonical form then changes on purpose is listed in the crate documentation
//! ("Reading Dockerfiles").

mod build;

pub(crate) use build::{lower, lower_tree, syntax_of};

use crate::model::dockerfile::Dockerfile;
pub use crate::syntax::{Diagnostic, ParseErrors};
use std::ops::Range;
use std::path::Path;

/// Reads a Dockerfile into the model: the lowering from the syntax tree that `import`, the
/// JSON form and building on a read file go through.
///
/// Every stage of the file is kept, in file order (each is a target, the last one last).
/// Stage references by name or index (`COPY --from=0`) become references to the stage
/// values; `--from` naming anything else becomes an image ([`Source::image`](crate::Source::image)).
///
/// What BuildKit refuses is refused with BuildKit's reason on BuildKit's line. What BuildKit
/// builds is either read with its meaning kept, or refused naming every construct the
/// typed model cannot hold, each on its line with what to write instead
/// ([`Diagnostic::is_model_limit`]); nothing is dropped or rewritten silently. Those
/// constructs: two stages with one name (the model's stages are values with one name each;
/// renaming one would change what `--target` builds, so the choice is left to you), a stage
/// named `scratch` or `context`, a `FROM` variable that is no global `ARG`, several `COPY`
/// sources into a destination without `/`, a host address or port in `EXPOSE`, a literal `$`
/// in a value, a variable in a mount's type or options, heredocs mixed with paths, heredocs
/// with CRLF line ends. [`check`](crate::check) and [`format`](crate::format) read such a
/// file all the same ([`parse_faithfully`]).
///
/// ```
/// let text = "FROM alpine:3.20 AS app\nRUN true\nFROM alpine:3.20 AS app\nEXPOSE 8443:443\n";
/// let err = dockerdsl::parse(text).unwrap_err();
/// let limits: Vec<String> = err
///     .diagnostics()
///     .iter()
///     .filter(|d| d.is_model_limit())
///     .map(|d| format!("{}: {}", d.line().unwrap_or(0), d.message()))
///     .collect();
/// assert_eq!(
///     limits,
///     [
///         "3: duplicate stage name `app`: the stage on line 1 has it too",
///         "4: a host address or port in `EXPOSE 8443:443`: BuildKit exposes `443` and warns \
///          (ExposeInvalidFormat)",
///     ]
/// );
/// ```
///
/// ```
/// let parsed = dockerdsl::parse(
///     "from golang:1.23 as build\n\
///      run go build -o /app .\n\
///      FROM alpine:3.20\n\
///      COPY --from=build /app /app\n",
/// )?;
/// assert_eq!(
///     parsed.dockerfile().to_string(),
///     "FROM golang:1.23 AS build\n\
///      RUN go build -o /app .\n\
///      \n\
///      FROM alpine:3.20 AS stage-1\n\
///      COPY --from=build /app /app\n"
/// );
/// let copy = &parsed.instructions()[3];
/// assert_eq!((copy.line(), copy.keyword()), (4, "COPY"));
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
pub fn parse(text: &str) -> Result<Parsed, ParseErrors> {
    build::parse(text)
}

/// Reads a Dockerfile as `check` and `fmt` do: refusing only what BuildKit refuses.
///
/// What BuildKit accepts and the builder would not (two stages with one name, a stage named
/// `scratch`, `EXPOSE 8080:80`, `FROM img:$UNDECLARED`, `COPY a b c`) is read all the same:
/// an instruction the model cannot hold is left out of it, at [`Position::AsWritten`], and
/// the model is not validated as a whole. Use it to lint ([`Parsed::lint`]) and format
/// ([`format`](crate::format)); [`parse`] gives a model to build with.
///
/// ```
/// let text = "FROM alpine:3.20 AS app\nEXPOSE 8443:443\nFROM alpine:3.20 AS app\n";
/// assert!(dockerdsl::parse(text).is_err());
/// let parsed = dockerdsl::parse_faithfully(text)?;
/// assert_eq!(parsed.instructions()[1].position(), &dockerdsl::Position::AsWritten);
/// let rules: Vec<_> = parsed.lint().iter().map(|l| l.rule().name()).collect();
/// assert_eq!(rules, ["ExposeInvalidFormat", "DuplicateStageName"]);
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
pub fn parse_faithfully(text: &str) -> Result<Parsed, ParseErrors> {
    build::lower(text, true)
}

/// Reads the Dockerfile at `path`; see [`parse`]. A file that cannot be read is reported as
/// a problem with the whole file (no line).
///
/// ```
/// let err = dockerdsl::parse_file("no/such/Dockerfile").unwrap_err();
/// let problem = &err.diagnostics()[0];
/// assert_eq!(problem.line(), None);
/// assert!(problem.message().starts_with("cannot read no/such/Dockerfile: "));
/// ```
pub fn parse_file(path: impl AsRef<Path>) -> Result<Parsed, ParseErrors> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| {
        ParseErrors::one(Diagnostic::new(
            0,
            0,
            format!("cannot read {}: {e}", path.display()),
        ))
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        ParseErrors::one(
            Diagnostic::new(line, 0, "the file is not valid UTF-8".into())
                .with_help("save the Dockerfile as UTF-8"),
        )
    })?;
    parse(&text)
}

/// A Dockerfile read from text: the model, and where each instruction came from.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub(crate) dockerfile: Dockerfile,
    pub(crate) instructions: Vec<SourceInstruction>,
    pub(crate) directives: Vec<Directive>,
    /// The `# check=` and `# syntax=` lines BuildKit does not read for their indentation.
    pub(crate) unread: Vec<Unread>,
}

/// A `# check=` or `# syntax=` line BuildKit does not read because of its indentation (see
/// [`syntax::comment`](crate::syntax::comment)): a directive its frontend passes over, or a
/// `# check=` comment right before an instruction, which BuildKit reads with its `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unread {
    pub(crate) line: usize,
    pub(crate) column: usize,
    /// The line from its `#`, trailing blanks dropped.
    pub(crate) text: Box<str>,
    /// A directive (else a comment before an instruction).
    pub(crate) directive: bool,
}

impl Parsed {
    /// The model.
    pub fn dockerfile(&self) -> &Dockerfile {
        &self.dockerfile
    }

    /// The model, without the source map.
    pub fn into_dockerfile(self) -> Dockerfile {
        self.dockerfile
    }

    /// Every instruction of the file, in file order (comments are not instructions).
    pub fn instructions(&self) -> &[SourceInstruction] {
        &self.instructions
    }

    /// The parser directives at the top of the file, as written.
    pub fn directives(&self) -> &[Directive] {
        &self.directives
    }
}

/// Where an instruction of the source went in the model.
///
/// ```
/// use dockerdsl::Position;
///
/// let parsed = dockerdsl::parse("ARG TAG=3.20\nFROM alpine:${TAG} AS app\nARG A B\n")?;
/// let positions: Vec<&Position> = parsed.instructions().iter().map(|i| i.position()).collect();
/// assert_eq!(
///     positions,
///     [
///         &Position::GlobalArgs(0..1),
///         &Position::From { stage: 0 },
///         // `ARG A B` became two instructions of the stage `app`.
///         &Position::Instructions { stage: 0, indices: 0..2 },
///     ]
/// );
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// Global `ARG`s (before the first `FROM`): indices into [`Dockerfile::args`]. One
    /// `ARG A B` line makes several.
    GlobalArgs(Range<usize>),
    /// A `FROM` line: the index of its stage in [`Dockerfile::stages`].
    From {
        /// Index of the stage.
        stage: usize,
    },
    /// An instruction of a stage: indices into that stage's
    /// [`instructions`](crate::Stage::instructions) (comments count). One `ARG A B` line
    /// makes several.
    Instructions {
        /// Index of the stage in [`Dockerfile::stages`].
        stage: usize,
        /// Indices of the instructions it became.
        indices: Range<usize>,
    },
    /// An instruction BuildKit accepts that the model cannot hold (`EXPOSE 8080:80`, a value
    /// with a literal `$`): read by `check` and `fmt` ([`check`](crate::check),
    /// [`format`](crate::format)), which keep it as written; [`parse`] refuses it, naming it
    /// ([`Diagnostic::is_model_limit`]).
    AsWritten,
}

/// One instruction as written in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInstruction {
    pub(crate) line: usize,
    pub(crate) end_line: usize,
    pub(crate) column: usize,
    pub(crate) keyword: String,
    pub(crate) text: String,
    pub(crate) position: Position,
    /// Where BuildKit reports an empty continuation line in it, if it has one.
    pub(crate) empty_continuation: Option<usize>,
    /// What a `# check=` comment right before it sets for it (BuildKit takes its skipped and
    /// experimental rules there, not its `error=`).
    pub(crate) checks: Option<Box<crate::model::dockerfile::BuildChecks>>,
    /// For an `ARG` or a `FROM` after comments: the first word of the last one.
    pub(crate) described: Option<Box<str>>,
}

impl SourceInstruction {
    /// The line it starts on, from 1.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The line it ends on (its last continuation line or heredoc terminator), from 1.
    pub fn end_line(&self) -> usize {
        self.end_line
    }

    /// The column of the keyword, from 1.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The keyword exactly as written (`from`, `Run`).
    pub fn keyword(&self) -> &str {
        &self.keyword
    }

    /// The instruction's source text: every physical line from `line` to `end_line`
    /// (continuation lines, comment lines inside them, heredoc bodies), joined with `\n`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where it went in the model.
    pub fn position(&self) -> &Position {
        &self.position
    }
}

impl Unread {
    fn of(number: usize, line: &str, directive: bool) -> Unread {
        let text = line.trim();
        Unread {
            line: number,
            column: line[..line.len() - line.trim_start().len()].chars().count() + 1,
            text: text.into(),
            directive,
        }
    }
}

/// A parser directive (`# syntax=...`, `# escape=...`, `# check=...`) as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub(crate) line: usize,
    pub(crate) name: String,
    pub(crate) value: String,
}

impl Directive {
    /// Its line, from 1.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The name as written (`syntax`, `Escape`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value, trimmed.
    pub fn value(&self) -> &str {
        &self.value
    }
}
