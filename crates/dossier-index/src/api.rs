//! The public shape of the index: what the language server and the CLI query.

use std::{ops::Range, sync::Arc};

use dossier_ingest::Document;
use serde::Serialize;

/// Whether a source is a corpus document or a user's Markdown note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A corpus document: read-only, never edited.
    Document,
    /// A Markdown note: may define terms through front matter.
    Note,
}

/// One ingested file handed to the index.
#[derive(Debug, Clone)]
pub struct Source {
    /// Document or note.
    pub kind: SourceKind,
    /// The ingested file; `document.path` identifies the source.
    pub document: Document,
}

/// Index of a term inside an [`Index`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TermId(pub u32);

/// What a term names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TermKind {
    /// A person.
    Person,
    /// A company or other organization.
    Organization,
    /// A product or service.
    Product,
    /// A place.
    Place,
    /// A concept, coinage or acronym.
    Concept,
    /// Nothing more specific is known.
    Unknown,
}

/// The writing system of an alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Script {
    /// Han characters in Simplified forms.
    #[serde(rename = "Hans")]
    HanSimplified,
    /// Han characters in Traditional forms.
    #[serde(rename = "Hant")]
    HanTraditional,
    /// Han characters whose forms are the same in both.
    #[serde(rename = "Hani")]
    Han,
    /// Latin letters.
    #[serde(rename = "Latn")]
    Latin,
    /// Anything else (digits, symbols, other scripts).
    #[serde(rename = "Zyyy")]
    Other,
}

/// Where an alias comes from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AliasSource {
    /// Declared by the user in a note's front matter or title.
    Note,
    /// Stated by the text itself: "X (Y)", "dubbed X", 花名.
    Pattern,
    /// Found in the corpus as a name or term.
    Corpus,
    /// A Simplified/Traditional variant of another alias.
    Variant,
    /// The pinyin romanization of a Han alias, seen in Latin text.
    Romanization,
}

/// One name a term goes by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alias {
    /// The alias as written.
    pub text: String,
    /// Its script.
    pub script: Script,
    /// Why it is an alias.
    pub source: AliasSource,
}

/// How a definition was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DefinitionOrigin {
    /// A note defines the term.
    Note,
    /// A defining sentence in the corpus (appositive or copula).
    Sentence,
    /// No better definition: the first mention.
    FirstMention,
}

/// A place in a source: ranges both in the decoded text and in the original bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The source's path (as in `Document::path`).
    pub path: Arc<str>,
    /// Byte range in the source's decoded text (`Document::text`).
    pub text_range: Range<usize>,
    /// Byte range in the original file.
    pub original_range: Range<usize>,
}

/// Where and how a term is defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// How it was chosen.
    pub origin: DefinitionOrigin,
    /// Where it is: the note (its title line) or the sentence.
    pub location: Location,
    /// The defining text: the note's summary (first paragraph) or the sentence.
    pub text: String,
}

/// One occurrence of one of a term's aliases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Where it is.
    pub location: Location,
    /// The text as written in the source.
    pub surface: String,
    /// Whether the source is a document or a note.
    pub kind: SourceKind,
}

/// A name or concept, with every alias, its definition and its mentions.
#[derive(Debug, Clone)]
pub struct Term {
    /// Its id in the index.
    pub id: TermId,
    /// The preferred name.
    pub label: String,
    /// What it names.
    pub kind: TermKind,
    /// Every alias, strongest source first; the label is among them.
    pub aliases: Vec<Alias>,
    /// Its definition, when one is known.
    pub definition: Option<Definition>,
    /// Every mention, in documents and notes, ordered by path then offset.
    pub mentions: Vec<Mention>,
}

/// A problem in the user's notes that the editor should show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteProblem {
    /// Where it is.
    pub location: Location,
    /// What is wrong, in lower case.
    pub message: String,
}

/// A link written in a note: `[[target]]`, `[[target|label]]` or `[label](target)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteLink {
    /// The target as written (without `|label` or `#heading`).
    pub target: String,
    /// Byte range of the whole link in the note's decoded text.
    pub text_range: Range<usize>,
}

/// A completion candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The term it completes to.
    pub term: TermId,
    /// The alias whose text would be inserted.
    pub alias: String,
}

/// The index over every source of a workspace. Immutable once built: a new
/// version is built and swapped in when sources change.
#[derive(Debug, Default)]
pub struct Index {
    sources: Vec<Arc<Source>>,
    terms: Vec<Term>,
}

impl Index {
    /// Builds the index from every source. Linear in the total size of the sources.
    pub fn build(sources: Vec<Arc<Source>>) -> Index {
        Index { sources, terms: Vec::new() }
    }

    /// The sources, ordered by path.
    pub fn sources(&self) -> &[Arc<Source>] {
        &self.sources
    }

    /// The source with this path.
    pub fn source(&self, path: &str) -> Option<&Arc<Source>> {
        self.sources.iter().find(|s| s.document.path == path)
    }

    /// Every term, most mentioned first (ties by label).
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The term with this id.
    pub fn term(&self, id: TermId) -> &Term {
        &self.terms[id.0 as usize]
    }

    /// Resolves text through any alias, in either Han script or in pinyin.
    /// Does not scan the corpus.
    pub fn lookup(&self, text: &str) -> Option<TermId> {
        let _ = text;
        None
    }

    /// Up to `limit` labels or aliases close to `text`, for "did you mean".
    pub fn suggest(&self, text: &str, limit: usize) -> Vec<String> {
        let _ = (text, limit);
        Vec::new()
    }

    /// The term mentioned at `text_offset` (a byte offset in the decoded text)
    /// of the source at `path`, with the mention's text range. In notes this also
    /// finds names not yet in the corpus but resolvable by romanization.
    pub fn term_at(&self, path: &str, text_offset: usize) -> Option<(TermId, Range<usize>)> {
        let _ = (path, text_offset);
        None
    }

    /// Completions for what the user is typing; Latin letters also match the
    /// pinyin of Han aliases ("wuyo" offers 吴泳铭).
    pub fn complete(&self, prefix: &str, limit: usize) -> Vec<Completion> {
        let _ = (prefix, limit);
        Vec::new()
    }

    /// Problems in the notes: an alias claimed by two notes, and the like.
    pub fn problems(&self) -> Vec<NoteProblem> {
        Vec::new()
    }
}

/// The links written in a note's text.
pub fn note_links(text: &str) -> Vec<NoteLink> {
    let _ = text;
    Vec::new()
}
