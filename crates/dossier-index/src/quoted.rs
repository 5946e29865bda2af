//! Terms set in quotes: coinages and names being introduced ("Aliwei", “zoo”,
//! 「雙11」, “十八罗汉”). Whole quoted sentences are not terms: a quoted term is
//! short, has no sentence punctuation, and Han ones have no function words,
//! unless set in title marks (《夏天的故事》, a song's title).

use crate::{
    TermKind,
    candidates::{Evidence, Found},
    fold::is_han,
};

const PAIRS: &[(char, char)] = &[('"', '"'), ('“', '”'), ('「', '」'), ('『', '』'), ('《', '》')];

/// Han characters that only occur in phrases and sentences, not in names.
const HAN_FUNCTION_CHARS: &str = "的了是在和不我你他她它就都也很要吗呢吧么着过把被让给对从";

/// Finds short quoted terms. Trailing punctuation inside the quotes ("Aliwei,") is left out.
pub(crate) fn extract(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let urls = crate::extract_en::url_ranges(text);
    let mut at = 0;
    while let Some((offset, open)) = text[at..].char_indices().find(|(_, c)| PAIRS.iter().any(|p| p.0 == *c)) {
        let start = at + offset + open.len_utf8();
        let close = PAIRS.iter().find(|p| p.0 == open).map_or(open, |p| p.1);
        let Some(length) = text[start..].find([close, '\n']) else { break };
        let end = start + length;
        at = end + if text[end..].starts_with('\n') { 1 } else { close.len_utf8() };
        if !text[end..].starts_with(close) {
            at = start;
            continue;
        }
        let inner = text[start..end].trim_end_matches([',', '.', '，', '。', ' ', '!', '?', '…']);
        let inner_start = start + (inner.len() - inner.trim_start().len());
        let inner = inner.trim_start();
        // "The Cat Album", "A Charge to Keep": the article before a title
        // or a nickname is the sentence's, as before any name.
        let article = ["The ", "A ", "An "]
            .iter()
            .find(|a| inner.strip_prefix(**a).is_some_and(|rest| rest.starts_with(char::is_uppercase)))
            .map_or(0, |a| a.len());
        let (inner, inner_start) = (&inner[article..], inner_start + article);
        if urls.iter().any(|u| u.contains(&inner_start)) {
            continue;
        }
        if let Some(kind) = classify(inner, open == '《') {
            found.push(Found { range: inner_start..inner_start + inner.len(), kind, evidence: Evidence::Quoted });
        }
    }
    found
}

/// Whether a Han string holds a char that only phrases hold (的, 是, 我): a
/// title of a phrase (《夏天的故事》) rather than a word.
pub(crate) fn holds_function_char(text: &str) -> bool {
    text.chars().any(|c| HAN_FUNCTION_CHARS.contains(c))
}

/// What a quoted string names, if it may be a term; `title` for the title
/// marks 《》, which set off the title of a book, a song or a law.
fn classify(inner: &str, title: bool) -> Option<TermKind> {
    if inner.is_empty() || inner.contains(['，', '。', '、', '：', '；', '？', '！', ',', ';', ':', '?', '!', '—'])
    {
        return None;
    }
    if inner.chars().any(is_han) {
        let chars = inner.chars().count();
        // A title may hold any word (《夏天的故事》, a song): the marks say
        // where it starts and ends.
        if title {
            return ((2..=12).contains(&chars) && !inner.contains(' ')).then_some(TermKind::Concept);
        }
        let function = holds_function_char(inner);
        return ((2..=6).contains(&chars) && !function && !inner.contains(' ')).then_some(TermKind::Concept);
    }
    let words = inner.split_whitespace().count();
    let alphanumeric = inner.chars().filter(|c| c.is_alphanumeric()).count();
    // A capitalized quoted name ("Alibaba Cloud") may be anything; a lower-case one is a coinage ("zoo").
    let kind = if inner.starts_with(char::is_uppercase) { TermKind::Unknown } else { TermKind::Concept };
    ((1..=4).contains(&words) && alphanumeric >= 2 && inner.len() <= 40).then_some(kind)
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    fn check(text: &str, expect: Expect) {
        let found: Vec<&str> = extract(text).iter().map(|f| &text[f.range.clone()]).collect();
        expect.assert_debug_eq(&found);
    }

    #[test]
    fn short_terms_not_sentences() {
        check(
            r#"Dubbed "Aliwei," it was a “zoo”; 「雙11」 and “十八罗汉” but not “阿里会变，阿里会改” nor "It's real, he said." nor “冰冷的数据”, but "The Cat Album", 《夏天的故事》"#,
            expect![[r#"
                [
                    "Aliwei",
                    "zoo",
                    "雙11",
                    "十八罗汉",
                    "Cat Album",
                    "夏天的故事",
                ]
            "#]],
        );
    }
}
