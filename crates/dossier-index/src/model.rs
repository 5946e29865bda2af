//! The values the index answers with: sources, terms and their aliases,
//! definitions, glosses, locations and mentions, the problems and links of
//! notes, completions. Plain data, shared by every query of [`crate::Index`].

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

/// Index of a term inside an [`Index`](crate::Index).
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
    /// The English name CC-CEDICT gives a Han alias ("Tencent" for 腾讯). A
    /// note that declares the name for another term overrides it.
    Dictionary,
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

/// What CC-CEDICT says about one of a term's Han aliases. It is no
/// [`Definition`]: it has no place in the workspace, so `Definition::location`
/// always points into a source. Show it, labelled as the dictionary's, when a
/// term has no definition or only [`DefinitionOrigin::FirstMention`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gloss {
    /// The headword in Simplified characters ("腾讯").
    pub simplified: String,
    /// The headword in Traditional characters ("騰訊").
    pub traditional: String,
    /// Numbered pinyin ("Teng2 xun4").
    pub pinyin: String,
    /// The glosses, separated by "; ". When the term's English name came from
    /// the dictionary, only the sense that gave it, followed by the glosses of
    /// the entry it points to ("see 腾讯控股有限公司..."; "Tencent Holdings Limited ...");
    /// otherwise every sense of the headword (only its proper-noun senses when
    /// the term has a Latin name: 菜鸟 "rookie" is no gloss of Cainiao).
    pub text: String,
}

/// One occurrence of one of a term's aliases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Where it is.
    pub location: Location,
    /// The text as written in the source (shared by the source's mentions written alike).
    pub surface: Arc<str>,
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
    /// The dictionary's gloss of its Han alias, when CC-CEDICT has one.
    pub gloss: Option<Gloss>,
    /// How many mentions it has, in documents and notes.
    pub mention_count: usize,
    /// How many in each source that mentions it, ordered by path.
    /// [`Index::mentions`](crate::Index::mentions) lists them.
    /// Shared between index versions while it is unchanged.
    pub sources: Arc<[SourceMentions]>,
}

/// How many mentions of a term one source has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceMentions {
    /// The source's path.
    pub path: Arc<str>,
    /// Whether it is a document or a note.
    pub kind: SourceKind,
    /// How many mentions.
    pub count: usize,
    /// The source's position in [`crate::Index::sources`].
    pub(crate) index: usize,
    /// Where in its scan's patterns the one pattern of the term found there
    /// is ([`SourceMentions::SEVERAL`] when there are more): listing the
    /// mentions then needs no search in each source.
    pub(crate) pattern_at: u32,
}

impl SourceMentions {
    /// [`SourceMentions::pattern_at`] of a source where several of the term's patterns are found.
    pub(crate) const SEVERAL: u32 = u32::MAX;

    pub(crate) fn new(path: Arc<str>, kind: SourceKind, index: usize, pattern_at: u32) -> SourceMentions {
        SourceMentions { path, kind, count: 0, index, pattern_at }
    }
}

impl Term {
    /// The gloss to show instead of the definition: the dictionary's, when no
    /// note or defining sentence gives a better one.
    pub fn gloss_to_show(&self) -> Option<&Gloss> {
        let defined = self.definition.as_ref().is_some_and(|d| d.origin != DefinitionOrigin::FirstMention);
        if defined { None } else { self.gloss.as_ref() }
    }
}

/// A problem in the user's notes that the editor should show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteProblem {
    /// Where it is.
    pub location: Location,
    /// What is wrong, in lower case.
    pub message: String,
}

/// A link written in a note: `[[target]]`, `[[target|label]]`,
/// `[[target#heading]]` or `[label](target)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteLink {
    /// The target as written (without `|label` or `#heading`).
    pub target: String,
    /// The heading after `#`, if any.
    pub heading: Option<String>,
    /// The text shown instead of the target (`label` of `[[target|label]]`,
    /// the text of `[text](path)`), if any.
    pub label: Option<String>,
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
