//! `cargo xtask`: the project's tasks, one module each.
//!
//! - `cargo xtask ingest`: the batch over `seeds/` in release mode, JSON in `target/dossier/`.
//! - `cargo xtask ci`: what CI runs (fmt check, clippy, the tests).
//! - `cargo xtask dist`: the release binary and the VS Code extension in `target/dist/`.
//! - `cargo xtask bench [--size 100MB] [--quick] [--vault]`: the benchmark report in `target/bench/`.
//! - `cargo xtask vscode-e2e`: the VS Code extension in a real VS Code (code-server, headless Chromium).
//! - `cargo xtask fuzz [--seconds N] [TARGET...]`: the fuzz targets in `fuzz/` (`--replay`: the saved inputs).

mod bench;
mod ci;
mod dist;
mod fuzz;
mod ingest;
#[cfg(test)]
mod tidy;
mod vscode_e2e;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    let rest = &args[args.len().min(1)..];
    match task {
        "ingest" => ingest::run(rest),
        "ci" => ci::run(rest),
        "dist" => dist::run(rest),
        "bench" => bench::run(rest),
        "fuzz" => fuzz::run(rest),
        "vscode-e2e" => vscode_e2e::run(rest),
        _ => {
            eprintln!("usage: cargo xtask <ingest|ci|dist|bench|fuzz|vscode-e2e>");
            if task == "help" { Ok(()) } else { bail!("unknown task `{task}`") }
        }
    }
}

/// The repository root (the parent of this crate).
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository").to_path_buf()
}

/// Runs a command (in the repository root unless it names another folder),
/// failing with the command line when it fails.
fn run_command(command: &mut Command) -> Result<()> {
    if command.get_current_dir().is_none() {
        command.current_dir(project_root());
    }
    let line = format!("{command:?}");
    eprintln!("$ {line}");
    let status = command.status().with_context(|| format!("cannot start {line}"))?;
    if !status.success() {
        bail!("{line} failed with {status}");
    }
    Ok(())
}
