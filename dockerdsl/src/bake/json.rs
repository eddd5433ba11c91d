//! The plan as a tree of values, written as JSON here and as HCL by `hcl.rs`.

use super::{Plan, Target, csv};

/// A value of a Bake file: what JSON and HCL have in common.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    Str(String),
    Bool(bool),
    List(Vec<Value>),
    /// Entries in the order they are written.
    Map(Vec<(String, Value)>),
}

impl Value {
    fn strings<I, S>(items: I) -> Value
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Value::List(items.into_iter().map(|s| Value::Str(s.into())).collect())
    }

    /// Pretty JSON: two spaces per level, `": "` after keys, one final newline.
    pub(super) fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, level: usize) {
        let pad = |out: &mut String, level: usize| {
            for _ in 0..level {
                out.push_str("  ");
            }
        };
        match self {
            Value::Str(s) => string(out, s),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::List(items) if items.is_empty() => out.push_str("[]"),
            Value::Map(items) if items.is_empty() => out.push_str("{}"),
            Value::List(items) => {
                out.push_str("[\n");
                for (i, v) in items.iter().enumerate() {
                    pad(out, level + 1);
                    v.write(out, level + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, level);
                out.push(']');
            }
            Value::Map(items) => {
                out.push_str("{\n");
                for (i, (k, v)) in items.iter().enumerate() {
                    pad(out, level + 1);
                    string(out, k);
                    out.push_str(": ");
                    v.write(out, level + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, level);
                out.push('}');
            }
        }
    }
}

/// A JSON string whose text Bake reads back as `s`: Bake evaluates JSON strings as HCL
/// templates, so `${` and `%{` are doubled (`$${`, `%%{`) first; serde_json escapes the rest.
fn string(out: &mut String, s: &str) {
    let literal = template_literal(s);
    out.push_str(&serde_json::Value::String(literal).to_string());
}

/// `s` as an HCL template that evaluates to `s`.
pub(super) fn template_literal(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

/// The Bake definition of the plan: `group` then `target`, each sorted by name.
pub(super) fn plan(plan: &Plan) -> Value {
    let mut top = Vec::new();
    if !plan.groups.is_empty() {
        let groups = plan
            .groups
            .iter()
            .map(|g| {
                let body = vec![("targets".to_owned(), Value::strings(g.members()))];
                (g.name.clone(), Value::Map(body))
            })
            .collect();
        top.push(("group".to_owned(), Value::Map(groups)));
    }
    let targets = plan
        .targets
        .iter()
        .map(|t| (t.name.clone(), target(t)))
        .collect();
    top.push(("target".to_owned(), Value::Map(targets)));
    Value::Map(top)
}

/// One target's attributes, in one fixed order, empty ones left out.
pub(super) fn target(t: &Target) -> Value {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut put = |k: &str, v: Value| {
        let empty = matches!(&v, Value::List(l) if l.is_empty())
            || matches!(&v, Value::Map(m) if m.is_empty());
        if !empty {
            out.push((k.to_owned(), v));
        }
    };
    let map = |m: std::collections::BTreeMap<&str, String>| {
        Value::Map(
            m.into_iter()
                .map(|(k, v)| (k.to_owned(), Value::Str(v)))
                .collect(),
        )
    };
    put("context", Value::Str(t.context.clone()));
    put("dockerfile", Value::Str(t.dockerfile_path.clone()));
    put("target", Value::Str(t.stage.name().to_owned()));
    put(
        "platforms",
        Value::strings(t.platforms.iter().map(|p| p.as_str())),
    );
    put("tags", Value::strings(&t.tags));
    put(
        "args",
        map(t
            .args()
            .into_iter()
            .map(|(k, v)| (k, v.to_owned()))
            .collect()),
    );
    put(
        "secret",
        Value::strings(t.secrets.iter().map(|s| s.to_string())),
    );
    put(
        "contexts",
        map(t
            .contexts()
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect()),
    );
    put(
        "cache-from",
        Value::strings(t.cache_from.iter().map(|c| csv(&c.attributes(false)))),
    );
    put(
        "cache-to",
        Value::strings(t.cache_to.iter().map(|c| csv(&c.attributes(true)))),
    );
    put(
        "output",
        Value::strings(t.outputs.iter().map(|o| o.to_string())),
    );
    put(
        "labels",
        map(t
            .labels()
            .into_iter()
            .map(|(k, v)| (k, v.to_owned()))
            .collect()),
    );
    put(
        "annotations",
        Value::strings(t.annotations.iter().map(|a| a.to_string())),
    );
    if let Some(pull) = t.pull {
        put("pull", Value::Bool(pull));
    }
    if let Some(no_cache) = t.no_cache {
        put("no-cache", Value::Bool(no_cache));
    }
    Value::Map(out)
}
