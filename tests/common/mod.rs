//! Shared by the snapshot tests: one snapshot holds the input (Rust source) and the output.
//! Each test crate uses part of it.
#![allow(dead_code)]

/// Snapshots `input` and `output` together, so that a reviewer sees both in one file:
/// `tests/snapshots/{group}__{name}.snap`.
pub fn snapshot_io(group: &str, name: &str, input: &str, output: &str) {
    let text = format!("{}\n----- rendered -----\n{output}", input.trim_end());
    let name = format!("{group}__{name}");
    insta::with_settings!({
        omit_expression => true,
        prepend_module_to_snapshot => false,
        snapshot_path => "../snapshots",
    }, {
        insta::assert_snapshot!(name.as_str(), text);
    });
}

/// The `pub fn dockerfile` of an example's source: the part that builds the model.
pub fn example_body(source: &str) -> &str {
    let start = source.find("pub fn dockerfile").unwrap_or(0);
    let end = source[start..]
        .find("\n}\n")
        .map_or(source.len(), |i| start + i + 2);
    &source[start..end]
}

/// The source of `case!(name, { ... });` in `file`, as written.
pub fn case_source<'a>(file: &'a str, name: &str) -> &'a str {
    let open = format!("case!({name}, {{");
    let Some(start) = file.find(&open) else {
        return "";
    };
    let end = file[start..]
        .find("\n});")
        .map_or(file.len(), |i| start + i + 5);
    &file[start..end]
}
