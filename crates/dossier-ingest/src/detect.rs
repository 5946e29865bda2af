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

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use crate::document::{LanguageShare, LanguageTag};
use crate::han::VariantCounts;
use crate::quick_language::{QuickDetector, QuickVerdict, SampleLength};
use crate::script::{ScriptClass, ScriptRun};
use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};

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

/// Decides the pieces of the scripts `lingua` knows (Latin, Cyrillic,
/// Arabic), a group at a time. A group is a stretch of consecutive pieces of
/// one script with no other script in between: the lines of an English
/// article, or one English phrase inside Chinese. In a group, pieces long
/// enough to judge ([`MIN_LETTERS_ALONE`]) are detected on their own and the
/// short ones (headings, "Wrong is wrong.") take the language of the nearest
/// long one. Every long piece is judged by its function words; those that
/// stay unclear are checked every [`CHECK_INTERVAL_BYTES`] (quick pass, then
/// `lingua`) and one by one only where the language changes. A group of
/// short pieces only is judged as a whole when it has at least two words
/// and [`MIN_LETTERS_FOR_LINGUA`] letters and the quick pass or `lingua` is
/// sure; otherwise it stays unresolved and takes its neighbours' language
/// later.
fn detect_alphabetic_groups(text: &str, pieces: &mut [Piece], allowed: &Allowed, detectors: &mut Detectors) {
    let mut start = 0;
    while start < pieces.len() {
        let script = pieces[start].script;
        let end = start + pieces[start..].iter().take_while(|piece| piece.script == script).count();
        if matches!(script, ScriptClass::Latin | ScriptClass::Cyrillic | ScriptClass::Arabic) {
            detect_group(text, &mut pieces[start..end], allowed, detectors);
        }
        start = end;
    }
}

fn detect_group(text: &str, group: &mut [Piece], allowed: &Allowed, detectors: &mut Detectors) {
    let script = group[0].script;
    let samples: Vec<Cow<'_, str>> = group.iter().map(|piece| lingua_sample(&text[piece.range.clone()])).collect();
    let long: Vec<usize> =
        (0..group.len()).filter(|&index| letter_count(&samples[index]) >= MIN_LETTERS_ALONE).collect();
    if long.is_empty() {
        let joined: Vec<&str> = samples.iter().map(|sample| &**sample).collect();
        let joined = joined.join(" ");
        let sample = lingua_sample(&joined);
        if letter_count(&sample) < MIN_LETTERS_FOR_LINGUA || sample.split(' ').nth(1).is_none() {
            return;
        }
        // A short phrase is only its own language when `lingua` is sure;
        // names ("Under Armour", "Jack Ma") are not. Unsure guesses are kept
        // for text that has nothing else to go by.
        match detectors.judge_phrase(script, &sample, allowed) {
            Judgement::Language(tag) => {
                for piece in group.iter_mut() {
                    piece.language = Decision::Tag(tag.clone());
                }
            }
            Judgement::Unsure(guess) => {
                for piece in group.iter_mut() {
                    piece.fallback = guess.clone();
                }
            }
            Judgement::OverBudget(guess) => {
                for piece in group.iter_mut() {
                    piece.over_budget = true;
                    piece.fallback = guess.clone();
                }
            }
        }
        return;
    }
    // Every long piece whose function words make its language clear is
    // decided by them (microseconds a piece), so a paragraph in another
    // common language is found wherever it is.
    let mut detected: Vec<usize> = Vec::new();
    let mut unclear: Vec<usize> = Vec::new();
    for &index in &long {
        match detectors.by_function_words(script, &samples[index], allowed) {
            Some(tag) => {
                group[index].language = Decision::Tag(tag);
                detected.push(index);
            }
            None => unclear.push(index),
        }
    }
    let long = unclear;
    // Of the others, check one per `CHECK_INTERVAL_BYTES`; where two checks
    // disagree, check every long piece between them to find the switch.
    let mut checked: Vec<usize> = Vec::new();
    let mut next_check_at = 0;
    for (position, &index) in long.iter().enumerate() {
        let is_last = position + 1 == long.len();
        if group[index].range.start < next_check_at && !is_last {
            continue;
        }
        if let Some(tag) = detectors.judge_sentence(script, &samples[index], allowed).decided(&mut group[index]) {
            let switched = checked.last().is_some_and(|&last| group[last].language != Decision::Tag(tag.clone()));
            if switched {
                let previous = checked.last().copied().unwrap_or(index);
                for &between in long.iter().filter(|&&between| previous < between && between < index) {
                    let judgement = detectors.judge_sentence(script, &samples[between], allowed);
                    if let Some(tag) = judgement.decided(&mut group[between]) {
                        group[between].language = Decision::Tag(tag);
                        checked.push(between);
                    }
                }
            }
            group[index].language = Decision::Tag(tag);
            checked.push(index);
        }
        next_check_at = group[index].range.start.saturating_add(CHECK_INTERVAL_BYTES);
    }
    detected.extend(checked);
    detected.sort_unstable();
    // The rest take the language of the nearest detected piece.
    for index in 0..group.len() {
        if group[index].language != Decision::Unresolved {
            continue;
        }
        let after = detected.partition_point(|&other| other < index);
        let before = after.checked_sub(1).map(|i| detected[i]);
        let nearest = match (before, detected.get(after)) {
            (Some(before), Some(&after)) => {
                if index - before <= after - index {
                    before
                } else {
                    after
                }
            }
            (Some(only), None) | (None, Some(&only)) => only,
            (None, None) => continue,
        };
        group[index].language = group[nearest].language.clone();
    }
}

fn letter_count(text: &str) -> usize {
    text.chars().filter(|&c| is_letter(c)).count()
}

/// `char::is_alphabetic` with the common cases first: ASCII, CJK Unified
/// Ideographs (all letters) and CJK punctuation (none) skip the Unicode
/// table search.
fn is_letter(c: char) -> bool {
    match c {
        _ if c.is_ascii() => c.is_ascii_alphabetic(),
        '\u{4E00}'..='\u{9FFF}' => true,
        // The punctuation of Chinese text: general, CJK and full-width.
        '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}' | '\u{FF01}'..='\u{FF20}' => false,
        _ => c.is_alphabetic(),
    }
}

/// The words of `text` worth showing to `lingua`: no URLs, addresses or
/// identifiers, which are not in any language; at most [`SAMPLE_BYTES`],
/// separated by single spaces. Borrowed from `text` when those words are
/// already a stretch of it (a line of prose), so most lines are not copied.
fn lingua_sample(text: &str) -> Cow<'_, str> {
    let mut sample = Sample::Empty;
    for word in text.split_whitespace() {
        // Bytes, not chars: the marks are ASCII ("://" has a '/').
        let is_noise = word.starts_with("www.")
            || word.bytes().any(|byte| matches!(byte, b'@' | b'_' | b'=' | b'/' | b'\\'))
            || word.len() > 40;
        if is_noise {
            continue;
        }
        if sample.len() + word.len() > SAMPLE_BYTES {
            break;
        }
        let start = word.as_ptr() as usize - text.as_ptr() as usize;
        let end = start + word.len();
        sample = match sample {
            Sample::Empty => Sample::Borrowed(start..end),
            Sample::Borrowed(range) if &text[range.end..start] == " " => Sample::Borrowed(range.start..end),
            Sample::Borrowed(range) => Sample::Owned(format!("{} {word}", &text[range])),
            Sample::Owned(mut owned) => {
                owned.push(' ');
                owned.push_str(word);
                Sample::Owned(owned)
            }
        };
    }
    match sample {
        Sample::Empty => Cow::Borrowed(""),
        Sample::Borrowed(range) => Cow::Borrowed(&text[range]),
        Sample::Owned(owned) => Cow::Owned(owned),
    }
}

/// A sample being put together: a stretch of the text while its words are
/// one space apart, a copy once they are not.
enum Sample {
    Empty,
    Borrowed(Range<usize>),
    Owned(String),
}

impl Sample {
    fn len(&self) -> usize {
        match self {
            Sample::Empty => 0,
            Sample::Borrowed(range) => range.len(),
            Sample::Owned(owned) => owned.len(),
        }
    }
}

/// Han on a line that also has kana is Japanese, and all Han is when kana
/// makes up a fifth or more of the Han and kana letters (a Japanese document
/// whose headings happen to be all kanji).
fn mark_japanese_han(pieces: &mut [Piece], allowed: &Allowed) {
    if !allowed.allows("ja") {
        return;
    }
    let letters_of = |script: ScriptClass| -> usize {
        pieces.iter().filter(|piece| piece.script == script).map(|piece| piece.letter_count).sum()
    };
    let (kana, han) = (letters_of(ScriptClass::Kana), letters_of(ScriptClass::Han));
    if kana > 0 && kana * 5 >= kana + han {
        for piece in pieces.iter_mut().filter(|piece| piece.language == Decision::Chinese) {
            piece.language = Decision::Tag(LanguageTag("ja".to_owned()));
        }
        return;
    }
    let mut index = 0;
    while index < pieces.len() {
        let line = pieces[index].line;
        let line_end = index + pieces[index..].iter().take_while(|piece| piece.line == line).count();
        let line_pieces = &mut pieces[index..line_end];
        if line_pieces.iter().any(|piece| piece.script == ScriptClass::Kana) {
            for piece in line_pieces.iter_mut().filter(|piece| piece.language == Decision::Chinese) {
                piece.language = Decision::Tag(LanguageTag("ja".to_owned()));
            }
        }
        index = line_end;
    }
}

/// Counts of variant-specific characters: characters that converting to
/// Simplified would change are Traditional, and the other way round.
trait VariantEvidence {
    fn clear_winner(self, min_evidence: usize, ratio: usize) -> Option<ChineseVariant>;
    fn majority(self) -> Option<ChineseVariant>;
}

impl VariantEvidence for VariantCounts {
    /// The variant the evidence clearly points to, if any.
    fn clear_winner(self, min_evidence: usize, ratio: usize) -> Option<ChineseVariant> {
        if self.traditional >= min_evidence && self.traditional >= ratio * self.simplified.max(1) {
            Some(ChineseVariant::Traditional)
        } else if self.simplified >= min_evidence && self.simplified >= ratio * self.traditional.max(1) {
            Some(ChineseVariant::Simplified)
        } else {
            None
        }
    }

    /// The variant with more evidence, if there is any difference.
    fn majority(self) -> Option<ChineseVariant> {
        match self.traditional.cmp(&self.simplified) {
            std::cmp::Ordering::Greater => Some(ChineseVariant::Traditional),
            std::cmp::Ordering::Less => Some(ChineseVariant::Simplified),
            std::cmp::Ordering::Equal => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChineseVariant {
    Simplified,
    Traditional,
}

/// Decides Simplified vs Traditional per line of Chinese: a line with clear
/// evidence decides itself; other lines follow the nearest line with clear
/// evidence (so concatenated documents in both variants come out right), and
/// the document's majority when no line is clear.
fn decide_chinese_variants(pieces: &mut [Piece], allowed: &Allowed) {
    let mut lines: Vec<(usize, VariantCounts)> = Vec::new();
    let mut document = VariantCounts::default();
    for piece in pieces.iter().filter(|piece| piece.language == Decision::Chinese) {
        let evidence = piece.variants;
        document.add_counts(evidence);
        match lines.last_mut() {
            Some((line, line_evidence)) if *line == piece.line => line_evidence.add_counts(evidence),
            _ => lines.push((piece.line, evidence)),
        }
    }
    let clear: Vec<Option<ChineseVariant>> =
        lines.iter().map(|(_, evidence)| evidence.clear_winner(MIN_LINE_EVIDENCE, LINE_EVIDENCE_RATIO)).collect();
    let variants = fill_from_nearest(&clear);
    let document_variant = document.majority();
    let mut line_index = 0;
    for piece in pieces.iter_mut().filter(|piece| piece.language == Decision::Chinese) {
        while lines.get(line_index).is_some_and(|(line, _)| *line < piece.line) {
            line_index += 1;
        }
        let variant = variants.get(line_index).copied().flatten().or(document_variant);
        piece.language = Decision::Tag(allowed.chinese(variant));
    }
}

/// Replaces every `None` with the nearest `Some` (the earlier one on a tie).
fn fill_from_nearest<T: Copy>(values: &[Option<T>]) -> Vec<Option<T>> {
    let mut filled = values.to_vec();
    let mut previous: Option<(usize, T)> = None;
    let mut distances = vec![usize::MAX; values.len()];
    for (index, value) in values.iter().enumerate() {
        match value {
            Some(value) => previous = Some((index, *value)),
            None => {
                if let Some((at, value)) = previous {
                    filled[index] = Some(value);
                    distances[index] = index - at;
                }
            }
        }
    }
    let mut next: Option<(usize, T)> = None;
    for (index, value) in values.iter().enumerate().rev() {
        match value {
            Some(value) => next = Some((index, *value)),
            None => {
                if let Some((at, value)) = next
                    && at - index < distances[index]
                {
                    filled[index] = Some(value);
                }
            }
        }
    }
    filled
}

/// Gives pieces too short to judge the language of a neighbour: the nearest
/// decided piece on the same line, else the nearest at all (pieces skipped for
/// the budget: the nearest of their own script first); when nothing is
/// decided, their own unsure guess or `und`.
fn resolve_short_pieces(pieces: &mut [Piece]) {
    let decided: Vec<Option<LanguageTag>> = pieces
        .iter()
        .map(|piece| match &piece.language {
            Decision::Tag(tag) => Some(tag.clone()),
            Decision::Chinese | Decision::Unresolved => None,
        })
        .collect();
    let is_decided = |index: usize| decided[index].is_some();
    let previous_decided = nearest_before(pieces.len(), is_decided, |_| 0);
    let next_decided = nearest_after(pieces.len(), is_decided, |_| 0);
    // Only pieces skipped for the budget look for the nearest decided piece of
    // their own script, however far; the others look next door.
    let previous_same_script = nearest_before(pieces.len(), is_decided, |index| pieces[index].script as usize);
    let next_same_script = nearest_after(pieces.len(), is_decided, |index| pieces[index].script as usize);
    for index in 0..pieces.len() {
        if pieces[index].language != Decision::Unresolved {
            continue;
        }
        let line = pieces[index].line;
        let next_door = [previous_decided[index], next_decided[index]];
        let same_line = next_door.iter().flatten().copied().find(|&other| pieces[other].line == line);
        let any = next_door.iter().flatten().copied().next();
        let neighbour = if pieces[index].over_budget {
            let same_script = match (previous_same_script[index], next_same_script[index]) {
                (Some(before), Some(after)) => Some(if index - before <= after - index { before } else { after }),
                (before, after) => before.or(after),
            };
            same_script.or(same_line).or(any)
        } else {
            same_line.or(any)
        };
        if let Some(tag) = neighbour.and_then(|other| decided[other].clone()) {
            pieces[index].language = Decision::Tag(tag);
        }
    }
    for piece in pieces.iter_mut().filter(|piece| piece.language == Decision::Unresolved) {
        piece.language = Decision::Tag(piece.fallback.clone().unwrap_or_else(LanguageTag::und));
    }
}

/// The keys of [`nearest_before`] and [`nearest_after`] are below this:
/// there are fewer script classes. An array, not a hash map: they are
/// asked once per piece, and a document has tens of thousands of pieces.
const NEAREST_KEYS: usize = 16;

/// For every index, the nearest earlier index with the same key for which
/// `is_candidate` holds.
fn nearest_before(
    len: usize,
    is_candidate: impl Fn(usize) -> bool,
    key: impl Fn(usize) -> usize,
) -> Vec<Option<usize>> {
    let mut last = [None; NEAREST_KEYS];
    let mut nearest = Vec::with_capacity(len);
    for index in 0..len {
        let index_key = key(index);
        nearest.push(last[index_key]);
        if is_candidate(index) {
            last[index_key] = Some(index);
        }
    }
    nearest
}

/// For every index, the nearest later index with the same key for which
/// `is_candidate` holds.
fn nearest_after(len: usize, is_candidate: impl Fn(usize) -> bool, key: impl Fn(usize) -> usize) -> Vec<Option<usize>> {
    let mut next = [None; NEAREST_KEYS];
    let mut nearest = vec![None; len];
    for index in (0..len).rev() {
        let index_key = key(index);
        nearest[index] = next[index_key];
        if is_candidate(index) {
            next[index_key] = Some(index);
        }
    }
    nearest
}

const _: () =
    assert!((ScriptClass::Common as usize) < NEAREST_KEYS, "a script class past the arrays of `nearest_before`");

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

/// The languages a run may choose from (`IngestConfig::languages`).
struct Allowed {
    /// Primary subtags (`en`, `zh`), lower case; `None` allows all.
    primary: Option<Vec<String>>,
    simplified: bool,
    traditional: bool,
}

impl Allowed {
    fn new(allowlist: Option<&[String]>) -> Self {
        let Some(allowlist) = allowlist else {
            return Allowed { primary: None, simplified: true, traditional: true };
        };
        let mut allowed = Allowed { primary: Some(Vec::new()), simplified: false, traditional: false };
        for tag in allowlist {
            let lower = tag.to_ascii_lowercase();
            let mut subtags = lower.split(['-', '_']);
            let primary = subtags.next().unwrap_or_default().to_owned();
            if primary == "zh" {
                match subtags.next() {
                    Some("hans" | "cn" | "sg" | "my") => allowed.simplified = true,
                    Some("hant" | "tw" | "hk" | "mo") => allowed.traditional = true,
                    _ => (allowed.simplified, allowed.traditional) = (true, true),
                }
            }
            allowed.primary.get_or_insert_with(Vec::new).push(primary);
        }
        allowed
    }

    fn allows(&self, primary: &str) -> bool {
        self.primary.as_ref().is_none_or(|list| list.iter().any(|allowed| allowed == primary))
    }

    /// `primary` as a tag when allowed, `und` otherwise.
    fn tag(&self, primary: &str) -> LanguageTag {
        if self.allows(primary) { LanguageTag(primary.to_owned()) } else { LanguageTag::und() }
    }

    /// The tag for Chinese text of the given (or unknown) variant.
    fn chinese(&self, variant: Option<ChineseVariant>) -> LanguageTag {
        let tag = match (self.simplified, self.traditional, variant) {
            (false, false, _) => return if self.allows("ja") { self.tag("ja") } else { LanguageTag::und() },
            (true, false, _) | (true, true, Some(ChineseVariant::Simplified)) => "zh-Hans",
            (false, true, _) | (true, true, Some(ChineseVariant::Traditional)) => "zh-Hant",
            (true, true, None) => "zh",
        };
        LanguageTag(tag.to_owned())
    }

    /// The shipped `lingua` languages written in `script` that are allowed.
    fn lingua_languages(&self, script: ScriptClass) -> Vec<Language> {
        let of_script = match script {
            ScriptClass::Latin => Language::all_with_latin_script(),
            ScriptClass::Cyrillic => Language::all_with_cyrillic_script(),
            ScriptClass::Arabic => Language::all_with_arabic_script(),
            _ => return Vec::new(),
        };
        let mut languages: Vec<Language> =
            of_script.into_iter().filter(|language| self.allows(&language.iso_code_639_1().to_string())).collect();
        languages.sort();
        languages
    }
}

/// Whether `lingua` runs in high accuracy mode (all n-gram models, better on
/// short text) instead of low accuracy mode (trigrams only).
const HIGH_ACCURACY: bool = true;

/// The detectors for one set of candidate languages: the quick pass first,
/// `lingua` when it is unsure.
struct ScriptDetectors {
    quick: QuickDetector,
    lingua: LanguageDetector,
    /// `lingua`'s answers by sample, shared by all documents: a corpus
    /// repeats its names and slogans from file to file. Up to
    /// [`MAX_REMEMBERED_ANSWERS`]; a document is charged for a remembered
    /// answer as for a call, so its result never depends on which documents
    /// came before it.
    answers: Mutex<HashMap<String, Option<Guess>>>,
}

/// At most this many `lingua` answers are remembered per set of candidate
/// languages (a few hundred bytes each).
const MAX_REMEMBERED_ANSWERS: usize = 16_384;

impl ScriptDetectors {
    /// `lingua`'s best guess for `sample`, remembered.
    fn lingua_guess(&self, sample: &str) -> Option<Guess> {
        // A panic while holding the lock cannot leave the map inconsistent.
        let remembered = self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(sample).copied();
        if let Some(answer) = remembered {
            return answer;
        }
        let values = self.lingua.compute_language_confidence_values(sample);
        let answer =
            values.first().copied().filter(|(_, confidence)| *confidence > 0.0).map(|(language, confidence)| {
                let runner_up_confidence = values.get(1).map_or(0.0, |(_, confidence)| *confidence);
                Guess { language, confidence, runner_up_confidence }
            });
        let mut answers = self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if answers.len() < MAX_REMEMBERED_ANSWERS {
            answers.insert(sample.to_owned(), answer);
        }
        answer
    }
}

/// Detectors by the sorted set of languages they choose from. `lingua`
/// shares its models between detectors, so a detector per script and
/// allowlist costs little beyond the models of its languages, loaded on first
/// use.
fn cached_detectors(languages: &[Language]) -> Arc<ScriptDetectors> {
    static DETECTORS: OnceLock<Mutex<HashMap<Vec<Language>, Arc<ScriptDetectors>>>> = OnceLock::new();
    let detectors = DETECTORS.get_or_init(Default::default);
    // A panic while holding the lock cannot leave the map inconsistent.
    let mut detectors = detectors.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    detectors
        .entry(languages.to_vec())
        .or_insert_with(|| {
            let mut builder = LanguageDetectorBuilder::from_languages(languages);
            if !HIGH_ACCURACY {
                builder.with_low_accuracy_mode();
            }
            Arc::new(ScriptDetectors {
                quick: QuickDetector::new(languages),
                lingua: builder.build(),
                answers: Mutex::new(HashMap::new()),
            })
        })
        .clone()
}

/// The detectors one document needs, fetched from the cache once, with the
/// document's budget of `lingua` calls and its answers so far.
struct Detectors {
    by_script: HashMap<ScriptClass, Candidates>,
    /// Calls left. Text that alternates scripts line by line (a bilingual
    /// glossary) would otherwise cost a call per line; past the budget,
    /// pieces take their neighbours' language instead.
    calls_left: usize,
    /// Of those, calls left for short phrases.
    phrase_calls_left: usize,
    /// `lingua`'s answers by script and sample: a document repeats its
    /// names and headings.
    asked: HashMap<(ScriptClass, String), Option<Guess>>,
}

/// The candidates for `script` when every language is allowed.
fn default_candidates(script: ScriptClass) -> &'static Candidates {
    static LATIN: OnceLock<Candidates> = OnceLock::new();
    static CYRILLIC: OnceLock<Candidates> = OnceLock::new();
    static ARABIC: OnceLock<Candidates> = OnceLock::new();
    static OTHER: OnceLock<Candidates> = OnceLock::new();
    let cell = match script {
        ScriptClass::Latin => &LATIN,
        ScriptClass::Cyrillic => &CYRILLIC,
        ScriptClass::Arabic => &ARABIC,
        _ => &OTHER,
    };
    cell.get_or_init(|| Candidates::of(&Allowed::new(None).lingua_languages(script)))
}

/// What a script's text may be.
#[derive(Clone)]
enum Candidates {
    /// No allowed language is written in the script.
    None,
    /// One allowed language is: no detection needed.
    Single(Language),
    /// Several are: the quick pass or `lingua` decides.
    Several(Arc<ScriptDetectors>),
}

impl Candidates {
    /// The candidates among `languages` (sorted).
    fn of(languages: &[Language]) -> Self {
        match languages {
            [] => Candidates::None,
            [only] => Candidates::Single(*only),
            _ => Candidates::Several(cached_detectors(languages)),
        }
    }
}

/// The language of a sample, as far as it could be told.
#[derive(Debug, Clone)]
enum Judgement {
    /// Decided.
    Language(LanguageTag),
    /// Not sure enough; the best guess, for text with nothing else to go by.
    Unsure(Option<LanguageTag>),
    /// Would have needed `lingua`, but the document's budget is spent; the
    /// quick pass's guess, if any.
    OverBudget(Option<LanguageTag>),
}

impl Judgement {
    /// The decided language, or `None` after recording the guess (and the
    /// spent budget) on `piece`.
    fn decided(self, piece: &mut Piece) -> Option<LanguageTag> {
        match self {
            Judgement::Language(tag) => Some(tag),
            Judgement::Unsure(guess) => {
                piece.fallback = guess;
                None
            }
            Judgement::OverBudget(guess) => {
                piece.over_budget = true;
                piece.fallback = guess;
                None
            }
        }
    }
}

impl Detectors {
    fn new() -> Self {
        Detectors {
            by_script: HashMap::new(),
            calls_left: MAX_LINGUA_CALLS,
            phrase_calls_left: MAX_LINGUA_CALLS_FOR_PHRASES,
            asked: HashMap::new(),
        }
    }

    fn candidates(&mut self, script: ScriptClass, allowed: &Allowed) -> &Candidates {
        self.by_script.entry(script).or_insert_with(|| {
            if allowed.primary.is_none() {
                // Every language allowed, as usual: found once per process,
                // not once per document (the language lists are built as
                // hash sets, the detectors looked up under a lock).
                return default_candidates(script).clone();
            }
            Candidates::of(&allowed.lingua_languages(script))
        })
    }

    /// The language of a sentence or more when its function words make it
    /// clear (or the script has one candidate); no `lingua`, no `whatlang`.
    fn by_function_words(&mut self, script: ScriptClass, sample: &str, allowed: &Allowed) -> Option<LanguageTag> {
        match self.candidates(script, allowed) {
            Candidates::None => None,
            Candidates::Single(language) => Some(tag_of(*language)),
            Candidates::Several(detectors) => detectors.quick.by_function_words(sample, SampleLength::Long).map(tag_of),
        }
    }

    /// The language of a sentence or more: the quick pass when it is sure,
    /// else `lingua`'s most likely language.
    fn judge_sentence(&mut self, script: ScriptClass, sample: &str, allowed: &Allowed) -> Judgement {
        self.judge(script, sample, allowed, SampleLength::Long)
    }

    /// The language of a short phrase: the quick pass when it is sure, else
    /// `lingua`'s when it is sure ([`MIN_SHORT_CONFIDENCE`]); names ("Under
    /// Armour", "Jack Ma") are in no language.
    fn judge_phrase(&mut self, script: ScriptClass, sample: &str, allowed: &Allowed) -> Judgement {
        self.judge(script, sample, allowed, SampleLength::Short)
    }

    fn judge(&mut self, script: ScriptClass, sample: &str, allowed: &Allowed, length: SampleLength) -> Judgement {
        let detectors = match self.candidates(script, allowed) {
            Candidates::None => return Judgement::Unsure(None),
            Candidates::Single(language) => return Judgement::Language(tag_of(*language)),
            Candidates::Several(detectors) => Arc::clone(detectors),
        };
        let quick_guess = match detectors.quick.judge(sample, length) {
            QuickVerdict::Sure(language) => return Judgement::Language(tag_of(language)),
            QuickVerdict::Unsure(guess) => guess,
        };
        let Some(guess) = self.ask_lingua(script, sample, length, &detectors) else {
            return Judgement::OverBudget(quick_guess.map(tag_of));
        };
        let Some(guess) = guess else { return Judgement::Unsure(quick_guess.map(tag_of)) };
        let sure = match length {
            // `lingua` names no language when its two best are tied.
            SampleLength::Long => guess.confidence > guess.runner_up_confidence,
            SampleLength::Short => {
                guess.confidence >= MIN_SHORT_CONFIDENCE
                    && guess.confidence >= MIN_SHORT_CONFIDENCE_RATIO * guess.runner_up_confidence
            }
        };
        if sure { Judgement::Language(tag_of(guess.language)) } else { Judgement::Unsure(Some(tag_of(guess.language))) }
    }

    /// `lingua`'s guess for `sample`, asked once per document and sample;
    /// `None` when the budget is spent.
    fn ask_lingua(
        &mut self,
        script: ScriptClass,
        sample: &str,
        length: SampleLength,
        detectors: &ScriptDetectors,
    ) -> Option<Option<Guess>> {
        let key = (script, sample.to_owned());
        if let Some(answer) = self.asked.get(&key) {
            return Some(*answer);
        }
        let phrases_spent = length == SampleLength::Short && self.phrase_calls_left == 0;
        if self.calls_left == 0 || phrases_spent {
            return None;
        }
        self.calls_left -= 1;
        if length == SampleLength::Short {
            self.phrase_calls_left -= 1;
        }
        let answer = detectors.lingua_guess(sample);
        self.asked.insert(key, answer);
        Some(answer)
    }
}

/// `lingua`'s best guess with its confidence.
#[derive(Debug, Clone, Copy)]
struct Guess {
    language: Language,
    confidence: f64,
    runner_up_confidence: f64,
}

fn tag_of(language: Language) -> LanguageTag {
    LanguageTag(language.iso_code_639_1().to_string())
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
        fn segment_scan_reads_bytes_as_chars(text in "([a-z ,.]|\\PC|[\u{3400}-\u{A000}])*", count_variants: bool) {
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
