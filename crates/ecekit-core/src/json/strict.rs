//! The fast path of [`super::parse`]: a strict JSON parser that builds the
//! same positioned AST as `jsonc_parser::parse_to_ast` with the strict
//! options, borrowing strings from the input and keeping no tokens.
//!
//! It only has to be right when it succeeds: on anything it does not accept
//! (a syntax error, a comment, a surrogate escape, deep nesting, ...) it
//! returns `None` and the caller runs jsonc-parser, which says what is wrong
//! (or parses what this one left to it). So every document it accepts is one
//! jsonc-parser's strict parse accepts too, with the same values and ranges:
//! standard JSON, plus what that scanner also reads as whitespace (vertical
//! tab, form feed, Unicode spaces) and raw control characters in strings.

use super::ast::{
    Array, BooleanLit, NullKeyword, NumberLit, Object, ObjectProp, ObjectPropName, StringLit, Value,
};
use super::Range;
use std::borrow::Cow;

/// Deeper than this, leave the document to jsonc-parser (it counts objects,
/// arrays and properties against a limit of 512, and errs past it).
const MAX_DEPTH: usize = 200;

/// The document's one value, or `None` when jsonc-parser must decide.
pub(super) fn parse(text: &str) -> Option<Value<'_>> {
    parse_as(text, Grammar::Jsonc).ok()
}

/// The document's one value if `text` is JSON as RFC 8259 writes it, or the
/// byte offset where reading stopped.
pub(super) fn parse_rfc(text: &str) -> Result<Value<'_>, usize> {
    parse_as(text, Grammar::Rfc)
}

/// What the parser accepts.
#[derive(Clone, Copy, PartialEq)]
enum Grammar {
    /// The subset of jsonc-parser's strict parse this module's doc names.
    Jsonc,
    /// RFC 8259: only its four whitespace characters, no raw control
    /// characters in strings, and `\u` surrogate pairs decoded.
    Rfc,
}

fn parse_as(text: &str, grammar: Grammar) -> Result<Value<'_>, usize> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        grammar,
    };
    p.skip_ws();
    let value = p.value().ok_or(p.pos)?;
    p.skip_ws();
    if p.pos == p.bytes.len() {
        Ok(value)
    } else {
        Err(p.pos)
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Where reading is; after a failure, where it stopped.
    pos: usize,
    depth: usize,
    grammar: Grammar,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips what jsonc-parser's scanner skips between tokens.
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                0x0B | 0x0C | 0x80.. if self.grammar == Grammar::Rfc => return,
                0x0B | 0x0C => self.pos += 1,
                0x80.. => match self.text[self.pos..].chars().next() {
                    Some(c) if c.is_whitespace() => self.pos += c.len_utf8(),
                    _ => return,
                },
                _ => return,
            }
        }
    }

    fn value(&mut self) -> Option<Value<'a>> {
        match self.peek()? {
            b'{' => self.object().map(Value::Object),
            b'[' => self.array().map(Value::Array),
            b'"' => self.string().map(Value::StringLit),
            b'-' | b'0'..=b'9' => self.number().map(Value::NumberLit),
            b't' => self
                .word(b"true")
                .map(|range| Value::BooleanLit(BooleanLit { range, value: true })),
            b'f' => self.word(b"false").map(|range| {
                Value::BooleanLit(BooleanLit {
                    range,
                    value: false,
                })
            }),
            b'n' => self
                .word(b"null")
                .map(|range| Value::NullKeyword(NullKeyword { range })),
            _ => None,
        }
    }

    /// `true`, `false` or `null`, which must not run on into a word: after
    /// it comes whitespace, punctuation or the end (anything else is left to
    /// jsonc-parser).
    fn word(&mut self, word: &[u8]) -> Option<Range> {
        let start = self.pos;
        let end = start + word.len();
        if self.bytes.get(start..end)? != word {
            return None;
        }
        match self.bytes.get(end) {
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}') => {}
            _ => return None,
        }
        self.pos = end;
        Some(Range::new(start, end))
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A JSON number: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)? ([eE] [+-]? [0-9]+)?
    fn number(&mut self) -> Option<NumberLit<'a>> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(NumberLit {
            range: Range::new(start, self.pos),
            value: &self.text[start..self.pos],
        })
    }

    /// A double-quoted string: borrowed from the input unless it has escapes.
    fn string(&mut self) -> Option<StringLit<'a>> {
        let mut i = self.pos + 1;
        let string = self.string_to(&mut i);
        if string.is_none() {
            self.pos = i;
        }
        string
    }

    /// [`Self::string`], reading with `i` (which stays where reading stopped).
    fn string_to(&mut self, i: &mut usize) -> Option<StringLit<'a>> {
        let start = self.pos;
        let body = start + 1;
        let rfc = self.grammar == Grammar::Rfc;
        loop {
            match *self.bytes.get(*i)? {
                b'"' => {
                    self.pos = *i + 1;
                    return Some(StringLit {
                        range: Range::new(start, self.pos),
                        value: Cow::Borrowed(&self.text[body..*i]),
                    });
                }
                b'\\' => break,
                ..=0x1F if rfc => return None,
                _ => *i += 1,
            }
        }
        // Escapes: decode into an owned string.
        let mut out = String::with_capacity(*i - body + 8);
        let mut run = body;
        loop {
            match *self.bytes.get(*i)? {
                b'"' => {
                    out.push_str(&self.text[run..*i]);
                    self.pos = *i + 1;
                    return Some(StringLit {
                        range: Range::new(start, self.pos),
                        value: Cow::Owned(out),
                    });
                }
                b'\\' => {
                    out.push_str(&self.text[run..*i]);
                    // A bad escape leaves `i` on its backslash.
                    let (decoded, len) = self.escape(*i)?;
                    out.push(decoded);
                    *i += len;
                    run = *i;
                }
                ..=0x1F if rfc => return None,
                _ => *i += 1,
            }
        }
    }

    /// The escape at `at` (a backslash): its character and its length.
    fn escape(&self, at: usize) -> Option<(char, usize)> {
        let simple = match *self.bytes.get(at + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{08}',
            b'f' => '\u{0C}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let code = self.hex4(at + 2)?;
                return match code {
                    // A pair: the high half, then `\u` and the low half.
                    0xD800..=0xDBFF
                        if self.grammar == Grammar::Rfc
                            && self.bytes.get(at + 6..at + 8) == Some(b"\\u") =>
                    {
                        let low = self
                            .hex4(at + 8)
                            .filter(|c| (0xDC00..=0xDFFF).contains(c))?;
                        let c = char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))?;
                        Some((c, 12))
                    }
                    // Lone halves are not text; in jsonc-parser's grammar
                    // the pairs are left to it as well.
                    _ => Some((char::from_u32(code)?, 6)),
                };
            }
            _ => return None,
        };
        Some((simple, 2))
    }

    /// The four hex digits at `at` (of a `\u` escape).
    fn hex4(&self, at: usize) -> Option<u32> {
        self.bytes
            .get(at..at + 4)?
            .iter()
            .try_fold(0, |code, &h| Some(code * 16 + char::from(h).to_digit(16)?))
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn object(&mut self) -> Option<Object<'a>> {
        self.enter()?;
        let start = self.pos;
        self.pos += 1;
        let mut properties = Vec::new();
        self.skip_ws();
        if self.peek()? != b'}' {
            loop {
                if self.peek()? != b'"' {
                    return None;
                }
                let name = self.string()?;
                self.skip_ws();
                if self.peek()? != b':' {
                    return None;
                }
                self.pos += 1;
                self.skip_ws();
                let value = self.value()?;
                properties.push(ObjectProp {
                    range: Range::new(name.range.start, self.pos),
                    name: ObjectPropName::String(name),
                    value,
                });
                self.skip_ws();
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        self.skip_ws();
                    }
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Some(Object {
            range: Range::new(start, self.pos),
            properties,
        })
    }

    fn array(&mut self) -> Option<Array<'a>> {
        self.enter()?;
        let start = self.pos;
        self.pos += 1;
        let mut elements = Vec::new();
        self.skip_ws();
        if self.peek()? != b']' {
            loop {
                elements.push(self.value()?);
                self.skip_ws();
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        self.skip_ws();
                    }
                    b']' => break,
                    _ => return None,
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Some(Array {
            range: Range::new(start, self.pos),
            elements,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{strict_options, CollectOptions, CommentCollectionStrategy};
    use proptest::prelude::*;

    /// Whenever the fast parser accepts a text, jsonc-parser's strict parse
    /// accepts it too, with the same AST (values and ranges).
    fn agrees(text: &str) {
        let Some(fast) = super::parse(text) else {
            return;
        };
        let collect = CollectOptions {
            comments: CommentCollectionStrategy::Off,
            tokens: false,
        };
        let slow = jsonc_parser::parse_to_ast(text, &collect, &strict_options())
            .unwrap_or_else(|e| panic!("{text:?}: fast parse accepted, jsonc-parser: {e}"));
        assert_eq!(Some(fast), slow.value, "{text:?}");
    }

    #[test]
    fn accepts_what_jsonc_parser_accepts_with_the_same_ast() {
        let accepted = [
            "{}",
            "[]",
            " {\"a\" : [1, -2.5e+3, 0, -0, 1E9, true, false, null, \"x\"]}\n",
            "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u0041z\"",
            "{\"é\": \"ü\\u20ac\", \"\": {}}",
            "\u{0B}\u{0C}\u{A0}[1,\u{2003}2]\u{3000}",
            "[\"raw\ttab and \u{1} control\"]",
            "{\"a\":{\"b\":{\"c\":[[[]]]}}}",
            "-12.0e-0",
            "true",
        ];
        for text in accepted {
            assert!(super::parse(text).is_some(), "{text:?}");
            agrees(text);
        }
    }

    #[test]
    fn leaves_the_rest_to_jsonc_parser() {
        let left = [
            "",
            "  ",
            "{\"a\": 1,}",
            "[1,]",
            "[1 2]",
            "{\"a\" 1}",
            "{a: 1}",
            "{'a': 1}",
            "[01]",
            "[1.]",
            "[.5]",
            "[+1]",
            "[1e]",
            "[-]",
            "[0x10]",
            "[NaN]",
            "[truex]",
            "[true/**/]",
            "// c\n{}",
            "{} {}",
            "[\"\\ud83d\\ude00\"]",
            "[\"\\x41\"]",
            "[\"\\'\"]",
            "[\"\\u12\"]",
            "[\"open",
            "{\"a\": [1, 2}",
            "\u{feff}{}",
        ];
        for text in left {
            assert!(super::parse(text).is_none(), "{text:?}");
        }
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        assert!(super::parse(&deep).is_none());
    }

    proptest! {
        #[test]
        fn random_texts_agree(text in "[ \\t\\n{}\\[\\],:\"\\\\a-c0-2.eE+\\-tru/]{0,40}") {
            agrees(&text);
        }

        #[test]
        fn near_json_agrees(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"),
                    Just("\"k\""), Just("\"v\\n\""), Just("\"\\u00e9\""), Just("1"),
                    Just("-0.5e2"), Just("true"), Just("null"), Just(" "), Just("\n"),
                    Just("\u{A0}"), Just("/"), Just("x"),
                ],
                0..30,
            )
        ) {
            agrees(&parts.concat());
        }
    }
}
