//! A model of how BuildKit reads an instruction, from moby/buildkit's
//! frontend/dockerfile/{parser,shell,instructions}. Functions are named after their Go
//! counterparts. The property tests use it where BuildKit's own parser (the oracle) stops:
//! the parser splits lines into words, the lexer then removes quotes.
//!
//! It is written apart from the library on purpose, even where it reads like
//! `dockerdsl::parse::words` or `rules.rs`: an oracle that called the code it checks would
//! agree with that code's mistakes. Keep it that way; do not make either call the other.

/// Go's `unicode.IsSpace`. Rust's `char::is_whitespace` is the same set (the Unicode
/// `White_Space` property, which includes U+0085 and U+00A0).
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `unicode.IsSpace(rune(b))` on a single byte, as `extractBuilderFlags` and
/// `parseHealthConfig` do: the UTF-8 continuation bytes 0x85 and 0xA0 count as spaces.
pub fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

/// Quote removal of BuildKit's shell-word lexer (`shell.Lex.ProcessWord`), without
/// variable expansion: outside quotes the escape character escapes any character (and
/// is dropped at the end); `'...'` is literal; inside `"..."` the escape character
/// escapes `"`, `$` and itself and is otherwise literal. `$` is kept as written.
///
/// Not modelled: inside `${...:-word}` the lexer reads `word` with its own rules; such
/// values are compared as written like every other `$`.
pub fn unquote(word: &str, escape: char) -> Result<String, String> {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            loop {
                match chars.next() {
                    None => return Err(format!("unterminated single quote in {word:?}")),
                    Some('\'') => break,
                    Some(c) => out.push(c),
                }
            }
        } else if c == '"' {
            loop {
                match chars.next() {
                    None => return Err(format!("unterminated double quote in {word:?}")),
                    Some('"') => break,
                    Some(c) if c == escape => match chars.peek().copied() {
                        // An escape character right before the end: dropped, and the
                        // quote is then unterminated.
                        None => {}
                        Some(n) if n == '"' || n == '$' || n == escape => {
                            out.push(n);
                            chars.next();
                        }
                        Some(_) => out.push(c),
                    },
                    Some(c) => out.push(c),
                }
            }
        } else if c == escape {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// What the lexer really returns for a word: [`unquote`], after Go's `text/scanner`
/// (which the lexer reads with) has skipped a byte-order mark at the very start of the
/// word (`Scanner.Peek`: "ignore BOM").
pub fn lexer_read(word: &str, escape: char) -> Result<String, String> {
    unquote(word.strip_prefix('\u{feff}').unwrap_or(word), escape)
}

/// `parser.parseWords`: splits `ENV`/`LABEL`/`ARG` arguments into `key=value` words,
/// keeping quotes and escapes for the lexer.
pub fn parse_words(rest: &str, escape: char) -> Vec<String> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let chars: Vec<char> = rest.chars().collect();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut pos = 0;
    while pos <= chars.len() {
        let at_end = pos == chars.len();
        let mut ch = if at_end { '\0' } else { chars[pos] };
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            if is_space(ch) {
                pos += 1;
                continue;
            }
            phase = Phase::Word;
        }
        if at_end {
            if blank_ok || !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            break;
        }
        if phase == Phase::Word {
            if is_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if pos + 1 == chars.len() {
                    pos += 1;
                    continue;
                }
                word.push(ch);
                pos += 1;
                ch = chars[pos];
            }
            word.push(ch);
            pos += 1;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if pos + 1 == chars.len() {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            word.push(ch);
            ch = chars[pos];
        }
        word.push(ch);
        pos += 1;
    }
    words
}

/// `trimContinuationCharacter`: the regex `([^E])E[ \t]*$|^E[ \t]*$` replaced by `$1`.
fn trim_continuation(line: &str, escape: char) -> (String, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(escape) {
        if before.is_empty() || !before.ends_with(escape) {
            return (before.to_owned(), false);
        }
    }
    (line.to_owned(), true)
}

/// `parser.Parse`'s line joining, applied to the text of one instruction from after its
/// keyword: a line ending with the escape character continues on the next line;
/// comment lines and empty lines inside a continuation are skipped. Stops at the end of
/// the instruction (what follows belongs to the next one).
pub fn join_lines(raw: &str, escape: char) -> String {
    let mut lines = raw.split('\n');
    let first = lines.next().unwrap_or("").trim_end_matches('\r');
    let (mut line, mut end) = trim_continuation(first, escape);
    for l in lines {
        if end {
            break;
        }
        let l = l.trim_end_matches('\r');
        let t = l.trim_start_matches(is_space);
        if t.starts_with('#') || t.is_empty() {
            continue;
        }
        let (cl, e) = trim_continuation(l, escape);
        line.push_str(&cl);
        end = e;
    }
    line
}

/// `parser.extractBuilderFlags`: leading `--` words are builder flags. It reads bytes
/// (a byte is a rune), removes quotes, and a backslash (whatever the escape directive)
/// escapes the next byte. Returns the flags and the rest of the line.
pub fn extract_builder_flags(line: &str) -> (Vec<String>, String) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let b = line.as_bytes();
    let rest = |pos: usize| String::from_utf8_lossy(&b[pos..]).into_owned();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = 0;
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
            if ch != b'-' || pos + 1 == b.len() || b[pos + 1] != b'-' {
                return (words, rest(pos));
            }
            phase = Phase::Word;
        }
        if at_end {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push(std::mem::take(&mut word));
            }
            break;
        }
        if phase == Phase::Word {
            if is_space_byte(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (words, rest(pos));
                }
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
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
            word.push(char::from(ch));
            pos += 1;
            continue;
        }
        // Phase::Quote
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
        word.push(char::from(ch));
        pos += 1;
    }
    (words, String::new())
}

/// Whether `parser.parseJSON` reads `rest` as a JSON array: after leading spaces it
/// starts with `[` and Go's `encoding/json` reads an array from the start. Then an array
/// of strings is the exec form, and any other array fails the build ("arrays must be
/// comprised of strings only"); either way the text is not a shell command.
///
/// Older BuildKit (and the classic builder) decode with `json.NewDecoder(..).Decode`,
/// which reads one value and ignores what follows, so `["ls"] && rm -rf x` is the exec
/// form `["ls"]` (moby/moby#36348); newer BuildKit uses `json.Unmarshal`, which wants
/// the array to end the text. The model takes the older, wider reading, which covers
/// both. `parse-dockerfile` requires the array to end the line.
pub fn reads_exec_form(rest: &str) -> bool {
    json_array(rest).is_some()
}

/// The JSON array `parser.parseJSON` decodes from the start of `rest` (as in
/// [`reads_exec_form`]): `Some(true)` when all its elements are strings (the exec
/// form), `Some(false)` when one is not (a build error), `None` when there is no array.
pub fn json_array(rest: &str) -> Option<bool> {
    let s = rest.trim_start_matches(is_space);
    if !s.starts_with('[') {
        return None;
    }
    let b = s.as_bytes();
    let mut i = 0;
    json::value(b, &mut i)?;
    // The array is valid JSON: its elements are strings unless one starts otherwise.
    let mut j = 1;
    let mut strings = true;
    loop {
        json::ws(b, &mut j);
        match b[j] {
            b']' => break,
            b'"' => {}
            _ => strings = false,
        }
        json::value(b, &mut j)?;
        json::ws(b, &mut j);
        if b[j] == b',' {
            j += 1;
        }
    }
    Some(strings)
}

mod json {
    pub fn ws(b: &[u8], i: &mut usize) {
        while *i < b.len() && matches!(b[*i], b' ' | b'\t' | b'\n' | b'\r') {
            *i += 1;
        }
    }

    fn lit(b: &[u8], i: &mut usize, word: &[u8]) -> Option<()> {
        if b[*i..].starts_with(word) {
            *i += word.len();
            Some(())
        } else {
            None
        }
    }

    fn digits(b: &[u8], i: &mut usize) -> Option<()> {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        (*i > start).then_some(())
    }

    fn number(b: &[u8], i: &mut usize) -> Option<()> {
        if b.get(*i) == Some(&b'-') {
            *i += 1;
        }
        if b.get(*i) == Some(&b'0') {
            *i += 1;
        } else {
            digits(b, i)?;
        }
        if b.get(*i) == Some(&b'.') {
            *i += 1;
            digits(b, i)?;
        }
        if matches!(b.get(*i), Some(b'e' | b'E')) {
            *i += 1;
            if matches!(b.get(*i), Some(b'+' | b'-')) {
                *i += 1;
            }
            digits(b, i)?;
        }
        Some(())
    }

    fn string(b: &[u8], i: &mut usize) -> Option<()> {
        if b.get(*i) != Some(&b'"') {
            return None;
        }
        *i += 1;
        loop {
            match *b.get(*i)? {
                b'"' => {
                    *i += 1;
                    return Some(());
                }
                b'\\' => {
                    *i += 1;
                    match *b.get(*i)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => *i += 1,
                        b'u' => {
                            *i += 1;
                            for _ in 0..4 {
                                if !b.get(*i)?.is_ascii_hexdigit() {
                                    return None;
                                }
                                *i += 1;
                            }
                        }
                        _ => return None,
                    }
                }
                c if c < 0x20 => return None,
                _ => *i += 1,
            }
        }
    }

    /// One JSON value starting at `i` (after whitespace); `i` ends after it.
    pub fn value(b: &[u8], i: &mut usize) -> Option<()> {
        ws(b, i);
        match *b.get(*i)? {
            b'[' => {
                *i += 1;
                ws(b, i);
                if b.get(*i) == Some(&b']') {
                    *i += 1;
                    return Some(());
                }
                loop {
                    value(b, i)?;
                    ws(b, i);
                    match *b.get(*i)? {
                        b',' => *i += 1,
                        b']' => {
                            *i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'{' => {
                *i += 1;
                ws(b, i);
                if b.get(*i) == Some(&b'}') {
                    *i += 1;
                    return Some(());
                }
                loop {
                    ws(b, i);
                    string(b, i)?;
                    ws(b, i);
                    if *b.get(*i)? != b':' {
                        return None;
                    }
                    *i += 1;
                    value(b, i)?;
                    ws(b, i);
                    match *b.get(*i)? {
                        b',' => *i += 1,
                        b'}' => {
                            *i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => string(b, i),
            b't' => lit(b, i, b"true"),
            b'f' => lit(b, i, b"false"),
            b'n' => lit(b, i, b"null"),
            b'-' | b'0'..=b'9' => number(b, i),
            _ => None,
        }
    }
}

/// `shell.Lex.ProcessWords` with the backslash lexer `heredocFromMatch` uses: the words
/// of `s` after quote removal (`$` kept); `None` when the lexer fails.
fn lex_words(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = s.strip_prefix('\u{feff}').unwrap_or(s).chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
                in_word = true;
            }
            '"' => {
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.peek().copied() {
                            None => {}
                            Some(n @ ('"' | '$' | '\\')) => {
                                word.push(n);
                                chars.next();
                            }
                            Some(_) => word.push('\\'),
                        },
                        c => word.push(c),
                    }
                }
                in_word = true;
            }
            '\\' => match chars.next() {
                None => break,
                Some(n) => {
                    word.push(n);
                    in_word = true;
                }
            },
            c if is_space(c) => {
                if in_word && !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    Some(words)
}

/// `parser.ParseHeredoc` (and `MustParseHeredoc`): whether BuildKit takes `word` for a
/// heredoc marker. The regex is `^(\d*)<<(-?)([^<]*)$`, and the rest must lex to one
/// word. Note the optional file descriptor: `1<<EOF` is a heredoc to BuildKit, while
/// `parse-dockerfile` only knows words starting with `<<`.
pub fn heredoc_word(word: &str) -> bool {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let Some(rest) = rest.strip_prefix("<<") else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    if rest.is_empty() || rest.contains('<') {
        return false;
    }
    matches!(lex_words(rest), Some(w) if w.len() == 1)
}

/// The words `heredocsFromLine` looks at: `ProcessWords` with raw quotes and raw escapes
/// (the backslash lexer), i.e. the line split at unquoted whitespace, quotes and escapes
/// kept.
pub fn raw_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = line.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                word.push(c);
                if c == q {
                    quote = None;
                } else if c == '\\' && q == '"' {
                    if let Some(n) = chars.next() {
                        word.push(n);
                    }
                }
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    word.push(c);
                }
                '\\' => {
                    word.push(c);
                    if let Some(n) = chars.next() {
                        word.push(n);
                    }
                }
                c if is_space(c) => {
                    if !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                }
                c => word.push(c),
            },
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Go's `time.ParseDuration`, for the non-negative durations BuildKit's flags take.
pub fn go_duration(s: &str) -> Option<std::time::Duration> {
    if s == "0" {
        return Some(std::time::Duration::ZERO);
    }
    let mut rest = s;
    let mut total: f64 = 0.0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..u] {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[u..];
        total += number * unit;
    }
    // Nanoseconds fit an f64 exactly below 2^53 (about 104 days).
    Some(std::time::Duration::from_nanos(total.round() as u64))
}

/// `parseStringsWhitespaceDelimited`: `COPY`/`ADD` in shell form split at
/// `[\t\v\f\r ]+` (ASCII only).
pub fn split_ascii_whitespace(rest: &str) -> Vec<String> {
    rest.split(['\t', '\u{b}', '\u{c}', '\r', ' '])
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}
