//! The syntax layer's flags and words: every span slices to the text it claims (on the corpus,
//! its mutants, and instructions broken over continuation lines at random places), and
//! snapshots of tricky instructions.

use crate::common;
use crate::parse_corpus::corpus_files;
use dockerdsl::syntax::{self, Instruction, NodeKind, Tree};
use proptest::prelude::*;
use std::fmt::Write as _;

/// What BuildKit's line reader makes of a slice of the text inside one instruction, written
/// here independently of the reader: a line end inside it ends a continuation line (its escape
/// character and the blanks after it dropped), and the comment and empty lines among the
/// continuation lines are dropped.
fn logical(slice: &str, escape: char) -> Result<String, String> {
    let lines: Vec<&str> = slice.split('\n').collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i + 1 == lines.len() {
            out.push_str(line);
            break;
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start();
        if i > 0 && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        let Some(piece) = line.trim_end_matches([' ', '\t']).strip_suffix(escape) else {
            return Err(format!(
                "line {line:?} inside {slice:?} is no continuation line"
            ));
        };
        out.push_str(piece);
    }
    Ok(out)
}

/// Counts of what [`check_spans`] checked.
#[derive(Default)]
struct Counts {
    instructions: usize,
    flags: usize,
    words: usize,
    multi_line: usize,
}

/// Every span of every instruction of `tree` slices to what it claims; the problems, if any.
fn check_spans(tree: &Tree<'_>, counts: &mut Counts) -> Vec<String> {
    let text = tree.text();
    let escape = tree.escape();
    let mut problems = Vec::new();
    let claim = |what: &str, span: std::ops::Range<usize>, claimed: &str| match text
        .get(span.clone())
        .map(|s| logical(s, escape))
    {
        Some(Ok(got)) if got == claimed => None,
        Some(Ok(got)) => Some(format!("{what} {span:?} reads {got:?}, claims {claimed:?}")),
        Some(Err(e)) => Some(format!("{what} {span:?}: {e}")),
        None => Some(format!("{what} {span:?} is outside the text")),
    };
    for node in tree.nodes() {
        let NodeKind::Instruction(i) = node.kind() else {
            continue;
        };
        counts.instructions += 1;
        counts.multi_line += usize::from(i.line() != i.end_line() && i.heredocs().is_empty());
        problems.extend(claim("keyword", i.keyword_span(), i.keyword()));
        let (flags, args) = i.flags_and_args();
        for f in &flags {
            counts.flags += 1;
            problems.extend(claim("flag", f.span(), f.raw()));
            let (span, name) = (f.span(), f.name_span());
            if !(span.start < name.start && name.end <= span.end) {
                problems.push(format!("flag {span:?}: name span {name:?} is not in it"));
            }
            problems.extend(claim("flag's `--`", span.start..name.start, "--"));
            match (f.value(), f.value_span()) {
                (Some(_), Some(v)) if v.end == span.end && v.start > name.end => {
                    problems.extend(claim("flag's `=`", name.end..v.start, "="));
                }
                (None, None) => {}
                (value, v) => problems.push(format!("flag {span:?}: value {value:?} at {v:?}")),
            }
        }
        let mut before = flags.last().map_or(i.keyword_span().end, |f| f.span().end);
        for w in args.words() {
            counts.words += 1;
            problems.extend(claim("word", w.span(), w.raw()));
            if w.span().start < before {
                problems.push(format!("word {:?} starts before {before}", w.span()));
            }
            before = w.span().end;
            if w.is_json() {
                let decoded: Result<String, _> = serde_json::from_str(w.raw());
                if decoded.as_deref().ok() != Some(w.text()) {
                    problems.push(format!("JSON word {:?} decodes to {decoded:?}", w.raw()));
                }
            } else if w.raw() != w.text() {
                problems.push(format!("word {:?} has text {:?}", w.raw(), w.text()));
            }
        }
        if before > i.span().end {
            problems.push(format!("instruction {:?} ends before {before}", i.span()));
        }
    }
    problems
}

/// Every corpus file and every mutant the test suite makes of them: the spans of every flag
/// and word slice to the text they claim.
#[test]
fn every_span_slices_to_its_text() {
    let Some(dir) = common::corpus("syntax_tree::every_span_slices_to_its_text") else {
        return;
    };
    let files: Vec<(String, String)> = corpus_files(&dir)
        .into_iter()
        .filter_map(|f| Some((f.name, std::fs::read_to_string(&f.path).ok()?)))
        .collect();
    let mutants = common::mutate::mutants(&files, 10);
    let mut counts = Counts::default();
    let mut read = 0;
    let mut problems = Vec::new();
    for (name, text) in files.iter().chain(&mutants) {
        let Ok(tree) = syntax::read(text) else {
            continue;
        };
        read += 1;
        for p in check_spans(&tree, &mut counts) {
            problems.push(format!("{name}: {p}"));
        }
    }
    common::say(&format!(
        "syntax_tree: {read} of {} files and mutants read; {} instructions ({} of several \
         lines), {} flags, {} words: {} spans wrong",
        files.len() + mutants.len(),
        counts.instructions,
        counts.multi_line,
        counts.flags,
        counts.words,
        problems.len()
    ));
    assert!(counts.flags > 100 && counts.words > 1000 && counts.multi_line > 100);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Instructions with flags and words of every form: quotes, escapes, JSON, legacy ENV,
/// HEALTHCHECK, non-ASCII.
const LINES: &[&str] = &[
    "COPY --from=build --chown=\"app user\":app /out/a /out/b /app/",
    "RUN --mount=type=cache,target=/root/.cache,from=builder --network=none make -j4 all",
    "RUN [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\" \\u00e9\"]",
    "ENV A=\"x y\" B='z w' C=three\\ words D=",
    "ENV LEGACY some value with spaces",
    "LABEL org.example.note=\"hello world\" other=1",
    "ARG VERSION=1.0 COMMIT",
    "FROM --platform=$BUILDPLATFORM golang:1.23 AS build",
    "HEALTHCHECK --interval=30s --timeout=5s CMD [\"curl\", \"-f\", \"http://localhost/\"]",
    "HEALTHCHECK CMD curl -f http://localhost/ || exit 1",
    "CMD [\"serve\" , \"--port\",\"8080\"]",
    "ENTRYPOINT [\"a\", 1]",
    "ADD --checksum=sha256:abc https://example.com/x.tgz /x/",
    "COPY [\"a b\", \"/c d/\"]",
    "EXPOSE 8080/tcp 9000-9010/udp",
    "USER app:app",
    "WORKDIR /srv/élan",
    "COPY --link -- --weird /dst",
    // U+1F141 holds the byte 0x85, a space to BuildKit's flag reader: the flag ends inside it.
    "RUN --network=\u{1F141}x echo",
];

/// The flags and arguments of every instruction of `text`: names, values, forms, words
/// (the spans apart, which differ with the layout).
fn meaning(tree: &Tree<'_>) -> Vec<String> {
    tree.instructions()
        .map(|i: &Instruction<'_>| {
            let (flags, args) = i.flags_and_args();
            let flags: Vec<String> = flags
                .iter()
                .map(|f| format!("{}={:?} ({})", f.name(), f.value(), f.raw()))
                .collect();
            let words: Vec<String> = args
                .words()
                .iter()
                .map(|w| format!("{:?}/{:?}", w.raw(), w.text()))
                .collect();
            format!(
                "{} {flags:?} {:?} {words:?}",
                i.keyword().to_ascii_uppercase(),
                args.form()
            )
        })
        .collect()
}

/// `line` broken into continuation lines before the given bytes (not after an escape
/// character, and not where the rest would start with `#` or be blank), with a comment line
/// after some of the breaks.
fn broken(line: &str, at: &[(usize, bool)]) -> String {
    let mut cuts: Vec<(usize, bool)> = at
        .iter()
        .map(|&(n, comment)| (n % line.len(), comment))
        .filter(|&(n, _)| {
            n > 0
                && line.is_char_boundary(n)
                && !line[..n].ends_with('\\')
                && !line[n..].trim_start().starts_with('#')
                && !line[n..].trim().is_empty()
        })
        .collect();
    cuts.sort_unstable();
    cuts.dedup_by_key(|c| c.0);
    let mut out = String::new();
    let mut from = 0;
    for (n, comment) in cuts {
        out.push_str(&line[from..n]);
        out.push_str("\\\n");
        if comment {
            out.push_str("  # a comment line\n");
        }
        from = n;
    }
    out.push_str(&line[from..]);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// However an instruction is broken over continuation lines, its flags and words are the
    /// same, and their spans slice to what they claim.
    #[test]
    fn continuation_lines_keep_flags_words_and_spans(
        which in 0..LINES.len(),
        at in proptest::collection::vec((any::<usize>(), any::<bool>()), 0..6),
        crlf in any::<bool>(),
    ) {
        let line = LINES[which];
        let whole = format!("FROM scratch\n{line}\n");
        let mut text = format!("FROM scratch\n{}\n", broken(line, &at));
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let expected = syntax::read(&whole).map(|t| meaning(&t));
        let tree = syntax::read(&text);
        prop_assert!(tree.is_ok(), "{text:?}: {:?}", tree.as_ref().err());
        let tree = tree.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(expected.ok(), Some(meaning(&tree)), "{:?}", text);
        let problems = check_spans(&tree, &mut Counts::default());
        prop_assert!(problems.is_empty(), "{text:?}:\n{}", problems.join("\n"));
    }
}

/// Text made of the pieces that make instructions hard to read: keywords, flags, quotes,
/// both escape characters, continuations, comments, JSON, heredocs, non-ASCII blanks.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("FROM "),
        Just("RUN "),
        Just("COPY "),
        Just("ENV "),
        Just("ARG "),
        Just("LABEL "),
        Just("HEALTHCHECK "),
        Just("ONBUILD "),
        Just("CMD "),
        Just("EXPOSE "),
        Just("add "),
        Just("--from="),
        Just("--mount=type=cache,"),
        Just("--"),
        Just("-"),
        Just("="),
        Just("\\"),
        Just("`"),
        Just("\\\n"),
        Just("`\n"),
        Just("\n"),
        Just("\r\n"),
        Just(" "),
        Just("\t"),
        Just("\u{a0}"),
        Just("\u{85}"),
        Just("\u{1F141}"),
        Just("é"),
        Just("\""),
        Just("'"),
        Just("["),
        Just("]"),
        Just(", "),
        Just("\"a\""),
        Just("1"),
        Just("# c\n"),
        Just("#"),
        Just("<<EOF"),
        Just("\nEOF\n"),
        Just("x"),
        Just("y z"),
        Just("# escape=`\n"),
        Just("CMD"),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// On any text the tree reads, every flag and word span slices to what it claims (and
    /// reading them does not panic).
    #[test]
    fn spans_hold_on_tricky_text(text in tricky_text()) {
        if let Ok(tree) = syntax::read(&text) {
            let problems = check_spans(&tree, &mut Counts::default());
            prop_assert!(problems.is_empty(), "{text:?}:\n{}", problems.join("\n"));
        }
    }
}

/// Each instruction's keyword, flags and arguments with the text of each span, for a snapshot.
fn listing(text: &str) -> String {
    let tree = match syntax::read(text) {
        Ok(t) => t,
        Err(e) => return format!("refused: {e}"),
    };
    let mut out = String::new();
    for i in tree.instructions() {
        let at = |r: std::ops::Range<usize>| format!("{r:?} {:?}", &text[r.clone()]);
        let (flags, args) = i.flags_and_args();
        let _ = writeln!(
            out,
            "{} (lines {}-{}) keyword {}",
            i.keyword(),
            i.line(),
            i.end_line(),
            at(i.keyword_span())
        );
        for f in flags {
            let _ = writeln!(out, "  flag {:?} = {:?}", f.name(), f.value());
            let _ = writeln!(out, "    span {}", at(f.span()));
            let _ = writeln!(out, "    name {}", at(f.name_span()));
            if let Some(v) = f.value_span() {
                let _ = writeln!(out, "    value {}", at(v));
            }
        }
        let _ = writeln!(out, "  args {:?}", args.form());
        for w in args.words() {
            let _ = writeln!(out, "    word {:?} raw {:?}", w.text(), w.raw());
            let _ = writeln!(out, "      span {}", at(w.span()));
        }
    }
    out
}

fn snapshot(name: &str, input: &str) {
    let text = format!(
        "{}\n----- flags and words -----\n{}",
        input.trim_end(),
        listing(input)
    );
    insta::with_settings!({
        omit_expression => true,
        prepend_module_to_snapshot => false,
        snapshot_path => "snapshots",
    }, {
        insta::assert_snapshot!(format!("syntax_tree__{name}"), text);
    });
}

#[test]
fn continuation_lines_split_words_and_flags() {
    snapshot(
        "continuations",
        "FROM alpine AS build\nRUN --mount=type=cache,\\\n    target=/root/.cache \\\n  # a comment line\n\n    apk add cu\\\nrl\nCOPY --from=bu\\\nild --chown=\"a \\\n b\" /src \\\n   /dst\n",
    );
}

#[test]
fn backtick_escape() {
    snapshot(
        "backtick_escape",
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nENV DIR=C:\\Program` Files `\n    NEXT=\"a`\"b\"\nRUN powershell -Command `\n    Write-Host \"C:\\x\"\nCOPY [\"C:\\\\a\", `\n      \"C:\\\\b\"]\n",
    );
}

#[test]
fn heredocs_and_json() {
    snapshot(
        "heredocs_and_json",
        "FROM alpine\nRUN --network=none <<EOF cat > /x\nhello\nEOF\nCOPY <<-\"END\" /etc/conf\n\tkey = 1\n\tEND\nCMD [ \"a\\u00e9\", \"b c\" ]\nENTRYPOINT [\"not\", 1]\nSHELL [\"/bin/sh\", \\\n  \"-c\"]\n",
    );
}

#[test]
fn legacy_and_odd_forms() {
    snapshot(
        "legacy_and_odd_forms",
        "FROM --platform=$TARGETPLATFORM alpine\nENV PATH /usr/local/bin:$PATH\nLABEL a=\"x y\" b=c\\ d\nARG A B=\"1 2\" C=\nHEALTHCHECK --retries=3 CMD [\"curl\", \"-f\", \"http://x/\"]\nONBUILD COPY --from=build /a /b\nCOPY --chmod=755 -- --literal /dst/\nRUN --\"mount\"=type=tmpfs,\\\"target=/t\\\" echo\nSTOPSIGNAL SIGTERM\n",
    );
}
