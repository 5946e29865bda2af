//! Where the time of a notes vault goes, without the protocol: loads a
//! workspace (`cargo xtask bench --vault` generates one), builds the index,
//! then times one edited note's rebuild, every note's diagnostics, and the
//! backlinks of the most linked note.
//!
//! `cargo run --release -p dossier-lsp --example vault_cost -- target/bench/vault`

use std::{path::PathBuf, sync::Arc, time::Instant};

use dossier_ide::{diagnostics::note_diagnostics, navigation};
use dossier_index::{IndexBuilder, Source, SourceKind};
use dossier_workspace::{WorkspaceConfig, load_workspace};

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("a workspace folder")).canonicalize().unwrap();
    let config = WorkspaceConfig::load(&root).unwrap_or_default();
    let start = Instant::now();
    let loaded = load_workspace(&root, &config, &|_, _| {});
    println!("load: {:.0?} ({} sources)", start.elapsed(), loaded.sources.len());
    let mut builder = IndexBuilder::new();
    let start = Instant::now();
    let index = builder.build(loaded.sources.clone());
    println!("first build: {:.0?}", start.elapsed());

    let mut sources = loaded.sources.clone();
    let edited = sources.iter().position(|s| s.kind == SourceKind::Note).expect("a note");
    let text = format!("{}\n[[Nowhere at all]]\n", sources[edited].document.text);
    let document = dossier_ingest::ingest(&sources[edited].document.path, text.as_bytes(), &config.ingest).unwrap();
    sources[edited] = Arc::new(Source { kind: SourceKind::Note, document });
    for round in 0..3 {
        let start = Instant::now();
        let _ = builder.build(sources.clone());
        println!("rebuild after one edited note ({round}): {:.0?}", start.elapsed());
    }

    let problems = index.problems();
    let start = Instant::now();
    let mut count = 0;
    for source in index.sources().iter().filter(|s| s.kind == SourceKind::Note) {
        count += note_diagnostics(&index, &problems, &source.document.path, &|_| false).len();
    }
    println!("diagnostics of every note: {:.0?} ({count})", start.elapsed());

    let hub = index.sources().iter().max_by_key(|s| index.backlink_count(&s.document.path)).expect("a source");
    let path = &hub.document.path;
    let title = index.note_title(path).map(|(_, range)| range.start).unwrap_or(0);
    for _ in 0..3 {
        let start = Instant::now();
        let found = navigation::references(&index, path, title, false);
        let backlinks = index.backlink_count(path);
        println!("references of {path}: {:.1?} ({} locations, {backlinks} backlinks)", start.elapsed(), found.len());
    }
}
