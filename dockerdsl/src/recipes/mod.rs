//! Ready-made multi-stage builds: functions that return the final [`Stage`] of a common
//! build, with the stages it needs behind it.
//!
//! Each recipe builds with a toolchain image and copies only the artifact into a small final
//! image, so the toolchain, the sources and the build caches stay out of it. Dependencies are
//! fetched in a layer of their own before the sources are copied, so a change to the sources
//! reuses it; package caches are cache mounts. Every recipe takes [`ImageOptions`]: a
//! non-root user, OCI image labels, and a check that every image is pinned to a digest. A
//! binary's name must be a plain file name (letters, digits, `.`, `_`, `-`): it goes into
//! the build command as written, and [`stage`](GoStatic::stage) refuses any other.
//!
//! | recipe | builds with | final image |
//! | --- | --- | --- |
//! | [`GoStatic`] | `golang` | a small image (`alpine` by default) or `scratch` |
//! | [`StaticSite`] | `node` (`npm ci`, `npm run build`) | `nginx` serving the output |
//! | [`CStatic`] | `gcc` on Debian | `scratch` |
//! | [`RustApp`] | `rust`, with `cargo-chef`'s layout | `debian:bookworm-slim` |
//!
//! ```
//! use dockerdsl::Dockerfile;
//! use dockerdsl::recipes::{GoStatic, ImageOptions, OciLabels};
//!
//! let app = GoStatic::new("hello")
//!     .options(
//!         ImageOptions::new()
//!             .non_root(10001)
//!             .oci(OciLabels::new().title("hello").source("https://example.com/hello")),
//!     )
//!     .stage()?;
//! let text = Dockerfile::new(&app)?.to_string();
//! assert!(text.contains("COPY --from=go-builder /out/hello /usr/local/bin/hello\n"));
//! assert!(text.contains("USER 10001:10001\n"));
//! # Ok::<(), dockerdsl::Error>(())
//! ```
//!
//! Every recipe here is built for real by `.ci/real-builds` (buildah, local base images),
//! which checks that each final image holds the artifact and not the toolchain, and compares
//! its size with the single-stage build.

mod c;
mod go;
mod rust;
mod site;

pub use c::CStatic;
pub use go::GoStatic;
pub use rust::{DependencyCache, RustApp};
pub use site::{Server, StaticSite};

use crate::error::{Error, Problem};
use crate::model::stage::Stage;
use crate::model::values::ImageRef;

/// Options for a recipe's final image: a non-root user, labels, pinned images.
///
/// ```
/// use dockerdsl::recipes::{CStatic, ImageOptions};
///
/// let err = CStatic::new("hello")
///     .options(ImageOptions::new().require_digests())
///     .stage()
///     .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "error: stage `c-builder`: image `gcc:14-bookworm` is not pinned to a digest\n  \
///      = help: write it as `gcc:14-bookworm@sha256:<digest>`, or drop `require_digests()`\n",
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageOptions {
    user: Option<(u32, u32)>,
    labels: Vec<(String, String)>,
    require_digests: bool,
}

impl ImageOptions {
    /// No user, no labels, unpinned images allowed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Run as `uid` (group `uid`) rather than root: `USER uid:uid` before the command. A
    /// numeric user needs no entry in `/etc/passwd`, so it works on `scratch` too.
    pub fn non_root(self, uid: u32) -> Self {
        self.non_root_group(uid, uid)
    }

    /// Run as `uid:gid`.
    pub fn non_root_group(mut self, uid: u32, gid: u32) -> Self {
        self.user = Some((uid, gid));
        self
    }

    /// A label on the final image.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.push((key.into(), value.into()));
        self
    }

    /// The OCI image annotations (`org.opencontainers.image.*`) as labels.
    pub fn oci(mut self, labels: OciLabels) -> Self {
        self.labels.extend(labels.0);
        self
    }

    /// Refuse any image not pinned to a digest (`image:tag@sha256:...`), so that a build
    /// cannot change under the same Dockerfile.
    pub fn require_digests(mut self) -> Self {
        self.require_digests = true;
        self
    }

    /// The labels, first in the final stage: they do not depend on the build, so a rebuild
    /// reuses their step.
    fn labeled(&self, stage: Stage) -> Stage {
        if self.labels.is_empty() {
            stage
        } else {
            stage.labels(self.labels.iter().cloned())
        }
    }

    /// The user, last before the command, so that earlier steps still run as root.
    fn user(&self, stage: Stage) -> Stage {
        match self.user {
            Some((uid, gid)) => stage.user((uid, gid)),
            None => stage,
        }
    }

    /// Every image of the recipe, with the stage that uses it, unpinned when digests are
    /// required, and the name of the binary (built in the stage given) when it is not a plain
    /// file name (it goes into a shell command unquoted): all reported at once.
    fn check(
        &self,
        images: &[(&str, &ImageRef)],
        binary: Option<(&str, &str)>,
    ) -> Result<(), Error> {
        let mut problems: Vec<Problem> = Vec::new();
        if let Some((stage, name)) = binary {
            if let Err(invalid) = crate::rules::portable_file_name(name) {
                problems.push(Problem::stage(
                    Some(stage),
                    format!("binary name: {}", invalid.message),
                    invalid.help.unwrap_or_default(),
                ));
            }
        }
        if self.require_digests {
            problems.extend(
                images
                    .iter()
                    .filter(|(_, image)| image.digest().is_none())
                    .map(|(stage, image)| {
                        Problem::stage(
                            Some(stage),
                            format!("image `{image}` is not pinned to a digest"),
                            format!(
                                "write it as `{image}@sha256:<digest>`, or drop `require_digests()`"
                            ),
                        )
                    }),
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::new(problems))
        }
    }
}

/// The [OCI image annotations] a final image commonly carries, as labels.
///
/// ```
/// use dockerdsl::Dockerfile;
/// use dockerdsl::recipes::{CStatic, ImageOptions, OciLabels};
///
/// let options = ImageOptions::new().oci(
///     OciLabels::new()
///         .title("hello")
///         .version("1.2.0")
///         .revision("0123abc")
///         .source("https://example.com/hello.git")
///         .licenses("MIT OR Apache-2.0"),
/// );
/// let app = CStatic::new("hello").options(options).stage()?;
/// assert!(Dockerfile::new(&app)?.to_string().contains(
///     "\nLABEL org.opencontainers.image.title=hello \\\n    \
///      org.opencontainers.image.version=1.2.0 \\\n    \
///      org.opencontainers.image.revision=0123abc \\\n    \
///      org.opencontainers.image.source=https://example.com/hello.git \\\n    \
///      org.opencontainers.image.licenses=\"MIT OR Apache-2.0\"\n"
/// ));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
///
/// They are label pairs, so any stage takes them, recipe or not:
///
/// ```
/// use dockerdsl::{Dockerfile, OciLabels, Stage};
///
/// let app = Stage::from_image("app", "alpine:3.20")
///     .labels(OciLabels::new().title("hello").licenses("MIT"))
///     .user(10001);
/// assert!(Dockerfile::new(&app)?.to_string().ends_with(
///     "LABEL org.opencontainers.image.title=hello org.opencontainers.image.licenses=MIT\n\
///      USER 10001\n"
/// ));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
///
/// [OCI image annotations]: https://github.com/opencontainers/image-spec/blob/main/annotations.md
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OciLabels(Vec<(String, String)>);

/// The pairs, in the order they were set: what [`Stage::labels`] takes.
impl IntoIterator for OciLabels {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl OciLabels {
    /// No label yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn set(mut self, key: &str, value: impl Into<String>) -> Self {
        self.0
            .push((format!("org.opencontainers.image.{key}"), value.into()));
        self
    }

    /// `org.opencontainers.image.title`.
    pub fn title(self, title: impl Into<String>) -> Self {
        self.set("title", title)
    }

    /// `org.opencontainers.image.description`.
    pub fn description(self, description: impl Into<String>) -> Self {
        self.set("description", description)
    }

    /// `org.opencontainers.image.version`.
    pub fn version(self, version: impl Into<String>) -> Self {
        self.set("version", version)
    }

    /// `org.opencontainers.image.revision` (the source control revision).
    pub fn revision(self, revision: impl Into<String>) -> Self {
        self.set("revision", revision)
    }

    /// `org.opencontainers.image.source` (where the sources are).
    pub fn source(self, url: impl Into<String>) -> Self {
        self.set("source", url)
    }

    /// `org.opencontainers.image.licenses` (an SPDX expression).
    pub fn licenses(self, spdx: impl Into<String>) -> Self {
        self.set("licenses", spdx)
    }

    /// `org.opencontainers.image.created` (an RFC 3339 date). Leave it out for reproducible
    /// images.
    pub fn created(self, date: impl Into<String>) -> Self {
        self.set("created", date)
    }
}
