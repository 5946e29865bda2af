//! The file watcher: every folder a walk of the roots enters is watched on
//! its own, and events only mark paths dirty (the worker reads the disk to
//! learn what happened).

use std::{path::PathBuf, sync::Arc, time::Duration};

use dossier_workspace::walk_folders;
use notify_debouncer_full::{DebounceEventResult, new_debouncer, notify::RecursiveMode};

use super::Worker;

/// How long the watcher waits for a burst of events to settle. An editor's
/// save (a temporary file renamed over the old one) settles within a few
/// milliseconds, and the wait is part of every "saved → updated" delay;
/// longer bursts (a checkout) coalesce in the worker anyway, which builds
/// once over the latest inputs after the build under way.
const DEBOUNCE: Duration = Duration::from_millis(25);

impl Worker {
    /// Watches every folder a walk of the roots enters, one by one (not
    /// recursively: `node_modules`, `.git`, `target` and `.gitignore`d
    /// folders are not watched); events only mark paths dirty.
    pub(super) fn watch(&mut self) {
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
    pub(super) fn watch_folders(&mut self, folders: &[PathBuf]) {
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
}

/// Whether a watcher event only says that a file was opened, read or closed
/// without writing.
fn is_read(kind: &notify_debouncer_full::notify::EventKind) -> bool {
    use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
    matches!(kind, EventKind::Access(access) if *access != AccessKind::Close(AccessMode::Write))
}
