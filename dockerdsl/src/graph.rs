//! The stage graph as a picture: Mermaid or Graphviz DOT text.
//!
//! Stages are boxes; an external base image or build context is a rounded node. A solid
//! arrow is `FROM`, a dashed one a `COPY --from` or a mount's `from`.

use crate::model::dockerfile::Dockerfile;
use crate::model::instruction::Instruction;
use crate::model::source::Source;
use crate::model::stage::{Base, Stage};
use crate::render::source_name;
use std::collections::BTreeMap;

/// A node of the picture: a stage (by index) or an external source (by text).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Stage(usize),
    External(String),
}

struct Edge {
    from: Node,
    to: usize,
    label: &'static str,
    dashed: bool,
}

fn edges(df: &Dockerfile) -> (Vec<Edge>, BTreeMap<String, usize>) {
    let index = |s: &Stage| df.stages().iter().position(|x| x.name() == s.name());
    let mut externals = BTreeMap::new();
    let node = |src: &Source, externals: &mut BTreeMap<String, usize>| match src {
        Source::Stage(s) => index(s).map(Node::Stage),
        other => {
            let name = source_name(other).to_owned();
            let n = externals.len();
            externals.entry(name.clone()).or_insert(n);
            Some(Node::External(name))
        }
    };
    let mut out = Vec::new();
    for (i, stage) in df.stages().iter().enumerate() {
        let base = match stage.base() {
            Base::Scratch => None,
            Base::Stage(s) => index(s).map(Node::Stage),
            Base::Image(img) => node(&Source::Image(img.clone()), &mut externals),
            Base::Context(c) => node(&Source::Context(c.clone()), &mut externals),
        };
        if let Some(from) = base {
            out.push(Edge {
                from,
                to: i,
                label: "FROM",
                dashed: false,
            });
        }
        for instruction in stage.instructions() {
            let label = match instruction {
                Instruction::Run(_) => "RUN --mount",
                Instruction::OnBuild(_) => "ONBUILD",
                _ => "COPY --from",
            };
            for src in instruction.sources() {
                let Some(from) = node(src, &mut externals) else {
                    continue;
                };
                let seen = out
                    .iter()
                    .any(|e: &Edge| e.from == from && e.to == i && e.label == label);
                if !seen {
                    out.push(Edge {
                        from,
                        to: i,
                        label,
                        dashed: true,
                    });
                }
            }
        }
    }
    (out, externals)
}

/// The graph as a Mermaid flowchart.
///
/// ```
/// use dockerdsl::{Dockerfile, Stage};
///
/// let build = Stage::from_image("build", "golang:1.23");
/// let app = Stage::from_scratch("app").copy_from(&build, "/app", "/app");
/// assert_eq!(
///     dockerdsl::graph::mermaid(&Dockerfile::new(&app)?),
///     "flowchart TD\n    \
///      s0[\"build\"]\n    \
///      s1[\"app\"]\n    \
///      e0([\"golang:1.23\"])\n    \
///      e0 -->|FROM| s0\n    \
///      s0 -.->|COPY --from| s1\n"
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[must_use]
pub fn mermaid(df: &Dockerfile) -> String {
    let (edges, externals) = edges(df);
    let label = |s: &str| s.replace('"', "#quot;");
    let mut out = String::from("flowchart TD\n");
    for (i, s) in df.stages().iter().enumerate() {
        out.push_str(&format!("    s{i}[\"{}\"]\n", label(s.name())));
    }
    for (name, n) in by_number(&externals) {
        out.push_str(&format!("    e{n}([\"{}\"])\n", label(name)));
    }
    for e in edges {
        let from = id(&e.from, &externals);
        let arrow = if e.dashed { "-.->" } else { "-->" };
        out.push_str(&format!("    {from} {arrow}|{}| s{}\n", e.label, e.to));
    }
    out
}

/// The graph in Graphviz DOT.
///
/// ```
/// use dockerdsl::{Dockerfile, Stage};
///
/// let base = Stage::from_image("base", "alpine:3.20");
/// let app = Stage::from_stage("app", &base);
/// let dot = dockerdsl::graph::dot(&Dockerfile::new(&app)?);
/// assert!(dot.starts_with("digraph stages {\n"));
/// assert!(dot.contains("    s0 -> s1 [label=\"FROM\"];\n"));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[must_use]
pub fn dot(df: &Dockerfile) -> String {
    let (edges, externals) = edges(df);
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::from("digraph stages {\n    rankdir=TB;\n");
    for (i, s) in df.stages().iter().enumerate() {
        out.push_str(&format!(
            "    s{i} [label={}, shape=box];\n",
            quote(s.name())
        ));
    }
    for (name, n) in by_number(&externals) {
        out.push_str(&format!(
            "    e{n} [label={}, shape=box, style=rounded];\n",
            quote(name)
        ));
    }
    for e in edges {
        let from = id(&e.from, &externals);
        let style = if e.dashed { ", style=dashed" } else { "" };
        out.push_str(&format!(
            "    {from} -> s{} [label={}{style}];\n",
            e.to,
            quote(e.label)
        ));
    }
    out.push_str("}\n");
    out
}

fn by_number(externals: &BTreeMap<String, usize>) -> Vec<(&str, usize)> {
    let mut v: Vec<(&str, usize)> = externals.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    v.sort_by_key(|(_, n)| *n);
    v
}

fn id(node: &Node, externals: &BTreeMap<String, usize>) -> String {
    match node {
        Node::Stage(i) => format!("s{i}"),
        Node::External(name) => format!("e{}", externals.get(name).copied().unwrap_or(0)),
    }
}
