//! `ecekit simulator` run as a user would: the built binary, its first stdout
//! line, a few requests over loopback, and what it logs on stderr.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_ecekit");
const DEP: &str = "3b7c1f0e9a5d4c2b8e6f0a1d2c3b4a59";

/// A running simulator process, killed on drop.
struct Running {
    child: Child,
    base_url: String,
    /// Stdout's second line, `Elasticsearch endpoint: URL`.
    es_line: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    fn start(args: &[&str]) -> Running {
        Running::start_with_env(args, &[])
    }

    /// Starts with `args` and these environment variables (and no
    /// ECEKIT_SIMULATOR_API_KEY unless given).
    fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut child = Command::new(BIN)
            .arg("simulator")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("ECEKIT_SIMULATOR_API_KEY")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ecekit runs");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (mut line, mut es_line) = (String::new(), String::new());
        out.read_line(&mut line).unwrap();
        out.read_line(&mut es_line).unwrap();
        Running {
            child,
            base_url: line.trim().to_string(),
            es_line: es_line.trim().to_string(),
        }
    }

    fn port(&self) -> u16 {
        port_of(&self.base_url)
    }

    /// The self-managed cluster's URL, from stdout's second line.
    fn es_url(&self) -> String {
        self.es_line
            .strip_prefix("Elasticsearch endpoint: ")
            .unwrap_or_else(|| panic!("not the endpoint line: {}", self.es_line))
            .to_string()
    }

    /// Plain HTTP/1.1 request with `Connection: close`; returns status and body.
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        raw_request(
            self.port(),
            method,
            &format!("/api/v1{path}"),
            headers,
            body,
        )
    }

    /// Stops the process and returns everything it wrote on stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut err = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        err
    }
}

/// The word printed right after `prefix` in `err`.
fn printed_after(err: &str, prefix: &str) -> String {
    err.split(prefix)
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("nothing after {prefix:?} in: {err}"))
        .to_string()
}

fn port_of(url: &str) -> u16 {
    let hostport = url.split('/').nth(2).unwrap();
    hostport.rsplit(':').next().unwrap().parse().unwrap()
}

/// One HTTP/1.1 request with `Connection: close` to 127.0.0.1:`port`.
fn raw_request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    tcp.write_all(req.as_bytes()).unwrap();
    let mut resp = String::new();
    tcp.read_to_string(&mut resp).unwrap();
    let status = resp.split(' ').nth(1).unwrap().parse().unwrap();
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn help_has_an_example() {
    let out = Command::new(BIN)
        .args(["simulator", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Examples:"), "{text}");
    assert!(text.contains("ecekit simulator --listen 127.0.0.1:12443 --api-key"));
    assert!(text.contains("--fail-rate"));
}

#[test]
fn refuses_non_loopback_and_bad_values() {
    for args in [
        &["--listen", "0.0.0.0:12443"][..],
        &["--listen", "192.168.0.10:12443"][..],
        &["--listen", "localhost"][..],
        &["--listen", "127.0.0.1:0", "--fail-rate", "2"][..],
    ] {
        let out = Command::new(BIN)
            .arg("simulator")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("ecekit: error: "), "{err}");
        if args[1] != "127.0.0.1:0" && args[1] != "localhost" {
            assert!(err.contains("loopback only"), "{err}");
        }
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn prints_the_base_url_serves_and_never_logs_secrets() {
    let key = "cli-test-key-5f1e";
    let password = "cli-test-password-9a";
    let secret = "VERY-SECRET-VALUE-31";
    let sim = Running::start(&["--api-key", key, "--password", password, "--seed", "1"]);
    assert!(
        sim.base_url.starts_with("http://127.0.0.1:"),
        "{}",
        sim.base_url
    );
    assert!(sim.base_url.ends_with("/api/v1"));
    let auth = format!("ApiKey {key}");

    let (status, body) = sim.request("GET", "/deployments", &[("Authorization", &auth)], "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(DEP));

    let patch =
        format!(r#"{{"secrets":{{"s3.client.default.secret_key":{{"value":"{secret}"}}}}}}"#);
    let path = format!("/deployments/{DEP}/elasticsearch/main-elasticsearch/keystore");
    let (status, body) = sim.request("PATCH", &path, &[("Authorization", &auth)], &patch);
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains(secret));

    let login = format!(r#"{{"username":"admin","password":"{password}"}}"#);
    let (status, body) = sim.request("POST", "/users/auth/_login", &[], &login);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("session_expiration_time"));

    let (status, _) = sim.request(
        "GET",
        "/deployments",
        &[("Authorization", "ApiKey wrong")],
        "",
    );
    assert_eq!(status, 401);

    let err = sim.stop();
    assert!(err.contains("GET /api/v1/deployments 200"), "{err}");
    assert!(err.contains(&format!("PATCH /api/v1{path} 200")), "{err}");
    assert!(err.contains("GET /api/v1/deployments 401"), "{err}");
    for leaked in [key, password, secret] {
        assert!(!err.contains(leaked), "stderr shows {leaked}: {err}");
    }
}

#[test]
fn makes_and_prints_a_demo_key_when_none_is_given() {
    let sim = Running::start(&["--quiet"]);
    let (status, _) = sim.request(
        "GET",
        "/deployments",
        &[("Authorization", "ApiKey nope")],
        "",
    );
    assert_eq!(status, 401);
    let err = sim.stop();
    let key = printed_after(&err, "demo API key: ");
    assert!(key.len() >= 20);
    assert!(err.contains("demo login: admin / "));
    assert!(
        !err.contains("GET /api/v1"),
        "--quiet logs no requests: {err}"
    );

    // The key printed is the one accepted.
    let sim = Running::start(&["--api-key", &key]);
    let (status, _) = sim.request(
        "GET",
        "/deployments",
        &[("Authorization", &format!("ApiKey {key}"))],
        "",
    );
    assert_eq!(status, 200);
}

#[test]
fn tls_writes_the_certificate_and_prints_https() {
    let dir = std::env::temp_dir().join(format!("ecekit-sim-cert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = dir.join("cert.pem");
    let sim = Running::start(&[
        "--api-key",
        "k-tls",
        "--tls",
        "--cert-out",
        cert.to_str().unwrap(),
    ]);
    assert!(
        sim.base_url.starts_with("https://127.0.0.1:"),
        "{}",
        sim.base_url
    );
    let pem = std::fs::read_to_string(&cert).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    // Plain HTTP to the TLS port gets no HTTP answer.
    let mut tcp = TcpStream::connect(("127.0.0.1", sim.port())).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    tcp.write_all(b"GET /api/v1/deployments HTTP/1.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut resp = Vec::new();
    let _ = tcp.read_to_end(&mut resp);
    assert!(!resp.starts_with(b"HTTP/1.1 200"));
    let err = sim.stop();
    assert!(err.contains("certificate SHA-256"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh folder under the system's temporary folder.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ecekit-sim-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn takes_the_key_from_a_file_or_the_environment_and_never_prints_it() {
    let dir = temp_dir("key-file");
    let file = dir.join("api-key");
    let file_key = "file-key-2b9e41d07c";
    // A trailing newline (as `echo KEY > FILE` writes) is not part of the key.
    std::fs::write(&file, format!("{file_key}\n")).unwrap();
    let env_key = "env-key-83a5f6c1e2";
    for (args, env, key) in [
        (
            vec!["--api-key-file", file.to_str().unwrap()],
            vec![],
            file_key,
        ),
        (vec![], vec![("ECEKIT_SIMULATOR_API_KEY", env_key)], env_key),
    ] {
        let sim = Running::start_with_env(&args, &env);
        assert!(!sim.base_url.contains(key));
        let (status, body) = sim.request(
            "GET",
            "/deployments",
            &[("Authorization", &format!("ApiKey {key}"))],
            "",
        );
        assert_eq!(status, 200, "{args:?}: {body}");
        let err = sim.stop();
        assert!(err.contains("GET /api/v1/deployments 200"), "{err}");
        assert!(!err.contains(key), "stderr shows the key: {err}");
        assert!(!err.contains("demo API key"), "{err}");
    }
    // --api-key and --api-key-file together are refused.
    let out = Command::new(BIN)
        .args(["simulator", "--listen", "127.0.0.1:0", "--api-key", "k"])
        .args(["--api-key-file", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_or_empty_key_file_is_a_clear_error() {
    let dir = temp_dir("bad-key-file");
    let missing = dir.join("no-such-file");
    let empty = dir.join("empty");
    std::fs::write(&empty, "  \n").unwrap();
    for (file, expected) in [(&missing, "cannot read"), (&empty, "is empty")] {
        let out = Command::new(BIN)
            .args(["simulator", "--listen", "127.0.0.1:0", "--api-key-file"])
            .arg(file)
            .env_remove("ECEKIT_SIMULATOR_API_KEY")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file:?}");
        assert!(out.stdout.is_empty(), "no URL: it did not start");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("ecekit: error: --api-key-file "), "{err}");
        assert!(
            err.contains(file.to_str().unwrap()),
            "names the file: {err}"
        );
        assert!(err.contains(expected), "{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (the test has no base64 crate).
fn b64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn unb64(text: &str) -> Vec<u8> {
    let digits: Vec<u32> = text
        .bytes()
        .filter(|b| *b != b'=')
        .map(|b| B64.iter().position(|c| *c == b).expect("base64") as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk.iter().fold(0u32, |n, d| (n << 6) | d) << (6 * (4 - chunk.len()));
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", b64(format!("{user}:{password}").as_bytes()))
}

#[test]
fn the_test_base64_is_right() {
    assert_eq!(b64(b"elastic:pw"), "ZWxhc3RpYzpwdw==");
    assert_eq!(unb64("ZWxhc3RpYzpwdw=="), b"elastic:pw");
    assert_eq!(b64(b"ab"), "YWI=");
    assert_eq!(unb64("YWJj"), b"abc");
}

#[test]
fn prints_the_elasticsearch_endpoint_and_fresh_keys_and_never_logs_the_password() {
    let es_password = "cli-es-password-7c";
    let sim = Running::start(&["--api-key", "k-es", "--es-password", es_password]);
    let es = sim.es_url();
    assert!(es.starts_with("http://127.0.0.1:"), "{es}");
    let port = port_of(&es);
    let auth = basic("elastic", es_password);
    let (status, body) = raw_request(port, "GET", "/", &[("Authorization", &auth)], "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"cluster_name\":\"self-managed\""), "{body}");
    let fs = r#"{"type":"fs","settings":{"location":"/mnt/snapshots/cli"}}"#;
    let (status, body) = raw_request(
        port,
        "PUT",
        "/_snapshot/local",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        fs,
    );
    assert_eq!(status, 200, "{body}");
    let (status, _) = raw_request(port, "GET", "/", &[], "");
    assert_eq!(status, 401);
    let err = sim.stop();
    let key = printed_after(&err, "Elasticsearch API key (encoded, all privileges): ");
    let decoded = String::from_utf8(unb64(&key)).unwrap();
    assert_eq!(
        decoded.split(':').map(str::len).collect::<Vec<_>>(),
        [20, 22]
    );
    assert!(
        err.contains("Elasticsearch API key (encoded, monitor privileges only; writes get 403): ")
    );
    assert!(
        !err.contains("Elasticsearch login:"),
        "a given password is not printed: {err}"
    );
    assert!(!err.contains(es_password));
    assert!(
        err.contains(&format!(
            "[elasticsearch 127.0.0.1:{port}] PUT /_snapshot/local 200"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("[elasticsearch 127.0.0.1:{port}] GET / 401")),
        "{err}"
    );
}

#[test]
fn a_random_elasticsearch_password_is_printed_and_one_from_the_environment_is_not() {
    let sim = Running::start_with_env(&["--api-key", "k-es2"], &[]);
    let port = port_of(&sim.es_url());
    let err_then = |sim: Running| sim.stop();
    // The password comes from the environment when it is set there.
    let with_env = Running::start_with_env(
        &["--api-key", "k-es3"],
        &[("ECEKIT_SIMULATOR_ES_PASSWORD", "from-the-env-5d")],
    );
    let env_port = port_of(&with_env.es_url());
    let root_as = |port: u16, password: &str| {
        raw_request(
            port,
            "GET",
            "/",
            &[("Authorization", &basic("elastic", password))],
            "",
        )
        .0
    };
    assert_eq!(root_as(env_port, "from-the-env-5d"), 200);
    assert!(!err_then(with_env).contains("from-the-env-5d"));
    assert_eq!(root_as(port, "x"), 401);
    let err = err_then(sim);
    let password = printed_after(&err, "Elasticsearch login: elastic / ");
    assert!(password.len() >= 12);
}

#[test]
fn elastic_cloud_and_fleet_flags() {
    let sim = Running::start(&[
        "--api-key",
        "k-ess",
        "--platform",
        "ess",
        "--deployments",
        "12",
        "--seed",
        "4",
    ]);
    let auth = "ApiKey k-ess";
    let (status, body) = sim.request("GET", "/deployments", &[("Authorization", auth)], "");
    assert_eq!(status, 200);
    assert_eq!(
        body.matches("\"kind\":\"elasticsearch\"").count(),
        12,
        "{body}"
    );
    let (status, _) = sim.request(
        "POST",
        "/users/auth/_login",
        &[],
        r#"{"username":"admin","password":"x"}"#,
    );
    assert_eq!(status, 404, "Elastic Cloud has no login");
    let (status, body) = raw_request(
        sim.port(),
        "GET",
        "/__simulator/fleet",
        &[("Authorization", auth)],
        "",
    );
    assert_eq!(status, 200);
    assert!(body.contains("\"profile\":\"missing-keys\""), "{body}");
    let err = sim.stop();
    assert!(err.contains("12 deployments with --seed 4"), "{err}");
}

#[test]
fn refuses_bad_new_flags() {
    for (args, says) in [
        (&["--deployments", "0"][..], "--deployments 0"),
        (&["--proxy-timeout-secs", "0"][..], "--proxy-timeout-secs 0"),
        (&["--es-listen", "0.0.0.0:9200"][..], "loopback only"),
        (&["--rate-limit", "0"][..], "--rate-limit 0"),
        (&["--store-mb-per-sec", "0"][..], "--store-mb-per-sec 0"),
        (
            &["--es-password", ""][..],
            "--es-password must not be empty",
        ),
    ] {
        let out = Command::new(BIN)
            .args(["simulator", "--listen", "127.0.0.1:0", "--api-key", "k"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    let out = Command::new(BIN)
        .args(["simulator", "--platform", "gcp"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
