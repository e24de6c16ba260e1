//! The one entry point every face calls: detect what a pasted text is, run
//! its validator, and return the findings sorted by position.

use crate::finding::{self, Finding, LineIndex};
use crate::json::{self, ast};
use crate::model::{DocumentKind, ValidateOptions};
use crate::{keystore, policy, repository};
use serde::Serialize;

/// What `validate` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The kind the text was checked as.
    pub kind: DocumentKind,
    /// True when the kind was detected, false when the caller forced it.
    pub detected: bool,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        finding::has_errors(&self.findings)
    }
}

/// Repository settings that mark a bare settings object.
const REPOSITORY_KEYS: [&str; 8] = [
    "type",
    "settings",
    "bucket",
    "client",
    "base_path",
    "container",
    "location",
    "url",
];

fn looks_like_curl(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start().trim_start_matches("$ ");
        line == "curl" || line.starts_with("curl ") || line.starts_with("curl.exe ")
    })
}

fn kind_of_root(root: &ast::Value<'_>) -> Option<DocumentKind> {
    let object = root.as_object()?;
    let has = |key: &str| object.properties.iter().any(|p| p.name.as_str() == key);
    if has("secrets") {
        Some(DocumentKind::Keystore)
    } else if has("Statement") || has("Version") {
        Some(DocumentKind::Policy)
    } else if REPOSITORY_KEYS.iter().any(|k| has(k)) {
        Some(DocumentKind::Repository)
    } else {
        None
    }
}

/// The kind of a pasted text: a curl command, or the JSON document's kind
/// from its top-level keys (a keystore body when nothing else fits).
pub fn detect(text: &str) -> DocumentKind {
    if looks_like_curl(text) {
        return DocumentKind::Curl;
    }
    let doc = json::parse(text);
    if let Some(kind) = doc.root.as_ref().and_then(kind_of_root) {
        return kind;
    }
    // Unparseable: fall back on the words a document of each kind must hold.
    if text.contains("\"Statement\"") {
        DocumentKind::Policy
    } else if text.contains("\"secrets\"") {
        DocumentKind::Keystore
    } else if REPOSITORY_KEYS
        .iter()
        .any(|k| text.contains(&format!("\"{k}\"")))
    {
        DocumentKind::Repository
    } else {
        DocumentKind::Keystore
    }
}

/// Validates `text` as `kind`, or as the detected kind when `kind` is None.
pub fn validate(text: &str, kind: Option<DocumentKind>, opts: &ValidateOptions) -> Report {
    let detected = kind.is_none();
    let kind = kind.unwrap_or_else(|| detect(text));
    let mut findings = match kind {
        DocumentKind::Curl => curl_bodies(text, opts),
        json_kind => validate_json(text, json_kind, opts),
    };
    finding::sort(&mut findings);
    Report {
        kind,
        detected,
        findings,
    }
}

fn validate_json(text: &str, kind: DocumentKind, opts: &ValidateOptions) -> Vec<Finding> {
    let doc = json::parse(text);
    let mut findings = doc.findings.clone();
    if doc.root.is_some() {
        findings.extend(match kind {
            DocumentKind::Keystore => keystore::validate(&doc, opts),
            DocumentKind::Policy => policy::validate(&doc, opts),
            DocumentKind::Repository | DocumentKind::Curl => repository::validate(&doc, opts),
        });
    }
    findings
}

/// The JSON bodies inside a pasted command or snippet: each block that
/// starts with `{` at the start of a line runs to its matching `}` and is
/// validated as its own kind, with findings placed in the original text.
fn curl_bodies(text: &str, opts: &ValidateOptions) -> Vec<Finding> {
    let index = LineIndex::new(text);
    let mut findings = Vec::new();
    let mut at = 0;
    while let Some((start, end)) = next_json_block(text, at) {
        let body = &text[start..end];
        let kind = detect(body);
        let kind = if kind == DocumentKind::Curl {
            DocumentKind::Keystore
        } else {
            kind
        };
        for mut f in validate_json(body, kind, opts) {
            f.location = index.location(
                text,
                f.location.start + start,
                f.location.end + start,
                &f.location.pointer,
            );
            if let Some(edit) = f.fix.as_mut() {
                edit.start += start;
                edit.end += start;
            }
            findings.push(f);
        }
        at = end;
    }
    findings
}

/// The byte range of the next `{ ... }` block that opens a line at or after
/// `from`, matched by counting braces outside strings.
fn next_json_block(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        let line_start = i == 0 || bytes[i - 1] == b'\n';
        if bytes[i] == b'{' && line_start {
            let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
            for (j, &b) in bytes.iter().enumerate().skip(i) {
                if in_string {
                    match b {
                        _ if escaped => escaped = false,
                        b'\\' => escaped = true,
                        b'"' => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some((i, j + 1));
                        }
                    }
                    _ => {}
                }
            }
            return Some((i, bytes.len()));
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_kind() {
        assert_eq!(detect(r#"{"secrets": {}}"#), DocumentKind::Keystore);
        assert_eq!(
            detect(r#"{"Version": "2012-10-17", "Statement": []}"#),
            DocumentKind::Policy
        );
        assert_eq!(
            detect(r#"{"type": "s3", "settings": {"bucket": "b"}}"#),
            DocumentKind::Repository
        );
        assert_eq!(detect(r#"{"bucket": "b"}"#), DocumentKind::Repository);
        assert_eq!(detect("curl -X GET https://x/"), DocumentKind::Curl);
        // Broken JSON is still recognised by its words.
        assert_eq!(detect("{\"Statement\": [ {"), DocumentKind::Policy);
    }

    #[test]
    fn a_forced_kind_is_reported_as_not_detected() {
        let report = validate(
            r#"{"secrets": {}}"#,
            Some(DocumentKind::Keystore),
            &ValidateOptions::default(),
        );
        assert!(!report.detected);
        assert_eq!(report.kind, DocumentKind::Keystore);
    }

    #[test]
    fn a_body_pasted_under_a_command_is_checked_at_its_own_lines() {
        let text = "curl -X PATCH https://h/keystore \\\n{\n  \"secrets\": {\n    \"a\": {\"value\": \"x\"}\n    \"b\": {\"value\": \"y\"}\n  }\n}\n";
        let report = validate(text, None, &ValidateOptions::default());
        assert_eq!(report.kind, DocumentKind::Curl);
        let comma = report
            .findings
            .iter()
            .find(|f| f.code == json::MISSING_COMMA)
            .expect("the missing comma is found");
        assert_eq!(comma.location.line, 4);
    }

    #[test]
    fn block_matching_ignores_braces_in_strings() {
        let text = "x\n{\"a\": \"}{\"}\ny";
        let (s, e) = next_json_block(text, 0).unwrap();
        assert_eq!(&text[s..e], "{\"a\": \"}{\"}");
    }
}
