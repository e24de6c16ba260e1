//! Keystore bodies: the generator, the validator rules one by one, the
//! public-docs seed, and property tests (never panics; generated bodies
//! re-validate clean and carry the exact secret).

use ecekit_core::json;
use ecekit_core::keystore::{self, *};
use ecekit_core::{Finding, Severity, ValidateOptions};
use proptest::prelude::*;

fn check(text: &str) -> Vec<Finding> {
    let doc = json::parse(text);
    keystore::validate(&doc, &ValidateOptions::default())
}

fn all(text: &str) -> Vec<Finding> {
    let doc = json::parse(text);
    let mut f = doc.findings.clone();
    f.extend(keystore::validate(&doc, &ValidateOptions::default()));
    f
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

fn find<'a>(findings: &'a [Finding], code: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", findings))
}

const AK: &str = "AKIA2OGYBAH6QWERTY7Z";
const SK: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzyxwvuTSRQ";

fn s3_pair(client: &str, access: &str, secret: &str) -> String {
    format!(
        r#"{{"secrets": {{
  "s3.client.{client}.access_key": {{"value": "{access}", "as_file": false}},
  "s3.client.{client}.secret_key": {{"value": "{secret}", "as_file": false}}
}}}}"#
    )
}

// ---- the seed ----

/// The JSON part of the first code block of seed 000 (after the curl line).
fn seed_keystore_body() -> String {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/seeds");
    let dir = if dir.exists() {
        dir
    } else {
        std::path::PathBuf::from("/work/shared/reference/seeds")
    };
    let seed = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("000_"))
        .unwrap();
    let text = std::fs::read_to_string(seed).unwrap();
    let block = text
        .split("```sh\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let start = block.find("\n{").unwrap() + 1;
    block[start..].to_string()
}

#[test]
fn seed_000_keystore_body_gets_commas_placeholders_and_placeholder_client() {
    let body = seed_keystore_body();
    let f = all(&body);
    let c = codes(&f);
    assert_eq!(
        c.iter().filter(|c| **c == json::MISSING_COMMA).count(),
        2,
        "{c:?}"
    );
    assert_eq!(
        c.iter().filter(|c| **c == PLACEHOLDER_VALUE).count(),
        2,
        "{c:?}"
    );
    assert_eq!(
        c.iter().filter(|c| **c == PLACEHOLDER_CLIENT).count(),
        2,
        "{c:?}"
    );
    let p = find(&f, PLACEHOLDER_VALUE);
    assert_eq!(p.severity, Severity::Error);
    assert_eq!(
        p.location.pointer,
        "/secrets/s3.client.CLIENT_NAME.access_key/value"
    );
    assert_eq!((p.location.line, p.location.column), (5, 16));
    // The values are placeholders, so no value is quoted in any message.
    assert!(f.iter().all(|f| !f.message.contains("ACCESS_KEY_VALUE")));
    // Nothing else: the two keys are paired, the names are valid.
    for code in &c {
        assert!(
            [json::MISSING_COMMA, PLACEHOLDER_VALUE, PLACEHOLDER_CLIENT].contains(code),
            "unexpected {code}: {f:#?}"
        );
    }
}

#[test]
fn seed_000_list_response_pasted_as_patch_is_flagged() {
    let body = r#"{
  "secrets": {
    "s3.client.CLIENT_NAME.access_key": {
      "as_file": false
    },
    "s3.client.CLIENT_NAME.secret_key": {
      "as_file": false
    }
  }
}"#;
    let f = check(body);
    assert!(codes(&f).contains(&LOOKS_LIKE_GET_RESPONSE), "{f:#?}");
    assert!(!codes(&f).contains(&REMOVES_SETTING));
}

#[test]
fn seed_000_removal_body_is_a_suggestion() {
    let f = check(r#"{"secrets": {"KEY_TO_REMOVE": {}}}"#);
    let r = find(&f, REMOVES_SETTING);
    assert_eq!(r.severity, Severity::Suggestion);
    assert_eq!(r.location.pointer, "/secrets/KEY_TO_REMOVE");
}

// ---- shape ----

#[test]
fn a_clean_s3_pair_has_no_findings() {
    assert!(all(&s3_pair("default", AK, SK)).is_empty());
}

#[test]
fn shape_errors() {
    assert_eq!(codes(&check("[]")), [NOT_OBJECT]);
    assert_eq!(codes(&check("{}")), [MISSING_SECRETS]);
    assert_eq!(codes(&check(r#"{"secrets": []}"#)), [SECRETS_NOT_OBJECT]);
    assert_eq!(codes(&check(r#"{"secrets": {}}"#)), [EMPTY]);
    let f = check(r#"{"s3.client.default.access_key": {"value": "x"}}"#);
    assert!(codes(&f).contains(&SETTING_OUTSIDE_SECRETS));
    assert!(codes(&f).contains(&MISSING_SECRETS));
    let f = check(r#"{"secrets": {"s3.client.a.proxy.username": {"value": "u"}}, "extra": 1}"#);
    assert_eq!(codes(&f), [UNKNOWN_FIELD]);
}

#[test]
fn entries_must_be_objects_with_value_and_as_file() {
    let f = check(r#"{"secrets": {"s3.client.a.proxy.username": "bob"}}"#);
    assert_eq!(codes(&f), [SECRET_NOT_OBJECT]);
    assert!(f[0].help.contains("\"value\""));
    let f =
        check(r#"{"secrets": {"s3.client.a.proxy.username": {"value": "bob", "asFile": false}}}"#);
    let u = find(&f, UNKNOWN_SECRET_FIELD);
    assert!(u.message.contains("`as_file`"), "{}", u.message);
    let f = check(
        r#"{"secrets": {"s3.client.a.proxy.username": {"value": "bob", "as_file": "false"}}}"#,
    );
    let a = find(&f, AS_FILE_TYPE);
    assert_eq!(a.fix.as_ref().unwrap().replacement, "false");
    let f = check(r#"{"secrets": {"s3.client.a.proxy.username": {"value": 12}}}"#);
    assert_eq!(codes(&f), [VALUE_TYPE]);
    let f = check(
        r#"{"secrets": {"s3.client.a.proxy.username": null, "s3.client.a.proxy.password": {"value": null}}}"#,
    );
    assert_eq!(codes(&f), [REMOVES_SETTING, REMOVES_SETTING]);
}

// ---- names ----

#[test]
fn setting_and_client_name_rules() {
    let f = check(r#"{"secrets": {"s3.client.my client.access_key": {"value": "x"}}}"#);
    assert_eq!(codes(&f), [INVALID_SETTING_NAME]);
    let f = check(r#"{"secrets": {"keystore.seed": {"value": "x"}}}"#);
    assert_eq!(codes(&f), [RESERVED_SETTING]);
    let f = check(r#"{"secrets": {"s3.client.access_key": {"value": "x"}}}"#);
    let m = find(&f, MISSING_CLIENT_NAME);
    assert!(m.help.contains("s3.client.default.access_key"));
    let f = check(r#"{"secrets": {"s3.client.backup": {"value": "x"}}}"#);
    assert_eq!(codes(&f), [INCOMPLETE_NAME]);
    let f = check(r#"{"secrets": {"s3.client..access_key": {"value": "x"}}}"#);
    assert_eq!(codes(&f), [INVALID_CLIENT_NAME]);
    let f = check(r#"{"secrets": {"s3.client.my.backup.secret_key": {"value": "x"}}}"#);
    let d = find(&f, INVALID_CLIENT_NAME);
    assert!(d.message.contains("`my.backup`"), "{}", d.message);
    assert!(d.help.contains("s3.client.my-backup.secret_key"));
}

#[test]
fn unknown_and_non_secure_settings() {
    let f = check(r#"{"secrets": {"s3.client.default.acess_key": {"value": "x"}}}"#);
    let u = find(&f, UNKNOWN_SETTING);
    assert_eq!(u.severity, Severity::Warning);
    assert!(
        u.message.contains("s3.client.default.access_key"),
        "{}",
        u.message
    );
    assert!(u.message.contains("starting"));
    let f = check(r#"{"secrets": {"S3.client.default.secret_key": {"value": "x"}}}"#);
    assert!(find(&f, UNKNOWN_SETTING)
        .help
        .contains("s3.client.default.secret_key"));
    let f = check(
        r#"{"secrets": {"xpack.notification.slack.account.a.secure_url": {"value": "https://h"}}}"#,
    );
    assert_eq!(codes(&f), [UNKNOWN_SETTING]);
    let f =
        check(r#"{"secrets": {"s3.client.default.endpoint": {"value": "https://minio:9000"}}}"#);
    assert_eq!(codes(&f), [NOT_SECURE_SETTING]);
    assert_eq!(f[0].severity, Severity::Error);
}

// ---- values ----

#[test]
fn value_content_warnings() {
    let f = check(r#"{"secrets": {"s3.client.a.proxy.password": {"value": "pässwörd"}}}"#);
    assert_eq!(codes(&f), [NON_ASCII]);
    let f = check(r#"{"secrets": {"s3.client.a.proxy.password": {"value": "secret\n"}}}"#);
    assert_eq!(codes(&f), [VALUE_WHITESPACE]);
    let f = check(r#"{"secrets": {"s3.client.a.proxy.password": {"value": ""}}}"#);
    assert_eq!(codes(&f), [EMPTY_VALUE]);
    for p in [
        "<password>",
        "YOUR_PASSWORD",
        "${PROXY_PASSWORD}",
        "changeme",
    ] {
        let f = check(&format!(
            r#"{{"secrets": {{"s3.client.a.proxy.password": {{"value": "{p}"}}}}}}"#
        ));
        assert_eq!(codes(&f), [PLACEHOLDER_VALUE], "{p}");
    }
    let f = all(&s3_pair(
        "default",
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ));
    assert_eq!(codes(&f), [PLACEHOLDER_VALUE, PLACEHOLDER_VALUE]);
}

#[test]
fn as_file_must_match_the_setting() {
    let f = check(
        r#"{"secrets": {"s3.client.a.access_key": {"value": "AKIA2OGYBAH6QWERTY7Z", "as_file": true}, "s3.client.a.secret_key": {"value": "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"}}}"#,
    );
    assert_eq!(codes(&f), [AS_FILE_MISMATCH]);
    let f = check(r#"{"secrets": {"s3.client.a.proxy.password": {"value": {"a": 1}}}}"#);
    assert_eq!(codes(&f), [VALUE_TYPE]);
}

// ---- pairing ----

#[test]
fn s3_pairing_rules() {
    let f = check(&format!(
        r#"{{"secrets": {{"s3.client.b.secret_key": {{"value": "{SK}"}}}}}}"#
    ));
    let m = find(&f, S3_MISSING_PAIR);
    assert_eq!(m.severity, Severity::Warning);
    assert!(
        m.message.contains("Missing access key for s3 client [b]"),
        "{}",
        m.message
    );
    let f = check(&format!(
        r#"{{"secrets": {{"s3.client.b.access_key": {{"value": "{AK}"}}, "s3.client.b.secret_key": {{}}}}}}"#
    ));
    assert_eq!(find(&f, S3_MISSING_PAIR).severity, Severity::Error);
    let f = check(r#"{"secrets": {"s3.client.b.session_token": {"value": "tok"}}}"#);
    assert_eq!(codes(&f), [S3_SESSION_TOKEN_ALONE]);
    // Different clients do not pair with each other.
    let f = check(&format!(
        r#"{{"secrets": {{"s3.client.a.access_key": {{"value": "{AK}"}}, "s3.client.b.secret_key": {{"value": "{SK}"}}}}}}"#
    ));
    assert_eq!(codes(&f), [S3_MISSING_PAIR, S3_MISSING_PAIR]);
    let f = check(r#"{"secrets": {"s3.client.a.access_key": {}}}"#);
    assert!(codes(&f).contains(&S3_MISSING_PAIR));
}

#[test]
fn aws_key_formats() {
    let f = check(&s3_pair("a", "AKIA123", SK));
    assert_eq!(codes(&f), [AWS_ACCESS_KEY_FORMAT]);
    let f = check(&s3_pair("a", AK, "short"));
    assert_eq!(codes(&f), [AWS_SECRET_KEY_FORMAT]);
    let f = check(&s3_pair("a", SK, AK));
    assert_eq!(codes(&f), [AWS_KEYS_SWAPPED]);
    let f = check(&s3_pair("a", "ASIA2OGYBAH6QWERTY7Z", SK));
    assert_eq!(codes(&f), [AWS_SESSION_TOKEN_MISSING]);
    let f = check(&format!(
        r#"{{"secrets": {{"s3.client.a.access_key": {{"value": "{AK}"}}, "s3.client.a.secret_key": {{"value": "{SK}"}}, "s3.client.a.session_token": {{"value": "FwoGZXIvYXdzEJr"}}}}}}"#
    ));
    assert_eq!(codes(&f), [AWS_SESSION_TOKEN_UNEXPECTED]);
    // MinIO keys have no AWS format: nothing to say.
    assert!(check(&s3_pair("minio", "minioadmin", "minio-secret-123")).is_empty());
}

#[test]
fn azure_rules() {
    let f = check(
        r#"{"secrets": {"azure.client.a.account": {"value": "acct"}, "azure.client.a.key": {"value": "k=="}, "azure.client.a.sas_token": {"value": "sv=2022&sig=x"}}}"#,
    );
    assert_eq!(codes(&f), [AZURE_KEY_AND_SAS]);
    let f = check(r#"{"secrets": {"azure.client.a.sas_token": {"value": "sv=2022&sig=x"}}}"#);
    assert_eq!(codes(&f), [AZURE_MISSING_ACCOUNT]);
    assert!(check(r#"{"secrets": {"azure.client.a.account": {"value": "acct"}, "azure.client.a.key": {"value": "k=="}}}"#).is_empty());
}

// ---- GCS credentials ----

fn sa_json() -> serde_json::Value {
    serde_json::json!({
        "type": "service_account",
        "project_id": "my-project",
        "private_key_id": "0123456789abcdef",
        "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
        "client_email": "snapshots@my-project.iam.gserviceaccount.com",
        "client_id": "123456789012345678901",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token"
    })
}

fn gcs_body(value: &serde_json::Value, as_file: Option<bool>) -> String {
    let mut entry = serde_json::json!({"value": value});
    if let Some(b) = as_file {
        entry["as_file"] = b.into();
    }
    serde_json::to_string_pretty(
        &serde_json::json!({"secrets": {"gcs.client.default.credentials_file": entry}}),
    )
    .unwrap()
}

#[test]
fn gcs_credentials_object_is_clean() {
    assert!(all(&gcs_body(&sa_json(), Some(true))).is_empty());
    assert!(all(&gcs_body(&sa_json(), None)).is_empty());
}

#[test]
fn gcs_credentials_rules() {
    let f = check(&gcs_body(&sa_json(), Some(false)));
    assert_eq!(codes(&f), [AS_FILE_MISMATCH]);

    let as_string = serde_json::Value::String(sa_json().to_string());
    let f = check(&gcs_body(&as_string, None));
    assert_eq!(codes(&f), [GCS_CREDENTIALS_AS_STRING, AS_FILE_REQUIRED]);
    let f = check(&gcs_body(&as_string, Some(true)));
    assert_eq!(codes(&f), [GCS_CREDENTIALS_AS_STRING]);

    let f = check(&gcs_body(&"not json".into(), Some(true)));
    assert_eq!(codes(&f), [GCS_CREDENTIALS_NOT_JSON]);

    let mut user = sa_json();
    user["type"] = "authorized_user".into();
    let f = check(&gcs_body(&user, Some(true)));
    let t = find(&f, GCS_CREDENTIALS_TYPE);
    assert_eq!(
        t.location.pointer,
        "/secrets/gcs.client.default.credentials_file/value/type"
    );

    let mut partial = sa_json();
    partial.as_object_mut().unwrap().remove("private_key_id");
    partial.as_object_mut().unwrap().remove("client_id");
    let f = check(&gcs_body(&partial, Some(true)));
    let m = find(&f, GCS_CREDENTIALS_FIELD);
    assert!(
        m.message.contains("`client_id`") && m.message.contains("`private_key_id`"),
        "{}",
        m.message
    );

    let mut rsa = sa_json();
    rsa["private_key"] =
        "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n".into();
    assert_eq!(
        codes(&check(&gcs_body(&rsa, Some(true)))),
        [GCS_PRIVATE_KEY_FORMAT]
    );
    let mut escaped = sa_json();
    escaped["private_key"] =
        "-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----\\n".into();
    assert_eq!(
        codes(&check(&gcs_body(&escaped, Some(true)))),
        [GCS_PRIVATE_KEY_FORMAT]
    );

    let no_type = serde_json::json!({"project_id": "p"});
    let f = check(&gcs_body(&no_type, Some(true)));
    assert!(f
        .iter()
        .any(|f| f.code == GCS_CREDENTIALS_FIELD && f.message.contains("no `type`")));
}

// ---- generator ----

#[test]
fn patch_body_is_pretty_sorted_and_typed() {
    let changes = vec![
        SecretChange::Set(Secret::new(
            "s3.client.default.secret_key",
            SecretValue::Text(SK.into()),
        )),
        SecretChange::Set(Secret::new(
            "s3.client.default.access_key",
            SecretValue::Text(AK.into()),
        )),
        SecretChange::Remove("s3.client.old.access_key".into()),
    ];
    let body = patch_body(&changes);
    let expected = format!(
        "{{\n  \"secrets\": {{\n    \"s3.client.default.access_key\": {{\n      \"value\": \"{AK}\",\n      \"as_file\": false\n    }},\n    \"s3.client.default.secret_key\": {{\n      \"value\": \"{SK}\",\n      \"as_file\": false\n    }},\n    \"s3.client.old.access_key\": {{}}\n  }}\n}}\n"
    );
    assert_eq!(body, expected);
}

#[test]
fn gcs_credentials_file_is_sent_as_an_object_with_as_file() {
    let value = SecretValue::from_file_content(sa_json().to_string());
    assert!(value.is_json());
    let s = Secret::new("gcs.client.default.credentials_file", value);
    assert!(s.as_file);
    let body = patch_body(&[SecretChange::Set(s)]);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["secrets"]["gcs.client.default.credentials_file"]["value"],
        sa_json()
    );
    assert_eq!(
        v["secrets"]["gcs.client.default.credentials_file"]["as_file"],
        true
    );
    assert!(all(&body).is_empty(), "{:#?}", all(&body));
    // Text content of a file setting still defaults to as_file.
    assert!(
        Secret::new(
            "gcs.client.x.credentials_file",
            SecretValue::Text("x".into())
        )
        .as_file
    );
    assert!(!SecretValue::from_file_content("[1]".into()).is_json());
}

#[test]
fn debug_output_never_shows_secrets() {
    let s = Secret::new(
        "s3.client.default.secret_key",
        SecretValue::Text("hunter2-very-secret".into()),
    );
    let shown = format!("{:?} {:?}", s, SecretChange::Set(s.clone()));
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("redacted"));
    let j = SecretValue::Json(serde_json::json!({"private_key": "hunter2"}));
    assert!(!format!("{j:?}").contains("hunter2"));
    let plan = resync_plan(&[s]);
    assert!(!format!("{plan:?}").contains("hunter2"));
}

#[test]
fn resync_plan_removes_then_readds() {
    let secrets = vec![
        Secret::new("s3.client.default.access_key", SecretValue::Text(AK.into())),
        Secret::new("s3.client.default.secret_key", SecretValue::Text(SK.into())),
    ];
    let plan = resync_plan(&secrets);
    assert_eq!(
        plan.names,
        [
            "s3.client.default.access_key",
            "s3.client.default.secret_key"
        ]
    );
    let removed: serde_json::Value = serde_json::from_str(&plan.remove_body).unwrap();
    assert_eq!(
        removed,
        serde_json::json!({"secrets": {"s3.client.default.access_key": {}, "s3.client.default.secret_key": {}}})
    );
    let readd: serde_json::Value = serde_json::from_str(&plan.readd_body).unwrap();
    assert_eq!(
        readd["secrets"]["s3.client.default.secret_key"]["value"],
        SK
    );
    let steps = plan.steps();
    assert!(steps[0].0.starts_with("Step 1") && steps[1].0.starts_with("Step 2"));
    // Step 1 alone is a removal body: suggestions only.
    assert!(check(&plan.remove_body)
        .iter()
        .all(|f| f.severity == Severity::Suggestion));
    assert!(check(&plan.readd_body).is_empty());
}

#[test]
fn reload_advice_separates_reloadable_from_restart() {
    let a = reload_advice([
        "s3.client.default.access_key",
        "gcs.client.x.credentials_file",
    ]);
    assert!(a.needs_reload() && !a.needs_restart());
    assert!(a.note().contains("POST _nodes/reload_secure_settings"));
    let b = reload_advice([
        "s3.client.default.access_key",
        "xpack.security.http.ssl.keystore.secure_password",
    ]);
    assert!(b.needs_restart());
    assert_eq!(
        b.restart,
        ["xpack.security.http.ssl.keystore.secure_password"]
    );
    assert!(b.note().to_lowercase().contains("restart"));
    assert!(!reload_advice([]).needs_reload());
}

// ---- properties ----

fn secret_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,60}",
        "[\"$\\\\`'\n\t a-zA-Z0-9/+=é😀]{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn validator_never_panics_on_any_text(s in "\\PC{0,200}") {
        let _ = all(&s);
    }

    #[test]
    fn validator_never_panics_on_any_json(v in arb_json()) {
        let text = v.to_string();
        let _ = all(&text);
        let wrapped = serde_json::json!({"secrets": v}).to_string();
        let _ = all(&wrapped);
    }

    #[test]
    fn validator_never_panics_on_keystore_like_bodies(
        names in proptest::collection::vec("(s3|gcs|azure|x)\\.client\\.[a-zA-Z.]{0,6}\\.(access_key|secret_key|session_token|key|sas_token|account|credentials_file|endpoint|[a-z_.]{0,8})", 0..6),
        vals in proptest::collection::vec(arb_json(), 0..6),
    ) {
        let mut secrets = serde_json::Map::new();
        for (n, v) in names.iter().zip(vals) {
            secrets.insert(n.clone(), serde_json::json!({"value": v, "as_file": n.len() % 2 == 0}));
        }
        let _ = all(&serde_json::json!({"secrets": secrets}).to_string());
    }

    #[test]
    fn generated_bodies_carry_the_exact_secret_and_have_no_errors(s in secret_text()) {
        let name = "s3.client.default.proxy.password";
        let body = patch_body(&[SecretChange::Set(Secret::new(name, SecretValue::Text(s.clone())))]);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        prop_assert_eq!(v["secrets"][name]["value"].as_str().unwrap(), s.as_str());
        let f = all(&body);
        // Only content notes about the value itself can appear.
        for x in &f {
            prop_assert!(
                [NON_ASCII, VALUE_WHITESPACE, EMPTY_VALUE, PLACEHOLDER_VALUE].contains(&x.code),
                "{:?}", x
            );
        }
    }

    #[test]
    fn generated_bodies_of_plain_secrets_validate_clean(s in "[!-~][ -~\n]{0,58}[!-~]") {
        prop_assume!(!ecekit_core::catalog::is_placeholder(&s));
        let body = patch_body(&[
            SecretChange::Set(Secret::new("s3.client.backup.access_key", SecretValue::Text(s.clone()))),
            SecretChange::Set(Secret::new("s3.client.backup.secret_key", SecretValue::Text(s.clone()))),
            SecretChange::Remove("s3.client.old.access_key".into()),
            SecretChange::Remove("s3.client.old.secret_key".into()),
        ]);
        let f: Vec<_> = all(&body).into_iter().filter(|f| f.code != REMOVES_SETTING).collect();
        // AWS-format notes only apply to AKIA/ASIA-looking values.
        let f: Vec<_> = f.into_iter().filter(|f| !f.code.starts_with("KS_AWS_")).collect();
        prop_assert!(f.is_empty(), "{:#?}", f);
    }

    #[test]
    fn generated_gcs_bodies_carry_the_exact_json(key in secret_text()) {
        let mut sa = sa_json();
        sa["client_id"] = key.clone().into();
        let body = patch_body(&[SecretChange::Set(Secret::new("gcs.client.default.credentials_file", SecretValue::Json(sa.clone())))]);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        prop_assert_eq!(&v["secrets"]["gcs.client.default.credentials_file"]["value"], &sa);
        prop_assert!(!ecekit_core::finding::has_errors(&all(&body)) || key.is_empty() || ecekit_core::catalog::is_placeholder(&key));
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::Value::Number(n.into())),
        ".{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(
                "(value|as_file|secrets|type|[a-z._]{0,8})",
                inner,
                0..5
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn object_values_of_unknown_settings_note_as_file() {
    let f =
        check(r#"{"secrets": {"my.plugin.secure_json": {"value": {"a": 1}, "as_file": false}}}"#);
    assert_eq!(codes(&f), [UNKNOWN_SETTING, AS_FILE_MISMATCH]);
    assert_eq!(f[1].severity, Severity::Suggestion);
    assert_eq!(
        codes(&check(
            r#"{"secrets": {"my.plugin.secure_json": {"value": {"a": 1}}}}"#
        )),
        [UNKNOWN_SETTING]
    );
}
