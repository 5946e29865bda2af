//! Dossier's values into LSP's: paths into URIs and Markdown links, byte
//! ranges of a source's decoded text into LSP ranges (in the negotiated
//! encoding), hover cards, symbols, code lenses, inlay hints, diagnostics and
//! completion items. With
//! `from_proto`, the one place where LSP values meet Dossier's.

use std::{ops::Range, path::Path};

use dossier_ide::{
    completion::CompletionCandidate,
    diagnostics::{NoteDiagnostic, Severity},
    hover::HoverCard,
    inlay::NameHint,
    lens::MentionLens,
    symbols::{Heading, TermSymbol},
};
use dossier_index::TermKind;
use dossier_ingest::{LineCol, LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind, Uri};

/// The LSP name of an encoding.
pub fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
    }
}

/// The `file:` URI of an absolute path (source paths are absolute).
pub fn uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// A link to a line (0-based) of a file, for Markdown: `file:///a/b.txt#L12`
/// (1-based, as VS Code and Neovim's Markdown renderers expect).
pub fn file_link(path: &str, line: usize) -> String {
    match uri(Path::new(path)) {
        Some(uri) => format!("{}#L{}", uri.as_str(), line + 1),
        None => path.to_owned(),
    }
}

fn position_of(LineCol { line, col }: LineCol) -> lsp::Position {
    lsp::Position { line, character: col }
}

/// The LSP range of a byte range of `text` (whose lines are `lines`).
pub fn range(lines: &LineIndex, text: &str, range: Range<usize>, encoding: PositionEncoding) -> lsp::Range {
    range_after(lines, text, range, encoding, &mut None)
}

/// [`range`] for ranges converted in order of their start: `last` holds the
/// last start converted (offset and position, `None` at first), and a start
/// on the same line is counted on from there instead of from the line's
/// start (see `LineIndex::line_col_after`).
pub fn range_after(
    lines: &LineIndex,
    text: &str,
    range: Range<usize>,
    encoding: PositionEncoding,
    last: &mut Option<(usize, LineCol)>,
) -> lsp::Range {
    let start = match *last {
        Some(from) => lines.line_col_after(text, range.start, encoding, from),
        None => lines.line_col(text, range.start, encoding),
    };
    let start_offset = range.start.min(text.len());
    let end = if range.end >= range.start {
        lines.line_col_after(text, range.end, encoding, (start_offset, start))
    } else {
        lines.line_col(text, range.end, encoding)
    };
    *last = Some((start_offset, start));
    lsp::Range { start: position_of(start), end: position_of(end) }
}

/// A note's diagnostic.
pub fn diagnostic(
    lines: &LineIndex,
    text: &str,
    diagnostic: NoteDiagnostic,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(lines, text, diagnostic.range, encoding),
        severity: Some(match diagnostic.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        source: Some("dossier".to_owned()),
        message: diagnostic.message,
        ..lsp::Diagnostic::default()
    }
}

/// The symbol kind a term kind is shown as.
pub fn symbol_kind(kind: TermKind) -> lsp::SymbolKind {
    use TermKind::*;
    match kind {
        Person => lsp::SymbolKind::OBJECT,
        Organization => lsp::SymbolKind::NAMESPACE,
        Product => lsp::SymbolKind::PACKAGE,
        Place => lsp::SymbolKind::MODULE,
        Concept => lsp::SymbolKind::CONSTANT,
        Unknown => lsp::SymbolKind::VARIABLE,
    }
}

/// The completion item kind a term kind is shown as.
pub fn completion_kind(kind: TermKind) -> lsp::CompletionItemKind {
    use TermKind::*;
    match kind {
        Person => lsp::CompletionItemKind::REFERENCE,
        Organization => lsp::CompletionItemKind::MODULE,
        Product => lsp::CompletionItemKind::VALUE,
        Place => lsp::CompletionItemKind::CONSTANT,
        Concept => lsp::CompletionItemKind::KEYWORD,
        Unknown => lsp::CompletionItemKind::TEXT,
    }
}

/// A note's headings as nested document symbols.
pub fn document_symbols(
    headings: Vec<Heading>,
    lines: &LineIndex,
    text: &str,
    encoding: PositionEncoding,
) -> Vec<lsp::DocumentSymbol> {
    headings
        .into_iter()
        .map(|heading| {
            #[allow(deprecated, reason = "the field must be written, and is deprecated")]
            lsp::DocumentSymbol {
                name: if heading.name.is_empty() { "#".repeat(heading.level) } else { heading.name },
                detail: None,
                kind: lsp::SymbolKind::STRING,
                tags: None,
                deprecated: None,
                range: range(lines, text, heading.range, encoding),
                selection_range: range(lines, text, heading.name_range, encoding),
                children: Some(document_symbols(heading.children, lines, text, encoding)),
            }
        })
        .collect()
}

/// A completion candidate as the `rank`-th item of the list.
pub fn completion_item(
    lines: &LineIndex,
    text: &str,
    rank: usize,
    candidate: CompletionCandidate,
    encoding: PositionEncoding,
) -> lsp::CompletionItem {
    let starts_with_typed = candidate.insert.to_lowercase().starts_with(&candidate.typed.to_lowercase());
    lsp::CompletionItem {
        label: candidate.insert.clone(),
        kind: Some(completion_kind(candidate.kind)),
        detail: Some(candidate.detail),
        sort_text: Some(format!("{rank:04}")),
        // Pinyin and other-script matches would be hidden by
        // the client's own filtering on the typed word.
        filter_text: (!starts_with_typed).then_some(candidate.typed),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(lines, text, candidate.replace, encoding),
            new_text: candidate.insert,
        })),
        ..lsp::CompletionItem::default()
    }
}

/// A hover card, at `range` (the hovered mention's, already converted).
/// While the first load goes on (`indexing`: files indexed, files found),
/// the card says so: its counts and lists are of part of the corpus.
pub fn hover(range: lsp::Range, card: &HoverCard, indexing: Option<(usize, usize)>) -> lsp::Hover {
    let mut value = card.to_markdown(&file_link);
    if let Some((indexed, total)) = indexing {
        value.push_str(&format!(
            "\n\n---\n\n*index still being built: {} of {} documents*",
            thousands(indexed),
            thousands(total)
        ));
    }
    lsp::Hover {
        range: Some(range),
        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value }),
    }
}

/// `n` with a comma between groups of three digits (4,554).
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A term as a workspace symbol, at `location` (its definition's, already converted).
pub fn workspace_symbol(location: lsp::Location, symbol: TermSymbol) -> lsp::SymbolInformation {
    #[allow(deprecated, reason = "the field must be written, and is deprecated")]
    lsp::SymbolInformation {
        name: symbol.label,
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        location,
        container_name: (!symbol.aliases.is_empty()).then(|| symbol.aliases.join(", ")),
    }
}

/// A mention count above a note's title, at `range` of the document `uri`,
/// whose command the client runs to show the references there (see
/// `docs/lsp-extensions.md`).
pub fn code_lens(uri: &Uri, range: lsp::Range, lens: MentionLens) -> lsp::CodeLens {
    lsp::CodeLens {
        range,
        command: Some(lsp::Command {
            title: lens.title,
            command: "dossier.showReferences".to_owned(),
            arguments: Some(vec![
                serde_json::json!(uri.as_str()),
                serde_json::to_value(range.start).unwrap_or_default(),
            ]),
        }),
        data: None,
    }
}

/// A romanization shown after a Han name, at `position`.
pub fn inlay_hint(position: lsp::Position, hint: NameHint) -> lsp::InlayHint {
    lsp::InlayHint {
        position,
        label: lsp::InlayHintLabel::String(hint.label),
        kind: None,
        text_edits: None,
        tooltip: None,
        // Space before the hint always, after it only when text follows
        // ("马云 Jack Ma 和", not "马云 Jack Ma和").
        padding_left: Some(true),
        padding_right: Some(hint.text_follows),
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_groups_digits_by_three() {
        let grouped: Vec<String> = [0, 7, 999, 1_000, 4_554, 123_456, 1_234_567].map(thousands).into();
        assert_eq!(grouped, ["0", "7", "999", "1,000", "4,554", "123,456", "1,234,567"]);
    }
}
