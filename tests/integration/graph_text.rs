//! `graph::mermaid_text` and `graph::dot_text`: the stage graph of a Dockerfile's text, as
//! BuildKit resolves it, for every file BuildKit builds. Snapshots hold the file and both
//! pictures; the corpus test draws every file BuildKit accepts, checks that each edge ends at
//! a node the picture declares and that the stages are BuildKit's (names and count, from its
//! verdicts), and that the files the typed model holds are drawn as `graph::mermaid` draws
//! their model.

use crate::common;

use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

fn snapshot(name: &str, text: &str) {
    let mermaid = dockerdsl::graph::mermaid_text(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let dot = dockerdsl::graph::dot_text(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    common::snapshot_sections(
        "graph_text",
        name,
        text,
        "mermaid",
        &format!("{mermaid}----- dot -----\n{dot}"),
    );
}

#[test]
fn duplicate_stage_names() {
    // BuildKit builds it (DuplicateStageName is a warning): `FROM base` takes the latest
    // `base` before it, `COPY --from=base` the last one in the file.
    let text = "FROM alpine:3.20 AS base\n\
                RUN echo one\n\
                FROM base AS base\n\
                RUN echo two\n\
                FROM alpine:3.20 AS Base\n\
                FROM scratch AS app\n\
                COPY --from=BASE /a /a\n";
    assert!(dockerdsl::parse(text).is_err());
    snapshot("duplicate_stage_names", text);
}

#[test]
fn reserved_stage_names() {
    // A stage named `context` or `scratch` is built (ReservedStageName is a warning), and
    // BuildKit looks names up before it takes `scratch` for the empty image: `FROM scratch`
    // is the stage, and so is a mount without `from=` (BuildKit's `detectRunMount` looks
    // up `scratch` for it).
    let text = "FROM alpine:3.20 AS context\n\
                FROM busybox:1.36 AS scratch\n\
                FROM scratch AS app\n\
                COPY --from=context /etc/os-release /\n\
                RUN --mount=type=cache,target=/cache true\n";
    assert!(dockerdsl::parse(text).is_err());
    snapshot("reserved_stage_names", text);
}

#[test]
fn from_arg_with_a_default_and_candidates() {
    let text = "ARG VARIANT=slim\n\
                ARG ALPINE=3.20\n\
                ARG TOOLS\n\
                FROM alpine:${ALPINE} AS base-slim\n\
                FROM debian:bookworm AS base-full\n\
                FROM base-${VARIANT} AS app\n\
                FROM base-${TOOLS:-full} AS tools\n\
                FROM \"base-$VARIANT\" AS again\n";
    snapshot("from_arg_with_a_default_and_candidates", text);
}

#[test]
fn from_arg_resolving_to_an_image() {
    // The default names no stage: the image is pulled, and the stages the argument could
    // name are candidates all the same.
    let text = "ARG FLAVOUR=alpine:3.20\n\
                FROM golang:1.23 AS build-go\n\
                FROM rust:1.83 AS build-rust\n\
                FROM ${FLAVOUR} AS plain\n\
                FROM build-${FLAVOUR%%:*} AS app\n";
    snapshot("from_arg_resolving_to_an_image", text);
}

#[test]
fn copy_from_by_index() {
    // `--from=0` is stage 0; a mount's `from=0` is looked up by name only, so it is the image
    // `0`, as BuildKit reads it.
    let text = "FROM golang:1.23\n\
                RUN go build -o /out/app .\n\
                FROM alpine:3.20\n\
                COPY --from=0 /out/app /app\n\
                RUN --mount=from=0,target=/x true\n";
    snapshot("copy_from_by_index", text);
}

#[test]
fn automatic_platform_args() {
    // TARGETOS is the build's, not the file's: `base-${TARGETOS}` fans out to the stages it
    // can name; an image that no stage can be is drawn as written.
    let text = "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n\
                FROM alpine:3.20 AS base-linux\n\
                FROM mcr.microsoft.com/windows/nanoserver:ltsc2022 AS base-windows\n\
                FROM base-${TARGETOS} AS app\n\
                COPY --from=build /out /app\n\
                FROM tonistiigi/xx:${TARGETARCH} AS xx\n";
    snapshot("automatic_platform_args", text);
}

#[test]
fn automatic_platform_arg_with_a_global_default() {
    // A global ARG with a default gives the platform argument a value in FROM lines.
    let text = "ARG TARGETOS=windows\n\
                FROM alpine:3.20 AS base-linux\n\
                FROM alpine:3.20 AS base-windows\n\
                FROM base-${TARGETOS} AS app\n";
    snapshot("automatic_platform_arg_with_a_global_default", text);
}

#[test]
fn onbuild_references_run_in_the_stages_built_on_it() {
    let text = "FROM alpine:3.20 AS tools\n\
                FROM alpine:3.20 AS base\n\
                ONBUILD COPY --from=tools /bin/tool /bin/\n\
                FROM base AS app\n";
    snapshot("onbuild_references_run_in_the_stages_built_on_it", text);
}

#[test]
fn from_a_build_argument_without_a_default() {
    // `ARG BASE` / `FROM ${BASE}` builds with `--build-arg BASE=...` (bklint, without build
    // arguments, refuses it as blank; `check` reads it): the word is drawn as written,
    // dotted, and where a literal part can name a stage, the stages it can name.
    let text = "ARG BASE\n\
                ARG VARIANT\n\
                ARG TAG=\n\
                ARG PLATFORM\n\
                ARG V\n\
                FROM ${BASE} AS from-base\n\
                FROM alpine:3.20 AS flavour-slim\n\
                FROM alpine:3.20 AS flavour-full\n\
                FROM flavour-${VARIANT} AS app\n\
                COPY --from=from-base /a /a\n\
                FROM --platform=${PLATFORM} golang:${TAG} AS tool\n\
                FROM alpine:${V:?required} AS guarded\n";
    if let Err(e) = dockerdsl::check(text) {
        panic!("check reads it:\n{e}");
    }
    snapshot("from_a_build_argument_without_a_default", text);
}

#[test]
fn from_a_build_argument_with_a_default_that_names_a_stage_is_solid() {
    // Declared with a default: the default gives the base (solid); a build argument could
    // give another, as for any argument.
    let text = "ARG BASE=builder\n\
                FROM alpine:3.20 AS builder\n\
                FROM ${BASE} AS app\n";
    snapshot("from_a_build_argument_with_a_default", text);
}

#[test]
fn labels_are_text_in_both_languages() {
    // Argument defaults the labels show, each what Mermaid or Graphviz would otherwise read
    // as something else: a character reference and HTML (Mermaid), an entity (both), a
    // line break (Mermaid) or escape (Graphviz), a Font Awesome icon (Mermaid), quotes, and
    // the words of Mermaid's style lines, whose last `;` Mermaid drops.
    // `graph_pictures` renders such labels with both tools and compares what they show.
    let text = "ARG A='#35; & &lt; <b>x</b>'\n\
                ARG B='a\\nb \\l \\N \"q\"'\n\
                ARG C='fa:fa-car fab:fa-github'\n\
                ARG D='style: #x; classDef'\n\
                ARG T\n\
                FROM alpine:${A:+3.20} AS one\n\
                FROM alpine:${B:+3.20} AS two\n\
                FROM alpine:${C:+3.20} AS three\n\
                FROM img:${T:-'<i>#quot;'} AS four\n\
                FROM alpine:${D:+3.20} AS five\n";
    snapshot("labels_are_text_in_both_languages", text);
}

#[test]
fn refuses_what_buildkit_refuses_with_its_reason_and_line() {
    let cases = [
        (
            "FROM alpine:3.20 AS a\nFROM a\nCOPY --from=${X} /a /a\n",
            "3:6: variable expansion is not supported for --from",
        ),
        // Variables no `ARG` declares: no build argument sets them.
        ("FROM ${E}\n", "1:1: base name (${E}) should not be blank"),
        (
            "FROM alpine:${V:?unset}\n",
            "1:1: failed to process \"alpine:${V:?unset}\": V: unset",
        ),
        (
            "FROM alpine:3.20 AS builder\nFROM Builder\n",
            "2:1: failed to parse stage name \"Builder\": invalid reference format",
        ),
        (
            // A mount without `from=` refers to the stage named `scratch`: itself here.
            "FROM alpine:3.20 AS scratch\nRUN --mount=type=secret,id=x true\n",
            "2:1: circular dependency detected on stage: scratch",
        ),
        (
            "FROM --platform=$UNSET alpine:3.20\n",
            "1:1: empty platform value from expression $UNSET",
        ),
        (
            "ARG A=${B:?}\nFROM alpine:3.20\n",
            "1:1: failed to process \"${B:?}\": B: is not allowed to be unset",
        ),
    ];
    for (text, expected) in cases {
        let err = dockerdsl::graph::mermaid_text(text).expect_err(text);
        assert!(err.to_string().starts_with(expected), "{text}:\n{err}");
        let err = dockerdsl::graph::dot_text(text).expect_err(text);
        assert!(err.to_string().starts_with(expected), "{text}:\n{err}");
    }
}

/// Two words: a node's id and label, or an edge's two ends.
type Pair = (String, String);

/// The nodes a DOT picture declares and its edges (from, to).
fn dot_parts(dot: &str) -> (Vec<Pair>, Vec<Pair>) {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for line in dot.lines() {
        let line = line.trim();
        if let Some((ends, _)) = line.split_once(" [label=") {
            let label = line
                .split_once("[label=\"")
                .and_then(|(_, rest)| rest.split_once("\", "))
                .or_else(|| {
                    line.split_once("[label=\"")
                        .and_then(|(_, rest)| rest.split_once("\"]"))
                })
                .map(|(l, _)| l.to_owned())
                .unwrap_or_default();
            match ends.split_once(" -> ") {
                Some((from, to)) => edges.push((from.to_owned(), to.to_owned())),
                None => nodes.push((ends.to_owned(), label)),
            }
        }
    }
    (nodes, edges)
}

/// Why the text's graph of a file the typed model holds differs from its model's graph
/// (`graph::mermaid` of `parse`'s model), on purpose: the model keeps a `FROM` word as
/// written, the text's graph resolves it with the global defaults and draws candidates; the
/// model draws an `ONBUILD` reference into its own stage only, the text's graph also into the
/// stages built on it, where BuildKit runs it.
fn differs_on_purpose(text: &str) -> Option<&'static str> {
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.trim().to_ascii_lowercase())
        .collect();
    if lines
        .iter()
        .any(|l| l.starts_with("from ") && l.contains('$'))
    {
        Some("a FROM word with a variable")
    } else if lines
        .iter()
        .any(|l| l.starts_with("onbuild ") && (l.contains("--from") || l.contains("from=")))
    {
        Some("an ONBUILD reference")
    } else {
        None
    }
}

#[test]
fn every_file_buildkit_accepts_is_drawn() {
    let Some(dir) = common::corpus("graph_text::every_file_buildkit_accepts_is_drawn") else {
        return;
    };
    let mut drawn = 0;
    let mut refused = 0;
    let mut same_as_typed = 0;
    let mut on_purpose = 0;
    let mut problems = Vec::new();
    for (sub, files) in [
        ("real", "real/files"),
        ("buildkit-tests", "buildkit-tests"),
        ("targeted", "targeted"),
    ] {
        let verdicts = std::fs::read_to_string(dir.join(sub).join("buildkit-verdicts.jsonl"))
            .expect("buildkit-verdicts.jsonl");
        for line in verdicts.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("a verdict");
            let name = v["file"].as_str().expect("file");
            let path = Path::new(&dir).join(files).join(name);
            let Ok(text) = std::fs::read_to_string(&path) else {
                // Not UTF-8: nothing reads it as a Dockerfile here.
                continue;
            };
            let result = dockerdsl::graph::dot_text(&text);
            let Some(stages) = v["stages"].as_array().filter(|_| v["error"].is_null()) else {
                // BuildKit refuses it: so must the graph, unless only a build argument's
                // value is missing (bklint runs without them; `check` reads such a file).
                let verdict = common::bklint::Verdict {
                    error: v["error"].as_str().map(str::to_owned),
                    warnings: v["warnings"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|w| {
                            let line = w["line"].as_u64().unwrap_or(0);
                            (
                                usize::try_from(line).unwrap_or(0),
                                w["rule"].as_str().unwrap_or_default().to_owned(),
                                w["message"].as_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect(),
                };
                if result.is_ok()
                    && common::bklint::refused_for_build_args(&verdict)
                    && dockerdsl::parse_faithfully(&text).is_ok()
                {
                    continue;
                }
                if result.is_ok() {
                    problems.push(format!("{name}: BuildKit refuses it, the graph draws it"));
                }
                refused += 1;
                continue;
            };
            let dot = match result {
                Ok(dot) => dot,
                Err(e) => {
                    problems.push(format!(
                        "{name}: BuildKit builds it, the graph refuses:\n{e}"
                    ));
                    continue;
                }
            };
            drawn += 1;
            let (nodes, edges) = dot_parts(&dot);
            let ids: BTreeSet<&str> = nodes.iter().map(|(id, _)| id.as_str()).collect();
            for (from, to) in &edges {
                if !ids.contains(from.as_str())
                    || !to.starts_with('s')
                    || !ids.contains(to.as_str())
                {
                    problems.push(format!("{name}: edge {from} -> {to} ends at no node"));
                }
            }
            // The stages are BuildKit's, in its order, by its names (an unnamed one by index).
            let ours: Vec<String> = nodes
                .iter()
                .filter(|(id, _)| id.starts_with('s'))
                .map(|(_, label)| {
                    label
                        .split_once(" (stage ")
                        .map_or(label.as_str(), |(n, _)| n)
                        .to_owned()
                })
                .collect();
            let theirs: Vec<String> = stages
                .iter()
                .enumerate()
                .map(|(i, s)| match s.as_str() {
                    Some("") | None => format!("stage-{i}"),
                    Some(n) => n.to_owned(),
                })
                .collect();
            if ours != theirs {
                problems.push(format!("{name}: stages {ours:?}, BuildKit's {theirs:?}"));
            }
            // The typed model's picture, for the files it holds.
            if let Ok(parsed) = dockerdsl::parse(&text) {
                if dockerdsl::graph::dot(parsed.dockerfile()) == dot {
                    same_as_typed += 1;
                } else if differs_on_purpose(&text).is_some() {
                    on_purpose += 1;
                } else {
                    let typed = dockerdsl::graph::dot(parsed.dockerfile());
                    problems.push(format!(
                        "{name}: drawn differently from its typed model:\n{typed}text:\n{dot}"
                    ));
                }
            }
        }
    }
    common::say(&format!(
        "graph_text: {drawn} files BuildKit accepts drawn, {refused} it refuses refused; \
         {same_as_typed} drawn as their typed model, {on_purpose} differently on purpose \
         (FROM variables resolved, ONBUILD references)"
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The corpus files BuildKit accepts (their recorded verdicts), sorted by name as the
/// `bklint` test reads them, so that both tests make the same mutants and variants.
fn accepted_files(dir: &Path) -> Vec<(String, String)> {
    crate::parse_corpus::corpus_files(dir)
        .into_iter()
        .filter(|f| f.rejected.is_none())
        .filter_map(|f| Some((f.name, std::fs::read_to_string(&f.path).ok()?)))
        .collect()
}

/// BuildKit's checker (bklint) on the corpus's mutants (`common::mutate`, the set the
/// `bklint` test uses): every mutant it accepts is drawn, every edge ending at a node; every
/// one it refuses is refused, but for a file whose `# check=error=true` turns BuildKit's
/// warnings into errors (drawn: that is the file's lint policy, `dockerdsl check` reports
/// it).
#[test]
fn every_mutant_buildkit_accepts_is_drawn() {
    const TEST: &str = "graph_text::every_mutant_buildkit_accepts_is_drawn";
    let Some(bin) = common::bklint::bklint(TEST) else {
        return;
    };
    let Some(dir) = common::corpus(TEST) else {
        return;
    };
    let accepted = accepted_files(&dir);
    let mutants = common::mutate::mutants(&accepted, 10);
    let texts: Vec<String> = mutants.iter().map(|(_, t)| t.clone()).collect();
    let verdicts = common::bklint::run_texts(&bin, "graph-mutants", &texts);
    let (mut drawn, mut refused, mut by_policy, mut build_args) = (0, 0, 0, 0);
    let mut problems = Vec::new();
    for ((name, text), verdict) in mutants.iter().zip(&verdicts) {
        match (dockerdsl::graph::dot_text(text), &verdict.error) {
            (Ok(dot), None) => {
                drawn += 1;
                let (nodes, edges) = dot_parts(&dot);
                let ids: BTreeSet<&str> = nodes.iter().map(|(id, _)| id.as_str()).collect();
                for (from, to) in &edges {
                    if !ids.contains(from.as_str()) || !ids.contains(to.as_str()) {
                        problems.push(format!("{name}: edge {from} -> {to} ends at no node"));
                    }
                }
            }
            (Err(_), Some(_)) => refused += 1,
            // The file's own `# check=error=true` makes BuildKit's warnings errors: a policy
            // for building it, which `dockerdsl check` reports; its graph is drawn.
            (Ok(_), Some(e)) if e.starts_with("lint violation found for rules:") => {
                drawn += 1;
                by_policy += 1;
            }
            // Refused by bklint only without build arguments, read by `check`: drawn.
            (Ok(_), Some(_))
                if common::bklint::refused_for_build_args(verdict)
                    && dockerdsl::parse_faithfully(text).is_ok() =>
            {
                drawn += 1;
                build_args += 1;
            }
            (Ok(_), Some(e)) => {
                problems.push(format!(
                    "{name}: BuildKit refuses it ({e}), the graph draws it"
                ));
            }
            (Err(e), None) => {
                problems.push(format!(
                    "{name}: BuildKit builds it, the graph refuses:\n{e}"
                ));
            }
        }
    }
    common::say(&format!(
        "graph_text: {} mutants, {drawn} drawn ({by_policy} of them refused by BuildKit only \
         for their own `# check=error=true`, {build_args} only without build arguments), \
         {refused} BuildKit refuses refused",
        mutants.len()
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Variants of the corpus files aimed at the graph's reading (`common::mutate::graph_variants`,
/// which the `bklint` test also holds `check` and `parse` to), each checked against bklint.
/// Where the faithful reader
/// that `check` uses agrees with BuildKit, every variant BuildKit accepts is drawn and every
/// one it refuses is refused (what the graph adds: expansion, blank and invalid bases,
/// cycles).
#[test]
fn graph_variants_agree_with_bklint() {
    const TEST: &str = "graph_text::graph_variants_agree_with_bklint";
    let Some(bin) = common::bklint::bklint(TEST) else {
        return;
    };
    let Some(dir) = common::corpus(TEST) else {
        return;
    };
    let accepted = accepted_files(&dir);
    let variants = common::mutate::graph_variants(&accepted);
    let texts: Vec<String> = variants.iter().map(|(_, t)| t.clone()).collect();
    let verdicts = common::bklint::run_texts(&bin, "graph-variants", &texts);
    let (mut drawn, mut refused, mut build_args) = (0, 0, 0);
    let mut reader_differs = Vec::new();
    let mut problems = Vec::new();
    for ((name, text), verdict) in variants.iter().zip(&verdicts) {
        // The file's own `# check=error=true` is a lint policy: the graph draws the file.
        let builds = verdict
            .error
            .as_ref()
            .is_none_or(|e| e.starts_with("lint violation found for rules:"));
        match (dockerdsl::graph::dot_text(text), builds) {
            (Ok(dot), true) => {
                drawn += 1;
                let (nodes, edges) = dot_parts(&dot);
                let ids: BTreeSet<&str> = nodes.iter().map(|(id, _)| id.as_str()).collect();
                for (from, to) in &edges {
                    if !ids.contains(from.as_str()) || !ids.contains(to.as_str()) {
                        problems.push(format!("{name}: edge {from} -> {to} ends at no node"));
                    }
                }
            }
            (Err(_), false) => refused += 1,
            // BuildKit refuses it for the value the defaults give a `FROM` word a build
            // argument can set (bklint runs without them): built with them, read by `check`
            // (held to bklint by the `bklint` test) and drawn.
            (Ok(_), false)
                if common::bklint::refused_for_build_args(verdict)
                    && dockerdsl::parse_faithfully(text).is_ok() =>
            {
                build_args += 1;
            }
            // What the reader under `check` and `graph` (`parse_faithfully`) refuses, or
            // BuildKit refuses for a reason the graph does not look at (a mount's target, a
            // flag), is that reader's business: counted. The graph's own refusals (word
            // expansion, blank or invalid bases, cycles) must be BuildKit's.
            (Err(_), true) if dockerdsl::parse_faithfully(text).is_err() => {
                reader_differs.push(name.as_str());
            }
            (Ok(_), false) => {
                let e = verdict.error.as_deref().unwrap_or_default();
                let graphs = [
                    "failed to process",
                    "empty platform value",
                    "base name",
                    "failed to parse stage name",
                    "circular dependency",
                ];
                if graphs.iter().any(|g| e.starts_with(g)) {
                    problems.push(format!(
                        "{name}: BuildKit refuses it ({e}), the graph draws it"
                    ));
                } else {
                    reader_differs.push(name.as_str());
                }
            }
            (Err(e), true) => {
                problems.push(format!(
                    "{name}: BuildKit builds it, the graph refuses:\n{e}"
                ));
            }
        }
    }
    common::say(&format!(
        "graph_text: {} variants, {drawn} drawn, {refused} refused, as bklint; {build_args} \
         drawn that bklint refuses only without build arguments; {} where \
         BuildKit refuses for a reason outside the graph or the reader refuses, e.g. {:?}",
        variants.len(),
        reader_differs.len(),
        reader_differs.iter().take(3).collect::<Vec<_>>()
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Pieces of what the graph reads: stage names and references, arguments and their
/// expansions, with the characters that end or break them.
const FRAGMENTS: &[&str] = &[
    "FROM ",
    "from ",
    "alpine:3.20",
    " AS ",
    " as ",
    "a",
    "A",
    "base-linux",
    "base-",
    "scratch",
    "context",
    "ARG ",
    "X",
    "X=",
    "linux",
    "TARGETOS",
    "$",
    "${",
    "}",
    ":-",
    "-",
    ":+",
    "?",
    "%%",
    "#",
    "/",
    "*",
    "\\",
    "\"",
    "'",
    "COPY ",
    "--from=",
    "--from=0 ",
    "--from=a ",
    " /x /y",
    "RUN ",
    "--mount=from=a,target=/x ",
    "--mount=type=cache,target=/c ",
    "--mount=type=secret,id=s ",
    "true",
    "ONBUILD ",
    "\n",
    "\n",
    "\n",
    " ",
    "# escape=`\n",
    "`",
    "é",
];

fn graph_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..48).prop_map(|v| v.concat())
}

const NAMES: &[&str] = &[
    "a",
    "b",
    "base-linux",
    "base-windows",
    "Base-linux",
    "scratch",
    "context",
];
const BASES: &[&str] = &[
    "alpine:3.20",
    "a",
    "b",
    "scratch",
    "context",
    "base-${X}",
    "base-$TARGETOS",
    "${X:-a}",
    "\"${Y}\"",
    "base-${X%%.*}",
    "${X/linux/windows}",
];
const REFS: &[&str] = &[
    "a",
    "B",
    "0",
    "1",
    "2",
    "base-linux",
    "alpine:3.20",
    "scratch",
];
const ARGS: &[&str] = &[
    "ARG X=linux",
    "ARG X=windows.x",
    "ARG X",
    "ARG Y=a",
    "ARG Y=${X:-b}",
    "ARG TARGETOS=windows",
];

/// Dockerfiles of global ARGs, FROM lines and references, most of which BuildKit builds.
fn graph_lines() -> impl Strategy<Value = String> {
    let stage = (
        prop::sample::select(BASES),
        prop::option::of(prop::sample::select(NAMES)),
    );
    let reference = prop::sample::select(REFS).prop_flat_map(|r| {
        prop::sample::select(vec![
            format!("COPY --from={r} /x /y"),
            format!("RUN --mount=from={r},target=/x true"),
            "RUN --mount=type=cache,target=/c true".to_owned(),
            format!("ONBUILD COPY --from={r} /x /y"),
        ])
    });
    let line = prop_oneof![
        stage.prop_map(|(base, name)| match name {
            Some(n) => format!("FROM {base} AS {n}"),
            None => format!("FROM {base}"),
        }),
        reference,
    ];
    (
        prop::collection::vec(prop::sample::select(ARGS), 0..3),
        prop::collection::vec(line, 0..12),
    )
        .prop_map(|(args, lines)| {
            let mut text = args.join("\n");
            text.push_str("\nFROM alpine:3.20 AS a\n");
            text.push_str(&lines.join("\n"));
            text.push('\n');
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// On any text: no panic, the same picture twice (to the byte), and in every picture
    /// every edge ends at a node it declares.
    #[test]
    fn graph_never_panics_and_is_deterministic(input in prop_oneof![1 => graph_text(), 3 => graph_lines()]) {
        let first = dockerdsl::graph::dot_text(&input);
        let second = dockerdsl::graph::dot_text(&input);
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(
            dockerdsl::graph::mermaid_text(&input).is_ok(),
            first.is_ok()
        );
        if let Ok(dot) = first {
            let (nodes, edges) = dot_parts(&dot);
            let ids: BTreeSet<&str> = nodes.iter().map(|(id, _)| id.as_str()).collect();
            for (from, to) in &edges {
                prop_assert!(
                    ids.contains(from.as_str()) && ids.contains(to.as_str()),
                    "{input:?}: {from} -> {to}\n{dot}"
                );
            }
        }
    }
}
