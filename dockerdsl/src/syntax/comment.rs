//! An indented comment as BuildKit reads it: with its `#` (its `PrevComment` text is the
//! line without its first byte, trimmed; see [`rules::prev_comment`]). So it is never a
//! `# check=` comment, an empty one does not end the comments above it, and it describes no
//! `ARG` or stage (`InvalidDefinitionDescription`, the descriptions `--call=outline` shows).
//! Written at the start of its line, as `fmt` and the renderer write comments, it would do
//! what its text says: both keep what BuildKit read where that differs.

use super::Instruction;
use crate::rules;

/// Whether comment line `line` (`comment`: its text after `#`), right before `next`, would
/// tell BuildKit more at the start of its line than where it is: an indented comment that
/// is then a `check=` comment (one BuildKit can read or not), an empty one, or one whose
/// first word is a name `next` defines.
pub(crate) fn says_more_unindented(
    line: &str,
    comment: &str,
    next: Option<&Instruction<'_>>,
) -> bool {
    if line.starts_with('#') {
        return false;
    }
    let text = comment.trim();
    if text.is_empty() || indented_check(line, comment) {
        return true;
    }
    // BuildKit compares the first word, up to a space, with each name the next line
    // defines.
    let first = text.split(' ').next().unwrap_or_default();
    next.is_some_and(|i| may_define(i, first))
}

/// Whether comment line `line` (`comment`: its text after `#`) is an indented `check=`
/// comment, which BuildKit does not apply (dockerdsl's `IndentedDirective`).
pub(crate) fn indented_check(line: &str, comment: &str) -> bool {
    !line.starts_with('#') && rules::is_check_comment(comment.trim())
}

/// Whether `ARG` or `FROM ... AS` line `i` may define `name`: a superset (every word of an
/// `ARG` up to its `=`, the word after any `AS`, lower-cased as BuildKit names a stage).
fn may_define(i: &Instruction<'_>, name: &str) -> bool {
    let words = || i.rest().split_ascii_whitespace();
    if i.is("arg") {
        words().any(|w| w.split('=').next() == Some(name))
    } else if i.is("from") {
        let mut after_as = false;
        words().any(|w| {
            let found = after_as && w.to_lowercase() == name;
            after_as = w.eq_ignore_ascii_case("as");
            found
        })
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{NodeKind, read};

    /// Each comment of `text` and whether it says more unindented.
    fn verdicts(text: &str) -> Vec<(String, bool)> {
        let tree = read(text).expect("a file BuildKit reads");
        let nodes = tree.nodes();
        let mut out = Vec::new();
        for (at, node) in nodes.iter().enumerate() {
            if let NodeKind::Comment(c) = node.kind() {
                let next = nodes[at + 1..].iter().find_map(|n| match n.kind() {
                    NodeKind::Instruction(i) => Some(i),
                    _ => None,
                });
                let line = &tree.text()[node.span()];
                out.push((line.to_owned(), says_more_unindented(line, c, next)));
            }
        }
        out
    }

    #[test]
    fn only_indented_comments_that_would_say_more() {
        let text = "FROM alpine:3.20 AS Build\n# check=skip=all\n  #check=skip=all\n\t# CHECK = x\n  #\n  # a note\n  # build the stage\nFROM alpine:3.20 As build\n  # A the a\n  # B\n  # c\nARG A=1 B\n  # end\n";
        assert_eq!(
            verdicts(text),
            [
                ("# check=skip=all", false),
                ("  #check=skip=all", true),
                ("\t# CHECK = x", true),
                ("  #", true),
                ("  # a note", false),
                ("  # build the stage", true),
                ("  # A the a", true),
                ("  # B", true),
                ("  # c", false),
                ("  # end", false),
            ]
            .map(|(l, v)| (l.to_owned(), v))
        );
    }
}
