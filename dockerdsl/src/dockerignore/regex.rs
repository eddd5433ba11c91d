//! The part of Go's `regexp` (RE2 syntax, `regexp.Compile`'s flags) that moby's
//! `patternmatcher` can hand it: a `.dockerignore` pattern becomes a regular expression there,
//! built from the pattern's characters with only `.+()$` escaped, so a pattern's `\d`,
//! `[^a]`, `a|b`, `{2}`, a raw `^` or a `[` whose `*` turned into `[^/]*` mean what they
//! mean to Go.
//!
//! What a pattern cannot bring in through that door (groups of its own, flags) is not read,
//! and neither are Unicode classes (`\pL`): [`compile`] answers `None` for them as for what
//! Go refuses, and the caller makes no claim about such a pattern. Matching is a
//! Pike VM: linear in the path for a given pattern, whatever the pattern.

/// A compiled expression.
#[derive(Debug, Clone)]
pub(super) struct Regex {
    program: Vec<Inst>,
}

#[derive(Debug, Clone)]
enum Inst {
    Char(char),
    Set(Set),
    /// `.`: any character but `\n`.
    Any,
    /// `^`: the start of the text (Go's `OneLine`).
    Begin,
    /// `$`: the end of the text.
    End,
    /// `\b` (`true`) and `\B`: an ASCII word boundary, or none.
    Boundary(bool),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// Sorted, disjoint, inclusive ranges of characters.
#[derive(Debug, Clone, Default)]
struct Set(Vec<(char, char)>);

impl Set {
    fn add(&mut self, lo: char, hi: char) {
        self.0.push((lo, hi));
    }

    fn extend(&mut self, other: &Set) {
        self.0.extend_from_slice(&other.0);
    }

    /// Sorted and merged.
    fn normal(mut self) -> Set {
        self.0.sort_unstable();
        let mut out: Vec<(char, char)> = Vec::with_capacity(self.0.len());
        for (lo, hi) in self.0 {
            match out.last_mut() {
                Some(last) if u32::from(lo) <= u32::from(last.1).saturating_add(1) => {
                    last.1 = last.1.max(hi);
                }
                _ => out.push((lo, hi)),
            }
        }
        Set(out)
    }

    fn negated(self) -> Set {
        let mut out = Set::default();
        let mut next = 0u32;
        for (lo, hi) in self.normal().0 {
            if u32::from(lo) > next {
                push_scalars(&mut out, next, u32::from(lo) - 1);
            }
            next = u32::from(hi) + 1;
        }
        push_scalars(&mut out, next, u32::from(char::MAX));
        out
    }

    fn contains(&self, c: char) -> bool {
        self.0.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c))
    }
}

/// `lo..=hi` as ranges of `char`s, around the surrogates (which are not characters).
fn push_scalars(set: &mut Set, lo: u32, hi: u32) {
    for (a, b) in [(lo, hi.min(0xD7FF)), (lo.max(0xE000), hi)] {
        if a <= b
            && let (Some(a), Some(b)) = (char::from_u32(a), char::from_u32(b))
        {
            set.add(a, b);
        }
    }
}

/// `\d`, `\s`, `\w` and their negations, ASCII as in Go.
fn perl_class(c: char) -> Option<Set> {
    let set = match c.to_ascii_lowercase() {
        'd' => Set(vec![('0', '9')]),
        's' => Set(vec![('\t', '\n'), ('\x0C', '\r'), (' ', ' ')]),
        'w' => Set(vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]),
        _ => return None,
    };
    Some(if c.is_ascii_uppercase() {
        set.negated()
    } else {
        set
    })
}

/// `[:name:]` (or `[:^name:]`) inside a class, ASCII as in Go; `None` for a name Go does
/// not know (it refuses the expression).
fn posix_class(name: &str) -> Option<Set> {
    let (negated, name) = match name.strip_prefix('^') {
        Some(n) => (true, n),
        None => (false, name),
    };
    let ranges: &[(char, char)] = match name {
        "alnum" => &[('0', '9'), ('A', 'Z'), ('a', 'z')],
        "alpha" => &[('A', 'Z'), ('a', 'z')],
        "ascii" => &[('\0', '\x7F')],
        "blank" => &[('\t', '\t'), (' ', ' ')],
        "cntrl" => &[('\0', '\x1F'), ('\x7F', '\x7F')],
        "digit" => &[('0', '9')],
        "graph" => &[('!', '~')],
        "lower" => &[('a', 'z')],
        "print" => &[(' ', '~')],
        "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "space" => &[('\t', '\r'), (' ', ' ')],
        "upper" => &[('A', 'Z')],
        "word" => &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')],
        "xdigit" => &[('0', '9'), ('A', 'F'), ('a', 'f')],
        _ => return None,
    };
    let set = Set(ranges.to_vec());
    Some(if negated { set.negated() } else { set })
}

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Set(Set),
    Any,
    Begin,
    End,
    Boundary(bool),
    Group(Vec<Vec<(Node, Repeat)>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    One,
    Star,
    Plus,
    Optional,
    /// `{min}`, `{min,}` (`None`), `{min,max}`.
    Count(u32, Option<u32>),
}

/// What an escape stands for.
enum Escaped {
    Char(char),
    Class(Set),
    /// `\A`, `\z`, `\b`, `\B`: not in a class.
    Assertion(Node),
    /// `\Q`: what follows, to `\E`, is literal.
    Quote,
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek2(&self) -> Option<char> {
        self.chars.get(self.at + 1).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    /// Alternatives (`a|b`), each a sequence, up to `)` (inside a group) or the end.
    fn alternatives(&mut self, in_group: bool) -> Option<Vec<Vec<(Node, Repeat)>>> {
        let mut alternatives = Vec::new();
        let mut nodes: Vec<(Node, Repeat)> = Vec::new();
        // Whether the last node was repeated: Go refuses a repetition of it (`a**`).
        let mut repeated = false;
        loop {
            let Some(c) = self.next() else {
                // A group left open.
                alternatives.push(nodes);
                return (!in_group).then_some(alternatives);
            };
            let node = match c {
                ')' => {
                    alternatives.push(nodes);
                    return in_group.then_some(alternatives);
                }
                '|' => {
                    alternatives.push(std::mem::take(&mut nodes));
                    repeated = false;
                    continue;
                }
                '(' => {
                    // Flags and named groups never come from a pattern.
                    if self.peek() == Some('?') {
                        return None;
                    }
                    Node::Group(self.alternatives(true)?)
                }
                '^' => Node::Begin,
                '$' => Node::End,
                '.' => Node::Any,
                '[' => Node::Set(self.class()?),
                '\\' => match self.escape()? {
                    Escaped::Char(c) => Node::Char(c),
                    Escaped::Class(set) => Node::Set(set),
                    Escaped::Assertion(node) => node,
                    Escaped::Quote => {
                        // Literal to `\E`, or to the end.
                        while let Some(c) = self.next() {
                            if c == '\\' && self.peek() == Some('E') {
                                self.next();
                                break;
                            }
                            nodes.push((Node::Char(c), Repeat::One));
                            repeated = false;
                        }
                        continue;
                    }
                },
                '*' | '+' | '?' | '{' => {
                    let repeat = match c {
                        '*' => Some(Repeat::Star),
                        '+' => Some(Repeat::Plus),
                        '?' => Some(Repeat::Optional),
                        // `{n}`, `{n,}`, `{n,m}`; any other `{` is a literal.
                        _ => self.counted(),
                    };
                    match repeat {
                        Some(Repeat::Count(min, max))
                            if min > 1000 || max.is_some_and(|m| m > 1000 || m < min) =>
                        {
                            return None;
                        }
                        Some(repeat) => {
                            // Nothing to repeat, or a repetition repeated: Go refuses both.
                            let last = nodes.last_mut().filter(|_| !repeated)?;
                            last.1 = repeat;
                            repeated = true;
                            continue;
                        }
                        None => Node::Char('{'),
                    }
                }
                c => Node::Char(c),
            };
            nodes.push((node, Repeat::One));
            repeated = false;
        }
    }

    /// After `{`: a count as Go reads it (`{2}`, `{2,}`, `{2,5}`), consumed; `None`, with
    /// nothing consumed, when the `{` is a literal. (Go refuses a count above 1000 or a
    /// range that ends before it starts: the caller does.)
    fn counted(&mut self) -> Option<Repeat> {
        let start = self.at;
        let number = |p: &mut Parser| -> Option<u32> {
            let from = p.at;
            let mut value: u32 = 0;
            while let Some(d) = p.peek().and_then(|c| c.to_digit(10)) {
                value = value.saturating_mul(10).saturating_add(d);
                p.next();
            }
            (p.at > from).then_some(value)
        };
        let parsed = (|| {
            let min = number(self)?;
            let max = if self.peek() == Some(',') {
                self.next();
                if self.peek() == Some('}') {
                    None
                } else {
                    Some(number(self)?)
                }
            } else {
                Some(min)
            };
            (self.next()? == '}').then_some((min, max))
        })();
        match parsed {
            Some((min, max)) => Some(Repeat::Count(min, max)),
            None => {
                self.at = start;
                None
            }
        }
    }

    /// After `[`: to its `]`.
    fn class(&mut self) -> Option<Set> {
        let negated = self.peek() == Some('^');
        if negated {
            self.next();
        }
        let mut set = Set::default();
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            if c == '[' && self.peek() == Some(':') {
                // `[:alpha:]` when a `:]` follows (anywhere, as Go looks); else a `[`.
                let rest: String = self.chars[self.at + 1..].iter().collect();
                if let Some(end) = rest.find(":]") {
                    set.extend(&posix_class(&rest[..end])?);
                    self.at += 1 + rest[..end].chars().count() + 2;
                    continue;
                }
            }
            let lo = match self.class_char(c)? {
                Escaped::Char(c) => c,
                Escaped::Class(s) => {
                    set.extend(&s);
                    continue;
                }
                Escaped::Assertion(_) | Escaped::Quote => return None,
            };
            if self.peek() == Some('-') && self.peek2().is_some_and(|c| c != ']') {
                self.next();
                let c = self.next()?;
                let Escaped::Char(hi) = self.class_char(c)? else {
                    return None;
                };
                if hi < lo {
                    return None;
                }
                set.add(lo, hi);
            } else {
                set.add(lo, lo);
            }
        }
        let set = set.normal();
        Some(if negated { set.negated() } else { set })
    }

    fn class_char(&mut self, c: char) -> Option<Escaped> {
        if c == '\\' {
            self.escape()
        } else {
            Some(Escaped::Char(c))
        }
    }

    /// After `\`.
    fn escape(&mut self) -> Option<Escaped> {
        let c = self.next()?;
        if c.is_ascii() && !c.is_ascii_alphanumeric() {
            return Some(Escaped::Char(c));
        }
        let control = |c: u8| Some(Escaped::Char(char::from(c)));
        match c {
            '1'..='7' | '0' => {
                // One digit other than 0 is a back-reference, which Go refuses.
                if c != '0' && !self.peek().is_some_and(|d| ('0'..='7').contains(&d)) {
                    return None;
                }
                let mut value = c.to_digit(8)?;
                for _ in 0..2 {
                    match self.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            self.next();
                        }
                        None => break,
                    }
                }
                char::from_u32(value).map(Escaped::Char)
            }
            'x' => {
                let mut value: u32 = 0;
                if self.peek() == Some('{') {
                    self.next();
                    let mut digits = 0;
                    loop {
                        let d = self.next()?;
                        if d == '}' {
                            break;
                        }
                        value = value.checked_mul(16)?.checked_add(d.to_digit(16)?)?;
                        digits += 1;
                    }
                    if digits == 0 {
                        return None;
                    }
                } else {
                    for _ in 0..2 {
                        value = value * 16 + self.next()?.to_digit(16)?;
                    }
                }
                char::from_u32(value).map(Escaped::Char)
            }
            'a' => control(7),
            'f' => control(12),
            'n' => control(b'\n'),
            'r' => control(b'\r'),
            't' => control(b'\t'),
            'v' => control(11),
            'd' | 'D' | 's' | 'S' | 'w' | 'W' => perl_class(c).map(Escaped::Class),
            'A' => Some(Escaped::Assertion(Node::Begin)),
            'z' => Some(Escaped::Assertion(Node::End)),
            'b' => Some(Escaped::Assertion(Node::Boundary(true))),
            'B' => Some(Escaped::Assertion(Node::Boundary(false))),
            'Q' => Some(Escaped::Quote),
            // `\p`, `\P` (Unicode classes): valid, not read here; any other letter, or a
            // non-ASCII character: refused.
            _ => None,
        }
    }
}

/// `re` compiled, or `None` when Go refuses it or it uses what is not read here.
pub(super) fn compile(re: &str) -> Option<Regex> {
    let alternatives = Parser {
        chars: re.chars().collect(),
        at: 0,
    }
    .alternatives(false)?;
    let mut program = Vec::new();
    emit(&alternatives, &mut program);
    program.push(Inst::Match);
    Some(Regex { program })
}

/// `a|b|c`: a split before each alternative but the last, a jump to the end after each.
fn emit(alternatives: &[Vec<(Node, Repeat)>], program: &mut Vec<Inst>) {
    let mut jumps = Vec::new();
    for (i, nodes) in alternatives.iter().enumerate() {
        let last = i + 1 == alternatives.len();
        let split = program.len();
        if !last {
            program.push(Inst::Split(0, 0));
        }
        emit_sequence(nodes, program);
        if !last {
            jumps.push(program.len());
            program.push(Inst::Jmp(0));
            let next = program.len();
            program[split] = Inst::Split(split + 1, next);
        }
    }
    let end = program.len();
    for j in jumps {
        program[j] = Inst::Jmp(end);
    }
}

fn emit_sequence(nodes: &[(Node, Repeat)], program: &mut Vec<Inst>) {
    for (node, repeat) in nodes {
        match *repeat {
            Repeat::One => emit_one(node, program),
            Repeat::Plus => {
                let start = program.len();
                emit_one(node, program);
                let split = program.len();
                program.push(Inst::Split(start, split + 1));
            }
            Repeat::Star => emit_optional(node, program, true),
            Repeat::Optional => emit_optional(node, program, false),
            // `x{2,4}` is `xx` then `x?` twice; `x{2,}` is `xx` then `x*`.
            Repeat::Count(min, max) => {
                for _ in 0..min {
                    emit_one(node, program);
                }
                match max {
                    None => emit_optional(node, program, true),
                    Some(max) => {
                        for _ in min..max {
                            emit_optional(node, program, false);
                        }
                    }
                }
            }
        }
    }
}

/// `x?`, or `x*` when `again`.
fn emit_optional(node: &Node, program: &mut Vec<Inst>, again: bool) {
    let start = program.len();
    program.push(Inst::Split(0, 0));
    emit_one(node, program);
    if again {
        program.push(Inst::Jmp(start));
    }
    let after = program.len();
    program[start] = Inst::Split(start + 1, after);
}

fn emit_one(node: &Node, program: &mut Vec<Inst>) {
    program.push(match node {
        Node::Char(c) => Inst::Char(*c),
        Node::Set(s) => Inst::Set(s.clone()),
        Node::Any => Inst::Any,
        Node::Begin => Inst::Begin,
        Node::End => Inst::End,
        Node::Boundary(b) => Inst::Boundary(*b),
        Node::Group(alternatives) => return emit(alternatives, program),
    });
}

impl Regex {
    /// Whether the expression matches somewhere in `text` (Go's `MatchString`).
    pub(super) fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let n = self.program.len();
        let mut current: Vec<usize> = Vec::new();
        let mut next: Vec<usize> = Vec::new();
        let mut seen = vec![usize::MAX; n];
        for at in 0..=chars.len() {
            // Unanchored: a thread starts at every position.
            if self.add(&mut current, &mut seen, 0, at, &chars) {
                return true;
            }
            let c = chars.get(at).copied();
            for &pc in &current {
                let step = match (&self.program[pc], c) {
                    (Inst::Char(x), Some(c)) => *x == c,
                    (Inst::Set(s), Some(c)) => s.contains(c),
                    (Inst::Any, Some(c)) => c != '\n',
                    _ => false,
                };
                if step && self.add(&mut next, &mut seen, pc + 1, at + 1, &chars) {
                    return true;
                }
            }
            std::mem::swap(&mut current, &mut next);
            next.clear();
        }
        false
    }

    /// Adds the thread at `pc` (following jumps and assertions at position `at`) to
    /// `list`; `true` when it reaches `Match`. `seen[pc] == at` marks a thread already added
    /// for that position.
    fn add(
        &self,
        list: &mut Vec<usize>,
        seen: &mut [usize],
        pc: usize,
        at: usize,
        text: &[char],
    ) -> bool {
        let word = |i: Option<usize>| {
            i.and_then(|i| text.get(i))
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        };
        let boundary = word(at.checked_sub(1)) != word(Some(at));
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            if seen[pc] == at {
                continue;
            }
            seen[pc] = at;
            match &self.program[pc] {
                Inst::Match => return true,
                Inst::Jmp(to) => stack.push(*to),
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Inst::Begin if at == 0 => stack.push(pc + 1),
                Inst::End if at == text.len() => stack.push(pc + 1),
                Inst::Boundary(b) if *b == boundary => stack.push(pc + 1),
                Inst::Begin | Inst::End | Inst::Boundary(_) => {}
                Inst::Char(_) | Inst::Set(_) | Inst::Any => list.push(pc),
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::compile;

    fn m(re: &str, text: &str) -> bool {
        compile(re)
            .unwrap_or_else(|| panic!("{re} compiles"))
            .is_match(text)
    }

    #[test]
    fn reads_what_patternmatcher_writes() {
        assert!(m("^[^/]*\\.go$", "main.go"));
        assert!(!m("^[^/]*\\.go$", "cmd/main.go"));
        assert!(m("^(.*/)?a$", "x/y/a"));
        assert!(m("^(.*/)?a$", "a"));
        assert!(!m("^(.*/)?a$", "xa"));
        assert!(m("^a/.*$", "a/b/c"));
        // A `[!...]` is no negation to Go: `!` is a member.
        assert!(m("^[!a-c]x$", "bx"));
        assert!(m("^[!a-c]x$", "!x"));
        assert!(!m("^[!a-c]x$", "dx"));
        assert!(m("^[^a-c]x$", "dx"));
        assert!(m("^\\d9$", "19"));
        assert!(!m("^\\d9$", "d9"));
        // A `*` inside a class, turned into `[^/]*`: the class is `[[^/]`, repeated.
        assert!(m("^[[^/]*]$", "[^]"));
        assert!(!m("^[[^/]*]$", "*"));
        // A raw `^` in the middle anchors nothing that can match.
        assert!(!m("^a^b[^/]*$", "a^bc"));
        // `.` does not match a new line; a negated class does.
        assert!(!m("^a.b$", "a\nb"));
        assert!(m("^a[^/]b$", "a\nb"));
        assert!(m("^\\x41\\x{42}\\101\\0$", "ABA\0"));
        assert!(m("^a\\b$", "a"));
        assert!(m("^[[:alpha:]]x$", "dx"));
        assert!(m("^[[:^alpha:]]x$", "1x"));
        assert!(m("^[[:a]x$", ":x"));
        // `|`, `{` and `}` reach Go unescaped (patternmatcher's escape table drops them).
        assert!(m("^]|$", "anything"));
        assert!(m("^a|b$", "ax"));
        assert!(!m("^a|b$", "xa"));
        assert!(m("^a{2}$", "aa"));
        assert!(!m("^a{2}$", "a"));
        assert!(m("^a{1,}b$", "aaab"));
        assert!(m("^a{0,1}b$", "b"));
        assert!(m("^{$", "{"));
        assert!(m("^a{x}$", "a{x}"));
        assert!(m("^a{2$", "a{2"));
        assert!(!m("^a\\bb$", "ab"));
        assert!(m("^a\\Bb$", "ab"));
        assert!(m("^\\Qa\\.b\\E$", "a\\.b"));
        assert!(m("^\\Qa*", "a*"));
    }

    #[test]
    fn refuses_what_go_refuses_or_is_not_read_here() {
        for re in [
            "\\1",
            "\\8",
            "\\é",
            "\\e",
            "a**",
            "[b-a]",
            "[a",
            "(a",
            "a)",
            "\\pL",
            "[\\b]",
            "[[:alpha]]:]",
            "\\x{}",
            "\\xZ1",
            "a{2}*",
            "a*{2}",
            "|*",
            "a{1001}",
            "a{3,2}",
        ] {
            assert!(compile(re).is_none(), "{re}");
        }
    }
}
