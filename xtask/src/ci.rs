//! `cargo xtask ci`: what CI runs, so that green here means green there.
//!
//! It installs what the tests need when it is missing (Debian's Neovim for the
//! editor test, the VS Code extension's npm packages), then checks formatting,
//! runs clippy with warnings denied, builds, lints and tests the VS Code
//! extension, runs every Rust test, drives the packaged extension in a real
//! VS Code (`cargo xtask vscode-e2e`, which installs code-server and Chromium
//! when they are missing), and runs the benchmark harness on a small corpus
//! (`cargo xtask bench --quick`, a smoke test with no thresholds).

use std::process::Command;

use anyhow::{Result, bail};

use crate::{project_root, run_command};

pub(crate) fn run(_args: &[String]) -> Result<()> {
    ensure_neovim()?;
    run_command(Command::new("cargo").args(["fmt", "--all", "--", "--check"]))?;
    run_command(Command::new("cargo").args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    vscode_extension()?;
    run_command(Command::new("cargo").args(["test", "--workspace"]))?;
    // The extension as `cargo xtask dist` packages it, in a real VS Code.
    crate::vscode_e2e::run(&[])?;
    // A smoke test of the benchmark harness on a small corpus: no thresholds.
    run_command(Command::new("cargo").args(["xtask", "bench", "--quick"]))?;
    Ok(())
}

/// The Neovim end-to-end test needs `nvim`; install Debian's package when it is missing.
fn ensure_neovim() -> Result<()> {
    if Command::new("nvim").arg("--version").output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    if !Command::new("apt-get").arg("--version").output().is_ok_and(|o| o.status.success()) {
        bail!("the Neovim test needs `nvim`: install Neovim (Debian: apt-get install neovim)");
    }
    eprintln!("installing Neovim for the editor test");
    let sudo = |args: &[&str]| -> Command {
        let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
        let mut command = if is_root { Command::new(args[0]) } else { Command::new("sudo") };
        command.args(if is_root { &args[1..] } else { args }).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    run_command(&mut sudo(&["apt-get", "update", "-qq"]))?;
    run_command(&mut sudo(&["apt-get", "install", "-y", "-qq", "neovim"]))
}

/// Builds, lints and unit-tests the VS Code extension. The real-VS-Code test
/// packages it (proving `vsce` runs without asking anything) and installs it.
fn vscode_extension() -> Result<()> {
    let dir = project_root().join("editors/vscode");
    if !dir.join("package.json").exists() {
        return Ok(());
    }
    for script in [&["ci"][..], &["run", "compile"], &["run", "lint"], &["test"]] {
        run_command(Command::new("npm").args(script).current_dir(&dir))?;
    }
    Ok(())
}
