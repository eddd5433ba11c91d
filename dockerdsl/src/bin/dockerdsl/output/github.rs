//! GitHub Actions workflow commands: each finding an annotation on its file and line.
//!
//! `::warning file=F,line=L,endLine=E,col=C,title=Rule::message` (`::error` for a finding of
//! a file with `# check=error=true`, and for what makes a file no Dockerfile). Escaped as the
//! runner unescapes: `%`, CR and LF in the message; also `:` and `,` in the properties.

use super::{Report, Severity};
use std::io::{self, Write};

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        let name = property(&file.name);
        for p in &file.problems {
            let mut place = format!("file={name}");
            if let Some(line) = p.line {
                place.push_str(&format!(",line={line}"));
            }
            if let Some(column) = p.column {
                place.push_str(&format!(",col={column}"));
            }
            let mut message = p.message.clone();
            if let Some(help) = &p.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::error {place},title={}::{}",
                property("not a Dockerfile"),
                data(&message)
            )?;
        }
        for f in &file.findings {
            let command = match f.severity {
                Severity::Warning => "warning",
                Severity::Error => "error",
            };
            writeln!(
                out,
                "::{command} file={name},line={},endLine={},col={},title={}::{}",
                f.line,
                f.end_line,
                f.column,
                property(f.rule),
                data(&format!("{}\nsee {}", f.message, f.url))
            )?;
        }
    }
    Ok(())
}

/// A message, escaped.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value, escaped.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{data, property};

    #[test]
    fn escapes_as_the_runner_reads() {
        assert_eq!(data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
