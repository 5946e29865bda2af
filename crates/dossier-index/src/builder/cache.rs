//! What each source yields on its own, kept from one build to the next
//! (and in the persisted [`BuildCache`](crate::BuildCache)): a document's candidate names, a
//! note's front matter, the mentions found in it, its Latin words. Only new
//! and changed sources are read again, in parallel, a panic failing its
//! source alone.

use std::{collections::HashMap, ops::Range, sync::Arc};

use rayon::prelude::*;

use crate::{
    Source, SourceKind,
    candidates::{Candidates, Name, Written},
    mentions::{Matcher, Scan},
    notes::{self, NoteHeader},
    persist,
};

use super::{
    IndexBuilder,
    link::{Linker, matcher_key},
};

/// The interner is compacted when it holds this many times the strings it
/// held after the last compaction (and at least `MIN_COMPACTED`).
pub(super) const COMPACT_GROWTH: usize = 2;
pub(super) const MIN_COMPACTED: usize = 1 << 16;

/// The automaton over the accepted alias keys of one version.
pub(super) struct Patterns {
    /// The keys, in node order; a hit's pattern is an index into them.
    pub(super) keys: Vec<Box<str>>,
    pub(super) matcher: Matcher,
    /// Tells scans made with this automaton from older ones.
    pub(super) generation: u64,
    /// A hash of the keys, to tell stored scans made with the same keys.
    pub(super) fingerprint: u64,
}

/// What one source yields on its own.
pub(super) struct Entry {
    pub(super) source: Arc<Source>,
    /// The path shared by every location in the source.
    pub(super) path: Arc<str>,
    pub(super) part: Part,
    pub(super) scan: Option<Arc<Scan>>,
    /// A hash of the source's text (what stored values are checked against).
    pub(super) text_hash: u64,
    /// A scan read from the cache, with its automaton's fingerprint, until
    /// the automaton of this run is known.
    pub(super) stored_scan: Option<(u64, Scan)>,
    /// Whether the cache lacks what is kept here.
    pub(super) unsaved: bool,
    /// The hashes of the source's distinct lower-case Latin words.
    pub(super) words: Vec<u64>,
    /// Why reading the source panicked, if it did (it then yields nothing).
    pub(super) failure: Option<String>,
}

/// What a new or changed source yields, found in parallel.
pub(super) struct Extracted<'a> {
    pub(super) source: &'a Arc<Source>,
    pub(super) part: Part<Written>,
    pub(super) stored_scan: Option<(u64, Scan)>,
    pub(super) text_hash: u64,
    pub(super) unsaved: bool,
    pub(super) words: Vec<u64>,
    pub(super) failure: Option<String>,
}

/// Runs `work` on one source; a panic becomes its message, so that one
/// source that trips a bug fails alone and the rest is indexed.
pub(super) fn isolated<T>(path: &str, work: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("a panic without a message");
        format!("internal error while indexing {path}: {message}")
    })
}

/// A note's front matter, or a document's candidate names (as extracted,
/// then interned).
pub(super) enum Part<N = Vec<Name>> {
    Note(NoteHeader),
    Document(Candidates<N>),
}

impl IndexBuilder {
    /// Writes to the cache what the builds since the last save found, in
    /// one call of [`BuildCache::put`](crate::BuildCache::put). Call it
    /// after publishing an index: nothing waits for it.
    pub fn save(&mut self) {
        let Some(cache) = &self.cache else { return };
        let patterns = self.patterns.as_deref();
        let mut values = Vec::new();
        for entry in self.entries.values_mut().filter(|entry| entry.unsaved) {
            entry.unsaved = false;
            let Part::Document(candidates) = &entry.part else { continue };
            let scan = match (patterns, &entry.scan) {
                (Some(patterns), Some(scan)) if scan.generation == patterns.generation => {
                    Some((patterns.fingerprint, &**scan))
                }
                _ => None,
            };
            let value = persist::encode(entry.text_hash, candidates, &entry.words, &self.interner, scan);
            values.push((entry.path.to_string(), value));
        }
        if !values.is_empty() {
            cache.put(values);
        }
    }

    /// Brings the kept entries and words up to `sources` (sorted by path):
    /// forgets the sources that are gone or changed, and extracts what the
    /// new and changed ones yield, in parallel.
    pub(super) fn update(&mut self, sources: &[Arc<Source>]) {
        let unchanged = |entry: &Entry, source: &Arc<Source>| {
            let (old, new) = (&entry.source, source);
            Arc::ptr_eq(old, new)
                || old.kind == new.kind
                    && old.document.hash == new.document.hash
                    && old.document.text == new.document.text
        };
        let wanted: HashMap<&str, &Arc<Source>> = sources.iter().map(|s| (s.document.path.as_str(), s)).collect();
        let stale: Vec<Arc<str>> = self
            .entries
            .iter()
            .filter(|(path, entry)| wanted.get(&***path).is_none_or(|source| !unchanged(entry, source)))
            .map(|(path, _)| Arc::clone(path))
            .collect();
        for path in stale {
            let entry = self.entries.remove(&path).expect("a kept entry");
            for word in &entry.words {
                if let Some(count) = self.word_counts.get_mut(word) {
                    *count -= 1;
                    if *count == 0 {
                        self.word_counts.remove(word);
                    }
                }
            }
        }
        for (path, source) in &wanted {
            if let Some(entry) = self.entries.get_mut(*path) {
                // Unchanged: keep what it yields, with the newest `Arc`.
                entry.source = Arc::clone(source);
            }
        }
        let new: Vec<&Arc<Source>> =
            sources.iter().filter(|s| !self.entries.contains_key(s.document.path.as_str())).collect();
        let cache = self.cache.as_deref();
        let extracted: Vec<Extracted<'_>> = new
            .par_iter()
            .map(|&source| {
                let text = &source.document.text;
                // Only stored values are checked against it.
                let text_hash = cache.map_or(0, |_| persist::text_hash(text));
                let extracted = isolated(&source.document.path, || {
                    #[cfg(test)]
                    assert!(!text.contains(tests::PANIC_MARKER), "a source made to panic");
                    let note = || Part::Note(notes::parse_note(&source.document.path, text));
                    match source.kind {
                        SourceKind::Note => (note(), latin_words(text), None, false),
                        SourceKind::Document => {
                            let stored = cache
                                .and_then(|cache| cache.get(&source.document.path))
                                .and_then(|bytes| persist::decode(&bytes, text_hash, text));
                            match stored {
                                Some(stored) => (Part::Document(stored.candidates), stored.words, stored.scan, false),
                                None => {
                                    let candidates = Candidates::extract(text);
                                    (Part::Document(candidates), latin_words(text), None, true)
                                }
                            }
                        }
                    }
                });
                match extracted {
                    Ok((part, words, stored_scan, unsaved)) => {
                        Extracted { source, part, stored_scan, text_hash, unsaved, words, failure: None }
                    }
                    Err(failure) => Extracted {
                        source,
                        part: Part::Document(Candidates::extract("")),
                        stored_scan: None,
                        text_hash,
                        unsaved: false,
                        words: Vec::new(),
                        failure: Some(failure),
                    },
                }
            })
            .collect();
        for extracted in extracted {
            let words = extracted.words;
            for &word in &words {
                *self.word_counts.entry(word).or_default() += 1;
            }
            let part = match extracted.part {
                Part::Note(header) => Part::Note(header),
                Part::Document(candidates) => Part::Document(candidates.intern(&mut self.interner)),
            };
            let source = extracted.source;
            let path: Arc<str> = Arc::from(source.document.path.as_str());
            let entry = Entry {
                source: Arc::clone(source),
                path: Arc::clone(&path),
                part,
                scan: None,
                text_hash: extracted.text_hash,
                stored_scan: extracted.stored_scan,
                unsaved: extracted.unsaved && extracted.failure.is_none(),
                words,
                failure: extracted.failure,
            };
            self.entries.insert(path, entry);
        }
        if self.interner.len() > (COMPACT_GROWTH * self.compacted).max(MIN_COMPACTED) {
            let entries = &mut self.entries;
            self.interner.compact(|new_id| {
                for entry in entries.values_mut() {
                    if let Part::Document(candidates) = &mut entry.part {
                        candidates.renumber(new_id);
                    }
                }
            });
            self.compacted = self.interner.len();
        }
    }

    /// The automaton over the `accepted` nodes' keys: the last one when the
    /// keys are the same, so that unchanged sources keep their scans.
    pub(super) fn patterns_for(&mut self, linker: &Linker, accepted: &[usize]) -> Arc<Patterns> {
        if let Some(patterns) = &self.patterns
            && patterns.keys.len() == accepted.len()
            && patterns.keys.iter().zip(accepted).all(|(key, &node)| **key == *matcher_key(&linker.nodes[node]))
        {
            return Arc::clone(patterns);
        }
        let keys: Vec<Box<str>> = accepted.iter().map(|&node| matcher_key(&linker.nodes[node]).into()).collect();
        let matcher = Matcher::new(keys.iter().enumerate().map(|(i, key)| (key.to_string(), i)).collect());
        let generation = self.patterns.as_ref().map_or(0, |p| p.generation + 1);
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for key in &keys {
            hasher.update(key.as_bytes());
            hasher.update(&[0]);
        }
        let fingerprint = hasher.digest();
        let patterns = Arc::new(Patterns { keys, matcher, generation, fingerprint });
        self.patterns = Some(Arc::clone(&patterns));
        patterns
    }

    /// Finds the mentions in every source without a scan by `patterns`, in parallel.
    pub(super) fn scan(&mut self, sources: &[Arc<Source>], linker: &Linker, patterns: &Patterns) {
        let front_matters: HashMap<usize, Range<usize>> =
            linker.notes.iter().map(|n| (n.source, n.header.front_matter.clone())).collect();
        let mut todo: Vec<(usize, &mut Entry)> = Vec::new();
        let mut entries: HashMap<&str, &mut Entry> =
            self.entries.iter_mut().map(|(path, entry)| (&**path, entry)).collect();
        for (index, source) in sources.iter().enumerate() {
            let entry = entries.remove(source.document.path.as_str()).expect("an entry per source");
            if entry.scan.as_ref().is_none_or(|scan| scan.generation != patterns.generation) {
                todo.push((index, entry));
            }
        }
        todo.par_iter_mut().for_each(|(index, entry)| {
            if let Some((fingerprint, mut stored)) = entry.stored_scan.take()
                && fingerprint == patterns.fingerprint
            {
                stored.generation = patterns.generation;
                entry.scan = Some(Arc::new(stored));
                return;
            }
            let skip = front_matters.get(index).cloned().unwrap_or(0..0);
            let source = &entry.source;
            match isolated(&source.document.path, || Scan::new(&patterns.matcher, patterns.generation, source, skip)) {
                Ok(scan) => {
                    entry.scan = Some(Arc::new(scan));
                    entry.unsaved = entry.failure.is_none();
                }
                Err(failure) => {
                    let generation = patterns.generation;
                    let empty = Scan {
                        generation,
                        hits: Vec::new(),
                        surfaces: Vec::new(),
                        patterns: Vec::new(),
                        han_surfaces: Vec::new(),
                        by_pattern: Default::default(),
                    };
                    entry.scan = Some(Arc::new(empty));
                    entry.failure.get_or_insert(failure);
                }
            }
        });
    }
}

/// The hashes of the distinct lower-case words of a text's Latin letters,
/// to choose dictionary senses by: only ever asked whether a word is there,
/// so a 64-bit hash stands for it (a collision would be one gloss word too
/// many in one sense's score).
pub(super) fn latin_words(text: &str) -> Vec<u64> {
    let mut lower = String::new();
    let mut words: Vec<u64> = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .map(|word| {
            lower.clear();
            lower.extend(word.chars().map(|c| c.to_ascii_lowercase()));
            word_hash(&lower)
        })
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The hash a lower-case word is known by.
pub(super) fn word_hash(word: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(word.as_bytes())
}

#[cfg(test)]
mod tests {
    use dossier_ingest::{IngestConfig, ingest};

    use super::*;
    use crate::SourceKind;

    /// Text that makes the extraction of its source panic, to stand for a
    /// bug met in one file.
    pub(super) const PANIC_MARKER: &str = "\u{E000}make-this-source-panic\u{E000}";

    fn source(path: &str, kind: SourceKind, text: &str) -> Arc<Source> {
        let document = ingest(path, text.as_bytes(), &IngestConfig::default()).unwrap();
        Arc::new(Source { kind, document })
    }

    #[test]
    fn a_panic_in_one_source_fails_that_source_only() {
        let sources = vec![
            source("notes/jack.md", SourceKind::Note, "---\ntitle: Jack Ma\naliases: [马云]\n---\n# Jack Ma\n"),
            source("a.txt", SourceKind::Document, &format!("Jack Ma met 马云 in Hangzhou.{PANIC_MARKER}")),
            source("notes/bad.md", SourceKind::Note, &format!("---\ntitle: Bad\n---\n{PANIC_MARKER}")),
            source("b.txt", SourceKind::Document, "马云 founded Alibaba. Jack Ma smiled."),
        ];
        let mut builder = IndexBuilder::new();
        for _ in 0..2 {
            let index = builder.build(sources.clone());
            let problems = index.problems();
            let problems: Vec<(&str, &str)> =
                problems.iter().map(|p| (&*p.location.path, p.message.as_str())).collect();
            assert_eq!(problems.len(), 2, "{problems:?}");
            for (path, message) in &problems {
                assert!(message.starts_with(&format!("internal error while indexing {path}: ")), "{problems:?}");
            }
            assert!(index.lookup("马云").is_some(), "the note still defines its term");
            assert!(index.mentions_in("b.txt").count() >= 2, "the other document is still scanned");
            assert!(index.lookup("Bad").is_none());
        }
    }
}
