//! Lints: BuildKit's build checks and hadolint's structural rules, run on the model.
//!
//! [`Dockerfile::lint`](crate::Dockerfile::lint) returns [`Lint`]s named after BuildKit's
//! build checks (`docker build --check`), with BuildKit's own message text, so that a warning
//! here reads like the one BuildKit would print for the rendered file. A few of hadolint's
//! rules about a file's structure are added under their hadolint codes.
//!
//! # The rules
//!
//! Many of BuildKit's checks are about how a file is *written* (keyword casing, `ENV k v`),
//! and the canonical renderer never writes those; others are about values the builder
//! refuses. Those rules cannot fire on a `Dockerfile` value; they apply to parsed files,
//! where the written text is known ([`Parsed::lint`], [`Linter::lint_parsed`]).
//!
//! | rule | on a builder-made `Dockerfile` |
//! | --- | --- |
//! | `StageNameCasing`, `ReservedStageName`, `DuplicateStageName` | impossible: stage names are checked when the `Dockerfile` is made (lower-case, not `scratch`/`context`, unique) |
//! | `FromAsCasing`, `ConsistentInstructionCasing`, `NoEmptyContinuation`, `LegacyKeyValueFormat` | impossible: the renderer writes upper-case keywords, `AS`, `key=value`, no empty continuation lines |
//! | `MaintainerDeprecated` | impossible: `MAINTAINER` renders as a `LABEL`; reported for parsed files |
//! | `ExposeProtoCasing`, `ExposeInvalidFormat` | a [`Port`](crate::Port) with a variable (`${PORT}`) whose value, as a build without `--build-arg`s expands it, has an upper-case protocol or a host part (`ARG PORT=8080:80`); a port without one has a lower-case protocol and no host part |
//! | `UndefinedArgInFrom` | impossible: a variable in `FROM` that is not a global `ARG` is an error |
//! | (the rules above, on files) | reported from the text as written by [`check`] (and on [`parse_faithfully`](crate::parse_faithfully)'s reading); [`parse`](crate::parse), which makes a model to build with, refuses a duplicate or reserved stage name and an undeclared `FROM` variable |
//! | `JSONArgsRecommended` | shell-form `CMD`/`ENTRYPOINT` ([`Command::shell`](crate::Command::shell)) with no `SHELL` before it in the stage or its bases |
//! | `MultipleInstructionsDisallowed` | several `CMD`, `ENTRYPOINT` or `HEALTHCHECK` in one stage (hadolint DL4003, DL4004, DL3012); reported at each one that is overridden |
//! | `WorkdirRelativePath` | the first `WORKDIR` of a stage chain is relative as BuildKit expands it: with the values `ARG` and `ENV` give in a build without `--build-arg`s, unset variables empty (a path that starts with a variable whose value is not known here is taken as absolute) |
//! | `UndefinedVar` | `$NAME` in `ENV`, `LABEL`, `ARG` defaults, `COPY`/`ADD` paths, flags and expanded heredoc bodies, `WORKDIR`, `USER`, `VOLUME`, `STOPSIGNAL` and mount options, not declared by `ENV` or `ARG` in the stage or its bases; an external image is taken to define only `PATH`, as BuildKit does offline. A parsed file's instructions that the model keeps as written (`ENV A='cost: $5'`) are read too, for the names they use and set |
//! | `RedundantTargetPlatform` | `FROM --platform=$TARGETPLATFORM` ([`Platform::TARGET`](crate::Platform::TARGET)) |
//! | `FromPlatformFlagConstDisallowed` | a constant `--platform` whose OS and architecture are not in the stage's name |
//! | `SecretsUsedInArgOrEnv` | an `ARG` or `ENV` name that looks like a secret (`*_TOKEN`, `PASSWORD`, ...) |
//! | `InvalidDefaultArgInFrom` | a base that is empty or no image reference with the global `ARG` defaults, an earlier stage's name included (BuildKit reads every base as a reference; `scratch` is one) |
//! | `CopyIgnoredFile` | with [`Linter::dockerignore`]: a `COPY`/`ADD` source from the context that the `.dockerignore` excludes, its patterns matched as BuildKit's `patternmatcher` does, the source expanded with the values a build without `--build-arg`s has (one whose value is not known here is not checked); nothing when the file has an exception (`!pattern`) or a pattern BuildKit refuses ([`check_dockerignore`]) |
//! | `InvalidDefinitionDescription` | experimental in BuildKit, reported only where `# check=experimental=InvalidDefinitionDescription` (or `all`) turns it on, for the file or in a comment right before the instruction: the last comment right before an `ARG` or a `FROM ... AS name` does not start with the name (`# VERSION the release to build` before `ARG VERSION`) |
//! | `InvalidBaseImagePlatform` | not checkable: it needs the image from its registry |
//! | `DL3006` (hadolint) | a base image without a tag or digest |
//! | `DL3007` (hadolint) | a base image tagged `latest` |
//! | `DL3002` (hadolint) | the last `USER` of the last stage (or of its bases) is root |
//! | `DL3045` (hadolint) | `COPY` to a relative destination with no `WORKDIR` in the stage or its bases |
//! | `StageNameTypo` (dockerdsl) | impossible: stage references are values; on files, see below |
//! | `TextAfterJSONArgs` (dockerdsl) | impossible: a command or path list is one value; on files, see below |
//! | `IndentedDirective` (dockerdsl) | impossible: the renderer writes comments and directives at the start of the line; on files, see below |
//!
//! hadolint's DL3022, DL3023 and DL3024 (unknown, own and duplicate stage references) cannot
//! happen: stage references are values.
//!
//! Lints come in the order of the file: global `ARG`s, then stages in order, each stage's
//! instructions in order (by line for parsed files).
//!
//! # Skipping checks
//!
//! A `# check=skip=...` directive skips rules in the whole file; such a comment right before
//! an instruction skips them for that instruction, as BuildKit reads it: only the first
//! `check=` comment counts, up to its first space, none above an empty `#` line, none that
//! is indented (BuildKit drops a comment's first character, not its indentation), and one
//! BuildKit cannot read (`skip=A;x=1`) skips nothing. A `CMD` overridden by a later one is
//! reported with the later one's comment. BuildKit runs five checks on the whole file, which
//! no such comment skips: `NoEmptyContinuation`, `ConsistentInstructionCasing`,
//! `ReservedStageName`, `DuplicateStageName` and `InvalidDefaultArgInFrom`; and no `skip=`
//! skips an experimental rule, which runs only where `experimental=` turns it on. A model's
//! comments ([`Stage::comment`](crate::Stage::comment)) are read as BuildKit reads them once
//! rendered.
//!
//! ```
//! let text = "FROM alpine:3.20\n\
//!             ## check=skip=MaintainerDeprecated,ConsistentInstructionCasing\n\
//!             maintainer Jane\n\
//!             ## check=skip=JSONArgsRecommended because it is a script\n\
//!             CMD ./run.sh\n\
//!             CMD ./again.sh\n";
//! let found: Vec<String> = dockerdsl::check(text)?
//!     .iter()
//!     .map(|l| format!("{}:{}", l.line().unwrap_or(0), l.rule()))
//!     .collect();
//! assert_eq!(
//!     found,
//!     ["3:ConsistentInstructionCasing", "5:MultipleInstructionsDisallowed", "6:JSONArgsRecommended"]
//! );
//! # Ok::<(), dockerdsl::ParseErrors>(())
//! ```
//!
//! # Stage references
//!
//! `StageNameTypo` is dockerdsl's own rule ([`Origin::Dockerdsl`]): a `COPY --from=`, a
//! mount's `from=` (also under `ONBUILD`) or a `FROM` that names no stage of the file, but is
//! one edit (names of up to five characters) or two from a stage name, and does not look like
//! an image (no `/`, `:`, `@` or `.`; not an index, a variable, `scratch` or `context`):
//! `COPY --from=buider` beside a stage `builder` gets "did you mean the stage 'builder'?".
//!
//! BuildKit cannot report it: for BuildKit, a `--from` value that is not a stage name *is* an
//! image reference (`buider` means `docker.io/library/buider:latest`), so the file is valid,
//! and its checks run without a registry (`docker build --check` does not pull), so nothing
//! tells it the image does not exist. The build then fails minutes later, at the pull, or
//! worse, succeeds with someone else's image of that name. Guessing intent from the
//! distance to a stage name is a heuristic BuildKit's checks avoid; here it is kept narrow
//! (a corpus of 267 real and test Dockerfiles has no finding of it).
//!
//! # Text after a JSON array
//!
//! `TextAfterJSONArgs` is dockerdsl's own rule too: `RUN`, `CMD`, `ENTRYPOINT`,
//! `HEALTHCHECK CMD`, `COPY`, `ADD` or `VOLUME` (also as an `ONBUILD` trigger) whose
//! arguments are a JSON array followed by more text. BuildKit 1.10 and later takes the JSON
//! form only when the whole text is one array; anything else is the shell form (or, for the
//! paths, words), so `CMD ["node", "app.js"] # start` runs `/bin/sh -c '["node",
//! "app.js"] # start'`, which fails when the container starts (a Dockerfile has no comments
//! at the end of a line). The frontends before 1.10 ran the array and dropped the rest, so
//! the same file changes meaning with the builder, and neither reading is likely what was
//! meant. BuildKit's own checks say only `JSONArgsRecommended` for the `CMD`, and nothing for
//! `RUN` or `COPY`.
//!
//! ```
//! let lints = dockerdsl::check("FROM alpine:3.20\nRUN [\"make\"] # build it\n")?;
//! assert_eq!(lints[0].rule(), dockerdsl::lint::Rule::TextAfterJsonArgs);
//! assert_eq!(
//!     lints[0].message(),
//!     "RUN has text after its JSON array (\"# build it\"): BuildKit 1.10 and later runs the \
//!      whole line in a shell, older frontends took the array alone"
//! );
//! # Ok::<(), dockerdsl::ParseErrors>(())
//! ```
//!
//! # Indented directives
//!
//! `IndentedDirective` is dockerdsl's own rule too: a `# check=` or `# syntax=` line that
//! BuildKit does not read because it is indented. BuildKit's parser takes an indented
//! directive at the top of the file as a directive, but its frontend, which takes the check
//! options and the frontend image from those lines, reads only lines that start with `#`
//! and stops at the first that does not: the line (and any directive after it) sets
//! nothing. A `# check=` comment right before an instruction that is indented is read with
//! its `#` and skips nothing. BuildKit says neither; its checks then run as if the line were
//! not there.
//!
//! ```
//! let text = "  # check=skip=JSONArgsRecommended\nFROM alpine:3.20\n  # check=skip=all\nCMD echo\n";
//! let lints: Vec<String> = dockerdsl::check(text)?
//!     .iter()
//!     .map(|l| format!("{}:{}", l.line().unwrap_or(0), l.rule()))
//!     .collect();
//! assert_eq!(lints, ["1:IndentedDirective", "3:IndentedDirective", "4:JSONArgsRecommended"]);
//! # Ok::<(), dockerdsl::ParseErrors>(())
//! ```
//!
//! # Agreement with BuildKit
//!
//! [`check`] is compared with BuildKit's own checker (`bklint`, BuildKit's
//! `DockerfileLint` run offline) on a corpus of 267 Dockerfiles and about 400 mutants a test
//! makes of them (`tests/integration/bklint.rs`): BuildKit accepts a file exactly when
//! `check` does, and every warning is reproduced with the same rule, line and message, 0
//! missing and 0 extra (the one difference listed there is an older parser's, which the test
//! asks whether `fmt` keeps a file's meaning).

mod model;
mod pragma;
mod stages;
mod vars;
mod written;

pub use pragma::HadolintPragmas;

use crate::error::Location;
use crate::model::dockerfile::{BuildChecks, Dockerfile};
use crate::parse::{ParseErrors, Parsed};
use std::fmt;

macro_rules! rules {
    ($(
        $(#[$doc:meta])*
        $variant:ident => $name:literal, $origin:ident, $url:expr, $description:literal,
        [$($code:literal),*];
    )*) => {
        /// A lint rule: one of BuildKit's build checks, or a hadolint rule.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($(#[$doc])* $variant,)*
        }

        impl Rule {
            /// Every rule, BuildKit's first.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The rule's name: BuildKit's check name (`StageNameCasing`), or hadolint's code
            /// (`DL3006`).
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// Where the rule is explained.
            pub fn url(self) -> &'static str {
                match self { $(Rule::$variant => $url,)* }
            }

            /// Whether BuildKit runs the rule only where `# check=experimental=...` turns
            /// it on; a `skip=` does not skip such a rule, as in BuildKit.
            ///
            /// ```
            /// use dockerdsl::Rule;
            ///
            /// let text = "ARG A\n# the version\nARG VERSION\nFROM alpine:3.20\n";
            /// assert!(dockerdsl::check(text)?.is_empty());
            ///
            /// let on = format!("# check=experimental=InvalidDefinitionDescription\n{text}");
            /// let lints = dockerdsl::check(&on)?;
            /// assert!(lints[0].rule().experimental());
            /// assert_eq!(
            ///     lints[0].message(),
            ///     "Comment for ARG should follow the format: `# VERSION <description>`"
            /// );
            /// # Ok::<(), dockerdsl::ParseErrors>(())
            /// ```
            pub fn experimental(self) -> bool {
                matches!(self, Rule::InvalidDefinitionDescription)
            }

            /// Whose rule this is.
            pub fn origin(self) -> Origin {
                match self { $(Rule::$variant => Origin::$origin,)* }
            }

            /// What the rule is about, in one sentence: BuildKit's own description of the
            /// check (what `docker build --call=check,format=json` prints as
            /// `description`), or hadolint's message for its rules.
            ///
            /// ```
            /// use dockerdsl::Rule;
            ///
            /// assert_eq!(Rule::StageNameCasing.description(), "Stage names should be lowercase");
            /// ```
            pub fn description(self) -> &'static str {
                match self { $(Rule::$variant => $description,)* }
            }

            /// The hadolint codes that name the same finding, which a `# hadolint ignore=...`
            /// pragma may list: the rule's own code for hadolint's rules, hadolint's
            /// equivalent for BuildKit's (`JSONArgsRecommended` is DL3025); empty when
            /// hadolint has none.
            ///
            /// ```
            /// use dockerdsl::Rule;
            ///
            /// assert_eq!(Rule::JsonArgsRecommended.hadolint_codes(), ["DL3025"]);
            /// assert_eq!(Rule::UntaggedImage.hadolint_codes(), ["DL3006"]);
            /// ```
            pub fn hadolint_codes(self) -> &'static [&'static str] {
                match self { $(Rule::$variant => &[$($code),*],)* }
            }
        }
    };
}

rules! {
    /// A stage name with upper-case letters.
    StageNameCasing => "StageNameCasing", BuildKit, "https://docs.docker.com/go/dockerfile/rule/stage-name-casing/",
        "Stage names should be lowercase",
        [];
    /// `FROM ... as x` or `from ... AS x`.
    FromAsCasing => "FromAsCasing", BuildKit, "https://docs.docker.com/go/dockerfile/rule/from-as-casing/",
        "The 'as' keyword should match the case of the 'from' keyword",
        [];
    /// An empty line inside a continued instruction.
    NoEmptyContinuation => "NoEmptyContinuation", BuildKit, "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/",
        "Empty continuation lines will become errors in a future release",
        [];
    /// Keywords in upper and lower case in one file.
    ConsistentInstructionCasing => "ConsistentInstructionCasing", BuildKit, "https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/",
        "All commands within the Dockerfile should use the same casing (either upper or lower)",
        [];
    /// Two stages with one name (compared case-insensitively).
    DuplicateStageName => "DuplicateStageName", BuildKit, "https://docs.docker.com/go/dockerfile/rule/duplicate-stage-name/",
        "Stage names should be unique",
        ["DL3024"];
    /// A stage named `scratch` or `context`.
    ReservedStageName => "ReservedStageName", BuildKit, "https://docs.docker.com/go/dockerfile/rule/reserved-stage-name/",
        "Reserved words should not be used as stage names",
        [];
    /// Shell-form `CMD` or `ENTRYPOINT` (hadolint DL3025).
    JsonArgsRecommended => "JSONArgsRecommended", BuildKit, "https://docs.docker.com/go/dockerfile/rule/json-args-recommended/",
        "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals",
        ["DL3025"];
    /// `MAINTAINER` (hadolint DL4000).
    MaintainerDeprecated => "MaintainerDeprecated", BuildKit, "https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/",
        "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
        ["DL4000"];
    /// A variable in `FROM` that is not a global `ARG`.
    UndefinedArgInFrom => "UndefinedArgInFrom", BuildKit, "https://docs.docker.com/go/dockerfile/rule/undefined-arg-in-from/",
        "FROM command must use declared ARGs",
        [];
    /// A relative `WORKDIR` before any absolute one.
    WorkdirRelativePath => "WorkdirRelativePath", BuildKit, "https://docs.docker.com/go/dockerfile/rule/workdir-relative-path/",
        "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes",
        ["DL3000"];
    /// A variable used before it is declared.
    UndefinedVar => "UndefinedVar", BuildKit, "https://docs.docker.com/go/dockerfile/rule/undefined-var/",
        "Variables should be defined before their use",
        [];
    /// Several `CMD`, `ENTRYPOINT` or `HEALTHCHECK` in one stage (hadolint DL4003, DL4004,
    /// DL3012).
    MultipleInstructionsDisallowed => "MultipleInstructionsDisallowed", BuildKit, "https://docs.docker.com/go/dockerfile/rule/multiple-instructions-disallowed/",
        "Multiple instructions of the same type should not be used in the same stage",
        ["DL4003", "DL4004", "DL3012"];
    /// `ENV key value` or `LABEL key value`.
    LegacyKeyValueFormat => "LegacyKeyValueFormat", BuildKit, "https://docs.docker.com/go/dockerfile/rule/legacy-key-value-format/",
        "Legacy key/value format with whitespace separator should not be used",
        [];
    /// `FROM --platform=$TARGETPLATFORM` (hadolint DL3065).
    RedundantTargetPlatform => "RedundantTargetPlatform", BuildKit, "https://docs.docker.com/go/dockerfile/rule/redundant-target-platform/",
        "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
        ["DL3065"];
    /// An `ARG` or `ENV` name that looks like a secret.
    SecretsUsedInArgOrEnv => "SecretsUsedInArgOrEnv", BuildKit, "https://docs.docker.com/go/dockerfile/rule/secrets-used-in-arg-or-env/",
        "Sensitive data should not be used in the ARG or ENV commands",
        [];
    /// A base image that is empty or invalid with the `ARG` defaults.
    InvalidDefaultArgInFrom => "InvalidDefaultArgInFrom", BuildKit, "https://docs.docker.com/go/dockerfile/rule/invalid-default-arg-in-from/",
        "Default value for global ARG results in an empty or invalid base image name",
        [];
    /// A constant `FROM --platform` (hadolint DL3029).
    FromPlatformFlagConstDisallowed => "FromPlatformFlagConstDisallowed", BuildKit, "https://docs.docker.com/go/dockerfile/rule/from-platform-flag-const-disallowed/",
        "FROM --platform flag should not use a constant value",
        ["DL3029"];
    /// `EXPOSE 80/TCP`.
    ExposeProtoCasing => "ExposeProtoCasing", BuildKit, "https://docs.docker.com/go/dockerfile/rule/expose-proto-casing/",
        "Protocol in EXPOSE instruction should be lowercase",
        [];
    /// `EXPOSE` with an IP address or a host port.
    ExposeInvalidFormat => "ExposeInvalidFormat", BuildKit, "https://docs.docker.com/go/dockerfile/rule/expose-invalid-format/",
        "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release",
        [];
    /// A `COPY`/`ADD` source that the `.dockerignore` excludes.
    CopyIgnoredFile => "CopyIgnoredFile", BuildKit, "https://docs.docker.com/go/dockerfile/rule/copy-ignored-file/",
        "Attempting to Copy file that is excluded by .dockerignore",
        [];
    /// A comment right before an `ARG` or a named `FROM` that does not start with the name
    /// it would describe (experimental in BuildKit: reported only where the file's
    /// `# check=experimental=...` turns it on).
    InvalidDefinitionDescription => "InvalidDefinitionDescription", BuildKit, "https://docs.docker.com/go/dockerfile/rule/invalid-definition-description/",
        "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.",
        [];
    /// hadolint DL3006: a base image without a tag.
    UntaggedImage => "DL3006", Hadolint, "https://github.com/hadolint/hadolint/wiki/DL3006",
        "Always tag the version of an image explicitly",
        ["DL3006"];
    /// hadolint DL3007: a base image tagged `latest`.
    LatestTag => "DL3007", Hadolint, "https://github.com/hadolint/hadolint/wiki/DL3007",
        "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag",
        ["DL3007"];
    /// hadolint DL3002: the image runs as root.
    LastUserRoot => "DL3002", Hadolint, "https://github.com/hadolint/hadolint/wiki/DL3002",
        "Last USER should not be root",
        ["DL3002"];
    /// hadolint DL3045: `COPY` to a relative destination without `WORKDIR`.
    CopyRelativeWithoutWorkdir => "DL3045", Hadolint, "https://github.com/hadolint/hadolint/wiki/DL3045",
        "`COPY` to a relative destination without `WORKDIR` set.",
        ["DL3045"];
    /// dockerdsl's own: a `--from`, mount `from=` or `FROM` that names no stage of the file
    /// but is a stage name misspelt (`--from=buider` beside a stage `builder`). See
    /// ["Stage references"](self#stage-references).
    StageNameTypo => "StageNameTypo", Dockerdsl, "https://docs.rs/dockerdsl/latest/dockerdsl/lint/index.html#stage-references",
        "A stage reference that names no stage but is a stage name misspelt is pulled as an image",
        [];
    /// dockerdsl's own: text after the JSON array of an instruction that takes the JSON form
    /// (`CMD ["node", "app.js"] # start`). See
    /// ["Text after a JSON array"](self#text-after-a-json-array).
    TextAfterJsonArgs => "TextAfterJSONArgs", Dockerdsl, "https://docs.rs/dockerdsl/latest/dockerdsl/lint/index.html#text-after-a-json-array",
        "Text after a JSON array makes BuildKit read the whole line as the shell form, where older frontends read the array alone",
        [];
    /// dockerdsl's own: an indented `# check=` or `# syntax=` line, which BuildKit does not
    /// read as one (so it skips nothing, or picks no frontend). See
    /// ["Indented directives"](self#indented-directives).
    IndentedDirective => "IndentedDirective", Dockerdsl, "https://docs.rs/dockerdsl/latest/dockerdsl/lint/index.html#indented-directives",
        "An indented `# check=` or `# syntax=` line is not read by BuildKit: write it at the start of the line",
        [];
}

/// Whose rule a [`Rule`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// One of BuildKit's build checks (`docker build --check`).
    BuildKit,
    /// A hadolint rule.
    Hadolint,
    /// A rule of dockerdsl's own.
    Dockerdsl,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One warning: which rule, what, and where.
///
/// ```
/// use dockerdsl::{Command, Dockerfile, Rule, Stage};
///
/// let app = Stage::from_image("app", "alpine:3.20").cmd(Command::shell("exec app"));
/// let lints = Dockerfile::new(&app)?.lint();
/// assert_eq!(lints.len(), 1);
/// assert_eq!(lints[0].rule(), Rule::JsonArgsRecommended);
/// assert_eq!(
///     lints[0].to_string(),
///     "warning[JSONArgsRecommended]: JSON arguments recommended for CMD to prevent \
///      unintended behavior related to OS signals\n  \
///      --> stage `app`, instruction 1 (CMD)\n  \
///      = see https://docs.docker.com/go/dockerfile/rule/json-args-recommended/",
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    rule: Rule,
    message: String,
    location: Location,
    line: Option<usize>,
    column: Option<usize>,
    /// Set for a parsed file's lints by [`Linter::lint_parsed`], from the instruction.
    end_line: Option<usize>,
}

impl Lint {
    /// The rule.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// What is wrong. For BuildKit's checks, BuildKit's own words (so they start with a
    /// capital letter, unlike this crate's errors).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where: the stage and instruction (global `ARG`s have no stage).
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The line in the file, from 1, when the Dockerfile was parsed from text.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The column of the instruction's keyword, from 1, when the Dockerfile was parsed from
    /// text: with [`line`](Lint::line), what `FILE:LINE:COL: warning[Rule]: ...` shows.
    pub fn column(&self) -> Option<usize> {
        self.column
    }

    /// The last line of the instruction the lint is about (its last continuation line or
    /// heredoc terminator), from 1, when the Dockerfile was parsed from text: with
    /// [`line`](Lint::line), the range an editor or a code-scanning report underlines.
    ///
    /// ```
    /// use dockerdsl::Rule;
    ///
    /// let text = "FROM alpine:3.20\nrun echo \\\n    hi\nCMD echo hi\n";
    /// let lints = dockerdsl::check(text)?;
    /// let at = |rule| {
    ///     let lint = lints.iter().find(|l| l.rule() == rule).unwrap();
    ///     (lint.line(), lint.end_line())
    /// };
    /// // `run` is on lines 2 and 3, `CMD` on line 4 only.
    /// assert_eq!(at(Rule::ConsistentInstructionCasing), (Some(2), Some(3)));
    /// assert_eq!(at(Rule::JsonArgsRecommended), (Some(4), Some(4)));
    /// # Ok::<(), dockerdsl::ParseErrors>(())
    /// ```
    ///
    /// A lint of a model (not read from text) has no lines:
    ///
    /// ```
    /// use dockerdsl::{Command, Dockerfile, Stage};
    ///
    /// let app = Stage::from_image("app", "alpine:3.20").cmd(Command::shell("exec app"));
    /// let lint = &Dockerfile::new(&app)?.lint()[0];
    /// assert_eq!((lint.line(), lint.end_line()), (None, None));
    /// # Ok::<(), dockerdsl::Error>(())
    /// ```
    pub fn end_line(&self) -> Option<usize> {
        self.end_line
    }
}

/// Several lines, as rustc writes a warning: the rule and the message, where, and the rule's
/// page. The alternate form (`{:#}`) is one line, `RULE: where: message`, for a build
/// script's `cargo:warning=`, which shows one line:
///
/// ```
/// use dockerdsl::{Dockerfile, Stage};
///
/// let app = Stage::from_image("app", "alpine").cmd(["/app"]);
/// let lint = &Dockerfile::new(&app)?.lint()[0];
/// assert_eq!(
///     format!("{lint:#}"),
///     "DL3006: stage `app`: Always tag the version of an image explicitly"
/// );
/// assert_eq!(
///     lint.to_string(),
///     "warning[DL3006]: Always tag the version of an image explicitly\n  \
///        --> stage `app`\n  \
///        = see https://github.com/hadolint/hadolint/wiki/DL3006"
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location.to_string();
        if f.alternate() {
            write!(f, "{}: ", self.rule.name())?;
            match (loc.is_empty(), self.line) {
                (false, Some(line)) => write!(f, "{loc}, line {line}: ")?,
                (false, None) => write!(f, "{loc}: ")?,
                (true, Some(line)) => write!(f, "line {line}: ")?,
                (true, None) => {}
            }
            // A message is one line; a newline in one would split cargo's warning.
            return f.write_str(&self.message.replace(['\n', '\r'], " "));
        }
        write!(f, "warning[{}]: {}", self.rule.name(), self.message)?;
        match (loc.is_empty(), self.line) {
            (false, Some(line)) => write!(f, "\n  --> {loc}, line {line}")?,
            (false, None) => write!(f, "\n  --> {loc}")?,
            (true, Some(line)) => write!(f, "\n  --> line {line}")?,
            (true, None) => {}
        }
        write!(f, "\n  = see {}", self.rule.url())
    }
}

/// Reads a `.dockerignore` as BuildKit does, and reports each pattern it refuses, by line
/// and column. BuildKit fails every build of the context at the first: an unclosed `[`, a
/// range with one end (`[a-]`), a final `\`, a lone `!`.
///
/// ```
/// let errors = dockerdsl::lint::check_dockerignore("target\n*.[ch\n!\n").unwrap_err();
/// assert_eq!(
///     errors.to_string(),
///     "2:1: syntax error in pattern \"*.[ch\"\n  = help: close each `[` with `]`, give each \
///      range two ends (`[a-z]`), and write a literal `[`, `-`, `]` or a final `\\` as `\\[`, \
///      `\\-`, `\\]`, `\\\\`\n3:1: illegal exclusion pattern: \"!\"\n  = help: a `!` needs a \
///      pattern after it: `!README.md`\n"
/// );
/// assert!(dockerdsl::lint::check_dockerignore("**/*.log\n!keep.log\n").is_ok());
/// ```
pub fn check_dockerignore(text: &str) -> Result<(), ParseErrors> {
    let (_, refused) = crate::dockerignore::Patterns::read(text);
    if refused.is_empty() {
        return Ok(());
    }
    Err(ParseErrors::new(
        refused
            .into_iter()
            .map(|r| crate::parse::Diagnostic::new(r.line, r.column, r.message).with_help(r.help))
            .collect(),
    ))
}

/// Lints with options: a `.dockerignore` to check `COPY` sources against.
///
/// ```
/// use dockerdsl::{Dockerfile, Linter, Rule, Stage};
///
/// let app = Stage::from_image("app", "alpine:3.20").workdir("/app").copy("secrets.env", ".");
/// let df = Dockerfile::new(&app)?;
/// let lints = Linter::new().dockerignore("*.env\n").lint(&df);
/// assert_eq!(lints[0].rule(), Rule::CopyIgnoredFile);
/// assert_eq!(
///     lints[0].message(),
///     "Attempting to Copy file \"secrets.env\" that is excluded by .dockerignore"
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "a linter does nothing until `.lint(..)` is called"]
pub struct Linter<'a> {
    dockerignore: Option<&'a str>,
}

impl<'a> Linter<'a> {
    /// The default lints: what [`Dockerfile::lint`] runs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks `COPY`/`ADD` sources from the build context against the text of a
    /// `.dockerignore` (BuildKit's `CopyIgnoredFile`), its patterns matched as BuildKit
    /// matches them (`[!a]` is no negation there, `**.pyc` matches `a/b.pyc`). As BuildKit
    /// does, the check is skipped when the file has exceptions (`!pattern`), which make a
    /// static answer unreliable, and a file BuildKit refuses ([`check_dockerignore`]) gives
    /// no answer.
    pub fn dockerignore(mut self, text: &'a str) -> Self {
        self.dockerignore = Some(text);
        self
    }

    /// Every lint of `dockerfile`, in file order, without the rules its `# check=skip=...`
    /// directive skips.
    #[must_use]
    pub fn lint(&self, dockerfile: &Dockerfile) -> Vec<Lint> {
        let found = model::lints(dockerfile, self.dockerignore, None, None);
        skip_checked(dockerfile, found)
    }

    /// Every lint of a parsed file, by line: the model's lints, each with its line, and the
    /// ones about how the file is written (keyword casing, `FROM ... as`, `ENV k v`,
    /// `MAINTAINER`, empty continuation lines, `EXPOSE` protocols).
    ///
    /// ```
    /// use dockerdsl::Linter;
    ///
    /// let parsed = dockerdsl::parse("FROM alpine:3.20 as build\nENV A 1\ncmd echo $A\n")?;
    /// let lints: Vec<String> = Linter::new()
    ///     .lint_parsed(&parsed)
    ///     .iter()
    ///     .map(|l| format!("{}:{}", l.line().unwrap_or(0), l.rule()))
    ///     .collect();
    /// assert_eq!(
    ///     lints,
    ///     ["1:FromAsCasing", "2:LegacyKeyValueFormat", "3:JSONArgsRecommended", "3:ConsistentInstructionCasing"]
    /// );
    /// # Ok::<(), dockerdsl::ParseErrors>(())
    /// ```
    #[must_use]
    pub fn lint_parsed(&self, parsed: &Parsed) -> Vec<Lint> {
        let lines = written::lines(parsed);
        let names = written::written_names(parsed);
        let mut found = model::lints(
            parsed.dockerfile(),
            self.dockerignore,
            Some(&lines),
            Some(&names),
        );
        found.extend(written::lints(parsed));
        found.sort_by_key(|l| l.line.unwrap_or(usize::MAX));
        let instructions = parsed.instructions();
        for lint in &mut found {
            // The instruction the line is in: the last one starting on or before it (an
            // empty continuation line is reported below its keyword's line).
            lint.end_line = lint.line.map(|line| {
                let after = instructions.partition_point(|i| i.line() <= line);
                after
                    .checked_sub(1)
                    .and_then(|at| instructions.get(at))
                    .map_or(line, |i| i.end_line().max(line))
            });
        }
        skip_checked(parsed.dockerfile(), found)
    }
}

/// Whether a `# check=skip=...` comment right before an instruction skips `rule` there.
/// BuildKit runs five checks on the whole file, where no such comment applies: the empty
/// continuation lines, the keywords' casing, the stage names (reserved, duplicate) and the
/// bases with the `ARG` defaults.
fn skipped(skip: Option<&BuildChecks>, rule: Rule) -> bool {
    let whole_file = matches!(
        rule,
        Rule::NoEmptyContinuation
            | Rule::ConsistentInstructionCasing
            | Rule::ReservedStageName
            | Rule::DuplicateStageName
            | Rule::InvalidDefaultArgInFrom
    );
    !whole_file && !rule.experimental() && skip.is_some_and(|s| s.skips(rule.name()))
}

/// BuildKit's `InvalidDefinitionDescription`, for an `ARG` or a `FROM` (`instruction`) that
/// defines `keys` after comments whose last one starts with `word`: the message, when the
/// word is no key.
fn invalid_description(instruction: &str, keys: &[&str], word: &str) -> Option<String> {
    let example = match keys {
        [] => return None,
        [key] => key,
        _ => "<arg_key>",
    };
    (!keys.contains(&word)).then(|| {
        format!("Comment for {instruction} should follow the format: `# {example} <description>`")
    })
}

/// Whether an experimental rule runs for an instruction: turned on for the file, or by a
/// `# check=` comment right before it.
fn experimental(file: Option<&BuildChecks>, comment: Option<&BuildChecks>, rule: Rule) -> bool {
    [file, comment]
        .into_iter()
        .flatten()
        .any(|c| c.enables(rule.name()))
}

/// Drops what the `# check=skip=...` directive skips.
fn skip_checked(dockerfile: &Dockerfile, mut found: Vec<Lint>) -> Vec<Lint> {
    if let Some(checks) = dockerfile.checks() {
        found.retain(|l| l.rule.experimental() || !checks.skips(l.rule.name()));
    }
    found
}

/// Every finding on a Dockerfile's text, as `dockerdsl check` reports them: BuildKit's build
/// checks (same rule, line and message as `docker build --check`), the hadolint rules above,
/// and dockerdsl's own ([`Rule::StageNameTypo`], [`Rule::TextAfterJsonArgs`],
/// [`Rule::IndentedDirective`]), in line order. `Err` only when BuildKit itself refuses the file
/// (with its reason and line): a file the typed model cannot hold (two stages with one name, a
/// stage named `scratch`, `EXPOSE 8080:80`, `FROM img:$UNDECLARED`) is checked all the same.
///
/// ```
/// let text = "FROM golang:1.23 as builder\nRUN go build -o /app .\n\
///             FROM golang:1.23 AS builder\nFROM alpine:3.20\nCOPY --from=buider /app /app\n";
/// let found: Vec<String> = dockerdsl::check(text)?
///     .iter()
///     .map(|l| format!("{}:{}", l.line().unwrap_or(0), l.rule()))
///     .collect();
/// assert_eq!(found, ["1:FromAsCasing", "3:DuplicateStageName", "5:StageNameTypo"]);
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
pub fn check(text: &str) -> Result<Vec<Lint>, ParseErrors> {
    Linter::new().check(text)
}

impl Linter<'_> {
    /// [`check`] with this linter's options (a `.dockerignore`).
    pub fn check(&self, text: &str) -> Result<Vec<Lint>, ParseErrors> {
        let parsed = crate::parse::lower(text, true)?;
        Ok(self.lint_parsed(&parsed))
    }
}

impl Parsed {
    /// The lints of a parsed file, each with its line: see [`Linter::lint_parsed`].
    #[must_use]
    pub fn lint(&self) -> Vec<Lint> {
        Linter::new().lint_parsed(self)
    }
}

impl Dockerfile {
    /// BuildKit's build checks and hadolint's structural rules on this Dockerfile, in file
    /// order; see the [`lint`](crate::lint) module for what each rule reports. A lint is a
    /// warning: the Dockerfile is valid and builds.
    ///
    /// ```
    /// use dockerdsl::{Dockerfile, Rule, Stage};
    ///
    /// let app = Stage::from_image("app", "alpine:latest").workdir("app").user("root");
    /// let rules: Vec<_> = Dockerfile::new(&app)?.lint().iter().map(|l| l.rule()).collect();
    /// assert_eq!(rules, [Rule::LatestTag, Rule::WorkdirRelativePath, Rule::LastUserRoot]);
    /// # Ok::<(), dockerdsl::Error>(())
    /// ```
    #[must_use]
    pub fn lint(&self) -> Vec<Lint> {
        Linter::new().lint(self)
    }
}
