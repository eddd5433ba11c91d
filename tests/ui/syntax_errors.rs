use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FORM "alpine:3.20" {
            COPY "only-one-path";
            CMD;
        }
        web = FROM "nginx:1.27" AS web {}
    }
    let _ = (app, web);
}
