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
    use proptest::prelude::*;

    /// What the runner does to a message (`%0D`, `%0A`, `%25`, in that order).
    fn unescape_data(s: &str) -> String {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
    }

    /// What the runner does to a property value (`%3A` and `%2C` too, before `%25`).
    fn unescape_property(s: &str) -> String {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    proptest! {
        #[test]
        fn the_runner_reads_back_what_was_escaped(s in "[a-z%:,\r\n0-9ADC ]{0,40}|\\PC{0,20}") {
            let message = data(&s);
            prop_assert!(!message.contains(['\r', '\n']));
            prop_assert_eq!(unescape_data(&message), s.clone());
            let value = property(&s);
            prop_assert!(!value.contains(['\r', '\n', ',', ':']));
            prop_assert_eq!(unescape_property(&value), s);
        }
    }

    #[test]
    fn escapes_as_the_runner_reads() {
        assert_eq!(data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
