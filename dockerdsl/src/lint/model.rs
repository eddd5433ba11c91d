//! The lints that look at the model: they walk the stages in order, carrying along each
//! stage's chain what BuildKit carries (variables, whether a `WORKDIR` or `SHELL` was set,
//! the last `USER`).

use super::vars::{expand, go_quote};
use super::written::{AsWritten, Sets, WrittenNames};
use super::{Lint, Rule};
use crate::dockerignore::Patterns;
use crate::error::Location;
use crate::expand::Pattern;
use crate::model::dockerfile::{BuildChecks, Dockerfile};
use crate::model::instruction::{Command, Instruction, Sources};
use crate::model::mount::Mount;
use crate::model::stage::{Base, Stage};
use crate::model::values::Platform;
use crate::parse::SourceInstruction;
use crate::rules;
use crate::rules::suggest::like_buildkit as suggest;
use crate::rules::vocab::AUTOMATIC_ARGS;
use crate::stage_env::Env;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Variables with a value, in the order they were set (what BuildKit suggests from): those
/// of this stage after those of the stages it is built on, which are shared rather than
/// copied (a chain of stages that each set one would otherwise hold the square of their
/// number).
#[derive(Clone, Default)]
struct Names {
    own: Vec<String>,
    base: Option<Rc<Names>>,
}

impl Names {
    fn layers(&self) -> impl Iterator<Item = &Names> {
        std::iter::successors(Some(self), |n| n.base.as_deref())
    }

    fn contains(&self, name: &str) -> bool {
        self.layers().any(|n| n.own.iter().any(|e| e == name))
    }

    fn push(&mut self, name: &str) {
        if !self.contains(name) {
            self.own.push(name.to_owned());
        }
    }

    /// Every name, the first set first.
    fn in_order(&self) -> Vec<&str> {
        let mut layers: Vec<&Names> = self.layers().collect();
        layers.reverse();
        layers
            .into_iter()
            .flat_map(|n| n.own.iter().map(String::as_str))
            .collect()
    }

    /// What this stage set becomes a shared layer for the stages built on it.
    fn frozen(mut self) -> Names {
        if self.own.is_empty() {
            return self;
        }
        let base = std::mem::take(&mut self);
        Names {
            own: Vec::new(),
            base: Some(Rc::new(base)),
        }
    }
}

/// What a stage passes on to the stages built on it.
#[derive(Clone, Default)]
struct Chain {
    env: Names,
    /// Arguments declared in the stage, with or without a value.
    args: BTreeSet<String>,
    workdir: bool,
    shell: bool,
    /// The last `USER`, and where it is.
    user: Option<(String, Key)>,
    /// What the variables hold in a build without `--build-arg`s (what `docker build
    /// --check` reads): the one account of them `parse` keeps too.
    vars: Env,
}

impl Chain {
    fn from_image() -> Chain {
        Chain {
            // BuildKit makes sure PATH is set; other variables of the image are not known
            // without pulling it.
            env: Names {
                own: vec!["PATH".into()],
                base: None,
            },
            vars: Env::image(),
            ..Chain::default()
        }
    }

    fn set(&mut self, name: &str) {
        self.env.push(name);
    }

    /// An `ARG` of the stage. BuildKit sets one with a value in the stage's environment (so
    /// UndefinedVar suggests it): its default, or the global argument's value.
    fn declare(&mut self, name: &str, default: bool, globals: &BTreeMap<String, Option<String>>) {
        if default || matches!(globals.get(name), Some(Some(_))) {
            self.set(name);
        }
        self.args.insert(name.to_owned());
    }

    fn defined(&self, name: &str) -> bool {
        self.args.contains(name) || self.env.contains(name)
    }

    /// `word` as BuildKit expands it in a build without `--build-arg`s; `None` when a value
    /// it uses is not known here.
    fn expanded(&self, word: &str) -> Option<String> {
        self.vars.expand(word)
    }
}

/// Where a lint is, for ordering and display: stage index (0 for global ARGs) and the
/// instruction's position (0 for the `FROM` line), and its index among the stage's
/// instructions (comments included; `None` for the `FROM` line) to find its line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    stage: usize,
    position: usize,
    index: Option<usize>,
    location: LocationKey,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct LocationKey {
    stage: Option<String>,
    keyword: Option<String>,
}

impl Key {
    fn location(&self) -> Location {
        Location {
            stage: self.location.stage.clone(),
            instruction: self
                .location
                .keyword
                .clone()
                .map(|k| (self.position, k.into())),
            field: None,
        }
    }
}

struct Cx<'a> {
    found: Vec<(Key, Lint)>,
    lines: Option<&'a Lines<'a>>,
    /// What a `# check=` comment right before the current instruction sets for it: the
    /// rules it skips, the experimental ones it turns on.
    comment: Option<Cow<'a, BuildChecks>>,
    ignore: Option<Patterns>,
    chains: BTreeMap<&'a str, Chain>,
    /// The file's `# check=` directive.
    file_checks: Option<&'a BuildChecks>,
}

impl<'a> Cx<'a> {
    /// Where `key` is in a parsed file.
    fn written(&self, key: &Key) -> Option<&'a SourceInstruction> {
        let stage = key.stage.checked_sub(1)?;
        self.lines?.get(&(stage, key.index)).copied()
    }

    /// The keyword as written in a parsed file (BuildKit's messages quote it so), or the
    /// model's.
    fn keyword<'k>(&self, key: &Key, model: &'k str) -> &'k str
    where
        'a: 'k,
    {
        self.written(key).map_or(model, SourceInstruction::keyword)
    }

    /// Takes the `# check=` comment of the instruction at `key`: from its source in a parsed
    /// file, read as BuildKit reads the comments there; else from the model's `comments`
    /// before it, as BuildKit will read them once rendered.
    fn comment_at(&mut self, key: &Key, comments: &[&str]) {
        self.comment = if self.lines.is_some() {
            self.written(key)
                .and_then(|i| i.checks.as_deref())
                .map(Cow::Borrowed)
        } else {
            rules::comment_check_options(&rendered_prev(comments))
                .map(|options| Cow::Owned(options.into()))
        };
    }

    /// A lint of an instruction the model does not hold (`written`, whose comment may skip
    /// it), at its line and column, ordered after the stage's instruction `position`.
    fn push_at(
        &mut self,
        from: &Key,
        position: usize,
        written: &AsWritten,
        rule: Rule,
        message: String,
    ) {
        if super::skipped(written.checks.as_ref(), rule) {
            return;
        }
        let key = Key {
            position,
            index: None,
            ..from.clone()
        };
        self.found.push((
            key,
            Lint {
                rule,
                message,
                location: Location::default(),
                line: Some(written.line),
                column: Some(written.column),
                end_line: None,
            },
        ));
    }

    fn push(&mut self, key: &Key, rule: Rule, message: String) {
        if super::skipped(self.comment.as_deref(), rule) {
            return;
        }
        let at = self.written(key);
        self.found.push((
            key.clone(),
            Lint {
                rule,
                message,
                location: key.location(),
                line: at.map(SourceInstruction::line),
                column: at.map(SourceInstruction::column),
                end_line: None,
            },
        ));
    }
}

/// The source of each `FROM` (index `None`) and instruction of a parsed file, by stage
/// index and instruction index: where the model's lints are reported, and the keyword as
/// written.
pub(super) type Lines<'p> = BTreeMap<(usize, Option<usize>), &'p SourceInstruction>;

pub(super) fn lints(
    df: &Dockerfile,
    dockerignore: Option<&str>,
    lines: Option<&Lines<'_>>,
    written: Option<&WrittenNames>,
) -> Vec<Lint> {
    let mut cx = Cx {
        found: Vec::new(),
        lines,
        comment: None,
        // A file BuildKit refuses fails the build before any check: no answer from it.
        ignore: dockerignore
            .map(Patterns::read)
            .and_then(|(p, refused)| refused.is_empty().then_some(p)),
        chains: BTreeMap::new(),
        file_checks: df.checks(),
    };
    let defaults = global_defaults(df);
    let mut globals = Env::default();
    for arg in df.args().iter() {
        globals.global_arg(arg);
    }
    for (i, arg) in df.args().iter().enumerate() {
        let key = Key {
            stage: 0,
            position: i + 1,
            index: None,
            location: LocationKey {
                stage: None,
                keyword: Some("ARG".to_owned()),
            },
        };
        let comments: Vec<&str> = df
            .arg_comments()
            .iter()
            .filter(|(before, _)| *before == i)
            .map(|(_, text)| text.as_str())
            .collect();
        cx.comment_at(&key, &comments);
        description(&mut cx, &key, "ARG", &[arg.name.as_str()], &comments);
    }
    let stages = df.stages();
    // The comments rendered right before the next `FROM`: those after the global ARGs, then
    // those a stage ends with, then the next stage's own.
    let mut before_from: Vec<&str> = df
        .arg_comments()
        .iter()
        .filter(|(before, _)| *before == df.args().len())
        .map(|(_, text)| text.as_str())
        .collect();
    for (i, stage) in stages.iter().enumerate() {
        let from = Key {
            stage: i + 1,
            position: 0,
            index: None,
            location: LocationKey {
                stage: Some(stage.name().to_owned()),
                keyword: None,
            },
        };
        before_from.extend(stage.leading_comment());
        cx.comment_at(&from, &before_from);
        from_checks(&mut cx, &from, stage, &defaults);
        description(&mut cx, &from, "FROM", &[stage.name()], &before_from);
        before_from.clear();
        for instruction in stage.instructions().iter().rev() {
            let Instruction::Comment(text) = instruction else {
                break;
            };
            before_from.push(text);
        }
        before_from.reverse();
        let chain = match stage.base() {
            Base::Stage(base) => cx.chains.get(base.name()).cloned().unwrap_or_default(),
            // `FROM ${BASE}` whose default names an earlier stage is built on that stage,
            // with its SHELL, WORKDIR and USER (BuildKit resolves the word first).
            Base::Image(image) if image.as_str().contains('$') => {
                let lookup = |n: &str| defaults.get(n).cloned().flatten();
                expand(image.as_str(), &lookup)
                    .and_then(|v| cx.chains.get(v.as_str()).cloned())
                    .unwrap_or_else(Chain::from_image)
            }
            Base::Image(_) | Base::Context(_) | Base::Scratch => Chain::from_image(),
        };
        let set = Written {
            names: written,
            stage: i,
            escape: df.escape().char(),
            defaults: &defaults,
            globals: &globals,
        };
        let mut chain = instruction_checks(&mut cx, &from, stage, chain, set);
        chain.env = std::mem::take(&mut chain.env).frozen();
        chain.vars = std::mem::take(&mut chain.vars).frozen();
        cx.chains.insert(stage.name(), chain);
    }
    if let Some(last) = stages.last() {
        let user = cx.chains.get(last.name()).and_then(|c| c.user.clone());
        if let Some((user, key)) = user {
            let name = user.split(':').next().unwrap_or_default();
            if name == "root" || name == "0" {
                cx.push(
                    &key,
                    Rule::LastUserRoot,
                    "Last USER should not be root".into(),
                );
            }
        }
    }
    let mut found = cx.found;
    found.sort_by_key(|(key, _)| (key.stage, key.position));
    found.into_iter().map(|(_, l)| l).collect()
}

/// The global `ARG`s with their defaults expanded in order, as BuildKit evaluates them when
/// no `--build-arg` is given; `None` for one without a default.
fn global_defaults(df: &Dockerfile) -> BTreeMap<String, Option<String>> {
    let mut values: BTreeMap<String, Option<String>> = AUTOMATIC_ARGS
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Some((*v).to_owned())))
        .collect();
    for arg in df.args() {
        let value = arg.default.as_ref().map(|d| {
            let lookup = |n: &str| values.get(n).cloned().flatten();
            expand(d, &lookup).unwrap_or_else(|| d.to_string())
        });
        values.insert(arg.name.to_string(), value);
    }
    values
}

/// InvalidDefaultArgInFrom, as BuildKit's `validateBaseImagesWithDefaultArgs` runs it: every
/// base as written, expanded with the defaults, is read as an image reference, an earlier
/// stage's name included (`FROM build_` warns though it names the stage `build_`), and
/// `scratch` is one.
fn default_base_check(
    cx: &mut Cx<'_>,
    key: &Key,
    stage: &Stage,
    defaults: &BTreeMap<String, Option<String>>,
) {
    let text = match stage.base() {
        Base::Image(image) => image.as_str(),
        Base::Stage(base) => base.name(),
        Base::Scratch | Base::Context(_) => return,
    };
    let result = if text.contains('$') {
        let lookup = |n: &str| defaults.get(n).cloned().flatten();
        match expand(text, &lookup) {
            Some(result) => result,
            None => return,
        }
    } else {
        text.to_owned()
    };
    if result != "scratch" && rules::image(&result).is_err() {
        cx.push(
            key,
            Rule::InvalidDefaultArgInFrom,
            format!("Default value for ARG {text} results in empty or invalid base image name"),
        );
    }
}

fn from_checks(
    cx: &mut Cx<'_>,
    key: &Key,
    stage: &Stage,
    defaults: &BTreeMap<String, Option<String>>,
) {
    if let Some(p) = stage.platform() {
        platform_checks(cx, key, stage.name(), p);
    }
    default_base_check(cx, key, stage, defaults);
    let Base::Image(image) = stage.base() else {
        return;
    };
    let text = image.as_str();
    if text.contains('$') {
        return;
    }
    match (image.tag(), image.digest()) {
        (None, None) => cx.push(
            key,
            Rule::UntaggedImage,
            "Always tag the version of an image explicitly".into(),
        ),
        (Some("latest"), None) => cx.push(
            key,
            Rule::LatestTag,
            "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag".into(),
        ),
        _ => {}
    }
}

fn platform_checks(cx: &mut Cx<'_>, key: &Key, stage: &str, p: &Platform) {
    let text = p.as_str();
    if text == "$TARGETPLATFORM" || text == "${TARGETPLATFORM}" {
        cx.push(
            key,
            Rule::RedundantTargetPlatform,
            format!("Setting platform to predefined {text} in FROM is redundant as this is the default behavior"),
        );
    }
    if text.contains('$') {
        return;
    }
    let mut parts = text.split('/');
    let (Some(os), Some(arch)) = (parts.next(), parts.next()) else {
        return;
    };
    if !stage.contains(os) && !stage.contains(arch) {
        cx.push(
            key,
            Rule::FromPlatformFlagConstDisallowed,
            format!(
                "FROM --platform flag should not use constant value {}",
                go_quote(text)
            ),
        );
    }
}

/// Walks a stage's instructions with the chain it inherits; returns what it passes on.
fn instruction_checks(
    cx: &mut Cx<'_>,
    from: &Key,
    stage: &Stage,
    mut chain: Chain,
    written: Written<'_>,
) -> Chain {
    let defaults = written.defaults;
    let globals = written.globals;
    // The last CMD, ENTRYPOINT and HEALTHCHECK of this stage (not inherited).
    let mut once: BTreeMap<&str, Key> = BTreeMap::new();
    let mut position = 0;
    let mut comments: Vec<&str> = Vec::new();
    for (index, instruction) in stage.instructions().iter().enumerate() {
        written.before(cx, from, position, index, &mut chain);
        if let Instruction::Comment(text) = instruction {
            comments.push(text);
            continue;
        }
        position += 1;
        let keyword = instruction.keyword();
        let key = Key {
            stage: from.stage,
            position,
            index: Some(index),
            location: LocationKey {
                stage: from.location.stage.clone(),
                keyword: Some(keyword.to_owned()),
            },
        };
        let before = std::mem::take(&mut comments);
        cx.comment_at(&key, &before);
        let mut uses = Uses::default();
        match instruction {
            Instruction::Cmd(c) | Instruction::Entrypoint(c) => {
                if matches!(c, Command::Shell(_)) && !chain.shell {
                    let written = cx.keyword(&key, keyword);
                    let message = format!(
                        "JSON arguments recommended for {written} to prevent unintended behavior related to OS signals"
                    );
                    cx.push(&key, Rule::JsonArgsRecommended, message);
                }
                used_once(cx, &mut once, keyword, &key);
            }
            Instruction::Healthcheck(_) => used_once(cx, &mut once, keyword, &key),
            Instruction::Shell(_) => chain.shell = true,
            Instruction::Env(pairs) | Instruction::Label(pairs) => {
                for (k, v) in pairs {
                    uses.word(k);
                    uses.word(v);
                }
                // The whole instruction is expanded before any of its variables is set:
                // `ENV A=1 B=$A` refers to an earlier A.
                uses.report(cx, &key, &chain);
                if let Instruction::Env(_) = instruction {
                    chain.vars.env(pairs);
                    for (k, _) in pairs {
                        secret(cx, &key, "ENV", k);
                        chain.set(k);
                    }
                }
                continue;
            }
            Instruction::Arg(arg) => {
                secret(cx, &key, "ARG", &arg.name);
                if let Some(d) = &arg.default {
                    uses.word(d);
                    uses.report(cx, &key, &chain);
                }
                // After the rest, as a parsed file's text lints come after its model's.
                description(cx, &key, "ARG", &[arg.name.as_str()], &before);
                chain.vars.arg(arg, globals);
                chain.declare(&arg.name, arg.default.is_some(), defaults);
                continue;
            }
            Instruction::Copy(copy) => {
                files(
                    cx,
                    &key,
                    "Copy",
                    &copy.sources,
                    copy.from.is_none(),
                    &chain,
                    &mut uses,
                );
                uses.word(&copy.dest);
                uses.opt(copy.chown.as_deref());
                uses.opt(symbolic(copy.chmod.as_ref()));
                if !chain.workdir && relative(&copy.dest) {
                    cx.push(
                        &key,
                        Rule::CopyRelativeWithoutWorkdir,
                        "`COPY` to a relative destination without `WORKDIR` set.".into(),
                    );
                }
            }
            Instruction::Add(add) => {
                files(cx, &key, "Add", &add.sources, true, &chain, &mut uses);
                uses.word(&add.dest);
                uses.opt(add.chown.as_deref());
                uses.opt(symbolic(add.chmod.as_ref()));
                uses.opt(add.checksum.as_deref());
            }
            Instruction::Workdir(path) => {
                uses.word(path);
                // BuildKit checks and shows the path expanded, with the values a build
                // without `--build-arg`s has. With a variable set to a value not known here,
                // a path that starts with it is taken as absolute.
                let expanded = chain.expanded(path);
                let relative = match &expanded {
                    Some(p) => !p.starts_with('/'),
                    None => !path.starts_with('/') && !path.starts_with('$'),
                };
                if !chain.workdir && relative {
                    cx.push(
                        &key,
                        Rule::WorkdirRelativePath,
                        format!(
                            "Relative workdir {} can have unexpected results if the base image changes",
                            go_quote(expanded.as_deref().unwrap_or(path))
                        ),
                    );
                }
                chain.workdir = true;
            }
            Instruction::User(user) => {
                uses.word(user);
                chain.user = Some((user.to_string(), key.clone()));
            }
            Instruction::Volume(paths) => paths.iter().for_each(|p| uses.word(p)),
            Instruction::StopSignal(s) => uses.word(s.as_str()),
            Instruction::Run(run) => {
                for m in &run.mounts {
                    match m {
                        Mount::Bind(b) => {
                            uses.word(&b.target);
                            uses.opt(b.source.as_deref());
                        }
                        Mount::Cache(c) => {
                            uses.word(&c.target);
                            uses.opt(c.id.as_deref());
                            uses.opt(c.source.as_deref());
                        }
                        Mount::Tmpfs(t) => uses.word(&t.target),
                        Mount::Secret(s) => {
                            uses.word(&s.id);
                            uses.opt(s.target.as_deref());
                        }
                        Mount::Ssh(s) => {
                            uses.opt(s.id.as_deref());
                            uses.opt(s.target.as_deref());
                        }
                    }
                }
            }
            Instruction::Expose(ports) => {
                // The words BuildKit expands: a parsed file's as written, else the model's
                // ports with a variable (one without has no host part and a lower-case
                // protocol).
                let words: Vec<String> = match cx.written(&key) {
                    Some(source) => super::written::expose_words(source, written.escape),
                    None => ports
                        .iter()
                        .filter(|p| p.as_variable().is_some())
                        .map(ToString::to_string)
                        .collect(),
                };
                for word in words.iter().filter(|w| w.contains('$')) {
                    for finding in expose_checks(word, &chain.vars, written.escape) {
                        cx.push(&key, finding.0, finding.1);
                    }
                }
            }
            // ONBUILD runs in another build; BuildKit does not check it here.
            Instruction::OnBuild(_) | Instruction::Maintainer(_) | Instruction::Comment(_) => {}
        }
        uses.report(cx, &key, &chain);
    }
    written.before(cx, from, position, stage.instructions().len(), &mut chain);
    cx.comment = None;
    chain
}

/// The names instructions kept as written set in a stage, and the global defaults an
/// `ARG` without its own takes.
#[derive(Clone, Copy)]
struct Written<'a> {
    names: Option<&'a WrittenNames>,
    stage: usize,
    escape: char,
    defaults: &'a BTreeMap<String, Option<String>>,
    /// The global `ARG`s' values, for the stages' `ARG`s without a default.
    globals: &'a Env,
}

impl Written<'_> {
    /// The instructions kept as written before the model's instruction `index` (after the
    /// stage's instruction `position`): UndefinedVar of what they expand, then the names
    /// they set, in `chain`.
    fn before(
        &self,
        cx: &mut Cx<'_>,
        from: &Key,
        position: usize,
        index: usize,
        chain: &mut Chain,
    ) {
        let Some(list) = self.names.and_then(|n| n.get(&(self.stage, index))) else {
            return;
        };
        for written in list {
            // The names BuildKit's lexer looks up in the words (none in single quotes).
            let used: RefCell<Vec<String>> = RefCell::default();
            let record = |name: &str| -> Option<Pattern> {
                let mut used = used.borrow_mut();
                if !used.iter().any(|u| u == name) {
                    used.push(name.to_owned());
                }
                None
            };
            for word in &written.expands {
                // A word BuildKit cannot expand fails the build; `check` reads the file.
                let _ = crate::expand::expand(word, self.escape, &record);
            }
            for name in used.into_inner().iter().filter(|n| !chain.defined(n)) {
                let message = undefined_var(name, chain);
                cx.push_at(from, position, written, Rule::UndefinedVar, message);
            }
            for port in &written.mappings {
                for (rule, message) in expose_checks(port, &chain.vars, self.escape) {
                    // A literal protocol is the text lint's.
                    if rule == Rule::ExposeInvalidFormat || port.contains('$') {
                        cx.push_at(from, position, written, rule, message);
                    }
                }
            }
            for set in &written.sets {
                match set {
                    Sets::Env(name) => {
                        chain.vars.set_unknown(name);
                        chain.set(name);
                    }
                    Sets::Arg(name, default) => {
                        chain.vars.set_unknown(name);
                        chain.declare(name, *default, self.defaults);
                    }
                }
            }
        }
    }
}

/// The model's `comments` right before an instruction as BuildKit will keep them for it once
/// rendered (its `PrevComment`): each line a comment of its own, trimmed, an empty one
/// forgetting those above it.
fn rendered_prev<'c>(comments: &[&'c str]) -> Vec<&'c str> {
    let mut prev: Vec<&str> = Vec::new();
    for line in comments.iter().flat_map(|c| c.split('\n')) {
        match line.trim() {
            "" => prev.clear(),
            text => prev.push(text),
        }
    }
    prev
}

/// BuildKit's experimental `InvalidDefinitionDescription` on a builder's model (a parsed
/// file's text lints tell it from the source): the `ARG` or `FROM` at `key` defines `keys`
/// after the model's `comments`, whose `# check=` comment [`Cx::comment_at`] has taken.
fn description(cx: &mut Cx<'_>, key: &Key, instruction: &str, keys: &[&str], comments: &[&str]) {
    let rule = Rule::InvalidDefinitionDescription;
    if cx.lines.is_some() || !super::experimental(cx.file_checks, cx.comment.as_deref(), rule) {
        return;
    }
    let Some(last) = rendered_prev(comments).pop() else {
        return;
    };
    let word = last.split(' ').next().unwrap_or_default();
    if let Some(message) = super::invalid_description(instruction, keys, word) {
        cx.push(key, rule, message);
    }
}

/// Reports the instruction that `key` overrides, as BuildKit does (the earlier one is the
/// one that has no effect).
fn used_once<'a>(cx: &mut Cx<'_>, once: &mut BTreeMap<&'a str, Key>, keyword: &'a str, key: &Key) {
    if let Some(previous) = once.insert(keyword, key.clone()) {
        let written = cx.keyword(key, keyword);
        let message = format!(
            "Multiple {written} instructions should not be used in the same stage because only the last one will be used"
        );
        cx.push(&previous, Rule::MultipleInstructionsDisallowed, message);
    }
}

fn relative(dest: &str) -> bool {
    !dest.starts_with('/') && !dest.starts_with('$')
}

fn files(
    cx: &mut Cx<'_>,
    key: &Key,
    verb: &str,
    sources: &Sources,
    from_context: bool,
    chain: &Chain,
    uses: &mut Uses,
) {
    let paths = match sources {
        Sources::Paths(paths) => paths,
        // A body BuildKit expands (its marker unquoted) refers to variables too.
        Sources::Heredocs(docs) => {
            for doc in docs.iter().filter(|d| d.expand) {
                uses.words.push(
                    rules::body_variables(&doc.content)
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                );
            }
            return;
        }
        Sources::Inline(_) => return,
    };
    for p in paths {
        uses.word(p);
        let remote = p.starts_with("http://") || p.starts_with("https://") || p.starts_with("git@");
        if !from_context || remote {
            continue;
        }
        let Some(ignore) = &cx.ignore else { continue };
        // BuildKit checks the source as expanded.
        if let Some(source) = chain.expanded(p).and_then(|e| ignore.ignores_source(&e)) {
            let message = format!(
                "Attempting to {verb} file {} that is excluded by .dockerignore",
                go_quote(&source)
            );
            cx.push(key, Rule::CopyIgnoredFile, message);
        }
    }
}

/// Whether BuildKit reads an `EXPOSE` port (as expanded) with an address or a host port
/// (its `splitParts`: `[ip:]host:container`, the text before the last two `:`s the
/// address); `:80` has neither.
fn maps_host(port: &str) -> bool {
    let parts: Vec<&str> = port.split(':').collect();
    match parts.as_slice() {
        [_] => false,
        [host, _] => !host.is_empty(),
        [ip, host, _] => !ip.is_empty() || !host.is_empty(),
        _ => true,
    }
}

/// BuildKit's checks of an `EXPOSE` word, on the ports it expands to: shown with the values
/// the stage gives its variables, empty when unset (one set to what is not known here keeps
/// its name).
fn expose_checks(word: &str, vars: &Env, escape: char) -> Vec<(Rule, String)> {
    let shown = crate::expand::expand(word, escape, &|n: &str| vars.shown(n))
        .map_or_else(|_| word.to_owned(), |p| p.display());
    let mut found = Vec::new();
    for port in shown.split_ascii_whitespace() {
        // BuildKit looks for the `:` in the port it expanded: the one of `${PORT:-80}` is
        // gone by then.
        if maps_host(port) {
            found.push((
                Rule::ExposeInvalidFormat,
                format!(
                    "EXPOSE instruction should not define an IP address or host-port mapping, found '{port}'"
                ),
            ));
        }
        let proto = port.split_once('/').map_or("", |(_, p)| p);
        if proto.to_lowercase() != proto {
            found.push((
                Rule::ExposeProtoCasing,
                format!("Defined protocol '{port}' in EXPOSE instruction should be lowercase"),
            ));
        }
    }
    found
}

/// BuildKit's `SecretsUsedInArgOrEnv`: a `_`-separated word of the name is a secret word,
/// and none is an allowed one.
fn secret(cx: &mut Cx<'_>, key: &Key, instruction: &str, name: &str) {
    const DENY: [&str; 10] = [
        "apikey",
        "auth",
        "credential",
        "credentials",
        "key",
        "password",
        "pword",
        "passwd",
        "secret",
        "token",
    ];
    const ALLOW: [&str; 3] = ["public", "file", "version"];
    let has = |set: &[&str]| {
        name.split('_')
            .any(|w| set.iter().any(|s| w.eq_ignore_ascii_case(s)))
    };
    if has(&DENY) && !has(&ALLOW) {
        cx.push(
            key,
            Rule::SecretsUsedInArgOrEnv,
            format!(
                "Do not use ARG or ENV instructions for sensitive data ({instruction} {})",
                go_quote(name)
            ),
        );
    }
}

/// The variables an instruction's words refer to, reported once per word as BuildKit's
/// expander does.
#[derive(Default)]
struct Uses {
    words: Vec<BTreeSet<String>>,
}

impl Uses {
    fn word(&mut self, word: &str) {
        self.words.push(
            rules::variables(word)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        );
    }

    fn opt(&mut self, word: Option<&str>) {
        if let Some(w) = word {
            self.word(w);
        }
    }

    fn report(&mut self, cx: &mut Cx<'_>, key: &Key, chain: &Chain) {
        for word in std::mem::take(&mut self.words) {
            for name in word {
                if chain.defined(&name) {
                    continue;
                }
                let message = undefined_var(&name, chain);
                cx.push(key, Rule::UndefinedVar, message);
            }
        }
    }
}

/// UndefinedVar's message for `name`, with the closest name `chain` sets.
fn undefined_var(name: &str, chain: &Chain) -> String {
    match suggest(name, chain.env.in_order()) {
        Some(s) => format!("Usage of undefined variable '${name}' (did you mean ${s}?)"),
        None => format!("Usage of undefined variable '${name}'"),
    }
}

/// A `--chmod` as written when it is not a number: BuildKit expands its variables too.
fn symbolic(chmod: Option<&crate::Chmod>) -> Option<&str> {
    match chmod {
        Some(crate::Chmod::Symbolic(mode)) => Some(mode),
        _ => None,
    }
}
