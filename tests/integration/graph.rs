//! The stage graph: which stages a Dockerfile holds, in which order, and when two stage
//! values are one stage.

use dockerdsl::{Dockerfile, Run, Stage};

fn names(d: &Dockerfile) -> Vec<&str> {
    d.stages().iter().map(Stage::name).collect()
}

#[test]
fn unreachable_stages_are_left_out_and_shared_ones_written_once() {
    let base = Stage::from_image("base", "alpine:3.20");
    let _unused = Stage::from_stage("unused", &base);
    let a = Stage::from_stage("a", &base);
    let b = Stage::from_stage("b", &base).copy_from(&a, "/x", "/x");
    let app = Stage::from_scratch("app")
        .copy_from(&b, "/y", "/y")
        .copy_from(&a, "/z", "/z");
    assert_eq!(
        names(&Dockerfile::new(&app).unwrap()),
        ["base", "a", "b", "app"]
    );
}

#[test]
fn mount_and_onbuild_references_are_edges() {
    let deps = Stage::from_image("deps", "alpine:3.20");
    let tools = Stage::from_image("tools", "alpine:3.20");
    let app = Stage::from_image("app", "alpine:3.20")
        .run(Run::new("make").mount(dockerdsl::Mount::bind("/deps").from(&deps)))
        .onbuild(dockerdsl::Copy::new("/t", "/t").from(&tools));
    assert_eq!(
        names(&Dockerfile::new(&app).unwrap()),
        ["deps", "tools", "app"]
    );
}

#[test]
fn equal_values_are_one_stage_but_their_references_are_still_checked() {
    // Two `app` values render the same (`COPY --from=base`), but their `base` stages differ:
    // the clash is found although the second `app` is not written out.
    let base1 = Stage::from_image("base", "alpine:3.20");
    let base2 = Stage::from_image("base", "debian:bookworm-slim");
    let app1 = Stage::from_scratch("app").copy_from(&base1, "/a", "/a");
    let app2 = Stage::from_scratch("app").copy_from(&base2, "/a", "/a");
    assert_ne!(app1, app2);
    let top = Stage::from_scratch("top")
        .copy_from(&app1, "/", "/1/")
        .copy_from(&app2, "/", "/2/");
    let err = Dockerfile::new(&top).unwrap_err();
    assert_eq!(
        err.to_string(),
        "error: stage `base`: two different stages are named `base`: the first one stage `app` \
         refers to has `FROM alpine:3.20 AS base` where a later one has \
         `FROM debian:bookworm-slim AS base`\n  \
         = help: give each stage its own name, e.g. with `.rename(..)`\n"
    );
}

#[test]
fn stage_equality_is_by_rendered_content_and_references() {
    let make = || Stage::from_image("base", "alpine:3.20").run("apk add git");
    assert_eq!(make(), make());
    assert_ne!(make(), make().run("true"));
    assert_ne!(make(), make().rename("other"));
    let a = Stage::from_stage("a", &make());
    assert_eq!(a, Stage::from_stage("a", &make()));
}

/// A long chain of stages is made, rendered, compared and dropped without recursion: on a
/// 2 MiB thread stack, each of these overflowed before it was made iterative.
#[test]
fn long_chains_do_not_overflow_the_stack() {
    let worker = std::thread::Builder::new().stack_size(2 << 20).spawn(|| {
        let chain = |prefix: &str| {
            let mut s = Stage::from_image(format!("{prefix}0"), "alpine:3.20");
            for i in 1..50_000 {
                s = Stage::from_stage(format!("{prefix}{i}"), &s);
            }
            s
        };
        let (a, b) = (chain("s"), chain("s"));
        assert!(a == b);
        let d = Dockerfile::new(&a).unwrap();
        assert_eq!(d.stages().len(), 50_000);
        assert!(d.to_string().ends_with("FROM s49998 AS s49999\n"));
        // Chains through `COPY --from` and a mount's `from` are dropped without recursion too.
        let mut copies = Stage::from_image("c0", "alpine:3.20");
        let mut mounts = Stage::from_image("m0", "alpine:3.20");
        for i in 1..100_000 {
            copies = Stage::from_scratch(format!("c{i}")).copy_from(&copies, "/a", "/a");
            let cache = dockerdsl::Mount::cache("/c").from(&mounts);
            mounts =
                Stage::from_scratch(format!("m{i}")).run(dockerdsl::Run::new("true").mount(cache));
        }
        drop((copies, mounts));
    });
    worker.unwrap().join().unwrap();
}

#[test]
fn debug_shows_referenced_stages_by_name() {
    let build = Stage::from_image("build", "golang:1.23").run("go build");
    let app = Stage::from_stage("app", &build).copy_from(&build, "/a", "/a");
    let text = format!("{app:?}");
    assert!(text.contains("base: Stage(\"build\")"), "{text}");
    assert!(text.contains("from: Some(Stage(\"build\"))"), "{text}");
    assert!(!text.contains("go build"), "{text}");
}
