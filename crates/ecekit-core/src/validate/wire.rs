//! The report as it crosses from the validator worker to the page: the JSON
//! that `serde` writes for [`Report`] (the CLI's `--json` shape), read back
//! field by field from a [`Value`] (a derived `Deserialize` would add its own
//! parser to the page's wasm).

use super::Report;
use crate::finding::{Edit, Finding, Location, Severity};
use crate::model::DocumentKind;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Mutex;

impl Report {
    /// The report as JSON, for the page's validator worker to post.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report always serializes")
    }

    /// Reads what [`Report::to_json`] wrote. The error says which field is
    /// wrong: it means the worker and the page come from different builds.
    pub fn from_json(text: &str) -> Result<Report, String> {
        let root: Value =
            crate::json::read_value(text).map_err(|e| format!("the report is not JSON: {e}"))?;
        let kind = str_at(&root, "kind")?;
        Ok(Report {
            kind: DocumentKind::parse(kind).ok_or_else(|| format!("unknown kind `{kind}`"))?,
            detected: root
                .get("detected")
                .and_then(Value::as_bool)
                .ok_or("`detected` is not true or false")?,
            findings: root
                .get("findings")
                .and_then(Value::as_array)
                .ok_or("`findings` is not a list")?
                .iter()
                .map(finding)
                .collect::<Result<_, _>>()?,
        })
    }
}

fn str_at<'a>(value: &'a Value, key: &str) -> Result<&'a str, String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("`{key}` is not a string"))
}

fn usize_at(value: &Value, key: &str) -> Result<usize, String> {
    value
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("`{key}` is not a position"))
}

fn finding(value: &Value) -> Result<Finding, String> {
    let severity = str_at(value, "severity")?;
    let severity =
        Severity::parse(severity).ok_or_else(|| format!("unknown severity `{severity}`"))?;
    let location = value.get("location").ok_or("a finding has no location")?;
    let fix = match value.get("fix") {
        None | Some(Value::Null) => None,
        Some(fix) => Some(Edit {
            start: usize_at(fix, "start")?,
            end: usize_at(fix, "end")?,
            replacement: str_at(fix, "replacement")?.to_string(),
        }),
    };
    Ok(Finding {
        severity,
        code: intern(str_at(value, "code")?),
        message: str_at(value, "message")?.to_string(),
        help: str_at(value, "help")?.to_string(),
        location: Location {
            line: usize_at(location, "line")?,
            column: usize_at(location, "column")?,
            start: usize_at(location, "start")?,
            end: usize_at(location, "end")?,
            pointer: str_at(location, "pointer")?.to_string(),
        },
        fix,
    })
}

/// Finding codes are `&'static str`. A code read back is leaked once and
/// reused after: codes are a small fixed set, so memory stays bounded.
fn intern(code: &str) -> &'static str {
    static CODES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut codes = CODES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = codes.get(code) {
        return known;
    }
    let leaked: &'static str = Box::leak(code.to_owned().into_boxed_str());
    codes.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::validate;
    use crate::ValidateOptions;

    fn round_trip(text: &str) -> Report {
        let report = validate(text, None, &ValidateOptions::default());
        let back = Report::from_json(&report.to_json()).expect("reads back");
        assert_eq!(back, report);
        report
    }

    #[test]
    fn reports_of_each_kind_read_back_equal() {
        let reports = [
            round_trip(r#"{"secrets": {"s3.client.default.access_key": 1,}}"#),
            round_trip("{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Alow\"}]}"),
            round_trip("curl -X PUT https://h:12443/api/v1/x -d '{\"type\": \"s3\"'"),
            round_trip(r#"{"type": "s3", "settings": {"bucket": "Bad_Bucket", "client": "é"}}"#),
        ];
        for report in &reports {
            assert!(!report.findings.is_empty(), "{report:?}");
        }
        assert!(
            reports
                .iter()
                .flat_map(|r| &r.findings)
                .any(|f| f.fix.is_some()),
            "no finding with a fix was read back"
        );
    }

    #[test]
    fn an_empty_report_reads_back() {
        let empty = Report {
            kind: DocumentKind::Curl,
            detected: false,
            findings: vec![],
        };
        assert_eq!(Report::from_json(&empty.to_json()).unwrap(), empty);
    }

    #[test]
    fn codes_are_interned_once() {
        assert!(std::ptr::eq(intern("SOME_CODE"), intern("SOME_CODE")));
    }

    #[test]
    fn a_wrong_answer_says_which_field() {
        assert!(Report::from_json("nope").unwrap_err().contains("not JSON"));
        let no_kind = r#"{"detected":true,"findings":[]}"#;
        assert_eq!(
            Report::from_json(no_kind).unwrap_err(),
            "`kind` is not a string"
        );
        let bad = r#"{"kind":"policy","detected":true,"findings":[{"severity":"fatal"}]}"#;
        assert_eq!(
            Report::from_json(bad).unwrap_err(),
            "unknown severity `fatal`"
        );
    }
}
