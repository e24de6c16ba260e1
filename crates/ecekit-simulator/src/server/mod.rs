//! The transport: serves a [`Handler`] on a loopback listener with hyper's
//! HTTP/1.1 server on tokio, behind rustls with `--tls`. Parsing, chunked
//! bodies, keep-alive and `Expect: 100-continue` are hyper's; this module
//! only sets the limits and runs the connections. A second listener is one
//! more [`Listener`] given to [`run`].

mod exchange;
pub mod stop;
pub mod tls;

use crate::http::Handler;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::time::Duration;
use stop::Stop;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_rustls::TlsAcceptor;

/// Largest request head (request line and headers).
const MAX_HEAD: usize = 64 * 1024;
/// How long open connections may take to finish once the simulator stops.
const DRAIN: Duration = Duration::from_secs(5);

/// What one client may take from the simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A request head must arrive within this time of the connection
    /// opening (TLS handshake included) or of the previous answer on it:
    /// the head deadline and the idle keep-alive timeout at once.
    pub head_timeout: Duration,
    /// A request body must arrive within this time of its head.
    pub body_timeout: Duration,
    /// Largest request body, `Content-Length` or chunked.
    pub max_body: usize,
    /// Connections served at once, per listener. More wait to be accepted
    /// (they are not refused); the head deadline frees the slots of idle
    /// or trickling clients.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            head_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_body: 4 * 1024 * 1024,
            max_connections: 512,
        }
    }
}

/// A bound socket and what serves it.
pub struct Listener {
    /// Bound already (so that `Simulator::start` reports a busy port).
    pub socket: std::net::TcpListener,
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub handler: Arc<dyn Handler>,
    /// One line per request on stderr.
    pub log_requests: bool,
    /// Written before the method in each log line (empty for the coordinator).
    pub label: String,
}

/// Serves every listener until `stop`, then lets open connections finish
/// (a delayed or hanging request ends at once) for up to [`DRAIN`].
pub async fn run(listeners: Vec<Listener>, limits: Limits, stop: Stop) {
    let served: Vec<_> = listeners
        .into_iter()
        .map(|listener| tokio::spawn(serve(listener, limits, stop.clone())))
        .collect();
    for listener in served {
        let _ = listener.await;
    }
}

async fn serve(listener: Listener, limits: Limits, stop: Stop) {
    let socket = match listener
        .socket
        .set_nonblocking(true)
        .and_then(|()| TcpListener::from_std(listener.socket))
    {
        Ok(socket) => socket,
        Err(e) => {
            eprintln!("ecekit simulator: cannot serve the listener: {e}");
            return;
        }
    };
    let tls = listener.tls.map(TlsAcceptor::from);
    let cx = exchange::Context {
        handler: listener.handler,
        limits,
        log_requests: listener.log_requests,
        label: Arc::from(listener.label),
        stop: stop.clone(),
    };
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    loop {
        // Past the cap, a connection waits in the listen backlog.
        let Some(Ok(slot)) = stop.unless_stopped(slots.clone().acquire_owned()).await else {
            break;
        };
        let Some(accepted) = stop.unless_stopped(socket.accept()).await else {
            break;
        };
        match accepted {
            Ok((tcp, _)) => {
                tokio::spawn(connection(tcp, tls.clone(), cx.clone(), slot));
            }
            // Out of file descriptors, or a connection reset before it was
            // accepted: try again shortly.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    drop(socket);
    let every_slot = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(DRAIN, slots.acquire_many(every_slot)).await;
}

/// One connection, holding its `slot` until it closes.
async fn connection(
    tcp: TcpStream,
    tls: Option<TlsAcceptor>,
    cx: exchange::Context,
    slot: OwnedSemaphorePermit,
) {
    let _ = tcp.set_nodelay(true);
    match tls {
        None => http(TokioIo::new(tcp), cx).await,
        Some(acceptor) => {
            let handshake = tokio::time::timeout(cx.limits.head_timeout, acceptor.accept(tcp));
            if let Some(Ok(Ok(stream))) = cx.stop.unless_stopped(handshake).await {
                http(TokioIo::new(stream), cx).await;
            }
        }
    }
    drop(slot);
}

async fn http<I>(io: I, cx: exchange::Context)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let stop = cx.stop.clone();
    let head_timeout = cx.limits.head_timeout;
    let service = service_fn(move |request| exchange::respond(request, cx.clone()));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(head_timeout)
        .max_buf_size(MAX_HEAD);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    // Errors (a malformed head hyper answered itself, a timeout, a dropped
    // connection) end only this connection.
    if stop.unless_stopped(conn.as_mut()).await.is_none() {
        conn.as_mut().graceful_shutdown();
        let _ = conn.await;
    }
}
