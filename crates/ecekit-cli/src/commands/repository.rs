//! `ecekit repository`: prints a snapshot repository body, typed by the
//! settings catalog, after checking it.

use super::keystore::{
    check_not_empty, finding_line, literal_refused, parse_source, read_source, strip_one_newline,
};
use crate::CliError;
use ecekit_core::catalog::{self, REPOSITORY_TYPES};
use ecekit_core::repository::{self, RepositorySpec};
use ecekit_core::{json, Platform, Severity, ValidateOptions};

const AFTER_HELP: &str = "\
Examples:
  # S3 (or MinIO) repository using the keystore client `default`
  ecekit repository --type s3 --name my-snapshots --bucket my-snapshots-bucket --client default

  # GCS repository with a larger chunk size, for a self-managed cluster
  ecekit repository --type gcs --name gcs-snapshots --bucket acme-snaps \\
    --setting chunk_size=1gb --setting compress=true --platform self-managed

  # Azure: --bucket names the container
  ecekit repository --type azure --name azure-snapshots --bucket snapshots --client secondary

  # Shared file system (self-managed)
  ecekit repository --type fs --name nfs --setting location=/mnt/backups --platform self-managed

  # ECE platform-level S3 repository: the keys belong in its settings, read from
  # env:VAR, file:PATH or stdin (never from the command line)
  ecekit repository --type s3 --name ece-snapshots --platform-repository --bucket ece-snapshots \\
    --setting region=us-east-1 --setting access_key=env:AWS_ACCESS_KEY_ID \\
    --setting secret_key=env:AWS_SECRET_ACCESS_KEY

Values are typed from the settings catalog: booleans and whole numbers become
JSON true/false/numbers, byte sizes (5mb) and times (30s) stay strings.
Credentials (access_key, secret_key, session_token, key, sas_token,
credentials_file) belong in the keystore (`ecekit keystore`), except on an ECE
platform-level S3 repository.

The body goes to stdout; findings go to stderr. Exit codes: 0 body printed
(warnings allowed), 2 usage or I/O error, or the body has errors (nothing printed).";

#[derive(Clone, Copy, clap::ValueEnum)]
enum PlatformArg {
    Ece,
    Ess,
    SelfManaged,
}

impl From<PlatformArg> for Platform {
    fn from(p: PlatformArg) -> Platform {
        match p {
            PlatformArg::Ece => Platform::Ece,
            PlatformArg::Ess => Platform::Ess,
            PlatformArg::SelfManaged => Platform::SelfManaged,
        }
    }
}

/// Write a snapshot repository body (PUT _snapshot/<name>, or an ECE platform repository)
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Repository type
    #[arg(long = "type", value_name = "TYPE", value_parser = clap::builder::PossibleValuesParser::new(REPOSITORY_TYPES))]
    repo_type: String,

    /// Repository name (as in PUT _snapshot/<name>)
    #[arg(long, value_name = "NAME")]
    name: String,

    /// Bucket (s3, gcs) or container (azure)
    #[arg(long, value_name = "BUCKET")]
    bucket: Option<String>,

    /// Client whose keystore credentials the repository uses (s3, gcs, azure)
    #[arg(long, value_name = "CLIENT")]
    client: Option<String>,

    /// Folder inside the bucket (leave it out on ECE: ECE sets it)
    #[arg(long = "base-path", value_name = "PATH")]
    base_path: Option<String>,

    /// Any other repository setting, e.g. chunk_size=1gb (repeatable)
    #[arg(long = "setting", value_name = "KEY=VALUE")]
    settings: Vec<String>,

    /// Where the repository is registered; some rules depend on it (ECE sets base_path itself)
    #[arg(long, value_enum, value_name = "PLATFORM")]
    platform: Option<PlatformArg>,

    /// An ECE platform-level repository (/platform/configuration/snapshots/repositories/<name>)
    #[arg(long = "platform-repository")]
    platform_repository: bool,

    /// Accept an empty key read from a source (refused otherwise: it would
    /// replace the stored key with a blank)
    #[arg(long)]
    allow_empty: bool,
}

pub fn run(args: Args) -> Result<u8, CliError> {
    let ty = args.repo_type.as_str();
    let platform: Option<Platform> = match (args.platform, args.platform_repository) {
        (Some(PlatformArg::Ece) | None, true) => Some(Platform::Ece),
        (Some(_), true) => {
            return Err(CliError(
                "--platform-repository is an ECE feature: use it with --platform ece (or without --platform)".into(),
            ))
        }
        (p, false) => p.map(Platform::from),
    };
    let mut spec = RepositorySpec::new(ty, args.name.clone());
    let mut given: Vec<String> = Vec::new();
    let mut add =
        |spec: &mut RepositorySpec, key: &str, value: String, flag: &str| -> Result<(), CliError> {
            if given.iter().any(|k| k == key) {
                return Err(CliError(format!(
                    "`{key}` is given more than once ({flag}): give each setting once"
                )));
            }
            given.push(key.to_string());
            spec.set(key, value);
            Ok(())
        };

    if let Some(bucket) = args.bucket {
        let key = if ty == "azure" { "container" } else { "bucket" };
        if catalog::repository_setting(ty, key).is_none() {
            return Err(CliError(format!(
                "--bucket applies to s3, gcs and azure (container) repositories, not to `{ty}` ones{}",
                if ty == "fs" { "; give the folder with --setting location=PATH" } else { "" }
            )));
        }
        add(&mut spec, key, bucket, "--bucket")?;
    }
    for (flag, key, value) in [
        ("--client", "client", args.client),
        ("--base-path", "base_path", args.base_path),
    ] {
        if let Some(value) = value {
            if catalog::repository_setting(ty, key).is_none() {
                return Err(CliError(format!(
                    "{flag} does not apply to `{ty}` repositories"
                )));
            }
            add(&mut spec, key, value, flag)?;
        }
    }

    let rules = catalog::catalog();
    let mut stdin_used = false;
    for s in &args.settings {
        let Some((key, value)) = s.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(CliError(format!(
                "--setting expects KEY=VALUE, e.g. --setting chunk_size=1gb; got `{}`",
                s.split('=').next().unwrap_or_default()
            )));
        };
        let value = if let Some(provider) = rules.secret_repository_settings.get(key) {
            let platform_key = args.platform_repository
                && repository::platform_required_settings(ty)
                    .iter()
                    .any(|k| k == key);
            if !platform_key {
                return Err(CliError(format!(
                    "--setting {key}=...: credentials do not belong in repository settings (they would be stored in clear text in the cluster state); put it in the keystore instead: ecekit keystore --secret {}.client.{}.{key}=env:VAR",
                    provider.as_str(),
                    spec.settings.iter().find(|(k, _)| k == "client").map_or("default", |(_, v)| v.as_str()),
                )));
            }
            let Some(source) = parse_source(value) else {
                return Err(literal_refused("--setting", key));
            };
            let value = strip_one_newline_if_stream(read_source(&source, key, &mut stdin_used)?);
            check_not_empty(&value, key, &source, args.allow_empty)?;
            value
        } else {
            value.to_string()
        };
        add(&mut spec, key, value, "--setting")?;
    }

    let text = if args.platform_repository {
        repository::platform_body(&spec)
    } else {
        repository::body(&spec)
    };
    let opts = ValidateOptions {
        platform,
        repository_name: Some(args.name.clone()),
        platform_repository: args.platform_repository,
    };
    let doc = json::parse(&text);
    let mut findings = doc.findings.clone();
    findings.extend(repository::validate(&doc, &opts));
    ecekit_core::finding::sort(&mut findings);
    let mut errors = 0;
    for f in &findings {
        if f.severity == Severity::Error {
            errors += 1;
        }
        super::eprint_line(&finding_line(f));
    }
    if errors > 0 {
        return Err(CliError(format!(
            "the repository body has {errors} error{} (listed above), so it was not printed",
            if errors == 1 { "" } else { "s" }
        )));
    }
    print!("{text}");
    super::end_line_on_terminal(&text);
    let name = &args.name;
    if args.platform_repository {
        super::eprint_line(&format!("note: PUT this body to /api/v1/platform/configuration/snapshots/repositories/{name} on the ECE coordinator."));
    } else {
        let via = match platform {
            Some(Platform::Ece) => {
                " (on ECE through the deployment proxy, with `X-Management-Request: true`)"
            }
            _ => "",
        };
        super::eprint_line(&format!("note: register it with `PUT _snapshot/{name}`{via}, then check it with `POST _snapshot/{name}/_verify`."));
    }
    Ok(0)
}

fn strip_one_newline_if_stream(read: super::keystore::SourceValue) -> String {
    if read.from_stream {
        strip_one_newline(read.text)
    } else {
        read.text
    }
}
