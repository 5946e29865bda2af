//! Building the index: notes and candidates become alias nodes (one per
//! folded key), links merge nodes into terms, one automaton pass per source
//! finds the mentions, and the lookup tables are filled.
//!
//! Linking, strongest first: a note's declared aliases; aliases stated by a
//! pattern; Simplified/Traditional variants (they share a key); a Han name and
//! its pinyin seen in Latin text, when the romanization points to one Han name
//! only; a Han name and the English name CC-CEDICT gives it (`glosses`), when
//! the sense fits the corpus. A link that would merge the terms of two notes
//! is refused: declared aliases always win, and a dictionary name that a note
//! declares for a term with other Han names is not linked either.

use std::{
    collections::{HashMap, HashSet},
    ops::Range,
    sync::Arc,
};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::{
    Alias, AliasSource, Definition, DefinitionOrigin, Gloss, Index, Location, NoteProblem, Script, Source, SourceKind,
    Term, TermId, TermKind,
    candidates::{Candidates, Evidence, Interner, Name, Written, alias_key},
    definitions,
    dictionary::dictionary,
    fold::{self, is_han, letters_key},
    glosses::{self, Context},
    mentions::{Matcher, Scan},
    notes::{self, NoteHeader},
    persist::{self, BuildCache},
    romanize::romanizations,
    term_sources::{CountCache, Counting, Scanned},
};

const EVIDENCE_KINDS: usize = 11;
/// How often a name must be seen on its own to stand for its group's name.
const MIN_HEAD_MENTIONS: u32 = 3;
/// The weight of a dictionary gloss's kind against the extractors' votes.
const GLOSS_KIND_WEIGHT: u32 = 1000;
/// Every kind, in the order of `Node::kind_votes` (and of stored values).
pub(crate) const TERM_KINDS: [TermKind; 6] = [
    TermKind::Person,
    TermKind::Organization,
    TermKind::Product,
    TermKind::Place,
    TermKind::Concept,
    TermKind::Unknown,
];

/// One folded key and everything known about it.
#[derive(Default)]
struct Node {
    key: String,
    /// Surfaces as written, with how often the extractors saw each.
    surfaces: Vec<(String, u32)>,
    /// The interned ids of the surfaces the documents' candidates added.
    surface_ids: Vec<u32>,
    /// How often each kind of evidence was seen.
    evidence: [u32; EVIDENCE_KINDS],
    kind_votes: [u32; 6],
    /// The note that declares it, and the surfaces it declares.
    note: Option<usize>,
    declared: Vec<String>,
    /// Linked to a Han name through its pinyin.
    romanized: bool,
    /// An English name CC-CEDICT gives a Han name of its term.
    dictionary: bool,
    /// For a Han name: the dictionary sense that named it.
    gloss: Option<Gloss>,
    /// The name side of a pattern ("刘博" in 刘博（花名：家洛）): preferred as a label.
    named_by_pattern: bool,
    /// Declared only as the title of a note without aliases: the corpus's
    /// evidence decides whether it is a term.
    title_only: bool,
    /// A short form linked to the name it begins (阿里 of 阿里巴巴): never the label.
    short_form: bool,
    accepted: bool,
    mentions: u32,
}

impl Node {
    fn has(&self, evidence: Evidence) -> u32 {
        self.evidence[evidence as usize]
    }

    fn is_person(&self) -> bool {
        self.kind_votes[0] > 0
    }

    fn primary_surface(&self) -> &str {
        self.declared
            .first()
            .map(String::as_str)
            .or_else(|| self.surfaces.iter().max_by_key(|(_, n)| *n).map(|(s, _)| s.as_str()))
            .unwrap_or(&self.key)
    }
}

struct NoteInfo {
    source: usize,
    path: String,
    header: NoteHeader,
}

/// Linking for one version of the index: nodes for every name the sources
/// yield, merged into terms. Rebuilt for each version (it is proportional to
/// the distinct names, not to the bytes).
#[derive(Default)]
struct Linker {
    nodes: Vec<Node>,
    by_key: HashMap<String, usize>,
    /// The node of each interned key (`u32::MAX`: none yet).
    node_of_string: Vec<u32>,
    /// Surfaces already folded (notes' and the dictionary's names).
    by_surface: HashMap<String, Option<usize>>,
    parent: Vec<usize>,
    /// The note owning each union-find root.
    root_note: Vec<Option<usize>>,
    notes: Vec<NoteInfo>,
    pairs: Vec<(usize, usize)>,
    problems: Vec<NoteProblem>,
}

impl Linker {
    fn intern(&mut self, surface: &str) -> Option<usize> {
        if let Some(&node) = self.by_surface.get(surface) {
            return node;
        }
        let node = alias_key(surface).map(|key| self.node_of_key(&key));
        self.by_surface.insert(surface.to_owned(), node);
        node
    }

    fn node_of_key(&mut self, key: &str) -> usize {
        if let Some(&id) = self.by_key.get(key) {
            return id;
        }
        let id = self.nodes.len();
        self.by_key.insert(key.to_owned(), id);
        self.nodes.push(Node { key: key.to_owned(), ..Node::default() });
        self.parent.push(id);
        self.root_note.push(None);
        id
    }

    /// Adds one document's candidates, as if found one by one in order.
    fn add_candidates(&mut self, candidates: &Candidates, interner: &Interner) {
        let nodes: Vec<Option<usize>> = candidates
            .names
            .iter()
            .map(|name| {
                let key = name.key?;
                let known = self.node_of_string[key as usize];
                if known != u32::MAX {
                    return Some(known as usize);
                }
                let node = self.node_of_key(interner.get(key));
                self.node_of_string[key as usize] = node as u32;
                Some(node)
            })
            .collect();
        for found in &candidates.found {
            let name = candidates.names[found.name as usize];
            let Some(node) = nodes[found.name as usize] else { continue };
            let n = &mut self.nodes[node];
            // While candidates are added, `surface_ids` runs beside `surfaces`.
            match n.surface_ids.iter().position(|&id| id == name.surface) {
                Some(i) => n.surfaces[i].1 += found.count,
                None => {
                    n.surface_ids.push(name.surface);
                    n.surfaces.push((interner.get(name.surface).to_owned(), found.count));
                }
            }
            n.evidence[found.evidence as usize] += found.count;
            n.kind_votes[TERM_KINDS.iter().position(|k| *k == found.kind).unwrap_or(5)] += found.count;
        }
        for &(left, right) in &candidates.pairs {
            let node = |slot: u32| nodes[candidates.found[slot as usize].name as usize];
            if let (Some(a), Some(b)) = (node(left), node(right)) {
                self.nodes[a].named_by_pattern = true;
                self.pairs.push((a, b));
            }
        }
    }

    fn find(&mut self, mut node: usize) -> usize {
        while self.parent[node] != node {
            self.parent[node] = self.parent[self.parent[node]];
            node = self.parent[node];
        }
        node
    }

    /// Merges two nodes' groups unless they belong to two different notes.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return true;
        }
        match (self.root_note[ra], self.root_note[rb]) {
            (Some(x), Some(y)) if x != y => false,
            (note_a, note_b) => {
                self.parent[rb] = ra;
                self.root_note[ra] = note_a.or(note_b);
                true
            }
        }
    }

    /// Adds a note (the `index`th source) and the aliases its front matter declares.
    fn add_note(&mut self, index: usize, source: &Source, header: NoteHeader) {
        let document = &source.document;
        if let Some(message) = &header.problem {
            self.problems.push(NoteProblem {
                location: location(source, header.front_matter.clone()),
                message: message.clone(),
            });
        }
        let note = self.notes.len();
        let defines_term = header.front_matter.end > 0 && !header.broken;
        // A title alone ("People") is the note's title, for links; it names a
        // term of the corpus only when it is a name or the corpus makes it one.
        let title_only = header.aliases.is_empty() && !title_is_name(&header.label);
        let mut label_node = None;
        if defines_term {
            for alias in std::iter::once(&header.label).chain(&header.aliases) {
                let Some(node) = self.intern(alias) else { continue };
                if let Some(other) = self.nodes[node].note.filter(|&other| other != note) {
                    let other_path = &self.notes[other].path;
                    let front_matter = &document.text[header.front_matter.clone()];
                    let at =
                        front_matter.find(alias.as_str()).map_or(header.front_matter.clone(), |i| i..i + alias.len());
                    self.problems.push(NoteProblem {
                        location: location(source, at),
                        message: format!("alias \"{alias}\" is already declared by {other_path}"),
                    });
                    continue;
                }
                let n = &mut self.nodes[node];
                n.note = Some(note);
                n.title_only = title_only;
                n.accepted |= !title_only;
                if !n.declared.contains(alias) {
                    n.declared.push(alias.clone());
                }
                if let Some(kind) = header.kind {
                    n.kind_votes[TERM_KINDS.iter().position(|k| *k == kind).unwrap_or(5)] += 1;
                }
                let root = self.find(node);
                self.root_note[root] = Some(note);
                match label_node {
                    None => label_node = Some(node),
                    Some(label) => {
                        self.union(label, node);
                    }
                }
            }
        }
        self.notes.push(NoteInfo { source: index, path: document.path.clone(), header });
    }

    /// Accepts the nodes with enough evidence and links them: pattern pairs,
    /// romanizations, then the dictionary's English names. `has_word` tells
    /// the corpus's lower-case Latin words.
    fn link(&mut self, has_word: &dyn Fn(&str) -> bool) {
        for node in &mut self.nodes {
            // A note's title of one word is a name when the corpus writes it
            // with its capital ("Spain", not "People"): accepted here, it is
            // dropped with the capitalized words mostly written in lower case
            // when the mentions are counted (`assemble`).
            if node.title_only && node.key.chars().all(|c| c.is_alphabetic() && !is_han(c)) {
                node.accepted = true;
            }
        }
        for node in &mut self.nodes {
            node.accepted = Linker::accept(node);
        }
        for (a, b) in std::mem::take(&mut self.pairs) {
            self.union(a, b);
        }
        self.link_romanizations();
        self.link_dictionary(has_word);
        self.link_short_forms();
        self.link_group_names();
    }

    /// Links a Han short form to the one established name it begins
    /// (阿里 to 阿里巴巴): the short form is a name of the corpus with no
    /// English name of its own and no ordinary sense, and exactly one name of
    /// the corpus that the dictionary names in English starts with it. Two
    /// such names (or none) leave it alone: no link rather than a wrong one.
    fn link_short_forms(&mut self) {
        let dictionary = dictionary();
        let mut longer_of_prefix: HashMap<&str, Vec<usize>> = HashMap::new();
        for (id, node) in self.nodes.iter().enumerate() {
            if !node.accepted || node.gloss.is_none() || !node.key.chars().all(is_han) {
                continue;
            }
            for (end, _) in node.key.char_indices().skip(2) {
                longer_of_prefix.entry(&node.key[..end]).or_default().push(id);
            }
        }
        let mut links = Vec::new();
        for (id, node) in self.nodes.iter().enumerate() {
            let Some(longer) = longer_of_prefix.get(node.key.as_str()) else { continue };
            if node.accepted && node.gloss.is_none() && !node.romanized && !dictionary.has_common_sense(&node.key) {
                links.push((id, longer.clone()));
            }
        }
        for (short, longer) in links {
            let roots: HashSet<usize> = longer.iter().map(|&l| self.find(l)).collect();
            if roots.len() == 1 && self.union(short, longer[0]) {
                self.nodes[short].short_form = true;
            }
        }
    }

    /// Links a group's name to the name it is built on: "Alibaba Group",
    /// 阿里集团 and 阿里巴巴集团 to Alibaba, 阿里, 阿里巴巴, when the corpus
    /// uses that name on its own, at least as often as the group's name and
    /// more than a couple of times: a bare "Ant" seen twice may be Ant
    /// Financial as well as Ant Group.
    fn link_group_names(&mut self) {
        const SUFFIXES: &[&str] = &[
            " group",
            " holdings",
            " inc.",
            " inc",
            " corp.",
            " corp",
            " corporation",
            " limited",
            " ltd.",
            " ltd",
            "股份有限公司",
            "有限公司",
            "控股",
            "集团",
            "公司",
        ];
        let mut links = Vec::new();
        for (id, node) in self.nodes.iter().enumerate() {
            if !node.accepted {
                continue;
            }
            let head = SUFFIXES.iter().find_map(|suffix| node.key.strip_suffix(suffix));
            if let Some(head) = head
                && head.chars().count() >= 2
                && let Some(&head_node) = self.by_key.get(head)
                && self.nodes[head_node].accepted
                && {
                    let seen = |n: &Node| n.surfaces.iter().map(|(_, count)| count).sum::<u32>();
                    let head_seen = seen(&self.nodes[head_node]);
                    head_seen >= MIN_HEAD_MENTIONS && head_seen >= seen(node)
                }
            {
                links.push((id, head_node));
            }
        }
        for (group, head) in links {
            if self.union(head, group) {
                self.nodes[group].kind_votes[1] += 1;
            }
        }
    }

    /// Whether a node's evidence is enough for a term of its own.
    fn accept(node: &Node) -> bool {
        let han = node.key.chars().any(is_han);
        let words = node.key.split(' ').count();
        let quoted = node.has(Evidence::Quoted);
        // A capitalized word that is no everyday English word is a name even
        // where only sentences start with it (Jespersen, Xinhua); one the
        // corpus mostly writes in lower case is dropped when mentions are
        // counted (`assemble`).
        let uncommon = |word: &str| {
            let word = word.trim_end_matches('.');
            word.chars().all(|c| c.is_ascii_alphabetic()) && !dictionary().is_english_word(word)
        };
        let latin_words: Vec<&str> = if han { Vec::new() } else { node.key.split(' ').collect() };
        let initial = node.has(Evidence::SentenceInitial);
        node.accepted
            || node.has(Evidence::Pattern) > 0
            || node.has(Evidence::Coinage) > 0
            || node.has(Evidence::Capitalized) > 0
            || initial >= 2 && words >= 2
            || initial >= 2 && words == 1 && latin_words.first().is_some_and(|w| uncommon(w))
            // A first name and a surname at a sentence's start ("Otto
            // Jespersen was born"): neither end is an everyday word.
            || initial == 1
                && words >= 2
                && latin_words.first().is_some_and(|w| uncommon(w))
                && latin_words.last().is_some_and(|w| uncommon(w))
            || node.has(Evidence::Acronym) >= 2
            || node.has(Evidence::Tagged) >= 2
            || node.has(Evidence::Lexicon) >= 2
            || node.has(Evidence::Discovered) >= 3
            // A lower-case word in quotes ("wants") is a word being quoted, not a name.
            || quoted >= 2 && (han || words >= 2 || node.surfaces.iter().any(|(s, _)| !s.chars().all(char::is_lowercase)))
            || quoted == 1 && han && node.key.chars().count() >= 3
            || quoted == 1
                && !han
                && node.surfaces.iter().any(|(s, _)| s.chars().any(|c| c.is_uppercase() || c.is_ascii_digit()))
    }

    /// Links Latin names to the Han names they romanize, when only one Han name fits.
    fn link_romanizations(&mut self) {
        // Latin names first, so that only the romanizations some Latin name
        // could match are kept (a large corpus has many Han words).
        let mut latin_names: HashMap<String, Vec<usize>> = HashMap::new();
        for (id, node) in self.nodes.iter().enumerate() {
            let capitalized = node
                .surfaces
                .iter()
                .map(|(s, _)| s)
                .chain(&node.declared)
                .any(|s| s.chars().next().is_some_and(char::is_uppercase));
            let is_latin_name = node.accepted
                && capitalized
                && node.key.chars().all(|c| c.is_ascii_alphabetic() || matches!(c, ' ' | '.' | '-' | '\''));
            if is_latin_name {
                latin_names.entry(letters_key(&node.key)).or_default().push(id);
            }
        }
        let mut by_romanization: HashMap<&str, Vec<usize>> = HashMap::new();
        for (id, node) in self.nodes.iter().enumerate() {
            if node.key.chars().all(is_han) {
                for key in romanizations(&node.key, node.is_person()) {
                    if let Some((key, _)) = latin_names.get_key_value(&key) {
                        by_romanization.entry(key.as_str()).or_default().push(id);
                    }
                }
            }
        }
        let mut links = Vec::new();
        for (key, hans) in &by_romanization {
            for &latin in &latin_names[*key] {
                // "You Xi" is a person's name, not 游戏 (a game): a name of several
                // words only links to a Han name, not to a plain word.
                let several_words = self.nodes[latin].key.contains(' ');
                let hans: Vec<usize> = hans
                    .iter()
                    .copied()
                    .filter(|&h| !several_words || self.nodes[h].evidence.iter().skip(1).any(|&n| n > 0))
                    .collect();
                links.push((latin, hans));
            }
        }
        // Stable order: the outcome must not depend on hash map iteration.
        links.sort();
        for (latin, hans) in links {
            let roots: HashSet<usize> = hans.iter().map(|&h| self.find(h)).collect();
            if roots.len() != 1 || self.find(latin) == self.find(hans[0]) {
                continue;
            }
            if self.union(latin, hans[0]) {
                self.nodes[latin].romanized = true;
                for h in hans {
                    self.nodes[h].accepted = true;
                }
            }
        }
    }

    /// Links Han names to the English names CC-CEDICT gives them, when a
    /// sense fits the corpus (see `glosses`). `has_word` tells the corpus's
    /// lower-case Latin words.
    fn link_dictionary(&mut self, has_word: &dyn Fn(&str) -> bool) {
        let dictionary = dictionary();
        let mut links = Vec::new();
        {
            let by_key = &self.by_key;
            let has_term = |name: &str| by_key.contains_key(&fold::key(name));
            let context = Context { has_word, has_term: &has_term };
            for (id, node) in self.nodes.iter().enumerate() {
                if node.key.chars().count() < 2 || !node.key.chars().all(is_han) {
                    continue;
                }
                if let Some(sense) = glosses::best_sense(dictionary, &node.key, &context) {
                    let gloss = Gloss {
                        simplified: sense.entry.simplified.to_owned(),
                        traditional: sense.entry.traditional.to_owned(),
                        pinyin: sense.entry.pinyin.to_owned(),
                        text: sense.glosses.join("; "),
                    };
                    links.push((id, sense.names, sense.kind, gloss));
                }
            }
        }
        for (han, names, kind, gloss) in links {
            let mut linked = false;
            for name in names {
                let Some(node) = self.intern(&name) else { continue };
                if self.declared_for_other_han_names(node, han) || !self.union(han, node) {
                    continue;
                }
                linked = true;
                if !self.nodes[node].surfaces.iter().any(|(s, _)| *s == name) {
                    self.nodes[node].surfaces.push((name, 0));
                }
                let n = &mut self.nodes[node];
                n.dictionary = true;
                n.accepted = true;
                n.kind_votes[TERM_KINDS.iter().position(|k| *k == kind).unwrap_or(5)] += 1;
            }
            if linked {
                let han_node = &mut self.nodes[han];
                han_node.accepted = true;
                han_node.gloss = Some(gloss);
                // What the dictionary says a name is outweighs a tagger's guess
                // (京东 a company, not a place).
                if kind != TermKind::Unknown {
                    han_node.kind_votes[TERM_KINDS.iter().position(|k| *k == kind).unwrap_or(5)] += GLOSS_KIND_WEIGHT;
                }
            }
        }
    }

    /// Whether `name`'s term belongs to a note that declares Han names, none
    /// of them `han`: the user's note says which Han names the term has.
    fn declared_for_other_han_names(&mut self, name: usize, han: usize) -> bool {
        let (name_root, han_root) = (self.find(name), self.find(han));
        if name_root == han_root {
            return false;
        }
        self.root_note[name_root]
            .is_some_and(|note| self.notes[note].header.aliases.iter().any(|a| a.chars().any(is_han)))
    }
}

/// The key a node's mentions are found by: its key, or for a short acronym
/// only ever written in capitals ("US", "EU"), the acronym as written, which
/// matches only so: "us" is a pronoun.
fn matcher_key(node: &Node) -> std::borrow::Cow<'_, str> {
    let short_acronym = (2..=3).contains(&node.key.len())
        && node.key.chars().all(|c| c.is_ascii_alphabetic())
        && node.declared.is_empty()
        && !node.surfaces.is_empty()
        && node.surfaces.iter().all(|(s, _)| s.chars().all(|c| c.is_ascii_uppercase()));
    if short_acronym { node.key.to_ascii_uppercase().into() } else { node.key.as_str().into() }
}

/// Whether a note's title is a name by its own form: Han text that is no
/// ordinary word of the dictionary, several capitalized words ("Jack Ma"),
/// or a word with capitals or digits inside ("WeChat", "AIDC", "996").
/// 公司 is not; "People" or "Spain" is left to how the corpus writes it.
fn title_is_name(title: &str) -> bool {
    if title.chars().any(is_han) {
        let simplified: String = title.chars().map(fold::simplified).collect();
        return !dictionary().is_common_word(&simplified);
    }
    let words: Vec<&str> = title.split_whitespace().collect();
    let capitalized = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
    match words.as_slice() {
        [word] => word.chars().skip(1).any(|c| c.is_uppercase() || c.is_ascii_digit()),
        _ => words.iter().filter(|w| capitalized(w)).count() >= 2,
    }
}

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

/// The interner is compacted when it holds this many times the strings it
/// held after the last compaction (and at least `MIN_COMPACTED`).
const COMPACT_GROWTH: usize = 2;
const MIN_COMPACTED: usize = 1 << 16;

/// The automaton over the accepted alias keys of one version.
struct Patterns {
    /// The keys, in node order; a hit's pattern is an index into them.
    keys: Vec<Box<str>>,
    matcher: Matcher,
    /// Tells scans made with this automaton from older ones.
    generation: u64,
    /// A hash of the keys, to tell stored scans made with the same keys.
    fingerprint: u64,
}

/// What one source yields on its own.
struct Entry {
    source: Arc<Source>,
    /// The path shared by every location in the source.
    path: Arc<str>,
    part: Part,
    scan: Option<Arc<Scan>>,
    /// A hash of the source's text (what stored values are checked against).
    text_hash: u64,
    /// A scan read from the cache, with its automaton's fingerprint, until
    /// the automaton of this run is known.
    stored_scan: Option<(u64, Scan)>,
    /// Whether the cache lacks what is kept here.
    unsaved: bool,
    /// The hashes of the source's distinct lower-case Latin words.
    words: Vec<u64>,
    /// Why reading the source panicked, if it did (it then yields nothing).
    failure: Option<String>,
}

/// What a new or changed source yields, found in parallel.
struct Extracted<'a> {
    source: &'a Arc<Source>,
    part: Part<Written>,
    stored_scan: Option<(u64, Scan)>,
    text_hash: u64,
    unsaved: bool,
    words: Vec<u64>,
    failure: Option<String>,
}

/// Runs `work` on one source; a panic becomes its message, so that one
/// source that trips a bug fails alone and the rest is indexed.
fn isolated<T>(path: &str, work: impl FnOnce() -> T) -> Result<T, String> {
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
enum Part<N = Vec<Name>> {
    Note(NoteHeader),
    Document(Candidates<N>),
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

    /// Writes to the cache what the builds since the last save found, in
    /// one call of [`BuildCache::put`]. Call it after publishing an index:
    /// nothing waits for it.
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

    /// Brings the kept entries and words up to `sources` (sorted by path):
    /// forgets the sources that are gone or changed, and extracts what the
    /// new and changed ones yield, in parallel.
    fn update(&mut self, sources: &[Arc<Source>]) {
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
    fn patterns_for(&mut self, linker: &Linker, accepted: &[usize]) -> Arc<Patterns> {
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
    fn scan(&mut self, sources: &[Arc<Source>], linker: &Linker, patterns: &Patterns) {
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
                    };
                    entry.scan = Some(Arc::new(empty));
                    entry.failure.get_or_insert(failure);
                }
            }
        });
    }
}

/// Builds the index from the linked names and every source's scan; see the
/// module documentation. Proportional to the distinct names and to the
/// (source, alias) pairs, not to the mentions.
/// The counts of mentions per term and source come from `counting`, which
/// redoes only the terms that changed sources mention (see `term_sources`).
fn assemble(
    sources: Vec<Arc<Source>>,
    scans: Vec<Scanned>,
    linker: &mut Linker,
    accepted: &[usize],
    counting: Counting<'_>,
) -> Index {
    let mut lower_case_mentions = vec![0u32; linker.nodes.len()];
    for (&node, total) in accepted.iter().zip(counting.totals()) {
        linker.nodes[node].mentions += total.count;
        lower_case_mentions[node] += total.lower_case;
    }
    // A capitalized word that is mostly written in lower case is an ordinary
    // word ("Day", "Internet", "Review"), not a name.
    for &id in accepted {
        let node = &mut linker.nodes[id];
        let single_word = !node.key.contains(' ') && node.key.chars().all(|c| c.is_alphabetic() && !is_han(c));
        // An acronym is no proof either when the word is mostly written in
        // lower case: "VERY", "FREE" and "WOW" are shouted words.
        let strong = node.note.is_some() && !node.title_only
            || node.romanized
            || [Evidence::Pattern, Evidence::Quoted].iter().any(|&e| node.has(e) > 0);
        // A word that is no everyday English word ("delaware", "kerala" in
        // a hasty web post) goes only when lower case is most of its uses.
        let lower = lower_case_mentions[id];
        let mostly_lower_case = if dictionary().is_english_word(&node.key) {
            lower * 3 >= node.mentions
        } else {
            lower * 2 >= node.mentions
        };
        if single_word && !strong && lower > 0 && mostly_lower_case {
            node.accepted = false;
        }
    }

    // Groups of accepted nodes become terms.
    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &id in accepted {
        if !linker.nodes[id].accepted {
            continue;
        }
        let root = linker.find(id);
        let group = *group_of_root.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(id);
    }
    let mut group_of_node = vec![usize::MAX; linker.nodes.len()];
    for (g, members) in groups.iter().enumerate() {
        for &m in members {
            group_of_node[m] = g;
        }
    }

    // Per group, in source order: the count in each source, the first
    // mention and the best defining sentence among its document mentions.
    let mut pattern_of_node = vec![u32::MAX; linker.nodes.len()];
    for (pattern, &node) in accepted.iter().enumerate() {
        pattern_of_node[node] = pattern as u32;
    }
    let group_patterns: Vec<Vec<u32>> =
        groups.iter().map(|members| members.iter().map(|&m| pattern_of_node[m]).collect()).collect();
    let mut group_counts = counting.finish(&group_patterns, &sources, &scans);
    // The Han surfaces of each alias.
    let mut extra_surfaces: Vec<Vec<Arc<str>>> = vec![Vec::new(); linker.nodes.len()];
    for scanned in &scans {
        let scan = &scanned.scan;
        for &(pattern, surface) in &scan.han_surfaces {
            let node = accepted[pattern as usize];
            let surface = &scan.surfaces[surface as usize];
            if group_of_node[node] != usize::MAX && !extra_surfaces[node].contains(surface) {
                extra_surfaces[node].push(Arc::clone(surface));
            }
        }
    }

    // Terms, most mentioned first.
    let note_of_group: Vec<Option<usize>> =
        groups.iter().map(|members| members.iter().find_map(|&m| linker.nodes[m].note)).collect();
    let labels: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(g, members)| match note_of_group[g] {
            Some(note) => linker.notes[note].header.label.clone(),
            None => members
                .iter()
                .map(|&m| &linker.nodes[m])
                .max_by(|a, b| {
                    let extracted = |n: &Node| n.surfaces.iter().map(|(_, c)| c).sum::<u32>();
                    (!a.short_form)
                        .cmp(&!b.short_form)
                        .then(a.mentions.cmp(&b.mentions))
                        .then(a.named_by_pattern.cmp(&b.named_by_pattern))
                        .then(extracted(a).cmp(&extracted(b)))
                        .then(b.key.cmp(&a.key))
                })
                .map_or_else(String::new, |n| n.primary_surface().to_owned()),
        })
        .collect();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    let mention_counts: Vec<usize> = group_counts.iter().map(|counts| counts.mention_count).collect();
    order.sort_by(|&a, &b| mention_counts[b].cmp(&mention_counts[a]).then(labels[a].cmp(&labels[b])));
    let mut term_of_group = vec![TermId(0); groups.len()];
    for (rank, &g) in order.iter().enumerate() {
        term_of_group[g] = TermId(rank as u32);
    }

    let mut terms = Vec::with_capacity(groups.len());
    for &g in &order {
        let members = &groups[g];
        let nodes: Vec<&Node> = members.iter().map(|&m| &linker.nodes[m]).collect();
        let mut aliases: Vec<(Alias, u32)> = Vec::new();
        for (&m, node) in members.iter().zip(&nodes) {
            let primary = node.primary_surface().to_owned();
            let surfaces = node
                .declared
                .iter()
                .map(|d| (d.clone(), u32::MAX))
                .chain(node.surfaces.iter().cloned())
                .chain(extra_surfaces[m].iter().map(|s| (s.to_string(), 0)));
            for (text, count) in surfaces {
                if aliases.iter().any(|(a, _)| a.text == text) {
                    continue;
                }
                let source = if node.declared.contains(&text) {
                    AliasSource::Note
                } else if text != primary && text.chars().any(is_han) {
                    AliasSource::Variant
                } else if node.has(Evidence::Pattern) > 0 {
                    AliasSource::Pattern
                } else if node.dictionary {
                    AliasSource::Dictionary
                } else if node.romanized {
                    AliasSource::Romanization
                } else {
                    AliasSource::Corpus
                };
                aliases.push((Alias { script: script_of(&text), text, source }, count.max(node.mentions)));
            }
        }
        let label = labels[g].clone();
        if !aliases.iter().any(|(a, _)| a.text == label) {
            aliases
                .push((Alias { script: script_of(&label), text: label.clone(), source: AliasSource::Note }, u32::MAX));
        }
        aliases.sort_by(|(a, ca), (b, cb)| a.source.cmp(&b.source).then(cb.cmp(ca)).then(a.text.cmp(&b.text)));
        let kind = match note_of_group[g].and_then(|n| linker.notes[n].header.kind) {
            Some(kind) => kind,
            None => {
                let mut votes = [0u32; 6];
                for node in &nodes {
                    for (v, n) in votes.iter_mut().zip(node.kind_votes) {
                        *v += n;
                    }
                }
                votes[5] = 0;
                let (best, count) = votes.iter().enumerate().max_by_key(|(i, v)| (**v, usize::MAX - i)).unwrap();
                if *count > 0 { TERM_KINDS[best] } else { TermKind::Unknown }
            }
        };
        let definition = match note_of_group[g] {
            Some(note) => {
                let info = &linker.notes[note];
                Some(Definition {
                    origin: DefinitionOrigin::Note,
                    location: location(&sources[info.source], info.header.title_range.clone()),
                    text: info.header.summary.clone(),
                })
            }
            None => corpus_definition(&sources, group_counts[g].best_sentence.take(), group_counts[g].first_mention),
        };
        terms.push(Term {
            id: term_of_group[g],
            label,
            kind,
            aliases: aliases.into_iter().map(|(a, _)| a).collect(),
            definition,
            gloss: term_gloss(&nodes),
            mention_count: mention_counts[g],
            sources: std::mem::take(&mut group_counts[g].sources),
        });
    }

    let term_of_pattern: Vec<Option<TermId>> = accepted
        .iter()
        .map(|&node| (group_of_node[node] != usize::MAX).then(|| term_of_group[group_of_node[node]]))
        .collect();
    let scans = scans.into_iter().map(|scanned| scanned.scan).collect();
    let problems = std::mem::take(&mut linker.problems);
    Index::from_parts(sources, scans, term_of_pattern, terms, problems)
}

/// The hashes of the distinct lower-case words of a text's Latin letters,
/// to choose dictionary senses by: only ever asked whether a word is there,
/// so a 64-bit hash stands for it (a collision would be one gloss word too
/// many in one sense's score).
fn latin_words(text: &str) -> Vec<u64> {
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
fn word_hash(word: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(word.as_bytes())
}

/// The dictionary's gloss for a term: the sense that gave it an English name,
/// else every sense of its most mentioned Han name the dictionary has. A term
/// the corpus already names in Latin letters is a name, so only proper-noun
/// senses describe it: 菜鸟 "rookie" says nothing about Cainiao.
fn term_gloss(nodes: &[&Node]) -> Option<Gloss> {
    if let Some(gloss) = nodes.iter().find_map(|n| n.gloss.clone()) {
        return Some(gloss);
    }
    let dictionary = dictionary();
    let named_in_latin = nodes.iter().any(|n| n.key.chars().any(|c| c.is_ascii_alphabetic()));
    let mut hans: Vec<&&Node> = nodes.iter().filter(|n| n.key.chars().all(is_han)).collect();
    hans.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.key.cmp(&b.key)));
    hans.iter().find_map(|node| {
        let entries: Vec<_> = dictionary.lookup(&node.key).filter(|e| e.is_proper_noun() || !named_in_latin).collect();
        let first = entries.first()?;
        Some(Gloss {
            simplified: first.simplified.to_owned(),
            traditional: first.traditional.to_owned(),
            pinyin: first.pinyin.to_owned(),
            text: entries.iter().flat_map(|e| e.senses()).collect::<Vec<_>>().join("; "),
        })
    })
}

/// The sentence around a term's best defining mention (`best`: its score,
/// source and range), else around its first mention (`first`).
fn corpus_definition(
    sources: &[Arc<Source>],
    best: Option<(u8, usize, Range<usize>)>,
    first: Option<(usize, [u32; 2])>,
) -> Option<Definition> {
    let (origin, source, range) = match (best, first) {
        (Some((_, source, range)), _) => (DefinitionOrigin::Sentence, &sources[source], range),
        (None, Some((source, at))) => {
            (DefinitionOrigin::FirstMention, &sources[source], at[0] as usize..at[1] as usize)
        }
        (None, None) => return None,
    };
    let sentence = definitions::sentence_around(&source.document.text, range);
    Some(Definition {
        origin,
        text: source.document.text[sentence.clone()].to_owned(),
        location: location(source, sentence),
    })
}

#[cfg(test)]
mod tests {
    use dossier_ingest::{IngestConfig, ingest};

    use super::*;

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
