//! `dossier terms`: the terms of a corpus, most mentioned first.

use std::{collections::BTreeMap, path::PathBuf, process::ExitCode};

use dossier_index::Term;
use serde_json::json;

use crate::{
    args::{CorpusOptions, Format},
    load::{load_index, report_errors, report_problems},
    output::{print_json, table},
};

pub(crate) fn run(paths: &[PathBuf], options: &CorpusOptions, use_cache: bool) -> anyhow::Result<ExitCode> {
    let (index, errors) = load_index(paths, options, use_cache);
    report_problems(&index);
    match options.format {
        Format::Json => {
            let terms: Vec<_> = index.terms().iter().map(term_json).collect();
            print_json(&json!({ "terms": terms }))?;
        }
        Format::Table => print!("{}", terms_table(index.terms())),
    }
    report_errors(&errors);
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Mention counts per source path, in path order.
pub(crate) fn counts_by_path(term: &Term) -> BTreeMap<&str, usize> {
    term.sources.iter().map(|s| (&*s.path, s.count)).collect()
}

fn term_json(term: &Term) -> serde_json::Value {
    let documents: Vec<_> =
        counts_by_path(term).into_iter().map(|(path, count)| json!({ "path": path, "count": count })).collect();
    json!({
        "label": term.label,
        "kind": term.kind,
        "aliases": term.aliases,
        "mentions": term.mention_count,
        "documents": documents,
    })
}

fn terms_table(terms: &[Term]) -> String {
    let rows: Vec<Vec<String>> = terms
        .iter()
        .map(|term| {
            let aliases: Vec<&str> =
                term.aliases.iter().map(|a| a.text.as_str()).filter(|text| *text != term.label).collect();
            let counts: Vec<String> = counts_by_path(term)
                .into_iter()
                .map(|(path, count)| format!("{}×{count}", path.rsplit('/').next().unwrap_or(path)))
                .collect();
            vec![
                term.label.clone(),
                serde_json::to_value(term.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
                term.mention_count.to_string(),
                aliases.join(", "),
                counts.join(" "),
            ]
        })
        .collect();
    table(&["term", "kind", "mentions", "aliases", "per document"], &rows)
}
