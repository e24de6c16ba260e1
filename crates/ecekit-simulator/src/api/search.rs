//! `POST /deployments/_search` (`search-deployments`): the `SearchRequest`
//! body (validated against the spec) run over each deployment's
//! `DeploymentGetResponse`, so any of its fields can be queried
//! (`name`, `id`, `metadata.tags.key` / `.value`,
//! `resources.elasticsearch.id`, ...). Queries: `match_all`, `match_none`,
//! `term`, `match` (words, `operator` or / and), `prefix`, `exists`, `bool`
//! (`must`, `filter`, `should`, `must_not`, `minimum_should_match`) and
//! `nested` (the inner query holds within one element of `path`).
//! `query_string`, `simple_query_string` and `range` answer 501. Results
//! come in deployment order (`sort` is accepted and not applied), `size`
//! (default 100) at a time, with a `cursor` for the next page.

use super::info;
use super::reply::{failed, CODE_INVALID_JSON, CODE_NOT_SIMULATED};
use super::App;
use crate::http::{Reply, Request};
use base64::Engine;
use serde_json::{json, Map, Value};

/// Leaf values at `path` (dotted) in `doc`, through arrays.
fn leaves<'a>(doc: &'a Value, path: &str, out: &mut Vec<&'a Value>) {
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    match doc {
        Value::Array(items) => {
            for item in items {
                leaves(item, path, out);
            }
        }
        Value::Object(m) => {
            if let Some(next) = m.get(head) {
                if rest.is_empty() {
                    match next {
                        Value::Array(items) => out.extend(items.iter()),
                        v => out.push(v),
                    }
                } else {
                    leaves(next, rest, out);
                }
            }
        }
        _ => {}
    }
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Where fields resolve: the document, or one element of a nested path.
struct Scope<'a> {
    doc: &'a Value,
    nested: Option<(&'a str, &'a Value)>,
}

impl Scope<'_> {
    fn values(&self, field: &str) -> Vec<&Value> {
        let mut out = Vec::new();
        match self.nested {
            Some((path, element)) if field.starts_with(&format!("{path}.")) => {
                leaves(element, &field[path.len() + 1..], &mut out)
            }
            _ => leaves(self.doc, field, &mut out),
        }
        out
    }
}

/// Whether `query` matches; `Err` names a query the simulator does not run.
fn matches(query: &Value, scope: &Scope) -> Result<bool, String> {
    let Some((kind, body)) = query.as_object().and_then(|m| m.iter().next()) else {
        return Ok(true);
    };
    let per_field = |f: &dyn Fn(&str, &Value) -> bool| -> bool {
        body.as_object()
            .is_some_and(|m| m.iter().all(|(field, q)| f(field, q)))
    };
    Ok(match kind.as_str() {
        "match_all" => true,
        "match_none" => false,
        "term" => per_field(&|field, q| {
            let want = text(&q["value"]);
            scope.values(field).iter().any(|v| text(v) == want)
        }),
        "prefix" => per_field(&|field, q| {
            let want = text(&q["value"]);
            scope
                .values(field)
                .iter()
                .any(|v| text(v).starts_with(&want))
        }),
        "match" => per_field(&|field, q| {
            let wanted = words(&text(&q["query"]));
            let all = q["operator"]
                .as_str()
                .is_some_and(|o| o.eq_ignore_ascii_case("and"));
            let have: Vec<String> = scope
                .values(field)
                .iter()
                .flat_map(|v| words(&text(v)))
                .collect();
            let hit = |w: &String| have.contains(w);
            if all {
                wanted.iter().all(hit)
            } else {
                wanted.iter().any(hit)
            }
        }),
        "exists" => {
            let field = body["field"].as_str().unwrap_or("");
            scope.values(field).iter().any(|v| !v.is_null())
        }
        "bool" => {
            let list = |k: &str| body[k].as_array().cloned().unwrap_or_default();
            for q in list("must").iter().chain(list("filter").iter()) {
                if !matches(q, scope)? {
                    return Ok(false);
                }
            }
            for q in list("must_not") {
                if matches(&q, scope)? {
                    return Ok(false);
                }
            }
            let should = list("should");
            let required = body["minimum_should_match"].as_u64().unwrap_or(
                if list("must").is_empty() && list("filter").is_empty() && !should.is_empty() {
                    1
                } else {
                    0
                },
            ) as usize;
            let mut hits = 0;
            for q in &should {
                if matches(q, scope)? {
                    hits += 1;
                }
            }
            hits >= required
        }
        "nested" => {
            let path = body["path"].as_str().unwrap_or("");
            let inner = &body["query"];
            let mut elements = Vec::new();
            leaves(scope.doc, path, &mut elements);
            for element in elements {
                let nested = Scope {
                    doc: scope.doc,
                    nested: Some((path, element)),
                };
                if matches(inner, &nested)? {
                    return Ok(true);
                }
            }
            false
        }
        other => return Err(other.to_string()),
    })
}

impl App {
    pub(super) fn search(&self, req: &Request) -> Reply {
        let body = if req.body.iter().all(u8::is_ascii_whitespace) {
            json!({})
        } else {
            match self.body(req, "SearchRequest") {
                Ok(b) => b,
                Err(r) => return r,
            }
        };
        let offset = match body["cursor"].as_str() {
            Some(c) => match base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| {
                    s.strip_prefix("offset:")
                        .and_then(|n| n.parse::<usize>().ok())
                }) {
                Some(n) => n,
                None => {
                    return failed(
                        400,
                        CODE_INVALID_JSON,
                        "The cursor is not one this search returned",
                        vec!["cursor".into()],
                    )
                }
            },
            None => body["from"].as_u64().unwrap_or(0) as usize,
        };
        let size = body["size"].as_u64().unwrap_or(100).min(10_000) as usize;
        let query = body
            .get("query")
            .cloned()
            .unwrap_or(json!({"match_all": {}}));
        let platform = self.config().platform;
        let tls = self.config().tls;
        let st = self.shared.lock();
        let mut hits = Vec::new();
        for d in st.deployments.iter().filter(|d| d.listed) {
            let doc = info::deployment_info(d, platform, tls);
            let scope = Scope {
                doc: &doc,
                nested: None,
            };
            match matches(&query, &scope) {
                Ok(true) => hits.push(doc),
                Ok(false) => {}
                Err(kind) => {
                    return failed(
                        501,
                        CODE_NOT_SIMULATED,
                        &format!("The simulator does not run `{kind}` queries: use term, match, prefix, exists, bool or nested"),
                        vec![format!("query.{kind}")],
                    )
                }
            }
        }
        let total = hits.len();
        let page: Vec<Value> = hits.into_iter().skip(offset).take(size).collect();
        let returned = page.len();
        let mut out = json!({"match_count": total, "return_count": returned});
        if let Some(attrs) = req
            .query()
            .iter()
            .find(|(k, _)| k == "minimal_metadata")
            .map(|(_, v)| v.clone())
        {
            let wanted: Vec<&str> = attrs
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .collect();
            let minimal: Vec<Value> = page
                .iter()
                .map(|d| {
                    let m: Map<String, Value> = wanted
                        .iter()
                        .filter_map(|a| d.get(*a).map(|v| (a.to_string(), v.clone())))
                        .collect();
                    Value::Object(m)
                })
                .collect();
            out["deployments"] = json!([]);
            out["minimal_metadata"] = json!(minimal);
        } else {
            out["deployments"] = json!(page);
        }
        if offset + returned < total {
            out["cursor"] = json!(base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(format!("offset:{}", offset + returned)));
        }
        Reply::json(200, &out)
    }
}
