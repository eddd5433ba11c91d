//! The recipes' options: pinned digests are required of every image at once, and a pinned
//! recipe renders its digests. (Each recipe's text is in its doctest and in the `recipes`
//! example's snapshot; `tests/real_builds.rs` builds them.)

use dockerdsl::Dockerfile;
use dockerdsl::recipes::{
    CStatic, DependencyCache, GoStatic, ImageOptions, RustApp, Server, StaticSite,
};

const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn located(err: &dockerdsl::Error) -> Vec<String> {
    err.problems()
        .iter()
        .map(|p| format!("{}: {}", p.location(), p.message()))
        .collect()
}

#[test]
fn every_unpinned_image_is_reported() {
    let pinned = ImageOptions::new().require_digests();
    let go = GoStatic::new("app")
        .runtime_setup("apk add --no-cache ca-certificates")
        .options(pinned.clone())
        .stage()
        .unwrap_err();
    assert_eq!(
        located(&go),
        [
            "stage `go-builder`: image `golang:1.23-alpine` is not pinned to a digest",
            "stage `base`: image `alpine:3.20` is not pinned to a digest",
        ]
    );
    let site = StaticSite::new()
        .builder_image(format!("node:22-alpine@{DIGEST}"))
        .options(pinned.clone())
        .stage()
        .unwrap_err();
    assert_eq!(
        located(&site),
        ["stage `final`: image `nginx:1.27-alpine` is not pinned to a digest"]
    );
    let rust = RustApp::new("app").options(pinned).stage().unwrap_err();
    assert_eq!(
        located(&rust),
        [
            "stage `chef`: image `rust:1.83-slim-bookworm` is not pinned to a digest",
            "stage `final`: image `debian:bookworm-slim` is not pinned to a digest",
        ]
    );
}

/// The binary's name goes unquoted into the build command (`cc -o /out/NAME`, `cargo build
/// --bin NAME`), so a name that is not a plain file name is refused, with the digests.
#[test]
fn a_binary_name_must_be_a_plain_file_name() {
    let c = CStatic::new("hello; rm -rf /")
        .options(ImageOptions::new().require_digests())
        .stage()
        .unwrap_err();
    assert_eq!(
        located(&c),
        [
            "stage `c-builder`: binary name: \"hello; rm -rf /\" is not a plain file name",
            "stage `c-builder`: image `gcc:14-bookworm` is not pinned to a digest",
        ]
    );
    assert_eq!(
        c.problems()[0].help(),
        Some("use only letters, digits, `.`, `_` and `-`, and do not start with `-`")
    );
    for bad in ["", "-v", "..", "my app", "bin/app", "app$X"] {
        assert!(GoStatic::new(bad).stage().is_err(), "{bad:?} was accepted");
        assert!(RustApp::new(bad).stage().is_err(), "{bad:?} was accepted");
    }
    for good in ["app", "hello-world", "my_app.v2"] {
        assert!(CStatic::new(good).stage().is_ok(), "{good:?} was refused");
    }
}

#[test]
fn pinned_recipes_render_their_digests() -> Result<(), dockerdsl::Error> {
    let pin = |image: &str| format!("{image}@{DIGEST}");
    let options = || ImageOptions::new().require_digests();
    let stages = [
        GoStatic::new("app")
            .builder_image(pin("golang:1.23-alpine"))
            .scratch()
            .options(options())
            .stage()?,
        StaticSite::new()
            .builder_image(pin("node:22-alpine"))
            .server(Server::nginx(pin("nginx:1.27-alpine")))
            .options(options())
            .stage()?,
        CStatic::new("app")
            .builder_image(pin("gcc:14-bookworm"))
            .options(options())
            .stage()?,
        RustApp::new("app")
            .builder_image(pin("rust:1.83-slim-bookworm"))
            .runtime_image(pin("debian:bookworm-slim"))
            .dependency_cache(DependencyCache::Manifests)
            .options(options())
            .stage()?,
    ];
    for stage in &stages {
        let text = Dockerfile::new(stage)?.to_string();
        let froms: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
        for from in &froms {
            assert!(
                from.contains(DIGEST) || from.starts_with("FROM scratch "),
                "{from}"
            );
        }
    }
    Ok(())
}
