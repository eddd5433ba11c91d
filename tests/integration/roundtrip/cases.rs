//! One case per kind of instruction: build the stage around a value, render it, and check
//! that every field reads back (or that the model refused it).

use dockerdsl::{
    Add, Arg, Command, Copy, Escape, Healthcheck, Instruction, Mount, Network, Run, Stage,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::time::Duration;

use super::Checked;
use super::checks::{
    Want, WantCommand, WantSources, check_cmd_like, check_files, check_json_list, check_key_value,
    check_key_values, check_run, check_whole_word,
};
use super::structure::{parse, render, sandwich, structure};
use crate::common::strategies::*;

pub(super) fn env_case(key: &str, value: &str, esc: Escape) -> Checked {
    env_pairs_case(&[(key, value)], esc)
}

/// One `ENV` with several pairs: no value may leak into the next pair.
pub(super) fn env_pairs_case(pairs: &[(&str, &str)], esc: Escape) -> Checked {
    let escape = esc_char(esc);
    let model = pairs
        .iter()
        .map(|(k, v)| (crate::common::text(k), crate::common::text(v)))
        .collect();
    let Some(text) = render(&sandwich(Instruction::Env(model)), esc, &[]) else {
        return Ok(());
    };
    let df = parse(&text)?;
    let insts = structure(&df, &["FROM", "ENV", "USER"], escape, &text)?;
    check_key_values(&insts[1], pairs, escape, &text)
}

pub(super) fn label_case(key: &str, value: &str, esc: Escape, maintainer: bool) -> Checked {
    let escape = esc_char(esc);
    let stage = if maintainer {
        sandwich(Instruction::Maintainer(crate::common::text(value)))
    } else {
        sandwich(Instruction::Label(
            vec![(crate::common::text(key), crate::common::text(value))].into(),
        ))
    };
    let Some(text) = render(&stage, esc, &[]) else {
        return Ok(());
    };
    let df = parse(&text)?;
    let insts = structure(&df, &["FROM", "LABEL", "USER"], escape, &text)?;
    let key = if maintainer {
        "org.opencontainers.image.authors"
    } else {
        key
    };
    check_key_value(&insts[1], key, value, escape, &text)
}

pub(super) fn arg_case(value: &str, esc: Escape, global: bool) -> Checked {
    let escape = esc_char(esc);
    let arg = Arg::new("V").default(crate::common::text(value));
    let (text, expected) = if global {
        let stage = Stage::from_image("s", "alpine:3.20").user("1000");
        (render(&stage, esc, &[arg]), &["ARG", "FROM", "USER"])
    } else {
        (render(&sandwich(arg), esc, &[]), &["FROM", "ARG", "USER"])
    };
    let Some(text) = text else {
        return Ok(());
    };
    let df = parse(&text)?;
    let insts = structure(&df, expected, escape, &text)?;
    let i = if global { 0 } else { 1 };
    check_key_value(&insts[i], "V", value, escape, &text)
}

pub(super) fn word_case(instruction: Instruction, value: &str, esc: Escape) -> Checked {
    let escape = esc_char(esc);
    let kw = instruction.keyword();
    let Some(text) = render(&sandwich(instruction), esc, &[]) else {
        return Ok(());
    };
    let df = parse(&text)?;
    let insts = structure(&df, &["FROM", kw, "USER"], escape, &text)?;
    check_whole_word(&insts[1], value, escape, &text)
}

/// `n` flags on a `RUN`, with what BuildKit must read for each.
pub(super) fn run_flags(mut run: Run, n: u8) -> (Run, Vec<Want>) {
    let mut wants = Vec::new();
    if n >= 1 {
        run = run.mount(Mount::tmpfs("/t"));
        wants.push(Want::Mount(vec![
            ("type", "tmpfs".into()),
            ("target", "/t".into()),
        ]));
    }
    if n >= 2 {
        run = run.mount(Mount::cache("/c"));
        wants.push(Want::Mount(vec![
            ("type", "cache".into()),
            ("target", "/c".into()),
        ]));
    }
    if n >= 3 {
        run = run.network(Network::None);
        wants.push(Want::Raw("network", "none".into()));
    }
    (run, wants)
}

fn run_case(run: Run, wants: &[Want], want: &WantCommand<'_>, esc: Escape) -> Checked {
    let escape = esc_char(esc);
    let Some(text) = render(&sandwich(run), esc, &[]) else {
        return Ok(());
    };
    let df = parse(&text)?;
    let insts = structure(&df, &["FROM", "RUN", "USER"], escape, &text)?;
    check_run(&insts[1], wants, want, escape, &text)
}

pub(super) fn run_shell_case(cmd: &str, flags: u8, esc: Escape) -> Checked {
    let (run, wants) = run_flags(Run::new(crate::common::text(cmd)), flags);
    let dockerdsl::RunCommand::Shell(model) = run.command().clone() else {
        return Err(TestCaseError::fail("Run::new is not shell text"));
    };
    let want = if model.contains('\n') {
        WantCommand::Script(&model)
    } else {
        WantCommand::Shell(&model)
    };
    run_case(run, &wants, &want, esc)
}

pub(super) fn run_chain_case(cmds: &[String], flags: u8, esc: Escape) -> Checked {
    let (run, wants) = run_flags(Run::chain(cmds.iter().cloned()), flags);
    let dockerdsl::RunCommand::Chain(model) = run.command().clone() else {
        return Err(TestCaseError::fail("Run::chain is not a chain"));
    };
    run_case(run, &wants, &WantCommand::Chain(&model), esc)
}

pub(super) fn run_exec_case(argv: &[String], flags: u8, esc: Escape) -> Checked {
    let (run, wants) = run_flags(Run::exec(argv.iter().cloned()), flags);
    run_case(
        run,
        &wants,
        &WantCommand::Exec(&crate::common::texts(argv)),
        esc,
    )
}

/// `CMD` (`which == 0`), `ENTRYPOINT` (1) or `HEALTHCHECK` with `flags` timings (2).
pub(super) fn cmd_case(command: Command, which: u8, flags: u8, esc: Escape) -> Checked {
    let escape = esc_char(esc);
    let mut wants = Vec::new();
    let (instruction, kw) = match which {
        0 => (Instruction::Cmd(command.clone()), "CMD"),
        1 => (Instruction::Entrypoint(command.clone()), "ENTRYPOINT"),
        _ => {
            let mut check = Healthcheck::cmd(command.clone());
            if flags >= 1 {
                check = check.interval(Duration::from_millis(90_500));
                wants.push(Want::Duration("interval", Duration::from_millis(90_500)));
            }
            if flags >= 2 {
                check = check.retries(3);
                wants.push(Want::Raw("retries", "3".into()));
            }
            (Instruction::Healthcheck(check.into()), "HEALTHCHECK")
        }
    };
    let Some(text) = render(&sandwich(instruction), esc, &[]) else {
        return Ok(());
    };
    // `ENTRYPOINT []` (reset the entrypoint) is valid for BuildKit, but parse-dockerfile
    // 0.1.9 refuses it ("at least one argument"): checked as text only.
    if kw == "ENTRYPOINT" && matches!(&command, Command::Exec(a) if a.is_empty()) {
        prop_assert!(text.contains("\nENTRYPOINT []\nUSER 1000\n"), "{}", text);
        return Ok(());
    }
    let df = parse(&text)?;
    let insts = structure(&df, &["FROM", kw, "USER"], escape, &text)?;
    let want = match &command {
        Command::Exec(argv) => WantCommand::Exec(argv),
        Command::Shell(s) => WantCommand::Shell(s),
    };
    check_cmd_like(&insts[1], &wants, &want, escape, &text)
}

pub(super) fn list_case(instruction: Instruction, want: &[String], esc: Escape) -> Checked {
    let escape = esc_char(esc);
    let kw = instruction.keyword();
    let Some(text) = render(&sandwich(instruction), esc, &[]) else {
        return Ok(());
    };
    let df = parse(&text)?;
    let insts = structure(&df, &["FROM", kw, "USER"], escape, &text)?;
    check_json_list(&insts[1], want, escape, &text)
}

/// `COPY` (or `ADD`) of `sources` (paths, or inline content) to `dest`, with `--chown`,
/// `--exclude` and (ADD) `--checksum` when given.
#[allow(clippy::too_many_arguments)]
pub(super) fn files_case(
    add: bool,
    sources: &WantSources<'_>,
    dest: &str,
    chown: Option<&str>,
    exclude: Option<&str>,
    checksum: Option<&str>,
    link: bool,
    esc: Escape,
) -> Checked {
    let escape = esc_char(esc);
    let mut wants = Vec::new();
    if let Some(c) = chown {
        wants.push(Want::Lexed("chown", c.to_owned()));
    }
    if link {
        wants.push(Want::Bool("link"));
    }
    let instruction: Instruction = if add {
        let mut a = match sources {
            WantSources::Paths(p) => Add::many(
                p.iter().map(|s| crate::common::text(s)),
                crate::common::text(dest),
            ),
            WantSources::Inline(c) => {
                Add::inline(crate::common::text(c), crate::common::text(dest))
            }
        };
        if let Some(c) = chown {
            a = a.chown(crate::common::text(c));
        }
        if link {
            a = a.link();
        }
        if let Some(c) = checksum {
            a = a.checksum(crate::common::text(c));
            wants.push(Want::Lexed("checksum", c.to_owned()));
        }
        if let Some(e) = exclude {
            a = a.exclude(crate::common::text(e));
            wants.push(Want::Raw("exclude", e.to_owned()));
        }
        a.into()
    } else {
        let mut c = match sources {
            WantSources::Paths(p) => Copy::many(
                p.iter().map(|s| crate::common::text(s)),
                crate::common::text(dest),
            ),
            WantSources::Inline(c) => {
                Copy::inline(crate::common::text(c), crate::common::text(dest))
            }
        };
        if let Some(o) = chown {
            c = c.chown(crate::common::text(o));
        }
        if link {
            c = c.link();
        }
        if let Some(e) = exclude {
            c = c.exclude(crate::common::text(e));
            wants.push(Want::Raw("exclude", e.to_owned()));
        }
        c.into()
    };
    let Some(text) = render(&sandwich(instruction), esc, &[]) else {
        return Ok(());
    };
    let df = parse(&text)?;
    let kw = if add { "ADD" } else { "COPY" };
    let insts = structure(&df, &["FROM", kw, "USER"], escape, &text)?;
    check_files(&insts[1], &wants, sources, dest, escape, &text)
}

/// A mount of kind `kind` with free-text `a` and `b` in its text options, and the fields
/// BuildKit must read from it.
pub(super) fn mount_of(kind: u8, a: &str, b: &str) -> (Mount, Vec<(&'static str, String)>) {
    match kind % 5 {
        // An empty bind target is left out: BuildKit then mounts at the working directory.
        0 => (
            Mount::bind(crate::common::text(a))
                .source(crate::common::text(b))
                .into(),
            [
                ("type", "bind".into()),
                ("target", a.into()),
                ("source", b.into()),
            ]
            .into_iter()
            .filter(|(k, v): &(&str, String)| *k != "target" || !v.is_empty())
            .collect(),
        ),
        1 => (
            Mount::cache(crate::common::text(a))
                .id(crate::common::text(b))
                .into(),
            vec![
                ("type", "cache".into()),
                ("target", a.into()),
                ("id", b.into()),
            ],
        ),
        2 => (
            Mount::tmpfs(crate::common::text(a)).into(),
            vec![("type", "tmpfs".into()), ("target", a.into())],
        ),
        3 => (
            Mount::secret(crate::common::text(a))
                .target(crate::common::text(b))
                .into(),
            vec![
                ("type", "secret".into()),
                ("id", a.into()),
                ("target", b.into()),
            ],
        ),
        _ => (
            Mount::ssh()
                .id(crate::common::text(a))
                .target(crate::common::text(b))
                .into(),
            vec![
                ("type", "ssh".into()),
                ("id", a.into()),
                ("target", b.into()),
            ],
        ),
    }
}

/// A `RUN` with the mount of kind `kind` (see [`mount_of`]).
pub(super) fn mount_case(kind: u8, a: &str, b: &str, esc: Escape) -> Checked {
    let (mount, fields) = mount_of(kind, a, b);
    // With a second flag the flags go on continuation lines of their own.
    let run = Run::new("true").mount(mount).network(Network::None);
    let wants = [Want::Mount(fields), Want::Raw("network", "none".into())];
    run_case(run, &wants, &WantCommand::Shell("true"), esc)
}

/// A comment between `ENV A=before` (or, `after_heredoc`, a `RUN` script) and the
/// sentinel: both instructions must be intact.
pub(super) fn comment_case(comment: &str, after_heredoc: bool, esc: Escape) -> Checked {
    let escape = esc_char(esc);
    const SCRIPT: &str = "echo a \\\n# b\n";
    let stage = Stage::from_image("s", "alpine:3.20");
    let stage = if after_heredoc {
        stage.run(SCRIPT)
    } else {
        stage.env("A", "before")
    };
    let stage = stage.comment(crate::common::text(comment)).user("1000");
    let Some(text) = render(&stage, esc, &[]) else {
        return Ok(());
    };
    let df = parse(&text)?;
    if after_heredoc {
        let insts = structure(&df, &["FROM", "RUN", "USER"], escape, &text)?;
        check_run(&insts[1], &[], &WantCommand::Script(SCRIPT), escape, &text)?;
    } else {
        let insts = structure(&df, &["FROM", "ENV", "USER"], escape, &text)?;
        check_key_value(&insts[1], "A", "before", escape, &text)?;
    }
    // The comment lines are comments to BuildKit too: every line of the rendered comment
    // starts with `#`, and no line of it ends a continuation before it.
    for line in text.lines().filter(|l| !l.is_empty()) {
        let first = line.split_whitespace().next().unwrap_or("");
        prop_assert!(
            line.starts_with('#')
                || ["FROM", "ENV", "RUN", "USER"].contains(&first)
                || (after_heredoc && SCRIPT.lines().chain(["EOF"]).any(|l| l == line)),
            "stray line {:?}\n{}",
            line,
            text
        );
    }
    Ok(())
}
