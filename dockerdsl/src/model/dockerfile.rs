//! The `Dockerfile`: the stages reachable from its targets, validated, in canonical order.

use crate::error::Error;
use crate::model::instruction::Arg;
use crate::model::stage::Stage;

/// The `# syntax=` line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Syntax {
    /// `# syntax=docker/dockerfile:1`: the newest stable 1.x frontend (the default).
    #[default]
    Stable,
    /// `# syntax=docker/dockerfile:1.N`: a pinned frontend. Making the `Dockerfile` fails when
    /// a feature it uses needs a newer one.
    Minor(u32),
    /// No syntax line: the builder's built-in frontend is used.
    Omitted,
    /// Any other frontend image, such as `docker/dockerfile:1-labs` or
    /// `docker/dockerfile-upstream:master` (checked as an image reference).
    Frontend(String),
}

/// The `# escape=` directive: the character that continues lines and escapes in words.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Escape {
    /// `\`, the default.
    #[default]
    Backslash,
    /// `` ` ``, common for Windows paths (rendered as `` # escape=` ``).
    Backtick,
}

impl Escape {
    pub(crate) fn char(self) -> char {
        match self {
            Escape::Backslash => '\\',
            Escape::Backtick => '`',
        }
    }
}

/// The `# check=` directive: which of BuildKit's build checks to skip, and whether a
/// warning fails the build.
///
/// ```
/// use dockerdsl::BuildChecks;
///
/// let checks = BuildChecks::new().skip("JSONArgsRecommended").error(true);
/// assert_eq!(checks.directive(), "skip=JSONArgsRecommended;error=true");
/// assert_eq!(BuildChecks::new().skip_all().directive(), "skip=all");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed checks, which are lost unless used"]
pub struct BuildChecks {
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub(crate) skip: Vec<String>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub(crate) skip_all: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) error: Option<bool>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub(crate) experimental: Vec<String>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub(crate) experimental_all: bool,
}

/// The options as BuildKit read them from a `# check=` directive or comment, empty rule
/// names (`skip=A,,B`) left out.
impl From<crate::rules::CheckOptions<'_>> for BuildChecks {
    fn from(options: crate::rules::CheckOptions<'_>) -> Self {
        let names = |names: Vec<&str>| {
            names
                .into_iter()
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect()
        };
        BuildChecks {
            skip: names(options.skip),
            skip_all: options.skip_all,
            error: options.error,
            experimental: names(options.experimental),
            experimental_all: options.experimental_all,
        }
    }
}

impl BuildChecks {
    /// No option set (renders as nothing until one is).
    pub fn new() -> Self {
        Self::default()
    }

    /// Skip the check `rule`.
    pub fn skip(mut self, rule: impl Into<String>) -> Self {
        self.skip.push(rule.into());
        self
    }

    /// Skip every check.
    pub fn skip_all(mut self) -> Self {
        self.skip_all = true;
        self
    }

    /// Make any warning fail the build.
    pub fn error(mut self, error: bool) -> Self {
        self.error = Some(error);
        self
    }

    /// Enable the experimental check `rule`.
    pub fn experimental(mut self, rule: impl Into<String>) -> Self {
        self.experimental.push(rule.into());
        self
    }

    /// Enable every experimental check.
    pub fn experimental_all(mut self) -> Self {
        self.experimental_all = true;
        self
    }

    /// Whether the directive makes warnings fail the build (`error=true`): BuildKit then
    /// fails `docker build` on any of its checks, and `dockerdsl check` reports them as
    /// errors.
    ///
    /// ```
    /// use dockerdsl::BuildChecks;
    ///
    /// assert!(BuildChecks::new().error(true).warnings_are_errors());
    /// assert!(!BuildChecks::new().error(false).warnings_are_errors());
    /// assert!(!BuildChecks::new().warnings_are_errors());
    /// ```
    pub fn warnings_are_errors(&self) -> bool {
        self.error == Some(true)
    }

    /// The directive's value, as after `# check=`.
    #[must_use]
    pub fn directive(&self) -> String {
        let mut parts = Vec::new();
        if self.skip_all {
            parts.push("skip=all".to_owned());
        } else if !self.skip.is_empty() {
            parts.push(format!("skip={}", self.skip.join(",")));
        }
        if let Some(e) = self.error {
            parts.push(format!("error={e}"));
        }
        if self.experimental_all {
            parts.push("experimental=all".to_owned());
        } else if !self.experimental.is_empty() {
            parts.push(format!("experimental={}", self.experimental.join(",")));
        }
        parts.join(";")
    }

    pub(crate) fn rules(&self) -> impl Iterator<Item = &str> {
        self.skip
            .iter()
            .chain(&self.experimental)
            .map(String::as_str)
    }

    /// Whether the checks turn on the experimental check `rule`.
    pub(crate) fn enables(&self, rule: &str) -> bool {
        self.experimental_all || self.experimental.iter().any(|s| s == rule)
    }

    /// Whether the checks skip the check `rule`.
    pub(crate) fn skips(&self, rule: &str) -> bool {
        self.skip_all || self.skip.iter().any(|s| s == rule)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.directive().is_empty()
    }
}

/// A valid multi-stage Dockerfile: the stages reachable from its targets, each once,
/// dependencies first, the default target last.
///
/// Making one checks everything and reports every problem at once; after that, rendering
/// cannot fail: `Display` writes the canonical text.
///
/// ```
/// use dockerdsl::{Arg, Dockerfile, Stage, Syntax};
///
/// let base = Stage::from_image("base", "alpine:${ALPINE}").run("apk add --no-cache curl");
/// let app = Stage::from_stage("app", &base).cmd(["curl", "--version"]);
/// let df = Dockerfile::builder()
///     .syntax(Syntax::Minor(7))
///     .arg(Arg::new("ALPINE").default("3.20"))
///     .target(&app)
///     .build()?;
/// assert_eq!(
///     df.to_string(),
///     "# syntax=docker/dockerfile:1.7\n\
///      \n\
///      ARG ALPINE=3.20\n\
///      \n\
///      FROM alpine:${ALPINE} AS base\n\
///      RUN apk add --no-cache curl\n\
///      \n\
///      FROM base AS app\n\
///      CMD [\"curl\", \"--version\"]\n"
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub(crate) syntax: Syntax,
    pub(crate) escape: Escape,
    pub(crate) checks: Option<BuildChecks>,
    pub(crate) args: Vec<Arg>,
    pub(crate) arg_comments: Vec<(usize, String)>,
    pub(crate) stages: Vec<Stage>,
    pub(crate) compat: bool,
}

impl Dockerfile {
    /// The Dockerfile that builds `target` (and what it needs), with the default header.
    pub fn new(target: &Stage) -> Result<Dockerfile, Error> {
        Dockerfile::builder().target(target).build()
    }

    /// Options: header, global ARGs, several targets.
    pub fn builder() -> DockerfileBuilder {
        DockerfileBuilder::default()
    }

    /// The stages, in the order they are rendered.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The global ARGs (before the first `FROM`).
    pub fn args(&self) -> &[Arg] {
        &self.args
    }

    /// The `# syntax=` line.
    pub fn syntax(&self) -> Syntax {
        self.syntax.clone()
    }

    /// Comments among the global ARGs: each with the number of ARGs before it.
    pub fn arg_comments(&self) -> &[(usize, String)] {
        &self.arg_comments
    }

    /// The escape character.
    pub fn escape(&self) -> Escape {
        self.escape
    }

    /// The `# check=` directive, when set.
    pub fn checks(&self) -> Option<&BuildChecks> {
        self.checks.as_ref()
    }

    /// Whether this Dockerfile renders for older builders
    /// ([`DockerfileBuilder::compat`]).
    pub fn is_compat(&self) -> bool {
        self.compat
    }
}

/// Builds a [`Dockerfile`] with options; see [`Dockerfile::builder`].
#[derive(Debug, Clone, Default)]
#[must_use = "a builder does nothing until `.build()` is called"]
pub struct DockerfileBuilder {
    pub(crate) syntax: Syntax,
    pub(crate) escape: Escape,
    pub(crate) checks: Option<BuildChecks>,
    pub(crate) args: Vec<Arg>,
    pub(crate) arg_comments: Vec<(usize, String)>,
    pub(crate) targets: Vec<Stage>,
    pub(crate) compat: bool,
}

impl DockerfileBuilder {
    /// The `# syntax=` line (default [`Syntax::Stable`]).
    pub fn syntax(mut self, syntax: Syntax) -> Self {
        self.syntax = syntax;
        self
    }

    /// The escape character (default backslash).
    pub fn escape(mut self, escape: Escape) -> Self {
        self.escape = escape;
        self
    }

    /// The `# check=` directive (syntax 1.8).
    pub fn checks(mut self, checks: BuildChecks) -> Self {
        self.checks = Some(checks).filter(|c| !c.is_empty());
        self
    }

    /// Render for older builders (default `false`): the Dockerfile's text (`Display`) is then
    /// that of [`Dockerfile::render_compat`], and [`build`](Self::build) also reports what
    /// cannot be written that way.
    ///
    /// ```
    /// use dockerdsl::{Copy, Dockerfile, Stage, Syntax};
    ///
    /// let app = Stage::from_image("app", "busybox:1.36")
    ///     .push(Copy::new("site/", "/www/").link());
    /// let df = Dockerfile::builder().syntax(Syntax::Omitted).compat(true).target(&app).build()?;
    /// assert_eq!(df.to_string(), "FROM busybox:1.36 AS app\nCOPY site/ /www/\n");
    /// # Ok::<(), dockerdsl::Error>(())
    /// ```
    pub fn compat(mut self, compat: bool) -> Self {
        self.compat = compat;
        self
    }

    /// A global `ARG`, usable in `FROM` lines (`alpine:${ALPINE}`); a stage that needs its
    /// value re-declares it with `.arg("NAME")`.
    pub fn arg(mut self, arg: impl Into<Arg>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// A comment line (or lines) before the next global `ARG` (or, after the last one,
    /// before the blank line that ends them).
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.arg_comments.push((self.args.len(), text.into()));
        self
    }

    /// A stage to build. The file holds every stage the targets need; the last target given
    /// is the last stage, so a plain `docker build` builds it.
    pub fn target(mut self, stage: &Stage) -> Self {
        self.targets.push(stage.clone());
        self
    }
}
