//! `/__simulator/...`: the test hooks. Health (no auth), queued faults,
//! keystore digests (never values), per-cluster behaviour hooks, and the
//! fleet's generated states. Everything but health needs the coordinator's
//! credential.

use super::reply::{failed, CODE_INVALID_JSON, CODE_NOT_FOUND};
use super::App;
use crate::es::{AnalyzeHook, Cluster, Hooks, SnapshotHook};
use crate::http::{Reply, Request};
use crate::state::{ClusterRef, DeploymentFaults, Fault, QueuedFault, World};
use crate::util::sha256_hex;
use serde_json::{json, Map, Value};

/// The name of the self-managed cluster in control paths.
pub const SELF_MANAGED: &str = "self-managed";

const USAGE: &str = "simulator control: GET /__simulator/health; POST|DELETE /__simulator/faults; GET|PATCH /__simulator/keystore/{deployment_id}/{ref_id} or /__simulator/keystore/self-managed; GET|PUT|DELETE /__simulator/hooks/{deployment_id or self-managed}; GET /__simulator/fleet";

/// The cluster (and, for a deployment, its coordinator faults) a control
/// path names.
fn target(world: &World, name: &str) -> Option<ClusterRef> {
    if name == SELF_MANAGED {
        Some(ClusterRef::SelfManaged)
    } else {
        world.index(name).map(ClusterRef::Deployment)
    }
}

/// Each keystore name (in the cluster's keystore or any node's file) with
/// its digest, never its value: `stored_on` the nodes whose file has it,
/// `loaded_on` the nodes that loaded that value, `loaded` on every node.
fn digests(cluster: &Cluster) -> Value {
    let mut names: Vec<&String> = cluster.keystore.keys().collect();
    for i in 0..cluster.nodes.len() {
        names.extend(cluster.on_disk(i).keys());
    }
    names.sort();
    names.dedup();
    let secrets: Map<String, Value> = names
        .into_iter()
        .filter_map(|k| {
            let s = cluster
                .keystore
                .get(k)
                .or_else(|| (0..cluster.nodes.len()).find_map(|i| cluster.on_disk(i).get(k)))?;
            let bytes = s.stored_bytes();
            let on = |f: &dyn Fn(usize) -> bool| -> Vec<&str> {
                (0..cluster.nodes.len())
                    .filter(|i| f(*i))
                    .map(|i| cluster.nodes[i].name.as_str())
                    .collect()
            };
            let stored_on = on(&|i| cluster.on_disk(i).contains_key(k));
            let loaded_on = on(&|i| {
                let stored = cluster.on_disk(i).get(k);
                stored.is_some() && cluster.nodes[i].loaded.get(k) == stored
            });
            Some((
                k.clone(),
                json!({
                    "as_file": s.as_file,
                    "sha256": sha256_hex(&bytes),
                    "length": bytes.len(),
                    "loaded": cluster.loaded_everywhere(k),
                    "stored_on": stored_on,
                    "loaded_on": loaded_on,
                }),
            ))
        })
        .collect();
    json!({ "secrets": secrets })
}

/// `PATCH /__simulator/keystore/...`: `{"secrets": {...}, "nodes": [names]}`
/// changes those nodes' own keystore files (all when `nodes` is left out),
/// as `bin/elasticsearch-keystore` on a self-managed node would, or as a
/// deployment's keystore out of sync on some nodes.
fn patch_nodes(cluster: &mut Cluster, body: &[u8]) -> Result<Value, Reply> {
    let bad = |m: &str| failed(400, CODE_INVALID_JSON, m, vec![]);
    let body: Value = serde_json::from_slice(body)
        .map_err(|_| bad("the body must be {\"secrets\": {...}, \"nodes\": [node names]}"))?;
    let Some(secrets) = body["secrets"].as_object() else {
        return Err(bad("secrets must be an object of keystore entries"));
    };
    let indexes: Vec<usize> = match body["nodes"].as_array() {
        None => (0..cluster.nodes.len()).collect(),
        Some(names) => {
            let mut out = Vec::new();
            for n in names {
                let name = n.as_str().unwrap_or_default();
                match cluster
                    .nodes
                    .iter()
                    .position(|x| x.name == name || x.id == name)
                {
                    Some(i) => out.push(i),
                    None => {
                        let known: Vec<&str> =
                            cluster.nodes.iter().map(|x| x.name.as_str()).collect();
                        return Err(bad(&format!(
                            "no node [{name}]; the nodes are {}",
                            known.join(", ")
                        )));
                    }
                }
            }
            out
        }
    };
    cluster.patch_keystore(secrets, Some(&indexes));
    Ok(digests(cluster))
}

fn hooks_json(hooks: &Hooks, faults: Option<DeploymentFaults>) -> Value {
    let mut v = json!({
        "reload": if hooks.reload_fails { json!("fail") } else { Value::Null },
        "verify": if hooks.verify_fails { json!("fail") } else { Value::Null },
        "analyze": match hooks.analyze {
            Some(AnalyzeHook::LostWrite) => json!("lost_write"),
            Some(AnalyzeHook::Slow) => json!("slow"),
            None => Value::Null,
        },
        "snapshot": match hooks.snapshot {
            Some(SnapshotHook::Partial) => json!("partial"),
            Some(SnapshotHook::Failed) => json!("failed"),
            None => Value::Null,
        },
    });
    if let Some(f) = faults {
        v["keystore_patch"] = if f.keystore_patch_fails {
            json!("fail")
        } else {
            Value::Null
        };
        v["elevated_permissions"] = json!(f.needs_elevated_permissions);
    }
    v
}

/// Applies the keys present in `body` (a `null` turns a hook off).
fn apply_hooks(
    body: &Map<String, Value>,
    hooks: &mut Hooks,
    faults: Option<&mut DeploymentFaults>,
) -> Result<(), String> {
    let mut faults = faults;
    for (key, value) in body {
        let word = value.as_str();
        match (key.as_str(), word, value) {
            ("reload", Some("fail"), _) => hooks.reload_fails = true,
            ("reload", None, Value::Null) => hooks.reload_fails = false,
            ("verify", Some("fail"), _) => hooks.verify_fails = true,
            ("verify", None, Value::Null) => hooks.verify_fails = false,
            ("analyze", Some("lost_write"), _) => hooks.analyze = Some(AnalyzeHook::LostWrite),
            ("analyze", Some("slow"), _) => hooks.analyze = Some(AnalyzeHook::Slow),
            ("analyze", None, Value::Null) => hooks.analyze = None,
            ("snapshot", Some("partial"), _) => hooks.snapshot = Some(SnapshotHook::Partial),
            ("snapshot", Some("failed"), _) => hooks.snapshot = Some(SnapshotHook::Failed),
            ("snapshot", None, Value::Null) => hooks.snapshot = None,
            ("keystore_patch", Some("fail"), _) | ("keystore_patch", None, Value::Null)
                if faults.is_some() =>
            {
                if let Some(f) = faults.as_deref_mut() {
                    f.keystore_patch_fails = word.is_some();
                }
            }
            ("elevated_permissions", _, Value::Bool(b)) if faults.is_some() => {
                if let Some(f) = faults.as_deref_mut() {
                    f.needs_elevated_permissions = *b;
                }
            }
            _ => {
                return Err(format!(
                    "hook {key}: {value} is not one of reload: \"fail\", verify: \"fail\", analyze: \"lost_write\" | \"slow\", snapshot: \"partial\" | \"failed\", keystore_patch: \"fail\" and elevated_permissions: true | false (deployments only), or null to turn it off"
                ))
            }
        }
    }
    Ok(())
}

impl App {
    /// `/__simulator/...`.
    pub(super) fn control(&self, req: &Request, rest: &str) -> Reply {
        if rest == "health" {
            return Reply::json(200, &json!({"ok": true}));
        }
        if let Err(r) = self.authenticate(req) {
            return r;
        }
        let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        match (req.method.as_str(), segs.as_slice()) {
            ("POST", ["faults"]) => self.queue_fault(req),
            ("DELETE", ["faults"]) => {
                self.shared.lock().queued_faults.clear();
                Reply::json(200, &json!({ "queued": 0 }))
            }
            (method @ ("GET" | "PATCH"), ["keystore", SELF_MANAGED]) => {
                let mut st = self.shared.lock();
                self.keystore_control(req, method, &mut st.self_managed)
            }
            (method @ ("GET" | "PATCH"), ["keystore", id, ref_id]) => {
                let mut st = self.shared.lock();
                match st.deployment_mut(id) {
                    Some(d) if *ref_id == d.es_ref_id || *ref_id == "_main" => {
                        self.keystore_control(req, method, &mut d.es)
                    }
                    _ => failed(404, CODE_NOT_FOUND, "no such deployment or ref_id", vec![]),
                }
            }
            (method @ ("GET" | "PUT" | "DELETE"), ["hooks", name]) => self.hooks(req, method, name),
            ("GET", ["fleet"]) => {
                let st = self.shared.lock();
                Reply::json(200, &crate::fleet::manifest(&self.shared.profiles, &st))
            }
            _ => failed(404, CODE_NOT_FOUND, USAGE, vec![]),
        }
    }

    fn keystore_control(&self, req: &Request, method: &str, cluster: &mut Cluster) -> Reply {
        if method == "GET" {
            return Reply::json(200, &digests(cluster));
        }
        match patch_nodes(cluster, &req.body) {
            Ok(v) => Reply::json(200, &v),
            Err(r) => r,
        }
    }

    fn queue_fault(&self, req: &Request) -> Reply {
        let body: Value = match serde_json::from_slice(&req.body) {
            Ok(v) => v,
            Err(e) => return failed(400, CODE_INVALID_JSON, &format!("not JSON: {e}"), vec![]),
        };
        let Some(fault) = body["fault"].as_str().and_then(Fault::parse) else {
            return failed(
                400,
                CODE_INVALID_JSON,
                "fault must be \"error\", \"drop\", \"hang\" or \"delay=MS\"",
                vec!["fault".into()],
            );
        };
        let count = body["count"].as_u64().unwrap_or(1).min(10_000) as u32;
        let mut st = self.shared.lock();
        st.queued_faults.push(QueuedFault {
            fault,
            remaining: count,
            path_contains: body["path_contains"].as_str().unwrap_or("").to_string(),
            method: body["method"].as_str().map(str::to_string),
        });
        let queued: u32 = st.queued_faults.iter().map(|q| q.remaining).sum();
        Reply::json(200, &json!({ "queued": queued }))
    }

    fn hooks(&self, req: &Request, method: &str, name: &str) -> Reply {
        let body = if method == "PUT" {
            match serde_json::from_slice::<Value>(&req.body) {
                Ok(Value::Object(m)) => Some(m),
                _ => {
                    return failed(
                        400,
                        CODE_INVALID_JSON,
                        "the body must be a JSON object such as {\"analyze\":\"lost_write\"}",
                        vec![],
                    )
                }
            }
        } else {
            None
        };
        let mut st = self.shared.lock();
        let Some(at) = target(&st, name) else {
            return failed(
                404,
                CODE_NOT_FOUND,
                &format!("no deployment [{name}]: name a deployment id or {SELF_MANAGED}"),
                vec![],
            );
        };
        let (hooks, faults) = match at {
            ClusterRef::SelfManaged => (&mut st.self_managed.hooks, None),
            ClusterRef::Deployment(i) => {
                let d = &mut st.deployments[i];
                (&mut d.es.hooks, Some(&mut d.faults))
            }
        };
        if method == "DELETE" {
            *hooks = Hooks::default();
            if let Some(f) = faults {
                *f = DeploymentFaults::default();
            }
            return Reply::json(200, &hooks_json(hooks, None));
        }
        if let Some(body) = body {
            let mut faults = faults;
            if let Err(message) = apply_hooks(&body, hooks, faults.as_deref_mut()) {
                return failed(400, CODE_INVALID_JSON, &message, vec![]);
            }
            return Reply::json(200, &hooks_json(hooks, faults.map(|f| *f)));
        }
        Reply::json(200, &hooks_json(hooks, faults.map(|f| *f)))
    }
}
