//! `graph::mermaid_text` and `graph::dot_text`: the stage graph of a Dockerfile's text, as
//! BuildKit resolves it, for every file BuildKit builds. Snapshots hold the file and both
//! pictures; the corpus test draws every file BuildKit accepts, checks that each edge ends at
//! a node the picture declares and that the stages are BuildKit's (names and count, from its
//! verdicts), and that the files the typed model holds are drawn as `graph::mermaid` draws
//! their model.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

fn snapshot(name: &str, text: &str) {
    let mermaid = dockerdsl::graph::mermaid_text(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let dot = dockerdsl::graph::dot_text(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    common::snapshot_io(
        "graph_text",
        name,
        text,
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
fn refuses_what_buildkit_refuses_with_its_reason_and_line() {
    let cases = [
        (
            "FROM alpine:3.20 AS a\nFROM a\nCOPY --from=${X} /a /a\n",
            "3:6: variable expansion is not supported for --from",
        ),
        (
            "ARG E=\nFROM ${E}\n",
            "2:1: base name (${E}) should not be blank",
        ),
        (
            "ARG V\nFROM alpine:${V:?unset}\n",
            "2:1: failed to process \"alpine:${V:?unset}\": V: unset",
        ),
        (
            "FROM alpine:3.20 AS builder\nFROM Builder\n",
            "2:1: failed to parse stage name \"Builder\": invalid reference format",
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
                // BuildKit refuses it: so must the graph.
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
