//! JSON values as HCL (Terraform) expressions.

use serde_json::Value;

/// An HCL quoted string: JSON-like escapes (every control character as
/// `\uXXXX`), plus `$${` and `%%{` so that Terraform reads `${...}` (e.g. an
/// IAM `${aws:username}`) literally.
pub(crate) fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if crate::controls::is_control(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` as an HCL expression (objects with quoted keys and `=`), indented
/// by `indent` levels of two spaces. `replace(pointer)` may substitute an
/// expression (e.g. `var.secret_key`) for the value at a JSON pointer.
pub(crate) fn hcl_expr(
    value: &Value,
    indent: usize,
    pointer: &str,
    replace: &dyn Fn(&str) -> Option<String>,
) -> String {
    if let Some(expr) = replace(pointer) {
        return expr;
    }
    let pad = "  ".repeat(indent + 1);
    let end = "  ".repeat(indent);
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => hcl_string(s),
        Value::Array(items) if items.is_empty() => "[]".to_string(),
        Value::Array(items) => {
            let mut out = "[\n".to_string();
            for (i, item) in items.iter().enumerate() {
                let p = format!("{pointer}/{i}");
                out.push_str(&format!(
                    "{pad}{},\n",
                    hcl_expr(item, indent + 1, &p, replace)
                ));
            }
            out.push_str(&end);
            out.push(']');
            out
        }
        Value::Object(map) if map.is_empty() => "{}".to_string(),
        Value::Object(map) => {
            let mut out = "{\n".to_string();
            for (k, v) in map {
                let p = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push_str(&format!(
                    "{pad}{} = {}\n",
                    hcl_string(k),
                    hcl_expr(v, indent + 1, &p, replace)
                ));
            }
            out.push_str(&end);
            out.push('}');
            out
        }
    }
}

/// `value` as an HCL expression (for `jsonencode(...)`).
pub fn hcl_value(value: &Value) -> String {
    hcl_expr(value, 0, "", &|_| None)
}
