//! A `.dockerignore` read and matched as BuildKit does: moby's `ignorefile.ReadAll` reads
//! the lines, `patternmatcher.New` checks each pattern, and `MatchesOrParentMatches`
//! (what BuildKit's `CopyIgnoredFile` check asks) matches a path.
//!
//! `patternmatcher` does not match with Go's `filepath.Match`: it turns a pattern into a
//! regular expression of its own making, and that is what decides. `[!a]` is then no negation
//! (`!` is a member; `[^a]` negates), `\d` is a digit, `**.pyc` matches any path that ends in
//! `.pyc` (a leading `**` becomes a suffix test), and a `*` inside `[...]` breaks the class.
//! Each of those is followed here, and held to BuildKit by `dockerdsl/tests/cli.rs`.

use super::clean;
use super::regex::{self, Regex};
use crate::expand::go_quote;

/// The patterns BuildKit takes from a `.dockerignore`, in order.
#[derive(Debug, Clone)]
pub(crate) struct Patterns {
    patterns: Vec<Pattern>,
    exclusions: bool,
}

#[derive(Debug, Clone)]
struct Pattern {
    exclusion: bool,
    /// As cleaned, without its `!`: what `copySourceRootIgnored` compares.
    text: String,
    matcher: Matcher,
}

/// `patternmatcher`'s four ways to match, and one for what is not read here.
#[derive(Debug, Clone)]
enum Matcher {
    Exact(String),
    /// A pattern that ends in `**` and has no other special character: the text before it.
    Prefix(String),
    /// A pattern that starts with `**` and has no other special character: the text after.
    Suffix(String),
    Regex(Regex),
    /// A regular expression Go refuses, or one that uses what [`regex`] does not read: no
    /// answer. BuildKit's check gives none either when Go refuses it.
    Unknown,
}

/// A line of the file that makes every build with it fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    /// From 1.
    pub(crate) line: usize,
    /// Of the pattern's first character, from 1.
    pub(crate) column: usize,
    /// The line's pattern, trimmed.
    pub(crate) pattern: String,
    /// BuildKit's error, with the pattern when BuildKit's does not show it.
    pub(crate) message: String,
    pub(crate) help: &'static str,
}

impl Patterns {
    /// The patterns of `text`, and the lines BuildKit refuses (when there is one, BuildKit
    /// fails the build at the first).
    pub(crate) fn read(text: &str) -> (Patterns, Vec<Refused>) {
        let mut patterns = Vec::new();
        let mut refused = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = if i == 0 {
                line.strip_prefix('\u{FEFF}').unwrap_or(line)
            } else {
                line
            };
            // A comment only where the line starts, before any trimming.
            if line.starts_with('#') {
                continue;
            }
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            let column = line[..line.len() - line.trim_start().len()].chars().count() + 1;
            let refuse = |message: String, help| Refused {
                line: i + 1,
                column,
                pattern: trimmed.to_owned(),
                message,
                help,
            };
            // `ReadAll`: the text after a `!` trimmed and cleaned, a leading `/` dropped.
            let (invert, rest) = match trimmed.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, trimmed),
            };
            let mut read = if rest.is_empty() {
                String::new()
            } else {
                let mut p = clean(rest);
                if p.len() > 1 && p.starts_with('/') {
                    p.remove(0);
                }
                p
            };
            if invert {
                read.insert(0, '!');
            }
            // `New`: the whole cleaned again, `!` included (`!/` becomes `!`).
            let read = clean(&read);
            let (exclusion, p) = match read.strip_prefix('!') {
                Some("") => {
                    refused.push(refuse(
                        "illegal exclusion pattern: \"!\"".to_owned(),
                        "a `!` needs a pattern after it: `!README.md`",
                    ));
                    continue;
                }
                Some(p) => (true, p),
                None => (false, read.as_str()),
            };
            if !valid(p) {
                refused.push(refuse(
                    format!("syntax error in pattern {}", go_quote(trimmed)),
                    "close each `[` with `]`, give each range two ends (`[a-z]`), and write a \
                     literal `[`, `-`, `]` or a final `\\` as `\\[`, `\\-`, `\\]`, `\\\\`",
                ));
                continue;
            }
            patterns.push(Pattern {
                exclusion,
                text: p.to_owned(),
                matcher: compile(p),
            });
        }
        let exclusions = patterns.iter().any(|p| p.exclusion);
        (
            Patterns {
                patterns,
                exclusions,
            },
            refused,
        )
    }

    /// BuildKit's `validateCopySourcePath`: the source of a `COPY` or `ADD` from the
    /// context, as cleaned, when these patterns leave it out (`CopyIgnoredFile`). Never with
    /// exceptions (`!pattern`): BuildKit does not guess then.
    pub(crate) fn ignores_source(&self, source: &str) -> Option<String> {
        if self.exclusions {
            return None;
        }
        let source = clean(source);
        // The root is only reported left out by a pattern that leaves out all of it.
        if (source == "." || source == "/") && !self.root_ignored() {
            return None;
        }
        (self.excludes(&source) == Some(true)).then_some(source)
    }

    /// `copySourceRootIgnored`: a pattern that leaves out every entry of the context's root.
    fn root_ignored(&self) -> bool {
        self.patterns
            .iter()
            .any(|p| !p.exclusion && matches!(p.text.as_str(), "*" | "**" | "**/*"))
    }

    /// `MatchesOrParentMatches`: whether `file` (cleaned) or one of its parent folders is
    /// excluded; `None` when a pattern that decides has no answer.
    pub(crate) fn excludes(&self, file: &str) -> Option<bool> {
        let parent = dir(file);
        let parents: Vec<&str> = if parent == "." {
            Vec::new()
        } else {
            // `strings.Split(parent, "/")`, then each prefix joined again.
            let mut ends: Vec<usize> = parent.match_indices('/').map(|(i, _)| i).collect();
            ends.push(parent.len());
            ends.into_iter().map(|end| &parent[..end]).collect()
        };
        let mut matched = false;
        for pattern in &self.patterns {
            if pattern.exclusion != matched {
                continue;
            }
            let mut found = pattern.matcher.matches(file)?;
            if !found {
                // Go ignores the parents' errors.
                found = parents
                    .iter()
                    .any(|p| pattern.matcher.matches(p).unwrap_or(false));
            }
            if found {
                matched = !pattern.exclusion;
            }
        }
        Some(matched)
    }
}

/// Go's `filepath.Dir`.
fn dir(path: &str) -> String {
    let head = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    clean(head)
}

impl Matcher {
    fn matches(&self, path: &str) -> Option<bool> {
        Some(match self {
            Matcher::Exact(p) => path == p,
            Matcher::Prefix(p) => path.starts_with(p.as_str()),
            Matcher::Suffix(s) => path.ends_with(s.as_str()) || s.strip_prefix('/') == Some(path),
            Matcher::Regex(re) => re.is_match(path),
            Matcher::Unknown => return None,
        })
    }
}

/// `Pattern.compile`: the regular expression `patternmatcher` writes for a pattern, and
/// whether it needs one.
fn compile(pattern: &str) -> Matcher {
    #[derive(PartialEq)]
    enum Kind {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }
    let mut re = String::from("^");
    let mut kind = Kind::Exact;
    let mut chars = pattern.chars().peekable();
    let mut i = 0;
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                if chars.peek() == Some(&'/') {
                    chars.next();
                }
                if chars.peek().is_none() {
                    if kind == Kind::Exact {
                        kind = Kind::Prefix;
                    } else {
                        re.push_str(".*");
                        kind = Kind::Regex;
                    }
                } else {
                    re.push_str("(.*/)?");
                    kind = Kind::Regex;
                }
                if i == 0 {
                    kind = Kind::Suffix;
                }
            }
            '*' => {
                re.push_str("[^/]*");
                kind = Kind::Regex;
            }
            '?' => {
                re.push_str("[^/]");
                kind = Kind::Regex;
            }
            // `shouldEscape` means `.+()|{}$`, but its table is eight bytes indexed by
            // `b%8` and `1<<(b/8)`: a byte keeps no bit for `|`, `{` or `}` (124, 123, 125),
            // so these reach the regular expression raw (`a|b` is an alternation).
            '.' | '+' | '(' | ')' | '$' => {
                re.push('\\');
                re.push(c);
            }
            '\\' => match chars.next() {
                Some(next) => {
                    re.push('\\');
                    re.push(next);
                    kind = Kind::Regex;
                }
                None => re.push('\\'),
            },
            '[' | ']' => {
                re.push(c);
                kind = Kind::Regex;
            }
            c => re.push(c),
        }
        i += 1;
    }
    match kind {
        Kind::Exact => Matcher::Exact(pattern.to_owned()),
        Kind::Prefix => Matcher::Prefix(pattern[..pattern.len() - 2].to_owned()),
        Kind::Suffix => Matcher::Suffix(pattern[2..].to_owned()),
        Kind::Regex => {
            re.push('$');
            regex::compile(&re).map_or(Matcher::Unknown, Matcher::Regex)
        }
    }
}

/// Whether Go's `filepath.Match(pattern, ".")` returns no error: the check
/// `patternmatcher.New` makes. Go reads the pattern chunk by chunk (a chunk ends before a
/// `*` outside `[...]`), each chunk whole (an unclosed `[`, a range with one end, a `-` or
/// `]` where a character is expected, a final `\`), and stops at the first chunk `.` does
/// not match: what follows is not read, so BuildKit takes `b*[` and refuses `*[` (checked
/// with BuildKit: `a\` refused, `b*\` taken).
fn valid(pattern: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name = ['.'];
    let mut p: &[char] = &pattern;
    let mut at = 0;
    while !p.is_empty() {
        let (star, chunk, rest) = scan_chunk(p);
        if star && chunk.is_empty() {
            return true;
        }
        match match_chunk(chunk, &name[at..]) {
            Err(()) => return false,
            Ok(Some(n)) if at + n == name.len() || !rest.is_empty() => {
                at += n;
                p = rest;
                continue;
            }
            Ok(_) => {}
        }
        if !star {
            return true;
        }
        // A star may skip characters other than `/`.
        let mut skipped = None;
        for i in at..name.len() {
            if name[i] == '/' {
                break;
            }
            match match_chunk(chunk, &name[i + 1..]) {
                Err(()) => return false,
                Ok(Some(n)) if !(rest.is_empty() && i + 1 + n < name.len()) => {
                    skipped = Some(i + 1 + n);
                    break;
                }
                Ok(_) => {}
            }
        }
        match skipped {
            Some(next) => {
                at = next;
                p = rest;
            }
            None => return true,
        }
    }
    true
}

/// Go's `scanChunk`: leading `*`s, then up to the next `*` outside `[...]`.
fn scan_chunk(pattern: &[char]) -> (bool, &[char], &[char]) {
    let stars = pattern.iter().take_while(|c| **c == '*').count();
    let pattern = &pattern[stars..];
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            '\\' if i + 1 < pattern.len() => i += 1,
            '[' => in_range = true,
            ']' => in_range = false,
            '*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (stars > 0, &pattern[..i], &pattern[i..])
}

/// Go's `matchChunk`: how many characters of `s` the chunk matches (`None` when it does
/// not), read to its end whether it matches or not; `Err` for a malformed chunk.
fn match_chunk(chunk: &[char], s: &[char]) -> Result<Option<usize>, ()> {
    let mut failed = false;
    let (mut c, mut at) = (0, 0);
    while c < chunk.len() {
        if !failed && at == s.len() {
            failed = true;
        }
        match chunk[c] {
            '[' => {
                let r = (!failed).then(|| s[at]);
                if r.is_some() {
                    at += 1;
                }
                c += 1;
                let negated = chunk.get(c) == Some(&'^');
                if negated {
                    c += 1;
                }
                let (mut matched, mut ranges) = (false, 0);
                loop {
                    if ranges > 0 && chunk.get(c) == Some(&']') {
                        c += 1;
                        break;
                    }
                    let lo = class_char(chunk, &mut c)?;
                    let mut hi = lo;
                    if chunk.get(c) == Some(&'-') {
                        c += 1;
                        hi = class_char(chunk, &mut c)?;
                    }
                    if r.is_some_and(|r| lo <= r && r <= hi) {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed {
                    failed = s[at] == '/';
                    at += 1;
                }
                c += 1;
            }
            ch => {
                let ch = if ch == '\\' {
                    c += 1;
                    *chunk.get(c).ok_or(())?
                } else {
                    ch
                };
                if !failed {
                    failed = s[at] != ch;
                    at += 1;
                }
                c += 1;
            }
        }
    }
    Ok((!failed).then_some(at))
}

/// Go's `getEsc`: one character of a class, escaped or not, with something after it.
fn class_char(chunk: &[char], c: &mut usize) -> Result<char, ()> {
    match chunk.get(*c) {
        None | Some('-' | ']') => return Err(()),
        Some('\\') => *c += 1,
        Some(_) => {}
    }
    let r = *chunk.get(*c).ok_or(())?;
    *c += 1;
    if *c >= chunk.len() {
        return Err(());
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::Patterns;

    fn excluded(patterns: &str, path: &str) -> Option<bool> {
        let (p, refused) = Patterns::read(patterns);
        assert_eq!(refused, [], "{patterns}");
        p.excludes(path)
    }

    #[test]
    fn matches_like_patternmatcher() {
        for (patterns, path, expected) in [
            ("*.env", "a.env", true),
            ("*.env", "dir/a.env", false),
            ("**/*.env", "dir/sub/a.env", true),
            ("**/*.env", "a.env", true),
            ("target", "target/debug/x", true),
            ("/target/", "target", true),
            ("dir/**", "dir/a/b", true),
            ("dir/**", "dir", false),
            ("a?c", "abc", true),
            ("a?c", "a/c", false),
            ("[a-c]x", "bx", true),
            // Go's regexp: `!` is a member of the class, `^` negates it.
            ("[!a-c]x", "bx", true),
            ("[!a-c]x", "!x", true),
            ("[!a-c]x", "dx", false),
            ("[^a-c]x", "dx", true),
            // A leading `**` is a suffix: any path that ends so.
            ("**.pyc", "sub/m.pyc", true),
            ("**.pyc", "m.pyc", true),
            ("**foo", "barfoo", true),
            ("**/foo", "barfoo", false),
            ("**/foo", "foo", true),
            ("foo**", "foobar/x", true),
            // `\d` is a digit.
            ("\\d9", "19", true),
            ("\\d9", "d9", false),
            ("\\*", "*", true),
            // `|` is an alternation of the whole expression: `^]` or `$`, which any path ends
            // with.
            ("]|", "a", true),
            ("x|", "a", false),
            ("[ab]{2}", "ab", true),
            ("# not a comment\n#x\nx", "x", true),
            (" # indented: a pattern", "# indented: a pattern", true),
            ("*\n!src", "src/main.rs", false),
            ("*\n!src", "Cargo.toml", true),
            ("\u{FEFF}a", "a", true),
        ] {
            assert_eq!(
                excluded(patterns, path),
                Some(expected),
                "{patterns:?} {path:?}"
            );
        }
        // What Go's regexp refuses or is not read here: no answer.
        assert_eq!(excluded("\\1", "1"), None);
        assert_eq!(excluded("a\\pL", "ab"), None);
        assert_eq!(excluded("a\\b", "a"), Some(true));
        // ...unless a pattern before it already decided.
        assert_eq!(excluded("x\n\\1", "x"), Some(true));
    }

    #[test]
    fn checks_patterns_as_go_reads_them() {
        // Each checked with BuildKit: Go stops at the first chunk `.` does not match.
        for (pattern, ok) in [
            ("a\\", false),
            ("b*\\", true),
            ("*\\", false),
            ("?\\", false),
            ("[a]\\", false),
            (".\\", false),
            ("a*b\\", true),
            ("*a\\", false),
            ("x*[", true),
            ("x*[a-]", true),
            ("[", false),
            ("*[", false),
            (".*[", false),
            ("[!]", true),
            ("[^]", false),
            ("a[]", false),
        ] {
            assert_eq!(super::valid(pattern), ok, "{pattern}");
        }
    }

    #[test]
    fn refuses_what_buildkit_refuses() {
        let (_, refused) = Patterns::read("ok\n[\n!\n  a\\\n[]a]\n[a-]\n! /\n[!]\n");
        let lines: Vec<(usize, usize, &str, &str)> = refused
            .iter()
            .map(|r| (r.line, r.column, r.pattern.as_str(), r.message.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                (2, 1, "[", "syntax error in pattern \"[\""),
                (3, 1, "!", "illegal exclusion pattern: \"!\""),
                (4, 3, "a\\", "syntax error in pattern \"a\\\\\""),
                (5, 1, "[]a]", "syntax error in pattern \"[]a]\""),
                (6, 1, "[a-]", "syntax error in pattern \"[a-]\""),
                (7, 1, "! /", "illegal exclusion pattern: \"!\""),
            ]
        );
    }
}
