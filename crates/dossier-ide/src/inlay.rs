//! Inlay hints beside Han names in notes: the romanization or declared Latin
//! alias of the term ("吴泳铭 Wu Yongming"). A hint never repeats what the
//! text already says next to the name: "Jack Ma (马云)" and "马云 (Jack Ma)"
//! get none.

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
    /// Whether text follows the hint directly ("马云和"), so that it needs
    /// space after it as well as before.
    pub text_follows: bool,
}

/// Hints for the Han mentions inside `range` of the note at `path`. A
/// mention already preceded or followed by one of its Latin names (maybe in
/// brackets) gets none.
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
        let term = index.term(id);
        let Some(label) = latin_name(term).filter(|label| label != surface) else { continue };
        if says_a_latin_name(term, &text[..mention.start], &text[mention.end..]) {
            continue;
        }
        let text_follows = text[mention.end..].chars().next().is_some_and(char::is_alphanumeric);
        out.push(NameHint { offset: mention.end, label, text_follows });
    }
    out
}

/// Whether the text right before or right after a mention (across spaces,
/// an opening or closing bracket, and a wikilink's brackets or `|`, as in
/// `[[Wu Yongming|吴泳铭]]`) is one of the term's Latin names.
fn says_a_latin_name(term: &Term, before: &str, after: &str) -> bool {
    const GAP: [char; 9] = [' ', '(', '（', ')', '）', '\u{3000}', '[', ']', '|'];
    let before = before.trim_end_matches(GAP);
    let after = after.trim_start_matches(GAP);
    let is_latin = |text: &str| text.chars().any(|c| c.is_ascii_alphabetic()) && !text.chars().any(is_han);
    let names = std::iter::once(term.label.as_str())
        .chain(term.aliases.iter().filter(|alias| alias.script == Script::Latin).map(|alias| alias.text.as_str()))
        .filter(|name| is_latin(name));
    names.into_iter().any(|name| {
        let ends_before = before.len() >= name.len()
            && before.is_char_boundary(before.len() - name.len())
            && before[before.len() - name.len()..].eq_ignore_ascii_case(name);
        let starts_after = after.len() >= name.len()
            && after.is_char_boundary(name.len())
            && after[..name.len()].eq_ignore_ascii_case(name);
        ends_before || starts_after
    })
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
            let padding = if hint.text_follows { " (text follows)" } else { "" };
            out.push_str(&format!("{:?}| {}{padding}\n", &text[..hint.offset], hint.label));
        }
        expect.assert_eq(&out);
    }

    const CORPUS: &str = "//- /notes/wu.md\n---\ntitle: Wu Yongming\naliases: [吴泳铭, Eddie Wu]\nkind: person\n---\n# Wu Yongming\n\nCEO of Alibaba.\n//- /corpus/a.txt\n吴泳铭接替张勇。Wu Yongming took over from Zhang Yong.\n";

    #[test]
    fn romanization_beside_han_names() {
        check(
            &format!("{CORPUS}//- /note.md\n$0吴泳铭和張勇\n"),
            expect![[r#"
                "吴泳铭"| Wu Yongming (text follows)
                "吴泳铭和張勇"| Zhang Yong
            "#]],
        );
    }

    #[test]
    fn no_hint_when_the_latin_name_follows() {
        check(&format!("{CORPUS}//- /note.md\n$0吴泳铭 (Wu Yongming)\n"), expect![[""]]);
    }

    #[test]
    fn no_hint_when_the_latin_name_comes_first() {
        check(
            &format!(
                "{CORPUS}//- /note.md
$0Wu Yongming (吴泳铭) took over.
"
            ),
            expect![[""]],
        );
        check(
            &format!(
                "{CORPUS}//- /note.md
$0Wu Yongming（吴泳铭）接任。
"
            ),
            expect![[""]],
        );
    }

    #[test]
    fn no_hint_in_a_wikilink_that_names_the_term_in_latin() {
        check(&format!("{CORPUS}//- /note.md\n$0Met [[Wu Yongming|吴泳铭]] today.\n"), expect![[""]]);
    }

    #[test]
    fn no_hint_when_another_latin_name_of_the_term_is_beside_it() {
        check(
            &format!(
                "{CORPUS}//- /note.md
$0Eddie Wu (吴泳铭) took over.
"
            ),
            expect![[""]],
        );
        check(
            &format!(
                "{CORPUS}//- /note.md
$0吴泳铭 (Eddie Wu) took over.
"
            ),
            expect![[""]],
        );
    }

    #[test]
    fn a_hint_when_the_latin_text_beside_it_is_another_name() {
        check(
            &format!(
                "{CORPUS}//- /note.md
$0Zhang Yong (吴泳铭) took over.
"
            ),
            expect![[r#"
                "Zhang Yong (吴泳铭"| Wu Yongming
            "#]],
        );
    }

    #[test]
    fn no_hints_in_documents() {
        check(
            &format!("{CORPUS}//- /note.md\n吴泳铭\n").replace("/corpus/a.txt\n", "/corpus/a.txt\n$0"),
            expect![[""]],
        );
    }
}
