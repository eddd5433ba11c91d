//! The seed's Node example: build a static site with npm, serve it with nginx. The final
//! image has nginx and the built files, not Node or `node_modules`.
//!
//! ```text
//! cargo run --example node_nginx > Dockerfile
//! ```

use dockerdsl::{Copy, Dockerfile, Stage};

/// The Dockerfile this example prints; the tests snapshot it.
pub fn dockerfile() -> Result<Dockerfile, dockerdsl::Error> {
    let build = Stage::from_image("build", "node:22-alpine")
        .workdir("/app")
        // Dependencies first, so that a source change reuses the `npm install` layer.
        .push(Copy::many(["package.json", "package-lock.json"], "./"))
        .run("npm install")
        .copy(".", ".")
        .run("npm run build");

    let production = Stage::from_image("production", "nginx:1.27-alpine")
        .copy_from(&build, "/app/dist", "/usr/share/nginx/html")
        .copy_from(&build, "/app/nginx.conf", "/etc/nginx/conf.d/default.conf")
        .expose_all([80, 443])
        .cmd(["nginx", "-g", "daemon off;"]);

    Dockerfile::new(&production)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = dockerfile()?.to_string();
    // `| head` may close the pipe before the end, which is no failure (`print!` panics there).
    match std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => Ok(written?),
    }
}
