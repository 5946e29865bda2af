//! Loading the corpus the user named: walking, parallel ingestion with a
//! progress bar on a terminal, and paths shown relative to the current folder.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use dossier_index::{Source, SourceKind};
use dossier_ingest::{Document, IngestConfig};
use dossier_workspace::{FileError, FileRole, WalkedFile, WorkspaceConfig};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::CorpusOptions;

/// Batches smaller than this finish before a bar would be worth drawing.
const PROGRESS_THRESHOLD: usize = 50;

/// Every file under `paths`, ingested in order of path, and every failure.
pub(crate) struct Batch {
    pub(crate) files: Vec<(WalkedFile, Result<Document, FileError>)>,
    pub(crate) walk_errors: Vec<FileError>,
}

/// Walks `paths` and ingests every file found.
pub(crate) fn ingest_paths(paths: &[PathBuf], config: &IngestConfig, options: &CorpusOptions) -> Batch {
    let (mut files, walk_errors) = dossier_workspace::walk(paths);
    for file in &mut files {
        file.display = display_path(&file.path);
    }
    let results =
        with_progress(files.len(), options, |progress| dossier_workspace::ingest_files(&files, config, progress));
    Batch { files: files.into_iter().zip(results).collect(), walk_errors }
}

/// The sources of a corpus for the index: `*.md` notes and `*.txt` documents
/// (the workspace defaults), and any file named explicitly (a note when it
/// is Markdown, else a document).
pub(crate) fn load_sources(paths: &[PathBuf], options: &CorpusOptions) -> (Vec<Arc<Source>>, Vec<FileError>) {
    let config = WorkspaceConfig::default();
    let batch = ingest_paths(paths, &options.ingest_config(), options);
    let named: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let mut sources = Vec::new();
    let mut errors = batch.walk_errors;
    for (file, result) in batch.files {
        let role = if named.contains(&file.path.as_path()) {
            Some(config.role_of_named(&file.path).unwrap_or(FileRole::Document))
        } else {
            config.role(&file.path)
        };
        let kind = match role {
            Some(FileRole::Note) => SourceKind::Note,
            Some(FileRole::Document) => SourceKind::Document,
            None => continue,
        };
        match result {
            Ok(document) => sources.push(Arc::new(Source { kind, document })),
            Err(error) => errors.push(error),
        }
    }
    (sources, errors)
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
