//! Splitting an instruction line into keyword, flags and arguments, the way BuildKit's
//! parser does (`splitCommand`, `extractBuilderFlags`, `parseWords`, `parseJSON`), and
//! reading a word the way its shell-word lexer does, without substituting variables.

use std::borrow::Cow;
use std::ops::Range;

/// An instruction line split into its parts.
pub(crate) struct Split<'a> {
    pub keyword: &'a str,
    pub flags: Vec<String>,
    pub args: &'a str,
    /// Byte offset of the (trimmed) arguments in the line.
    pub args_at: usize,
}

/// An instruction line split into its parts, with where each one is in the line.
pub(crate) struct Parts<'a> {
    /// The keyword's bytes in the line.
    pub keyword: Range<usize>,
    pub flags: Vec<RawFlag<'a>>,
    pub args: &'a str,
    /// Byte offset of the (trimmed) arguments in the line.
    pub args_at: usize,
}

/// A builder flag as `extractBuilderFlags` reads it.
pub(crate) struct RawFlag<'a> {
    /// Its bytes in the line, as written (it starts with `--`).
    pub range: Range<usize>,
    /// The word with quotes and backslash escapes removed: `--name=value` (borrowed when
    /// there were none).
    pub word: Cow<'a, str>,
    /// The first `=` of `word`: its index in `word` and its byte offset in the line.
    pub eq: Option<(usize, usize)>,
}

/// BuildKit's `reWhitespace`, `[\t\v\f\r ]+`, on a byte: its characters are ASCII, so a
/// byte search finds them exactly (and costs less than decoding characters).
fn is_ws_byte(b: u8) -> bool {
    matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// `splitCommand`: the keyword, the builder flags, and the rest trimmed.
pub(crate) fn split_command(line: &str) -> Split<'_> {
    let parts = split_parts(line);
    Split {
        keyword: line.get(parts.keyword).unwrap_or_default(),
        flags: parts
            .flags
            .into_iter()
            .map(|f| f.word.into_owned())
            .collect(),
        args: parts.args,
        args_at: parts.args_at,
    }
}

/// [`split_command`] with positions.
pub(crate) fn split_parts(line: &str) -> Parts<'_> {
    let lead = super::read::blank_len(line);
    let end = line.trim_end_matches(char::is_whitespace).len().max(lead);
    let trimmed = &line[lead..end];
    let (keyword, rest) = match trimmed.bytes().position(is_ws_byte) {
        Some(at) => {
            let rest = &trimmed[at..];
            let blanks = rest.bytes().take_while(|&b| is_ws_byte(b)).count();
            (&trimmed[..at], &rest[blanks..])
        }
        None => (trimmed, ""),
    };
    let rest_at = lead + (trimmed.len() - rest.len());
    let (mut flags, mut args_from) = extract_builder_flags(rest);
    for f in &mut flags {
        // A flag cut inside a character (see below) spans the whole character.
        let mut end = f.range.end;
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        f.range = f.range.start + rest_at..end + rest_at;
        if let Some((_, raw)) = &mut f.eq {
            *raw += rest_at;
        }
    }
    // The flag reader works on bytes (as BuildKit's does) and takes the UTF-8 continuation
    // bytes 0x85 and 0xA0 for spaces, so it can stop inside a character.
    while !rest.is_char_boundary(args_from) {
        args_from += 1;
    }
    let args = &rest[args_from..];
    let args_trimmed = args.trim_start_matches(char::is_whitespace);
    Parts {
        keyword: lead..lead + keyword.len(),
        flags,
        args: args_trimmed.trim_end_matches(char::is_whitespace),
        args_at: rest_at + args_from + (args.len() - args_trimmed.len()),
    }
}

/// `unicode.IsSpace(rune(b))` on one byte, as `extractBuilderFlags` reads it.
fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

/// `extractBuilderFlags`: leading words starting with `--` are flags (quotes removed, a
/// backslash escapes the next byte); a lone `--` ends them. Returns the flags and the
/// byte offset where the arguments start.
fn extract_builder_flags(line: &str) -> (Vec<RawFlag<'_>>, usize) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let b = line.as_bytes();
    let mut flags = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word: Vec<u8> = Vec::new();
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = 0;
    let mut start = 0;
    let mut eq = None;
    // The bytes are kept as the String when they are UTF-8 (they almost always are).
    let finish = |w: &mut Vec<u8>, range: Range<usize>, eq: &mut Option<(usize, usize)>| {
        let word = match String::from_utf8(std::mem::take(w)) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        RawFlag {
            range,
            word: Cow::Owned(word),
            eq: eq.take(),
        }
    };
    while pos <= b.len() {
        let at_end = pos == b.len();
        let mut ch = if at_end { 0 } else { b[pos] };
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            if is_space_byte(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || b.get(pos + 1) != Some(&b'-') {
                return (flags, pos);
            }
            let end = b[pos..]
                .iter()
                .position(|c| is_space_byte(*c))
                .map_or(b.len(), |n| pos + n);
            // Most flags have no quotes and no backslashes: the word is then the text as
            // written, borrowed whole rather than copied a byte at a time.
            let plain = |w: &&str| memchr::memchr3(b'\'', b'"', b'\\', w.as_bytes()).is_none();
            if let Some(raw) = line.get(pos..end).filter(plain) {
                if raw == "--" {
                    return (flags, end);
                }
                flags.push(RawFlag {
                    range: pos..end,
                    word: Cow::Borrowed(raw),
                    eq: memchr::memchr(b'=', raw.as_bytes()).map(|i| (i, pos + i)),
                });
                pos = end;
                continue;
            }
            // Room for the word up to the next space, so that it is not grown a byte at a
            // time.
            word.reserve(end - pos);
            start = pos;
            phase = Phase::Word;
        }
        if at_end {
            if word != b"--" && (blank_ok || !word.is_empty()) {
                flags.push(finish(&mut word, start..pos, &mut eq));
            }
            break;
        }
        if phase == Phase::Word {
            if is_space_byte(ch) {
                phase = Phase::Spaces;
                if word == b"--" {
                    return (flags, pos);
                }
                if blank_ok || !word.is_empty() {
                    flags.push(finish(&mut word, start..pos, &mut eq));
                }
                word.clear();
                eq = None;
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            if ch == b'\\' {
                if pos + 1 == b.len() {
                    pos += 1;
                    continue;
                }
                pos += 1;
                ch = b[pos];
            }
        } else {
            if ch == quote {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            if ch == b'\\' {
                if pos + 1 == b.len() {
                    phase = Phase::Word;
                    pos += 1;
                    continue;
                }
                pos += 1;
                ch = b[pos];
            }
        }
        if ch == b'=' && eq.is_none() {
            eq = Some((word.len(), pos));
        }
        word.push(ch);
        pos += 1;
    }
    (flags, b.len())
}

/// `parseJSON`: `None` when the text is not a JSON array (then it is shell form or a word
/// list), `Some(Err(()))` when it is an array with an element that is not a string (an
/// error), `Some(Ok(strings))` for the exec form.
pub(crate) fn json_array(rest: &str) -> Option<Result<Vec<String>, ()>> {
    let rest = rest.trim_start_matches(char::is_whitespace);
    if !rest.starts_with('[') {
        return None;
    }
    let values: Vec<serde_json::Value> = serde_json::from_str(rest).ok()?;
    Some(
        values
            .into_iter()
            .map(|v| match v {
                serde_json::Value::String(s) => Ok(s),
                _ => Err(()),
            })
            .collect(),
    )
}

/// The text after a JSON array the arguments start with (`["node", "app.js"] # start`),
/// when there is some. BuildKit since dockerfile/1.10 then reads the whole text as the shell
/// form or as words ([`json_array`] is `None`); its parsers before ran the array alone.
pub(crate) fn text_after_json_array(rest: &str) -> Option<&str> {
    let rest = rest.trim_start_matches(char::is_whitespace);
    if !rest.starts_with('[') {
        return None;
    }
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
    values.next()?.ok()?;
    let after = rest.get(values.byte_offset()..)?.trim();
    (!after.is_empty()).then_some(after)
}

/// The name of an `ARG` word (`NAME` or `NAME=default`), as written.
pub(crate) fn arg_name(word: &str) -> &str {
    word.split_once('=').map_or(word, |(k, _)| k)
}

/// `parseStringsWhitespaceDelimited`.
pub(crate) fn whitespace_words(rest: &str) -> Vec<&str> {
    whitespace_ranges(rest)
        .map(|r| rest.get(r).unwrap_or_default())
        .collect()
}

/// [`whitespace_words`] as byte ranges of `rest`.
pub(crate) fn whitespace_ranges(rest: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let b = rest.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while b.get(i).is_some_and(|&c| is_ws_byte(c)) {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        while b.get(i).is_some_and(|&c| !is_ws_byte(c)) {
            i += 1;
        }
        Some(start..i)
    })
}

/// `parseWords`: `ENV`/`LABEL`/`ARG` arguments split into words at unquoted whitespace,
/// quotes and escapes kept for the lexer.
pub(crate) fn parse_words(rest: &str, escape: char) -> Vec<String> {
    word_ranges(rest, escape)
        .into_iter()
        .map(|r| rest[r].to_owned())
        .collect()
}

/// [`parse_words`] as byte ranges of `rest`: each word is the text as written, except that
/// an escape character ending the text is dropped.
pub(crate) fn word_ranges(rest: &str, escape: char) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut in_word = false;
    let mut quote = None;
    let mut start = 0;
    let mut chars = rest.char_indices();
    while let Some((pos, ch)) = chars.next() {
        if !in_word {
            if ch.is_whitespace() {
                continue;
            }
            in_word = true;
            start = pos;
        }
        match quote {
            None => {
                if ch.is_whitespace() {
                    words.push(start..pos);
                    in_word = false;
                    continue;
                }
                if ch == '\'' || ch == '"' {
                    quote = Some(ch);
                }
                if ch == escape && chars.next().is_none() {
                    // An escape character that ends the text is dropped.
                    if pos > start {
                        words.push(start..pos);
                    }
                    return words;
                }
            }
            Some(q) => {
                if ch == q {
                    quote = None;
                }
                if ch == escape && q != '\'' && chars.next().is_none() {
                    // The word was quoted, so it is kept even if it is empty.
                    words.push(start..pos);
                    return words;
                }
            }
        }
    }
    if in_word {
        words.push(start..rest.len());
    }
    words
}

/// Why a word cannot be read into the model.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unreadable {
    /// An opening quote without its closing one.
    UnterminatedQuote,
    /// A `$` that is not a substitution (escaped, or in single quotes): the model writes
    /// `$` only for substitution.
    LiteralDollar,
    /// Quotes or an escape inside `${...}` (`${X:+"a'b"}`): BuildKit reads them there,
    /// and the model, which keeps a substitution as written, cannot write them back.
    QuotedSubstitution,
}

/// Whether a `${...}` of unquoted text holds a quote or the escape character: BuildKit
/// read them as quoting there (`${X:+"a'b"}` is `${X:+a'b}` unquoted), and written back
/// as they are, they would quote again.
fn quoted_substitution(text: &str, escape: char) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        let mut depth = 0;
        for (i, c) in rest[at + 1..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                '"' | '\'' => return true,
                c if c == escape => return true,
                _ => {}
            }
            if depth == 0 {
                rest = &rest[at + 1 + i..];
                break;
            }
        }
        if depth != 0 {
            return false;
        }
    }
    false
}

/// The shell-word lexer's quote removal (`ProcessWord`) without substitution: `'...'` is
/// literal, in `"..."` the escape character escapes `"`, `$` and itself, elsewhere it
/// escapes any character. `$` stays for BuildKit to substitute; a `$` that would not be
/// substituted is refused, as the model has no way to write it. A quote or escape that
/// ends a variable's name and is taken off would join the name with what follows
/// (`"$a2"g` is `$a2` and `g`): that variable is written `${a2}`.
pub(crate) fn unquote(word: &str, escape: char) -> Result<String, Unreadable> {
    // Most words have nothing to remove: copied whole, not a character at a time.
    if !word.contains(['\'', '"', escape, '\u{feff}']) {
        return Ok(word.to_owned());
    }
    let mut out = Unquoted::with_capacity(word.len());
    let mut chars = word
        .strip_prefix('\u{feff}')
        .unwrap_or(word)
        .chars()
        .peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            out.removed();
            loop {
                match chars.next() {
                    None => return Err(Unreadable::UnterminatedQuote),
                    Some('\'') => break,
                    Some('$') => return Err(Unreadable::LiteralDollar),
                    Some(c) => out.push(c)?,
                }
            }
            out.removed();
        } else if c == '"' {
            out.removed();
            loop {
                match chars.next() {
                    None => return Err(Unreadable::UnterminatedQuote),
                    Some('"') => break,
                    Some('$') if dollar_before_quote(chars.peek().copied(), escape) => {
                        out.dollar_before_quote()?;
                    }
                    Some(c) if c == escape => match chars.peek().copied() {
                        None => {}
                        Some('$') => return Err(Unreadable::LiteralDollar),
                        Some(n) if n == '"' || n == escape => {
                            out.removed();
                            out.push(n)?;
                            chars.next();
                        }
                        Some(_) => out.push(c)?,
                    },
                    Some(c) => out.push(c)?,
                }
            }
            out.removed();
        } else if c == escape {
            out.removed();
            match chars.next() {
                Some('$') => return Err(Unreadable::LiteralDollar),
                Some(n) => out.push(n)?,
                None => {}
            }
        } else if c == '$' && dollar_before_quote(chars.peek().copied(), escape) {
            out.dollar_before_quote()?;
        } else {
            out.push(c)?;
        }
    }
    let out = out.text;
    if quoted_substitution(&out, escape) {
        return Err(Unreadable::QuotedSubstitution);
    }
    Ok(out)
}

/// Text with its quotes and escapes taken off, as it is written out: it knows whether it
/// ends in a `$NAME` that what comes next could lengthen.
struct Unquoted {
    text: String,
    /// The last `$NAME` written without braces: where its `$` is, and what its name is so far.
    bare: Option<(usize, Name)>,
    /// Whether a quote or an escape was taken off since the last character written.
    gap: bool,
    /// Whether the last character written is a `$` BuildKit keeps as text (it stood before a
    /// quote or the escape character): what follows must not make it name a variable.
    text_dollar: bool,
}

/// A variable's name as BuildKit's lexer reads it (`processName`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Name {
    /// Only the `$` so far.
    Empty,
    /// Digits (`$12`), which only digits continue.
    Digits,
    /// Letters, digits and `_`.
    Word,
    /// One special character (`$@`): nothing continues it.
    Special,
}

impl Unquoted {
    fn with_capacity(n: usize) -> Self {
        Unquoted {
            text: String::with_capacity(n),
            bare: None,
            gap: false,
            text_dollar: false,
        }
    }

    fn removed(&mut self) {
        self.gap = true;
    }

    /// A `$` before a quote or the escape character: the second of `$$` (the special
    /// parameter `$`), or a `$` BuildKit keeps as text, which stays text once the quote or
    /// the escape is taken off unless what follows would name a variable (`$"a"` would be
    /// `$a`; `"a$"` at the end of the word, or `$"/b"`, stay text).
    fn dollar_before_quote(&mut self) -> Result<(), Unreadable> {
        if matches!(self.bare, Some((_, Name::Empty))) {
            return self.push('$');
        }
        self.push('$')?;
        self.bare = None;
        self.text_dollar = true;
        Ok(())
    }

    fn push(&mut self, c: char) -> Result<(), Unreadable> {
        if std::mem::take(&mut self.text_dollar)
            && (c == '{' || c.is_alphanumeric() || c == '_' || crate::rules::special_parameter(c))
        {
            return Err(Unreadable::LiteralDollar);
        }
        if let Some((at, name)) = self.bare {
            let next = match name {
                Name::Empty if c.is_ascii_digit() => Some(Name::Digits),
                Name::Empty if crate::rules::special_parameter(c) => Some(Name::Special),
                Name::Empty if c.is_alphabetic() || c == '_' => Some(Name::Word),
                Name::Digits if c.is_ascii_digit() => Some(Name::Digits),
                Name::Word if c.is_alphanumeric() || c == '_' => Some(Name::Word),
                _ => None,
            };
            match next {
                // The name ended at the quote or escape taken off: braced, it stays the
                // same name.
                Some(_) if self.gap && name != Name::Empty => {
                    self.text.insert(at + 1, '{');
                    self.text.push('}');
                    self.bare = None;
                }
                Some(next) => self.bare = Some((at, next)),
                None => self.bare = None,
            }
        }
        if c == '$' && self.bare.is_none() {
            self.bare = Some((self.text.len(), Name::Empty));
        }
        self.text.push(c);
        self.gap = false;
        Ok(())
    }
}

/// A `$` before a quote or the escape character names no variable (BuildKit keeps it as
/// text); taken off, the quote would join it with what follows (`$"a"` is `$a`).
fn dollar_before_quote(next: Option<char>, escape: char) -> bool {
    next.is_some_and(|n| n == '\'' || n == '"' || n == escape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_commands() {
        let s = split_command("COPY --from=build --chown=\"a b\" -- --x /y");
        assert_eq!(s.keyword, "COPY");
        assert_eq!(s.flags, ["--from=build", "--chown=a b"]);
        assert_eq!(s.args, "--x /y");
        let s = split_command("  run   echo hi  ");
        assert_eq!((s.keyword, s.args), ("run", "echo hi"));
        assert_eq!(&"  run   echo hi  "[s.args_at..s.args_at + 2], "ec");
        // U+1F141 holds the byte 0x85, which the flag reader takes for a space.
        let s = split_command("RUN --network=\u{1F141} x");
        assert_eq!(s.args, "x");
    }

    #[test]
    fn words_and_quotes() {
        assert_eq!(
            parse_words("a=\"x y\" b='c d' e\\ f", '\\'),
            ["a=\"x y\"", "b='c d'", "e\\ f"]
        );
        assert_eq!(unquote("\"x \\\"y\\\"\"", '\\'), Ok("x \"y\"".into()));
        assert_eq!(unquote("a\\ b", '\\'), Ok("a b".into()));
        assert_eq!(unquote("$HOME/x", '\\'), Ok("$HOME/x".into()));
        assert_eq!(unquote("'$x'", '\\'), Err(Unreadable::LiteralDollar));
        // A `$` before a quote or an escape is text, which unquoted would name a variable.
        for word in [
            "$\"a\"",
            "$'a'",
            "$\\{a}",
            "\"a$\"b",
            "\"a$\"1",
            "\"a$\"$x",
            "a$\"{b}\"",
        ] {
            assert_eq!(
                unquote(word, '\\'),
                Err(Unreadable::LiteralDollar),
                "{word}"
            );
        }
        assert_eq!(unquote("\"a$b\"c$", '\\'), Ok("a${b}c$".into()));
        // Unless it stays text once they are taken off: at the end of the word, before what
        // names no variable, or as the second `$` of `$$`.
        assert_eq!(unquote("\"/a b$\"", '\\'), Ok("/a b$".into()));
        assert_eq!(unquote("a$\"/b\"", '\\'), Ok("a$/b".into()));
        assert_eq!(unquote("\"$\\\"\"", '\\'), Ok("$\"".into()));
        assert_eq!(unquote("\"/a b$$\"", '\\'), Ok("/a b$$".into()));
        assert_eq!(unquote("\"$$\"x", '\\'), Ok("$$x".into()));
        // A name ended by a quote or an escape taken off keeps its end.
        assert_eq!(unquote("\"bar-$a2\"g", '\\'), Ok("bar-${a2}g".into()));
        assert_eq!(unquote("\"$a2\"_y", '\\'), Ok("${a2}_y".into()));
        assert_eq!(unquote("$a'b'", '\\'), Ok("${a}b".into()));
        assert_eq!(unquote("$a\\b", '\\'), Ok("${a}b".into()));
        assert_eq!(unquote("\"$1\"2", '\\'), Ok("${1}2".into()));
        assert_eq!(unquote("\"$@\"x", '\\'), Ok("$@x".into()));
        assert_eq!(unquote("\"$HOME\"/bin", '\\'), Ok("$HOME/bin".into()));
        assert_eq!(unquote("\"$HOME\"", '\\'), Ok("$HOME".into()));
        assert_eq!(unquote("\"${a}\"b", '\\'), Ok("${a}b".into()));
        // Quotes inside `${...}`: BuildKit's, which the model cannot write back.
        for word in ["${X:+\"a'd\"}", "\"${X:-\\\"a\\\"}\"", "${X:-a\\\\\\\\b}"] {
            assert_eq!(
                unquote(word, '\\'),
                Err(Unreadable::QuotedSubstitution),
                "{word}"
            );
        }
        assert_eq!(
            unquote("'${x}' \"${y:-z}\"", '\\'),
            Err(Unreadable::LiteralDollar)
        );
        assert_eq!(unquote("\"${y:-z}\"", '\\'), Ok("${y:-z}".into()));
        assert_eq!(unquote("${y:-\"a b\"}", '\\'), Ok("${y:-a b}".into()));
        assert_eq!(unquote("\"x", '\\'), Err(Unreadable::UnterminatedQuote));
        assert_eq!(
            json_array("[\"a\", \"b\"]"),
            Some(Ok(vec!["a".into(), "b".into()]))
        );
        assert_eq!(json_array("[\"a\", 1]"), Some(Err(())));
        assert_eq!(json_array("[ -f x ]"), None);
    }
}
