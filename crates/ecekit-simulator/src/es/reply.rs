//! Elasticsearch's answers: a status and a JSON body, errors in its
//! `{"error": {"root_cause", "type", "reason", "caused_by"}, "status"}`
//! shape, and how long the cluster works before it answers (an analysis, a
//! snapshot waited for).

use serde_json::{json, Map, Value};
use std::time::Duration;

/// One answer of the cluster.
#[derive(Debug, Clone)]
pub struct EsReply {
    pub status: u16,
    pub body: Value,
    /// How long the cluster works on the request before answering. The
    /// direct endpoint waits this long; the ECE proxy cuts the request when
    /// it is past the proxy's limit.
    pub work: Duration,
    /// Extra response headers (`WWW-Authenticate` on a 401).
    pub headers: Vec<(String, String)>,
}

impl EsReply {
    pub fn ok(body: Value) -> EsReply {
        EsReply::status(200, body)
    }

    pub fn status(status: u16, body: Value) -> EsReply {
        EsReply {
            status,
            body,
            work: Duration::ZERO,
            headers: Vec::new(),
        }
    }

    /// The same answer, given after `work`.
    pub fn after(mut self, work: Duration) -> EsReply {
        self.work = work;
        self
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> EsReply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// An exception as Elasticsearch renders it: `type` is the Java class name
/// in snake_case, `reason` its message, `caused_by` the cause, and extra
/// fields (`header`, `additional_unsuccessful_credentials`) beside them.
#[derive(Debug, Clone, PartialEq)]
pub struct Exception {
    pub typ: String,
    pub reason: String,
    pub caused_by: Option<Box<Exception>>,
    pub extra: Map<String, Value>,
}

impl Exception {
    pub fn new(typ: &str, reason: impl Into<String>) -> Exception {
        Exception {
            typ: typ.into(),
            reason: reason.into(),
            caused_by: None,
            extra: Map::new(),
        }
    }

    pub fn caused_by(mut self, cause: Exception) -> Exception {
        self.caused_by = Some(Box::new(cause));
        self
    }

    pub fn with(mut self, key: &str, value: Value) -> Exception {
        self.extra.insert(key.into(), value);
        self
    }

    /// `{type, reason, ...extra, caused_by}`.
    pub fn to_json(&self) -> Value {
        let mut v = self.flat();
        if let Some(c) = &self.caused_by {
            v["caused_by"] = c.to_json();
        }
        v
    }

    /// `{type, reason, ...extra}`, as a root cause is shown.
    fn flat(&self) -> Value {
        let mut v = json!({"type": self.typ, "reason": self.reason});
        for (k, x) in &self.extra {
            v[k] = x.clone();
        }
        v
    }

    /// The answer for this exception, with itself as the root cause (what
    /// Elasticsearch shows for its own exceptions).
    pub fn reply(self, status: u16) -> EsReply {
        let root = self.flat();
        self.reply_with_root(status, root)
    }

    /// The answer for this exception, with the cause at `depth` (0 is
    /// itself) as the root cause: for a parse failure, Elasticsearch shows
    /// the first wrapped cause (see `slm`).
    pub fn reply_with_root_at(self, status: u16, depth: usize) -> EsReply {
        let mut at = &self;
        for _ in 0..depth {
            match &at.caused_by {
                Some(c) => at = c,
                None => break,
            }
        }
        let root = at.flat();
        self.reply_with_root(status, root)
    }

    fn reply_with_root(self, status: u16, root: Value) -> EsReply {
        let mut error = json!({"root_cause": [root]});
        if let Value::Object(m) = self.to_json() {
            for (k, v) in m {
                error[k] = v;
            }
        }
        EsReply::status(status, json!({"error": error, "status": status}))
    }
}

/// The common case: one exception, no cause.
pub fn error(status: u16, typ: &str, reason: impl Into<String>) -> EsReply {
    Exception::new(typ, reason).reply(status)
}

/// A JSON request body: an empty one is `{}`, or 400 `request body is
/// required` when `required`; one that does not parse is 400
/// `x_content_parse_exception` with its `[line:column]`.
pub fn json_body(body: &[u8], required: bool) -> Result<Value, EsReply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return if required {
            Err(error(400, "parse_exception", "request body is required"))
        } else {
            Ok(json!({}))
        };
    }
    serde_json::from_slice(body).map_err(|e| {
        error(
            400,
            "x_content_parse_exception",
            format!("[{}:{}] {e}", e.line(), e.column()),
        )
    })
}

/// Elasticsearch's answer to a path it has no handler for.
pub fn no_handler(uri: &str, method: &str) -> EsReply {
    EsReply::status(
        400,
        json!({
            "error": format!("no handler found for uri [{uri}] and method [{method}]"),
            "status": 400
        }),
    )
}

/// Elasticsearch's answer to a known path with another method.
pub fn wrong_method(uri: &str, method: &str, allowed: &str) -> EsReply {
    EsReply::status(
        405,
        json!({
            "error": format!("Incorrect HTTP method for uri [{uri}] and method [{method}], allowed: [{allowed}]"),
            "status": 405
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_elasticsearch_error_shape() {
        let r = Exception::new("a_exception", "outer")
            .caused_by(Exception::new("b_exception", "inner"))
            .reply(500);
        assert_eq!(
            r.body,
            json!({"error": {
                "root_cause": [{"type": "a_exception", "reason": "outer"}],
                "type": "a_exception", "reason": "outer",
                "caused_by": {"type": "b_exception", "reason": "inner"}
            }, "status": 500})
        );
        let r = Exception::new("a", "x")
            .caused_by(Exception::new("b", "y").caused_by(Exception::new("c", "z")))
            .reply_with_root_at(400, 1);
        assert_eq!(
            r.body["error"]["root_cause"][0],
            json!({"type": "b", "reason": "y"})
        );
    }
}
