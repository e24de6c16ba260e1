//! Reading the user's input: a file path or `-` for stdin.

use crate::CliError;
use std::io::Read;

/// Reads FILE, or stdin when `path` is `-` or absent.
pub fn read_text(path: Option<&str>) -> Result<String, CliError> {
    match path {
        None | Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| CliError(format!("cannot read standard input: {e}")))?;
            Ok(text)
        }
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| CliError(format!("cannot read {path}: {e}")))
        }
    }
}
