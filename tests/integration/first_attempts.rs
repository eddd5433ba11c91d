//! What a new user writes first, from the README and the crate docs only (issue 18): each
//! test is that first attempt, which now works, or fails with a message that names the fix.

use dockerdsl::{
    Command, Dockerfile, Healthcheck, ImageRef, OciLabels, Platform, Port, Protocol, Stage,
    dockerfile,
};

/// The same stage written with the builder and with the macro renders the same bytes.
fn same(builder: &Stage, from_macro: &Stage) -> String {
    let a = Dockerfile::new(builder).unwrap().to_string();
    assert_eq!(a, Dockerfile::new(from_macro).unwrap().to_string());
    a
}

#[test]
fn the_macro_takes_a_string_image_as_the_builder_does() {
    let image: String = format!("golang:{}", "1.23");
    let built = Stage::from_image("build", image.clone()).run("go build ./...");
    dockerfile! {
        build = FROM {image} {
            RUN "go build ./...";
        }
    }
    assert!(same(&built, &build).contains("FROM golang:1.23 AS build\n"));
}

#[test]
fn expose_takes_the_text_the_macro_takes() {
    let built = Stage::from_image("dns", "alpine:3.20")
        .expose("53/udp")
        .expose("8000-8010/tcp");
    dockerfile! {
        dns = FROM "alpine:3.20" {
            EXPOSE "53/udp";
            EXPOSE "8000-8010/tcp";
        }
    }
    assert!(same(&built, &dns).ends_with("EXPOSE 53/udp\nEXPOSE 8000-8010\n"));

    let typo = Stage::from_image("dns", "alpine:3.20").expose("53/dup");
    assert_eq!(
        Dockerfile::new(&typo).unwrap_err().problems()[0].message(),
        "invalid port \"53/dup\""
    );
}

#[test]
fn user_takes_a_numeric_id_in_the_builder_and_the_macro() {
    let built = Stage::from_scratch("app").user(10001).user((10001, 10001));
    dockerfile! {
        app = FROM scratch {
            USER {10001};
            USER {(10001, 10001)};
        }
    }
    assert!(same(&built, &app).ends_with("USER 10001\nUSER 10001:10001\n"));
}

#[test]
fn image_port_and_platform_parse_from_strings() {
    let image: ImageRef = "ghcr.io/acme/app:1.4".parse().unwrap();
    assert_eq!(image.repository(), "acme/app");
    let port: Port = "53/udp".parse().unwrap();
    assert_eq!(port, Port::udp(53));
    assert_eq!(
        "9000-9001/sctp".parse::<Port>().unwrap(),
        Port::range(9000, 9001).protocol(Protocol::Sctp)
    );
    let platform: Platform = "linux/arm64".parse().unwrap();
    assert_eq!(platform.as_str(), "linux/arm64");

    // The same checks as when a Dockerfile is made.
    for bad in ["alpine::3.20", "Alpine:3", "my app:1"] {
        let eager = bad.parse::<ImageRef>().unwrap_err();
        let late = Dockerfile::new(&Stage::from_image("app", bad)).unwrap_err();
        assert_eq!(eager.message(), late.problems()[0].message());
    }
    assert!("linux".parse::<Platform>().is_err());
    assert!("70000".parse::<Port>().is_err());
}

#[test]
fn several_sources_copy_in_one_call() {
    let build = Stage::from_image("build", "golang:1.23").run("go build -o /out/ ./...");
    let app = Stage::from_image("app", "alpine:3.20")
        .copy_many(["go.mod", "go.sum"], "./")
        .copy_from_many(&build, ["/out/api", "/out/worker"], "/usr/local/bin/");
    let text = Dockerfile::new(&app).unwrap().to_string();
    assert!(text.ends_with(
        "COPY go.mod go.sum ./\nCOPY --from=build /out/api /out/worker /usr/local/bin/\n"
    ));
    // The destination of several sources is a directory, as in a Dockerfile.
    let wrong = Stage::from_image("app", "alpine:3.20").copy_many(["a", "b"], "/dest");
    let err = Dockerfile::new(&wrong).unwrap_err();
    assert!(err.to_string().contains("/dest"), "{err}");
}

#[test]
fn a_shell_healthcheck_is_written_with_command_shell() {
    let web = Stage::from_image("web", "nginx:1.27-alpine").healthcheck(Healthcheck::cmd(
        Command::shell("curl -f http://localhost/ || exit 1"),
    ));
    assert!(
        Dockerfile::new(&web)
            .unwrap()
            .to_string()
            .ends_with("HEALTHCHECK CMD curl -f http://localhost/ || exit 1\n")
    );
    // `Healthcheck::cmd("curl ...")` does not compile; `tests/ui/healthcheck_string.rs`
    // pins the note that names `Command::shell`.
}

#[test]
fn oci_labels_and_a_non_root_user_on_any_stage() {
    let app = Stage::from_image("app", "alpine:3.20")
        .labels(
            OciLabels::new()
                .title("api")
                .source("https://example.com/api.git"),
        )
        .user(10001);
    let text = Dockerfile::new(&app).unwrap().to_string();
    assert!(
        text.contains("org.opencontainers.image.title=api"),
        "{text}"
    );
    assert!(text.ends_with("USER 10001\n"), "{text}");
}

#[test]
fn a_misspelt_image_names_the_character_and_its_position() {
    let err = Dockerfile::new(&Stage::from_image("app", "alpine::3.20")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "error: stage `app`, base image: invalid image reference \"alpine::3.20\": `:` at \
         position 7: only one `:` separates the tag (or a registry's port)\n  \
         = help: write `[registry/]repository[:tag][@sha256:digest]`, such as `alpine:3.20` or \
         `ghcr.io/org/app:1.2`\n"
    );
}

#[test]
fn the_suggested_stage_name_is_itself_valid() {
    let err = Dockerfile::new(&Stage::from_image("Bad Name", "alpine:3.20")).unwrap_err();
    let help = err.problems()[0].help().unwrap();
    assert!(help.ends_with("use \"bad-name\""), "{help}");
    assert!(Dockerfile::new(&Stage::from_image("bad-name", "alpine:3.20")).is_ok());
}

#[test]
fn two_stages_named_alike_are_told_apart() {
    // A shared `fn builder()` edited for one service only.
    let api_build = Stage::from_image("build", "golang:1.23").run("go build -o /out/api ./cmd/api");
    let worker_build =
        Stage::from_image("build", "golang:1.23").run("go build -o /out/worker ./cmd/worker");
    let api = Stage::from_scratch("api").copy_from(&api_build, "/out/api", "/api");
    let worker = Stage::from_scratch("worker").copy_from(&worker_build, "/out/worker", "/worker");
    let err = Dockerfile::builder()
        .target(&api)
        .target(&worker)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "error: stage `build`: two different stages are named `build`: the one stage `api` \
         refers to has `RUN go build -o /out/api ./cmd/api` where the one stage `worker` refers \
         to has `RUN go build -o /out/worker ./cmd/worker`\n  \
         = help: give each stage its own name, e.g. with `.rename(..)`\n"
    );
}

#[test]
fn one_problem_and_several_print_the_same_way() {
    let one = Dockerfile::new(&Stage::from_image("app", "alpine::3.20")).unwrap_err();
    let two = Dockerfile::new(&Stage::from_image("app", "alpine::3.20").workdir("")).unwrap_err();
    let (one, two) = (one.to_string(), two.to_string());
    assert!(one.starts_with("error: ") && one.ends_with('\n'), "{one}");
    // Several problems: a count, then each problem as the single one prints.
    let listed = two.strip_prefix("2 problems in the Dockerfile:\n").unwrap();
    assert!(listed.starts_with(&one), "{two}");
    assert!(listed.ends_with("the path is empty\n"), "{two}");
}

#[test]
fn import_writes_the_simplest_call() {
    let parsed = dockerdsl::parse(
        "FROM alpine:3.20 AS app\nENV PORT=8080\nEXPOSE 8080\nEXPOSE 53/udp\nEXPOSE 80 443\n",
    )
    .unwrap();
    let code = dockerdsl::import::builder(parsed.dockerfile());
    assert!(
        code.contains(
            ".env(\"PORT\", \"8080\")\n        .expose(8080)\n        .expose(\"53/udp\")\n        \
             .expose_all([80, 443])"
        ),
        "{code}"
    );
    let code = dockerdsl::import::with_macro(parsed.dockerfile());
    assert!(
        code.contains("EXPOSE 8080;\n            EXPOSE \"53/udp\";\n"),
        "{code}"
    );
}

#[test]
fn import_macro_says_why_a_stage_stays_in_builder_form() {
    let parsed = dockerdsl::parse(
        "# syntax=docker/dockerfile:1\nFROM alpine:3.20 AS app\nCOPY <<A <<B /etc/\na\nA\nb\nB\n",
    )
    .unwrap();
    let code = dockerdsl::import::with_macro(parsed.dockerfile());
    assert!(
        code.contains(
            "    // `app` is written with the builder: the `dockerfile!` macro has no named \
             heredocs (`COPY <<A <<B ...`).\n    let app = Stage::from_image("
        ),
        "{code}"
    );
}

#[test]
fn long_labels_have_one_pair_a_line() {
    let app = Stage::from_image("app", "alpine:3.20")
        .labels(
            OciLabels::new()
                .title("payments-api")
                .source("https://git.example.com/platform/payments-api.git")
                .description("the payments service"),
        )
        .labels([("tier", "backend"), ("team", "payments")]);
    assert!(Dockerfile::new(&app).unwrap().to_string().ends_with(
        "LABEL org.opencontainers.image.title=payments-api \\\n    \
         org.opencontainers.image.source=https://git.example.com/platform/payments-api.git \\\n    \
         org.opencontainers.image.description=\"the payments service\"\n\
         LABEL tier=backend team=payments\n"
    ));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

    /// Whatever name is refused, the name the hint suggests is accepted.
    #[test]
    fn a_suggested_stage_name_is_accepted(name in "\\PC{0,16}") {
        if let Err(err) = Dockerfile::new(&Stage::from_image(&name, "alpine:3.20")) {
            let help = err.problems()[0].help().unwrap_or_default();
            if let Some((_, quoted)) = help.rsplit_once("use ") {
                let suggested: String = serde_json::from_str(quoted).unwrap();
                proptest::prop_assert!(
                    Dockerfile::new(&Stage::from_image(&suggested, "alpine:3.20")).is_ok(),
                    "{name:?} -> {suggested:?}"
                );
            }
        }
    }

    /// A port's text reads back as the same port, as `.expose(text)` takes it.
    #[test]
    fn a_port_reads_back_from_its_text(start in 1u16.., len in 0u16..10, proto in 0usize..3) {
        let protocol = [Protocol::Tcp, Protocol::Udp, Protocol::Sctp][proto];
        let port = Port::range(start, start.saturating_add(len)).protocol(protocol);
        proptest::prop_assert_eq!(Port::from(port.to_string()), port);
    }
}
