//! End-to-end test of inlay hints as an editor receives them: no hint repeats
//! the Latin name written beside a Han name, and each hint is padded from the
//! text around it.

use std::fs;

use dossier_lsp_client::{Client, Encoding, file_uri, positions};
use serde_json::{Value, json};

use crate::support::{copy_tree, dossier_binary, seeds};

#[test]
fn inlay_hints_skip_names_the_text_already_gives_and_are_padded() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&seeds(), dir.path());
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(dossier_binary(), &root, Encoding::Utf16);
    client.wait_until_ready();

    // The first 马云 has its Latin name before it, the second after it; the
    // third has none, and text follows it directly; the fourth ends the line.
    let text = "Jack Ma (马云) wrote; 马云 (Jack Ma) signed; 今天读到马云和阿里。最后是马云\n";
    let note = root.join("notes/today.md");
    fs::write(&note, text).unwrap();
    client.open_note(&file_uri(&note), 1, text);
    let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 1, "character": 0 } });
    let response = client.poll(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": file_uri(&note) }, "range": whole }),
        |response| response["result"].as_array().is_some_and(|hints| !hints.is_empty()),
    );
    let hints = response["result"].as_array().unwrap();
    let at = |needle: &str| {
        let end = text.find(needle).unwrap() + needle.len();
        let (line, character) = positions::position(text, end, Encoding::Utf16);
        json!({ "line": line, "character": character })
    };
    let jack: Vec<&Value> = hints.iter().filter(|hint| hint["label"] == "Jack Ma").collect();
    assert_eq!(jack.len(), 2, "only the third and fourth 马云 get a hint: {response}");
    assert_eq!(jack[0]["position"], at("今天读到马云"), "{response}");
    assert_eq!((&jack[0]["paddingLeft"], &jack[0]["paddingRight"]), (&json!(true), &json!(true)), "{response}");
    assert_eq!(jack[1]["position"], at("最后是马云"), "{response}");
    assert_eq!((&jack[1]["paddingLeft"], &jack[1]["paddingRight"]), (&json!(true), &json!(false)), "{response}");
    assert!(client.shutdown().success());
}
