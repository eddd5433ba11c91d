//! Every recipe of `dockerdsl::recipes` in one Dockerfile, one target each (`--target go`,
//! `site`, `c`, `rust`; the last is the default), each final image running as a non-root
//! user and labelled with the OCI annotations.
//!
//! ```text
//! cargo run --example recipes > Dockerfile
//! ```

use dockerdsl::Dockerfile;
use dockerdsl::recipes::{CStatic, GoStatic, ImageOptions, OciLabels, RustApp, StaticSite};

/// The Dockerfile this example prints; the tests snapshot it.
pub fn dockerfile() -> Result<Dockerfile, dockerdsl::Error> {
    let options = |title: &str| {
        ImageOptions::new().non_root(10001).oci(
            OciLabels::new()
                .title(title)
                .source("https://example.com/hello.git")
                .licenses("MIT OR Apache-2.0"),
        )
    };
    let go = GoStatic::new("hello")
        .runtime_setup("apk add --no-cache ca-certificates")
        .options(options("hello-go"))
        .stage()?
        .rename("go");
    let site = StaticSite::new()
        .options(options("hello-site"))
        .stage()?
        .rename("site");
    let c = CStatic::new("hello")
        .options(options("hello-c"))
        .stage()?
        .rename("c");
    let rust = RustApp::new("hello")
        .options(options("hello-rust"))
        .stage()?
        .rename("rust");
    Dockerfile::builder()
        .target(&go)
        .target(&site)
        .target(&c)
        .target(&rust)
        .build()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = dockerfile()?.to_string();
    // `| head` may close the pipe before the end, which is no failure (`print!` panics there).
    match std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => Ok(written?),
    }
}
