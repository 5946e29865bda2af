//! `cargo xtask dist`: the release binary and the VS Code extension in `target/dist/`.
//!
//! - `target/dist/dossier` (`dossier.exe` on Windows): `cargo build --release -p dossier-cli`.
//! - `target/dist/dossier.vsix`: `npm ci`, `npm run compile` and `npm run package`
//!   (vsce, non-interactive) in `editors/vscode`.
//!
//! The Neovim plugin needs no build: it is the `editors/nvim` folder as it is.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};

use crate::{project_root, run_command};

pub(crate) fn run(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        bail!("`cargo xtask dist` takes no arguments, got `{arg}`");
    }
    let root = project_root();
    let target = target_dir(&root);
    let dist = target.join("dist");
    fs::create_dir_all(&dist).with_context(|| format!("cannot create {}", dist.display()))?;

    let binary_name = format!("dossier{}", std::env::consts::EXE_SUFFIX);
    run_command(Command::new("cargo").args(["build", "--release", "--package", "dossier-cli"]))?;
    let binary = copy_into(&target.join("release").join(&binary_name), &dist.join(&binary_name))?;
    // The binary carries CC-CEDICT (CC BY-SA 4.0): its attribution travels with it.
    let notice = copy_into(&root.join("NOTICE"), &dist.join("NOTICE"))?;

    let vsix = package_vsix(&root, &dist)?;

    for file in [binary, notice, vsix] {
        eprintln!("wrote {}", file.strip_prefix(&root).unwrap_or(&file).display());
    }
    Ok(())
}

/// Packages the VS Code extension into `into/dossier.vsix`: `npm ci`, `npm run
/// compile`, `npm run package` in `editors/vscode`. The real-VS-Code test
/// (`cargo xtask vscode-e2e`) installs what this makes, so that it tests what
/// a user gets.
pub(crate) fn package_vsix(root: &Path, into: &Path) -> Result<PathBuf> {
    let extension = root.join("editors/vscode");
    for script in [&["ci"][..], &["run", "compile"], &["run", "package"]] {
        run_command(Command::new(npm()).args(script).current_dir(&extension))?;
    }
    // `npm run package` writes `dossier.vsix` next to package.json (see its `--out`).
    fs::create_dir_all(into).with_context(|| format!("cannot create {}", into.display()))?;
    let vsix = copy_into(&extension.join("dossier.vsix"), &into.join("dossier.vsix"))?;
    fs::remove_file(extension.join("dossier.vsix")).context("cannot remove editors/vscode/dossier.vsix")?;
    Ok(vsix)
}

/// Cargo's target directory: `CARGO_TARGET_DIR` if set (relative to the root), else `target/`.
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// npm is a batch script on Windows, which `Command` only finds by its full name.
pub(crate) fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

fn copy_into(from: &Path, to: &Path) -> Result<PathBuf> {
    fs::copy(from, to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(to.to_path_buf())
}
