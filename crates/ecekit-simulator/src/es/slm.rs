//! Snapshot lifecycle management (reference §A): `PUT|GET|DELETE
//! _slm/policy/<id>`, `_execute`, `_execute_retention`, `_slm/stats`,
//! `_slm/status`, `_slm/start|stop`.
//!
//! PUT checks as Elasticsearch does, in its order (§A.3): the parser
//! (`Required [name, schedule, repository]`, a field of the wrong type, the
//! retention chain), then `validate()` collecting every error into one
//! `Validation Failed: 1: ...;2: ...;` (§A.4, exact messages), then the
//! master's checks (`no such repository`, `slm.minimum_interval`). Policies
//! run when executed; the simulator does not fire them on their schedule
//! (`next_execution_millis` says when Elasticsearch would).

use super::cron::Cron;
use super::datemath;
use super::params::TimeValue;
use super::reply::{error, EsReply, Exception};
use super::snapshot::{self, valid_file_name, Ending, State, INVALID_FILENAME_CHARS};
use super::{Cluster, Env, EsRequest};
use crate::util::iso_millis;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// One run of a policy, as `last_success` / `last_failure` show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub snapshot_name: String,
    pub start_time: i64,
    pub time: i64,
    pub details: Option<String>,
}

impl Invocation {
    fn json(&self, human: bool) -> Value {
        let mut v = json!({
            "snapshot_name": self.snapshot_name,
            "start_time": self.start_time,
            "time": self.time,
        });
        if let Some(d) = &self.details {
            // Truncated to 1000 characters (SnapshotInvocationRecord).
            v["details"] = json!(d.chars().take(1000).collect::<String>());
        }
        if human {
            v["start_time_string"] = json!(iso_millis(self.start_time));
            v["time_string"] = json!(iso_millis(self.time));
        }
        v
    }
}

/// A policy's counters (`SnapshotPolicyStats`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub taken: u64,
    pub failed: u64,
    pub deleted: u64,
    pub deletion_failures: u64,
}

/// A stored policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `{name, schedule, repository, config?, retention?}` as stored.
    pub body: Value,
    pub version: i64,
    pub modified_ms: i64,
    pub last_success: Option<Invocation>,
    pub last_failure: Option<Invocation>,
    pub stats: Stats,
}

/// SLM's state in a cluster.
#[derive(Debug, Clone)]
pub struct Slm {
    pub policies: BTreeMap<String, Policy>,
    pub running: bool,
    pub retention_runs: u64,
    pub retention_failed: u64,
    pub retention_deletion_time_ms: i64,
}

impl Default for Slm {
    fn default() -> Self {
        Slm {
            policies: BTreeMap::new(),
            running: true,
            retention_runs: 0,
            retention_failed: 0,
            retention_deletion_time_ms: 0,
        }
    }
}

/// `TimeValue.parseTimeValue(schedule)`, or the cron.
enum Schedule {
    Interval(i64),
    Cron(Cron),
}

fn parse_schedule(schedule: &str) -> Option<Schedule> {
    match TimeValue::parse(schedule, "schedule") {
        Ok(t) => Some(Schedule::Interval(t.millis())),
        Err(_) => Cron::parse(schedule).ok().map(Schedule::Cron),
    }
}

impl Schedule {
    /// `calculateNextExecution`: the first fire time after `now`.
    fn next(&self, modified_ms: i64, now_ms: i64) -> i64 {
        match self {
            Schedule::Interval(i) if *i > 0 => {
                let k = (now_ms - modified_ms).div_euclid(*i) + 1;
                modified_ms + k * i
            }
            Schedule::Interval(_) => -1,
            Schedule::Cron(c) => c.next_after(now_ms),
        }
    }

    /// `calculateNextInterval`: the gap between the next two fire times
    /// (-1 when there are not two).
    fn interval(&self, now_ms: i64) -> i64 {
        match self {
            Schedule::Interval(i) => *i,
            Schedule::Cron(c) => {
                let first = c.next_after(now_ms);
                let second = if first > 0 { c.next_after(first) } else { -1 };
                if first <= 0 || second <= 0 {
                    -1
                } else {
                    second - first
                }
            }
        }
    }
}

/// XContent's name for the token a JSON value starts with.
fn token(v: &Value) -> &'static str {
    match v {
        Value::Null => "VALUE_NULL",
        Value::Bool(_) => "VALUE_BOOLEAN",
        Value::Number(_) => "VALUE_NUMBER",
        Value::String(_) => "VALUE_STRING",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
    }
}

/// `[line:column]` of a byte offset (1-based, as XContent prints locations).
fn location(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("[{line}:{col}]")
}

/// Byte offsets (start, end) of the value of each top-level key of a JSON
/// object, for error locations.
fn value_spans(text: &str) -> BTreeMap<String, (usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = BTreeMap::new();
    let mut depth = 0i32;
    let mut i = 0;
    let mut key: Option<String> = None;
    let mut start: Option<usize> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let s = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if depth == 1 && start.is_none() {
                    let mut j = i + 1;
                    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if bytes.get(j) == Some(&b':') {
                        key = serde_json::from_str(&text[s..=i.min(bytes.len() - 1)]).ok();
                        i = j;
                    } else if key.is_some() {
                        start = Some(s);
                    }
                }
            }
            b'{' | b'[' => {
                if depth == 1 && key.is_some() && start.is_none() {
                    start = Some(i);
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth -= 1;
            }
            b',' if depth == 1 => {
                if let (Some(k), Some(s)) = (key.take(), start.take()) {
                    spans.insert(k, (s, i));
                }
            }
            c if depth == 1
                && key.is_some()
                && start.is_none()
                && !c.is_ascii_whitespace()
                && c != b':' =>
            {
                start = Some(i);
            }
            _ => {}
        }
        if depth == 1 {
            if let (Some(_), Some(s)) = (&key, start) {
                // A closed container at depth 1 ends its value.
                if matches!(bytes[i], b'}' | b']') && s != i {
                    spans.insert(key.take().unwrap_or_default(), (s, i + 1));
                    start = None;
                }
            }
        }
        if depth == 0 && i > 0 {
            if let (Some(k), Some(s)) = (key.take(), start.take()) {
                spans.insert(k, (s, i));
            }
        }
        i += 1;
    }
    spans
}

/// `[l:c] [<parser>] <field> doesn't support values of type: <TOKEN>`.
fn wrong_type(at: &str, parser: &str, field: &str, v: &Value) -> Exception {
    Exception::new(
        "x_content_parse_exception",
        format!(
            "{at} [{parser}] {field} doesn't support values of type: {}",
            token(v)
        ),
    )
}

/// The retention object, checked as `SnapshotRetentionConfiguration`; an
/// error is the three-level chain of §A.3.
fn parse_retention(v: &Value, at_start: &str, at_end: &str) -> Result<Value, EsReply> {
    let wrap = |inner: Exception| {
        Exception::new(
            "x_content_parse_exception",
            format!("{at_end} [snapshot_lifecycle] failed to parse field [retention]"),
        )
        .caused_by(inner)
        .reply_with_root_at(400, 1)
    };
    let Some(obj) = v.as_object() else {
        return Err(wrong_type(at_start, "snapshot_lifecycle", "retention", v).reply(400));
    };
    let mut out = Map::new();
    if let Some(e) = obj.get("expire_after") {
        let Some(text) = e.as_str() else {
            return Err(wrap(wrong_type(
                at_start,
                "snapshot_retention",
                "expire_after",
                e,
            )));
        };
        if let Err(cause) = TimeValue::parse(text, "expire_after") {
            return Err(wrap(
                Exception::new(
                    "x_content_parse_exception",
                    format!("{at_start} [snapshot_retention] failed to parse field [expire_after]"),
                )
                .caused_by(cause),
            ));
        }
        out.insert("expire_after".into(), json!(text));
    }
    let mut counts = [None, None];
    for (slot, key) in ["min_count", "max_count"].iter().enumerate() {
        if let Some(c) = obj.get(*key) {
            let n = match c {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            match n {
                Some(n) => {
                    counts[slot] = Some(n);
                    out.insert(key.to_string(), json!(n));
                }
                None => return Err(wrap(wrong_type(at_start, "snapshot_retention", key, c))),
            }
        }
    }
    let built = |reason: String| {
        Err(wrap(
            Exception::new(
                "x_content_parse_exception",
                "Failed to build [snapshot_retention] after last required field arrived",
            )
            .caused_by(Exception::new("illegal_argument_exception", reason)),
        ))
    };
    if let Some(min) = counts[0].filter(|m| *m < 1) {
        return built(format!(
            "minimum snapshot count must be at least 1, but was: {min}"
        ));
    }
    if let Some(max) = counts[1].filter(|m| *m < 1) {
        return built(format!(
            "maximum snapshot count must be at least 1, but was: {max}"
        ));
    }
    if let (Some(min), Some(max)) = (counts[0], counts[1]) {
        if min > max {
            return built(format!(
                "minimum snapshot count {min} cannot be larger than maximum snapshot count {max}"
            ));
        }
    }
    Ok(Value::Object(out))
}

/// `SnapshotLifecyclePolicy.validate()`: every error, in its order.
fn validate(
    id: &str,
    name: &str,
    schedule: &str,
    repository: &str,
    config: Option<&Value>,
    now_ms: i64,
) -> Result<Vec<String>, EsReply> {
    let mut errors = Vec::new();
    if !valid_file_name(id) {
        errors.push(format!(
            "invalid policy id [{id}]: must not contain the following characters {INVALID_FILENAME_CHARS}"
        ));
    }
    if id.starts_with('_') {
        errors.push(format!("invalid policy id [{id}]: must not start with '_'"));
    }
    if id.len() > 255 {
        errors.push(format!(
            "invalid policy id [{id}]: name is too long, ({} > 255 bytes)",
            id.len()
        ));
    }
    // The name is resolved (date math) before it is checked; a broken
    // expression is thrown, not collected.
    let generated =
        datemath::resolve(name, now_ms).map_err(|reason| error(400, "parse_exception", reason))?;
    if name.trim().is_empty() {
        errors.push(format!("invalid snapshot name [{name}]: cannot be empty"));
    } else {
        if generated.contains('#') {
            errors.push(format!(
                "invalid snapshot name [{name}]: must not contain '#'"
            ));
        }
        if generated.starts_with('_') {
            errors.push(format!(
                "invalid snapshot name [{name}]: must not start with '_'"
            ));
        }
        if generated.to_lowercase() != generated {
            errors.push(format!("invalid snapshot name [{name}]: must be lowercase"));
        }
        if !valid_file_name(&generated) {
            errors.push(format!(
                "invalid snapshot name [{name}]: must not contain contain the following characters {INVALID_FILENAME_CHARS}"
            ));
        }
    }
    if schedule.trim().is_empty() {
        errors.push(format!(
            "invalid schedule [{schedule}]: schedule must not be empty"
        ));
    } else {
        match parse_schedule(schedule) {
            Some(Schedule::Interval(0)) => errors.push(format!(
                "invalid schedule [{schedule}]: time unit must be at least 1 millisecond"
            )),
            Some(_) => {}
            None => errors.push(format!(
                "invalid schedule [{schedule}]: must be a valid cron expression or time unit"
            )),
        }
    }
    if repository.trim().is_empty() {
        errors.push(format!(
            "invalid repository name [{repository}]: cannot be empty"
        ));
    }
    if let Some(metadata) = config.and_then(|c| c.get("metadata")) {
        match metadata {
            Value::Object(m) if m.contains_key("policy") => errors.push(
                "invalid configuration.metadata: field name [policy] is reserved and will be added automatically".into(),
            ),
            Value::Object(_) => {
                let policy_bytes = format!("\"policy\":\"{id}\"").len() + 1;
                let size = metadata.to_string().len();
                let limit = 1024 - policy_bytes;
                if size > limit {
                    errors.push(format!(
                        "invalid configuration.metadata: must be smaller than [{limit}] bytes, but is [{size}] bytes"
                    ));
                }
            }
            other => {
                let shown = other.as_str().map_or_else(|| other.to_string(), str::to_string);
                errors.push(format!(
                    "invalid configuration.metadata [{shown}]: must be an object if present"
                ));
            }
        }
    }
    Ok(errors)
}

/// A policy as if it had been running for a while (the generated fleet):
/// `taken` successful runs, the last at `success_ms` (its snapshot is in the
/// repository), and, with `failure`, a failed run after it.
pub fn seed(
    es: &mut Cluster,
    id: &str,
    body: Value,
    taken: u64,
    success_ms: i64,
    failure: Option<(i64, String)>,
) {
    let name_of = |at: i64| {
        let base = datemath::resolve(body["name"].as_str().unwrap_or(id), at).unwrap_or_default();
        let uuid = crate::util::sha256_hex(format!("{}/{id}/{at}", es.id).as_bytes());
        format!("{base}-{}", &uuid[..22])
    };
    let success_name = name_of(success_ms);
    let repo = body["repository"].as_str().unwrap_or("").to_string();
    let duration = 95_000;
    let indices: Vec<String> = es
        .indices
        .iter()
        .filter(|i| !i.name.starts_with('.'))
        .map(|i| i.name.clone())
        .collect();
    es.snapshots.push(snapshot::Snapshot {
        name: success_name.clone(),
        uuid: crate::util::sha256_hex(success_name.as_bytes())[..22].to_string(),
        repository: repo,
        indices,
        feature_states: Vec::new(),
        include_global_state: true,
        metadata: Some(json!({"policy": id})),
        start_ms: success_ms,
        duration_ms: duration,
        ending: Ending::Success,
        policy: Some(id.to_string()),
        settled: true,
        incremental: 0.08,
    });
    let last_failure = failure.map(|(at, details)| Invocation {
        snapshot_name: name_of(at),
        start_time: at,
        time: at,
        details: Some(details),
    });
    let failed = u64::from(last_failure.is_some());
    es.slm.policies.insert(
        id.to_string(),
        Policy {
            body,
            version: 1,
            modified_ms: success_ms - 30 * 86_400_000,
            last_success: Some(Invocation {
                snapshot_name: success_name,
                start_time: success_ms,
                time: success_ms + duration,
                details: None,
            }),
            last_failure,
            stats: Stats {
                taken,
                failed,
                ..Stats::default()
            },
        },
    );
}

/// `PUT _slm/policy/<id>`.
pub fn put(es: &mut Cluster, req: &EsRequest, id: &str, env: &Env) -> EsReply {
    if let Err(e) = req
        .params()
        .only(&req.uri(), &["master_timeout", "timeout"])
    {
        return e;
    }
    let parsed = match req.json_body(true) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let text = String::from_utf8_lossy(req.body).into_owned();
    let Some(obj) = parsed.as_object() else {
        return error(
            400,
            "x_content_parse_exception",
            format!(
                "[1:1] [snapshot_lifecycle] Expected START_OBJECT but was: {}",
                token(&parsed)
            ),
        );
    };
    let spans = value_spans(&text);
    let at = |key: &str, end: bool| {
        let offset = spans
            .get(key)
            .map_or(0, |(s, e)| if end { e.saturating_sub(1) } else { *s });
        location(&text, offset)
    };
    // Unknown top-level fields are ignored (ignoreUnknownFields).
    let mut fields: BTreeMap<&str, String> = BTreeMap::new();
    for key in ["name", "schedule", "repository"] {
        match obj.get(key) {
            None => {}
            Some(Value::String(s)) => {
                fields.insert(key, s.clone());
            }
            Some(other) => {
                return wrong_type(&at(key, false), "snapshot_lifecycle", key, other).reply(400)
            }
        }
    }
    let config = match obj.get("config") {
        None => None,
        Some(c @ Value::Object(_)) => Some(c.clone()),
        Some(other) => {
            return wrong_type(&at("config", false), "snapshot_lifecycle", "config", other)
                .reply(400)
        }
    };
    let retention = match obj.get("retention") {
        None => None,
        Some(r) => match parse_retention(r, &at("retention", false), &at("retention", true)) {
            Ok(v) => Some(v),
            Err(e) => return e,
        },
    };
    let missing: Vec<&str> = ["name", "schedule", "repository"]
        .into_iter()
        .filter(|k| !fields.contains_key(k))
        .collect();
    if !missing.is_empty() {
        return error(
            400,
            "illegal_argument_exception",
            format!("Required [{}]", missing.join(", ")),
        );
    }
    let (name, schedule, repository) =
        (&fields["name"], &fields["schedule"], &fields["repository"]);
    match validate(id, name, schedule, repository, config.as_ref(), env.now_ms) {
        Err(e) => return e,
        Ok(errors) if !errors.is_empty() => {
            let listed: String = errors
                .iter()
                .enumerate()
                .map(|(i, e)| format!("{}: {e};", i + 1))
                .collect();
            return error(
                400,
                "action_request_validation_exception",
                format!("Validation Failed: {listed}"),
            );
        }
        Ok(_) => {}
    }
    if !es.repositories.contains_key(repository.as_str()) {
        return error(
            400,
            "illegal_argument_exception",
            format!("no such repository [{repository}]"),
        );
    }
    let minimum = es.settings.minimum_interval();
    if let Some(s) = parse_schedule(schedule) {
        let next = s.interval(env.now_ms);
        if next > 0 && minimum.millis() > 0 && next < minimum.millis() {
            return error(
                400,
                "illegal_argument_exception",
                format!("invalid schedule [{schedule}]: schedule would be too frequent, executing more than every [{minimum}]"),
            );
        }
    }
    let mut body = json!({"name": name, "schedule": schedule, "repository": repository});
    if let Some(c) = config {
        body["config"] = c;
    }
    if let Some(r) = retention {
        body["retention"] = r;
    }
    match es.slm.policies.get_mut(id) {
        // No-op detection (8.16+): the same policy keeps its version.
        Some(p) if p.body == body => {}
        Some(p) => {
            p.body = body;
            p.version += 1;
            p.modified_ms = env.now_ms;
        }
        None => {
            es.slm.policies.insert(
                id.to_string(),
                Policy {
                    body,
                    version: 1,
                    modified_ms: env.now_ms,
                    last_success: None,
                    last_failure: None,
                    stats: Stats::default(),
                },
            );
        }
    }
    EsReply::ok(json!({"acknowledged": true}))
}

fn stats_json(id: &str, s: &Stats) -> Value {
    json!({
        "policy": id,
        "snapshots_taken": s.taken,
        "snapshots_failed": s.failed,
        "snapshots_deleted": s.deleted,
        "snapshot_deletion_failures": s.deletion_failures
    })
}

fn item(es: &Cluster, id: &str, p: &Policy, env: &Env, human: bool) -> Value {
    let schedule = p.body["schedule"].as_str().unwrap_or("");
    let next = parse_schedule(schedule).map_or(-1, |s| s.next(p.modified_ms, env.now_ms));
    let mut v = json!({
        "version": p.version,
        "modified_date_millis": p.modified_ms,
        "policy": p.body,
        "next_execution_millis": next,
        "stats": stats_json(id, &p.stats),
    });
    if human {
        v["modified_date"] = json!(iso_millis(p.modified_ms));
        v["next_execution"] = json!(iso_millis(next));
    }
    if let Some(s) = &p.last_success {
        v["last_success"] = s.json(human);
    }
    if let Some(f) = &p.last_failure {
        v["last_failure"] = f.json(human);
    }
    if let Some(running) = es
        .snapshots
        .iter()
        .find(|s| s.policy.as_deref() == Some(id) && s.running(env.now_ms))
    {
        let mut ip = json!({
            "name": running.name,
            "uuid": running.uuid,
            "state": "STARTED",
            "start_time_millis": running.start_ms,
        });
        if human {
            ip["start_time"] = json!(iso_millis(running.start_ms));
        }
        v["in_progress"] = ip;
    }
    v
}

/// `GET _slm/policy[/<ids>]`.
pub fn get(es: &Cluster, req: &EsRequest, ids: Option<&str>, env: &Env) -> EsReply {
    let params = req.params();
    if let Err(e) = params.only(&req.uri(), &["master_timeout", "timeout"]) {
        return e;
    }
    let human = params.human(false);
    let wanted: Vec<&str> = ids
        .map(|s| s.split(',').filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    for (id, p) in &es.slm.policies {
        if wanted.is_empty() || wanted.iter().any(|w| *w == "_all" || *w == "*" || w == id) {
            out.insert(id.clone(), item(es, id, p, env, human));
        }
    }
    if out.is_empty() && !wanted.is_empty() {
        let listed = wanted.join(",");
        let reason = if es.slm.policies.is_empty() {
            format!("snapshot lifecycle policy or policies [{listed}] not found, no policies are configured")
        } else {
            format!("snapshot lifecycle policy or policies [{listed}] not found")
        };
        return error(404, "resource_not_found_exception", reason);
    }
    EsReply::ok(Value::Object(out))
}

/// `DELETE _slm/policy/<id>`.
pub fn delete(es: &mut Cluster, req: &EsRequest, id: &str) -> EsReply {
    if let Err(e) = req
        .params()
        .only(&req.uri(), &["master_timeout", "timeout"])
    {
        return e;
    }
    if es.slm.policies.remove(id).is_none() {
        return error(
            404,
            "resource_not_found_exception",
            format!("snapshot lifecycle policy not found: {id}"),
        );
    }
    EsReply::ok(json!({"acknowledged": true}))
}

/// The snapshot name a run of `policy_name` gets: its name with date math
/// resolved, `-`, and a lower-cased random UUID (`generateSnapshotName`).
fn snapshot_name(policy_name: &str, now_ms: i64) -> String {
    let base = datemath::resolve(policy_name, now_ms).unwrap_or_else(|_| policy_name.to_string());
    let uuid = crate::util::random_token(16)[..22].to_lowercase();
    format!("{base}-{uuid}")
}

/// `PUT|POST _slm/policy/<id>/_execute`: starts the snapshot now and
/// answers its name; a snapshot that cannot start is the policy's
/// `last_failure`.
pub fn execute(es: &mut Cluster, req: &EsRequest, id: &str, env: &Env) -> EsReply {
    if let Err(e) = req
        .params()
        .only(&req.uri(), &["master_timeout", "timeout"])
    {
        return e;
    }
    let Some(policy) = es.slm.policies.get(id) else {
        return error(
            400,
            "illegal_argument_exception",
            format!("no such snapshot lifecycle policy [{id}]"),
        );
    };
    let body = policy.body.clone();
    let name = snapshot_name(body["name"].as_str().unwrap_or(""), env.now_ms);
    let repo = body["repository"].as_str().unwrap_or("").to_string();
    let started = snapshot::Request::from_json(body.get("config").unwrap_or(&json!({})))
        .map_err(|e| (400, e))
        .and_then(|request| snapshot::start(es, &repo, &name, &request, Some(id), env));
    if let Err((_, e)) = started {
        if let Some(p) = es.slm.policies.get_mut(id) {
            p.stats.failed += 1;
            p.last_failure = Some(Invocation {
                snapshot_name: name.clone(),
                start_time: env.now_ms,
                time: env.now_ms,
                details: Some(e.to_json().to_string()),
            });
        }
    }
    EsReply::ok(json!({ "snapshot_name": name }))
}

/// Records the end of every finished SLM snapshot not yet recorded
/// (`SnapshotLifecycleTask`: success only with no failed shard).
pub fn settle(es: &mut Cluster, now_ms: i64) {
    let mut records = Vec::new();
    for (i, s) in es.snapshots.iter().enumerate() {
        if s.settled || s.policy.is_none() {
            continue;
        }
        if let State::Done(ending) = s.state(now_ms) {
            let details = (ending != Ending::Success).then(|| s.failure_details(es));
            records.push((i, ending, details));
        }
    }
    for (i, ending, details) in records {
        let s = &mut es.snapshots[i];
        s.settled = true;
        let invocation = Invocation {
            snapshot_name: s.name.clone(),
            start_time: s.start_ms,
            time: s.end_ms(),
            details,
        };
        let Some(p) = s.policy.as_ref().and_then(|id| es.slm.policies.get_mut(id)) else {
            continue;
        };
        if ending == Ending::Success {
            p.stats.taken += 1;
            p.last_success = Some(invocation);
        } else {
            p.stats.failed += 1;
            p.last_failure = Some(invocation);
        }
    }
}

/// The snapshots a policy's retention deletes now (§A.6,
/// `getSnapshotDeletionPredicate`).
fn expired(es: &Cluster, id: &str, retention: &Value, now_ms: i64) -> Vec<usize> {
    let expire_after = retention["expire_after"]
        .as_str()
        .and_then(|t| TimeValue::parse(t, "expire_after").ok())
        .map(|t| t.millis());
    let min = retention["min_count"].as_i64();
    let max = retention["max_count"].as_i64();
    let mut mine: Vec<usize> = es
        .snapshots
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.metadata.as_ref().and_then(|m| m["policy"].as_str()) == Some(id) && !s.running(now_ms)
        })
        .map(|(i, _)| i)
        .collect();
    mine.sort_by_key(|i| es.snapshots[*i].start_ms);
    let success = |i: usize| es.snapshots[i].ending == Ending::Success;
    let success_count = mine.iter().filter(|i| success(**i)).count() as i64;
    let mut out = Vec::new();
    let mut success_rank = 0i64;
    for (pos, &i) in mine.iter().enumerate() {
        let s = &es.snapshots[i];
        let rank = success_rank;
        if success(i) {
            success_rank += 1;
        }
        let newer_success = mine[pos + 1..].iter().any(|j| success(*j));
        if expire_after.is_none() && !success(i) && newer_success {
            out.push(i);
            continue;
        }
        if let Some(max) = max {
            if success_count > max {
                let surplus = success_count - max;
                // Up to and including the surplus-th success.
                if rank < surplus {
                    out.push(i);
                    continue;
                }
            }
        }
        if let Some(min) = min {
            if success(i) && success_count <= min {
                continue;
            }
        }
        if let Some(exp) = expire_after {
            if success(i) {
                if let Some(min) = min {
                    if rank >= success_count - min {
                        continue;
                    }
                }
            }
            if now_ms - s.start_ms > exp {
                out.push(i);
            }
        }
    }
    out
}

/// `POST _slm/_execute_retention`.
pub fn execute_retention(es: &mut Cluster, req: &EsRequest, env: &Env) -> EsReply {
    if let Err(e) = req
        .params()
        .only(&req.uri(), &["master_timeout", "timeout"])
    {
        return e;
    }
    let mut doomed: Vec<(usize, String)> = Vec::new();
    for (id, p) in &es.slm.policies {
        if let Some(r) = p.body.get("retention") {
            for i in expired(es, id, r, env.now_ms) {
                doomed.push((i, id.clone()));
            }
        }
    }
    for (_, id) in &doomed {
        if let Some(p) = es.slm.policies.get_mut(id) {
            p.stats.deleted += 1;
        }
    }
    let mut indexes: Vec<usize> = doomed.iter().map(|(i, _)| *i).collect();
    indexes.sort_unstable();
    for i in indexes.into_iter().rev() {
        es.snapshots.remove(i);
    }
    es.slm.retention_runs += 1;
    EsReply::ok(json!({"acknowledged": true}))
}

/// `GET _slm/stats`.
pub fn stats(es: &Cluster, req: &EsRequest) -> EsReply {
    let params = req.params();
    if let Err(e) = params.only(&req.uri(), &["master_timeout", "timeout"]) {
        return e;
    }
    let sum = |f: fn(&Stats) -> u64| es.slm.policies.values().map(|p| f(&p.stats)).sum::<u64>();
    let mut v = json!({
        "retention_runs": es.slm.retention_runs,
        "retention_failed": es.slm.retention_failed,
        "retention_timed_out": 0,
        "retention_deletion_time_millis": es.slm.retention_deletion_time_ms,
        "total_snapshots_taken": sum(|s| s.taken),
        "total_snapshots_failed": sum(|s| s.failed),
        "total_snapshots_deleted": sum(|s| s.deleted),
        "total_snapshot_deletion_failures": sum(|s| s.deletion_failures),
        "policy_stats": es.slm.policies.iter().map(|(id, p)| stats_json(id, &p.stats)).collect::<Vec<_>>(),
    });
    if params.human(false) {
        v["retention_deletion_time"] =
            json!(TimeValue::from_millis(es.slm.retention_deletion_time_ms).to_string());
    }
    EsReply::ok(v)
}

/// `GET _slm/status`, `POST _slm/start`, `POST _slm/stop`.
pub fn mode(es: &mut Cluster, req: &EsRequest, set: Option<bool>) -> EsReply {
    if let Err(e) = req
        .params()
        .only(&req.uri(), &["master_timeout", "timeout"])
    {
        return e;
    }
    match set {
        Some(running) => {
            es.slm.running = running;
            EsReply::ok(json!({"acknowledged": true}))
        }
        None => EsReply::ok(json!({
            "operation_mode": if es.slm.running { "RUNNING" } else { "STOPPED" }
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{run_at, test_ready};
    use super::*;

    fn ready() -> (Cluster, Env) {
        test_ready()
    }

    fn put(es: &mut Cluster, env: &mut Env, id: &str, body: &str) -> EsReply {
        run_at(es, "PUT", &format!("_slm/policy/{id}"), body, env)
    }

    fn reason(r: &EsReply) -> String {
        r.body["error"]["reason"].as_str().unwrap_or("").to_string()
    }

    #[test]
    fn a_good_policy_is_stored_versioned_and_read_back() {
        let (mut es, mut env) = ready();
        let body = r#"{"name":"<nightly-{now/d}>","schedule":"0 30 1 * * ?","repository":"repo","config":{"indices":["logs-*"]},"retention":{"expire_after":"30d","min_count":5,"max_count":50},"unknown":1}"#;
        let r = put(&mut es, &mut env, "nightly", body);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body, json!({"acknowledged": true}));
        let got = run_at(&mut es, "GET", "_slm/policy/nightly?human", "", &mut env).body;
        let p = &got["nightly"];
        assert_eq!(p["version"], 1);
        assert_eq!(
            p["policy"]["retention"],
            json!({"expire_after": "30d", "min_count": 5, "max_count": 50})
        );
        assert!(p["policy"].get("unknown").is_none());
        assert!(p["next_execution_millis"].as_i64().unwrap() > env.now_ms);
        assert!(p["next_execution"]
            .as_str()
            .unwrap()
            .ends_with(":30:00.000Z"));
        // The same body again is a no-op; another bumps the version.
        put(&mut es, &mut env, "nightly", body);
        assert_eq!(
            run_at(&mut es, "GET", "_slm/policy/nightly", "", &mut env).body["nightly"]["version"],
            1
        );
        put(&mut es, &mut env, "nightly", &body.replace("30d", "7d"));
        assert_eq!(
            run_at(&mut es, "GET", "_slm/policy", "", &mut env).body["nightly"]["version"],
            2
        );
        assert_eq!(
            run_at(&mut es, "DELETE", "_slm/policy/nightly", "", &mut env).status,
            200
        );
        let gone = run_at(&mut es, "GET", "_slm/policy/nightly", "", &mut env);
        assert_eq!(gone.status, 404);
        assert_eq!(
            reason(&gone),
            "snapshot lifecycle policy or policies [nightly] not found, no policies are configured"
        );
        assert_eq!(
            run_at(&mut es, "GET", "_slm/policy", "", &mut env).body,
            json!({})
        );
    }

    #[test]
    fn validation_collects_every_error_with_elasticsearch_messages() {
        let (mut es, mut env) = ready();
        let r = put(
            &mut es,
            &mut env,
            "_my,id",
            r#"{"name":"MySnap#","schedule":"0 0 * * * *","repository":""}"#,
        );
        assert_eq!(r.status, 400);
        assert_eq!(
            r.body["error"]["type"],
            "action_request_validation_exception"
        );
        assert_eq!(
            reason(&r),
            "Validation Failed: 1: invalid policy id [_my,id]: must not contain the following characters [' ','\"','*',',','/','<','>','?','\\','|'];2: invalid policy id [_my,id]: must not start with '_';3: invalid snapshot name [MySnap#]: must not contain '#';4: invalid snapshot name [MySnap#]: must be lowercase;5: invalid schedule [0 0 * * * *]: must be a valid cron expression or time unit;6: invalid repository name []: cannot be empty;"
        );
        let r = put(
            &mut es,
            &mut env,
            "p",
            r#"{"name":"s","schedule":"0d","repository":"repo"}"#,
        );
        assert_eq!(reason(&r), "Validation Failed: 1: invalid schedule [0d]: time unit must be at least 1 millisecond;");
        let r = put(
            &mut es,
            &mut env,
            "p",
            r#"{"name":"s","schedule":"","repository":"repo","config":{"metadata":"x"}}"#,
        );
        assert_eq!(
            reason(&r),
            "Validation Failed: 1: invalid schedule []: schedule must not be empty;2: invalid configuration.metadata [x]: must be an object if present;"
        );
        let r = put(
            &mut es,
            &mut env,
            "p",
            r#"{"name":"s","schedule":"1h","repository":"repo","config":{"metadata":{"policy":"x"}}}"#,
        );
        assert_eq!(
            reason(&r),
            "Validation Failed: 1: invalid configuration.metadata: field name [policy] is reserved and will be added automatically;"
        );
    }

    #[test]
    fn the_parser_and_master_refuse_first() {
        let (mut es, mut env) = ready();
        let r = put(&mut es, &mut env, "p", r#"{"schedule":"1h"}"#);
        assert_eq!(
            (r.status, reason(&r)),
            (400, "Required [name, repository]".to_string())
        );
        assert_eq!(r.body["error"]["type"], "illegal_argument_exception");
        let r = put(
            &mut es,
            &mut env,
            "p",
            r#"{"name":5,"schedule":"1h","repository":"repo"}"#,
        );
        assert_eq!(
            reason(&r),
            "[1:9] [snapshot_lifecycle] name doesn't support values of type: VALUE_NUMBER"
        );
        let body =
            r#"{"name":"s","schedule":"1h","repository":"repo","retention":{"min_count":0}}"#;
        let r = put(&mut es, &mut env, "p", body);
        let e = &r.body["error"];
        assert_eq!(e["type"], "x_content_parse_exception");
        assert_eq!(
            e["reason"],
            "[1:75] [snapshot_lifecycle] failed to parse field [retention]"
        );
        assert_eq!(
            e["caused_by"]["reason"],
            "Failed to build [snapshot_retention] after last required field arrived"
        );
        assert_eq!(
            e["caused_by"]["caused_by"]["reason"],
            "minimum snapshot count must be at least 1, but was: 0"
        );
        assert_eq!(
            e["root_cause"][0]["reason"],
            "Failed to build [snapshot_retention] after last required field arrived"
        );
        let r = put(
            &mut es,
            &mut env,
            "p",
            r#"{"name":"s","schedule":"1h","repository":"repo","retention":{"min_count":9,"max_count":3}}"#,
        );
        assert_eq!(
            r.body["error"]["caused_by"]["caused_by"]["reason"],
            "minimum snapshot count 9 cannot be larger than maximum snapshot count 3"
        );
        let r = put(
            &mut es,
            &mut env,
            "p",
            r#"{"name":"s","schedule":"1h","repository":"repo","retention":{"expire_after":"30"}}"#,
        );
        assert_eq!(
            r.body["error"]["caused_by"]["caused_by"]["reason"],
            "failed to parse setting [expire_after] with value [30] as a time value: unit is missing or unrecognized"
        );
        let r = put(
            &mut es,
            &mut env,
            "p",
            r#"{"name":"s","schedule":"1h","repository":"missing-repo"}"#,
        );
        assert_eq!(
            (r.status, reason(&r)),
            (400, "no such repository [missing-repo]".to_string())
        );
        let r = put(
            &mut es,
            &mut env,
            "p",
            r#"{"name":"s","schedule":"0 */5 * * * ?","repository":"repo"}"#,
        );
        assert_eq!(
            reason(&r),
            "invalid schedule [0 */5 * * * ?]: schedule would be too frequent, executing more than every [15m]"
        );
        let r = put(
            &mut es,
            &mut env,
            "p",
            r#"{"name":"s","schedule":"5m","repository":"repo"}"#,
        );
        assert!(reason(&r).ends_with("executing more than every [15m]"));
        let r = put(
            &mut es,
            &mut env,
            "p",
            r#"{"name":"<s-{now/d>","schedule":"1h","repository":"repo"}"#,
        );
        assert_eq!(r.body["error"]["type"], "parse_exception");
        assert!(reason(&r).starts_with("invalid dynamic name expression [s-{now/d]"));
    }

    #[test]
    fn execute_takes_a_snapshot_and_records_its_end() {
        let (mut es, mut env) = ready();
        put(
            &mut es,
            &mut env,
            "daily",
            r#"{"name":"<daily-{now/d}>","schedule":"0 30 1 * * ?","repository":"repo"}"#,
        );
        let r = run_at(&mut es, "POST", "_slm/policy/daily/_execute", "", &mut env);
        let name = r.body["snapshot_name"].as_str().unwrap().to_string();
        let (date, uuid) = name.strip_prefix("daily-").unwrap().split_at(10);
        assert_eq!(date.len(), 10);
        assert_eq!(uuid.len(), 23, "-<22 lower-case characters>");
        assert_eq!(uuid.to_lowercase(), uuid);
        let p = run_at(&mut es, "GET", "_slm/policy/daily", "", &mut env).body;
        assert_eq!(p["daily"]["in_progress"]["name"], name);
        let snap = run_at(
            &mut es,
            "GET",
            &format!("_snapshot/repo/{name}"),
            "",
            &mut env,
        )
        .body;
        assert_eq!(snap["snapshots"][0]["metadata"]["policy"], "daily");
        env.now_ms += 4000;
        let p = run_at(&mut es, "GET", "_slm/policy/daily", "", &mut env).body;
        assert_eq!(p["daily"]["last_success"]["snapshot_name"], name);
        assert_eq!(p["daily"]["stats"]["snapshots_taken"], 1);
        assert!(p["daily"].get("in_progress").is_none());

        es.hooks.snapshot = Some(super::super::SnapshotHook::Partial);
        let r = run_at(&mut es, "POST", "_slm/policy/daily/_execute", "", &mut env);
        let partial = r.body["snapshot_name"].as_str().unwrap().to_string();
        env.now_ms += 4000;
        let p = run_at(&mut es, "GET", "_slm/policy/daily", "", &mut env).body;
        let failure = &p["daily"]["last_failure"];
        assert_eq!(failure["snapshot_name"], partial);
        assert!(failure["details"]
            .as_str()
            .unwrap()
            .contains("failed to create snapshot successfully, 1 out of"));
        let stats = run_at(&mut es, "GET", "_slm/stats", "", &mut env).body;
        assert_eq!(
            (
                stats["total_snapshots_taken"].as_u64(),
                stats["total_snapshots_failed"].as_u64()
            ),
            (Some(1), Some(1))
        );
        assert_eq!(
            run_at(&mut es, "POST", "_slm/policy/nope/_execute", "", &mut env).status,
            400
        );
    }

    #[test]
    fn execute_on_an_unreachable_repository_records_a_failure() {
        let (mut es, mut env) = ready();
        put(
            &mut es,
            &mut env,
            "daily",
            r#"{"name":"daily","schedule":"1d","repository":"repo"}"#,
        );
        for n in &mut es.nodes {
            n.loaded.clear();
        }
        let r = run_at(&mut es, "PUT", "_slm/policy/daily/_execute", "", &mut env);
        assert_eq!(r.status, 200);
        let p = run_at(&mut es, "GET", "_slm/policy/daily", "", &mut env).body;
        assert!(p["daily"]["last_failure"]["details"]
            .as_str()
            .unwrap()
            .contains("repository_exception"));
    }

    #[test]
    fn retention_keeps_the_newest_and_honours_counts() {
        let (mut es, mut env) = ready();
        put(
            &mut es,
            &mut env,
            "r",
            r#"{"name":"s","schedule":"1d","repository":"repo","retention":{"max_count":2}}"#,
        );
        for _ in 0..4 {
            run_at(&mut es, "POST", "_slm/policy/r/_execute", "", &mut env);
            env.now_ms += 4000;
        }
        run_at(&mut es, "POST", "_slm/_execute_retention", "", &mut env);
        let left = run_at(&mut es, "GET", "_snapshot/repo/_all", "", &mut env).body;
        assert_eq!(left["total"], 2);
        let p = run_at(&mut es, "GET", "_slm/policy/r", "", &mut env).body;
        assert_eq!(p["r"]["stats"]["snapshots_deleted"], 2);
        assert_eq!(
            run_at(&mut es, "GET", "_slm/status", "", &mut env).body["operation_mode"],
            "RUNNING"
        );
        run_at(&mut es, "POST", "_slm/stop", "", &mut env);
        assert_eq!(
            run_at(&mut es, "GET", "_slm/status", "", &mut env).body["operation_mode"],
            "STOPPED"
        );
    }
}
