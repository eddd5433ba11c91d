//! `emit` on real files: writes only when the bytes differ, keeps the modification time and
//! the permissions, leaves no temporary file, and in check mode never writes.

use dockerdsl::{Dockerfile, Emitted, Mode, Stage, emit_with};
use std::fs;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// A fresh directory for one test under Cargo's temporary directory for integration tests.
fn dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("emit")
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn dockerfile(tag: &str) -> Dockerfile {
    let app = Stage::from_image("app", format!("alpine:{tag}")).cmd(["/app"]);
    Dockerfile::new(&app).unwrap()
}

fn entries(dir: &PathBuf) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const PAST: Duration = Duration::from_secs(1_000_000_000);

#[test]
fn writes_only_when_the_bytes_differ() {
    let dir = dir("writes_only_when_the_bytes_differ");
    let path = dir.join("Dockerfile");
    let df = dockerfile("3.20");

    assert_eq!(
        emit_with(&path, &df, Mode::Write).unwrap(),
        Emitted::Written
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), df.to_string());

    // An old modification time makes "not touched" observable whatever the clock's
    // resolution.
    let past = SystemTime::UNIX_EPOCH + PAST;
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(past)
        .unwrap();
    assert_eq!(
        emit_with(&path, &df, Mode::Write).unwrap(),
        Emitted::Unchanged
    );
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), past);

    let newer = dockerfile("3.21");
    assert_eq!(
        emit_with(&path, &newer, Mode::Write).unwrap(),
        Emitted::Written
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), newer.to_string());
    assert_ne!(fs::metadata(&path).unwrap().modified().unwrap(), past);
    assert_eq!(entries(&dir), ["Dockerfile"], "no temporary file is left");
}

#[test]
fn check_mode_never_writes_and_shows_a_diff() {
    let dir = dir("check_mode_never_writes_and_shows_a_diff");
    let path = dir.join("Dockerfile");
    let old = dockerfile("3.20");
    let new = dockerfile("3.21");

    let missing = emit_with(&path, &new, Mode::Check).unwrap_err();
    assert!(!path.exists(), "check mode does not create the file");
    assert!(
        missing
            .to_string()
            .starts_with(&format!("`{}` is missing", path.display()))
    );
    assert!(
        missing
            .diff()
            .unwrap()
            .contains("+FROM alpine:3.21 AS app\n")
    );

    fs::write(&path, old.to_string()).unwrap();
    assert_eq!(
        emit_with(&path, &old, Mode::Check).unwrap(),
        Emitted::Unchanged
    );

    let stale = emit_with(&path, &new, Mode::Check).unwrap_err();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        old.to_string(),
        "not written"
    );
    let name = path.display();
    assert_eq!(
        stale.to_string(),
        format!(
            "`{name}` is out of date (check mode: CI or DOCKERDSL_CHECK is set, so it is not written)\n  \
             = help: regenerate it with a build outside CI (or with DOCKERDSL_CHECK=0) and commit it\n\
             --- {name} (on disk)\n\
             +++ {name} (generated)\n\
             @@ -1,4 +1,4 @@\n \
             # syntax=docker/dockerfile:1\n \n\
             -FROM alpine:3.20 AS app\n\
             +FROM alpine:3.21 AS app\n \
             CMD [\"/app\"]\n"
        )
    );
    assert_eq!(entries(&dir), ["Dockerfile"]);
}

#[cfg(unix)]
#[test]
fn keeps_the_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dir("keeps_the_permissions");
    let path = dir.join("Dockerfile");
    fs::write(&path, "old\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    emit_with(&path, "new\n", Mode::Write).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn reports_what_cannot_be_written() {
    let dir = dir("reports_what_cannot_be_written");
    let path = dir.join("no-such-dir").join("Dockerfile");
    let err = emit_with(&path, "x\n", Mode::Write).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("cannot write `{}`: ", path.display())),
        "{err}"
    );
    assert!(err.diff().is_none());
}

/// A writer killed before its rename (a Ctrl-C during `cargo build`) leaves its temporary
/// file; the next `emit` removes it, and only it: not a live writer's, not another file's.
#[cfg(target_os = "linux")]
#[test]
fn removes_temporary_files_of_killed_writers() {
    let dir = dir("removes_temporary_files_of_killed_writers");
    let path = dir.join("Dockerfile");
    emit_with(&path, &dockerfile("3.20"), Mode::Write).unwrap();
    // The pid of a process that has exited, as a killed writer's is.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let gone = child.id();
    child.wait().unwrap();
    let litter = [
        format!(".Dockerfile.{gone}.0.tmp"),
        format!(".Dockerfile.{gone}.1.tmp"),
    ];
    let kept = [
        format!(".Dockerfile.{}.0.tmp", std::process::id()),
        ".Dockerfile.1.0.tmp".to_owned(),
        format!(".Dockerfile.{gone}.x.tmp"),
        format!(".Dockerfile.bak.{gone}.0.tmp"),
        format!(".other.{gone}.0.tmp"),
    ];
    for name in litter.iter().chain(&kept) {
        fs::write(dir.join(name), "partial").unwrap();
    }
    // Also when the Dockerfile itself is unchanged.
    assert_eq!(
        emit_with(&path, &dockerfile("3.20"), Mode::Write).unwrap(),
        Emitted::Unchanged
    );
    let mut expected: Vec<String> = kept.to_vec();
    expected.push("Dockerfile".to_owned());
    expected.sort();
    assert_eq!(entries(&dir), expected);

    // Check mode never touches the directory.
    fs::write(dir.join(&litter[0]), "partial").unwrap();
    emit_with(&path, &dockerfile("3.20"), Mode::Check).unwrap();
    assert!(dir.join(&litter[0]).exists());
}
