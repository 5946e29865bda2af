//! Bytes to text: encoding detection, decoding and the text → original map.
//!
//! The order of decisions: a byte order mark wins (UTF-8, UTF-16LE, UTF-16BE);
//! then NUL bytes mean binary, unless they are laid out like UTF-16 without
//! a byte order mark; then valid UTF-8 is UTF-8; then a file that is
//! mostly UTF-8 with a few broken sequences is decoded lossily as UTF-8; only
//! then is the legacy encoding guessed with `chardetng` and decoded with
//! `encoding_rs`. A decode that is mostly replacement or control characters
//! is refused as binary.

use std::ops::Range;

use encoding_rs::{DecoderResult, Encoding, UTF_8};

use crate::document::{IngestError, TextMap, Warning};
use crate::text_map::PiecewiseMap;

/// At most this many warnings of one kind are reported one by one; the rest
/// are summarized in a single count.
const MAX_WARNINGS_PER_KIND: usize = 8;

/// Legacy encoding detection stops after this many non-ASCII bytes, fed
/// in chunks of [`DETECTION_CHUNK_BYTES`].
const DETECTION_NON_ASCII_BYTES: usize = 4096;
const DETECTION_CHUNK_BYTES: usize = 1024;

/// The result of decoding one file.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub(crate) text: String,
    pub(crate) encoding: &'static str,
    pub(crate) text_map: TextMap,
    pub(crate) warnings: Vec<Warning>,
}

/// Decodes `bytes`, detecting the encoding.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, IngestError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Ok(decode_utf8_lossy(rest, 3));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Ok(decode_utf16(rest, 2, Endian::Little));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Ok(decode_utf16(rest, 2, Endian::Big));
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        return decode_utf16_without_bom(bytes)
            .ok_or_else(|| IngestError::Binary { reason: format!("NUL byte at offset {offset}") });
    }
    let decoded = match simdutf8::basic::from_utf8(bytes) {
        // The common case, validated once: the text is the bytes.
        Ok(text) => decode_valid_utf8(text),
        Err(_) if looks_like_utf8(bytes) => decode_utf8_lossy(bytes, 0),
        Err(_) => decode_legacy(bytes),
    };
    check_not_binary(&decoded)?;
    Ok(decoded)
}

/// Whether `bytes` should be read as UTF-8: valid, cut off in the middle of
/// its last character, or broken only here and there. Legacy multi-byte encodings (GBK, Big5, Shift_JIS) produce a few
/// valid-looking UTF-8 sequences by chance but many more invalid ones, while a
/// damaged UTF-8 file has far more valid non-ASCII characters than breakages.
fn looks_like_utf8(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        // Valid, or valid up to a character cut off by the end of the file.
        Ok(_) => return true,
        Err(error) if error.error_len().is_none() => return true,
        Err(_) => {}
    }
    let mut valid_non_ascii = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_non_ascii += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid_non_ascii >= 4 * invalid
}

/// Valid UTF-8 without a byte order mark: a copy and a one-breakpoint map.
fn decode_valid_utf8(text: &str) -> Decoded {
    let mut map = PiecewiseMap::default();
    map.push(text.len(), 0..text.len(), true);
    map.finish(text.len());
    Decoded { text: text.to_owned(), encoding: UTF_8.name(), text_map: TextMap { map }, warnings: Vec::new() }
}

/// Decodes UTF-8, replacing each invalid sequence with U+FFFD. `shift` is
/// the length of a byte order mark already stripped from the front.
fn decode_utf8_lossy(bytes: &[u8], shift: usize) -> Decoded {
    let mut text = String::with_capacity(bytes.len());
    let mut map = PiecewiseMap::default();
    let mut warnings = WarningCollector::new("invalid UTF-8 replaced");
    let mut offset = shift;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        text.push_str(valid);
        map.push(valid.len(), offset..offset + valid.len(), true);
        offset += valid.len();
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            text.push(char::REPLACEMENT_CHARACTER);
            map.push(char::REPLACEMENT_CHARACTER.len_utf8(), offset..offset + invalid.len(), false);
            warnings.add(offset);
            offset += invalid.len();
        }
    }
    map.finish(shift + bytes.len());
    Decoded { text, encoding: UTF_8.name(), text_map: TextMap { map }, warnings: warnings.finish() }
}

#[derive(Debug, Clone, Copy)]
enum Endian {
    Little,
    Big,
}

/// Reads a file with NUL bytes as UTF-16 without a byte order mark when the
/// NULs sit where the high bytes of Latin text would: in one byte of every
/// pair in three or more and almost never in the other. The decode must have
/// no unpaired surrogate and pass the binary check; `None` means binary.
fn decode_utf16_without_bom(bytes: &[u8]) -> Option<Decoded> {
    if bytes.len() < 4 || bytes.len() % 2 == 1 {
        return None;
    }
    let pairs = bytes.len() / 2;
    let zeros_at = |parity: usize| bytes.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let (even_zeros, odd_zeros) = (zeros_at(0), zeros_at(1));
    let endian = if odd_zeros * 3 >= pairs && even_zeros * 20 <= pairs {
        Endian::Little
    } else if even_zeros * 3 >= pairs && odd_zeros * 20 <= pairs {
        Endian::Big
    } else {
        return None;
    };
    let mut decoded = decode_utf16(bytes, 0, endian);
    if !decoded.warnings.is_empty() || check_not_binary(&decoded).is_err() {
        return None;
    }
    decoded
        .warnings
        .push(Warning { offset: None, message: format!("no byte order mark, read as {}", decoded.encoding) });
    Some(decoded)
}

/// Decodes UTF-16 that starts at byte `start` of the file (after a byte
/// order mark, if any). Unpaired surrogates and a dangling odd byte become
/// U+FFFD with a warning.
fn decode_utf16(bytes: &[u8], start: usize, endian: Endian) -> Decoded {
    let units = bytes.chunks_exact(2).map(|pair| match endian {
        Endian::Little => u16::from_le_bytes([pair[0], pair[1]]),
        Endian::Big => u16::from_be_bytes([pair[0], pair[1]]),
    });
    let mut text = String::with_capacity(bytes.len());
    let mut map = PiecewiseMap::default();
    let mut warnings = WarningCollector::new("unpaired UTF-16 surrogate replaced");
    let mut offset = start;
    for unit in char::decode_utf16(units) {
        let (c, original_len) = match unit {
            Ok(c) => (c, c.len_utf16() * 2),
            Err(_) => {
                warnings.add(offset);
                (char::REPLACEMENT_CHARACTER, 2)
            }
        };
        text.push(c);
        map.push(c.len_utf8(), offset..offset + original_len, c.len_utf8() == original_len);
        offset += original_len;
    }
    let mut decoded_warnings = warnings.finish();
    if bytes.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
        map.push(char::REPLACEMENT_CHARACTER.len_utf8(), offset..offset + 1, false);
        decoded_warnings.push(Warning {
            offset: Some(offset),
            message: format!("odd trailing byte in UTF-16 replaced at byte {offset}"),
        });
    }
    map.finish(start + bytes.len());
    let encoding = match endian {
        Endian::Little => encoding_rs::UTF_16LE.name(),
        Endian::Big => encoding_rs::UTF_16BE.name(),
    };
    Decoded { text, encoding, text_map: TextMap { map }, warnings: decoded_warnings }
}

/// Guesses a legacy encoding with `chardetng` and decodes with `encoding_rs`.
fn decode_legacy(bytes: &[u8]) -> Decoded {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    // `chardetng` costs about 1,500 instructions per non-ASCII byte; a few
    // thousand non-ASCII bytes (two thousand GBK characters) settle the
    // question, and ASCII says nothing, so feed until that many were seen.
    let mut fed = 0;
    let mut non_ascii = 0;
    while fed < bytes.len() && non_ascii < DETECTION_NON_ASCII_BYTES {
        let chunk = &bytes[fed..(fed + DETECTION_CHUNK_BYTES).min(bytes.len())];
        non_ascii += chunk.iter().filter(|byte| !byte.is_ascii()).count();
        fed += chunk.len();
        detector.feed(chunk, fed == bytes.len());
    }
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    if encoding == UTF_8 {
        return decode_utf8_lossy(bytes, 0);
    }
    decode_with(encoding, bytes)
}

/// Decodes `bytes` in a known encoding, recording where every character came
/// from. Runs of ASCII are decoded in one step when the decoder holds no
/// partial sequence; other bytes are fed one at a time so that each output
/// character can be attributed to the exact input bytes that completed it.
pub(crate) fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> Decoded {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut map = PiecewiseMap::default();
    let mut warnings = WarningCollector::new(&format!("invalid {} replaced", encoding.name()));
    // Input bytes from `pending` on have not produced output yet.
    let mut pending = 0;
    let mut position = 0;
    let ascii_fast_path = encoding.is_ascii_compatible();
    while position < bytes.len() {
        let step_start = position;
        let step_end = if ascii_fast_path && pending == position {
            let ascii_len = bytes[position..].iter().take_while(|b| b.is_ascii()).count();
            position + ascii_len.max(1)
        } else {
            position + 1
        };
        let input = &bytes[step_start..step_end];
        let text_before = text.len();
        text.reserve(decoder.max_utf8_buffer_length_without_replacement(input.len()).unwrap_or(16));
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut text, false);
        position += read;
        match result {
            DecoderResult::Malformed(malformed, after) => {
                // The malformed bytes end `after` bytes before the read
                // position; those later bytes produce their output later.
                let malformed_end = position.saturating_sub(usize::from(after)).max(pending);
                let malformed_start = malformed_end.saturating_sub(usize::from(malformed)).max(pending);
                push_replacement(&mut text, &mut map, text_before, pending, malformed_start..malformed_end);
                warnings.add(malformed_start);
                pending = malformed_end;
            }
            DecoderResult::InputEmpty | DecoderResult::OutputFull => {
                if text.len() > text_before {
                    push_output(&text[text_before..], &mut map, pending..position);
                    pending = position;
                }
            }
        }
    }
    // Flush a sequence cut off by the end of the file.
    loop {
        let text_before = text.len();
        text.reserve(16);
        let (result, _) = decoder.decode_to_string_without_replacement(&[], &mut text, true);
        match result {
            DecoderResult::Malformed(..) => {
                push_replacement(&mut text, &mut map, text_before, pending, pending..bytes.len());
                warnings.add(pending);
                pending = bytes.len();
            }
            DecoderResult::InputEmpty => {
                if text.len() > text_before {
                    push_output(&text[text_before..], &mut map, pending..bytes.len());
                }
                break;
            }
            DecoderResult::OutputFull => {}
        }
    }
    map.finish(bytes.len());
    Decoded { text, encoding: encoding.name(), text_map: TextMap { map }, warnings: warnings.finish() }
}

/// Records that `output` was decoded from the bytes `original`. The map is
/// linear (exact inside the chunk) when the chunk is ASCII or one character of
/// the same length on both sides; otherwise the chunk is one atomic unit.
fn push_output(output: &str, map: &mut PiecewiseMap, original: Range<usize>) {
    let same_length = output.len() == original.len();
    let linear = same_length && (output.is_ascii() || output.chars().nth(1).is_none());
    map.push(output.len(), original, linear);
}

/// Appends U+FFFD for the malformed bytes `malformed`. Output that the
/// decoder produced in the same step (`text[text_before..]`) came from the
/// bytes between `pending` and the malformed sequence.
fn push_replacement(
    text: &mut String,
    map: &mut PiecewiseMap,
    text_before: usize,
    pending: usize,
    malformed: Range<usize>,
) {
    let mut replacement_from = pending;
    if text.len() > text_before {
        push_output(&text[text_before..], map, pending..malformed.start);
        replacement_from = malformed.start;
    }
    let replacement_start = text.len();
    text.push(char::REPLACEMENT_CHARACTER);
    map.push(text.len() - replacement_start, replacement_from..malformed.end, false);
}

/// Refuses decodes of which more than one character in twelve (and at least
/// three) is a replacement or control character: those are binary files that
/// happen to contain no NUL byte (random bytes decode to about 12% control
/// characters). One broken character in a short text is not binary.
fn check_not_binary(decoded: &Decoded) -> Result<(), IngestError> {
    let bytes = decoded.text.as_bytes();
    let (chars, suspicious) = count_suspicious(bytes);
    if suspicious >= 3 && suspicious * 12 > chars {
        let first_suspicious = (0..bytes.len()).find(|&index| is_suspicious_at(bytes, index));
        let offset = first_suspicious.map_or(0, |index| decoded.text_map.to_original(index..index).start);
        return Err(IngestError::Binary {
            reason: format!(
                "{suspicious} of {chars} characters undecodable or control characters as {}, first at offset {offset}",
                decoded.encoding
            ),
        });
    }
    Ok(())
}

/// The number of characters of a UTF-8 text and how many of them are
/// replacement or control characters, without decoding characters: a
/// character starts at every byte that is not a continuation byte; controls
/// are C0 and DEL (one byte) and C1 (`C2 80` to `C2 9F`); U+FFFD is
/// `EF BF BD`. The one-byte tests run over blocks of bytes with byte
/// counters, which the compiler turns into vector code; the two multi-byte
/// ones search for their rarer first bytes.
fn count_suspicious(bytes: &[u8]) -> (usize, usize) {
    let mut chars = 0usize;
    let mut suspicious = 0usize;
    // At most 255 bytes per block, so that the per-block counts fit in a u8.
    for block in bytes.chunks(255) {
        let mut block_chars = 0u8;
        let mut block_controls = 0u8;
        for &byte in block {
            block_chars += u8::from(byte & 0xC0 != 0x80);
            block_controls += u8::from(is_control_byte(byte));
        }
        chars += usize::from(block_chars);
        suspicious += usize::from(block_controls);
    }
    suspicious += memchr::memchr_iter(0xC2, bytes).filter(|&index| is_c1_control_at(bytes, index)).count();
    suspicious += memchr::memmem::find_iter(bytes, "\u{FFFD}".as_bytes()).count();
    (chars, suspicious)
}

/// A C0 control other than the white space and escape of ordinary text, or DEL.
fn is_control_byte(byte: u8) -> bool {
    (byte < 0x20 && byte != b'\t' && byte != b'\n' && byte != b'\r' && byte != b'\x0C' && byte != b'\x1B')
        || byte == 0x7F
}

fn is_c1_control_at(bytes: &[u8], index: usize) -> bool {
    bytes[index] == 0xC2 && matches!(bytes.get(index + 1), Some(0x80..=0x9F))
}

/// Whether a suspicious character starts at `index`, as [`count_suspicious`] counts them.
fn is_suspicious_at(bytes: &[u8], index: usize) -> bool {
    is_control_byte(bytes[index])
        || is_c1_control_at(bytes, index)
        || bytes.get(index..index + 3) == Some("\u{FFFD}".as_bytes())
}

/// Collects per-offset warnings of one kind, reporting the first few and then
/// one summary, so that a badly damaged file does not produce a warning per byte.
struct WarningCollector {
    what: String,
    warnings: Vec<Warning>,
    dropped: usize,
    first_dropped: Option<usize>,
}

impl WarningCollector {
    fn new(what: &str) -> Self {
        WarningCollector { what: what.to_owned(), warnings: Vec::new(), dropped: 0, first_dropped: None }
    }

    fn add(&mut self, offset: usize) {
        if self.warnings.len() < MAX_WARNINGS_PER_KIND {
            self.warnings.push(Warning { offset: Some(offset), message: format!("{} at byte {offset}", self.what) });
        } else {
            self.dropped += 1;
            self.first_dropped.get_or_insert(offset);
        }
    }

    fn finish(mut self) -> Vec<Warning> {
        if let Some(offset) = self.first_dropped {
            self.warnings.push(Warning {
                offset: Some(offset),
                message: format!("{} {} more times from byte {offset} on", self.what, self.dropped),
            });
        }
        self.warnings
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    /// Shows each decoded character with the original bytes it maps to.
    fn check_with(encoding: &'static Encoding, bytes: &[u8], expect: Expect) {
        let decoded = decode_with(encoding, bytes);
        show(&decoded, bytes, expect);
    }

    fn show(decoded: &Decoded, bytes: &[u8], expect: Expect) {
        let mut shown = vec![decoded.encoding.to_owned()];
        for (offset, c) in decoded.text.char_indices() {
            let original = decoded.text_map.to_original(offset..offset + c.len_utf8());
            let hex: Vec<String> = bytes[original].iter().map(|b| format!("{b:02X}")).collect();
            shown.push(format!("{c:?} {}", hex.join(" ")));
        }
        for warning in &decoded.warnings {
            shown.push(format!("warning: {}", warning.message));
        }
        expect.assert_eq(&shown.join("\n"));
    }

    proptest::proptest! {
        #[test]
        fn suspicious_characters_counted_in_blocks_as_one_by_one(text in "(\\PC|[\\x00-\\x1F\\x7F\\u{80}-\\u{9F}\\u{FFFD}])*") {
            let bytes = text.as_bytes();
            let one_by_one = (text.chars().count(), (0..bytes.len()).filter(|&index| is_suspicious_at(bytes, index)).count());
            proptest::prop_assert_eq!(count_suspicious(bytes), one_by_one);
        }
    }

    #[test]
    fn gbk_lead_byte_before_ascii_is_replaced_alone() {
        check_with(
            encoding_rs::GBK,
            b"\xC4\xE3\x81 A\xBA",
            expect![[r#"
            GBK
            '你' C4 E3
            '�' 81
            ' ' 20
            'A' 41
            '�' BA
            warning: invalid GBK replaced at byte 2
            warning: invalid GBK replaced at byte 5"#]],
        );
    }

    #[test]
    fn gb18030_four_byte_sequence() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("a€😀");
        check_with(
            encoding_rs::GB18030,
            &bytes,
            expect![[r#"
            gb18030
            'a' 61
            '€' A2 E3
            '😀' 94 39 FC 36"#]],
        );
    }

    #[test]
    fn big5_pair_decoding_to_two_code_points_maps_as_a_whole() {
        check_with(
            encoding_rs::BIG5,
            b"a\x88\x62b",
            expect![[r#"
            Big5
            'a' 61
            'Ê' 88 62
            '\u{304}' 88 62
            'b' 62"#]],
        );
    }

    #[test]
    fn iso_2022_jp_escapes_belong_to_the_next_character() {
        let (bytes, _, _) = encoding_rs::ISO_2022_JP.encode("aカナb");
        check_with(
            encoding_rs::ISO_2022_JP,
            &bytes,
            expect![[r#"
            ISO-2022-JP
            'a' 61
            'カ' 1B 24 42 25 2B
            'ナ' 25 4A
            'b' 1B 28 42 62"#]],
        );
    }

    #[test]
    fn utf8_cut_off_in_its_last_character_stays_utf8() {
        let bytes = b"price: 5\xE2\x82";
        show(
            &decode(bytes).unwrap(),
            bytes,
            expect![[r#"
            UTF-8
            'p' 70
            'r' 72
            'i' 69
            'c' 63
            'e' 65
            ':' 3A
            ' ' 20
            '5' 35
            '�' E2 82
            warning: invalid UTF-8 replaced at byte 8"#]],
        );
    }

    #[test]
    fn utf8_bom_shifts_the_map() {
        let bytes = b"\xEF\xBB\xBFa\xC3\xA9";
        show(
            &decode(bytes).unwrap(),
            bytes,
            expect![[r#"
            UTF-8
            'a' 61
            'é' C3 A9"#]],
        );
    }
}
