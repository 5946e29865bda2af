//! ASCII eight bytes at a time: the tests that the hot loops of script
//! runs, language detection and normalization make on every byte of English
//! text, made on a `u64` of eight bytes at once ("SIMD within a register").
//!
//! Each answer is exact for the eight bytes it is given; callers fall back
//! to their byte-by-byte loop wherever a word does not qualify, so these
//! only ever make a loop take bigger steps, never change where it stops.

/// `0x01` in every byte.
const ONES: u64 = u64::from_le_bytes([0x01; 8]);
/// `0x80` in every byte: the high bit of each byte.
const HIGH_BITS: u64 = u64::from_le_bytes([0x80; 8]);
/// `0x7F` in every byte: the low seven bits of each byte.
const LOW_BITS: u64 = u64::from_le_bytes([0x7F; 8]);

/// The eight bytes of `bytes` from `index`, the first in the lowest byte of
/// the word, or `None` when fewer than eight are left.
pub(crate) fn word_at(bytes: &[u8], index: usize) -> Option<u64> {
    let chunk: [u8; 8] = bytes.get(index..index.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
}

/// Whether all eight bytes are ASCII.
pub(crate) fn is_ascii(word: u64) -> bool {
    word & HIGH_BITS == 0
}

/// The number of leading ASCII bytes of `bytes`.
pub(crate) fn ascii_prefix_len(bytes: &[u8]) -> usize {
    let mut index = 0;
    while let Some(word) = word_at(bytes, index) {
        if !is_ascii(word) {
            break;
        }
        index += 8;
    }
    index + bytes[index..].iter().take_while(|byte| byte.is_ascii()).count()
}

/// `0x80` in each byte of the word whose seven low bits are zero and whose
/// high bit is clear, that is each zero byte: exact per byte, since adding
/// `0x7F` to seven bits never carries into the next byte.
fn zero_bytes(word: u64) -> u64 {
    !(((word & LOW_BITS) + LOW_BITS) | word) & HIGH_BITS
}

/// `0x80` in each byte at least `n` (at most `0x80`), for a word whose bytes
/// are all ASCII: adding `0x80 - n` to a byte under `0x80` never carries.
fn ascii_bytes_at_least(word: u64, n: u8) -> u64 {
    debug_assert!(is_ascii(word) && n <= 0x80);
    (word + ONES * u64::from(0x80 - n)) & HIGH_BITS
}

/// `0x80` in each byte of an all-ASCII word that is a letter (`A`–`Z`,
/// `a`–`z`), `0` in the others.
pub(crate) fn ascii_letters(word: u64) -> u64 {
    // Setting bit 5 lowercases the letters and maps no other byte into
    // `a`..=`z` (`@` becomes `` ` ``, `[` becomes `{`).
    let lower = word | (ONES * 0x20);
    ascii_bytes_at_least(lower, b'a') & !ascii_bytes_at_least(lower, b'z' + 1)
}

/// Whether the word is eight bytes that normalization copies as they are
/// (but for case) after a printable ASCII character: printable ASCII and
/// spaces, no two spaces side by side and no space last, so that every
/// space lies between two printable characters.
pub(crate) fn is_plain_ascii(word: u64) -> bool {
    if !is_ascii(word) {
        return false;
    }
    let printable_or_space = ascii_bytes_at_least(word, b' ') & !ascii_bytes_at_least(word, 0x7F);
    if printable_or_space != HIGH_BITS {
        return false;
    }
    let spaces = zero_bytes(word ^ (ONES * u64::from(b' ')));
    spaces & (spaces >> 8) == 0 && spaces >> 56 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words holding `byte` at each position among the other test bytes.
    fn words_with(byte: u8) -> impl Iterator<Item = [u8; 8]> {
        let fillers = [b'a', b'Z', b' ', b'.', 0x80, b'\n', 0x7F, 0xE4];
        (0..8).flat_map(move |position| {
            fillers.into_iter().map(move |filler| {
                let mut bytes = [filler; 8];
                bytes[position] = byte;
                bytes
            })
        })
    }

    #[test]
    fn letters_are_is_ascii_alphabetic_for_every_byte() {
        for byte in 0..0x80u8 {
            for bytes in words_with(byte).filter(|bytes| bytes.is_ascii()) {
                let mask = ascii_letters(u64::from_le_bytes(bytes));
                for (i, b) in bytes.iter().enumerate() {
                    assert_eq!(mask >> (8 * i) & 0xFF == 0x80, b.is_ascii_alphabetic(), "{bytes:?}");
                    assert_eq!(mask >> (8 * i) & 0x7F, 0, "{bytes:?}");
                }
            }
        }
    }

    /// What normalization's byte loop accepts after a printable character.
    fn plain_byte_by_byte(bytes: &[u8; 8]) -> bool {
        (0..8).all(|i| {
            bytes[i].is_ascii_graphic() || (bytes[i] == b' ' && bytes.get(i + 1).is_some_and(u8::is_ascii_graphic))
        })
    }

    #[test]
    fn plain_ascii_is_the_byte_loop_for_every_byte() {
        for byte in 0..=0xFFu8 {
            for bytes in words_with(byte) {
                assert_eq!(is_plain_ascii(u64::from_le_bytes(bytes)), plain_byte_by_byte(&bytes), "{bytes:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_ascii_is_the_byte_loop(bytes in proptest::array::uniform8(proptest::sample::select(
            vec![b' ', b'a', b'Q', b'~', b'!', b'\t', b'\n', 0x7F, 0x80, 0xE4, 0x1F],
        ))) {
            proptest::prop_assert_eq!(is_plain_ascii(u64::from_le_bytes(bytes)), plain_byte_by_byte(&bytes));
        }

        #[test]
        fn ascii_prefix_is_the_byte_count(text in "[a-z \n]{0,40}(\\PC[a-z]{0,20})?") {
            let bytes = text.as_bytes();
            proptest::prop_assert_eq!(ascii_prefix_len(bytes), bytes.iter().take_while(|b| b.is_ascii()).count());
        }
    }
}
