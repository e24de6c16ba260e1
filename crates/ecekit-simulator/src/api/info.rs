//! What the coordinator says about deployments: `DeploymentsListingData`
//! for the list and `DeploymentGetResponse` for one, in the ECE or the
//! Elastic Cloud shape (their `DeploymentMetadata` differ). Each
//! Elasticsearch resource's `info.metadata` carries the deployment's direct
//! endpoint as the reference §G.1 describes: `endpoint` (host), `ports`,
//! `service_url`.

use crate::state::Deployment;
use crate::Platform;
use base64::Engine;
use serde_json::{json, Value};

/// Region of every ECE resource (ECE's default region name).
pub const ECE_REGION: &str = "ece-region";
/// Region of every Elastic Cloud resource.
pub const ESS_REGION: &str = "aws-eu-central-1";

const MODIFIED: &str = "2025-01-15T09:30:00Z";

fn region(platform: Platform) -> &'static str {
    match platform {
        Platform::Ece => ECE_REGION,
        Platform::Ess => ESS_REGION,
    }
}

/// `label:base64(host:port$es_id$kibana_id)`. Its host is the platform's
/// usual one, not the simulator's address: use `service_url`.
fn cloud_id(d: &Deployment, platform: Platform) -> String {
    let host = match platform {
        Platform::Ece => format!("{ECE_REGION}.ece.local:9243"),
        Platform::Ess => "eu-central-1.aws.cloud.es.io:443".to_string(),
    };
    let raw = format!("{host}${}${}", d.es.id, d.kibana_id);
    format!(
        "{}:{}",
        d.name,
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// `DeploymentsListingData`.
pub fn listing(d: &Deployment, platform: Platform) -> Value {
    let region = region(platform);
    json!({
        "id": d.id,
        "name": d.name,
        "resources": [
            {
                "ref_id": d.es_ref_id,
                "id": d.es.id,
                "kind": "elasticsearch",
                "region": region,
                "cloud_id": cloud_id(d, platform)
            },
            {
                "ref_id": d.kibana_ref_id,
                "elasticsearch_cluster_ref_id": d.es_ref_id,
                "id": d.kibana_id,
                "kind": "kibana",
                "region": region
            }
        ]
    })
}

/// `ClusterMetadataInfo` of the Elasticsearch resource: where its endpoint
/// is. `ports.http` and `ports.https` are both the one port it is served on
/// (plain HTTP, or HTTPS with `--tls`): `service_url` has the scheme.
fn es_metadata(d: &Deployment, platform: Platform, tls: bool) -> Value {
    let mut m = json!({
        "version": 7,
        "last_modified": MODIFIED,
        "cloud_id": cloud_id(d, platform),
    });
    if let Some(addr) = d.endpoint {
        let scheme = if tls { "https" } else { "http" };
        m["endpoint"] = json!(addr.ip().to_string());
        m["service_url"] = json!(format!("{scheme}://{addr}"));
        m["ports"] =
            json!({"http": addr.port(), "https": addr.port(), "transport_passthrough": 9400});
    }
    m
}

/// `SnapshotStatusInfo` from the cluster's finished snapshots: healthy when
/// there are none or the latest succeeded; a success in the last 24 hours
/// is recent.
fn snapshot_status(d: &Deployment) -> Value {
    let now = crate::util::now_millis();
    let s = d.es.snapshot_summary(now);
    let mut v = json!({
        "healthy": s.latest.is_none_or(|(_, ok, _)| ok),
        "count": s.count,
        "recent_success": s.latest_success_end.is_some_and(|end| now - end < 86_400_000),
    });
    if let Some((end, ok, state)) = s.latest {
        v["latest_successful"] = json!(ok);
        v["latest_status"] = json!(state);
        v["latest_end_time"] = json!(crate::util::rfc3339(end / 1000));
    }
    if let Some(end) = s.latest_success_end {
        v["latest_successful_end_time"] = json!(crate::util::rfc3339(end / 1000));
    }
    v
}

/// `DeploymentGetResponse` (what `GET /deployments/{id}` answers without
/// `show_*` parameters: no plans, settings or security).
pub fn deployment_info(d: &Deployment, platform: Platform, tls: bool) -> Value {
    let region = region(platform);
    let instances: Vec<Value> =
        d.es.nodes
            .iter()
            .map(|n| {
                json!({
                    "instance_name": n.name,
                    "healthy": true,
                    "container_started": true,
                    "service_running": true,
                    "maintenance_mode": false,
                    "zone": format!("{region}-zone-1"),
                    "service_version": crate::es::ES_VERSION,
                    "service_roles": ["master", "data", "ingest"]
                })
            })
            .collect();
    let es_info = json!({
        "cluster_id": d.es.id,
        "cluster_name": d.name,
        "deployment_id": d.id,
        "healthy": true,
        "status": "started",
        "region": region,
        "associated_apm_clusters": [],
        "associated_appsearch_clusters": [],
        "associated_enterprise_search_clusters": [],
        "associated_kibana_clusters": [{"kibana_id": d.kibana_id, "enabled": true}],
        "elasticsearch": {
            "healthy": true,
            "blocking_issues": {"healthy": true, "cluster_level": [], "index_level": []},
            "master_info": {"healthy": true, "instances_with_no_master": [], "masters": []},
            "shard_info": {"healthy": true, "available_shards": [], "unavailable_shards": [], "unavailable_replicas": []}
        },
        "external_links": [],
        "metadata": es_metadata(d, platform, tls),
        "plan_info": {"healthy": true, "history": []},
        "snapshots": snapshot_status(d),
        "topology": {"healthy": true, "instances": instances}
    });
    let kb_host = match platform {
        Platform::Ece => format!("{}.{ECE_REGION}.ece.local", d.kibana_id),
        Platform::Ess => format!("{}.eu-central-1.aws.cloud.es.io", d.kibana_id),
    };
    let kb_info = json!({
        "cluster_id": d.kibana_id,
        "cluster_name": d.name,
        "deployment_id": d.id,
        "healthy": true,
        "status": "started",
        "region": region,
        "elasticsearch_cluster": {"elasticsearch_id": d.es.id},
        "external_links": [],
        "metadata": {
            "version": 5,
            "last_modified": MODIFIED,
            "endpoint": kb_host,
            "service_url": format!("https://{kb_host}:9243"),
            "ports": {"http": 9200, "https": 9243, "transport_passthrough": 9400}
        },
        "plan_info": {"healthy": true, "history": []},
        "topology": {"healthy": true, "instances": []}
    });
    let tags: Vec<Value> = d
        .tags
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect();
    // Elastic Cloud's DeploymentMetadata has only `tags` (and `byok_enabled`).
    let metadata = match platform {
        Platform::Ece => {
            json!({"last_modified": MODIFIED, "system_owned": false, "hidden": false, "tags": tags})
        }
        Platform::Ess => json!({"tags": tags}),
    };
    json!({
        "id": d.id,
        "name": d.name,
        "alias": d.name,
        "healthy": true,
        "resources": {
            "elasticsearch": [{"ref_id": d.es_ref_id, "id": d.es.id, "region": region, "info": es_info}],
            "kibana": [{
                "ref_id": d.kibana_ref_id,
                "elasticsearch_cluster_ref_id": d.es_ref_id,
                "id": d.kibana_id,
                "region": region,
                "info": kb_info
            }],
            "apm": [],
            "appsearch": [],
            "enterprise_search": [],
            "integrations_server": []
        },
        "metadata": metadata
    })
}

/// The JSON the simulator answers for `GET /deployments` and
/// `GET /deployments/{id}` on a fresh state of `count` deployments, with
/// the fault deployments (for the spec conformance tests).
pub fn demo_responses(platform: Platform, count: usize) -> (Value, Vec<Value>) {
    let deployments: Vec<Deployment> = crate::fleet::deployments(count, 0, true)
        .into_iter()
        .enumerate()
        .map(|(i, (mut d, _))| {
            d.endpoint = Some(std::net::SocketAddr::from((
                [127, 0, 0, 1],
                40_000 + i as u16,
            )));
            d
        })
        .collect();
    (
        json!({ "deployments": deployments.iter().map(|d| listing(d, platform)).collect::<Vec<_>>() }),
        deployments
            .iter()
            .map(|d| deployment_info(d, platform, false))
            .collect(),
    )
}
