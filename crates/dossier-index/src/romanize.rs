//! Pinyin romanizations of Han names, as letters-only keys ("wuyongming").
//!
//! The `pinyin` crate reads one character at a time and lists every reading
//! of a polyphonic character; surnames have readings of their own (曾 is Zeng,
//! not Ceng), so the first character of a person's name is read from a small
//! table when it is there. Persons romanize as "Surname Given" and "Given
//! Surname"; other names as one word ("Taobao").

use pinyin::ToPinyinMulti;

use crate::fold::is_han;

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
    let mut readings: Vec<Vec<String>> = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let table = SURNAME_READINGS.iter().find(|(s, _)| *s == c).filter(|_| person && i == 0);
        let mut options: Vec<String> = match table {
            Some((_, list)) => list.iter().map(|s| (*s).to_owned()).collect(),
            None => {
                let Some(multi) = c.to_pinyin_multi() else { return Vec::new() };
                (0..multi.count()).map(|k| multi.get(k).plain().replace('ü', "u")).collect()
            }
        };
        let mut seen = Vec::new();
        options.retain(|o| {
            !seen.contains(o) && {
                seen.push(o.clone());
                true
            }
        });
        readings.push(options);
    }
    let mut keys = vec![String::new()];
    for options in &readings {
        let mut next = Vec::new();
        for key in &keys {
            for option in options {
                if next.len() < MAX_READINGS {
                    next.push(format!("{key}{option}"));
                }
            }
        }
        keys = next;
    }
    if person && chars.len() >= 2 {
        // "Yongming Wu": given name first, as English texts often write it.
        let surname_len = readings[0].iter().map(String::len).collect::<Vec<_>>();
        let mut reversed = Vec::new();
        for key in &keys {
            for &len in &surname_len {
                if key.len() > len && readings[0].iter().any(|r| key.starts_with(r.as_str()) && r.len() == len) {
                    reversed.push(format!("{}{}", &key[len..], &key[..len]));
                }
            }
        }
        keys.extend(reversed);
    }
    keys.sort();
    keys.dedup();
    keys
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
    fn brands_one_word_with_heteronyms() {
        assert!(has("淘宝", false, "taobao"));
        assert!(has("饿了么", false, "eleme"));
        assert!(has("盒马", false, "hema"));
        assert!(!has("淘宝", false, "baotao"));
        assert!(romanizations("马", true).is_empty());
    }
}
