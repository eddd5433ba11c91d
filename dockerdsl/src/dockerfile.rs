//! The `Dockerfile`: the stages reachable from its targets, validated, in canonical order.

use crate::error::{Error, Problem};
use crate::instruction::{Arg, Instruction};
use crate::render;
use crate::source::Source;
use crate::stage::{Base, Stage};
use crate::validate;
use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use std::fmt;

/// The starting size of the buffer `Display` renders each stage into (a stage is a few KB).
const STAGE_BUFFER: usize = 4096;

/// The `# syntax=` line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
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

    /// The directive's value, as after `# check=`.
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

    /// Whether the directive skips the check `rule`.
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
    syntax: Syntax,
    escape: Escape,
    checks: Option<BuildChecks>,
    args: Vec<Arg>,
    arg_comments: Vec<(usize, String)>,
    stages: Vec<Stage>,
    compat: bool,
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

    /// The text for older builders (such as buildah 1.28 or Docker's classic builder), which
    /// read no heredocs and no `COPY --link`, or the problems that stop it. The canonical
    /// text (`Display`) is unchanged; [`DockerfileBuilder::compat`] makes a Dockerfile that
    /// renders this way from the start.
    ///
    /// What changes:
    ///
    /// - A multi-line `RUN` script becomes the exec form of the shell in effect (the last
    ///   `SHELL` of the stage or of the stages it is built on, else `/bin/sh -c`) with the
    ///   script as its one argument, which is what BuildKit runs for such a heredoc. A
    ///   stage on an image whose configuration sets another shell would need a `SHELL`
    ///   instruction to say so.
    /// - `--link` is dropped from `COPY` and `ADD`: it changes how a layer is made and
    ///   cached, not the files.
    ///
    /// What is refused, with the stage and instruction: an inline file (`COPY <<EOF`), a
    /// script that starts with `#!` (BuildKit runs it with that interpreter), a script in
    /// `ONBUILD` (the shell of the image that triggers it is not known), and
    /// `RUN --network` (which older builders do not read, and which cannot be dropped
    /// without changing what the step may do).
    ///
    /// ```
    /// use dockerdsl::{Copy, Dockerfile, Stage, Syntax};
    ///
    /// let app = Stage::from_image("app", "debian:bookworm-slim")
    ///     .run("set -e\napt-get update\napt-get install -y curl")
    ///     .push(Copy::new("app.sh", "/usr/local/bin/").link());
    /// let df = Dockerfile::builder().syntax(Syntax::Omitted).target(&app).build()?;
    /// assert_eq!(
    ///     df.render_compat()?,
    ///     "FROM debian:bookworm-slim AS app\n\
    ///      RUN [\"/bin/sh\", \"-c\", \"set -e\\napt-get update\\napt-get install -y curl\"]\n\
    ///      COPY app.sh /usr/local/bin/\n"
    /// );
    ///
    /// let inline = Stage::from_image("app", "alpine:3.20").push(Copy::inline("x\n", "/x"));
    /// let err = Dockerfile::new(&inline)?.render_compat().unwrap_err();
    /// assert!(err.to_string().starts_with("stage `app`, instruction 1 (COPY), source: "));
    /// # Ok::<(), dockerdsl::Error>(())
    /// ```
    pub fn render_compat(&self) -> Result<String, Error> {
        let mut problems = Vec::new();
        validate::compat(self, &mut problems);
        if !problems.is_empty() {
            return Err(Error::new(problems));
        }
        let mut out = String::new();
        let Ok(()) = render::dockerfile_with(self, true, &mut out, |_| Ok::<(), Infallible>(()));
        Ok(out)
    }
}

impl fmt::Display for Dockerfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Each stage goes out as soon as it is written, from a buffer that stays small.
        let mut buf = String::with_capacity(STAGE_BUFFER);
        render::dockerfile_with(self, self.compat, &mut buf, |buf| {
            f.write_str(buf)?;
            buf.clear();
            Ok(())
        })
    }
}

/// Builds a [`Dockerfile`] with options; see [`Dockerfile::builder`].
#[derive(Debug, Clone, Default)]
pub struct DockerfileBuilder {
    syntax: Syntax,
    escape: Escape,
    checks: Option<BuildChecks>,
    args: Vec<Arg>,
    arg_comments: Vec<(usize, String)>,
    targets: Vec<Stage>,
    compat: bool,
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

    /// Checks everything and returns the Dockerfile, or every problem found.
    pub fn build(self) -> Result<Dockerfile, Error> {
        let mut problems = Vec::new();
        if self.targets.is_empty() {
            problems.push(Problem::stage(
                None,
                "the Dockerfile has no target stage".into(),
                "add one with `.target(&stage)`".into(),
            ));
        }
        let stages = order(&self.targets, &mut problems);
        let df = Dockerfile {
            syntax: self.syntax,
            escape: self.escape,
            checks: self.checks,
            args: self.args,
            arg_comments: self.arg_comments,
            stages,
            compat: self.compat,
        };
        validate::dockerfile(&df, &mut problems);
        if problems.is_empty() {
            Ok(df)
        } else {
            Err(Error::new(problems))
        }
    }
}

/// The stages a stage depends on, in the order they appear in it: its base first.
pub(crate) fn dependencies(stage: &Stage) -> Vec<&Stage> {
    let mut deps = Vec::new();
    if let Base::Stage(s) = stage.base() {
        deps.push(s);
    }
    for i in stage.instructions() {
        for src in Instruction::sources(i) {
            if let Source::Stage(s) = src {
                deps.push(s);
            }
        }
    }
    deps
}

/// Depth-first post-order from the targets, following each stage's dependencies in order.
/// Iterative, so that long chains of stages cannot overflow the stack.
fn order(targets: &[Stage], problems: &mut Vec<Problem>) -> Vec<Stage> {
    let mut graph = Graph::default();
    let mut out: Vec<Stage> = Vec::new();
    for target in targets {
        // (stage, its dependencies, how many were visited, whether it is written out)
        let mut stack: Vec<(&Stage, Vec<&Stage>, usize, bool)> = Vec::new();
        if let Some(emit) = graph.visit(target, problems) {
            stack.push((target, dependencies(target), 0, emit));
        }
        while let Some((stage, deps, next, emit)) = stack.last_mut() {
            if let Some(dep) = deps.get(*next).copied() {
                *next += 1;
                if let Some(emit) = graph.visit(dep, problems) {
                    stack.push((dep, dependencies(dep), 0, emit));
                }
            } else {
                if *emit {
                    out.push((*stage).clone());
                }
                stack.pop();
            }
        }
    }
    if let (Some(last), Some(last_out)) = (targets.last(), out.last()) {
        if last.name() != last_out.name() {
            let dependent = out
                .iter()
                .find(|s| dependencies(s).iter().any(|d| d.name() == last.name()))
                .map_or(String::new(), |s| s.name().to_owned());
            problems.push(Problem::stage(
                Some(last.name()),
                format!(
                    "the last target `{}` cannot be the last stage: stage `{dependent}` depends on it",
                    last.name()
                ),
                format!("give `{dependent}` as the last target, or drop it from the targets"),
            ));
        }
    }
    out
}

/// What the walk has seen: each stage value once, and the first stage of each name.
#[derive(Default)]
struct Graph<'a> {
    by_name: BTreeMap<&'a str, &'a Stage>,
    values: BTreeSet<usize>,
    reported: Vec<(String, String)>,
}

impl<'a> Graph<'a> {
    /// Whether to walk into `stage`, and if so whether it is written out: `None` for a value
    /// already walked or a name clash (reported once per pair), `Some(true)` for a new name,
    /// `Some(false)` for another value equal to the stage of its name (it is not written
    /// again, but its own references are still checked for clashes).
    ///
    /// Two stages are equal when they render the same: references show as names, so the
    /// comparison needs no recursion, and the references are compared as the walk reaches
    /// them.
    fn visit(&mut self, stage: &'a Stage, problems: &mut Vec<Problem>) -> Option<bool> {
        if !self.values.insert(stage.id()) {
            return None;
        }
        let Some(first) = self.by_name.get(stage.name()).copied() else {
            self.by_name.insert(stage.name(), stage);
            return Some(true);
        };
        if render::stage_source(first) == render::stage_source(stage) {
            return Some(false);
        }
        let describe = |s: &Stage| match s.base() {
            Base::Scratch => "one from scratch".to_owned(),
            Base::Image(i) => format!("one from `{i}`"),
            Base::Stage(b) => format!("one from stage `{}`", b.name()),
            Base::Context(c) => format!("one from context `{}`", c.name()),
        };
        let (a, b) = (describe(first), describe(stage));
        let key = (a.clone(), b.clone());
        if !self.reported.contains(&key) {
            self.reported.push(key);
            let detail = if a == b {
                format!(
                    "{a} with {} instructions, {b} with {}",
                    first.instructions().len(),
                    stage.instructions().len()
                )
            } else {
                format!("{a}, {b}")
            };
            problems.push(Problem::stage(
                Some(stage.name()),
                format!(
                    "two different stages are named `{}` ({detail})",
                    stage.name()
                ),
                "give each stage its own name, e.g. with `.rename(..)`".into(),
            ));
        }
        None
    }
}
