//! How long an instruction's text can be, told without writing it.

use super::source_name;
use crate::model::instruction::{Arg, Command, Healthcheck, Instruction, RunCommand, Sources};
use crate::model::mount::Mount;
use crate::model::source::Source;
use crate::model::text::Text;
use crate::model::values::Chmod;

/// Whether [`instruction_text`](super::instruction_text) may write more than `limit` bytes for `instruction` (with
/// any escape character, in either style), told without writing it: validation renders only
/// an instruction that may hold a line longer than BuildKit reads.
///
/// Every value is counted at six bytes a byte (JSON writes a control character as
/// `\u00XX`; quoting doubles an escaped character at most) plus [`VALUE_SLACK`] for its
/// quotes, separators and key; every flag, mount, port or list item gets [`ITEM_SLACK`]
/// for its constant text, and the instruction [`BASE_SLACK`] for its keyword and layout.
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
#[derive(Default)]
struct Bound {
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
    fn exceeds(&self, limit: usize) -> bool {
        self.units + BASE_SLACK.div_ceil(6) > limit / 6
    }

    fn value(&mut self, s: &str) {
        self.units += s.len() + VALUE_SLACK.div_ceil(6);
    }

    fn option(&mut self, s: Option<&str>) {
        if let Some(s) = s {
            self.value(s);
        }
    }

    fn values<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) {
        for s in items {
            self.item();
            self.value(s);
        }
    }

    fn item(&mut self) {
        self.units += ITEM_SLACK.div_ceil(6);
    }

    fn source(&mut self, source: Option<&Source>) {
        if let Some(s) = source {
            self.item();
            self.value(source_name(s));
        }
    }

    fn command(&mut self, c: &Command) {
        match c {
            Command::Exec(argv) => self.values(argv.iter().map(Text::as_str)),
            Command::Shell(s) => self.value(s),
        }
    }

    fn arg(&mut self, arg: &Arg) {
        self.value(&arg.name);
        self.option(arg.default.as_deref());
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
        let v = &Text::copy(v);
        let stage = Stage::from_scratch(v);
        let many = || vec![v.to_owned(); 3];
        let run = |command: RunCommand| {
            let mut r = Run::new("x")
                .mount(
                    Mount::cache(v)
                        .id(v)
                        .sharing(Sharing::Private)
                        .source(v)
                        .from(&stage)
                        .ro()
                        .mode(u32::MAX)
                        .uid(u32::MAX)
                        .gid(u32::MAX),
                )
                .mount(
                    Mount::bind(v)
                        .source(v)
                        .from(Source::image(v.as_str()))
                        .rw(),
                )
                .mount(Mount::bind(v).from(Context::new(v)))
                .mount(Mount::tmpfs(v).size(u64::MAX))
                .mount(
                    Mount::secret(v)
                        .target(v)
                        .env(v)
                        .required()
                        .mode(u32::MAX)
                        .uid(u32::MAX)
                        .gid(u32::MAX),
                )
                .mount(Mount::ssh().id(v).target(v).required().mode(u32::MAX))
                .network(Network::None)
                .security(Security::Insecure);
            r.command = command;
            Instruction::Run(r)
        };
        let docs = || {
            vec![
                Heredoc::new(v, v),
                Heredoc::new(v, format!("{v}\n")).expand(),
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
                .chown(v)
                .chmod(Chmod::symbolic(v))
                .link()
                .parents()
                .exclude(v)
                .exclude(v)
        };
        let add = |a: Add| {
            a.chown(v)
                .chmod(u32::MAX)
                .link()
                .checksum(v)
                .keep_git_dir(false)
                .unpack(false)
                .exclude(v)
        };
        let mut all = vec![
            run(RunCommand::Shell(v.to_owned())),
            run(RunCommand::Shell(format!("{v}\n{v}").into())),
            run(RunCommand::Chain(many())),
            run(RunCommand::Exec(many())),
            run(RunCommand::Lines(many())),
            run(RunCommand::Heredocs {
                command: v.to_owned(),
                heredocs: docs(),
            }),
            Instruction::Cmd(Command::Exec(many())),
            Instruction::Entrypoint(Command::Shell(v.to_owned())),
            Instruction::Shell(many()),
            Instruction::Env(vec![(v.to_owned(), v.to_owned()); 3]),
            Instruction::Label(vec![(v.to_owned(), v.to_owned()); 3]),
            Instruction::Arg(Arg::new(v).default(v)),
            Instruction::Expose(vec![
                Port::range(u16::MAX, u16::MAX).protocol(crate::model::values::Protocol::Sctp),
                Port::variable(v),
            ]),
            Instruction::Copy(copy(Copy::many(many(), v))),
            Instruction::Copy(copy(Copy::inline(v, v))),
            Instruction::Copy(copy(Copy::heredocs(docs(), v))),
            Instruction::Add(add(Add::many(many(), v))),
            Instruction::Add(add(Add::inline(v, v))),
            Instruction::Volume(many()),
            Instruction::User(v.to_owned()),
            Instruction::Workdir(v.to_owned()),
            Instruction::StopSignal(Signal::new(v)),
            Instruction::Healthcheck(Healthcheck::Check(durations)),
            Instruction::Healthcheck(Healthcheck::None),
            Instruction::Maintainer(v.to_owned()),
            Instruction::Comment(v.to_owned()),
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

    #[test]
    fn long_values_may_exceed_the_limit() {
        let long = "x".repeat(70_000);
        assert!(may_exceed(&Instruction::User(long.clone().into()), 65_535));
        assert!(arg_may_exceed(&Arg::new("A").default(long), 65_535));
        assert!(!may_exceed(&Instruction::User("app".into()), 65_535));
        let many_ports = Instruction::Expose(vec![Port::tcp(80); 70_000]);
        assert!(may_exceed(&many_ports, 65_535));
    }
}
