//! Choosing a defining sentence for a term that has no note: an appositive
//! ("Wu Yongming, CEO of Alibaba Group, ..."), a copula ("X is a ...",
//! 吴泳铭是阿里 "十八罗汉") or an introduction ('Dubbed "Aliwei," ...').
//! Each mention is judged by the few bytes around it, so the cost is linear in
//! the number of mentions.

use std::ops::Range;

/// Nouns that make an appositive a definition.
const ROLE_WORDS: &[&str] = &[
    "ceo",
    "cfo",
    "cto",
    "coo",
    "founder",
    "co-founder",
    "chairman",
    "president",
    "partner",
    "head",
    "executive",
    "director",
    "leader",
    "company",
    "platform",
    "group",
    "network",
    "brand",
    "subsidiary",
    "app",
    "service",
    "business",
    "unit",
    "marketplace",
    "employee",
    "manager",
    "officer",
    "member",
    "chief",
];

/// How well the sentence around the mention at `range` defines it (0: not at all).
pub(crate) fn score(text: &str, range: Range<usize>) -> u8 {
    let before = &text[..range.start];
    let after = &text[range.end..];
    let before = before.trim_end_matches(['"', '“', '‘', '\'', '「']);
    // Only the few words before the mention matter (and this keeps the cost constant).
    let tail: String = before.chars().rev().take(16).collect::<Vec<_>>().into_iter().rev().collect();
    let tail = tail.trim_end().to_lowercase();
    let introduced = ["dubbed", "called", "known as", "nicknamed", "as a", "named"]
        .iter()
        .any(|w| before.len() < range.start && tail.ends_with(w));
    if introduced {
        return 3;
    }
    let after = after.trim_start_matches(['"', '”', '’', '」']);
    let after_lower: String = after.chars().take(24).collect::<String>().to_lowercase();
    if ["is a ", "is an ", "is the ", "was a ", "was an ", "was the ", "refers to ", "means "]
        .iter()
        .any(|c| after_lower.strip_prefix(' ').is_some_and(|a| a.starts_with(c)))
    {
        return 3;
    }
    // 吴泳铭是阿里 "十八罗汉": the name opens the clause and 是 follows it.
    let opens_clause = before.chars().next_back().is_none_or(|c| {
        c.is_whitespace() || matches!(c, '，' | '。' | '；' | '：' | '！' | '？' | ',' | '.' | ';' | ':' | '」' | '”')
    });
    if opens_clause && after.starts_with('是') && !after.starts_with("是否") && !after.starts_with("是不是") {
        return 3;
    }
    if let Some(clause) = after.strip_prefix(", ") {
        let clause = &clause[..clause.find([',', '.', ';']).unwrap_or(clause.len())];
        let first = clause.split(' ').next().unwrap_or("");
        let joining = ["and", "but", "or", "so", "while", "when", "which", "then", "he", "she", "they", "it", "we"];
        if clause.split(' ').count() >= 2 && !joining.contains(&first) {
            let lower = clause.to_lowercase();
            if lower.split([' ', '\'', '’']).any(|w| ROLE_WORDS.contains(&w)) {
                return 3;
            }
            if ["a", "an", "the", "one"].contains(&first) {
                return 2;
            }
        }
    }
    0
}

/// The sentence containing `range`, trimmed.
pub(crate) fn sentence_around(text: &str, range: Range<usize>) -> Range<usize> {
    let is_end = |text: &str, i: usize, c: char| match c {
        '\n' | '。' | '！' | '？' | '!' | '?' => true,
        '.' => text[i + 1..].chars().next().is_none_or(char::is_whitespace),
        _ => false,
    };
    let start = text[..range.start]
        .char_indices()
        .rev()
        .find(|&(i, c)| is_end(text, i, c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[range.end..]
        .char_indices()
        .find(|&(i, c)| is_end(text, range.end + i, c))
        .map_or(text.len(), |(i, c)| range.end + i + if c == '\n' { 0 } else { c.len_utf8() });
    let sentence = &text[start..end];
    let leading = sentence.len() - sentence.trim_start().len();
    let trailing = sentence.len() - sentence.trim_end().len();
    start + leading..end - trailing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, term: &str, expected_score: u8, expected_sentence: &str) {
        let start = text.find(term).unwrap();
        let range = start..start + term.len();
        assert_eq!(score(text, range.clone()), expected_score, "{text}");
        assert_eq!(&text[sentence_around(text, range)], expected_sentence);
    }

    #[test]
    fn appositives_copulas_and_introductions() {
        check(
            "The next day. Wu Yongming, CEO of Alibaba Group, posted an article. Then",
            "Wu Yongming",
            3,
            "Wu Yongming, CEO of Alibaba Group, posted an article.",
        );
        check(
            "Dubbed \"Aliwei,\" Alibaba's internal network once epitomized it.\nNext",
            "Aliwei",
            3,
            "Dubbed \"Aliwei,\" Alibaba's internal network once epitomized it.",
        );
        check(
            "前面。吴泳铭是阿里 “十八罗汉”，18 个创始团队成员之一。后面",
            "吴泳铭",
            3,
            "吴泳铭是阿里 “十八罗汉”，18 个创始团队成员之一。",
        );
        check("We met Wu Yongming, and left.", "Wu Yongming", 0, "We met Wu Yongming, and left.");
        check("Ele.me is a food delivery app. Next", "Ele.me", 3, "Ele.me is a food delivery app.");
    }
}
