//! Candidate names in Han text: persons, organizations, places and other
//! proper nouns from `jieba-rs` part-of-speech tags (nr, nrt, nrfg, nt, nz, ns).
//!
//! Tags are hints, not answers: jieba calls 安静 and 敬畏 person names. A person
//! must start with a common surname, generic words are stop-listed, and the
//! builder also asks for frequency or a cross-script link before it keeps a name.
//! jieba's dictionary is Simplified, so Traditional text is folded char by char
//! (keeping byte offsets) before tagging. CC-CEDICT's proper nouns are found
//! as weak candidates as well, since jieba splits the names it does not know.

use std::{collections::HashSet, sync::OnceLock};

use jieba_rs::Jieba;

use crate::{
    TermKind,
    candidates::{Evidence, Found},
    dictionary::dictionary,
    fold::{self, is_han},
};

/// Common Chinese surnames (single characters): a person name starts with one.
pub(crate) const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤俞谌倪卫单区仇朴解查乐井逯牛葛柳鲁岳甘童施洪庞关殷庄翟祝詹柯卜车骆欧阳萧梅温翁麦岑邝冼伍霍甄容游巫柴尤樊凌包褚纪阮蓝辛池苗";

/// Words jieba tags as names that are ordinary words.
const HAN_STOP_WORDS: &[&str] = &[
    "敬畏",
    "谢谢",
    "祝贺",
    "华丽",
    "阳光",
    "高峰",
    "文明",
    "明朗",
    "修正",
    "通顺",
    "范畴",
    "麻木",
    "金石",
    "安静",
    "小二",
    "汇报",
    "上市",
    "东西",
    "城市",
    "维度",
    "青春",
    "黑洞",
    "波峰",
    "波谷",
    "关联",
    "入门",
    "嘉宾",
    "欢庆",
    "和平",
    "家族",
    "保安",
    "大战",
    "令人",
    "国际化",
    "普通员工",
    "商超",
    "号召",
    "平安",
    "高兴",
    "方便",
    "成功",
    "发展",
    "白领",
    "黄金",
    "江湖",
    "司机",
    "老师",
    "同学",
    "伙伴",
    "朋友",
    "领导",
    "总裁",
    "主席",
    "中心",
    "外国",
    "南方",
    "北方",
    "东北",
    "西北",
    "华南",
    "华北",
    "海外",
    "全国",
    "各地",
    "本地",
    "当地",
    "内地",
    "万物",
    "新人",
    "新零售",
    "新技术",
    "新能源",
    "新金融",
    "新制造",
    "段时间",
    "一段时间",
    "时间",
    "高度",
    "方向",
    "温度",
];

pub(crate) fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// Whether `simplified` is a descriptive noun phrase: one char the
/// segmenter's dictionary calls an adjective or a distinguishing word (大
/// large, 新 new, 全 whole) before an ordinary noun of two chars or more
/// that the dictionary knows only as a common word (大 + 模型, 新 + 能源,
/// 全 + 渠道). Such a phrase describes things; it names none, however often a
/// text repeats it. A name of the dictionary (新东方 New Oriental) is none,
/// and a name whose rest is one char (天猫, 小米) or no word (大润发) or
/// that ends on a suffix (逍遥 + 子) does not split so.
pub(crate) fn is_modified_common_noun(simplified: &str) -> bool {
    let mut chars = simplified.char_indices();
    let (Some((_, first)), Some((rest_at, _))) = (chars.next(), chars.next()) else { return false };
    let rest = &simplified[rest_at..];
    if rest.chars().count() < 2 || !simplified.chars().all(is_han) {
        return false;
    }
    let dictionary = dictionary();
    if dictionary.lookup(simplified).any(|entry| entry.is_proper_noun()) || !dictionary.is_common_word(rest) {
        return false;
    }
    let mut buffer = [0u8; 4];
    let tags = jieba().tag(first.encode_utf8(&mut buffer), false);
    matches!(tags.as_slice(), [tag] if matches!(tag.tag, "a" | "b"))
}

/// Whether a word may be a person's name: two to four Han chars after a common surname.
pub(crate) fn looks_like_person(folded: &str) -> bool {
    let count = folded.chars().count();
    (2..=4).contains(&count) && folded.chars().next().is_some_and(|c| SURNAMES.contains(c))
}

/// Finds tagged proper nouns in the Han parts of `text`.
pub(crate) fn extract(text: &str) -> Vec<Found> {
    if !text.chars().any(is_han) {
        return Vec::new();
    }
    let folded = fold::fold_same_length(text);
    let tags = jieba().tag(&folded, true);
    // jieba counts chars; walk the text once to turn them into byte offsets.
    let mut offsets: Vec<usize> = folded.char_indices().map(|(i, _)| i).collect();
    offsets.push(folded.len());
    // Where the segmentation's words start and end (in chars): a name must
    // not cut a word in two.
    let mut boundaries = vec![false; offsets.len()];
    let mut word_at: Vec<Option<(usize, &str)>> = vec![None; offsets.len()];
    for tag in &tags {
        boundaries[tag.start] = true;
        boundaries[tag.end] = true;
        word_at[tag.start] = Some((tag.end - tag.start, tag.tag));
    }
    let dictionary = dictionary();
    let mut found = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        // jieba cuts a foreign name it does not know into pieces it tags as
        // names (阿那 + 克西曼 + 德, 叶甫 + 根尼, 沧 + 龙科): the pieces make one
        // name, and none is a name by itself.
        if let Some(run) = transliteration(&tags, i) {
            let (start, mut end) = (tags[i].start, tags[run - 1].end);
            // At times jieba glues the next word's char to the last piece (郭尔是).
            while end > start && folded[offsets[end - 1]..offsets[end]].starts_with(|c| NO_NAME_END.contains(c)) {
                end -= 1;
            }
            boundaries[start + 1..end].fill(false);
            let people = tags[i..run].iter().all(|t| matches!(t.tag, "nr" | "nrt" | "nrfg"));
            let kind = if people { TermKind::Person } else { TermKind::Unknown };
            found.push(Found { range: offsets[start]..offsets[end], kind, evidence: Evidence::Tagged });
            i = run;
            continue;
        }
        // A place and the direction of one of its stations or roads make
        // one name (上海 + 西站, 虹梅 + 南路): the second alone is no name.
        if let Some(next) = tags.get(i + 1)
            && is_direction_and_facility(next.word)
            && next.start == tags[i].end
            && tags[i].end - tags[i].start >= 2
            && tags[i].word.chars().all(is_han)
            && (tags[i].tag.starts_with('n') || tags[i].tag == "j")
        {
            found.push(Found {
                range: offsets[tags[i].start]..offsets[next.end],
                kind: TermKind::Place,
                evidence: Evidence::Tagged,
            });
            i += 2;
            continue;
        }
        let tag = &tags[i];
        let (mut start, mut end, mut word_tag) = (tag.start, tag.end, tag.tag);
        // jieba splits rare names after the surname: 蔡 + 崇信, 俞 + 永福.
        if end - start == 1
            && tag.word.chars().next().is_some_and(|c| SURNAMES.contains(c))
            && let Some(next) = tags.get(i + 1)
            && (1..=2).contains(&(next.end - next.start))
            && matches!(next.tag, "nr" | "nrt" | "nrfg" | "nz")
            && next.word.chars().all(is_han)
        {
            // The name is one word now: no dictionary name may cut it (崇信 in 蔡崇信).
            boundaries[end] = false;
            end = next.end;
            word_tag = "nr";
            i += 1;
        }
        i += 1;
        let range = offsets[start]..offsets[end];
        let word = &folded[range.clone()];
        let chars = end - start;
        start = range.start;
        // A name of the dictionary and the word for what kind of place it is
        // make one place's name (凤凰 + 古镇, 天山 + 公园): the segmentation
        // keeps them apart, and the name alone may be an ordinary word too
        // (凤凰 phoenix).
        if chars >= 2
            && let Some(next) = tags.get(i)
            && next.start == end
            && PLACE_SUFFIXES.contains(&next.word)
            && proper_noun_headwords().contains(word)
        {
            found.push(Found { range: start..offsets[next.end], kind: TermKind::Place, evidence: Evidence::Lexicon });
        }
        if chars == 1
            && let Some(nickname) = nickname(&tags, i - 1)
        {
            found.push(Found {
                range: offsets[nickname.start]..offsets[nickname.end],
                kind: TermKind::Person,
                evidence: Evidence::Tagged,
            });
        }
        if chars == 2
            && let [a, b] = word.chars().collect::<Vec<_>>()[..]
            && is_nickname(a, b)
        {
            found.push(Found { range: start..range.end, kind: TermKind::Person, evidence: Evidence::Tagged });
            continue;
        }
        if chars < 2 || !word.chars().all(is_han) || HAN_STOP_WORDS.contains(&word) {
            continue;
        }
        let kind = match word_tag {
            "nr" | "nrfg" if looks_like_person(word) && chars <= 3 => TermKind::Person,
            "nr" | "nrfg" => continue,
            "nt" => TermKind::Organization,
            "ns" => TermKind::Place,
            "nz" | "nrt" => TermKind::Unknown,
            // Plain nouns are kept as weak candidates: a romanization seen in
            // Latin text ("Hema" for 盒马) is what makes them names.
            t if (t.starts_with('n') || t == "j") && chars <= 4 => {
                found.push(Found { range: start..range.end, kind: TermKind::Unknown, evidence: Evidence::Word });
                continue;
            }
            _ => continue,
        };
        if has_function_edge(word) {
            continue;
        }
        // A word that the dictionary knows as an ordinary word (美丽
        // beautiful, 太阳 sun, 孙子 grandson) is no name by itself, whatever
        // the tagger says: it stays a weak candidate that only a link (a
        // romanization, a pattern) makes a term.
        if dictionary.has_common_sense(word) {
            // Unless the dictionary also lists it as a proper noun and the
            // tagger, independently, takes it for a place or a name in this
            // sentence (天池 the lake, beside "pool of heaven"): two
            // witnesses agree, and the corpus must still use it twice.
            let evidence = if matches!(word_tag, "ns" | "nz" | "nt") && proper_noun_headwords().contains(word) {
                Evidence::Lexicon
            } else {
                Evidence::Word
            };
            if chars <= 4 {
                found.push(Found { range: start..range.end, kind: TermKind::Unknown, evidence });
            }
            continue;
        }
        let kind = if ["集团", "公司", "银行", "大学", "研究院", "实验室"].iter().any(|s| word.ends_with(s))
        {
            TermKind::Organization
        } else {
            kind
        };
        found.push(Found { range: start..range.end, kind, evidence: Evidence::Tagged });
        // A name and the word for its company make the company's name
        // (阿里 + 集团, 阿里巴巴 + 集团): the segmentation keeps them apart.
        if let Some(next) = tags.get(i)
            && ORGANIZATION_SUFFIXES.contains(&next.word)
            && next.start == end
        {
            found.push(Found {
                range: start..offsets[next.end],
                kind: TermKind::Organization,
                evidence: Evidence::Tagged,
            });
        }
    }
    found.extend(dictionary_names(&folded, &offsets, &boundaries, &word_at));
    let chars: Vec<char> = folded.chars().collect();
    found.extend(crate::discover::new_words(&chars, &offsets, &boundaries, &word_at));
    found
}

/// Whether `word` is a direction and a station, a road, a street or a gate
/// (西站, 南路, 东门): the end of a place's name, no name by itself.
fn is_direction_and_facility(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(a), Some(b), None) if "东南西北".contains(a) && "站路街门".contains(b))
}

/// Chars that end no name: a verb or a particle jieba glued to one.
const NO_NAME_END: &str = "是的了在和与及说等于於";

/// The end (exclusive, in tags) of a foreign name that jieba cut into
/// pieces, if one starts at the `i`th tag: two pieces or more that touch,
/// each tagged as a name (or one char tagged as an abbreviation), no word
/// of the dictionary but a given name it transliterates (威廉 + 四世), one
/// of two chars at least that the dictionary lacks, three chars in all.
fn transliteration(tags: &[jieba_rs::Tag<'_>], i: usize) -> Option<usize> {
    let dictionary = dictionary();
    let piece = |t: &jieba_rs::Tag<'_>| {
        let chars = t.end - t.start;
        let named = matches!(t.tag, "nr" | "nrt" | "nrfg" | "ns" | "nz") || chars == 1 && t.tag == "j";
        named
            && t.word.chars().all(is_han)
            && if chars == 1 {
                !NO_NAME_END.contains(t.word)
            } else {
                // Not a word of the dictionary (美国, 城市), unless it only
                // transliterates a given name ("William (name)").
                dictionary.lookup(t.word).all(|entry| entry.senses().all(|sense| sense.ends_with("(name)")))
            }
    };
    let mut end = i;
    while end < tags.len() && piece(&tags[end]) && (end == i || tags[end].start == tags[end - 1].end) {
        end += 1;
    }
    // "-burg" (史 + 特拉斯 + 堡), which jieba takes for a noun's morpheme.
    if end > i && tags.get(end).is_some_and(|t| t.word == "堡" && t.start == tags[end - 1].end) {
        end += 1;
    }
    let pieces = &tags[i..end];
    let unknown = pieces.iter().any(|t| t.end - t.start >= 2 && dictionary.lookup(t.word).next().is_none());
    (pieces.len() >= 2 && unknown && tags[end - 1].end - tags[i].start >= 3).then_some(end)
}

/// Words that, after a place's name, make the name of a place (凤凰古镇).
const PLACE_SUFFIXES: &[&str] = &[
    "古镇",
    "古城",
    "公园",
    "机场",
    "车站",
    "广场",
    "大桥",
    "大学",
    "博物馆",
    "景区",
    "湖",
    "山",
    "岛",
    "河",
    "寺",
    "镇",
    "县",
    "市",
    "省",
];

/// Chars after a one-char given name that make a nickname of a person
/// (豪仔, 紅姐, 強哥), and chars before one (阿強).
const NICKNAME_SUFFIXES: &str = "仔姐哥嫂叔妹";
const NICKNAME_PREFIXES: &str = "阿";

/// Chars that make no nickname before a suffix: pronouns and determiners (他哥 is his brother).
const NOT_GIVEN_NAMES: &str = "他她你我它们們这這那每各其大小老二三四表堂亲親";

/// A nickname of two chars starting at the `i`th one-char word: a one-char
/// given name and a familiar suffix (豪仔, 紅姐), or 阿 and a name, that the
/// dictionary does not list as a word (姐姐, 阿姨 are words); the segmenter
/// cuts these in two.
fn nickname(tags: &[jieba_rs::Tag<'_>], i: usize) -> Option<std::ops::Range<usize>> {
    let (first, second) = (tags.get(i)?, tags.get(i + 1)?);
    if first.end - first.start != 1 || second.end - second.start != 1 || second.start != first.end {
        return None;
    }
    let (a, b) = (first.word.chars().next()?, second.word.chars().next()?);
    is_nickname(a, b).then_some(first.start..second.end)
}

/// Whether two chars make a nickname (see [`nickname`]).
fn is_nickname(a: char, b: char) -> bool {
    let shape =
        (NICKNAME_SUFFIXES.contains(b) && is_han(a) && !NOT_GIVEN_NAMES.contains(a) && !FUNCTION_CHARS.contains(a))
            || (NICKNAME_PREFIXES.contains(a) && is_han(b) && !FUNCTION_CHARS.contains(b));
    if !shape {
        return false;
    }
    let word: String = [a, b].iter().map(|&c| fold::simplified(c)).collect();
    dictionary().lookup(&word).next().is_none()
}

/// Words that, after a name, make the name of its company or group.
const ORGANIZATION_SUFFIXES: &[&str] = &["集团", "公司", "控股", "银行", "有限公司", "股份有限公司"];

/// Chars that make no edge of a name: conjunctions, prepositions and
/// particles that the segmentation may glue to one (和澳洲, 及安勒尼蘭).
const FUNCTION_CHARS: &str = "和及与與向的在从從于於对對把被将將为為了是由";

/// Whether a word starts or ends with a function char, when the rest is a
/// word of two chars or more.
fn has_function_edge(word: &str) -> bool {
    let folded: String = word.chars().map(fold::simplified).collect();
    let chars: Vec<char> = folded.chars().collect();
    let is_function = |c: char| FUNCTION_CHARS.contains(c);
    chars.len() >= 3 && (is_function(chars[0]) || is_function(chars[chars.len() - 1])) && {
        let dictionary = dictionary();
        dictionary.lookup(&folded).next().is_none()
    }
}

/// Whether a part-of-speech tag of the segmenter is one of grammar's:
/// prepositions, conjunctions, particles, adverbs, locatives, pronouns,
/// modal particles and interjections.
fn is_grammar_tag(tag: &str) -> bool {
    matches!(tag.chars().next(), Some('p' | 'c' | 'u' | 'd' | 'f' | 'r' | 'y' | 'e'))
}

/// The lengths, in chars, of the dictionary's names that `dictionary_names` finds.
const SHORTEST_NAME: usize = 2;
const LONGEST_NAME: usize = 8;

/// The Simplified headwords that CC-CEDICT lists as proper nouns, of
/// [`SHORTEST_NAME`] to [`LONGEST_NAME`] chars, built once.
/// `dictionary_names` probes every Han position of the corpus at every
/// length: one hash lookup per probe instead of a binary search over every
/// headword (which took over half of building a 10 MB corpus's index).
fn proper_noun_headwords() -> &'static HashSet<&'static str> {
    static HEADWORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    HEADWORDS.get_or_init(|| {
        dictionary()
            .entries()
            .filter(|entry| {
                // A gloss that is a common noun spelled with a capital names
                // nothing (互联网 "Internet").
                entry.is_proper_noun()
                    && entry.senses().any(|sense| {
                        sense_is_a_name(sense) && !dictionary().is_capitalized_common_noun(&sense.to_ascii_lowercase())
                    })
            })
            .map(|entry| entry.simplified)
            .filter(|word| (SHORTEST_NAME..=LONGEST_NAME).contains(&word.chars().count()))
            .collect()
    })
}

/// Whether a gloss of a proper-noun entry names something ("Lake Tianchi in
/// Xinjiang", "Muslim", "English (language)", "Youku, Chinese video hosting
/// platform"): up to a comma, it starts and ends on a capital once its
/// brackets are set aside. CC-CEDICT also capitalizes the
/// pinyin of words built on a name, whose glosses end on an ordinary word
/// ("Beijing resident", "Chinese cuisine", "whole territory of Hong Kong"):
/// those are no names.
fn sense_is_a_name(sense: &str) -> bool {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in sense.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    // What follows a comma describes the name ("Youku, Chinese video hosting
    // platform"); Han words are cross-references (湘西土家族苗族自治州).
    let name = plain.split([',', ';']).next().unwrap_or_default();
    // A month or a day of the week (七月 "July") is no name.
    if crate::extract_en::is_generic_capitalized(name.trim()) {
        return false;
    }
    let mut words = name.split_whitespace().filter(|word| word.chars().any(|c| c.is_ascii_alphabetic()));
    let capital = |word: &str| word.starts_with(|c: char| c.is_uppercase());
    words.next().is_some_and(capital) && words.next_back().is_none_or(capital)
}

/// Proper nouns that CC-CEDICT lists. Those on word boundaries of the
/// segmentation are names in their own right ([`Evidence::Lexicon`]) unless
/// the dictionary also knows them as ordinary words. Those of three chars or more are also looked for across
/// words, as weak candidates that only a link makes terms: jieba splits the
/// names it does not know (比拼多多 is 比拼 + 多多, not 比 + 拼多多). A name of
/// two chars must not cut a word (葉甫 in 葉甫根尼).
///
/// A name of two chars that the segmentation reads as two words of one char,
/// one of them a word of grammar, is no name there: 上都 (Shangdu) in
/// 包裹上都有 is 上 "on" + 都 "all".
fn dictionary_names(
    folded: &str,
    offsets: &[usize],
    boundaries: &[bool],
    word_at: &[Option<(usize, &str)>],
) -> Vec<Found> {
    let headwords = proper_noun_headwords();
    let chars: Vec<char> = folded.chars().collect();
    let mut found = Vec::new();
    let mut word = String::new();
    let mut i = 0;
    while i + SHORTEST_NAME <= chars.len() {
        let run = chars[i..].iter().take(LONGEST_NAME).take_while(|&&c| is_han(c)).count();
        let on_boundaries = |len: usize| boundaries[i] && boundaries[i + len];
        let name_len = (SHORTEST_NAME..=run).rev().find(|&len| {
            word.clear();
            word.extend(&chars[i..i + len]);
            (len > 2 || on_boundaries(len)) && headwords.contains(word.as_str())
        });
        match name_len {
            Some(len) => {
                word.clear();
                word.extend(&chars[i..i + len]);
                let grammar_word = |at: usize| matches!(word_at[at], Some((1, tag)) if is_grammar_tag(tag));
                let read_as_grammar = len == 2
                    && matches!((word_at[i], word_at[i + 1]), (Some((1, _)), Some((1, _))))
                    && (grammar_word(i) || grammar_word(i + 1));
                let evidence = if on_boundaries(len)
                    && !read_as_grammar
                    && !has_function_edge(&word)
                    && !dictionary().has_common_sense(&word)
                {
                    Evidence::Lexicon
                } else {
                    Evidence::Word
                };
                found.push(Found { range: offsets[i]..offsets[i + len], kind: TermKind::Unknown, evidence });
                i += len;
            }
            None => i += 1,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    fn check(text: &str, expect: Expect) {
        let found: Vec<String> = extract(text)
            .iter()
            .filter(|f| f.evidence != Evidence::Word)
            .map(|f| format!("{} {:?}", &text[f.range.clone()], f.kind))
            .collect();
        expect.assert_debug_eq(&found);
    }

    #[test]
    fn names_in_both_scripts_and_split_surnames() {
        check(
            "張勇說，蔡崇信接任董事局主席，俞永福退出。我们很敬畏客户。",
            expect![[r#"
                [
                    "張勇 Person",
                    "蔡崇信 Person",
                    "俞永福 Person",
                ]
            "#]],
        );
    }

    #[test]
    fn nicknames_and_names_of_places_with_their_kind() {
        check(
            "豪仔今晚來吃飯嗎？紅姐說好。我姐姐去了凤凰古镇。",
            expect![[r#"
                [
                    "豪仔 Person",
                    "紅姐 Person",
                    "凤凰古镇 Place",
                    "古镇 Place",
                ]
            "#]],
        );
    }

    #[test]
    fn a_foreign_name_cut_into_pieces_is_one_name() {
        // 阿那 + 克西曼 + 德, 葉甫 + 根尼, 克爾凱 + 郭爾是: the pieces are no names.
        // A name of one piece (泰勒斯, 奧涅金, 索倫) is not shaped like a
        // Chinese person's: the dictionary and the corpus decide.
        check(
            "米利都學派的代表有泰勒斯、阿那克西曼德。葉甫根尼·奧涅金是普希金的作品。索倫·克爾凱郭爾是丹麥哲學家。",
            expect![[r#"
                [
                    "米利都 Place",
                    "阿那克西曼德 Unknown",
                    "葉甫根尼 Person",
                    "克爾凱郭爾 Person",
                    "丹麥 Place",
                    "普希金 Unknown",
                    "丹麥 Unknown",
                ]
            "#]],
        );
    }

    #[test]
    fn a_place_and_the_direction_of_its_station_are_one_name() {
        check(
            "列车经上海西站开往南京。虹梅南路很长。",
            expect![[r#"
                [
                    "上海西站 Place",
                    "南京 Place",
                    "虹梅南路 Unknown",
                    "南京 Unknown",
                ]
            "#]],
        );
    }

    #[test]
    fn a_common_noun_the_segmenter_knows_is_no_new_word() {
        // 全境 (the whole territory) comes back among varied neighbours, but it
        // is a noun of the segmenter's dictionary.
        let found = extract(
            "本站位于市中心。旅客在本站换乘。本站设有两个站台。明年本站将扩建。\n\
             全境下雨。该国全境停电。他走遍全境。全境都有山。\n\
             我在天猫买书。天猫的货很多。他们说天猫很好。去天猫看看。\n",
        );
        assert!(found.iter().all(|f| f.evidence != Evidence::Discovered), "{found:?}");
    }

    #[test]
    fn an_ordinary_noun_after_a_modifier_is_no_name() {
        for phrase in ["大模型", "新能源", "全渠道"] {
            assert!(is_modified_common_noun(phrase), "{phrase}");
        }
        // Names: the rest is one char, no word, or the whole a dictionary name;
        // 逍遥子 ends on a suffix.
        for name in ["天猫", "小米", "大润发", "新东方", "逍遥子", "阿里云", "饿了么"] {
            assert!(!is_modified_common_noun(name), "{name}");
        }
    }

    #[test]
    fn a_dictionary_name_read_as_words_of_grammar_is_no_name() {
        // FIXME: 上都 in 忽必烈在上都登基 is the city, read by the segmenter as
        // 上 + 都 as well: lost with the fragment of 包裹上都有.
        check(
            "每一個包裹上都有一個標籤。忽必烈在上都登基。",
            expect![[r#"
                [
                    "忽必烈 Unknown",
                ]
            "#]],
        );
    }
}
