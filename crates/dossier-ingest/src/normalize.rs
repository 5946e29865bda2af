//! The normalized matching text and its alignment map back to the decoded text.
//!
//! Normalization, in order, per normalization segment (a starter and the
//! characters that may combine with it):
//!
//! 1. NFKC (so full-width forms, ligatures like `ﬁ` and compatibility
//!    characters become their plain forms);
//! 2. lowercase (all cased scripts, not only Latin: `İ` becomes `i̇`, `Ω`
//!    becomes `ω`); Traditional Chinese is *not* folded to Simplified;
//! 3. typographic punctuation folded to ASCII: curly and corner quotes to `"`
//!    and `'`, dashes to `-`, `。` to `.`, `、` to `,`;
//! 4. zero-width, bidi, variation-selector and control characters removed;
//! 5. every run of white space folded to one space, or to one `\n` when the
//!    run holds two or more line breaks, so paragraph breaks survive.
//!
//! Each segment's output is one chunk of the alignment map; a chunk whose
//! output is byte-for-byte as long as its input and a single character (or
//! ASCII) is mapped linearly, anything else maps as a whole. Segments are
//! normalized on their own, which is exact because a segment boundary is only
//! placed before a starter that cannot compose with what precedes it.

use std::iter;
use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use crate::text_map::PiecewiseMap;

/// The normalized matching text: NFKC, zero-width and control characters
/// removed, white space folded, curly quotes and full-width punctuation folded,
/// case-folded. Never shown to the user as the document.
///
/// White space runs become one space, or one `\n` when they hold a paragraph
/// break (two or more line breaks).
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The normalized text itself.
    pub text: String,
    /// Normalized offsets → [`crate::Document::text`] offsets.
    map: PiecewiseMap,
}

impl Normalized {
    /// Normalizes `text` and records where every piece of the result came from.
    pub fn new(text: &str) -> Self {
        let mut normalizer = Normalizer { text, output: String::with_capacity(text.len()), ..Normalizer::default() };
        normalizer.run();
        let Normalizer { output, mut map, .. } = normalizer;
        map.finish(text.len());
        Normalized { text: output, map }
    }

    /// Maps a byte range of the normalized text to the smallest byte range of
    /// [`crate::Document::text`] that produced it, on char boundaries. Monotonic:
    /// `a.start <= b.start` implies `to_text(a).start <= to_text(b).start`.
    /// Offsets inside a character widen to the whole character; offsets past
    /// the end clamp to the end.
    pub fn to_text(&self, normalized: Range<usize>) -> Range<usize> {
        let start = floor_char_boundary(&self.text, normalized.start);
        let end = ceil_char_boundary(&self.text, normalized.end.max(normalized.start));
        self.map.map_range(start..end)
    }

    /// The number of breakpoints in the alignment map (a measure of its size:
    /// each takes 12 bytes).
    pub fn alignment_breakpoints(&self) -> usize {
        self.map.breakpoint_count()
    }
}

/// The largest char boundary of `text` at or before `offset` (clamped to the end).
pub(crate) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The smallest char boundary of `text` at or after `offset` (clamped to the end).
pub(crate) fn ceil_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

#[derive(Default)]
struct Normalizer<'a> {
    text: &'a str,
    output: String,
    map: PiecewiseMap,
    /// The white space run being collected, if any.
    white_space: Option<WhiteSpaceRun>,
    /// Scratch buffer for one segment's output.
    buffer: String,
}

struct WhiteSpaceRun {
    range: Range<usize>,
    line_breaks: usize,
    after_carriage_return: bool,
}

impl Normalizer<'_> {
    fn run(&mut self) {
        let text = self.text;
        let mut position = 0;
        while position < text.len() {
            let plain_run = plain_run_len(&text[position..]);
            if plain_run > 0 {
                self.plain_run(position..position + plain_run);
                position += plain_run;
                continue;
            }
            let mut chars = text[position..].char_indices().map(|(offset, c)| (position + offset, c)).peekable();
            let Some((start, first)) = chars.next() else { break };
            let mut end = start + first.len_utf8();
            while let Some(&(next_start, next)) = chars.peek() {
                if starts_segment(next) {
                    break;
                }
                end = next_start + next.len_utf8();
                chars.next();
            }
            if end == start + first.len_utf8() {
                self.single_char(first, start..end);
            } else {
                self.segment(start..end);
            }
            position = end;
        }
        self.flush_white_space();
    }

    /// The fast path for English and CJK: printable ASCII is only
    /// lowercased and ideographs, kana and Hangul syllables stay as they
    /// are, a whole run at a time.
    fn plain_run(&mut self, range: Range<usize>) {
        self.flush_white_space();
        let start = self.output.len();
        self.output.push_str(&self.text[range.clone()]);
        self.output[start..].make_ascii_lowercase();
        self.map.push(range.len(), range, true);
    }

    fn single_char(&mut self, c: char, range: Range<usize>) {
        if is_stable_punctuation(c) {
            // Not white space, not removed and not cased (a test checks):
            // only folded, without the case tables' search.
            self.buffer.clear();
            self.buffer.push(fold_punctuation(c).unwrap_or(c));
            self.emit(range);
        } else if c.is_whitespace() {
            self.white_space(c, range);
        } else if is_removed(c) {
            // Invisible: produces nothing, and a white space run goes on
            // across it.
        } else if c.is_ascii() {
            self.buffer.clear();
            self.buffer.push(c.to_ascii_lowercase());
            self.emit(range);
        } else if let Some(ascii) = full_width_ascii(c) {
            // NFKC's answer for the full-width forms, without its iterator.
            self.buffer.clear();
            push_folded(&mut self.buffer, ascii);
            self.emit(range);
        } else if is_nfkc_quick(iter::once(c)) == IsNormalized::Yes {
            self.buffer.clear();
            push_folded(&mut self.buffer, c);
            self.emit(range);
        } else {
            self.segment(range);
        }
    }

    fn segment(&mut self, range: Range<usize>) {
        self.buffer.clear();
        for c in self.text[range.clone()].nfkc() {
            push_folded(&mut self.buffer, c);
        }
        if !self.buffer.is_empty() && self.buffer.chars().all(char::is_whitespace) {
            // NFKC turned the segment into white space (no-break space,
            // ideographic space): it joins the surrounding run.
            let c = self.text[range.clone()].chars().next().unwrap_or(' ');
            self.white_space(c, range);
        } else {
            self.emit(range);
        }
    }

    /// Appends the buffer as the normalized form of `range`.
    fn emit(&mut self, range: Range<usize>) {
        if self.buffer.is_empty() {
            return;
        }
        self.flush_white_space();
        let source = &self.text[range.clone()];
        // Linear only when every char boundary on one side is one on the
        // other: `ﬃ` → `ffi` has the same length but not the same boundaries.
        let linear = self.buffer.len() == source.len()
            && ((self.buffer.is_ascii() && source.is_ascii())
                || (self.buffer.chars().nth(1).is_none() && source.chars().nth(1).is_none()));
        self.output.push_str(&self.buffer);
        self.map.push(self.buffer.len(), range, linear);
    }

    fn white_space(&mut self, c: char, range: Range<usize>) {
        let run = self.white_space.get_or_insert(WhiteSpaceRun {
            range: range.clone(),
            line_breaks: 0,
            after_carriage_return: false,
        });
        run.range.end = range.end;
        run.line_breaks += match c {
            '\n' if run.after_carriage_return => 0,
            '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' => 1,
            '\u{2029}' => 2,
            _ => 0,
        };
        run.after_carriage_return = c == '\r';
    }

    fn flush_white_space(&mut self) {
        let Some(run) = self.white_space.take() else { return };
        let folded = if run.line_breaks >= 2 { "\n" } else { " " };
        let linear = self.text.get(run.range.clone()) == Some(folded);
        self.output.push_str(folded);
        self.map.push(folded.len(), run.range, linear);
    }
}

/// The length of the run of plain characters ([`is_plain`]), and of single
/// spaces between printable ASCII, at the start of `text`, leaving out its last character when what follows does not start a
/// normalization segment (a combining mark, a voicing mark after kana, a
/// trailing jamo after a Hangul syllable: they may compose with it).
fn plain_run_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut run = 0;
    let mut last_len = 0;
    while run < bytes.len() {
        let byte = bytes[run];
        if byte.is_ascii_graphic() {
            run += 1;
            last_len = 1;
            // English text eight bytes at a time, then the rest of the word.
            while let Some(word) = crate::ascii::word_at(bytes, run)
                && crate::ascii::is_plain_ascii(word)
            {
                run += 8;
            }
            while run < bytes.len() && bytes[run].is_ascii_graphic() {
                run += 1;
            }
            continue;
        }
        // A single space between two printable characters stays a space:
        // the run goes on across it (a run never starts with one, so a
        // white space run before it has been flushed).
        if byte == b' ' && run > 0 && bytes.get(run + 1).is_some_and(u8::is_ascii_graphic) {
            run += 1;
            last_len = 1;
            continue;
        }
        // CJK Unified Ideographs from their UTF-8 bytes (lead byte E5 to
        // E9, or E4 with a second byte from B8), without decoding them.
        if (0xE5..=0xE9).contains(&byte) || (byte == 0xE4 && bytes[run + 1] >= 0xB8) {
            run += 3;
            last_len = 3;
            continue;
        }
        let Some(c) = text[run..].chars().next() else { break };
        if !is_plain(c) {
            if !starts_segment(c) {
                run -= last_len;
            }
            break;
        }
        run += c.len_utf8();
        last_len = c.len_utf8();
    }
    run
}

/// Characters that normalization leaves alone, apart from lowercasing
/// ASCII: printable ASCII but the space, CJK Unified Ideographs (base and
/// extension A), Hiragana and Katakana letters, and Hangul syllables. All
/// are starters, NFKC-stable and uncased, and none is folded or removed.
fn is_plain(c: char) -> bool {
    c.is_ascii_graphic()
        || matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{AC00}'..='\u{D7A3}')
}

/// The ASCII character a full-width form (`！` to `～`) stands for, which is
/// what NFKC makes of it.
fn full_width_ascii(c: char) -> Option<char> {
    matches!(c, '\u{FF01}'..='\u{FF5E}').then(|| char::from_u32(c as u32 - 0xFEE0)).flatten()
}

/// Whether a normalization segment starts at `c`: `c` is a starter that
/// cannot compose with a preceding character (NFKC quick check not "maybe").
/// The characters of ordinary Chinese text are answered without searching
/// the Unicode tables (two binary searches per character).
fn starts_segment(c: char) -> bool {
    is_plain(c)
        || is_stable_punctuation(c)
        || full_width_ascii(c).is_some()
        || c.is_ascii()
        || decomposition_starts_segment(c)
}

/// The slow answer of [`starts_segment`]: the first character of `c`'s
/// compatibility decomposition is a starter that cannot compose with what
/// precedes it. Checking `c` itself is not enough: the half-width jamo `ￊ`
/// is a starter whose decomposition `ᅧ` composes with a leading jamo before
/// it (`ﾡￊ` is `겨` in NFKC).
fn decomposition_starts_segment(c: char) -> bool {
    let mut first = None;
    unicode_normalization::char::decompose_compatible(c, |d| {
        first.get_or_insert(d);
    });
    let first = first.unwrap_or(c);
    canonical_combining_class(c) == 0
        && canonical_combining_class(first) == 0
        && is_nfkc_quick(iter::once(c)) != IsNormalized::Maybe
        && is_nfkc_quick(iter::once(first)) != IsNormalized::Maybe
}

/// Punctuation of Chinese and Japanese text that NFKC leaves alone and that
/// combines with nothing: the CJK symbols and punctuation block to `〩`
/// (`、` `。` `《` `》` `「` `」` `【` `】`), dashes and quotes (`—` `“` `”`), bullets,
/// `‰`, primes and the middle dot. Saves the quick check's binary search on
/// every punctuation mark of a Chinese text; a test checks each one.
fn is_stable_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{3001}'..='\u{3029}'
            | '\u{2012}'..='\u{2016}'
            | '\u{2018}'..='\u{2023}'
            | '\u{2027}'
            | '\u{2030}'..='\u{2032}'
            | '\u{00B7}'
    )
}

/// Characters dropped from the matching text: invisible formatting and
/// controls (white space controls are handled as white space before this).
fn is_removed(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
    ) || c.is_control()
}

/// Lowercases `c`, folds typographic punctuation and drops removed characters.
fn push_folded(buffer: &mut String, c: char) {
    for lower in c.to_lowercase() {
        if let Some(folded) = fold_punctuation(lower) {
            buffer.push(folded);
        } else if !is_removed(lower) {
            buffer.push(lower);
        }
    }
}

/// ASCII stand-ins for typographic and CJK punctuation that NFKC keeps.
fn fold_punctuation(c: char) -> Option<char> {
    Some(match c {
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{301D}' | '\u{301E}' | '\u{301F}' | '「' | '」'
        | '『' | '』' | '«' | '»' => '"',
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '‹' | '›' => '\'',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '。' | '｡' => '.',
        '、' | '､' => ',',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    /// Shows the normalized text and, for each normalized char, the text it maps back to.
    fn check(input: &str, expect: Expect) {
        let normalized = Normalized::new(input);
        let mut pieces = Vec::new();
        for (start, c) in normalized.text.char_indices() {
            let text_range = normalized.to_text(start..start + c.len_utf8());
            pieces.push(format!("{c:?}<-{:?}", &input[text_range]));
        }
        expect.assert_eq(&format!("{:?}\n{}", normalized.text, pieces.join(" ")));
    }

    #[test]
    fn shortcuts_agree_with_the_unicode_tables() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let is_starter = canonical_combining_class(c) == 0;
            let quick = is_nfkc_quick(iter::once(c));
            if is_stable_punctuation(c) {
                assert!(is_starter && quick == IsNormalized::Yes, "{c:?}");
                assert!(!c.is_whitespace() && !is_removed(c), "{c:?}");
                assert!(c.to_lowercase().eq([c]), "{c:?}");
            }
            let first: Option<char> = iter::once(c).nfkd().next();
            let first_composes = first.is_some_and(|first| {
                canonical_combining_class(first) != 0 || is_nfkc_quick(iter::once(first)) == IsNormalized::Maybe
            });
            let slow_starts_segment = c.is_ascii() || (is_starter && quick != IsNormalized::Maybe && !first_composes);
            assert_eq!(starts_segment(c), slow_starts_segment, "{c:?}");
        }
    }

    #[test]
    fn ascii_is_lowercased_linearly() {
        check(
            "Hi, Bob",
            expect![[r#"
                "hi, bob"
                'h'<-"H" 'i'<-"i" ','<-"," ' '<-" " 'b'<-"B" 'o'<-"o" 'b'<-"b""#]],
        );
    }

    #[test]
    fn white_space_runs_fold_and_paragraphs_survive() {
        check(
            "a \t b\r\nc\r\n\r\nd",
            expect![[r#"
                "a b c\nd"
                'a'<-"a" ' '<-" \t " 'b'<-"b" ' '<-"\r\n" 'c'<-"c" '\n'<-"\r\n\r\n" 'd'<-"d""#]],
        );
    }

    #[test]
    fn zero_width_and_soft_hyphen_are_removed() {
        check(
            "co\u{AD}op\u{200B}er\u{FEFF}",
            expect![[r#"
                "cooper"
                'c'<-"c" 'o'<-"o" 'o'<-"o" 'p'<-"p" 'e'<-"e" 'r'<-"r""#]],
        );
    }

    #[test]
    fn nfkc_full_width_and_ligatures() {
        check(
            "ＡＢ１！ﬁ",
            expect![[r#"
                "ab1!fi"
                'a'<-"Ａ" 'b'<-"Ｂ" '1'<-"１" '!'<-"！" 'f'<-"ﬁ" 'i'<-"ﬁ""#]],
        );
    }

    #[test]
    fn dotted_capital_i_changes_length() {
        check(
            "İx",
            expect![[r#"
                "i\u{307}x"
                'i'<-"İ" '\u{307}'<-"İ" 'x'<-"x""#]],
        );
    }

    #[test]
    fn ligature_of_same_length_maps_as_a_whole() {
        check(
            "ﬃ",
            expect![[r#"
            "ffi"
            'f'<-"ﬃ" 'f'<-"ﬃ" 'i'<-"ﬃ""#]],
        );
    }

    #[test]
    fn combining_marks_compose() {
        check(
            "e\u{301}!",
            expect![[r#"
                "é!"
                'é'<-"e\u{301}" '!'<-"!""#]],
        );
    }

    #[test]
    fn chinese_punctuation_and_quotes_fold() {
        check(
            "“張勇”說：「好」。",
            expect![[r#"
                "\"張勇\"說:\"好\"."
                '"'<-"“" '張'<-"張" '勇'<-"勇" '"'<-"”" '說'<-"說" ':'<-"：" '"'<-"「" '好'<-"好" '"'<-"」" '.'<-"。""#]],
        );
    }

    /// `plain_run_len` as it was before it read eight bytes at a time.
    fn plain_run_len_byte_by_byte(text: &str) -> usize {
        let bytes = text.as_bytes();
        let mut run = 0;
        let mut last_len = 0;
        while run < bytes.len() {
            let byte = bytes[run];
            if byte.is_ascii_graphic() {
                run += 1;
                last_len = 1;
                continue;
            }
            if byte == b' ' && run > 0 && bytes.get(run + 1).is_some_and(u8::is_ascii_graphic) {
                run += 1;
                last_len = 1;
                continue;
            }
            let Some(c) = text[run..].chars().next() else { break };
            if !is_plain(c) {
                if !starts_segment(c) {
                    run -= last_len;
                }
                break;
            }
            run += c.len_utf8();
            last_len = c.len_utf8();
        }
        run
    }

    proptest::proptest! {
        #[test]
        fn plain_runs_are_the_byte_by_byte_runs(
            text in r"([a-zA-Z]{1,12}|[ .,~\t\n\x7F]{1,3}|\u{301}|\u{3099}|\PC|[\u{3400}-\u{A000}])*"
        ) {
            for (start, _) in text.char_indices() {
                proptest::prop_assert_eq!(plain_run_len(&text[start..]), plain_run_len_byte_by_byte(&text[start..]));
            }
        }
    }

    #[test]
    fn plain_characters_are_what_the_slow_path_makes_of_them() {
        // The fast path may skip NFKC and folding only where they would
        // change nothing but ASCII case.
        let plain = ('\u{20}'..='\u{FFFF}').filter(|&c| is_plain(c));
        for c in plain {
            let mut slow = String::new();
            for normalized in iter::once(c).nfkc() {
                push_folded(&mut slow, normalized);
            }
            assert_eq!(slow, c.to_ascii_lowercase().to_string(), "{c:?}");
            assert!(starts_segment(c), "{c:?}");
        }
    }

    #[test]
    fn full_width_forms_are_what_nfkc_makes_of_them() {
        for c in '\u{FF01}'..='\u{FF5E}' {
            let nfkc: String = iter::once(c).nfkc().collect();
            assert_eq!(full_width_ascii(c).map(String::from), Some(nfkc), "{c:?}");
        }
    }

    #[test]
    fn kana_before_a_combining_voicing_mark_composes() {
        check(
            "かか\u{3099}",
            expect![[r#"
                "かが"
                'か'<-"か" 'が'<-"か\u{3099}""#]],
        );
    }

    #[test]
    fn half_width_jamo_compose_across_their_decomposition() {
        check(
            "\u{FFA1}\u{FFCA}",
            expect![[r#"
                "겨"
                '겨'<-"ﾡￊ""#]],
        );
    }

    #[test]
    fn han_and_full_width_punctuation_fold_in_one_pass() {
        check(
            "阿里CEO，張勇！",
            expect![[r#"
                "阿里ceo,張勇!"
                '阿'<-"阿" '里'<-"里" 'c'<-"C" 'e'<-"E" 'o'<-"O" ','<-"，" '張'<-"張" '勇'<-"勇" '!'<-"！""#]],
        );
    }

    #[test]
    fn ideographic_space_joins_white_space() {
        check(
            "a\u{3000} b",
            expect![[r#"
                "a b"
                'a'<-"a" ' '<-"\u{3000} " 'b'<-"b""#]],
        );
    }
}
