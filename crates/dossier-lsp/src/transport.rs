//! A guard in front of `tower-lsp-server`'s transport. Its decoder ends the
//! input stream on the first message it cannot read (a body that is not
//! JSON, or JSON that is not a JSON-RPC message), which would end the
//! server. So messages are framed and checked here first: valid ones are
//! passed on unchanged, and each invalid one is answered here with a JSON-RPC
//! error (`-32700` parse error, `-32600` invalid request) while the server
//! carries on. A request to a `$/` method gets `-32601` (method not found)
//! here too, since `tower-lsp-server` answers those with silence.
//!
//! The server's output goes through here too, one whole frame at a time, so
//! that these answers never land in the middle of one of its messages.
//!
//! **Spliced answers.** `tower-lsp-server` turns every result into a
//! `serde_json::Value` before writing it: for a `textDocument/references`
//! answer of 250,000 locations that is 700 MB of maps and most of the time
//! the request takes. So the guard passes a references request on as
//! [`SPLICED_REFERENCES`] (same id, the original params inside), whose
//! handler writes the locations as JSON text straight into [`Splices`] and
//! returns `null`; when the server's response to that id comes out, the
//! guard puts the text in as the result. The request still goes through the
//! server in order (after the edits before it) and can be cancelled; an
//! error response passes unchanged.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
};

use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream},
    sync::mpsc::{UnboundedSender, unbounded_channel},
};

/// Bodies larger than this end the input: no client sends them, and reading
/// one would only exhaust memory.
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Size of the in-memory pipes between the guard and the server.
const PIPE: usize = 1 << 16;

/// The method a `textDocument/references` request becomes on its way to
/// the server: its params are `{"id": <the request's id>, "params": <its params>}`.
pub(crate) const SPLICED_REFERENCES: &str = "dossier/splicedReferences";

/// Results written as JSON text by handlers, waiting for the server's
/// response to their request (see the module documentation).
#[derive(Debug, Default)]
pub(crate) struct Splices {
    /// By request id (as JSON text).
    results: Mutex<HashMap<String, Vec<u8>>>,
    /// The ids of the requests the guard passed on as spliced.
    expected: Mutex<HashSet<String>>,
}

impl Splices {
    /// Keeps the JSON text of the result of the request with this id.
    pub(crate) fn put(&self, id: &Value, result: Vec<u8>) {
        let id = id.to_string();
        if self.expected.lock().unwrap_or_else(|e| e.into_inner()).contains(&id) {
            self.results.lock().unwrap_or_else(|e| e.into_inner()).insert(id, result);
        }
    }

    /// Turns a checked client message into what the server gets: a
    /// references request becomes [`SPLICED_REFERENCES`].
    fn pass_on(&self, message: Value, body: Vec<u8>) -> Vec<u8> {
        let (Some(id), Some("textDocument/references")) =
            (message.get("id").filter(|id| !id.is_null()), message.get("method").and_then(Value::as_str))
        else {
            return body;
        };
        self.expected.lock().unwrap_or_else(|e| e.into_inner()).insert(id.to_string());
        let params = message.get("params").cloned().unwrap_or(Value::Null);
        let request = json!({ "jsonrpc": "2.0", "id": id, "method": SPLICED_REFERENCES, "params": { "id": id, "params": params } });
        serde_json::to_vec(&request).unwrap_or(body)
    }

    /// The body to send for a body the server wrote: the response to a
    /// spliced request with its result put in (in parts: the result, tens of
    /// megabytes, is not copied).
    fn splice(&self, body: Vec<u8>) -> Body {
        // The server's own response to a spliced request is small (`null`).
        if body.len() > 512 || self.expected.lock().unwrap_or_else(|e| e.into_inner()).is_empty() {
            return vec![body];
        }
        let Ok(message) = serde_json::from_slice::<Value>(&body) else { return vec![body] };
        let Some(id) = message.get("id").filter(|_| message.get("method").is_none()).map(Value::to_string) else {
            return vec![body];
        };
        if !self.expected.lock().unwrap_or_else(|e| e.into_inner()).remove(&id) {
            return vec![body];
        }
        let result = self.results.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
        match result {
            Some(result) if message.get("result").is_some() => {
                vec![format!(r#"{{"jsonrpc":"2.0","id":{id},"result":"#).into_bytes(), result, b"}".to_vec()]
            }
            _ => vec![body],
        }
    }
}

/// A message's body, or a frame, in parts written one after the other.
type Body = Vec<Vec<u8>>;

/// The tasks that move the bytes between the client and the server.
pub(crate) struct Guarded {
    forward_output: tokio::task::JoinHandle<()>,
    check_input: tokio::task::JoinHandle<()>,
    write_output: tokio::task::JoinHandle<()>,
}

impl Guarded {
    /// Puts the guard between `input`, `output` and the server. Returns the
    /// streams the server reads (checked messages only) and writes.
    pub(crate) fn new(
        input: impl AsyncRead + Unpin + Send + 'static,
        output: impl AsyncWrite + Unpin + Send + 'static,
        splices: Arc<Splices>,
    ) -> (Guarded, DuplexStream, DuplexStream) {
        let (to_server, server_input) = tokio::io::duplex(PIPE);
        let (server_output, from_server) = tokio::io::duplex(PIPE);
        let (frames, mut outgoing) = unbounded_channel::<Body>();
        let forward_output = tokio::spawn(forward_frames(from_server, frames.clone(), Arc::clone(&splices)));
        let check_input = tokio::spawn(check_messages(input, to_server, frames, splices));
        let write_output = tokio::spawn(async move {
            let mut output = output;
            while let Some(frame) = outgoing.recv().await {
                if write_frame(&mut output, frame).await.is_err() {
                    break;
                }
            }
        });
        (Guarded { forward_output, check_input, write_output }, server_input, server_output)
    }

    /// After the server has stopped: writes out what it wrote last, then
    /// stops reading the input.
    pub(crate) async fn finish(self) {
        let _ = self.forward_output.await;
        self.check_input.abort();
        let _ = self.check_input.await;
        let _ = self.write_output.await;
    }
}

/// Frames `body` with its `Content-Length` header.
fn frame(mut body: Body) -> Body {
    let length: usize = body.iter().map(Vec::len).sum();
    body.insert(0, format!("Content-Length: {length}\r\n\r\n").into_bytes());
    body
}

/// Writes a frame's parts and flushes.
async fn write_frame(output: &mut (impl AsyncWrite + Unpin), frame: Body) -> std::io::Result<()> {
    for part in frame {
        output.write_all(&part).await?;
    }
    output.flush().await
}

/// Reads one message's body; `None` at the end of the input. Header blocks
/// without a usable `Content-Length` are skipped.
async fn read_body(reader: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Vec<u8>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if length.is_some() {
                break;
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let length = length?;
    if length > MAX_BODY {
        tracing::error!("a message of {length} bytes: giving up on the input");
        return None;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.ok()?;
    Some(body)
}

/// Passes the server's output on, one whole frame at a time.
async fn forward_frames(from_server: DuplexStream, frames: UnboundedSender<Body>, splices: Arc<Splices>) {
    let mut reader = BufReader::new(from_server);
    while let Some(body) = read_body(&mut reader).await {
        if frames.send(frame(splices.splice(body))).is_err() {
            break;
        }
    }
}

/// Passes valid messages to the server and answers invalid ones.
async fn check_messages(
    input: impl AsyncRead + Unpin,
    mut to_server: DuplexStream,
    frames: UnboundedSender<Body>,
    splices: Arc<Splices>,
) {
    let mut reader = BufReader::new(input);
    while let Some(body) = read_body(&mut reader).await {
        match check(&body) {
            Ok(message) => {
                if write_frame(&mut to_server, frame(vec![splices.pass_on(message, body)])).await.is_err() {
                    break;
                }
            }
            Err(answer) => {
                tracing::warn!("invalid message: {}", answer["error"]["message"]);
                if let Ok(answer) = serde_json::to_vec(&answer) {
                    let _ = frames.send(frame(vec![answer]));
                }
            }
        }
    }
    // The end of the input ends the server.
    let _ = to_server.shutdown().await;
}

/// The message, for a message the server can read; else the error response to send.
fn check(body: &[u8]) -> Result<Value, Value> {
    let error = |id: Value, code: i64, message: &str| json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } });
    let Ok(message) = serde_json::from_slice::<Value>(body) else {
        return Err(error(Value::Null, -32700, "parse error: the message is not JSON"));
    };
    let id = message.get("id");
    let id_ok = id.is_none_or(|id| id.is_null() || id.is_string() || id.is_i64() || id.is_u64());
    let params_ok = message.get("params").is_none_or(|p| p.is_object() || p.is_array() || p.is_null());
    let request = message.get("method").is_some_and(Value::is_string) && params_ok;
    let response = id.is_some() && (message.get("result").is_some() || message.get("error").is_some());
    let method = message.get("method").and_then(Value::as_str).unwrap_or_default();
    if request && id_ok && method.starts_with("$/") && id.is_some_and(|id| !id.is_null()) {
        // `tower-lsp-server` drops its "method not found" answer to every `$/`
        // method: right for notifications, but a request would wait forever.
        return Err(error(id.cloned().unwrap_or_default(), -32601, &format!("method not found: {method}")));
    }
    if request && method == SPLICED_REFERENCES {
        // Only the guard itself sends it.
        return Err(error(id.cloned().unwrap_or_default(), -32601, &format!("method not found: {method}")));
    }
    if message.get("jsonrpc") == Some(&json!("2.0")) && id_ok && (request || response) {
        Ok(message)
    } else {
        let id = id.filter(|_| id_ok).cloned().unwrap_or(Value::Null);
        Err(error(id, -32600, "invalid request: not a JSON-RPC 2.0 message"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_messages() {
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","method":"exit"}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","id":"a","result":null}"#).is_ok());
        assert_eq!(check(br#"{"oops": "#).unwrap_err()["error"]["code"], -32700);
        assert_eq!(check(b"\xff").unwrap_err()["error"]["code"], -32700);
        let invalid = check(br#"{"jsonrpc":"2.0","id":7,"params":{}}"#).unwrap_err();
        assert_eq!(invalid["id"], 7);
        assert_eq!(invalid["error"]["code"], -32600);
        assert_eq!(check(br#"[{"jsonrpc":"2.0","method":"exit"}]"#).unwrap_err()["error"]["code"], -32600);
        assert_eq!(check(br#"{"jsonrpc":"2.0","id":{},"method":"x"}"#).unwrap_err()["id"], Value::Null);
        assert_eq!(check(br#"{"jsonrpc":"2.0","id":1,"method":"x","params":3}"#).unwrap_err()["id"], 1);
        assert_eq!(check(br#"{"jsonrpc":"2.0","id":2,"method":"$/x"}"#).unwrap_err()["error"]["code"], -32601);
        assert!(check(br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":2}}"#).is_ok());
    }

    #[test]
    fn references_are_passed_on_spliced_and_answered_with_the_text() {
        let splices = Splices::default();
        let body = br#"{"jsonrpc":"2.0","id":7,"method":"textDocument/references","params":{"x":1}}"#.to_vec();
        let passed = splices.pass_on(check(&body).unwrap(), body);
        let passed: Value = serde_json::from_slice(&passed).unwrap();
        assert_eq!(passed["method"], SPLICED_REFERENCES);
        assert_eq!(
            (&passed["id"], &passed["params"]["id"], &passed["params"]["params"]),
            (&json!(7), &json!(7), &json!({"x": 1}))
        );

        splices.put(&json!(7), br#"[{"uri":"file:///a.txt"}]"#.to_vec());
        // Other output passes unchanged.
        let other = br#"{"jsonrpc":"2.0","id":8,"result":null}"#.to_vec();
        assert_eq!(splices.splice(other.clone()).concat(), other);
        let response = splices.splice(br#"{"jsonrpc":"2.0","result":null,"id":7}"#.to_vec()).concat();
        let response: Value = serde_json::from_slice(&response).unwrap();
        assert_eq!(response, json!({"jsonrpc": "2.0", "id": 7, "result": [{"uri": "file:///a.txt"}]}));
        // Spliced once only.
        let again = br#"{"jsonrpc":"2.0","result":null,"id":7}"#.to_vec();
        assert_eq!(splices.splice(again.clone()).concat(), again);
    }

    #[test]
    fn a_cancelled_spliced_request_keeps_its_error_and_clients_cannot_splice() {
        let splices = Splices::default();
        let body = br#"{"jsonrpc":"2.0","id":"r","method":"textDocument/references","params":{}}"#.to_vec();
        splices.pass_on(check(&body).unwrap(), body);
        let cancelled = br#"{"jsonrpc":"2.0","error":{"code":-32800,"message":"canceled"},"id":"r"}"#.to_vec();
        assert_eq!(splices.splice(cancelled.clone()).concat(), cancelled);
        assert!(splices.expected.lock().unwrap().is_empty());
        // Not passed on as spliced: nothing is kept for it.
        splices.put(&json!("x"), b"[]".to_vec());
        assert!(splices.results.lock().unwrap().is_empty());
        let direct = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{SPLICED_REFERENCES}","params":{{}}}}"#);
        assert_eq!(check(direct.as_bytes()).unwrap_err()["error"]["code"], -32601);
    }

    #[tokio::test]
    async fn frames_are_read_whole_and_garbage_skipped() {
        let input: &[u8] = b"Content-Length: 2\r\n\r\n{}X-Junk: 1\r\n\r\nContent-Length: 3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\nabc";
        let mut reader = BufReader::new(input);
        assert_eq!(read_body(&mut reader).await.unwrap(), b"{}");
        assert_eq!(read_body(&mut reader).await.unwrap(), b"abc");
        assert_eq!(read_body(&mut reader).await, None);
    }
}
