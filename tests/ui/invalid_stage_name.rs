use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        Builder = FROM "golang:1.23" {}
        app = FROM "alpine:3.20" AS "scratch" {}
        web = FROM "nginx:1.27" AS "Web Server" {}
    }
    let _ = (Builder, app, web);
}
