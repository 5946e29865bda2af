//! Measures what the persisted cache saves: full ingestion of every file
//! under a folder against ingestion with language detection switched off
//! (what a cache hit costs), and the sizes of the parts of the documents.
//!
//! `cargo run --release -p dossier-workspace --example ingest_cost -- target/bench/corpus`

use std::{path::PathBuf, time::Instant};

use dossier_ingest::{IngestConfig, ingest};
use dossier_workspace::walk;

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("a folder"));
    let (files, _) = walk(&[root]);
    let bytes: Vec<(String, Vec<u8>)> =
        files.iter().map(|f| (f.display.clone(), std::fs::read(&f.path).unwrap_or_default())).collect();
    let total: usize = bytes.iter().map(|(_, b)| b.len()).sum();
    println!("{} files, {:.1} MB", bytes.len(), total as f64 / 1e6);
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
    let normalized: usize = documents.iter().map(|d| d.normalized.text.len()).sum();
    let alignment: usize = documents.iter().map(|d| d.normalized.alignment_breakpoints()).sum();
    let text_map: usize = documents.iter().map(|d| d.text_map.breakpoints()).sum();
    let spans: usize = documents.iter().map(|d| d.spans.len()).sum();
    println!(
        "text {:.1} MB, normalized {:.1} MB, alignment breakpoints {alignment}, text map breakpoints {text_map}, spans {spans}",
        text as f64 / 1e6,
        normalized as f64 / 1e6
    );
}
