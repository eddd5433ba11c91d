//! `dockerdsl lock` against real registries: Debian's `docker-registry` (the reference
//! implementation of the registry API v2) started by each test on 127.0.0.1, on a free port,
//! with images pushed by buildah (a two-platform index made with `buildah manifest`) and
//! checked with skopeo. Open, htpasswd (basic auth) and token-auth registries, the token
//! service being `tests/lock/token_server.py`.
//!
//! Needs `docker-registry`, `buildah`, `skopeo`, `htpasswd`, `openssl` and `python3` (`.ci/run`
//! installs them with apt-get); without them every test says it was skipped, and fails under
//! `CI=true`. The BuildKit build at the end also needs the local BuildKit
//! (`../shared/tools/buildkit-local`: `BUILDKIT_HOST`, and `DOCKERDSL_REGISTRY` where its
//! frontend image is; `DOCKERDSL_TOOLS` finds its `buildctl`), which `.ci/lock-registries`
//! starts.

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use dockerdsl::lock::Lock;
use dockerdsl::{Dockerfile, Mount, Run, Source, Stage, Syntax};

const TOOLS: [&str; 6] = [
    "docker-registry",
    "buildah",
    "skopeo",
    "htpasswd",
    "openssl",
    "python3",
];

/// Says that `test` was skipped (straight to stderr, which libtest does not capture), or
/// fails under CI, where a skip would hide a broken suite.
fn skipped(test: &str, why: &str) {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: {why}, and CI=true: .ci/run installs what these tests need"
    );
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("{test}: skipped, {why}\n").as_bytes(),
    );
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether the tools are here; says the test was skipped otherwise.
fn ready(test: &str) -> bool {
    let missing: Vec<&str> = TOOLS.iter().copied().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        return true;
    }
    skipped(test, &format!("{} not installed", missing.join(", ")));
    false
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A fresh directory for one test.
fn workdir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("lock-registry")
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// Waits until something listens on `port`.
fn wait_for(port: u16, what: &str, log: &Path) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{what} did not start on port {port}: {}",
            fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Buildah with a storage of the test binary's own (vfs: works everywhere).
fn buildah(args: &[&str]) -> Output {
    let store = storage();
    run(Command::new("buildah")
        .arg("--root")
        .arg(store.join("root"))
        .arg("--runroot")
        .arg(store.join("run"))
        .args(["--storage-driver", "vfs"])
        .args(args)
        .env_remove("DOCKER_CONFIG")
        .env_remove("REGISTRY_AUTH_FILE"))
}

/// The images, made once per run: `amd64`, `arm64` (a file each, no layers to speak of),
/// `other` (for moving a tag) and the manifest list `multi` of the first two.
fn storage() -> &'static Path {
    static STORE: OnceLock<PathBuf> = OnceLock::new();
    STORE.get_or_init(|| {
        let store = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lock-registry-buildah");
        let _ = fs::remove_dir_all(&store);
        fs::create_dir_all(&store).unwrap();
        store
    })
}

fn images() -> &'static () {
    static IMAGES: OnceLock<()> = OnceLock::new();
    IMAGES.get_or_init(|| {
        for (name, arch) in [("amd64", "amd64"), ("arm64", "arm64"), ("other", "amd64")] {
            let file = storage().join(format!("{name}.txt"));
            fs::write(&file, format!("hello from {name}\n")).unwrap();
            let c = String::from_utf8(buildah(&["from", "scratch"]).stdout).unwrap();
            let c = c.trim();
            buildah(&["copy", c, file.to_str().unwrap(), "/hello.txt"]);
            buildah(&["config", "--os", "linux", "--arch", arch, c]);
            buildah(&["commit", "-q", c, name]);
            buildah(&["rm", c]);
        }
        buildah(&["manifest", "create", "multi"]);
        buildah(&["manifest", "add", "multi", "amd64"]);
        buildah(&["manifest", "add", "multi", "arm64"]);
    })
}

/// `image` (or the index `multi` with both platforms) pushed to `target` (`HOST:PORT/repo:tag`).
fn push(image: &str, target: &str, creds: Option<&str>) {
    images();
    let dest = format!("docker://{target}");
    let mut args = if image == "multi" {
        vec!["manifest", "push", "--all", "-q", "--tls-verify=false"]
    } else {
        vec!["push", "-q", "--tls-verify=false"]
    };
    if let Some(c) = creds {
        args.extend(["--creds", c]);
    }
    args.extend([image, &dest]);
    buildah(&args);
}

/// The sha256 of `skopeo inspect --raw` of `target` (by coreutils' `sha256sum`): the digest
/// of what the tag points to, found without dockerdsl.
fn skopeo_digest(target: &str, creds: Option<&str>, dir: &Path) -> String {
    let mut cmd = Command::new("skopeo");
    cmd.args(["inspect", "--raw", "--tls-verify=false"]);
    if let Some(c) = creds {
        cmd.args(["--creds", c]);
    }
    let raw = run(cmd.arg(format!("docker://{target}"))).stdout;
    let file = dir.join("raw-manifest.json");
    fs::write(&file, &raw).unwrap();
    let sum = String::from_utf8(run(Command::new("sha256sum").arg(&file)).stdout).unwrap();
    format!("sha256:{}", sum.split_whitespace().next().unwrap())
}

/// How a test registry authenticates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Auth {
    None,
    /// htpasswd: HTTP basic auth.
    Basic,
    /// A bearer token from `tests/lock/token_server.py`.
    Token,
}

const USER: &str = "alice";
const PASSWORD: &str = "s3cret-Pass";
const CREDS: &str = "alice:s3cret-Pass";

/// A `docker-registry` on 127.0.0.1 (and its token service), stopped when dropped.
struct Registry {
    children: Vec<Child>,
    dir: PathBuf,
    port: u16,
}

impl Registry {
    fn start(dir: &Path, auth: Auth) -> Registry {
        let dir = dir.join(format!("registry-{}", free_port()));
        fs::create_dir_all(&dir).unwrap();
        let mut children = Vec::new();
        let auth_config = match auth {
            Auth::None => String::new(),
            Auth::Basic => {
                let out = run(Command::new("htpasswd").args(["-Bbn", USER, PASSWORD]));
                fs::write(dir.join("htpasswd"), out.stdout).unwrap();
                format!(
                    "auth:\n  htpasswd:\n    realm: dockerdsl-test\n    path: {}\n",
                    dir.join("htpasswd").display()
                )
            }
            Auth::Token => {
                let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
                run(Command::new("openssl")
                    .args([
                        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    ])
                    .args(["-subj", "/CN=dockerdsl-test-issuer", "-keyout"])
                    .arg(&key)
                    .arg("-out")
                    .arg(&cert));
                let port_file = dir.join("token.port");
                let log = fs::File::create(dir.join("token.log")).unwrap();
                let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lock/token_server.py");
                children.push(
                    Command::new("python3")
                        .arg(script)
                        .arg(&port_file)
                        .arg(&key)
                        .arg(&cert)
                        .args([USER, PASSWORD])
                        .stdout(Stdio::null())
                        .stderr(log)
                        .spawn()
                        .unwrap(),
                );
                let start = Instant::now();
                while !port_file.exists() {
                    assert!(
                        start.elapsed() < Duration::from_secs(20),
                        "the token service did not start"
                    );
                    std::thread::sleep(Duration::from_millis(50));
                }
                let token_port = fs::read_to_string(&port_file).unwrap();
                format!(
                    "auth:\n  token:\n    realm: http://127.0.0.1:{token_port}/token\n    \
                     service: dockerdsl-test\n    issuer: dockerdsl-test-issuer\n    \
                     rootcertbundle: {}\n",
                    cert.display()
                )
            }
        };
        let port = free_port();
        let config = format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\n  \
             delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n{auth_config}",
            dir.join("data").display()
        );
        fs::write(dir.join("config.yml"), config).unwrap();
        let mut registry = Registry {
            children,
            dir,
            port,
        };
        registry.serve();
        registry
    }

    /// Starts `docker-registry` on the configured port (again, after [`Registry::stop`]).
    fn serve(&mut self) {
        let log = self.dir.join("registry.log");
        self.children.push(
            Command::new("docker-registry")
                .arg("serve")
                .arg(self.dir.join("config.yml"))
                .stdout(fs::File::create(self.dir.join("registry.out")).unwrap())
                .stderr(fs::File::create(&log).unwrap())
                .spawn()
                .unwrap(),
        );
        wait_for(self.port, "docker-registry", &log);
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Stops the registry (and its token service) and waits until its port is closed.
    fn stop(&mut self) {
        for mut child in self.children.drain(..) {
            let _ = child.kill();
            let _ = child.wait();
        }
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the registry did not stop"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `dockerdsl ARGS...` in `dir`, with the Docker config of `docker_config` (a directory) or none.
fn dockerdsl(dir: &Path, args: &[&str], docker_config: Option<&Path>) -> Output {
    let empty = dir.join("no-docker-config");
    fs::create_dir_all(&empty).unwrap();
    Command::new(env!("CARGO_BIN_EXE_dockerdsl"))
        .arg("lock")
        .args(args)
        .current_dir(dir)
        .env("DOCKER_CONFIG", docker_config.unwrap_or(&empty))
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("all_proxy")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A Docker config directory whose `auths` has `creds` for `registry`, in the `auth`
/// (base64) form `docker login` writes, or as `username` and `password`.
fn docker_config(dir: &Path, registry: &str, creds: &str, base64: bool) -> PathBuf {
    let config = dir.join(format!("docker-config-{}", creds.replace(':', "-")));
    fs::create_dir_all(&config).unwrap();
    let entry = if base64 {
        let out = Command::new("base64")
            .args(["-w0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(creds.as_bytes())?;
                child.wait_with_output()
            })
            .unwrap();
        format!("{{\"auth\": \"{}\"}}", text(&out.stdout).trim())
    } else {
        let (user, password) = creds.split_once(':').unwrap();
        format!("{{\"username\": \"{user}\", \"password\": \"{password}\"}}")
    };
    fs::write(
        config.join("config.json"),
        format!("{{\"auths\": {{\"http://{registry}/v2/\": {entry}}}}}\n"),
    )
    .unwrap();
    config
}

fn lock_of(dir: &Path) -> Lock {
    Lock::read(dir.join("dockerdsl.lock")).unwrap()
}

#[test]
fn resolved_digests_are_those_skopeo_reads_and_the_index_is_pinned_not_a_platform() {
    const TEST: &str =
        "resolved_digests_are_those_skopeo_reads_and_the_index_is_pinned_not_a_platform";
    if !ready(TEST) {
        return;
    }
    let dir = workdir(TEST);
    let registry = Registry::start(&dir, Auth::None);
    let host = registry.host();
    push("multi", &format!("{host}/app/multi:1"), None);
    push("amd64", &format!("{host}/app/single:1"), None);
    push("other", &format!("{host}/app/copied:2"), None);
    // Every kind of use: FROM, COPY --from, RUN --mount from=, and the frontend.
    fs::write(
        dir.join("Dockerfile"),
        format!(
            "# syntax={host}/app/multi:1\n\
             FROM {host}/app/multi:1 AS base\n\
             COPY --from={host}/app/single:1 /hello.txt /single.txt\n\
             RUN --mount=type=bind,from={host}/app/copied:2,target=/m cat /m/hello.txt\n\
             FROM base AS final\n"
        ),
    )
    .unwrap();
    let out = dockerdsl(&dir, &["Dockerfile"], None);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let lock = lock_of(&dir);
    assert_eq!(lock.len(), 3, "{lock}");
    for (image, tag, index) in [
        ("multi", "1", true),
        ("single", "1", false),
        ("copied", "2", false),
    ] {
        let name = format!("{host}/app/{image}:{tag}");
        let entry = lock
            .get(&name)
            .unwrap_or_else(|| panic!("{name} is not in\n{lock}"));
        assert_eq!(entry.digest(), skopeo_digest(&name, None, &dir), "{name}");
        assert_eq!(entry.is_index(), index, "{name}");
    }
    let multi = lock.get(&format!("{host}/app/multi:1")).unwrap();
    assert_eq!(
        multi.media_type(),
        "application/vnd.oci.image.index.v1+json"
    );
    assert_eq!(multi.platforms(), ["linux/amd64", "linux/arm64"]);
    // The index's digest, not one of its platforms' manifests.
    let index = run(Command::new("skopeo")
        .args(["inspect", "--raw", "--tls-verify=false"])
        .arg(format!("docker://{host}/app/multi:1")))
    .stdout;
    let index: serde_json::Value = serde_json::from_slice(&index).unwrap();
    let platform_digests: Vec<&str> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["digest"].as_str().unwrap())
        .collect();
    assert_eq!(platform_digests.len(), 2);
    assert!(!platform_digests.contains(&multi.digest()));
    assert_eq!(
        lock.get(&format!("{host}/app/single:1"))
            .unwrap()
            .platforms(),
        ["linux/amd64"]
    );
    // A second run changes nothing, to the byte.
    let before = fs::read(dir.join("dockerdsl.lock")).unwrap();
    let out = dockerdsl(&dir, &["Dockerfile", "--update"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(fs::read(dir.join("dockerdsl.lock")).unwrap(), before);
    let out = dockerdsl(&dir, &["--check"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn a_moved_tag_fails_the_check_and_update_rewrites_only_its_entry() {
    const TEST: &str = "a_moved_tag_fails_the_check_and_update_rewrites_only_its_entry";
    if !ready(TEST) {
        return;
    }
    let dir = workdir(TEST);
    let registry = Registry::start(&dir, Auth::None);
    let host = registry.host();
    let (moving, steady, other) = (
        format!("{host}/app/moving:1"),
        format!("{host}/app/steady:1"),
        format!("{host}/app/zzz:1"),
    );
    push("multi", &moving, None);
    push("multi", &steady, None);
    push("amd64", &other, None);
    let out = dockerdsl(
        &dir,
        &["--image", &moving, "--image", &steady, "--image", &other],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before = fs::read_to_string(dir.join("dockerdsl.lock")).unwrap();
    let old = lock_of(&dir).get(&moving).unwrap().digest().to_owned();

    push("other", &moving, None);
    let new = skopeo_digest(&moving, None, &dir);
    assert_ne!(old, new);
    let out = dockerdsl(&dir, &["--check"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "  - {moving}: the lock says {old}, the tag now points to {new}\n"
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains(&steady) && !stderr.contains(&other),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: run `dockerdsl lock --update`"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(dir.join("dockerdsl.lock")).unwrap(),
        before
    );

    let out = dockerdsl(&dir, &["--update"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!(
        "updated  {moving} {old} -> {new} (single-platform manifest: linux/amd64)\n"
    )));
    let after = fs::read_to_string(dir.join("dockerdsl.lock")).unwrap();
    // Only the moved entry's lines differ: its digest, media type and platforms.
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(
        changed,
        [
            (
                format!("digest = \"{old}\"").as_str(),
                format!("digest = \"{new}\"").as_str()
            ),
            (
                "media-type = \"application/vnd.oci.image.index.v1+json\"",
                "media-type = \"application/vnd.oci.image.manifest.v1+json\""
            ),
            (
                "platforms = [\"linux/amd64\", \"linux/arm64\"]",
                "platforms = [\"linux/amd64\"]"
            ),
        ]
    );
    let lock = lock_of(&dir);
    assert_eq!(lock.get(&moving).unwrap().digest(), new);
    assert!(dockerdsl(&dir, &["--check"], None).status.success());
}

#[test]
fn token_and_basic_auth_resolve_with_the_docker_config_credentials() {
    const TEST: &str = "token_and_basic_auth_resolve_with_the_docker_config_credentials";
    if !ready(TEST) {
        return;
    }
    let dir = workdir(TEST);
    for (auth, base64) in [(Auth::Token, true), (Auth::Basic, false)] {
        let registry = Registry::start(&dir, auth);
        let host = registry.host();
        let private = format!("{host}/team/app:1");
        let public = format!("{host}/public/base:1");
        push("multi", &private, Some(CREDS));
        push("amd64", &public, Some(CREDS));
        let config = docker_config(&dir, &host, CREDS, base64);
        let work = dir.join(format!("work-{}", registry.port));
        fs::create_dir_all(&work).unwrap();
        let out = dockerdsl(&work, &["--image", &private], Some(&config));
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(
            lock_of(&work).get(&private).unwrap().digest(),
            skopeo_digest(&private, Some(CREDS), &dir)
        );
        if auth == Auth::Token {
            // Anonymous: the token service grants pull on `public/` only, as Docker Hub
            // grants it on public repositories.
            let out = dockerdsl(&work, &["--image", &public], None);
            assert!(out.status.success(), "{}", text(&out.stderr));
            assert_eq!(
                lock_of(&work).get(&public).unwrap().digest(),
                skopeo_digest(&public, Some(CREDS), &dir)
            );
        }
        let lock_before = fs::read(work.join("dockerdsl.lock")).unwrap();
        // Wrong credentials, and none at all for the private repository.
        let wrong = docker_config(&dir, &host, "alice:wrong", base64);
        let out = dockerdsl(&work, &["--update", "--image", &private], Some(&wrong));
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&format!("`{private}`: not allowed to read")),
            "{stderr}"
        );
        assert!(stderr.contains("credentials of `alice`"), "{stderr}");
        assert!(stderr.contains("is unchanged"), "{stderr}");
        let out = dockerdsl(&work, &["--update", "--image", &private], None);
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("= help: log in"), "{stderr}");
        assert_eq!(fs::read(work.join("dockerdsl.lock")).unwrap(), lock_before);
    }
}

#[test]
fn errors_name_each_image_and_leave_the_lock_untouched() {
    const TEST: &str = "errors_name_each_image_and_leave_the_lock_untouched";
    if !ready(TEST) {
        return;
    }
    let dir = workdir(TEST);
    let mut registry = Registry::start(&dir, Auth::None);
    let host = registry.host();
    let good = format!("{host}/app/good:1");
    push("amd64", &good, None);
    let out = dockerdsl(&dir, &["--image", &good], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lock_path = dir.join("dockerdsl.lock");
    let before = fs::read(&lock_path).unwrap();

    // An unreachable registry and an unknown tag, reported together.
    let nowhere = format!("127.0.0.1:{}/app/x:1", free_port());
    let unknown = format!("{host}/app/good:no-such-tag");
    let out = dockerdsl(
        &dir,
        &["--image", &nowhere, "--image", &unknown, "--image", &good],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "dockerdsl: 2 images could not be resolved; `dockerdsl.lock` is unchanged:\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "`{nowhere}`: cannot reach http://{}",
            nowhere.split('/').next().unwrap()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "`{unknown}`: the registry has no such tag or repository"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("MANIFEST_UNKNOWN") || stderr.contains("answered 404"),
        "{stderr}"
    );
    assert_eq!(fs::read(&lock_path).unwrap(), before);

    // A corrupt lock: every problem with its line, and no request made: with the registry
    // stopped, the message is about the file, not about an unreachable registry.
    registry.stop();
    let mut corrupt = String::from_utf8(before.clone()).unwrap();
    corrupt = corrupt
        .replace("digest = \"sha256:", "digest = \"sha256:zz")
        .replace("version = 1", "version = 1\ncolour = \"blue\"");
    fs::write(&lock_path, &corrupt).unwrap();
    let out = dockerdsl(&dir, &["--update"], None);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("dockerdsl: the lock file `dockerdsl.lock` is not valid:\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 5: unknown key `colour` before the first `[[image]]`"),
        "{stderr}"
    );
    assert!(stderr.contains("is not a sha256 digest"), "{stderr}");
    assert_eq!(fs::read_to_string(&lock_path).unwrap(), corrupt);
    fs::write(&lock_path, b"\xff\xfe not text").unwrap();
    let out = dockerdsl(&dir, &["--check"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("it is not UTF-8 text"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fs::read(&lock_path).unwrap(), b"\xff\xfe not text");
    drop(registry);
}

/// What a build script does: read the lock and render the Dockerfile pinned, with the
/// registry stopped (no network), then build that pinned Dockerfile with the local BuildKit,
/// which fetches each image by its digest from the registry.
#[test]
fn a_build_script_pins_offline_and_buildkit_builds_the_pinned_dockerfile() {
    const TEST: &str = "a_build_script_pins_offline_and_buildkit_builds_the_pinned_dockerfile";
    if !ready(TEST) {
        return;
    }
    let dir = workdir(TEST);
    let buildkit = std::env::var("BUILDKIT_HOST").ok();
    let mut registry = Registry::start(&dir, Auth::None);
    let host = registry.host();
    let base = format!("{host}/lock-test/base:1");
    let tool = format!("{host}/lock-test/tool:1");
    push("multi", &base, None);
    push("other", &tool, None);
    // The frontend, pinned like the rest: the real one from the local BuildKit's registry
    // (`buildkit-local` packs it as `docker/dockerfile:1`), else a stand-in never run.
    let frontend = format!("{host}/docker/dockerfile:1");
    match std::env::var("DOCKERDSL_REGISTRY") {
        Ok(local) if buildkit.is_some() => {
            run(Command::new("skopeo")
                .args([
                    "copy",
                    "-q",
                    "--src-tls-verify=false",
                    "--dest-tls-verify=false",
                ])
                .arg(format!("docker://{local}/docker/dockerfile:1"))
                .arg(format!("docker://{frontend}")));
        }
        _ => push("amd64", &frontend, None),
    }
    let build = Stage::from_image("build", base.as_str()).copy_from(
        Source::image(tool.as_str()),
        "/hello.txt",
        "/tool.txt",
    );
    let app = Stage::from_scratch("app")
        .copy_from(&build, "/hello.txt", "/hello.txt")
        .copy_from(&build, "/tool.txt", "/tool.txt");
    let df = Dockerfile::builder()
        .syntax(Syntax::Frontend(frontend.clone()))
        .target(&app)
        .build()
        .unwrap();
    fs::write(dir.join("Dockerfile.in"), df.to_string()).unwrap();
    let out = dockerdsl(&dir, &["Dockerfile.in"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));

    registry.stop();
    assert!(TcpStream::connect(("127.0.0.1", registry.port)).is_err());
    // The build script's part: offline.
    let lock = Lock::read(dir.join("dockerdsl.lock")).unwrap();
    let pinned = lock.pin(&df).unwrap().to_string();
    for image in [&base, &tool, &frontend] {
        let digest = lock.get(image).unwrap().digest();
        assert!(
            pinned.contains(&format!("{image}@{digest}")),
            "{image} not pinned in\n{pinned}"
        );
    }
    assert_eq!(
        dockerdsl::emit_with(
            dir.join("Dockerfile"),
            &lock.pin(&df).unwrap(),
            dockerdsl::Mode::Write
        )
        .unwrap(),
        dockerdsl::Emitted::Written
    );
    // Images the lock does not know (the default frontend among them): one error naming
    // each, and the command that adds them.
    let extra = Stage::from_image("extra", format!("{host}/lock-test/unknown:3").as_str()).run(
        Run::new("true").mount(
            Mount::bind("/m").from(Source::image(format!("{host}/lock-test/also:4").as_str())),
        ),
    );
    let err = lock
        .pin(&Dockerfile::new(&extra).unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains(&format!("does not pin 3 images of the Dockerfile:\n  - {host}/lock-test/also:4: no entry\n  - {host}/lock-test/unknown:3: no entry\n  - docker/dockerfile:1: no entry\n")), "{err}");
    assert!(err.contains(&format!(" --image {host}/lock-test/also:4 --image {host}/lock-test/unknown:3 --image docker/dockerfile:1` (it needs the network)")), "{err}");

    // BuildKit fetches each image by its digest from the registry, up again on its port
    // (BuildKit speaks plain HTTP to a registry on 127.0.0.1).
    registry.serve();
    let Some(addr) = buildkit else {
        skipped(
            TEST,
            "the BuildKit build: BUILDKIT_HOST is not set (`eval \"$(../shared/tools/buildkit-local up DIR)\"`, as .ci/run does)",
        );
        return;
    };
    let buildctl = std::env::var("DOCKERDSL_TOOLS")
        .map(|t| PathBuf::from(t).join("bin/buildctl"))
        .unwrap_or_else(|_| PathBuf::from("buildctl"));
    let out_dir = dir.join("out");
    let out = Command::new(buildctl)
        .args(["--addr", &addr, "build", "--frontend", "dockerfile.v0"])
        .arg("--local")
        .arg(format!("context={}", dir.display()))
        .arg("--local")
        .arg(format!("dockerfile={}", dir.display()))
        .arg("--output")
        .arg(format!("type=local,dest={}", out_dir.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        fs::read_to_string(out_dir.join("hello.txt")).unwrap(),
        "hello from amd64\n"
    );
    assert_eq!(
        fs::read_to_string(out_dir.join("tool.txt")).unwrap(),
        "hello from other\n"
    );
    // BuildKit fetched the pinned digests.
    let log = text(&out.stderr);
    assert!(log.contains(lock.get(&base).unwrap().digest()), "{log}");
}
