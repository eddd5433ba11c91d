//! The cargo-chef layout: dependencies are built from a recipe in their own layer, so a
//! source change rebuilds only the application; cache mounts keep the registry and target
//! directory between builds; the runtime is a slim Debian image running as a non-root user.
//!
//! ```text
//! cargo run --example rust_chef > Dockerfile
//! ```

use dockerdsl::{Dockerfile, Mount, Run, Sharing, Stage};

/// The Dockerfile this example prints; the tests snapshot it.
pub fn dockerfile() -> Result<Dockerfile, dockerdsl::Error> {
    let registry = || Mount::cache("/usr/local/cargo/registry").sharing(Sharing::Locked);
    let git = || Mount::cache("/usr/local/cargo/git").sharing(Sharing::Locked);

    let chef = Stage::from_image("chef", "rust:1.83-slim-bookworm")
        .run("cargo install cargo-chef --locked --version 0.1.68")
        .workdir("/app");

    let planner = Stage::from_stage("planner", &chef)
        .copy(".", ".")
        .run("cargo chef prepare --recipe-path recipe.json");

    let builder = Stage::from_stage("builder", &chef)
        .copy_from(&planner, "/app/recipe.json", "recipe.json")
        .run(
            Run::new("cargo chef cook --release --recipe-path recipe.json")
                .mount(registry())
                .mount(git()),
        )
        .copy(".", ".")
        .run(
            Run::chain([
                "cargo build --release --bin app",
                // The target directory is a cache mount: copy the binary out of it.
                "cp target/release/app /usr/local/bin/app",
            ])
            .mount(registry())
            .mount(git())
            .mount(Mount::cache("/app/target")),
        );

    let runtime = Stage::from_image("runtime", "debian:bookworm-slim")
        .run(Run::chain([
            "groupadd --system --gid 10001 app",
            "useradd --system --uid 10001 --gid app --no-create-home app",
        ]))
        .copy_from(&builder, "/usr/local/bin/app", "/usr/local/bin/app")
        .user("10001:10001")
        .entrypoint(["/usr/local/bin/app"]);

    Dockerfile::new(&runtime)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = dockerfile()?.to_string();
    // `| head` may close the pipe before the end, which is no failure (`print!` panics there).
    match std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => Ok(written?),
    }
}
