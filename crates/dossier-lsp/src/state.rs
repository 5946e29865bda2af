//! The server's shared state: the inputs (workspace roots, open buffers,
//! paths to re-read) behind one lock, and the current [`Snapshot`] of the
//! index, swapped atomically after each rebuild.
//!
//! Readers clone the `Arc<Snapshot>` and never wait for a rebuild; writers
//! (the notification handlers) change the inputs under the lock, in the order
//! the client sent them, and wake the worker (`worker.rs`), the only builder.
//!
//! A request on a buffer edited since the snapshot was built is answered
//! from that snapshot through a [`View`]: the client's positions are mapped
//! to the indexed text through the edit, and the answer's ranges back.
//! Waiting for the rebuild instead would cost the request the whole rebuild
//! (seconds on a large corpus, as every keystroke starts one); what the edit
//! itself added is answered once the rebuild is published, and the server
//! asks the client to refresh its lenses and hints then.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    ops::Range,
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex, MutexGuard, OnceLock, RwLock,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use dossier_index::{Index, SourceKind};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tower_lsp_server::ls_types::{self as lsp, notification::Notification};

use dossier_ide::FileRange;

use dossier_ingest::{LineCol, LineIndex, PositionEncoding};

use crate::{edit::Edit, from_proto, to_proto};

/// One immutable version of everything requests read.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// The index over every root's sources, open buffers included.
    pub(crate) index: Arc<Index>,
    /// The lines of each source, in the order of `index.sources()`; shared
    /// with earlier snapshots for the sources that did not change.
    pub(crate) lines: Vec<Arc<LineIndex>>,
    /// The text of each open buffer the index was built from. A buffer is
    /// unedited since the build only when it is this very text: a buffer
    /// closed and reopened starts again at version 1 with other text.
    pub(crate) buffer_texts: HashMap<PathBuf, Arc<str>>,
    /// Whether the first ingestion has finished.
    pub(crate) ready: bool,
    /// How many folders of the roots could not be watched.
    pub(crate) unwatched: usize,
}

impl Snapshot {
    /// The decoded text of a source of the index.
    pub(crate) fn text(&self, path: &str) -> Option<&str> {
        dossier_ide::source_text(&self.index, path)
    }

    /// The decoded text and the lines of a source of the index.
    pub(crate) fn text_and_lines(&self, path: &str) -> Option<(&str, &LineIndex)> {
        self.text_and_lines_at(self.source_index(path)?)
    }

    /// The position of the source at `path` in the index's sources.
    fn source_index(&self, path: &str) -> Option<usize> {
        self.index.sources().binary_search_by(|source| source.document.path.as_str().cmp(path)).ok()
    }

    fn text_and_lines_at(&self, at: usize) -> Option<(&str, &LineIndex)> {
        Some((self.index.sources().get(at)?.document.text.as_str(), self.lines.get(at)?))
    }

    /// The counts and state for `dossier/status`.
    pub(crate) fn status(&self) -> Status {
        let count = |kind| self.index.sources().iter().filter(|s| s.kind == kind).count();
        Status {
            documents: count(SourceKind::Document),
            notes: count(SourceKind::Note),
            terms: self.index.terms().len(),
            state: if self.ready { StatusState::Ready } else { StatusState::Ingesting },
            unwatched: self.unwatched,
        }
    }
}

/// One request's view of the workspace: the snapshot, plus the open buffers
/// whose text differs from what the snapshot indexed, each with the edit
/// between the two. Positions in requests and answers are in the client's
/// text; the analysis works on the indexed one.
pub(crate) struct View {
    pub(crate) snapshot: Arc<Snapshot>,
    pub(crate) encoding: PositionEncoding,
    /// The client's text of the open buffers the snapshot was not built from.
    buffers: HashMap<String, Arc<str>>,
    /// The edit of each of those buffers from its indexed text, made when a
    /// request first needs it (a client may have hundreds open while a
    /// rebuild runs, and a request reads one or two); `None` when the texts
    /// are the same or the file is not indexed.
    edited: RefCell<HashMap<String, Option<Arc<Edited>>>>,
    /// The last file converted, with its URI and source: locations come
    /// sorted by path, and building a URI (percent-encoding the path) and
    /// finding the source are the dearest parts of converting one.
    last_uri: RefCell<Option<LastFile>>,
    /// The last range start converted in that file, for counting columns on
    /// from it (see `to_proto::range_after`).
    last_start: RefCell<Option<(usize, LineCol)>>,
}

/// An open buffer edited since the snapshot was built.
struct Edited {
    text: Arc<str>,
    lines: LineIndex,
    edit: Edit,
}

impl View {
    /// The view of `snapshot` from a client whose open buffers are `buffers`
    /// (only those the snapshot was not built from are needed).
    pub(crate) fn new(snapshot: Arc<Snapshot>, buffers: Vec<(PathBuf, Arc<str>)>, encoding: PositionEncoding) -> View {
        let buffers =
            buffers.into_iter().filter_map(|(path, text)| Some((path.into_os_string().into_string().ok()?, text)));
        View {
            snapshot,
            encoding,
            buffers: buffers.collect(),
            edited: RefCell::default(),
            last_uri: RefCell::new(None),
            last_start: RefCell::new(None),
        }
    }

    /// The open buffer at `path` with its edit from the indexed text, if it
    /// was edited since the snapshot was built.
    fn edited(&self, path: &str) -> Option<Arc<Edited>> {
        if let Some(known) = self.edited.borrow().get(path) {
            return known.clone();
        }
        let edited = self.buffers.get(path).and_then(|text| {
            let edit = Edit::between(self.snapshot.text(path)?, text);
            (!edit.is_identity())
                .then(|| Arc::new(Edited { lines: LineIndex::new(text), text: Arc::clone(text), edit }))
        });
        self.edited.borrow_mut().insert(path.to_owned(), edited.clone());
        edited
    }

    /// The indexed text of a source.
    pub(crate) fn text(&self, path: &str) -> Option<&str> {
        self.snapshot.text(path)
    }

    /// The offset in the indexed text of a position in the client's text;
    /// `None` outside the text, or inside a stretch edited since the build.
    pub(crate) fn offset(&self, path: &str, position: lsp::Position) -> Option<usize> {
        match self.edited(path) {
            Some(edited) => from_proto::offset(&edited.lines, &edited.text, position, self.encoding)
                .and_then(|o| edited.edit.new_to_old(o)),
            None => {
                let (text, lines) = self.snapshot.text_and_lines(path)?;
                from_proto::offset(lines, text, position, self.encoding)
            }
        }
    }

    /// The indexed range covering a range of the client's text: an end
    /// inside an edited stretch moves to the kept text around it.
    pub(crate) fn text_range(&self, path: &str, range: lsp::Range) -> Option<Range<usize>> {
        match self.edited(path) {
            Some(edited) => {
                let edited_range = from_proto::text_range(&edited.lines, &edited.text, range, self.encoding)?;
                let (start, end) = edited.edit.new_range_to_old(edited_range);
                Some(start.min(end)..end.max(start))
            }
            None => {
                let (text, lines) = self.snapshot.text_and_lines(path)?;
                from_proto::text_range(lines, text, range, self.encoding)
            }
        }
    }

    /// The LSP range, in the client's text, of a range of the indexed text;
    /// `None` when the source is unknown or the range was edited since.
    pub(crate) fn range(&self, path: &str, range: Range<usize>) -> Option<lsp::Range> {
        match self.edited(path) {
            Some(edited) => {
                Some(to_proto::range(&edited.lines, &edited.text, edited.edit.old_to_new(range)?, self.encoding))
            }
            None => {
                let (text, lines) = self.snapshot.text_and_lines(path)?;
                Some(to_proto::range(lines, text, range, self.encoding))
            }
        }
    }

    /// The LSP location of a range of a source.
    pub(crate) fn location(&self, range: &FileRange) -> Option<lsp::Location> {
        self.with_location(range, |file, range| lsp::Location { uri: file.uri.clone(), range })
    }

    /// The locations of `ranges` as the JSON text of an LSP `Location[]`,
    /// written directly: an answer can hold hundreds of thousands, all in a
    /// few files, whose URIs are escaped once a file rather than copied and
    /// serialized once a location. Ranges without a location are left out.
    pub(crate) fn locations_json(&self, ranges: &[FileRange]) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + 100 * ranges.len());
        out.push(b'[');
        for range in ranges {
            self.with_location(range, |file, range| {
                if out.len() > 1 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"uri\":");
                out.extend_from_slice(file.uri_json.as_bytes());
                let mut number = itoa::Buffer::new();
                let mut field = |name: &[u8], value: u32| {
                    out.extend_from_slice(name);
                    out.extend_from_slice(number.format(value).as_bytes());
                };
                field(b",\"range\":{\"start\":{\"line\":", range.start.line);
                field(b",\"character\":", range.start.character);
                field(b"},\"end\":{\"line\":", range.end.line);
                field(b",\"character\":", range.end.character);
                out.extend_from_slice(b"}}}");
            });
        }
        out.push(b']');
        out
    }

    /// Runs `make` with the file of `range` and its LSP range. Locations
    /// come in runs of one file: the file is looked up once a run.
    fn with_location<T>(&self, range: &FileRange, make: impl FnOnce(&LastFile, lsp::Range) -> T) -> Option<T> {
        let mut last = self.last_uri.borrow_mut();
        let mut last_start = self.last_start.borrow_mut();
        let file = match &*last {
            Some(file) if Arc::ptr_eq(&file.path, &range.path) || file.path == range.path => file,
            _ => {
                let uri = to_proto::uri(Path::new(&*range.path))?;
                let source = match self.edited(&range.path).is_some() {
                    true => None,
                    false => Some(self.snapshot.source_index(&range.path)?),
                };
                *last_start = None;
                let uri_json = serde_json::to_string(&uri).ok()?;
                last.insert(LastFile { path: Arc::clone(&range.path), uri, uri_json, source })
            }
        };
        let lsp_range = match file.source {
            None => self.range(&range.path, range.range.clone())?,
            Some(at) => {
                let (text, lines) = self.snapshot.text_and_lines_at(at)?;
                to_proto::range_after(lines, text, range.range.clone(), self.encoding, &mut last_start)
            }
        };
        Some(make(file, lsp_range))
    }
}

/// The file of the last location a [`View`] made.
#[derive(Debug)]
struct LastFile {
    path: Arc<str>,
    uri: lsp::Uri,
    /// `uri` as a JSON string.
    uri_json: String,
    /// Its position in the snapshot's sources; `None` for a buffer edited since.
    source: Option<usize>,
}

/// An open buffer: the client's text overrides the disk.
#[derive(Debug, Clone)]
pub(crate) struct Buffer {
    /// The client's version number.
    pub(crate) version: i32,
    /// The whole text (the server asks for full-text sync).
    pub(crate) text: Arc<str>,
}

/// What the next rebuild starts from.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    /// The workspace roots.
    pub(crate) roots: Vec<PathBuf>,
    /// Whether the roots must be (re)loaded from scratch.
    pub(crate) reload: bool,
    /// Open buffers by path.
    pub(crate) buffers: HashMap<PathBuf, Buffer>,
    /// Files or folders created, changed, deleted or renamed since the last rebuild.
    pub(crate) dirty: HashSet<PathBuf>,
}

/// Settings the client may change (`initializationOptions`,
/// `workspace/didChangeConfiguration`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    /// `dossier.inlayHints.enable`: romanizations beside Han names.
    pub(crate) inlay_hints: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { inlay_hints: true }
    }
}

impl Settings {
    /// Applies `{ "dossier": { "inlayHints": { "enable": false } } }`, the
    /// same without the `dossier` level, or the dotted key. Unknown or
    /// missing values leave the setting as it is.
    pub(crate) fn update(&mut self, value: &serde_json::Value) {
        let value = value.get("dossier").unwrap_or(value);
        let enable = value
            .pointer("/inlayHints/enable")
            .or_else(|| value.get("inlayHints.enable"))
            .or_else(|| value.get("dossier.inlayHints.enable"));
        if let Some(enable) = enable.and_then(serde_json::Value::as_bool) {
            self.inlay_hints = enable;
        }
    }
}

/// What the client said it supports, from `initialize`.
#[derive(Debug, Clone)]
pub(crate) struct ClientSupport {
    /// The negotiated position encoding.
    pub(crate) encoding: PositionEncoding,
    /// `window.workDoneProgress`.
    pub(crate) work_done_progress: bool,
    /// `workspace.didChangeWatchedFiles.dynamicRegistration`.
    pub(crate) watched_files_registration: bool,
    /// `workspace.inlayHint.refreshSupport`.
    pub(crate) inlay_hint_refresh: bool,
    /// `workspace.codeLens.refreshSupport`.
    pub(crate) code_lens_refresh: bool,
    /// `workspace.workspaceEdit.documentChanges`: edits can name the
    /// version of the buffer they apply to.
    pub(crate) document_changes: bool,
}

/// `dossier/status` parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Status {
    pub(crate) documents: usize,
    pub(crate) notes: usize,
    pub(crate) terms: usize,
    pub(crate) state: StatusState,
    /// Folders whose changes are not seen (the system's limit on watches);
    /// left out when there are none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) unwatched: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// Whether the first ingestion is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum StatusState {
    Ingesting,
    Ready,
}

/// The `dossier/status` notification, sent after each (re)build.
pub(crate) enum StatusNotification {}

impl Notification for StatusNotification {
    type Params = Status;
    const METHOD: &'static str = "dossier/status";
}

/// The state shared by the handlers and the worker.
#[derive(Debug)]
pub(crate) struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    inputs: Mutex<Inputs>,
    /// Wakes the worker; a wake-up while it builds is kept, so bursts coalesce
    /// into one more build over the latest inputs.
    pub(crate) wake: Notify,
    /// The client's settings.
    pub(crate) settings: RwLock<Settings>,
    /// Set once by `initialize`.
    pub(crate) support: OnceLock<ClientSupport>,
    /// Set by `shutdown`: the worker stops at its next wake-up and closes
    /// the caches.
    pub(crate) closing: AtomicBool,
    /// Ends (its sender is dropped) once the worker has stopped and closed
    /// the caches; `None` until the worker starts.
    pub(crate) stopped: Mutex<Option<tokio::sync::oneshot::Receiver<()>>>,
    /// Set when the worker starts: a second `initialized` starts no second one.
    pub(crate) worker_started: AtomicBool,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            snapshot: RwLock::default(),
            inputs: Mutex::default(),
            wake: Notify::new(),
            settings: RwLock::default(),
            support: OnceLock::new(),
            closing: AtomicBool::new(false),
            stopped: Mutex::new(None),
            worker_started: AtomicBool::new(false),
        }
    }
}

impl Shared {
    /// Stops the worker and waits, at most `wait`, until it has closed the
    /// caches: a build under way finishes first. A cache still open when the
    /// process ends is only slower to open next time (the database checks
    /// itself), never wrong.
    pub(crate) async fn close(&self, wait: Duration) {
        self.closing.store(true, Ordering::SeqCst);
        self.wake.notify_one();
        let stopped = self.stopped.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(stopped) = stopped
            && tokio::time::timeout(wait, stopped).await.is_err()
        {
            tracing::info!("still building at shutdown: the caches close with the process");
        }
    }

    /// The current snapshot; never waits for a rebuild.
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Swaps in a new snapshot.
    pub(crate) fn publish(&self, snapshot: Snapshot) {
        *self.snapshot.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(snapshot);
    }

    /// The current snapshot as the client sees it: with the open buffers
    /// edited since it was built. Never waits for a rebuild.
    pub(crate) fn view(&self) -> (Arc<Snapshot>, Vec<(PathBuf, Arc<str>)>) {
        let snapshot = self.snapshot();
        let edited = self
            .inputs()
            .buffers
            .iter()
            .filter(|(path, buffer)| {
                !snapshot.buffer_texts.get(*path).is_some_and(|text| Arc::ptr_eq(text, &buffer.text))
            })
            .map(|(path, buffer)| (path.clone(), Arc::clone(&buffer.text)))
            .collect();
        (snapshot, edited)
    }

    /// The inputs, locked. A handler panicking while holding the lock leaves
    /// them usable: every change to them is a single assignment or insertion.
    pub(crate) fn inputs(&self) -> MutexGuard<'_, Inputs> {
        self.inputs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Changes the inputs and wakes the worker.
    pub(crate) fn change(&self, change: impl FnOnce(&mut Inputs)) {
        change(&mut self.inputs());
        self.wake.notify_one();
    }

    /// Marks files as changed on disk.
    pub(crate) fn mark_dirty(&self, paths: impl IntoIterator<Item = PathBuf>) {
        self.change(|inputs| inputs.dirty.extend(paths));
    }

    /// The negotiated position encoding.
    pub(crate) fn encoding(&self) -> PositionEncoding {
        self.support.get().map_or(PositionEncoding::Utf16, |support| support.encoding)
    }

    /// The current settings.
    pub(crate) fn settings(&self) -> Settings {
        self.settings.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// The text of `path` as the client has it: the open buffer, else the
    /// indexed source.
    pub(crate) fn current_text(&self, path: &Path) -> Option<Arc<str>> {
        if let Some(buffer) = self.inputs().buffers.get(path) {
            return Some(Arc::clone(&buffer.text));
        }
        self.snapshot().text(path.to_str()?).map(Arc::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_accept_nested_and_flat_shapes() {
        let mut settings = Settings::default();
        settings.update(&serde_json::json!({ "dossier": { "inlayHints": { "enable": false } } }));
        assert!(!settings.inlay_hints);
        settings.update(&serde_json::json!({ "inlayHints": { "enable": true } }));
        assert!(settings.inlay_hints);
        settings.update(&serde_json::json!({ "dossier.inlayHints.enable": false }));
        assert!(!settings.inlay_hints);
        settings.update(&serde_json::json!({ "other": 1 }));
        assert!(!settings.inlay_hints);
    }

    #[test]
    fn a_buffer_closed_and_reopened_at_version_one_is_edited() {
        let shared = Shared::default();
        let path = PathBuf::from("/w/notes/a.md");
        let indexed: Arc<str> = Arc::from("# A\n");
        let buffer_texts = HashMap::from([(path.clone(), Arc::clone(&indexed))]);
        shared.publish(Snapshot { buffer_texts, ..Snapshot::default() });
        shared.inputs().buffers.insert(path.clone(), Buffer { version: 1, text: indexed });
        assert!(shared.view().1.is_empty(), "the buffer the index was built from is not edited");
        // Closed, then opened again at version 1 with other text.
        shared.inputs().buffers.insert(path.clone(), Buffer { version: 1, text: Arc::from("\n# A\n") });
        let edited: Vec<PathBuf> = shared.view().1.into_iter().map(|(path, _)| path).collect();
        assert_eq!(edited, [path]);
    }

    #[test]
    fn locations_json_is_what_serde_writes_for_the_locations() {
        use dossier_index::{Source, SourceKind};
        let texts = [
            ("/notes/阿里 notes.md", "# 张勇\r\n\r\n張勇 👩‍💻 met 吴泳铭 (Wu Yongming) at 淘寶.\r\n"),
            ("/docs/a b#1.txt", "Taobao 淘宝 🎉 Wu Yongming\n吴泳铭 and 张勇\r\nlast line 淘寶"),
            ("/docs/plain.txt", "Alibaba\nAlibaba Alibaba"),
        ];
        let sources: Vec<Arc<Source>> = texts
            .iter()
            .map(|(path, text)| {
                let document = dossier_ingest::ingest(path, text.as_bytes(), &Default::default()).unwrap();
                let kind = if path.ends_with(".md") { SourceKind::Note } else { SourceKind::Document };
                Arc::new(Source { kind, document })
            })
            .collect();
        let index = Arc::new(Index::build(sources));
        let lines = index.sources().iter().map(|s| Arc::new(LineIndex::new(&s.document.text))).collect();
        let snapshot = Arc::new(Snapshot { index, lines, ..Snapshot::default() });
        // Every range of two characters, in path order as references come,
        // and some of another file between; the note edited in its buffer.
        let mut ranges = Vec::new();
        for source in snapshot.index.sources() {
            let text = &source.document.text;
            let path: Arc<str> = Arc::from(source.document.path.as_str());
            let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            for pair in starts.windows(3) {
                ranges.push(FileRange { path: Arc::clone(&path), range: pair[0]..pair[2] });
            }
        }
        ranges.insert(3, FileRange { path: Arc::from("/docs/plain.txt"), range: 0..7 });
        ranges.push(FileRange { path: Arc::from("/nowhere.txt"), range: 0..1 });
        let edited = (PathBuf::from(texts[0].0), Arc::from(format!("新 line\n{}", texts[0].1)));
        for encoding in [PositionEncoding::Utf16, PositionEncoding::Utf8] {
            for buffers in [vec![], vec![edited.clone()]] {
                let view = View::new(Arc::clone(&snapshot), buffers.clone(), encoding);
                let locations: Vec<lsp::Location> = ranges.iter().filter_map(|range| view.location(range)).collect();
                // Only the unknown file has no location when nothing is edited.
                assert!(!buffers.is_empty() || locations.len() + 1 == ranges.len());
                let expected = String::from_utf8(serde_json::to_vec(&locations).unwrap()).unwrap();
                let view = View::new(Arc::clone(&snapshot), buffers, encoding);
                assert_eq!(String::from_utf8(view.locations_json(&ranges)).unwrap(), expected);
            }
        }
        let view = View::new(snapshot, vec![], PositionEncoding::Utf16);
        assert_eq!(view.locations_json(&[]), b"[]");
    }

    #[test]
    fn status_serializes_as_the_extension_expects() {
        let status = Status { documents: 5, notes: 1, terms: 30, state: StatusState::Ready, unwatched: 0 };
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            serde_json::json!({ "documents": 5, "notes": 1, "terms": 30, "state": "ready" })
        );
    }
}
