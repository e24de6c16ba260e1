//! `ecekit simulator`: run the in-memory ECE coordinator simulator.

use crate::CliError;
use ecekit_simulator::{Config, Platform, Simulator};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Environment variable read for the API key when no option gives one.
const KEY_ENV: &str = "ECEKIT_SIMULATOR_API_KEY";
/// Environment variable read for the Elasticsearch `elastic` password.
const ES_PASSWORD_ENV: &str = "ECEKIT_SIMULATOR_ES_PASSWORD";
/// Largest `--api-key-file` read (a key is far smaller; this stops a
/// mistaken `/dev/zero` or log file from being read whole).
const MAX_KEY_FILE: u64 = 64 * 1024;

#[derive(clap::Args)]
#[command(
    about = "Run a local ECE coordinator simulator (loopback only) for trying ecekit and for tests",
    long_about = "Run a local ECE coordinator simulator for trying ecekit's requests and for tests.\n\n\
It serves under /api/v1: POST /users/auth/_login and /users/auth/_refresh, GET /deployments, \
GET /deployments/{id}, GET and PATCH /deployments/{id}/elasticsearch/{ref_id}/keystore, the \
Elasticsearch proxy /deployments/{id}/elasticsearch/{ref_id}/proxy/{path} for _snapshot PUT/GET/DELETE, \
_snapshot/<name>/_verify and _nodes/reload_secure_settings (only with `X-Management-Request: true`), \
and GET/PUT /platform/configuration/snapshots/repositories/{name}. State lives in memory; bodies are \
checked against the official ECE spec's definitions. --platform ess serves the Elastic Cloud API \
instead (API keys only; deployments and keystore; no proxy).\n\n\
Every cluster also has its own Elasticsearch endpoint on a loopback port (in each deployment's \
info: resources.elasticsearch[].info.metadata.service_url), and a self-managed cluster (path.repo \
/mnt/snapshots, a default S3 client in its keystore) listens on --es-listen. They take Elasticsearch \
API keys (`Authorization: ApiKey <encoded>`) and basic auth for `elastic`, and serve _snapshot \
(repositories, _verify, _analyze, snapshots, _status), _slm, _cluster/settings and \
_nodes/reload_secure_settings, as the ECE proxy does.\n\n\
The first line on stdout is the base URL (http://127.0.0.1:PORT/api/v1, or https with --tls); the \
second is `Elasticsearch endpoint: URL`, the self-managed cluster's. \
Requests are logged on stderr as method, path and status: never bodies, secrets or the key. \
It listens on loopback addresses only. Ctrl-C stops it.\n\n\
The accepted API key comes from --api-key, --api-key-file or $ECEKIT_SIMULATOR_API_KEY and is never \
printed; without one, a random demo key is made and printed on stderr. Two fresh Elasticsearch API \
keys are printed on stderr at every start: one with every privilege, one with monitor privileges \
only (its writes get 403).\n\n\
Fault hooks: the header `X-Simulator-Fault: error|drop|hang|delay=MS` on any request; the deployments \
fa170000000000000000000000000500 (500), fa1700000000000000000000000d7000 (dropped connection) and \
fa17000000000000000000000000ba46 (hang), listed with --fault-deployments; POST /__simulator/faults \
{\"fault\":\"error\",\"count\":1,\"path_contains\":\"/keystore\",\"method\":\"PATCH\"} queues faults.",
    after_help = "Examples:\n  \
ecekit simulator --listen 127.0.0.1:12443 --api-key demo-key --tls\n  \
curl -k -H 'Authorization: ApiKey demo-key' https://127.0.0.1:12443/api/v1/deployments\n  \
ecekit simulator --listen 127.0.0.1:0 --api-key-file ./sim-key --latency 200 --fail-rate 0.1 --seed 7 --fault-deployments\n  \
ecekit simulator --platform ess --es-cors-origin http://127.0.0.1:8080 --snapshot-ms 500\n  \
ecekit simulator --deployments 500 --latency 20 --seed 1 --quiet"
)]
pub struct Args {
    /// Loopback address and port to listen on (port 0 picks a free one).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:12443")]
    listen: String,

    /// The accepted API key (`Authorization: ApiKey KEY`), for demos and tests: other local
    /// users can read a command line, so prefer --api-key-file or $ECEKIT_SIMULATOR_API_KEY.
    /// Default: $ECEKIT_SIMULATOR_API_KEY, else a random demo key printed on stderr at start.
    #[arg(long, value_name = "KEY", conflicts_with = "api_key_file")]
    api_key: Option<String>,

    /// Read the accepted API key from this file (surrounding whitespace and the final
    /// newline are not part of it). The key is never printed.
    #[arg(long, value_name = "PATH")]
    api_key_file: Option<PathBuf>,

    /// Password of the demo user `admin` for POST /users/auth/_login. Default: a random one
    /// printed on stderr at start.
    #[arg(long, value_name = "PASSWORD")]
    password: Option<String>,

    /// Delay every answer by this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency: u64,

    /// Fraction of requests (0 to 1) that fail with a 500 BasicFailedReply.
    #[arg(long, value_name = "R", default_value_t = 0.0)]
    fail_rate: f64,

    /// Seed for --fail-rate, so a run's failures repeat. Default: random, printed on stderr.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,

    /// Serve HTTPS with a self-signed certificate made at start (its SHA-256 is printed on stderr).
    #[arg(long)]
    tls: bool,

    /// With --tls, also write the certificate (PEM) to this file.
    #[arg(long, value_name = "FILE", requires = "tls")]
    cert_out: Option<PathBuf>,

    /// The API key expires this many days after start (X-Elastic-Api-Key-Expiration);
    /// under 14 lets a client warn, 0 or less makes the key already expired.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 90,
        allow_negative_numbers = true
    )]
    key_expires_in_days: i64,

    /// Lifetime of bearer tokens from login, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    token_ttl: u64,

    /// Send CORS headers allowing this origin (real ECE sends none; for the static-page demo).
    #[arg(long, value_name = "ORIGIN")]
    cors_origin: Option<String>,

    /// List the three fault deployments (500, dropped connection, hang) in GET /deployments.
    #[arg(long)]
    fault_deployments: bool,

    /// How long a hanging request is held before its connection is closed, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    hang_secs: u64,

    /// Do not log requests on stderr.
    #[arg(long)]
    quiet: bool,

    /// The coordinator API to serve: `ece` (Elastic Cloud Enterprise) or `ess` (Elastic Cloud:
    /// API keys only, deployments and keystore, no proxy).
    #[arg(long, value_name = "ece|ess", default_value = "ece", value_parser = ["ece", "ess"])]
    platform: String,

    /// Deployments in GET /deployments: the 3 demo ones, then generated ones in varied,
    /// deterministic states (by --seed; GET /__simulator/fleet lists them).
    #[arg(long, value_name = "N", default_value_t = 3)]
    deployments: usize,

    /// Loopback address of the self-managed cluster's Elasticsearch endpoint (default: the
    /// --listen address, a free port). Each deployment's own endpoint gets a free port.
    #[arg(long, value_name = "ADDR:PORT")]
    es_listen: Option<String>,

    /// Password of the Elasticsearch user `elastic` (basic auth on every Elasticsearch
    /// endpoint). Default: $ECEKIT_SIMULATOR_ES_PASSWORD, else a random one printed on stderr.
    #[arg(long, value_name = "PASSWORD", conflicts_with = "es_password_file")]
    es_password: Option<String>,

    /// Read the `elastic` password from this file (its only line). It is never printed.
    #[arg(long, value_name = "PATH")]
    es_password_file: Option<PathBuf>,

    /// Elasticsearch's http.cors.allow-origin on every Elasticsearch endpoint (off by default,
    /// as in Elasticsearch); another origin gets 403.
    #[arg(long, value_name = "ORIGIN")]
    es_cors_origin: Option<String>,

    /// The ECE proxy cuts a request to Elasticsearch that takes longer than this (504).
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    proxy_timeout_secs: f64,

    /// How long a snapshot stays IN_PROGRESS before it ends, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 3000)]
    snapshot_ms: u64,

    /// Throughput of the simulated object store per operation, in MB/s: how long a
    /// repository analysis takes.
    #[arg(long, value_name = "N", default_value_t = 200.0)]
    store_mb_per_sec: f64,

    /// Coordinator requests per second; past it, 429 with Retry-After.
    #[arg(long, value_name = "N")]
    rate_limit: Option<u32>,
}

/// Parses a loopback ADDR:PORT (`localhost:PORT` means 127.0.0.1).
fn loopback(flag: &str, value: &str) -> Result<SocketAddr, CliError> {
    let spelled = match value.strip_prefix("localhost:") {
        Some(port) => format!("127.0.0.1:{port}"),
        None => value.to_string(),
    };
    let addr: SocketAddr = spelled.parse().map_err(|_| {
        CliError(format!(
            "{flag} {value}: expected ADDR:PORT such as 127.0.0.1:12443, localhost:12443 or [::1]:0"
        ))
    })?;
    if !addr.ip().is_loopback() {
        return Err(CliError(format!(
            "{flag} {addr}: the simulator serves loopback only; use 127.0.0.1:PORT or [::1]:PORT"
        )));
    }
    Ok(addr)
}

pub fn run(args: Args) -> Result<u8, CliError> {
    let listen = loopback("--listen", &args.listen)?;
    let es_listen = match &args.es_listen {
        Some(v) => Some(loopback("--es-listen", v)?),
        None => None,
    };
    if args.deployments == 0 || args.deployments > ecekit_simulator::MAX_DEPLOYMENTS {
        return Err(CliError(format!(
            "--deployments {}: expected 1 to {}",
            args.deployments,
            ecekit_simulator::MAX_DEPLOYMENTS
        )));
    }
    if !(args.proxy_timeout_secs > 0.0 && args.proxy_timeout_secs <= 86_400.0) {
        return Err(CliError(format!(
            "--proxy-timeout-secs {}: expected a number of seconds above 0 (at most 86400)",
            args.proxy_timeout_secs
        )));
    }
    if !(args.store_mb_per_sec > 0.0 && args.store_mb_per_sec.is_finite()) {
        return Err(CliError(format!(
            "--store-mb-per-sec {}: expected a throughput above 0",
            args.store_mb_per_sec
        )));
    }
    if args.rate_limit == Some(0) {
        return Err(CliError(
            "--rate-limit 0: expected at least 1 request per second".into(),
        ));
    }
    if !(0.0..=1.0).contains(&args.fail_rate) {
        return Err(CliError(format!(
            "--fail-rate {}: expected a number from 0 to 1",
            args.fail_rate
        )));
    }
    let mut notes = Vec::new();
    let api_key = match accepted_key(args.api_key, args.api_key_file.as_deref())? {
        Some(k) => k,
        None => {
            // Made up here, so printed: the only key the simulator ever shows.
            let k = format!("sim-{}", ecekit_simulator::random_token(24));
            notes.push(format!(
                "demo API key: {k}  (send `Authorization: ApiKey {k}`)"
            ));
            k
        }
    };
    let password = match args.password {
        Some(p) if !p.is_empty() => p,
        Some(_) => return Err(CliError("--password must not be empty".into())),
        None => {
            let p = ecekit_simulator::random_token(12);
            notes.push(format!("demo login: admin / {p}"));
            p
        }
    };
    let es_password = es_password(args.es_password, args.es_password_file.as_deref())?;
    let seed = args.seed.unwrap_or_else(|| {
        let bytes = ecekit_simulator::random_token(8);
        bytes
            .bytes()
            .fold(0u64, |acc, b| acc.rotate_left(7) ^ u64::from(b))
    });
    let sim = Simulator::start(Config {
        listen,
        api_key,
        password,
        latency: Duration::from_millis(args.latency),
        fail_rate: args.fail_rate,
        seed,
        tls: args.tls,
        key_expires_in_days: args.key_expires_in_days,
        token_ttl: Duration::from_secs(args.token_ttl.max(1)),
        cors_origin: args.cors_origin,
        fault_deployments: args.fault_deployments,
        hang: Duration::from_secs(args.hang_secs),
        log_requests: !args.quiet,
        limits: Default::default(),
        platform: if args.platform == "ess" {
            Platform::Ess
        } else {
            Platform::Ece
        },
        deployments: args.deployments,
        es_listen,
        es_password: es_password.clone(),
        es_cors_origin: args.es_cors_origin,
        proxy_timeout: Duration::from_secs_f64(args.proxy_timeout_secs),
        snapshot_duration: Duration::from_millis(args.snapshot_ms),
        store_mb_per_sec: args.store_mb_per_sec,
        rate_limit: args.rate_limit,
    })
    .map_err(|e| CliError(e.to_string()))?;
    // Made here, so printed, like the demo key: they open only this simulator.
    notes.push(format!(
        "Elasticsearch API key (encoded, all privileges): {}  (send `Authorization: ApiKey {}`)",
        sim.es_api_key(),
        sim.es_api_key()
    ));
    notes.push(format!(
        "Elasticsearch API key (encoded, monitor privileges only; writes get 403): {}",
        sim.es_limited_api_key()
    ));
    if es_password.is_none() {
        notes.push(format!(
            "Elasticsearch login: elastic / {}",
            sim.es_password()
        ));
    }
    if args.deployments > ecekit_simulator::fleet::DEMO_DEPLOYMENTS {
        notes.push(format!(
            "{} deployments with --seed {seed} (GET /__simulator/fleet lists each one's state)",
            args.deployments
        ));
    }

    if let (Some(path), Some(pem)) = (&args.cert_out, sim.certificate_pem()) {
        std::fs::write(path, pem)
            .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    }
    // Everything for stderr is written before the URL line on stdout, so a
    // reader that has the URL also has these notes (tests read both).
    eprintln!(
        "ecekit simulator: listening on {} (Ctrl-C stops it)",
        sim.base_url()
    );
    for n in notes {
        eprintln!("ecekit simulator: {n}");
    }
    if args.fail_rate > 0.0 {
        eprintln!(
            "ecekit simulator: --fail-rate {} with --seed {seed}",
            args.fail_rate
        );
    }
    if let Some(fp) = sim.certificate_sha256() {
        eprintln!("ecekit simulator: self-signed certificate SHA-256 {fp}");
    }
    // The base URL is the first line on stdout: scripts and tests read it.
    // Both lines go in one write, so a reader that takes the first line and
    // closes the pipe has had the second too (no broken pipe after it).
    let mut out = std::io::stdout().lock();
    let lines = format!(
        "{}\nElasticsearch endpoint: {}\n",
        sim.base_url(),
        sim.es_url()
    );
    out.write_all(lines.as_bytes())?;
    out.flush()?;
    drop(out);
    sim.wait();
    Ok(0)
}

/// The key given by `--api-key`, `--api-key-file` or `$ECEKIT_SIMULATOR_API_KEY`
/// (in that order), or `None` when none is.
fn accepted_key(flag: Option<String>, file: Option<&Path>) -> Result<Option<String>, CliError> {
    if let Some(key) = flag {
        return match key.trim() {
            "" => Err(CliError("--api-key must not be empty".into())),
            key => Ok(Some(key.to_string())),
        };
    }
    if let Some(path) = file {
        return key_from_file(path).map(Some);
    }
    match std::env::var(KEY_ENV) {
        Ok(key) if key.trim().is_empty() => Err(CliError(format!(
            "${KEY_ENV} is set but empty: set it to the API key, or unset it to get a demo key"
        ))),
        Ok(key) => Ok(Some(key.trim().to_string())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(CliError(format!(
            "${KEY_ENV} is not valid UTF-8: set it to the API key"
        ))),
    }
}

/// The `elastic` password given by `--es-password`, `--es-password-file` or
/// `$ECEKIT_SIMULATOR_ES_PASSWORD` (in that order), or `None` when none is.
fn es_password(flag: Option<String>, file: Option<&Path>) -> Result<Option<String>, CliError> {
    if let Some(p) = flag {
        return match p.as_str() {
            "" => Err(CliError("--es-password must not be empty".into())),
            _ => Ok(Some(p)),
        };
    }
    if let Some(path) = file {
        return line_from_file(path, "--es-password-file", "password").map(Some);
    }
    match std::env::var(ES_PASSWORD_ENV) {
        Ok(p) if p.trim().is_empty() => Err(CliError(format!(
            "${ES_PASSWORD_ENV} is set but empty: set it to the password, or unset it to get a random one"
        ))),
        Ok(p) => Ok(Some(p.trim().to_string())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(CliError(format!(
            "${ES_PASSWORD_ENV} is not valid UTF-8: set it to the password"
        ))),
    }
}

/// The key in `path`: its only line, without surrounding whitespace.
fn key_from_file(path: &Path) -> Result<String, CliError> {
    line_from_file(path, "--api-key-file", "API key")
}

/// The only line of `path`, without surrounding whitespace; `flag` and
/// `what` name it in messages.
fn line_from_file(path: &Path, flag: &str, what: &str) -> Result<String, CliError> {
    let shown = path.display();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_KEY_FILE + 1).read_to_end(&mut bytes))
        .map_err(|e| CliError(format!("{flag} {shown}: cannot read it ({e})")))?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        return Err(CliError(format!(
            "{flag} {shown}: larger than {MAX_KEY_FILE} bytes, so not a file with one {what}; \
             put only the {what} in it"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError(format!(
            "{flag} {shown}: not UTF-8 text; put only the {what} in it"
        ))
    })?;
    let key = text.trim();
    if key.is_empty() {
        return Err(CliError(format!(
            "{flag} {shown}: the file is empty; put the {what} in it"
        )));
    }
    if key.contains(['\n', '\r']) {
        return Err(CliError(format!(
            "{flag} {shown}: holds more than one line; put only the {what} in it"
        )));
    }
    Ok(key.to_string())
}
