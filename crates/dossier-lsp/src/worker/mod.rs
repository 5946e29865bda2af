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
//!
//! The layout: this file schedules the builds (the loop, the job, the
//! build itself); `read.rs` loads the roots and re-reads what changed;
//! `watch.rs` owns the file watcher; `roots.rs` holds the roots, their
//! caches and the rules for which files are read as documents or notes;
//! `progress.rs` reports a load as `$/progress`.

mod progress;
mod read;
mod roots;
mod watch;

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    path::{Path, PathBuf},
    sync::{Arc, Mutex, Weak, atomic::Ordering},
};

use dossier_index::{Index, IndexBuilder, Source, SourceKind};
use dossier_ingest::{LineIndex, PositionEncoding};
use dossier_workspace::{CONFIG_FILE, IngestCache};
use notify_debouncer_full::{Debouncer, RecommendedCache, notify::RecommendedWatcher};
use tower_lsp_server::{
    Client,
    ls_types::{self as lsp, Uri},
};

use crate::{
    diagnostics::EditedNote,
    state::{self, Inputs, Shared, Snapshot, SourceTables, Status, StatusNotification, StatusState},
};
use progress::report_progress;

/// Diagnostics to publish: (note, diagnostics, buffer version).
type Diagnostics = Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)>;
use roots::{Root, exists_in_roots};

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
            let shared = Arc::clone(&shared);
            let progress = Arc::clone(&progress);
            let client = client.clone();
            let runtime = tokio::runtime::Handle::current();
            move || {
                let mut worker = worker.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                // Sent before the build goes on, so they always come
                // before the new version's diagnostics.
                let early = |diagnostics: Diagnostics| {
                    runtime.block_on(async {
                        for (uri, diagnostics, version) in diagnostics {
                            client.publish_diagnostics(uri, diagnostics, version).await;
                        }
                    })
                };
                let progress = |done, total| {
                    progress.send_replace((done, total));
                };
                // A partial index of a first load, published as soon as it
                // is built; its status says how far the load is.
                let publish = |snapshot: Snapshot| {
                    let status = snapshot.status();
                    shared.publish(snapshot);
                    runtime.block_on(client.send_notification::<StatusNotification>(status));
                };
                worker.apply(job, encoding, &progress, &early, &publish)
            }
        })
        .await;
        match built {
            Ok(built) => {
                shared.publish(built.snapshot);
                for (uri, diagnostics, version) in built.diagnostics {
                    // A buffer edited since this build has had its own
                    // diagnostics sent by the edit's handler, or will get
                    // them from the next build: these would be older.
                    if let Some(path) = crate::from_proto::path(&uri)
                        && shared.edited_since(&path, version)
                    {
                        shared.published().unknown(path.to_path_buf());
                        continue;
                    }
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
    /// Diagnostics that changed since the last build (or since `apply`
    /// published an edited note's early).
    diagnostics: Diagnostics,
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
    /// The lines and URIs of each source of the last build.
    sources: SourceCache,
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
            sources: SourceCache::default(),
            open: HashSet::new(),
            watcher: None,
            folders: BTreeSet::new(),
            unwatched: 0,
            ready: false,
        }
    }

    /// Brings the index up to `job`. The diagnostics of edited notes that the
    /// last version can tell go to `early` before the new version is built.
    fn apply(
        &mut self,
        job: Job,
        encoding: PositionEncoding,
        progress: &(dyn Fn(usize, usize) + Sync),
        early: &dyn Fn(Diagnostics),
        publish: &dyn Fn(Snapshot),
    ) -> Built {
        // Only buffers changed: nothing on disk that a link may point to.
        let buffers_only = job.roots.is_none() && job.dirty.is_empty();
        if let Some(roots) = job.roots {
            self.load(roots, progress, publish);
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
            self.load(roots, progress, publish);
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
        // Notes whose buffers differ from the last version.
        let mut edited = Vec::new();
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
                && source.document.hash == dossier_ingest::content_hash(text.as_bytes())
            {
                self.buffer_cache.remove(path);
                versions.insert(path.clone(), *version);
                buffer_texts.insert(path.clone(), Arc::clone(text));
                continue;
            }
            let config = self.config_of(path);
            match self.buffer_cache.ingest(path, display, kind, text.as_bytes(), &config.ingest) {
                Ok(source) => {
                    let indexed = self.built.as_ref().and_then(|(_, index)| index.source(&source.document.path));
                    if kind == SourceKind::Note && indexed.is_none_or(|indexed| !Arc::ptr_eq(indexed, &source)) {
                        edited.push((path.clone(), Arc::clone(&source)));
                    }
                    sources.insert(path.clone(), source);
                    versions.insert(path.clone(), *version);
                    buffer_texts.insert(path.clone(), Arc::clone(text));
                }
                Err(error) => tracing::warn!("{error}"),
            }
        }
        if let Some((_, last)) = &self.built
            && !edited.is_empty()
        {
            let roots = &self.roots;
            let exists = |path: &Path| exists_in_roots(roots, path);
            let notes: Vec<EditedNote<'_>> = edited
                .iter()
                .map(|(path, source)| EditedNote {
                    path,
                    text: &source.document.text,
                    hash: source.document.hash.clone(),
                })
                .collect();
            let found = self.shared.published().edited(last, &notes, &versions, encoding, &exists);
            if !found.is_empty() {
                early(found);
            }
        }
        let sources: Vec<Arc<Source>> = sources.into_values().collect();
        let last = self.built.as_ref().map(|(_, index)| Arc::clone(index));
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
        let (lines, tables) = self.sources.tables(&index);
        // The same index over the same files has the same diagnostics (a
        // buffer opened or closed as it is on disk): every note's need not be
        // found again, which would hold up the requests that come with it.
        let same = buffers_only && last.is_some_and(|last| Arc::ptr_eq(&last, &index));
        let diagnostics = if same { Vec::new() } else { self.diagnostics(&index, &versions, encoding) };
        let unwatched = self.unwatched;
        Built {
            snapshot: Snapshot { index, lines, buffer_texts, ready: self.ready, indexing: None, unwatched, tables },
            diagnostics,
        }
    }

    /// Every note's diagnostics, keeping only those that changed.
    fn diagnostics(
        &mut self,
        index: &Index,
        versions: &HashMap<PathBuf, i32>,
        encoding: PositionEncoding,
    ) -> Diagnostics {
        let roots = &self.roots;
        self.shared.published().update(index, versions, encoding, &|path: &Path| exists_in_roots(roots, path))
    }
}

/// What a snapshot holds per source, kept by path from one build to the
/// next for the sources that did not change: their lines (while the text's
/// hash is the same) and their URI as JSON (while the path is there).
#[derive(Debug, Default)]
pub(crate) struct SourceCache {
    sources: HashMap<String, CachedSource>,
    /// The last index's lines and tables: a version that keeps the index
    /// (a buffer opened as it is on disk) shares them as they are.
    last: Option<LastTables>,
}

/// What [`SourceCache::tables`] made for the last index it was given.
#[derive(Debug)]
struct LastTables {
    index: Weak<Index>,
    lines: Vec<Arc<LineIndex>>,
    tables: Arc<SourceTables>,
}

#[derive(Debug)]
struct CachedSource {
    hash: String,
    lines: Arc<LineIndex>,
    uri_json: Option<Arc<str>>,
}

impl SourceCache {
    /// The lines of every source of `index`, in its order, and its
    /// [`SourceTables`]: made here, off the requests' path, and only for
    /// the sources that changed. Sources that are gone leave the cache.
    pub(crate) fn tables(&mut self, index: &Arc<Index>) -> (Vec<Arc<LineIndex>>, Arc<SourceTables>) {
        if let Some(last) = &self.last
            && std::ptr::eq(last.index.as_ptr(), Arc::as_ptr(index))
        {
            return (last.lines.clone(), Arc::clone(&last.tables));
        }
        let mut previous = std::mem::take(&mut self.sources);
        let mut lines = Vec::with_capacity(index.sources().len());
        let mut uris = Vec::with_capacity(index.sources().len());
        for source in index.sources() {
            let document = &source.document;
            let kept = previous.remove(&document.path);
            let uri_json = match &kept {
                Some(kept) => kept.uri_json.clone(),
                None => state::uri_json(&document.path),
            };
            let kept = kept.filter(|kept| kept.hash == document.hash).map(|kept| kept.lines);
            let found = kept.unwrap_or_else(|| Arc::new(LineIndex::new(&document.text)));
            lines.push(Arc::clone(&found));
            uris.push(uri_json.clone());
            self.sources
                .insert(document.path.clone(), CachedSource { hash: document.hash.clone(), lines: found, uri_json });
        }
        let tables = Arc::new(SourceTables::new(index, uris));
        self.last =
            Some(LastTables { index: Arc::downgrade(index), lines: lines.clone(), tables: Arc::clone(&tables) });
        (lines, tables)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use dossier_index::{Index, IndexBuilder, Source, SourceKind};

    use super::SourceCache;
    use crate::state::{Snapshot, uri_json};

    fn source(path: &str, text: &str) -> Arc<Source> {
        let document = dossier_ingest::ingest(path, text.as_bytes(), &Default::default()).unwrap();
        Arc::new(Source { kind: SourceKind::Note, document })
    }

    /// Every source of the snapshot is found by its path, with its own lines and URI.
    fn check(snapshot: &Snapshot) {
        for (at, source) in snapshot.index.sources().iter().enumerate() {
            let path = &source.document.path;
            assert_eq!(snapshot.source_index(path), Some(at), "{path}");
            assert_eq!(snapshot.uri_json(at), uri_json(path).as_ref(), "{path}");
            let (text, lines) = snapshot.text_and_lines(path).unwrap();
            assert_eq!(text, source.document.text);
            assert_eq!(*lines, dossier_ingest::LineIndex::new(text), "{path}");
        }
        assert_eq!(snapshot.source_index("/w/notes/nowhere.md"), None);
    }

    #[test]
    fn snapshot_tables_follow_the_sources_and_are_shared_while_the_index_is() {
        let mut builder = IndexBuilder::new();
        let mut cache = SourceCache::default();
        let snapshot = |index: &Arc<Index>, cache: &mut SourceCache| {
            let (lines, tables) = cache.tables(index);
            Snapshot { index: Arc::clone(index), lines, tables, ..Snapshot::default() }
        };
        let a = source("/w/notes/a b.md", "# A\n\nSee [[b]].\n");
        let b = source("/w/notes/b#1.md", "# B\n\n張勇 🎉\n");
        let first = Arc::new(builder.build(vec![Arc::clone(&a), Arc::clone(&b)]));
        let one = snapshot(&first, &mut cache);
        check(&one);
        // The same index again (a buffer opened as it is on disk): the same tables.
        let again = snapshot(&first, &mut cache);
        assert!(Arc::ptr_eq(&one.tables, &again.tables));
        // A note added before the others and one changed: positions move,
        // the unchanged note keeps its lines and every path its URI.
        let changed = source("/w/notes/b#1.md", "# B\n\nnew line\n張勇 🎉\n");
        let added = source("/w/notes/0.md", "# Zero\n");
        let second = Arc::new(builder.build(vec![added, Arc::clone(&a), changed]));
        let two = snapshot(&second, &mut cache);
        check(&two);
        assert!(!Arc::ptr_eq(&one.tables, &two.tables));
        assert!(Arc::ptr_eq(&one.lines[0], &two.lines[1]), "the unchanged note's lines are kept");
        assert!(!Arc::ptr_eq(&one.lines[1], &two.lines[2]), "the changed note's lines are made again");
        assert!(Arc::ptr_eq(one.uri_json(1).unwrap(), two.uri_json(2).unwrap()), "a path's URI is kept");
    }
}
