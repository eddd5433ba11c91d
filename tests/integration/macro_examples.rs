//! The examples written with `dockerfile!` render exactly the bytes of their builder
//! versions: the macro is another way to write the same model.

use crate::common;

use common::examples::{go_alpine, kitchen_sink, node_nginx, rust_chef};
use dockerdsl::{Arg, BuildChecks, Dockerfile, Error, Mount, Sharing, dockerfile};

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
    same(
        "node_nginx",
        node_nginx::dockerfile(),
        Dockerfile::new(&production),
    );
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
    same(
        "rust_chef",
        rust_chef::dockerfile(),
        Dockerfile::new(&runtime),
    );
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
    let text = Dockerfile::new(&app)
        .map(|d| d.to_string())
        .unwrap_or_default();
    assert!(
        text.contains("FROM golang:1.23-alpine AS build\n"),
        "{text}"
    );
    assert!(
        text.contains("RUN --mount=type=cache,target=/go/pkg/mod,sharing=locked go build ./...\n"),
        "{text}"
    );
    assert!(
        text.contains("COPY --from=outer /bin/busybox /busybox\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "FROM outer AS app\nCOPY --from=build /go/bin/app-1.23 /app\nENV VERSION=1.23\n"
        ),
        "{text}"
    );
}

/// Every instruction and flag of the builder, reached from the macro: the kitchen sink.
#[test]
fn kitchen_sink() {
    dockerfile! {
        toolchain = FROM --platform="$BUILDPLATFORM" "golang:${GO_VERSION}-bookworm" {
            ARG TARGETOS;
            ARG TARGETARCH;
            ENV CGO_ENABLED = "0";
            SHELL ["/bin/bash", "-o", "pipefail", "-c"];
            WORKDIR "/src";
        }
        assets = FROM scratch {
            COPY << "User-agent: *\nDisallow:\n" "/robots.txt";
        }
        build = FROM toolchain {
            # "Dependencies first: a source change reuses this layer.";
            RUN --mount=type=bind,target="/src/go.mod",source="go.mod"
                --mount=type=bind,target="/src/go.sum",source="go.sum"
                --mount=type=cache,target="/go/pkg/mod",id="gomod",sharing=locked,mode=0755,uid=0,gid=0
                "go mod download";
            RUN --mount=type=bind,target="/src",rw
                --mount=type=cache,target="/root/.cache/go-build",from=assets,source="/",ro
                --mount=type=tmpfs,target="/tmp",size=67108864
                --mount=type=secret,id="netrc",target="/root/.netrc",env="NETRC_TOKEN",required,mode=0o400,uid=0,gid=0
                --mount=type=ssh,id="default",target="/run/ssh.sock",required,mode=600,uid=0,gid=0
                --network=default
                --security=sandbox
                "GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app ./cmd/app";
            RUN --network=none "go test ./...";
            RUN "set -eu\nmkdir -p /out/etc\necho \"built for $TARGETOS/$TARGETARCH\" > /out/etc/build-info\n";
            RUN ["/out/app", "--version"];
        }
        release = FROM "debian:bookworm-slim" {
            ARG VERSION = "0.0.0-dev";
            LABEL "org.opencontainers.image.title" = "kitchen sink"
                  "org.opencontainers.image.version" = "$VERSION";
            MAINTAINER "Docker DSL <dockerdsl@example.com>";
            ENV APP_HOME = "/srv/app";
            ENV LANG = "C.UTF-8", TZ = "Etc/UTC";
            WORKDIR "$APP_HOME";
            COPY --from=build --chown="10001:10001" --chmod=755 --link "/out/app" "/usr/local/bin/app";
            COPY --parents --exclude="*.local.toml" --exclude="*.secret.json"
                "./config/./*.toml" "./config/./*.json" "/etc/app/";
            COPY --from="nginx:1.27-alpine" "/etc/nginx/mime.types" "/etc/app/";
            COPY --from={dockerdsl::Context::new("static-files")} --chmod="u=rwX,go=rX" "/" "/srv/app/static/";
            COPY --chmod=0o644 << "listen = \"0.0.0.0:8080\"\n" "/etc/app/app.toml";
            ADD --checksum="sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
                --chown="10001" --chmod=640 --link --unpack=true
                "https://example.com/releases/data-1.2.tar.gz" "/srv/app/data/";
            ADD --keep-git-dir "https://github.com/moby/buildkit.git#v0.16.0" "/srv/buildkit";
            ADD --exclude="**/*.md" "vendor.tar.gz" "third_party.tar.xz" "/srv/app/src/";
            COPY --chmod=755 << "#!/bin/sh\nexec /usr/local/bin/app \"$@\"\n" "/usr/local/bin/entrypoint";
            VOLUME "/srv/app/data";
            EXPOSE 8080;
            EXPOSE 5353/udp 9000-9010;
            ONBUILD COPY --from=build "/out/app" "/usr/local/bin/app";
            ONBUILD RUN "echo rebuilding on top of release";
            STOPSIGNAL SIGQUIT;
            HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --start-interval=2s --retries=3
                CMD ["/usr/local/bin/app", "health"];
            USER "10001:10001";
            ENTRYPOINT ["/usr/local/bin/entrypoint"];
            CMD ["serve", "--port", "8080"];
        }
        debug = FROM toolchain {
            HEALTHCHECK NONE;
            RUN "apt-get update"
                && "apt-get install -y --no-install-recommends strace=6.1-0.1"
                && "rm -rf /var/lib/apt/lists/*";
            ENTRYPOINT "exec /usr/local/bin/app serve --debug";
            CMD [];
            COPY --from=build "/out/app" "/usr/local/bin/app";
        }
    }
    let with_macro = Dockerfile::builder()
        .checks(BuildChecks::new().skip("SecretsUsedInArgOrEnv").error(true))
        .arg(Arg::new("GO_VERSION").default("1.23"))
        .target(&debug)
        .target(&release)
        .build();
    same("kitchen_sink", kitchen_sink::dockerfile(), with_macro);
}
