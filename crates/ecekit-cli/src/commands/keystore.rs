//! `ecekit keystore` (being built: see issue 3).

use crate::CliError;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<u8, CliError> {
    Err(CliError("`ecekit keystore` is not built yet".into()))
}
