//! From read instructions to the model: stages, their instructions and flags, stage
//! references resolved into stage values.

use super::{Diagnostic, Directive, ParseErrors, Parsed, Position, SourceInstruction};
use crate::error::Problem;
use crate::expand::{Pattern, Piece};
use crate::model::dockerfile::{BuildChecks, Dockerfile, Escape, Syntax};
use crate::model::instruction::{
    Add, Arg, Command, Copy, Healthcheck, Heredoc, Instruction, Run, RunCommand, Sources,
};
use crate::model::list::{Pairs, Texts};
use crate::model::source::Source;
use crate::model::stage::{Base, Stage};
use crate::model::text::Text;
use crate::model::values::{Chmod, ImageRef, Network, Platform, Port, Security, Signal};
use crate::syntax::words::{self, Split, Unreadable};
use crate::syntax::{self, Instruction as Logical, NodeKind, Tree};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

mod mount;
use crate::stage_env::Env;
use mount::mount;

/// A problem at a column of the current instruction.
struct Cx<'a> {
    errors: &'a mut Vec<Diagnostic>,
    line: usize,
    column: usize,
    escape: char,
    /// Stages made so far, by index; the current one is not among them.
    done: &'a [Stage],
    /// The name of the stage being read.
    current: Option<&'a str>,
    /// Names of every stage of the file, lower-case, each with the index of the last stage
    /// of that name: BuildKit's references by name go to it (`statesByName`).
    all_names: &'a BTreeMap<String, usize>,
    /// Every word the file uses as a stage or image reference (a base, as expanded with the
    /// global scope, `COPY --from`, a mount's `from`), lower-case: a name made up for an
    /// unnamed stage must be none of them, or writing the stage out with that name would
    /// turn a reference to an image into one to the stage.
    referenced: &'a BTreeSet<String>,
    /// The instruction's source text, and what in it the next error is about (empty: its
    /// keyword). A buffer reused from one instruction to the next: most flags are looked
    /// up without an error, and a new string for each would cost more than the reading.
    text: &'a str,
    focus: &'a mut String,
    /// What BuildKit reads and the model cannot hold, each with its line: `check` and `fmt`
    /// read past it, [`parse`] refuses it ([`Diagnostic::is_model_limit`]).
    limits: &'a mut Vec<Diagnostic>,
    /// Set when the current instruction is such a construct.
    beyond: bool,
    /// The stage's variables before the instruction, to check what BuildKit expands before
    /// it reads it (a mount's options); `None` inside `ONBUILD`, which runs elsewhere.
    env: Option<&'a Env>,
    /// The global scope (the global `ARG`s' values), which BuildKit expands `FROM` with.
    globals: &'a Env,
    /// Reading the instruction after `ONBUILD`: its references are resolved where the
    /// trigger runs, in a stage built on this one, not here.
    onbuild: bool,
    /// Set by an error BuildKit's parser gives as it reads the line (a JSON array of
    /// non-strings, `ENV` without a value): one it gives for an `ONBUILD` trigger too.
    read_refusal: bool,
    /// The errors of an `ONBUILD` trigger that BuildKit gives only where it runs, in a
    /// stage built on this one.
    deferred: Vec<Diagnostic>,
}

impl Cx<'_> {
    /// Where the focused text is in the instruction's source, else its keyword.
    fn position(&self) -> (usize, usize) {
        let found = Some(self.focus.as_str())
            .filter(|f| !f.is_empty())
            .and_then(|f| self.text.find(f));
        match found {
            Some(at) => {
                let before = &self.text[..at];
                let line = before.matches('\n').count();
                let start = before.rfind('\n').map_or(0, |i| i + 1);
                (self.line + line, before[start..].chars().count() + 1)
            }
            None => (self.line, self.column),
        }
    }

    /// Points the next errors at this text of the instruction.
    fn focus(&mut self, text: &str) {
        self.focus.clear();
        self.focus.push_str(text);
    }

    /// Points the next errors at the flag `--name`.
    fn focus_flag(&mut self, name: &str) {
        self.focus.clear();
        self.focus.push_str("--");
        self.focus.push_str(name);
    }

    fn error(&mut self, message: impl Into<String>) -> Bad {
        let (line, column) = self.position();
        self.errors
            .push(Diagnostic::new(line, column, message.into()));
        Bad
    }

    fn error_help(&mut self, message: impl Into<String>, help: impl Into<String>) -> Bad {
        let (line, column) = self.position();
        self.errors
            .push(Diagnostic::new(line, column, message.into()).with_help(help));
        Bad
    }

    /// Something BuildKit accepts that the model cannot hold: the instruction stays outside
    /// the model, as written ([`Position::AsWritten`]), which `check` and `fmt` read past
    /// and [`parse`] refuses, naming it (`message`, `help`: what to write instead).
    pub(super) fn beyond_model(
        &mut self,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Bad {
        self.beyond = true;
        let (line, column) = self.position();
        self.limits.push(
            Diagnostic::new(line, column, message.into())
                .with_help(help)
                .model_limit(),
        );
        Bad
    }

    /// [`Cx::word`] of a word BuildKit expands when it builds: one its lexer cannot read
    /// (`${a,b}`, `${}`) fails the build, whatever the variables hold.
    fn expanded(&mut self, word: &str) -> Result<String, Bad> {
        // Without a `$` the lexer has nothing to substitute: only its quotes, which `word`
        // reads (most words).
        if word.contains('$') {
            if let Some(e) = crate::expand::unreadable(word, self.escape) {
                return Err(self.error_help(
                    e,
                    "write `$NAME`, `${NAME}`, `${NAME:-default}` or `${NAME:+alternative}`",
                ));
            }
        }
        self.word(word)
    }

    /// A word through the lexer's quote removal.
    fn word(&mut self, word: &str) -> Result<String, Bad> {
        match words::unquote(word, self.escape) {
            Ok(w) => Ok(w),
            Err(Unreadable::UnterminatedQuote) => {
                Err(self.error(format!("unterminated quote in `{word}`")))
            }
            Err(Unreadable::QuotedSubstitution) => Err(self.beyond_model(
                format!("`{word}` has a quote or an escape inside `${{...}}`"),
                "the model keeps a substitution as written, without quotes or escapes in it; this value cannot be kept",
            )),
            Err(Unreadable::LiteralDollar) => Err(self.beyond_model(
                format!("`{word}` has a `$` that is not substituted (escaped or in single quotes)"),
                "the model writes `$` only for variable substitution; this value cannot be kept",
            )),
        }
    }

    /// A stage by name, or by index for `--from` (`by_index`; a mount's `from` is looked up
    /// by name only, so `from=1` is the image `1`): earlier stages only. Inside `ONBUILD`, a
    /// reference that names no earlier stage is left to the stage the trigger runs in: the
    /// model cannot hold it.
    fn stage_ref(&mut self, name: &str, by_index: bool) -> Option<Result<Stage, Bad>> {
        let lower = name.to_ascii_lowercase();
        let index = if by_index {
            name.parse::<usize>().ok()
        } else {
            None
        };
        let index = match index {
            Some(index) => index,
            None => *self.all_names.get(&lower)?,
        };
        if self.onbuild && self.done.get(index).is_none() {
            return Some(Err(self.beyond_model(
                format!(
                    "`{name}` inside ONBUILD names no earlier stage: BuildKit resolves it in the stage built on this one"
                ),
                "the model's references are to earlier stages; move the instruction into the stage that is built on this one",
            )));
        }
        if by_index && name.parse::<usize>().is_ok() {
            let done = self.done;
            return Some(match done.get(index) {
                // The model writes a reference as the stage's name, which BuildKit resolves
                // to the last stage of that name.
                Some(s) if self.all_names.get(s.name()).is_some_and(|&last| last != index) => {
                    Err(self.beyond_model(
                        format!(
                            "stage index {index} is `{}`, a name a later stage has too: written by name, the reference would be to the later stage",
                            s.name()
                        ),
                        "give each stage its own name (BuildKit warns: DuplicateStageName)",
                    ))
                }
                Some(s) => Ok(s.clone()),
                None => Err(self.error(format!(
                    "stage index {index} does not name an earlier stage"
                ))),
            });
        }
        let here = self.done.len();
        Some(if let Some(s) = self.done.get(index) {
            Ok(s.clone())
        } else if index == here && self.current.is_some() {
            Err(self.error(format!(
                "circular dependency: stage `{lower}` refers to itself"
            )))
        } else {
            Err(self.error_help(
                format!("stage `{lower}` is defined later in the file"),
                "a stage can only use stages defined before it",
            ))
        })
    }

    /// `--from=` of COPY or a mount (`by_index`: COPY's): a stage, else an image; no
    /// variables.
    fn source(&mut self, from: &str, what: &str, by_index: bool) -> Result<Source, Bad> {
        if from.contains('$') {
            return Err(self.error_help(
                format!("variable expansion is not supported for {what}"),
                "define a stage with `FROM ${VAR} AS alias` and use the alias",
            ));
        }
        match self.stage_ref(from, by_index) {
            Some(r) => r.map(Source::Stage),
            None => Ok(Source::Image(ImageRef::from(Text::copy(from)))),
        }
    }
}

/// An error was reported; the instruction is skipped.
struct Bad;

/// String flags that BuildKit reads as unset when they are given empty (`--from=` copies
/// from the context, `--chown=` keeps the owner, `--interval=` is the default): a template
/// that substitutes nothing writes them. A bool flag given empty is refused, as BuildKit
/// refuses it, and so are the others (`--network=` is no network mode).
const EMPTY_IS_UNSET: [&str; 10] = [
    "from",
    "chown",
    "chmod",
    "checksum",
    "platform",
    "interval",
    "timeout",
    "start-period",
    "start-interval",
    "retries",
];

/// Flags as given: name, value (None for a bare `--flag`).
struct Flags<'r> {
    list: Vec<(&'r str, Option<&'r str>)>,
}

impl<'r> Flags<'r> {
    fn new(
        cx: &mut Cx<'_>,
        keyword: &str,
        raw: &'r [String],
        allowed: &[&str],
        repeatable: &[&str],
    ) -> Result<Flags<'r>, Bad> {
        let mut list: Vec<(&str, Option<&str>)> = Vec::new();
        let mut bad = false;
        for f in raw {
            // BuildKit takes off the two dashes of `--` and no more: `---from` is the
            // unknown flag `-from`.
            let body = f.strip_prefix("--").unwrap_or(f);
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            cx.focus_flag(name);
            if !allowed.contains(&name) {
                let help = if allowed.is_empty() {
                    format!("{keyword} takes no flags")
                } else {
                    format!(
                        "{keyword} takes {}",
                        allowed
                            .iter()
                            .map(|a| format!("--{a}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                cx.error_help(format!("unknown flag `--{name}` for {keyword}"), help);
                bad = true;
                continue;
            }
            if list.iter().any(|(n, _)| *n == name) && !repeatable.contains(&name) {
                cx.error(format!("duplicate flag specified: --{name}"));
                bad = true;
                continue;
            }
            if value == Some("") && !EMPTY_IS_UNSET.contains(&name) {
                cx.error(format!("missing a value on flag `--{name}`"));
                bad = true;
                continue;
            }
            list.push((name, value));
        }
        cx.focus.clear();
        if bad { Err(Bad) } else { Ok(Flags { list }) }
    }

    fn all(&self, name: &str) -> impl Iterator<Item = Option<&str>> {
        self.list
            .iter()
            .filter(move |(n, _)| *n == name)
            .map(|(_, v)| *v)
    }

    /// A string flag's value.
    fn string(&self, cx: &mut Cx<'_>, name: &str) -> Result<Option<String>, Bad> {
        cx.focus_flag(name);
        match self.all(name).next() {
            None | Some(Some("")) => Ok(None),
            Some(Some(v)) => Ok(Some(v.to_owned())),
            Some(None) => Err(cx.error_help(
                format!("missing a value on flag `--{name}`"),
                format!("write `--{name}=VALUE`"),
            )),
        }
    }

    /// A bool flag: absent, bare, or `=true`/`=false`.
    fn boolean(&self, cx: &mut Cx<'_>, name: &str) -> Result<Option<bool>, Bad> {
        cx.focus_flag(name);
        match self.all(name).next() {
            None => Ok(None),
            Some(None) => Ok(Some(true)),
            Some(Some(v)) => flag_bool(v).map(Some).ok_or_else(|| {
                cx.error(format!(
                    "expecting boolean value for flag `--{name}`, not `{v}`"
                ))
            }),
        }
    }
}

/// A boolean flag's value as BuildKit's `BFlags` reads it (`--link=TRUE`): `true` or
/// `false` in any case, not `strconv.ParseBool`'s `1` or `t`.
fn flag_bool(v: &str) -> Option<bool> {
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// What the lowering reads of the tree: the directives, the instructions, and the comments
/// after the last instruction.
struct Read<'t, 'a> {
    directives: Vec<Directive>,
    instructions: Vec<&'t Logical<'a>>,
    /// The comment lines right before each instruction (since the previous one).
    comments: Vec<Vec<&'a str>>,
    /// What the comments right before each instruction tell BuildKit about it, as BuildKit
    /// reads them (an empty `#` forgets the ones above it).
    before: Vec<Before>,
    trailing_comments: Vec<&'a str>,
    unread: Vec<super::Unread>,
    /// Where BuildKit's frontend finds the `syntax` and `check` directives (see
    /// [`crate::rules::frontend_directive`]): line and value.
    frontend_syntax: Option<(usize, &'a str)>,
    frontend_check: Option<(usize, &'a str)>,
}

impl<'t, 'a> Read<'t, 'a> {
    fn of(tree: &'t Tree<'a>) -> Self {
        let mut read = Read {
            directives: Vec::new(),
            instructions: Vec::with_capacity(tree.nodes().len()),
            comments: Vec::with_capacity(tree.nodes().len()),
            before: Vec::with_capacity(tree.nodes().len()),
            trailing_comments: Vec::new(),
            unread: Vec::new(),
            frontend_syntax: crate::rules::frontend_directive(tree.text(), "syntax"),
            frontend_check: crate::rules::frontend_directive(tree.text(), "check"),
        };
        // BuildKit's `PrevComment` texts of the instruction to come, and the lines of its
        // comments (`trailing_comments` until then).
        let mut prev: Vec<&'a str> = Vec::new();
        let mut lines: Vec<&'a str> = Vec::new();
        for node in tree.nodes() {
            match node.kind() {
                NodeKind::Directive { name, value } => {
                    let found = if name.eq_ignore_ascii_case("syntax") {
                        Some(read.frontend_syntax)
                    } else if name.eq_ignore_ascii_case("check") {
                        Some(read.frontend_check)
                    } else {
                        None
                    };
                    let unread = found.is_some_and(|f| f.is_none_or(|(at, _)| at != node.line()));
                    if unread {
                        let line = tree.text().get(node.span()).unwrap_or_default();
                        read.unread.push(super::Unread::of(node.line(), line, true));
                    }
                    read.directives.push(Directive {
                        line: node.line(),
                        name: (*name).to_owned(),
                        value: (*value).to_owned(),
                    });
                }
                NodeKind::Instruction(i) => {
                    read.instructions.push(i);
                    as_held(&mut read.trailing_comments, &mut lines, Some(i));
                    read.comments
                        .push(std::mem::take(&mut read.trailing_comments));
                    read.before.push(Before::of(i, &prev));
                    prev.clear();
                }
                NodeKind::Comment(c) => {
                    let line = tree.text().get(node.span()).unwrap_or_default();
                    if syntax::comment::indented_check(line, c) {
                        read.unread
                            .push(super::Unread::of(node.line(), line, false));
                    }
                    read.trailing_comments.push(c);
                    lines.push(line);
                    match crate::rules::prev_comment(line) {
                        "" => prev.clear(),
                        text => prev.push(text),
                    }
                }
                _ => {}
            }
        }
        as_held(&mut read.trailing_comments, &mut lines, None);
        read
    }
}

/// The comments (text after `#`) before `next`, on `lines`, as the model holds them: an
/// indented one that would say more at the start of its line (see [`syntax::comment`]) as
/// BuildKit read it, its `#` included, which the renderer's `# ` before it keeps. Empties
/// `lines`.
fn as_held<'a>(comments: &mut [&'a str], lines: &mut Vec<&'a str>, next: Option<&Logical<'_>>) {
    for (c, line) in comments.iter_mut().zip(lines.drain(..)) {
        if syntax::comment::says_more_unindented(line, c, next) {
            *c = crate::rules::prev_comment(line);
        }
    }
}

/// What the comments right before an instruction (BuildKit's `PrevComment`) tell BuildKit
/// about it.
#[derive(Default)]
struct Before {
    /// What a `# check=` comment among them sets for it.
    checks: Option<Box<BuildChecks>>,
    /// For an `ARG` or `FROM`: the first word of the last one, which BuildKit's
    /// `InvalidDefinitionDescription` wants to be the name it describes.
    described: Option<Box<str>>,
}

impl Before {
    fn of(instruction: &Logical, prev: &[&str]) -> Before {
        let Some(last) = prev.last() else {
            return Before::default();
        };
        let keyword = instruction.keyword();
        let defines = keyword.eq_ignore_ascii_case("arg") || keyword.eq_ignore_ascii_case("from");
        Before {
            checks: crate::rules::comment_check_options(prev).map(|o| Box::new(o.into())),
            described: defines.then(|| last.split(' ').next().unwrap_or_default().into()),
        }
    }
}

pub(crate) fn parse(text: &str) -> Result<Parsed, ParseErrors> {
    lower(text, false)
}

/// Reads `text` into the model. `faithful`: as `check` and `fmt` read it, refusing only what
/// BuildKit refuses; what the model cannot hold (two stages with one name, a stage named
/// `scratch`, `EXPOSE 8080:80`, ...) is kept outside it, each such instruction at
/// [`Position::AsWritten`], and the model is not validated as a whole.
pub(crate) fn lower(text: &str, faithful: bool) -> Result<Parsed, ParseErrors> {
    let mut errors = Vec::new();
    let tree = syntax::read_all(text, &mut errors);
    lower_tree(&tree, errors, faithful)
}

/// [`lower`] of a tree, with the problems reading it found.
pub(crate) fn lower_tree(
    tree: &Tree<'_>,
    mut errors: Vec<Diagnostic>,
    faithful: bool,
) -> Result<Parsed, ParseErrors> {
    let mut read = Read::of(tree);
    let escape = tree.escape();

    // The frontend image and the build-check options are where BuildKit's frontend finds
    // them, which is not always where its parser reads directives (an indented `# check=`
    // line sets nothing; after a `#!` line, one does).
    let syntax = read
        .frontend_syntax
        .map_or(Syntax::Omitted, |(_, value)| syntax_of(value));
    let mut checks = None;
    if let Some((line, value)) = read.frontend_check {
        match checks_of(value, faithful) {
            Ok(c) => checks = Some(c),
            Err(message) => errors.push(
                Diagnostic::new(line, 1, format!("failed to parse check options: {message}"))
                    .with_help("write `# check=skip=Rule1,Rule2;error=true` or `# check=skip=all`"),
            ),
        }
    }

    // What the model cannot hold (see `Cx::limits`).
    let mut limits: Vec<Diagnostic> = Vec::new();
    // Every stage name, so that a reference to a later stage is told apart from an image,
    // and generated names for unnamed stages do not clash; the line of each name's first
    // stage, for a second one.
    let mut all_names = BTreeMap::new();
    let mut first_lines: BTreeMap<String, usize> = BTreeMap::new();
    let mut stage_index = 0;
    // Split once: the loop below reads every instruction again.
    let splits: Vec<Split> = read
        .instructions
        .iter()
        .map(|l| words::split_command(&l.joined))
        .collect();
    // Each stage's `ONBUILD COPY --from=` values (with their lines): the trigger runs in
    // the stages built on it, where the stage it names must be an earlier one. And each
    // stage's references (`COPY --from=`, by index too; a mount's `from=`, by name), for
    // which stages BuildKit builds.
    let mut onbuild_froms: Vec<Vec<(String, usize, usize)>> = Vec::new();
    // Whether each stage has ONBUILD triggers (which run in the stages built on it).
    let mut has_triggers: Vec<bool> = Vec::new();
    let mut refs: Vec<Vec<(String, bool)>> = Vec::new();
    // The bases as written; those with variables are expanded once the global scope is
    // known, at the first FROM.
    let mut bases_written: Vec<&str> = Vec::new();
    for (l, split) in read.instructions.iter().zip(&splits) {
        if let Some(r) = refs.last_mut() {
            if split.keyword.eq_ignore_ascii_case("copy") {
                r.extend(
                    split
                        .flags
                        .iter()
                        .filter_map(|f| crate::rules::vocab::copy_from(f))
                        .map(|f| (f.to_owned(), true)),
                );
            } else if split.keyword.eq_ignore_ascii_case("run") {
                r.extend(
                    split
                        .flags
                        .iter()
                        .filter_map(|f| f.strip_prefix("--mount="))
                        .filter_map(crate::rules::vocab::mount_from)
                        .map(|f| (f, false)),
                );
            }
        }
        if split.keyword.eq_ignore_ascii_case("onbuild") {
            if let Some(t) = has_triggers.last_mut() {
                *t = true;
            }
            let inner = words::split_command(split.args);
            if let (Some(froms), true) = (
                onbuild_froms.last_mut(),
                inner.keyword.eq_ignore_ascii_case("copy"),
            ) {
                froms.extend(
                    inner
                        .flags
                        .iter()
                        .filter_map(|f| crate::rules::vocab::copy_from(f))
                        .map(|f| (f.to_owned(), l.line, l.column)),
                );
            }
        }
        if split.keyword.eq_ignore_ascii_case("from") {
            onbuild_froms.push(Vec::new());
            has_triggers.push(false);
            refs.push(Vec::new());
            let args = words::whitespace_words(split.args);
            bases_written.extend(args.first());
            stage_index += 1;
            if let [_, as_, name] = args.as_slice() {
                let lower = name.to_ascii_lowercase();
                if as_.eq_ignore_ascii_case("as")
                    && all_names.insert(lower.clone(), stage_index - 1).is_some()
                {
                    let first = first_lines.get(&lower).copied().unwrap_or_default();
                    limits.push(
                        Diagnostic::new(
                            l.line,
                            l.column,
                            format!("duplicate stage name `{lower}`: the stage on line {first} has it too"),
                        )
                        .with_help("BuildKit builds the last stage of a name for `--target` and references by name, and warns (DuplicateStageName); the model's stages are values with one name each: give each stage its own name")
                        .model_limit(),
                    );
                } else if as_.eq_ignore_ascii_case("as") {
                    first_lines.insert(lower, l.line);
                }
            }
        }
    }

    let mut referenced: BTreeSet<String> = refs
        .iter()
        .flatten()
        .map(|(f, _)| f)
        .chain(onbuild_froms.iter().flatten().map(|(f, _, _)| f))
        .map(|f| f.to_ascii_lowercase())
        .chain(bases_written.iter().map(|b| b.to_ascii_lowercase()))
        .collect();
    let mut bases_expanded = false;

    let mut builder = Dockerfile::builder().syntax(syntax);
    if escape == '`' {
        builder = builder.escape(Escape::Backtick);
    }
    if let Some(c) = checks {
        builder = builder.checks(c);
    }
    let mut args: Vec<Arg> = Vec::new();
    let mut done: Vec<Stage> = Vec::new();
    // The stage being read, and its name.
    let mut open: Option<Stage> = None;
    let mut open_name = String::new();
    let mut map: Vec<SourceInstruction> = Vec::with_capacity(read.instructions.len());
    let mut pending_comments: Vec<String> = Vec::new();
    let mut focus = String::new();
    // The variables of the stage being read, of each stage read (by index, for the stages
    // built on it) and the global arguments' values.
    let mut env = Env::default();
    let mut stage_envs: Vec<Env> = Vec::new();
    let mut globals = Env::default();
    // The stage each stage is built on.
    let mut bases: Vec<Option<usize>> = Vec::new();
    // The stages built on one with ONBUILD triggers, where the triggers run.
    let mut built_on: Vec<BuiltOn> = Vec::new();
    // Each stage's errors of its ONBUILD triggers (`Cx::deferred`), by stage.
    let mut onbuild_deferred: Vec<Vec<Diagnostic>> = Vec::new();

    for (map_index, (l, split)) in read.instructions.iter().zip(&splits).enumerate() {
        let mut buf = KeywordBuf::default();
        let keyword_lower = buf.lower(split.keyword);
        let before = read
            .before
            .get_mut(map_index)
            .map(std::mem::take)
            .unwrap_or_default();
        let mut comments = std::mem::take(&mut pending_comments);
        comments.extend(
            read.comments
                .get(map_index)
                .into_iter()
                .flatten()
                .map(|c| (*c).to_owned()),
        );
        if keyword_lower == "from" {
            if let Some(stage) = open.take() {
                done.push(stage);
                stage_envs.push(std::mem::take(&mut env).frozen());
            }
        }
        if keyword_lower == "from" && !bases_expanded {
            // Every global `ARG` comes before the first FROM.
            bases_expanded = true;
            for base in bases_written.iter().filter(|b| b.contains('$')) {
                if let Ok(Some(v)) = globals.expand_from(base, escape) {
                    referenced.insert(v.to_ascii_lowercase());
                }
            }
        }
        let current = open.as_ref().map(|_| open_name.as_str());
        focus.clear();
        let mut cx = Cx {
            errors: &mut errors,
            line: l.line,
            column: l.column,
            escape,
            done: &done,
            current,
            all_names: &all_names,
            referenced: &referenced,
            text: &l.text,
            focus: &mut focus,
            limits: &mut limits,
            beyond: false,
            env: Some(&env),
            globals: &globals,
            onbuild: false,
            read_refusal: false,
            deferred: Vec::new(),
        };
        if keyword_lower == "from" {
            let from_read = from(&mut cx, split, done.len());
            bases.push(from_read.as_ref().ok().and_then(|(_, _, b)| *b));
            onbuild_deferred.push(Vec::new());
            let Ok((name, stage, base)) = from_read else {
                // Read the stage's instructions all the same, so that their own problems
                // are reported and not taken for instructions outside any stage.
                // A base BuildKit takes that the model cannot hold (an escape inside
                // `${...}`): the line stays as written, and a stage of its name holds the
                // instructions after it, which references to it find.
                let kept = cx.beyond.then(|| {
                    let args = words::whitespace_words(split.args);
                    let written = match args.as_slice() {
                        [_, as_, n] if as_.eq_ignore_ascii_case("as") => Some(*n),
                        _ => None,
                    };
                    stage_name_of(&cx, written, done.len())
                });
                open_name = kept.unwrap_or_default();
                if !open_name.is_empty() {
                    map.push(source(l, split, Position::AsWritten, before));
                }
                open = Some(Stage::from_scratch(open_name.clone()));
                env = Env::image();
                continue;
            };
            // The base's ONBUILD triggers run here: told at the end, for the stages
            // BuildKit builds.
            if let Some(b) = base.filter(|b| has_triggers.get(*b).copied().unwrap_or(false)) {
                built_on.push(BuiltOn {
                    stage: done.len(),
                    base: b,
                    name: name.clone(),
                    line: l.line,
                });
            }
            // The variables of the stage `from` resolved the base to (the last of that name
            // so far), also when the model keeps the base as written (`FROM ${BASE}`).
            env = match base.and_then(|i| stage_envs.get(i)) {
                Some(e) => e.clone(),
                None if matches!(stage.base(), Base::Scratch) => Env::scratch(),
                None => Env::image(),
            };
            let mut stage = stage;
            if !comments.is_empty() {
                stage = stage.with_leading_comment(comments.join("\n"));
            }
            map.push(source(
                l,
                split,
                Position::From { stage: done.len() },
                before,
            ));
            open_name = name;
            open = Some(stage);
            continue;
        }
        match &mut open {
            None if keyword_lower == "arg" => {
                let Ok(new) = arg_list(&mut cx, split, true) else {
                    if cx.beyond {
                        map.push(source(l, split, Position::AsWritten, before));
                        // Names with quotes are still declared, as written; another limit
                        // (a value the model cannot hold) loses track of the values.
                        let names = quoted_global_names(split, cx.escape);
                        if names.is_empty() {
                            globals.lose();
                        }
                        for n in names {
                            globals.global_arg_as_written(&n);
                        }
                    }
                    continue;
                };
                for a in &new {
                    globals.global_arg(a);
                }
                for c in comments {
                    builder = builder.comment(c);
                }
                let start = args.len();
                for a in new {
                    builder = builder.arg(a.clone());
                    args.push(a);
                }
                map.push(source(
                    l,
                    split,
                    Position::GlobalArgs(start..args.len()),
                    before,
                ));
            }
            None => {
                if known(keyword_lower) {
                    cx.error_help(
                        "no build stage in current context",
                        "only ARG may come before the first FROM",
                    );
                } else {
                    unknown_instruction(&mut cx, split.keyword);
                }
                pending_comments = comments;
            }
            Some(open_stage) => {
                let read = instruction(&mut cx, split, l);
                if let Some(d) = onbuild_deferred.last_mut() {
                    d.append(&mut cx.deferred);
                }
                let Ok(new) = read else {
                    if cx.beyond {
                        map.push(source(l, split, Position::AsWritten, before));
                        if matches!(keyword_lower, "env" | "arg") {
                            env.lose();
                        }
                        if keyword_lower == "workdir" {
                            env.forget_workdir();
                        }
                    }
                    continue;
                };
                for i in &new {
                    match i {
                        Instruction::Env(pairs) => env.env(pairs),
                        Instruction::Arg(a) => env.arg(a, &globals),
                        Instruction::Workdir(w) => env.workdir(w),
                        _ => {}
                    }
                }
                // Taken out, not cloned: a shared stage would be copied on every push.
                let mut stage = std::mem::replace(open_stage, Stage::from_scratch(""));
                if !comments.is_empty() {
                    stage = stage.comment(comments.join("\n"));
                }
                let start = stage.instructions().len();
                for i in new {
                    stage = stage.push(i);
                }
                let end = stage.instructions().len();
                *open_stage = stage;
                map.push(source(
                    l,
                    split,
                    Position::Instructions {
                        stage: done.len(),
                        indices: start..end,
                    },
                    before,
                ));
            }
        }
    }
    let built = if built_on.is_empty() {
        Vec::new()
    } else {
        built_stages(&bases, &refs, &onbuild_froms, &all_names)
    };
    errors.extend(onbuild_errors(
        &built_on,
        &built,
        &onbuild_deferred,
        &onbuild_froms,
        &all_names,
    ));
    // Where the ONBUILD triggers of a stage run: the first stage BuildKit builds on it.
    let runs_in = |base: Option<usize>| {
        let base = base?;
        built_on
            .iter()
            .find(|o| o.base == base && built.get(o.stage).copied().unwrap_or(true))
    };
    // A problem validation found in an ONBUILD trigger: BuildKit's where the trigger runs,
    // else a model limit.
    let trigger = |base: Option<usize>, d: Diagnostic| match runs_in(base) {
        Some(o) => {
            let help = o.runs_here(d.help());
            d.with_help(help)
        }
        None => {
            let help = help_after(
                "BuildKit refuses it where the ONBUILD trigger runs, in a stage built on this one",
                d.help(),
            );
            d.with_help(help).model_limit()
        }
    };
    if let Some(mut stage) = open.take() {
        let trailing: Vec<String> = pending_comments
            .into_iter()
            .chain(read.trailing_comments.iter().map(|c| (*c).to_owned()))
            .collect();
        if !trailing.is_empty() {
            stage = stage.comment(trailing.join("\n"));
        }
        done.push(stage);
    }
    if read.instructions.is_empty() && errors.is_empty() {
        errors.push(Diagnostic::new(1, 1, "file with no instructions".into()));
    } else if done.is_empty() && errors.is_empty() {
        errors.push(
            Diagnostic::new(1, 1, "the file has no FROM".into())
                .with_help("a Dockerfile needs at least one stage"),
        );
    }
    source_date_epoch(&args, &done, &map, &mut errors);
    if !errors.is_empty() {
        if !faithful {
            errors.extend(limits);
        }
        return Err(ParseErrors::new(errors));
    }
    for s in &done {
        builder = builder.target(s);
    }
    if faithful || !limits.is_empty() {
        // Validated as read: the model's own rules (unique and unreserved names, global ARGs
        // in FROM, ...) are not BuildKit's, the rest of what validation finds BuildKit
        // refuses too.
        let (dockerfile, problems) = builder.build_as_read();
        let mut refused = Vec::new();
        let mut own = Vec::new();
        for p in &problems {
            let d = located(p, &map, &done, &read.directives, true);
            if p.is_model_only() {
                own.push(d.model_limit());
            } else if p.is_trigger() {
                let d = trigger(p.stage_index, d);
                if d.is_model_limit() {
                    own.push(d);
                } else {
                    refused.push(d);
                }
            } else {
                refused.push(d);
            }
        }
        if !faithful {
            refused.extend(limits);
            refused.extend(own);
        }
        return if refused.is_empty() {
            Ok(Parsed {
                dockerfile,
                instructions: map,
                directives: read.directives,
                unread: read.unread,
            })
        } else {
            Err(ParseErrors::new(refused))
        };
    }
    match builder.build() {
        Ok(dockerfile) => Ok(Parsed {
            dockerfile,
            instructions: map,
            directives: read.directives,
            unread: read.unread,
        }),
        Err(e) => Err(ParseErrors::new(
            e.problems()
                .iter()
                .map(|p| {
                    // Made in graph order, which `done` (file order) need not be; the
                    // names are unique here (two of a name are a model limit).
                    let d = located(p, &map, &done, &read.directives, false);
                    if p.is_model_only() {
                        d.model_limit()
                    } else if p.is_trigger() {
                        let stage = p
                            .location()
                            .stage()
                            .and_then(|name| done.iter().position(|s| s.name() == name));
                        trigger(stage, d)
                    } else {
                        d
                    }
                })
                .collect(),
        )),
    }
}

/// BuildKit takes `SOURCE_DATE_EPOCH` from a stage named by that global ARG's default, and
/// such a stage must be only a source: its `FROM` and nothing else.
fn source_date_epoch(
    args: &[Arg],
    stages: &[Stage],
    map: &[SourceInstruction],
    errors: &mut Vec<Diagnostic>,
) {
    let Some(default) = args
        .iter()
        .rev()
        .find(|a| a.name == "SOURCE_DATE_EPOCH")
        .and_then(|a| a.default.as_deref())
    else {
        return;
    };
    let lower = default.to_ascii_lowercase();
    let Some(index) = stages.iter().position(|s| s.name() == lower) else {
        // Seconds, `context` or a stage; a build context the build names (`--build-context`)
        // the file cannot tell, so without one BuildKit refuses the value.
        let seconds = default.parse::<i64>().is_ok();
        if !(default.is_empty() || seconds || default == "context" || default.contains('$')) {
            if let Some(arg) = map.iter().rev().find(|m| {
                matches!(&m.position, Position::GlobalArgs(r) if args.get(r.clone()).is_some_and(|a| a.iter().any(|a| a.name == "SOURCE_DATE_EPOCH")))
            }) {
                errors.push(
                    Diagnostic::new(
                        arg.line,
                        arg.column,
                        format!("invalid SOURCE_DATE_EPOCH: {default}"),
                    )
                    .with_help("give seconds since 1970 (`ARG SOURCE_DATE_EPOCH=0`), `context`, or the name of a stage"),
                );
            }
        }
        return;
    };
    // BuildKit takes the time from one download or Git repository: the stage is
    // `FROM scratch`, `ARG`s and exactly one `ADD` of one remote source (`epoch.go`).
    let stage = &stages[index];
    let mut problem = None;
    if !matches!(stage.base(), Base::Scratch) {
        problem = Some("SOURCE_DATE_EPOCH stage must use FROM scratch".to_owned());
    }
    let mut adds = 0;
    for i in stage.instructions() {
        match i {
            Instruction::Comment(_) | Instruction::Arg(_) => {}
            Instruction::Add(add) => {
                adds += 1;
                let one = match &add.sources {
                    Sources::Paths(paths) if paths.len() == 1 => paths.first(),
                    _ => None,
                };
                let why = match one {
                    _ if adds > 1 => {
                        Some("SOURCE_DATE_EPOCH stage must contain exactly one remote ADD")
                    }
                    None => {
                        Some("SOURCE_DATE_EPOCH stage must contain exactly one remote ADD source")
                    }
                    Some(src) if !src.contains('$') && !crate::rules::remote_source(src) => {
                        Some("SOURCE_DATE_EPOCH stage source must be a single HTTP(S) or Git ADD")
                    }
                    Some(_) => None,
                };
                if let Some(why) = why {
                    problem.get_or_insert_with(|| why.to_owned());
                }
            }
            other => {
                problem.get_or_insert_with(|| {
                    format!(
                        "SOURCE_DATE_EPOCH stage does not meet source-only requirements: unsupported {} instruction",
                        other.keyword()
                    )
                });
            }
        }
    }
    if adds == 0 {
        problem.get_or_insert_with(|| {
            "SOURCE_DATE_EPOCH stage must contain exactly one remote ADD".to_owned()
        });
    }
    let from = map
        .iter()
        .find(|m| m.position == Position::From { stage: index });
    if let (Some(message), Some(from)) = (problem, from) {
        errors.push(
            Diagnostic::new(from.line, from.column, message).with_help(
                "a stage that SOURCE_DATE_EPOCH names is `FROM scratch`, its `ARG`s and one `ADD` of a URL or a Git repository",
            ),
        );
    }
}

/// A model problem at the line of the instruction it is about.
fn located(
    p: &Problem,
    map: &[SourceInstruction],
    stages: &[Stage],
    directives: &[super::Directive],
    as_read: bool,
) -> Diagnostic {
    let loc = p.location();
    let directive = loc
        .field()
        .and_then(|f| f.strip_prefix("# "))
        .and_then(|name| {
            directives
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(name))
        });
    if let Some(d) = directive {
        let message = format!("# {}: {}", d.name, p.message());
        let diag = Diagnostic::new(d.line, 1, message);
        return match p.help() {
            Some(h) => diag.with_help(file_help(h)),
            None => diag,
        };
    }
    // By index when validation gave one into the stages as read (two may share a name).
    let stage = p.stage_index.filter(|_| as_read).or_else(|| {
        loc.stage()
            .and_then(|name| stages.iter().position(|s| s.name() == name))
    });
    let found = match (stage, loc.instruction()) {
        (None, Some((n, _))) => map
            .iter()
            .find(|m| matches!(&m.position, Position::GlobalArgs(r) if r.contains(&(n - 1)))),
        (Some(s), None) => map
            .iter()
            .find(|m| m.position == Position::From { stage: s }),
        (Some(s), Some((n, _))) => {
            // The model counts instructions from 1 without comments.
            let index = stages.get(s).and_then(|stage| {
                stage
                    .instructions()
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| !matches!(i, Instruction::Comment(_)))
                    .nth(n.saturating_sub(1))
                    .map(|(i, _)| i)
            });
            map.iter()
                .find(|m| match (&m.position, index) {
                    (Position::Instructions { stage, indices }, Some(i)) => {
                        *stage == s && indices.contains(&i)
                    }
                    _ => false,
                })
                // A comment after the stage's last instruction (it takes the position of an
                // instruction after it, which there is not): the stage's last line read.
                .or_else(|| {
                    map.iter().rev().find(|m| match &m.position {
                        Position::Instructions { stage, .. } => *stage == s,
                        Position::From { stage } => *stage == s,
                        _ => false,
                    })
                })
        }
        (None, None) => None,
    };
    let (line, column) = found.map_or((0, 0), |m| (m.line, m.column));
    let message = match loc.field() {
        Some(field) => format!("{field}: {}", p.message()),
        None => p.message().to_owned(),
    };
    let d = Diagnostic::new(line, column, message);
    match p.help() {
        Some(h) => d.with_help(file_help(h)),
        None => d,
    }
}

/// The model's hints speak the builder API; for a file, the same fix in Dockerfile terms.
fn file_help(help: &str) -> String {
    let minor = help
        .strip_prefix("pin `Syntax::Minor(")
        .and_then(|rest| rest.split_once(')'))
        .map(|(n, _)| n);
    if let Some(n) = minor {
        return format!(
            "write `# syntax=docker/dockerfile:1.{n}` (or newer), or `# syntax=docker/dockerfile:1`"
        );
    }
    let global_arg = help
        .strip_prefix("declare it with `Dockerfile::builder().arg(\"")
        .and_then(|rest| rest.split_once('"'))
        .map(|(name, _)| name);
    if let Some(name) = global_arg {
        return format!("declare it before the first FROM: `ARG {name}`");
    }
    let stage_as_image = [
        "use `Stage::from_stage` for the stage, or add a tag to the image",
        "refer to the stage by value, or add a tag to the image",
    ];
    if stage_as_image.contains(&help) {
        return "rename the stage, or add a tag to the image".to_owned();
    }
    help.to_owned()
}

fn source(l: &Logical, split: &Split, position: Position, before: Before) -> SourceInstruction {
    SourceInstruction {
        checks: before.checks,
        described: before.described,
        line: l.line,
        end_line: l.end_line,
        column: l.column,
        keyword: split.keyword.to_owned(),
        text: l.text.clone().into_owned(),
        position,
        empty_continuation: l.empty_continuation_reported(),
    }
}

/// Room for a keyword in lower case without a String for each instruction: the longest
/// instruction keyword (`HEALTHCHECK`) has 11 characters.
#[derive(Default)]
struct KeywordBuf([u8; 16]);

impl KeywordBuf {
    /// The keyword in ASCII lower case; a longer word, which names no instruction,
    /// becomes `"-"`, which names none either.
    fn lower(&mut self, keyword: &str) -> &str {
        let Some(buf) = self.0.get_mut(..keyword.len()) else {
            return "-";
        };
        buf.copy_from_slice(keyword.as_bytes());
        buf.make_ascii_lowercase();
        // Lowering ASCII letters keeps UTF-8 valid.
        std::str::from_utf8(buf).unwrap_or("-")
    }
}

fn known(keyword: &str) -> bool {
    crate::rules::INSTRUCTIONS
        .iter()
        .any(|k| k.eq_ignore_ascii_case(keyword))
}

/// What a `# syntax=` directive's value names (also the lock's frontend image).
pub(crate) fn syntax_of(value: &str) -> Syntax {
    match value.strip_prefix("docker/dockerfile:") {
        Some("1") => Syntax::Stable,
        Some(v) => match v.strip_prefix("1.").map(str::parse::<u32>) {
            Some(Ok(n)) if !v.starts_with("1.0") || v == "1.0" => Syntax::Minor(n),
            _ => Syntax::Frontend(value.to_owned()),
        },
        None => Syntax::Frontend(value.to_owned()),
    }
}

/// `# check=skip=A,B;error=true;experimental=all`, read as BuildKit reads it
/// ([`rules::check_options`](crate::rules::check_options)). BuildKit takes any text for a
/// rule's name; `faithful` drops those that cannot be one (`skip=foo`, `skip=all,Other`),
/// which change nothing, where [`parse`] keeps them for the model to refuse.
fn checks_of(value: &str, faithful: bool) -> Result<BuildChecks, String> {
    let mut options = crate::rules::check_options(value)?;
    if faithful {
        let named = |rule: &&str| crate::rules::check_rule(rule).is_ok();
        options.skip.retain(named);
        options.experimental.retain(named);
    }
    Ok(options.into())
}

/// A stage built on one with ONBUILD triggers, which run in it.
struct BuiltOn {
    stage: usize,
    base: usize,
    name: String,
    /// The line of its `FROM`.
    line: usize,
}

impl BuiltOn {
    /// The help of an error of a trigger that runs in this stage.
    fn runs_here(&self, help: Option<&str>) -> String {
        help_after(
            &format!(
                "the ONBUILD trigger runs in `{}` (line {}), built on this stage",
                self.name, self.line
            ),
            help,
        )
    }
}

/// A help that says where first, then the problem's own help if it has one.
fn help_after(first: &str, help: Option<&str>) -> String {
    match help {
        Some(h) => format!("{first}: {h}"),
        None => first.to_owned(),
    }
}

/// The errors of the ONBUILD triggers in the stages BuildKit builds on them: each trigger's
/// own errors (`deferred`, by base) and a `COPY --from` of a stage after the one it runs in.
/// Each is told once, in the first such stage: a base with many triggers and many stages
/// built on it would otherwise give their product.
fn onbuild_errors(
    built_on: &[BuiltOn],
    built: &[bool],
    deferred: &[Vec<Diagnostic>],
    froms: &[Vec<(String, usize, usize)>],
    all_names: &BTreeMap<String, usize>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut told_bases = BTreeSet::new();
    let mut told_froms = BTreeSet::new();
    for on in built_on {
        let BuiltOn {
            stage, base, name, ..
        } = on;
        if !built.get(*stage).copied().unwrap_or(true) {
            continue;
        }
        if told_bases.insert(*base) {
            for d in deferred.get(*base).into_iter().flatten() {
                out.push(d.clone().with_help(on.runs_here(d.help())));
            }
        }
        // `COPY --from` by name or index: the stage named must not come after this one
        // (this one itself is built).
        for (i, (from, from_line, column)) in froms.get(*base).into_iter().flatten().enumerate() {
            let named = match from.parse::<usize>() {
                Ok(n) => Some(n),
                Err(_) => all_names.get(&from.to_ascii_lowercase()).copied(),
            };
            if named.is_some_and(|n| n > *stage) && told_froms.insert((*base, i)) {
                out.push(
                    Diagnostic::new(
                        *from_line,
                        *column,
                        format!(
                            "cannot copy from stage \"{from}\", it needs to be defined before current stage \"{name}\""
                        ),
                    )
                    .with_help(on.runs_here(Some(&format!("define `{from}` before it")))),
                );
            }
        }
    }
    out
}

/// Which stages BuildKit builds for the default target (the last stage): those it depends
/// on, through bases, `COPY --from`, mounts' `from` and the ONBUILD triggers of a base.
/// (`--target` chooses another, outside the file; BuildKit's verdict on a stage it does not
/// build, such as an ONBUILD reference to a later stage, is then another.)
fn built_stages(
    bases: &[Option<usize>],
    refs: &[Vec<(String, bool)>],
    onbuild_froms: &[Vec<(String, usize, usize)>],
    all_names: &BTreeMap<String, usize>,
) -> Vec<bool> {
    let resolve = |name: &str, by_index: bool| match name.parse::<usize>() {
        Ok(n) if by_index => Some(n),
        _ => all_names.get(&name.to_ascii_lowercase()).copied(),
    };
    let count = refs.len();
    let mut built = vec![false; count];
    let mut todo: Vec<usize> = count.checked_sub(1).into_iter().collect();
    while let Some(s) = todo.pop() {
        if s >= count || built[s] {
            continue;
        }
        built[s] = true;
        let base = bases.get(s).copied().flatten();
        let triggers = base
            .and_then(|b| onbuild_froms.get(b))
            .into_iter()
            .flatten()
            .map(|(f, _, _)| (f.as_str(), true));
        let own = refs[s].iter().map(|(f, i)| (f.as_str(), *i));
        todo.extend(base);
        todo.extend(own.chain(triggers).filter_map(|(f, i)| resolve(f, i)));
    }
    built
}

/// Why a base with a `$` that is not a variable is refused.
const LITERAL_DOLLAR_IN_BASE: &str = "a `$` that is not a variable (escaped, or in single quotes) is in no image reference or stage name";

/// `FROM [--platform=P] image [AS name]`: the stage's name, the stage, and the index of the
/// stage it is built on (also when the model keeps the base as written, `FROM ${BASE}`:
/// the stage's variables are that stage's).
fn from(
    cx: &mut Cx<'_>,
    split: &Split,
    index: usize,
) -> Result<(String, Stage, Option<usize>), Bad> {
    let flags = Flags::new(cx, "FROM", &split.flags, crate::rules::flags("FROM"), &[])?;
    let platform = flags.string(cx, "platform")?;
    let args = words::whitespace_words(split.args);
    let (image, name) = match args.as_slice() {
        [image] => (*image, None),
        [image, as_, name] if as_.eq_ignore_ascii_case("as") => (*image, Some(*name)),
        _ => {
            return Err(cx.error_help(
                "FROM requires either one or three arguments",
                "write `FROM image [AS name]`",
            ));
        }
    };
    let name = match name {
        Some(n) => {
            cx.focus(n);
            let lower = n.to_ascii_lowercase();
            // BuildKit builds a stage named `scratch` or `context` (with a warning).
            // (The model refuses them as a rule of its own, see validation.)
            let reserved = matches!(lower.as_str(), "scratch" | "context");
            if crate::rules::stage_name(&lower).is_err() && !reserved {
                return Err(cx.error_help(
                    format!("invalid name for build stage: `{n}`"),
                    "a stage name starts with a letter, followed by letters, digits, `-`, `_` or `.`",
                ));
            }
            lower
        }
        None => stage_name_of(cx, None, index),
    };
    // BuildKit expands the base and `--platform` with the global scope, and refuses a
    // word it cannot expand, a blank base, an empty platform and a base that is neither a
    // stage nor an image reference (`resolveBaseImage` parses every one, used or not).
    // When a variable of the word is one the build sets (`--build-arg`, `--platform`), the
    // verdict is the build's: the file is read (`check` reports InvalidDefaultArgInFrom
    // where BuildKit's lint does); with none, it is the file's, and refused.
    cx.focus("");
    if let Some(p) = &platform {
        let refusal = match cx.globals.expand_from(p, cx.escape) {
            Err(e) => Some(format!("failed to process arguments for platform : {e}")),
            Ok(Some(v)) if v.is_empty() => {
                Some(format!("empty platform value from expression {p}"))
            }
            Ok(_) => None,
        };
        if let Some(message) = refusal.filter(|_| !cx.globals.settable(p, cx.escape)) {
            return Err(cx.error_help(
                message,
                "declare the argument with a default (`ARG NAME=value`) before the first FROM",
            ));
        }
    }
    let settable = cx.globals.settable(image, cx.escape);
    let resolved = match cx.globals.expand_from(image, cx.escape) {
        Ok(r) => r,
        Err(_) if settable => match cx.globals.fixed_error(image, cx.escape) {
            // `${UNDECLARED?message}`: no build argument can set it.
            Some(e) => {
                return Err(cx.error_help(
                    e,
                    "declare the argument (`ARG NAME=value`) before the first FROM, or drop the `?`",
                ));
            }
            None => None,
        },
        Err(e) if !crate::expand::readable(image, cx.escape) => {
            return Err(cx.error_help(
                e,
                "BuildKit cannot read this word, whatever the arguments hold: close its quotes and `${...}`",
            ));
        }
        Err(e) => {
            return Err(cx.error_help(
                e,
                "declare the argument with a default (`ARG NAME=value`) before the first FROM",
            ));
        }
    };
    // The latest stage of the name so far, the name as expanded, case kept (`FROM Builder`
    // is an image): BuildKit resolves a base before it adds the stage (references in
    // instructions go to the last stage of a name in the file).
    let base_stage = resolved.as_deref().and_then(|v| {
        // Only a name the file gives: never one made up for an unnamed stage.
        cx.done
            .iter()
            .rposition(|s| s.name() == v && cx.all_names.contains_key(v))
    });
    // A word no value of the build arguments makes a reference, an earlier stage's name or
    // `scratch` (`golang:${UNDECLARED}-alpine${V}`): BuildKit refuses it whatever the build
    // sets.
    if settable && base_stage.is_none() {
        if let Some(pattern) = cx.globals.fixed_pattern(image, cx.escape) {
            if let Some(why) = never_a_reference(&pattern, cx.done, cx.all_names) {
                return Err(bad_reference(cx, image, why));
            }
        }
    }
    if let (Some(v), None, false) = (&resolved, base_stage, settable) {
        if v.is_empty() {
            return Err(cx.error_help(
                format!("base name ({image}) should not be blank"),
                "declare the argument with a default (`ARG NAME=value`) before the first FROM",
            ));
        }
        // The value's `$`s are literal ones (escaped, or in single quotes): no reference
        // has one (`rules::image` takes one for a variable of a template).
        if v.contains('$') {
            return Err(bad_reference(cx, v, LITERAL_DOLLAR_IN_BASE));
        }
        if v != "scratch" {
            if let Err(why) = crate::rules::image(v) {
                return Err(bad_reference(cx, v, why.message));
            }
        }
    }
    // A literal `$` is in the value whatever the arguments hold: BuildKit refuses it. (Not a
    // limit of the model: a FROM line the model cannot hold would have no stage to write.)
    let written = match words::unquote(image, cx.escape) {
        Err(Unreadable::LiteralDollar) => {
            return Err(bad_reference(cx, image, LITERAL_DOLLAR_IN_BASE));
        }
        // Quotes or escapes around a variable: braced first, so that taking them off
        // does not join the variable's name with what follows.
        _ if image.contains('$') && image.contains(['\'', '"', cx.escape]) => {
            cx.word(&crate::expand::braced(image, cx.escape))?
        }
        Ok(w) => w,
        // A quote inside `${...}` that unquoting keeps is one in the image's name.
        Err(Unreadable::QuotedSubstitution) => {
            return Err(bad_reference(
                cx,
                image,
                "a quote or an escape inside `${...}` is in no image reference or stage name",
            ));
        }
        // An unterminated quote: `word` says so.
        Err(Unreadable::UnterminatedQuote) => cx.word(image)?,
    };
    let base = match base_stage {
        // The model keeps a base with variables as written.
        Some(i) if written == resolved.as_deref().unwrap_or_default() => cx
            .done
            .get(i)
            .map_or(Base::Scratch, |s| Base::Stage(s.clone())),
        _ if written == "scratch" => Base::Scratch,
        _ => Base::Image(ImageRef::from(written)),
    };
    let mut stage = Stage::new(name.clone(), base);
    if let Some(p) = platform {
        stage = stage.on_platform(Platform::new(p));
    }
    Ok((name, stage, base_stage))
}

/// The name of the stage a `FROM` line makes: the one written, in lower case, or for an
/// unnamed stage `stage-N`, made unlike every name the file gives or refers to.
fn stage_name_of(cx: &Cx<'_>, written: Option<&str>, index: usize) -> String {
    if let Some(n) = written {
        return n.to_ascii_lowercase();
    }
    let mut name = format!("stage-{index}");
    let mut n = 0;
    while cx.all_names.contains_key(&name) || cx.referenced.contains(&name) {
        n += 1;
        name = format!("stage-{index}-{n}");
    }
    name
}

/// Why no value of the build arguments makes `pattern` (a `FROM` word with the parts they
/// give unknown) a base BuildKit takes: an image reference, the name of an earlier stage or
/// `scratch`. `None` when some value does.
fn never_a_reference(
    pattern: &Pattern,
    done: &[Stage],
    names: &BTreeMap<String, usize>,
) -> Option<String> {
    use crate::rules::reference::{Part, Stuck, possible};
    let parts: Vec<Part<'_>> = pattern
        .0
        .iter()
        .map(|p| match p {
            Piece::Lit(s) => Part::Text(s),
            Piece::Var(_) | Piece::Derived(_) => Part::Unknown,
        })
        .collect();
    let stuck = possible(&parts).err()?;
    let a_stage = |name: &str| pattern.matches(name).is_some();
    if a_stage("scratch")
        || done
            .iter()
            .any(|s| names.contains_key(s.name()) && a_stage(s.name()))
    {
        return None;
    }
    let shown = pattern.display();
    Some(match stuck {
        Stuck::End => {
            format!("whatever the build arguments hold, no image reference ends as `{shown}` does")
        }
        Stuck::At { part, offset } => {
            // The word as shown up to the character no reference can have there.
            let before = Pattern(pattern.0[..part].to_vec()).display();
            let (text, c) = match &pattern.0[part] {
                Piece::Lit(s) => (&s[..offset], s[offset..].chars().next().unwrap_or(' ')),
                _ => ("", ' '),
            };
            if before.is_empty() && text.is_empty() {
                format!(
                    "whatever the build arguments hold, `{shown}` starts with `{c}`, which no image reference does"
                )
            } else {
                format!(
                    "whatever the build arguments hold, `{shown}` has `{c}` after `{before}{text}`, where no image reference has it"
                )
            }
        }
    })
}

/// BuildKit's refusal of a base that is neither a stage nor an image reference, `base` as
/// it quotes it, with `help` saying why.
fn bad_reference(cx: &mut Cx<'_>, base: &str, help: impl Into<String>) -> Bad {
    cx.error_help(
        format!(
            "failed to parse stage name {}: invalid reference format",
            crate::expand::go_quote(base)
        ),
        help,
    )
}

/// The names of a global `ARG` as written, when one of them has quotes or escapes (the
/// only reason [`arg_list`] keeps the instruction as written, then); empty otherwise.
fn quoted_global_names(split: &Split, escape: char) -> Vec<String> {
    let names: Vec<String> = words::parse_words(split.args, escape)
        .iter()
        .map(|w| words::arg_name(w).to_owned())
        .collect();
    if names.iter().any(|n| quoted(n, escape)) {
        names
    } else {
        Vec::new()
    }
}

/// Whether a global `ARG` name has quotes or escapes, which BuildKit keeps in it.
fn quoted(name: &str, escape: char) -> bool {
    name.contains(['\'', '"', escape])
}

/// `ARG a=1 b`: one `Arg` each. `global`: an `ARG` before the first `FROM`, whose names
/// BuildKit takes as written (`buildMetaArgs`), where a stage's `ARG` has its names
/// unquoted (`ArgCommand.Expand`).
fn arg_list(cx: &mut Cx<'_>, split: &Split, global: bool) -> Result<Vec<Arg>, Bad> {
    Flags::new(cx, "ARG", &split.flags, &[], &[])?;
    let words = words::parse_words(split.args, cx.escape);
    if words.is_empty() {
        return Err(cx.error_help(
            "ARG requires at least one argument",
            "write `ARG NAME[=default]`",
        ));
    }
    let mut out = Vec::new();
    for w in words {
        let name = words::arg_name(&w);
        if global && quoted(name, cx.escape) {
            return Err(cx.beyond_model(
                format!("the global ARG name `{name}` has quotes or escapes, which BuildKit keeps in the name"),
                "the model writes a name without quotes; this ARG cannot be kept",
            ));
        }
        let arg = match w.split_once('=') {
            Some((k, v)) => Arg::new(cx.word(k)?).default(cx.expanded(v)?),
            None => Arg::new(cx.word(&w)?),
        };
        out.push(arg);
    }
    Ok(out)
}

/// `ENV`/`LABEL` pairs, in the `key=value` or the legacy `key value` form.
fn pairs(cx: &mut Cx<'_>, keyword: &str, split: &Split) -> Result<Vec<(String, String)>, Bad> {
    Flags::new(cx, keyword, &split.flags, &[], &[])?;
    let words = words::parse_words(split.args, cx.escape);
    let Some(first) = words.first() else {
        return Err(cx.error_help(
            format!("{keyword} requires at least one argument"),
            format!("write `{keyword} key=value`"),
        ));
    };
    if !first.contains('=') {
        let mut parts = split.args.splitn(2, |c: char| {
            matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
        });
        let key = parts.next().unwrap_or_default();
        let value = parts
            .next()
            .map(|v| v.trim_start_matches([' ', '\t', '\r', '\u{b}', '\u{c}']));
        return match value {
            Some(v) if !v.is_empty() => Ok(vec![(cx.expanded(key)?, cx.expanded(v)?)]),
            _ => {
                cx.read_refusal = true;
                Err(cx.error_help(
                    format!("{keyword} must have two arguments"),
                    format!("write `{keyword} key=value`"),
                ))
            }
        };
    }
    let mut out = Vec::new();
    for w in &words {
        let Some((k, v)) = w.split_once('=') else {
            cx.read_refusal = true;
            return Err(cx.error_help(
                format!("can't find = in `{w}`; must be of the form name=value"),
                "write every pair as `key=value`",
            ));
        };
        out.push((cx.expanded(k)?, cx.expanded(v)?));
    }
    Ok(out)
}

/// One instruction inside a stage (or after ONBUILD).
fn instruction(cx: &mut Cx<'_>, split: &Split, l: &Logical) -> Result<Vec<Instruction>, Bad> {
    let read = instruction_as_read(cx, split, l)?;
    // A heredoc body with `\r\n` line ends: BuildKit keeps the `\r`s in the content, the
    // model's heredocs have `\n` line ends. Told after the instruction's own problems,
    // which BuildKit refuses the file for (`RUN --bad <<EOF`).
    if l.heredocs.iter().any(|h| h.body().contains('\r')) {
        return Err(cx.beyond_model(
            "a heredoc with CRLF line ends (BuildKit keeps each `\\r` in the content)",
            "save the Dockerfile with LF line ends",
        ));
    }
    Ok(read)
}

fn instruction_as_read(
    cx: &mut Cx<'_>,
    split: &Split,
    l: &Logical,
) -> Result<Vec<Instruction>, Bad> {
    let mut buf = KeywordBuf::default();
    let keyword = buf.lower(split.keyword);
    let no_flags = |cx: &mut Cx<'_>, k: &str| Flags::new(cx, k, &split.flags, &[], &[]).map(|_| ());
    let one = |i: Instruction| Ok(vec![i]);
    match keyword {
        "run" => one(Instruction::Run(run(cx, split, l)?)),
        "cmd" | "entrypoint" => {
            let k = split.keyword.to_ascii_uppercase();
            no_flags(cx, &k)?;
            let c = command(cx, &k, split.args)?;
            one(if keyword == "cmd" {
                Instruction::Cmd(c)
            } else {
                Instruction::Entrypoint(c)
            })
        }
        "shell" => {
            no_flags(cx, "SHELL")?;
            match words::json_array(split.args) {
                Some(Ok(argv)) if !argv.is_empty() => one(Instruction::Shell(texts(argv))),
                Some(Err(())) => Err(not_strings(cx)),
                _ => Err(cx.error_help(
                    "SHELL requires the arguments to be in JSON form",
                    "write `SHELL [\"/bin/bash\", \"-c\"]`",
                )),
            }
        }
        "env" => one(Instruction::Env(text_pairs(pairs(cx, "ENV", split)?))),
        "label" => one(Instruction::Label(text_pairs(pairs(cx, "LABEL", split)?))),
        "maintainer" => {
            no_flags(cx, "MAINTAINER")?;
            if split.args.is_empty() {
                return Err(cx.error("MAINTAINER requires exactly one argument"));
            }
            one(Instruction::Maintainer(Text::copy(split.args)))
        }
        "arg" => Ok(arg_list(cx, split, false)?
            .into_iter()
            .map(Instruction::Arg)
            .collect()),
        "expose" => {
            no_flags(cx, "EXPOSE")?;
            let words = words::whitespace_words(split.args);
            if words.is_empty() {
                return Err(cx.error("EXPOSE requires at least one argument"));
            }
            let mut ports = Vec::new();
            for w in words {
                let w = cx.expanded(w)?;
                // BuildKit refuses a port it cannot read; with a variable, the value is the
                // stage's environment's.
                if !w.contains('$') {
                    if let Err(why) = crate::rules::exposed_port(&w) {
                        return Err(cx.error_help(why.message, why.help.unwrap_or_default()));
                    }
                } else {
                    // `dispatchExpose` expands the word with the stage's variables and reads
                    // each word of the value as a port.
                    checked_as_expanded(cx, &w, None, |value| {
                        words::whitespace_words(value)
                            .into_iter()
                            .try_for_each(crate::rules::exposed_port)
                    })?;
                }
                // BuildKit reads the protocol in any case.
                let normal = match w.rsplit_once('/') {
                    Some((p, proto)) => format!("{p}/{}", proto.to_ascii_lowercase()),
                    None => w.clone(),
                };
                match normal.parse::<Port>() {
                    Ok(p) => ports.push(p),
                    // `[IP:][HOST:]PORT`: a mapping only `docker run -p` makes.
                    Err(_) if w.contains(':') => {
                        let container = w.rsplit(':').next().unwrap_or_default();
                        return Err(cx.beyond_model(
                            format!(
                                "a host address or port in `EXPOSE {w}`: BuildKit exposes \
                                 `{container}` and warns (ExposeInvalidFormat)"
                            ),
                            format!(
                                "write `EXPOSE {container}`; map host ports with `docker run -p`"
                            ),
                        ));
                    }
                    Err(e) => {
                        return Err(cx.beyond_model(
                            format!("cannot read port `{w}`: {e}"),
                            e.help().unwrap_or("write `PORT[/PROTOCOL]`").to_owned(),
                        ));
                    }
                }
            }
            one(Instruction::Expose(ports.into()))
        }
        "copy" | "add" => files(cx, keyword, split, l).map(|i| vec![i]),
        "volume" => {
            no_flags(cx, "VOLUME")?;
            let json = words::json_array(split.args);
            let list = match &json {
                Some(Ok(list)) => list.iter().map(String::as_str).collect(),
                Some(Err(())) => return Err(not_strings(cx)),
                None => words::whitespace_words(split.args),
            };
            if list.is_empty() {
                return Err(cx.error("VOLUME requires at least one argument"));
            }
            let mut paths = Vec::new();
            for p in list {
                let p = cx.expanded(p)?;
                if p.is_empty() {
                    return Err(cx.error("VOLUME specified can not be an empty string"));
                }
                paths.push(Text::from(p));
            }
            one(Instruction::Volume(paths.into()))
        }
        "user" | "workdir" | "stopsignal" => {
            let k = split.keyword.to_ascii_uppercase();
            no_flags(cx, &k)?;
            if split.args.is_empty() {
                return Err(cx.error(format!("{k} requires exactly one argument")));
            }
            let value = cx.expanded(split.args)?;
            if keyword == "stopsignal" && value.contains('$') {
                checked_as_expanded(cx, &value, None, signal_as_buildkit_reads)?;
            }
            one(match keyword {
                "user" => Instruction::User(value.into()),
                "workdir" => Instruction::Workdir(value.into()),
                _ => Instruction::StopSignal(Signal::new(value)),
            })
        }
        "onbuild" => {
            no_flags(cx, "ONBUILD")?;
            let inner = words::split_command(split.args);
            let inner_kw = inner.keyword.to_ascii_lowercase();
            match inner_kw.as_str() {
                "" => Err(cx.error("ONBUILD requires at least one argument")),
                "onbuild" => Err(cx.error("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")),
                "from" | "maintainer" => Err(cx.error(format!(
                    "{} isn't allowed as an ONBUILD trigger",
                    inner.keyword.to_ascii_uppercase()
                ))),
                // BuildKit reads the trigger only where it runs, in a stage built on this
                // one (refused there): here, a trigger the model cannot hold.
                k if !known(k) => {
                    let mark = cx.errors.len();
                    unknown_instruction(cx, inner.keyword);
                    cx.deferred.extend(cx.errors.drain(mark..));
                    Err(cx.beyond_model(
                        format!("the ONBUILD trigger `{}` is no instruction", inner.keyword),
                        "BuildKit fails a stage built on this one; write an instruction such as RUN or COPY",
                    ))
                }
                _ => {
                    // The trigger runs in a stage built on this one, with its variables.
                    let env = cx.env.take();
                    cx.onbuild = true;
                    cx.read_refusal = false;
                    let mark = cx.errors.len();
                    let new = instruction(cx, &inner, l);
                    cx.onbuild = false;
                    cx.env = env;
                    let mut new = match new {
                        Ok(new) => new,
                        // BuildKit's parser refuses a few triggers as it reads the file;
                        // the rest of its checks run where the trigger runs.
                        Err(Bad) if !cx.read_refusal && cx.errors.len() > mark => {
                            let own: Vec<Diagnostic> = cx.errors.drain(mark..).collect();
                            let first = own.first().map(|d| d.message().to_owned());
                            cx.deferred.extend(own);
                            cx.focus.clear();
                            return Err(cx.beyond_model(
                                format!(
                                    "an ONBUILD trigger that fails where it runs, in a stage built on this one: {}",
                                    first.unwrap_or_default()
                                ),
                                "correct the trigger: the model holds only one BuildKit can run",
                            ));
                        }
                        Err(Bad) => return Err(Bad),
                    };
                    if new.len() != 1 {
                        return Err(cx.error("ONBUILD takes one instruction"));
                    }
                    Ok(new
                        .pop()
                        .map(|i| vec![Instruction::OnBuild(Box::new(i))])
                        .unwrap_or_default())
                }
            }
        }
        "healthcheck" => one(Instruction::Healthcheck(healthcheck(cx, split)?)),
        _ => Err(unknown_instruction(cx, split.keyword)),
    }
}

/// An unknown keyword, with the closest known one when it is a likely typo.
fn unknown_instruction(cx: &mut Cx<'_>, keyword: &str) -> Bad {
    let lower = keyword.to_ascii_lowercase();
    let closest = crate::rules::INSTRUCTIONS
        .iter()
        .map(|k| k.to_ascii_lowercase())
        .map(|k| (crate::rules::suggest::levenshtein(&lower, &k), k))
        .min()
        .filter(|(d, _)| *d <= 2);
    let help = match closest {
        Some((_, k)) => format!("did you mean {}?", k.to_ascii_uppercase()),
        None => "expected an instruction such as FROM, RUN, COPY, ENV or CMD".to_owned(),
    };
    cx.error_help(format!("unknown instruction `{keyword}`"), help)
}

fn not_strings(cx: &mut Cx<'_>) -> Bad {
    cx.read_refusal = true;
    cx.error("when using JSON array syntax, arrays must be comprised of strings only")
}

/// A command after a lone `--` (`RUN -- --version`): BuildKit stops reading flags there,
/// and the canonical form, which writes no `--`, would turn the command into flags.
fn dashes_first(cx: &mut Cx<'_>) -> Bad {
    cx.beyond_model(
        "the command starts with `--`, after a `--` that ends the flags",
        "the model writes no `--` before a command, so BuildKit would read it as flags: start the command with the program name",
    )
}

/// `written` (a value with variables) as BuildKit reads it: expanded with the stage's
/// variables first, then held to `check`. Checked when the value is certain; the model keeps
/// it as written. `flag` is the flag the error points at.
fn checked_as_expanded(
    cx: &mut Cx<'_>,
    written: &str,
    flag: Option<&str>,
    check: impl FnOnce(&str) -> crate::rules::Check,
) -> Result<(), Bad> {
    let Some(value) = cx.env.and_then(|env| env.expand(written)) else {
        return Ok(());
    };
    check(&value).map_err(|why| {
        if let Some(flag) = flag {
            cx.focus_flag(flag);
        }
        cx.error_help(
            format!(
                "{} (`{written}` is `{value}` with this stage's variables)",
                why.message
            ),
            why.help.unwrap_or_default(),
        )
    })
}

/// A `--chmod` value as BuildKit reads it when it copies: nothing, an octal mode up to
/// `07777` or a symbolic one (`copy` in `convert_copy.go`).
fn chmod_as_buildkit_reads(value: &str) -> crate::rules::Check {
    match octal_mode(value) {
        _ if value.is_empty() => Ok(()),
        Some(mode) => crate::rules::chmod_octal(mode),
        // BuildKit's message for a value that looks numeric.
        _ if value.bytes().all(|b| b.is_ascii_digit()) => Err(crate::rules::Invalid {
            message: format!("mode {value} is not an octal file mode"),
            help: Some("use an octal mode of at most 7777, or a symbolic one".into()),
        }),
        _ => crate::rules::chmod_symbolic(value),
    }
}

/// A `STOPSIGNAL` value as BuildKit reads it: a signal it knows (`dispatchStopSignal`).
fn signal_as_buildkit_reads(value: &str) -> crate::rules::Check {
    if crate::rules::signal_buildkit_takes(value) {
        return Ok(());
    }
    Err(crate::rules::Invalid {
        message: format!("invalid signal: {value}"),
        help: Some(
            "give the variable a signal's name such as `SIGTERM`, or a number from 1 to 64".into(),
        ),
    })
}

/// A mode written in octal digits only (`755`), as a number; `None` for a symbolic one.
fn octal_mode(m: &str) -> Option<u32> {
    if !m.is_empty() && m.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        u32::from_str_radix(m, 8).ok()
    } else {
        None
    }
}

/// CMD, ENTRYPOINT and HEALTHCHECK CMD: exec form from JSON, else shell form.
fn command(cx: &mut Cx<'_>, keyword: &str, args: &str) -> Result<Command, Bad> {
    if args.starts_with("--") {
        return Err(dashes_first(cx));
    }
    match words::json_array(args) {
        Some(Ok(argv)) => Ok(Command::Exec(texts(argv))),
        Some(Err(())) => Err(not_strings(cx)),
        None if args.is_empty() && keyword == "HEALTHCHECK CMD" => {
            Err(cx.error("Missing command after HEALTHCHECK CMD"))
        }
        // `CMD` and `ENTRYPOINT` with nothing after them are an empty shell command to
        // BuildKit (ENTRYPOINT's clears the entrypoint): read as one, which validation says
        // the model cannot write (a limit of the model, not BuildKit's refusal).
        None => Ok(Command::shell(Text::copy(args))),
    }
}

fn healthcheck(cx: &mut Cx<'_>, split: &Split) -> Result<Healthcheck, Bad> {
    let flags = Flags::new(
        cx,
        "HEALTHCHECK",
        &split.flags,
        crate::rules::flags("HEALTHCHECK"),
        &[],
    )?;
    let args = split.args;
    let at = args.find(char::is_whitespace).unwrap_or(args.len());
    let (typ, rest) = (&args[..at], args[at..].trim_start());
    match typ.to_ascii_uppercase().as_str() {
        "NONE" => {
            if !rest.is_empty() || !flags.list.is_empty() {
                return Err(cx.error("HEALTHCHECK NONE takes no arguments"));
            }
            Ok(Healthcheck::None)
        }
        "CMD" => {
            let mut check = Healthcheck::cmd(command(cx, "HEALTHCHECK CMD", rest)?);
            let duration = |cx: &mut Cx<'_>, name: &str| -> Result<Option<Duration>, Bad> {
                match flags.string(cx, name)? {
                    None => Ok(None),
                    // Go's `time.ParseDuration` also reads a bare `0`.
                    Some(v) if v == "0" => Ok(Some(Duration::ZERO)),
                    Some(v) => match crate::rules::duration(&v) {
                        Ok(nanos) => Ok(Some(Duration::from_nanos(
                            u64::try_from(nanos).unwrap_or(u64::MAX),
                        ))),
                        Err(e) => Err(match e.help {
                            Some(h) => cx.error_help(format!("--{name}: {}", e.message), h),
                            None => cx.error(format!("--{name}: {}", e.message)),
                        }),
                    },
                }
            };
            if let Some(d) = duration(cx, "interval")? {
                check = check.interval(d);
            }
            if let Some(d) = duration(cx, "timeout")? {
                check = check.timeout(d);
            }
            if let Some(d) = duration(cx, "start-period")? {
                check = check.start_period(d);
            }
            if let Some(d) = duration(cx, "start-interval")? {
                check = check.start_interval(d);
            }
            if let Some(r) = flags.string(cx, "retries")? {
                match r.parse::<i64>() {
                    Ok(n) if n < 0 => {
                        return Err(cx.error(format!("--retries cannot be negative ({n})")));
                    }
                    Ok(n) => match u32::try_from(n) {
                        Ok(n) => check = check.retries(n),
                        Err(_) => return Err(cx.error(format!("--retries is too large ({n})"))),
                    },
                    Err(_) => return Err(cx.error(format!("invalid --retries value `{r}`"))),
                }
            }
            Ok(Healthcheck::Check(check))
        }
        "" => Err(cx.error("HEALTHCHECK requires an argument")),
        other => Err(cx.error_help(
            format!("unknown type `{other}` in HEALTHCHECK"),
            "write `HEALTHCHECK CMD ...` or `HEALTHCHECK NONE`",
        )),
    }
}

fn run(cx: &mut Cx<'_>, split: &Split, l: &Logical) -> Result<Run, Bad> {
    // `--device` is known only to be refused with a precise message below.
    let allowed = [crate::rules::flags("RUN"), &["device"]].concat();
    let flags = Flags::new(cx, "RUN", &split.flags, &allowed, &["mount", "device"])?;
    if flags.all("device").next().is_some() {
        return Err(cx.error_help(
            "`RUN --device` is only supported in Dockerfile frontend 1.14.0-labs or later",
            "the model does not support labs features",
        ));
    }
    if split.args.starts_with("--") {
        return Err(dashes_first(cx));
    }
    let command = match words::json_array(split.args) {
        Some(Ok(argv)) => RunCommand::Exec(texts(argv)),
        Some(Err(())) => return Err(not_strings(cx)),
        None if !l.heredocs.is_empty() => {
            let docs = heredocs(l);
            let only_marker = crate::rules::heredoc_marker(split.args).is_some();
            match docs.as_slice() {
                [doc] if only_marker && !doc.content.is_empty() => {
                    RunCommand::Shell(doc.content.clone())
                }
                _ => RunCommand::Heredocs {
                    command: Text::copy(split.args),
                    heredocs: docs,
                },
            }
        }
        None => shell_lines(l, split),
    };
    let mut run = Run {
        command,
        mounts: Vec::new(),
        network: None,
        security: None,
    };
    // Every flag is read, so that each of its problems is reported.
    let mut bad = false;
    for m in flags.all("mount") {
        match m {
            None => {
                cx.error("missing a value on flag `--mount`");
                bad = true;
            }
            Some(m) => match mount(cx, m) {
                Ok(m) => run.mounts.push(m),
                Err(Bad) => bad = true,
            },
        }
    }
    match flags.string(cx, "network") {
        Ok(Some(n)) => match n.as_str() {
            "default" => run.network = Some(Network::Default),
            "none" => run.network = Some(Network::None),
            "host" => run.network = Some(Network::Host),
            _ => {
                cx.error_help(
                    format!("invalid network mode `{n}`"),
                    "write default, none or host",
                );
                bad = true;
            }
        },
        Ok(None) => {}
        Err(Bad) => bad = true,
    }
    match flags.string(cx, "security") {
        Ok(Some(s)) => match s.as_str() {
            "sandbox" => run.security = Some(Security::Sandbox),
            "insecure" => run.security = Some(Security::Insecure),
            _ => {
                cx.error_help(
                    format!("security `{s}` is not valid"),
                    "write sandbox or insecure",
                );
                bad = true;
            }
        },
        Ok(None) => {}
        Err(Bad) => bad = true,
    }
    if bad {
        return Err(Bad);
    }
    Ok(run)
}

/// A shell-form RUN command: one line, or the lines it was written on (with the comment
/// lines among them), so that the canonical form keeps its layout.
fn shell_lines(l: &Logical, split: &Split) -> RunCommand {
    let pieces = l.pieces();
    if pieces.is_empty() {
        return RunCommand::Shell(Text::copy(split.args));
    }
    let mut lines: Vec<String> = Vec::new();
    let mut offset = 0;
    for (piece, comment) in &pieces {
        if *comment {
            if !lines.is_empty() {
                lines.push(piece.trim_end().to_owned());
            }
            continue;
        }
        let end = offset + piece.len();
        if end > split.args_at {
            let from = split.args_at.saturating_sub(offset);
            let text = piece.get(from..).unwrap_or_default();
            if lines.is_empty() {
                lines.push(text.trim_start().to_owned());
            } else if !text.is_empty() || end < l.joined.len() {
                lines.push(text.to_owned());
            }
        }
        offset = end;
    }
    while lines
        .last()
        .is_some_and(|x| crate::rules::is_comment_line(x) || x.trim().is_empty())
    {
        lines.pop();
    }
    if let Some(last) = lines.last_mut() {
        let trimmed = last.trim_end().len();
        last.truncate(trimmed);
    }
    let joined: String = lines
        .iter()
        .filter(|x| !crate::rules::is_comment_line(x))
        .map(String::as_str)
        .collect();
    if lines.len() > 1 && joined == split.args {
        RunCommand::Lines(texts(lines))
    } else {
        RunCommand::Shell(Text::copy(split.args))
    }
}

/// The heredocs of an instruction, their content as BuildKit gives it (leading tabs
/// stripped for `<<-`).
fn heredocs(l: &Logical) -> Vec<Heredoc> {
    l.heredocs
        .iter()
        .map(|h| Heredoc {
            name: Text::copy(h.name()),
            // (A body with `\r` never gets here: see `instruction`.)
            content: if h.chomps() {
                h.body()
                    .split_inclusive('\n')
                    .map(|line| line.trim_start_matches('\t'))
                    .collect::<String>()
                    .into()
            } else {
                Text::copy(h.body())
            },
            expand: h.expands(),
        })
        .collect()
}

/// COPY and ADD.
fn files(cx: &mut Cx<'_>, keyword: &str, split: &Split, l: &Logical) -> Result<Instruction, Bad> {
    let is_copy = keyword == "copy";
    let k = if is_copy { "COPY" } else { "ADD" };
    let flags = Flags::new(cx, k, &split.flags, crate::rules::flags(k), &["exclude"])?;
    let exec = words::json_array(split.args);
    let (list, json) = match &exec {
        Some(Ok(list)) => (list.iter().map(String::as_str).collect(), true),
        Some(Err(())) => return Err(not_strings(cx)),
        None => (words::whitespace_words(split.args), false),
    };
    if list.len() < 2 {
        return Err(cx.error_help(
            format!(
                "{k} requires at least two arguments, but only {} provided",
                list.len()
            ),
            format!("write `{k} SOURCE... DEST`"),
        ));
    }
    let (dest, srcs) = list
        .split_last()
        .ok_or_else(|| cx.error("missing destination"))?;
    // BuildKit reads the destination as a heredoc marker in either form, before anything
    // else of the instruction (`parseSourcesAndDest`).
    if crate::rules::heredoc_marker(dest).is_some() {
        return Err(cx.error(format!("a heredoc cannot be the destination of {k}")));
    }
    let docs = heredocs(l);
    let is_doc = |w: &str| !json && crate::rules::heredoc_marker(w).is_some();
    let sources = if srcs.iter().any(|s| is_doc(s)) {
        if !srcs.iter().all(|s| is_doc(s)) || docs.len() != srcs.len() {
            return Err(cx.beyond_model(
                format!("{k} mixes heredocs with paths"),
                "the model keeps either heredocs or paths as sources; split the instruction",
            ));
        }
        Sources::Heredocs(docs)
    } else {
        if !docs.is_empty() {
            // `COPY << EOF /dst`: BuildKit's lexer reads the marker `<< EOF` and the body
            // after the line, but COPY takes `<<` and `EOF` as two source paths; the model
            // would lose the body, and its rendering would be read differently.
            return Err(cx.beyond_model(
                format!("{k} has a heredoc body, but no source is a heredoc marker"),
                format!(
                    "write the marker without blanks after `<<` (`{k} <<EOF /dest`) to copy the body, or remove the body"
                ),
            ));
        }
        let mut paths = Vec::new();
        for s in srcs {
            paths.push(cx.expanded(s)?.into());
        }
        Sources::Paths(paths.into())
    };
    let dest = Text::from(cx.expanded(dest)?);
    let chown = flags.string(cx, "chown")?.map(Text::from);
    let chmod = flags.string(cx, "chmod")?;
    if let Some(m) = chmod.as_deref().filter(|m| m.contains('$')) {
        checked_as_expanded(cx, m, Some("chmod"), chmod_as_buildkit_reads)?;
    }
    let chmod = chmod.map(|m| match octal_mode(&m) {
        Some(mode) => Chmod::Octal(mode),
        None => Chmod::Symbolic(m.into()),
    });
    let link = flags.boolean(cx, "link")?.unwrap_or(false);
    let exclude: Vec<Text> = flags.all("exclude").flatten().map(Text::copy).collect();
    if flags.all("exclude").any(|v| v.is_none()) {
        return Err(cx.error("missing a value on flag `--exclude`"));
    }
    if is_copy {
        if let Sources::Paths(paths) = &sources {
            for p in paths.iter() {
                if let Err(why) = crate::rules::copy_source(p) {
                    cx.focus(p);
                    return Err(cx.error_help(why.message, why.help.unwrap_or_default()));
                }
            }
        }
        let from = match flags.string(cx, "from")? {
            Some(f) => Some(cx.source(&f, "--from", true)?),
            None => None,
        };
        Ok(Instruction::Copy(Copy {
            sources,
            dest,
            from,
            chown,
            chmod,
            link,
            parents: flags.boolean(cx, "parents")?.unwrap_or(false),
            exclude,
        }))
    } else {
        let checksum = flags.string(cx, "checksum")?;
        // An empty checksum is no checksum to BuildKit; one with variables is expanded with
        // the stage's variables first, and is the build's when its value is not certain.
        if let Some(c) = checksum.as_deref().filter(|c| !c.is_empty()) {
            let paths: Vec<&str> = match &sources {
                Sources::Paths(paths) => paths.iter().map(|p| p.as_str()).collect(),
                _ => Vec::new(),
            };
            let check = |value: &str| match value {
                "" => Ok(()),
                value => crate::rules::checksum_sources(value, &paths),
            };
            if c.contains('$') {
                checked_as_expanded(cx, c, Some("checksum"), check)?;
            } else if let Err(why) = check(c) {
                cx.focus_flag("checksum");
                return Err(cx.error_help(why.message, why.help.unwrap_or_default()));
            }
        }
        Ok(Instruction::Add(Add {
            sources,
            dest,
            chown,
            chmod,
            link,
            checksum: checksum.map(Text::from),
            keep_git_dir: flags.boolean(cx, "keep-git-dir")?,
            unpack: flags.boolean(cx, "unpack")?,
            exclude,
        }))
    }
}

/// The model keeps text as [`Text`] in a [`Texts`] list; the parser's words are `String`s,
/// kept as they are. They go through a `Vec` first: that collect reuses the parser's
/// allocation, which a longer list then keeps (a short one moves inline and frees it),
/// where collecting into the list directly would copy a long one into a new block.
fn texts(v: Vec<String>) -> Texts {
    v.into_iter().map(Text::from).collect::<Vec<_>>().into()
}

/// The `ENV` or `LABEL` pairs, as [`texts`] makes its list.
fn text_pairs(v: Vec<(String, String)>) -> Pairs {
    v.into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect::<Vec<_>>()
        .into()
}
