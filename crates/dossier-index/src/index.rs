//! The index and its queries: what the language server and the CLI ask
//! (terms by alias or place, mentions, completion, problems). The values
//! they answer with are in `model.rs`.

use std::{collections::HashMap, ops::Range, sync::Arc};

use crate::{
    fold::{self, is_han, letters_key},
    mentions::{Scan, ScanHit},
    model::*,
    romanize::romanizations,
};

/// The index over every source of a workspace. Immutable once built: a new
/// version is built (see [`crate::IndexBuilder`]) and swapped in when
/// sources change. Versions share what they found in the sources that did
/// not change.
#[derive(Debug, Default)]
pub struct Index {
    sources: Vec<Arc<Source>>,
    /// Each source's path (same order as `sources`), shared with its
    /// mentions and backlinks: a list of thousands of locations allocates
    /// no path, and its neighbours' paths compare by pointer.
    paths: Vec<Arc<str>>,
    /// Per source (same order as `sources`): its mentions of the patterns.
    scans: Vec<Arc<Scan>>,
    /// The term of each pattern of the scans, `None` for aliases not accepted.
    term_of_pattern: Vec<Option<TermId>>,
    /// The patterns of each term, ascending: term `t`'s are
    /// `term_patterns[term_pattern_starts[t]..term_pattern_starts[t + 1]]`.
    term_patterns: Vec<u32>,
    term_pattern_starts: Vec<u32>,
    terms: Vec<Term>,
    /// Folded alias key → term.
    by_key: HashMap<String, TermId>,
    /// Letters-only key of a Latin alias or of the pinyin of a Han alias →
    /// term, or `None` when two terms share it.
    by_letters: HashMap<String, Option<TermId>>,
    /// (key, term, alias) sorted by key: folded aliases and pinyin of Han aliases.
    completions: Vec<(String, TermId, String)>,
    problems: Vec<NoteProblem>,
    /// The notes' links, resolved (see [`crate::graph`]).
    pub(crate) graph: crate::graph::NoteGraph,
}

impl Index {
    /// Builds the index from every source (one per path). Linear in the
    /// total size of the sources. To build one version after another, use an
    /// [`IndexBuilder`](crate::IndexBuilder): it redoes only what changed.
    pub fn build(sources: Vec<Arc<Source>>) -> Index {
        crate::IndexBuilder::new().build(sources)
    }

    /// Assembles an index and fills its lookup tables.
    pub(crate) fn from_parts(
        sources: Vec<Arc<Source>>,
        paths: Vec<Arc<str>>,
        scans: Vec<Arc<Scan>>,
        term_of_pattern: Vec<Option<TermId>>,
        terms: Vec<Term>,
        problems: Vec<NoteProblem>,
    ) -> Index {
        let mut by_key = HashMap::new();
        let mut by_letters: HashMap<String, Option<TermId>> = HashMap::new();
        let mut completions = Vec::new();
        let mut add_letters = |key: String, id: TermId| {
            by_letters.entry(key).and_modify(|e| *e = e.filter(|&e| e == id)).or_insert(Some(id));
        };
        for term in &terms {
            for alias in &term.aliases {
                let key = fold::key(&alias.text);
                by_key.entry(key.clone()).or_insert(term.id);
                completions.push((key.clone(), term.id, alias.text.clone()));
                let person = term.kind == TermKind::Person;
                if alias.text.is_ascii() {
                    let letters = letters_key(&alias.text);
                    if letters.len() >= 3 && letters != key {
                        completions.push((letters.clone(), term.id, alias.text.clone()));
                    }
                    if letters.len() >= 3 {
                        add_letters(letters, term.id);
                    }
                } else if key.chars().all(is_han) {
                    for romanization in romanizations(&key, person) {
                        completions.push((romanization.clone(), term.id, alias.text.clone()));
                        add_letters(romanization, term.id);
                    }
                }
            }
        }
        completions.sort();
        completions.dedup();
        // Grouped by term (a counting sort), each group ascending by pattern.
        let mut term_pattern_starts = vec![0u32; terms.len() + 1];
        for id in term_of_pattern.iter().flatten() {
            term_pattern_starts[id.0 as usize + 1] += 1;
        }
        for i in 1..term_pattern_starts.len() {
            term_pattern_starts[i] += term_pattern_starts[i - 1];
        }
        let mut next = term_pattern_starts.clone();
        let mut term_patterns = vec![0u32; term_pattern_starts[terms.len()] as usize];
        for (pattern, id) in term_of_pattern.iter().enumerate() {
            if let Some(id) = id {
                term_patterns[next[id.0 as usize] as usize] = pattern as u32;
                next[id.0 as usize] += 1;
            }
        }
        let graph = crate::graph::NoteGraph::default();
        Index {
            sources,
            paths,
            scans,
            term_of_pattern,
            term_patterns,
            term_pattern_starts,
            terms,
            by_key,
            by_letters,
            completions,
            problems,
            graph,
        }
    }

    /// The sources, ordered by path.
    pub fn sources(&self) -> &[Arc<Source>] {
        &self.sources
    }

    /// The source with this path.
    pub fn source(&self, path: &str) -> Option<&Arc<Source>> {
        self.source_index(path).map(|i| &self.sources[i])
    }

    /// The position of the source with this path in [`Index::sources`].
    pub fn source_position(&self, path: &str) -> Option<usize> {
        self.source_index(path)
    }

    /// The path of the source at `at` of [`Index::sources`], shared.
    pub(crate) fn source_path(&self, at: usize) -> Arc<str> {
        match self.paths.get(at) {
            Some(path) => Arc::clone(path),
            None => Arc::from(self.sources[at].document.path.as_str()),
        }
    }

    fn source_index(&self, path: &str) -> Option<usize> {
        self.sources.binary_search_by(|s| s.document.path.as_str().cmp(path)).ok()
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
        let key = fold::key(text);
        if let Some(&id) = self.by_key.get(&key) {
            return Some(id);
        }
        // Possessives and romanizations: "Alibaba's", "Zhang Yong", "zhangyong".
        let trimmed = key.strip_suffix("'s").unwrap_or(&key);
        if let Some(&id) = self.by_key.get(trimmed) {
            return Some(id);
        }
        // A dotted acronym without its last period: "U.S" for "U.S.".
        if trimmed.contains('.')
            && !trimmed.ends_with('.')
            && let Some(&id) = self.by_key.get(&format!("{trimmed}."))
        {
            return Some(id);
        }
        if trimmed.is_ascii()
            && let Some(id) = self.by_letters.get(&letters_key(trimmed)).copied().flatten()
        {
            return Some(id);
        }
        // A title is no part of a name: "President Barack Obama" is Barack Obama.
        if let Some((first, rest)) = text.trim().split_once(' ')
            && crate::extract_en::is_title(first)
        {
            return self.lookup(rest);
        }
        None
    }

    /// Up to `limit` labels or aliases close to `text`, for "did you mean".
    pub fn suggest(&self, text: &str, limit: usize) -> Vec<String> {
        let query = fold::key(text);
        if query.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(f64, &str)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (key, _, alias) in &self.completions {
            if !seen.insert(alias.as_str()) {
                continue;
            }
            let score = strsim::jaro_winkler(&query, key).max(strsim::normalized_levenshtein(&query, key));
            if score >= 0.75 {
                scored.push((score, alias));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.into_iter().take(limit).map(|(_, alias)| alias.to_owned()).collect()
    }

    /// The term mentioned at `text_offset` (a byte offset in the decoded text)
    /// of the source at `path`, with the mention's text range. In notes this also
    /// finds names not yet in the corpus but resolvable by romanization.
    pub fn term_at(&self, path: &str, text_offset: usize) -> Option<(TermId, Range<usize>)> {
        let index = self.source_index(path)?;
        if let Some(hit) = self.scans[index].hit_at(text_offset)
            && let Some(id) = self.term_of_pattern[hit.pattern as usize]
        {
            return Some((id, hit.text_range()));
        }
        let source = &self.sources[index];
        if source.kind == SourceKind::Note {
            return self.name_at(&source.document.text, text_offset);
        }
        None
    }

    /// A run of capitalized Latin words around `offset` that resolves by romanization ("Zhang Yong").
    fn name_at(&self, text: &str, offset: usize) -> Option<(TermId, Range<usize>)> {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_start = text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i);
        let line = &text[line_start..line_end];
        let tokens = crate::extract_en::tokens(line);
        let at =
            tokens.iter().position(|t| (t.range.start + line_start..=t.range.end + line_start).contains(&offset))?;
        let capitalized = |i: usize| line[tokens[i].range.clone()].chars().next().is_some_and(char::is_uppercase);
        let joined = |i: usize| &line[tokens[i].range.end..tokens[i + 1].range.start] == " ";
        let (mut first, mut last) = (at, at);
        while first > 0 && capitalized(first - 1) && joined(first - 1) {
            first -= 1;
        }
        while last + 1 < tokens.len() && capitalized(last + 1) && joined(last) {
            last += 1;
        }
        // Longest run first, each containing the word at the offset.
        for len in (1..=(last - first + 1).min(4)).rev() {
            for start in first.max(at + 1 - len.min(at + 1))..=at {
                let end = start + len - 1;
                if end > last || start < first {
                    continue;
                }
                let range = tokens[start].range.start + line_start..tokens[end].range.end + line_start;
                if let Some(id) = self.lookup(&text[range.clone()]) {
                    return Some((id, range));
                }
            }
        }
        None
    }

    /// Every mention in the source at `path`: decoded-text ranges with their
    /// terms, sorted by offset (for highlighting a whole file at once).
    pub fn mentions_in(&self, path: &str) -> impl Iterator<Item = (Range<usize>, TermId)> + '_ {
        let hits = self.source_index(path).map_or(&[][..], |i| &self.scans[i].hits);
        hits.iter().filter_map(|hit| Some((hit.text_range(), self.term_of_pattern[hit.pattern as usize]?)))
    }

    /// Every mention of a term, in documents and notes, ordered by path then
    /// offset. Made on demand from the sources' tables: count with
    /// [`Term::mention_count`] and [`Term::sources`] instead.
    pub fn mentions(&self, id: TermId) -> impl Iterator<Item = Mention> + '_ {
        self.term_hits(id).map(|(counted, scan, hit)| Mention {
            location: Location {
                path: Arc::clone(&counted.path),
                text_range: hit.text_range(),
                original_range: hit.original_range(),
            },
            surface: Arc::clone(&scan.surfaces[hit.surface as usize]),
            kind: counted.kind,
        })
    }

    /// The places of [`Index::mentions`], in the same order: a source's
    /// path and the mention's range of its decoded text. What a list of
    /// references needs, without the rest of each mention.
    pub fn mention_ranges(&self, id: TermId) -> impl Iterator<Item = (&Arc<str>, Range<usize>)> + '_ {
        self.term_hits(id).map(|(counted, _, hit)| (&counted.path, hit.text_range()))
    }

    /// [`Index::mention_ranges`] with each source's position in
    /// [`Index::sources`] first: places compare by position, without
    /// reading their paths (as with [`Backlink::source`](crate::Backlink)).
    pub fn mention_places(&self, id: TermId) -> impl Iterator<Item = (usize, &Arc<str>, Range<usize>)> + '_ {
        self.term_hits(id).map(|(counted, _, hit)| (counted.index, &counted.path, hit.text_range()))
    }

    /// The hits of a term's mentions, source by source.
    fn term_hits(&self, id: TermId) -> impl Iterator<Item = (&SourceMentions, &Scan, &ScanHit)> + '_ {
        let patterns = self.patterns_of(id);
        self.term(id).sources.iter().flat_map(move |counted| {
            let scan = &*self.scans[counted.index];
            // The term's hits here, from the scan's grouping by pattern: a
            // term mentioned in thousands of sources is listed without
            // walking the other terms' hits in each. Several patterns (one
            // per alias) are merged back into text order.
            let single = Some(counted.pattern_at as usize)
                .filter(|&at| scan.patterns.get(at).is_some_and(|found| patterns.contains(&found.pattern)));
            let mut groups = patterns.iter().filter_map(|&pattern| {
                let at = match single {
                    Some(at) if scan.patterns[at].pattern == pattern => at,
                    Some(_) => return None,
                    None => scan.patterns.binary_search_by_key(&pattern, |found| found.pattern).ok()?,
                };
                Some(scan.hits_of(at))
            });
            let positions: std::borrow::Cow<'_, [u32]> = match (groups.next(), groups.next()) {
                (None, _) => (&[][..]).into(),
                (Some(one), None) => one.into(),
                (Some(one), Some(two)) => {
                    let mut all: Vec<u32> = one.iter().chain(two).chain(groups.flatten()).copied().collect();
                    all.sort_unstable();
                    all.into()
                }
            };
            let count = positions.len().min(counted.count);
            (0..count).map(move |i| (counted, scan, &scan.hits[positions[i] as usize]))
        })
    }

    /// The patterns of the scans that stand for `id`, ascending.
    fn patterns_of(&self, id: TermId) -> &[u32] {
        let at = id.0 as usize;
        match (self.term_pattern_starts.get(at), self.term_pattern_starts.get(at + 1)) {
            (Some(&start), Some(&end)) => &self.term_patterns[start as usize..end as usize],
            _ => &[],
        }
    }

    /// Completions for what the user is typing; Latin letters also match the
    /// pinyin of Han aliases ("wuyo" offers 吴泳铭).
    pub fn complete(&self, prefix: &str, limit: usize) -> Vec<Completion> {
        let key = fold::key(prefix);
        if key.is_empty() {
            return Vec::new();
        }
        let mut queries = vec![key.clone()];
        if key.is_ascii() {
            let letters = letters_key(&key);
            if !letters.is_empty() && letters != key {
                queries.push(letters);
            }
        }
        let mut found: Vec<(TermId, &str)> = Vec::new();
        for query in &queries {
            let start = self.completions.partition_point(|(k, _, _)| k.as_str() < query.as_str());
            for (_, id, alias) in self.completions[start..].iter().take_while(|(k, _, _)| k.starts_with(query.as_str()))
            {
                if !found.contains(&(*id, alias.as_str())) {
                    found.push((*id, alias));
                }
            }
        }
        found.sort();
        found.into_iter().take(limit).map(|(term, alias)| Completion { term, alias: alias.to_owned() }).collect()
    }

    /// Problems in the notes: an alias claimed by two notes, and the like.
    pub fn problems(&self) -> Vec<NoteProblem> {
        self.problems.clone()
    }
}

/// The links to notes written in a note's text: wikilinks to a note by
/// name and Markdown links to a relative `.md` path (see
/// [`crate::markdown::links`] for every link).
pub fn note_links(text: &str) -> Vec<NoteLink> {
    crate::notes::links(text)
}

#[cfg(test)]
mod tests {
    use dossier_ingest::{IngestConfig, ingest};

    use super::*;
    use crate::SourceKind;

    fn source(path: &str, kind: SourceKind, text: &str) -> Arc<Source> {
        let document = ingest(path, text.as_bytes(), &IngestConfig::default()).unwrap();
        Arc::new(Source { kind, document })
    }

    /// `mentions` starts each source at the term's first hit and stops
    /// after its count: the same as walking every hit of every source.
    #[test]
    fn mentions_are_every_hit_of_the_terms_patterns() {
        let index = Index::build(vec![
            source(
                "notes/jack.md",
                SourceKind::Note,
                "---\ntitle: Jack Ma\naliases: [马云]\n---\n# Jack Ma\n[[Alibaba]]\n",
            ),
            source(
                "notes/alibaba.md",
                SourceKind::Note,
                "---\ntitle: Alibaba\naliases: [阿里巴巴]\n---\nJack Ma and 馬雲.\n",
            ),
            source(
                "a.txt",
                SourceKind::Document,
                "Alibaba grew. 马云 founded Alibaba; Jack Ma smiled at 阿里巴巴 and 馬雲.",
            ),
            source("b.txt", SourceKind::Document, "阿里巴巴 and Alibaba, then Jack Ma, 马云, Alibaba again."),
        ]);
        assert!(index.terms().len() >= 2);
        for term in index.terms() {
            let walked: Vec<(String, Range<usize>)> = index
                .scans
                .iter()
                .zip(index.sources())
                .flat_map(|(scan, source)| {
                    scan.hits
                        .iter()
                        .filter(|hit| index.term_of_pattern[hit.pattern as usize] == Some(term.id))
                        .map(|hit| (source.document.path.clone(), hit.text_range()))
                })
                .collect();
            let found: Vec<(String, Range<usize>)> =
                index.mentions(term.id).map(|m| (m.location.path.to_string(), m.location.text_range)).collect();
            assert_eq!(found, walked, "the mentions of {}", term.label);
            let ranges: Vec<(String, Range<usize>)> =
                index.mention_ranges(term.id).map(|(path, range)| (path.to_string(), range)).collect();
            assert_eq!(ranges, walked, "the mention ranges of {}", term.label);
            assert!(!found.is_empty(), "{} is mentioned", term.label);
        }
    }
}
