//! What the client may set (`initializationOptions`,
//! `workspace/didChangeConfiguration`) and what it said it supports
//! (`initialize`).

use dossier_ingest::PositionEncoding;

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
}
