//! Test client: starts a simulator on 127.0.0.1:0 in-process and talks to it
//! with ureq (certificate verification off for `--tls`).

#![allow(dead_code)]

use ecekit_simulator::{Config, Simulator};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::time::Duration;

pub const KEY: &str = "test-api-key-0123456789";
pub const PASSWORD: &str = "test-password";
pub const DEP: &str = "3b7c1f0e9a5d4c2b8e6f0a1d2c3b4a59";
pub const ES: &str = "main-elasticsearch";

pub struct Sim {
    pub sim: Simulator,
    pub agent: ureq::Agent,
}

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The error codes of a BasicFailedReply.
    pub fn codes(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("not a BasicFailedReply: {}", self.text))
            .iter()
            .map(|e| e["code"].as_str().unwrap().to_string())
            .collect()
    }
    pub fn fields(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| e["fields"].as_array().cloned().unwrap_or_default())
            .map(|f| f.as_str().unwrap().to_string())
            .collect()
    }
}

pub fn config() -> Config {
    Config {
        api_key: KEY.into(),
        password: PASSWORD.into(),
        ..Default::default()
    }
}

pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .disable_verification(true)
                .build(),
        )
        .build()
        .into()
}

pub fn start(config: Config) -> Sim {
    let sim = Simulator::start(config).expect("simulator starts");
    Sim {
        sim,
        agent: agent(Duration::from_secs(10)),
    }
}

impl Sim {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sim.base_url(), path)
    }

    /// Sends `method path` (relative to /api/v1) with optional headers and body.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Result<Resp, ureq::Error> {
        let url = if path.starts_with("/__simulator") {
            self.sim.base_url().replace("/api/v1", "") + path
        } else {
            self.url(path)
        };
        self.try_send_to(method, &url, headers, body)
    }

    /// Sends `method url` (absolute) with headers and an optional body.
    pub fn send_to(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Resp {
        self.try_send_to(method, url, headers, body)
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"))
    }

    /// Like `send_to`, with the transport error when there is no answer.
    pub fn try_send_to(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Result<Resp, ureq::Error> {
        let mut b = ureq::http::Request::builder().method(method).uri(url);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let resp = match body {
            Some(s) => self.agent.run(b.body(s.to_string()).unwrap()),
            None => self.agent.run(b.body(ureq::SendBody::none()).unwrap()),
        }?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let text = resp.into_body().read_to_string()?;
        Ok(Resp {
            status,
            headers,
            text,
        })
    }

    /// Sends to an Elasticsearch endpoint (`base` is its URL) with `auth`
    /// as the Authorization header (none when empty).
    pub fn es_at(
        &self,
        base: &str,
        method: &str,
        path: &str,
        auth: &str,
        body: Option<&str>,
    ) -> Resp {
        let url = format!("{base}/{}", path.trim_start_matches('/'));
        let mut headers = vec![("Content-Type", "application/json")];
        if !auth.is_empty() {
            headers.push(("Authorization", auth));
        }
        self.send_to(method, &url, &headers, body)
    }

    /// Sends to the self-managed cluster with the full Elasticsearch API key.
    pub fn es(&self, method: &str, path: &str, body: Option<&str>) -> Resp {
        let auth = format!("ApiKey {}", self.sim.es_api_key());
        self.es_at(self.sim.es_url(), method, path, &auth, body)
    }

    /// The direct Elasticsearch endpoint of deployment `id`, from its info.
    pub fn endpoint_of(&self, id: &str) -> String {
        let info = self.api("GET", &format!("/deployments/{id}"), None).json();
        info["resources"]["elasticsearch"][0]["info"]["metadata"]["service_url"]
            .as_str()
            .unwrap_or_else(|| panic!("no service_url in {info}"))
            .to_string()
    }

    /// Sends with the API key.
    pub fn api(&self, method: &str, path: &str, body: Option<&str>) -> Resp {
        let auth = format!("ApiKey {KEY}");
        self.send(method, path, &[("Authorization", &auth)], body)
            .unwrap()
    }

    /// Sends through the proxy with the API key and `X-Management-Request: true`.
    pub fn proxy(&self, method: &str, es_path: &str, body: Option<&str>) -> Resp {
        let auth = format!("ApiKey {KEY}");
        let path = format!("/deployments/{DEP}/elasticsearch/{ES}/proxy/{es_path}");
        self.send(
            method,
            &path,
            &[
                ("Authorization", &auth),
                ("X-Management-Request", "true"),
                ("Content-Type", "application/json"),
            ],
            body,
        )
        .unwrap()
    }

    pub fn keystore_path(&self) -> String {
        format!("/deployments/{DEP}/elasticsearch/{ES}/keystore")
    }
}

/// Sends raw bytes and reads one response (status, headers, body).
pub fn raw_response(reader: &mut BufReader<TcpStream>) -> (u16, Vec<String>, String) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let mut headers = Vec::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end().to_string();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
        headers.push(line);
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status, headers, String::from_utf8(body).unwrap())
}

pub fn connect(s: &Simulator) -> (TcpStream, BufReader<TcpStream>) {
    let tcp = TcpStream::connect(s.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let reader = BufReader::new(tcp.try_clone().unwrap());
    (tcp, reader)
}

/// Whether response headers (as `raw_response` returns them) close the connection.
pub fn closes(headers: &[String]) -> bool {
    headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case("connection: close"))
}
