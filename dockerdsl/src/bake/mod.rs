//! Build plans: `docker buildx bake` files written from the same typed stages.
//!
//! A [`Target`] builds one [`Stage`] of one [`Dockerfile`]: the stage is a value, so a target
//! cannot name a stage that is not there. Its build arguments are checked against the `ARG`s
//! the stage's graph declares, its secrets against the ids its `RUN --mount=type=secret`
//! use, its named contexts against the [`Context`]s the graph reads, and its platforms, tags,
//! caches and outputs are typed. A [`Plan`] holds targets of one or several Dockerfiles and
//! their [`Group`]s; [`PlanBuilder::build`] reports every problem at once, each located.
//!
//! ```
//! use dockerdsl::bake::{Group, Output, Plan, Target};
//! use dockerdsl::{Dockerfile, Mount, Platform, Run, Stage};
//!
//! let build = Stage::from_image("build", "golang:1.23")
//!     .on_platform(Platform::BUILD)
//!     .arg("VERSION")
//!     .run(Run::new("go build -o /out/app .").mount(Mount::secret("netrc")))
//!     .declare_platform_args();
//! let app = Stage::from_scratch("app").copy_from(&build, "/out/app", "/app");
//! let dockerfile = Dockerfile::new(&app)?;
//!
//! let target = Target::new("app", &dockerfile, &app)
//!     .platforms(["linux/amd64", "linux/arm64"])
//!     .tag("example.com/app:1.0")
//!     .arg("VERSION", "1.0")
//!     .secret(dockerdsl::bake::Secret::file("netrc", "~/.netrc"))
//!     .output(Output::local("out"));
//! let plan = Plan::builder()
//!     .group(Group::default_group().target(&target))
//!     .target(target)
//!     .build()?;
//! assert!(plan.to_json().contains("\"target\": \"app\""));
//!
//! // A misspelt argument and a missing secret, reported together.
//! let typo = Target::new("app", &dockerfile, &app).arg("VERSOIN", "1.0");
//! let err = Plan::builder().target(typo).build().unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "2 problems in the build plan:\n\
//!      error: target `app`, args: `VERSOIN` is not a build argument of stage `app`\n  \
//!        = help: did you mean `VERSION`?\n\
//!      error: target `app`, secret: stage `build` mounts secret `netrc`, and the target \
//!      does not provide it\n  \
//!        = help: add `.secret(Secret::env(\"netrc\", \"VAR\"))` or \
//!      `Secret::file(\"netrc\", \"path\")`\n",
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`Plan::to_json`] writes `docker-bake.json`, byte for byte the same for the same plan;
//! with the `hcl` feature `Plan::to_hcl` writes `docker-bake.hcl`. Both go through
//! [`emit`](crate::emit) like a Dockerfile, and [`Plan::dockerfiles`] says which Dockerfile
//! each target reads, so that a build script writes them all.

mod check;
#[cfg(feature = "hcl")]
mod hcl;
mod json;

use crate::model::dockerfile::Dockerfile;
use crate::model::stage::Stage;
use crate::model::values::{Context, Platform};
use std::collections::BTreeMap;
use std::fmt;

/// One target of a plan: a stage of a Dockerfile and how to build it.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    name: String,
    dockerfile: Dockerfile,
    stage: Stage,
    context: String,
    dockerfile_path: String,
    platforms: Vec<Platform>,
    tags: Vec<String>,
    args: Vec<(String, String)>,
    secrets: Vec<Secret>,
    contexts: Vec<(Context, ContextSource)>,
    cache_from: Vec<Cache>,
    cache_to: Vec<Cache>,
    outputs: Vec<Output>,
    labels: Vec<(String, String)>,
    annotations: Vec<Annotation>,
    pull: Option<bool>,
    no_cache: Option<bool>,
}

impl Target {
    /// The target `name` builds `stage` of `dockerfile`, from the build context `.` and the
    /// file `Dockerfile` in it (see [`Target::context`] and [`Target::dockerfile_path`]).
    /// The stage must be one of the Dockerfile's: [`PlanBuilder::build`] checks it.
    pub fn new(name: impl Into<String>, dockerfile: &Dockerfile, stage: &Stage) -> Self {
        Target {
            name: name.into(),
            dockerfile: dockerfile.clone(),
            stage: stage.clone(),
            context: ".".into(),
            dockerfile_path: "Dockerfile".into(),
            platforms: Vec::new(),
            tags: Vec::new(),
            args: Vec::new(),
            secrets: Vec::new(),
            contexts: Vec::new(),
            cache_from: Vec::new(),
            cache_to: Vec::new(),
            outputs: Vec::new(),
            labels: Vec::new(),
            annotations: Vec::new(),
            pull: None,
            no_cache: None,
        }
    }

    /// The build context: a directory relative to the Bake file (default `.`), or a URL.
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.context = context.into();
        self
    }

    /// Where the Dockerfile is, relative to the build context (Bake's rule; default
    /// `Dockerfile`).
    pub fn dockerfile_path(mut self, path: impl Into<String>) -> Self {
        self.dockerfile_path = path.into();
        self
    }

    /// A platform to build for, `os/arch[/variant]` such as `linux/arm64`.
    pub fn platform(mut self, platform: impl Into<Platform>) -> Self {
        self.platforms.push(platform.into());
        self
    }

    /// Several platforms; see [`Target::platform`].
    pub fn platforms<I, P>(self, platforms: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<Platform>,
    {
        platforms.into_iter().fold(self, Target::platform)
    }

    /// A name and tag for the image (`registry/repo:tag`), checked as an image reference.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// A build argument: `name` must be declared by an `ARG` of the Dockerfile's global
    /// scope or of a stage the target builds, or be one of BuildKit's predefined ones
    /// (the proxy variables, `SOURCE_DATE_EPOCH`, `BUILDKIT_*`).
    pub fn arg(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.args.push((name.into(), value.into()));
        self
    }

    /// A secret: its id must be one that a `RUN --mount=type=secret` of the target uses.
    pub fn secret(mut self, secret: Secret) -> Self {
        self.secrets.push(secret);
        self
    }

    /// What the named build context `context` (read by `FROM` or `COPY --from` in the
    /// target's stages) is.
    pub fn named_context(mut self, context: &Context, source: ContextSource) -> Self {
        self.contexts.push((context.clone(), source));
        self
    }

    /// A cache to import layers from.
    pub fn cache_from(mut self, cache: Cache) -> Self {
        self.cache_from.push(cache);
        self
    }

    /// A cache to export layers to.
    pub fn cache_to(mut self, cache: Cache) -> Self {
        self.cache_to.push(cache);
        self
    }

    /// Where the result goes (an image, a registry, a directory, a tarball).
    pub fn output(mut self, output: Output) -> Self {
        self.outputs.push(output);
        self
    }

    /// A label set on the image (on top of the Dockerfile's `LABEL`s).
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.push((key.into(), value.into()));
        self
    }

    /// An OCI annotation on the image manifest (`key=value`).
    pub fn annotation(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.annotation_on(AnnotationLevel::Manifest, key, value)
    }

    /// An OCI annotation on the given level (`index:key=value`, ...).
    pub fn annotation_on(
        mut self,
        level: AnnotationLevel,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.annotations.push(Annotation {
            level,
            key: key.into(),
            value: value.into(),
        });
        self
    }

    /// Always pull the base images (`true`), or use what the builder has (`false`).
    pub fn pull(mut self, pull: bool) -> Self {
        self.pull = Some(pull);
        self
    }

    /// Build without the cache.
    pub fn no_cache(mut self, no_cache: bool) -> Self {
        self.no_cache = Some(no_cache);
        self
    }

    /// The target's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Dockerfile it builds.
    pub fn dockerfile(&self) -> &Dockerfile {
        &self.dockerfile
    }

    /// The stage it builds (Bake's `target`).
    pub fn stage(&self) -> &Stage {
        &self.stage
    }

    /// The build context.
    pub fn context_dir(&self) -> &str {
        &self.context
    }

    /// The Dockerfile's path, relative to the build context.
    pub fn dockerfile_file(&self) -> &str {
        &self.dockerfile_path
    }

    /// The platforms, in the order given.
    pub fn get_platforms(&self) -> &[Platform] {
        &self.platforms
    }

    /// The tags, in the order given.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// The build arguments, sorted by name.
    pub fn args(&self) -> BTreeMap<&str, &str> {
        self.args
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// The secrets, in the order given.
    pub fn secrets(&self) -> &[Secret] {
        &self.secrets
    }

    /// The named contexts, sorted by name.
    pub fn contexts(&self) -> BTreeMap<&str, &ContextSource> {
        self.contexts.iter().map(|(k, v)| (k.name(), v)).collect()
    }

    /// The caches imported from.
    pub fn caches_from(&self) -> &[Cache] {
        &self.cache_from
    }

    /// The caches exported to.
    pub fn caches_to(&self) -> &[Cache] {
        &self.cache_to
    }

    /// The outputs.
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// The labels, sorted by key.
    pub fn labels(&self) -> BTreeMap<&str, &str> {
        self.labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// The annotations, in the order given.
    pub fn annotations(&self) -> &[Annotation] {
        &self.annotations
    }

    /// Whether base images are always pulled, when set.
    pub fn get_pull(&self) -> Option<bool> {
        self.pull
    }

    /// Whether the cache is skipped, when set.
    pub fn get_no_cache(&self) -> Option<bool> {
        self.no_cache
    }

    /// The Dockerfile's path relative to the Bake file: `context/dockerfile`.
    pub fn dockerfile_location(&self) -> String {
        if self.context == "." || self.context.is_empty() {
            self.dockerfile_path.clone()
        } else {
            format!(
                "{}/{}",
                self.context.trim_end_matches('/'),
                self.dockerfile_path
            )
        }
    }
}

/// Where a secret's value comes from when the plan is built.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    id: String,
    source: SecretSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SecretSource {
    File(String),
    Env(String),
}

impl Secret {
    /// The secret `id` read from the file `path` (`id=ID,src=PATH`).
    pub fn file(id: impl Into<String>, path: impl Into<String>) -> Self {
        Secret {
            id: id.into(),
            source: SecretSource::File(path.into()),
        }
    }

    /// The secret `id` read from the environment variable `var` (`id=ID,env=VAR`).
    pub fn env(id: impl Into<String>, var: impl Into<String>) -> Self {
        Secret {
            id: id.into(),
            source: SecretSource::Env(var.into()),
        }
    }

    /// The secret's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its attributes in Bake's order: `id`, then `src` or `env`.
    pub fn attributes(&self) -> Vec<(&'static str, &str)> {
        let source = match &self.source {
            SecretSource::File(p) => ("src", p.as_str()),
            SecretSource::Env(v) => ("env", v.as_str()),
        };
        vec![("id", self.id.as_str()), source]
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&csv(&self.attributes()))
    }
}

/// What a named build context is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextSource {
    /// A local directory, relative to the Bake file.
    Path(String),
    /// An image (`docker-image://REF`).
    Image(crate::model::values::ImageRef),
    /// The result of another target of the plan (`target:NAME`).
    Target {
        /// The target's name.
        name: String,
        /// The stage it builds, to check that the plan holds that very target.
        stage: Stage,
    },
    /// A Git or HTTP(S) URL, as Bake reads it.
    Url(String),
}

impl ContextSource {
    /// A local directory.
    pub fn path(dir: impl Into<String>) -> Self {
        ContextSource::Path(dir.into())
    }

    /// An image, such as `alpine:3.20`.
    pub fn image(image: impl Into<crate::model::values::ImageRef>) -> Self {
        ContextSource::Image(image.into())
    }

    /// The result of `target`, which must be a target of the same plan: its stage may
    /// belong to another Dockerfile (a monorepo's shared base).
    pub fn target(target: &Target) -> Self {
        ContextSource::Target {
            name: target.name.clone(),
            stage: target.stage.clone(),
        }
    }

    /// A Git or HTTP(S) URL.
    pub fn url(url: impl Into<String>) -> Self {
        ContextSource::Url(url.into())
    }
}

impl fmt::Display for ContextSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContextSource::Path(p) | ContextSource::Url(p) => f.write_str(p),
            ContextSource::Image(i) => write!(f, "docker-image://{i}"),
            ContextSource::Target { name, .. } => write!(f, "target:{name}"),
        }
    }
}

/// A build cache to import from or export to.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    kind: CacheKind,
    max: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CacheKind {
    Registry(String),
    Local(String),
    Inline,
    Gha(Option<String>),
}

impl Cache {
    /// A cache image in a registry (`type=registry,ref=REF`).
    pub fn registry(reference: impl Into<String>) -> Self {
        Cache {
            kind: CacheKind::Registry(reference.into()),
            max: false,
        }
    }

    /// A local directory (`type=local,src=DIR` to import, `dest=DIR` to export).
    pub fn local(dir: impl Into<String>) -> Self {
        Cache {
            kind: CacheKind::Local(dir.into()),
            max: false,
        }
    }

    /// The cache inside the image itself (`type=inline`): export only.
    pub fn inline() -> Self {
        Cache {
            kind: CacheKind::Inline,
            max: false,
        }
    }

    /// GitHub Actions' cache (`type=gha`), optionally with a scope.
    pub fn gha(scope: Option<&str>) -> Self {
        Cache {
            kind: CacheKind::Gha(scope.map(str::to_owned)),
            max: false,
        }
    }

    /// Export the layers of every stage, not only the result's (`mode=max`): export only.
    pub fn mode_max(mut self) -> Self {
        self.max = true;
        self
    }

    /// Its attributes as written in a `cache-from` (`export` false) or `cache-to` entry.
    pub fn attributes(&self, export: bool) -> Vec<(&'static str, &str)> {
        let mut out = match &self.kind {
            CacheKind::Registry(r) => vec![("type", "registry"), ("ref", r.as_str())],
            CacheKind::Local(d) => {
                vec![
                    ("type", "local"),
                    (if export { "dest" } else { "src" }, d.as_str()),
                ]
            }
            CacheKind::Inline => vec![("type", "inline")],
            CacheKind::Gha(scope) => {
                let mut v = vec![("type", "gha")];
                if let Some(s) = scope {
                    v.push(("scope", s.as_str()));
                }
                v
            }
        };
        if self.max {
            out.push(("mode", "max"));
        }
        out
    }
}

/// Where a target's result goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// The image's files in a local directory (`type=local,dest=DIR`); with several
    /// platforms, one subdirectory per platform (`linux_arm64`).
    Local(String),
    /// The image's files as a tarball (`type=tar,dest=FILE`).
    Tar(String),
    /// An OCI image layout tarball (`type=oci,dest=FILE`).
    Oci(String),
    /// The builder's image store, optionally named and pushed (`type=image,name=...`).
    Image {
        /// The image name (the tags when empty).
        name: Option<String>,
        /// Push it to its registry.
        push: bool,
    },
    /// Push to the registry (`type=registry`), under the target's tags.
    Registry,
    /// Only the build cache (`type=cacheonly`).
    CacheOnly,
}

impl Output {
    /// A local directory.
    pub fn local(dir: impl Into<String>) -> Self {
        Output::Local(dir.into())
    }

    /// A tarball of the files.
    pub fn tar(file: impl Into<String>) -> Self {
        Output::Tar(file.into())
    }

    /// An OCI layout tarball.
    pub fn oci(file: impl Into<String>) -> Self {
        Output::Oci(file.into())
    }

    /// Its attributes as Bake writes them (`type` first).
    pub fn attributes(&self) -> Vec<(&'static str, &str)> {
        match self {
            Output::Local(d) => vec![("type", "local"), ("dest", d.as_str())],
            Output::Tar(d) => vec![("type", "tar"), ("dest", d.as_str())],
            Output::Oci(d) => vec![("type", "oci"), ("dest", d.as_str())],
            Output::Image { name, push } => {
                let mut v = vec![("type", "image")];
                if let Some(n) = name {
                    v.push(("name", n.as_str()));
                }
                if *push {
                    v.push(("push", "true"));
                }
                v
            }
            Output::Registry => vec![("type", "registry")],
            Output::CacheOnly => vec![("type", "cacheonly")],
        }
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&csv(&self.attributes()))
    }
}

/// Which object of the image an annotation goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotationLevel {
    /// The image manifest (the default, written without a prefix).
    Manifest,
    /// The image index of a multi-platform image (`index:`).
    Index,
    /// The manifest's descriptor in the index (`manifest-descriptor:`).
    ManifestDescriptor,
    /// The index's descriptor (`index-descriptor:`).
    IndexDescriptor,
}

/// An OCI annotation of a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    level: AnnotationLevel,
    key: String,
    value: String,
}

impl fmt::Display for Annotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.level {
            AnnotationLevel::Manifest => "",
            AnnotationLevel::Index => "index:",
            AnnotationLevel::ManifestDescriptor => "manifest-descriptor:",
            AnnotationLevel::IndexDescriptor => "index-descriptor:",
        };
        write!(f, "{prefix}{}={}", self.key, self.value)
    }
}

/// `key=value,...` as Bake's CSV lists read it: a field with a comma, a quote or a line
/// break is quoted, its quotes doubled.
fn csv(attributes: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in attributes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let field = format!("{k}={v}");
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out
}

/// A named set of targets (and other groups) built together; the group `default` is what
/// a plain `docker buildx bake` builds.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    name: String,
    members: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Member {
    Target { name: String, stage: Stage },
    Group(String),
}

impl Group {
    /// A group named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Group {
            name: name.into(),
            members: Vec::new(),
        }
    }

    /// The group `default`, which `docker buildx bake` builds when given no target.
    pub fn default_group() -> Self {
        Group::new("default")
    }

    /// Adds a target; it must be in the same plan.
    pub fn target(mut self, target: &Target) -> Self {
        self.members.push(Member::Target {
            name: target.name.clone(),
            stage: target.stage.clone(),
        });
        self
    }

    /// Adds a group; it must be in the same plan.
    pub fn group(mut self, group: &Group) -> Self {
        self.members.push(Member::Group(group.name.clone()));
        self
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The names of its targets and groups, in the order added.
    pub fn members(&self) -> Vec<&str> {
        self.members
            .iter()
            .map(|m| match m {
                Member::Target { name, .. } | Member::Group(name) => name.as_str(),
            })
            .collect()
    }
}

/// A checked set of targets and groups: what a Bake file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    targets: Vec<Target>,
    groups: Vec<Group>,
    warnings: Vec<Problem>,
}

impl Plan {
    /// A plan, built target by target.
    pub fn builder() -> PlanBuilder {
        PlanBuilder::default()
    }

    /// The targets, sorted by name.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// The groups, sorted by name.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// What was accepted but is likely a mistake: a secret that no `RUN` mounts.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// Each Dockerfile the targets read, with its path relative to the Bake file
    /// (`context/dockerfile`), sorted by path, each once.
    pub fn dockerfiles(&self) -> Vec<(String, &Dockerfile)> {
        let mut out: BTreeMap<String, &Dockerfile> = BTreeMap::new();
        for t in &self.targets {
            out.entry(t.dockerfile_location()).or_insert(&t.dockerfile);
        }
        out.into_iter().collect()
    }

    /// `docker-bake.json`: two-space indented, keys in a fixed order, maps sorted, `${` and
    /// `%{` escaped (Bake reads JSON strings as templates), one final newline.
    pub fn to_json(&self) -> String {
        json::plan(self).pretty()
    }

    /// `docker-bake.hcl`: the same definition in HCL (feature `hcl`).
    #[cfg(feature = "hcl")]
    pub fn to_hcl(&self) -> String {
        hcl::plan(self)
    }
}

/// Collects targets and groups; [`PlanBuilder::build`] checks them all.
#[must_use]
#[derive(Debug, Clone, Default)]
pub struct PlanBuilder {
    targets: Vec<Target>,
    groups: Vec<Group>,
}

impl PlanBuilder {
    /// Adds a target.
    pub fn target(mut self, target: Target) -> Self {
        self.targets.push(target);
        self
    }

    /// Adds a group.
    pub fn group(mut self, group: Group) -> Self {
        self.groups.push(group);
        self
    }

    /// Checks every target and group and returns the plan, or every problem found.
    pub fn build(self) -> Result<Plan, Error> {
        let (errors, warnings) = check::plan(&self.targets, &self.groups);
        if !errors.is_empty() {
            return Err(Error { problems: errors });
        }
        let mut targets = self.targets;
        targets.sort_by(|a, b| a.name.cmp(&b.name));
        let mut groups = self.groups;
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Plan {
            targets,
            groups,
            warnings,
        })
    }
}

/// Every problem found in a plan, reported at once.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    problems: Vec<Problem>,
}

impl Error {
    /// The problems, target by target in the order added, then the groups.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::error::write_problems(f, &self.problems, "the build plan")
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}

/// One problem of a plan: where (a target or group, and a field), what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    target: Option<String>,
    group: Option<String>,
    field: Option<&'static str>,
    message: String,
    help: Option<String>,
}

impl Problem {
    /// The target it is about.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }

    /// The group it is about.
    pub fn group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    /// The field, as Bake names it (`args`, `secret`, `platforms`, ...).
    pub fn field(&self) -> Option<&str> {
        self.field
    }

    /// What is wrong, in lower case.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How to fix it, when there is a known fix.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(t) = &self.target {
            write!(f, "target `{t}`")?;
            sep = ", ";
        }
        if let Some(g) = &self.group {
            write!(f, "{sep}group `{g}`")?;
            sep = ", ";
        }
        if let Some(field) = self.field {
            write!(f, "{sep}{field}")?;
            sep = ", ";
        }
        if sep.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, ": {}", self.message)?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}
