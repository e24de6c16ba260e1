//! The simulator's in-memory world: the deployments with their
//! Elasticsearch clusters, the self-managed cluster, platform repositories,
//! sessions and queued faults. One world is shared (behind one lock) by the
//! coordinator and every direct Elasticsearch endpoint, so a keystore PATCH
//! through the coordinator is what a reload on the endpoint sees.

use crate::es::security::Security;
use crate::es::Cluster;
use crate::fleet::{Profile, FAULT_DROP_DEPLOYMENT, FAULT_ERROR_DEPLOYMENT, FAULT_HANG_DEPLOYMENT};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard};

/// What every handler shares: the settings, the world, and the
/// Elasticsearch credentials every cluster accepts.
pub struct Shared {
    pub config: crate::Config,
    pub world: Mutex<World>,
    pub security: Security,
    /// Each deployment's generated state, for `GET /__simulator/fleet`.
    pub profiles: Vec<(String, Profile)>,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, World> {
        // A panic in one handler must not stop the others.
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What a cluster needs to answer a request now.
    pub fn es_env(&self) -> crate::es::Env {
        crate::es::Env {
            now_ms: crate::util::now_millis(),
            snapshot_duration: self.config.snapshot_duration,
            store_mb_per_sec: self.config.store_mb_per_sec,
            slow_analysis: self.config.proxy_timeout * 2,
        }
    }
}

/// Faults one deployment has on the coordinator (the fleet's varied states).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeploymentFaults {
    /// Its keystore PATCH answers 500.
    pub keystore_patch_fails: bool,
    /// Its keystore GET and PATCH answer 449 (elevated permissions required).
    pub needs_elevated_permissions: bool,
}

/// A deployment: its Elasticsearch resource (one cluster) and its Kibana.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub id: String,
    pub name: String,
    /// `metadata.tags` (key, value).
    pub tags: Vec<(String, String)>,
    pub es_ref_id: String,
    pub es: Cluster,
    pub kibana_ref_id: String,
    pub kibana_id: String,
    /// Listed in `GET /deployments` (fault deployments only with `--fault-deployments`).
    pub listed: bool,
    /// Its direct Elasticsearch endpoint, once bound.
    pub endpoint: Option<SocketAddr>,
    pub faults: DeploymentFaults,
}

/// What a fault deployment (or the fault header, or a queued fault) does to
/// a request.
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

/// The fault a deployment id triggers, if it is one of the fault deployments.
pub fn deployment_fault(id: &str) -> Option<Fault> {
    match id {
        FAULT_ERROR_DEPLOYMENT => Some(Fault::Error),
        FAULT_DROP_DEPLOYMENT => Some(Fault::Drop),
        FAULT_HANG_DEPLOYMENT => Some(Fault::Hang),
        _ => None,
    }
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

/// Which cluster a direct Elasticsearch endpoint serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterRef {
    /// The self-managed cluster (the printed endpoint).
    SelfManaged,
    /// The cluster of the deployment at this index.
    Deployment(usize),
}

/// Everything that changes while the simulator runs.
#[derive(Debug)]
pub struct World {
    pub deployments: Vec<Deployment>,
    by_id: HashMap<String, usize>,
    /// The self-managed cluster behind the printed Elasticsearch endpoint.
    pub self_managed: Cluster,
    /// ECE platform repositories: name -> `SnapshotRepositoryConfiguration` body.
    pub platform_repositories: BTreeMap<String, Value>,
    /// Bearer tokens -> expiry (Unix seconds).
    pub tokens: HashMap<String, i64>,
    pub queued_faults: Vec<QueuedFault>,
    pub rng: crate::util::SplitMix64,
}

impl World {
    pub fn new(deployments: Vec<Deployment>, self_managed: Cluster, seed: u64) -> World {
        let by_id = deployments
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        World {
            deployments,
            by_id,
            self_managed,
            platform_repositories: BTreeMap::new(),
            tokens: HashMap::new(),
            queued_faults: Vec::new(),
            rng: crate::util::SplitMix64::new(seed),
        }
    }

    pub fn index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn deployment(&self, id: &str) -> Option<&Deployment> {
        self.index(id).map(|i| &self.deployments[i])
    }

    pub fn deployment_mut(&mut self, id: &str) -> Option<&mut Deployment> {
        self.index(id).map(|i| &mut self.deployments[i])
    }

    pub fn cluster_mut(&mut self, at: ClusterRef) -> &mut Cluster {
        match at {
            ClusterRef::SelfManaged => &mut self.self_managed,
            ClusterRef::Deployment(i) => &mut self.deployments[i].es,
        }
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
    fn parses_faults() {
        assert_eq!(Fault::parse("drop"), Some(Fault::Drop));
        assert_eq!(Fault::parse("delay=250"), Some(Fault::Delay(250)));
        assert_eq!(Fault::parse("sometimes"), None);
    }

    #[test]
    fn queued_faults_are_consumed() {
        let mut st = World::new(Vec::new(), crate::fleet::self_managed(), 1);
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
