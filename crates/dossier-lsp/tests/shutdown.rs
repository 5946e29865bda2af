//! `shutdown` closes the workspace caches before it answers, so that the
//! database is closed cleanly when `exit` follows: while the server runs,
//! the same process cannot open a root's cache (the server holds it); once
//! `shutdown` is answered, it can.

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

async fn send(output: &mut (impl AsyncWrite + Unpin), message: Value) {
    output.write_all(&dossier_lsp_client::frame(&message)).await.unwrap();
}

async fn receive(input: &mut BufReader<tokio::io::DuplexStream>) -> Value {
    let mut length = None;
    loop {
        let mut line = String::new();
        input.read_line(&mut line).await.unwrap();
        match line.trim_end() {
            "" if length.is_some() => break,
            header => {
                if let Some(value) = dossier_lsp_client::content_length(header) {
                    length = Some(value);
                }
            }
        }
    }
    let mut body = vec![0; length.unwrap()];
    input.read_exact(&mut body).await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// Reads messages until `wanted` says yes, answering the server's requests with `null`.
async fn receive_until(
    input: &mut BufReader<tokio::io::DuplexStream>,
    output: &mut (impl AsyncWrite + Unpin),
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    loop {
        let message = receive(input).await;
        if wanted(&message) {
            return message;
        }
        if message.get("method").is_some()
            && let Some(id) = message.get("id")
        {
            send(output, json!({ "jsonrpc": "2.0", "id": id, "result": null })).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_the_caches_before_it_answers() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("alibaba.txt"), "Alibaba (阿里巴巴) was founded by Jack Ma (马云) in Hangzhou.\n")
        .unwrap();
    std::fs::write(root.path().join("notes.md"), "# Jack Ma\n\nJack Ma founded Alibaba.\n").unwrap();
    let root_uri = format!("file://{}", root.path().canonicalize().unwrap().display());

    let (mut to_server, server_input) = tokio::io::duplex(1 << 16);
    let (server_output, from_server) = tokio::io::duplex(1 << 16);
    let mut from_server = BufReader::new(from_server);
    let server = tokio::spawn(dossier_lsp::serve(server_input, server_output));

    let initialize = json!({ "processId": null, "rootUri": root_uri, "capabilities": {} });
    send(&mut to_server, json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": initialize })).await;
    receive_until(&mut from_server, &mut to_server, |m| m["id"] == 1).await;
    send(&mut to_server, json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} })).await;
    let ready = |m: &Value| m["method"] == "dossier/status" && m["params"]["state"] == "ready";
    let status = receive_until(&mut from_server, &mut to_server, ready).await;
    assert_eq!(status["params"]["documents"], 1, "{status}");

    assert!(dossier_workspace::Store::open(root.path()).is_none(), "the running server holds the cache");

    send(&mut to_server, json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" })).await;
    let answer = receive_until(&mut from_server, &mut to_server, |m| m["id"] == 2).await;
    assert_eq!(answer["result"], Value::Null, "{answer}");
    let reopened = dossier_workspace::Store::open(root.path()).expect("the cache is closed once shutdown is answered");
    drop(reopened);

    send(&mut to_server, json!({ "jsonrpc": "2.0", "method": "exit" })).await;
    assert!(server.await.unwrap(), "the server saw shutdown before exit");
}
