//! `cargo xtask ingest`: the batch over `seeds/` in release mode; the table is
//! printed and the JSON written to `target/dossier/ingest.json`.

use std::process::Command;

use anyhow::{Context, Result};

use crate::{project_root, run_command};

pub(crate) fn run(args: &[String]) -> Result<()> {
    let root = project_root();
    run_command(Command::new("cargo").args(["build", "--release", "--quiet", "--package", "dossier-cli"]))?;
    let binary = root.join("target/release/dossier");
    let paths: Vec<&str> = if args.is_empty() { vec!["seeds"] } else { args.iter().map(String::as_str).collect() };

    let json = Command::new(&binary)
        .current_dir(&root)
        .args(["ingest", "--format", "json", "--no-progress"])
        .args(&paths)
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    let out_dir = root.join("target/dossier");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;
    let out_file = out_dir.join("ingest.json");
    std::fs::write(&out_file, &json.stdout).with_context(|| format!("cannot write {}", out_file.display()))?;

    // The table for people; it also reports failed files on stderr and sets the exit status.
    run_command(Command::new(&binary).args(["ingest"]).args(&paths))?;
    eprintln!("wrote {}", out_file.strip_prefix(&root).unwrap_or(&out_file).display());
    Ok(())
}
