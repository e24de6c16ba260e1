//! The direct Elasticsearch endpoints (issue 18): the self-managed cluster
//! and each deployment's own endpoint, their credentials and refusals, and
//! one world shared with the coordinator (ECE and Elastic Cloud).

mod common;

use base64::Engine;
use common::*;
use ecekit_simulator::{Config, Platform};
use serde_json::{json, Value};

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

fn reason(r: &Resp) -> String {
    r.json()["error"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_self_managed_endpoint_takes_api_keys_and_basic_auth() {
    let s = start(Config {
        es_password: Some("es-test-password".into()),
        ..config()
    });
    let es = s.sim.es_url().to_string();
    assert!(es.starts_with("http://127.0.0.1:"), "{es}");

    let full = format!("ApiKey {}", s.sim.es_api_key());
    let root = s.es_at(&es, "GET", "/", &full, None);
    assert_eq!(root.status, 200, "{}", root.text);
    assert_eq!(root.json()["version"]["number"], "8.17.3");
    assert_eq!(root.json()["cluster_name"], "self-managed");

    let who = s
        .es_at(&es, "GET", "_security/_authenticate", &full, None)
        .json();
    assert_eq!(who["authentication_type"], "api_key");
    assert_eq!(who["api_key"]["name"], "ecekit-simulator");

    let user = basic("elastic", "es-test-password");
    let who = s
        .es_at(&es, "GET", "_security/_authenticate", &user, None)
        .json();
    assert_eq!(who["username"], "elastic");
    assert_eq!(who["roles"], json!(["superuser"]));

    // The encoded form is base64(id:api_key).
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(s.sim.es_api_key())
        .unwrap();
    let decoded = String::from_utf8(decoded).unwrap();
    let (id, _) = decoded.split_once(':').unwrap();
    assert_eq!(id.len(), 20);
}

#[test]
fn missing_and_wrong_credentials_get_elasticsearch_401s() {
    let s = start(Config {
        es_password: Some("es-test-password".into()),
        ..config()
    });
    let es = s.sim.es_url().to_string();
    let none = s.es_at(&es, "GET", "_snapshot?local=true", "", None);
    assert_eq!(none.status, 401);
    assert_eq!(none.json()["error"]["type"], "security_exception");
    assert_eq!(
        reason(&none),
        "missing authentication credentials for REST request [/_snapshot?local=true]"
    );
    let challenges: Vec<&str> = none
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("www-authenticate"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(
        challenges,
        [
            "Basic realm=\"security\", charset=\"UTF-8\"",
            "Bearer realm=\"security\"",
            "ApiKey"
        ]
    );
    assert_eq!(
        none.json()["error"]["header"]["WWW-Authenticate"],
        json!(challenges)
    );

    let wrong_password = s.es_at(&es, "GET", "/", &basic("elastic", "nope"), None);
    assert_eq!(wrong_password.status, 401);
    assert_eq!(
        reason(&wrong_password),
        "unable to authenticate user [elastic] for REST request [/]"
    );

    // The `id:api_key` form must be encoded: sent raw, it is not a key.
    let decoded = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(s.sim.es_api_key())
            .unwrap(),
    )
    .unwrap();
    let raw = s.es_at(&es, "GET", "/", &format!("ApiKey {decoded}"), None);
    assert_eq!(raw.status, 401);
    let (id, _) = decoded.split_once(':').unwrap();
    let forged = base64::engine::general_purpose::STANDARD.encode(format!("{id}:not-the-secret"));
    let r = s.es_at(&es, "GET", "/", &format!("ApiKey {forged}"), None);
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json()["error"]["additional_unsuccessful_credentials"],
        format!("API key: invalid credentials for API key [{id}]")
    );
    // The coordinator's key is not an Elasticsearch credential.
    assert_eq!(
        s.es_at(&es, "GET", "/", &format!("ApiKey {KEY}"), None)
            .status,
        401
    );
}

#[test]
fn a_limited_key_reads_but_gets_403_on_changes() {
    let s = start(config());
    let es = s.sim.es_url().to_string();
    let limited = format!("ApiKey {}", s.sim.es_limited_api_key());
    assert_eq!(s.es_at(&es, "GET", "_snapshot", &limited, None).status, 200);
    let body = r#"{"type":"fs","settings":{"location":"/mnt/snapshots/x"}}"#;
    let r = s.es_at(&es, "PUT", "_snapshot/local", &limited, Some(body));
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json()["error"]["type"], "security_exception");
    let id = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(s.sim.es_limited_api_key())
            .unwrap(),
    )
    .unwrap()
    .split(':')
    .next()
    .unwrap()
    .to_string();
    assert_eq!(
        reason(&r),
        format!("action [cluster:admin/repository/put] is unauthorized for API key id [{id}] of user [elastic], this action is granted by the cluster privileges [manage,all]")
    );
    let reload = s.es_at(&es, "POST", "_nodes/reload_secure_settings", &limited, None);
    assert_eq!(reload.status, 403);
    assert!(reason(&reload).contains("[cluster:admin/nodes/reload_secure_settings]"));
    let privileges = s.es_at(
        &es,
        "POST",
        "_security/user/_has_privileges",
        &limited,
        Some(r#"{"cluster":["manage","monitor_snapshot","manage_slm"]}"#),
    );
    assert_eq!(
        privileges.json()["cluster"],
        json!({"manage": false, "monitor_snapshot": true, "manage_slm": false})
    );
}

#[test]
fn fs_repositories_under_path_repo_register_and_verify() {
    let s = start(config());
    let ok = s.es(
        "PUT",
        "_snapshot/local",
        Some(r#"{"type":"fs","settings":{"location":"/mnt/snapshots/nightly"}}"#),
    );
    assert_eq!(ok.status, 200, "{}", ok.text);
    let v = s.es("POST", "_snapshot/local/_verify", None);
    assert_eq!(v.status, 200, "{}", v.text);
    assert_eq!(v.json()["nodes"].as_object().unwrap().len(), 3);
    let outside = s.es(
        "PUT",
        "_snapshot/elsewhere",
        Some(r#"{"type":"fs","settings":{"location":"/var/backups"}}"#),
    );
    assert_eq!(outside.status, 500);
    assert_eq!(outside.json()["error"]["type"], "repository_exception");
    assert_eq!(
        reason(&outside),
        "[elsewhere] location [/var/backups] doesn't match any of the locations specified by path.repo"
    );
    // The deployments have no path.repo (ECE and Elastic Cloud).
    let r = s.proxy(
        "PUT",
        "_snapshot/local",
        Some(r#"{"type":"fs","settings":{"location":"/mnt/snapshots/nightly"}}"#),
    );
    assert_eq!(r.status, 500);
    assert!(
        r.text.contains("because this setting is empty"),
        "{}",
        r.text
    );
}

#[test]
fn the_self_managed_keystore_already_holds_a_default_s3_client() {
    let s = start(config());
    let r = s.es(
        "PUT",
        "_snapshot/s3",
        Some(r#"{"type":"s3","settings":{"bucket":"backups","base_path":"self-managed"}}"#),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let digests = s
        .api("GET", "/__simulator/keystore/self-managed", None)
        .json();
    let secrets = digests["secrets"].as_object().unwrap();
    assert_eq!(
        secrets.keys().collect::<Vec<_>>(),
        [
            "s3.client.default.access_key",
            "s3.client.default.secret_key"
        ]
    );
    assert!(secrets.values().all(|v| v["loaded"] == true));
    let other = s.es(
        "PUT",
        "_snapshot/s3b",
        Some(r#"{"type":"s3","settings":{"bucket":"backups","client":"other"}}"#),
    );
    assert_eq!(other.status, 500);
}

#[test]
fn a_deployment_endpoint_serves_the_same_cluster_as_the_proxy() {
    let s = start(config());
    let endpoint = s.endpoint_of(DEP);
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    assert_ne!(endpoint, s.sim.es_url());
    let auth = format!("ApiKey {}", s.sim.es_api_key());
    let repo = r#"{"type":"s3","settings":{"bucket":"b","client":"backup"}}"#;
    assert_eq!(
        s.es_at(
            &endpoint,
            "PUT",
            "_snapshot/direct?verify=false",
            &auth,
            Some(repo)
        )
        .status,
        200
    );
    // Registered on the endpoint, seen through the proxy.
    let got = s.proxy("GET", "_snapshot/direct", None);
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["direct"]["settings"]["bucket"], "b");

    // A keystore PATCH through the coordinator, a reload on the endpoint.
    let creds = json!({"secrets": {
        "s3.client.backup.access_key": {"value": "AKIAEXAMPLEKEY000002"},
        "s3.client.backup.secret_key": {"value": "secret"}
    }});
    assert_eq!(
        s.api("PATCH", &s.keystore_path(), Some(&creds.to_string()))
            .status,
        200
    );
    assert_eq!(
        s.es_at(&endpoint, "POST", "_snapshot/direct/_verify", &auth, None)
            .status,
        500
    );
    let reload = s.es_at(
        &endpoint,
        "POST",
        "_nodes/reload_secure_settings",
        &auth,
        None,
    );
    assert_eq!(reload.status, 200, "{}", reload.text);
    let v = s.es_at(&endpoint, "POST", "_snapshot/direct/_verify", &auth, None);
    assert_eq!(v.status, 200, "{}", v.text);
    // The other deployments are other clusters.
    let list = s.api("GET", "/deployments", None).json();
    let other = list["deployments"][1]["id"].as_str().unwrap().to_string();
    let other_endpoint = s.endpoint_of(&other);
    assert_eq!(
        s.es_at(&other_endpoint, "GET", "_snapshot/direct", &auth, None)
            .status,
        404
    );
}

#[test]
fn elastic_cloud_flavour_keystore_then_reload_on_the_endpoint() {
    let s = start(Config {
        platform: Platform::Ess,
        ..config()
    });
    let list = s.api("GET", "/deployments", None);
    assert_eq!(list.status, 200);
    let id = list.json()["deployments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let info = s.api("GET", &format!("/deployments/{id}"), None).json();
    let meta = &info["resources"]["elasticsearch"][0]["info"]["metadata"];
    assert_eq!(
        info["resources"]["elasticsearch"][0]["region"],
        "aws-eu-central-1"
    );
    assert!(info["metadata"].get("system_owned").is_none(), "{info}");
    let endpoint = meta["service_url"].as_str().unwrap().to_string();
    assert_eq!(
        endpoint,
        format!(
            "http://{}:{}",
            meta["endpoint"].as_str().unwrap(),
            meta["ports"]["https"]
        )
    );

    let creds = json!({"secrets": {
        "s3.client.default.access_key": {"value": "AKIAEXAMPLEKEY000003"},
        "s3.client.default.secret_key": {"value": "secret"}
    }});
    let path = format!("/deployments/{id}/elasticsearch/main-elasticsearch/keystore");
    assert_eq!(s.api("PATCH", &path, Some(&creds.to_string())).status, 200);
    let auth = format!("ApiKey {}", s.sim.es_api_key());
    assert_eq!(
        s.es_at(
            &endpoint,
            "POST",
            "_nodes/reload_secure_settings",
            &auth,
            None
        )
        .status,
        200
    );
    let r = s.es_at(
        &endpoint,
        "PUT",
        "_snapshot/cloud",
        &auth,
        Some(r#"{"type":"s3","settings":{"bucket":"b"}}"#),
    );
    assert_eq!(r.status, 200, "{}", r.text);

    // What Elastic Cloud's API does not have.
    let proxy = s.proxy("GET", "_snapshot", None);
    assert_eq!(proxy.status, 404);
    assert_eq!(proxy.codes(), ["root.resource_not_found"]);
    let login = s
        .send(
            "POST",
            "/users/auth/_login",
            &[],
            Some(&json!({"username": "admin", "password": PASSWORD}).to_string()),
        )
        .unwrap();
    assert_eq!(login.status, 404);
    assert_eq!(
        s.api(
            "GET",
            "/platform/configuration/snapshots/repositories",
            None
        )
        .status,
        404
    );
    // API keys only.
    let basic = s
        .send(
            "GET",
            "/deployments",
            &[("Authorization", &basic("admin", PASSWORD))],
            None,
        )
        .unwrap();
    assert_eq!(basic.status, 401);
}

#[test]
fn es_cors_allows_its_origin_and_forbids_others() {
    let origin = "http://127.0.0.1:8080";
    let s = start(Config {
        es_cors_origin: Some(origin.into()),
        ..config()
    });
    let es = s.sim.es_url().to_string();
    let pre = s.send_to(
        "OPTIONS",
        &format!("{es}/_snapshot/r"),
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", "PUT"),
            (
                "Access-Control-Request-Headers",
                "authorization,content-type",
            ),
        ],
        None,
    );
    assert_eq!(pre.status, 200);
    assert_eq!(pre.header("Access-Control-Allow-Origin"), Some(origin));
    assert!(pre
        .header("Access-Control-Allow-Headers")
        .unwrap()
        .contains("Authorization"));
    let auth = format!("ApiKey {}", s.sim.es_api_key());
    let get = s.send_to(
        "GET",
        &format!("{es}/"),
        &[("Origin", origin), ("Authorization", &auth)],
        None,
    );
    assert_eq!(get.status, 200);
    assert_eq!(get.header("Access-Control-Allow-Origin"), Some(origin));
    let other = s.send_to(
        "GET",
        &format!("{es}/"),
        &[("Origin", "http://evil.example"), ("Authorization", &auth)],
        None,
    );
    assert_eq!(other.status, 403);
    assert!(other.text.is_empty());
    // Without the option, no CORS at all (Elasticsearch's default).
    let plain = start(config());
    let r = plain.send_to(
        "GET",
        &format!("{}/", plain.sim.es_url()),
        &[
            ("Origin", origin),
            (
                "Authorization",
                &format!("ApiKey {}", plain.sim.es_api_key()),
            ),
        ],
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Access-Control-Allow-Origin"), None);
}

#[test]
fn reload_answers_never_carry_keystore_values() {
    let s = start(config());
    let r = s.es("POST", "_nodes/reload_secure_settings", None);
    assert_eq!(r.status, 200);
    assert!(!r.text.contains("selfManagedSimulatorSecretKey"));
    let nodes: &Value = &r.json()["nodes"];
    assert_eq!(nodes.as_object().unwrap().len(), 3);
}

#[test]
fn fault_hooks_reach_the_elasticsearch_endpoints() {
    let s = start(config());
    let es = s.sim.es_url().to_string();
    let auth = format!("ApiKey {}", s.sim.es_api_key());
    let r = s.send_to(
        "GET",
        &format!("{es}/"),
        &[("Authorization", &auth), ("X-Simulator-Fault", "error")],
        None,
    );
    assert_eq!(r.status, 500);
    assert_eq!(r.json()["error"]["type"], "simulated_exception");
    let queued = s.api(
        "POST",
        "/__simulator/faults",
        Some(r#"{"fault":"error","count":1,"path_contains":"reload_secure_settings"}"#),
    );
    assert_eq!(queued.status, 200);
    assert_eq!(
        s.es("POST", "_nodes/reload_secure_settings", None).status,
        500
    );
    assert_eq!(
        s.es("POST", "_nodes/reload_secure_settings", None).status,
        200
    );
}

#[test]
fn self_managed_nodes_have_their_own_keystore_files() {
    let s = start(config());
    // `bin/elasticsearch-keystore add` run on two nodes of three.
    let add = json!({
        "secrets": {
            "s3.client.backup.access_key": {"value": "AKIASELFMANAGED00002"},
            "s3.client.backup.secret_key": {"value": "second-secret"}
        },
        "nodes": ["es01", "es02"]
    });
    let r = s.api(
        "PATCH",
        "/__simulator/keystore/self-managed",
        Some(&add.to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json()["secrets"]["s3.client.backup.access_key"]["stored_on"],
        json!(["es01", "es02"])
    );
    let reload = s.es("POST", "_nodes/reload_secure_settings", None);
    assert_eq!(reload.status, 200);
    let repo = r#"{"type":"s3","settings":{"bucket":"b","client":"backup"}}"#;
    let put = s.es("PUT", "_snapshot/backup", Some(repo));
    assert_eq!(put.status, 500, "{}", put.text);
    let text = put.text.clone();
    assert!(
        text.contains("is not accessible on the node [es03]"),
        "{text}"
    );
    assert!(text.contains("bin/elasticsearch-keystore add"), "{text}");
    let digests = s
        .api("GET", "/__simulator/keystore/self-managed", None)
        .json();
    assert_eq!(
        digests["secrets"]["s3.client.backup.access_key"]["loaded_on"],
        json!(["es01", "es02"])
    );
    let third = json!({"secrets": add["secrets"], "nodes": ["es03"]});
    s.api(
        "PATCH",
        "/__simulator/keystore/self-managed",
        Some(&third.to_string()),
    );
    s.es("POST", "_nodes/reload_secure_settings", None);
    assert_eq!(s.es("POST", "_snapshot/backup/_verify", None).status, 200);
    let bad = s.api(
        "PATCH",
        "/__simulator/keystore/self-managed",
        Some(r#"{"secrets":{},"nodes":["es09"]}"#),
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn a_deployment_keystore_out_of_sync_on_a_node_is_fixed_by_remove_and_re_add() {
    let s = start(config());
    let creds = json!({"secrets": {
        "s3.client.default.access_key": {"value": "AKIAEXAMPLEKEY000011"},
        "s3.client.default.secret_key": {"value": "secret"}
    }});
    s.api("PATCH", &s.keystore_path(), Some(&creds.to_string()));
    // The second node's file lost the access key.
    let lost = json!({"secrets": {"s3.client.default.access_key": null}, "nodes": ["instance-0000000001"]});
    let path = format!("/__simulator/keystore/{DEP}/main-elasticsearch");
    assert_eq!(s.api("PATCH", &path, Some(&lost.to_string())).status, 200);
    s.proxy("POST", "_nodes/reload_secure_settings", None);
    let repo = r#"{"type":"s3","settings":{"bucket":"b"}}"#;
    let put = s.proxy("PUT", "_snapshot/r", Some(repo));
    assert_eq!(put.status, 500);
    assert!(put.text.contains("instance-0000000001"), "{}", put.text);
    // The ECE doc's fix: remove the key with the API, then add it back.
    let remove = json!({"secrets": {"s3.client.default.access_key": {}}});
    s.api("PATCH", &s.keystore_path(), Some(&remove.to_string()));
    let re_add =
        json!({"secrets": {"s3.client.default.access_key": {"value": "AKIAEXAMPLEKEY000011"}}});
    s.api("PATCH", &s.keystore_path(), Some(&re_add.to_string()));
    s.proxy("POST", "_nodes/reload_secure_settings", None);
    assert_eq!(s.proxy("POST", "_snapshot/r/_verify", None).status, 200);
}
