//! `check`, `fmt` and the syntax layer against BuildKit's own build checks: `bklint`
//! (`../shared/tools/bin/bklint`, BuildKit's `dockerfile2llb.DockerfileLint` run offline, the
//! function behind `docker build --check`), on every corpus file and on the mutants
//! `common::mutate` makes of the files BuildKit accepts (each mutation one hand edit aimed at
//! one check or one edge of what BuildKit accepts; written to a temporary folder, never
//! committed), and on the graph-aimed variants `common::mutate::graph_variants` makes of them
//! (how a `FROM` or a reference resolves).
//!
//! For every file: BuildKit accepts it exactly when `check`, `fmt` and `syntax::read` do, and
//! on an accepted file `check`'s BuildKit findings equal bklint's warnings (rule, line and
//! message). `fmt` gives text that `fmt` leaves as it is. The typed lowering (`parse`, what
//! `import` and the JSON form read through) reads an accepted file into a model whose JSON
//! form reads back to the same Dockerfile, or refuses it naming only model limits, each
//! with its line; a refused file it refuses for at least one of BuildKit's reasons. Every difference is listed in
//! `DIFFERENCES` with the reason; the test fails on one that is not listed, or a listed one
//! that is gone.
//!
//! Needs bklint (`DOCKERDSL_BKLINT`, set by `.ci/run`) and the corpus (`DOCKERDSL_CORPUS`);
//! skipped without them, except under `CI=true`, where bklint is required.

use crate::common;
use common::bklint::{Verdict, bklint, buildkit_findings, run_bklint, settle_suggestion_ties};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// (file, what differs, why). None may be added without a reason a reviewer accepts.
const DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "edge-check-comment-before-args-of-a-line",
        r##"parse changes BuildKit's findings: [] [("SecretsUsedInArgOrEnv", "Do not use ARG or ENV instructions for sensitive data (ARG \"AWS_SECRET_KEY\")")] (fails: None) became [] [("SecretsUsedInArgOrEnv", "Do not use ARG or ENV instructions for sensitive data (ARG \"AWS_SECRET_KEY\")"), ("SecretsUsedInArgOrEnv", "Do not use ARG or ENV instructions for sensitive data (ARG \"DB_PASSWORD\")")] (fails: None)"##,
        ARG_LINE,
    ),
    (
        "edge-definition-descriptions",
        r##"parse changes BuildKit's findings: [("StageNameCasing", "Stage name 'Build2' should be lowercase")] [("InvalidDefinitionDescription", "Comment for ARG should follow the format: `# \"X\" <description>`"), ("InvalidDefinitionDescription", "Comment for ARG should follow the format: `# Z <description>`"), ("InvalidDefinitionDescription", "Comment for FROM should follow the format: `# build <description>`"), ("InvalidDefinitionDescription", "Comment for FROM should follow the format: `# build2 <description>`")] (fails: None) became [] [("InvalidDefinitionDescription", "Comment for ARG should follow the format: `# Z <description>`"), ("InvalidDefinitionDescription", "Comment for FROM should follow the format: `# build <description>`"), ("InvalidDefinitionDescription", "Comment for FROM should follow the format: `# build2 <description>`")] (fails: None)"##,
        QUOTED_ARG_NAME,
    ),
    (
        "edge-description-before-args-of-a-line",
        r##"parse changes BuildKit's findings: [] [("InvalidDefinitionDescription", "Comment for ARG should follow the format: `# <arg_key> <description>`")] (fails: None) became [] [("InvalidDefinitionDescription", "Comment for ARG should follow the format: `# C <description>`")] (fails: None)"##,
        ARG_LINE,
    ),
    (
        "edge-definition-descriptions",
        r##"fmt changes BuildKit's findings: [("StageNameCasing", "Stage name 'Build2' should be lowercase")] [("InvalidDefinitionDescription", "Comment for ARG should follow the format: `# \"X\" <description>`"), ("InvalidDefinitionDescription", "Comment for ARG should follow the format: `# Z <description>`"), ("InvalidDefinitionDescription", "Comment for FROM should follow the format: `# build <description>`"), ("InvalidDefinitionDescription", "Comment for FROM should follow the format: `# build2 <description>`")] (fails: None) became [] [("InvalidDefinitionDescription", "Comment for ARG should follow the format: `# Z <description>`"), ("InvalidDefinitionDescription", "Comment for FROM should follow the format: `# build <description>`"), ("InvalidDefinitionDescription", "Comment for FROM should follow the format: `# build2 <description>`")] (fails: None)"##,
        QUOTED_ARG_NAME,
    ),
    (
        "edge-heredoc-blank-only-marker",
        "fmt changes the meaning: instruction 2: ('run', 'shell', '<< EOF', ([], None, None)) != ('run', 'script', 'echo hi\\n', ([], None, None))",
        OLD_LEXER,
    ),
    (
        "edge-heredoc-blank-only-marker",
        "parse changes the meaning: instruction 2: ('run', 'shell', '<< EOF', ([], None, None)) != ('run', 'script', 'echo hi\\n', ([], None, None))",
        OLD_LEXER,
    ),
];

/// Why `fmt` (and the model `parse` reads, rendered) changes a finding of BuildKit's
/// experimental InvalidDefinitionDescription on `# X y` / `ARG "X"=1`: the model holds the
/// name BuildKit builds with, `X`, written without quotes, where the check compared the name
/// as written, quotes and all (so the finding is settled, as those of [`HOW_WRITTEN`] are).
const QUOTED_ARG_NAME: &str =
    "an ARG's name is written unquoted; BuildKit's description check reads the quotes";

/// Why the model `parse` reads, rendered, changes a finding on a comment right before an
/// `ARG` of several names: the model holds an `ARG` a name, rendered a line each, and the
/// comments before the line (a `# check=` comment, a description) go before the first
/// (`fmt` keeps the line whole).
const ARG_LINE: &str =
    "the model holds one name an ARG; comments before `ARG A B` go before the first line";

/// What a difference the meaning check finds says (after `fmt` or `parse`).
const MEANING: &str = "changes the meaning";

/// Why the meaning check (the PyPI `dockerfile` parser, its newest release 3.4.0) differs
/// from bklint on `RUN << EOF`: that parser predates BuildKit's March 2025 lexer, so it
/// reads the body lines as instructions, where BuildKit (and bklint) read a heredoc, which
/// `fmt` writes `RUN <<EOF`.
const OLD_LEXER: &str = "the oracle's parser predates BuildKit's heredoc lexer of March 2025";

/// (name, file): one edge each of how BuildKit resolves a `FROM` word or a reference, or
/// reads a heredoc marker; the test asks bklint for each verdict.
const EDGES: &[(&str, &str)] = &[
    // `--from=0` is the first `builder`; the name alone is the last one.
    (
        "copy-from-index-of-a-duplicate-name",
        "FROM alpine:3.20 AS builder\nRUN echo 1 > /x\nFROM alpine:3.20 AS builder\nRUN echo 2 > /x\nFROM scratch\nCOPY --from=0 /x /x\n",
    ),
    // The same, the name's last stage after the reference: by name, BuildKit refuses it.
    (
        "copy-from-index-of-a-name-used-later",
        "FROM alpine:3.20 AS builder\nRUN echo 1 > /x\nFROM scratch AS app\nCOPY --from=0 /x /x\nFROM alpine:3.20 AS builder\n",
    ),
    // A base that no argument makes readable (an unterminated quote), or whose value has a
    // `$` that is no variable: BuildKit refuses them whatever `--build-arg` sets.
    (
        "from-unterminated-quote-with-arg",
        "ARG V=3.20\nFROM al'i:${V}\n",
    ),
    ("from-literal-dollar-quoted", "FROM 'alpine$'\n"),
    ("from-literal-dollar-escaped", "FROM \"alpine:\\$X\"\n"),
    (
        "from-literal-dollar-in-a-later-stage",
        "ARG V=1\nFROM alpine:3.20 AS b\nFROM 'b$'${V}\n",
    ),
    // Quotes or an escape end a variable's name: `$V` then `0`, not `$V0`.
    (
        "from-variable-ended-by-quotes",
        "ARG V=3.2\nFROM \"alpine:$V\"0\n",
    ),
    (
        "from-variable-ended-by-an-escape",
        "ARG V=3.2\nFROM alpine:$V\\0\n",
    ),
    // A name of digits runs on into digits: `$1` then `0`, not `$10`.
    (
        "from-digit-variable-ended-by-an-escape",
        "FROM alpine:3$1\\0\n",
    ),
    // BuildKit takes `--` off a flag and no more dashes: `---from` is unknown.
    (
        "flag-with-three-dashes",
        "FROM alpine:3.20\nCOPY ---from=x a b\n",
    ),
    // Images named like the names an unnamed stage is given when it is written out.
    (
        "unnamed-stage-names-taken-by-images",
        "FROM alpine:3.20\nRUN echo 1 > /x\nFROM stage-0\nCOPY --from=stage-0 /x /y\nFROM alpine:3.20\nCOPY --from=stage-1 /x /z\n",
    ),
    (
        "unnamed-stage-name-taken-by-an-arg-base",
        "ARG BASE=stage-0\nFROM alpine:3.20\nFROM ${BASE}\n",
    ),
    (
        "mount-from-number",
        "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\nRUN --mount=from=1,target=/x true\n",
    ),
    (
        "onbuild-copy-from-later",
        "FROM alpine:3.20 AS a\nONBUILD COPY --from=later /a /a\nFROM alpine:3.20 AS later\n",
    ),
    (
        "onbuild-copy-from-later-built",
        "FROM alpine:3.20 AS a\nONBUILD COPY --from=c /a /a\nFROM a AS b\nFROM alpine:3.20 AS c\nCOPY --from=b /a /a\n",
    ),
    (
        "from-stage-upper-case",
        "FROM alpine:3.20 AS builder\nFROM Builder\n",
    ),
    // Whether some value of the build arguments makes a reference (or an earlier stage's
    // name) of a base: BuildKit refuses the word whatever they hold when none does.
    (
        "from-never-a-reference-upper-case-path",
        "ARG REG=r.io\nFROM ${REG}/App:1\n",
    ),
    (
        "from-never-a-reference-two-colons",
        "ARG V=1\nFROM lAine::${V}\n",
    ),
    (
        "from-never-a-reference-ends-with-slash",
        "ARG V=a\nFROM ${V}/\n",
    ),
    (
        "from-a-port-from-the-argument",
        "ARG GO=1.22\nFROM golang:${GO}:alpine\n",
    ),
    (
        "from-ipv6-from-the-argument",
        "ARG H=[\nFROM ${H}::1]/foo\n",
    ),
    ("from-upper-case-registry", "FROM Registry/app:1\n"),
    ("from-brackets-without-colon", "FROM [a]/app\n"),
    ("from-brackets-upper-case", "FROM [A]/app\n"),
    ("from-brackets-port", "FROM [a]:5000/app\n"),
    (
        "from-stage-name-from-an-argument",
        "ARG S=_\nFROM alpine:3.20 AS b_._\nFROM b_.${S}\n",
    ),
    (
        "from-stage-name-from-an-argument-is-not-one",
        "ARG S=x\nFROM alpine:3.20 AS b_._\nFROM b_.${S}\n",
    ),
    // InvalidDefaultArgInFrom reads every base as a reference, a stage's name too.
    (
        "from-stage-name-no-reference",
        "FROM alpine:3.20 AS b_._\nFROM b_._\n",
    ),
    (
        "from-scratch-from-an-argument",
        "ARG B=scratch\nFROM ${B}\n",
    ),
    // A quote that ends a variable's name: `"$a2"g` is `$a2` and `g`, never `$a2g`.
    (
        "quote-ends-a-variable-name",
        "FROM alpine:3.20\nARG a2=x\nARG a3=\"bar-$a2\"g\nENV E=\"$a2\"_y\nLABEL l=\"$a2\"z\nWORKDIR /\"$a2\"w\nRUN echo $a3 $E\n",
    ),
    // NoEmptyContinuation names the last line BuildKit's parser read for the logical line:
    // the end of the file, when the continuation runs into it.
    (
        "empty-continuation-at-the-end",
        "FROM alpine:3.20\nRUN echo hi \\\n \n\n",
    ),
    (
        "empty-continuation-last-line",
        "FROM alpine:3.20\nRUN echo hi \\\n\n",
    ),
    (
        "empty-continuation-crlf",
        "FROM alpine:3.20\r\nRUN echo hi \\\r\n \n\n",
    ),
    (
        "empty-continuation-then-comment",
        "FROM alpine:3.20\nRUN a \\\n\n# c\n",
    ),
    (
        "empty-continuation-before-heredoc",
        "FROM alpine:3.20\nRUN <<EOF cat \\\n\n  -\nhi\nEOF\n",
    ),
    // WorkdirRelativePath reads the path expanded: an unset variable is empty.
    (
        "workdir-relative-expanded",
        "FROM alpine:3.20\nWORKDIR a$NOPE/b\nFROM alpine:3.20\nWORKDIR $NOPE/b\nFROM alpine:3.20\nENV X=/y\nWORKDIR $X/b\nFROM alpine:3.20\nWORKDIR ${NOPE:-/d}/b\n",
    ),
    // An argument a stage declares without a default takes the global one's value, and
    // is in the environment UndefinedVar suggests from.
    (
        "undefined-var-suggests-inherited-argument",
        "ARG a2=x\nFROM alpine:3.20\nARG a2\nENV b=$a\nARG TARGETARCH\nENV c=$TARGETARC\n",
    ),
    // A string flag given empty (a template that substituted nothing) is unset to
    // BuildKit; a bool flag, `--network` and `--security` given empty are refused.
    (
        "empty-string-flags",
        "FROM alpine:3.20 AS b\nFROM --platform= alpine:3.20\nCOPY --from= --chown= --chmod= a /b\nADD --checksum= https://example.com/a /b\nRUN --mount=type=bind,from=,target=/x true\nHEALTHCHECK --interval= --timeout= --start-period= --start-interval= --retries= CMD true\n",
    ),
    ("empty-bool-flag", "FROM alpine:3.20\nCOPY --link= a /b\n"),
    (
        "empty-network-flag",
        "FROM alpine:3.20\nRUN --network= true\n",
    ),
    (
        "empty-from-then-from",
        "FROM alpine:3.20 AS b\nFROM alpine:3.20\nCOPY --from= --from=b a /b\n",
    ),
    // RUN, CMD and ENTRYPOINT with no command are read; HEALTHCHECK CMD's is refused.
    (
        "empty-commands",
        "FROM alpine:3.20\nRUN \nCMD\nENTRYPOINT \n",
    ),
    (
        "empty-healthcheck-command",
        "FROM alpine:3.20\nHEALTHCHECK CMD\n",
    ),
    // Commands that end with the escape character, a vertical tab after it: BuildKit trims
    // the tab but does not count it before a line end, so the line does not continue. `fmt`
    // ends each with a vertical tab too (a canonical `RUN echo \` would continue).
    (
        "commands-ending-with-escape-before-vertical-tab",
        "FROM alpine:3.20\nRUN echo \\\x0b\nRUN --mount=type=cache,target=/a cat <<EOF \\\x0b\nhi\nEOF\nRUN a \\\n# c\n  b \\\x0c\nCMD echo \\\x0b\nENTRYPOINT e \\\u{a0}\nHEALTHCHECK CMD true \\\x0b\nONBUILD RUN e \\\x0b\n",
    ),
    // A `$` before a quote or the escape character is text to BuildKit; the model keeps it
    // where it stays text once the quote is taken off (the end of the word, before `/`, an
    // escaped quote) and as the second `$` of `$$`.
    (
        "dollar-before-quote-kept-as-text",
        "FROM alpine:3.20\nWORKDIR \"/a b$\"\nENV A=\"x$\" B=\"$\\\"\" C=a$\"/b\" D=\"y$$\"\nLABEL l=\"x $\"\n",
    ),
    // BuildKit quotes a word in its messages with Go's `%q`: C escapes, `\u` for what Go
    // does not print (a C1 control, a no-break space, a zero-width space).
    (
        "workdir-relative-with-unprintable-characters",
        "FROM alpine:3.20\nWORKDIR a\x08b\x07c\u{85}d\u{a0}e\u{200b}f\u{ad}g\n",
    ),
    // A URL is a Git repository when its path ends in `.git`, not its host: this one is a
    // download, whose checksum must be a digest.
    (
        "add-checksum-url-host-ending-in-git",
        "FROM alpine:3.20\nADD --checksum=be1f38e https://github.it.git#v0.10.1 /bk\n",
    ),
    (
        "add-checksum-url-path-ending-in-git",
        "FROM alpine:3.20\nADD --checksum=be1f38e https://h.example/r%2Egit#v0.10.1 /bk\n",
    ),
    // A command over two lines that starts with a JSON array: BuildKit runs it in a shell
    // (the model refuses it, older frontends ran the array), `fmt` keeps its lines.
    (
        "lines-starting-with-json-array",
        "FROM alpine:3.20\nRUN [\"a\"] \\\n  && b\n",
    ),
    // A command that starts with `#` after two flags: `fmt` keeps it on the flags' line,
    // where a continuation line of its own would be a comment BuildKit drops.
    (
        "run-comment-command-after-flags",
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/a --mount=type=cache,target=/b # note\nRUN true\n",
    ),
    (
        "run-comment-command-with-heredoc-after-flags",
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/a --mount=type=cache,target=/b # note <<EOT\n  echo hi\nEOT\nRUN true\n",
    ),
    // RUN with flags and no command: `fmt` writes no blank continuation line after the
    // flags, which would join the next instruction on.
    (
        "run-flags-without-command",
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/a --mount=type=cache,target=/b\nCOPY a /b\nRUN --mount=type=cache,target=/a\nRUN\n",
    ),
    // ENV and ARG kept as written (a literal `$`) still set their names for UndefinedVar,
    // in their stage and the stages built on it.
    (
        "undefined-var-after-as-written-env",
        "ARG G=1\nFROM alpine:3.20 AS a\nENV GREETING='cost: $5' OTHER=x\nARG G V='$x'\nENV E1 'cost $5'\nWORKDIR /$GREETING\nLABEL a=$OTHER b=$G c=$V d=$E1 e=$NOPE\nFROM a\nLABEL f=$E1\n",
    ),
    // UndefinedVar in instructions kept as written: what BuildKit expands in them.
    (
        "undefined-var-in-as-written-instructions",
        "FROM alpine:3.20\nENV A='$5' B=$NOPE1\nCOPY <<EOF /a ${nae}!\nhi\nEOF\nLABEL x='$y' z=$A\nEXPOSE 127.0.0.1:$P:80\nARG Q='$x' R=$NOPE2\n",
    ),
    ("from-undeclared-tag", "FROM alpine:${UNSET}\n"),
    ("from-declared-tag", "ARG UNSET\nFROM alpine:${UNSET}\n"),
    ("from-blank", "ARG E=\nFROM ${E}\n"),
    ("from-undeclared-blank", "FROM ${E}\n"),
    (
        "platform-undeclared",
        "FROM --platform=$UNSET alpine:3.20\n",
    ),
    (
        "scratch-stage-mount",
        "FROM alpine:3.20 AS scratch\nRUN --mount=type=secret,id=x true\n",
    ),
    (
        "scratch-stage-tmpfs",
        "FROM alpine:3.20 AS scratch\nRUN --mount=type=tmpfs,target=/t true\n",
    ),
    (
        "scratch-stage-later",
        "FROM alpine:3.20 AS a\nRUN --mount=type=secret,id=x true\nFROM alpine:3.20 AS scratch\n",
    ),
    (
        "from-os-version",
        "FROM alpine:${TARGETOSVERSION:-3.20}\nARG TARGETSTAGE\nRUN echo $TARGETSTAGE\n",
    ),
    (
        "from-arg-stage-env",
        "ARG G=base\nFROM alpine:3.20 AS base\nENV KIND=cache\nFROM ${G} AS app\nRUN --mount=type=$KIND,target=/c true\n",
    ),
    (
        "from-arg-other-stage-env",
        "ARG G=other\nFROM alpine:3.20 AS base\nENV KIND=cache\nFROM alpine:3.20 AS other\nFROM ${G} AS app\nRUN --mount=type=$KIND,target=/c true\n",
    ),
    (
        "mount-at-root",
        "FROM alpine:3.20\nRUN --mount=target=/ true\n",
    ),
    (
        "mount-at-workdir-root",
        "FROM alpine:3.20\nWORKDIR /src\nWORKDIR ..\nRUN --mount=type=cache,target=. true\n",
    ),
    (
        "mount-at-scratch-root",
        "FROM scratch\nRUN --mount=target=./a/.. true\n",
    ),
    (
        "mount-double-slash",
        "FROM alpine:3.20\nRUN --mount=type=cache,target=// true\n",
    ),
    // Since the frontend of March 2025, BuildKit's lexer keeps the blanks after `<<` in
    // the word (`<< EOF` is a marker), but not after `<<-`, nor after `<<` inside a word.
    (
        "heredoc-blank-after-marker",
        "FROM alpine:3.20\nRUN cat << EOF\nhello\nEOF\n",
    ),
    (
        "heredoc-blank-only-marker",
        "FROM alpine:3.20\nRUN << EOF\necho hi\nEOF\n",
    ),
    (
        "heredoc-tab-descriptor",
        "FROM alpine:3.20\nRUN 2<<\tEOF cat\nhello\nEOF\n",
    ),
    (
        "heredoc-blank-after-chomp",
        "FROM alpine:3.20\nRUN cat <<- EOF\nhello\nEOF\n",
    ),
    (
        "heredoc-blank-glued",
        "FROM alpine:3.20\nRUN cat<< EOF\nhello\nEOF\n",
    ),
    (
        "heredoc-blank-copy",
        "FROM alpine:3.20\nCOPY << EOF /x\nhello\nEOF\n",
    ),
    ("heredoc-here-string", "FROM alpine:3.20\nRUN cat <<< EOF\n"),
    // A registry host may be an IPv6 address in brackets (distribution's reference grammar).
    (
        "from-ipv6-registry",
        "FROM [::1]:5000/foo:1\nFROM [2001:db8::1]/org/app\n",
    ),
    ("from-ipv6-registry-bad", "FROM [::g]:5000/foo:1\n"),
    // BuildKit takes every `\r` off a line's end (`trimNewline`), not only a `\r\n`'s: the
    // escape before them still continues the line, and the terminator still ends the
    // heredoc, whose body keeps its `\r`s.
    (
        "crs-before-a-continuation",
        "FROM alpine:3.20\nLABEL a=b \\\r\r\n  c=d\nEXPOSE 80 \\\r\r\r\n  81\r\r\n",
    ),
    (
        "crs-after-a-heredoc-terminator",
        "FROM alpine:3.20\r\r\nRUN cat <<EOF\r\r\nhello\r\r\nEOF\r\r\n",
    ),
    // `EXPOSE` as BuildKit reads a port: odd forms it takes, and three it refuses.
    (
        "expose-odd-ports",
        "FROM alpine:3.20\nEXPOSE +80 80-80 0 08 80/TCP 80/ 80-90:80 [::1]:80:80 1.2.3.4::80\n",
    ),
    (
        "expose-unknown-protocol",
        "FROM alpine:3.20\nEXPOSE 80/tcpx\n",
    ),
    (
        "expose-backwards-range",
        "FROM alpine:3.20\nEXPOSE 8000-8\n",
    ),
    // Names BuildKit builds and `$NAME` cannot refer to (a model limit), and blank ones,
    // which it refuses; `ADD --checksum` of a local file, of no path, and of a bad digest.
    (
        "names-of-any-shape",
        "ARG XX_{VERSION=1 0\nFROM alpine:3.20\nENV 0=x a-b=1 +c=2\nARG 0\nLABEL +ey=c\n",
    ),
    ("blank-env-name", "FROM alpine:3.20\nENV =x\n"),
    ("blank-arg-name", "FROM alpine:3.20\nARG =x\n"),
    (
        "checksum-of-a-local-file",
        "FROM alpine:3.20\nADD --checksum=sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae ./a.tar /a\n",
    ),
    (
        "checksum-of-a-heredoc",
        "FROM alpine:3.20\nADD --checksum=sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae <<EOF /a\nhi\nEOF\n",
    ),
    (
        "checksum-short-digest",
        "FROM alpine:3.20\nADD --checksum=sha256:2c26b46b https://example.com/a.tar /a\n",
    ),
    (
        "checksum-of-a-git-source",
        "FROM alpine:3.20\nADD --checksum=2c26b46b https://github.com/moby/buildkit.git#v0.10.1 /a\n",
    ),
    // BuildKit expands a `--chmod` and an unquoted heredoc body (quotes as text, `\\$`
    // escaped): each undefined variable there is an UndefinedVar.
    (
        "undefined-variables-in-chmod-and-bodies",
        "FROM alpine:3.20\nARG A\nCOPY --chmod=${MODE} a /a\nCOPY <<EOF /x\n$A $B \\$C '$D' ${E:-x}\nEOF\nCOPY <<\"EOF\" /y\n$F\nEOF\n",
    ),
    // A boolean flag takes `true` or `false` in any case, not Go's `t` or `1`.
    (
        "boolean-flags-in-any-case",
        "FROM alpine:3.20\nCOPY --link=TrUe --parents=FALSE a /x\n",
    ),
    ("boolean-flag-t", "FROM alpine:3.20\nCOPY --link=t a /x\n"),
    // STOPSIGNAL: a Linux signal's name in any case, or a number other than 0.
    (
        "stop-signals-buildkit-takes",
        "FROM alpine:3.20\nSTOPSIGNAL sigterm\nSTOPSIGNAL rtmax-1\nSTOPSIGNAL 99\nSTOPSIGNAL TERM\n",
    ),
    (
        "stop-signal-misspelt",
        "FROM alpine:3.20\nSTOPSIGNAL SIGTEIL\n",
    ),
    ("stop-signal-zero", "FROM alpine:3.20\nSTOPSIGNAL 0\n"),
    // COPY takes no URL and no Git repository (ADD does); `github.com/...` is a path to it.
    (
        "copy-of-a-url",
        "FROM alpine:3.20 AS a\nFROM alpine:3.20\nCOPY --from=a https://example.com/a /b\n",
    ),
    (
        "copy-of-a-git-repository",
        "FROM alpine:3.20\nCOPY git@github.com:moby/buildkit.git /b\n",
    ),
    (
        "copy-of-github-path",
        "FROM alpine:3.20\nCOPY github.com/a/b /b\n",
    ),
    // A substitution BuildKit's lexer cannot read fails the build wherever it expands.
    (
        "bad-substitution-in-env",
        "FROM alpine:3.20\nENV X=\"a${b,c}\"\n",
    ),
    (
        "bad-substitution-in-workdir",
        "FROM alpine:3.20\nWORKDIR /a${}\n",
    ),
    (
        "substitutions-buildkit-reads",
        "FROM alpine:3.20\nARG b=a\nENV X=${b#c} Y=${b%%c} Z=${b/a/c} W=${b:-x}\n",
    ),
    // Variable names as BuildKit's lexer reads them: digits alone, one special character,
    // letters of any script.
    (
        "variable-names-as-the-lexer-reads-them",
        "FROM alpine:3.20\nENV A=$? B=$@ C=$é D=$-x E=$!x F=$* G=$$ H=$44ab\n",
    ),
    ("from-variable-named-by-digits", "FROM $44ab\n"),
    ("from-special-parameter", "FROM a$$b\n"),
    // An image's digest as go-digest reads it: sha256, sha384 or sha512, of its length.
    (
        "from-digest-of-another-algorithm",
        "FROM alpine@sha315:28db6fdf60e38945e43d840c0333aeaec66c15943070104f7586fd3c9d1665b0\n",
    ),
    (
        "from-sha512-digest-too-short",
        "FROM alpine@sha512:28db6fdf60e38945e43d840c0333aeaec66c15943070104f7586fd3c9d1665b0\n",
    ),
    // A continuation with nothing after it but comments and blank lines: BuildKit reads
    // an empty instruction at the end of the file, and refuses it; before `FROM` the
    // escape joins the next line.
    ("continued-into-the-end", "FROM alpine:3.20\n\\\n# c\n\n"),
    ("continued-into-from", "\\\nFROM alpine:3.20\n"),
    // A mount field without a value: only `ro`, `rw` and `required` stand alone.
    (
        "mount-field-without-value",
        "FROM alpine:3.20\nRUN --mount=type true\n",
    ),
    (
        "mount-empty-field",
        "FROM alpine:3.20\nRUN --mount=type=cache,,target=/x true\n",
    ),
    (
        "mount-fields-standing-alone",
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/x,RO --mount=type=secret,id=a,required true\n",
    ),
    // SOURCE_DATE_EPOCH: seconds, `context` or a stage that is `FROM scratch`, its ARGs and
    // one ADD of a URL or a Git repository (BuildKit's `epoch.go`).
    ("sde-seconds", "ARG SOURCE_DATE_EPOCH=-5\nFROM scratch\n"),
    (
        "sde-not-a-time",
        "ARG SOURCE_DATE_EPOCH=abc\nFROM scratch\n",
    ),
    (
        "sde-stage-of-one-download",
        "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nARG V=1\nADD https://example.com/a.tar /\nFROM alpine:3.20\n",
    ),
    (
        "sde-stage-of-a-git-repository",
        "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nADD https://github.com/moby/buildkit.git /\nFROM alpine:3.20\n",
    ),
    (
        "sde-stage-empty",
        "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nFROM alpine:3.20\n",
    ),
    (
        "sde-stage-on-an-image",
        "ARG SOURCE_DATE_EPOCH=src\nFROM alpine:3.20 AS src\nADD https://example.com/a.tar /\nFROM alpine:3.20\n",
    ),
    (
        "sde-stage-of-a-local-file",
        "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nADD ./a.tar /\nFROM alpine:3.20\n",
    ),
    (
        "sde-stage-of-two-adds",
        "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nADD https://a/b /\nADD https://a/c /\nFROM alpine:3.20\n",
    ),
    (
        "sde-stage-with-run",
        "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nRUN true\nFROM alpine:3.20\n",
    ),
    // A base whose fixed start no build argument can mend (`GO` is declared nowhere), and
    // the same base with `GO` declared, which `--build-arg GO=1.23` builds.
    (
        "from-unmendable-start",
        "ARG ALPINE=3.23\nFROM golang:${GO}-alpine${ALPINE}\n",
    ),
    (
        "from-start-an-argument-mends",
        "ARG ALPINE=3.23\nARG GO\nFROM golang:${GO}-alpine${ALPINE}\n",
    ),
    // A `$` before a quote or an escape is text: BuildKit keeps `$"a"` as `$a`, which
    // unquoted would be a variable; fmt keeps such a word as written.
    (
        "dollar-before-a-quote",
        "ARG B=$\\{x} C=$\"a\" D=\"a$\"b\nFROM alpine:3.20\nENV E=$'a'\n",
    ),
    // Quotes inside `${...}`: BuildKit reads them; fmt keeps a value whose unquoted
    // substitution would still hold one as written, and unquotes the others.
    (
        "quotes-inside-substitutions",
        "ARG C=${X:+\"a'd\"}\nFROM ${X:-\"alpine:3.20\"}\nENV D=${C:-\"x y\"}\n",
    ),
    // A heredoc line BuildKit's lexer cannot read has no heredoc: the body lines are
    // instructions.
    (
        "heredoc-line-with-an-open-quote",
        "FROM alpine:3.20\nCOPY <<\"EOF\" /d'x\nEOF\n",
    ),
    (
        "heredoc-line-with-a-bad-substitution",
        "FROM alpine:3.20\nRUN <<EOF echo ${}\nx\nEOF\n",
    ),
    // A global ARG's name keeps its quotes and escapes (`buildMetaArgs`); a stage's has
    // them taken off (`ArgCommand.Expand`).
    ("global-arg-name-escaped", "ARG \\V=3.20\nFROM alpine:$V\n"),
    (
        "arg-names-quoted",
        "ARG \"V\"=3.20\nFROM alpine:3.20\nARG \"W\"=1\nRUN echo $W\n",
    ),
    // An ONBUILD trigger of no instruction fails only in a stage built on its stage.
    (
        "onbuild-unknown-trigger",
        "FROM alpine:3.20\nONBUILD Afoo bar\n",
    ),
    (
        "onbuild-unknown-trigger-run",
        "FROM alpine:3.20 AS base\nONBUILD Afoo bar\nFROM base\nRUN true\n",
    ),
    // A trigger BuildKit reads only where it runs: accepted on its own, refused in a stage
    // built on it; what BuildKit's parser reads at once (`ENV` without a value, a JSON
    // array of non-strings) is refused on its own too.
    (
        "onbuild-malformed-trigger",
        "FROM alpine:3.20\nONBUILD COPY a\nONBUILD RUN --bad x\nONBUILD EXPOSE 99999\nONBUILD COPY --from=$X a b\nONBUILD RUN --mount=type=foo true\n",
    ),
    (
        "onbuild-malformed-trigger-run",
        "FROM alpine:3.20 AS base\nONBUILD COPY a\nFROM base\nRUN true\n",
    ),
    // What validation finds in a trigger (a signal, a variable name) is BuildKit's too, only
    // where the trigger runs.
    (
        "onbuild-trigger-values",
        "FROM alpine:3.20\nONBUILD STOPSIGNAL FOO\nONBUILD ENV =b\n",
    ),
    (
        "onbuild-trigger-values-run",
        "FROM alpine:3.20 AS base\nONBUILD STOPSIGNAL FOO\nFROM base\n",
    ),
    (
        "onbuild-trigger-read-at-once",
        "FROM alpine:3.20\nONBUILD ENV a\n",
    ),
    (
        "onbuild-trigger-json-read-at-once",
        "FROM alpine:3.20\nONBUILD RUN [1]\n",
    ),
    // A mount with two `from=`: the last is the one (the first names no stage here).
    (
        "mount-from-twice",
        "FROM alpine:3.20 AS a\nFROM alpine:3.20\nRUN --mount=type=bind,from=nostage,from=a,target=/x true\n",
    ),
    // A mount's fields are CSV with keys in any case: each of these builds the stage on
    // the unknown trigger, so BuildKit refuses it; a bare quote is BuildKit's CSV error.
    (
        "mount-from-key-case",
        "FROM alpine:3.20 AS a\nONBUILD Afoo bar\nFROM a AS b\nFROM alpine:3.20\nRUN --mount=type=bind,From=b,target=/m true\n",
    ),
    (
        "mount-from-csv-quoted",
        "FROM alpine:3.20 AS a\nONBUILD Afoo bar\nFROM a AS b\nFROM alpine:3.20\nRUN --mount=type=bind,'\"from=b\"',target=/m true\n",
    ),
    (
        "mount-bare-quote",
        "FROM alpine:3.20\nRUN --mount=type=cache,target='/a\"b' true\n",
    ),
    // Text after a JSON array: BuildKit since dockerfile/1.10 reads the shell form (or
    // words), which the oracle scripts follow (`tests/oracle/buildkit_json.py`).
    (
        "json-then-text-copy",
        "FROM alpine:3.20\nCOPY [\"a\", \"b\"]x y\n",
    ),
    (
        "json-then-text-run",
        "FROM alpine:3.20\nRUN [\"echo\", \"hi\"] && echo there\nCMD  [\"a\"]x\nHEALTHCHECK CMD [\"a\"] b\n",
    ),
    // The model's own rules on shell commands: BuildKit runs each of these, so `check`
    // and `fmt` take them, and `fmt` keeps the `--` that ends the flags.
    (
        "command-after-dashes",
        "FROM alpine:3.20\nRUN -- --version\nRUN -- --mount=type=cache,target=/x\n",
    ),
    (
        "command-is-a-comment",
        "FROM alpine:3.20\nRUN # nothing to run\n",
    ),
    // A heredoc with CRLF line ends is a model limit, told after the instruction's own
    // errors: BuildKit refuses this file for the flag.
    (
        "heredoc-crlf-bad-flag",
        "FROM alpine:3.20\nRUN --mo5nt=x <<EOT\n  a \\\r\nEOT\n",
    ),
    // A comment BuildKit drops, with a carriage return the model does not hold.
    (
        "comment-carriage-return",
        "FROM alpine:3.20\nRUN true\n# a\rb\n",
    ),
    // `${NAME?message}` of a variable no ARG declares fails whatever the build arguments.
    (
        "from-required-undeclared",
        "ARG ALPINE_VERSION=3.20\nFROM golang:${G?O_VERSION}-alpine${ALPINE_VERSION}\n",
    ),
    (
        "from-required-declared",
        "ARG G\nARG ALPINE_VERSION=3.20\nFROM golang:${G?O_VERSION}-alpine${ALPINE_VERSION}\n",
    ),
    // `--chmod` is expanded with the stage's variables before BuildKit reads the mode.
    (
        "chmod-through-variables",
        "FROM alpine:3.20\nENV M=755 S=u+x\nCOPY --chmod=$M a /b\nCOPY --chmod=${S} a /c\nARG N\nADD --chmod=6${N}44 a /d\n",
    ),
    (
        "chmod-through-variables-symbolic",
        "FROM alpine:3.20\nARG mode\nCOPY --chmod=${mode}TARGETOS a /b\n",
    ),
    (
        "chmod-through-variables-octal",
        "FROM alpine:3.20\nENV M=99999\nCOPY --chmod=$M a /b\n",
    ),
    (
        "heredoc-as-destination",
        "FROM alpine:3.20\nCOPY /a <<EOF\nhi\nEOF\n",
    ),
    (
        "expose-longer-host-range",
        "FROM alpine:3.20\nEXPOSE 80-81:80-90\n",
    ),
    // A base with an escape inside `${...}` (in a pattern BuildKit takes): the model cannot
    // hold it, so `fmt` keeps the line as written, and the stage it names is still found
    // by the references to it.
    (
        "from-kept-as-written",
        "ARG V=1.2.3\nFROM alpine:3.20\nRUN echo hi > /x\nFROM alpine:${V%\\\\.*} AS a\nRUN true\nFROM a\nFROM alpine:3.20\nCOPY --from=a /x /y\nFROM alpine:${V%\\\\.*}\n",
    ),
    // A pattern BuildKit cannot compile fails whatever the build arguments hold (a suffix's
    // is shown reversed, as BuildKit matches it).
    (
        "from-bad-suffix-pattern",
        "ARG V=1.2.3\nFROM alpine:${V%%\\\\\\.*}\n",
    ),
    (
        "from-bad-prefix-pattern",
        "ARG V=1.2.3\nFROM alpine:${V##\\\\\\.*}\n",
    ),
    // A `# check=` comment right before an instruction skips rules for it alone: the
    // checks on how it is written, and those of an instruction the model keeps as written.
    (
        "check-comment-written-checks",
        "ARG X\n# check=skip=FromAsCasing,StageNameCasing\nFROM alpine:3.20 as Build\n# check=skip=MaintainerDeprecated\nMAINTAINER x\n# check=skip=LegacyKeyValueFormat\nENV A 1\n# check=skip=ExposeProtoCasing\nEXPOSE 80/TCP\nLABEL a 1\nMAINTAINER y\n",
    ),
    (
        "check-comment-kept-as-written",
        "FROM alpine:3.20\n# check=skip=UndefinedVar\nENV A='$5' B=$NOPE\n# check=skip=ExposeInvalidFormat\nEXPOSE 8080:80\nENV C='$5' D=$NOPE\nEXPOSE 8081:81\n",
    ),
    // Five checks run on the whole file, where no such comment applies.
    (
        "check-comment-whole-file-checks",
        "ARG V\nFROM alpine:3.20 AS a\n# check=skip=all\nFROM alpine:3.20 AS a\n# check=skip=all\nFROM alpine:3.20 AS scratch\n# check=skip=all\nFROM alpine:$V\n# check=skip=all\nrun echo a \\\n\n  b\n",
    ),
    // Only the first `check` comment counts, read up to its first space; options BuildKit
    // cannot read skip nothing, nor do the comments above an empty `#`, nor an indented
    // comment (BuildKit drops its first byte, not its indentation).
    (
        "check-comment-first-only",
        "FROM alpine:3.20\n# check=skip=MaintainerDeprecated\n# check=skip=JSONArgsRecommended\nCMD echo\n",
    ),
    (
        "check-comment-value-to-a-space",
        "FROM alpine:3.20\n# check=skip=JSONArgsRecommended because\nCMD echo\n# check= skip = JSONArgsRecommended\nENTRYPOINT echo\n",
    ),
    (
        "check-comment-unreadable",
        "FROM alpine:3.20\n# check=skip=JSONArgsRecommended;error=yes\nCMD echo\n# check=skip=JSONArgsRecommended;foo=1\nENTRYPOINT echo\n# check=Skip=MaintainerDeprecated\nMAINTAINER x\n",
    ),
    (
        "check-comment-after-empty-comment",
        "FROM alpine:3.20\n# check=skip=JSONArgsRecommended\n#\nCMD echo\n# check=skip=MaintainerDeprecated\n\n# other\nMAINTAINER x\n",
    ),
    (
        "check-comment-indented",
        "FROM alpine:3.20\n  # check=skip=JSONArgsRecommended\nCMD echo\n#check=skip=MaintainerDeprecated\nMAINTAINER x\n",
    ),
    // The overridden CMD is reported with the checks of the one that overrides it.
    (
        "check-comment-overriding-instruction",
        "FROM alpine:3.20 AS a\n# check=skip=MultipleInstructionsDisallowed\nCMD [\"a\"]\nCMD [\"b\"]\nFROM alpine:3.20\nCMD [\"a\"]\n# check=skip=MultipleInstructionsDisallowed\nCMD [\"b\"]\n",
    ),
    // BuildKit's experimental InvalidDefinitionDescription: the last comment right before
    // an ARG or a named FROM starts with the name (the stage's in lower case, the ARG's as
    // written); run only where the file or such a comment turns it on, and skipped by no
    // `skip=`, as no experimental rule is.
    (
        "definition-descriptions",
        "# check=experimental=InvalidDefinitionDescription\n# VERSION the version\nARG VERSION=1\n# the build stage\nFROM alpine:3.20 AS build\n# build the app\nFROM alpine:3.20 AS Build2\nARG A B\n# A and B\nARG A B\n# C\nARG C\n# X y\nARG \"X\"=1\n#\nARG Y\n# Z\tz\nARG Z\n",
    ),
    (
        "definition-descriptions-turned-on-by-a-comment",
        "ARG Z\n# check=experimental=InvalidDefinitionDescription\nARG A\n# check=experimental=InvalidDefinitionDescription\n# A the a\nARG A2\n# hi\nARG B\nFROM alpine:3.20\n# check=experimental=InvalidDefinitionDescription;skip=InvalidDefinitionDescription\nARG Q\n",
    ),
    (
        "definition-descriptions-not-skipped",
        "# check=experimental=all;skip=all\n# x\nARG A\nFROM alpine:3.20\n# y\nARG B\n",
    ),
    // Comments before an `ARG` of several names are BuildKit's for each of them (`fmt`
    // keeps such a line whole), and an indented comment keeps its `#` in what BuildKit reads
    // (`fmt` keeps it indented where that matters: a `check=` comment, an empty one, one
    // that names what the next line defines).
    (
        "check-comment-before-args-of-a-line",
        "#\n# check=skip=SecretsUsedInArgOrEnv\nARG GITHUB_TOKEN DB_PASSWORD=x\nFROM alpine:3.20\n# check=skip=SecretsUsedInArgOrEnv\nARG API_TOKEN DB_PASSWORD\nARG AWS_SECRET_KEY\n",
    ),
    (
        "description-before-args-of-a-line",
        "# check=experimental=InvalidDefinitionDescription\nFROM alpine:3.20\n# B the b\n# A the a\nARG A B\n# hi\nARG C D=1\n",
    ),
    (
        "indented-empty-comment-ends-nothing",
        "FROM alpine:3.20\n# check=skip=JSONArgsRecommended\n  #\nCMD echo\nFROM alpine:3.20\n# check=skip=JSONArgsRecommended\n#\nCMD echo\n",
    ),
    (
        "indented-description",
        "# check=experimental=InvalidDefinitionDescription\n  # A the a\nARG A\n\t# build the stage\nFROM alpine:3.20 AS build\n  # other words\nARG B\n  # C\n# D the d\nARG D\n",
    ),
    (
        "indented-check-comment-first-line",
        "#\n  # check=skip=all\nFROM alpine:3.20 AS X\n   # check=skip=JSONArgsRecommended\n\n  # more\nCMD echo\n",
    ),
    // BuildKit's parser reads directives after leading whitespace and stops at a `#!` line;
    // its frontend, which takes the check options and the syntax from them, does neither:
    // an indented `# check=` or `# syntax=` line (and any after it) sets nothing, and one
    // after a shebang sets them.
    (
        "check-directive-indented",
        "  # check=skip=JSONArgsRecommended\nFROM alpine:3.20\nCMD echo\n",
    ),
    (
        "check-directive-after-an-indented-directive",
        "# escape=`\n  # syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nFROM alpine:3.20\nCMD echo\n",
    ),
    (
        "check-directive-after-a-shebang",
        "#!/usr/bin/env -S docker build -f\n# check=skip=JSONArgsRecommended\nFROM alpine:3.20\nCMD echo\nCMD echo 2\n",
    ),
    (
        "syntax-directive-indented",
        " # syntax=docker/dockerfile:1.2\nFROM alpine:3.20\nRUN <<EOF\necho\nEOF\n",
    ),
    // The `# check=` directive: read up to its first space, in at most three options (the
    // last takes the rest), with rule names no rule has taken and ignored; spaces alone
    // are a value (so a second `# check=` is refused).
    (
        "check-directive-value-to-a-space",
        "# check=skip=JSONArgsRecommended because\nFROM alpine:3.20\nCMD echo\n",
    ),
    (
        "check-directive-three-options",
        "# check=error=false;experimental=x;skip=JSONArgsRecommended;skip=MaintainerDeprecated\nFROM alpine:3.20\nCMD echo\nMAINTAINER x\n",
    ),
    (
        "check-directive-unknown-names",
        "# check=skip=all,foo,JSONArgsRecommended\nFROM alpine:3.20\nCMD echo\nMAINTAINER x\n",
    ),
    (
        "check-directive-key-case",
        "# check=Skip=JSONArgsRecommended\nFROM alpine:3.20\nCMD echo\n",
    ),
    (
        "check-directive-only-spaces",
        "# check=  \n# check=skip=JSONArgsRecommended\nFROM alpine:3.20\nCMD echo\n",
    ),
    // A modifier's word holds more references (BuildKit's lexer reads them whole); an
    // undeclared name is one finding however often the word names it.
    (
        "from-nested-reference-registry",
        "ARG REGISTRY=ghcr.io\nARG TAG=1\nFROM ${REGISTRY:+${REGISTRY}/}app:${TAG}\n",
    ),
    (
        "from-nested-reference-unset",
        "ARG REGISTRY\nARG TAG\nFROM ${REGISTRY:+${REGISTRY}/}app:${TAG}\n",
    ),
    (
        "from-nested-reference-undeclared",
        "ARG TAG=1\nFROM ${REG:+${REG}/}app:${TAG}\n",
    ),
    (
        "from-nested-reference-in-a-default",
        "ARG A=x\nFROM app:${A:-${B:-1}}\n",
    ),
    (
        "from-nested-reference-in-the-tag",
        "ARG A=3\nFROM alpine:${A:+${A}.20} AS a\nFROM app${A:+:${A}} AS b\nFROM ${A:-${A:-alpine}}\n",
    ),
    (
        "from-nested-brace-without-reference",
        "ARG A\nFROM app:${A:-{x}}\n",
    ),
    (
        "from-non-ascii-default-unused",
        "ARG T=1\nFROM img:${T:-é}\n",
    ),
    ("from-non-ascii-default-used", "ARG T\nFROM img:${T:-é☃}\n"),
    // Values BuildKit substitutes before it reads them: a default (or a nested reference)
    // is the build's to give, whatever the literal text around the variables.
    (
        "substituted-values-with-defaults",
        "ARG P=linux/amd64\nFROM --platform=${P:-linux/amd64} alpine:3.20\nARG U=app\n\
         ARG S=SIGTERM\nCOPY --chown=${U:-app}:${U} a /b\nUSER ${U:-app}:${U:+${U}}\n\
         STOPSIGNAL ${S:-SIGTERM}\n",
    ),
    (
        "substituted-values-nested",
        "FROM alpine:3.20\nARG U=app\nARG M=755\nARG T=/c\nARG S=SIGTERM\n\
         COPY --chown=${U:-${U}}:${U} --chmod=${M:-${M}} a /b\nUSER ${U:+${U}}\n\
         STOPSIGNAL ${S:-${S}}\nRUN --mount=type=cache,target=${T:-${T}} <<EOF\necho hi\nEOF\n",
    ),
    (
        "substituted-platform-parts",
        "ARG ARCH=amd64\nFROM --platform=linux/${ARCH} alpine:3.20\n",
    ),
    // STOPSIGNAL as BuildKit reads it: expanded with the stage's variables first.
    (
        "stopsignal-default-not-a-signal",
        "FROM alpine:3.20\nARG V=x\nSTOPSIGNAL SIG${V:-TERM}\n",
    ),
    (
        "stopsignal-arg-not-a-signal",
        "FROM alpine:3.20\nARG V=x\nSTOPSIGNAL $V\n",
    ),
    (
        "stopsignal-arg-unset",
        "FROM alpine:3.20\nARG V\nSTOPSIGNAL SIG$V\n",
    ),
    (
        "stopsignal-arg-a-signal",
        "FROM alpine:3.20\nARG V=TERM\nSTOPSIGNAL SIG${V}\n",
    ),
    (
        "stopsignal-env-a-number",
        "FROM alpine:3.20\nENV V=9\nSTOPSIGNAL $V\n",
    ),
    // ADD --checksum likewise: a certain value is checked, an empty one is none.
    (
        "checksum-arg-short",
        "FROM alpine:3.20\nARG C=sha256:abc\nADD --checksum=$C https://example.com/a /a\n",
    ),
    (
        "checksum-default-not-hex",
        "FROM alpine:3.20\nARG V=x\nADD --checksum=sha256:${V:-0} https://example.com/a /a\n",
    ),
    (
        "checksum-arg-a-digest",
        "FROM alpine:3.20\nARG C=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n\
         ADD --checksum=$C https://example.com/a /a\n",
    ),
    (
        "checksum-arg-unset",
        "FROM alpine:3.20\nARG C\nADD --checksum=$C https://example.com/a /a\n",
    ),
    (
        "expose-default-with-a-colon",
        "FROM alpine:3.20\nARG A=1\nARG B=2\nEXPOSE ${A:-${B}}/udp 8${A}\n",
    ),
    (
        "from-undeclared-twice",
        "ARG TAG=1\nFROM app${REG}x${REG}:${TAG}\n",
    ),
    // EXPOSE ports with variables, checked as BuildKit expands them: a host port from a
    // default or an argument, none from an unset one (`:81`), a value of two words, an
    // upper-case protocol from a value, and a port kept as written beside one.
    (
        "expose-arg-host-port",
        "FROM alpine:3.20\nARG A=1\nEXPOSE ${A:-80}:80/udp\n",
    ),
    (
        "expose-unset-host-port",
        "FROM alpine:3.20\nEXPOSE ${A:-80}:80/udp ${A}:81\n",
    ),
    (
        "expose-arg-two-words",
        "FROM alpine:3.20\nARG P=\"80 8080:81\"\nEXPOSE $P\n",
    ),
    (
        "expose-value-protocol-upper",
        "FROM alpine:3.20\nARG P=80/UDP\nENV Q=1:2\nEXPOSE $P $Q\n",
    ),
    (
        "expose-written-beside-arg",
        "FROM alpine:3.20\nARG P=9:1\nEXPOSE 8443:443 $P\n",
    ),
    (
        "expose-inherited-env",
        "FROM alpine:3.20 AS base\nENV P=7:7\nFROM base\nEXPOSE ${P}/tcp\n",
    ),
    // An upper-case protocol after a variable: BuildKit shows the port expanded, in an
    // EXPOSE the model holds, one kept as written, and a quoted word.
    (
        "expose-protocol-upper-after-default",
        "FROM alpine:3.20\nEXPOSE ${A:-80}/UDP\n",
    ),
    (
        "expose-written-protocol-upper-after-variable",
        "FROM alpine:3.20\nEXPOSE 8443:443 ${A:-80}/UDP ${B}:1/TCP\n",
    ),
    (
        "expose-quoted-value-protocol-upper",
        "FROM alpine:3.20\nARG P=80/UDP\nEXPOSE \"${P}\" 90/SCTP\n",
    ),
    // WORKDIR with variables the file gives values: relative or not as expanded.
    (
        "workdir-arg-relative",
        "FROM alpine:3.20\nARG D=app\nWORKDIR $D\n",
    ),
    (
        "workdir-env-absolute",
        "FROM alpine:3.20\nENV D=/app\nWORKDIR $D/x\n",
    ),
    (
        "workdir-inherited-env",
        "FROM alpine:3.20 AS a\nENV D=rel\nFROM a\nWORKDIR ${D}\n",
    ),
    (
        "workdir-global-arg",
        "ARG D=rel\nFROM alpine:3.20\nARG D\nWORKDIR ${D:-/abs}/x\n",
    ),
    // An ARG with a value (its default or the global one) replaces an ENV before it; one
    // without leaves it; an ENV after an ARG replaces it.
    (
        "workdir-arg-over-env",
        "FROM alpine:3.20\nENV D=/abs\nARG D=rel\nWORKDIR $D\n",
    ),
    (
        "workdir-env-kept-by-bare-arg",
        "FROM alpine:3.20\nENV D=rel\nARG D\nWORKDIR $D\n",
    ),
    (
        "workdir-global-arg-over-env",
        "ARG D=rel2\nFROM alpine:3.20\nENV D=rel\nARG D\nWORKDIR $D\n",
    ),
    (
        "workdir-env-over-arg",
        "FROM alpine:3.20\nARG D=rel\nENV D=/abs\nWORKDIR $D\n",
    ),
];

/// Every Dockerfile of the corpus, sorted by name.
fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in ["real/files", "buildkit-tests", "targeted"] {
        let entries = std::fs::read_dir(dir.join(sub)).expect("a corpus folder");
        for e in entries.flatten() {
            let p = e.path();
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !name.ends_with(".jsonl") && !name.ends_with(".tsv") && p.is_file() {
                files.push(p);
            }
        }
    }
    files.sort_by_key(|p| p.file_name().map(|n| n.to_owned()));
    files
}

/// What `fmt` made of each accepted file, or the model `parse` read rendered: (name,
/// original, output), for the meaning check.
type Formatted = Vec<(String, String, String)>;

#[derive(Default)]
struct Counts {
    files: usize,
    accepted: usize,
    refused: usize,
    warnings: usize,
    agreed: usize,
    /// BuildKit's warnings `check` does not report, and `check`'s BuildKit findings that
    /// BuildKit does not report.
    missing: usize,
    extra: usize,
    typos: usize,
    /// Accepted files `parse` reads into the model, and those it refuses for model limits.
    typed: usize,
    limits: usize,
    /// Files BuildKit refuses only for a mount at `/` that `check` accepts: a relative
    /// mount target in a stage whose working directory is its base image's (see
    /// [`IMAGE_WORKDIR`]); confirmed by [`image_workdir`].
    workdir: Vec<(String, String)>,
    /// Files BuildKit refuses only for the value a variable gives a `FROM` word (see
    /// [`common::bklint::BUILD_ARGS`]), which `check` reads: their findings are compared all the same.
    build_args: usize,
    /// `check`'s BuildKit findings on those, past the point where BuildKit stops.
    past_stop: usize,
}

/// BuildKit's error for a bind, cache or tmpfs mount whose target, joined to the working
/// directory, is `/`. Where that directory is a base image's own (no `WORKDIR` in the file
/// before), BuildKit's verdict depends on the image's config, outside the file: offline,
/// bklint takes `/` and refuses `RUN --mount=target=. ...`; a real build on `golang`
/// (`WORKDIR /go`) runs it. The reader refuses it only when the file sets the directory
/// (or the stage is built on `scratch`), and does not refuse a file an image could make
/// build.
const IMAGE_WORKDIR: &str = "invalid mount target \"/\"";

/// Compares one file; pushes each difference.
fn compare(
    name: &str,
    text: &str,
    verdict: &Verdict,
    counts: &mut Counts,
    differences: &mut BTreeSet<(String, String)>,
    formatted_files: &mut Formatted,
    rendered: &mut Formatted,
) {
    counts.files += 1;
    let checked = dockerdsl::check(text);
    let formatted = dockerdsl::format(text);
    let read = dockerdsl::syntax::read(text);
    let typed = dockerdsl::parse(text);
    // `# check=error=true`: BuildKit fails the build on its own warnings. The file is read
    // all the same, and the warnings are the ones to compare.
    let lint_error = verdict
        .error
        .as_deref()
        .is_some_and(|e| e.starts_with("lint violation found for rules: "));
    let by_build_args = common::bklint::refused_for_build_args(verdict);
    if let (true, Ok(lints)) = (by_build_args, &checked) {
        // BuildKit stops at the error, before it lints the instructions: each of its
        // warnings must be `check`'s; `check`'s findings past the stop are not BuildKit's
        // to compare (counted).
        counts.build_args += 1;
        counts.warnings += verdict.warnings.len();
        let ours = settle_suggestion_ties(buildkit_findings(lints), &verdict.warnings);
        counts.agreed += ours.intersection(&verdict.warnings).count();
        counts.missing += verdict.warnings.difference(&ours).count();
        counts.past_stop += ours.difference(&verdict.warnings).count();
        for (line, rule, message) in verdict.warnings.difference(&ours) {
            differences.insert((name.to_owned(), format!("missing {line}:{rule}: {message}")));
        }
        return;
    }
    if verdict.error.as_deref() == Some(IMAGE_WORKDIR) && checked.is_ok() {
        counts.workdir.push((name.to_owned(), text.to_owned()));
        return;
    }
    if verdict.error.is_some() && !lint_error {
        if checked.is_ok() && formatted.is_ok() {
            differences.insert((
                name.to_owned(),
                format!(
                    "accepted, BuildKit refuses: {}",
                    verdict.error.as_deref().unwrap_or_default()
                ),
            ));
        } else if checked.is_ok() || formatted.is_ok() {
            differences.insert((name.to_owned(), "check and fmt disagree".into()));
        } else {
            counts.refused += 1;
        }
        match &typed {
            Ok(_) => {
                differences.insert((name.to_owned(), "parse accepts it".into()));
            }
            Err(e) if e.diagnostics().iter().all(|d| d.is_model_limit()) => {
                differences.insert((
                    name.to_owned(),
                    format!("parse names only model limits: {e}"),
                ));
            }
            Err(_) => {}
        }
        return;
    }
    lowered(name, text, typed, counts, differences, rendered);
    counts.accepted += 1;
    counts.warnings += verdict.warnings.len();
    if let Err(e) = &read {
        differences.insert((name.to_owned(), format!("syntax::read refuses: {e}")));
    }
    // Every instruction is read: into the model, or kept as written (a FROM was once
    // dropped, and `fmt` lost it).
    if let (Ok(tree), Ok(faithful)) = (&read, dockerdsl::parse_faithfully(text)) {
        let (all, kept) = (tree.instructions().count(), faithful.instructions().len());
        if kept != all {
            differences.insert((
                name.to_owned(),
                format!("check reads {kept} of {all} instructions"),
            ));
        }
    }
    let lints = match checked {
        Ok(l) => l,
        Err(e) => {
            differences.insert((name.to_owned(), format!("check refuses: {e}")));
            return;
        }
    };
    match formatted {
        Ok(f) => match dockerdsl::format(&f) {
            Ok(again) if again == f => {
                formatted_files.push((name.to_owned(), text.to_owned(), f));
            }
            Ok(_) => {
                differences.insert((name.to_owned(), "fmt is not idempotent".into()));
            }
            Err(e) => {
                differences.insert((name.to_owned(), format!("fmt's output is refused: {e}")));
            }
        },
        Err(e) => {
            differences.insert((name.to_owned(), format!("fmt refuses: {e}")));
        }
    }
    findings(name, &lints, verdict, counts, differences);
}

/// `check`'s BuildKit findings against bklint's warnings.
fn findings(
    name: &str,
    lints: &[dockerdsl::Lint],
    verdict: &Verdict,
    counts: &mut Counts,
    differences: &mut BTreeSet<(String, String)>,
) {
    counts.typos += lints
        .iter()
        .filter(|l| l.rule() == dockerdsl::Rule::StageNameTypo)
        .count();
    let ours = settle_suggestion_ties(buildkit_findings(lints), &verdict.warnings);
    counts.agreed += ours.intersection(&verdict.warnings).count();
    counts.missing += verdict.warnings.difference(&ours).count();
    counts.extra += ours.difference(&verdict.warnings).count();
    for (line, rule, message) in verdict.warnings.difference(&ours) {
        differences.insert((name.to_owned(), format!("missing {line}:{rule}: {message}")));
    }
    for (line, rule, message) in ours.difference(&verdict.warnings) {
        differences.insert((name.to_owned(), format!("extra {line}:{rule}: {message}")));
    }
}

/// The typed lowering of a file BuildKit accepts: a model whose JSON form reads back to the
/// same Dockerfile, or model limits only, each with its line.
fn lowered(
    name: &str,
    text: &str,
    typed: Result<dockerdsl::Parsed, dockerdsl::ParseErrors>,
    counts: &mut Counts,
    differences: &mut BTreeSet<(String, String)>,
    rendered: &mut Formatted,
) {
    match typed {
        Ok(parsed) => {
            counts.typed += 1;
            let as_written = parsed
                .instructions()
                .iter()
                .filter(|i| *i.position() == dockerdsl::Position::AsWritten)
                .count();
            if as_written > 0 {
                differences.insert((
                    name.to_owned(),
                    format!("parse accepts it leaving {as_written} instructions out of the model"),
                ));
            }
            let df = parsed.dockerfile();
            rendered.push((name.to_owned(), text.to_owned(), df.to_string()));
            let json = serde_json::to_string(df).expect("a Dockerfile serializes");
            match dockerdsl::Dockerfile::from_json(&json) {
                Ok(back) if back.to_string() == df.to_string() => {}
                Ok(_) => {
                    differences.insert((name.to_owned(), "JSON reads back differently".into()));
                }
                Err(e) => {
                    differences.insert((name.to_owned(), format!("JSON does not read back: {e}")));
                }
            }
        }
        Err(e) => {
            counts.limits += 1;
            for d in e.diagnostics() {
                if !d.is_model_limit() || d.line().is_none() {
                    differences.insert((
                        name.to_owned(),
                        format!("parse refuses for more than a model limit: {d}"),
                    ));
                }
            }
        }
    }
}

/// The files of `c.workdir`, each with `WORKDIR /x` after every `FROM`: BuildKit must build
/// them (its refusal came from the working directory the file leaves to the base image),
/// else the file is a difference.
/// [`compare`] on each of `files` (name, text), written to the temporary folder `folder`
/// for bklint's verdicts, then [`image_workdir`]: one set's account.
fn compare_texts(
    bin: &Path,
    folder: &str,
    files: &[(String, String)],
    differences: &mut BTreeSet<(String, String)>,
    formatted: &mut Formatted,
    rendered: &mut Formatted,
) -> Counts {
    let texts: Vec<String> = files.iter().map(|(_, t)| t.clone()).collect();
    let verdicts = common::bklint::run_texts(bin, folder, &texts);
    let mut counts = Counts::default();
    for ((name, text), verdict) in files.iter().zip(&verdicts) {
        compare(
            name,
            text,
            verdict,
            &mut counts,
            differences,
            formatted,
            rendered,
        );
    }
    image_workdir(bin, &counts, differences);
    counts
}

fn image_workdir(bin: &Path, c: &Counts, differences: &mut BTreeSet<(String, String)>) {
    let texts: Vec<String> = c
        .workdir
        .iter()
        .map(|(_, text)| {
            let mut out = String::new();
            for line in text.split_inclusive('\n') {
                out.push_str(line);
                let t = line.trim();
                let from =
                    t.len() > 5 && t[..5].eq_ignore_ascii_case("from ") && !t.ends_with('\\');
                if from {
                    if !line.ends_with('\n') {
                        out.push('\n');
                    }
                    out.push_str("WORKDIR /x\n");
                }
            }
            out
        })
        .collect();
    let verdicts = common::bklint::run_texts(bin, "bklint-workdir", &texts);
    for ((name, _), verdict) in c.workdir.iter().zip(&verdicts) {
        // The file's own `# check=error=true` fails it on a warning: built all the same.
        let refused = verdict
            .error
            .as_ref()
            .filter(|e| !e.starts_with("lint violation found for rules: "));
        if let Some(e) = refused {
            differences.insert((
                name.clone(),
                format!("accepted, BuildKit refuses: {IMAGE_WORKDIR}, and with a WORKDIR: {e}"),
            ));
        }
    }
}

/// The variable naming a folder of more files to compare with bklint (see the test).
const MORE_VAR: &str = "DOCKERDSL_BKLINT_MORE";

/// The UTF-8 files of `dir` (BuildKit reads other bytes too, but `check` takes text),
/// sorted by name, each named after its file.
fn more_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{MORE_VAR}={}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let text = std::fs::read_to_string(&path).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some((format!("more-{name}"), text))
        })
        .collect();
    files.sort();
    files
}

fn report(what: &str, c: &Counts) {
    common::say(&format!(
        "bklint, {what}: {} files, {} accepted, {} refused as BuildKit refuses them; \
         {} BuildKit warnings, {} reproduced (same rule, line, message), {} missing, {} extra; \
         {} StageNameTypo findings; parse (import, JSON): {} read into the model, {} refused \
         naming model limits; {} accepted that BuildKit refuses offline for a mount at the \
         working directory of a base image (built with a WORKDIR); {} read that BuildKit \
         refuses only without build arguments (each of its warnings reproduced; {} findings \
         of check's past where BuildKit stops)",
        c.files,
        c.accepted,
        c.refused,
        c.warnings,
        c.agreed,
        c.missing,
        c.extra,
        c.typos,
        c.typed,
        c.limits,
        c.workdir.len(),
        c.build_args,
        c.past_stop
    ));
}

#[test]
fn check_and_fmt_agree_with_bklint_on_the_corpus_and_its_mutants() {
    const TEST: &str = "check_and_fmt_agree_with_bklint_on_the_corpus_and_its_mutants";
    let Some(bin) = bklint(TEST) else {
        return;
    };
    let Some(dir) = common::corpus(TEST) else {
        return;
    };
    let mut differences = BTreeSet::new();
    let mut formatted: Formatted = Vec::new();
    let mut rendered: Formatted = Vec::new();

    let files = corpus_files(&dir);
    let verdicts = run_bklint(&bin, &files);
    let mut corpus = Counts::default();
    let mut accepted: Vec<(String, String)> = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("a corpus file is UTF-8");
        let verdict = verdicts.get(&name).expect("bklint answers for every file");
        compare(
            &name,
            &text,
            verdict,
            &mut corpus,
            &mut differences,
            &mut formatted,
            &mut rendered,
        );
        if verdict.error.is_none() {
            accepted.push((name, text));
        }
    }
    image_workdir(&bin, &corpus, &mut differences);
    report("corpus", &corpus);
    assert_eq!(
        corpus.typos, 0,
        "StageNameTypo on a corpus file: a false positive"
    );

    // The mutants, written where cargo keeps test files.
    let mutants = common::mutate::mutants(&accepted, 10);
    let typo_mutants = mutants
        .iter()
        .filter(|(name, _)| name.starts_with("copy-from-typo__"))
        .count();
    let mutated = compare_texts(
        &bin,
        "bklint-mutants",
        &mutants,
        &mut differences,
        &mut formatted,
        &mut rendered,
    );
    report("mutants", &mutated);
    assert!(mutants.len() > 300, "only {} mutants", mutants.len());
    assert_eq!(
        mutated.typos, typo_mutants,
        "every `COPY --from=<misspelt stage>` mutant gets one StageNameTypo, no other file"
    );

    // The graph-aimed variants (`common::mutate::graph_variants`): how a `FROM` and a
    // reference resolve (global `ARG`s, case, duplicate names, indexes, ONBUILD), held to
    // the same account as the mutants.
    let variants = common::mutate::graph_variants(&accepted);
    let varied = compare_texts(
        &bin,
        "bklint-variants",
        &variants,
        &mut differences,
        &mut formatted,
        &mut rendered,
    );
    report("graph variants", &varied);
    assert!(variants.len() > 1000, "only {} variants", variants.len());
    assert_eq!(varied.typos, 0, "StageNameTypo on a graph variant");

    // Edges of how BuildKit resolves `FROM` and references, one file each, with bklint's
    // verdict (not assumed): the same account.
    let edge_files: Vec<(String, String)> = EDGES
        .iter()
        .map(|(name, text)| (format!("edge-{name}"), (*text).to_owned()))
        .collect();
    let edges = compare_texts(
        &bin,
        "bklint-edges",
        &edge_files,
        &mut differences,
        &mut formatted,
        &mut rendered,
    );
    report("edges", &edges);

    // Any other folder of files, held to the same account: a fuzzer's corpus, say
    // (`DOCKERDSL_BKLINT_MORE=/path/to/dir`). Not set in CI.
    if let Some(dir) = std::env::var_os(MORE_VAR) {
        let more = more_files(Path::new(&dir));
        let counts = compare_texts(
            &bin,
            "bklint-more",
            &more,
            &mut differences,
            &mut formatted,
            &mut rendered,
        );
        report("more", &counts);
    }

    for (who, files) in [("fmt", &formatted), ("parse", &rendered)] {
        let kept = keeps_findings(&bin, who, files, &mut differences);
        eprintln!(
            "bklint, {who}: {kept} of {} files written with BuildKit's findings of the original (apart from {})",
            files.len(),
            HOW_WRITTEN.join(", ")
        );
    }
    let fmt_checked = same_meaning(TEST, "fmt", &formatted, &mut differences);
    let parse_checked = same_meaning(TEST, "parse", &rendered, &mut differences);
    let meaning_checked = fmt_checked && parse_checked;

    // Without the oracle's Python the meaning check is skipped, and so are the differences
    // only it finds.
    let listed: BTreeSet<(String, String)> = DIFFERENCES
        .iter()
        .filter(|(_, what, _)| meaning_checked || !what.contains(MEANING))
        .map(|(f, what, _)| ((*f).to_owned(), (*what).to_owned()))
        .collect();
    let found: Vec<String> = differences
        .iter()
        .map(|(f, what)| format!("{f}: {what}"))
        .collect();
    assert_eq!(
        differences,
        listed,
        "differences from BuildKit (found):\n{}",
        found.join("\n")
    );
    let _ = std::fs::remove_dir_all(Path::new(env!("CARGO_TARGET_TMPDIR")).join("bklint-mutants"));
}

/// BuildKit's checks on how a file is written, which `fmt`'s canonical form settles: the
/// only findings bklint may have on a file and not on its `fmt` output (where `fmt` writes
/// `RUN a && \\` with no empty line after it, upper-case keywords, `AS` as `FROM` has it,
/// lower-case stage names, `KEY=value`, `MAINTAINER` as a `LABEL`, `EXPOSE 80/tcp`).
const HOW_WRITTEN: &[&str] = &[
    "NoEmptyContinuation",
    "ConsistentInstructionCasing",
    "FromAsCasing",
    "StageNameCasing",
    "LegacyKeyValueFormat",
    "MaintainerDeprecated",
    "ExposeProtoCasing",
];

/// `fmt` keeps what BuildKit's checks find (its `# check=` comments and what they cover,
/// the descriptions comments give), and so does the model `parse` reads, rendered (`who`
/// says which wrote `files`): bklint's findings on each file and on what `who` wrote,
/// rules and messages with their lines set aside, are the same but for [`HOW_WRITTEN`]: of
/// those, the output may have fewer (`fmt` leaves a line it cannot read into the model as
/// written). So are the rules a `# check=error=true` fails the build for. Returns how many
/// files kept them.
fn keeps_findings(
    bin: &Path,
    who: &str,
    files: &Formatted,
    differences: &mut BTreeSet<(String, String)>,
) -> usize {
    type Findings = Vec<(String, String)>;
    /// The findings of rules in [`HOW_WRITTEN`] and of the others, each sorted.
    fn split(v: &common::bklint::Verdict) -> (Findings, Findings) {
        let (mut written, mut other): (Findings, Findings) = v
            .warnings
            .iter()
            .map(|(_, rule, message)| {
                // These two quote the keyword as written, which `fmt` upper-cases.
                let message = match rule.as_str() {
                    "JSONArgsRecommended" | "MultipleInstructionsDisallowed" => {
                        message.to_ascii_uppercase()
                    }
                    // BuildKit picks among equally close suggestions at random (see
                    // `settle_suggestion_ties`): two runs may name different ones.
                    "UndefinedArgInFrom" => message
                        .split_once(" (did you mean ")
                        .map_or(message.as_str(), |(m, _)| m)
                        .to_owned(),
                    _ => message.clone(),
                };
                (rule.clone(), message)
            })
            .partition(|(rule, _)| HOW_WRITTEN.contains(&rule.as_str()));
        written.sort();
        other.sort();
        (written, other)
    }
    /// The error, or the rules of a `# check=error=true` failure, `HOW_WRITTEN`'s set aside.
    fn failure(v: &common::bklint::Verdict) -> Option<String> {
        let e = v.error.as_deref()?;
        let Some(rules) = e.strip_prefix("lint violation found for rules: ") else {
            return Some(e.to_owned());
        };
        // In no set order: BuildKit lists them from a map.
        let mut other: Vec<&str> = rules
            .split(", ")
            .filter(|r| !HOW_WRITTEN.contains(r))
            .collect();
        other.sort_unstable();
        (!other.is_empty()).then(|| other.join(", "))
    }
    let texts: Vec<String> = files
        .iter()
        .flat_map(|(_, original, formatted)| [original.clone(), formatted.clone()])
        .collect();
    let verdicts = common::bklint::run_texts(bin, &format!("bklint-{who}-findings"), &texts);
    let mut kept = 0;
    for ((name, _, _), pair) in files.iter().zip(verdicts.chunks(2)) {
        let [before, after] = pair else {
            unreachable!("bklint answers for every file")
        };
        let ((was_written, was), (is_written, is)) = (split(before), split(after));
        let mut left = was_written.clone();
        let fewer = is_written.iter().all(|f| {
            left.iter()
                .position(|w| w == f)
                .map(|at| left.remove(at))
                .is_some()
        });
        let (failed, fails) = (failure(before), failure(after));
        if was == is && fewer && failed == fails {
            kept += 1;
        } else {
            differences.insert((
                name.clone(),
                format!(
                    "{who} changes BuildKit's findings: {was_written:?} {was:?} (fails: {failed:?}) became {is_written:?} {is:?} (fails: {fails:?})"
                ),
            ));
        }
    }
    kept
}

/// `fmt` keeps the meaning, and so does the model `parse` reads (what `import` and the JSON
/// form hold), rendered: BuildKit's parser (the oracle venv's `dockerfile` package,
/// `tests/oracle/same_meaning.py`, as `.ci/fmt-corpus` uses it) reads the same instructions
/// from each file and its output (`who`'s). Skipped (and said) without the oracle venv;
/// returns whether it ran.
fn same_meaning(
    test: &str,
    who: &str,
    files: &Formatted,
    differences: &mut BTreeSet<(String, String)>,
) -> bool {
    let Some(python) = std::env::var_os(common::oracle::PYTHON_VAR) else {
        common::skipped(
            &format!("{test} ({who}'s meaning under BuildKit's parser)"),
            &format!("{} is not set", common::oracle::PYTHON_VAR),
        );
        return false;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bklint-formatted");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let mut jobs = Vec::new();
    for (i, (name, original, formatted)) in files.iter().enumerate() {
        let a = dir.join(format!("{i}.original"));
        let b = dir.join(format!("{i}.formatted"));
        std::fs::write(&a, original).expect("writing a file");
        std::fs::write(&b, formatted).expect("writing a file");
        jobs.push(serde_json::json!({"name": name, "original": a, "formatted": b}));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/same_meaning.py");
    let mut child = std::process::Command::new(python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the oracle's Python runs");
    let input = serde_json::Value::Array(jobs).to_string();
    if let Some(mut stdin) = child.stdin.take() {
        std::io::Write::write_all(&mut stdin, input.as_bytes()).expect("writing to the oracle");
    }
    let output = child.wait_with_output().expect("the oracle answers");
    let mut same = 0;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        if v["same"].as_bool() == Some(true) {
            same += 1;
        } else {
            differences.insert((
                v["name"].as_str().unwrap_or_default().to_owned(),
                format!(
                    "{who} {MEANING}: {}",
                    v["detail"].as_str().unwrap_or_default()
                ),
            ));
        }
    }
    common::say(&format!(
        "bklint, {who}: {} files written, {same} with the same instructions under BuildKit's parser",
        files.len()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    true
}
