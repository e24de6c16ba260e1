//! Reading pasted shell text as bash would, enough to check curl commands.
//!
//! [`parse`] reads a whole script; [`parse_line`] reads one logical command
//! line (with its line continuations, quotes, heredoc bodies and `&&` / `||`
//! / `|` continuations) starting at a byte offset of a larger text, so that
//! the curl checker can pick the command lines out of a pasted doc snippet.
//!
//! Every [`Word`] keeps its byte range in the input, its value after quote
//! removal (expansions such as `$VAR` stay as written: nothing is expanded),
//! a map from value offsets back to input offsets, and the variable
//! references it holds. Heredoc bodies are attached to their command.
//!
//! Problems a paste often has are reported as findings with exact positions
//! (unterminated quotes and heredocs, a `\` followed by spaces, Windows line
//! endings, typographic quotes, non-breaking spaces), and the parse recovers
//! the way the user meant it so that the curl checks still run. The parser
//! never panics and is linear in the input size.

use crate::finding::{Finding, LineIndex, Severity};

pub const UNTERMINATED_QUOTE: &str = "SHELL_UNTERMINATED_QUOTE";
pub const UNTERMINATED_SUBSTITUTION: &str = "SHELL_UNTERMINATED_SUBSTITUTION";
pub const UNTERMINATED_HEREDOC: &str = "SHELL_UNTERMINATED_HEREDOC";
pub const HEREDOC_DELIMITER_NOT_ALONE: &str = "SHELL_HEREDOC_DELIMITER_NOT_ALONE";
pub const BACKSLASH_SPACE: &str = "SHELL_BACKSLASH_SPACE";
pub const CRLF: &str = "SHELL_CRLF";
pub const SMART_QUOTE: &str = "SHELL_SMART_QUOTE";
pub const NON_BREAKING_SPACE: &str = "SHELL_NON_BREAKING_SPACE";
pub const MISSING_REDIRECT_TARGET: &str = "SHELL_MISSING_REDIRECT_TARGET";

/// Maps offsets in a value built from the input (a word after quote
/// removal, a heredoc body) back to byte offsets in the input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// `(value offset, input offset)` at each point where the value stops
    /// being a straight copy of the input.
    spans: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// The input offset of value offset `v` (`fallback` for an empty value).
    pub fn input_offset(&self, v: usize, fallback: usize) -> usize {
        let i = self.spans.partition_point(|&(sv, _)| sv <= v);
        if i == 0 {
            return fallback;
        }
        let (sv, si) = self.spans[i - 1];
        si + (v - sv)
    }
}

/// A value under construction with its offset map.
#[derive(Debug, Default)]
struct Mapped {
    value: String,
    map: OffsetMap,
}

impl Mapped {
    fn push_str(&mut self, s: &str, input: usize) {
        if s.is_empty() {
            return;
        }
        let v = self.value.len();
        let continuous = self
            .map
            .spans
            .last()
            .is_some_and(|&(sv, si)| si + (v - sv) == input);
        if !continuous {
            self.map.spans.push((v, input));
        }
        self.value.push_str(s);
    }

    fn push_char(&mut self, c: char, input: usize) {
        let mut buf = [0u8; 4];
        self.push_str(c.encode_utf8(&mut buf), input);
    }
}

/// How the text around a `$` was quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quoting {
    /// Outside quotes: expanded, then split into words.
    Unquoted,
    /// Inside `"..."`: expanded.
    Double,
    /// Inside `'...'` or `$'...'`: NOT expanded, sent as the characters `$NAME`.
    Single,
    /// In the body of an unquoted heredoc (`<<EOF`): expanded.
    Heredoc,
}

/// A `$NAME` or `${NAME...}` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// Byte range of the whole reference (`$NAME`, `${NAME:-x}`) in the input.
    pub start: usize,
    pub end: usize,
    /// Byte range of the reference in the word's value (or heredoc body).
    pub value_start: usize,
    pub value_end: usize,
    pub braced: bool,
    pub quoting: Quoting,
}

impl VarRef {
    /// True when bash replaces the reference with the variable's value.
    pub fn expands(&self) -> bool {
        self.quoting != Quoting::Single
    }
}

/// One shell word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word after quote removal and escape processing. Expansions
    /// (`$VAR`, `${VAR}`, `$(cmd)`, backticks) stay as written.
    pub value: String,
    /// Byte range of the word in the input.
    pub start: usize,
    pub end: usize,
    /// Variable references, in order (also those inside single quotes,
    /// which do not expand: see [`VarRef::expands`]).
    pub vars: Vec<VarRef>,
    /// True when any part of the word was quoted or escaped.
    pub quoted: bool,
    /// True when the word holds `$(...)` or backticks.
    pub has_substitution: bool,
    map: OffsetMap,
}

impl Word {
    /// The input offset of byte `v` of [`Word::value`].
    pub fn input_offset(&self, v: usize) -> usize {
        if v >= self.value.len() {
            // Just past the last character: after its input position.
            if let Some(last) = self.value.chars().next_back() {
                let lv = self.value.len() - last.len_utf8();
                return (self.map.input_offset(lv, self.start) + last.len_utf8()).min(self.end);
            }
            return self.start;
        }
        self.map.input_offset(v, self.start)
    }

    /// The word as written in the input.
    pub fn raw<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }

    /// True for a variable reference that expands, such as `$X` in `"$X"`.
    pub fn has_expansion(&self) -> bool {
        self.has_substitution || self.vars.iter().any(VarRef::expands)
    }
}

/// The body of a heredoc (`<<EOF ... EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter after quote removal (`EOF` for `<<'EOF'`).
    pub delimiter: String,
    /// True for `<<'EOF'`, `<<"EOF"` or `<<\EOF`: the body is sent as is.
    /// False for `<<EOF`: bash expands `$`, backticks and `\` in the body.
    pub quoted: bool,
    /// `<<-`: leading tabs are removed from each body line.
    pub strip_tabs: bool,
    /// What bash feeds the command (expansions left as written).
    pub body: String,
    /// Byte range of the body lines in the input (without the delimiter line).
    pub body_start: usize,
    pub body_end: usize,
    /// False when the input ended before the delimiter line.
    pub terminated: bool,
    /// Variable references in the body (only for an unquoted heredoc).
    pub vars: Vec<VarRef>,
    /// True when an unquoted body holds `$(...)` or backticks.
    pub has_substitution: bool,
    map: OffsetMap,
}

impl Heredoc {
    /// The input offset of byte `v` of [`Heredoc::body`].
    pub fn input_offset(&self, v: usize) -> usize {
        self.map
            .input_offset(v, self.body_start)
            .min(self.body_end.max(self.body_start))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectOp {
    /// `<`
    Input,
    /// `>`, `>|`
    Output,
    /// `>>`
    Append,
    /// `<<` (with `strip_tabs` for `<<-`)
    Heredoc { strip_tabs: bool },
    /// `<<<`
    HereString,
    /// `<>`
    ReadWrite,
    /// `<&`, `>&`
    Duplicate,
    /// `&>`, `&>>`
    OutputAndError,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub op: RedirectOp,
    /// The file descriptor written before the operator (`2>`), if any.
    pub fd: Option<u32>,
    /// The file, here-string or heredoc delimiter word (None when missing).
    pub target: Option<Word>,
    /// Filled in for [`RedirectOp::Heredoc`] once the body has been read.
    pub heredoc: Option<Heredoc>,
    /// Byte range of the operator.
    pub start: usize,
    pub end: usize,
}

/// What ends a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    Newline,
    /// `;`
    Semicolon,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `|` or `|&`
    Pipe,
    /// `&`: runs the command in the background.
    Background,
    /// `(` or `)`
    Paren,
}

/// A simple command: assignments, words and redirections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Leading `NAME=value` words.
    pub assignments: Vec<Word>,
    /// The command name and its arguments.
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    /// Byte range from the first to the last word or redirection.
    pub start: usize,
    pub end: usize,
    /// What ended the command (None at the end of the input).
    pub separator: Option<Separator>,
    /// Byte range of the separator.
    pub separator_start: usize,
    pub separator_end: usize,
}

impl Command {
    /// The command name as written after quote removal.
    pub fn name(&self) -> Option<&str> {
        self.words.first().map(|w| w.value.as_str())
    }

    /// The heredoc or here-string that feeds standard input, if any (the
    /// last `<`-kind redirection wins, as in bash).
    pub fn stdin(&self) -> Option<&Redirect> {
        self.redirects.iter().rev().find(|r| {
            r.fd.unwrap_or(0) == 0
                && matches!(
                    r.op,
                    RedirectOp::Input | RedirectOp::Heredoc { .. } | RedirectOp::HereString
                )
        })
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty() && self.assignments.is_empty() && self.redirects.is_empty()
    }
}

/// The result of a parse.
#[derive(Debug, Clone, Default)]
pub struct Script {
    pub commands: Vec<Command>,
    /// `SHELL_...` findings.
    pub findings: Vec<Finding>,
    /// Byte offset just after what was read.
    pub end: usize,
}

impl Script {
    /// The command whose standard output feeds command `i` through `|`.
    pub fn piped_into(&self, i: usize) -> Option<&Command> {
        let prev = self.commands.get(i.checked_sub(1)?)?;
        (prev.separator == Some(Separator::Pipe)).then_some(prev)
    }
}

/// Parses all of `text` as a bash script.
pub fn parse(text: &str) -> Script {
    let index = LineIndex::new(text);
    let mut p = Parser::new(text, text.len(), &index);
    while p.pos < p.end {
        let before = p.pos;
        p.parse_line();
        if p.pos == before {
            p.pos += 1;
        }
    }
    p.finish()
}

/// Parses one logical command line of `text` starting at byte `start`
/// (which must be a character boundary), up to byte `end` at most: the
/// line with its continuations, the lines after a trailing `&&`, `||` or
/// `|`, and the bodies of its heredocs. `index` is the line index of
/// `text`. Offsets in the result are offsets into `text`.
pub fn parse_line(text: &str, index: &LineIndex, start: usize, end: usize) -> Script {
    let end = end.min(text.len());
    let mut p = Parser::new(text, end, index);
    p.pos = start.min(end);
    while !text.is_char_boundary(p.pos) {
        p.pos += 1;
    }
    p.parse_line();
    p.finish()
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Bytes that end an unquoted word.
fn is_meta(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
    )
}

const NBSP: char = '\u{a0}';

fn is_smart_double(c: char) -> bool {
    matches!(c, '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}')
}

fn is_smart_single(c: char) -> bool {
    matches!(c, '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}')
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Parsing stops here.
    end: usize,
    index: &'a LineIndex,
    pos: usize,
    commands: Vec<Command>,
    findings: Vec<Finding>,
    /// (command index, redirect index) of heredocs whose body is pending.
    pending: Vec<(usize, usize)>,
    crlf_reported: bool,
    nbsp_reported: bool,
}

/// The command being read.
struct Current {
    cmd: Command,
}

impl Current {
    fn new(at: usize) -> Self {
        Current {
            cmd: Command {
                assignments: Vec::new(),
                words: Vec::new(),
                redirects: Vec::new(),
                start: at,
                end: at,
                separator: None,
                separator_start: at,
                separator_end: at,
            },
        }
    }
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, end: usize, index: &'a LineIndex) -> Self {
        Parser {
            text,
            bytes: &text.as_bytes()[..end],
            end,
            index,
            pos: 0,
            commands: Vec::new(),
            findings: Vec::new(),
            pending: Vec::new(),
            crlf_reported: false,
            nbsp_reported: false,
        }
    }

    fn finish(self) -> Script {
        Script {
            commands: self.commands,
            findings: self.findings,
            end: self.pos,
        }
    }

    fn report(
        &mut self,
        severity: Severity,
        code: &'static str,
        start: usize,
        end: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let location = self.index.location(self.text, start, end, "");
        self.findings
            .push(Finding::new(severity, code, message, help, location));
    }

    fn line_of(&self, offset: usize) -> usize {
        self.index.position(self.text, offset).0
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..self.end)?.chars().next()
    }

    /// Length of the line break at `i` (`\n` = 1, `\r\n` = 2), 0 if none.
    fn newline_len(&self, i: usize) -> usize {
        match self.at(i) {
            Some(b'\n') => 1,
            Some(b'\r') if self.at(i + 1) == Some(b'\n') => 2,
            _ => 0,
        }
    }

    fn note_crlf(&mut self, at: usize) {
        if !self.crlf_reported {
            self.crlf_reported = true;
            self.report(
                Severity::Error,
                CRLF,
                at,
                at + 1,
                "The text has Windows line endings (CR LF): bash keeps the carriage return as part of the last word of each line, so a line-continuation `\\` no longer continues the line, a URL or header ends in an invisible `\\r`, and a heredoc delimiter line never matches.",
                "Convert the line endings to LF (e.g. `dos2unix file`, or `tr -d '\\r'`), or paste into a Unix editor first.",
            );
        }
    }

    /// If a `\` at `i` is followed by spaces or tabs then a line break,
    /// returns the offset after the line break.
    fn backslash_space_newline(&self, i: usize) -> Option<usize> {
        let mut j = i + 1;
        while matches!(self.at(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        if j == i + 1 {
            return None;
        }
        let nl = self.newline_len(j);
        (nl > 0).then_some(j + nl)
    }

    fn report_backslash_space(&mut self, i: usize) {
        let line = self.line_of(i);
        self.report(
            Severity::Error,
            BACKSLASH_SPACE,
            i,
            i + 1,
            format!("The `\\` at the end of line {line} is followed by spaces: bash escapes the space instead of continuing the line, so the command ends here and line {} runs as a separate command.", line + 1),
            "Remove the spaces after the `\\` so that it is the last character of the line.",
        );
    }

    /// Handles a `\` + line break (a continuation) at `i`; returns the
    /// offset after it, or None when `i` is not a continuation.
    fn continuation(&mut self, i: usize) -> Option<usize> {
        if self.at(i) != Some(b'\\') {
            return None;
        }
        match self.newline_len(i + 1) {
            1 => Some(i + 2),
            2 => {
                self.note_crlf(i + 1);
                Some(i + 3)
            }
            _ => {
                let after = self.backslash_space_newline(i)?;
                self.report_backslash_space(i);
                Some(after)
            }
        }
    }

    /// Skips spaces, tabs, continuations and non-breaking spaces.
    fn skip_blanks(&mut self) {
        while self.pos < self.end {
            match self.bytes[self.pos] {
                b' ' | b'\t' => self.pos += 1,
                b'\\' => match self.continuation(self.pos) {
                    Some(after) => self.pos = after,
                    None => return,
                },
                0xC2 if self.char_at(self.pos) == Some(NBSP) => {
                    self.note_nbsp(self.pos);
                    self.pos += NBSP.len_utf8();
                }
                _ => return,
            }
        }
    }

    fn note_nbsp(&mut self, at: usize) {
        if !self.nbsp_reported {
            self.nbsp_reported = true;
            self.report(
                Severity::Error,
                NON_BREAKING_SPACE,
                at,
                at + NBSP.len_utf8(),
                "A non-breaking space (U+00A0, common in text copied from web pages) separates two words here: bash does not treat it as a space, so the two words reach the command as one.",
                "Replace it with an ordinary space.",
            );
        }
    }

    fn finish_command(&mut self, cur: &mut Current, sep: Option<Separator>, s: usize, e: usize) {
        let at = self.pos;
        let mut done = std::mem::replace(cur, Current::new(at)).cmd;
        if done.is_empty() {
            // `;;`, a leading `&&`, an empty line: nothing to keep.
            return;
        }
        done.separator = sep;
        done.separator_start = s;
        done.separator_end = e;
        self.commands.push(done);
    }

    /// True when the last command ended with an operator that continues
    /// the command list on the next line.
    fn line_open(&self) -> bool {
        matches!(
            self.commands.last().and_then(|c| c.separator),
            Some(Separator::And | Separator::Or | Separator::Pipe)
        )
    }

    /// Reads one logical line. Stops after the line break that ends it
    /// (and the heredoc bodies it announces), or at the end.
    fn parse_line(&mut self) {
        let first_command = self.commands.len();
        let mut cur = Current::new(self.pos);
        loop {
            self.skip_blanks();
            if self.pos >= self.end {
                let at = self.pos;
                self.finish_command(&mut cur, None, at, at);
                break;
            }
            let b = self.bytes[self.pos];
            let nl = self.newline_len(self.pos);
            if nl > 0 {
                if nl == 2 {
                    self.note_crlf(self.pos);
                }
                let was_empty = cur.cmd.is_empty();
                let s = self.pos;
                self.finish_command(&mut cur, Some(Separator::Newline), s, s + nl);
                self.pos += nl;
                self.read_heredocs();
                cur = Current::new(self.pos);
                let have_commands = self.commands.len() > first_command;
                if (was_empty && self.line_open()) || !have_commands {
                    if !have_commands {
                        // A blank or comment-only line: it is a line of its own.
                        break;
                    }
                    continue;
                }
                break;
            }
            match b {
                b'#' => {
                    // Only reached at the start of a word: a comment.
                    while self.pos < self.end && self.newline_len(self.pos) == 0 {
                        self.pos += 1;
                    }
                }
                b';' => {
                    let s = self.pos;
                    self.pos += 1;
                    while self.at(self.pos) == Some(b';') || self.at(self.pos) == Some(b'&') {
                        self.pos += 1;
                    }
                    let e = self.pos;
                    self.finish_command(&mut cur, Some(Separator::Semicolon), s, e);
                }
                b'&' => {
                    let s = self.pos;
                    match self.at(self.pos + 1) {
                        Some(b'&') => {
                            self.pos += 2;
                            self.finish_command(&mut cur, Some(Separator::And), s, s + 2);
                        }
                        Some(b'>') => self.redirect(&mut cur, None),
                        _ => {
                            self.pos += 1;
                            self.finish_command(&mut cur, Some(Separator::Background), s, s + 1);
                        }
                    }
                }
                b'|' => {
                    let s = self.pos;
                    let (sep, len) = match self.at(self.pos + 1) {
                        Some(b'|') => (Separator::Or, 2),
                        Some(b'&') => (Separator::Pipe, 2),
                        _ => (Separator::Pipe, 1),
                    };
                    self.pos += len;
                    self.finish_command(&mut cur, Some(sep), s, s + len);
                }
                b'(' | b')' => {
                    let s = self.pos;
                    self.pos += 1;
                    self.finish_command(&mut cur, Some(Separator::Paren), s, s + 1);
                }
                b'<' | b'>' => self.redirect(&mut cur, None),
                b'0'..=b'9' => {
                    let mut j = self.pos;
                    while matches!(self.at(j), Some(b'0'..=b'9')) {
                        j += 1;
                    }
                    if matches!(self.at(j), Some(b'<' | b'>')) {
                        let fd = self.text[self.pos..j].parse::<u32>().ok();
                        self.pos = j;
                        self.redirect(&mut cur, Some(fd.unwrap_or(u32::MAX)));
                    } else {
                        self.word_into(&mut cur);
                    }
                }
                _ => self.word_into(&mut cur),
            }
        }
        // Heredocs announced on a last line with no line break after it.
        if !self.pending.is_empty() {
            self.read_heredocs();
        }
    }

    /// `NAME=value` (or `NAME+=value`) before the command name, with the
    /// name and `=` written unquoted.
    fn is_assignment(&self, word: &Word) -> bool {
        let raw = self
            .text
            .as_bytes()
            .get(word.start..word.end)
            .unwrap_or(b"");
        if raw.is_empty() || !is_name_start(raw[0]) {
            return false;
        }
        let name_len = raw
            .iter()
            .position(|&c| !is_name_char(c))
            .unwrap_or(raw.len());
        matches!(&raw[name_len..], [b'=', ..] | [b'+', b'=', ..])
    }

    fn word_into(&mut self, cur: &mut Current) {
        let Some(word) = self.read_word() else {
            // Not a word start (should not happen): step over one character.
            let step = self.char_at(self.pos).map_or(1, char::len_utf8);
            self.pos += step;
            return;
        };
        if cur.cmd.is_empty() {
            cur.cmd.start = word.start;
        }
        cur.cmd.end = word.end;
        if cur.cmd.words.is_empty() && self.is_assignment(&word) {
            cur.cmd.assignments.push(word);
        } else {
            cur.cmd.words.push(word);
        }
    }

    fn redirect(&mut self, cur: &mut Current, fd: Option<u32>) {
        let s = self.pos;
        let rest = &self.bytes[self.pos..];
        let (op, len) = if rest.starts_with(b"<<<") {
            (RedirectOp::HereString, 3)
        } else if rest.starts_with(b"<<-") {
            (RedirectOp::Heredoc { strip_tabs: true }, 3)
        } else if rest.starts_with(b"<<") {
            (RedirectOp::Heredoc { strip_tabs: false }, 2)
        } else if rest.starts_with(b"<>") {
            (RedirectOp::ReadWrite, 2)
        } else if rest.starts_with(b"<&") || rest.starts_with(b">&") {
            (RedirectOp::Duplicate, 2)
        } else if rest.starts_with(b"&>>") {
            (RedirectOp::OutputAndError, 3)
        } else if rest.starts_with(b"&>") {
            (RedirectOp::OutputAndError, 2)
        } else if rest.starts_with(b">>") {
            (RedirectOp::Append, 2)
        } else if rest.starts_with(b">|") {
            (RedirectOp::Output, 2)
        } else if rest.starts_with(b"<") {
            (RedirectOp::Input, 1)
        } else {
            (RedirectOp::Output, 1)
        };
        self.pos += len;
        let e = self.pos;
        // The target is on the same line (a continuation is fine).
        while matches!(self.at(self.pos), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        if let Some(after) = self.continuation(self.pos) {
            self.pos = after;
            self.skip_blanks();
        }
        let target = match self.at(self.pos) {
            Some(b) if !is_meta(b) => self.read_word(),
            _ => None,
        };
        if target.is_none() {
            let what = match op {
                RedirectOp::Heredoc { .. } => "a heredoc delimiter word (e.g. `'EOF'`)",
                RedirectOp::HereString => "the string to feed",
                _ => "a file name",
            };
            self.report(
                Severity::Error,
                MISSING_REDIRECT_TARGET,
                s,
                e,
                format!(
                    "`{}` must be followed by {what}: bash stops with a syntax error.",
                    &self.text[s..e]
                ),
                format!("Write {what} right after `{}`.", &self.text[s..e]),
            );
        }
        if cur.cmd.is_empty() {
            cur.cmd.start = s;
        }
        cur.cmd.end = target.as_ref().map_or(e, |t| t.end);
        let is_heredoc = matches!(op, RedirectOp::Heredoc { .. }) && target.is_some();
        cur.cmd.redirects.push(Redirect {
            op,
            fd: fd.filter(|&f| f != u32::MAX),
            target,
            heredoc: None,
            start: s,
            end: e,
        });
        if is_heredoc {
            // The command is pushed later; remember where it will be.
            let cmd_index = self.commands.len();
            self.pending.push((cmd_index, cur.cmd.redirects.len() - 1));
            // Mark: resolved against `self.commands` once the command is stored.
        }
    }

    /// Reads the bodies of the pending heredocs, starting at `self.pos`
    /// (the start of the line after the one that announced them).
    fn read_heredocs(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for (ci, ri) in pending {
            let Some(redirect) = self.commands.get(ci).and_then(|c| c.redirects.get(ri)) else {
                continue;
            };
            let (strip_tabs, delim_word) = match (&redirect.op, &redirect.target) {
                (RedirectOp::Heredoc { strip_tabs }, Some(w)) => (*strip_tabs, w.clone()),
                _ => continue,
            };
            let op_start = redirect.start;
            let heredoc = self.read_heredoc_body(&delim_word, strip_tabs, op_start);
            if let Some(r) = self
                .commands
                .get_mut(ci)
                .and_then(|c| c.redirects.get_mut(ri))
            {
                r.heredoc = Some(heredoc);
            }
        }
    }

    fn read_heredoc_body(&mut self, delim: &Word, strip_tabs: bool, op_start: usize) -> Heredoc {
        let quoted = delim.quoted;
        let delimiter = delim.value.clone();
        let body_start = self.pos;
        let mut body_end = self.end;
        let mut terminated = false;
        let mut lines: Vec<(usize, usize)> = Vec::new(); // content ranges incl. line break
        let mut i = self.pos;
        while i < self.end {
            let line_end = memchr_newline(&self.bytes[i..]).map_or(self.end, |n| i + n);
            let next = if line_end < self.end {
                line_end + 1
            } else {
                self.end
            };
            let mut content = &self.text[i..line_end];
            if let Some(stripped) = content.strip_suffix('\r') {
                self.note_crlf(line_end - 1);
                content = stripped;
            }
            let compared = if strip_tabs {
                content.trim_start_matches('\t')
            } else {
                content
            };
            if compared == delimiter {
                body_end = i;
                terminated = true;
                self.pos = next;
                break;
            }
            if !delimiter.is_empty() && compared.trim() == delimiter {
                let line = self.line_of(i);
                let why = if compared.starts_with([' ', '\t']) {
                    if strip_tabs {
                        "starts with spaces (`<<-` removes only tabs)"
                    } else {
                        "is indented (only `<<-` allows leading tabs)"
                    }
                } else {
                    "has spaces after it"
                };
                self.report(
                    Severity::Error,
                    HEREDOC_DELIMITER_NOT_ALONE,
                    i,
                    line_end,
                    format!("The heredoc delimiter `{delimiter}` on line {line} {why}: bash ends the heredoc only at a line that is exactly `{delimiter}`, so this line and everything after it become part of the body."),
                    format!("Put `{delimiter}` alone at the start of the line, with nothing after it."),
                );
                body_end = i;
                terminated = true;
                self.pos = next;
                break;
            }
            lines.push((i, next));
            i = next;
        }
        if !terminated {
            self.pos = self.end;
            let line = self.line_of(op_start);
            self.report(
                Severity::Error,
                UNTERMINATED_HEREDOC,
                op_start,
                delim.end,
                format!("The heredoc opened on line {line} is never closed: no line is exactly `{delimiter}`, so bash sends everything to the end of the input as the body (and warns \"here-document delimited by end-of-file\")."),
                format!("Add a line holding only `{delimiter}` after the body."),
            );
        }
        let mut body = Mapped::default();
        let mut vars = Vec::new();
        let mut has_substitution = false;
        for (s, e) in lines {
            let mut s = s;
            if strip_tabs {
                while self.at(s) == Some(b'\t') && s < e {
                    s += 1;
                }
            }
            if quoted {
                body.push_str(&self.text[s..e], s);
            } else {
                self.expand_heredoc_line(s, e, &mut body, &mut vars, &mut has_substitution);
            }
        }
        Heredoc {
            delimiter,
            quoted,
            strip_tabs,
            body: body.value,
            body_start,
            body_end: body_end.max(body_start),
            terminated,
            vars,
            has_substitution,
            map: body.map,
        }
    }

    /// Processes one line of an unquoted heredoc body: `\$`, `` \` ``,
    /// `\\` and `\` + line break are escapes; `$` and backticks expand.
    fn expand_heredoc_line(
        &mut self,
        s: usize,
        e: usize,
        out: &mut Mapped,
        vars: &mut Vec<VarRef>,
        subst: &mut bool,
    ) {
        let mut i = s;
        let mut run = s;
        while i < e {
            match self.bytes[i] {
                b'\\' => {
                    out.push_str(&self.text[run..i], run);
                    match self.at(i + 1) {
                        Some(c @ (b'$' | b'`' | b'\\')) if i + 1 < e => {
                            out.push_char(c as char, i + 1);
                            i += 2;
                        }
                        Some(b'\n') if i + 1 < e => i += 2,
                        _ => {
                            out.push_str("\\", i);
                            i += 1;
                        }
                    }
                    run = i;
                }
                b'$' => {
                    out.push_str(&self.text[run..i], run);
                    i = self.dollar(i, e, Quoting::Heredoc, out, vars, subst);
                    run = i;
                }
                b'`' => {
                    out.push_str(&self.text[run..i], run);
                    let close = self.backtick_end(i, e);
                    out.push_str(&self.text[i..close], i);
                    *subst = true;
                    i = close;
                    run = i;
                }
                _ => i += 1,
            }
        }
        out.push_str(&self.text[run..e.min(self.end)], run);
    }

    /// Reads a word at `self.pos`; None if there is none.
    fn read_word(&mut self) -> Option<Word> {
        let start = self.pos;
        let mut out = Mapped::default();
        let mut vars = Vec::new();
        let mut quoted = false;
        let mut subst = false;
        // The end of the last character that belongs to the word.
        let mut word_end = start;
        while self.pos < self.end {
            let i = self.pos;
            let b = self.bytes[i];
            if is_meta(b) || (b == b'\r' && self.at(i + 1) == Some(b'\n')) {
                break;
            }
            match b {
                b'\\' => {
                    if let Some(after) = self.continuation(i) {
                        // A `\` then spaces: the user meant a continuation
                        // between words; in the middle of a word bash joins.
                        let spaces = self.at(i + 1).is_some_and(|c| c == b' ' || c == b'\t');
                        self.pos = after;
                        if spaces {
                            break;
                        }
                        continue;
                    }
                    quoted = true;
                    match self.char_at(i + 1) {
                        Some(c) => {
                            out.push_char(c, i + 1);
                            self.pos = i + 1 + c.len_utf8();
                        }
                        None => {
                            out.push_str("\\", i);
                            self.pos = i + 1;
                        }
                    }
                }
                b'\'' => {
                    quoted = true;
                    self.single_quoted(i, i + 1, &mut out, &mut vars, false);
                }
                b'"' => {
                    quoted = true;
                    self.double_quoted(i, i + 1, &mut out, &mut vars, &mut subst, false);
                }
                b'$' => match self.at(i + 1) {
                    Some(b'\'') => {
                        quoted = true;
                        self.ansi_c(i, &mut out);
                    }
                    Some(b'"') => {
                        quoted = true;
                        self.double_quoted(i, i + 2, &mut out, &mut vars, &mut subst, false);
                    }
                    _ => {
                        let end = self.end;
                        self.pos =
                            self.dollar(i, end, Quoting::Unquoted, &mut out, &mut vars, &mut subst);
                    }
                },
                b'`' => {
                    let close = self.backtick_end(i, self.end);
                    out.push_str(&self.text[i..close], i);
                    subst = true;
                    self.pos = close;
                }
                0x80.. => {
                    let c = self.char_at(i).unwrap_or(char::REPLACEMENT_CHARACTER);
                    if c == NBSP {
                        break;
                    }
                    if is_smart_double(c) {
                        self.note_smart_quote(i, c);
                        quoted = true;
                        self.double_quoted(
                            i,
                            i + c.len_utf8(),
                            &mut out,
                            &mut vars,
                            &mut subst,
                            true,
                        );
                    } else if is_smart_single(c) {
                        self.note_smart_quote(i, c);
                        quoted = true;
                        self.single_quoted(i, i + c.len_utf8(), &mut out, &mut vars, true);
                    } else {
                        out.push_char(c, i);
                        self.pos = i + c.len_utf8().max(1);
                    }
                }
                _ => {
                    // A run of plain ASCII characters.
                    let mut j = i + 1;
                    while j < self.end {
                        let c = self.bytes[j];
                        if is_meta(c)
                            || matches!(c, b'\\' | b'\'' | b'"' | b'$' | b'`' | b'\r')
                            || c >= 0x80
                        {
                            break;
                        }
                        j += 1;
                    }
                    out.push_str(&self.text[i..j], i);
                    self.pos = j;
                }
            }
            word_end = self.pos;
        }
        if word_end <= start {
            return None;
        }
        Some(Word {
            value: out.value,
            start,
            end: word_end,
            vars,
            quoted,
            has_substitution: subst,
            map: out.map,
        })
    }

    fn note_smart_quote(&mut self, at: usize, c: char) {
        let ascii = if is_smart_double(c) { "\"" } else { "'" };
        self.report(
            Severity::Error,
            SMART_QUOTE,
            at,
            at + c.len_utf8(),
            format!("`{c}` is a typographic quote (from a word processor or a web page), not a shell quote: bash keeps it as part of the text and splits the words at the spaces it was meant to protect."),
            format!("Replace it with a plain `{ascii}`."),
        );
    }

    /// A `'...'` string whose content starts at `content`.
    fn single_quoted(
        &mut self,
        open: usize,
        content: usize,
        out: &mut Mapped,
        vars: &mut Vec<VarRef>,
        smart: bool,
    ) {
        let mut i = content;
        let close = loop {
            if i >= self.end {
                break None;
            }
            let b = self.bytes[i];
            if b == b'\'' {
                break Some((i, 1));
            }
            if smart && b >= 0x80 {
                if let Some(c) = self.char_at(i) {
                    if is_smart_single(c) {
                        break Some((i, c.len_utf8()));
                    }
                }
            }
            i += 1;
        };
        let content_end = close.map_or(self.end, |(c, _)| c);
        // `$NAME` inside single quotes: recorded, but it does not expand.
        let mut j = content;
        while j < content_end {
            if self.bytes[j] == b'$' {
                let value_base = out.value.len() + (j - content);
                if let Some((name, end, braced)) = self.var_name_at(j, content_end) {
                    vars.push(VarRef {
                        name,
                        start: j,
                        end,
                        value_start: value_base,
                        value_end: value_base + (end - j),
                        braced,
                        quoting: Quoting::Single,
                    });
                    j = end;
                    continue;
                }
            }
            j += 1;
        }
        out.push_str(&self.text[content..content_end], content);
        match close {
            Some((c, len)) => self.pos = c + len,
            None => {
                self.pos = self.end;
                self.report_unterminated(open, "'");
            }
        }
    }

    fn report_unterminated(&mut self, open: usize, quote: &str) {
        let line = self.line_of(open);
        let len = self.char_at(open).map_or(1, char::len_utf8);
        self.report(
            Severity::Error,
            UNTERMINATED_QUOTE,
            open,
            open + len,
            format!("The quote `{quote}` opened on line {line} is never closed: bash keeps reading everything after it (all the following lines) as one string and then fails with \"unexpected EOF while looking for matching `{quote}'\"."),
            format!("Add the closing `{quote}` where the quoted text ends (a `{quote}` inside the text must be escaped or quoted differently)."),
        );
    }

    /// A `"..."` string whose content starts at `content`.
    fn double_quoted(
        &mut self,
        open: usize,
        content: usize,
        out: &mut Mapped,
        vars: &mut Vec<VarRef>,
        subst: &mut bool,
        smart: bool,
    ) {
        let mut i = content;
        let mut run = content;
        loop {
            if i >= self.end {
                out.push_str(&self.text[run..self.end], run);
                self.pos = self.end;
                let q = if smart {
                    self.char_at(open).map_or("\"".to_string(), String::from)
                } else {
                    "\"".to_string()
                };
                self.report_unterminated(open, &q);
                return;
            }
            match self.bytes[i] {
                b'"' => {
                    out.push_str(&self.text[run..i], run);
                    self.pos = i + 1;
                    return;
                }
                b'\\' => {
                    out.push_str(&self.text[run..i], run);
                    match self.at(i + 1) {
                        Some(c @ (b'$' | b'`' | b'"' | b'\\')) => {
                            out.push_char(c as char, i + 1);
                            i += 2;
                        }
                        Some(b'\n') => i += 2,
                        Some(b'\r') if self.at(i + 2) == Some(b'\n') => {
                            self.note_crlf(i + 1);
                            i += 3;
                        }
                        _ => {
                            out.push_str("\\", i);
                            i += 1;
                        }
                    }
                    run = i;
                }
                b'$' => {
                    out.push_str(&self.text[run..i], run);
                    let end = self.end;
                    i = self.dollar(i, end, Quoting::Double, out, vars, subst);
                    run = i;
                }
                b'`' => {
                    out.push_str(&self.text[run..i], run);
                    let close = self.backtick_end(i, self.end);
                    out.push_str(&self.text[i..close], i);
                    *subst = true;
                    i = close;
                    run = i;
                }
                0x80.. if smart => {
                    let c = self.char_at(i).unwrap_or(char::REPLACEMENT_CHARACTER);
                    if is_smart_double(c) {
                        out.push_str(&self.text[run..i], run);
                        self.pos = i + c.len_utf8();
                        return;
                    }
                    i += c.len_utf8().max(1);
                }
                _ => i += 1,
            }
        }
    }

    /// `$'...'`: ANSI-C quoting, with escapes decoded.
    fn ansi_c(&mut self, open: usize, out: &mut Mapped) {
        let mut i = open + 2;
        loop {
            if i >= self.end {
                self.pos = self.end;
                self.report_unterminated(open, "$'");
                return;
            }
            match self.bytes[i] {
                b'\'' => {
                    self.pos = i + 1;
                    return;
                }
                b'\\' => {
                    let Some(e) = self.at(i + 1) else {
                        out.push_str("\\", i);
                        i += 1;
                        continue;
                    };
                    let simple = match e {
                        b'n' => Some('\n'),
                        b't' => Some('\t'),
                        b'r' => Some('\r'),
                        b'a' => Some('\u{7}'),
                        b'b' => Some('\u{8}'),
                        b'e' | b'E' => Some('\u{1b}'),
                        b'f' => Some('\u{c}'),
                        b'v' => Some('\u{b}'),
                        b'\\' => Some('\\'),
                        b'\'' => Some('\''),
                        b'"' => Some('"'),
                        b'?' => Some('?'),
                        _ => None,
                    };
                    if let Some(c) = simple {
                        out.push_char(c, i);
                        i += 2;
                        continue;
                    }
                    let (radix, max, skip) = match e {
                        b'0'..=b'7' => (8, 3, 1),
                        b'x' => (16, 2, 2),
                        b'u' => (16, 4, 2),
                        b'U' => (16, 8, 2),
                        _ => (0, 0, 0),
                    };
                    if radix == 0 {
                        if e == b'c' {
                            if let Some(c) = self.at(i + 2) {
                                out.push_char(char::from(c & 0x1f), i);
                                i += 3;
                                continue;
                            }
                        }
                        out.push_str("\\", i);
                        i += 1;
                        continue;
                    }
                    let digits_start = i + skip;
                    let mut j = digits_start;
                    while j < digits_start + max
                        && self.at(j).is_some_and(|d| (d as char).is_digit(radix))
                    {
                        j += 1;
                    }
                    if j == digits_start {
                        out.push_str(&self.text[i..i + 2], i);
                        i += 2;
                        continue;
                    }
                    let n = u32::from_str_radix(&self.text[digits_start..j], radix).unwrap_or(0);
                    let c = if e == b'u' || e == b'U' {
                        char::from_u32(n).unwrap_or(char::REPLACEMENT_CHARACTER)
                    } else {
                        // A byte: keep ASCII, else the replacement character.
                        char::from_u32(n & 0xff)
                            .filter(char::is_ascii)
                            .unwrap_or(char::REPLACEMENT_CHARACTER)
                    };
                    out.push_char(c, i);
                    i = j;
                }
                _ => {
                    let c = self.char_at(i).unwrap_or(char::REPLACEMENT_CHARACTER);
                    out.push_char(c, i);
                    i += c.len_utf8().max(1);
                }
            }
        }
    }

    /// The name and end of a `$NAME` / `${NAME...}` reference at `i`.
    fn var_name_at(&self, i: usize, limit: usize) -> Option<(String, usize, bool)> {
        let next = *self.bytes.get(i + 1).filter(|_| i + 1 < limit)?;
        if next == b'{' {
            let close = self.bytes[i + 2..limit.min(self.end)]
                .iter()
                .position(|&c| c == b'}' || c == b'\n')
                .map(|n| i + 2 + n)
                .filter(|&c| self.bytes[c] == b'}')?;
            let inner = &self.text[i + 2..close];
            let name_len = inner
                .bytes()
                .position(|c| !is_name_char(c))
                .unwrap_or(inner.len());
            let name = &inner[..name_len];
            if name.is_empty() || !is_name_start(name.as_bytes()[0]) {
                return None;
            }
            return Some((name.to_string(), close + 1, true));
        }
        if !is_name_start(next) {
            return None;
        }
        let mut j = i + 1;
        while j < limit && self.at(j).is_some_and(is_name_char) {
            j += 1;
        }
        Some((self.text[i + 1..j].to_string(), j, false))
    }

    /// An expansion starting with `$` at `i`; pushes it as written and
    /// returns the offset after it.
    fn dollar(
        &mut self,
        i: usize,
        limit: usize,
        quoting: Quoting,
        out: &mut Mapped,
        vars: &mut Vec<VarRef>,
        subst: &mut bool,
    ) -> usize {
        let limit = limit.min(self.end);
        match self.bytes.get(i + 1).filter(|_| i + 1 < limit) {
            Some(b'(') => {
                let close = self.paren_end(i + 1, limit);
                let end = match close {
                    Some(c) => c + 1,
                    None => {
                        self.report_unterminated_substitution(i, "$(", ")");
                        limit
                    }
                };
                out.push_str(&self.text[i..end], i);
                *subst = true;
                end
            }
            Some(b'{') => {
                // Find the matching `}` (nested `${...}` allowed).
                let mut depth = 0usize;
                let mut j = i + 1;
                let mut close = None;
                while j < limit {
                    match self.bytes[j] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                close = Some(j);
                                break;
                            }
                        }
                        b'\\' => j += 1,
                        _ => {}
                    }
                    j += 1;
                }
                let end = match close {
                    Some(c) => c + 1,
                    None => {
                        self.report_unterminated_substitution(i, "${", "}");
                        limit
                    }
                };
                let value_start = out.value.len();
                out.push_str(&self.text[i..end], i);
                if let Some((name, _, _)) = self.var_name_at(i, end) {
                    vars.push(VarRef {
                        name,
                        start: i,
                        end,
                        value_start,
                        value_end: out.value.len(),
                        braced: true,
                        quoting,
                    });
                } else if self.text[i + 2..end].contains("$(") {
                    *subst = true;
                }
                end
            }
            Some(&c) if is_name_start(c) => {
                let mut j = i + 1;
                while j < limit && is_name_char(self.bytes[j]) {
                    j += 1;
                }
                let value_start = out.value.len();
                out.push_str(&self.text[i..j], i);
                vars.push(VarRef {
                    name: self.text[i + 1..j].to_string(),
                    start: i,
                    end: j,
                    value_start,
                    value_end: out.value.len(),
                    braced: false,
                    quoting,
                });
                j
            }
            Some(&c) if c.is_ascii_digit() || b"@*#?-$!".contains(&c) => {
                out.push_str(&self.text[i..i + 2], i);
                i + 2
            }
            _ => {
                out.push_str("$", i);
                i + 1
            }
        }
    }

    fn report_unterminated_substitution(&mut self, open: usize, what: &str, close: &str) {
        let line = self.line_of(open);
        self.report(
            Severity::Error,
            UNTERMINATED_SUBSTITUTION,
            open,
            open + what.len(),
            format!("The `{what}` opened on line {line} has no closing `{close}`: bash keeps reading the following lines as part of it and fails."),
            format!("Add the closing `{close}`, or quote the text with single quotes if `{what}` was meant literally."),
        );
    }

    /// The offset of the `)` matching the `(` at `open`, skipping quotes.
    fn paren_end(&self, open: usize, limit: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut j = open;
        while j < limit {
            match self.bytes[j] {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(j);
                    }
                }
                b'\\' => j += 1,
                b'\'' => {
                    j += 1;
                    while j < limit && self.bytes[j] != b'\'' {
                        j += 1;
                    }
                }
                b'"' => {
                    j += 1;
                    while j < limit && self.bytes[j] != b'"' {
                        if self.bytes[j] == b'\\' {
                            j += 1;
                        }
                        j += 1;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        None
    }

    /// The offset after the backtick that closes the one at `open`.
    fn backtick_end(&mut self, open: usize, limit: usize) -> usize {
        let limit = limit.min(self.end);
        let mut j = open + 1;
        while j < limit {
            match self.bytes[j] {
                b'\\' => j += 2,
                b'`' => return j + 1,
                _ => j += 1,
            }
        }
        self.report_unterminated_substitution(open, "`", "`");
        limit
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<String>> {
        parse(text)
            .commands
            .iter()
            .map(|c| c.words.iter().map(|w| w.value.clone()).collect())
            .collect()
    }

    #[test]
    fn quotes_escapes_and_continuations() {
        assert_eq!(
            words("curl -H 'A: b c' \"x y\"\\\n  z\\ w $'a\\tb'"),
            vec![vec!["curl", "-H", "A: b c", "x y", "z w", "a\tb"]
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()]
        );
        // A continuation inside a word joins its two halves.
        assert_eq!(
            words(
                "ab\
cd"
            ),
            vec![vec!["abcd".to_string()]]
        );
    }

    #[test]
    fn escaped_space_joins_words() {
        assert_eq!(words("a\\ b c"), vec![vec!["a b".to_string(), "c".into()]]);
    }

    #[test]
    fn word_offsets_map_back_to_the_input() {
        let text = "x \"a\\\"b\" 'cd'";
        let s = parse(text);
        let w = &s.commands[0].words[1];
        assert_eq!(w.value, "a\"b");
        assert_eq!(w.input_offset(0), 3);
        assert_eq!(w.input_offset(1), 5);
        assert_eq!(w.input_offset(2), 6);
        let w = &s.commands[0].words[2];
        assert_eq!(w.value, "cd");
        assert_eq!(w.input_offset(1), 11);
        assert_eq!(w.raw(text), "'cd'");
    }

    #[test]
    fn variables_are_recorded_with_their_quoting() {
        let s = parse("curl \"https://$HOST:1/${PATH_X}\" '$NOT' $U");
        let w = &s.commands[0].words;
        assert_eq!(w[1].vars.len(), 2);
        assert_eq!(w[1].vars[0].name, "HOST");
        assert_eq!(w[1].vars[0].quoting, Quoting::Double);
        assert_eq!(w[1].vars[1].name, "PATH_X");
        assert!(w[1].vars[1].braced);
        assert_eq!(w[2].vars[0].quoting, Quoting::Single);
        assert!(!w[2].vars[0].expands());
        assert_eq!(w[3].vars[0].quoting, Quoting::Unquoted);
        assert_eq!(w[1].value, "https://$HOST:1/${PATH_X}");
    }

    #[test]
    fn separators_and_pipes() {
        let s = parse("echo a | curl -d @- x && echo ok; ls\n");
        let names: Vec<_> = s.commands.iter().map(|c| c.name().unwrap()).collect();
        assert_eq!(names, ["echo", "curl", "echo", "ls"]);
        assert_eq!(s.commands[0].separator, Some(Separator::Pipe));
        assert_eq!(s.piped_into(1).unwrap().name(), Some("echo"));
        assert_eq!(s.commands[1].separator, Some(Separator::And));
    }

    #[test]
    fn heredocs_attach_their_body() {
        let text = "curl --data-binary @- <<'EOF' \\\n  -H x\n{\"a\": \"$b\"}\nEOF\necho done\n";
        let s = parse(text);
        assert_eq!(s.commands.len(), 2);
        let c = &s.commands[0];
        assert_eq!(c.words.last().unwrap().value, "x");
        let h = c.stdin().unwrap().heredoc.as_ref().unwrap();
        assert!(h.quoted && h.terminated);
        assert_eq!(h.body, "{\"a\": \"$b\"}\n");
        assert!(h.vars.is_empty());
        assert_eq!(&text[h.input_offset(0)..h.input_offset(0) + 1], "{");
        assert_eq!(s.commands[1].name(), Some("echo"));
    }

    #[test]
    fn unquoted_heredoc_expands_and_strips_tabs() {
        let text = "cat <<-END\n\t{\"v\": \"a$SECRET\\$x\"}\n\tEND\n";
        let s = parse(text);
        let h = s.commands[0].stdin().unwrap().heredoc.clone().unwrap();
        assert!(!h.quoted && h.strip_tabs && h.terminated);
        assert_eq!(h.body, "{\"v\": \"a$SECRET$x\"}\n");
        assert_eq!(h.vars.len(), 1);
        assert_eq!(h.vars[0].name, "SECRET");
        assert_eq!(&text[h.vars[0].start..h.vars[0].end], "$SECRET");
        assert_eq!(h.input_offset(0), 12);
    }

    #[test]
    fn unterminated_things_are_reported_not_panicked() {
        for (text, code) in [
            ("curl 'abc", UNTERMINATED_QUOTE),
            ("curl \"abc", UNTERMINATED_QUOTE),
            ("curl $'abc", UNTERMINATED_QUOTE),
            ("curl $(abc", UNTERMINATED_SUBSTITUTION),
            ("curl `abc", UNTERMINATED_SUBSTITUTION),
            ("curl ${abc", UNTERMINATED_SUBSTITUTION),
            ("cat <<EOF\nabc\n", UNTERMINATED_HEREDOC),
            ("cat <<", MISSING_REDIRECT_TARGET),
        ] {
            let s = parse(text);
            assert!(
                s.findings.iter().any(|f| f.code == code),
                "{text:?}: {:?}",
                s.findings
            );
        }
        let s = parse("x\ncurl -H 'abc\n");
        let f = &s.findings[0];
        assert_eq!((f.location.line, f.location.column), (2, 9));
    }

    #[test]
    fn backslash_followed_by_spaces_is_reported_and_recovered() {
        let text = "curl -k \\  \n  -X PATCH url\n";
        let s = parse(text);
        assert_eq!(s.commands.len(), 1, "{:?}", s.commands);
        assert_eq!(s.commands[0].words.len(), 5);
        let f = &s.findings[0];
        assert_eq!(f.code, BACKSLASH_SPACE);
        assert_eq!((f.location.line, f.location.column), (1, 9));
    }

    #[test]
    fn crlf_smart_quotes_and_nbsp_are_reported() {
        let s = parse("curl -k \\\r\n -X GET url\r\n");
        assert_eq!(s.commands.len(), 1);
        assert_eq!(s.commands[0].words.len(), 5);
        assert_eq!(s.commands[0].words[4].value, "url");
        assert_eq!(s.findings.iter().filter(|f| f.code == CRLF).count(), 1);

        let s = parse("curl -H \u{201c}A: b\u{201d} x");
        assert_eq!(s.commands[0].words[2].value, "A: b");
        assert!(s.findings.iter().any(|f| f.code == SMART_QUOTE));

        let s = parse("curl\u{a0}-k x");
        assert_eq!(s.commands[0].words.len(), 3);
        assert!(s.findings.iter().any(|f| f.code == NON_BREAKING_SPACE));
    }

    #[test]
    fn heredoc_delimiter_with_spaces_is_reported() {
        let s = parse("cat <<'EOF'\nbody\n  EOF\nnext\n");
        assert!(s
            .findings
            .iter()
            .any(|f| f.code == HEREDOC_DELIMITER_NOT_ALONE && f.location.line == 3));
        let h = s.commands[0].stdin().unwrap().heredoc.as_ref().unwrap();
        assert_eq!(h.body, "body\n");
        assert_eq!(s.commands[1].name(), Some("next"));
    }

    #[test]
    fn parse_line_reads_one_logical_line() {
        let text = "prose\ncurl a \\\n b &&\n curl c\n{\"x\": 1}\n";
        let index = LineIndex::new(text);
        let s = parse_line(text, &index, 6, text.len());
        assert_eq!(s.commands.len(), 2);
        assert_eq!(&text[s.end..], "{\"x\": 1}\n");
    }

    #[test]
    fn comments_assignments_and_redirects() {
        let s = parse("# note\nA=1 curl x 2>/dev/null < in.json # tail\n");
        let c = &s.commands[0];
        assert_eq!(c.assignments[0].value, "A=1");
        assert_eq!(c.words.len(), 2);
        assert_eq!(c.redirects.len(), 2);
        assert_eq!(c.redirects[0].fd, Some(2));
        assert_eq!(c.stdin().unwrap().target.as_ref().unwrap().value, "in.json");
    }

    #[test]
    fn here_string_and_command_substitution() {
        let s = parse("curl -H \"X: $(cat f | tr -d ')')\" -d @- <<< '{}'");
        let c = &s.commands[0];
        assert!(c.words[2].has_substitution);
        assert_eq!(c.words.len(), 5);
        let r = c.stdin().unwrap();
        assert_eq!(r.op, RedirectOp::HereString);
        assert_eq!(r.target.as_ref().unwrap().value, "{}");
    }
}
