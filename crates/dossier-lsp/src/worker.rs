//! The worker: the only task that ingests and builds. It loads the roots
//! (reporting `$/progress`), re-ingests changed files through
//! [`IngestCache`], ingests open buffers, builds a new [`Index`] on a
//! blocking thread and swaps it in, then publishes diagnostics and
//! `dossier/status`. Wake-ups that arrive while it builds coalesce into one
//! more build over the latest inputs (latest wins).
//!
//! Work per change is proportional to what changed: a changed path is read
//! and ingested alone (no walk of the workspace), an open buffer whose text
//! is the file's on disk reuses the disk's source, the [`IndexBuilder`]
//! extracts names and finds mentions only in the sources that changed
//! (mentions everywhere only when the set of aliases changes), a build whose
//! sources are all the same as the last one's is skipped, and the lines of
//! unchanged sources are kept from one snapshot to the next. Each root's
//! language detections and what the builder found in its documents persist
//! in its [`Store`] (`.dossier/cache.redb`, written after each build is
//! published), so a restart only detects and extracts the files that
//! changed.
//!
//! It also owns the file watcher, which only marks paths dirty: whether a
//! path is a document, a note or noise (Vim's `4913` probe, `~` backups,
//! `.swp`) is decided here, from the workspace's globs, and whether it was
//! created, changed, deleted or renamed is read from the disk itself.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    path::{Path, PathBuf},
    sync::{Arc, Mutex, atomic::Ordering},
    time::Duration,
};

use dossier_index::{BuildCache, Index, IndexBuilder, Source, SourceKind};
use dossier_ingest::{LineIndex, PositionEncoding};
use dossier_workspace::{
    CONFIG_FILE, FileRole, IngestCache, Store, WorkspaceConfig, in_skipped_dir, load_workspace_with_store, read_file,
    walk, walk_entries, walk_folders,
};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, RecommendedCache, new_debouncer,
    notify::{RecommendedWatcher, RecursiveMode},
};
use tower_lsp_server::{
    Client,
    ls_types::{self as lsp, NumberOrString, Uri},
};

use crate::{
    diagnostics::PublishedDiagnostics,
    state::{Inputs, Shared, Snapshot, Status, StatusNotification, StatusState},
};

/// How long the watcher waits for a burst of events to settle. An editor's
/// save (a temporary file renamed over the old one) settles within a few
/// milliseconds, and the wait is part of every "saved → updated" delay;
/// longer bursts (a checkout) coalesce in the worker anyway, which builds
/// once over the latest inputs after the build under way.
const DEBOUNCE: Duration = Duration::from_millis(25);

/// Starts the worker; it runs until [`Shared::close`] or the runtime stops.
/// Only the first call starts one: two workers would build side by side and
/// open the same caches. Returns whether it started one.
pub(crate) fn spawn(shared: Arc<Shared>, client: Client) -> bool {
    if shared.worker_started.swap(true, Ordering::SeqCst) {
        tracing::warn!("initialized again: the worker is already running");
        return false;
    }
    let (stopped, on_stop) = tokio::sync::oneshot::channel();
    *shared.stopped.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(on_stop);
    tokio::spawn(run(shared, client, stopped));
    true
}

async fn run(shared: Arc<Shared>, client: Client, stopped: tokio::sync::oneshot::Sender<()>) {
    let worker = Arc::new(Mutex::new(Worker::new(Arc::clone(&shared))));
    let mut loads = 0;
    while !shared.closing.load(Ordering::SeqCst) {
        let job = take_job(&mut shared.inputs());
        let reload = job.roots.is_some();
        // The progress ends when the last sender is dropped: the one kept
        // here lives until the new snapshot is published, so that a client
        // seeing the end can ask and be answered from the new index.
        let (progress, reports) = tokio::sync::watch::channel((0usize, 0usize));
        let progress = Arc::new(progress);
        if reload {
            loads += 1;
            let status = Status { state: StatusState::Ingesting, ..shared.snapshot().status() };
            client.send_notification::<StatusNotification>(status).await;
            if shared.support.get().is_some_and(|support| support.work_done_progress) {
                tokio::spawn(report_progress(client.clone(), format!("dossier/ingesting/{loads}"), reports));
            }
        }
        let encoding = shared.encoding();
        let built = tokio::task::spawn_blocking({
            let worker = Arc::clone(&worker);
            let progress = Arc::clone(&progress);
            move || {
                let mut worker = worker.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                worker.apply(job, encoding, &|done, total| {
                    progress.send_replace((done, total));
                })
            }
        })
        .await;
        match built {
            Ok(built) => {
                shared.publish(built.snapshot);
                for (uri, diagnostics, version) in built.diagnostics {
                    client.publish_diagnostics(uri, diagnostics, version).await;
                }
                client.send_notification::<StatusNotification>(shared.snapshot().status()).await;
                refresh_views(&shared, &client);
            }
            Err(error) => tracing::error!("rebuilding the index failed: {error}"),
        }
        drop(progress);
        // What the build found is stored once its index is out: nobody waits for it.
        let worker = Arc::clone(&worker);
        let saved = tokio::task::spawn_blocking(move || {
            let start = std::time::Instant::now();
            let mut worker = worker.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            worker.builder.save();
            // A load writes the whole cache, in batches: its freed pages are
            // given back once, after its first save.
            if reload {
                for store in worker.roots.iter().filter_map(|root| root.store.as_deref()) {
                    store.compact();
                }
            }
            tracing::debug!("index cache saved in {:.0?}", start.elapsed());
        });
        if let Err(error) = saved.await {
            tracing::error!("saving the index cache failed: {error}");
        }
        shared.wake.notified().await;
    }
    // Dropping the worker closes its stores (the database marks itself
    // closed cleanly) and stops the file watcher: blocking work.
    let closed = tokio::task::spawn_blocking(move || drop(worker)).await;
    if let Err(error) = closed {
        tracing::error!("closing the caches failed: {error}");
    }
    drop(stopped);
}

/// Asks the client to re-request lenses and hints, without waiting for it.
fn refresh_views(shared: &Shared, client: &Client) {
    let Some(support) = shared.support.get() else { return };
    let (lenses, hints) = (support.code_lens_refresh, support.inlay_hint_refresh);
    let client = client.clone();
    tokio::spawn(async move {
        if lenses {
            let _ = client.code_lens_refresh().await;
        }
        if hints {
            let _ = client.inlay_hint_refresh().await;
        }
    });
}

/// Reports the first ingestion as WorkDone progress. Runs beside the load,
/// which never waits for the client's answers.
async fn report_progress(client: Client, token: String, mut reports: tokio::sync::watch::Receiver<(usize, usize)>) {
    let token = NumberOrString::String(token);
    if client.create_work_done_progress(token.clone()).await.is_err() {
        return;
    }
    let progress = client.progress(token, "Dossier: ingesting").with_percentage(0).begin().await;
    while reports.changed().await.is_ok() {
        let (done, total) = *reports.borrow_and_update();
        let percentage = (done * 100).checked_div(total).unwrap_or(100) as u32;
        progress.report_with_message(format!("{done}/{total} files"), percentage).await;
    }
    progress.finish().await;
}

/// What one build starts from.
struct Job {
    /// `Some` when every root must be (re)loaded.
    roots: Option<Vec<PathBuf>>,
    dirty: Vec<PathBuf>,
    buffers: Vec<(PathBuf, i32, Arc<str>)>,
}

fn take_job(inputs: &mut Inputs) -> Job {
    let roots = std::mem::take(&mut inputs.reload).then(|| inputs.roots.clone());
    let dirty = inputs.dirty.drain().collect();
    let buffers =
        inputs.buffers.iter().map(|(path, buffer)| (path.clone(), buffer.version, Arc::clone(&buffer.text))).collect();
    Job { roots, dirty, buffers }
}

/// What one build produced.
struct Built {
    snapshot: Snapshot,
    /// Diagnostics that changed since the last build: (note, diagnostics, buffer version).
    diagnostics: Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)>,
}

/// A workspace root with its settings and persisted cache.
struct Root {
    path: PathBuf,
    config: WorkspaceConfig,
    /// `None` when the cache cannot be used (see `Store::open`).
    store: Option<Arc<Store>>,
}

/// The index builder's cache: each root's store, chosen by path.
struct RootStores(Vec<(PathBuf, Arc<Store>)>);

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

/// The worker's own state: only the worker touches it.
struct Worker {
    shared: Arc<Shared>,
    roots: Vec<Root>,
    /// Sources read from disk, by path.
    disk: BTreeMap<PathBuf, Arc<Source>>,
    disk_cache: IngestCache,
    buffer_cache: IngestCache,
    /// Keeps what each source yields, so that a build redoes only what changed.
    builder: IndexBuilder,
    /// The sources of the last build, in path order, and its index.
    built: Option<(Vec<Arc<Source>>, Arc<Index>)>,
    /// The lines of each source of the last build: (source hash, lines) by path.
    lines: HashMap<String, (String, Arc<LineIndex>)>,
    /// The buffers open at the last build.
    open: HashSet<PathBuf>,
    watcher: Option<Debouncer<RecommendedWatcher, RecommendedCache>>,
    /// The folders a walk of the roots enters (so `.gitignore`d and tool
    /// folders are not among them): each one is watched, and a change is
    /// read only in them.
    folders: BTreeSet<PathBuf>,
    /// How many of them could not be watched (the system's limit on
    /// watches, `fs.inotify.max_user_watches` on Linux).
    unwatched: usize,
    /// The diagnostics last published, by note.
    published: PublishedDiagnostics,
    ready: bool,
}

impl Worker {
    fn new(shared: Arc<Shared>) -> Worker {
        Worker {
            shared,
            roots: Vec::new(),
            disk: BTreeMap::new(),
            disk_cache: IngestCache::default(),
            buffer_cache: IngestCache::default(),
            builder: IndexBuilder::new(),
            built: None,
            lines: HashMap::new(),
            open: HashSet::new(),
            watcher: None,
            folders: BTreeSet::new(),
            unwatched: 0,
            published: PublishedDiagnostics::default(),
            ready: false,
        }
    }

    fn apply(&mut self, job: Job, encoding: PositionEncoding, progress: &(dyn Fn(usize, usize) + Sync)) -> Built {
        if let Some(roots) = job.roots {
            self.load(roots, progress);
        }
        let mut reload = false;
        for path in &job.dirty {
            if path.file_name().is_some_and(|name| name == CONFIG_FILE)
                && self.roots.iter().any(|root| path.parent() == Some(&root.path))
            {
                reload = true;
            }
            // A `.gitignore` changes what a walk finds: start over, as a
            // fresh server would.
            if path.file_name().is_some_and(|name| name == ".gitignore")
                && path.parent().is_some_and(|folder| self.folders.contains(folder))
            {
                reload = true;
            }
        }
        if reload {
            let roots = self.roots.iter().map(|root| root.path.clone()).collect();
            self.load(roots, progress);
        } else {
            self.refresh(job.dirty);
        }

        let mut sources = self.disk.clone();
        let mut versions = HashMap::new();
        let mut buffer_texts = HashMap::new();
        let open: HashSet<PathBuf> = job.buffers.iter().map(|(path, ..)| path.clone()).collect();
        for closed in self.open.difference(&open) {
            self.buffer_cache.remove(closed);
        }
        self.open = open;
        for (path, version, text) in &job.buffers {
            // Only buffers of files the workspace reads: a note outside the
            // roots, in a skipped or an excluded folder, is not indexed (so
            // never renamed into, nor counted by a fresh start).
            let Some(kind) = self.kind_of(path) else {
                continue;
            };
            let Some(display) = path.to_str() else { continue };
            // A buffer just opened holds the file as it is on disk: its
            // source is the disk's, and the index need not change.
            if let Some(source) = self.disk.get(path)
                && source.kind == kind
                && source.document.hash == format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
            {
                self.buffer_cache.remove(path);
                versions.insert(path.clone(), *version);
                buffer_texts.insert(path.clone(), Arc::clone(text));
                continue;
            }
            let config = self.config_of(path);
            match self.buffer_cache.ingest(path, display, kind, text.as_bytes(), &config.ingest) {
                Ok(source) => {
                    sources.insert(path.clone(), source);
                    versions.insert(path.clone(), *version);
                    buffer_texts.insert(path.clone(), Arc::clone(text));
                }
                Err(error) => tracing::warn!("{error}"),
            }
        }
        let sources: Vec<Arc<Source>> = sources.into_values().collect();
        let index = match &self.built {
            Some((built, index))
                if built.len() == sources.len() && built.iter().zip(&sources).all(|(a, b)| Arc::ptr_eq(a, b)) =>
            {
                Arc::clone(index)
            }
            _ => {
                let start = std::time::Instant::now();
                let index = self.builder.build(sources.clone());
                tracing::info!("index of {} sources built in {:.0?}", sources.len(), start.elapsed());
                Arc::new(index)
            }
        };
        self.built = Some((sources, Arc::clone(&index)));
        let lines = self.lines_of(&index);
        let diagnostics = self.diagnostics(&index, &versions, encoding);
        let unwatched = self.unwatched;
        Built { snapshot: Snapshot { index, lines, buffer_texts, ready: self.ready, unwatched }, diagnostics }
    }

    /// The lines of every source of `index`, in its order: kept from the last
    /// build for the sources that did not change. Sources that are gone leave
    /// the cache.
    fn lines_of(&mut self, index: &Index) -> Vec<Arc<LineIndex>> {
        let mut previous = std::mem::take(&mut self.lines);
        let mut lines = Vec::with_capacity(index.sources().len());
        for source in index.sources() {
            let document = &source.document;
            let kept = previous.remove(&document.path).filter(|(hash, _)| *hash == document.hash);
            let (hash, found) =
                kept.unwrap_or_else(|| (document.hash.clone(), Arc::new(LineIndex::new(&document.text))));
            lines.push(Arc::clone(&found));
            self.lines.insert(document.path.clone(), (hash, found));
        }
        lines
    }

    /// Loads every root from scratch and watches them.
    fn load(&mut self, roots: Vec<PathBuf>, progress: &(dyn Fn(usize, usize) + Sync)) {
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

    /// Watches every folder a walk of the roots enters, one by one (not
    /// recursively: `node_modules`, `.git`, `target` and `.gitignore`d
    /// folders are not watched); events only mark paths dirty.
    fn watch(&mut self) {
        self.watcher = None;
        self.unwatched = 0;
        let shared = Arc::clone(&self.shared);
        let debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| match result {
            // Ingesting a file opens and reads it: those accesses are not
            // changes, and marking them dirty would rebuild forever.
            Ok(events) => shared.mark_dirty(
                events.into_iter().filter(|event| !is_read(&event.event.kind)).flat_map(|event| event.event.paths),
            ),
            Err(errors) => errors.iter().for_each(|error| tracing::warn!("watching files: {error}")),
        });
        match debouncer {
            Ok(debouncer) => self.watcher = Some(debouncer),
            Err(error) => {
                tracing::warn!("cannot watch files: {error}");
                return;
            }
        }
        self.folders = self.roots.iter().flat_map(|root| walk_folders(&root.path)).collect();
        let folders: Vec<PathBuf> = self.folders.iter().cloned().collect();
        self.watch_folders(&folders);
    }

    /// Watches `folders`. A folder that cannot be watched is counted, logged
    /// (the first of a batch with the count) and reported in
    /// `dossier/status`; the others are watched all the same.
    fn watch_folders(&mut self, folders: &[PathBuf]) {
        let Some(debouncer) = &mut self.watcher else { return };
        let mut failed = 0;
        for folder in folders {
            if let Err(error) = debouncer.watch(folder, RecursiveMode::NonRecursive) {
                if failed == 0 {
                    tracing::warn!(
                        "cannot watch {}: {error}; changes there are seen only on a restart \
                         (on Linux, raise fs.inotify.max_user_watches)",
                        folder.display()
                    );
                }
                failed += 1;
            }
        }
        if failed > 1 {
            tracing::warn!("{failed} folders of {} could not be watched", folders.len());
        }
        self.unwatched += failed;
    }

    /// Re-reads the paths that changed. A file is (re)ingested when the walk
    /// of a fresh start would find it (in a walked folder, not ignored by a
    /// `.gitignore`), else forgotten; a folder moved in is walked and
    /// watched; what is gone is forgotten. Each folder's rules are read once
    /// per batch, and the known files are checked once per batch whatever
    /// the number of removals.
    fn refresh(&mut self, dirty: impl IntoIterator<Item = PathBuf>) {
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
    fn walk_in(&mut self, folder: &Path) {
        let (walked, _) = walk(&[folder.to_path_buf()]);
        for file in walked {
            self.refresh_file(&file.path);
        }
        let new: Vec<PathBuf> = walk_folders(folder).into_iter().filter(|f| self.folders.insert(f.clone())).collect();
        self.watch_folders(&new);
    }

    /// Forgets `path` and everything under it.
    fn forget_under(&mut self, path: &Path) {
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

    fn refresh_file(&mut self, path: &Path) {
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
    fn forget(&mut self, path: &Path) {
        self.disk.remove(path);
        if self.disk_cache.remove(path).is_some()
            && let (Some(root), Some(display)) = (self.root_of(path), path.to_str())
            && let Some(store) = &root.store
        {
            store.remove([display]);
        }
    }

    /// The root holding `path` (the innermost when roots nest).
    fn root_of(&self, path: &Path) -> Option<&Root> {
        root_of(&self.roots, path)
    }

    fn skipped(&self, path: &Path) -> bool {
        let Some(root) = self.root_of(path) else { return true };
        let relative = path.strip_prefix(&root.path).unwrap_or(path);
        in_skipped_dir(relative)
    }

    /// Document, note, or `None` for files Dossier does not read.
    fn kind_of(&self, path: &Path) -> Option<SourceKind> {
        if self.skipped(path) {
            return None;
        }
        let root = self.root_of(path)?;
        match root.config.role(path.strip_prefix(&root.path).ok()?)? {
            FileRole::Document => Some(SourceKind::Document),
            FileRole::Note => Some(SourceKind::Note),
        }
    }

    fn config_of(&self, path: &Path) -> WorkspaceConfig {
        self.root_of(path).map(|root| root.config.clone()).unwrap_or_default()
    }

    /// Every note's diagnostics, keeping only those that changed.
    fn diagnostics(
        &mut self,
        index: &Index,
        versions: &HashMap<PathBuf, i32>,
        encoding: PositionEncoding,
    ) -> Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)> {
        let roots = &self.roots;
        self.published.update(index, versions, encoding, &|path: &Path| exists_in_roots(roots, path))
    }
}

/// Whether `path` (resolved, as link targets are) names something inside
/// one of the roots. Nothing outside them is ever looked at: a note's link
/// to `/net/host/x` must not make the server touch that path (a stalled
/// network mount, or an oracle of which files exist).
fn exists_in_roots(roots: &[Root], path: &Path) -> bool {
    let inside = !path.components().any(|c| matches!(c, std::path::Component::ParentDir));
    inside && root_of(roots, path).is_some() && path.exists()
}

/// The root holding `path` (the innermost when roots nest).
fn root_of<'a>(roots: &'a [Root], path: &Path) -> Option<&'a Root> {
    roots.iter().filter(|root| path.starts_with(&root.path)).max_by_key(|root| root.path.as_os_str().len())
}

/// Whether a watcher event only says that a file was opened, read or closed
/// without writing.
fn is_read(kind: &notify_debouncer_full::notify::EventKind) -> bool {
    use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
    matches!(kind, EventKind::Access(access) if *access != AccessKind::Close(AccessMode::Write))
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
