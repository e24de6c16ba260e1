//! The part of the official ECE spec the simulator uses, embedded at build time
//! from `data/ece-api-subset.json` (written by `data/extract_spec.py`), and a
//! validator for request bodies against its Swagger 2.0 definitions.

use serde_json::{Map, Value};
use std::sync::OnceLock;

/// The extracted data, verbatim.
pub const DATA: &str = include_str!("../data/ece-api-subset.json");

/// Parsed view of [`DATA`].
#[derive(Debug)]
pub struct Spec {
    data: Value,
}

/// The embedded spec subset (parsed once).
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| Spec {
        // The file is committed and checked by tests/spec_data.rs.
        data: serde_json::from_str(DATA).expect("data/ece-api-subset.json is valid JSON"),
    })
}

impl Spec {
    /// All extracted definitions, by name.
    pub fn definitions(&self) -> &Map<String, Value> {
        self.data["definitions"]
            .as_object()
            .expect("definitions is an object")
    }

    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Value> {
        self.data["operations"]
            .as_array()?
            .iter()
            .find(|op| op["operationId"] == id)
    }

    /// The error codes the spec lists for `operation` answering `status`.
    pub fn error_codes(&self, operation: &str, status: u16) -> Vec<&str> {
        self.operation(operation)
            .and_then(|op| op["errors"][status.to_string()].as_array())
            .map(|codes| codes.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// Required header parameters of `operation` (e.g. `X-Management-Request`).
    pub fn required_headers(&self, operation: &str) -> Vec<&str> {
        self.operation(operation)
            .and_then(|op| op["required_headers"].as_array())
            .map(|h| h.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// The enum of a path parameter of `operation`, if the spec gives one.
    pub fn path_enum(&self, operation: &str, param: &str) -> Vec<&str> {
        self.operation(operation)
            .and_then(|op| op["path_enums"][param].as_array())
            .map(|h| h.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// Validates `value` against the definition `root`.
    pub fn validate(&self, root: &str, value: &Value) -> Vec<Violation> {
        validate_with(self.definitions(), root, value)
    }
}

/// One way a body does not match its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where, as a path: `secrets["s3.client.default.access_key"].value`.
    pub field: String,
    /// What is wrong, in one sentence.
    pub message: String,
}

/// Deliberate departures from the letter of the spec, each documented by the
/// spec's own description: `KeystoreSecret.value` is declared `type: object`,
/// but its description (and every ECE example) says "This can either be a
/// string or a JSON object".
const TYPE_OVERRIDES: &[(&str, &str, &[&str])] =
    &[("KeystoreSecret", "value", &["string", "object"])];

/// Validates `value` against definition `root` of `definitions` (Swagger 2.0
/// subset: `$ref`, `type`, `required`, `properties`, `additionalProperties`,
/// `items`, `enum`).
///
/// Rules beyond plain Swagger, chosen to catch the mistakes users make:
/// * an object schema with `properties` and no `additionalProperties` accepts
///   no other property (the name is reported with the accepted ones);
/// * an object schema with neither (free-form, e.g. repository `settings`)
///   accepts any object;
/// * `null` counts as absent for an optional property and is accepted as a map
///   value (`{"secrets": {"name": null}}` removes a key, as ecctl documents).
pub fn validate_with(
    definitions: &Map<String, Value>,
    root: &str,
    value: &Value,
) -> Vec<Violation> {
    let mut out = Vec::new();
    let schema = serde_json::json!({ "$ref": format!("#/definitions/{root}") });
    check(definitions, &schema, value, &mut Vec::new(), None, &mut out);
    out
}

#[derive(Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn render_path(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                let plain = !k.is_empty()
                    && k.chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if plain {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                } else {
                    s.push('[');
                    s.push_str(&Value::String(k.clone()).to_string());
                    s.push(']');
                }
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    if s.is_empty() {
        "(body)".into()
    } else {
        s
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn matches_type(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "array" => v.is_array(),
        _ => true,
    }
}

fn type_phrase(types: &[&str], def: Option<&str>) -> String {
    let names: Vec<String> = types
        .iter()
        .map(|t| match (*t, def) {
            ("object", Some(d)) => format!("a JSON object ({d})"),
            ("object", None) => "a JSON object".into(),
            ("array", _) => "an array".into(),
            ("integer", _) => "an integer".into(),
            (t, _) => format!("a {t}"),
        })
        .collect();
    names.join(" or ")
}

fn check(
    defs: &Map<String, Value>,
    schema: &Value,
    value: &Value,
    path: &mut Vec<Seg>,
    def_name: Option<&str>,
    out: &mut Vec<Violation>,
) {
    if out.len() >= 20 {
        return;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        match defs.get(name) {
            Some(target) => check(defs, target, value, path, Some(name), out),
            None => out.push(Violation {
                field: render_path(path),
                message: format!("the simulator has no definition {name}"),
            }),
        }
        return;
    }
    let declared: Vec<&str> = schema
        .get("type")
        .and_then(Value::as_str)
        .into_iter()
        .collect();
    if !declared.is_empty() && !declared.iter().any(|t| matches_type(t, value)) {
        out.push(Violation {
            field: render_path(path),
            message: format!(
                "{} must be {}, not {}",
                render_path(path),
                type_phrase(&declared, def_name),
                kind(value)
            ),
        });
        return;
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            let list: Vec<String> = options.iter().map(Value::to_string).collect();
            out.push(Violation {
                field: render_path(path),
                message: format!("{} must be one of {}", render_path(path), list.join(", ")),
            });
        }
    }
    if let Some(items) = schema.get("items") {
        if let Some(arr) = value.as_array() {
            for (i, item) in arr.iter().enumerate() {
                path.push(Seg::Index(i));
                check(defs, items, item, path, None, out);
                path.pop();
            }
        }
    }
    let Some(obj) = value.as_object() else { return };
    let props = schema.get("properties").and_then(Value::as_object);
    let additional = schema.get("additionalProperties");
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for name in &required {
        if obj.get(*name).is_none_or(Value::is_null) {
            path.push(Seg::Key((*name).to_string()));
            out.push(Violation {
                field: render_path(path),
                message: format!(
                    "{} is required{}",
                    render_path(path),
                    def_name.map(|d| format!(" by {d}")).unwrap_or_default()
                ),
            });
            path.pop();
        }
    }
    for (key, v) in obj {
        path.push(Seg::Key(key.clone()));
        if let Some(prop) = props.and_then(|p| p.get(key)) {
            if !v.is_null() || required.contains(&key.as_str()) {
                let overridden = def_name.and_then(|d| {
                    TYPE_OVERRIDES
                        .iter()
                        .find(|(od, op, _)| *od == d && op == key)
                        .map(|(_, _, types)| *types)
                });
                match overridden {
                    Some(types) if !types.iter().any(|t| matches_type(t, v)) => {
                        out.push(Violation {
                            field: render_path(path),
                            message: format!(
                                "{} must be {}, not {}",
                                render_path(path),
                                type_phrase(types, None),
                                kind(v)
                            ),
                        });
                    }
                    Some(_) => {}
                    None => check(defs, prop, v, path, None, out),
                }
            }
        } else if let Some(extra) = additional.filter(|a| a.is_object()) {
            if !v.is_null() {
                check(defs, extra, v, path, None, out);
            }
        } else if props.is_some() && additional != Some(&Value::Bool(true)) {
            let accepted: Vec<&str> = props
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            out.push(Violation {
                field: render_path(path),
                message: format!(
                    "unknown property {}{}; accepted: {}",
                    Value::String(key.clone()),
                    def_name.map(|d| format!(" in {d}")).unwrap_or_default(),
                    accepted.join(", ")
                ),
            });
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(root: &str, v: Value) -> Vec<String> {
        spec()
            .validate(root, &v)
            .into_iter()
            .map(|x| x.field)
            .collect()
    }

    #[test]
    fn accepts_valid_keystore_bodies() {
        assert!(fields("KeystoreContents", json!({"secrets": {}})).is_empty());
        assert!(fields(
            "KeystoreContents",
            json!({"secrets": {
                "s3.client.default.access_key": {"value": "AKIA", "as_file": false},
                "gcs.client.default.credentials_file": {"value": {"type": "service_account"}, "as_file": true},
                "gone": {},
                "also.gone": null,
                "value.null": {"value": null}
            }})
        )
        .is_empty());
    }

    #[test]
    fn names_the_offending_field() {
        assert_eq!(fields("KeystoreContents", json!({})), ["secrets"]);
        assert_eq!(fields("KeystoreContents", json!([])), ["(body)"]);
        assert_eq!(
            fields("KeystoreContents", json!({"secrets": []})),
            ["secrets"]
        );
        assert_eq!(
            fields("KeystoreContents", json!({"secrets": {"a.b": "plain"}})),
            ["secrets[\"a.b\"]"]
        );
        assert_eq!(
            fields(
                "KeystoreContents",
                json!({"secrets": {"a.b": {"value": 3}}})
            ),
            ["secrets[\"a.b\"].value"]
        );
        assert_eq!(
            fields(
                "KeystoreContents",
                json!({"secrets": {"a.b": {"as_file": "yes"}}})
            ),
            ["secrets[\"a.b\"].as_file"]
        );
        assert_eq!(
            fields(
                "KeystoreContents",
                json!({"secrets": {"a": {"valeu": "x"}}})
            ),
            ["secrets.a.valeu"]
        );
        assert_eq!(
            fields("KeystoreContents", json!({"secrets": {}, "x": 1})),
            ["x"]
        );
        assert_eq!(
            fields("LoginRequest", json!({"username": "admin"})),
            ["password"]
        );
        assert_eq!(
            fields(
                "SnapshotRepositoryConfiguration",
                json!({"type": "s3", "settings": "x"})
            ),
            ["settings"]
        );
        assert!(fields(
            "SnapshotRepositoryConfiguration",
            json!({"type": "s3", "settings": {"bucket": "b", "anything": {"goes": 1}}})
        )
        .is_empty());
    }

    #[test]
    fn messages_say_what_and_where() {
        let v = spec().validate(
            "KeystoreContents",
            &json!({"secrets": {"k": {"value": true}}}),
        );
        assert_eq!(
            v[0].message,
            "secrets.k.value must be a string or a JSON object, not a boolean"
        );
        let v = spec().validate(
            "KeystoreContents",
            &json!({"secrets": {"k": {"vaule": "x"}}}),
        );
        assert!(
            v[0].message
                .contains("unknown property \"vaule\" in KeystoreSecret"),
            "{}",
            v[0].message
        );
        assert!(v[0].message.contains("value"), "{}", v[0].message);
    }

    #[test]
    fn finds_the_simulated_operations() {
        let s = spec();
        assert_eq!(
            s.error_codes("get-deployment", 404),
            ["deployments.deployment_not_found"]
        );
        assert_eq!(
            s.required_headers("put-deployment-resource-proxy-requests"),
            ["X-Management-Request"]
        );
        assert!(s
            .path_enum("get-deployment-resource-proxy-requests", "resource_kind")
            .contains(&"elasticsearch"));
    }
}
