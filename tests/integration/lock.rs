//! `dockerdsl.lock` without the network: the file's text, pinned rendering of every kind of
//! image use, the errors a build script shows, and the text read back for any lock. The
//! resolver against real registries is `dockerdsl/tests/lock_registry.rs`.

use dockerdsl::lock::{DOCKER_MANIFEST_LIST, Lock, LockedImage, OCI_INDEX, OCI_MANIFEST};
use dockerdsl::{Dockerfile, Mount, Run, Source, Stage, Syntax};
use proptest::prelude::*;

/// A digest made of one repeated hex digit: visibly not a real image's.
fn digest(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

fn lock() -> Lock {
    let mut lock = Lock::new();
    for (image, d, media_type, platforms) in [
        (
            "docker/dockerfile:1.7",
            '1',
            OCI_INDEX,
            &["linux/amd64", "linux/arm64"][..],
        ),
        (
            "golang:1.23-alpine",
            '2',
            OCI_INDEX,
            &["linux/amd64", "linux/arm64/v8"][..],
        ),
        (
            "alpine:3.20",
            '3',
            DOCKER_MANIFEST_LIST,
            &["linux/amd64", "linux/arm64/v8", "linux/s390x"][..],
        ),
        (
            "ghcr.io/org/tools:2",
            '4',
            OCI_MANIFEST,
            &["linux/amd64"][..],
        ),
        ("nginx:1.27", '5', OCI_INDEX, &["linux/amd64"][..]),
    ] {
        lock.insert(
            LockedImage::new(image, &digest(d), media_type, platforms.iter().copied()).unwrap(),
        );
    }
    lock
}

/// Every place an image can be: the frontend, `FROM` (with a platform, and spelt in full),
/// `COPY --from`, `RUN --mount=...,from=`, `ONBUILD COPY --from`; and what is left alone: a
/// templated reference, one written with its digest, a stage, a context.
fn dockerfile() -> Dockerfile {
    let build = Stage::from_image("build", "docker.io/library/golang:1.23-alpine")
        .on_platform("linux/arm64")
        .run(
            Run::new("go build -o /app .")
                .mount(Mount::bind("/tools").from(Source::image("ghcr.io/org/tools:2"))),
        );
    let templated = Stage::from_image("templated", "golang:${GO_VERSION}");
    let app = Stage::from_image("app", "alpine:3.20")
        .copy_from(&build, "/app", "/app")
        .copy_from(&templated, "/usr/local/go/VERSION", "/GO_VERSION")
        .copy_from(
            Source::image("nginx:1.27"),
            "/etc/nginx/nginx.conf",
            "/etc/nginx/",
        )
        .copy_from(
            Source::image(format!("nginx:1.27@{}", digest('5')).as_str()),
            "/etc/nginx/mime.types",
            "/etc/nginx/",
        )
        .cmd(["/app"]);
    Dockerfile::builder()
        .syntax(Syntax::Minor(7))
        .arg(dockerdsl::Arg::new("GO_VERSION").default("1.23"))
        .target(&app)
        .build()
        .unwrap()
}

#[test]
fn the_lock_file_and_the_pinned_dockerfile() {
    let lock = lock();
    let df = dockerfile();
    let pinned = lock.pin(&df).unwrap().to_string();
    insta::assert_snapshot!(format!("{lock}\n----- Dockerfile, pinned -----\n{pinned}"));
    // The text reads back to the same lock, and the pinned file to the same images.
    assert_eq!(Lock::parse(&lock.to_string()).unwrap(), lock);
    let reread = dockerdsl::parse(&pinned).unwrap();
    assert_eq!(
        dockerdsl::lock::images(reread.dockerfile()),
        dockerdsl::lock::images(&df)
    );
    // Pinning a pinned Dockerfile changes nothing.
    assert_eq!(lock.pin(reread.dockerfile()).unwrap().to_string(), pinned);
}

#[test]
fn the_images_a_lock_needs() {
    assert_eq!(
        dockerdsl::lock::images(&dockerfile()),
        [
            "alpine:3.20",
            "docker/dockerfile:1.7",
            "ghcr.io/org/tools:2",
            "golang:1.23-alpine",
            "nginx:1.27"
        ]
    );
}

#[test]
fn a_build_script_sees_every_unpinned_image_and_the_command() {
    let mut lock = lock();
    lock.remove("alpine:3.20");
    lock.remove("ghcr.io/org/tools:2");
    // Another digest than the one the Dockerfile writes for nginx, and a platform the
    // golang entry does not cover.
    lock.insert(LockedImage::new("nginx:1.27", &digest('6'), OCI_INDEX, ["linux/amd64"]).unwrap());
    lock.insert(
        LockedImage::new(
            "golang:1.23-alpine",
            &digest('2'),
            OCI_INDEX,
            ["linux/amd64"],
        )
        .unwrap(),
    );
    let err = lock.pin(&dockerfile()).unwrap_err();
    assert_eq!(
        err.images(),
        [
            "alpine:3.20",
            "ghcr.io/org/tools:2",
            "golang:1.23-alpine",
            "nginx:1.27"
        ]
    );
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn a_missing_lock_file_says_how_to_write_it() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such-dir/dockerdsl.lock");
    let err = Lock::read(&path).unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(
        err.to_string(),
        format!(
            "the lock file `{}` does not exist\n  = help: write it with `dockerdsl lock FILE... --lock {}` (needs the network), then commit it",
            path.display(),
            path.display()
        )
    );
}

fn entry() -> impl Strategy<Value = LockedImage> {
    let registry = prop_oneof![
        Just(String::new()),
        Just("docker.io/".to_owned()),
        Just("ghcr.io/".to_owned()),
        Just("127.0.0.1:5000/".to_owned()),
    ];
    let repository = "[a-z0-9]{1,6}(/[a-z0-9]{1,6}){0,2}";
    let tag = proptest::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,8}");
    let media_type = prop_oneof![
        Just(OCI_INDEX),
        Just(DOCKER_MANIFEST_LIST),
        Just(OCI_MANIFEST),
        Just(dockerdsl::lock::DOCKER_MANIFEST),
    ];
    let platforms =
        proptest::collection::vec("(linux|windows)/(amd64|arm64|arm|s390x)(/v[5-8])?", 0..4);
    (
        registry,
        repository,
        tag,
        "[0-9a-f]{64}",
        media_type,
        platforms,
    )
        .prop_map(|(registry, repository, tag, hex, media_type, platforms)| {
            let image = match tag {
                Some(t) => format!("{registry}{repository}:{t}"),
                None => format!("{registry}{repository}"),
            };
            LockedImage::new(&image, &format!("sha256:{hex}"), media_type, platforms).unwrap()
        })
}

proptest! {
    /// Any lock reads back from its text, and writes the same text again.
    #[test]
    fn any_lock_reads_back(entries in proptest::collection::vec(entry(), 0..6)) {
        let mut lock = Lock::new();
        for e in entries {
            lock.insert(e);
        }
        let text = lock.to_string();
        let back = Lock::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &lock);
        prop_assert_eq!(back.to_string(), text);
    }
}
