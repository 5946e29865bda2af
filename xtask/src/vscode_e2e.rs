//! `cargo xtask vscode-e2e`: the VS Code extension in a real VS Code.
//!
//! It installs what the test needs when it is missing, packages the `.vsix`
//! as `cargo xtask dist` does, builds the `dossier` binary, and runs
//! `editors/vscode/e2e/real-vscode.mjs`, which installs the `.vsix` into
//! code-server (VS Code in a browser), drives it through headless Chromium and
//! saves screenshots under `target/vscode-e2e/run/screenshots/`.
//!
//! What is installed, and where:
//! - Debian packages (apt): `chromium` (the browser), `fonts-noto-cjk` (so that
//!   Chinese renders in the screenshots), `ripgrep` (code-server's search, see
//!   below), `libkrb5-dev` and a C++ toolchain (code-server's native modules).
//! - npm packages, in a cache outside the clone
//!   (`$XDG_CACHE_HOME/dossier/vscode-e2e/`, else `~/.cache/dossier/vscode-e2e/`,
//!   or `DOSSIER_VSCODE_E2E_CACHE`): `code-server` (4.100.3, the last release
//!   that runs on Node 20) and `playwright-core`. They are installed once per
//!   version into a folder named after the versions, so a warm run installs
//!   nothing and rebuilds no native module.
//!
//! code-server's install needs a few settings on machines like CI's: its
//! headers from the installed Node (`npm_config_nodedir=/usr`, or node-gyp
//! downloads them), `npm_config_unsafe_perm` (its postinstall refuses root
//! otherwise), `npm_config_yes` (a dependency runs `npx node-gyp`), and
//! `@vscode/ripgrep`'s postinstall downloads `rg` from a host CI cannot reach:
//! its download cache is seeded with the system's `rg` instead.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};

use crate::{dist, project_root, run_command};

/// code-server's version: 4.100.3 is the last release that runs on Node 20.
const CODE_SERVER_VERSION: &str = "4.100.3";
/// playwright-core's version; it drives the system's Chromium (no browser download).
const PLAYWRIGHT_CORE_VERSION: &str = "1.65.1";
/// The `@vscode/ripgrep` that code-server 4.100.3 pins (lib/vscode/npm-shrinkwrap.json)
/// and the ripgrep release its postinstall fetches: the name of its download cache.
const VSCODE_RIPGREP_VERSION: &str = "1.15.11";
const RIPGREP_RELEASE: &str = "v13.0.0-10";

/// Debian packages the test needs: the browser, CJK fonts, `rg`, and what code-server's native modules build with.
const DEBIAN_PACKAGES: &[&str] =
    &["chromium", "fonts-noto-cjk", "ripgrep", "libkrb5-dev", "build-essential", "python3", "pkg-config"];

pub(crate) fn run(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        bail!("`cargo xtask vscode-e2e` takes no arguments, got `{arg}`");
    }
    if !cfg!(target_os = "linux") {
        bail!("the real-VS-Code test runs on Linux only (it installs Debian's Chromium)");
    }
    let root = project_root();
    ensure_debian_packages()?;
    let tools = ensure_npm_tools()?;

    let target = dist::target_dir(&root);
    let scratch = target.join("vscode-e2e");
    let vsix = dist::package_vsix(&root, &scratch)?;
    run_command(Command::new("cargo").args(["build", "--package", "dossier-cli"]))?;
    let server = target.join("debug").join(format!("dossier{}", std::env::consts::EXE_SUFFIX));

    run_command(
        Command::new("node")
            .arg(root.join("editors/vscode/e2e/real-vscode.mjs"))
            .env("DOSSIER_E2E_TOOLS", tools.join("node_modules"))
            .env("DOSSIER_E2E_VSIX", &vsix)
            .env("DOSSIER_E2E_SERVER", &server)
            .env("DOSSIER_E2E_CORPUS", root.join("seeds"))
            .env("DOSSIER_E2E_OUT", scratch.join("run")),
    )
}

/// Installs the missing Debian packages (one `apt-get` run), as root or through sudo.
fn ensure_debian_packages() -> Result<()> {
    let missing: Vec<&str> = DEBIAN_PACKAGES.iter().copied().filter(|package| !is_installed(package)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !Command::new("apt-get").arg("--version").output().is_ok_and(|o| o.status.success()) {
        bail!("the VS Code test needs these Debian packages (or their equivalents): {}", missing.join(" "));
    }
    eprintln!("installing for the VS Code test: {}", missing.join(" "));
    let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let apt = |args: &[&str]| -> Command {
        let mut command = if is_root { Command::new("apt-get") } else { Command::new("sudo") };
        if !is_root {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    run_command(&mut apt(&["update", "-qq"]))?;
    run_command(apt(&["install", "-y", "-qq"]).args(&missing))
}

/// Whether dpkg knows `package` as installed.
fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["--show", "--showformat=${Status}", package])
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.ends_with(b" installed"))
}

/// The cache of npm tools: `DOSSIER_VSCODE_E2E_CACHE`, else under the user's cache folder.
fn cache_root() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("DOSSIER_VSCODE_E2E_CACHE").filter(|dir| !dir.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|dir| !dir.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".cache"),
    };
    Ok(base.join("dossier").join("vscode-e2e"))
}

/// code-server and playwright-core, installed once per version; returns their folder.
fn ensure_npm_tools() -> Result<PathBuf> {
    let name = format!("code-server-{CODE_SERVER_VERSION}-playwright-core-{PLAYWRIGHT_CORE_VERSION}");
    let cache = cache_root()?;
    let ready = cache.join(&name);
    if ready.join("node_modules/.bin/code-server").exists() && ready.join("node_modules/playwright-core").exists() {
        return Ok(ready);
    }
    // Install beside it and rename when done, so that an interrupted install
    // is never taken for a finished one.
    let partial = cache.join(format!("{name}.partial"));
    if partial.exists() {
        fs::remove_dir_all(&partial).with_context(|| format!("cannot remove {}", partial.display()))?;
    }
    fs::create_dir_all(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let manifest = serde_json::json!({
        "private": true,
        "description": "Tools of Dossier's real-VS-Code test (cargo xtask vscode-e2e)",
        "dependencies": { "code-server": CODE_SERVER_VERSION, "playwright-core": PLAYWRIGHT_CORE_VERSION },
    });
    fs::write(partial.join("package.json"), serde_json::to_string_pretty(&manifest)?)
        .context("cannot write the tools' package.json")?;
    let temp = partial.join("tmp");
    seed_ripgrep_download(&temp)?;

    eprintln!("installing code-server {CODE_SERVER_VERSION} and playwright-core into {}", ready.display());
    run_command(
        Command::new(dist::npm())
            .args(["install", "--no-audit", "--no-fund"])
            .current_dir(&partial)
            .env("npm_config_nodedir", "/usr")
            .env("npm_config_unsafe_perm", "true")
            .env("npm_config_yes", "true")
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            // @vscode/ripgrep looks for its download cache in the temporary folder.
            .env("TMPDIR", &temp),
    )?;
    fs::remove_dir_all(&temp).with_context(|| format!("cannot remove {}", temp.display()))?;
    if ready.exists() {
        fs::remove_dir_all(&ready).with_context(|| format!("cannot remove {}", ready.display()))?;
    }
    fs::rename(&partial, &ready)
        .with_context(|| format!("cannot rename {} to {}", partial.display(), ready.display()))?;
    Ok(ready)
}

/// Puts the system's `rg` where `@vscode/ripgrep`'s postinstall looks for its
/// download (`$TMPDIR/vscode-ripgrep-cache-VERSION/ripgrep-RELEASE-TARGET.tar.gz`),
/// so that it unpacks that instead of downloading one.
fn seed_ripgrep_download(temp: &Path) -> Result<()> {
    let target = match std::env::consts::ARCH {
        "x86_64" => "x86_64-unknown-linux-musl",
        "aarch64" => "aarch64-unknown-linux-musl",
        other => bail!("no ripgrep download name known for {other}"),
    };
    let rg = ["/usr/bin/rg", "/usr/local/bin/rg"]
        .into_iter()
        .map(Path::new)
        .find(|path| path.exists())
        .context("code-server's install needs ripgrep (Debian: apt-get install ripgrep)")?;
    let cache = temp.join(format!("vscode-ripgrep-cache-{VSCODE_RIPGREP_VERSION}"));
    fs::create_dir_all(&cache).with_context(|| format!("cannot create {}", cache.display()))?;
    let archive = cache.join(format!("ripgrep-{RIPGREP_RELEASE}-{target}.tar.gz"));
    let folder = rg.parent().expect("an absolute path has a parent");
    run_command(Command::new("tar").arg("czf").arg(&archive).arg("-C").arg(folder).arg("rg"))
}
