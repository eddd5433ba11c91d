//! One snapshot per rule of the canonical form (crate docs, "Canonical form"), each holding
//! the builder code and the rendered text.

use crate::common;

use dockerdsl::*;
use std::time::Duration;

/// Renders the Dockerfile built by `$body`, and snapshots the code with the output.
macro_rules! case {
    ($name:ident, $body:block) => {
        #[test]
        fn $name() {
            let result: Result<Dockerfile, Error> = $body;
            let text = match result {
                Ok(d) => d.to_string(),
                Err(e) => panic!("{} does not build:\n{e}", stringify!($name)),
            };
            assert_shape(&text);
            common::snapshot_io(
                "canonical",
                stringify!($name),
                common::case_source(include_str!("canonical.rs"), stringify!($name)),
                &text,
            );
        }
    };
}

/// Rule 9, on every case: one final newline, no trailing spaces, no empty continuation line.
fn assert_shape(text: &str) {
    assert!(
        text.ends_with('\n') && !text.ends_with("\n\n"),
        "one final newline:\n{text}"
    );
    for line in text.lines() {
        assert_eq!(line, line.trim_end(), "trailing whitespace in {line:?}");
    }
    let lines: Vec<&str> = text.lines().collect();
    for pair in lines.windows(2) {
        if pair[0].ends_with(" \\") {
            assert!(
                !pair[1].trim().is_empty(),
                "empty continuation line after {:?}",
                pair[0]
            );
        }
    }
}

case!(header_stable, {
    Dockerfile::new(&Stage::from_image("app", "alpine:3.20"))
});

case!(header_pinned_with_checks, {
    Dockerfile::builder()
        .syntax(Syntax::Minor(8))
        .checks(
            BuildChecks::new()
                .skip("JSONArgsRecommended")
                .skip("StageNameCasing")
                .error(true),
        )
        .target(&Stage::from_image("app", "alpine:3.20"))
        .build()
});

case!(header_omitted, {
    Dockerfile::builder()
        .syntax(Syntax::Omitted)
        .target(&Stage::from_image("app", "alpine:3.20"))
        .build()
});

case!(escape_backtick, {
    let s = Stage::from_image("win", "mcr.microsoft.com/windows/servercore:ltsc2022")
        .workdir("C:\\app")
        .env("TARGET", "C:\\Program Files\\app")
        .push(Copy::new("C:\\src\\app dir", "C:\\app\\"))
        .run(Run::chain(["echo one", "echo two"]))
        .run(
            Run::chain(["echo a", "echo b"])
                .mount(Mount::cache("/x"))
                .mount(Mount::cache("/y")),
        );
    Dockerfile::builder()
        .escape(Escape::Backtick)
        .target(&s)
        .build()
});

case!(global_args_in_declaration_order, {
    let s = Stage::from_image("app", "${REGISTRY}/base:${VERSION}").arg("VERSION");
    Dockerfile::builder()
        .arg(Arg::new("VERSION").default("1.2"))
        .arg(Arg::new("REGISTRY").default("ghcr.io/acme"))
        .arg("UNUSED")
        .target(&s)
        .build()
});

case!(stages_in_graph_order, {
    // A diamond: `app` reaches `base` twice, through `deps` and `tools`.
    let base = Stage::from_image("base", "debian:bookworm-slim");
    let deps = Stage::from_stage("deps", &base).run("make deps");
    let tools = Stage::from_stage("tools", &base).run("make tools");
    let unused = Stage::from_image("unused", "alpine:3.20");
    let _ = unused;
    let app = Stage::from_image("app", "gcr.io/distroless/static-debian12:nonroot")
        .copy_from(&deps, "/deps", "/deps")
        .copy_from(&tools, "/tools", "/tools")
        .copy_from(&deps, "/more", "/more");
    Dockerfile::new(&app)
});

case!(several_targets_last_is_default, {
    let build = Stage::from_image("build", "golang:1.23");
    let test = Stage::from_stage("test", &build).run("go test ./...");
    let app = Stage::from_scratch("app").copy_from(&build, "/out", "/");
    Dockerfile::builder().target(&test).target(&app).build()
});

case!(platform_and_contexts, {
    let build = Stage::from_image("build", "golang:1.23").on_platform(Platform::BUILD);
    let src = Stage::from_context("src", Context::new("upstream"));
    let arm = Stage::from_image("arm", "alpine:3.20").on_platform("linux/arm64");
    let app = Stage::from_stage("app", &arm)
        .copy_from(&build, "/a", "/a")
        .copy_from(&src, "/b", "/b");
    Dockerfile::new(&app)
});

case!(copy_flags_in_order, {
    let b = Stage::from_image("b", "alpine:3.20");
    let s = Stage::from_image("s", "alpine:3.20").push(
        Copy::many(["a", "b"], "/d/")
            .exclude("*.md")
            .parents()
            .link()
            .chmod(0o644)
            .chown("1000:1000")
            .from(&b)
            .exclude("*.txt"),
    );
    Dockerfile::new(&s)
});

case!(add_flags_in_order, {
    let s = Stage::from_image("s", "alpine:3.20").push(
        Add::new("https://example.com/a.tar.gz", "/a/")
            .exclude("x")
            .unpack(false)
            .keep_git_dir(false)
            .checksum("sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
            .link()
            .chmod("u=rwX,go=rX")
            .chown("app:"),
    );
    Dockerfile::new(&s)
});

case!(run_flags_layout, {
    let s = Stage::from_image("s", "alpine:3.20")
        .run(Run::new("make").network(Network::Host))
        .run(
            Run::new("make")
                .mount(Mount::ssh())
                .security(Security::Insecure),
        )
        .run(
            Run::exec(["make", "all"])
                .mount(Mount::tmpfs("/tmp"))
                .mount(Mount::secret("key")),
        )
        .run(
            Run::new("set -e\nmake\n")
                .mount(Mount::cache("/a"))
                .mount(Mount::cache("/b")),
        )
        .run(Run::chain(["a", "b"]).mount(Mount::bind("/src").from(Source::image("alpine:3.20"))));
    Dockerfile::new(&s)
});

case!(healthcheck_forms, {
    let s = Stage::from_image("s", "alpine:3.20")
        .healthcheck(Healthcheck::cmd(["true"]))
        .healthcheck(
            Healthcheck::cmd(Command::shell("curl -f http://localhost/ || exit 1")).retries(5),
        )
        .healthcheck(
            Healthcheck::cmd(["true"])
                .interval(Duration::from_secs(3600))
                .timeout(Duration::from_millis(1500)),
        )
        .healthcheck(Healthcheck::None);
    Dockerfile::new(&s)
});

case!(exec_form_json_escaping, {
    let s = Stage::from_image("s", "alpine:3.20")
        .shell(["/bin/sh", "-c"])
        .entrypoint([
            "/bin/echo",
            "say \"hi\"",
            "C:\\path",
            "tab\there",
            "line\nbreak",
            "caf\u{e9} \u{1F433}",
            "$HOME",
        ])
        .cmd(Command::Exec(dockerdsl::Texts::new()))
        .cmd(Command::shell("echo \"$HOME\""))
        .run(Run::exec(["/bin/sh", "-c", "echo '\\'"]));
    Dockerfile::new(&s)
});

case!(key_values_quoted_when_needed, {
    let s = Stage::from_image("s", "alpine:3.20")
        .env("PATH", "/app/bin:$PATH")
        .env("EMPTY", "")
        .env("SPACES", "a b  c")
        .env("QUOTES", "say \"hi\" it's")
        .env("BACKSLASH", "C:\\dir\\")
        .env("UNICODE", "caf\u{e9}\u{a0}x")
        .labels([
            ("org.opencontainers.image.title", "My App"),
            ("version", "1.0"),
        ])
        .arg("NO_DEFAULT")
        .arg(Arg::new("WITH_DEFAULT").default("a b"))
        .maintainer("Jane Doe <jane@example.com>");
    Dockerfile::new(&s)
});

case!(copy_json_form_when_needed, {
    let s = Stage::from_image("s", "alpine:3.20")
        .copy("plain.txt", "/plain.txt")
        .copy("with space.txt", "/dir with space/")
        .copy("--from=secrets", "/x")
        .copy("it's \"quoted\"", "/q")
        .copy("trailing\\", "/t")
        .copy("[bracket]", "/b")
        .push(Add::many(["a b", "c"], "/d/"))
        .volume("/data")
        .volume("/with space");
    Dockerfile::new(&s)
});

case!(heredocs_and_delimiters, {
    let s = Stage::from_image("s", "alpine:3.20")
        .run("#!/usr/bin/env python3\nprint('hi')\n")
        .run("echo EOF\ncat <<EOF\nEOF\necho done")
        .push(Copy::inline("no trailing newline", "/a.txt"))
        .push(Copy::inline("EOF\nEOF1\n$HOME stays literal\n", "/b.txt"))
        .push(Add::inline("[section]\nkey = value\n", "/c.ini"))
        .onbuild(Run::new("echo one\necho two\n"))
        .run("echo last");
    Dockerfile::new(&s)
});

case!(chains_and_comments, {
    let s = Stage::from_image("s", "debian:bookworm-slim")
        .comment("Install curl.\nKeep the image small.")
        .run(Run::chain([
            "apt-get update",
            "apt-get install -y --no-install-recommends curl",
            "rm -rf /var/lib/apt/lists/*",
        ]))
        .comment("")
        .run(Run::chain(["true"]));
    Dockerfile::new(&s)
});

case!(remaining_instructions, {
    let s = Stage::from_image("s", "nginx:1.27-alpine")
        .expose(80)
        .expose_all([
            Port::udp(53),
            Port::sctp(3868),
            Port::range(8000, 8010).protocol(Protocol::Udp),
        ])
        .user("nginx")
        .user("101:101")
        .workdir("/usr/share/nginx/html")
        .workdir("/dir with space")
        .stopsignal(Signal::SIGQUIT)
        .stopsignal(9u8)
        .onbuild(Copy::new("a", "/a"))
        .onbuild(Healthcheck::None);
    Dockerfile::new(&s)
});

case!(equal_stages_are_one_stage, {
    // Built twice, equal by value: one stage in the file.
    let make = || Stage::from_image("base", "alpine:3.20").run("apk add --no-cache git");
    let a = Stage::from_stage("a", &make());
    let b = Stage::from_stage("b", &make()).copy_from(&a, "/x", "/x");
    Dockerfile::new(&b)
});

#[test]
fn stages_are_values() {
    // The auto traits are part of the API: the stage's shared pointer (triomphe's `Arc`)
    // must keep every one that std's `Arc` gave.
    fn assert_value<T>()
    where
        T: Send + Sync + Unpin + Clone + 'static,
        T: std::panic::UnwindSafe + std::panic::RefUnwindSafe,
    {
    }
    assert_value::<Stage>();
    assert_value::<Dockerfile>();
    let base = Stage::from_image("base", "alpine:3.20");
    let copy = base.clone().run("true");
    // Changing a clone leaves the original alone.
    assert!(base.instructions().is_empty());
    assert_eq!(copy.instructions().len(), 1);
}
