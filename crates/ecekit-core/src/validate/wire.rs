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

    /// Reads what [`Report::to_json`] wrote. An error means the worker and
    /// the page come from different builds; it names the first field that
    /// does not read (one message, rather than one per field and type, which
    /// the page would carry as code).
    pub fn from_json(text: &str) -> Result<Report, String> {
        let root =
            crate::json::read_value(text).map_err(|e| format!("the report is not JSON: {e}"))?;
        let mut fields = Fields::default();
        read_report(&root, &mut fields).ok_or_else(|| format!("`{}` does not read", fields.last))
    }
}

/// Reads fields and remembers the last one asked for: when reading fails,
/// that is the field that did not read.
#[derive(Default)]
struct Fields {
    last: &'static str,
}

impl Fields {
    fn get<'v>(&mut self, value: &'v Value, key: &'static str) -> Option<&'v Value> {
        self.last = key;
        value.get(key)
    }

    fn text(&mut self, value: &Value, key: &'static str) -> Option<String> {
        Some(self.get(value, key)?.as_str()?.to_string())
    }

    fn position(&mut self, value: &Value, key: &'static str) -> Option<usize> {
        usize::try_from(self.get(value, key)?.as_u64()?).ok()
    }
}

fn read_report(root: &Value, f: &mut Fields) -> Option<Report> {
    let kind = DocumentKind::parse(f.get(root, "kind")?.as_str()?)?;
    let detected = f.get(root, "detected")?.as_bool()?;
    let list = f.get(root, "findings")?.as_array()?;
    let mut findings = Vec::with_capacity(list.len());
    for value in list {
        findings.push(finding(value, f)?);
    }
    Some(Report {
        kind,
        detected,
        findings,
    })
}

/// Fields are read in the order they are written here.
fn finding(value: &Value, f: &mut Fields) -> Option<Finding> {
    Some(Finding {
        severity: Severity::parse(&f.text(value, "severity")?)?,
        code: intern(&f.text(value, "code")?),
        message: f.text(value, "message")?,
        help: f.text(value, "help")?,
        location: {
            let location = f.get(value, "location")?;
            Location {
                line: f.position(location, "line")?,
                column: f.position(location, "column")?,
                start: f.position(location, "start")?,
                end: f.position(location, "end")?,
                pointer: f.text(location, "pointer")?,
            }
        },
        fix: match value.get("fix") {
            None | Some(Value::Null) => None,
            Some(fix) => Some(Edit {
                start: f.position(fix, "start")?,
                end: f.position(fix, "end")?,
                replacement: f.text(fix, "replacement")?,
            }),
        },
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
            "`kind` does not read"
        );
        let bad = r#"{"kind":"policy","detected":true,"findings":[{"severity":"fatal"}]}"#;
        assert_eq!(
            Report::from_json(bad).unwrap_err(),
            "`severity` does not read"
        );
        let no_line = r#"{"kind":"policy","detected":true,"findings":[{"severity":"error","code":"X","message":"m","help":"h","location":{"pointer":"","column":1,"start":0,"end":0}}]}"#;
        assert_eq!(
            Report::from_json(no_line).unwrap_err(),
            "`line` does not read"
        );
        let no_location = r#"{"kind":"policy","detected":true,"findings":[{"severity":"error","code":"X","message":"m","help":"h"}]}"#;
        assert_eq!(
            Report::from_json(no_location).unwrap_err(),
            "`location` does not read"
        );
    }
}
