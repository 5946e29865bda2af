//! Finding every mention of every alias with one Aho-Corasick automaton.
//!
//! Patterns are alias keys ([`Folder::key`]); the haystack is a source's
//! normalized text folded char by char without changing byte lengths, so a
//! match's range is a range of `Document::normalized.text` and maps back to
//! the decoded text and the original bytes through the document's maps.
//! Leftmost-longest matching makes "Ant Financial" one mention, not also an
//! "Ant"; alphabetic words need word boundaries ("Ma" is not in "Make"), Han
//! text has none.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};
use dossier_ingest::Document;

use crate::fold::{Folder, is_word_char};

/// The automaton over every alias key, each pattern carrying a value (the builder's alias node).
pub(crate) struct Matcher {
    automaton: Option<AhoCorasick>,
    values: Vec<usize>,
    needs_start_boundary: Vec<bool>,
    needs_end_boundary: Vec<bool>,
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
    pub(crate) fn new(patterns: Vec<(String, usize)>) -> Matcher {
        let patterns: Vec<(String, usize)> = patterns.into_iter().filter(|(k, _)| !k.is_empty()).collect();
        let needs_start_boundary = patterns.iter().map(|(k, _)| k.chars().next().is_some_and(is_word_char)).collect();
        let needs_end_boundary =
            patterns.iter().map(|(k, _)| k.chars().next_back().is_some_and(is_word_char)).collect();
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(patterns.iter().map(|(k, _)| k.as_str()))
                .expect("alias keys are small enough for an automaton")
        });
        Matcher {
            automaton,
            values: patterns.into_iter().map(|(_, v)| v).collect(),
            needs_start_boundary,
            needs_end_boundary,
        }
    }

    /// Every mention in `document`, in order, skipping those that start inside `skip` (text bytes).
    pub(crate) fn find(&self, document: &Document, folder: &mut Folder, skip: Range<usize>) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else { return Vec::new() };
        let haystack = folder.fold_same_length(&document.normalized.text);
        let mut hits = Vec::new();
        let mut at = 0;
        while at < haystack.len() {
            let Some(found) = automaton.find(Input::new(&haystack).span(at..haystack.len())) else { break };
            let pattern = found.pattern().as_usize();
            let range = found.range();
            let bad_start = self.needs_start_boundary[pattern]
                && haystack[..range.start].chars().next_back().is_some_and(is_word_char);
            let bad_end =
                self.needs_end_boundary[pattern] && haystack[range.end..].chars().next().is_some_and(is_word_char);
            if bad_start || bad_end {
                // Look again one char further: a shorter alias may start inside this one.
                at = range.start + haystack[range.start..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            at = range.end;
            let text_range = document.normalized.to_text(range.clone());
            if skip.contains(&text_range.start) {
                continue;
            }
            let original_range = document.text_map.to_original(text_range.clone());
            hits.push(Hit { value: self.values[pattern], text_range, original_range });
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use dossier_ingest::{IngestConfig, ingest};

    use super::*;

    fn check(text: &str, patterns: &[&str], expected: &[&str]) {
        let mut folder = Folder::default();
        let document = ingest("t.txt", text.as_bytes(), &IngestConfig::default()).unwrap();
        let matcher = Matcher::new(patterns.iter().enumerate().map(|(i, p)| (folder.key(p), i)).collect());
        let hits = matcher.find(&document, &mut folder, 0..0);
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
