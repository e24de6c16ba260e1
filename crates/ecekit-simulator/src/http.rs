//! What a handler and the transport exchange: a parsed request, a reply, and
//! what to do with it (answer after a delay, drop the connection, hang).
//! A handler decides; `server` carries it out, the same way for every
//! listener.

use hyper::HeaderMap;
use serde_json::Value;
use std::time::Duration;

/// Serves the requests of one listener (the ECE coordinator is one).
pub trait Handler: Send + Sync + 'static {
    /// Decides what happens to one request whose body has been read.
    fn handle(&self, req: &Request) -> Outcome;

    /// The answer, in this handler's error format, to a request the
    /// transport refuses: 413 (body past the limit), 400 (malformed body),
    /// 408 (body too slow).
    fn refuse(&self, status: u16, message: &str) -> Reply;
}

/// A parsed HTTP request.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    /// Path and query as received (`/api/v1/deployments?x=y`).
    pub target: String,
    /// As hyper parsed them (names are case-insensitive).
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header with this name, when it is visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// Decoded query pairs.
    pub fn query(&self) -> Vec<(String, String)> {
        let Some((_, q)) = self.target.split_once('?') else {
            return Vec::new();
        };
        q.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (
                    crate::util::percent_decode(k, true),
                    crate::util::percent_decode(v, true),
                )
            })
            .collect()
    }
}

/// An HTTP reply.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: &Value) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// The same reply with one more header.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
}

/// What the transport does with a request.
#[derive(Debug)]
pub enum Outcome {
    /// Answer after waiting `delay`.
    Reply { reply: Reply, delay: Duration },
    /// Close the connection without answering, after waiting `delay`.
    Drop { delay: Duration },
    /// Keep the connection open without answering for `hold`, then close it.
    Hang { hold: Duration },
}
