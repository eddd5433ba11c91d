//! A Rust binary with its dependencies built in a layer of their own.

use super::ImageOptions;
use crate::error::Error;
use crate::model::instruction::{Copy, Run};
use crate::model::mount::Mount;
use crate::model::stage::Stage;
use crate::model::values::ImageRef;

/// Cargo's home in the builder: the official `rust` images keep it here, and setting it
/// gives other images (such as Debian with its `cargo` package) the same cache mounts.
const CARGO_HOME: &str = "/usr/local/cargo";

/// How a [`RustApp`] builds its dependencies before its sources are copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DependencyCache {
    /// [cargo-chef](https://github.com/LukeMathWalker/cargo-chef) at this version: a
    /// `planner` stage writes `recipe.json` from the sources, and `cargo chef cook` builds
    /// the dependencies from it. Works for any workspace.
    CargoChef {
        /// The `cargo-chef` version to install, such as `0.1.68`.
        version: String,
    },
    /// No extra tool: copy `Cargo.toml` and `Cargo.lock`, build the dependencies against an
    /// empty `src/main.rs`, then copy the sources. For a single package with its binary in
    /// `src/main.rs`.
    Manifests,
}

/// A Rust binary in cargo-chef's layout: the dependencies are built in their own layer, which
/// a change to the sources reuses; the registry is a cache mount; the final image holds the
/// binary and no toolchain.
///
/// ```
/// use dockerdsl::Dockerfile;
/// use dockerdsl::recipes::{DependencyCache, RustApp};
///
/// let app = RustApp::new("app").dependency_cache(DependencyCache::Manifests).stage()?;
/// assert_eq!(
///     Dockerfile::new(&app)?.to_string(),
///     r#"# syntax=docker/dockerfile:1
///
/// FROM rust:1.83-slim-bookworm AS rust-builder
/// ENV CARGO_HOME=/usr/local/cargo
/// WORKDIR /app
/// COPY Cargo.toml Cargo.lock ./
/// RUN --mount=type=cache,target=/usr/local/cargo/registry \
///     --mount=type=cache,target=/usr/local/cargo/git \
///     mkdir -p src \
///     && echo "fn main() {}" > src/main.rs \
///     && cargo build --release --locked \
///     && rm -r src
/// COPY . .
/// RUN --mount=type=cache,target=/usr/local/cargo/registry \
///     --mount=type=cache,target=/usr/local/cargo/git \
///     touch src/main.rs \
///     && cargo build --release --locked --bin app
///
/// FROM debian:bookworm-slim AS final
/// COPY --from=rust-builder /app/target/release/app /usr/local/bin/app
/// ENTRYPOINT ["/usr/local/bin/app"]
/// "#
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustApp {
    binary: String,
    builder_image: ImageRef,
    runtime_image: ImageRef,
    cache: DependencyCache,
    options: ImageOptions,
}

impl RustApp {
    /// The binary `binary`, built with `rust:1.83-slim-bookworm` and cargo-chef 0.1.68, on
    /// `debian:bookworm-slim`.
    pub fn new(binary: impl Into<String>) -> Self {
        RustApp {
            binary: binary.into(),
            builder_image: "rust:1.83-slim-bookworm".into(),
            runtime_image: "debian:bookworm-slim".into(),
            cache: DependencyCache::CargoChef {
                version: "0.1.68".into(),
            },
            options: ImageOptions::new(),
        }
    }

    /// The image with cargo.
    pub fn builder_image(mut self, image: impl Into<ImageRef>) -> Self {
        self.builder_image = image.into();
        self
    }

    /// The final image's base: it needs the C library the binary links to.
    pub fn runtime_image(mut self, image: impl Into<ImageRef>) -> Self {
        self.runtime_image = image.into();
        self
    }

    /// How dependencies are built before the sources (default cargo-chef).
    pub fn dependency_cache(mut self, cache: DependencyCache) -> Self {
        self.cache = cache;
        self
    }

    /// User, labels and pinning of the final image.
    pub fn options(mut self, options: ImageOptions) -> Self {
        self.options = options;
        self
    }

    /// The final stage, with `rust-builder` (and, with cargo-chef, `chef` and `planner`)
    /// behind it.
    pub fn stage(&self) -> Result<Stage, Error> {
        let toolchain_stage = match self.cache {
            DependencyCache::CargoChef { .. } => "chef",
            DependencyCache::Manifests => "rust-builder",
        };
        self.options.check(
            &[
                (toolchain_stage, &self.builder_image),
                ("final", &self.runtime_image),
            ],
            Some(("rust-builder", &self.binary)),
        )?;
        // Shared (the default), not locked: cargo locks its home itself, and buildah 1.28
        // deadlocks on two locked cache mounts in one step.
        let cached = |run: Run| {
            run.mount(Mount::cache(format!("{CARGO_HOME}/registry")))
                .mount(Mount::cache(format!("{CARGO_HOME}/git")))
        };
        let toolchain = |name: &'static str| {
            Stage::from_image(name, &self.builder_image).env("CARGO_HOME", CARGO_HOME)
        };
        let build = format!("cargo build --release --locked --bin {}", self.binary);
        let builder = match &self.cache {
            DependencyCache::CargoChef { version } => {
                let chef = toolchain("chef")
                    .run(format!(
                        "cargo install cargo-chef --locked --version {version}"
                    ))
                    .workdir("/app");
                let planner = Stage::from_stage("planner", &chef)
                    .copy(".", ".")
                    .run("cargo chef prepare --recipe-path recipe.json");
                Stage::from_stage("rust-builder", &chef)
                    .copy_from(&planner, "/app/recipe.json", "recipe.json")
                    .run(cached(Run::new(
                        "cargo chef cook --release --locked --recipe-path recipe.json",
                    )))
                    .copy(".", ".")
                    .run(cached(Run::new(build)))
            }
            DependencyCache::Manifests => toolchain("rust-builder")
                .workdir("/app")
                .push(Copy::many(["Cargo.toml", "Cargo.lock"], "./"))
                .run(cached(Run::chain([
                    "mkdir -p src",
                    "echo \"fn main() {}\" > src/main.rs",
                    "cargo build --release --locked",
                    "rm -r src",
                ])))
                .copy(".", ".")
                // The copied sources can be older than the placeholder's build: make cargo
                // see them as changed.
                .run(cached(Run::chain(["touch src/main.rs".to_owned(), build]))),
        };
        let installed = format!("/usr/local/bin/{}", self.binary);
        let app = self
            .options
            .labeled(Stage::from_image("final", &self.runtime_image))
            .copy_from(
                &builder,
                format!("/app/target/release/{}", self.binary),
                &installed,
            );
        Ok(self.options.user(app).entrypoint([installed]))
    }
}
