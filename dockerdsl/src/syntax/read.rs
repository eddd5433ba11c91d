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
fn is_comment(line: &str) -> bool {
    line.trim_start_matches(is_blank).starts_with('#')
}

/// BuildKit trims Go's `unicode.IsSpace`.
fn is_blank(c: char) -> bool {
    c.is_whitespace()
}

/// The comment's text after `#` and one space, its indentation kept (license headers,
/// aligned notes); trailing blanks dropped.
fn comment_text(line: &str) -> &str {
    let t = line.trim_start_matches(is_blank);
    let t = t.strip_prefix('#').unwrap_or(t);
    t.strip_prefix(' ').unwrap_or(t).trim_end()
}

/// `trimContinuationCharacter`: whether the line ends with the escape character (and only
/// spaces or tabs after it), and the line without them.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
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

pub(crate) fn read_all<'a>(text: &'a str, errors: &mut Vec<Diagnostic>) -> Tree<'a> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    // bufio.ScanLines: lines end at `\n`, a `\r` before it is dropped; no empty last line.
    // Sized from the length (a line is rarely under 16 bytes): counting the newlines first
    // cost a tenth of the reading.
    let mut physical: Vec<&str> = Vec::with_capacity(body.len() / 16 + 1);
    physical.extend(body.split('\n'));
    if physical.last() == Some(&"") {
        physical.pop();
    }
    // Without a `\r` dropped, an instruction's lines are a slice of the text, borrowed as
    // they are. (Found line by line: a second pass over the text cost more.)
    let mut crlf = false;
    for l in &mut physical {
        if let Some(without) = l.strip_suffix('\r') {
            *l = without;
            crlf = true;
        }
    }
    let at = |line: &str| line.as_ptr() as usize - text.as_ptr() as usize;
    let span = |lines: &[&str]| match (lines.first(), lines.last()) {
        (Some(first), Some(last)) => at(first)..at(last) + last.len(),
        _ => 0..0,
    };

    // bufio.Scanner's limit: BuildKit refuses longer lines.
    if let Some(n) = physical.iter().position(|l| l.len() > MAX_LINE) {
        errors.push(
            Diagnostic::new(
                n + 1,
                1,
                format!("dockerfile line greater than max allowed size of {MAX_LINE} bytes"),
            )
            .with_help("split the line with continuation lines, or move the data into a file"),
        );
    }
    let mut nodes: Vec<Node<'a>> = Vec::with_capacity(physical.len());
    let mut escape = '\\';
    let mut seen: Vec<String> = Vec::new();
    let mut i = 0;
    // Directives: leading lines of the form `# key=value` for a known key.
    while let Some(line) = physical.get(i) {
        let trimmed = line.trim_start_matches(is_blank);
        let Some((key, value)) = rules::directive_like(trimmed) else {
            break;
        };
        if seen.contains(&key) {
            errors.push(
                Diagnostic::new(
                    i + 1,
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
                    Diagnostic::new(i + 1, 1, format!("invalid escape token `{other}`"))
                        .with_help("the escape character is `\\` or `` ` ``"),
                ),
            }
        }
        seen.push(key);
        let (name, value) = directive_parts(trimmed);
        nodes.push(Node {
            line: i + 1,
            end_line: i + 1,
            span: span(&physical[i..=i]),
            kind: NodeKind::Directive { name, value },
        });
        i += 1;
    }

    while i < physical.len() {
        let line = physical[i];
        let start = i;
        i += 1;
        let one = |kind| Node {
            line: start + 1,
            end_line: start + 1,
            span: span(&physical[start..=start]),
            kind,
        };
        if is_comment(line) {
            nodes.push(one(NodeKind::Comment(comment_text(line))));
            continue;
        }
        let stripped = line.trim_start_matches(is_blank);
        let (first, mut continued) = trim_continuation(stripped, escape);
        if !continued && first.trim().is_empty() {
            nodes.push(one(NodeKind::Blank));
            continue;
        }
        if continued && first.trim().is_empty() && i >= physical.len() {
            nodes.push(one(NodeKind::Ignored));
            continue;
        }
        let column = line[..line.len() - stripped.len()].chars().count() + 1;
        let mut joined = Cow::Borrowed(first);
        let mut pieces = Vec::new();
        let mut empty_continuation = None;
        if continued && i < physical.len() {
            pieces.push((first, false));
        }
        while continued && i < physical.len() {
            let next = physical[i];
            i += 1;
            if is_comment(next) {
                pieces.push((next, true));
                continue;
            }
            if next.trim_start_matches(is_blank).is_empty() {
                empty_continuation.get_or_insert(i);
                continue;
            }
            let (part, more) = trim_continuation(next, escape);
            joined.to_mut().push_str(part);
            pieces.push((part, false));
            continued = more;
        }
        if joined.trim().is_empty() {
            // Only escape characters and blank lines: nothing to read.
            nodes.push(Node {
                line: start + 1,
                end_line: i,
                span: span(&physical[start..i]),
                kind: NodeKind::Ignored,
            });
            continue;
        }
        let mut heredocs = Vec::new();
        if let Some(markers) = heredoc_markers(&joined) {
            for marker in markers {
                let body_start = i;
                let mut terminated = false;
                while i < physical.len() {
                    let body = physical[i];
                    i += 1;
                    let candidate = if marker.chomp {
                        body.trim_start_matches('\t')
                    } else {
                        body
                    };
                    if candidate == marker.name {
                        terminated = true;
                        break;
                    }
                }
                let body_end = if terminated { i - 1 } else { i };
                if !terminated {
                    errors.push(
                        Diagnostic::new(
                            start + 1,
                            column,
                            format!("unterminated heredoc `{}`", marker.name),
                        )
                        .with_help(format!("end it with a line `{}`", marker.name)),
                    );
                }
                // The body's bytes as they are, `\r` kept: BuildKit's heredoc reader keeps
                // line ends (its `scanLines`), unlike its instruction reader.
                let from = physical.get(body_start).map_or(text.len(), |l| at(l));
                let to = match physical.get(body_end) {
                    Some(terminator) if terminated => at(terminator),
                    _ => text.len(),
                };
                heredocs.push(Heredoc {
                    marker,
                    body: Cow::Borrowed(text.get(from..to.max(from)).unwrap_or_default()),
                    terminated,
                });
            }
        }
        let keyword = keyword_range(&joined);
        nodes.push(Node {
            line: start + 1,
            end_line: i,
            span: span(&physical[start..i]),
            kind: NodeKind::Instruction(Instruction {
                line: start + 1,
                end_line: i,
                column,
                span: span(&physical[start..i]),
                keyword,
                joined,
                pieces,
                text: lines_text(text, &physical[start..i], crlf),
                heredocs,
                empty_continuation,
                source: text,
                escape,
            }),
        });
    }
    Tree {
        text,
        escape,
        nodes,
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

/// Physical lines joined with `\n`: the slice of `text` they span when no `\r` was
/// dropped from them.
fn lines_text<'a>(text: &'a str, lines: &[&'a str], crlf: bool) -> Cow<'a, str> {
    let span = match (lines.first(), lines.last()) {
        (Some(first), Some(last)) if !crlf => {
            let start = first.as_ptr() as usize - text.as_ptr() as usize;
            let end = last.as_ptr() as usize - text.as_ptr() as usize + last.len();
            text.get(start..end)
        }
        _ => None,
    };
    match span {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(lines.join("\n")),
    }
}

/// Whether the line has `<<`: a search for `<` (most lines have none) rather than for the
/// two-byte string, which cost more.
fn has_double_lt(line: &str) -> bool {
    let mut rest = line;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with('<') {
            return true;
        }
    }
    false
}

/// The heredocs BuildKit reads after this line: only for RUN, COPY and ADD (also after
/// ONBUILD), not in JSON form, and only when the line has `<<`.
fn heredoc_markers(line: &str) -> Option<Vec<HeredocMarker>> {
    if !has_double_lt(line) {
        return None;
    }
    let Split { keyword, args, .. } = words::split_command(line);
    let (keyword, args) = if keyword.eq_ignore_ascii_case("onbuild") {
        let inner = words::split_command(args);
        (inner.keyword, inner.args)
    } else {
        (keyword, args)
    };
    let allowed = ["run", "copy", "add"]
        .iter()
        .any(|k| keyword.eq_ignore_ascii_case(k));
    if !allowed || matches!(words::json_array(args), Some(Ok(_))) {
        return None;
    }
    Some(rules::heredoc_markers(line))
}
