//! Findings: what every validator returns.
//!
//! A finding says what is wrong (`message`, which also says why it matters),
//! how to fix it (`help`), and where: line:column in the input and a JSON
//! pointer. Codes are stable: scripts and the UI key on them.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Suggestion,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Suggestion];

    /// The name serde writes (`error`, `warning`, `suggestion`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in the input. `line` and `column` are 1-based; `column` counts
/// characters (not bytes). `start`/`end` are byte offsets into the input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub start: usize,
    pub end: usize,
    /// RFC 6901 JSON pointer of the value the finding is about ("" = the root).
    pub pointer: String,
}

/// A machine-applicable fix: replace `start..end` of the input with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

impl Edit {
    /// `text` with the edit applied, or `None` when the edit no longer fits
    /// it (the text changed since the finding was made).
    pub fn apply(&self, text: &str) -> Option<String> {
        if self.start > self.end
            || self.end > text.len()
            || !text.is_char_boundary(self.start)
            || !text.is_char_boundary(self.end)
        {
            return None;
        }
        Some(format!(
            "{}{}{}",
            &text[..self.start],
            self.replacement,
            &text[self.end..]
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable code such as `JSON_SYNTAX` or `KS_UNKNOWN_SETTING`.
    pub code: &'static str,
    /// What is wrong and why it matters.
    pub message: String,
    /// How to fix it.
    pub help: String,
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Edit>,
}

impl Finding {
    pub fn new(
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        help: impl Into<String>,
        location: Location,
    ) -> Self {
        Finding {
            severity,
            code,
            message: message.into(),
            help: help.into(),
            location,
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Edit) -> Self {
        self.fix = Some(fix);
        self
    }

    /// The one-line text form used by the CLI:
    /// `LINE:COL: SEVERITY[CODE]: message Fix: help (at POINTER)`, with
    /// control characters from the input escaped (a line break would split
    /// the line; a terminal obeys an escape sequence).
    pub fn to_line(&self) -> String {
        let mut line = format!(
            "{}:{}: {}[{}]: {}",
            self.location.line, self.location.column, self.severity, self.code, self.message
        );
        if !self.help.is_empty() {
            line.push_str(" Fix: ");
            line.push_str(&self.help);
        }
        if !self.location.pointer.is_empty() {
            line.push_str(" (at ");
            line.push_str(&self.location.pointer);
            line.push(')');
        }
        match crate::controls::escape_controls(&line) {
            std::borrow::Cow::Borrowed(_) => line,
            std::borrow::Cow::Owned(escaped) => escaped,
        }
    }
}

/// Sorts findings by position, then severity, then code, so output is stable.
pub fn sort(findings: &mut [Finding]) {
    crate::sort::sort_by(findings, |a, b| {
        (a.location.start, a.severity, a.code).cmp(&(b.location.start, b.severity, b.code))
    });
}

pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Maps byte offsets to 1-based line and character column.
///
/// Columns are counted in characters. On a long line (a minified document
/// is one line) they are not counted from the line's start for every
/// finding, which made locating N findings O(N x line length): the index
/// keeps the number of characters before every [`CHAR_MARK`]-th byte, so a
/// column costs at most two short counts.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// `char_marks[k]`: the number of characters in `text[..k * CHAR_MARK]`.
    char_marks: Vec<usize>,
    /// The line starts and character marks of `text[..scanned]` are known.
    scanned: usize,
}

/// Bytes between two character marks of a [`LineIndex`].
const CHAR_MARK: usize = 4096;

/// The number of characters that start in `bytes` (UTF-8: every byte that
/// is not a continuation byte).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b as i8) >= -0x40).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut index = LineIndex::lazy();
        index.extend_to(text, text.len());
        index
    }

    /// An index that has read none of the text yet: [`LineIndex::extend_to`]
    /// reads as far as a position needs (a finding near the start of a large
    /// document needs no scan of the rest).
    pub fn lazy() -> Self {
        LineIndex {
            line_starts: vec![0],
            char_marks: vec![0],
            scanned: 0,
        }
    }

    /// Reads the text up to at least `offset`, so that `position(offset)`
    /// is right. Grows geometrically: positions asked for in any order cost
    /// one scan of the text in all.
    pub fn extend_to(&mut self, text: &str, offset: usize) {
        let offset = offset.min(text.len());
        if offset <= self.scanned {
            return;
        }
        let end = offset.max(self.scanned * 2).max(4096).min(text.len());
        push_line_starts(
            &text.as_bytes()[self.scanned..end],
            self.scanned,
            &mut self.line_starts,
        );
        while self.char_marks.len() * CHAR_MARK <= end {
            let k = self.char_marks.len();
            let chars = count_chars(&text.as_bytes()[(k - 1) * CHAR_MARK..k * CHAR_MARK]);
            self.char_marks.push(self.char_marks[k - 1] + chars);
        }
        self.scanned = end;
    }

    /// The number of characters in `text[..offset]`, from the nearest mark
    /// (`offset` within what the index has read).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let k = (offset / CHAR_MARK).min(self.char_marks.len() - 1);
        self.char_marks[k] + count_chars(&text.as_bytes()[k * CHAR_MARK..offset])
    }

    /// 1-based (line, column) of byte offset `offset` in `text` (read up to
    /// `offset`: see [`LineIndex::extend_to`]).
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = match text.get(start..offset) {
            Some(s) if s.len() <= 2 * CHAR_MARK => s.chars().count(),
            Some(_) => self.chars_before(text, offset) - self.chars_before(text, start),
            // Not at a character boundary: bytes.
            None => offset - start,
        };
        (line + 1, column + 1)
    }

    /// A location for byte range `start..end` with JSON pointer `pointer`.
    pub fn location(&self, text: &str, start: usize, end: usize, pointer: &str) -> Location {
        let (line, column) = self.position(text, start);
        Location {
            line,
            column,
            start,
            end,
            pointer: pointer.to_string(),
        }
    }
}

/// Appends the offset after each `\n` of `bytes`, eight bytes at a time
/// (a byte-by-byte scan was 3% of validating a large policy).
/// `base` is the offset of `bytes` in the text.
fn push_line_starts(bytes: &[u8], mut base: usize, out: &mut Vec<usize>) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // Zero bytes of y are the newlines; the high bit of each marks them
        // exactly (no borrow between lanes).
        let y = u64::from_le_bytes(word) ^ (ONES * u64::from(b'\n'));
        let mut hits = !(((y & LOW7).wrapping_add(LOW7)) | y | LOW7);
        while hits != 0 {
            out.push(base + (hits.trailing_zeros() / 8) as usize + 1);
            hits &= hits - 1;
        }
        base += 8;
    }
    for (i, b) in chunks.remainder().iter().enumerate() {
        if *b == b'\n' {
            out.push(base + i + 1);
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn line_starts_are_found_in_every_lane() {
        let texts = [
            "",
            "\n",
            "a\nb",
            "\n\n\n\n\n\n\n\n\n",
            "1234567\n1234567\n",
            "\u{b}\n\u{b}é\n\u{8a}\n\u{b}\u{b}\nxx",
            "no newline at all, but longer than eight bytes",
        ];
        for text in texts {
            let mut fast = vec![0];
            super::push_line_starts(text.as_bytes(), 0, &mut fast);
            let slow: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn edits_apply_only_where_they_still_fit() {
        let edit = Edit {
            start: 2,
            end: 3,
            replacement: "é".into(),
        };
        assert_eq!(edit.apply("abcd").as_deref(), Some("abéd"));
        assert_eq!(edit.apply("ab"), None);
        assert_eq!(
            Edit {
                start: 1,
                end: 2,
                replacement: String::new()
            }
            .apply("é"),
            None
        );
    }

    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "ab\né{x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), (1, 1));
        assert_eq!(index.position(text, 3), (2, 1));
        // 'é' is two bytes; '{' is the second character of line 2.
        assert_eq!(index.position(text, 5), (2, 2));
        assert_eq!(index.position(text, text.len()), (3, 1));
    }

    #[test]
    fn a_lazy_index_read_in_any_order_agrees_with_the_full_one() {
        let text: String = (0..3000)
            .map(|i| {
                format!(
                    "{}{}",
                    "é".repeat(i % 5),
                    if i % 3 == 0 { "\n" } else { "x" }
                )
            })
            .collect();
        let full = LineIndex::new(&text);
        let mut lazy = LineIndex::lazy();
        let offsets = (0..=text.len())
            .rev()
            .step_by(997)
            .chain([0, 1, 5000, text.len()]);
        for offset in offsets {
            lazy.extend_to(&text, offset);
            assert_eq!(
                lazy.position(&text, offset),
                full.position(&text, offset),
                "{offset}"
            );
        }
        let mut lazy = LineIndex::lazy();
        for offset in (0..=text.len()).step_by(13) {
            lazy.extend_to(&text, offset);
            assert_eq!(lazy.position(&text, offset), full.position(&text, offset));
        }
    }

    /// Columns on lines far longer than the distance between character
    /// marks (a minified document) are the characters counted from the
    /// line's start, exactly as a direct count gives them.
    #[test]
    fn columns_on_long_lines_count_characters_from_the_line_start() {
        let text: String = (0..40_000)
            .map(|i| match i % 7 {
                0 => "é",
                1 => "😀",
                2 if i % 9_001 == 0 => "\n",
                3 => "漢",
                _ => "x",
            })
            .collect();
        let direct = |offset: usize| {
            let before = &text.as_bytes()[..offset];
            let start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = match text.get(start..offset) {
                Some(s) => s.chars().count(),
                None => offset - start,
            };
            (
                before.iter().filter(|b| **b == b'\n').count() + 1,
                column + 1,
            )
        };
        let full = LineIndex::new(&text);
        let mut lazy = LineIndex::lazy();
        let offsets = (0..=text.len())
            .step_by(331)
            .chain((1..30).flat_map(|k| [k * CHAR_MARK - 1, k * CHAR_MARK, k * CHAR_MARK + 1]))
            .chain([text.len()])
            .filter(|o| *o <= text.len());
        for offset in offsets {
            lazy.extend_to(&text, offset);
            assert_eq!(full.position(&text, offset), direct(offset), "{offset}");
            assert_eq!(lazy.position(&text, offset), direct(offset), "{offset}");
        }
    }

    #[test]
    fn line_form_has_position_severity_code_and_pointer() {
        let f = Finding::new(
            Severity::Warning,
            "X_CODE",
            "Something is off.",
            "Change it.",
            Location {
                line: 3,
                column: 7,
                start: 0,
                end: 1,
                pointer: "/a/b".into(),
            },
        );
        assert_eq!(
            f.to_line(),
            "3:7: warning[X_CODE]: Something is off. Fix: Change it. (at /a/b)"
        );
    }
}
