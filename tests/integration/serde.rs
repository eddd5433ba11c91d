//! The JSON form: every example survives a round trip byte for byte, stage references are
//! checked when read, and the checked-in JSON Schema is the one the types generate.

use crate::common;

use common::examples::{go_alpine, kitchen_sink, node_nginx, rust_chef};
use dockerdsl::{Dockerfile, Instruction, Mode};

fn round_trip(name: &str, df: Result<Dockerfile, dockerdsl::Error>) {
    let df = df.unwrap_or_else(|e| panic!("example {name} does not build:\n{e}"));
    let json = serde_json::to_string_pretty(&df).unwrap();
    let back: Dockerfile = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("example {name} does not read back:\n{e}\n{json}"));
    assert_eq!(back.to_string(), df.to_string(), "{name}");
    assert_eq!(back, df, "{name}");
    // And the JSON of what was read is the JSON written.
    assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json, "{name}");
}

#[test]
fn every_example_round_trips() {
    round_trip("go_alpine", go_alpine::dockerfile());
    round_trip("kitchen_sink", kitchen_sink::dockerfile());
    round_trip("node_nginx", node_nginx::dockerfile());
    round_trip("rust_chef", rust_chef::dockerfile());
}

fn read_err(json: &str) -> String {
    match serde_json::from_str::<Dockerfile>(json) {
        Ok(df) => panic!("read:\n{df}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn references_are_checked_when_read() {
    assert_eq!(
        read_err(
            r#"{"stages": [
                {"name": "build", "base": {"image": "golang:1.23"}},
                {"name": "app", "base": "scratch", "instructions": [
                    {"copy": {"sources": {"paths": ["/app"]}, "dest": "/app", "from": {"stage": "biuld"}}}
                ]}
            ]}"#
        ),
        "stage `app` refers to unknown stage `biuld`; did you mean `build`?"
    );
    assert_eq!(
        read_err(r#"{"stages": [{"name": "a", "base": {"stage": "a"}}]}"#),
        "stage `a` refers to itself"
    );
    assert_eq!(
        read_err(
            r#"{"stages": [
                {"name": "a", "base": {"stage": "b"}},
                {"name": "b", "base": "scratch", "instructions": [
                    {"run": {"command": {"shell": "true"}, "mounts": [{"bind": {"target": "/a", "from": {"stage": "a"}}}]}}
                ]},
                {"name": "c", "base": {"stage": "d"}},
                {"name": "d", "base": "scratch"},
                {"name": "c", "base": "scratch"}
            ]}"#
        ),
        "3 problems in the Dockerfile:\n\
         error: stage `c` is defined twice (stages 3 and 5)\n\
         error: stages refer to each other in a cycle: `a` -> `b` -> `a`\n\
         error: stage `c` refers to stage `d`, which is defined after it; move `d` before `c`"
    );
}

#[test]
fn the_model_is_validated_when_read() {
    let err = read_err(
        r#"{"stages": [{"name": "App", "base": {"image": "alpine:3.20"}, "instructions": [{"workdir": ""}]}]}"#,
    );
    assert!(
        err.starts_with(
            "2 problems in the Dockerfile:\nerror: stage `App`: invalid stage name \"App\""
        ),
        "{err}"
    );
    let err = read_err(r#"{"stages": [], "extra": 1}"#);
    assert!(err.starts_with("unknown field `extra`"), "{err}");
    let err = read_err(
        r#"{"args": [{"name": "A"}], "arg_comments": [[2, "late"]],
            "stages": [{"name": "a", "base": "scratch"}]}"#,
    );
    assert!(
        err.starts_with(
            "`arg_comments` places a comment after global ARG 2, but there are 1 global ARGs; \
             give each comment the number of ARGs before it (0 to 1)"
        ),
        "{err}"
    );
}

#[test]
fn a_stage_reference_alone_is_refused() {
    let err = serde_json::from_str::<Instruction>(
        r#"{"copy": {"sources": {"paths": ["/a"]}, "dest": "/a", "from": {"stage": "build"}}}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("stage reference `build` outside a Dockerfile"),
        "{err}"
    );
    // Images and contexts need no resolution.
    let ok: Instruction = serde_json::from_str(
        r#"{"copy": {"sources": {"paths": ["/a"]}, "dest": "/a", "from": {"image": "nginx:1.27"}}}"#,
    )
    .unwrap();
    assert_eq!(ok.keyword(), "COPY");
}

#[test]
fn hand_written_inline_content_gets_its_final_newline() {
    let df: Dockerfile = serde_json::from_str(
        r#"{"stages": [{"name": "a", "base": "scratch", "instructions": [
            {"copy": {"sources": {"inline": "hello"}, "dest": "/hello.txt"}}
        ]}]}"#,
    )
    .unwrap();
    assert!(
        df.to_string()
            .contains("COPY <<\"EOF\" /hello.txt\nhello\nEOF\n"),
        "{df}"
    );
}

/// `dockerdsl/dockerfile.schema.json` is what the types generate. Outside CI a stale file is
/// rewritten (review and commit it); under CI (or DOCKERDSL_CHECK=1) the test fails with the
/// diff, like a build script using `emit`.
#[test]
fn json_schema_is_current() {
    let schema = schemars::schema_for!(Dockerfile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap();
    text.push('\n');
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/dockerdsl/dockerfile.schema.json"
    );
    if let Err(e) = dockerdsl::emit_with(path, &text, Mode::from_env()) {
        panic!("{e}");
    }
}

/// Every corpus file the parser reads survives JSON byte for byte too: the models of real
/// Dockerfiles use every part of the model (heredocs, mounts, ONBUILD, kept line breaks).
#[test]
fn every_parsed_corpus_file_round_trips() {
    let Some(dir) = common::corpus("every_parsed_corpus_file_round_trips") else {
        return;
    };
    let mut files = 0;
    for sub in ["real/files", "buildkit-tests", "targeted"] {
        let mut paths: Vec<_> = std::fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.extension().is_some_and(|e| e == "jsonl" || e == "tsv"))
            .collect();
        paths.sort();
        for path in paths {
            let Ok(parsed) = dockerdsl::parse_file(&path) else {
                continue;
            };
            files += 1;
            let df = parsed.dockerfile();
            let json = serde_json::to_string(df).unwrap();
            let back: Dockerfile = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("{}: {e}\n{json}", path.display()));
            assert_eq!(back.to_string(), df.to_string(), "{}", path.display());
        }
    }
    eprintln!("JSON: {files} parsed corpus files round-trip");
    assert!(files > 200, "only {files} corpus files parsed");
}

/// Hand-edited JSON with a misspelt reference and a bad image: both are reported, the
/// reference at its line and column, as serde's own errors are.
#[test]
fn reference_problems_have_a_line_and_column_and_come_with_every_other_problem() {
    let json = "{\"stages\": [\n  {\"name\": \"build\", \"base\": {\"image\": \"golang:1.23\"}},\n  \
                {\"name\": \"app\", \"base\": {\"stage\": \"bild\"}, \"instructions\": [\n    \
                {\"copy\": {\"sources\": {\"paths\": [\"/a\"]}, \"dest\": \"/a\", \"from\": {\"stage\": \"later\"}}},\n    \
                {\"workdir\": \"\"}\n  ]},\n  \
                {\"name\": \"later\", \"base\": {\"image\": \"Alpine:3\"}}\n]}";
    let err = Dockerfile::from_json(json).unwrap_err();
    let located: Vec<_> = err.problems().iter().map(|p| p.line_column()).collect();
    assert_eq!(located, [Some((3, 37)), Some((4, 77)), None, None]);
    assert_eq!(
        err.to_string(),
        "4 problems in the Dockerfile:\n\
         error: line 3, column 37: stage `app` refers to unknown stage `bild`; did you mean `build`?\n\
         error: line 4, column 77: stage `app` refers to stage `later`, which is defined after it; \
         move `later` before `app`\n\
         error: stage `app`, instruction 2 (WORKDIR), path: the path is empty\n\
         error: stage `later`, base image: invalid image reference \"Alpine:3\": `A` at position 1: \
         repository names are lower-case\n  \
         = help: use \"alpine:3\"\n"
    );
    // The same problems through serde, without positions (serde gives a value none).
    let via_serde = serde_json::from_str::<Dockerfile>(json)
        .unwrap_err()
        .to_string();
    assert!(
        via_serde.starts_with(
            "4 problems in the Dockerfile:\nerror: stage `app` refers to unknown stage `bild`"
        ),
        "{via_serde}"
    );

    // JSON that does not read: serde_json's message at its place.
    let err = Dockerfile::from_json("{\"stages\": [\n  {\"name\": 1}\n]}").unwrap_err();
    assert_eq!(err.problems()[0].line_column(), Some((2, 12)));
    assert!(
        err.to_string()
            .starts_with("error: line 2, column 12: invalid type: integer `1`"),
        "{err}"
    );
}
