//! Real builds with BuildKit, from the canonical rendering (heredocs, `COPY --link`, cache
//! mounts with `sharing=locked`): the plan of `examples/bake.rs` built by
//! `docker buildx bake` (both platforms of the Go target, the site served by its nginx),
//! and every recipe built by `docker buildx build` and checked by `--call=check`.
//!
//! Run by `.ci/real-builds`, which starts `buildkit-local` (buildkitd, a registry on
//! loopback as the docker.io mirror, the builder `dockerdsl-local`), pushes the base images
//! into it, sets `DOCKERDSL_BUILDKIT=1` and stops it all when it exits. Without that
//! variable these tests say they are skipped.

use crate::common;
use crate::common::examples::bake as example;
use crate::real_builds::{CHANGE, Case, cases, copy_dir, fixture_dir};
use dockerdsl::Dockerfile;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Buildx and the local registry, when the BuildKit suite is on.
struct Kit {
    buildx: PathBuf,
    registry: String,
    out: PathBuf,
}

fn kit(test: &str) -> Option<Kit> {
    if std::env::var_os("DOCKERDSL_BUILDKIT").is_none() {
        common::skipped(
            test,
            "DOCKERDSL_BUILDKIT is not set (run `bash .ci/real-builds`: it starts \
             buildkit-local, pushes the base images and runs this)",
        );
        return None;
    }
    let tools = common::tools(test)?;
    let registry = std::env::var("DOCKERDSL_REGISTRY")
        .unwrap_or_else(|_| panic!("{test}: DOCKERDSL_BUILDKIT is set, DOCKERDSL_REGISTRY not"));
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/real-builds/buildkit");
    std::fs::create_dir_all(&out).unwrap();
    Some(Kit {
        buildx: tools.join("bin/docker-buildx"),
        registry,
        out,
    })
}

impl Kit {
    /// `docker-buildx ARGS` in `dir` with the local builder; the output (stdout, then
    /// stderr) is kept in `log`, after that of any run retried because runc did not start
    /// ([`common::runtime`]), and the last run's is returned, with the exit status.
    fn buildx(&self, dir: &Path, args: &[&str], log: &Path) -> (bool, String, String) {
        let (output, earlier) =
            common::runtime::retried(&format!("docker-buildx {}", args[0]), || {
                Command::new(&self.buildx)
                    .current_dir(dir)
                    .args(args)
                    .output()
                    .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.buildx.display()))
            });
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let kept = common::runtime::log_text(&earlier, &format!("{stdout}{stderr}"));
        std::fs::write(log, kept).unwrap();
        (output.status.success(), stdout, stderr)
    }

    /// `docker-buildx build -f DOCKERFILE context` in `dir` with the local builder, its
    /// image exported to the folder `dest` there; whether it built, and its log.
    fn build_to(&self, dir: &Path, dockerfile: &str, dest: &str, log: &Path) -> (bool, String) {
        let output = format!("type=local,dest={dest}");
        let args = [
            "build",
            "--builder",
            "dockerdsl-local",
            "--progress",
            "plain",
            "-f",
            dockerfile,
            "--output",
            &output,
            "context",
        ];
        let (ok, _, log) = self.buildx(dir, &args, log);
        (ok, log)
    }

    /// `name` pinned to the digest the local registry serves it under (the recipes require
    /// pinned images).
    fn pinned(&self, name: &str) -> String {
        let (repo, tag) = name.split_once(':').unwrap();
        let url = format!("http://{}/v2/library/{repo}/manifests/{tag}", self.registry);
        let output = Command::new("curl")
            .args(["-sfI", "-H"])
            .arg(
                "Accept: application/vnd.oci.image.manifest.v1+json, \
                 application/vnd.docker.distribution.manifest.v2+json, \
                 application/vnd.oci.image.index.v1+json",
            )
            .arg(&url)
            .output()
            .unwrap_or_else(|e| panic!("cannot run curl: {e}"));
        let head = String::from_utf8_lossy(&output.stdout);
        let digest = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("docker-content-digest")
                    .then(|| v.trim().to_owned())
            })
            .unwrap_or_else(|| panic!("{url}: no digest (is {name} pushed?):\n{head}"));
        format!("{name}@{digest}")
    }
}

/// The ELF machine of a binary: 0x3E x86-64, 0xB7 AArch64.
fn elf_machine(path: &Path) -> u16 {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        &bytes[..4],
        b"\x7fELF",
        "{} is not an ELF file",
        path.display()
    );
    assert_eq!(bytes[4], 2, "{} is not a 64-bit ELF file", path.display());
    assert_eq!(bytes[5], 1, "{} is not little-endian", path.display());
    u16::from_le_bytes([bytes[18], bytes[19]])
}

/// Starts the site's nginx from its exported root file system in a network namespace of its
/// own (loopback only), GETs `/` with bounded retries, stops nginx and returns the page.
fn serve_and_get(rootfs: &Path) -> String {
    // The exporter leaves the root directory 0700: nginx's workers (www-data) need to
    // enter it, as they would the root of a container.
    Command::new("chmod")
        .arg("755")
        .arg(rootfs)
        .status()
        .unwrap();
    let script = r#"
        set -u
        ip link set lo up
        chroot "$1" nginx -g 'daemon off;' &
        nginx=$!
        status=1
        for _ in $(seq 50); do
            if curl -sf --max-time 2 http://127.0.0.1/; then status=0; break; fi
            sleep 0.2
        done
        kill "$nginx"
        wait "$nginx" 2>/dev/null
        exit "$status"
    "#;
    let output = Command::new("timeout")
        .args([
            "60", "unshare", "--net", "--mount", "--fork", "sh", "-c", script, "sh",
        ])
        .arg(rootfs)
        .output()
        .unwrap_or_else(|e| panic!("cannot run unshare: {e}"));
    let page = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "nginx did not answer on 127.0.0.1:80: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        std::fs::read_to_string(rootfs.join("var/log/nginx/error.log")).unwrap_or_default()
    );
    page
}

#[test]
fn bake_builds_the_example_for_real() {
    let Some(kit) = kit("bake_builds_the_example_for_real") else {
        return;
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real-builds");
    let dir = kit.out.join("bake-example");
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&fixtures.join("go"), &dir.join("go"));
    copy_dir(&fixtures.join("site"), &dir.join("site"));
    example::write(&dir, dockerdsl::Mode::Write).unwrap_or_else(|e| panic!("{e}"));
    let started = std::time::Instant::now();
    let (ok, _, log) = kit.buildx(
        &dir,
        &[
            "bake",
            "--builder",
            "dockerdsl-local",
            "--progress",
            "plain",
            "-f",
            "docker-bake.json",
            "--set",
            "go.output=type=local,dest=out/go",
            "--set",
            "site.output=type=local,dest=out/site",
        ],
        &dir.join("bake.log"),
    );
    assert!(ok, "docker-buildx bake failed:\n{log}");
    eprintln!(
        "bake_builds_the_example_for_real: `docker-buildx bake` of go (linux/amd64, linux/arm64) and site: {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let binary = |platform: &str| {
        dir.join("out/go")
            .join(platform)
            .join("usr/local/bin/hello")
    };
    assert_eq!(
        elf_machine(&binary("linux_arm64")),
        0xB7,
        "the linux/arm64 binary is not an AArch64 ELF"
    );
    assert_eq!(
        elf_machine(&binary("linux_amd64")),
        0x3E,
        "the linux/amd64 binary is not an x86-64 ELF"
    );
    let run = Command::new(binary("linux_amd64")).output().unwrap();
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success() && said.contains(CHANGE.0),
        "the linux/amd64 binary printed {said:?}"
    );

    let site = dir.join("out/site");
    for absent in ["usr/bin/node", "usr/bin/npm", "app"] {
        assert!(
            site.join(absent).symlink_metadata().is_err(),
            "/{absent} (the build stage's) is in the site image"
        );
    }
    let page = serve_and_get(&site);
    assert!(
        page.contains("<h1>hello from a static site</h1>") && page.contains("built by build.js"),
        "nginx served {page:?}"
    );
}

/// `--call=check` on one Dockerfile: BuildKit's findings, as `rule: detail` lines.
fn check(kit: &Kit, dir: &Path, context: &str) -> Vec<String> {
    let (_, stdout, stderr) = kit.buildx(
        dir,
        &[
            "build",
            "--builder",
            "dockerdsl-local",
            "--call=check,format=json",
            "--progress",
            "quiet",
            "-f",
            "Dockerfile",
            context,
        ],
        &dir.join("check.log"),
    );
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("--call=check printed no JSON ({e}):\n{stdout}{stderr}"));
    json["warnings"]
        .as_array()
        .map(|w| {
            w.iter()
                .map(|w| format!("{}: {}", w["ruleName"], w["detail"]))
                .collect()
        })
        .unwrap_or_default()
}

/// The bytes of the regular files under `dir`: the size of an exported image's files.
fn files_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => todo.push(entry.path()),
                Ok(t) if t.is_file() => total += entry.metadata().map_or(0, |m| m.len()),
                _ => {}
            }
        }
    }
    total
}

/// Builds one recipe; its problems, and the size of its final image's files.
fn build_recipe(kit: &Kit, case: &Case, fixtures: &Path) -> (Vec<String>, u64) {
    let dir = kit.out.join(case.name);
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&fixtures.join(fixture_dir(case.name)), &dir.join("context"));
    let dockerfile = Dockerfile::new(&case.stage).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("Dockerfile"), dockerfile.to_string()).unwrap();
    let mut problems: Vec<String> = check(kit, &dir, "context")
        .into_iter()
        .map(|f| format!("{}: --call=check: {f}", case.name))
        .collect();
    let (ok, log) = kit.build_to(&dir, "Dockerfile", "rootfs", &dir.join("build.log"));
    if !ok {
        problems.push(format!("{}: the build failed:\n{log}", case.name));
        return (problems, 0);
    }
    let rootfs = dir.join("rootfs");
    let inside = |p: &str| rootfs.join(p.trim_start_matches('/'));
    if !inside(case.artifact).is_file() {
        problems.push(format!(
            "{}: the artifact {} is missing",
            case.name, case.artifact
        ));
    }
    for p in case.absent {
        if inside(p).symlink_metadata().is_ok() {
            problems.push(format!(
                "{}: {p} (toolchain or sources) is in the image",
                case.name
            ));
        }
    }
    let run = Command::new("chroot")
        .arg(&rootfs)
        .args(case.check)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stdout);
    if !said.contains(CHANGE.0) {
        problems.push(format!(
            "{}: `{}` printed {said:?} {}",
            case.name,
            case.check.join(" "),
            String::from_utf8_lossy(&run.stderr)
        ));
    }
    let size = files_size(&rootfs);
    // The exported files are measured and checked: they go, to keep the disk for others.
    let _ = std::fs::remove_dir_all(&rootfs);
    (problems, size)
}

#[test]
fn recipes_build_on_buildkit_from_the_canonical_rendering() {
    let Some(kit) = kit("recipes_build_on_buildkit_from_the_canonical_rendering") else {
        return;
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real-builds");
    let mut problems = Vec::new();
    let mut report = String::from(
        "\n## BuildKit\n\n\
         Every recipe built by BuildKit (`docker buildx build`, local builder) from the canonical \
         rendering (heredocs, `COPY --link`, `sharing=locked`), exported as files \
         (`--output type=local`): the bytes of the final image's files, next to the multi-stage \
         column above (buildah, uncompressed layers).\n\n\
         | recipe | BuildKit: final image files | build and check |\n| --- | ---: | ---: |\n",
    );
    for case in cases(&|name| kit.pinned(name)) {
        let started = std::time::Instant::now();
        let (found, size) = build_recipe(&kit, &case, &fixtures);
        problems.extend(found);
        let seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "recipes_build_on_buildkit: {} built and checked in {seconds:.1} s",
            case.name
        );
        report.push_str(&format!(
            "| {} | {:.1} MB | {seconds:.1} s |\n",
            case.name,
            size as f64 / 1_000_000.0
        ));
    }
    // The buildah suite writes REPORT.md first (.ci/real-builds runs it first): the
    // BuildKit table goes below it.
    let path = kit.out.join("../REPORT.md");
    let before = std::fs::read_to_string(&path).unwrap_or_default();
    let before = before.split("\n## BuildKit\n").next().unwrap_or_default();
    std::fs::write(&path, format!("{before}{report}")).unwrap();
    println!("{report}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn bake_example_passes_buildkit_checks() {
    let Some(kit) = kit("bake_example_passes_buildkit_checks") else {
        return;
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real-builds");
    let plan = example::plan().unwrap_or_else(|e| panic!("{e}"));
    let mut findings = Vec::new();
    for (path, dockerfile) in plan.dockerfiles() {
        let app = path.trim_end_matches("/Dockerfile");
        let dir = kit.out.join("check").join(app);
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&fixtures.join(app), &dir.join("context"));
        std::fs::write(dir.join("Dockerfile"), dockerfile.to_string()).unwrap();
        findings.extend(
            check(&kit, &dir, "context")
                .into_iter()
                .map(|f| format!("{path}: {f}")),
        );
    }
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

/// The named contexts a Dockerfile reads (`FROM NAME`, `COPY --from=NAME`, mounts).
fn contexts(dockerfile: &Dockerfile) -> Vec<String> {
    let mut out = Vec::new();
    for stage in dockerfile.stages() {
        if let dockerdsl::Base::Context(c) = stage.base() {
            out.push(c.name().to_owned());
        }
        for instruction in stage.instructions() {
            for source in instruction.sources() {
                if let dockerdsl::Source::Context(c) = source {
                    out.push(c.name().to_owned());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn examples_pass_buildkit_checks() {
    let Some(kit) = kit("examples_pass_buildkit_checks") else {
        return;
    };
    use crate::common::examples::{go_alpine, kitchen_sink, node_nginx, recipes, rust_chef};
    let examples = [
        ("go_alpine", go_alpine::dockerfile()),
        ("kitchen_sink", kitchen_sink::dockerfile()),
        ("node_nginx", node_nginx::dockerfile()),
        ("recipes", recipes::dockerfile()),
        ("rust_chef", rust_chef::dockerfile()),
    ];
    let mut problems = Vec::new();
    for (name, dockerfile) in examples {
        let dockerfile = dockerfile.unwrap_or_else(|e| panic!("{name}: {e}"));
        let dir = kit.out.join("check-examples").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("context")).unwrap();
        std::fs::write(dir.join("Dockerfile"), dockerfile.to_string()).unwrap();
        let mut args = vec![
            "build".to_owned(),
            "--builder".into(),
            "dockerdsl-local".into(),
            "--call=check,format=json".into(),
            "--progress".into(),
            "quiet".into(),
            "-f".into(),
            "Dockerfile".into(),
        ];
        for c in contexts(&dockerfile) {
            args.push("--build-context".into());
            args.push(format!("{c}=context"));
        }
        args.push("context".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_, stdout, stderr) = kit.buildx(&dir, &args, &dir.join("check.log"));
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("{name}: --call=check printed no JSON ({e}):\n{stdout}{stderr}")
        });
        for w in json["warnings"].as_array().into_iter().flatten() {
            let rule = w["ruleName"].as_str().unwrap_or_default();
            let finding = format!("{name}: {rule}: {}", w["detail"]);
            eprintln!("examples_pass_buildkit_checks: {finding}");
            if common::oracle::RENDERER_RULES.contains(&rule) {
                problems.push(finding);
            }
        }
    }
    assert!(
        problems.is_empty(),
        "findings caused by the renderer:\n{}",
        problems.join("\n")
    );
}

/// Every regular file under `dir`, by its path below it, with its bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => todo.push(path),
                Ok(t) if t.is_file() => {
                    let name = path
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    out.insert(name, std::fs::read(&path).unwrap());
                }
                _ => {}
            }
        }
    }
    out
}

/// `Dockerfile::dockerignore` with BuildKit: a context of files the build takes (a file, a
/// glob, folders, a path through `..`, a `^` in a name, `--parents` with a pivot, an `ADD`,
/// a bind mount)
/// and files it does not (secrets, `node_modules`, `.git`, siblings of the globbed ones).
/// Built with the generated `.dockerignore` and without it, the image is the same; and the
/// context BuildKit receives with it (`COPY . /ctx`, exported) holds exactly what the
/// Dockerfile takes.
#[test]
fn dockerignore_keeps_what_the_build_takes() {
    use dockerdsl::{Copy, Mount, Run, Stage};
    let Some(kit) = kit("dockerignore_keeps_what_the_build_takes") else {
        return;
    };
    let files = Stage::from_scratch("files")
        .copy("go.mod", "/out/")
        .copy("src/*.rs", "/out/src/")
        .copy("docs", "/out/docs")
        .copy("./cmd/app/", "/out/app/")
        .copy("x/../go.sum", "/out/")
        .copy("[ab].txt", "/out/")
        .copy("odd^name.txt", "/out/")
        .push(Copy::new("./config/./*.toml", "/out/").parents())
        .add("notes.txt", "/out/");
    let mounted = Stage::from_image("mounted", "busybox:1.35").run(
        Run::new("mkdir -p /out && cp -r /conf /out/conf")
            .mount(Mount::bind("/conf").source("conf")),
    );
    let image = Stage::from_scratch("image")
        .copy_from(&files, "/out", "/")
        .copy_from(&mounted, "/out/conf", "/conf");
    let dockerfile = Dockerfile::new(&image).unwrap_or_else(|e| panic!("{e}"));
    let taken = [
        "go.mod",
        "go.sum",
        "src/main.rs",
        "src/lib.rs",
        "docs/a.md",
        "docs/sub/b.md",
        "cmd/app/main.go",
        "a.txt",
        "b.txt",
        "odd^name.txt",
        "config/app.toml",
        "notes.txt",
        "conf/app.conf",
    ];
    let left = [
        "secret.env",
        "node_modules/x/index.js",
        ".git/HEAD",
        "src/notes.txt",
        "cmd/other.go",
        "c.txt",
        "config/secret.json",
        "config/sub/deep.toml",
        "x/y",
    ];
    let dir = kit.out.join("dockerignore");
    let _ = std::fs::remove_dir_all(&dir);
    let context = dir.join("context");
    for (i, file) in taken.iter().chain(&left).enumerate() {
        let path = context.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("{file} {i}\n")).unwrap();
    }
    std::fs::write(dir.join("Dockerfile"), dockerfile.to_string()).unwrap();
    std::fs::write(dir.join("ctx.Dockerfile"), "FROM scratch\nCOPY . /ctx\n").unwrap();
    let build = |dockerfile: &str, out: &str| {
        let (ok, log) = kit.build_to(&dir, dockerfile, out, &dir.join(format!("{out}.log")));
        assert!(ok, "the build of {dockerfile} into {out} failed:\n{log}");
        tree(&dir.join(out))
    };
    let without = build("Dockerfile", "without");
    std::fs::write(context.join(".dockerignore"), dockerfile.dockerignore()).unwrap();
    let with = build("Dockerfile", "with");
    assert_eq!(
        with.keys().collect::<Vec<_>>(),
        without.keys().collect::<Vec<_>>(),
        "the image differs with the generated .dockerignore:\n{}",
        dockerfile.dockerignore()
    );
    assert_eq!(with, without, "a file's bytes differ");
    let sent: Vec<String> = build("ctx.Dockerfile", "ctx")
        .into_keys()
        .map(|k| k.trim_start_matches("ctx/").to_owned())
        .collect();
    let mut expected: Vec<String> = taken.iter().map(|t| (*t).to_owned()).collect();
    expected.sort();
    assert_eq!(
        sent,
        expected,
        "the context BuildKit received with the generated .dockerignore:\n{}",
        dockerfile.dockerignore()
    );
    eprintln!(
        "dockerignore_keeps_what_the_build_takes: {} files in the image with and without the \
         generated .dockerignore; the context sent is the {} files taken, not the {} others",
        with.len(),
        sent.len(),
        left.len()
    );
}
