//! JSON with positions.
//!
//! Validators need to say where a problem is (line:column and JSON pointer),
//! to see duplicate keys (serde_json silently keeps the last one) and to keep
//! going after a syntax slip such as a missing comma, so that a user fixing a
//! pasted document sees every problem at once. `parse` does a strict parse
//! first; if that fails it reports every syntax problem it can find and
//! re-parses leniently (missing/trailing commas, comments tolerated) so the
//! semantic checks still run on what the user meant.

use crate::finding::{Edit, Finding, LineIndex, Location, Severity};
use jsonc_parser::common::Ranged;
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::tokens::Token;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};
use std::collections::HashSet;

mod strict;

pub use jsonc_parser::ast;
pub use jsonc_parser::common::Range;

pub const SYNTAX: &str = "JSON_SYNTAX";
pub const MISSING_COMMA: &str = "JSON_MISSING_COMMA";
pub const TRAILING_COMMA: &str = "JSON_TRAILING_COMMA";
pub const COMMENT: &str = "JSON_COMMENT";
pub const DUPLICATE_KEY: &str = "JSON_DUPLICATE_KEY";
pub const EMPTY: &str = "JSON_EMPTY";

/// A parsed document: the AST (if any could be recovered), the findings of
/// the parse itself, and the means to turn ranges into locations.
pub struct JsonDoc<'a> {
    pub text: &'a str,
    /// Read as far as the locations asked for need: a clean document needs
    /// none, a finding at the top of a large one only its first lines.
    line_index: std::cell::RefCell<LineIndex>,
    pub root: Option<ast::Value<'a>>,
    /// Syntax and duplicate-key findings.
    pub findings: Vec<Finding>,
}

impl<'a> JsonDoc<'a> {
    fn new(text: &'a str, root: Option<ast::Value<'a>>) -> Self {
        JsonDoc {
            text,
            line_index: std::cell::RefCell::new(LineIndex::lazy()),
            root,
            findings: Vec::new(),
        }
    }

    /// 1-based (line, column) of byte offset `offset`.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let mut index = self.line_index.borrow_mut();
        index.extend_to(self.text, offset);
        index.position(self.text, offset)
    }

    pub fn location(&self, range: Range, pointer: &str) -> Location {
        let mut index = self.line_index.borrow_mut();
        index.extend_to(self.text, range.start);
        index.location(self.text, range.start, range.end, pointer)
    }

    /// A finding about the node at `range` / `pointer`.
    pub fn finding(
        &self,
        severity: Severity,
        code: &'static str,
        range: Range,
        pointer: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding::new(severity, code, message, help, self.location(range, pointer))
    }

    /// True when the strict parse succeeded (the findings may still hold
    /// duplicate keys).
    pub fn is_strictly_valid(&self) -> bool {
        !self.findings.iter().any(|f| {
            matches!(
                f.code,
                SYNTAX | MISSING_COMMA | TRAILING_COMMA | COMMENT | EMPTY
            )
        })
    }
}

/// The one finding collector of the JSON validators (keystore, repository,
/// policy): a checker gives access to its document and its findings, and
/// gets `push` / `push_fix`, which place a finding at a node's range and
/// JSON pointer.
pub trait Collector<'a> {
    fn doc(&self) -> &JsonDoc<'a>;
    fn findings_mut(&mut self) -> &mut Vec<Finding>;

    /// Adds a finding about the node at `range` / `pointer`.
    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        range: Range,
        pointer: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let f = self
            .doc()
            .finding(severity, code, range, pointer, message, help);
        self.findings_mut().push(f);
    }

    /// Adds a finding with a machine-applicable fix.
    #[allow(clippy::too_many_arguments)]
    fn push_fix(
        &mut self,
        severity: Severity,
        code: &'static str,
        range: Range,
        pointer: &str,
        message: impl Into<String>,
        help: impl Into<String>,
        fix: Edit,
    ) {
        self.push(severity, code, range, pointer, message, help);
        if let Some(f) = self.findings_mut().last_mut() {
            f.fix = Some(fix);
        }
    }
}

fn strict_options() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

fn lenient_options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_missing_commas: true,
        ..strict_options()
    }
}

pub fn parse(text: &str) -> JsonDoc<'_> {
    let mut doc = JsonDoc::new(text, None);
    let no_collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    // Valid JSON (nearly every input) takes the fast parser; whatever it
    // leaves, jsonc-parser parses or explains.
    let parsed = match strict::parse(text) {
        Some(root) => Ok(Some(root)),
        None => jsonc_parser::parse_to_ast(text, &no_collect, &strict_options())
            .map(|result| result.value),
    };
    match parsed {
        Ok(root) => doc.root = root,
        Err(strict_error) => {
            let with_tokens = CollectOptions {
                comments: CommentCollectionStrategy::AsTokens,
                tokens: true,
            };
            match jsonc_parser::parse_to_ast(text, &with_tokens, &lenient_options()) {
                Ok(result) => {
                    doc.root = result.value;
                    let tokens = result.tokens.unwrap_or_default();
                    let found = punctuation_findings(&doc, &tokens);
                    if found.is_empty() {
                        // The lenient parse accepted something the strict one did not
                        // for a reason the token scan does not name: report it as is.
                        doc.findings.push(syntax_finding(&doc, &strict_error));
                    } else {
                        doc.findings.extend(found);
                    }
                }
                Err(_) => doc.findings.push(syntax_finding(&doc, &strict_error)),
            }
        }
    }
    if doc.root.is_none() && doc.findings.is_empty() {
        let f = doc.finding(
            Severity::Error,
            EMPTY,
            Range::new(0, 0),
            "",
            "The input is empty: there is no JSON document to check.",
            "Paste the whole document, starting with `{`.",
        );
        doc.findings.push(f);
    }
    add_duplicate_findings(&mut doc);
    doc
}

/// [`parse`] for JSON that ecekit wrote itself (the bodies its builders and
/// requests make): the fast strict parser only. jsonc-parser is there to
/// explain broken JSON, which these never are, so the web page's first load
/// does not carry its parser. A text the fast parser leaves gets one
/// `JSON_SYNTAX` finding that says it is ecekit's fault.
pub fn parse_generated(text: &str) -> JsonDoc<'_> {
    let mut doc = JsonDoc::new(text, strict::parse(text));
    if doc.root.is_none() {
        let f = doc.finding(
            Severity::Error,
            SYNTAX,
            Range::new(0, 0),
            "",
            "ecekit could not read back JSON it wrote: this is a bug in ecekit.",
            "Check the body with `ecekit validate`, and report the inputs that made it.",
        );
        doc.findings.push(f);
    }
    add_duplicate_findings(&mut doc);
    doc
}

fn add_duplicate_findings(doc: &mut JsonDoc<'_>) {
    if let Some(root) = &doc.root {
        let mut dups = Vec::new();
        collect_duplicates(doc, root, &mut Vec::new(), &mut dups);
        doc.findings.extend(dups);
    }
}

fn syntax_finding(doc: &JsonDoc<'_>, error: &jsonc_parser::errors::ParseError) -> Finding {
    let range = error.range();
    let (what, help) = describe_error(error.kind());
    doc.finding(
        Severity::Error,
        SYNTAX,
        range,
        "",
        format!("Invalid JSON: {what}. The API rejects a body that is not valid JSON."),
        help,
    )
}

fn describe_error(kind: &ParseErrorKind) -> (String, &'static str) {
    use ParseErrorKind::*;
    let help = match kind {
        ExpectedComma => "Add a `,` between the two values.",
        TrailingCommasNotAllowed => "Remove the `,` before the closing bracket.",
        CommentsNotAllowed => "Remove the comment: JSON has no comments.",
        SingleQuotedStringsNotAllowed => "Use double quotes `\"` around strings.",
        ExpectedStringObjectProperty => {
            "Put the property name in double quotes, e.g. `\"name\": value`."
        }
        ExpectedColonAfterObjectKey => "Add a `:` between the property name and its value.",
        UnterminatedObject => "Add the missing `}` at the end of the object.",
        UnterminatedArray => "Add the missing `]` at the end of the array.",
        MultipleRootJsonValues => {
            "A body holds one JSON value: remove what follows it, or wrap the values in an array."
        }
        UnexpectedWord => "Quote the text if it is a string, or use true, false or null.",
        String(_) => {
            "Close the string with `\"` and escape `\"`, `\\` and control characters inside it."
        }
        NestingDepthExceeded => "Reduce the nesting: no ecekit document is nested that deep.",
        _ => "Correct the JSON at this position.",
    };
    // ASCII lower-casing is enough for the parser's English messages and
    // keeps core's Unicode case tables out of the wasm.
    (kind.to_string().to_ascii_lowercase(), help)
}

fn is_value_end(token: &Token<'_>) -> bool {
    matches!(
        token,
        Token::CloseBrace
            | Token::CloseBracket
            | Token::String(_)
            | Token::Word(_)
            | Token::Boolean(_)
            | Token::Number(_)
            | Token::Null
    )
}

fn is_value_start(token: &Token<'_>) -> bool {
    matches!(
        token,
        Token::OpenBrace
            | Token::OpenBracket
            | Token::String(_)
            | Token::Word(_)
            | Token::Boolean(_)
            | Token::Number(_)
            | Token::Null
    )
}

/// Finds every missing comma, trailing comma and comment in a document the
/// lenient parser accepted.
fn punctuation_findings(
    doc: &JsonDoc<'_>,
    tokens: &[jsonc_parser::tokens::TokenAndRange<'_>],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let significant: Vec<_> = tokens
        .iter()
        .filter(|t| {
            if matches!(t.token, Token::CommentLine(_) | Token::CommentBlock(_)) {
                out.push(
                    doc.finding(
                        Severity::Error,
                        COMMENT,
                        t.range,
                        "",
                        "JSON has no comments; the API rejects a body that contains one.",
                        "Remove the comment.",
                    )
                    .with_fix(crate::finding::Edit {
                        start: t.range.start,
                        end: t.range.end,
                        replacement: String::new(),
                    }),
                );
                false
            } else {
                true
            }
        })
        .collect();
    for pair in significant.windows(2) {
        let (prev, next) = (&pair[0], &pair[1]);
        // `"a": 1 "b": 2` or `} "b"`: a value ends and the next starts with no comma.
        // A colon after a string is fine (`"key": ...`), and so is a string followed by `:`.
        if is_value_end(&prev.token) && is_value_start(&next.token) {
            let (line, _) = doc.position(prev.range.end);
            out.push(
                doc.finding(
                    Severity::Error,
                    MISSING_COMMA,
                    Range::new(prev.range.end, prev.range.end),
                    "",
                    format!(
                        "Missing comma after the value that ends on line {line}: JSON needs a `,` between members, and the API rejects the body without it."
                    ),
                    "Add a `,` after this value.",
                )
                .with_fix(crate::finding::Edit {
                    start: prev.range.end,
                    end: prev.range.end,
                    replacement: ",".into(),
                }),
            );
        }
        if matches!(prev.token, Token::Comma)
            && matches!(next.token, Token::CloseBrace | Token::CloseBracket)
        {
            out.push(
                doc.finding(
                    Severity::Error,
                    TRAILING_COMMA,
                    prev.range,
                    "",
                    "Trailing comma before the closing bracket: strict JSON does not allow it and the API rejects the body.",
                    "Remove this `,`.",
                )
                .with_fix(crate::finding::Edit {
                    start: prev.range.start,
                    end: prev.range.end,
                    replacement: String::new(),
                }),
            );
        }
    }
    out
}

/// One step of the path to the current node; the pointer string is built
/// only when a duplicate is found, so clean documents pay no string work.
enum Step<'t> {
    Key(&'t str),
    Index(usize),
}

fn pointer_of(path: &[Step<'_>]) -> String {
    let mut p = String::new();
    for step in path {
        match step {
            Step::Key(k) => push_pointer(&mut p, k),
            Step::Index(i) => {
                p.push('/');
                p.push_str(&i.to_string());
            }
        }
    }
    p
}

/// Objects up to this size are checked for duplicates by a linear scan,
/// which beats hashing for the small objects documents are made of.
const LINEAR_SCAN_MAX: usize = 16;

fn collect_duplicates<'t>(
    doc: &JsonDoc<'_>,
    value: &'t ast::Value<'t>,
    path: &mut Vec<Step<'t>>,
    out: &mut Vec<Finding>,
) {
    match value {
        ast::Value::Object(object) => {
            let props = &object.properties;
            let mut seen: HashSet<&str> = HashSet::new();
            for (i, prop) in props.iter().enumerate() {
                let name = prop.name.as_str();
                let duplicate = if props.len() <= LINEAR_SCAN_MAX {
                    props[..i].iter().any(|p| p.name.as_str() == name)
                } else {
                    !seen.insert(name)
                };
                path.push(Step::Key(name));
                if duplicate {
                    out.push(doc.finding(
                        Severity::Error,
                        DUPLICATE_KEY,
                        prop.name.range(),
                        &pointer_of(path),
                        format!(
                            "Duplicate key \"{name}\": the receiver keeps only the last one, so the earlier value is silently lost."
                        ),
                        "Remove one of the two, or rename this key if another one was meant (a common copy-paste slip).",
                    ));
                }
                collect_duplicates(doc, &prop.value, path, out);
                path.pop();
            }
        }
        ast::Value::Array(array) => {
            for (i, element) in array.elements.iter().enumerate() {
                path.push(Step::Index(i));
                collect_duplicates(doc, element, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Appends `/token` to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn push_pointer(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// `base` + `/token`, escaped.
pub fn pointer(base: &str, token: &str) -> String {
    let mut p = base.to_string();
    push_pointer(&mut p, token);
    p
}

/// A short name for a value's JSON type, for messages.
pub fn type_name(value: &ast::Value<'_>) -> &'static str {
    match value {
        ast::Value::StringLit(_) => "a string",
        ast::Value::NumberLit(_) => "a number",
        ast::Value::BooleanLit(_) => "a boolean",
        ast::Value::Object(_) => "an object",
        ast::Value::Array(_) => "an array",
        ast::Value::NullKeyword(_) => "null",
    }
}

/// The AST as a serde_json value (the last of duplicate keys wins, as in
/// serde_json). A number beyond the largest double stays its text.
pub fn to_value(value: &ast::Value<'_>) -> serde_json::Value {
    let value = value_of(value, &|n| {
        Ok(number(n.value).map_or_else(
            || serde_json::Value::String(n.value.to_string()),
            serde_json::Value::Number,
        ))
    });
    value.unwrap_or_else(|never: std::convert::Infallible| match never {})
}

/// Where a text stops being JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotJson {
    /// 1-based, as in findings.
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for NotJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Reads a JSON text (RFC 8259) as a serde_json value: the engine's reader
/// for JSON it does not validate (its own data, bodies it built, a value that
/// may hold a key file, API responses). It reads what `serde_json::from_str`
/// reads into the same value, except that a fraction is always the nearest
/// double (serde_json's own parser may be one unit off in the last place),
/// and nesting may go 200 levels deep rather than 128. It is this module's
/// fast parser, so the web page does not also carry serde_json's (about 7 KB
/// of gzip with its float tables). An error says where reading stopped.
pub fn read_value(text: &str) -> Result<serde_json::Value, NotJson> {
    let not_json = |offset: usize| {
        let mut index = LineIndex::lazy();
        index.extend_to(text, offset);
        let (line, column) = index.position(text, offset);
        NotJson { line, column }
    };
    let root = strict::parse_rfc(text).map_err(not_json)?;
    value_of(&root, &|n| {
        number(n.value)
            .map(serde_json::Value::Number)
            .ok_or(n.range.start)
    })
    .map_err(not_json)
}

/// A number literal the parser accepted, as serde_json reads it: an integer
/// that fits `u64` or `i64` stays an integer, any other is the nearest
/// double (`-0` as well). `None` beyond the largest double.
fn number(literal: &str) -> Option<serde_json::Number> {
    if !literal.contains(['.', 'e', 'E']) {
        if let Ok(n) = literal.parse::<u64>() {
            return Some(n.into());
        }
        if let Ok(n @ ..0) = literal.parse::<i64>() {
            return Some(n.into());
        }
    }
    serde_json::Number::from_f64(crate::decimal::to_f64(literal)?)
}

/// The AST as a value, with `number` for each number (which may fail).
fn value_of<E>(
    value: &ast::Value<'_>,
    number: &impl Fn(&ast::NumberLit<'_>) -> Result<serde_json::Value, E>,
) -> Result<serde_json::Value, E> {
    Ok(match value {
        ast::Value::StringLit(s) => serde_json::Value::String(s.value.to_string()),
        ast::Value::NumberLit(n) => number(n)?,
        ast::Value::BooleanLit(b) => serde_json::Value::Bool(b.value),
        ast::Value::NullKeyword(_) => serde_json::Value::Null,
        // Loops rather than `collect` into a `Result`: the same work in
        // less of the web page's code (`BTreeMap::from_iter` sorts first).
        ast::Value::Array(a) => {
            let mut list = Vec::with_capacity(a.elements.len());
            for element in &a.elements {
                list.push(value_of(element, number)?);
            }
            serde_json::Value::Array(list)
        }
        ast::Value::Object(o) => {
            let mut map = serde_json::Map::new();
            for p in &o.properties {
                map.insert(p.name.as_str().to_string(), value_of(&p.value, number)?);
            }
            serde_json::Value::Object(map)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_json_reads_as_parse_reads_it() {
        for text in [
            r#"{"secrets": {"s3.client.default.access_key": {"value": "a\"b", "as_file": false}}}"#,
            r#"{"type": "s3", "settings": {"bucket": "b", "bucket": "c"}}"#,
            "[1, 2.5e3, null, true, \"é\"]",
        ] {
            let (full, generated) = (parse(text), parse_generated(text));
            assert!(generated.root.is_some(), "{text}");
            assert_eq!(generated.root, full.root, "{text}");
            assert_eq!(generated.findings, full.findings, "{text}");
        }
        let broken = parse_generated("{\"a\": 1,}");
        assert!(broken.root.is_none());
        assert_eq!(broken.findings.len(), 1);
        assert_eq!(broken.findings[0].code, SYNTAX);
        assert!(!broken.is_strictly_valid());
    }

    #[test]
    fn valid_json_has_no_findings() {
        let doc = parse(r#"{"a": [1, {"b": null}], "c": "x"}"#);
        assert!(doc.findings.is_empty(), "{:?}", doc.findings);
        assert!(doc.root.is_some());
    }

    #[test]
    fn every_missing_comma_is_reported_and_the_ast_recovered() {
        let text = "{\n  \"a\": {\n    \"x\": false\n    \"y\": \"v\"\n  }\n  \"b\": {}\n}";
        let doc = parse(text);
        let commas: Vec<_> = doc
            .findings
            .iter()
            .filter(|f| f.code == MISSING_COMMA)
            .map(|f| (f.location.line, f.location.column))
            .collect();
        assert_eq!(commas, vec![(3, 15), (5, 4)]);
        let root = doc.root.as_ref().unwrap().as_object().unwrap();
        assert_eq!(root.properties.len(), 2);
    }

    #[test]
    fn trailing_comma_and_comment_are_reported() {
        let doc = parse("{\"a\": 1, // note\n}");
        let codes: Vec<_> = doc.findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&TRAILING_COMMA), "{codes:?}");
        assert!(codes.contains(&COMMENT), "{codes:?}");
    }

    #[test]
    fn duplicate_keys_are_reported_with_pointer() {
        let doc = parse(r#"{"settings": {"bucket": "a", "bucket": "b"}}"#);
        assert_eq!(doc.findings.len(), 1);
        let f = &doc.findings[0];
        assert_eq!(f.code, DUPLICATE_KEY);
        assert_eq!(f.location.pointer, "/settings/bucket");
        assert_eq!(f.location.column, 30);
    }

    #[test]
    fn unrecoverable_syntax_error_has_a_position() {
        let doc = parse("{\"a\": [1, 2}");
        assert!(doc.root.is_none());
        assert_eq!(doc.findings.len(), 1);
        assert_eq!(doc.findings[0].code, SYNTAX);
        assert_eq!(doc.findings[0].location.line, 1);
    }

    #[test]
    fn empty_input_says_so() {
        let doc = parse("  \n");
        assert_eq!(doc.findings[0].code, EMPTY);
    }

    #[test]
    fn pointer_escapes_tilde_and_slash() {
        assert_eq!(pointer("/a", "b/c~d"), "/a/b~1c~0d");
    }

    /// `read_value` against serde_json: both accept the text or both
    /// refuse it, with the same value when they accept. (Numbers here are
    /// ones serde_json's own float parsing rounds correctly.)
    fn reads_like_serde_json(text: &str) {
        let serde = serde_json::from_str::<serde_json::Value>(text);
        match (read_value(text), serde) {
            (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "{text:?}"),
            (Err(_), Err(_)) => {}
            (ours, theirs) => panic!("{text:?}: read_value {ours:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn read_value_reads_what_serde_json_reads() {
        let texts = [
            r#"{"a": [1, -2.5e+3, 0, 1E9, 0.1, true, false, null, "x"], "a": {}}"#,
            "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u0041z\"",
            "\"\\ud83d\\ude00 and \\uD834\\uDD1E\"",
            " \t\r\n[]\n",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "-0",
            "-0.0",
            "0e0",
            "1e308",
            "123456789012345678901234567890",
            "2.2250738585072014e-308",
            "5e-324",
            // Refused by both.
            "",
            "1e309",
            "-1e400",
            "[\"\\ud83d\"]",
            "[\"\\ude00\"]",
            "[\"\\ud83d\\u0041\"]",
            "[\"raw\ttab\"]",
            "[\"raw\u{1}control\"]",
            "\u{0B}[]",
            "\u{0C}[]",
            "\u{A0}[]",
            "\u{feff}{}",
            "[1,]",
            "{\"a\": 1,}",
            "[01]",
            "[1.]",
            "[.5]",
            "[+1]",
            "[NaN]",
            "[true/**/]",
            "{} {}",
            "[\"open",
            "{\"a\" 1}",
            "{'a': 1}",
        ];
        for text in texts {
            reads_like_serde_json(text);
        }
        assert_eq!(
            read_value("-0").unwrap().as_f64().map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
    }

    #[test]
    fn read_value_says_where_reading_stopped() {
        let at = |text: &str| read_value(text).unwrap_err().to_string();
        assert_eq!(at("{\"a\": 1,}"), "line 1, column 9");
        assert_eq!(at("{\n  \"a\" 1\n}"), "line 2, column 7");
        assert_eq!(at("[\n\"é\", \"open"), "line 2, column 11");
        assert_eq!(at("[\"a\", \"b\\x\"]"), "line 1, column 9");
        assert_eq!(at("[\"tab\there\"]"), "line 1, column 6");
        // A bad escape: at its backslash (a lone or broken surrogate too).
        assert_eq!(at("[\"\\ud83d\\ud83d\\ude00\"]"), "line 1, column 3");
        assert_eq!(at("[\"abc\\ud800x\"]"), "line 1, column 6");
        assert_eq!(at("[\"\\u00e9\\q\"]"), "line 1, column 9");
        assert_eq!(at("[1, 2e999]"), "line 1, column 5");
        assert_eq!(at("{} x"), "line 1, column 4");
        assert_eq!(at(""), "line 1, column 1");
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(read_value(&deep(200)).is_ok());
        assert_eq!(
            read_value(&deep(201)).unwrap_err().to_string(),
            "line 1, column 201"
        );
    }

    #[test]
    fn numbers_are_the_nearest_double_or_an_integer() {
        // Halfway between 1 and the next double: ties to even give 1, as
        // Rust's `f64` parsing (and Java's) does; serde_json's own parser
        // gives the next double, one unit off in the last place.
        let text = "1.00000000000000011102230246251565404236316680908203125";
        let serde: f64 = serde_json::from_str(text).unwrap();
        assert_eq!(serde, 1.0000000000000002);
        assert_eq!(number(text).and_then(|n| n.as_f64()), Some(1.0));
        assert_eq!(
            number("2.2250738585072011e-308").and_then(|n| n.as_f64()),
            "2.2250738585072011e-308".parse().ok()
        );
        assert_eq!(number("42"), Some(42u64.into()));
        assert_eq!(number("-42"), Some((-42i64).into()));
        assert_eq!(number("4.2e1").and_then(|n| n.as_f64()), Some(42.0));
        assert_eq!(number("1e400"), None);
        // The AST keeps an out-of-range number as its text.
        let doc = parse("[1e400]");
        assert_eq!(
            to_value(doc.root.as_ref().unwrap()),
            serde_json::json!(["1e400"])
        );
    }

    proptest::proptest! {
        #[test]
        fn near_json_reads_like_serde_json(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("{"), proptest::strategy::Just("}"),
                    proptest::strategy::Just("["), proptest::strategy::Just("]"),
                    proptest::strategy::Just(","), proptest::strategy::Just(":"),
                    proptest::strategy::Just("\"k\""), proptest::strategy::Just("\"v\\n\""),
                    proptest::strategy::Just("\"\\u00e9\""), proptest::strategy::Just("\"\\ud83d\\ude00\""),
                    proptest::strategy::Just("1"), proptest::strategy::Just("-0.5e2"),
                    proptest::strategy::Just("0.1"), proptest::strategy::Just("-0"),
                    proptest::strategy::Just("true"), proptest::strategy::Just("null"),
                    proptest::strategy::Just(" "), proptest::strategy::Just("\n"),
                    proptest::strategy::Just("\u{A0}"), proptest::strategy::Just("\u{1}"),
                    proptest::strategy::Just("/"), proptest::strategy::Just("x"),
                ],
                0..30,
            )
        ) {
            reads_like_serde_json(&parts.concat());
        }

        #[test]
        fn any_text_reads_like_serde_json(text in "[ \\t\\n{}\\[\\],:\"\\\\a-fu0-9.eE+\\-]{0,30}") {
            reads_like_serde_json(&text);
        }
    }
}
