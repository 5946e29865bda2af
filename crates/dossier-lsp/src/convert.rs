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

use crate::analysis::{FileRange, source_text};

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

/// The file path of a `file:` URI; `None` for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|path| path.into_owned())
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
