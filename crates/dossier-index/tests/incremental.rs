//! An [`IndexBuilder`] that has built earlier versions builds the same index
//! as a build from scratch: random sequences of edits (documents added,
//! changed, removed; notes declaring, renaming and dropping aliases) on
//! the sample corpus, compared after every step.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
};

use dossier_index::{BuildCache, Index, IndexBuilder, Source, SourceKind};
use dossier_ingest::{IngestConfig, ingest};
use proptest::prelude::*;

fn workspace() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(dossier_test_support::repository)
}

fn source(kind: SourceKind, path: &str, text: &str) -> Arc<Source> {
    // Language detection plays no part in the index: skip it.
    let config = IngestConfig { languages: Some(vec!["und".to_owned()]), ..IngestConfig::default() };
    Arc::new(Source { kind, document: ingest(path, text.as_bytes(), &config).unwrap() })
}

/// The sample corpus: its documents and notes.
fn seeds() -> &'static Vec<Arc<Source>> {
    static SEEDS: OnceLock<Vec<Arc<Source>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut sources = Vec::new();
        for (dir, kind) in [("seeds", SourceKind::Document), ("seeds/notes", SourceKind::Note)] {
            for entry in std::fs::read_dir(workspace().join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
                    let name = path.strip_prefix(workspace()).unwrap().to_string_lossy().into_owned();
                    sources.push(source(kind, &name, &text));
                }
            }
        }
        sources.sort_by(|a, b| a.document.path.cmp(&b.document.path));
        sources
    })
}

/// Texts an edit writes: known names in three scripts, a name new to the
/// corpus (which changes the set of aliases), front matter.
const DOCUMENT_TEXTS: &[&str] = &[
    "Jack Ma founded Alibaba in Hangzhou. 马云创立了阿里巴巴。",
    "張勇卸任，吳泳銘接任。Daniel Zhang handed over to Eddie Wu.",
    "The startup Zorblax Dynamics (ZBX) sells to Taobao merchants. Zorblax Dynamics grew fast.",
    "淘宝和天猫是阿里巴巴的平台。",
    "",
];
const NOTE_TEXTS: &[&str] = &[
    "---\ntitle: Zorblax\naliases: [Zorblax Dynamics, ZBX]\n---\n# Zorblax\n\nA startup.\n",
    "---\ntitle: Taobao\naliases: [淘宝, 淘寶]\nkind: product\n---\n# Taobao\n\nThe marketplace.\n",
    "# Reading notes\n\nJack Ma and 張勇 met at 阿里巴巴.\n",
    "---\ntitle: Jack Ma\naliases: [马云]\n---\nBroken: [unclosed\n",
];

#[derive(Debug, Clone)]
enum Edit {
    /// Writes a text into a path (new or existing).
    Write { kind: SourceKind, slot: usize, text: usize },
    /// Changes an existing source by appending a text.
    Append { source: usize, text: usize },
    /// Removes a source.
    Remove { source: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..3usize, 0..DOCUMENT_TEXTS.len()).prop_map(|(slot, text)| Edit::Write {
            kind: SourceKind::Document,
            slot,
            text
        }),
        (0..3usize, 0..NOTE_TEXTS.len()).prop_map(|(slot, text)| Edit::Write { kind: SourceKind::Note, slot, text }),
        (0..16usize, 0..DOCUMENT_TEXTS.len()).prop_map(|(source, text)| Edit::Append { source, text }),
        (0..16usize).prop_map(|source| Edit::Remove { source }),
    ]
}

fn apply(sources: &mut Vec<Arc<Source>>, edit: &Edit) {
    match *edit {
        Edit::Write { kind, slot, text } => {
            let (path, text) = match kind {
                SourceKind::Document => (format!("new/{slot}.txt"), DOCUMENT_TEXTS[text]),
                SourceKind::Note => (format!("new/{slot}.md"), NOTE_TEXTS[text]),
            };
            sources.retain(|s| s.document.path != path);
            sources.push(source(kind, &path, text));
        }
        Edit::Append { source: i, text } if !sources.is_empty() => {
            let i = i % sources.len();
            let old = &sources[i];
            let changed = format!("{}\n{}\n", old.document.text, DOCUMENT_TEXTS[text]);
            sources[i] = source(old.kind, &old.document.path.clone(), &changed);
        }
        Edit::Remove { source: i } if !sources.is_empty() => {
            sources.remove(i % sources.len());
        }
        Edit::Append { .. } | Edit::Remove { .. } => {}
    }
}

/// Asserts that two indexes answer alike.
fn assert_same(built: &Index, scratch: &Index) {
    assert_eq!(built.terms().len(), scratch.terms().len());
    for (a, b) in built.terms().iter().zip(scratch.terms()) {
        assert_eq!(a.id, b.id);
        assert_eq!((&a.label, a.kind, &a.aliases), (&b.label, b.kind, &b.aliases));
        assert_eq!((&a.definition, &a.gloss), (&b.definition, &b.gloss), "{}", a.label);
        assert_eq!((a.mention_count, &a.sources), (b.mention_count, &b.sources), "{}", a.label);
        assert!(built.mentions(a.id).eq(scratch.mentions(b.id)), "the mentions of {}", a.label);
    }
    assert_eq!(built.problems(), scratch.problems());
    for source in scratch.sources() {
        let path = &source.document.path;
        assert!(built.mentions_in(path).eq(scratch.mentions_in(path)), "the mentions in {path}");
        for offset in (0..source.document.text.len()).step_by(7) {
            assert_eq!(built.term_at(path, offset), scratch.term_at(path, offset), "{path} at {offset}");
        }
    }
    assert_eq!(built.complete("zh", 20), scratch.complete("zh", 20));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn every_version_equals_a_build_from_scratch(edits in proptest::collection::vec(edit(), 1..6)) {
        let mut sources = seeds().clone();
        let mut builder = IndexBuilder::new();
        assert_same(&builder.build(sources.clone()), &Index::build(sources.clone()));
        for edit in &edits {
            apply(&mut sources, edit);
            assert_same(&builder.build(sources.clone()), &Index::build(sources.clone()));
        }
    }
}

#[test]
fn a_new_alias_is_found_in_every_source() {
    // A name new to the corpus changes the set of aliases: every source is
    // scanned again, and the name's mentions in the other document count.
    let mut sources = seeds().clone();
    let mut builder = IndexBuilder::new();
    builder.build(sources.clone());
    apply(&mut sources, &Edit::Write { kind: SourceKind::Document, slot: 0, text: 2 });
    let first = builder.build(sources.clone());
    let zorblax = first.lookup("Zorblax Dynamics").expect("a new name becomes a term");
    assert_eq!(first.term(zorblax).mention_count, 2);
    apply(&mut sources, &Edit::Write { kind: SourceKind::Document, slot: 1, text: 2 });
    let second = builder.build(sources.clone());
    let zorblax = second.lookup("Zorblax Dynamics").unwrap();
    assert_eq!(second.term(zorblax).mention_count, 4);
    assert_same(&second, &Index::build(sources));
}

#[test]
fn edits_that_keep_the_aliases_recount_only_what_changed() {
    // Texts with names the corpus already has keep the automaton and the
    // terms: the builder recounts only the terms the edited sources
    // mention, before and after, and must still equal a build from scratch.
    let mut sources = seeds().clone();
    let mut builder = IndexBuilder::new();
    assert_same(&builder.build(sources.clone()), &Index::build(sources.clone()));
    let note = sources.iter().position(|s| s.kind == SourceKind::Note).expect("a note in the seeds");
    let steps: &[&[Edit]] = &[
        &[Edit::Append { source: 0, text: 0 }],
        &[Edit::Append { source: note, text: 1 }],
        &[Edit::Append { source: 0, text: 3 }, Edit::Append { source: 1, text: 1 }],
        &[Edit::Append { source: note, text: 4 }],
    ];
    for step in steps {
        for edit in *step {
            apply(&mut sources, edit);
        }
        assert_same(&builder.build(sources.clone()), &Index::build(sources.clone()));
    }
    // Rebuilt from the same sources, a version shares the terms' counts.
    let again = builder.build(sources.clone());
    let last = builder.build(sources.clone());
    for (a, b) in again.terms().iter().zip(last.terms()) {
        assert!(Arc::ptr_eq(&a.sources, &b.sources), "{}", a.label);
    }
}

/// A [`BuildCache`] in memory, counting what it is asked.
#[derive(Default)]
struct MemoryCache {
    values: Mutex<HashMap<String, Vec<u8>>>,
    hits: AtomicUsize,
}

impl BuildCache for MemoryCache {
    fn get(&self, path: &str) -> Option<Vec<u8>> {
        let value = self.values.lock().unwrap().get(path).cloned();
        self.hits.fetch_add(usize::from(value.is_some()), Ordering::Relaxed);
        value
    }

    fn put(&self, values: Vec<(String, Vec<u8>)>) {
        self.values.lock().unwrap().extend(values);
    }
}

#[test]
fn a_restart_reads_what_the_last_run_saved() {
    let cache = Arc::new(MemoryCache::default());
    let mut sources = seeds().clone();
    apply(&mut sources, &Edit::Write { kind: SourceKind::Document, slot: 0, text: 2 });
    let mut first = IndexBuilder::with_cache(cache.clone());
    first.build(sources.clone());
    first.save();
    let documents = sources.iter().filter(|s| s.kind == SourceKind::Document).count();
    assert_eq!(cache.values.lock().unwrap().len(), documents, "a value per document, none per note");

    // A new run on the same sources reads every document's value.
    let restarted = IndexBuilder::with_cache(cache.clone()).build(sources.clone());
    assert_eq!(cache.hits.load(Ordering::Relaxed), documents);
    assert_same(&restarted, &Index::build(sources.clone()));

    // A changed document's value is stale: it is found again, and the
    // result is still that of a build from scratch.
    apply(&mut sources, &Edit::Append { source: 0, text: 1 });
    let mut changed = IndexBuilder::with_cache(cache.clone());
    assert_same(&changed.build(sources.clone()), &Index::build(sources.clone()));
    changed.save();

    // Damaged values are ignored.
    for value in cache.values.lock().unwrap().values_mut() {
        let middle = value.len() / 2;
        value[middle] ^= 0x55;
    }
    let damaged = IndexBuilder::with_cache(cache.clone()).build(sources.clone());
    assert_same(&damaged, &Index::build(sources));
}

#[test]
fn the_links_come_first_and_the_whole_build_after_them_is_the_same() {
    let notes = [
        ("notes/spain.md", "# Spain\n\nA country. See [[madrid]] and [[Capital City]].\n"),
        ("notes/madrid.md", "# Capital City\n\nOf [[Spain]]; [[Nowhere]] is not a note.\n"),
        ("notes/trip.md", "---\ntitle: Trip\naliases: [旅行]\n---\n# Trip\n\n[[spain]] twice: [[Spain#History]].\n"),
    ];
    let mut sources: Vec<Arc<Source>> = notes.iter().map(|(path, text)| source(SourceKind::Note, path, text)).collect();
    sources.extend(seeds().iter().filter(|s| s.kind == SourceKind::Document).cloned());
    let mut builder = IndexBuilder::new();
    let links = builder.build_links(sources.clone());
    assert!(links.terms().is_empty(), "no terms yet");
    let targets = |index: &Index, path: &str| -> Vec<Option<String>> {
        index.links_in(path).map(|link| index.link_target(&link).map(|s| s.document.path.clone())).collect()
    };
    for (path, _) in notes {
        assert_eq!(targets(&links, path), targets(&Index::build(sources.clone()), path), "{path}");
    }
    assert_eq!(links.backlink_count("notes/spain.md"), 3);
    assert_eq!(links.note_title("notes/madrid.md").map(|(title, _)| title), Some("Capital City"));
    // The build that follows reuses what the first one read, and is a build from scratch's.
    assert_same(&builder.build(sources.clone()), &Index::build(sources));
}
