//! An in-memory ECE coordinator simulator for ecekit's tests and demos.
//!
//! It serves, under `/api/v1`, what ecekit sends to a real coordinator:
//! login and token refresh, the deployments list and get, the Elasticsearch
//! keystore GET (redacted) and PATCH (merge; `{}` or `null` removes), the
//! Elasticsearch proxy for `_snapshot` and `_nodes/reload_secure_settings`
//! (only with `X-Management-Request: true`), and ECE platform snapshot
//! repositories. Bodies are validated against the official spec's definitions
//! (extracted into `data/ece-api-subset.json`); errors are `BasicFailedReply`
//! with the spec's codes and the `x-cloud-error-codes` header.
//!
//! It listens on loopback only, never logs bodies, secrets or the API key,
//! and keeps all state in memory.
//!
//! ```no_run
//! let sim = ecekit_simulator::Simulator::start(ecekit_simulator::Config {
//!     api_key: "demo-key".into(),
//!     password: "demo-password".into(),
//!     ..Default::default()
//! })
//! .unwrap();
//! println!("{}", sim.base_url()); // http://127.0.0.1:PORT/api/v1
//! ```

mod api;
mod es;
mod http;
mod server;
pub mod spec;
mod state;
mod util;

pub use api::{
    demo_responses, CODE_INTERNAL, CODE_INVALID_JSON, CODE_INVALID_REQUEST,
    CODE_METHOD_NOT_ALLOWED, CODE_MISSING_MANAGEMENT_HEADER, CODE_NOT_FOUND, CODE_NOT_SIMULATED,
    FAULT_HEADER,
};
pub use es::AWS_EXAMPLE_ACCESS_KEY;
pub use server::Limits;
pub use state::{FAULT_DROP_DEPLOYMENT, FAULT_ERROR_DEPLOYMENT, FAULT_HANG_DEPLOYMENT};
pub use util::random_token;

use std::fmt;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How a simulator runs. `Debug` never shows the API key or the password.
#[derive(Clone)]
pub struct Config {
    /// Loopback address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The accepted `Authorization: ApiKey <key>`.
    pub api_key: String,
    /// Password of the demo user `admin` (login and basic auth).
    pub password: String,
    /// Added before every answer.
    pub latency: Duration,
    /// Fraction (0..=1) of requests answered with a 500 BasicFailedReply.
    pub fail_rate: f64,
    /// Seed of the generator behind `fail_rate`.
    pub seed: u64,
    /// Serve HTTPS with a self-signed certificate made at start.
    pub tls: bool,
    /// The API key expires this many days after start (the
    /// `X-Elastic-Api-Key-Expiration` header); 0 or less: already expired.
    pub key_expires_in_days: i64,
    /// Lifetime of bearer tokens from login or refresh.
    pub token_ttl: Duration,
    /// Send CORS headers allowing this origin (real ECE sends none).
    pub cors_origin: Option<String>,
    /// List the fault deployments in `GET /deployments`.
    pub fault_deployments: bool,
    /// How long a hanging request is held before its connection is closed.
    pub hang: Duration,
    /// One line per request on stderr (method, path, status).
    pub log_requests: bool,
    /// What one client may take: head deadline, body limit, connections.
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: String::new(),
            password: String::new(),
            latency: Duration::ZERO,
            fail_rate: 0.0,
            seed: 0,
            tls: false,
            key_expires_in_days: 90,
            token_ttl: Duration::from_secs(3600),
            cors_origin: None,
            fault_deployments: false,
            hang: Duration::from_secs(120),
            log_requests: false,
            limits: Limits::default(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("api_key", &"<redacted>")
            .field("password", &"<redacted>")
            .field("latency", &self.latency)
            .field("fail_rate", &self.fail_rate)
            .field("seed", &self.seed)
            .field("tls", &self.tls)
            .field("key_expires_in_days", &self.key_expires_in_days)
            .field("token_ttl", &self.token_ttl)
            .field("cors_origin", &self.cors_origin)
            .field("fault_deployments", &self.fault_deployments)
            .field("hang", &self.hang)
            .field("log_requests", &self.log_requests)
            .field("limits", &self.limits)
            .finish()
    }
}

/// Why the simulator could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// A running simulator. Dropping it stops it.
pub struct Simulator {
    addr: SocketAddr,
    base_url: String,
    certificate_pem: Option<String>,
    certificate_sha256: Option<String>,
    stop: server::stop::StopSender,
    thread: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Checks the configuration, binds, and serves on a background thread
    /// that runs its own async runtime (so it can be started from any
    /// context, async or not).
    pub fn start(config: Config) -> Result<Simulator, Error> {
        if !config.listen.ip().is_loopback() {
            return Err(Error(format!(
                "refusing to listen on {}: the simulator serves loopback only (127.0.0.1, 127.0.0.0/8 or [::1])",
                config.listen
            )));
        }
        if config.api_key.trim().is_empty() {
            return Err(Error("the API key must not be empty".into()));
        }
        if config.password.is_empty() {
            return Err(Error("the admin password must not be empty".into()));
        }
        if !(0.0..=1.0).contains(&config.fail_rate) {
            return Err(Error(format!(
                "the fail rate must be between 0 and 1, not {}",
                config.fail_rate
            )));
        }
        let max_connections = config.limits.max_connections;
        if max_connections == 0 || max_connections > tokio::sync::Semaphore::MAX_PERMITS {
            return Err(Error(format!(
                "the connection limit must be from 1 to {}, not {max_connections}",
                tokio::sync::Semaphore::MAX_PERMITS
            )));
        }
        if config.limits.max_body == 0 {
            return Err(Error("the body limit must be above zero".into()));
        }
        let certificate = if config.tls {
            Some(server::tls::self_signed()?)
        } else {
            None
        };
        let socket = TcpListener::bind(config.listen)
            .map_err(|e| Error(format!("cannot listen on {}: {e}", config.listen)))?;
        let addr = socket
            .local_addr()
            .map_err(|e| Error(format!("cannot read the bound address: {e}")))?;
        let scheme = if config.tls { "https" } else { "http" };
        let base_url = format!("{scheme}://{addr}/api/v1");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("ecekit-simulator")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| Error(format!("cannot start the async runtime: {e}")))?;
        let limits = config.limits;
        let coordinator = server::Listener {
            socket,
            tls: certificate.as_ref().map(|c| c.config.clone()),
            log_requests: config.log_requests,
            handler: Arc::new(api::App::new(config)),
        };
        let (stop, stopped) = server::stop::channel();
        let thread = std::thread::Builder::new()
            .name("ecekit-simulator".into())
            .spawn(move || {
                runtime.block_on(server::run(vec![coordinator], limits, stopped));
                // Whatever is still running after the drain is abandoned.
                runtime.shutdown_timeout(Duration::from_secs(1));
            })
            .map_err(|e| Error(format!("cannot start the server thread: {e}")))?;
        let (certificate_pem, certificate_sha256) = match certificate {
            Some(c) => (Some(c.pem), Some(c.sha256)),
            None => (None, None),
        };
        Ok(Simulator {
            addr,
            base_url,
            certificate_pem,
            certificate_sha256,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/api/v1` (or https).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The self-signed certificate (PEM), with `tls`.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    /// SHA-256 fingerprint of the certificate (hex, colon-separated), with `tls`.
    pub fn certificate_sha256(&self) -> Option<&str> {
        self.certificate_sha256.as_deref()
    }

    /// Blocks until the simulator stops (for the CLI: until the process is interrupted).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stops: the port is closed at once; requests in flight are answered
    /// without their remaining delay (a hanging one is closed), idle
    /// connections are closed, and this returns when they are done (a few
    /// seconds at most).
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        self.stop.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop_now();
    }
}
