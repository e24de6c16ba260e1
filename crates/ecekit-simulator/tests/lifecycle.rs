//! Proving the backup (issue 17) over HTTP: repository analysis through the
//! proxy (cut at its limit) and on the direct endpoint, SLM policies run to
//! a snapshot followed to its end, a node whose reload fails, cluster
//! settings, and what a limited key may do.

mod common;

use common::*;
use ecekit_simulator::Config;
use serde_json::json;
use std::time::{Duration, Instant};

fn ready(config: Config) -> Sim {
    let s = start(config);
    let creds = json!({"secrets": {
        "s3.client.default.access_key": {"value": "AKIAEXAMPLEKEY000009"},
        "s3.client.default.secret_key": {"value": "secret"}
    }});
    assert_eq!(
        s.api("PATCH", &s.keystore_path(), Some(&creds.to_string()))
            .status,
        200
    );
    assert_eq!(
        s.proxy("POST", "_nodes/reload_secure_settings", None)
            .status,
        200
    );
    let r = s.proxy(
        "PUT",
        "_snapshot/backup",
        Some(r#"{"type":"s3","settings":{"bucket":"b","base_path":"prod"}}"#),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    s
}

#[test]
fn the_proxy_cuts_a_slow_analysis_and_the_endpoint_lets_it_finish() {
    let s = ready(Config {
        proxy_timeout: Duration::from_millis(800),
        ..config()
    });
    let quick = s.proxy(
        "POST",
        "_snapshot/backup/_analyze?blob_count=10&max_blob_size=1mb",
        None,
    );
    assert_eq!(quick.status, 200, "{}", quick.text);
    assert_eq!(quick.json()["blob_count"], 10);

    let hook = s.api(
        "PUT",
        &format!("/__simulator/hooks/{DEP}"),
        Some(r#"{"analyze":"slow"}"#),
    );
    assert_eq!(hook.status, 200);
    let began = Instant::now();
    let cut = s.proxy("POST", "_snapshot/backup/_analyze?timeout=1h", None);
    let took = began.elapsed();
    assert_eq!(cut.status, 504, "{}", cut.text);
    assert_eq!(cut.codes(), ["root.gateway_timeout"]);
    let problems = ecekit_simulator::spec::spec().validate("BasicFailedReply", &cut.json());
    assert!(problems.is_empty(), "{problems:?}");
    assert!(
        took >= Duration::from_millis(750) && took < Duration::from_millis(1500),
        "{took:?}"
    );

    // On the deployment's own endpoint there is no proxy limit.
    let endpoint = s.endpoint_of(DEP);
    let auth = format!("ApiKey {}", s.sim.es_api_key());
    let began = Instant::now();
    let done = s.es_at(
        &endpoint,
        "POST",
        "_snapshot/backup/_analyze?timeout=1h",
        &auth,
        None,
    );
    assert_eq!(done.status, 200, "{}", done.text);
    assert!(
        began.elapsed() >= Duration::from_millis(1500),
        "twice the proxy limit"
    );

    // With a timeout under the limit, Elasticsearch's own timeout answers.
    let timed = s.proxy("POST", "_snapshot/backup/_analyze?timeout=300ms", None);
    assert_eq!(timed.status, 500);
    assert_eq!(
        timed.json()["error"]["caused_by"]["reason"],
        "[backup] analysis timed out after [300ms]"
    );
    let lost = s.api(
        "PUT",
        &format!("/__simulator/hooks/{DEP}"),
        Some(r#"{"analyze":"lost_write"}"#),
    );
    assert_eq!(lost.json()["analyze"], "lost_write");
    let failed = s.proxy("POST", "_snapshot/backup/_analyze", None);
    assert_eq!(failed.status, 500);
    assert!(failed
        .text
        .contains("reported blob not found after it was written"));
}

#[test]
fn an_slm_policy_runs_a_snapshot_that_is_followed_to_success() {
    let s = ready(Config {
        snapshot_duration: Duration::from_millis(400),
        ..config()
    });
    let policy = json!({
        "name": "<nightly-{now/d}>",
        "schedule": "0 30 1 * * ?",
        "repository": "backup",
        "config": {"indices": ["logs-*"], "include_global_state": false},
        "retention": {"expire_after": "30d", "min_count": 5, "max_count": 50}
    });
    let put = s.proxy("PUT", "_slm/policy/nightly", Some(&policy.to_string()));
    assert_eq!(put.status, 200, "{}", put.text);
    let bad = s.proxy(
        "PUT",
        "_slm/policy/bad",
        Some(r#"{"name":"x","schedule":"0 0 * * * *","repository":"backup"}"#),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.json()["error"]["reason"],
        "Validation Failed: 1: invalid schedule [0 0 * * * *]: must be a valid cron expression or time unit;"
    );
    let run = s.proxy("POST", "_slm/policy/nightly/_execute", None);
    assert_eq!(run.status, 200);
    let name = run.json()["snapshot_name"].as_str().unwrap().to_string();
    assert!(name.starts_with("nightly-"), "{name}");
    let first = s
        .proxy("GET", &format!("_snapshot/backup/{name}"), None)
        .json();
    assert_eq!(first["snapshots"][0]["state"], "IN_PROGRESS");
    assert_eq!(
        first["snapshots"][0]["indices"],
        json!(["logs-app-2025.01"])
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    let state = loop {
        let got = s
            .proxy("GET", &format!("_snapshot/backup/{name}"), None)
            .json();
        let state = got["snapshots"][0]["state"].as_str().unwrap().to_string();
        if state != "IN_PROGRESS" || Instant::now() > deadline {
            break state;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(state, "SUCCESS");
    let status = s
        .proxy("GET", &format!("_snapshot/backup/{name}/_status"), None)
        .json();
    assert_eq!(status["snapshots"][0]["shards_stats"]["done"], 2);
    let p = s.proxy("GET", "_slm/policy/nightly?human", None).json();
    assert_eq!(p["nightly"]["last_success"]["snapshot_name"], name);
    assert_eq!(p["nightly"]["stats"]["snapshots_taken"], 1);
    assert!(p["nightly"]["next_execution"]
        .as_str()
        .unwrap()
        .ends_with("T01:30:00.000Z"));

    // The snapshot hook: the next one ends FAILED, and SLM says so.
    s.api(
        "PUT",
        &format!("/__simulator/hooks/{DEP}"),
        Some(r#"{"snapshot":"failed"}"#),
    );
    let run = s.proxy("POST", "_slm/policy/nightly/_execute", None).json();
    let failed = run["snapshot_name"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(600));
    let got = s
        .proxy("GET", &format!("_snapshot/backup/{failed}"), None)
        .json();
    assert_eq!(got["snapshots"][0]["state"], "FAILED");
    assert!(got["snapshots"][0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("Indices don't have primary shards"));
    let p = s.proxy("GET", "_slm/policy/nightly", None).json();
    assert_eq!(p["nightly"]["last_failure"]["snapshot_name"], failed);
}

#[test]
fn a_node_whose_reload_fails_is_named_and_verification_then_fails_on_it() {
    let s = start(config());
    s.api(
        "PUT",
        &format!("/__simulator/hooks/{DEP}"),
        Some(r#"{"reload":"fail"}"#),
    );
    let creds = json!({"secrets": {
        "s3.client.default.access_key": {"value": "AKIAEXAMPLEKEY000010"},
        "s3.client.default.secret_key": {"value": "secret"}
    }});
    assert_eq!(
        s.api("PATCH", &s.keystore_path(), Some(&creds.to_string()))
            .status,
        200
    );
    let reload = s.proxy("POST", "_nodes/reload_secure_settings", None);
    assert_eq!(reload.status, 200);
    let body = reload.json();
    assert_eq!(
        body["_nodes"],
        json!({"total": 2, "successful": 2, "failed": 0})
    );
    let failing: Vec<_> = body["nodes"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, n)| n.get("reload_exception").is_some())
        .collect();
    assert_eq!(failing.len(), 1);
    assert_eq!(
        failing[0].1["reload_exception"]["reason"],
        "Keystore is missing"
    );
    let digests = s
        .api(
            "GET",
            &format!("/__simulator/keystore/{DEP}/main-elasticsearch"),
            None,
        )
        .json();
    assert_eq!(
        digests["secrets"]["s3.client.default.access_key"]["loaded"],
        false
    );
    assert_eq!(
        digests["secrets"]["s3.client.default.access_key"]["loaded_on"],
        json!(["instance-0000000000"])
    );
    // The master has the keys: registering without verification works,
    // verification fails on the node that did not load them.
    let put = s.proxy(
        "PUT",
        "_snapshot/backup?verify=false",
        Some(r#"{"type":"s3","settings":{"bucket":"b","base_path":"prod"}}"#),
    );
    assert_eq!(put.status, 200);
    let verify = s.proxy("POST", "_snapshot/backup/_verify", None);
    assert_eq!(verify.status, 500, "{}", verify.text);
    assert!(verify.json()["error"]["reason"]
        .as_str()
        .unwrap()
        .contains(failing[0].0));
    // Once the node reloads, it verifies.
    s.api("DELETE", &format!("/__simulator/hooks/{DEP}"), None);
    assert_eq!(
        s.proxy("POST", "_nodes/reload_secure_settings", None)
            .status,
        200
    );
    assert_eq!(
        s.proxy("POST", "_snapshot/backup/_verify", None).status,
        200
    );
}

#[test]
fn cluster_settings_change_the_slm_minimum_interval() {
    let s = ready(config());
    let every_five = r#"{"name":"s","schedule":"0 */5 * * * ?","repository":"backup"}"#;
    assert_eq!(
        s.proxy("PUT", "_slm/policy/often", Some(every_five)).status,
        400
    );
    let set = s.proxy(
        "PUT",
        "_cluster/settings",
        Some(r#"{"persistent":{"slm.minimum_interval":"1m"}}"#),
    );
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(
        s.proxy("PUT", "_slm/policy/often", Some(every_five)).status,
        200
    );
}

#[test]
fn a_limited_key_reads_slm_and_snapshots_but_cannot_change_them() {
    let s = start(config());
    let es = s.sim.es_url().to_string();
    let full = format!("ApiKey {}", s.sim.es_api_key());
    let limited = format!("ApiKey {}", s.sim.es_limited_api_key());
    let repo = r#"{"type":"fs","settings":{"location":"nightly"}}"#;
    assert_eq!(
        s.es_at(&es, "PUT", "_snapshot/local", &full, Some(repo))
            .status,
        200
    );
    let policy = r#"{"name":"snap","schedule":"1d","repository":"local"}"#;
    let r = s.es_at(&es, "PUT", "_slm/policy/daily", &limited, Some(policy));
    assert_eq!(r.status, 403);
    assert!(r.json()["error"]["reason"]
        .as_str()
        .unwrap()
        .contains("[cluster:admin/slm/put]"));
    assert_eq!(
        s.es_at(&es, "PUT", "_slm/policy/daily", &full, Some(policy))
            .status,
        200
    );
    assert_eq!(
        s.es_at(&es, "GET", "_slm/policy/daily", &limited, None)
            .status,
        200
    );
    assert_eq!(
        s.es_at(&es, "POST", "_slm/policy/daily/_execute", &limited, None)
            .status,
        403
    );
    let run = s
        .es_at(&es, "POST", "_slm/policy/daily/_execute", &full, None)
        .json();
    let name = run["snapshot_name"].as_str().unwrap();
    let got = s.es_at(
        &es,
        "GET",
        &format!("_snapshot/local/{name}"),
        &limited,
        None,
    );
    assert_eq!(got.status, 200, "{}", got.text);
    let analyze = s.es_at(&es, "POST", "_snapshot/local/_analyze", &limited, None);
    assert_eq!(analyze.status, 403);
    assert!(analyze.json()["error"]["reason"]
        .as_str()
        .unwrap()
        .contains("[cluster:admin/repository/analyze]"));
}

#[test]
fn the_fleet_has_slm_history() {
    let s = start(Config {
        deployments: 30,
        seed: 5,
        ..config()
    });
    let m = s.api("GET", "/__simulator/fleet", None).json();
    let find = |profile: &str| {
        m["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["profile"] == profile)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let auth = format!("ApiKey {KEY}");
    let policy = |id: &str| {
        s.send(
            "GET",
            &format!("/deployments/{id}/elasticsearch/main-elasticsearch/proxy/_slm/policy/nightly-snapshots"),
            &[("Authorization", &auth), ("X-Management-Request", "true")],
            None,
        )
        .unwrap()
        .json()
    };
    let healthy = policy(&find("healthy"));
    let p = &healthy["nightly-snapshots"];
    assert!(p["last_success"]["snapshot_name"]
        .as_str()
        .unwrap()
        .starts_with("nightly-"));
    assert!(p.get("last_failure").is_none());
    let failing = policy(&find("slm-failing"));
    let p = &failing["nightly-snapshots"];
    assert!(p["last_failure"]["time"].as_i64() > p["last_success"]["time"].as_i64());
    let missing = policy(&find("missing-keys"));
    assert!(missing["nightly-snapshots"]["last_failure"]["details"]
        .as_str()
        .unwrap()
        .contains("repository_exception"));
}
