//! The checks of a plan: each target against its stage graph, then the names and groups.

use super::{CacheKind, ContextSource, Group, Member, Output, Problem, SecretSource, Target};
use crate::model::instruction::Instruction;
use crate::model::mount::Mount;
use crate::model::source::Source;
use crate::model::stage::{Base, Stage};
use crate::model::values::ImageRef;
use crate::rules::suggest::like_buildkit as suggest;
use crate::rules::vocab::AUTOMATIC_ARGS;
use std::collections::{BTreeMap, BTreeSet};

/// Build arguments BuildKit knows without an `ARG`: the proxy variables and its own knobs.
const PREDEFINED_ARGS: [&str; 17] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
    "SOURCE_DATE_EPOCH",
    "BUILDKIT_INLINE_CACHE",
    "BUILDKIT_MULTI_PLATFORM",
    "BUILDKIT_SANDBOX_HOSTNAME",
    "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
    "BUILDKIT_SYNTAX",
    "BUILDKIT_CACHE_MOUNT_NS",
];

struct Report {
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Report {
    fn target(&mut self, t: &Target, field: &'static str, message: String, help: Option<String>) {
        self.errors.push(Problem {
            target: Some(t.name.clone()),
            group: None,
            field: Some(field),
            message,
            help,
        });
    }
}

/// Every error and warning of the targets and groups.
pub(super) fn plan(targets: &[Target], groups: &[Group]) -> (Vec<Problem>, Vec<Problem>) {
    let mut r = Report {
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    names(&mut r, targets, groups);
    for t in targets {
        target(&mut r, t, targets);
    }
    for g in groups {
        group(&mut r, g, targets, groups);
    }
    dockerfile_paths(&mut r, targets);
    (r.errors, r.warnings)
}

/// Bake's rule for target and group names (`validateTargetName`).
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn names(r: &mut Report, targets: &[Target], groups: &[Group]) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let all = targets
        .iter()
        .map(|t| (t.name.as_str(), "target"))
        .chain(groups.iter().map(|g| (g.name.as_str(), "group")));
    for (name, kind) in all {
        let (target, group) = if kind == "target" {
            (Some(name.to_owned()), None)
        } else {
            (None, Some(name.to_owned()))
        };
        if !valid_name(name) {
            r.errors.push(Problem {
                target: target.clone(),
                group: group.clone(),
                field: None,
                message: format!("invalid {kind} name {name:?}"),
                help: Some("Bake names have letters, digits, `_` and `-` only".into()),
            });
        }
        if let Some(first) = seen.insert(name, kind) {
            r.errors.push(Problem {
                target,
                group,
                field: None,
                message: format!("the name `{name}` is used by a {first} already"),
                help: Some(format!(
                    "rename one of them: Bake would merge them into one {first}"
                )),
            });
        }
    }
}

/// The stages `stage` builds: itself and every stage it reaches.
fn reachable(stage: &Stage) -> Vec<&Stage> {
    let mut out: Vec<&Stage> = Vec::new();
    let mut todo = vec![stage];
    while let Some(s) = todo.pop() {
        if out.iter().any(|o| std::ptr::eq(*o, s) || *o == s) {
            continue;
        }
        out.push(s);
        todo.extend(s.dependencies());
    }
    out
}

/// Every source that a stage's base and instructions read, `ONBUILD` left out (it runs in
/// the builds of other images).
fn sources(stage: &Stage) -> Vec<Source> {
    let mut out = Vec::new();
    match stage.base() {
        Base::Context(c) => out.push(Source::Context(c.clone())),
        Base::Image(i) => out.push(Source::Image(i.clone())),
        Base::Stage(_) | Base::Scratch => {}
    }
    for i in stage.instructions() {
        if !matches!(i, Instruction::OnBuild(_)) {
            out.extend(i.sources().into_iter().cloned());
        }
    }
    out
}

fn target(r: &mut Report, t: &Target, targets: &[Target]) {
    if !t.dockerfile.stages().iter().any(|s| s == &t.stage) {
        let names: Vec<&str> = t.dockerfile.stages().iter().map(Stage::name).collect();
        r.target(
            t,
            "target",
            format!(
                "stage `{}` is not a stage of the target's Dockerfile",
                t.stage.name()
            ),
            Some(format!(
                "make the Dockerfile with this stage as a target; it has {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
        // The graph checks below would report its stages, not the Dockerfile's.
    }
    let stages = reachable(&t.stage);
    for (field, value) in [("context", &t.context), ("dockerfile", &t.dockerfile_path)] {
        if value.is_empty() || value.contains(['\0', '\n', '\r']) {
            r.target(t, field, format!("invalid path {value:?}"), None);
        }
    }
    platforms(r, t);
    for tag in &t.tags {
        let image = ImageRef::from(tag);
        if let Err(e) = image.check() {
            r.target(t, "tags", e.message, e.help);
        } else if image.digest().is_some() {
            r.target(
                t,
                "tags",
                format!("tag `{tag}` has a digest"),
                Some("a tag names the image to write: leave the digest out".into()),
            );
        }
    }
    args(r, t, &stages);
    secrets(r, t, &stages);
    contexts(r, t, &stages, targets);
    for c in &t.cache_from {
        if matches!(c.kind, CacheKind::Inline) {
            r.target(
                t,
                "cache-from",
                "`type=inline` is a cache to export to".into(),
                Some("import an inline cache with `Cache::registry(image)`".into()),
            );
        }
        if c.max {
            r.target(
                t,
                "cache-from",
                "`mode=max` applies to exported caches".into(),
                Some("use it in `cache_to`".into()),
            );
        }
    }
    for (field, caches, export) in [
        ("cache-from", &t.cache_from, false),
        ("cache-to", &t.cache_to, true),
    ] {
        for c in caches {
            for (_, v) in c.attributes(export) {
                values(r, t, field, v);
            }
        }
    }
    for o in &t.outputs {
        for (_, v) in o.attributes() {
            values(r, t, "output", v);
        }
        if matches!(o, Output::Registry) && t.tags.is_empty() {
            r.target(
                t,
                "output",
                "`type=registry` pushes the target's tags, and it has none".into(),
                Some("add `.tag(\"registry/repo:tag\")`".into()),
            );
        }
    }
    for (k, _) in &t.labels {
        if k.is_empty() || k.contains(['\0', '\n', '\r']) {
            r.target(t, "labels", format!("invalid label key {k:?}"), None);
        }
    }
    for a in &t.annotations {
        if a.key.is_empty() || a.key.contains(['=', ':', ',', '\0', '\n', '\r']) {
            r.target(
                t,
                "annotations",
                format!("invalid annotation key {:?}", a.key),
                None,
            );
        }
    }
}

/// A value that goes into a CSV list entry: no NUL byte.
fn values(r: &mut Report, t: &Target, field: &'static str, v: &str) {
    if v.is_empty() || v.contains('\0') {
        r.target(t, field, format!("invalid value {v:?}"), None);
    }
}

fn platforms(r: &mut Report, t: &Target) {
    let mut seen = BTreeSet::new();
    for p in &t.platforms {
        let s = p.as_str();
        if s.contains('$') {
            r.target(
                t,
                "platforms",
                format!("`{s}` is a build argument, not a platform"),
                Some("Bake builds for `os/arch[/variant]` platforms such as `linux/arm64`".into()),
            );
        } else if let Err(e) = crate::rules::platform(s) {
            r.target(t, "platforms", e.message, e.help);
        } else if !seen.insert(s) {
            r.target(
                t,
                "platforms",
                format!("platform `{s}` is given twice"),
                None,
            );
        }
    }
}

fn args(r: &mut Report, t: &Target, stages: &[&Stage]) {
    let mut declared: BTreeSet<&str> = t.dockerfile.args().iter().map(|a| a.name()).collect();
    for s in stages {
        for i in s.instructions() {
            if let Instruction::Arg(a) = i {
                // The platform arguments are BuildKit's to set: not offered as suggestions.
                if !AUTOMATIC_ARGS.iter().any(|(n, _)| *n == a.name()) {
                    declared.insert(a.name());
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    for (name, _) in &t.args {
        if !seen.insert(name.as_str()) {
            r.target(t, "args", format!("`{name}` is given twice"), None);
            continue;
        }
        if name == "TARGETSTAGE" {
            r.target(
                t,
                "args",
                format!("`{name}` is set by BuildKit to the stage being built"),
                Some("the target's stage (`Target::new`) gives it its value".into()),
            );
        } else if AUTOMATIC_ARGS.iter().any(|(a, _)| a == name) {
            r.target(
                t,
                "args",
                format!("`{name}` is set by BuildKit from the platform being built"),
                Some("choose the platforms with `.platform(...)` instead".into()),
            );
        } else if !declared.contains(name.as_str()) && !PREDEFINED_ARGS.contains(&name.as_str()) {
            let help = match suggest(name, declared.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if declared.is_empty() => {
                    "the stage and the Dockerfile declare no `ARG`: add one".to_owned()
                }
                None => format!(
                    "the declared arguments are {}",
                    declared
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            r.target(
                t,
                "args",
                format!(
                    "`{name}` is not a build argument of stage `{}`",
                    t.stage.name()
                ),
                Some(help),
            );
        }
    }
}

fn secrets(r: &mut Report, t: &Target, stages: &[&Stage]) {
    let mut used: BTreeMap<&str, &str> = BTreeMap::new();
    for s in stages {
        for i in s.instructions() {
            if let Instruction::Run(run) = i {
                for m in run.mounts() {
                    if let Mount::Secret(secret) = m {
                        used.entry(secret.id.as_str()).or_insert(s.name());
                    }
                }
            }
        }
    }
    let mut given = BTreeSet::new();
    for secret in &t.secrets {
        let id = secret.id.as_str();
        if id.is_empty() || id.contains(['\0', '\n', '\r']) {
            r.target(t, "secret", format!("invalid secret id {id:?}"), None);
            continue;
        }
        let value = match &secret.source {
            SecretSource::File(p) | SecretSource::Env(p) => p,
        };
        values(r, t, "secret", value);
        if !given.insert(id) {
            r.target(t, "secret", format!("secret `{id}` is given twice"), None);
        } else if !used.contains_key(id) {
            let help = match suggest(id, used.keys().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "remove it, or mount it with `Mount::secret(..)` in a `RUN`".into(),
            };
            r.warnings.push(Problem {
                target: Some(t.name.clone()),
                group: None,
                field: Some("secret"),
                message: format!("no `RUN --mount=type=secret` of the target uses secret `{id}`"),
                help: Some(help),
            });
        }
    }
    for (id, stage) in used {
        if !given.contains(id) {
            r.target(
                t,
                "secret",
                format!("stage `{stage}` mounts secret `{id}`, and the target does not provide it"),
                Some(format!(
                    "add `.secret(Secret::env(\"{id}\", \"VAR\"))` or `Secret::file(\"{id}\", \"path\")`"
                )),
            );
        }
    }
}

fn contexts(r: &mut Report, t: &Target, stages: &[&Stage], targets: &[Target]) {
    let mut used: BTreeMap<&str, &str> = BTreeMap::new();
    let owned: Vec<(Source, &str)> = stages
        .iter()
        .flat_map(|s| sources(s).into_iter().map(move |src| (src, s.name())))
        .collect();
    for (src, stage) in &owned {
        if let Source::Context(c) = src {
            used.entry(c.name()).or_insert(stage);
        }
    }
    let mut given = BTreeSet::new();
    for (context, source) in &t.contexts {
        let name = context.name();
        if !given.insert(name) {
            r.target(
                t,
                "contexts",
                format!("context `{name}` is given twice"),
                None,
            );
            continue;
        }
        if !used.contains_key(name) {
            let help = match suggest(name, used.keys().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    "read it with `Stage::from_context` or `copy_from(Context::new(..))`".into()
                }
            };
            r.target(
                t,
                "contexts",
                format!("no stage of the target reads the named context `{name}`"),
                Some(help),
            );
        }
        match source {
            ContextSource::Target { name: other, stage } => {
                if other == &t.name {
                    r.target(
                        t,
                        "contexts",
                        format!("context `{name}` is the target itself"),
                        None,
                    );
                } else if !targets
                    .iter()
                    .any(|o| &o.name == other && &o.stage == stage)
                {
                    r.target(
                        t,
                        "contexts",
                        format!("context `{name}` is target `{other}`, which is not in the plan"),
                        Some("add that target to the plan".into()),
                    );
                }
            }
            ContextSource::Image(image) => {
                if let Err(e) = image.check() {
                    r.target(t, "contexts", e.message, e.help);
                }
            }
            ContextSource::Path(p) | ContextSource::Url(p) => values(r, t, "contexts", p),
        }
    }
    for (name, stage) in used {
        if !given.contains(name) {
            r.target(
                t,
                "contexts",
                format!("stage `{stage}` reads the named context `{name}`, and the target does not say what it is"),
                Some(format!(
                    "add `.named_context(&Context::new(\"{name}\"), ContextSource::path(\"dir\"))`, or an image or a target"
                )),
            );
        }
    }
}

fn group(r: &mut Report, g: &Group, targets: &[Target], groups: &[Group]) {
    let mut seen = BTreeSet::new();
    for m in &g.members {
        let problem = match m {
            Member::Target { name, stage } => {
                if !seen.insert(name.as_str()) {
                    Some(format!("target `{name}` is in the group twice"))
                } else if targets.iter().any(|t| &t.name == name && &t.stage == stage) {
                    None
                } else {
                    Some(format!("target `{name}` is not in the plan"))
                }
            }
            Member::Group(name) => {
                if !seen.insert(name.as_str()) {
                    Some(format!("group `{name}` is in the group twice"))
                } else if name == &g.name {
                    Some("a group cannot hold itself".to_owned())
                } else if groups.iter().any(|o| &o.name == name) {
                    None
                } else {
                    Some(format!("group `{name}` is not in the plan"))
                }
            }
        };
        if let Some(message) = problem {
            r.errors.push(Problem {
                target: None,
                group: Some(g.name.clone()),
                field: Some("targets"),
                message,
                help: Some("add it to the plan with `.target(..)` or `.group(..)`".into()),
            });
        }
    }
}

/// Two targets reading one Dockerfile path must have the same Dockerfile: it is one file.
fn dockerfile_paths(r: &mut Report, targets: &[Target]) {
    let mut seen: BTreeMap<String, &Target> = BTreeMap::new();
    for t in targets {
        let path = t.dockerfile_location();
        match seen.get(&path) {
            Some(first) if first.dockerfile != t.dockerfile => r.target(
                t,
                "dockerfile",
                format!(
                    "target `{}` reads another Dockerfile from `{path}`",
                    first.name
                ),
                Some("give one of them its own `.dockerfile_path(..)`".into()),
            ),
            Some(_) => {}
            None => {
                seen.insert(path, t);
            }
        }
    }
}
