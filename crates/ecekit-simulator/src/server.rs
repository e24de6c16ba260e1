//! Sockets: one thread per connection, HTTP/1.1 with keep-alive, request heads
//! and chunk sizes parsed by `httparse`, optional TLS through rustls.

use crate::api::{App, Outcome, Reply, Request};
use crate::util::{http_date, now_unix};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Largest request head and body accepted.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 4 * 1024 * 1024;
/// Concurrent connections; more are closed at once.
const MAX_CONNECTIONS: usize = 256;
/// An idle keep-alive connection is closed after this.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// Accepts connections until `stop` is set (then one more connection wakes it).
pub fn serve(
    listener: TcpListener,
    app: Arc<App>,
    tls: Option<Arc<ServerConfig>>,
    stop: Arc<AtomicBool>,
) {
    let active = Arc::new(AtomicUsize::new(0));
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(tcp) = conn else {
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = tcp.shutdown(Shutdown::Both);
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let (app, tls, stop, active) = (app.clone(), tls.clone(), stop.clone(), active.clone());
        let spawned = std::thread::Builder::new()
            .name("ecekit-simulator-conn".into())
            .spawn(move || {
                connection(tcp, &app, tls, &stop);
                active.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            // The closure (and its counter decrement) did not run.
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

enum ReadError {
    /// The peer closed or the socket failed: close silently.
    Closed,
    /// Malformed request: answer this status and message, then close.
    Bad(u16, String),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Closed
    }
}

fn connection(tcp: TcpStream, app: &App, tls: Option<Arc<ServerConfig>>, stop: &AtomicBool) {
    let _ = tcp.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = tcp.set_nodelay(true);
    let stream = match tls {
        Some(cfg) => match ServerConnection::new(cfg) {
            Ok(conn) => Stream::Tls(Box::new(StreamOwned::new(conn, tcp))),
            Err(_) => return,
        },
        None => Stream::Plain(tcp),
    };
    let mut reader = BufReader::new(stream);
    let config = app.config();
    loop {
        let (req, keep_alive) = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) | Err(ReadError::Closed) => return,
            Err(ReadError::Bad(status, message)) => {
                let reply = crate::api::failed(status, "root.invalid_request", &message, vec![]);
                let _ = write_reply(reader.get_mut(), &reply, false);
                log(config.log_requests, "-", "-", Some(status), Duration::ZERO);
                return;
            }
        };
        let started = Instant::now();
        let outcome = app.handle(&req);
        let path = req.path().to_string();
        match outcome {
            Outcome::Drop => {
                sleep_unless_stopped(config.latency, stop);
                log(
                    config.log_requests,
                    &req.method,
                    &path,
                    None,
                    started.elapsed(),
                );
                let _ = reader.get_ref().tcp().shutdown(Shutdown::Both);
                return;
            }
            Outcome::Hang => {
                log(
                    config.log_requests,
                    &req.method,
                    &path,
                    None,
                    Duration::ZERO,
                );
                sleep_unless_stopped(config.hang, stop);
                let _ = reader.get_ref().tcp().shutdown(Shutdown::Both);
                return;
            }
            Outcome::Reply { reply, delay } => {
                sleep_unless_stopped(config.latency + delay, stop);
                let ok = write_reply(reader.get_mut(), &reply, keep_alive).is_ok();
                log(
                    config.log_requests,
                    &req.method,
                    &path,
                    Some(reply.status),
                    started.elapsed(),
                );
                if !ok || !keep_alive || stop.load(Ordering::SeqCst) {
                    if let Stream::Tls(s) = reader.get_mut() {
                        s.conn.send_close_notify();
                        let _ = s.flush();
                    }
                    return;
                }
            }
        }
    }
}

fn sleep_unless_stopped(total: Duration, stop: &AtomicBool) {
    let end = Instant::now() + total;
    while !stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        if now >= end {
            break;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(50)));
    }
}

/// One line per request on stderr: method, path (never the query), status.
/// Bodies and headers are never logged.
fn log(enabled: bool, method: &str, path: &str, status: Option<u16>, took: Duration) {
    if !enabled {
        return;
    }
    let status = match status {
        Some(s) => s.to_string(),
        None => "(no answer: fault)".into(),
    };
    eprintln!(
        "ecekit simulator: {method} {path} {status} {}ms",
        took.as_millis()
    );
}

fn read_line(
    reader: &mut BufReader<Stream>,
    buf: &mut Vec<u8>,
    limit: usize,
) -> Result<usize, ReadError> {
    let start = buf.len();
    let n = reader
        .by_ref()
        .take((limit + 1) as u64)
        .read_until(b'\n', buf)?;
    if buf.len() - start > limit {
        return Err(ReadError::Bad(
            431,
            "request line or header too long".into(),
        ));
    }
    Ok(n)
}

fn read_request(reader: &mut BufReader<Stream>) -> Result<Option<(Request, bool)>, ReadError> {
    let mut head = Vec::new();
    // Skip blank lines before the request line (RFC 9112 section 2.2).
    loop {
        let n = read_line(reader, &mut head, MAX_HEAD)?;
        if n == 0 {
            return Ok(None);
        }
        if head.iter().all(|b| *b == b'\r' || *b == b'\n') {
            head.clear();
            continue;
        }
        break;
    }
    loop {
        let before = head.len();
        let n = read_line(reader, &mut head, MAX_HEAD)?;
        if n == 0 {
            return Err(ReadError::Closed);
        }
        if head.len() > MAX_HEAD {
            return Err(ReadError::Bad(431, "request head too large".into()));
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            break;
        }
    }
    let mut header_buf = [httparse::EMPTY_HEADER; 100];
    let mut parsed = httparse::Request::new(&mut header_buf);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(ReadError::Bad(400, "incomplete request head".into()))
        }
        Err(e) => return Err(ReadError::Bad(400, format!("malformed request: {e}"))),
    }
    let method = parsed.method.unwrap_or("").to_string();
    let target = parsed.path.unwrap_or("/").to_string();
    let version = parsed.version.unwrap_or(1);
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let mut req = Request {
        method,
        target,
        headers,
        body: Vec::new(),
    };
    let connection = req.header("Connection").unwrap_or("").to_ascii_lowercase();
    let keep_alive = if version == 0 {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    let chunked = req
        .header("Transfer-Encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = match req.header("Content-Length") {
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) => Some(n),
            Err(_) => return Err(ReadError::Bad(400, "invalid Content-Length".into())),
        },
        None => None,
    };
    if length.is_some_and(|n| n > MAX_BODY) {
        return Err(ReadError::Bad(
            413,
            format!("request body larger than {MAX_BODY} bytes"),
        ));
    }
    if (chunked || length.unwrap_or(0) > 0)
        && req
            .header("Expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        let w = reader.get_mut();
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        w.flush()?;
    }
    if chunked {
        req.body = read_chunked(reader)?;
    } else if let Some(n) = length {
        let mut body = vec![0u8; n];
        reader.read_exact(&mut body)?;
        req.body = body;
    }
    Ok(Some((req, keep_alive)))
}

fn read_chunked(reader: &mut BufReader<Stream>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let mut line = Vec::new();
        if read_line(reader, &mut line, 1024)? == 0 {
            return Err(ReadError::Closed);
        }
        let size = match httparse::parse_chunk_size(&line) {
            Ok(httparse::Status::Complete((_, size))) => size as usize,
            _ => return Err(ReadError::Bad(400, "malformed chunked body".into())),
        };
        if size == 0 {
            // Trailer fields, up to the empty line.
            loop {
                let mut t = Vec::new();
                if read_line(reader, &mut t, MAX_HEAD)? == 0 || t == b"\r\n" || t == b"\n" {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(ReadError::Bad(
                413,
                format!("request body larger than {MAX_BODY} bytes"),
            ));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = Vec::new();
        read_line(reader, &mut crlf, 2)?;
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}

fn write_reply(w: &mut Stream, reply: &Reply, keep_alive: bool) -> io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nDate: {}\r\n",
        reply.status,
        reason(reply.status),
        http_date(now_unix())
    );
    if reply.status != 204 {
        out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    out.push_str(if keep_alive {
        "Connection: keep-alive\r\n"
    } else {
        "Connection: close\r\n"
    });
    for (k, v) in &reply.headers {
        // Header values are built by the simulator; never let a newline through.
        let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if reply.status != 204 {
        bytes.extend_from_slice(&reply.body);
    }
    w.write_all(&bytes)?;
    w.flush()
}
