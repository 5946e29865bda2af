//! The server's shared state: the inputs (workspace roots, open buffers,
//! paths to re-read) behind one lock, and the current [`Snapshot`] of the
//! index, swapped atomically after each rebuild.
//!
//! Readers clone the `Arc<Snapshot>` and never wait for a rebuild; writers
//! (the notification handlers) change the inputs under the lock, in the order
//! the client sent them, and wake the worker (`worker.rs`), the only builder.

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
    sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock},
    time::Duration,
};

use dossier_index::{Index, SourceKind};
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, watch};
use tower_lsp_server::ls_types::notification::Notification;

use crate::convert::PositionEncoding;

/// How long a request on a just-edited buffer waits for an index that
/// includes the edit before it answers from the older one.
const FRESHNESS_WAIT: Duration = Duration::from_secs(2);

/// One immutable version of everything requests read.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// The index over every root's sources, open buffers included.
    pub(crate) index: Arc<Index>,
    /// The version of each open buffer the index was built from.
    pub(crate) versions: HashMap<PathBuf, i32>,
    /// Whether the first ingestion has finished.
    pub(crate) ready: bool,
}

impl Snapshot {
    /// The decoded text of a source of the index.
    pub(crate) fn text(&self, path: &str) -> Option<&str> {
        crate::analysis::source_text(&self.index, path)
    }

    /// The counts and state for `dossier/status`.
    pub(crate) fn status(&self) -> Status {
        let count = |kind| self.index.sources().iter().filter(|s| s.kind == kind).count();
        Status {
            documents: count(SourceKind::Document),
            notes: count(SourceKind::Note),
            terms: self.index.terms().len(),
            state: if self.ready { StatusState::Ready } else { StatusState::Ingesting },
        }
    }
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
}

/// `dossier/status` parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Status {
    pub(crate) documents: usize,
    pub(crate) notes: usize,
    pub(crate) terms: usize,
    pub(crate) state: StatusState,
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
    /// Counts published snapshots, for requests waiting on a fresh one.
    published: watch::Sender<u64>,
    /// The client's settings.
    pub(crate) settings: RwLock<Settings>,
    /// Set once by `initialize`.
    pub(crate) support: OnceLock<ClientSupport>,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            snapshot: RwLock::default(),
            inputs: Mutex::default(),
            wake: Notify::new(),
            published: watch::Sender::new(0),
            settings: RwLock::default(),
            support: OnceLock::new(),
        }
    }
}

impl Shared {
    /// The current snapshot; never waits for a rebuild.
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Swaps in a new snapshot and tells waiting requests.
    pub(crate) fn publish(&self, snapshot: Snapshot) {
        *self.snapshot.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(snapshot);
        self.published.send_modify(|generation| *generation += 1);
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

    /// A snapshot for a request on `path`. When `path` is an open buffer
    /// edited since the current snapshot was built, waits (a bounded time)
    /// for the rebuild that includes the edit, so that positions match the
    /// text. Never waits during the first ingestion.
    pub(crate) async fn snapshot_for(&self, path: &Path) -> Arc<Snapshot> {
        let mut published = self.published.subscribe();
        let wanted = self.inputs().buffers.get(path).map(|buffer| buffer.version);
        let deadline = tokio::time::Instant::now() + FRESHNESS_WAIT;
        loop {
            let snapshot = self.snapshot();
            let fresh = match wanted {
                None => true,
                Some(version) => snapshot.versions.get(path).is_some_and(|&built| built >= version),
            };
            if fresh || !snapshot.ready {
                return snapshot;
            }
            match tokio::time::timeout_at(deadline, published.changed()).await {
                Ok(Ok(())) => continue,
                _ => return self.snapshot(),
            }
        }
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
    fn status_serializes_as_the_extension_expects() {
        let status = Status { documents: 5, notes: 1, terms: 30, state: StatusState::Ready };
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            serde_json::json!({ "documents": 5, "notes": 1, "terms": 30, "state": "ready" })
        );
    }
}
