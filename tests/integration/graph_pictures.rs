//! The graph's pictures as the tools that draw them show them: Mermaid (the `mermaid`
//! package, rendered to SVG in jsdom, read as a web page reads it) and Graphviz (`dot
//! -Tsvg`), through `tests/oracle/graph/pictures.mjs`. Each picture of a file must show the
//! same graph in both (the same boxes saying the same, the same arrows with the same labels
//! and line styles), and a label must show exactly what it was given: a `"`, `#`, `&`, `<`
//! or `\` in an argument's default or a `FROM` word is text, never markup or an escape.
//!
//! `.ci/run` installs the tools (`bash .ci/graph-oracle-setup`, which prints the directory
//! for `DOCKERDSL_GRAPH_ORACLE`); without it the tests say they were skipped, and with
//! `CI=true` they fail.

use crate::common;

use proptest::prelude::*;
use serde::Deserialize;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

const ORACLE_VAR: &str = "DOCKERDSL_GRAPH_ORACLE";

/// What a picture shows: each box by id with its text, each arrow (from, to, label, style:
/// `solid`, `dashed` or `candidate`), sorted; texts with their whitespace runs as one space.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct Shown {
    nodes: Vec<(String, String)>,
    edges: Vec<(String, String, String, String)>,
}

/// Mermaid's reading: what it shows, and whether Mermaid as released (11.17.2) fails to draw
/// the picture at all, on a label outside Latin-1 in a rounded box (see `pictures.mjs`).
#[derive(Deserialize)]
struct MermaidShown {
    #[serde(flatten)]
    shown: Shown,
    needs_fix: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Reading<T> {
    Shown(T),
    Failed { error: String },
}

impl<T> Reading<T> {
    fn shown(self, tool: &str) -> Result<T, String> {
        match self {
            Reading::Shown(s) => Ok(s),
            Reading::Failed { error } => Err(format!("{tool} cannot draw it: {error}")),
        }
    }
}

#[derive(Deserialize)]
struct Answer {
    mermaid: Reading<MermaidShown>,
    dot: Reading<Shown>,
}

/// What both tools show of a picture.
struct Read {
    shown: Shown,
    /// Mermaid as released fails to draw it (a bug of Mermaid's, not of the picture, but one
    /// a realistic label must not run into).
    released_mermaid_fails: bool,
}

/// The running reader (one Node process for a test: Mermaid takes a second to load).
struct Pictures {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Pictures {
    /// Starts the reader, or says that `test` is skipped when the tools are not installed.
    fn start(test: &str) -> Option<Pictures> {
        let Some(dir) = std::env::var_os(ORACLE_VAR) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{test}: {ORACLE_VAR} is not set, and CI=true requires Mermaid and Graphviz \
                 (.ci/run sets them up with `bash .ci/graph-oracle-setup`)"
            );
            common::skipped(
                test,
                &format!(
                    "Mermaid and Graphviz are not installed (run `export \
                     {ORACLE_VAR}=$(bash .ci/graph-oracle-setup)` and test again; .ci/run does)"
                ),
            );
            return None;
        };
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/oracle/graph/pictures.mjs"
        );
        let mut child = Command::new("node")
            .arg(script)
            .env(ORACLE_VAR, &dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{test}: cannot start node {script}: {e}"));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Some(Pictures {
            child,
            stdin,
            stdout,
        })
    }

    /// What Mermaid shows of `mermaid` and Graphviz of `dot`, each the same graph's picture:
    /// the one reading, or what differs.
    fn read(&mut self, mermaid: &str, dot: &str) -> Result<Read, String> {
        let request = serde_json::json!({ "mermaid": mermaid, "dot": dot }).to_string();
        writeln!(self.stdin, "{request}").expect("write to the picture reader");
        self.stdin.flush().expect("flush to the picture reader");
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("read from the picture reader");
        assert!(!line.is_empty(), "the picture reader stopped");
        let answer: Answer = serde_json::from_str(&line).expect("the picture reader's answer");
        let m = answer.mermaid.shown("Mermaid")?;
        let d = answer.dot.shown("Graphviz")?;
        if m.shown != d {
            let m = m.shown;
            return Err(format!("Mermaid shows\n{m:#?}\nGraphviz shows\n{d:#?}"));
        }
        Ok(Read {
            shown: m.shown,
            released_mermaid_fails: m.needs_fix,
        })
    }
}

impl Pictures {
    /// [`Pictures::read`], with what goes wrong pushed to `problems` under `who`, Mermaid
    /// as released failing on the picture included.
    fn shows(
        &mut self,
        who: &str,
        mermaid: &str,
        dot: &str,
        problems: &mut Vec<String>,
    ) -> Option<Shown> {
        match self.read(mermaid, dot) {
            Ok(Read {
                released_mermaid_fails: true,
                ..
            }) => problems.push(format!(
                "{who}: Mermaid 11.17.2 fails to draw it\n{mermaid}"
            )),
            Ok(Read { shown, .. }) => return Some(shown),
            Err(e) => problems.push(format!("{who}:\n{e}\nMermaid:\n{mermaid}DOT:\n{dot}")),
        }
        None
    }
}

impl Drop for Pictures {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whitespace runs as one space, trimmed: how both tools lay text out.
fn as_shown(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every file the graph draws of the corpus (the files BuildKit accepts, and the variants
/// aimed at the graph's reading), and the typed model's picture of each file `parse` holds:
/// Mermaid and Graphviz show the same graph, and its boxes are the text's stages.
#[test]
fn corpus_pictures_show_one_graph_in_both_tools() {
    const TEST: &str = "graph_pictures::corpus_pictures_show_one_graph_in_both_tools";
    let Some(dir) = common::corpus(TEST) else {
        return;
    };
    let Some(mut pictures) = Pictures::start(TEST) else {
        return;
    };
    let accepted: Vec<(String, String)> = crate::parse_corpus::corpus_files(&dir)
        .into_iter()
        .filter(|f| f.rejected.is_none())
        .filter_map(|f| Some((f.name, std::fs::read_to_string(&f.path).ok()?)))
        .collect();
    // Every eighth variant: Mermaid takes about a tenth of a second a picture, and the
    // variants change `FROM` lines the corpus files already show in all their kinds.
    let variants = common::mutate::graph_variants(&accepted);
    let variants = variants.iter().step_by(8);
    let (mut files, mut typed, mut boxes, mut arrows) = (0, 0, 0, 0);
    let mut problems = Vec::new();
    // A picture is read once (the typed model's is mostly the text's).
    let mut seen = std::collections::BTreeSet::new();
    for (name, text) in accepted.iter().chain(variants) {
        let (Ok(mermaid), Ok(dot)) = (
            dockerdsl::graph::mermaid_text(text),
            dockerdsl::graph::dot_text(text),
        ) else {
            // What the graph refuses is held to BuildKit by `graph_text`.
            continue;
        };
        files += 1;
        if !seen.insert((mermaid.clone(), dot.clone())) {
            continue;
        }
        if let Some(shown) = pictures.shows(name, &mermaid, &dot, &mut problems) {
            boxes += shown.nodes.len();
            arrows += shown.edges.len();
            let stages = mermaid
                .lines()
                .filter(|l| l.trim_start().starts_with('s'))
                .filter(|l| l.contains("[\""))
                .count();
            let drawn = shown.nodes.iter().filter(|(id, _)| id.starts_with('s'));
            if drawn.count() != stages {
                problems.push(format!("{name}: {stages} stages, not all shown"));
            }
        }
        if let Ok(parsed) = dockerdsl::parse(text) {
            typed += 1;
            let model = parsed.dockerfile();
            let (mermaid, dot) = (
                dockerdsl::graph::mermaid(model),
                dockerdsl::graph::dot(model),
            );
            if !seen.insert((mermaid.clone(), dot.clone())) {
                continue;
            }
            let who = format!("{name} (typed)");
            if let Some(shown) = pictures.shows(&who, &mermaid, &dot, &mut problems) {
                boxes += shown.nodes.len();
                arrows += shown.edges.len();
            }
        }
    }
    common::say(&format!(
        "graph_pictures: {files} corpus files and graph variants drawn, {typed} typed models \
         too; {} distinct pictures, in which Mermaid and Graphviz show the same {boxes} boxes \
         and {arrows} arrows",
        seen.len()
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The pictures `graph_text` pins (its snapshots hold both): Mermaid and Graphviz show the
/// same graph, the hostile labels of `labels_are_text_in_both_languages` among them.
#[test]
fn snapshot_pictures_show_one_graph_in_both_tools() {
    const TEST: &str = "graph_pictures::snapshot_pictures_show_one_graph_in_both_tools";
    let Some(mut pictures) = Pictures::start(TEST) else {
        return;
    };
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration/snapshots");
    let mut snapshots: Vec<_> = std::fs::read_dir(dir)
        .expect("the snapshots")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("graph_text__") && n.ends_with(".snap"))
        })
        .collect();
    snapshots.sort();
    let mut problems = Vec::new();
    for path in &snapshots {
        let snap = std::fs::read_to_string(path).expect("a snapshot");
        let pictures_text = snap
            .split_once("----- mermaid -----\n")
            .and_then(|(_, rest)| rest.split_once("----- dot -----\n"));
        let Some((mermaid, dot)) = pictures_text else {
            problems.push(format!("{}: no pictures", path.display()));
            continue;
        };
        let who = path.display().to_string();
        if who.contains("labels_are_text_in_both_languages") {
            // Hostile on purpose: its rounded box's label needs references, on which
            // Mermaid 11.17.2 fails in this layout (see `pictures.mjs`). The labels must
            // still show as written.
            if let Err(e) = pictures.read(mermaid, dot) {
                problems.push(format!("{who}:\n{e}"));
            }
        } else {
            pictures.shows(&who, mermaid, dot, &mut problems);
        }
    }
    common::say(&format!(
        "graph_pictures: {} snapshots, Mermaid and Graphviz show the same graph in {}",
        snapshots.len(),
        snapshots.len() - problems.len()
    ));
    assert!(
        snapshots.len() >= 10,
        "the graph_text snapshots are missing"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `FROM` words a build argument completes, drawn as written (their arguments have no
/// default), with the operators people use in them: Mermaid as released draws each, and both
/// tools show the word as written. (A reference in a rounded box's label makes Mermaid
/// 11.17.2 fail in some layouts; `#` is written as one only where Mermaid would read one.)
#[test]
fn words_as_written_draw_in_mermaid_as_released() {
    const TEST: &str = "graph_pictures::words_as_written_draw_in_mermaid_as_released";
    let Some(mut pictures) = Pictures::start(TEST) else {
        return;
    };
    let words = [
        "golang:${VERSION#v}",
        "golang:${VERSION##*v}",
        "node:${VERSION%.*}-alpine",
        "node:${VERSION%%-*}",
        "${REGISTRY}/app:${TAG:-latest}",
        "${REGISTRY:+${REGISTRY}/}app:${TAG}",
        "alpine:${TAG:?required}",
        "${IMAGE}@sha256:${DIGEST}",
        "python:${V/./}",
    ];
    let mut problems = Vec::new();
    for word in words {
        let vars: std::collections::BTreeSet<&str> = word
            .split("${")
            .skip(1)
            .map(|v| {
                v.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .next()
                    .unwrap_or("")
            })
            .collect();
        let args: String = vars.iter().map(|v| format!("ARG {v}\n")).collect();
        let file =
            format!("{args}FROM {word} AS build\nFROM alpine:3.20\nCOPY --from=build /a /b\n");
        let (mermaid, dot) = match (
            dockerdsl::graph::mermaid_text(&file),
            dockerdsl::graph::dot_text(&file),
        ) {
            (Ok(m), Ok(d)) => (m, d),
            (Err(e), _) | (_, Err(e)) => {
                problems.push(format!("{word}: not drawn: {e}"));
                continue;
            }
        };
        if let Some(shown) = pictures.shows(word, &mermaid, &dot, &mut problems) {
            if !shown.nodes.iter().any(|(_, text)| text == word) {
                problems.push(format!("{word}: not shown as written: {shown:#?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A value from the characters each picture language gives a meaning to (Mermaid's
/// entities, HTML, its markdown and arrows; DOT's quotes and backslash escapes), and
/// others, in single quotes (so the Dockerfile's value is exactly these characters).
fn value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(vec![
            "\"", "#", "&", ";", "<", ">", "|", "`", "*", "_", "~", "[", "]", "(", ")", "{",
            "}", "\\", "%", "=", "-", ".", ",", ":", "/", "@", "!", "?", " ", "\t", "é", "☃",
        ])
        .prop_map(str::to_owned),
        2 => proptest::sample::select(vec![
            "#quot;", "#35;", "#lt;", "&lt;", "&amp;", "&#60;", "<b>", "</b>", "<br>", "\\l",
            "\\n", "\\N", "\\G", "-->", "-.->", "==>", "---", "**", "end", "style", "%%",
            "fa:fa-car", "<script>x</script>", "\"\"", "style", "classDef", "style:", "linkStyle",
        ])
        .prop_map(str::to_owned),
        3 => "[a-zA-Z0-9]{1,4}",
    ];
    proptest::collection::vec(piece, 1..8)
        .prop_map(|p| p.concat())
        .prop_filter("something to show", |v| !v.trim().is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Every label shows the text it was given, in Mermaid and in Graphviz: an arrow's (the
    /// default of the argument a `FROM` word uses) and an image's box (the default of an
    /// argument a build can set, in a `FROM` word).
    #[test]
    fn labels_show_their_text_in_both_tools(v in value()) {
        let arrow = format!("ARG V='{v}'\nFROM alpine:${{V:+3.20}} AS app\n");
        let label = as_shown(&format!("FROM V={v}"));
        file_shows(&arrow, |s| s.edges.iter().any(|(from, to, l, _)| from == "e0" && to == "s0" && *l == label))?;
        let image = format!("ARG T\nFROM img:${{T:-'{v}'}}\n");
        // The image the default gives when it is one, else the word as written.
        let (word, resolved) = (as_shown(&format!("img:${{T:-'{v}'}}")), as_shown(&format!("img:{v}")));
        file_shows(&image, |s| s.nodes.iter().any(|(id, text)| id == "e0" && (*text == word || *text == resolved)))?;
    }
}

/// Draws `file` (unless the graph refuses it: what no argument could make an image, such as
/// a tag of `é`, is held to BuildKit by `graph_text`) and asks the tools whether the picture
/// shows what `wanted` looks for.
fn file_shows(file: &str, wanted: impl Fn(&Shown) -> bool) -> Result<(), TestCaseError> {
    thread_local! {
        static PICTURES: std::cell::RefCell<Option<Option<Pictures>>> =
            const { std::cell::RefCell::new(None) };
    }
    let (Ok(mermaid), Ok(dot)) = (
        dockerdsl::graph::mermaid_text(file),
        dockerdsl::graph::dot_text(file),
    ) else {
        return Ok(());
    };
    let shown = PICTURES.with(|p| {
        let mut p = p.borrow_mut();
        let pictures = p.get_or_insert_with(|| {
            Pictures::start("graph_pictures::labels_show_their_text_in_both_tools")
        });
        pictures
            .as_mut()
            .map(|pictures| pictures.read(&mermaid, &dot))
    });
    let Some(shown) = shown else {
        return Ok(());
    };
    let context = format!("{file}Mermaid:\n{mermaid}DOT:\n{dot}");
    let shown = shown
        .map_err(|e| TestCaseError::fail(format!("{e}\n{context}")))?
        .shown;
    prop_assert!(
        wanted(&shown),
        "not shown as written: {shown:#?}\n{context}"
    );
    Ok(())
}
