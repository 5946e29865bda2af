//! Publishing the notes' diagnostics: each version's problems and broken
//! links (from `dossier-ide`, over the index's resolved links), converted to
//! LSP only for the notes whose problems or text changed, and sent only when
//! they differ from what the client already has.
//!
//! A version costs one pass over the notes' resolved links (no file is read
//! and no link resolved here) plus the conversion of the notes that changed:
//! an edited note, and the notes whose links it made or broke.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use dossier_ide::diagnostics::{NoteDiagnostic, note_diagnostics};
use dossier_index::{Index, NoteProblem, SourceKind};
use dossier_ingest::{LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::to_proto;

/// What the client was last sent for one note.
struct Published {
    /// The content hash of the note's text the ranges were converted in.
    hash: String,
    found: Vec<NoteDiagnostic>,
}

/// The diagnostics last published, by note.
#[derive(Default)]
pub(crate) struct PublishedDiagnostics {
    by_path: HashMap<PathBuf, Published>,
}

impl PublishedDiagnostics {
    /// The diagnostics of every note of `index` that differ from the ones
    /// last published (an empty list for a note whose problems are gone).
    /// `exists` says whether a link's target is a file of the workspace.
    pub(crate) fn update(
        &mut self,
        index: &Index,
        versions: &HashMap<PathBuf, i32>,
        encoding: PositionEncoding,
        exists: &dyn Fn(&Path) -> bool,
    ) -> Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)> {
        let mut problems: HashMap<Arc<str>, Vec<NoteProblem>> = HashMap::new();
        for problem in index.problems() {
            problems.entry(Arc::clone(&problem.location.path)).or_default().push(problem);
        }
        let mut previous = std::mem::take(&mut self.by_path);
        let mut changed = Vec::new();
        for source in index.sources().iter().filter(|s| s.kind == SourceKind::Note) {
            let document = &source.document;
            let path = PathBuf::from(&document.path);
            let own = problems.get(document.path.as_str()).map_or(&[][..], Vec::as_slice);
            let found = note_diagnostics(index, own, &document.path, exists);
            // Only notes with diagnostics are kept: `had` says the client shows some.
            let had = match previous.remove(&path) {
                Some(old) if old.found == found && old.hash == document.hash => {
                    self.by_path.insert(path, old);
                    continue;
                }
                old => old.is_some(),
            };
            if found.is_empty() {
                if had && let Some(uri) = to_proto::uri(&path) {
                    changed.push((uri, Vec::new(), versions.get(&path).copied()));
                }
                continue;
            }
            let lines = LineIndex::new(&document.text);
            let text = &document.text;
            let diagnostics: Vec<lsp::Diagnostic> =
                found.iter().map(|d| to_proto::diagnostic(&lines, text, d.clone(), encoding)).collect();
            if let Some(uri) = to_proto::uri(&path) {
                changed.push((uri, diagnostics, versions.get(&path).copied()));
            }
            self.by_path.insert(path, Published { hash: document.hash.clone(), found });
        }
        // Notes that are gone, or no longer notes: their diagnostics are cleared.
        for path in previous.into_keys() {
            if let Some(uri) = to_proto::uri(&path) {
                changed.push((uri, Vec::new(), versions.get(&path).copied()));
            }
        }
        changed
    }
}
