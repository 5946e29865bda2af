//! Ingests the files named on the command line and prints what was found,
//! with wall time and peak memory, to compare detector settings by hand:
//! `cargo run --release -p dossier-ingest --example ingest_stats -- seeds/*.txt`.
//! Each document's line ends with hashes of its decoded and normalized
//! texts, so two builds can be compared by their output.
//! The last line sums up: throughput after the first document (which loads
//! the language models) and what a document holds per MB of input.

use std::time::Instant;

use dossier_ingest::{IngestConfig, ingest};

fn main() {
    let config = IngestConfig::default();
    let started = Instant::now();
    let mut totals = Totals::default();
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{path}: {error}");
                continue;
            }
        };
        let file_started = Instant::now();
        match ingest(&path, &bytes, &config) {
            Ok(document) => {
                totals.add(&document, file_started.elapsed());
                let shares: Vec<String> =
                    document.languages.iter().map(|share| format!("{} {:.3}", share.language, share.share)).collect();
                println!(
                    "{path}: {} {} [{}] {} spans, {} text / {} normalized breakpoints, texts {:016x} {:016x}, {:?}",
                    document.encoding,
                    document.language,
                    shares.join(", "),
                    document.spans.len(),
                    document.text_map.breakpoints(),
                    document.normalized().alignment_breakpoints(),
                    xxhash_rust::xxh3::xxh3_64(document.text.as_bytes()),
                    xxhash_rust::xxh3::xxh3_64(document.normalized().text.as_bytes()),
                    file_started.elapsed(),
                );
                for span in &document.spans {
                    let text = String::from_utf8_lossy(&bytes[span.start..span.end]);
                    let shown: String = text.chars().take(60).collect();
                    println!("    {} {:?}", span.language, shown);
                }
            }
            Err(error) => println!("{path}: {error}"),
        }
    }
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| status.lines().find(|line| line.starts_with("VmHWM")).map(str::to_owned))
        .unwrap_or_default();
    eprintln!("total {:?}, {peak}", started.elapsed());
    eprintln!("{}", totals.summary());
}

/// What all documents took together.
#[derive(Default)]
struct Totals {
    documents: usize,
    bytes: usize,
    text_bytes: usize,
    normalized_bytes: usize,
    breakpoints: usize,
    spans: usize,
    /// Ingestion time of every document but the first, which loads the
    /// language models.
    warm: std::time::Duration,
    warm_bytes: usize,
}

impl Totals {
    fn add(&mut self, document: &dossier_ingest::Document, elapsed: std::time::Duration) {
        if self.documents > 0 {
            self.warm += elapsed;
            self.warm_bytes += document.bytes;
        }
        self.documents += 1;
        self.bytes += document.bytes;
        self.text_bytes += document.text.len();
        self.normalized_bytes += document.normalized().text.len();
        self.breakpoints += document.text_map.breakpoints() + document.normalized().alignment_breakpoints();
        self.spans += document.spans.len();
    }

    fn summary(&self) -> String {
        let megabytes = self.bytes as f64 / 1e6;
        // Heap bytes held per document: the two texts, the maps' 12-byte
        // breakpoints and the spans (40 bytes each, tag included).
        let held = self.text_bytes + self.normalized_bytes + 12 * self.breakpoints + 40 * self.spans;
        format!(
            "{} documents, {megabytes:.2} MB; after the first: {:.1} MB/s on one thread; held per MB of input: \
             {:.2} MB ({:.3} MB of alignment maps, {} breakpoints)",
            self.documents,
            self.warm_bytes as f64 / 1e6 / self.warm.as_secs_f64().max(1e-9),
            held as f64 / 1e6 / megabytes.max(1e-9),
            12.0 * self.breakpoints as f64 / 1e6 / megabytes.max(1e-9),
            self.breakpoints,
        )
    }
}
