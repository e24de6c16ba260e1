//! `POST _nodes/reload_secure_settings`: each node loads the keystore as it
//! is on its disk. A node that fails still answers and counts as successful;
//! its failure is its `reload_exception` (reference §E,
//! `NodesReloadSecureSettingsResponse`).

use super::keystore::{self, Keystore};
use super::reply::{EsReply, Exception};
use super::{Cluster, EsRequest};
use serde_json::{json, Map, Value};

/// What went wrong on one node, first failure first (the others are
/// `suppressed`, as `ExceptionsHelper.rethrowAndSuppress` attaches them).
fn node_failures(store: &Keystore) -> Vec<Exception> {
    let mut out = Vec::new();
    for (name, secret) in store {
        if keystore::is_unknown(name) {
            // elastic/elasticsearch#103176.
            out.push(Exception::new(
                "illegal_argument_exception",
                format!(
                    "unknown secure setting [{name}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings"
                ),
            ));
        } else if name.starts_with("gcs.client.") && name.ends_with(".credentials_file") {
            // The GCS plugin parses the key when it reloads.
            let parses = match &secret.value {
                Value::String(text) => serde_json::from_str::<Value>(text).is_ok(),
                _ => true,
            };
            if !parses {
                out.push(Exception::new(
                    "illegal_argument_exception",
                    format!("failed to load GCS client credentials from [{name}]"),
                ));
            }
        }
    }
    out
}

fn as_json(mut failures: Vec<Exception>) -> Option<Value> {
    if failures.is_empty() {
        return None;
    }
    let first = failures.remove(0);
    let mut v = first.to_json();
    if !failures.is_empty() {
        v["suppressed"] = Value::Array(failures.iter().map(Exception::to_json).collect());
    }
    Some(v)
}

pub fn reload(es: &mut Cluster, req: &EsRequest) -> EsReply {
    if let Err(e) = req.params().only(&req.uri(), &["timeout"]) {
        return e;
    }
    // `_nodes/<filter>/reload_secure_settings`: ids or names, `_all`,
    // `_local` (the node answering: the master here).
    let filter: Option<Vec<String>> = match req.path {
        [_, f, _] if f != "_all" => Some(f.split(',').map(str::to_string).collect()),
        _ => None,
    };
    let last = es.nodes.len() - 1;
    let stores: Vec<Keystore> = (0..es.nodes.len()).map(|i| es.on_disk(i).clone()).collect();
    let reload_fails = es.hooks.reload_fails;
    let mut nodes = Map::new();
    for (i, (node, store)) in es.nodes.iter_mut().zip(stores).enumerate() {
        let selected = filter.as_ref().is_none_or(|f| {
            f.iter()
                .any(|x| *x == node.id || *x == node.name || (x == "_local" && i == 0))
        });
        if !selected {
            continue;
        }
        let mut entry = json!({"name": node.name});
        if reload_fails && i == last {
            // The node keeps what it loaded before.
            entry["reload_exception"] =
                Exception::new("illegal_state_exception", "Keystore is missing").to_json();
        } else {
            if let Some(e) = as_json(node_failures(&store)) {
                entry["reload_exception"] = e;
            }
            node.loaded = store;
        }
        nodes.insert(node.id.clone(), entry);
    }
    let count = nodes.len();
    EsReply::ok(json!({
        "_nodes": {"total": count, "successful": count, "failed": 0},
        "cluster_name": es.name,
        "nodes": nodes
    }))
}

#[cfg(test)]
mod tests {
    use super::super::keystore::Secret;
    use super::super::{run, test_cluster};

    #[test]
    fn every_node_loads_the_keystore() {
        let mut es = test_cluster();
        es.keystore
            .insert("s3.client.default.access_key".into(), Secret::string("AK"));
        let r = run(&mut es, "POST", "_nodes/reload_secure_settings", "{}");
        assert_eq!(r.status, 200);
        assert_eq!(r.body["_nodes"]["total"], 2);
        assert!(r.body["nodes"]
            .as_object()
            .unwrap()
            .values()
            .all(|n| n.get("reload_exception").is_none()));
        assert!(es.loaded_everywhere("s3.client.default.access_key"));
    }

    #[test]
    fn a_failing_node_reports_its_reload_exception_and_keeps_its_old_settings() {
        let mut es = test_cluster();
        es.hooks.reload_fails = true;
        es.keystore
            .insert("s3.client.default.access_key".into(), Secret::string("AK"));
        let r = run(&mut es, "POST", "_nodes/reload_secure_settings", "");
        assert_eq!(r.body["_nodes"]["successful"], 2, "it still answered");
        assert_eq!(r.body["_nodes"]["failed"], 0);
        let failed = &r.body["nodes"][&es.nodes[1].id];
        assert_eq!(
            failed["reload_exception"]["type"],
            "illegal_state_exception"
        );
        assert!(es.nodes[0]
            .loaded
            .contains_key("s3.client.default.access_key"));
        assert!(!es.nodes[1]
            .loaded
            .contains_key("s3.client.default.access_key"));
        assert!(!es.loaded_everywhere("s3.client.default.access_key"));
    }

    #[test]
    fn unknown_settings_are_named_on_every_node() {
        let mut es = test_cluster();
        es.keystore
            .insert("s3.client.default.acess_key".into(), Secret::string("AK"));
        es.keystore.insert("s3.key".into(), Secret::string("AK"));
        let r = run(&mut es, "POST", "_nodes/reload_secure_settings", "");
        for n in r.body["nodes"].as_object().unwrap().values() {
            let e = &n["reload_exception"];
            assert_eq!(e["type"], "illegal_argument_exception");
            assert!(e["reason"]
                .as_str()
                .unwrap()
                .starts_with("unknown secure setting [s3.client.default.acess_key] please check"));
            assert_eq!(e["suppressed"].as_array().unwrap().len(), 1);
        }
    }

    #[test]
    fn a_node_filter_reloads_only_those_nodes() {
        let mut es = test_cluster();
        let id = es.nodes[0].id.clone();
        let r = run(
            &mut es,
            "POST",
            &format!("_nodes/{id}/reload_secure_settings"),
            "",
        );
        assert_eq!(r.body["_nodes"]["total"], 1);
    }
}
