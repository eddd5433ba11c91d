//! Stages: ordinary values, cheap to clone, built with chained calls.

use crate::model::instruction::{Arg, Copy, Healthcheck, Instruction, IntoCommand, IntoUser, Run};
use crate::model::list::{Pairs, Ports, Texts};
use crate::model::source::IntoSource;
use crate::model::text::Text;
use crate::model::values::{Context, ImageRef, Platform, Port, Signal};
use std::cell::{Cell, RefCell};
use std::fmt;
use triomphe::Arc;

/// What a stage starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Base {
    /// The empty image.
    Scratch,
    /// An external image.
    Image(ImageRef),
    /// An earlier stage (`FROM base AS app`): it inherits its files and settings.
    Stage(Stage),
    /// A named build context.
    Context(Context),
}

impl From<&Stage> for Base {
    fn from(s: &Stage) -> Self {
        Base::Stage(s.clone())
    }
}

impl From<ImageRef> for Base {
    fn from(i: ImageRef) -> Self {
        Base::Image(i)
    }
}

impl From<Context> for Base {
    fn from(c: Context) -> Self {
        Base::Context(c)
    }
}

/// An image reference as text, as [`Stage::from_image`] takes it (checked when the
/// `Dockerfile` is made): so that `Stage::new(name, image)` and the macro's `FROM {image}`
/// take a `String` too.
impl From<&str> for Base {
    fn from(s: &str) -> Self {
        Base::Image(s.into())
    }
}

impl From<String> for Base {
    fn from(s: String) -> Self {
        Base::Image(s.into())
    }
}

impl From<&String> for Base {
    fn from(s: &String) -> Self {
        Base::Image(s.into())
    }
}

impl From<Text> for Base {
    fn from(s: Text) -> Self {
        Base::Image(s.into())
    }
}

/// What [`Stage::new`] and the macro's `FROM {expr}` take as a base: a [`Base`], a stage
/// (`&base`), an image ([`ImageRef`], or text such as `"alpine:3.20"` or a `String`, checked
/// when the `Dockerfile` is made) or a [`Context`].
///
/// ```
/// use dockerdsl::{Context, Dockerfile, Stage};
///
/// let tag = String::from("3.20");
/// let base = Stage::new("base", format!("alpine:{tag}"));
/// let app = Stage::new("app", &base).copy_from(Context::new("assets"), "/", "/srv/");
/// assert!(Dockerfile::new(&app)?.to_string().contains("FROM alpine:3.20 AS base\n"));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a base: an image, a stage or a build context",
    label = "expected an image (`\"alpine:3.20\"`, a `String`), a stage (`&base`) or `Context::new(..)`",
    note = "a number or another value goes into the image reference as text: `format!(\"golang:{{version}}\")`"
)]
pub trait IntoBase {
    /// Converts into a [`Base`].
    fn into_base(self) -> Base;
}

macro_rules! into_base {
    ($($ty:ty),*) => {$(
        impl IntoBase for $ty {
            fn into_base(self) -> Base {
                Base::from(self)
            }
        }
    )*};
}

into_base!(&Stage, ImageRef, Context, &str, String, &String, Text);

impl IntoBase for Base {
    fn into_base(self) -> Base {
        self
    }
}

impl IntoBase for Stage {
    fn into_base(self) -> Base {
        Base::Stage(self)
    }
}

#[derive(Debug, Clone)]
struct StageData {
    name: Text,
    base: Base,
    platform: Option<Platform>,
    leading_comment: Option<Text>,
    instructions: Vec<Instruction>,
    /// Set once the stages it refers to were moved out (see the `Drop` below), so that the
    /// drop that follows does not walk the instructions a second time.
    references_taken: bool,
}

/// A build stage: a name, a base, and instructions in the order they were added.
///
/// A stage is a value: other stages refer to it by reference (`FROM`, `copy_from`, a mount's
/// `from`), so the compiler checks that it exists and that it was made before them. Cloning is
/// cheap (the data is shared) and stages are `Send` and `Sync`.
///
/// ```
/// use dockerdsl::{Dockerfile, Stage};
///
/// let build = Stage::from_image("build", "golang:1.23-alpine")
///     .workdir("/src")
///     .copy(".", ".")
///     .run("CGO_ENABLED=0 go build -o /out/app .");
/// let app = Stage::from_scratch("app")
///     .copy_from(&build, "/out/app", "/app")
///     .entrypoint(["/app"]);
///
/// assert_eq!(
///     Dockerfile::new(&app)?.to_string(),
///     "# syntax=docker/dockerfile:1\n\
///      \n\
///      FROM golang:1.23-alpine AS build\n\
///      WORKDIR /src\n\
///      COPY . .\n\
///      RUN CGO_ENABLED=0 go build -o /out/app .\n\
///      \n\
///      FROM scratch AS app\n\
///      COPY --from=build /out/app /app\n\
///      ENTRYPOINT [\"/app\"]\n"
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Clone)]
#[must_use = "a stage is a value: builder methods return a new one, which is lost unless used"]
pub struct Stage(Arc<StageData>);

impl Stage {
    /// A stage named `name` (checked when the `Dockerfile` is made) on `base`.
    pub fn new(name: impl Into<Text>, base: impl IntoBase) -> Self {
        Stage(Arc::new(StageData {
            name: name.into(),
            base: base.into_base(),
            platform: None,
            leading_comment: None,
            instructions: Vec::new(),
            references_taken: false,
        }))
    }

    /// A stage on an external image, such as `"alpine:3.20"`.
    pub fn from_image(name: impl Into<Text>, image: impl Into<ImageRef>) -> Self {
        Stage::new(name, Base::Image(image.into()))
    }

    /// A stage on an earlier stage: `FROM base AS name`.
    pub fn from_stage(name: impl Into<Text>, base: &Stage) -> Self {
        Stage::new(name, Base::Stage(base.clone()))
    }

    /// A stage on the empty image.
    pub fn from_scratch(name: impl Into<Text>) -> Self {
        Stage::new(name, Base::Scratch)
    }

    /// A stage on a named build context.
    pub fn from_context(name: impl Into<Text>, context: Context) -> Self {
        Stage::new(name, Base::Context(context))
    }

    /// The stage's name.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The base.
    pub fn base(&self) -> &Base {
        &self.0.base
    }

    /// `FROM --platform=...`, when set.
    pub fn platform(&self) -> Option<&Platform> {
        self.0.platform.as_ref()
    }

    /// The instructions, in order.
    pub fn instructions(&self) -> &[Instruction] {
        &self.0.instructions
    }

    /// The comment above the `FROM` line, when set.
    pub fn leading_comment(&self) -> Option<&str> {
        self.0.leading_comment.as_deref()
    }

    /// A comment above the `FROM` line; newlines start new comment lines.
    pub fn with_leading_comment(mut self, text: impl Into<Text>) -> Self {
        self.change(|data| data.leading_comment = Some(text.into()));
        self
    }

    /// The same stage under another name.
    pub fn rename(mut self, name: impl Into<Text>) -> Self {
        self.change(|data| data.name = name.into());
        self
    }

    /// `FROM --platform=...`: usually [`Platform::BUILD`] for cross-compiling.
    pub fn on_platform(mut self, platform: impl Into<Platform>) -> Self {
        self.change(|data| data.platform = Some(platform.into()));
        self
    }

    /// Declares, at the top of the stage, each of BuildKit's automatic platform arguments
    /// (`TARGETOS`, `TARGETARCH`, `TARGETVARIANT`, `TARGETPLATFORM` and the `BUILD*` ones)
    /// that the stage's instructions use and do not declare yet. Without an `ARG` in the
    /// stage, a `RUN` sees them empty and BuildKit's `UndefinedVar` fires elsewhere. Call it
    /// once the stage's instructions are written; the cross-compiling pattern is a stage
    /// `.on_platform(Platform::BUILD)` that builds for `$TARGETOS`/`$TARGETARCH`.
    ///
    /// ```
    /// use dockerdsl::{Dockerfile, Platform, Stage};
    ///
    /// let build = Stage::from_image("build", "golang:1.23")
    ///     .on_platform(Platform::BUILD)
    ///     .run("GOOS=$TARGETOS GOARCH=${TARGETARCH} go build -o /out/app .")
    ///     .declare_platform_args();
    /// assert!(Dockerfile::new(&build)?.to_string().contains(
    ///     "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n\
    ///      ARG TARGETOS\n\
    ///      ARG TARGETARCH\n\
    ///      RUN GOOS"
    /// ));
    /// # Ok::<(), dockerdsl::Error>(())
    /// ```
    pub fn declare_platform_args(mut self) -> Self {
        let used = crate::model::instruction::platform_args_used(self.instructions());
        if !used.is_empty() {
            let args = used
                .into_iter()
                .map(|name| Instruction::Arg(Arg::new(name)));
            self.change(|data| {
                data.instructions.splice(0..0, args);
            });
        }
        self
    }

    /// Appends any instruction: the way to reach every flag.
    ///
    /// ```
    /// use dockerdsl::{Copy, Stage};
    ///
    /// let s = Stage::from_image("s", "alpine:3.20").push(Copy::new("a", "/a").link());
    /// assert_eq!(s.instructions().len(), 1);
    /// ```
    #[inline]
    pub fn push(self, instruction: impl Into<Instruction>) -> Self {
        self.push_with(|| instruction.into())
    }

    /// Runs `change` on the stage's data, the one way a stage's data is changed: a stage
    /// nobody shares is changed where it is (the check inlines into each builder method), a
    /// shared one is copied first, out of line.
    #[inline(always)]
    fn change<R>(&mut self, change: impl FnOnce(&mut StageData) -> R) -> R {
        match Arc::get_mut(&mut self.0) {
            Some(data) => change(data),
            None => change(unshare(&mut self.0)),
        }
    }

    /// Appends the instruction `make` returns. It is made after the room for it, so that
    /// nothing can move the slot between making the instruction and storing it: inlined, an
    /// instruction made from its values (`ENV`, `WORKDIR`, `CMD`, ...) is then written
    /// straight into its slot rather than made on the stack and copied there (an
    /// `Instruction` is too large for the copy to be inlined). A payload the caller made
    /// beforehand (`push(Copy::new(..))`, a `Run` with mounts) is still moved in by a copy.
    #[inline(always)]
    fn push_with(mut self, make: impl FnOnce() -> Instruction) -> Self {
        self.change(|data| {
            let instructions = &mut data.instructions;
            // One block of 32 slots (5.4 KB) from the first push: a stage of ordinary length
            // then never grows, where 16 slots grown to 32 cost a second block, a copy of 16
            // instructions and a free (1.2 M instructions of 23 M at 1,000 benchmark stages).
            // Only the slots written are ever read, so the slack of a short stage costs
            // memory but no cache lines.
            if instructions.capacity() == 0 {
                instructions.reserve_exact(32);
            }
            // `push(make())` would make the instruction before `push`'s own capacity check,
            // and keep it on the stack across that check's possible call. `extend` with a
            // one-item `TrustedLen` iterator checks first and then calls `make`.
            instructions.extend(std::iter::once_with(make));
        });
        self
    }

    /// `RUN`: a command, a multi-line script, or a [`Run`] with flags.
    pub fn run(self, run: impl Into<Run>) -> Self {
        self.push_with(|| Instruction::Run(run.into()))
    }

    /// `CMD`: exec form from an array (`["/app", "--serve"]`), or
    /// [`Command::shell`](crate::Command::shell) for shell form.
    pub fn cmd(self, command: impl IntoCommand) -> Self {
        self.push_with(|| Instruction::Cmd(command.into_command()))
    }

    /// `ENTRYPOINT`: exec form from an array, or [`Command::shell`](crate::Command::shell).
    pub fn entrypoint(self, command: impl IntoCommand) -> Self {
        self.push_with(|| Instruction::Entrypoint(command.into_command()))
    }

    /// `SHELL ["exe", "arg", ...]`.
    pub fn shell<I, S>(self, shell: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        self.push_with(|| Instruction::Shell(shell.into_iter().map(Into::into).collect()))
    }

    /// `ENV key=value`. The value is subject to BuildKit's variable substitution
    /// (`$PATH` refers to the current `PATH`).
    pub fn env(self, key: impl Into<Text>, value: impl Into<Text>) -> Self {
        self.push_with(|| Instruction::Env(Pairs::from([(key.into(), value.into())])))
    }

    /// `ENV` with several pairs in one instruction.
    pub fn envs<I, K, V>(self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<Text>,
        V: Into<Text>,
    {
        self.push_with(|| {
            Instruction::Env(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            )
        })
    }

    /// `LABEL key=value`.
    pub fn label(self, key: impl Into<Text>, value: impl Into<Text>) -> Self {
        self.push_with(|| Instruction::Label(Pairs::from([(key.into(), value.into())])))
    }

    /// `LABEL` with several pairs in one instruction.
    pub fn labels<I, K, V>(self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<Text>,
        V: Into<Text>,
    {
        self.push_with(|| {
            Instruction::Label(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            )
        })
    }

    /// `ARG name` or, with [`Arg::default`], `ARG name=default`.
    pub fn arg(self, arg: impl Into<Arg>) -> Self {
        self.push_with(|| Instruction::Arg(arg.into()))
    }

    /// `EXPOSE`: a port number (TCP), a [`Port`], or text as in a Dockerfile (`"53/udp"`,
    /// checked when the `Dockerfile` is made).
    pub fn expose(self, port: impl Into<Port>) -> Self {
        self.push_with(|| Instruction::Expose(Ports::from([port.into()])))
    }

    /// `EXPOSE` with several ports in one instruction.
    pub fn expose_all<I, P>(self, ports: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<Port>,
    {
        self.push_with(|| Instruction::Expose(ports.into_iter().map(Into::into).collect()))
    }

    /// `COPY src dest` from the build context.
    pub fn copy(self, src: impl Into<Text>, dest: impl Into<Text>) -> Self {
        self.push_with(|| Instruction::Copy(Copy::new(src, dest)))
    }

    /// `COPY --from=<stage> src dest`: `from` is a stage value (`&builder`), an image
    /// ([`Source::image`](crate::Source::image)) or a [`Context`].
    pub fn copy_from(
        self,
        from: impl IntoSource,
        src: impl Into<Text>,
        dest: impl Into<Text>,
    ) -> Self {
        self.push_with(|| Instruction::Copy(Copy::new(src, dest).from(from)))
    }

    /// `COPY src... dest/` from the build context: several sources into the directory `dest`
    /// (which ends with `/`).
    ///
    /// ```
    /// use dockerdsl::{Dockerfile, Stage};
    ///
    /// let app = Stage::from_image("app", "golang:1.23").copy_many(["go.mod", "go.sum"], "./");
    /// assert!(Dockerfile::new(&app)?.to_string().ends_with("COPY go.mod go.sum ./\n"));
    /// # Ok::<(), dockerdsl::Error>(())
    /// ```
    pub fn copy_many<I, S>(self, sources: I, dest: impl Into<Text>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        self.push_with(|| Instruction::Copy(Copy::many(sources, dest)))
    }

    /// `COPY --from=<stage> src... dest/`: several sources from a stage, an image or a
    /// context into the directory `dest` (which ends with `/`).
    ///
    /// ```
    /// use dockerdsl::{Dockerfile, Stage};
    ///
    /// let build = Stage::from_image("build", "golang:1.23").run("go build -o /out/ ./...");
    /// let app = Stage::from_scratch("app")
    ///     .copy_from_many(&build, ["/out/server", "/out/worker"], "/usr/local/bin/");
    /// assert!(Dockerfile::new(&app)?.to_string().ends_with(
    ///     "COPY --from=build /out/server /out/worker /usr/local/bin/\n"
    /// ));
    /// # Ok::<(), dockerdsl::Error>(())
    /// ```
    pub fn copy_from_many<I, S>(
        self,
        from: impl IntoSource,
        sources: I,
        dest: impl Into<Text>,
    ) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        self.push_with(|| Instruction::Copy(Copy::many(sources, dest).from(from)))
    }

    /// `ADD src dest`: a local file or archive, a URL, or a Git repository.
    pub fn add(self, src: impl Into<Text>, dest: impl Into<Text>) -> Self {
        self.push_with(|| Instruction::Add(crate::model::instruction::Add::new(src, dest)))
    }

    /// `VOLUME ["path"]`.
    pub fn volume(self, path: impl Into<Text>) -> Self {
        self.push_with(|| Instruction::Volume(Texts::from([path.into()])))
    }

    /// `USER user[:group]`: a name, `"user:group"`, a uid (`10001`) or `(uid, gid)`; see
    /// [`IntoUser`](crate::IntoUser).
    pub fn user(self, user: impl IntoUser) -> Self {
        self.push_with(|| Instruction::User(user.into_user()))
    }

    /// `WORKDIR path`.
    pub fn workdir(self, path: impl Into<Text>) -> Self {
        self.push_with(|| Instruction::Workdir(path.into()))
    }

    /// `ONBUILD instruction`: runs when another build uses this image as its base.
    pub fn onbuild(self, instruction: impl Into<Instruction>) -> Self {
        self.push_with(|| Instruction::OnBuild(Box::new(instruction.into())))
    }

    /// `STOPSIGNAL`.
    pub fn stopsignal(self, signal: impl Into<Signal>) -> Self {
        self.push_with(|| Instruction::StopSignal(signal.into()))
    }

    /// `HEALTHCHECK`.
    pub fn healthcheck(self, check: impl Into<Healthcheck>) -> Self {
        self.push_with(|| Instruction::Healthcheck(check.into()))
    }

    /// `MAINTAINER`: deprecated; rendered as `LABEL org.opencontainers.image.authors=...`.
    pub fn maintainer(self, name: impl Into<Text>) -> Self {
        self.push_with(|| Instruction::Maintainer(name.into()))
    }

    /// A comment before the next instruction; newlines start new comment lines.
    pub fn comment(self, text: impl Into<Text>) -> Self {
        self.push_with(|| Instruction::Comment(text.into()))
    }

    /// The stages this one depends on, in the order they appear in it: its base first.
    pub(crate) fn dependencies(&self) -> Vec<&Stage> {
        let mut deps = Vec::new();
        if let Base::Stage(s) = self.base() {
            deps.push(s);
        }
        for i in self.instructions() {
            for src in Instruction::sources(i) {
                if let crate::model::source::Source::Stage(s) = src {
                    deps.push(s);
                }
            }
        }
        deps
    }

    pub(crate) fn same(&self, other: &Stage) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Identifies the value (not its content): clones share it.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
}

/// Dropping the last handle to a long chain of stages would drop each base inside the
/// previous drop, one stack frame per stage; a chain of 100,000 stages overflowed a 2 MiB
/// thread stack. So drops nest only `MAX_DROP_DEPTH` deep: a stage dropped deeper moves
/// the stages it refers to onto this thread's list of deferred stages, which the outermost
/// drop then drops one by one (each again at most that deep). Most stages are thus dropped
/// by their fields' own drop glue, without a walk over their instructions for references
/// first (about 500 instructions a benchmark stage).
impl Drop for StageData {
    fn drop(&mut self) {
        if self.references_taken {
            return;
        }
        // `try_with` fails only while the thread's locals are being destroyed.
        let Ok(depth) = DROP_DEPTH.try_with(Cell::get) else {
            return self.drop_iteratively();
        };
        if depth >= MAX_DROP_DEPTH {
            return self.defer_references();
        }
        DROP_DEPTH.set(depth + 1);
        drop(std::mem::replace(&mut self.base, Base::Scratch));
        drop(std::mem::take(&mut self.instructions));
        if depth > 0 {
            DROP_DEPTH.set(depth);
        } else {
            drop_deferred();
        }
    }
}

/// The outermost drop's end: the deferred stages are dropped at depth 1, so that their
/// drops defer in turn rather than drain the list inside this loop.
#[cold]
#[inline(never)]
fn drop_deferred() {
    while let Some(stage) = DEFERRED
        .try_with(|list| list.try_borrow_mut().ok().and_then(|mut l| l.pop()))
        .ok()
        .flatten()
    {
        drop(stage);
    }
    DROP_DEPTH.set(0);
    // A long chain leaves a long list: its memory is not kept for the thread's lifetime.
    let _ = DEFERRED.try_with(|list| {
        if let Ok(mut list) = list.try_borrow_mut() {
            if list.capacity() > 64 {
                *list = Vec::new();
            }
        }
    });
}

/// How deep stage drops may nest on one thread (each level is a few stack frames).
const MAX_DROP_DEPTH: u32 = 32;

thread_local! {
    /// How deep stage drops are nested on this thread now.
    static DROP_DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Stages whose drop was deferred by a drop nested `MAX_DROP_DEPTH` deep.
    static DEFERRED: RefCell<Vec<Stage>> = const { RefCell::new(Vec::new()) };
}

impl StageData {
    /// Moves the stages this one refers to onto the thread's deferred list.
    #[cold]
    #[inline(never)]
    fn defer_references(&mut self) {
        let deferred = DEFERRED.try_with(|list| {
            list.try_borrow_mut()
                .map(|mut list| self.take_references(&mut list))
                .is_ok()
        });
        if deferred != Ok(true) {
            self.drop_iteratively();
        }
    }

    /// Drops every stage this one refers to from a loop, without nesting: where the
    /// thread's locals cannot be used (while they are being destroyed).
    #[cold]
    #[inline(never)]
    fn drop_iteratively(&mut self) {
        let mut pending = Vec::new();
        self.take_references(&mut pending);
        while let Some(mut stage) = pending.pop() {
            // Taken in place, not moved out of its block; the handle's drop then frees it.
            if let Some(data) = Arc::get_mut(&mut stage.0) {
                data.take_references(&mut pending);
            }
        }
    }

    /// Moves out every stage this one refers to (leaving its base as scratch), so that
    /// dropping it drops no other stage.
    fn take_references(&mut self, out: &mut Vec<Stage>) {
        if let Base::Stage(s) = std::mem::replace(&mut self.base, Base::Scratch) {
            out.push(s);
        }
        for instruction in &mut self.instructions {
            instruction.take_stages(out);
        }
        self.references_taken = true;
    }
}

impl Eq for Stage {}

impl fmt::Debug for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A referenced stage shows as its name, so that Debug output stays readable.
        f.debug_struct("Stage")
            .field("name", &self.0.name)
            .field("base", &BaseDebug(&self.0.base))
            .field("platform", &self.0.platform)
            .field("leading_comment", &self.0.leading_comment)
            .field("instructions", &self.0.instructions)
            .finish()
    }
}

struct BaseDebug<'a>(&'a Base);

impl fmt::Debug for BaseDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Base::Stage(s) => write!(f, "Stage({:?})", s.name()),
            other => other.fmt(f),
        }
    }
}

/// A copy of a shared stage's data for one of its holders to change (`Arc::make_mut`'s slow
/// path), kept out of the builder methods that inline [`Stage::change`].
#[cold]
#[inline(never)]
fn unshare(data: &mut Arc<StageData>) -> &mut StageData {
    Arc::make_mut(data)
}
