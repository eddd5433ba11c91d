//! Where a value is in a JSON text, by its path: the line and column of a stage reference,
//! which serde gives no position for (its own errors have one). The text has been read by
//! serde_json already, so it is well-formed; anything unexpected gives `None`.

use super::Step;

/// The byte offset of the value at `path` in `text` (well-formed JSON), or `None`.
pub(super) fn offset(text: &str, path: &[Step]) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    for step in path {
        match (step, b.get(i)?) {
            (Step::Key(key), b'{') => {
                i = skip_ws(b, i + 1);
                loop {
                    if b.get(i)? == &b'}' {
                        return None;
                    }
                    let (k, after) = string(text, i)?;
                    i = skip_ws(b, after);
                    if b.get(i)? != &b':' {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                    if k == *key {
                        break;
                    }
                    i = skip_ws(b, skip_value(b, i)?);
                    match b.get(i)? {
                        b',' => i = skip_ws(b, i + 1),
                        _ => return None,
                    }
                }
            }
            (Step::Index(n), b'[') => {
                i = skip_ws(b, i + 1);
                for _ in 0..*n {
                    if b.get(i)? == &b']' {
                        return None;
                    }
                    i = skip_ws(b, skip_value(b, i)?);
                    match b.get(i)? {
                        b',' => i = skip_ws(b, i + 1),
                        _ => return None,
                    }
                }
                if b.get(i)? == &b']' {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(i)
}

/// 1-based line and column (in characters) of byte `offset`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |n| n + 1);
    (line, before[start..].chars().count() + 1)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

/// A string starting at `i` (its quote): its unescaped text when it has no escapes (keys
/// here never do; an escaped key reads as no key), and the offset after it.
fn string(text: &str, i: usize) -> Option<(&str, usize)> {
    let b = text.as_bytes();
    if b.get(i)? != &b'"' {
        return None;
    }
    let mut j = i + 1;
    let mut escaped = false;
    loop {
        match b.get(j)? {
            b'\\' => {
                escaped = true;
                j += 2;
            }
            b'"' => break,
            _ => j += 1,
        }
    }
    let raw = if escaped { "\u{0}" } else { &text[i + 1..j] };
    Some((raw, j + 1))
}

/// The offset after the value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => {
            let mut j = i + 1;
            loop {
                match b.get(j)? {
                    b'\\' => j += 2,
                    b'"' => return Some(j + 1),
                    _ => j += 1,
                }
            }
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = skip_value(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b
                .get(j)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                j += 1;
            }
            Some(j)
        }
    }
}

/// The offsets of the values of every key `key` inside the value at `start`, in document
/// order.
pub(super) fn values_of_key(text: &str, start: usize, key: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let Some(end) = skip_value(b, start) else {
        return out;
    };
    let mut i = start;
    while i < end {
        if b[i] == b'"' {
            let Some((k, after)) = string(text, i) else {
                return out;
            };
            let next = skip_ws(b, after);
            if b.get(next) == Some(&b':') {
                let value = skip_ws(b, next + 1);
                if k == key {
                    out.push(value);
                }
                i = value;
            } else {
                i = after;
            }
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values_by_path_and_key() {
        let t = "{\"stages\": [\n  {\"name\": \"a\", \"x\": [1, {\"q\": \"]\"}], \"base\": {\"stage\": \"nope\"}},\n  {\"name\": \"b\", \"instructions\": [{\"run\": {\"mounts\": [{\"bind\": {\"from\": {\"stage\": \"p\"}}}, {\"cache\": {\"from\": {\"stage\": \"q\"}}}]}}]}\n]}";
        let o = offset(t, &[Step::Key("stages"), Step::Index(0), Step::Key("base")]).unwrap();
        assert_eq!(&t[o..o + 10], "{\"stage\": ");
        assert_eq!(line_column(t, o), (2, 47));
        let i = offset(
            t,
            &[
                Step::Key("stages"),
                Step::Index(1),
                Step::Key("instructions"),
                Step::Index(0),
            ],
        )
        .unwrap();
        let found = values_of_key(t, i, "stage");
        assert_eq!(
            found.iter().map(|&o| &t[o..o + 3]).collect::<Vec<_>>(),
            ["\"p\"", "\"q\""]
        );
        assert!(offset(t, &[Step::Key("stages"), Step::Index(2)]).is_none());
        assert!(offset(t, &[Step::Key("nothing")]).is_none());
    }
}
