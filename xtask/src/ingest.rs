//! `cargo xtask ingest`: the batch over `seeds/` in release mode.

use anyhow::Result;

pub(crate) fn run(_args: &[String]) -> Result<()> {
    anyhow::bail!("not yet")
}
