//! Snapshot repositories: register (`PUT _snapshot/<name>`, which verifies
//! unless `?verify=false`), get, delete, and verify (`POST
//! _snapshot/<name>/_verify`).
//!
//! Verification succeeds only when every node has **loaded** the client's
//! credentials (they were in the keystore at its last reload). `fs`
//! repositories must be under `path.repo` (`FsRepository`: "location [...]
//! doesn't match any of the locations specified by path.repo").

use super::keystore::{credential_groups, missing_groups, Secret};
use super::reply::{error, EsReply, Exception};
use super::{Cluster, EsRequest, Repository};
use serde_json::{json, Map, Value};

/// The AWS documentation's example access key id: never a real key.
pub const AWS_EXAMPLE_ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

const TYPES: &[&str] = &["s3", "gcs", "azure", "fs", "url", "source"];

fn missing(name: &str) -> EsReply {
    error(
        404,
        "repository_missing_exception",
        format!("[{name}] missing"),
    )
}

/// The repository, or Elasticsearch's 404 for it.
pub fn existing<'a>(es: &'a Cluster, name: &str) -> Result<&'a Repository, EsReply> {
    es.repositories.get(name).ok_or_else(|| missing(name))
}

/// Elasticsearch returns repository settings as strings.
fn as_es_settings(repo: &Repository) -> Value {
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
    json!({"type": repo.typ, "settings": stringify(&Value::Object(repo.settings.clone()))})
}

/// `GET _snapshot`, `GET _snapshot/<names>` (comma-separated, `*`
/// wildcards, `_all`).
pub fn get(es: &Cluster, req: &EsRequest, names: Option<&str>) -> EsReply {
    if let Err(e) = req.params().only(&req.uri(), &["local", "master_timeout"]) {
        return e;
    }
    let patterns: Vec<&str> = match names {
        None | Some("_all") => vec!["*"],
        Some(list) => list.split(',').collect(),
    };
    let mut out = Map::new();
    for pattern in &patterns {
        if pattern.contains('*') {
            for (name, repo) in &es.repositories {
                if wildcard(pattern, name) {
                    out.insert(name.clone(), as_es_settings(repo));
                }
            }
        } else {
            match es.repositories.get(*pattern) {
                Some(repo) => {
                    out.insert(pattern.to_string(), as_es_settings(repo));
                }
                None => return missing(pattern),
            }
        }
    }
    EsReply::ok(Value::Object(out))
}

/// Whether `name` matches `pattern`, where `*` stands for any run.
pub fn wildcard(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// `DELETE _snapshot/<name>`.
pub fn delete(es: &mut Cluster, req: &EsRequest, name: &str) -> EsReply {
    if let Err(e) = req
        .params()
        .only(&req.uri(), &["master_timeout", "timeout"])
    {
        return e;
    }
    if es.repositories.remove(name).is_some() {
        EsReply::ok(json!({"acknowledged": true}))
    } else {
        missing(name)
    }
}

/// `PUT _snapshot/<name>`: parse, check the type's settings, store, verify.
pub fn put(es: &mut Cluster, req: &EsRequest, name: &str) -> EsReply {
    let params = req.params();
    if let Err(e) = params.only(&req.uri(), &["verify", "master_timeout", "timeout"]) {
        return e;
    }
    let verify_after = match params.bool("verify", true) {
        Ok(v) => v,
        Err(e) => return e,
    };
    if name.is_empty()
        || name.starts_with('_')
        || name
            .chars()
            .any(|c| c.is_whitespace() || "\\/*?\"<>|,#:".contains(c))
    {
        return error(
            400,
            "illegal_argument_exception",
            format!(
                "[{name}] Invalid repository name: it must not start with '_' nor contain whitespace or any of \\ / * ? \" < > | , # :"
            ),
        );
    }
    let parsed = match req.json_body(true) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let Some(obj) = parsed.as_object() else {
        return error(
            400,
            "parse_exception",
            "the repository body must be a JSON object",
        );
    };
    let Some(typ) = obj.get("type").and_then(Value::as_str) else {
        return error(
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: type is missing;",
        );
    };
    let settings = match obj.get("settings") {
        None => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(other) => {
            return error(
                400,
                "parse_exception",
                format!("[{name}] settings must be a JSON object, not {other}"),
            )
        }
    };
    if !TYPES.contains(&typ) {
        return error(
            500,
            "repository_exception",
            format!("[{name}] repository type [{typ}] does not exist"),
        );
    }
    let repo = Repository {
        typ: typ.to_string(),
        settings,
    };
    if let Err(reason) = check_settings(es, name, &repo.typ, &repo.settings) {
        return error(500, "repository_exception", reason);
    }
    // Elasticsearch stores the repository before verifying it: a repository
    // whose verification fails stays registered.
    es.repositories.insert(name.to_string(), repo);
    if verify_after {
        if let Err(e) = verify(es, name) {
            return e;
        }
    }
    EsReply::ok(json!({"acknowledged": true}))
}

pub fn setting<'a>(settings: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    settings
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn check_settings(
    es: &Cluster,
    name: &str,
    typ: &str,
    settings: &Map<String, Value>,
) -> Result<(), String> {
    match typ {
        "s3" | "gcs" if setting(settings, "bucket").is_none() => Err(format!(
            "[{name}] the {typ} repository needs settings.bucket (a non-empty string)"
        )),
        "azure" if settings.get("container").is_some_and(|c| !c.is_string()) => Err(format!(
            "[{name}] the azure repository's settings.container must be a string"
        )),
        "fs" => {
            let Some(location) = setting(settings, "location") else {
                return Err(format!("[{name}] missing location"));
            };
            if resolve_repo_path(&es.path_repo, location).is_some() {
                Ok(())
            } else if es.path_repo.is_empty() {
                Err(format!(
                    "[{name}] location [{location}] doesn't match any of the locations specified by path.repo because this setting is empty"
                ))
            } else {
                Err(format!(
                    "[{name}] location [{location}] doesn't match any of the locations specified by path.repo"
                ))
            }
        }
        "url" => Err(format!(
            "[{name}] file url [{}] doesn't match any of the locations specified by path.repo or repositories.url.allowed_urls",
            setting(settings, "url").unwrap_or("")
        )),
        "source" => match setting(settings, "delegate_type") {
            Some(d @ ("s3" | "gcs" | "azure" | "fs")) => check_settings(es, name, d, settings),
            Some(d) => Err(format!("[{name}] repository type [{d}] does not exist")),
            None => Err(format!(
                "[{name}] a source repository needs settings.delegate_type"
            )),
        },
        _ => Ok(()),
    }
}

/// `Environment.resolveRepoFile`: the location (absolute, or relative to a
/// `path.repo` entry) normalized, if it lies under one of `path_repo`.
pub fn resolve_repo_path(path_repo: &[String], location: &str) -> Option<String> {
    for root in path_repo {
        let candidate = if location.starts_with('/') {
            normalize(location)
        } else {
            normalize(&format!("{root}/{location}"))
        };
        let root = normalize(root);
        if candidate == root || candidate.starts_with(&format!("{root}/")) {
            return Some(candidate);
        }
    }
    None
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The repository's type, seen through a `source` repository.
pub fn effective_type(repo: &Repository) -> &str {
    if repo.typ == "source" {
        setting(&repo.settings, "delegate_type").unwrap_or("")
    } else {
        &repo.typ
    }
}

/// `POST _snapshot/<name>/_verify`.
pub fn verify_request(es: &mut Cluster, req: &EsRequest, name: &str) -> EsReply {
    if let Err(e) = req
        .params()
        .only(&req.uri(), &["master_timeout", "timeout"])
    {
        return e;
    }
    match verify(es, name) {
        Ok(nodes) => EsReply::ok(json!({ "nodes": nodes })),
        Err(e) => e,
    }
}

/// Why node `i`'s client cannot reach the storage with what it loaded, if
/// it cannot.
fn client_problem(es: &Cluster, typ: &str, client: &str, i: usize) -> Option<String> {
    let loaded = &es.nodes[i].loaded;
    let groups = credential_groups(typ, client);
    let not_loaded = missing_groups(&groups, loaded);
    if !not_loaded.is_empty() {
        let not_stored = missing_groups(&groups, es.on_disk(i));
        return Some(if not_stored.is_empty() {
            format!(
                "the {typ} client [{client}] credentials are in the keystore but the nodes have not loaded them: call POST _nodes/reload_secure_settings, then verify again"
            )
        } else if es.nodes[i].disk.is_some() {
            format!(
                "the {typ} client [{client}] has no credentials on node [{}]: its keystore lacks {} (add them with bin/elasticsearch-keystore add on that node, then POST _nodes/reload_secure_settings)",
                es.nodes[i].name,
                not_stored.join(", ")
            )
        } else {
            format!(
                "the {typ} client [{client}] has no credentials: the keystore lacks {} (add them with PATCH .../keystore, then POST _nodes/reload_secure_settings)",
                not_stored.join(", ")
            )
        });
    }
    match typ {
        "s3" => {
            let key = format!("s3.client.{client}.access_key");
            (loaded.get(&key).map(Secret::stored_bytes).as_deref()
                == Some(AWS_EXAMPLE_ACCESS_KEY.as_bytes()))
            .then(|| {
                "The AWS Access Key Id you provided does not exist in our records. (Service: Amazon S3; Status Code: 403; Error Code: InvalidAccessKeyId): the key is the AWS documentation's example".to_string()
            })
        }
        "gcs" => {
            let key = format!("gcs.client.{client}.credentials_file");
            let ok = loaded.get(&key).is_some_and(|s| {
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
            (!ok).then(|| format!(
                "failed to load GCS client credentials from [{key}]: it must be a service-account JSON key with type \"service_account\", client_email and private_key"
            ))
        }
        _ => None,
    }
}

/// What keeps the master from reaching the repository's storage, if
/// anything: the cause of a failed verification, snapshot or analysis.
pub fn master_problem(es: &Cluster, name: &str) -> Option<Exception> {
    let repo = es.repositories.get(name)?;
    let typ = effective_type(repo);
    let client = setting(&repo.settings, "client").unwrap_or("default");
    if es.hooks.verify_fails {
        let base = base_path(repo);
        // What S3 answers a client whose policy does not cover the bucket.
        return Some(
            Exception::new(
                "i_o_exception",
                format!(
                    "Unable to upload object [{base}/tests-{}/master.dat] using a single upload",
                    es.uuid
                ),
            )
            .caused_by(Exception::new(
                "amazon_s3_exception",
                "Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 9D4E6C1A2B3F5E70; S3 Extended Request ID: ecekit-simulator; Proxy: null)",
            )),
        );
    }
    client_problem(es, typ, client, 0).map(|detail| Exception::new("i_o_exception", detail))
}

/// Where the repository writes: `base_path`, or an `fs` location.
pub fn base_path(repo: &Repository) -> &str {
    setting(&repo.settings, "base_path")
        .or_else(|| setting(&repo.settings, "location"))
        .unwrap_or("")
}

/// Verifies `name` on every node: the master first (`path [...] is not
/// accessible on master node`), then the others (each failing node listed,
/// as `VerifyNodeRepositoryAction` does). `Ok` holds the nodes.
pub fn verify(es: &Cluster, name: &str) -> Result<Map<String, Value>, EsReply> {
    let repo = existing(es, name)?;
    let typ = effective_type(repo).to_string();
    let client = setting(&repo.settings, "client").unwrap_or("default");
    let base = base_path(repo);
    if let Some(cause) = master_problem(es, name) {
        return Err(Exception::new(
            "repository_verification_exception",
            format!("[{name}] path [{base}] is not accessible on master node"),
        )
        .caused_by(cause)
        .reply(500));
    }
    let failing: Vec<(&super::Node, String)> = (1..es.nodes.len())
        .filter_map(|i| client_problem(es, &typ, client, i).map(|d| (&es.nodes[i], d)))
        .collect();
    if let Some((first, detail)) = failing.first() {
        let listed: Vec<String> = failing
            .iter()
            .map(|(n, _)| {
                format!(
                    "[{}, 'org.elasticsearch.repositories.RepositoryVerificationException: [{name}] store location [{base}] is not accessible on the node [{}]']",
                    n.id, n.name
                )
            })
            .collect();
        return Err(Exception::new(
            "repository_verification_exception",
            format!("[{name}] [{}]", listed.join(", ")),
        )
        .caused_by(
            Exception::new(
                "repository_verification_exception",
                format!(
                    "[{name}] store location [{base}] is not accessible on the node [{}]",
                    first.name
                ),
            )
            .caused_by(Exception::new("i_o_exception", detail)),
        )
        .reply(500));
    }
    Ok(es.node_names())
}

#[cfg(test)]
mod tests {
    use super::super::{load_everywhere, run, test_cluster};
    use super::*;

    /// Loads a `default` S3 client with `access_key` everywhere, then puts
    /// an s3 repository `r` using it.
    fn put_default_s3(es: &mut Cluster, access_key: &str) -> EsReply {
        load_everywhere(
            es,
            "s3.client.default.access_key",
            Secret::string(access_key),
        );
        load_everywhere(es, "s3.client.default.secret_key", Secret::string("x"));
        run(
            es,
            "PUT",
            "_snapshot/r",
            r#"{"type":"s3","settings":{"bucket":"b"}}"#,
        )
    }

    #[test]
    fn s3_verification_needs_loaded_credentials() {
        let mut es = test_cluster();
        let body = r#"{"type":"s3","settings":{"bucket":"b","client":"backup"}}"#;
        let r = run(&mut es, "PUT", "_snapshot/repo", body);
        assert_eq!(r.status, 500, "{}", r.body);
        assert_eq!(r.body["error"]["type"], "repository_verification_exception");
        assert!(r.body["error"]["caused_by"]["reason"]
            .as_str()
            .unwrap()
            .contains("s3.client.backup.access_key"));
        assert!(es.repositories.contains_key("repo"), "stays registered");

        es.keystore.insert(
            "s3.client.backup.access_key".into(),
            Secret::string("AKIAREAL"),
        );
        es.keystore
            .insert("s3.client.backup.secret_key".into(), Secret::string("s"));
        let r = run(&mut es, "POST", "_snapshot/repo/_verify", "");
        assert_eq!(r.status, 500);
        assert!(r.body["error"]["caused_by"]["reason"]
            .as_str()
            .unwrap()
            .contains("reload_secure_settings"));

        let r = run(&mut es, "POST", "_nodes/reload_secure_settings", "");
        assert_eq!(r.status, 200);
        assert_eq!(r.body["_nodes"]["successful"], 2);
        let r = run(&mut es, "POST", "_snapshot/repo/_verify", "");
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["nodes"].as_object().unwrap().len(), 2);
    }

    #[test]
    fn azure_accepts_key_or_sas_token() {
        let mut es = test_cluster();
        load_everywhere(
            &mut es,
            "azure.client.default.account",
            Secret::string("acct"),
        );
        load_everywhere(
            &mut es,
            "azure.client.default.sas_token",
            Secret::string("sv=x"),
        );
        let r = run(
            &mut es,
            "PUT",
            "_snapshot/az",
            r#"{"type":"azure","settings":{"container":"c"}}"#,
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }

    #[test]
    fn gcs_needs_a_service_account_json() {
        let mut es = test_cluster();
        load_everywhere(
            &mut es,
            "gcs.client.default.credentials_file",
            Secret::string("{not json"),
        );
        let body = r#"{"type":"gcs","settings":{"bucket":"b"}}"#;
        let r = run(&mut es, "PUT", "_snapshot/g", body);
        assert_eq!(r.status, 500);
        assert!(r.body["error"]["caused_by"]["reason"]
            .as_str()
            .unwrap()
            .contains("service-account"));
        load_everywhere(
            &mut es,
            "gcs.client.default.credentials_file",
            Secret {
                value: json!({"type": "service_account", "client_email": "a@b", "private_key": "k"}),
                as_file: true,
            },
        );
        assert_eq!(run(&mut es, "POST", "_snapshot/g/_verify", "").status, 200);
    }

    #[test]
    fn repository_crud_and_errors() {
        let mut es = test_cluster();
        let put = |es: &mut Cluster, body: &str| run(es, "PUT", "_snapshot/r?verify=false", body);
        assert_eq!(
            put(
                &mut es,
                r#"{"type":"s3","settings":{"bucket":"b","compress":true}}"#
            )
            .status,
            200
        );
        let got = run(&mut es, "GET", "_snapshot/r", "");
        assert_eq!(got.body["r"]["settings"]["compress"], "true");
        assert_eq!(
            run(&mut es, "GET", "_snapshot/*", "")
                .body
                .as_object()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(run(&mut es, "GET", "_snapshot/x*", "").body, json!({}));
        assert_eq!(
            put(&mut es, "{oops").body["error"]["type"],
            "x_content_parse_exception"
        );
        assert_eq!(put(&mut es, r#"{"settings":{}}"#).status, 400);
        assert_eq!(
            put(&mut es, r#"{"type":"nope"}"#).body["error"]["type"],
            "repository_exception"
        );
        assert_eq!(put(&mut es, r#"{"type":"s3","settings":{}}"#).status, 500);
        let fs = put(&mut es, r#"{"type":"fs","settings":{"location":"/x"}}"#);
        assert_eq!(fs.status, 500);
        assert_eq!(
            fs.body["error"]["reason"],
            "[r] location [/x] doesn't match any of the locations specified by path.repo because this setting is empty"
        );
        let typo = run(
            &mut es,
            "PUT",
            "_snapshot/r?verfy=false",
            r#"{"type":"s3"}"#,
        );
        assert_eq!(typo.status, 400);
        assert!(typo.body["error"]["reason"]
            .as_str()
            .unwrap()
            .contains("did you mean [verify]?"));
        assert_eq!(run(&mut es, "DELETE", "_snapshot/r", "").status, 200);
        assert_eq!(run(&mut es, "GET", "_snapshot/r", "").status, 404);
    }

    #[test]
    fn fs_repositories_live_under_path_repo() {
        let mut es = test_cluster();
        es.path_repo = vec!["/mnt/snapshots".into()];
        for ok in [
            "/mnt/snapshots/nightly",
            "nightly",
            "/mnt/snapshots",
            "/mnt/snapshots/a/../b",
        ] {
            let body = json!({"type": "fs", "settings": {"location": ok}}).to_string();
            let r = run(&mut es, "PUT", "_snapshot/local", &body);
            assert_eq!(r.status, 200, "{ok}: {}", r.body);
        }
        for bad in ["/mnt/other", "/mnt/snapshots/../etc", "../x"] {
            let body = json!({"type": "fs", "settings": {"location": bad}}).to_string();
            let r = run(&mut es, "PUT", "_snapshot/local", &body);
            assert_eq!(r.status, 500, "{bad}");
            assert_eq!(
                r.body["error"]["reason"],
                format!("[local] location [{bad}] doesn't match any of the locations specified by path.repo")
            );
        }
    }

    #[test]
    fn the_docs_example_key_fails_verification() {
        let mut es = test_cluster();
        let r = put_default_s3(&mut es, AWS_EXAMPLE_ACCESS_KEY);
        assert_eq!(r.status, 500);
        assert!(r.body["error"]["caused_by"]["reason"]
            .as_str()
            .unwrap()
            .contains("InvalidAccessKeyId"));
    }

    #[test]
    fn the_verify_hook_answers_access_denied() {
        let mut es = test_cluster();
        es.hooks.verify_fails = true;
        let r = put_default_s3(&mut es, "AKIAREAL");
        assert_eq!(r.status, 500);
        assert!(r.body.to_string().contains("AccessDenied"), "{}", r.body);
    }
}
