//! Assembling one version of the index from the linked names and every
//! source's scan: terms and their aliases, counts, definitions and glosses,
//! and the lookup tables.

use std::{collections::HashMap, ops::Range, sync::Arc};

use crate::{
    Alias, AliasSource, Definition, DefinitionOrigin, Gloss, Index, Source, Term, TermId, TermKind,
    candidates::Evidence,
    definitions,
    dictionary::dictionary,
    fold::is_han,
    term_sources::{Counting, Scanned},
};

use super::{
    TERM_KINDS,
    link::{Linker, Node},
    location, script_of,
};

/// Builds the index from the linked names and every source's scan; see the
/// module documentation. Proportional to the distinct names and to the
/// (source, alias) pairs, not to the mentions.
/// The counts of mentions per term and source come from `counting`, which
/// redoes only the terms that changed sources mention (see `term_sources`).
pub(super) fn assemble(
    sources: Vec<Arc<Source>>,
    scans: Vec<Scanned>,
    linker: &mut Linker,
    accepted: &[usize],
    counting: Counting<'_>,
) -> Index {
    drop_ordinary_words(linker, accepted, &counting);

    // Groups of accepted nodes become terms.
    let (groups, group_of_node) = groups_of(linker, accepted);

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
    let extra_surfaces = han_surfaces(&scans, accepted, &group_of_node);

    // Terms, most mentioned first.
    let note_of_group: Vec<Option<usize>> =
        groups.iter().map(|members| members.iter().find_map(|&m| linker.nodes[m].note)).collect();
    let labels: Vec<String> =
        groups.iter().zip(&note_of_group).map(|(members, &note)| group_label(linker, members, note)).collect();
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
        let label = labels[g].clone();
        let aliases = term_aliases(members, &nodes, &extra_surfaces, &label);
        let kind = match note_of_group[g].and_then(|n| linker.notes[n].header.kind) {
            Some(kind) => kind,
            None => voted_kind(&nodes),
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
            aliases,
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
    let (paths, scans) = scans.into_iter().map(|scanned| (scanned.path, scanned.scan)).unzip();
    let problems = std::mem::take(&mut linker.problems);
    Index::from_parts(sources, paths, scans, term_of_pattern, terms, problems)
}

/// A term's label: its note's, else the primary surface of its strongest
/// name (no short form, most mentioned, named by a pattern, most extracted).
fn group_label(linker: &Linker, members: &[usize], note: Option<usize>) -> String {
    match note {
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
    }
}

/// Adds the mentions `counting` found to the accepted nodes, and drops
/// those that are ordinary words: a capitalized word that is mostly written
/// in lower case ("Day", "Internet", "Review") is not a name, nor a phrase
/// of everyday words mostly written in lower case ("internal network").
fn drop_ordinary_words(linker: &mut Linker, accepted: &[usize], counting: &Counting<'_>) {
    let mut lower_case_mentions = vec![0u32; linker.nodes.len()];
    for (&node, total) in accepted.iter().zip(counting.totals()) {
        linker.nodes[node].mentions += total.count;
        lower_case_mentions[node] += total.lower_case;
    }
    for &id in accepted {
        let node = &mut linker.nodes[id];
        let everyday = dictionary().is_english_word(&node.key);
        // Every word of a phrase an everyday word ("internal network").
        let everyday_words = node.key.contains(' ')
            && node.has(Evidence::Capitalized) == 0
            && node.key.split(' ').all(|word| dictionary().is_english_word(word));
        // A word of everyday words joined by hyphens ("e-commerce") is one
        // word too; "al-Qaida" is not, and its first letter is no lower case.
        let single_word = !node.key.contains(' ')
            && (node.key.chars().all(|c| c.is_alphabetic() && !is_han(c)) || node.key.contains('-') && everyday);
        // An acronym is no proof either when the word is mostly written in
        // lower case: "VERY", "FREE" and "WOW" are shouted words.
        // An everyday word in quotes ("History", "anonymous") is no more a
        // name than the word: quotes are strong evidence for the others.
        let strong = node.note.is_some() && !node.title_only
            || node.romanized
            || node.has(Evidence::Pattern) > 0
            || node.has(Evidence::Quoted) > 0 && !everyday && !everyday_words
            // A phrase of everyday words quoted twice is a term of the text
            // ("class committee system"), quoted once it may be the words.
            || node.has(Evidence::Quoted) >= 2 && everyday_words;
        // A word that is no everyday English word ("delaware" in a hasty web
        // post) goes only when lower case is most of its uses.
        let lower = lower_case_mentions[id];
        let mostly_lower_case = if everyday { lower * 3 >= node.mentions } else { lower * 2 >= node.mentions };
        // A place or a person the dictionary names in one word is a name in
        // lower case too ("in kerala"); "thai food" is an adjective. Asked
        // last: the dictionary's table of such names is built on first use.
        let named_by_dictionary = || {
            !everyday
                && dictionary().is_one_word_name(&node.key)
                && !crate::extract_en::is_nationality_adjective_word(&node.key)
        };
        // A phrase of everyday words that the corpus mostly writes in lower
        // case and never capitalizes inside a sentence ("internal network",
        // capitalized only in title-case headings) is a common noun; "Taco
        // Bell" is capitalized in a sentence now and then.
        let dropped = if single_word {
            mostly_lower_case && !named_by_dictionary()
        } else {
            everyday_words && lower * 2 >= node.mentions
        };
        if !strong && lower > 0 && dropped {
            node.accepted = false;
        }
        // A Han everyday word in title marks or glossed in brackets
        // (《大學》 the Great Learning, 时代 (Time)) is a name there and the
        // word (大学 university, 时代 era) wherever else it is written: when
        // most of its mentions are neither, it is the word.
        let named_there = node.has(Evidence::Quoted) + node.has(Evidence::Pattern);
        let han_word = node.key.chars().all(is_han) && dictionary().has_common_sense(&node.key);
        let named_otherwise = node.note.is_some() || node.romanized;
        if han_word && named_there > 0 && named_there * 2 < node.mentions && !named_otherwise {
            node.accepted = false;
        }
    }
}

/// The groups of linked accepted nodes (each one term), and each node's
/// group (`usize::MAX` for none).
fn groups_of(linker: &mut Linker, accepted: &[usize]) -> (Vec<Vec<usize>>, Vec<usize>) {
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
    (groups, group_of_node)
}

/// The Han surfaces the scans found of each node in a group, by node.
fn han_surfaces(scans: &[Scanned], accepted: &[usize], group_of_node: &[usize]) -> Vec<Vec<Arc<str>>> {
    let mut extra_surfaces: Vec<Vec<Arc<str>>> = vec![Vec::new(); group_of_node.len()];
    for scanned in scans {
        let scan = &scanned.scan;
        for &(pattern, surface) in &scan.han_surfaces {
            let node = accepted[pattern as usize];
            let surface = &scan.surfaces[surface as usize];
            if group_of_node[node] != usize::MAX && !extra_surfaces[node].contains(surface) {
                extra_surfaces[node].push(Arc::clone(surface));
            }
        }
    }
    extra_surfaces
}

/// A term's aliases: every node's declared names, surfaces and Han
/// surfaces, and the label, each once, the strongest source and the most
/// mentioned first.
fn term_aliases(members: &[usize], nodes: &[&Node], extra_surfaces: &[Vec<Arc<str>>], label: &str) -> Vec<Alias> {
    let mut aliases: Vec<(Alias, u32)> = Vec::new();
    for (&m, node) in members.iter().zip(nodes) {
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
    if !aliases.iter().any(|(a, _)| a.text == label) {
        aliases.push((Alias { script: script_of(label), text: label.to_owned(), source: AliasSource::Note }, u32::MAX));
    }
    aliases.sort_by(|(a, ca), (b, cb)| a.source.cmp(&b.source).then(cb.cmp(ca)).then(a.text.cmp(&b.text)));
    aliases.into_iter().map(|(a, _)| a).collect()
}

/// The kind most of a term's nodes were seen as (never `Unknown` by votes),
/// `Unknown` when none was.
fn voted_kind(nodes: &[&Node]) -> TermKind {
    let mut votes = [0u32; 6];
    for node in nodes {
        for (v, n) in votes.iter_mut().zip(node.kind_votes) {
            *v += n;
        }
    }
    votes[5] = 0;
    let (best, count) = votes.iter().enumerate().max_by_key(|(i, v)| (**v, usize::MAX - i)).unwrap();
    if *count > 0 { TERM_KINDS[best] } else { TermKind::Unknown }
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
