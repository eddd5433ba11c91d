//! The inputs of the benchmarks: one synthetic multi-stage Dockerfile written in dockerdsl and in
//! each peer's own model, the floor's pre-rendered lines, and the corpus for the parsers.
//!
//! Every stage has the same 20 instructions, of every kind the peers can express: `ARG`, `ENV`,
//! `LABEL`, `WORKDIR`, `COPY --from` an earlier stage, `COPY` with `--chown --chmod --link`,
//! `RUN` with cache, bind and secret mounts, a heredoc script, an `&&` chain, exec form,
//! `ADD --checksum`, an inline file, `EXPOSE`, `VOLUME`, `USER`, `HEALTHCHECK`, `STOPSIGNAL`,
//! `SHELL`, `ENTRYPOINT` and `CMD`. Stage `i` copies from stage `i - 1` and mounts a cache from
//! stage `i / 2`, and every third stage starts from the one before it, so the last stage
//! reaches them all.

use std::path::{Path, PathBuf};

/// The sizes of the render benchmarks, in stages.
pub const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

/// The shell script each stage runs as a heredoc.
const SCRIPT: &str = "set -eu\nmkdir -p /out/etc\necho \"built $VERSION\" > /out/etc/build-info\n";

/// The inline configuration file each stage writes.
const CONFIG: &str = "listen = \"0.0.0.0:8080\"\nworkers = 4\n";

/// The arguments of the profilers in `examples/` that take a size (`profile_render`,
/// `profile_whole`, `profile_user`): `STAGES TIMES [PART]`. A number that is missing or not a
/// number takes its default; the part is empty when absent.
pub fn profile_args(stages: usize, times: usize) -> (usize, usize, String) {
    let mut args = std::env::args().skip(1);
    let mut number = |default| {
        args.next()
            .and_then(|a| a.parse::<usize>().ok())
            .unwrap_or(default)
    };
    let (stages, times) = (number(stages), number(times));
    (stages, times, args.next().unwrap_or_default())
}

/// Stage `i`'s name.
pub fn stage_name(i: usize) -> String {
    format!("s{i}")
}

/// What stage `i` refers to: `(FROM stage, COPY --from stage, cache mount's from stage)`.
fn refs(i: usize) -> (Option<usize>, Option<usize>, Option<usize>) {
    if i == 0 {
        return (None, None, None);
    }
    let from = (i % 3 == 1).then(|| i - 1);
    (from, Some(i - 1), Some(i / 2))
}

/// dockerdsl: the builder API, as a user writes it.
pub mod dsl {
    use super::{CONFIG, SCRIPT, refs, stage_name};
    use dockerdsl::{Add, Copy, Dockerfile, Healthcheck, Mount, Port, Run, Sharing, Signal, Stage};
    use std::time::Duration;

    /// The stages `0..n`, each built with chained calls; the last one reaches every other.
    pub fn stages(n: usize) -> Vec<Stage> {
        let mut stages: Vec<Stage> = Vec::with_capacity(n);
        for i in 0..n {
            let name = stage_name(i);
            let (from, copy_from, mount_from) = refs(i);
            let mut s = match from {
                Some(f) => Stage::from_stage(&name, &stages[f]),
                None => Stage::from_image(&name, "debian:bookworm-slim"),
            };
            s = s
                .arg(dockerdsl::Arg::new("VERSION").default(format!("1.{i}")))
                .envs([
                    ("APP_HOME", format!("/srv/{name}")),
                    ("PATH", format!("/srv/{name}/bin:$PATH")),
                ])
                .labels([
                    ("org.opencontainers.image.title", format!("stage {i}")),
                    ("org.example.index", i.to_string()),
                ])
                .workdir(format!("/srv/{name}"));
            if let Some(c) = copy_from {
                s = s.push(Copy::new("/out/", format!("/opt/{}/", stage_name(c))).from(&stages[c]));
            }
            let mut cache = Mount::cache("/root/.cache")
                .id(format!("cache-{i}"))
                .sharing(Sharing::Locked);
            if let Some(m) = mount_from {
                cache = cache.from(&stages[m]).source("/cache");
            }
            s = s
                .push(
                    Copy::new("src/", "./src/")
                        .chown("10001:10001")
                        .chmod(0o755)
                        .link(),
                )
                .run(
                    Run::new("make -j4 build")
                        .mount(cache)
                        .mount(Mount::bind("/src/Makefile").source("Makefile")),
                )
                .run(Run::new("make install").mount(Mount::secret("netrc").env("NETRC")))
                .run(SCRIPT)
                .run(Run::chain([
                    "apt-get update",
                    "apt-get install -y --no-install-recommends ca-certificates",
                    "rm -rf /var/lib/apt/lists/*",
                ]))
                .run(Run::exec(["/usr/local/bin/app", "--version"]))
                .push(
                    Add::new(
                        "https://example.com/releases/data-1.2.tar.gz",
                        "/srv/data/",
                    )
                    .checksum(
                        "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
                    ),
                )
                .push(Copy::inline(CONFIG, "/etc/app/app.toml"))
                .expose_all([Port::tcp(8080), Port::range(9000, 9010).protocol(dockerdsl::Protocol::Udp)])
                .volume("/srv/data")
                .user("10001:10001")
                .healthcheck(
                    Healthcheck::cmd(["/usr/local/bin/app", "health"])
                        .interval(Duration::from_secs(30))
                        .timeout(Duration::from_secs(5))
                        .retries(3),
                )
                .stopsignal(Signal::SIGTERM)
                .shell(["/bin/sh", "-c"])
                .entrypoint(["/usr/local/bin/app"])
                .cmd(["serve", "--port", "8080"]);
            stages.push(s);
        }
        stages
    }

    /// The `Dockerfile` of `n` stages, made as a user makes it: stages, then `Dockerfile::new`.
    pub fn make(n: usize) -> Dockerfile {
        let stages = stages(n);
        match stages.last().map(Dockerfile::new) {
            Some(Ok(df)) => df,
            Some(Err(e)) => panic!("the synthetic Dockerfile is invalid:\n{e}"),
            None => panic!("no stages"),
        }
    }
}

/// The floor: the same bytes as dockerdsl's output, from lines rendered beforehand.
pub mod floor {
    /// dockerdsl's output cut into lines, each with its newline.
    pub fn lines(rendered: &str) -> Vec<String> {
        rendered.split_inclusive('\n').map(str::to_owned).collect()
    }

    /// The lines concatenated into one `String`, grown as it goes (as a renderer's is).
    pub fn concat(lines: &[String]) -> String {
        let mut out = String::new();
        for line in lines {
            out.push_str(line);
        }
        out
    }
}

/// Instructions as the text after the keyword, cut from rendered output: what the peers whose
/// model is text take (dockerfile_builder keeps each instruction as its rendered text).
pub mod chunks {
    /// Keywords that start an instruction in the synthetic Dockerfile.
    const KEYWORDS: [&str; 17] = [
        "FROM",
        "ARG",
        "ENV",
        "LABEL",
        "WORKDIR",
        "COPY",
        "RUN",
        "ADD",
        "EXPOSE",
        "VOLUME",
        "USER",
        "HEALTHCHECK",
        "STOPSIGNAL",
        "SHELL",
        "ENTRYPOINT",
        "CMD",
        "#",
    ];

    /// One instruction: its keyword and the rest of its text (continuation lines and heredoc
    /// bodies included, without the final newline); a blank line is `("", "")`.
    pub fn split(rendered: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for line in rendered.lines() {
            let keyword = line.split(' ').next().unwrap_or("");
            if line.is_empty() {
                out.push((String::new(), String::new()));
            } else if KEYWORDS.contains(&keyword) && !line.starts_with("EOF") {
                let rest = line[keyword.len()..].trim_start().to_owned();
                out.push((keyword.to_owned(), rest));
            } else if let Some((_, rest)) = out.last_mut() {
                rest.push('\n');
                rest.push_str(line);
            }
        }
        out
    }
}

/// dockerfile_builder 0.1.6: each instruction is a typed value holding its text (its builders
/// format the text when they are built), so the model is made from dockerdsl's output.
pub mod builder {
    use dockerfile_builder::Dockerfile;
    use dockerfile_builder::instruction::{
        ADD, ARG, CMD, COPY, ENTRYPOINT, ENV, EXPOSE, FROM, HEALTHCHECK, Instruction, LABEL, RUN,
        SHELL, STOPSIGNAL, USER, VOLUME, WORKDIR,
    };

    /// The model of the rendered Dockerfile `rendered`.
    pub fn model(rendered: &str) -> Dockerfile {
        let mut df = Dockerfile::new();
        for (keyword, rest) in super::chunks::split(rendered) {
            let instruction: Instruction = match keyword.as_str() {
                "FROM" => FROM::from(rest).into(),
                "ARG" => ARG::from(rest).into(),
                "ENV" => ENV::from(rest).into(),
                "LABEL" => LABEL::from(rest).into(),
                "WORKDIR" => WORKDIR::from(rest).into(),
                "COPY" => COPY::from(rest).into(),
                "RUN" => RUN::from(rest).into(),
                "ADD" => ADD::from(rest).into(),
                "EXPOSE" => EXPOSE::from(rest).into(),
                "VOLUME" => VOLUME::from(rest).into(),
                "USER" => USER::from(rest).into(),
                "HEALTHCHECK" => HEALTHCHECK::from(rest).into(),
                "STOPSIGNAL" => STOPSIGNAL::from(rest).into(),
                "SHELL" => SHELL::from(rest).into(),
                "ENTRYPOINT" => ENTRYPOINT::from(rest).into(),
                "CMD" => CMD::from(rest).into(),
                _ => Instruction::ANY(format!("{keyword} {rest}").trim().to_owned()),
            };
            df.push(instruction);
        }
        df
    }
}

/// dockerfile_builder 0.1.6 written as its users write it: the same Dockerfile from the stage
/// index, each instruction through its typed builder where it has one (`FromBuilder`,
/// `CopyBuilder`, `RunExecBuilder`, ...) and as text where it has none (mounts, heredocs,
/// a port range; its `HealthcheckBuilder` writes `--interal`, so `HEALTHCHECK` is text too).
/// What the whole-path benchmark times: building this model, then its `to_string`.
pub mod builder_typed {
    use super::{CONFIG, SCRIPT, refs, stage_name};
    use dockerfile_builder::Dockerfile;
    use dockerfile_builder::instruction::{COPY, EXPOSE, HEALTHCHECK, RUN};
    use dockerfile_builder::instruction_builder::{
        AddHttpBuilder, ArgBuilder, CmdExecBuilder, CopyBuilder, EntrypointExecBuilder, EnvBuilder,
        ExposeBuilder, FromBuilder, LabelBuilder, PortProtocol, RunBuilder, RunExecBuilder,
        ShellBuilder, StopsignalBuilder, UserBuilder, VolumeBuilder, WorkdirBuilder,
    };
    use std::fmt::Display;

    /// Its builders return `anyhow::Result`; the synthetic values are valid.
    fn ok<T, E: Display>(r: Result<T, E>) -> T {
        r.unwrap_or_else(|e| panic!("dockerfile_builder: {e}"))
    }

    /// The model of the synthetic Dockerfile of `n` stages.
    pub fn model(n: usize) -> Dockerfile {
        let mut df = Dockerfile::new();
        df.syntax("docker/dockerfile:1");
        for i in 0..n {
            let name = stage_name(i);
            let (from, copy_from, mount_from) = refs(i);
            df.push_any("");
            df.push(ok(match from {
                Some(f) => FromBuilder::builder()
                    .image(stage_name(f))
                    .name(name.as_str())
                    .build(),
                None => FromBuilder::builder()
                    .image("debian")
                    .tag("bookworm-slim")
                    .name(name.as_str())
                    .build(),
            }));
            df.push(ok(ArgBuilder::builder()
                .name("VERSION")
                .value(format!("1.{i}"))
                .build()));
            df.push(ok(EnvBuilder::builder()
                .key("APP_HOME")
                .value(format!("/srv/{name}"))
                .build()));
            df.push(ok(EnvBuilder::builder()
                .key("PATH")
                .value(format!("/srv/{name}/bin:$PATH"))
                .build()));
            df.push(ok(LabelBuilder::builder()
                .key("org.opencontainers.image.title")
                .value(format!("stage {i}"))
                .build()));
            df.push(ok(LabelBuilder::builder()
                .key("org.example.index")
                .value(i.to_string())
                .build()));
            df.push(ok(WorkdirBuilder::builder()
                .path(format!("/srv/{name}"))
                .build()));
            if let Some(c) = copy_from {
                df.push(ok(CopyBuilder::builder()
                    .src("/out/")
                    .dest(format!("/opt/{}/", stage_name(c)))
                    .from(stage_name(c))
                    .build()));
            }
            df.push(ok(CopyBuilder::builder()
                .src("src/")
                .dest("./src/")
                .chown("10001:10001")
                .chmod(755)
                .link(true)
                .build()));
            let cache_from = mount_from
                .map(|m| format!(",from={},source=/cache", stage_name(m)))
                .unwrap_or_default();
            df.push(RUN::from(format!(
                "--mount=type=cache,target=/root/.cache,id=cache-{i},sharing=locked{cache_from} \\\n    --mount=type=bind,target=/src/Makefile,source=Makefile \\\n    make -j4 build"
            )));
            df.push(RUN::from(
                "--mount=type=secret,id=netrc,env=NETRC make install",
            ));
            df.push(RUN::from(format!("<<EOF\n{SCRIPT}EOF\n")));
            df.push(ok(RunBuilder::builder()
                .command("apt-get update")
                .command("apt-get install -y --no-install-recommends ca-certificates")
                .command("rm -rf /var/lib/apt/lists/*")
                .build()));
            df.push(ok(RunExecBuilder::builder()
                .executable("/usr/local/bin/app")
                .param("--version")
                .build()));
            df.push(ok(AddHttpBuilder::builder()
                .src("https://example.com/releases/data-1.2.tar.gz")
                .dest("/srv/data/")
                .checksum("sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
                .build()));
            df.push(COPY::from(format!(
                "<<\"EOF\" /etc/app/app.toml\n{CONFIG}EOF\n"
            )));
            df.push(ok(ExposeBuilder::builder()
                .port(8080)
                .protocol(PortProtocol::Tcp)
                .build()));
            df.push(EXPOSE::from("9000-9010/udp"));
            df.push(ok(VolumeBuilder::builder().path("/srv/data").build()));
            df.push(ok(UserBuilder::builder()
                .user("10001")
                .group("10001")
                .build()));
            df.push(HEALTHCHECK::from(
                "--interval=30s --timeout=5s --retries=3 CMD [\"/usr/local/bin/app\", \"health\"]",
            ));
            df.push(ok(StopsignalBuilder::builder().signal("SIGTERM").build()));
            df.push(ok(ShellBuilder::builder()
                .executable("/bin/sh")
                .param("-c")
                .build()));
            df.push(ok(EntrypointExecBuilder::builder()
                .executable("/usr/local/bin/app")
                .build()));
            df.push(ok(CmdExecBuilder::builder()
                .executable("serve")
                .param("--port")
                .param("8080")
                .build()));
        }
        df
    }
}

/// dockerfile-parser-rs 3.4.0: its AST, one `Instruction` per line or instruction. It has no
/// `HEALTHCHECK`, and one raw `--mount` string per `RUN`; those go in as raw text.
pub mod dfp {
    use super::{CONFIG, SCRIPT, refs, stage_name};
    use dockerfile_parser_rs::{Dockerfile, Instruction};
    use std::collections::BTreeMap;

    fn s(v: &str) -> String {
        v.to_owned()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| s(x)).collect()
    }

    fn heredoc(body: &str) -> Option<Vec<String>> {
        let mut lines: Vec<String> = body.lines().map(s).collect();
        lines.push(s("EOF"));
        Some(lines)
    }

    fn run(
        mount: Option<String>,
        command: Vec<String>,
        heredoc: Option<Vec<String>>,
    ) -> Instruction {
        Instruction::Run {
            mount,
            network: None,
            security: None,
            command,
            heredoc,
        }
    }

    /// The model of the synthetic Dockerfile of `n` stages.
    pub fn model(n: usize) -> Dockerfile {
        let mut out = vec![Instruction::Comment(s("# syntax=docker/dockerfile:1"))];
        for i in 0..n {
            let name = stage_name(i);
            let (from, copy_from, mount_from) = refs(i);
            out.push(Instruction::Empty {});
            out.push(Instruction::From {
                platform: None,
                image: from.map_or_else(|| s("debian:bookworm-slim"), stage_name),
                alias: Some(name.clone()),
            });
            out.push(Instruction::Arg(BTreeMap::from([(
                s("VERSION"),
                Some(format!("1.{i}")),
            )])));
            out.push(Instruction::Env(BTreeMap::from([
                (s("APP_HOME"), format!("/srv/{name}")),
                (s("PATH"), format!("/srv/{name}/bin:$PATH")),
            ])));
            out.push(Instruction::Label(BTreeMap::from([
                (s("org.opencontainers.image.title"), format!("stage {i}")),
                (s("org.example.index"), i.to_string()),
            ])));
            out.push(Instruction::Workdir {
                path: format!("/srv/{name}"),
            });
            if let Some(c) = copy_from {
                out.push(Instruction::Copy {
                    from: Some(stage_name(c)),
                    chown: None,
                    chmod: None,
                    link: None,
                    sources: vec![s("/out/")],
                    destination: format!("/opt/{}/", stage_name(c)),
                });
            }
            out.push(Instruction::Copy {
                from: None,
                chown: Some(s("10001:10001")),
                chmod: Some(s("0755")),
                link: Some(s("true")),
                sources: vec![s("src/")],
                destination: s("./src/"),
            });
            let mut cache = format!("type=cache,target=/root/.cache,id=cache-{i},sharing=locked");
            if let Some(m) = mount_from {
                cache.push_str(&format!(",from={},source=/cache", stage_name(m)));
            }
            cache.push_str(" --mount=type=bind,target=/src/Makefile,source=Makefile");
            out.push(run(Some(cache), strings(&["make", "-j4", "build"]), None));
            out.push(run(
                Some(s("type=secret,id=netrc,env=NETRC")),
                strings(&["make", "install"]),
                None,
            ));
            out.push(run(None, strings(&["<<EOF"]), heredoc(SCRIPT)));
            out.push(run(
                None,
                strings(&[
                    "apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*",
                ]),
                None,
            ));
            out.push(run(
                None,
                strings(&["[\"/usr/local/bin/app\", \"--version\"]"]),
                None,
            ));
            out.push(Instruction::Add {
                checksum: Some(s(
                    "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
                )),
                chown: None,
                chmod: None,
                link: None,
                sources: vec![s("https://example.com/releases/data-1.2.tar.gz")],
                destination: s("/srv/data/"),
            });
            // COPY with a heredoc is not in its model: its raw-line escape hatch is a comment.
            out.push(Instruction::Comment(format!(
                "COPY <<\"EOF\" /etc/app/app.toml\n{CONFIG}EOF"
            )));
            out.push(Instruction::Expose {
                ports: strings(&["8080/tcp", "9000-9010/udp"]),
            });
            out.push(Instruction::Volume {
                mounts: strings(&["/srv/data"]),
            });
            out.push(Instruction::User {
                user: s("10001"),
                group: Some(s("10001")),
            });
            out.push(Instruction::Comment(s(
                "HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD [\"/usr/local/bin/app\", \"health\"]",
            )));
            out.push(Instruction::Stopsignal {
                signal: s("SIGTERM"),
            });
            out.push(Instruction::Shell(strings(&["/bin/sh", "-c"])));
            out.push(Instruction::Entrypoint(strings(&["/usr/local/bin/app"])));
            out.push(Instruction::Cmd(strings(&["serve", "--port", "8080"])));
        }
        Dockerfile::new(out)
    }

    /// Its text, as its `Dockerfile::dump` writes it (one `writeln!` per instruction), into a
    /// `String` instead of a file.
    pub fn to_text(df: &Dockerfile) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for i in &df.instructions {
            let _ = writeln!(out, "{i}");
        }
        out
    }
}

/// dofigen 2.9.0: its serde model (YAML parsing left out). Its stages have a fixed instruction
/// order and one `RUN` each (plus a root `RUN`); the runtime stage alone has `EXPOSE`,
/// `VOLUME`, `HEALTHCHECK`, `ENTRYPOINT` and `CMD`.
pub mod dofigen {
    use super::{CONFIG, SCRIPT, refs, stage_name};
    use dofigen_lib::{
        Add, Bind, Cache, CacheSharing, Copy, CopyContent, CopyOptions, CopyResource, Dofigen,
        FromContext, Healthcheck, ImageName, Port, PortProtocol, Resource, Run, Secret, Stage,
        User,
    };
    use std::collections::HashMap;

    /// The largest size dofigen is timed at: its time grew 500-fold from 100 to 1,000 stages
    /// (2 to 5 s an iteration at 1,000 here), so 10,000 stages would take hours.
    pub const MAX_STAGES: usize = 1_000;

    fn s(v: &str) -> String {
        v.to_owned()
    }

    fn stage(i: usize) -> Stage {
        let name = stage_name(i);
        let (from, copy_from, mount_from) = refs(i);
        let from = match from {
            Some(f) => FromContext::FromBuilder(stage_name(f)),
            None => FromContext::FromImage(ImageName {
                path: s("debian"),
                version: Some(dofigen_lib::ImageVersion::Tag(s("bookworm-slim"))),
                ..Default::default()
            }),
        };
        let mut copy = Vec::new();
        if let Some(c) = copy_from {
            copy.push(CopyResource::Copy(Copy {
                from: FromContext::FromBuilder(stage_name(c)),
                paths: vec![s("/out/")],
                options: CopyOptions {
                    target: Some(format!("/opt/{}/", stage_name(c))),
                    ..Default::default()
                },
                ..Default::default()
            }));
        }
        copy.push(CopyResource::Copy(Copy {
            paths: vec![s("src/")],
            options: CopyOptions {
                target: Some(s("./src/")),
                chown: Some(User {
                    user: s("10001"),
                    group: Some(s("10001")),
                }),
                chmod: Some(s("0755")),
                link: Some(true),
            },
            ..Default::default()
        }));
        copy.push(CopyResource::Add(Add {
            files: vec![Resource::Url(
                "https://example.com/releases/data-1.2.tar.gz"
                    .parse()
                    .unwrap_or_else(|e| panic!("url: {e}")),
            )],
            options: CopyOptions {
                target: Some(s("/srv/data/")),
                ..Default::default()
            },
            checksum: Some(s(
                "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
            )),
            ..Default::default()
        }));
        copy.push(CopyResource::Content(CopyContent {
            content: s(CONFIG),
            options: CopyOptions {
                target: Some(s("/etc/app/app.toml")),
                ..Default::default()
            },
            ..Default::default()
        }));
        let cache = Cache {
            id: Some(format!("cache-{i}")),
            target: s("/root/.cache"),
            sharing: Some(CacheSharing::Locked),
            from: mount_from.map_or(FromContext::default(), |m| {
                FromContext::FromBuilder(stage_name(m))
            }),
            source: mount_from.map(|_| s("/cache")),
            ..Default::default()
        };
        Stage {
            from,
            label: HashMap::from([
                (s("org.opencontainers.image.title"), format!("stage {i}")),
                (s("org.example.index"), i.to_string()),
            ]),
            user: Some(User {
                user: s("10001"),
                group: Some(s("10001")),
            }),
            workdir: Some(format!("/srv/{name}")),
            arg: HashMap::from([(s("VERSION"), format!("1.{i}"))]),
            env: HashMap::from([
                (s("APP_HOME"), format!("/srv/{name}")),
                (s("PATH"), format!("/srv/{name}/bin:$PATH")),
            ]),
            copy,
            root: Some(Run {
                run: vec![
                    s("apt-get update"),
                    s("apt-get install -y --no-install-recommends ca-certificates"),
                    s("rm -rf /var/lib/apt/lists/*"),
                ],
                secret: vec![Secret {
                    id: Some(s("netrc")),
                    env: Some(s("NETRC")),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            run: Run {
                run: vec![s("make -j4 build"), s("make install"), s(SCRIPT.trim_end())],
                cache: vec![cache],
                bind: vec![Bind {
                    target: s("/src/Makefile"),
                    source: Some(s("Makefile")),
                    ..Default::default()
                }],
                ..Default::default()
            },
        }
    }

    /// The model of the synthetic Dockerfile of `n` stages (`n - 1` builders and the runtime).
    pub fn model(n: usize) -> Dofigen {
        let builders = (0..n.saturating_sub(1))
            .map(|i| (stage_name(i), stage(i)))
            .collect();
        Dofigen {
            builders,
            stage: stage(n.saturating_sub(1)),
            entrypoint: vec![s("/usr/local/bin/app")],
            cmd: vec![s("serve"), s("--port"), s("8080")],
            volume: vec![s("/srv/data")],
            expose: vec![
                Port {
                    port: 8080,
                    protocol: Some(PortProtocol::Tcp),
                },
                Port {
                    port: 9000,
                    protocol: Some(PortProtocol::Udp),
                },
            ],
            healthcheck: Some(Healthcheck {
                cmd: s("/usr/local/bin/app health"),
                interval: Some(s("30s")),
                timeout: Some(s("5s")),
                retries: Some(3),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// Its text: what `dofigen generate` does after parsing (lint, then generate).
    pub fn to_text(model: Dofigen) -> String {
        dofigen_lib::GenerationContext::from(model)
            .generate_dockerfile()
            .unwrap_or_else(|e| panic!("dofigen: {e}"))
    }
}

/// The corpus the parsers read: `DOCKERDSL_CORPUS`, else `../shared/corpus` next to the repo.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("DOCKERDSL_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    }
}

/// Every Dockerfile under the corpus, sorted by path: `(path, text)`.
pub fn corpus() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![corpus_dir()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains("Dockerfile"))
            {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files.push((path, text));
                }
            }
        }
    }
    files.sort();
    files
}

/// A parser's name, and a function that parses one file and says whether it accepted it.
pub type Parser = (&'static str, fn(&str) -> bool);

/// The parsers the parser benchmark compares. dockerdsl's builds the whole model (every
/// stage, validated, with a source map), the others a syntax tree.
pub const PARSERS: &[Parser] = &[
    ("dockerdsl", |text| dockerdsl::parse(text).is_ok()),
    ("parse-dockerfile", |text| {
        parse_dockerfile::parse(text).is_ok()
    }),
    ("dockerfile-parser-rs", |text| {
        text.parse::<dockerfile_parser_rs::Dockerfile>().is_ok()
    }),
];

/// The readers of the syntax layer issue's benchmark: dockerdsl's lossless tree
/// (`dockerdsl::syntax::read`), the tree and every instruction's flags and arguments with
/// their spans (`Instruction::flags_and_args`, which the tree reads on demand), the tree
/// lowered into the model as `check` and `fmt` read it (`dockerdsl::parse_faithfully`: the
/// tree, then the lowering), and parse-dockerfile.
pub const SYNTAX_READERS: &[Parser] = &[
    ("dockerdsl-syntax", |text| {
        dockerdsl::syntax::read(text).is_ok()
    }),
    ("dockerdsl-syntax+args", |text| {
        dockerdsl::syntax::read(text).is_ok_and(|tree| {
            let read: usize = tree
                .instructions()
                .map(|i| {
                    let (flags, args) = i.flags_and_args();
                    flags.len() + args.words().len()
                })
                .sum();
            std::hint::black_box(read);
            true
        })
    }),
    ("dockerdsl-syntax+lowering", |text| {
        dockerdsl::parse_faithfully(text).is_ok()
    }),
    ("parse-dockerfile", |text| {
        parse_dockerfile::parse(text).is_ok()
    }),
];

/// The corpus files both the syntax layer and parse-dockerfile accept, and how many each
/// reader of [`SYNTAX_READERS`] accepts out of the whole corpus.
pub fn syntax_corpus() -> (Vec<String>, Vec<(&'static str, usize)>, usize) {
    let files = corpus();
    let accepted = SYNTAX_READERS
        .iter()
        .map(|(name, parse)| (*name, files.iter().filter(|(_, t)| parse(t)).count()))
        .collect();
    let common = files
        .iter()
        .filter(|(_, t)| dockerdsl::syntax::read(t).is_ok() && parse_dockerfile::parse(t).is_ok())
        .map(|(_, t)| t.clone())
        .collect();
    (common, accepted, files.len())
}

/// The corpus files every parser in [`PARSERS`] accepts, so each one parses the same bytes,
/// and how many files each accepts out of the whole corpus.
pub fn common_corpus() -> (Vec<String>, Vec<(&'static str, usize)>, usize) {
    let files = corpus();
    let accepted = PARSERS
        .iter()
        .map(|(name, parse)| (*name, files.iter().filter(|(_, t)| parse(t)).count()))
        .collect();
    let common = files
        .iter()
        .filter(|(_, t)| PARSERS.iter().all(|(_, parse)| parse(t)))
        .map(|(_, t)| t.clone())
        .collect();
    (common, accepted, files.len())
}
