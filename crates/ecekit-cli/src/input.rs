//! Reading the user's input: a file path or `-` for stdin, never more than
//! [`MAX_INPUT`] bytes (`/dev/zero` or an endless pipe would otherwise be
//! read until memory runs out).

use crate::CliError;
use std::io::Read;

/// The most ecekit reads from one file or stream: far more than any
/// keystore body, policy or repository body (a few kilobytes), far less
/// than what exhausts memory.
pub const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// Reads at most [`MAX_INPUT`] bytes of `reader`; more is an error naming `what`.
pub fn read_capped(reader: impl Read, what: &str) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError(format!("cannot read {what}: {e}")))?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(CliError(format!(
            "cannot read {what}: it is larger than 64 MiB, the most ecekit reads (a keystore body, policy or repository body is a few kilobytes)"
        )));
    }
    Ok(bytes)
}

/// Reads the file at `path` (capped).
pub fn read_file(path: &str, what: &str) -> Result<Vec<u8>, CliError> {
    let file =
        std::fs::File::open(path).map_err(|e| CliError(format!("cannot read {what}: {e}")))?;
    read_capped(file, what)
}

/// Reads standard input (capped).
pub fn read_stdin(what: &str) -> Result<Vec<u8>, CliError> {
    read_capped(std::io::stdin().lock(), what)
}

/// Reads FILE, or stdin when `path` is `-` or absent, as UTF-8 text.
pub fn read_text(path: Option<&str>) -> Result<String, CliError> {
    let (bytes, what) = match path {
        None | Some("-") => (read_stdin("standard input")?, "standard input".to_string()),
        Some(path) => (read_file(path, path)?, path.to_string()),
    };
    String::from_utf8(bytes).map_err(|_| {
        CliError(format!(
            "cannot read {what}: stream did not contain valid UTF-8"
        ))
    })
}
