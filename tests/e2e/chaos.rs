//! A chaos test of `dossier lsp`: a seeded pseudo-random client sends a few
//! thousand requests and notifications — random and out-of-range positions,
//! malformed parameters, unknown methods, `$/cancelRequest`, bodies that are
//! not JSON, `didOpen`/`didChange`/`didClose` with random text (CJK, emoji,
//! CRLF, lone CR) — while files of the workspace (a temporary copy of
//! `seeds/`) are created, rewritten, renamed and deleted on disk.
//!
//! It checks that every request gets exactly one response, that no request
//! fails with an internal error (a caught panic), that the server never exits
//! and its memory stays bounded, and that once the chaos stops the server
//! converges: its hover, definition, references and workspace symbols on a
//! fixed set of positions equal those of a freshly started server on the same
//! files.
//!
//! The seed is printed; `DOSSIER_CHAOS_SEED=<seed>` replays a run.
//!
//! Requests are pipelined, as editors send them: a request about a buffer
//! that was just edited may wait (boundedly) for the rebuild that includes
//! the edit, and one at a time the test would spend its time waiting.

use std::{
    collections::{BTreeMap, HashMap},
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::{Child, ChildStdin},
    sync::{Arc, Mutex, mpsc::Receiver},
    time::{Duration, Instant},
};

use dossier_lsp_client::{Client, Encoding, ServerProcess, file_uri, positions, write_message};
use serde_json::{Value, json};

use crate::support::{copy_tree, dossier_binary, seeds};

/// The seed of the run unless `DOSSIER_CHAOS_SEED` gives another.
const DEFAULT_SEED: u64 = 0x00c4_a05d_055e_2026;

/// Rounds of chaos: disk changes, then a burst of notifications and pipelined requests.
const ROUNDS: usize = 20;
const DISK_CHANGES_PER_ROUND: usize = 3;
const NOTIFICATIONS_PER_ROUND: usize = 30;
const REQUESTS_PER_ROUND: usize = 170;
/// A pause between rounds, so that rebuilds run while the chaos goes on.
const PAUSE: Duration = Duration::from_millis(300);
const BROKEN_BODIES_PER_ROUND: usize = 2;

/// How long one round's responses, or the final convergence, may take
/// before the test fails (a bound against hanging, not a measurement).
const DEADLINE: Duration = Duration::from_secs(120);

/// The server's resident memory at the end may exceed what it was once the
/// workspace was loaded by this factor plus this many MiB.
const MEMORY_FACTOR: u64 = 4;
const MEMORY_SLACK_MIB: u64 = 512;

/// Error codes a request may get: method not found, invalid params, invalid
/// request, parse error, cancelled, and "request failed" (a refusal the user
/// should read, such as renaming in a corpus document). Not -32603, a panic.
const EXPECTED_ERRORS: &[i64] = &[-32601, -32602, -32600, -32700, -32800, -32803];

#[test]
fn random_requests_edits_and_disk_changes_leave_the_server_up_and_converging() {
    let seed = std::env::var("DOSSIER_CHAOS_SEED")
        .ok()
        .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
        .unwrap_or(DEFAULT_SEED);
    eprintln!("chaos seed: {seed:#x} (replay with DOSSIER_CHAOS_SEED={seed:x})");
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&seeds(), dir.path());
    let root = dir.path().canonicalize().unwrap();
    let mut chaos = Chaos { rng: Rng(seed), root: root.clone(), opened: BTreeMap::new(), files_made: 0 };

    let mut server = Pipe::start(&root, seed);
    server.wait_until_ready();
    let memory_loaded = resident_kib(server.pid());
    let started = Instant::now();

    for round in 0..ROUNDS {
        for _ in 0..DISK_CHANGES_PER_ROUND {
            eprintln!("round {round}: {}", chaos.change_disk());
        }
        // A second workspace folder inside the first, added and removed
        // again in the next round (a reload each time).
        let notes = json!([{ "uri": file_uri(&root.join("notes")), "name": "notes" }]);
        match round % 5 {
            2 => server
                .notify("workspace/didChangeWorkspaceFolders", json!({ "event": { "added": notes, "removed": [] } })),
            3 => server
                .notify("workspace/didChangeWorkspaceFolders", json!({ "event": { "added": [], "removed": notes } })),
            _ => {}
        }
        let mut broken = 0;
        for step in 0..NOTIFICATIONS_PER_ROUND + REQUESTS_PER_ROUND {
            if chaos.rng.below(NOTIFICATIONS_PER_ROUND + REQUESTS_PER_ROUND) < NOTIFICATIONS_PER_ROUND {
                let (method, params) = chaos.notification(server.last_id);
                server.notify(&method, params);
            } else {
                let (method, params) = chaos.request();
                server.send_request(&method, params);
            }
            if step % (REQUESTS_PER_ROUND / BROKEN_BODIES_PER_ROUND.max(1)) == 7 && broken < BROKEN_BODIES_PER_ROUND {
                server.send_broken_body(&mut chaos.rng);
                broken += 1;
            }
        }
        server.collect_all(round);
        eprintln!("round {round} answered at {:?}", started.elapsed());
        std::thread::sleep(PAUSE);
        assert!(server.is_running(), "seed {seed:#x}: the server exited in round {round}; log:\n{}", server.log());
    }
    assert!(
        server.internal_errors.is_empty(),
        "seed {seed:#x}: internal errors:\n{}",
        server.internal_errors.join("\n")
    );
    eprintln!("{} requests: {} with a result, errors by code {:?}", server.last_id, server.answered, server.errors);
    // A chaos that only ever got errors or nothing would test little.
    assert!(server.answered * 10 >= server.last_id as usize, "seed {seed:#x}: few requests got a result");

    // Stop the chaos: close every buffer, so that the disk is the truth again.
    for uri in chaos.opened.keys().cloned().collect::<Vec<_>>() {
        server.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    }
    let files = workspace_files(&root);
    let queries = queries(&files);

    let mut fresh = Client::start(dossier_binary(), &root, Encoding::Utf16);
    fresh.wait_until_ready();
    let expected: Vec<Value> =
        queries.iter().map(|(method, params)| fresh.request(method, params.clone())["result"].clone()).collect();
    assert!(fresh.shutdown().success());
    let answered = expected.iter().filter(|result| !result.is_null()).count();
    assert!(answered * 4 >= expected.len(), "seed {seed:#x}: a quarter of the fixed queries answer something");

    // The server converges on the fresh server's answers once it has caught up.
    let deadline = Instant::now() + DEADLINE;
    loop {
        let ids: Vec<i64> =
            queries.iter().map(|(method, params)| server.send_request(method, params.clone())).collect();
        server.collect_all(ROUNDS);
        let actual: Vec<Value> = ids.iter().map(|id| server.results.remove(id).unwrap_or(Value::Null)).collect();
        if actual == expected {
            eprintln!("converged at {:?}", started.elapsed());
            break;
        }
        if Instant::now() > deadline {
            let differences: Vec<String> = queries
                .iter()
                .zip(actual.iter().zip(&expected))
                .filter(|(_, (actual, expected))| actual != expected)
                .take(5)
                .map(|((method, params), (actual, expected))| {
                    format!("{method} {params}\n  chaos: {actual}\n  fresh: {expected}")
                })
                .collect();
            let per_file = |results: &[Value]| -> BTreeMap<String, usize> {
                let mut counts = BTreeMap::new();
                for location in results.iter().filter_map(Value::as_array).flatten() {
                    *counts.entry(location["uri"].as_str().unwrap_or("?").to_owned()).or_insert(0) += 1;
                }
                counts
            };
            panic!(
                "seed {seed:#x}: the server did not converge:\n{}\nlocations per file, chaos: {:?}\nfresh: {:?}\nlog:\n{}",
                differences.join("\n"),
                per_file(&actual),
                per_file(&expected),
                server.log()
            );
        }
        std::thread::sleep(Duration::from_millis(300));
    }

    let memory_end = resident_kib(server.pid());
    eprintln!("resident memory: {memory_loaded} KiB loaded, {memory_end} KiB after the chaos");
    assert!(
        memory_end <= memory_loaded * MEMORY_FACTOR + MEMORY_SLACK_MIB * 1024,
        "seed {seed:#x}: memory grew from {memory_loaded} KiB to {memory_end} KiB"
    );
    assert!(!server.log.lock().unwrap().contains("panicked"), "seed {seed:#x}: the server panicked:\n{}", server.log());
    assert!(server.shutdown(), "seed {seed:#x}: shutdown failed; log:\n{}", server.log());
}

/// A tiny xorshift generator: deterministic for a seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64* (Vigna); a zero state would stay zero.
        let mut x = self.0.max(1);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn percent(&mut self, chance: usize) -> bool {
        self.below(100) < chance
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Pieces of random text: names in every script, emoji (surrogate pairs in
/// UTF-16), every line end, front matter and links, invisible characters.
const PIECES: &[&str] = &[
    "張勇",
    "张勇",
    "Zhang Yong",
    "马云",
    "Jack Ma",
    "阿里巴巴",
    "Alibaba",
    "淘宝",
    "淘寶",
    "Taobao",
    "Wu Yongming",
    "吴泳铭",
    "😀",
    "👨‍👩‍👧",
    "\r\n",
    "\n",
    "\r",
    " ",
    "。",
    "，",
    "# Heading\n",
    "---\n",
    "title: Someone\n",
    "aliases: [张勇, Ma]\n",
    "aliases: 7\n",
    "[[Jack Ma]]",
    "[[",
    "]]",
    "[x](missing.md)",
    "é",
    "e\u{301}",
    "\u{200b}",
    "\u{feff}",
    "𠀀",
    "\t",
    "the company ",
    "Ant Group",
];

/// The chaos's state: what it opened and what it made on disk.
struct Chaos {
    rng: Rng,
    root: PathBuf,
    /// URI → last version sent.
    opened: BTreeMap<String, i32>,
    files_made: usize,
}

impl Chaos {
    fn text(&mut self) -> String {
        let pieces = if self.rng.percent(5) { 2000 } else { self.rng.below(60) };
        let mut text: String = (0..pieces).map(|_| *self.rng.pick(PIECES)).collect();
        if self.rng.percent(2) {
            text.push('\0');
        }
        text
    }

    /// A URI: mostly files of the workspace (existing or not), sometimes
    /// elsewhere, another scheme or no URI at all.
    fn uri(&mut self) -> String {
        let files = workspace_files(&self.root);
        match self.rng.below(12) {
            0..=4 if !files.is_empty() => file_uri(&files[self.rng.below(files.len())]),
            5 | 6 if !self.opened.is_empty() => {
                let uris: Vec<&String> = self.opened.keys().collect();
                (*self.rng.pick(&uris)).clone()
            }
            7 => file_uri(&self.root.join(format!("chaos/new-{}.md", self.rng.below(4)))),
            8 => file_uri(&self.root.join("notes/新しい ノート.md")),
            9 => (*self.rng.pick(&["untitled:Untitled-1", "file:///", "http://example.com/a.md", "file://host/x.md"]))
                .to_owned(),
            10 => file_uri(Path::new("/nonexistent/elsewhere.md")),
            _ => file_uri(&self.root.join("001_acc51af5d4f082ee.txt")),
        }
    }

    fn position(&mut self) -> Value {
        let line = match self.rng.below(10) {
            0 => json!(u32::MAX),
            1 => json!(1u64 << 31),
            2 if self.rng.percent(30) => json!(-1),
            _ => json!(self.rng.below(40)),
        };
        let character = match self.rng.below(10) {
            0 => json!(u32::MAX),
            1 if self.rng.percent(30) => json!("seven"),
            _ => json!(self.rng.below(200)),
        };
        json!({ "line": line, "character": character })
    }

    fn request(&mut self) -> (String, Value) {
        const METHODS: &[&str] = &[
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/references",
            "textDocument/completion",
            "textDocument/documentSymbol",
            "textDocument/codeLens",
            "textDocument/inlayHint",
            "textDocument/prepareRename",
            "textDocument/rename",
            "workspace/symbol",
            "dossier/noSuchMethod",
            "$/noSuchRequest",
        ];
        let method = (*self.rng.pick(METHODS)).to_owned();
        let start = self.position();
        let end = self.position();
        let mut params = json!({
            "textDocument": { "uri": self.uri() },
            "position": start,
            "range": { "start": start, "end": end },
            "context": { "includeDeclaration": self.rng.percent(50), "triggerKind": 1 },
            "newName": self.text(),
            "query": (*self.rng.pick(&["", "ali", "张", "ma", "Zhang Yong", "😀", "\r\n"])).to_owned(),
        });
        if self.rng.percent(8) {
            params = self
                .rng
                .pick(&[
                    Value::Null,
                    json!([]),
                    json!({ "textDocument": 3 }),
                    json!({ "position": { "line": 0, "character": 0 } }),
                    json!({ "textDocument": { "uri": 5 }, "position": null }),
                    json!("text"),
                ])
                .clone();
        }
        (method, params)
    }

    fn notification(&mut self, last_id: i64) -> (String, Value) {
        match self.rng.below(20) {
            0..=4 => {
                let uri = self.uri();
                let version = self.rng.below(100) as i32 - 10;
                self.opened.insert(uri.clone(), version);
                let document = json!({ "uri": uri, "languageId": "markdown", "version": version, "text": self.text() });
                ("textDocument/didOpen".into(), json!({ "textDocument": document }))
            }
            5..=10 => {
                let uri = if self.opened.is_empty() || self.rng.percent(10) {
                    self.uri()
                } else {
                    let uris: Vec<&String> = self.opened.keys().collect();
                    (*self.rng.pick(&uris)).clone()
                };
                // Mostly the next version, sometimes an old one (which must be ignored).
                let last = self.opened.get(&uri).copied().unwrap_or(0);
                let version = if self.rng.percent(85) { last + 1 } else { last - 1 };
                // The server takes a change to a buffer it was not told about
                // as opening it, so it must be closed at the end like the others.
                self.opened.insert(uri.clone(), version.max(last));
                let changes = match self.rng.below(6) {
                    0 => json!([]),
                    1 => {
                        json!([{ "range": { "start": self.position(), "end": self.position() }, "text": self.text() }])
                    }
                    2 => json!([{ "text": self.text() }, { "text": self.text() }]),
                    _ => json!([{ "text": self.text() }]),
                };
                let document = json!({ "uri": uri, "version": version });
                ("textDocument/didChange".into(), json!({ "textDocument": document, "contentChanges": changes }))
            }
            11 | 12 => {
                let uri = if self.opened.is_empty() {
                    self.uri()
                } else {
                    let uris: Vec<String> = self.opened.keys().cloned().collect();
                    self.rng.pick(&uris).clone()
                };
                self.opened.remove(&uri);
                ("textDocument/didClose".into(), json!({ "textDocument": { "uri": uri } }))
            }
            13 => ("textDocument/didSave".into(), json!({ "textDocument": { "uri": self.uri() } })),
            14 => {
                let changes: Vec<Value> =
                    (0..self.rng.below(4)).map(|_| json!({ "uri": self.uri(), "type": self.rng.below(5) })).collect();
                ("workspace/didChangeWatchedFiles".into(), json!({ "changes": changes }))
            }
            15..=17 => {
                // Cancel a recent request (maybe already answered), or one that never was.
                let id = match self.rng.below(4) {
                    0 => json!(last_id + 1000),
                    1 => json!("not-an-id"),
                    _ => json!(last_id - self.rng.below(5) as i64),
                };
                ("$/cancelRequest".into(), json!({ "id": id }))
            }
            18 => ("$/setTrace".into(), json!({ "value": *self.rng.pick(&["off", "verbose", "bogus"]) })),
            _ => ((*self.rng.pick(&["dossier/unknown", "$/unknown", "textDocument/didFrobnicate"])).into(), json!({})),
        }
    }

    /// One change on disk: a new, rewritten, appended, renamed or deleted
    /// file, a binary file, or a folder made and removed. Returns what it did,
    /// for the log of a failed run.
    fn change_disk(&mut self) -> String {
        let files = workspace_files(&self.root);
        let any = |rng: &mut Rng| (!files.is_empty()).then(|| rng.pick(&files).clone());
        let root = self.root.clone();
        let name = |path: &Path| path.strip_prefix(&root).unwrap_or(path).display().to_string();
        match self.rng.below(11) {
            0 | 1 => {
                self.files_made += 1;
                let extension = if self.rng.percent(50) { "md" } else { "txt" };
                let folder = self.root.join(*self.rng.pick(&["chaos", "notes", "chaos/deep/er", "."]));
                fs::create_dir_all(&folder).unwrap();
                let (text, file) = (self.text(), folder.join(format!("made-{}.{extension}", self.files_made)));
                fs::write(&file, &text).unwrap();
                format!("made {} ({} bytes)", name(&file), text.len())
            }
            2 => any(&mut self.rng).map_or_else(String::new, |file| {
                let text = self.text();
                fs::write(&file, &text).unwrap();
                format!("rewrote {} ({} bytes)", name(&file), text.len())
            }),
            3 => any(&mut self.rng).map_or_else(String::new, |file| {
                let text = self.text();
                fs::OpenOptions::new().append(true).open(&file).unwrap().write_all(text.as_bytes()).unwrap();
                format!("appended {} bytes to {}", text.len(), name(&file))
            }),
            4 => any(&mut self.rng).map_or_else(String::new, |file| {
                let extension = file.extension().unwrap().to_owned();
                let target = file.with_file_name(format!("renamed-{}", self.rng.below(1000))).with_extension(extension);
                fs::rename(&file, &target).unwrap();
                format!("renamed {} to {}", name(&file), name(&target))
            }),
            // Never the last few files: the final comparison needs something to compare.
            5 => any(&mut self.rng).filter(|_| files.len() > 6).map_or_else(String::new, |file| {
                fs::remove_file(&file).unwrap();
                format!("deleted {}", name(&file))
            }),
            // `dossier.toml` edited: valid, invalid, or gone (each a reload).
            8 => {
                let config = *self.rng.pick(&[
                    "max-file-size = 1000000\n",
                    "exclude = [\"chaos/deep/**\"]\n",
                    "max-file-size = [\n",
                    "languages = [\"zh\", \"en\"]\n",
                    "",
                ]);
                let file = self.root.join("dossier.toml");
                if config.is_empty() {
                    let _ = fs::remove_file(&file);
                } else {
                    fs::write(&file, config).unwrap();
                }
                format!("dossier.toml: {config:?}")
            }
            // Forty files made in one folder, and the next time most of
            // them (and of the other files made) deleted at once.
            9 => {
                let mass = self.root.join("chaos/mass");
                if !mass.exists() {
                    fs::create_dir_all(&mass).unwrap();
                    for i in 0..40 {
                        fs::write(mass.join(format!("{i}.txt")), format!("张勇 met Jack Ma, {i}.")).unwrap();
                    }
                    return "made chaos/mass with forty files".to_owned();
                }
                let made: Vec<&PathBuf> =
                    files.iter().filter(|f| name(f).contains("made-") || f.starts_with(&mass)).collect();
                let deleted = made.len() * 3 / 4;
                for file in &made[..deleted] {
                    fs::remove_file(file).unwrap();
                }
                format!("deleted {deleted} of the {} files made", made.len())
            }
            6 => {
                let size = 1 + self.rng.below(5000);
                fs::write(self.root.join("chaos-binary.txt"), vec![0u8; size]).unwrap();
                format!("wrote {size} NUL bytes to chaos-binary.txt")
            }
            _ => {
                let folder = self.root.join("chaos/burst");
                fs::create_dir_all(&folder).unwrap();
                for i in 0..5 {
                    fs::write(folder.join(format!("{i}.txt")), format!("张勇 {i}")).unwrap();
                }
                let removed = self.rng.percent(70);
                if removed {
                    fs::remove_dir_all(&folder).unwrap();
                }
                format!("made chaos/burst with five files{}", if removed { ", then removed it" } else { "" })
            }
        }
    }
}

/// The documents and notes of the workspace, sorted.
fn workspace_files(root: &Path) -> Vec<PathBuf> {
    fn walk(folder: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(folder) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "md" || e == "txt") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(root, &mut found);
    found.sort();
    found
}

/// The fixed questions asked of both servers at the end: hover, definition
/// and references at the first places each name occurs in each file (and at
/// the start and far past the end), and workspace symbols.
fn queries(files: &[PathBuf]) -> Vec<(String, Value)> {
    const NAMES: &[&str] = &["張勇", "张勇", "马云", "Jack Ma", "Alibaba", "阿里巴巴", "淘宝", "Taobao", "Wu Yongming"];
    let mut queries = Vec::new();
    for file in files {
        let uri = file_uri(file);
        let mut places = vec![json!({ "line": 0, "character": 0 }), json!({ "line": 9999, "character": 3 })];
        if let Ok(text) = fs::read_to_string(file) {
            for name in NAMES {
                if let Some(offset) = text.find(name) {
                    let (line, character) = positions::position(&text, offset, Encoding::Utf16);
                    places.push(json!({ "line": line, "character": character }));
                }
            }
        }
        for position in places {
            let at = json!({ "textDocument": { "uri": uri }, "position": position });
            queries.push(("textDocument/hover".to_owned(), at.clone()));
            queries.push(("textDocument/definition".to_owned(), at.clone()));
            let mut references = at;
            references["context"] = json!({ "includeDeclaration": true });
            queries.push(("textDocument/references".to_owned(), references));
        }
    }
    for query in ["", "ali", "张", "ma", "Zhang Yong", "taobao"] {
        queries.push(("workspace/symbol".to_owned(), json!({ "query": query })));
    }
    queries
}

/// The resident memory of a process in KiB, from `/proc/<pid>/status`.
fn resident_kib(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).expect("VmRSS in /proc/<pid>/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// `dossier lsp` driven with pipelined requests: every request is recorded
/// as pending until its one response arrives. (`dossier_lsp_client::Client`
/// waits for each response in turn, dropping any other on the way.)
struct Pipe {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    log: Arc<Mutex<String>>,
    last_id: i64,
    pending: HashMap<i64, String>,
    /// Responses to pipelined requests by id, for those who want them.
    results: HashMap<i64, Value>,
    /// Responses with a `null` id (to bodies that were not JSON) still to come.
    broken_pending: usize,
    ready: bool,
    internal_errors: Vec<String>,
    /// How many responses had a non-null result, and how many had each error code.
    answered: usize,
    errors: BTreeMap<i64, usize>,
    seed: u64,
}

impl Pipe {
    fn start(root: &Path, seed: u64) -> Pipe {
        let ServerProcess { mut child, incoming, stderr: log } = ServerProcess::spawn(dossier_binary());
        let stdin = child.stdin.take().unwrap();
        let mut pipe = Pipe {
            child,
            stdin,
            incoming,
            log,
            last_id: 0,
            pending: HashMap::new(),
            results: HashMap::new(),
            broken_pending: 0,
            ready: false,
            internal_errors: Vec::new(),
            answered: 0,
            errors: BTreeMap::new(),
            seed,
        };
        let uri = file_uri(root);
        let id = pipe.send_request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri,
                "workspaceFolders": [{ "uri": uri, "name": "chaos" }],
                // What `dossier_lsp_client::Client` offers, so that answers compare equal.
                "capabilities": {
                    "general": { "positionEncodings": ["utf-16"] },
                    "textDocument": { "hover": { "contentFormat": ["markdown", "plaintext"] } },
                },
            }),
        );
        pipe.collect_all(0);
        assert_eq!(pipe.results.remove(&id).unwrap()["capabilities"]["positionEncoding"], "utf-16");
        pipe.notify("initialized", json!({}));
        pipe
    }

    fn send(&mut self, message: &Value) {
        write_message(&mut self.stdin, message);
    }

    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.last_id += 1;
        let id = self.last_id;
        self.pending.insert(id, method.to_owned());
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// A framed body that is not JSON; the server must answer it with a parse error.
    fn send_broken_body(&mut self, rng: &mut Rng) {
        const BODIES: &[&[u8]] =
            &[b"{\"oops\": ", b"\xff\xfe not even UTF-8", b"[1, 2", b"{\"jsonrpc\": \"2.0\", \"id\": }"];
        let body = *rng.pick(BODIES);
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        self.stdin.write_all(&frame).unwrap();
        self.stdin.flush().unwrap();
        self.broken_pending += 1;
    }

    /// Waits until every pending request and broken body has its response,
    /// answering the server's own requests on the way.
    fn collect_all(&mut self, round: usize) {
        let deadline = Instant::now() + DEADLINE;
        while !self.pending.is_empty() || self.broken_pending > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(message) = self.incoming.recv_timeout(left) else {
                let mut missing: Vec<String> =
                    self.pending.iter().take(10).map(|(id, method)| format!("{id} {method}")).collect();
                missing.sort();
                let running = self.is_running();
                panic!(
                    "seed {:#x}, round {round}: {} requests and {} broken bodies unanswered after {DEADLINE:?} \
                     (e.g. {missing:?}); server running: {}; log:\n{}",
                    self.seed,
                    self.pending.len(),
                    self.broken_pending,
                    running,
                    self.log()
                );
            };
            self.receive(message, round);
        }
    }

    fn receive(&mut self, message: Value, round: usize) {
        let seed = self.seed;
        if message.get("method").is_some() {
            if message.get("id").is_some() {
                self.send(&json!({ "jsonrpc": "2.0", "id": message["id"], "result": null }));
            } else if message["method"] == "dossier/status" && message["params"]["state"] == "ready" {
                self.ready = true;
            }
            return;
        }
        let has_result = message.get("result").is_some();
        let error = message.get("error");
        assert!(has_result != error.is_some(), "seed {seed:#x}: neither result nor error, or both: {message}");
        let Some(id) = message["id"].as_i64() else {
            assert!(message["id"].is_null(), "seed {seed:#x}: a response to an id never sent: {message}");
            assert!(self.broken_pending > 0, "seed {seed:#x}: an unexpected response without id: {message}");
            assert_eq!(message["error"]["code"], -32700, "seed {seed:#x}: {message}");
            self.broken_pending -= 1;
            return;
        };
        let method = self
            .pending
            .remove(&id)
            .unwrap_or_else(|| panic!("seed {seed:#x}: a second or unasked-for response: {message}"));
        if message.get("result").is_some_and(|result| !result.is_null()) {
            self.answered += 1;
        }
        if let Some(error) = error {
            let code = error["code"].as_i64().unwrap_or(0);
            *self.errors.entry(code).or_insert(0) += 1;
            if !EXPECTED_ERRORS.contains(&code) {
                self.internal_errors.push(format!("round {round}, {method}: {error}"));
            }
        }
        self.results.insert(id, message.get("result").cloned().unwrap_or(Value::Null));
        // Keep only what someone may still ask for: the latest few thousand.
        if self.results.len() > 10_000 {
            self.results.retain(|&kept, _| kept > id - 5_000);
        }
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + DEADLINE;
        while !self.ready {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.incoming.recv_timeout(left).unwrap_or_else(|_| {
                panic!("seed {:#x}: never ready; log:\n{}", self.seed, self.log());
            });
            self.receive(message, 0);
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    fn log(&self) -> String {
        let log = self.log.lock().unwrap();
        // The tail is what matters; a chaotic run logs a lot.
        let start = log.len().saturating_sub(20_000);
        let start = (start..log.len()).find(|&i| log.is_char_boundary(i)).unwrap_or(log.len());
        log[start..].to_owned()
    }

    /// `shutdown` then `exit`; whether the process ended successfully (bounded wait).
    fn shutdown(&mut self) -> bool {
        self.send_request("shutdown", Value::Null);
        self.collect_all(ROUNDS);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// Regressions the chaos test found, one small test each.

/// A small workspace: one document naming a few terms.
fn small_workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fs::write(root.join("a.txt"), "Jack Ma founded Alibaba. Later, Jack Ma left Alibaba.").unwrap();
    (dir, root)
}

#[test]
fn requests_to_unknown_dollar_methods_get_method_not_found() {
    // `tower-lsp-server` drops its "method not found" answer for every `$/`
    // method, which is right for notifications; a request must still get it.
    let (_dir, root) = small_workspace();
    let mut server = Pipe::start(&root, DEFAULT_SEED);
    let id = server.send_request("$/noSuchRequest", json!({}));
    server.collect_all(0);
    assert!(server.results.contains_key(&id));
    server.notify("$/noSuchNotification", json!({}));
    assert!(server.shutdown(), "{}", server.log());
}

#[test]
fn reading_a_file_does_not_make_the_watcher_rebuild_again() {
    // Ingesting a file opens and reads it; the watcher used to report those
    // accesses as changes, so one new file meant a rebuild every 150 ms forever.
    let (_dir, root) = small_workspace();
    let mut client = Client::start(dossier_binary(), &root, Encoding::Utf16);
    client.wait_until_ready();
    fs::write(root.join("b.txt"), "Zhang Yong met Jack Ma. Zhang Yong smiled.").unwrap();
    client.poll("workspace/symbol", json!({ "query": "Zhang" }), |response| {
        response["result"].as_array().is_some_and(|symbols| !symbols.is_empty())
    });
    let statuses = |client: &Client| client.notifications.iter().filter(|n| n["method"] == "dossier/status").count();
    let second_of_requests = |client: &mut Client| {
        for _ in 0..10 {
            client.request("workspace/symbol", json!({ "query": "" }));
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    // The write's own events (create, then modify) may land in two debounce
    // windows on a busy machine: let them settle first.
    second_of_requests(&mut client);
    let before = statuses(&client);
    // Nothing changes now: a second of requests sees no further rebuild (the
    // bug rebuilt every debounce period, forever).
    second_of_requests(&mut client);
    let after = statuses(&client);
    assert!(after <= before + 1, "{} rebuilds with nothing changed; log:\n{}", after - before, client.stderr());
    assert!(client.shutdown().success());
}

#[test]
fn a_file_renamed_then_deleted_at_once_is_forgotten() {
    // The watcher's debouncer folds "renamed b to c, deleted c" into "deleted
    // c": b.txt was never reported, and the server kept it forever.
    let (_dir, root) = small_workspace();
    let mut client = Client::start(dossier_binary(), &root, Encoding::Utf16);
    client.wait_until_ready();
    let references_in = |client: &mut Client, name: &str| {
        let at = json!({
            "textDocument": { "uri": file_uri(&root.join("a.txt")) },
            "position": { "line": 0, "character": 1 },
            "context": { "includeDeclaration": true },
        });
        let response = client.request("textDocument/references", at);
        let locations = response["result"].as_array().cloned().unwrap_or_default();
        locations.iter().filter(|l| l["uri"].as_str().unwrap().ends_with(name)).count()
    };
    fs::write(root.join("b.txt"), "Jack Ma in b.").unwrap();
    let deadline = Instant::now() + DEADLINE;
    while references_in(&mut client, "/b.txt") == 0 {
        assert!(Instant::now() < deadline, "b.txt never indexed");
        std::thread::sleep(Duration::from_millis(100));
    }
    fs::rename(root.join("b.txt"), root.join("c.txt")).unwrap();
    fs::remove_file(root.join("c.txt")).unwrap();
    while references_in(&mut client, "/b.txt") > 0 {
        assert!(Instant::now() < deadline, "b.txt is still indexed; log:\n{}", client.stderr());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(client.shutdown().success());
}
