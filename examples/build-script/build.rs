//! Writes `Dockerfile` and `.dockerignore` next to `Cargo.toml` from the stages below.

use dockerdsl::{Dockerfile, Mount, Run, Stage};

fn dockerfile() -> Result<Dockerfile, dockerdsl::Error> {
    let build = Stage::from_image("build", "rust:1.85-slim")
        .workdir("/src")
        .copy("Cargo.toml", "./")
        .copy("build.rs", "./")
        .copy("src", "src/")
        .run(
            Run::new("cargo build --release && cp target/release/build-script-example /app")
                .mount(Mount::cache("/usr/local/cargo/registry"))
                .mount(Mount::cache("/src/target")),
        );
    let app = Stage::from_image("app", "debian:bookworm-slim")
        .copy_from(&build, "/app", "/usr/local/bin/app")
        .user("65532")
        .cmd(["/usr/local/bin/app"]);
    Dockerfile::new(&app)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `emit` prints rerun-if-changed for the files it writes; that replaces Cargo's default
    // of rerunning on any change, so this script names its own input too.
    println!("cargo:rerun-if-changed=build.rs");
    let dockerfile = dockerfile()?;
    // BuildKit's build checks and hadolint's structural rules, shown by `cargo build`.
    for lint in dockerfile.lint() {
        println!("cargo:warning={lint:#}"); // one line: rule, where, message
    }
    dockerdsl::emit("Dockerfile", &dockerfile)?;
    dockerdsl::emit(".dockerignore", &dockerfile.dockerignore())?;
    Ok(())
}
