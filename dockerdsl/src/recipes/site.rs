//! A static site built with Node and served by nginx: the seed's `node_nginx` layout.

use super::ImageOptions;
use crate::error::Error;
use crate::model::instruction::{Command, Copy, Run};
use crate::model::mount::Mount;
use crate::model::stage::Stage;
use crate::model::values::{ImageRef, Port};

/// The web server of a [`StaticSite`]: its image, the directory it serves, its command and
/// port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    image: ImageRef,
    root: String,
    command: Command,
    port: Port,
}

impl Server {
    /// nginx on `image` (such as `nginx:1.27-alpine`), serving `/usr/share/nginx/html` on
    /// port 80.
    pub fn nginx(image: impl Into<ImageRef>) -> Self {
        Server::new(
            image,
            "/usr/share/nginx/html",
            ["nginx", "-g", "daemon off;"],
            80,
        )
    }

    /// Any server: its image, the directory it serves, its command and port.
    pub fn new(
        image: impl Into<ImageRef>,
        root: impl Into<String>,
        command: impl Into<Command>,
        port: impl Into<Port>,
    ) -> Self {
        Server {
            image: image.into(),
            root: root.into(),
            command: command.into(),
            port: port.into(),
        }
    }
}

/// A static site: dependencies installed from the package manifests first (a layer a source
/// change reuses, with npm's cache as a cache mount), then the sources copied and built, and
/// only the output copied into the web server's image: no Node, no `node_modules`.
///
/// ```
/// use dockerdsl::Dockerfile;
/// use dockerdsl::recipes::StaticSite;
///
/// let site = StaticSite::new().stage()?;
/// assert_eq!(
///     Dockerfile::new(&site)?.to_string(),
///     r#"# syntax=docker/dockerfile:1
///
/// FROM node:22-alpine AS site-builder
/// WORKDIR /src
/// COPY package.json package-lock.json ./
/// RUN --mount=type=cache,target=/root/.npm npm ci
/// COPY . .
/// RUN npm run build
///
/// FROM nginx:1.27-alpine AS final
/// COPY --from=site-builder /src/dist /usr/share/nginx/html
/// EXPOSE 80
/// CMD ["nginx", "-g", "daemon off;"]
/// "#
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticSite {
    builder_image: ImageRef,
    manifests: Vec<String>,
    install: Option<Run>,
    build: Run,
    output: String,
    server: Server,
    options: ImageOptions,
}

impl Default for StaticSite {
    fn default() -> Self {
        Self::new()
    }
}

impl StaticSite {
    /// `npm ci` and `npm run build` with `node:22-alpine`, the output in `dist`, served by
    /// `nginx:1.27-alpine`.
    pub fn new() -> Self {
        StaticSite {
            builder_image: "node:22-alpine".into(),
            manifests: vec!["package.json".into(), "package-lock.json".into()],
            install: Some(Run::new("npm ci").mount(Mount::cache("/root/.npm"))),
            build: Run::new("npm run build"),
            output: "dist".into(),
            server: Server::nginx("nginx:1.27-alpine"),
            options: ImageOptions::new(),
        }
    }

    /// The image with Node (or whatever builds the site).
    pub fn builder_image(mut self, image: impl Into<ImageRef>) -> Self {
        self.builder_image = image.into();
        self
    }

    /// The files the install step needs (default `package.json`, `package-lock.json`).
    pub fn manifests<I, S>(mut self, files: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.manifests = files.into_iter().map(Into::into).collect();
        self
    }

    /// The step that installs dependencies from the manifests (default `npm ci`).
    pub fn install(mut self, run: impl Into<Run>) -> Self {
        self.install = Some(run.into());
        self
    }

    /// No install step, for a site without dependencies (nor manifests are copied first).
    pub fn no_install(mut self) -> Self {
        self.install = None;
        self
    }

    /// The step that builds the site (default `npm run build`).
    pub fn build(mut self, run: impl Into<Run>) -> Self {
        self.build = run.into();
        self
    }

    /// The directory the build writes, relative to the sources (default `dist`).
    pub fn output(mut self, dir: impl Into<String>) -> Self {
        self.output = dir.into();
        self
    }

    /// The web server (default nginx on `nginx:1.27-alpine`).
    pub fn server(mut self, server: Server) -> Self {
        self.server = server;
        self
    }

    /// User, labels and pinning of the final image.
    pub fn options(mut self, options: ImageOptions) -> Self {
        self.options = options;
        self
    }

    /// The final stage, with `site-builder` behind it.
    pub fn stage(&self) -> Result<Stage, Error> {
        self.options.check(
            &[
                ("site-builder", &self.builder_image),
                ("final", &self.server.image),
            ],
            None,
        )?;
        let mut builder = Stage::from_image("site-builder", &self.builder_image).workdir("/src");
        if let Some(install) = &self.install {
            builder = builder
                .push(Copy::many(self.manifests.iter().cloned(), "./"))
                .run(install.clone());
        }
        let builder = builder.copy(".", ".").run(self.build.clone());
        let output = format!("/src/{}", self.output.trim_end_matches('/'));
        let server = self
            .options
            .labeled(Stage::from_image("final", &self.server.image))
            .copy_from(&builder, output, &self.server.root)
            .expose(self.server.port.clone());
        Ok(self.options.user(server).cmd(self.server.command.clone()))
    }
}
