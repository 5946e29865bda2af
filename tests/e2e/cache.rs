//! End-to-end tests of the persisted cache (`.dossier/cache.redb`): a
//! server killed with SIGKILL at any moment of its first ingestion leaves a
//! cache the next server uses and answers correctly from; a cache file full
//! of garbage is rebuilt with a warning; nothing but `.dossier/` is ever
//! written into the workspace.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use dossier_lsp_client::{Client, Encoding, file_uri};
use dossier_workspace::Store;
use serde_json::{Value, json};

use crate::support::{copy_tree, dossier_binary, seeds};

/// Copies of the sample documents under new names, each with a line of its
/// own so that every copy has its own content hash: enough files (about 200,
/// 5 MB) for the first ingestion to take seconds in a debug build, so that
/// kills land in the middle of it.
const COPIES: usize = 40;

/// A workspace: `seeds/` plus [`COPIES`] renamed copies of each document.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&seeds(), dir.path());
    let documents: Vec<PathBuf> = fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    fs::create_dir_all(dir.path().join("copies")).unwrap();
    for (i, document) in documents.iter().enumerate() {
        let text = fs::read(document).unwrap();
        for copy in 0..COPIES {
            let mut bytes = text.clone();
            bytes.extend_from_slice(format!("\nCopy {copy} of document {i}.\n").as_bytes());
            fs::write(dir.path().join(format!("copies/{i:02}-{copy:02}.txt")), bytes).unwrap();
        }
    }
    dir
}

/// Every file and folder under `root`, relative, except inside `.dossier/`.
fn listing(root: &Path) -> BTreeSet<(PathBuf, Vec<u8>)> {
    let mut found = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            if relative.starts_with(".dossier") {
                continue;
            }
            if path.is_dir() {
                stack.push(path.clone());
                found.insert((relative, Vec::new()));
            } else {
                found.insert((relative, fs::read(&path).unwrap()));
            }
        }
    }
    found
}

/// What a server answers that the cache could get wrong: the counts of
/// `dossier/status`, and hover and references on names in several scripts
/// (hover cards name each document's language, which comes from the cache).
fn answers(client: &mut Client, root: &Path) -> Value {
    let status = client.wait_until_ready()["params"].clone();
    let note = root.join("notes/cache.md");
    let text = "# Cache\n\nWu Yongming and 張勇 (Zhang Yong) at Taobao.\n";
    fs::write(&note, text).unwrap();
    // The note is on disk before the load or arrives through the watcher:
    // wait until the server has it.
    let hover_at = |needle: &str| {
        let offset = text.find(needle).unwrap() + needle.chars().next().unwrap().len_utf8();
        let (line, character) = dossier_lsp_client::positions::position(text, offset, Encoding::Utf16);
        json!({ "textDocument": { "uri": file_uri(&note) }, "position": { "line": line, "character": character } })
    };
    client.poll("textDocument/hover", hover_at("Taobao"), |response| !response["result"].is_null());
    let mut found = json!({ "status": { "documents": status["documents"], "notes": status["notes"] } });
    for needle in ["Wu Yongming", "張勇", "Zhang Yong", "Taobao"] {
        let hover = client.request("textDocument/hover", hover_at(needle));
        let mut references = hover_at(needle);
        references["context"] = json!({ "includeDeclaration": true });
        let mut locations: Vec<String> = client.request("textDocument/references", references)["result"]
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .map(|location| format!("{} {}", location["uri"].as_str().unwrap(), location["range"]))
            .collect();
        locations.sort();
        found[needle] = json!({ "hover": hover["result"]["contents"]["value"], "references": locations });
    }
    found
}

/// The answers of a server on a fresh copy of the workspace, without a cache.
fn expected_answers() -> Value {
    let dir = workspace();
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(dossier_binary(), &root, Encoding::Utf16);
    let answers = answers(&mut client, &root);
    assert!(client.shutdown().success());
    // Paths differ between workspaces: compare them relative to the root.
    relative(answers, &root)
}

fn relative(answers: Value, root: &Path) -> Value {
    let text = serde_json::to_string(&answers)
        .unwrap()
        .replace(&file_uri(root), "file://ROOT")
        .replace(root.to_str().unwrap(), "ROOT");
    serde_json::from_str(&text).unwrap()
}

fn sigkill(client: &mut Client) {
    let status = Command::new("kill").args(["-KILL", &client.pid().to_string()]).status().unwrap();
    assert!(status.success());
    let status = client.wait_for_exit();
    assert!(!status.success(), "killed, not exited: {status:?}");
}

/// Delays before each kill: growing geometrically from 150 ms to about 6 s,
/// so that whatever the machine's speed some kills land before the cache
/// exists, some in the middle of the first ingestion and some after it, each
/// with a pseudo-random jitter of up to a third (deterministic, so that a
/// failure replays).
fn kill_delays() -> impl Iterator<Item = Duration> {
    let mut state: u64 = 0x5eed_cafe;
    (0..10).map(move |step| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let base = 150.0 * 1.5f64.powi(step);
        Duration::from_millis((base * (1.0 + (state >> 33) as f64 / (1u64 << 31) as f64 / 3.0)) as u64)
    })
}

#[test]
fn a_server_killed_during_its_first_ingestion_leaves_a_usable_cache() {
    let expected = expected_answers();
    let dir = workspace();
    let root = dir.path().canonicalize().unwrap();
    let before = listing(&root);
    let cache = root.join(".dossier/cache.redb");
    // Entries in the cache after each kill: it only grows, a batch at a time.
    let mut stored = Vec::new();
    for delay in kill_delays() {
        let mut client = Client::start(dossier_binary(), &root, Encoding::Utf16);
        std::thread::sleep(delay);
        sigkill(&mut client);
        stored.push(Store::open(&root).expect("the killed server left a readable cache").keys().len());
    }
    eprintln!("entries after each kill: {stored:?}");
    let total =
        listing(&root).iter().filter(|(path, _)| path.extension().is_some_and(|e| e == "txt" || e == "md")).count();
    assert!(stored.windows(2).all(|pair| pair[0] <= pair[1]), "{stored:?}");
    assert!(
        stored.iter().any(|&count| 0 < count && count < total),
        "no kill landed in the middle of the first ingestion ({total} files): {stored:?}"
    );

    let mut client = Client::start(dossier_binary(), &root, Encoding::Utf16);
    let answers = relative(answers(&mut client, &root), &root);
    assert_eq!(answers, expected);
    let log = client.stderr();
    assert!(!log.contains("unreadable cache"), "a killed writer must not corrupt the cache:\n{log}");
    let reused = format!("{} sources, {} with languages from the cache", total, stored.last().unwrap());
    assert!(log.contains(&reused), "wanted {reused:?} in\n{log}");
    assert!(client.shutdown().success());

    // Only `.dossier/` and the note this test wrote were added.
    let mut after = listing(&root);
    after.retain(|(path, _)| path != Path::new("notes/cache.md"));
    assert_eq!(after, before);
    assert!(cache.is_file());
}

#[test]
fn a_garbage_cache_is_rebuilt_with_a_warning() {
    let expected = expected_answers();
    let dir = workspace();
    let root = dir.path().canonicalize().unwrap();
    fs::create_dir_all(root.join(".dossier")).unwrap();
    let cache = root.join(".dossier/cache.redb");
    for garbage in [b"redb? no: garbage".repeat(4096), vec![0; 10], vec![0xff; 8192]] {
        fs::write(&cache, garbage).unwrap();
        let mut client = Client::start(dossier_binary(), &root, Encoding::Utf16);
        let answers = relative(answers(&mut client, &root), &root);
        assert_eq!(answers, expected);
        assert!(client.is_running());
        let log = client.stderr();
        assert!(log.contains("unreadable cache") && log.contains("rebuilding it"), "{log}");
        assert!(client.shutdown().success());
        fs::remove_file(root.join("notes/cache.md")).unwrap();
    }
    // The rebuilt cache serves the next start without a warning.
    let mut client = Client::start(dossier_binary(), &root, Encoding::Utf16);
    assert_eq!(relative(answers(&mut client, &root), &root), expected);
    assert!(!client.stderr().contains("unreadable cache"));
    assert!(client.shutdown().success());
}
