use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM "alpine:3.20" {
            STOPSIGNAL "SIGTERM SIGKILL";
        }
        web = FROM "nginx:1.27" {
            STOPSIGNAL 99;
        }
    }
    let _ = (app, web);
}
