use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM "alpine:3.20" {
            EXPOSE 70000 53/tpc 9010-9000 "80/TCP";
        }
    }
    let _ = app;
}
