//! Sending requests from a browser to a coordinator: the connection profile,
//! the credential, what the user confirms before a write, when a request may
//! be retried, and why a send failed.
//!
//! Pure functions: the web app only translates (fetch, permissions, storage).
//! No message built here ever holds a credential or a keystore value: they
//! are made from the coordinator's origin, names and limits only.

use super::request::{Operation, Request, ECE_API_PORT, ESS_API_URL};
use super::response::{ApiError, ParseError, VerifiedNode};
use crate::model::Platform;
use serde_json::Value;
use std::fmt;

/// A problem with what the user typed: one sentence saying what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub message: String,
}

impl ProfileError {
    fn new(message: impl Into<String>) -> ProfileError {
        ProfileError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProfileError {}

// ---------------------------------------------------------------- coordinator

/// Where requests go: a normalised base URL and its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordinator {
    pub platform: Platform,
    /// `https://ece.example.com:12443`: no trailing `/`, no `/api/v1`.
    pub base_url: String,
    /// `https` or `http`.
    pub scheme: String,
    /// The host without the port (IPv6 in brackets).
    pub host: String,
    pub port: Option<u16>,
}

impl Coordinator {
    /// The browser's origin of the coordinator: the default port is left out.
    pub fn origin(&self) -> String {
        match self.port {
            Some(p) if !is_default_port(&self.scheme, p) => {
                format!("{}://{}:{p}", self.scheme, self.host)
            }
            _ => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// The host permission the extension asks for: `scheme://host/*`. Match
    /// patterns carry no port in Firefox, and in Chrome a pattern without a
    /// port covers every port, so the same pattern works in both.
    pub fn permission_pattern(&self) -> String {
        format!("{}://{}/*", self.scheme, self.host)
    }

    /// True when the URL is on this coordinator's origin.
    pub fn owns(&self, url: &str) -> bool {
        origin_of(url).is_some_and(|o| o == self.origin())
    }
}

fn is_default_port(scheme: &str, port: u16) -> bool {
    (scheme == "https" && port == 443) || (scheme == "http" && port == 80)
}

/// The origin of an absolute http(s) URL (`scheme://host[:port]`, default
/// port left out, scheme and host lowercased).
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let (host, port) = split_host_port(authority).ok()?;
    Some(match port {
        Some(p) if !is_default_port(&scheme, p) => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

fn split_host_port(authority: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = if let Some(end) = authority.rfind(']') {
        let (h, rest) = authority.split_at(end + 1);
        (h, rest.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some("") => return Err("the port number after \":\" is missing".to_string()),
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("the port {p:?} is not a number from 1 to 65535"))?,
        ),
        None => None,
    };
    Ok((host.to_ascii_lowercase(), port))
}

/// Reads the coordinator URL the user typed for `platform`.
///
/// ECE: a bare host gets `https://` and port 12443; `http://host:12400` is
/// kept; a trailing `/` or `/api/v1` is dropped. Elastic Cloud: empty means
/// `https://api.elastic-cloud.com`.
pub fn coordinator(platform: Platform, input: &str) -> Result<Coordinator, ProfileError> {
    let given = input.trim();
    let text = match platform {
        Platform::Ess if given.is_empty() => ESS_API_URL.to_string(),
        Platform::Ece if given.is_empty() => {
            return Err(ProfileError::new(
                "Enter the coordinator URL, for example https://ece.example.com:12443.",
            ))
        }
        Platform::SelfManaged => {
            return Err(ProfileError::new(
                "Sending works with an ECE coordinator or Elastic Cloud: pick one of them as the platform.",
            ))
        }
        _ => given.to_string(),
    };
    if text.contains('$') {
        return Err(ProfileError::new(
            "The coordinator URL holds a variable ($…): enter the real address, for example https://ece.example.com:12443.",
        ));
    }
    if let Some((scheme, "")) = text.split_once("://") {
        return Err(ProfileError::new(format!(
            "Enter the coordinator's host after {scheme}://, for example {scheme}://ece.example.com:12443."
        )));
    }
    let mut url = text.trim_end_matches('/').to_string();
    if let Some(stripped) = url.strip_suffix("/api/v1") {
        url = stripped.trim_end_matches('/').to_string();
    }
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r.to_string()),
        None => ("https".to_string(), url.clone()),
    };
    if scheme != "https" && scheme != "http" {
        return Err(ProfileError::new(format!(
            "The coordinator URL must start with https:// (or http:// for ECE's port 12400), not {scheme}://."
        )));
    }
    if rest.contains(['?', '#', '@', ' ']) {
        return Err(ProfileError::new(
            "The coordinator URL must be a plain address such as https://ece.example.com:12443: no user name, query, fragment or spaces.",
        ));
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, mut port) = split_host_port(authority)
        .map_err(|why| ProfileError::new(format!("In the coordinator URL, {why}.")))?;
    let host_ok = !host.is_empty()
        && (host.starts_with('[')
            || host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'));
    if !host_ok {
        return Err(ProfileError::new(format!(
            "{host:?} is not a host name: enter the coordinator's host, for example ece.example.com."
        )));
    }
    // A bare ECE host (no scheme, no port) is the API port 12443.
    if port.is_none() && platform == Platform::Ece && !url.contains("://") {
        port = Some(ECE_API_PORT);
    }
    let shown_port = match port {
        Some(p) if !is_default_port(&scheme, p) => format!(":{p}"),
        _ => String::new(),
    };
    Ok(Coordinator {
        platform,
        base_url: format!("{scheme}://{host}{shown_port}{path}"),
        scheme,
        host,
        port,
    })
}

// ---------------------------------------------------------------- credential

/// How the session authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMethod {
    #[default]
    ApiKey,
    /// ECE only: user name and password exchanged for a bearer token.
    Login,
}

/// The secret a request carries. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    ApiKey(String),
    /// A bearer token from login, with its `session_expiration_time`.
    Bearer {
        token: String,
        expires_at: Option<i64>,
    },
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            Credential::Bearer { expires_at, .. } => {
                write!(f, "Bearer(<redacted>, expires_at: {expires_at:?})")
            }
        }
    }
}

impl Credential {
    /// The `Authorization` header value.
    pub fn authorization(&self) -> String {
        match self {
            Credential::ApiKey(k) => format!("ApiKey {k}"),
            Credential::Bearer { token, .. } => format!("Bearer {token}"),
        }
    }

    /// What the shown request says instead of the secret.
    pub fn redacted(&self) -> &'static str {
        match self {
            Credential::ApiKey(_) => "ApiKey ‹the API key in memory, not shown›",
            Credential::Bearer { .. } => "Bearer ‹the session token, not shown›",
        }
    }
}

/// Checks a pasted API key; the message never repeats it.
pub fn check_api_key(key: &str) -> Result<String, ProfileError> {
    let key = key.trim();
    let key = key
        .strip_prefix("ApiKey ")
        .map(str::trim)
        .unwrap_or(key)
        .to_string();
    if key.is_empty() {
        return Err(ProfileError::new("Enter the API key."));
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ProfileError::new(
            "The API key holds a space or a line break: paste the key alone, in one piece.",
        ));
    }
    if !key.is_ascii() {
        return Err(ProfileError::new(
            "The API key holds characters an HTTP header cannot carry: paste it again from the console.",
        ));
    }
    Ok(key)
}

/// Where a login session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Valid {
        seconds_left: i64,
    },
    /// Less than [`TOKEN_REFRESH_MARGIN_SECS`] left: refresh before sending.
    RefreshNow,
    /// Expired: log in again.
    Expired,
}

/// Refresh a bearer token this long before it expires.
pub const TOKEN_REFRESH_MARGIN_SECS: i64 = 120;

pub fn token_state(expires_at: Option<i64>, now: i64) -> TokenState {
    match expires_at {
        None => TokenState::Valid { seconds_left: -1 },
        Some(t) if t <= now => TokenState::Expired,
        Some(t) if t - now < TOKEN_REFRESH_MARGIN_SECS => TokenState::RefreshNow,
        Some(t) => TokenState::Valid {
            seconds_left: t - now,
        },
    }
}

/// The body of `POST /api/v1/users/auth/_login`.
pub fn login_body(username: &str, password: &str) -> String {
    serde_json::json!({ "username": username.trim(), "password": password }).to_string()
}

// ---------------------------------------------------------------- requests

/// A request as shown before it is sent: credential and secret values
/// replaced by a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl ShownRequest {
    /// `PATCH https://…` and the headers, one per line, then the body.
    pub fn text(&self) -> String {
        let mut out = format!("{} {}\n", self.method, self.url);
        for (n, v) in &self.headers {
            out.push_str(&format!("{n}: {v}\n"));
        }
        if let Some(body) = &self.body {
            out.push('\n');
            out.push_str(body.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Checks that a built request has nothing left to fill in (other than the
/// credential variable of the Authorization header).
pub fn ready_to_send(request: &Request) -> Result<(), ProfileError> {
    if request.has_error_note() {
        let why = request
            .notes
            .iter()
            .find(|n| n.level == super::request::NoteLevel::Error)
            .map(|n| n.text.clone())
            .unwrap_or_default();
        return Err(ProfileError::new(why));
    }
    let missing: Vec<&str> = request
        .variables
        .iter()
        .map(String::as_str)
        .filter(|v| {
            !request
                .header("Authorization")
                .is_some_and(|a| a.contains(v))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let what: Vec<&str> = missing
        .iter()
        .map(|v| match *v {
            "DEPLOYMENT_ID" => "the deployment id (pick a deployment)",
            "REF_ID" => "the Elasticsearch ref_id",
            "COORDINATOR_HOST" => "the coordinator URL",
            other => other,
        })
        .collect();
    Err(ProfileError::new(format!(
        "Fill in {} before sending.",
        what.join(" and ")
    )))
}

/// The headers to send: the request's, with the credential in `Authorization`.
pub fn wire_headers(request: &Request, credential: &Credential) -> Vec<(String, String)> {
    request
        .headers
        .iter()
        .map(|h| {
            if h.name.eq_ignore_ascii_case("Authorization") {
                (h.name.clone(), credential.authorization())
            } else {
                (h.name.clone(), h.value.clone())
            }
        })
        .collect()
}

/// The request as shown to the user: the credential redacted, keystore
/// values and a login password replaced by their length.
pub fn shown_request(request: &Request, credential: Option<&Credential>) -> ShownRequest {
    let headers = request
        .headers
        .iter()
        .map(|h| {
            if h.name.eq_ignore_ascii_case("Authorization") {
                let v = match credential {
                    Some(c) => c.redacted().to_string(),
                    None => h.value.clone(),
                };
                (h.name.clone(), v)
            } else {
                (h.name.clone(), h.value.clone())
            }
        })
        .collect();
    ShownRequest {
        method: request.method.to_string(),
        url: request.url.clone(),
        headers,
        body: request
            .body
            .as_deref()
            .map(|b| redact_body(request.operation, b)),
    }
}

/// A body with its secrets replaced: keystore `value`s, the login
/// `password` and a platform repository's credentials become
/// `"‹N characters, not shown›"`. Everything else keeps its exact bytes, so
/// the request shown is the one sent, but for the hidden values. The bodies
/// are ecekit's own; one it cannot read is not shown when it may hold a secret.
pub fn redact_body(operation: Operation, body: &str) -> String {
    use crate::json::ast;
    use jsonc_parser::common::Ranged;
    use std::fmt::Write as _;

    let doc = crate::json::parse_generated(body);
    let root = match doc.root.as_ref().and_then(ast::Value::as_object) {
        Some(root) if doc.is_strictly_valid() => root,
        _ => {
            return match operation {
                Operation::KeystoreSet | Operation::Login | Operation::PlatformRepositoryPut => {
                    "‹body not shown›".to_string()
                }
                _ => body.to_string(),
            }
        }
    };
    fn member<'a, 'b>(object: &'a ast::Object<'b>, key: &str) -> Option<&'a ast::Value<'b>> {
        object
            .properties
            .iter()
            .find(|p| p.name.as_str() == key)
            .map(|p| &p.value)
    }
    let mut hidden: Vec<&ast::Value<'_>> = Vec::new();
    match operation {
        Operation::KeystoreSet => {
            if let Some(secrets) = member(root, "secrets").and_then(ast::Value::as_object) {
                for entry in &secrets.properties {
                    if let Some(value) = entry.value.as_object().and_then(|e| member(e, "value")) {
                        hidden.push(value);
                    }
                }
            }
        }
        Operation::Login => hidden.extend(member(root, "password")),
        Operation::PlatformRepositoryPut => {
            let secret = &crate::catalog::catalog().secret_repository_settings;
            if let Some(settings) = member(root, "settings").and_then(ast::Value::as_object) {
                for setting in &settings.properties {
                    if secret.contains_key(setting.name.as_str()) {
                        hidden.push(&setting.value);
                    }
                }
            }
        }
        _ => {}
    }
    hidden.retain(|v| !matches!(v, ast::Value::NullKeyword(_)));
    crate::sort::sort_by(&mut hidden, |a, b| a.range().start.cmp(&b.range().start));
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    for value in hidden {
        let range = value.range();
        let chars = match value {
            ast::Value::StringLit(s) => s.value.chars().count(),
            _ => body[range.start..range.end].chars().count(),
        };
        out.push_str(&body[at..range.start]);
        let _ = write!(out, "\"‹{chars} characters, not shown›\"");
        at = range.end;
    }
    out.push_str(&body[at..]);
    out
}

// ------------------------------------------------------- platform repository

/// What an ECE platform-level S3 repository needs. Unlike a deployment's
/// repository, ECE keeps its credentials in the repository settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlatformRepository<'a> {
    pub name: &'a str,
    pub bucket: &'a str,
    pub region: &'a str,
    pub base_path: &'a str,
    pub access_key: &'a str,
    pub secret_key: &'a str,
}

/// The `PUT /platform/configuration/snapshots/repositories/<name>` body, or
/// what is missing or wrong (the repository rules for platform repositories).
pub fn platform_repository_body(p: &PlatformRepository<'_>) -> Result<String, String> {
    let missing: Vec<&str> = [
        ("bucket", p.bucket),
        ("region", p.region),
        ("access key", p.access_key),
        ("secret key", p.secret_key),
    ]
    .into_iter()
    .filter(|(_, v)| v.trim().is_empty())
    .map(|(what, _)| what)
    .collect();
    if !missing.is_empty() {
        return Err(format!(
            "An ECE platform repository needs its {}: fill in {} (the keys come from the keystore rows `s3.client.<client>.access_key` and `secret_key`).",
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        ));
    }
    let mut spec = crate::repository::RepositorySpec::new("s3", p.name.trim());
    spec.set("bucket", p.bucket.trim());
    spec.set("region", p.region.trim());
    if !p.base_path.trim().is_empty() {
        spec.set("base_path", p.base_path.trim());
    }
    spec.set("access_key", p.access_key);
    spec.set("secret_key", p.secret_key);
    let body = crate::repository::platform_body(&spec);
    let opts = crate::model::ValidateOptions {
        platform: Some(Platform::Ece),
        repository_name: Some(p.name.trim().to_string()),
        platform_repository: true,
    };
    let doc = crate::json::parse_generated(&body);
    let errors: Vec<String> = crate::repository::validate(&doc, &opts)
        .into_iter()
        .filter(|f| f.severity == crate::finding::Severity::Error)
        .map(|f| f.message)
        .collect();
    if !errors.is_empty() {
        return Err(errors.join(" "));
    }
    Ok(body)
}

// ---------------------------------------------------------------- keystore diff

/// What a keystore PATCH changes, by name only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeystoreDiff {
    /// Keys that are not in the keystore yet.
    pub added: Vec<String>,
    /// Keys already there whose value is replaced.
    pub replaced: Vec<String>,
    /// Keys there that the PATCH removes.
    pub removed: Vec<String>,
    /// Removals of keys that are not there (nothing happens).
    pub absent: Vec<String>,
    /// Keys there that the PATCH leaves alone (PATCH merges).
    pub kept: Vec<String>,
}

impl KeystoreDiff {
    /// True when the PATCH changes nothing.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.replaced.is_empty() && self.removed.is_empty()
    }

    /// "2 added, 1 replaced, 1 removed; 3 kept as they are".
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "The keystore would not change.".to_string();
        }
        let mut parts = Vec::new();
        for (n, what) in [
            (self.added.len(), "added"),
            (self.replaced.len(), "replaced"),
            (self.removed.len(), "removed"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        let mut text = parts.join(", ");
        if !self.kept.is_empty() {
            text.push_str(&format!(
                "; {} other {} kept as {}",
                self.kept.len(),
                if self.kept.len() == 1 { "key" } else { "keys" },
                if self.kept.len() == 1 {
                    "it is"
                } else {
                    "they are"
                }
            ));
        }
        text.push('.');
        text
    }
}

/// Compares the key names the keystore holds with a PATCH body: keys with a
/// value are added or replaced; `{}`, `null` or `"value": null` removes.
pub fn keystore_diff(current: &[String], patch_body: &str) -> Result<KeystoreDiff, ParseError> {
    let v: Value = crate::json::read_value(patch_body).map_err(|e| ParseError {
        message: format!("the keystore body is not JSON ({e})"),
    })?;
    let secrets = v
        .get("secrets")
        .and_then(Value::as_object)
        .ok_or_else(|| ParseError {
            message: "the keystore body has no \"secrets\" object".to_string(),
        })?;
    let mut diff = KeystoreDiff::default();
    for (name, entry) in secrets {
        let removes = match entry {
            Value::Null => true,
            Value::Object(o) => o.get("value").is_none_or(Value::is_null),
            _ => false,
        };
        let there = current.iter().any(|c| c == name);
        match (removes, there) {
            (true, true) => diff.removed.push(name.clone()),
            (true, false) => diff.absent.push(name.clone()),
            (false, true) => diff.replaced.push(name.clone()),
            (false, false) => diff.added.push(name.clone()),
        }
    }
    diff.kept = current
        .iter()
        .filter(|c| !secrets.contains_key(c.as_str()))
        .cloned()
        .collect();
    for list in [
        &mut diff.added,
        &mut diff.replaced,
        &mut diff.removed,
        &mut diff.absent,
        &mut diff.kept,
    ] {
        crate::sort::sort_dedup(list);
    }
    Ok(diff)
}

/// The keystore as read back after a PATCH, against what the PATCH meant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Readback {
    /// Every key the keystore now holds.
    pub present: Vec<String>,
    /// Added or replaced keys that are not there.
    pub missing: Vec<String>,
    /// Removed keys that are still there.
    pub still_there: Vec<String>,
}

impl Readback {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.still_there.is_empty()
    }

    pub fn message(&self) -> String {
        let mut text = if self.present.is_empty() {
            "The keystore now holds no keys.".to_string()
        } else {
            format!(
                "The keystore now holds {} {}: {}.",
                self.present.len(),
                if self.present.len() == 1 {
                    "key"
                } else {
                    "keys"
                },
                self.present.join(", ")
            )
        };
        if !self.missing.is_empty() {
            text.push_str(&format!(
                " Missing although sent: {}.",
                self.missing.join(", ")
            ));
        }
        if !self.still_there.is_empty() {
            text.push_str(&format!(
                " Still there although removed: {}.",
                self.still_there.join(", ")
            ));
        }
        text.push_str(" Values are never returned by the API, so only the names can be checked.");
        text
    }
}

pub fn readback(diff: &KeystoreDiff, after: &[String]) -> Readback {
    let has = |n: &String| after.iter().any(|a| a == n);
    let mut present = after.to_vec();
    crate::sort::sort_dedup(&mut present);
    Readback {
        present,
        missing: diff
            .added
            .iter()
            .chain(&diff.replaced)
            .filter(|n| !has(n))
            .cloned()
            .collect(),
        still_there: diff.removed.iter().filter(|n| has(n)).cloned().collect(),
    }
}

/// One-line summary of a `_verify` answer.
pub fn verify_summary(repository: &str, nodes: &[VerifiedNode]) -> String {
    if nodes.is_empty() {
        return format!("Repository {repository} verified, but the answer lists no node.");
    }
    let names: Vec<&str> = nodes
        .iter()
        .map(|n| {
            if n.name.is_empty() {
                n.id.as_str()
            } else {
                n.name.as_str()
            }
        })
        .collect();
    format!(
        "Repository {repository} verified on {} {}: {}.",
        nodes.len(),
        if nodes.len() == 1 { "node" } else { "nodes" },
        names.join(", ")
    )
}

// ---------------------------------------------------------------- retries

/// How a request ended, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Status(u16),
    /// The connection failed before an answer (unreachable, dropped, TLS).
    Network,
    Timeout,
    /// Not sent: the host permission is missing, or CORS blocks it.
    NotSent,
}

/// GETs are retried with exponential backoff; writes never are, because a
/// write that timed out or lost its connection may have been applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    pub base_delay_ms: u32,
    pub max_delay_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            base_delay_ms: 400,
            max_delay_ms: 4000,
        }
    }
}

impl RetryPolicy {
    /// The delay before another attempt, after `attempt` attempts (1-based)
    /// ended with `outcome`; `None`: do not retry.
    pub fn retry_delay(&self, method: &str, outcome: Outcome, attempt: u32) -> Option<u32> {
        if attempt >= self.attempts || !is_safe_method(method) {
            return None;
        }
        let transient = match outcome {
            Outcome::Network => true,
            Outcome::Status(s) => matches!(s, 429 | 502 | 503 | 504),
            // A hung coordinator is likely to hang again: say so instead.
            Outcome::Timeout | Outcome::NotSent => false,
        };
        transient.then(|| {
            self.base_delay_ms
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(self.max_delay_ms)
        })
    }
}

/// GET and HEAD only: the methods that change nothing.
pub fn is_safe_method(method: &str) -> bool {
    method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD")
}

// ---------------------------------------------------------------- send errors

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendErrorKind {
    /// The extension has no host permission for the coordinator.
    PermissionMissing,
    /// No answer within the limit.
    Timeout,
    /// A plain web page may not read the coordinator's answers.
    Cors,
    /// The connection failed: untrusted certificate, unreachable, dropped.
    Network,
    /// The coordinator answered with an error status.
    Http,
    /// The answer was not what the API documents.
    BadAnswer,
    /// The request could not be built or sent as asked.
    Invalid,
    /// The login session (bearer token) has ended or is about to: log in again.
    SessionExpired,
}

/// Why a send failed: what happened, why, and what to do. Never holds a
/// secret: it is built from the coordinator's origin, limits and the
/// coordinator's own error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub kind: SendErrorKind,
    pub title: String,
    pub detail: String,
    /// What to check, most likely first.
    pub checks: Vec<String>,
    /// For [`SendErrorKind::Http`]: the explained error (per-field messages).
    pub api: Option<ApiError>,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.title, self.detail)
    }
}

impl SendError {
    fn new(kind: SendErrorKind, title: String, detail: String, checks: Vec<String>) -> SendError {
        SendError {
            kind,
            title,
            detail,
            checks,
            api: None,
        }
    }

    pub fn invalid(message: impl Into<String>) -> SendError {
        SendError::new(
            SendErrorKind::Invalid,
            "Not sent.".into(),
            message.into(),
            vec![],
        )
    }

    /// The coordinator answered with an error status.
    pub fn http(api: ApiError) -> SendError {
        let title = format!("{} {}.", api.status, api.explanation.title);
        let detail = match (api.errors.first(), &api.raw) {
            (Some(_), _) => api
                .errors
                .iter()
                .map(|e| format!("{} ({})", e.message, e.code))
                .collect::<Vec<_>>()
                .join(" "),
            (None, Some(raw)) if !raw.is_empty() => format!("The answer: {raw}"),
            _ => String::new(),
        };
        let mut checks: Vec<String> = api
            .errors
            .iter()
            .filter_map(|e| e.hint.map(str::to_string))
            .collect();
        checks.extend(api.explanation.checks.iter().map(|c| c.to_string()));
        checks.dedup();
        SendError {
            kind: SendErrorKind::Http,
            title,
            detail,
            checks,
            api: Some(api),
        }
    }

    /// The answer could not be read.
    pub fn bad_answer(what: &str, why: &ParseError) -> SendError {
        SendError::new(
            SendErrorKind::BadAnswer,
            format!("The coordinator's answer to {what} could not be read."),
            why.message.clone(),
            vec![
                "Check that the URL points to the ECE API (port 12443) and not to another service."
                    .into(),
            ],
        )
    }
}

/// A failed `POST /api/v1/users/auth/_login`: a 401 there means the user
/// name or the password, so the checks say that instead of the API-key
/// advice a 401 gets elsewhere. Other failures are left as they are.
pub fn login_failed(mut e: SendError) -> SendError {
    if e.kind == SendErrorKind::Http && e.api.as_ref().is_some_and(|a| a.status == 401) {
        e.title = "401 Unauthenticated: the login was refused.".to_string();
        e.checks = vec![
            "The user name and the password: both are case-sensitive, and the password may have been changed since it was last used.".into(),
            "The user exists on this ECE installation (users do not carry over between installations); LDAP, Active Directory or SAML users need their security realm set up in ECE.".into(),
            "Or connect with an API key instead (Sign in with: API key).".into(),
        ];
    }
    e
}

/// Before a send with a login session: a bearer token that has expired, or
/// expires within [`TOKEN_REFRESH_MARGIN_SECS`], is not used; the user is
/// asked to log in again and nothing is sent. API keys pass (their expiry is
/// the coordinator's to check, and shown from `X-Elastic-Api-Key-Expiration`).
/// `Some`: the error to show instead of sending.
pub fn session_ended(credential: &Credential, now: i64) -> Option<SendError> {
    let Credential::Bearer { expires_at, .. } = credential else {
        return None;
    };
    let title = match token_state(*expires_at, now) {
        TokenState::Valid { .. } => return None,
        TokenState::RefreshNow => "Your login session is about to end.",
        TokenState::Expired => "Your login session has ended.",
    };
    Some(SendError::new(
        SendErrorKind::SessionExpired,
        title.to_string(),
        "Log in again with your user name and password, then send again. Nothing was sent."
            .to_string(),
        vec![],
    ))
}

/// The host permission is missing (never granted, or revoked).
pub fn permission_missing(coordinator: &Coordinator) -> SendError {
    let origin = coordinator.origin();
    SendError::new(
        SendErrorKind::PermissionMissing,
        format!("ecekit may not reach {origin} yet."),
        format!(
            "The extension sends requests only to the sites you allow, and access to {origin} is not granted (or was removed in the browser's extension settings). Nothing was sent."
        ),
        vec![
            format!("Click “Grant access to {origin}” and accept the browser's prompt."),
            "Chrome lists the allowed sites under chrome://extensions › ecekit › Details › Site access; Firefox under about:addons › ecekit › Permissions.".into(),
        ],
    )
}

/// What is known when a fetch failed without an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchFailure {
    /// The app runs as the extension (host permissions, no CORS).
    pub in_extension: bool,
    /// The page's own origin (plain web page).
    pub page_origin: Option<String>,
    /// Set when the request was stopped by the time limit.
    pub timed_out_after_ms: Option<u32>,
    pub method: String,
}

/// Explains a fetch that got no answer. The browser reports all of these as
/// one bare `TypeError: Failed to fetch`: this says which causes fit and how
/// to tell them apart.
pub fn explain_fetch_failure(coordinator: &Coordinator, f: &FetchFailure) -> SendError {
    let origin = coordinator.origin();
    let write_note = if is_safe_method(&f.method) {
        String::new()
    } else {
        " A write may still have been applied: list the keystore (or GET the repository) before sending it again.".to_string()
    };
    if let Some(ms) = f.timed_out_after_ms {
        // Integer formatting only (no float formatting code in the wasm).
        let secs = if ms % 1000 == 0 {
            format!("{}", ms / 1000)
        } else {
            format!("{}.{:03}", ms / 1000, ms % 1000)
                .trim_end_matches('0')
                .to_string()
        };
        return SendError::new(
            SendErrorKind::Timeout,
            format!("No answer from {origin} within {secs} s."),
            format!("ecekit stopped waiting after {secs} seconds (the time limit set above).{write_note}"),
            vec![
                "The coordinator may be overloaded or the deployment busy: try again in a minute, or raise the time limit.".into(),
                "A proxy, VPN or firewall may hold the connection open without forwarding it.".into(),
            ],
        );
    }
    let cross_origin = !f.in_extension && f.page_origin.as_deref().is_some_and(|p| p != origin);
    if cross_origin {
        let page = f.page_origin.clone().unwrap_or_default();
        return SendError::new(
            SendErrorKind::Cors,
            format!("The browser blocked the request to {origin} (CORS)."),
            format!(
                "This page runs on {page}, and the coordinator does not allow other sites to call it (ECE sends no CORS headers). The browser stops such a request before ecekit can see any answer.{write_note}"
            ),
            vec![
                "Use the ecekit browser extension, which may call the coordinator once you grant it access.".into(),
                "Or copy the curl command of the request and run it in a terminal.".into(),
                format!("Or serve ecekit from {origin} itself (same origin)."),
            ],
        );
    }
    let mut checks = Vec::new();
    if coordinator.scheme == "https" {
        checks.push(format!(
            "Open {}/api/v1 in a browser tab. A certificate warning means this browser does not trust the coordinator's certificate (ECE's default one is self-signed): install its CA in the system or browser trust store. Accepting the warning in a tab may not cover the extension.",
            coordinator.base_url
        ));
    }
    checks.push(format!(
        "Check the host and port of {origin} (ECE: 12443 for https, 12400 for http) and that the coordinator is up and reachable from this computer (VPN, firewall)."
    ));
    checks.push(
        "If the connection was dropped midway, try again; GET requests were already retried."
            .into(),
    );
    let cause = if coordinator.scheme == "https" {
        "either the browser does not trust the coordinator's TLS certificate, or the coordinator could not be reached (wrong host or port, down, blocked, or the connection was dropped)"
    } else {
        "the coordinator could not be reached (wrong host or port, down, blocked, or the connection was dropped)"
    };
    SendError::new(
        SendErrorKind::Network,
        format!("Could not connect to {origin}."),
        format!("The connection failed before any answer: {cause}.{write_note}"),
        checks,
    )
}

/// Whether the running app can send to the coordinator at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The extension: with a host permission, no CORS applies.
    Extension,
    /// A plain page on the coordinator's own origin.
    SameOrigin,
    /// A plain page on another origin: works only if the coordinator allows
    /// CORS (ECE does not by default); the first request tells.
    CrossOrigin,
    /// A plain page on another origin, and a request was blocked.
    CorsBlocked,
}

impl Reach {
    pub fn of(
        in_extension: bool,
        page_origin: Option<&str>,
        c: &Coordinator,
        blocked: bool,
    ) -> Reach {
        if in_extension {
            Reach::Extension
        } else if page_origin == Some(c.origin().as_str()) {
            Reach::SameOrigin
        } else if blocked {
            Reach::CorsBlocked
        } else {
            Reach::CrossOrigin
        }
    }

    /// True when Send is offered.
    pub fn can_send(self) -> bool {
        self != Reach::CorsBlocked
    }

    pub fn message(self, c: &Coordinator) -> Option<String> {
        let origin = c.origin();
        match self {
            Reach::Extension | Reach::SameOrigin => None,
            Reach::CrossOrigin => Some(format!(
                "This page is not on {origin}: the browser lets it call the coordinator only if the coordinator allows cross-origin requests (CORS), which ECE does not by default. Connect to find out; the extension has no such limit."
            )),
            Reach::CorsBlocked => Some(format!(
                "{origin} does not allow requests from this page (no CORS), so Send is off here. Copy the curl command of each request instead, or use the ecekit extension."
            )),
        }
    }
}

// ---------------------------------------------------------------- active tab

/// A deployment read from the address of a Cloud UI page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabDeployment {
    pub platform: Platform,
    /// The API base URL to use (the ECE coordinator's origin, or the Elastic
    /// Cloud API for cloud.elastic.co).
    pub coordinator: String,
    pub deployment_id: String,
}

/// Reads `https://<host>:12443/deployments/<id>…` (ECE Cloud UI, also with a
/// `#/deployments/<id>` route) and `https://cloud.elastic.co/deployments/<id>…`
/// (Elastic Cloud console). The id is 32 hex characters.
pub fn deployment_from_tab_url(url: &str) -> Option<TabDeployment> {
    let origin = origin_of(url)?;
    let after_scheme = url.split_once("://")?.1;
    let rest = &after_scheme[after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len())..];
    let mut segments = rest.split(['/', '#', '?']).filter(|s| !s.is_empty());
    let id = loop {
        let s = segments.next()?;
        if s == "deployments" {
            break segments.next()?;
        }
    };
    if id.len() != 32 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let host = origin.split_once("://")?.1;
    let cloud = host == "cloud.elastic.co" || host.ends_with(".cloud.elastic.co");
    Some(TabDeployment {
        platform: if cloud { Platform::Ess } else { Platform::Ece },
        coordinator: if cloud {
            ESS_API_URL.to_string()
        } else {
            origin
        },
        deployment_id: id.to_ascii_lowercase(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::request::{build_request, RequestSpec, Target};
    use crate::api::response::parse_error;

    fn ece(url: &str) -> Coordinator {
        coordinator(Platform::Ece, url).unwrap()
    }

    #[test]
    fn a_bare_host_gets_https_and_port_12443() {
        let c = ece("ece.example.com");
        assert_eq!(c.base_url, "https://ece.example.com:12443");
        assert_eq!(c.origin(), "https://ece.example.com:12443");
        assert_eq!(c.permission_pattern(), "https://ece.example.com/*");
    }

    #[test]
    fn urls_are_normalised_and_keep_their_scheme_and_port() {
        assert_eq!(
            ece("http://127.0.0.1:12400/api/v1/").base_url,
            "http://127.0.0.1:12400"
        );
        assert_eq!(
            ece("HTTPS://ECE.example.com/").origin(),
            "https://ece.example.com"
        );
        assert_eq!(
            ece("https://ece.example.com:443").origin(),
            "https://ece.example.com"
        );
        assert_eq!(ece("https://[::1]:12443").origin(), "https://[::1]:12443");
    }

    #[test]
    fn elastic_cloud_defaults_to_its_api() {
        let c = coordinator(Platform::Ess, "").unwrap();
        assert_eq!(c.base_url, "https://api.elastic-cloud.com");
        assert_eq!(c.permission_pattern(), "https://api.elastic-cloud.com/*");
    }

    #[test]
    fn bad_coordinators_say_what_to_fix() {
        for (input, needle) in [
            ("", "Enter the coordinator URL"),
            ("ftp://x", "must start with https://"),
            ("https://user:pw@ece", "no user name"),
            ("https://ece:99999", "port"),
            ("https://$COORDINATOR_HOST:12443", "variable"),
            ("https://", "Enter the coordinator's host after https://"),
            ("http://", "after http://"),
            ("https://ece:", "port number after \":\" is missing"),
            ("https://ec e", "spaces"),
        ] {
            let err = coordinator(Platform::Ece, input).unwrap_err();
            assert!(err.message.contains(needle), "{input}: {}", err.message);
        }
        assert!(coordinator(Platform::SelfManaged, "https://x").is_err());
    }

    #[test]
    fn origins_of_urls() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/index.html#/x").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("chrome-extension://abc/sidepanel.html"), None);
        assert!(ece("https://ece:12443").owns("https://ece:12443/api/v1/deployments"));
    }

    #[test]
    fn api_keys_are_checked_without_being_repeated() {
        assert_eq!(check_api_key("  ApiKey abc123==\n").unwrap(), "abc123==");
        let err = check_api_key("abc def-secret").unwrap_err();
        assert!(!err.message.contains("def-secret"));
        assert!(check_api_key("").is_err());
        assert!(check_api_key("clé").is_err());
    }

    #[test]
    fn credentials_never_show_in_debug() {
        let c = Credential::ApiKey("s3cr3t".into());
        assert!(!format!("{c:?}").contains("s3cr3t"));
        assert_eq!(c.authorization(), "ApiKey s3cr3t");
        let b = Credential::Bearer {
            token: "tok".into(),
            expires_at: Some(5),
        };
        assert!(!format!("{b:?}").contains("tok"));
        assert_eq!(b.authorization(), "Bearer tok");
    }

    #[test]
    fn tokens_are_refreshed_before_they_expire() {
        assert_eq!(token_state(Some(1000), 2000), TokenState::Expired);
        assert_eq!(token_state(Some(1060), 1000), TokenState::RefreshNow);
        assert_eq!(
            token_state(Some(5000), 1000),
            TokenState::Valid { seconds_left: 4000 }
        );
    }

    fn keystore_set(body: &str) -> Request {
        build_request(
            &RequestSpec::new(
                Operation::KeystoreSet,
                Target::Ece {
                    coordinator: Some("http://127.0.0.1:5000".into()),
                },
            )
            .deployment_id("abc")
            .ref_id("main-elasticsearch")
            .body(body),
        )
        .unwrap()
    }

    #[test]
    fn shown_requests_hide_the_key_and_the_values() {
        let r = keystore_set(
            r#"{"secrets":{"s3.client.default.secret_key":{"value":"TOPSECRET","as_file":false},"gone":{}}}"#,
        );
        let key = Credential::ApiKey("APIKEY123".into());
        let shown = shown_request(&r, Some(&key));
        let text = shown.text();
        assert!(
            !text.contains("TOPSECRET") && !text.contains("APIKEY123"),
            "{text}"
        );
        assert!(text.contains("‹9 characters, not shown›"));
        assert!(text.starts_with("PATCH http://127.0.0.1:5000/api/v1/deployments/abc/"));
        let wire = wire_headers(&r, &key);
        assert!(wire.contains(&("Authorization".into(), "ApiKey APIKEY123".into())));
        assert!(ready_to_send(&r).is_ok());
        let login = redact_body(Operation::Login, &login_body("admin", "pw!"));
        assert!(!login.contains("pw!") && login.contains("admin"));
    }

    #[test]
    fn a_request_with_a_missing_deployment_is_not_ready() {
        let r = build_request(&RequestSpec::new(
            Operation::KeystoreGet,
            Target::Ece {
                coordinator: Some("https://ece:12443".into()),
            },
        ))
        .unwrap();
        let err = ready_to_send(&r).unwrap_err();
        assert!(err.message.contains("pick a deployment"), "{}", err.message);
        let ess_proxy = build_request(
            &RequestSpec::new(Operation::RepositoryVerify, Target::Ess)
                .deployment_id("a")
                .ref_id("b")
                .repository("r"),
        )
        .unwrap();
        assert!(ready_to_send(&ess_proxy)
            .unwrap_err()
            .message
            .contains("no API proxy"));
    }

    #[test]
    fn the_diff_names_added_replaced_removed_and_kept_keys() {
        let current: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let body = r#"{"secrets":{"a":{"value":"x"},"b":{},"c":null,"e":{"value":{"j":1},"as_file":true},"z":{"value":null}}}"#;
        let d = keystore_diff(&current, body).unwrap();
        assert_eq!(d.added, vec!["e"]);
        assert_eq!(d.replaced, vec!["a"]);
        assert_eq!(d.removed, vec!["b", "c"]);
        assert_eq!(d.absent, vec!["z"]);
        assert_eq!(d.kept, vec!["d"]);
        assert_eq!(
            d.summary(),
            "1 added, 1 replaced, 2 removed; 1 other key kept as it is."
        );
        assert!(keystore_diff(&current, "{").is_err());
        assert!(keystore_diff(&current, "{}").is_err());
        let none = keystore_diff(&current, r#"{"secrets":{"zz":{}}}"#).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn the_readback_checks_names_against_the_diff() {
        let current: Vec<String> = vec!["old".into()];
        let d = keystore_diff(&current, r#"{"secrets":{"new":{"value":"v"},"old":{}}}"#).unwrap();
        let good = readback(&d, &["new".into()]);
        assert!(good.ok());
        assert!(good.message().contains("1 key: new."));
        let bad = readback(&d, &["old".into()]);
        assert_eq!(bad.missing, vec!["new"]);
        assert_eq!(bad.still_there, vec!["old"]);
        assert!(!bad.ok());
    }

    #[test]
    fn only_gets_are_retried_with_backoff() {
        let p = RetryPolicy::default();
        assert_eq!(p.retry_delay("GET", Outcome::Network, 1), Some(400));
        assert_eq!(p.retry_delay("GET", Outcome::Status(503), 2), Some(800));
        assert_eq!(p.retry_delay("GET", Outcome::Network, 3), None);
        assert_eq!(p.retry_delay("PATCH", Outcome::Network, 1), None);
        assert_eq!(p.retry_delay("PUT", Outcome::Status(503), 1), None);
        assert_eq!(p.retry_delay("GET", Outcome::Status(404), 1), None);
        assert_eq!(p.retry_delay("GET", Outcome::Timeout, 1), None);
    }

    fn failure(
        in_extension: bool,
        page: Option<&str>,
        timeout: Option<u32>,
        method: &str,
    ) -> FetchFailure {
        FetchFailure {
            in_extension,
            page_origin: page.map(String::from),
            timed_out_after_ms: timeout,
            method: method.into(),
        }
    }

    #[test]
    fn failed_fetches_are_explained_never_bare() {
        let c = ece("https://ece.example.com:12443");
        let t = explain_fetch_failure(&c, &failure(true, None, Some(15000), "PATCH"));
        assert_eq!(t.kind, SendErrorKind::Timeout);
        assert!(t.title.contains("15 s") && t.detail.contains("may still have been applied"));
        let t = explain_fetch_failure(&c, &failure(true, None, Some(2500), "GET"));
        assert!(t.title.contains("within 2.5 s"), "{}", t.title);
        let cors = explain_fetch_failure(
            &c,
            &failure(false, Some("http://127.0.0.1:8080"), None, "GET"),
        );
        assert_eq!(cors.kind, SendErrorKind::Cors);
        assert!(cors.checks.iter().any(|x| x.contains("curl")));
        let net = explain_fetch_failure(&c, &failure(true, None, None, "GET"));
        assert_eq!(net.kind, SendErrorKind::Network);
        assert!(net.detail.contains("certificate"));
        let plain = explain_fetch_failure(
            &ece("http://127.0.0.1:1"),
            &failure(true, None, None, "GET"),
        );
        assert!(!plain.detail.contains("certificate"));
        for e in [t, cors, net, plain, permission_missing(&c)] {
            assert!(!e.to_string().contains("Failed to fetch"));
        }
    }

    #[test]
    fn http_errors_carry_per_field_messages_and_checks() {
        let body = r#"{"errors":[{"code":"root.invalid_json_request","message":"bad value","fields":["secrets[\"a\"].value"]}]}"#;
        let e = SendError::http(parse_error(400, &[], body, Platform::Ece));
        assert_eq!(e.kind, SendErrorKind::Http);
        assert!(e.title.starts_with("400"));
        let api = e.api.unwrap();
        assert_eq!(api.field_messages()[0].0, "secrets[\"a\"].value");
        let e = SendError::http(parse_error(
            401,
            &[],
            r#"{"errors":[{"code":"root.unauthenticated","message":"nope"}]}"#,
            Platform::Ece,
        ));
        assert!(e.checks.iter().any(|c| c.contains("API key")));
    }

    #[test]
    fn send_is_offered_where_the_coordinator_can_be_reached() {
        let c = ece("https://ece:12443");
        assert_eq!(
            Reach::of(true, Some("chrome-extension://x"), &c, false),
            Reach::Extension
        );
        assert_eq!(
            Reach::of(false, Some("https://ece:12443"), &c, false),
            Reach::SameOrigin
        );
        let cross = Reach::of(false, Some("http://127.0.0.1:8080"), &c, false);
        assert!(cross.can_send() && cross.message(&c).unwrap().contains("CORS"));
        let blocked = Reach::of(false, Some("http://127.0.0.1:8080"), &c, true);
        assert!(!blocked.can_send() && blocked.message(&c).unwrap().contains("curl"));
    }

    #[test]
    fn deployments_are_read_from_cloud_ui_addresses() {
        let id = "0123456789abcdef0123456789abcdef";
        let t = deployment_from_tab_url(&format!(
            "https://ece.example.com:12443/deployments/{id}/edit"
        ))
        .unwrap();
        assert_eq!(t.platform, Platform::Ece);
        assert_eq!(t.coordinator, "https://ece.example.com:12443");
        assert_eq!(t.deployment_id, id);
        let h = deployment_from_tab_url(&format!("https://ece:12443/#/deployments/{id}")).unwrap();
        assert_eq!(h.deployment_id, id);
        let cloud = deployment_from_tab_url(&format!(
            "https://cloud.elastic.co/deployments/{}",
            id.to_uppercase()
        ))
        .unwrap();
        assert_eq!(cloud.platform, Platform::Ess);
        assert_eq!(cloud.coordinator, "https://api.elastic-cloud.com");
        assert_eq!(cloud.deployment_id, id);
        assert_eq!(
            deployment_from_tab_url("https://ece:12443/deployments"),
            None
        );
        assert_eq!(
            deployment_from_tab_url("https://ece:12443/deployments/short"),
            None
        );
        assert_eq!(
            deployment_from_tab_url(&format!("chrome://deployments/{id}")),
            None
        );
    }

    #[test]
    fn a_refused_login_says_user_name_and_password() {
        let body = r#"{"errors":[{"code":"root.unauthenticated","message":"wrong username or password"}]}"#;
        let e = login_failed(SendError::http(parse_error(401, &[], body, Platform::Ece)));
        assert!(e.title.contains("login was refused"), "{}", e.title);
        assert!(e.checks[0].contains("user name and the password"));
        assert!(e.checks.iter().all(|c| !c.contains("ECE_API_KEY")));
        assert!(e.detail.contains("wrong username or password"));
        let other = SendError::http(parse_error(500, &[], "{}", Platform::Ece));
        assert_eq!(login_failed(other.clone()), other);
    }

    #[test]
    fn a_login_session_is_asked_again_before_it_ends() {
        let bearer = |t| Credential::Bearer {
            token: "tok".into(),
            expires_at: Some(t),
        };
        assert_eq!(session_ended(&bearer(5000), 1000), None);
        let soon = session_ended(&bearer(1060), 1000).unwrap();
        assert_eq!(soon.kind, SendErrorKind::SessionExpired);
        assert!(soon.detail.contains("Log in again") && soon.detail.contains("Nothing was sent"));
        let ended = session_ended(&bearer(900), 1000).unwrap();
        assert!(ended.title.contains("has ended"));
        assert!(!format!("{soon}").contains("tok"));
        assert_eq!(
            session_ended(&Credential::ApiKey("k".into()), i64::MAX),
            None
        );
        let unknown = Credential::Bearer {
            token: "t".into(),
            expires_at: None,
        };
        assert_eq!(session_ended(&unknown, 1000), None);
    }

    #[test]
    fn verify_summaries_name_the_nodes() {
        let nodes = vec![
            VerifiedNode {
                id: "n1".into(),
                name: "instance-0".into(),
            },
            VerifiedNode {
                id: "n2".into(),
                name: String::new(),
            },
        ];
        assert_eq!(
            verify_summary("r", &nodes),
            "Repository r verified on 2 nodes: instance-0, n2."
        );
    }
}

#[cfg(test)]
mod platform_repository_tests {
    use super::*;

    fn repo<'a>() -> PlatformRepository<'a> {
        PlatformRepository {
            name: "ece-snapshots",
            bucket: "ece-platform-snapshots",
            region: "eu-west-1",
            base_path: "",
            access_key: "AKIAPLATFORMKEY00001",
            secret_key: "pl4tf0rm/s3cr3t\"$\\",
        }
    }

    #[test]
    fn body_holds_the_credentials_in_settings_and_the_shown_request_hides_them() {
        let body = platform_repository_body(&repo()).unwrap();
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["type"], "s3");
        assert_eq!(v["settings"]["bucket"], "ece-platform-snapshots");
        assert_eq!(v["settings"]["region"], "eu-west-1");
        assert_eq!(v["settings"]["secret_key"], "pl4tf0rm/s3cr3t\"$\\");

        let shown = redact_body(Operation::PlatformRepositoryPut, &body);
        assert!(!shown.contains("AKIAPLATFORMKEY00001"), "{shown}");
        assert!(!shown.contains("pl4tf0rm"), "{shown}");
        assert!(shown.contains("‹20 characters, not shown›"), "{shown}");
        assert!(shown.contains("eu-west-1"), "{shown}");
    }

    #[test]
    fn redaction_keeps_every_other_byte_and_hides_all_of_a_broken_body() {
        let body = "{\n  \"secrets\": {\n    \"s3.client.default.access_key\": {\n      \"value\": \"AKIA\\\"X\",\n      \"as_file\": false\n    },\n    \"s3.client.old.secret_key\": {}\n  }\n}";
        let shown = redact_body(Operation::KeystoreSet, body);
        assert_eq!(
            shown,
            body.replace("\"AKIA\\\"X\"", "\"‹6 characters, not shown›\"")
        );
        let broken = body.replace("\"as_file\"", "as_file");
        assert_eq!(
            redact_body(Operation::KeystoreSet, &broken),
            "‹body not shown›"
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let err = platform_repository_body(&PlatformRepository {
            region: " ",
            secret_key: "",
            ..repo()
        })
        .unwrap_err();
        assert!(err.contains("needs its region, secret key"), "{err}");
    }

    #[test]
    fn the_platform_naming_rules_apply() {
        let err = platform_repository_body(&PlatformRepository {
            name: "ECE_Snapshots",
            ..repo()
        })
        .unwrap_err();
        assert!(err.contains("S3 bucket naming rules"), "{err}");
    }
}
