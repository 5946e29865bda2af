//! Aliases the text states itself:
//!
//! - parentheses: "AIDC (Alibaba International Digital Commerce Group)",
//!   "DAU（日活跃用户）", "MM(註:阿里首席客戶官戴珊)";
//! - nicknames: 刘博（花名：家洛）, 马云……的花名—— 风清扬,
//!   "Ni Xingjun, the deputy squad leader, nicknamed "Miao Renfeng"".
//!
//! A pattern only links two spans when both look like names; the spans found by
//! the extractors of the same document are used to find where a name begins.

use std::ops::Range;

use crate::{
    TermKind,
    candidates::{AliasPair, Evidence, Found},
    fold::{is_han, is_word_char},
};

/// Finds alias pairs in `text`. `found` are the candidates the extractors found in it.
pub(crate) fn extract(text: &str, found: &[Found]) -> Vec<AliasPair> {
    let spans = Spans::new(found);
    let mut pairs = Vec::new();
    parentheses(text, &spans, &mut pairs);
    han_nicknames(text, &spans, &mut pairs);
    latin_nicknames(text, &spans, &mut pairs);
    pairs
}

/// The candidates of a document, sorted two ways so that patterns find the
/// spans near a position by binary search instead of a scan.
struct Spans {
    by_start: Vec<Found>,
    by_end: Vec<Found>,
}

impl Spans {
    fn new(found: &[Found]) -> Spans {
        let mut by_start = found.to_vec();
        by_start.sort_by_key(|f| (f.range.start, f.range.end));
        let mut by_end = found.to_vec();
        by_end.sort_by_key(|f| (f.range.end, f.range.start));
        Spans { by_start, by_end }
    }

    /// Spans ending exactly at `end`.
    fn ending_at(&self, end: usize) -> &[Found] {
        let first = self.by_end.partition_point(|f| f.range.end < end);
        let last = self.by_end.partition_point(|f| f.range.end <= end);
        &self.by_end[first..last]
    }

    /// Spans lying inside `range`.
    fn within(&self, range: Range<usize>) -> impl Iterator<Item = &Found> {
        let first = self.by_start.partition_point(|f| f.range.start < range.start);
        self.by_start[first..]
            .iter()
            .take_while(move |f| f.range.start < range.end)
            .filter(move |f| f.range.end <= range.end)
    }
}

fn pattern(range: Range<usize>, kind: TermKind) -> Found {
    Found { range, kind, evidence: Evidence::Pattern }
}

fn parentheses(text: &str, found: &Spans, pairs: &mut Vec<AliasPair>) {
    for (open_at, open) in text.match_indices(['(', '（']) {
        let inner_start = open_at + open.len();
        let Some(length) = text[inner_start..].find([')', '）', '\n', '(', '（']) else { continue };
        let inner_end = inner_start + length;
        if !text[inner_end..].starts_with([')', '）']) || length == 0 || length > 90 {
            continue;
        }
        let inner = &text[inner_start..inner_end];
        let left_end = text[..open_at].trim_end().len();
        if let Some(nickname) = strip_marker(inner, &["花名"]) {
            let nickname_range = inner_end - nickname.len()..inner_end;
            if let Some(name) = han_name_ending_at(text, found, left_end)
                && is_han_name(nickname)
            {
                pairs.push(AliasPair {
                    left: pattern(name, TermKind::Person),
                    right: pattern(nickname_range, TermKind::Person),
                });
            }
        } else if strip_marker(inner, &["註", "注"]).is_some() {
            // "MM(註:阿里首席客戶官戴珊)": the note ends with the name it explains.
            let Some(name) = han_name_ending_at(text, found, inner_end) else { continue };
            if let Some(acronym) = latin_word_ending_at(text, left_end) {
                pairs.push(AliasPair {
                    left: pattern(acronym, TermKind::Person),
                    right: pattern(name, TermKind::Person),
                });
            }
        } else if let Some(left) = latin_word_ending_at(text, left_end) {
            let left_text = &text[left.clone()];
            let inner_trimmed = inner.trim();
            let inner_range =
                inner_start + (inner.len() - inner.trim_start().len())..inner_start + inner.trim_end().len();
            if is_acronym(left_text) && expands(left_text, inner_trimmed) {
                // "AIDC (Alibaba International Digital Commerce Group)"
                pairs.push(AliasPair {
                    left: pattern(left, TermKind::Concept),
                    right: pattern(inner_range, TermKind::Organization),
                });
            } else if is_acronym(left_text) && is_han_term(inner_trimmed) {
                // "DAU（日活跃用户）"
                pairs.push(AliasPair {
                    left: pattern(left, TermKind::Concept),
                    right: pattern(inner_range, TermKind::Concept),
                });
            } else if is_acronym(inner_trimmed)
                && let Some(phrase) = found.ending_at(left_end).iter().find(|f| f.range.start < left.start)
                && expands(inner_trimmed, &text[phrase.range.clone()])
            {
                // "Alibaba International Digital Commerce Group (AIDC)"
                pairs.push(AliasPair {
                    left: pattern(phrase.range.clone(), TermKind::Organization),
                    right: pattern(inner_range, TermKind::Concept),
                });
            }
        } else if let Some(name) = longest_found_ending_at(found, left_end, left_end.saturating_sub(18))
            .and_then(|name| whole_name(text, found, name))
        {
            // "淘宝（Taobao）": a Han name glossed by a Latin one.
            let inner_trimmed = inner.trim();
            let capitalized = inner_trimmed.split(' ').all(|w| w.chars().next().is_some_and(char::is_uppercase));
            if text[name.clone()].chars().all(is_han)
                && capitalized
                && inner_trimmed.split(' ').count() <= 4
                && inner_trimmed.chars().all(|c| c.is_ascii_alphabetic() || matches!(c, ' ' | '.' | '-'))
            {
                let inner_range = inner_start + (inner.len() - inner.trim_start().len())
                    ..inner_end - (inner.len() - inner.trim_end().len());
                let kind =
                    found.ending_at(name.end).iter().find(|f| f.range == name).map_or(TermKind::Unknown, |f| f.kind);
                pairs.push(AliasPair { left: pattern(name, kind), right: pattern(inner_range, kind) });
            }
        }
    }
}

/// The whole Han name before "(Y)" of which `name` is the last candidate:
/// an everyday word right after another candidate is the end of a longer
/// name (圣克拉拉 + 大学 "Santa Clara University"); a word of the dictionary
/// that is only an ordinary word (协会 association) is never the name.
fn whole_name(text: &str, found: &Spans, name: Range<usize>) -> Option<Range<usize>> {
    let simplified: String = text[name.clone()].chars().map(crate::fold::simplified).collect();
    let before = longest_found_ending_at(found, name.start, name.start.saturating_sub(18))
        .filter(|before| !is_common_word(&text[before.clone()]));
    match before {
        Some(before) if crate::dictionary::dictionary().has_common_sense(&simplified) => Some(before.start..name.end),
        _ => (!is_common_word(&text[name.clone()])).then_some(name),
    }
}

/// "花名：家洛" → "家洛".
fn strip_marker<'a>(inner: &'a str, markers: &[&str]) -> Option<&'a str> {
    let inner = inner.trim();
    let rest = markers.iter().find_map(|m| inner.strip_prefix(m))?;
    let rest = rest.trim_start_matches([':', '：', ' ', '—', '-', '–']);
    (rest.len() < inner.len() && !rest.is_empty()).then_some(rest.trim_end())
}

/// Whether a Han span is an ordinary word of the dictionary (协会
/// association): never the Han side of "X (Y)", which names a whole name.
fn is_common_word(text: &str) -> bool {
    let simplified: String = text.chars().map(crate::fold::simplified).collect();
    crate::dictionary::dictionary().is_common_word(&simplified)
}

fn is_han_name(text: &str) -> bool {
    (2..=4).contains(&text.chars().count()) && text.chars().all(is_han)
}

fn is_han_term(text: &str) -> bool {
    (2..=8).contains(&text.chars().count()) && text.chars().all(is_han)
}

/// Two capitals or more, and digits: "AIDC", "GPT4"; "C1" is a label.
fn is_acronym(word: &str) -> bool {
    (2..=6).contains(&word.len())
        && word.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && word.chars().filter(char::is_ascii_uppercase).count() >= 2
}

/// Whether the capitalized words of `phrase` start with the letters of `acronym`, in order.
fn expands(acronym: &str, phrase: &str) -> bool {
    let initials: String =
        phrase.split([' ', '-']).filter_map(|w| w.chars().next()).filter(|c| c.is_uppercase()).collect();
    let words = phrase.split(' ').count();
    (2..=8).contains(&words) && initials.to_uppercase().starts_with(&acronym.to_uppercase())
}

/// The Latin word ending at `end`, if the text right before `end` is one.
fn latin_word_ending_at(text: &str, end: usize) -> Option<Range<usize>> {
    let start = text[..end].char_indices().rev().take_while(|(_, c)| is_word_char(*c)).last()?.0;
    (start < end).then_some(start..end)
}

/// The Han name just before `end`: the longest person candidate ending there,
/// else three chars after a surname, else two.
fn han_name_ending_at(text: &str, found: &Spans, end: usize) -> Option<Range<usize>> {
    let persons = found
        .ending_at(end)
        .iter()
        .filter(|f| f.kind == TermKind::Person && f.range.start + 12 >= end)
        .min_by_key(|f| f.range.start);
    if let Some(person) = persons {
        return Some(person.range.clone());
    }
    let run: Vec<(usize, char)> = text[..end].char_indices().rev().take_while(|(_, c)| is_han(*c)).take(3).collect();
    let take = if run.len() == 3 && crate::extract_zh::SURNAMES.contains(run[2].1) { 3 } else { 2 };
    (run.len() >= take).then(|| run[take - 1].0..end)
}

fn longest_found_ending_at(found: &Spans, end: usize, not_before: usize) -> Option<Range<usize>> {
    found
        .ending_at(end)
        .iter()
        .filter(|f| f.range.start >= not_before)
        .min_by_key(|f| f.range.start)
        .map(|f| f.range.clone())
}

/// 花名 without parentheses: "马云在阿里工作时的花名—— 风清扬". The person is the
/// last person candidate in the same clause before the marker.
fn han_nicknames(text: &str, found: &Spans, pairs: &mut Vec<AliasPair>) {
    for (at, marker) in text.match_indices("花名") {
        if text[..at].ends_with(['（', '(']) {
            continue;
        }
        let after = at + marker.len();
        let rest = &text[after..];
        let skipped = rest.len() - rest.trim_start_matches(['—', '-', '–', ':', '：', ' ', '　']).len();
        if skipped == 0 {
            continue;
        }
        let name_start = after + skipped;
        let name_len: usize = text[name_start..].chars().take_while(|c| is_han(*c)).map(char::len_utf8).sum();
        let nickname = name_start..name_start + name_len;
        if !is_han_name(&text[nickname.clone()]) {
            continue;
        }
        let clause_start = text[..at].rfind(['，', '。', '；', '！', '？', '、', '\n', ',']).map_or(0, |i| i + 1);
        let person =
            found.within(clause_start..at).filter(|f| f.kind == TermKind::Person).max_by_key(|f| f.range.start);
        if let Some(person) = person {
            pairs.push(AliasPair {
                left: pattern(person.range.clone(), TermKind::Person),
                right: pattern(nickname, TermKind::Person),
            });
        }
    }
}

/// "Ni Xingjun, the current deputy squad leader of Alipay, nicknamed "Miao Renfeng"":
/// the person is the last name of two words or more followed by a comma in
/// the same sentence.
fn latin_nicknames(text: &str, found: &Spans, pairs: &mut Vec<AliasPair>) {
    for keyword in ["nicknamed ", "also known as ", "a.k.a. "] {
        for (at, _) in text.match_indices(keyword) {
            let after = at + keyword.len();
            let rest = &text[after..];
            let quote = rest.chars().next().filter(|c| matches!(c, '"' | '“' | '‘' | '\''));
            let name_start = after + quote.map_or(0, char::len_utf8);
            let name_len = text[name_start..]
                .find(|c: char| !(c.is_alphanumeric() || c == ' ' || c == '-' || c == '\''))
                .unwrap_or(text.len() - name_start);
            let name = text[name_start..name_start + name_len].trim_end();
            let words = name.split(' ').take_while(|w| w.chars().next().is_some_and(char::is_uppercase)).count();
            if words == 0 || words != name.split(' ').count() {
                continue;
            }
            let nickname = name_start..name_start + name.len();
            let sentence_start = text[..at].rfind(['.', '!', '?', '\n', '。']).map_or(0, |i| i + 1);
            let person = found
                .within(sentence_start..at)
                .filter(|f| text[f.range.clone()].contains(' ') && text[f.range.end..].starts_with(','))
                .max_by_key(|f| f.range.start);
            if let Some(person) = person {
                pairs.push(AliasPair {
                    left: pattern(person.range.clone(), TermKind::Person),
                    right: pattern(nickname, TermKind::Person),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::{extract_en, extract_zh};

    fn check(text: &str, expect: Expect) {
        let mut found = extract_en::extract(text);
        found.extend(extract_zh::extract(text));
        let pairs: Vec<String> = extract(text, &found)
            .iter()
            .map(|p| format!("{} = {}", &text[p.left.range.clone()], &text[p.right.range.clone()]))
            .collect();
        expect.assert_debug_eq(&pairs);
    }

    #[test]
    fn parentheses_define_acronyms_and_glosses() {
        check(
            "Before that, AIDC (Alibaba International Digital Commerce Group) had its own network. \
             The CRO (Chief Risk Officer) spoke. DAU（日活跃用户）grew. It was 2.6 万亿（支付口径）. Alibaba Day (May 10).",
            expect![[r#"
                [
                    "AIDC = Alibaba International Digital Commerce Group",
                    "CRO = Chief Risk Officer",
                    "DAU = 日活跃用户",
                ]
            "#]],
        );
    }

    #[test]
    fn a_han_name_in_parentheses_is_the_whole_name() {
        // 大学 (university) is the end of the name; 协会 alone is no name.
        check(
            "他曾于圣克拉拉大学(Santa Clara University)任教。该协会(Society)成立。",
            expect![[r#"
                [
                    "圣克拉拉大学 = Santa Clara University",
                ]
            "#]],
        );
    }

    #[test]
    fn nicknames_in_han_text() {
        check(
            "有淘天集团的刘博（花名：家洛）、谌伟业（花名：处端）等。信最后是马云在阿里工作时的花名—— 风清扬。我特别跟MM(註:阿里首席客戶官戴珊)商量。",
            expect![[r#"
                [
                    "刘博 = 家洛",
                    "谌伟业 = 处端",
                    "MM = 戴珊",
                    "马云 = 风清扬",
                ]
            "#]],
        );
    }

    #[test]
    fn nicknames_in_latin_text() {
        check(
            r#"It was said by Ni Xingjun, the current deputy squad leader of Alipay, nicknamed "Miao Renfeng" , in his words."#,
            expect![[r#"
                [
                    "Ni Xingjun = Miao Renfeng",
                ]
            "#]],
        );
    }
}
