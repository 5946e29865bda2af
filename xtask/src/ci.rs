//! `cargo xtask ci`: what CI runs, so that green here means green there.

use std::process::Command;

use anyhow::Result;

use crate::run_command;

pub(crate) fn run(_args: &[String]) -> Result<()> {
    run_command(Command::new("cargo").args(["fmt", "--all", "--", "--check"]))?;
    run_command(Command::new("cargo").args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    run_command(Command::new("cargo").args(["test", "--workspace"]))?;
    Ok(())
}
