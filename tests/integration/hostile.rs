//! Arbitrary text in every validated field (stage and context names, image references,
//! platforms, modes, owners, signals, keys): making the Dockerfile never panics or hangs,
//! and what is accepted renders to a file that `parse-dockerfile` and BuildKit's own parser
//! (when the oracle is installed, see `tests/oracle.rs`) read with the instructions intact.
//! (BuildKit's build checks on rendered text, which need a process of BuildKit's checker per
//! batch of files, run on the generated models of `oracle.rs`, hostile text in every
//! free-text field included.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::oracle::BuildKit;
use dockerdsl::*;
use proptest::prelude::*;
use std::cell::RefCell;

thread_local! {
    /// One BuildKit parser per test thread, started on first use.
    static BUILDKIT: RefCell<Option<Option<BuildKit>>> = const { RefCell::new(None) };
}

/// BuildKit's parser must read `text` as `instructions` instructions.
fn buildkit_reads(text: &str, instructions: usize) {
    BUILDKIT.with(|cell| {
        let mut cell = cell.borrow_mut();
        let bk = cell.get_or_insert_with(|| BuildKit::start("hostile"));
        let Some(bk) = bk else {
            return;
        };
        let parsed = match bk.parse(text) {
            Ok(p) => p,
            Err(e) => panic!("accepted but BuildKit's parser refused it ({e}):\n{text}"),
        };
        assert_eq!(
            parsed.cmds.len(),
            instructions,
            "BuildKit reads instructions lost or injected:\n{text}"
        );
    });
}

/// Text mixing the pieces that break parsers with ordinary characters.
fn hostile() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "\n", "\r", "\\", "`", "\"", "'", "$", "${", "}", "#", "--", "<<", "[", "]", "=", ",", ":",
        "/", "@", ".", "-", "_", " ", "\t", "\0", "\u{feff}", "\u{a0}", "A", "é", "sha256:",
    ];
    let piece = prop_oneof![
        proptest::sample::select(PIECES).prop_map(String::from),
        "[a-z0-9]{1,6}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..10).prop_map(|v| v.concat())
}

/// Builds the stage; when accepted, the text must parse with exactly `FROM`s, the
/// instructions given and the sentinel `USER`, in order.
fn check(stages: usize, stage: Stage) {
    let stage = stage.user("1000");
    let Ok(df) = Dockerfile::new(&stage) else {
        return;
    };
    let text = df.to_string();
    let parsed = match parse_dockerfile::parse(&text) {
        Ok(p) => p,
        Err(e) => panic!("accepted but unparsable ({e}):\n{text}"),
    };
    let keywords: usize = df.stages().iter().map(|s| 1 + s.instructions().len()).sum();
    assert_eq!(
        parsed.instructions.len(),
        keywords,
        "instructions lost or injected:\n{text}"
    );
    assert_eq!(df.stages().len(), stages);
    buildkit_reads(&text, keywords);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn stage_names(name in hostile()) {
        check(1, Stage::from_image(name, "alpine:3.20"));
    }

    #[test]
    fn image_references(image in hostile()) {
        check(1, Stage::from_image("app", image.as_str()));
        check(1, Stage::from_image("app", format!("alpine:{image}")));
        check(1, Stage::from_image("app", format!("{image}/x:1@sha256:{image}")));
        check(1, Stage::from_image("app", "alpine:3.20").copy_from(Source::image(image.as_str()), "/a", "/a"));
    }

    #[test]
    fn platforms(p in hostile()) {
        check(1, Stage::from_image("app", "alpine:3.20").on_platform(p.as_str()));
    }

    #[test]
    fn contexts(c in hostile()) {
        check(1, Stage::from_context("app", Context::new(c.clone())));
        check(1, Stage::from_image("app", "alpine:3.20").copy_from(Context::new(c), "/a", "/a"));
    }

    #[test]
    fn modes_owners_signals(v in hostile()) {
        check(1, Stage::from_image("app", "alpine:3.20").push(Copy::new("a", "/a").chmod(v.as_str()).chown(v.clone())));
        check(1, Stage::from_image("app", "alpine:3.20").stopsignal(v.as_str()));
        check(1, Stage::from_image("app", "alpine:3.20").user(v.clone()));
    }

    #[test]
    fn keys_and_names(k in hostile()) {
        check(1, Stage::from_image("app", "alpine:3.20").env(k.clone(), "v"));
        check(1, Stage::from_image("app", "alpine:3.20").label(k.clone(), "v"));
        check(1, Stage::from_image("app", "alpine:3.20").arg(k.clone()));
        check(1, Stage::from_image("app", "alpine:3.20").run(Run::new("make").mount(Mount::secret(k.clone()).env(k.clone()))));
        let checks = BuildChecks::new().skip(k.as_str());
        let _ = Dockerfile::builder().checks(checks).arg(k.clone()).target(&Stage::from_scratch("app")).build();
    }

    #[test]
    fn ports(start in any::<u16>(), end in any::<u16>(), text in hostile()) {
        check(1, Stage::from_image("app", "alpine:3.20").expose(Port::range(start, end)));
        let _ = text.parse::<Port>();
    }
}

#[test]
fn parse_functions_never_panic_on_edge_cases() {
    for s in [
        "",
        "a",
        ":",
        "@",
        "/",
        "a/",
        "/a",
        "a:",
        "a@",
        "${",
        "$}",
        "${}",
        "a::b",
        "a//b",
        "localhost",
        "-",
        "__",
        "a__b",
        "a-_b",
    ] {
        let _ = ImageRef::parse(s);
        let _ = Signal::parse(s);
        let _ = s.parse::<Port>();
    }
}
