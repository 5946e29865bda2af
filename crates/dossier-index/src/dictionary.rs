//! CC-CEDICT, the Chinese-English dictionary, built into the binary.
//!
//! The gzipped file (`data/cedict_1_0_ts_utf-8_mdbg.txt.gz`, CC BY-SA 4.0, see
//! `NOTICE`) is included with `include_bytes!` and parsed once, the first time
//! the index needs it. Parsing keeps the decompressed text as one string and
//! sorts the line offsets by Simplified headword, so an entry is read off its
//! line when asked for; the only other table is the short list of words whose
//! Traditional → Simplified fold differs from the char-by-char fold.
//!
//! A line reads `Traditional Simplified [pin1 yin1] /gloss/gloss/`; proper nouns
//! have capitalized pinyin (`[Ma3 Yun2]`).

use std::{collections::HashMap, io::Read, sync::OnceLock};

use crate::fold::{self, is_han, letters_key};

/// The gzipped CC-CEDICT release, as published by MDBG.
const CEDICT_GZ: &[u8] = include_bytes!("../data/cedict_1_0_ts_utf-8_mdbg.txt.gz");

/// One line of the dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry<'a> {
    /// The headword in Traditional characters.
    pub(crate) traditional: &'a str,
    /// The headword in Simplified characters.
    pub(crate) simplified: &'a str,
    /// Numbered pinyin, syllables separated by spaces ("Ma3 Yun2").
    pub(crate) pinyin: &'a str,
    /// The glosses, separated by `/` ("Ma Yun (1964-), aka Jack Ma, ...").
    pub(crate) glosses: &'a str,
}

impl<'a> Entry<'a> {
    /// Parses one line; `None` for comments and malformed lines.
    fn parse(line: &'a str) -> Option<Entry<'a>> {
        if line.starts_with('#') {
            return None;
        }
        let (traditional, rest) = line.split_once(' ')?;
        let (simplified, rest) = rest.split_once(' ')?;
        let (pinyin, rest) = rest.strip_prefix('[')?.split_once(']')?;
        let glosses = rest.trim().strip_prefix('/')?.strip_suffix('/')?;
        Some(Entry { traditional, simplified, pinyin, glosses })
    }

    /// Whether the entry is a proper noun: CC-CEDICT capitalizes their pinyin.
    pub(crate) fn is_proper_noun(&self) -> bool {
        self.pinyin.starts_with(|c: char| c.is_ascii_uppercase())
    }

    /// The glosses one by one.
    pub(crate) fn senses(&self) -> impl Iterator<Item = &'a str> {
        self.glosses.split('/').map(str::trim).filter(|s| !s.is_empty())
    }
}

/// The one-word names of the glosses, in lower case; see
/// [`Dictionary::is_one_word_name`].
#[derive(Default)]
struct OneWordNames {
    /// Every one-word name of a proper noun's sense.
    all: rustc_hash::FxHashSet<Box<str>>,
    /// Those whose sense goes on to say what they name.
    described: rustc_hash::FxHashSet<Box<str>>,
    /// Words a common noun's sense starts with, capitalized ("Chihuahua (dog)").
    common: rustc_hash::FxHashSet<Box<str>>,
}

/// Where an entry line is in the text, and its Simplified headword (sorting
/// on it needs no parsing).
#[derive(Debug, Clone, Copy)]
struct Line {
    start: u32,
    simplified_start: u32,
    simplified_end: u32,
}

/// The parsed dictionary.
pub(crate) struct Dictionary {
    /// The decompressed file.
    text: String,
    /// The entry lines, sorted by Simplified headword (file order among equals).
    by_simplified: Vec<Line>,
    /// Words whose Simplified form is not the char-by-char fold of their
    /// Traditional (or Simplified) form, by first char: (chars, Simplified),
    /// longest first. Every Simplified char has its source char's UTF-8 length.
    fold_words: HashMap<char, Vec<(Vec<char>, String)>>,
    /// The longest headword, in chars.
    longest_word: usize,
    /// The lower-case English words of the glosses, built on first use.
    english_words: OnceLock<rustc_hash::FxHashSet<Box<str>>>,
    /// Capitalized words that the glosses use as common nouns (see
    /// [`Dictionary::is_capitalized_common_noun`]), in lower case, built on first use.
    capitalized_common_nouns: OnceLock<rustc_hash::FxHashSet<Box<str>>>,
    /// The names of one word that proper nouns' glosses start with (see
    /// [`Dictionary::is_one_word_name`]), in lower case, built on first use.
    one_word_names: OnceLock<OneWordNames>,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionary").field("entries", &self.by_simplified.len()).finish_non_exhaustive()
    }
}

/// The dictionary, parsed on first use.
pub(crate) fn dictionary() -> &'static Dictionary {
    static DICTIONARY: OnceLock<Dictionary> = OnceLock::new();
    DICTIONARY.get_or_init(|| Dictionary::parse(CEDICT_GZ))
}

impl Dictionary {
    /// Decompresses and indexes a gzipped CC-CEDICT file. The file is part of
    /// the binary, so a broken one is a build defect, not a user error.
    fn parse(gzipped: &[u8]) -> Dictionary {
        // A gzip file ends with its uncompressed size (modulo 4 GiB): one allocation, no regrowth.
        let size = gzipped.last_chunk::<4>().map_or(0, |size| u32::from_le_bytes(*size) as usize);
        let mut text = String::with_capacity(size);
        flate2::read::GzDecoder::new(gzipped).read_to_string(&mut text).expect("the built-in CC-CEDICT is valid gzip");
        let offset_of = |slice: &str| {
            let offset = slice.as_ptr() as usize - text.as_ptr() as usize;
            u32::try_from(offset).expect("the dictionary is smaller than 4 GiB")
        };
        let mut by_simplified = Vec::new();
        let mut longest_word = 0;
        for line in text.split('\n') {
            if let Some(entry) = Entry::parse(line.trim_end()) {
                let simplified_start = offset_of(entry.simplified);
                by_simplified.push(Line {
                    start: offset_of(line),
                    simplified_start,
                    simplified_end: simplified_start + entry.simplified.len() as u32,
                });
                longest_word = longest_word.max(entry.simplified.chars().count());
            }
        }
        let simplified = |line: &Line| &text[line.simplified_start as usize..line.simplified_end as usize];
        by_simplified.sort_by(|a, b| simplified(a).cmp(simplified(b)));
        let mut dictionary = Dictionary {
            text,
            by_simplified,
            fold_words: HashMap::new(),
            longest_word,
            english_words: OnceLock::new(),
            capitalized_common_nouns: OnceLock::new(),
            one_word_names: OnceLock::new(),
        };
        dictionary.fold_words = dictionary.fold_words();
        dictionary
    }

    fn simplified_of(&self, line: &Line) -> &str {
        &self.text[line.simplified_start as usize..line.simplified_end as usize]
    }

    fn entry_at(&self, line: &Line) -> Entry<'_> {
        let line = &self.text[line.start as usize..];
        let line = line.split('\n').next().unwrap_or(line).trim_end();
        Entry::parse(line).expect("offsets point at entry lines")
    }

    /// Every entry, by Simplified headword.
    pub(crate) fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        self.by_simplified.iter().map(|line| self.entry_at(line))
    }

    /// The entries whose Simplified headword is `simplified`, in file order.
    pub(crate) fn lookup(&self, simplified: &str) -> impl Iterator<Item = Entry<'_>> {
        let start = self.by_simplified.partition_point(|line| self.simplified_of(line) < simplified);
        self.by_simplified[start..]
            .iter()
            .take_while(move |line| self.simplified_of(line) == simplified)
            .map(|line| self.entry_at(line))
    }

    /// Whether `simplified` is a headword whose every entry is an ordinary
    /// word (公司 company, 协会 association, 太阳 sun): such a word is no
    /// name by itself, whatever a tagger says.
    pub(crate) fn is_common_word(&self, simplified: &str) -> bool {
        let mut entries = self.lookup(simplified).peekable();
        entries.peek().is_some() && entries.all(|entry| !entry.is_proper_noun())
    }

    /// Whether `simplified` is made of two ordinary words, one of two chars
    /// or more (管理 + 层, 秘书 + 处, 市场 + 机制): a compound common noun
    /// when used as one word. 天猫 (天 + 猫) is not: two single chars hold
    /// together as a name more often than as a phrase.
    pub(crate) fn is_common_compound(&self, simplified: &str) -> bool {
        // A name of the dictionary (北极星 Polaris: 北极 + 星) is no common noun.
        if self.lookup(simplified).any(|entry| entry.is_proper_noun()) {
            return false;
        }
        let chars = simplified.chars().count();
        simplified.char_indices().skip(1).any(|(at, _)| {
            let (head, tail) = simplified.split_at(at);
            let head_chars = head.chars().count();
            (head_chars >= 2 || chars - head_chars >= 2) && self.is_common_word(head) && self.is_common_word(tail)
        })
    }

    /// Whether `simplified` is two chars that are each an ordinary word (or
    /// a surname) and together no name of the dictionary (丑人 ugly + person): set in
    /// quotes, such a pair is a word being stressed ("the bad guy"), as a
    /// lower-case English word in quotes is, not a name being introduced.
    pub(crate) fn is_ordinary_pair(&self, simplified: &str) -> bool {
        let mut chars = simplified.char_indices();
        let (Some(_), Some((second, _)), None) = (chars.next(), chars.next(), chars.next()) else {
            return false;
        };
        // Most chars are also a surname (丑 Chou): that sense names no one
        // thing, while 美 (America) beside "beautiful" does.
        let ordinary_char = |char: &str| {
            self.has_common_sense(char)
                && self
                    .lookup(char)
                    .filter(|entry| entry.is_proper_noun())
                    .all(|entry| entry.senses().all(|sense| sense.starts_with("surname ")))
        };
        !self.lookup(simplified).any(|entry| entry.is_proper_noun())
            && ordinary_char(&simplified[..second])
            && ordinary_char(&simplified[second..])
    }

    /// Whether a proper noun's sense of `simplified` names something known
    /// beyond its county ("Kyoto, Japan", "Red Sea", "Venus (planet)",
    /// "Geely, Chinese car make"), not only a district, a county or a
    /// township (新建 "Xinjian county in Nanchang"), a surname, a name given
    /// to people, or two countries together (美德 "USA and Germany").
    pub(crate) fn has_notable_proper_sense(&self, simplified: &str) -> bool {
        const MINOR: &[&str] = &[
            "county",
            "district",
            "township",
            "prefecture",
            "town ",
            "village",
            "surname",
            "(name)",
            " and ",
            "relations",
            "place name",
        ];
        self.lookup(simplified)
            .filter(|entry| entry.is_proper_noun())
            .any(|entry| entry.senses().any(|sense| !MINOR.iter().any(|minor| sense.contains(minor))))
    }

    /// Whether some entry of `simplified` is an ordinary word (孙子 grandson
    /// beside Sunzi, 凤凰 phoenix beside Fenghuang county).
    pub(crate) fn has_common_sense(&self, simplified: &str) -> bool {
        self.lookup(simplified).any(|entry| !entry.is_proper_noun())
    }

    /// Whether `word` (in lower case) is an ordinary English word: one the
    /// glosses write in lower case ("later", "thanks", "hotel"), an inflection
    /// of one ("lets", "wants", "deposited"), a word of such words joined by
    /// hyphens ("e-mail", "e-commerce"), or a common noun the glosses spell
    /// with a capital ("Internet"). The glosses write names with their
    /// capital (Mexico, Xinhua), so a capitalized word missing here is no
    /// everyday word; about 36,000 words.
    pub(crate) fn is_english_word(&self, word: &str) -> bool {
        if word.contains('-') {
            let mut parts = word.split('-').filter(|part| part.len() >= 2).peekable();
            return parts.peek().is_some() && parts.all(|part| self.is_english_word(part));
        }
        let words = self.english_words();
        if words.contains(word) || self.is_capitalized_common_noun(word) {
            return true;
        }
        // Inflections: the glosses give verbs and nouns in their base form.
        let stem_is_word = |suffix: &str| {
            word.strip_suffix(suffix).is_some_and(|stem| {
                stem.len() >= 3 && (words.contains(stem) || words.contains(format!("{stem}e").as_str()))
            })
        };
        ["s", "es", "ed", "ing"].iter().any(|suffix| stem_is_word(suffix))
    }

    fn english_words(&self) -> &rustc_hash::FxHashSet<Box<str>> {
        self.english_words.get_or_init(|| {
            let mut words = rustc_hash::FxHashSet::default();
            for line in self.text.split('\n') {
                // The glosses follow the first '/' of an entry line.
                let Some((head, glosses)) = line.split_once('/') else { continue };
                if head.starts_with('#') {
                    continue;
                }
                for word in glosses.split(|c: char| !c.is_ascii_alphabetic()) {
                    if word.len() >= 2 && word.bytes().all(|b| b.is_ascii_lowercase()) && !words.contains(word) {
                        words.insert(Box::from(word));
                    }
                }
            }
            words
        })
    }

    /// Whether `word` (in lower case) is a common noun that the dictionary
    /// spells with a capital: the whole gloss of ordinary entries (lower-case
    /// pinyin) more often than of proper nouns, and of two at least
    /// ("Internet" is 网际, 网路, 国际互联网络, ...; "Unicode", "Sabbath").
    /// Such a word names no one thing of a corpus.
    pub(crate) fn is_capitalized_common_noun(&self, word: &str) -> bool {
        let nouns = self.capitalized_common_nouns.get_or_init(|| {
            let mut counts: HashMap<&str, (u32, u32)> = HashMap::new();
            for entry in self.entries() {
                for sense in entry.senses() {
                    let mut chars = sense.chars();
                    let capitalized = chars.next().is_some_and(|c| c.is_ascii_uppercase())
                        && chars.as_str().len() >= 2
                        && chars.all(|c| c.is_ascii_lowercase());
                    if capitalized {
                        let (ordinary, proper) = counts.entry(sense).or_default();
                        if entry.is_proper_noun() { *proper += 1 } else { *ordinary += 1 }
                    }
                }
            }
            counts
                .into_iter()
                .filter(|&(_, (ordinary, proper))| ordinary >= 2 && ordinary > proper)
                .map(|(sense, _)| sense.to_ascii_lowercase().into_boxed_str())
                .collect()
        });
        nouns.contains(word)
    }

    /// Whether `word` (in lower case) is a name of one word that a proper
    /// noun of the dictionary is glossed with: a sense that starts with it
    /// and ends there or goes on with a comma, a bracket or lower-case words
    /// ("Kerala (state in India)", "Punjab state of India"). Such a word is
    /// a name however a hasty writer spells it ("in kerala").
    pub(crate) fn is_one_word_name(&self, word: &str) -> bool {
        self.one_word_names().all.contains(word)
    }

    /// Whether `word` (in lower case) is a one-word name whose gloss says
    /// what it names ("Kerala (state in India)", "Chihuahua, Mexico", not
    /// "Cubism" alone) and that no common noun's gloss starts with
    /// ("Chihuahua (dog)"): a name even where the text never capitalizes it.
    pub(crate) fn is_described_one_word_name(&self, word: &str) -> bool {
        let names = self.one_word_names();
        names.described.contains(word) && !names.common.contains(word)
    }

    fn one_word_names(&self) -> &OneWordNames {
        self.one_word_names.get_or_init(|| {
            let mut names = OneWordNames::default();
            for entry in self.entries() {
                let proper = entry.is_proper_noun();
                for sense in entry.senses() {
                    let length = sense.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(sense.len());
                    let (name, rest) = sense.split_at(length);
                    let mut letters = name.chars();
                    let capitalized = letters.next().is_some_and(|c| c.is_ascii_uppercase())
                        && name.len() >= 3
                        && letters.all(|c| c.is_ascii_lowercase());
                    let goes_on = rest.starts_with([',', '('])
                        || rest
                            .strip_prefix(' ')
                            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_lowercase() || c == '('));
                    if !capitalized || !(rest.is_empty() || goes_on) {
                        continue;
                    }
                    let name = name.to_ascii_lowercase().into_boxed_str();
                    if !proper {
                        names.common.insert(name);
                    } else if goes_on {
                        names.described.insert(name.clone());
                        names.all.insert(name);
                    } else {
                        names.all.insert(name);
                    }
                }
            }
            names
        })
    }

    /// The longest headword, in chars.
    pub(crate) fn longest_word(&self) -> usize {
        self.longest_word
    }

    /// The words whose Simplified form is not what folding char by char gives
    /// (乾旱 is 干旱, but 乾隆 keeps its 乾). A Traditional form listed with two
    /// different Simplified forms is left to the char-by-char fold.
    fn fold_words(&self) -> HashMap<char, Vec<(Vec<char>, String)>> {
        let mut pairs: HashMap<Vec<char>, Option<String>> = HashMap::new();
        for entry in self.entries() {
            let simplified: Vec<char> = entry.simplified.chars().collect();
            if simplified.len() < 2 || !simplified.iter().all(|&c| is_han(c)) {
                continue;
            }
            for form in [entry.traditional, entry.simplified] {
                let chars: Vec<char> = form.chars().collect();
                let same_lengths = chars.len() == simplified.len()
                    && chars.iter().zip(&simplified).all(|(a, b)| a.len_utf8() == b.len_utf8());
                let char_by_char: Vec<char> = chars.iter().map(|&c| fold::simplified(c)).collect();
                if same_lengths && char_by_char != simplified {
                    pairs
                        .entry(chars)
                        .and_modify(|known| {
                            if known.as_deref() != Some(entry.simplified) {
                                *known = None;
                            }
                        })
                        .or_insert_with(|| Some(entry.simplified.to_owned()));
                }
            }
        }
        let mut fold_words: HashMap<char, Vec<(Vec<char>, String)>> = HashMap::new();
        for (chars, simplified) in pairs {
            if let Some(simplified) = simplified {
                fold_words.entry(chars[0]).or_default().push((chars, simplified));
            }
        }
        for words in fold_words.values_mut() {
            words.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        }
        fold_words
    }

    /// The Simplified form of the word that starts `chars`, when the
    /// dictionary folds it differently from the char-by-char fold: (chars
    /// consumed, Simplified form).
    pub(crate) fn fold_word(&self, chars: &[char]) -> Option<(usize, &str)> {
        let words = self.fold_words.get(chars.first()?)?;
        words
            .iter()
            .find(|(word, _)| chars.starts_with(word))
            .map(|(word, simplified)| (word.len(), simplified.as_str()))
    }

    /// The readings of a Simplified word, syllable by syllable as
    /// letters-only keys, in file order ("重庆" → [["chong", "qing"]]; "lu:4"
    /// reads "lu"); empty when the dictionary lacks the word.
    pub(crate) fn readings(&self, simplified: &str) -> Vec<Vec<String>> {
        let mut readings: Vec<Vec<String>> = Vec::new();
        for entry in self.lookup(simplified) {
            let syllables: Vec<String> = entry.pinyin.split(' ').map(letters_key).filter(|s| !s.is_empty()).collect();
            if !syllables.is_empty() && !readings.contains(&syllables) {
                readings.push(syllables);
            }
        }
        readings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_by_simplified_headword() {
        let dictionary = dictionary();
        assert!(dictionary.by_simplified.len() > 100_000);
        let ma_yun: Vec<Entry<'_>> = dictionary.lookup("马云").collect();
        assert_eq!(ma_yun.len(), 1);
        assert_eq!(ma_yun[0].traditional, "馬雲");
        assert_eq!(ma_yun[0].pinyin, "Ma3 Yun2");
        assert!(ma_yun[0].is_proper_noun());
        assert!(ma_yun[0].glosses.contains("aka Jack Ma"));
        assert_eq!(dictionary.lookup("阿里巴巴").count(), 2);
        assert!(!dictionary.lookup("菜鸟").next().unwrap().is_proper_noun());
        assert_eq!(dictionary.lookup("吴泳铭").count(), 0);
    }

    #[test]
    fn ordinary_pairs_are_two_ordinary_chars_that_name_nothing() {
        let dictionary = dictionary();
        assert!(dictionary.is_ordinary_pair("丑人"));
        assert!(!dictionary.is_ordinary_pair("美团"), "美 is also America");
        assert!(!dictionary.is_ordinary_pair("天池"), "a lake of the dictionary");
        assert!(dictionary.has_notable_proper_sense("京都"), "Kyoto, Japan");
        assert!(dictionary.has_notable_proper_sense("金星"), "Venus (planet)");
        assert!(!dictionary.has_notable_proper_sense("新建"), "Xinjian county in Nanchang");
        assert!(!dictionary.has_notable_proper_sense("美德"), "USA and Germany");
        assert!(!dictionary.is_ordinary_pair("丑"), "one char");
        assert!(!dictionary.is_ordinary_pair("逍遥子"), "three chars");
    }

    #[test]
    fn one_word_names_of_the_glosses() {
        let dictionary = dictionary();
        for word in ["kerala", "punjab", "mexico"] {
            assert!(dictionary.is_one_word_name(word), "{word}");
        }
        for word in ["later", "jespersen", "new"] {
            assert!(!dictionary.is_one_word_name(word), "{word}");
        }
        assert!(dictionary.is_described_one_word_name("punjab"));
        assert!(!dictionary.is_described_one_word_name("cubism"), "the gloss says nothing more");
        assert!(!dictionary.is_described_one_word_name("chihuahua"), "a breed of dog too");
    }

    #[test]
    fn everyday_english_words_with_their_inflections_and_capitalized_common_nouns() {
        let dictionary = dictionary();
        for word in ["later", "thanks", "wants", "lets", "deposited", "e-mail", "e-commerce", "internet"] {
            assert!(dictionary.is_english_word(word), "{word}");
        }
        for word in ["jespersen", "xinhua", "alibaba", "al-qaida", "mexico"] {
            assert!(!dictionary.is_english_word(word), "{word}");
        }
        assert!(dictionary.is_capitalized_common_noun("internet"));
        assert!(!dictionary.is_capitalized_common_noun("china"), "a name the glosses capitalize");
    }

    #[test]
    fn compound_common_nouns() {
        let dictionary = dictionary();
        for word in ["管理层", "秘书处", "市场机制"] {
            assert!(dictionary.is_common_compound(word), "{word}");
        }
        for word in ["天猫", "阿里云", "饿了么", "北极星"] {
            assert!(!dictionary.is_common_compound(word), "{word}");
        }
    }

    #[test]
    fn word_readings() {
        assert_eq!(dictionary().readings("重庆"), [["chong", "qing"]]);
        assert_eq!(dictionary().readings("银行"), [["yin", "hang"]]);
        assert_eq!(dictionary().readings("绿色"), [["lu", "se"]], "lu:4 reads lu");
        assert!(dictionary().readings("吴泳铭").is_empty());
    }

    #[test]
    fn word_folds_that_differ_from_char_folds() {
        // 乾 folds to itself char by char, right in 乾隆 (an emperor) but not in 乾旱 (drought).
        let chars: Vec<char> = "乾旱地區".chars().collect();
        assert_eq!(dictionary().fold_word(&chars), Some((2, "干旱")));
        let chars: Vec<char> = "乾隆".chars().collect();
        assert_eq!(dictionary().fold_word(&chars), None);
        let chars: Vec<char> = "馬雲".chars().collect();
        assert_eq!(dictionary().fold_word(&chars), None, "the char-by-char fold is right");
    }
}
