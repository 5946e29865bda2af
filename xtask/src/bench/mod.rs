//! `cargo xtask bench [--size 100MB] [--docs N] [--seed N] [--quick]`: generates
//! a deterministic synthetic corpus from `seeds/` and measures, in one run,
//! the release binary's size, ingestion throughput, index build time, peak memory, the language server's
//! latencies, watch-mode freshness and startup, next to two baselines on the
//! same corpus (reading every byte; ripgrep counting the same aliases).
//! Writes `target/bench/report.json` and prints a Markdown table.
//!
//! `cargo xtask bench --vault [--notes 10000] [--seed N]` measures a generated
//! notes vault instead (see [`vault`]), into `target/bench/vault-report.json`.
//!
//! `--binary PATH` measures that `dossier` binary instead of building the
//! release one: a build of another commit kept aside, run in turns with this
//! one, compares two versions on a machine whose load changes.

mod corpus;
mod measure;
mod session;
mod vault;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::{project_root, run_command};

struct Options {
    bytes: usize,
    documents: Option<usize>,
    seed: u64,
    /// Measure a generated notes vault of this many notes instead.
    vault: Option<usize>,
    /// The binary to measure instead of the release build.
    binary: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options { bytes: 100 << 20, documents: None, seed: 42, vault: None, binary: None };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--quick" => options.bytes = 10 << 20,
            "--size" => options.bytes = parse_size(value()?)?,
            "--docs" => options.documents = Some(value()?.parse().context("--docs takes a number")?),
            "--vault" => options.vault = Some(options.vault.unwrap_or(10_000)),
            "--notes" => options.vault = Some(value()?.parse().context("--notes takes a number")?),
            "--seed" => options.seed = value()?.parse().context("--seed takes a number")?,
            "--binary" => options.binary = Some(PathBuf::from(value()?)),
            other => {
                bail!(
                    "unknown option `{other}` (try --size 100MB, --docs N, --seed N, --quick, --vault, --notes N, --binary PATH)"
                )
            }
        }
    }
    Ok(options)
}

/// "100MB", "10MiB", "512KB", "1000" (bytes).
fn parse_size(text: &str) -> Result<usize> {
    let upper = text.to_ascii_uppercase();
    let (number, unit) = upper.split_at(upper.find(|c: char| !c.is_ascii_digit()).unwrap_or(upper.len()));
    let number: usize = number.parse().with_context(|| format!("invalid size `{text}`"))?;
    let unit = match unit.trim_end_matches('B').trim_end_matches('I') {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => bail!("invalid size `{text}`: use B, KB, MB or GB"),
    };
    Ok(number * unit)
}

pub(crate) fn run(args: &[String]) -> Result<()> {
    let options = parse(args)?;
    let root = project_root();
    let binary = match options.binary {
        Some(binary) => std::path::absolute(&binary).with_context(|| format!("cannot find {}", binary.display()))?,
        None => {
            run_command(Command::new("cargo").args(["build", "--release", "--quiet", "--package", "dossier-cli"]))?;
            root.join("target/release/dossier")
        }
    };
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out)?;
    if let Some(notes) = options.vault {
        return run_vault(&binary, &root, &out, notes, options.seed);
    }

    let names = sample_names(&binary, &root.join("seeds"))?;
    let documents = options.documents.unwrap_or((options.bytes / (20 << 10)).max(10));
    eprintln!("generating {} MB in {documents} documents", options.bytes >> 20);
    let spec = corpus::CorpusSpec { bytes: options.bytes, documents, seed: options.seed };
    let corpus = corpus::generate(&out.join("corpus"), &root.join("seeds"), names, &spec)?;

    let mut report = measure::Report::default();
    report.corpus(&corpus);
    measure::binary_size(&binary, &mut report)?;
    measure::baselines(&corpus, &mut report)?;
    measure::batch(&binary, &corpus, &mut report)?;
    session::lsp(&binary, &corpus, &mut report)?;

    let json = report.to_json();
    let path = out.join("report.json");
    std::fs::write(&path, serde_json::to_string_pretty(&json)? + "\n")?;
    println!("{}", report.to_markdown());
    eprintln!("wrote {}", path.strip_prefix(&root).unwrap_or(&path).display());
    Ok(())
}

/// The vault benchmark: generate, measure, report.
fn run_vault(binary: &Path, root: &Path, out: &Path, notes: usize, seed: u64) -> Result<()> {
    eprintln!("generating a vault of {notes} notes");
    let vault = vault::generate(&out.join("vault"), &root.join("seeds"), &vault::VaultSpec { notes, seed })?;
    let mut report = measure::Report::default();
    vault::lsp(binary, &vault, &mut report)?;
    let path = out.join("vault-report.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report.to_json())? + "\n")?;
    println!("{}\n\n{}", vault.describe(), report.rows_to_markdown());
    eprintln!("wrote {}", path.strip_prefix(root).unwrap_or(&path).display());
    Ok(())
}

/// The sample corpus's terms, as names to spread through the synthetic one.
fn sample_names(binary: &Path, seeds: &Path) -> Result<Vec<corpus::Name>> {
    let output = Command::new(binary)
        .args(["terms", "--format", "json", "--no-progress"])
        .arg(seeds)
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    let json: Value = serde_json::from_slice(&output.stdout).context("`dossier terms` printed no JSON")?;
    let mut names = Vec::new();
    for term in json["terms"].as_array().into_iter().flatten().take(300) {
        let mut name = corpus::Name {
            label: term["label"].as_str().unwrap_or_default().to_owned(),
            latin: Vec::new(),
            simplified: Vec::new(),
            traditional: Vec::new(),
        };
        for alias in term["aliases"].as_array().into_iter().flatten() {
            let text = alias["text"].as_str().unwrap_or_default().to_owned();
            match alias["script"].as_str() {
                Some("Latn") => name.latin.push(text),
                Some("Hans") => name.simplified.push(text),
                Some("Hant") => name.traditional.push(text),
                Some("Hani") => {
                    name.simplified.push(text.clone());
                    name.traditional.push(text);
                }
                _ => {}
            }
        }
        if !name.label.is_empty() {
            names.push(name);
        }
    }
    if names.is_empty() {
        bail!("the sample corpus gave no terms to spread");
    }
    Ok(names)
}

/// A figure with its unit, for the table.
fn figure(value: f64, unit: &str) -> Value {
    json!({ "value": (value * 1000.0).round() / 1000.0, "unit": unit })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("100MB").unwrap(), 100 << 20);
        assert_eq!(parse_size("10mib").unwrap(), 10 << 20);
        assert_eq!(parse_size("512KB").unwrap(), 512 << 10);
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert!(parse_size("ten").is_err());
        assert!(parse_size("10TB").is_err());
    }
}
