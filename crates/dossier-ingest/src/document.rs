//! The public shape of an ingested document. This is the contract every other
//! crate builds on; the algorithms live in the sibling modules.

use std::{ops::Range, sync::OnceLock};

use serde::{Deserialize, Serialize};

use crate::decode::{Decoded, decode};
use crate::detect::detect;
use crate::normalize::Normalized;
use crate::script::script_runs;
use crate::text_map::PiecewiseMap;

/// Settings for one ingestion run.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// Files larger than this many bytes are refused with [`IngestError::TooLarge`].
    /// Whatever it says, files over [`MAX_DOCUMENT_BYTES`] are refused too.
    pub max_file_size: u64,
    /// When set, language detection only chooses among these BCP 47 tags
    /// (`en`, `zh`, `ja`, `fr`, ...). `None` means every language Dossier ships.
    /// `zh-Hans` or `zh-Hant` alone fixes the Chinese variant; text in a
    /// writing system none of the tags uses is `und`.
    pub languages: Option<Vec<String>>,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig { max_file_size: 64 * 1024 * 1024, languages: None }
    }
}

/// The largest file `ingest` accepts, whatever [`IngestConfig::max_file_size`]
/// says: 128 MiB. The alignment maps store offsets as `u32` (half the memory
/// of `usize`), so the decoded and normalized texts must stay under 4 GiB.
/// The worst case is a file of `ﷺ` in UTF-16: 2 bytes that NFKC turns into
/// 33, so 128 MiB of it stays under 2.2 GB; real text grows by far less.
pub const MAX_DOCUMENT_BYTES: u64 = 128 * 1024 * 1024;

/// Why a file could not be ingested at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// The file is larger than [`IngestConfig::max_file_size`].
    #[error("file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The configured limit in bytes.
        limit: u64,
    },
    /// The file looks binary (NUL bytes outside a UTF-16 text, or undecodable).
    #[error("binary file ({reason})")]
    Binary {
        /// What gave it away, e.g. "NUL byte at offset 12".
        reason: String,
    },
}

/// A document after ingestion. All byte offsets named "original" are offsets
/// into the file's bytes as they are on disk; "text" offsets are into
/// [`Document::text`].
#[derive(Debug, Clone)]
pub struct Document {
    /// The path as given by the caller, kept as data.
    pub path: String,
    /// The encoding the bytes were decoded from (`UTF-8`, `UTF-16LE`, `GBK`, `Big5`, ...).
    pub encoding: &'static str,
    /// Size of the original file in bytes.
    pub bytes: usize,
    /// The decoded text, without BOM, exactly as the file says it (no normalization).
    pub text: String,
    /// Maps ranges of [`Document::text`] back to ranges of the original bytes.
    pub text_map: TextMap,
    /// The document's main language: the one with the largest share of letters.
    pub language: LanguageTag,
    /// Every detected language with its share of letters, largest first.
    pub languages: Vec<LanguageShare>,
    /// Language spans covering the text's letters, in order, as original byte
    /// ranges. Each span runs from its first letter to its last, adjacent
    /// spans of one language are merged, and what lies between two spans is
    /// only punctuation, digits and white space.
    pub spans: Vec<LanguageSpan>,
    /// The normalized matching text with its alignment map, made on first
    /// use (see [`Document::normalized`]).
    normalized: OnceLock<Normalized>,
    /// A stable hash of the original bytes ([`content_hash`]), for incremental re-ingestion.
    pub hash: String,
    /// Things worth telling the user that did not stop ingestion.
    pub warnings: Vec<Warning>,
}

impl Document {
    /// The document's language detection, to store and hand back to
    /// [`ingest_with_detection`] when the same bytes are ingested again.
    pub fn detection(&self) -> Detection {
        Detection { language: self.language.clone(), languages: self.languages.clone(), spans: self.spans.clone() }
    }

    /// Number of Unicode scalar values in the decoded text.
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }

    /// The normalized matching text with its alignment map. It is made
    /// from [`Document::text`] on the first call, from any thread, and kept:
    /// a document whose mentions are already known (a warm start) never
    /// pays for it.
    pub fn normalized(&self) -> &Normalized {
        self.normalized.get_or_init(|| Normalized::new(&self.text))
    }

    /// Maps a byte range of the normalized text to a byte range of the original file.
    pub fn original_range(&self, normalized: Range<usize>) -> Range<usize> {
        self.text_map.to_original(self.normalized().to_text(normalized))
    }
}

/// A BCP 47 language tag such as `en`, `zh-Hans`, `zh-Hant`, `ja` or `und`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LanguageTag(pub String);

impl LanguageTag {
    /// The tag for "undetermined".
    pub fn und() -> Self {
        LanguageTag("und".to_owned())
    }

    /// The tag as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One language's share of a document's letters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageShare {
    /// The language.
    pub language: LanguageTag,
    /// Fraction of the document's letters, in `0.0..=1.0`.
    pub share: f64,
}

/// A stretch of the document in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageSpan {
    /// Start byte offset in the original file.
    pub start: usize,
    /// End byte offset (exclusive) in the original file.
    pub end: usize,
    /// The stretch's language.
    pub language: LanguageTag,
}

/// What language detection found in a document: the part of a [`Document`]
/// worth storing between runs, since detection is the costly part of
/// [`ingest`] (see [`ingest_with_detection`]). Offsets are into the original
/// bytes, so a detection stays valid as long as the bytes and the
/// [`IngestConfig::languages`] it was made with do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// [`Document::language`].
    pub language: LanguageTag,
    /// [`Document::languages`].
    pub languages: Vec<LanguageShare>,
    /// [`Document::spans`].
    pub spans: Vec<LanguageSpan>,
}

/// The version of language detection: changes whenever a change to Dossier
/// may detect other languages or spans for the same bytes and settings, so
/// that stored [`Detection`]s made by an older version are dropped, not
/// reused. Part of what a cache of detections should key on.
///
/// 1: Simplified vs Traditional evidence counted per character with the
/// tables of [`crate::han`] (before: `zhconv`'s phrase conversion).
pub const DETECTION_VERSION: u32 = 1;

/// A non-fatal problem found while ingesting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Byte offset in the original file, where one applies.
    pub offset: Option<usize>,
    /// What happened, in lower case ("invalid UTF-8 replaced at byte 1204").
    pub message: String,
}

/// Maps byte ranges of the decoded text to byte ranges of the original bytes.
///
/// For UTF-8 input this is a constant shift (the BOM) except where invalid
/// sequences were replaced; for transcoded input it records where each decoded
/// character came from. It is stored as breakpoints: one per stretch in which
/// every decoded character has the same width on both sides (a run of ASCII,
/// a run of GBK Han characters), so UTF-8 files need one breakpoint.
#[derive(Debug, Clone, Default)]
pub struct TextMap {
    pub(crate) map: PiecewiseMap,
}

impl TextMap {
    /// Maps a byte range of [`Document::text`] (on char boundaries) to the
    /// range of original bytes those characters were decoded from. Ranges past
    /// the end clamp to the end.
    pub fn to_original(&self, text: Range<usize>) -> Range<usize> {
        self.map.map_range(text)
    }

    /// The number of breakpoints in the map (a measure of its size: each
    /// takes 12 bytes).
    pub fn breakpoints(&self) -> usize {
        self.map.breakpoint_count()
    }
}

/// Ingests one file's bytes. `path` is only used as data (for messages).
///
/// Safe to call from many threads at once: the language detectors are
/// shared, built on first use.
pub fn ingest(path: &str, bytes: &[u8], config: &IngestConfig) -> Result<Document, IngestError> {
    ingest_inner(path, bytes, config, None)
}

/// Ingests one file's bytes as [`ingest`] does, but takes its languages from
/// `detection` (made by [`Document::detection`] from an earlier ingestion of
/// the same bytes with the same [`IngestConfig::languages`] and the same
/// [`DETECTION_VERSION`]) instead of detecting them: decoding and
/// normalization only. Spans past the end of `bytes` are clipped to it; any
/// other mismatch is the caller's to prevent (compare [`Document::hash`]).
pub fn ingest_with_detection(
    path: &str,
    bytes: &[u8],
    config: &IngestConfig,
    detection: Detection,
) -> Result<Document, IngestError> {
    ingest_inner(path, bytes, config, Some(detection))
}

fn ingest_inner(
    path: &str,
    bytes: &[u8],
    config: &IngestConfig,
    stored: Option<Detection>,
) -> Result<Document, IngestError> {
    let size = bytes.len() as u64;
    let limit = config.max_file_size.min(MAX_DOCUMENT_BYTES);
    if size > limit {
        return Err(IngestError::TooLarge { size, limit });
    }
    let Decoded { text, encoding, text_map, warnings } = decode(bytes)?;
    let Detection { language, languages, spans } = match stored {
        Some(mut stored) => {
            for span in &mut stored.spans {
                span.end = span.end.min(bytes.len());
                span.start = span.start.min(span.end);
            }
            stored
        }
        None => {
            let detection = detect(&text, &script_runs(&text), config.languages.as_deref());
            let spans = detection
                .spans
                .iter()
                .map(|(range, language)| {
                    let original = text_map.to_original(range.clone());
                    LanguageSpan { start: original.start, end: original.end, language: language.clone() }
                })
                .collect();
            Detection { language: detection.main_language(), languages: detection.languages, spans }
        }
    };
    Ok(Document {
        path: path.to_owned(),
        encoding,
        bytes: bytes.len(),
        language,
        languages,
        spans,
        normalized: OnceLock::new(),
        text,
        text_map,
        hash: content_hash(bytes),
        warnings,
    })
}

/// The content hash of `bytes` as [`Document::hash`] holds it (xxh3, hex):
/// a buffer is compared with its indexed file by it.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}
