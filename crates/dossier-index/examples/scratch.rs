//! Scratch: prints the terms of a text file.
use std::sync::Arc;

use dossier_index::{Index, Source, SourceKind};
use dossier_ingest::{IngestConfig, ingest};

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let document = ingest(&path, text.as_bytes(), &IngestConfig::default()).unwrap();
    let index = Index::build(vec![Arc::new(Source { kind: SourceKind::Document, document })]);
    for term in index.terms() {
        let aliases: Vec<String> = term.aliases.iter().map(|a| a.text.to_string()).collect();
        println!("{} [{:?}] {}: {}", term.label, term.kind, term.mention_count, aliases.join(", "));
    }
    for q in std::env::args().skip(2) {
        println!("{q} -> {:?}", index.lookup(&q).map(|id| index.term(id).label.clone()));
    }
}
