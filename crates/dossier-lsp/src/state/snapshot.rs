//! One immutable version of everything requests read: the index, each
//! source's lines, and the buffer texts it was built from. The worker
//! builds one per rebuild and swaps it in (`state/mod.rs`).

use std::{
    collections::HashMap,
    hash::BuildHasherDefault,
    path::{Path, PathBuf},
    sync::Arc,
};

use dossier_index::{Index, SourceKind};
use dossier_ingest::LineIndex;
use rustc_hash::FxHasher;

use super::status::{Status, StatusState};
use crate::to_proto;

/// One immutable version of everything requests read.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// The index over every root's sources, open buffers included.
    pub(crate) index: Arc<Index>,
    /// The lines of each source, in the order of `index.sources()`; shared
    /// with earlier snapshots for the sources that did not change.
    pub(crate) lines: Vec<Arc<LineIndex>>,
    /// The text of each open buffer the index was built from. A buffer is
    /// unedited since the build only when it is this very text: a buffer
    /// closed and reopened starts again at version 1 with other text.
    pub(crate) buffer_texts: HashMap<PathBuf, Arc<str>>,
    /// Whether the first ingestion has finished.
    pub(crate) ready: bool,
    /// While the first ingestion goes on, the index is of the files read so
    /// far: (files indexed, files found). `None` once it is whole.
    pub(crate) indexing: Option<(usize, usize)>,
    /// How many folders of the roots could not be watched.
    pub(crate) unwatched: usize,
    /// Each source's position by path and URI as JSON, made with the
    /// snapshot.
    pub(crate) tables: Arc<SourceTables>,
}

/// What a [`Snapshot`] keeps per source for answers of thousands of
/// locations in thousands of files: each file's source found by a hash of
/// its path, and its URI already written as JSON. Made by the worker when it
/// makes the snapshot (see `worker::SourceCache`), so that no request pays
/// for them: a map of 10,000 paths took the first request after each new
/// snapshot about a millisecond, and the URIs of a note's 6,000 backlinks
/// several more.
#[derive(Debug, Default)]
pub(crate) struct SourceTables {
    /// Each source's position in the index's sources, by path.
    positions: HashMap<Box<str>, u32, BuildHasherDefault<FxHasher>>,
    /// Each source's URI as a JSON string, in the order of the index's
    /// sources (`None` for a path that makes no URI).
    uri_json: Vec<Option<Arc<str>>>,
}

impl SourceTables {
    /// The tables of `index`'s sources, whose URIs as JSON strings are
    /// `uri_json` (in the order of the sources; see [`uri_json`]).
    pub(crate) fn new(index: &Index, uri_json: Vec<Option<Arc<str>>>) -> SourceTables {
        let sources = index.sources().iter().enumerate();
        let positions = sources.map(|(at, source)| (Box::from(source.document.path.as_str()), at as u32)).collect();
        SourceTables { positions, uri_json }
    }

    /// The tables of `index`'s sources, every URI written anew.
    #[cfg(test)]
    pub(crate) fn of(index: &Index) -> SourceTables {
        SourceTables::new(index, index.sources().iter().map(|source| uri_json(&source.document.path)).collect())
    }
}

/// The `file:` URI of a source's path as a JSON string.
pub(crate) fn uri_json(path: &str) -> Option<Arc<str>> {
    let uri = to_proto::uri(Path::new(path))?;
    serde_json::to_string(&uri).ok().map(Arc::from)
}

impl Snapshot {
    /// The decoded text of a source of the index.
    pub(crate) fn text(&self, path: &str) -> Option<&str> {
        dossier_ide::source_text(&self.index, path)
    }

    /// The decoded text and the lines of a source of the index.
    pub(crate) fn text_and_lines(&self, path: &str) -> Option<(&str, &LineIndex)> {
        self.text_and_lines_at(self.source_index(path)?)
    }

    /// The position of the source at `path` in the index's sources.
    pub(crate) fn source_index(&self, path: &str) -> Option<usize> {
        self.tables.positions.get(path).map(|&at| at as usize)
    }

    /// The URI of the source at `at` as a JSON string.
    pub(crate) fn uri_json(&self, at: usize) -> Option<&Arc<str>> {
        self.tables.uri_json.get(at)?.as_ref()
    }

    pub(super) fn text_and_lines_at(&self, at: usize) -> Option<(&str, &LineIndex)> {
        Some((self.index.sources().get(at)?.document.text.as_str(), self.lines.get(at)?))
    }

    /// The counts and state for `dossier/status`.
    pub(crate) fn status(&self) -> Status {
        let count = |kind| self.index.sources().iter().filter(|s| s.kind == kind).count();
        Status {
            documents: count(SourceKind::Document),
            notes: count(SourceKind::Note),
            terms: self.index.terms().len(),
            state: if self.ready { StatusState::Ready } else { StatusState::Ingesting },
            unwatched: self.unwatched,
        }
    }
}
