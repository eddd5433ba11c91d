//! How values are written so that BuildKit reads back exactly the value given. Every quoting
//! and escaping decision of the renderer is made here.
//!
//! BuildKit reads a value in two layers: the parser splits the line into words (JSON arrays,
//! whitespace-separated words, or `key=value` words that respect quotes), then the shell-word
//! lexer removes quotes and escapes and substitutes `$VARIABLES`. `$` is left as written
//! everywhere: substitution is a feature users rely on (`ENV PATH=/app/bin:$PATH`).

use std::time::Duration;

/// A string as a JSON string literal (Go's `encoding/json` reads it back unchanged).
pub(crate) fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// `["a", "b"]`.
pub(crate) fn json_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&json_string(item));
    }
    out.push(']');
    out
}

/// Whether the shell-word lexer would change this text (or the parser split it): empty, has
/// whitespace (Go's `unicode.IsSpace` and Rust's `char::is_whitespace` agree), quotes, or the
/// escape character.
fn needs_quotes(s: &str, escape: char) -> bool {
    s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '\'' || c == escape)
}

/// A word for the shell-word lexer, double-quoted when needed. Inside double quotes the
/// escape character escapes `"`, `$` and itself; `$` is left to substitution.
pub(crate) fn word(s: &str, escape: char) -> String {
    if !needs_quotes(s, escape) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A word for the lexer without quotes, for inside a JSON array: the escape character
/// escapes any character outside quotes.
pub(crate) fn bare_word(s: &str, escape: char) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '"' || c == '\'' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out
}

/// Whether a COPY/ADD/VOLUME path can be written as a bare whitespace-separated word: no
/// whitespace, quotes, escape character or control characters, not a flag, not JSON.
pub(crate) fn plain_path(s: &str, escape: char) -> bool {
    !needs_quotes(s, escape)
        && !s.starts_with("--")
        && !s.starts_with('[')
        && !s.starts_with("<<")
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

/// A Go duration, as BuildKit's flags parse it: `1m30s`, `2s500ms`, `0s`.
pub(crate) fn go_duration(d: Duration) -> String {
    if d.is_zero() {
        return "0s".into();
    }
    let total = d.as_nanos();
    let units: [(u128, &str); 6] = [
        (3_600_000_000_000, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
        (1_000_000, "ms"),
        (1_000, "us"),
        (1, "ns"),
    ];
    let mut rest = total;
    let mut out = String::new();
    for (size, unit) in units {
        let n = rest / size;
        if n > 0 {
            out.push_str(&n.to_string());
            out.push_str(unit);
            rest -= n * size;
        }
    }
    out
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
    }

    #[test]
    fn json() {
        assert_eq!(
            json_array(["a\"b", "c\nd", "\u{1}"]),
            r#"["a\"b", "c\nd", "\u0001"]"#
        );
        assert_eq!(json_array([]), "[]");
    }

    #[test]
    fn delimiters() {
        assert_eq!(heredoc_delimiter("echo\n"), "EOF");
        assert_eq!(heredoc_delimiter("EOF\nEOF1\n"), "EOF2");
        assert_eq!(heredoc_delimiter("EOF \n"), "EOF");
    }

    #[test]
    fn durations() {
        assert_eq!(go_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(go_duration(Duration::from_millis(2500)), "2s500ms");
        assert_eq!(go_duration(Duration::from_secs(3600)), "1h");
        assert_eq!(go_duration(Duration::ZERO), "0s");
        assert_eq!(go_duration(Duration::new(1, 1)), "1s1ns");
    }
}
