//! Reading the roots: a load from scratch, and the re-reading of the paths
//! that changed (ingested when a fresh start's walk would find them, else
//! forgotten, in memory and in the persisted cache).

use std::{
    collections::{BTreeMap, HashSet},
    path::{Path, PathBuf},
    sync::Arc,
};

use dossier_index::IndexBuilder;
use dossier_workspace::{
    Store, WorkspaceConfig, load_workspace_with_store, read_file, walk, walk_entries, walk_folders,
};

use super::{
    Worker,
    roots::{Root, RootStores, root_of},
};

impl Worker {
    /// Loads every root from scratch and watches them.
    pub(super) fn load(&mut self, roots: Vec<PathBuf>, progress: &(dyn Fn(usize, usize) + Sync)) {
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
        for root in &self.roots {
            let start = std::time::Instant::now();
            let loaded = load_workspace_with_store(&root.path, &root.config, root.store.as_deref(), progress);
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
