//! Where the time of find-references goes, without the protocol: loads a
//! workspace, builds the index, then for the term under each note's heading
//! (what `cargo xtask bench` asks about) times its hover card, then the
//! analysis of its references, the conversion of every range to LSP
//! positions, the URIs, and the JSON of the answer.
//!
//! `cargo run --release -p dossier-lsp --example references_cost -- target/bench/corpus`

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use dossier_ide::{hover, navigation};
use dossier_index::{Index, SourceKind};
use dossier_ingest::{LineIndex, PositionEncoding};
use dossier_lsp::to_proto;
use dossier_workspace::{WorkspaceConfig, load_workspace};

/// The costs of one note's term.
struct Row {
    count: usize,
    hovered: Duration,
    analysis: Duration,
    positions: Duration,
    positions_per_file: Duration,
    uris: Duration,
    to_value: Duration,
    to_text: Duration,
    drop_value: Duration,
    direct: Duration,
    chunked: Duration,
    value_bytes: usize,
    bytes: usize,
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("a workspace folder")).canonicalize().unwrap();
    let config = WorkspaceConfig::load(&root).unwrap_or_default();
    let loaded = load_workspace(&root, &config, &|_, _| {});
    let index = Index::build(loaded.sources);
    let lines: Vec<LineIndex> = index.sources().iter().map(|s| LineIndex::new(&s.document.text)).collect();
    let encoding = PositionEncoding::Utf16;
    let notes: Vec<_> = index.sources().iter().filter(|s| s.kind == SourceKind::Note).cloned().collect();
    let mut rows = Vec::new();
    for note in &notes {
        let text = &note.document.text;
        let Some(heading) = text.find("\n# ").map(|at| at + 4) else { continue };
        let start = Instant::now();
        let card = hover::hover(&index, &note.document.path, heading);
        let markdown = card.map(|card| card.to_markdown(&to_proto::file_link)).unwrap_or_default();
        let hovered = start.elapsed();
        std::hint::black_box(markdown);
        let start = Instant::now();
        let found = navigation::references(&index, &note.document.path, heading, true);
        let analysis = start.elapsed();
        let start = Instant::now();
        // Counting columns on from the last start in the same file, as the server's view does.
        let mut last_start = None;
        let mut last_path: Option<&str> = None;
        let ranges: Vec<_> = found
            .iter()
            .filter_map(|range| {
                let at = index.sources().binary_search_by(|s| s.document.path.as_str().cmp(&range.path)).ok()?;
                let text = &index.sources()[at].document.text;
                if last_path != Some(&*range.path) {
                    (last_path, last_start) = (Some(&*range.path), None);
                }
                Some(to_proto::range_after(&lines[at], text, range.range.clone(), encoding, &mut last_start))
            })
            .collect();
        let positions = start.elapsed();
        // For comparison: the source looked up once per run of locations in
        // the same file (they come sorted by path) instead of once per location.
        let start = Instant::now();
        let mut last: Option<(&std::sync::Arc<str>, usize)> = None;
        let mut last_start = None;
        let per_file: Vec<_> = found
            .iter()
            .filter_map(|range| {
                let at = match last {
                    Some((path, at)) if std::sync::Arc::ptr_eq(path, &range.path) || **path == *range.path => at,
                    _ => {
                        let at =
                            index.sources().binary_search_by(|s| s.document.path.as_str().cmp(&range.path)).ok()?;
                        (last, last_start) = (Some((&range.path, at)), None);
                        at
                    }
                };
                let text = &index.sources()[at].document.text;
                Some(to_proto::range_after(&lines[at], text, range.range.clone(), encoding, &mut last_start))
            })
            .collect();
        let positions_per_file = start.elapsed();
        assert_eq!(per_file, ranges);
        let start = Instant::now();
        // One URI per file, as the server's view does (locations come sorted by path).
        let mut last: Option<(&str, tower_lsp_server::ls_types::Uri)> = None;
        let locations: Vec<_> = found
            .iter()
            .zip(ranges)
            .filter_map(|(range, lsp_range)| {
                let uri = match &last {
                    Some((path, uri)) if *path == &*range.path => uri.clone(),
                    _ => {
                        let uri = to_proto::uri(std::path::Path::new(&*range.path))?;
                        last = Some((&range.path, uri.clone()));
                        uri
                    }
                };
                Some((uri, lsp_range))
            })
            .collect();
        let uris = start.elapsed();
        let locations: Vec<_> =
            locations.into_iter().map(|(uri, range)| tower_lsp_server::ls_types::Location { uri, range }).collect();
        // As `tower-lsp-server` answers: into a `serde_json::Value`, then the
        // value to text, then the value dropped.
        let resident = resident_bytes();
        let start = Instant::now();
        let value = serde_json::to_value(&locations).unwrap();
        let to_value = start.elapsed();
        let value_bytes = resident_bytes().saturating_sub(resident);
        let start = Instant::now();
        let bytes = serde_json::to_string(&value).unwrap().len();
        let to_text = start.elapsed();
        let start = Instant::now();
        drop(value);
        let drop_value = start.elapsed();
        // For comparison: the same text written straight from the locations.
        let start = Instant::now();
        std::hint::black_box(serde_json::to_string(&locations).unwrap());
        let direct = start.elapsed();
        let start = Instant::now();
        for chunk in locations.chunks(1000) {
            let value = serde_json::to_value(chunk).unwrap();
            std::hint::black_box(serde_json::to_string(&value).unwrap());
        }
        let chunked = start.elapsed();
        rows.push(Row {
            count: found.len(),
            hovered,
            analysis,
            positions,
            positions_per_file,
            uris,
            to_value,
            to_text,
            drop_value,
            direct,
            chunked,
            value_bytes,
            bytes,
        });
    }
    rows.sort_by_key(|row| std::cmp::Reverse(row.count));
    println!(
        "locations | hover | analysis | positions | (per file) | URIs | to Value | Value to text | drop Value | (direct text) | (chunked) | Value MB | bytes"
    );
    for row in rows.iter().take(8) {
        println!(
            "{} | {:.2?} | {:.2?} | {:.2?} | ({:.2?}) | {:.2?} | {:.2?} | {:.2?} | {:.2?} | ({:.2?}) | ({:.2?}) | {:.0} | {}",
            row.count,
            row.hovered,
            row.analysis,
            row.positions,
            row.positions_per_file,
            row.uris,
            row.to_value,
            row.to_text,
            row.drop_value,
            row.direct,
            row.chunked,
            row.value_bytes as f64 / 1e6,
            row.bytes,
        );
    }
}

/// The resident set of this process, from /proc (0 where there is none):
/// what the answer's `serde_json::Value` adds to it is its memory, near
/// enough, for the first answer (the first note's term, the most
/// mentioned); later ones reuse memory the allocator kept.
fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096
}
