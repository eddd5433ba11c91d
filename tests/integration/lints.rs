//! Lints on representative models: each snapshot holds the builder code, the rendered
//! Dockerfile and the lints, so a reviewer can check each lint against the text BuildKit
//! would see.

use crate::common;

use dockerdsl::*;

/// One snapshot: the input, the lints, and the rendered Dockerfile when there is one. The
/// rendered part comes last, after the marker the other snapshots use, so that the oracle
/// tests read it as a Dockerfile too.
fn snapshot(name: &str, input: &str, lints: &str, rendered: Option<&str>) {
    let mut text = format!("{}\n----- lints -----\n{lints}", input.trim_end());
    if let Some(r) = rendered {
        text.push_str("----- rendered -----\n");
        text.push_str(r);
    }
    let name = format!("lints__{name}");
    insta::with_settings!({
        omit_expression => true,
        prepend_module_to_snapshot => false,
        snapshot_path => "snapshots",
    }, {
        insta::assert_snapshot!(name.as_str(), text);
    });
}

/// Snapshots the code of `$body`, its lints and the Dockerfile it builds.
macro_rules! case {
    ($name:ident, $body:block) => {
        case!($name, Linter::new(), $body);
    };
    ($name:ident, $linter:expr, $body:block) => {
        #[test]
        fn $name() {
            let result: Result<Dockerfile, Error> = $body;
            let df = match result {
                Ok(d) => d,
                Err(e) => panic!("{} does not build:\n{e}", stringify!($name)),
            };
            let lints: String = $linter.lint(&df).iter().map(|l| format!("{l}\n")).collect();
            snapshot(
                stringify!($name),
                common::case_source(include_str!("lints.rs"), stringify!($name)),
                &lints,
                Some(&df.to_string()),
            );
        }
    };
}

case!(clean_file_has_no_lints, {
    let build = Stage::from_image("build", "golang:1.23-alpine")
        .on_platform(Platform::BUILD)
        .workdir("/src")
        .copy(".", ".")
        .run("go build -o /out/app .");
    let app = Stage::from_image("app", "alpine:3.20")
        .copy_from(&build, "/out/app", "/app")
        .user("65532")
        .cmd(["/app"]);
    Dockerfile::new(&app)
});

case!(base_images, {
    let a = Stage::from_image("a", "alpine");
    let b = Stage::from_image("b", "alpine:latest");
    let c = Stage::from_image(
        "c",
        "alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000",
    );
    let d = Stage::from_image("d", "alpine:${TAG}");
    let e = Stage::from_image("e", "${IMAGE}");
    Dockerfile::builder()
        .arg("TAG")
        .arg(Arg::new("IMAGE").default("debian:12"))
        .target(&a)
        .target(&b)
        .target(&c)
        .target(&d)
        .target(&e)
        .build()
});

case!(platforms, {
    let redundant = Stage::from_image("redundant", "alpine:3.20").on_platform(Platform::TARGET);
    let constant = Stage::from_image("constant", "alpine:3.20").on_platform("linux/amd64");
    let named = Stage::from_image("build-arm64", "alpine:3.20").on_platform("linux/arm64");
    Dockerfile::builder()
        .target(&redundant)
        .target(&constant)
        .target(&named)
        .build()
});

case!(shell_form_commands, {
    let base = Stage::from_image("base", "alpine:3.20").cmd(Command::shell("exec app"));
    let with_shell = Stage::from_stage("with-shell", &base)
        .shell(["/bin/ash", "-eo", "pipefail", "-c"])
        .entrypoint(Command::shell("exec app"));
    let inherits = Stage::from_stage("inherits", &with_shell).cmd(Command::shell("exec other"));
    Dockerfile::new(&inherits)
});

case!(repeated_single_instructions, {
    let app = Stage::from_image("app", "alpine:3.20")
        .cmd(["a"])
        .entrypoint(["/bin/sh"])
        .cmd(["b"])
        .healthcheck(Healthcheck::None)
        .cmd(["c"])
        .healthcheck(Healthcheck::cmd(["true"]));
    let next = Stage::from_stage("next", &app).cmd(["d"]);
    Dockerfile::new(&next)
});

case!(workdirs_and_relative_copies, {
    let a = Stage::from_image("a", "alpine:3.20")
        .copy("a", "b")
        .workdir("rel")
        .workdir("again")
        .copy("c", "d");
    let b = Stage::from_stage("b", &a).workdir("inherits-a-workdir");
    let c = Stage::from_image("c", "alpine:3.20")
        .copy("x", "/abs")
        .workdir("/app")
        .workdir("sub");
    Dockerfile::builder().target(&b).target(&c).build()
});

case!(undefined_variables, {
    let base = Stage::from_image("base", "alpine:3.20")
        .env("A", "1")
        .env("B", "$A")
        .envs([("C", "2"), ("D", "${C}")])
        .copy("$SRC", "/dst/$A")
        .arg("VERSION")
        .workdir("/opt/${VERSION}")
        .env("GOBIN", "$GOPATH/bin")
        .label("version", "$VERSON")
        .run(Run::new("echo $UNSET_IN_RUN_IS_FINE").mount(Mount::cache("/cache/$CACHE")));
    let next = Stage::from_stage("next", &base)
        .user("$A")
        .stopsignal("$SIG");
    Dockerfile::builder().arg("SRC").target(&next).build()
});

case!(secrets_in_arg_and_env, {
    let app = Stage::from_image("app", "alpine:3.20")
        .arg("GITHUB_TOKEN")
        .arg("PUBLIC_KEY")
        .env("DB_PASSWORD", "x")
        .env("KEYBOARD", "us")
        .arg("AUTH")
        .arg("TOKEN_FILE")
        // BuildKit's regex finds a secret word anywhere between `_`s, not only first or last.
        .arg("MY_TOKEN_VALUE");
    Dockerfile::new(&app)
});

case!(last_user_root, {
    let build = Stage::from_image("build", "alpine:3.20").user("app");
    let app = Stage::from_stage("app", &build).user("root:root");
    Dockerfile::new(&app)
});

case!(skipped_by_check_directive, {
    let app = Stage::from_image("app", "alpine:latest").cmd(Command::shell("exec app"));
    Dockerfile::builder()
        .checks(BuildChecks::new().skip("JSONArgsRecommended"))
        .target(&app)
        .build()
});

case!(skipped_by_check_comments, {
    let build = Stage::from_image("build", "alpine:3.20")
        .on_platform(Platform::new("linux/arm64"))
        .comment("check=skip=JSONArgsRecommended because it runs a script")
        .cmd(Command::shell("./build.sh"))
        .comment("check=skip=JSONArgsRecommended\n\nan empty line forgets the one above")
        .entrypoint(Command::shell("./entry.sh"))
        .comment("check=skip=FromPlatformFlagConstDisallowed");
    let app = Stage::from_image("app", "alpine:3.20")
        .on_platform(Platform::new("linux/amd64"))
        .with_leading_comment("the comments above are read for this FROM too")
        .copy_from(&build, "/out", "/out");
    Dockerfile::builder().target(&build).target(&app).build()
});

case!(
    copy_ignored_file,
    Linter::new().dockerignore("# local files\n*.env\ntarget\n**/*.log\n"),
    {
        let app = Stage::from_image("app", "rust:1.83")
            .workdir("/src")
            .copy("./prod.env", "/etc/app.env")
            .copy("target/release/app", "/app")
            .copy("src", "src")
            .push(Copy::new("logs/a/b.log", "/logs/").from(Context::new("other")))
            .add("https://example.com/x.env", "/x.env");
        Dockerfile::new(&app)
    }
);

case!(
    exceptions_disable_copy_ignored_file,
    Linter::new().dockerignore("*\n!src\n"),
    {
        let app = Stage::from_image("app", "rust:1.83")
            .workdir("/src")
            .copy("Cargo.toml", ".");
        Dockerfile::new(&app)
    }
);

#[test]
fn every_rule_has_a_name_and_a_url() {
    let mut names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
    assert_eq!(names.len(), 28);
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Rule::ALL.len(), "rule names are unique");
    for rule in Rule::ALL {
        assert!(rule.url().starts_with("https://"), "{rule}");
        let hadolint = rule.name().starts_with("DL");
        assert_eq!(rule.origin() == Origin::Hadolint, hadolint, "{rule}");
    }
}

/// Snapshots a Dockerfile's text with the lints of the parsed file (each with its line).
macro_rules! parsed_case {
    ($name:ident, $text:expr) => {
        #[test]
        fn $name() {
            let text: &str = $text;
            let parsed = dockerdsl::parse(text)
                .unwrap_or_else(|e| panic!("{} does not parse:\n{e}", stringify!($name)));
            let mut out = String::new();
            for lint in parsed.lint() {
                let (line, column) = (lint.line().unwrap_or(0), lint.column().unwrap_or(0));
                out.push_str(&format!("{line}:{column}: {lint}\n"));
            }
            snapshot(stringify!($name), text, &out, None);
        }
    };
}

parsed_case!(
    parsed_keyword_casing,
    "from alpine:3.20 AS Build\nrun true\nRUN true\nCopy a /a\nfrom build as next\nworkdir /app\n"
);

parsed_case!(
    parsed_legacy_forms,
    "FROM alpine:3.20\nMAINTAINER Jane <jane@example.com>\nENV A 1\nLABEL version 2\nENV B=2\nEXPOSE 80/TCP 53/udp\nCMD echo $A\n"
);

parsed_case!(
    parsed_empty_continuation,
    "FROM alpine:3.20\nRUN apk add \\\n\n    curl \\\n    # a comment is not empty\n    wget\nRUN <<EOF\necho a \\\n\nEOF\n"
);

parsed_case!(
    parsed_check_comments_and_directive,
    "# check=skip=JSONArgsRecommended\nFROM alpine:3.20 AS app\n# check=skip=SecretsUsedInArgOrEnv\nARG GITHUB_TOKEN\nARG DB_PASSWORD\nCMD exec app\n"
);

// dockerdsl's IndentedDirective: `# check=` and `# syntax=` lines BuildKit does not read for
// their indentation (a directive, one after it, a comment before an instruction).
parsed_case!(
    parsed_indented_directives,
    "  # syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nFROM alpine:3.20 AS app\n\t# check=skip=SecretsUsedInArgOrEnv\nARG GITHUB_TOKEN\n  # an indented note is fine\nCMD exec app\n"
);

parsed_case!(
    parsed_indented_keywords_have_their_column,
    "FROM alpine:3.20 AS a\n  env A 1\n\tcmd echo\ncmd [\"b\"]\n"
);

parsed_case!(
    parsed_model_lints_have_lines,
    "ARG TAG\nFROM alpine:${TAG} AS base\n\nFROM base AS app\nCOPY $SRC rel\nWORKDIR rel\nCMD [\"a\"]\n\nCMD [\"b\"]\nUSER root\n"
);

use common::examples::{go_alpine, kitchen_sink, node_nginx, rust_chef};

/// What the project's own examples get: kept in a snapshot so that a new lint on them is a
/// decision, not a surprise.
#[test]
fn examples() {
    let examples = [
        ("go_alpine", go_alpine::dockerfile()),
        ("kitchen_sink", kitchen_sink::dockerfile()),
        ("node_nginx", node_nginx::dockerfile()),
        ("rust_chef", rust_chef::dockerfile()),
    ];
    let mut out = String::new();
    for (name, df) in examples {
        let df = df.unwrap_or_else(|e| panic!("example {name} does not build:\n{e}"));
        out.push_str(&format!("== {name}\n"));
        for lint in df.lint() {
            out.push_str(&format!("{lint}\n"));
        }
    }
    snapshot(
        "examples",
        "dockerdsl examples: Dockerfile::lint()",
        &out,
        None,
    );
}

/// dockerdsl's own stage-reference rule: a misspelt stage name gets "did you mean", an image
/// reference (and a stage name written right) does not.
#[test]
fn stage_name_typos_are_found_and_images_are_not() {
    let typos = |text: &str| -> Vec<(usize, String)> {
        dockerdsl::check(text)
            .expect("BuildKit reads it")
            .iter()
            .filter(|l| l.rule() == Rule::StageNameTypo)
            .map(|l| (l.line().unwrap_or(0), l.message().to_owned()))
            .collect()
    };
    let base = "FROM golang:1.23 AS builder\nRUN go build -o /app .\nFROM alpine:3.20\n";
    assert_eq!(
        typos(&format!("{base}COPY --from=buider /app /app\n")),
        [(
            4,
            "'buider' is not a stage of this file, so it is pulled as an image; did you mean the stage 'builder'?".to_owned()
        )]
    );
    assert_eq!(
        typos(&format!(
            "{base}RUN --mount=type=bind,from=biulder,target=/b true\n"
        ))
        .len(),
        1
    );
    for reference in [
        "builder",
        "Builder",
        "0",
        "builder:1.0",
        "ghcr.io/org/builder",
        "docker.io/library/buidler",
        "alpine",
        "busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        assert_eq!(
            typos(&format!("{base}COPY --from={reference} /app /app\n")),
            [],
            "{reference}"
        );
    }
    // The flags of COPY and RUN (and of an ONBUILD trigger), with a mount's `from` in any
    // case; never a word of a command.
    let flags = format!(
        "{base}RUN --mount=type=bind,From=biulder,target=/b true\n\
         ONBUILD COPY --from=buider /app /app\n\
         ONBUILD RUN --mount=from=buider true\n"
    );
    assert_eq!(
        typos(&flags)
            .iter()
            .map(|(line, _)| *line)
            .collect::<Vec<_>>(),
        [4, 5, 6]
    );
    let words = format!(
        "{base}RUN echo --from=buider --mount=from=buider\n\
         COPY ./--from=buider /x\n\
         ONBUILD RUN echo --from=buider\n"
    );
    assert_eq!(typos(&words), []);
}

/// A mount's type, sharing, numbers and switches are read after BuildKit expands them with
/// the stage's variables (ENV, ARG, those of the stage it is built on): `check` refuses what
/// BuildKit then refuses, and keeps as written what it accepts or cannot tell. Each verdict
/// is BuildKit's own when bklint is there (`DOCKERDSL_BKLINT`).
#[test]
fn check_reads_mount_options_through_the_stage_variables() {
    let cases = [
        "FROM alpine:3.20\nENV T=cache\nRUN --mount=type=$T,target=/c true\n",
        "FROM alpine:3.20 AS base\nENV T=cache\nFROM base\nRUN --mount=type=${T},target=/c true\n",
        "FROM alpine:3.20 AS base\nENV T=cache\nFROM alpine:3.20\nRUN --mount=type=$T,target=/c true\n",
        "ARG K=tmpfs\nFROM alpine:3.20\nARG K\nRUN --mount=type=$K,target=/t true\n",
        "FROM alpine:3.20\nARG K\nRUN --mount=type=$K,target=/t true\n",
        "FROM alpine:3.20\nARG K=bind\nRUN --mount=type=$K,target=/t,size=1g true\n",
        "FROM alpine:3.20\nARG S\nRUN --mount=type=tmpfs,target=/t,size=$S true\n",
        "FROM alpine:3.20\nENV M=Locked\nRUN --mount=type=cache,target=/c,sharing=$M true\n",
        "FROM alpine:3.20\nRUN --mount=type=CACHE,target=/c true\n",
        "FROM alpine:3.20\nARG TARGETARCH\nRUN --mount=type=$TARGETARCH,target=/c true\n",
        "FROM alpine:3.20\nONBUILD RUN --mount=type=$T,target=/c true\n",
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/c,uid=$PATH true\n",
        "FROM alpine:3.20\nARG UID=1000\nRUN --mount=type=cache,target=/c,uid=${UID},ro=$NO true\n",
        "FROM alpine:3.20\nARG UID=1000\nRUN --mount=type=cache,target=/c,uid=${UID} true\n",
        // Through three stages, the nearest value of a name wins.
        "FROM alpine:3.20 AS a\nENV T=tmpfs\nFROM a AS b\nENV T=cache\nFROM b AS c\nFROM c\nRUN --mount=type=$T,target=/c,sharing=locked true\n",
        "FROM alpine:3.20 AS a\nENV T=cache\nFROM a AS b\nENV S=1\nFROM b AS c\nFROM c\nRUN --mount=type=$T,target=/c,sharing=$S true\n",
    ];
    let mut out = String::new();
    let mut ours = Vec::new();
    for text in cases {
        let verdict = match dockerdsl::check(text) {
            Ok(_) => "accepted".to_owned(),
            Err(e) => format!("refused: {}", e.to_string().trim_end()),
        };
        out.push_str(&format!("{text}=> {verdict}\n\n"));
        ours.push(verdict.starts_with("accepted"));
    }
    insta::with_settings!({
        omit_expression => true,
        prepend_module_to_snapshot => false,
        snapshot_path => "snapshots",
    }, {
        insta::assert_snapshot!("lints__mount_options_through_variables", out);
    });
    let test = "check_reads_mount_options_through_the_stage_variables";
    if let Some(bin) = common::bklint::bklint(test) {
        let texts: Vec<String> = cases.iter().map(|t| (*t).to_owned()).collect();
        let verdicts = common::bklint::run_texts(&bin, "mount-variables", &texts);
        for ((text, verdict), accepted) in cases.iter().zip(&verdicts).zip(&ours) {
            assert_eq!(
                verdict.error.is_none(),
                *accepted,
                "BuildKit's verdict differs on\n{text}BuildKit: {:?}",
                verdict.error
            );
        }
    }
}

/// dockerdsl's `TextAfterJSONArgs`: every instruction that takes the JSON form, with text
/// after its array (a comment at the end of the line, a shell operator, more paths), also as
/// an `ONBUILD` trigger; not a whole array, nor a shell command that starts with `[`.
#[test]
fn text_after_json_args() {
    let text = "FROM alpine:3.20\n\
                CMD [\"node\", \"app.js\"] # start the app\n\
                RUN [\"ls\"] && make\n\
                COPY [\"a\", \"b\"]x /y/\n\
                ADD [\"a\"] [\"b\"] /z/\n\
                VOLUME [\"/data\"] /cache\n\
                HEALTHCHECK --interval=5s CMD [\"check\"] || exit 1\n\
                ONBUILD RUN [\"x\"] y\n\
                ENTRYPOINT [\"a\"]  \n\
                RUN [ -f x ] && echo\n";
    let lints = dockerdsl::check(text).expect("BuildKit reads it");
    let mut out = String::new();
    for lint in lints.iter().filter(|l| l.rule() == Rule::TextAfterJsonArgs) {
        out.push_str(&format!("{}: {lint}\n", lint.line().unwrap_or(0)));
    }
    snapshot("text_after_json_args", text, &out, None);
}
