//! BuildKit's lint result, as `docker build --call=check,format=json` prints it (BuildKit's
//! `frontend/subrequests/lint.LintResults`), so that what reads BuildKit's reads ours.
//!
//! ```json
//! {
//!   "warnings": [
//!     {
//!       "ruleName": "StageNameCasing",
//!       "description": "Stage names should be lowercase",
//!       "url": "https://docs.docker.com/go/dockerfile/rule/stage-name-casing/",
//!       "detail": "Stage name 'App' should be lowercase",
//!       "location": {
//!         "ranges": [{ "start": { "line": 1 }, "end": { "line": 1 } }]
//!       }
//!     }
//!   ],
//!   "sources": [{ "filename": "Dockerfile", "data": "<the file, base64>", "language": "Dockerfile" }]
//! }
//! ```
//!
//! As BuildKit writes it: Go's protobuf types drop zero values, so `sourceIndex` 0 and
//! `character` 0 are absent; a warning has one range per line of its instruction, whole
//! lines (no characters); keys in BuildKit's order, indented by two spaces. Where ours
//! differs: every file checked is one of `sources` (BuildKit checks one Dockerfile a call)
//! and `location.sourceIndex` says which; warnings come in file and line order (BuildKit's in
//! the order its checks ran); `warnings` is `[]`, not `null`, when there is none; a source has
//! no `definition` (BuildKit's LLB of the build context; there is no build here); characters
//! outside ASCII are written as they are, not `\u` escaped. A file that is not a Dockerfile is
//! BuildKit's `buildError` (the first one; `buildErrors`, ours, lists them all).

use super::Report;
// The `cli` feature has the base64 crate through `lock-resolve`.
use base64::Engine as _;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct LintResults<'a> {
    warnings: Vec<Warning<'a>>,
    sources: Vec<SourceInfo<'a>>,
    #[serde(rename = "buildError", skip_serializing_if = "Option::is_none")]
    build_error: Option<BuildError>,
    #[serde(rename = "buildErrors", skip_serializing_if = "Vec::is_empty")]
    build_errors: Vec<BuildError>,
}

#[derive(Serialize)]
struct Warning<'a> {
    #[serde(rename = "ruleName")]
    rule_name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    url: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    detail: &'a str,
    location: Location,
}

#[derive(Clone, Serialize)]
struct Location {
    #[serde(rename = "sourceIndex", skip_serializing_if = "is_zero")]
    source_index: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ranges: Vec<Range>,
}

#[derive(Clone, Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Clone, Serialize)]
struct Position {
    #[serde(skip_serializing_if = "is_zero")]
    line: usize,
    #[serde(skip_serializing_if = "is_zero")]
    character: usize,
}

#[derive(Serialize)]
struct SourceInfo<'a> {
    filename: &'a str,
    #[serde(skip_serializing_if = "String::is_empty")]
    data: String,
    language: &'static str,
}

#[derive(Clone, Serialize)]
struct BuildError {
    message: String,
    location: Location,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// BuildKit's ranges for an instruction on `line..=end_line`: one whole line each.
fn lines(line: usize, end_line: usize) -> Vec<Range> {
    (line..=end_line.max(line))
        .map(|l| Range {
            start: Position {
                line: l,
                character: 0,
            },
            end: Position {
                line: l,
                character: 0,
            },
        })
        .collect()
}

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut results = LintResults {
        warnings: Vec::new(),
        sources: Vec::new(),
        build_error: None,
        build_errors: Vec::new(),
    };
    for (index, file) in report.files.iter().enumerate() {
        results.sources.push(SourceInfo {
            filename: &file.name,
            data: base64(file.text.as_bytes()),
            language: "Dockerfile",
        });
        for f in &file.findings {
            results.warnings.push(Warning {
                rule_name: f.rule,
                description: f.description,
                url: f.url,
                detail: &f.message,
                location: Location {
                    source_index: index,
                    ranges: lines(f.line, f.end_line),
                },
            });
        }
        for p in &file.problems {
            results.build_errors.push(BuildError {
                message: match (p.line, p.column) {
                    (Some(line), Some(column)) => {
                        format!("{}:{line}:{column}: {}", file.name, p.message)
                    }
                    (Some(line), None) => format!("{}:{line}: {}", file.name, p.message),
                    _ => format!("{}: {}", file.name, p.message),
                },
                location: Location {
                    source_index: index,
                    ranges: p.line.map_or_else(Vec::new, |line| lines(line, line)),
                },
            });
        }
    }
    results.build_error = results.build_errors.first().cloned();
    serde_json::to_writer_pretty(&mut *out, &results).map_err(io::Error::from)?;
    writeln!(out)
}

/// Standard base64 with padding (RFC 4648 §4), as Go's encoding/json writes a `[]byte`.
fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_as_rfc_4648_says() {
        // RFC 4648 §10's test vectors.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }
}
