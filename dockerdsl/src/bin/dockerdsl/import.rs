//! `import [--macro] FILE`: Rust source that builds the file.

use crate::input::one_file;
use std::path::Path;
use std::process::ExitCode;

pub(crate) fn run(macro_form: bool, file: &Path) -> Result<ExitCode, String> {
    let Some(parsed) = one_file(file)? else {
        return Ok(ExitCode::FAILURE);
    };
    let df = parsed.dockerfile();
    if macro_form {
        print!("{}", dockerdsl::import::with_macro(df));
    } else {
        print!("{}", dockerdsl::import::builder(df));
    }
    Ok(ExitCode::SUCCESS)
}
