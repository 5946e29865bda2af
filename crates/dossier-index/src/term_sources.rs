//! The per-source counts of every term's mentions, kept from one index
//! version to the next.
//!
//! Counting a term's mentions source by source walks every (source,
//! pattern) pair of the scans: about three million pairs in a vault of
//! 10,000 notes whose titles are ordinary words, a third of a second or
//! more per version. Most versions differ from the last by one edited
//! note, which changes the counts of the few hundred terms it mentions, so
//! [`CountCache`] keeps each term's counts (shared, by `Arc`, with the
//! [`crate::Term`]s of the version) under the patterns that make up the
//! term, and a version whose sources, automaton and terms' patterns are
//! those of the last one redoes only the terms that a changed source
//! mentions, now or before. Anything else (a source added, removed or
//! renamed, new patterns, terms merged or split) counts every pair again.
//!
//! Both ways give the same values: a term's counts depend only on its
//! patterns and on the scans of the sources, in source order.

use std::{collections::HashMap, ops::Range, sync::Arc};

use crate::{Source, SourceKind, SourceMentions, mentions::Scan};

/// A source's scan as an index version uses it.
pub(crate) struct Scanned {
    /// The path shared by every location in the source.
    pub(crate) path: Arc<str>,
    pub(crate) scan: Arc<Scan>,
}

/// What one term's mentions amount to, source by source.
#[derive(Clone, Default)]
pub(crate) struct TermCounts {
    /// How many mentions in each source that has one, in source order.
    pub(crate) sources: Arc<[SourceMentions]>,
    /// The sum of the counts.
    pub(crate) mention_count: usize,
    /// The first source with a mention, and the first mention's text range there.
    pub(crate) first_mention: Option<(usize, [u32; 2])>,
    /// The best defining sentence: its score, the source (the first with
    /// the best score) and the mention's range (the best, then the first, there).
    pub(crate) best_sentence: Option<(u8, usize, Range<usize>)>,
}

/// How many times each pattern is found in all the sources.
#[derive(Clone, Copy, Default)]
pub(crate) struct PatternTotal {
    /// Every hit.
    pub(crate) count: u32,
    /// The hits written in lower case.
    pub(crate) lower_case: u32,
}

/// The last version's counts (see the module documentation).
#[derive(Default)]
pub(crate) struct CountCache {
    /// The automaton generation the counts were made with.
    generation: Option<u64>,
    /// The last version's sources, in order: path, kind and scan.
    sources: Vec<(Arc<str>, SourceKind, Arc<Scan>)>,
    /// Per pattern: its hits in all the sources.
    totals: Vec<PatternTotal>,
    /// The counts of each term, by its patterns (sorted).
    terms: HashMap<Box<[u32]>, TermCounts>,
}

/// One version's counting: the totals per pattern, and which sources
/// changed since the last version when only some did.
pub(crate) struct Counting<'a> {
    cache: &'a mut CountCache,
    /// The positions of the sources whose scans changed, sorted; `None`
    /// when every pair must be counted again.
    changed: Option<Vec<usize>>,
    /// Per pattern: whether a changed source mentions it, in this version or the last.
    touched: Vec<bool>,
    /// The last version's counts, taken out of the cache until this
    /// version's are put back (a build that stops halfway leaves none).
    kept: HashMap<Box<[u32]>, TermCounts>,
}

impl CountCache {
    /// Starts counting a version made of `sources` with their `scans` (in
    /// the same order), found with the automaton of `generation` and its
    /// `patterns` patterns: brings the totals per pattern up to date.
    pub(crate) fn start(
        &mut self,
        generation: u64,
        patterns: usize,
        sources: &[Arc<Source>],
        scans: &[Scanned],
    ) -> Counting<'_> {
        let same_sources = self.generation == Some(generation)
            && self.totals.len() == patterns
            && self.sources.len() == sources.len()
            && self
                .sources
                .iter()
                .zip(sources.iter().zip(scans))
                .all(|((path, kind, _), (source, scanned))| *path == scanned.path && *kind == source.kind);
        let changed: Option<Vec<usize>> = same_sources.then(|| {
            scans
                .iter()
                .enumerate()
                .filter(|(i, scanned)| !Arc::ptr_eq(&self.sources[*i].2, &scanned.scan))
                .map(|(i, _)| i)
                .collect()
        });
        let mut touched = vec![false; patterns];
        match &changed {
            Some(changed) => {
                for &i in changed {
                    for found in &self.sources[i].2.patterns {
                        let total = &mut self.totals[found.pattern as usize];
                        total.count -= found.count;
                        total.lower_case -= found.lower_case;
                        touched[found.pattern as usize] = true;
                    }
                    for found in &scans[i].scan.patterns {
                        let total = &mut self.totals[found.pattern as usize];
                        total.count += found.count;
                        total.lower_case += found.lower_case;
                        touched[found.pattern as usize] = true;
                    }
                }
            }
            None => {
                self.totals = vec![PatternTotal::default(); patterns];
                for scanned in scans {
                    for found in &scanned.scan.patterns {
                        let total = &mut self.totals[found.pattern as usize];
                        total.count += found.count;
                        total.lower_case += found.lower_case;
                    }
                }
            }
        }
        self.generation = Some(generation);
        self.sources = sources
            .iter()
            .zip(scans)
            .map(|(source, scanned)| (Arc::clone(&scanned.path), source.kind, Arc::clone(&scanned.scan)))
            .collect();
        let kept = std::mem::take(&mut self.terms);
        Counting { cache: self, changed, touched, kept }
    }
}

impl Counting<'_> {
    /// The hits of each pattern in all the sources.
    pub(crate) fn totals(&self) -> &[PatternTotal] {
        &self.cache.totals
    }

    /// The counts of each term, given as its patterns (each sorted, no
    /// pattern in two terms), over `sources` and their `scans` (those given
    /// to [`CountCache::start`]).
    pub(crate) fn finish(self, terms: &[Vec<u32>], sources: &[Arc<Source>], scans: &[Scanned]) -> Vec<TermCounts> {
        let Counting { cache, changed, touched, kept } = self;
        let counts = match &changed {
            // Every term must have been counted last time.
            Some(changed) if terms.iter().all(|patterns| kept.contains_key(patterns.as_slice())) => terms
                .iter()
                .map(|patterns| {
                    let old = &kept[patterns.as_slice()];
                    if patterns.iter().all(|&p| !touched[p as usize]) {
                        old.clone()
                    } else {
                        recount(old, changed, patterns, sources, scans)
                    }
                })
                .collect(),
            _ => count_all(terms, cache.totals.len(), sources, scans),
        };
        cache.terms =
            terms.iter().zip(&counts).map(|(patterns, counts)| (patterns.as_slice().into(), counts.clone())).collect();
        counts
    }
}

/// What a term's patterns amount to in one source's scan.
struct InSource {
    count: usize,
    /// See [`SourceMentions::pattern_at`].
    pattern_at: u32,
    /// The first mention's text range.
    first_at: [u32; 2],
    /// The best defining mention: its score and range (the best, then the first).
    best: Option<(u8, [u32; 2])>,
}

/// What a term's `patterns` amount to in one source's scan, if it mentions them.
fn in_source(scan: &Scan, patterns: &[u32]) -> Option<InSource> {
    let mut found_any = false;
    let mut summary = InSource { count: 0, pattern_at: SourceMentions::SEVERAL, first_at: [u32::MAX; 2], best: None };
    for &pattern in patterns {
        // A scan's patterns are sorted by pattern.
        let Ok(at) = scan.patterns.binary_search_by_key(&pattern, |found| found.pattern) else { continue };
        let found = &scan.patterns[at];
        summary.pattern_at = if found_any { SourceMentions::SEVERAL } else { at as u32 };
        found_any = true;
        summary.count += found.count as usize;
        summary.first_at = summary.first_at.min(found.first_at);
        let better = |(score, at): (u8, [u32; 2])| {
            (found.definition_score, std::cmp::Reverse(found.defined_at)) > (score, std::cmp::Reverse(at))
        };
        if found.definition_score > 0 && summary.best.is_none_or(better) {
            summary.best = Some((found.definition_score, found.defined_at));
        }
    }
    found_any.then_some(summary)
}

/// A term's counts after the sources at `changed` changed: the last
/// version's counts of the other sources, and the changed ones' counted again.
fn recount(
    old: &TermCounts,
    changed: &[usize],
    patterns: &[u32],
    sources: &[Arc<Source>],
    scans: &[Scanned],
) -> TermCounts {
    let mut list: Vec<SourceMentions> =
        old.sources.iter().filter(|counted| changed.binary_search(&counted.index).is_err()).cloned().collect();
    for &index in changed {
        if let Some(found) = in_source(&scans[index].scan, patterns) {
            let mut counted =
                SourceMentions::new(Arc::clone(&scans[index].path), sources[index].kind, index, found.pattern_at);
            counted.count = found.count;
            list.push(counted);
        }
    }
    // Stable and quick on the two sorted runs.
    list.sort_by_key(|counted| counted.index);
    summarize(list, patterns, scans)
}

/// A term's counts from its list of sources: the total, the first mention
/// and the best defining sentence.
fn summarize(list: Vec<SourceMentions>, patterns: &[u32], scans: &[Scanned]) -> TermCounts {
    let mention_count = list.iter().map(|counted| counted.count).sum();
    let first_mention = list.first().and_then(|counted| {
        let found = in_source(&scans[counted.index].scan, patterns)?;
        Some((counted.index, found.first_at))
    });
    let mut best_sentence: Option<(u8, usize, Range<usize>)> = None;
    for counted in &list {
        let Some((score, at)) = in_source(&scans[counted.index].scan, patterns).and_then(|found| found.best) else {
            continue;
        };
        if score > best_sentence.as_ref().map_or(0, |(best, ..)| *best) {
            best_sentence = Some((score, counted.index, at[0] as usize..at[1] as usize));
        }
    }
    TermCounts { sources: list.into(), mention_count, first_mention, best_sentence }
}

/// Every term's counts, in one pass over every (source, pattern) pair.
fn count_all(terms: &[Vec<u32>], patterns: usize, sources: &[Arc<Source>], scans: &[Scanned]) -> Vec<TermCounts> {
    let mut term_of_pattern = vec![usize::MAX; patterns];
    for (term, members) in terms.iter().enumerate() {
        for &pattern in members {
            term_of_pattern[pattern as usize] = term;
        }
    }
    let mut lists: Vec<Vec<SourceMentions>> = vec![Vec::new(); terms.len()];
    let mut first_mention: Vec<Option<(usize, [u32; 2])>> = vec![None; terms.len()];
    let mut best_sentence: Vec<Option<(u8, usize, Range<usize>)>> = vec![None; terms.len()];
    let mut best_here: Vec<(usize, u8, [u32; 2])> = Vec::new();
    for (index, (source, scanned)) in sources.iter().zip(scans).enumerate() {
        best_here.clear();
        for (at, found) in scanned.scan.patterns.iter().enumerate() {
            let term = term_of_pattern[found.pattern as usize];
            if term == usize::MAX {
                continue;
            }
            let list = &mut lists[term];
            // Positions, not paths: comparing paths was a fair share of a build.
            match list.last_mut() {
                Some(last) if last.index == index => last.pattern_at = SourceMentions::SEVERAL,
                _ => list.push(SourceMentions::new(Arc::clone(&scanned.path), source.kind, index, at as u32)),
            }
            list.last_mut().expect("just pushed").count += found.count as usize;
            match &mut first_mention[term] {
                Some((first, at)) if *first == index => *at = (*at).min(found.first_at),
                Some(_) => {}
                none => *none = Some((index, found.first_at)),
            }
            if found.definition_score > 0 {
                best_here.push((term, found.definition_score, found.defined_at));
            }
        }
        // Within a source, several patterns of one term: the best, then the first.
        best_here.sort_by_key(|&(term, score, at)| (term, std::cmp::Reverse(score), at));
        best_here.dedup_by_key(|&mut (term, ..)| term);
        for &(term, score, at) in &best_here {
            if score > best_sentence[term].as_ref().map_or(0, |(best, ..)| *best) {
                best_sentence[term] = Some((score, index, at[0] as usize..at[1] as usize));
            }
        }
    }
    lists
        .into_iter()
        .zip(first_mention)
        .zip(best_sentence)
        .map(|((list, first_mention), best_sentence)| TermCounts {
            mention_count: list.iter().map(|counted| counted.count).sum(),
            sources: list.into(),
            first_mention,
            best_sentence,
        })
        .collect()
}
