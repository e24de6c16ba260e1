//! Terraform: `ec_deployment_elasticsearch_keystore` (one resource per
//! keystore setting, values from sensitive variables), `ec_snapshot_repository`
//! (ECE platform repositories) and `aws_iam_policy`.

use super::hcl::{hcl_expr, hcl_string};
use super::{base_name, RenderError, Rendered};
use crate::api::{is_variable, Operation, Request, Target};
use serde_json::Value;

const PROVIDER_EC: &str = "terraform {\n  required_providers {\n    ec = {\n      source = \"elastic/ec\"\n    }\n  }\n}\n";

/// A Terraform identifier made from a setting name, unique among `taken`.
fn identifier(name: &str, taken: &mut Vec<String>) -> String {
    let mut id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while id.contains("__") {
        id = id.replace("__", "_");
    }
    let id = id.trim_matches('_').to_string();
    let mut id = if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        format!("setting_{id}")
    } else {
        id
    };
    let base = id.clone();
    let mut n = 1;
    while taken.contains(&id) {
        n += 1;
        id = format!("{base}_{n}");
    }
    taken.push(id.clone());
    id
}

fn sensitive_variable(name: &str, description: &str) -> String {
    format!(
        "variable \"{name}\" {{\n  description = {}\n  type        = string\n  sensitive   = true\n}}\n",
        hcl_string(description)
    )
}

/// Renders the request as Terraform (keystore changes and ECE platform
/// repositories; other requests have no Terraform resource).
pub fn terraform(request: &Request) -> Result<Rendered, RenderError> {
    match request.operation {
        Operation::KeystoreSet => keystore(request),
        Operation::PlatformRepositoryPut => platform_repository(request),
        Operation::RepositoryPut => Err(RenderError::new(
            "a deployment's snapshot repository is managed in Terraform by the elasticstack provider's elasticstack_elasticsearch_snapshot_repository (against the Elasticsearch endpoint): ecekit renders Terraform for keystore changes and ECE platform repositories",
        )),
        op => Err(RenderError::new(format!(
            "{op} reads or triggers something once: it has no Terraform resource; use curl"
        ))),
    }
}

fn keystore(request: &Request) -> Result<Rendered, RenderError> {
    let body = request.body.as_deref().unwrap_or("");
    let v: Value = crate::json::read_value(body).map_err(|e| {
        RenderError::new(format!("the keystore body is not JSON ({e}): fix it first"))
    })?;
    let secrets = v
        .get("secrets")
        .and_then(Value::as_object)
        .ok_or_else(|| RenderError::new("the keystore body has no \"secrets\" object"))?;

    let mut taken = vec!["deployment_id".to_string()];
    let mut variables = String::new();
    let mut resources = String::new();
    let mut removed = Vec::new();
    let deployment = match request.deployment_id.as_deref() {
        Some(id) if !is_variable(id) => hcl_string(id),
        _ => {
            variables.push_str(
                "variable \"deployment_id\" {\n  description = \"The deployment id (32 characters)\"\n  type        = string\n}\n\n",
            );
            "var.deployment_id".to_string()
        }
    };
    for (name, entry) in secrets {
        // Elasticsearch rejects such a name; in a comment, a line break in
        // it would end the comment and make the rest of the name HCL.
        super::check_no_control("the setting name", name)?;
        let value = entry.get("value").filter(|v| !v.is_null());
        let Some(value) = value else {
            removed.push(name.clone());
            continue;
        };
        let id = identifier(name, &mut taken);
        let as_file = entry
            .get("as_file")
            .and_then(Value::as_bool)
            .unwrap_or(value.is_object());
        let description = if value.is_object() {
            format!(
                "{name}: the JSON file's content (e.g. TF_VAR_{id}=\"$(cat credentials.json)\")"
            )
        } else {
            format!("{name} (set TF_VAR_{id}, or a tfvars file kept out of version control)")
        };
        variables.push_str(&sensitive_variable(&id, &description));
        variables.push('\n');
        resources.push_str(&format!(
            "resource \"ec_deployment_elasticsearch_keystore\" \"{id}\" {{\n  deployment_id = {deployment}\n  setting_name  = {}\n  value         = var.{id}\n  as_file       = {as_file}\n}}\n\n",
            hcl_string(name)
        ));
    }

    let mut text = String::new();
    text.push_str("# Keystore settings: one ec_deployment_elasticsearch_keystore per setting.\n");
    text.push_str("# The ec provider reads EC_API_KEY");
    if matches!(request.target, Target::Ece { .. }) {
        text.push_str(" and, for ECE, EC_ENDPOINT (https://<coordinator>:12443)");
    }
    text.push_str(".\n# Values come from sensitive variables, never from this file; Terraform\n# still keeps them in its state: protect the state.\n");
    for name in &removed {
        text.push_str(&format!(
            "# {name}: removed by the PATCH. In Terraform, delete the resource that\n#   manages it; `terraform apply` then removes it from the keystore.\n"
        ));
    }
    text.push('\n');
    text.push_str(PROVIDER_EC);
    text.push('\n');
    text.push_str(&variables);
    text.push_str(resources.trim_end());
    text.push('\n');

    let mut notes = vec![
        "New snapshot client credentials take effect after POST _nodes/reload_secure_settings; Terraform does not reload them.".to_string(),
    ];
    if request.ref_id.as_deref().is_some_and(|r| !is_variable(r)) {
        notes.push("ec_deployment_elasticsearch_keystore has no ref_id: it writes to the deployment's Elasticsearch resource.".to_string());
    }
    Ok(Rendered {
        format: super::Format::Terraform,
        text,
        filename: format!("{}.tf", base_name(request)),
        files: Vec::new(),
        notes,
    })
}

/// Repository settings whose values are secrets.
fn is_secret_setting(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "access_key" | "secret_key" | "session_token" | "key" | "sas_token"
    ) || n.contains("password")
        || n.contains("secret")
}

fn platform_repository(request: &Request) -> Result<Rendered, RenderError> {
    let body = request.body.as_deref().unwrap_or("");
    let v: Value = crate::json::read_value(body).map_err(|e| {
        RenderError::new(format!(
            "the repository body is not JSON ({e}): fix it first"
        ))
    })?;
    let kind = v.get("type").and_then(Value::as_str).unwrap_or("s3");
    let settings = v
        .get("settings")
        .and_then(Value::as_object)
        .ok_or_else(|| RenderError::new("the repository body has no \"settings\" object"))?;
    let name = request.repository.as_deref().unwrap_or("repository");
    let mut taken = Vec::new();
    let label = identifier(name, &mut taken);

    let mut secret_vars: Vec<(String, String)> = Vec::new();
    // Keys are written only as escaped HCL strings and as identifiers made
    // of letters, digits and `_`.
    for key in settings.keys() {
        if is_secret_setting(key) {
            let id = identifier(&format!("{label}_{key}"), &mut taken);
            secret_vars.push((format!("/{key}"), id));
        }
    }
    let replace = |pointer: &str| {
        secret_vars
            .iter()
            .find(|(p, _)| p == pointer)
            .map(|(_, id)| format!("var.{id}"))
    };
    let settings_expr = hcl_expr(&Value::Object(settings.clone()), 2, "", &replace);

    let mut text = String::new();
    text.push_str("# ECE platform snapshot repository (ec_snapshot_repository is ECE only).\n");
    text.push_str(
        "# The ec provider reads EC_API_KEY and EC_ENDPOINT (https://<coordinator>:12443).\n\n",
    );
    text.push_str(PROVIDER_EC);
    text.push('\n');
    for (pointer, id) in &secret_vars {
        text.push_str(&sensitive_variable(
            id,
            &format!("The repository setting {}", &pointer[1..]),
        ));
        text.push('\n');
    }
    text.push_str(&format!(
        "resource \"ec_snapshot_repository\" \"{label}\" {{\n  name = {}\n  generic = {{\n    type     = {}\n    settings = jsonencode({settings_expr})\n  }}\n}}\n",
        hcl_string(name),
        hcl_string(kind)
    ));
    Ok(Rendered {
        format: super::Format::Terraform,
        text,
        filename: format!("{}.tf", base_name(request)),
        files: Vec::new(),
        notes: vec!["Secret settings come from sensitive variables; Terraform keeps them in its state: protect the state.".to_string()],
    })
}

/// An `aws_iam_policy` resource holding `policy_json` (through `jsonencode`,
/// so Terraform normalises it and `${...}` stays literal).
pub fn terraform_aws_iam_policy(
    policy_json: &str,
    policy_name: &str,
) -> Result<Rendered, RenderError> {
    let v: Value = crate::json::read_value(policy_json)
        .map_err(|e| RenderError::new(format!("the policy is not JSON ({e}): fix it first")))?;
    let mut taken = Vec::new();
    let label = identifier(policy_name, &mut taken);
    let text = format!(
        "terraform {{\n  required_providers {{\n    aws = {{\n      source = \"hashicorp/aws\"\n    }}\n  }}\n}}\n\nresource \"aws_iam_policy\" \"{label}\" {{\n  name   = {}\n  policy = jsonencode({})\n}}\n",
        hcl_string(policy_name),
        hcl_expr(&v, 1, "", &|_| None)
    );
    Ok(Rendered {
        format: super::Format::Terraform,
        text,
        filename: format!("{label}.tf"),
        files: Vec::new(),
        notes: vec![
            "Attach it with aws_iam_user_policy_attachment (or a role / group attachment)."
                .to_string(),
        ],
    })
}
