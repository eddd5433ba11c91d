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
    assert_eq!(out.status.code(), Some(1));
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
    assert_eq!(out.status.code(), Some(1));
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
fn check_prints_lints_with_their_rule_and_exits_0() {
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
    assert_eq!(out.status.code(), Some(0), "warnings do not fail check");
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

#[test]
fn usage_errors_exit_2() {
    assert_eq!(dockerdsl(&["frobnicate"], "").status.code(), Some(2));
    assert_eq!(dockerdsl(&["import"], "").status.code(), Some(2));
    assert_eq!(dockerdsl(&[], "").status.code(), Some(2));
}
