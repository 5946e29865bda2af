//! Quality of names and terms on real, human-labelled text that the
//! extraction was not written against: `tests/data/real-text/` (Universal
//! Dependencies treebanks in Traditional Chinese, Simplified Chinese and
//! English (web text, and news and Wikipedia), and Tatoeba English–Chinese sentence pairs; see its README).
//!
//! Each treebank is indexed as a corpus of documents, and the index is held
//! against the annotators' labels:
//!
//! - **name recall**: the proper-noun runs (consecutive `PROPN` words) seen
//!   twice or more that the index knows as a term or an alias;
//! - **alias precision**: of the surfaces the index marks as mentions twice or
//!   more, the share that are noun phrases of the treebank: on word
//!   boundaries, without a function word at an edge, and a name or a
//!   compound rather than one common word;
//! - **wrong merges**: two different names in one term;
//! - **link recall**: English–Chinese name pairs of translated sentences that
//!   are one term.
//!
//! The floors are the figures achieved, a little lower; `docs/quality.md`
//! records how they moved.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    ops::Range,
    path::Path,
    sync::Arc,
};

use dossier_index::{Index, Source, SourceKind, TermId};
use dossier_ingest::{IngestConfig, ingest};

/// Sentences per document where the treebank marks no documents: about a page.
const SENTENCES_PER_DOCUMENT: usize = 40;

fn data(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/real-text").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A word of a treebank sentence: its place in the sentence text and its tag.
struct Word {
    range: Range<usize>,
    upos: String,
}

struct Sentence {
    text: String,
    words: Vec<Word>,
}

/// Reads a reduced treebank (`# newdoc`, `# text = `, `FORM<TAB>UPOS`) into documents.
fn treebank(name: &str) -> Vec<Vec<Sentence>> {
    let mut documents: Vec<Vec<Sentence>> = vec![Vec::new()];
    let mut text = String::new();
    let mut forms: Vec<(String, String)> = Vec::new();
    let finish = |documents: &mut Vec<Vec<Sentence>>, text: &mut String, forms: &mut Vec<(String, String)>| {
        if text.is_empty() {
            return;
        }
        // Words are found in order in the text; a form the text spells
        // otherwise (a learner's misspelling normalized) is left unplaced.
        let mut words = Vec::new();
        let mut at = 0;
        for (form, upos) in forms.drain(..) {
            if let Some(found) = text[at..].find(&form) {
                let start = at + found;
                words.push(Word { range: start..start + form.len(), upos });
                at = start + form.len();
            }
        }
        let document = documents.last_mut().unwrap();
        document.push(Sentence { text: std::mem::take(text), words });
        if document.len() >= SENTENCES_PER_DOCUMENT {
            documents.push(Vec::new());
        }
    };
    for line in data(name).lines() {
        if line.starts_with("# newdoc") {
            finish(&mut documents, &mut text, &mut forms);
            if !documents.last().unwrap().is_empty() {
                documents.push(Vec::new());
            }
        } else if let Some(rest) = line.strip_prefix("# text = ") {
            rest.clone_into(&mut text);
        } else if line.is_empty() {
            finish(&mut documents, &mut text, &mut forms);
        } else if let Some((form, upos)) = line.split_once('\t') {
            forms.push((form.to_owned(), upos.to_owned()));
        }
    }
    finish(&mut documents, &mut text, &mut forms);
    documents.retain(|d| !d.is_empty());
    documents
}

/// An index over documents, each its sentences one a line; returns, per
/// document path, the offset of each sentence.
fn build(name: &str, documents: &[Vec<String>]) -> (Index, HashMap<String, Vec<usize>>) {
    let mut sources = Vec::new();
    let mut offsets = HashMap::new();
    for (number, sentences) in documents.iter().enumerate() {
        let path = format!("{name}/{number:04}.txt");
        let mut text = String::new();
        let mut starts = Vec::new();
        for sentence in sentences {
            starts.push(text.len());
            text.push_str(sentence);
            text.push('\n');
        }
        let document = ingest(&path, text.as_bytes(), &IngestConfig::default()).unwrap();
        assert_eq!(document.text, text, "{path}: the evaluation maps mentions by offset");
        offsets.insert(path, starts);
        sources.push(Arc::new(Source { kind: SourceKind::Document, document }));
    }
    (Index::build(sources), offsets)
}

/// Calendar words, which Dossier does not take for names of the corpus,
/// with the abbreviations of the months.
const CALENDAR: [&str; 31] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "Jun.",
    "Jul.",
    "Aug.",
    "Sep.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
];

/// Universal tags of words that make no edge of a noun phrase.
const FUNCTION_TAGS: [&str; 10] = ["ADP", "CCONJ", "SCONJ", "PART", "AUX", "DET", "PRON", "PUNCT", "ADV", "INTJ"];

/// The figures of one treebank.
#[derive(Debug, Default)]
struct Figures {
    names: usize,
    names_found: usize,
    same_across_scripts: usize,
    aliases: usize,
    aliases_noun_phrases: usize,
    wrong_merges: usize,
    missed: Vec<String>,
    not_noun_phrases: Vec<String>,
    merges: Vec<String>,
}

impl Figures {
    fn recall(&self) -> f64 {
        percent(self.names_found, self.names)
    }
    fn precision(&self) -> f64 {
        percent(self.aliases_noun_phrases, self.aliases)
    }
    fn report(&self, name: &str) {
        println!(
            "{name}: names {}/{} = {:.1} %, Simplified = Traditional {}/{}, alias noun phrases {}/{} = {:.1} %, wrong merges {}",
            self.names_found,
            self.names,
            self.recall(),
            self.same_across_scripts,
            self.names_found,
            self.aliases_noun_phrases,
            self.aliases,
            self.precision(),
            self.wrong_merges
        );
        println!("  missed: {}", self.missed.join(" | "));
        println!("  not noun phrases: {}", self.not_noun_phrases.join(" | "));
        println!("  merges: {}", self.merges.join(" | "));
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 { 100.0 } else { 100.0 * part as f64 / whole as f64 }
}

/// Whether `a` and `b` can be one name: one holds the other (Alibaba, Alibaba
/// Group; 阿里, 阿里巴巴), they differ only in Han script, or one is the
/// other's initials (UN, United Nations).
fn compatible(a: &str, b: &str) -> bool {
    let fold = |s: &str| zhconv::zhconv(&s.to_lowercase(), zhconv::Variant::ZhHans).replace(['.', ' '], "");
    let (fa, fb) = (fold(a), fold(b));
    if fa.contains(&fb) || fb.contains(&fa) {
        return true;
    }
    // Initials are read off the words before folding takes their spaces away.
    let initials = |s: &str| s.split_whitespace().filter_map(|w| w.chars().next()).collect::<String>().to_lowercase();
    let (ia, ib) = (initials(a), initials(b));
    (ia.len() >= 2 && ia == fb) || (ib.len() >= 2 && ib == fa)
}

/// Measures one treebank; `other_script` turns a name into the other Han script.
fn evaluate(name: &str, other_script: Option<zhconv::Variant>) -> Figures {
    let documents = treebank(name);
    let texts: Vec<Vec<String>> = documents.iter().map(|d| d.iter().map(|s| s.text.clone()).collect()).collect();
    let (index, offsets) = build(name, &texts);
    let mut figures = Figures::default();

    // Proper-noun runs and how often the annotators saw them.
    let mut runs: BTreeMap<String, usize> = BTreeMap::new();
    for sentence in documents.iter().flatten() {
        let mut i = 0;
        while i < sentence.words.len() {
            if sentence.words[i].upos != "PROPN" {
                i += 1;
                continue;
            }
            // A name starts at the capitalized words the tagger gave their
            // own part of speech inside a sentence ("United States", "New
            // York", "Red Sox": United VERB, New and Red ADJ); the first word
            // of a sentence is capitalized anyway, so it proves nothing.
            // A hyphen or an ampersand with no space about it joins the parts
            // of one name (al-Sadr, Comédie-Française, D&D).
            let joins = |a: usize| {
                let words = &sentence.words;
                a + 2 < words.len()
                    && matches!(&sentence.text[words[a + 1].range.clone()], "-" | "&")
                    && words[a + 1].range.start == words[a].range.end
                    && words[a + 2].range.start == words[a + 1].range.end
            };
            let mut first = i;
            loop {
                let capitalized =
                    |w: &Word| sentence.text[w.range.clone()].chars().next().is_some_and(char::is_uppercase);
                if first >= 2 {
                    let before = &sentence.words[first - 1];
                    let spaced = sentence.text[before.range.end..sentence.words[first].range.start] == *" ";
                    if capitalized(before) && spaced && matches!(before.upos.as_str(), "ADJ" | "VERB" | "NOUN" | "NUM")
                    {
                        first -= 1;
                        continue;
                    }
                }
                if first >= 2 && joins(first - 2) && capitalized(&sentence.words[first - 2]) {
                    first -= 2;
                    continue;
                }
                break;
            }
            let start = sentence.words[first].range.start;
            loop {
                let words = &sentence.words;
                if i + 1 < words.len() && words[i + 1].upos == "PROPN" {
                    i += 1;
                } else if joins(i) && words[i + 2].upos == "PROPN" {
                    i += 2;
                } else {
                    break;
                }
            }
            let surface = &sentence.text[start..sentence.words[i].range.end];
            // Calendar words aside, and addresses (e-mail, web), which are no names.
            let lower = surface.to_lowercase();
            let address = lower.contains('@') || [".com", ".net", ".org"].iter().any(|tld| lower.contains(tld));
            if !CALENDAR.contains(&surface) && !address {
                *runs.entry(surface.to_owned()).or_default() += 1;
            }
            i += 1;
        }
    }
    let mut terms_of_names: BTreeMap<TermId, Vec<&str>> = BTreeMap::new();
    for (run, _) in runs.iter().filter(|(_, count)| **count >= 2) {
        figures.names += 1;
        match index.lookup(run) {
            Some(id) => {
                figures.names_found += 1;
                terms_of_names.entry(id).or_default().push(run);
                let converted = other_script.map(|variant| zhconv::zhconv(run, variant));
                if converted.is_none_or(|c| index.lookup(&c) == Some(id)) {
                    figures.same_across_scripts += 1;
                }
            }
            None => {
                if std::env::var("DEBUG_TERMS").is_ok() {
                    let holding: Vec<String> = index
                        .terms()
                        .iter()
                        .filter(|t| t.aliases.iter().any(|a| a.text.contains(run.as_str())))
                        .map(|t| format!("{} {:?}", t.label, t.kind))
                        .take(4)
                        .collect();
                    println!("DEBUG missed {run}: in {holding:?}");
                }
                figures.missed.push(run.clone())
            }
        }
    }
    for names in terms_of_names.values() {
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                if !compatible(a, b) {
                    figures.wrong_merges += 1;
                    figures.merges.push(format!("{a} + {b}"));
                }
            }
        }
    }

    // Surfaces marked twice or more, judged against the treebank's words.
    let sentence_of = |path: &str, offset: usize| -> (&Sentence, usize) {
        let number: usize = path.rsplit('/').next().unwrap()[..4].parse().unwrap();
        let starts = &offsets[path];
        let i = starts.partition_point(|&s| s <= offset) - 1;
        (&documents[number][i], starts[i])
    };
    for term in index.terms() {
        let mut by_surface: BTreeMap<String, Vec<bool>> = BTreeMap::new();
        let mut contexts: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for mention in index.mentions(term.id) {
            let (sentence, start) = sentence_of(&mention.location.path, mention.location.text_range.start);
            let range = mention.location.text_range.start - start..mention.location.text_range.end - start;
            // One alias whatever its case: "Very", "VERY" and "very" are one.
            let surface = sentence.text.get(range.clone()).unwrap_or_default().to_lowercase();
            let good = noun_phrase(sentence, range.clone());
            if !good {
                let text = &sentence.text;
                let context = format!(
                    "{}[{}]{}",
                    text.get(..range.start).unwrap_or_default(),
                    text.get(range.clone()).unwrap_or_default(),
                    text.get(range.end..).unwrap_or_default()
                );
                contexts.entry(surface.clone()).or_default().push(context);
            }
            by_surface.entry(surface).or_default().push(good);
        }
        for (surface, judgements) in by_surface.into_iter().filter(|(_, j)| j.len() >= 2) {
            figures.aliases += 1;
            if judgements.iter().filter(|&&good| good).count() * 2 >= judgements.len() {
                figures.aliases_noun_phrases += 1;
            } else {
                if std::env::var("DEBUG_TERMS").is_ok() {
                    println!(
                        "DEBUG {surface}: {} {:?} {:?}",
                        term.label,
                        term.kind,
                        term.aliases.iter().map(|a| (&a.text, a.source)).collect::<Vec<_>>()
                    );
                    for context in contexts.get(&surface).into_iter().flatten().take(4) {
                        println!("DEBUG    {context}");
                    }
                }
                figures.not_noun_phrases.push(surface);
            }
        }
    }
    figures
}

/// Whether the words at `range` of a sentence make a noun phrase.
fn noun_phrase(sentence: &Sentence, range: Range<usize>) -> bool {
    let Some(first) = sentence.words.iter().position(|w| w.range.start == range.start) else {
        return false;
    };
    let Some(last) = sentence.words.iter().position(|w| w.range.end == range.end) else {
        return false;
    };
    if last < first {
        return false;
    }
    let words = &sentence.words[first..=last];
    let (head, tail) = (&words[0].upos, &words[words.len() - 1].upos);
    if FUNCTION_TAGS.contains(&head.as_str()) || FUNCTION_TAGS.contains(&tail.as_str()) {
        return false;
    }
    if words.iter().any(|w| w.upos == "PROPN") {
        return true;
    }
    let surface = &sentence.text[range];
    // An acronym (CEO, AI) names a concept on its own.
    if surface.len() >= 2 && surface.chars().all(|c| c.is_ascii_uppercase()) {
        return true;
    }
    // A compound ending in a noun is a term; one common word is not.
    words.len() >= 2 && tail == "NOUN"
}

/// English–Chinese pairs of translated sentences: linked pairs, pairs, wrong merges.
fn evaluate_pairs() -> (usize, usize, usize, Vec<String>) {
    let text = data("en-zh-pairs.tsv");
    let rows: Vec<Vec<&str>> = text.lines().filter(|l| !l.starts_with('#')).map(|l| l.split('\t').collect()).collect();
    let mut documents = Vec::new();
    for chunk in rows.chunks(20) {
        documents.push(chunk.iter().map(|r| r[0].to_owned()).collect::<Vec<_>>());
        documents.push(chunk.iter().map(|r| r[1].to_owned()).collect::<Vec<_>>());
    }
    let (index, _) = build("en-zh-pairs", &documents);
    let pairs: BTreeSet<(&str, &str)> = rows.iter().map(|r| (r[2], r[3])).collect();
    // Names are one entity when a rendering joins them (America, United States: 美国).
    let mut entity: HashMap<&str, usize> = HashMap::new();
    for (i, (english, chinese)) in pairs.iter().enumerate() {
        let id = *entity.get(chinese).or(entity.get(english)).unwrap_or(&i);
        entity.insert(english, id);
        entity.insert(chinese, id);
    }
    let mut linked = 0;
    let mut missed = Vec::new();
    for (english, chinese) in &pairs {
        let (e, c) = (index.lookup(english), index.lookup(chinese));
        if e.is_some() && e == c {
            linked += 1;
        } else {
            missed.push(format!("{english}={chinese} ({}, {})", e.is_some(), c.is_some()));
        }
    }
    let mut names_of_term: BTreeMap<TermId, BTreeSet<&str>> = BTreeMap::new();
    for name in entity.keys() {
        if let Some(id) = index.lookup(name) {
            names_of_term.entry(id).or_default().insert(name);
        }
    }
    let mut wrong = 0;
    for names in names_of_term.values() {
        let entities: BTreeSet<usize> = names.iter().map(|n| entity[n]).collect();
        if entities.len() > 1 {
            wrong += entities.len() - 1;
            missed.push(format!("merged: {names:?}"));
        }
    }
    (linked, pairs.len(), wrong, missed)
}

#[test]
fn names_and_terms_hold_on_real_text() {
    let hant = evaluate("zh-hant-hk.txt", Some(zhconv::Variant::ZhHans));
    hant.report("Traditional Chinese (UD_Chinese-HK)");
    let hans = evaluate("zh-hans-cfl.txt", Some(zhconv::Variant::ZhHant));
    hans.report("Simplified Chinese (UD_Chinese-CFL)");
    let web = evaluate("en-ewt.txt", None);
    web.report("English web text (UD_English-EWT dev)");
    let news = evaluate("en-gum-news-wiki.txt", None);
    news.report("English news and Wikipedia (UD_English-GUM)");
    // The English figures pool both genres: web text writes names in lower
    // case and signs letters; news and encyclopedias name many more things.
    let english = Figures {
        names: web.names + news.names,
        names_found: web.names_found + news.names_found,
        aliases: web.aliases + news.aliases,
        aliases_noun_phrases: web.aliases_noun_phrases + news.aliases_noun_phrases,
        wrong_merges: web.wrong_merges + news.wrong_merges,
        ..Figures::default()
    };
    let (linked, pairs, wrong_pair_merges, missed) = evaluate_pairs();
    println!(
        "English–Chinese pairs: {linked}/{pairs} = {:.1} % linked, wrong merges {wrong_pair_merges}\n  {}",
        percent(linked, pairs),
        missed.join(" | ")
    );

    let chinese_names = percent(hant.names_found + hans.names_found, hant.names + hans.names);
    let han_precision = percent(hant.aliases_noun_phrases + hans.aliases_noun_phrases, hant.aliases + hans.aliases);
    let wrong_merges = hant.wrong_merges + hans.wrong_merges + english.wrong_merges + wrong_pair_merges;
    println!(
        "Chinese names {chinese_names:.1} %, Han alias noun phrases {han_precision:.1} %, English names {:.1} %, Latin alias noun phrases {:.1} %, links {:.1} %, wrong merges {wrong_merges}",
        english.recall(),
        english.precision(),
        percent(linked, pairs)
    );

    // Floors: the figures achieved, a little lower (docs/quality.md).
    assert!(chinese_names >= 88.0, "Chinese name recall {chinese_names:.1} %");
    assert!(han_precision >= 96.0, "Han alias noun-phrase precision {han_precision:.1} %");
    assert!(english.recall() >= 91.2, "English name recall {:.1} %", english.recall());
    assert!(english.precision() >= 97.0, "Latin alias noun-phrase precision {:.1} %", english.precision());
    assert!(percent(linked, pairs) >= 83.5, "English–Chinese link recall {:.1} %", percent(linked, pairs));
    assert!(wrong_merges == 0, "wrong merges: {wrong_merges}");
    assert_eq!(hant.same_across_scripts, hant.names_found, "Simplified = Traditional for the names found");
}
