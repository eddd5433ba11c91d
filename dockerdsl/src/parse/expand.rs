//! Shell-style variable expansion as BuildKit's `shell.Lex` does it for the forms that do not
//! depend on the shell: shared by the lints (a `FROM` image with the `ARG` defaults) and the
//! reader (a mount option expanded with the stage's variables, as BuildKit expands it).

/// `word` with `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}` and
/// `${NAME+word}` replaced, looking names up with `value`. `None` when the word uses
/// something else (`${NAME%...}`, `\$`), so that a check does not guess.
pub(crate) fn expand(word: &str, value: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = word;
    while let Some(i) = rest.find(['$', '\\']) {
        out.push_str(&rest[..i]);
        if rest[i..].starts_with('\\') {
            return None;
        }
        rest = &rest[i + 1..];
        if let Some(braced) = rest.strip_prefix('{') {
            let end = braced.find('}')?;
            let inner = &braced[..end];
            rest = &braced[end + 1..];
            let name_len = name_len(inner);
            let (name, modifier) = inner.split_at(name_len);
            if name.is_empty() {
                return None;
            }
            let v = value(name);
            let set_nonempty = v.as_deref().is_some_and(|v| !v.is_empty());
            let text = match modifier {
                "" => v.unwrap_or_default(),
                m if m.starts_with(":-") => match v {
                    Some(v) if !v.is_empty() => v,
                    _ => expand(&m[2..], value)?,
                },
                m if m.starts_with('-') => match v {
                    Some(v) => v,
                    None => expand(&m[1..], value)?,
                },
                m if m.starts_with(":+") => {
                    if set_nonempty {
                        expand(&m[2..], value)?
                    } else {
                        String::new()
                    }
                }
                m if m.starts_with('+') => {
                    if v.is_some() {
                        expand(&m[1..], value)?
                    } else {
                        String::new()
                    }
                }
                _ => return None,
            };
            out.push_str(&text);
        } else {
            let len = name_len(rest);
            if len == 0 {
                out.push('$');
                continue;
            }
            out.push_str(&value(&rest[..len]).unwrap_or_default());
            rest = &rest[len..];
        }
    }
    out.push_str(rest);
    Some(out)
}

fn name_len(s: &str) -> usize {
    s.bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "V" => Some("3.20".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn expands_the_forms_buildkit_has() {
        assert_eq!(expand("alpine:${V}", &env).as_deref(), Some("alpine:3.20"));
        assert_eq!(
            expand("alpine:$V-x", &env).as_deref(),
            Some("alpine:3.20-x")
        );
        assert_eq!(expand("a:${NO:-1}", &env).as_deref(), Some("a:1"));
        assert_eq!(expand("a:${EMPTY:-1}", &env).as_deref(), Some("a:1"));
        assert_eq!(expand("a:${EMPTY-1}", &env).as_deref(), Some("a:"));
        assert_eq!(expand("a${V:+:x}", &env).as_deref(), Some("a:x"));
        assert_eq!(expand("a${NO+:x}", &env).as_deref(), Some("a"));
        assert_eq!(expand("a:${V%.*}", &env), None);
        assert_eq!(expand("a:$", &env).as_deref(), Some("a:$"));
    }
}
