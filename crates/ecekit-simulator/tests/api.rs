//! Every endpoint over real HTTP on 127.0.0.1, in-process.

mod common;

use common::*;
use ecekit_simulator::spec::spec;
use serde_json::{json, Value};
use std::time::Duration;

fn conforms(definition: &str, v: &Value) {
    let problems = spec().validate(definition, v);
    assert!(problems.is_empty(), "{definition}: {problems:?} in {v}");
}

#[test]
fn login_gives_a_bearer_token_that_works_and_refreshes() {
    let s = start(config());
    let wrong = s
        .send(
            "POST",
            "/users/auth/_login",
            &[],
            Some(r#"{"username":"admin","password":"nope"}"#),
        )
        .unwrap();
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.codes(), ["root.unauthenticated"]);
    assert_eq!(
        wrong.header("x-cloud-error-codes"),
        Some("root.unauthenticated")
    );
    conforms("BasicFailedReply", &wrong.json());

    let body = json!({"username": "admin", "password": PASSWORD}).to_string();
    let ok = s
        .send("POST", "/users/auth/_login", &[], Some(&body))
        .unwrap();
    assert_eq!(ok.status, 200, "{}", ok.text);
    let tr = ok.json();
    conforms("TokenResponse", &tr);
    let token = tr["token"].as_str().unwrap().to_string();
    assert_eq!(token.split('.').count(), 3, "JWT-shaped");
    assert!(tr["session_expiration_time"]
        .as_str()
        .unwrap()
        .ends_with('Z'));

    let bearer = format!("Bearer {token}");
    let list = s
        .send("GET", "/deployments", &[("Authorization", &bearer)], None)
        .unwrap();
    assert_eq!(list.status, 200);
    assert_eq!(
        list.header("X-Elastic-Api-Key-Expiration"),
        None,
        "only for API keys"
    );

    let refreshed = s
        .send(
            "POST",
            "/users/auth/_refresh",
            &[("Authorization", &bearer)],
            None,
        )
        .unwrap();
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    conforms("TokenResponse", &refreshed.json());
    assert_ne!(refreshed.json()["token"], tr["token"]);

    let with_key = s.api("POST", "/users/auth/_refresh", None);
    assert_eq!(with_key.status, 401);
    assert_eq!(with_key.codes(), ["root.unauthorized"]);
    let bad = s
        .send(
            "POST",
            "/users/auth/_refresh",
            &[("Authorization", "Bearer nope")],
            None,
        )
        .unwrap();
    assert_eq!(bad.codes(), ["root.unauthorized"]);

    let missing = s
        .send(
            "POST",
            "/users/auth/_login",
            &[],
            Some(r#"{"username":"admin"}"#),
        )
        .unwrap();
    assert_eq!(missing.status, 400);
    assert_eq!(missing.fields(), ["password"]);

    let redirect =
        json!({"username": "admin", "password": PASSWORD, "login_state": {"path": "/deployments"}});
    let r = s
        .send(
            "POST",
            "/users/auth/_login",
            &[],
            Some(&redirect.to_string()),
        )
        .unwrap();
    // ureq follows the redirect to /sso/token, which the simulator does not serve.
    assert_eq!(r.status, 404);
}

#[test]
fn bearer_tokens_expire() {
    let s = start(ecekit_simulator::Config {
        token_ttl: Duration::from_secs(1),
        ..config()
    });
    let body = json!({"username": "admin", "password": PASSWORD}).to_string();
    let token = s
        .send("POST", "/users/auth/_login", &[], Some(&body))
        .unwrap()
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let bearer = format!("Bearer {token}");
    std::thread::sleep(Duration::from_millis(2100));
    let r = s
        .send("GET", "/deployments", &[("Authorization", &bearer)], None)
        .unwrap();
    assert_eq!(r.status, 401);
    assert!(r.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));
    let r = s
        .send(
            "POST",
            "/users/auth/_refresh",
            &[("Authorization", &bearer)],
            None,
        )
        .unwrap();
    assert_eq!(r.codes(), ["root.unauthorized"]);
}

#[test]
fn anything_but_a_valid_credential_is_401() {
    let s = start(config());
    for auth in [
        None,
        Some("ApiKey wrong-key"),
        Some("Bearer not-a-token"),
        Some("Token abc"),
        Some("ApiKey"),
        Some("Basic YWRtaW46d3Jvbmc="), // admin:wrong
    ] {
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", *a)).collect();
        let r = s.send("GET", "/deployments", &headers, None).unwrap();
        assert_eq!(r.status, 401, "{auth:?}");
        assert_eq!(r.codes(), ["root.unauthenticated"], "{auth:?}");
        assert_eq!(
            r.header("x-cloud-error-codes"),
            Some("root.unauthenticated")
        );
        assert!(!r.text.contains(KEY));
    }
    // The spec's basicAuth: the demo user with its password.
    use base64::Engine;
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("admin:{PASSWORD}"))
    );
    assert_eq!(
        s.send("GET", "/deployments", &[("Authorization", &basic)], None)
            .unwrap()
            .status,
        200
    );
}

#[test]
fn api_key_answers_carry_the_key_expiration() {
    let s = start(ecekit_simulator::Config {
        key_expires_in_days: 10,
        ..config()
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for (method, path) in [
        ("GET", "/deployments".to_string()),
        ("GET", "/deployments/nope".to_string()),
        ("PATCH", s.keystore_path()),
        ("GET", "/no/such/path".to_string()),
        ("DELETE", "/deployments".to_string()),
    ] {
        let r = s.api(method, &path, Some("{}").filter(|_| method == "PATCH"));
        let exp = r
            .header("X-Elastic-Api-Key-Expiration")
            .unwrap_or_else(|| panic!("{method} {path} {}: no expiration header", r.status));
        // 10 days from now, as an RFC 3339 UTC date-time.
        let days = (10 * 86_400 + now) / 86_400;
        let (y, m, d) = civil(days as i64);
        assert!(exp.starts_with(&format!("{y:04}-{m:02}-{d:02}T")), "{exp}");
        assert!(exp.ends_with('Z'));
    }
    let expired = start(ecekit_simulator::Config {
        key_expires_in_days: 0,
        ..config()
    });
    let r = expired.api("GET", "/deployments", None);
    assert_eq!(r.status, 401);
    assert!(r.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));
}

fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[test]
fn lists_and_gets_deployments() {
    let s = start(config());
    let list = s.api("GET", "/deployments", None);
    assert_eq!(list.status, 200);
    let deployments = list.json()["deployments"].as_array().unwrap().clone();
    assert_eq!(deployments.len(), 3);
    for d in &deployments {
        let id = d["id"].as_str().unwrap();
        assert_eq!(id.len(), 32);
        let kinds: Vec<&str> = d["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["elasticsearch", "kibana"]);
        assert_eq!(d["resources"][0]["ref_id"], ES);
        let got = s.api("GET", &format!("/deployments/{id}"), None);
        assert_eq!(got.status, 200);
        let g = got.json();
        assert_eq!(g["id"], id);
        let es = &g["resources"]["elasticsearch"][0];
        assert_eq!(es["ref_id"], ES);
        assert_eq!(es["id"], d["resources"][0]["id"]);
        assert_eq!(es["region"], "ece-region");
        assert_eq!(es["info"]["status"], "started");
    }
    let missing = s.api("GET", "/deployments/00000000000000000000000000000000", None);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.codes(), ["deployments.deployment_not_found"]);
    assert_eq!(
        missing.header("x-cloud-error-codes"),
        Some("deployments.deployment_not_found")
    );
    conforms("BasicFailedReply", &missing.json());

    let with_faults = start(ecekit_simulator::Config {
        fault_deployments: true,
        ..config()
    });
    let names: Vec<String> = with_faults.api("GET", "/deployments", None).json()["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 6);
    assert!(names.iter().any(|n| n == "fault-hang"));
}

#[test]
fn keystore_patch_merges_removes_and_get_redacts() {
    let s = start(config());
    let path = s.keystore_path();
    let empty = s.api("GET", &path, None);
    assert_eq!(empty.status, 200);
    assert_eq!(empty.json(), json!({"secrets": {}}));

    let add = json!({"secrets": {
        "s3.client.default.access_key": {"value": "AKIA-SECRET-ONE", "as_file": false},
        "s3.client.default.secret_key": {"value": "secret-two/with+chars"},
        "gcs.client.default.credentials_file": {"value": {"type": "service_account", "private_key": "PK-THREE"}},
        "azure.client.default.account": {"value": "acct-four"}
    }});
    let r = s.api("PATCH", &path, Some(&add.to_string()));
    assert_eq!(r.status, 200, "{}", r.text);
    conforms("KeystoreContents", &r.json());
    assert_eq!(
        r.json(),
        json!({"secrets": {
            "s3.client.default.access_key": {"as_file": false},
            "s3.client.default.secret_key": {"as_file": false},
            "gcs.client.default.credentials_file": {"as_file": true},
            "azure.client.default.account": {"as_file": false}
        }})
    );

    // Remove with {} and with null; replace one; keep the unmentioned one.
    let change = json!({"secrets": {
        "s3.client.default.access_key": {},
        "gcs.client.default.credentials_file": null,
        "s3.client.default.secret_key": {"value": "replaced", "as_file": true},
        "azure.client.default.key": {"value": "k", "as_file": false}
    }});
    let r = s.api("PATCH", &path, Some(&change.to_string()));
    assert_eq!(r.status, 200, "{}", r.text);
    let expected = json!({"secrets": {
        "s3.client.default.secret_key": {"as_file": true},
        "azure.client.default.account": {"as_file": false},
        "azure.client.default.key": {"as_file": false}
    }});
    assert_eq!(r.json(), expected);
    // `value: null` removes too (terraform's delete); `_main` names the only Elasticsearch.
    let r = s.api(
        "PATCH",
        &format!("/deployments/{DEP}/elasticsearch/_main/keystore"),
        Some(r#"{"secrets":{"azure.client.default.key":{"value":null,"as_file":false}}}"#),
    );
    assert_eq!(r.status, 200);
    assert!(r.json()["secrets"]
        .get("azure.client.default.key")
        .is_none());

    let got = s.api("GET", &path, None);
    assert_eq!(got.json()["secrets"].as_object().unwrap().len(), 2);
    for secret in [
        "AKIA-SECRET-ONE",
        "secret-two",
        "PK-THREE",
        "acct-four",
        "replaced",
    ] {
        assert!(!got.text.contains(secret), "GET leaked a value");
    }
    // Another deployment's keystore is separate.
    let other = s.api(
        "GET",
        "/deployments/9e4a2d6f8b1c4e3a5d7f9b0c2e4a6d81/elasticsearch/main-elasticsearch/keystore",
        None,
    );
    assert_eq!(other.json(), json!({"secrets": {}}));
}

#[test]
fn keystore_and_proxy_404s_use_the_spec_codes() {
    let s = start(config());
    let r = s.api(
        "GET",
        "/deployments/ffffffffffffffffffffffffffffffff/elasticsearch/main-elasticsearch/keystore",
        None,
    );
    assert_eq!(
        (r.status, r.codes()),
        (404, vec!["deployments.deployment_not_found".to_string()])
    );
    let r = s.api(
        "PATCH",
        &format!("/deployments/{DEP}/elasticsearch/other-es/keystore"),
        Some(r#"{"secrets":{}}"#),
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.codes(), ["deployments.deployment_resource_not_found"]);
    assert_eq!(r.fields(), ["ref_id"]);
    let auth = format!("ApiKey {KEY}");
    let h = [
        ("Authorization", auth.as_str()),
        ("X-Management-Request", "true"),
    ];
    let r = s
        .send("GET", "/deployments/ffffffffffffffffffffffffffffffff/elasticsearch/main-elasticsearch/proxy/_snapshot", &h, None)
        .unwrap();
    assert_eq!(r.codes(), ["deployments.deployment_not_found"]);
    let r = s
        .send(
            "GET",
            &format!("/deployments/{DEP}/elasticsearch/nope/proxy/_snapshot"),
            &h,
            None,
        )
        .unwrap();
    assert_eq!(r.codes(), ["deployments.deployment_resource_not_found"]);
    let r = s
        .send(
            "GET",
            &format!("/deployments/{DEP}/kibana/main-kibana/proxy/api/status"),
            &h,
            None,
        )
        .unwrap();
    assert_eq!(
        (r.status, r.codes()),
        (501, vec![ecekit_simulator::CODE_NOT_SIMULATED.to_string()])
    );
}

#[test]
fn bodies_that_do_not_match_the_schema_are_400_with_fields() {
    let s = start(config());
    let path = s.keystore_path();
    s.api(
        "PATCH",
        &path,
        Some(r#"{"secrets":{"keep.me":{"value":"v"}}}"#),
    );
    let cases: &[(&str, &[&str])] = &[
        (r#"{"secrets": {"a": {"value": "x"},}}"#, &[]),
        ("", &[]),
        ("{}", &["secrets"]),
        (r#"{"secrets": []}"#, &["secrets"]),
        (
            r#"{"secrets": {"s3.client.default.access_key": "AKIA"}}"#,
            &["secrets[\"s3.client.default.access_key\"]"],
        ),
        (
            r#"{"secrets": {"k": {"value": "x", "as_file": "true"}}}"#,
            &["secrets.k.as_file"],
        ),
        (r#"{"secrets": {"k": {"value": 42}}}"#, &["secrets.k.value"]),
        (
            r#"{"secrets": {"k": {"valeu": "x"}}}"#,
            &["secrets.k.valeu"],
        ),
        (r#"{"secrets": {}, "secret": {}}"#, &["secret"]),
        (r#"["secrets"]"#, &["(body)"]),
    ];
    for (body, fields) in cases {
        let r = s.api("PATCH", &path, Some(body));
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert!(
            r.codes()
                .iter()
                .all(|c| c == ecekit_simulator::CODE_INVALID_JSON),
            "{body}"
        );
        assert_eq!(
            r.header("x-cloud-error-codes"),
            Some(ecekit_simulator::CODE_INVALID_JSON)
        );
        assert_eq!(&r.fields(), fields, "{body}");
        let message = r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.len() > 20, "{message}");
        conforms("BasicFailedReply", &r.json());
    }
    // Several problems are all reported.
    let r = s.api(
        "PATCH",
        &path,
        Some(r#"{"secrets": {"a": 1, "b": {"as_file": 1}}, "x": 2}"#),
    );
    assert_eq!(r.fields().len(), 3, "{}", r.text);
    // Nothing was applied.
    assert_eq!(
        s.api("GET", &path, None).json(),
        json!({"secrets": {"keep.me": {"as_file": false}}})
    );
}

#[test]
fn proxy_refuses_calls_without_the_management_header() {
    let s = start(config());
    let auth = format!("ApiKey {KEY}");
    let path = format!("/deployments/{DEP}/elasticsearch/{ES}/proxy/_snapshot/repo");
    for extra in [None, Some("false"), Some("")] {
        let mut h = vec![("Authorization", auth.as_str())];
        if let Some(v) = extra {
            h.push(("X-Management-Request", v));
        }
        let r = s
            .send(
                "PUT",
                &path,
                &h,
                Some(r#"{"type":"s3","settings":{"bucket":"b"}}"#),
            )
            .unwrap();
        assert_eq!(r.status, 400, "{extra:?}");
        assert_eq!(
            r.codes(),
            [ecekit_simulator::CODE_MISSING_MANAGEMENT_HEADER]
        );
        assert_eq!(r.fields(), ["X-Management-Request"]);
    }
    // Nothing was registered.
    assert_eq!(s.proxy("GET", "_snapshot/repo", None).status, 404);
}

#[test]
fn repository_verifies_only_after_credentials_are_reloaded() {
    let s = start(config());
    let repo =
        r#"{"type":"s3","settings":{"bucket":"snapshots","client":"backup","base_path":"prod"}}"#;
    let put = s.proxy("PUT", "_snapshot/my-repo?verify=false", Some(repo));
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(put.json(), json!({"acknowledged": true}));
    let got = s.proxy("GET", "_snapshot/my-repo", None);
    assert_eq!(got.json()["my-repo"]["settings"]["bucket"], "snapshots");
    // Generated clients encode the slashes of {proxy_path}.
    let encoded = s.proxy("GET", "_snapshot%2Fmy-repo", None);
    assert_eq!(encoded.json(), got.json());

    let v = s.proxy("POST", "_snapshot/my-repo/_verify", None);
    assert_eq!(v.status, 500);
    assert_eq!(
        v.json()["error"]["type"],
        "repository_verification_exception"
    );
    assert_eq!(v.json()["status"], 500);
    assert!(v.text.contains("s3.client.backup.access_key"), "{}", v.text);

    let creds = json!({"secrets": {
        "s3.client.backup.access_key": {"value": "AKIAEXAMPLEKEY000001"},
        "s3.client.backup.secret_key": {"value": "wJalr/SECRET"}
    }});
    assert_eq!(
        s.api("PATCH", &s.keystore_path(), Some(&creds.to_string()))
            .status,
        200
    );
    let v = s.proxy("POST", "_snapshot/my-repo/_verify", None);
    assert_eq!(v.status, 500, "not reloaded yet");
    assert!(v.text.contains("reload_secure_settings"));
    // Registering again (with verification) fails the same way, and says why.
    let again = s.proxy("PUT", "_snapshot/my-repo", Some(repo));
    assert_eq!(again.status, 500);

    let reload = s.proxy("POST", "_nodes/reload_secure_settings", Some("{}"));
    assert_eq!(reload.status, 200);
    let nodes = reload.json()["nodes"].as_object().unwrap().clone();
    assert_eq!(nodes.len(), 2);
    assert_eq!(reload.json()["_nodes"]["failed"], 0);

    let v = s.proxy("POST", "_snapshot/my-repo/_verify", None);
    assert_eq!(v.status, 200, "{}", v.text);
    let verified = v.json()["nodes"].as_object().unwrap().clone();
    assert_eq!(
        verified.keys().collect::<Vec<_>>(),
        nodes.keys().collect::<Vec<_>>()
    );
    assert!(verified
        .values()
        .all(|n| n["name"].as_str().unwrap().starts_with("instance-")));
    assert_eq!(s.proxy("PUT", "_snapshot/my-repo", Some(repo)).status, 200);
    assert!(!v.text.contains("wJalr"));

    assert_eq!(s.proxy("DELETE", "_snapshot/my-repo", None).status, 200);
    let gone = s.proxy("GET", "_snapshot/my-repo", None);
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["error"]["type"], "repository_missing_exception");
    let bad = s.proxy("PUT", "_snapshot/r2", Some("{not json"));
    assert_eq!(bad.status, 400);
}

#[test]
fn platform_repositories() {
    let s = start(config());
    let body = r#"{"type":"s3","settings":{"region":"us-east-1","bucket":"b","access_key":"AK","secret_key":"SK"}}"#;
    let r = s.api(
        "PUT",
        "/platform/configuration/snapshots/repositories/ece-snaps",
        Some(body),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["repository_name"], "ece-snaps");
    assert_eq!(r.json()["config"]["settings"]["bucket"], "b");
    let g = s.api(
        "GET",
        "/platform/configuration/snapshots/repositories/ece-snaps",
        None,
    );
    assert_eq!(g.json(), r.json());
    let all = s.api(
        "GET",
        "/platform/configuration/snapshots/repositories",
        None,
    );
    assert_eq!(all.json()["configs"].as_array().unwrap().len(), 1);
    let missing = s.api(
        "GET",
        "/platform/configuration/snapshots/repositories/nope",
        None,
    );
    assert_eq!(missing.status, 404);
    let bad = s.api(
        "PUT",
        "/platform/configuration/snapshots/repositories/x",
        Some(r#"{"settings":{}}"#),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.fields(), ["type"]);
    let bad = s.api(
        "PUT",
        "/platform/configuration/snapshots/repositories/x",
        Some(r#"{"type":"s3","settings":[]}"#),
    );
    assert_eq!(bad.fields(), ["settings"]);
}

#[test]
fn unknown_paths_and_methods() {
    let s = start(config());
    let r = s.api("GET", "/nothing/here", None);
    assert_eq!(r.status, 404);
    assert_eq!(r.codes(), [ecekit_simulator::CODE_NOT_FOUND]);
    let r = s.api("DELETE", "/deployments", None);
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Allow"), Some("GET"));
    let r = s.api("POST", &s.keystore_path(), Some("{}"));
    assert_eq!(r.status, 405);
}

#[test]
fn stored_bytes_are_exactly_what_was_sent() {
    let s = start(config());
    let tricky = "a'b\"c\\d $HOME `x` \u{e9}\u{1F600}\nline2\t!";
    let body = json!({"secrets": {"s3.client.default.secret_key": {"value": tricky}}});
    assert_eq!(
        s.api("PATCH", &s.keystore_path(), Some(&body.to_string()))
            .status,
        200
    );
    let digest = s.api("GET", &format!("/__simulator/keystore/{DEP}/{ES}"), None);
    assert_eq!(digest.status, 200);
    let entry = &digest.json()["secrets"]["s3.client.default.secret_key"];
    assert_eq!(entry["length"], tricky.len());
    let expected: String = ring_free_sha256(tricky.as_bytes());
    assert_eq!(entry["sha256"], expected);
    assert_eq!(entry["loaded"], false);
    assert!(!digest.text.contains("line2"));
    // The control endpoint needs the same credentials.
    let r = s
        .send(
            "GET",
            &format!("/__simulator/keystore/{DEP}/{ES}"),
            &[],
            None,
        )
        .unwrap();
    assert_eq!(r.status, 401);
}

/// A small independent SHA-256 (FIPS 180-4) so the test does not trust the
/// simulator's own digest code.
fn ring_free_sha256(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                chunk[4 * i],
                chunk[4 * i + 1],
                chunk[4 * i + 2],
                chunk[4 * i + 3],
            ]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [
                t1.wrapping_add(t2),
                v[0],
                v[1],
                v[2],
                v[3].wrapping_add(t1),
                v[4],
                v[5],
                v[6],
            ];
        }
        for i in 0..8 {
            h[i] = h[i].wrapping_add(v[i]);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[test]
fn the_test_sha256_is_right() {
    assert_eq!(
        ring_free_sha256(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}
