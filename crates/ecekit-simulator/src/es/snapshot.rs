//! Snapshots (reference §D): create (`PUT _snapshot/<repo>/<snapshot>`,
//! `?wait_for_completion`), get (`GET _snapshot/<repo>/<names>`, `_all`,
//! `_current`), `_status`, delete. A snapshot is `IN_PROGRESS` for
//! `--snapshot-ms`, then `SUCCESS`, or `PARTIAL` / `FAILED` when the
//! cluster's snapshot hook says so; its state is computed from the clock when
//! read, so nothing runs in the background.

use super::reply::{error, EsReply, Exception};
use super::repository::{self, wildcard};
use super::{Cluster, Env, EsRequest, SnapshotHook, ES_VERSION};
use crate::util::{iso_millis, sha256_hex};
use serde_json::{json, Map, Value};

/// `Strings.INVALID_FILENAME_CHARS` as Elasticsearch prints the set.
pub const INVALID_FILENAME_CHARS: &str = r#"[' ','"','*',',','/','<','>','?','\','|']"#;

/// Whether `name` has none of the characters a file name may not have.
pub fn valid_file_name(name: &str) -> bool {
    !name.chars().any(|c| {
        matches!(
            c,
            '\\' | '/' | '*' | '?' | '"' | '<' | '>' | '|' | ' ' | ','
        )
    })
}

/// An index of a simulated cluster.
#[derive(Debug, Clone)]
pub struct Index {
    pub name: String,
    pub uuid: String,
    pub shards: u32,
    pub size_bytes: u64,
    pub files: u64,
}

/// The indices every simulated cluster holds (a Kibana system index, taken
/// with the global state as the `kibana` feature, and three data indices).
pub fn default_indices(cluster_id: &str) -> Vec<Index> {
    let uuid = |name: &str| {
        let h = sha256_hex(format!("{cluster_id}/{name}").as_bytes());
        h[..22].to_string()
    };
    [
        (format!(".kibana_{ES_VERSION}_001"), 1, 4_312_448u64, 38u64),
        ("logs-app-2025.01".to_string(), 2, 734_003_200, 412),
        ("metrics-system-2025.01".to_string(), 1, 209_715_200, 133),
        ("orders".to_string(), 1, 52_428_800, 61),
    ]
    .into_iter()
    .map(|(name, shards, size_bytes, files)| Index {
        uuid: uuid(&name),
        name,
        shards,
        size_bytes,
        files,
    })
    .collect()
}

/// How a snapshot ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Success,
    Partial,
    Failed,
}

/// A snapshot in a repository of the cluster.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub name: String,
    pub uuid: String,
    pub repository: String,
    /// Data indices, then the feature states' indices.
    pub indices: Vec<String>,
    pub feature_states: Vec<(String, Vec<String>)>,
    pub include_global_state: bool,
    pub metadata: Option<Value>,
    pub start_ms: i64,
    pub duration_ms: i64,
    pub ending: Ending,
    /// The SLM policy that took it.
    pub policy: Option<String>,
    /// Whether SLM has recorded its end.
    pub settled: bool,
    /// Share of the data that is new in this snapshot.
    pub incremental: f64,
}

/// The state of a snapshot at a moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum State {
    InProgress(f64),
    Done(Ending),
}

impl Snapshot {
    pub fn state(&self, now_ms: i64) -> State {
        let elapsed = now_ms - self.start_ms;
        if elapsed >= self.duration_ms {
            State::Done(self.ending)
        } else {
            State::InProgress(elapsed.max(0) as f64 / self.duration_ms.max(1) as f64)
        }
    }

    pub fn end_ms(&self) -> i64 {
        self.start_ms + self.duration_ms
    }

    pub fn running(&self, now_ms: i64) -> bool {
        matches!(self.state(now_ms), State::InProgress(_))
    }

    fn shards_total(&self, es: &Cluster) -> u32 {
        self.indices
            .iter()
            .filter_map(|n| es.indices.iter().find(|i| &i.name == n))
            .map(|i| i.shards)
            .sum()
    }

    /// The index a PARTIAL or FAILED snapshot fails on: its first data index.
    fn failing_index<'a>(&self, es: &'a Cluster) -> Option<&'a Index> {
        self.indices
            .iter()
            .filter(|n| !n.starts_with('.'))
            .find_map(|n| es.indices.iter().find(|i| &i.name == n))
    }

    /// `(successful, failed, total)` shards at `now_ms`.
    fn shards(&self, es: &Cluster, now_ms: i64) -> (u32, u32, u32) {
        let total = self.shards_total(es);
        match self.state(now_ms) {
            State::InProgress(p) => ((f64::from(total) * p).floor() as u32, 0, total),
            State::Done(Ending::Success) => (total, 0, total),
            State::Done(Ending::Partial) => (total.saturating_sub(1), total.min(1), total),
            State::Done(Ending::Failed) => {
                let failed = self.failing_index(es).map_or(total, |i| i.shards);
                (total - failed, failed, total)
            }
        }
    }

    /// The reason of a FAILED snapshot.
    pub fn reason(&self, es: &Cluster) -> String {
        let index = self.failing_index(es).map_or("", |i| i.name.as_str());
        format!("Indices don't have primary shards [{index}]")
    }

    /// What SLM records for a snapshot that did not succeed (reference §A.7).
    pub fn failure_details(&self, es: &Cluster) -> String {
        let (_, failed, total) = self.shards(es, i64::MAX);
        let reason = match self.ending {
            Ending::Failed => format!(
                "[{}:{}/{}] {}",
                self.repository,
                self.name,
                self.uuid,
                self.reason(es)
            ),
            _ => format!(
                "[{}] failed to create snapshot successfully, {failed} out of {total} total shards failed",
                self.name
            ),
        };
        json!({"type": "snapshot_exception", "reason": reason}).to_string()
    }

    /// `SnapshotInfo`, as `GET _snapshot/<repo>/<name>` shows it.
    pub fn info(&self, es: &Cluster, now_ms: i64, human: bool) -> Value {
        let state = self.state(now_ms);
        let (successful, failed, total) = self.shards(es, now_ms);
        let (end, state_name) = match state {
            State::InProgress(_) => (0, "IN_PROGRESS"),
            State::Done(Ending::Success) => (self.end_ms(), "SUCCESS"),
            State::Done(Ending::Partial) => (self.end_ms(), "PARTIAL"),
            State::Done(Ending::Failed) => (self.end_ms(), "FAILED"),
        };
        let duration = if end == 0 { 0 } else { end - self.start_ms };
        let mut v = json!({
            "snapshot": self.name,
            "uuid": self.uuid,
            "repository": self.repository,
            "version_id": 8_17_03_99,
            "version": ES_VERSION,
            "indices": self.indices,
            "data_streams": [],
            "include_global_state": self.include_global_state,
            "state": state_name,
            "start_time": iso_millis(self.start_ms),
            "start_time_in_millis": self.start_ms,
            "end_time": iso_millis(end),
            "end_time_in_millis": end,
            "duration_in_millis": duration,
            "failures": self.failures(es, state),
            "shards": {"total": total, "failed": failed, "successful": successful},
            "feature_states": self.feature_states.iter().map(|(f, idx)| json!({"feature_name": f, "indices": idx})).collect::<Vec<_>>(),
        });
        if let Some(m) = &self.metadata {
            v["metadata"] = m.clone();
        }
        if state == State::Done(Ending::Failed) {
            v["reason"] = json!(self.reason(es));
        }
        if human {
            v["duration"] = json!(super::params::TimeValue::from_millis(duration).to_string());
        }
        v
    }

    fn failures(&self, es: &Cluster, state: State) -> Vec<Value> {
        let Some(index) = self.failing_index(es) else {
            return Vec::new();
        };
        let node = &es.nodes[es.nodes.len() - 1].id;
        match state {
            State::Done(Ending::Partial) => vec![json!({
                "index": index.name,
                "index_uuid": index.uuid,
                "shard_id": 0,
                "reason": format!(
                    "IndexShardSnapshotFailedException[Failed to write file list]; nested: IOException[Unable to upload object [indices/{}/0/__{}] using a single upload]; nested: AmazonS3Exception[Slow Down (Service: Amazon S3; Status Code: 503; Error Code: SlowDown)]",
                    index.uuid, &self.uuid[..8]
                ),
                "node_id": node,
                "status": "INTERNAL_SERVER_ERROR"
            })],
            State::Done(Ending::Failed) => (0..index.shards)
                .map(|shard| {
                    json!({
                        "index": index.name,
                        "index_uuid": index.uuid,
                        "shard_id": shard,
                        "reason": "primary shard is not allocated",
                        "status": "INTERNAL_SERVER_ERROR"
                    })
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// One entry of `_status` (reference §D.4).
    pub fn status(&self, es: &Cluster, now_ms: i64) -> Value {
        let state = self.state(now_ms);
        let progress = match state {
            State::InProgress(p) => p,
            State::Done(_) => 1.0,
        };
        let state_name = match state {
            State::InProgress(_) => "STARTED",
            // PARTIAL reads as SUCCESS here (TransportSnapshotsStatusAction).
            State::Done(Ending::Success | Ending::Partial) => "SUCCESS",
            State::Done(Ending::Failed) => "FAILED",
        };
        let failing = self.failing_index(es).map(|i| i.name.clone());
        let elapsed = ((self.duration_ms as f64) * progress) as i64;
        let mut totals = Counts::default();
        let mut indices = Map::new();
        for name in &self.indices {
            let Some(index) = es.indices.iter().find(|i| &i.name == name) else {
                continue;
            };
            let mut counts = Counts::default();
            let mut shards = Map::new();
            let per_files = index.files / u64::from(index.shards.max(1));
            let per_size = index.size_bytes / u64::from(index.shards.max(1));
            for shard in 0..index.shards {
                let fails = match state {
                    State::Done(Ending::Partial) => Some(name) == failing.as_ref() && shard == 0,
                    State::Done(Ending::Failed) => Some(name) == failing.as_ref(),
                    _ => false,
                };
                let done =
                    progress >= 1.0 || (shard as f64 + 1.0) / (index.shards as f64) <= progress;
                let stage = if fails {
                    "FAILURE"
                } else if done {
                    "DONE"
                } else {
                    "STARTED"
                };
                let shard_progress = if done { 1.0 } else { progress };
                let stats = stats(
                    per_files,
                    per_size,
                    self.incremental,
                    shard_progress,
                    self.start_ms,
                    elapsed,
                );
                counts.add(stage);
                shards.insert(shard.to_string(), json!({"stage": stage, "stats": stats}));
            }
            totals.merge(&counts);
            let files = index.files;
            indices.insert(
                name.clone(),
                json!({
                    "shards_stats": counts.json(),
                    "stats": stats(files, index.size_bytes, self.incremental, progress, self.start_ms, elapsed),
                    "shards": shards
                }),
            );
        }
        let (files, size) = self
            .indices
            .iter()
            .filter_map(|n| es.indices.iter().find(|i| &i.name == n))
            .fold((0, 0), |(f, s), i| (f + i.files, s + i.size_bytes));
        json!({
            "snapshot": self.name,
            "repository": self.repository,
            "uuid": self.uuid,
            "state": state_name,
            "include_global_state": self.include_global_state,
            "shards_stats": totals.json(),
            "stats": stats(files, size, self.incremental, progress, self.start_ms, elapsed),
            "indices": indices
        })
    }
}

#[derive(Default)]
struct Counts {
    started: u32,
    done: u32,
    failed: u32,
}

impl Counts {
    fn add(&mut self, stage: &str) {
        match stage {
            "DONE" => self.done += 1,
            "FAILURE" => self.failed += 1,
            _ => self.started += 1,
        }
    }

    fn merge(&mut self, other: &Counts) {
        self.started += other.started;
        self.done += other.done;
        self.failed += other.failed;
    }

    fn json(&self) -> Value {
        json!({
            "initializing": 0,
            "started": self.started,
            "finalizing": 0,
            "done": self.done,
            "failed": self.failed,
            "total": self.started + self.done + self.failed
        })
    }
}

/// `SnapshotStats`: `processed` only while it differs from `incremental`.
fn stats(
    files: u64,
    size: u64,
    incremental: f64,
    progress: f64,
    start_ms: i64,
    time_ms: i64,
) -> Value {
    let inc_files = ((files as f64) * incremental).ceil() as u64;
    let inc_size = ((size as f64) * incremental) as u64;
    let mut v = json!({
        "incremental": {"file_count": inc_files, "size_in_bytes": inc_size},
        "total": {"file_count": files, "size_in_bytes": size},
        "start_time_in_millis": start_ms,
        "time_in_millis": time_ms
    });
    if progress < 1.0 {
        v["processed"] = json!({
            "file_count": ((inc_files as f64) * progress) as u64,
            "size_in_bytes": ((inc_size as f64) * progress) as u64
        });
    }
    v
}

/// What a snapshot is asked to take (the create body, or an SLM policy's
/// `config`).
#[derive(Debug, Clone)]
pub struct Request {
    pub indices: Vec<String>,
    pub ignore_unavailable: bool,
    pub include_global_state: bool,
    pub feature_states: Option<Vec<String>>,
    pub metadata: Option<Value>,
}

impl Request {
    /// From a create body or SLM `config` (missing keys take their
    /// defaults; `indices` a string or an array).
    pub fn from_json(v: &Value) -> Result<Request, Exception> {
        let indices = match &v["indices"] {
            Value::Null => vec!["*".to_string()],
            Value::String(s) => s.split(',').map(|x| x.trim().to_string()).collect(),
            Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    Exception::new(
                        "illegal_argument_exception",
                        "malformed indices section, should be an array of strings",
                    )
                })?,
            _ => {
                return Err(Exception::new(
                    "illegal_argument_exception",
                    "malformed indices section, should be an array of strings",
                ))
            }
        };
        let flag = |key: &str, default: bool| v[key].as_bool().unwrap_or(default);
        let feature_states = v["feature_states"].as_array().map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        });
        Ok(Request {
            indices,
            ignore_unavailable: flag("ignore_unavailable", false),
            include_global_state: flag("include_global_state", true),
            feature_states,
            metadata: v.get("metadata").filter(|m| m.is_object()).cloned(),
        })
    }
}

/// `InvalidSnapshotNameException`: `[repo:name] Invalid snapshot name [name], <why>`.
fn invalid_name(repo: &str, name: &str, why: &str) -> Exception {
    Exception::new(
        "invalid_snapshot_name_exception",
        format!("[{repo}:{name}] Invalid snapshot name [{name}], {why}"),
    )
}

/// Starts a snapshot (the checks of `SnapshotsService.createSnapshot`, in
/// order): the repository exists and can be reached, the name is valid and
/// new, the indices exist.
pub fn start(
    es: &mut Cluster,
    repo: &str,
    name: &str,
    request: &Request,
    policy: Option<&str>,
    env: &Env,
) -> Result<usize, (u16, Exception)> {
    let repository = es.repositories.get(repo).ok_or_else(|| {
        (
            404,
            Exception::new("repository_missing_exception", format!("[{repo}] missing")),
        )
    })?;
    let why = if name.is_empty() {
        Some("cannot be empty".to_string())
    } else if name.contains('#') {
        Some("must not contain '#'".to_string())
    } else if name.starts_with('_') {
        Some("must not start with '_'".to_string())
    } else if name.to_lowercase() != name {
        Some("must be lowercase".to_string())
    } else if !valid_file_name(name) {
        Some(format!(
            "must not contain the following characters {INVALID_FILENAME_CHARS}"
        ))
    } else {
        None
    };
    if let Some(why) = why {
        return Err((400, invalid_name(repo, name, &why)));
    }
    if repository
        .settings
        .get("readonly")
        .is_some_and(|v| v == true || v == "true")
    {
        return Err((
            500,
            Exception::new(
                "repository_exception",
                format!("[{repo}] cannot create snapshot in a readonly repository"),
            ),
        ));
    }
    if let Some(existing) = es
        .snapshots
        .iter()
        .find(|s| s.repository == repo && s.name == name)
    {
        let what = if existing.running(env.now_ms) {
            "snapshot with the same name is already in-progress"
        } else {
            "snapshot with the same name already exists"
        };
        let mut e = invalid_name(repo, name, what);
        e.typ = "snapshot_name_already_in_use_exception".into();
        return Err((400, e));
    }
    if let Some(cause) = repository::master_problem(es, repo) {
        return Err((
            500,
            Exception::new(
                "repository_exception",
                format!("[{repo}] could not read repository data from index blob"),
            )
            .caused_by(cause),
        ));
    }
    let mut indices: Vec<String> = Vec::new();
    for pattern in &request.indices {
        let pattern = pattern.trim();
        if pattern.is_empty() || pattern == "_all" {
            continue;
        }
        if pattern.contains('*') || pattern == "_all" {
            for index in es.indices.iter().filter(|i| !i.name.starts_with('.')) {
                if wildcard(pattern, &index.name) && !indices.contains(&index.name) {
                    indices.push(index.name.clone());
                }
            }
        } else if es.indices.iter().any(|i| i.name == pattern) {
            if !indices.iter().any(|i| i == pattern) {
                indices.push(pattern.to_string());
            }
        } else if !request.ignore_unavailable {
            return Err((
                404,
                Exception::new(
                    "index_not_found_exception",
                    format!("no such index [{pattern}]"),
                )
                .with("resource.type", json!("index_or_alias"))
                .with("resource.id", json!(pattern))
                .with("index_uuid", json!("_na_"))
                .with("index", json!(pattern)),
            ));
        }
    }
    if request.indices.iter().any(|p| p.trim() == "_all") {
        for index in es.indices.iter().filter(|i| !i.name.starts_with('.')) {
            if !indices.contains(&index.name) {
                indices.push(index.name.clone());
            }
        }
    }
    let mut feature_states = Vec::new();
    let kibana = es
        .indices
        .iter()
        .find(|i| i.name.starts_with(".kibana"))
        .map(|i| i.name.clone());
    let wants_kibana = match &request.feature_states {
        Some(list) => list.iter().any(|f| f == "kibana") && !list.iter().any(|f| f == "none"),
        None => request.include_global_state,
    };
    if let (true, Some(k)) = (wants_kibana, kibana) {
        indices.push(k.clone());
        feature_states.push(("kibana".to_string(), vec![k]));
    }
    let ending = match es.hooks.snapshot {
        Some(SnapshotHook::Partial) => Ending::Partial,
        Some(SnapshotHook::Failed) => Ending::Failed,
        None => Ending::Success,
    };
    let previous = es.snapshots.iter().filter(|s| s.repository == repo).count();
    let mut metadata = request.metadata.clone();
    if let Some(p) = policy {
        let m = metadata.get_or_insert_with(|| json!({}));
        m["policy"] = json!(p);
    }
    let uuid = crate::util::random_token(16)[..22].to_string();
    es.snapshots.push(Snapshot {
        name: name.to_string(),
        uuid,
        repository: repo.to_string(),
        indices,
        feature_states,
        include_global_state: request.include_global_state,
        metadata,
        start_ms: env.now_ms,
        duration_ms: env.snapshot_duration.as_millis() as i64,
        ending,
        policy: policy.map(str::to_string),
        settled: false,
        incremental: if previous == 0 { 1.0 } else { 0.08 },
    });
    Ok(es.snapshots.len() - 1)
}

/// `PUT|POST _snapshot/<repo>/<snapshot>`.
pub fn create(es: &mut Cluster, req: &EsRequest, repo: &str, name: &str, env: &Env) -> EsReply {
    let params = req.params();
    if let Err(e) = params.only(&req.uri(), &["master_timeout", "wait_for_completion"]) {
        return e;
    }
    let wait = match params.bool("wait_for_completion", false) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let body = match req.json_body(false) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let request = match Request::from_json(&body) {
        Ok(r) => r,
        Err(e) => return e.reply(400),
    };
    match start(es, repo, name, &request, None, env) {
        Ok(i) if wait => {
            let snapshot = &es.snapshots[i];
            let info = snapshot.info(es, snapshot.end_ms(), params.human(false));
            EsReply::ok(json!({ "snapshot": info })).after(std::time::Duration::from_millis(
                snapshot.duration_ms as u64,
            ))
        }
        Ok(_) => EsReply::ok(json!({"accepted": true})),
        Err((status, e)) => e.reply(status),
    }
}

/// The snapshots of `repo` that `names` (commas, `*`, `_all`, `_current`)
/// select, sorted by start time; a missing concrete name is an error.
fn select<'a>(
    es: &'a Cluster,
    repo: &str,
    names: &str,
    now_ms: i64,
    ignore_unavailable: bool,
) -> Result<Vec<&'a Snapshot>, EsReply> {
    let mut out: Vec<&Snapshot> = Vec::new();
    let in_repo: Vec<&Snapshot> = es
        .snapshots
        .iter()
        .filter(|s| s.repository == repo)
        .collect();
    for pattern in names.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let matched: Vec<&Snapshot> = match pattern {
            "_all" | "*" => in_repo.clone(),
            "_current" => in_repo
                .iter()
                .copied()
                .filter(|s| s.running(now_ms))
                .collect(),
            p if p.contains('*') => in_repo
                .iter()
                .copied()
                .filter(|s| wildcard(p, &s.name))
                .collect(),
            p => {
                let found: Vec<&Snapshot> =
                    in_repo.iter().copied().filter(|s| s.name == p).collect();
                if found.is_empty() && !ignore_unavailable {
                    return Err(error(
                        404,
                        "snapshot_missing_exception",
                        format!("[{repo}:{p}] is missing"),
                    ));
                }
                found
            }
        };
        for s in matched {
            if !out.iter().any(|o| std::ptr::eq(*o, s)) {
                out.push(s);
            }
        }
    }
    out.sort_by_key(|s| s.start_ms);
    Ok(out)
}

/// `GET _snapshot/<repo>/<names>`.
pub fn get(es: &Cluster, req: &EsRequest, repo: &str, names: &str, env: &Env) -> EsReply {
    let params = req.params();
    if let Err(e) = params.only(
        &req.uri(),
        &[
            "master_timeout",
            "verbose",
            "index_details",
            "index_names",
            "include_repository",
            "ignore_unavailable",
            "sort",
            "size",
            "order",
            "from_sort_value",
            "after",
            "offset",
            "slm_policy_filter",
        ],
    ) {
        return e;
    }
    if let Err(e) = repository::existing(es, repo) {
        return e;
    }
    let ignore = params.bool("ignore_unavailable", false).unwrap_or(false);
    let human = params.human(false);
    let include_repository = params.bool("include_repository", true).unwrap_or(true);
    match select(es, repo, names, env.now_ms, ignore) {
        Ok(list) => {
            let snapshots: Vec<Value> = list
                .iter()
                .map(|s| {
                    let mut v = s.info(es, env.now_ms, human);
                    if !include_repository {
                        if let Some(m) = v.as_object_mut() {
                            m.remove("repository");
                        }
                    }
                    v
                })
                .collect();
            let total = snapshots.len();
            EsReply::ok(json!({"snapshots": snapshots, "total": total, "remaining": 0}))
        }
        Err(e) => e,
    }
}

/// `GET _snapshot/_status`, `GET _snapshot/<repo>/_status` (running
/// snapshots) and `GET _snapshot/<repo>/<names>/_status`.
pub fn status(
    es: &Cluster,
    req: &EsRequest,
    repo: Option<&str>,
    names: Option<&str>,
    env: &Env,
) -> EsReply {
    let params = req.params();
    if let Err(e) = params.only(&req.uri(), &["master_timeout", "ignore_unavailable"]) {
        return e;
    }
    let list: Vec<&Snapshot> = match (repo, names) {
        (Some(r), Some(n)) => {
            if let Err(e) = repository::existing(es, r) {
                return e;
            }
            let ignore = params.bool("ignore_unavailable", false).unwrap_or(false);
            match select(es, r, n, env.now_ms, ignore) {
                Ok(l) => l,
                Err(e) => return e,
            }
        }
        (Some(r), None) => {
            if let Err(e) = repository::existing(es, r) {
                return e;
            }
            es.snapshots
                .iter()
                .filter(|s| s.repository == r && s.running(env.now_ms))
                .collect()
        }
        _ => es
            .snapshots
            .iter()
            .filter(|s| s.running(env.now_ms))
            .collect(),
    };
    let snapshots: Vec<Value> = list.iter().map(|s| s.status(es, env.now_ms)).collect();
    EsReply::ok(json!({ "snapshots": snapshots }))
}

/// `DELETE _snapshot/<repo>/<names>`.
pub fn delete(es: &mut Cluster, req: &EsRequest, repo: &str, names: &str, env: &Env) -> EsReply {
    if let Err(e) = req
        .params()
        .only(&req.uri(), &["master_timeout", "wait_for_completion"])
    {
        return e;
    }
    if let Err(e) = repository::existing(es, repo) {
        return e;
    }
    let doomed: Vec<(String, String)> = match select(es, repo, names, env.now_ms, false) {
        Ok(l) => l
            .iter()
            .map(|s| (s.repository.clone(), s.name.clone()))
            .collect(),
        Err(e) => return e,
    };
    es.snapshots.retain(|s| {
        !doomed
            .iter()
            .any(|(r, n)| *r == s.repository && *n == s.name)
    });
    EsReply::ok(json!({"acknowledged": true}))
}

#[cfg(test)]
mod tests {
    use super::super::{run_at, test_ready};
    use super::*;

    const STATUS: &str = "_snapshot/repo/snap-1/_status";

    #[test]
    fn a_snapshot_moves_from_in_progress_to_success() {
        let (mut es, mut env) = test_ready();
        let r = run_at(
            &mut es,
            "PUT",
            "_snapshot/repo/snap-1",
            r#"{"indices":"logs-*,orders"}"#,
            &mut env,
        );
        assert_eq!(r.body, json!({"accepted": true}));
        let got = run_at(&mut es, "GET", "_snapshot/repo/snap-1", "", &mut env);
        let info = &got.body["snapshots"][0];
        assert_eq!(info["state"], "IN_PROGRESS");
        assert_eq!(info["end_time_in_millis"], 0);
        assert_eq!(
            info["indices"],
            json!(["logs-app-2025.01", "orders", ".kibana_8.17.3_001"])
        );
        assert_eq!(info["shards"]["total"], 4);
        assert_eq!(got.body["total"], 1);
        let status = run_at(&mut es, "GET", STATUS, "", &mut env);
        assert_eq!(status.body["snapshots"][0]["state"], "STARTED");
        assert!(status.body["snapshots"][0]["stats"]
            .get("processed")
            .is_some());
        let current = run_at(&mut es, "GET", "_snapshot/repo/_current", "", &mut env);
        assert_eq!(current.body["total"], 1);

        env.now_ms += 3001;
        let info = run_at(&mut es, "GET", "_snapshot/repo/snap-1?human", "", &mut env).body
            ["snapshots"][0]
            .clone();
        assert_eq!(info["state"], "SUCCESS");
        assert_eq!(
            info["shards"],
            json!({"total": 4, "failed": 0, "successful": 4})
        );
        assert_eq!(info["duration_in_millis"], 3000);
        assert_eq!(info["duration"], "3s");
        let status = run_at(&mut es, "GET", STATUS, "", &mut env);
        assert_eq!(status.body["snapshots"][0]["state"], "SUCCESS");
        assert!(status.body["snapshots"][0]["stats"]
            .get("processed")
            .is_none());
        assert_eq!(
            run_at(&mut es, "GET", "_snapshot/_status", "", &mut env).body["snapshots"],
            json!([])
        );
    }

    #[test]
    fn hooks_end_snapshots_partial_or_failed() {
        let (mut es, mut env) = test_ready();
        es.hooks.snapshot = Some(SnapshotHook::Partial);
        run_at(&mut es, "PUT", "_snapshot/repo/p", "", &mut env);
        es.hooks.snapshot = Some(SnapshotHook::Failed);
        run_at(&mut es, "PUT", "_snapshot/repo/f", "", &mut env);
        env.now_ms += 5000;
        let all = run_at(&mut es, "GET", "_snapshot/repo/_all", "", &mut env).body;
        let p = &all["snapshots"][0];
        assert_eq!(p["state"], "PARTIAL");
        assert_eq!(p["shards"]["failed"], 1);
        assert_eq!(p["failures"][0]["status"], "INTERNAL_SERVER_ERROR");
        let f = &all["snapshots"][1];
        assert_eq!(f["state"], "FAILED");
        assert_eq!(
            f["reason"],
            "Indices don't have primary shards [logs-app-2025.01]"
        );
        let st = run_at(&mut es, "GET", "_snapshot/repo/p,f/_status", "", &mut env).body;
        assert_eq!(
            st["snapshots"][0]["state"], "SUCCESS",
            "PARTIAL reads as SUCCESS in _status"
        );
        assert_eq!(st["snapshots"][1]["state"], "FAILED");
    }

    #[test]
    fn create_refuses_like_elasticsearch() {
        let (mut es, mut env) = test_ready();
        let r = run_at(&mut es, "PUT", "_snapshot/nope/s", "", &mut env);
        assert_eq!(
            (r.status, r.body["error"]["type"].as_str()),
            (404, Some("repository_missing_exception"))
        );
        let r = run_at(&mut es, "PUT", "_snapshot/repo/Snap", "", &mut env);
        assert_eq!(r.status, 400);
        assert_eq!(
            r.body["error"]["reason"],
            "[repo:Snap] Invalid snapshot name [Snap], must be lowercase"
        );
        run_at(&mut es, "PUT", "_snapshot/repo/s", "", &mut env);
        let r = run_at(&mut es, "PUT", "_snapshot/repo/s", "", &mut env);
        assert_eq!(
            r.body["error"]["type"],
            "snapshot_name_already_in_use_exception"
        );
        assert!(r.body["error"]["reason"]
            .as_str()
            .unwrap()
            .ends_with("already in-progress"));
        let r = run_at(
            &mut es,
            "PUT",
            "_snapshot/repo/t",
            r#"{"indices":["missing"]}"#,
            &mut env,
        );
        assert_eq!(
            (r.status, r.body["error"]["reason"].as_str()),
            (404, Some("no such index [missing]"))
        );
        let r = run_at(&mut es, "GET", "_snapshot/repo/zzz", "", &mut env);
        assert_eq!(r.body["error"]["reason"], "[repo:zzz] is missing");
        // Without loaded credentials the repository cannot be read.
        for n in &mut es.nodes {
            n.loaded.clear();
        }
        let r = run_at(&mut es, "PUT", "_snapshot/repo/u", "", &mut env);
        assert_eq!(
            (r.status, r.body["error"]["type"].as_str()),
            (500, Some("repository_exception"))
        );
    }

    #[test]
    fn wait_for_completion_answers_after_the_snapshot() {
        let (mut es, mut env) = test_ready();
        let r = run_at(
            &mut es,
            "PUT",
            "_snapshot/repo/w?wait_for_completion=true",
            "",
            &mut env,
        );
        assert_eq!(r.body["snapshot"]["state"], "SUCCESS");
        assert_eq!(r.work, std::time::Duration::from_millis(3000));
        assert_eq!(
            run_at(&mut es, "DELETE", "_snapshot/repo/w", "", &mut env).status,
            200
        );
        assert_eq!(
            run_at(&mut es, "GET", "_snapshot/repo/w", "", &mut env).status,
            404
        );
    }
}
