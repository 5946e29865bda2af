//! `dossier ingest`: decode, detect and report every file of a corpus.

use std::{path::PathBuf, process::ExitCode};

use dossier_ingest::Document;
use serde_json::json;

use crate::{
    args::{CorpusOptions, Format},
    load::{display_path, ingest_paths, report_errors},
    output::{percent, print_json, table},
};

pub(crate) fn run(paths: &[PathBuf], options: &CorpusOptions) -> anyhow::Result<ExitCode> {
    let batch = ingest_paths(paths, &options.ingest_config(), options);
    let mut documents = Vec::new();
    let mut errors = batch.walk_errors;
    for (_, result) in batch.files {
        match result {
            Ok(document) => documents.push(document),
            Err(error) => errors.push(error),
        }
    }
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    match options.format {
        Format::Json => {
            let errors: Vec<_> =
                errors.iter().map(|e| json!({ "path": display_path(&e.path), "error": e.error })).collect();
            let documents: Vec<_> = documents.iter().map(document_json).collect();
            print_json(&json!({ "documents": documents, "errors": errors }))?;
        }
        Format::Table => {
            print!("{}", document_table(&documents));
            report_errors(&errors);
        }
    }
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn document_json(document: &Document) -> serde_json::Value {
    json!({
        "path": document.path,
        "language": document.language,
        "languages": document.languages,
        "spans": document.spans,
        "bytes": document.bytes,
        "chars": document.chars(),
        "normalized_bytes": document.normalized().text.len(),
        "encoding": document.encoding,
        "hash": document.hash,
        "warnings": document.warnings,
    })
}

fn document_table(documents: &[Document]) -> String {
    let rows: Vec<Vec<String>> = documents
        .iter()
        .map(|document| {
            let others: Vec<String> = document
                .languages
                .iter()
                .filter(|share| share.language != document.language)
                .map(|share| format!("{} {}", share.language, percent(share.share)))
                .collect();
            let warnings: Vec<&str> = document.warnings.iter().map(|w| w.message.as_str()).collect();
            vec![
                document.path.clone(),
                document.language.to_string(),
                others.join(", "),
                document.bytes.to_string(),
                document.chars().to_string(),
                document.encoding.to_owned(),
                warnings.join("; "),
            ]
        })
        .collect();
    table(&["path", "language", "other languages", "bytes", "chars", "encoding", "warnings"], &rows)
}
