use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        build = FROM "golang:1.23" {}
        app = FROM "alpine:3.20" {
            COPY --form=build "/go/bin/app" "/app";
            RUN --netwrok=none "make test";
            HEALTHCHECK --intervall=30s CMD ["/app", "health"];
        }
    }
    let _ = app;
}
