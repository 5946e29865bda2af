//! Test fixtures: several files in one string, a `$0` cursor marker, and an
//! index built from them with the real ingestion.
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

/// The cursor marker.
pub(crate) const CURSOR: &str = "$0";

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
    let mut files: Vec<(String, String)> = Vec::new();
    if text.trim_start().starts_with("//- ") {
        for line in text.trim_start().split_inclusive('\n') {
            match line.strip_prefix("//- ") {
                Some(path) => files.push((path.trim().to_owned(), String::new())),
                None => files.last_mut().unwrap().1.push_str(line),
            }
        }
    } else {
        files.push(("/note.md".to_owned(), text.to_owned()));
    }
    let mut cursor = None;
    let mut sources = Vec::new();
    for (path, mut content) in files {
        if let Some(offset) = content.find(CURSOR) {
            content.replace_range(offset..offset + CURSOR.len(), "");
            cursor = Some((path.clone(), offset));
        }
        let kind = if path.ends_with(".md") { SourceKind::Note } else { SourceKind::Document };
        let document = dossier_ingest::ingest(&path, content.as_bytes(), &IngestConfig::default()).unwrap();
        sources.push(Arc::new(Source { kind, document }));
    }
    sources.sort_by(|a, b| a.document.path.cmp(&b.document.path));
    let first = sources[0].document.path.clone();
    let (path, offset) = cursor.unwrap_or((first, 0));
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
