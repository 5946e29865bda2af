//! Building the index: notes and candidates become alias nodes (one per
//! folded key), links merge nodes into terms, one automaton pass per source
//! finds the mentions, and the lookup tables are filled.
//!
//! Linking, strongest first: a note's declared aliases; aliases stated by a
//! pattern; Simplified/Traditional variants (they share a key); a Han name and
//! its pinyin seen in Latin text, when the romanization points to one Han name
//! only; a Han name and the English name CC-CEDICT gives it (`glosses`), when
//! the sense fits the corpus; short forms and group names to their name; a
//! Han name of a name and an ordinary word to the English name built the same
//! way (阿里云, "Alibaba Cloud"). A link that would merge the terms of two notes
//! is refused: declared aliases always win, and a dictionary name that a note
//! declares for a term with other Han names is not linked either.
//!
//! The layout: this file holds the [`IndexBuilder`] and a build's steps;
//! `link.rs` turns names into nodes and links them into terms; `cache.rs`
//! keeps what each source yields from one build to the next (and in the
//! persisted [`BuildCache`]); `assemble.rs` makes the index of the linked
//! terms and the sources' scans.

mod assemble;
mod cache;
mod link;

use std::{collections::HashMap, ops::Range, sync::Arc};

use rustc_hash::FxHashMap;

use crate::{
    Index, Location, NoteProblem, Script, Source, TermKind,
    candidates::Interner,
    fold::is_han,
    persist::BuildCache,
    term_sources::{CountCache, Scanned},
};

use assemble::assemble;
use cache::{Entry, Part, Patterns, word_hash};
use link::Linker;

/// Every kind, in the order of `Node::kind_votes` (and of stored values).
pub(crate) const TERM_KINDS: [TermKind; 6] = [
    TermKind::Person,
    TermKind::Organization,
    TermKind::Product,
    TermKind::Place,
    TermKind::Concept,
    TermKind::Unknown,
];

fn location(source: &Source, text_range: Range<usize>) -> Location {
    let document = &source.document;
    Location {
        path: Arc::from(document.path.as_str()),
        original_range: document.text_map.to_original(text_range.clone()),
        text_range,
    }
}

/// The script of an alias as written.
pub(crate) fn script_of(text: &str) -> Script {
    if text.chars().any(is_han) {
        let counts = dossier_ingest::han::VariantCounts::of(text);
        return match (counts.simplified, counts.traditional) {
            (0, 0) => Script::Han,
            (_, 0) => Script::HanSimplified,
            _ => Script::HanTraditional,
        };
    }
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if !letters.is_empty() && letters.iter().all(|&c| (c as u32) < 0x0250) { Script::Latin } else { Script::Other }
}

/// Builds versions of the index, keeping what each source yields on its
/// own — a document's candidate names, a note's front matter, the mentions
/// found in it — so that the next version costs the sources that changed
/// plus the linking of names, which is proportional to the distinct names,
/// not to the bytes. Mentions are found again in every source only when
/// the set of accepted aliases changes.
///
/// Every version equals what [`Index::build`] builds from the same
/// sources: what is kept depends on one source alone, and everything global
/// is recomputed.
#[derive(Default)]
pub struct IndexBuilder {
    /// What each source of the last version yields, by path.
    entries: HashMap<Arc<str>, Entry>,
    /// For each hash of a lower-case Latin word ([`word_hash`]), how many
    /// sources have it (to choose dictionary senses by).
    word_counts: FxHashMap<u64, u32>,
    /// The documents' candidate names and keys.
    interner: Interner,
    /// How many strings the interner held when last compacted.
    compacted: usize,
    patterns: Option<Arc<Patterns>>,
    /// Where documents' candidates and scans are kept between runs.
    cache: Option<Arc<dyn BuildCache>>,
    /// The links found in each note of the last version.
    links: crate::graph::LinkCache,
    /// The per-source counts of the last version's terms.
    counts: CountCache,
}

impl std::fmt::Debug for IndexBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexBuilder").field("sources", &self.entries.len()).finish_non_exhaustive()
    }
}

impl IndexBuilder {
    /// A builder that has built nothing yet.
    pub fn new() -> IndexBuilder {
        IndexBuilder::default()
    }

    /// A builder that reads what it finds in documents from `cache` before
    /// finding it again, and writes it there on [`IndexBuilder::save`].
    pub fn with_cache(cache: Arc<dyn BuildCache>) -> IndexBuilder {
        IndexBuilder { cache: Some(cache), ..IndexBuilder::default() }
    }

    /// Builds the index of `sources` (one per path), reusing what the last
    /// build found in every source that is unchanged: the same `Arc`, or the
    /// same kind, content hash and text.
    pub fn build(&mut self, mut sources: Vec<Arc<Source>>) -> Index {
        sources.sort_by(|a, b| a.document.path.cmp(&b.document.path));
        sources.dedup_by(|a, b| a.document.path == b.document.path);
        self.update(&sources);
        let mut linker = Linker { node_of_string: vec![u32::MAX; self.interner.len()], ..Linker::default() };
        for (index, source) in sources.iter().enumerate() {
            let entry = &self.entries[source.document.path.as_str()];
            if let Some(failure) = &entry.failure {
                linker.problems.push(NoteProblem { location: location(source, 0..0), message: failure.clone() });
                continue;
            }
            match &entry.part {
                Part::Note(header) => linker.add_note(index, source, header.clone()),
                Part::Document(candidates) => linker.add_candidates(candidates, &self.interner),
            }
        }
        let word_counts = &self.word_counts;
        linker.link(&|word: &str| word_counts.contains_key(&word_hash(word)));
        let accepted: Vec<usize> = (0..linker.nodes.len()).filter(|&id| linker.nodes[id].accepted).collect();
        let patterns = self.patterns_for(&linker, &accepted);
        self.scan(&sources, &linker, &patterns);
        let scans: Vec<Scanned> = sources
            .iter()
            .map(|source| {
                let entry = &self.entries[source.document.path.as_str()];
                let scan = Arc::clone(entry.scan.as_ref().expect("every source is scanned"));
                Scanned { path: Arc::clone(&entry.path), scan }
            })
            .collect();
        let counting = self.counts.start(patterns.generation, accepted.len(), &sources, &scans);
        let mut index = assemble(sources, scans, &mut linker, &accepted, counting);
        index.graph = crate::graph::build(&index, &mut self.links);
        index
    }

    /// An index of `sources` that holds the notes' links and nothing of
    /// the terms: what a first load publishes before its whole index, since
    /// reading every note's links costs a fraction of finding every mention
    /// of every name. Links resolve by path, file name and title (not yet
    /// by a term's alias). What it reads of each note is kept for the next
    /// [`IndexBuilder::build`], which does not read it again.
    pub fn build_links(&mut self, mut sources: Vec<Arc<Source>>) -> Index {
        sources.sort_by(|a, b| a.document.path.cmp(&b.document.path));
        sources.dedup_by(|a, b| a.document.path == b.document.path);
        let empty = Arc::new(crate::mentions::Scan::default());
        let scans = vec![empty; sources.len()];
        let paths = sources.iter().map(|source| Arc::from(source.document.path.as_str())).collect();
        let mut index = Index::from_parts(sources, paths, scans, Vec::new(), Vec::new(), Vec::new());
        index.graph = crate::graph::build(&index, &mut self.links);
        index
    }
}
