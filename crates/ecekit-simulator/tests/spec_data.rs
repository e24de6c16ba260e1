//! The embedded spec subset still matches the official spec, and what the
//! simulator answers conforms to the spec's response definitions.
//!
//! The specs are read from `../shared/specs/` beside the repository (where
//! CI has them), or from `$ECEKIT_ECE_SPEC` and `$ECEKIT_ESS_SPEC`.

use ecekit_simulator::spec::{spec, validate_with, DATA};
use ecekit_simulator::Platform;
use serde_json::{json, Map, Value};
use std::path::PathBuf;

fn read_spec(var: &str, file: &str) -> Value {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/specs")
            .join(file)
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the official spec at {} ({e}): set {var} to its path",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("the official spec is JSON")
}

fn official() -> Value {
    read_spec("ECEKIT_ECE_SPEC", "ece-openapi.json")
}

fn official_ess() -> Value {
    read_spec("ECEKIT_ESS_SPEC", "ess-openapi.json")
}

fn data() -> Value {
    serde_json::from_str(DATA).unwrap()
}

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                out.push(r.trim_start_matches("#/definitions/").to_string());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn definitions_are_verbatim_copies_and_closed() {
    let spec_json = official();
    let data = data();
    let defs = data["definitions"].as_object().unwrap();
    for root in [
        "KeystoreContents",
        "KeystoreSecret",
        "LoginRequest",
        "SnapshotRepositoryConfiguration",
    ] {
        assert!(defs.contains_key(root), "{root} missing from the data file");
    }
    for (name, def) in defs {
        assert_eq!(
            def, &spec_json["definitions"][name],
            "definition {name} differs from the spec: run crates/ecekit-simulator/data/extract_spec.py"
        );
        let mut r = Vec::new();
        refs(def, &mut r);
        for target in r {
            assert!(
                defs.contains_key(&target),
                "{name} references {target}, not in the data file"
            );
        }
    }
    assert_eq!(data["source"]["basePath"], spec_json["basePath"]);
}

/// Recomputes one operation's entry from the spec (independently of the script).
fn expected_operation(spec_json: &Value, id: &str) -> Value {
    for (path, item) in spec_json["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op["operationId"] != id {
                continue;
            }
            let mut params: Vec<Value> = item["parameters"].as_array().cloned().unwrap_or_default();
            params.extend(op["parameters"].as_array().cloned().unwrap_or_default());
            let mut body = Value::Null;
            let mut headers = Vec::new();
            let mut enums = Map::new();
            for p in &params {
                match p["in"].as_str() {
                    Some("body") => {
                        body = match p["schema"]["$ref"].as_str() {
                            Some(r) => json!(r.rsplit('/').next().unwrap()),
                            None => p["schema"]["type"].clone(),
                        }
                    }
                    Some("header") if p["required"] == true => headers.push(p["name"].clone()),
                    Some("path") if p.get("enum").is_some() => {
                        enums.insert(p["name"].as_str().unwrap().into(), p["enum"].clone());
                    }
                    _ => {}
                }
            }
            let mut errors = Map::new();
            let mut statuses: Vec<String> = Vec::new();
            for (status, reply) in op["responses"].as_object().unwrap() {
                statuses.push(status.clone());
                if let Some(codes) = reply["headers"]["x-cloud-error-codes"]["enum"].as_array() {
                    errors.insert(status.clone(), json!(codes));
                }
            }
            statuses.sort();
            return json!({
                "operationId": id,
                "method": method.to_uppercase(),
                "path": path,
                "body": body,
                "required_headers": headers,
                "path_enums": enums,
                "statuses": statuses,
                "errors": errors,
            });
        }
    }
    panic!("operation {id} is not in the spec");
}

#[test]
fn operations_match_the_spec() {
    let spec_json = official();
    let data = data();
    let ops = data["operations"].as_array().unwrap();
    assert!(ops.len() >= 12);
    for op in ops {
        let id = op["operationId"].as_str().unwrap();
        assert_eq!(
            op,
            &expected_operation(&spec_json, id),
            "operation {id} differs from the spec: run crates/ecekit-simulator/data/extract_spec.py"
        );
    }
    // The facts the simulator relies on.
    let s = spec();
    assert_eq!(
        s.error_codes("set-deployment-es-resource-keystore", 404),
        [
            "deployments.deployment_not_found",
            "deployments.deployment_resource_not_found"
        ]
    );
    assert_eq!(s.error_codes("login", 401), ["root.unauthenticated"]);
    assert_eq!(s.error_codes("refresh-token", 401), ["root.unauthorized"]);
    for m in ["get", "post", "put", "delete"] {
        assert_eq!(
            s.required_headers(&format!("{m}-deployment-resource-proxy-requests")),
            ["X-Management-Request"]
        );
    }
}

fn deployment_answers_conform(spec_json: &Value, platform: Platform) {
    let defs = spec_json["definitions"].as_object().unwrap();
    // The demo deployments, the fault ones, and a generated fleet (tags).
    let (list, gets) = ecekit_simulator::demo_responses(platform, 20);
    let v = validate_with(defs, "DeploymentsListResponse", &list);
    assert!(v.is_empty(), "{platform:?} GET /deployments: {v:?}");
    assert_eq!(gets.len(), 23);
    for g in &gets {
        let v = validate_with(defs, "DeploymentGetResponse", g);
        assert!(
            v.is_empty(),
            "{platform:?} GET /deployments/{}: {v:?}",
            g["id"]
        );
        let es = &g["resources"]["elasticsearch"][0];
        assert_eq!(es["ref_id"], "main-elasticsearch");
        // Where the deployment's own Elasticsearch endpoint is (§G.1).
        let meta = &es["info"]["metadata"];
        let port = meta["ports"]["https"].as_u64().unwrap();
        assert_eq!(meta["endpoint"], "127.0.0.1");
        assert_eq!(meta["service_url"], format!("http://127.0.0.1:{port}"));
    }
    assert!(gets[22]["metadata"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["key"] == "team"));
}

#[test]
fn deployment_answers_conform_to_the_spec() {
    deployment_answers_conform(&official(), Platform::Ece);
}

#[test]
fn elastic_cloud_deployment_answers_conform_to_its_spec() {
    let ess = official_ess();
    deployment_answers_conform(&ess, Platform::Ess);
    // Elastic Cloud's DeploymentMetadata has no ECE fields: the ECE shape
    // must not pass its spec (the check can fail).
    let defs = ess["definitions"].as_object().unwrap();
    let (_, ece_gets) = ecekit_simulator::demo_responses(Platform::Ece, 3);
    assert!(!validate_with(defs, "DeploymentGetResponse", &ece_gets[0]).is_empty());
    // The keystore and error bodies are the same definitions in both specs.
    for name in [
        "KeystoreContents",
        "KeystoreSecret",
        "BasicFailedReply",
        "BasicFailedReplyElement",
    ] {
        assert_eq!(
            ess["definitions"][name],
            official()["definitions"][name],
            "{name} differs between the ECE and Elastic Cloud specs"
        );
    }
}

#[test]
fn the_validator_catches_a_broken_answer() {
    // The conformance test above must be able to fail.
    let spec_json = official();
    let defs = spec_json["definitions"].as_object().unwrap();
    let (mut list, _) = ecekit_simulator::demo_responses(Platform::Ece, 3);
    list["deployments"][0]["resources"][0]
        .as_object_mut()
        .unwrap()
        .remove("ref_id");
    list["deployments"][1]["naem"] = json!("typo");
    let fields: Vec<String> = validate_with(defs, "DeploymentsListResponse", &list)
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(
        fields,
        ["deployments[0].resources[0].ref_id", "deployments[1].naem"]
    );
}

#[test]
fn search_answers_conform_to_the_spec() {
    let sim = ecekit_simulator::Simulator::start(ecekit_simulator::Config {
        api_key: "spec-key".into(),
        password: "spec-password".into(),
        deployments: 12,
        ..Default::default()
    })
    .unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let text = agent
        .post(format!("{}/deployments/_search", sim.base_url()))
        .header("Authorization", "ApiKey spec-key")
        .header("Content-Type", "application/json")
        .send(r#"{"size":5,"query":{"match_all":{}}}"#)
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let answer: Value = serde_json::from_str(&text).unwrap();
    let spec_json = official();
    let defs = spec_json["definitions"].as_object().unwrap();
    let v = validate_with(defs, "DeploymentsSearchResponse", &answer);
    assert!(v.is_empty(), "{v:?}");
    assert_eq!(answer["return_count"], 5);
    assert!(answer["cursor"].is_string());
}
