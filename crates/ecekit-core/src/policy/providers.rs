//! Access for the two other providers: the GCS role a service account needs
//! on the bucket, and the Azure SAS permissions (or role), each as text and
//! as the `gcloud` / `az` commands that grant them.
//!
//! Sources: Elasticsearch `repository-gcs` (`GoogleCloudStorageBlobStore`:
//! it lists, reads, writes and deletes objects and never reads bucket
//! metadata), the ES docs (bucket role "Writer"), the ECE docs
//! (`storage.admin`, broader than needed); ES `azure-repository-settings`
//! docs (SAS: permissions r, w, l, d; service b; resource types s, c, o).

use super::generate::sh;
use super::names;
use super::FieldError;

/// The predefined GCS role to grant on the bucket: object read, write,
/// list and delete, and no control over IAM or the bucket itself.
pub const GCS_ROLE: &str = "roles/storage.objectUser";
pub const GCS_ROLE_TITLE: &str = "Storage Object User";
/// The permissions a snapshot repository uses (a custom role with exactly these is the strict minimum).
pub const GCS_PERMISSIONS: [&str; 4] = [
    "storage.objects.create",
    "storage.objects.delete",
    "storage.objects.get",
    "storage.objects.list",
];

/// SAS token settings Elasticsearch needs (ES docs).
pub const AZURE_SAS_SERVICES: &str = "b";
pub const AZURE_SAS_RESOURCE_TYPES: &str = "sco";
pub const AZURE_SAS_PERMISSIONS: &str = "rwdl";
/// The Azure RBAC role for Managed Identity / Workload Identity, scoped to the container.
pub const AZURE_ROLE: &str = "Storage Blob Data Contributor";

/// Inputs for the GCS text and commands. Empty strings count as absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcsOptions {
    pub bucket: String,
    /// The GCP project of the service account (needed for the commands).
    pub project_id: Option<String>,
    /// The service account id (before `@`).
    pub service_account: String,
    /// The keystore client (`gcs.client.<client>.credentials_file`).
    pub client: String,
    /// The file the service-account key is written to.
    pub key_file: String,
    pub base_path: Option<String>,
}

impl Default for GcsOptions {
    fn default() -> Self {
        GcsOptions {
            bucket: String::new(),
            project_id: None,
            service_account: "elasticsearch-snapshots".into(),
            client: "default".into(),
            key_file: "elasticsearch-snapshots-key.json".into(),
            base_path: None,
        }
    }
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn file_problem(file: &str) -> Option<String> {
    if file.is_empty() {
        return Some("the key file name is empty".into());
    }
    file.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_./".contains(*c)))
        .map(|c| {
            format!(
                "the key file name holds letters, digits, '-', '_', '.' and '/' only; '{}' is not allowed",
                c.escape_default()
            )
        })
}

fn check_gcs(opts: &GcsOptions, need_project: bool) -> Result<Option<String>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let bucket = opts.bucket.trim();
    if bucket.is_empty() {
        errors.push(FieldError::new(
            "bucket",
            "POLICY_INPUT_BUCKET",
            "the bucket name is required",
        ));
    } else if let Some(p) = names::gcs_bucket_name_problem(bucket) {
        errors.push(FieldError::new("bucket", "POLICY_INPUT_BUCKET", p));
    }
    match present(&opts.project_id) {
        None if need_project => errors.push(FieldError::new(
            "project_id",
            "POLICY_INPUT_PROJECT",
            "the GCP project id is required for the gcloud commands",
        )),
        Some(p) => {
            if let Some(problem) = names::gcp_project_id_problem(p) {
                errors.push(FieldError::new(
                    "project_id",
                    "POLICY_INPUT_PROJECT",
                    problem,
                ));
            }
        }
        None => {}
    }
    if let Some(p) = names::gcp_service_account_problem(&opts.service_account) {
        errors.push(FieldError::new(
            "service_account",
            "POLICY_INPUT_SERVICE_ACCOUNT",
            p,
        ));
    }
    if let Some(p) = names::client_name_problem(&opts.client) {
        errors.push(FieldError::new("client", "POLICY_INPUT_CLIENT", p));
    }
    if let Some(p) = file_problem(&opts.key_file) {
        errors.push(FieldError::new("key_file", "POLICY_INPUT_KEY_FILE", p));
    }
    let base_path = match present(&opts.base_path).map(names::normalize_base_path) {
        Some(Err(e)) => {
            errors.push(FieldError::new("base_path", "POLICY_INPUT_BASE_PATH", e));
            None
        }
        Some(Ok(p)) => p,
        None => None,
    };
    if errors.is_empty() {
        Ok(base_path)
    } else {
        Err(errors)
    }
}

/// What to grant on a GCS bucket, as text.
pub fn gcs_permissions(opts: &GcsOptions) -> Result<String, Vec<FieldError>> {
    let base_path = check_gcs(opts, false)?;
    let bucket = opts.bucket.trim();
    let account = match present(&opts.project_id) {
        Some(p) => format!("{}@{p}.iam.gserviceaccount.com", opts.service_account),
        None => format!(
            "{}@PROJECT_ID.iam.gserviceaccount.com",
            opts.service_account
        ),
    };
    let mut text = format!(
        "Google Cloud Storage: grant the service account {account} the role {GCS_ROLE_TITLE} ({GCS_ROLE}) on the bucket gs://{bucket} only, not on the project.\n\
\n\
A snapshot repository lists, reads, writes and deletes objects; it never changes the bucket or its IAM policy. The role holds the permissions it uses:\n"
    );
    for p in GCS_PERMISSIONS {
        text.push_str("  ");
        text.push_str(p);
        text.push('\n');
    }
    text.push_str(&format!(
        "(plus object update/restore and multipart-upload permissions). A custom role with exactly the four permissions above is the strict minimum.\n\
\n\
Broader roles seen in Elastic's docs work but grant more than needed: roles/storage.admin (ECE docs) also lets the key delete or reconfigure buckets across the project; roles/storage.objectAdmin adds control over object ACLs and IAM.\n\
\n\
The service account's JSON key is a secret: it goes into the Elasticsearch keystore as gcs.client.{}.credentials_file (a file setting: as_file true), never into the repository settings.\n",
        opts.client
    ));
    if let Some(path) = base_path {
        text.push_str(&format!(
            "\nA bucket-level role covers the whole bucket, base path \"{path}\" included: keep one bucket per cluster so that the key cannot touch other data.\n"
        ));
    }
    Ok(text)
}

/// The `gcloud` commands: create the service account, grant the role on
/// the bucket only, create the key file, build the keystore body, delete the key file.
pub fn gcs_commands(opts: &GcsOptions) -> Result<Vec<String>, Vec<FieldError>> {
    check_gcs(opts, true)?;
    let bucket = opts.bucket.trim();
    let project = present(&opts.project_id).unwrap_or_default();
    let sa = &opts.service_account;
    let email = format!("{sa}@{project}.iam.gserviceaccount.com");
    let key = sh(&opts.key_file);
    let client = &opts.client;
    Ok(vec![
        format!(
            "gcloud iam service-accounts create {} --project={} --display-name='Elasticsearch snapshots'",
            sh(sa),
            sh(project)
        ),
        "# Grant the role on the bucket only (not on the project).".to_string(),
        format!(
            "gcloud storage buckets add-iam-policy-binding gs://{} --member=serviceAccount:{} --role={GCS_ROLE}",
            sh(bucket),
            sh(&email)
        ),
        format!(
            "# The key file is a secret: it goes into the Elasticsearch keystore (gcs.client.{client}.credentials_file), never into the repository settings."
        ),
        format!(
            "gcloud iam service-accounts keys create {key} --iam-account={}",
            sh(&email)
        ),
        "# Build the keystore PATCH body (pipe it to `ecekit curl keystore-set ... --body -`), then delete the local key file.".to_string(),
        format!("ecekit keystore --secret gcs.client.{client}.credentials_file=file:{key}"),
        format!("rm -f {key}"),
    ])
}

/// Inputs for the Azure text and commands. Empty strings count as absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureOptions {
    pub container: String,
    /// The storage account (needed for the commands).
    pub account: Option<String>,
    /// The keystore client (`azure.client.<client>.sas_token`).
    pub client: String,
    pub base_path: Option<String>,
}

impl Default for AzureOptions {
    fn default() -> Self {
        AzureOptions {
            container: "elasticsearch-snapshots".into(),
            account: None,
            client: "default".into(),
            base_path: None,
        }
    }
}

fn check_azure(opts: &AzureOptions, need_account: bool) -> Result<Option<String>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let container = opts.container.trim();
    if container.is_empty() {
        errors.push(FieldError::new(
            "container",
            "POLICY_INPUT_CONTAINER",
            "the container name is required",
        ));
    } else if let Some(p) = names::azure_container_name_problem(container) {
        errors.push(FieldError::new("container", "POLICY_INPUT_CONTAINER", p));
    }
    match present(&opts.account) {
        None if need_account => errors.push(FieldError::new(
            "account",
            "POLICY_INPUT_ACCOUNT",
            "the storage account name is required for the az commands",
        )),
        Some(a) => {
            if let Some(p) = names::azure_account_name_problem(a) {
                errors.push(FieldError::new("account", "POLICY_INPUT_ACCOUNT", p));
            }
        }
        None => {}
    }
    if let Some(p) = names::client_name_problem(&opts.client) {
        errors.push(FieldError::new("client", "POLICY_INPUT_CLIENT", p));
    }
    let base_path = match present(&opts.base_path).map(names::normalize_base_path) {
        Some(Err(e)) => {
            errors.push(FieldError::new("base_path", "POLICY_INPUT_BASE_PATH", e));
            None
        }
        Some(Ok(p)) => p,
        None => None,
    };
    if errors.is_empty() {
        Ok(base_path)
    } else {
        Err(errors)
    }
}

/// What to grant for an Azure container, as text.
pub fn azure_permissions(opts: &AzureOptions) -> Result<String, Vec<FieldError>> {
    let base_path = check_azure(opts, false)?;
    let container = opts.container.trim();
    let account = present(&opts.account).unwrap_or("ACCOUNT");
    let client = &opts.client;
    let mut text = format!(
        "Azure Blob Storage (account {account}, container {container}): Elasticsearch authenticates with a SAS token or the account key, stored in the Elasticsearch keystore as azure.client.{client}.sas_token or azure.client.{client}.key (never both, and never in the repository settings), next to azure.client.{client}.account.\n\
\n\
A SAS token for a snapshot repository needs:\n\
\x20 allowed services:       {AZURE_SAS_SERVICES} (blob)\n\
\x20 allowed resource types: s, c, o (service, container, object)\n\
\x20 permissions:            r, w, d, l (read, write, delete, list)\n\
\x20 protocol:               HTTPS only\n\
\x20 expiry:                 a date you will renew before: once it passes, snapshots fail until a new token is in the keystore (then POST _nodes/reload_secure_settings).\n\
\n\
The account key works too but opens every container of the account: prefer the SAS token.\n\
With Managed Identity or Workload Identity (no secret in the keystore), assign the role {AZURE_ROLE} scoped to the container {container} only.\n"
    );
    if let Some(path) = base_path {
        text.push_str(&format!(
            "\nAn account SAS covers the whole account, base path \"{path}\" included: keep one container per cluster.\n"
        ));
    }
    Ok(text)
}

/// The `az` commands: create the container, make a SAS token with exactly
/// the permissions above (read straight into a variable, never printed),
/// and build the keystore body.
pub fn azure_commands(opts: &AzureOptions) -> Result<Vec<String>, Vec<FieldError>> {
    check_azure(opts, true)?;
    let container = sh(opts.container.trim());
    let account = sh(present(&opts.account).unwrap_or_default());
    let client = &opts.client;
    Ok(vec![
        "# Create the container if it does not exist yet.".to_string(),
        format!("az storage container create --name {container} --account-name {account} --auth-mode login"),
        "# The token expires: renew it before this date. GNU date; on macOS: date -u -v+1y '+%Y-%m-%dT%H:%MZ'".to_string(),
        "SAS_EXPIRY=$(date -u -d '+1 year' '+%Y-%m-%dT%H:%MZ')".to_string(),
        format!("# The SAS token is a secret: it goes into the Elasticsearch keystore (azure.client.{client}.sas_token), never into the repository settings."),
        format!(
            "ES_AZURE_SAS_TOKEN=$(az storage account generate-sas --account-name {account} --services {AZURE_SAS_SERVICES} --resource-types {AZURE_SAS_RESOURCE_TYPES} --permissions {AZURE_SAS_PERMISSIONS} --expiry \"$SAS_EXPIRY\" --https-only --output tsv)"
        ),
        format!("ES_AZURE_ACCOUNT={account}"),
        "export ES_AZURE_ACCOUNT ES_AZURE_SAS_TOKEN".to_string(),
        "# Build the keystore PATCH body (pipe it to `ecekit curl keystore-set ... --body -`), then forget the token.".to_string(),
        format!(
            "ecekit keystore --secret azure.client.{client}.account=env:ES_AZURE_ACCOUNT --secret azure.client.{client}.sas_token=env:ES_AZURE_SAS_TOKEN"
        ),
        "unset ES_AZURE_SAS_TOKEN".to_string(),
    ])
}
