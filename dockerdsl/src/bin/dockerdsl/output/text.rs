//! `FILE:LINE:COL: warning[Rule]: message`, one finding a line, as compilers print; a file
//! that is not a Dockerfile: `FILE:LINE:COL: error: message` and `  = help: ...`.

use super::{FileReport, Report};
use std::io::{self, Write};

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        write_problems(file, out)?;
        for f in &file.findings {
            writeln!(
                out,
                "{}:{}:{}: {}[{}]: {}",
                file.name,
                f.line,
                f.column,
                f.severity.word(),
                f.rule,
                f.message
            )?;
        }
    }
    Ok(())
}

/// Why `file` is not a Dockerfile, if it is not.
pub(super) fn write_problems(file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    for p in &file.problems {
        // 0 for the whole file or line, as the library's diagnostics print.
        writeln!(
            out,
            "{}:{}:{}: error: {}",
            file.name,
            p.line.unwrap_or(0),
            p.column.unwrap_or(0),
            p.message
        )?;
        if let Some(help) = &p.help {
            writeln!(out, "  = help: {help}")?;
        }
    }
    Ok(())
}
