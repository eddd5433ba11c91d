//! Shared by the test modules: snapshots holding the input (Rust source) with the output,
//! the corpus location, the oracles, and the generators of models.

pub mod bk;
pub mod bklint;
pub mod examples;
pub mod mutate;
pub mod oracle;
pub mod pieces;
pub mod read;
pub mod runtime;
pub mod spec;
pub mod strategies;

/// Snapshots `input` and `output` together, so that a reviewer sees both in one file:
/// `tests/integration/snapshots/{group}__{name}.snap`.
pub fn snapshot_io(group: &str, name: &str, input: &str, output: &str) {
    snapshot_sections(group, name, input, "rendered", output);
}

/// Like [`snapshot_io`], with the output under a heading of its own: only a Dockerfile goes
/// under `rendered`, because the oracle test reads every `rendered` section back through
/// BuildKit.
pub fn snapshot_sections(group: &str, name: &str, input: &str, heading: &str, output: &str) {
    let text = format!("{}\n----- {heading} -----\n{output}", input.trim_end());
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

/// The function of an example's source that starts with `start` (`pub fn plan`), up to
/// its closing brace.
pub fn example_fn<'a>(source: &'a str, start: &str) -> &'a str {
    let begin = source.find(start).unwrap_or(0);
    let end = source[begin..]
        .find("\n}\n")
        .map_or(source.len(), |i| begin + i + 2);
    &source[begin..end]
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

/// The shared corpus of real Dockerfiles, from the `DOCKERDSL_CORPUS` variable (`.ci/run` sets it
/// to `../shared/corpus`). It is test data from other repositories, so it is never copied into
/// the project. Unset: the caller's test is skipped and says so. Set to a missing folder: a
/// misconfigured CI, so the test fails rather than passing vacuously.
pub fn corpus(test: &str) -> Option<std::path::PathBuf> {
    let Some(dir) = std::env::var_os("DOCKERDSL_CORPUS") else {
        skipped(
            test,
            "DOCKERDSL_CORPUS is not set \
             (run `DOCKERDSL_CORPUS=../shared/corpus cargo test`, as .ci/run does)",
        );
        return None;
    };
    let dir = std::path::PathBuf::from(dir);
    assert!(
        dir.is_dir(),
        "{test}: DOCKERDSL_CORPUS={} is not a directory",
        dir.display()
    );
    Some(dir)
}

/// Says that `test` was skipped and why, straight to stderr: libtest captures `eprintln!` of a
/// passing test, and a skip nobody sees would look like a pass.
pub fn skipped(test: &str, why: &str) {
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("{test}: skipped, {why}\n").as_bytes(),
    );
}

/// `../shared/tools` (BuildKit, Buildx, bklint), from `DOCKERDSL_TOOLS`, which `.ci/run`
/// sets. Unset: the caller's test is skipped and says so; set to a folder without `bin/`: a
/// misconfigured CI, so the test fails rather than passing vacuously.
pub fn tools(test: &str) -> Option<std::path::PathBuf> {
    let Some(dir) = std::env::var_os("DOCKERDSL_TOOLS") else {
        skipped(
            test,
            "DOCKERDSL_TOOLS is not set \
             (run `DOCKERDSL_TOOLS=../shared/tools cargo test`, as .ci/run does)",
        );
        return None;
    };
    let dir = std::path::PathBuf::from(dir);
    assert!(
        dir.join("bin").is_dir(),
        "{test}: DOCKERDSL_TOOLS={} has no bin/",
        dir.display()
    );
    Some(dir)
}

/// Says what a test checked (its counts), straight to stderr as [`skipped`] does.
pub fn say(text: &str) {
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{text}\n").as_bytes());
}

/// The model's [`Text`](dockerdsl::Text) of a borrowed string: a `Text` borrows only
/// `'static` strings, so a generated one is copied.
pub fn text(s: &str) -> dockerdsl::Text {
    dockerdsl::Text::copy(s)
}

/// [`text`] of each string, as the list the model's variants hold.
pub fn texts<S: AsRef<str>>(v: &[S]) -> dockerdsl::Texts {
    v.iter().map(|s| text(s.as_ref())).collect()
}
