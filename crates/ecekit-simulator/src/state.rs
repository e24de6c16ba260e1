//! The simulator's in-memory world: demo deployments, their Elasticsearch
//! keystores and snapshot repositories, platform repositories and sessions.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Region of every demo resource (ECE's default region name).
pub const REGION: &str = "ece-region";
/// Elasticsearch version of the demo clusters.
pub const ES_VERSION: &str = "8.15.3";

/// One keystore entry. Its `Debug` never shows the value.
#[derive(Clone, PartialEq)]
pub struct Secret {
    /// A string, or a JSON object stored as a JSON string.
    pub value: Value,
    pub as_file: bool,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("value", &"<redacted>")
            .field("as_file", &self.as_file)
            .finish()
    }
}

impl Secret {
    /// The bytes the keystore would hold: the string itself, or the object as JSON.
    pub fn stored_bytes(&self) -> Vec<u8> {
        match &self.value {
            Value::String(s) => s.as_bytes().to_vec(),
            other => other.to_string().into_bytes(),
        }
    }
}

/// An Elasticsearch node of a demo cluster.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: &'static str,
    pub name: &'static str,
}

/// The Elasticsearch resource of a deployment, with what its nodes hold.
#[derive(Debug, Clone)]
pub struct Elasticsearch {
    pub ref_id: &'static str,
    pub id: &'static str,
    pub nodes: Vec<Node>,
    /// The keystore as the coordinator holds it (what PATCH changes).
    pub keystore: BTreeMap<String, Secret>,
    /// The keystore as the nodes loaded it at the last
    /// `_nodes/reload_secure_settings` (what repository clients use).
    pub loaded: BTreeMap<String, Secret>,
    /// Registered snapshot repositories: name -> `{"type", "settings"}`.
    pub repositories: BTreeMap<String, Value>,
}

/// A demo deployment.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub id: &'static str,
    pub name: &'static str,
    pub es: Elasticsearch,
    pub kibana_ref_id: &'static str,
    pub kibana_id: &'static str,
    /// Listed in `GET /deployments` (fault deployments only with `--fault-deployments`).
    pub listed: bool,
}

/// What a fault deployment does to every request that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer 500 with a BasicFailedReply.
    Error,
    /// Close the connection without answering.
    Drop,
    /// Hold the connection open without answering (see `--hang-secs`).
    Hang,
    /// Wait this many milliseconds, then answer normally.
    Delay(u64),
}

impl Fault {
    /// Parses `error`, `drop`, `hang` or `delay=MS` (the `X-Simulator-Fault`
    /// header and the control endpoint use this syntax).
    pub fn parse(s: &str) -> Option<Fault> {
        match s.trim() {
            "error" | "500" => Some(Fault::Error),
            "drop" => Some(Fault::Drop),
            "hang" => Some(Fault::Hang),
            other => other
                .strip_prefix("delay=")
                .and_then(|ms| ms.parse().ok())
                .map(Fault::Delay),
        }
    }
}

/// Deployment id whose every request fails with a 500 BasicFailedReply.
pub const FAULT_ERROR_DEPLOYMENT: &str = "fa170000000000000000000000000500";
/// Deployment id whose every request has its connection dropped.
pub const FAULT_DROP_DEPLOYMENT: &str = "fa1700000000000000000000000d7000";
/// Deployment id whose every request hangs (no answer until `--hang-secs`).
pub const FAULT_HANG_DEPLOYMENT: &str = "fa17000000000000000000000000ba46";

/// The fault a deployment id triggers, if it is one of the fault deployments.
pub fn deployment_fault(id: &str) -> Option<Fault> {
    match id {
        FAULT_ERROR_DEPLOYMENT => Some(Fault::Error),
        FAULT_DROP_DEPLOYMENT => Some(Fault::Drop),
        FAULT_HANG_DEPLOYMENT => Some(Fault::Hang),
        _ => None,
    }
}

fn es(id: &'static str, nodes: [(&'static str, &'static str); 2]) -> Elasticsearch {
    Elasticsearch {
        ref_id: "main-elasticsearch",
        id,
        nodes: nodes.iter().map(|(id, name)| Node { id, name }).collect(),
        keystore: BTreeMap::new(),
        loaded: BTreeMap::new(),
        repositories: BTreeMap::new(),
    }
}

/// The demo deployments: three real ones, then the three fault deployments.
pub fn demo_deployments(list_faults: bool) -> Vec<Deployment> {
    let mut v = vec![
        Deployment {
            id: "3b7c1f0e9a5d4c2b8e6f0a1d2c3b4a59",
            name: "logging-prod",
            es: es(
                "8f2d4c6b0a1e3f5d7c9b2a4e6d8f0c13",
                [
                    ("Qm9vdC1ub2RlLTAtbG9ncw", "instance-0000000000"),
                    ("Qm9vdC1ub2RlLTEtbG9ncw", "instance-0000000001"),
                ],
            ),
            kibana_ref_id: "main-kibana",
            kibana_id: "c41e7a2d9b3f4e8a1c6d0b5f2e7a9d04",
            listed: true,
        },
        Deployment {
            id: "9e4a2d6f8b1c4e3a5d7f9b0c2e4a6d81",
            name: "search-staging",
            es: es(
                "5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e52",
                [
                    ("U3RhZ2luZy1ub2RlLTAtc3I", "instance-0000000000"),
                    ("U3RhZ2luZy1ub2RlLTEtc3I", "instance-0000000001"),
                ],
            ),
            kibana_ref_id: "main-kibana",
            kibana_id: "e8b6d4f2a0c8e6b4d2f0a8c6e4b2d0f7",
            listed: true,
        },
        Deployment {
            id: "1f3e5d7c9b0a2f4e6d8c1b3a5f7e9d26",
            name: "metrics-dev",
            es: es(
                "2c4e6a8f0d2b4e6c8a0f2d4b6e8c0a38",
                [
                    ("TWV0cmljcy1ub2RlLTAtbWQ", "instance-0000000000"),
                    ("TWV0cmljcy1ub2RlLTEtbWQ", "instance-0000000001"),
                ],
            ),
            kibana_ref_id: "main-kibana",
            kibana_id: "7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e69",
            listed: true,
        },
    ];
    for (id, name, es_id, kb_id) in [
        (
            FAULT_ERROR_DEPLOYMENT,
            "fault-error-500",
            "fa170000000000000000000000e50500",
            "fa170000000000000000000000cb0500",
        ),
        (
            FAULT_DROP_DEPLOYMENT,
            "fault-drop-connection",
            "fa170000000000000000000000e5d700",
            "fa170000000000000000000000cbd700",
        ),
        (
            FAULT_HANG_DEPLOYMENT,
            "fault-hang",
            "fa170000000000000000000000e5ba46",
            "fa170000000000000000000000cbba46",
        ),
    ] {
        v.push(Deployment {
            id,
            name,
            es: es(
                es_id,
                [
                    ("RmF1bHQtbm9kZS0wLWZsdA", "instance-0000000000"),
                    ("RmF1bHQtbm9kZS0xLWZsdA", "instance-0000000001"),
                ],
            ),
            kibana_ref_id: "main-kibana",
            kibana_id: kb_id,
            listed: list_faults,
        });
    }
    v
}

/// Faults queued through the control endpoint: the next `remaining` requests
/// whose path contains `path_contains` get `fault`.
#[derive(Debug, Clone)]
pub struct QueuedFault {
    pub fault: Fault,
    pub remaining: u32,
    pub path_contains: String,
    pub method: Option<String>,
}

/// Everything that changes while the simulator runs.
#[derive(Debug)]
pub struct State {
    pub deployments: Vec<Deployment>,
    /// ECE platform repositories: name -> `SnapshotRepositoryConfiguration` body.
    pub platform_repositories: BTreeMap<String, Value>,
    /// Bearer tokens -> expiry (Unix seconds).
    pub tokens: HashMap<String, i64>,
    pub queued_faults: Vec<QueuedFault>,
    pub rng: crate::util::SplitMix64,
}

impl State {
    pub fn new(seed: u64, list_faults: bool) -> Self {
        State {
            deployments: demo_deployments(list_faults),
            platform_repositories: BTreeMap::new(),
            tokens: HashMap::new(),
            queued_faults: Vec::new(),
            rng: crate::util::SplitMix64::new(seed),
        }
    }

    pub fn deployment(&self, id: &str) -> Option<&Deployment> {
        self.deployments.iter().find(|d| d.id == id)
    }

    pub fn deployment_mut(&mut self, id: &str) -> Option<&mut Deployment> {
        self.deployments.iter_mut().find(|d| d.id == id)
    }

    /// Takes the first queued fault matching this request, if any.
    pub fn take_queued_fault(&mut self, method: &str, path: &str) -> Option<Fault> {
        let pos = self.queued_faults.iter().position(|q| {
            q.remaining > 0
                && path.contains(&q.path_contains)
                && q.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let q = &mut self.queued_faults[pos];
        q.remaining -= 1;
        let fault = q.fault;
        if q.remaining == 0 {
            self.queued_faults.remove(pos);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_ids_look_like_ece_ids() {
        for d in demo_deployments(true) {
            for id in [d.id, d.es.id, d.kibana_id] {
                assert_eq!(id.len(), 32, "{id}");
                assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
            }
            assert_eq!(d.es.ref_id, "main-elasticsearch");
        }
        assert_eq!(
            demo_deployments(false).iter().filter(|d| d.listed).count(),
            3
        );
    }

    #[test]
    fn secret_debug_hides_the_value() {
        let s = Secret {
            value: Value::String("hunter2".into()),
            as_file: false,
        };
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn parses_faults() {
        assert_eq!(Fault::parse("drop"), Some(Fault::Drop));
        assert_eq!(Fault::parse("delay=250"), Some(Fault::Delay(250)));
        assert_eq!(Fault::parse("sometimes"), None);
    }

    #[test]
    fn queued_faults_are_consumed() {
        let mut st = State::new(1, false);
        st.queued_faults.push(QueuedFault {
            fault: Fault::Error,
            remaining: 2,
            path_contains: "/keystore".into(),
            method: Some("PATCH".into()),
        });
        assert_eq!(st.take_queued_fault("GET", "/api/v1/x/keystore"), None);
        assert_eq!(
            st.take_queued_fault("PATCH", "/api/v1/x/keystore"),
            Some(Fault::Error)
        );
        assert_eq!(
            st.take_queued_fault("PATCH", "/api/v1/x/keystore"),
            Some(Fault::Error)
        );
        assert_eq!(st.take_queued_fault("PATCH", "/api/v1/x/keystore"), None);
    }
}
