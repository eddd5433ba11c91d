//! The plan as `docker-bake.hcl`, through hcl-rs: blocks `group "NAME"` and `target "NAME"`
//! with the attributes of the JSON form; hcl-rs writes the strings (escapes and `$${`).

use super::Plan;
use super::json::{self, Value};
use hcl::{Block, Body, Expression, Object, ObjectKey};

fn expression(v: &Value) -> Expression {
    match v {
        Value::Str(s) => Expression::String(s.clone()),
        Value::Bool(b) => Expression::Bool(*b),
        Value::List(items) => Expression::Array(items.iter().map(expression).collect()),
        Value::Map(entries) => {
            let mut object = Object::new();
            for (k, v) in entries {
                object.insert(
                    ObjectKey::Expression(Expression::String(k.clone())),
                    expression(v),
                );
            }
            Expression::Object(object)
        }
    }
}

fn block(kind: &str, name: &str, attributes: &Value) -> Block {
    let mut b = Block::builder(kind).add_label(name);
    if let Value::Map(entries) = attributes {
        for (k, v) in entries {
            b = b.add_attribute((k.as_str(), expression(v)));
        }
    }
    b.build()
}

pub(super) fn plan(plan: &Plan) -> String {
    let mut body = Body::builder();
    for g in &plan.groups {
        let attributes = Value::Map(vec![(
            "targets".to_owned(),
            Value::List(
                g.members()
                    .into_iter()
                    .map(|m| Value::Str(m.to_owned()))
                    .collect(),
            ),
        )]);
        body = body.add_block(block("group", &g.name, &attributes));
    }
    for t in &plan.targets {
        body = body.add_block(block("target", &t.name, &json::target(t)));
    }
    let body = body.build();
    // Formatting a body made of strings, booleans, arrays and objects does not fail; if it
    // ever did, the empty text fails loudly at `bake --print` rather than here.
    hcl::format::to_string(&body).unwrap_or_default()
}
