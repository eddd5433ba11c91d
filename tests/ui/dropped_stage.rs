// A builder method returns a new stage: dropping it loses the instruction silently, so the
// compiler says so (here as an error, as a crate with `#![deny(warnings)]` sees it).
#![deny(unused_must_use)]

use dockerdsl::{Copy, Dockerfile, Stage};

fn main() {
    let app = Stage::from_image("app", "alpine:3.20");
    app.clone().run("apk add --no-cache curl");
    Copy::new("a", "/a").link();
    Dockerfile::builder().target(&app);
}
