use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM "alpine:3.20" {
            WORKDRI "/app";
            run "make";
        }
    }
    let _ = app;
}
