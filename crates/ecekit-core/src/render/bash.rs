//! curl for bash (and any POSIX shell).
//!
//! The body goes through a quoted heredoc (`--data-binary @- <<'EOF'`): the
//! shell expands nothing inside it (no `$`, backticks or backslashes), so any
//! secret arrives byte for byte. The delimiter is chosen so that no line of
//! the body equals it. Credentials and ids are shell variables in double
//! quotes; fixed words are single-quoted.

use super::{
    base_name, check_double_quotable, needed_variables, RenderError, RenderOptions, Rendered,
};
use crate::api::{NoteLevel, Request};

/// A heredoc delimiter that no line of `body` equals: `EOF`, else `EOF_1`, …
pub fn heredoc_delimiter(body: &str) -> String {
    let lines: Vec<&str> = body.split('\n').collect();
    let mut candidate = "EOF".to_string();
    let mut n = 0;
    while lines.contains(&candidate.as_str()) {
        n += 1;
        candidate = format!("EOF_{n}");
    }
    candidate
}

/// A word holding `$VAR` references: double-quoted so the variables expand.
fn double_quoted(text: &str) -> Result<String, RenderError> {
    check_double_quotable(text)?;
    Ok(format!("\"{text}\""))
}

/// A fixed word, quoted for bash: single quotes when it needs any, and
/// `$'...'` with escapes when it holds control characters, so that the
/// script never carries one raw (a terminal showing it would obey it).
/// A NUL cannot be passed in an argument at all.
pub(crate) fn fixed(text: &str) -> Result<String, RenderError> {
    if crate::controls::first_control(text).is_none() || text.contains('\0') {
        return shlex::try_quote(text)
            .map(|q| q.into_owned())
            .map_err(|_| RenderError::new(format!("{text:?} cannot be quoted for bash")));
    }
    // Every byte but printable ASCII as `\xHH` (bytes, not `\u`, which
    // depends on the locale): exact, and nothing a terminal obeys.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::from("$'");
    for b in text.bytes() {
        if b == b' ' || (b.is_ascii_graphic() && b != b'\\' && b != b'\'') {
            out.push(char::from(b));
        } else {
            out.push_str("\\x");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out.push('\'');
    Ok(out)
}

/// A word that may hold variables.
fn word(text: &str) -> Result<String, RenderError> {
    if text.contains('$') {
        double_quoted(text)
    } else {
        fixed(text)
    }
}

/// Renders the request as a curl command for bash.
pub fn curl_bash(request: &Request, options: &RenderOptions) -> Result<Rendered, RenderError> {
    let mut text = String::new();
    text.push_str(&format!("# {}\n", request.operation.title()));
    for note in request.notes.iter().filter(|n| n.level == NoteLevel::Error) {
        for line in wrap(&note.text, 76) {
            text.push_str(&format!("# {line}\n"));
        }
    }
    let vars = needed_variables(request, options);
    if !vars.is_empty() {
        text.push_str(&format!("# Set first: {}\n", vars.join(", ")));
    }

    let mut args: Vec<String> = Vec::new();
    let mut first = "curl -sS --fail-with-body".to_string();
    if request.method != "GET" || request.body.is_some() {
        first.push_str(&format!(" -X {}", request.method));
    }
    if options.insecure {
        args.push("-k".to_string());
    }
    if let Some(ca) = &options.cacert {
        args.push(format!("--cacert {}", word(ca)?));
    }
    for h in &request.headers {
        args.push(format!("-H {}", word(&format!("{}: {}", h.name, h.value))?));
    }
    args.push(double_quoted(&request.url)?);

    text.push_str(&first);
    for arg in &args {
        text.push_str(" \\\n  ");
        text.push_str(arg);
    }
    if let Some(body) = &request.body {
        if body.contains('\0') {
            return Err(RenderError::new(
                "the body holds a NUL byte, which bash cannot pass on",
            ));
        }
        let delimiter = heredoc_delimiter(body);
        text.push_str(&format!(" \\\n  --data-binary @- <<'{delimiter}'\n"));
        text.push_str(body);
        if !body.ends_with('\n') {
            // Request bodies end with a newline; keep the heredoc valid anyway.
            text.push('\n');
        }
        text.push_str(&delimiter);
    }
    text.push('\n');

    let mut notes = Vec::new();
    notes.push("Needs curl 7.76 or later for --fail-with-body.".to_string());
    if options.insecure {
        notes.push(
            "-k turns off TLS verification: prefer --cacert with the coordinator's CA certificate."
                .to_string(),
        );
    }
    Ok(Rendered {
        format: super::Format::CurlBash,
        text,
        filename: format!("{}.sh", base_name(request)),
        files: Vec::new(),
        notes,
    })
}

/// Splits `text` into lines of at most `width` characters, at spaces. (The
/// comments it makes carry the engine's own notes, where input appears only
/// as `{:?}`, with control characters escaped.)
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
