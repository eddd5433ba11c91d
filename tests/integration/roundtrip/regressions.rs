//! Regression tests of the library bugs found by the properties (1 to 9, all fixed). Each
//! case is checked with both escape directives; "round trips" means accepted, and read back
//! exactly by the BuildKit model and by `parse-dockerfile`.

use dockerdsl::{Add, Arg, Command, Copy, Escape, Healthcheck, Instruction, Mount, Run};

use super::accepted::{
    ESCAPES, assert_accepted, assert_refused, cmd_likes, copy_round_trips, onbuild,
    volume_round_trips,
};
use super::cases::{
    arg_case, cmd_case, env_case, env_pairs_case, files_case, label_case, mount_case, mount_of,
    run_chain_case, run_flags, run_shell_case, word_case,
};
use super::checks::WantSources;
use super::properties::{copy_flags_prop, onbuild_prop};
use super::structure::{render, sandwich};
use crate::common::bk;

/// Bug 1. Go's `text/scanner` (BuildKit's lexer) skips a U+FEFF at the start of a word:
/// `ENV A=\u{feff}x` used to set `A=x`. Such words are now double-quoted, and JSON-form
/// elements start with the escape character.
#[test]
fn leading_bom_round_trips() {
    for esc in ESCAPES {
        for v in [
            "\u{feff}",
            "\u{feff}x",
            "\u{feff}\u{feff}x",
            "\u{feff}--x",
            "\u{feff}<<E",
        ] {
            assert_accepted(Instruction::Env(vec![("A".into(), v.into())].into()), esc);
            env_case("A", v, esc).unwrap();
            env_pairs_case(&[("A", v), ("B", v)], esc).unwrap();
            assert_accepted(Instruction::Label(vec![("l".into(), v.into())].into()), esc);
            label_case("l", v, esc, false).unwrap();
            assert_accepted(Instruction::Maintainer(v.into()), esc);
            label_case("", v, esc, true).unwrap();
            assert_accepted(Arg::new("V").default(v), esc);
            arg_case(v, esc, false).unwrap();
            arg_case(v, esc, true).unwrap();
            assert_accepted(Instruction::Workdir(v.into()), esc);
            word_case(Instruction::Workdir(v.into()), v, esc).unwrap();
            copy_round_trips(false, &[v], "/d/", esc);
            copy_round_trips(true, &["a", v], "/d/", esc);
            copy_round_trips(false, &["a"], v, esc);
            let paths = [v.to_owned(), format!("/x{v}")];
            volume_round_trips(&paths, esc);
            for kind in [0, 2, 4] {
                onbuild_prop(kind, v, esc).unwrap();
            }
            assert_accepted(onbuild(Instruction::Workdir(v.into())), esc);
            // The destination of an inline file follows the heredoc marker as a bare word,
            // which cannot be quoted: refused.
            assert_refused(Copy::inline("x\n", v), esc);
            assert_refused(Add::inline("x\n", v), esc);
        }
    }
}

/// Bug 2. `extractBuilderFlags` runs on every instruction: `WORKDIR --x` and `USER --x`
/// used to fail with "unknown flag: x". Words starting with `--` are now double-quoted.
#[test]
fn workdir_starting_with_dashes_round_trips() {
    for esc in ESCAPES {
        for v in ["--x", "--", "---", "--x=y", "--chown=0", "--/a b"] {
            assert_accepted(Instruction::Workdir(v.into()), esc);
            word_case(Instruction::Workdir(v.into()), v, esc).unwrap();
            assert_accepted(onbuild(Instruction::Workdir(v.into())), esc);
            onbuild_prop(4, v, esc).unwrap();
            copy_round_trips(false, &[v], "/d/", esc);
            copy_round_trips(true, &["a"], v, esc);
        }
        for user in ["--x", "--", "---", "--1:--2"] {
            assert_accepted(Instruction::User(user.into()), esc);
            word_case(Instruction::User(user.into()), user, esc).unwrap();
        }
    }
}

/// Text with brackets that is not a JSON array: accepted, and read back as shell text in
/// every shell position (RUN with 0-3 flags, a chain's first command, CMD, ENTRYPOINT,
/// HEALTHCHECK, ONBUILD RUN).
fn assert_shell_text_round_trips(cmd: &str, esc: Escape) {
    assert!(bk::json_array(cmd).is_none(), "{cmd}");
    assert_accepted(Run::new(crate::common::text(cmd)), esc);
    for flags in 0..4 {
        run_shell_case(cmd, flags, esc).unwrap();
        run_chain_case(&[cmd.to_owned(), "true".to_owned()], flags, esc).unwrap();
    }
    for (which, i) in (0u8..).zip(cmd_likes(cmd)) {
        assert_accepted(i, esc);
        for flags in 0..3 {
            cmd_case(Command::shell(crate::common::text(cmd)), which, flags, esc).unwrap();
        }
    }
    assert_accepted(onbuild(Run::new(crate::common::text(cmd))), esc);
    onbuild_prop(1, cmd, esc).unwrap();
}

/// Bug 3. BuildKit tries JSON first, and (in the versions that decode with
/// `json.NewDecoder`) ignores what follows the array: `RUN ["ls"] && make` used to run `ls`
/// alone, in exec form. A shell command starting with a JSON array of strings is refused (and
/// since bug 8, one starting with any JSON array).
#[test]
fn json_prefixed_command_is_refused() {
    for esc in ESCAPES {
        for cmd in [
            "[\"ls\"] && make",
            "[\"ls\"]",
            "[\"a\", \"b\"]x",
            "[ \"a\" ,\"b\\\"c\" ] ; x",
            "[]",
            "[ ] && x",
            "[\"nginx\"] -g 'daemon off;'",
        ] {
            assert!(bk::reads_exec_form(cmd), "{cmd}");
            for flags in 0..4 {
                assert_refused(run_flags(Run::new(cmd), flags).0, esc);
                assert_refused(run_flags(Run::chain([cmd, "true"]), flags).0, esc);
            }
            for i in cmd_likes(cmd) {
                assert_refused(i, esc);
            }
            assert_refused(onbuild(Run::new(cmd)), esc);
            assert_refused(onbuild(Instruction::Cmd(Command::shell(cmd))), esc);
        }
        // No JSON array at the start: shell text, read back as such.
        for cmd in [
            "[ -f x ] && make",
            "[[ -f x ]]",
            "[x]",
            "[\"a\" \"b\"]",
            "echo [\"a\"]",
        ] {
            assert_shell_text_round_trips(cmd, esc);
        }
    }
}

/// Bug 4. With two flags a `RUN` command goes on a continuation line of its own, and a
/// command starting with `#` was then a comment line, which BuildKit skips inside a
/// continuation: the next instruction was joined into the `RUN`. A shell command starting
/// with `#` (which the shell would ignore anyway) is refused.
#[test]
fn hash_command_is_refused() {
    for esc in ESCAPES {
        for cmd in [
            "#",
            "# note: then build",
            "#!/bin/sh",
            "#x && y",
            "#[\"a\"]",
        ] {
            for flags in 0..4 {
                assert_refused(run_flags(Run::new(cmd), flags).0, esc);
                assert_refused(run_flags(Run::chain([cmd, "true"]), flags).0, esc);
            }
            for i in cmd_likes(cmd) {
                assert_refused(i, esc);
            }
            assert_refused(onbuild(Run::new(cmd)), esc);
        }
        // `#` later in the command, and a script starting with a comment line (a heredoc
        // body, read raw), are fine.
        for cmd in ["echo # not a comment", "a#b", "# comment\necho a\n"] {
            assert_accepted(Run::new(cmd), esc);
            for flags in 0..4 {
                run_shell_case(cmd, flags, esc).unwrap();
            }
        }
    }
}

/// Bug 5. BuildKit takes a COPY/ADD argument matching `^\d*<<-?[^<]+$` for a heredoc, in
/// shell form (`COPY 1<<EOF /d/` read the next lines as its body) and in JSON form
/// (`COPY ["<<EOF", "/d/"]` copied an empty inline file). Such paths are now written in
/// JSON form after the escape character; an inline file's destination cannot be, so it is
/// refused.
#[test]
fn heredoc_like_paths_round_trip() {
    for esc in ESCAPES {
        for p in [
            "<<EOF", "<<-EOF", "1<<EOF", "0<<EOF", "22<<-X", "<<'E F'", "<<\"E\"", "<<", "<<<x",
            "1<<", "<<E`", "<<E\\",
        ] {
            copy_round_trips(false, &[p], "/d/", esc);
            copy_round_trips(true, &[p], "/d/", esc);
            copy_round_trips(false, &["a", p], "/d/", esc);
            copy_round_trips(false, &["a"], p, esc);
            copy_round_trips(true, &[p], p, esc);
            assert_accepted(onbuild(Copy::new(p, "/d/")), esc);
            onbuild_prop(2, p, esc).unwrap();
            let paths = [p.to_owned()];
            volume_round_trips(&paths, esc);
            assert_refused(Copy::inline("x\n", p), esc);
            assert_refused(Add::inline("x\n", p), esc);
        }
    }
}

/// Bug 6. `parseVolume` trims every element (`strings.TrimSpace`, Unicode spaces
/// included): `VOLUME [" /data "]` used to declare `/data`, and `VOLUME [" "]` failed. A
/// VOLUME path starting or ending with whitespace is refused.
#[test]
fn volume_with_surrounding_whitespace_is_refused() {
    for esc in ESCAPES {
        for p in [
            " /data ",
            " ",
            "/data ",
            "\t/data",
            "/data\n",
            "\u{b}/d",
            "/d\u{a0}",
            "\u{85}/d",
            "\u{3000}/d",
            "/d\u{2028}",
        ] {
            assert_refused(Instruction::Volume(vec![p.into()].into()), esc);
            assert_refused(
                Instruction::Volume(vec!["/ok".into(), p.into()].into()),
                esc,
            );
            assert_refused(onbuild(Instruction::Volume(vec![p.into()].into())), esc);
        }
        // Whitespace inside a path, and characters that are not whitespace, are carried.
        for p in [
            "/a b",
            "/a\u{a0}b",
            "\u{feff}/d",
            "/d\u{200b}",
            "/d\u{feff}",
        ] {
            let paths = [p.to_owned()];
            volume_round_trips(&paths, esc);
        }
    }
}

/// Bug 7. With `# escape=\``, BuildKit's lexer removes backticks from the flag values it
/// reads (`--mount` options, `ADD --checksum`): `--mount=type=cache,target=/a\`b` used to
/// mount at `/ab`. Flag values refuse the backtick, as they refuse the backslash, whatever
/// the escape directive (a Dockerfile may change it).
#[test]
fn backtick_in_flag_values_is_refused() {
    let url = "https://example.com/a";
    for esc in ESCAPES {
        for v in ["`", "/a`b", "a``", "`x`"] {
            for kind in 0..5 {
                assert_refused(Run::new("true").mount(mount_of(kind, v, "ok").0), esc);
                if kind != 2 {
                    assert_refused(Run::new("true").mount(mount_of(kind, "/ok", v).0), esc);
                }
            }
            assert_refused(Add::new(url, "/a").checksum(format!("sha256:{v}")), esc);
            assert_refused(Copy::new("a", "/d/").exclude(v), esc);
            assert_refused(Add::new("a", "/d/").exclude(v), esc);
            assert_refused(Copy::new("a", "/d/").chown(format!("u{v}")), esc);
        }
        // The same flags with other values round trip.
        for kind in 0..5 {
            let (mount, _) = mount_of(kind, "/a$b", "c");
            assert_accepted(Run::new("true").mount(mount), esc);
            mount_case(kind, "/a$b", "c", esc).unwrap();
        }
        let sources = [url.to_owned()];
        let paths = WantSources::Paths(&sources);
        let sha = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
        let checksum = Some(sha);
        assert_accepted(Add::new(url, "/a").checksum(sha), esc);
        files_case(true, &paths, "/a", None, None, checksum, false, esc).unwrap();
        assert_accepted(Copy::new("src", "/a").exclude("*.md"), esc);
        copy_flags_prop(false, Some("u:g"), Some("*.md"), None, true, esc).unwrap();
    }
}

/// Bug 8. BuildKit's `parseMaybeJSON` fails the build when the JSON array it decodes holds
/// a non-string: "when using JSON array syntax, arrays must be comprised of strings only".
/// `RUN [1]` used to be accepted (the fix of bug 3 refused arrays of strings only), and with
/// a decoder that reads one value (older BuildKit) so was `RUN [1] && make`. A shell command
/// starting with any JSON array is now refused; nesting deeper than 64 counts as JSON.
#[test]
fn non_string_json_array_command_is_refused() {
    // 100 levels: valid JSON (Go's decoder allows 10000), deeper than the library looks.
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    for esc in ESCAPES {
        // The cases named in the bug report, one instruction each.
        assert_refused(Run::new("[1]"), esc);
        assert_refused(Instruction::Cmd(Command::shell("[true]")), esc);
        assert_refused(Instruction::Entrypoint(Command::shell("[null]")), esc);
        let check = Healthcheck::cmd(Command::shell("[[]]"));
        assert_refused(Instruction::Healthcheck(check.into()), esc);
        assert_refused(Run::new("[\"a\", 1] && x"), esc);
        assert_refused(Run::chain(["[{}]", "true"]), esc);
        assert_refused(onbuild(Run::new("[1]")), esc);
        // Every such command in every shell-form position, with and without flags.
        for cmd in [
            "[1]",
            "[true]",
            "[null]",
            "[[]]",
            "[{}]",
            "[\"a\", 1]",
            "[\"a\", 1] && x",
            "[1] && make",
            "[-1e5, false, {\"a\": [null]}] x",
            deep.as_str(),
        ] {
            assert_eq!(bk::json_array(cmd), Some(false), "{cmd}");
            for flags in 0..4 {
                assert_refused(run_flags(Run::new(crate::common::text(cmd)), flags).0, esc);
                assert_refused(
                    run_flags(Run::chain([crate::common::text(cmd), "true".into()]), flags).0,
                    esc,
                );
            }
            for i in cmd_likes(cmd) {
                assert_refused(i, esc);
            }
            assert_refused(onbuild(Run::new(crate::common::text(cmd))), esc);
            for i in cmd_likes(cmd) {
                assert_refused(onbuild(i), esc);
            }
        }
        // Test brackets and other text that is not JSON: shell text, read back as such.
        for cmd in [
            "[ -f x ] && make",
            "[[ -f x ]]",
            "[x] && y",
            "[ \"$a\" = b ] && c",
            "[1 2]",
            "[trueish]",
        ] {
            assert_shell_text_round_trips(cmd, esc);
        }
    }
}

#[test]
fn malformed_substitution_on_a_heredoc_line_is_refused() {
    for esc in [Escape::Backslash, Escape::Backtick] {
        for bad in ["${", "${}", "a${x", "${A!x}", "${:x}"] {
            let script = || Run::new("echo a\nEOF");
            assert_refused(script().mount(Mount::bind(bad)), esc);
            assert_refused(script().mount(Mount::cache("/c").id(bad)), esc);
            assert_refused(onbuild(script().mount(Mount::tmpfs(bad))), esc);
            assert_refused(Copy::inline("x\nUSER root", format!("/d{bad}")), esc);
            assert_refused(Copy::inline("x", "/d").chown(bad), esc);
            assert_refused(Add::inline("x", "/d").exclude(bad), esc);
            assert_refused(onbuild(Copy::inline("x", "/d").chown(bad)), esc);
        }
        // Well-formed substitutions stay allowed.
        for good in ["${A}", "$A", "${A:-x}"] {
            let run = Run::new("echo a\nb").mount(Mount::bind(good));
            assert!(render(&sandwich(run), esc, &[]).is_some(), "{good}");
            let copy = Copy::inline("x", format!("/d{good}")).chown(good);
            assert!(render(&sandwich(copy), esc, &[]).is_some(), "{good}");
        }
    }
}
