//! A static Go binary on a small image: the seed's `go_alpine` layout.

use super::ImageOptions;
use crate::error::Error;
use crate::model::instruction::{Copy, Run};
use crate::model::mount::Mount;
use crate::model::stage::Stage;
use crate::model::values::{ImageRef, Platform};

/// Where `go` keeps downloaded modules and build results: cache mounts, so neither is in a
/// layer and both survive between builds.
const MOD_CACHE: &str = "/go/pkg/mod";
const BUILD_CACHE: &str = "/root/.cache/go-build";

/// A static Go binary (`CGO_ENABLED=0`), built in `go-builder` and copied into a small final
/// image. `go.mod` and `go.sum` are copied and the modules downloaded before the sources, so
/// a source change reuses the download.
///
/// ```
/// use dockerdsl::Dockerfile;
/// use dockerdsl::recipes::GoStatic;
///
/// let app = GoStatic::new("server")
///     .package("./cmd/server")
///     .runtime_setup("apk add --no-cache ca-certificates")
///     .stage()?;
/// assert_eq!(
///     Dockerfile::new(&app)?.to_string(),
///     r#"# syntax=docker/dockerfile:1
///
/// FROM alpine:3.20 AS base
/// RUN apk add --no-cache ca-certificates
///
/// FROM golang:1.23-alpine AS go-builder
/// ENV CGO_ENABLED=0 GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build
/// WORKDIR /src
/// COPY go.mod go.sum ./
/// RUN --mount=type=cache,target=/go/pkg/mod go mod download
/// COPY . .
/// RUN --mount=type=cache,target=/go/pkg/mod \
///     --mount=type=cache,target=/root/.cache/go-build \
///     go build -trimpath -ldflags="-s -w" -o /out/server ./cmd/server
///
/// FROM base AS final
/// COPY --from=go-builder /out/server /usr/local/bin/server
/// ENTRYPOINT ["/usr/local/bin/server"]
/// "#
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoStatic {
    binary: String,
    package: String,
    builder_image: ImageRef,
    runtime_image: Option<ImageRef>,
    runtime_setup: Option<Run>,
    options: ImageOptions,
    cross: bool,
}

impl GoStatic {
    /// The binary `binary`, built from the package `.` with `golang:1.23-alpine`, on
    /// `alpine:3.20`.
    pub fn new(binary: impl Into<String>) -> Self {
        GoStatic {
            binary: binary.into(),
            package: ".".into(),
            builder_image: "golang:1.23-alpine".into(),
            runtime_image: Some("alpine:3.20".into()),
            runtime_setup: None,
            options: ImageOptions::new(),
            cross: false,
        }
    }

    /// The package to build, such as `./cmd/server` (default `.`).
    pub fn package(mut self, package: impl Into<String>) -> Self {
        self.package = package.into();
        self
    }

    /// The image with the Go toolchain.
    pub fn builder_image(mut self, image: impl Into<ImageRef>) -> Self {
        self.builder_image = image.into();
        self
    }

    /// The final image's base.
    pub fn runtime_image(mut self, image: impl Into<ImageRef>) -> Self {
        self.runtime_image = Some(image.into());
        self
    }

    /// An empty final image: the binary alone.
    pub fn scratch(mut self) -> Self {
        self.runtime_image = None;
        self
    }

    /// A step that prepares the runtime image (such as installing CA certificates), in a
    /// `base` stage of its own, as in the seed.
    pub fn runtime_setup(mut self, run: impl Into<Run>) -> Self {
        self.runtime_setup = Some(run.into());
        self
    }

    /// Cross-compile: `go-builder` runs on the machine that builds
    /// (`FROM --platform=$BUILDPLATFORM`) and builds for the target platform
    /// (`GOOS=$TARGETOS GOARCH=$TARGETARCH`, declared with `ARG` in the stage), so that a
    /// multi-platform build (`docker buildx bake` with `linux/amd64` and `linux/arm64`)
    /// compiles natively and emulates nothing. The final image takes the binary on the
    /// target platform.
    ///
    /// ```
    /// use dockerdsl::Dockerfile;
    /// use dockerdsl::recipes::GoStatic;
    ///
    /// let app = GoStatic::new("server").scratch().cross_compile().stage()?;
    /// let text = Dockerfile::new(&app)?.to_string();
    /// assert!(text.contains(
    ///     "FROM --platform=$BUILDPLATFORM golang:1.23-alpine AS go-builder\n\
    ///      ARG TARGETOS\n\
    ///      ARG TARGETARCH\n"
    /// ));
    /// assert!(text.contains("GOOS=$TARGETOS GOARCH=$TARGETARCH go build"));
    /// # Ok::<(), dockerdsl::Error>(())
    /// ```
    pub fn cross_compile(mut self) -> Self {
        self.cross = true;
        self
    }

    /// User, labels and pinning of the final image.
    pub fn options(mut self, options: ImageOptions) -> Self {
        self.options = options;
        self
    }

    /// The final stage, with `go-builder` (and `base`) behind it.
    pub fn stage(&self) -> Result<Stage, Error> {
        let mut images = vec![("go-builder", &self.builder_image)];
        let runtime_stage = if self.runtime_setup.is_some() {
            "base"
        } else {
            "final"
        };
        if let Some(image) = &self.runtime_image {
            images.push((runtime_stage, image));
        }
        self.options
            .check(&images, Some(("go-builder", &self.binary)))?;

        let runtime = match &self.runtime_image {
            Some(image) => Stage::from_image(runtime_stage, image),
            None => Stage::from_scratch(runtime_stage),
        };
        let runtime = match &self.runtime_setup {
            Some(run) => Stage::from_stage("final", &runtime.run(run.clone())),
            None => runtime,
        };
        let runtime = self.options.labeled(runtime);

        let out = format!("/out/{}", self.binary);
        let builder = Stage::from_image("go-builder", &self.builder_image);
        let (builder, target) = if self.cross {
            (
                builder.on_platform(Platform::BUILD),
                "GOOS=$TARGETOS GOARCH=$TARGETARCH ",
            )
        } else {
            (builder, "")
        };
        let builder = builder
            .envs([
                ("CGO_ENABLED", "0"),
                ("GOMODCACHE", MOD_CACHE),
                ("GOCACHE", BUILD_CACHE),
            ])
            .workdir("/src")
            .push(Copy::many(["go.mod", "go.sum"], "./"))
            .run(Run::new("go mod download").mount(Mount::cache(MOD_CACHE)))
            .copy(".", ".")
            .run(
                Run::new(format!(
                    "{target}go build -trimpath -ldflags=\"-s -w\" -o {out} {}",
                    self.package
                ))
                .mount(Mount::cache(MOD_CACHE))
                .mount(Mount::cache(BUILD_CACHE)),
            )
            .declare_platform_args();

        let installed = format!("/usr/local/bin/{}", self.binary);
        let app = runtime.copy_from(&builder, out, &installed);
        Ok(self.options.user(app).entrypoint([installed]))
    }
}
