//! Property tests: whatever the text, every range the index returns slices the
//! decoded text and the original bytes to the mention's surface, and `term_at`
//! finds the mention again.

use std::sync::Arc;

use dossier_index::{Index, Source, SourceKind};
use dossier_ingest::{IngestConfig, ingest};
use proptest::prelude::*;

/// Pieces that exercise names, scripts, quotes, case and odd characters
/// ("İ" lower-cases to a longer string, "ＡＢＣ" is NFKC-folded).
const PIECES: &[&str] = &[
    "Jack Ma",
    "Ma",
    "Make",
    "Ant Financial",
    "Ant Group",
    "Ant",
    "Taobao",
    "淘宝",
    "淘寶",
    "張勇",
    "张勇",
    "Zhang Yong",
    "马云",
    "風清揚",
    "“Aliwei”",
    "\"zoo\"",
    "1+6+N",
    "AIDC (Alibaba International Digital Commerce Group)",
    "刘博（花名：家洛）",
    "Singles’ Day",
    "雙11",
    " ",
    " ",
    "\n",
    ", ",
    ". ",
    "。",
    "，",
    "the ",
    "and ",
    "É",
    "e\u{301}",
    "\u{200b}",
    "🙂",
    "ＡＢＣ",
    "İ",
    "ß",
    "\t",
    "'s",
];

fn index_of(text: &str) -> Index {
    let note = "---\naliases: [马云, 風清揚]\n---\n# Jack Ma\n\nFounder.\n";
    let sources = [("a.txt", text, SourceKind::Document), ("notes/jack-ma.md", note, SourceKind::Note)]
        .into_iter()
        .map(|(path, text, kind)| {
            let document = ingest(path, text.as_bytes(), &IngestConfig::default()).unwrap();
            Arc::new(Source { kind, document })
        })
        .collect();
    Index::build(sources)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_mention_range_slices_its_surface(pieces in proptest::collection::vec(0..PIECES.len(), 0..40)) {
        let text: String = pieces.iter().map(|&i| PIECES[i]).collect();
        let index = index_of(&text);
        for term in index.terms() {
            for mention in index.mentions(term.id) {
                let source = index.source(&mention.location.path).unwrap();
                let original = if &*mention.location.path == "a.txt" { text.as_bytes().to_vec() } else {
                    source.document.text.as_bytes().to_vec()
                };
                prop_assert_eq!(&source.document.text[mention.location.text_range.clone()], &*mention.surface);
                prop_assert_eq!(&original[mention.location.original_range.clone()], mention.surface.as_bytes());
                // The text found really is one of the term's aliases.
                prop_assert_eq!(index.lookup(&mention.surface), Some(term.id), "{:?}", mention.surface);
                let at = index.term_at(&mention.location.path, mention.location.text_range.start);
                prop_assert_eq!(at, Some((term.id, mention.location.text_range.clone())));
            }
        }
    }
}
