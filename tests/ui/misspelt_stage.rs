use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        go_builder = FROM "golang:1.23-alpine" AS "go-builder" {
            RUN "go build -o /go/main .";
        }
        app = FROM "alpine:3.20" {
            COPY --from=go_bulder "/go/main" "/main";
        }
    }
    let _ = app;
}
