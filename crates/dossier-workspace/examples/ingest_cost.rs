//! Measures what the persisted cache saves: full ingestion of every file
//! under a folder against ingestion with language detection switched off
//! (what a cache hit costs), the sizes of the parts of the documents, and
//! what building the index over them costs in time and resident memory.
//!
//! `cargo run --release -p dossier-workspace --example ingest_cost -- target/bench/corpus`

use std::{path::PathBuf, time::Instant};

use std::sync::Arc;

use dossier_index::{Index, Source, SourceKind};
use dossier_ingest::{IngestConfig, ingest};
use dossier_workspace::walk;

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("a folder"));
    let (files, _) = walk(&[root]);
    let bytes: Vec<(String, Vec<u8>)> =
        files.iter().map(|f| (f.display.clone(), std::fs::read(&f.path).unwrap_or_default())).collect();
    let total: usize = bytes.iter().map(|(_, b)| b.len()).sum();
    println!("{} files, {:.1} MB", bytes.len(), total as f64 / 1e6);
    println!("resident before ingestion: {:.0} MB", resident_mb());
    let time = |config: &IngestConfig| {
        let start = Instant::now();
        let documents: Vec<_> = bytes.iter().filter_map(|(path, b)| ingest(path, b, config).ok()).collect();
        (start.elapsed(), documents)
    };
    // Load the models first, so that neither figure includes them.
    let _ = ingest("warm.txt", b"Hello world, this is English text.", &IngestConfig::default());
    let (full, documents) = time(&IngestConfig::default());
    let cheap_config = IngestConfig { languages: Some(vec!["und".to_owned()]), ..IngestConfig::default() };
    let (cheap, _) = time(&cheap_config);
    println!("full ingestion {full:.2?}, without detection {cheap:.2?} (one thread)");
    let text: usize = documents.iter().map(|d| d.text.len()).sum();
    let normalized: usize = documents.iter().map(|d| d.normalized().text.len()).sum();
    let alignment: usize = documents.iter().map(|d| d.normalized().alignment_breakpoints()).sum();
    let text_map: usize = documents.iter().map(|d| d.text_map.breakpoints()).sum();
    let spans: usize = documents.iter().map(|d| d.spans.len()).sum();
    println!(
        "text {:.1} MB, normalized {:.1} MB, alignment breakpoints {alignment}, text map breakpoints {text_map}, spans {spans}",
        text as f64 / 1e6,
        normalized as f64 / 1e6
    );
    println!("resident with the documents: {:.0} MB", resident_mb());
    let sources: Vec<Arc<Source>> = documents
        .into_iter()
        .map(|document| {
            let kind = if document.path.ends_with(".md") { SourceKind::Note } else { SourceKind::Document };
            Arc::new(Source { kind, document })
        })
        .collect();
    for run in 0..2 {
        let start = Instant::now();
        let index = Index::build(sources.clone());
        let mentions: usize = index.terms().iter().map(|term| term.mention_count).sum();
        println!(
            "index build {run}: {:.2?}, {} terms, {mentions} mentions, resident {:.0} MB",
            start.elapsed(),
            index.terms().len(),
            resident_mb()
        );
    }
}

/// The process's resident set size, from `/proc` (NaN elsewhere).
fn resident_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| status.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|line| line.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
