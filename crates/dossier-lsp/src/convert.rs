//! Every conversion between LSP values and Dossier's values lives here: URIs
//! and paths, LSP positions and byte offsets in a source's decoded text (in
//! the negotiated position encoding), and the few LSP shapes built from them.
//!
//! Offsets are byte offsets into `Document::text`, always on char boundaries.
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the LSP specification says.

use std::{
    ops::Range,
    path::{Path, PathBuf},
};

use dossier_index::Index;
pub use dossier_ingest::{LineCol, LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind, Uri};

use dossier_ide::{FileRange, source_text};

/// Negotiates the position encoding: UTF-8 when the client offers it (our
/// offsets are UTF-8), else UTF-16, which every client must support.
pub fn negotiate_encoding(offered: Option<&[PositionEncodingKind]>) -> PositionEncoding {
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

/// The LSP name of an encoding.
pub fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
    }
}

/// The byte offset of (line, column) in the indexed text; `None` when the
/// line does not exist. A column past the line's end means the end of the
/// line, and a column inside a character (half of a surrogate pair) its start.
pub fn line_col_offset(lines: &LineIndex, line: u32, column: u32, encoding: PositionEncoding) -> Option<usize> {
    ((line as usize) < lines.line_count()).then(|| lines.offset(LineCol { line, col: column }, encoding))
}

/// The byte offset of an LSP position in `text`; `None` when out of range.
pub fn offset(text: &str, position: lsp::Position, encoding: PositionEncoding) -> Option<usize> {
    line_col_offset(&LineIndex::new(text), position.line, position.character, encoding)
}

/// The LSP position of a byte offset in `text`.
pub fn position(lines: &LineIndex, offset: usize, encoding: PositionEncoding) -> lsp::Position {
    let LineCol { line, col } = lines.line_col(offset, encoding);
    lsp::Position { line, character: col }
}

/// The LSP range of a byte range in `text`.
pub fn range(lines: &LineIndex, range: Range<usize>, encoding: PositionEncoding) -> lsp::Range {
    lsp::Range { start: position(lines, range.start, encoding), end: position(lines, range.end, encoding) }
}

/// The byte range of an LSP range in `text`; `None` when either end is out of range.
pub fn text_range(text: &str, range: lsp::Range, encoding: PositionEncoding) -> Option<Range<usize>> {
    let lines = LineIndex::new(text);
    let start = line_col_offset(&lines, range.start.line, range.start.character, encoding)?;
    let end = line_col_offset(&lines, range.end.line, range.end.character, encoding)?;
    Some(start.min(end)..end.max(start))
}

/// Where the lines of one text start and end: what converting its offsets to
/// LSP positions needs, and no more. [`LineIndex`] also keeps a table entry
/// per non-ASCII character, which for a Chinese corpus costs several times
/// the text itself; here a column is counted on its line when asked for, so
/// the server can keep one `Lines` per source for the life of the source
/// (two words per line). Same rules as [`LineIndex`]: lines end at `\n`,
/// `\r\n` or a lone `\r`; offsets past the end clamp to the end, inside a
/// character snap to its start, inside a line terminator clamp to the line's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lines {
    /// Start of each line; the first is 0.
    starts: Vec<usize>,
    /// End of each line's content, before its terminator.
    ends: Vec<usize>,
}

impl Lines {
    /// Finds the lines of `text`.
    pub fn new(text: &str) -> Lines {
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
        Lines { starts, ends }
    }

    /// The number of lines.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The LSP position of a byte offset of `text` (the text these lines are of).
    pub fn position(&self, text: &str, offset: usize, encoding: PositionEncoding) -> lsp::Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.starts[line];
        let offset = offset.min(self.ends[line]).max(start);
        let column = match encoding {
            PositionEncoding::Utf8 => offset - start,
            PositionEncoding::Utf16 => utf16_len(&text[start..offset]),
        };
        lsp::Position { line: saturating_u32(line), character: saturating_u32(column) }
    }

    /// The LSP range of a byte range of `text`.
    pub fn range(&self, text: &str, range: Range<usize>, encoding: PositionEncoding) -> lsp::Range {
        self.range_after(text, range, encoding, &mut None)
    }

    /// [`Lines::range`] for ranges converted in order of their start: `last`
    /// holds the last start converted (offset and position, `None` at
    /// first), and a start on the same line is counted on from there instead
    /// of from the line's start. On the long lines of a Chinese corpus this
    /// turns a reference list's conversion from quadratic in the line length
    /// to linear.
    pub fn range_after(
        &self,
        text: &str,
        range: Range<usize>,
        encoding: PositionEncoding,
        last: &mut Option<(usize, lsp::Position)>,
    ) -> lsp::Range {
        let start = match *last {
            Some(from) => self.position_after(text, range.start, encoding, from),
            None => self.position(text, range.start, encoding),
        };
        let start_offset = range.start.min(text.len());
        let end = if range.end >= range.start {
            self.position_after(text, range.end, encoding, (start_offset, start))
        } else {
            self.position(text, range.end, encoding)
        };
        *last = Some((start_offset, start));
        lsp::Range { start, end }
    }

    /// The position of `offset`, counted on from a known earlier `from`
    /// (offset, position) when both are on one line.
    fn position_after(
        &self,
        text: &str,
        offset: usize,
        encoding: PositionEncoding,
        from: (usize, lsp::Position),
    ) -> lsp::Position {
        let (from_offset, from_position) = from;
        let line = from_position.line as usize;
        let same_line = self.starts.get(line).is_some_and(|&start| start <= from_offset)
            && from_offset <= offset
            && self.starts.get(line + 1).is_none_or(|&next| offset < next)
            && offset <= self.ends[line]
            && text.is_char_boundary(from_offset)
            && text.is_char_boundary(offset);
        if !same_line {
            return self.position(text, offset, encoding);
        }
        let more = match encoding {
            PositionEncoding::Utf8 => offset - from_offset,
            PositionEncoding::Utf16 => utf16_len(&text[from_offset..offset]),
        };
        lsp::Position {
            line: from_position.line,
            character: from_position.character.saturating_add(saturating_u32(more)),
        }
    }

    /// The byte offset in `text` of an LSP position; `None` when the line
    /// does not exist. A column past the line's end means the line's end, a
    /// column inside a character (half of a surrogate pair) its start.
    pub fn offset(&self, text: &str, position: lsp::Position, encoding: PositionEncoding) -> Option<usize> {
        let line = position.line as usize;
        let (start, end) = (*self.starts.get(line)?, *self.ends.get(line)?);
        let column = position.character as usize;
        let offset = match encoding {
            PositionEncoding::Utf8 => {
                let mut offset = start.saturating_add(column).min(end);
                while !text.is_char_boundary(offset) {
                    offset -= 1;
                }
                offset
            }
            PositionEncoding::Utf16 => {
                let mut units = 0;
                let mut offset = end;
                for (at, c) in text[start..end].char_indices() {
                    if units + c.len_utf16() > column {
                        offset = start + at;
                        break;
                    }
                    units += c.len_utf16();
                }
                offset
            }
        };
        Some(offset)
    }
}

/// The length of `text` in UTF-16 code units: one per character, two for
/// those outside the Basic Multilingual Plane (4 bytes in UTF-8). Counted on
/// bytes, which the compiler vectorizes: columns on long Chinese lines are
/// counted for every location of a reference list.
fn utf16_len(text: &str) -> usize {
    // One pass over the bytes: a character's first byte (not 0b10xxxxxx)
    // counts one unit, and the first byte of a four-byte character (0xF0 and
    // up) one more for the second half of its surrogate pair. Summed in
    // `u8` lanes over blocks of 127 bytes (at most 2 each, so no overflow), which
    // the compiler vectorizes; reference lists count on long CJK lines.
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

/// How the client's text of an open buffer differs from the text the index
/// was built from, as one replaced stretch: the common beginning and end are
/// kept, everything between was replaced. Requests on a buffer edited since
/// the last build are answered from that build through this map instead of
/// waiting for the next one: offsets and ranges outside the replaced stretch
/// map exactly; those inside it have no counterpart (no answer there yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Length of the common beginning.
    prefix: usize,
    /// Length of the common end.
    suffix: usize,
    old_len: usize,
    new_len: usize,
}

impl Edit {
    /// The edit that turns `old` into `new`, on char boundaries of both.
    pub fn between(old: &str, new: &str) -> Edit {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let most = a.len().min(b.len()) - prefix;
        let mut suffix = a.iter().rev().zip(b.iter().rev()).take(most).take_while(|(x, y)| x == y).count();
        while !old.is_char_boundary(a.len() - suffix) || !new.is_char_boundary(b.len() - suffix) {
            suffix -= 1;
        }
        Edit { prefix, suffix, old_len: a.len(), new_len: b.len() }
    }

    /// Whether the texts are the same.
    pub fn is_identity(&self) -> bool {
        self.prefix == self.old_len && self.old_len == self.new_len
    }

    /// The offset in the old text of an offset of the new one; `None` inside
    /// the replaced stretch (its ends map: they touch kept text).
    pub fn new_to_old(&self, offset: usize) -> Option<usize> {
        if offset <= self.prefix {
            Some(offset)
        } else if offset >= self.new_len - self.suffix {
            Some(offset - (self.new_len - self.suffix) + (self.old_len - self.suffix))
        } else {
            None
        }
    }

    /// The old range covering a range of the new text: ends inside the
    /// replaced stretch move out to the kept text (the start back, the end on).
    pub fn new_range_to_old(&self, range: Range<usize>) -> (usize, usize) {
        let start = self.new_to_old(range.start).unwrap_or(self.prefix);
        let end = self.new_to_old(range.end).unwrap_or(self.old_len - self.suffix);
        (start, end)
    }

    /// The range in the new text of a range of the old one; `None` when it
    /// overlaps the replaced stretch.
    pub fn old_to_new(&self, range: Range<usize>) -> Option<Range<usize>> {
        if range.end <= self.prefix {
            Some(range)
        } else if range.start >= self.old_len - self.suffix {
            let shift = |offset: usize| offset - (self.old_len - self.suffix) + (self.new_len - self.suffix);
            Some(shift(range.start)..shift(range.end))
        } else {
            None
        }
    }
}

/// The file path of a `file:` URI; `None` for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|path| without_dot_dot(&path))
}

/// `path` with its `.` and `..` resolved as written (not on the disk), so
/// that `/root/../elsewhere` is not taken for a path inside `/root`.
fn without_dot_dot(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The `file:` URI of an absolute path (source paths are absolute).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// A link to a line (0-based) of a file, for Markdown: `file:///a/b.txt#L12`
/// (1-based, as VS Code and Neovim's Markdown renderers expect).
pub fn file_link(path: &str, line: usize) -> String {
    match path_to_uri(Path::new(path)) {
        Some(uri) => format!("{}#L{}", uri.as_str(), line + 1),
        None => path.to_owned(),
    }
}

/// The LSP location of a range of a source of `index`; `None` when the index
/// does not have the source.
pub fn location(index: &Index, range: &FileRange, encoding: PositionEncoding) -> Option<lsp::Location> {
    let text = source_text(index, &range.path)?;
    let uri = path_to_uri(Path::new(&*range.path))?;
    Some(lsp::Location { uri, range: self::range(&LineIndex::new(text), range.range.clone(), encoding) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, line: u32, character: u32, encoding: PositionEncoding) -> Option<usize> {
        offset(text, lsp::Position { line, character }, encoding)
    }

    #[cfg(unix)]
    #[test]
    fn file_uris_with_dot_dot_are_resolved_before_any_root_check() {
        let path = |uri: &str| uri_to_path(&uri.parse::<Uri>().unwrap());
        assert_eq!(path("file:///w/root/../elsewhere/a.md"), Some(PathBuf::from("/w/elsewhere/a.md")));
        assert_eq!(path("file:///w/root/%2E%2E/%2E%2E/etc/passwd"), Some(PathBuf::from("/etc/passwd")));
        assert_eq!(path("file:///w/root/./a/../b.md"), Some(PathBuf::from("/w/root/b.md")));
        assert_eq!(path("file:///../../x"), Some(PathBuf::from("/x")));
        assert!(!path("file:///w/root/../elsewhere/a.md").unwrap().starts_with("/w/root"));
    }

    #[test]
    fn columns_count_code_units_of_the_encoding() {
        let text = "# 😀 張勇\r\nZhang Yong";
        let zhang = text.find('張').unwrap();
        assert_eq!(at(text, 0, 5, PositionEncoding::Utf16), Some(zhang));
        assert_eq!(at(text, 0, 7, PositionEncoding::Utf8), Some(zhang));
        assert_eq!(at(text, 1, 0, PositionEncoding::Utf16), Some(text.find('Z').unwrap()));
        let lines = LineIndex::new(text);
        assert_eq!(position(&lines, zhang, PositionEncoding::Utf16), lsp::Position { line: 0, character: 5 });
        assert_eq!(position(&lines, text.len(), PositionEncoding::Utf8), lsp::Position { line: 1, character: 10 });
    }

    #[test]
    fn half_a_surrogate_pair_means_the_character_start() {
        assert_eq!(at("a😀b", 0, 2, PositionEncoding::Utf16), Some(1));
        assert_eq!(at("a😀b", 0, 3, PositionEncoding::Utf16), Some(5));
    }

    #[test]
    fn out_of_range_lines_are_none_and_long_columns_clamp() {
        let text = "ab\r\ncd";
        assert_eq!(at(text, 0, 99, PositionEncoding::Utf16), Some(2));
        assert_eq!(at(text, 1, 99, PositionEncoding::Utf16), Some(6));
        assert_eq!(at(text, 2, 0, PositionEncoding::Utf16), None);
        assert_eq!(at(text, u32::MAX, 0, PositionEncoding::Utf8), None);
    }

    proptest::proptest! {
        /// Every char boundary survives offset -> position -> offset in both
        /// encodings (the `\n` of a CRLF maps to the end of its line), and
        /// every position the server sends slices the text on char boundaries.
        #[test]
        fn offsets_round_trip_through_positions(text in "[a\\r\\n 張勇淘宝😀🎉𠀀é]{0,40}") {
            let lines = LineIndex::new(&text);
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
                for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                    let position = position(&lines, offset, encoding);
                    let back = self::offset(&text, position, encoding).unwrap();
                    let inside_crlf = text[..offset].ends_with('\r') && text[offset..].starts_with('\n');
                    proptest::prop_assert_eq!(back, if inside_crlf { offset - 1 } else { offset });
                    proptest::prop_assert!(text.is_char_boundary(back));
                }
            }
        }
    }

    proptest::proptest! {
        /// The UTF-16 length counted on bytes, over texts longer than its
        /// blocks of 127 bytes, is what encoding the text gives.
        #[test]
        fn utf16_length_counted_on_bytes(text in "[a 張勇😀é]{0,400}") {
            proptest::prop_assert_eq!(utf16_len(&text), text.encode_utf16().count());
        }
    }

    proptest::proptest! {
        /// [`Lines`] converts exactly as [`LineIndex`] does, both ways, in
        /// both encodings, for offsets anywhere (inside characters and line
        /// terminators too) and for columns past the line's end.
        #[test]
        fn lines_convert_as_the_line_index_does(text in "[a\\r\\n 張勇😀é]{0,30}", line in 0u32..8, column in 0u32..40) {
            let (index, lines) = (LineIndex::new(&text), Lines::new(&text));
            proptest::prop_assert_eq!(lines.line_count(), index.line_count());
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
                let mut last = None;
                for offset in 0..=text.len() + 1 {
                    proptest::prop_assert_eq!(lines.position(&text, offset, encoding), position(&index, offset, encoding));
                    for end in [offset, offset + 1, offset + 5] {
                        let wanted = lsp::Range { start: position(&index, offset, encoding), end: position(&index, end, encoding) };
                        proptest::prop_assert_eq!(lines.range_after(&text, offset..end, encoding, &mut last), wanted);
                    }
                }
                let wanted = lsp::Position { line, character: column };
                proptest::prop_assert_eq!(lines.offset(&text, wanted, encoding), self::offset(&text, wanted, encoding));
            }
        }

        /// Offsets outside an edit map to the same text on both sides, and
        /// ranges mapped back from the old text cover the same text.
        #[test]
        fn edits_map_kept_text_exactly(old in "[ab張\\n]{0,12}", new in "[ab張\\n]{0,12}") {
            let edit = Edit::between(&old, &new);
            proptest::prop_assert_eq!(edit.is_identity(), old == new);
            for offset in (0..=new.len()).filter(|&o| new.is_char_boundary(o)) {
                if let Some(back) = edit.new_to_old(offset) {
                    proptest::prop_assert!(old.is_char_boundary(back));
                    proptest::prop_assert!(new[..offset] == old[..back] || new[offset..] == old[back..]);
                }
            }
            for start in (0..=old.len()).filter(|&o| old.is_char_boundary(o)) {
                for end in (start..=old.len()).filter(|&o| old.is_char_boundary(o)) {
                    if let Some(mapped) = edit.old_to_new(start..end) {
                        proptest::prop_assert_eq!(&new[mapped], &old[start..end]);
                    }
                }
            }
        }
    }

    #[test]
    fn an_edit_keeps_what_is_before_and_after_it() {
        let old = "# Title\nZhang Yong met 張勇.\n";
        let new = "# Title\nZhang Yong, then Wu Yongming, met 張勇.\n";
        let edit = Edit::between(old, new);
        assert_eq!(edit.new_to_old(2), Some(2));
        assert_eq!(edit.new_to_old(new.find("Wu").unwrap()), None);
        let zhang = old.find('張').unwrap();
        let mapped = edit.old_to_new(zhang..zhang + "張勇".len()).unwrap();
        assert_eq!(&new[mapped.clone()], "張勇");
        assert_eq!(edit.new_to_old(mapped.start), Some(zhang));
        assert_eq!(edit.old_to_new(old.find("met").unwrap() - 2..old.find("met").unwrap() + 3), None);
    }

    #[test]
    fn negotiation_prefers_utf8_when_offered() {
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(negotiate_encoding(Some(&both)), PositionEncoding::Utf8);
        assert_eq!(negotiate_encoding(Some(&both[..1])), PositionEncoding::Utf16);
        assert_eq!(negotiate_encoding(None), PositionEncoding::Utf16);
    }

    #[test]
    fn file_uris_round_trip_with_non_ascii_names() {
        let path = Path::new("/tmp/笔记 1/張勇.md");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/%E7%AC%94%E8%AE%B0%201/%E5%BC%B5%E5%8B%87.md");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        let http: Uri = "https://example.com/a.md".parse().unwrap();
        assert_eq!(uri_to_path(&http), None);
    }
}
