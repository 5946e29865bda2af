//! Dossier's language server, the only crate that knows LSP.
//!
//! `dossier lsp` calls [`run_stdio`], which serves LSP over stdin and stdout
//! until the client sends `exit`:
//!
//! ```no_run
//! use std::process::ExitCode;
//!
//! fn main() -> std::io::Result<ExitCode> {
//!     // Logs go to stderr (the CLI installs a `tracing` subscriber); stdout carries the protocol.
//!     let shut_down = dossier_lsp::run_stdio()?;
//!     // 0 after `shutdown`, 1 when the client sent `exit` without it or went away.
//!     Ok(if shut_down { ExitCode::SUCCESS } else { ExitCode::from(1) })
//! }
//! ```
//!
//! The layout, from the edge inwards: `transport.rs` (frames and checks
//! messages, so that an unreadable one gets an error instead of ending the
//! server), `server.rs` (the LSP handlers, thin), `from_proto.rs` and
//! `to_proto.rs` (every conversion between LSP and Dossier values: URIs,
//! positions in UTF-8 or UTF-16, diagnostics, symbols), `edit.rs` (an open
//! buffer's edit since the last build), `state/` (the open buffers and the
//! current index snapshot: `snapshot.rs`, a request's `view.rs` and its
//! `view/locations.rs`, `settings.rs`, `status.rs`), `worker/` (rebuilding
//! in `mod.rs`, loading and re-reading in `read.rs`, watching in
//! `watch.rs`, the roots and which files are read in `roots.rs`, progress
//! in `progress.rs`). What each feature answers
//! comes from `dossier_ide`, as plain functions over an index.
//!
//! Threading: handlers run concurrently on a multi-threaded tokio runtime.
//! Notifications that change inputs (`didOpen`, `didChange`, watched files,
//! folders) update them under one mutex, in arrival order, and wake the
//! worker; requests clone the current `Arc` snapshot and run their analysis
//! on a blocking thread, never waiting for a rebuild: a buffer edited since
//! the snapshot was built is answered from it through the edit (a `View`
//! in `state/view.rs`). The worker is the only builder: it ingests and builds on
//! a blocking thread and swaps the new snapshot in; wake-ups during a build
//! coalesce into one more build over the latest inputs; each build redoes
//! only what changed (`dossier_index::IndexBuilder`). Language detections
//! and what the index builder found in each document persist per workspace
//! root in `.dossier/cache.redb`, so a restart only detects and extracts
//! the files that changed.
#![deny(missing_docs)]
// Stdout carries the protocol: nothing else may print there.
#![deny(clippy::print_stdout)]

mod diagnostics;
mod edit;
pub mod from_proto;
mod note_edits;
mod server;
mod state;
pub mod to_proto;
mod transport;
mod worker;

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Entry points for the fuzz targets (`fuzz/`, checks in `dossier-checks`);
/// not part of the interface.
#[doc(hidden)]
pub mod fuzzing {
    /// What the transport guard did with a client's whole input.
    #[derive(Debug)]
    pub struct Transcript {
        /// The bodies passed on to the server, in order.
        pub to_server: Vec<Vec<u8>>,
        /// The bytes written back to the client (the guard's own answers).
        pub to_client: Vec<u8>,
    }

    /// The client body limit the fuzz target runs the guard with (64 KiB,
    /// so that bodies over it are cheap to make).
    pub const INPUT_LIMIT: usize = 1 << 16;

    /// Runs the transport guard over `input`, as a client's whole output,
    /// with a server that reads every message and answers nothing.
    pub fn transport(input: &[u8]) -> Transcript {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a tokio runtime");
        let limits = crate::transport::Limits { input: INPUT_LIMIT, output: INPUT_LIMIT, queue: 4 };
        let (to_server, to_client) = runtime.block_on(crate::transport::transcript(input.to_vec(), limits));
        Transcript { to_server, to_client }
    }

    /// Whether `tower-lsp-server`'s decoder reads `body` as a message (the
    /// decoder ends the input stream, so the server, on the first it cannot
    /// read).
    pub fn server_reads(body: &[u8]) -> bool {
        use tower_lsp_server::jsonrpc::{Request, Response};
        let Ok(text) = std::str::from_utf8(body) else { return false };
        serde_json::from_str::<Response>(text).is_ok() || serde_json::from_str::<Request>(text).is_ok()
    }
}

/// Serves LSP over stdin and stdout until the client sends `exit` (or closes
/// stdin). Builds its own multi-threaded tokio runtime; returns an error only
/// when that runtime cannot be built, else what [`serve`] returns: whether
/// `shutdown` came first (the process then exits with 0, else with 1, as
/// the specification asks).
///
/// On return, work still running (a rebuild, the blocking stdin reader) is
/// abandoned rather than awaited, so that the process ends promptly.
pub fn run_stdio() -> std::io::Result<bool> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    grow_stdout_pipe();
    let output = transport::Output::Blocking(Box::new(std::io::stdout()));
    let shut_down = runtime.block_on(serve_to(tokio::io::stdin(), output));
    runtime.shutdown_background();
    Ok(shut_down)
}

/// Makes stdout's pipe, when it is one, hold a megabyte (Linux's limit for
/// an unprivileged process) instead of 64 KB: a references answer of tens
/// of megabytes then crosses in a few hundred handovers between the server
/// and the client rather than in thousands, each of which waits for the
/// other process to be scheduled on a busy machine.
fn grow_stdout_pipe() {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsFd;
        let stdout = std::io::stdout();
        if let Err(error) = rustix::pipe::fcntl_setpipe_size(stdout.as_fd(), 1 << 20) {
            tracing::debug!("stdout's pipe keeps its size: {error}");
        }
    }
}

/// Serves LSP over any byte streams (a pipe, `tokio::io::duplex` in tests)
/// until the client sends `exit` or closes `input`. Must run inside a
/// multi-threaded tokio runtime. Messages that cannot be read are answered
/// with an error and the server carries on. Returns whether the client
/// asked for `shutdown` before the end.
pub async fn serve(
    input: impl AsyncRead + Unpin + Send + 'static,
    output: impl AsyncWrite + Unpin + Send + 'static,
) -> bool {
    serve_to(input, transport::Output::Async(Box::new(output))).await
}

/// [`serve`] with the output given as [`transport::Output`].
async fn serve_to(input: impl AsyncRead + Unpin + Send + 'static, output: transport::Output) -> bool {
    let splices = Arc::new(transport::Splices::default());
    let shut_down = Arc::new(AtomicBool::new(false));
    let (guarded, server_input, server_output) =
        transport::Guarded::new(input, output, Arc::clone(&splices), transport::Limits::default());
    let server_shut_down = Arc::clone(&shut_down);
    let (service, socket) = LspService::build(move |client| server::Server::new(client, splices, server_shut_down))
        .custom_method(transport::SPLICED_REFERENCES, server::Server::spliced_references)
        .finish();
    Server::new(server_input, server_output, socket).serve(service).await;
    guarded.finish().await;
    shut_down.load(Ordering::SeqCst)
}
