//! What `check` and `fmt` read: files named on the command line, the Dockerfiles found in
//! folders named on it, or standard input.
//!
//! A folder is walked with the `ignore` crate, as ripgrep walks one: files and folders that a
//! `.gitignore` (in a git repository or not), an `.ignore` or `.git/info/exclude` excludes are
//! skipped, and so are hidden ones (a name starting with `.`). The user's global git excludes
//! are not read, so that the same tree gives the same files on every machine. Symbolic links
//! are not followed. The files found in one folder come sorted by path; folders and files
//! named on the command line keep their order.
//!
//! In a folder, a file is a Dockerfile when its name is one ([`is_dockerfile_name`]); a file
//! named on the command line is read whatever its name.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// One text to read as a Dockerfile.
#[derive(Debug)]
pub(crate) struct Input {
    /// How messages name it: the path as given or found, without a leading `./`, or
    /// `<stdin>`.
    pub(crate) name: String,
    /// The file, `None` for standard input.
    pub(crate) path: Option<PathBuf>,
    pub(crate) text: String,
}

/// Whether a file found in a folder is taken for a Dockerfile: `Dockerfile` and `dockerfile`
/// (BuildKit's default name and its fallback), `Containerfile`; a variant `Dockerfile.dev`;
/// `api.Dockerfile` and `api.dockerfile`; and `Dockerfile` as the last word of a name after
/// `-`, `_` or `.`, with or without a variant (`api-Dockerfile`, `api_Dockerfile.debug`).
/// Ignore files (`Dockerfile.dockerignore`) are not Dockerfiles.
pub(crate) fn is_dockerfile_name(name: &str) -> bool {
    if name.ends_with(".dockerignore") || name.ends_with(".containerignore") {
        return false;
    }
    if name == "dockerfile" || name.ends_with(".Dockerfile") || name.ends_with(".dockerfile") {
        return true;
    }
    ["Dockerfile", "Containerfile"].iter().any(|word| {
        name.match_indices(word).any(|(at, _)| {
            let before = name[..at].chars().next_back();
            let after = name[at + word.len()..].chars().next();
            matches!(before, None | Some('.' | '-' | '_')) && matches!(after, None | Some('.'))
        })
    })
}

/// Every input the command line names, in order; the problems (a path that does not exist,
/// a file that cannot be read or is not UTF-8) as messages, all of them.
pub(crate) fn gather(paths: &[PathBuf]) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    if paths.is_empty() {
        match read_stdin() {
            Ok(text) => inputs.push(Input {
                name: "<stdin>".into(),
                path: None,
                text,
            }),
            Err(e) => problems.push(e),
        }
        return (inputs, problems);
    }
    for path in paths {
        if path.as_os_str() == "-" {
            match read_stdin() {
                Ok(text) => inputs.push(Input {
                    name: "<stdin>".into(),
                    path: None,
                    text,
                }),
                Err(e) => problems.push(e),
            }
        } else if path.is_dir() {
            let (found, walk_problems) = walk(path);
            problems.extend(walk_problems);
            if found.is_empty() {
                problems.push(format!(
                    "no Dockerfile in {} (looked for Dockerfile, Dockerfile.*, *.Dockerfile, \
                     *.dockerfile, *-Dockerfile, *_Dockerfile and Containerfile, outside \
                     hidden and git-ignored folders; name a file to check it whatever its name)",
                    path.display()
                ));
            }
            for file in found {
                read_into(&file, &mut inputs, &mut problems);
            }
        } else {
            read_into(path, &mut inputs, &mut problems);
        }
    }
    (inputs, problems)
}

fn read_into(path: &Path, inputs: &mut Vec<Input>, problems: &mut Vec<String>) {
    match read(path) {
        Ok(text) => inputs.push(Input {
            name: display(path),
            path: Some(path.to_owned()),
            text,
        }),
        Err(e) => problems.push(e),
    }
}

/// The Dockerfiles under `dir`, sorted.
fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<String>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && entry.file_name().to_str().is_some_and(is_dockerfile_name) {
                    found.push(entry.into_path());
                }
            }
            Err(e) => problems.push(format!("cannot search {}: {e}", dir.display())),
        }
    }
    found.sort();
    (found, problems)
}

/// The path as messages show it: without a leading `./`.
pub(crate) fn display(path: &Path) -> String {
    let mut parts: Vec<Component<'_>> = path.components().collect();
    if parts.len() > 1 && parts[0] == Component::CurDir {
        parts.remove(0);
    }
    parts.iter().collect::<PathBuf>().display().to_string()
}

/// A file's text, which must be UTF-8.
pub(crate) fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    utf8(bytes, &path.display().to_string())
}

/// The file's text for a command that reads one file; when it cannot be read, the reason is
/// said on stderr and the command's exit is returned instead.
pub(crate) fn read_or_report(path: &Path) -> Result<String, crate::Exit> {
    read(path).map_err(|e| {
        eprintln!("dockerdsl: {e}");
        crate::Exit::Broken
    })
}

/// Standard input's text, which must be UTF-8.
pub(crate) fn read_stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    utf8(bytes, "standard input")
}

fn utf8(bytes: Vec<u8>, name: &str) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        format!("{name}:{line}: not valid UTF-8; save the Dockerfile as UTF-8")
    })
}

/// The ignore file BuildKit would use for `file` as the Dockerfile of its own folder's
/// context: `FILE.dockerignore` beside it first, then that folder's `.dockerignore`.
/// Its path (as [`display`] shows it) and text.
pub(crate) fn dockerignore_of(file: &Path) -> Result<Option<(String, String)>, String> {
    let mut specific = file.as_os_str().to_owned();
    specific.push(OsStr::new(".dockerignore"));
    let folder = file.parent().unwrap_or(Path::new("."));
    for candidate in [PathBuf::from(specific), folder.join(".dockerignore")] {
        if candidate.is_file() {
            return read(&candidate).map(|text| Some((display(&candidate), text)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::{display, is_dockerfile_name};
    use std::path::Path;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "api.dockerfile",
            "api-Dockerfile",
            "owner__repo__Dockerfile",
            "owner__repo__Dockerfile.debug",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.dockerignore",
            ".dockerignore",
            "dockerfile.go",
            "dockerfile_test.go",
            "MyDockerfile",
            "Dockerfiles",
            "README.md",
            "docker-compose.yml",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn display_drops_a_leading_dot() {
        assert_eq!(display(Path::new("./a/Dockerfile")), "a/Dockerfile");
        assert_eq!(display(Path::new("a/./Dockerfile")), "a/Dockerfile");
        assert_eq!(display(Path::new(".")), ".");
        assert_eq!(display(Path::new("/abs/Dockerfile")), "/abs/Dockerfile");
    }
}
