//! Data-driven tests on the sample corpus: `seeds/*.txt` and `seeds/notes/*.md`.

use std::{collections::HashMap, path::Path, sync::Arc, sync::OnceLock};

use dossier_index::{AliasSource, DefinitionOrigin, Index, Source, SourceKind, TermId};
use dossier_ingest::{IngestConfig, ingest};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().parent().unwrap()
}

/// The seeds index, built once for every test of this file.
fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| build(&[("seeds", "txt", SourceKind::Document), ("seeds/notes", "md", SourceKind::Note)]))
}

/// The index of the seed documents alone, without the notes.
fn documents_only() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| build(&[("seeds", "txt", SourceKind::Document)]))
}

/// An index of the files with each extension in each directory.
fn build(directories: &[(&str, &str, SourceKind)]) -> Index {
    let mut sources = Vec::new();
    for &(dir, extension, kind) in directories {
        for entry in std::fs::read_dir(workspace().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == extension) {
                let bytes = std::fs::read(&path).unwrap();
                let name = path.strip_prefix(workspace()).unwrap().to_string_lossy().into_owned();
                let document = ingest(&name, &bytes, &IngestConfig::default()).unwrap();
                sources.push(Arc::new(Source { kind, document }));
            }
        }
    }
    Index::build(sources)
}

fn term(text: &str) -> TermId {
    index().lookup(text).unwrap_or_else(|| panic!("no term for {text:?}"))
}

/// Mentions of `text`'s term per file stem prefix ("001", "notes/jack-ma").
fn counts(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for mention in index().mentions(term(text)) {
        let path = mention.location.path.trim_start_matches("seeds/");
        let key = path.split(['_', '.']).next().unwrap().to_owned();
        *counts.entry(key).or_default() += 1;
    }
    counts
}

fn check_same(aliases: &[&str]) {
    let first = term(aliases[0]);
    for alias in &aliases[1..] {
        assert_eq!(term(alias), first, "{alias} and {} are one term", aliases[0]);
    }
}

fn check_counts(text: &str, expected: &[(&str, usize)]) {
    let counts = counts(text);
    for (file, count) in expected {
        assert_eq!(counts.get(*file).copied().unwrap_or(0), *count, "mentions of {text} in {file}: {counts:?}");
    }
}

#[test]
fn wu_yongming_across_scripts() {
    check_same(&["Wu Yongming", "吴泳铭", "Yongming Wu"]);
    check_counts("吴泳铭", &[("001", 1), ("002", 14)]);
    let term = index().term(term("Wu Yongming"));
    assert!(term.aliases.iter().any(|a| a.text == "Wu Yongming" && a.source == AliasSource::Romanization));
}

#[test]
fn zhang_yong_simplified_traditional_and_pinyin_only_in_notes() {
    check_same(&["张勇", "張勇", "Zhang Yong", "zhangyong"]);
    check_counts("张勇", &[("002", 5), ("003", 12)]);
}

#[test]
fn taobao_in_three_scripts() {
    check_same(&["Taobao", "淘宝", "淘寶"]);
    // grep finds 7, 18 and 12 in 001, 002 and 003; the longest alias wins where
    // another term contains it: "Taobao Tianmao" (twice in 001), “淘宝特价版” (002), 「掌上淘寶」 (003).
    check_counts("Taobao", &[("000", 2), ("001", 5), ("002", 17), ("003", 11), ("004", 5)]);
}

#[test]
fn coinage_with_digits() {
    check_counts("1+6+N", &[("001", 4), ("002", 1)]);
}

#[test]
fn ant_financial_is_not_ant_group() {
    assert_ne!(term("Ant Financial"), term("Ant Group"));
    check_counts("Ant Financial", &[("004", 45)]);
    check_counts("Ant Group", &[("000", 1), ("004", 0)]);
}

#[test]
fn notes_declare_links_no_algorithm_can_make() {
    check_same(&["Jack Ma", "马云", "风清扬", "風清揚"]);
    check_same(&["Tmall", "天猫", "天貓"]);
    check_same(&["Alibaba Cloud", "阿里云", "阿里雲"]);
    check_same(&["Singles' Day", "Double 11", "双11", "雙11"]);
    let tmall = index().term(term("Tmall"));
    assert_eq!(tmall.label, "Tmall");
    let definition = tmall.definition.as_ref().unwrap();
    assert_eq!(definition.origin, DefinitionOrigin::Note);
    assert!(definition.text.starts_with("Alibaba's B2C marketplace"));
    check_counts("雙11", &[("003", 96)]);
    assert!(index().problems().is_empty(), "{:?}", index().problems());
}

#[test]
fn corpus_definitions() {
    let wu = index().term(term("吴泳铭")).definition.clone().unwrap();
    assert_eq!(wu.origin, DefinitionOrigin::Sentence);
    let aliwei = index().term(term("Aliwei")).definition.clone().unwrap();
    assert_eq!(aliwei.origin, DefinitionOrigin::Sentence);
    assert!(aliwei.text.starts_with("Dubbed"), "{}", aliwei.text);
}

#[test]
fn completion_by_pinyin_prefix() {
    let completions = index().complete("wuyo", 10);
    let aliases: Vec<&str> = completions.iter().map(|c| c.alias.as_str()).collect();
    assert!(aliases.contains(&"吴泳铭"), "{aliases:?}");
    assert!(aliases.contains(&"Wu Yongming"), "{aliases:?}");
    assert!(index().suggest("Wu Yongmin", 3).contains(&"Wu Yongming".to_owned()));
}

#[test]
fn term_at_resolves_pinyin_names_in_notes() {
    let path = "seeds/notes/jack-ma.md";
    let text = &index().source(path).unwrap().document.text;
    let offset = text.find("Zhang Yong").unwrap() + 3;
    let (id, range) = index().term_at(path, offset).unwrap();
    assert_eq!(id, term("张勇"));
    assert_eq!(&text[range], "Zhang Yong");
    let offset = text.find("风清扬 (").unwrap();
    assert_eq!(index().term_at(path, offset).map(|t| t.0), Some(term("Jack Ma")));
}

#[test]
fn every_range_slices_the_original_text() {
    let originals: HashMap<&str, Vec<u8>> = index()
        .sources()
        .iter()
        .map(|s| (s.document.path.as_str(), std::fs::read(workspace().join(&s.document.path)).unwrap()))
        .collect();
    for term in index().terms() {
        for mention in index().mentions(term.id) {
            let location = &mention.location;
            let original = &originals[&*location.path];
            assert_eq!(&original[location.original_range.clone()], mention.surface.as_bytes());
            let text = &index().source(&location.path).unwrap().document.text;
            assert_eq!(&text[location.text_range.clone()], &*mention.surface);
        }
        if let Some(definition) = &term.definition {
            let original = &originals[&*definition.location.path];
            assert!(std::str::from_utf8(&original[definition.location.original_range.clone()]).is_ok());
        }
    }
    for source in index().sources() {
        let spans: Vec<_> = index().mentions_in(&source.document.path).collect();
        assert!(spans.windows(2).all(|w| w[0].0.end <= w[1].0.start), "sorted, not overlapping");
        for (range, id) in spans {
            assert_eq!(index().term_at(&source.document.path, range.start), Some((id, range.clone())));
        }
    }
}

#[test]
fn terms_are_sorted_by_mentions_and_ids_match() {
    let terms = index().terms();
    for (i, term) in terms.iter().enumerate() {
        assert_eq!(term.id, TermId(i as u32));
        assert!(term.aliases.iter().any(|a| a.text == term.label), "{}", term.label);
    }
    for pair in terms.windows(2) {
        assert!(pair[0].mention_count >= pair[1].mention_count);
    }
}

/// Precision and recall of links over the labelled alias set in `tests/data/aliases.json`.
#[test]
fn link_precision_and_recall() {
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace().join("tests/data/aliases.json")).unwrap()).unwrap();
    let groups: Vec<Vec<String>> = serde_json::from_value(data["groups"].clone()).unwrap();
    let not_linked: Vec<(String, String)> = serde_json::from_value(data["not_linked"].clone()).unwrap();
    let labelled: Vec<(usize, &str)> =
        groups.iter().enumerate().flat_map(|(g, aliases)| aliases.iter().map(move |a| (g, a.as_str()))).collect();
    let resolve = |alias: &str| index().lookup(alias);
    let (mut true_links, mut false_links, mut expected_links) = (0, 0, 0);
    let mut report = Vec::new();
    for (i, &(group_a, a)) in labelled.iter().enumerate() {
        for &(group_b, b) in &labelled[i + 1..] {
            let linked = resolve(a).is_some() && resolve(a) == resolve(b);
            if group_a == group_b {
                expected_links += 1;
                if linked {
                    true_links += 1;
                } else {
                    report.push(format!("missed: {a} = {b}"));
                }
            } else if linked {
                false_links += 1;
                report.push(format!("wrong: {a} = {b}"));
            }
        }
    }
    for (a, b) in &not_linked {
        if resolve(a).is_some() && resolve(a) == resolve(b) {
            false_links += 1;
            report.push(format!("wrong (explicit): {a} = {b}"));
        }
    }
    let precision = true_links as f64 / (true_links + false_links).max(1) as f64;
    let recall = true_links as f64 / expected_links.max(1) as f64;
    println!(
        "link precision {precision:.3}, recall {recall:.3} ({true_links} of {expected_links} links, {false_links} wrong)"
    );
    for line in &report {
        println!("  {line}");
    }
    assert!(precision >= 0.95, "precision {precision:.3}: {report:#?}");
    assert!(recall >= 0.8, "recall {recall:.3}: {report:#?}");
}

/// Mentions of a term per file stem prefix ("002").
fn counts_in(index: &Index, id: TermId) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for mention in index.mentions(id) {
        let path = mention.location.path.trim_start_matches("seeds/");
        *counts.entry(path.split(['_', '.']).next().unwrap().to_owned()).or_default() += 1;
    }
    counts
}

/// Checks that `name` resolves without notes, that its term has `alias`, and
/// that it is mentioned in every file of `files`.
fn check_dictionary_link(name: &str, alias: &str, files: &[&str]) {
    let index = documents_only();
    let id = index.lookup(name).unwrap_or_else(|| panic!("no term for {name:?}"));
    let term = index.term(id);
    let aliases: Vec<(&str, AliasSource)> = term.aliases.iter().map(|a| (a.text.as_str(), a.source)).collect();
    assert!(aliases.iter().any(|(text, _)| *text == alias), "{name}: {aliases:?}");
    // The link is the dictionary's: one of the two sides says so.
    assert!(aliases.iter().any(|(_, source)| *source == AliasSource::Dictionary), "{name}: {aliases:?}");
    let counts = counts_in(index, id);
    for file in files {
        assert!(counts.get(*file).is_some_and(|&n| n > 0), "{name} in {file}: {counts:?}");
    }
}

#[test]
fn dictionary_names_without_notes() {
    // grep: "Jack Ma" twice in 000 and in 001, 马云 14 times in 002.
    check_dictionary_link("Jack Ma", "马云", &["000", "001", "002"]);
    // 阿里巴巴 17 times in 003 (the company, not Ali Baba of the Arabian Nights).
    check_dictionary_link("Alibaba", "阿里巴巴", &["000", "001", "003"]);
    let alibaba = documents_only().term(documents_only().lookup("Alibaba").unwrap());
    assert!(alibaba.gloss.as_ref().unwrap().text.contains("e-commerce"), "{:?}", alibaba.gloss);
    assert!(!alibaba.aliases.iter().any(|a| a.text == "Ali Baba"));
    // 腾讯 4 times in 002, "Tencent" 4 times in 004 (through 腾讯控股有限公司).
    check_dictionary_link("腾讯", "Tencent", &["002", "004"]);
    // "Pinduoduo" is in no document: only the dictionary names 拼多多.
    check_dictionary_link("Pinduoduo", "拼多多", &["002"]);
    assert_eq!(documents_only().lookup("Pinduoduo"), documents_only().lookup("拼多多"));
}

#[test]
fn dictionary_common_nouns_are_no_names() {
    let index = documents_only();
    let cainiao = index.term(index.lookup("菜鸟").expect("菜鸟 is a term"));
    assert!(!cainiao.aliases.iter().any(|a| a.text.eq_ignore_ascii_case("rookie")), "{:?}", cainiao.aliases);
    assert_eq!(index.lookup("rookie"), None);
    assert_eq!(cainiao.gloss, None, "the corpus calls it Cainiao: \"rookie\" is no gloss of a name");
    // 夸克 (once in 002) glosses "quark (particle physics)": no name. The
    // "Quark" of 000 is a term of its own, not linked by the dictionary.
    for term in index.terms() {
        for alias in term.aliases.iter().filter(|a| a.source == AliasSource::Dictionary) {
            assert!(!["rookie", "quark"].contains(&alias.text.to_lowercase().as_str()), "{}", term.label);
        }
    }
    assert_ne!(index.lookup("Quark"), index.lookup("夸克"));
}

#[test]
fn dictionary_gloss_shown_only_without_a_better_definition() {
    // A note defines Jack Ma: its summary, not the dictionary's gloss, is shown.
    let jack_ma = index().term(term("Jack Ma"));
    assert!(jack_ma.gloss.as_ref().is_some_and(|g| g.pinyin == "Ma3 Yun2"));
    assert_eq!(jack_ma.gloss_to_show(), None);
    let tencent = index().term(term("Tencent"));
    let gloss = tencent.gloss.as_ref().unwrap();
    assert_eq!((gloss.simplified.as_str(), gloss.traditional.as_str()), ("腾讯", "騰訊"));
    assert!(gloss.text.contains("Tencent Holdings Limited"), "{}", gloss.text);
}
