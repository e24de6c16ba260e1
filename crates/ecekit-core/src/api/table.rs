//! The endpoint table of the ECE and Elastic Cloud APIs, and path matching.
//!
//! The table is `data/api-paths.json`, derived from the official OpenAPI specs
//! by `scripts/extract-api-paths.py` (the test `tests/api_spec.rs` fails when
//! it no longer matches them). Paths are relative to `/api/v1`.

use crate::data_file;
use serde::Serialize;
use std::sync::OnceLock;

/// The embedded table, verbatim.
pub const DATA: &str = include_str!("../../data/api-paths.json");

/// Which API versions have an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Availability {
    /// The current ECE API (3.x; the spec is ECE 3.8.0 / ms-112).
    pub ece: bool,
    /// The Elastic Cloud (ESS / ECH) API.
    pub ess: bool,
    /// ECE 2.13 and earlier (before ECE 3.0 removed the `/clusters/...` API).
    pub ece_2_13: bool,
}

impl Availability {
    /// True when only ECE 2.13 (or earlier) has it: removed in ECE 3.0.
    pub fn legacy_only(&self) -> bool {
        self.ece_2_13 && !self.ece && !self.ess
    }

    /// A short human description, e.g. "ECE and Elastic Cloud".
    pub fn describe(&self) -> &'static str {
        match (self.ece, self.ess, self.ece_2_13) {
            (true, true, _) => "ECE and Elastic Cloud",
            (true, false, _) => "ECE only (not Elastic Cloud)",
            (false, true, _) => "Elastic Cloud only (not ECE)",
            (false, false, true) => "ECE 2.13 and earlier only (removed in ECE 3.0)",
            (false, false, false) => "no API version",
        }
    }
}

/// One method + path of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Upper case, e.g. `PATCH`.
    pub method: String,
    /// Path template relative to `/api/v1`, e.g. `/deployments/{deployment_id}`.
    pub path: String,
    pub operation_id: String,
    pub availability: Availability,
    /// Header parameters the spec marks required (e.g. `X-Management-Request`).
    pub required_headers: Vec<String>,
    /// The body schema: a definition name (`KeystoreContents`), `string`, or
    /// `None` when the operation takes no body.
    pub body: Option<String>,
    pub body_required: bool,
    /// Path parameters restricted to a set of values.
    pub enums: Vec<(String, Vec<String>)>,
    segments: Vec<Segment>,
}

impl Endpoint {
    /// The allowed values of a path parameter, if the spec restricts them.
    pub fn enum_values(&self, param: &str) -> Option<&[String]> {
        self.enums
            .iter()
            .find(|(name, _)| name == param)
            .map(|(_, values)| values.as_slice())
    }

    /// True for the API proxies to a deployment resource (`.../proxy/{path}`).
    pub fn is_proxy(&self) -> bool {
        matches!(self.segments.last(), Some(Segment::Rest(_)))
    }

    /// The names of the path parameters, in order.
    pub fn params(&self) -> Vec<&str> {
        self.segments
            .iter()
            .filter_map(|s| match s {
                Segment::Param(name) | Segment::Rest(name) => Some(name.as_str()),
                Segment::Literal(_) => None,
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
    /// The last parameter of a proxy path: it takes the rest of the path,
    /// slashes included.
    Rest(String),
}

fn parse_segments(path: &str) -> Vec<Segment> {
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut out = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let param = part
            .strip_prefix('{')
            .and_then(|p| p.strip_suffix('}'))
            .map(str::to_string);
        out.push(match param {
            Some(name) if i + 1 == parts.len() && i > 0 && parts[i - 1] == "proxy" => {
                Segment::Rest(name)
            }
            Some(name) => Segment::Param(name),
            None => Segment::Literal(part.to_string()),
        });
    }
    out
}

/// Every endpoint of the table (ECE current, Elastic Cloud, ECE 2.13).
pub fn endpoints() -> &'static [Endpoint] {
    static TABLE: OnceLock<Vec<Endpoint>> = OnceLock::new();
    // The file is committed and checked against the specs by tests/api_spec.rs.
    TABLE.get_or_init(|| parse_endpoints(DATA, "data/api-paths.json"))
}

/// The endpoints of the paths the request builder uses, from build.rs's
/// trimmed copy of the table: building a request does not load (and the
/// page's first load does not carry) the whole table.
const REQUEST_DATA: &str = include_str!(concat!(env!("OUT_DIR"), "/request-endpoints.json"));

/// The endpoint with exactly this method and path template, among the
/// request builder's (`Operation::api_template`).
pub fn request_endpoint(method: &str, template: &str) -> Option<&'static Endpoint> {
    static TABLE: OnceLock<Vec<Endpoint>> = OnceLock::new();
    TABLE
        .get_or_init(|| parse_endpoints(REQUEST_DATA, "request-endpoints.json"))
        .iter()
        .find(|e| e.method.eq_ignore_ascii_case(method) && e.path == template)
}

fn parse_endpoints(text: &str, name: &str) -> Vec<Endpoint> {
    let raw = data_file::parse(text, name);
    data_file::array(&raw, "endpoints")
        .iter()
        .map(|e| {
            let specs = data_file::strings(e, "specs");
            let path = data_file::string(e, "path");
            let enums = data_file::opt_object(e, "enums")
                .into_iter()
                .flatten()
                .map(|(name, values)| {
                    let values = values
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    (name.clone(), values)
                })
                .collect();
            Endpoint {
                availability: Availability {
                    ece: specs.iter().any(|s| s == "ece"),
                    ess: specs.iter().any(|s| s == "ess"),
                    ece_2_13: specs.iter().any(|s| s == "ece-2.13"),
                },
                segments: parse_segments(&path),
                enums,
                method: data_file::string(e, "method"),
                path,
                operation_id: data_file::string(e, "operation_id"),
                required_headers: data_file::opt_strings(e, "headers").unwrap_or_default(),
                body: data_file::opt_string(e, "body"),
                body_required: data_file::flag(e, "body_required"),
            }
        })
        .collect()
}

/// The endpoint with exactly this method and path template.
pub fn endpoint(method: &str, template: &str) -> Option<&'static Endpoint> {
    endpoints()
        .iter()
        .find(|e| e.method.eq_ignore_ascii_case(method) && e.path == template)
}

/// The endpoint with this `operationId`.
pub fn find_operation(operation_id: &str) -> Option<&'static Endpoint> {
    endpoints().iter().find(|e| e.operation_id == operation_id)
}

/// A URL or path split into the parts the API cares about.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UrlParts {
    /// `https`, `http`, or `None` when the input had no scheme.
    pub scheme: Option<String>,
    /// Host and port as written (may hold a variable: `$COORDINATOR_HOST:12443`).
    pub authority: Option<String>,
    /// True when the path started with `/api/v1`.
    pub api_prefix: bool,
    /// The path after `/api/v1` (or the whole path when there was no prefix),
    /// starting with `/`, without a trailing slash, query or fragment.
    pub path: String,
    /// The query string without `?`.
    pub query: Option<String>,
}

/// Splits `https://host:12443/api/v1/deployments?x=1`, `/api/v1/deployments`,
/// or `/deployments` into its parts. Variables stay as written.
pub fn split_url(input: &str) -> UrlParts {
    let input = input.trim();
    let mut parts = UrlParts::default();
    let mut rest = input;
    if let Some(idx) = rest.find("://") {
        let scheme = &rest[..idx];
        if !scheme.is_empty() && !scheme.contains('/') {
            parts.scheme = Some(scheme.to_ascii_lowercase());
            let after = &rest[idx + 3..];
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            parts.authority = Some(after[..end].to_string());
            rest = &after[end..];
        }
    } else if !rest.starts_with('/') {
        // `host:12443/api/v1/...` or `$COORDINATOR_HOST:12443/api/v1/...`
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if end > 0 {
            parts.authority = Some(rest[..end].to_string());
        }
        rest = &rest[end..];
    }
    if let Some(hash) = rest.find('#') {
        rest = &rest[..hash];
    }
    if let Some(q) = rest.find('?') {
        parts.query = Some(rest[q + 1..].to_string());
        rest = &rest[..q];
    }
    let mut path = rest;
    if path == "/api/v1" || path.starts_with("/api/v1/") {
        parts.api_prefix = true;
        path = &path["/api/v1".len()..];
    }
    let mut path = path.trim_end_matches('/').to_string();
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    parts.path = path;
    parts
}

/// True for a path segment that is (or holds) a shell variable or a
/// placeholder: `$DEPLOYMENT_ID`, `${REF_ID}`, `{deployment_id}`, `<id>`.
pub fn is_dynamic_segment(segment: &str) -> bool {
    segment.contains('$')
        || (segment.starts_with('{') && segment.ends_with('}'))
        || (segment.starts_with('<') && segment.ends_with('>'))
}

/// What a proxied request asks the resource (Elasticsearch, Kibana, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyPath {
    /// `elasticsearch`, `kibana`, `enterprise_search` (as written).
    pub resource_kind: String,
    /// The proxied path without a leading slash, e.g. `_snapshot/my-repo/_verify`.
    pub path: String,
    pub query: Option<String>,
    /// What the path means to Elasticsearch (when the resource is Elasticsearch).
    pub es: Option<EsApi>,
}

/// A matched endpoint with the values its parameters took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub endpoint: &'static Endpoint,
    /// Parameter name → value as written (a variable stays a variable).
    pub params: Vec<(String, String)>,
    /// For `.../proxy/{path}` endpoints: the proxied path.
    pub proxy: Option<ProxyPath>,
}

impl Found {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A path that exists, to suggest instead of one that does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Methods the suggested path has.
    pub methods: Vec<String>,
    /// The template, e.g. `/deployments/{deployment_id}/elasticsearch/{ref_id}/keystore`.
    pub template: String,
    /// The suggested path with the input's own values (or variables) filled in.
    pub path: String,
    pub availability: Availability,
    /// Why this one.
    pub reason: String,
}

/// The result of [`match_path`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathMatch {
    /// The method and path exist; see `endpoint.availability` for where.
    Found(Found),
    /// The path exists, but not with this method.
    WrongMethod {
        template: String,
        allowed: Vec<String>,
        availability: Availability,
    },
    /// No API version has this path.
    NotFound { nearest: Option<Suggestion> },
}

/// Looks up `method` + `path` in the table. `path` may be a whole URL
/// (`https://$COORDINATOR_HOST:12443/api/v1/...`), a path with `/api/v1`, or
/// a path relative to `/api/v1`. Segments holding shell variables
/// (`$DEPLOYMENT_ID`, `${REF_ID}`) or placeholders match any parameter.
pub fn match_path(method: &str, path: &str) -> PathMatch {
    let url = split_url(path);
    let segs: Vec<&str> = url.path.split('/').filter(|s| !s.is_empty()).collect();

    type Candidate = (u32, &'static Endpoint, Vec<(String, String)>);
    let mut best_same_method: Option<Candidate> = None;
    let mut best_any: Option<(u32, &'static Endpoint)> = None;
    for ep in endpoints() {
        let Some((score, params)) = match_segments(ep, &segs) else {
            continue;
        };
        if ep.method.eq_ignore_ascii_case(method)
            && best_same_method.as_ref().is_none_or(|(s, _, _)| score > *s)
        {
            best_same_method = Some((score, ep, params));
        }
        if best_any.is_none_or(|(s, _)| score > s) {
            best_any = Some((score, ep));
        }
    }

    if let Some((_, ep, params)) = best_same_method {
        let proxy = if ep.is_proxy() {
            proxy_of(ep, &params, url.query.clone())
        } else {
            None
        };
        return PathMatch::Found(Found {
            endpoint: ep,
            params,
            proxy,
        });
    }
    if let Some((_, ep)) = best_any {
        let allowed: Vec<String> = endpoints()
            .iter()
            .filter(|e| e.path == ep.path)
            .map(|e| e.method.clone())
            .collect();
        let mut availability = Availability::default();
        for e in endpoints().iter().filter(|e| e.path == ep.path) {
            availability.ece |= e.availability.ece;
            availability.ess |= e.availability.ess;
            availability.ece_2_13 |= e.availability.ece_2_13;
        }
        return PathMatch::WrongMethod {
            template: ep.path.clone(),
            allowed,
            availability,
        };
    }
    PathMatch::NotFound {
        nearest: nearest(method, &segs, url.query.as_deref()),
    }
}

/// Scores how `segs` match `ep` (higher = more specific), with the values of
/// its parameters; `None` when they do not match.
fn match_segments(ep: &Endpoint, segs: &[&str]) -> Option<(u32, Vec<(String, String)>)> {
    let mut score = 0;
    let mut params = Vec::new();
    for (i, tseg) in ep.segments.iter().enumerate() {
        match tseg {
            Segment::Rest(name) => {
                if i >= segs.len() {
                    return None;
                }
                params.push((name.clone(), segs[i..].join("/")));
                return Some((score + 2, params));
            }
            _ if i >= segs.len() => return None,
            Segment::Literal(lit) => {
                if segs[i] == lit {
                    score += 3;
                } else if is_dynamic_segment(segs[i]) {
                    score += 1;
                } else {
                    return None;
                }
            }
            Segment::Param(name) => {
                let seg = segs[i];
                if !is_dynamic_segment(seg) {
                    if let Some(values) = ep.enum_values(name) {
                        if !values.iter().any(|v| v == seg) {
                            return None;
                        }
                    }
                }
                score += 2;
                params.push((name.clone(), seg.to_string()));
            }
        }
    }
    if segs.len() == ep.segments.len() {
        Some((score, params))
    } else {
        None
    }
}

fn proxy_of(
    ep: &Endpoint,
    params: &[(String, String)],
    query: Option<String>,
) -> Option<ProxyPath> {
    let rest_name = match ep.segments.last() {
        Some(Segment::Rest(name)) => name.as_str(),
        _ => return None,
    };
    let path = params
        .iter()
        .find(|(n, _)| n == rest_name)
        .map(|(_, v)| v.clone())?;
    // The current proxy has a {resource_kind} parameter; the ECE 2.13 ones
    // are /clusters/<kind>/{cluster_id}/proxy/...
    let resource_kind = params
        .iter()
        .find(|(n, _)| n == "resource_kind")
        .map(|(_, v)| v.clone())
        .or_else(|| match ep.segments.get(1) {
            Some(Segment::Literal(kind)) => Some(kind.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let es = (resource_kind == "elasticsearch" || is_dynamic_segment(&resource_kind))
        .then(|| classify_es_path(&path));
    Some(ProxyPath {
        resource_kind,
        path,
        query,
        es,
    })
}

/// What an Elasticsearch path means, for the requests ecekit cares about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EsApi {
    /// `_snapshot/<name>`: register (PUT), read (GET) or remove (DELETE) a repository.
    SnapshotRepository { name: String },
    /// `_snapshot/<name>/_verify` (POST).
    SnapshotRepositoryVerify { name: String },
    /// `_snapshot` or `_snapshot/_all`: the repositories.
    SnapshotRepositories,
    /// `_snapshot/<name>/<snapshot>...`: snapshots in a repository.
    Snapshot { repository: String },
    /// `_nodes/reload_secure_settings` or `_nodes/<ids>/reload_secure_settings` (POST).
    ReloadSecureSettings { nodes: Option<String> },
    /// Anything else.
    Other,
}

/// Classifies an Elasticsearch path (leading slash and query optional).
pub fn classify_es_path(path: &str) -> EsApi {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["_snapshot"] | ["_snapshot", "_all"] => EsApi::SnapshotRepositories,
        ["_snapshot", name] => EsApi::SnapshotRepository {
            name: name.to_string(),
        },
        ["_snapshot", name, "_verify"] => EsApi::SnapshotRepositoryVerify {
            name: name.to_string(),
        },
        ["_snapshot", name, ..] => EsApi::Snapshot {
            repository: name.to_string(),
        },
        ["_nodes", "reload_secure_settings"] => EsApi::ReloadSecureSettings { nodes: None },
        ["_nodes", nodes, "reload_secure_settings"] => EsApi::ReloadSecureSettings {
            nodes: Some(nodes.to_string()),
        },
        _ => EsApi::Other,
    }
}

/// Top-level Elasticsearch API names: a path holding one of them, sent to the
/// ECE API outside a proxy, was meant for the proxy.
const ES_APIS: &[&str] = &[
    "_snapshot",
    "_nodes",
    "_cat",
    "_cluster",
    "_security",
    "_slm",
    "_ilm",
    "_license",
    "_all",
    "_search",
    "_bulk",
    "_index_template",
    "_component_template",
    "_template",
    "_alias",
    "_aliases",
    "_mapping",
    "_settings",
    "_tasks",
    "_ingest",
    "_xpack",
];

fn nearest(method: &str, segs: &[&str], query: Option<&str>) -> Option<Suggestion> {
    // An Elasticsearch API sent straight to the ECE API: it needs the proxy.
    if let Some(i) = segs.iter().position(|s| ES_APIS.contains(s)) {
        if i > 0 {
            let (deployment, ref_id) = match segs {
                ["deployments", d, "elasticsearch", r, ..] if i >= 4 => {
                    (d.to_string(), r.to_string())
                }
                ["deployments", d, ..] if i >= 2 => (d.to_string(), "$REF_ID".to_string()),
                _ => ("$DEPLOYMENT_ID".to_string(), "$REF_ID".to_string()),
            };
            let mut es_path = segs[i..].join("/");
            if let Some(q) = query {
                es_path.push('?');
                es_path.push_str(q);
            }
            let template =
                "/deployments/{deployment_id}/{resource_kind}/{ref_id}/proxy/{proxy_path}";
            let methods = endpoints()
                .iter()
                .filter(|e| e.path == template)
                .map(|e| e.method.clone())
                .collect();
            let legacy = segs.first() == Some(&"clusters");
            return Some(Suggestion {
                methods,
                template: template.to_string(),
                path: format!("/deployments/{deployment}/elasticsearch/{ref_id}/proxy/{es_path}"),
                availability: Availability {
                    ece: true,
                    ess: false,
                    ece_2_13: true,
                },
                reason: if legacy {
                    format!(
                        "Elasticsearch APIs such as `{}` go through the deployment proxy (with the header `X-Management-Request: true`); no ECE version has `{}` outside the proxy. The deployment id is not the Elasticsearch cluster id.",
                        segs[i],
                        segs[i]
                    )
                } else {
                    format!(
                        "Elasticsearch APIs such as `{}` go through the deployment proxy (with the header `X-Management-Request: true`).",
                        segs[i]
                    )
                },
            });
        }
    }

    // Otherwise: the template closest by segments, preferring the same method.
    let mut best: Option<(f64, &'static Endpoint)> = None;
    for ep in endpoints() {
        let mut d = segment_distance(segs, &ep.segments);
        if !ep.method.eq_ignore_ascii_case(method) {
            d += 0.5;
        }
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, ep));
        }
    }
    let (d, ep) = best?;
    // More than about half the segments wrong, or no fixed segment in common:
    // nothing worth suggesting.
    let shares_literal = ep.segments.iter().any(|t| match t {
        Segment::Literal(lit) => segs.iter().any(|s| strsim::jaro_winkler(s, lit) >= 0.85),
        _ => false,
    });
    if !shares_literal || d > (segs.len().max(ep.segments.len()) as f64) / 2.0 + 0.5 {
        return None;
    }
    let methods: Vec<String> = endpoints()
        .iter()
        .filter(|e| e.path == ep.path)
        .map(|e| e.method.clone())
        .collect();
    Some(Suggestion {
        methods,
        template: ep.path.clone(),
        path: fill_template(ep, segs),
        availability: ep.availability,
        reason: "the closest path the API has".to_string(),
    })
}

/// Segment-level edit distance: a parameter matches any segment, a literal
/// costs its normalised string distance.
fn segment_distance(segs: &[&str], template: &[Segment]) -> f64 {
    let n = segs.len();
    let m = template.len();
    let mut dp = vec![vec![0.0f64; m + 1]; n + 1];
    for (i, row) in dp.iter_mut().enumerate() {
        row[0] = i as f64;
    }
    for (j, cell) in dp[0].iter_mut().enumerate() {
        *cell = j as f64;
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = match &template[j - 1] {
                Segment::Param(_) | Segment::Rest(_) => 0.0,
                Segment::Literal(_) if is_dynamic_segment(segs[i - 1]) => 0.3,
                Segment::Literal(lit) => 1.0 - strsim::jaro_winkler(segs[i - 1], lit),
            };
            dp[i][j] = (dp[i - 1][j - 1] + sub)
                .min(dp[i - 1][j] + 1.0)
                .min(dp[i][j - 1] + 1.0);
        }
    }
    dp[n][m]
}

/// The template with parameters taken from the input where the segment
/// counts line up, `{name}` elsewhere.
fn fill_template(ep: &Endpoint, segs: &[&str]) -> String {
    let aligned = segs.len() == ep.segments.len();
    let mut out = String::new();
    for (i, seg) in ep.segments.iter().enumerate() {
        out.push('/');
        match seg {
            Segment::Literal(lit) => out.push_str(lit),
            Segment::Param(name) | Segment::Rest(name) => {
                if aligned && !looks_like_api_name(segs[i]) {
                    out.push_str(segs[i]);
                } else {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            }
        }
    }
    out
}

fn looks_like_api_name(seg: &str) -> bool {
    seg.starts_with('_')
}
