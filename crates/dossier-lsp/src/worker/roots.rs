//! The workspace roots, each with its settings and persisted cache, and
//! the rules for which files Dossier reads: a path's root decides whether
//! it is a document, a note, or nothing Dossier reads.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use dossier_index::{BuildCache, SourceKind};
use dossier_workspace::{FileRole, Store, WorkspaceConfig, in_skipped_dir};

use super::Worker;

/// A workspace root with its settings and persisted cache.
pub(super) struct Root {
    pub(super) path: PathBuf,
    pub(super) config: WorkspaceConfig,
    /// `None` when the cache cannot be used (see `Store::open`).
    pub(super) store: Option<Arc<Store>>,
}

/// The index builder's cache: each root's store, chosen by path.
pub(super) struct RootStores(pub(super) Vec<(PathBuf, Arc<Store>)>);

impl RootStores {
    /// The store of the innermost root holding `path`.
    fn of(&self, path: &str) -> Option<usize> {
        let path = Path::new(path);
        (0..self.0.len()).filter(|&i| path.starts_with(&self.0[i].0)).max_by_key(|&i| self.0[i].0.as_os_str().len())
    }
}

impl BuildCache for RootStores {
    fn get(&self, path: &str) -> Option<Vec<u8>> {
        BuildCache::get(&*self.0[self.of(path)?].1, path)
    }

    fn put(&self, values: Vec<(String, Vec<u8>)>) {
        let mut by_store: Vec<Vec<(String, Vec<u8>)>> = vec![Vec::new(); self.0.len()];
        for (path, value) in values {
            if let Some(store) = self.of(&path) {
                by_store[store].push((path, value));
            }
        }
        for (values, (_, store)) in by_store.into_iter().zip(&self.0) {
            if !values.is_empty() {
                BuildCache::put(&**store, values);
            }
        }
    }
}

impl Worker {
    /// The root holding `path` (the innermost when roots nest).
    pub(super) fn root_of(&self, path: &Path) -> Option<&Root> {
        root_of(&self.roots, path)
    }

    pub(super) fn skipped(&self, path: &Path) -> bool {
        let Some(root) = self.root_of(path) else { return true };
        let relative = path.strip_prefix(&root.path).unwrap_or(path);
        in_skipped_dir(relative)
    }

    /// Document, note, or `None` for files Dossier does not read.
    pub(super) fn kind_of(&self, path: &Path) -> Option<SourceKind> {
        if self.skipped(path) {
            return None;
        }
        let root = self.root_of(path)?;
        match root.config.role(path.strip_prefix(&root.path).ok()?)? {
            FileRole::Document => Some(SourceKind::Document),
            FileRole::Note => Some(SourceKind::Note),
        }
    }

    pub(super) fn config_of(&self, path: &Path) -> WorkspaceConfig {
        self.root_of(path).map(|root| root.config.clone()).unwrap_or_default()
    }
}

/// Whether `path` (resolved, as link targets are) names something inside
/// one of the roots. Nothing outside them is ever looked at: a note's link
/// to `/net/host/x` must not make the server touch that path (a stalled
/// network mount, or an oracle of which files exist).
pub(super) fn exists_in_roots(roots: &[Root], path: &Path) -> bool {
    crate::diagnostics::exists_under(roots.iter().map(|root| root.path.as_path()), path)
}

/// The root holding `path` (the innermost when roots nest).
pub(super) fn root_of<'a>(roots: &'a [Root], path: &Path) -> Option<&'a Root> {
    roots.iter().filter(|root| path.starts_with(&root.path)).max_by_key(|root| root.path.as_os_str().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_outside_the_roots_are_never_looked_at() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("image.png"), "png").unwrap();
        std::fs::write(dir.path().join("outside.md"), "# Outside").unwrap();
        let roots = [Root { path: root.clone(), config: WorkspaceConfig::default(), store: None }];
        assert!(exists_in_roots(&roots, &root.join("image.png")));
        assert!(!exists_in_roots(&roots, &root.join("missing.png")));
        // It exists, but outside the roots: as if it did not.
        assert!(!exists_in_roots(&roots, &dir.path().join("outside.md")));
        assert!(!exists_in_roots(&roots, &root.join("../outside.md")));
    }
}
