//! What the extractors hand to the builder: spans of a document that look like
//! names or terms, with a hint of their kind and how strong the evidence is.

use std::ops::Range;

use crate::TermKind;

/// A span of a document's decoded text that may name a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// Byte range in `Document::text`.
    pub(crate) range: Range<usize>,
    /// What it probably names.
    pub(crate) kind: TermKind,
    /// Why it was found.
    pub(crate) evidence: Evidence,
}

/// Why a span was taken for a name, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Evidence {
    /// A plain Han noun: kept only when something else links it.
    Word,
    /// A capitalized word at the start of a sentence: capitals prove little there.
    SentenceInitial,
    /// A number used as a name ("996", "618").
    Number,
    /// A Han word the part-of-speech tagger calls a name.
    Tagged,
    /// An all-capitals word.
    Acronym,
    /// A capitalized phrase inside a sentence.
    Capitalized,
    /// Set in quotes: a coinage or a name being introduced.
    Quoted,
    /// A coinage of digits and symbols ("1+6+N").
    Coinage,
    /// Stated by an explicit pattern: "X (Y)", "nicknamed X", 花名.
    Pattern,
}

/// Two spans of one document that a pattern says name the same thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AliasPair {
    /// The first name, as found.
    pub(crate) left: Found,
    /// The second name, as found.
    pub(crate) right: Found,
}
