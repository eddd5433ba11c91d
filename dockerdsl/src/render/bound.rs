//! How long an instruction's text can be, told without writing it.

use super::source_name;
use crate::model::instruction::Arg;
#[cfg(test)]
use crate::model::instruction::{Command, Healthcheck, Instruction, RunCommand, Sources};
#[cfg(test)]
use crate::model::mount::Mount;
use crate::model::source::Source;
#[cfg(test)]
use crate::model::text::Text;
#[cfg(test)]
use crate::model::values::Chmod;

/// Whether [`instruction_text`](super::instruction_text) may write more than `limit` bytes for `instruction` (with
/// any escape character, in either style), told without writing it.
///
/// Every value is counted at six bytes a byte (JSON writes a control character as
/// `\u00XX`; quoting doubles an escaped character at most) plus [`VALUE_SLACK`] for its
/// quotes, separators and key; every flag, mount, port or list item gets [`ITEM_SLACK`]
/// for its constant text, and the instruction [`BASE_SLACK`] for its keyword and layout.
///
/// Validation does not call this walk: it adds the same terms to a [`Bound`] as its own walk
/// reads each value (`validate::instruction_checks`), so that a value is read once. This walk
/// is the reference that the tests hold the folded one to, term by term.
#[cfg(test)]
pub(crate) fn may_exceed(instruction: &Instruction, limit: usize) -> bool {
    let mut bound = Bound::default();
    bound.instruction(instruction);
    bound.exceeds(limit)
}

/// [`may_exceed`] for a global `ARG`.
pub(crate) fn arg_may_exceed(arg: &Arg, limit: usize) -> bool {
    let mut bound = Bound::default();
    bound.arg(arg);
    bound.exceeds(limit)
}

const VALUE_SLACK: usize = 64;
const ITEM_SLACK: usize = 256;
const BASE_SLACK: usize = 1024;

/// The running sum of [`may_exceed`], in units of six bytes: every byte of a value counts
/// one unit (it is written as six bytes at most), and the slack of a value or an item is
/// added rounded up to whole units, so that one addition a value is all the walk does.
#[derive(Default, Debug, PartialEq, Eq)]
pub(crate) struct Bound {
    units: usize,
}

impl Bound {
    /// The bound itself (saturating), for the tests.
    #[cfg(test)]
    fn total(&self) -> usize {
        self.units
            .saturating_add(BASE_SLACK.div_ceil(6))
            .saturating_mul(6)
    }

    /// Whether the text may be longer than `limit`. The values are in memory, so the sum of
    /// their lengths (and of a slack each) cannot overflow.
    pub(crate) fn exceeds(&self, limit: usize) -> bool {
        self.units + BASE_SLACK.div_ceil(6) > limit / 6
    }

    /// A value written into the text.
    pub(crate) fn value(&mut self, s: &str) {
        self.units += s.len() + VALUE_SLACK.div_ceil(6);
    }

    pub(crate) fn option(&mut self, s: Option<&str>) {
        if let Some(s) = s {
            self.value(s);
        }
    }

    /// A flag, mount, port or list item, with its constant text.
    pub(crate) fn item(&mut self) {
        self.units += ITEM_SLACK.div_ceil(6);
    }

    /// An item holding one value: a list's element, a flag with a value.
    pub(crate) fn item_value(&mut self, s: &str) {
        self.units += s.len() + (VALUE_SLACK.div_ceil(6) + ITEM_SLACK.div_ceil(6));
    }

    /// An `ARG`'s name and default.
    pub(crate) fn arg(&mut self, arg: &Arg) {
        self.value(&arg.name);
        self.option(arg.default.as_deref());
    }

    /// `--from=` (of `COPY` or a mount).
    pub(crate) fn source(&mut self, source: Option<&Source>) {
        if let Some(s) = source {
            self.item_value(source_name(s));
        }
    }
}

/// The reference walk (see [`may_exceed`]).
#[cfg(test)]
impl Bound {
    fn values<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) {
        for s in items {
            self.item();
            self.value(s);
        }
    }

    fn command(&mut self, c: &Command) {
        match c {
            Command::Exec(argv) => self.values(argv.iter().map(Text::as_str)),
            Command::Shell(s) => self.value(s),
        }
    }

    fn files(
        &mut self,
        sources: &Sources,
        dest: &str,
        chown: Option<&str>,
        chmod: Option<&Chmod>,
        exclude: &[Text],
    ) {
        match sources {
            Sources::Paths(paths) => self.values(paths.iter().map(Text::as_str)),
            Sources::Inline(body) => self.value(body),
            Sources::Heredocs(docs) => {
                for doc in docs {
                    self.item();
                    self.value(&doc.name);
                    self.value(&doc.name);
                    self.value(&doc.content);
                }
            }
        }
        self.value(dest);
        if let Some(c) = chown {
            self.item();
            self.value(c);
        }
        if let Some(m) = chmod {
            self.item();
            if let Chmod::Symbolic(s) = m {
                self.value(s);
            }
        }
        self.values(exclude.iter().map(Text::as_str));
    }

    fn instruction(&mut self, instruction: &Instruction) {
        match instruction {
            Instruction::Run(run) => {
                for m in &run.mounts {
                    self.item();
                    match m {
                        Mount::Bind(b) => {
                            self.value(&b.target);
                            self.option(b.source.as_deref());
                            self.source(b.from.as_ref());
                        }
                        Mount::Cache(c) => {
                            self.value(&c.target);
                            self.option(c.id.as_deref());
                            self.option(c.source.as_deref());
                            self.source(c.from.as_ref());
                        }
                        Mount::Tmpfs(t) => self.value(&t.target),
                        Mount::Secret(s) => {
                            self.value(&s.id);
                            self.option(s.target.as_deref());
                            self.option(s.env.as_deref());
                        }
                        Mount::Ssh(s) => {
                            self.option(s.id.as_deref());
                            self.option(s.target.as_deref());
                        }
                    }
                }
                self.item();
                self.item();
                match &run.command {
                    // A heredoc's delimiter is written twice, and is at most as long as
                    // `EOF` and the digits of the number of lines.
                    RunCommand::Shell(s) => {
                        self.value(s);
                        self.item();
                    }
                    RunCommand::Chain(v) | RunCommand::Exec(v) | RunCommand::Lines(v) => {
                        self.values(v.iter().map(Text::as_str));
                    }
                    RunCommand::Heredocs { command, heredocs } => {
                        self.value(command);
                        for doc in heredocs {
                            self.item();
                            self.value(&doc.name);
                            self.value(&doc.content);
                        }
                    }
                }
            }
            Instruction::Cmd(c) | Instruction::Entrypoint(c) => self.command(c),
            Instruction::Shell(v) | Instruction::Volume(v) => {
                self.values(v.iter().map(Text::as_str));
            }
            Instruction::Env(pairs) | Instruction::Label(pairs) => {
                for (k, v) in pairs {
                    self.item();
                    self.value(k);
                    self.value(v);
                }
            }
            Instruction::Arg(arg) => self.arg(arg),
            Instruction::Expose(ports) => {
                for p in ports {
                    self.item();
                    self.option(p.as_variable());
                }
            }
            Instruction::Copy(c) => {
                self.source(c.from.as_ref());
                self.files(
                    &c.sources,
                    &c.dest,
                    c.chown.as_deref(),
                    c.chmod.as_ref(),
                    &c.exclude,
                );
            }
            Instruction::Add(a) => {
                self.option(a.checksum.as_deref());
                self.files(
                    &a.sources,
                    &a.dest,
                    a.chown.as_deref(),
                    a.chmod.as_ref(),
                    &a.exclude,
                );
            }
            Instruction::User(s)
            | Instruction::Workdir(s)
            | Instruction::Maintainer(s)
            | Instruction::Comment(s) => self.value(s),
            Instruction::OnBuild(inner) => {
                self.item();
                self.instruction(inner);
            }
            Instruction::StopSignal(s) => self.value(s.as_str()),
            Instruction::Healthcheck(Healthcheck::None) => {}
            Instruction::Healthcheck(Healthcheck::Check(check)) => {
                self.item();
                self.command(&check.command);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::instruction::{Add, Copy, Heredoc, Run};
    use crate::model::mount::Sharing;
    use crate::model::stage::Stage;
    use crate::model::values::{Context, Network, Port, Security, Signal};
    use crate::render::{Style, instruction_text};
    use std::time::Duration;

    /// Values that grow the most when written: control characters (`\u0001` in JSON),
    /// quotes and both escape characters (escaped, then escaped again in JSON), a
    /// byte-order mark and a heredoc marker (escaped in front), lines equal to the heredoc
    /// delimiters, comment lines, blanks.
    const WORST: [&str; 9] = [
        "",
        "\u{1}\u{1f}",
        "\"'\\`",
        "\u{feff}<<EOF",
        "EOF\nEOF1\nEOF2\n",
        "a\nb\n",
        "# c\n#\n",
        " x\t",
        "--\u{85}\u{2028}",
    ];

    /// Every kind of instruction, with `v` in every text it holds and several of each item.
    fn every_kind(v: &str) -> Vec<Instruction> {
        let v = Text::copy(v);
        every_kind_from(&|| v.clone(), 3)
    }

    /// Every kind of instruction, with a value from `t` in every text it holds and `n` of
    /// each list's items.
    fn every_kind_from(t: &dyn Fn() -> Text, n: usize) -> Vec<Instruction> {
        let stage = Stage::from_scratch(t());
        let many = || (0..n).map(|_| t()).collect::<crate::Texts>();
        let run = |command: RunCommand| {
            let mut r = Run::new("x")
                .mount(
                    Mount::cache(t())
                        .id(t())
                        .sharing(Sharing::Private)
                        .source(t())
                        .from(&stage)
                        .ro()
                        .mode(u32::MAX)
                        .uid(u32::MAX)
                        .gid(u32::MAX),
                )
                .mount(
                    Mount::bind(t())
                        .source(t())
                        .from(Source::image(t().as_str().to_owned()))
                        .rw(),
                )
                .mount(Mount::bind(t()).from(Context::new(t())))
                .mount(Mount::tmpfs(t()).size(u64::MAX))
                .mount(
                    Mount::secret(t())
                        .target(t())
                        .env(t())
                        .required()
                        .mode(u32::MAX)
                        .uid(u32::MAX)
                        .gid(u32::MAX),
                )
                .mount(Mount::ssh().id(t()).target(t()).required().mode(u32::MAX))
                .network(Network::None)
                .security(Security::Insecure);
            r.command = command;
            Instruction::Run(r)
        };
        let docs = || {
            vec![
                Heredoc::new(t(), t()),
                Heredoc::new(t(), format!("{}\n", t())).expand(),
            ]
        };
        let durations = Healthcheck::cmd(Command::Exec(many()))
            .interval(Duration::MAX)
            .timeout(Duration::new(1, 1))
            .start_period(Duration::MAX)
            .start_interval(Duration::MAX)
            .retries(u32::MAX);
        let copy = |c: Copy| {
            c.from(&stage)
                .chown(t())
                .chmod(Chmod::symbolic(t()))
                .link()
                .parents()
                .exclude(t())
                .exclude(t())
        };
        let add = |a: Add| {
            a.chown(t())
                .chmod(u32::MAX)
                .link()
                .checksum(t())
                .keep_git_dir(false)
                .unpack(false)
                .exclude(t())
        };
        let mut all = vec![
            run(RunCommand::Shell(t())),
            run(RunCommand::Shell(format!("{}\n{}", t(), t()).into())),
            run(RunCommand::Chain(many())),
            run(RunCommand::Exec(many())),
            run(RunCommand::Lines(many())),
            run(RunCommand::Heredocs {
                command: t(),
                heredocs: docs(),
            }),
            Instruction::Cmd(Command::Exec(many())),
            Instruction::Entrypoint(Command::Shell(t())),
            Instruction::Shell(many()),
            Instruction::Env((0..n).map(|_| (t(), t())).collect()),
            Instruction::Label((0..n).map(|_| (t(), t())).collect()),
            Instruction::Arg(Arg::new(t()).default(t())),
            Instruction::Expose(
                vec![
                    Port::range(u16::MAX, u16::MAX).protocol(crate::model::values::Protocol::Sctp),
                    Port::variable(t()),
                ]
                .into(),
            ),
            Instruction::Copy(copy(Copy::many(many(), t()))),
            Instruction::Copy(copy(Copy::inline(t(), t()))),
            Instruction::Copy(copy(Copy::heredocs(docs(), t()))),
            Instruction::Add(add(Add::many(many(), t()))),
            Instruction::Add(add(Add::inline(t(), t()))),
            Instruction::Volume(many()),
            Instruction::User(t()),
            Instruction::Workdir(t()),
            Instruction::StopSignal(Signal::new(t())),
            Instruction::Healthcheck(Healthcheck::Check(durations)),
            Instruction::Healthcheck(Healthcheck::None),
            Instruction::Maintainer(t()),
            Instruction::Comment(t()),
        ];
        let onbuild: Vec<Instruction> = all
            .iter()
            .map(|i| Instruction::OnBuild(Box::new(i.clone())))
            .collect();
        all.extend(onbuild);
        all
    }

    /// The bound is above the text as written, with either escape character, canonical or
    /// for older builders.
    #[test]
    fn the_bound_holds_for_every_kind() {
        let shell: Vec<Text> = vec!["/bin/sh".into(), "-c".into()];
        for worst in WORST {
            for times in [1, 7, 300] {
                let v = worst.repeat(times);
                for instruction in every_kind(&v) {
                    let mut bound = Bound::default();
                    bound.instruction(&instruction);
                    let bound = bound.total();
                    for esc in ['\\', '`'] {
                        for compat in [None, Some(shell.as_slice())] {
                            let mut out = String::new();
                            instruction_text(
                                &instruction,
                                Style {
                                    esc,
                                    compat,
                                    pins: None,
                                },
                                &mut out,
                            );
                            assert!(
                                out.len() <= bound,
                                "{} bytes over a bound of {bound}:\n{out}",
                                out.len()
                            );
                        }
                    }
                }
            }
        }
    }

    /// Validation's walk adds to its bound exactly what the reference walk adds, term by
    /// term, for every kind of instruction: with the worst values everywhere, and with
    /// values of random lengths and bytes (so that a value counted twice cannot make up for
    /// one left out), taking each of the checks' paths (a script with or without a newline,
    /// refused values).
    #[test]
    fn validation_adds_what_the_reference_walk_adds() {
        for worst in WORST {
            for instruction in every_kind(&worst.repeat(3)) {
                let mut reference = Bound::default();
                reference.instruction(&instruction);
                assert_eq!(crate::validate::bound_of(&instruction), reference);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn validation_adds_what_the_reference_walk_adds_for_any_values(
            seed in proptest::prelude::any::<u64>(),
            n in 0usize..4,
        ) {
            let state = std::cell::Cell::new(seed | 1);
            let next = || {
                let mut x = state.get();
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                state.set(x);
                x
            };
            const ALPHABET: [char; 14] =
                ['a', 'Z', '0', '\n', '\r', '\0', ':', '$', '{', ' ', '\\', '<', '#', '\u{e9}'];
            let t = || -> Text {
                let len = next() % 40;
                (0..len)
                    .map(|_| ALPHABET[(next() % 14) as usize])
                    .collect::<String>()
                    .into()
            };
            for instruction in every_kind_from(&t, n) {
                let mut reference = Bound::default();
                reference.instruction(&instruction);
                proptest::prop_assert_eq!(crate::validate::bound_of(&instruction), reference);
            }
        }
    }

    #[test]
    fn long_values_may_exceed_the_limit() {
        let long = "x".repeat(70_000);
        assert!(may_exceed(&Instruction::User(long.clone().into()), 65_535));
        assert!(arg_may_exceed(&Arg::new("A").default(long), 65_535));
        assert!(!may_exceed(&Instruction::User("app".into()), 65_535));
        let many_ports = Instruction::Expose(vec![Port::tcp(80); 70_000].into());
        assert!(may_exceed(&many_ports, 65_535));
    }
}
