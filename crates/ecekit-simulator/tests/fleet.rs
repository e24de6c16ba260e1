//! Fleets (issue 19): generated deployments in varied, deterministic
//! states, per-deployment faults, the rate limit and the hooks.

mod common;

use common::*;
use ecekit_simulator::spec::spec;
use ecekit_simulator::Config;
use serde_json::{json, Value};
use std::time::Duration;

fn fleet(n: usize, seed: u64) -> Sim {
    start(Config {
        deployments: n,
        seed,
        ..config()
    })
}

fn manifest(s: &Sim) -> Vec<Value> {
    let m = s.api("GET", "/__simulator/fleet", None);
    assert_eq!(m.status, 200, "{}", m.text);
    m.json()["deployments"].as_array().unwrap().clone()
}

fn with_profile<'a>(m: &'a [Value], profile: &str) -> Vec<&'a Value> {
    m.iter().filter(|d| d["profile"] == profile).collect()
}

#[test]
fn a_fleet_of_fifty_lists_fifty_with_tags_and_every_state() {
    let s = fleet(50, 7);
    let list = s.api("GET", "/deployments", None).json();
    assert_eq!(list["deployments"].as_array().unwrap().len(), 50);
    let m = manifest(&s);
    assert_eq!(m.iter().filter(|d| d["listed"] == true).count(), 50);
    for p in [
        "demo",
        "healthy",
        "missing-keys",
        "half-pair",
        "unused-keys",
        "shared-bucket",
        "slm-failing",
        "verify-fails",
        "patch-fails",
        "needs-elevated-permissions",
    ] {
        assert!(!with_profile(&m, p).is_empty(), "no {p}");
    }
    // The same seed gives the same fleet (the ports are free ones).
    let without_ports = |v: &[Value]| -> Vec<Value> {
        v.iter()
            .map(|d| {
                let mut d = d.clone();
                d.as_object_mut().unwrap().remove("endpoint");
                d
            })
            .collect()
    };
    let again = manifest(&fleet(50, 7));
    assert!(
        without_ports(&m) == without_ports(&again),
        "the fleet differs for one seed"
    );
    // Tags are in the deployment info.
    let one = with_profile(&m, "healthy")[0];
    let info = s
        .api(
            "GET",
            &format!("/deployments/{}", one["id"].as_str().unwrap()),
            None,
        )
        .json();
    assert_eq!(info["metadata"]["tags"], one["tags"]);
    // The deployment info says how its snapshots go (SnapshotStatusInfo).
    let snapshots = &info["resources"]["elasticsearch"][0]["info"]["snapshots"];
    assert_eq!(snapshots["recent_success"], true, "{snapshots}");
    assert_eq!(snapshots["latest_status"], "SUCCESS");
    let missing = with_profile(&m, "missing-keys")[0];
    let info = s
        .api(
            "GET",
            &format!("/deployments/{}", missing["id"].as_str().unwrap()),
            None,
        )
        .json();
    assert_eq!(
        info["resources"]["elasticsearch"][0]["info"]["snapshots"]["recent_success"],
        false
    );
}

fn failed_reply(r: &Resp) {
    let problems = spec().validate("BasicFailedReply", &r.json());
    assert!(problems.is_empty(), "{problems:?} in {}", r.text);
}

/// The keystore names of a deployment, through the API.
fn keystore_names(s: &Sim, id: &str) -> Vec<String> {
    let r = s.api(
        "GET",
        &format!("/deployments/{id}/elasticsearch/main-elasticsearch/keystore"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["secrets"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

fn proxy_to(s: &Sim, id: &str, method: &str, path: &str) -> Resp {
    let auth = format!("ApiKey {KEY}");
    s.send(
        method,
        &format!("/deployments/{id}/elasticsearch/main-elasticsearch/proxy/{path}"),
        &[("Authorization", &auth), ("X-Management-Request", "true")],
        None,
    )
    .unwrap()
}

#[test]
fn each_state_answers_as_it_says() {
    let s = fleet(40, 3);
    let m = manifest(&s);
    let id = |d: &Value| d["id"].as_str().unwrap().to_string();
    for d in with_profile(&m, "healthy").iter().take(3) {
        let client = d["client"].as_str().unwrap();
        assert_eq!(
            keystore_names(&s, &id(d)),
            [
                format!("s3.client.{client}.access_key"),
                format!("s3.client.{client}.secret_key")
            ]
        );
        let v = proxy_to(&s, &id(d), "POST", "_snapshot/s3-backup/_verify");
        assert_eq!(v.status, 200, "{}", v.text);
    }
    let missing = with_profile(&m, "missing-keys")[0];
    assert!(keystore_names(&s, &id(missing)).is_empty());
    assert_eq!(
        proxy_to(&s, &id(missing), "POST", "_snapshot/s3-backup/_verify").status,
        500
    );
    let half = with_profile(&m, "half-pair")[0];
    assert_eq!(keystore_names(&s, &id(half)).len(), 1);
    let unused = with_profile(&m, "unused-keys")[0];
    assert!(keystore_names(&s, &id(unused))
        .iter()
        .any(|k| k.starts_with("s3.client.legacy.")));
    let shared = with_profile(&m, "shared-bucket");
    assert_eq!(shared.len(), 2);
    assert_eq!(shared[0]["bucket"], shared[1]["bucket"]);
    assert_eq!(shared[0]["base_path"], shared[1]["base_path"]);
    let repo = proxy_to(&s, &id(shared[1]), "GET", "_snapshot/s3-backup").json();
    assert_eq!(
        repo["s3-backup"]["settings"]["base_path"],
        shared[0]["base_path"]
    );

    let verify_fails = with_profile(&m, "verify-fails")[0];
    let v = proxy_to(&s, &id(verify_fails), "POST", "_snapshot/s3-backup/_verify");
    assert_eq!(v.status, 500);
    assert!(v.text.contains("AccessDenied"), "{}", v.text);

    let patch_fails = with_profile(&m, "patch-fails")[0];
    let path = format!(
        "/deployments/{}/elasticsearch/main-elasticsearch/keystore",
        id(patch_fails)
    );
    let r = s.api("PATCH", &path, Some(r#"{"secrets":{"a.b":{"value":"x"}}}"#));
    assert_eq!(r.status, 500);
    assert_eq!(r.codes(), ["deployments.metadata_internal_error"]);
    assert_eq!(s.api("GET", &path, None).status, 200, "reads still work");

    let elevated = with_profile(&m, "needs-elevated-permissions")[0];
    let path = format!(
        "/deployments/{}/elasticsearch/main-elasticsearch/keystore",
        id(elevated)
    );
    for (method, body) in [("GET", None), ("PATCH", Some(r#"{"secrets":{}}"#))] {
        let r = s.api(method, &path, body);
        assert_eq!(r.status, 449, "{method}");
        failed_reply(&r);
        assert_eq!(
            r.codes(),
            ["root.unauthorized.rbac.elevated_permissions_required"]
        );
        assert_eq!(
            r.header("x-cloud-error-codes"),
            Some("root.unauthorized.rbac.elevated_permissions_required")
        );
    }
}

#[test]
fn hooks_turn_faults_on_and_off_for_one_deployment() {
    let s = start(config());
    let path = format!("/__simulator/hooks/{DEP}");
    let on = s.api(
        "PUT",
        &path,
        Some(r#"{"keystore_patch":"fail","elevated_permissions":false,"reload":"fail"}"#),
    );
    assert_eq!(on.status, 200, "{}", on.text);
    assert_eq!(on.json()["keystore_patch"], "fail");
    assert_eq!(on.json()["reload"], "fail");
    let patch = s.api("PATCH", &s.keystore_path(), Some(r#"{"secrets":{}}"#));
    assert_eq!(patch.status, 500);
    let reload = s.proxy("POST", "_nodes/reload_secure_settings", None);
    let nodes = reload.json()["nodes"].as_object().unwrap().clone();
    assert_eq!(
        nodes
            .values()
            .filter(|n| n.get("reload_exception").is_some())
            .count(),
        1
    );
    assert_eq!(s.api("DELETE", &path, None).status, 200);
    assert_eq!(
        s.api("PATCH", &s.keystore_path(), Some(r#"{"secrets":{}}"#))
            .status,
        200
    );
    let bad = s.api("PUT", &path, Some(r#"{"reload":"sometimes"}"#));
    assert_eq!(bad.status, 400);
    assert_eq!(
        s.api("PUT", "/__simulator/hooks/nope", Some("{}")).status,
        404
    );
    let sm = s.api(
        "PUT",
        "/__simulator/hooks/self-managed",
        Some(r#"{"verify":"fail"}"#),
    );
    assert_eq!(sm.status, 200);
    assert!(
        sm.json().get("keystore_patch").is_none(),
        "not a deployment"
    );
    assert_eq!(
        s.api("GET", "/__simulator/hooks/self-managed", None).json()["verify"],
        "fail"
    );
}

#[test]
fn past_the_rate_limit_answers_429_with_retry_after() {
    let s = start(Config {
        rate_limit: Some(5),
        ..config()
    });
    let statuses: Vec<u16> = (0..8)
        .map(|_| s.api("GET", "/deployments", None).status)
        .collect();
    assert_eq!(&statuses[..5], &[200; 5]);
    let limited = s.api("GET", "/deployments", None);
    assert_eq!(limited.status, 429, "{statuses:?}");
    assert_eq!(limited.codes(), ["root.rate_limited"]);
    failed_reply(&limited);
    let retry: u64 = limited.header("Retry-After").unwrap().parse().unwrap();
    assert!((1..=1).contains(&retry), "{retry}");
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(s.api("GET", "/deployments", None).status, 200);
    // The control endpoints are not limited.
    for _ in 0..10 {
        assert_eq!(s.api("GET", "/__simulator/fleet", None).status, 200);
    }
    assert!(json!(statuses).is_array());
}

#[test]
fn search_filters_the_fleet_by_tag_name_and_pages() {
    let s = fleet(40, 9);
    let m = manifest(&s);
    let logs: Vec<&Value> = m
        .iter()
        .filter(|d| {
            d["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["key"] == "team" && t["value"] == "logs")
        })
        .collect();
    assert!(!logs.is_empty());
    let by_tag = json!({"query": {"nested": {"path": "metadata.tags", "query": {"bool": {"must": [
        {"term": {"metadata.tags.key": {"value": "team"}}},
        {"term": {"metadata.tags.value": {"value": "logs"}}}
    ]}}}}});
    let r = s.api("POST", "/deployments/_search", Some(&by_tag.to_string()));
    assert_eq!(r.status, 200, "{}", r.text);
    let found: Vec<String> = r.json()["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = logs
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(found, expected);
    assert_eq!(r.json()["match_count"], logs.len());
    // A key of one tag and the value of another do not match together.
    let crossed = json!({"query": {"nested": {"path": "metadata.tags", "query": {"bool": {"must": [
        {"term": {"metadata.tags.key": {"value": "env"}}},
        {"term": {"metadata.tags.value": {"value": "logs"}}}
    ]}}}}});
    let r = s.api("POST", "/deployments/_search", Some(&crossed.to_string()));
    assert_eq!(r.json()["match_count"], 0);

    let prefix = json!({"query": {"prefix": {"name": {"value": "logging-"}}}});
    let r = s
        .api("POST", "/deployments/_search", Some(&prefix.to_string()))
        .json();
    assert_eq!(r["deployments"][0]["name"], "logging-prod");

    // Pages of 15 with a cursor, then the minimal form.
    let mut seen = Vec::new();
    let mut body = json!({"size": 15});
    loop {
        let page = s
            .api("POST", "/deployments/_search", Some(&body.to_string()))
            .json();
        assert_eq!(page["match_count"], 40);
        seen.extend(
            page["deployments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].clone()),
        );
        match page["cursor"].as_str() {
            Some(c) => body = json!({"cursor": c}),
            None => break,
        }
    }
    assert_eq!(seen.len(), 40);
    let minimal = s
        .api(
            "POST",
            "/deployments/_search?minimal_metadata=id,name",
            Some("{}"),
        )
        .json();
    assert_eq!(minimal["deployments"], json!([]));
    assert_eq!(
        minimal["minimal_metadata"][0],
        json!({"id": m[0]["id"], "name": "logging-prod"})
    );

    // The spec's shapes only: a term needs {"value": ...}.
    let short = s.api(
        "POST",
        "/deployments/_search",
        Some(r#"{"query":{"term":{"name":"x"}}}"#),
    );
    assert_eq!(short.status, 400, "{}", short.text);
    assert_eq!(short.codes()[0], "root.invalid_json_request");
    let qs = s.api(
        "POST",
        "/deployments/_search",
        Some(r#"{"query":{"query_string":{"query":"logs"}}}"#),
    );
    assert_eq!(qs.status, 501);
}
