//! `cargo xtask dist`: the release binary and the VS Code extension in `target/dist/`.

use anyhow::Result;

pub(crate) fn run(_args: &[String]) -> Result<()> {
    anyhow::bail!("not yet")
}
