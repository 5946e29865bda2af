//! Hostile input through the real binary: every file that cannot be read or
//! decoded gets a clear error naming it, odd files get warnings, the rest of
//! the batch is reported, nothing panics or hangs, nothing is written.
//!
//! Inputs are generated here; no binary fixtures are committed.

use std::{fs, path::Path};

use serde_json::Value;

use crate::support::{dossier, run};

/// Runs `dossier ingest --format json` on `corpus` from `dir`; returns the exit
/// code and the JSON.
fn ingest(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let (output, stdout) =
        run(dossier().current_dir(dir).args(["ingest", "--format", "json", "--no-progress", "corpus"]).args(extra));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (output.status.code().expect("exited, not killed"), json)
}

fn corpus(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join("corpus").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    fs::create_dir_all(dir.path().join("corpus")).unwrap();
    dir
}

fn document<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == format!("corpus/{name}"))
        .unwrap_or_else(|| panic!("corpus/{name} not among the documents: {json}"))
}

fn error_of(json: &Value, name: &str) -> String {
    json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == format!("corpus/{name}"))
        .unwrap_or_else(|| panic!("corpus/{name} not among the errors: {json}"))["error"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn encode(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{text} is representable in {}", encoding.name());
    bytes.into_owned()
}

const HANS: &str = "阿里巴巴集团的首席执行官吴泳铭在杭州宣布，淘宝和天猫将回归用户，阿里云继续推进改革。";
const HANT: &str = "阿里巴巴集團的首席執行官張勇在杭州宣布，淘寶和天貓將回歸用戶，阿里雲繼續推進改革。";

#[test]
fn legacy_chinese_encodings_are_detected_and_reported() {
    let dir = corpus(&[
        ("gbk.txt", encode(encoding_rs::GBK, &HANS.repeat(3))),
        ("gb18030.txt", encode(encoding_rs::GB18030, &format!("{}𠀀", HANS.repeat(3)))),
        ("big5.txt", encode(encoding_rs::BIG5, &HANT.repeat(3))),
    ]);
    let (code, json) = ingest(dir.path(), &[]);
    assert_eq!(code, 0, "{json}");
    let seen = |name: &str| {
        let d = document(&json, name);
        (d["encoding"].as_str().unwrap().to_owned(), d["language"].as_str().unwrap().to_owned())
    };
    assert_eq!(seen("gbk.txt").1, "zh-Hans");
    assert!(["GBK", "gb18030"].iter().any(|e| seen("gbk.txt").0.eq_ignore_ascii_case(e)), "{:?}", seen("gbk.txt"));
    // encoding_rs's GBK decoder is GB18030's (as WHATWG defines it): four-byte sequences decode either way.
    assert_eq!(seen("gb18030.txt").1, "zh-Hans");
    assert_eq!(document(&json, "gb18030.txt")["chars"].as_u64().unwrap() as usize, HANS.chars().count() * 3 + 1);
    assert_eq!(seen("big5.txt"), ("Big5".to_owned(), "zh-Hant".to_owned()));
}

#[test]
fn every_byte_order_mark_is_honoured_and_spans_are_original_bytes() {
    let text = "Alibaba moved its headquarters to Hangzhou in 1999, and Taobao followed.";
    let utf16 = |big: bool| -> Vec<u8> {
        let mut bytes = if big { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for unit in text.encode_utf16() {
            bytes.extend(if big { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        bytes
    };
    let dir = corpus(&[
        ("utf8-bom.txt", [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat()),
        ("utf16le.txt", utf16(false)),
        ("utf16be.txt", utf16(true)),
    ]);
    let (code, json) = ingest(dir.path(), &[]);
    assert_eq!(code, 0, "{json}");
    for (name, encoding, unit) in
        [("utf8-bom.txt", "UTF-8", 1), ("utf16le.txt", "UTF-16LE", 2), ("utf16be.txt", "UTF-16BE", 2)]
    {
        let d = document(&json, name);
        assert_eq!((d["encoding"].as_str().unwrap(), d["language"].as_str().unwrap()), (encoding, "en"), "{d}");
        assert_eq!(d["chars"].as_u64().unwrap() as usize, text.chars().count(), "the BOM is not text: {d}");
        let span = &d["spans"][0];
        let bom = if unit == 1 { 3 } else { 2 };
        assert_eq!(span["start"].as_u64().unwrap() as usize, bom, "{d}");
        assert_eq!(span["end"].as_u64().unwrap() as usize, bom + text.len() * unit - unit, "{d}");
    }
}

#[test]
fn broken_text_is_decoded_with_warnings_that_give_the_offset() {
    // A UTF-8 file, clearly so from its many Chinese characters, damaged in two places.
    let mut invalid = format!("Jack Ma founded Alibaba in Hangzhou. {HANS}").into_bytes();
    let offset = invalid.len();
    invalid.extend(b"\xff\xfe broken here, then fine again until the truncated end \xe5\x90");
    let mut unpaired = vec![0xFF, 0xFE];
    for unit in "Hello ".encode_utf16().chain([0xD800]).chain(" world".encode_utf16()) {
        unpaired.extend(unit.to_le_bytes());
    }
    let dir = corpus(&[("invalid-utf8.txt", invalid), ("unpaired.txt", unpaired)]);
    let (code, json) = ingest(dir.path(), &[]);
    assert_eq!(code, 0, "a warning is not a failure: {json}");
    let warnings = &document(&json, "invalid-utf8.txt")["warnings"];
    assert_eq!(warnings[0]["offset"].as_u64(), Some(offset as u64), "{warnings}");
    assert!(warnings[0]["message"].as_str().unwrap().contains(&offset.to_string()), "{warnings}");
    let warnings = &document(&json, "unpaired.txt")["warnings"];
    assert_eq!(warnings[0]["offset"].as_u64(), Some(2 + 6 * 2), "{warnings}");
}

#[test]
fn empty_binary_and_oversized_files() {
    let dir = corpus(&[
        ("empty.txt", Vec::new()),
        ("zeros.bin", vec![0; 4096]),
        ("elf", [&b"\x7fELF\x02\x01\x01\0"[..], &[0u8; 64]].concat()),
        ("large.txt", b"a".repeat(10_001)),
        ("fine.txt", b"Some English text about Alibaba and its founders.".to_vec()),
    ]);
    let (code, json) = ingest(dir.path(), &["--max-file-size", "10000"]);
    assert_eq!(code, 1);
    assert_eq!(document(&json, "empty.txt")["language"], "und");
    assert_eq!(document(&json, "fine.txt")["language"], "en");
    assert!(error_of(&json, "zeros.bin").starts_with("binary file"));
    assert!(error_of(&json, "elf").starts_with("binary file"));
    assert_eq!(error_of(&json, "large.txt"), "file is 10001 bytes, over the limit of 10000 bytes");
}

#[test]
fn a_single_line_of_fifty_megabytes_is_ingested() {
    let paragraph = "The company moved its offices to a new building near the river last year, and the \
        employees who had worked there for a long time were not happy about the change. ";
    let half = paragraph.repeat(25 * 1024 * 1024 / paragraph.len());
    let line = format!("{half}阿里巴巴與螞蟻集團把總部搬到了杭州。{half}");
    let dir = corpus(&[("long-line.txt", line.into_bytes())]);
    let (code, json) = ingest(dir.path(), &[]);
    assert_eq!(code, 0, "{json}");
    let d = document(&json, "long-line.txt");
    assert!(d["bytes"].as_u64().unwrap() > 50_000_000);
    let languages: Vec<&str> =
        d["languages"].as_array().unwrap().iter().map(|l| l["language"].as_str().unwrap()).collect();
    assert!(languages.contains(&"en") && languages.contains(&"zh-Hant"), "{languages:?}");
}

#[test]
fn twenty_thousand_tiny_files_and_deep_nesting() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    for i in 0..20_000 {
        let sub = corpus.join(format!("{:03}", i / 100));
        if i % 100 == 0 {
            fs::create_dir_all(&sub).unwrap();
        }
        fs::write(sub.join(format!("{i}.txt")), format!("note {i}")).unwrap();
    }
    let mut deep = corpus.join("deep");
    for level in 0..100 {
        deep = deep.join(format!("level{level}"));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("bottom.txt"), "At the bottom of a very deep folder.").unwrap();
    let (code, json) = ingest(dir.path(), &[]);
    assert_eq!(code, 0);
    let documents = json["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 20_001);
    // Ordered by path, whatever the threads did.
    let paths: Vec<&str> = documents.iter().map(|d| d["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert!(paths.iter().any(|p| p.ends_with("level99/bottom.txt")));
}

#[cfg(unix)]
#[test]
fn unreadable_file_and_folder_for_an_ordinary_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = corpus(&[
        ("secret.txt", b"secret".to_vec()),
        ("closed/inner.txt", b"x".to_vec()),
        ("open.txt", b"Hello there, friends.".to_vec()),
    ]);
    let corpus = dir.path().join("corpus");
    fs::set_permissions(corpus.join("secret.txt"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(corpus.join("closed"), fs::Permissions::from_mode(0o000)).unwrap();
    // Everyone may enter the temporary folder; only the two entries above are closed.
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&corpus, fs::Permissions::from_mode(0o755)).unwrap();

    // Root reads everything, so run the binary as nobody when the tests run as root.
    let is_root = std::process::Command::new("id").arg("-u").output().unwrap().stdout.starts_with(b"0");
    let mut command = if is_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_dossier")]);
        c
    } else {
        dossier()
    };
    let (output, stdout) = run(command.current_dir(dir.path()).args(["ingest", "--format", "json", "corpus"]));
    fs::set_permissions(corpus.join("closed"), fs::Permissions::from_mode(0o755)).unwrap();
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {output:?}"));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(error_of(&json, "secret.txt"), "permission denied");
    assert_eq!(error_of(&json, "closed"), "permission denied");
    assert_eq!(document(&json, "open.txt")["language"], "en");
}

/// Names, sizes and modification times of every file and folder under `dir`,
/// to show that a run wrote nothing there. The language server's cache
/// folder, `.dossier/`, is left out (and a folder's time changes when it is
/// made), since the server keeps its language detections there.
fn disk_snapshot(dir: &Path) -> std::collections::BTreeMap<std::path::PathBuf, (u64, std::time::SystemTime)> {
    let mut snapshot = std::collections::BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() == ".dossier" {
                continue;
            }
            let metadata = fs::symlink_metadata(entry.path()).unwrap();
            if metadata.is_dir() {
                folders.push(entry.path());
                snapshot.insert(entry.path(), (0, std::time::SystemTime::UNIX_EPOCH));
            } else {
                snapshot.insert(entry.path(), (metadata.len(), metadata.modified().unwrap()));
            }
        }
    }
    snapshot
}

/// Front matter of nine levels of aliases, each nine times the one before:
/// about 10^9 values once expanded, in 300 bytes.
fn billion_laughs() -> String {
    let mut yaml = String::from("---\ntitle: Laughing Person\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (name, previous) in
        ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        yaml.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{previous}"); 9].join(", ")));
    }
    yaml + "---\n# Laughs\n"
}

/// Notes whose front matter is broken in every way (nested 20,000 deep, a
/// billion laughs of YAML aliases), one with ten thousand
/// aliases, and a document that mentions them.
fn broken_notes() -> tempfile::TempDir {
    let many: Vec<String> = (0..10_000).map(|i| format!("Alias{i:05}")).collect();
    corpus(&[
        ("notes/good.md", "---\ntitle: Jack Ma\naliases: [马云]\n---\n# Jack Ma\n\nFounder.\n".into()),
        ("notes/unclosed.md", "---\ntitle: Unclosed Person\naliases: [Nobody Else]\n\n# Never closed\n".into()),
        ("notes/invalid.md", "---\ntitle: [unbalanced\naliases: {a: \n---\n# Invalid Yaml\n".into()),
        ("notes/number.md", "---\ntitle: Numbered\naliases: 42\n---\n".into()),
        ("notes/map.md", "---\ntitle: Mapped\naliases: {first: 张勇, second: Zhang Yong}\n---\n".into()),
        ("notes/list.md", "---\n- just\n- a list\n---\n# Listed\n".into()),
        ("notes/many.md", format!("---\ntitle: Many Names\naliases: [{}]\n---\n", many.join(", ")).into_bytes()),
        ("notes/deep.md", format!("---\ntitle: Deep Person\nx:\n{}x\n---\n# Deep\n", "- ".repeat(20_000)).into_bytes()),
        ("notes/laughs.md", billion_laughs().into_bytes()),
        ("doc.txt", "Jack Ma met Alias00042 and Alias09999 in Hangzhou. 马云 said so; 张勇 agreed.".into()),
    ])
}

#[test]
fn broken_front_matter_and_ten_thousand_aliases_do_not_stop_terms() {
    let dir = broken_notes();
    let before = disk_snapshot(dir.path());
    let (output, stdout) =
        run(dossier().current_dir(dir.path()).args(["terms", "--format", "json", "--no-progress", "corpus"]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    // The JSON holds ten thousand aliases: failures show the labels only.
    let labels: Vec<&str> = json["terms"].as_array().unwrap().iter().filter_map(|t| t["label"].as_str()).collect();
    let term = |label: &str| json["terms"].as_array().unwrap().iter().find(|t| t["label"] == label).cloned();
    let aliases = |label: &str| -> Vec<String> {
        let term = term(label).unwrap_or_else(|| panic!("no term {label} among {labels:?}"));
        term["aliases"].as_array().unwrap().iter().map(|a| a["text"].as_str().unwrap().to_owned()).collect()
    };

    // The good note and the enormous one define their terms, and the document's mentions are found.
    assert!(aliases("Jack Ma").contains(&"马云".to_owned()), "{labels:?}");
    let many = aliases("Many Names");
    assert!(many.len() >= 10_000, "{} aliases", many.len());
    let in_document = |label: &str| {
        let documents = term(label).unwrap()["documents"].as_array().unwrap().clone();
        documents.iter().find(|d| d["path"] == "corpus/doc.txt").map(|d| d["count"].as_u64().unwrap())
    };
    assert_eq!(in_document("Jack Ma"), Some(2), "Jack Ma and 马云 in doc.txt");
    assert_eq!(in_document("Many Names"), Some(2), "Alias00042 and Alias09999 in doc.txt");
    // A number is read as a one-alias list; a map gives no aliases but the note still defines its term.
    assert!(aliases("Numbered").contains(&"42".to_owned()), "{labels:?}");
    assert!(!aliases("Mapped").iter().any(|a| a == "张勇" || a == "Zhang Yong"), "{labels:?}");
    // Front matter that cannot be read defines nothing: the note is plain Markdown.
    for label in ["Unclosed Person", "Nobody Else", "[unbalanced", "Deep Person", "Laughing Person"] {
        assert!(term(label).is_none(), "{label} is a term: {labels:?}");
    }
    // The notes' problems are warnings on stderr, each naming the note; they do not fail the run.
    for note in ["unclosed.md", "invalid.md", "list.md", "deep.md", "laughs.md"] {
        let warned = stderr.lines().any(|l| l.starts_with(&format!("warning: corpus/notes/{note}:")));
        assert!(warned, "no warning for {note}: {stderr}");
    }
    assert!(!stderr.lines().any(|l| l.contains("good.md")), "{stderr}");
    assert_eq!(disk_snapshot(dir.path()), before, "nothing is written to the corpus");
}

#[test]
fn broken_front_matter_is_an_error_diagnostic_in_the_editor() {
    use dossier_lsp_client::{Client, Encoding, file_uri};

    let dir = broken_notes();
    let before = disk_snapshot(dir.path());
    let root = dir.path().join("corpus").canonicalize().unwrap();
    let mut client = Client::start(crate::support::dossier_binary(), &root, Encoding::Utf16);
    client.wait_until_ready();
    let mut diagnostics = |name: &str| -> Vec<String> {
        let uri = file_uri(&root.join("notes").join(name));
        let published = client.wait_for_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
        published["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{} {}", d["severity"], d["message"].as_str().unwrap()))
            .collect()
    };
    assert_eq!(diagnostics("unclosed.md"), ["1 broken front matter: no closing ---"]);
    let invalid = diagnostics("invalid.md");
    assert!(invalid.len() == 1 && invalid[0].starts_with("1 broken front matter: "), "{invalid:?}");
    assert_eq!(diagnostics("list.md"), ["1 broken front matter: not a mapping"]);
    assert_eq!(diagnostics("deep.md"), ["1 broken front matter: nested more than 64 levels deep"]);
    let laughs = diagnostics("laughs.md");
    assert_eq!(laughs, ["1 broken front matter: more than 262144 values once its aliases are expanded"]);
    assert!(client.is_running());
    assert!(client.shutdown().success());
    assert_eq!(disk_snapshot(dir.path()), before, "the server writes nothing to the workspace");
}

/// Runs a command with a bound: a hang fails the test instead of blocking it.
fn run_bounded(command: &mut std::process::Command) -> (std::process::Output, String) {
    use std::process::Stdio;
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("dossier runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("dossier hung: {command:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8");
    (output, stdout)
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_corpus_does_not_hang_the_batch() {
    let dir = corpus(&[("fine.txt", b"Some English text about Alibaba and its founders.".to_vec())]);
    let fifo = dir.path().join("corpus/pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let before = disk_snapshot(dir.path());

    // Walking a folder, a FIFO is not a file: it is skipped, never opened
    // (opening it would wait for a writer forever).
    let (output, stdout) =
        run_bounded(dossier().current_dir(dir.path()).args(["ingest", "--format", "json", "--no-progress", "corpus"]));
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document(&json, "fine.txt")["language"], "en");
    assert_eq!(json["documents"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(json["errors"].as_array().unwrap().len(), 0, "{json}");

    // Named on the command line, the same.
    let (output, stdout) = run_bounded(dossier().current_dir(dir.path()).args([
        "ingest",
        "--format",
        "json",
        "--no-progress",
        "corpus/pipe.txt",
    ]));
    let json: Value = serde_json::from_str(&stdout).unwrap();
    // Named on the command line, a path that is not a regular file is an error naming it.
    assert_eq!((output.status.code(), json["documents"].as_array().unwrap().len()), (Some(1), 0), "{json}");
    assert_eq!(error_of(&json, "pipe.txt"), "not a regular file (a pipe, socket or device)");
    assert_eq!(disk_snapshot(dir.path()), before);
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_longer_than_its_size_says_is_read_whole() {
    // `/proc` files say they are empty and are not: the closest deterministic
    // case of a file that changes size between `stat` and `read`.
    let dir = corpus(&[("fine.txt", b"Some English text about Alibaba and its founders.".to_vec())]);
    std::os::unix::fs::symlink("/proc/self/status", dir.path().join("corpus/status.txt")).unwrap();
    assert_eq!(fs::metadata(dir.path().join("corpus/status.txt")).unwrap().len(), 0);
    let (code, json) = ingest(dir.path(), &[]);
    assert_eq!(code, 0, "{json}");
    let status = document(&json, "status.txt");
    assert!(status["bytes"].as_u64().unwrap() > 100, "{status}");
    // Over the limit once read: refused, though `stat` said 0 bytes.
    let (code, json) = ingest(dir.path(), &["--max-file-size", "50"]);
    assert_eq!(code, 1, "{json}");
    assert!(error_of(&json, "status.txt").ends_with("over the limit of 50 bytes"), "{json}");
}

#[test]
fn a_file_truncated_and_rewritten_while_the_batch_reads_it() {
    // Best effort: whether a run reads the file before, during or after a
    // rewrite depends on timing, so every outcome but a crash is accepted.
    // The deterministic cases are the FIFO and `/proc` tests above.
    let text = format!("Jack Ma founded Alibaba. {HANS}\n").repeat(8_000);
    let full_length = text.len() as u64;
    let dir = corpus(&[("stable.txt", b"Hello there, friends of Alibaba.".to_vec()), ("moving.txt", Vec::new())]);
    let moving = dir.path().join("corpus/moving.txt");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, moving, bytes) = (std::sync::Arc::clone(&stop), moving.clone(), text.into_bytes());
        std::thread::spawn(move || {
            let mut cut = 1;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                fs::write(&moving, &bytes).unwrap();
                // Truncate in place (not a new file), somewhere inside a character now and then.
                fs::OpenOptions::new()
                    .write(true)
                    .open(&moving)
                    .unwrap()
                    .set_len((cut * 7919) as u64 % 100_000)
                    .unwrap();
                cut += 1;
            }
        })
    };
    for _ in 0..4 {
        let (code, json) = ingest(dir.path(), &[]);
        assert_eq!(document(&json, "stable.txt")["language"], "en");
        if code == 0 {
            let moving = document(&json, "moving.txt");
            assert!(moving["bytes"].as_u64().unwrap() <= full_length, "{moving}");
        } else {
            // A read in the middle of a rewrite may see what the file system
            // holds there for a moment (zeros: "binary file"): an error for
            // that file alone, with the run going on.
            assert_eq!(code, 1, "{json}");
            assert_eq!(json["errors"].as_array().unwrap().len(), 1, "{json}");
            assert!(!error_of(&json, "moving.txt").is_empty(), "{json}");
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
}

#[cfg(unix)]
#[test]
fn a_fifo_made_in_a_watched_workspace_does_not_stall_the_server() {
    use dossier_lsp_client::{Client, Encoding};
    use serde_json::json;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fs::write(root.join("a.txt"), "Jack Ma founded Alibaba. Later, Jack Ma left Alibaba.").unwrap();
    let mut client = Client::start(crate::support::dossier_binary(), &root, Encoding::Utf16);
    client.wait_until_ready();
    // Opening a FIFO for reading waits for a writer, and none comes: a
    // server that opened it would never rebuild again.
    let made = std::process::Command::new("mkfifo").arg(root.join("trap.txt")).status().expect("mkfifo runs");
    assert!(made.success());
    fs::write(root.join("b.txt"), "Zhang Yong met Jack Ma. Zhang Yong smiled.").unwrap();
    client.poll("workspace/symbol", json!({ "query": "Zhang" }), |response| {
        response["result"].as_array().is_some_and(|symbols| !symbols.is_empty())
    });
    assert!(client.shutdown().success());
}

#[cfg(target_os = "linux")]
#[test]
fn a_huge_file_dropped_into_a_watched_workspace_is_refused_unread() {
    use dossier_lsp_client::{Client, Encoding};
    use serde_json::json;

    /// The peak resident memory of a process in KiB (`VmHWM`).
    fn peak_kib(pid: u32) -> u64 {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status.lines().find(|line| line.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fs::write(root.join("a.txt"), "Jack Ma founded Alibaba. Later, Jack Ma left Alibaba.").unwrap();
    let mut client = Client::start(crate::support::dossier_binary(), &root, Encoding::Utf16);
    client.wait_until_ready();
    let before = peak_kib(client.pid());
    // A sparse gigabyte: instant to make, a gigabyte of memory to read.
    fs::File::create(root.join("huge.txt")).unwrap().set_len(1 << 30).unwrap();
    fs::write(root.join("b.txt"), "Zhang Yong met Jack Ma. Zhang Yong smiled.").unwrap();
    client.poll("workspace/symbol", json!({ "query": "Zhang" }), |response| {
        response["result"].as_array().is_some_and(|symbols| !symbols.is_empty())
    });
    let grown = peak_kib(client.pid()).saturating_sub(before);
    assert!(grown < 256 * 1024, "the server's peak memory grew by {grown} KiB for a file it refuses");
    let log = client.stderr();
    assert!(log.contains("huge.txt: file is 1073741824 bytes, over the limit of 67108864 bytes"), "{log}");
    assert!(client.shutdown().success());
}

#[test]
fn malformed_messages_get_errors_and_the_session_goes_on() {
    use dossier_lsp_client::{Client, Encoding};
    use serde_json::json;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fs::write(root.join("a.txt"), "Jack Ma founded Alibaba. Later, Jack Ma left Alibaba.").unwrap();
    let mut client = Client::start(crate::support::dossier_binary(), &root, Encoding::Utf16);
    client.wait_until_ready();
    let framed = |body: &[u8]| [format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes(), body].concat();
    let symbols =
        |id: u64| format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"workspace/symbol","params":{{"query":"Jack"}}}}"#);
    let answered = |response: &Value| response["result"].as_array().is_some_and(|symbols| !symbols.is_empty());

    // An id above `i64::MAX`: an invalid request, answered with that id.
    client.send_raw(&framed(symbols(9_223_372_036_854_775_808).as_bytes()));
    let response = client.response(json!(9_223_372_036_854_775_808u64));
    assert_eq!(response["error"]["code"], -32600, "{response}");

    // Keys written twice: the last one counts.
    let twice = r#"{"jsonrpc":"2.0","jsonrpc":"2.0","id":1001,"method":"workspace/symbol","params":{"query":"x","query":"Jack"}}"#;
    client.send_raw(&framed(twice.as_bytes()));
    let response = client.response(json!(1001));
    assert!(answered(&response), "{response}");

    // A header line that is not UTF-8 is ignored.
    client.send_raw(&[b"X-Junk: \xff\xfe\xc3\r\n".as_slice(), &framed(symbols(1002).as_bytes())].concat());
    let response = client.response(json!(1002));
    assert!(answered(&response), "{response}");

    // A length past `u64::MAX`, then one over the limit with no body: errors, and the next message is read.
    client.send_raw(b"Content-Length: 99999999999999999999999\r\n\r\n{}");
    let response = client.response(Value::Null);
    assert_eq!(response["error"]["code"], -32600, "{response}");
    client.send_raw(b"Content-Length: 18446744073709551615\r\n\r\n");
    let response = client.response(Value::Null);
    assert_eq!(response["error"]["code"], -32600, "{response}");
    client.send_raw(&framed(symbols(1003).as_bytes()));
    let response = client.response(json!(1003));
    assert!(answered(&response), "{response}");

    assert!(client.is_running());
    assert!(client.shutdown().success());
}

/// Waits until the server's log has a line containing `wanted` `times` times.
fn wait_for_log(client: &dossier_lsp_client::Client, wanted: &str, times: usize) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let log = client.stderr();
        if log.lines().filter(|line| line.contains(wanted)).count() >= times {
            return log;
        }
        assert!(std::time::Instant::now() < deadline, "no {times} lines with {wanted:?} in the log:\n{log}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn reloading_keeps_the_cache_and_a_second_initialized_starts_no_second_worker() {
    use dossier_lsp_client::{Client, Encoding};
    use serde_json::json;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fs::write(root.join("a.txt"), "Jack Ma founded Alibaba. Later, Jack Ma left Alibaba.").unwrap();
    let mut client = Client::start(crate::support::dossier_binary(), &root, Encoding::Utf16);
    client.wait_until_ready();
    let loaded = format!("{}: 1 sources", root.display());
    wait_for_log(&client, &loaded, 1);

    client.notify("initialized", json!({}));
    wait_for_log(&client, "initialized again", 1);
    // Editing `dossier.toml` reloads every root, with the cache of the first load.
    fs::write(root.join("dossier.toml"), "max-file-size = 1000000\n").unwrap();
    let log = wait_for_log(&client, &loaded, 2);
    let loads: Vec<&str> = log.lines().filter(|line| line.contains(&loaded)).collect();
    assert!(loads[1].contains("1 with languages from the cache"), "{log}");
    assert!(!log.contains("without a cache"), "{log}");
    let response = client.request("workspace/symbol", json!({ "query": "Jack" }));
    assert!(response["result"].as_array().is_some_and(|symbols| !symbols.is_empty()), "{response}");
    assert!(client.shutdown().success());
}

/// The files whose references to "Zhang Yong" (in `b.txt`) the server at `root` lists.
fn files_mentioning_zhang(client: &mut dossier_lsp_client::Client, root: &Path) -> Vec<String> {
    use dossier_lsp_client::file_uri;
    use serde_json::json;
    let params = json!({
        "textDocument": { "uri": file_uri(&root.join("b.txt")) },
        "position": { "line": 0, "character": 1 },
        "context": { "includeDeclaration": true },
    });
    let response = client.request("textDocument/references", params);
    // `null` until b.txt is indexed.
    let mut files: Vec<String> = response["result"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|l| {
            l["uri"].as_str().unwrap().rsplit_once(root.file_name().unwrap().to_str().unwrap()).unwrap().1.to_owned()
        })
        .collect();
    files.sort();
    files.dedup();
    files
}

#[test]
fn files_a_fresh_start_skips_are_skipped_when_they_change_and_mass_deletions_are_seen() {
    use dossier_lsp_client::{Client, Encoding};

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fs::write(root.join(".gitignore"), "ignored/\n*.log\n").unwrap();
    for folder in ["ignored", "node_modules", "sub", "many"] {
        fs::create_dir(root.join(folder)).unwrap();
    }
    let zhang = "Zhang Yong met Jack Ma. Zhang Yong smiled.";
    fs::write(root.join("a.txt"), zhang).unwrap();
    for i in 0..100 {
        fs::write(root.join(format!("many/{i:03}.txt")), zhang).unwrap();
    }
    let mut client = Client::start(crate::support::dossier_binary(), &root, Encoding::Utf16);
    client.wait_until_ready();

    // Written while the server runs: only b.txt is read.
    for ignored in ["ignored/x.txt", "node_modules/y.txt", "sub/z.log", "ignored/deeper/w.txt"] {
        fs::create_dir_all(root.join(ignored).parent().unwrap()).unwrap();
        fs::write(root.join(ignored), zhang).unwrap();
    }
    // 90 of the 100 deleted at once.
    for i in 0..90 {
        fs::remove_file(root.join(format!("many/{i:03}.txt"))).unwrap();
    }
    fs::write(root.join("b.txt"), zhang).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let running = loop {
        let files = files_mentioning_zhang(&mut client, &root);
        if files.contains(&"/b.txt".to_owned()) && files.len() == 12 {
            break files;
        }
        assert!(std::time::Instant::now() < deadline, "{files:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut expected = vec!["/a.txt".to_owned(), "/b.txt".to_owned()];
    expected.extend((90..100).map(|i| format!("/many/{i:03}.txt")));
    assert_eq!(running, expected);
    assert!(client.shutdown().success());

    // A fresh server finds the same.
    let mut fresh = Client::start(crate::support::dossier_binary(), &root, Encoding::Utf16);
    fresh.wait_until_ready();
    assert_eq!(files_mentioning_zhang(&mut fresh, &root), running);
    assert!(fresh.shutdown().success());
}
