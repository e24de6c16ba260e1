//! `ecekit policy`: prints the least-privilege access policy for one
//! snapshot bucket (AWS IAM identity or bucket policy; GCS role; Azure SAS
//! permissions), or with `--commands` the aws / gcloud / az commands that
//! grant it.

use crate::CliError;
use ecekit_core::policy::{
    self, AwsCliOptions, AzureOptions, FieldError, GcsOptions, Partition, PolicyOptions,
};
use ecekit_core::Provider;
use std::io::Write;

const AFTER_HELP: &str = "\
Examples:
  # IAM identity policy for the bucket, to attach to the snapshot user
  ecekit policy --bucket snaps.example.com > snapshot-policy.json

  # Only under one base path, for a bucket encrypted with SSE-KMS
  ecekit policy --bucket snaps.example.com --base-path prod/cluster-1 \\
    --kms-key-arn arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab

  # Bucket policy granting an IAM role (instead of an identity policy)
  ecekit policy --bucket snaps.example.com --bucket-policy \\
    --principal arn:aws:iam::111122223333:role/es-snapshots

  # The AWS CLI commands: create the user, attach the policy, make the key
  ecekit policy --bucket snaps.example.com --commands > setup.sh

  # Google Cloud Storage: the role to grant, then the gcloud commands
  ecekit policy --provider gcs --bucket acme-snapshots
  ecekit policy --provider gcs --bucket acme-snapshots --project acme-prod --commands

  # Azure: the SAS permissions, then the az commands (--bucket is the container)
  ecekit policy --provider azure --bucket es-snapshots --account acmesnaps --commands

The policy (or the text, or the commands) goes to stdout; notes go to stderr.
The generated policy validates clean with `ecekit validate --kind policy`.
Exit codes: 0 printed, 2 usage error (one line on stderr).";

/// Write the least-privilege access policy for one snapshot bucket.
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The snapshot bucket (for --provider azure: the container)
    #[arg(long, value_name = "BUCKET")]
    bucket: Option<String>,

    /// Limit access to this path in the bucket (the repository's base_path)
    #[arg(long, value_name = "PATH")]
    base_path: Option<String>,

    /// s3 (default), gcs or azure
    #[arg(long, value_name = "PROVIDER", default_value = "s3")]
    provider: String,

    /// s3: the bucket's SSE-KMS key; adds kms:GenerateDataKey and kms:Decrypt on it
    #[arg(long, value_name = "ARN")]
    kms_key_arn: Option<String>,

    /// s3: write a bucket policy (needs --principal) instead of an identity policy
    #[arg(long)]
    bucket_policy: bool,

    /// s3, with --bucket-policy: the IAM user or role ARN (or account id) to grant
    #[arg(long, value_name = "ARN")]
    principal: Option<String>,

    /// s3: the AWS partition of the ARNs: aws (default), aws-cn or aws-us-gov
    #[arg(long, value_name = "PARTITION", default_value = "aws")]
    partition: String,

    /// Print the commands that set up access (aws, gcloud or az) instead
    #[arg(long)]
    commands: bool,

    /// With --commands, s3: the IAM user to create
    #[arg(long, value_name = "NAME")]
    user_name: Option<String>,

    /// With --commands, s3: the inline policy name (default: elasticsearch-snapshots-BUCKET)
    #[arg(long, value_name = "NAME")]
    policy_name: Option<String>,

    /// With --commands, s3: the file the policy is written to
    #[arg(long, value_name = "FILE")]
    policy_file: Option<String>,

    /// With --commands: the keystore client name (s3.client.CLIENT..., default: default)
    #[arg(long, value_name = "CLIENT")]
    client: Option<String>,

    /// gcs: the GCP project of the service account (needed with --commands)
    #[arg(long, value_name = "PROJECT_ID")]
    project: Option<String>,

    /// gcs: the service account id to create (default: elasticsearch-snapshots)
    #[arg(long, value_name = "ID")]
    service_account: Option<String>,

    /// gcs, with --commands: the file the service-account key is written to
    #[arg(long, value_name = "FILE")]
    key_file: Option<String>,

    /// azure: the storage account (needed with --commands)
    #[arg(long, value_name = "NAME")]
    account: Option<String>,

    /// Do not print the notes on stderr
    #[arg(long, short)]
    quiet: bool,
}

/// The command-line flag for a generator field, for error messages.
fn flag(field: &str) -> &'static str {
    match field {
        "bucket" | "container" => "--bucket",
        "base_path" => "--base-path",
        "kms_key_arn" => "--kms-key-arn",
        "principal" => "--principal",
        "user_name" => "--user-name",
        "policy_name" => "--policy-name",
        "policy_file" => "--policy-file",
        "client" => "--client",
        "project_id" => "--project",
        "service_account" => "--service-account",
        "key_file" => "--key-file",
        "account" => "--account",
        _ => "--bucket",
    }
}

/// All input errors on one line.
fn input_error(errors: Vec<FieldError>) -> CliError {
    let parts: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", flag(e.field), e.message))
        .collect();
    CliError(parts.join("; "))
}

/// Rejects the flags that do not apply to `provider`.
fn only_for(args: &Args, provider: Provider) -> Result<(), CliError> {
    let s3_only: [(&str, bool); 7] = [
        ("--kms-key-arn", args.kms_key_arn.is_some()),
        ("--bucket-policy", args.bucket_policy),
        ("--principal", args.principal.is_some()),
        ("--partition", args.partition != "aws"),
        ("--user-name", args.user_name.is_some()),
        ("--policy-name", args.policy_name.is_some()),
        ("--policy-file", args.policy_file.is_some()),
    ];
    let gcs_only = [
        ("--project", args.project.is_some()),
        ("--service-account", args.service_account.is_some()),
        ("--key-file", args.key_file.is_some()),
    ];
    let azure_only = [("--account", args.account.is_some())];
    let check = |list: &[(&str, bool)], owner: &str| -> Result<(), CliError> {
        match list.iter().find(|(_, set)| *set) {
            Some((name, _)) => Err(CliError(format!(
                "{name} applies to --provider {owner} only (this is --provider {})",
                provider.as_str()
            ))),
            None => Ok(()),
        }
    };
    if provider != Provider::S3 {
        check(&s3_only, "s3")?;
    }
    if provider != Provider::Gcs {
        check(&gcs_only, "gcs")?;
    }
    if provider != Provider::Azure {
        check(&azure_only, "azure")?;
    }
    if !args.commands {
        let commands_only = [
            ("--user-name", args.user_name.is_some()),
            ("--policy-name", args.policy_name.is_some()),
            ("--policy-file", args.policy_file.is_some()),
            ("--key-file", args.key_file.is_some()),
        ];
        if let Some((name, _)) = commands_only.iter().find(|(_, set)| *set) {
            return Err(CliError(format!(
                "{name} names something the setup commands create: add --commands"
            )));
        }
    }
    Ok(())
}

pub fn run(args: Args) -> Result<u8, CliError> {
    let provider = Provider::parse(args.provider.trim()).ok_or_else(|| {
        CliError(format!(
            "--provider {}: expected s3, gcs or azure",
            args.provider
        ))
    })?;
    let bucket = match args.bucket.as_deref().map(str::trim) {
        Some(b) if !b.is_empty() => b.to_string(),
        _ => {
            return Err(CliError(match provider {
                Provider::Azure => "--bucket is required: the Azure container that holds the snapshots (e.g. --bucket es-snapshots)".into(),
                _ => "--bucket is required: the snapshot bucket (e.g. --bucket snaps.example.com)".into(),
            }))
        }
    };
    only_for(&args, provider)?;
    let output = match provider {
        Provider::S3 => s3(&args, bucket)?,
        Provider::Gcs => gcs(&args, bucket)?,
        Provider::Azure => azure(&args, bucket)?,
    };
    let mut text = output.text;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => {}
        // The reader went away (`| head`): nothing more to say.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(0),
        Err(e) => return Err(CliError(format!("cannot write the output: {e}"))),
    }
    if !args.quiet {
        for note in output.notes {
            super::eprint_line(&format!("ecekit: note: {note}"));
        }
    }
    Ok(0)
}

struct Output {
    text: String,
    notes: Vec<String>,
}

fn s3(args: &Args, bucket: String) -> Result<Output, CliError> {
    let partition = Partition::parse(args.partition.trim()).ok_or_else(|| {
        CliError(format!(
            "--partition {}: expected aws, aws-cn or aws-us-gov",
            args.partition
        ))
    })?;
    let principal = match (args.bucket_policy, &args.principal) {
        (true, Some(p)) => Some(p.clone()),
        (true, None) => {
            return Err(CliError(
                "--bucket-policy needs --principal ARN: the IAM user or role the bucket policy grants (e.g. arn:aws:iam::111122223333:user/es-snapshots)".into(),
            ))
        }
        (false, Some(_)) => {
            return Err(CliError(
                "--principal is for a bucket policy: add --bucket-policy (an identity policy has no principal; it is attached to the user)".into(),
            ))
        }
        (false, None) => None,
    };
    let opts = PolicyOptions {
        bucket,
        base_path: args.base_path.clone(),
        kms_key_arn: args.kms_key_arn.clone(),
        bucket_policy_principal: principal,
        partition,
    };
    if args.commands {
        let defaults = AwsCliOptions::default();
        let cli = AwsCliOptions {
            user_name: args.user_name.clone().unwrap_or(defaults.user_name),
            policy_name: args.policy_name.clone().unwrap_or(defaults.policy_name),
            policy_file: args.policy_file.clone().unwrap_or(defaults.policy_file),
            client: args.client.clone().unwrap_or(defaults.client),
        };
        let lines = policy::aws_commands(&opts, &cli).map_err(input_error)?;
        return Ok(Output {
            text: lines.join("\n"),
            notes: Vec::new(),
        });
    }
    if args.client.is_some() {
        return Err(CliError(
            "--client names the keystore client in the setup commands: add --commands".into(),
        ));
    }
    let generated = policy::generate(&opts).map_err(input_error)?;
    Ok(Output {
        text: generated.json,
        notes: generated.notes,
    })
}

fn gcs(args: &Args, bucket: String) -> Result<Output, CliError> {
    let defaults = GcsOptions::default();
    let opts = GcsOptions {
        bucket,
        project_id: args.project.clone(),
        service_account: args
            .service_account
            .clone()
            .unwrap_or(defaults.service_account),
        client: args.client.clone().unwrap_or(defaults.client),
        key_file: args.key_file.clone().unwrap_or(defaults.key_file),
        base_path: args.base_path.clone(),
    };
    let text = if args.commands {
        policy::gcs_commands(&opts)
            .map(|l| l.join("\n"))
            .map_err(input_error)?
    } else {
        policy::gcs_permissions(&opts).map_err(input_error)?
    };
    Ok(Output {
        text,
        notes: Vec::new(),
    })
}

fn azure(args: &Args, container: String) -> Result<Output, CliError> {
    let defaults = AzureOptions::default();
    let opts = AzureOptions {
        container,
        account: args.account.clone(),
        client: args.client.clone().unwrap_or(defaults.client),
        base_path: args.base_path.clone(),
    };
    let text = if args.commands {
        policy::azure_commands(&opts)
            .map(|l| l.join("\n"))
            .map_err(input_error)?
    } else {
        policy::azure_permissions(&opts).map_err(input_error)?
    };
    Ok(Output {
        text,
        notes: Vec::new(),
    })
}
