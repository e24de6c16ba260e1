//! Renderers: a [`Request`] (or an access policy) as text a user copies or
//! downloads: curl for bash and PowerShell, Kibana Dev Tools console, ecctl,
//! Terraform, AWS CLI.
//!
//! Whatever the format, credentials are variables (`$ECE_API_KEY`,
//! `$EC_API_KEY`, `$ELASTIC_API_KEY`, Terraform `var.`), never values, and a
//! body reaches the server byte for byte as [`Request::body`] holds it.

mod aws;
mod bash;
mod console;
mod ecctl;
mod hcl;
mod keystore_tool;
mod powershell;
mod terraform;

use crate::api::Request;
use serde::Serialize;
use std::fmt;

pub use aws::aws_cli_create_policy;
pub use bash::{curl_bash, heredoc_delimiter};
pub use console::kibana_console;
pub use ecctl::ecctl;
pub use hcl::hcl_value;
pub use keystore_tool::elasticsearch_keystore_commands;
pub use powershell::curl_powershell;
pub use terraform::{terraform, terraform_aws_iam_policy};

/// The output formats of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    CurlBash,
    CurlPowerShell,
    KibanaConsole,
    Ecctl,
    Terraform,
    AwsCli,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::CurlBash,
        Format::CurlPowerShell,
        Format::KibanaConsole,
        Format::Ecctl,
        Format::Terraform,
        Format::AwsCli,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::CurlBash => "curl-bash",
            Format::CurlPowerShell => "curl-powershell",
            Format::KibanaConsole => "kibana-console",
            Format::Ecctl => "ecctl",
            Format::Terraform => "terraform",
            Format::AwsCli => "aws-cli",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// A label for a tab or a menu.
    pub fn label(self) -> &'static str {
        match self {
            Format::CurlBash => "curl (bash)",
            Format::CurlPowerShell => "curl (PowerShell)",
            Format::KibanaConsole => "Kibana Dev Tools",
            Format::Ecctl => "ecctl",
            Format::Terraform => "Terraform",
            Format::AwsCli => "AWS CLI",
        }
    }
}

/// Choices that change a rendered command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Skip TLS verification (`-k` / `--insecure`). Only when asked: prefer
    /// `cacert`.
    pub insecure: bool,
    /// A CA certificate to trust: a path, or a variable such as
    /// `$ECE_CA_CERT` (see [`crate::api::Target::ca_cert_variable`]).
    pub cacert: Option<String>,
}

/// A file that goes with a rendered output (e.g. ecctl's `--file`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedFile {
    pub name: String,
    pub content: String,
}

/// A rendered output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    pub format: Format,
    pub text: String,
    /// Suggested name for Download.
    pub filename: String,
    /// Files the text refers to, also written by the text itself when it is
    /// a script (for Download as separate files).
    pub files: Vec<RenderedFile>,
    /// What the user should know about this output.
    pub notes: Vec<String>,
}

/// Why a format cannot render a request (e.g. Kibana console for an ECE
/// API call): one sentence that says what to use instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    pub message: String,
}

impl RenderError {
    pub(crate) fn new(message: impl Into<String>) -> RenderError {
        RenderError {
            message: message.into(),
        }
    }
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenderError {}

/// Renders `request` in `format`.
pub fn render(
    request: &Request,
    format: Format,
    options: &RenderOptions,
) -> Result<Rendered, RenderError> {
    match format {
        Format::CurlBash => curl_bash(request, options),
        Format::CurlPowerShell => curl_powershell(request, options),
        Format::KibanaConsole => kibana_console(request),
        Format::Ecctl => ecctl(request, options),
        Format::Terraform => terraform(request),
        Format::AwsCli => Err(RenderError::new(
            "the AWS CLI creates the IAM policy and user, not API requests: use the access policy's AWS CLI output (ecekit policy), and curl for this request",
        )),
    }
}

/// Refuses `text` when it holds a control character: written into a
/// command, a comment or a Terraform file, a line break ends the line and
/// makes the rest code (and a terminal showing one raw obeys it).
pub(crate) fn check_no_control(what: &str, text: &str) -> Result<(), RenderError> {
    // `{:?}` shows the control characters escaped.
    match crate::controls::first_control(text) {
        Some(_) => Err(RenderError::new(format!(
            "{what} {text:?} holds a control character, which an output cannot carry safely: remove it"
        ))),
        None => Ok(()),
    }
}

/// The variables a rendered command needs: the request's, then the CA
/// certificate's when it is a variable.
pub(crate) fn needed_variables(request: &Request, options: &RenderOptions) -> Vec<String> {
    let mut vars = request.variables.clone();
    if let Some(ca) = &options.cacert {
        for v in crate::api::variables_in(ca) {
            if !vars.contains(&v) {
                vars.push(v);
            }
        }
    }
    vars
}

/// The base name of download files for a request, e.g. `keystore-set`.
pub(crate) fn base_name(request: &Request) -> &'static str {
    request.operation.as_str()
}

/// Checks that a text with `$VAR` references can go inside double quotes in
/// bash and PowerShell: no quote, backslash, backtick or `!`, and every `$`
/// starts a variable.
pub(crate) fn check_double_quotable(text: &str) -> Result<(), RenderError> {
    if let Some(c) = text
        .chars()
        .find(|c| matches!(c, '"' | '\\' | '`' | '!') || crate::controls::is_control(*c))
    {
        return Err(RenderError::new(format!(
            "{text:?} holds {c:?}, which cannot be written inside double quotes safely"
        )));
    }
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        let len = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) if is_name(&inner[..end]) => end + 2,
                _ => 0,
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if is_name(&after[..end]) {
                end
            } else {
                0
            }
        };
        if len == 0 {
            return Err(RenderError::new(format!(
                "{text:?} holds a '$' that does not start a variable name"
            )));
        }
        rest = &after[len..];
    }
    Ok(())
}

pub(crate) fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Rewrites each `$NAME` / `${NAME}` of `text` as `var(NAME)` returns it,
/// keeping the text between them.
pub(crate) fn map_variables(text: &str, mut var: impl FnMut(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) if is_name(&inner[..end]) => (&inner[..end], end + 2),
                _ => ("", 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        if name.is_empty() || !is_name(name) {
            out.push('$');
            rest = after;
        } else {
            out.push_str(&var(name));
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    out
}
