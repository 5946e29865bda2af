//! One immutable version of everything requests read: the index, each
//! source's lines, and the buffer texts it was built from. The worker
//! builds one per rebuild and swaps it in (`state/mod.rs`).

use std::{collections::HashMap, path::PathBuf, sync::Arc};

use dossier_index::{Index, SourceKind};
use dossier_ingest::LineIndex;

use super::status::{Status, StatusState};

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
    pub(super) fn source_index(&self, path: &str) -> Option<usize> {
        self.index.sources().binary_search_by(|source| source.document.path.as_str().cmp(path)).ok()
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
