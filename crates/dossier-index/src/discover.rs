//! New words of a document: Han strings that the segmenter's dictionary
//! lacks but the document uses as words (天猫, 逍遙子, 饿了么), found as in
//! Chinese new-word discovery. A string of two to four chars is a word when
//! it comes back often, its chars hold together (the mutual information of
//! its two parts, at every split, is high) and it stands among varied
//! neighbours on both sides (boundary entropy): a fragment of a longer word
//! (里云 of 阿里云) always has the same neighbour. It must also start and end
//! on words of the segmentation, carry no function char at an edge, and not
//! be an ordinary word of the dictionary, nor an ordinary noun after a
//! modifier (大模型 large model, 新能源 new energy).
//!
//! Per document, so that the work is linear in the corpus and kept with the
//! document's other candidates between builds.

use rustc_hash::FxHashMap;

use crate::{
    TermKind,
    candidates::{Evidence, Found},
    dictionary::dictionary,
    extract_zh::is_modified_common_noun,
    fold::is_han,
};

/// Lengths of the strings considered, in chars.
const SHORTEST: usize = 2;
const LONGEST: usize = 4;
/// Occurrences a string needs in one document.
const MIN_COUNT: u32 = 3;
/// Least boundary entropy, in bits, on each side.
const MIN_ENTROPY: f64 = 0.9;
/// Least pointwise mutual information, in bits, between the parts at every split.
const MIN_COHESION: f64 = 4.0;

/// Chars that make no edge of a word: particles, conjunctions, prepositions,
/// pronoun endings and measure words.
const EDGE_CHARS: &str = "的了着过们个和及与向在从对把被将为是由也都就还又很说这那我你他她它一不有吗呢吧啊把给让以而或等上下中内外之其此于於";

/// Chars that no new word holds at all: a phrase, not a word (新的业务, 站在商家).
const INNER_CHARS: &str = "的在是和";

/// Tags of the segmentation that are no names (verbs, adjectives, adverbs,
/// pronouns, numerals, function words).
const NON_NOUN_TAGS: &[&str] =
    &["v", "vd", "vn", "a", "ad", "an", "d", "r", "m", "q", "p", "c", "u", "uj", "ul", "uz", "y", "e", "o", "f", "t"];

/// What is counted of a string that may be a word.
#[derive(Default)]
struct Stats {
    count: u32,
    /// Occurrences starting and ending on words of the segmentation.
    aligned: u32,
    /// Neighbours on each side, with counts (few: a `Vec` beats a map).
    left: Vec<(char, u32)>,
    right: Vec<(char, u32)>,
    /// Char index of each aligned occurrence.
    at: Vec<usize>,
}

fn add(neighbours: &mut Vec<(char, u32)>, c: char) {
    match neighbours.iter_mut().find(|(n, _)| *n == c) {
        Some((_, count)) => *count += 1,
        None => neighbours.push((c, 1)),
    }
}

fn entropy(neighbours: &[(char, u32)]) -> f64 {
    let total: u32 = neighbours.iter().map(|(_, n)| n).sum();
    neighbours
        .iter()
        .map(|&(_, n)| {
            let p = f64::from(n) / f64::from(total);
            -p * p.log2()
        })
        .sum()
}

/// The new words of `chars` (a folded text), as candidates with byte ranges
/// through `offsets`. `boundaries[i]` tells whether a word of the
/// segmentation starts or ends before char `i`; `word_at[i]` is the length
/// and tag of the word starting at `i`.
///
/// Two passes: the strings on word boundaries are counted, then only those
/// frequent and cohesive enough are looked at again, everywhere, for their
/// neighbours and their count.
pub(crate) fn new_words(
    chars: &[char],
    offsets: &[usize],
    boundaries: &[bool],
    word_at: &[Option<(usize, &str)>],
) -> Vec<Found> {
    let han_chars = chars.iter().filter(|&&c| is_han(c)).count();
    if han_chars < SHORTEST * MIN_COUNT as usize {
        return Vec::new();
    }
    let mut char_counts: FxHashMap<char, u32> = FxHashMap::default();
    let mut counts: FxHashMap<&[char], u32> = FxHashMap::default();
    let han_len = |i: usize| chars[i..].iter().take(LONGEST).take_while(|&&c| is_han(c)).count();
    for i in 0..chars.len() {
        if !is_han(chars[i]) {
            continue;
        }
        *char_counts.entry(chars[i]).or_default() += 1;
        // A word starts and ends on words of the segmentation most of the
        // time: the first pass counts those occurrences only (a few per
        // char boundary rather than three per char).
        if !boundaries[i] {
            continue;
        }
        for len in SHORTEST..=han_len(i) {
            if boundaries[i + len] {
                *counts.entry(&chars[i..i + len]).or_default() += 1;
            }
        }
    }
    let total = han_chars as f64;
    let count_of = |part: &[char]| -> f64 {
        let count = if part.len() == 1 { char_counts.get(&part[0]) } else { counts.get(part) };
        f64::from(count.copied().unwrap_or(1))
    };
    let mut stats: FxHashMap<&[char], Stats> = counts
        .iter()
        .filter(|&(word, &count)| {
            count >= MIN_COUNT
                && !EDGE_CHARS.contains(word[0])
                && !EDGE_CHARS.contains(word[word.len() - 1])
                && !word[1..word.len() - 1].iter().any(|&c| INNER_CHARS.contains(c))
                && (1..word.len()).all(|split| {
                    let joint = f64::from(count) / total;
                    let parts = count_of(&word[..split]) / total * count_of(&word[split..]) / total;
                    (joint / parts).log2() >= MIN_COHESION
                })
        })
        .map(|(word, _)| (*word, Stats::default()))
        .collect();
    if stats.is_empty() {
        return Vec::new();
    }
    // Outside Han text a neighbour is "no char": every such edge is alike.
    const EDGE: char = '\0';
    for i in 0..chars.len() {
        if !is_han(chars[i]) {
            continue;
        }
        for len in SHORTEST..=han_len(i) {
            let end = i + len;
            let Some(s) = stats.get_mut(&chars[i..end]) else { continue };
            s.count += 1;
            add(&mut s.left, if i > 0 && is_han(chars[i - 1]) { chars[i - 1] } else { EDGE });
            add(&mut s.right, chars.get(end).copied().filter(|&c| is_han(c)).unwrap_or(EDGE));
            if boundaries[i] && boundaries[end] {
                s.aligned += 1;
                s.at.push(i);
            }
        }
    }
    let mut words: Vec<(&[char], &Stats)> = stats
        .iter()
        .filter(|(_, s)| s.aligned * 2 > s.count && entropy(&s.left) >= MIN_ENTROPY && entropy(&s.right) >= MIN_ENTROPY)
        .map(|(word, s)| (*word, s))
        .collect();
    // What the segmentation makes of a string: a word it knows and does not
    // call a noun is no name, and two words it knows side by side (希望 +
    // 大家, 市场 + 机制) are a phrase, not a new word. A new word is one the
    // segmentation shatters: 天 + 猫, 逍遥 + 子.
    words.retain(|(word, s)| {
        let Some(&at) = s.at.first() else { return false };
        let mut pieces = Vec::new();
        let mut i = at;
        while i < at + word.len() {
            let Some((len, tag)) = word_at[i] else { return false };
            pieces.push((len, tag));
            i += len;
        }
        match pieces.as_slice() {
            // A common noun of the segmenter's dictionary (本站, 全境, 基部)
            // is no new word, unless CC-CEDICT knows it as a proper noun
            // (突厥, 客家); a word the segmenter's model made up (天猫) may be.
            [(_, tag)] => {
                !NON_NOUN_TAGS.contains(tag)
                    && (*tag != "n" || {
                        let word: String = word.iter().collect();
                        !crate::extract_zh::jieba().has_word(&word)
                            || dictionary().lookup(&word).any(|entry| entry.is_proper_noun())
                    })
            }
            // Single chars may be anything inside (饿 + 了 + 么); a longer
            // piece must be a noun (阿里 + 云), not a verb or an adverb
            // (应该 + 做, 需要 + 去).
            _ => {
                let noun = |tag: &str| tag.starts_with('n') || matches!(tag, "x" | "eng" | "j");
                let long: Vec<&str> = pieces.iter().filter(|(len, _)| *len >= 2).map(|(_, tag)| *tag).collect();
                let (first, last) = (pieces[0].1, pieces[pieces.len() - 1].1);
                long.len() <= 1
                    && long.iter().all(|tag| noun(tag))
                    // Two single chars hold a noun (要 + 去 is a phrase).
                    && (word.len() > 2 || pieces.iter().any(|(_, tag)| noun(tag)))
                    && !matches!(first, "d" | "p" | "c" | "u" | "r")
                    && !(pieces[pieces.len() - 1].0 == 1 && matches!(last, "v" | "d" | "p" | "c" | "u" | "f"))
            }
        }
    });
    // The longest of strings that hold one another with about the same
    // count: 阿里云, not also 里云.
    let longer: Vec<(&[char], u32)> = words.iter().map(|(w, s)| (*w, s.count)).collect();
    words.retain(|(word, s)| {
        !longer.iter().any(|(other, count)| {
            other.len() > word.len() && *count * 10 >= s.count * 7 && other.windows(word.len()).any(|w| w == *word)
        })
    });
    let dictionary = dictionary();
    let mut found = Vec::new();
    let mut word = String::new();
    for (chars_of_word, s) in words {
        word.clear();
        word.extend(chars_of_word);
        if dictionary.has_common_sense(&word) || is_modified_common_noun(&word) {
            continue;
        }
        let kind = kind_of(&word);
        for &i in &s.at {
            found.push(Found {
                range: offsets[i]..offsets[i + chars_of_word.len()],
                kind,
                evidence: Evidence::Discovered,
            });
        }
    }
    found.sort_by_key(|f| f.range.start);
    found
}

/// The kind a name's last chars say: 集团, 公司 an organization, 省, 市 a
/// place, a surname and a form of address (马老师, 王先生) a person.
pub(crate) fn kind_of(word: &str) -> TermKind {
    let surname_and_address = word.chars().next().is_some_and(|c| crate::extract_zh::SURNAMES.contains(c))
        && ["老师", "先生", "女士"].iter().any(|s| word.strip_suffix(s).is_some_and(|rest| rest.chars().count() == 1));
    if surname_and_address {
        TermKind::Person
    } else if ["集团", "公司", "银行", "大学", "研究院", "实验室", "协会", "基金会"].iter().any(|s| word.ends_with(s))
    {
        TermKind::Organization
    } else if ["省", "市", "县", "区", "州", "镇", "村"].iter().any(|s| word.ends_with(s)) && word.chars().count() >= 2
    {
        TermKind::Place
    } else {
        TermKind::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_chars_say_the_kind() {
        assert_eq!(kind_of("阿里集团"), TermKind::Organization);
        assert_eq!(kind_of("杭州市"), TermKind::Place);
        assert_eq!(kind_of("马老师"), TermKind::Person);
        assert_eq!(kind_of("王先生"), TermKind::Person);
        // Not a surname and a form of address: 好老师 is a good teacher.
        assert_eq!(kind_of("好老师"), TermKind::Unknown);
        assert_eq!(kind_of("天猫"), TermKind::Unknown);
    }
}
