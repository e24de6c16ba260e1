//! A direct Elasticsearch endpoint: what a self-managed cluster, an Elastic
//! Cloud deployment or an ECE deployment answers on its own address, without
//! the ECE proxy. It authenticates every request with an Elasticsearch
//! credential (`es::security`), authorizes its action, and hands it to the
//! same cluster model the proxy uses, in the one shared world.
//!
//! CORS is Elasticsearch's `http.cors.*` (off unless `--es-cors-origin`):
//! an allowed origin gets the headers, another origin gets 403 (as
//! `CorsHandler` forbids it), a preflight is answered before authentication.

use crate::api::FAULT_HEADER;
use crate::es::{self, security, EsReply, EsRequest};
use crate::http::{Handler, Outcome, Reply, Request};
use crate::state::{ClusterRef, Fault, Shared};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// `http.cors.allow-methods` and `allow-headers` defaults of Elasticsearch 8
/// (`Authorization` added, as a browser caller needs it).
const CORS_METHODS: &str = "OPTIONS, HEAD, GET, POST, PUT, DELETE";
const CORS_HEADERS: &str =
    "X-Requested-With, Content-Type, Content-Length, Authorization, Accept, User-Agent, X-Elastic-Client-Meta";

/// Serves one cluster of the shared world.
pub struct Endpoint {
    pub shared: Arc<Shared>,
    pub cluster: ClusterRef,
}

fn to_reply(r: EsReply) -> Reply {
    let mut reply = Reply::json(r.status, &r.body);
    for (k, v) in r.headers {
        reply = reply.header(&k, v);
    }
    reply
}

impl Endpoint {
    fn cors_origin(&self) -> Option<&str> {
        self.shared.config.es_cors_origin.as_deref()
    }

    /// The answer, before latency and CORS.
    fn answer(&self, req: &Request) -> Outcome {
        let now = |reply| Outcome::Reply {
            reply,
            delay: Duration::ZERO,
        };
        let mut delay = Duration::ZERO;
        let fault = req.header(FAULT_HEADER).and_then(Fault::parse).or_else(|| {
            self.shared
                .lock()
                .take_queued_fault(&req.method, req.path())
        });
        match fault {
            Some(Fault::Drop) => return Outcome::Drop { delay },
            Some(Fault::Hang) => {
                return Outcome::Hang {
                    hold: self.shared.config.hang,
                }
            }
            Some(Fault::Error) => {
                return now(to_reply(
                    es::Exception::new(
                        "simulated_exception",
                        "fault injected by the ecekit simulator",
                    )
                    .reply(500),
                ))
            }
            Some(Fault::Delay(ms)) => delay = Duration::from_millis(ms),
            None => {}
        }
        let segments: Vec<String> = req
            .path()
            .split('/')
            .map(|s| crate::util::percent_decode(s, false))
            .filter(|s| !s.is_empty())
            .collect();
        let principal = match self
            .shared
            .security
            .authenticate(req.header("Authorization"), &req.target)
        {
            Ok(p) => p,
            Err(e) => {
                return Outcome::Reply {
                    reply: to_reply(e),
                    delay,
                }
            }
        };
        let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
        let special = match (seg.as_slice(), req.method.as_str()) {
            (["_security", "_authenticate"], "GET") => {
                Some(EsReply::ok(security::authenticate_answer(principal)))
            }
            (["_security", "user", "_has_privileges"], "GET" | "POST") => {
                Some(security::has_privileges(principal, &req.body))
            }
            _ => None,
        };
        let reply = special.unwrap_or_else(|| {
            let route = match es::route(&req.method, &segments) {
                Ok(r) => r,
                Err(e) => return e,
            };
            if let Err(e) = security::authorize(principal, route.action()) {
                return e;
            }
            let query = req.query();
            let request = EsRequest {
                method: &req.method,
                path: &segments,
                query: &query,
                body: &req.body,
            };
            let env = self.shared.es_env();
            let mut world = self.shared.lock();
            world
                .cluster_mut(self.cluster)
                .handle(&route, &request, &env)
        });
        let work = reply.work;
        Outcome::Reply {
            reply: to_reply(reply),
            delay: delay + work,
        }
    }

    fn preflight(&self, req: &Request) -> Option<Reply> {
        let allowed = self.cors_origin()?;
        if req.method != "OPTIONS" || req.header("Access-Control-Request-Method").is_none() {
            return None;
        }
        Some(match req.header("Origin") {
            Some(origin) if origin == allowed => Reply {
                status: 200,
                headers: vec![
                    ("Access-Control-Allow-Origin".into(), origin.into()),
                    ("Access-Control-Allow-Methods".into(), CORS_METHODS.into()),
                    ("Access-Control-Allow-Headers".into(), CORS_HEADERS.into()),
                    ("Access-Control-Max-Age".into(), "1728000".into()),
                    ("Vary".into(), "Origin".into()),
                ],
                body: Vec::new(),
            },
            _ => forbidden(),
        })
    }
}

/// What Elasticsearch's CORS handler answers a disallowed origin.
fn forbidden() -> Reply {
    Reply {
        status: 403,
        headers: Vec::new(),
        body: Vec::new(),
    }
}

impl Handler for Endpoint {
    fn handle(&self, req: &Request) -> Outcome {
        let latency = self.shared.config.latency;
        if let Some(reply) = self.preflight(req) {
            return Outcome::Reply {
                reply,
                delay: latency,
            };
        }
        if let (Some(allowed), Some(origin)) = (self.cors_origin(), req.header("Origin")) {
            if origin != allowed {
                return Outcome::Reply {
                    reply: forbidden(),
                    delay: latency,
                };
            }
        }
        if req.method == "OPTIONS" {
            return Outcome::Reply {
                reply: Reply {
                    status: 200,
                    headers: vec![("Allow".into(), "GET,HEAD,POST,PUT,DELETE".into())],
                    body: Vec::new(),
                },
                delay: latency,
            };
        }
        match self.answer(req) {
            Outcome::Reply { mut reply, delay } => {
                if let Some(origin) = self.cors_origin() {
                    reply = reply
                        .header("Access-Control-Allow-Origin", origin)
                        .header("Vary", "Origin");
                }
                Outcome::Reply {
                    reply,
                    delay: latency + delay,
                }
            }
            Outcome::Drop { delay } => Outcome::Drop {
                delay: latency + delay,
            },
            hang => hang,
        }
    }

    fn refuse(&self, status: u16, message: &str) -> Reply {
        let body = json!({
            "error": {
                "root_cause": [{"type": "illegal_argument_exception", "reason": message}],
                "type": "illegal_argument_exception",
                "reason": message
            },
            "status": status
        });
        Reply::json(status, &body)
    }
}
