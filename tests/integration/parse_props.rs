//! The parser on arbitrary Dockerfile-like text (fragments of real syntax glued at random):
//! it never panics, and what it accepts renders to text it reads back to the same model.

use proptest::prelude::*;

const FRAGMENTS: &[&str] = &[
    "FROM ",
    "from ",
    "alpine:3.20",
    " AS ",
    " as ",
    "build",
    "scratch",
    "RUN ",
    "run ",
    "COPY ",
    "ADD ",
    "ENV ",
    "LABEL ",
    "ARG ",
    "CMD ",
    "ENTRYPOINT ",
    "SHELL ",
    "ONBUILD ",
    "HEALTHCHECK ",
    "NONE",
    "CMD",
    "EXPOSE ",
    "VOLUME ",
    "USER ",
    "WORKDIR ",
    "STOPSIGNAL ",
    "MAINTAINER ",
    "--from=",
    "--from=0 ",
    "--chmod=755 ",
    "--chown=a:b ",
    "--link ",
    "--mount=type=cache,target=/x ",
    "--mount=type=secret,id=s ",
    "--network=none ",
    "--interval=5s ",
    "--retries=3 ",
    "--platform=$BUILDPLATFORM ",
    "<<EOF",
    "<<-EOF",
    "<<'EOF'",
    "EOF",
    "\tEOF",
    "\n",
    "\n",
    "\n",
    "\r\n",
    " \\\n",
    "\\",
    "`",
    "# ",
    "# syntax=docker/dockerfile:1\n",
    "# escape=`\n",
    "# check=skip=all\n",
    "\"",
    "'",
    "$",
    "${A:-b}",
    "=",
    "a=b ",
    "k v",
    "[\"a\", \"b\"]",
    "[1]",
    "[",
    "]",
    " ",
    "/src ",
    "/dst",
    "80/tcp ",
    "$PORT",
    "\u{feff}",
    "é",
    "\0",
    // Characters holding the bytes 0x85 or 0xA0, which BuildKit's flag reader takes for
    // spaces.
    "\u{1F141}",
    "Å",
    "\u{a0}",
    "\u{85}",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics_and_fmt_is_idempotent(input in text()) {
        if let Ok(parsed) = dockerdsl::parse(&input) {
            let formatted = parsed.dockerfile().to_string();
            let again = dockerdsl::parse(&formatted);
            prop_assert!(again.is_ok(), "{input:?}\n--- formats to text that does not parse:\n{formatted}\n{:?}", again.err());
            let again = again.map(|a| a.dockerfile().to_string()).unwrap_or_default();
            prop_assert_eq!(again, formatted);
        }
    }

    #[test]
    fn any_text_is_read_without_panic(input in "\\PC{0,200}") {
        let _ = dockerdsl::parse(&input);
    }
}

#[test]
fn a_well_formed_file_survives_random_blank_lines_and_comments() {
    let text = "FROM alpine:3.20 AS a\n\n# note\nRUN echo \\\n  # inner\n  hi\n\nCOPY --from=nginx:1.27 /x /y\n";
    let parsed = dockerdsl::parse(text).expect("valid");
    assert_eq!(parsed.instructions().len(), 3);
    assert_eq!(parsed.instructions()[1].line(), 4);
    assert_eq!(parsed.instructions()[1].end_line(), 6);
    assert_eq!(
        parsed.instructions()[1].text(),
        "RUN echo \\\n  # inner\n  hi"
    );
}

#[test]
fn a_flag_that_ends_inside_a_character_is_read_without_panic() {
    // U+1F141 holds the byte 0x85, which BuildKit's byte-wise flag reader takes for a space.
    let errors = dockerdsl::parse("FROM a AS b\nRUN --network=\u{1F141}x true\n");
    assert!(errors.is_err());
}

#[test]
fn parsed_heredocs_are_refused_for_older_builders() {
    let text = "FROM alpine:3.20 AS a\nRUN python3 <<EOF\nprint(1)\nEOF\n\nCOPY <<EOF /x\ny\nEOF\n\nRUN a \\\n  && b\n";
    let parsed = dockerdsl::parse(text).expect("valid");
    let err = parsed.dockerfile().render_compat().expect_err("heredocs");
    assert_eq!(err.problems().len(), 2, "{err}");
    let text = "FROM alpine:3.20 AS a\nRUN a \\\n  # note\n  && b\n";
    let parsed = dockerdsl::parse(text).expect("valid");
    assert_eq!(
        parsed
            .dockerfile()
            .render_compat()
            .expect("continuations are old"),
        "FROM alpine:3.20 AS a\nRUN a \\\n  # note\n  && b\n"
    );
}
