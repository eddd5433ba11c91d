//! Build plans (`dockerdsl::bake`): the example's Bake files snapshotted, every problem of a
//! bad plan reported at once, and every file the tests write read back by Buildx itself
//! (`docker-buildx bake --print`): what it resolves must be what the model says, and the
//! JSON and HCL of one plan must resolve the same.

use crate::common;
use common::examples::bake as example;
use dockerdsl::bake::{AnnotationLevel, Cache, ContextSource, Group, Output, Plan, Secret, Target};
use dockerdsl::{Context, Dockerfile, Mount, Platform, Run, Stage};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The example's source and what it writes, in one snapshot; not with `common::snapshot_io`,
/// whose `rendered` part the oracle tests read as a Dockerfile.
fn snapshot(name: &str, input: &str, output: &str) {
    let text = format!("{}\n{output}", input.trim_end());
    insta::with_settings!({
        omit_expression => true,
        prepend_module_to_snapshot => false,
        snapshot_path => "snapshots",
    }, {
        insta::assert_snapshot!(format!("bake__{name}"), text);
    });
}

#[test]
fn example_plan_json() {
    let plan = example::plan().unwrap_or_else(|e| panic!("{e}"));
    let mut files = String::new();
    for (path, dockerfile) in plan.dockerfiles() {
        files.push_str(&format!("----- {path} -----\n{dockerfile}"));
    }
    snapshot(
        "example_json",
        common::example_fn(include_str!("../../examples/bake.rs"), "pub fn plan"),
        &format!("----- docker-bake.json -----\n{}{files}", plan.to_json()),
    );
    assert_eq!(plan.to_json(), plan.clone().to_json());
    let names: Vec<&str> = plan.targets().iter().map(Target::name).collect();
    assert_eq!(names, ["go", "site"]);
    assert_eq!(plan.groups()[0].members(), ["go", "site"]);
    let files: Vec<String> = plan.dockerfiles().into_iter().map(|(p, _)| p).collect();
    assert_eq!(files, ["go/Dockerfile", "site/Dockerfile"]);
}

#[cfg(feature = "hcl")]
#[test]
fn example_plan_hcl() {
    let plan = example::plan().unwrap_or_else(|e| panic!("{e}"));
    snapshot(
        "example_hcl",
        common::example_fn(include_str!("../../examples/bake.rs"), "pub fn plan"),
        &format!("----- docker-bake.hcl -----\n{}", plan.to_hcl()),
    );
}

/// A Dockerfile using every kind of thing a target is checked against: global and stage
/// ARGs, a secret, a named context, and the platform arguments.
fn graph() -> (Dockerfile, Stage, Stage) {
    let build = Stage::from_image("build", "golang:1.23")
        .on_platform(Platform::BUILD)
        .arg("VERSION")
        .copy_from(Context::new("assets"), "/", "/assets/")
        .run(
            Run::new("GOOS=$TARGETOS GOARCH=$TARGETARCH go build -ldflags=-X=v=$VERSION .")
                .mount(Mount::secret("netrc"))
                .mount(Mount::secret("token").env("TOKEN")),
        )
        .declare_platform_args();
    let app = Stage::from_scratch("app").copy_from(&build, "/out/app", "/app");
    let df = Dockerfile::builder()
        .arg("BASE_TAG")
        .target(&app)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    (df, build, app)
}

/// A plan with every attribute: two Dockerfiles, a `target:` context, groups.
fn full_plan(dir: &Path) -> Plan {
    let (df, _, app) = graph();
    let base = Stage::from_image("assets", "alpine:3.20").run("mkdir /data");
    let base_df = Dockerfile::new(&base).unwrap_or_else(|e| panic!("{e}"));
    let assets = Target::new("assets", &base_df, &base)
        .context("assets")
        .platform("linux/amd64");
    let netrc = dir.join("netrc");
    std::fs::write(&netrc, "machine example.com\n").unwrap();
    let app = Target::new("app", &df, &app)
        .context("app")
        .dockerfile_path("build/Dockerfile")
        .platforms(["linux/amd64", "linux/arm64", "linux/arm/v7"])
        .tag("example.com/app:1.0")
        .tag("example.com/app:latest")
        .arg("VERSION", "1.0 ${not-a-variable} %{ not-a-directive }")
        .arg("BASE_TAG", "3.20")
        .arg("HTTP_PROXY", "http://127.0.0.1:3128")
        .secret(Secret::file("netrc", netrc.to_str().unwrap()))
        .secret(Secret::env("token", "TOKEN"))
        .named_context(&Context::new("assets"), ContextSource::target(&assets))
        .cache_from(Cache::registry("example.com/app:cache"))
        .cache_from(Cache::local("/tmp/cache"))
        .cache_to(Cache::local("/tmp/cache").mode_max())
        .cache_to(Cache::inline())
        .output(Output::local("out, with a comma"))
        .output(Output::Image {
            name: Some("example.com/app:1.0".into()),
            push: true,
        })
        .label("org.opencontainers.image.title", "app \"quoted\"\nnew line")
        .label("com.example.empty", "")
        .annotation("org.opencontainers.image.description", "the app")
        .annotation_on(
            AnnotationLevel::Index,
            "org.opencontainers.image.title",
            "app",
        )
        .pull(true)
        .no_cache(false);
    let site = {
        let s = Stage::from_image("site", "nginx:1.27").expose(80);
        let d = Dockerfile::new(&s).unwrap_or_else(|e| panic!("{e}"));
        Target::new("site", &d, &s).context("site").no_cache(true)
    };
    let apps = Group::new("apps").target(&app).target(&site);
    Plan::builder()
        .group(Group::default_group().group(&apps).target(&assets))
        .group(apps)
        .target(site)
        .target(app)
        .target(assets)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn full_plan_json() {
    let dir = temp("full_plan_json");
    let plan = full_plan(&dir);
    let json = plan.to_json().replace(dir.to_str().unwrap(), "TMP");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("bake__full_plan_json", json);
    });
    assert!(plan.warnings().is_empty(), "{:?}", plan.warnings());
}

#[test]
fn every_problem_at_once() {
    let (df, build, app) = graph();
    let other = Stage::from_image("other", "alpine:3.20");
    let bad = Target::new("app", &df, &app)
        .arg("VERSOIN", "1")
        .arg("TARGETARCH", "arm64")
        .arg("NOT_DECLARED_ANYWHERE", "x")
        .platform("linux")
        .platform("$BUILDPLATFORM")
        .platform("linux/amd64")
        .platform("linux/amd64")
        .tag("Not A Tag")
        .secret(Secret::env("netrcc", "NETRC"))
        .named_context(&Context::new("asets"), ContextSource::path("assets"))
        .cache_from(Cache::inline())
        .output(Output::Registry);
    let twice = Target::new("app", &df, &app);
    let not_in_file = Target::new("other", &df, &other);
    let bad_name = Target::new("no spaces", &df, &build);
    let missing = Target::new("missing", &df, &app);
    let err = Plan::builder()
        .target(bad)
        .target(twice)
        .target(not_in_file)
        .target(bad_name)
        .group(Group::default_group().target(&missing))
        .build()
        .unwrap_err();
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("bake__every_problem_at_once", err.to_string());
    });
    let located = err
        .problems()
        .iter()
        .all(|p| p.target().is_some() || p.group().is_some());
    assert!(located, "{err}");
}

#[test]
fn unused_secret_is_a_warning() {
    let (df, _, app) = graph();
    let plan = Plan::builder()
        .target(
            Target::new("app", &df, &app)
                .named_context(&Context::new("assets"), ContextSource::path("assets"))
                .secret(Secret::env("netrc", "NETRC"))
                .secret(Secret::env("token", "TOKEN"))
                .secret(Secret::env("tokn", "TOKEN")),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = plan.warnings().iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "target `app`, secret: no `RUN --mount=type=secret` of the target uses secret `tokn`\n  \
          = help: did you mean `token`?"
        ]
    );
}

#[test]
fn platform_args_are_declared_where_used() {
    let (df, _, _) = graph();
    let text = df.to_string();
    assert!(
        text.contains(
            "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n\
             ARG TARGETOS\n\
             ARG TARGETARCH\n\
             ARG VERSION\n"
        ),
        "{text}"
    );
    // Declared once: a second call finds them declared.
    let (_, build, _) = graph();
    assert_eq!(build.clone().declare_platform_args(), build);
}

// ---- Buildx reads the files back -----------------------------------------------------

/// `docker-buildx`, from `DOCKERDSL_TOOLS` (set by `.ci/run`) or `DOCKERDSL_BUILDX` (a
/// user's own `docker buildx`); `None` says the test is skipped.
fn buildx(test: &str) -> Option<PathBuf> {
    if let Some(b) = std::env::var_os("DOCKERDSL_BUILDX") {
        return Some(PathBuf::from(b));
    }
    let tools = common::tools(test)?;
    Some(tools.join("bin/docker-buildx"))
}

fn temp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("bake")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `docker-buildx bake --print` of `file` in `dir`: the resolved definition.
fn print(buildx: &Path, dir: &Path, file: &str, names: &[&str]) -> Value {
    let config = dir.join("docker-config");
    std::fs::create_dir_all(&config).unwrap();
    let output = Command::new(buildx)
        .current_dir(dir)
        .env("DOCKER_CONFIG", &config)
        .args(["bake", "--print", "--progress", "quiet", "-f", file])
        .args(names)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", buildx.display()));
    assert!(
        output.status.success(),
        "bake --print -f {file} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "bake --print -f {file} printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// A string as `--print` shows a value: templates escaped again.
fn shown(s: &str) -> Value {
    Value::String(s.replace("${", "$${").replace("%{", "%%{"))
}

/// `key=value,...` (Bake's CSV entries) as the object `--print` shows.
fn entry(attributes: &[(&str, &str)]) -> Value {
    let map: Map<String, Value> = attributes
        .iter()
        .map(|(k, v)| ((*k).to_owned(), shown(v)))
        .collect();
    Value::Object(map)
}

/// What `--print` must show for `target`, derived from the model.
fn expected(t: &Target) -> Value {
    let mut m = Map::new();
    m.insert("context".into(), shown(t.context_dir()));
    m.insert("dockerfile".into(), shown(t.dockerfile_file()));
    m.insert("target".into(), shown(t.stage().name()));
    let list = |items: Vec<Value>| Value::Array(items);
    let strings = |items: Vec<&str>| Value::Array(items.into_iter().map(shown).collect());
    let mut put = |k: &str, v: Value| {
        let empty =
            v.as_array().is_some_and(Vec::is_empty) || v.as_object().is_some_and(Map::is_empty);
        if !empty {
            m.insert(k.into(), v);
        }
    };
    put(
        "platforms",
        strings(t.get_platforms().iter().map(Platform::as_str).collect()),
    );
    put(
        "tags",
        strings(t.tags().iter().map(String::as_str).collect()),
    );
    put(
        "args",
        Value::Object(
            t.args()
                .into_iter()
                .map(|(k, v)| (k.into(), shown(v)))
                .collect(),
        ),
    );
    put(
        "labels",
        Value::Object(
            t.labels()
                .into_iter()
                .map(|(k, v)| (k.into(), shown(v)))
                .collect(),
        ),
    );
    put(
        "contexts",
        Value::Object(
            t.contexts()
                .into_iter()
                .map(|(k, v)| (k.into(), shown(&v.to_string())))
                .collect(),
        ),
    );
    put(
        "secret",
        list(t.secrets().iter().map(|s| entry(&s.attributes())).collect()),
    );
    put(
        "cache-from",
        list(
            t.caches_from()
                .iter()
                .map(|c| entry(&c.attributes(false)))
                .collect(),
        ),
    );
    put(
        "cache-to",
        list(
            t.caches_to()
                .iter()
                .map(|c| entry(&c.attributes(true)))
                .collect(),
        ),
    );
    put(
        "output",
        list(t.outputs().iter().map(|o| entry(&o.attributes())).collect()),
    );
    put(
        "annotations",
        Value::Array(
            t.annotations()
                .iter()
                .map(|a| shown(&a.to_string()))
                .collect(),
        ),
    );
    if let Some(p) = t.get_pull() {
        m.insert("pull".into(), Value::Bool(p));
    }
    if let Some(n) = t.get_no_cache() {
        m.insert("no-cache".into(), Value::Bool(n));
    }
    Value::Object(m)
}

/// Writes the plan's files into `dir` and checks what Buildx resolves from them: every
/// target as the model says, every group with its members, JSON and HCL alike.
fn check_print(buildx: &Path, dir: &Path, plan: &Plan) {
    std::fs::write(dir.join("docker-bake.json"), plan.to_json()).unwrap();
    let mut files = vec!["docker-bake.json"];
    #[cfg(feature = "hcl")]
    {
        std::fs::write(dir.join("docker-bake.hcl"), plan.to_hcl()).unwrap();
        files.push("docker-bake.hcl");
    }
    let names: Vec<&str> = plan.targets().iter().map(Target::name).collect();
    let mut resolved = Vec::new();
    for file in &files {
        let printed = print(buildx, dir, file, &names);
        let want = json!({
            "group": { "default": { "targets": names } },
            "target": plan
                .targets()
                .iter()
                .map(|t| (t.name().to_owned(), expected(t)))
                .collect::<Map<String, Value>>(),
        });
        assert_eq!(
            printed,
            want,
            "{file}: bake --print resolved another definition\nprinted:\n{}\nexpected:\n{}",
            serde_json::to_string_pretty(&printed).unwrap(),
            serde_json::to_string_pretty(&want).unwrap()
        );
        for g in plan.groups() {
            let printed = print(buildx, dir, file, &[g.name()]);
            assert_eq!(
                printed["group"][g.name()]["targets"],
                json!(g.members()),
                "{file}: group {}",
                g.name()
            );
        }
        resolved.push(printed);
    }
    if let [json, hcl] = resolved.as_slice() {
        assert_eq!(json, hcl, "the JSON and HCL files resolve differently");
    }
}

#[test]
fn buildx_resolves_the_example_as_the_model_says() {
    let Some(buildx) = buildx("buildx_resolves_the_example_as_the_model_says") else {
        return;
    };
    let dir = temp("example");
    example::write(&dir, dockerdsl::Mode::Write).unwrap_or_else(|e| panic!("{e}"));
    let plan = example::plan().unwrap_or_else(|e| panic!("{e}"));
    check_print(&buildx, &dir, &plan);
}

#[test]
fn buildx_resolves_every_attribute_as_the_model_says() {
    let Some(buildx) = buildx("buildx_resolves_every_attribute_as_the_model_says") else {
        return;
    };
    let dir = temp("full");
    let plan = full_plan(&dir);
    check_print(&buildx, &dir, &plan);
}
