//! `dockerdsl lock`: write, refresh and check `dockerdsl.lock` from the registries.

use std::path::PathBuf;
use std::process::ExitCode;

use dockerdsl::lock::{self, LOCK_FILE, Lock, Resolver};
use lexopt::prelude::*;

pub(crate) const USAGE: &str = "\
usage: dockerdsl lock [FILE...] [--image IMAGE]... [--lock PATH] [--update | --check]

Pins every image the Dockerfiles FILE... use (FROM, COPY --from, RUN --mount from=, the
# syntax= frontend), and each IMAGE, to the digest its tag points to now, in the lock file
(PATH, default dockerdsl.lock). Without FILE and IMAGE: every image already in the lock.

  (default)  add the images the lock does not have yet; keep every other entry
  --update   also re-resolve the images it has, rewriting only the entries that moved
  --check    change nothing; fail (exit 1), naming each image, when one is missing
             or its tag now points elsewhere

The lock file is written atomically, and only when every image resolved. Credentials come
from the Docker config file (DOCKER_CONFIG, else ~/.docker/config.json).";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Add,
    Update,
    Check,
}

/// The options of `dockerdsl lock`.
pub(crate) struct Args {
    files: Vec<PathBuf>,
    images: Vec<String>,
    lock: PathBuf,
    mode: Mode,
}

/// Reads the arguments after `lock`.
pub(crate) fn args(parser: &mut lexopt::Parser) -> Result<Args, String> {
    let mut out = Args {
        files: Vec::new(),
        images: Vec::new(),
        lock: PathBuf::from(LOCK_FILE),
        mode: Mode::Add,
    };
    let mut mode = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('h') | Long("help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            Long("image") => {
                let v = parser.value().map_err(|e| e.to_string())?;
                out.images.push(
                    v.into_string()
                        .map_err(|_| "--image: not UTF-8".to_owned())?,
                );
            }
            Long("lock") => out.lock = PathBuf::from(parser.value().map_err(|e| e.to_string())?),
            Long(flag @ ("update" | "check")) => {
                let new = if flag == "update" {
                    Mode::Update
                } else {
                    Mode::Check
                };
                if mode.is_some_and(|m| m != new) {
                    return Err(format!(
                        "--update and --check cannot be combined\n\n{USAGE}"
                    ));
                }
                mode = Some(new);
            }
            Value(v) => out.files.push(PathBuf::from(v)),
            other => return Err(format!("{}\n\n{USAGE}", other.unexpected())),
        }
    }
    out.mode = mode.unwrap_or(Mode::Add);
    Ok(out)
}

/// Runs `dockerdsl lock`.
pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    // Every input is read and checked before the first request: a bad file or a corrupt lock
    // costs no network, and nothing is written.
    let shown = args.lock.display().to_string();
    let (mut lock, existed) = match Lock::read(&args.lock) {
        Ok(lock) => (lock, true),
        Err(e) if e.is_not_found() => (Lock::new(), false),
        Err(e) => return Err(e.to_string()),
    };
    let mut images: Vec<String> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for file in &args.files {
        match dockerdsl::parse_file(file) {
            Ok(parsed) => images.extend(lock::images(parsed.dockerfile())),
            Err(errors) => problems.push(format!(
                "cannot read `{}` as a Dockerfile:\n{}",
                file.display(),
                errors
            )),
        }
    }
    for image in &args.images {
        match lock::short_name(image) {
            Ok(name) => images.push(name),
            Err(e) => problems.push(e.to_string()),
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    if args.files.is_empty() && args.images.is_empty() {
        images = lock.images().map(|i| i.name().to_owned()).collect();
    }
    images.sort();
    images.dedup();
    if images.is_empty() {
        println!("nothing to lock: no image given, and `{shown}` has no entry");
        return Ok(ExitCode::SUCCESS);
    }

    let mut resolver = Resolver::new().map_err(|e| e.to_string())?;
    let mut errors: Vec<String> = Vec::new();
    let mut stale: Vec<String> = Vec::new();
    let mut changed = 0usize;
    for image in &images {
        let locked = lock.get(image).cloned();
        match (args.mode, locked) {
            (Mode::Add, Some(_)) => println!("locked   {image}"),
            (Mode::Check, None) => stale.push(format!("{image}: no entry")),
            (Mode::Check, Some(entry)) => match resolver.digest(image) {
                Ok(d) if d == entry.digest() => println!("current  {image}"),
                Ok(d) => stale.push(format!(
                    "{image}: the lock says {}, the tag now points to {d}",
                    entry.digest()
                )),
                Err(e) => errors.push(e.to_string()),
            },
            (Mode::Update, Some(entry)) => match resolver.digest(image) {
                Ok(d) if d == entry.digest() => println!("current  {image}"),
                Ok(_) => match resolver.resolve(image) {
                    Ok(new) => {
                        println!(
                            "updated  {image} {} -> {}{}",
                            entry.digest(),
                            new.digest(),
                            describe(&new)
                        );
                        lock.insert(new);
                        changed += 1;
                    }
                    Err(e) => errors.push(e.to_string()),
                },
                Err(e) => errors.push(e.to_string()),
            },
            (Mode::Add | Mode::Update, None) => match resolver.resolve(image) {
                Ok(new) => {
                    println!("added    {image} {}{}", new.digest(), describe(&new));
                    lock.insert(new);
                    changed += 1;
                }
                Err(e) => errors.push(e.to_string()),
            },
        }
    }
    if !errors.is_empty() {
        let n = errors.len();
        return Err(format!(
            "{n} image{} could not be resolved; `{shown}` is unchanged:\n{}",
            if n == 1 { "" } else { "s" },
            errors.join("\n")
        ));
    }
    if args.mode == Mode::Check {
        if stale.is_empty() {
            println!("`{shown}` pins every image at its current digest");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("dockerdsl: `{shown}` is out of date:");
        for s in &stale {
            eprintln!("  - {s}");
        }
        let mut fix = String::from("dockerdsl lock --update");
        if shown != LOCK_FILE {
            fix.push_str(" --lock ");
            fix.push_str(&shown);
        }
        for file in &args.files {
            fix.push(' ');
            fix.push_str(&file.display().to_string());
        }
        for image in &args.images {
            fix.push_str(" --image ");
            fix.push_str(image);
        }
        eprintln!("  = help: run `{fix}`, review the new digests and commit `{shown}`");
        return Ok(ExitCode::FAILURE);
    }
    if changed > 0 || !existed {
        dockerdsl::emit_with(&args.lock, &lock, dockerdsl::Mode::Write)
            .map_err(|e| e.to_string())?;
        println!(
            "wrote `{shown}` ({changed} entr{} changed)",
            if changed == 1 { "y" } else { "ies" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// ` (index: linux/amd64, linux/arm64)`, or ` (single-platform manifest: linux/amd64)`.
fn describe(image: &lock::LockedImage) -> String {
    let kind = if image.is_index() {
        "index"
    } else {
        "single-platform manifest"
    };
    format!(" ({kind}: {})", image.platforms().join(", "))
}
