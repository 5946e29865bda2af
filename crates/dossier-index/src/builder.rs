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

use crate::{
    Alias, AliasSource, Definition, DefinitionOrigin, Gloss, Index, Location, Mention, NoteProblem, Script, Source,
    SourceKind, Term, TermId, TermKind,
    candidates::{Evidence, Found},
    definitions,
    dictionary::dictionary,
    extract_en, extract_zh,
    fold::{Folder, is_han, letters_key},
    glosses::{self, Context},
    mentions::Matcher,
    notes::{self, NoteHeader},
    patterns, quoted,
    romanize::romanizations,
};

const EVIDENCE_KINDS: usize = 10;
const TERM_KINDS: [TermKind; 6] = [
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

#[derive(Default)]
struct Builder {
    folder: Folder,
    nodes: Vec<Node>,
    by_key: HashMap<String, usize>,
    /// Surfaces already folded: most candidates recur, and folding is the costly part.
    by_surface: HashMap<String, Option<usize>>,
    parent: Vec<usize>,
    /// The note owning each union-find root.
    root_note: Vec<Option<usize>>,
    notes: Vec<NoteInfo>,
    pairs: Vec<(usize, usize)>,
    problems: Vec<NoteProblem>,
}

impl Builder {
    fn intern(&mut self, surface: &str) -> Option<usize> {
        if let Some(&node) = self.by_surface.get(surface) {
            return node;
        }
        let node = self.intern_key(surface);
        self.by_surface.insert(surface.to_owned(), node);
        node
    }

    fn intern_key(&mut self, surface: &str) -> Option<usize> {
        let key = self.folder.key(surface);
        if key.chars().count() < 2 && !key.chars().any(is_han) || key.is_empty() {
            return None;
        }
        let next = self.nodes.len();
        let id = *self.by_key.entry(key.clone()).or_insert(next);
        if id == next {
            self.nodes.push(Node { key, ..Node::default() });
            self.parent.push(id);
            self.root_note.push(None);
        }
        Some(id)
    }

    fn add_surface(&mut self, node: usize, surface: &str) {
        let surfaces = &mut self.nodes[node].surfaces;
        match surfaces.iter_mut().find(|(s, _)| s == surface) {
            Some((_, count)) => *count += 1,
            None => surfaces.push((surface.to_owned(), 1)),
        }
    }

    fn add_found(&mut self, text: &str, found: &Found) -> Option<usize> {
        let surface = text[found.range.clone()].trim();
        let node = self.intern(surface)?;
        self.add_surface(node, surface);
        let n = &mut self.nodes[node];
        n.evidence[found.evidence as usize] += 1;
        n.kind_votes[TERM_KINDS.iter().position(|k| *k == found.kind).unwrap_or(5)] += 1;
        Some(node)
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

    fn add_note(&mut self, index: usize, source: &Source) {
        let document = &source.document;
        let header = notes::parse_note(&document.path, &document.text);
        if let Some(message) = &header.problem {
            self.problems.push(NoteProblem {
                location: location(source, header.front_matter.clone()),
                message: message.clone(),
            });
        }
        let note = self.notes.len();
        let defines_term = header.front_matter.end > 0 && !header.broken;
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
                n.accepted = true;
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

    fn add_document(&mut self, source: &Source) {
        let text = &source.document.text;
        let mut found = extract_en::extract(text);
        found.extend(extract_zh::extract(text, &mut self.folder));
        found.extend(quoted::extract(text));
        for f in &found {
            self.add_found(text, f);
        }
        for pair in patterns::extract(text, &found) {
            if let (Some(a), Some(b)) = (self.add_found(text, &pair.left), self.add_found(text, &pair.right)) {
                self.nodes[a].named_by_pattern = true;
                self.pairs.push((a, b));
            }
        }
    }

    /// Whether a node's evidence is enough for a term of its own.
    fn accept(node: &Node) -> bool {
        let han = node.key.chars().any(is_han);
        let words = node.key.split(' ').count();
        let quoted = node.has(Evidence::Quoted);
        node.accepted
            || node.has(Evidence::Pattern) > 0
            || node.has(Evidence::Coinage) > 0
            || node.has(Evidence::Capitalized) > 0
            || node.has(Evidence::SentenceInitial) >= 2 && words >= 2
            || node.has(Evidence::Acronym) >= 2
            || node.has(Evidence::Number) >= 2
            || node.has(Evidence::Tagged) >= 2
            || quoted >= 2
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
    /// sense fits the corpus (see `glosses`). `words` are the corpus's
    /// lower-case Latin words.
    fn link_dictionary(&mut self, words: &HashSet<String>) {
        let dictionary = dictionary();
        let mut links = Vec::new();
        {
            let by_key = &self.by_key;
            let has_term = |name: &str| by_key.contains_key(&Folder::default().key(name));
            let context = Context { words, has_term: &has_term };
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
                self.nodes[han].accepted = true;
                self.nodes[han].gloss = Some(gloss);
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
        let simplified = zhconv::zhconv(text, zhconv::Variant::ZhHans);
        let traditional = zhconv::zhconv(text, zhconv::Variant::ZhHant);
        return match (simplified == text, traditional == text) {
            (true, true) => Script::Han,
            (true, false) => Script::HanSimplified,
            _ => Script::HanTraditional,
        };
    }
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if !letters.is_empty() && letters.iter().all(|&c| (c as u32) < 0x0250) { Script::Latin } else { Script::Other }
}

/// Builds the index; see the module documentation.
pub(crate) fn build(mut sources: Vec<Arc<Source>>) -> Index {
    sources.sort_by(|a, b| a.document.path.cmp(&b.document.path));
    let mut builder = Builder::default();
    for (index, source) in sources.iter().enumerate() {
        match source.kind {
            SourceKind::Note => builder.add_note(index, source),
            SourceKind::Document => builder.add_document(source),
        }
    }
    for node in &mut builder.nodes {
        node.accepted = Builder::accept(node);
    }
    for (a, b) in std::mem::take(&mut builder.pairs) {
        builder.union(a, b);
    }
    builder.link_romanizations();
    builder.link_dictionary(&latin_words(&sources));

    // One automaton over every accepted alias key, one pass per source.
    let accepted: Vec<usize> = (0..builder.nodes.len()).filter(|&id| builder.nodes[id].accepted).collect();
    let matcher = Matcher::new(accepted.iter().map(|&node| (builder.nodes[node].key.clone(), node)).collect());
    let front_matters: HashMap<usize, Range<usize>> =
        builder.notes.iter().map(|n| (n.source, n.header.front_matter.clone())).collect();
    let mut hits_per_source = Vec::with_capacity(sources.len());
    let mut lower_case_mentions = vec![0u32; builder.nodes.len()];
    for (index, source) in sources.iter().enumerate() {
        let skip = front_matters.get(&index).cloned().unwrap_or(0..0);
        let hits = matcher.find(&source.document, &mut builder.folder, skip);
        for hit in &hits {
            builder.nodes[hit.value].mentions += 1;
            if source.document.text[hit.text_range.clone()].starts_with(char::is_lowercase) {
                lower_case_mentions[hit.value] += 1;
            }
        }
        hits_per_source.push(hits);
    }
    // A capitalized word that is mostly written in lower case is an ordinary
    // word ("Day", "Internet", "Review"), not a name.
    for &id in &accepted {
        let node = &mut builder.nodes[id];
        let single_word = !node.key.contains(' ') && node.key.chars().all(|c| c.is_alphabetic() && !is_han(c));
        let strong = node.note.is_some()
            || node.romanized
            || [Evidence::Pattern, Evidence::Quoted, Evidence::Acronym].iter().any(|&e| node.has(e) > 0);
        let lower = lower_case_mentions[id];
        if single_word && !strong && lower > 0 && lower * 3 >= node.mentions {
            node.accepted = false;
        }
    }

    // Groups of accepted nodes become terms.
    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &id in &accepted {
        if !builder.nodes[id].accepted {
            continue;
        }
        let root = builder.find(id);
        let group = *group_of_root.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(id);
    }
    let mut group_of_node = vec![usize::MAX; builder.nodes.len()];
    for (g, members) in groups.iter().enumerate() {
        for &m in members {
            group_of_node[m] = g;
        }
    }

    let mut group_mentions: Vec<Vec<Mention>> = vec![Vec::new(); groups.len()];
    let mut extra_surfaces: Vec<Vec<String>> = vec![Vec::new(); builder.nodes.len()];
    let mut source_hits: Vec<Vec<(Range<usize>, usize)>> = Vec::with_capacity(sources.len());
    for (source, hits) in sources.iter().zip(hits_per_source) {
        let mut spans = Vec::with_capacity(hits.len());
        for hit in hits {
            let group = group_of_node[hit.value];
            if group == usize::MAX {
                continue;
            }
            let surface = source.document.text[hit.text_range.clone()].to_owned();
            if surface.chars().any(is_han) && !extra_surfaces[hit.value].contains(&surface) {
                extra_surfaces[hit.value].push(surface.clone());
            }
            spans.push((hit.text_range.clone(), group));
            group_mentions[group].push(Mention {
                location: Location {
                    path: Arc::from(source.document.path.as_str()),
                    text_range: hit.text_range,
                    original_range: hit.original_range,
                },
                surface,
                kind: source.kind,
            });
        }
        source_hits.push(spans);
    }

    // Terms, most mentioned first.
    let note_of_group: Vec<Option<usize>> =
        groups.iter().map(|members| members.iter().find_map(|&m| builder.nodes[m].note)).collect();
    let labels: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(g, members)| match note_of_group[g] {
            Some(note) => builder.notes[note].header.label.clone(),
            None => members
                .iter()
                .map(|&m| &builder.nodes[m])
                .max_by(|a, b| {
                    let extracted = |n: &Node| n.surfaces.iter().map(|(_, c)| c).sum::<u32>();
                    a.mentions
                        .cmp(&b.mentions)
                        .then(a.named_by_pattern.cmp(&b.named_by_pattern))
                        .then(extracted(a).cmp(&extracted(b)))
                        .then(b.key.cmp(&a.key))
                })
                .map_or_else(String::new, |n| n.primary_surface().to_owned()),
        })
        .collect();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| group_mentions[b].len().cmp(&group_mentions[a].len()).then(labels[a].cmp(&labels[b])));
    let mut term_of_group = vec![TermId(0); groups.len()];
    for (rank, &g) in order.iter().enumerate() {
        term_of_group[g] = TermId(rank as u32);
    }

    let mut terms = Vec::with_capacity(groups.len());
    for &g in &order {
        let members = &groups[g];
        let nodes: Vec<&Node> = members.iter().map(|&m| &builder.nodes[m]).collect();
        let mut aliases: Vec<(Alias, u32)> = Vec::new();
        for (&m, node) in members.iter().zip(&nodes) {
            let primary = node.primary_surface().to_owned();
            let surfaces = node
                .declared
                .iter()
                .map(|d| (d.clone(), u32::MAX))
                .chain(node.surfaces.iter().cloned())
                .chain(extra_surfaces[m].iter().map(|s| (s.clone(), 0)));
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
        let kind = match note_of_group[g].and_then(|n| builder.notes[n].header.kind) {
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
        let mentions = std::mem::take(&mut group_mentions[g]);
        let definition = match note_of_group[g] {
            Some(note) => {
                let info = &builder.notes[note];
                Some(Definition {
                    origin: DefinitionOrigin::Note,
                    location: location(&sources[info.source], info.header.title_range.clone()),
                    text: info.header.summary.clone(),
                })
            }
            None => corpus_definition(&sources, &mentions),
        };
        terms.push(Term {
            id: term_of_group[g],
            label,
            kind,
            aliases: aliases.into_iter().map(|(a, _)| a).collect(),
            definition,
            gloss: term_gloss(&nodes),
            mentions,
        });
    }

    let by_source: Vec<Vec<(Range<usize>, TermId)>> = source_hits
        .into_iter()
        .map(|spans| spans.into_iter().map(|(range, g)| (range, term_of_group[g])).collect())
        .collect();
    Index::from_parts(sources, terms, by_source, builder.problems, &mut builder.folder)
}

/// The lower-case words of the sources' Latin text, to choose dictionary senses by.
fn latin_words(sources: &[Arc<Source>]) -> HashSet<String> {
    let mut words = HashSet::new();
    for source in sources {
        let text = &source.document.text;
        words.extend(
            text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 3).map(str::to_ascii_lowercase),
        );
    }
    words
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

/// The best defining sentence among a term's document mentions, else its first mention.
fn corpus_definition(sources: &[Arc<Source>], mentions: &[Mention]) -> Option<Definition> {
    let text_of = |mention: &Mention| {
        sources.binary_search_by(|s| s.document.path.as_str().cmp(&mention.location.path)).ok().map(|i| &sources[i])
    };
    let mut best: Option<(u8, &Mention)> = None;
    for mention in mentions.iter().filter(|m| m.kind == SourceKind::Document) {
        let Some(source) = text_of(mention) else { continue };
        let score = definitions::score(&source.document.text, mention.location.text_range.clone());
        if score > best.map_or(0, |(s, _)| s) {
            best = Some((score, mention));
        }
    }
    let (origin, mention) = match best {
        Some((_, mention)) => (DefinitionOrigin::Sentence, mention),
        None => (DefinitionOrigin::FirstMention, mentions.first()?),
    };
    let source = text_of(mention)?;
    let sentence = definitions::sentence_around(&source.document.text, mention.location.text_range.clone());
    Some(Definition {
        origin,
        text: source.document.text[sentence.clone()].to_owned(),
        location: location(source, sentence),
    })
}
