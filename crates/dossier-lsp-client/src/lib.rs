//! A small synchronous LSP client for end-to-end tests and benchmarks: runs
//! `dossier lsp` (or talks to a server over any byte streams, such as an
//! in-process server's pipes: [`Client::connect`]), frames messages with
//! `Content-Length`, reads the server's output on a thread, and bounds every
//! wait so that a test fails rather than hangs. Requests from the server (progress tokens, registrations,
//! refreshes) are answered with `null` and recorded.
//!
//! It panics when the server misbehaves: its callers are tests and benchmarks,
//! for which a panic with the server's log is the most useful failure.
//!
//! Every wait is bounded by the client's timeout ([`TIMEOUT`] unless
//! [`Client::set_timeout`] says otherwise: a benchmark on a large corpus
//! waits longer for a rebuild than a test on a small workspace should).
#![deny(missing_docs)]

use std::{
    io::{BufRead, BufReader, Read, Write},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{
        Arc, Mutex,
        mpsc::{self, Receiver, RecvTimeoutError},
    },
    time::{Duration, Instant},
};

use serde_json::{Value, json};

/// How long any single wait may take before the test fails, unless the
/// client was given another timeout.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Which position encodings the client offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Offers `utf-8` (and `utf-16`): the server should pick UTF-8.
    Utf8,
    /// Offers nothing: the server must use UTF-16.
    Utf16,
}

/// A connection to a language server: a running `dossier lsp` and its
/// pipes, or any pair of byte streams.
pub struct Client {
    /// The server's process, when the client started one.
    child: Option<Child>,
    /// The server's input.
    writer: Box<dyn Write + Send>,
    /// The server's messages, each with when its last byte was read.
    incoming: Receiver<(Value, Instant)>,
    next_id: i64,
    timeout: Duration,
    /// Every notification received so far, in order.
    pub notifications: Vec<Value>,
    /// Every request the server sent, in order.
    pub server_requests: Vec<Value>,
    stderr: Arc<Mutex<String>>,
    /// The encoding the server chose.
    pub encoding: Encoding,
    /// The `initialize` result.
    pub initialize_result: Value,
}

/// A server's pipes before `initialize`.
struct Connection {
    child: Option<Child>,
    writer: Box<dyn Write + Send>,
    incoming: Receiver<(Value, Instant)>,
    stderr: Arc<Mutex<String>>,
}

/// What [`Client::partial_request`] received.
#[derive(Debug, Default)]
pub struct PartialAnswer {
    /// The values of the `$/progress` notifications for the request's token, in order.
    pub batches: Vec<Value>,
    /// The response.
    pub response: Value,
    /// From just before the request was written to when the last byte of
    /// the first batch was read; `None` without batches.
    pub first_batch: Option<Duration>,
    /// From just before the request was written to when the last byte of
    /// the response was read.
    pub received: Duration,
}

/// A running `binary lsp` whose output is read on two threads: the framed
/// messages from stdout, and stderr (its log) into a shared string.
pub struct ServerProcess {
    /// The process, with its stdin still attached.
    pub child: Child,
    /// The server's messages, in order.
    pub incoming: Receiver<Value>,
    /// Everything the server logged so far.
    pub stderr: Arc<Mutex<String>>,
}

impl ServerProcess {
    /// Starts `binary lsp` with logs at `info`.
    pub fn spawn(binary: &Path) -> ServerProcess {
        let (child, incoming, stderr) = spawn_reading(binary, &["lsp"], |message, _| message);
        ServerProcess { child, incoming, stderr }
    }
}

/// Starts `binary` with `args` (`lsp`) and logs at `info`, reads its framed
/// messages on a thread (each passed through `wrap` with the moment its last
/// byte was read, before it is parsed) and its stderr into a shared string on
/// another.
fn spawn_reading<T: Send + 'static>(
    binary: &Path,
    args: &[&str],
    wrap: fn(Value, Instant) -> T,
) -> (Child, Receiver<T>, Arc<Mutex<String>>) {
    let mut child = Command::new(binary)
        .args(args)
        .env("DOSSIER_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dossier lsp starts");
    let incoming = read_messages(child.stdout.take().unwrap(), wrap);
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut child_stderr = child.stderr.take().unwrap();
    let log = Arc::clone(&stderr);
    std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        while let Ok(n @ 1..) = child_stderr.read(&mut buffer) {
            log.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    (child, incoming, stderr)
}

/// Reads the framed messages of `output` on a thread, each passed through
/// `wrap` with the moment its last byte was read, until the stream ends or
/// a message cannot be read.
fn read_messages<T: Send + 'static>(output: impl Read + Send + 'static, wrap: fn(Value, Instant) -> T) -> Receiver<T> {
    let (sender, incoming) = mpsc::channel();
    std::thread::spawn(move || {
        // Large reads: an answer of tens of megabytes is read in fewer calls.
        let mut reader = BufReader::with_capacity(1 << 20, output);
        while let Some(body) = read_body(&mut reader) {
            let received = Instant::now();
            let Ok(message) = serde_json::from_slice(&body) else { break };
            if sender.send(wrap(message, received)).is_err() {
                break;
            }
        }
    });
    incoming
}

/// One message as LSP frames it: the `Content-Length` header, then the body.
/// The one framing of the tests and benchmarks, whatever carries the bytes
/// (a child's stdio here, an in-memory pipe in a server's own tests).
pub fn frame(message: &Value) -> Vec<u8> {
    let body = serde_json::to_string(message).unwrap();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// The body length a header line announces, when it is `Content-Length`.
pub fn content_length(header: &str) -> Option<usize> {
    header.trim_end().strip_prefix("Content-Length:")?.trim().parse().ok()
}

/// Writes one framed message.
pub fn write_message(stdin: &mut impl Write, message: &Value) {
    stdin.write_all(&frame(message)).unwrap();
    stdin.flush().unwrap();
}

/// Reads one framed message; `None` at the end of the stream or on a
/// message that cannot be read.
pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    serde_json::from_slice(&read_body(reader)?).ok()
}

/// Reads one framed message's body; `None` at the end of the stream.
fn read_body(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if line.starts_with("Content-Length:") {
            length = content_length(line);
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

impl Client {
    /// Starts `binary lsp` on `root` and initializes it.
    pub fn start(binary: &Path, root: &Path, encoding: Encoding) -> Client {
        Client::start_with(binary, root, encoding, json!({}))
    }

    /// Starts `binary lsp` and sends `initialize` with extra client capabilities merged in.
    pub fn start_with(binary: &Path, root: &Path, encoding: Encoding, extra_capabilities: Value) -> Client {
        Client::start_roots(binary, &[root], encoding, extra_capabilities, Value::Null)
    }

    /// Starts `binary lsp` on several workspace folders, with extra client
    /// capabilities and `initializationOptions`.
    pub fn start_roots(
        binary: &Path,
        roots: &[&Path],
        encoding: Encoding,
        extra_capabilities: Value,
        options: Value,
    ) -> Client {
        Client::start_command(binary, &["lsp"], roots, encoding, extra_capabilities, options)
    }

    /// Starts `binary` with `args` (`lsp`, or `lsp --stdio` as editors launch
    /// it) on several workspace folders, and initializes it.
    pub fn start_command(
        binary: &Path,
        args: &[&str],
        roots: &[&Path],
        encoding: Encoding,
        extra_capabilities: Value,
        options: Value,
    ) -> Client {
        let (mut child, incoming, stderr) = spawn_reading(binary, args, |message, received| (message, received));
        let stdin = child.stdin.take().expect("the server's stdin is piped");
        let connection = Connection { child: Some(child), writer: Box::new(stdin), incoming, stderr };
        Client::initialize(connection, roots, encoding, extra_capabilities, options)
    }

    /// Connects to a server over any byte streams (`to_server` carries its
    /// input, `from_server` its output: an in-process server's pipes) and
    /// initializes it on `roots`. The server's log is not captured: it goes
    /// wherever the server's process sends it.
    pub fn connect(
        to_server: impl Write + Send + 'static,
        from_server: impl Read + Send + 'static,
        roots: &[&Path],
        encoding: Encoding,
        extra_capabilities: Value,
        options: Value,
    ) -> Client {
        let incoming = read_messages(from_server, |message, received| (message, received));
        let stderr = Arc::new(Mutex::new(String::new()));
        let connection = Connection { child: None, writer: Box::new(to_server), incoming, stderr };
        Client::initialize(connection, roots, encoding, extra_capabilities, options)
    }

    /// Sends `initialize` with the capabilities of `encoding` and
    /// `extra_capabilities`, checks the negotiated encoding, and sends
    /// `initialized`.
    fn initialize(
        connection: Connection,
        roots: &[&Path],
        encoding: Encoding,
        extra_capabilities: Value,
        options: Value,
    ) -> Client {
        let Connection { child, writer, incoming, stderr } = connection;
        let mut client = Client {
            child,
            writer,
            incoming,
            next_id: 0,
            timeout: TIMEOUT,
            notifications: Vec::new(),
            server_requests: Vec::new(),
            stderr,
            encoding,
            initialize_result: Value::Null,
        };
        let encodings = match encoding {
            Encoding::Utf8 => json!(["utf-8", "utf-16"]),
            Encoding::Utf16 => json!(["utf-16"]),
        };
        let mut capabilities = json!({
            "general": { "positionEncodings": encodings },
            "textDocument": { "hover": { "contentFormat": ["markdown", "plaintext"] } },
        });
        merge(&mut capabilities, extra_capabilities);
        let folders: Vec<Value> =
            roots.iter().map(|root| json!({ "uri": file_uri(root), "name": root.display().to_string() })).collect();
        let response = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": file_uri(roots[0]),
                "workspaceFolders": folders,
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        client.initialize_result = response["result"].clone();
        let chosen = &client.initialize_result["capabilities"]["positionEncoding"];
        let expected = match encoding {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
        };
        assert_eq!(chosen, expected, "negotiated position encoding");
        client.notify("initialized", json!({}));
        client
    }

    /// Bounds every later wait by `timeout` instead of [`TIMEOUT`].
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// What the server logged so far, for failure messages.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn send(&mut self, message: &Value) {
        write_message(&mut self.writer, message);
    }

    /// Sends raw bytes (for malformed input).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Opens a Markdown note in the server (`textDocument/didOpen`).
    pub fn open_note(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": version, "text": text } }),
        );
    }

    /// Sends a request and waits for its response (the whole message).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.timed_request(method, params).0
    }

    /// [`Client::request`], with the time from just before the request was
    /// written to when the last byte of its response was read: the server's
    /// latency, pipes included, without this client's parsing of the answer.
    pub fn timed_request(&mut self, method: &str, params: Value) -> (Value, Duration) {
        self.next_id += 1;
        let id = self.next_id;
        let sent = Instant::now();
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let (response, received) = self.timed_response(json!(id));
        (response, received.saturating_duration_since(sent))
    }

    /// Sends a request with `token` as its `partialResultToken` and waits
    /// for its response, collecting the `$/progress` values sent for that
    /// token on the way (those are not kept in [`Client::notifications`]).
    pub fn partial_request(&mut self, method: &str, params: Value, token: &str) -> PartialAnswer {
        let mut params = params;
        params["partialResultToken"] = json!(token);
        self.next_id += 1;
        let id = json!(self.next_id);
        let sent = Instant::now();
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = sent + self.timeout;
        let mut answer = PartialAnswer::default();
        loop {
            let (message, received) = self.next_timed_message(deadline).unwrap_or_else(|| {
                panic!("no response to request {id} within {:?}; server log:\n{}", self.timeout, self.stderr())
            });
            let since = received.saturating_duration_since(sent);
            if message["method"] == "$/progress" && message["params"]["token"] == token {
                answer.first_batch.get_or_insert(since);
                let mut message = self.notifications.pop().unwrap_or(message);
                answer.batches.push(message["params"]["value"].take());
            } else if message.get("method").is_none() && message["id"] == id {
                answer.response = message;
                answer.received = since;
                return answer;
            }
        }
    }

    /// Waits for the response to request `id` (`null` for the answer to a
    /// message that could not be read).
    pub fn response(&mut self, id: Value) -> Value {
        self.timed_response(id).0
    }

    /// [`Client::response`] and when its last byte was read.
    fn timed_response(&mut self, id: Value) -> (Value, Instant) {
        let deadline = Instant::now() + self.timeout;
        loop {
            let (message, received) = self.next_timed_message(deadline).unwrap_or_else(|| {
                panic!("no response to request {id} within {:?}; server log:\n{}", self.timeout, self.stderr())
            });
            if message.get("method").is_none() && message["id"] == id {
                return (message, received);
            }
        }
    }

    /// The next message, answering and recording the server's requests and
    /// recording its notifications on the way; `None` at the deadline or
    /// when the server has closed its output.
    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        self.next_timed_message(deadline).map(|(message, _)| message)
    }

    /// [`Client::next_message`] and when its last byte was read.
    fn next_timed_message(&mut self, deadline: Instant) -> Option<(Value, Instant)> {
        let left = deadline.saturating_duration_since(Instant::now());
        let (message, received) = match self.incoming.recv_timeout(left) {
            Ok(timed) => timed,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        if message.get("method").is_some() {
            if message.get("id").is_some() {
                let reply = json!({ "jsonrpc": "2.0", "id": message["id"], "result": null });
                self.send(&reply);
                self.server_requests.push(message.clone());
            } else {
                self.notifications.push(message.clone());
            }
        }
        Some((message, received))
    }

    /// Waits for a notification (already received or to come) matching `wanted`.
    pub fn wait_for_notification(&mut self, method: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(found) = self.notifications.iter().find(|n| n["method"] == method && wanted(&n["params"])) {
            return found.clone();
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            match self.next_message(deadline) {
                Some(message) if message["method"] == method && wanted(&message["params"]) => return message,
                Some(_) => {}
                None => panic!("no {method} notification as wanted within {:?}; log:\n{}", self.timeout, self.stderr()),
            }
        }
    }

    /// Waits for a request from the server (already received or to come).
    pub fn wait_for_server_request(&mut self, method: &str) -> Value {
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(found) = self.server_requests.iter().find(|r| r["method"] == method) {
                return found.clone();
            }
            if self.next_message(deadline).is_none() {
                panic!("no {method} request from the server within {:?}; log:\n{}", self.timeout, self.stderr());
            }
        }
    }

    /// Waits for `dossier/status` with `state: ready`.
    pub fn wait_until_ready(&mut self) -> Value {
        self.wait_for_notification("dossier/status", |params| params["state"] == "ready")
    }

    /// Repeats a request until `done(response)`, with a bounded deadline.
    pub fn poll(&mut self, method: &str, params: Value, done: impl Fn(&Value) -> bool) -> Value {
        self.poll_every(method, params, Duration::from_millis(100), done)
    }

    /// [`Client::poll`], waiting at most `interval` between requests (less
    /// when a message arrives meanwhile). A notification that arrives while
    /// a request waits for its answer does not wake the wait, so the
    /// interval bounds how late the wanted answer can be seen: a
    /// measurement polls often.
    pub fn poll_every(
        &mut self,
        method: &str,
        params: Value,
        interval: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + self.timeout;
        loop {
            let response = self.request(method, params.clone());
            if done(&response) {
                return response;
            }
            assert!(Instant::now() < deadline, "{method} never gave the wanted answer; last: {response}");
            // Let messages arrive meanwhile (statuses, diagnostics).
            let _ = self.next_message(Instant::now() + interval);
        }
    }

    /// Sends `shutdown` then `exit` and waits (bounded) for the process to end.
    pub fn shutdown(mut self) -> ExitStatus {
        self.shutdown_and_exit();
        self.wait_for_exit()
    }

    /// Sends `shutdown`, checks its answer, then sends `exit`.
    pub fn shutdown_and_exit(&mut self) {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
    }

    /// The server's process; panics for a client over byte streams.
    fn child(&mut self) -> &mut Child {
        self.child.as_mut().expect("a server process (this client was connected over byte streams)")
    }

    /// Waits (bounded) for the process to end.
    pub fn wait_for_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child().try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit; log:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("a server process (this client was connected over byte streams)").id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child().try_wait().unwrap().is_none()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test must not leave a server behind.
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn merge(base: &mut Value, extra: Value) {
    match (base, extra) {
        (Value::Object(base), Value::Object(extra)) => {
            for (key, value) in extra {
                merge(base.entry(key).or_insert(Value::Null), value);
            }
        }
        (base, extra) => *base = extra,
    }
}

/// The `file:` URI of a path, percent-encoding as the server does.
pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_str().expect("UTF-8 path").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => uri.push(byte as char),
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

/// The path of a `file:` URI.
pub fn uri_path(uri: &str) -> PathBuf {
    let encoded = uri.strip_prefix("file://").expect("a file URI");
    let mut bytes = Vec::new();
    let mut iter = encoded.bytes();
    while let Some(byte) = iter.next() {
        if byte == b'%' {
            let hex: String = [iter.next().unwrap() as char, iter.next().unwrap() as char].iter().collect();
            bytes.push(u8::from_str_radix(&hex, 16).unwrap());
        } else {
            bytes.push(byte);
        }
    }
    PathBuf::from(String::from_utf8(bytes).unwrap())
}

/// Converts between byte offsets and LSP positions, written independently of
/// the server's code so that the tests check it.
pub mod positions {
    use super::Encoding;

    fn lines(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\n' || bytes[i] == b'\r' {
                out.push((start, &text[start..i]));
                i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                start = i;
            } else {
                i += 1;
            }
        }
        out.push((start, &text[start..]));
        out
    }

    fn units(s: &str, encoding: Encoding) -> usize {
        match encoding {
            Encoding::Utf8 => s.len(),
            Encoding::Utf16 => s.encode_utf16().count(),
        }
    }

    /// (line, character) of a byte offset.
    pub fn position(text: &str, offset: usize, encoding: Encoding) -> (u32, u32) {
        let lines = lines(text);
        let index = lines.iter().rposition(|(start, _)| *start <= offset).unwrap();
        let (start, _) = lines[index];
        (index as u32, units(&text[start..offset], encoding) as u32)
    }

    /// Byte offset of (line, character); panics when it is not on a char boundary.
    pub fn offset(text: &str, line: u32, character: u32, encoding: Encoding) -> usize {
        let lines = lines(text);
        let (start, content) = lines[line as usize];
        let mut count = 0;
        for (i, c) in content.char_indices() {
            if count == character as usize {
                return start + i;
            }
            count += match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        assert_eq!(count, character as usize, "character {character} is not a boundary of line {line}");
        start + content.len()
    }
}
