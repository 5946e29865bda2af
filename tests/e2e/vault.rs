//! End-to-end tests of the notes as a linked vault, through the real
//! `dossier lsp`: backlinks, link hover previews, `[[` completion, note
//! symbols, document links, unlinked mentions and their code actions, and
//! renames that keep links working, with links written in Traditional,
//! Simplified and pinyin forms of a note's title, and diagnostics of links
//! to headings that do not exist.

use std::{fs, path::PathBuf};

use crate::support::dossier_binary;
use dossier_lsp_client::{Client, Encoding, file_uri, positions, uri_path};
use serde_json::{Value, json};

/// A small vault: a note titled in Simplified Chinese, a note titled in
/// English, and notes linking to them in every script.
const NOTES: &[(&str, &str)] = &[
    (
        "notes/wu.md",
        "---\ntitle: 吴泳铭\nkind: person\n---\n# 吴泳铭\n\nChief executive of Alibaba since 2023.\n\n## Career\n",
    ),
    ("notes/spain.md", "---\ntitle: Spain\n---\n# Spain\n\nA country in Europe.\n"),
    ("notes/lisbon.md", "# Lisbon\n\nNo front matter: a title from the heading.\n"),
    ("notes/a.md", "# Links\n\n見 [[吳泳銘]] and [[Wu Yongming]] and [[spain#Spain]].\n"),
    ("notes/b.md", "# Meeting\n\n吴泳铭在会上发言，文件已发出。\nSee [[Spain]] and [[Nowhere]].\n"),
    ("notes/trips.md", "# Trips\n\n[[Lisbon#Trams]] and [[Lisbon#lisbon]].\n\n## Days\n\n[[#Days]] and [[#Nights]].\n"),
];

struct Vault {
    _dir: tempfile::TempDir,
    root: PathBuf,
    client: Client,
}

impl Vault {
    fn start() -> Vault {
        let mut vault = Vault::launch();
        vault.client.wait_until_ready();
        vault
    }

    /// Starts the server without waiting for its index.
    fn launch() -> Vault {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for (path, text) in NOTES {
            let path = root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let client = Client::start(dossier_binary(), &root, Encoding::Utf16);
        Vault { _dir: dir, root, client }
    }

    fn path(&self, note: &str) -> PathBuf {
        self.root.join(note)
    }

    /// Position params at `needle` (plus `inside` bytes) in a note.
    fn at(&self, note: &str, needle: &str, inside: usize) -> Value {
        let path = self.path(note);
        let text = fs::read_to_string(&path).unwrap();
        let offset = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {note}")) + inside;
        let (line, character) = positions::position(&text, offset, Encoding::Utf16);
        json!({ "textDocument": { "uri": file_uri(&path) }, "position": { "line": line, "character": character } })
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.client.request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }
}

/// The text a range of a file covers.
fn slice(uri: &str, range: &Value) -> String {
    let text = fs::read_to_string(uri_path(uri)).unwrap();
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as u32;
        let character = position["character"].as_u64().unwrap() as u32;
        positions::offset(&text, line, character, Encoding::Utf16)
    };
    text[offset(&range["start"])..offset(&range["end"])].to_owned()
}

fn name(uri: &str) -> String {
    uri_path(uri).file_name().unwrap().to_str().unwrap().to_owned()
}

/// Each location as "file: text".
fn located(locations: &Value) -> Vec<String> {
    let locations = locations.as_array().unwrap_or_else(|| panic!("not locations: {locations}"));
    locations
        .iter()
        .map(|l| format!("{}: {}", name(l["uri"].as_str().unwrap()), slice(l["uri"].as_str().unwrap(), &l["range"])))
        .collect()
}

/// Applies a workspace edit's `changes` to the files' texts (not written).
fn applied(edit: &Value) -> Vec<(String, String)> {
    let changes = edit["changes"].as_object().unwrap_or_else(|| panic!("no changes: {edit}"));
    let mut out: Vec<(String, String)> = changes
        .iter()
        .map(|(uri, edits)| {
            let mut text = fs::read_to_string(uri_path(uri)).unwrap();
            let mut edits: Vec<&Value> = edits.as_array().unwrap().iter().collect();
            let offset = |text: &str, position: &Value| {
                positions::offset(
                    text,
                    position["line"].as_u64().unwrap() as u32,
                    position["character"].as_u64().unwrap() as u32,
                    Encoding::Utf16,
                )
            };
            edits.sort_by_key(|e| std::cmp::Reverse(offset(&text, &e["range"]["start"])));
            for edit in edits {
                let range = offset(&text, &edit["range"]["start"])..offset(&text, &edit["range"]["end"]);
                text.replace_range(range, edit["newText"].as_str().unwrap());
            }
            (name(uri), text)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn links_in_every_script_give_backlinks_previews_and_definitions() {
    let mut vault = Vault::start();
    // A Traditional link to a Simplified title, and its pinyin.
    let traditional = vault.at("notes/a.md", "[[吳泳銘]]", 2);
    let definition = vault.request("textDocument/definition", traditional.clone());
    assert_eq!(name(definition[0]["uri"].as_str().unwrap()), "wu.md", "{definition}");
    let pinyin = vault.at("notes/a.md", "[[Wu Yongming]]", 4);
    let definition = vault.request("textDocument/definition", pinyin.clone());
    assert_eq!(name(definition[0]["uri"].as_str().unwrap()), "wu.md", "{definition}");

    let mut params = traditional.clone();
    params["context"] = json!({ "includeDeclaration": false });
    let references = vault.request("textDocument/references", params);
    assert_eq!(located(&references), ["a.md: [[吳泳銘]]", "a.md: [[Wu Yongming]]", "b.md: 吴泳铭"]);

    let hover = vault.request("textDocument/hover", pinyin);
    let markdown = hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("no hover: {hover}"));
    assert_eq!(markdown, "**吴泳铭** · note `wu.md`\n\nChief executive of Alibaba since 2023.\n\n2 backlinks\n");
    assert_eq!(
        slice(vault.at("notes/a.md", "", 0)["textDocument"]["uri"].as_str().unwrap(), &hover["range"]),
        "[[Wu Yongming]]"
    );

    let links = vault.request(
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": file_uri(&vault.path("notes/b.md")) } }),
    );
    let links: Vec<String> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} -> {}",
                slice(&file_uri(&vault.path("notes/b.md")), &l["range"]),
                name(l["target"].as_str().unwrap())
            )
        })
        .collect();
    assert_eq!(links, ["[[Spain]] -> spain.md"]);

    for (query, title, file) in [("Spain", "Spain", "spain.md"), ("lisb", "Lisbon", "lisbon.md")] {
        let symbols = vault.request("workspace/symbol", json!({ "query": query }));
        let first = &symbols[0];
        assert_eq!(
            (first["name"].as_str(), name(first["location"]["uri"].as_str().unwrap())),
            (Some(title), file.to_owned()),
            "{symbols}"
        );
    }
    assert!(vault.client.shutdown().success());
}

/// Backlinks from more notes than an answer writes on one thread, with the
/// note's name also mentioned outside the links in some of them (the links
/// of the most linked notes are walked with the term's mentions, compared by
/// note): every link first, note by note, then each unlinked mention, each
/// location once, with its own file and range.
#[test]
fn backlinks_from_thousands_of_notes_come_whole_and_in_order() {
    const LINKING: usize = 2_500;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fs::create_dir_all(root.join("notes")).unwrap();
    fs::write(root.join("notes/spain.md"), "---\ntitle: Spain\n---\n# Spain\n\nA country in Europe.\n").unwrap();
    let unlinked = |i: usize| i % 7 == 3;
    for i in 0..LINKING {
        let mut text = format!("# Trip {i}\n\nA week in [[Spain]] with 🚆 trains.\n");
        if unlinked(i) {
            text.push_str("Spain again, 西班牙 aside, unlinked.\n");
        }
        fs::write(root.join(format!("notes/trip-{i:04}.md")), text).unwrap();
    }
    let mut client = Client::start(dossier_binary(), &root, Encoding::Utf16);
    client.wait_until_ready();
    let text = fs::read_to_string(root.join("notes/trip-0000.md")).unwrap();
    let (line, character) = positions::position(&text, text.find("[[Spain]]").unwrap() + 3, Encoding::Utf16);
    let params = json!({
        "textDocument": { "uri": file_uri(&root.join("notes/trip-0000.md")) },
        "position": { "line": line, "character": character },
        "context": { "includeDeclaration": false },
    });
    let response = client.request("textDocument/references", params);
    let links = (0..LINKING).map(|i| format!("trip-{i:04}.md: [[Spain]]"));
    let mentions = (0..LINKING).filter(|&i| unlinked(i)).map(|i| format!("trip-{i:04}.md: Spain"));
    let expected: Vec<String> = links.chain(mentions).collect();
    assert_eq!(located(&response["result"]), expected);
    assert!(client.shutdown().success());
}

#[test]
fn the_links_are_published_before_the_terms() {
    let mut vault = Vault::launch();
    // What a first load of notes alone publishes first: their links, no terms yet.
    let links = vault.client.wait_for_notification("dossier/status", |params| params["notes"] != 0);
    assert_eq!(links["params"]["state"], "ingesting", "{links}");
    assert_eq!(links["params"]["notes"], NOTES.len(), "{links}");
    assert_eq!(links["params"]["terms"], 0, "{links}");
    let ready = vault.client.wait_for_notification("dossier/status", |params| params["state"] == "ready");
    assert!(ready["params"]["terms"].as_u64().unwrap() > 0, "{ready}");
    let definition = vault.request("textDocument/definition", vault.at("notes/b.md", "[[Spain]]", 3));
    assert_eq!(name(definition[0]["uri"].as_str().unwrap()), "spain.md", "{definition}");
    assert!(vault.client.shutdown().success());
}

#[test]
fn completion_inside_brackets_offers_notes_by_pinyin_and_their_headings() {
    let mut vault = Vault::start();
    let path = vault.path("notes/b.md");
    let uri = file_uri(&path);
    let text = format!("{}[[wuy", NOTES[4].1);
    vault.client.open_note(&uri, 1, &text);
    let (line, character) = positions::position(&text, text.len(), Encoding::Utf16);
    let position = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
    let result = vault.request("textDocument/completion", position);
    let labels: Vec<&str> = result["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    // The title and its Traditional form, both found by pinyin.
    assert_eq!(labels, ["吳泳銘", "吴泳铭"], "{result}");

    let text = format!("{}[[wu#Ca", NOTES[4].1);
    vault.client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text }] }),
    );
    let (line, character) = positions::position(&text, text.len(), Encoding::Utf16);
    let position = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
    let result = vault.request("textDocument/completion", position);
    let labels: Vec<&str> = result["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Career"], "{result}");
    assert!(vault.client.shutdown().success());
}

#[test]
fn unlinked_mentions_show_in_the_lens_and_get_linked_by_code_actions() {
    let mut vault = Vault::start();
    let wu = file_uri(&vault.path("notes/wu.md"));
    let lenses = vault.request("textDocument/codeLens", json!({ "textDocument": { "uri": wu } }));
    let titles: Vec<&str> =
        lenses.as_array().unwrap().iter().map(|l| l["command"]["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"2 backlinks · 1 unlinked mention"), "{lenses}");

    // 吴泳铭 in b.md is an unlinked mention; 件 in 文件 is no note's name.
    let mention = vault.at("notes/b.md", "吴泳铭在", 0);
    let params = json!({
        "textDocument": mention["textDocument"],
        "range": { "start": mention["position"], "end": mention["position"] },
        "context": { "diagnostics": [] },
    });
    let actions = vault.request("textDocument/codeAction", params);
    let titles: Vec<&str> = actions.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Link this mention to `吴泳铭`", "Link all unlinked mentions in this note (1)"]);
    let edited = applied(&actions[0]["edit"]);
    assert_eq!(edited, [("b.md".to_owned(), NOTES[4].1.replacen("吴泳铭", "[[吴泳铭]]", 1))]);

    // An unresolved wikilink offers to create its note next to the linking one.
    let broken = vault.at("notes/b.md", "[[Nowhere]]", 3);
    let params = json!({
        "textDocument": broken["textDocument"],
        "range": { "start": broken["position"], "end": broken["position"] },
        "context": { "diagnostics": [] },
    });
    let actions = vault.request("textDocument/codeAction", params);
    let create = &actions[0];
    assert_eq!(create["title"], "Create note `Nowhere.md`", "{actions}");
    let operations = &create["edit"]["documentChanges"];
    assert_eq!(operations[0]["kind"], "create");
    assert_eq!(uri_path(operations[0]["uri"].as_str().unwrap()), vault.path("notes/Nowhere.md"));
    assert_eq!(operations[1]["edits"][0]["newText"], "# Nowhere\n");
    assert!(vault.client.shutdown().success());
}

#[test]
fn a_link_to_a_missing_heading_is_a_diagnostic_until_the_heading_is_written() {
    let mut vault = Vault::start();
    let trips = file_uri(&vault.path("notes/trips.md"));
    let published = vault.client.wait_for_notification("textDocument/publishDiagnostics", |p| p["uri"] == trips);
    // A link to a heading of the note itself (`[[#Nights]]`) is checked too.
    let nights = json!({
        "range": { "start": { "line": 6, "character": 14 }, "end": { "line": 6, "character": 25 } },
        "severity": 2,
        "source": "dossier",
        "message": "broken link: this note has no heading `Nights`",
    });
    assert_eq!(
        published["params"]["diagnostics"],
        json!([{
            "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 16 } },
            "severity": 2,
            "source": "dossier",
            "message": "broken link: `Lisbon` has no heading `Trams`",
        }, nights]),
        "{published}"
    );
    // Writing the heading into the linked note (its buffer) clears the linking note's diagnostic.
    let lisbon = file_uri(&vault.path("notes/lisbon.md"));
    let text = NOTES[2].1;
    vault.client.open_note(&lisbon, 1, text);
    vault.client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": lisbon, "version": 2 }, "contentChanges": [{ "text": format!("{text}\n## Trams\n") }] }),
    );
    vault.client.wait_for_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == trips && p["diagnostics"] == json!([nights])
    });
    assert!(vault.client.shutdown().success());
}

#[test]
fn renaming_a_note_file_or_title_updates_every_link() {
    let mut vault = Vault::start();
    let old = file_uri(&vault.path("notes/spain.md"));
    let new = file_uri(&vault.path("places/espana.md"));
    let edit = vault.request("workspace/willRenameFiles", json!({ "files": [{ "oldUri": old, "newUri": new }] }));
    assert_eq!(
        applied(&edit),
        [
            // Links by file name keep resolving by name wherever the note goes.
            ("a.md".to_owned(), NOTES[3].1.replace("[[spain#Spain]]", "[[espana#Spain]]")),
            ("b.md".to_owned(), NOTES[4].1.replace("[[Spain]]", "[[espana]]")),
        ]
    );

    let mut params = vault.at("notes/spain.md", "# Spain", 3);
    params["newName"] = json!("España");
    let edit = vault.request("textDocument/rename", params);
    let edited = applied(&edit);
    let b = edited.iter().find(|(name, _)| name == "b.md").unwrap_or_else(|| panic!("{edit}"));
    assert_eq!(b.1, NOTES[4].1.replace("[[Spain]]", "[[España]]"));

    // A note without front matter is titled by its first heading: renaming
    // it renames the heading and the links written with the title, and a
    // link to the title's heading follows it.
    let mut params = vault.at("notes/lisbon.md", "# Lisbon", 3);
    params["newName"] = json!("Lisboa");
    let prepared = vault.request("textDocument/prepareRename", params.clone());
    assert_eq!(prepared["placeholder"], "Lisbon", "{prepared}");
    let edit = vault.request("textDocument/rename", params);
    assert_eq!(
        applied(&edit),
        [
            ("lisbon.md".to_owned(), NOTES[2].1.replace("# Lisbon", "# Lisboa")),
            (
                "trips.md".to_owned(),
                NOTES[5].1.replace("[[Lisbon#Trams]] and [[Lisbon#lisbon]]", "[[Lisboa#Trams]] and [[Lisboa#Lisboa]]")
            ),
        ]
    );
    assert!(vault.client.shutdown().success());
}

/// The capability a client needs to send `willRenameFiles` for notes.
#[test]
fn the_server_registers_for_renames_of_notes() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::start(dossier_binary(), &dir.path().canonicalize().unwrap(), Encoding::Utf16);
    let capabilities = client.initialize_result["capabilities"].clone();
    let filters = &capabilities["workspace"]["fileOperations"]["willRename"]["filters"];
    assert_eq!(filters[0]["pattern"]["glob"], "**/*.md", "{capabilities}");
    assert!(client.shutdown().success());
}
