//! Completion of term labels and aliases from the word being typed, in Han
//! characters, Latin letters or pinyin.

use std::ops::Range;

use dossier_index::{Index, TermKind};

use crate::{is_han, kind_name};

/// How many candidates a completion offers.
pub const LIMIT: usize = 50;
/// How many other aliases a candidate's detail lists.
const DETAIL_ALIASES: usize = 4;

/// One completion candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionCandidate {
    /// The alias to insert.
    pub insert: String,
    /// The byte range of the typed prefix that it replaces.
    pub replace: Range<usize>,
    /// The prefix as typed (clients filter on it: "wuyo" must keep 吴泳铭).
    pub typed: String,
    /// The term's kind.
    pub kind: TermKind,
    /// "person · Wu Yongming, 吳泳銘": the kind and the term's other names.
    pub detail: String,
}

/// The candidates for the word before `offset` in `text`, from the longest
/// prefix that completes: a Latin word may extend over one space ("Wu Yo"
/// offers "Wu Yongming"), and Han text, written without spaces, is tried
/// from its longest suffix down ("今天吴泳" completes "吴泳").
pub fn completions(index: &Index, text: &str, offset: usize) -> Vec<CompletionCandidate> {
    if !text.is_char_boundary(offset.min(text.len())) || offset > text.len() {
        return Vec::new();
    }
    let word = word_before(text, offset);
    if word.is_empty() {
        return Vec::new();
    }
    for range in prefixes(text, word) {
        let typed = &text[range.clone()];
        let found = index.complete(typed, LIMIT);
        if found.is_empty() {
            continue;
        }
        return found
            .into_iter()
            .map(|completion| {
                let term = index.term(completion.term);
                let mut others: Vec<&str> = Vec::new();
                for name in std::iter::once(term.label.as_str()).chain(term.aliases.iter().map(|a| a.text.as_str())) {
                    if name != completion.alias && !others.contains(&name) && others.len() < DETAIL_ALIASES {
                        others.push(name);
                    }
                }
                let detail = if others.is_empty() {
                    kind_name(term.kind).to_owned()
                } else {
                    format!("{} · {}", kind_name(term.kind), others.join(", "))
                };
                CompletionCandidate {
                    insert: completion.alias,
                    replace: range.clone(),
                    typed: typed.to_owned(),
                    kind: term.kind,
                    detail,
                }
            })
            .collect();
    }
    Vec::new()
}

#[derive(PartialEq)]
enum Class {
    Han,
    Word,
    Other,
}

fn class(c: char) -> Class {
    if is_han(c) {
        Class::Han
    } else if c.is_alphanumeric() || c == '-' || c == '+' {
        Class::Word
    } else {
        Class::Other
    }
}

/// The run of Han characters, or of letters and digits, ending at `offset`.
pub fn word_before(text: &str, offset: usize) -> Range<usize> {
    let before = &text[..offset];
    let Some(last) = before.chars().next_back() else { return offset..offset };
    let wanted = class(last);
    if wanted == Class::Other {
        return offset..offset;
    }
    let start = before.char_indices().rev().take_while(|&(_, c)| class(c) == wanted).last().map_or(offset, |(i, _)| i);
    start..offset
}

/// Most Han characters a prefix is tried with.
const HAN_PREFIX_CHARS: usize = 8;

/// The prefixes to try for the word `word`, longest first.
fn prefixes(text: &str, word: Range<usize>) -> Vec<Range<usize>> {
    let typed = &text[word.clone()];
    if typed.chars().next().is_some_and(is_han) {
        let starts: Vec<usize> = typed.char_indices().map(|(i, _)| word.start + i).collect();
        let skip = starts.len().saturating_sub(HAN_PREFIX_CHARS);
        return starts[skip..].iter().map(|&start| start..word.end).collect();
    }
    two_words_before(text, word.clone()).into_iter().chain([word]).collect()
}

/// The Latin word before `word` and the space between them, with `word`.
fn two_words_before(text: &str, word: Range<usize>) -> Option<Range<usize>> {
    let first = text[word.clone()].chars().next()?;
    if class(first) != Class::Word || !text[..word.start].ends_with(' ') {
        return None;
    }
    let previous = word_before(text, word.start - 1);
    let starts_upper = text[previous.clone()].chars().next().is_some_and(char::is_uppercase);
    (!previous.is_empty() && starts_upper && class(text[previous.clone()].chars().next()?) == Class::Word)
        .then_some(previous.start..word.end)
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::fixture::fixture;

    fn check(fixture_text: &str, expect: Expect) {
        let fixture = fixture(fixture_text);
        let mut actual = String::new();
        for candidate in completions(&fixture.index, fixture.text(), fixture.offset) {
            actual.push_str(&format!(
                "{} [{}..{} {:?}] {}\n",
                candidate.insert, candidate.replace.start, candidate.replace.end, candidate.typed, candidate.detail
            ));
        }
        expect.assert_eq(&actual);
    }

    const CORPUS: &str = "//- /notes/wu.md\n---\ntitle: Wu Yongming\naliases: [吴泳铭, Eddie Wu]\nkind: person\n---\n# Wu Yongming\n\nCEO of Alibaba.\n//- /corpus/a.txt\n吴泳铭接替张勇出任阿里巴巴集团首席执行官。Wu Yongming took over from Zhang Yong.\n";

    #[test]
    fn completes_han_prefix() {
        check(
            &format!("{CORPUS}//- /note.md\n今天吴泳$0"),
            expect![[r#"
            吴泳铭 [6..12 "吴泳"] person · Wu Yongming, Eddie Wu
        "#]],
        );
    }

    #[test]
    fn completes_latin_prefix() {
        check(
            &format!("{CORPUS}//- /note.md\nMet Wu Yo$0"),
            expect![[r#"
                Wu Yongming [4..9 "Wu Yo"] person · Eddie Wu, 吴泳铭
                吴泳铭 [4..9 "Wu Yo"] person · Wu Yongming, Eddie Wu
            "#]],
        );
    }

    #[test]
    fn completes_pinyin_to_han() {
        check(
            &format!("{CORPUS}//- /note.md\nwuyo$0"),
            expect![[r#"
            Wu Yongming [0..4 "wuyo"] person · Eddie Wu, 吴泳铭
            吴泳铭 [0..4 "wuyo"] person · Wu Yongming, Eddie Wu
        "#]],
        );
    }

    #[test]
    fn nothing_after_a_space() {
        check(&format!("{CORPUS}//- /note.md\nWu $0"), expect![[""]]);
    }

    #[test]
    fn words_before_the_cursor() {
        let word = |text: &str| {
            let offset = text.find("$0").unwrap();
            let text = text.replace("$0", "");
            text[word_before(&text, offset)].to_owned()
        };
        assert_eq!(word("今天吴泳$0"), "今天吴泳");
        assert_eq!(word("Met Wu Yo$0"), "Yo");
        assert_eq!(word("about 1+6$0"), "1+6");
        assert_eq!(word("the 淘宝$0 app"), "淘宝");
        assert_eq!(word("Taobao淘$0"), "淘");
        assert_eq!(word("x, $0"), "");
        assert_eq!(word("$0"), "");
    }

    #[test]
    fn han_prefixes_are_suffixes_longest_first() {
        let text = "今天吴泳";
        let tried: Vec<&str> = prefixes(text, 0..text.len()).into_iter().map(|r| &text[r]).collect();
        assert_eq!(tried, ["今天吴泳", "天吴泳", "吴泳", "泳"]);
    }

    #[test]
    fn two_words_only_after_a_capitalized_word() {
        let text = "Met Wu Yo";
        assert_eq!(two_words_before(text, 7..9), Some(4..9));
        let text = "met wu yo";
        assert_eq!(two_words_before(text, 7..9), None);
    }
}
