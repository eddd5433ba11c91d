//! "Did you mean" for misspelt keywords, flags and options.

/// The candidate closest to `word`: equal ignoring case, or within a small edit distance.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(c);
    }
    let upper = word.to_ascii_uppercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (distance(&upper, &c.to_ascii_uppercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The help line for an unknown `word`: a suggestion, or the list of what is allowed.
pub(crate) fn help(word: &str, candidates: &[&str], quote: fn(&str) -> String) -> String {
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

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// two neighbours each cost one.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let keywords = ["RUN", "WORKDIR", "COPY", "CMD", "ENTRYPOINT"];
        assert_eq!(closest("WORKDRI", &keywords), Some("WORKDIR"));
        assert_eq!(closest("run", &keywords), Some("RUN"));
        assert_eq!(closest("COYP", &keywords), Some("COPY"));
        assert_eq!(closest("ENTRYPIONT", &keywords), Some("ENTRYPOINT"));
        assert_eq!(closest("FETCH", &keywords), None);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("", "abc"), 3);
    }
}
