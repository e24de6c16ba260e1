//! Reading API answers: pure functions over a status, the body text and the
//! headers. They never panic; a body that is not what the API documents gives
//! a [`ParseError`] that says what was expected.
//!
//! Secrets: keystore values are never kept (the API redacts them, and a value
//! that slipped through is dropped), and a login token is redacted in `Debug`.

use super::time;
use crate::model::Platform;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// Case-insensitive header lookup.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A body that is not what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParseError {
    pub message: String,
}

impl ParseError {
    fn new(message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

fn parse_json(body: &str, what: &str) -> Result<Value, ParseError> {
    if body.trim().is_empty() {
        return Err(ParseError::new(format!(
            "expected {what}, got an empty body"
        )));
    }
    crate::json::read_value(body).map_err(|e| {
        ParseError::new(format!(
            "expected {what}, got a body that is not JSON ({e}): {}",
            snippet(body)
        ))
    })
}

/// The ECE proxy documents its answer as `GenericResponse` (`{"value": "<text>"}`);
/// when a body has that shape, the Elasticsearch answer is the inner text.
fn unwrap_generic(v: Value) -> Value {
    if let Value::Object(map) = &v {
        if map.len() == 1 {
            if let Some(Value::String(inner)) = map.get("value") {
                if let Ok(parsed) = crate::json::read_value(inner) {
                    return parsed;
                }
            }
        }
    }
    v
}

/// At most 200 characters of a body, on one line, for messages.
fn snippet(body: &str) -> String {
    let one_line: String = body
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = one_line.trim();
    if trimmed.chars().count() > 200 {
        format!("{}…", trimmed.chars().take(200).collect::<String>())
    } else {
        trimmed.to_string()
    }
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

// ---------------------------------------------------------------- errors

/// One element of a `BasicFailedReply` (or an Elasticsearch error, mapped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiErrorElement {
    /// e.g. `deployments.deployment_not_found`, or an Elasticsearch error type
    /// such as `repository_verification_exception`.
    pub code: String,
    pub message: String,
    /// The request fields the error is about.
    pub fields: Vec<String>,
    /// What to do about this code, when ecekit knows.
    pub hint: Option<&'static str>,
}

/// A failed answer, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    pub status: u16,
    /// The errors the body lists (empty when the body had none).
    pub errors: Vec<ApiErrorElement>,
    /// The `x-cloud-error-codes` header, when present.
    pub error_codes_header: Option<String>,
    /// When the body was not a documented error: a short excerpt of it.
    pub raw: Option<String>,
    pub explanation: StatusExplanation,
}

impl ApiError {
    /// Messages grouped by the request field they are about, in order.
    pub fn field_messages(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for e in &self.errors {
            for f in &e.fields {
                match out.iter_mut().find(|(name, _)| name == f) {
                    Some((_, msgs)) => msgs.push(e.message.clone()),
                    None => out.push((f.clone(), vec![e.message.clone()])),
                }
            }
        }
        out
    }

    /// Messages of the errors not tied to a field.
    pub fn general_messages(&self) -> Vec<String> {
        self.errors
            .iter()
            .filter(|e| e.fields.is_empty())
            .map(|e| format!("{} ({})", e.message, e.code))
            .collect()
    }

    /// One line: status, title and the first error.
    pub fn summary(&self) -> String {
        match self.errors.first() {
            Some(e) => format!(
                "{} {}: {} ({})",
                self.status, self.explanation.title, e.message, e.code
            ),
            None => match &self.raw {
                Some(raw) if !raw.is_empty() => {
                    format!("{} {}: {}", self.status, self.explanation.title, raw)
                }
                _ => format!("{} {}", self.status, self.explanation.title),
            },
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}

/// Parses a `BasicFailedReply` (`{"errors": [{"code", "message", "fields"?}]}`).
pub fn parse_basic_failed_reply(body: &str) -> Result<Vec<ApiErrorElement>, ParseError> {
    let v = parse_json(body, "a BasicFailedReply {\"errors\": [...]}")?;
    failed_reply_elements(&v)
}

fn failed_reply_elements(v: &Value) -> Result<Vec<ApiErrorElement>, ParseError> {
    let errors = v.get("errors").and_then(Value::as_array).ok_or_else(|| {
        ParseError::new(format!(
            "expected a BasicFailedReply with an \"errors\" array, got {}",
            describe_shape(v)
        ))
    })?;
    let mut out = Vec::new();
    for (i, e) in errors.iter().enumerate() {
        let code = str_field(e, "code")
            .ok_or_else(|| ParseError::new(format!("errors[{i}] has no \"code\" string")))?;
        let message = str_field(e, "message").unwrap_or_default();
        let fields = e
            .get("fields")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        out.push(ApiErrorElement {
            hint: code_hint(&code),
            code,
            message,
            fields,
        });
    }
    Ok(out)
}

/// An Elasticsearch error (`{"error": {"type", "reason", ...}, "status"}`),
/// as the proxy or an Elasticsearch endpoint returns it.
fn parse_es_error(v: &Value) -> Option<Vec<ApiErrorElement>> {
    let error = v.get("error")?;
    if let Some(text) = error.as_str() {
        return Some(vec![ApiErrorElement {
            code: "elasticsearch_error".to_string(),
            message: text.to_string(),
            fields: Vec::new(),
            hint: None,
        }]);
    }
    let code = str_field(error, "type")?;
    let mut message = str_field(error, "reason").unwrap_or_default();
    // The root cause often says more (e.g. the S3 "Access Denied").
    let cause = error.get("caused_by").and_then(|c| {
        Some((
            str_field(c, "type")?,
            str_field(c, "reason").unwrap_or_default(),
        ))
    });
    if let Some((ctype, creason)) = cause {
        message.push_str(&format!(" (caused by {ctype}: {creason})"));
    }
    Some(vec![ApiErrorElement {
        hint: code_hint(&code),
        code,
        message,
        fields: Vec::new(),
    }])
}

/// Explains a failed answer. Never fails: a body that is neither a
/// `BasicFailedReply` nor an Elasticsearch error is kept as an excerpt.
pub fn parse_error(
    status: u16,
    headers: &[(String, String)],
    body: &str,
    platform: Platform,
) -> ApiError {
    let mut errors = Vec::new();
    let mut raw = None;
    match crate::json::read_value(body).map(unwrap_generic) {
        Ok(v) if v.get("errors").is_some() => match failed_reply_elements(&v) {
            Ok(list) => errors = list,
            Err(_) => raw = Some(snippet(body)),
        },
        Ok(v) => match parse_es_error(&v) {
            Some(list) => errors = list,
            None => raw = Some(snippet(body)),
        },
        Err(_) => raw = Some(snippet(body)),
    }
    ApiError {
        status,
        errors,
        error_codes_header: header(headers, "x-cloud-error-codes").map(str::to_string),
        raw,
        explanation: explain_status(status, platform),
    }
}

/// `None` for a 2xx answer, the explained error otherwise.
pub fn failure(
    status: u16,
    headers: &[(String, String)],
    body: &str,
    platform: Platform,
) -> Option<ApiError> {
    if (200..300).contains(&status) {
        None
    } else {
        Some(parse_error(status, headers, body, platform))
    }
}

/// What to do about a known error code.
pub fn code_hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "root.unauthenticated" => "The API key or token was not accepted: check it is complete, not expired, and for this coordinator.",
        "root.unauthorized" => "The credentials are valid but not allowed here: check the user's role, or log in again if the token expired.",
        "root.unauthorized.rbac.elevated_permissions_required" | "root.needs_elevated_permissions" => "This ECE version needs elevated permissions for this call: POST /api/v1/users/auth/_elevate, then retry.",
        "deployments.deployment_not_found" => "No deployment has this id: use the 32-character deployment id (GET /api/v1/deployments), not its name or the Elasticsearch cluster id.",
        "deployments.deployment_resource_not_found" | "clusters.cluster_not_found" => "The deployment has no Elasticsearch resource with this ref_id: use the ref_id GET /api/v1/deployments lists (often main-elasticsearch), or _main.",
        "deployments.metadata_internal_error" => "ECE failed to read the deployment's metadata: retry later, and check the coordinator's logs if it persists.",
        "authc.no_authentication_cluster" => "ECE has no authentication cluster configured: log in with an API key instead.",
        "authc.authentication_cluster_error" => "ECE's authentication cluster failed: retry later, or use an API key.",
        "repository_verification_exception" => "Some node could not write to the repository: check the bucket name, the client credentials in the keystore of every node (reload secure settings), and the access policy.",
        "repository_exception" => "The repository settings were refused: check the type, bucket and client names.",
        "repository_missing_exception" => "No repository has this name: register it first (PUT _snapshot/<name>).",
        "security_exception" => "The Elasticsearch user or API key lacks the privilege: _snapshot and reload_secure_settings need the `manage` cluster privilege.",
        "illegal_argument_exception" => "Elasticsearch refused a setting: the reason names it.",
        "settings_exception" => "A setting is unknown or invalid: compare its name with the repository type's settings.",
        _ => return None,
    })
}

/// What a status means and what to check, for a platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusExplanation {
    pub status: u16,
    pub title: &'static str,
    /// Things to check, most likely first.
    pub checks: Vec<&'static str>,
    /// Whether retrying the same request may help (never retry a write blindly).
    pub retryable: bool,
}

/// Explains an HTTP status for requests to `platform`'s API
/// (`SelfManaged` = a plain Elasticsearch endpoint).
pub fn explain_status(status: u16, platform: Platform) -> StatusExplanation {
    use Platform::*;
    let (title, checks, retryable): (&'static str, Vec<&'static str>, bool) = match status {
        200..=299 => ("OK", vec![], false),
        400 => (
            "Bad request",
            vec![
                "The body does not match what the API expects: see the field errors, and validate the body with ecekit.",
                "The Content-Type header must be application/json for a JSON body.",
            ],
            false,
        ),
        401 => (
            "Unauthenticated",
            match platform {
                Ece => vec![
                    "ECE_API_KEY holds the whole key (no quotes or trailing newline) and the header reads `Authorization: ApiKey <key>`.",
                    "The key has not expired or been revoked (ECE keys expire after three months by default; see X-Elastic-Api-Key-Expiration).",
                    "A bearer token from _login is short-lived: log in again.",
                    "The key was created on this ECE installation (keys do not carry over between coordinators).",
                ],
                Ess => vec![
                    "EC_API_KEY is an Elastic Cloud API key (Cloud console > Organization > API keys), not an Elasticsearch API key.",
                    "The key has not expired or been deleted (see X-Elastic-Api-Key-Expiration).",
                ],
                SelfManaged => vec![
                    "ELASTIC_API_KEY is an Elasticsearch API key (the encoded form), not an ECE or Elastic Cloud API key.",
                    "The key has not expired or been invalidated.",
                ],
            },
            false,
        ),
        403 => (
            "Forbidden",
            match platform {
                Ece => vec![
                    "The key's user lacks the role for this call: keystore and proxy calls need Platform admin or a deployment manager role for this deployment.",
                    "Read-only users (Platform viewer, the `readonly` user) cannot change anything.",
                    "A proxy call needs the header X-Management-Request: true.",
                ],
                Ess => vec![
                    "The API key's role does not cover this deployment: it needs Admin or Editor on it (Organization > API keys).",
                ],
                SelfManaged => vec![
                    "The Elasticsearch user or API key lacks the privilege: _snapshot and _nodes/reload_secure_settings need the `manage` cluster privilege.",
                ],
            },
            false,
        ),
        404 => (
            "Not found",
            match platform {
                Ece | Ess => vec![
                    "The deployment id: 32 characters, from GET /api/v1/deployments or the Cloud UI URL (not the deployment name, not the Elasticsearch cluster id).",
                    "The ref_id: as GET /api/v1/deployments lists it (often main-elasticsearch), or _main.",
                    "The path: it starts with /api/v1; ECE 3.0 removed the /clusters/... API, and Elasticsearch calls go through .../proxy/.",
                    "For a repository call: the repository name (GET _snapshot lists them).",
                ],
                SelfManaged => vec![
                    "The repository name: GET _snapshot lists the registered repositories.",
                    "The endpoint URL: it is the Elasticsearch endpoint, not Kibana's or the Cloud API's.",
                ],
            },
            false,
        ),
        405 => (
            "Method not allowed",
            vec!["The method does not exist for this path: ecekit validate checks a curl command's method and path."],
            false,
        ),
        409 => (
            "Conflict",
            vec![
                "The resource changed since it was read, or a plan is still running on the deployment: wait for it to finish, read the current state, then retry.",
            ],
            false,
        ),
        412 => (
            "Precondition failed",
            vec!["A version given with the request no longer matches: read the current version and retry."],
            false,
        ),
        429 => (
            "Too many requests",
            vec!["Slow down and retry after the delay the Retry-After header gives."],
            true,
        ),
        449 => (
            "Elevated permissions required",
            vec![
                "This ECE version asks for elevated permissions on changes: POST /api/v1/users/auth/_elevate with the same credentials, then retry.",
            ],
            false,
        ),
        500 => (
            "Server error",
            match platform {
                Ece => vec![
                    "For a proxy call the body holds Elasticsearch's own error (e.g. repository_verification_exception): read its reason.",
                    "Check the deployment is healthy in the Cloud UI.",
                    "For a write: read the state back before retrying, it may have been applied.",
                ],
                Ess => vec![
                    "Check the deployment is healthy in the Cloud console, and retry a read later.",
                    "For a write: read the state back before retrying, it may have been applied.",
                ],
                SelfManaged => vec![
                    "Read Elasticsearch's error in the body (e.g. repository_verification_exception: a node could not reach the bucket).",
                    "For a write: read the state back before retrying, it may have been applied.",
                ],
            },
            false,
        ),
        501 => (
            "Not implemented",
            vec!["This installation does not support the call (e.g. login with no authentication cluster): use an API key."],
            false,
        ),
        502..=504 => (
            "Unavailable",
            vec![
                "The coordinator or the deployment did not answer in time: check the deployment is running and healthy.",
                "Retry a read after a while; for a write, read the state back first.",
            ],
            true,
        ),
        505..=599 => (
            "Server error",
            vec!["Retry a read later; for a write, read the state back first."],
            true,
        ),
        _ => ("Unexpected status", vec!["See the body for details."], false),
    };
    StatusExplanation {
        status,
        title,
        checks,
        retryable,
    }
}

// ---------------------------------------------------------------- keystore

/// One keystore entry as GET returns it: the name and `as_file`, never a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeystoreKey {
    pub name: String,
    pub as_file: Option<bool>,
}

/// Parses `KeystoreContents` (`{"secrets": {NAME: {"as_file": bool, "value"?}}}`),
/// the answer of the keystore GET and PATCH. Values are dropped unread.
pub fn parse_keystore_contents(body: &str) -> Result<Vec<KeystoreKey>, ParseError> {
    let v = parse_json(body, "KeystoreContents {\"secrets\": {...}}")?;
    let secrets = v.get("secrets").and_then(Value::as_object).ok_or_else(|| {
        ParseError::new(format!(
            "expected KeystoreContents with a \"secrets\" object, got: {}",
            describe_shape(&v)
        ))
    })?;
    let mut keys: Vec<KeystoreKey> = secrets
        .iter()
        .map(|(name, entry)| KeystoreKey {
            name: name.clone(),
            as_file: entry.get("as_file").and_then(Value::as_bool),
        })
        .collect();
    crate::sort::sort_by(&mut keys, |a, b| a.name.cmp(&b.name));
    Ok(keys)
}

/// A body's shape without its content (for error messages about bodies that
/// might hold secrets).
fn describe_shape(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).take(8).collect();
            format!("an object with keys {keys:?}")
        }
        Value::Array(a) => format!("an array of {} items", a.len()),
        Value::String(_) => "a string".to_string(),
        Value::Number(_) => "a number".to_string(),
        Value::Bool(_) => "a boolean".to_string(),
        Value::Null => "null".to_string(),
    }
}

// ---------------------------------------------------------------- deployments

/// An Elasticsearch resource of a deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EsResource {
    pub ref_id: String,
    /// The resource (Elasticsearch cluster) id.
    pub id: String,
    pub region: Option<String>,
    pub cloud_id: Option<String>,
}

/// One deployment of `GET /deployments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeploymentSummary {
    pub id: String,
    pub name: String,
    /// Its Elasticsearch resources (`kind == "elasticsearch"`).
    pub elasticsearch: Vec<EsResource>,
}

/// Parses `DeploymentsListResponse` (`{"deployments": [{id, name, resources}]}`).
pub fn parse_deployments_list(body: &str) -> Result<Vec<DeploymentSummary>, ParseError> {
    let v = parse_json(body, "DeploymentsListResponse {\"deployments\": [...]}")?;
    let list = v
        .get("deployments")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ParseError::new(format!(
                "expected DeploymentsListResponse with a \"deployments\" array, got {}",
                describe_shape(&v)
            ))
        })?;
    let mut out = Vec::new();
    for (i, d) in list.iter().enumerate() {
        let id = str_field(d, "id")
            .ok_or_else(|| ParseError::new(format!("deployments[{i}] has no \"id\" string")))?;
        let name = str_field(d, "name").unwrap_or_default();
        let resources = d
            .get("resources")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let elasticsearch = resources
            .iter()
            .filter(|r| r.get("kind").and_then(Value::as_str) == Some("elasticsearch"))
            .filter_map(|r| {
                Some(EsResource {
                    ref_id: str_field(r, "ref_id")?,
                    id: str_field(r, "id").unwrap_or_default(),
                    region: str_field(r, "region"),
                    cloud_id: str_field(r, "cloud_id"),
                })
            })
            .collect();
        out.push(DeploymentSummary {
            id,
            name,
            elasticsearch,
        });
    }
    Ok(out)
}

/// An Elasticsearch resource of `GET /deployments/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EsResourceDetails {
    pub ref_id: String,
    pub id: String,
    pub region: Option<String>,
    pub healthy: Option<bool>,
    pub status: Option<String>,
    /// The Elasticsearch endpoint URL (`info.metadata.service_url`, or built
    /// from `endpoint` and the HTTPS port).
    pub url: Option<String>,
}

/// The parts of `DeploymentGetResponse` ecekit uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeploymentDetails {
    pub id: String,
    pub name: String,
    pub healthy: Option<bool>,
    pub elasticsearch: Vec<EsResourceDetails>,
}

/// Parses `DeploymentGetResponse`.
pub fn parse_deployment(body: &str) -> Result<DeploymentDetails, ParseError> {
    let v = parse_json(body, "DeploymentGetResponse")?;
    let id = str_field(&v, "id").ok_or_else(|| {
        ParseError::new(format!(
            "expected DeploymentGetResponse with an \"id\", got {}",
            describe_shape(&v)
        ))
    })?;
    let es = v
        .pointer("/resources/elasticsearch")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let elasticsearch = es
        .iter()
        .filter_map(|r| {
            let info = r.get("info").unwrap_or(&Value::Null);
            let meta = info.get("metadata").unwrap_or(&Value::Null);
            let url = str_field(meta, "service_url").or_else(|| {
                let host = str_field(meta, "endpoint")?;
                let port = meta.pointer("/ports/https").and_then(Value::as_u64);
                Some(match port {
                    Some(p) => format!("https://{host}:{p}"),
                    None => format!("https://{host}"),
                })
            });
            Some(EsResourceDetails {
                ref_id: str_field(r, "ref_id")?,
                id: str_field(r, "id").unwrap_or_default(),
                region: str_field(r, "region"),
                healthy: info.get("healthy").and_then(Value::as_bool),
                status: str_field(info, "status"),
                url,
            })
        })
        .collect();
    Ok(DeploymentDetails {
        id,
        name: str_field(&v, "name").unwrap_or_default(),
        healthy: v.get("healthy").and_then(Value::as_bool),
        elasticsearch,
    })
}

// ---------------------------------------------------------------- login

/// `TokenResponse` of `POST /users/auth/_login` (and `_refresh`).
/// `Debug` does not show the token.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenResponse {
    /// The bearer token: a secret.
    pub token: String,
    /// As sent (RFC 3339).
    pub session_expiration_time: String,
    /// The same in Unix seconds, when it parses.
    pub expires_at: Option<i64>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token", &"<redacted>")
            .field("session_expiration_time", &self.session_expiration_time)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl TokenResponse {
    /// Seconds left before the session expires (negative: expired).
    pub fn seconds_left(&self, now_unix: i64) -> Option<i64> {
        self.expires_at.map(|t| t - now_unix)
    }
}

/// Parses `TokenResponse` (`{"token", "session_expiration_time"}`). Error
/// messages never include the body (it holds the token).
pub fn parse_token_response(body: &str) -> Result<TokenResponse, ParseError> {
    let v: Value = crate::json::read_value(body).map_err(|_| {
        ParseError::new("expected TokenResponse {\"token\", \"session_expiration_time\"}, got a body that is not JSON")
    })?;
    let token = str_field(&v, "token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ParseError::new(format!(
                "expected TokenResponse with a \"token\" string, got {}",
                describe_shape(&v)
            ))
        })?;
    let session_expiration_time = str_field(&v, "session_expiration_time").ok_or_else(|| {
        ParseError::new("TokenResponse has no \"session_expiration_time\" string")
    })?;
    let expires_at = time::parse_timestamp(&session_expiration_time);
    Ok(TokenResponse {
        token,
        session_expiration_time,
        expires_at,
    })
}

// ---------------------------------------------------------------- Elasticsearch

/// A node that verified a repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifiedNode {
    pub id: String,
    pub name: String,
}

/// Parses the answer of `POST _snapshot/<name>/_verify`
/// (`{"nodes": {ID: {"name": ...}}}`), directly or wrapped by the ECE proxy.
pub fn parse_verify_response(body: &str) -> Result<Vec<VerifiedNode>, ParseError> {
    let v = unwrap_generic(parse_json(body, "a _verify answer {\"nodes\": {...}}")?);
    let nodes = v.get("nodes").and_then(Value::as_object).ok_or_else(|| {
        ParseError::new(format!(
            "expected a _verify answer with a \"nodes\" object, got: {}",
            snippet(body)
        ))
    })?;
    let mut out: Vec<VerifiedNode> = nodes
        .iter()
        .map(|(id, n)| VerifiedNode {
            id: id.clone(),
            name: str_field(n, "name").unwrap_or_default(),
        })
        .collect();
    crate::sort::sort_by(&mut out, |a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// A node's `reload_exception`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReloadException {
    pub kind: String,
    pub reason: String,
}

/// One node of a reload_secure_settings answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeReload {
    pub id: String,
    pub name: String,
    pub exception: Option<ReloadException>,
}

/// The answer of `POST _nodes/reload_secure_settings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReloadReport {
    pub cluster_name: Option<String>,
    pub total: Option<u64>,
    pub successful: Option<u64>,
    pub failed: Option<u64>,
    pub nodes: Vec<NodeReload>,
}

impl ReloadReport {
    /// True when no node failed and none reported a `reload_exception`.
    pub fn ok(&self) -> bool {
        self.failed.unwrap_or(0) == 0 && self.nodes.iter().all(|n| n.exception.is_none())
    }

    /// The nodes that reported a `reload_exception`.
    pub fn failed_nodes(&self) -> Vec<&NodeReload> {
        self.nodes
            .iter()
            .filter(|n| n.exception.is_some())
            .collect()
    }
}

/// Parses the answer of `POST _nodes/reload_secure_settings`
/// (`{"_nodes": {total, successful, failed}, "cluster_name", "nodes": {ID: {name, reload_exception?}}}`).
pub fn parse_reload_response(body: &str) -> Result<ReloadReport, ParseError> {
    let v = unwrap_generic(parse_json(body, "a reload_secure_settings answer")?);
    let nodes = v.get("nodes").and_then(Value::as_object).ok_or_else(|| {
        ParseError::new(format!(
            "expected a reload_secure_settings answer with a \"nodes\" object, got: {}",
            snippet(body)
        ))
    })?;
    let counts = v.get("_nodes");
    let count = |k: &str| counts.and_then(|c| c.get(k)).and_then(Value::as_u64);
    let mut out: Vec<NodeReload> = nodes
        .iter()
        .map(|(id, n)| NodeReload {
            id: id.clone(),
            name: str_field(n, "name").unwrap_or_default(),
            exception: n.get("reload_exception").filter(|e| !e.is_null()).map(|e| {
                ReloadException {
                    kind: str_field(e, "type").unwrap_or_else(|| "exception".to_string()),
                    reason: str_field(e, "reason").unwrap_or_else(|| e.to_string()),
                }
            }),
        })
        .collect();
    crate::sort::sort_by(&mut out, |a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(ReloadReport {
        cluster_name: str_field(&v, "cluster_name"),
        total: count("total"),
        successful: count("successful"),
        failed: count("failed"),
        nodes: out,
    })
}

// ---------------------------------------------------------------- key expiry

/// The header that tells an API key's expiry.
pub const API_KEY_EXPIRATION_HEADER: &str = "X-Elastic-Api-Key-Expiration";
/// Warn when a key expires in less than this many days.
pub const EXPIRY_WARNING_DAYS: i64 = 14;

/// An API key's expiry relative to "now".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyExpiry {
    /// Unix seconds.
    pub expires_at: i64,
    /// RFC 3339, UTC.
    pub expires_at_text: String,
    pub seconds_left: i64,
    /// Whole days left (0 on the last day; negative once expired).
    pub days_left: i64,
    /// Less than [`EXPIRY_WARNING_DAYS`] left (or expired).
    pub warn: bool,
    pub expired: bool,
}

impl KeyExpiry {
    /// "expires in 42 days (2025-07-01T00:00:00Z)" and the like.
    pub fn message(&self) -> String {
        let when = &self.expires_at_text;
        if self.expired {
            return format!("the API key expired on {when}: create a new one");
        }
        let left = if self.days_left >= 2 {
            format!("in {} days", self.days_left)
        } else if self.seconds_left >= 86_400 {
            "in 1 day".to_string()
        } else if self.seconds_left >= 7200 {
            format!("in {} hours", self.seconds_left / 3600)
        } else {
            format!("in {} minutes", (self.seconds_left / 60).max(1))
        };
        if self.warn {
            format!("the API key expires {left} ({when}): create a new one before then")
        } else {
            format!("the API key expires {left} ({when})")
        }
    }
}

/// Reads an `X-Elastic-Api-Key-Expiration` value (RFC 3339, an HTTP date, or
/// epoch seconds / milliseconds) relative to `now_unix` (seconds).
pub fn parse_api_key_expiration(value: &str, now_unix: i64) -> Result<KeyExpiry, ParseError> {
    let expires_at = time::parse_timestamp(value).ok_or_else(|| {
        ParseError::new(format!(
            "{API_KEY_EXPIRATION_HEADER} is not a date: {:?}",
            snippet(value)
        ))
    })?;
    let seconds_left = expires_at - now_unix;
    Ok(KeyExpiry {
        expires_at,
        expires_at_text: time::format_rfc3339(expires_at),
        seconds_left,
        days_left: seconds_left.div_euclid(86_400),
        warn: seconds_left < EXPIRY_WARNING_DAYS * 86_400,
        expired: seconds_left <= 0,
    })
}

/// The key expiry from response headers, when the header is there.
pub fn api_key_expiration(
    headers: &[(String, String)],
    now_unix: i64,
) -> Option<Result<KeyExpiry, ParseError>> {
    header(headers, API_KEY_EXPIRATION_HEADER).map(|v| parse_api_key_expiration(v, now_unix))
}
