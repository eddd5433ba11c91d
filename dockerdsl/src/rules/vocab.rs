//! Words of the Dockerfile language that several parts of the crate (and the macro) need:
//! mount types and their options, sharing modes, and the build arguments BuildKit defines.

/// The `--mount` types, in the order messages list them.
pub const MOUNT_TYPES: [&str; 5] = ["bind", "cache", "tmpfs", "secret", "ssh"];

/// The type of a `--mount` without `type=`.
pub const DEFAULT_MOUNT_TYPE: &str = "bind";

/// The options a mount type takes, by their canonical names (the ones the renderer writes
/// and the macro accepts). BuildKit also reads aliases: see [`mount_option_alias`].
// The macro checks options against this list; the library model has a field per option.
#[allow(dead_code)]
pub fn mount_options(kind: &str) -> &'static [&'static str] {
    match kind {
        "bind" => &["target", "source", "from", "rw"],
        "cache" => &[
            "target", "id", "sharing", "from", "source", "ro", "mode", "uid", "gid",
        ],
        "tmpfs" => &["target", "size"],
        "secret" => &["id", "target", "env", "required", "mode", "uid", "gid"],
        "ssh" => &["id", "target", "required", "mode", "uid", "gid"],
        _ => &[],
    }
}

/// The canonical name of a mount option BuildKit reads under another name too
/// (`dst` is `target`), or the name itself.
pub fn mount_option_alias(key: &str) -> &str {
    match key {
        "dst" | "destination" => "target",
        "src" => "source",
        "readonly" => "ro",
        "readwrite" => "rw",
        other => other,
    }
}

/// The `sharing=` values of a cache mount.
pub const SHARING: [&str; 3] = ["shared", "private", "locked"];

/// The arguments BuildKit defines in the global scope (`defaultArgs` in
/// `frontend/dockerfile/dockerfile2llb/platform.go`: the build and target platforms, their
/// OS versions, and the stage being built), with the values they have on a linux/amd64
/// builder building the default target (lints only need them to be set; a stage must still
/// declare one with `ARG` to use it). The three BuildKit added last come last, so that
/// what is listed in this order (the platform arguments a stage uses) keeps its order.
pub const AUTOMATIC_ARGS: [(&str, &str); 11] = [
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
    ("BUILDOSVERSION", ""),
    ("TARGETOSVERSION", ""),
    // `--target`'s value, `default` without one.
    ("TARGETSTAGE", "default"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_options_and_a_target_or_id() {
        for kind in MOUNT_TYPES {
            let options = mount_options(kind);
            assert!(
                options.contains(&"target") || options.contains(&"id"),
                "{kind}"
            );
        }
        assert!(mount_options("nfs").is_empty());
        assert_eq!(mount_option_alias("dst"), "target");
    }
}
