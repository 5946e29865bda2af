//! What the extractors hand to the builder: spans of a document that look like
//! names or terms, with a hint of their kind and how strong the evidence is.

use std::{
    collections::{HashMap, HashSet},
    ops::Range,
};

use crate::{
    TermKind,
    fold::{self, is_han},
};

/// A span of a document's decoded text that may name a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// Byte range in `Document::text`.
    pub(crate) range: Range<usize>,
    /// What it probably names.
    pub(crate) kind: TermKind,
    /// Why it was found.
    pub(crate) evidence: Evidence,
}

/// Why a span was taken for a name, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Evidence {
    /// A plain Han noun: kept only when something else links it.
    Word,
    /// A Han string the document uses as a word though the segmenter's
    /// dictionary lacks it (see `discover`).
    Discovered,
    /// A proper noun of the dictionary on word boundaries of the text: a
    /// name when the corpus uses it more than once.
    Lexicon,
    /// A capitalized word at the start of a sentence: capitals prove little there.
    SentenceInitial,
    /// A number used as a name ("996", "618").
    Number,
    /// A Han word the part-of-speech tagger calls a name.
    Tagged,
    /// An all-capitals word.
    Acronym,
    /// A capitalized phrase inside a sentence.
    Capitalized,
    /// Set in quotes: a coinage or a name being introduced.
    Quoted,
    /// A coinage of digits and symbols ("1+6+N").
    Coinage,
    /// Stated by an explicit pattern: "X (Y)", "nicknamed X", 花名.
    Pattern,
}

/// Two spans of one document that a pattern says name the same thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AliasPair {
    /// The first name, as found.
    pub(crate) left: Found,
    /// The second name, as found.
    pub(crate) right: Found,
}

/// A document's candidates as the builder keeps them between builds: each
/// distinct (surface, evidence, kind) once with how often it was found, in
/// the order first found, so that linking them is proportional to the
/// distinct names, not to the bytes, and a new version of the index needs
/// no extractor run over the documents that did not change. Names are
/// [`Written`] as extracted (or read from the cache), then [`Name`]s
/// interned by the builder.
#[derive(Debug)]
pub(crate) struct Candidates<N = Vec<Name>> {
    /// Distinct surfaces (trimmed), in the order first found, with their keys.
    pub(crate) names: N,
    /// Distinct (name, evidence, kind), in the order first found.
    pub(crate) found: Vec<Counted>,
    /// Pattern pairs: indexes into `found` (left, right), without repeats.
    pub(crate) pairs: Vec<(u32, u32)>,
}

/// A document's surfaces as written, each with its matching key, packed end
/// to end in one string: two allocations a document rather than two a name
/// (a warm start reads about a million names from the cache).
#[derive(Debug, Default)]
pub(crate) struct Written {
    text: String,
    /// For each name, where its surface ends in `text` and where its key
    /// ends (the key follows the surface; an empty key stands for none).
    ends: Vec<(u32, u32)>,
}

impl Written {
    /// Adds a surface with its key: `None` when it is too short to be an
    /// alias (one Latin letter).
    pub(crate) fn push(&mut self, surface: &str, key: Option<&str>) {
        let offset = |text: &String| u32::try_from(text.len()).expect("a document's names stay under 4 GiB");
        self.text.push_str(surface);
        let surface_end = offset(&self.text);
        self.text.push_str(key.unwrap_or_default());
        self.ends.push((surface_end, offset(&self.text)));
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Every surface with its key, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|&(_, key_end)| key_end));
        starts.zip(&self.ends).map(|(start, &(surface_end, key_end))| {
            let key = &self.text[surface_end as usize..key_end as usize];
            (&self.text[start as usize..surface_end as usize], (!key.is_empty()).then_some(key))
        })
    }
}

/// A surface and its key as ids of the builder's [`Interner`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Name {
    pub(crate) surface: u32,
    pub(crate) key: Option<u32>,
}

/// One kind of evidence for one name, with how often it was found.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counted {
    pub(crate) name: u32,
    pub(crate) evidence: Evidence,
    pub(crate) kind: TermKind,
    pub(crate) count: u32,
}

impl Candidates<Written> {
    /// Runs every extractor over one document's decoded text.
    pub(crate) fn extract(text: &str) -> Candidates<Written> {
        let mut found = crate::extract_en::extract(text);
        found.extend(crate::extract_zh::extract(text));
        found.extend(crate::quoted::extract(text));
        crate::kinds::from_context(text, &mut found);
        let pairs = crate::patterns::extract(text, &found);
        let mut candidates = Candidates { names: Written::default(), found: Vec::new(), pairs: Vec::new() };
        let mut names: HashMap<&str, u32> = HashMap::new();
        let mut slots: HashMap<(u32, Evidence, TermKind), u32> = HashMap::new();
        let mut add = |found: &Found| -> u32 {
            let surface = text[found.range.clone()].trim();
            let name = *names.entry(surface).or_insert_with(|| {
                candidates.names.push(surface, alias_key(surface).as_deref());
                candidates.names.len() as u32 - 1
            });
            let slot = *slots.entry((name, found.evidence, found.kind)).or_insert_with(|| {
                candidates.found.push(Counted { name, evidence: found.evidence, kind: found.kind, count: 0 });
                candidates.found.len() as u32 - 1
            });
            candidates.found[slot as usize].count += 1;
            slot
        };
        for f in &found {
            add(f);
        }
        let mut seen = HashSet::new();
        let mut pair_slots = Vec::new();
        for pair in &pairs {
            let both = (add(&pair.left), add(&pair.right));
            if seen.insert(both) {
                pair_slots.push(both);
            }
        }
        candidates.pairs = pair_slots;
        candidates
    }

    /// The same candidates with their strings interned.
    pub(crate) fn intern(self, interner: &mut Interner) -> Candidates {
        let names = self
            .names
            .iter()
            .map(|(surface, key)| Name { surface: interner.intern(surface), key: key.map(|key| interner.intern(key)) })
            .collect();
        Candidates { names, found: self.found, pairs: self.pairs }
    }
}

impl Candidates {
    /// Renumbers the names' strings (see [`Interner::compact`]).
    pub(crate) fn renumber(&mut self, new_id: &mut dyn FnMut(u32) -> u32) {
        for name in &mut self.names {
            name.surface = new_id(name.surface);
            name.key = name.key.map(&mut *new_id);
        }
    }
}

/// The strings of every document's candidates, each once, by id: a corpus
/// repeats its names in every document.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    ids: rustc_hash::FxHashMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    pub(crate) fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(text.into());
        self.ids.insert(text.into(), id);
        id
    }

    pub(crate) fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }

    pub(crate) fn len(&self) -> usize {
        self.strings.len()
    }

    /// Keeps only the strings still in use, renumbering them, so that the
    /// interner follows the corpus and not its history of edits. `renumber`
    /// must pass every id in use through the function it is given.
    pub(crate) fn compact(&mut self, renumber: impl FnOnce(&mut dyn FnMut(u32) -> u32)) {
        let old = std::mem::take(self);
        let mut new_ids = vec![u32::MAX; old.strings.len()];
        renumber(&mut |id: u32| {
            if new_ids[id as usize] == u32::MAX {
                new_ids[id as usize] = self.intern(&old.strings[id as usize]);
            }
            new_ids[id as usize]
        });
    }
}

/// The key an alias is matched by, or `None` when it is too short to be one:
/// one Latin letter or digit is no name, one Han character may be (淘).
pub(crate) fn alias_key(surface: &str) -> Option<Box<str>> {
    let key = fold::key(surface);
    if key.is_empty() || key.chars().count() < 2 && !key.chars().any(is_han) {
        return None;
    }
    Some(key.into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_names_come_back_with_their_keys() {
        let mut written = Written::default();
        let names =
            [("Jack Ma", Some("jack ma")), ("X", None), ("淘寶", Some("淘宝")), ("", None), ("马云", Some("马云"))];
        for (surface, key) in names {
            written.push(surface, key);
        }
        assert_eq!(written.len(), names.len());
        assert_eq!(written.iter().collect::<Vec<_>>(), names);
    }

    #[test]
    fn interned_strings_keep_their_ids_until_compacted() {
        let mut interner = Interner::default();
        let names = ["阿里巴巴", "Alibaba", "", "淘寶", "alibaba", "Alibaba Group"];
        let ids: Vec<u32> = names.iter().map(|name| interner.intern(name)).collect();
        assert_eq!(ids, [0, 1, 2, 3, 4, 5]);
        for (name, &id) in names.iter().zip(&ids) {
            assert_eq!(interner.intern(name), id, "{name} again");
            assert_eq!(interner.get(id), *name);
        }
        assert_eq!(interner.len(), names.len());

        // Only 淘寶 and Alibaba Group are still used, in that order.
        let mut renumbered = Vec::new();
        interner.compact(|new_id| renumbered = [3, 5, 3].map(&mut *new_id).to_vec());
        assert_eq!(renumbered, [0, 1, 0]);
        assert_eq!((interner.len(), interner.get(0), interner.get(1)), (2, "淘寶", "Alibaba Group"));
        assert_eq!(interner.intern("Alibaba"), 2);
        assert_eq!(interner.intern("淘寶"), 0);
    }
}
