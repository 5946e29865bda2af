//! English names of Han terms, read off CC-CEDICT glosses.
//!
//! Only proper-noun entries (capitalized pinyin) name things, and only a
//! gloss's capitalized head names what the entry is: "Alibaba, PRC e-commerce
//! company" names Alibaba, "Ma Yun (1964-), aka Jack Ma, ..." names Ma Yun and
//! Jack Ma, "Weixin or WeChat (...)" both, "John (name)" (约翰, a name it
//! transliterates) John; the other capitalized words of a
//! gloss ("co-founder of Alibaba") name something else, and a common noun's
//! gloss ("rookie", "quark") names nothing. A gloss that only points elsewhere
//! ("see 腾讯控股有限公司", "abbr. for ...", "variant of ...") is followed.
//! Legal-form suffixes are dropped as well ("Tencent Holdings Limited" is
//! also "Tencent").
//!
//! Where a word has several senses, the one that fits the corpus wins: a
//! sense scores for each of its gloss's words the corpus also uses, for each
//! Han word it cites that the corpus also has, and most for a name the corpus
//! itself uses. A sense that scores too little is no link at all, so a
//! dictionary name needs some support from the corpus.

use std::collections::HashSet;

use crate::{
    TermKind,
    dictionary::{Dictionary, Entry},
    fold::is_han,
};

/// How many redirects ("see X") are followed from one entry.
const MAX_REDIRECTS: usize = 2;

/// A sense must score this much to link (one corpus word and nothing else is too little).
const MIN_SCORE: usize = 2;

/// What a name the corpus uses counts for, against one per shared word.
const NAME_IN_CORPUS: usize = 3;

/// Gloss words that say nothing about which sense is meant: function words,
/// and words nearly every CC-CEDICT proper noun has ("Chinese", "PRC").
const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "with", "from", "that", "this", "its", "his", "her", "was", "were", "are", "which", "who",
    "also", "aka", "known", "name", "see", "abbr", "variant", "old", "used", "chinese", "china", "prc", "people",
    "republic", "one", "two", "first", "second", "third", "fourth", "etc",
];

/// Words after a place name that say what kind of place it is ("Chongqing
/// city"): the head is still a name, not an adjective ("Christian denomination").
const PLACE_NOUNS: &[&str] = &[
    "city",
    "county",
    "district",
    "province",
    "prefecture",
    "town",
    "township",
    "village",
    "river",
    "lake",
    "island",
    "islands",
    "mountain",
    "mountains",
    "region",
    "municipality",
    "state",
];

/// Legal-form words at the end of a company's name, dropped for a short form.
const LEGAL_FORMS: &[&str] = &[
    "Limited",
    "Ltd",
    "Ltd.",
    "Inc",
    "Inc.",
    "Incorporated",
    "Co",
    "Co.",
    "Corp",
    "Corp.",
    "Corporation",
    "Company",
    "Holding",
    "Holdings",
    "PLC",
    "plc",
    "LLC",
];

/// Small words that may join the capitalized words of one name ("Bank of China").
const NAME_JOINERS: &[&str] = &["of", "and", "the", "de", "&", "for"];

/// The English names one sense of an entry gives, with the words it was scored on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sense<'a> {
    /// The entry the sense belongs to (the one looked up, not a redirect's target).
    pub(crate) entry: Entry<'a>,
    /// The sense as written, and the glosses of the entries it redirects to.
    pub(crate) glosses: Vec<&'a str>,
    /// The names, strongest first.
    pub(crate) names: Vec<String>,
    /// What the gloss says the name is.
    pub(crate) kind: TermKind,
}

/// What the corpus offers to choose between senses.
pub(crate) struct Context<'a> {
    /// Whether the corpus's Latin text has a word (in lower case).
    pub(crate) has_word: &'a dyn Fn(&str) -> bool,
    /// Whether a name (any script, as written) is a name or term of the corpus.
    pub(crate) has_term: &'a dyn Fn(&str) -> bool,
}

/// Every sense of the Simplified word `word` that names something, with redirects followed.
pub(crate) fn named_senses<'a>(dictionary: &'a Dictionary, word: &str) -> Vec<Sense<'a>> {
    let mut senses = Vec::new();
    for entry in dictionary.lookup(word) {
        for sense in entry.senses() {
            let mut glosses = vec![sense];
            let mut names = if entry.is_proper_noun() { names_in(sense) } else { Vec::new() };
            // "Internet" (互联网) is a common noun the dictionary spells with a capital.
            names.retain(|name| !dictionary.is_capitalized_common_noun(&name.to_ascii_lowercase()));
            let mut target = redirect(sense);
            let mut hops = 0;
            while names.is_empty() && hops < MAX_REDIRECTS {
                let Some(to) = target.take() else { break };
                hops += 1;
                for target_entry in dictionary.lookup(to).filter(Entry::is_proper_noun) {
                    for target_sense in target_entry.senses() {
                        glosses.push(target_sense);
                        names.extend(
                            names_in(target_sense)
                                .into_iter()
                                .filter(|name| !dictionary.is_capitalized_common_noun(&name.to_ascii_lowercase())),
                        );
                        target = target.or(redirect(target_sense));
                    }
                }
            }
            if !names.is_empty() {
                let kind = kind_of(&glosses);
                senses.push(Sense { entry, glosses, names, kind });
            }
        }
    }
    senses
}

/// The kind the dictionary's proper-noun senses of the Han word `word` give
/// it, when they all give one (康德 "Immanuel Kant (1724-1804), German
/// philosopher" is a person's); `None` when a sense says nothing or two
/// disagree.
pub(crate) fn kind_of_han_name(dictionary: &Dictionary, word: &str) -> Option<TermKind> {
    let mut kind = None;
    for entry in dictionary.lookup(word).filter(Entry::is_proper_noun) {
        for sense in entry.senses() {
            // "Colin (name)": a name given to people. What follows "by" or
            // "to" is someone else ("founded by the philosopher 墨子").
            let own = [" by ", " to "].iter().filter_map(|p| sense.find(p)).min().map_or(sense, |end| &sense[..end]);
            let this = if sense.ends_with("(name)") { TermKind::Person } else { kind_of(&[own]) };
            if this == TermKind::Unknown || kind.is_some_and(|k| k != this) {
                return None;
            }
            kind = Some(this);
        }
    }
    kind
}

/// The kind the dictionary's proper nouns give the English name `name`, as
/// written ("Alipay": 支付宝 "Alipay, online payment platform", a product):
/// `Unknown` when no gloss names it, or glosses of different kinds do. The
/// kind is read from the gloss's words other than the name's own, up to a
/// preposition.
/// Indexed once, on first use.
pub(crate) fn kind_of_english_name(dictionary: &Dictionary, name: &str) -> TermKind {
    // `None`: glosses of two kinds name it. A gloss of no kind says nothing.
    static KINDS: std::sync::OnceLock<std::collections::HashMap<String, Option<TermKind>>> = std::sync::OnceLock::new();
    let kinds = KINDS.get_or_init(|| {
        let mut kinds = std::collections::HashMap::new();
        for entry in dictionary.entries().filter(Entry::is_proper_noun) {
            for sense in entry.senses() {
                for name in names_in(sense) {
                    // What the gloss says besides the name: "State
                    // Department (USA)" is no place for its word "state".
                    // A name of one syllable or two (Wu, Dan: a county, a
                    // state, a surname) is too ambiguous to tell.
                    // What follows a preposition is something else ("author
                    // of Treasure Island", "developed by Tencent").
                    let description = sense.replacen(name.as_str(), "", 1);
                    let description = [" of ", " by ", " in ", " for ", " from ", " to ", " with "]
                        .iter()
                        .filter_map(|preposition| description.find(preposition))
                        .min()
                        .map_or(description.as_str(), |end| &description[..end]);
                    let kind = kind_of(&[description]);
                    if kind == TermKind::Unknown || name.chars().filter(|c| c.is_alphabetic()).count() < 4 {
                        continue;
                    }
                    kinds
                        .entry(name)
                        .and_modify(|known: &mut Option<TermKind>| {
                            if *known != Some(kind) {
                                *known = None;
                            }
                        })
                        .or_insert(Some(kind));
                }
            }
        }
        kinds
    });
    kinds.get(name).copied().flatten().unwrap_or(TermKind::Unknown)
}

/// The sense of `word` that fits the corpus best, if one fits well enough.
pub(crate) fn best_sense<'a>(dictionary: &'a Dictionary, word: &str, context: &Context<'_>) -> Option<Sense<'a>> {
    let mut best: Option<(usize, Sense<'a>)> = None;
    for sense in named_senses(dictionary, word) {
        let score = score(&sense, context);
        if score >= MIN_SCORE && best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, sense));
        }
    }
    best.map(|(_, sense)| sense)
}

/// How well a sense fits the corpus; see the module documentation.
fn score(sense: &Sense<'_>, context: &Context<'_>) -> usize {
    let name_words: HashSet<String> = sense.names.iter().flat_map(|n| words(n).collect::<Vec<_>>()).collect();
    let mut shared: HashSet<String> = HashSet::new();
    let mut han_words: HashSet<&str> = HashSet::new();
    for gloss in &sense.glosses {
        shared.extend(words(gloss).filter(|w| !name_words.contains(w) && (context.has_word)(w)));
        han_words.extend(cited_words(gloss).filter(|w| *w != sense.entry.simplified && (context.has_term)(w)));
    }
    let named = sense.names.iter().any(|n| (context.has_term)(n));
    shared.len() + han_words.len() + if named { NAME_IN_CORPUS } else { 0 }
}

/// Lower-case content words of a gloss (three letters or more, not stop words).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .map(str::to_ascii_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
}

/// The Simplified forms of the Han words a gloss cites: `阿里巴巴[A1 li3 ba1 ba1]`, `騰訊|腾讯[...]`.
fn cited_words(gloss: &str) -> impl Iterator<Item = &str> {
    gloss.split(|c: char| !is_han(c) && c != '|').filter(|w| !w.is_empty()).map(|w| w.rsplit('|').next().unwrap_or(w))
}

/// The Simplified target of a gloss that points elsewhere: "see X", "abbr. for X", "variant of X".
fn redirect(gloss: &str) -> Option<&str> {
    const POINTERS: &[&str] = &[
        "see also ",
        "see ",
        "abbr. for ",
        "abbr. of ",
        "short for ",
        "variant of ",
        "old variant of ",
        "also written ",
    ];
    let gloss = gloss.trim_start_matches('(');
    let rest = POINTERS.iter().find_map(|p| gloss.strip_prefix(p))?;
    let han: &str = rest.split(['[', ' ', ',', ')']).next()?;
    let simplified = han.rsplit('|').next()?;
    (!simplified.is_empty() && simplified.chars().all(is_han)).then_some(simplified)
}

/// The English names a proper noun's gloss gives; see the module documentation.
/// Whether a gloss lists three names of one word or more and nothing else
/// ("China, Japan and Korea" of 中日韩): it names none of them. Two may be
/// one name ("Procter and Gamble").
fn is_list_of_names(gloss: &str) -> bool {
    let Some((items, last)) = gloss.rsplit_once(" and ") else { return false };
    if !items.contains(", ") {
        return false;
    }
    // One capitalized word each: "United Nations Educational, Scientific and
    // Cultural Organization" is one name.
    let capitalized = |part: &str| {
        let part = part.trim();
        !part.is_empty() && !part.contains(' ') && part.starts_with(|c: char| c.is_ascii_uppercase())
    };
    items.split(", ").all(capitalized) && capitalized(last)
}

pub(crate) fn names_in(gloss: &str) -> Vec<String> {
    let mut gloss = gloss.trim();
    // Leading labels: "(coll.) Bilibili, ...".
    while gloss.starts_with('(') {
        let Some(end) = gloss.find(')') else { break };
        gloss = gloss[end + 1..].trim_start();
    }
    // A surname identifies no one ("surname Ma"). A name the Han word
    // transliterates ("John (name)" of 约翰, "Shakespeare (name)") is that
    // name in English: it links when the corpus writes it (see `score`), as
    // two Johns of an English text are one term already; of "Mary or Marie
    // (name)" only the first, as Mary and Marie are two names.
    if gloss.starts_with("surname ") || gloss.starts_with("CL:") || is_list_of_names(gloss) {
        return Vec::new();
    }
    let transliterated_name = gloss.ends_with("(name)");
    let mut names = Vec::new();
    let (head, after) = name_run(gloss);
    let after = after.trim_start();
    let after_word = after.split_whitespace().next().unwrap_or("");
    let head_is_name = after.is_empty()
        || after.starts_with([',', '(', ';', ':'])
        || after_word == "or"
        || PLACE_NOUNS.contains(&after_word.trim_end_matches([',', ';']));
    if !head.is_empty() && head_is_name {
        names.push(head.to_owned());
        // "Weixin or WeChat".
        if let Some(rest) = after.strip_prefix("or ")
            && !transliterated_name
        {
            let (second, _) = name_run(rest);
            if !second.is_empty() {
                names.push(second.to_owned());
            }
        }
    }
    for marker in ["aka ", "a.k.a. ", "also known as "] {
        if let Some(at) = gloss.find(marker) {
            let (alias, _) = name_run(&gloss[at + marker.len()..]);
            if !alias.is_empty() {
                names.push(alias.to_owned());
            }
        }
    }
    let mut with_short_forms = Vec::new();
    for name in names {
        let short = without_legal_form(&name);
        with_short_forms.push(name.clone());
        if short != name {
            with_short_forms.push(short.to_owned());
        }
    }
    with_short_forms.retain(|n| n.chars().filter(|c| c.is_alphabetic()).count() >= 2);
    with_short_forms.dedup();
    with_short_forms
}

/// The run of capitalized words at the start of `text` ("Ant Financial
/// Services Group" of "Ant Financial Services Group, an affiliate ..."), and
/// the text after it.
fn name_run(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    let mut end = 0;
    let mut rest = text;
    loop {
        let word_end = rest.find(' ').unwrap_or(rest.len());
        let word = &rest[..word_end];
        let bare = word.trim_end_matches([',', ';', ':']);
        let capitalized = bare.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
            && bare.chars().all(|c| c.is_alphanumeric() || matches!(c, '\'' | '-' | '.' | '&'))
            && bare.chars().any(char::is_alphabetic);
        let joiner = end > 0 && NAME_JOINERS.contains(&word) && {
            let next = rest[word_end..].trim_start();
            next.starts_with(|c: char| c.is_uppercase())
        };
        if !(capitalized || joiner) {
            break;
        }
        let consumed = text.len() - rest.len();
        end = consumed + bare.len();
        if bare.len() < word.len() || word_end == rest.len() {
            break;
        }
        rest = &rest[word_end + 1..];
    }
    let name = &text[..end];
    (name.trim_end_matches(['.', '-']), &text[end..])
}

/// A company's name without its legal form: "Tencent Holdings Limited" → "Tencent".
fn without_legal_form(name: &str) -> &str {
    let mut name = name.trim_end_matches([',', '.']);
    while let Some((rest, last)) = name.rsplit_once(' ') {
        if !LEGAL_FORMS.contains(&last) {
            break;
        }
        name = rest.trim_end_matches(',');
    }
    name
}

/// Words of a gloss naming a stretch of history, whose years are no life span.
const AGES: &[&str] = &[
    "dynasty",
    "dynasties",
    "period",
    "era",
    "reign",
    "war",
    "kingdom",
    "kingdoms",
    "empire",
    "republic",
    "state",
    "states",
];

/// Whether a gloss gives years in brackets as a life span does, right after
/// the name it glosses, and goes on to say who lived them: "(1964-), aka
/// Jack Ma", "(384-322 BC), Greek philosopher", "(c. 427-c. 347 BC), ...".
/// Years that end the gloss are as often a state's ("East Germany
/// (1945-1990)"); years after a comma are another name's ("Mohism, school
/// founded by Mozi (c. 470-391 BC)").
fn has_life_span(gloss: &str) -> bool {
    let text = gloss.to_ascii_lowercase();
    let head = text.find([',', ';']).unwrap_or(text.len());
    text[..head].match_indices('(').any(|(at, _)| {
        let rest = &text[at + 1..];
        let rest = rest.strip_prefix("c. ").unwrap_or(rest);
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let years = (1..=4).contains(&digits) && (rest[digits..].starts_with('-') || rest[digits..].starts_with(" bc"));
        years && rest.split_once(')').is_some_and(|(_, after)| after.trim_start().starts_with(','))
    })
}

/// What the glosses say the name is, from the words describing it.
fn kind_of(glosses: &[&str]) -> TermKind {
    const KINDS: &[(TermKind, &[&str])] = &[
        (
            TermKind::Person,
            &[
                "businessman",
                "businesswoman",
                "entrepreneur",
                "politician",
                "actor",
                "actress",
                "singer",
                "writer",
                "philosopher",
                "mathematician",
                "physicist",
                "chemist",
                "scientist",
                "economist",
                "linguist",
                "poet",
                "novelist",
                "playwright",
                "painter",
                "composer",
                "musician",
                "emperor",
            ],
        ),
        (
            TermKind::Organization,
            &["company", "corporation", "group", "holdings", "limited", "bank", "firm", "conglomerate", "university"],
        ),
        (TermKind::Product, &["platform", "website", "app", "service", "brand", "software", "engine", "marketplace"]),
        (TermKind::Place, PLACE_NOUNS),
    ];
    let text = glosses.join(" ").to_ascii_lowercase();
    let gloss_words: Vec<&str> = text.split(|c: char| !c.is_ascii_alphabetic()).collect();
    // A life span, "(1964-)", "(384-322 BC)", "(c. 427-c. 347 BC)", is a
    // person's; a dynasty's or a war's years are not.
    let of_an_age = gloss_words.iter().any(|w| AGES.contains(w));
    if glosses.iter().any(|g| has_life_span(g)) && !of_an_age {
        return TermKind::Person;
    }
    KINDS
        .iter()
        .find(|(_, words)| gloss_words.iter().any(|w| words.contains(w)))
        .map_or(TermKind::Unknown, |(kind, _)| *kind)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use expect_test::{Expect, expect};

    use super::*;
    use crate::dictionary::dictionary;

    fn check_names(gloss: &str, expect: Expect) {
        expect.assert_debug_eq(&names_in(gloss));
    }

    #[test]
    fn a_list_of_names_names_none() {
        check_names(
            "China, Japan and Korea",
            expect![[r#"
                []
            "#]],
        );
        // One name with commas, not a list: its head is kept as before.
        check_names(
            "United Nations Educational, Scientific and Cultural Organization",
            expect![[r#"
                [
                    "United Nations Educational",
                ]
            "#]],
        );
        // Two may be one name.
        check_names(
            "Procter and Gamble",
            expect![[r#"
                [
                    "Procter and Gamble",
                ]
            "#]],
        );
    }

    #[test]
    fn heads_aliases_and_short_forms() {
        check_names(
            "Ma Yun (1964-), aka Jack Ma, Chinese billionaire businessman, co-founder of Alibaba 阿里巴巴[A1 li3 ba1 ba1]",
            expect![[r#"
                [
                    "Ma Yun",
                    "Jack Ma",
                ]
            "#]],
        );
        check_names(
            "Tencent Holdings Limited (developers of the QQ instant messaging platform)",
            expect![[r#"
                [
                    "Tencent Holdings Limited",
                    "Tencent",
                ]
            "#]],
        );
        check_names(
            "Ant Financial Services Group, an affiliate company of Alibaba 阿里巴巴[A1 li3 ba1 ba1]",
            expect![[r#"
                [
                    "Ant Financial Services Group",
                ]
            "#]],
        );
        check_names(
            "Weixin or WeChat (mobile text and voice messaging service developed by Tencent 騰訊|腾讯[Teng2 xun4])",
            expect![[r#"
                [
                    "Weixin",
                    "WeChat",
                ]
            "#]],
        );
        check_names(
            "Singles' Day (November 11), originally a day of activities for single people",
            expect![[r#"
                [
                    "Singles' Day",
                ]
            "#]],
        );
        check_names(
            "Chongqing city (Chungking), formerly in Sichuan province",
            expect![[r#"
                [
                    "Chongqing",
                ]
            "#]],
        );
        check_names(
            "Bank of China",
            expect![[r#"
                [
                    "Bank of China",
                ]
            "#]],
        );
    }

    #[test]
    fn transliterated_names_are_their_first_english_name() {
        check_names(
            "John (name)",
            expect![[r#"
            [
                "John",
            ]
        "#]],
        );
        check_names(
            "Mary or Marie (name)",
            expect![[r#"
            [
                "Mary",
            ]
        "#]],
        );
    }

    #[test]
    fn modifiers_surnames_and_common_nouns_are_no_names() {
        for gloss in [
            "Christian denomination",
            "surname Ma",
            "rookie",
            "quark (particle physics) (loanword)",
            "(bird species of China) Taiwan rosefinch (Carpodacus formosanus)",
            "nickname of Portuguese soccer player Cristiano Ronaldo",
        ] {
            assert_eq!(names_in(gloss), Vec::<String>::new(), "{gloss}");
        }
    }

    #[test]
    fn redirects_are_followed() {
        let names = |word: &str| -> Vec<String> {
            named_senses(dictionary(), word).into_iter().flat_map(|s| s.names).collect()
        };
        assert_eq!(names("腾讯"), ["Tencent Holdings Limited", "Tencent"]);
        assert_eq!(names("双十一"), ["Singles' Day"]);
        assert_eq!(names("菜鸟"), Vec::<String>::new(), "a common noun names nothing");
        assert_eq!(names("夸克"), Vec::<String>::new());
        assert_eq!(named_senses(dictionary(), "拼多多")[0].kind, TermKind::Organization);
        assert_eq!(named_senses(dictionary(), "马云")[0].kind, TermKind::Person);
    }

    #[test]
    fn han_names_take_the_kind_all_their_senses_give() {
        let kind = |word| kind_of_han_name(dictionary(), word);
        // Life spans of every form, and a name given to people.
        assert_eq!(kind("康德"), Some(TermKind::Person), "(1724-1804)");
        assert_eq!(kind("亚里士多德"), Some(TermKind::Person), "(384-322 BC)");
        assert_eq!(kind("柏拉图"), Some(TermKind::Person), "(c. 427-c. 347 BC)");
        assert_eq!(kind("维特根斯坦"), Some(TermKind::Person), "Wittgenstein (name)");
        assert_eq!(kind("浙江"), Some(TermKind::Place));
        // A dynasty's years are no life span.
        assert_ne!(kind("唐朝"), Some(TermKind::Person));
        assert_eq!(kind("公司"), None, "no proper noun");
        // The philosopher is the founder's, the years the age's.
        assert_ne!(kind("墨家"), Some(TermKind::Person), "founded by the philosopher 墨子");
    }

    #[test]
    fn english_names_take_the_kind_of_the_gloss_naming_them() {
        assert_eq!(kind_of_english_name(dictionary(), "Alipay"), TermKind::Product);
        assert_eq!(kind_of_english_name(dictionary(), "WeChat"), TermKind::Product);
        assert_eq!(kind_of_english_name(dictionary(), "Zhejiang"), TermKind::Place);
        assert_eq!(kind_of_english_name(dictionary(), "Dossier"), TermKind::Unknown);
        // The name's own words say nothing: 国务院 "State Department (USA)".
        assert_eq!(kind_of_english_name(dictionary(), "State Department"), TermKind::Unknown);
        // Short romanizations name counties, states and people alike.
        assert_eq!(kind_of_english_name(dictionary(), "Wu"), TermKind::Unknown);
        // "Robert Louis Stevenson (novelist), author of Treasure Island": what
        // follows "of" is another name's.
        assert_eq!(kind_of_english_name(dictionary(), "Robert Louis Stevenson"), TermKind::Person);
    }

    #[test]
    fn the_sense_that_fits_the_corpus() {
        let words: HashMap<String, u32> =
            ["online", "shopping", "commerce", "company", "sales"].map(|w| (w.to_owned(), 1)).into();
        let has_term = |name: &str| name == "Alibaba";
        let has_word = |w: &str| words.contains_key(w);
        let context = Context { has_word: &has_word, has_term: &has_term };
        let sense = best_sense(dictionary(), "阿里巴巴", &context).unwrap();
        assert_eq!(sense.names, ["Alibaba"], "the company, not the Arabian Nights");
        let nothing: HashMap<String, u32> = HashMap::new();
        let no_terms = |_: &str| false;
        let no_words = |w: &str| nothing.contains_key(w);
        let empty = Context { has_word: &no_words, has_term: &no_terms };
        assert_eq!(best_sense(dictionary(), "阿里巴巴", &empty), None, "no support, no link");
        assert_eq!(best_sense(dictionary(), "拼多多", &context).unwrap().names, ["Pinduoduo"]);
    }
}
