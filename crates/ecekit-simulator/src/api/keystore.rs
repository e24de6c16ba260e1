//! The Elasticsearch keystore through the coordinator: GET (names and
//! `as_file` only, never values) and PATCH (merge: keys sent are added or
//! replaced; `{}`, `null` or `"value": null` removes a key). The PATCH
//! writes the keystore of the deployment's one cluster, the same one its
//! Elasticsearch endpoint and the proxy serve.

use super::reply::{
    deployment_not_found, failed, resource_not_found, spec_code, CODE_ELEVATED_PERMISSIONS,
};
use super::App;
use crate::http::{Reply, Request};
use serde_json::{json, Map, Value};

impl App {
    pub(super) fn keystore(
        &self,
        req: &Request,
        operation: &str,
        id: &str,
        ref_id: &str,
        patch: bool,
    ) -> Reply {
        let body = if patch {
            match self.body(req, "KeystoreContents") {
                Ok(b) => Some(b),
                Err(r) => return r,
            }
        } else {
            None
        };
        let mut st = self.shared.lock();
        let Some(d) = st.deployment_mut(id) else {
            return deployment_not_found(operation, id);
        };
        if ref_id != d.es_ref_id && ref_id != "_main" {
            return resource_not_found(operation, "elasticsearch", ref_id, d);
        }
        if d.faults.needs_elevated_permissions {
            return failed(
                449,
                CODE_ELEVATED_PERMISSIONS,
                "Elevated permissions are required.",
                vec![],
            );
        }
        if let Some(body) = body {
            if d.faults.keystore_patch_fails {
                return failed(
                    500,
                    &spec_code(operation, 500, "deployments.metadata_internal_error"),
                    "We have failed you. (the keystore could not be updated: this deployment's PATCH always fails in the simulator)",
                    vec![],
                );
            }
            if let Some(secrets) = body["secrets"].as_object() {
                d.es.patch_keystore(secrets, None);
            }
        }
        let redacted: Map<String, Value> =
            d.es.keystore
                .iter()
                .map(|(k, s)| (k.clone(), json!({"as_file": s.as_file})))
                .collect();
        Reply::json(200, &json!({ "secrets": redacted }))
    }
}
