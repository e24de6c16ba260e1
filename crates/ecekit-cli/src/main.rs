//! `ecekit`: the command-line face of the ecekit engine.
//!
//! This file only parses arguments and maps results to exit codes:
//! 0 success (for `validate`: no errors), 1 `validate` found errors,
//! 2 usage or I/O error. All logic lives in ecekit-core.

mod commands;
mod input;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ecekit",
    version,
    about = "Generate, validate and send the keystore, IAM policy and snapshot repository documents of an Elasticsearch deployment (ECE, Elastic Cloud, self-managed).",
    after_help = "Run `ecekit <COMMAND> --help` for examples of each command."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Validate(commands::validate::Args),
    Keystore(commands::keystore::Args),
    Policy(commands::policy::Args),
    Repository(commands::repository::Args),
    Curl(commands::curl::Args),
    Simulator(commands::simulator::Args),
}

/// An error the user can act on: printed as one line, exit code 2.
#[derive(Debug)]
pub struct CliError(pub String);

impl<T: std::fmt::Display> From<T> for CliError {
    fn from(e: T) -> Self {
        CliError(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Validate(args) => commands::validate::run(args),
        Command::Keystore(args) => commands::keystore::run(args),
        Command::Policy(args) => commands::policy::run(args),
        Command::Repository(args) => commands::repository::run(args),
        Command::Curl(args) => commands::curl::run(args),
        Command::Simulator(args) => commands::simulator::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(CliError(message)) => {
            commands::eprint_line(&format!("ecekit: error: {message}"));
            ExitCode::from(2)
        }
    }
}
