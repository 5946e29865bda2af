//! LSP values into Dossier's: URIs into paths, positions (in the negotiated
//! encoding) into byte offsets of a source's decoded text, the client's
//! offered encodings into the one used. With `to_proto`, the one place where
//! LSP values meet Dossier's.
//!
//! Offsets are byte offsets into `Document::text`, always on char boundaries.
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the LSP specification says.

use std::{ops::Range, path::PathBuf};

use dossier_ingest::{LineCol, LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind, Uri};

/// Negotiates the position encoding: UTF-8 when the client offers it (our
/// offsets are UTF-8), else UTF-16, which every client must support.
pub fn encoding(offered: Option<&[PositionEncodingKind]>) -> PositionEncoding {
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

/// The file path of a `file:` URI; `None` for other schemes.
pub fn path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|path| dossier_index::lexically_normal(&path))
}

/// The byte offset in `text` (whose lines are `lines`) of an LSP position;
/// `None` when the line does not exist. A column past the line's end means
/// the end of the line, and a column inside a character (half of a
/// surrogate pair) its start.
pub fn offset(lines: &LineIndex, text: &str, position: lsp::Position, encoding: PositionEncoding) -> Option<usize> {
    let position = LineCol { line: position.line, col: position.character };
    ((position.line as usize) < lines.line_count()).then(|| lines.offset(text, position, encoding))
}

/// The byte range in `text` of an LSP range, its ends in order; `None` when
/// either end is out of range.
pub fn text_range(
    lines: &LineIndex,
    text: &str,
    range: lsp::Range,
    encoding: PositionEncoding,
) -> Option<Range<usize>> {
    let start = offset(lines, text, range.start, encoding)?;
    let end = offset(lines, text, range.end, encoding)?;
    Some(start.min(end)..end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::to_proto;

    #[cfg(unix)]
    #[test]
    fn file_uris_with_dot_dot_are_resolved_before_any_root_check() {
        let path = |uri: &str| path(&uri.parse::<Uri>().unwrap());
        assert_eq!(path("file:///w/root/../elsewhere/a.md"), Some(PathBuf::from("/w/elsewhere/a.md")));
        assert_eq!(path("file:///w/root/%2E%2E/%2E%2E/etc/passwd"), Some(PathBuf::from("/etc/passwd")));
        assert_eq!(path("file:///w/root/./a/../b.md"), Some(PathBuf::from("/w/root/b.md")));
        assert_eq!(path("file:///../../x"), Some(PathBuf::from("/x")));
        assert!(!path("file:///w/root/../elsewhere/a.md").unwrap().starts_with("/w/root"));
    }

    fn at(text: &str, line: u32, character: u32, encoding: PositionEncoding) -> Option<usize> {
        offset(&LineIndex::new(text), text, lsp::Position { line, character }, encoding)
    }

    #[test]
    fn columns_count_code_units_of_the_encoding() {
        let text = "# 😀 張勇\r\nZhang Yong";
        let zhang = text.find('張').unwrap();
        assert_eq!(at(text, 0, 5, PositionEncoding::Utf16), Some(zhang));
        assert_eq!(at(text, 0, 7, PositionEncoding::Utf8), Some(zhang));
        assert_eq!(at(text, 1, 0, PositionEncoding::Utf16), Some(text.find('Z').unwrap()));
        let lines = LineIndex::new(text);
        let position = |offset, encoding| to_proto::range(&lines, text, offset..offset, encoding).start;
        assert_eq!(position(zhang, PositionEncoding::Utf16), lsp::Position { line: 0, character: 5 });
        assert_eq!(position(text.len(), PositionEncoding::Utf8), lsp::Position { line: 1, character: 10 });
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
                    let position = to_proto::range(&lines, &text, offset..offset, encoding).start;
                    let back = self::offset(&lines, &text, position, encoding).unwrap();
                    let inside_crlf = text[..offset].ends_with('\r') && text[offset..].starts_with('\n');
                    proptest::prop_assert_eq!(back, if inside_crlf { offset - 1 } else { offset });
                    proptest::prop_assert!(text.is_char_boundary(back));
                }
            }
        }

        /// Ranges converted in order, counting on from the last start, are
        /// the ranges converted one by one.
        #[test]
        fn ranges_in_order_are_ranges_one_by_one(text in "[a\\r\\n 張勇😀é]{0,30}") {
            let lines = LineIndex::new(&text);
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
                let mut last = None;
                for offset in 0..=text.len() + 1 {
                    for end in [offset, offset + 1, offset + 5] {
                        proptest::prop_assert_eq!(
                            to_proto::range_after(&lines, &text, offset..end, encoding, &mut last),
                            to_proto::range(&lines, &text, offset..end, encoding)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn negotiation_prefers_utf8_when_offered() {
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(encoding(Some(&both)), PositionEncoding::Utf8);
        assert_eq!(encoding(Some(&both[..1])), PositionEncoding::Utf16);
        assert_eq!(encoding(None), PositionEncoding::Utf16);
    }

    #[test]
    fn file_uris_round_trip_with_non_ascii_names() {
        let file = std::path::Path::new("/tmp/笔记 1/張勇.md");
        let uri = to_proto::uri(file).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/%E7%AC%94%E8%AE%B0%201/%E5%BC%B5%E5%8B%87.md");
        assert_eq!(path(&uri).unwrap(), file);
        let http: Uri = "https://example.com/a.md".parse().unwrap();
        assert_eq!(path(&http), None);
    }
}
