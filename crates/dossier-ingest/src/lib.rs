//! Bytes in, ingested document out.
//!
//! `dossier-ingest` decodes a file's bytes, splits the text into script runs,
//! detects the language of each stretch and builds a normalized matching text
//! with an exact map back to the original bytes. It does no IO: callers hand it
//! bytes and a path as data.
//!
//! ```
//! use dossier_ingest::{ingest, IngestConfig};
//!
//! let doc = ingest("note.txt", "張勇說 Hello".as_bytes(), &IngestConfig::default()).unwrap();
//! assert_eq!(doc.encoding, "UTF-8");
//!
//! // Languages come per writing system; Chinese says which variant it is.
//! let text = "过去一年，马云三次内部表态。员工们在内部调侃，说马云全员信的叙事很 \
//!             MAGA —— Make Alibaba Great Again，让阿里巴巴再次伟大。";
//! let doc = ingest("note.txt", text.as_bytes(), &IngestConfig::default()).unwrap();
//! assert_eq!(doc.language.as_str(), "zh-Hans");
//! let english = doc.spans.iter().find(|span| span.language.as_str() == "en").unwrap();
//! assert_eq!(&text[english.start..english.end], "MAGA —— Make Alibaba Great Again");
//!
//! // Matching happens on the normalized text; results map back to the file's bytes.
//! let found = doc.normalized().text.find("make alibaba").unwrap();
//! let original = doc.original_range(found..found + "make alibaba".len());
//! assert_eq!(&text[original], "Make Alibaba");
//! ```
//!
//! The pieces, in the order `ingest` uses them: `decode` (encoding detection
//! and the [`TextMap`]), [`script_runs`], language detection per run,
//! [`Normalized`] (the matching text and its alignment map), and
//! [`LineIndex`] for line/column positions in the decoded text.
#![deny(missing_docs)]

mod ascii;
mod decode;
mod detect;
mod document;
pub mod han;
mod line_index;
mod normalize;
mod quick_language;
mod script;
mod text_map;

pub use document::*;
pub use line_index::{LineCol, LineIndex, PositionEncoding};
pub use normalize::Normalized;
pub use script::{ScriptClass, ScriptRun, script_runs};

/// The stages of [`ingest`] one at a time, for the micro-benchmarks in
/// `benches/`. Not part of the stable interface.
#[doc(hidden)]
pub mod stages {
    use crate::{IngestError, LanguageTag};

    /// Decodes `bytes` as [`crate::ingest`] does, detecting the encoding;
    /// the text.
    pub fn decode(bytes: &[u8]) -> Result<String, IngestError> {
        crate::decode::decode(bytes).map(|decoded| decoded.text)
    }

    /// Detects the languages of `text` as [`crate::ingest`] does; the main
    /// language and the number of language spans.
    pub fn detect_languages(text: &str) -> (LanguageTag, usize) {
        let detection = crate::detect::detect(text, &crate::script_runs(text), None);
        (detection.main_language(), detection.spans.len())
    }
}
