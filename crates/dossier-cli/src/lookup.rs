//! `dossier lookup TEXT`: resolve a name through any alias, script or
//! romanization and print the term's card.

use std::{collections::HashMap, path::PathBuf, process::ExitCode};

use dossier_index::{Index, Location, Term};
use dossier_ingest::{LineIndex, PositionEncoding};
use serde_json::json;

use crate::{
    args::{CorpusOptions, Format},
    load::{load_sources, report_errors, report_problems},
    output::print_json,
    terms::counts_by_path,
};

/// Characters of context on each side of a mention in a snippet.
const SNIPPET_CONTEXT: usize = 30;

pub(crate) fn run(text: &str, paths: &[PathBuf], options: &CorpusOptions) -> anyhow::Result<ExitCode> {
    let (sources, errors) = load_sources(paths, options);
    report_errors(&errors);
    let index = Index::build(sources);
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
    let term = index.term(id);
    match options.format {
        Format::Json => print_json(&card_json(&index, term))?,
        Format::Table => print!("{}", card_text(&index, term)),
    }
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// A mention or definition place with its 0-based line and UTF-16 column.
struct Place {
    line: u32,
    character: u32,
    snippet: String,
}

/// Finds places in the index's sources, building each source's line index once.
struct Places<'a> {
    index: &'a Index,
    lines: HashMap<&'a str, LineIndex>,
}

impl<'a> Places<'a> {
    fn new(index: &'a Index) -> Self {
        Places { index, lines: HashMap::new() }
    }

    fn place(&mut self, location: &Location) -> Place {
        let Some(source) = self.index.source(&location.path) else {
            return Place { line: 0, character: 0, snippet: String::new() };
        };
        let text = &source.document.text;
        let lines = self.lines.entry(&source.document.path).or_insert_with(|| LineIndex::new(text));
        let position = lines.line_col(location.text_range.start, PositionEncoding::Utf16);
        Place { line: position.line, character: position.col, snippet: snippet(text, location.text_range.clone()) }
    }
}

/// The mention with some context on each side, on one line.
fn snippet(text: &str, range: std::ops::Range<usize>) -> String {
    let before: String =
        text[..range.start].chars().rev().take(SNIPPET_CONTEXT).collect::<Vec<_>>().into_iter().rev().collect();
    let after: String = text[range.end..].chars().take(SNIPPET_CONTEXT).collect();
    let joined = format!("{before}{}{after}", &text[range]);
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn card_json(index: &Index, term: &Term) -> serde_json::Value {
    let mut places = Places::new(index);
    let aliases: Vec<_> = term.aliases.iter().map(|a| json!({ "text": a.text, "script": a.script })).collect();
    let definition = term.definition.as_ref().map(|d| {
        json!({
            "path": &*d.location.path,
            "start": d.location.original_range.start,
            "end": d.location.original_range.end,
            "text": d.text,
        })
    });
    let mentions: Vec<_> = index
        .mentions(term.id)
        .map(|m| {
            let place = places.place(&m.location);
            json!({
                "path": &*m.location.path,
                "start": m.location.original_range.start,
                "end": m.location.original_range.end,
                "line": place.line,
                "character": place.character,
                "surface": &*m.surface,
                "snippet": place.snippet,
            })
        })
        .collect();
    // The dictionary's gloss has no place in the sources: it is never a "definition".
    let gloss = term.gloss_to_show();
    json!({
        "label": term.label,
        "kind": term.kind,
        "aliases": aliases,
        "definition": definition,
        "gloss": gloss,
        "mentions": mentions,
    })
}

fn card_text(index: &Index, term: &Term) -> String {
    let mut places = Places::new(index);
    let kind = serde_json::to_value(term.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let mut out = format!("{} ({kind})\n", term.label);
    let aliases: Vec<&str> = term.aliases.iter().map(|a| a.text.as_str()).collect();
    out.push_str(&format!("aliases: {}\n", aliases.join(" · ")));
    if let Some(definition) = &term.definition {
        let place = places.place(&definition.location);
        out.push_str(&format!(
            "defined: {}:{}: {}\n",
            definition.location.path,
            place.line + 1,
            definition.text.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
    }
    if let Some(gloss) = term.gloss_to_show() {
        let headword = if gloss.traditional == gloss.simplified {
            gloss.simplified.clone()
        } else {
            format!("{} ({})", gloss.simplified, gloss.traditional)
        };
        out.push_str(&format!("dictionary (CC-CEDICT): {headword} [{}]: {}\n", gloss.pinyin, gloss.text));
    }
    let counts = counts_by_path(term);
    out.push_str(&format!("mentions: {} in {} files\n", term.mention_count, counts.len()));
    for mention in index.mentions(term.id) {
        let place = places.place(&mention.location);
        out.push_str(&format!(
            "  {}:{}:{}  {}\n",
            mention.location.path,
            place.line + 1,
            place.character + 1,
            place.snippet
        ));
    }
    out
}
