//! The coordinator: routing, authentication, the ECE (or Elastic Cloud)
//! endpoints, error replies and fault injection. Transport-free: `App` is a
//! [`Handler`] that maps a parsed request to an [`Outcome`] (with
//! `--latency`, `--rate-limit` and the fault hooks decided here, in one
//! place); `server` does the sockets.

mod auth;
mod control;
mod info;
mod keystore;
mod proxy;
mod rate;
mod reply;
mod search;

pub use info::demo_responses;
pub use reply::{
    CODE_ELEVATED_PERMISSIONS, CODE_INTERNAL, CODE_INVALID_JSON, CODE_INVALID_REQUEST,
    CODE_METHOD_NOT_ALLOWED, CODE_MISSING_MANAGEMENT_HEADER, CODE_NOT_FOUND, CODE_NOT_SIMULATED,
    CODE_PROXY_TIMEOUT, CODE_RATE_LIMITED,
};

use crate::http::{Handler, Outcome, Reply, Request};
use crate::spec::spec;
use crate::state::{deployment_fault, Fault, Shared};
use crate::util::{now_unix, rfc3339};
use crate::{Config, Platform};
use reply::{deployment_not_found, failed, failed_many, spec_code, ApiError};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// The header that injects a fault into one request: `error`, `drop`, `hang`
/// or `delay=MS`.
pub const FAULT_HEADER: &str = "X-Simulator-Fault";

/// A reply and how long the work behind it takes (the proxy's Elasticsearch
/// work; zero elsewhere).
pub struct Answer {
    reply: Reply,
    work: Duration,
}

impl Answer {
    fn now(reply: Reply) -> Answer {
        Answer {
            reply,
            work: Duration::ZERO,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Route {
    Login,
    Refresh,
    ListDeployments,
    SearchDeployments,
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
            Route::SearchDeployments => "search-deployments",
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

    /// Whether Elastic Cloud's API has it (no login, proxy or platform).
    fn on_elastic_cloud(&self) -> bool {
        matches!(
            self,
            Route::ListDeployments
                | Route::SearchDeployments
                | Route::GetDeployment(_)
                | Route::Keystore { .. }
        )
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
        ["deployments", "_search"] => (m == "POST")
            .then_some(Route::SearchDeployments)
            .ok_or("POST"),
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

/// The coordinator's handler: settings and world are in `shared`.
pub struct App {
    shared: Arc<Shared>,
    key_expires_at: i64,
    rate: Option<rate::Bucket>,
}

impl App {
    pub fn new(shared: Arc<Shared>) -> App {
        let key_expires_at = now_unix() + shared.config.key_expires_in_days * 86_400;
        let rate = shared.config.rate_limit.map(rate::Bucket::new);
        App {
            shared,
            key_expires_at,
            rate,
        }
    }

    fn config(&self) -> &Config {
        &self.shared.config
    }

    fn api_name(&self) -> &'static str {
        match self.config().platform {
            Platform::Ece => "ECE",
            Platform::Ess => "Elastic Cloud",
        }
    }

    /// Every answer to a request carrying the API key (valid or expired)
    /// says when the key expires, as ECE and Elastic Cloud do.
    fn key_header(&self, req: &Request, reply: Reply) -> Reply {
        if self.carries_key(req) {
            reply.header("X-Elastic-Api-Key-Expiration", rfc3339(self.key_expires_at))
        } else {
            reply
        }
    }

    fn with_cors(&self, reply: Reply) -> Reply {
        match &self.config().cors_origin {
            Some(origin) => reply
                .header("Access-Control-Allow-Origin", origin.clone())
                .header(
                    "Access-Control-Expose-Headers",
                    "X-Elastic-Api-Key-Expiration, x-cloud-error-codes, Retry-After",
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
        if req.method == "OPTIONS" && self.config().cors_origin.is_some() {
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
        if let Some(bucket) = &self.rate {
            if let Err(wait) = bucket.take() {
                let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
                return now(failed(
                    429,
                    CODE_RATE_LIMITED,
                    &format!(
                        "Too many requests: the coordinator takes {} requests per second; retry after {secs} seconds",
                        bucket.per_second()
                    ),
                    vec![],
                )
                .header("Retry-After", secs.to_string()));
            }
        }
        let not_found = |api: &str| {
            now(failed(
                404,
                CODE_NOT_FOUND,
                &format!(
                    "The simulated {} API has no path /api/v1{api}",
                    self.api_name()
                ),
                vec![],
            ))
        };
        let api = match path.strip_prefix("/api/v1") {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
            _ => {
                return now(failed(
                    404,
                    CODE_NOT_FOUND,
                    &format!(
                        "No such path: the {} API lives under /api/v1 (got {path})",
                        self.api_name()
                    ),
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
            Ok(r) if self.config().platform == Platform::Ess && !r.on_elastic_cloud() => {
                return not_found(api)
            }
            Ok(r) => r,
            Err("") => return not_found(api),
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
            .or_else(|| self.shared.lock().take_queued_fault(&req.method, &path))
            .or_else(|| route.deployment().and_then(deployment_fault));
        match fault {
            Some(Fault::Drop) => {
                return Outcome::Drop {
                    delay: Duration::ZERO,
                }
            }
            Some(Fault::Hang) => {
                return Outcome::Hang {
                    hold: self.config().hang,
                }
            }
            Some(Fault::Error) => {
                return now(failed(
                    500,
                    &spec_code(operation, 500, reply::CODE_INTERNAL),
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

        if self.config().fail_rate > 0.0 {
            let draw = self.shared.lock().rng.next_f64();
            if draw < self.config().fail_rate {
                let reply = failed(
                    500,
                    &spec_code(operation, 500, reply::CODE_INTERNAL),
                    "We have failed you. (random failure: --fail-rate)",
                    vec![],
                );
                return Outcome::Reply { reply, delay };
            }
        }

        let answer = self.dispatch(req, &route, operation);
        Outcome::Reply {
            reply: answer.reply,
            delay: delay + answer.work,
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

    fn dispatch(&self, req: &Request, route: &Route, operation: &str) -> Answer {
        let platform = self.config().platform;
        let reply = match route {
            Route::Login => self.login(req),
            Route::Refresh => self.refresh(req),
            Route::ListDeployments => {
                let st = self.shared.lock();
                let list: Vec<Value> = st
                    .deployments
                    .iter()
                    .filter(|d| d.listed)
                    .map(|d| info::listing(d, platform))
                    .collect();
                Reply::json(200, &json!({ "deployments": list }))
            }
            Route::SearchDeployments => self.search(req),
            Route::GetDeployment(id) => match self.shared.lock().deployment(id) {
                Some(d) => Reply::json(200, &info::deployment_info(d, platform, self.config().tls)),
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
            } => return self.proxy(req, operation, deployment, kind, ref_id, path),
            Route::PlatformRepositories => {
                let st = self.shared.lock();
                let configs: Vec<Value> = st
                    .platform_repositories
                    .iter()
                    .map(|(name, body)| json!({"repository_name": name, "config": body}))
                    .collect();
                Reply::json(200, &json!({ "configs": configs }))
            }
            Route::PlatformRepository { name, put: false } => {
                match self.shared.lock().platform_repositories.get(name) {
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
                match self.body(req, "SnapshotRepositoryConfiguration") {
                    Ok(body) => {
                        self.shared
                            .lock()
                            .platform_repositories
                            .insert(name.clone(), body.clone());
                        Reply::json(200, &json!({"repository_name": name, "config": body}))
                    }
                    Err(r) => r,
                }
            }
        };
        Answer::now(reply)
    }
}

/// `--latency` is added here, to every answer and dropped connection, so
/// the transport only carries out what it is told.
impl Handler for App {
    fn handle(&self, req: &Request) -> Outcome {
        let latency = self.config().latency;
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
