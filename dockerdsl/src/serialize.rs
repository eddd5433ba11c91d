//! serde for a whole [`Dockerfile`]: stage references travel as names and are resolved, and
//! checked, when the Dockerfile is read back.
//!
//! A stage reference inside an instruction (`COPY --from`, a mount's `from`) is written as
//! `{"stage": "name"}`. Reading it alone would give a stage nobody defined, so it is only
//! accepted while a whole `Dockerfile` is being read: the reference is kept as a placeholder
//! and replaced by the stage of that name, which must come earlier in `stages`.

use crate::error::{Error, Problem};
use crate::model::dockerfile::{BuildChecks, Dockerfile, Escape, Syntax};
use crate::model::instruction::{Arg, Instruction, RunCommand, Sources};
use crate::model::mount::Mount;
use crate::model::source::Source;
use crate::model::stage::{Base, Stage};
use crate::model::text::Text;
use crate::model::values::{Context, ImageRef, Platform};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::Cell;
use std::collections::BTreeSet;

mod json_path;

/// Where files come from: `{"stage": "build"}`, `{"image": "nginx:1.27"}` or
/// `{"context": "assets"}`.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", rename = "Source")]
enum SourceRepr {
    /// An earlier stage of the same Dockerfile, by name.
    Stage(String),
    /// An external image.
    Image(ImageRef),
    /// A named build context.
    Context(Context),
}

/// What a stage starts from: `"scratch"`, `{"image": "alpine:3.20"}`, `{"stage": "base"}`
/// (an earlier stage) or `{"context": "name"}`.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", rename = "Base")]
enum BaseRepr {
    /// The empty image.
    Scratch,
    /// An external image.
    Image(ImageRef),
    /// An earlier stage, by name.
    Stage(String),
    /// A named build context.
    Context(Context),
}

/// A build stage.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename = "Stage", deny_unknown_fields)]
struct StageRepr {
    /// The stage's name (`^[a-z][a-z0-9._-]*$`), unique in the Dockerfile.
    name: String,
    base: BaseRepr,
    /// `FROM --platform=...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    platform: Option<Platform>,
    /// A comment above the `FROM` line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    /// The instructions, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    instructions: Vec<Instruction>,
}

/// A multi-stage Dockerfile as written by dockerdsl: header options, global `ARG`s, and the
/// stages in order, each referring only to stages before it. The last stage is the default
/// build target.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename = "Dockerfile", deny_unknown_fields)]
struct DockerfileRepr {
    /// The `# syntax=` line.
    #[serde(default)]
    syntax: Syntax,
    /// The escape character.
    #[serde(default)]
    escape: Escape,
    /// The `# check=` directive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    checks: Option<BuildChecks>,
    /// Global `ARG`s, before the first stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    args: Vec<Arg>,
    /// Comments among the global `ARG`s: `[n, text]` puts `text` after the first `n`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    arg_comments: Vec<(usize, String)>,
    /// The stages, dependencies first.
    stages: Vec<StageRepr>,
}

thread_local! {
    /// How many `Dockerfile`s are being read on this thread: stage references are accepted
    /// only inside one.
    static READING: Cell<usize> = const { Cell::new(0) };
}

/// Marks a `Dockerfile` being read until dropped (also when reading fails or panics).
struct Reading;

impl Reading {
    fn enter() -> Reading {
        READING.with(|r| r.set(r.get() + 1));
        Reading
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        READING.with(|r| r.set(r.get().saturating_sub(1)));
    }
}

impl Serialize for Source {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Source::Stage(s) => SourceRepr::Stage(s.name().to_owned()),
            Source::Image(i) => SourceRepr::Image(i.clone()),
            Source::Context(c) => SourceRepr::Context(c.clone()),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match SourceRepr::deserialize(deserializer)? {
            SourceRepr::Stage(name) => {
                if READING.with(Cell::get) == 0 {
                    return Err(D::Error::custom(format!(
                        "stage reference `{name}` outside a Dockerfile: a stage is found by name only when a whole Dockerfile is read"
                    )));
                }
                // A placeholder carrying the name; `resolve` replaces it.
                Source::Stage(Stage::from_scratch(name))
            }
            SourceRepr::Image(i) => Source::Image(i),
            SourceRepr::Context(c) => Source::Context(c),
        })
    }
}

/// The Dockerfile as data, stage references as names:
///
/// ```
/// use dockerdsl::{Dockerfile, Stage};
///
/// let build = Stage::from_image("build", "golang:1.23").run("go build -o /app .");
/// let app = Stage::from_scratch("app").copy_from(&build, "/app", "/app");
/// let df = Dockerfile::new(&app)?;
/// let json = serde_json::to_string(&df)?;
/// assert_eq!(
///     json,
///     r#"{"syntax":"stable","escape":"backslash","stages":[{"name":"build","base":{"image":"golang:1.23"},"instructions":[{"run":{"command":{"shell":"go build -o /app ."}}}]},{"name":"app","base":"scratch","instructions":[{"copy":{"sources":{"paths":["/app"]},"dest":"/app","from":{"stage":"build"}}}]}]}"#
/// );
/// let back: Dockerfile = serde_json::from_str(&json)?;
/// assert_eq!(back.to_string(), df.to_string());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A Dockerfile's text becomes JSON through [`parse`](crate::parse), the lowering into the
/// model: what BuildKit builds is written with its meaning kept, or refused naming each
/// construct the model cannot hold (two stages with one name, ...) on its line.
///
/// ```
/// let parsed = dockerdsl::parse("from alpine:3.20 as App\nenv A 1\n")?;
/// let json = serde_json::to_string(parsed.dockerfile())?;
/// assert_eq!(
///     json,
///     r#"{"syntax":"omitted","escape":"backslash","stages":[{"name":"app","base":{"image":"alpine:3.20"},"instructions":[{"env":[["A","1"]]}]}]}"#
/// );
/// let twice = "FROM alpine:3.20 AS app\nFROM alpine:3.20 AS app\n";
/// let refused = dockerdsl::parse(twice).unwrap_err();
/// assert!(refused.diagnostics().iter().all(|d| d.is_model_limit()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Serialize for Dockerfile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let stages = self
            .stages()
            .iter()
            .map(|s| StageRepr {
                name: s.name().to_owned(),
                base: match s.base() {
                    Base::Scratch => BaseRepr::Scratch,
                    Base::Image(i) => BaseRepr::Image(i.clone()),
                    Base::Stage(b) => BaseRepr::Stage(b.name().to_owned()),
                    Base::Context(c) => BaseRepr::Context(c.clone()),
                },
                platform: s.platform().cloned(),
                comment: s.leading_comment().map(str::to_owned),
                instructions: s.instructions().to_vec(),
            })
            .collect();
        DockerfileRepr {
            syntax: self.syntax(),
            escape: self.escape(),
            checks: self.checks().cloned(),
            args: self.args().to_vec(),
            arg_comments: self.arg_comments().to_vec(),
            stages,
        }
        .serialize(serializer)
    }
}

/// Reading checks everything making a `Dockerfile` checks, and the references: a stage
/// that refers to an unknown stage, to a later one, to itself or in a cycle is an error
/// that names the stages.
///
/// ```
/// use dockerdsl::Dockerfile;
///
/// let json = r#"{"stages": [
///     {"name": "app", "base": {"stage": "build"}},
///     {"name": "build", "base": {"image": "golang:1.23"}}
/// ]}"#;
/// let err = serde_json::from_str::<Dockerfile>(json).unwrap_err();
/// assert!(err.to_string().starts_with(
///     "stage `app` refers to stage `build`, which is defined after it; move `build` before `app`"
/// ));
/// ```
///
/// Every problem is reported at once, the references' and the rest's. serde gives no
/// position to a value that reads well but refers to a missing stage: for the line and
/// column of each, read JSON text with [`Dockerfile::from_json`].
impl<'de> Deserialize<'de> for Dockerfile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let repr = {
            let _reading = Reading::enter();
            DockerfileRepr::deserialize(deserializer)?
        };
        resolve(repr).map_err(|failure| {
            // One problem as itself (serde's formats add their own `Error(..)` or prefix),
            // several as the `Error` lists them; without a final newline either way.
            let error = failure.into_error(None);
            match error.problems() {
                [one] => D::Error::custom(one),
                _ => D::Error::custom(error.to_string().trim_end()),
            }
        })
    }
}

impl Dockerfile {
    /// Reads the JSON form (see the `Serialize` implementation) from text, with every
    /// problem at once: JSON that does not read (serde_json's message, at its line and
    /// column), or else each stage reference that cannot be resolved, at the line and column
    /// of the reference, together with every problem making the `Dockerfile` finds (such
    /// as an invalid image), each at its stage and instruction.
    ///
    /// ```
    /// use dockerdsl::Dockerfile;
    ///
    /// let json = r#"{"stages": [
    ///   {"name": "build", "base": {"image": "golang::1.23"}},
    ///   {"name": "app", "base": "scratch", "instructions": [
    ///     {"copy": {"sources": {"paths": ["/out/app"]}, "dest": "/app", "from": {"stage": "buld"}}}
    ///   ]}
    /// ]}"#;
    /// let err = Dockerfile::from_json(json).unwrap_err();
    /// assert_eq!(err.problems()[0].line_column(), Some((4, 85)));
    /// assert_eq!(
    ///     err.to_string(),
    ///     "2 problems in the Dockerfile:\n\
    ///      error: line 4, column 85: stage `app` refers to unknown stage `buld`; did you mean \
    ///      `build`?\n\
    ///      error: stage `build`, base image: invalid image reference \"golang::1.23\": `:` at \
    ///      position 7: only one `:` separates the tag (or a registry's port)\n  \
    ///      = help: write `[registry/]repository[:tag][@sha256:digest]`, such as `alpine:3.20` \
    ///      or `ghcr.io/org/app:1.2`\n"
    /// );
    /// ```
    pub fn from_json(text: &str) -> Result<Dockerfile, Error> {
        let repr = {
            let _reading = Reading::enter();
            serde_json::from_str::<DockerfileRepr>(text)
        };
        match repr {
            Ok(repr) => resolve(repr).map_err(|failure| failure.into_error(Some(text))),
            Err(e) => {
                let position = (e.line() > 0).then(|| (e.line(), e.column()));
                let message = e.to_string();
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
                Err(Error::new(vec![Problem::at(position, message)]))
            }
        }
    }
}

/// The stage sources of an instruction, to be resolved in place.
fn sources_mut(instruction: &mut Instruction) -> Vec<&mut Source> {
    match instruction {
        Instruction::Copy(c) => c.from.iter_mut().collect(),
        Instruction::Run(r) => r
            .mounts
            .iter_mut()
            .filter_map(|m| match m {
                Mount::Bind(b) => b.from.as_mut(),
                Mount::Cache(c) => c.from.as_mut(),
                _ => None,
            })
            .collect(),
        Instruction::OnBuild(inner) => sources_mut(inner),
        _ => Vec::new(),
    }
}

/// Inline file content always ends with a newline (see `Sources::Inline`); a hand-written
/// document may omit it.
fn normalize(instruction: &mut Instruction) {
    let end = |content: &mut Text| {
        if !content.is_empty() && !content.ends_with('\n') {
            *content = std::mem::take(content).with_suffix('\n');
        }
    };
    let sources = match instruction {
        Instruction::Copy(c) => &mut c.sources,
        Instruction::Add(a) => &mut a.sources,
        Instruction::Run(r) => {
            if let RunCommand::Heredocs { heredocs, .. } = &mut r.command {
                heredocs.iter_mut().for_each(|h| end(&mut h.content));
            }
            return;
        }
        Instruction::OnBuild(inner) => return normalize(inner),
        _ => return,
    };
    match sources {
        Sources::Inline(content) => end(content),
        Sources::Heredocs(docs) => docs.iter_mut().for_each(|h| end(&mut h.content)),
        Sources::Paths(_) => {}
    }
}

/// Where in the JSON a problem of the stage references is: a path to a value, and for a
/// source inside an instruction, which of its `{"stage": ...}` references (in document order).
struct Place {
    path: Vec<Step>,
    nth_stage_key: Option<usize>,
}

/// One step of a path into the JSON document.
#[derive(Clone)]
enum Step {
    Key(&'static str),
    Index(usize),
}

/// A problem with the stage references (or the document's own structure), where it is.
struct Located {
    message: String,
    place: Place,
}

/// Everything wrong with a document: the problems with its stage references, each with its
/// place in the JSON, and every problem making the `Dockerfile` finds in the rest.
struct Failure {
    located: Vec<Located>,
    others: Vec<Problem>,
}

impl Failure {
    /// The problems, in one [`Error`]; with the JSON text, each reference problem has the
    /// line and column of the value it is about.
    fn into_error(self, text: Option<&str>) -> Error {
        let mut problems: Vec<Problem> = self
            .located
            .into_iter()
            .map(|l| Problem::at(text.and_then(|t| locate(t, &l.place)), l.message))
            .collect();
        problems.extend(self.others);
        Error::new(problems)
    }
}

fn resolve(repr: DockerfileRepr) -> Result<Dockerfile, Failure> {
    let names: Vec<String> = repr.stages.iter().map(|s| s.name.clone()).collect();
    // Each stage's references by name, for naming a cycle.
    let refs: Vec<Vec<String>> = repr
        .stages
        .iter()
        .map(|s| {
            let mut r = Vec::new();
            if let BaseRepr::Stage(b) = &s.base {
                r.push(b.clone());
            }
            for i in &s.instructions {
                for src in i.sources() {
                    if let Source::Stage(p) = src {
                        r.push(p.name().to_owned());
                    }
                }
            }
            r
        })
        .collect();
    let stage_path = |i: usize, rest: &[Step]| {
        let mut path = vec![Step::Key("stages"), Step::Index(i)];
        path.extend_from_slice(rest);
        path
    };
    let mut located = Vec::new();
    let mut twice = BTreeSet::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(j) = names[..i].iter().position(|n| n == name) {
            twice.insert(i);
            located.push(Located {
                message: format!(
                    "stage `{name}` is defined twice (stages {} and {})",
                    j + 1,
                    i + 1
                ),
                place: Place {
                    path: stage_path(i, &[Step::Key("name")]),
                    nth_stage_key: None,
                },
            });
        }
    }
    // Instructions whose unresolved reference became a placeholder: what the builder says
    // about them is left out (their reference problem says it).
    let mut placeholders: BTreeSet<(String, usize)> = BTreeSet::new();
    let mut done: Vec<Stage> = Vec::new();
    for (i, s) in repr.stages.into_iter().enumerate() {
        let name = s.name;
        let resolve = |target: &str, place: Place, located: &mut Vec<Located>| {
            if let Some(stage) = done.iter().find(|d| d.name() == target) {
                return Some(stage.clone());
            }
            located.push(Located {
                message: reference_problem(&names, &refs, i, target),
                place,
            });
            None
        };
        let base = match s.base {
            BaseRepr::Scratch => Base::Scratch,
            BaseRepr::Image(image) => Base::Image(image),
            BaseRepr::Context(c) => Base::Context(c),
            BaseRepr::Stage(b) => {
                let place = Place {
                    path: stage_path(i, &[Step::Key("base")]),
                    nth_stage_key: Some(0),
                };
                resolve(&b, place, &mut located).map_or(Base::Scratch, Base::Stage)
            }
        };
        let mut stage = Stage::new(name.clone(), base);
        if let Some(p) = s.platform {
            stage = stage.on_platform(p);
        }
        if let Some(c) = s.comment {
            stage = stage.with_leading_comment(c);
        }
        let mut position = 0;
        for (j, mut instruction) in s.instructions.into_iter().enumerate() {
            if !matches!(instruction, Instruction::Comment(_)) {
                position += 1;
            }
            for (k, src) in sources_mut(&mut instruction).into_iter().enumerate() {
                if let Source::Stage(placeholder) = src {
                    let place = Place {
                        path: stage_path(i, &[Step::Key("instructions"), Step::Index(j)]),
                        nth_stage_key: Some(k),
                    };
                    match resolve(placeholder.name(), place, &mut located) {
                        Some(found) => *src = Source::Stage(found),
                        None => {
                            // A context of that name stands in, so that the rest of the
                            // document is still checked.
                            *src = Source::Context(Context::new(Text::copy(placeholder.name())));
                            placeholders.insert((name.clone(), position));
                        }
                    }
                }
            }
            normalize(&mut instruction);
            stage = stage.push(instruction);
        }
        // Kept even with problems, so that later references to it are not reported as
        // unknown too.
        done.push(stage);
    }
    let args = repr.args.len();
    if let Some((n, _)) = repr.arg_comments.iter().find(|(n, _)| *n > args) {
        let at = repr
            .arg_comments
            .iter()
            .position(|(m, _)| m == n)
            .unwrap_or(0);
        located.push(Located {
            message: format!(
                "`arg_comments` places a comment after global ARG {n}, but there are {args} \
                 global ARGs; give each comment the number of ARGs before it (0 to {args})"
            ),
            place: Place {
                path: vec![Step::Key("arg_comments"), Step::Index(at)],
                nth_stage_key: None,
            },
        });
    }
    let mut builder = Dockerfile::builder()
        .syntax(repr.syntax)
        .escape(repr.escape);
    if let Some(c) = repr.checks {
        builder = builder.checks(c);
    }
    let mut comments = repr.arg_comments;
    comments.sort_by_key(|(n, _)| *n);
    let mut comments = comments.into_iter().peekable();
    for (i, a) in repr.args.into_iter().enumerate() {
        while let Some((_, text)) = comments.next_if(|(n, _)| *n == i) {
            builder = builder.comment(text);
        }
        builder = builder.arg(a);
    }
    for (_, text) in comments {
        builder = builder.comment(text);
    }
    // Every stage is a target, in order: since each refers only to earlier ones, the
    // Dockerfile keeps exactly this order. A stage defined twice is a target once.
    for (i, stage) in done.iter().enumerate() {
        if !twice.contains(&i) {
            builder = builder.target(stage);
        }
    }
    match builder.build() {
        Ok(df) if located.is_empty() => Ok(df),
        Ok(_) => Err(Failure {
            located,
            others: Vec::new(),
        }),
        Err(e) => Err(Failure {
            located,
            others: e
                .problems()
                .iter()
                .filter(|p| {
                    let l = p.location();
                    !matches!((l.stage(), l.instruction()), (Some(s), Some((n, _)))
                        if placeholders.contains(&(s.to_owned(), n)))
                })
                .cloned()
                .collect(),
        }),
    }
}

/// The line and column (from 1) of a place in the JSON text.
fn locate(text: &str, place: &Place) -> Option<(usize, usize)> {
    let mut at = json_path::offset(text, &place.path)?;
    if let Some(n) = place.nth_stage_key {
        at = *json_path::values_of_key(text, at, "stage").get(n)?;
    }
    Some(json_path::line_column(text, at))
}

/// Why stage `names[at]` cannot refer to `target`.
fn reference_problem(names: &[String], refs: &[Vec<String>], at: usize, target: &str) -> String {
    let name = &names[at];
    if target == name {
        return format!("stage `{name}` refers to itself");
    }
    let Some(later) = names.iter().position(|n| n == target) else {
        let hint =
            crate::rules::suggest::like_buildkit(target, names[..at].iter().map(String::as_str))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
        return format!("stage `{name}` refers to unknown stage `{target}`{hint}");
    };
    // A path back from the later stage to this one makes the reference part of a cycle.
    let mut parent: Vec<Option<usize>> = vec![None; names.len()];
    let mut queue = std::collections::VecDeque::from([later]);
    let mut seen = vec![false; names.len()];
    seen[later] = true;
    while let Some(n) = queue.pop_front() {
        if n == at {
            let mut path = vec![names[at].as_str()];
            let mut cur = at;
            while let Some(p) = parent[cur] {
                path.push(&names[p]);
                cur = p;
            }
            path.reverse();
            path.insert(0, name);
            return format!(
                "stages refer to each other in a cycle: {}",
                path.iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(" -> ")
            );
        }
        for r in &refs[n] {
            if let Some(next) = names.iter().position(|x| x == r) {
                if !seen[next] {
                    seen[next] = true;
                    parent[next] = Some(n);
                    queue.push_back(next);
                }
            }
        }
    }
    format!(
        "stage `{name}` refers to stage `{target}`, which is defined after it; move `{target}` before `{name}`"
    )
}

#[cfg(feature = "schemars")]
mod schema {
    use super::{DockerfileRepr, SourceRepr};
    use schemars::{JsonSchema, Schema, SchemaGenerator};
    use std::borrow::Cow;

    impl JsonSchema for crate::Source {
        fn schema_name() -> Cow<'static, str> {
            SourceRepr::schema_name()
        }

        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            SourceRepr::json_schema(generator)
        }
    }

    /// The schema of the JSON form: `schemars::schema_for!(dockerdsl::Dockerfile)`.
    impl JsonSchema for crate::Dockerfile {
        fn schema_name() -> Cow<'static, str> {
            DockerfileRepr::schema_name()
        }

        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            DockerfileRepr::json_schema(generator)
        }
    }
}
