//! The persisted cache for `dossier terms` and `dossier lookup`: the one the
//! language server keeps for its workspace (`<root>/.dossier/cache.redb`, or
//! under `DOSSIER_CACHE_DIR`), so that a repeated command over an unchanged
//! corpus skips language detection, name extraction and the mention scan.
//!
//! Which cache a folder uses: that of the folder itself or of its nearest
//! parent whose cache folder exists, so that `dossier terms docs` inside a
//! workspace the server has loaded reads the server's cache. The command
//! line creates no folder inside the corpus: with none found it writes a
//! cache only under `DOSSIER_CACHE_DIR` (outside the workspace), and
//! `mkdir <folder>/.dossier` opts a folder in. A cache that cannot be opened
//! (locked by a running server, unwritable) means working without one, with
//! a warning from the store.
//!
//! Entries are keyed as the server keys them, by absolute path from the
//! root, while documents keep the paths the command line shows; every entry
//! is checked against the file's content hash and the settings, so what a
//! command prints is the same with or without a cache.

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
    sync::Arc,
};

use dossier_index::BuildCache;
use dossier_workspace::{CACHE_DIR_VARIABLE, Store, WalkedFile, store_dir};

/// The caches of the folders a command reads.
#[derive(Default)]
pub(crate) struct Caches {
    roots: Vec<CacheRoot>,
}

/// One workspace root's cache.
struct CacheRoot {
    /// Absolute and without `.` or `..`, as keys start.
    root: PathBuf,
    store: Arc<Store>,
    /// Whether the command walked the whole root: only then may it drop the
    /// entries of files that are gone.
    walked_whole: bool,
}

/// Where one file's entries are: the store (an index into the roots) and the key.
pub(crate) type CacheKey = (usize, String);

impl Caches {
    /// Finds and opens the caches of `paths` (the files and folders named).
    pub(crate) fn open(paths: &[PathBuf]) -> Caches {
        let moved = std::env::var_os(CACHE_DIR_VARIABLE).is_some_and(|dir| !dir.is_empty());
        let mut caches = Caches::default();
        for path in paths {
            let Some(absolute) = normalized_absolute(path) else { continue };
            let is_dir = path.is_dir();
            let start = if is_dir { absolute.as_path() } else { absolute.parent().unwrap_or(&absolute) };
            let found = start.ancestors().find(|ancestor| store_dir(ancestor).is_dir()).map(Path::to_path_buf);
            let root = match found {
                Some(root) => root,
                // A cache of its own only where it touches nothing of the user's.
                None if is_dir && moved => absolute.clone(),
                None => continue,
            };
            let walked_whole = is_dir && root == absolute;
            if let Some(known) = caches.roots.iter_mut().find(|known| known.root == root) {
                known.walked_whole |= walked_whole;
                continue;
            }
            if let Some(store) = Store::open(&root) {
                tracing::debug!("{}: using the cache {}", path.display(), store.file().display());
                caches.roots.push(CacheRoot { root, store: Arc::new(store), walked_whole });
            }
        }
        caches
    }

    /// Whether no cache is open.
    pub(crate) fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// The store of a [`CacheKey`]'s root.
    pub(crate) fn store(&self, root: usize) -> &Store {
        &self.roots[root].store
    }

    /// The store and key of a walked file: its innermost root's, under the
    /// file's absolute path.
    pub(crate) fn key_of(&self, path: &Path) -> Option<CacheKey> {
        if self.roots.is_empty() {
            return None;
        }
        let absolute = normalized_absolute(path)?;
        let root = (0..self.roots.len())
            .filter(|&i| absolute.starts_with(&self.roots[i].root))
            .max_by_key(|&i| self.roots[i].root.as_os_str().len())?;
        Some((root, absolute.to_str()?.to_owned()))
    }

    /// The index builder's cache, for documents known by their shown path.
    pub(crate) fn build_cache(&self, keys: HashMap<String, CacheKey>) -> Arc<dyn BuildCache> {
        let stores = self.roots.iter().map(|root| Arc::clone(&root.store)).collect();
        Arc::new(KeyedBuildCache { stores, keys })
    }

    /// Drops the entries of files that are gone from every root the command
    /// walked whole (`files` is every file the walk found), as the server
    /// does after a load: the cache follows the corpus, not its history.
    pub(crate) fn forget_missing(&self, files: &[WalkedFile]) {
        let walked: HashSet<String> = files
            .iter()
            .filter_map(|file| normalized_absolute(&file.path).and_then(|path| path.to_str().map(str::to_owned)))
            .collect();
        for root in self.roots.iter().filter(|root| root.walked_whole) {
            root.store.retain(|key| walked.contains(key) || !Path::new(key).starts_with(&root.root));
        }
    }
}

/// `path` made absolute, with `.` and `..` resolved by name, as the server
/// resolves its workspace roots from their URIs. A symbolic link on the way
/// only costs misses: every entry is checked against the file's contents.
fn normalized_absolute(path: &Path) -> Option<PathBuf> {
    Some(dossier_index::lexically_normal(&std::path::absolute(path).ok()?))
}

/// The stores as the index builder sees them: by the documents' shown paths.
struct KeyedBuildCache {
    stores: Vec<Arc<Store>>,
    keys: HashMap<String, CacheKey>,
}

impl BuildCache for KeyedBuildCache {
    fn get(&self, path: &str) -> Option<Vec<u8>> {
        let (store, key) = self.keys.get(path)?;
        BuildCache::get(&*self.stores[*store], key)
    }

    fn put(&self, values: Vec<(String, Vec<u8>)>) {
        let mut by_store: Vec<Vec<(String, Vec<u8>)>> = vec![Vec::new(); self.stores.len()];
        for (path, value) in values {
            if let Some((store, key)) = self.keys.get(&path) {
                by_store[*store].push((key.clone(), value));
            }
        }
        for (values, store) in by_store.into_iter().zip(&self.stores) {
            if !values.is_empty() {
                BuildCache::put(&**store, values);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_absolute_without_dots() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(normalized_absolute(Path::new("./a/../b/c.txt")).unwrap(), cwd.join("b/c.txt"));
        assert_eq!(normalized_absolute(Path::new("/x/./y/../z")).unwrap(), Path::new("/x/z"));
    }
}
