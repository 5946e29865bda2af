//! The edge of Dossier's core: walking folders, reading files and ingesting
//! them in parallel. The core crates take bytes; this crate touches the disk.
//!
//! ```no_run
//! use std::path::Path;
//! use dossier_workspace::{WorkspaceConfig, load_workspace};
//!
//! let root = Path::new("seeds");
//! let config = WorkspaceConfig::load(root).unwrap();
//! let loaded = load_workspace(root, &config, &|_done, _total| {});
//! for error in &loaded.errors {
//!     eprintln!("{error}");
//! }
//! ```
#![deny(missing_docs)]

mod batch;
mod config;
mod store;
mod walk;

pub use batch::{
    IngestCache, LoadedWorkspace, OnBatch, ingest_file, ingest_files, ingest_files_with, ingest_with_store,
    ingest_with_store_key, load_workspace, load_workspace_in_batches, load_workspace_with_store, read_file,
};
pub use config::{CONFIG_FILE, ConfigError, FileRole, WorkspaceConfig, is_markdown};
pub use store::{CACHE_DIR_VARIABLE, Detection, SCHEMA_VERSION, STORE_DIR, Store, store_dir};
pub use walk::{WalkedFile, in_skipped_dir, walk, walk_entries, walk_folders};

use std::{fmt, path::PathBuf};

/// A file that could not be walked, read or ingested, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file (or folder) as the user named it.
    pub path: PathBuf,
    /// What went wrong, in lower case.
    pub error: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for FileError {}
