//! Every example's output, snapshotted with the example's source as the input.

use crate::common;

use common::examples::{go_alpine, kitchen_sink, node_nginx, recipes, rust_chef};
use dockerdsl::{Dockerfile, Instruction, Stage};

fn snapshot(
    name: &str,
    source: &str,
    dockerfile: Result<Dockerfile, dockerdsl::Error>,
) -> Dockerfile {
    let dockerfile = match dockerfile {
        Ok(d) => d,
        Err(e) => panic!("example {name} does not build:\n{e}"),
    };
    common::snapshot_io(
        "examples",
        name,
        common::example_body(source),
        &dockerfile.to_string(),
    );
    dockerfile
}

fn stage_names(d: &Dockerfile) -> Vec<&str> {
    d.stages().iter().map(Stage::name).collect()
}

#[test]
fn go_alpine() {
    let d = snapshot(
        "go_alpine",
        include_str!("../../examples/go_alpine.rs"),
        go_alpine::dockerfile(),
    );
    assert_eq!(stage_names(&d), ["base", "go-builder", "final"]);
    let text = d.to_string();
    assert!(text.contains("\nCOPY --from=go-builder /go/main /main\n"));
    assert!(text.ends_with("\nCMD [\"/main\"]\n"));
}

#[test]
fn node_nginx() {
    let d = snapshot(
        "node_nginx",
        include_str!("../../examples/node_nginx.rs"),
        node_nginx::dockerfile(),
    );
    assert_eq!(stage_names(&d), ["build", "production"]);
    let text = d.to_string();
    assert!(text.contains("\nCOPY --from=build /app/dist /usr/share/nginx/html\n"));
    assert!(text.contains("\nEXPOSE 80 443\n"));
}

#[test]
fn rust_chef() {
    let d = snapshot(
        "rust_chef",
        include_str!("../../examples/rust_chef.rs"),
        rust_chef::dockerfile(),
    );
    assert_eq!(stage_names(&d), ["chef", "planner", "builder", "runtime"]);
    assert!(d.to_string().contains("\nUSER 10001:10001\n"));
}

#[test]
fn recipes() {
    let d = snapshot(
        "recipes",
        include_str!("../../examples/recipes.rs"),
        recipes::dockerfile(),
    );
    assert_eq!(
        stage_names(&d),
        [
            "base",
            "go-builder",
            "go",
            "site-builder",
            "site",
            "c-builder",
            "c",
            "chef",
            "planner",
            "rust-builder",
            "rust"
        ]
    );
    // The compatibility text keeps every recipe: they use no heredoc and no `--link`.
    assert_eq!(d.render_compat().as_ref(), Ok(&d.to_string()));
}

#[test]
fn kitchen_sink() {
    let d = snapshot(
        "kitchen_sink",
        include_str!("../../examples/kitchen_sink.rs"),
        kitchen_sink::dockerfile(),
    );
    // Every instruction of the model, FROM being the stages themselves.
    let mut keywords: Vec<&str> = vec!["FROM"];
    fn walk<'a>(i: &'a Instruction, out: &mut Vec<&'a str>) {
        out.push(i.keyword());
        if let Instruction::OnBuild(inner) = i {
            walk(inner, out);
        }
    }
    for stage in d.stages() {
        for i in stage.instructions() {
            walk(i, &mut keywords);
        }
    }
    keywords.sort_unstable();
    keywords.dedup();
    keywords.retain(|k| *k != "#");
    assert_eq!(
        keywords,
        [
            "ADD",
            "ARG",
            "CMD",
            "COPY",
            "ENTRYPOINT",
            "ENV",
            "EXPOSE",
            "FROM",
            "HEALTHCHECK",
            "LABEL",
            "MAINTAINER",
            "ONBUILD",
            "RUN",
            "SHELL",
            "STOPSIGNAL",
            "USER",
            "VOLUME",
            "WORKDIR"
        ]
    );
    assert_eq!(
        stage_names(&d),
        ["toolchain", "assets", "build", "debug", "release"]
    );
}

#[test]
fn output_is_deterministic() {
    let runs = || {
        [
            go_alpine::dockerfile(),
            node_nginx::dockerfile(),
            rust_chef::dockerfile(),
            kitchen_sink::dockerfile(),
            recipes::dockerfile(),
        ]
        .map(|d| d.map(|d| d.to_string()).unwrap_or_default())
    };
    let first = runs();
    assert!(first.iter().all(|t| !t.is_empty()));
    for _ in 0..3 {
        assert_eq!(runs(), first);
    }
}
