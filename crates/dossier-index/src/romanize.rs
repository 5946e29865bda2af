//! Pinyin romanizations of Han names, as letters-only keys ("wuyongming").
//!
//! Words read as words: CC-CEDICT's reading of the longest dictionary word at
//! each place (重庆 is Chongqing, 银行 yinhang, and a listed name such as 马云
//! keeps its reading); the chars between words are read one at a time by the
//! `pinyin` crate, with every reading of a polyphonic char. Surnames have
//! readings of their own (曾 is Zeng, not Ceng), so the first character of a
//! person's name the dictionary lacks is read from a small table when it is there. Persons romanize as "Surname Given" and "Given
//! Surname"; other names as one word ("Taobao").

use std::{collections::HashSet, sync::OnceLock};

use pinyin::ToPinyinMulti;

use crate::{dictionary::dictionary, extract_zh::SURNAMES, fold::is_han};

/// Surnames whose reading differs from the character's usual one, or which
/// have several readings of which only some are surnames.
const SURNAME_READINGS: &[(char, &[&str])] = &[
    ('曾', &["zeng"]),
    ('单', &["shan"]),
    ('重', &["chong", "zhong"]),
    ('乐', &["yue", "le"]),
    ('仇', &["qiu"]),
    ('朴', &["piao"]),
    ('解', &["xie"]),
    ('区', &["ou"]),
    ('查', &["zha"]),
    ('盖', &["ge"]),
    ('缪', &["miao"]),
    ('尉', &["yu", "wei"]),
    ('覃', &["qin"]),
    ('翟', &["zhai"]),
    ('种', &["chong"]),
    ('秘', &["bi"]),
    ('召', &["shao"]),
    ('员', &["yun"]),
    ('折', &["she"]),
    ('长', &["zhang"]),
    ('吴', &["wu"]),
    ('沈', &["shen"]),
    ('柏', &["bai"]),
    ('燕', &["yan"]),
    ('葛', &["ge"]),
    ('薄', &["bo"]),
    ('纪', &["ji"]),
    ('车', &["che"]),
    ('华', &["hua"]),
    ('任', &["ren"]),
    ('宁', &["ning"]),
    ('谌', &["chen", "shen"]),
];

/// At most this many romanizations per name: heteronyms multiply.
const MAX_READINGS: usize = 16;

/// The letters-only romanization keys of a Han name of two to six characters
/// (none for anything else: one syllable is too little evidence to link on).
pub(crate) fn romanizations(han: &str, person: bool) -> Vec<String> {
    let chars: Vec<char> = han.chars().collect();
    if !(2..=6).contains(&chars.len()) || !chars.iter().all(|&c| is_han(c)) {
        return Vec::new();
    }
    // Each reading split as (surname, given name) for persons, so that both
    // orders can be offered; other names have an empty first part.
    let mut readings: Vec<(String, String)> = Vec::new();
    let whole_name = if person { dictionary().readings(han) } else { Vec::new() };
    if !whole_name.is_empty() {
        // A name the dictionary lists keeps its reading: 马云 is Ma Yun.
        for syllables in whole_name {
            readings.push((syllables[0].clone(), syllables[1..].concat()));
        }
    } else {
        let (surnames, rest) = if person {
            let surname = match SURNAME_READINGS.iter().find(|(s, _)| *s == chars[0]) {
                Some((_, list)) => list.iter().map(|s| (*s).to_owned()).collect(),
                None => char_readings(chars[0]),
            };
            (surname, &chars[1..])
        } else {
            (vec![String::new()], &chars[..])
        };
        let Some(rests) = word_readings(rest) else { return Vec::new() };
        for surname in &surnames {
            for rest in &rests {
                if readings.len() < MAX_READINGS {
                    readings.push((surname.clone(), rest.clone()));
                }
            }
        }
    }
    let mut keys = Vec::new();
    for (surname, given) in &readings {
        keys.push(format!("{surname}{given}"));
        // "Yongming Wu": given name first, as English texts often write it.
        if person && !given.is_empty() {
            keys.push(format!("{given}{surname}"));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The readings of a run of Han chars: dictionary words read as words,
/// longest first (重庆 is Chongqing, not Zhongqing), the chars between them
/// one by one with every reading the `pinyin` crate knows. `None` when a char
/// has no reading at all.
fn word_readings(chars: &[char]) -> Option<Vec<String>> {
    let dictionary = dictionary();
    let mut keys = vec![String::new()];
    let mut i = 0;
    while i < chars.len() {
        let longest = dictionary.longest_word().min(chars.len() - i);
        let word = (2..=longest).rev().find_map(|len| {
            let word: String = chars[i..i + len].iter().collect();
            let readings = dictionary.readings(&word);
            (!readings.is_empty()).then(|| (len, readings.iter().map(|s| s.concat()).collect::<Vec<_>>()))
        });
        let (len, options) = match word {
            Some(found) => found,
            None => (1, char_readings(chars[i])),
        };
        if options.is_empty() {
            return None;
        }
        let mut next = Vec::new();
        for key in &keys {
            for option in &options {
                if next.len() < MAX_READINGS {
                    next.push(format!("{key}{option}"));
                }
            }
        }
        keys = next;
        i += len;
    }
    Some(keys)
}

/// Every reading of one char, without tones ("lu" for "lü").
fn char_readings(c: char) -> Vec<String> {
    let Some(multi) = c.to_pinyin_multi() else { return Vec::new() };
    let mut readings: Vec<String> = Vec::new();
    for k in 0..multi.count() {
        let reading = multi.get(k).plain().replace('ü', "u");
        if !readings.contains(&reading) {
            readings.push(reading);
        }
    }
    readings
}

/// Every pinyin syllable without tone ("zhong", "lv"), read off the `pinyin` crate once.
fn syllables() -> &'static HashSet<String> {
    static SYLLABLES: OnceLock<HashSet<String>> = OnceLock::new();
    SYLLABLES.get_or_init(|| {
        let mut syllables = HashSet::new();
        for c in (0x4e00..=0x9fffu32).filter_map(char::from_u32) {
            if let Some(multi) = c.to_pinyin_multi() {
                syllables.extend((0..multi.count()).map(|k| multi.get(k).plain().replace('ü', "u")));
            }
        }
        syllables
    })
}

/// The syllables common surnames are read as ("wang", "zeng", "ou").
fn surname_syllables() -> &'static HashSet<String> {
    static SURNAME_SYLLABLES: OnceLock<HashSet<String>> = OnceLock::new();
    SURNAME_SYLLABLES.get_or_init(|| {
        SURNAMES
            .chars()
            .flat_map(|c| match SURNAME_READINGS.iter().find(|(s, _)| *s == c) {
                Some((_, list)) => list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
                None => c.to_pinyin_multi().map(|m| vec![m.get(0).plain().to_owned()]).unwrap_or_default(),
            })
            .collect()
    })
}

/// Whether a word is one or two pinyin syllables ("Yongming", "Lei").
fn is_pinyin_word(word: &str) -> bool {
    let word = word.to_ascii_lowercase();
    let syllables = syllables();
    syllables.contains(&word)
        || (1..word.len())
            .any(|i| word.is_char_boundary(i) && syllables.contains(&word[..i]) && syllables.contains(&word[i..]))
}

/// Whether a Latin name reads as a Chinese person's name in pinyin: a surname
/// syllable, then a given name of one or two syllables ("Peng Lei", "Jing Xiandong").
pub(crate) fn is_pinyin_person_name(name: &str) -> bool {
    let words: Vec<&str> = name.split(' ').collect();
    words.len() == 2
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase) && w.chars().skip(1).all(|c| c.is_ascii_lowercase())
        })
        && surname_syllables().contains(&words[0].to_ascii_lowercase())
        && is_pinyin_word(words[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(han: &str, person: bool, key: &str) -> bool {
        romanizations(han, person).iter().any(|k| k == key)
    }

    #[test]
    fn persons_both_orders_and_surname_table() {
        assert!(has("吴泳铭", true, "wuyongming"));
        assert!(has("吴泳铭", true, "yongmingwu"));
        assert!(has("蔡崇信", true, "caichongxin"));
        assert!(has("曾鸣", true, "zengming"));
        assert!(!has("曾鸣", true, "cengming"));
        assert!(has("单仁", true, "shanren"));
    }

    #[test]
    fn latin_names_that_read_as_chinese_persons() {
        assert!(is_pinyin_person_name("Peng Lei"));
        assert!(is_pinyin_person_name("Jing Xiandong"));
        assert!(is_pinyin_person_name("Wang Jian"));
        assert!(!is_pinyin_person_name("Jack Ma"));
        assert!(!is_pinyin_person_name("Ant Group"));
        assert!(!is_pinyin_person_name("Hello Bike"));
        assert!(!is_pinyin_person_name("Baidu Waimai"));
        assert!(!is_pinyin_person_name("Peng"));
    }

    #[test]
    fn brands_one_word_with_heteronyms() {
        assert!(has("淘宝", false, "taobao"));
        assert!(has("饿了么", false, "eleme"));
        assert!(has("盒马", false, "hema"));
        assert!(!has("淘宝", false, "baotao"));
        assert!(romanizations("马", true).is_empty());
    }

    #[test]
    fn dictionary_words_read_as_words() {
        assert_eq!(romanizations("重庆", false), ["chongqing"]);
        assert_eq!(romanizations("银行", false), ["yinhang"]);
        assert!(has("重庆银行", false, "chongqingyinhang"));
        assert!(!has("重庆银行", false, "zhongqingyinxing"));
        assert_eq!(romanizations("马云", true), ["mayun", "yunma"]);
        // Not in the dictionary: char by char, heteronyms and all.
        assert!(has("饿了么", false, "eleme"));
    }
}
