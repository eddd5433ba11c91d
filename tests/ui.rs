//! Compile-fail cases: each mistake in `tests/ui/` fails to compile with the message pinned
//! in its `.stderr`. Regenerate with `TRYBUILD=overwrite cargo test --test ui` and review.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
