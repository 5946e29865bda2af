//! Reading and ingesting files in parallel, one error per failed file.

use std::{
    collections::{HashMap, HashSet},
    io::Read,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use dossier_index::{Source, SourceKind};
use dossier_ingest::{Document, IngestConfig, IngestError};
use rayon::prelude::*;

use crate::{
    FileError, WalkedFile, WorkspaceConfig,
    config::FileRole,
    store::{Detection, Store},
    walk::{describe_io, walk},
};

/// Reads one file and ingests it. The size limit is checked before reading,
/// and again while reading in case the file grows meanwhile.
pub fn ingest_file(path: &Path, display: &str, config: &IngestConfig) -> Result<Document, FileError> {
    let bytes = read_file(path, config.max_file_size)?;
    dossier_ingest::ingest(display, &bytes, config)
        .map_err(|error| FileError { path: path.to_path_buf(), error: error.to_string() })
}

/// Reads a file of at most `limit` bytes: a larger one is refused before it
/// is read (and if it grows meanwhile, after `limit + 1` bytes), so a huge
/// file dropped into a workspace is never held in memory; the error names
/// its size.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let error = |error: String| FileError { path: path.to_path_buf(), error };
    let mut file = std::fs::File::open(path).map_err(|e| error(describe_io(&e)))?;
    let metadata = file.metadata().map_err(|e| error(describe_io(&e)))?;
    if metadata.is_dir() {
        return Err(error("is a folder, not a file".to_owned()));
    }
    // Nothing larger is ever ingested, whatever the setting says (which may
    // be `u64::MAX`: `limit + 1` must not overflow).
    let limit = limit.min(dossier_ingest::MAX_DOCUMENT_BYTES);
    let too_large = |size: u64| error(IngestError::TooLarge { size, limit }.to_string());
    if metadata.len() > limit {
        return Err(too_large(metadata.len()));
    }
    // The size `stat` gives is a hint, not a promise (`/proc` says 0, a file
    // may shrink): the buffer grows as the bytes come, from at most 1 MiB.
    let mut bytes = Vec::with_capacity(metadata.len().min(1 << 20) as usize);
    file.by_ref().take(limit + 1).read_to_end(&mut bytes).map_err(|e| error(describe_io(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Ingests files in parallel (rayon), the whole pipeline: each document's
/// normalized matching text is made here too, rather than on its first use
/// by one thread. The results are in the order of `files`, whatever the
/// number of threads. `progress(done, total)` is called after each file,
/// from any thread.
pub fn ingest_files(
    files: &[WalkedFile],
    config: &IngestConfig,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Result<Document, FileError>> {
    ingest_files_with(files, config, progress, &|document| {
        document.normalized();
        document
    })
}

/// [`ingest_files`], with each document handed to `each` on the thread that
/// ingested it and only what `each` returns kept: a batch that reports on
/// its documents and needs them no longer (`dossier ingest`) holds one
/// document per thread instead of the whole corpus, and the memory of one
/// document is reused for the next.
pub fn ingest_files_with<T: Send>(
    files: &[WalkedFile],
    config: &IngestConfig,
    progress: &(dyn Fn(usize, usize) + Sync),
    each: &(dyn Fn(Document) -> T + Sync),
) -> Vec<Result<T, FileError>> {
    let done = AtomicUsize::new(0);
    files
        .par_iter()
        .map(|file| {
            let result = ingest_file(&file.path, &file.display, config).map(each);
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, files.len());
            result
        })
        .collect()
}

/// Ingests bytes, taking the language detection from `store` when it has a
/// matching entry (same path, same content hash, same settings). Returns the
/// document and, when detection ran, what to store for next time.
pub fn ingest_with_store(
    display: &str,
    bytes: &[u8],
    config: &IngestConfig,
    store: Option<&Store>,
) -> Result<(Document, Option<Detection>), IngestError> {
    ingest_with_store_key(display, display, bytes, config, store)
}

/// [`ingest_with_store`] with the entry looked up under `key` rather than
/// under the document's path: the command line names files relative to the
/// current folder, the language server (and so the cache) by their path
/// from the workspace root.
pub fn ingest_with_store_key(
    display: &str,
    key: &str,
    bytes: &[u8],
    config: &IngestConfig,
    store: Option<&Store>,
) -> Result<(Document, Option<Detection>), IngestError> {
    let hash = xxhash_rust::xxh3::xxh3_64(bytes);
    if let Some(stored) = store.and_then(|store| store.get(key)).filter(|stored| stored.matches(hash, config)) {
        let document = dossier_ingest::ingest_with_detection(display, bytes, config, stored.into_detection())?;
        return Ok((document, None));
    }
    let document = dossier_ingest::ingest(display, bytes, config)?;
    let detection = store.map(|_| Detection::of(&document, hash, config));
    Ok((document, detection))
}

/// How many files are ingested between two commits to the persisted cache:
/// a first ingestion killed midway keeps all but the last batch.
const FILES_PER_COMMIT: usize = 32;

/// Every source of a workspace, plus the files that failed.
#[derive(Debug, Default)]
pub struct LoadedWorkspace {
    /// Documents and notes, ordered by path.
    pub sources: Vec<Arc<Source>>,
    /// Files or folders that could not be walked, read or ingested.
    pub errors: Vec<FileError>,
    /// How many sources took their language detection from the persisted cache.
    pub from_store: usize,
}

/// Walks `root`, keeps the documents and notes `config` names, and ingests them
/// in parallel. Source paths are the files' paths as walked from `root`.
pub fn load_workspace(
    root: &Path,
    config: &WorkspaceConfig,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> LoadedWorkspace {
    load_workspace_with_store(root, config, None, progress)
}

/// [`load_workspace`] with the persisted cache of the root: files whose
/// bytes did not change since they were stored skip language detection,
/// new detections are stored a batch at a time, and entries of files that
/// are gone are dropped.
pub fn load_workspace_with_store(
    root: &Path,
    config: &WorkspaceConfig,
    store: Option<&Store>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> LoadedWorkspace {
    load_workspace_in_batches(root, config, store, progress, &mut |_, _, _| {})
}

/// What [`load_workspace_in_batches`] calls with each batch of sources, the
/// files read so far and the files found.
pub type OnBatch<'a> = dyn FnMut(&[Arc<Source>], usize, usize) + 'a;

/// [`load_workspace_with_store`], handing each batch of sources to
/// `on_batch` as soon as it is ingested, with how many files were read so far
/// (failed ones included) and how many the walk found:
/// the notes come first, so that a caller can index them (and the first
/// documents) before the rest is read. The sources returned are in the
/// walk's order all the same.
pub fn load_workspace_in_batches(
    root: &Path,
    config: &WorkspaceConfig,
    store: Option<&Store>,
    progress: &(dyn Fn(usize, usize) + Sync),
    on_batch: &mut OnBatch<'_>,
) -> LoadedWorkspace {
    let (files, mut errors) = walk(&[root.to_path_buf()]);
    let files: Vec<(WalkedFile, FileRole)> = files
        .into_iter()
        .filter_map(|file| {
            let relative = file.path.strip_prefix(root).unwrap_or(&file.path);
            config.role(relative).map(|role| (file, role))
        })
        .collect();
    // Notes first: they are few, and they are what a user asks about first.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&at| files[at].1 != FileRole::Note);
    let done = AtomicUsize::new(0);
    let mut found: Vec<Option<Arc<Source>>> = vec![None; files.len()];
    let mut from_store = 0;
    let mut read = 0;
    for batch in order.chunks(FILES_PER_COMMIT) {
        let results: Vec<Result<(Document, Option<Detection>), FileError>> = batch
            .par_iter()
            .map(|&at| {
                let file = &files[at].0;
                let result = read_file(&file.path, config.ingest.max_file_size).and_then(|bytes| {
                    ingest_with_store(&file.display, &bytes, &config.ingest, store)
                        .map_err(|error| FileError { path: file.path.clone(), error: error.to_string() })
                });
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, files.len());
                result
            })
            .collect();
        let mut detected = Vec::new();
        let mut ingested = Vec::with_capacity(batch.len());
        for (&at, result) in batch.iter().zip(results) {
            let (file, role) = &files[at];
            match result {
                Ok((document, detection)) => {
                    match detection {
                        Some(detection) => detected.push((file.display.clone(), detection)),
                        None if store.is_some() => from_store += 1,
                        None => {}
                    }
                    let source = Arc::new(Source { kind: source_kind(*role), document });
                    found[at] = Some(Arc::clone(&source));
                    ingested.push(source);
                }
                Err(error) => errors.push(error),
            }
        }
        if let Some(store) = store {
            store.put(&detected);
        }
        read += batch.len();
        on_batch(&ingested, read, files.len());
    }
    let sources: Vec<Arc<Source>> = found.into_iter().flatten().collect();
    if let Some(store) = store {
        let kept: HashSet<&str> = sources.iter().map(|source| source.document.path.as_str()).collect();
        store.retain(|key| kept.contains(key));
    }
    LoadedWorkspace { sources, errors, from_store }
}

fn source_kind(role: FileRole) -> SourceKind {
    match role {
        FileRole::Document => SourceKind::Document,
        FileRole::Note => SourceKind::Note,
    }
}

/// Remembers ingested sources by path and content hash, so that re-ingesting
/// an unchanged file costs a read and a hash, not a decode and a detection.
#[derive(Debug, Default)]
pub struct IngestCache {
    entries: HashMap<PathBuf, (u64, Arc<Source>)>,
}

impl IngestCache {
    /// The source for `bytes` read from `path`: the cached one when the bytes
    /// are unchanged, else a fresh ingestion (which replaces the cached one).
    pub fn ingest(
        &mut self,
        path: &Path,
        display: &str,
        kind: SourceKind,
        bytes: &[u8],
        config: &IngestConfig,
    ) -> Result<Arc<Source>, FileError> {
        self.ingest_with_store(path, display, kind, bytes, config, None)
    }

    /// [`IngestCache::ingest`], taking a missed file's language detection
    /// from the persisted `store` when it has it, and storing it there when
    /// it had to run.
    pub fn ingest_with_store(
        &mut self,
        path: &Path,
        display: &str,
        kind: SourceKind,
        bytes: &[u8],
        config: &IngestConfig,
        store: Option<&Store>,
    ) -> Result<Arc<Source>, FileError> {
        let hash = xxhash_rust::xxh3::xxh3_64(bytes);
        if let Some((cached_hash, source)) = self.entries.get(path)
            && *cached_hash == hash
            && source.kind == kind
            && source.document.path == display
        {
            return Ok(Arc::clone(source));
        }
        let (document, detection) = ingest_with_store(display, bytes, config, store)
            .map_err(|error| FileError { path: path.to_path_buf(), error: error.to_string() })?;
        if let (Some(store), Some(detection)) = (store, detection) {
            store.put(&[(display.to_owned(), detection)]);
        }
        let source = Arc::new(Source { kind, document });
        self.entries.insert(path.to_path_buf(), (hash, Arc::clone(&source)));
        Ok(source)
    }

    /// Remembers a source ingested elsewhere (by [`load_workspace_with_store`])
    /// from bytes hashing to its document's hash.
    pub fn insert(&mut self, path: &Path, source: Arc<Source>) {
        if let Ok(hash) = u64::from_str_radix(&source.document.hash, 16) {
            self.entries.insert(path.to_path_buf(), (hash, source));
        }
    }

    /// The cached source of `path`, if any.
    pub fn get(&self, path: &Path) -> Option<&Arc<Source>> {
        self.entries.get(path).map(|(_, source)| source)
    }

    /// Forgets a file that was deleted or renamed away.
    pub fn remove(&mut self, path: &Path) -> Option<Arc<Source>> {
        self.entries.remove(path).map(|(_, source)| source)
    }

    /// Forgets every file.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The cached paths and sources, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &Arc<Source>)> {
        self.entries.iter().map(|(path, (_, source))| (path.as_path(), source))
    }

    /// Number of cached sources.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn one_bad_file_does_not_stop_the_batch() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.txt"), "Hello world").unwrap();
        fs::write(dir.path().join("big.txt"), "x".repeat(100)).unwrap();
        fs::write(dir.path().join("c.md"), "# Note").unwrap();
        let mut config = WorkspaceConfig::default();
        config.ingest.max_file_size = 50;
        let loaded = load_workspace(dir.path(), &config, &|_, _| {});
        let paths: Vec<_> =
            loaded.sources.iter().map(|s| (s.kind, s.document.path.rsplit('/').next().unwrap())).collect();
        assert_eq!(paths, [(SourceKind::Document, "a.txt"), (SourceKind::Note, "c.md")]);
        assert_eq!(loaded.errors.len(), 1);
        assert!(loaded.errors[0].path.ends_with("big.txt"));
        assert_eq!(loaded.errors[0].error, "file is 100 bytes, over the limit of 50 bytes");
    }

    #[test]
    fn batches_bring_the_notes_first_and_the_sources_keep_the_walk_order() {
        let dir = tempfile::tempdir().unwrap();
        let documents = FILES_PER_COMMIT + 3;
        for n in 0..documents {
            fs::write(dir.path().join(format!("a{n:03}.txt")), format!("Document number {n}.")).unwrap();
        }
        fs::write(dir.path().join("z-note.md"), "# Note").unwrap();
        let mut batches = Vec::new();
        let mut on_batch = |batch: &[Arc<Source>], read: usize, total: usize| {
            let kinds: Vec<SourceKind> = batch.iter().map(|source| source.kind).collect();
            batches.push((kinds, read, total));
        };
        let loaded =
            load_workspace_in_batches(dir.path(), &WorkspaceConfig::default(), None, &|_, _| {}, &mut on_batch);
        let total = documents + 1;
        assert_eq!(batches.len(), 2);
        assert_eq!(batches[0].0[0], SourceKind::Note);
        assert_eq!((batches[0].1, batches[0].2), (FILES_PER_COMMIT, total));
        assert_eq!((batches[1].0.len(), batches[1].1, batches[1].2), (total - FILES_PER_COMMIT, total, total));
        let paths: Vec<&str> = loaded.sources.iter().map(|s| s.document.path.rsplit('/').next().unwrap()).collect();
        let mut sorted = paths.clone();
        sorted.sort_unstable();
        assert_eq!(paths, sorted);
        assert_eq!(paths.last(), Some(&"z-note.md"));
    }

    #[cfg(unix)]
    #[test]
    fn a_size_limit_near_u64_max_does_not_overflow() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.txt"), "Hello world").unwrap();
        // Sparse: a terabyte that takes no room, refused before it is read.
        fs::File::create(dir.path().join("huge.txt")).unwrap().set_len(1 << 40).unwrap();
        let mut config = WorkspaceConfig::default();
        for limit in [u64::MAX, u64::MAX - 1] {
            config.ingest.max_file_size = limit;
            let loaded = load_workspace(dir.path(), &config, &|_, _| {});
            let texts: Vec<&str> = loaded.sources.iter().map(|s| s.document.text.as_str()).collect();
            assert_eq!(texts, ["Hello world"]);
            assert_eq!(loaded.errors.len(), 1);
            assert_eq!(loaded.errors[0].error, "file is 1099511627776 bytes, over the limit of 134217728 bytes");
        }
    }

    #[test]
    fn vanished_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone.txt");
        let error = ingest_file(&path, "gone.txt", &IngestConfig::default()).unwrap_err();
        assert_eq!(error.to_string(), format!("{}: no such file or folder", path.display()));
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_file_is_an_error() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.txt");
        fs::write(&path, "x").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads anything; the check only means something for other users.
        if fs::read(&path).is_err() {
            let error = ingest_file(&path, "secret.txt", &IngestConfig::default()).unwrap_err();
            assert_eq!(error.error, "permission denied");
        }
    }

    #[test]
    fn cache_reuses_unchanged_sources() {
        let mut cache = IngestCache::default();
        let config = IngestConfig::default();
        let path = Path::new("a.txt");
        let first = cache.ingest(path, "a.txt", SourceKind::Document, b"Hello", &config).unwrap();
        let again = cache.ingest(path, "a.txt", SourceKind::Document, b"Hello", &config).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        let changed = cache.ingest(path, "a.txt", SourceKind::Document, b"Hello!", &config).unwrap();
        assert!(!Arc::ptr_eq(&first, &changed));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn results_follow_the_input_order_whatever_the_threads() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<WalkedFile> = (0..50)
            .map(|i| {
                let path = dir.path().join(format!("{i:02}.txt"));
                fs::write(&path, format!("document {i}")).unwrap();
                WalkedFile { display: path.display().to_string(), path }
            })
            .collect();
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let four = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
        let config = IngestConfig::default();
        let texts = |pool: &rayon::ThreadPool| -> Vec<String> {
            pool.install(|| ingest_files(&files, &config, &|_, _| {}))
                .into_iter()
                .map(|result| result.unwrap().text)
                .collect()
        };
        assert_eq!(texts(&one), texts(&four));
        assert_eq!(texts(&one)[7], "document 7");
    }
}
