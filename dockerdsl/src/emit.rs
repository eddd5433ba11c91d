//! Writing a generated Dockerfile from a build script, and checking it in CI.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Whether [`emit`] may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the file when its bytes differ from the generated ones.
    Write,
    /// Never write; fail with a diff when the file differs (or is missing).
    Check,
}

impl Mode {
    /// `Check` when `DOCKERDSL_CHECK` is set to anything but `0` or `false`, or when it is
    /// unset and `CI` is (as CI services set it: `CI=true`); `DOCKERDSL_CHECK=0` writes even
    /// under CI. Otherwise `Write`.
    pub fn from_env() -> Mode {
        let var = |name| std::env::var(name).ok();
        Mode::from_vars(var(CHECK_VAR).as_deref(), var("CI").as_deref())
    }

    fn from_vars(check: Option<&str>, ci: Option<&str>) -> Mode {
        let on = |v: &str| !matches!(v.trim(), "" | "0" | "false" | "FALSE" | "False");
        match check.filter(|v| !v.trim().is_empty()) {
            Some(v) if on(v) => Mode::Check,
            Some(_) => Mode::Write,
            None if ci.is_some_and(on) => Mode::Check,
            None => Mode::Write,
        }
    }
}

/// The variable that turns check mode on (`1`) or off (`0`) whatever `CI` says.
const CHECK_VAR: &str = "DOCKERDSL_CHECK";

/// What [`emit`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Emitted {
    /// The file was missing or different, and was replaced.
    Written,
    /// The file already had these bytes; it was not touched (nor its modification time).
    Unchanged,
}

/// Writes `contents` (a [`Dockerfile`](crate::Dockerfile), a `.dockerignore` from
/// [`Dockerfile::dockerignore`](crate::Dockerfile::dockerignore), any text) to `path` for a
/// build script:
///
/// - only when the bytes differ, so an unchanged file keeps its modification time and
///   nothing that watches it rebuilds;
/// - atomically: into a temporary file next to it, then renamed over it, so a reader never
///   sees half a file (the file's permissions are kept);
/// - in check mode ([`Mode::from_env`]: `CI=true` or `DOCKERDSL_CHECK=1`) it never writes,
///   and a missing or stale file is an error whose message holds a unified diff.
///
/// Run from a build script (Cargo sets `OUT_DIR`, `TARGET` and `HOST`), it prints
/// `cargo:rerun-if-changed=<path>`, so that editing or deleting the generated file
/// regenerates it (or fails the check), and `cargo:rerun-if-env-changed` for the two
/// variables above. Printing any `rerun-if-changed` line replaces Cargo's default of
/// rerunning the script when any file of the package changes, so the build script should
/// also print one for itself and for each file it reads:
///
/// ```no_run
/// // build.rs
/// use dockerdsl::{Dockerfile, Stage};
///
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     println!("cargo:rerun-if-changed=build.rs");
///     let app = Stage::from_image("app", "alpine:3.20").cmd(["/app"]);
///     let dockerfile = Dockerfile::new(&app)?;
///     dockerdsl::emit("Dockerfile", &dockerfile)?;
///     dockerdsl::emit(".dockerignore", &dockerfile.dockerignore())?;
///     Ok(())
/// }
/// ```
///
/// Cargo reruns a build script once more after it wrote a file it watches (the file is
/// newer than the script's last start); that run finds the bytes equal and writes nothing,
/// so the next build is fresh.
///
/// The file is written to a temporary file beside it (`.NAME.PID.N.tmp`), then renamed over
/// it, so a reader sees the old bytes or the new ones, never a part. A writer killed in
/// between (a Ctrl-C during `cargo build`) leaves its temporary file; the next `emit` that may
/// write removes the ones whose process is gone (where `/proc` tells, that is on Linux).
pub fn emit<T>(path: impl AsRef<Path>, contents: &T) -> Result<Emitted, EmitError>
where
    T: fmt::Display + ?Sized,
{
    let path = path.as_ref();
    if in_build_script() {
        let shown = path.display().to_string();
        if !shown.contains(['\n', '\r']) {
            println!("cargo:rerun-if-changed={shown}");
        }
        println!("cargo:rerun-if-env-changed={CHECK_VAR}");
        println!("cargo:rerun-if-env-changed=CI");
    }
    emit_with(path, contents, Mode::from_env())
}

/// [`emit`] with the mode given rather than read from the environment, and nothing printed.
///
/// ```
/// use dockerdsl::{emit_with, Emitted, Mode};
///
/// let dir = std::env::temp_dir().join(format!("dockerdsl-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("Dockerfile");
/// assert_eq!(emit_with(&path, "FROM alpine:3.20\n", Mode::Write)?, Emitted::Written);
/// assert_eq!(emit_with(&path, "FROM alpine:3.20\n", Mode::Write)?, Emitted::Unchanged);
/// let stale = emit_with(&path, "FROM alpine:3.21\n", Mode::Check).unwrap_err();
/// assert!(stale.to_string().contains("-FROM alpine:3.20\n+FROM alpine:3.21\n"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn emit_with<T>(path: impl AsRef<Path>, contents: &T, mode: Mode) -> Result<Emitted, EmitError>
where
    T: fmt::Display + ?Sized,
{
    let path = path.as_ref();
    let new = contents.to_string();
    let error = |kind| EmitError {
        path: path.to_owned(),
        kind,
    };
    let old = match fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(error(Kind::Io("read", e))),
    };
    if mode == Mode::Write {
        remove_abandoned(path);
    }
    if old.as_deref() == Some(new.as_bytes()) {
        return Ok(Emitted::Unchanged);
    }
    match mode {
        Mode::Check => {
            let old_text = old
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            let name = path.display().to_string();
            let diff = similar::TextDiff::from_lines(old_text.as_ref(), new.as_str())
                .unified_diff()
                .header(&format!("{name} (on disk)"), &format!("{name} (generated)"))
                .to_string();
            Err(error(Kind::Stale {
                missing: old.is_none(),
                diff,
            }))
        }
        Mode::Write => match write_atomic(path, new.as_bytes()) {
            Ok(()) => Ok(Emitted::Written),
            Err(e) => Err(error(Kind::Io("write", e))),
        },
    }
}

pub(crate) fn in_build_script() -> bool {
    ["OUT_DIR", "TARGET", "HOST"]
        .iter()
        .all(|v| std::env::var_os(v).is_some())
}

/// The directory and file name of `path`, as the temporary files are named from them.
fn dir_and_name(path: &Path) -> (&Path, String) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    (dir, name)
}

/// Removes the temporary files of `path` whose writer is gone. A writer killed between
/// creating its file and renaming it (a Ctrl-C during `cargo build`) leaves
/// `.NAME.PID.N.tmp` beside the file, which would then show in `git status`. A process is
/// known to be gone when `/proc/PID` does not exist, so this runs where `/proc` does (Linux);
/// elsewhere nothing is removed. A file of this process, or of any live one, is kept. Failures
/// are ignored: the files are litter, and the write does not depend on them.
fn remove_abandoned(path: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let (dir, name) = dir_and_name(path);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    let own = std::process::id();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(prefix.as_str()))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.split_once('.'))
            .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|(pid, _)| pid.parse::<u32>().ok().filter(|p| p.to_string() == pid))
        else {
            continue;
        };
        if pid != own && !proc.join(pid.to_string()).exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes a temporary file in the same directory (so the rename stays on one file system),
/// then renames it over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, name) = dir_and_name(path);
    let permissions = fs::metadata(path).ok().map(|m| m.permissions());
    let mut attempt = 0;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        if let Some(p) = permissions {
            fs::set_permissions(&tmp, p)?;
        }
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        // The temporary file is ours; a failure to remove it changes nothing for the caller.
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Why [`emit`] failed: the file is stale or missing in check mode (the message holds the
/// diff), or it could not be read or written.
pub struct EmitError {
    path: PathBuf,
    kind: Kind,
}

enum Kind {
    Stale { missing: bool, diff: String },
    Io(&'static str, io::Error),
}

impl EmitError {
    /// What went wrong, in one line: the file is stale or missing in check mode, or an
    /// operation on it failed.
    pub fn message(&self) -> String {
        let path = self.path.display();
        match &self.kind {
            Kind::Stale { missing: true, .. } => format!(
                "`{path}` is missing (check mode: CI or {CHECK_VAR} is set, so it is not written)"
            ),
            Kind::Stale { missing: false, .. } => format!(
                "`{path}` is out of date (check mode: CI or {CHECK_VAR} is set, so it is not written)"
            ),
            Kind::Io(op, e) => format!("cannot {op} `{path}`: {e}"),
        }
    }

    /// How to fix it, when there is a known fix.
    pub fn help(&self) -> Option<String> {
        match &self.kind {
            Kind::Stale { .. } => Some(format!(
                "regenerate it with a build outside CI (or with {CHECK_VAR}=0) and commit it"
            )),
            Kind::Io(..) => None,
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The unified diff from the file on disk to the generated text, in check mode.
    pub fn diff(&self) -> Option<&str> {
        match &self.kind {
            Kind::Stale { diff, .. } => Some(diff),
            Kind::Io(..) => None,
        }
    }
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())?;
        if let Some(help) = self.help() {
            write!(f, "\n  = help: {help}")?;
        }
        if let Some(diff) = self.diff() {
            write!(f, "\n{diff}")?;
        }
        Ok(())
    }
}

/// The same text as `Display`, so that `fn main() -> Result<(), Box<dyn Error>>` in a build
/// script prints the diff readably.
impl fmt::Debug for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for EmitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Io(_, e) => Some(e),
            Kind::Stale { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Mode;

    #[test]
    fn mode_from_variables() {
        assert_eq!(Mode::from_vars(None, None), Mode::Write);
        assert_eq!(Mode::from_vars(None, Some("true")), Mode::Check);
        assert_eq!(Mode::from_vars(None, Some("1")), Mode::Check);
        assert_eq!(Mode::from_vars(None, Some("false")), Mode::Write);
        assert_eq!(Mode::from_vars(None, Some("")), Mode::Write);
        assert_eq!(Mode::from_vars(Some("1"), None), Mode::Check);
        assert_eq!(Mode::from_vars(Some("0"), Some("true")), Mode::Write);
        assert_eq!(Mode::from_vars(Some("false"), Some("true")), Mode::Write);
        assert_eq!(Mode::from_vars(Some(""), Some("true")), Mode::Check);
    }
}
