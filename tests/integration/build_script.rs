//! The build-script example (`examples/build-script`), built for real on a copy of it: its
//! build.rs regenerates the Dockerfile, leaves it (and its modification time) alone when
//! nothing changed, and under `CI=true` fails with a diff instead of writing a stale file.
//!
//! The copy is a workspace of its own with its own target directory (the outer `cargo test`
//! holds the lock on the workspace's); that directory is kept between runs, so only the first
//! run compiles dockerdsl for it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/build-script");

struct Copy {
    dir: PathBuf,
    target: PathBuf,
}

impl Copy {
    fn new() -> Copy {
        let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("build-script");
        let dir = tmp.join("crate");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src")).unwrap();
        let manifest = fs::read_to_string(Path::new(EXAMPLE).join("Cargo.toml")).unwrap();
        let dockerdsl = concat!(env!("CARGO_MANIFEST_DIR"), "/dockerdsl");
        let manifest = manifest.replace(
            "path = \"../../dockerdsl\"",
            &format!("path = {dockerdsl:?}"),
        );
        assert!(
            manifest.contains(dockerdsl),
            "the example depends on ../../dockerdsl"
        );
        fs::write(dir.join("Cargo.toml"), format!("{manifest}\n[workspace]\n")).unwrap();
        for file in ["build.rs", "src/main.rs"] {
            fs::copy(Path::new(EXAMPLE).join(file), dir.join(file)).unwrap();
        }
        // The workspace's lock file: the same versions, and nothing to fetch.
        fs::copy(
            concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"),
            dir.join("Cargo.lock"),
        )
        .unwrap();
        Copy {
            dir,
            target: tmp.join("target"),
        }
    }

    /// `cargo build -v` in the copy, with `CI` and `DOCKERDSL_CHECK` as given (unset when
    /// `None`).
    fn build(&self, ci: Option<&str>, check: Option<&str>) -> Output {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "-v", "--offline"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("CI")
            .env_remove("DOCKERDSL_CHECK");
        if let Some(v) = ci {
            cmd.env("CI", v);
        }
        if let Some(v) = check {
            cmd.env("DOCKERDSL_CHECK", v);
        }
        cmd.output().unwrap()
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

fn set_modified(path: &Path, time: SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

/// Whether this build ran the example's build script (`cargo build -v` names it).
fn ran_build_script(out: &Output) -> bool {
    stderr(out)
        .lines()
        .any(|l| l.contains("Running `") && l.contains("build-script-build"))
}

#[test]
fn build_script_example() {
    let copy = Copy::new();
    let checked_in = fs::read_to_string(Path::new(EXAMPLE).join("Dockerfile")).unwrap();
    let checked_in_ignore = fs::read_to_string(Path::new(EXAMPLE).join(".dockerignore")).unwrap();

    // 1. No Dockerfile yet: the build writes it, and it is the one checked in.
    let out = copy.build(None, None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(copy.path("Dockerfile")).unwrap(),
        checked_in
    );
    assert_eq!(
        fs::read_to_string(copy.path(".dockerignore")).unwrap(),
        checked_in_ignore
    );
    let build_dir = fs::read_dir(copy.target.join("debug/build"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("output").exists() && p.to_string_lossy().contains("build-script-example"))
        .unwrap();
    let printed = fs::read_to_string(build_dir.join("output")).unwrap();
    for line in [
        "cargo:rerun-if-changed=build.rs",
        "cargo:rerun-if-changed=Dockerfile",
        "cargo:rerun-if-changed=.dockerignore",
        "cargo:rerun-if-env-changed=DOCKERDSL_CHECK",
        "cargo:rerun-if-env-changed=CI",
    ] {
        assert!(printed.lines().any(|l| l == line), "{line} in:\n{printed}");
    }

    // 2. The build script runs again (build.rs is newer) and finds nothing to change: the
    //    file keeps its (old) modification time.
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    set_modified(&copy.path("Dockerfile"), past);
    set_modified(&copy.path("build.rs"), SystemTime::now());
    let out = copy.build(None, None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        ran_build_script(&out),
        "the build script ran:\n{}",
        stderr(&out)
    );
    assert_eq!(modified(&copy.path("Dockerfile")), past);

    // 3. A stale Dockerfile under CI=true: the build fails with a diff and writes nothing.
    //    (Changing the Dockerfile is what reruns the script: emit asked Cargo to watch it.)
    let stale = checked_in.replace(
        "FROM debian:bookworm-slim AS app",
        "FROM debian:bullseye-slim AS app",
    );
    fs::write(copy.path("Dockerfile"), &stale).unwrap();
    let out = copy.build(Some("true"), None);
    let err = stderr(&out);
    assert!(
        !out.status.success(),
        "a stale Dockerfile fails the build under CI"
    );
    assert!(err.contains("`Dockerfile` is out of date"), "{err}");
    assert!(err.contains("-FROM debian:bullseye-slim AS app\n"), "{err}");
    assert!(err.contains("+FROM debian:bookworm-slim AS app\n"), "{err}");
    assert_eq!(fs::read_to_string(copy.path("Dockerfile")).unwrap(), stale);

    // 4. DOCKERDSL_CHECK=1 fails the same way without CI; DOCKERDSL_CHECK=0 writes even
    //    under CI.
    let out = copy.build(None, Some("1"));
    assert!(!out.status.success());
    assert_eq!(fs::read_to_string(copy.path("Dockerfile")).unwrap(), stale);
    let out = copy.build(Some("true"), Some("0"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(copy.path("Dockerfile")).unwrap(),
        checked_in
    );
}
