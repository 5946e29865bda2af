//! The server's shared state: the inputs (workspace roots, open buffers,
//! paths to re-read) behind one lock, and the current [`Snapshot`] of the
//! index, swapped atomically after each rebuild.
//!
//! Readers clone the `Arc<Snapshot>` and never wait for a rebuild; writers
//! (the notification handlers) change the inputs under the lock, in the order
//! the client sent them, and wake the worker (`worker/`), the only builder.
//!
//! A request on a buffer edited since the snapshot was built is answered
//! from that snapshot through a [`View`]: the client's positions are mapped
//! to the indexed text through the edit, and the answer's ranges back.
//! Waiting for the rebuild instead would cost the request the whole rebuild
//! (seconds on a large corpus, as every keystroke starts one); what the edit
//! itself added is answered once the rebuild is published, and the server
//! asks the client to refresh its lenses and hints then.
//!
//! The layout: `snapshot.rs` (the immutable index snapshot), `view.rs` (a
//! request's view of it, positions mapped through open buffers' edits) and
//! `view/locations.rs` (locations, and answers written as JSON text),
//! `settings.rs` (client settings and capabilities), `status.rs` (the
//! `dossier/status` notification); this file holds the inputs and the locks.

mod settings;
mod snapshot;
mod status;
mod view;

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex, MutexGuard, OnceLock, RwLock,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use dossier_ingest::PositionEncoding;

use crate::diagnostics::PublishedDiagnostics;
use tokio::sync::Notify;

pub(crate) use settings::{ClientSupport, Settings};
pub(crate) use snapshot::{Snapshot, SourceTables, uri_json};
pub(crate) use status::{Status, StatusNotification, StatusState};
pub(crate) use view::View;

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
    /// The diagnostics last published, by note: written by the worker for
    /// each version, and by the handler of an edit for the edited note.
    published: Mutex<PublishedDiagnostics>,
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
            published: Mutex::default(),
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

    /// The diagnostics last published (held while they are compared and sent).
    pub(crate) fn published(&self) -> MutexGuard<'_, PublishedDiagnostics> {
        self.published.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether the buffer at `path` is newer than `version` (`None`: no buffer).
    pub(crate) fn edited_since(&self, path: &Path, version: Option<i32>) -> bool {
        let current = self.inputs().buffers.get(path).map(|buffer| buffer.version);
        matches!((current, version), (Some(current), Some(built)) if current > built)
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
}
