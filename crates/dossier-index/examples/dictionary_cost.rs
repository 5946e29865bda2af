//! What the built-in dictionary costs, and what it links: the time and
//! resident memory of the first `Index::build` (which parses CC-CEDICT), then
//! an index of the files given on the command line with every term that has a
//! dictionary alias or gloss.
//!
//! `cargo run --release -p dossier-index --example dictionary_cost -- seeds/*.txt`

use std::{sync::Arc, time::Instant};

use dossier_index::{AliasSource, Index, Source, SourceKind};
use dossier_ingest::{IngestConfig, ingest};

/// The resident set size in KiB, from `/proc/self/status` (0 elsewhere).
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let before = resident_kib();
    let start = Instant::now();
    Index::build(Vec::new());
    let parse = start.elapsed();
    println!("first build (parses the dictionary): {parse:.1?}, resident memory +{} KiB", resident_kib() - before);

    let mut sources = Vec::new();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("readable file");
        let kind = if path.ends_with(".md") { SourceKind::Note } else { SourceKind::Document };
        let document = ingest(&path, &bytes, &IngestConfig::default()).expect("ingestible file");
        sources.push(Arc::new(Source { kind, document }));
    }
    let start = Instant::now();
    let index = Index::build(sources);
    println!("index of the given files: {:.1?}", start.elapsed());
    for term in index.terms() {
        let dictionary: Vec<&str> =
            term.aliases.iter().filter(|a| a.source == AliasSource::Dictionary).map(|a| a.text.as_str()).collect();
        if dictionary.is_empty() {
            continue;
        }
        let aliases: Vec<&str> = term.aliases.iter().map(|a| a.text.as_str()).collect();
        println!("{} [{:?}] {} mentions: {}", term.label, term.kind, term.mention_count, aliases.join(", "));
        if let Some(gloss) = &term.gloss {
            println!("    {} [{}] {}", gloss.simplified, gloss.pinyin, gloss.text);
        }
    }
}
