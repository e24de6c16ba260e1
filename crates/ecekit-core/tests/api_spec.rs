//! The embedded endpoint table (data/api-paths.json) against the official
//! specs in /work/shared/specs, and path matching.

use ecekit_core::api::table::{self, DATA};
use ecekit_core::api::{
    build_request, classify_es_path, match_path, split_url, EsApi, Operation, PathMatch,
    RequestSpec, Target,
};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const SPECS_DIR: &str = "/work/shared/specs";
const SPECS: [(&str, &str); 3] = [
    ("ece", "ece-openapi.json"),
    ("ess", "ess-openapi.json"),
    ("ece-2.13", "ece-2.13-legacy-openapi.json"),
];
const METHODS: [&str; 7] = ["get", "put", "post", "patch", "delete", "head", "options"];

/// Re-derives the table from the specs, independently of the Python script.
fn derive_from_specs() -> BTreeMap<(String, String), Value> {
    let mut table: BTreeMap<(String, String), Value> = BTreeMap::new();
    for (name, file) in SPECS {
        let text = std::fs::read_to_string(format!("{SPECS_DIR}/{file}")).expect("spec readable");
        let spec: Value = serde_json::from_str(&text).expect("spec is JSON");
        for (path, item) in spec["paths"].as_object().expect("paths") {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let mut params: Vec<&Value> = Vec::new();
                for source in [item.get("parameters"), op.get("parameters")] {
                    if let Some(list) = source.and_then(Value::as_array) {
                        params.extend(list.iter());
                    }
                }
                let mut headers: Vec<String> = params
                    .iter()
                    .filter(|p| p["in"] == "header" && p["required"] == true)
                    .map(|p| p["name"].as_str().unwrap().to_string())
                    .collect();
                headers.sort();
                let mut body = Value::Null;
                let mut body_required = false;
                for p in &params {
                    if p["in"] == "body" {
                        body = match p["schema"]["$ref"].as_str() {
                            Some(r) => json!(r.rsplit('/').next().unwrap()),
                            None => p["schema"].get("type").cloned().unwrap_or(json!("object")),
                        };
                        body_required = p["required"] == true;
                    }
                }
                let key = (method.to_uppercase(), path.clone());
                let entry = table.entry(key.clone()).or_insert_with(|| {
                    json!({
                        "method": key.0,
                        "path": path,
                        "operation_id": op["operationId"],
                        "specs": [],
                        "headers": headers,
                        "body": body,
                        "body_required": body_required,
                        "enums": {},
                    })
                });
                entry["specs"].as_array_mut().unwrap().push(json!(name));
                for p in &params {
                    if p["in"] == "path" {
                        if let Some(values) = p["enum"].as_array() {
                            let merged = entry["enums"]
                                .as_object_mut()
                                .unwrap()
                                .entry(p["name"].as_str().unwrap())
                                .or_insert(json!([]));
                            for v in values {
                                if !merged.as_array().unwrap().contains(v) {
                                    merged.as_array_mut().unwrap().push(v.clone());
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    // The data file leaves out empty fields.
    for entry in table.values_mut() {
        let obj = entry.as_object_mut().unwrap();
        let mut kept = Map::new();
        for (k, v) in obj.iter() {
            let empty = match v {
                Value::Null => true,
                Value::Bool(b) => !b,
                Value::Array(a) => a.is_empty(),
                Value::Object(o) => o.is_empty(),
                _ => false,
            };
            if !(empty && matches!(k.as_str(), "headers" | "enums" | "body" | "body_required")) {
                kept.insert(k.clone(), v.clone());
            }
        }
        *obj = kept;
    }
    table
}

#[test]
fn data_file_matches_the_specs() {
    let data: Value = serde_json::from_str(DATA).expect("data/api-paths.json is JSON");
    let mut from_file: BTreeMap<(String, String), Value> = BTreeMap::new();
    for e in data["endpoints"].as_array().expect("endpoints") {
        let key = (
            e["method"].as_str().unwrap().to_string(),
            e["path"].as_str().unwrap().to_string(),
        );
        assert!(
            from_file.insert(key.clone(), e.clone()).is_none(),
            "duplicate {key:?}"
        );
    }
    let derived = derive_from_specs();
    let missing: Vec<_> = derived
        .keys()
        .filter(|k| !from_file.contains_key(*k))
        .collect();
    let extra: Vec<_> = from_file
        .keys()
        .filter(|k| !derived.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "in the specs, not in the data file: {missing:?} (run scripts/extract-api-paths.py)"
    );
    assert!(
        extra.is_empty(),
        "in the data file, not in the specs: {extra:?}"
    );
    for (key, want) in &derived {
        assert_eq!(
            &from_file[key], want,
            "entry {key:?} differs: run scripts/extract-api-paths.py"
        );
    }
    // 274 + 92 + 388 operations, 420 distinct method + path pairs.
    assert_eq!(derived.len(), 420);
}

#[test]
fn the_python_script_reproduces_the_data_file() {
    let out = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/extract-api-paths.py"
        ))
        .arg(SPECS_DIR)
        .arg("-")
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), DATA);
}

#[test]
fn table_loads_with_availability() {
    let eps = table::endpoints();
    assert_eq!(eps.len(), 420);
    let keystore = table::endpoint(
        "PATCH",
        "/deployments/{deployment_id}/elasticsearch/{ref_id}/keystore",
    )
    .unwrap();
    assert_eq!(keystore.operation_id, "set-deployment-es-resource-keystore");
    assert!(
        keystore.availability.ece && keystore.availability.ess && keystore.availability.ece_2_13
    );
    assert_eq!(keystore.body.as_deref(), Some("KeystoreContents"));
    assert!(keystore.body_required);

    let proxy = table::find_operation("put-deployment-resource-proxy-requests").unwrap();
    assert!(proxy.is_proxy());
    assert!(proxy.availability.ece && !proxy.availability.ess);
    assert_eq!(
        proxy.required_headers,
        vec!["X-Management-Request".to_string()]
    );
    assert_eq!(
        proxy.enum_values("resource_kind").unwrap(),
        ["elasticsearch", "kibana", "enterprise_search"]
    );

    let legacy = table::endpoint("PATCH", "/clusters/elasticsearch/{cluster_id}/keystore").unwrap();
    assert!(legacy.availability.legacy_only());
    assert!(legacy.availability.describe().contains("2.13"));
}

#[test]
fn split_url_forms() {
    let u = split_url("https://$COORDINATOR_HOST:12443/api/v1/deployments/x?show_plans=false#frag");
    assert_eq!(u.scheme.as_deref(), Some("https"));
    assert_eq!(u.authority.as_deref(), Some("$COORDINATOR_HOST:12443"));
    assert!(u.api_prefix);
    assert_eq!(u.path, "/deployments/x");
    assert_eq!(u.query.as_deref(), Some("show_plans=false"));

    let u = split_url("ece.example:12443/api/v1/");
    assert_eq!(u.authority.as_deref(), Some("ece.example:12443"));
    assert!(u.api_prefix);
    assert_eq!(u.path, "/");

    let u = split_url("/deployments");
    assert!(!u.api_prefix);
    assert_eq!(u.path, "/deployments");

    let u = split_url("https://host/api/v10/x");
    assert!(!u.api_prefix, "only /api/v1 is the prefix");
}

#[test]
fn variables_match_parameters() {
    for path in [
        "/api/v1/deployments/$DEPLOYMENT_ID/elasticsearch/${REF_ID}/keystore",
        "https://$COORDINATOR_HOST:12443/api/v1/deployments/abc/elasticsearch/main-elasticsearch/keystore",
        "/deployments/{deployment_id}/elasticsearch/<ref_id>/keystore",
    ] {
        match match_path("PATCH", path) {
            PathMatch::Found(f) => {
                assert_eq!(f.endpoint.operation_id, "set-deployment-es-resource-keystore");
                assert!(f.proxy.is_none());
            }
            other => panic!("{path}: {other:?}"),
        }
    }
    match match_path(
        "GET",
        "/api/v1/deployments/$DEPLOYMENT_ID/elasticsearch/${REF_ID}/keystore",
    ) {
        PathMatch::Found(f) => {
            assert_eq!(f.param("deployment_id"), Some("$DEPLOYMENT_ID"));
            assert_eq!(f.param("ref_id"), Some("${REF_ID}"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn proxy_paths_split_out_the_elasticsearch_path() {
    let m = match_path(
        "POST",
        "https://$COORDINATOR_HOST:12443/api/v1/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/proxy/_snapshot/s3-repo/_verify?pretty",
    );
    let PathMatch::Found(f) = m else {
        panic!("{m:?}")
    };
    assert_eq!(
        f.endpoint.operation_id,
        "post-deployment-resource-proxy-requests"
    );
    let proxy = f.proxy.unwrap();
    assert_eq!(proxy.resource_kind, "elasticsearch");
    assert_eq!(proxy.path, "_snapshot/s3-repo/_verify");
    assert_eq!(proxy.query.as_deref(), Some("pretty"));
    assert_eq!(
        proxy.es,
        Some(EsApi::SnapshotRepositoryVerify {
            name: "s3-repo".into()
        })
    );

    // A resource kind outside the enum is not the proxy.
    assert!(!matches!(
        match_path(
            "PUT",
            "/api/v1/deployments/x/nosuchkind/main/proxy/_snapshot/r"
        ),
        PathMatch::Found(_)
    ));

    // The ECE 2.13 proxy.
    let PathMatch::Found(f) = match_path(
        "PUT",
        "/api/v1/clusters/elasticsearch/$CLUSTER_ID/proxy/_snapshot/s3-repo",
    ) else {
        panic!()
    };
    assert!(f.endpoint.availability.legacy_only());
    let proxy = f.proxy.unwrap();
    assert_eq!(proxy.resource_kind, "elasticsearch");
    assert_eq!(
        proxy.es,
        Some(EsApi::SnapshotRepository {
            name: "s3-repo".into()
        })
    );
}

#[test]
fn the_seed_snapshot_path_is_not_found_and_the_proxy_is_suggested() {
    let m = match_path(
        "PUT",
        "https://$COODINATOR_HOST:12443/api/v1/clusters/elasticsearch/$ELASTICSEARCH_CLUSTER_ID/_snapshot/s3-repo",
    );
    let PathMatch::NotFound { nearest: Some(s) } = m else {
        panic!("{m:?}")
    };
    assert_eq!(
        s.path,
        "/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/proxy/_snapshot/s3-repo"
    );
    assert!(s.methods.contains(&"PUT".to_string()));
    assert!(s.reason.contains("X-Management-Request"));
    assert!(s.availability.ece && !s.availability.ess);

    // Missing `proxy/` in a current path keeps the ids.
    let m = match_path(
        "POST",
        "/api/v1/deployments/abc/elasticsearch/main/_nodes/reload_secure_settings",
    );
    let PathMatch::NotFound { nearest: Some(s) } = m else {
        panic!("{m:?}")
    };
    assert_eq!(
        s.path,
        "/deployments/abc/elasticsearch/main/proxy/_nodes/reload_secure_settings"
    );
}

#[test]
fn wrong_method_and_typos() {
    match match_path("POST", "/api/v1/deployments/x/elasticsearch/main/keystore") {
        PathMatch::WrongMethod {
            template, allowed, ..
        } => {
            assert_eq!(
                template,
                "/deployments/{deployment_id}/elasticsearch/{ref_id}/keystore"
            );
            assert_eq!(allowed, vec!["GET".to_string(), "PATCH".to_string()]);
        }
        other => panic!("{other:?}"),
    }
    match match_path(
        "PATCH",
        "/api/v1/deployment/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore",
    ) {
        PathMatch::NotFound { nearest: Some(s) } => {
            assert_eq!(
                s.template,
                "/deployments/{deployment_id}/elasticsearch/{ref_id}/keystore"
            );
            assert_eq!(
                s.path,
                "/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore"
            );
        }
        other => panic!("{other:?}"),
    }
    match match_path("GET", "/api/v1/deployments/x/elasticsearch/main/keystor") {
        PathMatch::NotFound { nearest: Some(s) } => {
            assert!(s.template.ends_with("/keystore"), "{s:?}");
        }
        other => panic!("{other:?}"),
    }
    // Nothing like any path: no suggestion.
    assert_eq!(
        match_path("GET", "/zzz/qqq/www/eee/rrr/ttt/yyy"),
        PathMatch::NotFound { nearest: None }
    );
}

#[test]
fn legacy_only_paths_are_reported_as_such() {
    let PathMatch::Found(f) = match_path("GET", "/api/v1/clusters/elasticsearch/abc/keystore")
    else {
        panic!()
    };
    assert!(f.endpoint.availability.legacy_only());
}

#[test]
fn classify_elasticsearch_paths() {
    assert_eq!(classify_es_path("/_snapshot"), EsApi::SnapshotRepositories);
    assert_eq!(
        classify_es_path("_snapshot/_all"),
        EsApi::SnapshotRepositories
    );
    assert_eq!(
        classify_es_path("_snapshot/r?verify=false"),
        EsApi::SnapshotRepository { name: "r".into() }
    );
    assert_eq!(
        classify_es_path("_snapshot/r/snap-1"),
        EsApi::Snapshot {
            repository: "r".into()
        }
    );
    assert_eq!(
        classify_es_path("_nodes/reload_secure_settings"),
        EsApi::ReloadSecureSettings { nodes: None }
    );
    assert_eq!(
        classify_es_path("/_nodes/n1,n2/reload_secure_settings"),
        EsApi::ReloadSecureSettings {
            nodes: Some("n1,n2".into())
        }
    );
    assert_eq!(classify_es_path("_cat/indices"), EsApi::Other);
}

/// Every request ecekit builds for the ECE and Elastic Cloud APIs is a
/// method + path the target's spec has, with the headers it requires. The
/// builder reads a trimmed copy of the table (build.rs): its operation id and
/// headers are the whole table's, for placeholder and real ids alike.
#[test]
fn every_built_api_request_exists_in_its_spec() {
    let targets = [Target::Ece { coordinator: None }, Target::Ess];
    for (target, real_ids) in targets.iter().flat_map(|t| [(t, false), (t, true)]) {
        for op in Operation::ALL {
            let mut spec = RequestSpec::new(op, target.clone()).repository("my-repo");
            if real_ids {
                spec = spec
                    .deployment_id("0123456789abcdef0123456789abcdef")
                    .ref_id("main-elasticsearch");
            }
            if op.needs_body() {
                spec = spec.body("{}");
            }
            let Ok(req) = build_request(&spec) else {
                continue;
            };
            if !matches!(req.target, Target::Ece { .. } | Target::Ess) {
                continue; // Elastic Cloud repository calls go to Elasticsearch
            }
            let m = match_path(req.method, &req.url);
            let PathMatch::Found(found) = m else {
                panic!("{op} {target:?}: {} {} -> {m:?}", req.method, req.url)
            };
            let a = found.endpoint.availability;
            match target {
                Target::Ece { .. } => assert!(a.ece, "{op}: not in the current ECE spec"),
                _ => assert!(a.ess, "{op}: not in the Elastic Cloud spec"),
            }
            assert_eq!(req.operation_id, Some(found.endpoint.operation_id.as_str()));
            for h in &found.endpoint.required_headers {
                assert_eq!(req.header(h), Some("true"), "{op}: missing {h}");
            }
            if found.endpoint.body_required {
                assert!(req.body.is_some(), "{op}: the spec requires a body");
            }
        }
    }
}
