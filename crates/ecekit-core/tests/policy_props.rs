//! The policy validator never panics, whatever it is given: arbitrary text,
//! arbitrary JSON built from policy words, and generated policies with
//! random edits. And it stays fast on a large policy.

use ecekit_core::policy::{self, PolicyOptions};
use ecekit_core::{json, ValidateOptions};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn run(text: &str) {
    let doc = json::parse(text);
    let found = policy::validate(&doc, &ValidateOptions::default());
    for f in &found {
        assert!(f.location.start <= f.location.end, "{f:?}");
        assert!(f.location.end <= text.len(), "{f:?}");
        assert!(text.is_char_boundary(f.location.start) && text.is_char_boundary(f.location.end));
        if let Some(fix) = &f.fix {
            assert!(fix.start <= fix.end && fix.end <= text.len());
            assert!(text.is_char_boundary(fix.start) && text.is_char_boundary(fix.end));
        }
    }
    let _ = policy::infer_kind(&doc);
}

const WORDS: &[&str] = &[
    "Version",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "Id",
    "AWS",
    "Service",
    "CanonicalUser",
    "StringLike",
    "StringEquals",
    "ForAnyValue:StringLikeIfExists",
    "Bool",
    "Null",
    "NumericLessThan",
    "s3:prefix",
    "kms:ViaService",
    "aws:SourceIp",
    "aws:ResourceTag/x",
];

const VALUES: &[&str] = &[
    "2012-10-17",
    "2008-10-17",
    "policy-language-YYYY-MM-dd",
    "Allow",
    "Deny",
    "allow",
    "*",
    "s3:*",
    "s3:Get*",
    "s3:ListBucket",
    "s3:GetObject",
    "s3:ListObjects",
    "kms:Decrypt",
    "ec2:*",
    "s4:x",
    "s3:",
    ":",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::*",
    "arn:aws:s3:us-east-1:111122223333:b",
    "arn:aws:s3:us-east-1:111122223333:accesspoint/x",
    "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:kms:eu-west-1:111122223333:alias/x",
    "arn:aws:kms:::",
    "arn:",
    "arn:::::",
    "arn:aws:s3:::${aws:username}/*",
    "arn:aws:iam::111122223333:user/es",
    "111122223333",
    "foo/*",
    "/foo",
    "${*}",
    "true",
    "é€“",
    "",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(VALUES).prop_map(|s| Value::String(s.to_string())),
        ".{0,12}".prop_map(Value::String),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| Value::Number(n.into())),
        Just(Value::Null),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(String::from),
        1 => ".{0,8}",
    ]
}

fn policy_like() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,300}") {
        run(&text);
    }

    #[test]
    fn arbitrary_policy_shaped_json_never_panics(value in policy_like()) {
        run(&value.to_string());
        run(&serde_json::to_string_pretty(&value).unwrap());
        // And wrapped as a policy, so the statement rules are reached.
        let wrapped = serde_json::json!({"Version": "2012-10-17", "Statement": [value.clone(), {"Effect": "Allow", "Action": value.clone(), "Resource": value.clone(), "Condition": {"StringLike": value.clone()}, "Principal": value}]});
        run(&wrapped.to_string());
    }

    #[test]
    fn edited_generated_policies_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..3, ".{0,3}"), 1..6),
        base in proptest::option::of("[a-z]{1,5}"),
        principal in any::<bool>(),
    ) {
        let g = policy::generate(&PolicyOptions {
            bucket: "snaps.example.com".into(),
            base_path: base,
            bucket_policy_principal: principal.then(|| "arn:aws:iam::111122223333:user/es".to_string()),
            ..Default::default()
        }).unwrap();
        let mut text = g.json;
        for (at, op, s) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) { i -= 1; }
            match op {
                0 => text.insert_str(i, &s),
                1 => { let end = (i + s.len().max(1)).min(text.len()); let mut end = end; while !text.is_char_boundary(end) { end += 1; } text.replace_range(i..end, ""); }
                _ => { let end = (i + 1).min(text.len()); let mut end = end; while !text.is_char_boundary(end) { end += 1; } text.replace_range(i..end, &s); }
            }
        }
        run(&text);
    }
}

/// A policy of `n` statements in the shape users write (several buckets,
/// conditions, wildcards, KMS), over the IAM size quota for n in the hundreds.
pub fn large_policy(n: usize) -> String {
    let mut statements = Vec::with_capacity(n);
    for i in 0..n {
        let b = format!("snaps-{}.example.com", i % 37);
        statements.push(match i % 4 {
            0 => serde_json::json!({"Sid": format!("Bucket{i}"), "Effect": "Allow", "Action": ["s3:ListBucket", "s3:ListBucketVersions"], "Resource": [format!("arn:aws:s3:::{b}")], "Condition": {"StringLike": {"s3:prefix": [format!("cluster-{i}/*")]}}}),
            1 => serde_json::json!({"Sid": format!("Objects{i}"), "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], "Resource": [format!("arn:aws:s3:::{b}/cluster-{i}/*")]}),
            2 => serde_json::json!({"Sid": format!("Read{i}"), "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": [format!("arn:aws:s3:::{b}"), format!("arn:aws:s3:::{b}/*")]}),
            _ => serde_json::json!({"Sid": format!("Key{i}"), "Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}),
        });
    }
    serde_json::to_string_pretty(
        &serde_json::json!({"Version": "2012-10-17", "Statement": statements}),
    )
    .unwrap()
}

#[test]
fn a_large_policy_validates_in_one_pass() {
    let text = large_policy(800);
    assert!(text.len() > 150_000);
    let doc = json::parse(&text);
    let found = policy::validate(&doc, &ValidateOptions::default());
    // Over the quota, and the s3:Get*/s3:List* wildcards are flagged; nothing else.
    assert!(found.iter().any(|f| f.code == policy::codes::SIZE_QUOTA));
    assert!(
        found
            .iter()
            .all(|f| matches!(f.code, "POLICY_SIZE_QUOTA" | "POLICY_OVERBROAD_ACTION")),
        "{:?}",
        found
            .iter()
            .map(|f| f.code)
            .collect::<std::collections::BTreeSet<_>>()
    );
    // Speed (within 3x of bare parsing, linear in size) is `make bench`'s figure.
}
