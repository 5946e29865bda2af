//! Test fixtures: several files in one string, a `$0` cursor marker
//! (parsed by `dossier_test_support::Fixture`), and an index built from
//! them with the real ingestion.
//!
//! ```text
//! //- /notes/wu.md
//! # Wu Yongming
//! //- /corpus/a.txt
//! 吴泳铭$0接任
//! ```
//!
//! A fixture without `//- ` headers is one note, `/note.md`. Files ending in
//! `.md` are notes; the others are documents.

use std::sync::Arc;

use dossier_index::{Index, Source, SourceKind};
use dossier_ingest::IngestConfig;

/// An index over a fixture's files, and the cursor's place.
pub(crate) struct Fixture {
    pub(crate) index: Index,
    /// The file holding the cursor (or the first file).
    pub(crate) path: String,
    /// The cursor's byte offset in that file's text (0 without a marker).
    pub(crate) offset: usize,
}

impl Fixture {
    /// The text of the cursor's file.
    pub(crate) fn text(&self) -> &str {
        crate::source_text(&self.index, &self.path).unwrap()
    }
}

/// Parses a fixture and builds its index.
pub(crate) fn fixture(text: &str) -> Fixture {
    let parsed = dossier_test_support::Fixture::parse(text, "/note.md");
    let mut sources = Vec::new();
    for file in &parsed.files {
        let kind = if file.is_note() { SourceKind::Note } else { SourceKind::Document };
        let document = dossier_ingest::ingest(&file.path, file.text.as_bytes(), &IngestConfig::default()).unwrap();
        sources.push(Arc::new(Source { kind, document }));
    }
    sources.sort_by(|a, b| a.document.path.cmp(&b.document.path));
    let first = sources[0].document.path.clone();
    let (path, offset) = parsed.cursor.unwrap_or((first, 0));
    Fixture { index: Index::build(sources), path, offset }
}

/// Renders ranges as `path start..end "text"` lines, for snapshots.
pub(crate) fn render_ranges(index: &Index, ranges: &[crate::FileRange]) -> String {
    let mut out = String::new();
    for range in ranges {
        let text = crate::source_text(index, &range.path).map_or("", |text| crate::slice(text, range.range.clone()));
        out.push_str(&format!("{range} {text:?}\n"));
    }
    out
}
