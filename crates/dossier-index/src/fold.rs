//! Folding text to matching keys: the same normalization the ingest normalizer
//! applies (NFKC, case, quotes, white space), plus Traditional → Simplified
//! folding of Han characters, so that 張勇 and 张勇 share one key.
//!
//! Two flavours: [`key`] folds a short alias with the ingest
//! normalizer itself, while
//! [`fold_same_length`] folds a whole text char by char without ever
//! changing a char's UTF-8 length, so byte offsets in the folded text are byte
//! offsets in the text it came from. Both fold the words CC-CEDICT lists
//! with a Simplified form other than the char-by-char one as whole words
//! (乾旱 is 干旱, though 乾 alone folds to itself).

use dossier_ingest::{Normalized, han};

use crate::dictionary::dictionary;

/// The matching key of a short text (an alias or a query): normalized
/// exactly as the ingest normalizer normalizes documents (NFKC, lower case,
/// ASCII quotes, single spaces), trimmed, with Han folded to Simplified.
pub(crate) fn key(text: &str) -> String {
    let normalized = Normalized::new(text).text;
    let chars: Vec<char> = normalized.trim().chars().collect();
    fold_chars(&chars, normalized.len(), |c| if is_han(c) { simplified(c) } else { c })
}

/// Folds `chars`: the dictionary's words whole (see [`fold_word`]), every
/// other char through `fold_char`.
fn fold_chars(chars: &[char], capacity: usize, fold_char: impl Fn(char) -> char) -> String {
    let mut folded = String::with_capacity(capacity);
    let mut i = 0;
    while i < chars.len() {
        if let Some((len, simplified)) = fold_word(&chars[i..]) {
            folded.push_str(simplified);
            i += len;
            continue;
        }
        folded.push(fold_char(chars[i]));
        i += 1;
    }
    folded
}

/// The dictionary's Simplified form of the Han word starting `chars`, when
/// it differs from the char-by-char fold (乾旱 is 干旱).
fn fold_word(chars: &[char]) -> Option<(usize, &'static str)> {
    if !chars.first().is_some_and(|&c| is_han(c)) {
        return None;
    }
    dictionary().fold_word(chars)
}

/// Folds a text char by char (lower case, Simplified Han) where the folded
/// char has the same UTF-8 length, so offsets stay valid.
pub(crate) fn fold_same_length(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    // Dictionary words fold char for char to chars of the same length.
    fold_chars(&chars, text.len(), |c| {
        let f = if is_han(c) {
            simplified(c)
        } else if c.is_uppercase() {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        } else {
            c
        };
        if f.len_utf8() == c.len_utf8() { f } else { c }
    })
}

/// The Simplified form of one Han character (itself when it has none or
/// when the fold is not one character long).
pub(crate) fn simplified(c: char) -> char {
    let simplified = han::to_simplified(c);
    if simplified.len_utf8() == c.len_utf8() { simplified } else { c }
}
/// Lower-case ASCII letters only: the key romanizations are compared on
/// ("Wu Yongming", "wu-yongming" and "WuYongming" agree; so do "Ele.me" and "eleme").
pub(crate) fn letters_key(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase()).collect()
}

pub(crate) use dossier_ingest::han::is_han;

/// A letter or digit of an alphabetic script: the chars that need word boundaries.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c) && !is_kana_or_hangul(c)
}

fn is_kana_or_hangul(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0xac00..=0xd7af | 0x1100..=0x11ff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_space_quotes_and_han_variants() {
        assert_eq!(key("  Singles’  Day "), "singles' day");
        assert_eq!(key("張勇"), key("张勇"));
        assert_eq!(key("雙11"), "双11");
        assert_eq!(key("阿里雲"), "阿里云");
        assert_eq!(key("ＡＩＤＣ"), "aidc");
        assert_eq!(key("乾旱"), "干旱", "a word the dictionary folds");
        assert_eq!(key("乾隆"), "乾隆");
    }

    #[test]
    fn same_length_fold_keeps_offsets() {
        let text = "張勇說 Ant Financial’s 淘寶";
        let folded = fold_same_length(text);
        assert_eq!(folded.len(), text.len());
        assert_eq!(folded, "张勇说 ant financial’s 淘宝");
    }

    #[test]
    fn han_folds_as_zhconv_folds_one_char() {
        // What folding did before it used `dossier_ingest::han`: zhconv on
        // one char, kept when it is one char of the same UTF-8 length.
        let zhconv_fold = |c: char| {
            let folded = zhconv::zhconv(c.encode_utf8(&mut [0; 4]), zhconv::Variant::ZhHans);
            let mut chars = folded.chars();
            match (chars.next(), chars.next()) {
                (Some(s), None) if s.len_utf8() == c.len_utf8() => s,
                _ => c,
            }
        };
        let han_chars = (0..=char::MAX as u32).filter_map(char::from_u32).filter(|&c| is_han(c));
        for c in han_chars {
            assert_eq!(simplified(c), zhconv_fold(c), "{c:?}");
        }
        assert_eq!(simplified('㗲'), '㗲', "𠵾 is longer in UTF-8");
    }
}
