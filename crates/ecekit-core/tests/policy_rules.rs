//! One test (or more) per IAM policy rule of `policy::validate`: the code,
//! the severity, the exact location (line:column and JSON pointer), and that
//! every machine fix, once applied, removes the finding.

use ecekit_core::policy::{self, codes, PolicyKind};
use ecekit_core::{json, Finding, Severity, ValidateOptions};

fn check(text: &str) -> Vec<Finding> {
    let doc = json::parse(text);
    assert!(
        doc.findings.is_empty(),
        "test input is not clean JSON: {:?}",
        doc.findings
    );
    policy::validate(&doc, &ValidateOptions::default())
}

/// The findings of a policy that is partial on purpose (one statement):
/// everything but the missing-snapshot-action note.
fn partial(text: &str) -> Vec<Finding> {
    check(text)
        .into_iter()
        .filter(|f| f.code != codes::MISSING_SNAPSHOT_ACTION)
        .collect()
}

fn codes_of(text: &str) -> Vec<&'static str> {
    partial(text).iter().map(|f| f.code).collect()
}

/// The only finding with `code`; panics (with all findings) when there is not exactly one.
fn only(text: &str, code: &str) -> Finding {
    let all = check(text);
    let hits: Vec<&Finding> = all.iter().filter(|f| f.code == code).collect();
    assert_eq!(hits.len(), 1, "expected one {code} in {all:#?}");
    hits[0].clone()
}

fn none(text: &str, code: &str) {
    let all = check(text);
    assert!(
        all.iter().all(|f| f.code != code),
        "unexpected {code} in {all:#?}"
    );
}

/// Applies the finding's fix and re-validates: the code must be gone.
fn fix_removes(text: &str, finding: &Finding) -> String {
    let fix = finding.fix.as_ref().expect("finding has a fix");
    let mut fixed = text.to_string();
    fixed.replace_range(fix.start..fix.end, &fix.replacement);
    let after = check(&fixed);
    assert!(
        after.iter().all(|f| f.code != finding.code),
        "fix left {}: {fixed}\n{after:#?}",
        finding.code
    );
    fixed
}

/// A clean identity policy around `statements` (a JSON array body).
fn policy(statements: &str) -> String {
    format!("{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{statements}\n  ]\n}}")
}

const BUCKET_STMT: &str = r#"    {"Sid": "Bucket", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"], "Resource": "arn:aws:s3:::snaps.example.com"}"#;
const OBJECT_STMT: &str = r#"    {"Sid": "Objects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], "Resource": "arn:aws:s3:::snaps.example.com/*"}"#;

fn clean() -> String {
    policy(&format!("{BUCKET_STMT},\n{OBJECT_STMT}"))
}

fn stmt(body: &str) -> String {
    policy(&format!("    {{{body}}}"))
}

#[test]
fn a_clean_policy_has_no_findings() {
    assert_eq!(check(&clean()), vec![]);
}

#[test]
fn every_finding_has_code_message_help_and_location() {
    let text = stmt(
        r#""Sid": "a-b", "Effect": "allow", "Action": ["s3:*", "s3:ListObjects"], "Resource": ["*", "arn:aws:s3:us-east-1:111122223333:bucket"], "Condition": {"StringEquals": {"s3:prefix": "a/*"}}"#,
    );
    let all = check(&text);
    assert!(all.len() >= 6, "{all:#?}");
    for f in &all {
        assert!(f.code.starts_with("POLICY_"), "{f:?}");
        assert!(policy::CODES.contains(&f.code), "{} not in CODES", f.code);
        assert!(f.message.len() > 20 && f.help.len() > 5, "{f:?}");
        assert!(f.location.line >= 1 && f.location.column >= 1);
        assert!(f.location.start <= f.location.end && f.location.end <= text.len());
        assert!(f.location.pointer.starts_with("/Statement"), "{f:?}");
    }
    // Sorted by position.
    let starts: Vec<usize> = all.iter().map(|f| f.location.start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
}

#[test]
fn codes_are_unique_upper_snake_with_the_area_prefix() {
    let mut seen = std::collections::HashSet::new();
    for c in policy::CODES {
        assert!(seen.insert(c), "{c} twice");
        assert!(c.starts_with("POLICY_"));
        assert!(c.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_'));
    }
}

// ----- Version ----------------------------------------------------------------

#[test]
fn missing_version_is_a_warning_with_an_insert_fix() {
    let text = format!("{{\"Statement\": [{OBJECT_STMT}]}}");
    let f = only(&text, codes::VERSION_MISSING);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!((f.location.line, f.location.column), (1, 1));
    assert_eq!(f.location.pointer, "");
    let fixed = fix_removes(&text, &f);
    assert!(fixed.contains("\"Version\": \"2012-10-17\","));
    assert!(json::parse(&fixed).findings.is_empty());
}

#[test]
fn placeholder_version_is_an_error_fixed_to_2012() {
    let text = clean().replace("2012-10-17", "policy-language-YYYY-MM-dd");
    let f = only(&text, codes::VERSION_INVALID);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.location.pointer, "/Version");
    assert_eq!((f.location.line, f.location.column), (2, 14));
    assert!(f.message.contains("policy-language-YYYY-MM-dd"));
    assert!(f.message.contains("placeholder"));
    assert_eq!(fix_removes(&text, &f), clean());
}

#[test]
fn version_of_the_wrong_type_is_invalid() {
    let text = clean().replace("\"2012-10-17\"", "20121017");
    assert_eq!(
        only(&text, codes::VERSION_INVALID).severity,
        Severity::Error
    );
}

#[test]
fn old_version_is_a_warning() {
    let text = clean().replace("2012-10-17", "2008-10-17");
    let f = only(&text, codes::VERSION_OLD);
    assert_eq!(f.severity, Severity::Warning);
    fix_removes(&text, &f);
}

#[test]
fn policy_variables_need_version_2012() {
    let body = r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::snaps.example.com/home/${aws:username}/*""#;
    let old = stmt(body).replace("2012-10-17", "2008-10-17");
    let f = only(&old, codes::VARIABLE_NEEDS_VERSION);
    assert_eq!(f.location.pointer, "/Statement/0/Resource");
    none(&stmt(body), codes::VARIABLE_NEEDS_VERSION);
}

// ----- structure --------------------------------------------------------------

#[test]
fn non_object_documents_are_rejected() {
    assert_eq!(codes_of("[1, 2]"), vec![codes::NOT_OBJECT]);
    assert_eq!(codes_of("\"x\""), vec![codes::NOT_OBJECT]);
}

#[test]
fn statement_is_required_and_not_empty() {
    let f = only(r#"{"Version": "2012-10-17"}"#, codes::STATEMENT_MISSING);
    assert_eq!(f.severity, Severity::Error);
    only(
        r#"{"Version": "2012-10-17", "Statement": []}"#,
        codes::STATEMENT_MISSING,
    );
    let f = only(
        r#"{"Version": "2012-10-17", "Statement": "Allow"}"#,
        codes::TYPE,
    );
    assert_eq!(f.location.pointer, "/Statement");
    let f = only(
        r#"{"Version": "2012-10-17", "Statement": [42]}"#,
        codes::TYPE,
    );
    assert_eq!(f.location.pointer, "/Statement/0");
}

#[test]
fn a_single_statement_object_is_accepted() {
    let text = format!("{{\"Version\": \"2012-10-17\", \"Statement\": {OBJECT_STMT}}}");
    assert_eq!(partial(&text), vec![]);
}

#[test]
fn unknown_elements_are_errors_with_case_fixes() {
    let text = clean().replace("\"Statement\"", "\"statement\"");
    let f = check(&text)
        .into_iter()
        .find(|f| f.code == codes::UNKNOWN_ELEMENT)
        .unwrap();
    assert_eq!(f.location.pointer, "/statement");
    assert!(f.help.contains("\"Statement\""));
    fix_removes(&text, &f);

    let text = clean().replace(
        "\"Sid\": \"Objects\"",
        "\"Sid\": \"Objects\", \"Actions\": []",
    );
    let f = only(&text, codes::UNKNOWN_ELEMENT);
    assert_eq!(f.location.pointer, "/Statement/1/Actions");
    assert!(f.help.contains("Did you mean \"Action\"?"), "{}", f.help);
}

#[test]
fn id_in_an_identity_policy_is_a_suggestion() {
    let text = clean().replace("{\n  \"Version\"", "{\n  \"Id\": \"x\",\n  \"Version\"");
    let f = only(&text, codes::ID_IN_IDENTITY_POLICY);
    assert_eq!(f.severity, Severity::Suggestion);
    assert!(f.message.contains("identity policy"));
}

// ----- Sid --------------------------------------------------------------------

#[test]
fn sids_are_alphanumeric_non_empty_and_unique() {
    let text = clean().replace("\"Objects\"", "\"snap-1\"");
    let f = only(&text, codes::SID_INVALID);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.location.pointer, "/Statement/1/Sid");
    assert!(f.help.contains("snap1"));
    fix_removes(&text, &f);

    let text = clean().replace("\"Objects\"", "\"\"");
    assert_eq!(only(&text, codes::SID_EMPTY).severity, Severity::Suggestion);

    let text = clean().replace("\"Objects\"", "\"Bucket\"");
    let f = only(&text, codes::SID_DUPLICATE);
    assert_eq!(f.location.pointer, "/Statement/1/Sid");
    assert!(f.message.contains("/Statement/0"));
}

// ----- Effect -----------------------------------------------------------------

#[test]
fn effect_is_required_and_case_sensitive() {
    let text = stmt(r#""Action": "s3:GetObject", "Resource": "arn:aws:s3:::snaps.example.com/*""#);
    let f = only(&text, codes::EFFECT_MISSING);
    assert_eq!(f.location.pointer, "/Statement/0");

    let text = clean().replace(
        "\"Allow\", \"Action\": [\"s3:GetObject\"",
        "\"allow\", \"Action\": [\"s3:GetObject\"",
    );
    let f = only(&text, codes::EFFECT_INVALID);
    assert_eq!(f.location.pointer, "/Statement/1/Effect");
    fix_removes(&text, &f);

    let text = clean().replace(
        "\"Allow\", \"Action\": [\"s3:GetObject\"",
        "\"Permit\", \"Action\": [\"s3:GetObject\"",
    );
    assert!(only(&text, codes::EFFECT_INVALID).fix.is_none());
}

// ----- Action -----------------------------------------------------------------

#[test]
fn action_and_resource_are_required() {
    let text = stmt(r#""Effect": "Allow", "Resource": "arn:aws:s3:::snaps.example.com""#);
    only(&text, codes::ACTION_MISSING);
    let text = stmt(r#""Effect": "Allow", "Action": "s3:ListBucket""#);
    only(&text, codes::RESOURCE_MISSING);
}

#[test]
fn action_with_not_action_is_an_unsupported_combination() {
    let text = stmt(
        r#""Effect": "Allow", "Action": "s3:ListBucket", "NotAction": "s3:GetObject", "Resource": "arn:aws:s3:::snaps.example.com""#,
    );
    let f = only(&text, codes::ELEMENT_COMBINATION);
    assert_eq!(f.location.pointer, "/Statement/0/NotAction");
    let text = stmt(
        r#""Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::snaps.example.com", "NotResource": "arn:aws:s3:::other""#,
    );
    assert!(codes_of(&text).contains(&codes::ELEMENT_COMBINATION));
}

#[test]
fn unknown_s3_action_suggests_the_nearest_name() {
    let text = clean().replace("s3:PutObject", "s3:PutObjet");
    let f = only(&text, codes::UNKNOWN_ACTION);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.location.pointer, "/Statement/1/Action/1");
    assert!(f.help.contains("s3:PutObject"), "{}", f.help);
    fix_removes(&text, &f);
}

#[test]
fn api_operation_names_point_to_the_iam_action() {
    let text = clean().replace("s3:GetBucketLocation", "s3:ListObjectsV2");
    let f = check(&text)
        .into_iter()
        .find(|f| f.code == codes::UNKNOWN_ACTION)
        .unwrap();
    assert!(f.message.contains("API operation"), "{}", f.message);
    assert!(f.help.contains("s3:ListBucket"));
    // The fix makes it s3:ListBucket, then listed twice: a redundancy suggestion.
    let fixed = fix_removes(&text, &f);
    assert_eq!(codes_of(&fixed), vec![codes::REDUNDANT_ACTION]);
}

#[test]
fn wildcards_that_match_nothing_are_unknown() {
    let text = clean().replace("s3:GetObject", "s3:Fetch*");
    only(&text, codes::UNKNOWN_ACTION);
}

#[test]
fn action_format_and_case() {
    let text = clean().replace("s3:GetObject", "GetObject");
    only(&text, codes::ACTION_FORMAT);
    let text = clean().replace("s3:GetObject", "s3:getobject");
    let f = only(&text, codes::ACTION_CASE);
    assert_eq!(f.severity, Severity::Suggestion);
    fix_removes(&text, &f);
}

#[test]
fn services_unknown_unrelated_and_kms() {
    let text = clean().replace("s3:GetObject", "s4:GetObject");
    let f = only(&text, codes::UNKNOWN_SERVICE);
    assert_eq!(f.severity, Severity::Error);
    assert!(f.help.contains("s3:GetObject"), "{}", f.help);

    let text = stmt(r#""Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*""#);
    let found = codes_of(&text);
    assert!(found.contains(&codes::UNRELATED_SERVICE), "{found:?}");

    let text = stmt(
        r#""Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab""#,
    );
    assert_eq!(check(&text), vec![]);
    let f = only(
        &text.replace("kms:Decrypt", "kms:Decript"),
        codes::UNKNOWN_ACTION,
    );
    assert!(f.help.contains("kms:Decrypt"));
}

#[test]
fn over_broad_wildcards_are_warnings_listing_the_least_privilege_actions() {
    let text = clean().replace(
        "\"s3:GetObject\", \"s3:PutObject\", \"s3:DeleteObject\", \"s3:AbortMultipartUpload\", \"s3:ListMultipartUploadParts\"",
        "\"s3:*\"",
    );
    let f = only(&text, codes::OVERBROAD_ACTION);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.location.pointer, "/Statement/1/Action/0");
    assert!(f.message.contains("s3:DeleteBucket"), "{}", f.message);
    for a in [
        "s3:ListBucket",
        "s3:GetObject",
        "s3:ListMultipartUploadParts",
        "arn:aws:s3:::snaps.example.com/*",
    ] {
        assert!(f.help.contains(a), "{a} missing from {}", f.help);
    }
    let text = clean().replace("s3:PutObject", "s3:Put*");
    only(&text, codes::OVERBROAD_ACTION);
    let text = clean().replace("\"s3:PutObject\"", "\"*\"");
    assert!(only(&text, codes::OVERBROAD_ACTION)
        .message
        .contains("every action of every AWS service"));
    // A wildcard that stays within what the repository needs is fine.
    none(
        &clean().replace(
            "\"s3:ListBucket\", \"s3:GetBucketLocation\"",
            "\"s3:ListBucket*\"",
        ),
        codes::OVERBROAD_ACTION,
    );
    // Deny statements may be broad.
    none(
        &clean().replace(
            "\"Allow\", \"Action\": [\"s3:GetObject\", \"s3:PutObject\", \"s3:DeleteObject\", \"s3:AbortMultipartUpload\", \"s3:ListMultipartUploadParts\"]",
            "\"Deny\", \"Action\": [\"s3:*\"]",
        ),
        codes::OVERBROAD_ACTION,
    );
}

#[test]
fn allow_with_not_action_or_not_resource_is_a_warning() {
    let text = stmt(
        r#""Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::snaps.example.com/*""#,
    );
    assert_eq!(
        only(&text, codes::ALLOW_NOT_ACTION).severity,
        Severity::Warning
    );
    let text = stmt(
        r#""Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::other/*""#,
    );
    only(&text, codes::ALLOW_NOT_RESOURCE);
    let text = stmt(
        r#""Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "arn:aws:s3:::snaps.example.com/*""#,
    );
    none(&text, codes::ALLOW_NOT_ACTION);
}

#[test]
fn repeated_actions_are_suggestions() {
    let text = clean().replace(
        "\"s3:DeleteObject\"",
        "\"s3:DeleteObject\", \"s3:GetObject\"",
    );
    let f = only(&text, codes::REDUNDANT_ACTION);
    assert_eq!(f.severity, Severity::Suggestion);
    assert_eq!(f.location.pointer, "/Statement/1/Action/3");
}

#[test]
fn empty_arrays_are_suggestions() {
    let text = clean().replace(
        "[\"s3:GetObject\", \"s3:PutObject\", \"s3:DeleteObject\", \"s3:AbortMultipartUpload\", \"s3:ListMultipartUploadParts\"]",
        "[]",
    );
    let f = only(&text, codes::EMPTY_ARRAY);
    assert_eq!(f.location.pointer, "/Statement/1/Action");
}

#[test]
fn non_string_actions_are_type_errors() {
    let text = clean().replace("\"s3:DeleteObject\"", "42");
    let f = only(&text, codes::TYPE);
    assert_eq!(f.location.pointer, "/Statement/1/Action/2");
    let text = clean().replace(
        "[\"s3:GetObject\", \"s3:PutObject\", \"s3:DeleteObject\", \"s3:AbortMultipartUpload\", \"s3:ListMultipartUploadParts\"]",
        "{\"s3\": 1}",
    );
    only(&text, codes::TYPE);
}

// ----- Resource ---------------------------------------------------------------

#[test]
fn bucket_actions_need_bucket_arns_and_object_actions_object_arns() {
    // s3:ListBucket on BUCKET/* (parliament: RESOURCE_MISMATCH).
    let text = stmt(
        r#""Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "arn:aws:s3:::snaps.example.com/*""#,
    );
    let f = only(&text, codes::RESOURCE_MISMATCH);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.location.pointer, "/Statement/0/Action/0");
    assert!(f.message.contains("s3:ListBucket") && f.message.contains("bucket ARNs"));
    assert!(f.help.contains("without /*"));
    // s3:GetObject on the bucket ARN.
    let text = stmt(
        r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::snaps.example.com""#,
    );
    let f = only(&text, codes::RESOURCE_MISMATCH);
    assert!(f.message.contains("object ARNs"));
    // Both ARNs in one statement: every action matches one, nothing to report.
    let text = stmt(
        r#""Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": ["arn:aws:s3:::snaps.example.com", "arn:aws:s3:::snaps.example.com/*"]"#,
    );
    assert_eq!(partial(&text), vec![]);
    // An action that needs "*".
    let text = stmt(
        r#""Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::snaps.example.com""#,
    );
    assert!(only(&text, codes::RESOURCE_MISMATCH)
        .message
        .contains("\"*\""));
    // KMS actions on an alias ARN.
    let text = stmt(
        r#""Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:111122223333:alias/snaps""#,
    );
    assert!(only(&text, codes::RESOURCE_MISMATCH).help.contains("alias"));
}

#[test]
fn resources_no_action_applies_to_are_suggestions() {
    let text = stmt(
        r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::snaps.example.com", "arn:aws:s3:::snaps.example.com/*"]"#,
    );
    let f = only(&text, codes::RESOURCE_UNUSED);
    assert_eq!(f.severity, Severity::Suggestion);
    assert_eq!(f.location.pointer, "/Statement/0/Resource/0");
}

#[test]
fn resource_star_and_all_buckets_are_warnings() {
    let text = clean().replace("\"arn:aws:s3:::snaps.example.com/*\"", "\"*\"");
    let f = only(&text, codes::RESOURCE_STAR);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.location.pointer, "/Statement/1/Resource");
    let text = clean().replace("arn:aws:s3:::snaps.example.com/*", "arn:aws:s3:::*");
    only(&text, codes::RESOURCE_ALL_BUCKETS);
}

#[test]
fn arn_prefix_fields_partition() {
    let text = clean().replace(
        "\"arn:aws:s3:::snaps.example.com/*\"",
        "\"snaps.example.com/*\"",
    );
    let f = only(&text, codes::ARN_PREFIX);
    assert_eq!(f.severity, Severity::Error);
    fix_removes(&text, &f);
    let text = clean().replace(
        "arn:aws:s3:::snaps.example.com/*",
        "arn:aws:s3::snaps.example.com/*",
    );
    let f = only(&text, codes::ARN_FIELDS);
    assert!(
        f.help.contains("arn:aws:s3:::snaps.example.com/*"),
        "{}",
        f.help
    );
    let text = clean().replace(
        "arn:aws:s3:::snaps.example.com/*",
        "arn:awz:s3:::snaps.example.com/*",
    );
    assert!(only(&text, codes::ARN_PARTITION).help.contains("aws"));
    for p in ["aws-cn", "aws-us-gov"] {
        assert_eq!(
            check(&clean().replace("arn:aws:", &format!("arn:{p}:"))),
            vec![]
        );
    }
}

#[test]
fn s3_arns_with_region_or_account_are_errors() {
    let text = clean().replace(
        "arn:aws:s3:::snaps.example.com/*",
        "arn:aws:s3:us-east-1:111122223333:snaps.example.com/*",
    );
    let all = check(&text);
    let found: Vec<_> = all.iter().map(|f| f.code).collect();
    assert!(
        found.contains(&codes::ARN_REGION) && found.contains(&codes::ARN_ACCOUNT),
        "{found:?}"
    );
    let region = all.iter().find(|f| f.code == codes::ARN_REGION).unwrap();
    assert!(region.message.contains("does not support a Region"));
    let fixed = fix_removes(&text, region);
    assert_eq!(check(&fixed), vec![]);
    // Access point ARNs do carry a Region and an account.
    let text = stmt(
        r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-east-1:111122223333:accesspoint/snaps/object/*""#,
    );
    none(&text, codes::ARN_REGION);
    none(&text, codes::ARN_ACCOUNT);
}

#[test]
fn kms_arns_need_a_region_an_account_and_a_key_id() {
    let base = r#""Effect": "Allow", "Action": "kms:Decrypt", "Resource": "KEY""#;
    let key = |arn: &str| stmt(&base.replace("KEY", arn));
    only(
        &key("arn:aws:kms::111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        codes::ARN_REGION,
    );
    only(
        &key("arn:aws:kms:eu-west:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        codes::ARN_REGION,
    );
    only(
        &key("arn:aws:kms:eu-west-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        codes::ARN_ACCOUNT,
    );
    only(
        &key("arn:aws:kms:eu-west-1:111122223333:key/not-a-key"),
        codes::ARN_RESOURCE,
    );
    only(
        &key("arn:aws:kms:eu-west-1:111122223333:keys/x"),
        codes::ARN_RESOURCE,
    );
}

#[test]
fn bucket_names_in_arns_follow_the_naming_rules() {
    let text = clean().replace("snaps.example.com/*", "Snaps_Bucket/*");
    let f = only(&text, codes::BUCKET_NAME);
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("uppercase"));
    let text = clean().replace("snaps.example.com", "bucket-name");
    assert_eq!(
        codes_of(&text),
        vec![codes::PLACEHOLDER, codes::PLACEHOLDER]
    );
}

// ----- Principal and policy kind ---------------------------------------------

const PRINCIPAL: &str = r#""Principal": {"AWS": "arn:aws:iam::111122223333:user/es"}, "#;

#[test]
fn the_kind_is_inferred_from_principal() {
    let text = clean();
    let doc = json::parse(&text);
    assert_eq!(policy::infer_kind(&doc).0, PolicyKind::Identity);
    let text = clean().replace(
        "{\"Sid\": \"Objects\", ",
        &format!("{{\"Sid\": \"Objects\", {PRINCIPAL}"),
    );
    let doc = json::parse(&text);
    let (kind, note) = policy::infer_kind(&doc);
    assert_eq!(kind, PolicyKind::Bucket);
    assert!(note.contains("/Statement/1"), "{note}");
}

#[test]
fn bucket_policy_statements_all_need_a_principal() {
    let text = clean().replace(
        "{\"Sid\": \"Objects\", ",
        &format!("{{\"Sid\": \"Objects\", {PRINCIPAL}"),
    );
    let f = only(&text, codes::MISSING_PRINCIPAL);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.location.pointer, "/Statement/0");
    assert!(
        f.message.contains("because /Statement/1 has a Principal"),
        "{}",
        f.message
    );
    let both = clean().replace("{\"Sid\": \"", &format!("{{{PRINCIPAL}\"Sid\": \""));
    assert_eq!(check(&both), vec![]);
}

#[test]
fn principals_are_checked() {
    let body = |p: &str| {
        stmt(&format!(
            r#""Effect": "Allow", "Principal": {p}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::snaps.example.com/*""#
        ))
    };
    assert_eq!(
        only(&body("\"*\""), codes::PRINCIPAL_PUBLIC).severity,
        Severity::Warning
    );
    only(&body(r#"{"AWS": "*"}"#), codes::PRINCIPAL_PUBLIC);
    only(&body(r#"{"AWS": "es-user"}"#), codes::PRINCIPAL_INVALID);
    only(
        &body(r#"{"AWS": "arn:aws:iam::111122223333:group/ops"}"#),
        codes::PRINCIPAL_INVALID,
    );
    let f = only(
        &body(r#"{"aws": "111122223333"}"#),
        codes::PRINCIPAL_INVALID,
    );
    fix_removes(&body(r#"{"aws": "111122223333"}"#), &f);
    only(&body(r#"{"Service": "s3"}"#), codes::PRINCIPAL_INVALID);
    only(&body("{}"), codes::PRINCIPAL_EMPTY);
    only(&body("\"me\""), codes::PRINCIPAL_INVALID);
    assert_eq!(
        partial(&body(
            r#"{"AWS": ["111122223333", "arn:aws:iam::111122223333:role/es"]}"#
        )),
        vec![]
    );
}

#[test]
fn allow_with_not_principal_is_a_warning() {
    let text = stmt(
        r#""Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/x"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::snaps.example.com/*""#,
    );
    let f = only(&text, codes::ALLOW_NOT_PRINCIPAL);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.location.pointer, "/Statement/0/NotPrincipal");
}

#[test]
fn bucket_policies_hold_only_s3_actions_on_one_bucket() {
    let text = stmt(&format!(
        r#"{PRINCIPAL}"Effect": "Allow", "Action": ["s3:GetObject", "kms:Decrypt"], "Resource": ["arn:aws:s3:::snaps.example.com/*", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]"#
    ));
    let found = codes_of(&text);
    assert!(found.contains(&codes::BUCKET_POLICY_ACTION), "{found:?}");
    assert!(found.contains(&codes::BUCKET_POLICY_RESOURCE), "{found:?}");
    let text = stmt(&format!(
        r#"{PRINCIPAL}"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::snaps.example.com/*", "arn:aws:s3:::other-bucket/*"]"#
    ));
    let f = only(&text, codes::BUCKET_POLICY_RESOURCE);
    assert_eq!(f.location.pointer, "/Statement/0/Resource/1");
}

// ----- Condition --------------------------------------------------------------

fn with_condition(actions: &str, condition: &str) -> String {
    stmt(&format!(
        r#""Effect": "Allow", "Action": [{actions}], "Resource": "arn:aws:s3:::snaps.example.com", "Condition": {condition}"#
    ))
}

#[test]
fn s3_prefix_on_actions_without_that_key_explains_the_silent_deny() {
    let text = with_condition(
        r#""s3:ListBucket", "s3:GetBucketLocation""#,
        r#"{"StringLike": {"s3:prefix": ["foo/*"]}}"#,
    );
    let f = only(&text, codes::CONDITION_KEY_UNSUPPORTED);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.location.pointer,
        "/Statement/0/Condition/StringLike/s3:prefix"
    );
    assert!(f.message.contains("s3:GetBucketLocation"));
    assert!(f.message.contains("silently never allows"));
    assert!(
        f.help.contains("only s3:ListBucket supports s3:prefix"),
        "{}",
        f.help
    );
    // IfExists keeps the action allowed: nothing to report.
    none(
        &with_condition(
            r#""s3:ListBucket", "s3:GetBucketLocation""#,
            r#"{"StringLikeIfExists": {"s3:prefix": ["foo/*"]}}"#,
        ),
        codes::CONDITION_KEY_UNSUPPORTED,
    );
    // Negated operators make the condition always true instead.
    let f = only(
        &with_condition(
            r#""s3:GetBucketLocation""#,
            r#"{"StringNotLike": {"s3:prefix": ["foo/*"]}}"#,
        ),
        codes::CONDITION_KEY_UNSUPPORTED,
    );
    assert!(f.message.contains("always true"));
    // Wildcard actions get one finding.
    let f = only(
        &with_condition(
            r#""s3:ListBucket*""#,
            r#"{"StringLike": {"s3:prefix": ["foo/*"]}}"#,
        ),
        codes::CONDITION_KEY_UNSUPPORTED,
    );
    assert!(f.message.contains("1 of the 3 actions"), "{}", f.message);
}

#[test]
fn condition_operators_and_keys_must_exist() {
    let f = only(
        &with_condition(
            r#""s3:ListBucket""#,
            r#"{"StringLke": {"s3:prefix": "foo/*"}}"#,
        ),
        codes::CONDITION_OPERATOR,
    );
    assert_eq!(f.severity, Severity::Error);
    let fixed = fix_removes(
        &with_condition(
            r#""s3:ListBucket""#,
            r#"{"StringLke": {"s3:prefix": "foo/*"}}"#,
        ),
        &f,
    );
    assert!(fixed.contains("\"StringLike\""));
    let f = only(
        &with_condition(
            r#""s3:ListBucket""#,
            r#"{"stringlike": {"s3:prefix": "foo/*"}}"#,
        ),
        codes::CONDITION_OPERATOR,
    );
    assert_eq!(f.severity, Severity::Warning);
    none(
        &with_condition(
            r#""s3:ListBucket""#,
            r#"{"ForAnyValue:StringLikeIfExists": {"s3:prefix": "foo/*"}}"#,
        ),
        codes::CONDITION_OPERATOR,
    );

    let f = only(
        &with_condition(
            r#""s3:ListBucket""#,
            r#"{"StringLike": {"s3:prefx": "foo/*"}}"#,
        ),
        codes::CONDITION_KEY_UNKNOWN,
    );
    assert_eq!(f.severity, Severity::Error);
    assert!(f.help.contains("s3:prefix"), "{}", f.help);
    let f = only(
        &with_condition(
            r#""s3:ListBucket""#,
            r#"{"Bool": {"aws:SecureTransprt": "true"}}"#,
        ),
        codes::CONDITION_KEY_UNKNOWN,
    );
    assert_eq!(f.severity, Severity::Warning);
    only(
        &with_condition(
            r#""s3:ListBucket""#,
            r#"{"StringLike": {"prefix": "foo/*"}}"#,
        ),
        codes::CONDITION_KEY_FORMAT,
    );
    assert_eq!(
        partial(&with_condition(
            r#""s3:ListBucket""#,
            r#"{"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:ResourceTag/team": "ops"}}"#
        )),
        vec![]
    );
}

#[test]
fn wildcards_need_a_like_operator() {
    let text = with_condition(
        r#""s3:ListBucket""#,
        r#"{"StringEquals": {"s3:prefix": ["foo/*"]}}"#,
    );
    let f = only(&text, codes::CONDITION_WILDCARD_WITHOUT_LIKE);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.location.pointer,
        "/Statement/0/Condition/StringEquals/s3:prefix/0"
    );
    let fixed = fix_removes(&text, &f);
    assert!(fixed.contains("\"StringLike\""));
    // A policy variable's ${*} is not a wildcard.
    none(
        &with_condition(
            r#""s3:ListBucket""#,
            r#"{"StringEquals": {"s3:prefix": ["${*}"]}}"#,
        ),
        codes::CONDITION_WILDCARD_WITHOUT_LIKE,
    );
}

#[test]
fn condition_values_are_typed() {
    only(
        &with_condition(
            r#""s3:ListBucket""#,
            r#"{"Bool": {"aws:SecureTransport": "yes"}}"#,
        ),
        codes::CONDITION_VALUE,
    );
    only(
        &with_condition(
            r#""s3:ListBucket""#,
            r#"{"NumericLessThan": {"s3:max-keys": "ten"}}"#,
        ),
        codes::CONDITION_VALUE,
    );
    only(
        &with_condition(
            r#""s3:ListBucket""#,
            r#"{"StringLike": {"s3:prefix": {"a": 1}}}"#,
        ),
        codes::TYPE,
    );
    only(
        &with_condition(r#""s3:ListBucket""#, r#"["StringLike"]"#),
        codes::TYPE,
    );
}

#[test]
fn a_leading_slash_in_s3_prefix_never_matches() {
    let text = with_condition(
        r#""s3:ListBucket""#,
        r#"{"StringLike": {"s3:prefix": ["/foo/*"]}}"#,
    );
    let f = only(&text, codes::PREFIX_LEADING_SLASH);
    fix_removes(&text, &f);
}

// ----- whole document ---------------------------------------------------------

#[test]
fn snapshot_actions_missing_from_every_allow_statement() {
    // Read actions missing: the repository cannot even be verified.
    let text = stmt(
        r#""Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::snaps.example.com/*""#,
    );
    let f = only(&text, codes::MISSING_SNAPSHOT_ACTION);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.location.pointer, "/Statement");
    assert!(f.message.contains("s3:ListBucket") && f.message.contains("s3:GetObject"));
    assert!(!f.message.contains("s3:PutObject"));
    // Only write and cleanup actions missing: fine for a readonly repository.
    let text = stmt(
        r#""Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": ["arn:aws:s3:::snaps.example.com", "arn:aws:s3:::snaps.example.com/*"]"#,
    );
    let f = only(&text, codes::MISSING_SNAPSHOT_ACTION);
    assert_eq!(f.severity, Severity::Suggestion);
    assert!(f.message.contains("readonly"));
    // Wildcards and s3:* count as granting; Deny statements do not.
    none(&clean().replace("\"s3:ListBucket\", \"s3:GetBucketLocation\", \"s3:ListBucketMultipartUploads\", \"s3:ListBucketVersions\"", "\"s3:List*\", \"s3:GetBucketLocation\""), codes::MISSING_SNAPSHOT_ACTION);
    let deny = clean().replace(
        "{\"Sid\": \"Bucket\", \"Effect\": \"Allow\"",
        "{\"Sid\": \"Bucket\", \"Effect\": \"Deny\"",
    );
    only(&deny, codes::MISSING_SNAPSHOT_ACTION);
    // A policy without any S3 grant is not about a snapshot bucket.
    none(
        &stmt(
            r#""Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab""#,
        ),
        codes::MISSING_SNAPSHOT_ACTION,
    );
}

#[test]
fn characters_outside_the_iam_range_are_errors() {
    let text = clean().replace("\"Objects\"", "\"Obj€cts\"");
    let all = check(&text);
    let f = all.iter().find(|f| f.code == codes::CHARACTERS).unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(&text[f.location.start..f.location.end], "€");
    // Latin-1 is allowed.
    let text = clean().replace("snaps.example.com/*", "snaps.example.com/é/*");
    none(&text, codes::CHARACTERS);
}

fn big_policy(statements: usize) -> String {
    let one = |i: usize| {
        format!(
            r#"    {{"Sid": "Objects{i}", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::snaps.example.com/p{i}/*"}}"#
        )
    };
    policy(&(0..statements).map(one).collect::<Vec<_>>().join(",\n"))
}

#[test]
fn size_quotas() {
    let medium = big_policy(30);
    let f = only(&medium, codes::SIZE_INLINE_QUOTA);
    assert_eq!(f.severity, Severity::Suggestion);
    none(&medium, codes::SIZE_QUOTA);
    let large = big_policy(80);
    let f = only(&large, codes::SIZE_QUOTA);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.location.pointer, "");
    none(&big_policy(5), codes::SIZE_INLINE_QUOTA);
}

#[test]
fn findings_line_format_for_the_cli() {
    let text = clean().replace("2012-10-17", "policy-language-YYYY-MM-dd");
    let line = only(&text, codes::VERSION_INVALID).to_line();
    assert!(
        line.starts_with("2:14: error[POLICY_VERSION_INVALID]: "),
        "{line}"
    );
    assert!(line.ends_with("(at /Version)"));
}
