//! How values are written so that BuildKit reads back exactly the value given. Every quoting
//! and escaping decision of the renderer is made here.
//!
//! BuildKit reads a value in two layers: the parser splits the line into words (JSON arrays,
//! whitespace-separated words, or `key=value` words that respect quotes), then the shell-word
//! lexer removes quotes and escapes and substitutes `$VARIABLES`. `$` is left as written
//! everywhere: substitution is a feature users rely on (`ENV PATH=/app/bin:$PATH`).

use crate::number::push_u64;
use crate::rules::heredoc_like;
use std::borrow::Cow;
use std::time::Duration;

/// Appends what goes between the quotes of `s` as a JSON string literal. serde_json escapes
/// only `"`, `\\` and control characters, so text without them is copied as it is (the same
/// bytes, without building a JSON value); anything else is written by serde_json.
#[inline]
fn push_json_content(out: &mut String, s: &str) {
    if scan(s) & JSON != 0 {
        push_json_escaped(out, s);
    } else {
        out.push_str(s);
    }
}

/// Kept out of line: the common case above then needs no stack frame of its own.
#[cold]
#[inline(never)]
fn push_json_escaped(out: &mut String, s: &str) {
    let literal = serde_json::Value::String(s.to_owned()).to_string();
    // serde_json writes a string as one `"`, the escaped text and one `"` (the fallback is
    // never taken).
    out.push_str(
        literal
            .strip_prefix('"')
            .and_then(|l| l.strip_suffix('"'))
            .unwrap_or(&literal),
    );
}

/// Appends `["a", "b"]`. The quotes and separators between two items go out as one piece.
#[inline]
pub(crate) fn push_json_array<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    let mut items = items.into_iter();
    let Some(first) = items.next() else {
        out.push_str("[]");
        return;
    };
    out.push_str("[\"");
    push_json_content(out, first);
    for item in items {
        out.push_str("\", \"");
        push_json_content(out, item);
    }
    out.push_str("\"]");
}

/// Appends the JSON array of each item's [`bare_word`], for the JSON form of COPY, ADD and
/// VOLUME.
pub(crate) fn push_json_words<'a>(
    out: &mut String,
    items: impl IntoIterator<Item = &'a str>,
    escape: char,
) {
    let mut items = items.into_iter();
    let Some(first) = items.next() else {
        out.push_str("[]");
        return;
    };
    out.push_str("[\"");
    push_bare_word_content(out, first, escape);
    for item in items {
        out.push_str("\", \"");
        push_bare_word_content(out, item, escape);
    }
    out.push_str("\"]");
}

fn push_bare_word_content(out: &mut String, item: &str, escape: char) {
    if bare_word_changes(item, escape) {
        push_json_content(out, &bare_word(item, escape));
    } else {
        push_json_content(out, item);
    }
}

/// What one pass over a text's bytes finds (see [`scan`]): ASCII whitespace (Go's
/// `unicode.IsSpace` and Rust's `char::is_whitespace` agree) and quotes, ...
const SPECIAL: u8 = 1;
/// ... ASCII control characters, ...
const CONTROL: u8 = 2;
/// ... a byte of a multi-byte character (the callers then look at the text character by
/// character), ...
const NON_ASCII: u8 = 4;
/// ... the two escape characters BuildKit accepts, ...
const BACKSLASH: u8 = 8;
const BACKTICK: u8 = 16;
/// ... what serde_json escapes in a string: `"`, `\` and control characters below 0x20, ...
const JSON: u8 = 32;
/// ... `"`, which the escape character escapes inside double quotes, ...
const DOUBLE_QUOTE: u8 = 64;
/// ... and `'`, which a bare word escapes too.
const SINGLE_QUOTE: u8 = 128;

/// The classes of each byte.
const CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = if b < 0x20 {
            CONTROL | JSON
        } else if b == 0x7f {
            CONTROL
        } else if b >= 0x80 {
            NON_ASCII
        } else {
            0
        };
        b += 1;
    }
    let mut b = b'\t';
    while b <= b'\r' {
        t[b as usize] |= SPECIAL;
        b += 1;
    }
    t[b' ' as usize] = SPECIAL;
    t[b'\'' as usize] = SPECIAL | SINGLE_QUOTE;
    t[b'"' as usize] = SPECIAL | JSON | DOUBLE_QUOTE;
    t[b'\\' as usize] = BACKSLASH | JSON;
    t[b'`' as usize] = BACKTICK;
    t
};

/// The classes of every byte of `s`, in one pass.
fn scan(s: &str) -> u8 {
    s.bytes()
        .fold(0, |found, b| found | CLASSES[usize::from(b)])
}

/// The class of the escape character, when it is one BuildKit accepts.
fn escape_class(escape: char) -> Option<u8> {
    match escape {
        '\\' => Some(BACKSLASH),
        '`' => Some(BACKTICK),
        _ => None,
    }
}

/// Whether the shell-word lexer would change this text (or the parser split it or take it
/// for a flag): empty, has whitespace, quotes or the escape character, starts with `--`
/// (flags are taken from the front of every instruction), or starts with U+FEFF (Go's
/// `text/scanner` skips a byte-order mark at the start of its input).
#[inline]
fn needs_quotes(s: &str, escape: char) -> bool {
    // Only an empty word, `-` or U+FEFF's first byte can start one of the cases below.
    if matches!(s.as_bytes().first(), None | Some(b'-' | 0xef))
        && (s.is_empty() || s.starts_with("--") || s.starts_with('\u{feff}'))
    {
        return true;
    }
    let Some(e) = escape_class(escape) else {
        return any_special_char(s, escape);
    };
    let found = scan(s);
    found & (SPECIAL | e) != 0 || (found & NON_ASCII != 0 && any_special_char(s, escape))
}

#[cold]
#[inline(never)]
fn any_special_char(s: &str, escape: char) -> bool {
    s.chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '\'' || c == escape)
}

/// Appends `s` as a word for the shell-word lexer, double-quoted when needed. Inside double
/// quotes the escape character escapes `"`, `$` and itself; `$` is left to substitution.
#[inline(always)]
pub(crate) fn push_word(out: &mut String, s: &str, escape: char) {
    if needs_quotes(s, escape) {
        push_quoted(out, s, escape);
    } else {
        out.push_str(s);
    }
}

/// [`push_word`]'s text in double quotes; out of line, so that the common case is small
/// enough to inline.
#[inline(never)]
fn push_quoted(out: &mut String, s: &str, escape: char) {
    out.reserve(s.len() + 2);
    out.push('"');
    if escape_class(escape).is_some_and(|e| scan(s) & (DOUBLE_QUOTE | e) == 0) {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut rest = s;
    while let Some(i) = rest.find(['"', escape]) {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        out.push(escape);
        let mut chars = after.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out.push('"');
}

/// Whether [`bare_word`] writes anything but `s` itself.
fn bare_word_changes(s: &str, escape: char) -> bool {
    // Only U+FEFF's first byte, `<` or a digit can start a byte-order mark or a heredoc
    // marker.
    if matches!(s.as_bytes().first(), Some(0xef | b'<' | b'0'..=b'9'))
        && (s.starts_with('\u{feff}') || heredoc_like(s))
    {
        return true;
    }
    match escape_class(escape) {
        // The quotes and both escape characters are ASCII: the byte classes see them exactly.
        Some(e) => scan(s) & (DOUBLE_QUOTE | SINGLE_QUOTE | e) != 0,
        None => s.contains(['"', '\'', escape]),
    }
}

/// A word for the lexer without quotes, for inside a JSON array: the escape character
/// escapes any character outside quotes. A leading U+FEFF or heredoc marker (`<<EOF`,
/// `1<<EOF`) is escaped too, so that neither the lexer nor the heredoc check sees it.
fn bare_word(s: &str, escape: char) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    if s.starts_with('\u{feff}') || heredoc_like(s) {
        out.push(escape);
    }
    for c in s.chars() {
        if c == '"' || c == '\'' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out
}

/// Whether a COPY/ADD/VOLUME path can be written as a bare whitespace-separated word: no
/// whitespace, quotes, escape character or control characters, not a flag, not JSON, not a
/// heredoc marker.
#[inline]
pub(crate) fn plain_path(s: &str, escape: char) -> bool {
    // Only these first bytes can start an empty word, a flag, U+FEFF, JSON or a heredoc
    // marker (`<<EOF`, `2<<EOF`); most paths start with none of them.
    if matches!(
        s.as_bytes().first(),
        None | Some(b'-' | 0xef | b'[' | b'<' | b'0'..=b'9')
    ) && (s.is_empty()
        || s.starts_with("--")
        || s.starts_with('\u{feff}')
        || s.starts_with('[')
        || heredoc_like(s))
    {
        return false;
    }
    let Some(e) = escape_class(escape) else {
        return plain_chars(s, escape);
    };
    let found = scan(s);
    if found & (SPECIAL | CONTROL | e) != 0 {
        false
    } else {
        found & NON_ASCII == 0 || plain_chars(s, escape)
    }
}

/// [`plain_path`] character by character, for text the byte classes cannot decide; out of
/// line, so that the common case inlines.
#[cold]
#[inline(never)]
fn plain_chars(s: &str, escape: char) -> bool {
    !any_special_char(s, escape) && !s.chars().any(char::is_control)
}

/// A heredoc delimiter that no line of `body` equals: `EOF`, or `EOF1`, `EOF2`, ... when
/// the body has a line `EOF`.
pub(crate) fn heredoc_delimiter(body: &str) -> Cow<'static, str> {
    // Most bodies have no `F` at all: memchr's vector search answers that for less than the
    // setup of a substring search.
    if memchr::memchr(b'F', body.as_bytes()).is_none() || !body.contains("EOF") {
        return Cow::Borrowed("EOF");
    }
    let mut delimiter = String::from("EOF");
    let mut n = 0u32;
    while body.lines().any(|l| l == delimiter) {
        n += 1;
        delimiter = format!("EOF{n}");
    }
    Cow::Owned(delimiter)
}

/// Appends a Go duration: whole hours or minutes when exact, else seconds with a decimal
/// fraction (`1h`, `2m`, `90s`, `2.5s`). Go also reads `2s500ms`, but hadolint reads only
/// `h`, `m` and `s` units.
pub(crate) fn push_go_duration(out: &mut String, d: Duration) {
    let secs = d.as_secs();
    let nanos = d.subsec_nanos();
    // Below a minute (the usual timeout and interval): no division to try.
    if nanos == 0 && secs < 60 {
        push_u64(out, secs);
        out.push('s');
    } else if nanos == 0 && secs % 3600 == 0 {
        push_u64(out, secs / 3600);
        out.push('h');
    } else if nanos == 0 && secs % 60 == 0 {
        push_u64(out, secs / 60);
        out.push('m');
    } else if nanos == 0 {
        push_u64(out, secs);
        out.push('s');
    } else {
        push_u64(out, secs);
        let fraction = format!("{nanos:09}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
        out.push('s');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(s: &str, escape: char) -> String {
        let mut out = String::new();
        push_word(&mut out, s, escape);
        out
    }

    fn json_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
        let mut out = String::new();
        push_json_array(&mut out, items);
        out
    }

    fn push_json_string(out: &mut String, s: &str) {
        out.push('"');
        push_json_content(out, s);
        out.push('"');
    }

    fn go_duration(d: Duration) -> String {
        let mut out = String::new();
        push_go_duration(&mut out, d);
        out
    }

    /// The byte scans decide as the character-by-character definitions do.
    #[test]
    fn scans_agree_with_characters() {
        let samples = [
            "",
            "a",
            "--x",
            "-x",
            "a b",
            "a\tb",
            "caf\u{e9}",
            "caf\u{e9} x",
            "\u{a0}",
            "a\u{2028}b",
            "\u{feff}x",
            "x\u{feff}",
            "a`b",
            "a\\b",
            "it's",
            "say \"hi\"",
            "\u{7f}",
            "\u{85}",
            "\u{9f}x",
            "/srv/data",
            "[x",
            "<<EOF",
            "2<<X",
            "\u{1}",
            "\u{1680}",
            "\u{3000}",
            "\u{200b}",
            "\u{e9}'",
        ];
        for s in samples {
            for escape in ['\\', '`', '\u{e9}'] {
                let quotes = s.is_empty()
                    || s.starts_with("--")
                    || s.starts_with('\u{feff}')
                    || s.chars()
                        .any(|c| c.is_whitespace() || c == '"' || c == '\'' || c == escape);
                assert_eq!(needs_quotes(s, escape), quotes, "{s:?} {escape:?}");
                let plain = !quotes
                    && !s.starts_with('[')
                    && !heredoc_like(s)
                    && !s.chars().any(char::is_control);
                assert_eq!(plain_path(s, escape), plain, "{s:?} {escape:?}");
                assert_eq!(
                    bare_word_changes(s, escape),
                    bare_word(s, escape) != s,
                    "{s:?} {escape:?}"
                );
                let mut json = String::new();
                push_json_words(&mut json, [s], escape);
                assert_eq!(
                    json,
                    serde_json::Value::from(vec![bare_word(s, escape)]).to_string(),
                    "{s:?} {escape:?}"
                );
            }
        }
    }

    #[test]
    fn words() {
        assert_eq!(word("plain/$PATH", '\\'), "plain/$PATH");
        assert_eq!(word("", '\\'), "\"\"");
        assert_eq!(word("a b", '\\'), "\"a b\"");
        assert_eq!(word("say \"hi\"\\", '\\'), "\"say \\\"hi\\\"\\\\\"");
        assert_eq!(word("it's", '`'), "\"it's\"");
        assert_eq!(word("a`b", '`'), "\"a``b\"");
        assert_eq!(bare_word("it's a \"b\"\\", '\\'), "it\\'s a \\\"b\\\"\\\\");
        assert_eq!(word("--x", '\\'), "\"--x\"");
        assert_eq!(word("\u{feff}x", '\\'), "\"\u{feff}x\"");
        assert_eq!(bare_word("1<<EOF", '\\'), "\\1<<EOF");
        assert_eq!(bare_word("\u{feff}x", '`'), "`\u{feff}x");
        assert!(!plain_path("2<<X", '\\'));
    }

    #[test]
    fn json() {
        assert_eq!(
            json_array(["a\"b", "c\nd", "\u{1}"]),
            r#"["a\"b", "c\nd", "\u0001"]"#
        );
        assert_eq!(json_array([]), "[]");
        // The copy-through path writes what serde_json writes.
        for s in [
            "plain",
            "",
            "caf\u{e9} \u{7f} \u{2028} $HOME 'q'",
            "a\"b\\c",
            "\t\r\u{1f}",
        ] {
            let mut out = String::new();
            push_json_string(&mut out, s);
            assert_eq!(out, serde_json::Value::String(s.to_owned()).to_string());
        }
    }

    #[test]
    fn delimiters() {
        assert_eq!(heredoc_delimiter("echo\n"), "EOF");
        assert_eq!(heredoc_delimiter("EOF\nEOF1\n"), "EOF2");
        assert_eq!(heredoc_delimiter("EOF \n"), "EOF");
    }

    #[test]
    fn durations() {
        assert_eq!(go_duration(Duration::from_secs(90)), "90s");
        assert_eq!(go_duration(Duration::from_secs(120)), "2m");
        assert_eq!(go_duration(Duration::from_millis(2500)), "2.5s");
        assert_eq!(go_duration(Duration::from_millis(1)), "0.001s");
        assert_eq!(go_duration(Duration::from_secs(3600)), "1h");
        assert_eq!(go_duration(Duration::ZERO), "0s");
        assert_eq!(
            go_duration(Duration::MAX),
            "18446744073709551615.999999999s"
        );
        assert_eq!(go_duration(Duration::new(1, 1)), "1.000000001s");
    }
}
