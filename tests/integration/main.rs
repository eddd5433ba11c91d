//! The integration tests, as one binary: each file below was a test crate of its own, and
//! each of those linked dockerdsl and the dev-dependencies again. Run one suite with
//! `cargo test --test integration canonical::`, one test with its full name.
//!
//! Kept out of this binary, each because it needs a crate of its own:
//!
//! * `tests/ui.rs`: trybuild compiles each case of `tests/ui/` as a crate, and its pinned
//!   `.stderr` files are refreshed with `TRYBUILD=overwrite cargo test --test ui`; it uses
//!   nothing of dockerdsl itself, so it links next to nothing.
//! * `tests/renamed`: a workspace member, since the macro must be tried with `dockerdsl`
//!   renamed in a `Cargo.toml`, which one package cannot do next to the plain name.
//!
//! `hygiene` needs no crate of its own: `#![no_implicit_prelude]` holds for a module and
//! everything in it as it does for a crate. `build_script` builds a copy of the example in
//! its own workspace and target directory, from any process.

mod common;

mod bake;
mod bklint;
mod build_script;
mod buildkit_builds;
mod canonical;
mod compat;
mod emit;
mod errors;
mod examples;
mod first_attempts;
mod fmt_hadolint;
mod graph;
mod graph_pictures;
mod graph_text;
mod hostile;
mod hygiene;
mod import_corpus;
mod lint_corpus;
mod lint_oracle;
mod lint_props;
mod lints;
mod lock;
mod macro_examples;
mod oracle;
mod parse_corpus;
mod parse_props;
mod parse_snapshots;
mod real_builds;
mod recipes;
mod roundtrip;
mod serde;
mod syntax_tree;
