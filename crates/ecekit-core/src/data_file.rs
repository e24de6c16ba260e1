//! Reading the embedded data files (`data/*.json`) field by field from a
//! parsed [`Value`], instead of `#[derive(Deserialize)]` structs: each derived
//! struct instantiates its own copy of serde_json's parser, which cost tens of
//! KB of the web page's wasm.
//!
//! The rules follow what the derived structs did: a missing or `null`
//! optional field is `None`, a missing flag or list is `false` or empty, and a
//! field of the wrong type is a defect of the committed file, so it panics
//! (the tests load every file).

use serde_json::{Map, Value};

/// Parses an embedded file; `name` is for the panic message.
pub(crate) fn parse(text: &str, name: &str) -> Value {
    match crate::json::read_value(text) {
        Ok(value) => value,
        Err(e) => panic!("embedded {name} is not valid JSON: {e}"),
    }
}

#[cold]
#[inline(never)]
fn wrong_type(key: &str, expected: &str) -> ! {
    panic!("embedded data: `{key}` is not {expected}")
}

/// The field `key` of an object; `None` when it is missing or `null`.
pub(crate) fn field<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| !v.is_null())
}

/// The object at `key` (required), to read fields from.
pub(crate) fn section<'a>(value: &'a Value, key: &str) -> &'a Value {
    match field(value, key) {
        Some(v @ Value::Object(_)) => v,
        _ => wrong_type(key, "an object"),
    }
}

/// The object at `key` (required), to iterate over. serde_json's map is
/// sorted by key (the `preserve_order` feature is off), as the `BTreeMap`s of
/// the derived structs were.
pub(crate) fn object<'a>(value: &'a Value, key: &str) -> &'a Map<String, Value> {
    match field(value, key) {
        Some(Value::Object(map)) => map,
        _ => wrong_type(key, "an object"),
    }
}

/// The object at `key`, or `None` when it is missing.
pub(crate) fn opt_object<'a>(value: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    field(value, key).map(|v| {
        v.as_object()
            .unwrap_or_else(|| wrong_type(key, "an object"))
    })
}

/// The array at `key` (required).
pub(crate) fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    opt_array(value, key).unwrap_or_else(|| wrong_type(key, "an array"))
}

/// The array at `key`, or `None` when it is missing.
pub(crate) fn opt_array<'a>(value: &'a Value, key: &str) -> Option<&'a [Value]> {
    field(value, key).map(|v| match v {
        Value::Array(items) => items.as_slice(),
        _ => wrong_type(key, "an array"),
    })
}

/// The string at `key` (required).
pub(crate) fn string(value: &Value, key: &str) -> String {
    opt_string(value, key).unwrap_or_else(|| wrong_type(key, "a string"))
}

/// The string at `key`, or `None` when it is missing.
pub(crate) fn opt_string(value: &Value, key: &str) -> Option<String> {
    field(value, key).map(|v| as_string(v, key))
}

fn as_string(value: &Value, key: &str) -> String {
    match value {
        Value::String(s) => s.clone(),
        _ => wrong_type(key, "a string"),
    }
}

/// The flag at `key`; `false` when it is missing.
pub(crate) fn flag(value: &Value, key: &str) -> bool {
    match field(value, key) {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => wrong_type(key, "true or false"),
    }
}

/// The integer at `key`, or `None` when it is missing.
pub(crate) fn opt_i64(value: &Value, key: &str) -> Option<i64> {
    field(value, key).map(|v| v.as_i64().unwrap_or_else(|| wrong_type(key, "an integer")))
}

/// The non-negative integer at `key` (required).
pub(crate) fn usize_at(value: &Value, key: &str) -> usize {
    field(value, key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or_else(|| wrong_type(key, "a non-negative integer"))
}

/// The list of strings at `key` (required).
pub(crate) fn strings(value: &Value, key: &str) -> Vec<String> {
    opt_strings(value, key).unwrap_or_else(|| wrong_type(key, "a list of strings"))
}

/// The list of strings at `key`, or `None` when it is missing.
pub(crate) fn opt_strings(value: &Value, key: &str) -> Option<Vec<String>> {
    let items = field(value, key)?
        .as_array()
        .unwrap_or_else(|| wrong_type(key, "a list of strings"));
    Some(items.iter().map(|v| as_string(v, key)).collect())
}

/// The object of strings at `key` (required), as `(key, value)` pairs in key
/// order.
pub(crate) fn string_map(value: &Value, key: &str) -> Vec<(String, String)> {
    object(value, key)
        .iter()
        .map(|(k, v)| (k.clone(), as_string(v, key)))
        .collect()
}
