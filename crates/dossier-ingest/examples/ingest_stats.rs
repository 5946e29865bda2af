//! Ingests the files named on the command line and prints what was found,
//! with wall time and peak memory, to compare detector settings by hand:
//! `cargo run --release -p dossier-ingest --example ingest_stats -- seeds/*.txt`.

use std::time::Instant;

use dossier_ingest::{IngestConfig, ingest};

fn main() {
    let config = IngestConfig::default();
    let started = Instant::now();
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
                let shares: Vec<String> =
                    document.languages.iter().map(|share| format!("{} {:.3}", share.language, share.share)).collect();
                println!(
                    "{path}: {} {} [{}] {} spans, {} text / {} normalized breakpoints, {:?}",
                    document.encoding,
                    document.language,
                    shares.join(", "),
                    document.spans.len(),
                    document.text_map.breakpoints(),
                    document.normalized.alignment_breakpoints(),
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
}
