//! The expansion names everything by absolute path: it compiles without the prelude, and
//! next to local items that shadow what it uses.
#![no_implicit_prelude]

// Items a careless expansion would pick up instead of the real ones.
#[allow(dead_code)]
struct String;
#[allow(dead_code)]
struct Vec;
#[allow(dead_code)]
mod std {}
#[allow(dead_code)]
mod core {}

#[test]
fn expands_without_the_prelude() {
    ::dockerdsl::dockerfile! {
        build = FROM "golang:1.23-alpine" {
            ENV CGO_ENABLED = "0";
            RUN --mount=type=cache,target="/go/pkg/mod" "go build -o /out/app ." && "true";
            HEALTHCHECK --interval=30s CMD ["/out/app", "health"];
            ONBUILD WORKDIR "/src";
        }
        app = FROM "alpine:3.20" {
            COPY --from=build "/out/app" "/app";
            EXPOSE 8080 53/udp;
            VOLUME "/data";
            CMD ["/app"];
        }
    }
    let text = ::std::string::ToString::to_string(&::dockerdsl::Dockerfile::new(&app).unwrap());
    ::std::assert!(text.contains("COPY --from=build /out/app /app\n"), "{text}");
}
