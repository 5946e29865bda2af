//! `dossier lookup TEXT`: resolve a name through any alias, script or
//! romanization and print the term's card, the one hover shows
//! (`dossier_ide::hover::term_card`), in full.

use std::{collections::HashMap, path::PathBuf, process::ExitCode, sync::Arc};

use dossier_ide::{
    FileRange,
    hover::{CardConfig, TermCard, term_card},
};
use dossier_index::Index;
use dossier_ingest::{LineCol, LineIndex, PositionEncoding};
use serde_json::json;

use crate::{
    args::{CorpusOptions, Format},
    load::{load_index, report_errors, report_problems},
    output::print_json,
};

pub(crate) fn run(text: &str, paths: &[PathBuf], options: &CorpusOptions, use_cache: bool) -> anyhow::Result<ExitCode> {
    let (index, errors) = load_index(paths, options, use_cache);
    report_errors(&errors);
    report_problems(&index);
    let Some(id) = index.lookup(text) else {
        let suggestions = index.suggest(text, 5);
        let mut message = format!("no term matches “{text}”");
        if !suggestions.is_empty() {
            message.push_str(&format!("; did you mean {}?", suggestions.join(", ")));
        }
        eprintln!("dossier: {message}");
        return Ok(ExitCode::from(1));
    };
    let card = term_card(&index, id, CardConfig::FULL);
    match options.format {
        Format::Json => print_json(&card_json(&index, &card))?,
        Format::Table => print!("{}", card.to_text()),
    }
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Turns the card's ranges of decoded text into what a program reading the
/// files wants: byte ranges of the original files, and 0-based lines with
/// UTF-16 columns (as LSP counts them), each source's lines indexed once.
/// A card lists a source's mentions in order, so columns are counted on
/// from the last one (a term can be mentioned thousands of times on one
/// long line).
struct Places<'a> {
    index: &'a Index,
    lines: HashMap<Arc<str>, SourceLines>,
}

/// A source's lines, with the last place converted (offset, position).
type SourceLines = (LineIndex, Option<(usize, LineCol)>);

impl Places<'_> {
    /// The original byte range, line and UTF-16 column of a card's range.
    fn place(&mut self, location: &FileRange) -> (std::ops::Range<usize>, u32, u32) {
        let Some(source) = self.index.source(&location.path) else {
            return (location.range.clone(), 0, 0);
        };
        let document = &source.document;
        let (lines, last) =
            self.lines.entry(Arc::clone(&location.path)).or_insert_with(|| (LineIndex::new(&document.text), None));
        let start = location.range.start;
        let position = match *last {
            Some(from) if from.0 <= start => lines.line_col_after(&document.text, start, PositionEncoding::Utf16, from),
            _ => lines.line_col(&document.text, start, PositionEncoding::Utf16),
        };
        *last = Some((start.min(document.text.len()), position));
        (document.text_map.to_original(location.range.clone()), position.line, position.col)
    }
}

fn card_json(index: &Index, card: &TermCard) -> serde_json::Value {
    let mut places = Places { index, lines: HashMap::new() };
    let aliases: Vec<_> = card.aliases.iter().map(|a| json!({ "text": a.text, "script": a.script })).collect();
    let definition = card.definition.as_ref().map(|d| {
        let (original, _, _) = places.place(&d.location);
        json!({
            "path": &*d.location.path,
            "start": original.start,
            "end": original.end,
            "line": d.line,
            "origin": d.origin,
            "text": d.text,
        })
    });
    let documents: Vec<_> = card
        .documents
        .iter()
        .map(|(path, language, count)| json!({ "path": &**path, "language": language, "count": count }))
        .collect();
    let mentions: Vec<_> = card
        .snippets
        .iter()
        .map(|snippet| {
            let (original, line, character) = places.place(&snippet.location);
            json!({
                "path": &*snippet.location.path,
                "start": original.start,
                "end": original.end,
                "line": line,
                "character": character,
                "surface": snippet.mention,
                "snippet": format!("{}{}{}", snippet.before, snippet.mention, snippet.after),
            })
        })
        .collect();
    // The dictionary's gloss has no place in the sources: it is never a "definition".
    json!({
        "label": card.label,
        "kind": card.kind,
        "aliases": aliases,
        "definition": definition,
        "gloss": card.gloss,
        "documents": documents,
        "mentions": mentions,
    })
}
