use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        go_builder = FROM "golang:1.23-alpine" AS "go-builder" {}
        app = FROM "alpine:3.20" {
            COPY --from="go-builder" "/go/main" "/main";
        }
        debug = FROM "go_builder" {}
    }
    let _ = (app, debug);
    own_name();
}

fn own_name() {
    dockerfile! {
        nginx = FROM "nginx" {}
    }
    let _ = nginx;
}
