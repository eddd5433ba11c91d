//! From physical lines to instructions, as BuildKit's `parser.Parse` reads them: directives
//! at the top, continuation lines, comment lines, heredoc bodies.

use super::words::{self, Split};
use super::{Diagnostic, Directive};
use crate::rules::{self, HeredocMarker};
use std::borrow::Cow;

/// One instruction as its lines were read. It borrows from the file's text where it can:
/// most instructions are one line, and copying each piece of them cost more than reading.
#[derive(Debug, Clone)]
pub(crate) struct Logical<'a> {
    /// First line, from 1.
    pub line: usize,
    pub end_line: usize,
    /// Column of the keyword, from 1.
    pub column: usize,
    /// The logical line: continuation lines joined, comment lines dropped.
    pub joined: Cow<'a, str>,
    /// The physical lines the logical line was joined from, without their continuation
    /// escapes, and the comment lines among them (`true`), in order; empty for an
    /// instruction of one line (most of them), which needs no list.
    pub pieces: Vec<(&'a str, bool)>,
    /// Every physical line of it.
    pub text: Cow<'a, str>,
    /// Heredocs, with their content as read (before tab stripping).
    pub heredocs: Vec<(HeredocMarker, String)>,
    /// Comment lines right before it (since the previous instruction).
    pub comments: Vec<&'a str>,
}

/// What the lines hold.
#[derive(Debug, Default)]
pub(crate) struct Lines<'a> {
    pub directives: Vec<Directive>,
    pub escape: Option<char>,
    pub instructions: Vec<Logical<'a>>,
    /// Comment lines after the last instruction.
    pub trailing_comments: Vec<&'a str>,
}

/// The longest physical line BuildKit reads.
const MAX_LINE: usize = 65_535;

/// `isComment`: the first non-blank character is `#`.
fn is_comment(line: &str) -> bool {
    line.trim_start_matches(is_blank).starts_with('#')
}

/// BuildKit trims `[ \t]` (and in `trimLeadingWhitespace`, Go's `unicode.IsSpace`).
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

pub(crate) fn read<'a>(text: &'a str, errors: &mut Vec<Diagnostic>) -> Lines<'a> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // bufio.ScanLines: lines end at `\n`, a `\r` before it is dropped; no empty last line.
    // Sized up front: growing these a push at a time cost more than reading the lines.
    let mut physical: Vec<&str> = Vec::with_capacity(newlines(text) + 1);
    physical.extend(text.split('\n'));
    if physical.last() == Some(&"") {
        physical.pop();
    }
    // Without `\r`, an instruction's lines are a slice of the text, borrowed as they are.
    let crlf = text.contains('\r');
    if crlf {
        for l in &mut physical {
            *l = l.strip_suffix('\r').unwrap_or(l);
        }
    }

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
    let mut out = Lines {
        instructions: Vec::with_capacity(physical.len()),
        ..Lines::default()
    };
    let mut escape = '\\';
    let mut i = 0;
    // Directives: leading lines of the form `# key=value` for a known key.
    while let Some(line) = physical.get(i) {
        let trimmed = line.trim_start_matches(is_blank);
        let Some((key, value)) = rules::directive_like(trimmed) else {
            break;
        };
        let written = trimmed
            .trim_start_matches('#')
            .trim_start_matches([' ', '\t'])
            .chars()
            .take(key.len())
            .collect::<String>();
        if out
            .directives
            .iter()
            .any(|d| d.name.eq_ignore_ascii_case(&key))
        {
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
            out.escape = Some(escape);
        }
        out.directives.push(Directive {
            line: i + 1,
            name: written,
            value,
        });
        i += 1;
    }

    let mut comments = Vec::new();
    while i < physical.len() {
        let line = physical[i];
        let start = i;
        i += 1;
        if is_comment(line) {
            comments.push(comment_text(line));
            continue;
        }
        let stripped = line.trim_start_matches(is_blank);
        let column = line[..line.len() - stripped.len()].chars().count() + 1;
        let (first, mut continued) = trim_continuation(stripped, escape);
        if !continued && first.trim().is_empty() {
            continue;
        }
        if continued && first.trim().is_empty() && i >= physical.len() {
            continue;
        }
        let mut joined = Cow::Borrowed(first);
        let mut pieces = Vec::new();
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
                continue;
            }
            let (part, more) = trim_continuation(next, escape);
            joined.to_mut().push_str(part);
            pieces.push((part, false));
            continued = more;
        }
        if joined.trim().is_empty() {
            // Only escape characters and blank lines: nothing to read.
            continue;
        }
        let mut heredocs = Vec::new();
        if let Some(markers) = heredoc_markers(&joined) {
            for marker in markers {
                let mut content = String::new();
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
                    content.push_str(body);
                    content.push('\n');
                }
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
                heredocs.push((marker, content));
            }
        }
        out.instructions.push(Logical {
            line: start + 1,
            end_line: i,
            column,
            joined,
            pieces,
            text: lines_text(text, &physical[start..i], crlf),
            heredocs,
            comments: std::mem::take(&mut comments),
        });
    }
    out.trailing_comments = comments;
    out.escape = Some(escape);
    out
}

/// The number of `\n` in the text.
fn newlines(text: &str) -> usize {
    text.bytes().filter(|b| *b == b'\n').count()
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

/// The heredocs BuildKit reads after this line: only for RUN, COPY and ADD (also after
/// ONBUILD), not in JSON form, and only when the line has `<<`.
fn heredoc_markers(line: &str) -> Option<Vec<HeredocMarker>> {
    if !line.contains("<<") {
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
