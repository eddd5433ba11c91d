//! serde for a whole [`Dockerfile`]: stage references travel as names and are resolved, and
//! checked, when the Dockerfile is read back.
//!
//! A stage reference inside an instruction (`COPY --from`, a mount's `from`) is written as
//! `{"stage": "name"}`. Reading it alone would give a stage nobody defined, so it is only
//! accepted while a whole `Dockerfile` is being read: the reference is kept as a placeholder
//! and replaced by the stage of that name, which must come earlier in `stages`.

use crate::model::dockerfile::{BuildChecks, Dockerfile, Escape, Syntax};
use crate::model::instruction::{Arg, Instruction, RunCommand, Sources};
use crate::model::mount::Mount;
use crate::model::source::Source;
use crate::model::stage::{Base, Stage};
use crate::model::values::{Context, ImageRef, Platform};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::Cell;

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
impl<'de> Deserialize<'de> for Dockerfile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let repr = {
            let _reading = Reading::enter();
            DockerfileRepr::deserialize(deserializer)?
        };
        resolve(repr).map_err(D::Error::custom)
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
    let end = |content: &mut String| {
        if !content.is_empty() && !content.ends_with('\n') {
            content.push('\n');
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

fn resolve(repr: DockerfileRepr) -> Result<Dockerfile, String> {
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
    let mut problems = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(j) = names[..i].iter().position(|n| n == name) {
            problems.push(format!(
                "stage `{name}` is defined twice (stages {} and {})",
                j + 1,
                i + 1
            ));
        }
    }
    let mut done: Vec<Stage> = Vec::new();
    for (i, s) in repr.stages.into_iter().enumerate() {
        let name = s.name;
        let mut resolve = |target: &str| -> Option<Stage> {
            if let Some(stage) = done.iter().find(|d| d.name() == target) {
                return Some(stage.clone());
            }
            problems.push(reference_problem(&names, &refs, i, target));
            None
        };
        let base = match s.base {
            BaseRepr::Scratch => Base::Scratch,
            BaseRepr::Image(image) => Base::Image(image),
            BaseRepr::Context(c) => Base::Context(c),
            BaseRepr::Stage(b) => resolve(&b).map_or(Base::Scratch, Base::Stage),
        };
        let mut stage = Stage::new(name, base);
        if let Some(p) = s.platform {
            stage = stage.on_platform(p);
        }
        if let Some(c) = s.comment {
            stage = stage.with_leading_comment(c);
        }
        for mut instruction in s.instructions {
            for src in sources_mut(&mut instruction) {
                if let Source::Stage(placeholder) = src {
                    if let Some(found) = resolve(placeholder.name()) {
                        *src = Source::Stage(found);
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
    match problems.len() {
        0 => {}
        1 => return Err(problems.remove(0)),
        n => {
            let mut text = format!("{n} problems with stage references:");
            for p in problems {
                text.push_str("\nerror: ");
                text.push_str(&p);
            }
            return Err(text);
        }
    }
    let mut builder = Dockerfile::builder()
        .syntax(repr.syntax)
        .escape(repr.escape);
    if let Some(c) = repr.checks {
        builder = builder.checks(c);
    }
    let args = repr.args.len();
    if let Some((n, _)) = repr.arg_comments.iter().find(|(n, _)| *n > args) {
        return Err(format!(
            "`arg_comments` places a comment after global ARG {n}, but there are {args} global \
             ARGs; give each comment the number of ARGs before it (0 to {args})"
        ));
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
    // Dockerfile keeps exactly this order.
    for stage in &done {
        builder = builder.target(stage);
    }
    builder.build().map_err(|e| e.to_string())
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
