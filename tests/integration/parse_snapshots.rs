//! `dockerdsl::parse` then canonical rendering, on representative inputs: each snapshot holds
//! the input Dockerfile and what `dockerdsl fmt` makes of it (or the errors).

use crate::common;

/// The canonical text in a `----- rendered -----` section (which the oracle tests read back
/// with BuildKit's parser), or the errors in an `----- errors -----` section.
fn snapshot(name: &str, input: &str) {
    match dockerdsl::parse(input) {
        Ok(parsed) => {
            common::snapshot_io("parse", name, input, &parsed.dockerfile().to_string());
        }
        Err(errors) => section_snapshot(
            &format!("parse__{name}"),
            input,
            "errors",
            &errors.to_string(),
        ),
    }
}

/// Input and output in one snapshot, the output under `----- {section} -----`: only
/// Dockerfiles go under `rendered` (the oracle tests read those with BuildKit's parser).
fn section_snapshot(name: &str, input: &str, section: &str, output: &str) {
    let text = format!("{}\n----- {section} -----\n{output}", input.trim_end());
    insta::with_settings!({
        omit_expression => true,
        prepend_module_to_snapshot => false,
        snapshot_path => "snapshots",
    }, {
        insta::assert_snapshot!(name, text);
    });
}

macro_rules! case {
    ($name:ident, $input:expr) => {
        #[test]
        fn $name() {
            snapshot(stringify!($name), $input);
        }
    };
}

case!(
    keywords_legacy_forms_and_unnamed_stages,
    r#"from golang:1.23 as Build
workdir /src
env GOFLAGS -mod=vendor
ENV A=1 B="two words" C=three\ words
label maintainer.note "hello world"
MAINTAINER Jane Doe <jane@example.com>
arg VERSION=1.0 COMMIT
copy . .
Run go build -o /out/app .

FROM alpine:3.20
COPY --from=0 /out/app /usr/local/bin/app
COPY --from=build /etc/ssl/certs /etc/ssl/certs
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
cmd app --serve
ENTRYPOINT ["tini", "--"]
"#
);

case!(
    directives_and_comments,
    r#"# syntax=docker/dockerfile:1.8
# check=skip=JSONArgsRecommended;error=true

# Build arguments, with a comment each.
# The Go version.
ARG GO_VERSION=1.23
ARG ALPINE=3.20

# The build stage
FROM golang:${GO_VERSION}-alpine${ALPINE} AS build
# compile
RUN go build ./...

# trailing words of the stage

# The runtime
FROM alpine:${ALPINE} AS runtime
COPY --from=build /go/bin /usr/local/bin
# the end
"#
);

case!(
    escape_backtick_bom_and_crlf,
    "\u{feff}# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\r\nRUN echo one `\r\n    && echo two\r\nWORKDIR C:\\app\r\nCOPY [\"a b.txt\", \"C:\\\\app\\\\\"]\r\n"
);

case!(
    heredocs_in_every_form,
    r#"# syntax=docker/dockerfile:1
FROM alpine:3.20 AS a
RUN <<EOF
set -e
echo "$HOME"
EOF
RUN <<-EOT
	echo tabs stripped
	EOT
RUN python3 <<EOF
print("hi")
EOF
RUN <<A cat > /a && <<B cat > /b
first
A
second
B
COPY <<EOF /etc/expanded.conf
home=$HOME
EOF
COPY <<'EOF' /etc/literal.conf
home=$HOME
EOF
COPY --chmod=755 <<one <<two /scripts/
#!/bin/sh
one
#!/bin/sh
two
"#
);

case!(
    flags_mounts_and_healthchecks,
    r#"FROM alpine:3.20 AS assets
FROM rust:1.83 AS build
RUN --network=none --mount=dst=/usr/local/cargo/registry,type=cache,sharing=locked,id=reg \
    --mount=type=secret,id=token,env=TOKEN \
    --mount=type=ssh,required \
    --mount=type=tmpfs,target=/tmp,size=64m \
    --mount=from=0,src=/x,target=/y,rw \
    cargo build --release
RUN --security=insecure --mount=type=cache,target=/c,mode=0700,uid=1000,gid=1000,ro make
COPY --link --chmod=u=rwX,go=rX --chown=app: --exclude=*.md --exclude=target --parents ./src/./lib /app/
ADD --unpack=false --keep-git-dir --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tar.gz /opt/
HEALTHCHECK --retries=5 --start-period=1m30s --interval=30s CMD curl -f http://localhost/ || exit 1
ONBUILD COPY --from=assets /app /app
ONBUILD RUN <<EOF
echo triggered
EOF
STOPSIGNAL SIGQUIT
EXPOSE 80/TCP 53/udp 8000-8010 $PORT
VOLUME /data /logs
USER app:app
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
"#
);

case!(
    pinned_syntax_too_old,
    r#"# syntax=docker/dockerfile:1.7
# check=skip=all
FROM alpine:3.20 AS a
COPY --chmod=u+x run.sh /
"#
);

case!(
    every_problem_at_once,
    r#"RUN echo before any stage
FROM alpine:3.20 AS 1bad
COPY --bogus a b
RUN --mount=type=cahce,target=/x true
CMD ["a", 1]
HEALTHCHECK NONE CMD true
FORM x
COPY --from=later /a /b
FROM alpine AS later
ENV ONLYKEY
"#
);

// An unnamed stage is written out with a name no reference of the file uses: here
// `stage-0`, `stage-1` and `stage-2` are images (a base and `--from` name only the stages
// the file names), and must stay images.
case!(
    unnamed_stages_named_apart_from_images,
    r#"ARG BASE=stage-2
FROM alpine:3.20
RUN echo 1 > /x
FROM stage-0
COPY --from=stage-0 /x /y
FROM alpine:3.20
COPY --from=stage-1 /x /z
FROM ${BASE}
"#
);

// `--from=0` is the first `builder`; written as the name, it would be the second.
case!(
    copy_from_index_of_a_duplicate_name,
    r#"FROM alpine:3.20 AS builder
RUN echo 1 > /x
FROM alpine:3.20 AS builder
RUN echo 2 > /x
FROM scratch
COPY --from=0 /x /x
"#
);

// Bases BuildKit refuses whatever `--build-arg` sets: a quote the word never closes, a `$`
// that is no variable. Refused, each with its line, not read past.
case!(
    bases_refused_whatever_the_arguments,
    r#"ARG V=3.20
FROM al'i:${V} AS a
FROM 'alpine$' AS b
FROM "alpine:\$X" AS c
FROM alpine:3.20
"#
);

// BuildKit takes `--` off a flag and no more dashes: these are unknown flags, not `--from`
// and `--network`.
case!(
    flags_with_three_dashes,
    r#"FROM alpine:3.20
COPY ---from=x a b
RUN ---network=none true
"#
);

// Quotes or an escape end a variable's name: written without them, the variable is braced
// (`${V}0`), not joined with what follows (`$V0`).
case!(
    base_variables_kept_apart_when_unquoted,
    r#"ARG V=3.2
FROM "alpine:$V"0 AS a
FROM alpine:$V\0 AS b
FROM alpine:3.20 AS c
"#
);

/// Commands written with nothing after the keyword: BuildKit reads them, the model refuses
/// them (`parse` says why), and `fmt` writes each back ending at its keyword (no trailing
/// space), a RUN's flags with no command without a blank continuation line after them.
#[test]
fn commands_left_empty() {
    let input = "FROM alpine:3.20\nRUN \nCMD\nENTRYPOINT \nRUN --mount=type=cache,target=/a --mount=type=cache,target=/b\nCMD []\n";
    let errors = match dockerdsl::parse(input) {
        Ok(_) => panic!("parse read commands the model cannot hold"),
        Err(errors) => errors.to_string(),
    };
    let formatted = dockerdsl::format(input).unwrap_or_else(|e| panic!("{e}"));
    section_snapshot(
        "parse__commands_left_empty",
        input,
        "formatted",
        &format!("{formatted}----- parse errors -----\n{errors}"),
    );
}

/// A stage with indented comments: one BuildKit reads with its `#` where at the start of a
/// line it would say more (a `check=` comment, an empty one, a description of the next
/// line's name), and a plain note.
const INDENTED_COMMENTS: &str = "FROM alpine:3.20 AS build
    # check=skip=JSONArgsRecommended
    CMD echo indented, so not skipped
# check=skip=JSONArgsRecommended
\t#
CMD echo the empty comment is indented, so this is skipped
    # VERSION the version (indented: not a description)
ARG VERSION=1
    # an indented note
RUN true
";

/// What the comments right before an instruction tell BuildKit (`# check=` comments, an
/// empty comment ending those above it, a description), `fmt` keeps: an `ARG` of several
/// names with comments before it stays one line, and an indented comment, which BuildKit
/// reads with its `#`, stays indented where at the start of the line it would say more;
/// other indented comments move to the start of the line.
#[test]
fn fmt_keeps_what_comments_tell_buildkit() {
    let input = &format!(
        "# check=experimental=InvalidDefinitionDescription
ARG A B
# check=skip=SecretsUsedInArgOrEnv
arg GITHUB_TOKEN DB_PASSWORD=x
{INDENTED_COMMENTS}# V the v
ARG V W
"
    );
    let formatted = dockerdsl::format(input).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        dockerdsl::format(&formatted).unwrap_or_else(|e| panic!("{e}")),
        formatted,
        "fmt is idempotent"
    );
    section_snapshot(
        "parse__fmt_keeps_what_comments_tell_buildkit",
        input,
        "formatted",
        &formatted,
    );
}

// An indented comment BuildKit reads with its `#`: where at the start of a line it would
// say more (a `check=` comment, an empty one, a description of the next line's name), the
// model holds what BuildKit read, `#` included; other indented comments lose the indent.
case!(indented_comments_as_buildkit_reads_them, INDENTED_COMMENTS);

/// The syntax and the check options are where BuildKit's frontend finds them: an indented
/// directive line (and those after it) sets nothing, so `fmt` keeps it indented after the
/// header, where it still sets nothing; after a `#!` line, one sets them.
#[test]
fn fmt_keeps_directives_where_buildkit_reads_them() {
    let inputs = [
        "# escape=`\n  # syntax=docker/dockerfile:1.2\n# check=skip=JSONArgsRecommended\nFROM alpine:3.20\nRUN <<EOF\necho\nEOF\nCMD echo\n",
        "#!/usr/bin/env -S docker build -f\n# check=skip=JSONArgsRecommended\nFROM alpine:3.20\nCMD echo\n",
    ];
    let mut out = String::new();
    for input in inputs {
        let formatted = dockerdsl::format(input).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            dockerdsl::format(&formatted).unwrap_or_else(|e| panic!("{e}")),
            formatted,
            "fmt is idempotent"
        );
        let checks = dockerdsl::parse(input)
            .map(|p| format!("{:?}", p.dockerfile().checks()))
            .unwrap_or_else(|e| e.to_string());
        out.push_str(&format!(
            "{input}----- formatted -----\n{formatted}----- check options -----\n{checks}\n=====\n"
        ));
    }
    section_snapshot(
        "parse__fmt_keeps_directives_where_buildkit_reads_them",
        "(each file, then what fmt writes and the check options parse reads)",
        "files",
        &out,
    );
}

/// What `dockerdsl import` prints for a representative file, with the builder and with
/// the macro (tests/import_corpus.rs compiles such code for every corpus file).
const IMPORTED: &str = r#"# syntax=docker/dockerfile:1.7
ARG GO=1.23

# the build
FROM --platform=$BUILDPLATFORM golang:${GO} AS build
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -o /out/app .
COPY <<EOF /etc/app.conf
home=$HOME
EOF

FROM gcr.io/distroless/static
COPY --from=build /out/app /app
HEALTHCHECK --interval=30s CMD ["/app", "health"]
ENTRYPOINT ["/app"]
"#;

#[test]
fn imported_with_the_builder() {
    let parsed = dockerdsl::parse(IMPORTED).expect("valid");
    let code = dockerdsl::import::builder(parsed.dockerfile());
    section_snapshot("import__builder", IMPORTED, "imported", &code);
}

#[test]
fn imported_with_the_macro() {
    let parsed = dockerdsl::parse(IMPORTED).expect("valid");
    let code = dockerdsl::import::with_macro(parsed.dockerfile());
    section_snapshot("import__macro", IMPORTED, "imported", &code);
}

/// A file written the way people write them (lower-case keywords and `as`, a stage named
/// `Builder`, `ENV k v`, `MAINTAINER`, shell-form `CMD`, an empty continuation line, an
/// unnamed stage referred to by index): BuildKit builds it, and `import` reads it with its
/// meaning kept (tests/import_corpus.rs compiles such code and renders it back).
const IMPORTED_AS_WRITTEN: &str = r#"from golang:1.23 as Builder
maintainer Jane Doe <jane@example.com>
env CGO_ENABLED 0
run go build \

    -o /out/app .

FROM alpine:3.20
COPY --from=builder /out/app /app
copy --from=0 /etc/ssl/certs /etc/ssl/certs
expose 8080/TCP
CMD /app --serve
"#;

#[test]
fn imported_as_written() {
    let parsed = dockerdsl::parse(IMPORTED_AS_WRITTEN).expect("BuildKit builds it");
    let code = dockerdsl::import::builder(parsed.dockerfile());
    section_snapshot("import__as_written", IMPORTED_AS_WRITTEN, "imported", &code);
}

/// A file BuildKit builds (with warnings; bklint says so) that the typed model cannot hold:
/// `parse`, and so `import` and the JSON form, refuse it naming every such construct on its
/// line, each a model limit ([`dockerdsl::Diagnostic::is_model_limit`]), and nothing else.
/// (`$VARIANT` is undeclared, so empty: after `3.20` the image is still one; the mount in
/// the stage named `scratch` has a `from=`, as one without would refer to the stage itself.)
const BEYOND_THE_MODEL: &str = r#"ARG TAG=3.20
FROM alpine:${TAG} AS base
RUN echo base

FROM alpine:3.20$VARIANT AS app
EXPOSE 127.0.0.1:9000:9000/tcp
ENV GREETING='cost: $5'
COPY a.txt b.txt /dest

FROM base AS app
COPY c.txt d.txt /dest
FROM alpine:3.20 AS scratch
ENV CACHE_KIND=cache
RUN --mount=type=$CACHE_KIND,from=base,target=/c true
"#;

/// Snapshots the errors of `import` on a file BuildKit builds, with which are model
/// limits, and holds `check` to reading the file.
fn refused_naming_model_limits(name: &str, text: &str) {
    let errors = dockerdsl::parse(text).expect_err("the model cannot hold it");
    let mut out = errors.to_string();
    out.push_str("----- model limits -----\n");
    for d in errors.diagnostics() {
        out.push_str(&format!(
            "line {}: {}\n",
            d.line().unwrap_or(0),
            d.is_model_limit()
        ));
    }
    section_snapshot(name, text, "errors", &out);
    assert!(
        dockerdsl::check(text).is_ok(),
        "check reads what BuildKit reads"
    );
}

#[test]
fn import_refuses_naming_each_model_limit() {
    refused_naming_model_limits("import__refused", BEYOND_THE_MODEL);
}

/// Commands and triggers BuildKit runs that the typed model does not hold: a shell command
/// that starts with a JSON array (older frontends ran the array), one after the `--` that
/// ends the flags, one that is a comment, none at all, and ONBUILD triggers BuildKit refuses
/// only in a stage built on them (read, and validated).
const COMMANDS_BEYOND_THE_MODEL: &str = "FROM alpine:3.20 AS app
RUN [\"echo\", \"hi\"] && echo there
RUN -- --version
RUN # nothing to run
RUN
CMD
ONBUILD COPY a
ONBUILD STOPSIGNAL FOO
";

#[test]
fn import_names_the_commands_it_cannot_hold() {
    refused_naming_model_limits("import__commands_refused", COMMANDS_BEYOND_THE_MODEL);
}

/// A comment among the global ARGs that the model cannot write (a carriage return in it) is
/// a model limit, told at the ARG after it.
#[test]
fn a_comment_among_global_args_is_told_at_its_arg() {
    let text = "# a\r# b\nARG X=1\nFROM alpine:3.20\nRUN true\n";
    let errors = dockerdsl::parse(text).expect_err("the model cannot hold it");
    let told: Vec<(Option<usize>, bool)> = errors
        .diagnostics()
        .iter()
        .map(|d| (d.line(), d.is_model_limit()))
        .collect();
    assert_eq!(told, [(Some(2), true)], "{errors}");
    assert!(dockerdsl::check(text).is_ok());
}

/// An ONBUILD trigger's errors are BuildKit's in each stage built on it that BuildKit
/// builds; each is told once, in the first of them, however many stages are built on it.
#[test]
fn onbuild_trigger_errors_are_told_once_where_the_trigger_runs() {
    let base = "FROM alpine:3.20 AS base\nONBUILD COPY a\nONBUILD EXPOSE 99999\n";
    assert!(
        dockerdsl::check(base).is_ok(),
        "no stage is built on `base`"
    );
    let text = format!("{base}FROM base AS one\nFROM base AS two\nFROM two AS three\nFROM one\n");
    let errors = dockerdsl::check(&text).expect_err("the triggers run in `one` and `two`");
    let told: Vec<(Option<usize>, &str)> = errors
        .diagnostics()
        .iter()
        .map(|d| (d.line(), d.help().unwrap_or_default()))
        .collect();
    assert_eq!(told.len(), 2, "{errors}");
    assert!(
        told.iter()
            .all(|(_, help)| help.starts_with("the ONBUILD trigger runs in `one` (line 4)")),
        "{errors}"
    );
    assert_eq!(
        told.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        [Some(2), Some(3)]
    );
}
