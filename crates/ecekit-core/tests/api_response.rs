//! Response parsing on documented samples and on malformed bodies.

use ecekit_core::api::response::{code_hint, header, EXPIRY_WARNING_DAYS};
use ecekit_core::api::time::{format_rfc3339, parse_http_date, parse_rfc3339, parse_timestamp};
use ecekit_core::api::*;
use ecekit_core::Platform;
use proptest::prelude::*;

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn basic_failed_reply_with_fields() {
    let body = r#"{"errors":[
        {"code":"deployments.deployment_not_found","message":"The Deployment specified by {deployment_id} cannot be found."},
        {"code":"root.invalid_json_request","message":"missing value","fields":["secrets.s3.client.default.secret_key.value"]},
        {"code":"root.invalid_json_request","message":"wrong type","fields":["secrets.s3.client.default.secret_key.value","secrets"]}
    ]}"#;
    let errs = parse_basic_failed_reply(body).unwrap();
    assert_eq!(errs.len(), 3);
    assert!(errs[0].hint.unwrap().contains("32-character"));
    let e = parse_error(
        404,
        &h(&[("X-Cloud-Error-Codes", "deployments.deployment_not_found")]),
        body,
        Platform::Ece,
    );
    assert_eq!(e.status, 404);
    assert_eq!(
        e.error_codes_header.as_deref(),
        Some("deployments.deployment_not_found")
    );
    assert_eq!(
        e.field_messages(),
        vec![
            (
                "secrets.s3.client.default.secret_key.value".to_string(),
                vec!["missing value".to_string(), "wrong type".to_string()]
            ),
            ("secrets".to_string(), vec!["wrong type".to_string()]),
        ]
    );
    assert_eq!(e.general_messages().len(), 1);
    assert!(e.summary().starts_with("404 Not found: The Deployment"));
    assert_eq!(e.explanation.title, "Not found");
    assert!(e.explanation.checks.iter().any(|c| c.contains("ref_id")));
}

#[test]
fn elasticsearch_errors_through_the_proxy() {
    let body = r#"{"error":{"root_cause":[],"type":"repository_verification_exception","reason":"[s3-repo] path  is not accessible on master node","caused_by":{"type":"i_o_exception","reason":"Unable to upload object"}},"status":500}"#;
    let e = parse_error(500, &[], body, Platform::Ece);
    assert_eq!(e.errors[0].code, "repository_verification_exception");
    assert!(e.errors[0].message.contains("caused by i_o_exception"));
    assert!(e.errors[0].hint.unwrap().contains("keystore"));
    // Wrapped in the proxy's GenericResponse.
    let wrapped = serde_json::json!({ "value": body }).to_string();
    let e = parse_error(500, &[], &wrapped, Platform::Ece);
    assert_eq!(e.errors[0].code, "repository_verification_exception");
}

#[test]
fn malformed_error_bodies_never_fail() {
    for body in [
        "",
        "<html>502 Bad Gateway</html>",
        "{",
        "null",
        "[]",
        r#"{"errors": "nope"}"#,
        r#"{"errors": [{"message": "no code"}]}"#,
        r#"{"error": 3}"#,
        &"x".repeat(10_000),
    ] {
        let e = parse_error(502, &[], body, Platform::Ess);
        assert_eq!(e.status, 502);
        assert!(e.explanation.retryable);
        assert!(e.summary().len() < 400, "summary is short: {}", e.summary());
    }
    assert!(parse_basic_failed_reply("{")
        .unwrap_err()
        .message
        .contains("not JSON"));
    assert!(parse_basic_failed_reply("{}")
        .unwrap_err()
        .message
        .contains("\"errors\""));
    assert!(parse_basic_failed_reply(r#"{"errors":[{}]}"#)
        .unwrap_err()
        .message
        .contains("code"));
}

#[test]
fn failure_is_none_for_success() {
    assert!(failure(200, &[], "{}", Platform::Ece).is_none());
    assert!(failure(204, &[], "", Platform::Ece).is_none());
    assert_eq!(failure(401, &[], "", Platform::Ece).unwrap().status, 401);
}

#[test]
fn status_explanations() {
    for (status, platform, needle) in [
        (401, Platform::Ece, "ECE_API_KEY"),
        (401, Platform::Ess, "EC_API_KEY"),
        (401, Platform::SelfManaged, "ELASTIC_API_KEY"),
        (403, Platform::Ece, "X-Management-Request"),
        (403, Platform::SelfManaged, "manage"),
        (404, Platform::Ece, "32 characters"),
        (409, Platform::Ece, "plan"),
        (449, Platform::Ece, "_elevate"),
        (500, Platform::Ece, "proxy"),
        (503, Platform::Ess, "healthy"),
        (599, Platform::Ess, "Retry"),
    ] {
        let x = explain_status(status, platform);
        assert!(
            x.checks.iter().any(|c| c.contains(needle)),
            "{status} {platform:?}: {x:?}"
        );
    }
    assert!(
        !explain_status(500, Platform::Ece).retryable,
        "writes are never retried blindly"
    );
    assert!(explain_status(503, Platform::Ece).retryable);
    assert_eq!(
        explain_status(418, Platform::Ece).title,
        "Unexpected status"
    );
    assert!(code_hint("root.unauthenticated").is_some());
    assert!(code_hint("made.up").is_none());
}

#[test]
fn keystore_contents_never_keeps_values() {
    let body = r#"{"secrets":{"s3.client.default.secret_key":{"as_file":false,"value":"LEAKED-VALUE"},"gcs.client.default.credentials_file":{"as_file":true},"s3.client.default.access_key":{"value":null,"as_file":false},"x":{}}}"#;
    let keys = parse_keystore_contents(body).unwrap();
    let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "gcs.client.default.credentials_file",
            "s3.client.default.access_key",
            "s3.client.default.secret_key",
            "x"
        ]
    );
    assert_eq!(keys[0].as_file, Some(true));
    assert_eq!(keys[3].as_file, None);
    assert!(!format!("{keys:?}").contains("LEAKED"));
    assert_eq!(
        parse_keystore_contents(r#"{"secrets":{}}"#).unwrap(),
        vec![]
    );
    for bad in ["", "{", "[]", r#"{"secrets":[]}"#, r#"{"other":1}"#] {
        let err = parse_keystore_contents(bad).unwrap_err();
        assert!(err.message.contains("KeystoreContents"), "{bad}: {err}");
    }
    // An error about a body with secrets does not quote it.
    let err = parse_keystore_contents(r#"{"secretz":{"k":{"value":"SECRET"}}}"#).unwrap_err();
    assert!(!err.message.contains("SECRET"));
}

#[test]
fn deployments_list() {
    let body = r#"{"deployments":[
      {"id":"0123456789abcdef0123456789abcdef","name":"logs","resources":[
        {"id":"c1","kind":"elasticsearch","ref_id":"main-elasticsearch","region":"ece-region","cloud_id":"logs:abc"},
        {"id":"k1","kind":"kibana","ref_id":"main-kibana","region":"ece-region"}]},
      {"id":"fedcba9876543210fedcba9876543210","name":"empty","resources":[]}
    ]}"#;
    let list = parse_deployments_list(body).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].name, "logs");
    assert_eq!(list[0].elasticsearch.len(), 1);
    assert_eq!(list[0].elasticsearch[0].ref_id, "main-elasticsearch");
    assert_eq!(list[0].elasticsearch[0].id, "c1");
    assert_eq!(
        list[0].elasticsearch[0].cloud_id.as_deref(),
        Some("logs:abc")
    );
    assert!(list[1].elasticsearch.is_empty());
    assert!(parse_deployments_list("{}").is_err());
    assert!(parse_deployments_list(r#"{"deployments":[{"name":"x"}]}"#)
        .unwrap_err()
        .message
        .contains("id"));
}

#[test]
fn deployment_get() {
    let body = r#"{"id":"d1","name":"logs","healthy":true,"resources":{"elasticsearch":[
      {"ref_id":"main-elasticsearch","id":"c1","region":"us-east-1","info":{"healthy":true,"status":"started",
        "metadata":{"endpoint":"c1.us-east-1.aws.found.io","ports":{"https":9243}}}},
      {"ref_id":"second","id":"c2","region":"r","info":{"metadata":{"service_url":"https://c2.example:443"}}}
    ]}}"#;
    let d = parse_deployment(body).unwrap();
    assert_eq!(d.id, "d1");
    assert_eq!(d.healthy, Some(true));
    assert_eq!(
        d.elasticsearch[0].url.as_deref(),
        Some("https://c1.us-east-1.aws.found.io:9243")
    );
    assert_eq!(d.elasticsearch[0].status.as_deref(), Some("started"));
    assert_eq!(
        d.elasticsearch[1].url.as_deref(),
        Some("https://c2.example:443")
    );
    assert!(parse_deployment("[]").is_err());
}

#[test]
fn token_response_is_redacted_in_debug() {
    let body =
        r#"{"token":"eyJ-SECRET-TOKEN","session_expiration_time":"2030-01-01T00:00:00.000Z"}"#;
    let t = parse_token_response(body).unwrap();
    assert_eq!(t.token, "eyJ-SECRET-TOKEN");
    assert_eq!(t.expires_at, Some(1_893_456_000));
    assert_eq!(t.seconds_left(1_893_455_000), Some(1000));
    assert!(!format!("{t:?}").contains("SECRET"));
    for bad in [
        "",
        "{",
        r#"{"token":""}"#,
        r#"{"token":"eyJ-SECRET"}"#,
        r#"{"session_expiration_time":"x"}"#,
    ] {
        let err = parse_token_response(bad).unwrap_err();
        assert!(!err.message.contains("SECRET"), "{err}");
    }
}

#[test]
fn verify_response() {
    let body =
        r#"{"nodes":{"b2":{"name":"instance-0000000001"},"a1":{"name":"instance-0000000000"}}}"#;
    let nodes = parse_verify_response(body).unwrap();
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[0].name, "instance-0000000000");
    assert_eq!(nodes[0].id, "a1");
    let wrapped = serde_json::json!({ "value": body }).to_string();
    assert_eq!(parse_verify_response(&wrapped).unwrap(), nodes);
    assert!(parse_verify_response(r#"{"nodes":[]}"#).is_err());
    assert!(parse_verify_response("not json")
        .unwrap_err()
        .message
        .contains("not JSON"));
}

#[test]
fn reload_response() {
    let ok = r#"{"_nodes":{"total":2,"successful":2,"failed":0},"cluster_name":"c1","nodes":{"n1":{"name":"i-0"},"n2":{"name":"i-1"}}}"#;
    let r = parse_reload_response(ok).unwrap();
    assert!(r.ok());
    assert_eq!(r.cluster_name.as_deref(), Some("c1"));
    assert_eq!(r.total, Some(2));
    let bad = r#"{"_nodes":{"total":2,"successful":2,"failed":0},"cluster_name":"c1","nodes":{
        "n1":{"name":"i-0","reload_exception":{"type":"illegal_state_exception","reason":"unknown secure setting [s3.client.x.bogus]"}},
        "n2":{"name":"i-1"}}}"#;
    let r = parse_reload_response(bad).unwrap();
    assert!(!r.ok());
    let failed = r.failed_nodes();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].name, "i-0");
    let ex = failed[0].exception.as_ref().unwrap();
    assert_eq!(ex.kind, "illegal_state_exception");
    assert!(ex.reason.contains("unknown secure setting"));
    let failed_count = r#"{"_nodes":{"total":1,"successful":0,"failed":1},"nodes":{}}"#;
    assert!(!parse_reload_response(failed_count).unwrap().ok());
    assert!(parse_reload_response("{}").is_err());
}

#[test]
fn api_key_expiry() {
    let now = parse_rfc3339("2025-06-01T00:00:00Z").unwrap();
    let e = parse_api_key_expiration("2025-08-30T00:00:00Z", now).unwrap();
    assert_eq!(e.days_left, 90);
    assert!(!e.warn && !e.expired);
    assert_eq!(
        e.message(),
        "the API key expires in 90 days (2025-08-30T00:00:00Z)"
    );

    let e = parse_api_key_expiration("2025-06-14T12:00:00.000+00:00", now).unwrap();
    assert_eq!(e.days_left, 13);
    assert!(e.warn);
    assert!(e.message().contains("create a new one before then"));

    let e = parse_api_key_expiration("2025-06-15T00:00:00Z", now).unwrap();
    assert_eq!(e.days_left, EXPIRY_WARNING_DAYS);
    assert!(!e.warn, "exactly 14 days is not less than 14");

    let e = parse_api_key_expiration("2025-06-01T05:00:00Z", now).unwrap();
    assert!(e.message().contains("in 5 hours"));
    let e = parse_api_key_expiration("2025-05-31T00:00:00Z", now).unwrap();
    assert!(e.expired && e.warn);
    assert!(e.message().contains("expired"));

    // Other encodings an API might use.
    let sec = parse_api_key_expiration("1751328000", now).unwrap();
    let ms = parse_api_key_expiration("1751328000000", now).unwrap();
    let http = parse_api_key_expiration("Tue, 01 Jul 2025 00:00:00 GMT", now).unwrap();
    assert_eq!(sec.expires_at, ms.expires_at);
    assert_eq!(sec.expires_at, http.expires_at);
    assert_eq!(sec.expires_at_text, "2025-07-01T00:00:00Z");

    let headers = h(&[("x-elastic-api-key-expiration", "2025-06-02T00:00:00Z")]);
    assert_eq!(
        api_key_expiration(&headers, now)
            .unwrap()
            .unwrap()
            .days_left,
        1
    );
    assert!(api_key_expiration(&[], now).is_none());
    assert!(parse_api_key_expiration("soon", now).is_err());
    assert_eq!(
        header(&headers, "X-ELASTIC-API-KEY-EXPIRATION"),
        Some("2025-06-02T00:00:00Z")
    );
}

#[test]
fn timestamps() {
    assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(parse_rfc3339("2000-02-29T12:34:56Z"), Some(951_827_696));
    assert_eq!(
        parse_rfc3339("2000-02-29T14:34:56+02:00"),
        Some(951_827_696)
    );
    assert_eq!(
        parse_rfc3339("2000-02-29 12:34:56.123456z"),
        Some(951_827_696)
    );
    assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), Some(-1));
    for bad in [
        "2001-02-29T00:00:00Z",
        "2000-13-01T00:00:00Z",
        "2000-01-01T24:00:00Z",
        "2000-01-01T00:00:00",
        "2000-01-01T00:00:00.Z",
        "2000-01-01",
        "",
        "２０００-01-01T00:00:00Z",
    ] {
        assert_eq!(parse_rfc3339(bad), None, "{bad}");
    }
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777)
    );
    assert_eq!(parse_timestamp(" 0 "), Some(0));
    assert_eq!(format_rfc3339(951_827_696), "2000-02-29T12:34:56Z");
    assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59Z");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rfc3339_round_trips(t in -2_000_000_000i64..10_000_000_000i64) {
        prop_assert_eq!(parse_rfc3339(&format_rfc3339(t)), Some(t));
    }

    #[test]
    fn parsers_never_panic(body in ".{0,300}", status in 100u16..600) {
        let _ = parse_error(status, &[], &body, Platform::Ece);
        let _ = parse_basic_failed_reply(&body);
        let _ = parse_keystore_contents(&body);
        let _ = parse_deployments_list(&body);
        let _ = parse_deployment(&body);
        let _ = parse_token_response(&body);
        let _ = parse_verify_response(&body);
        let _ = parse_reload_response(&body);
        let _ = parse_api_key_expiration(&body, 0);
        let _ = parse_timestamp(&body);
        let _ = match_path("GET", &body);
    }

    #[test]
    fn json_shaped_bodies_never_panic(v in arb_json()) {
        let body = v.to_string();
        let _ = parse_error(500, &[], &body, Platform::Ess);
        let _ = parse_keystore_contents(&body);
        let _ = parse_deployments_list(&body);
        let _ = parse_deployment(&body);
        let _ = parse_verify_response(&body);
        let _ = parse_reload_response(&body);
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        "[a-z_]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("errors".to_string()),
                    Just("secrets".to_string()),
                    Just("nodes".to_string()),
                    Just("deployments".to_string()),
                    Just("resources".to_string()),
                    Just("error".to_string()),
                    Just("value".to_string()),
                    Just("code".to_string()),
                    Just("fields".to_string()),
                    Just("reload_exception".to_string()),
                    "[a-z]{1,4}",
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
