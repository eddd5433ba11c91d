//! SARIF 2.1.0 (OASIS), what code scanning (GitHub's among others) uploads.
//!
//! One run; its tool's driver lists every rule `dockerdsl` has, each with its description,
//! help URI and default level (`warning`), and each result points at its rule by id and
//! index. A result's region is the instruction: its first line and the keyword's column to its
//! last line. A finding in a file with `# check=error=true` has level `error`. A file that
//! is not a Dockerfile is a tool execution notification (level `error`, with its place), and
//! the invocation is then not successful. Artifact URIs are the paths as given or found,
//! relative ones as relative references (`/` separators, percent-encoded), absolute ones as
//! `file://` URIs.

use super::{Report, Severity};
use dockerdsl::Rule;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: [Invocation; 1],
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    short_description: Text,
    help_uri: &'static str,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rules = Rule::ALL
        .iter()
        .map(|r| ReportingDescriptor {
            id: r.name(),
            short_description: Text {
                text: r.description().to_owned(),
            },
            help_uri: r.url(),
            default_configuration: Configuration { level: "warning" },
        })
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for file in &report.files {
        let uri = uri(&file.name);
        for p in &file.problems {
            let mut message = p.message.clone();
            if let Some(help) = &p.help {
                message.push_str(&format!(" (help: {help})"));
            }
            notifications.push(Notification {
                level: "error",
                message: Text { text: message },
                locations: vec![SarifLocation {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: uri.clone() },
                        region: p.line.map(|line| Region {
                            start_line: line,
                            start_column: p.column,
                            end_line: None,
                        }),
                    },
                }],
            });
        }
        for f in &file.findings {
            let rule_index = Rule::ALL.iter().position(|r| r.name() == f.rule);
            results.push(SarifResult {
                rule_id: f.rule,
                rule_index,
                level: level(f.severity),
                message: Text {
                    text: f.message.clone(),
                },
                locations: vec![SarifLocation {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: uri.clone() },
                        region: Some(Region {
                            start_line: f.line,
                            start_column: Some(f.column),
                            end_line: Some(f.end_line.max(f.line)),
                        }),
                    },
                }],
            });
        }
    }
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "dockerdsl",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            invocations: [Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
    writeln!(out)
}

/// A path as a URI reference: relative paths stay relative (what code scanning resolves
/// against the checkout), absolute ones become `file://` URIs; bytes outside RFC 3986's
/// unreserved set and `/` are percent-encoded.
fn uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let mut out = String::new();
    if slashed.starts_with('/') {
        out.push_str("file://");
    }
    for b in slashed.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;
    use proptest::prelude::*;

    /// Percent-decoding, as a URI reader does.
    fn decode(uri: &str) -> Vec<u8> {
        let bytes = uri.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii");
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        out
    }

    proptest! {
        #[test]
        fn a_relative_path_is_a_uri_reference_that_decodes_to_it(path in "[a-z ._%#?:/-]{1,30}|\\PC{1,10}") {
            prop_assume!(!path.starts_with('/') && !path.contains('\\'));
            let u = uri(&path);
            // RFC 3986: unreserved characters, `/` and percent-encodings only.
            prop_assert!(u.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)));
            prop_assert_eq!(decode(&u), path.as_bytes());
        }
    }

    #[test]
    fn paths_as_uri_references() {
        assert_eq!(uri("app/Dockerfile"), "app/Dockerfile");
        assert_eq!(uri("my app/Dockerfile.dev"), "my%20app/Dockerfile.dev");
        assert_eq!(uri("/src/Dockerfile"), "file:///src/Dockerfile");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri("é"), "%C3%A9");
    }
}
