//! From physical lines to nodes, as BuildKit's `parser.Parse` reads them: directives at the
//! top, continuation lines, comment lines, heredoc bodies; and the trivia it skips (blank
//! lines, comments), kept as nodes.

use super::words::{self, Split};
use super::{Diagnostic, Heredoc, Instruction, Node, NodeKind, ParseErrors, Tree};
use crate::rules::{self, HeredocMarker};
use std::borrow::Cow;

/// The longest physical line BuildKit reads.
const MAX_LINE: usize = 65_535;

/// Reads `text` into a [`Tree`], or every problem BuildKit's line reader would refuse it for.
///
/// ```
/// let err = dockerdsl::syntax::read("FROM alpine:3.20\nRUN <<EOF\necho hi\n").unwrap_err();
/// assert_eq!(err.to_string(), "2:1: unterminated heredoc `EOF`\n  = help: end it with a line `EOF`\n");
/// ```
pub fn read(text: &str) -> Result<Tree<'_>, ParseErrors> {
    let mut errors = Vec::new();
    let tree = read_all(text, &mut errors);
    if errors.is_empty() {
        Ok(tree)
    } else {
        Err(ParseErrors::new(errors))
    }
}

/// `isComment`: the first non-blank character is `#`.
pub(super) fn is_comment(line: &str) -> bool {
    line.as_bytes().get(blank_len(line)) == Some(&b'#')
}

/// The length of the blanks a line starts with: BuildKit trims Go's `unicode.IsSpace`
/// (Rust's `char::is_whitespace`). Byte by byte while they are ASCII, as they nearly
/// always are.
pub(super) fn blank_len(line: &str) -> usize {
    let b = line.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => i += 1,
            c if c < 0x80 => return i,
            _ => return i + (line[i..].len() - line[i..].trim_start().len()),
        }
    }
    i
}

/// Whether a line is blanks only.
pub(super) fn is_blank_line(line: &str) -> bool {
    blank_len(line) == line.len()
}

/// The comment's text after `#` and one space, its indentation kept (license headers,
/// aligned notes); trailing blanks dropped.
fn comment_text(line: &str) -> &str {
    let t = &line[blank_len(line)..];
    let t = t.strip_prefix('#').unwrap_or(t);
    t.strip_prefix(' ').unwrap_or(t).trim_end()
}

/// `trimContinuationCharacter`: whether the line ends with the escape character (and only
/// spaces or tabs after it), and the line without them.
pub(super) fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(escape) {
        // `([^E])E[ \t]*$` or a line that is only `E`: a doubled escape is not a
        // continuation.
        if before.is_empty() || !before.ends_with(escape) {
            return (before, true);
        }
    }
    (line, false)
}

/// The directive's name and value as written, slices of the line.
fn directive_parts(trimmed: &str) -> (&str, &str) {
    let rest = trimmed
        .trim_start_matches('#')
        .trim_start_matches([' ', '\t']);
    let (name, value) = rest.split_once('=').unwrap_or((rest, ""));
    (
        name.trim_end_matches([' ', '\t']),
        value.trim_matches([' ', '\t']),
    )
}

/// One physical line: its text without the line end, where it starts, its number from 1.
#[derive(Clone, Copy)]
pub(super) struct Line<'a> {
    pub text: &'a str,
    pub start: usize,
    pub number: usize,
    /// Whether `\r`s were dropped from its end.
    pub cr: bool,
}

/// The physical lines of a text as BuildKit's parser reads them: cut at `\n`, the `\r`s
/// before it dropped (its `trimNewline`), no empty line after a final `\n`. One pass with
/// `memchr`, nothing collected.
pub(super) struct Lines<'a> {
    text: &'a str,
    pos: usize,
    number: usize,
    /// The first line longer than BuildKit reads.
    pub too_long: Option<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, pos: usize, number: usize) -> Self {
        Lines {
            text,
            pos,
            number,
            too_long: None,
        }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let rest = self.text.get(self.pos..).filter(|r| !r.is_empty())?;
        let start = self.pos;
        let len = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        self.pos += len + 1;
        self.number += 1;
        let line = &rest[..len];
        // BuildKit's `trimNewline` takes every `\r` off a line's end, not only the one of a
        // `\r\n`: `RUN a \\\r\r` continues, and `EOF\r\r` ends a heredoc.
        let cr = line.as_bytes().last() == Some(&b'\r');
        let text = if cr {
            line.trim_end_matches('\r')
        } else {
            line
        };
        // The length limit as before: the line without its `\n` and one `\r`.
        if line.len() - usize::from(cr) > MAX_LINE && self.too_long.is_none() {
            self.too_long = Some(self.number);
        }
        Some(Line {
            text,
            start,
            number: self.number,
            cr,
        })
    }
}

/// BuildKit's refusal of the empty instruction a continuation makes when the file ends
/// before anything continues it (`unknown instruction: `).
fn nothing_continued(line: usize) -> Diagnostic {
    Diagnostic::new(
        line,
        1,
        "the file ends in a continued line with nothing to continue: BuildKit reads an empty instruction"
            .to_owned(),
    )
    .with_help("remove the escape character at the end of the line")
}

pub(crate) fn read_all<'a>(text: &'a str, errors: &mut Vec<Diagnostic>) -> Tree<'a> {
    let first_error = errors.len();
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = Lines::new(text, bom, 0);
    // Sized from the length (a node is rarely under 32 bytes of text): counting the lines
    // first cost a tenth of the reading, growing the vector more.
    let mut nodes: Vec<Node<'a>> = Vec::with_capacity(text.len() / 32 + 4);
    let mut escape = '\\';
    let mut seen: Vec<String> = Vec::new();
    let mut next = lines.next();
    // Directives: leading lines of the form `# key=value` for a known key.
    while let Some(line) = next {
        let trimmed = &line.text[blank_len(line.text)..];
        let Some((key, value)) = rules::directive_like(trimmed) else {
            break;
        };
        if seen.contains(&key) {
            errors.push(
                Diagnostic::new(
                    line.number,
                    1,
                    format!("only one {key} parser directive can be used"),
                )
                .with_help("remove the repeated directive"),
            );
        }
        if key == "escape" {
            match value.as_str() {
                "\\" => escape = '\\',
                "`" => escape = '`',
                other => errors.push(
                    Diagnostic::new(line.number, 1, format!("invalid escape token `{other}`"))
                        .with_help("the escape character is `\\` or `` ` ``"),
                ),
            }
        }
        seen.push(key);
        let (name, value) = directive_parts(trimmed);
        nodes.push(one(line, NodeKind::Directive { name, value }));
        next = lines.next();
    }

    while let Some(line) = next {
        next = lines.next();
        let lead = blank_len(line.text);
        let stripped = &line.text[lead..];
        if stripped.starts_with('#') {
            nodes.push(one(line, NodeKind::Comment(comment_text(line.text))));
            continue;
        }
        let (first, mut continued) = trim_continuation(stripped, escape);
        let first_blank = is_blank_line(first);
        if !continued && first_blank {
            nodes.push(one(line, NodeKind::Blank));
            continue;
        }
        if continued && first_blank && next.is_none() {
            errors.push(nothing_continued(line.number));
            nodes.push(one(line, NodeKind::Ignored));
            continue;
        }
        let column = line.text[..lead].chars().count() + 1;
        let mut joined = Cow::Borrowed(first);
        let mut empty_continuation = None;
        let mut last = line;
        let mut cr = line.cr;
        let has_continuation = continued && next.is_some();
        while continued {
            let Some(l) = next else {
                break;
            };
            next = lines.next();
            last = l;
            cr |= l.cr;
            if is_comment(l.text) {
                continue;
            }
            if is_blank_line(l.text) {
                empty_continuation.get_or_insert(l.number);
                continue;
            }
            let (part, more) = trim_continuation(l.text, escape);
            joined.to_mut().push_str(part);
            continued = more;
        }
        let logical_end = last.number;
        if is_blank_line(&joined) {
            // Only escape characters, comments and blank lines up to the end of the file:
            // BuildKit reads an empty instruction there, and refuses it.
            errors.push(nothing_continued(line.number));
            nodes.push(Node {
                line: line.number,
                end_line: last.number,
                span: line.start..last.start + last.text.len(),
                kind: NodeKind::Ignored,
            });
            continue;
        }
        let keyword = keyword_range(&joined);
        let mut heredocs = Vec::new();
        if let Some(markers) = heredoc_markers(&joined, keyword.clone()) {
            for marker in markers {
                let body_start = next.map_or(text.len(), |l| l.start);
                let mut terminator = None;
                while let Some(body) = next {
                    next = lines.next();
                    last = body;
                    cr |= body.cr;
                    let candidate = if marker.chomp {
                        body.text.trim_start_matches('\t')
                    } else {
                        body.text
                    };
                    if candidate == marker.name {
                        terminator = Some(body.start);
                        break;
                    }
                }
                if terminator.is_none() {
                    errors.push(
                        Diagnostic::new(
                            line.number,
                            column,
                            format!("unterminated heredoc `{}`", marker.name),
                        )
                        .with_help(format!("end it with a line `{}`", marker.name)),
                    );
                }
                // The body's bytes as they are, `\r` kept: BuildKit's heredoc reader keeps
                // line ends (its `scanLines`), unlike its instruction reader.
                let body_end = terminator.unwrap_or(text.len()).max(body_start);
                heredocs.push(Heredoc {
                    marker,
                    body: Cow::Borrowed(text.get(body_start..body_end).unwrap_or_default()),
                    terminated: terminator.is_some(),
                });
            }
        }
        let span = line.start..last.start + last.text.len();
        // Without a `\r` dropped, the instruction's lines joined with `\n` are its bytes.
        let lines_text = if cr {
            Cow::Owned(
                Lines::new(text, line.start, 0)
                    .take_while(|l| l.start <= last.start)
                    .map(|l| l.text)
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        } else {
            Cow::Borrowed(text.get(span.clone()).unwrap_or_default())
        };
        nodes.push(Node {
            line: line.number,
            end_line: last.number,
            span: span.clone(),
            kind: NodeKind::Instruction(Instruction {
                line: line.number,
                end_line: last.number,
                column,
                span,
                keyword,
                joined,
                continued: has_continuation,
                text: lines_text,
                heredocs,
                empty_continuation,
                logical_end,
                source: text,
                escape,
            }),
        });
    }
    // bufio.Scanner's limit: BuildKit refuses longer lines, before anything else.
    if let Some(n) = lines.too_long {
        errors.insert(
            first_error,
            Diagnostic::new(
                n,
                1,
                format!("dockerfile line greater than max allowed size of {MAX_LINE} bytes"),
            )
            .with_help("split the line with continuation lines, or move the data into a file"),
        );
    }
    Tree {
        text,
        escape,
        nodes,
    }
}

/// A node of one line.
fn one<'a>(line: Line<'a>, kind: NodeKind<'a>) -> Node<'a> {
    Node {
        line: line.number,
        end_line: line.number,
        span: line.start..line.start + line.text.len(),
        kind,
    }
}

/// The keyword of a logical line: its first word (BuildKit's `splitCommand`).
fn keyword_range(joined: &str) -> std::ops::Range<usize> {
    let start = joined.len() - joined.trim_start_matches(char::is_whitespace).len();
    let len = joined.as_bytes()[start..]
        .iter()
        .position(|b| matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' '))
        .unwrap_or(joined.len() - start);
    let end = start + len;
    // The keyword ends where the trimmed line does when it is the only word.
    let end = end.min(start + joined[start..].trim_end().len());
    start..end
}

/// Whether the line has `<<`: a search for `<` (most lines have none) rather than for the
/// two-byte string, which cost more.
fn has_double_lt(line: &str) -> bool {
    memchr::memchr_iter(b'<', line.as_bytes()).any(|i| line.as_bytes().get(i + 1) == Some(&b'<'))
}

/// The heredocs BuildKit reads after this line: only for RUN, COPY and ADD (also after
/// ONBUILD), not in JSON form, and only when the line has `<<`.
fn heredoc_markers(line: &str, keyword: std::ops::Range<usize>) -> Option<Vec<HeredocMarker>> {
    let is = |k: &str, of: &str| k.eq_ignore_ascii_case(of);
    let keyword = line.get(keyword).unwrap_or_default();
    // The keyword first: splitting the line costs more, and most lines are not these.
    if !["run", "copy", "add", "onbuild"]
        .iter()
        .any(|k| is(keyword, k))
        || !has_double_lt(line)
    {
        return None;
    }
    let Split { keyword, args, .. } = words::split_command(line);
    let (keyword, args) = if is(keyword, "onbuild") {
        let inner = words::split_command(args);
        (inner.keyword, inner.args)
    } else {
        (keyword, args)
    };
    let allowed = ["run", "copy", "add"].iter().any(|k| is(keyword, k));
    if !allowed || matches!(words::json_array(args), Some(Ok(_))) {
        return None;
    }
    // BuildKit lexes the whole line for its markers (`heredocsFromLine`, with `\\` as the
    // escape whatever the file's), and a line its lexer cannot read (an unterminated quote,
    // `${}`) has none: what follows is read as instructions.
    if !crate::expand::readable(line, '\\') {
        return None;
    }
    Some(rules::heredoc_markers(line))
}
