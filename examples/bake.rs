//! The seed's two applications as one build plan for `docker buildx bake`: the Go service,
//! cross-compiled for linux/amd64 and linux/arm64, and the Node site served by nginx (the
//! `node_nginx` example, with its `nginx.conf`), both targets in the `default` group.
//!
//! ```text
//! cargo run --example bake            # prints docker-bake.json
//! cargo run --example bake -- DIR     # writes DIR/docker-bake.json, DIR/go/Dockerfile and
//!                                     # DIR/site/Dockerfile (with `emit`), then:
//! docker buildx bake -f DIR/docker-bake.json
//! ```
//!
//! The images are the ones the repository's real builds make from Debian's packages (its
//! tests build this plan with BuildKit); a project of yours names the current ones.

use dockerdsl::bake::{Group, Plan, Target};
use dockerdsl::recipes::GoStatic;
use dockerdsl::{Copy, Dockerfile, Mode, Stage};

/// The Go toolchain, Node with npm, and nginx.
pub const GO: &str = "golang:1.19-bookworm";
pub const NODE: &str = "node:18-bookworm";
pub const NGINX: &str = "nginx:1.22-bookworm";

/// The Go service: built on the machine that builds, for each target platform, into an
/// empty image.
pub fn go_dockerfile() -> Result<(Dockerfile, Stage), dockerdsl::Error> {
    let go = GoStatic::new("hello")
        .builder_image(GO)
        .scratch()
        .cross_compile()
        .stage()?
        .rename("go");
    Ok((Dockerfile::new(&go)?, go))
}

/// The site: npm installs and builds it, nginx serves the result with the site's own
/// `nginx.conf`; no Node in the final image.
pub fn site_dockerfile() -> Result<(Dockerfile, Stage), dockerdsl::Error> {
    let build = Stage::from_image("build", NODE)
        .workdir("/app")
        // Dependencies first, so that a source change reuses the `npm install` layer.
        .push(Copy::many(["package.json", "package-lock.json"], "./"))
        .run("npm install")
        .copy(".", ".")
        .run("npm run build");
    let site = Stage::from_image("site", NGINX)
        .copy_from(&build, "/app/dist", "/usr/share/nginx/html")
        .copy_from(&build, "/app/nginx.conf", "/etc/nginx/conf.d/default.conf")
        .expose_all([80, 443])
        .cmd(["nginx", "-g", "daemon off;"]);
    Ok((Dockerfile::new(&site)?, site))
}

/// The plan: the targets `go` and `site`, each with its directory as build context and its
/// Dockerfile in it, both in the `default` group.
pub fn plan() -> Result<Plan, Box<dyn std::error::Error>> {
    let (go_file, go_stage) = go_dockerfile()?;
    let (site_file, site_stage) = site_dockerfile()?;
    let go = Target::new("go", &go_file, &go_stage)
        .context("go")
        .platforms(["linux/amd64", "linux/arm64"])
        .tag("example.com/hello-go:1.0")
        .label("org.opencontainers.image.title", "hello-go");
    let site = Target::new("site", &site_file, &site_stage)
        .context("site")
        .tag("example.com/hello-site:1.0")
        .label("org.opencontainers.image.title", "hello-site");
    Ok(Plan::builder()
        .group(Group::default_group().target(&go).target(&site))
        .target(go)
        .target(site)
        .build()?)
}

/// Writes the plan and its Dockerfiles into `dir`, each only when its bytes change
/// (`Mode::Write`), or checks them (`Mode::Check`, what `emit` does under `CI=true`).
pub fn write(dir: &std::path::Path, mode: Mode) -> Result<(), Box<dyn std::error::Error>> {
    let plan = plan()?;
    for (path, dockerfile) in plan.dockerfiles() {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        dockerdsl::emit_with(path, dockerfile, mode)?;
    }
    dockerdsl::emit_with(dir.join("docker-bake.json"), &plan.to_json(), mode)?;
    #[cfg(feature = "hcl")]
    dockerdsl::emit_with(dir.join("docker-bake.hcl"), &plan.to_hcl(), mode)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::args_os().nth(1) {
        // A folder the user names is written, under CI too.
        Some(dir) => write(std::path::Path::new(&dir), Mode::Write),
        None => {
            let text = plan()?.to_json();
            // `| head` may close the pipe before the end, which is no failure.
            match std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                written => Ok(written?),
            }
        }
    }
}
