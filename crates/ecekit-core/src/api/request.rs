//! Building the HTTP requests of every ecekit operation, for each target.
//!
//! A [`Request`] holds what to send. Credentials are never values: the
//! `Authorization` header names a shell variable (`$ECE_API_KEY`,
//! `$EC_API_KEY`, `$ELASTIC_API_KEY`, …) that the renderers turn into the
//! target shell's form. IDs the user did not give stay variables too
//! (`$DEPLOYMENT_ID`, `$REF_ID`).

use super::table;
use crate::model::Platform;
use serde::Serialize;
use std::fmt;

/// The ECE API key (`Authorization: ApiKey $ECE_API_KEY`).
pub const VAR_ECE_API_KEY: &str = "ECE_API_KEY";
/// An ECE bearer token from `POST /api/v1/users/auth/_login`.
pub const VAR_ECE_TOKEN: &str = "ECE_TOKEN";
/// The Elastic Cloud API key (the name ecctl and Elastic's docs use).
pub const VAR_EC_API_KEY: &str = "EC_API_KEY";
/// An Elasticsearch API key (the name Kibana's "Copy as cURL" uses).
pub const VAR_ELASTIC_API_KEY: &str = "ELASTIC_API_KEY";
/// An Elasticsearch bearer token.
pub const VAR_ELASTIC_TOKEN: &str = "ELASTIC_TOKEN";
/// The ECE coordinator host (the name ECE's docs use).
pub const VAR_COORDINATOR_HOST: &str = "COORDINATOR_HOST";
/// An Elasticsearch endpoint URL with scheme and port (Kibana's name).
pub const VAR_ELASTICSEARCH_URL: &str = "ELASTICSEARCH_URL";
pub const VAR_DEPLOYMENT_ID: &str = "DEPLOYMENT_ID";
pub const VAR_REF_ID: &str = "REF_ID";
/// The CA certificate of the ECE coordinator (self-signed by default).
pub const VAR_ECE_CA_CERT: &str = "ECE_CA_CERT";
/// The CA certificate of an Elasticsearch endpoint.
pub const VAR_ELASTICSEARCH_CA_CERT: &str = "ELASTICSEARCH_CA_CERT";

/// Every variable a command ecekit renders may use.
pub const KNOWN_VARIABLES: &[&str] = &[
    VAR_ECE_API_KEY,
    VAR_ECE_TOKEN,
    VAR_EC_API_KEY,
    VAR_ELASTIC_API_KEY,
    VAR_ELASTIC_TOKEN,
    VAR_COORDINATOR_HOST,
    VAR_ELASTICSEARCH_URL,
    VAR_DEPLOYMENT_ID,
    VAR_REF_ID,
    VAR_ECE_CA_CERT,
    VAR_ELASTICSEARCH_CA_CERT,
];

/// The Elastic Cloud API base URL.
pub const ESS_API_URL: &str = "https://api.elastic-cloud.com";
/// The ECE coordinator's HTTPS API port.
pub const ECE_API_PORT: u16 = 12443;

/// What the user wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    /// `PATCH .../keystore`: add, replace or remove secure settings.
    KeystoreSet,
    /// `GET .../keystore`: the names (never the values).
    KeystoreGet,
    /// `PUT _snapshot/<name>`: register a snapshot repository.
    RepositoryPut,
    /// `POST _snapshot/<name>/_verify`.
    RepositoryVerify,
    /// `POST _nodes/reload_secure_settings`.
    ReloadSecureSettings,
    /// `POST /api/v1/users/auth/_login`: a bearer token (ECE).
    Login,
    /// `PUT /api/v1/platform/configuration/snapshots/repositories/<name>` (ECE).
    PlatformRepositoryPut,
    /// `GET /api/v1/deployments`.
    DeploymentsList,
    /// `GET /api/v1/deployments/<id>`.
    DeploymentGet,
}

impl Operation {
    /// The path template of the API table this operation is sent to, on ECE
    /// and Elastic Cloud (build.rs keeps these endpoints for the builder).
    pub fn api_template(self) -> &'static str {
        match self {
            Operation::KeystoreSet | Operation::KeystoreGet => {
                "/deployments/{deployment_id}/elasticsearch/{ref_id}/keystore"
            }
            Operation::RepositoryPut
            | Operation::RepositoryVerify
            | Operation::ReloadSecureSettings => {
                "/deployments/{deployment_id}/{resource_kind}/{ref_id}/proxy/{proxy_path}"
            }
            Operation::Login => "/users/auth/_login",
            Operation::PlatformRepositoryPut => {
                "/platform/configuration/snapshots/repositories/{repository_name}"
            }
            Operation::DeploymentsList => "/deployments",
            Operation::DeploymentGet => "/deployments/{deployment_id}",
        }
    }

    pub const ALL: [Operation; 9] = [
        Operation::KeystoreSet,
        Operation::KeystoreGet,
        Operation::RepositoryPut,
        Operation::RepositoryVerify,
        Operation::ReloadSecureSettings,
        Operation::Login,
        Operation::PlatformRepositoryPut,
        Operation::DeploymentsList,
        Operation::DeploymentGet,
    ];

    /// The CLI name, e.g. `keystore-set`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::KeystoreSet => "keystore-set",
            Operation::KeystoreGet => "keystore-get",
            Operation::RepositoryPut => "repository-put",
            Operation::RepositoryVerify => "repository-verify",
            Operation::ReloadSecureSettings => "reload-secure-settings",
            Operation::Login => "login",
            Operation::PlatformRepositoryPut => "platform-repository-put",
            Operation::DeploymentsList => "deployments-list",
            Operation::DeploymentGet => "deployment-get",
        }
    }

    pub fn parse(s: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.as_str() == s)
    }

    /// A short title, e.g. "Update the keystore".
    pub fn title(self) -> &'static str {
        match self {
            Operation::KeystoreSet => "Update the keystore",
            Operation::KeystoreGet => "List the keystore keys",
            Operation::RepositoryPut => "Register the snapshot repository",
            Operation::RepositoryVerify => "Verify the snapshot repository",
            Operation::ReloadSecureSettings => "Reload secure settings",
            Operation::Login => "Log in for a bearer token",
            Operation::PlatformRepositoryPut => "Register the ECE platform snapshot repository",
            Operation::DeploymentsList => "List the deployments",
            Operation::DeploymentGet => "Show the deployment",
        }
    }

    /// True when the request carries a body the user must supply.
    pub fn needs_body(self) -> bool {
        matches!(
            self,
            Operation::KeystoreSet
                | Operation::RepositoryPut
                | Operation::Login
                | Operation::PlatformRepositoryPut
        )
    }

    /// True when the request needs a repository name.
    pub fn needs_repository(self) -> bool {
        matches!(
            self,
            Operation::RepositoryPut
                | Operation::RepositoryVerify
                | Operation::PlatformRepositoryPut
        )
    }

    /// True for requests Elasticsearch itself answers (through the ECE
    /// proxy, or on an Elasticsearch endpoint).
    pub fn is_elasticsearch_level(self) -> bool {
        matches!(
            self,
            Operation::RepositoryPut
                | Operation::RepositoryVerify
                | Operation::ReloadSecureSettings
        )
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the request goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// An ECE coordinator. `None`: `https://$COORDINATOR_HOST:12443`.
    /// A bare host gets `https://` and port 12443; a URL with a scheme is
    /// kept as written (e.g. `http://ece.example:12400`).
    Ece { coordinator: Option<String> },
    /// The Elastic Cloud API, `https://api.elastic-cloud.com`.
    Ess,
    /// An Elasticsearch endpoint. `None`: `$ELASTICSEARCH_URL`.
    Elasticsearch { endpoint: Option<String> },
}

impl Target {
    /// The platform the target implies (an Elasticsearch endpoint may be any;
    /// it is reported as self-managed).
    pub fn platform(&self) -> Platform {
        match self {
            Target::Ece { .. } => Platform::Ece,
            Target::Ess => Platform::Ess,
            Target::Elasticsearch { .. } => Platform::SelfManaged,
        }
    }

    /// `ece`, `ess` or `es` (the CLI names).
    pub fn kind_str(&self) -> &'static str {
        match self {
            Target::Ece { .. } => "ece",
            Target::Ess => "ess",
            Target::Elasticsearch { .. } => "es",
        }
    }

    /// The variable holding the CA certificate of this target, for `--cacert`.
    pub fn ca_cert_variable(&self) -> &'static str {
        match self {
            Target::Elasticsearch { .. } => VAR_ELASTICSEARCH_CA_CERT,
            _ => VAR_ECE_CA_CERT,
        }
    }
}

/// How the request authenticates. The value always comes from a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    /// `Authorization: ApiKey $…_API_KEY`.
    #[default]
    ApiKey,
    /// `Authorization: Bearer $…_TOKEN` (ECE login, or Elasticsearch tokens).
    Bearer,
}

impl Auth {
    pub fn parse(s: &str) -> Option<Auth> {
        match s {
            "apikey" | "api-key" | "api_key" => Some(Auth::ApiKey),
            "bearer" => Some(Auth::Bearer),
            _ => None,
        }
    }
}

/// Everything [`build_request`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSpec {
    pub operation: Operation,
    pub target: Target,
    pub auth: Auth,
    /// `None`: `$DEPLOYMENT_ID`.
    pub deployment_id: Option<String>,
    /// `None`: `$REF_ID`.
    pub ref_id: Option<String>,
    /// The snapshot repository name (repository operations).
    pub repository: Option<String>,
    /// The body, sent exactly (see [`Request::body`]).
    pub body: Option<String>,
}

impl RequestSpec {
    pub fn new(operation: Operation, target: Target) -> RequestSpec {
        RequestSpec {
            operation,
            target,
            auth: Auth::ApiKey,
            deployment_id: None,
            ref_id: None,
            repository: None,
            body: None,
        }
    }

    pub fn deployment_id(mut self, id: impl Into<String>) -> Self {
        self.deployment_id = Some(id.into());
        self
    }

    pub fn ref_id(mut self, id: impl Into<String>) -> Self {
        self.ref_id = Some(id.into());
        self
    }

    pub fn repository(mut self, name: impl Into<String>) -> Self {
        self.repository = Some(name.into());
        self
    }

    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }
}

/// One header. A value may name variables (`ApiKey $ECE_API_KEY`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteLevel {
    Info,
    Warning,
    /// The request asked for cannot be sent as asked; the request returned
    /// is the one to use instead (e.g. Elastic Cloud has no proxy).
    Error,
}

/// Something the user should know about the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub level: NoteLevel,
    /// Stable code, e.g. `ess-no-proxy`.
    pub code: &'static str,
    pub text: String,
}

/// A request, ready to render or send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub operation: Operation,
    /// Where it goes. For a repository operation asked for Elastic Cloud,
    /// this is the Elasticsearch endpoint (see the `ess-no-proxy` note).
    #[serde(skip)]
    pub target: Target,
    pub method: &'static str,
    /// The full URL; `$NAME` marks a variable.
    pub url: String,
    /// For requests Elasticsearch answers: its path, e.g. `_snapshot/my-repo`
    /// (what Kibana Dev Tools takes).
    pub es_path: Option<String>,
    /// The ECE / Elastic Cloud endpoint (`operationId`), when it is an API call.
    pub operation_id: Option<&'static str>,
    pub headers: Vec<Header>,
    /// The bytes to send, ending with a newline: a body without one gets one
    /// (JSON ignores it), so that every renderer sends exactly these bytes
    /// (a bash heredoc always ends with a newline).
    pub body: Option<String>,
    /// The deployment id as used (a value or `$DEPLOYMENT_ID`).
    pub deployment_id: Option<String>,
    /// The ref_id as used (a value or `$REF_ID`).
    pub ref_id: Option<String>,
    pub repository: Option<String>,
    /// The variables the request uses, in order of first use.
    pub variables: Vec<String>,
    pub notes: Vec<Note>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// True when some note is an error (the request returned replaces the
    /// one asked for).
    pub fn has_error_note(&self) -> bool {
        self.notes.iter().any(|n| n.level == NoteLevel::Error)
    }
}

/// Why a request cannot be built: one sentence the user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    pub message: String,
}

impl RequestError {
    fn new(message: impl Into<String>) -> RequestError {
        RequestError {
            message: message.into(),
        }
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RequestError {}

/// True for `$NAME` or `${NAME}` (one shell variable, nothing else).
pub fn is_variable(s: &str) -> bool {
    let name = if let Some(inner) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        inner
    } else if let Some(inner) = s.strip_prefix('$') {
        inner
    } else {
        return false;
    };
    is_variable_name(name)
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The variables named in `text` (`$NAME` and `${NAME}`), in order.
pub fn variables_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let (name, next) = if bytes.get(i + 1) == Some(&b'{') {
                match text[i + 2..].find('}') {
                    Some(end) => (&text[i + 2..i + 2 + end], i + 3 + end),
                    None => ("", i + 1),
                }
            } else {
                let end = text[i + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(text.len(), |e| i + 1 + e);
                (&text[i + 1..end], end)
            };
            if is_variable_name(name) && !out.iter().any(|v| v == name) {
                out.push(name.to_string());
            }
            i = next.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Checks an id that goes into a URL path: a variable, or plain characters.
fn check_path_value(what: &str, flag: &str, value: &str) -> Result<(), RequestError> {
    if is_variable(value) {
        return Ok(());
    }
    if value.is_empty() {
        return Err(RequestError::new(format!(
            "the {what} is empty: give it with {flag}"
        )));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(RequestError::new(format!(
            "the {what} {value:?} holds {bad:?}: use letters, digits, '-', '_' and '.' only (or a variable such as $NAME)"
        )));
    }
    if value == "." || value == ".." {
        return Err(RequestError::new(format!("the {what} cannot be {value:?}")));
    }
    Ok(())
}

/// Checks a base URL: host, port, path characters and `$VAR` only, so that
/// it can be written in double quotes in any shell.
fn check_base_url(what: &str, value: &str) -> Result<(), RequestError> {
    if value.is_empty() {
        return Err(RequestError::new(format!("the {what} is empty")));
    }
    if let Some(bad) = value.chars().find(|c| {
        !(c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '_' | '.' | ':' | '/' | '[' | ']' | '$' | '{' | '}' | '%'
            ))
    }) {
        return Err(RequestError::new(format!(
            "the {what} {value:?} holds {bad:?}: give a URL such as https://ece.example.com:12443"
        )));
    }
    // Every `$` must start a variable; braces only around variable names.
    let stripped = strip_variables(value);
    if stripped.contains(['$', '{', '}']) {
        return Err(RequestError::new(format!(
            "the {what} {value:?} has a '$' or a brace that is not a variable such as $COORDINATOR_HOST or ${{COORDINATOR_HOST}}"
        )));
    }
    Ok(())
}

/// `text` with every `$NAME` / `${NAME}` removed.
fn strip_variables(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let skip = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) if is_variable_name(&inner[..end]) => end + 2,
                _ => {
                    out.push('$');
                    0
                }
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if is_variable_name(&after[..end]) {
                end
            } else {
                out.push('$');
                0
            }
        };
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
}

/// `https://$COORDINATOR_HOST:12443` or the coordinator given, normalised:
/// a bare host (or variable) gets `https://` and `:12443`; a trailing `/` or
/// `/api/v1` is dropped.
pub fn ece_base_url(coordinator: Option<&str>) -> Result<String, RequestError> {
    let Some(given) = coordinator.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(format!("https://${VAR_COORDINATOR_HOST}:{ECE_API_PORT}"));
    };
    check_base_url("coordinator", given)?;
    let mut url = given.trim_end_matches('/').to_string();
    if let Some(stripped) = url.strip_suffix("/api/v1") {
        url = stripped.trim_end_matches('/').to_string();
    }
    if !url.contains("://") {
        let (host, path) = url.split_at(url.find('/').unwrap_or(url.len()));
        url = if host_has_port(host) {
            format!("https://{host}{path}")
        } else {
            format!("https://{host}:{ECE_API_PORT}{path}")
        };
    }
    Ok(url)
}

fn host_has_port(host: &str) -> bool {
    let host = host.split('/').next().unwrap_or("");
    if let Some(end) = host.rfind(']') {
        host[end..].contains(':')
    } else {
        host.contains(':')
    }
}

/// `$ELASTICSEARCH_URL` or the endpoint given, without a trailing `/`
/// (`https://` added when no scheme is given).
pub fn elasticsearch_base_url(endpoint: Option<&str>) -> Result<String, RequestError> {
    let Some(given) = endpoint.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(format!("${VAR_ELASTICSEARCH_URL}"));
    };
    check_base_url("Elasticsearch endpoint", given)?;
    let url = given.trim_end_matches('/').to_string();
    if url.contains("://") || is_variable(&url) {
        Ok(url)
    } else {
        Ok(format!("https://{url}"))
    }
}

fn note(level: NoteLevel, code: &'static str, text: impl Into<String>) -> Note {
    Note {
        level,
        code,
        text: text.into(),
    }
}

/// Builds the request for `spec`. Errors are combinations that have no
/// request at all (e.g. a keystore change on a plain Elasticsearch endpoint)
/// or missing / unusable inputs.
pub fn build_request(spec: &RequestSpec) -> Result<Request, RequestError> {
    let op = spec.operation;
    let mut notes = Vec::new();

    // Elastic Cloud has no proxy: Elasticsearch-level requests go to the
    // deployment's Elasticsearch endpoint instead.
    let target = match (&spec.target, op.is_elasticsearch_level()) {
        (Target::Ess, true) => {
            notes.push(note(
                NoteLevel::Error,
                "ess-no-proxy",
                format!(
                    "Elastic Cloud has no API proxy to Elasticsearch (the Elastic Cloud API has no `/proxy/` endpoint), so `{}` cannot go through api.elastic-cloud.com. This is the request for the deployment's Elasticsearch endpoint instead: set ELASTICSEARCH_URL to it (Cloud console > deployment > Copy endpoint, or `resources.elasticsearch[].info.metadata.service_url` of GET /api/v1/deployments/<id>) and ELASTIC_API_KEY to an Elasticsearch API key (not the Cloud API key). Kibana Dev Tools works too.",
                    op.as_str()
                ),
            ));
            Target::Elasticsearch { endpoint: None }
        }
        (t, _) => t.clone(),
    };

    match (&target, op) {
        (Target::Elasticsearch { .. }, Operation::KeystoreSet | Operation::KeystoreGet) => {
            return Err(RequestError::new(
                "Elasticsearch has no HTTP API to change or list its keystore: use --target ece or ess (the deployment keystore API), or `bin/elasticsearch-keystore` on each node of a self-managed cluster",
            ))
        }
        (Target::Elasticsearch { .. }, Operation::Login) => {
            return Err(RequestError::new(
                "login is the ECE API's (POST /api/v1/users/auth/_login): use --target ece",
            ))
        }
        (Target::Ess, Operation::Login) => {
            return Err(RequestError::new(
                "Elastic Cloud accepts API keys only (no login): create one in the Cloud console (Organization > API keys) and use --auth apikey",
            ))
        }
        (Target::Ess | Target::Elasticsearch { .. }, Operation::PlatformRepositoryPut) => {
            return Err(RequestError::new(
                "platform-level snapshot repositories exist on ECE only: use --target ece, or repository-put to register a repository on one deployment",
            ))
        }
        (
            Target::Elasticsearch { .. },
            Operation::DeploymentsList | Operation::DeploymentGet,
        ) => {
            return Err(RequestError::new(
                "deployments are listed by the ECE or Elastic Cloud API: use --target ece or ess",
            ))
        }
        _ => {}
    }
    if matches!(target, Target::Ess) && spec.auth == Auth::Bearer {
        return Err(RequestError::new(
            "Elastic Cloud accepts API keys only: use --auth apikey with $EC_API_KEY",
        ));
    }

    // Body.
    let body = match (&spec.body, op.needs_body()) {
        (Some(body), true) => {
            if body.trim().is_empty() {
                return Err(RequestError::new(format!("the body of {op} is empty")));
            }
            if body.contains('\0') {
                return Err(RequestError::new(
                    "the body holds a NUL byte, which no shell command can carry: JSON writes it as \\u0000",
                ));
            }
            let mut body = body.clone();
            if !body.ends_with('\n') {
                body.push('\n');
            }
            Some(body)
        }
        (None, true) => {
            return Err(RequestError::new(match op {
                Operation::Login => "login needs a body {\"username\": ..., \"password\": ...} (from a file or stdin: the password is never taken from the command line)".to_string(),
                _ => format!("{op} needs a body (the JSON to send)"),
            }))
        }
        (_, false) => None,
    };

    let repository = if op.needs_repository() {
        let name = spec
            .repository
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| RequestError::new(format!("{op} needs the repository name")))?;
        check_path_value("repository name", "--repository", name)?;
        Some(name.to_string())
    } else {
        None
    };

    let uses_deployment = !matches!(target, Target::Elasticsearch { .. })
        && !matches!(
            op,
            Operation::Login | Operation::PlatformRepositoryPut | Operation::DeploymentsList
        );
    let uses_ref = uses_deployment && op != Operation::DeploymentGet;
    let deployment_id = if uses_deployment {
        let id = spec
            .deployment_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or_else(|| format!("${VAR_DEPLOYMENT_ID}"), str::to_string);
        check_path_value("deployment id", "--deployment-id", &id)?;
        Some(id)
    } else {
        None
    };
    let ref_id = if uses_ref {
        let id = spec
            .ref_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or_else(|| format!("${VAR_REF_ID}"), str::to_string);
        check_path_value("ref_id", "--ref-id", &id)?;
        Some(id)
    } else {
        None
    };
    let dep = deployment_id.as_deref().unwrap_or("");
    let rid = ref_id.as_deref().unwrap_or("");
    let repo = repository.as_deref().unwrap_or("");

    // Method, Elasticsearch path and API path.
    let (method, es_path): (&'static str, Option<String>) = match op {
        Operation::KeystoreSet => ("PATCH", None),
        Operation::KeystoreGet | Operation::DeploymentsList | Operation::DeploymentGet => {
            ("GET", None)
        }
        Operation::RepositoryPut => ("PUT", Some(format!("_snapshot/{repo}"))),
        Operation::RepositoryVerify => ("POST", Some(format!("_snapshot/{repo}/_verify"))),
        Operation::ReloadSecureSettings => {
            ("POST", Some("_nodes/reload_secure_settings".to_string()))
        }
        Operation::Login => ("POST", None),
        Operation::PlatformRepositoryPut => ("PUT", None),
    };

    let (url, api_path) = match &target {
        Target::Elasticsearch { endpoint } => {
            let base = elasticsearch_base_url(endpoint.as_deref())?;
            let path = es_path.clone().unwrap_or_default();
            (format!("{base}/{path}"), None)
        }
        Target::Ece { .. } | Target::Ess => {
            let base = match &target {
                Target::Ece { coordinator } => ece_base_url(coordinator.as_deref())?,
                _ => ESS_API_URL.to_string(),
            };
            let path = match op {
                Operation::KeystoreSet | Operation::KeystoreGet => {
                    format!("/deployments/{dep}/elasticsearch/{rid}/keystore")
                }
                Operation::RepositoryPut
                | Operation::RepositoryVerify
                | Operation::ReloadSecureSettings => format!(
                    "/deployments/{dep}/elasticsearch/{rid}/proxy/{}",
                    es_path.as_deref().unwrap_or("")
                ),
                Operation::Login => "/users/auth/_login".to_string(),
                Operation::PlatformRepositoryPut => {
                    format!("/platform/configuration/snapshots/repositories/{repo}")
                }
                Operation::DeploymentsList => "/deployments".to_string(),
                Operation::DeploymentGet => format!("/deployments/{dep}"),
            };
            (format!("{base}/api/v1{path}"), Some(path))
        }
    };

    // The endpoint in the table: it must exist for the target (tests check
    // every combination), and its required headers are sent.
    let mut headers = Vec::new();
    let mut operation_id = None;
    if api_path.is_some() {
        if let Some(endpoint) = table::request_endpoint(method, op.api_template()) {
            operation_id = Some(endpoint.operation_id.as_str());
            for h in &endpoint.required_headers {
                headers.push(Header {
                    name: h.clone(),
                    value: "true".to_string(),
                });
            }
        }
    }

    // Authorization first.
    if op != Operation::Login {
        let (scheme, var) = match (&target, spec.auth) {
            (Target::Ece { .. }, Auth::ApiKey) => ("ApiKey", VAR_ECE_API_KEY),
            (Target::Ece { .. }, Auth::Bearer) => ("Bearer", VAR_ECE_TOKEN),
            (Target::Ess, _) => ("ApiKey", VAR_EC_API_KEY),
            (Target::Elasticsearch { .. }, Auth::ApiKey) => ("ApiKey", VAR_ELASTIC_API_KEY),
            (Target::Elasticsearch { .. }, Auth::Bearer) => ("Bearer", VAR_ELASTIC_TOKEN),
        };
        headers.insert(
            0,
            Header {
                name: "Authorization".to_string(),
                value: format!("{scheme} ${var}"),
            },
        );
    }
    if body.is_some() {
        headers.push(Header {
            name: "Content-Type".to_string(),
            value: "application/json".to_string(),
        });
    }

    // Notes.
    match op {
        Operation::KeystoreSet => {
            notes.push(note(
                NoteLevel::Info,
                "keystore-merge",
                "PATCH merges: the keys in the body are added or replaced, a key sent as {} or null is removed, and keys not mentioned are kept.",
            ));
            notes.push(note(
                NoteLevel::Info,
                "reload-needed",
                "New snapshot client credentials (s3/gcs/azure.client.*) take effect after POST _nodes/reload_secure_settings (reload-secure-settings); other secure settings need a restart of the deployment.",
            ));
        }
        Operation::KeystoreGet => notes.push(note(
            NoteLevel::Info,
            "keystore-no-values",
            "The answer lists the key names and as_file only: the API never returns keystore values.",
        )),
        Operation::RepositoryPut => notes.push(note(
            NoteLevel::Info,
            "verify-after-put",
            "Registering verifies the repository from the master node only; run repository-verify to check every node.",
        )),
        Operation::RepositoryVerify => notes.push(note(
            NoteLevel::Info,
            "verify-nodes",
            "The answer lists the nodes that could write to the repository; a node missing the keystore credentials fails here.",
        )),
        Operation::ReloadSecureSettings => notes.push(note(
            NoteLevel::Info,
            "reload-exception",
            "Check each node's reload_exception in the answer: an unknown or invalid secure setting is reported there.",
        )),
        Operation::Login => notes.push(note(
            NoteLevel::Info,
            "login-token",
            format!(
                "The answer's token is short-lived (see session_expiration_time): export it as {VAR_ECE_TOKEN} and use --auth bearer for the next requests."
            ),
        )),
        Operation::PlatformRepositoryPut => notes.push(note(
            NoteLevel::Info,
            "platform-repository",
            "Platform repositories hold their S3 keys in the repository settings (not the deployment keystore); deployments reference them by name. Do not set base_path: ECE sets one per deployment.",
        )),
        Operation::DeploymentsList | Operation::DeploymentGet => {}
    }
    if matches!(
        op,
        Operation::KeystoreSet | Operation::Login | Operation::PlatformRepositoryPut
    ) {
        notes.push(note(
            NoteLevel::Warning,
            "shell-history",
            "The body holds secrets: pasted into an interactive shell it lands in the shell history. Run it from a script file, or clear the history entry afterwards.",
        ));
    }
    if let (Target::Ece { .. }, Some(id)) = (&target, &deployment_id) {
        if !is_variable(id) && id.len() != 32 {
            notes.push(note(
                NoteLevel::Warning,
                "deployment-id-length",
                format!(
                    "Deployment ids are 32 characters; {id:?} has {}: check it is the deployment id, not the Elasticsearch cluster id or the deployment name.",
                    id.len()
                ),
            ));
        }
    }

    let mut variables = variables_in(&url);
    for h in &headers {
        for v in variables_in(&h.value) {
            if !variables.contains(&v) {
                variables.push(v);
            }
        }
    }

    Ok(Request {
        operation: op,
        target,
        method,
        url,
        es_path,
        operation_id,
        headers,
        body,
        deployment_id,
        ref_id,
        repository,
        variables,
        notes,
    })
}
