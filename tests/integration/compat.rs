//! The compatibility rendering for older builders (`Dockerfile::render_compat`): one
//! snapshot per rewrite, each holding the builder code, the canonical text and the
//! compatibility text; and the refusals, each with its location.

use crate::common;

use dockerdsl::*;

/// Snapshots the code with both renderings of the Dockerfile built by `$body`.
macro_rules! case {
    ($name:ident, $body:block) => {
        #[test]
        fn $name() {
            let result: Result<Dockerfile, Error> = $body;
            let df = match result {
                Ok(d) => d,
                Err(e) => panic!("{} does not build:\n{e}", stringify!($name)),
            };
            let compat = match df.render_compat() {
                Ok(text) => text,
                Err(e) => panic!("{} has no compatibility text:\n{e}", stringify!($name)),
            };
            assert!(!compat.contains("<<"), "a heredoc is left:\n{compat}");
            assert!(!compat.contains("--link"), "--link is left:\n{compat}");
            common::snapshot_io(
                "compat",
                stringify!($name),
                common::case_source(include_str!("compat.rs"), stringify!($name)),
                &format!("{df}----- compat -----\n{compat}"),
            );
        }
    };
}

case!(script_runs_in_default_shell, {
    let app = Stage::from_image("app", "debian:bookworm-slim")
        .run("set -eu\napt-get update\napt-get install -y --no-install-recommends curl\n")
        .run(
            Run::new("cd /src\nmake \"$TARGET\" 'a b'\n")
                .mount(Mount::cache("/root/.cache"))
                .mount(Mount::bind("/src")),
        )
        .cmd(["curl", "--version"]);
    Dockerfile::new(&app)
});

case!(script_runs_in_shell_in_effect, {
    let base = Stage::from_image("base", "debian:bookworm-slim").shell([
        "/bin/bash",
        "-o",
        "pipefail",
        "-c",
    ]);
    let app = Stage::from_stage("app", &base)
        .run("echo one\necho two | tee /two")
        .shell(["/bin/sh", "-eu", "-c"])
        .run("echo three\necho four");
    Dockerfile::new(&app)
});

case!(link_is_dropped, {
    let build = Stage::from_image("build", "golang:1.23").run("go build -o /app .");
    let app = Stage::from_scratch("app")
        .push(Copy::new("/app", "/app").from(&build).chmod(0o755).link())
        .push(Add::new("https://example.com/a.tar.gz", "/opt/").link())
        .onbuild(Copy::new("conf/", "/etc/app/").link());
    Dockerfile::new(&app)
});

case!(everything_else_unchanged, {
    let app = Stage::from_image("app", "alpine:3.20")
        .run(Run::chain([
            "apk add --no-cache curl",
            "rm -rf /var/cache/apk",
        ]))
        .run(Run::exec(["/bin/echo", "a\nb"]))
        .env("A", "x y")
        .copy("a b", "/c")
        .cmd(["/bin/sh"]);
    Dockerfile::builder()
        .syntax(Syntax::Omitted)
        .target(&app)
        .build()
});

/// The compat builder option renders the same text as `render_compat`.
#[test]
fn builder_option_renders_compat_text() -> Result<(), Error> {
    let app = Stage::from_image("app", "debian:bookworm-slim")
        .run("echo a\necho b")
        .push(Copy::new("x", "/x").link());
    let canonical = Dockerfile::new(&app)?;
    let compat = Dockerfile::builder().compat(true).target(&app).build()?;
    assert!(compat.is_compat() && !canonical.is_compat());
    assert_eq!(compat.to_string(), canonical.render_compat()?);
    assert_ne!(compat.to_string(), canonical.to_string());
    Ok(())
}

/// Everything the compatibility text cannot say, reported at once with where it is; the
/// builder option reports it when the Dockerfile is made.
#[test]
fn refusals_name_stage_and_instruction() -> Result<(), Error> {
    let app = Stage::from_image("app", "debian:bookworm-slim")
        .push(Copy::inline("key=value\n", "/etc/app.conf"))
        .run("#!/usr/bin/env python3\nprint('hi')\n")
        .run(Run::new("curl -fsS https://example.com").network(Network::None))
        .comment("not counted")
        .push(Add::inline("x\n", "/x"))
        .onbuild(Run::new("echo a\necho b"));
    let err = Dockerfile::new(&app)?.render_compat().unwrap_err();
    let located: Vec<String> = err
        .problems()
        .iter()
        .map(|p| p.location().to_string())
        .collect();
    assert_eq!(
        located,
        [
            "stage `app`, instruction 1 (COPY), source",
            "stage `app`, instruction 2 (RUN), command",
            "stage `app`, instruction 3 (RUN), --network",
            "stage `app`, instruction 4 (ADD), source",
            "stage `app`, instruction 5 (ONBUILD), command",
        ]
    );
    // Named as when this file was a test crate of its own (the default name now starts with
    // `integration__`).
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("compat__refusals", err.to_string());
    });
    let built = Dockerfile::builder().compat(true).target(&app).build();
    assert_eq!(built.unwrap_err(), err);
    Ok(())
}

proptest::proptest! {
    /// Any multi-line script that makes a valid Dockerfile is read back by a parser nobody
    /// here wrote (parse-dockerfile) as the exec form of the shell with exactly the script as
    /// its last argument, under any `SHELL`.
    #[test]
    fn scripts_read_back_as_the_shells_argument(
        lines in proptest::collection::vec("[ -~\t\u{e9}\u{2028}\\\\\"']{0,20}", 2..5),
        shell in proptest::option::of(proptest::collection::vec("[!-~]{1,8}", 1..4)),
    ) {
        let script = lines.join("\n");
        let mut stage = Stage::from_image("app", "debian:bookworm-slim");
        if let Some(shell) = &shell {
            stage = stage.shell(shell.clone());
        }
        let stage = stage.run(&script);
        let df = Dockerfile::new(&stage);
        // Too many refused inputs make proptest fail, so the test cannot pass vacuously.
        proptest::prop_assume!(df.is_ok());
        let Ok(df) = df else { return Ok(()) };
        match df.render_compat() {
            Ok(text) => {
                let parsed = parse_dockerfile::parse(&text)
                    .map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}\n{text}")))?;
                let Some(parse_dockerfile::Instruction::Run(run)) = parsed.instructions.last() else {
                    return Err(proptest::test_runner::TestCaseError::fail(format!("no RUN last\n{text}")));
                };
                let parse_dockerfile::Command::Exec(argv) = &run.arguments else {
                    return Err(proptest::test_runner::TestCaseError::fail(format!("not exec form\n{text}")));
                };
                let got: Vec<&str> = argv.value.iter().map(|s| s.value.as_ref()).collect();
                let mut want: Vec<&str> = match &shell {
                    Some(shell) => shell.iter().map(String::as_str).collect(),
                    None => vec!["/bin/sh", "-c"],
                };
                want.push(&script);
                proptest::prop_assert_eq!(got, want, "{}", text);
            }
            Err(e) => proptest::prop_assert!(script.starts_with("#!"), "refused: {e}"),
        }
    }
}
