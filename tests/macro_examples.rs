//! The examples written with `dockerfile!` render exactly the bytes of their builder
//! versions: the macro is another way to write the same model.

#[path = "../examples/go_alpine.rs"]
#[allow(dead_code)]
mod go_alpine;
#[path = "../examples/node_nginx.rs"]
#[allow(dead_code)]
mod node_nginx;
#[path = "../examples/rust_chef.rs"]
#[allow(dead_code)]
mod rust_chef;

use dockerdsl::{Dockerfile, Error, Mount, Sharing, dockerfile};

fn same(name: &str, builder: Result<Dockerfile, Error>, with_macro: Result<Dockerfile, Error>) {
    let (builder, with_macro) = match (builder, with_macro) {
        (Ok(b), Ok(m)) => (b.to_string(), m.to_string()),
        (b, m) => panic!("{name}: builder {:?}, macro {:?}", b.err(), m.err()),
    };
    assert!(
        builder == with_macro,
        "{name}: the macro version differs\n--- builder\n{builder}\n--- macro\n{with_macro}"
    );
}

#[test]
fn go_alpine() {
    dockerfile! {
        base = FROM "alpine:3.20" {
            RUN "apk add --no-cache curl wget";
        }
        go_builder = FROM "golang:1.23-alpine" AS "go-builder" {
            WORKDIR "/go/src/app";
            COPY "go.mod" "./";
            RUN "go mod download";
            COPY "." ".";
            ENV CGO_ENABLED = "0";
            RUN r#"go build -trimpath -ldflags="-s -w" -o /go/main ."#;
        }
        app = FROM base AS "final" {
            COPY --from=go_builder "/go/main" "/main";
            CMD ["/main"];
        }
    }
    same("go_alpine", go_alpine::dockerfile(), Dockerfile::new(&app));
}

#[test]
fn node_nginx() {
    dockerfile! {
        build = FROM "node:22-alpine" {
            WORKDIR "/app";
            // Dependencies first, so that a source change reuses the `npm install` layer.
            COPY "package.json" "package-lock.json" "./";
            RUN "npm install";
            COPY "." ".";
            RUN "npm run build";
        }
        production = FROM "nginx:1.27-alpine" {
            COPY --from=build "/app/dist" "/usr/share/nginx/html";
            COPY --from=build "/app/nginx.conf" "/etc/nginx/conf.d/default.conf";
            EXPOSE 80 443;
            CMD ["nginx", "-g", "daemon off;"];
        }
    }
    same("node_nginx", node_nginx::dockerfile(), Dockerfile::new(&production));
}

#[test]
fn rust_chef() {
    dockerfile! {
        chef = FROM "rust:1.83-slim-bookworm" {
            RUN "cargo install cargo-chef --locked --version 0.1.68";
            WORKDIR "/app";
        }
        planner = FROM chef {
            COPY "." ".";
            RUN "cargo chef prepare --recipe-path recipe.json";
        }
        builder = FROM chef {
            COPY --from=planner "/app/recipe.json" "recipe.json";
            RUN --mount=type=cache,target="/usr/local/cargo/registry",sharing=locked
                --mount=type=cache,target="/usr/local/cargo/git",sharing=locked
                "cargo chef cook --release --recipe-path recipe.json";
            COPY "." ".";
            RUN --mount=type=cache,target="/usr/local/cargo/registry",sharing=locked
                --mount=type=cache,target="/usr/local/cargo/git",sharing=locked
                --mount=type=cache,target="/app/target"
                "cargo build --release --bin app"
                && "cp target/release/app /usr/local/bin/app";
        }
        runtime = FROM "debian:bookworm-slim" {
            RUN "groupadd --system --gid 10001 app"
                && "useradd --system --uid 10001 --gid app --no-create-home app";
            COPY --from=builder "/usr/local/bin/app" "/usr/local/bin/app";
            USER "10001:10001";
            ENTRYPOINT ["/usr/local/bin/app"];
        }
    }
    same("rust_chef", rust_chef::dockerfile(), Dockerfile::new(&runtime));
}

/// Computed values and stages from the surrounding code mix with literals.
#[test]
fn expressions_and_outer_stages() {
    let version = "1.23";
    let registry = Mount::cache("/go/pkg/mod").sharing(Sharing::Locked);
    let outer = dockerdsl::Stage::from_image("outer", "busybox:1.36");
    dockerfile! {
        build = FROM {dockerdsl::ImageRef::from(format!("golang:{version}-alpine"))} {
            RUN {dockerdsl::Run::new("go build ./...").mount(registry.clone())};
            COPY --from=outer "/bin/busybox" "/busybox";
        }
        app = FROM {&outer} AS "app" {
            COPY --from={&build} {format!("/go/bin/app-{version}")} "/app";
            ENV VERSION = {version};
        }
    }
    let text = Dockerfile::new(&app).map(|d| d.to_string()).unwrap_or_default();
    assert!(text.contains("FROM golang:1.23-alpine AS build\n"), "{text}");
    assert!(
        text.contains("RUN --mount=type=cache,target=/go/pkg/mod,sharing=locked go build ./...\n"),
        "{text}"
    );
    assert!(text.contains("COPY --from=outer /bin/busybox /busybox\n"), "{text}");
    assert!(text.contains("FROM outer AS app\nCOPY --from=build /go/bin/app-1.23 /app\nENV VERSION=1.23\n"), "{text}");
}
