//! `GET|PUT _cluster/settings` for the settings the simulated behaviour
//! reads: `slm.minimum_interval` (15m: how often an SLM schedule may fire),
//! `slm.retention_schedule` (a cron; a bad one is refused with the whole
//! cron error chain, reference §A.6/§B.3), `slm.retention_duration`,
//! `slm.history_index_enabled` and `slm.health.failed_snapshot_warn_threshold`.
//! Any other setting is refused as Elasticsearch refuses an unknown one.

use super::cron::{Cron, CronError};
use super::params::TimeValue;
use super::reply::{error, EsReply, Exception};
use super::{Cluster, EsRequest};
use serde_json::{json, Map, Value};

/// The settings known here, with their defaults.
const DEFAULTS: &[(&str, &str)] = &[
    ("slm.minimum_interval", "15m"),
    ("slm.retention_schedule", "0 30 1 * * ?"),
    ("slm.retention_duration", "1h"),
    ("slm.history_index_enabled", "true"),
    ("slm.health.failed_snapshot_warn_threshold", "5"),
];

/// Persistent and transient cluster settings (flat keys).
#[derive(Debug, Clone, Default)]
pub struct ClusterSettings {
    pub persistent: Map<String, Value>,
    pub transient: Map<String, Value>,
}

impl ClusterSettings {
    /// The value in force: transient, then persistent, then the default.
    pub fn get(&self, key: &str) -> String {
        self.transient
            .get(key)
            .or_else(|| self.persistent.get(key))
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .or_else(|| {
                DEFAULTS
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.to_string())
            })
            .unwrap_or_default()
    }

    /// `slm.minimum_interval`.
    pub fn minimum_interval(&self) -> TimeValue {
        TimeValue::parse(&self.get("slm.minimum_interval"), "slm.minimum_interval").unwrap_or(
            TimeValue {
                nanos: 900_000_000_000,
            },
        )
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut Map<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, x, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

fn nest(flat: &Map<String, Value>) -> Value {
    let mut root = json!({});
    for (k, v) in flat {
        let parts: Vec<&str> = k.split('.').collect();
        let mut at = &mut root;
        for p in &parts[..parts.len() - 1] {
            if !at[*p].is_object() {
                at[*p] = json!({});
            }
            at = &mut at[*p];
        }
        at[parts[parts.len() - 1]] = v.clone();
    }
    root
}

/// Checks one value; `scope` is `persistent` or `transient`.
fn check(scope: &str, key: &str, value: &Value) -> Result<Value, EsReply> {
    if !DEFAULTS.iter().any(|(k, _)| *k == key) {
        return Err(error(
            400,
            "illegal_argument_exception",
            format!("{scope} setting [{key}], not recognized"),
        ));
    }
    let text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string);
    let refuse = |why: String| Err(error(400, "illegal_argument_exception", why));
    match key {
        "slm.retention_schedule" => match Cron::parse(&text) {
            Ok(_) => Ok(json!(text)),
            Err(e) => Err(Exception::new(
                "illegal_argument_exception",
                format!("invalid cron expression [{text}] for SLM retention schedule [slm.retention_schedule]"),
            )
            .caused_by(
                Exception::new("illegal_argument_exception", CronError::outer(&text))
                    .caused_by(Exception::new("illegal_argument_exception", e.cause())),
            )
            .reply(400)),
        },
        "slm.minimum_interval" | "slm.retention_duration" => match TimeValue::parse(&text, key) {
            Ok(t) if t.nanos < 0 => refuse(format!(
                "failed to parse value [{text}] for setting [{key}], must be >= [0ms]"
            )),
            Ok(t) if key == "slm.retention_duration" && t.millis() < 500 => refuse(format!(
                "failed to parse value [{text}] for setting [{key}], must be >= [500ms]"
            )),
            Ok(_) => Ok(json!(text)),
            Err(e) => Err(e.reply(400)),
        },
        "slm.history_index_enabled" => match text.as_str() {
            "true" | "false" => Ok(json!(text)),
            _ => refuse(format!(
                "Failed to parse value [{text}] as only [true] or [false] are allowed."
            )),
        },
        _ => match text.parse::<i64>() {
            Ok(_) => Ok(json!(text)),
            Err(_) => refuse(format!("Failed to parse value [{text}] for setting [{key}]")),
        },
    }
}

/// `GET _cluster/settings`.
pub fn get(es: &Cluster, req: &EsRequest) -> EsReply {
    let params = req.params();
    if let Err(e) = params.only(
        &req.uri(),
        &[
            "flat_settings",
            "include_defaults",
            "master_timeout",
            "timeout",
        ],
    ) {
        return e;
    }
    let flat = params.bool("flat_settings", false).unwrap_or(false);
    let shape = |m: &Map<String, Value>| {
        if flat {
            Value::Object(m.clone())
        } else {
            nest(m)
        }
    };
    let mut out = json!({
        "persistent": shape(&es.settings.persistent),
        "transient": shape(&es.settings.transient),
    });
    if params.bool("include_defaults", false).unwrap_or(false) {
        let defaults: Map<String, Value> = DEFAULTS
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        out["defaults"] = shape(&defaults);
    }
    EsReply::ok(out)
}

/// `PUT _cluster/settings`: `{"persistent": {...}, "transient": {...}}`,
/// nested or flat keys; `null` resets a setting.
pub fn put(es: &mut Cluster, req: &EsRequest) -> EsReply {
    if let Err(e) = req
        .params()
        .only(&req.uri(), &["flat_settings", "master_timeout", "timeout"])
    {
        return e;
    }
    let body = match req.json_body(true) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let mut applied = json!({"acknowledged": true, "persistent": {}, "transient": {}});
    let mut staged = es.settings.clone();
    for scope in ["persistent", "transient"] {
        let mut flat = Map::new();
        flatten("", &body[scope], &mut flat);
        flat.remove("");
        let mut shown = Map::new();
        for (key, value) in flat {
            let store = if scope == "persistent" {
                &mut staged.persistent
            } else {
                &mut staged.transient
            };
            if value.is_null() {
                store.remove(&key);
                continue;
            }
            match check(scope, &key, &value) {
                Ok(v) => {
                    store.insert(key.clone(), v.clone());
                    shown.insert(key, v);
                }
                Err(e) => return e,
            }
        }
        applied[scope] = nest(&shown);
    }
    es.settings = staged;
    EsReply::ok(applied)
}

#[cfg(test)]
mod tests {
    use super::super::{run, test_cluster};

    #[test]
    fn sets_reads_and_refuses_cluster_settings() {
        let mut es = test_cluster();
        let r = run(
            &mut es,
            "PUT",
            "_cluster/settings",
            r#"{"persistent":{"slm":{"minimum_interval":"1m"}}}"#,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(es.settings.minimum_interval().millis(), 60_000);
        let got = run(&mut es, "GET", "_cluster/settings?flat_settings", "");
        assert_eq!(got.body["persistent"]["slm.minimum_interval"], "1m");
        let r = run(
            &mut es,
            "PUT",
            "_cluster/settings",
            r#"{"persistent":{"slm.minimum_interval":null}}"#,
        );
        assert_eq!(r.status, 200);
        assert_eq!(es.settings.minimum_interval().millis(), 900_000);

        let bad = run(
            &mut es,
            "PUT",
            "_cluster/settings",
            r#"{"persistent":{"slm.retention_schedule":"0 0 * * * *"}}"#,
        );
        assert_eq!(bad.status, 400);
        let e = &bad.body["error"];
        assert_eq!(e["reason"], "invalid cron expression [0 0 * * * *] for SLM retention schedule [slm.retention_schedule]");
        assert_eq!(
            e["caused_by"]["reason"],
            "invalid cron expression [0 0 * * * *]"
        );
        assert_eq!(
            e["caused_by"]["caused_by"]["reason"],
            "illegal cron expression format [java.lang.IllegalArgumentException: support for specifying both a day-of-week AND a day-of-month parameter is not implemented.]"
        );
        let unknown = run(
            &mut es,
            "PUT",
            "_cluster/settings",
            r#"{"transient":{"slm.nope":"1"}}"#,
        );
        assert_eq!(
            unknown.body["error"]["reason"],
            "transient setting [slm.nope], not recognized"
        );
        assert_eq!(es.settings.get("slm.retention_schedule"), "0 30 1 * * ?");
    }
}
