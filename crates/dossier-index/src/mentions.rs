//! Finding every mention of every alias with one Aho-Corasick automaton.
//!
//! Patterns are alias keys ([`fold::key`]); the haystack is a source's
//! normalized text folded char by char without changing byte lengths, so a
//! match's range is a range of `Document::normalized.text` and maps back to
//! the decoded text and the original bytes through the document's maps.
//! Leftmost-longest matching makes "Ant Financial" one mention, not also an
//! "Ant"; alphabetic words need word boundaries ("Ma" is not in "Make"), Han
//! text has none.

use std::{
    collections::HashMap,
    ops::Range,
    sync::{Arc, OnceLock},
};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};
use dossier_ingest::Document;

use crate::{
    Source, SourceKind, definitions,
    fold::{self, is_han, is_word_char},
};

/// Whether a char next to a match makes it part of a longer word: a letter or
/// digit, or an underscore, which joins words in identifiers and addresses
/// ("#wechat_redirect" holds no mention of WeChat).
fn joins_word(c: char) -> bool {
    is_word_char(c) || c == '_'
}

/// The automaton over every alias key, each pattern carrying a value (the builder's alias node).
pub(crate) struct Matcher {
    automaton: Option<AhoCorasick>,
    values: Vec<usize>,
    needs_start_boundary: Vec<bool>,
    needs_end_boundary: Vec<bool>,
    /// For keys that match only as written, the key as written.
    exact_case: Vec<Option<String>>,
    /// Keys that are an adjective of nationality ("american"): before a
    /// lower-case word ("American troops") they describe and name nothing.
    adjective: Vec<bool>,
}

/// One match: the pattern's value and the ranges it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// The value given with the pattern.
    pub(crate) value: usize,
    /// Byte range in the decoded text.
    pub(crate) text_range: Range<usize>,
    /// Byte range in the original file.
    pub(crate) original_range: Range<usize>,
}

impl Matcher {
    /// Builds the automaton from `(key, value)` pairs; empty keys are ignored.
    /// A key with capitals matches only as written ("US", not the pronoun "us").
    pub(crate) fn new(patterns: Vec<(String, usize)>) -> Matcher {
        let mut exact_case = Vec::new();
        let patterns: Vec<(String, usize)> = patterns
            .into_iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, v)| {
                let cased = k.chars().any(char::is_uppercase);
                exact_case.push(cased.then(|| k.clone()));
                (if cased { k.to_lowercase() } else { k }, v)
            })
            .collect();
        let needs_start_boundary = patterns.iter().map(|(k, _)| k.chars().next().is_some_and(is_word_char)).collect();
        let needs_end_boundary =
            patterns.iter().map(|(k, _)| k.chars().next_back().is_some_and(is_word_char)).collect();
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(patterns.iter().map(|(k, _)| k.as_str()))
                .expect("alias keys are small enough for an automaton")
        });
        let adjective = patterns.iter().map(|(k, _)| crate::extract_en::is_nationality_adjective_word(k)).collect();
        Matcher {
            automaton,
            adjective,
            values: patterns.into_iter().map(|(_, v)| v).collect(),
            needs_start_boundary,
            needs_end_boundary,
            exact_case,
        }
    }

    /// Every mention in `document`, in order, skipping those that start inside `skip` (text bytes).
    pub(crate) fn find(&self, document: &Document, skip: Range<usize>) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else { return Vec::new() };
        let haystack = fold::fold_same_length(&document.normalized().text);
        let mut hits = Vec::new();
        let mut at = 0;
        while at < haystack.len() {
            let Some(found) = automaton.find(Input::new(&haystack).span(at..haystack.len())) else { break };
            let pattern = found.pattern().as_usize();
            let range = found.range();
            let bad_start = self.needs_start_boundary[pattern]
                && haystack[..range.start].chars().next_back().is_some_and(joins_word);
            let bad_end =
                self.needs_end_boundary[pattern] && haystack[range.end..].chars().next().is_some_and(joins_word);
            // The normalized text is lower case: the decoded text keeps the capitals.
            let bad_case = self.exact_case[pattern].as_ref().is_some_and(|written| {
                document.text.get(document.normalized().to_text(range.clone())) != Some(written.as_str())
            });
            let describes = self.adjective[pattern] && {
                let after = document.normalized().to_text(range.end..range.end);
                crate::extract_en::describes_what_follows(&document.text[after.start..])
            };
            if describes {
                at = range.end;
                continue;
            }
            if bad_start || bad_end || bad_case {
                // Look again one char further: a shorter alias may start inside this one.
                at = range.start + haystack[range.start..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            at = range.end;
            let text_range = document.normalized().to_text(range.clone());
            if skip.contains(&text_range.start) {
                continue;
            }
            let original_range = document.text_map.to_original(text_range.clone());
            hits.push(Hit { value: self.values[pattern], text_range, original_range });
        }
        hits
    }
}

/// One source's mentions of one automaton's patterns, kept by the builder
/// while both are unchanged and shared by the index versions built from it:
/// the only part of a build proportional to the bytes.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// The automaton's generation (see `builder::Patterns`).
    pub(crate) generation: u64,
    /// Every match, in text order (they never overlap).
    pub(crate) hits: Vec<ScanHit>,
    /// The distinct texts of the hits, shared by the mentions made of them.
    pub(crate) surfaces: Vec<Arc<str>>,
    /// Per pattern found here, what a build needs to know of its hits, by pattern.
    pub(crate) patterns: Vec<PatternHits>,
    /// The distinct (pattern, surface) pairs whose surface has Han
    /// characters, in the order first found: variants of an alias as written.
    pub(crate) han_surfaces: Vec<(u32, u32)>,
    /// The hits grouped by pattern, made on first use (see [`Scan::hits_of`]).
    pub(crate) by_pattern: OnceLock<ByPattern>,
}

/// A [`Scan`]'s hits grouped by pattern: the positions in `hits` of the
/// hits of `patterns[i]` are `positions[starts[i]..starts[i + 1]]`, in text
/// order.
#[derive(Debug, Default)]
pub(crate) struct ByPattern {
    starts: Box<[u32]>,
    positions: Box<[u32]>,
}

/// One match of a [`Scan`]. Offsets fit in `u32`: documents are at most
/// `MAX_DOCUMENT_BYTES`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScanHit {
    /// The pattern's value.
    pub(crate) pattern: u32,
    /// Index into `Scan::surfaces`.
    pub(crate) surface: u32,
    pub(crate) text_range: [u32; 2],
    pub(crate) original_range: [u32; 2],
}

/// A summary of one pattern's hits in one source.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PatternHits {
    pub(crate) pattern: u32,
    pub(crate) count: u32,
    /// The first hit's text range.
    pub(crate) first_at: [u32; 2],
    /// How many are written in lower case ("internet" for "Internet").
    pub(crate) lower_case: u32,
    /// The best score of a defining sentence around one of them
    /// (`definitions::score`; 0 in notes), and the first hit so scored.
    pub(crate) definition_score: u8,
    pub(crate) defined_at: [u32; 2],
}

impl ScanHit {
    pub(crate) fn text_range(&self) -> Range<usize> {
        self.text_range[0] as usize..self.text_range[1] as usize
    }

    pub(crate) fn original_range(&self) -> Range<usize> {
        self.original_range[0] as usize..self.original_range[1] as usize
    }
}

impl Scan {
    /// Finds the mentions in `source`, skipping those that start inside `skip`.
    pub(crate) fn new(matcher: &Matcher, generation: u64, source: &Source, skip: Range<usize>) -> Scan {
        let text = &source.document.text;
        let mut surfaces: Vec<Arc<str>> = Vec::new();
        let mut surface_ids: HashMap<&str, u32> = HashMap::new();
        let mut patterns: HashMap<u32, PatternHits> = HashMap::new();
        let mut han_surfaces = Vec::new();
        let mut seen_han = std::collections::HashSet::new();
        let mut hits = Vec::new();
        for hit in matcher.find(&source.document, skip) {
            let written = &text[hit.text_range.clone()];
            let pattern = hit.value as u32;
            let surface = *surface_ids.entry(written).or_insert_with(|| {
                surfaces.push(Arc::from(written));
                surfaces.len() as u32 - 1
            });
            if written.chars().any(is_han) && seen_han.insert((pattern, surface)) {
                han_surfaces.push((pattern, surface));
            }
            let text_range = [hit.text_range.start as u32, hit.text_range.end as u32];
            let summary = patterns.entry(pattern).or_insert(PatternHits {
                pattern,
                count: 0,
                first_at: text_range,
                lower_case: 0,
                definition_score: 0,
                defined_at: [0, 0],
            });
            summary.count += 1;
            // Written without a capital: "iPhone" and "al-Sadr" have theirs.
            summary.lower_case += u32::from(!written.chars().any(char::is_uppercase));
            if source.kind == SourceKind::Document {
                let score = definitions::score(text, hit.text_range.clone());
                if score > summary.definition_score {
                    summary.definition_score = score;
                    summary.defined_at = text_range;
                }
            }
            hits.push(ScanHit {
                pattern,
                surface,
                text_range,
                original_range: [hit.original_range.start as u32, hit.original_range.end as u32],
            });
        }
        let mut patterns: Vec<PatternHits> = patterns.into_values().collect();
        patterns.sort_by_key(|p| p.pattern);
        Scan { generation, hits, surfaces, patterns, han_surfaces, by_pattern: OnceLock::new() }
    }

    /// The positions in `hits` of the hits of `patterns[at]`, in text order.
    /// The grouping is made on the first call, in one pass over the hits:
    /// listing one term's mentions then costs its own hits, not the walk of
    /// every hit of every term in the source (a document holds thousands).
    pub(crate) fn hits_of(&self, at: usize) -> &[u32] {
        let grouped = self.by_pattern.get_or_init(|| {
            // Counted from the hits, not from `PatternHits::count`: a cache
            // read back is checked, but the grouping must hold whatever it says.
            let at_of = |hit: &ScanHit| self.patterns.binary_search_by_key(&hit.pattern, |p| p.pattern).ok();
            let mut starts = vec![0u32; self.patterns.len() + 1];
            for at in self.hits.iter().filter_map(at_of) {
                starts[at + 1] += 1;
            }
            for i in 1..starts.len() {
                starts[i] += starts[i - 1];
            }
            let mut next = starts.clone();
            let mut positions = vec![0u32; starts[self.patterns.len()] as usize];
            for (position, hit) in self.hits.iter().enumerate() {
                if let Some(at) = at_of(hit) {
                    positions[next[at] as usize] = position as u32;
                    next[at] += 1;
                }
            }
            ByPattern { starts: starts.into(), positions: positions.into() }
        });
        match (grouped.starts.get(at), grouped.starts.get(at + 1)) {
            (Some(&start), Some(&end)) => &grouped.positions[start as usize..end as usize],
            _ => &[],
        }
    }

    /// The hits around `text_offset`: the last one starting at or before it.
    pub(crate) fn hit_at(&self, text_offset: usize) -> Option<&ScanHit> {
        let after = self.hits.partition_point(|hit| hit.text_range[0] as usize <= text_offset);
        after.checked_sub(1).map(|i| &self.hits[i]).filter(|hit| hit.text_range().contains(&text_offset))
    }
}

#[cfg(test)]
mod tests {
    use dossier_ingest::{IngestConfig, ingest};

    use super::*;

    fn check(text: &str, patterns: &[&str], expected: &[&str]) {
        let document = ingest("t.txt", text.as_bytes(), &IngestConfig::default()).unwrap();
        let matcher = Matcher::new(patterns.iter().enumerate().map(|(i, p)| (fold::key(p), i)).collect());
        let hits = matcher.find(&document, 0..0);
        let found: Vec<&str> = hits.iter().map(|h| &text[h.original_range.clone()]).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn longest_match_and_word_boundaries() {
        check("Ant Financial and Ant; Make Ma happy", &["Ant", "Ant Financial", "Ma"], &["Ant Financial", "Ant", "Ma"]);
    }

    #[test]
    fn han_needs_no_boundaries_and_folds_variants() {
        check("張勇說淘寶和淘宝", &["张勇", "淘宝"], &["張勇", "淘寶", "淘宝"]);
    }

    #[test]
    fn apostrophes_straight_or_curly() {
        check("Singles’ Day and Singles' Day", &["Singles' Day"], &["Singles’ Day", "Singles' Day"]);
    }

    #[test]
    fn shorter_alias_inside_a_rejected_longer_one() {
        check("the Alibabans and Alibaba", &["Alibaba"], &["Alibaba"]);
    }
}
