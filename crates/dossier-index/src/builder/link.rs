//! Linking: every name the sources yield becomes a node (one per folded
//! key), and links, strongest first, merge nodes into terms (see the
//! builder's module documentation for the order and what is refused).

use std::collections::{HashMap, HashSet};

use crate::{
    Gloss, NoteProblem, Source, TermKind,
    candidates::{Candidates, Evidence, Interner, alias_key},
    dictionary::dictionary,
    fold::{self, is_han, letters_key},
    glosses::{self, Context},
    notes::NoteHeader,
    romanize::romanizations,
};

use super::{TERM_KINDS, location};

pub(super) const EVIDENCE_KINDS: usize = 11;
/// How often a name must be seen on its own to stand for its group's name.
pub(super) const MIN_HEAD_MENTIONS: u32 = 3;
/// The weight of an organization stated by English text (a company word
/// in or after the name) against the extractors' other votes.
const STATED_KIND_WEIGHT: u32 = 2;

/// The weight of a dictionary gloss's kind against the extractors' votes.
pub(super) const GLOSS_KIND_WEIGHT: u32 = 1000;

/// One folded key and everything known about it.
#[derive(Default)]
pub(super) struct Node {
    pub(super) key: String,
    /// Surfaces as written, with how often the extractors saw each.
    pub(super) surfaces: Vec<(String, u32)>,
    /// The interned ids of the surfaces the documents' candidates added.
    pub(super) surface_ids: Vec<u32>,
    /// How often each kind of evidence was seen.
    pub(super) evidence: [u32; EVIDENCE_KINDS],
    pub(super) kind_votes: [u32; 6],
    /// The note that declares it, and the surfaces it declares.
    pub(super) note: Option<usize>,
    pub(super) declared: Vec<String>,
    /// Linked to a Han name through its pinyin.
    pub(super) romanized: bool,
    /// An English name CC-CEDICT gives a Han name of its term.
    pub(super) dictionary: bool,
    /// For a Han name: the dictionary sense that named it.
    pub(super) gloss: Option<Gloss>,
    /// The name side of a pattern ("刘博" in 刘博（花名：家洛）): preferred as a label.
    pub(super) named_by_pattern: bool,
    /// Declared only as the title of a note without aliases: the corpus's
    /// evidence decides whether it is a term.
    pub(super) title_only: bool,
    /// A short form linked to the name it begins (阿里 of 阿里巴巴): never the label.
    pub(super) short_form: bool,
    pub(super) accepted: bool,
    pub(super) mentions: u32,
}

impl Node {
    pub(super) fn has(&self, evidence: Evidence) -> u32 {
        self.evidence[evidence as usize]
    }

    pub(super) fn is_person(&self) -> bool {
        self.kind_votes[0] > 0
    }

    pub(super) fn primary_surface(&self) -> &str {
        self.declared
            .first()
            .map(String::as_str)
            .or_else(|| self.surfaces.iter().max_by_key(|(_, n)| *n).map(|(s, _)| s.as_str()))
            .unwrap_or(&self.key)
    }
}

pub(super) struct NoteInfo {
    pub(super) source: usize,
    pub(super) path: String,
    pub(super) header: NoteHeader,
}

/// Linking for one version of the index: nodes for every name the sources
/// yield, merged into terms. Rebuilt for each version (it is proportional to
/// the distinct names, not to the bytes).
#[derive(Default)]
pub(super) struct Linker {
    pub(super) nodes: Vec<Node>,
    pub(super) by_key: HashMap<String, usize>,
    /// The node of each interned key (`u32::MAX`: none yet).
    pub(super) node_of_string: Vec<u32>,
    /// Surfaces already folded (notes' and the dictionary's names).
    pub(super) by_surface: HashMap<String, Option<usize>>,
    pub(super) parent: Vec<usize>,
    /// The note owning each union-find root.
    pub(super) root_note: Vec<Option<usize>>,
    pub(super) notes: Vec<NoteInfo>,
    pub(super) pairs: Vec<(usize, usize)>,
    pub(super) problems: Vec<NoteProblem>,
}

impl Linker {
    pub(super) fn intern(&mut self, surface: &str) -> Option<usize> {
        if let Some(&node) = self.by_surface.get(surface) {
            return node;
        }
        let node = alias_key(surface).map(|key| self.node_of_key(&key));
        self.by_surface.insert(surface.to_owned(), node);
        node
    }

    pub(super) fn node_of_key(&mut self, key: &str) -> usize {
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
    pub(super) fn add_candidates(&mut self, candidates: &Candidates, interner: &Interner) {
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
            // What English text says of a name ("Alibaba Group", "a Gaode
            // employee") outweighs a guess from a Han name's syllables (高德
            // looks like a person's name: 高 is a surname).
            let stated_organization = found.kind == TermKind::Organization && !n.key.chars().any(is_han);
            let weight = if stated_organization { STATED_KIND_WEIGHT } else { 1 };
            n.kind_votes[TERM_KINDS.iter().position(|k| *k == found.kind).unwrap_or(5)] += found.count * weight;
        }
        for &(left, right) in &candidates.pairs {
            let node = |slot: u32| nodes[candidates.found[slot as usize].name as usize];
            if let (Some(a), Some(b)) = (node(left), node(right)) {
                self.nodes[a].named_by_pattern = true;
                self.pairs.push((a, b));
            }
        }
    }

    pub(super) fn find(&mut self, mut node: usize) -> usize {
        while self.parent[node] != node {
            self.parent[node] = self.parent[self.parent[node]];
            node = self.parent[node];
        }
        node
    }

    /// Merges two nodes' groups unless they belong to two different notes.
    pub(super) fn union(&mut self, a: usize, b: usize) -> bool {
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
    pub(super) fn add_note(&mut self, index: usize, source: &Source, header: NoteHeader) {
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
    pub(super) fn link(&mut self, has_word: &dyn Fn(&str) -> bool) {
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
        self.link_compound_names();
        self.vote_dictionary_kinds();
    }

    /// Gives a Latin name the kind of the dictionary entry whose gloss names
    /// it ("Alipay" of 支付宝 "Alipay, online payment platform"), for the
    /// names the corpus writes only in Latin letters: one vote, as weak as
    /// one mention's guess, and never a person's (a person is what the
    /// extractors must see; the dictionary names few outside the corpus).
    /// A name already linked to its Han entry has that entry's kind already.
    fn vote_dictionary_kinds(&mut self) {
        let dictionary = dictionary();
        for node in &mut self.nodes {
            if !node.accepted || node.dictionary || node.key.chars().any(is_han) {
                continue;
            }
            let kind = glosses::kind_of_english_name(dictionary, node.primary_surface());
            if matches!(kind, TermKind::Organization | TermKind::Product | TermKind::Place) {
                node.kind_votes[TERM_KINDS.iter().position(|k| *k == kind).unwrap_or(5)] += 1;
            }
        }
    }

    /// Links a Han short form to the one established name it begins
    /// (阿里 to 阿里巴巴): the short form is a name of the corpus with no
    /// English name of its own and no ordinary sense, and exactly one name of
    /// the corpus that the dictionary names in English starts with it. Two
    /// such names (or none) leave it alone: no link rather than a wrong one.
    /// An English institution's name before "of" links the same way.
    pub(super) fn link_short_forms(&mut self) {
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
        // "Linguistic Society" to "Linguistic Society of America": the
        // institution's name before "of" (`extract_en::phrase_names`).
        let mut longer_of_head: HashMap<&str, Vec<usize>> = HashMap::new();
        for (id, node) in self.nodes.iter().enumerate() {
            if let Some((head, _)) = node.key.split_once(" of ")
                && node.accepted
                && head.contains(' ')
            {
                longer_of_head.entry(head).or_default().push(id);
            }
        }
        for (id, node) in self.nodes.iter().enumerate() {
            if let Some(longer) = longer_of_head.get(node.key.as_str())
                && node.accepted
            {
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
    pub(super) fn link_group_names(&mut self) {
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

    /// Links a Han name made of a name and one ordinary word to the English
    /// name made the same way: 阿里云 (阿里 + 云 "cloud") to "Alibaba Cloud"
    /// when 阿里 is one term with "Alibaba", 北京大学 to "Beijing
    /// University". Neither side may have a name in the other script yet,
    /// and the English name must fit one Han name and the Han name one
    /// English name: no link rather than a wrong one.
    pub(super) fn link_compound_names(&mut self) {
        let dictionary = dictionary();
        let roots: Vec<usize> = (0..self.nodes.len()).map(|id| self.find(id)).collect();
        let is_latin = |node: &Node| !node.key.chars().any(is_han);
        let mut latin_members: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut scripts: HashMap<usize, (bool, bool)> = HashMap::new();
        for (id, node) in self.nodes.iter().enumerate().filter(|(_, node)| node.accepted) {
            let (latin, han) = scripts.entry(roots[id]).or_default();
            if is_latin(node) {
                *latin = true;
                latin_members.entry(roots[id]).or_default().push(id);
            } else {
                *han = true;
            }
        }
        let mut claims: HashMap<usize, Vec<usize>> = HashMap::new();
        for (id, node) in self.nodes.iter().enumerate() {
            if !node.accepted || node.key.chars().count() < 3 || !node.key.chars().all(is_han) || scripts[&roots[id]].0
            {
                continue;
            }
            let mut fits = HashSet::new();
            for (at, _) in node.key.char_indices().skip(2) {
                let (head, word) = node.key.split_at(at);
                let Some(&head_node) = self.by_key.get(head) else { continue };
                let Some(latin_names) = latin_members.get(&roots[head_node]) else { continue };
                for english in ordinary_english_words(dictionary, word) {
                    for &latin in latin_names {
                        let compound = format!("{} {english}", self.nodes[latin].key);
                        if let Some(&candidate) = self.by_key.get(&compound)
                            && self.nodes[candidate].accepted
                            && !scripts[&roots[candidate]].1
                        {
                            fits.insert(roots[candidate]);
                        }
                    }
                }
            }
            if let [english] = fits.into_iter().collect::<Vec<_>>()[..] {
                claims.entry(english).or_default().push(id);
            }
        }
        for (english, han) in claims {
            if let [han] = han[..] {
                self.union(english, han);
            }
        }
    }

    /// Whether a node's evidence is enough for a term of its own.
    pub(super) fn accept(node: &Node) -> bool {
        let han = node.key.chars().any(is_han);
        let words = node.key.split(' ').count();
        let quoted = node.has(Evidence::Quoted);
        // A capitalized word that is no everyday English word is a name even
        // where only sentences start with it (Jespersen, Xinhua); one the
        // corpus mostly writes in lower case is dropped when mentions are
        // counted (`assemble`).
        let uncommon = |word: &str| {
            let word = word.trim_end_matches('.');
            word.chars().all(|c| c.is_ascii_alphabetic()) && !dictionary().is_english_word(&word.to_ascii_lowercase())
        };
        let latin_words: Vec<&str> = if han { Vec::new() } else { node.key.split(' ').collect() };
        let initial = node.has(Evidence::SentenceInitial);
        let capitalized = node.has(Evidence::Capitalized);
        let dictionary = dictionary();
        // One word the dictionary spells with a capital as a common noun
        // ("Internet") names nothing, however the corpus writes it.
        if let [word] = latin_words[..]
            && dictionary.is_capitalized_common_noun(word)
        {
            return node.accepted || node.has(Evidence::Pattern) > 0;
        }
        // An everyday word that starts sentences far more often than it is
        // capitalized inside them ("Thanks," on its own line, then once
        // "Q Thank you") is the word, capitalized by chance.
        // A Han word the dictionary knows only as an ordinary word (基本法
        // basic law, 管理层 management), or a compound of such words that
        // the segmenter takes for a noun (秘书处: 秘书 + 处), is a common
        // noun: quotes or a discovery do not make it a name.
        if han
            && (dictionary.is_common_word(&node.key)
                || node.has(Evidence::Word) > 0 && dictionary.is_common_compound(&node.key))
        {
            return node.accepted || node.has(Evidence::Pattern) > 0;
        }
        let everyday_word = matches!(latin_words[..], [word] if dictionary.is_english_word(word));
        let capitalized_inside = capitalized > 0 && (!everyday_word || capitalized >= initial);
        node.accepted
            || node.has(Evidence::Pattern) > 0
            || node.has(Evidence::Coinage) > 0
            || capitalized_inside
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
            // An everyday word the tagger takes for a county (新建 newly
            // built, beside Xinjian county) is a name only where the corpus
            // writes its English name (`link_dictionary`); 京都 (Kyoto,
            // beside "capital") is a name anyway.
            || node.has(Evidence::Lexicon) >= 2
                && !(han && dictionary.has_common_sense(&node.key) && !dictionary.has_notable_proper_sense(&node.key))
            || node.has(Evidence::Discovered) >= 3
            // A lower-case word in quotes ("wants") is a word being quoted, not a name.
            // Two ordinary chars in quotes (「醜人」) are a word being stressed.
            || quoted >= 2
                && (han && !dictionary.is_ordinary_pair(&node.key)
                    || !han && (words >= 2 || node.surfaces.iter().any(|(s, _)| !s.chars().all(char::is_lowercase))))
            // A phrase in title marks once (a chapter cited) is weaker than a word.
            || quoted == 1 && han && node.key.chars().count() >= 3 && !crate::quoted::holds_function_char(&node.key)
            || quoted == 1
                && !han
                && node.surfaces.iter().any(|(s, _)| s.chars().any(|c| c.is_uppercase() || c.is_ascii_digit()))
    }

    /// Links Latin names to the Han names they romanize, when only one Han name fits.
    pub(super) fn link_romanizations(&mut self) {
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
    pub(super) fn link_dictionary(&mut self, has_word: &dyn Fn(&str) -> bool) {
        let dictionary = dictionary();
        let mut links = Vec::new();
        let mut kinds = Vec::new();
        {
            let by_key = &self.by_key;
            let has_term = |name: &str| by_key.contains_key(&fold::key(name));
            let context = Context { has_word, has_term: &has_term };
            for (id, node) in self.nodes.iter().enumerate() {
                if node.key.chars().count() < 2 || !node.key.chars().all(is_han) {
                    continue;
                }
                // An everyday word (成功 success, 资源 resource) is taken for a
                // proper noun of the dictionary (成功 "Chenggong, town in
                // Taitung County") only when the corpus writes that name: the
                // gloss's words around it say that the corpus knows the place,
                // not that the word means it where it is written.
                let everyday = dictionary.has_common_sense(&node.key);
                let sense = glosses::best_sense(dictionary, &node.key, &context)
                    .filter(|sense| !everyday || sense.names.iter().any(|name| has_term(name)));
                let Some(sense) = sense else {
                    // No English name of the corpus, but the dictionary still
                    // says what the name is (康德 "Immanuel Kant (1724-1804),
                    // German philosopher"), when all its senses agree.
                    if node.accepted
                        && !everyday
                        && let Some(kind) = glosses::kind_of_han_name(dictionary, &node.key)
                    {
                        kinds.push((id, kind));
                    }
                    continue;
                };
                {
                    let gloss = Gloss {
                        simplified: sense.entry.simplified.to_owned(),
                        traditional: sense.entry.traditional.to_owned(),
                        pinyin: sense.entry.pinyin.to_owned(),
                        text: sense.glosses.join("; "),
                    };
                    let transliterated = sense.glosses.first().is_some_and(|g| g.trim_end().ends_with("(name)"));
                    links.push((id, sense.names, sense.kind, gloss, transliterated));
                }
            }
        }
        for (id, kind) in kinds {
            self.nodes[id].kind_votes[TERM_KINDS.iter().position(|k| *k == kind).unwrap_or(5)] += GLOSS_KIND_WEIGHT;
        }
        // A name the Han word transliterates ("Jordan (name)" of 乔丹) is the
        // weakest link: it goes last, and only to an English name that no
        // other Han name of the corpus has (约旦, the country, is Jordan) and
        // that no other Han name claims so.
        let (strong, transliterated): (Vec<_>, Vec<_>) = links.into_iter().partition(|link| !link.4);
        for (han, names, kind, gloss, _) in strong {
            self.link_gloss_names(han, names, kind, gloss);
        }
        let mut claims: HashMap<String, usize> = HashMap::new();
        for link in &transliterated {
            for name in &link.1 {
                *claims.entry(fold::key(name)).or_default() += 1;
            }
        }
        let mut han_roots = HashSet::new();
        for id in 0..self.nodes.len() {
            if self.nodes[id].accepted && self.nodes[id].key.chars().any(is_han) {
                han_roots.insert(self.find(id));
            }
        }
        for (han, names, kind, gloss, _) in transliterated {
            let names: Vec<String> = names
                .into_iter()
                .filter(|name| {
                    let key = fold::key(name);
                    let node = self.by_key.get(&key).copied();
                    claims[&key] == 1 && node.is_none_or(|node| !han_roots.contains(&self.find(node)))
                })
                .collect();
            self.link_gloss_names(han, names, kind, gloss);
        }
    }

    /// Links a Han name to the English names a dictionary sense gives it.
    fn link_gloss_names(&mut self, han: usize, names: Vec<String>, kind: TermKind, gloss: Gloss) {
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

    /// Whether `name`'s term belongs to a note that declares Han names, none
    /// of them `han`: the user's note says which Han names the term has.
    pub(super) fn declared_for_other_han_names(&mut self, name: usize, han: usize) -> bool {
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
pub(super) fn matcher_key(node: &Node) -> std::borrow::Cow<'_, str> {
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
pub(super) fn title_is_name(title: &str) -> bool {
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

/// The English words of one word that the dictionary's ordinary senses of
/// `simplified` are (云: "cloud"; 大学: "university").
fn ordinary_english_words(dictionary: &crate::dictionary::Dictionary, simplified: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for entry in dictionary.lookup(simplified).filter(|entry| !entry.is_proper_noun()) {
        for sense in entry.senses().flat_map(|sense| sense.split(';')).map(str::trim) {
            if sense.len() >= 3 && sense.bytes().all(|b| b.is_ascii_lowercase()) && !words.iter().any(|w| w == sense) {
                words.push(sense.to_owned());
            }
        }
    }
    words
}
