//! `ecekit validate`: check a pasted document or curl command.

use crate::input::read_text;
use crate::CliError;
use ecekit_core::validate::validate;
use ecekit_core::{DocumentKind, Platform, Severity, ValidateOptions};

#[derive(clap::Args)]
#[command(
    about = "Check a keystore body, an access policy, a repository body or a curl command",
    after_help = "Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O error.\n\n\
Examples:\n  ecekit validate keystore.json\n  ecekit validate --kind policy --format json policy.json\n  pbpaste | ecekit validate -"
)]
pub struct Args {
    /// What the input is; `auto` detects it.
    #[arg(long, default_value = "auto", value_parser = ["auto", "keystore", "policy", "repository", "curl"])]
    kind: String,
    /// `text`: one finding per line (LINE:COL: SEVERITY[CODE]: ...); `json`: the whole report.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Where the document will be sent, for platform-specific rules.
    #[arg(long, value_parser = ["ece", "ess", "self-managed"])]
    platform: Option<String>,
    /// The file to check; `-` or nothing reads standard input.
    file: Option<String>,
}

pub fn run(args: Args) -> Result<u8, CliError> {
    let text = read_text(args.file.as_deref())?;
    let kind = DocumentKind::parse(&args.kind);
    let platform = args.platform.as_deref().map(|p| match p {
        "ece" => Platform::Ece,
        "ess" => Platform::Ess,
        _ => Platform::SelfManaged,
    });
    let options = ValidateOptions {
        platform,
        ..Default::default()
    };
    let report = validate(&text, kind, &options);
    if args.format == "json" {
        println!(
            "{}",
            super::json_for_terminal(&serde_json::to_string_pretty(&report)?)
        );
    } else {
        for finding in &report.findings {
            println!("{}", finding.to_line());
        }
        let count = |severity, noun: &str| {
            let n = report
                .findings
                .iter()
                .filter(|f| f.severity == severity)
                .count();
            format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
        };
        eprintln!(
            "{}: {}, {}, {}",
            report.kind.as_str(),
            count(Severity::Error, "error"),
            count(Severity::Warning, "warning"),
            count(Severity::Suggestion, "suggestion")
        );
    }
    Ok(if report.has_errors() { 1 } else { 0 })
}
