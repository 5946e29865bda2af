//! Splitting text into runs of one writing system.
//!
//! Every character is classified by its Unicode script. Characters of no
//! particular script (punctuation, digits, spaces: `Common`; combining marks:
//! `Inherited`) attach to the run before them, or to the first run when they
//! lead the text, so runs cover the text without gaps.

use std::ops::Range;

use unicode_script::{Script, UnicodeScript};

/// The writing systems Dossier tells apart. Hiragana and Katakana are one
/// class, since Japanese mixes them freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ScriptClass {
    /// Chinese characters (also used by Japanese).
    Han,
    /// Hiragana and Katakana.
    Kana,
    /// Korean Hangul.
    Hangul,
    /// Latin letters.
    Latin,
    /// Cyrillic letters.
    Cyrillic,
    /// Arabic script (Arabic, Persian, Urdu).
    Arabic,
    /// Hebrew script.
    Hebrew,
    /// Greek letters.
    Greek,
    /// Devanagari (Hindi, Marathi, Nepali).
    Devanagari,
    /// Thai script.
    Thai,
    /// Any other script.
    Other,
    /// Only punctuation, digits, symbols and spaces: the whole text had no
    /// character of a particular script.
    Common,
}

impl ScriptClass {
    /// Classifies one character; `None` for characters of no particular
    /// script (`Common`, `Inherited`, unassigned).
    pub fn of(c: char) -> Option<ScriptClass> {
        if c.is_ascii() {
            return c.is_ascii_alphabetic().then_some(ScriptClass::Latin);
        }
        // The common blocks of Chinese text, without the script table's
        // binary search: the Han ideographs, and the general, CJK and
        // full-width punctuation around them (all Common, or Inherited for
        // the zero-width joiners).
        if crate::han::is_han(c) {
            return Some(ScriptClass::Han);
        }
        match c {
            '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}' | '\u{FF01}'..='\u{FF20}' => {
                return None;
            }
            _ => {}
        }
        Some(match c.script() {
            Script::Han => ScriptClass::Han,
            Script::Hiragana | Script::Katakana => ScriptClass::Kana,
            Script::Hangul => ScriptClass::Hangul,
            Script::Latin => ScriptClass::Latin,
            Script::Cyrillic => ScriptClass::Cyrillic,
            Script::Arabic => ScriptClass::Arabic,
            Script::Hebrew => ScriptClass::Hebrew,
            Script::Greek => ScriptClass::Greek,
            Script::Devanagari => ScriptClass::Devanagari,
            Script::Thai => ScriptClass::Thai,
            Script::Common => {
                // The prolonged sound mark `ー` and the Katakana middle dot are
                // Common but only ever used with kana.
                let extension = c.script_extension();
                if extension.contains_script(Script::Katakana) && !extension.contains_script(Script::Han) {
                    ScriptClass::Kana
                } else {
                    return None;
                }
            }
            Script::Inherited | Script::Unknown => return None,
            _ => ScriptClass::Other,
        })
    }
}

/// A stretch of text in one writing system, with the punctuation, digits and
/// spaces that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptRun {
    /// The writing system.
    pub script: ScriptClass,
    /// Byte range in the text.
    pub range: Range<usize>,
}

/// Splits `text` into script runs covering it in order. Empty text has no
/// runs; text without any letter of a script is one [`ScriptClass::Common`] run.
pub fn script_runs(text: &str) -> Vec<ScriptRun> {
    let bytes = text.as_bytes();
    let mut runs: Vec<ScriptRun> = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        // The two commonest cases read from the bytes, without decoding a
        // char: ASCII, and CJK Unified Ideographs (U+4E00 to U+9FFF: lead
        // byte E5 to E9, or E4 with a second byte from B8).
        let byte = bytes[index];
        let (script, len) = if byte < 0x80 {
            (byte.is_ascii_alphabetic().then_some(ScriptClass::Latin), 1)
        } else if (0xE5..=0xE9).contains(&byte) || (byte == 0xE4 && bytes[index + 1] >= 0xB8) {
            (Some(ScriptClass::Han), 3)
        } else {
            let c = text[index..].chars().next().expect("index is on a char boundary");
            (ScriptClass::of(c), c.len_utf8())
        };
        if let Some(script) = script {
            match runs.last_mut() {
                Some(last) if last.script == script => {}
                Some(last) => {
                    last.range.end = index;
                    runs.push(ScriptRun { script, range: index..index });
                }
                // Leading neutral characters join the first run.
                None => runs.push(ScriptRun { script, range: 0..index }),
            }
        }
        index += len;
        // Inside a Latin run no ASCII byte can end it (letters are Latin,
        // the rest neutral), nor, inside a Han run, an ideograph: skip them
        // in a tight loop.
        match runs.last().map(|run| run.script) {
            Some(ScriptClass::Latin) => index += crate::ascii::ascii_prefix_len(&bytes[index..]),
            Some(ScriptClass::Han) => {
                while index + 1 < bytes.len()
                    && ((0xE5..=0xE9).contains(&bytes[index]) || (bytes[index] == 0xE4 && bytes[index + 1] >= 0xB8))
                {
                    index += 3;
                }
            }
            _ => {}
        }
    }
    match runs.last_mut() {
        Some(last) => last.range.end = text.len(),
        None if !text.is_empty() => runs.push(ScriptRun { script: ScriptClass::Common, range: 0..text.len() }),
        None => {}
    }
    runs
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    fn check(text: &str, expect: Expect) {
        let runs: Vec<String> =
            script_runs(text).iter().map(|run| format!("{:?} {:?}", run.script, &text[run.range.clone()])).collect();
        expect.assert_eq(&runs.join("\n"));
    }

    #[test]
    fn shortcut_ranges_agree_with_the_script_table() {
        let ranges = [
            '\u{4E00}'..='\u{9FFF}',
            '\u{2000}'..='\u{206F}',
            '\u{3000}'..='\u{3004}',
            '\u{3008}'..='\u{3020}',
            '\u{FF01}'..='\u{FF20}',
        ];
        for c in ranges.into_iter().flatten() {
            let from_table = match c.script() {
                Script::Han => Some(ScriptClass::Han),
                Script::Common | Script::Inherited | Script::Unknown => None,
                other => panic!("{c:?} is {other:?}"),
            };
            assert_eq!(ScriptClass::of(c), from_table, "{c:?}");
        }
    }

    /// Script runs as they were found before the byte-level shortcuts: one
    /// `ScriptClass::of` per char.
    fn script_runs_char_by_char(text: &str) -> Vec<ScriptRun> {
        let mut runs: Vec<ScriptRun> = Vec::new();
        for (index, c) in text.char_indices() {
            let Some(script) = ScriptClass::of(c) else { continue };
            match runs.last_mut() {
                Some(last) if last.script == script => {}
                Some(last) => {
                    last.range.end = index;
                    runs.push(ScriptRun { script, range: index..index });
                }
                None => runs.push(ScriptRun { script, range: 0..index }),
            }
        }
        match runs.last_mut() {
            Some(last) => last.range.end = text.len(),
            None if !text.is_empty() => runs.push(ScriptRun { script: ScriptClass::Common, range: 0..text.len() }),
            None => {}
        }
        runs
    }

    proptest::proptest! {
        #[test]
        fn byte_shortcuts_find_the_runs_chars_find(text in "([a-z ,.]|\\PC|[\u{3400}-\u{A000}]|[\u{3000}-\u{30FF}])*") {
            proptest::prop_assert_eq!(script_runs(&text), script_runs_char_by_char(&text));
        }
    }

    #[test]
    fn byte_shortcuts_agree_on_every_char() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let text = format!("a{c}b{c}");
            assert_eq!(script_runs(&text), script_runs_char_by_char(&text), "{c:?}");
        }
    }

    #[test]
    fn empty_text_has_no_runs() {
        check("", expect![[""]]);
    }

    #[test]
    fn digits_only_are_common() {
        check("2025 05/13", expect![[r#"Common "2025 05/13""#]]);
    }

    #[test]
    fn chinese_with_english() {
        check(
            "很 MAGA —— Make Alibaba Great Again，让阿里",
            expect![[r#"
                Han "很 "
                Latin "MAGA —— Make Alibaba Great Again，"
                Han "让阿里""#]],
        );
    }

    #[test]
    fn japanese_kanji_and_kana() {
        check(
            "「東京タワー」へ行きました。",
            expect![[r#"
                Han "「東京"
                Kana "タワー」へ"
                Han "行"
                Kana "きました。""#]],
        );
    }

    #[test]
    fn combining_marks_stay_with_their_letter() {
        check(
            "Cafe\u{301} Привет",
            expect![[r#"
                Latin "Cafe\u{301} "
                Cyrillic "Привет""#]],
        );
    }
}
