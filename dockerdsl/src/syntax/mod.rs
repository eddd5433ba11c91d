//! The syntax layer: a Dockerfile's text as BuildKit's parser reads it, kept whole.
//!
//! [`read`] turns text into a [`Tree`]: parser directives, comments, blank lines and
//! instructions (with their continuation lines, the comment and empty lines inside them, and
//! their heredoc bodies), each with its lines and the bytes it spans. Nothing is dropped and
//! nothing is copied that can be borrowed: every node borrows the text, and the nodes with the
//! line ends between them cover every byte of it. An instruction's logical line (continuation
//! lines joined, as BuildKit joins them) is a copy only when it has continuation lines.
//!
//! The tree reads what BuildKit's line reader (`frontend/dockerfile/parser.Parse`) reads and
//! refuses what it refuses (an unknown escape token, a repeated directive, a line over 64 KiB,
//! an unterminated heredoc), with the line.
//!
//! An instruction's flags and arguments ([`Instruction::flags`], [`Instruction::args`]) are
//! read from its logical line when asked, as BuildKit's parser reads that instruction's
//! (`--name=value` flags, then a JSON array, the rest of the line, or words), each with its
//! exact bytes in the text, across continuation lines: the tree itself keeps none of them, so
//! that reading a file costs only what every reader needs. What the words mean (variables,
//! values) is the next layer's business: [`check`](crate::check) and
//! [`format`](crate::format) read the instructions the way BuildKit's instruction parser does
//! and refuse only what it refuses; [`parse`](crate::parse) lowers the tree into the typed
//! model, which may refuse more.

mod args;
pub(crate) mod comment;
mod diagnostic;
mod read;
pub(crate) mod words;

use crate::rules::HeredocMarker;
use std::borrow::Cow;
use std::ops::Range;

pub use args::{Args, Flag, Form, Word};
pub use diagnostic::{Diagnostic, ParseErrors};
pub use read::read;
pub(crate) use read::read_all;

/// A Dockerfile read losslessly: see the [module documentation](self).
///
/// ```
/// use dockerdsl::syntax::{self, NodeKind};
///
/// let text = "# syntax=docker/dockerfile:1\n\nFROM alpine:3.20 AS app\n# the tools\nRUN apk add \\\n    curl\n";
/// let tree = syntax::read(text)?;
/// let kinds: Vec<&str> = tree.nodes().iter().map(|n| n.kind().name()).collect();
/// assert_eq!(kinds, ["directive", "blank", "instruction", "comment", "instruction"]);
/// let run = tree.instructions().nth(1).unwrap();
/// assert_eq!((run.keyword(), run.line(), run.end_line()), ("RUN", 5, 6));
/// assert_eq!(&text[tree.nodes()[4].span()], "RUN apk add \\\n    curl");
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tree<'a> {
    pub(crate) text: &'a str,
    pub(crate) escape: char,
    pub(crate) nodes: Vec<Node<'a>>,
}

impl<'a> Tree<'a> {
    /// The text the tree was read from.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The escape character (`\`, or `` ` `` with `# escape=``).
    pub fn escape(&self) -> char {
        self.escape
    }

    /// Every node, in file order.
    pub fn nodes(&self) -> &[Node<'a>] {
        &self.nodes
    }

    /// The instructions, in file order.
    pub fn instructions(&self) -> impl Iterator<Item = &Instruction<'a>> {
        self.nodes.iter().filter_map(|n| match &n.kind {
            NodeKind::Instruction(i) => Some(i),
            _ => None,
        })
    }
}

/// One node: what it is, its lines and its bytes.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub(crate) line: usize,
    pub(crate) end_line: usize,
    pub(crate) span: Range<usize>,
    pub(crate) kind: NodeKind<'a>,
}

impl<'a> Node<'a> {
    /// The first line, from 1.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The last line, from 1.
    pub fn end_line(&self) -> usize {
        self.end_line
    }

    /// The bytes of the text it spans: from the start of its first line to the end of its
    /// last line, line end excluded (a BOM before the first line is not part of any node).
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// What it is.
    pub fn kind(&self) -> &NodeKind<'a> {
        &self.kind
    }
}

/// What a [`Node`] is.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum NodeKind<'a> {
    /// A parser directive at the top of the file (`# syntax=...`, `# escape=...`,
    /// `# check=...`).
    Directive {
        /// The name as written (`syntax`, `Escape`).
        name: &'a str,
        /// The value, without the blanks around it.
        value: &'a str,
    },
    /// A comment line: the text after `#` and one space, trailing blanks dropped.
    Comment(&'a str),
    /// An empty line, or one of blanks only.
    Blank,
    /// A line BuildKit skips that is neither: escape characters alone.
    Ignored,
    /// An instruction.
    Instruction(Instruction<'a>),
}

impl NodeKind<'_> {
    /// `directive`, `comment`, `blank`, `ignored` or `instruction`.
    pub fn name(&self) -> &'static str {
        match self {
            NodeKind::Directive { .. } => "directive",
            NodeKind::Comment(_) => "comment",
            NodeKind::Blank => "blank",
            NodeKind::Ignored => "ignored",
            NodeKind::Instruction(_) => "instruction",
        }
    }
}

/// One instruction as written: its lines, the logical line BuildKit reads from them, its
/// heredocs.
#[derive(Debug, Clone)]
pub struct Instruction<'a> {
    pub(crate) line: usize,
    pub(crate) end_line: usize,
    pub(crate) column: usize,
    pub(crate) span: Range<usize>,
    /// The keyword, as a range of `joined`.
    pub(crate) keyword: Range<usize>,
    /// The logical line: continuation lines joined, comment and empty lines inside dropped.
    pub(crate) joined: Cow<'a, str>,
    /// Whether it has continuation lines (its logical line is not a slice of the text).
    pub(crate) continued: bool,
    /// Every physical line of it, joined with `\n` (borrowed unless `\r` was dropped).
    pub(crate) text: Cow<'a, str>,
    pub(crate) heredocs: Vec<Heredoc<'a>>,
    /// The line of the first empty line inside its continuation lines.
    pub(crate) empty_continuation: Option<usize>,
    /// The last line of its logical line (its continuation lines, empty and comment lines
    /// among them included; its heredoc bodies not): where BuildKit reports an empty
    /// continuation line.
    pub(crate) logical_end: usize,
    /// The whole text the tree was read from, which the pieces and spans point into.
    pub(crate) source: &'a str,
    /// The escape character, for reading the words.
    pub(crate) escape: char,
}

impl<'a> Instruction<'a> {
    /// The first line, from 1.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The last line (continuation line or heredoc terminator), from 1.
    pub fn end_line(&self) -> usize {
        self.end_line
    }

    /// The column of the keyword, from 1.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The bytes of the text it spans.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The keyword as written (`from`, `Run`).
    pub fn keyword(&self) -> &str {
        self.joined.get(self.keyword.clone()).unwrap_or_default()
    }

    /// The logical line BuildKit reads: continuation lines joined, without their escape
    /// characters, comment and empty lines inside dropped; heredoc bodies are not part of it.
    pub fn logical(&self) -> &str {
        &self.joined
    }

    /// Everything after the keyword on the logical line (flags and arguments), trimmed.
    pub fn rest(&self) -> &str {
        self.joined
            .get(self.keyword.end..)
            .unwrap_or_default()
            .trim()
    }

    /// The instruction's text: every physical line of it, joined with `\n`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its heredocs, in order.
    pub fn heredocs(&self) -> &[Heredoc<'a>] {
        &self.heredocs
    }

    /// The line of the first empty line among its continuation lines (BuildKit's
    /// `NoEmptyContinuation`), if any.
    pub fn empty_continuation(&self) -> Option<usize> {
        self.empty_continuation
    }

    /// The line BuildKit's `NoEmptyContinuation` names when there is an empty continuation
    /// line: the last line its parser read for the logical line.
    pub(crate) fn empty_continuation_reported(&self) -> Option<usize> {
        self.empty_continuation.map(|_| self.logical_end)
    }

    /// Whether the keyword is `keyword`, in any case.
    pub fn is(&self, keyword: &str) -> bool {
        self.keyword().eq_ignore_ascii_case(keyword)
    }

    /// The physical lines joined into the logical line, without their continuation escapes,
    /// and the comment lines among them (`true`); empty for an instruction of one line.
    /// Read again from the text when asked: the tree keeps none of it.
    pub(crate) fn pieces(&self) -> Vec<(&'a str, bool)> {
        let mut out = Vec::new();
        if !self.continued {
            return out;
        }
        let mut lines = read::Lines::new(self.source, self.span.start, 0);
        let Some(first) = lines.next() else {
            return out;
        };
        let (piece, mut continued) =
            read::trim_continuation(&first.text[read::blank_len(first.text)..], self.escape);
        out.push((piece, false));
        while continued {
            let Some(l) = lines.next() else {
                break;
            };
            if read::is_comment(l.text) {
                out.push((l.text, true));
            } else if !read::is_blank_line(l.text) {
                let (part, more) = read::trim_continuation(l.text, self.escape);
                out.push((part, false));
                continued = more;
            }
        }
        out
    }
}

/// A heredoc of a `RUN`, `COPY` or `ADD`: its marker and its body.
#[derive(Debug, Clone)]
pub struct Heredoc<'a> {
    pub(crate) marker: HeredocMarker,
    pub(crate) body: Cow<'a, str>,
    pub(crate) terminated: bool,
}

impl Heredoc<'_> {
    /// The delimiter word, quotes removed.
    pub fn name(&self) -> &str {
        &self.marker.name
    }

    /// Whether variables in the body are expanded (the delimiter is not quoted).
    pub fn expands(&self) -> bool {
        self.marker.expand
    }

    /// Whether leading tabs are stripped (`<<-`).
    pub fn chomps(&self) -> bool {
        self.marker.chomp
    }

    /// The body as written (line ends as they are, `\r\n` included, as BuildKit keeps them),
    /// before tabs are stripped.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Whether the terminator line was found.
    pub fn terminated(&self) -> bool {
        self.terminated
    }
}
