//! `ecekit curl`: prints the command that sends one request (curl for bash or
//! PowerShell, or the Kibana console, ecctl or Terraform form). Credentials
//! are always variables ($ECE_API_KEY, $EC_API_KEY, $ELASTIC_API_KEY); a body
//! read with --body is embedded exactly, in a quoted heredoc.

use crate::input::read_text;
use crate::CliError;
use ecekit_core::api::{build_request, Auth, NoteLevel, Operation, RequestSpec, Target};
use ecekit_core::render::{self, Format, RenderOptions};

const AFTER_HELP: &str = "\
Targets:
  ece   an ECE coordinator: https://$COORDINATOR_HOST:12443/api/v1 (or --coordinator);
        Elasticsearch requests go through the deployment proxy with
        X-Management-Request: true. Key: $ECE_API_KEY (bearer: $ECE_TOKEN).
  ess   the Elastic Cloud API, https://api.elastic-cloud.com. Key: $EC_API_KEY.
        It has no proxy: repository and reload requests are given for the
        deployment's Elasticsearch endpoint instead, with a note saying so.
  es    an Elasticsearch endpoint: $ELASTICSEARCH_URL (or --endpoint).
        Key: $ELASTIC_API_KEY (bearer: $ELASTIC_TOKEN).
IDs not given stay variables ($DEPLOYMENT_ID, $REF_ID): set them before running.
A body (keystore-set, repository-put, platform-repository-put, login) comes from
--body FILE or --body - (stdin) and is sent byte for byte (a final newline is
added when missing); it is never taken from the command line.

Examples:
  # Store S3 credentials through the ECE API
  ecekit keystore --secret s3.client.default.access_key=env:AWS_ACCESS_KEY_ID \\
                  --secret s3.client.default.secret_key=env:AWS_SECRET_ACCESS_KEY \\
    | ecekit curl keystore-set --target ece --body - > keystore-set.sh

  # Reload, register and verify through the ECE proxy, trusting the ECE CA
  ecekit curl reload-secure-settings --target ece --cacert
  ecekit curl repository-put --target ece --repository s3-repo --body repo.json \\
    --deployment-id 0123456789abcdef0123456789abcdef --ref-id main-elasticsearch
  ecekit curl repository-verify --target ece --repository s3-repo

  # Elastic Cloud keystore, then the repository on the Elasticsearch endpoint
  ecekit curl keystore-set --target ess --body body.json
  ecekit curl repository-put --target es --endpoint https://my.es.example:9243 \\
    --repository s3-repo --body repo.json

  # PowerShell, Kibana Dev Tools, ecctl, Terraform
  ecekit curl keystore-get --target ece --shell powershell
  ecekit curl repository-put --target ece --repository s3-repo --body repo.json --as console
  ecekit curl keystore-set --target ess --body body.json --as ecctl
  ecekit curl keystore-set --target ess --body body.json --as terraform

The command goes to stdout; notes go to stderr. Exit codes: 0 printed,
2 usage error, missing input or unreadable body.";

/// The operations, as the CLI names them.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Op {
    KeystoreSet,
    KeystoreGet,
    RepositoryPut,
    RepositoryVerify,
    ReloadSecureSettings,
    Login,
    PlatformRepositoryPut,
    DeploymentsList,
    DeploymentGet,
}

impl Op {
    fn operation(self) -> Operation {
        match self {
            Op::KeystoreSet => Operation::KeystoreSet,
            Op::KeystoreGet => Operation::KeystoreGet,
            Op::RepositoryPut => Operation::RepositoryPut,
            Op::RepositoryVerify => Operation::RepositoryVerify,
            Op::ReloadSecureSettings => Operation::ReloadSecureSettings,
            Op::Login => Operation::Login,
            Op::PlatformRepositoryPut => Operation::PlatformRepositoryPut,
            Op::DeploymentsList => Operation::DeploymentsList,
            Op::DeploymentGet => Operation::DeploymentGet,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TargetArg {
    Ece,
    Ess,
    Es,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum AuthArg {
    Apikey,
    Bearer,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ShellArg {
    Bash,
    Powershell,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum AsArg {
    Curl,
    Console,
    Ecctl,
    Terraform,
}

/// Print the command for one request (curl for bash or PowerShell; Kibana console, ecctl, Terraform)
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// What to do
    #[arg(value_enum, value_name = "OPERATION")]
    operation: Op,

    /// Where the request goes
    #[arg(long, value_enum)]
    target: TargetArg,

    /// The deployment id (default: $DEPLOYMENT_ID)
    #[arg(long, value_name = "ID")]
    deployment_id: Option<String>,

    /// The Elasticsearch resource's ref_id, e.g. main-elasticsearch (default: $REF_ID)
    #[arg(long, value_name = "REF")]
    ref_id: Option<String>,

    /// The snapshot repository name (repository-put, repository-verify, platform-repository-put)
    #[arg(long, value_name = "NAME")]
    repository: Option<String>,

    /// The body to send: a file, or - for stdin
    #[arg(long, value_name = "FILE|-")]
    body: Option<String>,

    /// How to authenticate: an API key, or a bearer token
    #[arg(long, value_enum, default_value = "apikey")]
    auth: AuthArg,

    /// The shell of the curl command
    #[arg(long, value_enum, default_value = "bash")]
    shell: ShellArg,

    /// The form of the output
    #[arg(long = "as", value_enum, default_value = "curl", value_name = "FORM")]
    output: AsArg,

    /// Skip TLS verification (-k); prefer --cacert
    #[arg(long, conflicts_with = "cacert")]
    insecure: bool,

    /// Trust this CA certificate; without PATH, $ECE_CA_CERT (or $ELASTICSEARCH_CA_CERT for es)
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "")]
    cacert: Option<String>,

    /// The ECE coordinator: host, host:port or URL (default: https://$COORDINATOR_HOST:12443)
    #[arg(long, value_name = "URL")]
    coordinator: Option<String>,

    /// The Elasticsearch endpoint URL for --target es (default: $ELASTICSEARCH_URL)
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
}

pub fn run(args: Args) -> Result<u8, CliError> {
    let operation = args.operation.operation();
    let target = match args.target {
        TargetArg::Ece => {
            if args.endpoint.is_some() {
                return Err(CliError(
                    "--endpoint is for --target es; an ECE coordinator is given with --coordinator"
                        .into(),
                ));
            }
            Target::Ece {
                coordinator: args.coordinator.clone(),
            }
        }
        TargetArg::Ess => {
            if args.coordinator.is_some() || args.endpoint.is_some() {
                return Err(CliError(
                    "--target ess always uses https://api.elastic-cloud.com; for a deployment's Elasticsearch endpoint use --target es --endpoint URL".into(),
                ));
            }
            Target::Ess
        }
        TargetArg::Es => {
            if args.coordinator.is_some() {
                return Err(CliError(
                    "--coordinator is for --target ece; an Elasticsearch endpoint is given with --endpoint".into(),
                ));
            }
            Target::Elasticsearch {
                endpoint: args.endpoint.clone(),
            }
        }
    };

    let body = match (&args.body, operation.needs_body()) {
        (Some(path), true) => {
            let text = read_text(Some(path))?;
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(value) => check_setting_names(&value)?,
                Err(e) => {
                    return Err(CliError(format!(
                        "the body is not valid JSON (line {}, column {}: {}): `ecekit validate` shows what to fix",
                        e.line(),
                        e.column(),
                        json_error_kind(&e)
                    )))
                }
            }
            Some(text)
        }
        (Some(_), false) => {
            return Err(CliError(format!(
                "{} sends no body: drop --body",
                operation.as_str()
            )))
        }
        (None, true) => {
            return Err(CliError(format!(
                "{} needs --body FILE (or --body - for stdin){}",
                operation.as_str(),
                if operation == Operation::Login {
                    ": {\"username\": ..., \"password\": ...}; the password is never taken from the command line"
                } else {
                    ""
                }
            )))
        }
        (None, false) => None,
    };
    if operation.needs_repository() && args.repository.is_none() {
        return Err(CliError(format!(
            "{} needs --repository NAME",
            operation.as_str()
        )));
    }

    let spec = RequestSpec {
        operation,
        target,
        auth: match args.auth {
            AuthArg::Apikey => Auth::ApiKey,
            AuthArg::Bearer => Auth::Bearer,
        },
        deployment_id: args.deployment_id.clone(),
        ref_id: args.ref_id.clone(),
        repository: args.repository.clone(),
        body,
    };
    let request = build_request(&spec).map_err(|e| CliError(e.message))?;

    let options = RenderOptions {
        insecure: args.insecure,
        cacert: args.cacert.as_ref().map(|c| {
            if c.is_empty() {
                format!("${}", request.target.ca_cert_variable())
            } else {
                c.clone()
            }
        }),
    };
    let format = match (args.output, args.shell) {
        (AsArg::Curl, ShellArg::Bash) => Format::CurlBash,
        (AsArg::Curl, ShellArg::Powershell) => Format::CurlPowerShell,
        (AsArg::Console, _) => Format::KibanaConsole,
        (AsArg::Ecctl, _) => Format::Ecctl,
        (AsArg::Terraform, _) => Format::Terraform,
    };
    let rendered = render::render(&request, format, &options).map_err(|e| CliError(e.message))?;

    print!("{}", rendered.text);
    for note in &request.notes {
        let label = match note.level {
            NoteLevel::Info => "note",
            NoteLevel::Warning => "warning",
            // Already written as comments in the command itself.
            NoteLevel::Error => continue,
        };
        super::eprint_line(&format!("{label}: {}", note.text));
    }
    for note in &rendered.notes {
        super::eprint_line(&format!("note: {note}"));
    }
    Ok(0)
}

/// Refuses a keystore or repository body whose setting names hold a control
/// character: Elasticsearch rejects such a name, and written into an output
/// (a comment, a Terraform file) a line break in it ends the line and turns
/// the rest of the name into code. The page shows no output for it either.
fn check_setting_names(body: &serde_json::Value) -> Result<(), CliError> {
    for field in ["secrets", "settings"] {
        let names = body.get(field).and_then(|v| v.as_object());
        for name in names.into_iter().flat_map(|n| n.keys()) {
            if ecekit_core::controls::first_control(name).is_some() {
                return Err(CliError(format!(
                    "the body's setting name `{}` holds a control character: Elasticsearch rejects it, and in the output it would end a line and turn the rest of the name into code (`ecekit validate` shows it). Rename it with letters, digits, `_`, `-` and `.`",
                    ecekit_core::controls::escape_controls(name)
                )));
            }
        }
    }
    Ok(())
}

/// The kind of a JSON error without its position or any quoted input.
fn json_error_kind(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
