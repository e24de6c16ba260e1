//! Access policies: what the storage credentials may do, for each provider.
//!
//! - **AWS**: [`generate`] writes the least-privilege IAM identity policy (or
//!   bucket policy) for one snapshot bucket, [`aws_commands`] the AWS CLI
//!   commands that create the user, attach the policy and make the key, and
//!   [`validate`] checks any pasted policy (IAM grammar, Access Analyzer and
//!   parliament checks, and what a snapshot repository needs).
//! - **GCS**: [`gcs_permissions`] and [`gcs_commands`] (role on the bucket).
//! - **Azure**: [`azure_permissions`] and [`azure_commands`] (SAS token).
//!
//! The rules come from `data/s3-actions.json` (every S3 action with its
//! access level, resource types and condition keys) and
//! `data/iam-policy.json` (grammar, condition operators, global condition
//! keys, service prefixes, KMS actions, quotas), indexed once.

mod check;
mod data;
mod generate;
mod names;
mod providers;

use serde::Serialize;
use std::fmt;

pub use check::{infer_kind, validate, CODES};
pub use generate::{aws_commands, generate, AwsCliOptions, GeneratedPolicy, PolicyOptions};
pub use names::{
    azure_account_name_problem, azure_container_name_problem, client_name_problem,
    gcp_project_id_problem, gcp_service_account_problem, gcs_bucket_name_problem, iam_name_problem,
    is_placeholder_bucket, kms_key_arn_problem, normalize_base_path, principal_problem,
    s3_bucket_name_problem, Partition,
};
pub use providers::{
    azure_commands, azure_permissions, gcs_commands, gcs_permissions, AzureOptions, GcsOptions,
    AZURE_ROLE, AZURE_SAS_PERMISSIONS, AZURE_SAS_RESOURCE_TYPES, AZURE_SAS_SERVICES,
    GCS_PERMISSIONS, GCS_ROLE, GCS_ROLE_TITLE,
};

/// The finding codes, for callers that match on them.
pub mod codes {
    pub use super::check::{
        ACTION_CASE, ACTION_FORMAT, ACTION_MISSING, ALLOW_NOT_ACTION, ALLOW_NOT_PRINCIPAL,
        ALLOW_NOT_RESOURCE, ARN_ACCOUNT, ARN_FIELDS, ARN_PARTITION, ARN_PREFIX, ARN_REGION,
        ARN_RESOURCE, BUCKET_NAME, BUCKET_POLICY_ACTION, BUCKET_POLICY_RESOURCE, CHARACTERS,
        CONDITION_KEY_FORMAT, CONDITION_KEY_UNKNOWN, CONDITION_KEY_UNSUPPORTED, CONDITION_OPERATOR,
        CONDITION_VALUE, CONDITION_WILDCARD_WITHOUT_LIKE, EFFECT_INVALID, EFFECT_MISSING,
        ELEMENT_COMBINATION, EMPTY_ARRAY, ID_IN_IDENTITY_POLICY, MISSING_PRINCIPAL,
        MISSING_SNAPSHOT_ACTION, NOT_OBJECT, OVERBROAD_ACTION, PLACEHOLDER, PREFIX_LEADING_SLASH,
        PRINCIPAL_EMPTY, PRINCIPAL_INVALID, PRINCIPAL_PUBLIC, REDUNDANT_ACTION,
        RESOURCE_ALL_BUCKETS, RESOURCE_MISMATCH, RESOURCE_MISSING, RESOURCE_STAR, RESOURCE_UNUSED,
        SID_DUPLICATE, SID_EMPTY, SID_INVALID, SIZE_INLINE_QUOTA, SIZE_QUOTA, STATEMENT_MISSING,
        TYPE, UNKNOWN_ACTION, UNKNOWN_ELEMENT, UNKNOWN_SERVICE, UNRELATED_SERVICE,
        VARIABLE_NEEDS_VERSION, VERSION_INVALID, VERSION_MISSING, VERSION_OLD,
    };
}

/// Identity policy (attached to a user or role; no `Principal`) or bucket
/// policy (attached to the bucket; every statement has a `Principal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    Identity,
    Bucket,
}

impl PolicyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Bucket => "bucket",
        }
    }
}

/// A problem with one generator input: which field, a stable code, and one
/// sentence saying what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// `bucket`, `base_path`, `kms_key_arn`, `principal`, `user_name`,
    /// `policy_name`, `policy_file`, `client`, `project_id`,
    /// `service_account`, `key_file`, `container`, `account`.
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}
