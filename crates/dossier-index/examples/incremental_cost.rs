//! What one changed file costs: builds the index of every file under a
//! folder with an [`IndexBuilder`], then changes one document (a sentence
//! added at its end) and one note, builds again after each, and checks that
//! every version equals a build from scratch of the same sources.
//!
//! `cargo run --release -p dossier-index --example incremental_cost -- target/bench/corpus`

use std::{sync::Arc, time::Instant};

use dossier_index::{Index, IndexBuilder, Source, SourceKind};
use dossier_ingest::{IngestConfig, ingest};

fn main() {
    let root = std::env::args().nth(1).expect("a folder");
    let mut paths = Vec::new();
    let mut folders = vec![std::path::PathBuf::from(root)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a readable folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "txt" || e == "md") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    // Detection does not matter here: skip it.
    let config = IngestConfig { languages: Some(vec!["und".to_owned()]), ..IngestConfig::default() };
    let source = |path: &str, bytes: &[u8]| {
        let kind = if path.ends_with(".md") { SourceKind::Note } else { SourceKind::Document };
        Arc::new(Source { kind, document: ingest(path, bytes, &config).expect("an ingestible file") })
    };
    let mut sources: Vec<Arc<Source>> = paths
        .iter()
        .map(|p| source(p.to_str().expect("a UTF-8 path"), &std::fs::read(p).expect("a readable file")))
        .collect();
    let bytes: usize = sources.iter().map(|s| s.document.text.len()).sum();
    println!("{} sources, {:.1} MB", sources.len(), bytes as f64 / 1e6);

    let mut builder = IndexBuilder::new();
    let timed = |builder: &mut IndexBuilder, sources: &[Arc<Source>], what: &str| {
        let start = Instant::now();
        let index = builder.build(sources.to_vec());
        let mentions: usize = index.terms().iter().map(|t| t.mention_count).sum();
        println!("{what}: {:.1?} ({} terms, {mentions} mentions)", start.elapsed(), index.terms().len());
        index
    };
    timed(&mut builder, &sources, "first build");
    timed(&mut builder, &sources, "same sources");

    let document = sources.iter().position(|s| s.kind == SourceKind::Document).expect("a document");
    let changed = format!("{}\nJack Ma met Zhang Yong in Hangzhou.\n", sources[document].document.text);
    sources[document] = source(&sources[document].document.path.clone(), changed.as_bytes());
    let index = timed(&mut builder, &sources, "one document changed");
    check(&index, &sources);

    if let Some(note) = sources.iter().position(|s| s.kind == SourceKind::Note) {
        let changed = format!("{}\nMore about 淘宝 and Ant Group.\n", sources[note].document.text);
        sources[note] = source(&sources[note].document.path.clone(), changed.as_bytes());
        let index = timed(&mut builder, &sources, "one note changed");
        check(&index, &sources);
    }
}

/// Panics unless `index` equals a build from scratch.
fn check(index: &Index, sources: &[Arc<Source>]) {
    let start = Instant::now();
    let scratch = Index::build(sources.to_vec());
    println!("  from scratch: {:.1?}", start.elapsed());
    assert_eq!(index.terms().len(), scratch.terms().len());
    for (a, b) in index.terms().iter().zip(scratch.terms()) {
        assert_eq!(
            (&a.label, &a.aliases, &a.sources, &a.definition),
            (&b.label, &b.aliases, &b.sources, &b.definition)
        );
        assert!(index.mentions(a.id).eq(scratch.mentions(b.id)), "the mentions of {}", a.label);
    }
    println!("  equal to the build from scratch");
}
