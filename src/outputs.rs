//! The translation layer between the draft and the engine: it turns what the
//! user filled in into engine inputs, and the engine's documents, commands
//! and findings into what the pages show. No rule lives here.

use crate::components::output_panel::Output;
use crate::state::{Draft, Field, KeystoreRow, Secrets, Storage};
use ecekit_core::api::{build_request, Operation, RequestSpec, Target};
use ecekit_core::keystore::{self, Secret, SecretChange, SecretValue};
use ecekit_core::render::{self, Format, RenderOptions};
use ecekit_core::repository::{self, RepositorySpec};
use ecekit_core::{catalog, json, policy};
use ecekit_core::{Finding, Location, Platform, Provider, Severity, ValidateOptions};
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
    /// `missing` says an input is invalid (shown as an error), not just absent.
    pub invalid: bool,
}

impl Generated {
    fn missing(title: &str, why: impl Into<String>) -> Generated {
        Generated {
            title: AttrValue::from(title.to_string()),
            missing: Some(why.into()),
            ..Default::default()
        }
    }

    /// No outputs: an input is invalid (`why`), with the findings that say where.
    fn invalid(title: &str, why: String, findings: Vec<Finding>) -> Generated {
        Generated {
            findings: Rc::new(findings),
            invalid: true,
            ..Generated::missing(title, why)
        }
    }
}

/// One step of the guided setup.
#[derive(Clone, PartialEq)]
pub struct Step {
    pub id: &'static str,
    pub title: &'static str,
    pub why: String,
    pub generated: Generated,
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

/// The repository type the draft is about: the one chosen in the
/// Repository area, or the storage's.
pub fn repository_type(draft: &Draft) -> &str {
    draft.repository_type()
}

/// The repository types the Repository area offers (every catalog type),
/// each with a short label.
pub fn repository_type_choices() -> Vec<(&'static str, String)> {
    catalog::REPOSITORY_TYPES
        .into_iter()
        .map(|ty| {
            let what = match ty {
                "fs" => "file system",
                "url" => "read-only",
                "source" => "source-only",
                _ => "",
            };
            let label = if what.is_empty() {
                ty.to_string()
            } else {
                format!("{ty} ({what})")
            };
            (ty, label)
        })
        .collect()
}

/// The key the Bucket field fills for the draft's repository type
/// (`bucket`, Azure's `container`), if the type has one.
pub fn bucket_key(draft: &Draft) -> Option<&'static str> {
    let ty = repository_type(draft);
    ["bucket", "container"]
        .into_iter()
        .find(|k| catalog::repository_setting(ty, k).is_some())
}

/// True when the draft's repository type names a keystore client.
pub fn uses_client(draft: &Draft) -> bool {
    catalog::repository_setting(repository_type(draft), "client").is_some()
}

/// The type a `source` repository delegates to, when its `delegate_type`
/// names one it can (any other catalog type).
fn delegate_type(draft: &Draft) -> Option<&'static str> {
    if repository_type(draft) != "source" {
        return None;
    }
    let (_, value) = draft
        .repository_settings
        .iter()
        .rev()
        .find(|(k, _)| k.trim() == "delegate_type")?;
    catalog::REPOSITORY_TYPES
        .into_iter()
        .find(|t| *t != "source" && *t == value.trim())
}

/// The settings the repository form offers for the draft's type (and, for
/// `source`, those of the type it delegates to), except those the form has
/// its own fields for.
pub fn repository_setting_specs(draft: &Draft) -> Vec<FormSetting> {
    let ty = repository_type(draft);
    let mut settings = repository::form_settings(ty, false);
    if let Some(delegate) = delegate_type(draft) {
        for s in repository::form_settings(delegate, false) {
            if !settings.iter().any(|known| known.name == s.name) {
                settings.push(s);
            }
        }
    }
    let own = |name: &str| {
        matches!(name, "bucket" | "container" | "client")
            && catalog::repository_setting(ty, name).is_some()
    };
    settings
        .into_iter()
        .filter(|s| !own(&s.name))
        .map(|s| FormSetting {
            name: s.name.clone(),
            kind: s.ty.describe().to_string(),
            default: s.default.clone().unwrap_or_default(),
            // A list to choose from only for enums (`url` lists its schemes).
            allowed: if s.ty == catalog::SettingType::Enum {
                s.allowed.clone()
            } else {
                Vec::new()
            },
            help: s.help.clone(),
        })
        .collect()
}

/// The rows of the draft's repository settings listed under "Other
/// settings": keys the form has no field for, and the row being edited
/// there (it stays while its key is typed, even once the key is one the
/// form has a field for).
pub fn other_setting_rows(
    draft: &Draft,
    specs: &[FormSetting],
    editing: Option<usize>,
) -> Vec<usize> {
    draft
        .repository_settings
        .iter()
        .enumerate()
        .filter(|(i, (key, _))| Some(*i) == editing || !specs.iter().any(|s| s.name == key.trim()))
        .map(|(i, _)| i)
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
    Generated {
        invalid: true,
        ..Generated::missing(
            title,
            errors
                .iter()
                .map(|e| sentence(&e.message))
                .collect::<Vec<_>>()
                .join(" "),
        )
    }
}

/// An engine message as a sentence: capital first letter, final period. The
/// engine writes its messages in English: an ASCII capital is enough, and
/// `char::to_uppercase` would bring Unicode's whole case table into the page.
fn sentence(message: &str) -> String {
    let mut out = message.trim().to_string();
    if out.is_empty() {
        return out;
    }
    // None when the first character is not ASCII: it stays as it is.
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// What the engine finds wrong with the draft's inputs, by field: empty
/// fields are not errors (they are not filled in yet, or have a default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputErrors(Vec<(Field, String)>);

impl InputErrors {
    /// The message for `field`, as a sentence.
    pub fn get(&self, field: Field) -> Option<String> {
        let messages: Vec<&str> = self
            .0
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }

    fn push(&mut self, field: Field, message: &str) {
        self.0.push((field, sentence(message)));
    }
}

/// The engine's input checks on the draft: the access policy generators'
/// for the draft's storage (bucket or container, base path, KMS key,
/// principal, client), and the repository name rules.
pub fn input_errors(draft: &Draft) -> InputErrors {
    let mut out = InputErrors::default();
    let client = draft.client.trim().to_string();
    let bucket = draft.bucket.trim().to_string();
    let base_path = some(&draft.base_path);
    // A valid stand-in for an empty bucket, so the other fields are checked.
    let bucket_or = |stand_in: &str| {
        if bucket.is_empty() {
            stand_in.to_string()
        } else {
            bucket.clone()
        }
    };
    let errors = match draft.storage {
        Storage::S3 | Storage::S3Compatible => {
            let options = policy::PolicyOptions {
                bucket: bucket_or("snapshots-bucket"),
                base_path,
                kms_key_arn: some(&draft.kms_key_arn),
                bucket_policy_principal: some(&draft.principal_arn),
                ..Default::default()
            };
            let cli = policy::AwsCliOptions {
                client: client_or_default(&client).to_string(),
                ..Default::default()
            };
            policy::aws_commands(&options, &cli).err()
        }
        Storage::Gcs => policy::gcs_permissions(&policy::GcsOptions {
            bucket: bucket_or("snapshots-bucket"),
            base_path,
            client: client_or_default(&client).to_string(),
            ..Default::default()
        })
        .err(),
        Storage::Azure => policy::azure_permissions(&policy::AzureOptions {
            container: bucket_or("snapshots"),
            base_path,
            client: client_or_default(&client).to_string(),
            ..Default::default()
        })
        .err(),
    };
    for error in errors.unwrap_or_default() {
        let field = match error.field {
            "bucket" | "container" if !draft.bucket.trim().is_empty() => Field::Bucket,
            "base_path" => Field::BasePath,
            "kms_key_arn" => Field::KmsKeyArn,
            "principal" => Field::PrincipalArn,
            "client" if !client.is_empty() => Field::Client,
            _ => continue,
        };
        out.push(field, &error.message);
    }
    let name = draft.repository.trim();
    if !name.is_empty() {
        let at = Location {
            line: 0,
            column: 0,
            start: 0,
            end: 0,
            pointer: String::new(),
        };
        for f in repository::name_findings(name, Some(repository_type(draft)), false, at) {
            if f.severity == Severity::Error {
                out.push(Field::Repository, &f.message);
            }
        }
    }
    out
}

/// The keystore findings that say a setting name itself is wrong (its
/// characters, control characters included, a reserved name, a missing or
/// invalid client, a setting that is not secure).
const NAME_CODES: [&str; 6] = [
    keystore::INVALID_SETTING_NAME,
    keystore::RESERVED_SETTING,
    keystore::MISSING_CLIENT_NAME,
    keystore::INCOMPLETE_NAME,
    keystore::INVALID_CLIENT_NAME,
    keystore::NOT_SECURE_SETTING,
];

fn is_name_error(f: &Finding) -> bool {
    f.severity == Severity::Error && NAME_CODES.contains(&f.code)
}

/// No output tab for a body with a wrong setting name: the findings say
/// what to fix (a line break in a name used to end a Terraform comment).
const FIX_NAMES: &str = "Fix the setting name above first.";

/// What the engine's keystore checks find wrong with a setting name typed
/// in a keystore row; `None` when empty or valid.
pub fn keystore_name_error(name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let body = keystore::removal_body([name]);
    let doc = json::parse_generated(&body);
    let messages: Vec<String> = keystore::validate(&doc, &ValidateOptions::default())
        .into_iter()
        .filter(is_name_error)
        .map(|f| f.message)
        .collect();
    (!messages.is_empty()).then(|| messages.join(" "))
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
            // A file ends with a newline, as `ecekit policy` prints it.
            let mut outputs = vec![output(
                "JSON",
                format!("{}\n", generated.json),
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

/// Where the draft's requests go: the ECE coordinator, the Elastic Cloud
/// API, or a self-managed cluster's Elasticsearch endpoint.
pub fn target(draft: &Draft) -> Target {
    match draft.platform {
        Platform::Ece => Target::Ece {
            coordinator: some(&draft.coordinator),
        },
        Platform::Ess => Target::Ess,
        Platform::SelfManaged => Target::Elasticsearch {
            endpoint: some(&draft.endpoint),
        },
    }
}

/// The request spec of `operation` for the draft; empty fields stay
/// variables (`$DEPLOYMENT_ID`…) in the rendered commands.
pub fn request_spec(draft: &Draft, operation: Operation) -> RequestSpec {
    let mut spec = RequestSpec::new(operation, target(draft));
    spec.deployment_id = some(&draft.deployment_id);
    spec.ref_id = some(&draft.ref_id);
    if operation.needs_repository() {
        spec.repository = Some(repository_name(draft));
    }
    spec
}

fn repository_name(draft: &Draft) -> String {
    some(&draft.repository).unwrap_or_else(|| "my-snapshots".into())
}

/// Renders a request in every format that can carry it, after `first` (the
/// JSON body, when there is one). The request's notes come back as advice.
fn request_outputs(
    spec: &RequestSpec,
    first: Option<Output>,
) -> Result<(Vec<Output>, Vec<String>), String> {
    let request = build_request(spec).map_err(|e| e.message)?;
    let options = RenderOptions {
        insecure: false,
        cacert: Some(format!("${}", request.target.ca_cert_variable())),
    };
    let mut outputs: Vec<Output> = first.into_iter().collect();
    for format in Format::ALL {
        if let Ok(rendered) = render::render(&request, format, &options) {
            let note = (!rendered.notes.is_empty()).then(|| rendered.notes.join(" "));
            outputs.push(output(
                format.label(),
                rendered.text,
                &rendered.filename,
                note,
            ));
        }
    }
    let notes = request.notes.iter().map(|n| n.text.clone()).collect();
    Ok((outputs, notes))
}

/// A request with its renderings as one generated block.
fn request_block(
    title: &str,
    spec: RequestSpec,
    body: Option<(String, &str)>,
    findings: Vec<Finding>,
    advice: Vec<String>,
) -> Generated {
    let first = body
        .as_ref()
        .map(|(text, file)| output("JSON", text.clone(), file, None));
    let spec = match body {
        Some((text, _)) => spec.body(text),
        None => spec,
    };
    match request_outputs(&spec, first) {
        Ok((outputs, notes)) => Generated {
            title: AttrValue::from(title.to_string()),
            outputs: Rc::new(outputs),
            findings: Rc::new(findings),
            advice: join_advice(advice.into_iter().chain(notes)),
            missing: None,
            invalid: false,
        },
        // The request cannot be built from these inputs (e.g. the name).
        Err(why) => Generated::invalid(title, sentence(&why), findings),
    }
}

fn join_advice(parts: impl Iterator<Item = String>) -> Option<String> {
    let text = parts
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some(text)
}

/// The engine's value of a keystore row.
fn secret_of(row: &KeystoreRow, value: &str) -> Secret {
    let value = if row.as_file {
        SecretValue::from_file_content(value.to_string())
    } else {
        SecretValue::Text(value.to_string())
    };
    let secret = Secret::new(row.name.trim(), value);
    if row.as_file {
        secret.with_as_file(true)
    } else {
        secret
    }
}

/// Why the rows give no keystore body yet.
#[derive(Debug, Clone, PartialEq)]
pub enum KeystoreGap {
    /// These settings have no value yet.
    WithoutValue(Vec<String>),
    /// No row names a setting.
    Empty,
}

/// The keystore changes the rows describe, or what is still missing.
pub fn keystore_changes(
    draft: &Draft,
    secrets: &Secrets,
) -> Result<Vec<SecretChange>, KeystoreGap> {
    let mut changes = Vec::new();
    let mut without_value = Vec::new();
    for row in draft.keystore.iter().filter(|r| !r.name.trim().is_empty()) {
        if row.remove {
            changes.push(SecretChange::Remove(row.name.trim().to_string()));
            continue;
        }
        match secrets.get(row.id).filter(|v| !v.is_empty()) {
            Some(value) => changes.push(SecretChange::Set(secret_of(row, value))),
            None => without_value.push(row.name.trim().to_string()),
        }
    }
    if !without_value.is_empty() {
        return Err(KeystoreGap::WithoutValue(without_value));
    }
    if changes.is_empty() {
        return Err(KeystoreGap::Empty);
    }
    Ok(changes)
}

/// Where the keystore rows are edited: the Keystore area has Remove, the
/// guided flow only the values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeystoreArea {
    Keystore,
    Guided,
}

fn keystore_gap_text(gap: &KeystoreGap, area: KeystoreArea) -> String {
    match (gap, area) {
        (KeystoreGap::WithoutValue(names), KeystoreArea::Keystore) => format!(
            "Enter the value of {} (or tick Remove to delete it from the keystore).",
            names.join(", ")
        ),
        (KeystoreGap::WithoutValue(names), KeystoreArea::Guided) => format!(
            "Enter the value of {} under Credentials above (to delete a setting from the keystore instead, tick Remove in the Keystore area).",
            names.join(", ")
        ),
        (KeystoreGap::Empty, _) => {
            "Add a setting (or the client settings) to see the keystore PATCH body.".into()
        }
    }
}

fn keystore_findings(body: &str) -> Vec<Finding> {
    let doc = json::parse_generated(body);
    let mut findings = doc.findings.clone();
    findings.extend(keystore::validate(&doc, &ValidateOptions::default()));
    ecekit_core::finding::sort(&mut findings);
    findings
}

/// The keystore PATCH body of the rows, its findings, the reload-or-restart
/// advice, and the request in every format.
pub fn keystore(draft: &Draft, secrets: &Secrets) -> Generated {
    keystore_in(draft, secrets, KeystoreArea::Keystore)
}

fn keystore_in(draft: &Draft, secrets: &Secrets, area: KeystoreArea) -> Generated {
    const TITLE: &str = "Keystore PATCH body";
    let changes = match keystore_changes(draft, secrets) {
        Ok(changes) => changes,
        Err(gap) => return Generated::missing(TITLE, keystore_gap_text(&gap, area)),
    };
    let body = keystore::patch_body(&changes);
    let findings = keystore_findings(&body);
    if findings.iter().any(is_name_error) {
        return Generated::invalid(TITLE, FIX_NAMES.into(), findings);
    }
    let advice = keystore::reload_advice(changes.iter().map(SecretChange::name)).note();
    if draft.platform == Platform::SelfManaged {
        let commands = render::elasticsearch_keystore_commands(&changes);
        return Generated {
            title: TITLE.into(),
            outputs: Rc::new(vec![output("elasticsearch-keystore", commands, "keystore-commands.sh", None)]),
            findings: Rc::new(findings),
            advice: Some(format!(
                "A self-managed cluster has no HTTP API for its keystore: run these on every node. {advice}"
            )),
            missing: None,
            invalid: false,
        };
    }
    request_block(
        TITLE,
        request_spec(draft, Operation::KeystoreSet),
        Some((body, "keystore-patch.json")),
        findings,
        vec![advice],
    )
}

/// The two bodies that resync one row's setting: remove it, then add it back.
pub fn keystore_resync(draft: &Draft, secrets: &Secrets, row: &KeystoreRow) -> Vec<Generated> {
    let value = secrets.get(row.id).filter(|v| !v.is_empty());
    let (Some(value), false) = (value, row.name.trim().is_empty()) else {
        return vec![Generated::missing(
            "Resync plan",
            "A resync adds the value back after removing it: enter the setting name and its value first.",
        )];
    };
    if keystore_name_error(&row.name).is_some() {
        return vec![Generated::invalid(
            "Resync plan",
            FIX_NAMES.into(),
            Vec::new(),
        )];
    }
    let plan = keystore::resync_plan(&[secret_of(row, value)]);
    plan.steps()
        .iter()
        .enumerate()
        .map(|(i, (title, body))| {
            request_block(
                title,
                request_spec(draft, Operation::KeystoreSet),
                Some((
                    body.to_string(),
                    if i == 0 {
                        "resync-1-remove.json"
                    } else {
                        "resync-2-add.json"
                    },
                )),
                Vec::new(),
                Vec::new(),
            )
        })
        .collect()
}

/// The repository the draft describes, as the engine's spec. The bucket,
/// client and base path fields go in when the type has those settings.
pub fn repository_spec(draft: &Draft) -> RepositorySpec {
    let ty = repository_type(draft);
    let mut spec = RepositorySpec::new(ty, repository_name(draft));
    let bucket_key = bucket_key(draft).unwrap_or("bucket");
    for (key, value) in [
        (bucket_key, &draft.bucket),
        ("client", &draft.client),
        ("base_path", &draft.base_path),
    ] {
        if catalog::repository_setting(ty, key).is_none() {
            continue;
        }
        if let Some(value) = some(value) {
            spec.set(key, value);
        }
    }
    for (key, value) in &draft.repository_settings {
        if !key.trim().is_empty() && !value.trim().is_empty() {
            spec.set(key.trim(), value.trim());
        }
    }
    spec
}

/// The repository body, checked against the catalog, the platform and the
/// keystore rows' client, with the PUT and verify requests.
pub fn repository(draft: &Draft) -> Generated {
    const TITLE: &str = "Repository body";
    if bucket_key(draft).is_some() && draft.bucket.trim().is_empty() {
        return Generated::missing(TITLE, "Enter the bucket to see the repository body.");
    }
    let spec = repository_spec(draft);
    let body = repository::body(&spec);
    let opts = ValidateOptions {
        platform: Some(draft.platform),
        repository_name: Some(spec.name.clone()),
        platform_repository: false,
    };
    let doc = json::parse_generated(&body);
    let mut findings = doc.findings.clone();
    findings.extend(repository::validate(&doc, &opts));
    let names: Vec<&str> = draft
        .keystore
        .iter()
        .map(|r| r.name.trim())
        .filter(|n| !n.is_empty())
        .collect();
    if !names.is_empty() {
        findings.extend(repository::client_findings(&doc, &names));
    }
    ecekit_core::finding::sort(&mut findings);
    request_block(
        TITLE,
        request_spec(draft, Operation::RepositoryPut),
        Some((body, "repository.json")),
        findings,
        Vec::new(),
    )
}

/// A request without a body (verify, reload, keystore list).
pub fn plain_request(draft: &Draft, operation: Operation) -> Generated {
    request_block(
        operation.title(),
        request_spec(draft, operation),
        None,
        Vec::new(),
        Vec::new(),
    )
}

/// Why each guided step exists, and the step's output.
pub fn guided_steps(draft: &Draft, secrets: &Secrets) -> Vec<Step> {
    // The flow is about this provider's client: rows left from another
    // storage choice (kept in the Keystore area) are not part of it.
    let prefix = format!(
        "{}.client.{}.",
        draft.storage.repository_type(),
        client_or_default(&draft.client)
    );
    let mut own = draft.clone();
    own.keystore.retain(|r| r.name.trim().starts_with(&prefix));
    // The flow is about the storage: a type chosen in the Repository area
    // (fs, url, source) is not part of it, nor are settings only that type
    // (or another) has.
    if !own.repository_type.is_empty() {
        let ty = own.storage.repository_type();
        own.repository_settings
            .retain(|(k, _)| repository::lookup_setting(ty, None, k.trim()).is_some());
        own.repository_type.clear();
    }
    let draft = &own;
    let client_error = input_errors(draft).get(Field::Client);
    let provider_word = match draft.storage {
        Storage::S3 | Storage::S3Compatible => "bucket",
        Storage::Gcs => "bucket",
        Storage::Azure => "container",
    };
    let mut steps = vec![Step {
        id: "policy",
        title: "Grant access to the storage",
        why: format!(
            "Elasticsearch needs to list, read, write and delete objects in this {provider_word} and nothing else. Give the {provider_word} to this one cluster: two clusters writing to the same repository corrupt it (other clusters may register it read-only)."
        ),
        generated: policy(draft),
    }];
    if draft.storage == Storage::S3Compatible {
        steps.push(Step {
            id: "client-settings",
            title: "Point the S3 client at your endpoint",
            why: "The endpoint of an S3-compatible service (MinIO, Ceph…) is a client setting of elasticsearch.yml, not a repository setting; on ECE and Elastic Cloud it goes in the deployment's Elasticsearch user settings.".into(),
            generated: s3_client_settings(draft),
        });
    }
    let names: Vec<&str> = draft
        .keystore
        .iter()
        .filter(|r| !r.name.trim().is_empty())
        .map(|r| r.name.trim())
        .collect();
    steps.push(Step {
        id: "keystore",
        title: "Store the credentials in the keystore",
        why: match draft.storage {
            Storage::Gcs => "Credentials belong in the Elasticsearch keystore, never in repository settings (those are readable in the cluster state). GCS reads its service-account key as a file, so the JSON goes in with as_file: true, exactly as downloaded.".into(),
            _ => "Credentials belong in the Elasticsearch keystore, never in repository settings (those are readable in the cluster state by anyone who can read cluster settings).".into(),
        },
        generated: keystore_in(draft, secrets, KeystoreArea::Guided),
    });
    let advice = keystore::reload_advice(names.iter().copied());
    // Settings named after an invalid client are not the provider's: the
    // engine's advice for them (a restart) would be about the wrong problem.
    let blocked = client_error.map(|error| Generated {
        invalid: true,
        ..Generated::missing(
            "Reload",
            format!("The client name is not valid. {error} Fix it above: the keystore settings are named after it, and only then can the page tell whether a reload is enough."),
        )
    });
    steps.push(Step {
        id: "reload",
        title: if advice.needs_restart() && blocked.is_none() { "Restart the deployment" } else { "Reload the secure settings" },
        why: "Nodes read the keystore when they start; reloadable client settings are picked up by `POST _nodes/reload_secure_settings` without a restart.".into(),
        generated: if let Some(blocked) = blocked {
            blocked
        } else if advice.needs_restart() {
            Generated { advice: Some(advice.note()), ..Generated::missing("Restart", "Restart the deployment (ECE and Elastic Cloud: the deployment's Actions menu > Restart Elasticsearch).") }
        } else {
            let mut generated = plain_request(draft, Operation::ReloadSecureSettings);
            generated.advice = join_advice([advice.note()].into_iter().chain(generated.advice.take()));
            generated
        },
    });
    steps.push(Step {
        id: "repository",
        title: "Register the repository",
        why: if draft.platform == Platform::Ece {
            "The repository names the bucket and the keystore client. On ECE, leave base_path out: ECE sets it for each deployment itself, and a repository registered through the API proxy needs the X-Management-Request header.".into()
        } else {
            "The repository names the bucket and the keystore client; a base_path keeps this cluster's snapshots under their own prefix.".into()
        },
        generated: repository(draft),
    });
    steps.push(Step {
        id: "verify",
        title: "Verify the repository",
        why: "Verification makes every master and data node write and read a test file: it catches a missing permission or keystore entry on some nodes before the first snapshot fails.".into(),
        generated: plain_request(draft, Operation::RepositoryVerify),
    });
    steps
}

/// The elasticsearch.yml (user settings) lines of an S3-compatible client.
fn s3_client_settings(draft: &Draft) -> Generated {
    const TITLE: &str = "S3 client settings";
    let Some(endpoint) = some(&draft.s3_endpoint) else {
        return Generated::missing(TITLE, "Enter the endpoint of your S3-compatible service, e.g. https://minio.example.com:9000.");
    };
    let client = client_or_default(&draft.client);
    let yaml = format!(
        "s3.client.{client}.endpoint: {}\ns3.client.{client}.path_style_access: true\n",
        serde_json::Value::String(endpoint)
    );
    Generated {
        title: TITLE.into(),
        outputs: Rc::new(vec![output("elasticsearch.yml", yaml, "elasticsearch.yml", None)]),
        advice: Some("Most S3-compatible services need path-style access; drop that line if yours serves virtual-hosted buckets. Changing client settings needs a restart (ECE and Elastic Cloud restart the deployment when you save user settings).".into()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Action;
    use yew::Reducible;

    fn draft_with(actions: Vec<Action>) -> Draft {
        actions
            .into_iter()
            .fold(Rc::new(Draft::default()), |d, a| d.reduce(a))
            .as_ref()
            .clone()
    }

    fn s3_draft() -> (Draft, Secrets) {
        let mut draft = draft_with(vec![Action::EnsureKeystoreRows(client_preset(
            Storage::S3,
            "default",
        ))]);
        draft.bucket = "snaps-bucket".into();
        let mut secrets = Secrets::default();
        secrets
            .0
            .insert(draft.keystore[0].id, Rc::from("AKIAZ7Q3M5N2P4R6T8V1"));
        secrets.0.insert(
            draft.keystore[1].id,
            Rc::from("q9T'x\"$Lm`3\\vR8pK2sW5yZ1aB4cD7eF0gH6jN8u"),
        );
        (draft, secrets)
    }

    #[test]
    fn the_keystore_body_is_the_engines_for_the_same_rows() {
        let (draft, secrets) = s3_draft();
        let generated = keystore(&draft, &secrets);
        let json = &generated.outputs[0];
        assert_eq!(json.label, "JSON");
        let expected = keystore::patch_body(&[
            SecretChange::Set(Secret::new(
                "s3.client.default.access_key",
                SecretValue::Text("AKIAZ7Q3M5N2P4R6T8V1".into()),
            )),
            SecretChange::Set(Secret::new(
                "s3.client.default.secret_key",
                SecretValue::Text("q9T'x\"$Lm`3\\vR8pK2sW5yZ1aB4cD7eF0gH6jN8u".into()),
            )),
        ]);
        assert_eq!(&*json.text, expected);
        assert!(generated.findings.is_empty(), "{:?}", generated.findings);
        assert!(generated.outputs.iter().any(|o| o.label == "curl (bash)"));
        assert!(generated.advice.unwrap().contains("reload_secure_settings"));
    }

    #[test]
    fn a_row_without_its_value_is_named() {
        let (draft, mut secrets) = s3_draft();
        secrets.0.remove(&draft.keystore[1].id);
        let generated = keystore(&draft, &secrets);
        assert!(generated.outputs.is_empty());
        assert!(generated
            .missing
            .unwrap()
            .contains("s3.client.default.secret_key"));
    }

    #[test]
    fn self_managed_keystores_get_the_keystore_tool_without_values() {
        let (mut draft, secrets) = s3_draft();
        draft.platform = Platform::SelfManaged;
        let generated = keystore(&draft, &secrets);
        assert_eq!(generated.outputs[0].label, "elasticsearch-keystore");
        assert!(!generated.outputs[0].text.contains("AKIA"));
    }

    #[test]
    fn a_gcs_key_file_is_sent_as_its_json_object() {
        let mut draft = draft_with(vec![Action::EnsureKeystoreRows(client_preset(
            Storage::Gcs,
            "default",
        ))]);
        draft.storage = Storage::Gcs;
        let mut secrets = Secrets::default();
        secrets.0.insert(
            draft.keystore[0].id,
            Rc::from("{\"type\": \"service_account\", \"project_id\": \"p\"}\n"),
        );
        let generated = keystore(&draft, &secrets);
        let body: serde_json::Value = serde_json::from_str(&generated.outputs[0].text).unwrap();
        let entry = &body["secrets"]["gcs.client.default.credentials_file"];
        assert_eq!(entry["as_file"], true);
        assert_eq!(entry["value"]["project_id"], "p");
    }

    #[test]
    fn the_repository_body_uses_the_form_and_the_extra_settings() {
        let (mut draft, _) = s3_draft();
        draft.repository_settings =
            vec![("chunk_size".into(), "1gb".into()), ("".into(), "x".into())];
        let spec = repository_spec(&draft);
        assert_eq!(spec.repo_type, "s3");
        assert_eq!(
            spec.settings,
            vec![
                ("bucket".to_string(), "snaps-bucket".to_string()),
                ("client".to_string(), "default".to_string()),
                ("chunk_size".to_string(), "1gb".to_string()),
            ]
        );
        let generated = repository(&draft);
        assert_eq!(&*generated.outputs[0].text, repository::body(&spec));
        assert!(generated.findings.is_empty(), "{:?}", generated.findings);
    }

    #[test]
    fn guided_steps_follow_the_storage() {
        let (mut draft, secrets) = s3_draft();
        let ids = |d: &Draft| {
            guided_steps(d, &secrets)
                .iter()
                .map(|s| s.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(&draft),
            ["policy", "keystore", "reload", "repository", "verify"]
        );
        draft.storage = Storage::S3Compatible;
        draft.s3_endpoint = "http://minio.local:9000".into();
        assert_eq!(
            ids(&draft),
            [
                "policy",
                "client-settings",
                "keystore",
                "reload",
                "repository",
                "verify"
            ]
        );
        let steps = guided_steps(&draft, &secrets);
        assert!(steps[1].generated.outputs[0]
            .text
            .contains("s3.client.default.endpoint: \"http://minio.local:9000\""));
    }

    #[test]
    fn guided_keystore_ignores_rows_of_another_storage() {
        let (mut draft, _) = s3_draft();
        draft.storage = Storage::Gcs;
        let draft = draft_with(vec![
            Action::Replace(Box::new(draft)),
            Action::EnsureKeystoreRows(client_preset(Storage::Gcs, "default")),
        ]);
        let mut secrets = Secrets::default();
        secrets.0.insert(
            draft.keystore[2].id,
            Rc::from("{\"type\": \"service_account\"}"),
        );
        let steps = guided_steps(&draft, &secrets);
        let keystore = &steps.iter().find(|s| s.id == "keystore").unwrap().generated;
        assert!(keystore.missing.is_none(), "{:?}", keystore.missing);
        assert!(!keystore.outputs[0].text.contains("s3.client"));
    }

    #[test]
    fn every_catalog_type_can_be_chosen_and_gets_its_own_form() {
        let types: Vec<&str> = repository_type_choices().iter().map(|(t, _)| *t).collect();
        assert_eq!(types, catalog::REPOSITORY_TYPES);
        let names = |draft: &Draft| {
            repository_setting_specs(draft)
                .into_iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
        };
        let mut draft = Draft::default();
        for (ty, first) in [
            ("fs", "location"),
            ("url", "url"),
            ("source", "delegate_type"),
        ] {
            draft.repository_type = ty.into();
            assert_eq!(names(&draft)[0], first, "{ty}");
            assert_eq!(bucket_key(&draft), None, "{ty}");
            assert!(!uses_client(&draft), "{ty}");
        }
        // `url` lists its schemes in the catalog, but a URL is typed, not chosen.
        draft.repository_type = "url".into();
        assert!(repository_setting_specs(&draft)[0].allowed.is_empty());
        // A source repository also offers the settings of its delegate.
        draft.repository_type = "source".into();
        draft.repository_settings = vec![("delegate_type".into(), "fs".into())];
        assert!(names(&draft).contains(&"location".to_string()));
        draft.repository_settings = vec![("delegate_type".into(), "s3".into())];
        let with_s3 = names(&draft);
        assert!(with_s3.contains(&"bucket".to_string()) && with_s3.contains(&"client".to_string()));
        // The storage types keep bucket and client in their own fields.
        draft.repository_type.clear();
        draft.storage = Storage::Azure;
        assert_eq!(bucket_key(&draft), Some("container"));
        assert!(!names(&draft).contains(&"container".to_string()));
    }

    #[test]
    fn fs_url_and_source_bodies_are_the_engines_for_the_same_settings() {
        let (mut draft, _) = s3_draft();
        draft.base_path = "cluster-a".into();
        for (ty, settings) in [
            (
                "fs",
                vec![("location", "/mnt/backups"), ("compress", "true")],
            ),
            (
                "url",
                vec![
                    ("url", "https://snapshots.example.com/repo/"),
                    ("http_max_retries", "3"),
                ],
            ),
            (
                "source",
                vec![("delegate_type", "fs"), ("location", "/mnt/source")],
            ),
        ] {
            draft.repository_type = ty.into();
            draft.repository = format!("{ty}-repo");
            draft.repository_settings = settings
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let mut expected = RepositorySpec::new(ty, format!("{ty}-repo"));
            for (k, v) in &settings {
                expected.set(*k, *v);
            }
            // No bucket, client or base path: the type has none.
            assert_eq!(repository_spec(&draft), expected, "{ty}");
            let generated = repository(&draft);
            assert_eq!(&*generated.outputs[0].text, repository::body(&expected));
            assert!(
                generated
                    .findings
                    .iter()
                    .all(|f| f.severity != Severity::Error),
                "{ty}: {:?}",
                generated.findings
            );
        }
        // A required setting left empty is the engine's error, not a blank page.
        draft.repository_type = "fs".into();
        draft.repository_settings.clear();
        let generated = repository(&draft);
        assert!(generated
            .findings
            .iter()
            .any(|f| f.code == repository::MISSING_REQUIRED));
    }

    #[test]
    fn a_message_becomes_a_sentence() {
        assert_eq!(sentence(" the bucket is empty "), "The bucket is empty.");
        assert_eq!(sentence("`x` is not valid!"), "`x` is not valid!");
        assert_eq!(sentence("émoji first?"), "émoji first?");
        assert_eq!(sentence("   "), "");
    }

    #[test]
    fn invalid_inputs_are_reported_by_field() {
        let mut draft = Draft::default();
        assert_eq!(input_errors(&draft), InputErrors::default());
        draft.client = "de fault".into();
        draft.bucket = "Bad_Bucket".into();
        draft.repository = "my snapshots".into();
        let errors = input_errors(&draft);
        assert!(errors.get(Field::Client).unwrap().contains("not allowed"));
        assert!(errors
            .get(Field::Bucket)
            .unwrap()
            .starts_with(char::is_uppercase));
        assert!(errors.get(Field::Repository).unwrap().contains("space"));
        assert_eq!(errors.get(Field::BasePath), None);
        for storage in [Storage::Gcs, Storage::Azure] {
            draft.storage = storage;
            let errors = input_errors(&draft);
            assert!(errors.get(Field::Client).is_some(), "{storage:?}");
            assert!(errors.get(Field::Bucket).is_some(), "{storage:?}");
        }
        // Empty fields are not filled in yet: no error.
        draft.client.clear();
        draft.bucket.clear();
        let errors = input_errors(&draft);
        assert_eq!(
            (errors.get(Field::Client), errors.get(Field::Bucket)),
            (None, None)
        );
    }

    #[test]
    fn keystore_row_names_are_checked_by_the_engine() {
        assert_eq!(keystore_name_error(""), None);
        assert_eq!(keystore_name_error("s3.client.default.access_key"), None);
        // Unknown but well-formed names are warnings of the body, not input errors.
        assert_eq!(keystore_name_error("s3.client.default.acess_key"), None);
        for bad in [
            "s3.client.de fault.access_key",
            "keystore.seed",
            "s3.client.default.endpoint",
            "s3.client.my.client.access_key",
        ] {
            assert!(keystore_name_error(bad).is_some(), "{bad}");
        }
    }

    /// A setting name with an error (a control character above all: a line
    /// break in a name ended the Terraform comment it was written into and
    /// the rest became HCL) gets no output tab: the findings say what to fix.
    #[test]
    fn a_setting_name_error_renders_no_output_tab() {
        let injection = "s3.client.default.access_key\nresource \"null_resource\" \"x\" {\n  provisioner \"local-exec\" { command = \"calc\" }\n}\n#";
        for name in [
            injection,
            "s3.client.default.secret_key\u{1b}]0;owned\u{7}",
            "s3.client.de fault.access_key",
        ] {
            assert!(keystore_name_error(name).is_some(), "{name:?}");
            for remove in [false, true] {
                for platform in [Platform::Ece, Platform::Ess, Platform::SelfManaged] {
                    let (mut draft, secrets) = s3_draft();
                    draft.platform = platform;
                    draft.keystore[0].name = name.into();
                    draft.keystore[0].remove = remove;
                    let generated = keystore(&draft, &secrets);
                    assert!(generated.outputs.is_empty(), "{name:?} {platform:?}");
                    assert!(generated.invalid && generated.missing.is_some());
                    assert!(generated
                        .findings
                        .iter()
                        .any(|f| f.code == ecekit_core::keystore::INVALID_SETTING_NAME));
                    // The guided flow keeps the rows of its own client only.
                    if name.starts_with("s3.client.default.") {
                        let steps = guided_steps(&draft, &secrets);
                        let step = &steps.iter().find(|s| s.id == "keystore").unwrap();
                        assert!(step.generated.outputs.is_empty(), "guided {name:?}");
                    }
                    for block in keystore_resync(&draft, &secrets, &draft.keystore[0]) {
                        assert!(block.outputs.is_empty() && block.invalid, "resync {name:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn an_invalid_client_blocks_the_reload_step_instead_of_advising_a_restart() {
        let (mut draft, secrets) = s3_draft();
        draft.client = "de fault".into();
        let draft = draft_with(vec![
            Action::Replace(Box::new(draft)),
            Action::EnsureKeystoreRows(client_preset(Storage::S3, "de fault")),
        ]);
        let steps = guided_steps(&draft, &secrets);
        let reload = steps.iter().find(|s| s.id == "reload").unwrap();
        assert_eq!(reload.title, "Reload the secure settings");
        assert!(reload.generated.invalid);
        assert!(reload
            .generated
            .missing
            .as_ref()
            .unwrap()
            .contains("client name is not valid"));
        assert!(reload.generated.advice.is_none());
    }

    #[test]
    fn guided_asks_for_values_without_a_remove_control_of_its_own() {
        let (draft, mut secrets) = s3_draft();
        secrets.0.clear();
        let steps = guided_steps(&draft, &secrets);
        let keystore = &steps.iter().find(|s| s.id == "keystore").unwrap().generated;
        let text = keystore.missing.clone().unwrap();
        assert!(
            text.contains("under Credentials above") && text.contains("Keystore area"),
            "{text}"
        );
        assert!(keystore_in(&draft, &secrets, KeystoreArea::Keystore)
            .missing
            .unwrap()
            .contains("(or tick Remove"));
    }

    #[test]
    fn guided_follows_the_storage_not_a_type_chosen_for_the_repository_area() {
        let (mut draft, secrets) = s3_draft();
        draft.repository_type = "fs".into();
        draft.repository_settings = vec![
            ("location".into(), "/mnt/backups".into()),
            ("chunk_size".into(), "1gb".into()),
        ];
        let steps = guided_steps(&draft, &secrets);
        let repo = &steps
            .iter()
            .find(|s| s.id == "repository")
            .unwrap()
            .generated;
        let text = &repo.outputs[0].text;
        assert!(text.contains("\"type\": \"s3\""));
        // fs's location is not the S3 repository's; the shared chunk_size is.
        assert!(
            !text.contains("location") && text.contains("chunk_size"),
            "{text}"
        );
    }

    #[test]
    fn a_row_being_edited_stays_under_other_settings() {
        let draft = Draft {
            repository_settings: vec![
                ("chunk_size".into(), "1gb".into()),
                ("made_up".into(), "x".into()),
                ("".into(), "".into()),
            ],
            ..Default::default()
        };
        let specs = repository_setting_specs(&draft);
        assert_eq!(other_setting_rows(&draft, &specs, None), [1, 2]);
        assert_eq!(other_setting_rows(&draft, &specs, Some(0)), [0, 1, 2]);
    }
}
