//! The coordinator: routing, authentication, the ECE endpoints, error replies
//! and fault injection. Transport-free: `App` is a [`Handler`] that maps a
//! parsed request to an [`Outcome`] (with `--latency` and the fault hooks
//! decided here, in one place); `server` does the sockets.
//!
//! Error codes come from the spec data (`data/ece-api-subset.json`) where the
//! spec has one for the operation and status. Where it has none, the codes
//! below are used; each says where it comes from.

use crate::es;
use crate::http::{Handler, Outcome, Reply, Request};
use crate::spec::spec;
use crate::state::{
    deployment_fault, Deployment, Fault, QueuedFault, Secret, State, ES_VERSION, REGION,
};
use crate::util::{now_unix, random_token, rfc3339, same_secret, sha256_hex};
use crate::Config;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::sync::Mutex;
use std::time::Duration;

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
/// The header that injects a fault into one request: `error`, `drop`, `hang`
/// or `delay=MS`.
pub const FAULT_HEADER: &str = "X-Simulator-Fault";

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
    let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    let mut seen = Vec::new();
    for c in &codes {
        if !seen.contains(c) {
            seen.push(*c);
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
fn spec_code(operation: &str, status: u16, fallback: &str) -> String {
    spec()
        .error_codes(operation, status)
        .first()
        .map(|s| s.to_string())
        .unwrap_or_else(|| fallback.to_string())
}

#[derive(Debug, Clone, PartialEq)]
enum Route {
    Login,
    Refresh,
    ListDeployments,
    GetDeployment(String),
    Keystore {
        deployment: String,
        ref_id: String,
        patch: bool,
    },
    Proxy {
        deployment: String,
        kind: String,
        ref_id: String,
        path: Vec<String>,
    },
    PlatformRepositories,
    PlatformRepository {
        name: String,
        put: bool,
    },
}

impl Route {
    fn operation(&self, method: &str) -> &'static str {
        match self {
            Route::Login => "login",
            Route::Refresh => "refresh-token",
            Route::ListDeployments => "list-deployments",
            Route::GetDeployment(_) => "get-deployment",
            Route::Keystore { patch: false, .. } => "get-deployment-es-resource-keystore",
            Route::Keystore { patch: true, .. } => "set-deployment-es-resource-keystore",
            Route::Proxy { .. } => match method {
                "POST" => "post-deployment-resource-proxy-requests",
                "PUT" => "put-deployment-resource-proxy-requests",
                "DELETE" => "delete-deployment-resource-proxy-requests",
                _ => "get-deployment-resource-proxy-requests",
            },
            Route::PlatformRepositories => "get-snapshot-repositories",
            Route::PlatformRepository { put: false, .. } => "get-snapshot-repository",
            Route::PlatformRepository { put: true, .. } => "set-snapshot-repository",
        }
    }

    fn deployment(&self) -> Option<&str> {
        match self {
            Route::GetDeployment(d)
            | Route::Keystore { deployment: d, .. }
            | Route::Proxy { deployment: d, .. } => Some(d),
            _ => None,
        }
    }
}

/// Maps method + decoded segments (after `/api/v1`) to a route; `Err(allowed)`
/// names the methods of a known path, `Err("")` an unknown path.
fn route(method: &str, s: &[String]) -> Result<Route, &'static str> {
    let seg: Vec<&str> = s.iter().map(String::as_str).collect();
    let m = method;
    match seg.as_slice() {
        ["users", "auth", "_login"] => (m == "POST").then_some(Route::Login).ok_or("POST"),
        ["users", "auth", "_refresh"] => (m == "POST").then_some(Route::Refresh).ok_or("POST"),
        ["deployments"] => (m == "GET").then_some(Route::ListDeployments).ok_or("GET"),
        ["deployments", id] => (m == "GET")
            .then(|| Route::GetDeployment(id.to_string()))
            .ok_or("GET"),
        ["deployments", id, "elasticsearch", ref_id, "keystore"] => match m {
            "GET" | "PATCH" => Ok(Route::Keystore {
                deployment: id.to_string(),
                ref_id: ref_id.to_string(),
                patch: m == "PATCH",
            }),
            _ => Err("GET, PATCH"),
        },
        ["deployments", id, kind, ref_id, "proxy", rest @ ..] => match m {
            "GET" | "POST" | "PUT" | "DELETE" => Ok(Route::Proxy {
                deployment: id.to_string(),
                kind: kind.to_string(),
                ref_id: ref_id.to_string(),
                path: rest.iter().map(|x| x.to_string()).collect(),
            }),
            _ => Err("GET, POST, PUT, DELETE"),
        },
        ["platform", "configuration", "snapshots", "repositories"] => (m == "GET")
            .then_some(Route::PlatformRepositories)
            .ok_or("GET"),
        ["platform", "configuration", "snapshots", "repositories", name] => match m {
            "GET" | "PUT" => Ok(Route::PlatformRepository {
                name: name.to_string(),
                put: m == "PUT",
            }),
            _ => Err("GET, PUT"),
        },
        _ => Err(""),
    }
}

/// The coordinator's state and settings, shared by all connections.
pub struct App {
    config: Config,
    key_expires_at: i64,
    state: Mutex<State>,
}

impl App {
    pub fn new(config: Config) -> App {
        let key_expires_at = now_unix() + config.key_expires_in_days * 86_400;
        let state = Mutex::new(State::new(config.seed, config.fault_deployments));
        App {
            config,
            key_expires_at,
            state,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic in one handler must not stop the others.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every answer to a request carrying the API key (valid or expired)
    /// says when the key expires, as ECE and Elastic Cloud do.
    fn key_header(&self, req: &Request, reply: Reply) -> Reply {
        let carries_key = req
            .header("Authorization")
            .and_then(|h| h.trim().split_once(' '))
            .is_some_and(|(scheme, key)| {
                scheme.eq_ignore_ascii_case("apikey")
                    && same_secret(key.trim(), &self.config.api_key)
            });
        if carries_key {
            reply.header("X-Elastic-Api-Key-Expiration", rfc3339(self.key_expires_at))
        } else {
            reply
        }
    }

    fn with_cors(&self, reply: Reply) -> Reply {
        match &self.config.cors_origin {
            Some(origin) => reply
                .header("Access-Control-Allow-Origin", origin.clone())
                .header(
                    "Access-Control-Expose-Headers",
                    "X-Elastic-Api-Key-Expiration, x-cloud-error-codes",
                )
                .header("Vary", "Origin"),
            None => reply,
        }
    }

    fn handle_inner(&self, req: &Request) -> Outcome {
        let now = |reply| Outcome::Reply {
            reply,
            delay: Duration::ZERO,
        };
        let path = req.path().to_string();
        if req.method == "OPTIONS" && self.config.cors_origin.is_some() {
            return now(Reply {
                status: 204,
                headers: vec![
                    (
                        "Access-Control-Allow-Methods".into(),
                        "GET, POST, PUT, PATCH, DELETE".into(),
                    ),
                    (
                        "Access-Control-Allow-Headers".into(),
                        "Authorization, Content-Type, X-Management-Request".into(),
                    ),
                    ("Access-Control-Max-Age".into(), "600".into()),
                ],
                body: Vec::new(),
            });
        }
        if let Some(rest) = path.strip_prefix("/__simulator/") {
            return now(self.control(req, rest));
        }
        let api = match path.strip_prefix("/api/v1") {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
            _ => {
                return now(failed(
                    404,
                    CODE_NOT_FOUND,
                    &format!("No such path: the ECE API lives under /api/v1 (got {path})"),
                    vec![],
                ))
            }
        };
        // Decoded segments, split again on '/': generated clients send the
        // `{proxy_path}` parameter with its slashes encoded (`_snapshot%2Frepo`).
        let segments: Vec<String> = api
            .split('/')
            .map(|s| crate::util::percent_decode(s, false))
            .flat_map(|s| s.split('/').map(str::to_string).collect::<Vec<_>>())
            .filter(|s| !s.is_empty())
            .collect();
        let route = match route(&req.method, &segments) {
            Ok(r) => r,
            Err("") => {
                return now(failed(
                    404,
                    CODE_NOT_FOUND,
                    &format!("The simulated ECE API has no path /api/v1{api}"),
                    vec![],
                ))
            }
            Err(allowed) => {
                return now(failed(
                    405,
                    CODE_METHOD_NOT_ALLOWED,
                    &format!(
                        "{} is not allowed on /api/v1{api}; allowed: {allowed}",
                        req.method
                    ),
                    vec![],
                )
                .header("Allow", allowed))
            }
        };
        let operation = route.operation(&req.method);

        // Fault injection: header, then queued faults, then fault deployments.
        let mut delay = Duration::ZERO;
        let fault = req
            .header(FAULT_HEADER)
            .and_then(Fault::parse)
            .or_else(|| self.lock().take_queued_fault(&req.method, &path))
            .or_else(|| route.deployment().and_then(deployment_fault));
        match fault {
            Some(Fault::Drop) => {
                return Outcome::Drop {
                    delay: Duration::ZERO,
                }
            }
            Some(Fault::Hang) => {
                return Outcome::Hang {
                    hold: self.config.hang,
                }
            }
            Some(Fault::Error) => {
                return now(failed(
                    500,
                    &spec_code(operation, 500, CODE_INTERNAL),
                    "We have failed you. (fault injected by the ecekit simulator)",
                    vec![],
                ))
            }
            Some(Fault::Delay(ms)) => delay = Duration::from_millis(ms),
            None => {}
        }

        if !matches!(route, Route::Login | Route::Refresh) {
            if let Err(reply) = self.authenticate(req) {
                return Outcome::Reply { reply, delay };
            }
        }

        if self.config.fail_rate > 0.0 {
            let draw = self.lock().rng.next_f64();
            if draw < self.config.fail_rate {
                let reply = failed(
                    500,
                    &spec_code(operation, 500, CODE_INTERNAL),
                    "We have failed you. (random failure: --fail-rate)",
                    vec![],
                );
                return Outcome::Reply { reply, delay };
            }
        }

        let reply = self.dispatch(req, &route, operation);
        Outcome::Reply { reply, delay }
    }

    fn unauthenticated(message: &str) -> Reply {
        failed(401, "root.unauthenticated", message, vec![])
    }

    fn authenticate(&self, req: &Request) -> Result<(), Reply> {
        let Some(value) = req.header("Authorization") else {
            return Err(Self::unauthenticated(
                "The request has no Authorization header: send `Authorization: ApiKey <key>` or `Authorization: Bearer <token>`",
            ));
        };
        let (scheme, credential) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
        let credential = credential.trim();
        match scheme.to_ascii_lowercase().as_str() {
            "apikey" => {
                if !same_secret(credential, &self.config.api_key) {
                    Err(Self::unauthenticated("The supplied API key is not valid"))
                } else if now_unix() >= self.key_expires_at {
                    Err(Self::unauthenticated(
                        "The supplied API key has expired: create a new one",
                    ))
                } else {
                    Ok(())
                }
            }
            "bearer" => match self.lock().tokens.get(credential) {
                Some(exp) if *exp > now_unix() => Ok(()),
                Some(_) => Err(Self::unauthenticated(
                    "The bearer token has expired: log in again (POST /api/v1/users/auth/_login)",
                )),
                None => Err(Self::unauthenticated(
                    "The supplied bearer token is not valid",
                )),
            },
            "basic" => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(credential)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .unwrap_or_default();
                match decoded.split_once(':') {
                    Some(("admin", pw)) if same_secret(pw, &self.config.password) => Ok(()),
                    _ => Err(Self::unauthenticated(
                        "The supplied username or password is not valid",
                    )),
                }
            }
            _ => Err(Self::unauthenticated(
                "Unsupported Authorization scheme: use `ApiKey <key>` or `Bearer <token>`",
            )),
        }
    }

    /// Parses and validates a JSON body against a spec definition.
    fn body(&self, req: &Request, definition: &str) -> Result<Value, Reply> {
        let text = String::from_utf8_lossy(&req.body);
        if text.trim().is_empty() {
            return Err(failed(
                400,
                CODE_INVALID_JSON,
                &format!("The request body is empty: expected a {definition} JSON object"),
                vec![],
            ));
        }
        let value: Value = serde_json::from_str(&text).map_err(|e| {
            failed(
                400,
                CODE_INVALID_JSON,
                &format!(
                    "The request body is not valid JSON ({e}): expected a {definition} JSON object"
                ),
                vec![],
            )
        })?;
        let violations = spec().validate(definition, &value);
        if violations.is_empty() {
            return Ok(value);
        }
        Err(failed_many(
            400,
            violations
                .into_iter()
                .map(|v| ApiError {
                    code: CODE_INVALID_JSON.into(),
                    message: format!(
                        "JSON request does not comply with schema {definition}: {}",
                        v.message
                    ),
                    fields: vec![v.field],
                })
                .collect(),
        ))
    }

    fn dispatch(&self, req: &Request, route: &Route, operation: &str) -> Reply {
        match route {
            Route::Login => self.login(req),
            Route::Refresh => self.refresh(req),
            Route::ListDeployments => {
                let st = self.lock();
                let list: Vec<Value> = st
                    .deployments
                    .iter()
                    .filter(|d| d.listed)
                    .map(listing)
                    .collect();
                Reply::json(200, &json!({ "deployments": list }))
            }
            Route::GetDeployment(id) => match self.lock().deployment(id) {
                Some(d) => Reply::json(200, &deployment_info(d)),
                None => deployment_not_found(operation, id),
            },
            Route::Keystore {
                deployment,
                ref_id,
                patch,
            } => self.keystore(req, operation, deployment, ref_id, *patch),
            Route::Proxy {
                deployment,
                kind,
                ref_id,
                path,
            } => self.proxy(req, operation, deployment, kind, ref_id, path),
            Route::PlatformRepositories => {
                let st = self.lock();
                let configs: Vec<Value> = st
                    .platform_repositories
                    .iter()
                    .map(|(name, body)| json!({"repository_name": name, "config": body}))
                    .collect();
                Reply::json(200, &json!({ "configs": configs }))
            }
            Route::PlatformRepository { name, put: false } => {
                match self.lock().platform_repositories.get(name) {
                    Some(body) => {
                        Reply::json(200, &json!({"repository_name": name, "config": body}))
                    }
                    None => failed(
                        404,
                        CODE_NOT_FOUND,
                        &format!("The snapshot repository [{name}] was not found"),
                        vec!["repository_name".into()],
                    ),
                }
            }
            Route::PlatformRepository { name, put: true } => {
                let body = match self.body(req, "SnapshotRepositoryConfiguration") {
                    Ok(b) => b,
                    Err(r) => return r,
                };
                self.lock()
                    .platform_repositories
                    .insert(name.clone(), body.clone());
                Reply::json(200, &json!({"repository_name": name, "config": body}))
            }
        }
    }

    fn new_token(&self) -> (String, i64) {
        let b64 =
            |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let now = now_unix();
        let exp = now + self.config.token_ttl.as_secs().max(1) as i64;
        let token = format!(
            "{}.{}.{}",
            b64(&json!({"alg": "HS256", "typ": "JWT"})),
            b64(&json!({"sub": "admin", "iss": "ecekit-simulator", "iat": now, "exp": exp})),
            random_token(32)
        );
        let mut st = self.lock();
        st.tokens.retain(|_, e| *e > now);
        st.tokens.insert(token.clone(), exp);
        (token, exp)
    }

    fn login(&self, req: &Request) -> Reply {
        let body = match self.body(req, "LoginRequest") {
            Ok(b) => b,
            Err(r) => return r,
        };
        let user = body["username"].as_str().unwrap_or("");
        let password = body["password"].as_str().unwrap_or("");
        if user != "admin" || !same_secret(password, &self.config.password) {
            return failed(
                401,
                &spec_code("login", 401, "root.unauthenticated"),
                "The supplied authentication is invalid: wrong username or password",
                vec![],
            );
        }
        let (token, exp) = self.new_token();
        if let Some(path) = body["login_state"]["path"].as_str() {
            let location = format!("/sso/token#{token}?state={path}");
            return Reply::json(302, &json!({})).header("Location", location);
        }
        Reply::json(
            200,
            &json!({"token": token, "session_expiration_time": rfc3339(exp)}),
        )
    }

    fn refresh(&self, req: &Request) -> Reply {
        let code = spec_code("refresh-token", 401, "root.unauthorized");
        let token = req
            .header("Authorization")
            .and_then(|h| h.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim().to_string());
        let Some(token) = token else {
            return failed(
                401,
                &code,
                "Refreshing needs a bearer token: send `Authorization: Bearer <token>` from POST /api/v1/users/auth/_login",
                vec![],
            );
        };
        let valid = self
            .lock()
            .tokens
            .get(&token)
            .is_some_and(|exp| *exp > now_unix());
        if !valid {
            return failed(
                401,
                &code,
                "The authentication token is invalid or expired: log in again",
                vec![],
            );
        }
        let (token, exp) = self.new_token();
        Reply::json(
            200,
            &json!({"token": token, "session_expiration_time": rfc3339(exp)}),
        )
    }

    fn keystore(
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
        let mut st = self.lock();
        let Some(d) = st.deployment_mut(id) else {
            return deployment_not_found(operation, id);
        };
        if ref_id != d.es.ref_id && ref_id != "_main" {
            return resource_not_found(operation, "elasticsearch", ref_id, d);
        }
        if let Some(body) = body {
            if let Some(secrets) = body["secrets"].as_object() {
                for (name, entry) in secrets {
                    match entry.get("value").filter(|v| !v.is_null()) {
                        Some(value) => {
                            let as_file = entry
                                .get("as_file")
                                .and_then(Value::as_bool)
                                .unwrap_or(value.is_object());
                            d.es.keystore.insert(
                                name.clone(),
                                Secret {
                                    value: value.clone(),
                                    as_file,
                                },
                            );
                        }
                        None => {
                            d.es.keystore.remove(name);
                        }
                    }
                }
            }
        }
        let redacted: Map<String, Value> =
            d.es.keystore
                .iter()
                .map(|(k, s)| (k.clone(), json!({"as_file": s.as_file})))
                .collect();
        Reply::json(200, &json!({ "secrets": redacted }))
    }

    fn proxy(
        &self,
        req: &Request,
        operation: &str,
        id: &str,
        kind: &str,
        ref_id: &str,
        path: &[String],
    ) -> Reply {
        for header in spec().required_headers(operation) {
            if !req
                .header(header)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
            {
                return failed(
                    400,
                    CODE_MISSING_MANAGEMENT_HEADER,
                    &format!(
                        "The proxy needs the `{header}: true` HTTP header (the spec: \"You must specify the `{header}` HTTP header with value `true`\")"
                    ),
                    vec![header.to_string()],
                );
            }
        }
        let mut st = self.lock();
        let Some(d) = st.deployment_mut(id) else {
            return deployment_not_found(operation, id);
        };
        let kinds = spec().path_enum(operation, "resource_kind");
        if !kinds.contains(&kind) {
            return failed(
                404,
                "deployments.deployment_resource_not_found",
                &format!(
                    "Unknown resource kind [{kind}]: expected one of {}",
                    kinds.join(", ")
                ),
                vec!["resource_kind".into()],
            );
        }
        match kind {
            "elasticsearch" if ref_id == d.es.ref_id || ref_id == "_main" => {
                let (status, body) =
                    es::handle(&mut d.es, &req.method, path, &req.query(), &req.body);
                Reply::json(status, &body)
            }
            "kibana" if ref_id == d.kibana_ref_id || ref_id == "_main" => failed(
                501,
                CODE_NOT_SIMULATED,
                "The ecekit simulator proxies only Elasticsearch resources",
                vec![],
            ),
            _ => resource_not_found(operation, kind, ref_id, d),
        }
    }

    /// `/__simulator/...`: fault queue and keystore digests, for tests.
    fn control(&self, req: &Request, rest: &str) -> Reply {
        if rest == "health" {
            return Reply::json(200, &json!({"ok": true}));
        }
        if let Err(r) = self.authenticate(req) {
            return r;
        }
        self.control_inner(req, rest)
    }

    fn control_inner(&self, req: &Request, rest: &str) -> Reply {
        let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        match (req.method.as_str(), segs.as_slice()) {
            ("POST", ["faults"]) => {
                let body: Value = match serde_json::from_slice(&req.body) {
                    Ok(v) => v,
                    Err(e) => return failed(400, CODE_INVALID_JSON, &format!("not JSON: {e}"), vec![]),
                };
                let Some(fault) = body["fault"].as_str().and_then(Fault::parse) else {
                    return failed(
                        400,
                        CODE_INVALID_JSON,
                        "fault must be \"error\", \"drop\", \"hang\" or \"delay=MS\"",
                        vec!["fault".into()],
                    );
                };
                let count = body["count"].as_u64().unwrap_or(1).min(10_000) as u32;
                let mut st = self.lock();
                st.queued_faults.push(QueuedFault {
                    fault,
                    remaining: count,
                    path_contains: body["path_contains"].as_str().unwrap_or("").to_string(),
                    method: body["method"].as_str().map(str::to_string),
                });
                let queued: u32 = st.queued_faults.iter().map(|q| q.remaining).sum();
                Reply::json(200, &json!({ "queued": queued }))
            }
            ("DELETE", ["faults"]) => {
                self.lock().queued_faults.clear();
                Reply::json(200, &json!({ "queued": 0 }))
            }
            ("GET", ["keystore", id, ref_id]) => {
                let st = self.lock();
                match st.deployment(id) {
                    Some(d) if *ref_id == d.es.ref_id || *ref_id == "_main" => {
                        let secrets: Map<String, Value> = d
                            .es
                            .keystore
                            .iter()
                            .map(|(k, s)| {
                                let bytes = s.stored_bytes();
                                (
                                    k.clone(),
                                    json!({
                                        "as_file": s.as_file,
                                        "sha256": sha256_hex(&bytes),
                                        "length": bytes.len(),
                                        "loaded": d.es.loaded.get(k) == Some(s),
                                    }),
                                )
                            })
                            .collect();
                        Reply::json(200, &json!({ "secrets": secrets }))
                    }
                    _ => failed(404, CODE_NOT_FOUND, "no such deployment or ref_id", vec![]),
                }
            }
            _ => failed(
                404,
                CODE_NOT_FOUND,
                "simulator control: POST|DELETE /__simulator/faults, GET /__simulator/keystore/{deployment_id}/{ref_id}, GET /__simulator/health",
                vec![],
            ),
        }
    }
}

/// `--latency` is added here, to every answer and dropped connection, so
/// the transport only carries out what it is told.
impl Handler for App {
    fn handle(&self, req: &Request) -> Outcome {
        let latency = self.config.latency;
        match self.handle_inner(req) {
            Outcome::Reply { reply, delay } => Outcome::Reply {
                reply: self.with_cors(self.key_header(req, reply)),
                delay: latency + delay,
            },
            Outcome::Drop { delay } => Outcome::Drop {
                delay: latency + delay,
            },
            hang @ Outcome::Hang { .. } => hang,
        }
    }

    fn refuse(&self, status: u16, message: &str) -> Reply {
        self.with_cors(failed(status, CODE_INVALID_REQUEST, message, vec![]))
    }
}

fn deployment_not_found(operation: &str, id: &str) -> Reply {
    failed(
        404,
        &spec_code(operation, 404, "deployments.deployment_not_found"),
        &format!("No Deployment with id [{id}] could be found"),
        vec!["deployment_id".into()],
    )
}

fn resource_not_found(operation: &str, kind: &str, ref_id: &str, d: &Deployment) -> Reply {
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
            d.id, d.es.ref_id
        ),
        vec!["ref_id".into()],
    )
}

fn cloud_id(d: &Deployment) -> String {
    let raw = format!("{REGION}.ece.local:9243${}${}", d.es.id, d.kibana_id);
    format!(
        "{}:{}",
        d.name,
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// `DeploymentsListingData`.
fn listing(d: &Deployment) -> Value {
    json!({
        "id": d.id,
        "name": d.name,
        "resources": [
            {
                "ref_id": d.es.ref_id,
                "id": d.es.id,
                "kind": "elasticsearch",
                "region": REGION,
                "cloud_id": cloud_id(d)
            },
            {
                "ref_id": d.kibana_ref_id,
                "elasticsearch_cluster_ref_id": d.es.ref_id,
                "id": d.kibana_id,
                "kind": "kibana",
                "region": REGION
            }
        ]
    })
}

/// `DeploymentGetResponse` (what `GET /deployments/{id}` answers without
/// `show_*` parameters: no plans, settings or security).
fn deployment_info(d: &Deployment) -> Value {
    let modified = "2025-01-15T09:30:00Z";
    let host = format!("{}.{REGION}.ece.local", d.es.id);
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
                    "zone": "ece-zone-1",
                    "service_version": ES_VERSION,
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
        "region": REGION,
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
        "metadata": {
            "version": 7,
            "last_modified": modified,
            "endpoint": host,
            "aliased_endpoint": format!("{}.{REGION}.ece.local", d.name),
            "service_url": format!("https://{host}:9243"),
            "aliased_url": format!("https://{}.{REGION}.ece.local:9243", d.name),
            "cloud_id": cloud_id(d),
            "ports": {"http": 9200, "https": 9243, "transport_passthrough": 9400}
        },
        "plan_info": {"healthy": true, "history": []},
        "snapshots": {"healthy": true, "count": 0, "recent_success": false},
        "topology": {"healthy": true, "instances": instances}
    });
    let kb_info = json!({
        "cluster_id": d.kibana_id,
        "cluster_name": d.name,
        "deployment_id": d.id,
        "healthy": true,
        "status": "started",
        "region": REGION,
        "elasticsearch_cluster": {"elasticsearch_id": d.es.id},
        "external_links": [],
        "metadata": {
            "version": 5,
            "last_modified": modified,
            "endpoint": format!("{}.{REGION}.ece.local", d.kibana_id),
            "service_url": format!("https://{}.{REGION}.ece.local:9243", d.kibana_id),
            "ports": {"http": 9200, "https": 9243, "transport_passthrough": 9400}
        },
        "plan_info": {"healthy": true, "history": []},
        "topology": {"healthy": true, "instances": []}
    });
    json!({
        "id": d.id,
        "name": d.name,
        "alias": d.name,
        "healthy": true,
        "resources": {
            "elasticsearch": [{"ref_id": d.es.ref_id, "id": d.es.id, "region": REGION, "info": es_info}],
            "kibana": [{
                "ref_id": d.kibana_ref_id,
                "elasticsearch_cluster_ref_id": d.es.ref_id,
                "id": d.kibana_id,
                "region": REGION,
                "info": kb_info
            }],
            "apm": [],
            "appsearch": [],
            "enterprise_search": [],
            "integrations_server": []
        },
        "metadata": {"last_modified": modified, "system_owned": false, "hidden": false}
    })
}

/// The JSON the simulator answers for `GET /deployments` and
/// `GET /deployments/{id}` on a fresh state (for the spec conformance test).
pub fn demo_responses() -> (Value, Vec<Value>) {
    let st = State::new(0, true);
    let list: Vec<Value> = st.deployments.iter().map(listing).collect();
    (
        json!({ "deployments": list }),
        st.deployments.iter().map(deployment_info).collect(),
    )
}
