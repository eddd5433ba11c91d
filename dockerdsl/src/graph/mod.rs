//! The stage graph as a picture: Mermaid or Graphviz DOT text.
//!
//! Stages are boxes; an external base image or build context is a rounded node. A solid
//! arrow is `FROM`, a dashed one a `COPY --from`, a mount's `from` or an `ONBUILD`'s
//! reference.
//!
//! [`mermaid`] and [`dot`] draw a [`Dockerfile`] value. [`mermaid_text`] and [`dot_text`]
//! draw a Dockerfile's text as BuildKit reads it, so they draw every file BuildKit builds,
//! including what the typed model refuses (two stages of one name, a stage named `context`,
//! `FROM img:$UNDECLARED`):
//!
//! - A stage is named by its `AS` name in lower case, as BuildKit names it, or `stage-N`
//!   (its index) without one; a name that two stages share is followed by `(stage N)`.
//! - References resolve as BuildKit resolves them: `FROM name` to the latest stage of that
//!   name before it, else an image (`scratch` is no node); `COPY --from=` to the last stage of
//!   that name in the file (in any case), or to the stage of that index, else an image; a
//!   mount's `from=` by name only (`from=0` is the image `0`). An `ONBUILD COPY --from` or
//!   `ONBUILD RUN --mount` is drawn into the stage that declares it and, dashed and labelled
//!   `ONBUILD` too, into each stage of the file built `FROM` it, where BuildKit runs it.
//! - `FROM` words are expanded with the global `ARG`s' defaults (those before the first
//!   `FROM`) by BuildKit's shell-word rules (`$A`, `${A:-x}`, `${A%-*}`, quotes, ...), as a
//!   build without `--build-arg` does; the stage or image they give is the solid `FROM`
//!   arrow, labelled with the defaults (`FROM VARIANT=slim`, `FROM TAG unset`). The stages
//!   the word could name for another value of its arguments are *candidates*, drawn dotted
//!   and labelled with the argument (`FROM TARGETOS=windows`): a `FROM base-${TARGETOS}`
//!   fans out to `base-linux` and `base-windows`. A word that is only variables
//!   (`FROM ${IMAGE}`) could name any stage, so it gets no candidates.
//! - The platform arguments BuildKit defines (`TARGETOS`, `TARGETARCH`, `BUILDPLATFORM`, ...)
//!   have the value of the build's `--platform`, not one the file gives: unless a global
//!   `ARG` gives one a default, a word that uses one is not resolved, only its candidates are
//!   drawn (an image that no stage could be is drawn as written, `${TARGETARCH}` kept).
//! - What BuildKit refuses is refused, every problem with BuildKit's reason and line: what
//!   [`check`](crate::check) refuses (`COPY --from=$X`: BuildKit refuses variables there), and
//!   what BuildKit finds resolving the stages: a word it cannot expand (`${V:?}` of an unset
//!   `V`), a base or `--platform` that comes out empty, a base that is not an image
//!   reference (`FROM Builder`), a circular dependency. A file whose own
//!   `# check=error=true` makes BuildKit's warnings errors is drawn (`check` reports them).
//! - Except where a build argument could change it: when a variable of the `FROM` word (or
//!   `--platform`) is a declared global `ARG` (with a default or not) or a platform argument,
//!   what the defaults make of it (blank, not a reference, `${V:?}` unset) is the build's to
//!   fix with `--build-arg`, as `check` and `parse` read such a file: `ARG BASE` /
//!   `FROM ${BASE}` is drawn, the word as written an image node with a dotted
//!   `FROM --build-arg BASE` arrow naming the word's arguments (or, where a literal part can
//!   name stages, those candidates).
//!   A word whose variables no `ARG` declares is refused, as BuildKit refuses it.
//!
//! A label shows its text as written: what Mermaid would read as a character reference
//! (`#35;`), HTML (`<b>`), a line break (`\n`) or an icon (`fa:fa-car`), and what Graphviz
//! would read as an escape (`\l`) or an entity (`&lt;`), is written so that it is not, in
//! an argument's default or a `FROM` word as anywhere (Mermaid's and Graphviz's own
//! renderings are compared with the text in the tests).

mod tree;
mod typed;

use crate::model::dockerfile::Dockerfile;
use crate::syntax::ParseErrors;
use std::collections::{BTreeMap, BTreeSet};

/// A node an edge starts from: a stage or an external image, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Stage(usize),
    External(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `FROM`.
    Solid,
    /// `COPY --from`, a mount's `from`, `ONBUILD`.
    Dashed,
    /// A stage a `FROM` word names for another value of its arguments.
    Candidate,
}

#[derive(Debug)]
struct Edge {
    from: Node,
    to: usize,
    label: String,
    style: Style,
}

/// What is drawn: stage labels, external labels (in order of first use), edges.
#[derive(Debug, Default)]
struct Graph {
    stages: Vec<String>,
    externals: Vec<String>,
    edges: Vec<Edge>,
    /// Each external's number, and the references drawn: looked up, not searched, so that
    /// a file of thousands of stages is drawn in time proportional to it.
    external_numbers: BTreeMap<String, usize>,
    drawn: BTreeSet<(Node, usize, String)>,
}

impl Graph {
    fn external(&mut self, name: &str) -> Node {
        let next = self.externals.len();
        let n = *self.external_numbers.entry(name.to_owned()).or_insert(next);
        if n == next {
            self.externals.push(name.to_owned());
        }
        Node::External(n)
    }

    /// Adds an edge; a reference drawn already (same ends, same label) is drawn once
    /// (a stage has one base, and its candidates are distinct).
    fn edge(&mut self, from: Node, to: usize, label: impl Into<String>, style: Style) {
        let label = label.into();
        if style == Style::Dashed && !self.drawn.insert((from, to, label.clone())) {
            return;
        }
        self.edges.push(Edge {
            from,
            to,
            label,
            style,
        });
    }

    fn mermaid(&self) -> String {
        let label = mermaid_label;
        let mut out = String::from("flowchart TD\n");
        for (i, s) in self.stages.iter().enumerate() {
            out.push_str(&format!("    s{i}[\"{}\"]\n", label(s)));
        }
        for (n, name) in self.externals.iter().enumerate() {
            out.push_str(&format!("    e{n}([\"{}\"])\n", label(name)));
        }
        let mut candidates = Vec::new();
        for (k, e) in self.edges.iter().enumerate() {
            let arrow = if e.style == Style::Solid {
                "-->"
            } else {
                "-.->"
            };
            if e.style == Style::Candidate {
                candidates.push(k.to_string());
            }
            // Labels made here are plain words; one with other characters is quoted.
            let text = if e
                .label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " -_.=,".contains(c))
            {
                e.label.clone()
            } else {
                format!("\"{}\"", label(&e.label))
            };
            out.push_str(&format!("    {} {arrow}|{text}| s{}\n", id(e.from), e.to));
        }
        if !candidates.is_empty() {
            // Sparser dots and grey, so that candidates stand apart from `COPY --from`.
            out.push_str(&format!(
                "    linkStyle {} stroke:#999,stroke-dasharray:2 6\n",
                candidates.join(",")
            ));
        }
        out
    }

    fn dot(&self) -> String {
        let quote = dot_label;
        let mut out = String::from("digraph stages {\n    rankdir=TB;\n");
        for (i, s) in self.stages.iter().enumerate() {
            out.push_str(&format!("    s{i} [label={}, shape=box];\n", quote(s)));
        }
        for (n, name) in self.externals.iter().enumerate() {
            out.push_str(&format!(
                "    e{n} [label={}, shape=box, style=rounded];\n",
                quote(name)
            ));
        }
        for e in &self.edges {
            let style = match e.style {
                Style::Solid => "",
                Style::Dashed => ", style=dashed",
                Style::Candidate => ", style=dotted",
            };
            out.push_str(&format!(
                "    {} -> s{} [label={}{style}];\n",
                id(e.from),
                e.to,
                quote(&e.label)
            ));
        }
        out.push_str("}\n");
        out
    }
}

/// A label's text inside Mermaid's quotes, shown as written. Mermaid reads `#name;` and
/// `#123;` as character references, `\n` as a line break and `fa:fa-car` as an icon, and
/// draws a label as HTML; so `"`, `<`, and a `#`, `&`, `\` or `:` that would start one of
/// those are written as references (`a#35;b`, `<b>x</b>`, `a\nb` in an argument's default
/// are shown as written, not as `a#b`, a bold `x` and two lines). Only those: Mermaid
/// 11.17.2 fails to draw a picture whose rounded box has a reference in its label in some
/// layouts (mermaid-js/mermaid#8251), so `golang:${VERSION#v}` is written as it is.
fn mermaid_label(text: &str) -> String {
    let out = mermaid_references(text, false);
    // Before it reads references, Mermaid drops the last `;` of a line that matches
    // `style.*:\S*#.*;` or `classDef.*:\S*#.*;` (meant for its own style lines), which would
    // end a reference in the label: then those words are written with a reference too.
    if out.contains(';') && (text.contains("style") || text.contains("classDef")) {
        mermaid_references(text, true)
    } else {
        out
    }
}

/// [`mermaid_label`]'s text, and with `style_words` the first letter of `style` and
/// `classDef` as a reference.
fn mermaid_references(text: &str, style_words: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let rest = &text[i + c.len_utf8()..];
        let reference = match c {
            '"' => Some("#quot;"),
            '<' => Some("#lt;"),
            '#' if starts_entity_name(rest) => Some("#35;"),
            '&' if rest.starts_with(|n: char| n.is_ascii_alphanumeric() || n == '#') => {
                Some("#amp;")
            }
            '\\' if rest.starts_with('n') => Some("#92;"),
            ':' if rest.starts_with("fa-") => Some("#58;"),
            's' if style_words && rest.starts_with("tyle") => Some("#115;"),
            'c' if style_words && rest.starts_with("lassDef") => Some("#99;"),
            _ => None,
        };
        match reference {
            Some(r) => out.push_str(r),
            None => out.push(c),
        }
    }
    out
}

/// Whether `rest` (what follows a `#`) makes it one of Mermaid's references: `\w+;`.
fn starts_entity_name(rest: &str) -> bool {
    let name = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    name > 0 && rest.as_bytes().get(name) == Some(&b';')
}

/// A label's text as a DOT string. In a label Graphviz reads `\` escapes (`\n`, `\l`,
/// `\N` the node's name, ...) and HTML's character entities (`&lt;`, `&#35;`), so a backslash
/// is doubled and `&` written `&amp;`: `a&lt;b` in an argument's default is shown as written.
fn dot_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn id(node: Node) -> String {
    match node {
        Node::Stage(i) => format!("s{i}"),
        Node::External(n) => format!("e{n}"),
    }
}

/// The graph of a [`Dockerfile`] value as a Mermaid flowchart.
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
    typed::graph(df).mermaid()
}

/// The graph of a [`Dockerfile`] value in Graphviz DOT.
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
    typed::graph(df).dot()
}

/// The graph of a Dockerfile's text as a Mermaid flowchart, read as BuildKit reads it (see
/// the [module documentation](self)); refused, with every problem, only where BuildKit
/// refuses the file.
///
/// ```
/// let text = "ARG OS=linux\n\
///             FROM alpine:3.20 AS base-linux\n\
///             FROM alpine:3.20 AS base-windows\n\
///             FROM base-${OS} AS app\n";
/// assert_eq!(
///     dockerdsl::graph::mermaid_text(text)?,
///     "flowchart TD\n    \
///      s0[\"base-linux\"]\n    \
///      s1[\"base-windows\"]\n    \
///      s2[\"app\"]\n    \
///      e0([\"alpine:3.20\"])\n    \
///      e0 -->|FROM| s0\n    \
///      e0 -->|FROM| s1\n    \
///      s0 -->|FROM OS=linux| s2\n    \
///      s1 -.->|FROM OS=windows| s2\n    \
///      linkStyle 3 stroke:#999,stroke-dasharray:2 6\n"
/// );
/// // Two stages of one name: the typed model refuses it, BuildKit builds it.
/// let twice = "FROM alpine:3.20 AS a\nFROM a AS a\n";
/// assert!(dockerdsl::parse(twice).is_err());
/// assert!(dockerdsl::graph::mermaid_text(twice)?.contains("s0 -->|FROM| s1"));
/// // What BuildKit refuses is refused, with its reason and line.
/// let err = dockerdsl::graph::mermaid_text("FROM alpine:3.20\nCOPY --from=$X /a /a\n");
/// assert!(err.unwrap_err().to_string().starts_with("2:6: variable expansion is not supported"));
/// // A base a build argument gives (`--build-arg BASE=...`): drawn as written, dotted.
/// let from_arg = dockerdsl::graph::mermaid_text("ARG BASE\nFROM ${BASE}\n")?;
/// assert!(from_arg.contains("e0 -.->|FROM --build-arg BASE| s0"));
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
pub fn mermaid_text(text: &str) -> Result<String, ParseErrors> {
    Ok(tree::graph(text)?.mermaid())
}

/// The images the graph of a Dockerfile's text draws (bases resolved with the global `ARG`s'
/// defaults, `COPY --from` and mounts' `from` that name no stage), in order of first use; a
/// word the build gives its value is there as written (`${BASE}`, `xx:${TARGETARCH}`).
/// Refused where [`mermaid_text`] refuses. `lock` reads a file's images through it.
pub(crate) fn images_text(text: &str) -> Result<Vec<String>, ParseErrors> {
    Ok(tree::graph(text)?.externals)
}

/// The graph of a Dockerfile's text in Graphviz DOT; see [`mermaid_text`]. Candidate stages
/// are `style=dotted`.
///
/// ```
/// let text = "FROM alpine:3.20 AS base-linux\nFROM base-${TARGETOS}\n";
/// let dot = dockerdsl::graph::dot_text(text)?;
/// assert!(dot.contains("    s0 -> s1 [label=\"FROM TARGETOS=linux\", style=dotted];\n"));
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
pub fn dot_text(text: &str) -> Result<String, ParseErrors> {
    Ok(tree::graph(text)?.dot())
}
