use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM "alpine:3.20" {
            HEALTHCHECK --interval=30x --timeout=500us --start-period="1m30" CMD ["/app", "health"];
        }
    }
    let _ = app;
}
