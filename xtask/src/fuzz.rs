//! `cargo xtask fuzz`: runs the fuzz targets in `fuzz/` with `cargo fuzz`
//! (libFuzzer), or replays their saved inputs without it.
//!
//! - `cargo xtask fuzz [--seconds N] [--sanitizer NAME] [TARGET...]` runs each
//!   target (all of them by default, one after the other, one process each)
//!   for N seconds (default 60), starting from its corpus in
//!   `fuzz/corpus/<target>/`, its saved inputs and the sample corpus. An input
//!   that fails is copied to `tests/data/fuzz-regressions/<target>/`, where
//!   `cargo test` replays it from then on. Prints the time and the number of
//!   executions of each target.
//! - `cargo xtask fuzz --replay` replays the saved inputs and the sample
//!   corpus through the same checks with `cargo test` (what CI does; needs
//!   neither `cargo fuzz` nor libFuzzer).
//!
//! `cargo fuzz` wants a nightly compiler for its `-Z` flags; on a stable
//! toolchain this sets `RUSTC_BOOTSTRAP=1`, which enables them. The default
//! sanitizer is `none`: every Dossier crate forbids `unsafe`, so AddressSanitizer
//! would only slow the search down (`--sanitizer address` turns it back on).

use std::{
    fs,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Instant,
};

use anyhow::{Context, Result, bail};

use crate::{project_root, run_command};

/// Inputs longer than this are cut: long inputs slow every execution down and
/// the checks' invariants do not depend on size.
const MAX_INPUT_BYTES: usize = 4096;

pub(crate) fn run(args: &[String]) -> Result<()> {
    let mut seconds = 60;
    let mut sanitizer = "none".to_owned();
    let mut replay = false;
    let mut wanted = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().context("--seconds needs a number")?;
                seconds = value.parse().with_context(|| format!("--seconds {value}: not a number"))?;
            }
            "--sanitizer" => sanitizer = args.next().context("--sanitizer needs a name")?.clone(),
            "--replay" => replay = true,
            flag if flag.starts_with('-') => {
                bail!("usage: cargo xtask fuzz [--seconds N] [--sanitizer NAME] [TARGET...] | --replay")
            }
            target => wanted.push(target.to_owned()),
        }
    }
    if replay {
        return run_command(Command::new("cargo").args([
            "test",
            "--package",
            "dossier-checks",
            "--test",
            "regressions",
        ]));
    }

    let all = targets()?;
    for target in &wanted {
        if !all.contains(target) {
            bail!("no fuzz target `{target}`; there are: {}", all.join(", "));
        }
    }
    let targets = if wanted.is_empty() { all } else { wanted };
    if !Command::new("cargo").args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success()) {
        bail!("cargo fuzz is not installed: cargo install cargo-fuzz --locked");
    }
    let mut summaries = Vec::new();
    let mut failed = Vec::new();
    for target in &targets {
        let summary = fuzz(target, seconds, &sanitizer)?;
        eprintln!("{summary}");
        if summary.crashed {
            failed.push(target.clone());
        }
        summaries.push(summary);
    }
    eprintln!("\nfuzzing summary:");
    for summary in &summaries {
        eprintln!("  {summary}");
    }
    if !failed.is_empty() {
        bail!("{} failed; the inputs are in tests/data/fuzz-regressions/", failed.join(", "));
    }
    Ok(())
}

/// The targets: the files of `fuzz/fuzz_targets/`.
fn targets() -> Result<Vec<String>> {
    let folder = project_root().join("fuzz/fuzz_targets");
    let mut targets: Vec<String> = fs::read_dir(&folder)
        .with_context(|| format!("cannot read {}", folder.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok()?.strip_suffix(".rs").map(str::to_owned))
        .collect();
    targets.sort();
    Ok(targets)
}

/// What one run of one target did.
struct Summary {
    target: String,
    /// Seconds spent fuzzing (libFuzzer's count), and in all (with the build).
    fuzzing_seconds: Option<u64>,
    seconds: f64,
    executions: Option<u64>,
    crashed: bool,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let executions = self.executions.map_or("? executions".to_owned(), |n| format!("{n} executions"));
        let outcome = if self.crashed { "FAILED" } else { "no failure" };
        let fuzzing = self.fuzzing_seconds.map_or("?".to_owned(), |seconds| seconds.to_string());
        write!(f, "{}: {fuzzing} s fuzzing ({:.0} s in all), {executions}, {outcome}", self.target, self.seconds)
    }
}

/// Runs one target for `seconds`, echoing libFuzzer's output and keeping its statistics.
fn fuzz(target: &str, seconds: u64, sanitizer: &str) -> Result<Summary> {
    let root = project_root();
    let corpus = root.join("fuzz/corpus").join(target);
    fs::create_dir_all(&corpus).with_context(|| format!("cannot create {}", corpus.display()))?;
    let saved = regressions(target);
    let mut command = Command::new("cargo");
    command
        .current_dir(root.join("fuzz"))
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", "--release", "--sanitizer", sanitizer, target])
        .arg(&corpus);
    // Read-only seed folders: libFuzzer writes new inputs to the first folder only.
    for seeds in [saved.clone(), root.join("seeds")] {
        if seeds.is_dir() {
            command.arg(seeds);
        }
    }
    command
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-max_len={MAX_INPUT_BYTES}"))
        .arg("-print_final_stats=1")
        .stderr(Stdio::piped());
    eprintln!("$ {command:?}");
    let started = Instant::now();
    let mut child = command.spawn().context("cannot start cargo fuzz")?;
    let mut executions = None;
    let mut fuzzing_seconds = None;
    let mut artifacts = Vec::new();
    for line in BufReader::new(child.stderr.take().expect("stderr is piped")).lines() {
        let line = line.context("cannot read cargo fuzz's output")?;
        eprintln!("{line}");
        if let Some(count) = line.strip_prefix("stat::number_of_executed_units:") {
            executions = count.trim().parse().ok();
        }
        // "Done 5234 runs in 6 second(s)"
        if let Some(done) = line.strip_prefix("Done ") {
            fuzzing_seconds = done.split_whitespace().nth(3).and_then(|seconds| seconds.parse().ok());
        }
        if let Some((_, path)) = line.split_once("Test unit written to ") {
            artifacts.push(PathBuf::from(path.trim()));
        }
    }
    let status = child.wait().context("cargo fuzz did not finish")?;
    let crashed = !status.success();
    if crashed && artifacts.is_empty() {
        bail!("cargo fuzz failed for `{target}` with {status} and left no failing input (did it build?)");
    }
    for artifact in &artifacts {
        keep(artifact, &saved)?;
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(Summary { target: target.to_owned(), fuzzing_seconds, seconds, executions, crashed })
}

/// Where the failing inputs of a target are kept for `cargo test`.
fn regressions(target: &str) -> PathBuf {
    project_root().join("tests/data/fuzz-regressions").join(target)
}

/// Copies a failing input next to the saved ones.
fn keep(artifact: &Path, saved: &Path) -> Result<()> {
    let artifact =
        if artifact.is_absolute() { artifact.to_owned() } else { project_root().join("fuzz").join(artifact) };
    let name = artifact.file_name().context("an artifact has a file name")?;
    fs::create_dir_all(saved)?;
    let kept = saved.join(name);
    fs::copy(&artifact, &kept).with_context(|| format!("cannot copy {} to {}", artifact.display(), kept.display()))?;
    eprintln!("kept {} for `cargo test`", kept.display());
    Ok(())
}
