//! Proptest strategies for hostile text: what breaks a line-oriented language (newlines,
//! carriage returns, both escape characters, quotes, `$`, `#`, `--`, heredoc markers, JSON
//! brackets, Unicode spaces, a byte-order mark, NUL), mixed into plausible values.

use super::pieces::{BODY_LINES, HOSTILE};
use dockerdsl::Escape;
use proptest::prelude::*;

pub fn piece() -> BoxedStrategy<String> {
    prop_oneof![
        5 => prop::sample::select(HOSTILE).prop_map(str::to_owned),
        3 => "[a-z0-9/._-]{1,4}",
        1 => any::<char>().prop_map(String::from),
    ]
    .boxed()
}

/// Arbitrary hostile text of up to `max` pieces.
pub fn text(max: usize) -> BoxedStrategy<String> {
    prop::collection::vec(piece(), 0..max)
        .prop_map(|v| v.concat())
        .boxed()
}

/// Text on one line (for commands: a newline would make a script).
pub fn line_text(max: usize) -> BoxedStrategy<String> {
    text(max).prop_map(|s| s.replace('\n', "")).boxed()
}

/// User names: valid ones, and hostile text.
pub fn user_text() -> BoxedStrategy<String> {
    prop_oneof!["[a-z0-9_.${}-]{1,8}(:[a-z0-9_.${}-]{1,8})?", text(6)].boxed()
}

/// The commands of a `Run::chain`.
pub fn chain_text() -> BoxedStrategy<Vec<String>> {
    prop::collection::vec(line_text(5), 0..4).boxed()
}

/// Paths: plausible ones (accepted, shell form), and hostile ones.
pub fn path_text() -> BoxedStrategy<String> {
    prop_oneof![
        2 => "/?[a-z0-9._-]{1,6}(/[a-z0-9._*-]{1,4})?",
        3 => text(6),
    ]
    .boxed()
}

/// Flag values: mostly printable ASCII (what a flag can carry), sometimes hostile text.
pub fn flag_text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[!-~]{1,8}",
        1 => text(5),
        // Ending in `<<`: BuildKit's lexer joins it to the next word (a heredoc marker).
        1 => "[!-~]{0,3}<{1,3}",
    ]
    .boxed()
}

/// Multi-line text for heredoc bodies: lines of hostile text, some equal to a delimiter.
pub fn body_text() -> BoxedStrategy<String> {
    let line = prop_oneof![
        3 => line_text(5),
        1 => prop::sample::select(BODY_LINES)
            .prop_map(str::to_owned),
    ];
    (prop::collection::vec(line, 1..6), any::<bool>())
        .prop_map(|(lines, trailing)| {
            let mut s = lines.join("\n");
            if trailing {
                s.push('\n');
            }
            s
        })
        .boxed()
}

pub fn escape() -> impl Strategy<Value = Escape> {
    prop_oneof![Just(Escape::Backslash), Just(Escape::Backtick)]
}

pub fn esc_char(e: Escape) -> char {
    match e {
        Escape::Backslash => '\\',
        Escape::Backtick => '`',
    }
}
