use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM base {
            CMD ["/main"];
        }
        base = FROM "alpine:3.20" {}
    }
    let _ = (app, base);
}
