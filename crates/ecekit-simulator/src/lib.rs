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
mod endpoint;
pub mod es;
pub mod fleet;
mod http;
mod server;
pub mod spec;
mod state;
mod util;

pub use api::{
    demo_responses, CODE_ELEVATED_PERMISSIONS, CODE_INTERNAL, CODE_INVALID_JSON,
    CODE_INVALID_REQUEST, CODE_METHOD_NOT_ALLOWED, CODE_MISSING_MANAGEMENT_HEADER, CODE_NOT_FOUND,
    CODE_NOT_SIMULATED, CODE_PROXY_TIMEOUT, CODE_RATE_LIMITED, FAULT_HEADER,
};
pub use es::AWS_EXAMPLE_ACCESS_KEY;
pub use fleet::{FAULT_DROP_DEPLOYMENT, FAULT_ERROR_DEPLOYMENT, FAULT_HANG_DEPLOYMENT};
pub use server::Limits;
pub use util::random_token;

use es::security::{ApiKey, Security, User, LIMITED_PRIVILEGES};
use std::fmt;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Which coordinator API the simulator serves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Platform {
    /// Elastic Cloud Enterprise: login, deployments, keystore, the
    /// Elasticsearch proxy, platform repositories.
    #[default]
    Ece,
    /// Elastic Cloud (ESS): API keys only, deployments and keystore; no
    /// proxy (Elasticsearch is reached on each deployment's endpoint).
    Ess,
}

/// How a simulator runs. `Debug` never shows the API key or the passwords.
#[derive(Clone)]
pub struct Config {
    /// Loopback address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The accepted `Authorization: ApiKey <key>`.
    pub api_key: String,
    /// Password of the demo user `admin` (login and basic auth).
    pub password: String,
    /// Added before every answer (coordinator and Elasticsearch endpoints).
    pub latency: Duration,
    /// Fraction (0..=1) of requests answered with a 500 BasicFailedReply.
    pub fail_rate: f64,
    /// Seed of the generator behind `fail_rate`, and of the fleet's states.
    pub seed: u64,
    /// Serve HTTPS with a self-signed certificate made at start (every listener).
    pub tls: bool,
    /// The API key expires this many days after start (the
    /// `X-Elastic-Api-Key-Expiration` header); 0 or less: already expired.
    pub key_expires_in_days: i64,
    /// Lifetime of bearer tokens from login or refresh.
    pub token_ttl: Duration,
    /// Send CORS headers allowing this origin on the coordinator (real ECE sends none).
    pub cors_origin: Option<String>,
    /// List the fault deployments in `GET /deployments`.
    pub fault_deployments: bool,
    /// How long a hanging request is held before its connection is closed.
    pub hang: Duration,
    /// One line per request on stderr (method, path, status).
    pub log_requests: bool,
    /// What one client may take: head deadline, body limit, connections.
    pub limits: Limits,
    /// ECE or Elastic Cloud.
    pub platform: Platform,
    /// Deployments in `GET /deployments`: the 3 demo ones, then generated ones.
    pub deployments: usize,
    /// Where the self-managed cluster's endpoint listens (default: the
    /// coordinator's address, a free port).
    pub es_listen: Option<SocketAddr>,
    /// Password of the Elasticsearch user `elastic`; `None` makes a random one
    /// (see [`Simulator::es_password`]).
    pub es_password: Option<String>,
    /// Elasticsearch's `http.cors.allow-origin` on every Elasticsearch endpoint.
    pub es_cors_origin: Option<String>,
    /// The ECE proxy cuts a request to Elasticsearch that takes longer.
    pub proxy_timeout: Duration,
    /// How long a snapshot stays IN_PROGRESS.
    pub snapshot_duration: Duration,
    /// Throughput of the simulated object store, per operation, in MB/s
    /// (how long a repository analysis takes).
    pub store_mb_per_sec: f64,
    /// Coordinator requests per second before it answers 429 (`None`: no limit).
    pub rate_limit: Option<u32>,
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
            platform: Platform::Ece,
            deployments: fleet::DEMO_DEPLOYMENTS,
            es_listen: None,
            es_password: None,
            es_cors_origin: None,
            proxy_timeout: Duration::from_secs(60),
            snapshot_duration: Duration::from_secs(3),
            store_mb_per_sec: 200.0,
            rate_limit: None,
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
            .field("platform", &self.platform)
            .field("deployments", &self.deployments)
            .field("es_listen", &self.es_listen)
            .field(
                "es_password",
                &self.es_password.as_ref().map(|_| "<redacted>"),
            )
            .field("es_cors_origin", &self.es_cors_origin)
            .field("proxy_timeout", &self.proxy_timeout)
            .field("snapshot_duration", &self.snapshot_duration)
            .field("store_mb_per_sec", &self.store_mb_per_sec)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

/// Most deployments a simulator holds (each has its own Elasticsearch port).
pub const MAX_DEPLOYMENTS: usize = 5000;

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
    es_url: String,
    es_api_key: String,
    es_limited_api_key: String,
    es_password: String,
    certificate_pem: Option<String>,
    certificate_sha256: Option<String>,
    stop: server::stop::StopSender,
    thread: Option<JoinHandle<()>>,
}

fn bind(addr: SocketAddr, what: &str) -> Result<(TcpListener, SocketAddr), Error> {
    let socket = TcpListener::bind(addr)
        .map_err(|e| Error(format!("cannot listen on {addr} ({what}): {e}")))?;
    let bound = socket
        .local_addr()
        .map_err(|e| Error(format!("cannot read the bound address: {e}")))?;
    Ok((socket, bound))
}

impl Simulator {
    /// Checks the configuration, binds the coordinator and every
    /// Elasticsearch endpoint, and serves on a background thread that runs
    /// its own async runtime (so it can be started from any context).
    pub fn start(config: Config) -> Result<Simulator, Error> {
        check(&config)?;
        let certificate = if config.tls {
            Some(server::tls::self_signed()?)
        } else {
            None
        };
        let tls = certificate.as_ref().map(|c| c.config.clone());
        let scheme = if config.tls { "https" } else { "http" };
        let (socket, addr) = bind(config.listen, "the coordinator")?;
        let base_url = format!("{scheme}://{addr}/api/v1");
        let es_listen = config
            .es_listen
            .unwrap_or(SocketAddr::new(config.listen.ip(), 0));
        let (es_socket, es_addr) = bind(es_listen, "the Elasticsearch endpoint")?;
        let es_url = format!("{scheme}://{es_addr}");

        let population =
            fleet::deployments(config.deployments, config.seed, config.fault_deployments);
        let mut deployments = Vec::with_capacity(population.len());
        let mut profiles = Vec::with_capacity(population.len());
        let mut endpoint_sockets = Vec::with_capacity(population.len());
        for (i, (mut d, profile)) in population.into_iter().enumerate() {
            let (socket, bound) = bind(
                SocketAddr::new(config.listen.ip(), 0),
                "a deployment's Elasticsearch",
            )?;
            d.endpoint = Some(bound);
            profiles.push((d.id.clone(), profile));
            endpoint_sockets.push((socket, state::ClusterRef::Deployment(i), bound));
            deployments.push(d);
        }

        let es_password = config
            .es_password
            .clone()
            .unwrap_or_else(|| util::random_token(12));
        let full_key = ApiKey::random("ecekit-simulator", "elastic", &["all"]);
        let limited_key = ApiKey::random("ecekit-simulator-monitor", "elastic", LIMITED_PRIVILEGES);
        let (es_api_key, es_limited_api_key) = (full_key.encoded(), limited_key.encoded());
        let security = Security {
            users: vec![User {
                name: "elastic".into(),
                password: es_password.clone(),
                roles: vec!["superuser".into()],
                privileges: vec!["all"],
            }],
            api_keys: vec![full_key, limited_key],
        };
        let limits = config.limits;
        let log_requests = config.log_requests;
        let world = state::World::new(deployments, fleet::self_managed(), config.seed);
        let shared = Arc::new(state::Shared {
            config,
            world: Mutex::new(world),
            security,
            profiles,
        });

        let mut listeners = vec![server::Listener {
            socket,
            tls: tls.clone(),
            log_requests,
            label: String::new(),
            handler: Arc::new(api::App::new(shared.clone())),
        }];
        let es_listener = |socket, cluster, at: SocketAddr| server::Listener {
            socket,
            tls: tls.clone(),
            log_requests,
            label: format!("[elasticsearch {at}] "),
            handler: Arc::new(endpoint::Endpoint {
                shared: shared.clone(),
                cluster,
            }),
        };
        listeners.push(es_listener(
            es_socket,
            state::ClusterRef::SelfManaged,
            es_addr,
        ));
        for (socket, cluster, at) in endpoint_sockets {
            listeners.push(es_listener(socket, cluster, at));
        }

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("ecekit-simulator")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| Error(format!("cannot start the async runtime: {e}")))?;
        let (stop, stopped) = server::stop::channel();
        let thread = std::thread::Builder::new()
            .name("ecekit-simulator".into())
            .spawn(move || {
                runtime.block_on(server::run(listeners, limits, stopped));
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
            es_url,
            es_api_key,
            es_limited_api_key,
            es_password,
            certificate_pem,
            certificate_sha256,
            stop,
            thread: Some(thread),
        })
    }

    /// The self-managed cluster's endpoint: `http://127.0.0.1:PORT` (or https).
    pub fn es_url(&self) -> &str {
        &self.es_url
    }

    /// An Elasticsearch API key with every privilege, in its encoded form
    /// (send `Authorization: ApiKey <it>`); made at start, accepted by every
    /// simulated cluster.
    pub fn es_api_key(&self) -> &str {
        &self.es_api_key
    }

    /// An Elasticsearch API key with `monitor`, `monitor_snapshot` and
    /// `read_slm` only: it reads, and every change gets 403.
    pub fn es_limited_api_key(&self) -> &str {
        &self.es_limited_api_key
    }

    /// The password of the Elasticsearch user `elastic`.
    pub fn es_password(&self) -> &str {
        &self.es_password
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

/// Refuses a configuration that cannot run.
fn check(config: &Config) -> Result<(), Error> {
    for (what, addr) in [
        ("listen", Some(config.listen)),
        ("es_listen", config.es_listen),
    ] {
        if let Some(addr) = addr {
            if !addr.ip().is_loopback() {
                return Err(Error(format!(
                    "refusing to listen on {addr} ({what}): the simulator serves loopback only (127.0.0.1, 127.0.0.0/8 or [::1])"
                )));
            }
        }
    }
    if config.api_key.trim().is_empty() {
        return Err(Error("the API key must not be empty".into()));
    }
    if config.password.is_empty() {
        return Err(Error("the admin password must not be empty".into()));
    }
    if config.es_password.as_deref() == Some("") {
        return Err(Error("the Elasticsearch password must not be empty".into()));
    }
    if !(0.0..=1.0).contains(&config.fail_rate) {
        return Err(Error(format!(
            "the fail rate must be between 0 and 1, not {}",
            config.fail_rate
        )));
    }
    if config.deployments == 0 || config.deployments > MAX_DEPLOYMENTS {
        return Err(Error(format!(
            "the number of deployments must be from 1 to {MAX_DEPLOYMENTS}, not {}",
            config.deployments
        )));
    }
    if !(config.store_mb_per_sec > 0.0 && config.store_mb_per_sec.is_finite()) {
        return Err(Error(format!(
            "the store throughput must be above 0 MB/s, not {}",
            config.store_mb_per_sec
        )));
    }
    if config.rate_limit == Some(0) {
        return Err(Error(
            "the rate limit must be at least 1 request per second".into(),
        ));
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
    Ok(())
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop_now();
    }
}
