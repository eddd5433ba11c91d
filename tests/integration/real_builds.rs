//! Builds every recipe of `dockerdsl::recipes` for real with buildah, and its single-stage
//! equivalent, then writes `target/real-builds/REPORT.md`: final image sizes, layers, and
//! which steps a rebuild after a source-only change reused.
//!
//! Run by `.ci/real-builds` (which `.ci/run` calls), which installs buildah, makes the local
//! base images and sets `DOCKERDSL_REAL_BUILDS=1`. Without that variable the test says it is
//! skipped: a plain `cargo test` stays fast and needs no buildah.
//!
//! Each final image is opened (`buildah from` + `buildah mount`) and must hold the artifact
//! and none of the toolchain or the sources; the artifact is run in it.

use crate::common;

use dockerdsl::recipes::{
    CStatic, DependencyCache, GoStatic, ImageOptions, OciLabels, RustApp, Server, StaticSite,
};
use dockerdsl::{Dockerfile, Run, Stage, Syntax};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One recipe as the suite builds it: the two Dockerfiles, the sources, and what the final
/// image must and must not hold.
pub(crate) struct Case {
    pub(crate) name: &'static str,
    /// The final stage of the multi-stage build.
    pub(crate) stage: Stage,
    single: Dockerfile,
    /// The source file changed between the two multi-stage builds.
    source: &'static str,
    pub(crate) artifact: &'static str,
    /// Paths of the toolchain and the sources, none of which may be in the final image.
    pub(crate) absent: &'static [&'static str],
    /// A command run in the final image; it prints `hello from`, and after the change to
    /// the source `hello again from`.
    pub(crate) check: &'static [&'static str],
}

/// The change to the source between the two builds: the artifact changes with it.
pub(crate) const CHANGE: (&str, &str) = ("hello from", "hello again from");

/// Dockerfiles as buildah 1.28 reads them: no syntax line (it would be ignored) and the
/// compatibility rendering (no heredocs, no `--link`).
fn dockerfile(target: &Stage) -> Dockerfile {
    Dockerfile::builder()
        .syntax(Syntax::Omitted)
        .compat(true)
        .target(target)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn labels(title: &str) -> OciLabels {
    OciLabels::new()
        .title(title)
        .source("https://example.invalid/dockerdsl")
        .licenses("MIT OR Apache-2.0")
}

/// The local image `name` pinned to its digest (`busybox:1.35@sha256:...`): the recipes
/// require pinned images here, and buildah finds them by digest without a registry.
fn pinned(name: &str) -> String {
    let digest = buildah(&[
        "images",
        "--format",
        "{{.Digest}}",
        &format!("localhost/{name}"),
    ]);
    let digest = digest.trim();
    assert!(
        digest.starts_with("sha256:"),
        "no digest for {name}: {digest:?}"
    );
    format!("{name}@{digest}")
}

/// The recipes and their single-stage equivalents, with images pinned by `pin`.
pub(crate) fn cases(pin: &dyn Fn(&str) -> String) -> Vec<Case> {
    let ok = |r: Result<Stage, dockerdsl::Error>| r.unwrap_or_else(|e| panic!("{e}"));
    let options = |title: &str, uid: u32| {
        ImageOptions::new()
            .non_root(uid)
            .oci(labels(title))
            .require_digests()
    };
    vec![
        Case {
            name: "go-static",
            stage: ok(GoStatic::new("hello")
                .builder_image(pin("golang:1.19-bookworm"))
                .runtime_image(pin("busybox:1.35"))
                .options(options("hello-go", 10001))
                .stage()),
            single: dockerfile(
                &Stage::from_image("single", "golang:1.19-bookworm")
                    .env("CGO_ENABLED", "0")
                    .workdir("/src")
                    .copy(".", ".")
                    .run("go build -trimpath -ldflags=\"-s -w\" -o /usr/local/bin/hello .")
                    .entrypoint(["/usr/local/bin/hello"]),
            ),
            source: "main.go",
            artifact: "/usr/local/bin/hello",
            absent: &["/usr/bin/go", "/usr/lib/go-1.19", "/src", "/go"],
            check: &["/usr/local/bin/hello"],
        },
        Case {
            name: "static-site",
            stage: ok(StaticSite::new()
                .builder_image(pin("node:18-bookworm-slim"))
                .no_install()
                .build("node build.js")
                .server(Server::new(
                    pin("busybox:1.35"),
                    "/www",
                    ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"],
                    8080,
                ))
                .options(options("hello-site", 10001))
                .stage()),
            single: dockerfile(
                &Stage::from_image("single", "node:18-bookworm-slim")
                    .workdir("/src")
                    .copy(".", ".")
                    .run("node build.js")
                    .expose(8080)
                    .cmd(["node", "serve.js"]),
            ),
            source: "src/index.html",
            artifact: "/www/index.html",
            absent: &["/usr/bin/node", "/usr/bin/nodejs", "/src"],
            check: &["cat", "/www/index.html"],
        },
        Case {
            name: "c-static",
            stage: ok(CStatic::new("hello")
                .builder_image(pin("gcc:12-bookworm"))
                .options(options("hello-c", 65534))
                .stage()),
            single: dockerfile(
                &Stage::from_image("single", "gcc:12-bookworm")
                    .workdir("/src")
                    .copy(".", ".")
                    .run("cc -static -O2 -s -o /usr/local/bin/hello hello.c")
                    .entrypoint(["/usr/local/bin/hello"]),
            ),
            source: "hello.c",
            artifact: "/hello",
            absent: &["/usr/bin/gcc", "/usr/lib/gcc", "/src", "/bin/sh"],
            check: &["/hello"],
        },
        Case {
            name: "rust-deps-cached",
            stage: ok(RustApp::new("hello")
                .builder_image(pin("rust:1.96-slim-bookworm"))
                .runtime_image(pin("debian:bookworm-slim"))
                .dependency_cache(DependencyCache::Manifests)
                .options(options("hello-rust", 10001))
                .stage()),
            single: dockerfile(
                &Stage::from_image("single", "rust:1.96-slim-bookworm")
                    .workdir("/app")
                    .copy(".", ".")
                    .run(Run::chain([
                        "cargo build --release --locked",
                        "cp target/release/hello /usr/local/bin/hello",
                    ]))
                    .entrypoint(["/usr/local/bin/hello"]),
            ),
            source: "src/main.rs",
            artifact: "/usr/local/bin/hello",
            absent: &[
                "/usr/bin/cargo",
                "/usr/bin/rustc",
                "/usr/local/cargo",
                "/app",
            ],
            check: &["/usr/local/bin/hello"],
        },
    ]
}

#[test]
fn real_builds() {
    if std::env::var_os("DOCKERDSL_REAL_BUILDS").is_none() {
        common::skipped(
            "real_builds",
            "DOCKERDSL_REAL_BUILDS is not set \
             (run `bash .ci/real-builds`: it installs buildah, makes the base images and runs this)",
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/real-builds");
    let fixtures = root.join("tests/fixtures/real-builds");
    let mut rows = Vec::new();
    for case in cases(&pinned) {
        eprintln!("== {}", case.name);
        rows.push(build_case(&case, &fixtures, &out));
    }
    let driver = buildah(&["info", "--format", "{{.store.GraphDriverName}}"]);
    let report = report(driver.trim(), &rows);
    std::fs::write(out.join("REPORT.md"), &report).unwrap();
    println!("{report}");
    for row in &rows {
        assert!(
            row.multi.size < row.single.size,
            "{}: the multi-stage image ({} bytes) is not smaller than the single-stage one ({} bytes)",
            row.name,
            row.multi.size,
            row.single.size
        );
    }
}

/// What the suite measured for one recipe.
struct Row {
    name: &'static str,
    multi: Image,
    single: Image,
    rebuild: Vec<Step>,
    shared_layers: usize,
    dockerfile: String,
}

fn build_case(case: &Case, fixtures: &Path, out: &Path) -> Row {
    let dir = out.join(case.name);
    let context = dir.join("context");
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&fixtures.join(fixture_dir(case.name)), &context);

    let multi = dockerfile(&case.stage);
    let multi_text = multi.render_compat().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(multi_text, multi.to_string());
    let multi_file = dir.join("Dockerfile");
    std::fs::write(&multi_file, &multi_text).unwrap();
    let tag = format!("localhost/dockerdsl-real/{}:latest", case.name);

    build(&multi_file, &context, &tag, &dir.join("build-1.log"));
    let first = inspect(&tag);
    check_files(case, &tag, CHANGE.0);

    // A source-only change; the rebuilt image must run the changed program.
    let source = context.join(case.source);
    let text = std::fs::read_to_string(&source).unwrap();
    assert!(
        text.contains(CHANGE.0),
        "{} does not say {:?}",
        case.source,
        CHANGE.0
    );
    std::fs::write(&source, text.replace(CHANGE.0, CHANGE.1)).unwrap();
    let log = build(&multi_file, &context, &tag, &dir.join("build-2.log"));
    let second = inspect(&tag);
    check_files(case, &tag, CHANGE.1);
    let rebuild = steps(&log);
    let shared_layers = second
        .layers
        .iter()
        .filter(|l| first.layers.contains(l))
        .count();

    let single_file = dir.join("Dockerfile.single");
    std::fs::write(&single_file, case.single.render_compat().unwrap()).unwrap();
    let single_tag = format!("localhost/dockerdsl-real/{}:single", case.name);
    build(
        &single_file,
        &context,
        &single_tag,
        &dir.join("build-single.log"),
    );
    let single = inspect(&single_tag);

    Row {
        name: case.name,
        multi: second,
        single,
        rebuild,
        shared_layers,
        dockerfile: multi_text,
    }
}

pub(crate) fn fixture_dir(case: &str) -> &'static str {
    match case {
        "go-static" => "go",
        "static-site" => "site",
        "c-static" => "c",
        _ => "rust",
    }
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// `buildah` with the arguments, its output (stdout then stderr) returned; a failure shows
/// the output. A run whose container runtime did not start is retried
/// ([`common::runtime`]).
fn buildah(args: &[&str]) -> String {
    buildah_retried(args).0
}

/// [`buildah`], with the output of each earlier run that was retried.
fn buildah_retried(args: &[&str]) -> (String, Vec<String>) {
    let (output, earlier) = common::runtime::retried(&format!("buildah {}", args[0]), || {
        Command::new("buildah")
            .args(args)
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run buildah (is it installed? .ci/real-builds installs it): {e}")
            })
    });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "buildah {} failed:\n{text}",
        args.join(" ")
    );
    (text, earlier)
}

/// Builds offline (`--pull=never`) in chroot isolation, keeping every step's layer so that a
/// rebuild can reuse them; the log (with any retried run's before it) is kept next to the
/// Dockerfile, and the last run's is returned.
fn build(file: &Path, context: &Path, tag: &str, log: &Path) -> String {
    let (text, earlier) = buildah_retried(&[
        "bud",
        "--layers",
        "--pull=never",
        "--isolation=chroot",
        "-f",
        path_str(file),
        "-t",
        tag,
        path_str(context),
    ]);
    let kept = common::runtime::log_text(&earlier, &text);
    std::fs::write(log, kept).unwrap();
    text
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// An image's size (the sum of its layers, uncompressed) and its layers' digests.
struct Image {
    size: u64,
    layers: Vec<String>,
}

fn inspect(tag: &str) -> Image {
    let json: serde_json::Value =
        serde_json::from_str(&buildah(&["inspect", "--type", "image", tag])).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_str(json["Manifest"].as_str().unwrap()).unwrap();
    let size = manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["size"].as_u64().unwrap())
        .sum();
    let layers = json["OCIv1"]["rootfs"]["diff_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_owned())
        .collect();
    Image { size, layers }
}

/// Opens the image: the artifact is there and runs (printing `expected`), the toolchain and
/// sources are not.
fn check_files(case: &Case, tag: &str, expected: &str) {
    let container = buildah(&["from", "--pull=never", tag])
        .trim()
        .lines()
        .last()
        .unwrap()
        .to_owned();
    let mount = PathBuf::from(buildah(&["mount", &container]).trim());
    let inside = |p: &str| mount.join(p.trim_start_matches('/'));
    let artifact = inside(case.artifact);
    let problems: Vec<String> = std::iter::once(&case.artifact)
        .filter(|_| !artifact.is_file())
        .map(|p| format!("the artifact {p} is missing"))
        .chain(
            case.absent
                .iter()
                .filter(|p| inside(p).symlink_metadata().is_ok())
                .map(|p| format!("{p} (toolchain or sources) is in the final image")),
        )
        .collect();
    let mut run = vec!["run", "--isolation=chroot", container.as_str(), "--"];
    run.extend(case.check);
    let output = buildah(&run);
    buildah(&["umount", &container]);
    buildah(&["rm", &container]);
    assert!(
        problems.is_empty(),
        "{}: {}",
        case.name,
        problems.join("; ")
    );
    assert!(
        output.contains(expected),
        "{}: `{}` printed {output:?}, without {expected:?}",
        case.name,
        case.check.join(" "),
    );
}

/// One step of a build log, and whether buildah reused its cached layer.
struct Step {
    stage: String,
    instruction: String,
    reused: bool,
}

/// The steps of a `buildah bud` log, `FROM` lines left out (they have no layer of their
/// own): `[1/2] STEP 3/6: COPY . .` (or `STEP 3/6: ...` with one stage), reused when
/// `--> Using cache` follows before the next step.
fn steps(log: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut stage = String::new();
    for line in log.lines() {
        let rest = line
            .strip_prefix('[')
            .and_then(|l| l.split_once("] "))
            .map_or(line, |(_, r)| r);
        if let Some(step) = rest.strip_prefix("STEP ") {
            let instruction = step.split_once(": ").map_or(step, |(_, i)| i);
            if let Some(from) = instruction.strip_prefix("FROM ") {
                stage = from.rsplit(' ').next().unwrap_or(from).to_owned();
                continue;
            }
            steps.push(Step {
                stage: stage.clone(),
                instruction: instruction.to_owned(),
                reused: false,
            });
        } else if line.starts_with("--> Using cache") {
            if let Some(last) = steps.last_mut() {
                last.reused = true;
            }
        }
    }
    steps
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn report(driver: &str, rows: &[Row]) -> String {
    // A retried build starts from the layers its failed run made: its count of steps reused
    // may include them, which the reader should know.
    let retried = match common::runtime::retries() {
        0 => String::new(),
        n => format!(
            "{n} buildah command(s) were retried because the container runtime did not start \
             (a refused memfd seal, see `tests/integration/common/runtime.rs`); a retried build \
             reuses the layers of the run that failed.\n\n"
        ),
    };
    let mut out = format!(
        "# Real builds\n\n\
         Every recipe of `dockerdsl::recipes` built with buildah (chroot isolation, {driver} \
         storage, `--layers`, `--pull=never`, images pinned to digests) from the compatibility \
         rendering, next to the equivalent single-stage Dockerfile. Sizes are the sum of the \
         image's layers, uncompressed. The rebuild follows a change to the program's text in \
         one source file (`{}` → `{}`).\n\n\
         {retried}\
         | recipe | multi-stage | single-stage | multi / single | final layers | rebuild: steps reused | rebuild: final layers kept |\n\
         | --- | ---: | ---: | ---: | ---: | --- | ---: |\n",
        CHANGE.0, CHANGE.1
    );
    for r in rows {
        let reused = r.rebuild.iter().filter(|s| s.reused).count();
        writeln!(
            out,
            "| {} | {} | {} | {:.1} % | {} | {reused} of {} | {} of {} |",
            r.name,
            mb(r.multi.size),
            mb(r.single.size),
            100.0 * r.multi.size as f64 / r.single.size as f64,
            r.multi.layers.len(),
            r.rebuild.len(),
            r.shared_layers,
            r.multi.layers.len(),
        )
        .unwrap();
    }
    for r in rows {
        writeln!(out, "\n## {}\n\nRebuild after a source change:\n", r.name).unwrap();
        for s in &r.rebuild {
            let mark = if s.reused { "reused " } else { "rebuilt" };
            writeln!(out, "- {mark} `{}`: `{}`", s.stage, s.instruction).unwrap();
        }
        writeln!(out, "\n```dockerfile\n{}```", r.dockerfile).unwrap();
    }
    out
}
