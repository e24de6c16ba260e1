pub mod curl;
pub mod keystore;
pub mod policy;
pub mod repository;
pub mod simulator;
pub mod validate;

/// Documents are printed byte-exact, without a final newline of their own.
/// On a terminal, end the line so the note on stderr starts on its own line;
/// pipes and files still get the exact bytes.
pub fn end_line_on_terminal(printed: &str) {
    use std::io::IsTerminal;
    if !printed.ends_with('\n') && std::io::stdout().is_terminal() {
        println!();
    }
}

/// Writes `text` and a line break on stderr, control characters escaped:
/// messages, findings and notes carry names, paths and values from the
/// input, and a terminal obeys the escape sequences they may hold (a setting
/// name with `ESC ]0;...BEL ESC [2J` would retitle and clear it).
pub fn eprint_line(text: &str) {
    eprintln!("{}", ecekit_core::controls::escape_controls(text));
}

/// JSON text with the control characters serde_json writes raw (DEL, C1,
/// the line separators and bidi controls) as `\uXXXX` escapes: the same
/// document, safe on a terminal. In serde_json's output any raw control
/// character other than the pretty-printer's line breaks is inside a string.
pub fn json_for_terminal(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c != '\n' && ecekit_core::controls::is_control(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}
