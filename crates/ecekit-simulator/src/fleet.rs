//! Who lives in the simulator: the three demo deployments, the three fault
//! deployments, the generated fleet (`--deployments N`) and the self-managed
//! cluster.
//!
//! The fleet is deterministic for a seed: deployment `i` always gets the
//! same ids, name, tags and state. Its states are the ones a fleet health
//! check must tell apart (issue 19): healthy, a repository whose client has
//! no keys, half an access/secret pair, keys no repository uses, two
//! deployments writing one bucket and base path, a failing SLM policy, and
//! one deployment each whose verification fails, whose keystore PATCH fails,
//! and that needs elevated permissions (449).

use crate::es::{Cluster, Repository, Secret};
use crate::state::{Deployment, DeploymentFaults};
use crate::util::SplitMix64;
use serde_json::{json, Map, Value};

/// Deployment id whose every request fails with a 500 BasicFailedReply.
pub const FAULT_ERROR_DEPLOYMENT: &str = "fa170000000000000000000000000500";
/// Deployment id whose every request has its connection dropped.
pub const FAULT_DROP_DEPLOYMENT: &str = "fa1700000000000000000000000d7000";
/// Deployment id whose every request hangs (no answer until `--hang-secs`).
pub const FAULT_HANG_DEPLOYMENT: &str = "fa17000000000000000000000000ba46";

/// How many deployments there are without `--deployments`: the demo ones.
pub const DEMO_DEPLOYMENTS: usize = 3;

/// The repository every generated deployment registered.
pub const FLEET_REPOSITORY: &str = "s3-backup";

/// `path.repo` of the self-managed cluster.
pub const SELF_MANAGED_PATH_REPO: &str = "/mnt/snapshots";

/// The state a generated deployment starts in (`GET /__simulator/fleet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// One of the three demo deployments: empty keystore, nothing registered.
    Demo,
    /// One of the three fault deployments (500, dropped connection, hang).
    Fault,
    /// Repository registered and verified, its client's keys loaded, SLM succeeding.
    Healthy,
    /// The repository's client has no keys in the keystore.
    MissingKeys,
    /// Only the access key of the repository's client.
    HalfPair,
    /// Healthy, plus keys of a client no repository uses.
    UnusedKeys,
    /// Healthy, but writes the same bucket and base path as another deployment.
    SharedBucket,
    /// Healthy keys, but the SLM policy's last run failed.
    SlmFailing,
    /// Verification fails at the storage (access denied) whatever the keys.
    VerifyFails,
    /// The keystore PATCH answers 500.
    PatchFails,
    /// The keystore GET and PATCH answer 449.
    NeedsElevatedPermissions,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Demo => "demo",
            Profile::Fault => "fault",
            Profile::Healthy => "healthy",
            Profile::MissingKeys => "missing-keys",
            Profile::HalfPair => "half-pair",
            Profile::UnusedKeys => "unused-keys",
            Profile::SharedBucket => "shared-bucket",
            Profile::SlmFailing => "slm-failing",
            Profile::VerifyFails => "verify-fails",
            Profile::PatchFails => "patch-fails",
            Profile::NeedsElevatedPermissions => "needs-elevated-permissions",
        }
    }
}

fn demo_cluster(id: &str, nodes: [(&str, &str); 2]) -> Cluster {
    Cluster::new(id, id, &nodes)
}

/// The demo deployments, the fault deployments, then `count - 3` generated
/// ones (`count` below 3 keeps the first `count` demo deployments).
pub fn deployments(count: usize, seed: u64, list_faults: bool) -> Vec<(Deployment, Profile)> {
    let demo = |id: &str, name: &str, es_id: &str, kb_id: &str, nodes| {
        (
            Deployment {
                id: id.into(),
                name: name.into(),
                tags: Vec::new(),
                es_ref_id: "main-elasticsearch".into(),
                es: demo_cluster(es_id, nodes),
                kibana_ref_id: "main-kibana".into(),
                kibana_id: kb_id.into(),
                listed: true,
                endpoint: None,
                faults: DeploymentFaults::default(),
            },
            Profile::Demo,
        )
    };
    let mut v = vec![
        demo(
            "3b7c1f0e9a5d4c2b8e6f0a1d2c3b4a59",
            "logging-prod",
            "8f2d4c6b0a1e3f5d7c9b2a4e6d8f0c13",
            "c41e7a2d9b3f4e8a1c6d0b5f2e7a9d04",
            [
                ("Qm9vdC1ub2RlLTAtbG9ncw", "instance-0000000000"),
                ("Qm9vdC1ub2RlLTEtbG9ncw", "instance-0000000001"),
            ],
        ),
        demo(
            "9e4a2d6f8b1c4e3a5d7f9b0c2e4a6d81",
            "search-staging",
            "5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e52",
            "e8b6d4f2a0c8e6b4d2f0a8c6e4b2d0f7",
            [
                ("U3RhZ2luZy1ub2RlLTAtc3I", "instance-0000000000"),
                ("U3RhZ2luZy1ub2RlLTEtc3I", "instance-0000000001"),
            ],
        ),
        demo(
            "1f3e5d7c9b0a2f4e6d8c1b3a5f7e9d26",
            "metrics-dev",
            "2c4e6a8f0d2b4e6c8a0f2d4b6e8c0a38",
            "7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e69",
            [
                ("TWV0cmljcy1ub2RlLTAtbWQ", "instance-0000000000"),
                ("TWV0cmljcy1ub2RlLTEtbWQ", "instance-0000000001"),
            ],
        ),
    ];
    v.truncate(count.max(1));
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
        let (mut d, _) = demo(
            id,
            name,
            es_id,
            kb_id,
            [
                ("RmF1bHQtbm9kZS0wLWZsdA", "instance-0000000000"),
                ("RmF1bHQtbm9kZS0xLWZsdA", "instance-0000000001"),
            ],
        );
        d.listed = list_faults;
        v.push((d, Profile::Fault));
    }
    let generated = count.saturating_sub(DEMO_DEPLOYMENTS);
    let profiles = profiles(generated, seed);
    let mut shared: Option<(String, String)> = None;
    for (k, profile) in profiles.into_iter().enumerate() {
        let mut d = generated_deployment(DEMO_DEPLOYMENTS + k, seed);
        apply(&mut d, profile, seed, &mut shared);
        v.push((d, profile));
    }
    v
}

/// The profiles of `n` generated deployments: the rarer states first in
/// priority (so even a small fleet has each), placed by a seeded shuffle.
fn profiles(n: usize, seed: u64) -> Vec<Profile> {
    let mut wanted: Vec<(Profile, usize)> = vec![
        (Profile::MissingKeys, (n / 10).max(1)),
        (Profile::HalfPair, (n / 20).max(1)),
        (Profile::UnusedKeys, (n / 20).max(1)),
        (Profile::SharedBucket, 2),
        (Profile::VerifyFails, 1),
        (Profile::PatchFails, 1),
        (Profile::NeedsElevatedPermissions, 1),
        (Profile::SlmFailing, (n / 20).max(1)),
    ];
    // A small fleet is mostly healthy: keep at least half of it so.
    let mut budget = n - n / 2;
    let mut list = Vec::with_capacity(n);
    for (p, count) in &mut wanted {
        let take = (*count).min(budget);
        // The pair is both or neither.
        let take = if *p == Profile::SharedBucket && take < 2 {
            0
        } else {
            take
        };
        list.extend(std::iter::repeat_n(*p, take));
        budget -= take;
    }
    list.resize(n, Profile::Healthy);
    // Fisher-Yates with the seed; the shared pair stays adjacent in order
    // of appearance (it only matters which two).
    let mut rng = SplitMix64::new(seed ^ 0x5EED_F1EE);
    for i in (1..list.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        list.swap(i, j);
    }
    list
}

fn hex32(rng: &mut SplitMix64) -> String {
    format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64())
}

const TEAMS: &[&str] = &[
    "search",
    "logs",
    "metrics",
    "security",
    "payments",
    "analytics",
];
const ENVS: &[&str] = &["prod", "staging", "dev"];

fn generated_deployment(i: usize, seed: u64) -> Deployment {
    let mut rng = SplitMix64::new(seed.wrapping_mul(0x9E37_79B9).wrapping_add(i as u64));
    let id = hex32(&mut rng);
    let es_id = hex32(&mut rng);
    let kibana_id = hex32(&mut rng);
    let team = TEAMS[(rng.next_u64() % TEAMS.len() as u64) as usize];
    let env = ENVS[(rng.next_u64() % ENVS.len() as u64) as usize];
    let name = format!("{team}-{env}-{i:03}");
    let node_count = if env == "prod" { 3 } else { 2 };
    let node_ids: Vec<(String, String)> = (0..node_count)
        .map(|n| {
            let raw = format!("{:016x}", rng.next_u64());
            (base64_id(&raw), format!("instance-{:010}", n))
        })
        .collect();
    let nodes: Vec<(&str, &str)> = node_ids
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Deployment {
        id,
        name,
        tags: vec![("team".into(), team.into()), ("env".into(), env.into())],
        es_ref_id: "main-elasticsearch".into(),
        es: Cluster::new(&es_id, &es_id, &nodes),
        kibana_ref_id: "main-kibana".into(),
        kibana_id,
        listed: true,
        endpoint: None,
        faults: DeploymentFaults::default(),
    }
}

/// A node id as Elasticsearch writes them (22 characters of URL-safe base64).
fn base64_id(raw: &str) -> String {
    use base64::Engine;
    let mut s = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    s.truncate(22);
    s
}

/// The client a generated deployment's repository uses: most use
/// `default`, a third `secondary`.
fn client_of(d: &Deployment) -> &'static str {
    if u64::from_str_radix(&d.id[..8], 16).unwrap_or(0) % 3 == 2 {
        "secondary"
    } else {
        "default"
    }
}

fn store(es: &mut Cluster, name: &str, value: &str) {
    let secret = Secret::string(value);
    es.keystore.insert(name.into(), secret.clone());
    for n in &mut es.nodes {
        n.loaded.insert(name.into(), secret.clone());
    }
}

fn apply(d: &mut Deployment, profile: Profile, seed: u64, shared: &mut Option<(String, String)>) {
    let client = client_of(d);
    let team = d.tags[0].1.clone();
    let (mut bucket, mut base_path) = (format!("ecekit-fleet-{team}"), d.name.clone());
    if profile == Profile::SharedBucket {
        match shared {
            Some((b, p)) => (bucket, base_path) = (b.clone(), p.clone()),
            None => *shared = Some((bucket.clone(), base_path.clone())),
        }
    }
    let mut settings = Map::new();
    settings.insert("bucket".into(), json!(bucket));
    settings.insert("base_path".into(), json!(base_path));
    settings.insert("client".into(), json!(client));
    d.es.repositories.insert(
        FLEET_REPOSITORY.into(),
        Repository {
            typ: "s3".into(),
            settings,
        },
    );
    let mut rng = SplitMix64::new(seed ^ u64::from_str_radix(&d.id[..16], 16).unwrap_or(0));
    let access = format!("AKIAFLEET{:011X}", rng.next_u64() % (1 << 44));
    let secret = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
    let key = |s: &str| format!("s3.client.{client}.{s}");
    match profile {
        Profile::MissingKeys => {}
        Profile::HalfPair => store(&mut d.es, &key("access_key"), &access),
        _ => {
            store(&mut d.es, &key("access_key"), &access);
            store(&mut d.es, &key("secret_key"), &secret);
        }
    }
    seed_policy(d, profile, client);
    match profile {
        Profile::UnusedKeys => {
            store(
                &mut d.es,
                "s3.client.legacy.access_key",
                "AKIAFLEETLEGACY00001",
            );
            store(&mut d.es, "s3.client.legacy.secret_key", &secret[..20]);
        }
        Profile::VerifyFails => d.es.hooks.verify_fails = true,
        Profile::PatchFails => d.faults.keystore_patch_fails = true,
        Profile::NeedsElevatedPermissions => d.faults.needs_elevated_permissions = true,
        _ => {}
    }
}

/// The SLM policy every generated deployment runs nightly: its last run
/// succeeded, or (a deployment whose repository cannot be written, or
/// `slm-failing`) failed after an older success.
fn seed_policy(d: &mut Deployment, profile: Profile, client: &str) {
    const DAY: i64 = 86_400_000;
    let now = crate::util::now_millis();
    // The schedule's last time: 01:30 UTC today, or yesterday before it.
    let mut last_night = now.div_euclid(DAY) * DAY + 90 * 60_000;
    if last_night > now - 120_000 {
        last_night -= DAY;
    }
    let body = json!({
        "name": "<nightly-{now/d}>",
        "schedule": "0 30 1 * * ?",
        "repository": FLEET_REPOSITORY,
        "config": {"indices": ["*"], "include_global_state": true},
        "retention": {"expire_after": "30d", "min_count": 5, "max_count": 50}
    });
    let no_access = |detail: String| {
        json!({
            "type": "repository_exception",
            "reason": format!("[{FLEET_REPOSITORY}] could not read repository data from index blob"),
            "caused_by": {"type": "i_o_exception", "reason": detail}
        })
        .to_string()
    };
    let failure = match profile {
        Profile::MissingKeys | Profile::HalfPair => Some(no_access(format!(
            "the s3 client [{client}] has no credentials"
        ))),
        Profile::VerifyFails => Some(no_access(
            "Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)".into(),
        )),
        Profile::SlmFailing => Some(
            json!({
                "type": "snapshot_exception",
                "reason": "[nightly-snapshot] failed to create snapshot successfully, 1 out of 5 total shards failed"
            })
            .to_string(),
        ),
        _ => None,
    };
    let (success_at, taken) = if failure.is_some() {
        (last_night - 6 * DAY, 24)
    } else {
        (last_night, 30)
    };
    crate::es::slm::seed(
        &mut d.es,
        "nightly-snapshots",
        body,
        taken,
        success_at,
        failure.map(|f| (last_night, f)),
    );
}

/// The self-managed cluster behind the printed endpoint: three nodes,
/// `path.repo` `/mnt/snapshots`, and a keystore that already holds (and the
/// nodes loaded) a `default` S3 client.
pub fn self_managed() -> Cluster {
    let mut c = Cluster::new(
        "c0ffee5e1f4a4b2d9e7c3a1b5d8f6e20",
        "self-managed",
        &[
            ("c2VsZi1tYW5hZ2VkLW5vZGUx", "es01"),
            ("c2VsZi1tYW5hZ2VkLW5vZGUy", "es02"),
            ("c2VsZi1tYW5hZ2VkLW5vZGUz", "es03"),
        ],
    );
    c.path_repo = vec![SELF_MANAGED_PATH_REPO.into()];
    store(
        &mut c,
        "s3.client.default.access_key",
        "AKIASELFMANAGED00001",
    );
    store(
        &mut c,
        "s3.client.default.secret_key",
        "selfManagedSimulatorSecretKey0000000001",
    );
    // Each node has its own keystore file (bin/elasticsearch-keystore runs
    // node by node); they start the same.
    for n in &mut c.nodes {
        n.disk = Some(c.keystore.clone());
    }
    c
}

/// `GET /__simulator/fleet`: every deployment's generated state.
pub fn manifest(deployments: &[(String, Profile)], world: &crate::state::World) -> Value {
    let list: Vec<Value> = deployments
        .iter()
        .filter_map(|(id, profile)| {
            let d = world.deployment(id)?;
            let repo = d.es.repositories.get(FLEET_REPOSITORY);
            let setting = |k: &str| repo.and_then(|r| r.settings.get(k)).cloned();
            Some(json!({
                "id": d.id,
                "name": d.name,
                "profile": profile.name(),
                "listed": d.listed,
                "tags": d.tags.iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
                "repository": repo.map(|_| FLEET_REPOSITORY),
                "client": setting("client"),
                "bucket": setting("bucket"),
                "base_path": setting("base_path"),
                "endpoint": d.endpoint.map(|a| a.to_string()),
            }))
        })
        .collect();
    json!({ "deployments": list })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_ids_look_like_ece_ids() {
        for (d, _) in deployments(3, 0, true) {
            for id in [&d.id, &d.es.id, &d.kibana_id] {
                assert_eq!(id.len(), 32, "{id}");
                assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
            }
            assert_eq!(d.es_ref_id, "main-elasticsearch");
        }
        assert_eq!(
            deployments(3, 0, false)
                .iter()
                .filter(|(d, _)| d.listed)
                .count(),
            3
        );
    }

    #[test]
    fn a_fleet_is_the_same_for_a_seed_and_has_every_state() {
        let a = deployments(50, 7, false);
        let b = deployments(50, 7, false);
        let ids = |v: &[(Deployment, Profile)]| -> Vec<(String, Profile)> {
            v.iter().map(|(d, p)| (d.id.clone(), *p)).collect()
        };
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&deployments(50, 8, false)));
        let listed: Vec<&(Deployment, Profile)> = a.iter().filter(|(d, _)| d.listed).collect();
        assert_eq!(listed.len(), 50);
        for p in [
            Profile::Healthy,
            Profile::MissingKeys,
            Profile::HalfPair,
            Profile::UnusedKeys,
            Profile::SharedBucket,
            Profile::SlmFailing,
            Profile::VerifyFails,
            Profile::PatchFails,
            Profile::NeedsElevatedPermissions,
        ] {
            assert!(listed.iter().any(|(_, q)| *q == p), "{p:?}");
        }
        let shared: Vec<&Deployment> = listed
            .iter()
            .filter(|(_, p)| *p == Profile::SharedBucket)
            .map(|(d, _)| d)
            .collect();
        assert_eq!(shared.len(), 2);
        let where_ = |d: &Deployment| {
            let s = &d.es.repositories[FLEET_REPOSITORY].settings;
            (s["bucket"].clone(), s["base_path"].clone())
        };
        assert_eq!(where_(shared[0]), where_(shared[1]));
        let mut names: Vec<&str> = listed.iter().map(|(d, _)| d.id.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 50, "ids are unique");
    }

    #[test]
    fn small_fleets_stay_mostly_healthy() {
        let v = deployments(5, 1, false);
        let generated: Vec<Profile> = v[6..].iter().map(|(_, p)| *p).collect();
        assert_eq!(generated.len(), 2);
        assert!(generated.contains(&Profile::Healthy));
        assert_eq!(deployments(1, 1, false).len(), 1 + 3);
    }

    #[test]
    fn the_self_managed_cluster_holds_a_default_s3_client() {
        let c = self_managed();
        assert!(c.loaded_everywhere("s3.client.default.access_key"));
        assert!(c.loaded_everywhere("s3.client.default.secret_key"));
        assert_eq!(c.path_repo, ["/mnt/snapshots"]);
    }
}
