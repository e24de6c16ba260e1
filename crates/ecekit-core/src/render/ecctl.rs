//! ecctl (Elastic Cloud Control) commands, with the `--file` / `--settings`
//! JSON they read.
//!
//! ecctl reads its API key from `EC_API_KEY` (or `~/.ecctl/config.json`) and
//! the API URL from `--host`; it has no proxy command, so Elasticsearch-level
//! requests have no ecctl form.

use super::bash::heredoc_delimiter;
use super::{base_name, check_double_quotable, RenderError, RenderOptions, Rendered, RenderedFile};
use crate::api::{Operation, Request, Target};

fn arg(text: &str) -> Result<String, RenderError> {
    if text.contains('$') {
        check_double_quotable(text)?;
        Ok(format!("\"{text}\""))
    } else {
        super::bash::fixed(text)
    }
}

/// A quoted heredoc that writes `content` to `file` (created private).
fn write_file(file: &str, content: &str) -> String {
    let delimiter = heredoc_delimiter(content);
    let mut out = format!("cat > {file} <<'{delimiter}'\n{content}");
    if !content.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&delimiter);
    out.push('\n');
    out
}

/// Renders the request as an ecctl command (a bash script when it needs a file).
pub fn ecctl(request: &Request, options: &RenderOptions) -> Result<Rendered, RenderError> {
    let (prefix, global) = match &request.target {
        Target::Ece { .. } => {
            if request.header("Authorization").is_some_and(|v| v.starts_with("Bearer")) {
                return Err(RenderError::new(
                    "ecctl takes an API key (or --user/--pass), not a bearer token: use --auth apikey",
                ));
            }
            let host = request.url.split("/api/v1").next().unwrap_or(&request.url);
            (
                "EC_API_KEY=\"$ECE_API_KEY\" ".to_string(),
                format!(" --host {}", arg(host)?),
            )
        }
        Target::Ess => (String::new(), String::new()),
        Target::Elasticsearch { .. } => {
            return Err(RenderError::new(format!(
                "ecctl talks to the ECE and Elastic Cloud APIs, not to Elasticsearch: {} has no ecctl form; use curl or Kibana Dev Tools",
                request.operation
            )))
        }
    };
    let insecure = if options.insecure { " --insecure" } else { "" };
    let ecctl = format!("{prefix}ecctl{global}{insecure}");
    let dep = || arg(request.deployment_id.as_deref().unwrap_or("$DEPLOYMENT_ID"));
    let refid = || arg(request.ref_id.as_deref().unwrap_or("$REF_ID"));

    let mut text = format!("# {} with ecctl\n", request.operation.title());
    text.push_str(match request.target {
        Target::Ece { .. } => {
            "# Set first: COORDINATOR_HOST, ECE_API_KEY (passed to ecctl as EC_API_KEY)\n"
        }
        _ => "# Set first: EC_API_KEY (ecctl reads it)\n",
    });
    let mut files = Vec::new();
    let mut notes = Vec::new();
    match request.operation {
        Operation::KeystoreSet => {
            let body = request
                .body
                .as_deref()
                .ok_or_else(|| RenderError::new("keystore-set needs a body"))?;
            text.push_str("# ecctl reads the keystore changes from a file: written private, removed after.\n");
            text.push_str("umask 077\n");
            text.push_str(&write_file("keystore.json", body));
            text.push_str(&format!(
                "{ecctl} deployment elasticsearch keystore update {} --ref-id {} --file keystore.json\n",
                dep()?,
                refid()?
            ));
            text.push_str("rm -f keystore.json\n");
            files.push(RenderedFile {
                name: "keystore.json".to_string(),
                content: body.to_string(),
            });
            notes.push("keystore.json holds secrets: keep it out of version control and delete it after use.".to_string());
        }
        Operation::KeystoreGet => text.push_str(&format!(
            "{ecctl} deployment elasticsearch keystore show {} --ref-id {}\n",
            dep()?,
            refid()?
        )),
        Operation::DeploymentsList => text.push_str(&format!("{ecctl} deployment list\n")),
        Operation::DeploymentGet => {
            text.push_str(&format!("{ecctl} deployment show {}\n", dep()?))
        }
        Operation::PlatformRepositoryPut => {
            let body = request
                .body
                .as_deref()
                .ok_or_else(|| RenderError::new("platform-repository-put needs a body"))?;
            let v: serde_json::Value = crate::json::read_value(body).map_err(|e| {
                RenderError::new(format!("the repository body is not JSON ({e}): fix it first"))
            })?;
            let kind = v.get("type").and_then(|t| t.as_str()).unwrap_or("s3");
            let settings = v.get("settings").ok_or_else(|| {
                RenderError::new("the repository body has no \"settings\": ecctl needs them as its --settings file")
            })?;
            // A `Value` always serializes: its keys are strings.
            let content = serde_json::to_string_pretty(settings).expect("a JSON value serializes") + "\n";
            let name = request
                .repository
                .as_deref()
                .ok_or_else(|| RenderError::new("platform-repository-put needs the repository name"))?;
            text.push_str("# ecctl reads the repository settings from a file: written private, removed after.\n");
            text.push_str("umask 077\n");
            text.push_str(&write_file("settings.json", &content));
            text.push_str(&format!(
                "{ecctl} platform repository create {} --type {} --settings settings.json\n",
                arg(name)?,
                // A value from the body: written as is, never expanded.
                super::bash::fixed(kind)?
            ));
            text.push_str("rm -f settings.json\n");
            files.push(RenderedFile {
                name: "settings.json".to_string(),
                content,
            });
            notes.push("settings.json holds the repository's S3 keys: delete it after use.".to_string());
        }
        Operation::Login => {
            return Err(RenderError::new(
                "ecctl logs in by itself (--user/--pass, or EC_USER/EC_PASS): there is no separate login command",
            ))
        }
        Operation::RepositoryPut
        | Operation::RepositoryVerify
        | Operation::ReloadSecureSettings => {
            return Err(RenderError::new(format!(
                "ecctl has no command for the Elasticsearch proxy: {} has no ecctl form; use curl",
                request.operation
            )))
        }
    }
    if options.insecure {
        notes.push("--insecure turns off TLS verification.".to_string());
    }
    if options.cacert.is_some() {
        notes.push("ecctl has no CA certificate option: add the coordinator's CA to the system trust store, or use --insecure.".to_string());
    }
    Ok(Rendered {
        format: super::Format::Ecctl,
        text,
        filename: format!("{}-ecctl.sh", base_name(request)),
        files,
        notes,
    })
}
