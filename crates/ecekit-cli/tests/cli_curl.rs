//! `ecekit curl`, run as a user would: the built binary, its stdout executed
//! by bash against a loopback listener.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_ecekit");

fn ecekit(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ecekit runs");
    let mut input = child.stdin.take().unwrap();
    // A usage error exits before reading stdin: a closed pipe is expected then.
    if let Err(e) = input.write_all(stdin.unwrap_or(b"")) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn temp_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ecekit-cli-curl-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Received {
    request_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Listens on 127.0.0.1, answers one request with 200 `{}`.
fn loopback() -> (u16, mpsc::Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            reader.read_line(&mut h).unwrap();
            let h = h.trim_end_matches(['\r', '\n']).to_string();
            if h.is_empty() {
                break;
            }
            let (n, v) = h.split_once(':').unwrap();
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
        let mut out = stream;
        let get = |name: &str| {
            headers
                .iter()
                .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        if get("Expect").is_some() {
            out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap();
        }
        let len: usize = get("Content-Length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
            .unwrap();
        let _ = tx.send(Received {
            request_line: request_line.trim_end().to_string(),
            headers,
            body,
        });
    });
    (port, rx)
}

fn run_bash(script: &str, dir: &Path, vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(script)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .stdin(Stdio::null());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn bash_n(script: &str) {
    let out = Command::new("bash")
        .args(["-n", "-c", script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One clear line on stderr, exit 2, nothing on stdout.
fn assert_usage_error(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    assert!(o.stdout.is_empty(), "stdout: {}", stdout(o));
    let err = stderr(o);
    assert!(err.contains(needle), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

const SECRET: &str = "p'a\"s$s`w\\o\nrd EOF\n😀 ${HOME} $(id) !x";

fn keystore_body() -> String {
    let mut s = serde_json::to_string_pretty(&serde_json::json!({
        "secrets": {"s3.client.default.secret_key": {"value": SECRET}}
    }))
    .unwrap();
    s.push('\n');
    s
}

#[test]
fn help_has_examples() {
    let o = ecekit(&["curl", "--help"], None);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for needle in [
        "keystore-set",
        "platform-repository-put",
        "--target",
        "Examples:",
        "ecekit curl repository-verify --target ece --repository s3-repo",
        "$ECE_API_KEY",
        "no proxy",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
}

#[test]
fn keystore_set_from_a_file_runs_and_delivers_the_exact_bytes() {
    let dir = temp_dir("file");
    let body = keystore_body();
    let body_path = dir.join("body.json");
    std::fs::write(&body_path, &body).unwrap();
    let o = ecekit(
        &[
            "curl",
            "keystore-set",
            "--target",
            "ece",
            "--coordinator",
            "http://$COORDINATOR_HOST",
            "--body",
            body_path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let script = stdout(&o);
    bash_n(&script);
    assert!(script.contains("-H \"Authorization: ApiKey $ECE_API_KEY\""));
    assert!(script.contains("--data-binary @- <<'EOF'"));
    assert!(
        stderr(&o).contains("reload_secure_settings"),
        "notes on stderr"
    );
    assert!(!stderr(&o).contains("p'a"), "no secret in the notes");

    let (port, rx) = loopback();
    let host = format!("127.0.0.1:{port}");
    let key = "ZmFrZTprZXk=\"'$x";
    let out = run_bash(
        &script,
        &dir,
        &[
            ("COORDINATOR_HOST", &host),
            ("DEPLOYMENT_ID", "0123456789abcdef0123456789abcdef"),
            ("REF_ID", "main-elasticsearch"),
            ("ECE_API_KEY", key),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    assert_eq!(
        got.request_line,
        "PATCH /api/v1/deployments/0123456789abcdef0123456789abcdef/elasticsearch/main-elasticsearch/keystore HTTP/1.1"
    );
    assert_eq!(
        got.header("Authorization"),
        Some(format!("ApiKey {key}").as_str())
    );
    assert_eq!(got.body, body.as_bytes());
    let v: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(
        v["secrets"]["s3.client.default.secret_key"]["value"],
        SECRET
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn keystore_pipeline_from_the_generator_to_the_listener() {
    // ecekit keystore --secret NAME=env:VAR | ecekit curl keystore-set --body -
    let mut gen = Command::new(BIN);
    gen.args([
        "keystore",
        "--secret",
        "s3.client.default.secret_key=env:THE_SECRET",
    ])
    .env("THE_SECRET", SECRET.replace('\n', " "));
    let generated = gen.output().unwrap();
    if generated.status.code() != Some(0) {
        panic!(
            "ecekit keystore failed: {}",
            String::from_utf8_lossy(&generated.stderr)
        );
    }
    let o = ecekit(
        &["curl", "keystore-set", "--target", "ess", "--body", "-"],
        Some(&generated.stdout),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let script = stdout(&o);
    assert!(script.contains("\"https://api.elastic-cloud.com/api/v1/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore\""));
    assert!(script.contains("\"Authorization: ApiKey $EC_API_KEY\""));

    // Point the Elastic Cloud URL at the listener to execute it.
    let (port, rx) = loopback();
    let local = script.replace(
        "https://api.elastic-cloud.com",
        &format!("http://127.0.0.1:{port}"),
    );
    let dir = temp_dir("pipe");
    let out = run_bash(
        &local,
        &dir,
        &[("DEPLOYMENT_ID", "d"), ("REF_ID", "r"), ("EC_API_KEY", "k")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    let mut expected = generated.stdout.clone();
    if expected.last() != Some(&b'\n') {
        expected.push(b'\n');
    }
    assert_eq!(got.body, expected);
    let v: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(
        v["secrets"]["s3.client.default.secret_key"]["value"],
        SECRET.replace('\n', " ")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn repository_put_through_the_ece_proxy() {
    let dir = temp_dir("repo");
    let repo = "{\"type\":\"s3\",\"settings\":{\"bucket\":\"b\",\"client\":\"default\"}}";
    std::fs::write(dir.join("repo.json"), repo).unwrap();
    let o = ecekit(
        &[
            "curl",
            "repository-put",
            "--target",
            "ece",
            "--repository",
            "s3-repo",
            "--deployment-id",
            "0123456789abcdef0123456789abcdef",
            "--ref-id",
            "main-elasticsearch",
            "--coordinator",
            "ece.example.com",
            "--cacert",
            "--body",
            dir.join("repo.json").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    bash_n(&s);
    assert!(s.contains("--cacert \"$ECE_CA_CERT\""));
    assert!(s.contains("-H 'X-Management-Request: true'"));
    assert!(s.contains("\"https://ece.example.com:12443/api/v1/deployments/0123456789abcdef0123456789abcdef/elasticsearch/main-elasticsearch/proxy/_snapshot/s3-repo\""));
    // The file had no final newline: the heredoc adds one.
    assert!(s.ends_with(&format!("{repo}\nEOF\n")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ess_repository_put_says_there_is_no_proxy() {
    let o = ecekit(
        &[
            "curl",
            "repository-put",
            "--target",
            "ess",
            "--repository",
            "r",
            "--body",
            "-",
        ],
        Some(b"{\"type\":\"s3\",\"settings\":{\"bucket\":\"b\"}}\n"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("# Elastic Cloud has no API proxy"));
    assert!(s.contains("\"$ELASTICSEARCH_URL/_snapshot/r\""));
    assert!(s.contains("\"Authorization: ApiKey $ELASTIC_API_KEY\""));
    bash_n(&s);
}

#[test]
fn get_requests_and_defaults() {
    let o = ecekit(&["curl", "keystore-get", "--target", "ece"], None);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "# List the keystore keys\n# Set first: COORDINATOR_HOST, DEPLOYMENT_ID, REF_ID, ECE_API_KEY\ncurl -sS --fail-with-body \\\n  -H \"Authorization: ApiKey $ECE_API_KEY\" \\\n  \"https://$COORDINATOR_HOST:12443/api/v1/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore\"\n"
    );
    let o = ecekit(
        &[
            "curl",
            "reload-secure-settings",
            "--target",
            "es",
            "--insecure",
            "--auth",
            "bearer",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.contains("  -k \\\n"));
    assert!(s.contains("\"Authorization: Bearer $ELASTIC_TOKEN\""));
    assert!(s.contains("\"$ELASTICSEARCH_URL/_nodes/reload_secure_settings\""));
    assert!(stderr(&o).contains("--cacert"));
}

#[test]
fn other_shells_and_forms() {
    let body = keystore_body();
    let o = ecekit(
        &[
            "curl",
            "keystore-set",
            "--target",
            "ece",
            "--shell",
            "powershell",
            "--body",
            "-",
        ],
        Some(body.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("'@ | curl.exe -sS --fail-with-body `"));
    assert!(s.contains("${env:ECE_API_KEY}"));
    assert!(s.contains(body.trim_end()));

    let o = ecekit(
        &[
            "curl",
            "repository-verify",
            "--target",
            "ece",
            "--repository",
            "r",
            "--as",
            "console",
        ],
        None,
    );
    assert_eq!(stdout(&o), "POST _snapshot/r/_verify\n");

    let o = ecekit(
        &[
            "curl",
            "keystore-set",
            "--target",
            "ess",
            "--as",
            "ecctl",
            "--body",
            "-",
        ],
        Some(body.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    bash_n(&s);
    assert!(s.contains("ecctl deployment elasticsearch keystore update \"$DEPLOYMENT_ID\" --ref-id \"$REF_ID\" --file keystore.json"));

    let o = ecekit(
        &[
            "curl",
            "keystore-set",
            "--target",
            "ess",
            "--as",
            "terraform",
            "--body",
            "-",
        ],
        Some(body.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains(
        "resource \"ec_deployment_elasticsearch_keystore\" \"s3_client_default_secret_key\""
    ));
    assert!(!s.contains("p'a"), "no secret in Terraform");

    // A form that cannot express the request: one line, exit 2.
    let o = ecekit(
        &["curl", "keystore-get", "--target", "ece", "--as", "console"],
        None,
    );
    assert_usage_error(&o, "Kibana Dev Tools cannot send it");
}

#[test]
fn missing_inputs_are_one_line_errors() {
    assert_usage_error(
        &ecekit(&["curl", "keystore-set", "--target", "ece"], None),
        "keystore-set needs --body FILE",
    );
    assert_usage_error(
        &ecekit(&["curl", "repository-verify", "--target", "ece"], None),
        "needs --repository NAME",
    );
    assert_usage_error(
        &ecekit(&["curl", "login", "--target", "ece"], None),
        "never taken from the command line",
    );
    assert_usage_error(
        &ecekit(
            &["curl", "login", "--target", "ess", "--body", "-"],
            Some(b"{}"),
        ),
        "API keys only",
    );
    assert_usage_error(
        &ecekit(&["curl", "keystore-get", "--target", "es"], None),
        "no HTTP API",
    );
    assert_usage_error(
        &ecekit(
            &["curl", "keystore-get", "--target", "ece", "--body", "-"],
            Some(b"{}"),
        ),
        "sends no body",
    );
    assert_usage_error(
        &ecekit(
            &[
                "curl",
                "keystore-get",
                "--target",
                "ece",
                "--deployment-id",
                "a b",
            ],
            None,
        ),
        "deployment id",
    );
    assert_usage_error(
        &ecekit(
            &[
                "curl",
                "keystore-get",
                "--target",
                "ess",
                "--coordinator",
                "x",
            ],
            None,
        ),
        "api.elastic-cloud.com",
    );
    assert_usage_error(
        &ecekit(
            &[
                "curl",
                "keystore-set",
                "--target",
                "ece",
                "--body",
                "/nonexistent/body.json",
            ],
            None,
        ),
        "cannot read /nonexistent/body.json",
    );
    // A body that is not JSON: the error names the place, never the content.
    let o = ecekit(
        &["curl", "keystore-set", "--target", "ece", "--body", "-"],
        Some(b"{\"secrets\": {\"k\": {\"value\": \"TOPSECRET\"}"),
    );
    assert_usage_error(&o, "not valid JSON (line 1");
    assert!(!stderr(&o).contains("TOPSECRET"));
    // clap's own usage errors: exit 2.
    let o = ecekit(&["curl", "nope", "--target", "ece"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = ecekit(&["curl", "keystore-get"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = ecekit(
        &[
            "curl",
            "keystore-get",
            "--target",
            "ece",
            "--insecure",
            "--cacert",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn non_utf8_body_is_refused() {
    let o = ecekit(
        &["curl", "keystore-set", "--target", "ece", "--body", "-"],
        Some(b"{\"secrets\":{\"k\":{\"value\":\"\xff\"}}}"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

/// A simulator process, killed when dropped.
struct Simulator {
    child: std::process::Child,
    base: String,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn simulator(key: &str, password: &str) -> Simulator {
    let mut child = Command::new(BIN)
        .args([
            "simulator",
            "--listen",
            "127.0.0.1:0",
            "--api-key",
            key,
            "--password",
            password,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the simulator starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let base = url.trim_end_matches("/api/v1").to_string();
    Simulator { child, base }
}

/// Renders `args` with `ecekit curl`, runs the command with bash, returns
/// whether it succeeded and the answer body curl printed.
fn try_send(
    sim: &Simulator,
    args: &[&str],
    body: Option<&str>,
    vars: &[(&str, &str)],
) -> (bool, String) {
    let mut full = vec!["curl"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--target", "ece", "--coordinator", &sim.base]);
    if body.is_some() {
        full.extend_from_slice(&["--body", "-"]);
    }
    let o = ecekit(&full, body.map(str::as_bytes));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dir = temp_dir("sim");
    let out = run_bash(&stdout(&o), &dir, vars);
    let _ = std::fs::remove_dir_all(&dir);
    (out.status.success(), String::from_utf8(out.stdout).unwrap())
}

fn send(sim: &Simulator, args: &[&str], body: Option<&str>, vars: &[(&str, &str)]) -> String {
    let (ok, answer) = try_send(sim, args, body, vars);
    assert!(ok, "{args:?} failed: {answer}");
    answer
}

/// The whole flow against the coordinator simulator (which checks bodies
/// against the ECE spec and refuses proxy calls without
/// X-Management-Request): every command ecekit prints works as printed, and
/// the engine's parsers read every answer.
#[test]
fn every_ece_command_works_against_the_simulator() {
    use ecekit_core::api;
    let key = "sim-key-'\"$`";
    let sim = simulator(key, "pa$$w'rd");
    let auth = [("ECE_API_KEY", key)];

    let list =
        api::parse_deployments_list(&send(&sim, &["deployments-list"], None, &auth)).unwrap();
    let dep = &list[0];
    let es = &dep.elasticsearch[0];
    let ids = [
        ("ECE_API_KEY", key),
        ("DEPLOYMENT_ID", dep.id.as_str()),
        ("REF_ID", es.ref_id.as_str()),
    ];

    let got = api::parse_deployment(&send(&sim, &["deployment-get"], None, &ids)).unwrap();
    assert_eq!(got.id, dep.id);

    // Registering before the keystore has the client's keys fails in
    // Elasticsearch; the proxy passes its error through, and it parses.
    let repo = "{\"type\":\"s3\",\"settings\":{\"bucket\":\"my-bucket\",\"client\":\"default\"}}";
    let (ok, answer) = try_send(
        &sim,
        &["repository-put", "--repository", "s3-repo"],
        Some(repo),
        &ids,
    );
    assert!(!ok, "curl -sS --fail-with-body fails on a 500");
    let err = api::parse_error(500, &[], &answer, ecekit_core::Platform::Ece);
    assert_eq!(
        err.errors[0].code, "repository_verification_exception",
        "{answer}"
    );
    assert!(err.errors[0].hint.is_some());

    let keystore = serde_json::json!({"secrets": {
        "s3.client.default.access_key": {"value": "AKIAZ7Q3M5N2P4R6T8V1"},
        "s3.client.default.secret_key": {"value": SECRET},
    }})
    .to_string();
    let keys = api::parse_keystore_contents(&send(&sim, &["keystore-set"], Some(&keystore), &ids))
        .unwrap();
    assert!(keys
        .iter()
        .any(|k| k.name == "s3.client.default.secret_key"));
    let keys = api::parse_keystore_contents(&send(&sim, &["keystore-get"], None, &ids)).unwrap();
    assert_eq!(
        keys.iter()
            .find(|k| k.name == "s3.client.default.secret_key")
            .unwrap()
            .as_file,
        Some(false)
    );

    let reload =
        api::parse_reload_response(&send(&sim, &["reload-secure-settings"], None, &ids)).unwrap();
    assert!(reload.ok(), "{reload:?}");

    send(
        &sim,
        &["repository-put", "--repository", "s3-repo"],
        Some(repo),
        &ids,
    );
    let nodes = api::parse_verify_response(&send(
        &sim,
        &["repository-verify", "--repository", "s3-repo"],
        None,
        &ids,
    ))
    .unwrap();
    assert!(!nodes.is_empty());

    let platform = "{\"type\":\"s3\",\"settings\":{\"bucket\":\"b\",\"region\":\"us-east-1\",\"access_key\":\"AKIAIOSFODNN7EXAMPLE\",\"secret_key\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}}";
    send(
        &sim,
        &["platform-repository-put", "--repository", "ece-snapshots"],
        Some(platform),
        &auth,
    );

    // Log in, then use the bearer token.
    let login = serde_json::json!({"username": "admin", "password": "pa$$w'rd"}).to_string();
    let token = api::parse_token_response(&send(&sim, &["login"], Some(&login), &[])).unwrap();
    let bearer = [
        ("ECE_TOKEN", token.token.as_str()),
        ("DEPLOYMENT_ID", dep.id.as_str()),
        ("REF_ID", es.ref_id.as_str()),
    ];
    let keys = api::parse_keystore_contents(&send(
        &sim,
        &["keystore-get", "--auth", "bearer"],
        None,
        &bearer,
    ))
    .unwrap();
    assert!(!keys.is_empty());
}
