//! The coordinator's error replies: `BasicFailedReply` with the
//! `x-cloud-error-codes` header. Codes come from the spec data
//! (`data/ece-api-subset.json`) where the spec has one for the operation and
//! status; where it has none, the codes below are used, each saying where it
//! comes from.

use crate::http::Reply;
use crate::spec::spec;
use serde_json::{json, Value};

/// 400 for a body that does not match the spec's schema. The keystore, login
/// and repository operations list no 400 in the spec; real ECE answers this
/// code with "JSON request does not comply with schema: ..." (seen in
/// cloud-sdk-go's API error fixtures).
pub const CODE_INVALID_JSON: &str = "root.invalid_json_request";
/// 400 for a proxy call without `X-Management-Request: true`. The spec makes
/// the header required but lists no code for its absence; `root.invalid_data`
/// is the spec's root-level code for invalid request data.
pub const CODE_MISSING_MANAGEMENT_HEADER: &str = "root.invalid_data";
/// 404 for a path the API does not have, and for an unknown platform
/// repository (the spec lists no 404 for it). Not from the spec.
pub const CODE_NOT_FOUND: &str = "root.resource_not_found";
/// 405 for a known path with another method. Not from the spec.
pub const CODE_METHOD_NOT_ALLOWED: &str = "root.method_not_allowed";
/// 500 where the spec lists no 500 code for the operation (seen in
/// cloud-sdk-go's API error fixtures).
pub const CODE_INTERNAL: &str = "internal.server.error";
/// 400, 408 or 413 for a request body the transport refuses (malformed, too
/// slow, past the limit). Not from the spec.
pub const CODE_INVALID_REQUEST: &str = "root.invalid_request";
/// 501 for an ECE feature the simulator does not model. Simulator-only.
pub const CODE_NOT_SIMULATED: &str = "simulator.not_simulated";
/// 449 for a deployment whose keystore needs elevated permissions: the code
/// ECE specs up to ms-89 listed for the keystore GET and PATCH
/// (ece-2.13-legacy-openapi.json; reference ece-api.md §1.2).
pub const CODE_ELEVATED_PERMISSIONS: &str = "root.unauthorized.rbac.elevated_permissions_required";
/// 429 past `--rate-limit`. The spec's 429 codes are per service
/// (`billing_service.rate_limited`); no source gives the coordinator-wide
/// one, so this is the same pattern at the root.
pub const CODE_RATE_LIMITED: &str = "root.rate_limited";
/// 504 when the ECE proxy cuts a request to Elasticsearch at its time limit.
/// No source gives what ECE answers then (reference §C.5 has only "the 60s
/// proxy timeout"); the simulator answers a gateway timeout with this code.
pub const CODE_PROXY_TIMEOUT: &str = "root.gateway_timeout";

/// One error element of a BasicFailedReply.
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub fields: Vec<String>,
}

/// A `BasicFailedReply` with one error, and the `x-cloud-error-codes` header.
pub fn failed(status: u16, code: &str, message: &str, fields: Vec<String>) -> Reply {
    failed_many(
        status,
        vec![ApiError {
            code: code.into(),
            message: message.into(),
            fields,
        }],
    )
}

/// A `BasicFailedReply` with several errors.
pub fn failed_many(status: u16, errors: Vec<ApiError>) -> Reply {
    let mut seen: Vec<&str> = Vec::new();
    for e in &errors {
        if !seen.contains(&e.code.as_str()) {
            seen.push(&e.code);
        }
    }
    let header = seen.join(",");
    let list: Vec<Value> = errors
        .iter()
        .map(|e| {
            let mut v = json!({"code": e.code, "message": e.message});
            if !e.fields.is_empty() {
                v["fields"] = json!(e.fields);
            }
            v
        })
        .collect();
    Reply::json(status, &json!({ "errors": list })).header("x-cloud-error-codes", header)
}

/// The operation-specific code for `status`, else `fallback`.
pub fn spec_code(operation: &str, status: u16, fallback: &str) -> String {
    spec()
        .error_codes(operation, status)
        .first()
        .map(|s| s.to_string())
        .unwrap_or_else(|| fallback.to_string())
}

pub fn deployment_not_found(operation: &str, id: &str) -> Reply {
    failed(
        404,
        &spec_code(operation, 404, "deployments.deployment_not_found"),
        &format!("No Deployment with id [{id}] could be found"),
        vec!["deployment_id".into()],
    )
}

pub fn resource_not_found(
    operation: &str,
    kind: &str,
    ref_id: &str,
    d: &crate::state::Deployment,
) -> Reply {
    let code = spec()
        .error_codes(operation, 404)
        .into_iter()
        .find(|c| *c == "deployments.deployment_resource_not_found")
        .unwrap_or("deployments.deployment_resource_not_found")
        .to_string();
    failed(
        404,
        &code,
        &format!(
            "The {kind} resource with ref_id [{ref_id}] was not found in deployment [{}]; its Elasticsearch ref_id is [{}]",
            d.id, d.es_ref_id
        ),
        vec!["ref_id".into()],
    )
}
