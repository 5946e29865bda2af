//! The `dossier/status` notification, sent after each (re)build: how many
//! documents, notes and terms the index holds, and whether it is ready.

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::notification::Notification;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_serializes_as_the_extension_expects() {
        let status = Status { documents: 5, notes: 1, terms: 30, state: StatusState::Ready, unwatched: 0 };
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            serde_json::json!({ "documents": 5, "notes": 1, "terms": 30, "state": "ready" })
        );
    }
}
