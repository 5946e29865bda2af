//! Dossier's features as plain functions over an [`Index`] and byte offsets
//! in a source's decoded text, returning plain Rust values: hover cards,
//! navigation, references, completion, symbols, diagnostics, lenses, inlay
//! hints and rename. The language server (`dossier-lsp`) and the command
//! line (`dossier-cli`) are two renderings of what this crate answers; it
//! knows nothing about LSP, JSON-RPC, terminals or the file system, so every
//! feature is tested here with `$0` fixtures and snapshots.
//!
//! ```
//! use std::sync::Arc;
//!
//! use dossier_index::{Index, Source, SourceKind};
//! use dossier_ingest::{IngestConfig, ingest};
//!
//! let text = "张勇是阿里巴巴的CEO。张勇说。";
//! let document = ingest("/corpus/a.txt", text.as_bytes(), &IngestConfig::default()).unwrap();
//! let index = Index::build(vec![Arc::new(Source { kind: SourceKind::Document, document })]);
//! // The card of the name under byte offset 0.
//! let card = dossier_ide::hover::hover(&index, "/corpus/a.txt", 0);
//! assert!(card.is_some());
//! ```
#![deny(missing_docs)]

pub mod code_actions;
pub mod completion;
pub mod diagnostics;
pub mod hover;
pub mod inlay;
pub mod lens;
pub mod links;
pub mod navigation;
pub mod rename;
pub mod symbols;

#[cfg(test)]
pub(crate) mod fixture;

use std::{fmt, ops::Range, sync::Arc};

use dossier_index::{Index, SourceKind, TermKind};

/// A byte range of one source's decoded text.
#[derive(Debug, Clone, Eq)]
pub struct FileRange {
    /// The source's path, as in `Document::path`.
    pub path: Arc<str>,
    /// Byte range in the source's decoded text.
    pub range: Range<usize>,
}

/// Ranges first, then paths (shared, or else compared text to text): an
/// answer compares neighbours by the hundred thousand, and their paths share
/// long prefixes.
impl PartialEq for FileRange {
    fn eq(&self, other: &FileRange) -> bool {
        self.range == other.range && (Arc::ptr_eq(&self.path, &other.path) || self.path == other.path)
    }
}

/// What equality compares, hashed: the path's text and the range.
impl std::hash::Hash for FileRange {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.path.hash(state);
        self.range.hash(state);
    }
}

impl From<&dossier_index::Location> for FileRange {
    fn from(location: &dossier_index::Location) -> FileRange {
        FileRange { path: Arc::clone(&location.path), range: location.text_range.clone() }
    }
}

impl fmt::Display for FileRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}..{}", self.path, self.range.start, self.range.end)
    }
}

/// The word a user reads for a term kind.
pub fn kind_name(kind: TermKind) -> &'static str {
    match kind {
        TermKind::Person => "person",
        TermKind::Organization => "organization",
        TermKind::Product => "product",
        TermKind::Place => "place",
        TermKind::Concept => "concept",
        TermKind::Unknown => "term",
    }
}

/// The decoded text of the source at `path`, if the index has it.
pub fn source_text<'a>(index: &'a Index, path: &str) -> Option<&'a str> {
    index.source(path).map(|source| source.document.text.as_str())
}

/// Whether the source at `path` is a note (false for documents and unknown paths).
pub fn is_note(index: &Index, path: &str) -> bool {
    index.source(path).is_some_and(|source| source.kind == SourceKind::Note)
}

/// The last component of a path, after its last `/` or `\`. Found on the
/// bytes: `[[` completion runs it over every note's path per key typed, and
/// a reverse search for a set of chars was most of that request's time.
pub(crate) fn file_name(path: &str) -> &str {
    match path.bytes().rposition(|byte| byte == b'/' || byte == b'\\') {
        Some(at) => &path[at + 1..],
        None => path,
    }
}

/// The text at `range` of `text`, or "" when the range is not valid there.
pub(crate) fn slice(text: &str, range: Range<usize>) -> &str {
    text.get(range).unwrap_or("")
}

pub(crate) use dossier_ingest::han::is_han;

/// "1 mention", "2 mentions".
pub(crate) fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("{count} {noun}") } else { format!("{count} {noun}s") }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_name_is_what_follows_either_separator() {
        assert_eq!(super::file_name("/w/notes/阿里 notes.md"), "阿里 notes.md");
        assert_eq!(super::file_name(r"C:\w\notes\a.md"), "a.md");
        assert_eq!(super::file_name("a.md"), "a.md");
        assert_eq!(super::file_name("/w/notes/"), "");
    }
}
