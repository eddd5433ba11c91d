//! The lock file: every image a Dockerfile uses, pinned to the digest of its multi-platform
//! index, read offline by build scripts.
//!
//! `dockerdsl.lock` maps each image reference (`FROM`, `COPY --from`, `RUN --mount=...,from=`,
//! the `# syntax=` frontend) to the digest its tag pointed to when the lock was written, and
//! the platforms that digest covers. Reading it and rendering pinned output needs no network:
//! that is what a build script does ([`Lock::read`], [`Lock::pin`]). Refreshing it from the
//! registries is a separate step, `dockerdsl lock` (the `cli` feature), or `Resolver` with the
//! `lock-resolve` feature.
//!
//! ```
//! use dockerdsl::lock::Lock;
//! use dockerdsl::{Dockerfile, Stage};
//!
//! let lock = Lock::parse(
//!     r#"version = 1
//!
//! [[image]]
//! name = "alpine:3.20"
//! digest = "sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d"
//! media-type = "application/vnd.oci.image.index.v1+json"
//! platforms = ["linux/amd64", "linux/arm64/v8"]
//!
//! [[image]]
//! name = "docker/dockerfile:1"
//! digest = "sha256:4c68376a702446fc3c79af22de146a148bc3367e73c25a5803d453b6b3f722fb"
//! media-type = "application/vnd.oci.image.index.v1+json"
//! platforms = ["linux/amd64", "linux/arm64"]
//! "#,
//! )?;
//! let app = Stage::from_image("app", "alpine:3.20").cmd(["/app"]);
//! let pinned = lock.pin(&Dockerfile::new(&app)?)?.to_string();
//! assert!(pinned.starts_with("# syntax=docker/dockerfile:1@sha256:4c68376a"));
//! assert!(pinned.contains(
//!     "\nFROM alpine:3.20@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d AS app\n"
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The file
//!
//! A small, fixed subset of TOML, written the same way every time (entries sorted by name,
//! one field per line), so that a change shows as a short diff and Renovate's regex manager
//! can update it:
//!
//! ```toml
//! # dockerdsl.lock: the digest of every image the Dockerfiles use.
//! version = 1
//!
//! [[image]]
//! name = "alpine:3.20"
//! digest = "sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d"
//! media-type = "application/vnd.oci.image.index.v1+json"
//! platforms = ["linux/amd64", "linux/arm64/v8"]
//! ```
//!
//! `name` is the reference in Docker's short form with its tag (`alpine:3.20` is
//! `docker.io/library/alpine:3.20`; `alpine` is `alpine:latest`), so every spelling of one
//! image shares one entry. `digest` is the digest of what the tag points to: for a
//! multi-platform image, the index (or Docker manifest list), never one platform's manifest,
//! so the pinned reference still builds on every platform. `media-type` says which it is, and
//! `platforms` lists the platforms it covers (informational; [`Lock::pin`] checks a stage's
//! literal `--platform` against it).

#[cfg(feature = "lock-resolve")]
mod resolve;

#[cfg(feature = "lock-resolve")]
pub use resolve::{DockerConfig, ResolveError, Resolver};

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::model::dockerfile::{Dockerfile, Syntax};
use crate::model::source::Source;
use crate::model::stage::Base;

/// The default file name, next to `Cargo.toml` or wherever `dockerdsl lock` runs.
pub const LOCK_FILE: &str = "dockerdsl.lock";

/// The format's version, the first field of the file.
const VERSION: u32 = 1;

/// The media type of an OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// The media type of a Docker manifest list (Docker's multi-platform index).
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// The media type of an OCI image manifest (one platform).
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// The media type of a Docker image manifest, schema 2 (one platform).
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// One pinned image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedImage {
    name: String,
    digest: String,
    media_type: String,
    platforms: Vec<String>,
}

impl LockedImage {
    /// An entry for `image` (any spelling; kept in Docker's short form with its tag). The
    /// digest must be `sha256:` and 64 lower-case hex digits; platforms are sorted.
    pub fn new(
        image: &str,
        digest: &str,
        media_type: &str,
        platforms: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<LockedImage, LockError> {
        let name = match ImageName::parse(image) {
            Ok(n) => n.short(),
            Err(why) => return Err(LockError::invalid(image, why)),
        };
        if !valid_digest(digest) {
            return Err(LockError::invalid(
                image,
                format!(
                    "`{digest}` is not a sha256 digest (`sha256:` and 64 lower-case hex digits)"
                ),
            ));
        }
        if !media_type_ok(media_type) {
            return Err(LockError::invalid(
                image,
                format!("`{media_type}` is not a manifest media type dockerdsl knows"),
            ));
        }
        let mut platforms: Vec<String> = platforms.into_iter().map(Into::into).collect();
        platforms.sort();
        platforms.dedup();
        if let Some(bad) = platforms.iter().find(|p| !platform_ok(p)) {
            return Err(LockError::invalid(
                image,
                format!("`{bad}` is not a platform (`os/arch[/variant]`)"),
            ));
        }
        Ok(LockedImage {
            name,
            digest: digest.to_owned(),
            media_type: media_type.to_owned(),
            platforms,
        })
    }

    /// The image in Docker's short form with its tag: `alpine:3.20`, `ghcr.io/org/app:1`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `sha256:...`: what the tag pointed to when the entry was written.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The manifest's media type: an index ([`OCI_INDEX`], [`DOCKER_MANIFEST_LIST`]) or a
    /// single-platform manifest ([`OCI_MANIFEST`], [`DOCKER_MANIFEST`]).
    pub fn media_type(&self) -> &str {
        &self.media_type
    }

    /// Whether the digest is a multi-platform index rather than one platform's manifest.
    pub fn is_index(&self) -> bool {
        matches!(self.media_type.as_str(), OCI_INDEX | DOCKER_MANIFEST_LIST)
    }

    /// The platforms the digest covers (`linux/amd64`, `linux/arm64/v8`), sorted.
    pub fn platforms(&self) -> &[String] {
        &self.platforms
    }
}

/// A lock file: image name to [`LockedImage`], sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    images: BTreeMap<String, LockedImage>,
    /// Where it was read from, for the fixing command in errors.
    path: Option<PathBuf>,
}

impl Lock {
    /// An empty lock.
    pub fn new() -> Lock {
        Lock::default()
    }

    /// Reads and checks a lock file. In a build script (Cargo sets `OUT_DIR`, `TARGET` and
    /// `HOST`) it also prints `cargo:rerun-if-changed=<path>`, so that a refreshed lock
    /// regenerates the pinned output. A missing file is an error whose help is the command
    /// that writes it.
    pub fn read(path: impl AsRef<Path>) -> Result<Lock, LockError> {
        let path = path.as_ref();
        if crate::emit::in_build_script() {
            let shown = path.display().to_string();
            if !shown.contains(['\n', '\r']) {
                println!("cargo:rerun-if-changed={shown}");
            }
        }
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| LockError {
                path: Some(path.to_owned()),
                kind: ErrorKind::Corrupt(vec![(0, "it is not UTF-8 text".into())]),
            })?,
            Err(e) => {
                return Err(LockError {
                    path: Some(path.to_owned()),
                    kind: ErrorKind::Io(e),
                });
            }
        };
        let mut lock = Lock::parse(&text).map_err(|mut e| {
            e.path = Some(path.to_owned());
            e
        })?;
        lock.path = Some(path.to_owned());
        Ok(lock)
    }

    /// Parses the text of a lock file, reporting every problem with its line.
    pub fn parse(text: &str) -> Result<Lock, LockError> {
        parse(text).map_err(|problems| LockError {
            path: None,
            kind: ErrorKind::Corrupt(problems),
        })
    }

    /// The file this lock was read from, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The entry for `image` (any spelling: `alpine:3.20`, `docker.io/library/alpine:3.20`
    /// and `alpine:3.20@sha256:...` find the same one).
    pub fn get(&self, image: &str) -> Option<&LockedImage> {
        let key = ImageName::parse(image).ok()?.short();
        self.images.get(&key)
    }

    /// Adds or replaces an entry; returns the one it replaced.
    pub fn insert(&mut self, image: LockedImage) -> Option<LockedImage> {
        self.images.insert(image.name.clone(), image)
    }

    /// Removes the entry for `image`.
    pub fn remove(&mut self, image: &str) -> Option<LockedImage> {
        let key = ImageName::parse(image).ok()?.short();
        self.images.remove(&key)
    }

    /// The entries, sorted by name.
    pub fn images(&self) -> impl Iterator<Item = &LockedImage> {
        self.images.values()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.images.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }

    /// `image` pinned: `alpine:3.20` becomes `alpine:3.20@sha256:...` (the reference as
    /// written, tag kept for the reader). A reference that already has a digest is returned as
    /// it is when the lock agrees or has no entry; templated references (`golang:${GO}`) are
    /// returned as they are (nothing can be locked for them).
    pub fn pin_image(&self, image: &str) -> Result<String, LockError> {
        let mut problems = Problems::default();
        let pinned = self.pin_one(image, None, &mut problems);
        problems.into_result(self)?;
        Ok(pinned.unwrap_or_else(|| image.to_owned()))
    }

    /// The Dockerfile rendered with every image pinned to its locked digest: `FROM`,
    /// `COPY --from`, `RUN --mount=...,from=` (also under `ONBUILD`) and the `# syntax=`
    /// frontend. Fails, listing every image concerned and the command that fixes the lock,
    /// when an image has no entry, when a digest written in the Dockerfile differs from the
    /// locked one, or when a stage's literal `--platform` is not among the locked platforms.
    ///
    /// In a build script: `dockerdsl::emit("Dockerfile", &lock.pin(&dockerfile)?)?`.
    pub fn pin<'d>(&self, dockerfile: &'d Dockerfile) -> Result<Pinned<'d>, LockError> {
        let mut problems = Problems::default();
        let mut pins = BTreeMap::new();
        for used in uses(dockerfile) {
            if let Some(p) = self.pin_one(&used.image, used.platform.as_deref(), &mut problems) {
                pins.insert(used.image, p);
            }
        }
        problems.into_result(self)?;
        Ok(Pinned { dockerfile, pins })
    }

    /// Every Dockerfile of a Bake plan pinned, with the path its targets read it from
    /// ([`Plan::dockerfiles`](crate::bake::Plan::dockerfiles)): a build script emits each.
    /// One error lists every image of every Dockerfile the lock does not pin, and also an
    /// image whose locked platforms miss a platform a target builds for (when its stage has no
    /// `--platform` of its own). Named contexts of the plan (`docker-image://`) are not pinned.
    ///
    /// ```
    /// use dockerdsl::bake::{Plan, Target};
    /// use dockerdsl::lock::{Lock, LockedImage, OCI_INDEX};
    /// use dockerdsl::{Dockerfile, Stage, Syntax};
    ///
    /// let digest = format!("sha256:{}", "a".repeat(64));
    /// let mut lock = Lock::new();
    /// lock.insert(LockedImage::new("alpine:3.20", &digest, OCI_INDEX, ["linux/amd64"])?);
    /// let app = Stage::from_image("app", "alpine:3.20");
    /// let df = Dockerfile::builder().syntax(Syntax::Omitted).target(&app).build()?;
    /// let target = Target::new("app", &df, &app).platform("linux/amd64");
    /// let plan = Plan::builder().target(target.clone()).build()?;
    /// let files = lock.pin_plan(&plan)?;
    /// assert_eq!(files[0].0, "Dockerfile");
    /// assert!(files[0].1.to_string().contains(&format!("FROM alpine:3.20@{digest} AS app")));
    ///
    /// let plan = Plan::builder().target(target.platform("linux/arm64")).build()?;
    /// let err = lock.pin_plan(&plan).unwrap_err();
    /// assert!(err.to_string().contains(
    ///     "  - alpine:3.20: a stage is built for linux/arm64, which the locked digest does not cover (linux/amd64)\n"
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pin_plan<'p>(
        &self,
        plan: &'p crate::bake::Plan,
    ) -> Result<Vec<(String, Pinned<'p>)>, LockError> {
        let mut problems = Problems::default();
        for target in plan.targets() {
            for used in uses(target.dockerfile()) {
                if used.platform.is_none() && used.from {
                    for p in target.get_platforms() {
                        if !p.as_str().contains('$') {
                            self.pin_one(&used.image, Some(p.as_str()), &mut problems);
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (path, dockerfile) in plan.dockerfiles() {
            let mut pins = BTreeMap::new();
            for used in uses(dockerfile) {
                if let Some(p) = self.pin_one(&used.image, used.platform.as_deref(), &mut problems)
                {
                    pins.insert(used.image, p);
                }
            }
            out.push((path, Pinned { dockerfile, pins }));
        }
        problems.into_result(self)?;
        Ok(out)
    }

    fn pin_one(
        &self,
        image: &str,
        platform: Option<&str>,
        problems: &mut Problems,
    ) -> Option<String> {
        let Ok(name) = ImageName::parse(image) else {
            // Templated or not a reference: BuildKit substitutes it; nothing to pin.
            return None;
        };
        let key = name.short();
        let Some(entry) = self.images.get(&key) else {
            if name.digest.is_none() {
                problems.missing.push(key);
            }
            return None;
        };
        if let Some(written) = &name.digest {
            if *written != entry.digest {
                problems
                    .conflict
                    .push((key.clone(), written.clone(), entry.digest.clone()));
            }
            return None;
        }
        if let Some(p) = platform {
            if !entry.platforms.is_empty() && !covers(&entry.platforms, p) {
                problems
                    .platform
                    .push((key.clone(), p.to_owned(), entry.platforms.join(", ")));
            }
        }
        Some(format!("{image}@{}", entry.digest))
    }
}

/// Whether `wanted` (`linux/arm64`) is among `platforms`, reading `linux/arm64` and
/// `linux/arm64/v8` as the same platform, as BuildKit does.
fn covers(platforms: &[String], wanted: &str) -> bool {
    let norm = |p: &str| match p {
        "linux/arm64/v8" => "linux/arm64".to_owned(),
        "linux/amd64/v1" => "linux/amd64".to_owned(),
        other => other.to_owned(),
    };
    let wanted = norm(wanted);
    platforms.iter().any(|p| norm(p) == wanted)
}

/// The file's text: the same entries give the same bytes.
impl fmt::Display for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "# dockerdsl.lock: the digest of every image the Dockerfiles use, read offline by builds.\n\
             # Written by `dockerdsl lock`; refresh with `dockerdsl lock --update`, check with\n\
             # `dockerdsl lock --check`.\n",
        )?;
        writeln!(f, "version = {VERSION}")?;
        for image in self.images.values() {
            writeln!(f)?;
            writeln!(f, "[[image]]")?;
            writeln!(f, "name = {}", quote(&image.name))?;
            writeln!(f, "digest = {}", quote(&image.digest))?;
            writeln!(f, "media-type = {}", quote(&image.media_type))?;
            let platforms: Vec<String> = image.platforms.iter().map(|p| quote(p)).collect();
            writeln!(f, "platforms = [{}]", platforms.join(", "))?;
        }
        Ok(())
    }
}

/// Every value the lock holds is checked to be plain ASCII without quotes or backslashes,
/// so quoting is putting it between double quotes.
fn quote(s: &str) -> String {
    format!("\"{s}\"")
}

/// A [`Dockerfile`] rendered with the images pinned ([`Lock::pin`]).
#[derive(Debug, Clone)]
pub struct Pinned<'d> {
    dockerfile: &'d Dockerfile,
    pins: BTreeMap<String, String>,
}

impl Pinned<'_> {
    /// Each image as written and its pinned reference, sorted.
    pub fn images(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pins.iter().map(|(a, b)| (a.as_str(), b.as_str()))
    }
}

impl fmt::Display for Pinned<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::render::pinned_dockerfile(self.dockerfile, &self.pins, f)
    }
}

/// One use of an image in a Dockerfile.
struct Use {
    image: String,
    /// The stage's literal `--platform`, for a `FROM`.
    platform: Option<String>,
    /// Whether it is a stage's base (`FROM`).
    from: bool,
}

/// The images a Dockerfile uses, in order: the frontend, then each stage's base and the
/// images its instructions take files from.
fn uses(df: &Dockerfile) -> Vec<Use> {
    let mut out = Vec::new();
    if let Some(frontend) = frontend(&df.syntax()) {
        out.push(Use {
            image: frontend,
            platform: None,
            from: false,
        });
    }
    for stage in df.stages() {
        if let Base::Image(image) = stage.base() {
            let platform = stage
                .platform()
                .map(|p| p.as_str().to_owned())
                .filter(|p| !p.contains('$'));
            out.push(Use {
                image: image.as_str().to_owned(),
                platform,
                from: true,
            });
        }
        for instruction in stage.instructions() {
            for source in instruction.sources() {
                if let Source::Image(image) = source {
                    out.push(Use {
                        image: image.as_str().to_owned(),
                        platform: None,
                        from: false,
                    });
                }
            }
        }
    }
    out
}

/// The frontend image the `# syntax=` line names.
pub(crate) fn frontend(syntax: &Syntax) -> Option<String> {
    match syntax {
        Syntax::Stable => Some("docker/dockerfile:1".to_owned()),
        Syntax::Minor(n) => Some(format!("docker/dockerfile:1.{n}")),
        Syntax::Frontend(image) => Some(image.clone()),
        Syntax::Omitted => None,
    }
}

/// The images of `dockerfile` a lock can pin, each once in Docker's short form with its tag
/// (`alpine:3.20`), sorted: what `dockerdsl lock` resolves for it. Templated references
/// (`golang:${GO}`) and references written with a digest only are left out.
///
/// ```
/// use dockerdsl::{Dockerfile, Source, Stage};
///
/// let build = Stage::from_image("build", "docker.io/library/golang:1.23-alpine");
/// let app = Stage::from_image("app", "alpine")
///     .copy_from(&build, "/go/bin/app", "/app")
///     .copy_from(Source::image("ghcr.io/org/tools:2"), "/bin/tool", "/tool");
/// assert_eq!(
///     dockerdsl::lock::images(&Dockerfile::new(&app)?),
///     ["alpine:latest", "docker/dockerfile:1", "ghcr.io/org/tools:2", "golang:1.23-alpine"],
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
pub fn images(dockerfile: &Dockerfile) -> Vec<String> {
    let mut names: Vec<String> = uses(dockerfile)
        .iter()
        .filter_map(|u| ImageName::parse(&u.image).ok())
        .map(|n| n.short())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The images of the Dockerfile `text` a lock can pin, as [`images`] gives them for a typed
/// one: what `dockerdsl lock FILE` resolves. Read from the syntax tree, not the typed model,
/// so every file BuildKit builds is read (two stages of one name, a stage named `context`,
/// which the model cannot hold); which words are stages and which are images is the
/// graph's resolution ([`crate::graph::mermaid_text`]), and a file it refuses (as BuildKit
/// does) is refused, with every problem.
///
/// A `FROM` word with variables is resolved as a build without `--build-arg` resolves it,
/// with the global `ARG`s' defaults: `ARG BASE=alpine:3.20` / `FROM ${BASE}` pins
/// `alpine:3.20`. A word whose value only the build gives (`ARG BASE` without a default, a
/// platform argument such as `${TARGETARCH}`) is left out: pin the images a build will pass
/// with `--image`.
///
/// ```
/// let text = "# syntax=docker/dockerfile:1\n\
///             ARG GO=1.23\n\
///             ARG BASE\n\
///             FROM golang:${GO} AS build\n\
///             FROM alpine:3.20 AS build\n\
///             FROM ${BASE} AS app\n\
///             COPY --from=build /a /a\n\
///             COPY --from=ghcr.io/org/tools:2 /bin/tool /tool\n";
/// // Two stages of one name: the typed model refuses it, BuildKit builds it.
/// assert!(dockerdsl::parse(text).is_err());
/// assert_eq!(
///     dockerdsl::lock::images_text(text)?,
///     ["alpine:3.20", "docker/dockerfile:1", "ghcr.io/org/tools:2", "golang:1.23"],
/// );
/// // BuildKit's parser takes an indented `# syntax=` line as a directive; its frontend,
/// // which picks the frontend image, does not read it.
/// let indented = "  # syntax=docker/dockerfile:1\nFROM alpine:3.20\n";
/// assert_eq!(dockerdsl::lock::images_text(indented)?, ["alpine:3.20"]);
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
pub fn images_text(text: &str) -> Result<Vec<String>, crate::syntax::ParseErrors> {
    let images = crate::graph::images_text(text)?;
    // Where BuildKit's frontend finds it: not an indented line, which the parser takes as
    // a directive and the frontend does not read.
    let frontend = crate::rules::frontend_directive(text, "syntax")
        .and_then(|(_, value)| frontend(&crate::parse::syntax_of(value)));
    let mut names: Vec<String> = frontend
        .iter()
        .chain(&images)
        .filter_map(|image| ImageName::parse(image).ok())
        .map(|n| n.short())
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// `image` in Docker's short form with its tag, the name of its lock entry: `alpine` is
/// `alpine:latest`, `docker.io/library/alpine:3.20@sha256:...` is `alpine:3.20`,
/// `ghcr.io/org/app:1` stays as it is.
///
/// ```
/// assert_eq!(dockerdsl::lock::short_name("docker.io/library/alpine")?, "alpine:latest");
/// assert!(dockerdsl::lock::short_name("golang:${GO}").is_err());
/// # Ok::<(), dockerdsl::lock::LockError>(())
/// ```
pub fn short_name(image: &str) -> Result<String, LockError> {
    ImageName::parse(image)
        .map(|n| n.short())
        .map_err(|why| LockError::invalid(image, why))
}

/// A reference as a registry sees it: `docker.io`, `library/alpine`, `3.20`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageName {
    /// `docker.io` for Docker Hub, whatever spelling was used.
    pub(crate) registry: String,
    /// With `library/` for Docker Hub's official images.
    pub(crate) repository: String,
    /// `latest` when none was written.
    pub(crate) tag: String,
    /// The digest written in the reference, if any.
    pub(crate) digest: Option<String>,
}

impl ImageName {
    /// Parses a reference the way Docker normalises it: `alpine` is
    /// `docker.io/library/alpine:latest`. Templated references and digest-only ones are
    /// refused (there is no tag to lock).
    pub(crate) fn parse(image: &str) -> Result<ImageName, String> {
        let parts = crate::rules::image(image).map_err(|e| e.message)?;
        if image.contains('$') {
            return Err(format!(
                "`{image}` has variables: BuildKit substitutes them, so it cannot be locked"
            ));
        }
        if parts.tag.is_none() && parts.digest.is_some() {
            return Err(format!(
                "`{image}` is pinned to a digest already and has no tag to lock"
            ));
        }
        if parts.digest.is_some_and(|d| !valid_digest(d)) {
            return Err(format!("`{image}`: only sha256 digests can be locked"));
        }
        let registry = match parts.registry {
            None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io") => {
                "docker.io".to_owned()
            }
            Some(r) => r.to_owned(),
        };
        let repository = if registry == "docker.io" && !parts.repository.contains('/') {
            format!("library/{}", parts.repository)
        } else {
            parts.repository.to_owned()
        };
        Ok(ImageName {
            registry,
            repository,
            tag: parts.tag.unwrap_or("latest").to_owned(),
            digest: parts.digest.map(str::to_owned),
        })
    }

    /// Docker's short form with the tag: `alpine:3.20`, `org/app:1`, `ghcr.io/org/app:1`.
    pub(crate) fn short(&self) -> String {
        if self.registry == "docker.io" {
            let repo = self
                .repository
                .strip_prefix("library/")
                .filter(|r| !r.contains('/'))
                .unwrap_or(&self.repository);
            format!("{repo}:{}", self.tag)
        } else {
            format!("{}/{}:{}", self.registry, self.repository, self.tag)
        }
    }
}

impl fmt::Display for ImageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}:{}", self.registry, self.repository, self.tag)
    }
}

pub(crate) fn valid_digest(d: &str) -> bool {
    d.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn media_type_ok(m: &str) -> bool {
    matches!(
        m,
        OCI_INDEX | DOCKER_MANIFEST_LIST | OCI_MANIFEST | DOCKER_MANIFEST
    )
}

fn platform_ok(p: &str) -> bool {
    let parts: Vec<&str> = p.split('/').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        })
}

/// What [`Lock::pin`] found wrong, all of it.
#[derive(Default)]
struct Problems {
    missing: Vec<String>,
    conflict: Vec<(String, String, String)>,
    platform: Vec<(String, String, String)>,
}

impl Problems {
    fn into_result(mut self, lock: &Lock) -> Result<(), LockError> {
        if self.missing.is_empty() && self.conflict.is_empty() && self.platform.is_empty() {
            return Ok(());
        }
        self.missing.sort();
        self.missing.dedup();
        self.conflict.sort();
        self.conflict.dedup();
        self.platform.sort();
        self.platform.dedup();
        Err(LockError {
            path: lock.path.clone(),
            kind: ErrorKind::Unpinned {
                missing: self.missing,
                conflict: self.conflict,
                platform: self.platform,
            },
        })
    }
}

/// Why a lock could not be read or could not pin a Dockerfile.
pub struct LockError {
    path: Option<PathBuf>,
    kind: ErrorKind,
}

enum ErrorKind {
    Io(io::Error),
    /// Line (1-based, 0 for the whole file) and what is wrong there.
    Corrupt(Vec<(usize, String)>),
    Invalid {
        image: String,
        why: String,
    },
    Unpinned {
        missing: Vec<String>,
        /// Image, digest written in the Dockerfile, locked digest.
        conflict: Vec<(String, String, String)>,
        /// Image, platform asked for, locked platforms.
        platform: Vec<(String, String, String)>,
    },
}

impl LockError {
    fn invalid(image: &str, why: impl Into<String>) -> LockError {
        LockError {
            path: None,
            kind: ErrorKind::Invalid {
                image: image.to_owned(),
                why: why.into(),
            },
        }
    }

    /// Whether the lock file does not exist (the first `dockerdsl lock` writes it).
    pub fn is_not_found(&self) -> bool {
        matches!(&self.kind, ErrorKind::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }

    /// The lock file, when the lock was read from one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The images the lock does not pin (no entry, another digest, a platform it does not
    /// cover), in Docker's short form, sorted.
    pub fn images(&self) -> Vec<&str> {
        let mut out: Vec<&str> = match &self.kind {
            ErrorKind::Unpinned {
                missing,
                conflict,
                platform,
            } => missing
                .iter()
                .map(String::as_str)
                .chain(conflict.iter().map(|c| c.0.as_str()))
                .chain(platform.iter().map(|p| p.0.as_str()))
                .collect(),
            ErrorKind::Invalid { image, .. } => vec![image.as_str()],
            _ => Vec::new(),
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    fn shown_path(&self) -> String {
        self.path
            .as_deref()
            .map_or_else(|| LOCK_FILE.to_owned(), |p| p.display().to_string())
    }

    /// The `dockerdsl lock` command that refreshes the lock for `images`.
    fn command(&self, images: &[&str], update: bool) -> String {
        let mut cmd = String::from("dockerdsl lock");
        if update {
            cmd.push_str(" --update");
        }
        let path = self.shown_path();
        if path != LOCK_FILE {
            cmd.push_str(" --lock ");
            cmd.push_str(&path);
        }
        for image in images {
            cmd.push_str(" --image ");
            cmd.push_str(image);
        }
        cmd
    }
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.shown_path();
        match &self.kind {
            ErrorKind::Io(e) if e.kind() == io::ErrorKind::NotFound => write!(
                f,
                "the lock file `{path}` does not exist\n  = help: write it with `{}` (needs the network), then commit it",
                self.command(&[], false).replace(" lock", " lock FILE...")
            ),
            ErrorKind::Io(e) => write!(f, "cannot read the lock file `{path}`: {e}"),
            ErrorKind::Corrupt(problems) => {
                write!(f, "the lock file `{path}` is not valid:")?;
                for (line, why) in problems {
                    if *line == 0 {
                        write!(f, "\n  {why}")?;
                    } else {
                        write!(f, "\n  line {line}: {why}")?;
                    }
                }
                write!(
                    f,
                    "\n  = help: restore it from version control, or delete it and write it again with `dockerdsl lock FILE...`"
                )
            }
            ErrorKind::Invalid { image, why } => write!(f, "cannot lock `{image}`: {why}"),
            ErrorKind::Unpinned {
                missing,
                conflict,
                platform,
            } => {
                let images = self.images();
                let n = images.len();
                write!(
                    f,
                    "the lock file `{path}` does not pin {n} image{} of the Dockerfile:",
                    if n == 1 { "" } else { "s" }
                )?;
                for m in missing {
                    write!(f, "\n  - {m}: no entry")?;
                }
                for (image, written, locked) in conflict {
                    write!(
                        f,
                        "\n  - {image}: the Dockerfile says {written}, the lock says {locked}"
                    )?;
                }
                for (image, wanted, covered) in platform {
                    write!(
                        f,
                        "\n  - {image}: a stage is built for {wanted}, which the locked digest does not cover ({covered})"
                    )?;
                }
                let update = !conflict.is_empty() || !platform.is_empty();
                write!(
                    f,
                    "\n  = help: run `{}` (it needs the network), then commit `{path}`",
                    self.command(&images, update)
                )
            }
        }
    }
}

/// The same text as `Display`, so that `fn main() -> Result<(), Box<dyn Error>>` in a build
/// script prints it readably.
impl fmt::Debug for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for LockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// An entry's fields, each with its line.
type Fields = BTreeMap<String, (usize, Value)>;

/// Parses the lock's TOML subset; every problem with its line.
fn parse(text: &str) -> Result<Lock, Vec<(usize, String)>> {
    let mut problems: Vec<(usize, String)> = Vec::new();
    let mut version: Option<u32> = None;
    // Fields of the entry being read, with the line of its `[[image]]`.
    let mut entries: Vec<(usize, Fields)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[image]]" {
            entries.push((n, BTreeMap::new()));
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            problems.push((
                n,
                format!(
                    "expected `key = value` or `[[image]]`, found `{}`",
                    shorten(line)
                ),
            ));
            continue;
        };
        let key = key.trim();
        let value = match Value::parse(value.trim()) {
            Ok(v) => v,
            Err(why) => {
                problems.push((n, format!("`{key}`: {why}")));
                continue;
            }
        };
        match entries.last_mut() {
            None if key == "version" => match value {
                Value::Int(v) if version.is_none() => version = Some(v),
                Value::Int(_) => problems.push((n, "`version` is given twice".into())),
                _ => problems.push((n, "`version` must be a number".into())),
            },
            None => problems.push((
                n,
                format!("unknown key `{key}` before the first `[[image]]`"),
            )),
            Some((_, fields)) => {
                if !matches!(key, "name" | "digest" | "media-type" | "platforms") {
                    problems.push((
                        n,
                        format!(
                            "unknown key `{key}` (expected name, digest, media-type, platforms)"
                        ),
                    ));
                } else if fields.insert(key.to_owned(), (n, value)).is_some() {
                    problems.push((n, format!("`{key}` is given twice in one entry")));
                }
            }
        }
    }
    match version {
        Some(VERSION) => {}
        Some(v) => problems.push((0, format!("version {v} is not one this dockerdsl reads (it reads version {VERSION}); a newer dockerdsl wrote it"))),
        None => problems.push((0, "`version = 1` is missing".into())),
    }
    let mut lock = Lock::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (start, fields) in entries {
        let string = |key: &str, problems: &mut Vec<(usize, String)>| match fields.get(key) {
            Some((_, Value::Str(s))) => Some(s.clone()),
            Some((n, _)) => {
                problems.push((*n, format!("`{key}` must be a string")));
                None
            }
            None => {
                problems.push((start, format!("the entry has no `{key}`")));
                None
            }
        };
        let name = string("name", &mut problems);
        let digest = string("digest", &mut problems);
        let media_type = string("media-type", &mut problems);
        let platforms = match fields.get("platforms") {
            Some((_, Value::List(l))) => Some(l.clone()),
            Some((n, _)) => {
                problems.push((*n, "`platforms` must be a list of strings".into()));
                None
            }
            None => {
                problems.push((start, "the entry has no `platforms`".into()));
                None
            }
        };
        let (Some(name), Some(digest), Some(media_type), Some(platforms)) =
            (name, digest, media_type, platforms)
        else {
            continue;
        };
        match LockedImage::new(&name, &digest, &media_type, platforms) {
            Ok(image) => {
                if image.name != name {
                    problems.push((
                        start,
                        format!("`{name}` is written `{}` in a lock file", image.name),
                    ));
                } else if let Some(first) = seen.insert(image.name.clone(), start) {
                    problems.push((
                        start,
                        format!("`{name}` has a second entry (the first is at line {first})"),
                    ));
                } else {
                    lock.insert(image);
                }
            }
            Err(e) => problems.push((start, e.to_string())),
        }
    }
    if problems.is_empty() {
        Ok(lock)
    } else {
        problems.sort();
        Err(problems)
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(60).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// The values the lock's TOML subset has.
#[derive(Debug, Clone)]
enum Value {
    Int(u32),
    Str(String),
    List(Vec<String>),
}

impl Value {
    fn parse(s: &str) -> Result<Value, String> {
        if let Some(inner) = s.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or("a list must end with `]` on the same line")?;
            let inner = inner.trim();
            if inner.is_empty() {
                return Ok(Value::List(Vec::new()));
            }
            return inner
                .split(',')
                .map(|item| string(item.trim()))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::List);
        }
        if s.starts_with('"') {
            return string(s).map(Value::Str);
        }
        s.parse::<u32>()
            .map(Value::Int)
            .map_err(|_| format!("`{}` is not a string, a list or a number", shorten(s)))
    }
}

/// A double-quoted string of printable ASCII without `"` or `\` inside (all the lock ever
/// writes).
fn string(s: &str) -> Result<String, String> {
    let inner = s
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or_else(|| format!("`{}` is not a double-quoted string", shorten(s)))?;
    if inner
        .bytes()
        .all(|b| (0x21..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        Ok(inner.to_owned())
    } else {
        Err(format!(
            "`{}` has characters a lock never holds",
            shorten(s)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        let short = |s: &str| ImageName::parse(s).map(|n| n.short());
        assert_eq!(short("alpine").as_deref(), Ok("alpine:latest"));
        assert_eq!(
            short("docker.io/library/alpine:3.20").as_deref(),
            Ok("alpine:3.20")
        );
        assert_eq!(
            short("index.docker.io/org/app:1").as_deref(),
            Ok("org/app:1")
        );
        assert_eq!(
            short("ghcr.io/org/app:1").as_deref(),
            Ok("ghcr.io/org/app:1")
        );
        assert_eq!(
            short("localhost:5000/app").as_deref(),
            Ok("localhost:5000/app:latest")
        );
        assert!(short("golang:${GO}").is_err());
    }

    const A: &str = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn sample() -> Result<Lock, LockError> {
        let mut lock = Lock::new();
        lock.insert(LockedImage::new(
            "docker.io/library/golang:1.23",
            A,
            OCI_INDEX,
            ["linux/arm64/v8", "linux/amd64"],
        )?);
        lock.insert(LockedImage::new(
            "ghcr.io/org/tool:2",
            B,
            DOCKER_MANIFEST,
            ["linux/amd64"],
        )?);
        Ok(lock)
    }

    #[test]
    fn the_text_reads_back_to_the_same_lock() -> Result<(), LockError> {
        let lock = sample()?;
        let text = lock.to_string();
        assert_eq!(Lock::parse(&text)?, lock);
        assert!(text.contains(&format!(
            "\n[[image]]\nname = \"golang:1.23\"\ndigest = \"{A}\"\n\
             media-type = \"{OCI_INDEX}\"\nplatforms = [\"linux/amd64\", \"linux/arm64/v8\"]\n"
        )));
        assert_eq!(lock.get("golang:1.23@sha256:0000000000000000000000000000000000000000000000000000000000000000").map(LockedImage::digest), Some(A));
        Ok(())
    }

    #[test]
    fn a_corrupt_lock_reports_every_problem_with_its_line() -> Result<(), LockError> {
        let text = sample()?
            .to_string()
            .replace("version = 1", "version = 1\nversion = 1")
            .replace("name = \"ghcr.io/org/tool:2\"", "name = \"golang:1.23\"")
            .replace(
                &format!("digest = \"{A}\""),
                "digest = \"sha256:AB\"\ncolour = 3",
            )
            + "[[image]]\nname = 1\nplatforms = linux\n";
        let Err(e) = Lock::parse(&text) else {
            panic!("accepted:\n{text}");
        };
        assert_eq!(
            e.to_string(),
            "the lock file `dockerdsl.lock` is not valid:\n  \
             line 5: `version` is given twice\n  \
             line 13: cannot lock `golang:1.23`: `sha256:AB` is not a sha256 digest (`sha256:` and 64 lower-case hex digits)\n  \
             line 16: unknown key `colour` (expected name, digest, media-type, platforms)\n  \
             line 19: the entry has no `digest`\n  \
             line 19: the entry has no `media-type`\n  \
             line 19: the entry has no `platforms`\n  \
             line 20: `name` must be a string\n  \
             line 21: `platforms`: `linux` is not a string, a list or a number\n  \
             = help: restore it from version control, or delete it and write it again with `dockerdsl lock FILE...`"
        );
        let twice = sample()?
            .to_string()
            .replace("ghcr.io/org/tool:2", "golang:1.23");
        assert!(Lock::parse(&twice).is_err_and(|e| {
            e.to_string()
                .contains("line 12: `golang:1.23` has a second entry (the first is at line 6)")
        }));
        let long = sample()?
            .to_string()
            .replace("golang:1.23", "docker.io/library/golang:1.23");
        assert!(
            Lock::parse(&long).is_err_and(|e| e.to_string().contains(
                "`docker.io/library/golang:1.23` is written `golang:1.23` in a lock file"
            ))
        );
        assert!(Lock::parse("").is_err_and(|e| e.to_string().contains("`version = 1` is missing")));
        assert!(
            Lock::parse("version = 2\n")
                .is_err_and(|e| e.to_string().contains("version 2 is not one"))
        );
        Ok(())
    }

    #[test]
    fn platform_aliases() {
        assert!(covers(&["linux/arm64/v8".into()], "linux/arm64"));
        assert!(!covers(&["linux/amd64".into()], "linux/arm64"));
    }
}
