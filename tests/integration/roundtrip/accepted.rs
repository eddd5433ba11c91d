//! The properties are not vacuous: hostile values that the model must accept are accepted,
//! and read back.

use dockerdsl::{Add, Arg, Command, Copy, Dockerfile, Escape, Healthcheck, Instruction, Run};

use super::cases::{
    arg_case, cmd_case, comment_case, env_case, files_case, label_case, list_case, mount_case,
    mount_of, run_chain_case, run_exec_case, run_shell_case, word_case,
};
use super::checks::WantSources;
use super::properties::onbuild_prop;
use super::structure::{render, sandwich};
use crate::common::bk;

/// Both escape directives.
pub(super) const ESCAPES: [Escape; 2] = [Escape::Backslash, Escape::Backtick];

/// `Dockerfile::new` accepts the stage around `instruction` (with the reason if not).
#[track_caller]
pub(super) fn assert_accepted(instruction: impl Into<Instruction>, esc: Escape) {
    let instruction = instruction.into();
    let shown = format!("{instruction:?}");
    let built = Dockerfile::builder()
        .escape(esc)
        .target(&sandwich(instruction))
        .build();
    if let Err(e) = built {
        panic!("refused with {esc:?}: {shown}\n{e}");
    }
}

/// `Dockerfile::new` refuses the stage around `instruction` (with the text if not).
#[track_caller]
pub(super) fn assert_refused(instruction: impl Into<Instruction>, esc: Escape) {
    let instruction = instruction.into();
    let shown = format!("{instruction:?}");
    if let Some(text) = render(&sandwich(instruction), esc, &[]) {
        panic!("accepted with {esc:?}: {shown}\n----- rendered -----\n{text}");
    }
}

pub(super) fn onbuild(instruction: impl Into<Instruction>) -> Instruction {
    Instruction::OnBuild(Box::new(instruction.into()))
}

/// `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` in shell form.
pub(super) fn cmd_likes(cmd: &str) -> [Instruction; 3] {
    [
        Instruction::Cmd(Command::shell(crate::common::text(cmd))),
        Instruction::Entrypoint(Command::shell(crate::common::text(cmd))),
        Instruction::Healthcheck(Healthcheck::cmd(Command::shell(crate::common::text(cmd))).into()),
    ]
}

/// `VOLUME` of `paths`, accepted, and its round trip.
pub(super) fn volume_round_trips(paths: &[String], esc: Escape) {
    assert_accepted(Instruction::Volume(crate::common::texts(paths)), esc);
    list_case(Instruction::Volume(crate::common::texts(paths)), paths, esc).unwrap();
}

/// `COPY` (`add == false`) or `ADD` of `sources` to `dest`, and its round trip.
pub(super) fn copy_round_trips(add: bool, sources: &[&str], dest: &str, esc: Escape) {
    let owned: Vec<String> = sources.iter().map(|s| (*s).to_owned()).collect();
    let instruction: Instruction = if add {
        Add::many(owned.iter().cloned(), crate::common::text(dest)).into()
    } else {
        Copy::many(owned.iter().cloned(), crate::common::text(dest)).into()
    };
    assert_accepted(instruction, esc);
    let paths = WantSources::Paths(&owned);
    files_case(add, &paths, dest, None, None, None, false, esc).unwrap();
}

#[test]
fn hostile_but_valid_values_are_accepted() {
    for esc in ESCAPES {
        let values = [
            "",
            " ",
            " /d ",
            "a b",
            "say \"hi\"",
            "it's",
            "C:\\dir\\",
            "a`b`",
            "$PATH:${X:-y}",
            "#not a comment",
            "--flag-like",
            "--",
            "<<EOF",
            "1<<X",
            "[\"json\"]",
            "é 日本 😀 \u{a0}\u{2028}\u{85}",
            "x\u{feff}",
            "\u{feff}x",
        ];
        for v in values {
            let env = Instruction::Env(vec![("A".into(), v.into())].into());
            assert_accepted(env, esc);
            env_case("A", v, esc).unwrap();
            assert_accepted(Instruction::Label(vec![("l".into(), v.into())].into()), esc);
            label_case("l", v, esc, false).unwrap();
            assert_accepted(Instruction::Maintainer(v.into()), esc);
            label_case("", v, esc, true).unwrap();
            assert_accepted(Arg::new("V").default(v), esc);
            arg_case(v, esc, false).unwrap();
            arg_case(v, esc, true).unwrap();
            let argv = vec![v.to_owned(), format!("{v}\n{v}")];
            assert_accepted(
                Instruction::Cmd(Command::Exec(crate::common::texts(&argv))),
                esc,
            );
            assert_accepted(
                Instruction::Entrypoint(Command::Exec(crate::common::texts(&argv))),
                esc,
            );
            for which in 0..3 {
                cmd_case(Command::Exec(crate::common::texts(&argv)), which, 2, esc).unwrap();
            }
            assert_accepted(Run::exec(argv.iter().cloned()), esc);
            run_exec_case(&argv, 2, esc).unwrap();
            assert_accepted(Instruction::Shell(crate::common::texts(&argv)), esc);
            list_case(Instruction::Shell(crate::common::texts(&argv)), &argv, esc).unwrap();
            if v.is_empty() {
                // An empty path is refused: there is nothing to copy, mount or enter.
                assert_refused(Copy::new(v, "/d/"), esc);
                assert_refused(Copy::new("a", v), esc);
                assert_refused(Instruction::Volume(vec![v.into()].into()), esc);
                assert_refused(Instruction::Workdir(v.into()), esc);
                continue;
            }
            // Any other path is carried: as a source, as a destination (JSON form when
            // it is not a plain word), in ONBUILD.
            copy_round_trips(false, &[v], "/d/", esc);
            copy_round_trips(true, &[v, "b"], "/d/", esc);
            copy_round_trips(false, &["a"], v, esc);
            assert_accepted(onbuild(Copy::new(v, "/d/")), esc);
            onbuild_prop(2, v, esc).unwrap();
            assert_accepted(Instruction::Workdir(v.into()), esc);
            word_case(Instruction::Workdir(v.into()), v, esc).unwrap();
            assert_accepted(onbuild(Instruction::Workdir(v.into())), esc);
            onbuild_prop(4, v, esc).unwrap();
            let paths = [v.to_owned()];
            if v.trim_matches(bk::is_space) == v {
                volume_round_trips(&paths, esc);
            } else {
                // Deliberately refused: BuildKit trims VOLUME paths (see
                // `volume_with_surrounding_whitespace_is_refused`).
                assert_refused(Instruction::Volume(crate::common::texts(&paths)), esc);
            }
        }
        for user in ["root", "1000:1000", "--x", "--", "a.b_c-d", "${U}:${G}"] {
            assert_accepted(Instruction::User(user.into()), esc);
            word_case(Instruction::User(user.into()), user, esc).unwrap();
        }
        for script in [
            "set -e\necho \"$A\" \\\n  'b'\n",
            "EOF\nEOF1\n",
            "#!/bin/sh\n`x`\n\\",
            "# a comment first\n[\"ls\"] && make\n",
        ] {
            assert_accepted(Run::new(script), esc);
            for flags in 0..4 {
                run_shell_case(script, flags, esc).unwrap();
            }
            assert_accepted(Copy::inline(script, "/f"), esc);
            files_case(
                false,
                &WantSources::Inline(script),
                "/f",
                None,
                None,
                None,
                false,
                esc,
            )
            .unwrap();
        }
        for cmd in [
            "echo \"a b\" 'c' $D > /x",
            "echo # not a comment",
            "a <<< b",
            "[ -f x ] && y",
            "[[ -f x ]]",
            "[x] && y",
            "[\"a\" \"b\"]",
            "x \\ y",
        ] {
            assert_accepted(Run::new(cmd), esc);
            for flags in 0..4 {
                run_shell_case(cmd, flags, esc).unwrap();
                run_chain_case(&[cmd.to_owned(), cmd.to_owned()], flags, esc).unwrap();
            }
            for (which, i) in (0u8..).zip(cmd_likes(cmd)) {
                assert_accepted(i, esc);
                cmd_case(Command::shell(cmd), which, 2, esc).unwrap();
            }
        }
        for value in ["a$b", "/x=y", "#x", "[x]", "~", "--x", "<<EOF"] {
            for kind in 0..5 {
                let (mount, _) = mount_of(kind, value, value);
                assert_accepted(Run::new("true").mount(mount), esc);
                mount_case(kind, value, value, esc).unwrap();
            }
        }
        comment_case("a\n\n  #b \\\nFROM x\nUSER 0 \\", false, esc).unwrap();
        comment_case("RUN x\n# escape=`", true, esc).unwrap();
    }
}
