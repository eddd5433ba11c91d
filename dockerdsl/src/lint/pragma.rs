//! hadolint's inline pragmas, so that files written for hadolint do not light up here.
//!
//! hadolint reads two comments ("pragmas"):
//!
//! - `# hadolint ignore=DL3006,DL3007` ignores those rules for the instruction on the next
//!   line (exactly the next line, as hadolint counts);
//! - `# hadolint global ignore=DL3006` ignores them in the whole file, wherever it stands.
//!
//! The grammar is hadolint's: the word `hadolint`, optionally `global`, then `ignore`, `=` and
//! a comma-separated list of codes made of `D`, `L`, `S`, `C` and digits, with spaces or tabs
//! allowed between the parts and an ordinary `# comment` after the last code. A comment that
//! does not follow it is an ordinary comment.
//!
//! A pragma names hadolint codes; it silences a [`Lint`] whose [`Rule::hadolint_codes`]
//! lists one of them: hadolint's rules implemented here (DL3006, DL3007, DL3002, DL3045) and
//! BuildKit's checks that hadolint also has under a code (`JSONArgsRecommended` is DL3025,
//! `MultipleInstructionsDisallowed` is DL4003, DL4004 and DL3012).

use super::{Lint, Rule};
use std::collections::{BTreeMap, BTreeSet};

/// The hadolint pragmas of a file's text.
///
/// ```
/// use dockerdsl::lint::HadolintPragmas;
///
/// let text = "# hadolint global ignore=DL3007\n\
///             FROM alpine:latest AS base\n\
///             ## hadolint ignore=DL3006\n\
///             FROM alpine AS app\n\
///             FROM debian AS other\n";
/// let lints = dockerdsl::parse(text)?.lint();
/// let codes: Vec<&str> = lints.iter().map(|l| l.rule().name()).collect();
/// assert_eq!(codes, ["DL3007", "DL3006", "DL3006"]);
///
/// let kept = HadolintPragmas::read(text).retain(lints);
/// let kept: Vec<(usize, &str)> =
///     kept.iter().map(|l| (l.line().unwrap_or(0), l.rule().name())).collect();
/// assert_eq!(kept, [(5, "DL3006")]);
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HadolintPragmas {
    /// The line of the instruction each `ignore=` applies to (the pragma's line + 1).
    next_line: BTreeMap<usize, BTreeSet<String>>,
    global: BTreeSet<String>,
}

impl HadolintPragmas {
    /// Every pragma in `text` (a Dockerfile's text, as written).
    pub fn read(text: &str) -> Self {
        let mut pragmas = HadolintPragmas::default();
        for (index, line) in text.lines().enumerate() {
            let line = line.strip_prefix('\u{feff}').unwrap_or(line);
            let Some(comment) = line.trim_start_matches([' ', '\t']).strip_prefix('#') else {
                continue;
            };
            let Some((global, codes)) = pragma(comment.trim_end_matches('\r')) else {
                continue;
            };
            let set = if global {
                &mut pragmas.global
            } else {
                pragmas.next_line.entry(index + 2).or_default()
            };
            set.extend(codes.into_iter().map(str::to_owned));
        }
        pragmas
    }

    /// Whether the file has no pragma.
    pub fn is_empty(&self) -> bool {
        self.next_line.is_empty() && self.global.is_empty()
    }

    /// Whether a pragma ignores `rule` at `line` (the line where the lint's instruction
    /// starts).
    pub fn ignores_at(&self, rule: Rule, line: Option<usize>) -> bool {
        let local = line.and_then(|l| self.next_line.get(&l));
        rule.hadolint_codes()
            .iter()
            .any(|code| self.global.contains(*code) || local.is_some_and(|s| s.contains(*code)))
    }

    /// Whether a pragma ignores `lint`.
    pub fn ignores(&self, lint: &Lint) -> bool {
        self.ignores_at(lint.rule(), lint.line())
    }

    /// `lints` without the ones a pragma ignores, in their order.
    pub fn retain(&self, mut lints: Vec<Lint>) -> Vec<Lint> {
        if !self.is_empty() {
            lints.retain(|l| !self.ignores(l));
        }
        lints
    }
}

fn spaces(s: &str) -> &str {
    s.trim_start_matches([' ', '\t'])
}

fn spaces1(s: &str) -> Option<&str> {
    let rest = spaces(s);
    (rest.len() < s.len()).then_some(rest)
}

/// A comment's text after `#`: `Some((global, codes))` when it is a hadolint ignore pragma.
fn pragma(comment: &str) -> Option<(bool, Vec<&str>)> {
    let s = spaces1(spaces(comment).strip_prefix("hadolint")?)?;
    let (global, s) = match s.strip_prefix("global") {
        Some(rest) => (true, spaces1(rest)?),
        None => (false, s),
    };
    let mut s = spaces(spaces(s.strip_prefix("ignore")?).strip_prefix('=')?);
    let mut codes = Vec::new();
    loop {
        let end = s
            .find(|c: char| !matches!(c, 'D' | 'L' | 'S' | 'C' | '0'..='9'))
            .unwrap_or(s.len());
        if end == 0 {
            return None;
        }
        codes.push(&s[..end]);
        s = spaces(&s[end..]);
        if s.starts_with('#') {
            // A comment after the code ends the pragma.
            s = "";
        }
        match s.strip_prefix(',') {
            Some(rest) => s = spaces(rest),
            None => break,
        }
    }
    s.is_empty().then_some((global, codes))
}

#[cfg(test)]
mod tests {
    use super::pragma;
    use proptest::prelude::*;

    proptest! {
        /// Any pragma hadolint's grammar accepts, spaced any way it allows, is read back with
        /// its codes in order.
        #[test]
        fn pragmas_read_back(
            global in any::<bool>(),
            codes in proptest::collection::vec("[DLSC0-9]{1,6}", 1..5),
            gaps in proptest::collection::vec("[ \t]{0,2}", 8),
            gap1 in "[ \t]{1,2}",
            trailing in proptest::option::of("# [a-z ]{0,10}"),
        ) {
            let mut comment = format!("{}hadolint{gap1}", gaps[0]);
            if global {
                comment.push_str(&format!("global{gap1}"));
            }
            comment.push_str(&format!("ignore{}={}", gaps[1], gaps[2]));
            let separator = format!("{},{}", gaps[3], gaps[4]);
            comment.push_str(&codes.join(&separator));
            comment.push_str(&gaps[5]);
            if let Some(t) = &trailing {
                comment.push_str(t);
            }
            let expected: Vec<&str> = codes.iter().map(String::as_str).collect();
            prop_assert_eq!(pragma(&comment), Some((global, expected)));
        }

        /// A comment that does not start with the word `hadolint` is never a pragma.
        #[test]
        fn other_comments_are_not_pragmas(comment in "\\PC{0,40}") {
            prop_assume!(!comment.trim_start_matches([' ', '\t']).starts_with("hadolint"));
            prop_assert_eq!(pragma(&comment), None);
        }
    }

    #[test]
    fn pragmas_follow_hadolints_grammar() {
        assert_eq!(
            pragma(" hadolint ignore=DL3006"),
            Some((false, vec!["DL3006"]))
        );
        assert_eq!(
            pragma("hadolint\tignore = DL3006 , SC2086 # why"),
            Some((false, vec!["DL3006", "SC2086"]))
        );
        assert_eq!(
            pragma(" hadolint global ignore=DL3007,DL3008"),
            Some((true, vec!["DL3007", "DL3008"]))
        );
        for not in [
            " hadolint ignore=",
            " hadolint ignore=dl3006",
            " hadolint ignore=DL3006 and more",
            " hadolintignore=DL3006",
            " hadolint globalignore=DL3006",
            " hadolint shell=bash",
            " Hadolint ignore=DL3006",
            " ignore=DL3006",
            " hadolint ignore=DL3006,",
        ] {
            assert_eq!(pragma(not), None, "{not}");
        }
    }
}
