//! Edits that `dossier-ide` proposes for notes (renames, code actions, link
//! updates when a note is renamed) as LSP workspace edits, converted through
//! the request's [`View`] so that ranges in text typed since the last build
//! are refused rather than misplaced.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use dossier_ide::{
    code_actions::{ActionKind, CodeAction},
    rename::{RenameEdits, RenameError},
};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::{state::View, to_proto};

/// Text edits by note as a [`lsp::WorkspaceEdit`] of `changes`.
pub(crate) fn workspace_edit(view: &View, edits: RenameEdits) -> Result<lsp::WorkspaceEdit, RenameError> {
    let mut changes: HashMap<Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for (path, edits) in edits {
        let Some(uri) = to_proto::uri(Path::new(&*path)) else { continue };
        changes.insert(uri, text_edits(view, &path, edits)?);
    }
    Ok(lsp::WorkspaceEdit { changes: Some(changes), ..lsp::WorkspaceEdit::default() })
}

/// Text edits by note as a [`lsp::WorkspaceEdit`] of `documentChanges`, each
/// naming the version of its open buffer (`versions`, by path; `null` for a
/// note not open), so that a client whose buffer moved on refuses the edit
/// rather than applying it at the wrong places.
pub(crate) fn versioned_workspace_edit(
    view: &View,
    edits: RenameEdits,
    versions: &HashMap<PathBuf, i32>,
) -> Result<lsp::WorkspaceEdit, RenameError> {
    let mut document_changes = Vec::new();
    for (path, edits) in edits {
        let Some(uri) = to_proto::uri(Path::new(&*path)) else { continue };
        let edits = text_edits(view, &path, edits)?.into_iter().map(lsp::OneOf::Left).collect();
        let version = versions.get(Path::new(&*path)).copied();
        let text_document = lsp::OptionalVersionedTextDocumentIdentifier { uri, version };
        document_changes.push(lsp::TextDocumentEdit { text_document, edits });
    }
    let document_changes = Some(lsp::DocumentChanges::Edits(document_changes));
    Ok(lsp::WorkspaceEdit { document_changes, ..lsp::WorkspaceEdit::default() })
}

/// One note's edits as LSP text edits. An edit that falls in text typed
/// since the last build has no place yet: refuse rather than edit only part
/// of the places.
fn text_edits(
    view: &View,
    path: &str,
    edits: impl IntoIterator<Item = (std::ops::Range<usize>, String)>,
) -> Result<Vec<lsp::TextEdit>, RenameError> {
    edits
        .into_iter()
        .map(|(range, new_text)| {
            let range = view.range(path, range).ok_or(RenameError::Edited)?;
            Ok(lsp::TextEdit { range, new_text })
        })
        .collect()
}

/// A code action as LSP: a note to create is a `CreateFile` operation
/// followed by the edit that writes its text, both in `documentChanges`.
pub(crate) fn code_action(view: &View, action: CodeAction) -> Option<lsp::CodeActionOrCommand> {
    let kind = match action.kind {
        ActionKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
        ActionKind::Refactor => lsp::CodeActionKind::REFACTOR_REWRITE,
    };
    let edit = match action.create {
        Some((path, text)) => {
            let uri = to_proto::uri(&path)?;
            let start = lsp::Position { line: 0, character: 0 };
            lsp::WorkspaceEdit {
                document_changes: Some(lsp::DocumentChanges::Operations(vec![
                    lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                        uri: uri.clone(),
                        options: Some(lsp::CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(true) }),
                        annotation_id: None,
                    })),
                    lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                        text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version: None },
                        edits: vec![lsp::OneOf::Left(lsp::TextEdit {
                            range: lsp::Range { start, end: start },
                            new_text: text,
                        })],
                    }),
                ])),
                ..lsp::WorkspaceEdit::default()
            }
        }
        None => workspace_edit(view, action.edits).ok()?,
    };
    Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: action.title,
        kind: Some(kind),
        edit: Some(edit),
        ..lsp::CodeAction::default()
    }))
}

/// What `workspace/willRenameFiles` and `didRenameFiles` register for:
/// Markdown notes.
pub(crate) fn rename_filters() -> lsp::FileOperationRegistrationOptions {
    let filter = |glob: &str, matches| lsp::FileOperationFilter {
        scheme: Some("file".to_owned()),
        pattern: lsp::FileOperationPattern {
            glob: glob.to_owned(),
            matches: Some(matches),
            options: Some(lsp::FileOperationPatternOptions { ignore_case: Some(true) }),
        },
    };
    lsp::FileOperationRegistrationOptions {
        filters: vec![
            filter("**/*.md", lsp::FileOperationPatternKind::File),
            filter("**/*.markdown", lsp::FileOperationPatternKind::File),
        ],
    }
}
