//! One Elasticsearch cluster as its REST API answers, shared by the ECE
//! deployment proxy and the direct Elasticsearch endpoints: the same model,
//! the same routes, the same answers. What is behind a route lives in its own
//! module (repositories, reload, ...); this file holds the cluster, the
//! routing table and the action each route is authorized as.
//!
//! Bodies and errors follow Elasticsearch's shapes; reasons are
//! Elasticsearch's own where a source gives them (each module cites it).

mod analyze;
mod cron;
mod datemath;
pub mod keystore;
mod params;
mod reload;
mod reply;
mod repository;
pub mod security;
mod settings;
pub mod slm;
mod snapshot;

pub use keystore::{Keystore, Secret};
pub use reply::{EsReply, Exception};
pub use repository::AWS_EXAMPLE_ACCESS_KEY;

use params::Params;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// Elasticsearch version of every simulated cluster.
pub const ES_VERSION: &str = "8.17.3";

/// A node of a cluster, with the secure settings it loaded at its last
/// reload (what its repository clients use).
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub loaded: Keystore,
    /// Its own keystore file, when it differs from the cluster's: on a
    /// self-managed cluster each node has one (`bin/elasticsearch-keystore`
    /// is run node by node). `None`: the cluster's keystore, as ECE and
    /// Elastic Cloud keep every node's in sync.
    pub disk: Option<Keystore>,
}

/// A registered snapshot repository, as it was put.
#[derive(Debug, Clone, PartialEq)]
pub struct Repository {
    pub typ: String,
    pub settings: Map<String, Value>,
}

/// How a hooked repository analysis goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalyzeHook {
    /// The store loses a write: the analysis fails as on storage that is
    /// not strongly consistent (reference §C.4).
    LostWrite,
    /// The store is slow: the analysis takes twice the proxy's limit.
    Slow,
}

/// How a hooked snapshot ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotHook {
    /// One shard fails: PARTIAL.
    Partial,
    /// The snapshot fails: FAILED, with a reason.
    Failed,
}

/// Behaviours a test turns on for one cluster (`/__simulator/hooks`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hooks {
    /// The last node's reload fails (`reload_exception`), keeping what it
    /// loaded before.
    pub reload_fails: bool,
    /// Verification fails at the storage (access denied), whatever the
    /// credentials.
    pub verify_fails: bool,
    pub analyze: Option<AnalyzeHook>,
    pub snapshot: Option<SnapshotHook>,
}

/// What the cluster needs from outside: the time, and the simulator's
/// settings for work that takes time.
#[derive(Debug, Clone, Copy)]
pub struct Env {
    /// Now, in milliseconds since the epoch.
    pub now_ms: i64,
    /// How long a snapshot stays IN_PROGRESS.
    pub snapshot_duration: Duration,
    /// Throughput of the object store per operation, MB/s.
    pub store_mb_per_sec: f64,
    /// How long a `slow`-hooked analysis takes.
    pub slow_analysis: Duration,
}

/// What the coordinator says about a cluster's snapshots.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotSummary {
    pub count: usize,
    /// End time, success, state of the latest finished snapshot.
    pub latest: Option<(i64, bool, &'static str)>,
    pub latest_success_end: Option<i64>,
}

/// One simulated cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Cluster id (32 hex), also its `cluster_name` on ECE.
    pub id: String,
    pub name: String,
    pub uuid: String,
    pub nodes: Vec<Node>,
    /// The keystore as it is on the nodes' disks: what the coordinator's
    /// keystore PATCH writes (ECE, Elastic Cloud), or what
    /// `bin/elasticsearch-keystore` put there (self-managed). Nodes use it
    /// only after a reload.
    pub keystore: Keystore,
    pub repositories: BTreeMap<String, Repository>,
    /// `path.repo`: where `fs` repositories may live (empty on ECE and
    /// Elastic Cloud).
    pub path_repo: Vec<String>,
    pub hooks: Hooks,
    pub indices: Vec<snapshot::Index>,
    pub snapshots: Vec<snapshot::Snapshot>,
    pub slm: slm::Slm,
    pub settings: settings::ClusterSettings,
}

/// What a request brings from outside the cluster.
pub struct EsRequest<'a> {
    pub method: &'a str,
    /// The path split on `/`, decoded, without empty segments.
    pub path: &'a [String],
    /// Decoded query pairs.
    pub query: &'a [(String, String)],
    pub body: &'a [u8],
}

impl EsRequest<'_> {
    /// `/a/b` as Elasticsearch prints it in messages.
    pub fn uri(&self) -> String {
        format!("/{}", self.path.join("/"))
    }

    fn params(&self) -> Params<'_> {
        Params::new(self.query)
    }

    /// The JSON body (see [`reply::json_body`]).
    fn json_body(&self, required: bool) -> Result<Value, EsReply> {
        reply::json_body(self.body, required)
    }
}

/// An Elasticsearch REST endpoint the simulator serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Info,
    GetRepositories(Option<String>),
    PutRepository(String),
    DeleteRepository(String),
    Verify(String),
    Analyze(String),
    CreateSnapshot(String, String),
    GetSnapshots(String, String),
    DeleteSnapshot(String, String),
    SnapshotStatus(Option<String>, Option<String>),
    Reload,
    PutPolicy(String),
    GetPolicies(Option<String>),
    DeletePolicy(String),
    ExecutePolicy(String),
    ExecuteRetention,
    SlmStats,
    SlmStatus,
    SlmMode(bool),
    GetSettings,
    PutSettings,
}

impl Route {
    /// The transport action Elasticsearch authorizes the route as (what a
    /// 403 names).
    pub fn action(&self) -> &'static str {
        match self {
            Route::Info => "cluster:monitor/main",
            Route::GetRepositories(_) => "cluster:admin/repository/get",
            Route::PutRepository(_) => "cluster:admin/repository/put",
            Route::DeleteRepository(_) => "cluster:admin/repository/delete",
            Route::Verify(_) => "cluster:admin/repository/verify",
            Route::Analyze(_) => "cluster:admin/repository/analyze",
            Route::CreateSnapshot(..) => "cluster:admin/snapshot/create",
            Route::GetSnapshots(..) => "cluster:admin/snapshot/get",
            Route::DeleteSnapshot(..) => "cluster:admin/snapshot/delete",
            Route::SnapshotStatus(..) => "cluster:admin/snapshot/status",
            Route::Reload => "cluster:admin/nodes/reload_secure_settings",
            Route::PutPolicy(_) => "cluster:admin/slm/put",
            Route::GetPolicies(_) => "cluster:admin/slm/get",
            Route::DeletePolicy(_) => "cluster:admin/slm/delete",
            Route::ExecutePolicy(_) => "cluster:admin/slm/execute",
            Route::ExecuteRetention => "cluster:admin/slm/execute-retention",
            Route::SlmStats => "cluster:admin/slm/stats",
            Route::SlmStatus => "cluster:admin/slm/status",
            Route::SlmMode(true) => "cluster:admin/slm/start",
            Route::SlmMode(false) => "cluster:admin/slm/stop",
            Route::GetSettings => "cluster:monitor/settings",
            Route::PutSettings => "cluster:admin/settings/update",
        }
    }
}

/// Maps a request to its route, or answers as Elasticsearch does for a path
/// it has no handler for (400) or a method it does not take there (405).
pub fn route(method: &str, path: &[String]) -> Result<Route, EsReply> {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    let uri = format!("/{}", p.join("/"));
    let wrong = |allowed: &str| Err(reply::wrong_method(&uri, method, allowed));
    let name = |s: &str| s.to_string();
    match (p.as_slice(), method) {
        ([], "GET" | "HEAD") => Ok(Route::Info),
        ([], _) => wrong("GET, HEAD"),
        (["_snapshot"], "GET") => Ok(Route::GetRepositories(None)),
        (["_snapshot"], _) => wrong("GET"),
        (["_snapshot", "_status"], "GET") => Ok(Route::SnapshotStatus(None, None)),
        (["_snapshot", r], "GET") => Ok(Route::GetRepositories(Some(name(r)))),
        (["_snapshot", r], "PUT" | "POST") => Ok(Route::PutRepository(name(r))),
        (["_snapshot", r], "DELETE") => Ok(Route::DeleteRepository(name(r))),
        (["_snapshot", _], _) => wrong("GET, PUT, POST, DELETE"),
        (["_snapshot", r, "_verify"], "POST") => Ok(Route::Verify(name(r))),
        (["_snapshot", _, "_verify"], _) => wrong("POST"),
        (["_snapshot", r, "_analyze"], "POST") => Ok(Route::Analyze(name(r))),
        (["_snapshot", _, "_analyze"], _) => wrong("POST"),
        (["_snapshot", r, "_status"], "GET") => Ok(Route::SnapshotStatus(Some(name(r)), None)),
        (["_snapshot", r, s], "PUT" | "POST") => Ok(Route::CreateSnapshot(name(r), name(s))),
        (["_snapshot", r, s], "GET") => Ok(Route::GetSnapshots(name(r), name(s))),
        (["_snapshot", r, s], "DELETE") => Ok(Route::DeleteSnapshot(name(r), name(s))),
        (["_snapshot", _, _], _) => wrong("GET, PUT, POST, DELETE"),
        (["_snapshot", r, s, "_status"], "GET") => {
            Ok(Route::SnapshotStatus(Some(name(r)), Some(name(s))))
        }
        (["_nodes", "reload_secure_settings"], "POST")
        | (["_nodes", _, "reload_secure_settings"], "POST") => Ok(Route::Reload),
        (["_nodes", "reload_secure_settings"], _)
        | (["_nodes", _, "reload_secure_settings"], _) => wrong("POST"),
        (["_slm", "policy"], "GET") => Ok(Route::GetPolicies(None)),
        (["_slm", "policy"], _) => wrong("GET"),
        (["_slm", "policy", id], "PUT") => Ok(Route::PutPolicy(name(id))),
        (["_slm", "policy", id], "GET") => Ok(Route::GetPolicies(Some(name(id)))),
        (["_slm", "policy", id], "DELETE") => Ok(Route::DeletePolicy(name(id))),
        (["_slm", "policy", _], _) => wrong("GET, PUT, DELETE"),
        (["_slm", "policy", id, "_execute"], "PUT" | "POST") => Ok(Route::ExecutePolicy(name(id))),
        (["_slm", "policy", _, "_execute"], _) => wrong("PUT, POST"),
        (["_slm", "_execute_retention"], "POST") => Ok(Route::ExecuteRetention),
        (["_slm", "_execute_retention"], _) => wrong("POST"),
        (["_slm", "stats"], "GET") => Ok(Route::SlmStats),
        (["_slm", "status"], "GET") => Ok(Route::SlmStatus),
        (["_slm", "stats" | "status"], _) => wrong("GET"),
        (["_slm", "start"], "POST") => Ok(Route::SlmMode(true)),
        (["_slm", "stop"], "POST") => Ok(Route::SlmMode(false)),
        (["_slm", "start" | "stop"], _) => wrong("POST"),
        (["_cluster", "settings"], "GET") => Ok(Route::GetSettings),
        (["_cluster", "settings"], "PUT") => Ok(Route::PutSettings),
        (["_cluster", "settings"], _) => wrong("GET, PUT"),
        _ => Err(reply::no_handler(&uri, method)),
    }
}

impl Cluster {
    /// A cluster of `nodes` (id, name) with nothing registered.
    pub fn new(id: &str, name: &str, nodes: &[(&str, &str)]) -> Cluster {
        Cluster {
            id: id.into(),
            name: name.into(),
            uuid: format!("{}-uuid", &id[..8.min(id.len())]),
            nodes: nodes
                .iter()
                .map(|(id, name)| Node {
                    id: id.to_string(),
                    name: name.to_string(),
                    loaded: Keystore::new(),
                    disk: None,
                })
                .collect(),
            keystore: Keystore::new(),
            repositories: BTreeMap::new(),
            path_repo: Vec::new(),
            hooks: Hooks::default(),
            indices: snapshot::default_indices(id),
            snapshots: Vec::new(),
            slm: slm::Slm::default(),
            settings: settings::ClusterSettings::default(),
        }
    }

    /// Finished snapshots: how many, and the latest attempt's and latest
    /// success's end times (for the deployment info's `snapshots`).
    pub fn snapshot_summary(&self, now_ms: i64) -> SnapshotSummary {
        let done: Vec<&snapshot::Snapshot> = self
            .snapshots
            .iter()
            .filter(|s| !s.running(now_ms))
            .collect();
        let latest = done.iter().max_by_key(|s| s.end_ms());
        SnapshotSummary {
            count: done.len(),
            latest: latest.map(|s| {
                (
                    s.end_ms(),
                    s.ending == snapshot::Ending::Success,
                    match s.ending {
                        snapshot::Ending::Success => "SUCCESS",
                        snapshot::Ending::Partial => "PARTIAL",
                        snapshot::Ending::Failed => "FAILED",
                    },
                )
            }),
            latest_success_end: done
                .iter()
                .filter(|s| s.ending == snapshot::Ending::Success)
                .map(|s| s.end_ms())
                .max(),
        }
    }

    /// The master node (the first).
    pub fn master(&self) -> &Node {
        &self.nodes[0]
    }

    /// Applies a keystore change (`{name: {"value", "as_file"}}`; an entry
    /// without a value, or `null`, removes the name) to the cluster's keystore
    /// and, as ECE syncs them, to every node's own file. With `only`, to
    /// those nodes' files alone (a change made on some nodes, as
    /// `bin/elasticsearch-keystore` is, or a node out of sync).
    pub fn patch_keystore(&mut self, secrets: &Map<String, Value>, only: Option<&[usize]>) {
        let apply = |store: &mut Keystore| {
            for (name, entry) in secrets {
                match entry.get("value").filter(|v| !v.is_null()) {
                    Some(value) => {
                        let as_file = entry
                            .get("as_file")
                            .and_then(Value::as_bool)
                            .unwrap_or(value.is_object());
                        store.insert(
                            name.clone(),
                            Secret {
                                value: value.clone(),
                                as_file,
                            },
                        );
                    }
                    None => {
                        store.remove(name);
                    }
                }
            }
        };
        match only {
            None => {
                apply(&mut self.keystore);
                for n in &mut self.nodes {
                    if let Some(disk) = &mut n.disk {
                        apply(disk);
                    }
                }
            }
            Some(indexes) => {
                for &i in indexes {
                    let mut disk = self.on_disk(i).clone();
                    apply(&mut disk);
                    self.nodes[i].disk = Some(disk);
                }
            }
        }
    }

    /// The keystore file of node `i`.
    pub fn on_disk(&self, i: usize) -> &Keystore {
        self.nodes[i].disk.as_ref().unwrap_or(&self.keystore)
    }

    /// Whether every node has loaded `name` as it is in its keystore file.
    pub fn loaded_everywhere(&self, name: &str) -> bool {
        (0..self.nodes.len()).all(|i| {
            let stored = self.on_disk(i).get(name);
            stored.is_some() && self.nodes[i].loaded.get(name) == stored
        })
    }

    /// Answers one request on `route`, after recording what finished since
    /// the last one (SLM snapshot results).
    pub fn handle(&mut self, route: &Route, req: &EsRequest, env: &Env) -> EsReply {
        slm::settle(self, env.now_ms);
        match route {
            Route::Info => self.info(),
            Route::GetRepositories(names) => repository::get(self, req, names.as_deref()),
            Route::PutRepository(name) => repository::put(self, req, name),
            Route::DeleteRepository(name) => repository::delete(self, req, name),
            Route::Verify(name) => repository::verify_request(self, req, name),
            Route::Analyze(name) => analyze::analyze(self, req, name, env),
            Route::CreateSnapshot(repo, name) => snapshot::create(self, req, repo, name, env),
            Route::GetSnapshots(repo, names) => snapshot::get(self, req, repo, names, env),
            Route::DeleteSnapshot(repo, names) => snapshot::delete(self, req, repo, names, env),
            Route::SnapshotStatus(repo, names) => {
                snapshot::status(self, req, repo.as_deref(), names.as_deref(), env)
            }
            Route::Reload => reload::reload(self, req),
            Route::PutPolicy(id) => slm::put(self, req, id, env),
            Route::GetPolicies(ids) => slm::get(self, req, ids.as_deref(), env),
            Route::DeletePolicy(id) => slm::delete(self, req, id),
            Route::ExecutePolicy(id) => slm::execute(self, req, id, env),
            Route::ExecuteRetention => slm::execute_retention(self, req, env),
            Route::SlmStats => slm::stats(self, req),
            Route::SlmStatus => slm::mode(self, req, None),
            Route::SlmMode(running) => slm::mode(self, req, Some(*running)),
            Route::GetSettings => settings::get(self, req),
            Route::PutSettings => settings::put(self, req),
        }
    }

    fn info(&self) -> EsReply {
        EsReply::ok(json!({
            "name": self.master().name,
            "cluster_name": self.name,
            "cluster_uuid": self.uuid,
            "version": {
                "number": ES_VERSION,
                "build_flavor": "default",
                "build_type": "docker",
                "lucene_version": "9.12.0",
                "minimum_wire_compatibility_version": "7.17.0",
                "minimum_index_compatibility_version": "7.0.0"
            },
            "tagline": "You Know, for Search"
        }))
    }

    /// `{node_id: {"name"}}` for every node.
    fn node_names(&self) -> Map<String, Value> {
        self.nodes
            .iter()
            .map(|n| (n.id.clone(), json!({"name": n.name})))
            .collect()
    }
}

/// One request in tests, now.
#[cfg(test)]
pub(crate) fn run(cluster: &mut Cluster, method: &str, path: &str, body: &str) -> EsReply {
    run_at(cluster, method, path, body, &mut test_env())
}

/// One request in tests, at `env`'s time.
#[cfg(test)]
pub(crate) fn run_at(
    cluster: &mut Cluster,
    method: &str,
    path: &str,
    body: &str,
    env: &mut Env,
) -> EsReply {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let query: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    let req = EsRequest {
        method,
        path: &segs,
        query: &query,
        body: body.as_bytes(),
    };
    match route(method, &segs) {
        Ok(r) => cluster.handle(&r, &req, env),
        Err(reply) => reply,
    }
}

#[cfg(test)]
pub(crate) fn test_env() -> Env {
    Env {
        now_ms: crate::util::now_millis(),
        snapshot_duration: Duration::from_millis(3000),
        store_mb_per_sec: 200.0,
        slow_analysis: Duration::from_secs(120),
    }
}

/// Stores `value` as `name` in the keystore and on every node, as if it had
/// been reloaded.
#[cfg(test)]
pub(crate) fn load_everywhere(es: &mut Cluster, name: &str, value: Secret) {
    es.keystore.insert(name.into(), value.clone());
    for n in &mut es.nodes {
        n.loaded.insert(name.into(), value.clone());
    }
}

/// A test cluster whose nodes loaded a `default` S3 client, with the s3
/// repository `repo` registered.
#[cfg(test)]
pub(crate) fn test_ready() -> (Cluster, Env) {
    let mut es = test_cluster();
    for k in [
        "s3.client.default.access_key",
        "s3.client.default.secret_key",
    ] {
        load_everywhere(&mut es, k, Secret::string("AKIAREAL000000000001"));
    }
    let mut env = test_env();
    let r = run_at(
        &mut es,
        "PUT",
        "_snapshot/repo",
        r#"{"type":"s3","settings":{"bucket":"b"}}"#,
        &mut env,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    (es, env)
}

#[cfg(test)]
pub(crate) fn test_cluster() -> Cluster {
    Cluster::new(
        "8f2d4c6b0a1e3f5d7c9b2a4e6d8f0c13",
        "8f2d4c6b0a1e3f5d7c9b2a4e6d8f0c13",
        &[
            ("Qm9vdC1ub2RlLTAtbG9ncw", "instance-0000000000"),
            ("Qm9vdC1ub2RlLTEtbG9ncw", "instance-0000000001"),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_refuses_like_elasticsearch() {
        let mut c = test_cluster();
        let r = run(&mut c, "GET", "_cat/indices", "");
        assert_eq!(r.status, 400);
        assert_eq!(
            r.body["error"],
            "no handler found for uri [/_cat/indices] and method [GET]"
        );
        let r = run(&mut c, "GET", "_snapshot/r/_verify", "");
        assert_eq!(r.status, 405);
        assert_eq!(
            run(&mut c, "GET", "", "").body["version"]["number"],
            ES_VERSION
        );
        assert_eq!(
            route("PUT", &["_snapshot".into(), "r".into()])
                .unwrap()
                .action(),
            "cluster:admin/repository/put"
        );
    }
}
