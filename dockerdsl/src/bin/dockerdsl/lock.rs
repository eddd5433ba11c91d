//! `dockerdsl lock`: write, refresh and check `dockerdsl.lock` from the registries.

use std::path::PathBuf;

use crate::Exit;
use dockerdsl::lock::{self, LOCK_FILE, Lock, Resolver};

/// Pins every image the Dockerfiles FILE... use (FROM, COPY --from, RUN --mount from=, the
/// `# syntax=` frontend), and each IMAGE, to the digest its tag points to now (the index's for
/// a multi-platform image). Without FILE and IMAGE: every image already in the lock. The lock
/// is written atomically, and only when every image resolved. Credentials come from the Docker
/// config file (DOCKER_CONFIG, else ~/.docker/config.json).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 done (or, with --check, every image pinned at its \
                        current digest); 1 --check found an image missing or moved; 2 a file or \
                        the lock cannot be read, or an image cannot be resolved (the lock is \
                        then unchanged)."
)]
pub(crate) struct Args {
    /// Dockerfiles whose images to pin.
    files: Vec<PathBuf>,
    /// An image to pin (repeatable), such as `alpine:3.20`.
    #[arg(long = "image", value_name = "IMAGE")]
    images: Vec<String>,
    /// The lock file.
    #[arg(long, value_name = "PATH", default_value = LOCK_FILE)]
    lock: PathBuf,
    /// Also re-resolve the images the lock has, rewriting only the entries that moved.
    #[arg(long, conflicts_with = "check")]
    update: bool,
    /// Change nothing; exit 1, naming each image, when one is missing or its tag moved.
    #[arg(long)]
    check: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Add,
    Update,
    Check,
}

/// Runs `dockerdsl lock`.
pub(crate) fn run(args: &Args) -> Exit {
    match lock_images(args) {
        Ok(exit) => exit,
        Err(message) => {
            eprintln!("dockerdsl: {message}");
            Exit::Broken
        }
    }
}

fn lock_images(args: &Args) -> Result<Exit, String> {
    let mode = if args.check {
        Mode::Check
    } else if args.update {
        Mode::Update
    } else {
        Mode::Add
    };
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
        // The syntax tree, not the typed model: every file BuildKit builds has its images
        // pinned, also one the model cannot hold (two stages of one name).
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                problems.push(format!("cannot read `{}`: {e}", file.display()));
                continue;
            }
        };
        match lock::images_text(&text) {
            Ok(found) => images.extend(found),
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
        return Ok(Exit::Clean);
    }

    let mut resolver = Resolver::new().map_err(|e| e.to_string())?;
    let mut errors: Vec<String> = Vec::new();
    let mut stale: Vec<String> = Vec::new();
    let mut changed = 0usize;
    for image in &images {
        let locked = lock.get(image).cloned();
        match (mode, locked) {
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
    if mode == Mode::Check {
        if stale.is_empty() {
            println!("`{shown}` pins every image at its current digest");
            return Ok(Exit::Clean);
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
        return Ok(Exit::Findings);
    }
    if changed > 0 || !existed {
        dockerdsl::emit_with(&args.lock, &lock, dockerdsl::Mode::Write)
            .map_err(|e| e.to_string())?;
        println!(
            "wrote `{shown}` ({changed} entr{} changed)",
            if changed == 1 { "y" } else { "ies" }
        );
    }
    Ok(Exit::Clean)
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
