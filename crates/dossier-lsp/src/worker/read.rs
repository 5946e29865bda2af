//! Reading the roots: a load from scratch, and the re-reading of the paths
//! that changed (ingested when a fresh start's walk would find them, else
//! forgotten, in memory and in the persisted cache).

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    path::{Path, PathBuf},
    sync::Arc,
};

use dossier_index::{IndexBuilder, Source, SourceKind};
use dossier_workspace::{
    LoadedWorkspace, Store, WorkspaceConfig, load_workspace_in_batches, read_file, walk, walk_entries, walk_folders,
};

use super::{
    SourceCache, Worker,
    roots::{Root, RootStores, root_of},
};
use crate::state::Snapshot;

/// A partial index of a first load, `indexing` being (files indexed, files found).
fn partial_snapshot(
    index: Arc<dossier_index::Index>,
    cache: &mut SourceCache,
    indexing: (usize, usize),
    unwatched: usize,
) -> Snapshot {
    let (lines, tables) = cache.tables(&index);
    Snapshot { index, lines, buffer_texts: HashMap::new(), ready: false, indexing: Some(indexing), unwatched, tables }
}

/// The files a load went through: its sources and the files that failed.
fn total_of(loaded: &LoadedWorkspace) -> usize {
    loaded.sources.len() + loaded.errors.len()
}

/// When a first load publishes the index of what it has read so far.
///
/// Once the notes and the first documents are read, their index is built and
/// published, so that hover, definition and completion answer within a few
/// seconds whatever the size of the corpus. Later partial builds are made
/// only while all of them together have taken at most a tenth of the load's
/// time: each costs the linking of every name and, when the aliases change,
/// a scan of every source read so far, so more of them would delay the
/// whole index. What each partial build finds in a source is kept by the
/// builder, so the final build does not find it again.
struct EarlyIndex {
    enabled: bool,
    start: std::time::Instant,
    /// Time spent on partial builds.
    spent: std::time::Duration,
    /// The sources read so far, of every root.
    sources: Vec<Arc<Source>>,
    /// Files read and found by the roots loaded before this one.
    earlier: usize,
    published: bool,
}

impl EarlyIndex {
    fn new(enabled: bool) -> EarlyIndex {
        EarlyIndex {
            enabled,
            start: std::time::Instant::now(),
            spent: std::time::Duration::ZERO,
            sources: Vec::new(),
            earlier: 0,
            published: false,
        }
    }

    /// Takes in a batch of the current root (`read` of its `total` files
    /// read) and calls `build` with the sources so far and (files read,
    /// files found) when a partial index is due.
    fn add(
        &mut self,
        batch: &[Arc<Source>],
        read: usize,
        total: usize,
        build: &mut dyn FnMut(Vec<Arc<Source>>, (usize, usize)),
    ) {
        if !self.enabled {
            return;
        }
        self.sources.extend(batch.iter().cloned());
        // The last batch of a root is indexed whole by the build that follows.
        if read == total {
            return;
        }
        let has_documents = batch.iter().any(|source| source.kind == SourceKind::Document);
        let due = if self.published {
            self.spent * 10 <= self.start.elapsed()
        } else {
            // Notes come first: the first batch with documents ends them.
            has_documents
        };
        if due {
            let started = std::time::Instant::now();
            build(self.sources.clone(), (self.earlier + read, self.earlier + total));
            self.spent += started.elapsed();
            tracing::info!(
                "partial index of {} sources built and published in {:.0?}, at {:.0?}",
                self.sources.len(),
                started.elapsed(),
                self.start.elapsed()
            );
            self.published = true;
        }
    }

    /// Counts a root's files as read, once it is loaded.
    fn root_done(&mut self, total: usize) {
        self.earlier += total;
    }
}

impl Worker {
    /// Loads every root from scratch and watches them. On the first load,
    /// the index of what has been read so far goes to `publish` now and then
    /// (notes first, see [`EarlyIndex`]), so that requests are answered
    /// before the whole corpus is read and indexed.
    pub(super) fn load(
        &mut self,
        roots: Vec<PathBuf>,
        progress: &(dyn Fn(usize, usize) + Sync),
        publish: &dyn Fn(Snapshot),
    ) {
        let first = !self.ready;
        // The old stores close before the new ones open (redb allows one
        // handle per file): the builder holds them too, so it goes first,
        // once it has saved what it found.
        self.builder.save();
        self.builder = IndexBuilder::new();
        self.roots.clear();
        self.roots = roots
            .into_iter()
            .map(|path| {
                let config = WorkspaceConfig::load(&path).unwrap_or_else(|error| {
                    tracing::warn!("{error}; using the defaults");
                    WorkspaceConfig::default()
                });
                let store = Store::open(&path).map(Arc::new);
                Root { path, config, store }
            })
            .collect();
        let stores = self.roots.iter().filter_map(|root| Some((root.path.clone(), Arc::clone(root.store.as_ref()?))));
        self.builder = IndexBuilder::with_cache(Arc::new(RootStores(stores.collect())));
        self.built = None;
        self.disk.clear();
        self.disk_cache.clear();
        std::thread::spawn(dossier_index::preload);
        let mut early = EarlyIndex::new(first);
        for root in &self.roots {
            let start = std::time::Instant::now();
            let (builder, cache, unwatched) = (&mut self.builder, &mut self.sources, self.unwatched);
            let mut on_batch = |batch: &[Arc<Source>], read: usize, total: usize| {
                early.add(batch, read, total, &mut |sources: Vec<Arc<Source>>, indexing| {
                    let index = Arc::new(builder.build(sources));
                    publish(partial_snapshot(index, cache, indexing, unwatched));
                });
            };
            let loaded =
                load_workspace_in_batches(&root.path, &root.config, root.store.as_deref(), progress, &mut on_batch);
            early.root_done(total_of(&loaded));
            for error in &loaded.errors {
                tracing::warn!("{error}");
            }
            tracing::info!(
                "{}: {} sources, {} with languages from the cache, read in {:.0?}",
                root.path.display(),
                loaded.sources.len(),
                loaded.from_store,
                start.elapsed()
            );
            for source in loaded.sources {
                let path = PathBuf::from(&source.document.path);
                self.disk_cache.insert(&path, Arc::clone(&source));
                self.disk.insert(path, source);
            }
        }
        // Notes alone (or a corpus read in one batch) got no partial index:
        // their links come first, since the terms take several times longer.
        if first && !early.published && self.disk.values().any(|source| source.kind == SourceKind::Note) {
            let start = std::time::Instant::now();
            let index = Arc::new(self.builder.build_links(self.disk.values().cloned().collect()));
            let total = index.sources().len();
            publish(partial_snapshot(index, &mut self.sources, (total, total), self.unwatched));
            tracing::info!("the links of {total} sources indexed and published in {:.0?}", start.elapsed());
        }
        self.ready = true;
        self.watch();
    }

    /// Re-reads the paths that changed. A file is (re)ingested when the walk
    /// of a fresh start would find it (in a walked folder, not ignored by a
    /// `.gitignore`), else forgotten; a folder moved in is walked and
    /// watched; what is gone is forgotten. Each folder's rules are read once
    /// per batch, and the known files are checked once per batch whatever
    /// the number of removals.
    pub(super) fn refresh(&mut self, dirty: impl IntoIterator<Item = PathBuf>) {
        let mut by_folder: BTreeMap<PathBuf, Vec<(PathBuf, bool)>> = BTreeMap::new();
        let mut disappeared = false;
        for path in dirty {
            if self.skipped(&path) {
                continue;
            }
            match std::fs::metadata(&path) {
                // A folder already walked (a root, or one whose contents changed).
                Ok(metadata) if metadata.is_dir() && self.folders.contains(&path) => self.walk_in(&path),
                Ok(metadata) if metadata.is_dir() || metadata.is_file() => {
                    let Some(parent) = path.parent() else { continue };
                    by_folder.entry(parent.to_path_buf()).or_default().push((path, metadata.is_dir()));
                }
                // Gone, or not a regular file (a FIFO would block the read, and
                // every rebuild after it, until someone writes to it).
                Ok(_) | Err(_) => {
                    self.forget_under(&path);
                    disappeared = true;
                }
            }
        }
        for (folder, paths) in by_folder {
            let (files, folders) =
                if self.folders.contains(&folder) { walk_entries(&folder) } else { Default::default() };
            let (files, folders): (HashSet<PathBuf>, HashSet<PathBuf>) =
                (files.into_iter().collect(), folders.into_iter().collect());
            for (path, is_dir) in paths {
                if is_dir && folders.contains(&path) {
                    self.walk_in(&path);
                } else if !is_dir && files.contains(&path) {
                    self.refresh_file(&path);
                } else {
                    // Ignored, or in a folder a walk does not enter.
                    self.forget_under(&path);
                }
            }
        }
        if disappeared {
            // A file renamed and then deleted before the watcher's events
            // settle is reported only as the removal of its new name, so
            // when something disappears every known file is checked: once
            // per batch of changes, not once per removal.
            let gone: Vec<PathBuf> = self.disk.keys().filter(|p| !p.is_file()).cloned().collect();
            for path in gone {
                self.forget(&path);
            }
        }
    }

    /// Reads every file a walk finds under `folder` and watches its folders.
    pub(super) fn walk_in(&mut self, folder: &Path) {
        let (walked, _) = walk(&[folder.to_path_buf()]);
        for file in walked {
            self.refresh_file(&file.path);
        }
        let new: Vec<PathBuf> = walk_folders(folder).into_iter().filter(|f| self.folders.insert(f.clone())).collect();
        self.watch_folders(&new);
    }

    /// Forgets `path` and everything under it.
    pub(super) fn forget_under(&mut self, path: &Path) {
        let under: Vec<PathBuf> = self
            .disk
            .range(path.to_path_buf()..)
            .take_while(|(p, _)| p.starts_with(path))
            .map(|(p, _)| p.clone())
            .collect();
        for file in under {
            self.forget(&file);
        }
        let folders: Vec<PathBuf> =
            self.folders.range(path.to_path_buf()..).take_while(|f| f.starts_with(path)).cloned().collect();
        for folder in folders {
            self.folders.remove(&folder);
        }
    }

    pub(super) fn refresh_file(&mut self, path: &Path) {
        let (Some(kind), Some(display)) = (self.kind_of(path), path.to_str()) else {
            // No longer read (a renamed extension, a new exclude): forget it.
            self.forget(path);
            return;
        };
        let Some(root) = root_of(&self.roots, path) else { return };
        let read = read_file(path, root.config.ingest.max_file_size).map_err(|error| error.error);
        let source = read.and_then(|bytes| {
            self.disk_cache
                .ingest_with_store(path, display, kind, &bytes, &root.config.ingest, root.store.as_deref())
                .map_err(|error| error.error)
        });
        match source {
            Ok(source) => {
                self.disk.insert(path.to_path_buf(), source);
            }
            Err(error) => {
                tracing::warn!("{}: {error}", path.display());
                self.forget(path);
            }
        }
    }

    /// Forgets a file that is gone or no longer read, in memory and in the
    /// persisted cache.
    pub(super) fn forget(&mut self, path: &Path) {
        self.disk.remove(path);
        if self.disk_cache.remove(path).is_some()
            && let (Some(root), Some(display)) = (self.root_of(path), path.to_str())
            && let Some(store) = &root.store
        {
            store.remove([display]);
        }
    }
}
