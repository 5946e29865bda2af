//! Byte offsets ↔ line/column positions, with columns in UTF-8 bytes or
//! UTF-16 code units (the Language Server Protocol's default).
//!
//! Line ends are `\n`, `\r\n` and a lone `\r`, as in LSP. The index keeps the
//! line starts and, for the non-ASCII characters only, where they are and how
//! much shorter they are in UTF-16, with running totals so that every
//! conversion is a binary search. Positions never panic: offsets past the end
//! clamp to the end, columns past a line's end clamp to that end, and offsets
//! or columns inside a character (or a surrogate pair) snap back to its start.

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

/// Converts byte offsets of one text to line/column positions and back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    len: usize,
    /// Start of each line; the first is 0.
    line_starts: Vec<usize>,
    /// End of each line's content, before its line terminator.
    line_ends: Vec<usize>,
    /// The non-ASCII characters, in order.
    wide_chars: Vec<WideChar>,
    /// How many fewer UTF-16 units than UTF-8 bytes the whole text takes.
    total_savings: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WideChar {
    offset: usize,
    /// How many fewer UTF-16 units than UTF-8 bytes the wide chars before this one take.
    savings_before: usize,
    utf8_len: u8,
    utf16_len: u8,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut line_ends = Vec::new();
        let mut search_from = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[search_from..]) {
            let end = search_from + found;
            let terminator_len = if bytes[end..].starts_with(b"\r\n") { 2 } else { 1 };
            line_ends.push(end);
            line_starts.push(end + terminator_len);
            search_from = end + terminator_len;
        }
        line_ends.push(text.len());

        let mut wide_chars = Vec::new();
        let mut savings = 0;
        for (offset, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
            let (utf8_len, utf16_len) = (c.len_utf8(), c.len_utf16());
            // Both lengths are at most 4, so the casts are lossless.
            wide_chars.push(WideChar {
                offset,
                savings_before: savings,
                utf8_len: utf8_len as u8,
                utf16_len: utf16_len as u8,
            });
            savings += utf8_len - utf16_len;
        }
        LineIndex { len: text.len(), line_starts, line_ends, wide_chars, total_savings: savings }
    }

    /// The length of the indexed text in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the indexed text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of lines: one more than the number of line terminators.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of a line's content, without its terminator.
    pub fn line_range(&self, line: u32) -> Option<Range<usize>> {
        let line = line as usize;
        Some(*self.line_starts.get(line)?..*self.line_ends.get(line)?)
    }

    /// The position of a byte offset. Offsets past the end clamp to the end;
    /// offsets inside a character snap to its start; offsets inside a line
    /// terminator (between `\r` and `\n`) clamp to the line's end.
    pub fn line_col(&self, offset: usize, encoding: PositionEncoding) -> LineCol {
        let offset = self.snap_to_char_start(offset.min(self.len));
        let line = self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let line_start = self.line_starts[line];
        let offset = offset.min(self.line_ends[line]);
        let col = match encoding {
            PositionEncoding::Utf8 => offset - line_start,
            PositionEncoding::Utf16 => {
                offset - line_start - (self.savings_before(offset) - self.savings_before(line_start))
            }
        };
        LineCol { line: saturating_u32(line), col: saturating_u32(col) }
    }

    /// The byte offset of a position. Lines past the last clamp to the end of
    /// the text; columns past the line's end clamp to the line's end; columns
    /// inside a character (the second half of a surrogate pair, the middle of
    /// a UTF-8 sequence) snap to its start.
    pub fn offset(&self, position: LineCol, encoding: PositionEncoding) -> usize {
        let Some(range) = self.line_range(position.line) else { return self.len };
        let col = position.col as usize;
        let offset = match encoding {
            PositionEncoding::Utf8 => self.snap_to_char_start(range.start.saturating_add(col).min(range.end)),
            PositionEncoding::Utf16 => self.utf16_col_to_offset(range.clone(), col),
        };
        offset.min(range.end)
    }

    fn utf16_col_to_offset(&self, line: Range<usize>, col: usize) -> usize {
        let base_savings = self.savings_before(line.start);
        // The UTF-16 column at which a wide char of this line starts.
        let start_col = |wide: &WideChar| wide.offset - line.start - (wide.savings_before - base_savings);
        let first = self.wide_chars.partition_point(|wide| wide.offset < line.start);
        let end = self.wide_chars.partition_point(|wide| wide.offset < line.end);
        let on_line = &self.wide_chars[first..end];
        // The last wide char on the line that starts at or before `col`.
        let Some(wide) = on_line.partition_point(|wide| start_col(wide) <= col).checked_sub(1).map(|i| on_line[i])
        else {
            // Only ASCII before the column.
            return line.start.saturating_add(col);
        };
        let wide_col = start_col(&wide);
        if col < wide_col + usize::from(wide.utf16_len) {
            wide.offset
        } else {
            (wide.offset + usize::from(wide.utf8_len)).saturating_add(col - wide_col - usize::from(wide.utf16_len))
        }
    }

    /// UTF-16 savings of the wide chars before `offset`.
    fn savings_before(&self, offset: usize) -> usize {
        let index = self.wide_chars.partition_point(|wide| wide.offset < offset);
        self.wide_chars.get(index).map_or(self.total_savings, |wide| wide.savings_before)
    }

    fn snap_to_char_start(&self, offset: usize) -> usize {
        let index = self.wide_chars.partition_point(|wide| wide.offset < offset);
        match index.checked_sub(1).map(|index| self.wide_chars[index]) {
            Some(wide) if offset < wide.offset + usize::from(wide.utf8_len) => wide.offset,
            _ => offset,
        }
    }
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
            let utf8 = index.line_col(offset, PositionEncoding::Utf8);
            let utf16 = index.line_col(offset, PositionEncoding::Utf16);
            let inside_crlf = offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n');
            if !inside_crlf {
                assert_eq!(index.offset(utf8, PositionEncoding::Utf8), offset, "utf-8 round trip at {offset}");
                assert_eq!(index.offset(utf16, PositionEncoding::Utf16), offset, "utf-16 round trip at {offset}");
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

    #[test]
    fn out_of_range_positions_clamp() {
        let index = LineIndex::new("ab\n😀c\n");
        let utf16 = PositionEncoding::Utf16;
        assert_eq!(index.offset(LineCol { line: 0, col: 99 }, utf16), 2);
        assert_eq!(index.offset(LineCol { line: 1, col: 1 }, utf16), 3, "inside the surrogate pair");
        assert_eq!(index.offset(LineCol { line: 1, col: 3 }, utf16), 8);
        assert_eq!(index.offset(LineCol { line: 1, col: 99 }, utf16), 8);
        assert_eq!(index.offset(LineCol { line: 2, col: 5 }, utf16), 9);
        assert_eq!(index.offset(LineCol { line: 7, col: 0 }, utf16), 9);
        assert_eq!(index.line_col(5, utf16), LineCol { line: 1, col: 0 }, "inside the emoji");
        assert_eq!(index.line_col(99, utf16), LineCol { line: 2, col: 0 });
        assert_eq!(index.offset(LineCol { line: 1, col: 2 }, PositionEncoding::Utf8), 3);
    }
}
