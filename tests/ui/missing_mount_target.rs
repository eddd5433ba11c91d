use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM "rust:1.83" {
            RUN --mount=type=cache,sharing=locked "cargo build";
        }
    }
    let _ = app;
}
