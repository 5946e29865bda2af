//! Simplified and Traditional Chinese, one character at a time.
//!
//! The character tables of `zhconv` (OpenCC's `STCharacters` and
//! `TSCharacters`, flattened as `zhconv` flattens them), checked in as
//! sorted arrays in `han/tables.rs`. A test generates them from `zhconv`
//! and compares, so they cannot drift from it; `zhconv` itself is only a
//! dev-dependency. `zhconv`'s converters take about 0.1 s to build (they
//! decompress and deserialize phrase automata), which every process that
//! ingests Chinese used to pay; these tables cost nothing at start-up.
//!
//! ```
//! use dossier_ingest::han::{self, HanVariant, VariantCounts};
//!
//! assert!(han::is_han('說') && !han::is_han('a'));
//! assert_eq!(han::to_simplified('說'), '说');
//! assert_eq!(han::to_traditional('说'), '說');
//! assert_eq!(han::variant('說'), HanVariant::Traditional);
//! assert_eq!(han::variant('张'), HanVariant::Simplified);
//! assert_eq!(han::variant('人'), HanVariant::Common);
//! assert_eq!(VariantCounts::of("張勇說 Hello"), VariantCounts { simplified: 0, traditional: 2 });
//! ```
//!
//! Only characters are converted, never phrases: `to_simplified('乾')` is
//! `乾` (OpenCC folds 乾 to 干 only in words such as 乾燥). Whole-text
//! conversion with phrases is what `zhconv` is for.

mod tables;

/// What converting a character alone to the other variant does to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HanVariant {
    /// Neither conversion changes it: written alike in both variants (人),
    /// or not Han at all.
    Common,
    /// Converting to Traditional changes it: a Simplified form (说).
    Simplified,
    /// Converting to Simplified changes it: a Traditional form (說).
    Traditional,
    /// Both conversions change it: a variant form that is neither standard
    /// Simplified nor standard Traditional (緼 becomes 缊 and 縕).
    Other,
}

/// Whether `c` is a Han ideograph: the CJK Unified Ideographs with their
/// extensions (A to I), the compatibility ideographs (and their supplement)
/// and 〇 (U+3007, the ideographic zero of 二〇二三). The one test of "is
/// this Chinese" for matching, folding, completion and hints; the Han
/// script of [`crate::ScriptClass`] is wider (radicals, 々).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x30000..=0x323AF)
}

/// The Simplified form of `c`: itself when converting it alone to
/// Simplified changes nothing. Can be longer in UTF-8 than `c` (㗲 → 𠵾).
pub fn to_simplified(c: char) -> char {
    if has_bit(c, TRADITIONAL_BIT) { look_up(&tables::TO_SIMPLIFIED, c) } else { c }
}

/// The Traditional form of `c`: itself when converting it alone to
/// Traditional changes nothing (the first of OpenCC's candidates when
/// there are several: 干 → 幹).
pub fn to_traditional(c: char) -> char {
    if has_bit(c, SIMPLIFIED_BIT) { look_up(&tables::TO_TRADITIONAL, c) } else { c }
}

/// Whether `c` is specific to one variant; see [`HanVariant`].
pub fn variant(c: char) -> HanVariant {
    match variant_bits(c) {
        0 => HanVariant::Common,
        SIMPLIFIED_BIT => HanVariant::Simplified,
        TRADITIONAL_BIT => HanVariant::Traditional,
        _ => HanVariant::Other,
    }
}

/// How many characters of a text each conversion would change: the
/// evidence that a text is Simplified or Traditional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VariantCounts {
    /// Characters that converting to Traditional changes (Simplified forms).
    pub simplified: usize,
    /// Characters that converting to Simplified changes (Traditional forms).
    pub traditional: usize,
}

impl VariantCounts {
    /// The counts of `text`.
    pub fn of(text: &str) -> Self {
        let mut counts = VariantCounts::default();
        for c in text.chars() {
            counts.add(c);
        }
        counts
    }

    /// Counts one more character.
    #[inline]
    pub fn add(&mut self, c: char) {
        let bits = variant_bits(c);
        self.simplified += usize::from(bits & SIMPLIFIED_BIT != 0);
        self.traditional += usize::from(bits & TRADITIONAL_BIT != 0);
    }

    /// Adds the counts of another text.
    pub fn add_counts(&mut self, other: VariantCounts) {
        self.simplified += other.simplified;
        self.traditional += other.traditional;
    }
}

/// In [`DENSE_VARIANTS`]: converting to Simplified changes the character.
const TRADITIONAL_BIT: u8 = 1;
/// In [`DENSE_VARIANTS`]: converting to Traditional changes the character.
const SIMPLIFIED_BIT: u8 = 2;

/// CJK Extension A and the Unified Ideographs, where nine in ten of the
/// tables' characters are, get two bits per code point (6.9 KB), so the
/// common case is an index and a shift instead of two binary searches.
const DENSE_FIRST: u32 = 0x3400;
const DENSE_END: u32 = 0xA000;
const DENSE_BYTES: usize = ((DENSE_END - DENSE_FIRST) / 4) as usize;

static DENSE_VARIANTS: [u8; DENSE_BYTES] = dense_variants(&tables::TO_SIMPLIFIED, &tables::TO_TRADITIONAL);

/// Below [`DENSE_FIRST`] and from [`DENSE_END`] up to this, the tables
/// have no character (the full-width punctuation of Chinese text is there):
/// no search needed.
const SPARSE_FIRST: u32 =
    min_u32(first_key_from(&tables::TO_SIMPLIFIED, DENSE_END), first_key_from(&tables::TO_TRADITIONAL, DENSE_END));

const _: () = assert!(
    tables::TO_SIMPLIFIED[0].0 as u32 >= DENSE_FIRST && tables::TO_TRADITIONAL[0].0 as u32 >= DENSE_FIRST,
    "the tables start below the dense range: `variant_bits` would miss characters"
);

#[inline]
fn variant_bits(c: char) -> u8 {
    let code = c as u32;
    if code < DENSE_FIRST {
        0
    } else if code < DENSE_END {
        let at = (code - DENSE_FIRST) as usize;
        (DENSE_VARIANTS[at / 4] >> (at % 4 * 2)) & 3
    } else if code < SPARSE_FIRST {
        0
    } else {
        let traditional = if contains(&tables::TO_SIMPLIFIED, c) { TRADITIONAL_BIT } else { 0 };
        let simplified = if contains(&tables::TO_TRADITIONAL, c) { SIMPLIFIED_BIT } else { 0 };
        traditional | simplified
    }
}

#[inline]
fn has_bit(c: char, bit: u8) -> bool {
    variant_bits(c) & bit != 0
}

fn contains(table: &[(char, char)], c: char) -> bool {
    table.binary_search_by_key(&c, |&(from, _)| from).is_ok()
}

/// The conversion of `c` in `table`, or `c`.
fn look_up(table: &[(char, char)], c: char) -> char {
    table.binary_search_by_key(&c, |&(from, _)| from).map_or(c, |index| table[index].1)
}

const fn dense_variants(to_simplified: &[(char, char)], to_traditional: &[(char, char)]) -> [u8; DENSE_BYTES] {
    let mut bits = [0u8; DENSE_BYTES];
    let mut index = 0;
    while index < to_simplified.len() {
        set_dense_bit(&mut bits, to_simplified[index].0, TRADITIONAL_BIT);
        index += 1;
    }
    let mut index = 0;
    while index < to_traditional.len() {
        set_dense_bit(&mut bits, to_traditional[index].0, SIMPLIFIED_BIT);
        index += 1;
    }
    bits
}

const fn set_dense_bit(bits: &mut [u8; DENSE_BYTES], c: char, bit: u8) {
    let code = c as u32;
    if code >= DENSE_FIRST && code < DENSE_END {
        let at = (code - DENSE_FIRST) as usize;
        bits[at / 4] |= bit << (at % 4 * 2);
    }
}

/// The smallest key of `table` (sorted) at or above `from`; `u32::MAX`
/// when there is none.
const fn first_key_from(table: &[(char, char)], from: u32) -> u32 {
    let mut index = 0;
    while index < table.len() {
        if table[index].0 as u32 >= from {
            return table[index].0 as u32;
        }
        index += 1;
    }
    u32::MAX
}

const fn min_u32(a: u32, b: u32) -> u32 {
    if a < b { a } else { b }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::expect_file;
    use zhconv::{Variant, zhconv};

    use super::*;

    /// What `zhconv` makes of `c` alone when converting to `target`, when
    /// that changes it.
    fn zhconv_char(c: char, target: Variant) -> Option<char> {
        let converted = zhconv(c.encode_utf8(&mut [0; 4]), target);
        let mut chars = converted.chars();
        match (chars.next(), chars.next()) {
            (Some(only), None) if only == c => None,
            (Some(only), None) => Some(only),
            _ => panic!("zhconv converts {c:?} to {converted:?}, not one character: the tables cannot say that"),
        }
    }

    fn all_chars() -> impl Iterator<Item = char> {
        (0..=char::MAX as u32).filter_map(char::from_u32)
    }

    /// The text of `han/tables.rs`, from `zhconv`.
    fn generate_tables() -> String {
        let mut out = String::from(
            "//! Generated from `zhconv` (OpenCC's character tables) by the test\n\
             //! `han::tests::tables_match_zhconv`; after a `zhconv` upgrade, regenerate with\n\
             //! `UPDATE_EXPECT=1 cargo test -p dossier-ingest --lib han::tests`. Do not edit.\n",
        );
        let tables =
            [("TO_SIMPLIFIED", "Simplified", Variant::ZhHans), ("TO_TRADITIONAL", "Traditional", Variant::ZhHant)];
        for (name, variant, target) in tables {
            let pairs: Vec<(char, char)> =
                all_chars().filter_map(|c| zhconv_char(c, target).map(|converted| (c, converted))).collect();
            writeln!(
                out,
                "\n/// Every character that converting alone to {variant} changes, with what it\n\
                 /// becomes; sorted.\n#[rustfmt::skip]\npub(super) static {name}: [(char, char); {}] = [",
                pairs.len()
            )
            .unwrap();
            for line in pairs.chunks(8) {
                let entries: Vec<String> = line.iter().map(|(from, to)| format!("('{from}', '{to}')")).collect();
                writeln!(out, "    {},", entries.join(", ")).unwrap();
            }
            out.push_str("];\n");
        }
        out
    }

    #[test]
    fn tables_match_zhconv() {
        expect_file!["han/tables.rs"].assert_eq(&generate_tables());
    }

    #[test]
    fn every_char_converts_as_zhconv_converts_it_alone() {
        for c in all_chars() {
            let simplified = zhconv_char(c, Variant::ZhHans);
            let traditional = zhconv_char(c, Variant::ZhHant);
            assert_eq!(to_simplified(c), simplified.unwrap_or(c), "{c:?}");
            assert_eq!(to_traditional(c), traditional.unwrap_or(c), "{c:?}");
            let expected = match (simplified.is_some(), traditional.is_some()) {
                (false, false) => HanVariant::Common,
                (false, true) => HanVariant::Simplified,
                (true, false) => HanVariant::Traditional,
                (true, true) => HanVariant::Other,
            };
            assert_eq!(variant(c), expected, "{c:?}");
        }
    }

    #[test]
    fn counts_are_per_character() {
        // 緼 is changed by both conversions and counts on both sides.
        let counts = VariantCounts::of("說说人緼, Hello，");
        assert_eq!(counts, VariantCounts { simplified: 2, traditional: 2 });
    }
}
