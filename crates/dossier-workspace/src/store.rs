//! The persisted cache: what language detection found in each file and what
//! the index builder found in each document, kept in a `redb` database at
//! `<root>/.dossier/cache.redb`, so that a restart re-detects and
//! re-extracts only the files that changed.
//!
//! Only what is expensive to recompute is stored: the detected languages,
//! their shares and spans (`lingua` is most of an ingestion's time), and
//! the index builder's values ([`BuildCache`]: candidate names, which cost
//! jieba, and mentions, which cost the automaton). The decoded text, its
//! map to the original bytes and the normalized matching text are
//! recomputed from the bytes on load, which is fast and keeps the ingest
//! crate's alignment internals out of the file.
//!
//! Robustness, in order of the failures users meet:
//! - every write is one transaction, committed durably: a process killed in
//!   the middle of a write leaves the last committed state, which `redb`
//!   recovers on the next open;
//! - a database with another [`SCHEMA_VERSION`] is emptied and started over;
//! - a file that cannot be opened as a database (garbage, truncated, from a
//!   future format) is deleted and recreated, with a warning; when even that
//!   fails, or another process holds the database, Dossier runs without the
//!   cache, with a warning, and never fails because of it;
//! - entries are keyed by path and checked against the content hash and the
//!   ingestion settings, so a stale entry is never used.
//!
//! Nothing is written outside `<root>/.dossier/` (or the folder that
//! `DOSSIER_CACHE_DIR` names, see [`store_dir`]), and nothing through a
//! symbolic link: a `.dossier` or `cache.redb` that is one means no cache.
//! The folder holds a `.gitignore` of `*` and a `CACHEDIR.TAG`, so that Git
//! and backup tools leave the cache alone.

use std::{
    hash::{Hash, Hasher},
    panic::{AssertUnwindSafe, catch_unwind},
    path::{Path, PathBuf},
    sync::{RwLock, RwLockReadGuard},
};

use dossier_index::BuildCache;
use dossier_ingest::{Document, IngestConfig, LanguageShare, LanguageSpan, LanguageTag};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

/// The folder, at each workspace root, that holds Dossier's own files.
pub const STORE_DIR: &str = ".dossier";

/// The environment variable that moves every workspace's cache out of the
/// workspace: the cache of `<root>` is then `$DOSSIER_CACHE_DIR/<folder name>-<hash of root>/`.
pub const CACHE_DIR_VARIABLE: &str = "DOSSIER_CACHE_DIR";

/// The marker files of the cache folder, written when missing and never
/// overwritten: a `.gitignore` that keeps the whole folder out of Git (and of
/// the tools that read `.gitignore`), and the cache directory tag
/// (<https://bford.info/cachedir/>) that backup tools skip.
const MARKERS: &[(&str, &str)] = &[
    (".gitignore", "# Dossier's cache: rebuilt when missing, never worth committing.\n*\n"),
    (
        "CACHEDIR.TAG",
        "Signature: 8a477f597d28d172789f06886806bc55\n\
         # This file is a cache directory tag created by Dossier.\n\
         # For information about cache directory tags see https://bford.info/cachedir/\n",
    ),
];

/// Where the cache of the workspace at `root` lives: `<root>/.dossier/`, or
/// under [`CACHE_DIR_VARIABLE`] when it is set.
pub fn store_dir(root: &Path) -> PathBuf {
    store_dir_under(root, std::env::var_os(CACHE_DIR_VARIABLE).filter(|dir| !dir.is_empty()).map(PathBuf::from))
}

fn store_dir_under(root: &Path, base: Option<PathBuf>) -> PathBuf {
    match base {
        Some(base) => {
            // One folder per workspace: its name, for people, and a hash of
            // its absolute path, so that two `notes/` folders never share.
            let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
            let hash = xxhash_rust::xxh3::xxh3_64(absolute.as_os_str().as_encoded_bytes());
            let name = absolute.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
            base.join(format!("{name}-{hash:016x}"))
        }
        None => root.join(STORE_DIR),
    }
}

/// Writes the marker files that are missing; a failure costs only the marker.
fn mark_as_cache(dir: &Path) {
    for (name, contents) in MARKERS {
        let path = dir.join(name);
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut file| std::io::Write::write_all(&mut file, contents.as_bytes()));
        if let Err(error) = written
            && error.kind() != std::io::ErrorKind::AlreadyExists
        {
            tracing::warn!("cannot write {}: {error}", path.display());
        }
    }
}

/// The database file inside [`STORE_DIR`].
const STORE_FILE: &str = "cache.redb";

/// The layout of the stored values. Bump it whenever [`Detection`] or the
/// meaning of a stored field changes (including a change to language
/// detection in `dossier-ingest` that gives different results): an older
/// cache is then emptied instead of misread.
pub const SCHEMA_VERSION: u64 = 1;

/// How much memory `redb` may use for its page cache. Its default (1 GiB)
/// would be the server's largest allocation; entries are read once per load.
const PAGE_CACHE_BYTES: usize = 8 << 20;

const META: TableDefinition<'_, &str, u64> = TableDefinition::new("meta");
const DETECTIONS: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("detections");
/// The index builder's values (see `dossier_index::BuildCache`), by path.
const INDEX: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("index");
/// Every table of entries keyed by path.
const TABLES: [TableDefinition<'_, &str, &[u8]>; 2] = [DETECTIONS, INDEX];
const SCHEMA_KEY: &str = "schema";

/// What language detection found in one file, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// xxh3 of the file's bytes.
    hash: u64,
    /// [`settings_fingerprint`] of the ingestion settings it was found with.
    settings: u64,
    language: String,
    /// (language, share), largest first.
    languages: Vec<(String, f64)>,
    /// (start, end, language) in original bytes.
    spans: Vec<(usize, usize, String)>,
}

impl Detection {
    /// What detection found in `document`, ingested from bytes hashing to
    /// `hash` with `config`.
    pub fn of(document: &Document, hash: u64, config: &IngestConfig) -> Detection {
        Detection {
            hash,
            settings: settings_fingerprint(config),
            language: document.language.0.clone(),
            languages: document.languages.iter().map(|share| (share.language.0.clone(), share.share)).collect(),
            spans: document.spans.iter().map(|span| (span.start, span.end, span.language.0.clone())).collect(),
        }
    }

    /// Whether it was found in bytes hashing to `hash` with `config`.
    pub fn matches(&self, hash: u64, config: &IngestConfig) -> bool {
        self.hash == hash && self.settings == settings_fingerprint(config)
    }

    /// The stored detection, to ingest the same bytes with
    /// (`dossier_ingest::ingest_with_detection`).
    pub fn into_detection(self) -> dossier_ingest::Detection {
        dossier_ingest::Detection {
            language: LanguageTag(self.language),
            languages: self
                .languages
                .into_iter()
                .map(|(language, share)| LanguageShare { language: LanguageTag(language), share })
                .collect(),
            spans: self
                .spans
                .into_iter()
                .map(|(start, end, language)| LanguageSpan { start, end, language: LanguageTag(language) })
                .collect(),
        }
    }
}

/// A hash of the ingestion settings that change what detection finds.
fn settings_fingerprint(config: &IngestConfig) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    SCHEMA_VERSION.hash(&mut hasher);
    dossier_ingest::DETECTION_VERSION.hash(&mut hasher);
    config.languages.hash(&mut hasher);
    hasher.finish()
}

/// The persisted cache of one workspace root.
pub struct Store {
    /// Read and written through shared references like any redb database;
    /// only [`Store::compact`] takes the write lock, since redb compacts a
    /// database only when no transaction is open.
    db: RwLock<Database>,
    file: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("file", &self.file).finish_non_exhaustive()
    }
}

/// Runs a database operation, turning a panic inside `redb` (its debug
/// builds assert on some corrupt pages) into an error like any other.
fn guarded<T>(operation: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(operation)).unwrap_or_else(|_| Err("the database panicked".to_owned()))
}

impl Store {
    /// Opens the cache of the workspace at `root`, creating `.dossier/` and
    /// the database when missing. A database that cannot be read is deleted
    /// and recreated; `None` (with a warning) when there is no usable cache,
    /// and the caller works without one.
    pub fn open(root: &Path) -> Option<Store> {
        // Only `.dossier/` itself is ever created: a root that is not an
        // existing folder gets no cache rather than a new folder.
        if !root.is_dir() {
            return None;
        }
        let dir = store_dir(root);
        let created = if dir.starts_with(root) { std::fs::create_dir(&dir) } else { std::fs::create_dir_all(&dir) };
        if let Err(error) = created
            && error.kind() != std::io::ErrorKind::AlreadyExists
        {
            tracing::warn!("cannot create {}: {error}; working without a cache", dir.display());
            return None;
        }
        // Never through a link: a `.dossier` or a `cache.redb` that is a
        // symbolic link (or anything but a folder and a file) would have the
        // cache written, or an unreadable file deleted, wherever it points.
        if !std::fs::symlink_metadata(&dir).is_ok_and(|metadata| metadata.is_dir()) {
            tracing::warn!("{} is not a folder (a symbolic link?); working without a cache", dir.display());
            return None;
        }
        mark_as_cache(&dir);
        let file = dir.join(STORE_FILE);
        if std::fs::symlink_metadata(&file).is_ok_and(|metadata| !metadata.is_file()) {
            tracing::warn!("{} is not a file (a symbolic link?); working without a cache", file.display());
            return None;
        }
        match Store::open_file(&file) {
            Ok(store) => return Some(store),
            Err(OpenError::Busy(error)) => {
                tracing::warn!("{}: {error}; working without a cache", file.display());
                return None;
            }
            Err(OpenError::Unreadable(error)) => {
                tracing::warn!("{}: unreadable cache ({error}); rebuilding it", file.display());
            }
        }
        if let Err(error) = std::fs::remove_file(&file) {
            tracing::warn!("cannot remove {}: {error}; working without a cache", file.display());
            return None;
        }
        match Store::open_file(&file) {
            Ok(store) => Some(store),
            Err(OpenError::Busy(error) | OpenError::Unreadable(error)) => {
                tracing::warn!("{}: {error}; working without a cache", file.display());
                None
            }
        }
    }

    fn open_file(file: &Path) -> Result<Store, OpenError> {
        let opened =
            catch_unwind(AssertUnwindSafe(|| Database::builder().set_cache_size(PAGE_CACHE_BYTES).create(file)));
        let db = match opened {
            Ok(Ok(db)) => db,
            Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen | redb::DatabaseError::LockProtocolMismatch)) => {
                return Err(OpenError::Busy("the cache is in use by another Dossier process".to_owned()));
            }
            Ok(Err(error)) => return Err(OpenError::Unreadable(error.to_string())),
            Err(_) => return Err(OpenError::Unreadable("the database panicked".to_owned())),
        };
        let store = Store { db: RwLock::new(db), file: file.to_path_buf() };
        store.check_schema().map_err(OpenError::Unreadable)?;
        Ok(store)
    }

    /// Empties the cache unless it was written with [`SCHEMA_VERSION`], and
    /// makes sure every table exists.
    fn check_schema(&self) -> Result<(), String> {
        guarded(|| {
            let transaction = self.begin_write()?;
            {
                let mut meta = transaction.open_table(META).map_err(|e| e.to_string())?;
                let version = meta.get(SCHEMA_KEY).map_err(|e| e.to_string())?.map(|v| v.value());
                if version != Some(SCHEMA_VERSION) {
                    if let Some(version) = version {
                        tracing::info!("cache schema {version} is not {SCHEMA_VERSION}: starting over");
                    }
                    for table in TABLES {
                        transaction.delete_table(table).map_err(|e| e.to_string())?;
                    }
                    meta.insert(SCHEMA_KEY, SCHEMA_VERSION).map_err(|e| e.to_string())?;
                }
            }
            for table in TABLES {
                transaction.open_table(table).map_err(|e| e.to_string())?;
            }
            transaction.commit().map_err(|e| e.to_string())
        })
    }

    fn db(&self) -> RwLockReadGuard<'_, Database> {
        self.db.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Gives the space of pages that earlier writes freed back to the file
    /// system. A first load writes every document's values and replaces
    /// detections batch by batch: the file ends up about twice the size of
    /// what it holds. Waits for the reads and writes under way; an error
    /// leaves the cache as it was (redb repairs an interrupted compaction
    /// on the next open).
    pub fn compact(&self) {
        let size = || std::fs::metadata(&self.file).map_or(0, |m| m.len());
        let before = size();
        let compacted = guarded(|| {
            let mut db = self.db.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            db.compact().map_err(|e| e.to_string())
        });
        // The file can shrink even when no page had to move (`Ok(false)`).
        match compacted {
            Ok(_) => tracing::debug!("{}: compacted from {before} to {} bytes", self.file.display(), size()),
            Err(error) => tracing::warn!("{}: cannot compact the cache: {error}", self.file.display()),
        }
    }

    /// Begins a write that also records the database's allocator state
    /// (redb's quick repair): a process killed or ended without closing the
    /// cache leaves a file that opens at once, not one read whole to repair.
    fn begin_write(&self) -> Result<redb::WriteTransaction, String> {
        let mut transaction = self.db().begin_write().map_err(|e| e.to_string())?;
        transaction.set_quick_repair(true);
        Ok(transaction)
    }

    /// The database file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The stored detection of the file at `key` (its display path), if any.
    /// Errors read as a miss: the file is then detected again.
    pub fn get(&self, key: &str) -> Option<Detection> {
        let found = guarded(|| {
            let transaction = self.db().begin_read().map_err(|e| e.to_string())?;
            let table = transaction.open_table(DETECTIONS).map_err(|e| e.to_string())?;
            let value = table.get(key).map_err(|e| e.to_string())?;
            Ok(value.and_then(|value| serde_json::from_slice::<Detection>(value.value()).ok()))
        });
        found.unwrap_or_else(|error| {
            tracing::debug!("{}: cannot read {key}: {error}", self.file.display());
            None
        })
    }

    /// Stores detections, all in one transaction: after a crash either all
    /// of them are there or none.
    pub fn put(&self, entries: &[(String, Detection)]) {
        if entries.is_empty() {
            return;
        }
        let written = guarded(|| {
            let transaction = self.begin_write()?;
            {
                let mut table = transaction.open_table(DETECTIONS).map_err(|e| e.to_string())?;
                for (key, detection) in entries {
                    let value = serde_json::to_vec(detection).map_err(|e| e.to_string())?;
                    table.insert(key.as_str(), value.as_slice()).map_err(|e| e.to_string())?;
                }
            }
            transaction.commit().map_err(|e| e.to_string())
        });
        if let Err(error) = written {
            tracing::warn!("{}: cannot write the cache: {error}", self.file.display());
        }
    }

    /// Forgets the files at `keys` (deleted or renamed away).
    pub fn remove<'a>(&self, keys: impl IntoIterator<Item = &'a str>) {
        let keys: Vec<&str> = keys.into_iter().collect();
        if keys.is_empty() {
            return;
        }
        let removed = guarded(|| {
            let transaction = self.begin_write()?;
            for table in TABLES {
                let mut table = transaction.open_table(table).map_err(|e| e.to_string())?;
                for key in &keys {
                    table.remove(*key).map_err(|e| e.to_string())?;
                }
            }
            transaction.commit().map_err(|e| e.to_string())
        });
        if let Err(error) = removed {
            tracing::warn!("{}: cannot write the cache: {error}", self.file.display());
        }
    }

    /// Keeps only the entries whose key `keep` accepts: a load drops the
    /// files that are gone, so the cache follows the workspace, not its history.
    pub fn retain(&self, keep: impl Fn(&str) -> bool) {
        let retained = guarded(|| {
            let transaction = self.begin_write()?;
            for table in TABLES {
                let mut table = transaction.open_table(table).map_err(|e| e.to_string())?;
                table.retain(|key, _| keep(key)).map_err(|e| e.to_string())?;
            }
            transaction.commit().map_err(|e| e.to_string())
        });
        if let Err(error) = retained {
            tracing::warn!("{}: cannot write the cache: {error}", self.file.display());
        }
    }

    /// The stored keys, sorted (for tests and diagnostics).
    pub fn keys(&self) -> Vec<String> {
        let keys = guarded(|| {
            let transaction = self.db().begin_read().map_err(|e| e.to_string())?;
            let table = transaction.open_table(DETECTIONS).map_err(|e| e.to_string())?;
            let mut keys = Vec::new();
            for entry in table.iter().map_err(|e| e.to_string())? {
                let (key, _) = entry.map_err(|e| e.to_string())?;
                keys.push(key.value().to_owned());
            }
            Ok(keys)
        });
        keys.unwrap_or_default()
    }
}

/// The index builder's values, in the same database and transactions as
/// the detections: read one by one, written a build at a time.
impl BuildCache for Store {
    fn get(&self, path: &str) -> Option<Vec<u8>> {
        let found = guarded(|| {
            let transaction = self.db().begin_read().map_err(|e| e.to_string())?;
            let table = transaction.open_table(INDEX).map_err(|e| e.to_string())?;
            Ok(table.get(path).map_err(|e| e.to_string())?.map(|value| value.value().to_vec()))
        });
        found.unwrap_or_else(|error| {
            tracing::debug!("{}: cannot read {path}: {error}", self.file.display());
            None
        })
    }

    fn put(&self, values: Vec<(String, Vec<u8>)>) {
        let written = guarded(|| {
            let transaction = self.begin_write()?;
            {
                let mut table = transaction.open_table(INDEX).map_err(|e| e.to_string())?;
                for (path, value) in &values {
                    table.insert(path.as_str(), value.as_slice()).map_err(|e| e.to_string())?;
                }
            }
            transaction.commit().map_err(|e| e.to_string())
        });
        if let Err(error) = written {
            tracing::warn!("{}: cannot write the cache: {error}", self.file.display());
        }
    }
}

enum OpenError {
    /// Another process holds the database: leave it alone.
    Busy(String),
    /// The file is not a database we can read: rebuild it.
    Unreadable(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detection(hash: u64) -> Detection {
        let document =
            dossier_ingest::ingest("a.txt", "Hello there, this is English.".as_bytes(), &IngestConfig::default())
                .unwrap();
        Detection::of(&document, hash, &IngestConfig::default())
    }

    #[test]
    fn entries_survive_a_reopen_and_stale_ones_do_not_match() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.put(&[("a.txt".to_owned(), detection(1)), ("b.txt".to_owned(), detection(2))]);
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        let found = store.get("a.txt").unwrap();
        assert_eq!(found, detection(1));
        assert!(found.matches(1, &IngestConfig::default()));
        assert!(!found.matches(2, &IngestConfig::default()));
        let english_only = IngestConfig { languages: Some(vec!["en".to_owned()]), ..IngestConfig::default() };
        assert!(!found.matches(1, &english_only));
        store.retain(|key| key != "b.txt");
        assert_eq!(store.keys(), ["a.txt"]);
        store.remove(["a.txt"]);
        assert!(store.keys().is_empty());
    }

    #[test]
    fn index_values_survive_a_reopen_and_leave_with_their_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        BuildCache::put(&store, vec![("a.txt".to_owned(), vec![1, 2, 3]), ("b.txt".to_owned(), vec![4])]);
        store.put(&[("a.txt".to_owned(), detection(1))]);
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(BuildCache::get(&store, "a.txt"), Some(vec![1, 2, 3]));
        store.remove(["a.txt"]);
        assert_eq!((BuildCache::get(&store, "a.txt"), store.get("a.txt")), (None, None));
        store.retain(|path| path != "b.txt");
        assert_eq!(BuildCache::get(&store, "b.txt"), None);
    }

    #[test]
    fn the_cache_folder_is_marked_for_git_and_backup_tools() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()).unwrap());
        let folder = dir.path().join(STORE_DIR);
        let ignore = std::fs::read_to_string(folder.join(".gitignore")).unwrap();
        assert_eq!(ignore.lines().filter(|line| !line.starts_with('#')).collect::<Vec<_>>(), ["*"]);
        let tag = std::fs::read_to_string(folder.join("CACHEDIR.TAG")).unwrap();
        assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"), "{tag}");
    }

    #[test]
    fn the_markers_never_overwrite_a_users_file() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join(STORE_DIR);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(".gitignore"), "cache.redb\n").unwrap();
        drop(Store::open(dir.path()).unwrap());
        assert_eq!(std::fs::read_to_string(folder.join(".gitignore")).unwrap(), "cache.redb\n");
        assert!(folder.join("CACHEDIR.TAG").exists());
    }

    #[test]
    fn a_cache_folder_elsewhere_is_one_per_workspace() {
        let base = tempfile::tempdir().unwrap();
        let one = store_dir_under(Path::new("/home/me/a/notes"), Some(base.path().to_path_buf()));
        let two = store_dir_under(Path::new("/home/me/b/notes"), Some(base.path().to_path_buf()));
        assert_ne!(one, two);
        assert!(one.starts_with(base.path()) && one.file_name().unwrap().to_string_lossy().starts_with("notes-"));
        assert_eq!(store_dir_under(Path::new("/w"), None), Path::new("/w").join(STORE_DIR));
    }

    #[test]
    fn a_missing_root_gets_no_cache_and_no_folder() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        assert!(Store::open(&missing).is_none());
        assert!(!missing.exists());
    }

    #[test]
    fn another_schema_version_starts_over() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.put(&[("a.txt".to_owned(), detection(1))]);
        let transaction = store.db().begin_write().unwrap();
        transaction.open_table(META).unwrap().insert(SCHEMA_KEY, SCHEMA_VERSION + 1).unwrap();
        transaction.commit().unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert!(store.keys().is_empty());
        assert_eq!(
            store.db().begin_read().unwrap().open_table(META).unwrap().get(SCHEMA_KEY).unwrap().unwrap().value(),
            SCHEMA_VERSION
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_store_folder_or_file_is_never_written_through() {
        let outside = tempfile::tempdir().unwrap();
        let workspace = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), workspace.path().join(STORE_DIR)).unwrap();
        assert!(Store::open(workspace.path()).is_none());
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing is written where the link points");

        // A `cache.redb` that links to a file that is no database: neither
        // read, nor deleted, nor replaced.
        let workspace = tempfile::tempdir().unwrap();
        std::fs::create_dir(workspace.path().join(STORE_DIR)).unwrap();
        let target = outside.path().join("precious.txt");
        std::fs::write(&target, "not a database").unwrap();
        std::os::unix::fs::symlink(&target, workspace.path().join(STORE_DIR).join(STORE_FILE)).unwrap();
        assert!(Store::open(workspace.path()).is_none());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "not a database");
    }

    #[test]
    fn a_garbage_file_is_replaced_by_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(STORE_DIR)).unwrap();
        let file = dir.path().join(STORE_DIR).join(STORE_FILE);
        for garbage in [b"not a database at all".repeat(1000), Vec::new(), vec![0xff; 4096]] {
            std::fs::write(&file, &garbage).unwrap();
            let store = Store::open(dir.path()).expect("a fresh cache");
            assert!(store.keys().is_empty());
            store.put(&[("a.txt".to_owned(), detection(1))]);
            assert_eq!(store.keys(), ["a.txt"]);
        }
    }

    #[test]
    fn a_stored_detection_gives_the_full_document() {
        let text =
            "過去一年，馬雲三次內部表態。Make Alibaba Great Again, said the employees in a long English sentence.";
        let config = IngestConfig::default();
        let full = dossier_ingest::ingest("a.txt", text.as_bytes(), &config).unwrap();
        let stored = Detection::of(&full, 7, &config);
        let without = IngestConfig { languages: Some(Vec::new()), ..IngestConfig::default() };
        let undetected = dossier_ingest::ingest("a.txt", text.as_bytes(), &without).unwrap();
        assert_ne!(undetected.spans, full.spans, "the test needs detection to matter");
        let cheap =
            dossier_ingest::ingest_with_detection("a.txt", text.as_bytes(), &config, stored.into_detection()).unwrap();
        assert_eq!(cheap.language, full.language);
        assert_eq!(cheap.languages, full.languages);
        assert_eq!(cheap.spans, full.spans);
        assert_eq!(
            (cheap.encoding, &cheap.text, &cheap.hash, &cheap.warnings),
            (full.encoding, &full.text, &full.hash, &full.warnings)
        );
        assert_eq!(cheap.normalized().text, full.normalized().text);
    }

    #[test]
    fn compaction_shrinks_the_file_and_keeps_the_values() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let value = |round: u8, i: usize| vec![round; 4096 + i];
        // Values written, then all replaced, in small transactions as a first
        // load writes them: the pages of the first round are freed.
        for round in 0..2 {
            for batch in 0..16 {
                let values = (0..32).map(|i| (format!("docs/{batch}/{i}.txt"), value(round, i))).collect();
                BuildCache::put(&store, values);
            }
        }
        let size = || std::fs::metadata(store.file()).unwrap().len();
        let before = size();
        store.compact();
        assert!(size() < before * 3 / 4, "{before} -> {} bytes", size());
        for batch in 0..16 {
            for i in 0..32 {
                assert_eq!(BuildCache::get(&store, &format!("docs/{batch}/{i}.txt")), Some(value(1, i)));
            }
        }
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(BuildCache::get(&store, "docs/15/31.txt"), Some(value(1, 31)));
    }
}
