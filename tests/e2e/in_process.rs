//! The language server in process: `dossier_lsp::serve` over in-memory
//! pipes, driven by the same client as the binary over stdio. The entry
//! point is the one `dossier lsp` runs, so a session in process must answer
//! exactly as the binary does, byte streams aside.

use std::path::Path;

use dossier_lsp_client::{Client, Encoding, file_uri};
use serde_json::{Value, json};
use tokio_util::io::SyncIoBridge;

use crate::{
    lsp::{RESEARCH, at, root, slice, workspace},
    support::dossier_binary,
};

/// A server running in this process, on its own runtime.
struct InProcess {
    runtime: tokio::runtime::Runtime,
    /// Whether `shutdown` came before the end, once the session is over.
    served: tokio::task::JoinHandle<bool>,
}

impl InProcess {
    /// What `serve` returned, waiting (bounded) for the session to end.
    fn finish(self) -> bool {
        let served = async { tokio::time::timeout(std::time::Duration::from_secs(30), self.served).await };
        self.runtime.block_on(served).expect("the server ends after exit").expect("the server does not panic")
    }
}

/// Starts `dossier_lsp::serve` over in-memory pipes and connects a client to it.
fn connect(roots: &[&Path], encoding: Encoding) -> (Client, InProcess) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (client_side, server_side) = tokio::io::duplex(1 << 16);
    let (server_input, server_output) = tokio::io::split(server_side);
    let served = runtime.spawn(dossier_lsp::serve(server_input, server_output));
    let (from_server, to_server) = tokio::io::split(client_side);
    // The bridges block on the runtime from the client's threads.
    let (to_server, from_server) = {
        let _context = runtime.enter();
        (SyncIoBridge::new(to_server), SyncIoBridge::new(from_server))
    };
    let client = Client::connect(to_server, from_server, roots, encoding, json!({}), Value::Null);
    (client, InProcess { runtime, served })
}

/// A session's answers, with its workspace's root written as `<root>` so
/// that sessions on two copies compare.
fn answers(client: &mut Client, root: &Path, encoding: Encoding) -> Vec<String> {
    let note = root.join("notes/research.md");
    client.open_note(&file_uri(&note), 1, RESEARCH);
    let mut answers = vec![client.initialize_result.to_string(), client.wait_until_ready()["params"].to_string()];
    for needle in ["Wu Yongming", "張勇", "Zhang Yong", "Taobao", "1+6+N"] {
        let params = at(client, &note, RESEARCH, needle, 1);
        let hover = client.request("textDocument/hover", params);
        let range = &hover["result"]["range"];
        assert_eq!(slice(encoding, &file_uri(&note), range), needle, "{hover}");
        let params = at(client, &note, RESEARCH, needle, 0);
        let definition = client.request("textDocument/definition", params);
        let targets = definition["result"].as_array().unwrap_or_else(|| panic!("no definition: {definition}"));
        assert!(!targets.is_empty(), "{needle}: {definition}");
        for target in targets {
            let covered = slice(encoding, target["uri"].as_str().unwrap(), &target["range"]);
            assert!(!covered.is_empty() && !covered.contains('\n'), "{needle}: {definition}");
        }
        answers.extend([hover["result"].to_string(), definition["result"].to_string()]);
    }
    let root_uri = file_uri(root);
    answers.into_iter().map(|answer| answer.replace(&root_uri, "<root>")).collect()
}

fn answers_as_the_binary_does(encoding: Encoding) {
    let binary_dir = workspace();
    let binary_root = root(&binary_dir);
    let mut binary = Client::start(dossier_binary(), &binary_root, encoding);
    let expected = answers(&mut binary, &binary_root, encoding);
    assert!(binary.shutdown().success());

    let dir = workspace();
    let root = root(&dir);
    let (mut client, server) = connect(&[&root], encoding);
    let found = answers(&mut client, &root, encoding);
    assert_eq!(found, expected);
    client.shutdown_and_exit();
    assert!(server.finish(), "shutdown came before exit");
}

#[test]
fn in_process_server_answers_as_the_binary_does_in_utf16() {
    answers_as_the_binary_does(Encoding::Utf16);
}

#[test]
fn in_process_server_answers_as_the_binary_does_in_utf8() {
    answers_as_the_binary_does(Encoding::Utf8);
}

#[test]
fn in_process_exit_without_shutdown_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, server) = connect(&[dir.path()], Encoding::Utf16);
    client.wait_until_ready();
    client.notify("exit", Value::Null);
    assert!(!server.finish(), "exit came without shutdown");
}
