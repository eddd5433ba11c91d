//! The canonical renderer. It runs on a validated [`Dockerfile`](crate::Dockerfile) and cannot
//! fail; the rules it follows are listed in the crate documentation ("Canonical form").

mod bound;
pub(crate) mod escape;

pub(crate) use bound::{Bound, arg_may_exceed};

use crate::model::dockerfile::{Dockerfile, Escape, Syntax};
use crate::model::instruction::{
    Add, Arg, Command, Copy, Healthcheck, Instruction, Run, RunCommand, Sources,
};
use crate::model::mount::Mount;
use crate::model::source::Source;
use crate::model::stage::{Base, Stage};
use crate::model::text::Text;
use crate::number::{push_octal, push_u64};
use crate::rules::{directive_like, is_comment_line};
use escape::{
    heredoc_delimiter, plain_path, push_go_duration, push_json_array, push_json_words, push_word,
};
use std::fmt;

/// The label `MAINTAINER` is rendered as.
pub(crate) const AUTHORS_LABEL: &str = "org.opencontainers.image.authors";

/// Indentation of continuation lines.
const INDENT: &str = "    ";

/// The shell BuildKit runs a shell-form command in when no `SHELL` says otherwise.
pub(crate) const DEFAULT_SHELL: [&str; 2] = ["/bin/sh", "-c"];

/// How instructions are written: the escape character, and in compatibility mode (see
/// [`Dockerfile::render_compat`](crate::Dockerfile::render_compat)) the shell in effect, which
/// runs what would otherwise be a heredoc script.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style<'a> {
    pub(crate) esc: char,
    pub(crate) compat: Option<&'a [Text]>,
    /// Images to write pinned (`alpine:3.20` -> `alpine:3.20@sha256:...`), from a lock.
    pub(crate) pins: Option<&'a Pins>,
}

/// An image as written, and what to write instead ([`crate::lock::Lock::pin`]).
pub(crate) type Pins = std::collections::BTreeMap<String, String>;

impl<'a> Style<'a> {
    pub(crate) fn canonical(esc: char) -> Style<'static> {
        Style {
            esc,
            compat: None,
            pins: None,
        }
    }

    /// `image`, or its pinned form.
    fn image<'s>(&self, image: &'s str) -> &'s str
    where
        'a: 's,
    {
        pinned(self.pins, image)
    }
}

fn pinned<'s>(pins: Option<&'s Pins>, image: &'s str) -> &'s str {
    pins.and_then(|p| p.get(image))
        .map_or(image, String::as_str)
}

/// Renders `df` as its `Display` does, with the images of `pins` written pinned.
pub(crate) fn pinned_dockerfile(
    df: &Dockerfile,
    pins: &Pins,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let mut buf = String::with_capacity(STAGE_BUFFER);
    dockerfile_with(df, df.compat, Some(pins), &mut buf, |buf| {
        f.write_str(buf)?;
        buf.clear();
        Ok(())
    })
}

/// Renders `df` canonically, or for older builders when `compat` is set (after
/// [`validate::compat`](crate::validate::compat) found nothing in the way), into `buf`.
/// After each stage `flush` is called with `buf`: it may move the text out (and clear `buf`),
/// so that a large file goes out in small pieces, or leave it there to collect everything.
pub(crate) fn dockerfile_with<E>(
    df: &Dockerfile,
    compat: bool,
    pins: Option<&Pins>,
    buf: &mut String,
    mut flush: impl FnMut(&mut String) -> Result<(), E>,
) -> Result<(), E> {
    let out = buf;
    let esc = df.escape().char();
    let header = header(df, pins, out);
    let mut first = !header;
    if !df.args().is_empty() {
        if !first {
            out.push('\n');
        }
        first = false;
        for (i, arg) in df.args().iter().enumerate() {
            arg_comments(df, i, out);
            push_arg(out, arg, esc);
            out.push('\n');
        }
        arg_comments(df, df.args().len(), out);
    }
    // The first line is in `out` before the first flush.
    let mut checked = false;
    for stage in df.stages() {
        if !first {
            out.push('\n');
        }
        first = false;
        stage_text(stage, esc, compat, pins, out);
        if !checked {
            end_directives(header, out);
            checked = true;
        }
        flush(out)?;
    }
    if !checked {
        end_directives(header, out);
    }
    flush(out)
}

/// Writes the parser directives of `df` (`# syntax=`, `# escape=`, `# check=`); returns
/// whether it wrote any.
pub(crate) fn header(df: &Dockerfile, pins: Option<&Pins>, out: &mut String) -> bool {
    let mut header = false;
    match df.syntax() {
        Syntax::Stable => {
            out.push_str("# syntax=");
            out.push_str(pinned(pins, "docker/dockerfile:1"));
            out.push('\n');
            header = true;
        }
        Syntax::Minor(n) if pins.is_some() => {
            let mut frontend = String::from("docker/dockerfile:1.");
            push_u64(&mut frontend, n.into());
            out.push_str("# syntax=");
            out.push_str(pinned(pins, &frontend));
            out.push('\n');
            header = true;
        }
        Syntax::Minor(n) => {
            out.push_str("# syntax=docker/dockerfile:1.");
            push_u64(out, n.into());
            out.push('\n');
            header = true;
        }
        Syntax::Frontend(image) => {
            out.push_str("# syntax=");
            out.push_str(pinned(pins, &image));
            out.push('\n');
            header = true;
        }
        Syntax::Omitted => {}
    }
    if df.escape() == Escape::Backtick {
        out.push_str("# escape=`\n");
        header = true;
    }
    if let Some(checks) = df.checks() {
        out.push_str("# check=");
        out.push_str(&checks.directive());
        out.push('\n');
        header = true;
    }
    header
}

/// Without a header, a first comment line such as `# escape=x` would be read as a parser
/// directive: an empty comment line before it ends the directives. `out` holds the start of
/// the file. (BuildKit reads a directive after leading whitespace too, and `fmt` keeps some
/// comments indented.)
pub(crate) fn end_directives(header: bool, out: &mut String) {
    if !header
        && out
            .lines()
            .next()
            .is_some_and(|l| directive_like(l.trim_start()).is_some())
    {
        out.insert_str(0, "#\n");
    }
}

fn arg_comments(df: &Dockerfile, before: usize, out: &mut String) {
    for (_, text) in df.arg_comments().iter().filter(|(n, _)| *n == before) {
        comment_text(text, out);
        out.push('\n');
    }
}

/// A stage's text on its own (with the default escape character): what decides whether two
/// stage values with one name are the same stage.
pub(crate) fn stage_source(stage: &Stage) -> String {
    let mut out = String::new();
    stage_text(stage, '\\', false, None, &mut out);
    out
}

/// The `SHELL` in effect at the start of `stage`: the last one of the nearest stage it is
/// built on that sets one, else the default. (An image's own configured shell is not known
/// here; see [`Dockerfile::render_compat`](crate::Dockerfile::render_compat).)
pub(crate) fn inherited_shell(stage: &Stage) -> Vec<Text> {
    let mut base = stage.base();
    while let Base::Stage(s) = base {
        if let Some(shell) = last_shell(s.instructions()) {
            return shell.to_vec();
        }
        base = s.base();
    }
    DEFAULT_SHELL.iter().map(|s| Text::from_static(s)).collect()
}

fn last_shell(instructions: &[Instruction]) -> Option<&[Text]> {
    instructions.iter().rev().find_map(|i| match i {
        Instruction::Shell(argv) => Some(argv.as_slice()),
        _ => None,
    })
}

fn stage_text(stage: &Stage, esc: char, compat: bool, pins: Option<&Pins>, out: &mut String) {
    if let Some(text) = stage.leading_comment() {
        comment_text(text, out);
        out.push('\n');
    }
    from_line(stage, pins, out);
    let mut shell = if compat {
        inherited_shell(stage)
    } else {
        Vec::new()
    };
    let mut blank_before_next = false;
    for instruction in stage.instructions() {
        if blank_before_next {
            out.push('\n');
        }
        let style = Style {
            esc,
            compat: compat.then_some(shell.as_slice()),
            pins,
        };
        blank_before_next = instruction_inline(instruction, style, out);
        if let (true, Instruction::Shell(argv)) = (compat, instruction) {
            shell.clear();
            shell.extend_from_slice(argv);
        }
    }
}

/// Appends `FROM [--platform=P] BASE AS NAME` and a newline.
pub(crate) fn from_line(stage: &Stage, pins: Option<&Pins>, out: &mut String) {
    out.push_str("FROM ");
    if let Some(p) = stage.platform() {
        out.push_str("--platform=");
        out.push_str(p.as_str());
        out.push(' ');
    }
    match stage.base() {
        Base::Scratch => out.push_str("scratch"),
        Base::Image(i) => out.push_str(pinned(pins, i.as_str())),
        Base::Stage(s) => out.push_str(s.name()),
        Base::Context(c) => out.push_str(c.name()),
    }
    out.push_str(" AS ");
    out.push_str(stage.name());
    out.push('\n');
}

/// Renders one instruction, ending with a newline. Returns whether it ended with a heredoc
/// terminator, after which the next instruction needs a blank line (hadolint cannot read an
/// instruction straight after a terminator).
pub(crate) fn instruction_text(
    instruction: &Instruction,
    style: Style<'_>,
    out: &mut String,
) -> bool {
    instruction_inline(instruction, style, out)
}

/// [`instruction_text`]'s body, inlined into the loop over a stage's instructions: the
/// dispatch then costs no call, and the registers are saved once a stage instead of once
/// an instruction.
#[inline(always)]
fn instruction_inline(instruction: &Instruction, style: Style<'_>, out: &mut String) -> bool {
    let esc = style.esc;
    match instruction {
        Instruction::Run(run) => return run_text(run, style, out),
        Instruction::Cmd(c) => command_line("CMD", c, esc, out),
        Instruction::Entrypoint(c) => command_line("ENTRYPOINT", c, esc, out),
        Instruction::Shell(argv) => {
            out.push_str("SHELL ");
            push_json_array(out, argv.iter().map(Text::as_str));
        }
        Instruction::Env(pairs) => pairs_line("ENV", pairs, esc, out),
        Instruction::Label(pairs) => {
            let start = out.len();
            pairs_line("LABEL", pairs, esc, out);
            if pairs.len() >= 2 {
                wrap_label(start, pairs, esc, out);
            }
        }
        Instruction::Arg(arg) => push_arg(out, arg, esc),
        Instruction::Expose(ports) => {
            out.push_str("EXPOSE");
            for p in ports {
                out.push(' ');
                p.push_to(out);
            }
        }
        Instruction::Copy(copy) => return copy_text(copy, style, out),
        Instruction::Add(add) => return add_text(add, style, out),
        Instruction::Volume(paths) => {
            out.push_str("VOLUME ");
            push_json_words(out, paths.iter().map(Text::as_str), esc);
        }
        Instruction::User(u) => {
            out.push_str("USER ");
            push_word(out, u, esc);
        }
        Instruction::Workdir(p) => {
            out.push_str("WORKDIR ");
            push_word(out, p, esc);
        }
        Instruction::OnBuild(inner) => {
            out.push_str("ONBUILD ");
            return instruction_text(inner, style, out);
        }
        Instruction::StopSignal(s) => {
            out.push_str("STOPSIGNAL ");
            out.push_str(s.as_str());
        }
        Instruction::Healthcheck(Healthcheck::None) => out.push_str("HEALTHCHECK NONE"),
        Instruction::Healthcheck(Healthcheck::Check(check)) => {
            let mut line = Layout::start("HEALTHCHECK", esc, out);
            let durations = [
                ("--interval=", check.interval),
                ("--timeout=", check.timeout),
                ("--start-period=", check.start_period),
                ("--start-interval=", check.start_interval),
            ];
            for (flag, d) in durations {
                if let Some(d) = d {
                    let out = line.flag();
                    out.push_str(flag);
                    push_go_duration(out, d);
                }
            }
            if let Some(n) = check.retries {
                let out = line.flag();
                out.push_str("--retries=");
                push_u64(out, n.into());
            }
            let out = line.body();
            out.push_str("CMD ");
            command_text(&check.command, esc, out);
        }
        Instruction::Maintainer(name) => {
            out.push_str("LABEL ");
            out.push_str(AUTHORS_LABEL);
            out.push('=');
            push_word(out, name, esc);
        }
        Instruction::Comment(text) => comment_text(text, out),
    }
    out.push('\n');
    false
}

/// `# text`, a line for each line of `text`, without the final newline. A line's
/// indentation is kept; trailing blanks are not.
pub(crate) fn comment_text(text: &str, out: &mut String) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_end();
        out.push('#');
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
    }
}

/// Appends `ARG name[=default]`.
pub(crate) fn push_arg(out: &mut String, arg: &Arg, esc: char) {
    out.push_str("ARG ");
    arg_word(out, arg, esc);
}

/// Appends `ARG` and each `name[=default]` of `args` on one line: what `fmt` writes for
/// such a line with comments right before it, which BuildKit reads for all of its names.
/// BuildKit reads the defaults in order, as it does on lines of their own.
pub(crate) fn push_args<'a>(out: &mut String, args: impl IntoIterator<Item = &'a Arg>, esc: char) {
    out.push_str("ARG");
    for arg in args {
        out.push(' ');
        arg_word(out, arg, esc);
    }
}

fn arg_word(out: &mut String, arg: &Arg, esc: char) {
    out.push_str(&arg.name);
    if let Some(v) = &arg.default {
        out.push('=');
        push_word(out, v, esc);
    }
}

/// Past this many characters on one line, a `LABEL` of several pairs puts one pair a line.
pub(crate) const LABEL_WIDTH: usize = 80;

/// `ENV`/`LABEL key=value...` on one line.
fn pairs_line(keyword: &str, pairs: &[(Text, Text)], esc: char, out: &mut String) {
    out.push_str(keyword);
    for (k, v) in pairs {
        out.push(' ');
        out.push_str(k);
        out.push('=');
        push_word(out, v, esc);
    }
}

/// A `LABEL` of several pairs (written by [`pairs_line`] from `start`) wider than
/// [`LABEL_WIDTH`] is written again with one pair a line, continued with the escape
/// character and indented by four spaces (labels are many and long:
/// `org.opencontainers.image.*`).
fn wrap_label(start: usize, pairs: &[(Text, Text)], esc: char, out: &mut String) {
    // The line starts before the keyword under `ONBUILD`; else right at it, after a newline
    // (no search back through the stage).
    let line_start = if start == 0 || out.as_bytes().get(start - 1) == Some(&b'\n') {
        start
    } else {
        out[..start].rfind('\n').map_or(0, |i| i + 1)
    };
    let line = &out[line_start..];
    // A line has at least as many bytes as characters: most are short enough in bytes.
    if line.len() <= LABEL_WIDTH || line.chars().count() <= LABEL_WIDTH {
        return;
    }
    out.truncate(start);
    out.push_str("LABEL");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(' ');
            out.push(esc);
            out.push_str("\n   ");
        }
        out.push(' ');
        out.push_str(k);
        out.push('=');
        push_word(out, v, esc);
    }
}

fn command_text(c: &Command, esc: char, out: &mut String) {
    match c {
        Command::Exec(argv) => push_json_array(out, argv.iter().map(Text::as_str)),
        Command::Shell(s) => {
            out.push_str(s);
            end_shell_line(s, esc, out);
        }
    }
}

/// Ends the line of a shell command that ends with the escape character (which only a
/// file read by `fmt` holds: validation refuses it in a model, since at the end of its line
/// it would continue the instruction). A vertical tab after it keeps the command as it is:
/// BuildKit counts only spaces and tabs between a continuation's escape character and the
/// line end, and trims the vertical tab from the command (Go's `strings.TrimSpace`).
fn end_shell_line(command: &str, esc: char, out: &mut String) {
    if command.ends_with(esc) {
        out.push('\x0b');
    }
}

fn command_line(keyword: &str, c: &Command, esc: char, out: &mut String) {
    out.push_str(keyword);
    // `CMD` with no command (a model-limit instruction of a file read by `fmt`) ends at its
    // keyword, as `RUN` does, rather than with a trailing space.
    if !matches!(c, Command::Shell(s) if s.is_empty()) {
        out.push(' ');
    }
    command_text(c, esc, out);
}

/// `KEYWORD flags... body...`, written as it goes: with two or more flags, each flag and
/// then each body line go on their own continuation lines; with fewer, everything starts on
/// the first line. Call [`flag`](Layout::flag) for every flag, then [`body`](Layout::body)
/// for every body line; each returns the output to write that piece into. The text ends
/// without a newline.
struct Layout<'o> {
    out: &'o mut String,
    esc: char,
    flags: usize,
    lines: usize,
}

impl<'o> Layout<'o> {
    fn start(keyword: &str, esc: char, out: &'o mut String) -> Self {
        out.push_str(keyword);
        Layout {
            out,
            esc,
            flags: 0,
            lines: 0,
        }
    }

    #[inline]
    fn continuation(&mut self) {
        // The default escape character, in one piece.
        if self.esc == '\\' {
            self.out.push_str(" \\\n    ");
            return;
        }
        self.out.push(' ');
        self.out.push(self.esc);
        self.out.push('\n');
        self.out.push_str(INDENT);
    }

    fn flag(&mut self) -> &mut String {
        if self.flags > 0 {
            self.continuation();
        } else {
            self.out.push(' ');
        }
        self.flags += 1;
        self.out
    }

    fn body(&mut self) -> &mut String {
        if self.flags >= 2 || self.lines > 0 {
            self.continuation();
        } else {
            self.out.push(' ');
        }
        self.lines += 1;
        self.out
    }

    /// [`body`](Layout::body) for a first body line that is `text`. One that starts with
    /// `#` stays on the flags' line, where BuildKit's parser would otherwise take the
    /// continuation line for a comment and drop it; an empty one (`RUN --mount=..` with no
    /// command) adds nothing, where a blank continuation line would join the next
    /// instruction on. Both are model-limit commands of a file read by `fmt` (or a
    /// heredoc's command).
    fn body_of(&mut self, text: &str) -> &mut String {
        if self.lines == 0 {
            match text.as_bytes().first() {
                Some(b'#') => self.out.push(' '),
                None => {}
                Some(_) => return self.body(),
            }
            self.lines += 1;
            return self.out;
        }
        self.body()
    }
}

/// Appends `--mount=type=...,...`.
fn push_mount(out: &mut String, m: &Mount, style: Style<'_>) {
    out.push_str("--mount=type=");
    out.push_str(m.kind());
    // Each key is pushed with its separators (`,key=`): one push instead of three.
    let number = |out: &mut String, key: &str, n: Option<u32>| {
        if let Some(n) = n {
            out.push_str(key);
            push_u64(out, n.into());
        }
    };
    let from = |out: &mut String, f: &Option<Source>| {
        if let Some(f) = f {
            push_flag(out, ",from=", style.image(source_name(f)));
        }
    };
    let required = |out: &mut String, required: bool| {
        if required {
            out.push_str(",required=true");
        }
    };
    let ids = |out: &mut String, mode: Option<u32>, uid: Option<u32>, gid: Option<u32>| {
        if let Some(m) = mode {
            out.push_str(",mode=");
            push_octal(out, m, 4);
        }
        number(out, ",uid=", uid);
        number(out, ",gid=", gid);
    };
    match m {
        Mount::Bind(b) => {
            // No target: BuildKit mounts at the working directory.
            if !b.target.is_empty() {
                push_flag(out, ",target=", &b.target);
            }
            if let Some(s) = &b.source {
                push_flag(out, ",source=", s);
            }
            from(out, &b.from);
            if b.rw {
                out.push_str(",rw");
            }
        }
        Mount::Cache(c) => {
            push_flag(out, ",target=", &c.target);
            if let Some(id) = &c.id {
                push_flag(out, ",id=", id);
            }
            if let Some(s) = c.sharing {
                push_flag(out, ",sharing=", s.as_str());
            }
            if let Some(s) = &c.source {
                push_flag(out, ",source=", s);
            }
            from(out, &c.from);
            if c.ro {
                out.push_str(",ro");
            }
            ids(out, c.mode, c.uid, c.gid);
        }
        Mount::Tmpfs(t) => {
            push_flag(out, ",target=", &t.target);
            if let Some(s) = t.size {
                out.push_str(",size=");
                push_u64(out, s);
            }
        }
        Mount::Secret(s) => {
            push_flag(out, ",id=", &s.id);
            if let Some(t) = &s.target {
                push_flag(out, ",target=", t);
            }
            if let Some(e) = &s.env {
                push_flag(out, ",env=", e);
            }
            required(out, s.required);
            ids(out, s.mode, s.uid, s.gid);
        }
        Mount::Ssh(s) => {
            if let Some(id) = &s.id {
                push_flag(out, ",id=", id);
            }
            if let Some(t) = &s.target {
                push_flag(out, ",target=", t);
            }
            required(out, s.required);
            ids(out, s.mode, s.uid, s.gid);
        }
    }
}

pub(crate) fn source_name(s: &Source) -> &str {
    match s {
        Source::Stage(stage) => stage.name(),
        Source::Image(i) => i.as_str(),
        Source::Context(c) => c.name(),
    }
}

fn run_text(run: &Run, style: Style<'_>, out: &mut String) -> bool {
    if matches!(&run.command, RunCommand::Lines(lines) if lines.is_empty()) {
        return false;
    }
    let mut line = Layout::start("RUN", style.esc, out);
    for m in &run.mounts {
        push_mount(line.flag(), m, style);
    }
    if let Some(n) = run.network {
        let out = line.flag();
        out.push_str("--network=");
        out.push_str(n.as_str());
    }
    if let Some(s) = run.security {
        let out = line.flag();
        out.push_str("--security=");
        out.push_str(s.as_str());
    }
    match &run.command {
        // A byte loop that stops at the first newline: most commands are a few words, for
        // which `contains`' search costs more than it scans.
        RunCommand::Shell(s) if s.bytes().any(|b| b == b'\n') => match style.compat {
            // BuildKit runs a heredoc script without a shebang as the one argument of the
            // shell in effect, so the exec form with that shell runs the same on any builder.
            Some(shell) => {
                let argv = shell.iter().map(Text::as_str).chain([s.as_str()]);
                push_json_array(line.body(), argv);
            }
            None => {
                let delimiter = heredoc_delimiter(s);
                guard_heredoc_marker(line.out);
                let out = line.body();
                out.push_str("<<");
                push_delimiter(out, &delimiter);
                push_heredoc(s, &delimiter, out);
                return true;
            }
        },
        RunCommand::Heredocs { command, heredocs } => {
            guard_heredoc_marker(line.out);
            let esc = line.esc;
            let out = line.body_of(command);
            out.push_str(command);
            end_shell_line(command, esc, out);
            push_heredocs(heredocs, out);
            return true;
        }
        RunCommand::Lines(lines) => {
            let Some((first, rest)) = lines.split_first() else {
                return false;
            };
            let esc = line.esc;
            let out = line.body_of(first);
            out.push_str(first);
            // Every line but the last one that is not a comment ends with the escape
            // character; comment lines inside the continuation are skipped by BuildKit.
            let last = rest
                .iter()
                .rposition(|l| !is_comment_line(l))
                .map_or(0, |i| i + 1);
            if last == 0 {
                end_shell_line(first, esc, out);
            }
            let mut previous_continues = last > 0;
            for (i, line) in rest.iter().enumerate() {
                if previous_continues {
                    out.push(esc);
                }
                out.push('\n');
                out.push_str(line);
                if i + 1 == last {
                    end_shell_line(line, esc, out);
                }
                previous_continues = i + 1 < last && !is_comment_line(line);
            }
            out.push('\n');
            return false;
        }
        RunCommand::Shell(s) => {
            let esc = line.esc;
            let out = line.body_of(s);
            out.push_str(s);
            end_shell_line(s, esc, out);
        }
        RunCommand::Exec(argv) => push_json_array(line.body(), argv.iter().map(Text::as_str)),
        RunCommand::Chain(cmds) => {
            for (i, c) in cmds.iter().enumerate() {
                let out = line.body();
                if i > 0 {
                    out.push_str("&& ");
                }
                out.push_str(c);
            }
        }
    }
    out.push('\n');
    false
}

/// Quotes the `<` at the end of the last flag before a heredoc marker (`--exclude=f"<<"`).
/// BuildKit's shell-word lexer (since the frontend of March 2025) reads `<<` and the blanks
/// after it as one piece, so `--exclude=f<< <<EOF` would be one word: the heredoc marker
/// would be lost and its body read as instructions. Quotes stop that, and BuildKit strips
/// them from a flag's value, so the value is the same.
fn guard_heredoc_marker(out: &mut String) {
    if !out.ends_with("<<") {
        return;
    }
    let run = out.len() - out.trim_end_matches('<').len();
    out.insert(out.len() - run, '"');
    out.push('"');
}

fn push_heredoc(body: &str, delimiter: &str, out: &mut String) {
    out.push('\n');
    out.push_str(body);
    if !body.ends_with('\n') {
        out.push('\n');
    }
    push_delimiter(out, delimiter);
    out.push('\n');
}

/// Appends a heredoc delimiter; the usual one, `EOF`, as a constant (one store, no copy call).
fn push_delimiter(out: &mut String, delimiter: &str) {
    if delimiter == "EOF" {
        out.push_str("EOF");
    } else {
        out.push_str(delimiter);
    }
}

/// Ends the instruction's line, then writes each document's body and terminator.
fn push_heredocs(docs: &[crate::model::instruction::Heredoc], out: &mut String) {
    out.push('\n');
    for doc in docs {
        out.push_str(&doc.content);
        out.push_str(&doc.name);
        out.push('\n');
    }
}

/// Appends ` --name=value` (`flag` is ` --name=`; COPY and ADD keep their flags on the
/// first line), or a mount's `,key=value` (`flag` is `,key=`).
fn push_flag(out: &mut String, flag: &str, value: &str) {
    out.push_str(flag);
    out.push_str(value);
}

/// Flags shared by COPY and ADD, in their documented order.
fn file_flags(
    chown: &Option<Text>,
    chmod: &Option<crate::model::values::Chmod>,
    link: bool,
    out: &mut String,
) {
    if let Some(c) = chown {
        push_flag(out, " --chown=", c);
    }
    if let Some(m) = chmod {
        out.push_str(" --chmod=");
        m.push_to(out);
    }
    if link {
        out.push_str(" --link");
    }
}

/// The sources and destination of COPY and ADD after their flags: in shell form when every
/// path is plain, else JSON form; an inline source is a heredoc with a quoted delimiter, so
/// BuildKit does not substitute variables in the file's content.
fn files_text(sources: &Sources, dest: &str, esc: char, out: &mut String) -> bool {
    match sources {
        Sources::Inline(body) => {
            let delimiter = heredoc_delimiter(body);
            guard_heredoc_marker(out);
            out.push_str(" <<\"");
            push_delimiter(out, &delimiter);
            out.push_str("\" ");
            out.push_str(dest);
            push_heredoc(body, &delimiter, out);
            true
        }
        Sources::Heredocs(docs) => {
            guard_heredoc_marker(out);
            for doc in docs {
                out.push_str(" <<");
                if doc.expand {
                    out.push_str(&doc.name);
                } else {
                    out.push('"');
                    out.push_str(&doc.name);
                    out.push('"');
                }
            }
            out.push(' ');
            out.push_str(dest);
            push_heredocs(docs, out);
            !docs.is_empty()
        }
        Sources::Paths(paths) => {
            let all = paths.iter().map(Text::as_str).chain([dest]);
            if paths.iter().all(|p| plain_path(p, esc)) && plain_path(dest, esc) {
                for p in all {
                    out.push(' ');
                    out.push_str(p);
                }
            } else {
                out.push(' ');
                push_json_words(out, all, esc);
            }
            out.push('\n');
            false
        }
    }
}

/// `--link` only changes how the layer is made and cached, so compatibility mode drops it.
fn copy_text(copy: &Copy, style: Style<'_>, out: &mut String) -> bool {
    let link = copy.link && style.compat.is_none();
    out.push_str("COPY");
    if let Some(f) = &copy.from {
        push_flag(out, " --from=", style.image(source_name(f)));
    }
    file_flags(&copy.chown, &copy.chmod, link, out);
    if copy.parents {
        out.push_str(" --parents");
    }
    for e in &copy.exclude {
        push_flag(out, " --exclude=", e);
    }
    files_text(&copy.sources, &copy.dest, style.esc, out)
}

fn add_text(add: &Add, style: Style<'_>, out: &mut String) -> bool {
    let link = add.link && style.compat.is_none();
    out.push_str("ADD");
    file_flags(&add.chown, &add.chmod, link, out);
    if let Some(c) = &add.checksum {
        push_flag(out, " --checksum=", c);
    }
    if let Some(k) = add.keep_git_dir {
        push_flag(out, " --keep-git-dir=", if k { "true" } else { "false" });
    }
    if let Some(u) = add.unpack {
        push_flag(out, " --unpack=", if u { "true" } else { "false" });
    }
    for e in &add.exclude {
        push_flag(out, " --exclude=", e);
    }
    files_text(&add.sources, &add.dest, style.esc, out)
}

/// The starting size of the buffer `Display` renders each stage into (a stage is a few KB).
const STAGE_BUFFER: usize = 4096;

/// The canonical text; it cannot fail, because a `Dockerfile` is valid once made.
impl fmt::Display for Dockerfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Each stage goes out as soon as it is written, from a buffer that stays small.
        let mut buf = String::with_capacity(STAGE_BUFFER);
        dockerfile_with(self, self.compat, None, &mut buf, |buf| {
            f.write_str(buf)?;
            buf.clear();
            Ok(())
        })
    }
}

/// Two stages are equal when they render the same text (their `FROM` line and
/// instructions) and the stages they refer to are equal in turn. The comparison walks both
/// graphs with a loop, so deep chains cannot overflow the stack.
impl PartialEq for Stage {
    fn eq(&self, other: &Self) -> bool {
        let mut pending = vec![(self, other)];
        let mut compared = std::collections::BTreeSet::new();
        while let Some((a, b)) = pending.pop() {
            if a.same(b) || !compared.insert((a.id(), b.id())) {
                continue;
            }
            if stage_source(a) != stage_source(b) {
                return false;
            }
            let (da, db) = (a.dependencies(), b.dependencies());
            if da.len() != db.len() {
                return false;
            }
            pending.extend(da.into_iter().zip(db));
        }
        true
    }
}
