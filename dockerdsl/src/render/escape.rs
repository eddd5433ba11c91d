//! How values are written so that BuildKit reads back exactly the value given. Every quoting
//! and escaping decision of the renderer is made here.
//!
//! BuildKit reads a value in two layers: the parser splits the line into words (JSON arrays,
//! whitespace-separated words, or `key=value` words that respect quotes), then the shell-word
//! lexer removes quotes and escapes and substitutes `$VARIABLES`. `$` is left as written
//! everywhere: substitution is a feature users rely on (`ENV PATH=/app/bin:$PATH`).

use crate::rules::heredoc_like;
use std::time::Duration;

/// Appends `s` as a JSON string literal. serde_json escapes only `"`, `\\` and control
/// characters, so text without them is copied between quotes as it is (the same bytes,
/// without building a JSON value); anything else is written by serde_json.
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&serde_json::Value::String(s.to_owned()).to_string());
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// `["a", "b"]`.
pub(crate) fn json_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    push_json_array(&mut out, items);
    out
}

/// Appends `["a", "b"]`.
pub(crate) fn push_json_array<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    out.push('[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_json_string(out, item);
    }
    out.push(']');
}

/// Whether the shell-word lexer would change this text (or the parser split it or take it
/// for a flag): empty, has whitespace (Go's `unicode.IsSpace` and Rust's
/// `char::is_whitespace` agree), quotes or the escape character, starts with `--` (flags are
/// taken from the front of every instruction), or starts with U+FEFF (Go's `text/scanner`
/// skips a byte-order mark at the start of its input).
fn needs_quotes(s: &str, escape: char) -> bool {
    s.is_empty()
        || s.starts_with("--")
        || s.starts_with('\u{feff}')
        || s.chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '\'' || c == escape)
}

/// A word for the shell-word lexer, double-quoted when needed. Inside double quotes the
/// escape character escapes `"`, `$` and itself; `$` is left to substitution.
pub(crate) fn word(s: &str, escape: char) -> String {
    let mut out = String::with_capacity(s.len());
    push_word(&mut out, s, escape);
    out
}

/// Appends [`word`]`(s, escape)`.
pub(crate) fn push_word(out: &mut String, s: &str, escape: char) {
    if !needs_quotes(s, escape) {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out.push('"');
}

/// A word for the lexer without quotes, for inside a JSON array: the escape character
/// escapes any character outside quotes. A leading U+FEFF or heredoc marker (`<<EOF`,
/// `1<<EOF`) is escaped too, so that neither the lexer nor the heredoc check sees it.
pub(crate) fn bare_word(s: &str, escape: char) -> String {
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
pub(crate) fn plain_path(s: &str, escape: char) -> bool {
    !needs_quotes(s, escape)
        && !s.starts_with('[')
        && !heredoc_like(s)
        && !s.chars().any(char::is_control)
}

/// A heredoc delimiter that no line of `body` equals.
pub(crate) fn heredoc_delimiter(body: &str) -> String {
    let mut delimiter = String::from("EOF");
    let mut n = 0u32;
    while body.lines().any(|l| l == delimiter) {
        n += 1;
        delimiter = format!("EOF{n}");
    }
    delimiter
}

/// A Go duration: whole hours or minutes when exact, else seconds with a decimal fraction
/// (`1h`, `2m`, `90s`, `2.5s`). Go also reads `2s500ms`, but hadolint reads only `h`, `m`
/// and `s` units.
pub(crate) fn go_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let nanos = d.subsec_nanos();
    if nanos == 0 && secs > 0 && secs % 3600 == 0 {
        return format!("{}h", secs / 3600);
    }
    if nanos == 0 && secs > 0 && secs % 60 == 0 {
        return format!("{}m", secs / 60);
    }
    if nanos == 0 {
        return format!("{secs}s");
    }
    let fraction = format!("{nanos:09}");
    format!("{secs}.{}s", fraction.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

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
