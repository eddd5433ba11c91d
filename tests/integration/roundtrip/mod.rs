//! Round-trip property tests: the threat model of `dockerdsl`, checked from the outside.
//!
//! Every free-text field of the model gets arbitrary strings, heavy on what breaks a
//! line-oriented language: newlines, carriage returns, both escape characters (trailing
//! ones especially), quotes, `$`, `#` at the start of a line, `--`, heredoc markers, JSON
//! brackets, Unicode spaces, a byte-order mark and NUL. For each value, `Dockerfile::new`
//! either refuses it, or renders text that reads back as exactly the value given:
//!
//! * `parse-dockerfile` (a Rust re-implementation of BuildKit's parser) must split the text
//!   into exactly the expected instructions — `FROM`, the instruction under test and a
//!   sentinel `USER 1000`, so that any line injection shows — and give the value back;
//! * a small model of what BuildKit does with the instruction's line (`common::bk`: line joining,
//!   builder-flag extraction, `ENV`-style word splitting, the shell-word lexer's quote
//!   removal, exec-form (JSON) detection, heredoc detection), written here from BuildKit's
//!   Go source, must give the value back too. It exists because `parse-dockerfile` differs
//!   from BuildKit on a few corners that matter here (each is noted where it is modelled).
//!
//! Variable substitution is not modelled: `$` is compared as written, since the renderer
//! deliberately leaves it to BuildKit (`ENV PATH=/app/bin:$PATH`).
//!
//! The properties check every generated input, with one exception, counted as a rejected
//! case (never as a pass): inputs where `parse-dockerfile` itself disagrees with BuildKit
//! (`pd_corner`), since it cannot be the oracle there. No library bug is open. The nine
//! found by these properties are fixed, the properties no longer skip their inputs, and each
//! has a regression test named after its hazard (in `regressions`):
//!
//! 1. a leading U+FEFF, which BuildKit's lexer drops: `leading_bom_round_trips`;
//! 2. a leading `--`, read as a builder flag: `workdir_starting_with_dashes_round_trips`;
//! 3. a command starting with a JSON array of strings, run in exec form:
//!    `json_prefixed_command_is_refused`;
//! 4. a command starting with `#`, a comment line inside a continuation:
//!    `hash_command_is_refused`;
//! 5. heredoc-like COPY/ADD paths (`1<<EOF`): `heredoc_like_paths_round_trip`;
//! 6. VOLUME paths with surrounding whitespace, which BuildKit trims:
//!    `volume_with_surrounding_whitespace_is_refused`;
//! 7. a backtick in flag values, removed by the lexer: `backtick_in_flag_values_is_refused`;
//! 8. a command starting with a JSON array holding a non-string (`RUN [1]`), which fails the
//!    build: `non_string_json_array_command_is_refused`;
//! 9. a malformed `${` on a heredoc's line (a mount value, `--chown`, an inline file's
//!    destination), which makes BuildKit miss the heredoc and read its body as instructions
//!    (found by BuildKit's own parser in the `oracle` tests):
//!    `malformed_substitution_on_a_heredoc_line_is_refused`.
//!
//! Each property runs 2048 cases (`config`); the whole module takes about three seconds in
//! a debug build on two cores (six on one).
//!
//! The modules, in the order they build on each other: `bk_model` (unit tests of the
//! BuildKit model), `structure` (render the stage under test and split it into
//! instructions), `checks` (what each field must read back as), `cases` (one per kind of
//! instruction), `properties`, `accepted` (the properties are not vacuous) and
//! `regressions`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accepted;
mod bk_model;
mod cases;
mod checks;
mod properties;
mod regressions;
mod structure;

use proptest::prelude::ProptestConfig;
use proptest::test_runner::TestCaseError;

/// What a check gives: `Ok`, or the failure (or rejection) proptest reports.
type Checked = Result<(), TestCaseError>;

/// The proptest configuration of every property here.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 2048,
        // Nothing is written next to the tests: a failure prints its minimal input.
        failure_persistence: None,
        max_global_rejects: 100_000,
        ..ProptestConfig::default()
    }
}
