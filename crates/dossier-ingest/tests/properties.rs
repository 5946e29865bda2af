//! Property tests for everything with offsets: the normalized → text → original
//! maps and the line index.

use dossier_ingest::{IngestConfig, LineCol, LineIndex, Normalized, PositionEncoding, ingest};
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

/// Characters that stress the maps: ASCII of both cases, line ends, CJK,
/// emoji, combining marks, zero-width and invisible characters, full-width
/// forms, ligatures, characters whose lowercase is longer, typographic quotes,
/// compatibility spaces, Hangul jamo that compose, a long NFKC expansion.
const TRICKY: &[char] = &[
    'a', 'B', 'z', 'Q', '0', ' ', ' ', '\t', '\r', '\n', '\n', '.', ',', '\'', '"', '張', '说', '阿', '里', 'タ', 'ー',
    '한', '😀', '👍', '\u{301}', '\u{308}', '\u{200B}', '\u{200D}', '\u{FEFF}', '\u{AD}', '\u{FE0F}', 'Ａ', '！', '，',
    'ﬁ', 'ﬀ', 'İ', 'ẞ', 'Σ', '“', '”', '‘', '’', '「', '」', '。', '、', '\u{A0}', '\u{3000}', '\u{2028}', '\u{1100}',
    '\u{1161}', '\u{11A8}', '\u{FDFA}', '½', 'Å', 'é', '—',
];

fn tricky_string() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TRICKY), 0..40).prop_map(|chars| chars.into_iter().collect())
}

fn any_or_tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![tricky_string(), any::<String>()]
}

fn char_boundaries(text: &str) -> Vec<usize> {
    (0..=text.len()).filter(|&offset| text.is_char_boundary(offset)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every char-boundary range of the normalized text maps to a
    /// char-boundary range of the text, monotonically, and normalizing that
    /// text again gives back (at least) the normalized slice.
    #[test]
    fn normalized_ranges_map_to_text_ranges(text in any_or_tricky_string()) {
        let normalized = Normalized::new(&text);
        let boundaries = char_boundaries(&normalized.text);
        let mut previous = 0..0;
        for (i, &start) in boundaries.iter().enumerate() {
            for &end in &boundaries[i..] {
                let mapped = normalized.to_text(start..end);
                prop_assert!(mapped.start <= mapped.end && mapped.end <= text.len(), "{mapped:?}");
                prop_assert!(text.is_char_boundary(mapped.start) && text.is_char_boundary(mapped.end), "{mapped:?}");
                let renormalized = Normalized::new(&text[mapped.clone()]);
                prop_assert!(
                    renormalized.text.contains(&normalized.text[start..end]),
                    "{:?} -> {:?} -> {:?}", &normalized.text[start..end], &text[mapped.clone()], renormalized.text
                );
            }
            let point = normalized.to_text(start..start);
            prop_assert!(point.start >= previous.start, "starts go backwards at {start}");
            if let Some(&next) = boundaries.get(i + 1) {
                let one_char = normalized.to_text(start..next);
                prop_assert!(one_char.end >= previous.end, "ends go backwards at {start}");
                previous = one_char;
            }
        }
    }

    /// Normalizing segment by segment gives the same result as applying NFKC
    /// to the whole text first: the segment boundaries never split a
    /// composition.
    #[test]
    fn segment_wise_nfkc_matches_whole_text_nfkc(text in any_or_tricky_string()) {
        let whole: String = text.nfkc().collect();
        prop_assert_eq!(Normalized::new(&whole).text, Normalized::new(&text).text);
    }

    /// The same through `ingest` and `Document::original_range`: ranges land
    /// on char boundaries of the original bytes, monotonically.
    #[test]
    fn normalized_ranges_map_to_original_ranges(text in tricky_string()) {
        let document = ingest("p.txt", text.as_bytes(), &IngestConfig::default()).unwrap();
        let boundaries = char_boundaries(&document.normalized().text);
        let mut previous_start = 0;
        for (i, &start) in boundaries.iter().enumerate() {
            for &end in &boundaries[i..] {
                let original = document.original_range(start..end);
                prop_assert!(original.start <= original.end && original.end <= text.len());
                prop_assert!(text.is_char_boundary(original.start) && text.is_char_boundary(original.end), "{original:?}");
            }
            let point = document.original_range(start..start);
            prop_assert!(point.start >= previous_start);
            previous_start = point.start;
        }
    }

    /// Every decoded character maps to exactly the original bytes that
    /// encode it, in UTF-16 (both byte orders) and GBK.
    #[test]
    fn transcoded_chars_map_to_their_bytes(
        chars in prop::collection::vec(prop::sample::select(&['a', 'Z', ' ', '\n', '阿', '里', '张', '說', '，', '“', '😀', 'é'][..]), 1..60),
    ) {
        let text: String = chars.into_iter().collect();
        let mut utf16le = vec![0xFF, 0xFE];
        let mut utf16be = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            utf16le.extend_from_slice(&unit.to_le_bytes());
            utf16be.extend_from_slice(&unit.to_be_bytes());
        }
        let gbk_text: String = text.chars().filter(|&c| c != '😀').collect();
        let (gbk, _, _) = encoding_rs::GBK.encode(&gbk_text);
        for (bytes, expected) in [(&utf16le[..], &text), (&utf16be[..], &text), (&gbk[..], &gbk_text)] {
            let document = ingest("p.txt", bytes, &IngestConfig::default()).unwrap();
            let encoding = encoding_rs::Encoding::for_label(document.encoding.as_bytes()).unwrap();
            if encoding == encoding_rs::GBK {
                prop_assert_eq!(&document.text, expected);
            }
            for (offset, c) in document.text.char_indices() {
                let original = document.text_map.to_original(offset..offset + c.len_utf8());
                let (decoded, _) = encoding.decode_without_bom_handling(&bytes[original.clone()]);
                prop_assert_eq!(decoded.as_ref(), c.to_string(), "{:?} at {}", original, offset);
            }
        }
    }

    /// Arbitrary bytes never panic; when they decode, every character maps to
    /// its own stretch of the original bytes, in order, and spans are ordered
    /// ranges of the file.
    #[test]
    fn arbitrary_bytes_decode_with_ordered_maps(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..200),
            prop::collection::vec(prop::sample::select(&[b'a', b' ', b'\n', 0x81, 0xA1, 0xB0, 0xC4, 0xE3, 0xFE, 0x30, 0x40, 0x8E, 0xFF][..]), 0..200),
        ],
    ) {
        let Ok(document) = ingest("p.bin", &bytes, &IngestConfig::default()) else { return Ok(()) };
        let mut previous: std::ops::Range<usize> = 0..0;
        for (offset, c) in document.text.char_indices() {
            let original = document.text_map.to_original(offset..offset + c.len_utf8());
            // Characters follow each other in the original, except that one
            // sequence may decode to several characters (a Big5 pair gives two
            // code points): those share the sequence's range.
            prop_assert!(original.start >= previous.end || original == previous, "{original:?} after {previous:?}");
            prop_assert!(original.start <= original.end && original.end <= bytes.len());
            previous = original;
        }
        let mut previous_span_end = 0;
        for span in &document.spans {
            prop_assert!(previous_span_end <= span.start && span.start <= span.end && span.end <= bytes.len());
            previous_span_end = span.end;
        }
    }

    /// Any text ingests without panicking; shares add up to one and spans are
    /// ordered ranges on char boundaries.
    #[test]
    fn arbitrary_text_ingests(text in any_or_tricky_string()) {
        let Ok(document) = ingest("p.txt", text.as_bytes(), &IngestConfig::default()) else { return Ok(()) };
        let total: f64 = document.languages.iter().map(|share| share.share).sum();
        prop_assert!(document.languages.is_empty() || (total - 1.0).abs() < 1e-9, "{total}");
        let mut previous_end = 0;
        for span in &document.spans {
            prop_assert!(previous_end <= span.start && span.start < span.end && span.end <= text.len());
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            previous_end = span.end;
        }
    }

    /// Line index round trips on every char boundary, and UTF-16 columns
    /// count the UTF-16 units since the line start.
    #[test]
    fn line_index_round_trips(text in tricky_string()) {
        let index = LineIndex::new(&text);
        for offset in char_boundaries(&text) {
            let inside_crlf = text[..offset].ends_with('\r') && text[offset..].starts_with('\n');
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
                let position = index.line_col(&text, offset, encoding);
                if !inside_crlf {
                    prop_assert_eq!(index.offset(&text, position, encoding), offset);
                }
            }
            if !inside_crlf {
                let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |found| found + 1);
                let expected = text[line_start..offset].encode_utf16().count();
                prop_assert_eq!(index.line_col(&text, offset, PositionEncoding::Utf16).col as usize, expected);
            }
        }
        // Positions anywhere never panic and land on char boundaries.
        for line in 0..(index.line_count() as u32 + 2) {
            for col in 0..50 {
                for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
                    let offset = index.offset(&text, LineCol { line, col }, encoding);
                    prop_assert!(text.is_char_boundary(offset));
                }
            }
        }
    }
}

/// Regression: a Big5 pair that decodes to two code points maps both
/// characters to the pair's two bytes.
#[test]
fn big5_pair_decoding_to_two_characters_shares_its_bytes() {
    let bytes = [0x88, 0x64, 0x64, 0x64, 0x88, 0x74, 0x68, 0x65];
    let document = ingest("big5.txt", &bytes, &IngestConfig::default()).unwrap();
    let ranges: Vec<_> = document
        .text
        .char_indices()
        .map(|(offset, c)| document.text_map.to_original(offset..offset + c.len_utf8()))
        .collect();
    assert_eq!(document.encoding, "Big5");
    assert!(ranges.windows(2).any(|w| w[1] == w[0] && w[0].len() == 2), "a pair gives two characters: {ranges:?}");
    assert!(ranges.windows(2).all(|w| w[1].start >= w[0].end || w[1] == w[0]), "{ranges:?}");
    assert!(ranges.iter().all(|r| r.end <= bytes.len()));
}
