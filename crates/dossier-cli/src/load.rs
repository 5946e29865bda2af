//! Loading the corpus the user named: walking, parallel ingestion with a
//! progress bar on a terminal, paths shown relative to the current folder,
//! and the index built with the persisted cache when there is one.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use dossier_index::{Index, IndexBuilder, Source, SourceKind};
use dossier_ingest::{Document, IngestConfig};
use dossier_workspace::{Detection, FileError, FileRole, WalkedFile, WorkspaceConfig};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::{
    args::CorpusOptions,
    cache::{CacheKey, Caches},
};

/// Batches smaller than this finish before a bar would be worth drawing.
const PROGRESS_THRESHOLD: usize = 50;

/// Every file under `paths`, ingested in order of path (what was kept of
/// each document), and every failure.
pub(crate) struct Batch<T> {
    pub(crate) files: Vec<(WalkedFile, Result<T, FileError>)>,
    pub(crate) walk_errors: Vec<FileError>,
}

/// Walks `paths`, ingests every file found and keeps what `each` makes of
/// each document, made on the thread that ingested it.
pub(crate) fn ingest_paths<T: Send>(
    paths: &[PathBuf],
    config: &IngestConfig,
    options: &CorpusOptions,
    each: &(dyn Fn(Document) -> T + Sync),
) -> Batch<T> {
    let (mut files, walk_errors) = dossier_workspace::walk(paths);
    for file in &mut files {
        file.display = display_path(&file.path);
    }
    let results = with_progress(files.len(), options, |progress| {
        dossier_workspace::ingest_files_with(&files, config, progress, each)
    });
    Batch { files: files.into_iter().zip(results).collect(), walk_errors }
}

/// The index of a corpus: `*.md` notes and `*.txt` documents (the workspace
/// defaults), and any file named explicitly (a note when it is Markdown,
/// else a document), with the files that failed. Language detection and
/// what the index builder finds in documents come from the persisted cache
/// where it has them ([`Caches`]), and what was found anew goes back to it.
pub(crate) fn load_index(paths: &[PathBuf], options: &CorpusOptions, use_cache: bool) -> (Index, Vec<FileError>) {
    let caches = if use_cache { Caches::open(paths) } else { Caches::default() };
    let config = options.ingest_config();
    let (mut files, walk_errors) = dossier_workspace::walk(paths);
    for file in &mut files {
        file.display = display_path(&file.path);
    }
    let keys: Vec<Option<CacheKey>> = files.iter().map(|file| caches.key_of(&file.path)).collect();
    let results = with_progress(files.len(), options, |progress| {
        let done = AtomicUsize::new(0);
        files
            .par_iter()
            .zip(&keys)
            .map(|(file, key)| {
                let result = dossier_workspace::read_file(&file.path, config.max_file_size).and_then(|bytes| {
                    let (store, key) = match key {
                        Some((root, key)) => (Some(caches.store(*root)), key.as_str()),
                        None => (None, file.display.as_str()),
                    };
                    dossier_workspace::ingest_with_store_key(&file.display, key, &bytes, &config, store)
                        .map_err(|error| FileError { path: file.path.clone(), error: error.to_string() })
                });
                // The matching text, made here in parallel for the documents
                // the builder will scan; one whose mentions come from the
                // cache is never normalized (it is made on first use).
                if let Ok((document, detection)) = &result
                    && (key.is_none() || detection.is_some())
                {
                    document.normalized();
                }
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, files.len());
                result
            })
            .collect::<Vec<_>>()
    });

    let workspace = WorkspaceConfig::default();
    let named: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let mut sources = Vec::new();
    let mut errors = walk_errors;
    let mut detected: HashMap<usize, Vec<(String, Detection)>> = HashMap::new();
    let mut build_keys = HashMap::new();
    let mut from_cache = 0;
    for ((file, key), result) in files.iter().zip(keys).zip(results) {
        let role = if named.contains(&file.path.as_path()) {
            Some(workspace.role_of_named(&file.path).unwrap_or(FileRole::Document))
        } else {
            workspace.role(&file.path)
        };
        let kind = match role {
            Some(FileRole::Note) => SourceKind::Note,
            Some(FileRole::Document) => SourceKind::Document,
            None => continue,
        };
        match result {
            Ok((document, detection)) => {
                if let Some(key) = key {
                    match detection {
                        Some(detection) => detected.entry(key.0).or_default().push((key.1.clone(), detection)),
                        None => from_cache += 1,
                    }
                    build_keys.insert(document.path.clone(), key);
                }
                sources.push(Arc::new(Source { kind, document }));
            }
            Err(error) => errors.push(error),
        }
    }
    if caches.is_empty() {
        return (Index::build(sources), errors);
    }
    tracing::info!("languages of {from_cache} of {} files from the cache", sources.len());
    for (store, detections) in detected {
        caches.store(store).put(&detections);
    }
    let mut builder = IndexBuilder::with_cache(caches.build_cache(build_keys));
    let index = builder.build(sources);
    builder.save();
    caches.forget_missing(&files);
    (index, errors)
}

/// Runs `work` with a progress callback that draws a bar on a terminal when
/// the batch is large enough to be worth one.
fn with_progress<T>(
    total: usize,
    options: &CorpusOptions,
    work: impl FnOnce(&(dyn Fn(usize, usize) + Sync)) -> T,
) -> T {
    let bar = if options.no_progress || total < PROGRESS_THRESHOLD {
        ProgressBar::hidden()
    } else {
        // indicatif draws nothing when stderr is not a terminal.
        ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} ingesting {pos}/{len} files [{bar:30}] {per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let result = work(&|done, _total| bar.set_position(done as u64));
    bar.finish_and_clear();
    result
}

/// A path as the user should see it: relative to the current folder when it
/// is inside it, as given otherwise.
pub(crate) fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let text = relative.to_string_lossy().into_owned();
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

/// Prints the problems found in the notes (broken front matter, an alias
/// claimed twice) to stderr as warnings, one line each with the note's line.
pub(crate) fn report_problems(index: &dossier_index::Index) {
    for problem in index.problems() {
        let location = &problem.location;
        let line = index
            .source(&location.path)
            .map(|source| {
                dossier_ingest::LineIndex::new(&source.document.text)
                    .line_col(&source.document.text, location.text_range.start, dossier_ingest::PositionEncoding::Utf8)
                    .line
                    + 1
            })
            .unwrap_or(1);
        eprintln!("warning: {}:{line}: {}", location.path, problem.message);
    }
}

/// Prints failures to stderr, one line each.
pub(crate) fn report_errors(errors: &[FileError]) {
    for error in errors {
        eprintln!("error: {}: {}", display_path(&error.path), error.error);
    }
}
