//! "Did you mean": the one home of the edit distances and suggestion rules.
//!
//! Two rules, on purpose:
//!
//! - [`like_buildkit`] is BuildKit's own (`util/suggest`): Levenshtein distance, the first
//!   option under 3 that no later one beats, nothing on an exact match. Lints and the reader
//!   use it so that our messages are BuildKit's, word for word.
//! - [`closest`] is for our own messages (the macro's unknown keywords, flags and mount
//!   options): case-insensitive, optimal string alignment (a swap of two neighbours, the
//!   commonest typo in a keyword, costs one edit), and a limit that grows with the word.
//!   It is pinned by the macro's `.stderr` files; BuildKit's rule would miss `COYP`.

/// Levenshtein distance: insertions, deletions and substitutions each cost one.
pub fn levenshtein(a: &str, b: &str) -> usize {
    edit_distance(a, b, false)
}

/// Optimal string alignment distance: as [`levenshtein`], and a swap of two neighbours
/// also costs one.
// Used by the macro crate; the library's own messages follow BuildKit's rule.
#[allow(dead_code)]
pub fn osa_distance(a: &str, b: &str) -> usize {
    edit_distance(a, b, true)
}

fn edit_distance(a: &str, b: &str, swaps: bool) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: the one before the previous is needed for swaps.
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if swaps && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

/// BuildKit's suggestion for a misspelt name: the first option at a Levenshtein distance
/// under 3 that no later option beats, none on an exact match.
pub fn like_buildkit<'a>(
    name: &str,
    options: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best = None;
    let mut min = 3;
    for option in options {
        if option == name {
            return None;
        }
        let d = levenshtein(name, option);
        if d < min {
            min = d;
            best = Some(option);
        }
    }
    best
}

/// The candidate closest to `word`: equal ignoring case, or within a small edit distance
/// (a third of the word's length, at least one).
// Used by the macro crate; the library's own messages follow BuildKit's rule.
#[allow(dead_code)]
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(c);
    }
    let upper = word.to_ascii_uppercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (osa_distance(&upper, &c.to_ascii_uppercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The help line for an unknown `word`: a suggestion, or the list of what is allowed.
// Used by the macro crate; the library's own messages follow BuildKit's rule.
#[allow(dead_code)]
pub fn help(word: &str, candidates: &[&str], quote: fn(&str) -> String) -> String {
    match closest(word, candidates) {
        Some(c) => format!("did you mean {}?", quote(c)),
        None => format!(
            "expected one of {}",
            candidates
                .iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_like_buildkit() {
        assert_eq!(like_buildkit("GOPATH", ["PATH"]), Some("PATH"));
        assert_eq!(like_buildkit("PATH", ["PATH", "PATG"]), None);
        assert_eq!(like_buildkit("FOO", ["PATH"]), None);
        assert_eq!(like_buildkit("ab", ["abc", "ab_"]), Some("abc"));
    }

    #[test]
    fn closest_counts_a_swap_as_one_edit() {
        let keywords = ["RUN", "WORKDIR", "COPY", "CMD", "ENTRYPOINT"];
        assert_eq!(closest("WORKDRI", &keywords), Some("WORKDIR"));
        assert_eq!(closest("run", &keywords), Some("RUN"));
        assert_eq!(closest("COYP", &keywords), Some("COPY"));
        assert_eq!(closest("ENTRYPIONT", &keywords), Some("ENTRYPOINT"));
        assert_eq!(closest("FETCH", &keywords), None);
    }

    #[test]
    fn distances() {
        assert_eq!(osa_distance("ab", "ba"), 1);
        assert_eq!(levenshtein("ab", "ba"), 2);
        assert_eq!(osa_distance("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(osa_distance("ca", "abc"), 3);
    }
}
