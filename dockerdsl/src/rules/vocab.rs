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

/// A `--mount=` value's fields, read as BuildKit reads them (`csvvalue.Fields`, Go's CSV
/// without lazy quotes): fields are separated by `,`; a field that starts with `"` runs to
/// the next lone `"` and may hold commas, with `""` for a quote. `None` where BuildKit
/// refuses the value: a quote inside an unquoted field, text after a closing quote, a quote
/// never closed, or no text at all.
// The macro reads mounts field by field from its own tokens.
#[allow(dead_code)]
pub fn mount_fields(value: &str) -> Option<Vec<String>> {
    if value.is_empty() {
        return None;
    }
    let mut fields = Vec::new();
    let mut rest = value;
    loop {
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut field = String::new();
            rest = quoted;
            loop {
                let end = rest.find('"')?;
                field.push_str(&rest[..end]);
                rest = &rest[end + 1..];
                if let Some(after) = rest.strip_prefix('"') {
                    field.push('"');
                    rest = after;
                } else if let Some(after) = rest.strip_prefix(',') {
                    fields.push(field);
                    rest = after;
                    break;
                } else if rest.is_empty() {
                    fields.push(field);
                    return Some(fields);
                } else {
                    return None;
                }
            }
        } else {
            let (field, next) = match rest.split_once(',') {
                Some((field, next)) => (field, Some(next)),
                None => (rest, None),
            };
            if field.contains('"') {
                return None;
            }
            fields.push(field.to_owned());
            match next {
                Some(next) => rest = next,
                None => return Some(fields),
            }
        }
    }
}

/// The stage (or image) a `--mount=` value's `from` names: its last `from` field, the key
/// in any case, as BuildKit reads the fields in order (`parseMount`). `None` without one
/// (an empty one is none), or when the value is no CSV BuildKit reads.
// The macro reads mounts field by field from its own tokens.
#[allow(dead_code)]
pub fn mount_from(value: &str) -> Option<String> {
    mount_fields(value)?
        .into_iter()
        .filter_map(|field| {
            let (key, from) = field.split_once('=')?;
            key.eq_ignore_ascii_case("from").then(|| from.to_owned())
        })
        .next_back()
        .filter(|from| !from.is_empty())
}

/// The stage (or image) a `COPY` flag as written names when it is `--from=NAME`: `None` for
/// another flag, and for `--from=`, which BuildKit reads as unset (the build context).
// The macro reads `--from` from its own tokens.
#[allow(dead_code)]
pub fn copy_from(flag: &str) -> Option<&str> {
    flag.strip_prefix("--from=").filter(|from| !from.is_empty())
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

    #[test]
    fn mount_fields_as_buildkit_reads_them() {
        let fields = |v| mount_fields(v).map(|f| f.join("|"));
        assert_eq!(
            fields("type=bind,from=a").as_deref(),
            Some("type=bind|from=a")
        );
        assert_eq!(fields("\"from=a,b\",x").as_deref(), Some("from=a,b|x"));
        assert_eq!(fields("\"a\"\"b\"").as_deref(), Some("a\"b"));
        assert_eq!(fields("a,,").as_deref(), Some("a||"));
        assert_eq!(fields("\"\"").as_deref(), Some(""));
        // Go's csv without lazy quotes refuses each of these.
        for bad in ["", "a\"b", "\"a\"b", "\"a", "x,\"a"] {
            assert_eq!(mount_fields(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_mounts_last_from_in_any_case() {
        assert_eq!(mount_from("from=a,type=bind,From=b").as_deref(), Some("b"));
        assert_eq!(mount_from("type=bind,\"FROM=a,b\"").as_deref(), Some("a,b"));
        assert_eq!(mount_from("type=cache,target=/x"), None);
        assert_eq!(mount_from("from=a,from="), None);
        assert_eq!(copy_from("--from=build"), Some("build"));
        assert_eq!(copy_from("--from="), None);
        assert_eq!(copy_from("--chown=a"), None);
        assert_eq!(mount_from("from=a,\"b"), None);
    }
}
