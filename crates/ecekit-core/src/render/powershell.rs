//! curl for PowerShell (5.1 and 7).
//!
//! `curl.exe`, never `curl` (an alias of Invoke-WebRequest in Windows
//! PowerShell 5.1). The body is a verbatim here-string (`@' ... '@`: nothing
//! inside is expanded) piped to `--data-binary '@-'`, so it never goes
//! through native-argument quoting (which differs between PowerShell 5.1 and
//! 7.3+ for arguments holding double quotes). `$OutputEncoding` is set to
//! UTF-8 first: Windows PowerShell 5.1 pipes ASCII by default and would turn
//! non-ASCII characters into `?`.

use super::bash::wrap;
use super::{
    base_name, check_double_quotable, map_variables, needed_variables, RenderError, RenderOptions,
    Rendered,
};
use crate::api::{NoteLevel, Request};

/// PowerShell's single quotes: `'` and the typographic U+2018..U+201B
/// (its tokenizer's `IsSingleQuote`). Any of them opens or closes a string.
fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}'..='\u{201b}')
}

/// PowerShell's double quotes: `"` and U+201C..U+201E (`IsDoubleQuote`).
fn is_double_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201c}'..='\u{201e}')
}

/// `text` with each character `doubled` says doubled: in a PowerShell string,
/// two quote characters in a row stand for the second one.
fn double_quotes(text: &str, doubled: fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if doubled(c) {
            out.push(c);
        }
        out.push(c);
    }
    out
}

/// A single-quoted PowerShell string: no expansion; every single-quote
/// character doubled. Control characters are refused: PowerShell has no
/// quoting that shows them.
fn single(text: &str) -> Result<String, RenderError> {
    super::check_no_control("the value", text)?;
    Ok(format!("'{}'", double_quotes(text, is_single_quote)))
}

/// A double-quoted string with `$NAME` as `${env:NAME}` (`"` itself is
/// refused; the typographic double quotes are doubled).
fn with_env(text: &str) -> Result<String, RenderError> {
    check_double_quotable(text)?;
    let body = map_variables(text, |name| format!("${{env:{name}}}"));
    Ok(format!("\"{}\"", double_quotes(&body, is_double_quote)))
}

fn word(text: &str) -> Result<String, RenderError> {
    if text.contains('$') {
        with_env(text)
    } else {
        single(text)
    }
}

/// True when a line of `body` starts with a single-quote character and `@`:
/// that line would end the here-string. PowerShell ends a line at `\r\n`,
/// `\r` or `\n`.
fn has_here_string_footer(body: &str) -> bool {
    let mut line_start = true;
    for (i, c) in body.char_indices() {
        if line_start && is_single_quote(c) && body[i + c.len_utf8()..].starts_with('@') {
            return true;
        }
        line_start = matches!(c, '\r' | '\n');
    }
    false
}

/// Renders the request as a curl.exe command for PowerShell.
pub fn curl_powershell(
    request: &Request,
    options: &RenderOptions,
) -> Result<Rendered, RenderError> {
    let mut text = String::new();
    text.push_str(&format!("# {}\n", request.operation.title()));
    for note in request.notes.iter().filter(|n| n.level == NoteLevel::Error) {
        for line in wrap(&note.text, 76) {
            text.push_str(&format!("# {line}\n"));
        }
    }
    let vars = needed_variables(request, options);
    if !vars.is_empty() {
        let vars: Vec<String> = vars.iter().map(|v| format!("$env:{v}")).collect();
        text.push_str(&format!("# Set first: {}\n", vars.join(", ")));
    }

    let mut args: Vec<String> = Vec::new();
    if request.method != "GET" || request.body.is_some() {
        args.push(format!("-X {}", request.method));
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
    if request.body.is_some() {
        args.push("--data-binary '@-'".to_string());
    }
    args.push(with_env(&request.url)?);

    if let Some(body) = &request.body {
        // A here-string ends at a line starting with '@ (or a typographic
        // single quote and @); JSON never has one.
        if has_here_string_footer(body) {
            return Err(RenderError::new(
                "a line of the body starts with '@ (or \u{2019}@), which ends a PowerShell here-string: use the bash command, or save the body to a file and pass --data-binary '@file'",
            ));
        }
        text.push_str("# Windows PowerShell 5.1 pipes ASCII unless told otherwise:\n");
        text.push_str("$OutputEncoding = [System.Text.UTF8Encoding]::new($false)\n");
        text.push_str("@'\n");
        // The here-string's last line break is not part of its value; the pipe
        // adds one back, so the bytes sent match the body.
        text.push_str(body.strip_suffix('\n').unwrap_or(body));
        text.push_str("\n'@ | curl.exe -sS --fail-with-body");
    } else {
        text.push_str("curl.exe -sS --fail-with-body");
    }
    for arg in &args {
        text.push_str(" `\n  ");
        text.push_str(arg);
    }
    text.push('\n');

    let mut notes = vec![
        "Uses curl.exe (Windows 10 1803 and later ship it; --fail-with-body needs curl 7.76 or later). In Windows PowerShell 5.1, plain `curl` is Invoke-WebRequest.".to_string(),
    ];
    if request.body.is_some() {
        notes.push(
            "PowerShell ends the piped body with a line break (CRLF on Windows): JSON ignores it."
                .to_string(),
        );
    }
    if options.insecure {
        notes.push(
            "-k turns off TLS verification: prefer --cacert with the coordinator's CA certificate."
                .to_string(),
        );
    }
    Ok(Rendered {
        format: super::Format::CurlPowerShell,
        text,
        filename: format!("{}.ps1", base_name(request)),
        files: Vec::new(),
        notes,
    })
}
