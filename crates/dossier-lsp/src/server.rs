//! The LSP handlers: thin. Each converts its parameters at the edge
//! (`from_proto`, through the request's [`View`]), runs the analysis
//! (`dossier_ide`) on a blocking thread over the current snapshot, and
//! converts the answer back (`to_proto`). A panic in the analysis becomes an error
//! response; unknown files, out-of-range positions and positions inside
//! text typed since the last build get empty answers.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use tower_lsp_server::{
    Client, LanguageServer,
    jsonrpc::{self, ErrorCode},
    ls_types::{self as lsp, Uri},
};

use dossier_ide::{code_actions, completion, hover, inlay, lens, links, navigation, rename, symbols};

use dossier_ingest::{LineIndex, PositionEncoding};

use crate::{
    diagnostics::{self, EditedNote},
    from_proto, note_edits,
    state::{Buffer, ClientSupport, Shared, View},
    to_proto,
    transport::Splices,
    worker,
};

/// The LSP error code for a request that failed for a reason the user should read.
const REQUEST_FAILED: i64 = -32803;

/// How long `shutdown` waits for a build under way to end so that the
/// caches close cleanly (clients give up on the answer after a few seconds).
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// The language server.
#[derive(Debug)]
pub(crate) struct Server {
    client: Client,
    shared: Arc<Shared>,
    splices: Arc<Splices>,
    /// Set by `shutdown`: the process's exit code depends on it.
    shut_down: Arc<AtomicBool>,
    /// Held while an edited note's diagnostics are found and sent, so that
    /// those of two edits go out in order.
    early: tokio::sync::Mutex<()>,
}

/// The params of [`crate::transport::SPLICED_REFERENCES`]: a references request and its id.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct SplicedReferences {
    id: serde_json::Value,
    params: lsp::ReferenceParams,
}

impl Server {
    pub(crate) fn new(client: Client, splices: Arc<Splices>, shut_down: Arc<AtomicBool>) -> Server {
        Server { client, shared: Arc::default(), splices, shut_down, early: tokio::sync::Mutex::new(()) }
    }

    /// `textDocument/references` as the transport passes it on: the answer
    /// is written as JSON text for the transport to put into the response
    /// (see `transport`), which is `null` here.
    ///
    /// With a `partialResultToken`, the locations go out in `$/progress`
    /// notifications, a batch each (the first within milliseconds whatever
    /// the total), and the answer is an empty list.
    pub(crate) async fn spliced_references(&self, params: SplicedReferences) -> jsonrpc::Result<serde_json::Value> {
        let include_declaration = params.params.context.include_declaration;
        let token = params.params.partial_result_params.partial_result_token.as_ref();
        let token = token.and_then(|token| serde_json::to_string(token).ok());
        let splices = Arc::clone(&self.splices);
        let text = self
            .at_position(&params.params.text_document_position, move |view, path, _, offset| {
                let index = &view.snapshot.index;
                let Some(token) = token else {
                    // A note's references (its backlinks, each in another
                    // note, then its term's mentions outside them) are
                    // written while they are found; a term's, mostly in a
                    // few files, once found.
                    if navigation::note_at(index, path, offset).is_some() {
                        let found = navigation::references_in_order(index, path, offset, include_declaration);
                        return Some(view.locations_json_streamed(found));
                    }
                    let found = navigation::references(index, path, offset, include_declaration);
                    return Some(view.locations_json(&found));
                };
                // As they are found: the first batch goes out before the
                // last locations are known.
                let found = navigation::references_in_order(index, path, offset, include_declaration);
                view.locations_json_in_batches(found, |batch| splices.progress(&token, batch));
                Some(b"[]".to_vec())
            })
            .await?;
        self.splices.put(&params.id, text.unwrap_or_else(|| b"null".to_vec()));
        Ok(serde_json::Value::Null)
    }

    /// Publishes an edited note's diagnostics at once, when the current
    /// index can tell them (see `edited_note_diagnostics`), rather than
    /// after the rebuild: while a large workspace rebuilds, the next edits
    /// wait for it. In order of the edits, and only while `version` is the
    /// buffer's latest: the worker, which sends each version's diagnostics
    /// after its build, leaves out those of buffers edited since.
    async fn publish_edited_diagnostics(&self, path: PathBuf, version: i32, text: Arc<str>) {
        let snapshot = self.shared.snapshot();
        let is_note = path
            .to_str()
            .and_then(|p| snapshot.index.source(p))
            .is_some_and(|s| s.kind == dossier_index::SourceKind::Note);
        if !snapshot.ready || snapshot.indexing.is_some() || !is_note {
            return;
        }
        let _in_order = self.early.lock().await;
        let shared = Arc::clone(&self.shared);
        let encoding = self.shared.encoding();
        let found = tokio::task::spawn_blocking(move || {
            let (roots, current) = {
                let inputs = shared.inputs();
                (inputs.roots.clone(), inputs.buffers.get(&path).map(|buffer| buffer.version))
            };
            if current != Some(version) {
                return Vec::new();
            }
            let note = EditedNote { path: &path, text: &text, hash: dossier_ingest::content_hash(text.as_bytes()) };
            let versions = HashMap::from([(path.clone(), version)]);
            let exists = |target: &Path| diagnostics::exists_under(roots.iter().map(PathBuf::as_path), target);
            shared.published().edited(&snapshot.index, &[note], &versions, encoding, &exists)
        })
        .await
        .unwrap_or_default();
        for (uri, diagnostics, version) in found {
            self.client.publish_diagnostics(uri, diagnostics, version).await;
        }
    }

    /// The current view: never waits for a rebuild.
    fn view(&self) -> impl FnOnce() -> View + Send + 'static {
        let (snapshot, edited) = self.shared.view();
        let encoding = self.shared.encoding();
        move || View::new(snapshot, edited, encoding)
    }

    /// Runs `analysis` over the current view for the file at `uri`, with the
    /// file's path and indexed text; `None` for files the index does not have.
    async fn on_file<T: Send + 'static>(
        &self,
        uri: &Uri,
        analysis: impl FnOnce(&View, &str, &str) -> Option<T> + Send + 'static,
    ) -> jsonrpc::Result<Option<T>> {
        let Some(path) = from_proto::path(uri) else { return Ok(None) };
        let view = self.view();
        analyze(move || {
            let view = view();
            let path = path.to_str()?;
            let text = view.text(path)?;
            analysis(&view, path, text)
        })
        .await
    }

    /// [`Server::on_file`] at a position, given as a byte offset in the indexed text.
    async fn at_position<T: Send + 'static>(
        &self,
        at: &lsp::TextDocumentPositionParams,
        analysis: impl FnOnce(&View, &str, &str, usize) -> Option<T> + Send + 'static,
    ) -> jsonrpc::Result<Option<T>> {
        let position = at.position;
        self.on_file(&at.text_document.uri, move |view, path, text| {
            let offset = view.offset(path, position)?;
            analysis(view, path, text, offset)
        })
        .await
    }
}

/// Runs analysis on a blocking thread, so that a slow query does not hold up
/// the protocol, and so that a panic is caught: it becomes an internal error
/// response and the server carries on.
pub(crate) async fn analyze<T: Send + 'static>(analysis: impl FnOnce() -> T + Send + 'static) -> jsonrpc::Result<T> {
    tokio::task::spawn_blocking(analysis).await.map_err(|error| {
        let reason = match error.try_into_panic() {
            Ok(panic) => panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned()),
            Err(error) => error.to_string(),
        };
        tracing::error!("request failed: {reason}");
        jsonrpc::Error {
            code: ErrorCode::InternalError,
            message: format!("internal error: {reason}").into(),
            data: None,
        }
    })
}

fn request_failed(message: impl ToString) -> jsonrpc::Error {
    jsonrpc::Error { code: ErrorCode::ServerError(REQUEST_FAILED), message: message.to_string().into(), data: None }
}

fn support_of(params: &lsp::InitializeParams) -> ClientSupport {
    let capabilities = &params.capabilities;
    let workspace = capabilities.workspace.as_ref();
    ClientSupport {
        encoding: from_proto::encoding(
            capabilities.general.as_ref().and_then(|general| general.position_encodings.as_deref()),
        ),
        work_done_progress: capabilities.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
        watched_files_registration: workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false),
        inlay_hint_refresh: workspace
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|h| h.refresh_support)
            .unwrap_or(false),
        code_lens_refresh: workspace
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false),
        document_changes: workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false),
    }
}

#[allow(deprecated, reason = "rootUri is the fallback for clients without workspace folders")]
fn roots_of(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    match &params.workspace_folders {
        Some(folders) if !folders.is_empty() => folders.iter().filter_map(|f| from_proto::path(&f.uri)).collect(),
        _ => params.root_uri.iter().filter_map(from_proto::path).collect(),
    }
}

fn capabilities(encoding: PositionEncoding) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(to_proto::encoding_kind(encoding)),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            // Whole texts: notes are small, and a whole text cannot be applied
            // out of order (versions only ever move forward).
            change: Some(lsp::TextDocumentSyncKind::FULL),
            save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
            ..lsp::TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            // `[[` opens a link, `#` its heading.
            trigger_characters: Some(vec!["[".to_owned(), "#".to_owned()]),
            ..lsp::CompletionOptions::default()
        }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX, lsp::CodeActionKind::REFACTOR_REWRITE]),
            ..lsp::CodeActionOptions::default()
        })),
        document_link_provider: Some(lsp::DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        }),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        code_lens_provider: Some(lsp::CodeLensOptions { resolve_provider: Some(false) }),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        })),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp::OneOf::Left(true)),
            }),
            file_operations: Some(lsp::WorkspaceFileOperationsServerCapabilities {
                will_rename: Some(note_edits::rename_filters()),
                did_rename: Some(note_edits::rename_filters()),
                ..lsp::WorkspaceFileOperationsServerCapabilities::default()
            }),
        }),
        ..lsp::ServerCapabilities::default()
    }
}

/// A candidate inside `[[` as a completion item: a note (file) or a heading.
fn link_completion_item(
    rank: usize,
    candidate: links::LinkCompletion,
    lines: &LineIndex,
    text: &str,
    encoding: PositionEncoding,
) -> lsp::CompletionItem {
    let file = Path::new(&*candidate.path).file_name().and_then(|name| name.to_str()).unwrap_or_default();
    lsp::CompletionItem {
        label: candidate.insert.clone(),
        kind: Some(if candidate.heading { lsp::CompletionItemKind::REFERENCE } else { lsp::CompletionItemKind::FILE }),
        detail: Some(file.to_owned()),
        sort_text: Some(format!("{rank:04}")),
        // Pinyin and other-script matches would be hidden by the client's
        // own filtering on the typed text.
        filter_text: Some(candidate.typed),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: to_proto::range(lines, text, candidate.replace, encoding),
            new_text: candidate.insert,
        })),
        ..lsp::CompletionItem::default()
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> jsonrpc::Result<lsp::InitializeResult> {
        let support = support_of(&params);
        let encoding = support.encoding;
        let _ = self.shared.support.set(support);
        if let Some(options) = &params.initialization_options {
            self.shared.settings.write().unwrap_or_else(|p| p.into_inner()).update(options);
        }
        let roots = roots_of(&params);
        tracing::info!("workspace roots: {roots:?}");
        self.shared.change(|inputs| {
            inputs.roots = roots;
            inputs.reload = true;
        });
        Ok(lsp::InitializeResult {
            capabilities: capabilities(encoding),
            server_info: Some(lsp::ServerInfo {
                name: "dossier".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        if !worker::spawn(Arc::clone(&self.shared), self.client.clone()) {
            return;
        }
        if self.shared.support.get().is_some_and(|support| support.watched_files_registration) {
            let client = self.client.clone();
            tokio::spawn(async move {
                let options = lsp::DidChangeWatchedFilesRegistrationOptions {
                    watchers: vec![lsp::FileSystemWatcher {
                        glob_pattern: lsp::GlobPattern::String("**/*".to_owned()),
                        kind: None,
                    }],
                };
                let registration = lsp::Registration {
                    id: "dossier/watched-files".to_owned(),
                    method: "workspace/didChangeWatchedFiles".to_owned(),
                    register_options: serde_json::to_value(options).ok(),
                };
                if let Err(error) = client.register_capability(vec![registration]).await {
                    tracing::warn!("the client refused to watch files: {error}");
                }
            });
        }
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        self.shared.close(CLOSE_WAIT).await;
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let Some(path) = from_proto::path(&params.text_document.uri) else { return };
        let buffer = Buffer { version: params.text_document.version, text: params.text_document.text.into() };
        self.shared.change(|inputs| {
            inputs.buffers.insert(path, buffer);
        });
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let Some(path) = from_proto::path(&params.text_document.uri) else { return };
        // Full sync: the last change holds the whole text.
        let Some(change) = params.content_changes.into_iter().last() else { return };
        let version = params.text_document.version;
        let text: Arc<str> = change.text.into();
        let mut newer = false;
        self.shared.change(|inputs| match inputs.buffers.get_mut(&path) {
            Some(buffer) if buffer.version >= version => {}
            Some(buffer) => {
                *buffer = Buffer { version, text: Arc::clone(&text) };
                newer = true;
            }
            None => {
                inputs.buffers.insert(path.clone(), Buffer { version, text: Arc::clone(&text) });
                newer = true;
            }
        });
        if newer {
            self.publish_edited_diagnostics(path, version, text).await;
        }
    }

    async fn did_save(&self, params: lsp::DidSaveTextDocumentParams) {
        if let Some(path) = from_proto::path(&params.text_document.uri) {
            self.shared.mark_dirty([path]);
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let Some(path) = from_proto::path(&params.text_document.uri) else { return };
        self.shared.change(|inputs| {
            inputs.buffers.remove(&path);
            inputs.dirty.insert(path);
        });
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        self.shared.mark_dirty(params.changes.iter().filter_map(|change| from_proto::path(&change.uri)));
    }

    async fn did_change_workspace_folders(&self, params: lsp::DidChangeWorkspaceFoldersParams) {
        let removed: Vec<PathBuf> = params.event.removed.iter().filter_map(|f| from_proto::path(&f.uri)).collect();
        let added: Vec<PathBuf> = params.event.added.iter().filter_map(|f| from_proto::path(&f.uri)).collect();
        self.shared.change(|inputs| {
            inputs.roots.retain(|root| !removed.contains(root));
            inputs.roots.extend(added.into_iter().filter(|root| !removed.contains(root)));
            inputs.reload = true;
        });
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        self.shared.settings.write().unwrap_or_else(|p| p.into_inner()).update(&params.settings);
        if self.shared.support.get().is_some_and(|support| support.inlay_hint_refresh) {
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = client.inlay_hint_refresh().await;
            });
        }
    }

    async fn hover(&self, params: lsp::HoverParams) -> jsonrpc::Result<Option<lsp::Hover>> {
        self.at_position(&params.text_document_position_params, |view, path, _, offset| {
            if let Some(preview) = links::link_preview(&view.snapshot.index, path, offset) {
                return Some(lsp::Hover {
                    range: Some(view.range(path, preview.range.clone())?),
                    contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: preview.to_markdown(),
                    }),
                });
            }
            let card = hover::hover(&view.snapshot.index, path, offset)?;
            Some(to_proto::hover(view.range(path, card.range.clone())?, &card, view.snapshot.indexing))
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> jsonrpc::Result<Option<lsp::GotoDefinitionResponse>> {
        self.at_position(&params.text_document_position_params, |view, path, _, offset| {
            let targets = navigation::definition(&view.snapshot.index, path, offset);
            let locations: Vec<lsp::Location> = targets.iter().filter_map(|target| view.location(target)).collect();
            (!locations.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(locations))
        })
        .await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> jsonrpc::Result<Option<Vec<lsp::Location>>> {
        let include_declaration = params.context.include_declaration;
        self.at_position(&params.text_document_position, move |view, path, _, offset| {
            let found = navigation::references(&view.snapshot.index, path, offset, include_declaration);
            Some(found.iter().filter_map(|range| view.location(range)).collect())
        })
        .await
    }

    async fn completion(&self, params: lsp::CompletionParams) -> jsonrpc::Result<Option<lsp::CompletionResponse>> {
        let at = params.text_document_position;
        let Some(path) = from_proto::path(&at.text_document.uri) else { return Ok(None) };
        // The word being typed is read from the buffer as the client has it,
        // which may be ahead of the index.
        let Some(text) = self.shared.current_text(&path) else { return Ok(None) };
        let snapshot = self.shared.snapshot();
        let encoding = self.shared.encoding();
        analyze(move || {
            let lines = LineIndex::new(&text);
            let offset = from_proto::offset(&lines, &text, at.position, encoding)?;
            let path = path.to_str()?;
            if let Some(found) = links::link_completions(&snapshot.index, path, &text, offset) {
                let items = found
                    .into_iter()
                    .enumerate()
                    .map(|(rank, candidate)| link_completion_item(rank, candidate, &lines, &text, encoding))
                    .collect();
                return Some(lsp::CompletionResponse::List(lsp::CompletionList { is_incomplete: true, items }));
            }
            let items: Vec<lsp::CompletionItem> = completion::completions(&snapshot.index, &text, offset)
                .into_iter()
                .enumerate()
                .map(|(rank, candidate)| to_proto::completion_item(&lines, &text, rank, candidate, encoding))
                .collect();
            Some(lsp::CompletionResponse::List(lsp::CompletionList { is_incomplete: true, items }))
        })
        .await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> jsonrpc::Result<Option<lsp::WorkspaceSymbolResponse>> {
        let view = self.view();
        analyze(move || {
            let view = view();
            let found =
                symbols::workspace_symbols(&view.snapshot.index, &params.query, symbols::WORKSPACE_SYMBOL_LIMIT);
            let symbols = found
                .into_iter()
                .filter_map(|symbol| Some(to_proto::workspace_symbol(view.location(&symbol.location)?, symbol)))
                .chain(
                    links::note_symbols(&view.snapshot.index, &params.query, symbols::WORKSPACE_SYMBOL_LIMIT)
                        .into_iter()
                        .filter_map(|note| {
                            #[allow(deprecated, reason = "the field must be written, and is deprecated")]
                            Some(lsp::SymbolInformation {
                                name: note.title,
                                kind: lsp::SymbolKind::FILE,
                                tags: None,
                                deprecated: None,
                                location: view.location(&note.location)?,
                                container_name: None,
                            })
                        }),
                )
                .collect();
            Some(lsp::WorkspaceSymbolResponse::Flat(symbols))
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> jsonrpc::Result<Option<lsp::DocumentSymbolResponse>> {
        let Some(path) = from_proto::path(&params.text_document.uri) else { return Ok(None) };
        let is_markdown = dossier_workspace::is_markdown(&path);
        let Some(text) = self.shared.current_text(&path).filter(|_| is_markdown) else { return Ok(None) };
        let encoding = self.shared.encoding();
        analyze(move || {
            let lines = LineIndex::new(&text);
            let symbols = to_proto::document_symbols(symbols::headings(&text), &lines, &text, encoding);
            Some(lsp::DocumentSymbolResponse::Nested(symbols))
        })
        .await
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> jsonrpc::Result<Option<Vec<lsp::CodeLens>>> {
        let uri = params.text_document.uri.clone();
        self.on_file(&params.text_document.uri, move |view, path, _| {
            let lenses = lens::code_lenses(&view.snapshot.index, path)
                .into_iter()
                .filter_map(|lens| Some(to_proto::code_lens(&uri, view.range(path, lens.range.clone())?, lens)));
            let link_lens = links::link_lens(&view.snapshot.index, path).and_then(|lens| {
                let range = view.range(path, lens.range.clone())?;
                Some(lsp::CodeLens {
                    range,
                    command: Some(lsp::Command {
                        title: lens.title(),
                        command: "dossier.showReferences".to_owned(),
                        arguments: Some(vec![
                            serde_json::json!(uri.as_str()),
                            serde_json::to_value(range.start).unwrap_or_default(),
                        ]),
                    }),
                    data: None,
                })
            });
            Some(lenses.chain(link_lens).collect())
        })
        .await
    }

    async fn inlay_hint(&self, params: lsp::InlayHintParams) -> jsonrpc::Result<Option<Vec<lsp::InlayHint>>> {
        if !self.shared.settings().inlay_hints {
            return Ok(None);
        }
        let range = params.range;
        self.on_file(&params.text_document.uri, move |view, path, text| {
            let wanted = view.text_range(path, range).unwrap_or(0..text.len());
            let hints = inlay::inlay_hints(&view.snapshot.index, path, wanted)
                .into_iter()
                .filter_map(|hint| Some(to_proto::inlay_hint(view.range(path, hint.offset..hint.offset)?.start, hint)))
                .collect();
            Some(hints)
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> jsonrpc::Result<Option<lsp::PrepareRenameResponse>> {
        let answer = self
            .at_position(&params, |view, path, _, offset| {
                Some(rename::prepare_rename(&view.snapshot.index, path, offset).and_then(|(range, placeholder)| {
                    let range = view.range(path, range).ok_or(rename::RenameError::Edited)?;
                    Ok(lsp::PrepareRenameResponse::RangeWithPlaceholder { range, placeholder })
                }))
            })
            .await?;
        match answer {
            None => Ok(None),
            Some(Ok(response)) => Ok(Some(response)),
            Some(Err(error)) => Err(request_failed(error)),
        }
    }

    async fn rename(&self, params: lsp::RenameParams) -> jsonrpc::Result<Option<lsp::WorkspaceEdit>> {
        let new_name = params.new_name;
        // Edits to open buffers name the version they were computed for, so
        // that a client whose buffer moved on refuses them rather than
        // applying them at the wrong places.
        let versioned = self.shared.support.get().is_some_and(|support| support.document_changes);
        let versions: HashMap<PathBuf, i32> =
            self.shared.inputs().buffers.iter().map(|(path, buffer)| (path.clone(), buffer.version)).collect();
        let answer = self
            .at_position(&params.text_document_position, move |view, path, _, offset| {
                Some(rename::rename(&view.snapshot.index, path, offset, &new_name).and_then(|edits| {
                    if versioned {
                        note_edits::versioned_workspace_edit(view, edits, &versions)
                    } else {
                        note_edits::workspace_edit(view, edits)
                    }
                }))
            })
            .await?;
        match answer {
            None => Err(request_failed(rename::RenameError::NoTerm)),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(error)) => Err(request_failed(error)),
        }
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> jsonrpc::Result<Option<lsp::CodeActionResponse>> {
        let range = params.range;
        self.on_file(&params.text_document.uri, move |view, path, _| {
            let wanted = view.text_range(path, range)?;
            let actions = code_actions::code_actions(&view.snapshot.index, path, wanted);
            Some(actions.into_iter().filter_map(|action| note_edits::code_action(view, action)).collect())
        })
        .await
    }

    async fn document_link(&self, params: lsp::DocumentLinkParams) -> jsonrpc::Result<Option<Vec<lsp::DocumentLink>>> {
        self.on_file(&params.text_document.uri, move |view, path, _| {
            let found = links::document_links(&view.snapshot.index, path);
            Some(
                found
                    .into_iter()
                    .filter_map(|link| {
                        Some(lsp::DocumentLink {
                            range: view.range(path, link.range)?,
                            target: to_proto::uri(Path::new(&*link.target)),
                            tooltip: None,
                            data: None,
                        })
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn will_rename_files(&self, params: lsp::RenameFilesParams) -> jsonrpc::Result<Option<lsp::WorkspaceEdit>> {
        let view = self.view();
        let answer = analyze(move || {
            let view = view();
            let mut edits = rename::RenameEdits::new();
            for file in &params.files {
                let path = |uri: &str| from_proto::path(&uri.parse().ok()?);
                let (Some(old), Some(new)) = (path(&file.old_uri), path(&file.new_uri)) else { continue };
                let (Some(old), Some(new)) = (old.to_str(), new.to_str()) else { continue };
                for (note, found) in code_actions::file_rename_edits(&view.snapshot.index, old, new) {
                    edits.entry(note).or_default().extend(found);
                }
            }
            if edits.is_empty() { Ok(None) } else { note_edits::workspace_edit(&view, edits).map(Some) }
        })
        .await?;
        answer.map_err(request_failed)
    }

    async fn did_rename_files(&self, params: lsp::RenameFilesParams) {
        let paths = params
            .files
            .iter()
            .flat_map(|file| [&file.old_uri, &file.new_uri])
            .filter_map(|uri| from_proto::path(&uri.parse().ok()?));
        self.shared.mark_dirty(paths.collect::<Vec<_>>());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_in_analysis_becomes_an_internal_error() {
        let error = analyze(|| -> usize { panic!("index out of bounds") }).await.unwrap_err();
        assert_eq!(error.code, ErrorCode::InternalError);
        assert_eq!(error.message, "internal error: index out of bounds");
        assert_eq!(analyze(|| 42).await.unwrap(), 42);
    }
}
