//! Instructions and their flags, one typed value each.

use crate::model::list::{Pairs, Paths, Ports, Texts};
use crate::model::mount::Mount;
use crate::model::source::{IntoSource, Source};
use crate::model::text::Text;
use crate::model::values::{Chmod, Network, Security, Signal};
use crate::rules::vocab::AUTOMATIC_ARGS;
use std::time::Duration;

/// One instruction of a stage, in the order written. (`FROM` is the stage itself.)
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Instruction {
    /// `RUN`.
    Run(Run),
    /// `CMD`.
    Cmd(Command),
    /// `ENTRYPOINT`.
    Entrypoint(Command),
    /// `SHELL ["exe", "arg", ...]`.
    Shell(Texts),
    /// `ENV key=value ...`.
    Env(Pairs),
    /// `LABEL key=value ...`.
    Label(Pairs),
    /// `ARG name[=default]`.
    Arg(Arg),
    /// `EXPOSE port ...`.
    Expose(Ports),
    /// `COPY`.
    Copy(Copy),
    /// `ADD`.
    Add(Add),
    /// `VOLUME ["path", ...]`.
    Volume(Texts),
    /// `USER user[:group]`.
    User(Text),
    /// `WORKDIR path`.
    Workdir(Text),
    /// `ONBUILD instruction`: runs when the image is used as a base.
    OnBuild(Box<Instruction>),
    /// `STOPSIGNAL signal`.
    StopSignal(Signal),
    /// `HEALTHCHECK`.
    Healthcheck(Healthcheck),
    /// `MAINTAINER name`: deprecated, rendered as the label
    /// `org.opencontainers.image.authors`.
    Maintainer(Text),
    /// A comment line (or lines) before the next instruction.
    Comment(Text),
}

impl Instruction {
    /// The keyword, upper-case, as rendered (`MAINTAINER` renders as `LABEL` but is named
    /// `MAINTAINER` here, as the user wrote it).
    pub fn keyword(&self) -> &'static str {
        match self {
            Instruction::Run(_) => "RUN",
            Instruction::Cmd(_) => "CMD",
            Instruction::Entrypoint(_) => "ENTRYPOINT",
            Instruction::Shell(_) => "SHELL",
            Instruction::Env(_) => "ENV",
            Instruction::Label(_) => "LABEL",
            Instruction::Arg(_) => "ARG",
            Instruction::Expose(_) => "EXPOSE",
            Instruction::Copy(_) => "COPY",
            Instruction::Add(_) => "ADD",
            Instruction::Volume(_) => "VOLUME",
            Instruction::User(_) => "USER",
            Instruction::Workdir(_) => "WORKDIR",
            Instruction::OnBuild(_) => "ONBUILD",
            Instruction::StopSignal(_) => "STOPSIGNAL",
            Instruction::Healthcheck(_) => "HEALTHCHECK",
            Instruction::Maintainer(_) => "MAINTAINER",
            Instruction::Comment(_) => "#",
        }
    }

    /// The stages, images and contexts this instruction takes files from, in order.
    pub fn sources(&self) -> Vec<&Source> {
        match self {
            Instruction::Copy(c) => c.from.iter().collect(),
            Instruction::Run(r) => r.mounts.iter().filter_map(Mount::source_ref).collect(),
            Instruction::OnBuild(inner) => inner.sources(),
            _ => Vec::new(),
        }
    }
}

impl Instruction {
    /// Moves out the stages this instruction refers to (see `StageData`'s `Drop`).
    #[inline]
    pub(crate) fn take_stages(&mut self, out: &mut Vec<crate::model::stage::Stage>) {
        match self {
            Instruction::Copy(c) => take_stage(&mut c.from, out),
            Instruction::Run(r) => {
                for m in &mut r.mounts {
                    match m {
                        Mount::Bind(b) => take_stage(&mut b.from, out),
                        Mount::Cache(c) => take_stage(&mut c.from, out),
                        _ => {}
                    }
                }
            }
            Instruction::OnBuild(inner) => inner.take_stages(out),
            _ => {}
        }
    }
}

#[inline]
fn take_stage(from: &mut Option<Source>, out: &mut Vec<crate::model::stage::Stage>) {
    if matches!(from, Some(Source::Stage(_))) {
        if let Some(Source::Stage(s)) = from.take() {
            out.push(s);
        }
    }
}

impl Mount {
    pub(crate) fn source_ref(&self) -> Option<&Source> {
        match self {
            Mount::Bind(b) => b.from.as_ref(),
            Mount::Cache(c) => c.from.as_ref(),
            _ => None,
        }
    }
}

/// The command of a `RUN`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RunCommand {
    /// Shell text. One line renders in shell form; text with newlines is a script and
    /// renders as a heredoc (`RUN <<EOF`), run by the default shell (or by its `#!` line).
    Shell(Text),
    /// Shell commands joined with `&&`, rendered one per line.
    Chain(Texts),
    /// A program and its arguments, without a shell (the JSON form).
    Exec(Texts),
    /// Shell text written over several lines, as a Dockerfile writes it with continuation
    /// lines: BuildKit runs the lines joined together (each line but the last is followed
    /// by the escape character, which is dropped). Lines whose first non-blank character is
    /// `#` are comments, which BuildKit skips.
    Lines(Texts),
    /// A command line that reads here-documents (`python3 <<EOF`, `<<A cat > a && <<B cat > b`),
    /// given to the shell with the documents' bodies after it. The `<<NAME` markers in
    /// `command` name the documents, in order.
    Heredocs {
        /// The command line, with its `<<NAME` markers as written.
        command: Text,
        /// The documents, in the order of their markers.
        heredocs: Vec<Heredoc>,
    },
}

/// A here-document: a body given inline, ended by a line equal to its name.
///
/// ```
/// use dockerdsl::{Copy, Dockerfile, Heredoc, Stage};
///
/// let s = Stage::from_image("s", "alpine:3.20").push(Copy::heredocs(
///     [Heredoc::new("EOF", "home=$HOME\n").expand()],
///     "/etc/app.conf",
/// ));
/// assert!(Dockerfile::new(&s)?.to_string().contains("COPY <<EOF /etc/app.conf\nhome=$HOME\nEOF\n"));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed heredoc, which is lost unless used"]
pub struct Heredoc {
    pub(crate) name: Text,
    pub(crate) content: Text,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub(crate) expand: bool,
}

impl Heredoc {
    /// A document called `name` (its terminator line; for `COPY` into a directory also the
    /// file's name) with `content`. A missing final newline is added, as BuildKit would.
    /// BuildKit substitutes no variables in it unless [`Heredoc::expand`] is called.
    pub fn new(name: impl Into<Text>, content: impl Into<Text>) -> Self {
        let mut content = content.into();
        if !content.is_empty() && !content.ends_with('\n') {
            content = content.with_suffix('\n');
        }
        Heredoc {
            name: name.into(),
            content,
            expand: false,
        }
    }

    /// Let BuildKit substitute `$VARIABLES` in `COPY`/`ADD` content (an unquoted `<<NAME`).
    pub fn expand(mut self) -> Self {
        self.expand = true;
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The content.
    pub fn content(&self) -> &str {
        &self.content
    }

    /// Whether variables are substituted in the content.
    pub fn expands(&self) -> bool {
        self.expand
    }
}

/// `RUN` with its flags.
///
/// ```
/// use dockerdsl::{Dockerfile, Mount, Network, Run, Stage};
///
/// let s = Stage::from_image("s", "debian:bookworm-slim")
///     .run(Run::chain(["apt-get update", "apt-get install -y --no-install-recommends curl"]))
///     .run(Run::new("make test").network(Network::None))
///     .run(Run::exec(["/bin/true"]))
///     .run("set -e\necho one\necho two\n");
/// assert_eq!(
///     Dockerfile::new(&s)?.to_string(),
///     "# syntax=docker/dockerfile:1\n\n\
///      FROM debian:bookworm-slim AS s\n\
///      RUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl\n\
///      RUN --network=none make test\n\
///      RUN [\"/bin/true\"]\n\
///      RUN <<EOF\nset -e\necho one\necho two\nEOF\n"
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed instruction, which is lost unless used"]
pub struct Run {
    pub(crate) command: RunCommand,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub(crate) mounts: Vec<Mount>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) network: Option<Network>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) security: Option<Security>,
}

impl Run {
    /// Shell text: one line, or a multi-line script. Leading and trailing whitespace of a
    /// one-line command is not significant to BuildKit and is removed.
    pub fn new(command: impl Into<Text>) -> Self {
        let command = command.into();
        let command = if command.contains('\n') {
            command
        } else {
            command.trimmed()
        };
        Run::with(RunCommand::Shell(command))
    }

    /// Shell commands joined with `&&`, one per line.
    pub fn chain<I, S>(commands: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        Run::with(RunCommand::Chain(
            commands.into_iter().map(|c| c.into().trimmed()).collect(),
        ))
    }

    /// A program and its arguments, run without a shell.
    pub fn exec<I, S>(argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        Run::with(RunCommand::Exec(argv.into_iter().map(Into::into).collect()))
    }

    /// Shell text over several lines, kept as written (see [`RunCommand::Lines`]).
    ///
    /// ```
    /// use dockerdsl::{Dockerfile, Run, Stage};
    ///
    /// let s = Stage::from_image("s", "debian:bookworm").run(Run::lines([
    ///     "apt-get update && apt-get install -y ",
    ///     "    curl ",
    ///     "    # git",
    ///     "    jq",
    /// ]));
    /// assert!(Dockerfile::new(&s)?.to_string().contains(
    ///     "RUN apt-get update && apt-get install -y \\\n    curl \\\n    # git\n    jq\n"
    /// ));
    /// # Ok::<(), dockerdsl::Error>(())
    /// ```
    pub fn lines<I, S>(lines: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        Run::with(RunCommand::Lines(
            lines.into_iter().map(Into::into).collect(),
        ))
    }

    /// A command line that reads here-documents: `command` holds a `<<NAME` marker for each
    /// document, in order.
    ///
    /// ```
    /// use dockerdsl::{Heredoc, Run};
    ///
    /// let run = Run::heredocs("python3 <<EOF", [Heredoc::new("EOF", "print('hi')\n")]);
    /// assert_eq!(run.mounts().len(), 0);
    /// ```
    pub fn heredocs<I>(command: impl Into<Text>, heredocs: I) -> Self
    where
        I: IntoIterator<Item = Heredoc>,
    {
        Run::with(RunCommand::Heredocs {
            command: command.into(),
            heredocs: heredocs.into_iter().collect(),
        })
    }

    fn with(command: RunCommand) -> Self {
        Run {
            command,
            mounts: Vec::new(),
            network: None,
            security: None,
        }
    }

    /// Adds a `--mount`.
    #[inline]
    pub fn mount(mut self, mount: impl Into<Mount>) -> Self {
        // A `Vec` would start at 4 mounts (544 bytes) where a `RUN` has one or two.
        if self.mounts.capacity() == 0 {
            self.mounts.reserve_exact(2);
        }
        self.mounts.push(mount.into());
        self
    }

    /// `--network=...`.
    pub fn network(mut self, network: Network) -> Self {
        self.network = Some(network);
        self
    }

    /// `--security=...`.
    pub fn security(mut self, security: Security) -> Self {
        self.security = Some(security);
        self
    }

    /// The command.
    pub fn command(&self) -> &RunCommand {
        &self.command
    }

    /// The mounts, in order.
    pub fn mounts(&self) -> &[Mount] {
        &self.mounts
    }
}

impl From<&'static str> for Run {
    fn from(s: &'static str) -> Self {
        Run::new(s)
    }
}

impl From<String> for Run {
    fn from(s: String) -> Self {
        Run::new(s)
    }
}

impl From<&String> for Run {
    fn from(s: &String) -> Self {
        Run::new(s)
    }
}

impl From<Text> for Run {
    fn from(s: Text) -> Self {
        Run::new(s)
    }
}

/// The command of `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD`: exec (JSON) form by default,
/// shell form only when asked for.
///
/// ```
/// use dockerdsl::Command;
///
/// let exec: Command = ["nginx", "-g", "daemon off;"].into();
/// assert_eq!(exec, Command::Exec(vec!["nginx".into(), "-g".into(), "daemon off;".into()].into()));
/// let shell = Command::shell("exec nginx -g 'daemon off;'");
/// assert!(matches!(shell, Command::Shell(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Command {
    /// A program and its arguments, run without a shell (`["exe", "arg"]`).
    Exec(Texts),
    /// Shell text, run with the stage's `SHELL`.
    Shell(Text),
}

impl Command {
    /// Exec form from anything iterable.
    pub fn exec<I, S>(argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        Command::Exec(argv.into_iter().map(Into::into).collect())
    }

    /// Shell form; leading and trailing whitespace is removed.
    pub fn shell(command: impl Into<Text>) -> Self {
        Command::Shell(command.into().trimmed())
    }
}

impl<S: Into<Text>, const N: usize> From<[S; N]> for Command {
    fn from(argv: [S; N]) -> Self {
        argv.into_command()
    }
}

impl<S: Into<Text>> From<Vec<S>> for Command {
    fn from(argv: Vec<S>) -> Self {
        Command::exec(argv)
    }
}

/// What `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` take: an array or a `Vec` (exec form), or a
/// [`Command`]. A string is deliberately not one: shell form is asked for with
/// [`Command::shell`], so that exec form (signals reach the program) stays the default.
///
/// `Healthcheck::cmd("curl -f http://localhost/")` fails with "`&str` is not a command in
/// exec form", and a note that names `Command::shell`:
///
/// ```compile_fail
/// use dockerdsl::Healthcheck;
///
/// let check = Healthcheck::cmd("curl -f http://localhost/ || exit 1");
/// ```
///
/// ```
/// use dockerdsl::{Command, Dockerfile, Healthcheck, Stage};
///
/// let web = Stage::from_image("web", "nginx:1.27-alpine")
///     .healthcheck(Healthcheck::cmd(Command::shell("curl -f http://localhost/ || exit 1")));
/// assert!(Dockerfile::new(&web)?.to_string().ends_with(
///     "HEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"
/// ));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a command in exec form",
    label = "expected an array such as `[\"curl\", \"-f\", \"http://localhost/\"]`, or a `Command`",
    note = "for shell form, write `Command::shell(\"curl -f http://localhost/ || exit 1\")`",
    note = "exec form (an array) runs the program without a shell, so that it receives signals"
)]
pub trait IntoCommand {
    /// Converts into a [`Command`].
    fn into_command(self) -> Command;
}

impl IntoCommand for Command {
    fn into_command(self) -> Command {
        self
    }
}

impl<S: Into<Text>, const N: usize> IntoCommand for [S; N] {
    fn into_command(self) -> Command {
        // Converted in place, then moved into the list's slots (a block of exactly `N` when
        // longer): less than collecting from the array's iterator.
        Command::Exec(Texts::from(self.map(Into::into)))
    }
}

impl<S: Into<Text>> IntoCommand for Vec<S> {
    fn into_command(self) -> Command {
        Command::exec(self)
    }
}

/// What `USER` takes: a name (`"app"`), `"user:group"`, a uid (`10001`) or `(uid, gid)`. A
/// numeric user needs no entry in `/etc/passwd`, so it works on `scratch` too.
///
/// ```
/// use dockerdsl::{Dockerfile, Stage};
///
/// let app = Stage::from_scratch("app").user(10001).user((10001, 10002)).user("nobody");
/// assert!(Dockerfile::new(&app)?.to_string().ends_with(
///     "USER 10001\nUSER 10001:10002\nUSER nobody\n"
/// ));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a user",
    label = "expected a name (`\"app\"`), `\"user:group\"`, a uid (`10001`) or `(uid, gid)`",
    note = "numeric ids are `u32`: `.user(10001)` or `.user((10001, 10001))`"
)]
pub trait IntoUser {
    /// The text after `USER`.
    fn into_user(self) -> Text;
}

impl IntoUser for &'static str {
    fn into_user(self) -> Text {
        self.into()
    }
}

impl IntoUser for String {
    fn into_user(self) -> Text {
        self.into()
    }
}

impl IntoUser for &String {
    fn into_user(self) -> Text {
        self.into()
    }
}

impl IntoUser for Text {
    fn into_user(self) -> Text {
        self
    }
}

impl IntoUser for u32 {
    fn into_user(self) -> Text {
        self.to_string().into()
    }
}

impl IntoUser for (u32, u32) {
    fn into_user(self) -> Text {
        format!("{}:{}", self.0, self.1).into()
    }
}

/// `ARG name[=default]`, in a stage or before the first stage (global).
///
/// ```
/// use dockerdsl::Arg;
///
/// let a: Arg = "TARGETARCH".into();
/// assert_eq!(a.name(), "TARGETARCH");
/// assert_eq!(Arg::new("RUST_VERSION").default("1.83").default_value(), Some("1.83"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed instruction, which is lost unless used"]
pub struct Arg {
    pub(crate) name: Text,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) default: Option<Text>,
}

impl Arg {
    /// An argument without a default.
    pub fn new(name: impl Into<Text>) -> Self {
        Arg {
            name: name.into(),
            default: None,
        }
    }

    /// With a default value (subject to variable substitution).
    pub fn default(mut self, value: impl Into<Text>) -> Self {
        self.default = Some(value.into());
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The default value.
    pub fn default_value(&self) -> Option<&str> {
        self.default.as_deref()
    }
}

impl From<&'static str> for Arg {
    fn from(name: &'static str) -> Self {
        Arg::new(name)
    }
}

impl From<String> for Arg {
    fn from(name: String) -> Self {
        Arg::new(name)
    }
}

/// `--chown`, `--chmod`, `--link` and `--exclude`, shared by `COPY` and `ADD`.
macro_rules! file_options {
    () => {
        /// `--chown=user[:group]`.
        pub fn chown(mut self, owner: impl Into<Text>) -> Self {
            self.chown = Some(owner.into());
            self
        }

        /// `--chmod`: octal (`0o755`) or symbolic (`"u=rwX,go=rX"`, syntax 1.14).
        pub fn chmod(mut self, mode: impl Into<Chmod>) -> Self {
            self.chmod = Some(mode.into());
            self
        }

        /// `--link`: copy into an independent layer (syntax 1.4).
        pub fn link(mut self) -> Self {
            self.link = true;
            self
        }

        /// `--exclude=pattern`; may be given more than once (syntax 1.19).
        pub fn exclude(mut self, pattern: impl Into<Text>) -> Self {
            self.exclude.push(pattern.into());
            self
        }
    };
}

/// What `COPY` or `ADD` takes: paths (or URLs), or one inline file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Sources {
    /// Paths, globs, or for `ADD` also URLs and Git repositories.
    Paths(Paths),
    /// The content of one file, written to the destination (a heredoc). It always ends with
    /// a newline: one is added when missing, as BuildKit would.
    Inline(Text),
    /// Files given as here-documents, each named (`COPY <<A <<B /dir/` writes `/dir/A` and
    /// `/dir/B`), with or without variable substitution.
    Heredocs(Vec<Heredoc>),
}

impl Sources {
    fn inline(content: Text) -> Sources {
        let mut content = content;
        if !content.ends_with('\n') {
            content = content.with_suffix('\n');
        }
        Sources::Inline(content)
    }
}

/// `COPY` with its flags.
///
/// ```
/// use dockerdsl::{Copy, Dockerfile, Stage};
///
/// let build = Stage::from_image("build", "golang:1.23");
/// let app = Stage::from_image("app", "alpine:3.20").push(
///     Copy::new("/go/bin/app", "/usr/local/bin/app")
///         .from(&build)
///         .chown("app:app")
///         .chmod(0o755)
///         .link(),
/// );
/// assert!(Dockerfile::new(&app)?.to_string().contains(
///     "COPY --from=build --chown=app:app --chmod=755 --link /go/bin/app /usr/local/bin/app\n"
/// ));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed instruction, which is lost unless used"]
pub struct Copy {
    pub(crate) sources: Sources,
    pub(crate) dest: Text,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) from: Option<Source>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) chown: Option<Text>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) chmod: Option<Chmod>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub(crate) link: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub(crate) parents: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub(crate) exclude: Vec<Text>,
}

impl Copy {
    /// One source path to `dest`.
    pub fn new(src: impl Into<Text>, dest: impl Into<Text>) -> Self {
        // An array of one value: no iterator to drive, as `many` has, and no heap block.
        Copy::with(Sources::Paths(Paths::from([src.into()])), dest.into())
    }

    /// Several sources; `dest` is then a directory and must end with `/`.
    pub fn many<I, S>(sources: I, dest: impl Into<Text>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        Copy::with(
            Sources::Paths(sources.into_iter().map(Into::into).collect()),
            dest.into(),
        )
    }

    /// Files given as here-documents (syntax 1.4): one file at `dest`, or with `dest`
    /// ending in `/` files named after the documents.
    pub fn heredocs<I>(heredocs: I, dest: impl Into<Text>) -> Self
    where
        I: IntoIterator<Item = Heredoc>,
    {
        Copy::with(
            Sources::Heredocs(heredocs.into_iter().collect()),
            dest.into(),
        )
    }

    /// A file with this content at `dest` (rendered as a heredoc; syntax 1.4).
    pub fn inline(content: impl Into<Text>, dest: impl Into<Text>) -> Self {
        Copy::with(Sources::inline(content.into()), dest.into())
    }

    fn with(sources: Sources, dest: Text) -> Self {
        Copy {
            sources,
            dest,
            from: None,
            chown: None,
            chmod: None,
            link: false,
            parents: false,
            exclude: Vec::new(),
        }
    }

    /// `--from`: a stage (by reference), an image, or a named context.
    #[inline]
    pub fn from(mut self, from: impl IntoSource) -> Self {
        self.from = Some(from.into_source());
        self
    }

    file_options!();

    /// `--parents`: keep the sources' parent directories (syntax 1.20).
    pub fn parents(mut self) -> Self {
        self.parents = true;
        self
    }

    /// The sources.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The destination.
    pub fn dest(&self) -> &str {
        &self.dest
    }

    /// Where the files come from, when not the build context.
    pub fn source(&self) -> Option<&Source> {
        self.from.as_ref()
    }
}

/// `ADD` with its flags: local files, archives (unpacked), URLs and Git repositories.
///
/// ```
/// use dockerdsl::{Add, Dockerfile, Stage};
///
/// let s = Stage::from_image("s", "alpine:3.20").push(
///     Add::new("https://github.com/moby/buildkit.git#v0.16.0", "/src")
///         .keep_git_dir(true),
/// );
/// assert!(Dockerfile::new(&s)?.to_string().contains(
///     "ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.16.0 /src\n"
/// ));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed instruction, which is lost unless used"]
pub struct Add {
    pub(crate) sources: Sources,
    pub(crate) dest: Text,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) chown: Option<Text>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) chmod: Option<Chmod>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub(crate) link: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) checksum: Option<Text>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) keep_git_dir: Option<bool>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) unpack: Option<bool>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub(crate) exclude: Vec<Text>,
}

impl Add {
    /// One source (path, archive, URL or Git repository) to `dest`.
    pub fn new(src: impl Into<Text>, dest: impl Into<Text>) -> Self {
        Add::with(Sources::Paths(Paths::from([src.into()])), dest.into())
    }

    /// Several sources; `dest` must end with `/`.
    pub fn many<I, S>(sources: I, dest: impl Into<Text>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        Add::with(
            Sources::Paths(sources.into_iter().map(Into::into).collect()),
            dest.into(),
        )
    }

    /// Files given as here-documents (syntax 1.4): one file at `dest`, or with `dest`
    /// ending in `/` files named after the documents.
    pub fn heredocs<I>(heredocs: I, dest: impl Into<Text>) -> Self
    where
        I: IntoIterator<Item = Heredoc>,
    {
        Add::with(
            Sources::Heredocs(heredocs.into_iter().collect()),
            dest.into(),
        )
    }

    /// A file with this content at `dest` (a heredoc; syntax 1.4).
    pub fn inline(content: impl Into<Text>, dest: impl Into<Text>) -> Self {
        Add::with(Sources::inline(content.into()), dest.into())
    }

    fn with(sources: Sources, dest: Text) -> Self {
        Add {
            sources,
            dest,
            chown: None,
            chmod: None,
            link: false,
            checksum: None,
            keep_git_dir: None,
            unpack: None,
            exclude: Vec::new(),
        }
    }

    file_options!();

    /// `--checksum=`: `sha256:<hex>` for a URL, a commit for a Git source (syntax 1.6).
    pub fn checksum(mut self, checksum: impl Into<Text>) -> Self {
        self.checksum = Some(checksum.into());
        self
    }

    /// `--keep-git-dir=`: keep `.git` of a Git source (syntax 1.1).
    pub fn keep_git_dir(mut self, keep: bool) -> Self {
        self.keep_git_dir = Some(keep);
        self
    }

    /// `--unpack=`: force or prevent unpacking an archive (syntax 1.17).
    pub fn unpack(mut self, unpack: bool) -> Self {
        self.unpack = Some(unpack);
        self
    }
}

/// `HEALTHCHECK`: a check command with its timings, or `NONE`.
///
/// ```
/// use dockerdsl::{Dockerfile, Healthcheck, Stage};
/// use std::time::Duration;
///
/// let s = Stage::from_image("s", "nginx:1.27-alpine").healthcheck(
///     Healthcheck::cmd(["wget", "-qO-", "http://localhost/"])
///         .interval(Duration::from_secs(90))
///         .timeout(Duration::from_millis(2500))
///         .retries(3),
/// );
/// assert!(Dockerfile::new(&s)?.to_string().contains(
///     "HEALTHCHECK --interval=90s \\\n    --timeout=2.5s \\\n    --retries=3 \\\n    CMD [\"wget\", \"-qO-\", \"http://localhost/\"]\n"
/// ));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Healthcheck {
    /// `HEALTHCHECK NONE`: disables a check inherited from the base image.
    None,
    /// `HEALTHCHECK [flags] CMD ...`.
    Check(HealthcheckCmd),
}

impl Healthcheck {
    /// A check that runs `command`: exec form from an array, or [`Command::shell`] for shell
    /// form (a string alone is refused, with a note saying so: see [`IntoCommand`]).
    pub fn cmd(command: impl IntoCommand) -> HealthcheckCmd {
        HealthcheckCmd {
            command: command.into_command(),
            interval: None,
            timeout: None,
            start_period: None,
            start_interval: None,
            retries: None,
        }
    }
}

/// A health check command and its timings; see [`Healthcheck::cmd`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed check, which is lost unless used"]
pub struct HealthcheckCmd {
    pub(crate) command: Command,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) interval: Option<Duration>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) timeout: Option<Duration>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) start_period: Option<Duration>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) start_interval: Option<Duration>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) retries: Option<u32>,
}

impl HealthcheckCmd {
    /// `--interval` (default 30s).
    pub fn interval(mut self, d: Duration) -> Self {
        self.interval = Some(d);
        self
    }

    /// `--timeout` (default 30s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// `--start-period` (default 0s).
    pub fn start_period(mut self, d: Duration) -> Self {
        self.start_period = Some(d);
        self
    }

    /// `--start-interval` (default 5s; syntax 1.6, Docker Engine 25).
    pub fn start_interval(mut self, d: Duration) -> Self {
        self.start_interval = Some(d);
        self
    }

    /// `--retries` (default 3).
    pub fn retries(mut self, n: u32) -> Self {
        self.retries = Some(n);
        self
    }
}

impl From<HealthcheckCmd> for Healthcheck {
    fn from(c: HealthcheckCmd) -> Self {
        Healthcheck::Check(c)
    }
}

macro_rules! into_instruction {
    ($($ty:ident => $variant:ident),*) => {$(
        impl From<$ty> for Instruction {
            fn from(i: $ty) -> Instruction {
                Instruction::$variant(i)
            }
        }
    )*};
}

into_instruction!(Run => Run, Arg => Arg, Copy => Copy, Add => Add, Healthcheck => Healthcheck);

impl From<HealthcheckCmd> for Instruction {
    fn from(c: HealthcheckCmd) -> Instruction {
        Instruction::Healthcheck(Healthcheck::Check(c))
    }
}

/// The automatic platform arguments that `instructions` refer to (`$NAME`, `${NAME}`) and
/// do not declare with an `ARG` before, in the order of `AUTOMATIC_ARGS`.
pub(crate) fn platform_args_used(instructions: &[Instruction]) -> Vec<&'static str> {
    let mut used = [false; AUTOMATIC_ARGS.len()];
    let mut declared = [false; AUTOMATIC_ARGS.len()];
    let mut text = |s: &str, declared: &[bool]| {
        for v in crate::rules::variables(s) {
            if let Some(i) = AUTOMATIC_ARGS.iter().position(|(a, _)| *a == v) {
                if !declared[i] {
                    used[i] = true;
                }
            }
        }
    };
    for instruction in instructions {
        let mut words: Vec<&str> = Vec::new();
        match instruction {
            Instruction::Arg(a) => {
                if let Some(i) = AUTOMATIC_ARGS.iter().position(|(n, _)| *n == a.name()) {
                    declared[i] = true;
                }
                words.extend(a.default_value());
            }
            Instruction::Run(r) => match &r.command {
                RunCommand::Shell(s) => words.push(s),
                RunCommand::Chain(v) | RunCommand::Exec(v) | RunCommand::Lines(v) => {
                    words.extend(v.iter().map(Text::as_str))
                }
                RunCommand::Heredocs { command, heredocs } => {
                    words.push(command);
                    words.extend(heredocs.iter().map(|h| h.content.as_str()));
                }
            },
            Instruction::Env(pairs) | Instruction::Label(pairs) => {
                words.extend(pairs.iter().map(|(_, v)| v.as_str()))
            }
            Instruction::Workdir(s) | Instruction::User(s) => words.push(s),
            Instruction::Copy(c) => {
                words.push(&c.dest);
                if let Sources::Paths(p) = &c.sources {
                    words.extend(p.iter().map(Text::as_str));
                }
            }
            Instruction::Add(a) => {
                words.push(&a.dest);
                if let Sources::Paths(p) = &a.sources {
                    words.extend(p.iter().map(Text::as_str));
                }
            }
            Instruction::Cmd(Command::Shell(s)) | Instruction::Entrypoint(Command::Shell(s)) => {
                words.push(s)
            }
            _ => {}
        }
        for w in words {
            text(w, &declared);
        }
    }
    AUTOMATIC_ARGS
        .iter()
        .zip(used)
        .filter(|(_, u)| *u)
        .map(|((n, _), _)| *n)
        .collect()
}
