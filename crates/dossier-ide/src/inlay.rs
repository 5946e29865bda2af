//! Inlay hints beside Han names in notes: the romanization or declared Latin
//! alias of the term ("吴泳铭 Wu Yongming").

use std::ops::Range;

use dossier_index::{Index, Script, Term};

use crate::{is_han, is_note, slice, source_text};

/// One hint, shown after a mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameHint {
    /// Where it goes: the end of the mention.
    pub offset: usize,
    /// What it says.
    pub label: String,
}

/// Hints for the Han mentions inside `range` of the note at `path`. A
/// mention already followed by its Latin name gets none.
pub fn inlay_hints(index: &Index, path: &str, range: Range<usize>) -> Vec<NameHint> {
    let Some(text) = source_text(index, path) else { return Vec::new() };
    if !is_note(index, path) {
        return Vec::new();
    }
    let range = range.start.min(text.len())..range.end.min(text.len());
    let mut out = Vec::new();
    let mut next = range.start;
    for (i, c) in text[range.clone()].char_indices() {
        let offset = range.start + i;
        if offset < next || !is_han(c) {
            continue;
        }
        let Some((id, mention)) = index.term_at(path, offset) else { continue };
        if !(mention.start <= offset && offset < mention.end) {
            continue;
        }
        next = mention.end;
        let surface = slice(text, mention.clone());
        let Some(label) = latin_name(index.term(id)).filter(|label| label != surface) else { continue };
        let after = text[mention.end..].trim_start_matches([' ', '(', '（']);
        if after.starts_with(&label) {
            continue;
        }
        out.push(NameHint { offset: mention.end, label });
    }
    out
}

/// The term's Latin name: its label when Latin, else its strongest Latin alias.
fn latin_name(term: &Term) -> Option<String> {
    if term.label.chars().any(|c| c.is_ascii_alphabetic()) && !term.label.chars().any(is_han) {
        return Some(term.label.clone());
    }
    term.aliases.iter().find(|a| a.script == Script::Latin).map(|a| a.text.clone())
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::fixture::fixture;

    fn check(fixture_text: &str, expect: Expect) {
        let fixture = fixture(fixture_text);
        let text = fixture.text();
        let mut out = String::new();
        for hint in inlay_hints(&fixture.index, &fixture.path, 0..text.len()) {
            out.push_str(&format!("{:?}| {}\n", &text[..hint.offset], hint.label));
        }
        expect.assert_eq(&out);
    }

    const CORPUS: &str = "//- /notes/wu.md\n---\ntitle: Wu Yongming\naliases: [吴泳铭, Eddie Wu]\nkind: person\n---\n# Wu Yongming\n\nCEO of Alibaba.\n//- /corpus/a.txt\n吴泳铭接替张勇。Wu Yongming took over from Zhang Yong.\n";

    #[test]
    fn romanization_beside_han_names() {
        check(
            &format!("{CORPUS}//- /note.md\n$0吴泳铭和張勇\n"),
            expect![[r#"
                "吴泳铭"| Wu Yongming
                "吴泳铭和張勇"| Zhang Yong
            "#]],
        );
    }

    #[test]
    fn no_hint_when_the_latin_name_follows() {
        check(&format!("{CORPUS}//- /note.md\n$0吴泳铭 (Wu Yongming)\n"), expect![[""]]);
    }

    #[test]
    fn no_hints_in_documents() {
        check(
            &format!("{CORPUS}//- /note.md\n吴泳铭\n").replace("/corpus/a.txt\n", "/corpus/a.txt\n$0"),
            expect![[""]],
        );
    }
}
