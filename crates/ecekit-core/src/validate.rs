//! The one entry point every face calls: detect what a pasted text is, run
//! its validator, and return the findings sorted by position.

use crate::finding::{self, Finding};
use crate::json::{self, ast};
use crate::model::{DocumentKind, ValidateOptions};
use crate::{curl, keystore, policy, repository};
use serde::Serialize;

mod wire;

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

/// A doc snippet: prose (or a code fence) first, then JSON blocks that
/// start a line. Checked like a curl paste: each block as its own kind.
fn looks_like_snippet(text: &str) -> bool {
    let first = text.trim_start().chars().next();
    !matches!(first, Some('{') | Some('[') | None)
        && text.lines().any(|l| l.trim_start().starts_with('{'))
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

/// The kind of a JSON document (parseable or not) when it is one ecekit
/// checks: by its top-level keys, else by the words each kind must hold.
pub(crate) fn known_kind(text: &str) -> Option<DocumentKind> {
    let after = text.trim_start().strip_prefix('{')?.trim_start();
    if !(after.starts_with('"') || after.starts_with('}')) {
        return None;
    }
    let doc = json::parse(text);
    if let Some(root) = &doc.root {
        if doc.is_strictly_valid() || kind_of_root(root).is_some() {
            return kind_of_root(root);
        }
    }
    if text.contains("\"Statement\"") {
        Some(DocumentKind::Policy)
    } else if text.contains("\"secrets\"") {
        Some(DocumentKind::Keystore)
    } else if REPOSITORY_KEYS
        .iter()
        .any(|k| text.contains(&format!("\"{k}\"")))
    {
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
    if looks_like_snippet(text) {
        return DocumentKind::Curl;
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
        DocumentKind::Curl => curl::validate(text, opts),
        json_kind => validate_json(text, json_kind, opts),
    };
    finding::sort(&mut findings);
    Report {
        kind,
        detected,
        findings,
    }
}

/// Parses `text` as JSON and runs the validator of `kind` (a curl kind is
/// checked as a repository body).
pub(crate) fn validate_json(
    text: &str,
    kind: DocumentKind,
    opts: &ValidateOptions,
) -> Vec<Finding> {
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
}
