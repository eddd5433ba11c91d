//! One `--mount=` value of `RUN`: BuildKit's CSV grammar, its option aliases and the rules of
//! which option goes with which type. The words themselves are `rules::vocab`'s.

use super::{Bad, Cx};
use crate::model::mount::{Mount, Sharing};
use crate::model::text::Text;
use crate::rules::go_bool;
use crate::rules::vocab;

/// One `--mount=` value: CSV fields `key=value` or bare keys.
pub(super) fn mount(cx: &mut Cx<'_>, value: &str) -> Result<Mount, Bad> {
    cx.focus(value);
    let mut fields = Vec::new();
    let fields_written = vocab::mount_fields(value).ok_or_else(|| {
        cx.error_help(
            format!("invalid mount `{value}`: a double quote out of place"),
            "BuildKit reads a mount as CSV: a double quote only opens and closes a whole field, and `\"\"` is a quote inside one",
        )
    })?;
    for field in fields_written {
        let (k, v) = match field.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v.to_owned())),
            // Only these stand alone; BuildKit refuses any other bare field (`type`, ``).
            None if matches!(
                field.to_ascii_lowercase().as_str(),
                "ro" | "readonly" | "rw" | "readwrite" | "required"
            ) =>
            {
                (field.to_ascii_lowercase(), None)
            }
            None if field.is_empty() => {
                return Err(cx.error_help("an empty field in the mount", "remove the extra comma"));
            }
            None => {
                return Err(cx.error_help(
                    format!("mount field `{field}` needs a value"),
                    "write `key=value`; only `ro`, `rw` and `required` stand alone",
                ));
            }
        };
        let k = vocab::mount_option_alias(&k).to_owned();
        fields.push((k, v));
    }
    // Whether an option was checked through a variable's value, which the model cannot hold.
    let mut expanded: Expanded = None;
    // BuildKit reads the options in order, so the last `type` is the one.
    let written_type = fields
        .iter()
        .rev()
        .find(|(k, _)| k == "type")
        .and_then(|(_, v)| v.as_deref());
    let typ = match written_type {
        Some(t) => expand(cx, "type", t, &mut expanded)?.to_ascii_lowercase(),
        None => vocab::DEFAULT_MOUNT_TYPE.to_owned(),
    };
    let mut target = None;
    let mut source = None;
    let mut from = None;
    let mut id = None;
    let mut sharing = None;
    let mut mode = None;
    let mut uid = None;
    let mut gid = None;
    let mut size = None;
    let mut env = None;
    let mut ro: Option<bool> = None;
    let mut required = false;
    for (k, v) in &fields {
        let need = |cx: &mut Cx<'_>| -> Result<String, Bad> {
            v.clone()
                .ok_or_else(|| cx.error(format!("mount option `{k}` needs a value")))
        };
        // An option whose value BuildKit reads (not only passes on), after expansion.
        let read = |cx: &mut Cx<'_>, expanded: &mut Expanded| -> Result<String, Bad> {
            let v = need(cx)?;
            expand(cx, k, &v, expanded)
        };
        let boolean = |cx: &mut Cx<'_>, expanded: &mut Expanded| -> Result<bool, Bad> {
            match v {
                None => Ok(true),
                Some(v) => {
                    let v = expand(cx, k, v, expanded)?;
                    go_bool(&v).ok_or_else(|| {
                        cx.error(format!("invalid value `{v}` for mount option `{k}`"))
                    })
                }
            }
        };
        let number = |cx: &mut Cx<'_>, radix: u32, expanded: &mut Expanded| -> Result<u32, Bad> {
            let s = read(cx, expanded)?;
            u32::from_str_radix(&s, radix)
                .map_err(|_| cx.error(format!("invalid value `{s}` for mount option `{k}`")))
        };
        match k.as_str() {
            "type" => {}
            "target" => target = Some(need(cx)?),
            "source" => source = Some(need(cx)?),
            // `from=` (empty, as a template that substitutes nothing writes it) is unset.
            "from" => from = Some(need(cx)?).filter(|f| !f.is_empty()),
            "id" => id = Some(need(cx)?),
            "sharing" => {
                // BuildKit reads the mode in any case.
                sharing = Some(
                    match read(cx, &mut expanded)?.to_ascii_lowercase().as_str() {
                        "shared" => Sharing::Shared,
                        "private" => Sharing::Private,
                        "locked" => Sharing::Locked,
                        other => {
                            return Err(cx.error(format!("unsupported sharing value `{other}`")));
                        }
                    },
                );
            }
            "mode" => mode = Some(number(cx, 8, &mut expanded)?),
            "uid" => uid = Some(number(cx, 10, &mut expanded)?),
            "gid" => gid = Some(number(cx, 10, &mut expanded)?),
            "size" => {
                let s = read(cx, &mut expanded)?;
                size = Some(ram_bytes(&s).ok_or_else(|| cx.error(format!("invalid size `{s}`")))?);
            }
            "env" => env = Some(need(cx)?),
            "ro" => ro = Some(boolean(cx, &mut expanded)?),
            "rw" => ro = Some(!boolean(cx, &mut expanded)?),
            "required" => required = boolean(cx, &mut expanded)?,
            other => return Err(cx.error(format!("unexpected key `{other}` in mount option"))),
        }
    }
    let not_for = |cx: &mut Cx<'_>, what: &str, present: bool| -> Result<(), Bad> {
        if present {
            Err(cx.error(format!("{what} not allowed for \"{typ}\" type mounts")))
        } else {
            Ok(())
        }
    };
    // BuildKit's `detectRunMount` takes a mount without `from=` (and any tmpfs mount) to
    // depend on the stage named `scratch` when there is one (the last of that name): in
    // that stage itself, a circular dependency.
    if !cx.onbuild
        && (from.is_none() || typ == "tmpfs")
        && cx.current.is_some()
        && cx.all_names.get("scratch") == Some(&cx.done.len())
    {
        cx.focus("");
        return Err(cx.error_help(
            "circular dependency detected on stage: scratch",
            "a stage named `scratch` is what a mount without `from=` refers to: rename the stage",
        ));
    }
    let from = match from {
        Some(f) if f.contains('$') => {
            return Err(cx.error_help(
                "'from' doesn't support variable expansion, define alias stage instead",
                "define a stage with `FROM ${VAR} AS alias` and mount from the alias",
            ));
        }
        Some(f) => Some(cx.source(&f, "a mount's `from`", false)?),
        None => None,
    };
    // `dispatchRunMounts` refuses a bind, cache or tmpfs mount at the root, its target
    // joined to the working directory (a bind without target mounts there).
    if matches!(typ.as_str(), "bind" | "cache" | "tmpfs") {
        let t = target.clone().unwrap_or_default();
        let at = cx
            .env
            .and_then(|env| env.expand(&t))
            .and_then(|t| cx.env.and_then(|env| env.mount_path(&t)));
        if at.as_deref() == Some("/") {
            cx.focus("target");
            return Err(cx.error_help(
                "invalid mount target \"/\"",
                "a mount cannot cover the root: mount at a directory under it",
            ));
        }
    }
    let owner = mode.is_some() || uid.is_some() || gid.is_some();
    let need_target = |cx: &mut Cx<'_>, t: Option<String>| {
        t.ok_or_else(|| cx.error_help("mount target must be specified", "add `target=/path`"))
    };
    let mount = match typ.as_str() {
        "bind" => {
            not_for(cx, "mode/uid/gid", owner)?;
            not_for(cx, "sharing", sharing.is_some())?;
            not_for(cx, "size", size.is_some())?;
            not_for(cx, "required", required)?;
            not_for(cx, "id", id.is_some())?;
            // Without a target BuildKit mounts at the working directory.
            let mut m = Mount::bind(target.unwrap_or_default());
            m.source = source.map(Text::from);
            m.from = from;
            m.rw = ro == Some(false);
            Mount::Bind(m)
        }
        "cache" => {
            not_for(cx, "size", size.is_some())?;
            not_for(cx, "required", required)?;
            let mut m = Mount::cache(need_target(cx, target)?);
            m.id = id.map(Text::from);
            m.sharing = sharing;
            m.source = source.map(Text::from);
            m.from = from;
            m.ro = ro == Some(true);
            m.mode = mode;
            m.uid = uid;
            m.gid = gid;
            Mount::Cache(m)
        }
        "tmpfs" => {
            not_for(cx, "mode/uid/gid", owner)?;
            not_for(cx, "from", from.is_some())?;
            not_for(cx, "required", required)?;
            let mut m = Mount::tmpfs(need_target(cx, target)?);
            m.size = size;
            Mount::Tmpfs(m)
        }
        "secret" | "ssh" if from.is_some() => {
            return Err(cx.error(format!("{typ} mount should not have a from")));
        }
        "secret" => {
            not_for(cx, "sharing", sharing.is_some())?;
            let id = match (id, source) {
                (Some(_), Some(_)) => {
                    return Err(cx.error("both id and source are specified for secret mount"));
                }
                (Some(i), None) | (None, Some(i)) => i,
                (None, None) => match &target {
                    Some(t) => t.rsplit('/').next().unwrap_or(t).to_owned(),
                    None => {
                        return Err(cx.error_help("secret mount needs an id", "add `id=NAME`"));
                    }
                },
            };
            let mut m = Mount::secret(id);
            m.env = env.map(Text::from);
            (m.target, m.required, m.mode, m.uid, m.gid) =
                (target.map(Text::from), required, mode, uid, gid);
            Mount::Secret(m)
        }
        "ssh" => {
            let mut m = Mount::ssh();
            m.id = id.map(Text::from);
            (m.target, m.required, m.mode, m.uid, m.gid) =
                (target.map(Text::from), required, mode, uid, gid);
            Mount::Ssh(m)
        }
        other => {
            let message = match written_type {
                Some(w) if expanded.is_some() && w != other => format!(
                    "unsupported mount type `{other}` (`type={w}` with this stage's variables)"
                ),
                _ => format!("unsupported mount type `{other}`"),
            };
            return Err(cx.error_help(message, types_help()));
        }
    };
    if let Some((key, value, to)) = expanded {
        // BuildKit reads the mount as checked; the model holds values, not the variables.
        return Err(cx.beyond_model(
            format!("a variable in the mount option `{key}={value}`"),
            format!(
                "the model holds a mount's `{key}` as a value: write `{key}={to}`, what BuildKit expands it to here"
            ),
        ));
    }
    Ok(mount)
}

/// An option through a variable: (key, as written, what it expands to here).
type Expanded = Option<(String, String, String)>;

/// The value of an option BuildKit reads (its type, sharing, numbers and switches), as
/// BuildKit reads it: expanded with the stage's variables (`setMountState` with the
/// dispatcher's expander). The model holds such options as values, not variables: the
/// option is checked with the value it has here, when that is certain, and the mount is
/// kept as written (`expanded`, the first such option); else kept as written unchecked.
fn expand(cx: &mut Cx<'_>, key: &str, value: &str, expanded: &mut Expanded) -> Result<String, Bad> {
    if !value.contains('$') {
        return Ok(value.to_owned());
    }
    match cx.env.and_then(|env| env.expand(value)) {
        Some(v) => {
            if expanded.is_none() {
                *expanded = Some((key.to_owned(), value.to_owned(), v.clone()));
            }
            Ok(v)
        }
        None => Err(cx.beyond_model(
            format!("a variable in the mount option `{key}={value}`"),
            format!("the model holds a mount's `{key}` as a value: write the value"),
        )),
    }
}

/// go-units `RAMInBytes`: `64m`, `1g`, `512k`, `1024` (binary multiples).
fn ram_bytes(s: &str) -> Option<u64> {
    let lower = s.to_ascii_lowercase();
    let lower = lower.strip_suffix('b').unwrap_or(&lower);
    let split = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    let (num, unit) = lower.split_at(split);
    let mult: u64 = match unit.strip_suffix('i').unwrap_or(unit) {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        "p" => 1 << 50,
        _ => return None,
    };
    let value: f64 = num.parse().ok()?;
    let bytes = value * mult as f64;
    (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// "use bind, cache, tmpfs, secret or ssh".
fn types_help() -> String {
    let (last, rest) = vocab::MOUNT_TYPES.split_last().unwrap_or((&"", &[]));
    format!("use {} or {last}", rest.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ram() {
        assert_eq!(ram_bytes("64m"), Some(64 << 20));
    }

    #[test]
    fn lists_the_types() {
        assert_eq!(types_help(), "use bind, cache, tmpfs, secret or ssh");
    }
}
