//! Whether text with unknown parts can still be an image reference.
//!
//! A `FROM` word such as `golang:${GO}-alpine` is checked by BuildKit only after the build
//! arguments are substituted, so a file cannot be refused for it unless *no* value of the
//! arguments makes a reference. That is a question about every string at once, which the
//! reference's grammar (distribution's `ReferenceRegexp`, the one BuildKit parses a base
//! with) answers as an automaton: the literal text moves it character by character, and an
//! unknown part moves it to every state some text reaches. `golang:${GO}:alpine` can be a
//! reference (`golang:5000/x:alpine`, a registry with a port); `lAine::${V}` cannot.
//!
//! The grammar, as BuildKit vendors it (`github.com/distribution/reference/regexp.go`):
//!
//! ```text
//! reference  = name (":" tag)? ("@" digest)?
//! name       = (host (":" port)? "/")? component ("/" component)*
//! host       = label ("." label)* | "[" [a-fA-F0-9:]+ "]"
//! label      = [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
//! port       = [0-9]+
//! component  = [a-z0-9]+ (("." | "_" | "__" | "-"+) [a-z0-9]+)*
//! tag        = [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//! digest     = [A-Za-z][A-Za-z0-9]* ([-_+.][A-Za-z][A-Za-z0-9]*)* ":" [0-9a-fA-F]{32,}
//! ```
//!
//! BuildKit first reads a host off the front (`splitDockerDomain`: a first component with
//! `.` or `:`, `localhost`, or an upper-case letter) and puts `docker.io/` before anything
//! else. That refuses one thing the grammar takes, an IPv6-like host with neither a `:` nor
//! an upper-case letter (`[a]/app`), and the automaton refuses it too. The lengths (a tag's
//! 128 characters, a name's 255), a digest's algorithm and the 64 hex digits BuildKit
//! refuses as a name are not in it: it may take a word that BuildKit refuses for them,
//! never refuse one BuildKit takes.

/// A part of a word: literal text, or text a build argument gives (any text, empty
/// included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    Text(&'a str),
    Unknown,
}

/// Where no value of the unknown parts makes a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stuck {
    /// At this character of literal text: the index of the part and the byte offset in it.
    At { part: usize, offset: usize },
    /// At the end: the word cannot end where it does.
    End,
}

/// Whether some text for the [`Part::Unknown`]s makes the parts, joined, an image reference;
/// where the last chance ends, when none does.
pub fn possible(parts: &[Part<'_>]) -> Result<(), Stuck> {
    let mut states = START;
    for (part, p) in parts.iter().enumerate() {
        match p {
            Part::Unknown => states = reachable(states),
            Part::Text(text) => {
                for (offset, c) in text.char_indices() {
                    states = step(states, c);
                    if states == 0 {
                        return Err(Stuck::At { part, offset });
                    }
                }
            }
        }
    }
    if states & ACCEPT == 0 {
        return Err(Stuck::End);
    }
    Ok(())
}

/// Whether some text for the [`Part::Unknown`]s makes the parts, joined, `text` (a stage's
/// name that a `FROM` word may spell).
pub fn could_be(parts: &[Part<'_>], text: &str) -> bool {
    // Wildcard matching, an unknown part a `*`: on a mismatch, the last `*` takes one more
    // byte and the match goes on from there.
    let text = text.as_bytes();
    let (mut part, mut at_part, mut at) = (0, 0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        match parts.get(part) {
            Some(Part::Unknown) => {
                part += 1;
                at_part = 0;
                star = Some((part, at));
                continue;
            }
            Some(Part::Text(t)) if at_part == t.len() => {
                part += 1;
                at_part = 0;
                continue;
            }
            Some(Part::Text(t)) if text.get(at) == t.as_bytes().get(at_part) => {
                at += 1;
                at_part += 1;
                continue;
            }
            // A byte that differs: the last unknown part takes one more.
            Some(Part::Text(_)) => {}
            None if at == text.len() => return true,
            None => {}
        }
        match star {
            Some((after, from)) if from < text.len() => {
                star = Some((after, from + 1));
                (part, at_part, at) = (after, 0, from + 1);
            }
            _ => return false,
        }
    }
}

// The states, one bit each. A host's label and a path component start at once (`START`):
// which one the first component is shows only later (a `/` after a port, an upper-case
// letter).
const LABEL_START: u64 = 1;
/// A label's letter or digit: the label may end here.
const LABEL: u64 = 1 << 1;
/// A `-` inside a label.
const LABEL_DASH: u64 = 1 << 2;
const BRACKET_OPEN: u64 = 1 << 3;
/// Just after `[`.
const IPV6_START: u64 = 1 << 4;
/// Inside `[...]`, digits and lower-case hex digits only so far.
const IPV6_HEX: u64 = 1 << 5;
/// Inside `[...]`, after a `:` or an upper-case hex digit.
const IPV6: u64 = 1 << 6;
/// After `[...]` with a `:` or an upper-case letter inside.
const BRACKET_CLOSED: u64 = 1 << 7;
/// After `[...]` with neither: `splitDockerDomain` takes it for a host only with a port
/// after it (`[a]/app` is a repository path, and an invalid one; `[A]/app` is a host's).
const BRACKET_BARE: u64 = 1 << 8;
const PORT_START: u64 = 1 << 9;
const PORT: u64 = 1 << 10;
const COMPONENT_START: u64 = 1 << 11;
/// A component's letter or digit: the component may end here.
const COMPONENT: u64 = 1 << 12;
/// After `.` or `__`: a letter or digit must follow.
const SEPARATOR: u64 = 1 << 13;
/// After one `_`.
const UNDERSCORE: u64 = 1 << 14;
/// After one or more `-`.
const DASHES: u64 = 1 << 15;
const TAG_START: u64 = 1 << 16;
const TAG: u64 = 1 << 17;
const ALGORITHM_START: u64 = 1 << 18;
const ALGORITHM: u64 = 1 << 19;
/// `HEX << k`: `k` hex digits of the digest read, up to 32 (`HEX_DONE`).
const HEX: u64 = 1 << 20;
const HEX_DIGITS: u32 = 32;
const HEX_DONE: u64 = HEX << HEX_DIGITS;
const ALL_HEX: u64 = ((HEX_DONE << 1) - 1) & !(HEX - 1);

const START: u64 = LABEL_START | BRACKET_OPEN | COMPONENT_START;
const ACCEPT: u64 = COMPONENT | TAG | HEX_DONE;

/// One character read from every state in `states`.
fn step(states: u64, c: char) -> u64 {
    let lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    let alnum = c.is_ascii_alphanumeric();
    let word = alnum || c == '_';
    let hex = c.is_ascii_hexdigit();
    let mut next = 0;
    let mut on = |from: u64, when: bool, to: u64| {
        if states & from != 0 && when {
            next |= to;
        }
    };
    // A host's labels, its port, and the `/` before the path.
    on(LABEL_START | LABEL | LABEL_DASH, alnum, LABEL);
    on(LABEL | LABEL_DASH, c == '-', LABEL_DASH);
    on(LABEL, c == '.', LABEL_START);
    on(LABEL | BRACKET_CLOSED, c == ':', PORT_START);
    on(LABEL | BRACKET_CLOSED | PORT, c == '/', COMPONENT_START);
    on(BRACKET_OPEN, c == '[', IPV6_START);
    let upper_hex = hex && c.is_ascii_uppercase();
    on(IPV6_START | IPV6_HEX, hex && !upper_hex, IPV6_HEX);
    on(IPV6_START | IPV6_HEX | IPV6, c == ':' || upper_hex, IPV6);
    on(IPV6, hex, IPV6);
    on(IPV6, c == ']', BRACKET_CLOSED);
    on(IPV6_HEX, c == ']', BRACKET_BARE);
    on(BRACKET_BARE, c == ':', PORT_START);
    on(PORT_START | PORT, c.is_ascii_digit(), PORT);
    // The path's components.
    on(
        COMPONENT_START | COMPONENT | SEPARATOR | UNDERSCORE | DASHES,
        lower,
        COMPONENT,
    );
    on(COMPONENT, c == '.', SEPARATOR);
    on(COMPONENT, c == '_', UNDERSCORE);
    on(UNDERSCORE, c == '_', SEPARATOR);
    on(COMPONENT | DASHES, c == '-', DASHES);
    on(COMPONENT, c == '/', COMPONENT_START);
    // The tag and the digest.
    on(COMPONENT, c == ':', TAG_START);
    on(TAG_START | TAG, word, TAG);
    on(TAG, matches!(c, '.' | '-'), TAG);
    on(COMPONENT | TAG, c == '@', ALGORITHM_START);
    on(ALGORITHM_START, c.is_ascii_alphabetic(), ALGORITHM);
    on(ALGORITHM, alnum, ALGORITHM);
    on(
        ALGORITHM,
        matches!(c, '-' | '_' | '+' | '.'),
        ALGORITHM_START,
    );
    on(ALGORITHM, c == ':', HEX);
    if hex {
        // Each hex digit moves a count on by one; 32 and more stay at 32.
        next |= ((states & ALL_HEX & !HEX_DONE) << 1) | (states & HEX_DONE);
    }
    next
}

/// One character of each class `step` tells apart: what some text does from a state is
/// what some string of these does.
const CLASSES: [char; 15] = [
    'a', 'g', 'A', 'G', '0', '.', '_', '-', '+', ':', '/', '@', '[', ']', ' ',
];

/// Every state some text (the empty text included) reaches from `states`.
fn reachable(mut states: u64) -> u64 {
    loop {
        let more = CLASSES.iter().fold(states, |acc, &c| acc | step(states, c));
        if more == states {
            return states;
        }
        states = more;
    }
}

#[cfg(test)]
mod tests {
    use super::{Part, Stuck, possible};

    fn text(s: &str) -> Result<(), Stuck> {
        possible(&[Part::Text(s)])
    }

    /// `s` with each `*` an unknown part.
    fn template(s: &str) -> Result<(), Stuck> {
        let mut parts = Vec::new();
        for (i, piece) in s.split('*').enumerate() {
            if i > 0 {
                parts.push(Part::Unknown);
            }
            if !piece.is_empty() {
                parts.push(Part::Text(piece));
            }
        }
        possible(&parts)
    }

    #[test]
    fn references_as_buildkit_reads_them() {
        for ok in [
            "alpine",
            "alpine:3.20",
            "library/alpine:3.20",
            "ghcr.io/org/app:1.2",
            "localhost:5000/app",
            "Registry.Example:443/team/app",
            "[::1]:5000/app:v1",
            "[fe80::1]/app",
            "a__b.c-d---e/f",
            "app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
            "app:v1@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
            "app:_TAG.-x",
            "x-y/z",
            "Registry/app",
            "[A]/app",
            "[a]:5000/app",
        ] {
            assert_eq!(text(ok), Ok(()), "{ok}");
        }
        for (bad, at) in [
            ("[a]/app", Stuck::At { part: 0, offset: 3 }),
            ("[]/app", Stuck::At { part: 0, offset: 1 }),
            ("Alpine", Stuck::End),
            ("lAine::2020", Stuck::At { part: 0, offset: 6 }),
            ("alpine:", Stuck::End),
            ("alpine:-x", Stuck::At { part: 0, offset: 7 }),
            ("a/", Stuck::End),
            ("-a", Stuck::At { part: 0, offset: 0 }),
            ("a..b", Stuck::At { part: 0, offset: 2 }),
            ("a___b", Stuck::At { part: 0, offset: 3 }),
            ("a-", Stuck::End),
            ("app@sha256:abc", Stuck::End),
            ("app:1:2", Stuck::At { part: 0, offset: 5 }),
            ("a b", Stuck::At { part: 0, offset: 1 }),
            ("[::1]", Stuck::End),
            ("host:port/app", Stuck::At { part: 0, offset: 9 }),
            ("é", Stuck::At { part: 0, offset: 0 }),
        ] {
            assert_eq!(text(bad), Err(at), "{bad}");
        }
    }

    #[test]
    fn spelling_a_name() {
        let t = |s: &'static str| Part::Text(s);
        let u = Part::Unknown;
        for (parts, text, yes) in [
            (vec![t("b_."), u], "b_._", true),
            (vec![t("b_."), u], "b_", false),
            (vec![u], "", true),
            (vec![], "", true),
            (vec![t("a"), u, t("a")], "a", false),
            (vec![t("a"), u, t("a")], "aa", true),
            (vec![u, t("ab"), u, t("c")], "xabyabzc", true),
            (vec![u, t("ab"), u, t("c")], "xabyabzcd", false),
            (vec![t("build")], "build", true),
            (vec![t("build")], "builds", false),
        ] {
            assert_eq!(super::could_be(&parts, text), yes, "{parts:?} {text}");
        }
    }

    #[test]
    fn unknown_parts_may_hold_any_text() {
        for ok in [
            "*",
            "golang:*-alpine*",
            // A registry's port from the argument: `golang:5000/x:alpine`.
            "golang:*:alpine",
            // `[` from the argument makes the colons an IPv6 address's: `[::1]/foo`.
            "*::1]/foo",
            "*/app:1",
            "App*",
            "lAine:*",
            "app@*",
        ] {
            assert_eq!(template(ok), Ok(()), "{ok}");
        }
        for (bad, at) in [
            ("lAine::I::2020*", Stuck::At { part: 0, offset: 6 }),
            ("*/App:1", Stuck::At { part: 1, offset: 1 }),
            ("golang:-alpine*", Stuck::At { part: 0, offset: 7 }),
            ("*/", Stuck::End),
            ("* x", Stuck::At { part: 1, offset: 0 }),
            ("nan{oerited}*", Stuck::At { part: 0, offset: 3 }),
        ] {
            assert_eq!(template(bad), Err(at), "{bad}");
        }
    }

    /// The automaton and the model's own check of a reference (`rules::image`, which says
    /// why a reference is refused) agree on every word of up to five characters from the
    /// characters that matter to the grammar.
    #[test]
    fn agrees_with_the_model_on_every_short_word() {
        const CHARS: [char; 13] = [
            'a', 'g', 'A', 'G', '0', '.', '_', '-', ':', '/', '@', '[', ']',
        ];
        let mut words = vec![String::new()];
        let mut disagree = Vec::new();
        for _ in 0..5 {
            let mut longer = Vec::new();
            for w in &words {
                for c in CHARS {
                    let mut w = w.clone();
                    w.push(c);
                    let model = crate::rules::image(&w).is_ok();
                    if text(&w).is_ok() != model {
                        disagree.push(w.clone());
                    }
                    longer.push(w);
                }
            }
            words = longer;
        }
        assert!(
            disagree.is_empty(),
            "{} words: {:?}",
            disagree.len(),
            &disagree[..disagree.len().min(40)]
        );
    }
}
