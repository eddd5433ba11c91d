//! Rendering and structure: the stage under test, rendered (and through JSON), and split by
//! `parse-dockerfile` into exactly the expected instructions.

use dockerdsl::{Arg, Dockerfile, Escape, Instruction, Stage};
use parse_dockerfile as pd;
use proptest::test_runner::TestCaseError;

use crate::common::bk;

/// The stage under test: `FROM`, the instruction, then the sentinel `USER 1000`.
pub(super) fn sandwich(instruction: impl Into<Instruction>) -> Stage {
    Stage::from_image("s", "alpine:3.20")
        .push(instruction)
        .user("1000")
}

/// The rendered Dockerfile, or `None` when the model is refused.
pub(super) fn render(stage: &Stage, escape: Escape, global_args: &[Arg]) -> Option<String> {
    let mut builder = Dockerfile::builder().escape(escape);
    for a in global_args {
        builder = builder.arg(a.clone());
    }
    let df = builder.target(stage).build().ok()?;
    let text = df.to_string();
    // Every model the properties generate also survives JSON (whatever its text holds), and
    // linting it does not panic.
    let json = serde_json::to_string(&df).expect("a Dockerfile serializes");
    let back: Dockerfile = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("JSON does not read back: {e}\n{json}"));
    assert_eq!(back.to_string(), text, "JSON round trip of\n{json}");
    let _ = df.lint();
    Some(text)
}

pub(super) fn fail(text: &str, why: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(format!("{why}\n----- rendered -----\n{text}"))
}

pub(super) fn parse(text: &str) -> Result<pd::Dockerfile<'_>, TestCaseError> {
    pd::parse(text).map_err(|e| fail(text, format!("parse-dockerfile refused it: {e}")))
}

pub(super) fn keyword(i: &pd::Instruction<'_>) -> &'static str {
    match i {
        pd::Instruction::Add(_) => "ADD",
        pd::Instruction::Arg(_) => "ARG",
        pd::Instruction::Cmd(_) => "CMD",
        pd::Instruction::Copy(_) => "COPY",
        pd::Instruction::Entrypoint(_) => "ENTRYPOINT",
        pd::Instruction::Env(_) => "ENV",
        pd::Instruction::Expose(_) => "EXPOSE",
        pd::Instruction::From(_) => "FROM",
        pd::Instruction::Healthcheck(_) => "HEALTHCHECK",
        pd::Instruction::Label(_) => "LABEL",
        pd::Instruction::Maintainer(_) => "MAINTAINER",
        pd::Instruction::Onbuild(_) => "ONBUILD",
        pd::Instruction::Run(_) => "RUN",
        pd::Instruction::Shell(_) => "SHELL",
        pd::Instruction::Stopsignal(_) => "STOPSIGNAL",
        pd::Instruction::User(_) => "USER",
        pd::Instruction::Volume(_) => "VOLUME",
        pd::Instruction::Workdir(_) => "WORKDIR",
        _ => "?",
    }
}

/// Checks that the file is exactly `expected` (keywords, in order), ending with the
/// sentinel `USER 1000`, with the escape directive given; returns the instructions.
pub(super) fn structure<'d, 't>(
    df: &'d pd::Dockerfile<'t>,
    expected: &[&str],
    escape: char,
    text: &str,
) -> Result<&'d [pd::Instruction<'t>], TestCaseError> {
    let got: Vec<&str> = df.instructions.iter().map(keyword).collect();
    if got != expected {
        return Err(fail(
            text,
            format!("instructions {got:?}, expected {expected:?}"),
        ));
    }
    match df.instructions.last() {
        Some(pd::Instruction::User(u)) if u.arguments.value == "1000" => {}
        _ => return Err(fail(text, "the sentinel `USER 1000` is not intact")),
    }
    let directive = df.parser_directives.escape.as_ref().map(|d| d.value.value);
    let want = (escape == '`').then_some('`');
    if directive != want {
        return Err(fail(text, format!("escape directive {directive:?}")));
    }
    Ok(&df.instructions)
}

/// The end of the physical line holding byte `pos`.
fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i)
}

/// What BuildKit's parser makes of an instruction: its lines from after the keyword to the
/// end of the line holding byte `last`, joined, then split into builder flags and the
/// (trimmed) arguments.
pub(super) fn buildkit_args(
    text: &str,
    keyword_end: usize,
    last: usize,
    escape: char,
) -> (Vec<String>, String) {
    let joined = bk::join_lines(&text[keyword_end..line_end(text, last)], escape);
    let (flags, rest) = bk::extract_builder_flags(&joined);
    (flags, rest.trim_matches(bk::is_space).to_owned())
}

pub(super) fn read(word: &str, escape: char, text: &str) -> Result<String, TestCaseError> {
    bk::lexer_read(word, escape).map_err(|e| fail(text, e))
}
