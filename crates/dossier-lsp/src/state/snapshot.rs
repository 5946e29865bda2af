//! One immutable version of everything requests read: the index, each
//! source's lines, and the buffer texts it was built from. The worker
//! builds one per rebuild and swaps it in (`state/mod.rs`).

use std::{
    collections::HashMap,
    hash::BuildHasherDefault,
    path::{Path, PathBuf},
    sync::{Arc, OnceLock},
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
    /// Per-source values made when a request first needs them.
    pub(crate) lazy: Lazy,
}

/// Per source, its URI as a JSON string, written on first use.
type UriJson = Box<[OnceLock<Option<Arc<str>>>]>;

/// What a [`Snapshot`] makes of its sources on first use: an answer of
/// thousands of locations in thousands of files finds each file's source
/// and writes its URI once per snapshot rather than once per answer.
#[derive(Debug, Default)]
pub(crate) struct Lazy {
    /// Each source's position in the index's sources, by path.
    positions: OnceLock<HashMap<Box<str>, u32, BuildHasherDefault<FxHasher>>>,
    /// Each source's URI as a JSON string (`None` for a path that makes no URI).
    uri_json: OnceLock<UriJson>,
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
        let positions = self.lazy.positions.get_or_init(|| {
            let sources = self.index.sources().iter().enumerate();
            sources.map(|(at, source)| (Box::from(source.document.path.as_str()), at as u32)).collect()
        });
        positions.get(path).map(|&at| at as usize)
    }

    /// The URI of the source at `at` as a JSON string.
    pub(super) fn uri_json(&self, at: usize) -> Option<Arc<str>> {
        let sources = self.index.sources();
        let all = self.lazy.uri_json.get_or_init(|| sources.iter().map(|_| OnceLock::new()).collect());
        all.get(at)?
            .get_or_init(|| {
                let uri = to_proto::uri(Path::new(&sources[at].document.path))?;
                serde_json::to_string(&uri).ok().map(Arc::from)
            })
            .clone()
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
