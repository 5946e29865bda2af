//! Kinds from context: the words around a name say what it names when the
//! name itself does not. A title of office after a name ("盒马 CEO 侯毅",
//! "饿了么的总裁", "Alibaba's CEO") or before it with "of" ("CEO of Alibaba")
//! makes it an organization's, as does a company word set before it in
//! apposition (创业公司 MiniMax); a word for an app or a platform after it
//! (支付宝平台, 淘宝 App, "the Alipay app") makes it a product.
//!
//! Each hit is one vote of one mention, as weak as the extractors' own
//! guesses: a name the tagger, a stated company word or the dictionary's
//! gloss calls something else keeps that kind. Only mentions found without
//! a kind are voted on, and never a name also found as a person's there (张勇
//! 总裁 is President Zhang Yong).

use std::ops::Range;

use crate::{
    TermKind,
    candidates::{Evidence, Found},
    extract_zh::looks_like_person,
    fold::{self, is_han},
};

/// Titles of office held in an organization.
const TITLES: &[&str] = &[
    "CEO",
    "COO",
    "CFO",
    "CTO",
    "首席执行官",
    "首席執行官",
    "总裁",
    "總裁",
    "副总裁",
    "副總裁",
    "董事长",
    "董事長",
    "董事局主席",
    "创始人",
    "創始人",
    "联合创始人",
    "聯合創始人",
    "总经理",
    "總經理",
];

/// English titles that name an organization after "of" ("CEO of Alibaba").
const TITLES_OF: &[&str] =
    &["ceo of", "coo of", "cfo of", "cto of", "founder of", "co-founder of", "chairman of", "president of"];

/// Han words for a company, which, set right before a name, say it is one
/// (创业公司 MiniMax, 科技公司字节跳动).
const COMPANY_WORDS: &[&str] = &["公司", "企业", "企業"];

/// Words for an app or a platform after a product's name.
const PRODUCT_WORDS: &[&str] = &["平台", "应用", "應用", "小程序", "客户端", "客戶端", "App", "APP", "app"];

/// English words for an app or a platform after a product's name.
const PRODUCT_WORDS_EN: &[&str] = &["app", "platform", "website", "mini-program"];

/// Sets the kind of the mentions in `found` (of `text`) that have none when
/// their context says what they name (see the module documentation).
pub(crate) fn from_context(text: &str, found: &mut [Found]) {
    let person_at: std::collections::HashSet<Range<usize>> =
        found.iter().filter(|f| f.kind == TermKind::Person).map(|f| f.range.clone()).collect();
    let mut voted: std::collections::HashSet<Range<usize>> = std::collections::HashSet::new();
    for f in found.iter_mut() {
        if f.kind != TermKind::Unknown
            || f.evidence == Evidence::Word
            || person_at.contains(&f.range)
            || voted.contains(&f.range)
        {
            continue;
        }
        let name = &text[f.range.clone()];
        if let Some(kind) = kind_in_context(name, &text[..f.range.start], &text[f.range.end..]) {
            f.kind = kind;
            voted.insert(f.range.clone());
        }
    }
}

/// What the text `before` and `after` a name say it is, if anything.
fn kind_in_context(name: &str, before: &str, after: &str) -> Option<TermKind> {
    let han = name.chars().any(is_han);
    // A Han name shaped like a person's (a surname and one or two chars)
    // before a title is the holder of the title.
    let person_shaped = han && looks_like_person(&name.chars().map(fold::simplified).collect::<String>());
    let next = after.trim_start_matches([' ', '\u{3000}']);
    let next = next.strip_prefix("的").map_or(next, |rest| rest.trim_start());
    let possessive = after.strip_prefix("'s ").or_else(|| after.strip_prefix("’s "));
    let title_after = |text: &str| TITLES.iter().any(|title| starts_with_word(text, title));
    if !person_shaped && (title_after(next) || possessive.is_some_and(title_after)) {
        return Some(TermKind::Organization);
    }
    let previous = before.trim_end_matches([' ', '\u{3000}']);
    if !han {
        let lower = previous.to_ascii_lowercase();
        let lower = lower.strip_suffix(" the").unwrap_or(&lower);
        if TITLES_OF.iter().any(|title| lower.ends_with(title)) {
            return Some(TermKind::Organization);
        }
    }
    if !person_shaped && COMPANY_WORDS.iter().any(|word| previous.ends_with(word)) {
        return Some(TermKind::Organization);
    }
    let product_after = if han {
        PRODUCT_WORDS.iter().any(|word| starts_with_word(next, word))
    } else {
        let word = after.strip_prefix(' ').unwrap_or_default();
        PRODUCT_WORDS_EN.iter().any(|product| {
            word.get(..product.len()).is_some_and(|w| w.eq_ignore_ascii_case(product))
                && !word[product.len()..].starts_with(|c: char| c.is_alphanumeric())
        })
    };
    product_after.then_some(TermKind::Product)
}

/// Whether `text` starts with `word` and, for a Latin word, no letter follows it
/// ("CEO" in "CEO 俞永福", not "CEOs").
fn starts_with_word(text: &str, word: &str) -> bool {
    text.starts_with(word) && (!word.is_ascii() || !text[word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str, name: &str) -> Option<TermKind> {
        let at = text.find(name).unwrap();
        kind_in_context(name, &text[..at], &text[at + name.len()..])
    }

    #[test]
    fn a_title_after_a_name_makes_it_an_organization() {
        assert_eq!(kind("生活集团董事长兼饿了么 CEO 俞永福", "饿了么"), Some(TermKind::Organization));
        assert_eq!(kind("9 月他上任阿里云 CEO 后", "阿里云"), Some(TermKind::Organization));
        assert_eq!(kind("他是盒马的总裁。", "盒马"), Some(TermKind::Organization));
        assert_eq!(kind("Alipay's CEO said", "Alipay"), Some(TermKind::Organization));
        assert_eq!(kind("he was CEO of Ele.me then", "Ele.me"), Some(TermKind::Organization));
        assert_eq!(kind("the founder of the Koubei site", "Koubei"), Some(TermKind::Organization));
    }

    #[test]
    fn a_person_before_a_title_is_the_holder() {
        assert_eq!(kind("张勇总裁说", "张勇"), None);
        assert_eq!(kind("He met CEOs of Alipay", "Alipay"), None);
    }

    #[test]
    fn a_company_word_before_a_name_makes_it_an_organization() {
        assert_eq!(kind("另一家中国大模型创业公司 MiniMax，并", "MiniMax"), Some(TermKind::Organization));
        assert_eq!(kind("这家公司的员工", "员工"), None);
    }

    #[test]
    fn an_app_or_platform_after_a_name_makes_it_a_product() {
        assert_eq!(kind("打开支付宝 App 付款", "支付宝"), Some(TermKind::Product));
        assert_eq!(kind("天猫平台上的商家", "天猫"), Some(TermKind::Product));
        assert_eq!(kind("open the DingTalk app and", "DingTalk"), Some(TermKind::Product));
        assert_eq!(kind("DingTalk apply", "DingTalk"), None);
    }

    #[test]
    fn only_mentions_without_a_kind_are_voted_on() {
        let text = "张勇 CEO 说，饿了么 CEO 来了";
        let at = text.find("饿了么").unwrap();
        let mut found = vec![
            Found { range: 0..6, kind: TermKind::Person, evidence: Evidence::Tagged },
            Found { range: 0..6, kind: TermKind::Unknown, evidence: Evidence::Lexicon },
            Found { range: at..at + 9, kind: TermKind::Unknown, evidence: Evidence::Discovered },
            Found { range: at..at + 9, kind: TermKind::Unknown, evidence: Evidence::Lexicon },
        ];
        from_context(text, &mut found);
        let kinds: Vec<TermKind> = found.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [TermKind::Person, TermKind::Unknown, TermKind::Organization, TermKind::Unknown],
            "one vote a mention, none for a person's name"
        );
    }
}
