//! `dossier ingest`: decode, detect and report every file of a corpus.

use std::{
    io::{BufWriter, Write},
    path::PathBuf,
    process::ExitCode,
};

use dossier_ingest::Document;
use dossier_workspace::FileError;
use serde_json::json;

use crate::{
    args::{CorpusOptions, Format},
    load::{Batch, display_path, ingest_paths, report_errors},
    output::{percent, pretty_json_at_depth, table, write_pretty_array},
};

pub(crate) fn run(paths: &[PathBuf], options: &CorpusOptions) -> anyhow::Result<ExitCode> {
    let config = options.ingest_config();
    // Each document is reported on the thread that ingested it and dropped
    // there: only its JSON or its row of the table is kept.
    let errors = match options.format {
        Format::Json => {
            let (documents, errors) = split(ingest_paths(paths, &config, options, &|document| {
                pretty_json_at_depth(&document_json(&document), 2)
            }));
            let stdout = std::io::stdout().lock();
            write_batch_json(&mut BufWriter::with_capacity(1 << 16, stdout), &documents, &errors)?;
            errors
        }
        Format::Table => {
            let (rows, errors) = split(ingest_paths(paths, &config, options, &|document| document_row(&document)));
            print!("{}", table(&TABLE_HEADER, &rows));
            report_errors(&errors);
            errors
        }
    };
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// What was kept of each document, in order of path, and every failure in
/// order of path.
fn split<T>(batch: Batch<T>) -> (Vec<T>, Vec<FileError>) {
    let mut kept = Vec::new();
    let mut errors = batch.walk_errors;
    for (_, result) in batch.files {
        match result {
            Ok(document) => kept.push(document),
            Err(error) => errors.push(error),
        }
    }
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    (kept, errors)
}

/// Writes `{ "documents": [...], "errors": [...] }` as `serde_json` prints
/// it pretty, byte for byte, from each document's part printed by
/// [`pretty_json_at_depth`] at depth 2 (made in parallel as the documents
/// are ingested: on a large corpus the output is megabytes, and made whole
/// on one thread, a `serde_json::Value` of everything then printed, it took
/// a sizeable share of the command's time after the parallel ingestion).
fn write_batch_json(out: &mut impl Write, documents: &[Vec<u8>], errors: &[FileError]) -> anyhow::Result<()> {
    let errors: Vec<Vec<u8>> = errors
        .iter()
        .map(|e| pretty_json_at_depth(&json!({ "path": display_path(&e.path), "error": e.error }), 2))
        .collect();
    out.write_all(b"{\n  \"documents\": ")?;
    write_pretty_array(out, documents, 1)?;
    out.write_all(b",\n  \"errors\": ")?;
    write_pretty_array(out, &errors, 1)?;
    out.write_all(b"\n}\n")?;
    out.flush()?;
    Ok(())
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

const TABLE_HEADER: [&str; 7] = ["path", "language", "other languages", "bytes", "chars", "encoding", "warnings"];

fn document_row(document: &Document) -> Vec<String> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the command printed before its output was made in parallel: one
    /// `serde_json::Value` of everything, printed pretty.
    fn whole_value_json(documents: &[Document], errors: &[FileError]) -> String {
        let errors: Vec<_> =
            errors.iter().map(|e| json!({ "path": display_path(&e.path), "error": e.error })).collect();
        let documents: Vec<_> = documents.iter().map(document_json).collect();
        serde_json::to_string_pretty(&json!({ "documents": documents, "errors": errors })).unwrap() + "\n"
    }

    fn batch_json(documents: &[Document], errors: &[FileError]) -> String {
        let documents: Vec<Vec<u8>> =
            documents.iter().map(|document| pretty_json_at_depth(&document_json(document), 2)).collect();
        let mut out = Vec::new();
        write_batch_json(&mut out, &documents, errors).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn batch_json_is_the_whole_value_printed_pretty() {
        let config = dossier_ingest::IngestConfig::default();
        let utf16: Vec<u8> =
            "Hello in UTF-16 without a byte order mark".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let texts: [&[u8]; 5] = [
            "張勇說 Hello, \"quoted\"\tand a line\nbreak".as_bytes(),
            "过去一年，马云三次内部表态。MAGA —— Make Alibaba Great Again".as_bytes(),
            b"",
            b"\xef\xbb\xbfcaf\xe9 with a byte order mark",
            &utf16,
        ];
        let documents: Vec<Document> = texts
            .iter()
            .enumerate()
            .map(|(i, bytes)| dossier_ingest::ingest(&format!("docs/{i}.txt"), bytes, &config).unwrap())
            .collect();
        let errors = [
            FileError { path: "docs/a.bin".into(), error: "binary file (NUL byte at offset 3)".to_owned() },
            FileError { path: "docs/\"b\".txt".into(), error: "permission denied".to_owned() },
        ];
        let warnings: Vec<Option<usize>> =
            documents.iter().flat_map(|document| &document.warnings).map(|warning| warning.offset).collect();
        assert!(warnings.contains(&None) && warnings.iter().any(Option::is_some), "{warnings:?}");
        for (documents, errors) in [(&documents[..], &errors[..]), (&documents[..1], &[][..]), (&[][..], &errors[..1])]
        {
            assert_eq!(batch_json(documents, errors), whole_value_json(documents, errors));
        }
        assert_eq!(batch_json(&[], &[]), "{\n  \"documents\": [],\n  \"errors\": []\n}\n");
    }
}
