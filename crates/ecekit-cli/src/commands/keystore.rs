//! `ecekit keystore`: prints the keystore PATCH body (or the two bodies of a
//! resync), checks it, and says on stderr whether a reload or a restart is
//! needed. Secret values come only from environment variables, files or
//! stdin, never from the command line.

use crate::CliError;
use ecekit_core::keystore::{self, Secret, SecretChange, SecretValue};
use ecekit_core::{json, Finding, Severity, ValidateOptions};

const AFTER_HELP: &str = "\
SOURCE is where the secret value comes from:
  env:VAR     the environment variable VAR
  file:PATH   the file PATH; a file holding a JSON object (a GCS service-account
              key) is sent as that object with \"as_file\": true
  stdin       standard input (once per run)
A trailing newline of a text value read from a file or stdin is dropped, as
`elasticsearch-keystore add --stdin` does; file values (as_file) keep every byte.
An empty value (an empty variable, file or stdin) is refused: sent to the
keystore it replaces a working credential with a blank. --allow-empty says
that a blank is what you mean.
Values are never taken from the command line: argv is visible to other users
(`ps`) and stays in shell history.

Examples:
  # S3 credentials of the client `default`
  AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... ecekit keystore \\
    --secret s3.client.default.access_key=env:AWS_ACCESS_KEY_ID \\
    --secret s3.client.default.secret_key=env:AWS_SECRET_ACCESS_KEY > body.json

  # GCS service-account key file, sent as a JSON object with as_file: true
  ecekit keystore --secret gcs.client.default.credentials_file=file:sa-key.json

  # Remove a setting
  ecekit keystore --remove s3.client.old.access_key

  # Resync a key that is out of sync on some nodes: remove, then add back
  ecekit keystore --resync s3.client.default.secret_key=env:AWS_SECRET_ACCESS_KEY
  ecekit keystore --resync s3.client.default.secret_key=env:AWS_SECRET_ACCESS_KEY --step 1 > remove.json

The body goes to stdout; findings and the reload-or-restart note go to stderr.
Exit codes: 0 body printed (warnings allowed), 2 usage or I/O error, or the
body has errors (nothing printed).";

/// Write the keystore PATCH body (add, update, remove, resync secure settings).
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Set a secure setting: NAME=env:VAR, NAME=file:PATH or NAME=stdin
    #[arg(long = "secret", value_name = "NAME=SOURCE")]
    secrets: Vec<String>,

    /// Remove a setting from the keystore (sent as `{}`)
    #[arg(long = "remove", value_name = "NAME")]
    remove: Vec<String>,

    /// Resync a setting: remove it, then add it back. NAME=SOURCE, or NAME
    /// alone when a --secret gives its value
    #[arg(long = "resync", value_name = "NAME[=SOURCE]")]
    resync: Vec<String>,

    /// Store this setting as a file (`"as_file": true`) even if its value is text
    #[arg(long = "as-file", value_name = "NAME")]
    as_file: Vec<String>,

    /// With --resync: print only this step's body (1 = remove, 2 = add back), as bare JSON
    #[arg(long, value_name = "N", requires = "resync", value_parser = clap::value_parser!(u8).range(1..=2))]
    step: Option<u8>,

    /// Accept an empty value from a SOURCE (refused otherwise: it would
    /// replace the stored credential with a blank)
    #[arg(long)]
    allow_empty: bool,
}

/// Where a secret (or a platform repository credential) is read from.
pub(crate) enum Source<'a> {
    Env(&'a str),
    File(&'a str),
    Stdin,
}

impl Source<'_> {
    /// As the user wrote it (`env:VAR`, `file:PATH`), or `standard input`.
    fn label(&self) -> String {
        match self {
            Source::Env(var) => format!("env:{var}"),
            Source::File(path) => format!("file:{path}"),
            Source::Stdin => "standard input".to_string(),
        }
    }
}

/// Refuses an empty value unless the user said `--allow-empty`: a blank
/// sent to the keystore (or a platform repository) replaces the working
/// credential. Names the setting and the source.
pub(crate) fn check_not_empty(
    value: &str,
    name: &str,
    source: &Source<'_>,
    allow_empty: bool,
) -> Result<(), CliError> {
    if !value.is_empty() || allow_empty {
        return Ok(());
    }
    let why = match source {
        Source::Env(_) => "the variable is set but empty",
        Source::File(_) => "the file is empty (or holds only a line break)",
        Source::Stdin => "nothing was piped in, or only a line break",
    };
    Err(CliError(format!(
        "{name}: the value from {} is empty ({why}); sent, it would replace the working credential with a blank. Give the value, or add --allow-empty if a blank is what you mean",
        source.label()
    )))
}

/// The value read from a source: its text, and whether it came from a file
/// or stdin (where a trailing newline is usually not part of the secret).
pub(crate) struct SourceValue {
    pub text: String,
    pub from_stream: bool,
}

pub(crate) fn parse_source(source: &str) -> Option<Source<'_>> {
    if let Some(var) = source.strip_prefix("env:") {
        return Some(Source::Env(var));
    }
    if let Some(path) = source.strip_prefix("file:") {
        return Some(Source::File(path));
    }
    (source == "stdin").then_some(Source::Stdin)
}

/// The one-line refusal of a value given on the command line. It never
/// repeats the value.
pub(crate) fn literal_refused(flag: &str, name: &str) -> CliError {
    CliError(format!(
        "{flag} {name}=...: secret values are not taken from the command line (argv is visible to other users in `ps` and stays in shell history); use {name}=env:VAR, {name}=file:PATH or {name}=stdin"
    ))
}

/// Reads a source; `stdin_used` makes a second `stdin` an error.
pub(crate) fn read_source(
    source: &Source<'_>,
    name: &str,
    stdin_used: &mut bool,
) -> Result<SourceValue, CliError> {
    match source {
        Source::Env(var) => {
            if var.is_empty() {
                return Err(CliError(format!(
                    "{name}=env: needs a variable name, e.g. {name}=env:MY_SECRET"
                )));
            }
            match std::env::var(var) {
                Ok(text) => Ok(SourceValue {
                    text,
                    from_stream: false,
                }),
                Err(std::env::VarError::NotPresent) => Err(CliError(format!(
                    "environment variable {var} (for {name}) is not set"
                ))),
                Err(std::env::VarError::NotUnicode(_)) => Err(CliError(format!(
                    "environment variable {var} (for {name}) is not valid UTF-8: the keystore API takes JSON strings"
                ))),
            }
        }
        Source::File(path) => {
            if path.is_empty() {
                return Err(CliError(format!(
                    "{name}=file: needs a path, e.g. {name}=file:./secret.txt"
                )));
            }
            let bytes = crate::input::read_file(path, &format!("{path} (for {name})"))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                CliError(format!(
                    "{path} (for {name}) is not UTF-8 text: the keystore API carries values as JSON strings or objects, so binary files cannot be sent"
                ))
            })?;
            Ok(SourceValue {
                text,
                from_stream: true,
            })
        }
        Source::Stdin => {
            if *stdin_used {
                return Err(CliError(format!(
                    "{name}=stdin: standard input can give only one value per run; read the others from env:VAR or file:PATH"
                )));
            }
            *stdin_used = true;
            let bytes = crate::input::read_stdin(&format!("standard input (for {name})"))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| CliError(format!("standard input (for {name}) is not UTF-8 text")))?;
            Ok(SourceValue {
                text,
                from_stream: true,
            })
        }
    }
}

/// Drops one trailing `\n` or `\r\n`.
pub(crate) fn strip_one_newline(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    text
}

fn split_spec<'a>(flag: &str, spec: &'a str) -> Result<(&'a str, &'a str), CliError> {
    match spec.split_once('=') {
        Some((name, source)) if !name.is_empty() => Ok((name, source)),
        _ => Err(CliError(format!(
            "{flag} expects NAME=SOURCE (SOURCE: env:VAR, file:PATH or stdin), e.g. {flag} s3.client.default.access_key=env:AWS_ACCESS_KEY_ID"
        ))),
    }
}

fn note_name(name: &str, seen: &mut Vec<String>) -> Result<(), CliError> {
    if seen.iter().any(|n| n == name) {
        return Err(CliError(format!(
            "{name} is given more than once: each setting can be set, removed or resynced once per body"
        )));
    }
    seen.push(name.to_string());
    Ok(())
}

/// One finding as a stderr line for a generated document (positions in a
/// body the user has not seen are not useful; the JSON pointer is).
pub(crate) fn finding_line(f: &Finding) -> String {
    let mut line = format!("{}[{}]: {}", f.severity, f.code, f.message);
    if !f.help.is_empty() {
        line.push_str(" Fix: ");
        line.push_str(&f.help);
    }
    if !f.location.pointer.is_empty() {
        line.push_str(" (at ");
        line.push_str(&f.location.pointer);
        line.push(')');
    }
    line
}

/// Warnings about other keystore entries that a resync step leaves alone on
/// purpose (a resync touches only the names it resyncs).
const RESYNC_QUIET: [&str; 4] = [
    keystore::S3_MISSING_PAIR,
    keystore::S3_SESSION_TOKEN_ALONE,
    keystore::AZURE_MISSING_ACCOUNT,
    keystore::AWS_SESSION_TOKEN_MISSING,
];

/// Checks a generated body; prints its errors and warnings on stderr.
/// Returns the number of errors.
fn check_body(body: &str, resync: bool) -> usize {
    let doc = json::parse(body);
    let mut findings = doc.findings.clone();
    findings.extend(keystore::validate(&doc, &ValidateOptions::default()));
    ecekit_core::finding::sort(&mut findings);
    let mut errors = 0;
    for f in &findings {
        if f.severity == Severity::Suggestion
            || (resync && f.severity == Severity::Warning && RESYNC_QUIET.contains(&f.code))
        {
            continue;
        }
        if f.severity == Severity::Error {
            errors += 1;
        }
        super::eprint_line(&finding_line(f));
    }
    errors
}

pub fn run(args: Args) -> Result<u8, CliError> {
    if args.secrets.is_empty() && args.remove.is_empty() && args.resync.is_empty() {
        return Err(CliError(
            "nothing to do: give at least one --secret NAME=SOURCE, --remove NAME or --resync NAME (see `ecekit keystore --help`)".into(),
        ));
    }
    let mut stdin_used = false;
    let mut seen: Vec<String> = Vec::new();

    // Secrets given by --secret, then by --resync NAME=SOURCE.
    let mut sources: Vec<(&str, Source<'_>)> = Vec::new();
    for spec in &args.secrets {
        let (name, source) = split_spec("--secret", spec)?;
        let Some(source) = parse_source(source) else {
            return Err(literal_refused("--secret", name));
        };
        note_name(name, &mut seen)?;
        sources.push((name, source));
    }
    let mut resync_names: Vec<&str> = Vec::new();
    for spec in &args.resync {
        match spec.split_once('=') {
            None => {
                if !sources.iter().any(|(n, _)| *n == spec.as_str()) {
                    return Err(CliError(format!(
                        "--resync {spec} needs its value: give --resync {spec}=SOURCE, or --secret {spec}=SOURCE as well"
                    )));
                }
                if resync_names.contains(&spec.as_str()) {
                    return Err(CliError(format!("--resync {spec} is given more than once")));
                }
                resync_names.push(spec);
            }
            Some(_) => {
                let (name, source) = split_spec("--resync", spec)?;
                let Some(source) = parse_source(source) else {
                    return Err(literal_refused("--resync", name));
                };
                note_name(name, &mut seen)?;
                resync_names.push(name);
                sources.push((name, source));
            }
        }
    }
    for name in &args.remove {
        if name.is_empty() || name.contains('=') {
            return Err(CliError(format!(
                "--remove takes a setting name only (no value), e.g. --remove s3.client.old.access_key; got `{}`",
                name.split('=').next().unwrap_or_default()
            )));
        }
        note_name(name, &mut seen)?;
    }
    for name in &args.as_file {
        if !sources.iter().any(|(n, _)| n == name) {
            return Err(CliError(format!(
                "--as-file {name}: no --secret or --resync gives a value for {name}"
            )));
        }
    }

    let mut secrets: Vec<Secret> = Vec::new();
    for (name, source) in &sources {
        let read = read_source(source, name, &mut stdin_used)?;
        let forced = args.as_file.iter().any(|n| n == name);
        let value = if read.from_stream {
            match SecretValue::from_file_content(read.text) {
                SecretValue::Text(t) => {
                    let file_setting =
                        keystore::default_as_file(name, &SecretValue::Text(String::new()));
                    if forced || file_setting {
                        SecretValue::Text(t)
                    } else {
                        SecretValue::Text(strip_one_newline(t))
                    }
                }
                json => json,
            }
        } else {
            SecretValue::Text(read.text)
        };
        if let SecretValue::Text(text) = &value {
            check_not_empty(text, name, source, args.allow_empty)?;
        }
        let mut secret = Secret::new(*name, value);
        if forced {
            secret.as_file = true;
        }
        secrets.push(secret);
    }

    let removes: Vec<&str> = args.remove.iter().map(String::as_str).collect();
    let mut changes: Vec<SecretChange> = secrets.iter().cloned().map(SecretChange::Set).collect();
    changes.extend(removes.iter().map(|n| SecretChange::Remove(n.to_string())));

    let outputs: Vec<(Option<&str>, String)> = if resync_names.is_empty() {
        vec![(None, keystore::patch_body(&changes))]
    } else {
        let mut first: Vec<&str> = resync_names.clone();
        first.extend(removes.iter().copied());
        let plan = keystore::resync_plan(&secrets);
        let step1 = keystore::removal_body(first.iter().copied());
        let [(label1, _), (label2, _)] = plan.steps();
        vec![
            (Some(label1), step1),
            (Some(label2), plan.readd_body.clone()),
        ]
    };

    let mut errors = 0;
    for (_, body) in &outputs {
        errors += check_body(body, !resync_names.is_empty());
    }
    if errors > 0 {
        return Err(CliError(format!(
            "the keystore body has {errors} error{} (listed above), so it was not printed",
            if errors == 1 { "" } else { "s" }
        )));
    }

    match args.step {
        Some(n) => {
            let body = &outputs[usize::from(n) - 1].1;
            print!("{body}");
            super::end_line_on_terminal(body);
        }
        None => {
            for (i, (label, body)) in outputs.iter().enumerate() {
                if let Some(label) = label {
                    if i > 0 {
                        println!();
                    }
                    println!("# {label}");
                }
                print!("{body}");
            }
            if let Some((_, last)) = outputs.last() {
                super::end_line_on_terminal(last);
            }
        }
    }

    let mut names: Vec<&str> = secrets.iter().map(|s| s.name.as_str()).collect();
    names.extend(removes.iter().copied());
    let advice = keystore::reload_advice(names);
    super::eprint_line(&format!("note: {}", advice.note()));
    Ok(0)
}
