//! The batch measurements and their baselines, and the report they fill.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::{corpus::Corpus, figure};
use crate::run_command;

/// Every figure of one benchmark run, in the order they are shown.
#[derive(Default)]
pub(crate) struct Report {
    corpus: Value,
    rows: Vec<Row>,
}

struct Row {
    key: &'static str,
    label: &'static str,
    value: f64,
    unit: &'static str,
    /// The figure against a baseline, said in words ("3.1× rg").
    comparison: String,
    target: &'static str,
}

impl Report {
    pub(crate) fn corpus(&mut self, corpus: &Corpus) {
        self.corpus = json!({
            "bytes": corpus.document_bytes,
            "documents": corpus.documents,
            "notes": corpus.notes.len(),
            "names": corpus.names.len(),
        });
    }

    pub(crate) fn add(&mut self, key: &'static str, label: &'static str, value: f64, unit: &'static str) {
        self.rows.push(Row { key, label, value, unit, comparison: String::new(), target: "" });
    }

    /// Sets the comparison and target of the last row added.
    pub(crate) fn note(&mut self, comparison: String, target: &'static str) {
        if let Some(row) = self.rows.last_mut() {
            row.comparison = comparison;
            row.target = target;
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<f64> {
        self.rows.iter().find(|r| r.key == key).map(|r| r.value)
    }

    pub(crate) fn to_json(&self) -> Value {
        let figures: serde_json::Map<String, Value> =
            self.rows.iter().map(|r| (r.key.to_owned(), figure(r.value, r.unit))).collect();
        json!({ "corpus": self.corpus, "figures": figures })
    }

    pub(crate) fn to_markdown(&self) -> String {
        let mut out = format!(
            "Corpus: {:.1} MB in {} documents and {} notes, {} names.\n\n",
            self.corpus["bytes"].as_f64().unwrap_or(0.0) / 1e6,
            self.corpus["documents"],
            self.corpus["notes"],
            self.corpus["names"],
        );
        out.push_str(&self.rows_to_markdown());
        out
    }

    /// The table of figures alone.
    pub(crate) fn rows_to_markdown(&self) -> String {
        let mut out = "| measure | value | compared | target |\n|---|---:|---|---|\n".to_owned();
        for row in &self.rows {
            out.push_str(&format!(
                "| {} | {:.2} {} | {} | {} |\n",
                row.label, row.value, row.unit, row.comparison, row.target
            ));
        }
        out
    }
}

/// How long a command took and the most memory it held.
pub(crate) struct Run {
    pub(crate) elapsed: Duration,
    pub(crate) peak_bytes: u64,
}

/// Runs a command to completion with its output discarded, sampling its peak
/// resident memory (VmHWM) while it runs.
pub(crate) fn timed(command: &mut Command) -> Result<Run> {
    let line = format!("{command:?}");
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {line}"))?;
    let mut peak_bytes = 0;
    let status = loop {
        peak_bytes = peak_bytes.max(peak_memory(&child).unwrap_or(0));
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    // `dossier` exits 1 when some file failed; the benchmark corpus has none.
    if !status.success() {
        let mut stderr = String::new();
        use std::io::Read;
        child.stderr.take().map(|mut s| s.read_to_string(&mut stderr));
        bail!("{line} failed with {status}: {stderr}");
    }
    Ok(Run { elapsed, peak_bytes })
}

/// The peak resident set of a running process, from /proc.
pub(crate) fn peak_memory(child: &Child) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn mb_per_second(bytes: usize, elapsed: Duration) -> f64 {
    bytes as f64 / 1e6 / elapsed.as_secs_f64()
}

/// The size of the release binary as built (the release profile strips its
/// debug info).
pub(crate) fn binary_size(binary: &Path, report: &mut Report) -> Result<()> {
    let bytes = std::fs::metadata(binary).with_context(|| format!("cannot read {}", binary.display()))?.len();
    report.add("binary_mb", "release binary", bytes as f64 / 1e6, "MB");
    report.note(String::new(), "≤ 80 MB");
    Ok(())
}

/// Reading every byte, and ripgrep counting the names' aliases.
pub(crate) fn baselines(corpus: &Corpus, report: &mut Report) -> Result<()> {
    let start = Instant::now();
    let mut total = 0;
    for entry in walk_files(&corpus.root.join("docs"))? {
        total += std::fs::read(&entry)?.len();
    }
    report.add("read_mb_s", "baseline: read every byte (1 thread)", mb_per_second(total, start.elapsed()), "MB/s");

    ensure_ripgrep()?;
    let aliases: Vec<&str> = corpus
        .names
        .iter()
        .flat_map(|n| n.latin.iter().chain(&n.simplified).chain(&n.traditional))
        .map(String::as_str)
        .collect();
    let patterns = corpus.root.join("../aliases.txt");
    std::fs::write(&patterns, aliases.join("\n") + "\n")?;
    let rg = timed(Command::new("rg").args(["-F", "-c", "-f"]).arg(&patterns).arg(corpus.root.join("docs")))?;
    report.add(
        "rg_mb_s",
        "baseline: ripgrep -F counting the aliases (all threads)",
        mb_per_second(total, rg.elapsed),
        "MB/s",
    );
    Ok(())
}

fn walk_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                stack.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    Ok(files)
}

/// ripgrep is the baseline; install Debian's package when it is missing.
fn ensure_ripgrep() -> Result<()> {
    if Command::new("rg").arg("--version").output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    eprintln!("installing ripgrep for the baseline");
    run_command(
        Command::new("apt-get").args(["install", "-y", "-qq", "ripgrep"]).env("DEBIAN_FRONTEND", "noninteractive"),
    )
    .or_else(|_| {
        run_command(Command::new("apt-get").args(["update", "-qq"]))?;
        run_command(Command::new("apt-get").args(["install", "-y", "-qq", "ripgrep"]))
    })
}

/// `dossier ingest` with one thread and with all, and `dossier terms` (ingest + index).
pub(crate) fn batch(binary: &Path, corpus: &Corpus, report: &mut Report) -> Result<()> {
    let bytes = corpus.document_bytes;
    let ingest = |threads: Option<&str>| -> Result<Run> {
        let mut command = Command::new(binary);
        command.args(["ingest", "--format", "json", "--no-progress"]).arg(corpus.root.join("docs"));
        if let Some(threads) = threads {
            command.env("RAYON_NUM_THREADS", threads);
        }
        timed(&mut command)
    };
    let one = ingest(Some("1"))?;
    report.add("ingest_1_thread_mb_s", "ingestion, 1 thread", mb_per_second(bytes, one.elapsed), "MB/s");
    let all = ingest(None)?;
    let all_mb_s = mb_per_second(bytes, all.elapsed);
    report.add("ingest_all_threads_mb_s", "ingestion, all threads", all_mb_s, "MB/s");
    let rg = report.get("rg_mb_s").unwrap_or(f64::NAN);
    report.note(format!("{:.1}× slower than rg", rg / all_mb_s), "≥ 50 MB/s, within 4× of rg");

    let terms = timed(Command::new(binary).args(["terms", "--format", "json", "--no-progress"]).arg(&corpus.root))?;
    let index = terms.elapsed.saturating_sub(all.elapsed);
    report.add("index_build_s", "index build (terms minus ingestion)", index.as_secs_f64(), "s");
    let peak = one.peak_bytes.max(all.peak_bytes).max(terms.peak_bytes);
    report.add("batch_peak_memory_mb", "peak memory, batch", peak as f64 / 1e6, "MB");
    report.note(String::new(), "≤ 1500 MB");
    Ok(())
}
