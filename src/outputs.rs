//! The translation layer between the draft and the engine: it turns what the
//! user filled in into engine inputs, and the engine's documents, commands
//! and findings into what the pages show. No rule lives here.

use crate::components::output_panel::Output;
use crate::state::{Draft, Storage};
use ecekit_core::{catalog, policy, render};
use ecekit_core::{Finding, Provider};
use std::rc::Rc;
use yew::AttrValue;

/// A generated document with its renderings, or why there is none yet.
#[derive(Clone, PartialEq, Default)]
pub struct Generated {
    pub title: AttrValue,
    pub outputs: Rc<Vec<Output>>,
    /// What the engine reports on the inputs or on the generated document.
    pub findings: Rc<Vec<Finding>>,
    /// A note such as "reload secure settings" or "restart needed".
    pub advice: Option<String>,
    /// Shown instead of the outputs when required inputs are missing.
    pub missing: Option<String>,
}

impl Generated {
    fn missing(title: &str, why: impl Into<String>) -> Generated {
        Generated {
            title: AttrValue::from(title.to_string()),
            missing: Some(why.into()),
            ..Default::default()
        }
    }
}

pub fn provider(storage: Storage) -> Provider {
    match storage {
        Storage::S3 | Storage::S3Compatible => Provider::S3,
        Storage::Gcs => Provider::Gcs,
        Storage::Azure => Provider::Azure,
    }
}

fn client_or_default(client: &str) -> &str {
    if client.trim().is_empty() {
        "default"
    } else {
        client.trim()
    }
}

/// Every known secure setting name for the completion list.
pub fn secure_setting_names(storage: Storage, client: &str) -> Vec<String> {
    catalog::secure_setting_names(provider(storage), client_or_default(client))
}

/// The settings a client of this provider is usually given, with whether
/// each is a file: what "Add the client settings" and the guided flow add.
pub fn client_preset(storage: Storage, client: &str) -> Vec<(String, bool)> {
    const USUAL: [(Provider, &[&str]); 3] = [
        (Provider::S3, &["access_key", "secret_key"]),
        (Provider::Gcs, &["credentials_file"]),
        (Provider::Azure, &["account", "key"]),
    ];
    let provider = provider(storage);
    let usual = USUAL
        .iter()
        .find(|(p, _)| *p == provider)
        .map(|(_, n)| *n)
        .unwrap_or(&[]);
    catalog::secure_settings(provider)
        .iter()
        .filter(|s| usual.contains(&s.name.as_str()))
        .map(|s| {
            (
                s.full_name(client_or_default(client)),
                s.kind == catalog::SecureKind::File,
            )
        })
        .collect()
}

/// A repository setting as the form shows it.
#[derive(Clone, PartialEq)]
pub struct FormSetting {
    pub name: String,
    pub kind: String,
    pub default: String,
    pub allowed: Vec<String>,
    pub help: String,
}

/// The repository type the draft is about.
pub fn repository_type(draft: &Draft) -> &'static str {
    draft.storage.repository_type()
}

/// The catalog's settings of the draft's repository type, except those the
/// form has its own fields for.
pub fn repository_setting_specs(draft: &Draft) -> Vec<FormSetting> {
    catalog::repository_settings(repository_type(draft))
        .iter()
        .filter(|s| {
            !matches!(s.name.as_str(), "bucket" | "container" | "client")
                && !s.insecure_repo_setting
        })
        .map(|s| FormSetting {
            name: s.name.clone(),
            kind: s.ty.describe().to_string(),
            default: s.default.clone().unwrap_or_default(),
            allowed: s.allowed.clone(),
            help: s.help.clone(),
        })
        .collect()
}

fn some(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

fn output(label: &'static str, text: String, filename: &str, note: Option<String>) -> Output {
    Output {
        label,
        text: Rc::from(text),
        filename: filename.to_string(),
        note,
    }
}

fn input_problems(title: &str, errors: Vec<policy::FieldError>) -> Generated {
    Generated::missing(
        title,
        errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The access policy for the draft's bucket: IAM JSON with its AWS CLI and
/// Terraform forms for S3; the role / SAS permissions for GCS and Azure.
pub fn policy(draft: &Draft) -> Generated {
    const TITLE: &str = "Access policy";
    if draft.bucket.trim().is_empty() {
        return Generated::missing(TITLE, "Enter the bucket to see its policy.");
    }
    match draft.storage {
        Storage::S3 | Storage::S3Compatible => {
            let options = policy::PolicyOptions {
                bucket: draft.bucket.trim().to_string(),
                base_path: some(&draft.base_path),
                kms_key_arn: some(&draft.kms_key_arn),
                bucket_policy_principal: some(&draft.principal_arn),
                ..Default::default()
            };
            let generated = match policy::generate(&options) {
                Ok(g) => g,
                Err(errors) => return input_problems(TITLE, errors),
            };
            let cli = policy::AwsCliOptions {
                client: client_or_default(&draft.client).to_string(),
                ..Default::default()
            };
            let mut outputs = vec![output(
                "JSON",
                generated.json.clone(),
                "snapshot-policy.json",
                None,
            )];
            if let Ok(commands) = policy::aws_commands(&options, &cli) {
                outputs.push(output(
                    "AWS CLI",
                    commands.join("\n"),
                    "create-snapshot-user.sh",
                    None,
                ));
            }
            let name = format!("elasticsearch-snapshots-{}", draft.bucket.trim());
            if let Ok(tf) = render::terraform_aws_iam_policy(&generated.json, &name) {
                outputs.push(output("Terraform", tf.text, &tf.filename, None));
            }
            Generated {
                title: TITLE.into(),
                outputs: Rc::new(outputs),
                advice: (!generated.notes.is_empty()).then(|| generated.notes.join(" ")),
                ..Default::default()
            }
        }
        Storage::Gcs => {
            let options = policy::GcsOptions {
                bucket: draft.bucket.trim().to_string(),
                ..Default::default()
            };
            match policy::gcs_permissions(&options) {
                Ok(text) => Generated {
                    title: TITLE.into(),
                    outputs: Rc::new(vec![output(
                        "Permissions",
                        text,
                        "gcs-permissions.txt",
                        None,
                    )]),
                    ..Default::default()
                },
                Err(errors) => input_problems(TITLE, errors),
            }
        }
        Storage::Azure => {
            let options = policy::AzureOptions {
                container: draft.bucket.trim().to_string(),
                ..Default::default()
            };
            match policy::azure_permissions(&options) {
                Ok(text) => Generated {
                    title: TITLE.into(),
                    outputs: Rc::new(vec![output(
                        "Permissions",
                        text,
                        "azure-permissions.txt",
                        None,
                    )]),
                    ..Default::default()
                },
                Err(errors) => input_problems(TITLE, errors),
            }
        }
    }
}
