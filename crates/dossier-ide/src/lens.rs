//! Code lenses: "N mentions in M documents" on a defining note's title line.

use std::ops::Range;

use dossier_index::{DefinitionOrigin, Index, SourceKind, TermId};

use crate::plural;

/// One lens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionLens {
    /// The title line's byte range.
    pub range: Range<usize>,
    /// The term the note defines.
    pub term: TermId,
    /// "12 mentions in 3 documents".
    pub title: String,
}

/// A lens for each term the note at `path` defines.
pub fn code_lenses(index: &Index, path: &str) -> Vec<MentionLens> {
    index
        .terms()
        .iter()
        .filter_map(|term| {
            let definition = term.definition.as_ref()?;
            if definition.origin != DefinitionOrigin::Note || &*definition.location.path != path {
                return None;
            }
            let documents: Vec<_> = term.sources.iter().filter(|s| s.kind == SourceKind::Document).collect();
            let mentions = documents.iter().map(|s| s.count).sum();
            Some(MentionLens {
                range: definition.location.text_range.clone(),
                term: term.id,
                title: format!("{} in {}", plural(mentions, "mention"), plural(documents.len(), "document")),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::fixture::fixture;

    fn check(fixture_text: &str, expect: Expect) {
        let fixture = fixture(fixture_text);
        let mut out = String::new();
        for lens in code_lenses(&fixture.index, &fixture.path) {
            out.push_str(&format!("{:?}: {}\n", &fixture.text()[lens.range.clone()], lens.title));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn lens_on_the_title_line() {
        check(
            "//- /notes/taobao.md\n$0---\ntitle: Taobao\naliases: [淘宝, 淘寶]\nkind: product\n---\n# Taobao\n\nAlibaba's marketplace.\n//- /corpus/a.txt\n淘宝和天猫。Taobao and Tmall.\n//- /corpus/b.txt\n淘寶\n",
            expect![[r##"
                "# Taobao": 3 mentions in 2 documents
            "##]],
        );
    }

    #[test]
    fn no_lens_on_a_note_defining_nothing() {
        check("//- /notes/today.md\n$0Just 淘宝.\n//- /corpus/a.txt\n淘宝\n", expect![[""]]);
    }
}
