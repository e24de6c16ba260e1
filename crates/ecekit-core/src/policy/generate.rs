//! The least-privilege AWS policy for one snapshot bucket, and the AWS CLI
//! commands that create the user, attach the policy and make the access key.

use super::data::snapshot;
use super::names::{self, Partition};
use super::{FieldError, PolicyKind};
use serde::Serialize;
use serde_json::{json, Value};

/// What to generate. Empty strings count as absent (form fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyOptions {
    /// The S3 bucket (required).
    pub bucket: String,
    /// Limit the grant to this prefix (the repository's `base_path`).
    pub base_path: Option<String>,
    /// The bucket's default SSE-KMS key: adds `kms:GenerateDataKey` and
    /// `kms:Decrypt` on it (identity policy only; see [`GeneratedPolicy::notes`]).
    pub kms_key_arn: Option<String>,
    /// Write a bucket policy granting this principal (a user or role ARN, or
    /// an account id) instead of an identity policy.
    pub bucket_policy_principal: Option<String>,
    pub partition: Partition,
}

/// A generated policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedPolicy {
    pub kind: PolicyKind,
    /// Pretty JSON (two-space indent), ready for `file://` or the console.
    pub json: String,
    /// What to do with it, and what it does not cover.
    pub notes: Vec<String>,
}

#[derive(Serialize)]
struct Document {
    #[serde(rename = "Version")]
    version: String,
    #[serde(rename = "Statement")]
    statement: Vec<Statement>,
}

#[derive(Serialize)]
struct Statement {
    #[serde(rename = "Sid")]
    sid: &'static str,
    #[serde(rename = "Effect")]
    effect: &'static str,
    #[serde(rename = "Principal", skip_serializing_if = "Option::is_none")]
    principal: Option<Value>,
    #[serde(rename = "Action")]
    action: Vec<String>,
    #[serde(rename = "Resource")]
    resource: Vec<String>,
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    condition: Option<Value>,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The validated inputs.
pub(crate) struct Checked<'o> {
    pub bucket: &'o str,
    pub base_path: Option<String>,
    pub kms_key_arn: Option<&'o str>,
    pub principal: Option<&'o str>,
    pub partition: Partition,
}

pub(crate) fn check_options(opts: &PolicyOptions) -> Result<Checked<'_>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let bucket = opts.bucket.trim();
    if bucket.is_empty() {
        errors.push(FieldError::new(
            "bucket",
            "POLICY_INPUT_BUCKET",
            "the bucket name is required",
        ));
    } else if let Some(p) = names::s3_bucket_name_problem(bucket) {
        errors.push(FieldError::new("bucket", "POLICY_INPUT_BUCKET", p));
    } else if names::is_placeholder_bucket(bucket) {
        errors.push(FieldError::new(
            "bucket",
            "POLICY_INPUT_BUCKET",
            format!("\"{bucket}\" is a documentation placeholder: give the name of your snapshot bucket"),
        ));
    }
    let base_path = match present(&opts.base_path).map(names::normalize_base_path) {
        None => None,
        Some(Ok(p)) => p,
        Some(Err(e)) => {
            errors.push(FieldError::new("base_path", "POLICY_INPUT_BASE_PATH", e));
            None
        }
    };
    let kms_key_arn = present(&opts.kms_key_arn);
    if let Some(arn) = kms_key_arn {
        if let Some(p) = names::kms_key_arn_problem(arn, opts.partition) {
            errors.push(FieldError::new(
                "kms_key_arn",
                "POLICY_INPUT_KMS_KEY_ARN",
                p,
            ));
        }
    }
    let principal = present(&opts.bucket_policy_principal);
    if let Some(p) = principal {
        if let Some(problem) = names::principal_problem(p, opts.partition) {
            errors.push(FieldError::new(
                "principal",
                "POLICY_INPUT_PRINCIPAL",
                problem,
            ));
        }
    }
    if errors.is_empty() {
        Ok(Checked {
            bucket,
            base_path,
            kms_key_arn,
            principal,
            partition: opts.partition,
        })
    } else {
        Err(errors)
    }
}

fn s3(list: &[String]) -> Vec<String> {
    list.iter().map(|a| format!("s3:{a}")).collect()
}

/// The least-privilege policy for an Elasticsearch snapshot repository in
/// one bucket: bucket-level actions on `arn:P:s3:::B`, object-level actions
/// on `arn:P:s3:::B/*` (or `B/PATH/*`). With a base path, the `s3:prefix`
/// condition goes only on the actions that support that key, in their own
/// statement. Sids are alphanumeric and unique.
pub fn generate(opts: &PolicyOptions) -> Result<GeneratedPolicy, Vec<FieldError>> {
    let c = check_options(opts)?;
    let d = snapshot();
    let p = c.partition.as_str();
    let bucket_arn = format!("arn:{p}:s3:::{}", c.bucket);
    let objects_arn = match &c.base_path {
        Some(path) => format!("{bucket_arn}/{path}/*"),
        None => format!("{bucket_arn}/*"),
    };
    let principal = c.principal.map(|arn| json!({ "AWS": arn }));
    let statement = |sid, action, resource, condition| Statement {
        sid,
        effect: "Allow",
        principal: principal.clone(),
        action,
        resource,
        condition,
    };
    let mut statements = Vec::new();
    match &c.base_path {
        None => statements.push(statement(
            "SnapshotBucket",
            s3(&d.bucket_actions),
            vec![bucket_arn.clone()],
            None,
        )),
        Some(path) => {
            let prefix_key = "s3:prefix";
            let (with_key, without_key): (Vec<String>, Vec<String>) = d
                .bucket_actions
                .iter()
                .cloned()
                .partition(|a| d.prefix_bucket_actions.contains(a));
            statements.push(statement(
                "SnapshotListBasePath",
                s3(&with_key),
                vec![bucket_arn.clone()],
                Some(json!({ "StringLike": { prefix_key: [format!("{path}/*")] } })),
            ));
            if !without_key.is_empty() {
                statements.push(statement(
                    "SnapshotBucket",
                    s3(&without_key),
                    vec![bucket_arn.clone()],
                    None,
                ));
            }
        }
    }
    statements.push(statement(
        "SnapshotObjects",
        s3(&d.object_actions),
        vec![objects_arn.clone()],
        None,
    ));
    let kms_actions: Vec<String> = d.kms_actions.iter().map(|a| format!("kms:{a}")).collect();
    let mut notes = Vec::new();
    let kind = if c.principal.is_some() {
        PolicyKind::Bucket
    } else {
        PolicyKind::Identity
    };
    match (kind, c.kms_key_arn) {
        (PolicyKind::Identity, Some(key)) => {
            statements.push(statement(
                "SnapshotKmsKey",
                kms_actions.clone(),
                vec![key.to_string()],
                None,
            ));
            notes.push(format!(
                "{} on the key let the repository write and read objects that the bucket's default SSE-KMS encryption protects. The key policy must also let this account use the key (the default key policy does).",
                kms_actions.join(" and ")
            ));
        }
        (PolicyKind::Bucket, Some(key)) => {
            let who = c.principal.unwrap_or("the principal");
            notes.push(format!(
                "A bucket policy cannot grant KMS permissions (S3 rejects actions of other services). Grant {} on {key} to {who} in the key policy, or in {who}'s identity policy: {}",
                kms_actions.join(" and "),
                serde_json::to_string(&json!({
                    "Sid": "SnapshotKmsKey",
                    "Effect": "Allow",
                    "Action": kms_actions,
                    "Resource": [key],
                }))
                .unwrap_or_default()
            ));
        }
        _ => {}
    }
    match kind {
        PolicyKind::Identity => notes.push(
            "This is an identity policy: attach it to the IAM user (or role) whose access key goes into the Elasticsearch keystore as s3.client.CLIENT.access_key and secret_key, never into the repository settings.".to_string(),
        ),
        PolicyKind::Bucket => notes.push(format!(
            "This is a bucket policy for {}: apply it with `aws s3api put-bucket-policy`. It replaces the bucket's current policy, so merge it with any statements already there.",
            c.bucket
        )),
    }
    if let Some(path) = &c.base_path {
        notes.push(format!(
            "Set the repository's base_path to \"{path}\": the grant covers only {objects_arn} and listings under {path}/."
        ));
    }
    let doc = Document {
        version: d.current_version.clone(),
        statement: statements,
    };
    // Strings and lists of strings: serializing cannot fail.
    let json = serde_json::to_string_pretty(&doc).expect("a policy document serializes");
    Ok(GeneratedPolicy { kind, json, notes })
}

/// Names used by the AWS CLI commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsCliOptions {
    /// The IAM user to create (identity policy).
    pub user_name: String,
    /// The inline policy name; empty = `elasticsearch-snapshots-BUCKET`.
    pub policy_name: String,
    /// The file the policy is written to.
    pub policy_file: String,
    /// The keystore client name (`s3.client.<client>.access_key`).
    pub client: String,
}

impl Default for AwsCliOptions {
    fn default() -> Self {
        AwsCliOptions {
            user_name: "elasticsearch-snapshots".into(),
            policy_name: String::new(),
            policy_file: "snapshot-policy.json".into(),
            client: "default".into(),
        }
    }
}

/// Quotes `s` for bash when it holds anything beyond a safe set.
pub(crate) fn sh(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The policy file written with a quoted heredoc (nothing in it is expanded).
fn write_file(file: &str, content: &str) -> String {
    format!("cat > {} <<'EOF'\n{content}\nEOF", sh(file))
}

fn policy_file_problem(file: &str) -> Option<String> {
    if file.is_empty() {
        return Some("the policy file name is empty".into());
    }
    file.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_./".contains(*c)))
        .map(|c| {
            format!(
                "the policy file name holds letters, digits, '-', '_', '.' and '/' only; '{}' is not allowed",
                c.escape_default()
            )
        })
}

/// The bash commands that set up access: write the policy file, create the
/// IAM user, attach the policy inline, create the access key (read straight
/// into shell variables, never printed) and build the keystore body. For a
/// bucket policy: write it and `aws s3api put-bucket-policy`. Lines starting
/// with `#` are comments; a heredoc is one entry.
pub fn aws_commands(
    opts: &PolicyOptions,
    cli: &AwsCliOptions,
) -> Result<Vec<String>, Vec<FieldError>> {
    let mut errors = match check_options(opts) {
        Ok(_) => Vec::new(),
        Err(e) => e,
    };
    if let Some(p) = names::iam_name_problem(&cli.user_name, "user name", 64) {
        errors.push(FieldError::new("user_name", "POLICY_INPUT_USER_NAME", p));
    }
    let policy_name = if cli.policy_name.trim().is_empty() {
        format!("elasticsearch-snapshots-{}", opts.bucket.trim())
    } else {
        cli.policy_name.trim().to_string()
    };
    if let Some(p) = names::iam_name_problem(&policy_name, "policy name", 128) {
        errors.push(FieldError::new(
            "policy_name",
            "POLICY_INPUT_POLICY_NAME",
            p,
        ));
    }
    if let Some(p) = policy_file_problem(&cli.policy_file) {
        errors.push(FieldError::new(
            "policy_file",
            "POLICY_INPUT_POLICY_FILE",
            p,
        ));
    }
    if let Some(p) = names::client_name_problem(&cli.client) {
        errors.push(FieldError::new("client", "POLICY_INPUT_CLIENT", p));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let generated = generate(opts)?;
    let file = &cli.policy_file;
    let client = &cli.client;
    let mut lines = vec![
        "# Write the policy document (a quoted heredoc: nothing in it is expanded).".to_string(),
        write_file(file, &generated.json),
    ];
    match generated.kind {
        PolicyKind::Identity => {
            let user = sh(&cli.user_name);
            lines.push(format!("aws iam create-user --user-name {user}"));
            lines.push(format!(
                "aws iam put-user-policy --user-name {user} --policy-name {} --policy-document file://{}",
                sh(&policy_name),
                sh(file)
            ));
            lines.push(format!(
                "# The secret access key is shown only once. It goes into the Elasticsearch keystore (s3.client.{client}.secret_key), never into the repository settings: read it into shell variables instead of printing it."
            ));
            lines.push(format!(
                "read -r ES_S3_ACCESS_KEY ES_S3_SECRET_KEY < <(aws iam create-access-key --user-name {user} --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)"
            ));
            lines.push("export ES_S3_ACCESS_KEY ES_S3_SECRET_KEY".to_string());
            lines.push("# Build the keystore PATCH body from the variables (pipe it to `ecekit curl keystore-set ... --body -`; do not save it in a file), then forget them.".to_string());
            lines.push(format!(
                "ecekit keystore --secret s3.client.{client}.access_key=env:ES_S3_ACCESS_KEY --secret s3.client.{client}.secret_key=env:ES_S3_SECRET_KEY"
            ));
            lines.push("unset ES_S3_ACCESS_KEY ES_S3_SECRET_KEY".to_string());
        }
        PolicyKind::Bucket => {
            let bucket = opts.bucket.trim();
            lines.push(
                "# This replaces the bucket's current policy: merge in any statements it already has."
                    .to_string(),
            );
            lines.push(format!(
                "aws s3api put-bucket-policy --bucket {} --policy file://{}",
                sh(bucket),
                sh(file)
            ));
        }
    }
    Ok(lines)
}
