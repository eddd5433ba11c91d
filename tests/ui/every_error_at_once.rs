use dockerdsl::{dockerfile, Dockerfile};

// One compile reports every mistake; the stages are still declared, so the code after the
// macro raises no follow-on error.
fn main() {
    dockerfile! {
        build = FROM "Golang:1.23" {
            RUN --mount=type=cache,target="/go/pkg/mod",sharing=lockd "go build ./...";
            EXPOSE 99999;
        }
        app = FROM "alpine:3.20" {
            COPY --from=build "/go/bin/app" "/app";
            STOPSIGNAL "SIG TERM";
            CMDD ["/app"];
        }
    }
    let _ = Dockerfile::new(&app);
}
