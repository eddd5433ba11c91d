//! A word expanded as BuildKit's shell-word lexer expands it (`frontend/dockerfile/shell`,
//! `ProcessWordWithMatches`): quotes removed, the escape character applied, `$NAME`,
//! `${NAME}` and the modifiers `-`, `:-`, `+`, `:+`, `?`, `:?`, `#`, `##`, `%`, `%%`, `/` and
//! `//` substituted, with its error messages. One home for the expansion: the graph resolves
//! `FROM` words with it, the faithful reader a `FROM` base and a mount's options, the lints a
//! `FROM` image with the `ARG` defaults ([`expand_known`]).
//!
//! A variable's value may be unknown (a platform argument, which the build's `--platform`
//! sets, or any argument when the graph asks which stages a word could name): the result is
//! then a [`Pattern`] with a [`Piece::Var`] where the unknown text goes. A modifier applied
//! to an unknown value gives an unknown piece as a whole ([`Piece::Derived`]: `${V%-*}` of an
//! unknown `V` is some text), which over-approximates and never under-approximates what the
//! word can become.

use std::iter::Peekable;
use std::str::Chars;

/// Text known or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Lit(String),
    /// The value of the argument named.
    Var(String),
    /// Text made from the value of the argument named (`${V%-*}`, `${V:+x}`).
    Derived(String),
}

/// A word after expansion: literal text and unknown parts, adjacent literals merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pattern(pub(crate) Vec<Piece>);

impl Pattern {
    pub(crate) fn lit(s: &str) -> Pattern {
        let mut p = Pattern::default();
        p.push_str(s);
        p
    }

    pub(crate) fn var(name: &str) -> Pattern {
        Pattern(vec![Piece::Var(name.to_owned())])
    }

    /// Some text made from this unknown value.
    fn derived(&self) -> Pattern {
        Pattern(vec![Piece::Derived(
            self.first_var().unwrap_or_default().to_owned(),
        )])
    }

    /// The number of unknown parts.
    pub(crate) fn unknowns(&self) -> usize {
        self.0
            .iter()
            .filter(|p| !matches!(p, Piece::Lit(_)))
            .count()
    }

    fn push_str(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        match self.0.last_mut() {
            Some(Piece::Lit(l)) => l.push_str(s),
            _ => self.0.push(Piece::Lit(s.to_owned())),
        }
    }

    fn push_char(&mut self, c: char) {
        match self.0.last_mut() {
            Some(Piece::Lit(l)) => l.push(c),
            _ => self.0.push(Piece::Lit(c.to_string())),
        }
    }

    fn append(&mut self, other: Pattern) {
        for piece in other.0 {
            match piece {
                Piece::Lit(s) => self.push_str(&s),
                var => self.0.push(var),
            }
        }
    }

    /// The text, when every part of it is known.
    pub(crate) fn known(&self) -> Option<String> {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Lit(s) => out.push_str(s),
                Piece::Var(_) | Piece::Derived(_) => return None,
            }
        }
        Some(out)
    }

    /// The first argument an unknown part depends on.
    fn first_var(&self) -> Option<&str> {
        self.0.iter().find_map(|p| match p {
            Piece::Var(n) | Piece::Derived(n) => Some(n.as_str()),
            Piece::Lit(_) => None,
        })
    }

    /// Whether it has literal text as well as unknown parts (a word that is only variables
    /// could name anything).
    pub(crate) fn has_literal(&self) -> bool {
        self.0.iter().any(|p| matches!(p, Piece::Lit(_)))
    }

    /// The arguments its unknown parts depend on, in order, each once.
    pub(crate) fn vars(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.0 {
            if let Piece::Var(n) | Piece::Derived(n) = p {
                if !out.contains(&n.as_str()) {
                    out.push(n);
                }
            }
        }
        out
    }

    /// Written back, an unknown part as `${NAME}`.
    pub(crate) fn display(&self) -> String {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Piece::Lit(s) => out.push_str(s),
                Piece::Var(n) | Piece::Derived(n) => {
                    out.push_str("${");
                    out.push_str(n);
                    out.push('}');
                }
            }
        }
        out
    }

    /// Whether `text` is one of the words the pattern stands for (an unknown part is any
    /// text, empty included); with one unknown part, the text it stands for.
    pub(crate) fn matches<'t>(&self, text: &'t str) -> Option<Option<&'t str>> {
        // One unknown part (most words): the text between the literal prefix and suffix.
        let (before, after) = match self.0.as_slice() {
            [Piece::Lit(b), u, Piece::Lit(a)] if !matches!(u, Piece::Lit(_)) => {
                (b.as_str(), a.as_str())
            }
            [Piece::Lit(b), u] if !matches!(u, Piece::Lit(_)) => (b.as_str(), ""),
            [u, Piece::Lit(a)] if !matches!(u, Piece::Lit(_)) => ("", a.as_str()),
            [u] if !matches!(u, Piece::Lit(_)) => ("", ""),
            _ => return self.matches_any(text).then_some(None),
        };
        let fits = text.len() >= before.len() + after.len()
            && text.starts_with(before)
            && text.ends_with(after);
        fits.then(|| text.get(before.len()..text.len() - after.len()))
    }

    /// Whether `text` matches, whatever the number of unknown parts.
    fn matches_any(&self, text: &str) -> bool {
        let mut toks = Vec::new();
        for piece in &self.0 {
            match piece {
                Piece::Lit(l) => toks.extend(l.chars().map(Tok::Char)),
                _ => toks.push(Tok::Star),
            }
        }
        let chars: Vec<char> = text.chars().collect();
        Glob(toks).full(&chars)
    }
}

/// What a variable is: unset, or a (possibly unknown) value.
pub(crate) type Lookup<'e> = &'e dyn Fn(&str) -> Option<Pattern>;

/// `word` expanded with `lookup`, or BuildKit's error for it (`failed to process "..."`).
pub(crate) fn expand(word: &str, escape: char, lookup: Lookup<'_>) -> Result<Pattern, String> {
    let mut lexer = Lexer {
        chars: word.chars().peekable(),
        escape,
        lookup,
        depth: 0,
    };
    match lexer.until(None, false) {
        Ok(p) => Ok(p),
        Err(e) if e == TOO_DEEP => Ok(Pattern(vec![Piece::Derived(String::new())])),
        Err(e) => Err(format!("failed to process {}: {e}", go_quote(word))),
    }
}

/// `word` expanded with known values (`value` gives a set variable's value, `None` for an
/// unset one), when the result is plain text: `None` when BuildKit would refuse the word
/// (`${V:?}` of an unset `V`, an unterminated quote), and for a word with quotes or the
/// escape character, which callers that hold words already unquoted must not unquote twice.
pub(crate) fn expand_known(word: &str, value: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if word.contains(['\\', '"', '\'', '`']) {
        return None;
    }
    let lookup = |name: &str| value(name).map(|v| Pattern::lit(&v));
    expand(word, '\\', &lookup).ok()?.known()
}

/// Whether the build can give a variable of a `FROM` word (the base, `--platform`) another
/// value: a global `ARG` (`declared`; `--build-arg` sets it, with or without a default) or an
/// automatic argument (`--platform`, `--target`). What BuildKit refuses for such a word's
/// value without them (a blank or invalid base, an empty platform, `${V:?}`), it builds with
/// them; a word whose variables no build sets is the file's to answer for, and so is a word
/// BuildKit cannot read whatever the values ([`readable`]). One rule for the faithful reader
/// under `check` and `parse`, and the graph.
pub(crate) fn settable(word: &str, escape: char, declared: &dyn Fn(&str) -> bool) -> bool {
    readable(word, escape)
        && crate::rules::variables(word).into_iter().any(|name| {
            declared(name)
                || crate::rules::vocab::AUTOMATIC_ARGS
                    .iter()
                    .any(|(n, _)| *n == name)
        })
}

/// `word` with each `$NAME` written `${NAME}`, the rest as it is. Taking a word's quotes and
/// escapes off can join a name with what follows it (`"alpine:$V"0` is `alpine:` V `0`;
/// unquoted, `alpine:$V0` is V0): braced first, it keeps its variables. Single-quoted text,
/// escaped characters and `${...}` are copied whole.
pub(crate) fn braced(word: &str, escape: char) -> String {
    let mut out = String::with_capacity(word.len() + 8);
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                out.push(c);
                for q in chars.by_ref() {
                    out.push(q);
                    if q == '\'' {
                        break;
                    }
                }
            }
            c if c == escape => {
                out.push(c);
                out.extend(chars.next());
            }
            '$' if chars.peek() == Some(&'{') => {
                // Up to the matching brace.
                let mut depth = 0usize;
                out.push(c);
                for b in chars.by_ref() {
                    out.push(b);
                    match b {
                        '{' => depth += 1,
                        '}' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            // A special parameter (`$$`, `$@`, ...): both characters, so that the second
            // `$` of `$$` does not start a name.
            '$' if chars
                .peek()
                .is_some_and(|&n| crate::rules::special_parameter(n)) =>
            {
                out.push(c);
                out.extend(chars.next());
            }
            // A name as BuildKit's `processName` reads it: a run of digits, or a letter or
            // `_` and then letters, digits and `_` (a special parameter is one character,
            // and cannot run on into what follows).
            '$' if chars
                .peek()
                .is_some_and(|n| n.is_alphabetic() || n.is_numeric() || *n == '_') =>
            {
                let digits = chars.peek().is_some_and(|n| n.is_numeric());
                out.push_str("${");
                while let Some(&n) = chars.peek() {
                    let more = if digits {
                        n.is_numeric()
                    } else {
                        n.is_alphabetic() || n.is_numeric() || n == '_'
                    };
                    if !more {
                        break;
                    }
                    out.push(n);
                    chars.next();
                }
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether BuildKit's lexer reads `word` whatever its variables hold: its quotes and
/// `${...}` are well formed. (A word that fails only for some values, `${V:?}`, reads.)
pub(crate) fn readable(word: &str, escape: char) -> bool {
    unreadable(word, escape).is_none()
}

/// BuildKit's error for a word its lexer cannot read whatever its variables hold
/// (`failed to process "...": ...`); `None` when it reads ([`readable`]).
pub(crate) fn unreadable(word: &str, escape: char) -> Option<String> {
    expand(word, escape, &|name| Some(Pattern::var(name))).err()
}

/// Go's `%q`, as BuildKit's messages quote a word (`strconv.Quote`): `"` and `\` escaped,
/// the C escapes for `\a \b \f \n \r \t \v`, `\xHH` for the other ASCII controls, and
/// `\uHHHH` (`\UHHHHHHHH` above the BMP) for what Go does not print as it is.
pub(crate) fn go_quote(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("\"");
    for c in s.chars() {
        let _ = match c {
            '"' => out.write_str("\\\""),
            '\\' => out.write_str("\\\\"),
            '\u{7}' => out.write_str("\\a"),
            '\u{8}' => out.write_str("\\b"),
            '\u{c}' => out.write_str("\\f"),
            '\n' => out.write_str("\\n"),
            '\r' => out.write_str("\\r"),
            '\t' => out.write_str("\\t"),
            '\u{b}' => out.write_str("\\v"),
            c if c < ' ' || c == '\u{7f}' => write!(out, "\\x{:02x}", u32::from(c)),
            c if !go_prints(c) && u32::from(c) < 0x10000 => write!(out, "\\u{:04x}", u32::from(c)),
            c if !go_prints(c) => write!(out, "\\U{:08x}", u32::from(c)),
            c => out.write_char(c),
        };
    }
    out.push('"');
    out
}

/// Whether Go's `strconv.IsPrint` takes the character as printable: letters, marks,
/// numbers, punctuation, symbols and the ASCII space. Without Unicode's category tables,
/// what it refuses is known by its ranges: the controls, the spaces and separators other
/// than U+0020, the format characters, surrogates and private use, and the noncharacters.
/// (A code point Unicode has not assigned is also not printable to Go; this takes it as
/// printable.)
fn go_prints(c: char) -> bool {
    let u = u32::from(c);
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(
            u,
            0xa0 | 0xad
                | 0x600..=0x605
                | 0x61c
                | 0x6dd
                | 0x70f
                | 0x890..=0x891
                | 0x8e2
                | 0x1680
                | 0x180e
                | 0x2000..=0x200f
                | 0x2028..=0x202f
                | 0x205f..=0x2064
                | 0x2066..=0x206f
                | 0x3000
                | 0xe000..=0xf8ff
                | 0xfdd0..=0xfdef
                | 0xfeff
                | 0xfff9..=0xfffb
                | 0x110bd
                | 0x110cd
                | 0x13430..=0x1343f
                | 0x1bca0..=0x1bca3
                | 0x1d173..=0x1d17a
                | 0xe0001
                | 0xe0020..=0xe007f
                | 0xf0000..=0x10ffff
        )
        || u & 0xfffe == 0xfffe)
}

#[cfg(test)]
mod go_quote_tests {
    use super::go_quote;

    #[test]
    fn quotes_as_go_strconv_quote() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            go_quote("\u{7}\u{8}\u{c}\n\r\t\u{b}"),
            r#""\a\b\f\n\r\t\v""#
        );
        assert_eq!(go_quote("\u{1}\u{7f}"), r#""\x01\x7f""#);
        assert_eq!(
            go_quote("\u{85}\u{a0}\u{ad}\u{200b}"),
            r#""\u0085\u00a0\u00ad\u200b""#
        );
        assert_eq!(go_quote("\u{f0000}"), r#""\U000f0000""#);
        assert_eq!(go_quote("é ü 日本 ֚ 😀"), "\"é ü 日本 ֚ 😀\"");
    }
}

struct Lexer<'w, 'e> {
    chars: Peekable<Chars<'w>>,
    escape: char,
    lookup: Lookup<'e>,
    /// How many `${` are open.
    depth: usize,
}

/// How deep `${A:-${B:-...}}` is read: deeper, the word is unknown (BuildKit reads any
/// depth; a stack here does not).
const MAX_DEPTH: usize = 64;

/// Not an error of BuildKit's: the word is nested deeper than [`MAX_DEPTH`].
const TOO_DEEP: &str = "\0too deep";

impl Lexer<'_, '_> {
    /// `processStopOn`: up to `stop` (consumed), or the end when `stop` is `None`.
    fn until(&mut self, stop: Option<char>, raw_escapes: bool) -> Result<Pattern, String> {
        let mut out = Pattern::default();
        while let Some(&c) = self.chars.peek() {
            if Some(c) == stop {
                self.chars.next();
                return Ok(out);
            }
            match c {
                '$' => {
                    let value = self.dollar()?;
                    out.append(value);
                }
                '\'' => {
                    self.chars.next();
                    loop {
                        match self.chars.next() {
                            None => {
                                return Err("unexpected end of statement while looking for \
                                            matching single-quote"
                                    .into());
                            }
                            Some('\'') => break,
                            Some(c) => out.push_char(c),
                        }
                    }
                }
                '"' => {
                    let value = self.double_quoted(raw_escapes)?;
                    out.append(value);
                }
                _ => {
                    self.chars.next();
                    if c == self.escape {
                        if raw_escapes {
                            out.push_char(c);
                        }
                        // An escape at the end is dropped.
                        let Some(next) = self.chars.next() else {
                            break;
                        };
                        out.push_char(next);
                    } else {
                        out.push_char(c);
                    }
                }
            }
        }
        match stop {
            Some(s) => Err(format!(
                "unexpected end of statement while looking for matching {s}"
            )),
            None => Ok(out),
        }
    }

    fn double_quoted(&mut self, raw_escapes: bool) -> Result<Pattern, String> {
        self.chars.next();
        let mut out = Pattern::default();
        loop {
            match self.chars.peek().copied() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    );
                }
                Some('"') => {
                    self.chars.next();
                    return Ok(out);
                }
                Some('$') => {
                    let value = self.dollar()?;
                    out.append(value);
                }
                Some(mut c) => {
                    self.chars.next();
                    if c == self.escape {
                        if raw_escapes {
                            out.push_char(c);
                        }
                        match self.chars.peek().copied() {
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.escape => {
                                self.chars.next();
                                c = n;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push_char(c);
                }
            }
        }
    }

    /// `processName`: letters, digits and `_`; a run of digits or one special parameter.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(&c) = self.chars.peek() {
            if name.is_empty() && c.is_numeric() {
                while let Some(&d) = self.chars.peek() {
                    if !d.is_numeric() {
                        break;
                    }
                    name.push(d);
                    self.chars.next();
                }
                return name;
            }
            // (`$0` is read as digits above.)
            if name.is_empty() && crate::rules::special_parameter(c) {
                self.chars.next();
                name.push(c);
                return name;
            }
            if !c.is_alphabetic() && !c.is_numeric() && c != '_' {
                break;
            }
            name.push(c);
            self.chars.next();
        }
        name
    }

    fn get(&self, name: &str) -> Option<Pattern> {
        (self.lookup)(name)
    }

    /// `processDollar`, at a `$`.
    fn dollar(&mut self) -> Result<Pattern, String> {
        if self.depth >= MAX_DEPTH {
            return Err(TOO_DEEP.into());
        }
        self.depth += 1;
        let result = self.substitution();
        self.depth -= 1;
        result
    }

    fn substitution(&mut self) -> Result<Pattern, String> {
        self.chars.next();
        if self.chars.peek() != Some(&'{') {
            let name = self.name();
            if name.is_empty() {
                return Ok(Pattern::lit("$"));
            }
            return Ok(self.get(&name).unwrap_or_default());
        }
        self.chars.next();
        match self.chars.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.name();
        // Go's scanner gives U+FFFD for the end of the text, and it shows in the message.
        let first = self.chars.next().unwrap_or('\u{fffd}');
        let mut modifier = first.to_string();
        let mut null_is_unset = false;
        let op = match first {
            '}' => return Ok(self.get(&name).unwrap_or_default()),
            ':' => {
                null_is_unset = true;
                let op = self.chars.next().unwrap_or('\u{fffd}');
                modifier.push(op);
                op
            }
            '+' | '-' | '?' | '#' | '%' => first,
            '/' => return self.replace(&name),
            _ => return Err(format!("unsupported modifier ({modifier}) in substitution")),
        };
        let raw_escapes = op == '#' || op == '%';
        if null_is_unset && raw_escapes {
            return Err(format!("unsupported modifier ({modifier}) in substitution"));
        }
        let word = match self.until(Some('}'), raw_escapes) {
            Ok(w) => w,
            Err(_) if self.chars.peek().is_none() => {
                return Err("syntax error: missing '}'".into());
            }
            Err(e) => return Err(e),
        };
        let value = self.get(&name);
        // An unknown value, and what it gives under a modifier: itself when it may be
        // the result (`-`), else some text made from it.
        let unknown = value.as_ref().filter(|v| v.first_var().is_some()).map(|v| {
            match (op, v.0.as_slice()) {
                ('-', [Piece::Var(_)]) => v.clone(),
                _ => v.derived(),
            }
        });
        let empty = |v: &Option<Pattern>| match v {
            None => true,
            Some(p) => null_is_unset && p.0.is_empty(),
        };
        match op {
            '-' => Ok(match (unknown, empty(&value)) {
                (Some(u), _) => u,
                (None, true) => word,
                (None, false) => value.unwrap_or_default(),
            }),
            '+' => Ok(match (unknown, empty(&value)) {
                (Some(u), _) => u,
                (None, true) => Pattern::default(),
                (None, false) => word,
            }),
            '?' => {
                let message = |default: &str| match word.known() {
                    Some(w) if !w.is_empty() => w,
                    _ => default.to_owned(),
                };
                match value {
                    None => Err(format!("{name}: {}", message("is not allowed to be unset"))),
                    Some(v) if null_is_unset && v.0.is_empty() => {
                        Err(format!("{name}: {}", message("is not allowed to be empty")))
                    }
                    Some(v) => Ok(v),
                }
            }
            '%' | '#' => {
                // BuildKit compiles the pattern whatever the value: a bad one fails the
                // build even when the value is not known here.
                let glob = match word.known() {
                    Some(word) => {
                        let greedy = word.starts_with(op);
                        let pattern = word.strip_prefix(op).unwrap_or(&word);
                        let glob = Glob::new(pattern).map_err(|e| {
                            // A suffix is matched with the pattern reversed, which the
                            // message shows.
                            let shown = if op == '%' {
                                reverse_pattern(pattern)
                            } else {
                                pattern.to_owned()
                            };
                            format!("invalid pattern ({shown}) in substitution: {e}")
                        })?;
                        Some((greedy, glob))
                    }
                    None => None,
                };
                if let Some(u) = unknown {
                    return Ok(u);
                }
                let Some((greedy, glob)) = glob else {
                    return Ok(word.derived());
                };
                let value = value.and_then(|v| v.known()).unwrap_or_default();
                Ok(Pattern::lit(&if op == '%' {
                    glob.trim_suffix(&value, greedy)
                } else {
                    glob.trim_prefix(&value, greedy)
                }))
            }
            _ => Err(format!("unsupported modifier ({modifier}) in substitution")),
        }
    }

    /// `${NAME/pattern/replacement}` and `${NAME//pattern/replacement}`.
    fn replace(&mut self, name: &str) -> Result<Pattern, String> {
        let all = self.chars.peek() == Some(&'/');
        if all {
            self.chars.next();
        }
        let pattern = match self.until(Some('/'), true) {
            Ok(p) => p,
            Err(_) if self.chars.peek().is_none() => {
                return Err("syntax error: missing '/' in ${}".into());
            }
            Err(e) => return Err(e),
        };
        let replacement = match self.until(Some('}'), true) {
            Ok(r) => r,
            Err(_) if self.chars.peek().is_none() => {
                return Err("syntax error: missing '}'".into());
            }
            Err(e) => return Err(e),
        };
        let value = self.get(name).unwrap_or_default();
        let (Some(value), Some(pattern), Some(replacement)) =
            (value.known(), pattern.known(), replacement.known())
        else {
            let unknown = [&value, &pattern, &replacement]
                .into_iter()
                .find(|p| p.first_var().is_some())
                .map(|p| p.derived());
            return Ok(unknown.unwrap_or_default());
        };
        let glob = Glob::new(&pattern)
            .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
        // A search from every position costs the square of the length: past a length no
        // base name has, the result is left unknown rather than computed.
        if value.chars().count() > MAX_REPLACED {
            return Ok(Pattern(vec![Piece::Derived(name.to_owned())]));
        }
        Ok(Pattern::lit(&glob.replace(&value, &replacement, all)))
    }
}

/// BuildKit's `reversePattern`: the characters in reverse order, each escape kept before
/// the character it escapes (`a\*c` becomes `c\*a`).
fn reverse_pattern(pattern: &str) -> String {
    let mut units: Vec<String> = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        let mut unit = c.to_string();
        if c == '\\' {
            unit.extend(chars.next());
        }
        units.push(unit);
    }
    units.reverse();
    units.concat()
}

/// The longest value `${NAME/pattern/replacement}` is computed for.
const MAX_REPLACED: usize = 1024;

/// `convertShellPatternToRegex`'s patterns: `*` any text, `?` one character, `\` escapes
/// `*`, `?` and `\` (and is dropped before `}` and `/`).
#[derive(Debug)]
struct Glob(Vec<Tok>);

#[derive(Debug, Clone, Copy)]
enum Tok {
    Star,
    One,
    Char(char),
}

impl Glob {
    fn new(pattern: &str) -> Result<Glob, String> {
        let mut out = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(match c {
                '*' => Tok::Star,
                '?' => Tok::One,
                '\\' => {
                    if matches!(chars.peek(), Some('}' | '/')) {
                        continue;
                    }
                    match chars.next() {
                        Some(e @ ('*' | '?' | '\\')) => Tok::Char(e),
                        // Go's scanner gives -1 at the end, which `%c` shows as U+FFFD.
                        other => {
                            return Err(format!(
                                "invalid escape '\\{}'",
                                other.unwrap_or('\u{fffd}')
                            ));
                        }
                    }
                }
                c => Tok::Char(c),
            });
        }
        Ok(Glob(out))
    }

    /// The states reached once `*`s are skipped (they match the empty text).
    fn close(&self, states: &mut [bool]) {
        for k in 0..self.0.len() {
            if states[k] && matches!(self.0[k], Tok::Star) {
                states[k + 1] = true;
            }
        }
    }

    /// The ends `e` (from `start`) for which `text[start..e]` matches as a whole: the
    /// pattern run as a set of states over the text, linear in both.
    fn ends(&self, text: &[char], start: usize) -> Vec<usize> {
        let n = self.0.len();
        let mut states = vec![false; n + 1];
        states[0] = true;
        self.close(&mut states);
        let mut out = Vec::new();
        if states[n] {
            out.push(start);
        }
        for (at, c) in text.iter().enumerate().skip(start) {
            let mut next = vec![false; n + 1];
            for k in 0..n {
                if !states[k] {
                    continue;
                }
                match self.0[k] {
                    Tok::Star => next[k] = true,
                    Tok::One => next[k + 1] = true,
                    Tok::Char(x) if x == *c => next[k + 1] = true,
                    Tok::Char(_) => {}
                }
            }
            self.close(&mut next);
            if !next.iter().any(|s| *s) {
                break;
            }
            if next[n] {
                out.push(at + 1);
            }
            states = next;
        }
        out
    }

    /// Whether the whole of `text` matches.
    fn full(&self, text: &[char]) -> bool {
        self.ends(text, 0).last() == Some(&text.len())
    }

    fn trim_prefix(&self, value: &str, greedy: bool) -> String {
        let chars: Vec<char> = value.chars().collect();
        let ends = self.ends(&chars, 0);
        let end = if greedy { ends.last() } else { ends.first() };
        match end {
            Some(&e) => chars[e..].iter().collect(),
            None => value.to_owned(),
        }
    }

    /// `trimSuffix`: the prefix trim of the reversed value by the reversed pattern.
    fn trim_suffix(&self, value: &str, greedy: bool) -> String {
        let reversed = Glob(self.0.iter().rev().copied().collect());
        let chars: Vec<char> = value.chars().rev().collect();
        let ends = reversed.ends(&chars, 0);
        let end = if greedy { ends.last() } else { ends.first() };
        match end {
            Some(&e) => chars[e..].iter().rev().collect(),
            None => value.to_owned(),
        }
    }

    /// The leftmost match from `from`, the longest there.
    fn find(&self, chars: &[char], from: usize) -> Option<(usize, usize)> {
        (from..=chars.len()).find_map(|s| self.ends(chars, s).last().map(|&e| (s, e)))
    }

    fn replace(&self, value: &str, replacement: &str, all: bool) -> String {
        let chars: Vec<char> = value.chars().collect();
        let mut out = String::new();
        let mut pos = 0;
        let mut last_end = None;
        while pos <= chars.len() {
            let Some((s, e)) = self.find(&chars, pos) else {
                break;
            };
            out.extend(&chars[pos..s]);
            // Go's ReplaceAll skips an empty match right after a match.
            if !(s == e && last_end == Some(s)) {
                out.push_str(replacement);
            }
            last_end = Some(e);
            if e > s {
                pos = e;
            } else {
                if let Some(c) = chars.get(s) {
                    out.push(*c);
                }
                pos = s + 1;
            }
            if !all {
                break;
            }
        }
        if pos < chars.len() {
            out.extend(&chars[pos..]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn braced_keeps_each_variable_apart_from_what_follows() {
        let cases = [
            (r#""alpine:$V"0"#, '\\', r#""alpine:${V}"0"#),
            (r"alpine:$V\0", '\\', r"alpine:${V}\0"),
            ("a$V`0", '`', "a${V}`0"),
            // Already braced, single-quoted, escaped, or not a name that can run on.
            (r"a$44\0", '\\', r"a${44}\0"),
            ("${V:-${W}}x$@$$", '\\', "${V:-${W}}x$@$$"),
            (r"y\o$$$$est", '\\', r"y\o$$$$est"),
            ("'$V'x", '\\', "'$V'x"),
            (r"\$V", '\\', r"\$V"),
            ("$_a1é", '\\', "${_a1é}"),
        ];
        for (word, escape, want) in cases {
            assert_eq!(super::braced(word, escape), want, "{word}");
            // The same value, whatever the variables hold.
            let any = |name: &str| Some(super::Pattern::var(name));
            assert_eq!(
                super::expand(word, escape, &any).map(|p| p.display()),
                super::expand(want, escape, &any).map(|p| p.display()),
                "{word}"
            );
        }
    }

    fn known_env(name: &str) -> Option<String> {
        match name {
            "V" => Some("3.20".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn expands_known_values_as_buildkit_does() {
        let e = |w: &str| expand_known(w, &known_env);
        assert_eq!(e("alpine:${V}").as_deref(), Some("alpine:3.20"));
        assert_eq!(e("alpine:$V-x").as_deref(), Some("alpine:3.20-x"));
        assert_eq!(e("a:${NO:-1}").as_deref(), Some("a:1"));
        assert_eq!(e("a:${EMPTY:-1}").as_deref(), Some("a:1"));
        assert_eq!(e("a:${EMPTY-1}").as_deref(), Some("a:"));
        assert_eq!(e("a${V:+:x}").as_deref(), Some("a:x"));
        assert_eq!(e("a${NO+:x}").as_deref(), Some("a"));
        assert_eq!(e("a:${V%.*}").as_deref(), Some("a:3"));
        assert_eq!(e("a:$").as_deref(), Some("a:$"));
        // BuildKit refuses it: no value to give.
        assert_eq!(e("a:${NO:?unset}"), None);
        // Already unquoted words are not unquoted twice.
        assert_eq!(e("\"a\"$V"), None);
    }

    use super::*;

    fn env(name: &str) -> Option<Pattern> {
        match name {
            "V" => Some(Pattern::lit("3.20")),
            "PWD" => Some(Pattern::lit("/home")),
            "NULL" => Some(Pattern::default()),
            "OS" => Some(Pattern::var("OS")),
            _ => None,
        }
    }

    fn ok(word: &str) -> String {
        expand(word, '\\', &env).map_or_else(|e| format!("error: {e}"), |p| p.display())
    }

    #[test]
    fn quotes_escapes_and_names() {
        assert_eq!(ok("alpine:${V}"), "alpine:3.20");
        assert_eq!(ok("\"alpine\":$V"), "alpine:3.20");
        assert_eq!(ok("he'll'o"), "hello");
        assert_eq!(ok("he\\$PWD"), "he$PWD");
        assert_eq!(ok("\"he\\\\$PWD\""), "he\\/home");
        assert_eq!(ok("he$1x"), "hex");
        assert_eq!(ok("$."), "$.");
        assert_eq!(ok("hello\\"), "hello");
        assert_eq!(
            ok("he'llo"),
            "error: failed to process \"he'llo\": unexpected end of statement while looking \
             for matching single-quote"
        );
    }

    #[test]
    fn modifiers() {
        assert_eq!(ok("${NO:-x}"), "x");
        assert_eq!(ok("${NULL:-x}"), "x");
        assert_eq!(ok("${NULL-x}"), "");
        assert_eq!(ok("${V:+x}"), "x");
        assert_eq!(ok("${NO+x}"), "");
        assert_eq!(ok("${V%.*}"), "3");
        assert_eq!(ok("${V#*.}"), "20");
        assert_eq!(ok("${PWD##*/}"), "home");
        assert_eq!(ok("${V/./-}"), "3-20");
        assert_eq!(ok("${PWD//o/0}"), "/h0me");
        assert_eq!(
            ok("${NO:?need it}"),
            "error: failed to process \"${NO:?need it}\": NO: need it"
        );
        assert_eq!(
            ok("${NULL:?}"),
            "error: failed to process \"${NULL:?}\": NULL: is not allowed to be empty"
        );
        assert_eq!(
            ok("${V"),
            "error: failed to process \"${V\": unsupported modifier (\u{fffd}) in substitution"
        );
        assert_eq!(
            ok("${}"),
            "error: failed to process \"${}\": syntax error: bad substitution"
        );
        assert_eq!(
            ok("${V:%x}"),
            "error: failed to process \"${V:%x}\": unsupported modifier (:%) in substitution"
        );
    }

    #[test]
    fn a_bad_pattern_fails_whatever_the_value() {
        let unknown = |_: &str| Some(Pattern::var("V"));
        let fails = |word: &str, message: &str| {
            expand(word, '\\', &unknown).is_err_and(|e| e.ends_with(message))
        };
        // A suffix's pattern is shown reversed, as BuildKit matches it.
        assert!(fails(
            "${V%%\\\\\\.*}",
            "invalid pattern (*\\.\\\\) in substitution: invalid escape '\\.'"
        ));
        assert!(fails(
            "${V#a\\b}",
            "invalid pattern (a\\b) in substitution: invalid escape '\\b'"
        ));
        assert!(expand("${V%\\\\.*}", '\\', &unknown).is_ok());
        assert_eq!(reverse_pattern("a\\*c"), "c\\*a");
        assert_eq!(reverse_pattern("\\\\.*"), "*.\\\\");
    }

    #[test]
    fn deep_nesting_is_unknown_not_a_crash() {
        let deep = format!("{}x{}", "${A:-".repeat(10_000), "}".repeat(10_000));
        let p = expand(&deep, '\\', &env).unwrap_or_default();
        assert_eq!(p.known(), None);
        assert_eq!(
            ok(&format!("{}x{}", "${A:-".repeat(10), "}".repeat(10))),
            "x"
        );
    }

    #[test]
    fn long_values_take_linear_time() {
        let long = "a".repeat(20_000);
        let env = |name: &str| (name == "L").then(|| Pattern::lit(&long));
        let p = expand("${L##*a*a*a*a*a*a*a*a*b}", '\\', &env).unwrap_or_default();
        assert_eq!(p.known().map(|s| s.len()), Some(20_000));
        let p = expand("${L%a*a*a*a*a*a*a*a}", '\\', &env).unwrap_or_default();
        assert_eq!(p.known().map(|s| s.len()), Some(19_992));
        let p = expand("x${L//*a*b/c}", '\\', &env).unwrap_or_default();
        assert_eq!(p.display(), "x${L}");
        let names = Pattern(vec![Piece::Var("A".into()); 30]);
        assert_eq!(names.matches(&long), Some(None));
    }

    #[test]
    fn unknown_values_stay_unknown() {
        assert_eq!(ok("base-${OS}"), "base-${OS}");
        assert_eq!(ok("base-${OS:-linux}"), "base-${OS}");
        assert_eq!(ok("base-${OS%-*}-x"), "base-${OS}-x");
        assert_eq!(ok("${OS:?}"), "${OS}");
        assert_eq!(ok("${NO%$OS}"), "${OS}");
        let derived = expand("${OS%%-*}", '\\', &env).unwrap_or_default();
        assert_eq!(derived.0, [Piece::Derived("OS".into())]);
        let p = expand("base-${OS}", '\\', &env).unwrap_or_default();
        assert_eq!(p.matches("base-linux"), Some(Some("linux")));
        assert_eq!(p.matches("build-linux"), None);
        assert_eq!(p.vars(), ["OS"]);
    }
}
