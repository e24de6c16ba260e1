//! What the Elasticsearch cluster behind the ECE proxy answers: `_snapshot`
//! repositories, their verification, and `_nodes/reload_secure_settings`.
//!
//! Bodies and errors follow Elasticsearch's shapes (`{"error": {"root_cause",
//! "type", "reason"}, "status"}`); reasons are written for the user and say
//! how to fix the problem.

use crate::state::{Elasticsearch, Secret, ES_VERSION};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// An Elasticsearch answer: status and JSON body.
pub type EsReply = (u16, Value);

/// The AWS documentation's example access key id: never a real key.
pub const AWS_EXAMPLE_ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

fn error(status: u16, typ: &str, reason: &str, caused_by: Option<Value>) -> EsReply {
    let mut e = json!({
        "root_cause": [{"type": typ, "reason": reason}],
        "type": typ,
        "reason": reason,
    });
    if let Some(c) = caused_by {
        e["caused_by"] = c;
    }
    (status, json!({"error": e, "status": status}))
}

/// Handles one proxied request. `path` is the proxy path split on `/`
/// (decoded, empty segments removed); `query` holds decoded query pairs.
pub fn handle(
    es: &mut Elasticsearch,
    method: &str,
    path: &[String],
    query: &[(String, String)],
    body: &[u8],
) -> EsReply {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    let uri = format!("/{}", p.join("/"));
    let wrong_method = |allowed: &str| {
        (
            405,
            json!({
                "error": format!("Incorrect HTTP method for uri [{uri}] and method [{method}], allowed: [{allowed}]"),
                "status": 405
            }),
        )
    };
    match (p.as_slice(), method) {
        ([], "GET") => (
            200,
            json!({
                "name": es.nodes[0].name,
                "cluster_name": es.id,
                "cluster_uuid": format!("{}-uuid", &es.id[..8]),
                "version": {"number": ES_VERSION, "build_flavor": "default"},
                "tagline": "You Know, for Search"
            }),
        ),
        ([], _) => wrong_method("GET, HEAD"),
        (["_snapshot"], "GET") | (["_snapshot", "_all"], "GET") | (["_snapshot", "*"], "GET") => {
            let all: Map<String, Value> = es
                .repositories
                .iter()
                .map(|(k, v)| (k.clone(), as_es_settings(v)))
                .collect();
            (200, Value::Object(all))
        }
        (["_snapshot", name], "GET") => match es.repositories.get(*name) {
            Some(repo) => (200, json!({ *name: as_es_settings(repo) })),
            None => missing(name),
        },
        (["_snapshot", name], "PUT" | "POST") => {
            let verify = !query.iter().any(|(k, v)| k == "verify" && v == "false");
            put_repository(es, name, body, verify)
        }
        (["_snapshot", name], "DELETE") => {
            if es.repositories.remove(*name).is_some() {
                (200, json!({"acknowledged": true}))
            } else {
                missing(name)
            }
        }
        (["_snapshot", _], _) => wrong_method("GET, PUT, POST, DELETE"),
        (["_snapshot", name, "_verify"], "POST") => match verify_repository(es, name) {
            Ok(nodes) => (200, json!({ "nodes": nodes })),
            Err(e) => e,
        },
        (["_snapshot", _, "_verify"], _) => wrong_method("POST"),
        (["_nodes", "reload_secure_settings"], "POST")
        | (["_nodes", _, "reload_secure_settings"], "POST") => {
            es.loaded = es.keystore.clone();
            let nodes: Map<String, Value> = es
                .nodes
                .iter()
                .map(|n| (n.id.to_string(), json!({"name": n.name})))
                .collect();
            (
                200,
                json!({
                    "_nodes": {"total": es.nodes.len(), "successful": es.nodes.len(), "failed": 0},
                    "cluster_name": es.id,
                    "nodes": nodes
                }),
            )
        }
        (["_nodes", "reload_secure_settings"], _) => wrong_method("POST"),
        _ => (
            400,
            json!({
                "error": format!(
                    "no handler found for uri [{uri}] and method [{method}] (the ecekit simulator proxies only _snapshot and _nodes/reload_secure_settings)"
                ),
                "status": 400
            }),
        ),
    }
}

fn missing(name: &str) -> EsReply {
    error(
        404,
        "repository_missing_exception",
        &format!("[{name}] missing"),
        None,
    )
}

/// Elasticsearch returns repository settings as strings.
fn as_es_settings(repo: &Value) -> Value {
    fn stringify(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), stringify(v))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(stringify).collect()),
            Value::String(s) => Value::String(s.clone()),
            Value::Null => Value::Null,
            other => Value::String(other.to_string()),
        }
    }
    json!({
        "type": repo["type"],
        "settings": stringify(&repo["settings"]),
    })
}

const SUPPORTED: &[&str] = &["s3", "gcs", "azure", "fs", "url", "source"];

fn put_repository(es: &mut Elasticsearch, name: &str, body: &[u8], verify: bool) -> EsReply {
    if name.is_empty()
        || name.starts_with('_')
        || name
            .chars()
            .any(|c| c.is_whitespace() || "\\/*?\"<>|,#:".contains(c))
    {
        return error(
            400,
            "illegal_argument_exception",
            &format!(
                "[{name}] Invalid repository name: it must not start with '_' nor contain whitespace or any of \\ / * ? \" < > | , # :"
            ),
            None,
        );
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return error(400, "parse_exception", "request body is required", None);
    }
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                400,
                "x_content_parse_exception",
                &format!("Failed to parse the repository body as JSON: {e}"),
                None,
            )
        }
    };
    let Some(obj) = parsed.as_object() else {
        return error(
            400,
            "parse_exception",
            "the repository body must be a JSON object",
            None,
        );
    };
    let Some(typ) = obj.get("type").and_then(Value::as_str) else {
        return error(
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: type is missing;",
            None,
        );
    };
    let settings = obj.get("settings").cloned().unwrap_or_else(|| json!({}));
    if !settings.is_object() {
        return error(
            400,
            "parse_exception",
            &format!("[{name}] settings must be a JSON object, not {settings}"),
            None,
        );
    }
    if !SUPPORTED.contains(&typ) {
        return error(
            500,
            "repository_exception",
            &format!("[{name}] repository type [{typ}] does not exist"),
            None,
        );
    }
    if let Err(reason) = check_settings(name, typ, &settings) {
        return error(500, "repository_exception", &reason, None);
    }
    // Elasticsearch stores the repository before verifying it: a repository
    // whose verification fails stays registered.
    es.repositories
        .insert(name.to_string(), json!({"type": typ, "settings": settings}));
    if verify {
        if let Err(e) = verify_repository(es, name) {
            return e;
        }
    }
    (200, json!({"acknowledged": true}))
}

fn setting<'a>(settings: &'a Value, key: &str) -> Option<&'a str> {
    settings
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn check_settings(name: &str, typ: &str, settings: &Value) -> Result<(), String> {
    match typ {
        "s3" | "gcs" if setting(settings, "bucket").is_none() => Err(format!(
            "[{name}] the {typ} repository needs settings.bucket (a non-empty string)"
        )),
        "fs" => Err(format!(
            "[{name}] location [{}] doesn't match any of the locations specified by path.repo because this setting is empty (ECE deployments have no shared file system: use s3, gcs or azure)",
            setting(settings, "location").unwrap_or("")
        )),
        "url" => Err(format!(
            "[{name}] file url [{}] doesn't match any of the locations specified by path.repo or repositories.url.allowed_urls",
            setting(settings, "url").unwrap_or("")
        )),
        "source" => match setting(settings, "delegate_type") {
            Some(d @ ("s3" | "gcs" | "azure")) => check_settings(name, d, settings),
            Some(d) => Err(format!("[{name}] repository type [{d}] does not exist")),
            None => Err(format!("[{name}] a source repository needs settings.delegate_type")),
        },
        _ => Ok(()),
    }
}

/// The keystore settings a repository's client reads, as alternatives: every
/// group must have at least one key present.
fn credential_groups(typ: &str, client: &str) -> Vec<Vec<String>> {
    let k = |s: &str| format!("{typ}.client.{client}.{s}");
    match typ {
        "s3" => vec![vec![k("access_key")], vec![k("secret_key")]],
        "gcs" => vec![vec![k("credentials_file")]],
        "azure" => vec![vec![k("account")], vec![k("key"), k("sas_token")]],
        _ => vec![],
    }
}

fn missing_groups(groups: &[Vec<String>], store: &BTreeMap<String, Secret>) -> Vec<String> {
    groups
        .iter()
        .filter(|g| !g.iter().any(|k| store.contains_key(k)))
        .map(|g| g.join(" or "))
        .collect()
}

fn verify_repository(es: &Elasticsearch, name: &str) -> Result<Map<String, Value>, EsReply> {
    let Some(repo) = es.repositories.get(name) else {
        return Err(missing(name));
    };
    let mut typ = repo["type"].as_str().unwrap_or("").to_string();
    let settings = &repo["settings"];
    if typ == "source" {
        typ = setting(settings, "delegate_type").unwrap_or("").to_string();
    }
    let client = setting(settings, "client").unwrap_or("default");
    let base = setting(settings, "base_path").unwrap_or("");
    let fail = |detail: String| {
        let reason = format!("[{name}] path [{base}] is not accessible on master node");
        Err(error(
            500,
            "repository_verification_exception",
            &reason,
            Some(json!({"type": "i_o_exception", "reason": detail})),
        ))
    };
    let groups = credential_groups(&typ, client);
    let not_loaded = missing_groups(&groups, &es.loaded);
    if !not_loaded.is_empty() {
        let not_stored = missing_groups(&groups, &es.keystore);
        return if not_stored.is_empty() {
            fail(format!(
                "the {typ} client [{client}] credentials are in the keystore but the nodes have not loaded them: call POST _nodes/reload_secure_settings, then verify again"
            ))
        } else {
            fail(format!(
                "the {typ} client [{client}] has no credentials: the keystore lacks {} (add them with PATCH .../keystore, then POST _nodes/reload_secure_settings)",
                not_stored.join(", ")
            ))
        };
    }
    match typ.as_str() {
        "s3" => {
            let key = format!("s3.client.{client}.access_key");
            if es.loaded.get(&key).map(Secret::stored_bytes).as_deref()
                == Some(AWS_EXAMPLE_ACCESS_KEY.as_bytes())
            {
                return fail(
                    "The AWS Access Key Id you provided does not exist in our records. (Service: Amazon S3; Status Code: 403; Error Code: InvalidAccessKeyId): the key is the AWS documentation's example".into(),
                );
            }
        }
        "gcs" => {
            let key = format!("gcs.client.{client}.credentials_file");
            let ok = es.loaded.get(&key).is_some_and(|s| {
                let v: Option<Value> = match &s.value {
                    Value::String(text) => serde_json::from_str(text).ok(),
                    other => Some(other.clone()),
                };
                v.is_some_and(|v| {
                    v["type"] == "service_account"
                        && v["client_email"].is_string()
                        && v["private_key"].is_string()
                })
            });
            if !ok {
                return fail(format!(
                    "failed to load GCS client credentials from [{key}]: it must be a service-account JSON key with type \"service_account\", client_email and private_key"
                ));
            }
        }
        _ => {}
    }
    Ok(es
        .nodes
        .iter()
        .map(|n| (n.id.to_string(), json!({"name": n.name})))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::demo_deployments;

    fn run(es: &mut Elasticsearch, method: &str, path: &str, body: &str) -> EsReply {
        let segs: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        handle(es, method, &segs, &[], body.as_bytes())
    }

    fn secret(v: &str) -> Secret {
        Secret {
            value: Value::String(v.into()),
            as_file: false,
        }
    }

    #[test]
    fn s3_verification_needs_loaded_credentials() {
        let mut es = demo_deployments(false).remove(0).es;
        let body = r#"{"type":"s3","settings":{"bucket":"b","client":"backup"}}"#;
        let (status, reply) = run(&mut es, "PUT", "_snapshot/repo", body);
        assert_eq!(status, 500, "{reply}");
        assert_eq!(reply["error"]["type"], "repository_verification_exception");
        assert!(reply["error"]["caused_by"]["reason"]
            .as_str()
            .unwrap()
            .contains("s3.client.backup.access_key"));
        assert!(es.repositories.contains_key("repo"), "stays registered");

        es.keystore
            .insert("s3.client.backup.access_key".into(), secret("AKIAREAL"));
        es.keystore
            .insert("s3.client.backup.secret_key".into(), secret("s"));
        let (status, reply) = run(&mut es, "POST", "_snapshot/repo/_verify", "");
        assert_eq!(status, 500);
        assert!(reply["error"]["caused_by"]["reason"]
            .as_str()
            .unwrap()
            .contains("reload_secure_settings"));

        let (status, reply) = run(&mut es, "POST", "_nodes/reload_secure_settings", "");
        assert_eq!(status, 200);
        assert_eq!(reply["_nodes"]["successful"], 2);
        let (status, reply) = run(&mut es, "POST", "_snapshot/repo/_verify", "");
        assert_eq!(status, 200, "{reply}");
        assert_eq!(reply["nodes"].as_object().unwrap().len(), 2);
    }

    #[test]
    fn azure_accepts_key_or_sas_token() {
        let mut es = demo_deployments(false).remove(0).es;
        es.loaded
            .insert("azure.client.default.account".into(), secret("acct"));
        es.loaded
            .insert("azure.client.default.sas_token".into(), secret("sv=x"));
        es.keystore = es.loaded.clone();
        let (status, reply) = run(
            &mut es,
            "PUT",
            "_snapshot/az",
            r#"{"type":"azure","settings":{"container":"c"}}"#,
        );
        assert_eq!(status, 200, "{reply}");
    }

    #[test]
    fn gcs_needs_a_service_account_json() {
        let mut es = demo_deployments(false).remove(0).es;
        es.loaded.insert(
            "gcs.client.default.credentials_file".into(),
            secret("{not json"),
        );
        let body = r#"{"type":"gcs","settings":{"bucket":"b"}}"#;
        let (status, reply) = run(&mut es, "PUT", "_snapshot/g", body);
        assert_eq!(status, 500);
        assert!(reply["error"]["caused_by"]["reason"]
            .as_str()
            .unwrap()
            .contains("service-account"));
        es.loaded.insert(
            "gcs.client.default.credentials_file".into(),
            Secret {
                value: json!({"type": "service_account", "client_email": "a@b", "private_key": "k"}),
                as_file: true,
            },
        );
        assert_eq!(run(&mut es, "POST", "_snapshot/g/_verify", "").0, 200);
    }

    #[test]
    fn repository_crud_and_errors() {
        let mut es = demo_deployments(false).remove(0).es;
        let put = |es: &mut Elasticsearch, body: &str| {
            let segs = vec!["_snapshot".to_string(), "r".to_string()];
            handle(
                es,
                "PUT",
                &segs,
                &[("verify".into(), "false".into())],
                body.as_bytes(),
            )
        };
        assert_eq!(
            put(
                &mut es,
                r#"{"type":"s3","settings":{"bucket":"b","compress":true}}"#
            )
            .0,
            200
        );
        let (_, got) = run(&mut es, "GET", "_snapshot/r", "");
        assert_eq!(got["r"]["settings"]["compress"], "true");
        assert_eq!(
            put(&mut es, "{oops").1["error"]["type"],
            "x_content_parse_exception"
        );
        assert_eq!(put(&mut es, r#"{"settings":{}}"#).0, 400);
        assert_eq!(
            put(&mut es, r#"{"type":"nope"}"#).1["error"]["type"],
            "repository_exception"
        );
        assert_eq!(put(&mut es, r#"{"type":"s3","settings":{}}"#).0, 500);
        assert_eq!(
            put(&mut es, r#"{"type":"fs","settings":{"location":"/x"}}"#).0,
            500
        );
        assert_eq!(run(&mut es, "DELETE", "_snapshot/r", "").0, 200);
        assert_eq!(run(&mut es, "GET", "_snapshot/r", "").0, 404);
        assert_eq!(run(&mut es, "GET", "_cat/indices", "").0, 400);
        assert_eq!(run(&mut es, "GET", "_snapshot/r/_verify", "").0, 405);
    }

    #[test]
    fn the_docs_example_key_fails_verification() {
        let mut es = demo_deployments(false).remove(0).es;
        es.loaded.insert(
            "s3.client.default.access_key".into(),
            secret(AWS_EXAMPLE_ACCESS_KEY),
        );
        es.loaded
            .insert("s3.client.default.secret_key".into(), secret("x"));
        let (status, reply) = run(
            &mut es,
            "PUT",
            "_snapshot/r",
            r#"{"type":"s3","settings":{"bucket":"b"}}"#,
        );
        assert_eq!(status, 500);
        assert!(reply["error"]["caused_by"]["reason"]
            .as_str()
            .unwrap()
            .contains("InvalidAccessKeyId"));
    }
}
