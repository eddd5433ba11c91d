//! `graph [--dot] FILE`: the stage graph as Mermaid, or Graphviz DOT.

use crate::input::one_file;
use std::path::Path;
use std::process::ExitCode;

pub(crate) fn run(dot: bool, file: &Path) -> Result<ExitCode, String> {
    let Some(parsed) = one_file(file)? else {
        return Ok(ExitCode::FAILURE);
    };
    let df = parsed.dockerfile();
    print!(
        "{}",
        if dot {
            dockerdsl::graph::dot(df)
        } else {
            dockerdsl::graph::mermaid(df)
        }
    );
    Ok(ExitCode::SUCCESS)
}
