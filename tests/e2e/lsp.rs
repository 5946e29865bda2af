//! End-to-end tests of `dossier lsp`: the real binary over stdio, on a copy
//! of `seeds/` plus notes written here, under both position encodings. Every
//! returned range is checked by slicing the target file's text with
//! positions converted by the test itself.

use std::{
    fs,
    path::{Path, PathBuf},
};

use crate::support::{copy_tree, dossier_binary, seeds};
use dossier_lsp_client::{Client, Encoding, file_uri, positions, uri_path};
use serde_json::{Value, json};

/// A note naming terms in several scripts and in pinyin.
pub(crate) const RESEARCH: &str =
    "# Research\n\nWu Yongming took over from 張勇 (Zhang Yong) in 2023.\nTaobao and the 1+6+N reorganization.\n";

/// A temporary workspace: the sample corpus and its notes, plus `notes/research.md`.
pub(crate) fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&seeds(), dir.path());
    fs::write(dir.path().join("notes/research.md"), RESEARCH).unwrap();
    dir
}

/// The workspace root as the server sees it (temporary folders may be symlinked).
pub(crate) fn root(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().canonicalize().unwrap()
}

fn start(dir: &tempfile::TempDir, encoding: Encoding) -> Client {
    let mut client = Client::start(dossier_binary(), &root(dir), encoding);
    client.wait_until_ready();
    client
}

fn open(client: &mut Client, path: &Path, text: &str) {
    client.open_note(&file_uri(path), 1, text);
}

/// Position params at the first occurrence of `needle` (plus `inside` characters) in `text`.
pub(crate) fn at(client: &Client, path: &Path, text: &str, needle: &str, inside: usize) -> Value {
    let start = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let offset = start + needle.char_indices().nth(inside).map_or(needle.len(), |(i, _)| i);
    let (line, character) = positions::position(text, offset, client.encoding);
    json!({ "textDocument": { "uri": file_uri(path) }, "position": { "line": line, "character": character } })
}

/// The text a range of a file covers, converting positions independently of the server.
pub(crate) fn slice(encoding: Encoding, uri: &str, range: &Value) -> String {
    let text = fs::read_to_string(uri_path(uri)).unwrap();
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as u32;
        let character = position["character"].as_u64().unwrap() as u32;
        positions::offset(&text, line, character, encoding)
    };
    text[offset(&range["start"])..offset(&range["end"])].to_owned()
}

/// Each location of a response as (file name, covered text).
fn located(encoding: Encoding, locations: &Value) -> Vec<(String, String)> {
    locations
        .as_array()
        .unwrap_or_else(|| panic!("not a list of locations: {locations}"))
        .iter()
        .map(|location| {
            let uri = location["uri"].as_str().unwrap();
            let name = uri_path(uri).file_name().unwrap().to_str().unwrap().to_owned();
            (name, slice(encoding, uri, &location["range"]))
        })
        .collect()
}

fn hover_label(response: &Value) -> String {
    let markdown = response["result"]["contents"]["value"].as_str().unwrap_or_else(|| panic!("no hover: {response}"));
    let first = markdown.lines().next().unwrap();
    first.strip_prefix("**").and_then(|rest| rest.split("**").next()).unwrap().to_owned()
}

fn features_on_names_in_every_script(encoding: Encoding) {
    let dir = workspace();
    let mut client = start(&dir, encoding);
    let note = root(&dir).join("notes/research.md");
    open(&mut client, &note, RESEARCH);

    // Hover: every name, in either script or in pinyin, shows its term's card
    // and the range of the name under the cursor.
    for (needle, label) in
        [("Wu Yongming", "吴泳铭"), ("張勇", "張勇"), ("Zhang Yong", "張勇"), ("Taobao", "淘宝"), ("1+6+N", "1+6+N")]
    {
        let response = client.request("textDocument/hover", at(&client, &note, RESEARCH, needle, 1));
        assert_eq!(hover_label(&response), label, "{needle}: {response}");
        let range = &response["result"]["range"];
        assert_eq!(slice(encoding, &file_uri(&note), range), needle, "{needle}: {response}");
    }
    let markdown = client.request("textDocument/hover", at(&client, &note, RESEARCH, "張勇", 0))["result"]["contents"]
        ["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(markdown.contains("Simplified: 张勇"), "{markdown}");
    assert!(markdown.contains("70d5d871f5571266.txt (zh-Hant): "), "{markdown}");
    assert!(markdown.contains("](file://"), "snippets link to their places: {markdown}");

    // The same in a corpus document, read-only, in Simplified Chinese.
    let document = root(&dir).join("002_0ed0b34c33c415fc.txt");
    let text = fs::read_to_string(&document).unwrap();
    let response = client.request("textDocument/hover", at(&client, &document, &text, "吴泳铭", 1));
    assert_eq!(hover_label(&response), "吴泳铭", "{response}");
    assert_eq!(slice(encoding, &file_uri(&document), &response["result"]["range"]), "吴泳铭");

    // Definition: the name inside the defining sentence.
    let response = client.request("textDocument/definition", at(&client, &note, RESEARCH, "Wu Yongming", 0));
    let targets = located(encoding, &response["result"]);
    assert_eq!(targets.len(), 1, "{response}");
    assert_eq!(targets[0].0, "001_acc51af5d4f082ee.txt");
    assert_eq!(targets[0].1, "Wu Yongming", "{targets:?}");

    // A wikilink goes to the linked note, by its title.
    let jack = root(&dir).join("notes/jack-ma.md");
    let jack_text = fs::read_to_string(&jack).unwrap();
    let response = client.request("textDocument/definition", at(&client, &jack, &jack_text, "[[Singles' Day]]", 3));
    assert_eq!(located(encoding, &response["result"]), [("singles-day.md".to_owned(), String::new())], "{response}");

    // References: every mention, in both scripts and in pinyin, across documents and notes.
    let mut params = at(&client, &note, RESEARCH, "Zhang Yong", 2);
    params["context"] = json!({ "includeDeclaration": false });
    let response = client.request("textDocument/references", params.clone());
    let references = located(encoding, &response["result"]);
    for (file, text) in &references {
        assert!(["張勇", "张勇", "Zhang Yong"].contains(&text.as_str()), "{file}: {text:?} in {references:?}");
    }
    for wanted in [
        ("research.md", "張勇"),
        ("research.md", "Zhang Yong"),
        ("003_70d5d871f5571266.txt", "張勇"),
        ("002_0ed0b34c33c415fc.txt", "张勇"),
    ] {
        assert!(references.contains(&(wanted.0.to_owned(), wanted.1.to_owned())), "{wanted:?} in {references:?}");
    }
    params["context"] = json!({ "includeDeclaration": true });
    let with_declaration = located(encoding, &client.request("textDocument/references", params)["result"]);
    assert_eq!(with_declaration.len(), references.len() + 1, "{with_declaration:?}");
    assert_eq!(&with_declaration[1..], &references[..]);

    // Completion: the word being typed, in pinyin, Latin or Han.
    let edited = format!("{RESEARCH}Met wuyo\n今天張\n");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": file_uri(&note), "version": 2 }, "contentChanges": [{ "text": edited }] }),
    );
    for (typed, wanted) in [("wuyo", ["吴泳铭", "Wu Yongming"]), ("今天張", ["張勇", "张勇"])] {
        let end = edited.find(typed).unwrap() + typed.len();
        let (line, character) = positions::position(&edited, end, encoding);
        let response = client.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": file_uri(&note) }, "position": { "line": line, "character": character } }),
        );
        let items = response["result"]["items"].as_array().unwrap_or_else(|| panic!("{response}"));
        let labels: Vec<&str> = items.iter().map(|item| item["label"].as_str().unwrap()).collect();
        for label in wanted {
            assert!(labels.contains(&label), "{label} for {typed}: {labels:?}");
        }
        for item in items {
            let edit = &item["textEdit"];
            assert_eq!(edit["newText"], item["label"]);
            let range = &edit["range"];
            let start = positions::offset(
                &edited,
                range["start"]["line"].as_u64().unwrap() as u32,
                range["start"]["character"].as_u64().unwrap() as u32,
                encoding,
            );
            assert_eq!(&edited[start..end], if typed == "wuyo" { "wuyo" } else { "張" }, "{item}");
        }
    }
    assert!(client.shutdown().success());
}

#[test]
fn hover_definition_references_completion_in_utf16() {
    features_on_names_in_every_script(Encoding::Utf16);
}

#[test]
fn hover_definition_references_completion_in_utf8() {
    features_on_names_in_every_script(Encoding::Utf8);
}

fn crlf_emoji_cjk_note(encoding: Encoding) {
    let dir = workspace();
    let text = "# 😀 Notes\r\n\r\n😀😀 張勇 met 😀 Wu Yongming 🎉 about 淘宝.\r\n𠀀 Taobao\r\n";
    let note = root(&dir).join("notes/emoji.md");
    fs::write(&note, text).unwrap();
    let mut client = start(&dir, encoding);
    open(&mut client, &note, text);
    for needle in ["張勇", "Wu Yongming", "淘宝", "Taobao"] {
        let response =
            client.request("textDocument/hover", at(&client, &note, text, needle, needle.chars().count() - 1));
        assert_eq!(slice(encoding, &file_uri(&note), &response["result"]["range"]), needle, "{response}");
        let mut params = at(&client, &note, text, needle, 0);
        params["context"] = json!({ "includeDeclaration": false });
        let references = located(encoding, &client.request("textDocument/references", params)["result"]);
        let here: Vec<&String> = references.iter().filter(|(file, _)| file == "emoji.md").map(|(_, t)| t).collect();
        assert!(here.contains(&&needle.to_owned()), "{needle} in {references:?}");
    }
    // The last character of a line, past an emoji: the end of the line.
    let (line, character) = positions::position(text, text.find(".\r\n").unwrap() + 1, encoding);
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": file_uri(&note) }, "position": { "line": line, "character": character + 50 } }),
    );
    assert_eq!(response["result"], Value::Null, "{response}");
    assert!(client.shutdown().success());
}

#[test]
fn crlf_emoji_and_cjk_give_exact_ranges_in_utf16() {
    crlf_emoji_cjk_note(Encoding::Utf16);
}

#[test]
fn crlf_emoji_and_cjk_give_exact_ranges_in_utf8() {
    crlf_emoji_cjk_note(Encoding::Utf8);
}

fn reference_files(client: &mut Client, note: &Path) -> Vec<String> {
    let mut params = at(client, note, RESEARCH, "張勇", 0);
    params["context"] = json!({ "includeDeclaration": false });
    let response = client.request("textDocument/references", params);
    // File names only: a file may change on disk between the answer and a read.
    let locations = response["result"].as_array().unwrap_or_else(|| panic!("{response}"));
    locations
        .iter()
        .map(|l| uri_path(l["uri"].as_str().unwrap()).file_name().unwrap().to_str().unwrap().to_owned())
        .collect()
}

fn poll_references(client: &mut Client, note: &Path, done: impl Fn(&[String]) -> bool) -> Vec<String> {
    let deadline = std::time::Instant::now() + dossier_lsp_client::TIMEOUT;
    loop {
        let files = reference_files(client, note);
        if done(&files) {
            return files;
        }
        assert!(std::time::Instant::now() < deadline, "references never changed as wanted: {files:?}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn files_written_renamed_and_deleted_show_up_without_a_restart() {
    let dir = workspace();
    let mut client = start(&dir, Encoding::Utf16);
    let note = root(&dir).join("notes/research.md");
    let before = reference_files(&mut client, &note);
    assert!(!before.iter().any(|file| file == "extra.txt"), "{before:?}");

    fs::create_dir_all(root(&dir).join("new")).unwrap();
    let extra = root(&dir).join("new/extra.txt");
    fs::write(&extra, "張勇在會上說，張勇很高興。\n").unwrap();
    let files = poll_references(&mut client, &note, |files| files.iter().any(|f| f == "extra.txt"));
    assert_eq!(files.iter().filter(|f| *f == "extra.txt").count(), 2, "{files:?}");

    // An editor's atomic save: write a temporary file, then rename it over.
    let temporary = root(&dir).join("new/4913");
    fs::write(&temporary, "張勇。\n").unwrap();
    fs::rename(&temporary, &extra).unwrap();
    poll_references(&mut client, &note, |files| files.iter().filter(|f| *f == "extra.txt").count() == 1);

    let moved = root(&dir).join("moved.txt");
    fs::rename(&extra, &moved).unwrap();
    poll_references(&mut client, &note, |files| {
        files.iter().any(|f| f == "moved.txt") && !files.iter().any(|f| f == "extra.txt")
    });

    fs::remove_file(&moved).unwrap();
    let after = poll_references(&mut client, &note, |files| !files.iter().any(|f| f == "moved.txt"));
    assert_eq!(after, before);
    assert!(client.shutdown().success());
}

#[test]
fn malformed_and_unknown_requests_get_errors_and_the_server_stays_up() {
    let dir = workspace();
    let mut client = start(&dir, Encoding::Utf16);
    let note = root(&dir).join("notes/research.md");

    let response = client.request("dossier/noSuchMethod", json!({}));
    assert_eq!(response["error"]["code"], -32601, "{response}");

    let response = client.request("textDocument/hover", json!({ "textDocument": 3 }));
    assert_eq!(response["error"]["code"], -32602, "{response}");

    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": file_uri(&note) }, "position": { "line": 9999, "character": 0 } }),
    );
    assert_eq!(response, json!({ "jsonrpc": "2.0", "id": 4, "result": null }));

    let nowhere = root(&dir).join("nowhere.md");
    for method in ["textDocument/hover", "textDocument/definition", "textDocument/references"] {
        let response = client.request(
            method,
            json!({
                "textDocument": { "uri": file_uri(&nowhere) },
                "position": { "line": 0, "character": 0 },
                "context": { "includeDeclaration": true },
            }),
        );
        assert_eq!(response["result"], Value::Null, "{method}: {response}");
    }
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "untitled:Untitled-1" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(response["result"], Value::Null, "{response}");

    // A body that is not JSON: a parse error, and the server reads on.
    client.send_raw(b"Content-Length: 9\r\n\r\n{\"oops\": ");
    let response = client.response(Value::Null);
    assert_eq!(response["error"]["code"], -32700, "{response}");

    let response = client.request("textDocument/hover", at(&client, &note, RESEARCH, "張勇", 0));
    assert_eq!(hover_label(&response), "張勇");
    assert!(client.is_running());
    assert!(client.shutdown().success());
}

/// Editors' clients (VS Code's `TransportKind.stdio`, many Neovim and Helix
/// configurations) launch a server with `--stdio`: a whole session must work so.
#[test]
fn lsp_with_the_stdio_flag_serves_a_whole_session() {
    let dir = workspace();
    let root = root(&dir);
    let mut client =
        Client::start_command(dossier_binary(), &["lsp", "--stdio"], &[&root], Encoding::Utf16, json!({}), Value::Null);
    client.wait_until_ready();
    let note = root.join("notes/research.md");
    open(&mut client, &note, RESEARCH);
    let hover = client.request("textDocument/hover", at(&client, &note, RESEARCH, "張勇", 0));
    assert_eq!(hover_label(&hover), "張勇", "{hover}");
    let definition = client.request("textDocument/definition", at(&client, &note, RESEARCH, "Wu Yongming", 0));
    let targets = located(Encoding::Utf16, &definition["result"]);
    assert_eq!(targets, [("001_acc51af5d4f082ee.txt".to_owned(), "Wu Yongming".to_owned())], "{definition}");
    assert!(client.shutdown().success());
}

#[test]
fn shutdown_then_exit_ends_the_process() {
    let dir = workspace();
    let mut client = Client::start(dossier_binary(), &root(&dir), Encoding::Utf16);
    // Straight away, while the workspace may still be loading.
    let response = client.request("shutdown", Value::Null);
    assert_eq!(response, json!({ "jsonrpc": "2.0", "id": 2, "result": null }));
    client.notify("exit", Value::Null);
    assert!(client.wait_for_exit().success());
}

#[test]
fn exit_without_shutdown_ends_the_process_with_status_1() {
    let dir = workspace();
    let mut client = Client::start(dossier_binary(), &root(&dir), Encoding::Utf16);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_for_exit().code(), Some(1), "the specification asks for 1 without shutdown");
}

#[test]
fn first_ingestion_reports_progress_and_status() {
    let dir = workspace();
    let mut client = Client::start_with(
        dossier_binary(),
        &root(&dir),
        Encoding::Utf16,
        json!({ "window": { "workDoneProgress": true } }),
    );
    let status = client.wait_until_ready();
    let count = |folder: &str, extension: &str| {
        fs::read_dir(root(&dir).join(folder))
            .unwrap()
            .filter(|entry| entry.as_ref().unwrap().path().extension().is_some_and(|e| e == extension))
            .count()
    };
    let (documents, notes) = (count(".", "txt"), count("notes", "md"));
    assert_eq!(
        status,
        json!({
            "jsonrpc": "2.0",
            "method": "dossier/status",
            "params": { "documents": documents, "notes": notes, "terms": status["params"]["terms"], "state": "ready" },
        })
    );
    assert!(status["params"]["terms"].as_u64().unwrap() > 20, "{status}");
    let begin = client.wait_for_notification("$/progress", |params| params["value"]["kind"] == "begin");
    assert_eq!(begin["params"]["value"]["title"], "Dossier: ingesting");
    let token = begin["params"]["token"].clone();
    client.wait_for_notification("$/progress", |params| params["value"]["kind"] == "end" && params["token"] == token);
    let create = client.server_requests.iter().find(|r| r["method"] == "window/workDoneProgress/create").unwrap();
    assert_eq!(create["params"]["token"], token);
    assert!(client.shutdown().success());
}

#[test]
fn document_symbols_are_the_headings_nested() {
    let dir = workspace();
    let text = "---\ntitle: Outline\n---\n# 阿里巴巴\n## Taobao 淘宝\n### 2003\n# Later\n";
    let note = root(&dir).join("notes/outline.md");
    fs::write(&note, text).unwrap();
    let mut client = start(&dir, Encoding::Utf16);
    open(&mut client, &note, text);
    let response = client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": file_uri(&note) } }));
    let range = |l1: u32, c1: u32, l2: u32, c2: u32| json!({ "start": { "line": l1, "character": c1 }, "end": { "line": l2, "character": c2 } });
    assert_eq!(
        response["result"],
        json!([
            {
                "name": "阿里巴巴", "kind": 15, "range": range(3, 0, 5, 8), "selectionRange": range(3, 2, 3, 6),
                "children": [{
                    "name": "Taobao 淘宝", "kind": 15, "range": range(4, 0, 5, 8), "selectionRange": range(4, 3, 4, 12),
                    "children": [{
                        "name": "2003", "kind": 15, "range": range(5, 0, 5, 8), "selectionRange": range(5, 4, 5, 8),
                        "children": [],
                    }],
                }],
            },
            { "name": "Later", "kind": 15, "range": range(6, 0, 6, 7), "selectionRange": range(6, 2, 6, 7), "children": [] },
        ])
    );
    assert!(client.shutdown().success());
}

#[test]
fn workspace_symbols_find_terms_by_any_name() {
    let dir = workspace();
    let mut client = start(&dir, Encoding::Utf16);
    for query in ["Jack", "马云", "馬雲", "Feng Qingyang", "jkm"] {
        let response = client.request("workspace/symbol", json!({ "query": query }));
        let symbols = response["result"].as_array().unwrap_or_else(|| panic!("{response}"));
        let jack = symbols.iter().find(|s| s["name"] == "Jack Ma").unwrap_or_else(|| panic!("{query}: {response}"));
        assert!(jack["location"]["uri"].as_str().unwrap().ends_with("/notes/jack-ma.md"), "{jack}");
        assert_eq!(
            slice(Encoding::Utf16, jack["location"]["uri"].as_str().unwrap(), &jack["location"]["range"]),
            "# Jack Ma"
        );
        assert!(jack["containerName"].as_str().unwrap().contains("马云"), "{jack}");
    }
    let all = client.request("workspace/symbol", json!({ "query": "" }));
    assert!(all["result"].as_array().unwrap().len() > 20, "{all}");
    assert!(client.shutdown().success());
}

#[test]
fn broken_links_are_published_as_diagnostics() {
    let dir = workspace();
    let text = "# Links\n\nSee [[Jack Ma]], [[jack-ma]], [[nowhere]] and [the memo](../003_70d5d871f5571266.txt).\n";
    let note = root(&dir).join("notes/links.md");
    fs::write(&note, text).unwrap();
    let mut client = start(&dir, Encoding::Utf16);
    let uri = file_uri(&note);
    let published = client.wait_for_notification("textDocument/publishDiagnostics", |params| params["uri"] == uri);
    assert_eq!(
        published["params"],
        json!({
            "uri": uri,
            "diagnostics": [{
                "range": { "start": { "line": 2, "character": 30 }, "end": { "line": 2, "character": 41 } },
                "severity": 2,
                "source": "dossier",
                "message": "broken link: no note or document named `nowhere`",
            }],
        })
    );
    // Fixing the link in the buffer clears the diagnostic.
    open(&mut client, &note, text);
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text.replace("nowhere", "tmall") }] }),
    );
    let cleared = client.wait_for_notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == uri && params["diagnostics"] == json!([])
    });
    assert_eq!(cleared["params"]["version"], 2, "{cleared}");
    assert!(client.shutdown().success());
}

#[test]
fn rename_edits_notes_only_and_refuses_documents() {
    let dir = workspace();
    let mut client = start(&dir, Encoding::Utf16);
    let jack = root(&dir).join("notes/jack-ma.md");
    let text = fs::read_to_string(&jack).unwrap();
    let position = at(&client, &jack, &text, "# Jack Ma", 4);
    let prepared = client.request("textDocument/prepareRename", position.clone());
    assert_eq!(prepared["result"]["placeholder"], "Jack Ma", "{prepared}");
    let mut params = position;
    params["newName"] = json!("Ma Yun (Jack)");
    let response = client.request("textDocument/rename", params);
    let changes = response["result"]["changes"].as_object().unwrap_or_else(|| panic!("{response}"));
    assert!(!changes.is_empty());
    for (uri, edits) in changes {
        assert!(uri.ends_with(".md"), "{uri}");
        for edit in edits.as_array().unwrap() {
            assert_eq!(slice(Encoding::Utf16, uri, &edit["range"]), "Jack Ma", "{edit}");
            assert_eq!(edit["newText"], "Ma Yun (Jack)");
        }
    }
    let document = root(&dir).join("002_0ed0b34c33c415fc.txt");
    let text = fs::read_to_string(&document).unwrap();
    let mut params = at(&client, &document, &text, "马云", 0);
    params["newName"] = json!("Jack");
    let refused = client.request("textDocument/rename", params);
    assert_eq!(refused["error"]["message"], "corpus documents are read-only: rename a term from a note", "{refused}");
    assert!(client.shutdown().success());
}

#[test]
fn code_lens_and_inlay_hints_on_notes() {
    let dir = workspace();
    let mut client = start(&dir, Encoding::Utf16);
    let jack = root(&dir).join("notes/jack-ma.md");
    let response = client.request("textDocument/codeLens", json!({ "textDocument": { "uri": file_uri(&jack) } }));
    let lenses = response["result"].as_array().unwrap_or_else(|| panic!("{response}"));
    // Mentions in documents, then backlinks and unlinked mentions in notes.
    assert_eq!(lenses.len(), 2, "{response}");
    assert_eq!(slice(Encoding::Utf16, &file_uri(&jack), &lenses[0]["range"]), "# Jack Ma");
    let title = lenses[0]["command"]["title"].as_str().unwrap();
    let words: Vec<&str> = title.split(' ').collect();
    assert!(matches!(words[..], [_, "mentions" | "mention", "in", _, "documents" | "document"]), "{title}");
    let title = lenses[1]["command"]["title"].as_str().unwrap();
    let words: Vec<&str> = title.split(' ').collect();
    assert!(matches!(words[..], [_, "backlinks" | "backlink", "·", _, "unlinked", _]), "{title}");

    let text = "今天讀到马云和張勇。\n";
    let note = root(&dir).join("notes/today.md");
    fs::write(&note, text).unwrap();
    open(&mut client, &note, text);
    let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 1, "character": 0 } });
    let response = client.poll(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": file_uri(&note) }, "range": whole }),
        |response| response["result"].as_array().is_some_and(|hints| !hints.is_empty()),
    );
    let hints = response["result"].as_array().unwrap();
    let jack_hint = hints.iter().find(|h| h["label"] == "Jack Ma").unwrap_or_else(|| panic!("{response}"));
    let end_of_ma_yun = text.find("马云").unwrap() + "马云".len();
    let (line, character) = positions::position(text, end_of_ma_yun, Encoding::Utf16);
    assert_eq!(jack_hint["position"], json!({ "line": line, "character": character }));

    // Switched off by configuration.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "dossier": { "inlayHints": { "enable": false } } } }),
    );
    let response =
        client.request("textDocument/inlayHint", json!({ "textDocument": { "uri": file_uri(&note) }, "range": whole }));
    assert_eq!(response["result"], Value::Null, "{response}");
    assert!(client.shutdown().success());
}

#[test]
fn two_roots_make_one_index() {
    // Both roots in one temporary folder: the corpus's first, so that the
    // test does not depend on which root's files sort first.
    let base = tempfile::tempdir().unwrap();
    let corpus_root = base.path().canonicalize().unwrap().join("a-corpus");
    copy_tree(&seeds(), &corpus_root);
    let elsewhere_root = base.path().canonicalize().unwrap().join("b-notes");
    fs::create_dir_all(&elsewhere_root).unwrap();
    let text = "# Elsewhere\n\n馬雲 and 張勇 again.\n";
    let note = elsewhere_root.join("elsewhere.md");
    fs::write(&note, text).unwrap();
    let capabilities = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let options = json!({ "dossier": { "inlayHints": { "enable": false } } });
    let mut client =
        Client::start_roots(dossier_binary(), &[&corpus_root, &elsewhere_root], Encoding::Utf16, capabilities, options);
    client.wait_until_ready();

    let mut params = at(&client, &note, text, "張勇", 0);
    params["context"] = json!({ "includeDeclaration": false });
    let references = located(Encoding::Utf16, &client.request("textDocument/references", params)["result"]);
    assert!(references.contains(&("elsewhere.md".to_owned(), "張勇".to_owned())), "{references:?}");
    assert!(references.contains(&("003_70d5d871f5571266.txt".to_owned(), "張勇".to_owned())), "{references:?}");

    // Hints are off from the start, by initializationOptions.
    let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 3, "character": 0 } });
    let response =
        client.request("textDocument/inlayHint", json!({ "textDocument": { "uri": file_uri(&note) }, "range": whole }));
    assert_eq!(response["result"], Value::Null, "{response}");

    // The client is asked to watch files too.
    let registration = client.wait_for_server_request("client/registerCapability");
    assert_eq!(registration["params"]["registrations"][0]["method"], "workspace/didChangeWatchedFiles");
    assert!(client.shutdown().success());
}

/// The text a range of an open buffer covers (its text is not the file's on disk).
fn slice_buffer(encoding: Encoding, text: &str, range: &Value) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as u32;
        let character = position["character"].as_u64().unwrap() as u32;
        positions::offset(text, line, character, encoding)
    };
    text[offset(&range["start"])..offset(&range["end"])].to_owned()
}

/// Requests on a buffer edited since the last build are answered at once,
/// from that build mapped through the edit: positions after a line typed at
/// the top still find their names, and ranges come back in the edited text.
fn edited_buffer_answers_in_the_edited_text(encoding: Encoding) {
    let dir = workspace();
    let mut client = start(&dir, encoding);
    let note = root(&dir).join("notes/research.md");
    open(&mut client, &note, RESEARCH);
    let body = RESEARCH.strip_prefix("# Research\n\n").unwrap();
    let edited = format!("# Research\n\n😀 A first line typed just now, 在阿里巴巴.\r\n{body}");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": file_uri(&note), "version": 2 }, "contentChanges": [{ "text": edited }] }),
    );
    for (needle, label) in [("Wu Yongming", "吴泳铭"), ("張勇", "張勇"), ("Zhang Yong", "張勇")] {
        let response = client.request("textDocument/hover", at(&client, &note, &edited, needle, 1));
        assert_eq!(hover_label(&response), label, "{needle}: {response}");
        assert_eq!(slice_buffer(encoding, &edited, &response["result"]["range"]), needle, "{response}");
    }
    let mut params = at(&client, &note, &edited, "Zhang Yong", 2);
    params["context"] = json!({ "includeDeclaration": false });
    let response = client.request("textDocument/references", params);
    let in_note: Vec<String> = response["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"))
        .iter()
        .filter(|location| location["uri"] == file_uri(&note))
        .map(|location| slice_buffer(encoding, &edited, &location["range"]))
        .collect();
    assert_eq!(in_note, ["張勇", "Zhang Yong"], "{response}");
    assert!(client.shutdown().success());
}

#[test]
fn edited_buffer_answers_in_the_edited_text_in_utf16() {
    edited_buffer_answers_in_the_edited_text(Encoding::Utf16);
}

#[test]
fn edited_buffer_answers_in_the_edited_text_in_utf8() {
    edited_buffer_answers_in_the_edited_text(Encoding::Utf8);
}

#[test]
fn rename_edits_carry_buffer_versions_and_skip_notes_outside_the_workspace() {
    let dir = workspace();
    fs::write(dir.path().join("dossier.toml"), "exclude = [\"archive/**\"]\n").unwrap();
    fs::create_dir(dir.path().join("archive")).unwrap();
    fs::write(dir.path().join("archive/old.md"), "# Old\n\nJack Ma, long ago.\n").unwrap();
    let outside = tempfile::tempdir().unwrap();
    let outside_note = outside.path().canonicalize().unwrap().join("elsewhere.md");
    fs::write(&outside_note, "# Elsewhere\n\nJack Ma, elsewhere.\n").unwrap();
    let capabilities = json!({ "workspace": { "workspaceEdit": { "documentChanges": true } } });
    let mut client = Client::start_with(dossier_binary(), &root(&dir), Encoding::Utf16, capabilities);
    client.wait_until_ready();

    let jack = root(&dir).join("notes/jack-ma.md");
    let text = fs::read_to_string(&jack).unwrap();
    for (path, version, text) in [
        (jack.clone(), 3, text.clone()),
        (root(&dir).join("archive/old.md"), 1, fs::read_to_string(root(&dir).join("archive/old.md")).unwrap()),
        (outside_note.clone(), 1, fs::read_to_string(&outside_note).unwrap()),
    ] {
        client.open_note(&file_uri(&path), version, &text);
    }
    let mut params = at(&client, &jack, &text, "# Jack Ma", 4);
    params["newName"] = json!("Ma Yun (Jack)");
    let response = client.request("textDocument/rename", params);
    let edits = response["result"]["documentChanges"].as_array().unwrap_or_else(|| panic!("{response}"));
    let versions: Vec<(String, Value)> = edits
        .iter()
        .map(|edit| (edit["textDocument"]["uri"].as_str().unwrap().to_owned(), edit["textDocument"]["version"].clone()))
        .collect();
    assert!(versions.contains(&(file_uri(&jack), json!(3))), "{versions:?}");
    for (uri, version) in &versions {
        assert!(uri.starts_with(&file_uri(&root(&dir))) && !uri.contains("/archive/"), "{uri}");
        if *uri != file_uri(&jack) {
            assert_eq!(*version, Value::Null, "{uri} is not open");
        }
    }
    assert!(client.shutdown().success());
}

/// A references request with a `partialResultToken` gets its locations in
/// `$/progress` batches and an empty result: the batches together are the
/// answer to the same request without the token, in the same order.
#[test]
fn references_with_a_partial_result_token_come_in_progress_batches() {
    let dir = workspace();
    // Enough mentions for several batches.
    let line = "張勇 met Zhang Yong again.\n";
    fs::write(dir.path().join("many.txt"), line.repeat(6_000)).unwrap();
    let mut client = start(&dir, Encoding::Utf16);
    let note = root(&dir).join("notes/research.md");
    open(&mut client, &note, RESEARCH);
    let mut params = at(&client, &note, RESEARCH, "Zhang Yong", 2);
    params["context"] = json!({ "includeDeclaration": true });

    let whole = client.request("textDocument/references", params.clone());
    let whole = whole["result"].as_array().unwrap_or_else(|| panic!("{whole}")).clone();
    assert!(whole.len() > 12_000, "{} locations", whole.len());
    let partial = client.partial_request("textDocument/references", params.clone(), "refs-1");
    assert_eq!(partial.response["result"], json!([]), "{}", partial.response);
    assert!(partial.batches.len() >= 3, "{} batches", partial.batches.len());
    let streamed: Vec<Value> = partial
        .batches
        .iter()
        .flat_map(|batch| batch.as_array().unwrap_or_else(|| panic!("{batch}")).clone())
        .collect();
    assert_eq!(streamed.len(), whole.len());
    assert!(streamed == whole, "the batches together differ from the whole answer");
    assert_eq!(located(Encoding::Utf16, &json!(streamed[..3])), located(Encoding::Utf16, &json!(whole[..3])));

    // A place that names nothing: no batch, and no answer either.
    params = at(&client, &note, RESEARCH, "took", 1);
    params["context"] = json!({ "includeDeclaration": true });
    let nothing = client.partial_request("textDocument/references", params, "refs-2");
    assert!(nothing.batches.is_empty(), "{:?}", nothing.batches);
    assert!(nothing.response.get("error").is_none(), "{}", nothing.response);
    assert!(client.shutdown().success());
}

/// The number before " documents" in the line of a hover card that counts
/// the mentions ("12 mentions in 3 documents, 2 in notes").
fn documents_mentioning(markdown: &str) -> usize {
    let line = markdown.lines().find(|line| line.contains(" in notes")).unwrap_or_else(|| panic!("{markdown}"));
    let before = line.split(" document").next().unwrap();
    before.rsplit(' ').next().unwrap().parse().unwrap_or_else(|_| panic!("{line}"))
}

#[test]
fn a_cold_start_answers_from_the_notes_and_first_documents_before_the_index_is_whole() {
    // Enough copies of the sample documents to take several batches to read
    // and index: the notes and the first batch are answered from while the
    // rest is still read.
    let dir = workspace();
    let copies = root(&dir).join("copies");
    fs::create_dir(&copies).unwrap();
    let documents: Vec<PathBuf> = fs::read_dir(seeds())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    for copy in 0..60 {
        for document in &documents {
            let name = document.file_name().unwrap().to_str().unwrap();
            fs::copy(document, copies.join(format!("{copy:02}-{name}"))).unwrap();
        }
    }
    let files = documents.len() * 61 + fs::read_dir(root(&dir).join("notes")).unwrap().count();

    let mut client = Client::start_with(
        dossier_binary(),
        &root(&dir),
        Encoding::Utf16,
        json!({ "window": { "workDoneProgress": true } }),
    );
    let note = root(&dir).join("notes/jack-ma.md");
    let text = fs::read_to_string(&note).unwrap();
    open(&mut client, &note, &text);
    let heading = at(&client, &note, &text, "# Jack Ma", 3);
    let early = client.poll("textDocument/hover", heading.clone(), |response| !response["result"].is_null());
    let early = early["result"]["contents"]["value"].as_str().unwrap().to_owned();
    let (indexed, total) = early
        .lines()
        .find_map(|line| line.strip_prefix("*index still being built: ")?.strip_suffix(" documents*"))
        .and_then(|counts| counts.split_once(" of "))
        .unwrap_or_else(|| panic!("the first answer does not say the index is being built:\n{early}"));
    let count = |n: &str| n.replace(',', "").parse::<usize>().unwrap();
    let (indexed, total) = (count(indexed), count(total));
    assert_eq!(total, files, "{early}");
    assert!(indexed < total, "{early}");
    let definition = client.request("textDocument/definition", heading.clone());
    assert!(!definition["result"].is_null(), "{definition}");
    // The partial index was announced as such.
    let partial = client.wait_for_notification("dossier/status", |params| {
        params["state"] == "ingesting" && params["notes"].as_u64().is_some_and(|notes| notes > 0)
    });
    assert!(partial["params"]["documents"].as_u64().unwrap() < documents.len() as u64 * 61, "{partial}");

    client.wait_until_ready();
    let whole = client.request("textDocument/hover", heading);
    let whole = whole["result"]["contents"]["value"].as_str().unwrap().to_owned();
    assert!(!whole.contains("index still being built"), "{whole}");
    assert!(documents_mentioning(&early) < documents_mentioning(&whole), "early:\n{early}\nwhole:\n{whole}");
    assert!(client.shutdown().success());
}
