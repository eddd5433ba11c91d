//! Checks a whole `Dockerfile` model, collecting every problem with its location. The rules
//! themselves live in [`rules`](crate::rules); this module walks the model and says where.

use crate::error::{Location, Problem, ProblemKind};
use crate::model::dockerfile::{Dockerfile, Syntax};
use crate::model::instruction::{
    Add, Command, Copy, Healthcheck, Instruction, Run, RunCommand, Sources,
};
use crate::model::mount::Mount;
use crate::model::source::Source;
use crate::model::stage::{Base, Stage};
use crate::model::text::Text;
use crate::render::{self, Bound, Style, escape::plain_path};
use crate::rules::{self, Check, Invalid};
use std::borrow::Cow;
use std::collections::HashSet;

/// BuildKit reads lines of at most 64 KiB - 1 bytes.
const MAX_LINE: usize = 65_535;

/// Where the checks are, borrowed from the model: a [`Location`] is made only for a problem.
#[derive(Clone, Copy, Default)]
struct Here<'a> {
    /// The stage's name, or `None` for the header and the global ARGs.
    stage: Option<&'a str>,
    /// The stage's index in the Dockerfile.
    index: Option<usize>,
    /// The instruction's position and keyword.
    instruction: Option<(usize, &'static str)>,
    /// Inside `ONBUILD`, the keyword of the instruction it holds.
    onbuild: Option<&'static str>,
}

impl Here<'_> {
    fn location(&self, field: Option<&'static str>) -> Location {
        Location {
            stage: self.stage.map(str::to_owned),
            instruction: self.instruction.map(|(n, keyword)| {
                let keyword = match self.onbuild {
                    Some(inner) => Cow::Owned(format!("ONBUILD {inner}")),
                    None => Cow::Borrowed(keyword),
                };
                (n, keyword)
            }),
            field,
        }
    }
}

struct Cx<'a> {
    problems: Vec<Problem>,
    here: Here<'a>,
    escape: char,
    /// The pinned minor version of the frontend, if any.
    minor: Option<u32>,
    /// The Dockerfile's stages, to tell whether a name is one of theirs.
    stages: Names<'a>,
    /// The last base image found valid (the rules are pure functions).
    image_ok: Option<&'a str>,
    /// The bound on the length of the instruction being checked: the checks add each value
    /// as they read it (the same terms as the walk of `render::bound::may_exceed`, which the tests
    /// hold this one to), so that the model is read once.
    bound: Bound,
    /// The values found valid so far by the rules that read a value alone.
    passed: Passed,
}

impl<'a> Cx<'a> {
    /// A context with no problem yet, for files escaped with `escape` and pinned to the
    /// frontend's `minor` version (if any).
    fn new(escape: char, minor: Option<u32>, stages: Names<'a>) -> Self {
        Cx {
            problems: Vec::new(),
            here: Here::default(),
            escape,
            minor,
            stages,
            image_ok: None,
            bound: Bound::default(),
            passed: Passed::default(),
        }
    }

    /// [`check`](Self::check) of `rule`, a rule that reads `value` alone (`check` applies
    /// it), skipped for a value at the same address that passed it before.
    fn check_once(
        &mut self,
        field: &'static str,
        rule: Rule,
        value: &str,
        check: impl FnOnce(&str) -> Check,
    ) {
        if self.passed.contains(value, rule) {
            return;
        }
        match check(value) {
            Ok(()) => self.passed.insert(value, rule),
            Err(e) => self.report(Some(field), e),
        }
    }

    /// [`Cx::check_once`] of a rule that is BuildKit's for some values only: a value it
    /// refuses breaks only the model's rule when `model_only` says so of it (the check of
    /// such a value is rare, and out of line).
    fn check_once_or_model(
        &mut self,
        field: &'static str,
        rule: Rule,
        value: &str,
        check: impl FnOnce(&str) -> Check,
        model_only: fn(&str) -> bool,
    ) {
        if self.passed.contains(value, rule) {
            return;
        }
        match check(value) {
            Ok(()) => self.passed.insert(value, rule),
            Err(e) => self.refused(field, value, e, model_only),
        }
    }

    #[cold]
    fn refused(
        &mut self,
        field: &'static str,
        value: &str,
        e: Invalid,
        model_only: fn(&str) -> bool,
    ) {
        if model_only(value) {
            self.report_model_only(Some(field), e);
        } else {
            self.report(Some(field), e);
        }
    }

    /// A name (of a variable, a label): BuildKit builds any name but a blank one (`a-b`,
    /// `0`, which `$NAME` cannot refer to). A name the renderer writes as it is
    /// ([`rules::bare_name`]) breaks only the model's rule; any other one is refused, as
    /// the canonical form has no way to write it.
    fn check_name(
        &mut self,
        field: &'static str,
        rule: Rule,
        value: &str,
        check: impl FnOnce(&str) -> Check,
    ) {
        self.check_once_or_model(field, rule, value, check, rules::bare_name);
    }

    fn report(&mut self, field: Option<&'static str>, invalid: Invalid) {
        self.report_as(ProblemKind::BuildKit, field, invalid);
    }

    /// A rule of the model that BuildKit does not have (see [`ProblemKind::ModelOnly`]).
    fn report_model_only(&mut self, field: Option<&'static str>, invalid: Invalid) {
        self.report_as(ProblemKind::ModelOnly, field, invalid);
    }

    fn report_as(&mut self, kind: ProblemKind, field: Option<&'static str>, invalid: Invalid) {
        // BuildKit reads an ONBUILD trigger only where it runs.
        let kind = match kind {
            ProblemKind::BuildKit if self.here.onbuild.is_some() => ProblemKind::Trigger,
            kind => kind,
        };
        self.problems.push(Problem {
            location: self.here.location(field),
            message: invalid.message,
            help: invalid.help,
            position: None,
            kind,
            stage_index: self.here.index,
        });
    }

    /// Whether some value of its variables makes `template` a stage's name.
    fn may_spell_a_stage(&self, template: &str) -> bool {
        match &self.stages {
            Names::Known(names) => names
                .stages
                .iter()
                .any(|s| rules::template_could_be(template, s.name())),
            Names::Later(_) => false,
        }
    }

    fn is_stage_name(&mut self, name: &'a str) -> bool {
        match &mut self.stages {
            Names::Known(stages) => stages.contains(name),
            Names::Later(later) => {
                if rules::stage_name_shaped(name) {
                    later.push(name);
                }
                false
            }
        }
    }

    fn check(&mut self, field: &'static str, result: Check) {
        if let Err(e) = result {
            self.report(Some(field), e);
        }
    }

    /// [`check`](Self::check) of a rule of the model's own: BuildKit reads any such value
    /// in a file (see [`ProblemKind::ModelOnly`]).
    fn check_model_only(&mut self, field: &'static str, result: Check) {
        if let Err(e) = result {
            self.report_model_only(Some(field), e);
        }
    }

    /// A feature that needs `docker/dockerfile:1.{minor}` or newer.
    #[inline]
    fn needs(&mut self, field: &'static str, feature: &str, minor: u32) {
        // Most files pin no minor version: that is told here, without a call.
        if let Some(pinned) = self.minor {
            if pinned < minor {
                self.too_old(field, feature, minor, pinned);
            }
        }
    }

    #[cold]
    fn too_old(&mut self, field: &'static str, feature: &str, minor: u32, pinned: u32) {
        self.report(
            Some(field),
            Invalid {
                message: format!("{feature} needs docker/dockerfile:1.{minor}, but the syntax is pinned to 1.{pinned}"),
                help: Some(format!("pin `Syntax::Minor({minor})` or newer, or use `Syntax::Stable`")),
            },
        );
    }
}

fn invalid(message: impl Into<String>, help: Option<&str>) -> Invalid {
    Invalid {
        message: message.into(),
        help: help.map(str::to_owned),
    }
}

pub(crate) fn dockerfile(df: &Dockerfile, problems: &mut Vec<Problem>) {
    let mut checker = Checker::new(df, Names::Known(Box::new(StageNames::new(df.stages()))));
    for (index, stage) in df.stages().iter().enumerate() {
        checker.stage(Some(index), stage);
    }
    problems.append(&mut checker.cx.problems);
    if df.is_compat() {
        compat(df, problems);
    }
}

/// The checks of [`dockerfile`] one stage at a time, for the graph walk that makes a
/// `Dockerfile` to run on each stage as it first reaches it (`assemble`), while the stage is
/// in the caches, instead of in a second pass over the model. It only tells whether there is
/// a problem: the walk does not know yet the stages' indexes nor every stage's name, so the
/// problems in their order and with their locations are found again by [`dockerfile`].
pub(crate) struct Checker<'a> {
    cx: Cx<'a>,
    global: Globals<'a>,
    /// One buffer for the text of any instruction that may be too long.
    text: String,
}

impl<'a> Checker<'a> {
    /// The checks of the header and global ARGs of `df`, whose stages are not read: they
    /// are given to [`stage`](Self::stage).
    pub(crate) fn walking(df: &'a Dockerfile) -> Self {
        Checker::new(df, Names::Later(Vec::new()))
    }

    fn new(df: &'a Dockerfile, stages: Names<'a>) -> Self {
        let minor = match df.syntax {
            Syntax::Minor(n) => Some(n),
            _ => None,
        };
        let mut cx = Cx::new(df.escape().char(), minor, stages);
        if let Some(checks) = df.checks() {
            for rule in checks.rules() {
                // BuildKit takes any name (and skips no rule for one none has).
                cx.check_model_only("# check", rules::check_rule(rule));
            }
            cx.needs("# check", "the check directive", 8);
        }
        if let Syntax::Frontend(image) = &df.syntax {
            cx.check("# syntax", rules::image(image).map(|_| ()));
        }
        for (before, text) in df.arg_comments() {
            // Told at the ARG it comments (the last one, after them all), so that a file's
            // reader can point at it.
            let arg = (*before + 1).min(df.args().len());
            cx.here = Here {
                instruction: (arg > 0).then_some((arg, "ARG")),
                ..Here::default()
            };
            cx.check_model_only("comment", comment(text));
        }
        for (i, arg) in df.args().iter().enumerate() {
            cx.here = Here {
                instruction: Some((i + 1, "ARG")),
                ..Here::default()
            };
            cx.check_name("name", Rule::Variable, &arg.name, rules::variable_name);
            if let Some(v) = &arg.default {
                cx.check("default", rules::one_line(v));
            }
            if render::arg_may_exceed(arg, MAX_LINE) {
                let mut line = String::new();
                render::push_arg(&mut line, arg, cx.escape);
                line_lengths(&mut cx, &line);
            }
        }
        Checker {
            cx,
            global: Globals {
                args: df.args(),
                sorted: None,
            },
            text: String::new(),
        }
    }

    /// The checks of one stage, the `index`th of the Dockerfile when it is known.
    pub(crate) fn stage(&mut self, index: Option<usize>, stage: &'a Stage) {
        stage_checks(&mut self.cx, index, stage, &mut self.global, &mut self.text);
    }

    /// Whether no check found a problem, `is_stage` telling the names of the Dockerfile's
    /// stages once they are all known.
    pub(crate) fn is_clean(&self, is_stage: impl Fn(&str) -> bool) -> bool {
        // A name that is not shaped like a stage name was refused by `stage_checks`, so
        // one shaped like one is all an image or context can be taken for.
        let later = match &self.cx.stages {
            Names::Later(later) => later.as_slice(),
            Names::Known(_) => &[],
        };
        self.cx.problems.is_empty() && !later.iter().any(|name| is_stage(name))
    }
}

fn stage_checks<'a>(
    cx: &mut Cx<'a>,
    index: Option<usize>,
    stage: &'a Stage,
    global: &mut Globals<'_>,
    text: &mut String,
) {
    cx.here = Here {
        stage: Some(stage.name()),
        index,
        ..Here::default()
    };
    if let Err(e) = rules::stage_name(stage.name()) {
        // BuildKit builds a stage named `scratch` (ReservedStageName); a name it refuses
        // is refused when the file is read.
        cx.report_model_only(None, e);
    }
    if let Some(text) = stage.leading_comment() {
        cx.check_model_only("comment", comment(text));
    }
    let mut from_vars = Vec::new();
    if let Some(p) = stage.platform() {
        cx.check("--platform", rules::platform(p.as_str()));
        from_vars.extend(rules::variables(p.as_str()));
    }
    match stage.base() {
        // Many stages start from one image: what is told of the image alone (its reference,
        // its variables, whether it names a stage) is told once. The checks are pure, and a
        // stage name to look up later is already in the list.
        Base::Image(image) if cx.image_ok == Some(image.as_str()) => {}
        Base::Image(image) => {
            let result = image.check();
            let mut ok = result.is_ok();
            match result {
                // `b_.${S}` is no reference whatever `S` holds, but it is the stage `b_._`
                // when `S` is `_`: BuildKit builds that, the model holds only images here.
                Err(e) if image.as_str().contains('$') && cx.may_spell_a_stage(image.as_str()) => {
                    cx.report_model_only(Some("base image"), e);
                }
                result => cx.check("base image", result),
            }
            for var in rules::variables(image.as_str()) {
                ok &= global.contains(var);
                from_vars.push(var);
            }
            if cx.is_stage_name(image.as_str()) {
                ok = false;
                cx.report_model_only(
                    Some("base image"),
                    invalid(
                        format!("image `{image}` has the name of a stage, so BuildKit would use the stage"),
                        Some("use `Stage::from_stage` for the stage, or add a tag to the image"),
                    ),
                );
            }
            cx.image_ok = ok.then_some(image.as_str());
        }
        Base::Context(c) => context_checks(cx, "base context", c.name()),
        Base::Scratch | Base::Stage(_) => {}
    }
    for (k, &var) in from_vars.iter().enumerate() {
        // One problem a name (`${REG:+${REG}/}` names it twice).
        if !global.contains(var) && !from_vars[..k].contains(&var) {
            cx.report_model_only(
                Some("FROM"),
                invalid(
                    format!(
                        "`${var}` in FROM is not a global build argument, so it would be empty"
                    ),
                    Some(&format!(
                        "declare it with `Dockerfile::builder().arg(\"{var}\")`"
                    )),
                ),
            );
        }
    }
    for (position, instruction) in located(stage) {
        cx.here.instruction = Some(position);
        cx.bound = Bound::default();
        instruction_checks(cx, instruction);
        // Only an instruction that may hold a line longer than BuildKit reads is rendered.
        if cx.bound.exceeds(MAX_LINE) {
            text.clear();
            render::instruction_text(instruction, Style::canonical(cx.escape), text);
            line_lengths(cx, text);
        }
    }
}

/// The bound that the checks of `instruction` add up (for the tests, which hold it to the
/// reference walk's).
#[cfg(test)]
pub(crate) fn bound_of(instruction: &Instruction) -> Bound {
    let mut cx = Cx::new('\\', Some(0), Names::none());
    instruction_checks(&mut cx, instruction);
    cx.bound
}

/// Each instruction of `stage` with its position and keyword (the instruction part of its
/// location): the position counts instructions from 1, and a comment takes the position of
/// the instruction after it.
fn located(stage: &Stage) -> impl Iterator<Item = ((usize, &'static str), &Instruction)> {
    let mut n = 0;
    stage.instructions().iter().map(move |instruction| {
        let comment = matches!(instruction, Instruction::Comment(_));
        if !comment {
            n += 1;
        }
        let position = if comment { n + 1 } else { n };
        ((position, instruction.keyword()), instruction)
    })
}

/// What stops [`Dockerfile::render_compat`](crate::Dockerfile::render_compat): the features
/// of newer builders that the compatibility text cannot express without changing what the
/// build does.
pub(crate) fn compat(df: &Dockerfile, problems: &mut Vec<Problem>) {
    let mut cx = Cx::new(df.escape().char(), None, Names::none());
    for stage in df.stages() {
        let mut shell = render::inherited_shell(stage);
        let mut text = String::new();
        cx.here = Here {
            stage: Some(stage.name()),
            ..Here::default()
        };
        for (position, instruction) in located(stage) {
            cx.here.instruction = Some(position);
            compat_checks(&mut cx, instruction, false);
            text.clear();
            let style = Style {
                esc: cx.escape,
                compat: Some(&shell),
                pins: None,
            };
            render::instruction_text(instruction, style, &mut text);
            line_lengths(&mut cx, &text);
            if let Instruction::Shell(argv) = instruction {
                shell.clear();
                shell.extend_from_slice(argv);
            }
        }
    }
    problems.append(&mut cx.problems);
}

fn compat_checks(cx: &mut Cx<'_>, instruction: &Instruction, onbuild: bool) {
    let older = "older builders do not read it";
    let inline = |cx: &mut Cx<'_>, sources: &Sources| {
        if matches!(sources, Sources::Inline(_) | Sources::Heredocs(_)) {
            cx.report(
                Some("source"),
                invalid(
                    format!("an inline file is a heredoc, and {older}"),
                    Some("put the file in the build context and copy it from there"),
                ),
            );
        }
    };
    match instruction {
        Instruction::Run(run) => {
            if let RunCommand::Heredocs { .. } = &run.command {
                cx.report(
                    Some("command"),
                    invalid(
                        format!("a command that reads heredocs needs them, and {older}"),
                        Some("put the documents in the build context and read them from there"),
                    ),
                );
            }
            if let RunCommand::Shell(s) = &run.command {
                if s.contains('\n') && s.starts_with("#!") {
                    cx.report(
                        Some("command"),
                        invalid(
                            format!("a script with a shebang line is run by its interpreter as a heredoc file, and {older}"),
                            Some("put the script in the build context, copy it and run it"),
                        ),
                    );
                } else if s.contains('\n') && onbuild {
                    cx.report(
                        Some("command"),
                        invalid(
                            format!("a multi-line script in ONBUILD is a heredoc, and {older}"),
                            Some("use `Run::chain` or a one-line command"),
                        ),
                    );
                }
            }
            if run.network.is_some() {
                cx.report(
                    Some("--network"),
                    invalid(
                        format!("`RUN --network` limits what the step may reach, and {older}"),
                        Some("drop `.network(..)` for builders without it"),
                    ),
                );
            }
        }
        Instruction::Copy(copy) => inline(cx, &copy.sources),
        Instruction::Add(add) => inline(cx, &add.sources),
        Instruction::OnBuild(inner) => compat_checks(cx, inner, true),
        _ => {}
    }
}

fn line_lengths(cx: &mut Cx<'_>, text: &str) {
    // No line is longer than the whole text.
    if text.len() <= MAX_LINE {
        return;
    }
    if let Some(len) = text.lines().map(str::len).find(|&len| len > MAX_LINE) {
        cx.report(
            None,
            invalid(
                format!("a line of this instruction is {len} bytes long; BuildKit reads at most {MAX_LINE}"),
                Some("shorten the value, or move the data into a file in the build context"),
            ),
        );
    }
}

fn context_checks<'a>(cx: &mut Cx<'a>, field: &'static str, name: &'a str) {
    cx.check(field, rules::stage_name(name));
    if cx.is_stage_name(name) {
        cx.report_model_only(
            Some(field),
            invalid(
                format!("build context `{name}` has the name of a stage, so BuildKit would use the stage"),
                Some("rename the context or the stage"),
            ),
        );
    }
}

fn source_checks<'a>(cx: &mut Cx<'a>, field: &'static str, source: &'a Source) {
    match source {
        Source::Stage(_) => {}
        Source::Image(image) => {
            cx.check(field, image.check());
            if image.as_str().contains('$') {
                cx.report(
                    Some(field),
                    invalid(
                        "variables are not expanded in `--from`",
                        Some("make a stage `FROM ${VAR}` and copy from that stage"),
                    ),
                );
            }
            if cx.is_stage_name(image.as_str()) {
                cx.report_model_only(
                    Some(field),
                    invalid(
                        format!("image `{image}` has the name of a stage, so BuildKit would use the stage"),
                        Some("refer to the stage by value, or add a tag to the image"),
                    ),
                );
            }
        }
        Source::Context(c) => context_checks(cx, field, c.name()),
    }
}

fn instruction_checks<'a>(cx: &mut Cx<'a>, instruction: &'a Instruction) {
    match instruction {
        Instruction::Run(run) => run_checks(cx, run),
        Instruction::Cmd(c) | Instruction::Entrypoint(c) => command_checks(cx, "command", c, true),
        Instruction::Shell(argv) => {
            if argv.is_empty() {
                cx.report(
                    Some("shell"),
                    invalid(
                        "SHELL needs at least the shell program",
                        Some("write e.g. `[\"/bin/bash\", \"-c\"]`"),
                    ),
                );
            }
            for a in argv {
                cx.bound.item_value(a);
                cx.check_once("shell", Rule::ExecArg, a, rules::exec_arg);
            }
        }
        Instruction::Env(pairs) | Instruction::Label(pairs) => {
            let is_env = matches!(instruction, Instruction::Env(_));
            if pairs.is_empty() {
                cx.report(None, invalid("no key=value pair", None));
            }
            for (k, v) in pairs {
                cx.bound.item_value(k);
                cx.bound.value(v);
                if is_env {
                    cx.check_name("key", Rule::Variable, k, rules::variable_name);
                } else {
                    cx.check_name("key", Rule::LabelKey, k, rules::label_key);
                }
                cx.check("value", rules::one_line(v));
            }
        }
        Instruction::Arg(arg) => {
            cx.bound.arg(arg);
            cx.check_name("name", Rule::Variable, &arg.name, rules::variable_name);
            if let Some(v) = &arg.default {
                cx.check("default", rules::one_line(v));
            }
        }
        Instruction::Expose(ports) => {
            if ports.is_empty() {
                cx.report(None, invalid("no port", None));
            }
            for p in ports {
                cx.bound.item();
                cx.bound.option(p.as_variable());
                cx.check("port", p.check());
            }
        }
        Instruction::Copy(copy) => copy_checks(cx, copy),
        Instruction::Add(add) => add_checks(cx, add),
        Instruction::Volume(paths) => {
            if paths.is_empty() {
                cx.report(None, invalid("no path", None));
            }
            for p in paths {
                cx.bound.item_value(p);
                cx.check_once("path", Rule::Path, p, path);
                if p.trim() != p {
                    cx.report(
                        Some("path"),
                        invalid(
                            format!(
                                "volume {} starts or ends with whitespace, which BuildKit drops",
                                rules::show(p)
                            ),
                            Some("trim the path"),
                        ),
                    );
                }
            }
        }
        Instruction::User(u) => {
            cx.bound.value(u);
            cx.check_once("user", Rule::User, u, rules::user);
        }
        Instruction::Workdir(p) => {
            cx.bound.value(p);
            cx.check("path", path(p).and_then(|()| rules::one_line(p)));
        }
        Instruction::OnBuild(inner) => {
            cx.bound.item();
            if matches!(
                **inner,
                Instruction::OnBuild(_) | Instruction::Maintainer(_) | Instruction::Comment(_)
            ) {
                cx.report(
                    None,
                    invalid(
                        format!("{} is not allowed in ONBUILD", inner.keyword()),
                        Some("ONBUILD takes any instruction but ONBUILD, FROM and MAINTAINER"),
                    ),
                );
            }
            if refers(inner) {
                cx.needs("--from", "a stage reference in ONBUILD", 11);
            }
            let outer = cx.here.onbuild.replace(inner.keyword());
            instruction_checks(cx, inner);
            cx.here.onbuild = outer;
        }
        Instruction::StopSignal(s) => {
            cx.bound.value(s.as_str());
            // `sigterm`, `99`: BuildKit takes them, the model writes neither.
            cx.check_once_or_model(
                "signal",
                Rule::Signal,
                s.as_str(),
                rules::signal,
                rules::signal_buildkit_takes,
            );
        }
        Instruction::Healthcheck(Healthcheck::None) => {}
        Instruction::Healthcheck(Healthcheck::Check(check)) => {
            cx.bound.item();
            command_checks(cx, "command", &check.command, false);
            let durations = [
                ("--interval", check.interval),
                ("--timeout", check.timeout),
                ("--start-period", check.start_period),
                ("--start-interval", check.start_interval),
            ];
            for (field, d) in durations {
                if let Some(d) = d {
                    cx.check(field, rules::health_duration_nanos(d.as_nanos()));
                }
            }
            if check.start_interval.is_some() {
                cx.needs("--start-interval", "`--start-interval`", 6);
            }
        }
        Instruction::Maintainer(name) => {
            cx.bound.value(name);
            cx.check("name", rules::one_line(name));
        }
        Instruction::Comment(text) => {
            cx.bound.value(text);
            cx.check_model_only("text", comment(text));
        }
    }
}

/// A comment's text: BuildKit drops comments whatever they hold, so both rules are the
/// model's (the renderer writes each line of it after `# `).
fn comment(text: &str) -> Check {
    rules::no_nul(text).and_then(|()| {
        if text.contains('\r') {
            Err(invalid(
                "contains a carriage return",
                Some("use `\\n` to start a new comment line"),
            ))
        } else {
            Ok(())
        }
    })
}

fn path(p: &str) -> Check {
    rules::not_empty(p, "the path")?;
    rules::no_nul(p)
}

fn command_checks(cx: &mut Cx<'_>, field: &'static str, c: &Command, empty_ok: bool) {
    match c {
        Command::Exec(argv) => {
            if argv.is_empty() && !empty_ok {
                cx.report(Some(field), rules::empty_command());
            }
            for a in argv {
                cx.bound.item_value(a);
                cx.check_once(field, Rule::ExecArg, a, rules::exec_arg);
            }
        }
        Command::Shell(s) => {
            cx.bound.value(s);
            // A shell command reaches the model from a file only as BuildKit read it: what
            // `shell_command` refuses is what the canonical form cannot write, or what older
            // frontends read otherwise (a leading JSON array).
            cx.check_model_only(field, rules::shell_command(s, cx.escape, false));
        }
    }
}

fn run_checks<'a>(cx: &mut Cx<'a>, run: &'a Run) {
    // The flags' constant text and the command's: two items.
    cx.bound.item();
    cx.bound.item();
    match &run.command {
        RunCommand::Shell(s) => {
            // A heredoc's delimiter is written twice, and is at most as long as `EOF` and
            // the digits of the number of lines.
            cx.bound.value(s);
            cx.bound.item();
        }
        RunCommand::Chain(v) | RunCommand::Exec(v) | RunCommand::Lines(v) => {
            for a in v {
                cx.bound.item_value(a);
            }
        }
        RunCommand::Heredocs { command, heredocs } => {
            cx.bound.value(command);
            for doc in heredocs {
                cx.bound.item_value(&doc.name);
                cx.bound.value(&doc.content);
            }
        }
    }
    match &run.command {
        RunCommand::Shell(s) if cx.passed.contains(s, Rule::Script) => {
            cx.needs("command", "a multi-line script (heredoc)", 4);
        }
        RunCommand::Shell(s) if cx.passed.contains(s, Rule::RunCommand) => {}
        RunCommand::Shell(s) => {
            let classes = rules::Classes::of(s);
            if classes.multi_line() {
                let empty = s.trim().is_empty();
                if empty {
                    cx.report(Some("command"), invalid("the script is empty", None));
                }
                let result = rules::heredoc_body_of(classes);
                if !empty && result.is_ok() {
                    cx.passed.insert(s, Rule::Script);
                }
                cx.check("command", result);
                cx.needs("command", "a multi-line script (heredoc)", 4);
            } else {
                let result = rules::shell_command_of(s, classes, cx.escape, true);
                if result.is_ok() {
                    cx.passed.insert(s, Rule::RunCommand);
                }
                // See `command_checks`.
                cx.check_model_only("command", result);
            }
        }
        RunCommand::Lines(lines) => match rules::shell_lines(lines, cx.escape) {
            // See `command_checks`.
            Ok(joined) => {
                let result = rules::shell_command(&joined, cx.escape, true);
                cx.check_model_only("command", result);
            }
            Err(e) => cx.check("command", Err(e)),
        },
        RunCommand::Chain(cmds) => {
            if cmds.is_empty() {
                cx.report(Some("command"), invalid("the chain has no command", None));
            }
            let escape = cx.escape;
            for c in cmds {
                cx.check_once("command", Rule::RunCommand, c, |c| {
                    rules::shell_command(c, escape, true)
                });
            }
        }
        RunCommand::Heredocs { command, heredocs } => {
            cx.check("command", rules::one_line(command));
            if command.ends_with(cx.escape) {
                // See `command_checks`: the renderer writes it only for a file read by `fmt`.
                cx.check_model_only("command", Err(rules::command_ends_with_escape(cx.escape)));
            }
            let markers: Vec<String> = rules::heredoc_markers(command)
                .into_iter()
                .map(|m| m.name)
                .collect();
            let names: Vec<String> = heredocs.iter().map(|h| h.name.to_string()).collect();
            if markers != names {
                cx.report(
                    Some("command"),
                    invalid(
                        format!(
                            "the command's heredoc markers name {markers:?}, but the heredocs are {names:?}"
                        ),
                        Some("write one `<<NAME` marker in the command for each heredoc, in order"),
                    ),
                );
            }
            heredocs_checks(cx, heredocs);
        }
        RunCommand::Exec(argv) => {
            if argv.is_empty() {
                cx.report(Some("command"), rules::empty_command());
            }
            for a in argv {
                cx.check_once("command", Rule::ExecArg, a, rules::exec_arg);
            }
        }
    }
    for m in &run.mounts {
        mount_checks(cx, m);
    }
    if !run.mounts.is_empty() {
        cx.needs("--mount", "`--mount`", 2);
    }
    if run.network.is_some() {
        cx.needs("--network", "`--network`", 3);
    }
    if run.security.is_some() {
        cx.needs("--security", "`--security`", 20);
    }
}

fn mount_checks<'a>(cx: &mut Cx<'a>, m: &'a Mount) {
    let target = |cx: &mut Cx<'_>, t: &str| {
        cx.check_once("--mount target", Rule::Mount, t, rules::mount_value)
    };
    cx.bound.item();
    match m {
        Mount::Bind(b) => {
            cx.bound.value(&b.target);
            cx.bound.option(b.source.as_deref());
            cx.bound.source(b.from.as_ref());
            if !b.target.is_empty() {
                target(cx, &b.target);
            }
            if let Some(s) = &b.source {
                cx.check_once("--mount source", Rule::Mount, s, rules::mount_value);
            }
            if let Some(f) = &b.from {
                source_checks(cx, "--mount from", f);
            }
        }
        Mount::Cache(c) => {
            cx.bound.value(&c.target);
            cx.bound.option(c.id.as_deref());
            cx.bound.option(c.source.as_deref());
            cx.bound.source(c.from.as_ref());
            target(cx, &c.target);
            if let Some(id) = &c.id {
                cx.check_once("--mount id", Rule::Mount, id, rules::mount_value);
            }
            if let Some(s) = &c.source {
                cx.check_once("--mount source", Rule::Mount, s, rules::mount_value);
            }
            if let Some(f) = &c.from {
                source_checks(cx, "--mount from", f);
            }
            if let Some(mode) = c.mode {
                cx.check("--mount mode", rules::chmod_octal(mode));
            }
        }
        Mount::Tmpfs(t) => {
            cx.bound.value(&t.target);
            target(cx, &t.target);
        }
        Mount::Secret(s) => {
            cx.bound.value(&s.id);
            cx.bound.option(s.target.as_deref());
            cx.bound.option(s.env.as_deref());
            cx.check_once("--mount id", Rule::Mount, &s.id, rules::mount_value);
            if let Some(t) = &s.target {
                target(cx, t);
            }
            if let Some(e) = &s.env {
                cx.check_once("--mount env", Rule::Variable, e, rules::variable_name);
                cx.needs(
                    "--mount env",
                    "a secret mounted as an environment variable",
                    10,
                );
            }
            if let Some(mode) = s.mode {
                cx.check("--mount mode", rules::chmod_octal(mode));
            }
        }
        Mount::Ssh(s) => {
            cx.bound.option(s.id.as_deref());
            cx.bound.option(s.target.as_deref());
            if let Some(id) = &s.id {
                cx.check_once("--mount id", Rule::Mount, id, rules::mount_value);
            }
            if let Some(t) = &s.target {
                target(cx, t);
            }
            if let Some(mode) = s.mode {
                cx.check("--mount mode", rules::chmod_octal(mode));
            }
        }
    }
}

fn files_checks(
    cx: &mut Cx<'_>,
    sources: &Sources,
    dest: &str,
    chown: &Option<Text>,
    chmod: &Option<crate::model::values::Chmod>,
    link: bool,
    exclude: &[Text],
) {
    match sources {
        Sources::Paths(paths) => {
            if paths.is_empty() {
                cx.report(Some("sources"), invalid("no source", None));
            }
            for p in paths {
                cx.bound.item_value(p);
                cx.check_once("source", Rule::Path, p, path);
            }
            if paths.len() > 1 && !dest.ends_with('/') {
                cx.report_model_only(
                    Some("dest"),
                    invalid(
                        format!(
                            "with {} sources the destination must be a directory ending in `/`",
                            paths.len()
                        ),
                        Some(&format!("write {}", rules::show(&format!("{dest}/")))),
                    ),
                );
            }
        }
        Sources::Heredocs(docs) => {
            if docs.is_empty() {
                cx.report(Some("sources"), invalid("no heredoc", None));
            }
            for doc in docs {
                // The name is written twice: as the marker and as the delimiter.
                cx.bound.item_value(&doc.name);
                cx.bound.value(&doc.name);
                cx.bound.value(&doc.content);
            }
            heredocs_checks(cx, docs);
            if !plain_path(dest, cx.escape) {
                cx.report(
                    Some("dest"),
                    invalid(
                        "the destination of a heredoc cannot contain whitespace, quotes or the escape character",
                        Some("BuildKit reads it as a bare word after the heredoc; choose a plain path"),
                    ),
                );
            }
        }
        Sources::Inline(content) => {
            cx.bound.value(content);
            cx.check_once("content", Rule::Body, content, rules::heredoc_body);
            cx.needs("content", "an inline file (heredoc)", 4);
            if !plain_path(dest, cx.escape) {
                cx.report(
                    Some("dest"),
                    invalid(
                        "the destination of an inline file cannot contain whitespace, quotes or the escape character",
                        Some("BuildKit reads it as a bare word after the heredoc; choose a plain path"),
                    ),
                );
            }
            // On the heredoc's line, or BuildKit does not find the heredoc.
            cx.check_once("dest", Rule::Substitutions, dest, rules::substitutions);
        }
    }
    cx.bound.value(dest);
    cx.check_once("dest", Rule::Path, dest, path);
    if let Some(c) = chown {
        cx.bound.item_value(c);
        cx.check_once("--chown", Rule::Chown, c, rules::chown);
        if c.ends_with(':') {
            cx.needs("--chown", "`--chown=user:` (the user's group)", 28);
        }
    }
    if let Some(m) = chmod {
        cx.bound.item();
        if let crate::model::values::Chmod::Symbolic(s) = m {
            cx.bound.value(s);
        }
        cx.check("--chmod", m.check());
        let symbolic = matches!(m, crate::model::values::Chmod::Symbolic(_));
        cx.needs(
            "--chmod",
            if symbolic {
                "a symbolic `--chmod`"
            } else {
                "`--chmod`"
            },
            if symbolic { 14 } else { 2 },
        );
    }
    if link {
        cx.needs("--link", "`--link`", 4);
    }
    for e in exclude {
        cx.bound.item_value(e);
        cx.check("--exclude", rules::flag_value(e));
    }
    if !exclude.is_empty() {
        cx.needs("--exclude", "`--exclude`", 19);
    }
}

fn heredocs_checks(cx: &mut Cx<'_>, docs: &[crate::model::instruction::Heredoc]) {
    for doc in docs {
        cx.check("heredoc", rules::heredoc_name(&doc.name));
        cx.check("heredoc", rules::heredoc_content(&doc.name, &doc.content));
    }
    if !docs.is_empty() {
        cx.needs("heredoc", "a heredoc", 4);
    }
}

fn copy_checks<'a>(cx: &mut Cx<'a>, copy: &'a Copy) {
    cx.bound.source(copy.from.as_ref());
    if let Some(f) = &copy.from {
        source_checks(cx, "--from", f);
    }
    if let Sources::Paths(paths) = &copy.sources {
        for p in paths {
            cx.check("sources", rules::copy_source(p));
        }
    }
    files_checks(
        cx,
        &copy.sources,
        &copy.dest,
        &copy.chown,
        &copy.chmod,
        copy.link,
        &copy.exclude,
    );
    if copy.parents {
        cx.needs("--parents", "`--parents`", 20);
    }
}

fn add_checks(cx: &mut Cx<'_>, add: &Add) {
    files_checks(
        cx,
        &add.sources,
        &add.dest,
        &add.chown,
        &add.chmod,
        add.link,
        &add.exclude,
    );
    if let Some(c) = &add.checksum {
        cx.bound.value(c);
        cx.check_once("--checksum", Rule::Flag, c, rules::flag_value);
        cx.needs("--checksum", "`--checksum`", 6);
        let paths: &[Text] = match &add.sources {
            Sources::Paths(paths) => paths,
            Sources::Inline(_) | Sources::Heredocs(_) => &[],
        };
        // The stages of a Dockerfile share their downloads and checksums: each distinct
        // download and checksum is read once.
        let one = match paths {
            [one] => Some(one.as_str()),
            _ => None,
        };
        let result = if one.is_some_and(|o| cx.passed.contains(o, Rule::Download)) {
            checked_digest(&mut cx.passed, c)
        } else {
            // The digest is read for a download only: that call says the source is one.
            let mut download = false;
            let result = rules::checksum_sources_with(c, paths, |c| {
                download = true;
                checked_digest(&mut cx.passed, c)
            });
            if let Some(o) = one.filter(|_| download && result.is_ok()) {
                cx.passed.insert(o, Rule::Download);
            }
            result
        };
        cx.check("--checksum", result);
    }
    if add.keep_git_dir.is_some() {
        cx.needs("--keep-git-dir", "`--keep-git-dir`", 1);
    }
    if add.unpack.is_some() {
        cx.needs("--unpack", "`--unpack`", 17);
    }
}

/// A download's checksum as go-digest reads it, read once per distinct value.
fn checked_digest(passed: &mut Passed, c: &str) -> Check {
    if passed.contains(c, Rule::Checksum) || c.contains('$') {
        return Ok(());
    }
    rules::go_digest(c).map_err(|why| rules::checksum_digest_invalid(c, why))?;
    passed.insert(c, Rule::Checksum);
    Ok(())
}

/// Whether an instruction takes files from a stage, an image or a context (`COPY --from`, a
/// mount's `from`): [`Instruction::sources`] without the list.
fn refers(instruction: &Instruction) -> bool {
    match instruction {
        Instruction::Copy(c) => c.from.is_some(),
        Instruction::Run(r) => r.mounts.iter().any(|m| m.source_ref().is_some()),
        Instruction::OnBuild(inner) => refers(inner),
        _ => false,
    }
}

/// The global build arguments a `FROM` line may use: the Dockerfile's and BuildKit's
/// automatic ones. Most files use none in `FROM`, so the sorted list is made the first time
/// one is looked up.
struct Globals<'a> {
    args: &'a [crate::model::instruction::Arg],
    sorted: Option<Vec<&'a str>>,
}

impl<'a> Globals<'a> {
    fn contains(&mut self, var: &str) -> bool {
        let args = self.args;
        self.sorted
            .get_or_insert_with(|| {
                let mut names: Vec<&'a str> = args
                    .iter()
                    .map(|a| a.name.as_str())
                    .chain(rules::vocab::AUTOMATIC_ARGS.iter().map(|(name, _)| *name))
                    .collect();
                names.sort_unstable();
                names
            })
            .binary_search(&var)
            .is_ok()
    }
}

/// The names of the Dockerfile's stages, for the checks that an image or a context is not
/// taken for a stage: known, or, while the graph walk is still finding the stages, the names
/// to look up once it is done (only those shaped like a stage's name).
enum Names<'a> {
    Known(Box<StageNames<'a>>),
    Later(Vec<&'a str>),
}

impl Names<'_> {
    /// No stage: for the checks that look at instructions alone.
    fn none() -> Self {
        Names::Known(Box::new(StageNames::new(&[])))
    }
}

/// Whether a name is a stage's, for the names of images and contexts. Most image names hold a
/// byte no stage name has (such as `:` or `/`), which tells without a lookup; the set of names
/// is made the first time it is needed.
struct StageNames<'a> {
    stages: &'a [Stage],
    /// Every byte some stage name holds.
    bytes: [bool; 256],
    names: Option<HashSet<&'a str>>,
}

impl<'a> StageNames<'a> {
    fn new(stages: &'a [Stage]) -> Self {
        let mut bytes = [false; 256];
        for stage in stages {
            for b in stage.name().bytes() {
                bytes[usize::from(b)] = true;
            }
        }
        StageNames {
            stages,
            bytes,
            names: None,
        }
    }

    fn contains(&mut self, name: &str) -> bool {
        if !name.bytes().all(|b| self.bytes[usize::from(b)]) {
            return false;
        }
        let stages = self.stages;
        self.names
            .get_or_insert_with(|| stages.iter().map(Stage::name).collect())
            .contains(name)
    }
}

/// The rules whose results [`Passed`] keeps: each reads a value alone (the escape character
/// is the file's), so that a value that passed one passes it again.
#[derive(Clone, Copy)]
enum Rule {
    Variable = 1,
    LabelKey,
    User,
    Signal,
    Mount,
    Body,
    Substitutions,
    Chown,
    Flag,
    /// [`rules::shell_command`] of a `RUN` command (which reads heredocs).
    RunCommand,
    /// A `RUN` script: not blank, and a valid heredoc body.
    Script,
    ExecArg,
    /// A path ([`path`]).
    Path,
    /// A download's `--checksum`, as go-digest reads it ([`rules::go_digest`]).
    Checksum,
    /// An `ADD --checksum` source that is a download (see `add_checks`).
    Download,
}

// A key holds the rule in the four bits below the value's length (`Download` is the last).
const _: () = assert!((Rule::Download as usize) < 16);

/// How many values [`Passed`] holds (a power of two: see [`Passed::key`]).
const PASSED: usize = 512;
const _: () = assert!(PASSED.is_power_of_two());

/// The values that passed a [`Rule`], by address: a value that many stages share (a string
/// literal in the code that builds them, such as a command or a mount's target) is checked
/// once per Dockerfile instead of once per stage. An address and a length tell the bytes
/// while the model is borrowed, which it is for as long as the checks run. Only a value that
/// passed is kept, so that a problem is found, and told with its location, wherever it is.
/// A table of fixed size, one place per address: a value whose place another took is
/// checked again, which costs no more than it did before.
struct Passed(Box<[(usize, usize); PASSED]>);

impl Default for Passed {
    fn default() -> Self {
        // On the heap, so that moving the checks' context copies no table (an array inside
        // it cost a tenth of `Dockerfile::new` at 10 stages), and made there: a boxed
        // array is made on the stack and then copied.
        match vec![(0, 0); PASSED].into_boxed_slice().try_into() {
            Ok(table) => Passed(table),
            Err(_) => Passed(Box::new([(0, 0); PASSED])),
        }
    }
}

impl Passed {
    /// The value's place, and what is kept there for it (no value is at address 0).
    fn key(value: &str, rule: Rule) -> (usize, (usize, usize)) {
        let address = value.as_ptr() as usize;
        // Fibonacci hashing of the address and the rule: the product's top bits depend on
        // every bit of both, so two literals side by side, or one value under two rules,
        // rarely share a place (shifts and XORs let such a pair collide every time).
        let mixed = (address as u64)
            .wrapping_add((rule as u64) << 32 | rule as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let place = (mixed >> (64 - PASSED.trailing_zeros())) as usize;
        (place, (address, (value.len() << 4) | rule as usize))
    }

    fn contains(&self, value: &str, rule: Rule) -> bool {
        let (place, key) = Passed::key(value, rule);
        self.0.get(place) == Some(&key)
    }

    fn insert(&mut self, value: &str, rule: Rule) {
        let (place, key) = Passed::key(value, rule);
        if let Some(slot) = self.0.get_mut(place) {
            *slot = key;
        }
    }
}
