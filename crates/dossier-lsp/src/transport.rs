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
//! **Nothing ends the session but the end of the input.** What the decoder
//! behind would stop on is caught here: a header line that is not UTF-8 is
//! read as text with replacement characters (and so ignored), a
//! `Content-Length` over [`Limits::input`] gets an invalid-request error and
//! the guard skips ahead to the next `Content-Length` header, an `id` the
//! server cannot hold (above `i64::MAX`) gets an invalid-request error, and
//! every message passed on is written anew from its parsed form, so a
//! duplicated key (the last one wins) never reaches the decoder. In the other
//! direction, an answer of the server over [`Limits::output`] is replaced by
//! an error response to its request, and the queue of frames for the client
//! holds at most [`Limits::queue`] frames: a client that stops reading
//! stops the server's output, not its memory.
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
//!
//! **Partial results.** A references request with a `partialResultToken`
//! is answered in batches: its handler puts each batch of locations, as
//! JSON text, into a `$/progress` notification that goes straight into the
//! queue of frames for the client ([`Splices::progress`]), then answers
//! with an empty list, as the specification asks of partial results. The
//! batches are queued before the handler returns, so before its response.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, OnceLock},
};

use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream},
    sync::mpsc::{Sender, WeakSender, channel},
};

/// Bodies larger than this are refused: no client sends them, and reading
/// one would only exhaust memory.
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Header lines longer than this are cut (the rest of the line is skipped).
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// The header that starts every message (what the guard looks for to find
/// its way back after a message it could not read).
const CONTENT_LENGTH: &[u8] = b"Content-Length";

/// Limits on what the guard passes, each way.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The largest body a client may send.
    pub(crate) input: usize,
    /// The largest body written to the client; a larger answer becomes an error.
    pub(crate) output: usize,
    /// How many frames may wait for the client to read them.
    pub(crate) queue: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { input: MAX_BODY, output: MAX_BODY, queue: 256 }
    }
}

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
    /// The queue of frames for the client, for partial results; weak, so
    /// that the queue closes once the server's output has ended.
    frames: OnceLock<WeakSender<Body>>,
}

impl Splices {
    /// Keeps the JSON text of the result of the request with this id.
    pub(crate) fn put(&self, id: &Value, result: Vec<u8>) {
        let id = id.to_string();
        if self.expected.lock().unwrap_or_else(|e| e.into_inner()).contains(&id) {
            self.results.lock().unwrap_or_else(|e| e.into_inner()).insert(id, result);
        }
    }

    /// Sends a `$/progress` notification for the partial result `token`
    /// (JSON text) whose value is `value` (JSON text), straight into the
    /// queue of frames for the client, waiting while the queue is full.
    /// Returns whether it was queued (not when the output has closed).
    /// Must be called from a blocking thread, not from async code.
    pub(crate) fn progress(&self, token: &str, value: Vec<u8>) -> bool {
        let Some(frames) = self.frames.get().and_then(WeakSender::upgrade) else { return false };
        let head = format!(r#"{{"jsonrpc":"2.0","method":"$/progress","params":{{"token":{token},"value":"#);
        frames.blocking_send(frame(vec![head.into_bytes(), value, b"}}".to_vec()])).is_ok()
    }

    /// Turns a checked client message into what the server gets: the
    /// message written anew (so that a key written twice reaches the server
    /// once), and a references request becomes [`SPLICED_REFERENCES`].
    fn pass_on(&self, message: Value) -> Vec<u8> {
        let (Some(id), Some("textDocument/references")) =
            (message.get("id").filter(|id| !id.is_null()), message.get("method").and_then(Value::as_str))
        else {
            return serde_json::to_vec(&message).unwrap_or_default();
        };
        self.expected.lock().unwrap_or_else(|e| e.into_inner()).insert(id.to_string());
        let params = message.get("params").cloned().unwrap_or(Value::Null);
        let request = json!({ "jsonrpc": "2.0", "id": id, "method": SPLICED_REFERENCES, "params": { "id": id, "params": params } });
        serde_json::to_vec(&request).unwrap_or_default()
    }

    /// The body to send for a body the server wrote: the response to a
    /// spliced request with its result put in (in parts: the result, tens of
    /// megabytes, is not copied), or an error if the result is over `limit`.
    fn splice(&self, body: Vec<u8>, limit: usize) -> Body {
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
            Some(result) if message.get("result").is_some() && result.len() > limit => {
                too_large_answer(&message["id"], &result.len().to_string(), limit)
            }
            Some(result) if message.get("result").is_some() => {
                vec![format!(r#"{{"jsonrpc":"2.0","id":{id},"result":"#).into_bytes(), result, b"}".to_vec()]
            }
            _ => vec![body],
        }
    }
}

/// A message's body, or a frame, in parts written one after the other.
type Body = Vec<Vec<u8>>;

/// Where the frames for the client go.
pub(crate) enum Output {
    /// An async stream (an in-memory pipe in tests).
    Async(Box<dyn AsyncWrite + Unpin + Send>),
    /// A blocking writer, written on a thread of its own: the process's
    /// stdout, which `tokio` would copy into its own buffer 2 MB at a time
    /// and hand to a thread anyway; written directly, the tens of megabytes
    /// of a large references answer go from their parts to the pipe.
    Blocking(Box<dyn std::io::Write + Send>),
}

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
        output: Output,
        splices: Arc<Splices>,
        limits: Limits,
    ) -> (Guarded, DuplexStream, DuplexStream) {
        let (to_server, server_input) = tokio::io::duplex(PIPE);
        let (server_output, from_server) = tokio::io::duplex(PIPE);
        let (frames, mut outgoing) = channel::<Body>(limits.queue.max(1));
        let _ = splices.frames.set(frames.downgrade());
        let forward_output =
            tokio::spawn(forward_frames(from_server, frames.clone(), Arc::clone(&splices), limits.output));
        let check_input = tokio::spawn(check_messages(input, to_server, frames, splices, limits.input));
        let write_output = match output {
            Output::Async(mut output) => tokio::spawn(async move {
                while let Some(frame) = outgoing.recv().await {
                    if write_frame(&mut output, frame).await.is_err() {
                        break;
                    }
                }
            }),
            Output::Blocking(mut output) => tokio::task::spawn_blocking(move || {
                use std::io::Write;
                while let Some(frame) = outgoing.blocking_recv() {
                    let written = frame.iter().try_for_each(|part| output.write_all(part));
                    if written.and_then(|()| output.flush()).is_err() {
                        break;
                    }
                }
            }),
        };
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

/// What [`read_body`] read.
#[derive(Debug, PartialEq)]
enum Incoming {
    /// A whole body.
    Body(Vec<u8>),
    /// A body over the limit, skipped: its declared length (as written, it may
    /// not fit in a number) and, when it was read through, its last bytes.
    Oversized { length: String, tail: Vec<u8> },
    /// The end of the input.
    End,
}

/// What to do with a body over the limit.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Oversized {
    /// Read it through, keeping its last bytes (the server's own output: its
    /// lengths are true).
    ReadThrough,
    /// Skip ahead to the next `Content-Length` header (a client's declared
    /// length may be a lie, such as `u64::MAX`).
    SkipToNextHeader,
}

/// How many of an oversized body's last bytes are kept (a response's `id`
/// comes last in what `tower-lsp-server` writes).
const TAIL: usize = 256;

/// Reads one header line as bytes, without its line end; lines longer than
/// [`MAX_HEADER_LINE`] are cut. `None` at the end of the input.
async fn read_header_line(reader: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    if (&mut *reader).take(MAX_HEADER_LINE).read_until(b'\n', &mut line).await.ok()? == 0 {
        return None;
    }
    if !line.ends_with(b"\n") && line.len() as u64 == MAX_HEADER_LINE {
        // Skip the rest of an endless line, a piece at a time.
        let mut rest = Vec::new();
        loop {
            rest.clear();
            let read = (&mut *reader).take(MAX_HEADER_LINE).read_until(b'\n', &mut rest).await.ok()?;
            if read == 0 || rest.ends_with(b"\n") {
                break;
            }
        }
    }
    while line.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
        line.pop();
    }
    Some(line)
}

/// Skips the input up to the next `Content-Length` header, and returns that
/// header's line; `None` at the end of the input.
async fn skip_to_next_header(reader: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Vec<u8>> {
    // `C` occurs only first in the header name, so on a mismatch the match
    // starts again at this byte or the next.
    let mut matched = 0;
    loop {
        let buffer = reader.fill_buf().await.ok()?;
        if buffer.is_empty() {
            return None;
        }
        let mut consumed = buffer.len();
        for (at, &byte) in buffer.iter().enumerate() {
            matched =
                if byte == CONTENT_LENGTH[matched] { matched + 1 } else { usize::from(byte == CONTENT_LENGTH[0]) };
            if matched == CONTENT_LENGTH.len() {
                consumed = at + 1;
                break;
            }
        }
        reader.consume(consumed);
        if matched == CONTENT_LENGTH.len() {
            let mut line = CONTENT_LENGTH.to_vec();
            line.extend(read_header_line(reader).await?);
            return Some(line);
        }
    }
}

/// Reads one message's body, of at most `limit` bytes. Header blocks
/// without a usable `Content-Length` are skipped.
async fn read_body(
    reader: &mut (impl AsyncBufReadExt + Unpin),
    limit: usize,
    oversized: Oversized,
    mut pending_line: Option<Vec<u8>>,
) -> Incoming {
    // The declared length as written, once it is all digits.
    let mut length: Option<String> = None;
    loop {
        let line = match pending_line.take() {
            Some(line) => line,
            None => match read_header_line(reader).await {
                Some(line) => line,
                None => return Incoming::End,
            },
        };
        if line.is_empty() {
            if length.is_some() {
                break;
            }
            continue;
        }
        let text = match std::str::from_utf8(&line) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => {
                tracing::warn!("a header line that is not UTF-8: {}", String::from_utf8_lossy(&line));
                String::from_utf8_lossy(&line)
            }
        };
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            let value = value.trim();
            length = (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())).then(|| value.to_owned());
        }
    }
    let declared = length.unwrap_or_default();
    match declared.parse::<usize>() {
        Ok(length) if length <= limit => {
            // Grown as the bytes come, not allocated at the declared size.
            let mut body = Vec::new();
            match (&mut *reader).take(length as u64).read_to_end(&mut body).await {
                Ok(read) if read == length => Incoming::Body(body),
                _ => Incoming::End,
            }
        }
        parsed => {
            let mut tail = Vec::new();
            if let (Oversized::ReadThrough, Ok(length)) = (oversized, parsed) {
                let mut left = length;
                while left > 0 {
                    let buffer = match reader.fill_buf().await {
                        Ok(buffer) if !buffer.is_empty() => buffer,
                        _ => return Incoming::End,
                    };
                    let take = buffer.len().min(left);
                    tail.extend_from_slice(&buffer[..take]);
                    if tail.len() > TAIL {
                        tail.drain(..tail.len() - TAIL);
                    }
                    reader.consume(take);
                    left -= take;
                }
            }
            Incoming::Oversized { length: declared, tail }
        }
    }
}

/// The `id` of a response whose body ends in `tail`, as `tower-lsp-server`
/// writes it (`{"jsonrpc":"2.0","result":...,"id":7}`).
fn id_from_tail(tail: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(tail).ok().or_else(|| {
        // The tail may start inside a character.
        (1..4).find_map(|cut| tail.get(cut..).and_then(|t| std::str::from_utf8(t).ok()))
    })?;
    let (_, id) = text.strip_suffix('}')?.rsplit_once(",\"id\":")?;
    serde_json::from_str::<Value>(id).ok().filter(|id| id.is_string() || id.is_number() || id.is_null())
}

/// Passes the server's output on, one whole frame at a time; an answer over
/// `limit` bytes becomes an error response to its request.
async fn forward_frames(from_server: DuplexStream, frames: Sender<Body>, splices: Arc<Splices>, limit: usize) {
    let mut reader = BufReader::new(from_server);
    loop {
        let body = match read_body(&mut reader, limit, Oversized::ReadThrough, None).await {
            Incoming::End => break,
            Incoming::Body(body) => splices.splice(body, limit),
            Incoming::Oversized { length, tail } => match id_from_tail(&tail) {
                Some(id) => too_large_answer(&id, &length, limit),
                None => {
                    tracing::error!(
                        "a message of {length} bytes to the client, over the limit of {limit} bytes: dropped"
                    );
                    continue;
                }
            },
        };
        if frames.send(frame(body)).await.is_err() {
            break;
        }
    }
}

/// The error response sent instead of an answer of `length` bytes.
fn too_large_answer(id: &Value, length: &str, limit: usize) -> Body {
    tracing::error!("the answer to request {id} is {length} bytes, over the limit of {limit} bytes: refused");
    let message = format!("the answer is {length} bytes, over the limit of {limit} bytes");
    let answer = json!({ "jsonrpc": "2.0", "id": id, "error": { "code": -32603, "message": message } });
    vec![serde_json::to_vec(&answer).unwrap_or_default()]
}

/// Passes valid messages to the server and answers invalid ones.
async fn check_messages(
    input: impl AsyncRead + Unpin,
    mut to_server: DuplexStream,
    frames: Sender<Body>,
    splices: Arc<Splices>,
    limit: usize,
) {
    let mut reader = BufReader::new(input);
    let mut pending_line = None;
    let mut skip = false;
    loop {
        if std::mem::take(&mut skip) {
            // After the answer to an oversized message, so that a client
            // that waits for it gets it.
            pending_line = skip_to_next_header(&mut reader).await;
            if pending_line.is_none() {
                break;
            }
        }
        let answer = match read_body(&mut reader, limit, Oversized::SkipToNextHeader, pending_line.take()).await {
            Incoming::End => break,
            Incoming::Body(body) => match check(&body) {
                Ok(message) => {
                    if write_frame(&mut to_server, frame(vec![splices.pass_on(message)])).await.is_err() {
                        break;
                    }
                    continue;
                }
                Err(answer) => answer,
            },
            Incoming::Oversized { length, .. } => {
                skip = true;
                let message = format!("invalid request: a message of {length} bytes, over the limit of {limit} bytes");
                json!({ "jsonrpc": "2.0", "id": null, "error": { "code": -32600, "message": message } })
            }
        };
        tracing::warn!("invalid message: {}", answer["error"]["message"]);
        if let Ok(answer) = serde_json::to_vec(&answer)
            && frames.send(frame(vec![answer])).await.is_err()
        {
            break;
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
    // The server holds ids as `i64`: a larger one would stop its decoder.
    let id_ok = id.is_none_or(|id| id.is_null() || id.is_string() || id.is_i64());
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
        // An id too large for the server is still the client's id to match.
        let id = id.filter(|id| id_ok || id.is_u64()).cloned().unwrap_or(Value::Null);
        let message = if id_ok {
            "invalid request: not a JSON-RPC 2.0 message"
        } else {
            "invalid request: the id is not an integer of 64 bits or a string"
        };
        Err(error(id, -32600, message))
    }
}

/// Runs the guard over a whole client `input` with no server behind it: the
/// bodies the server would read, and what the client got back. For the fuzz
/// target (`dossier_lsp::fuzzing`).
pub(crate) async fn transcript(input: Vec<u8>, limits: Limits) -> (Vec<Vec<u8>>, Vec<u8>) {
    let (client_output, mut client_reads) = tokio::io::duplex(PIPE);
    let client = tokio::spawn(async move {
        let mut read = Vec::new();
        let _ = client_reads.read_to_end(&mut read).await;
        read
    });
    let (guarded, server_input, server_output) = Guarded::new(
        std::io::Cursor::new(input),
        Output::Async(Box::new(client_output)),
        Arc::new(Splices::default()),
        limits,
    );
    let mut server_reads = BufReader::new(server_input);
    let mut bodies = Vec::new();
    // The end of the input ends the guard's output to the server.
    while let Incoming::Body(body) = read_body(&mut server_reads, usize::MAX, Oversized::ReadThrough, None).await {
        bodies.push(body);
    }
    drop(server_output);
    guarded.finish().await;
    (bodies, client.await.unwrap_or_default())
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
        let passed = splices.pass_on(check(&body).unwrap());
        let passed: Value = serde_json::from_slice(&passed).unwrap();
        assert_eq!(passed["method"], SPLICED_REFERENCES);
        assert_eq!(
            (&passed["id"], &passed["params"]["id"], &passed["params"]["params"]),
            (&json!(7), &json!(7), &json!({"x": 1}))
        );

        splices.put(&json!(7), br#"[{"uri":"file:///a.txt"}]"#.to_vec());
        // Other output passes unchanged.
        let other = br#"{"jsonrpc":"2.0","id":8,"result":null}"#.to_vec();
        assert_eq!(splices.splice(other.clone(), MAX_BODY).concat(), other);
        let response = splices.splice(br#"{"jsonrpc":"2.0","result":null,"id":7}"#.to_vec(), MAX_BODY).concat();
        let response: Value = serde_json::from_slice(&response).unwrap();
        assert_eq!(response, json!({"jsonrpc": "2.0", "id": 7, "result": [{"uri": "file:///a.txt"}]}));
        // Spliced once only.
        let again = br#"{"jsonrpc":"2.0","result":null,"id":7}"#.to_vec();
        assert_eq!(splices.splice(again.clone(), MAX_BODY).concat(), again);
        // A result over the limit becomes an error.
        let body = br#"{"jsonrpc":"2.0","id":9,"method":"textDocument/references","params":{}}"#.to_vec();
        splices.pass_on(check(&body).unwrap());
        splices.put(&json!(9), vec![b' '; 100]);
        let response = splices.splice(br#"{"jsonrpc":"2.0","result":null,"id":9}"#.to_vec(), 99).concat();
        let response: Value = serde_json::from_slice(&response).unwrap();
        assert_eq!((&response["id"], &response["error"]["code"]), (&json!(9), &json!(-32603)));
    }

    #[test]
    fn a_cancelled_spliced_request_keeps_its_error_and_clients_cannot_splice() {
        let splices = Splices::default();
        let body = br#"{"jsonrpc":"2.0","id":"r","method":"textDocument/references","params":{}}"#.to_vec();
        splices.pass_on(check(&body).unwrap());
        let cancelled = br#"{"jsonrpc":"2.0","error":{"code":-32800,"message":"canceled"},"id":"r"}"#.to_vec();
        assert_eq!(splices.splice(cancelled.clone(), MAX_BODY).concat(), cancelled);
        assert!(splices.expected.lock().unwrap().is_empty());
        // Not passed on as spliced: nothing is kept for it.
        splices.put(&json!("x"), b"[]".to_vec());
        assert!(splices.results.lock().unwrap().is_empty());
        let direct = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{SPLICED_REFERENCES}","params":{{}}}}"#);
        assert_eq!(check(direct.as_bytes()).unwrap_err()["error"]["code"], -32601);
    }

    #[test]
    fn ids_the_server_cannot_hold_and_duplicated_keys() {
        let too_large = check(br#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"x","params":{}}"#).unwrap_err();
        assert_eq!((&too_large["id"], &too_large["error"]["code"]), (&json!(9223372036854775808u64), &json!(-32600)));
        assert!(check(br#"{"jsonrpc":"2.0","id":9223372036854775807,"method":"x"}"#).is_ok());
        assert_eq!(check(br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#).unwrap_err()["error"]["code"], -32600);
        // A key written twice reaches the server once.
        let body = br#"{"jsonrpc":"2.0","jsonrpc":"2.0","id":3,"id":4,"method":"x","params":{"a":1,"a":2}}"#;
        let passed = Splices::default().pass_on(check(body).unwrap());
        assert_eq!(String::from_utf8(passed).unwrap(), r#"{"id":4,"jsonrpc":"2.0","method":"x","params":{"a":2}}"#);
    }

    async fn read_all(input: &[u8], limit: usize) -> Vec<Incoming> {
        let mut reader = BufReader::new(input);
        let mut read = Vec::new();
        let mut pending = None;
        loop {
            match read_body(&mut reader, limit, Oversized::SkipToNextHeader, pending.take()).await {
                Incoming::End => return read,
                Incoming::Oversized { length, tail } => {
                    pending = skip_to_next_header(&mut reader).await;
                    read.push(Incoming::Oversized { length, tail });
                }
                body => read.push(body),
            }
        }
    }

    #[tokio::test]
    async fn frames_are_read_whole_and_garbage_skipped() {
        let input: &[u8] = b"Content-Length: 2\r\n\r\n{}X-Junk: 1\r\n\r\nContent-Length: 3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\nabc";
        assert_eq!(read_all(input, 100).await, [Incoming::Body(b"{}".to_vec()), Incoming::Body(b"abc".to_vec())]);
    }

    #[tokio::test]
    async fn header_lines_that_are_not_utf8_or_endless_are_skipped() {
        let mut input = b"X-\xff\xfe: \xc3\r\nContent-Length: 2\r\n\r\n{}".to_vec();
        input.extend(vec![b'x'; 100_000]);
        input.extend(b"\r\nContent-Length: 1\r\n\r\n1");
        assert_eq!(read_all(&input, 100).await, [Incoming::Body(b"{}".to_vec()), Incoming::Body(b"1".to_vec())]);
    }

    #[tokio::test]
    async fn a_huge_content_length_is_refused_and_the_next_message_read() {
        let input = b"Content-Length: 99999999999999999999999999\r\n\r\n{}Content-Length: 1\r\n\r\n1\
            Content-Length: 101\r\n\r\n{\"a\": \"Content-Lengt\"}\r\nContent-Length: 2\r\n\r\n22";
        let oversized = |length: &str| Incoming::Oversized { length: length.to_owned(), tail: Vec::new() };
        assert_eq!(
            read_all(input, 100).await,
            [
                oversized("99999999999999999999999999"),
                Incoming::Body(b"1".to_vec()),
                oversized("101"),
                Incoming::Body(b"22".to_vec())
            ]
        );
    }

    /// Runs the guard with `limits` over a client's `input` and a server
    /// that writes `server_writes`; returns what the client reads.
    async fn guarded(input: &'static [u8], server_writes: Vec<u8>, limits: Limits) -> Vec<u8> {
        let (client_output, mut client_reads) = tokio::io::duplex(1 << 20);
        let (guarded, mut server_input, mut server_output) =
            Guarded::new(input, Output::Async(Box::new(client_output)), Arc::new(Splices::default()), limits);
        let server = tokio::spawn(async move {
            server_output.write_all(&server_writes).await.unwrap();
            // What the server read: the input ends once the client's does.
            let mut read = Vec::new();
            server_input.read_to_end(&mut read).await.unwrap();
        });
        server.await.unwrap();
        guarded.finish().await;
        let mut read = Vec::new();
        client_reads.read_to_end(&mut read).await.unwrap();
        read
    }

    #[tokio::test]
    async fn an_answer_over_the_output_limit_becomes_an_error_and_the_server_goes_on() {
        let big = format!(r#"{{"jsonrpc":"2.0","result":"{}","id":7}}"#, "x".repeat(5000));
        let notification = format!(r#"{{"jsonrpc":"2.0","method":"n","params":"{}"}}"#, "y".repeat(5000));
        let small = r#"{"jsonrpc":"2.0","result":null,"id":8}"#;
        let server_writes = [big.as_str(), notification.as_str(), small]
            .map(|body| format!("Content-Length: {}\r\n\r\n{body}", body.len()))
            .concat();
        let limits = Limits { output: 1000, ..Limits::default() };
        let read = String::from_utf8(guarded(b"", server_writes.into_bytes(), limits).await).unwrap();
        let error = r#"{"error":{"code":-32603,"message":"the answer is 5036 bytes, over the limit of 1000 bytes"},"id":7,"jsonrpc":"2.0"}"#;
        assert_eq!(
            read,
            format!("Content-Length: {}\r\n\r\n{error}Content-Length: {}\r\n\r\n{small}", error.len(), small.len())
        );
    }

    #[tokio::test]
    async fn a_client_message_over_the_input_limit_gets_an_error_and_the_next_is_read() {
        let input = b"Content-Length: 5000\r\n\r\nxxxxContent-Length: 11\r\n\r\n{\"oops\": 1}";
        let limits = Limits { input: 1000, ..Limits::default() };
        let read = String::from_utf8(guarded(input, Vec::new(), limits).await).unwrap();
        assert!(read.contains("a message of 5000 bytes, over the limit of 1000 bytes"), "{read}");
        assert!(read.contains("not a JSON-RPC 2.0 message"), "{read}");
    }
}
