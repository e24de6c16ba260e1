//! One request on a connection: its body read within the limits, the
//! handler's decision carried out (delay, dropped connection, hang), the
//! answer built, one log line.

use super::stop::Stop;
use super::Limits;
use crate::http::{Handler, Outcome, Reply, Request};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body, Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue, CONNECTION};
use hyper::StatusCode;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What hyper is given back for a request that gets no answer (the `drop`
/// and `hang` faults): a service error makes hyper close the connection
/// without writing anything.
#[derive(Debug)]
pub struct NoAnswer;

impl fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection closed without an answer (fault injected)")
    }
}

impl std::error::Error for NoAnswer {}

/// Everything a request needs from its listener.
#[derive(Clone)]
pub struct Context {
    pub handler: Arc<dyn Handler>,
    pub limits: Limits,
    pub log_requests: bool,
    pub label: Arc<str>,
    pub stop: Stop,
}

/// Serves one request.
pub async fn respond(
    request: hyper::Request<Incoming>,
    cx: Context,
) -> Result<hyper::Response<Full<Bytes>>, NoAnswer> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_string();
    let target = match parts.uri.path_and_query() {
        Some(pq) => pq.as_str().to_string(),
        None => parts.uri.to_string(),
    };
    // The log shows the path only: a query may hold anything.
    let path = parts.uri.path().to_string();
    let log = |status: Option<u16>, took: Duration| {
        if cx.log_requests {
            log_line(&cx.label, &method, &path, status, took);
        }
    };
    let body = match read_body(body, &cx.limits).await {
        Ok(body) => body,
        Err((status, message)) => {
            let reply = cx.handler.refuse(status, &message);
            log(Some(reply.status), started.elapsed());
            return Ok(response(reply, true));
        }
    };
    let request = Request {
        method: method.clone(),
        target,
        headers: parts.headers,
        body,
    };
    match cx.handler.handle(&request) {
        Outcome::Reply { reply, delay } => {
            // The delay counts from the request's arrival: the time spent
            // reading and handling it is part of the latency, not added to it.
            cx.stop.sleep(delay.saturating_sub(started.elapsed())).await;
            log(Some(reply.status), started.elapsed());
            Ok(response(reply, false))
        }
        Outcome::Drop { delay } => {
            cx.stop.sleep(delay).await;
            log(None, started.elapsed());
            Err(NoAnswer)
        }
        Outcome::Hang { hold } => {
            log(None, Duration::ZERO);
            cx.stop.sleep(hold).await;
            Err(NoAnswer)
        }
    }
}

/// Reads the whole body: at most `max_body` bytes (a `Content-Length` over
/// it is refused before reading, a chunked body as soon as it goes past),
/// within `body_timeout`. Hyper decodes the chunks and checks their sizes.
async fn read_body(body: Incoming, limits: &Limits) -> Result<Vec<u8>, (u16, String)> {
    let too_large = || {
        (
            413,
            format!(
                "The request body is larger than {} bytes, the simulator's limit",
                limits.max_body
            ),
        )
    };
    if body.size_hint().lower() > limits.max_body as u64 {
        return Err(too_large());
    }
    let reading = Limited::new(body, limits.max_body).collect();
    match tokio::time::timeout(limits.body_timeout, reading).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes().to_vec()),
        Ok(Err(e)) if e.is::<LengthLimitError>() => Err(too_large()),
        Ok(Err(e)) => Err((
            400,
            format!("The request body is malformed or incomplete: {e}"),
        )),
        Err(_) => Err((
            408,
            format!(
                "The request body did not arrive within {} seconds",
                limits.body_timeout.as_secs()
            ),
        )),
    }
}

/// The reply as hyper sends it; `close` ends the connection after it.
fn response(reply: Reply, close: bool) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in reply.headers {
        // Header values are built by the simulator; never let a newline through.
        let value: String = value.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    if close {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// One line per request on stderr: the listener's label, method, path
/// (never the query), status. Bodies and headers are never logged.
fn log_line(label: &str, method: &str, path: &str, status: Option<u16>, took: Duration) {
    let status = match status {
        Some(s) => s.to_string(),
        None => "(no answer: fault)".into(),
    };
    eprintln!(
        "ecekit simulator: {label}{method} {path} {status} {}ms",
        took.as_millis()
    );
}
