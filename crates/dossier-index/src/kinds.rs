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

use std::{
    collections::{HashMap, HashSet},
    ops::Range,
};

use crate::{
    TermKind,
    candidates::Found,
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

/// English titles that name an organization after "of" ("CEO of Alibaba");
/// not "president of", said of countries and regions as well.
const TITLES_OF: &[&str] = &["ceo of", "coo of", "cfo of", "cto of", "founder of", "co-founder of", "chairman of"];

/// Verbs whose object is a company: one invests in, buys or holds a stake
/// in a company (投资了月之暗面, "invested in Moonshot").
const INVESTED_IN: &[&str] = &["投资", "投資", "收购", "收購", "入股", "注资", "注資"];
const INVESTED_IN_EN: &[&str] = &["invested in", "investment in", "stake in", "acquired", "acquisition of"];

/// Han words for a company, which, set right before a name, say it is one
/// (创业公司 MiniMax, 科技公司字节跳动).
const COMPANY_WORDS: &[&str] = &["公司", "企业", "企業"];

/// What joins the names of one list, longest first.
const COORDINATORS: &[&str] = &[" and ", "和", "与", "與", "及", "、"];

/// Words for an app or a platform after a product's name.
const PRODUCT_WORDS: &[&str] = &["平台", "应用", "應用", "小程序", "客户端", "客戶端", "App", "APP", "app"];

/// English words for an app or a platform after a product's name.
/// ("X website" is as often the website of an organization X).
const PRODUCT_WORDS_EN: &[&str] = &["app", "platform", "mini-program"];

/// How many bytes before a name its context rules read (the longest is
/// "co-founder of the ").
const CONTEXT_BYTES: usize = 32;

/// Sets the kind of the mentions in `found` (of `text`) that have none when
/// their context says what they name (see the module documentation).
pub(crate) fn from_context(text: &str, found: &mut [Found]) {
    let person_at: HashSet<Range<usize>> =
        found.iter().filter(|f| f.kind == TermKind::Person).map(|f| f.range.clone()).collect();
    let mut voted: HashSet<Range<usize>> = HashSet::new();
    for f in found.iter_mut() {
        if f.kind != TermKind::Unknown || person_at.contains(&f.range) || voted.contains(&f.range) {
            continue;
        }
        let name = &text[f.range.clone()];
        if let Some(kind) = kind_in_context(name, &text[..f.range.start], &text[f.range.end..]) {
            f.kind = kind;
            voted.insert(f.range.clone());
        }
    }
    lend_to_coordinated(text, found, &voted);
}

/// Lends a name the kind of a name it is listed with (淘宝和天猫, 淘宝、天猫,
/// "Taobao and Tmall"): the things of one list are mostly of one kind. Only
/// organizations, products and places are lent (a person's name is what the
/// extractors must see), to names of no kind, once a mention. A Latin name
/// takes only a product's: news lists companies and countries together
/// ("Hamas and Israel"), and a Latin place has often no kind of its own to
/// outweigh the loan, where a Han place has its dictionary gloss.
fn lend_to_coordinated(text: &str, found: &mut [Found], voted: &HashSet<Range<usize>>) {
    let lendable = |kind: TermKind| matches!(kind, TermKind::Organization | TermKind::Product | TermKind::Place);
    let mut kind_ending_at: HashMap<usize, TermKind> = HashMap::new();
    let mut kind_starting_at: HashMap<usize, TermKind> = HashMap::new();
    for f in found.iter().filter(|f| lendable(f.kind)) {
        kind_ending_at.entry(f.range.end).or_insert(f.kind);
        kind_starting_at.entry(f.range.start).or_insert(f.kind);
    }
    let mut lent: HashSet<Range<usize>> = HashSet::new();
    for f in found.iter_mut() {
        if f.kind != TermKind::Unknown || voted.contains(&f.range) || lent.contains(&f.range) {
            continue;
        }
        let before = &text[..f.range.start];
        let after = &text[f.range.end..];
        let left =
            COORDINATORS.iter().find_map(|c| before.strip_suffix(c)).and_then(|rest| kind_ending_at.get(&rest.len()));
        let right = COORDINATORS
            .iter()
            .find_map(|c| after.strip_prefix(c).map(|rest| text.len() - rest.len()))
            .and_then(|at| kind_starting_at.get(&at));
        let han = text[f.range.clone()].chars().any(is_han);
        if let Some(&kind) = left.or(right).filter(|&&kind| han || kind == TermKind::Product) {
            f.kind = kind;
            lent.insert(f.range.clone());
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
    // Only the last few words before a name are read: lower-casing the whole
    // text before each mention would make the work quadratic.
    let mut tail_start = before.len().saturating_sub(CONTEXT_BYTES);
    while !before.is_char_boundary(tail_start) {
        tail_start += 1;
    }
    let previous = before[tail_start..].trim_end_matches([' ', '\u{3000}']);
    if !han {
        let lower = previous.to_ascii_lowercase();
        let lower = lower.strip_suffix(" the").unwrap_or(&lower);
        if TITLES_OF.iter().any(|title| lower.ends_with(title)) {
            return Some(TermKind::Organization);
        }
    }
    if !han {
        let lower = previous.to_ascii_lowercase();
        if INVESTED_IN_EN.iter().any(|verb| lower.ends_with(verb)) {
            return Some(TermKind::Organization);
        }
    }
    let previous_han = previous.strip_suffix("了").unwrap_or(previous);
    if !person_shaped && han && INVESTED_IN.iter().any(|verb| previous_han.ends_with(verb)) {
        return Some(TermKind::Organization);
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
    use crate::candidates::Evidence;

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
    fn only_the_words_right_before_a_name_are_read() {
        // The context is cut inside a Han char: the cut moves to the next char.
        let text = format!("{}，他是 CEO of the Ele.me", "阿里巴巴集团".repeat(20));
        assert_eq!(kind(&text, "Ele.me"), Some(TermKind::Organization));
        let text = format!("{}阿里巴巴投资了月之暗面", "我们".repeat(20));
        assert_eq!(kind(&text, "月之暗面"), Some(TermKind::Organization));
    }

    #[test]
    fn a_person_before_a_title_is_the_holder() {
        assert_eq!(kind("张勇总裁说", "张勇"), None);
        assert_eq!(kind("He met CEOs of Alipay", "Alipay"), None);
        assert_eq!(kind("the president of the Lombardy region", "Lombardy"), None);
    }

    #[test]
    fn an_investment_makes_an_organization() {
        assert_eq!(kind("最后大手笔投资了月之暗面近 8 亿美元", "月之暗面"), Some(TermKind::Organization));
        assert_eq!(kind("In 2006, we acquired Koubei, when", "Koubei"), Some(TermKind::Organization));
        assert_eq!(kind("他投资张勇", "张勇"), None);
    }

    /// The kinds of `names` in `text` after [`from_context`], each name
    /// given with its kind and evidence before.
    fn kinds_in_lists(text: &str, names: &[(&str, TermKind, Evidence)]) -> Vec<TermKind> {
        let mut found: Vec<Found> = names
            .iter()
            .map(|&(name, kind, evidence)| {
                let at = text.find(name).unwrap();
                Found { range: at..at + name.len(), kind, evidence }
            })
            .collect();
        from_context(text, &mut found);
        found.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn names_listed_together_share_a_kind() {
        use TermKind::{Organization, Product, Unknown};
        let kinds = kinds_in_lists(
            "淘宝和天猫，Taobao and Tmall",
            &[
                ("淘宝", Product, Evidence::Tagged),
                ("天猫", Unknown, Evidence::Discovered),
                ("Taobao", Unknown, Evidence::Capitalized),
                ("Tmall", Unknown, Evidence::Capitalized),
            ],
        );
        // Taobao follows 天猫 after a comma: 天猫 had no kind of its own when the lists were read.
        assert_eq!(kinds, [Product, Product, Unknown, Unknown]);

        let kinds = kinds_in_lists(
            "Hamas and Israel, Taobao and Tmall",
            &[
                ("Hamas", Organization, Evidence::Capitalized),
                ("Israel", Unknown, Evidence::Capitalized),
                ("Taobao", Product, Evidence::Capitalized),
                ("Tmall", Unknown, Evidence::Capitalized),
            ],
        );
        assert_eq!(
            kinds,
            [Organization, Unknown, Product, Product],
            "a Latin name takes only a product's kind from a list"
        );
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
