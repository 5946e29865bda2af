//! Byte offsets ↔ line/column positions, with columns in UTF-8 bytes or
//! UTF-16 code units (the Language Server Protocol's default): the one line
//! table of Dossier, shared by the server, the command line and the checks.
//!
//! Line ends are `\n`, `\r\n` and a lone `\r`, as in LSP. The index keeps
//! where each line starts and ends (two words a line) and nothing else: a
//! column is counted on its line when asked for, from the text, which the
//! caller passes in. A table of the non-ASCII characters would make columns
//! a binary search, but for a Chinese corpus it costs several times the text
//! itself, and the server keeps one index per source for the life of the
//! source. Positions never panic: offsets past the end clamp to the end,
//! columns past a line's end clamp to that end, and offsets or columns
//! inside a character (or a surrogate pair) snap back to its start.

use std::ops::Range;

/// How columns are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PositionEncoding {
    /// Columns are UTF-8 bytes from the line start.
    Utf8,
    /// Columns are UTF-16 code units from the line start (LSP's default).
    Utf16,
}

/// A zero-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// Zero-based line number.
    pub line: u32,
    /// Zero-based column, in the unit of the [`PositionEncoding`] used.
    pub col: u32,
}

/// Where the lines of one text start and end; converts byte offsets of that
/// text to line/column positions and back (every method takes the text the
/// index was made of).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Start of each line; the first is 0.
    starts: Vec<usize>,
    /// End of each line's content, before its terminator.
    ends: Vec<usize>,
}

impl LineIndex {
    /// Finds the lines of `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let (mut starts, mut ends) = (vec![0], Vec::new());
        let mut from = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[from..]) {
            let end = from + found;
            let terminator = if bytes[end..].starts_with(b"\r\n") { 2 } else { 1 };
            ends.push(end);
            starts.push(end + terminator);
            from = end + terminator;
        }
        ends.push(text.len());
        LineIndex { starts, ends }
    }

    /// The number of lines: one more than the number of line terminators.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The byte range of a line's content, without its terminator.
    pub fn line_range(&self, line: u32) -> Option<Range<usize>> {
        let line = line as usize;
        Some(*self.starts.get(line)?..*self.ends.get(line)?)
    }

    /// The position of a byte offset of `text`. Offsets past the end clamp to
    /// the end; offsets inside a character snap to its start; offsets inside
    /// a line terminator (between `\r` and `\n`) clamp to the line's end.
    pub fn line_col(&self, text: &str, offset: usize, encoding: PositionEncoding) -> LineCol {
        let offset = snap_to_char_start(text, offset);
        let line = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.starts[line];
        let offset = offset.min(self.ends[line]).max(start);
        let col = match encoding {
            PositionEncoding::Utf8 => offset - start,
            PositionEncoding::Utf16 => utf16_len(&text[start..offset]),
        };
        LineCol { line: saturating_u32(line), col: saturating_u32(col) }
    }

    /// [`LineIndex::line_col`] counted on from a known earlier position
    /// `from` (offset, position) when both are on one line, else from the
    /// line's start. For positions converted in order (a list of references
    /// on the long lines of a Chinese corpus) this keeps the work linear in
    /// the line's length instead of quadratic.
    pub fn line_col_after(
        &self,
        text: &str,
        offset: usize,
        encoding: PositionEncoding,
        from: (usize, LineCol),
    ) -> LineCol {
        let (from_offset, from_position) = from;
        let line = from_position.line as usize;
        let same_line = self.starts.get(line).is_some_and(|&start| start <= from_offset)
            && from_offset <= offset
            && self.starts.get(line + 1).is_none_or(|&next| offset < next)
            && offset <= self.ends[line]
            && text.is_char_boundary(from_offset)
            && text.is_char_boundary(offset);
        if !same_line {
            return self.line_col(text, offset, encoding);
        }
        let more = match encoding {
            PositionEncoding::Utf8 => offset - from_offset,
            PositionEncoding::Utf16 => utf16_len(&text[from_offset..offset]),
        };
        LineCol { line: from_position.line, col: from_position.col.saturating_add(saturating_u32(more)) }
    }

    /// The byte offset in `text` of a position. Lines past the last clamp to
    /// the end of the text; columns past the line's end clamp to the line's
    /// end; columns inside a character (the second half of a surrogate pair,
    /// the middle of a UTF-8 sequence) snap to its start.
    pub fn offset(&self, text: &str, position: LineCol, encoding: PositionEncoding) -> usize {
        let Some(range) = self.line_range(position.line) else { return text.len() };
        let column = position.col as usize;
        match encoding {
            PositionEncoding::Utf8 => snap_to_char_start(text, range.start.saturating_add(column).min(range.end)),
            PositionEncoding::Utf16 => {
                let mut units = 0;
                for (at, c) in text[range.clone()].char_indices() {
                    if units + c.len_utf16() > column {
                        return range.start + at;
                    }
                    units += c.len_utf16();
                }
                range.end
            }
        }
    }
}

/// `offset`, clamped to the text and moved back to the start of the
/// character it falls in.
fn snap_to_char_start(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The length of `text` in UTF-16 code units: one per character, two for
/// those outside the Basic Multilingual Plane (4 bytes in UTF-8).
fn utf16_len(text: &str) -> usize {
    // One pass over the bytes: a character's first byte (not 0b10xxxxxx)
    // counts one unit, and the first byte of a four-byte character (0xF0 and
    // up) one more for the second half of its surrogate pair. Summed in
    // `u8` lanes over blocks of 127 bytes (at most 2 each, so no overflow),
    // which the compiler vectorizes: reference lists count columns on long
    // CJK lines.
    let units = |byte: u8| u8::from((byte as i8) >= -0x40) + u8::from(byte >= 0xF0);
    let mut blocks = text.as_bytes().chunks_exact(127);
    let mut total: usize = 0;
    for block in &mut blocks {
        total += usize::from(block.iter().fold(0u8, |sum, &byte| sum + units(byte)));
    }
    total + blocks.remainder().iter().map(|&byte| usize::from(units(byte))).sum::<usize>()
}

fn saturating_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    /// Shows every char boundary's UTF-8 and UTF-16 position and checks that
    /// converting back gives the same offset.
    fn check(text: &str, expect: Expect) {
        let index = LineIndex::new(text);
        let mut shown = Vec::new();
        for offset in (0..=text.len()).filter(|&offset| text.is_char_boundary(offset)) {
            let utf8 = index.line_col(text, offset, PositionEncoding::Utf8);
            let utf16 = index.line_col(text, offset, PositionEncoding::Utf16);
            let inside_crlf = offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n');
            if !inside_crlf {
                assert_eq!(index.offset(text, utf8, PositionEncoding::Utf8), offset, "utf-8 round trip at {offset}");
                assert_eq!(index.offset(text, utf16, PositionEncoding::Utf16), offset, "utf-16 round trip at {offset}");
            }
            shown.push(format!("{offset}={}:{}/{}", utf8.line, utf8.col, utf16.col));
        }
        expect.assert_eq(&shown.join(" "));
    }

    #[test]
    fn empty_text_is_one_line() {
        check("", expect![["0=0:0/0"]]);
    }

    #[test]
    fn line_ends_as_in_lsp() {
        check("a\nb\r\nc\rd", expect![["0=0:0/0 1=0:1/1 2=1:0/0 3=1:1/1 4=1:1/1 5=2:0/0 6=2:1/1 7=3:0/0 8=3:1/1"]]);
    }

    #[test]
    fn cjk_is_three_bytes_one_unit() {
        check("張勇\n說", expect![["0=0:0/0 3=0:3/1 6=0:6/2 7=1:0/0 10=1:3/1"]]);
    }

    #[test]
    fn emoji_is_a_surrogate_pair() {
        check("a😀b\r\n😀", expect![["0=0:0/0 1=0:1/1 5=0:5/3 6=0:6/4 7=0:6/4 8=1:0/0 12=1:4/2"]]);
    }

    proptest::proptest! {
        /// The UTF-16 length counted on bytes, over texts longer than its
        /// blocks of 127 bytes, is what encoding the text gives.
        #[test]
        fn utf16_length_counted_on_bytes(text in "[a 張勇😀é]{0,400}") {
            proptest::prop_assert_eq!(utf16_len(&text), text.encode_utf16().count());
        }

        /// Counting on from an earlier position gives what counting from the
        /// line's start gives, anywhere.
        #[test]
        fn counting_on_agrees_with_counting_from_the_start(text in "[a\\r\\n 張勇😀é]{0,30}") {
            let index = LineIndex::new(&text);
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
                for from in 0..=text.len() + 1 {
                    let known = (from.min(text.len()), index.line_col(&text, from, encoding));
                    for offset in from..=text.len() + 1 {
                        proptest::prop_assert_eq!(
                            index.line_col_after(&text, offset, encoding, known),
                            index.line_col(&text, offset, encoding)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\n😀c\n";
        let index = LineIndex::new(text);
        let utf16 = PositionEncoding::Utf16;
        assert_eq!(index.offset(text, LineCol { line: 0, col: 99 }, utf16), 2);
        assert_eq!(index.offset(text, LineCol { line: 1, col: 1 }, utf16), 3, "inside the surrogate pair");
        assert_eq!(index.offset(text, LineCol { line: 1, col: 3 }, utf16), 8);
        assert_eq!(index.offset(text, LineCol { line: 1, col: 99 }, utf16), 8);
        assert_eq!(index.offset(text, LineCol { line: 2, col: 5 }, utf16), 9);
        assert_eq!(index.offset(text, LineCol { line: 7, col: 0 }, utf16), 9);
        assert_eq!(index.line_col(text, 5, utf16), LineCol { line: 1, col: 0 }, "inside the emoji");
        assert_eq!(index.line_col(text, 99, utf16), LineCol { line: 2, col: 0 });
        assert_eq!(index.offset(text, LineCol { line: 1, col: 2 }, PositionEncoding::Utf8), 3);
    }
}
