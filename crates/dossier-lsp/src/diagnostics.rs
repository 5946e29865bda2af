//! Publishing the notes' diagnostics: each version's problems and broken
//! links (from `dossier-ide`, over the index's resolved links), converted to
//! LSP only for the notes whose problems or text changed, and sent only when
//! they differ from what the client already has.
//!
//! A version costs one pass over the notes' resolved links (no file is read
//! and no link resolved here) plus the conversion of the notes that changed:
//! an edited note, and the notes whose links it made or broke. An edited
//! note's own diagnostics are published before the next version is built
//! ([`PublishedDiagnostics::edited`]) when the last version can tell them.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use dossier_ide::diagnostics::{NoteDiagnostic, edited_note_diagnostics, note_diagnostics};
use dossier_index::{Index, NoteProblem, SourceKind};
use dossier_ingest::{LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::to_proto;

/// Whether `path` (resolved, as link targets are) names something inside
/// one of `roots`. Nothing outside them is ever looked at: a note's link to
/// `/net/host/x` must not make the server touch that path (a stalled network
/// mount, or an oracle of which files exist).
pub(crate) fn exists_under<'a>(mut roots: impl Iterator<Item = &'a Path>, path: &Path) -> bool {
    let inside = !path.components().any(|c| matches!(c, std::path::Component::ParentDir));
    inside && roots.any(|root| path.starts_with(root)) && path.exists()
}

/// A note's text in a buffer, newer than the index.
pub(crate) struct EditedNote<'a> {
    pub(crate) path: &'a Path,
    pub(crate) text: &'a str,
    /// Its content hash ([`dossier_ingest::content_hash`]).
    pub(crate) hash: String,
}

/// What the client was last sent for one note.
#[derive(Debug)]
struct Published {
    /// The content hash of the note's text the ranges were converted in.
    hash: String,
    found: Vec<NoteDiagnostic>,
}

/// The diagnostics last published, by note.
#[derive(Debug, Default)]
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
            changed.extend(self.converted(path, &document.text, &document.hash, found, versions, encoding));
        }
        // Notes that are gone, or no longer notes: their diagnostics are cleared.
        for path in previous.into_keys() {
            if let Some(uri) = to_proto::uri(&path) {
                changed.push((uri, Vec::new(), versions.get(&path).copied()));
            }
        }
        changed
    }

    /// The diagnostics of the `edited` notes (their new texts, not yet
    /// indexed) that differ from the ones last published, found in `index`,
    /// the last version, for the notes whose diagnostics it can tell (see
    /// `edited_note_diagnostics`): they are sent while the next version is
    /// built, which then sends them again only if they differ.
    pub(crate) fn edited(
        &mut self,
        index: &Index,
        edited: &[EditedNote<'_>],
        versions: &HashMap<PathBuf, i32>,
        encoding: PositionEncoding,
        exists: &dyn Fn(&Path) -> bool,
    ) -> Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)> {
        let mut changed = Vec::new();
        for note in edited {
            let Some(display) = note.path.to_str() else { continue };
            let problems: Vec<NoteProblem> =
                index.problems().into_iter().filter(|problem| &*problem.location.path == display).collect();
            let Some(found) = edited_note_diagnostics(index, &problems, display, note.text, exists) else {
                continue;
            };
            let had = match self.by_path.remove(note.path) {
                Some(old) if old.found == found && old.hash == note.hash => {
                    self.by_path.insert(note.path.to_owned(), old);
                    continue;
                }
                old => old.is_some(),
            };
            if found.is_empty() {
                if had && let Some(uri) = to_proto::uri(note.path) {
                    changed.push((uri, Vec::new(), versions.get(note.path).copied()));
                }
                continue;
            }
            let path = note.path.to_owned();
            changed.extend(self.converted(path, note.text, &note.hash, found, versions, encoding));
        }
        changed
    }

    /// Forgets what the client was sent for the note at `path`: the next
    /// version sends its diagnostics whatever they are (an empty list too).
    pub(crate) fn unknown(&mut self, path: PathBuf) {
        self.by_path.insert(path, Published { hash: String::new(), found: Vec::new() });
    }

    /// `found` (not empty) in LSP terms, kept as published for the note at `path`.
    fn converted(
        &mut self,
        path: PathBuf,
        text: &str,
        hash: &str,
        found: Vec<NoteDiagnostic>,
        versions: &HashMap<PathBuf, i32>,
        encoding: PositionEncoding,
    ) -> Option<(Uri, Vec<lsp::Diagnostic>, Option<i32>)> {
        let lines = LineIndex::new(text);
        let diagnostics: Vec<lsp::Diagnostic> =
            found.iter().map(|d| to_proto::diagnostic(&lines, text, d.clone(), encoding)).collect();
        let version = versions.get(&path).copied();
        let uri = to_proto::uri(&path);
        self.by_path.insert(path, Published { hash: hash.to_owned(), found });
        Some((uri?, diagnostics, version))
    }
}
