//! Every instruction and every flag of the stable syntax at least once: the parser
//! directives, global and stage ARGs, all five mount types with all their options, heredocs
//! in RUN, COPY and ADD, ONBUILD with a stage reference, and HEALTHCHECK with every timing.
//!
//! Two forms BuildKit reads but hadolint 2.15 cannot parse are left to the snapshot tests,
//! so that this file can be linted whole: `ADD` with a heredoc, and a heredoc under
//! `ONBUILD` (and `EXPOSE` with `/sctp`, which hadolint calls an invalid protocol). `MAINTAINER` is in the model too; it renders as the label
//! `org.opencontainers.image.authors`, as BuildKit recommends. `RUN --device` is left out:
//! it exists only in the labs frontend.
//!
//! ```text
//! cargo run --example kitchen_sink > Dockerfile
//! ```

use dockerdsl::{
    Add, Arg, BuildChecks, Command, Context, Copy, Dockerfile, Healthcheck, Mount, Network,
    Platform, Port, Run, Security, Sharing, Signal, Source, Stage, Texts,
};
use std::time::Duration;

/// The Dockerfile this example prints; the tests snapshot it.
pub fn dockerfile() -> Result<Dockerfile, dockerdsl::Error> {
    let toolchain = Stage::from_image("toolchain", "golang:${GO_VERSION}-bookworm")
        .on_platform(Platform::BUILD)
        .arg("TARGETOS")
        .arg("TARGETARCH")
        .env("CGO_ENABLED", "0")
        .shell(["/bin/bash", "-o", "pipefail", "-c"])
        .workdir("/src");

    let assets = Stage::from_scratch("assets")
        .push(Copy::inline("User-agent: *\nDisallow:\n", "/robots.txt"));

    let build = Stage::from_stage("build", &toolchain)
        .comment("Dependencies first: a source change reuses this layer.")
        .run(
            Run::new("go mod download")
                .mount(Mount::bind("/src/go.mod").source("go.mod"))
                .mount(Mount::bind("/src/go.sum").source("go.sum"))
                .mount(
                    Mount::cache("/go/pkg/mod")
                        .id("gomod")
                        .sharing(Sharing::Locked)
                        .mode(0o755)
                        .uid(0)
                        .gid(0),
                ),
        )
        .run(
            Run::new("GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app ./cmd/app")
                .mount(Mount::bind("/src").rw())
                .mount(Mount::cache("/root/.cache/go-build").from(&assets).source("/").ro())
                .mount(Mount::tmpfs("/tmp").size(64 * 1024 * 1024))
                .mount(
                    Mount::secret("netrc")
                        .target("/root/.netrc")
                        .env("NETRC_TOKEN")
                        .required()
                        .mode(0o400)
                        .uid(0)
                        .gid(0),
                )
                .mount(Mount::ssh().id("default").target("/run/ssh.sock").required().mode(0o600).uid(0).gid(0))
                .network(Network::Default)
                .security(Security::Sandbox),
        )
        .run(Run::new("go test ./...").network(Network::None))
        .run("set -eu\nmkdir -p /out/etc\necho \"built for $TARGETOS/$TARGETARCH\" > /out/etc/build-info\n")
        .run(Run::exec(["/out/app", "--version"]));

    let release = Stage::from_image("release", "debian:bookworm-slim")
        .arg(Arg::new("VERSION").default("0.0.0-dev"))
        .labels([
            ("org.opencontainers.image.title", "kitchen sink"),
            ("org.opencontainers.image.version", "$VERSION"),
        ])
        .maintainer("Docker DSL <dockerdsl@example.com>")
        .env("APP_HOME", "/srv/app")
        .envs([("LANG", "C.UTF-8"), ("TZ", "Etc/UTC")])
        .workdir("$APP_HOME")
        .push(
            Copy::new("/out/app", "/usr/local/bin/app")
                .from(&build)
                .chown("10001:10001")
                .chmod(0o755)
                .link(),
        )
        .push(
            Copy::many(["./config/./*.toml", "./config/./*.json"], "/etc/app/")
                .parents()
                .exclude("*.local.toml")
                .exclude("*.secret.json"),
        )
        .push(
            Copy::new("/etc/nginx/mime.types", "/etc/app/")
                .from(Source::image("nginx:1.27-alpine")),
        )
        .push(
            Copy::new("/", "/srv/app/static/")
                .from(Context::new("static-files"))
                .chmod("u=rwX,go=rX"),
        )
        .push(Copy::inline("listen = \"0.0.0.0:8080\"\n", "/etc/app/app.toml").chmod(0o644))
        .push(
            Add::new(
                "https://example.com/releases/data-1.2.tar.gz",
                "/srv/app/data/",
            )
            .checksum("sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
            .chown("10001")
            .chmod(0o640)
            .link()
            .unpack(true),
        )
        .push(
            Add::new(
                "https://github.com/moby/buildkit.git#v0.16.0",
                "/srv/buildkit",
            )
            .keep_git_dir(true),
        )
        .push(
            Add::many(["vendor.tar.gz", "third_party.tar.xz"], "/srv/app/src/").exclude("**/*.md"),
        )
        .push(
            Copy::inline(
                "#!/bin/sh\nexec /usr/local/bin/app \"$@\"\n",
                "/usr/local/bin/entrypoint",
            )
            .chmod(0o755),
        )
        .volume("/srv/app/data")
        .expose(8080)
        .expose_all([Port::udp(5353), Port::range(9000, 9010)])
        .onbuild(Copy::new("/out/app", "/usr/local/bin/app").from(&build))
        .onbuild(Run::new("echo rebuilding on top of release"))
        .stopsignal(Signal::SIGQUIT)
        .healthcheck(
            Healthcheck::cmd(["/usr/local/bin/app", "health"])
                .interval(Duration::from_secs(30))
                .timeout(Duration::from_secs(5))
                .start_period(Duration::from_secs(10))
                .start_interval(Duration::from_secs(2))
                .retries(3),
        )
        .user("10001:10001")
        .entrypoint(["/usr/local/bin/entrypoint"])
        .cmd(["serve", "--port", "8080"]);

    // A second target, built with `--target debug`; `release` stays the default (last).
    let debug = Stage::from_stage("debug", &toolchain)
        .healthcheck(Healthcheck::None)
        .run(Run::chain([
            "apt-get update",
            "apt-get install -y --no-install-recommends strace=6.1-0.1",
            "rm -rf /var/lib/apt/lists/*",
        ]))
        .entrypoint(Command::shell("exec /usr/local/bin/app serve --debug"))
        .cmd(Command::Exec(Texts::new()))
        .copy_from(&build, "/out/app", "/usr/local/bin/app");

    Dockerfile::builder()
        .checks(BuildChecks::new().skip("SecretsUsedInArgOrEnv").error(true))
        .arg(Arg::new("GO_VERSION").default("1.23"))
        .target(&debug)
        .target(&release)
        .build()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = dockerfile()?.to_string();
    // `| head` may close the pipe before the end, which is no failure (`print!` panics there).
    match std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => Ok(written?),
    }
}
