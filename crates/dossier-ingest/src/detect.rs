//! Language detection per script run.
//!
//! `lingua` is good at telling alphabetic languages apart but swallows short
//! Chinese sentences into neighbouring spans, knows only one Chinese and costs
//! time in proportion to its input. So the work is split by writing system:
//!
//! - script runs are cut at line breaks into pieces;
//! - Latin, Cyrillic and Arabic pieces are judged on a bounded sample of
//!   their words (URLs and identifiers left out), first by the quick pass of
//!   [`crate::quick_language`] (function words, `whatlang`'s trigrams) and,
//!   only where that is unsure, by a `lingua` detector restricted to the
//!   languages of that script, at most [`MAX_LINGUA_CALLS`] times per
//!   document; pieces too short to judge take the language of a neighbour (a
//!   "CEO" inside Chinese is Chinese);
//! - Hangul is Korean, kana is Japanese, and Han is Japanese when its line
//!   also has kana or kana is a fifth of the document's Han and kana, Chinese
//!   otherwise;
//! - Chinese is Simplified or Traditional by the characters themselves: those
//!   that converting alone to the other variant would change ([`crate::han`]),
//!   counted per line; a line without clear evidence follows the nearest
//!   line with it, or the whole document's count;
//! - scripts used by one shipped language only (Thai, Greek, Hebrew,
//!   Devanagari) map straight to it.
//!
//! This module cuts the pieces, makes the first guesses and sums up; the
//! steps live beside it: `alphabetic` (groups of Latin, Cyrillic and Arabic
//! pieces), `cjk` (Japanese, Simplified and Traditional), `neighbours`
//! (short pieces take a neighbour's language) and `detectors` (the allowed
//! languages, the cached detectors and the per-document budget).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use crate::document::{LanguageShare, LanguageTag};
use crate::han::VariantCounts;
use crate::quick_language::{QuickDetector, QuickVerdict, SampleLength, is_name_heavy};
use crate::script::{ScriptClass, ScriptRun};
use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};

mod alphabetic;
mod cjk;
mod detectors;
mod neighbours;

use self::{alphabetic::*, cjk::*, detectors::*, neighbours::*};

/// Groups of short pieces with fewer letters than this (in their sample) are
/// not given to `lingua`: its guesses on a word or two are noise.
const MIN_LETTERS_FOR_LINGUA: usize = 10;

/// A piece with this many letters in its sample is judged on its own;
/// shorter pieces next to it take its language (`lingua` calls a heading like
/// "Alibaba's Mission and Vision" Tagalog when asked alone).
const MIN_LETTERS_ALONE: usize = 40;

/// A group of short pieces is given `lingua`'s language only when its
/// confidence is at least this and [`MIN_SHORT_CONFIDENCE_RATIO`] times the
/// runner-up's. Measured: "MAGA —— Make Alibaba Great Again" is English at
/// 0.44 (runner-up 0.16); "Under Armour" English at 0.20, "Taobao Tmall"
/// Spanish at 0.19, "Wrong is wrong" Tagalog at 0.23.
const MIN_SHORT_CONFIDENCE: f64 = 0.3;
const MIN_SHORT_CONFIDENCE_RATIO: f64 = 2.0;

/// The sample of a piece given to `lingua` is cut after this many bytes, so
/// the cost per piece is bounded however long its line is.
const SAMPLE_BYTES: usize = 250;

/// In a long stretch of one script, one piece per this many bytes is
/// checked; the pieces between take the language of their nearest checked
/// neighbour unless two checks disagree.
const CHECK_INTERVAL_BYTES: usize = 4096;

/// Every document may call `lingua` (about a millisecond per call) this many
/// times, whatever its length: the quick pass decides ordinary prose, so
/// `lingua` is left with names, short phrases and rarer languages. Past the
/// budget a piece takes the language of its nearest decided neighbour of the
/// same script. Identical samples are asked once per document.
const MAX_LINGUA_CALLS: usize = 16;

/// Of [`MAX_LINGUA_CALLS`], at most this many go to short phrases (English
/// names and slogans inside Chinese): a Chinese article quoting many
/// English names would otherwise spend them all, at about a millisecond
/// each, on phrases of a few words.
const MAX_LINGUA_CALLS_FOR_PHRASES: usize = 8;

/// A line's own Han characters decide Simplified vs Traditional when at least
/// this many of them are variant-specific and they outnumber the other
/// variant's by [`LINE_EVIDENCE_RATIO`].
const MIN_LINE_EVIDENCE: usize = 3;
const LINE_EVIDENCE_RATIO: usize = 3;

/// The result of language detection over a whole text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Detection {
    /// Every language with its share of letters, largest first.
    pub(crate) languages: Vec<LanguageShare>,
    /// Same-language stretches of the text, from the first to the last letter
    /// of each, in order.
    pub(crate) spans: Vec<(Range<usize>, LanguageTag)>,
}

impl Detection {
    /// The language with the largest share, `und` without letters.
    pub(crate) fn main_language(&self) -> LanguageTag {
        self.languages.first().map_or_else(LanguageTag::und, |share| share.language.clone())
    }
}

/// A run cut at line breaks, holding at least one letter.
#[derive(Debug)]
struct Piece {
    script: ScriptClass,
    range: Range<usize>,
    /// From the first letter's start to the last letter's end.
    letters: Range<usize>,
    letter_count: usize,
    /// Han pieces only: their variant-specific characters, counted while
    /// the piece is cut out, so the text is read once.
    variants: VariantCounts,
    line: usize,
    language: Decision,
    /// An unsure guess, used only when no neighbour is decided.
    fallback: Option<LanguageTag>,
    /// Not judged because the document's `lingua` budget was spent: takes
    /// the language of the nearest piece of its own script first.
    over_budget: bool,
    /// A phrase of mostly names that nothing decided, with the language its
    /// lower-case function words point to: a line of its own takes the
    /// language of the document's other text in its script, else this.
    names_guess: Option<LanguageTag>,
}

#[derive(Debug, Clone, PartialEq)]
enum Decision {
    /// Decided.
    Tag(LanguageTag),
    /// Chinese, variant still to be decided.
    Chinese,
    /// Too short to judge; takes a neighbour's language.
    Unresolved,
}

/// Detects the languages of `text`, whose script runs are `runs`.
pub(crate) fn detect(text: &str, runs: &[ScriptRun], allowlist: Option<&[String]>) -> Detection {
    let allowed = Allowed::new(allowlist);
    let mut pieces = split_into_pieces(text, runs);
    let mut detectors = Detectors::new();
    for piece in &mut pieces {
        piece.language = first_guess(piece, &allowed);
    }
    detect_alphabetic_groups(text, &mut pieces, &allowed, &mut detectors);
    mark_japanese_han(&mut pieces, &allowed);
    decide_chinese_variants(&mut pieces, &allowed);
    resolve_short_pieces(&mut pieces);
    summarize(&pieces)
}

fn split_into_pieces(text: &str, runs: &[ScriptRun]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut line = 0;
    for run in runs {
        let mut start = run.range.start;
        for segment in text[run.range.clone()].split_inclusive('\n') {
            let range = start..start + segment.len();
            start = range.end;
            let scan = SegmentScan::of(segment, run.script == ScriptClass::Han);
            if let Some(letters) = scan.letters {
                pieces.push(Piece {
                    script: run.script,
                    letters: range.start + letters.start..range.start + letters.end,
                    range,
                    letter_count: scan.letter_count,
                    variants: scan.variants,
                    line,
                    language: Decision::Unresolved,
                    fallback: None,
                    over_budget: false,
                    names_guess: None,
                });
            }
            line += usize::from(segment.ends_with('\n'));
        }
    }
    pieces
}

/// What a piece's text holds: its letters and, in Han text, the evidence for
/// Simplified or Traditional.
#[derive(Debug, Default, PartialEq)]
struct SegmentScan {
    /// From the first letter's start to the last letter's end.
    letters: Option<Range<usize>>,
    letter_count: usize,
    variants: VariantCounts,
}

impl SegmentScan {
    /// Scans `segment` once, reading ASCII and CJK Unified Ideographs from
    /// the bytes (all ideographs are letters); `count_variants` for Han.
    fn of(segment: &str, count_variants: bool) -> Self {
        let bytes = segment.as_bytes();
        let mut scan = SegmentScan::default();
        let mut index = 0;
        while index < bytes.len() {
            let byte = bytes[index];
            if byte < 0x80 {
                // English text eight bytes at a time.
                if let Some(word) = crate::ascii::word_at(bytes, index)
                    && crate::ascii::is_ascii(word)
                {
                    let letters = crate::ascii::ascii_letters(word);
                    if letters != 0 {
                        let first = letters.trailing_zeros() as usize / 8;
                        let last = 7 - letters.leading_zeros() as usize / 8;
                        scan.letters(index + first..index + last + 1, letters.count_ones() as usize);
                    }
                    index += 8;
                    continue;
                }
                if byte.is_ascii_alphabetic() {
                    scan.letter(index, 1);
                }
                index += 1;
            } else if (0xE5..=0xE9).contains(&byte) || (byte == 0xE4 && bytes[index + 1] >= 0xB8) {
                if count_variants {
                    let code = u32::from(byte & 0x0F) << 12
                        | u32::from(bytes[index + 1] & 0x3F) << 6
                        | u32::from(bytes[index + 2] & 0x3F);
                    scan.variants.add(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                }
                scan.letter(index, 3);
                index += 3;
            } else {
                let c = segment[index..].chars().next().expect("index is on a char boundary");
                if count_variants {
                    scan.variants.add(c);
                }
                if is_letter(c) {
                    scan.letter(index, c.len_utf8());
                }
                index += c.len_utf8();
            }
        }
        scan
    }

    fn letter(&mut self, start: usize, len: usize) {
        self.letter_count += 1;
        let first = self.letters.as_ref().map_or(start, |letters| letters.start);
        self.letters = Some(first..start + len);
    }

    /// `count` letters, the first starting at `range.start` and the last
    /// ending at `range.end`.
    fn letters(&mut self, range: Range<usize>, count: usize) {
        self.letter_count += count;
        let first = self.letters.as_ref().map_or(range.start, |letters| letters.start);
        self.letters = Some(first..range.end);
    }
}

fn first_guess(piece: &Piece, allowed: &Allowed) -> Decision {
    let direct = |code: &str| Decision::Tag(allowed.tag(code));
    match piece.script {
        ScriptClass::Han => Decision::Chinese,
        ScriptClass::Kana => direct("ja"),
        ScriptClass::Hangul => direct("ko"),
        ScriptClass::Thai => direct("th"),
        ScriptClass::Greek => direct("el"),
        ScriptClass::Hebrew => direct("he"),
        ScriptClass::Devanagari => direct("hi"),
        // Decided a group of lines at a time by `detect_alphabetic_groups`.
        ScriptClass::Latin | ScriptClass::Cyrillic | ScriptClass::Arabic => Decision::Unresolved,
        ScriptClass::Other | ScriptClass::Common => Decision::Tag(LanguageTag::und()),
    }
}

fn summarize(pieces: &[Piece]) -> Detection {
    // A document has a few languages and many pieces: a short list, looked
    // up from the last language found, beats hashing the tag per piece.
    let mut letters_per_language: Vec<(&LanguageTag, usize)> = Vec::new();
    let mut spans: Vec<(Range<usize>, LanguageTag)> = Vec::new();
    let mut total_letters = 0;
    for piece in pieces {
        let Decision::Tag(tag) = &piece.language else { continue };
        match letters_per_language.iter_mut().rev().find(|(language, _)| *language == tag) {
            Some((_, letters)) => *letters += piece.letter_count,
            None => letters_per_language.push((tag, piece.letter_count)),
        }
        total_letters += piece.letter_count;
        match spans.last_mut() {
            Some((range, last)) if last == tag => range.end = piece.letters.end,
            _ => spans.push((piece.letters.clone(), tag.clone())),
        }
    }
    let mut languages: Vec<LanguageShare> = letters_per_language
        .into_iter()
        .map(|(language, letters)| LanguageShare {
            language: language.clone(),
            share: letters as f64 / total_letters.max(1) as f64,
        })
        .collect();
    languages.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.language.cmp(&b.language)));
    Detection { languages, spans }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `lingua_sample` as it was before it borrowed: always a new string.
    fn lingua_sample_copied(text: &str) -> String {
        let mut sample = String::new();
        for word in text.split_whitespace() {
            let is_noise = word.contains("://")
                || word.starts_with("www.")
                || word.contains(['@', '_', '=', '/', '\\'])
                || word.len() > 40;
            if is_noise {
                continue;
            }
            if sample.len() + word.len() > SAMPLE_BYTES {
                break;
            }
            if !sample.is_empty() {
                sample.push(' ');
            }
            sample.push_str(word);
        }
        sample
    }

    proptest::proptest! {
        #[test]
        fn borrowed_samples_are_the_copied_samples(text in "([a-z]{1,12}|[ \t\u{3000}]{1,3}|www\\.|://|[@_=/\\\\]|\\PC)*") {
            let sample = lingua_sample(&text);
            proptest::prop_assert_eq!(&*sample, lingua_sample_copied(&text));
        }
    }

    #[test]
    fn prose_samples_are_borrowed() {
        let line = "Alibaba and Ant Group moved their offices to Hangzhou.";
        assert!(matches!(lingua_sample(line), Cow::Borrowed(sample) if sample == line));
        assert!(matches!(lingua_sample("Alibaba  and Ant"), Cow::Owned(sample) if sample == "Alibaba and Ant"));
    }

    /// What `SegmentScan::of` finds, one char at a time.
    fn scan_char_by_char(segment: &str, count_variants: bool) -> SegmentScan {
        let mut scan = SegmentScan::default();
        for (offset, c) in segment.char_indices() {
            if count_variants {
                scan.variants.add(c);
            }
            if c.is_alphabetic() {
                scan.letter(offset, c.len_utf8());
            }
        }
        scan
    }

    proptest::proptest! {
        #[test]
        fn segment_scan_reads_bytes_as_chars(text in "([a-zA-Z ,.@\\[`{]|\\PC|[\u{3400}-\u{A000}])*", count_variants: bool) {
            proptest::prop_assert_eq!(SegmentScan::of(&text, count_variants), scan_char_by_char(&text, count_variants));
        }
    }

    #[test]
    fn is_letter_agrees_with_is_alphabetic() {
        for c in '\0'..='\u{FFFF}' {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
        }
    }
}
