//! Real policies users copy: the Elastic Cloud doc policy (seed 001), and the
//! Elasticsearch doc policy and its base-path variant
//! (reference/repository-settings.md §2.3), with the findings a careful
//! reviewer gives them.

use ecekit_core::policy::{self, codes};
use ecekit_core::{json, Finding, Severity, ValidateOptions};

const SEED: &str = "/work/shared/reference/seeds/001_02a6c691f944762d.txt";

/// The ```json block of the seed, without the doc callout marker `<1>`
/// (rendered pages show it as a bubble, so users copy the JSON without it).
fn seed_policy() -> String {
    let text = std::fs::read_to_string(SEED).expect("seed readable");
    let start = text.find("```json").expect("json block") + "```json".len();
    let end = start + text[start..].find("```").expect("closing fence");
    text[start..end].replace("<1>", "")
}

fn validate(text: &str) -> (Vec<Finding>, Vec<Finding>) {
    let doc = json::parse(text);
    let found = policy::validate(&doc, &ValidateOptions::default());
    (doc.findings, found)
}

#[test]
fn seed_001_gets_the_version_error_the_s3_star_warning_and_the_placeholder() {
    let text = seed_policy();
    let (syntax, found) = validate(&text);
    assert!(syntax.is_empty(), "{syntax:?}");
    for f in &found {
        println!("{}", f.to_line());
    }

    let version = found
        .iter()
        .find(|f| f.code == codes::VERSION_INVALID)
        .expect("invalid Version");
    assert_eq!(version.severity, Severity::Error);
    assert_eq!(version.location.pointer, "/Version");
    assert_eq!(
        &text[version.location.start..version.location.end],
        "\"policy-language-YYYY-MM-dd\""
    );
    assert_eq!(version.fix.as_ref().unwrap().replacement, "\"2012-10-17\"");

    let broad = found
        .iter()
        .find(|f| f.code == codes::OVERBROAD_ACTION)
        .expect("s3:* flagged");
    assert_eq!(broad.severity, Severity::Warning);
    assert_eq!(broad.location.pointer, "/Statement/0/Action/0");
    for action in [
        "s3:ListBucket",
        "s3:GetBucketLocation",
        "s3:ListBucketMultipartUploads",
        "s3:ListBucketVersions",
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts",
    ] {
        assert!(
            broad.help.contains(action),
            "{action} missing: {}",
            broad.help
        );
    }

    // The bucket is the doc's placeholder, in both ARNs.
    let placeholders: Vec<_> = found
        .iter()
        .filter(|f| f.code == codes::PLACEHOLDER)
        .map(|f| f.location.pointer.as_str())
        .collect();
    assert_eq!(
        placeholders,
        vec!["/Statement/0/Resource/0", "/Statement/0/Resource/1"]
    );

    // Exactly these, and the fixes applied give a policy with only the
    // placeholder and over-broad warnings left.
    let mut all: Vec<_> = found.iter().map(|f| f.code).collect();
    all.sort();
    assert_eq!(
        all,
        vec![
            codes::OVERBROAD_ACTION,
            codes::PLACEHOLDER,
            codes::PLACEHOLDER,
            codes::VERSION_INVALID
        ]
    );
    assert!(ecekit_core::finding::has_errors(&found));
}

#[test]
fn seed_001_fixed_by_the_user_is_clean() {
    let fixed = seed_policy()
        .replace("policy-language-YYYY-MM-dd", "2012-10-17")
        .replace("bucket-name", "acme-snapshots")
        .replace(
            "\"s3:*\"",
            "\"s3:ListBucket\", \"s3:GetBucketLocation\", \"s3:ListBucketMultipartUploads\", \"s3:ListBucketVersions\", \"s3:GetObject\", \"s3:PutObject\", \"s3:DeleteObject\", \"s3:AbortMultipartUpload\", \"s3:ListMultipartUploadParts\"",
        );
    let (syntax, found) = validate(&fixed);
    assert!(syntax.is_empty());
    assert_eq!(found, vec![]);
}

#[test]
fn seed_001_with_the_callout_still_reports_the_syntax_error() {
    let text = std::fs::read_to_string(SEED).unwrap();
    let start = text.find("```json").unwrap() + 7;
    let end = start + text[start..].find("```").unwrap();
    let raw = &text[start..end];
    let doc = json::parse(raw);
    assert!(!doc.findings.is_empty());
    // Whatever the parser recovered, the policy rules never panic on it.
    let _ = policy::validate(&doc, &ValidateOptions::default());
}

const ES_DOC_POLICY: &str = r#"{"Statement":[
  {"Action":["s3:ListBucket","s3:GetBucketLocation","s3:ListBucketMultipartUploads","s3:ListBucketVersions"],
   "Effect":"Allow","Resource":["arn:aws:s3:::snaps.example.com"]},
  {"Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],
   "Effect":"Allow","Resource":["arn:aws:s3:::snaps.example.com/*"]}],
 "Version":"2012-10-17"}"#;

#[test]
fn the_elasticsearch_doc_policy_is_clean() {
    let (syntax, found) = validate(ES_DOC_POLICY);
    assert!(syntax.is_empty());
    assert_eq!(found, vec![]);
}

#[test]
fn the_elasticsearch_base_path_variant_silently_denies_two_actions() {
    let text = ES_DOC_POLICY
        .replace(
            "\"Effect\":\"Allow\",\"Resource\":[\"arn:aws:s3:::snaps.example.com\"]",
            "\"Condition\":{\"StringLike\":{\"s3:prefix\":[\"foo/*\"]}},\"Effect\":\"Allow\",\"Resource\":[\"arn:aws:s3:::snaps.example.com\"]",
        )
        .replace("snaps.example.com/*", "snaps.example.com/foo/*");
    let (_, found) = validate(&text);
    let unsupported: Vec<_> = found
        .iter()
        .filter(|f| f.code == codes::CONDITION_KEY_UNSUPPORTED)
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(unsupported.len(), 2);
    assert!(unsupported[0].message.contains("s3:GetBucketLocation"));
    assert!(unsupported[1]
        .message
        .contains("s3:ListBucketMultipartUploads"));
    for f in unsupported {
        assert_eq!(
            f.location.pointer,
            "/Statement/0/Condition/StringLike/s3:prefix"
        );
        assert!(f.message.contains("silently never allows"));
    }
}

#[test]
fn the_elasticsearch_doc_policy_used_as_a_bucket_policy_misses_principals() {
    // One statement given a Principal: the other one now lacks it.
    let text = ES_DOC_POLICY.replacen(
        "{\"Action\"",
        "{\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/es\"},\"Action\"",
        1,
    );
    let (_, found) = validate(&text);
    let codes: Vec<_> = found.iter().map(|f| f.code).collect();
    assert_eq!(codes, vec![codes::MISSING_PRINCIPAL]);
    assert_eq!(found[0].location.pointer, "/Statement/1");
}
