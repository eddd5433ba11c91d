//! The seed's Go example: a static Go binary built in one stage, run on a small Alpine base
//! with curl and wget.
//!
//! ```text
//! cargo run --example go_alpine > Dockerfile
//! ```

use dockerdsl::{Dockerfile, Stage};

/// The Dockerfile this example prints; the tests snapshot it.
pub fn dockerfile() -> Result<Dockerfile, dockerdsl::Error> {
    let base = Stage::from_image("base", "alpine:3.20").run("apk add --no-cache curl wget");

    let go_builder = Stage::from_image("go-builder", "golang:1.23-alpine")
        .workdir("/go/src/app")
        .copy("go.mod", "./")
        .run("go mod download")
        .copy(".", ".")
        .env("CGO_ENABLED", "0")
        .run("go build -trimpath -ldflags=\"-s -w\" -o /go/main .");

    let app = Stage::from_stage("final", &base)
        .copy_from(&go_builder, "/go/main", "/main")
        .cmd(["/main"]);

    Dockerfile::new(&app)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = dockerfile()?.to_string();
    // `| head` may close the pipe before the end, which is no failure (`print!` panics there).
    match std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => Ok(written?),
    }
}
