//! Control characters in text that carries a user's input. A terminal obeys
//! them (`ESC ]0;...BEL` retitles it, `ESC [2J` clears it), and a line break
//! in a name ends the comment or the line it was written into, so that the
//! rest of the name becomes code. Text shown to people escapes them; names
//! that hold one are refused.

use std::borrow::Cow;

/// Control characters (C0, DEL, C1), the line and paragraph separators,
/// and the invisible bidi controls that reorder how a line reads.
pub fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{61c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// The first control character of `text`.
pub fn first_control(text: &str) -> Option<char> {
    text.chars().find(|c| is_control(*c))
}

/// `text` with each control character written as its Rust escape (`\n`,
/// `\r`, `\t`, `\u{1b}`, ...); other characters as they are.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if first_control(text).is_none() {
        return Cow::Borrowed(text);
    }
    use std::fmt::Write;
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_control(c) {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_the_rest_kept() {
        assert_eq!(
            escape_controls("a\n\r\t\u{1b}]0;x\u{7}\u{7f}\u{9b}\u{2028}\u{202e}é😀 \\n"),
            "a\\n\\r\\t\\u{1b}]0;x\\u{7}\\u{7f}\\u{9b}\\u{2028}\\u{202e}é😀 \\n"
        );
        assert!(matches!(escape_controls("plain é"), Cow::Borrowed(_)));
        assert_eq!(first_control("ab\u{85}c"), Some('\u{85}'));
        assert_eq!(first_control("\u{a0}\u{200b}"), None);
    }
}
