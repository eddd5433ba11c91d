//! Assembling a [`Dockerfile`]: the stages reachable from the targets in graph order, then
//! every problem the validator finds. It sits above the model, the validator and the renderer
//! (two stages are one when they render the same), which is why it is not part of any of
//! them: the model stays plain data and no phase reaches sideways into another.

use crate::error::{Error, Problem};
use crate::model::dockerfile::{Dockerfile, DockerfileBuilder};
use crate::model::instruction::{Command, Healthcheck, Instruction, RunCommand, Sources};
use crate::model::mount::Mount;
use crate::model::source::Source;
use crate::model::stage::{Base, Stage};
use crate::model::text::Text;
use crate::model::values::Port;
use crate::render;
use crate::validate;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::hash::{BuildHasherDefault, Hash, Hasher};

impl DockerfileBuilder {
    /// Checks everything and returns the Dockerfile, or every problem found.
    pub fn build(mut self) -> Result<Dockerfile, Error> {
        let targets = std::mem::take(&mut self.targets);
        let mut df = self.with_stages(Vec::new());
        if let Some(stages) = checked_order(&targets, &df) {
            df.stages = stages;
            let mut problems = Vec::new();
            if df.is_compat() {
                validate::compat(&df, &mut problems);
            }
            return if problems.is_empty() {
                Ok(df)
            } else {
                Err(Error::new(problems))
            };
        }
        // There is a problem: the stages are walked and checked again the way that reports
        // every problem in order, with its stage's index.
        let mut problems = Vec::new();
        if targets.is_empty() {
            problems.push(Problem::stage(
                None,
                "the Dockerfile has no target stage".into(),
                "add one with `.target(&stage)`".into(),
            ));
        }
        df.stages = order(&targets, &mut Graph::default(), &mut problems, |_| {});
        validate::dockerfile(&df, &mut problems);
        if problems.is_empty() {
            Ok(df)
        } else {
            Err(Error::new(problems))
        }
    }

    /// The Dockerfile of a file read faithfully (`check`, `fmt`): the targets are the file's
    /// stages, in file order, kept as they are (two may share a name), and the problems
    /// validation finds are returned next to it for the reader to sort out.
    pub(crate) fn build_as_read(mut self) -> (Dockerfile, Vec<Problem>) {
        let mut problems = Vec::new();
        let stages = std::mem::take(&mut self.targets);
        let df = self.with_stages(stages);
        validate::dockerfile(&df, &mut problems);
        (df, problems)
    }

    /// The Dockerfile with the builder's header and global args around `stages`.
    fn with_stages(self, stages: Vec<Stage>) -> Dockerfile {
        Dockerfile {
            syntax: self.syntax,
            escape: self.escape,
            checks: self.checks,
            args: self.args,
            arg_comments: self.arg_comments,
            stages,
            compat: self.compat,
        }
    }
}

impl Dockerfile {
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
    /// assert!(err.to_string().starts_with("error: stage `app`, instruction 1 (COPY), source: "));
    /// # Ok::<(), dockerdsl::Error>(())
    /// ```
    pub fn render_compat(&self) -> Result<String, Error> {
        let mut problems = Vec::new();
        validate::compat(self, &mut problems);
        if !problems.is_empty() {
            return Err(Error::new(problems));
        }
        let mut out = String::new();
        let Ok(()) =
            render::dockerfile_with(self, true, None, &mut out, |_| Ok::<(), Infallible>(()));
        Ok(out)
    }
}

/// How many stages the walk makes room for from the start.
const SMALL: usize = 16;

/// How many stages [`checked_order`] checks at a time.
const BATCH: usize = 64;

/// How many stages the walk reads before it also loads the first byte of each value it
/// passes (see [`read`]). A graph this small is still in the caches when it is checked:
/// there the loads only cost, 8% of `Dockerfile::new` at 10 and 100 stages. In a larger
/// graph they pay, but only once it has left the caches, which the walk cannot know: from
/// the 1,024th or 2,048th stage on, `new` took 7 to 10% less at 1,000 stages and 6 to 9% more
/// at 10,000, where the first stages walked went without.
const TOUCH_FROM: usize = 256;

/// The stages in graph order ([`order`]) if neither the walk nor the checks of the header
/// and of each stage ([`validate::Checker`]) find a problem, `None` if one does. Each stage
/// is checked when the walk first reaches it, while it is in the caches: a second pass over
/// a model larger than the caches cost as much again as the first.
fn checked_order(targets: &[Stage], df: &Dockerfile) -> Option<Vec<Stage>> {
    if targets.is_empty() {
        return None;
    }
    let mut problems = Vec::new();
    let mut graph = Graph::default();
    let mut checker = validate::Checker::walking(df);
    // The stages are checked a batch at a time: soon enough after the walk read them that
    // they are still in the caches, and few enough times that the code of the walk and of
    // the checks do not evict each other from the instruction cache (checking each stage as
    // it was reached took 11% longer at 10 stages).
    let mut batch: Vec<&Stage> = Vec::with_capacity(BATCH);
    let stages = order(targets, &mut graph, &mut problems, |stage| {
        batch.push(stage);
        if batch.len() == BATCH {
            for stage in batch.drain(..) {
                checker.stage(None, stage);
            }
        }
    });
    for stage in batch {
        checker.stage(None, stage);
    }
    let clean = problems.is_empty()
        && checker.is_clean(|name| graph.by_name.contains_key(&Name::new(name)));
    clean.then_some(stages)
}

/// Depth-first post-order from the targets, following each stage's dependencies in order.
/// Iterative, so that long chains of stages cannot overflow the stack. `first` sees each
/// stage that is written out, when the walk first reaches it.
fn order<'a>(
    targets: &'a [Stage],
    graph: &mut Graph<'a>,
    problems: &mut Vec<Problem>,
    mut first: impl FnMut(&'a Stage),
) -> Vec<Stage> {
    // Room for a small file from the start: growing from nothing took a tenth of the time
    // of `Dockerfile::new` at 10 stages.
    let mut out: Vec<Stage> = Vec::with_capacity(SMALL);
    // The dependencies of the stages on the stack, each stage's after those of the stage
    // below it: they are read all at once when the walk reaches a stage, right after its
    // checks, so that the stage is read while it is in the caches. (Read as the walk takes
    // them, a stage's dependencies after the first were read again after the walk of the
    // first's, which in a long chain of stages had long left the caches.)
    let mut deps: Vec<&'a Stage> = Vec::with_capacity(SMALL);
    // (stage, where its dependencies start in `deps`, the next one, the handle to write out
    // if it is written out). The handle is cloned when the walk reaches the stage: cloned when
    // it was written out, after the walk of its dependencies, its count had left the caches.
    let mut stack: Vec<(&'a Stage, usize, usize, Option<Stage>)> = Vec::with_capacity(SMALL);
    // The first byte of every value the walk has read (see [`read`]).
    let mut touched = 0u8;
    let mut entered = 0usize;
    let mut enter = |stage: &'a Stage, emit: bool, deps: &mut Vec<&'a Stage>| {
        let emit = emit.then(|| {
            first(stage);
            stage.clone()
        });
        let start = deps.len();
        // In a small graph everything the walk reads is still in the caches when it is
        // checked and rendered: the loads that bring values in pay only in a large one.
        touched ^= if entered < TOUCH_FROM {
            read::<false>(stage, deps)
        } else {
            read::<true>(stage, deps)
        };
        entered += 1;
        (stage, start, start, emit)
    };
    for target in targets {
        if let Some(emit) = graph.visit(target, None, problems) {
            stack.push(enter(target, emit, &mut deps));
        }
        // The top of the stack's dependencies are the last in `deps`: those of the stages
        // above it were dropped when they were done.
        while let Some((stage, start, next, _)) = stack.last_mut() {
            if let Some(&dep) = deps.get(*next) {
                *next += 1;
                let referrer = Some(*stage);
                if let Some(emit) = graph.visit(dep, referrer, problems) {
                    let frame = enter(dep, emit, &mut deps);
                    stack.push(frame);
                }
            } else {
                deps.truncate(*start);
                if let Some((_, _, _, Some(emit))) = stack.pop() {
                    out.push(emit);
                }
            }
        }
    }
    // Nothing needs the bytes: the loads were for the caches.
    std::hint::black_box(touched);
    if let (Some(last), Some(last_out)) = (targets.last(), out.last()) {
        if last.name() != last_out.name() {
            let dependent = out
                .iter()
                .find(|s| s.dependencies().iter().any(|d| d.name() == last.name()))
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

/// Reads `stage` once for the walk: pushes its dependencies onto `deps` in the order of
/// [`Stage::dependencies`] (the base, then each instruction's `COPY --from` or mounts'
/// `from`), in place (a plain loop over the instructions costs a third of the chained
/// iterators it replaced), and with `TOUCH` returns the first bytes of its values folded
/// together (without, 0).
///
/// Those bytes are read only to bring the values into the caches, which is why they are
/// folded into one byte that nothing uses: in a model larger than the caches each value is
/// a miss, and the checks met those misses one after the other (each check needs its
/// value's bytes before it goes on). Read here, a load that nothing waits for, many of them
/// are in flight at once, and the checks find the values in the caches: at 10,000 stages
/// this cut `Dockerfile::new` by a quarter.
fn read<'a, const TOUCH: bool>(stage: &'a Stage, deps: &mut Vec<&'a Stage>) -> u8 {
    let first_byte = |s: &str| if TOUCH { first_byte(s) } else { 0 };
    let list_byte = |v: &[Text]| if TOUCH { list_byte(v) } else { 0 };
    let command_byte = |c: &Command| if TOUCH { command_byte(c) } else { 0 };
    let sources_byte = |v: &Sources| if TOUCH { sources_byte(v) } else { 0 };
    let mut touched = first_byte(stage.name());
    if let Base::Stage(s) = stage.base() {
        touched ^= dep::<TOUCH>(s, deps);
    }
    for mut i in stage.instructions() {
        // `Instruction::sources`, read in place.
        while let Instruction::OnBuild(inner) = i {
            i = inner;
        }
        touched ^= match i {
            Instruction::Copy(c) => {
                let from = match c.source() {
                    Some(Source::Stage(s)) => dep::<TOUCH>(s, deps),
                    _ => 0,
                };
                from ^ first_byte(&c.dest) ^ sources_byte(&c.sources)
            }
            Instruction::Run(r) => {
                let mut t = match &r.command {
                    RunCommand::Shell(s) => first_byte(s),
                    RunCommand::Chain(v) | RunCommand::Exec(v) | RunCommand::Lines(v) => {
                        list_byte(v)
                    }
                    RunCommand::Heredocs { command, .. } => first_byte(command),
                };
                for m in r.mounts() {
                    if let Some(Source::Stage(s)) = m.source_ref() {
                        t ^= dep::<TOUCH>(s, deps);
                    }
                    t ^= match m {
                        Mount::Bind(b) => first_byte(&b.target),
                        Mount::Cache(c) => {
                            first_byte(&c.target) ^ c.id.as_deref().map_or(0, first_byte)
                        }
                        Mount::Tmpfs(t) => first_byte(&t.target),
                        Mount::Secret(s) => first_byte(&s.id),
                        Mount::Ssh(_) => 0,
                    };
                }
                t
            }
            Instruction::Add(a) => first_byte(&a.dest) ^ sources_byte(&a.sources),
            Instruction::Cmd(c) | Instruction::Entrypoint(c) => command_byte(c),
            Instruction::Healthcheck(Healthcheck::Check(h)) => command_byte(&h.command),
            Instruction::Shell(v) | Instruction::Volume(v) => list_byte(v),
            Instruction::Env(pairs) | Instruction::Label(pairs) => pairs
                .iter()
                .fold(0, |t, (k, v)| t ^ first_byte(k) ^ first_byte(v)),
            Instruction::Arg(a) => a.default.as_deref().map_or(0, first_byte),
            Instruction::Expose(ports) => ports
                .first()
                .and_then(Port::as_variable)
                .map_or(0, first_byte),
            Instruction::User(t)
            | Instruction::Workdir(t)
            | Instruction::Maintainer(t)
            | Instruction::Comment(t) => first_byte(t),
            Instruction::StopSignal(_)
            | Instruction::Healthcheck(Healthcheck::None)
            | Instruction::OnBuild(_) => 0,
        };
    }
    touched
}

/// Pushes the dependency `s` onto `deps`, and reads the first bytes of its name and of its
/// first instruction: the walk reads them next (the name to know the stage, the instructions
/// for its own dependencies), and read here, while the rest of this stage is read, their
/// misses overlap with this stage's instead of following them (at 10,000 stages `new` took
/// a tenth less).
fn dep<'a, const TOUCH: bool>(s: &'a Stage, deps: &mut Vec<&'a Stage>) -> u8 {
    deps.push(s);
    if !TOUCH {
        return 0;
    }
    let run = s
        .instructions()
        .first()
        .is_some_and(|i| matches!(i, Instruction::Run(_)));
    first_byte(s.name()) ^ u8::from(run)
}

fn first_byte(s: &str) -> u8 {
    s.as_bytes().first().copied().unwrap_or(0)
}

fn list_byte(v: &[Text]) -> u8 {
    v.first().map_or(0, |s| first_byte(s))
}

fn command_byte(c: &Command) -> u8 {
    match c {
        Command::Exec(v) => list_byte(v),
        Command::Shell(s) => first_byte(s),
    }
}

fn sources_byte(sources: &Sources) -> u8 {
    match sources {
        Sources::Paths(v) => list_byte(v),
        Sources::Inline(s) => first_byte(s),
        Sources::Heredocs(docs) => docs.first().map_or(0, |d| first_byte(&d.content)),
    }
}

/// What the walk has seen: each stage value once, and the first stage of each name with
/// the stage that referred to it (`None` for a target). Looked up only: nothing iterates
/// these sets.
struct Graph<'a> {
    by_name: HashMap<Name<'a>, (&'a Stage, Option<&'a Stage>), Fx>,
    values: HashSet<usize, Fx>,
    reported: Vec<(String, String)>,
}

impl Default for Graph<'_> {
    fn default() -> Self {
        Graph {
            by_name: HashMap::with_capacity_and_hasher(SMALL, Fx::default()),
            values: HashSet::with_capacity_and_hasher(SMALL, Fx::default()),
            reported: Vec::new(),
        }
    }
}

impl<'a> Graph<'a> {
    /// Whether to walk into `stage` (reached from `referrer`, or a target), and if so whether
    /// it is written out: `None` for a value already walked or a name clash (reported once
    /// per pair), `Some(true)` for a new name, `Some(false)` for another value equal to the
    /// stage of its name (it is not written again, but its own references are still checked
    /// for clashes).
    ///
    /// Two stages are equal when they render the same: references show as names, so the
    /// comparison needs no recursion, and the references are compared as the walk reaches
    /// them.
    fn visit(
        &mut self,
        stage: &'a Stage,
        referrer: Option<&'a Stage>,
        problems: &mut Vec<Problem>,
    ) -> Option<bool> {
        if !self.values.insert(stage.id()) {
            return None;
        }
        let (first, first_referrer) = match self.by_name.entry(Name::new(stage.name())) {
            Entry::Vacant(entry) => {
                entry.insert((stage, referrer));
                return Some(true);
            }
            Entry::Occupied(entry) => *entry.get(),
        };
        let (a, b) = (render::stage_source(first), render::stage_source(stage));
        if a == b {
            return Some(false);
        }
        let (line_a, line_b) = first_difference(&a, &b);
        let key = (line_a.clone(), line_b.clone());
        if !self.reported.contains(&key) {
            self.reported.push(key);
            let by = |r: Option<&Stage>| match r {
                Some(r) => format!("the one stage `{}` refers to", r.name()),
                None => "the target".to_owned(),
            };
            let (by_a, by_b) = match (first_referrer, referrer) {
                (Some(x), Some(y)) if x.name() == y.name() => (
                    format!("the first one stage `{}` refers to", x.name()),
                    "a later one".to_owned(),
                ),
                (x, y) => (by(x), by(y)),
            };
            problems.push(Problem::stage(
                Some(stage.name()),
                format!(
                    "two different stages are named `{}`: {by_a} has {line_a} where {by_b} has {line_b}",
                    stage.name(),
                ),
                "give each stage its own name, e.g. with `.rename(..)`".into(),
            ));
        }
        None
    }
}

/// A stage name with its hash, computed once: the table of names rehashes its keys as it
/// grows, and hashing the names again read each one from memory again (at 1,000 stages the
/// table's growth took a twentieth of `Dockerfile::new`).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Name<'a> {
    hash: u64,
    name: &'a str,
}

impl<'a> Name<'a> {
    fn new(name: &'a str) -> Self {
        let mut hasher = FxHasher::default();
        hasher.write(name.as_bytes());
        Name {
            hash: hasher.finish(),
            name,
        }
    }
}

impl Hash for Name<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// The first line where two stages' texts differ, each shown for a message (a line that one
/// of them does not have is "nothing more").
fn first_difference(a: &str, b: &str) -> (String, String) {
    let show = |line: Option<&str>| match line {
        None => "nothing more".to_owned(),
        Some(l) if l.chars().count() > 60 => {
            format!("`{}...`", l.chars().take(57).collect::<String>())
        }
        Some(l) => format!("`{l}`"),
    };
    let (mut la, mut lb) = (a.lines(), b.lines());
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => {}
            (None, None) => return (show(None), show(None)),
            (x, y) => return (show(x), show(y)),
        }
    }
}

/// A multiply-and-rotate hash (rustc's FxHash) for the walk's sets: their keys are stage
/// values' addresses and stage names, nothing iterates them, and SipHash cost more than the
/// rest of the walk.
type Fx = BuildHasherDefault<FxHasher>;

#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        // Addresses are aligned: their low bits carry nothing.
        self.add((n >> 4) as u64);
    }

    fn finish(&self) -> u64 {
        // The product's high bits depend on every bit of the input; the table indexes by
        // the low ones.
        self.0.rotate_left(26)
    }
}
