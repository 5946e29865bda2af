//! End-to-end tests of the persisted cache from the command line: `dossier
//! terms` and `dossier lookup` print the same with and without it, pick up
//! a changed file, read the cache a language server wrote, create no folder
//! in the corpus, and work (without the cache) while a server holds it.

use std::{
    fs,
    path::{Path, PathBuf},
};

use dossier_lsp_client::{Client, Encoding};
use serde_json::Value;

use crate::support::{copy_tree, dossier, dossier_binary, run, seeds};

/// A copy of the sample corpus at `<dir>/corpus`, and its canonical path.
fn corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().canonicalize().unwrap().join("corpus");
    copy_tree(&seeds(), &corpus);
    (dir, corpus)
}

/// How many files of the corpus are notes or documents.
fn file_count(root: &Path) -> usize {
    let mut count = 0;
    for entry in fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with(".dossier") {
                count += file_count(&path);
            }
        } else if path.extension().is_some_and(|ext| ext == "txt" || ext == "md") {
            count += 1;
        }
    }
    count
}

/// `dossier ARGS --format json` in `cwd` with the cache log on: the JSON
/// output and stderr.
fn dossier_json(cwd: &Path, args: &[&str]) -> (Value, String) {
    let (output, stdout) =
        run(dossier().current_dir(cwd).env("DOSSIER_LOG", "info").args(args).args(["--format", "json"]));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (json, stderr)
}

fn from_cache(found: usize, total: usize) -> String {
    format!("languages of {found} of {total} files from the cache")
}

#[test]
fn terms_are_the_same_with_and_without_the_cache_and_follow_a_changed_file() {
    let (dir, corpus) = corpus();
    let cwd = corpus.parent().unwrap();
    let files = file_count(&corpus);
    let terms = |extra: &[&str]| dossier_json(cwd, &[&["terms", "corpus"][..], extra].concat());
    let (baseline, _) = terms(&["--no-cache"]);
    assert!(!baseline["terms"].as_array().unwrap().is_empty());

    // No cache folder: none is created in the corpus.
    let (without, stderr) = terms(&[]);
    assert_eq!(without, baseline);
    assert!(!stderr.contains("from the cache"), "{stderr}");
    assert!(!corpus.join(".dossier").exists(), "the command line created a cache folder in the corpus");

    // A cache folder opts the corpus in: the first run fills it, the second reads it.
    fs::create_dir(corpus.join(".dossier")).unwrap();
    let (first, stderr) = terms(&[]);
    assert_eq!(first, baseline);
    assert!(stderr.contains(&from_cache(0, files)), "{stderr}");
    assert!(corpus.join(".dossier/cache.redb").is_file());
    let (second, stderr) = terms(&[]);
    assert_eq!(second, baseline);
    assert!(stderr.contains(&from_cache(files, files)), "{stderr}");

    // A changed document (its content hash is the key) is read afresh: one
    // more mention of the most mentioned term.
    let label = baseline["terms"][0]["label"].as_str().unwrap().to_owned();
    let document = fs::read_dir(&corpus)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .min()
        .unwrap();
    let mut text = fs::read_to_string(&document).unwrap();
    text.push_str(&format!("\n\n{label}.\n"));
    fs::write(&document, text).unwrap();
    let (changed, stderr) = terms(&[]);
    assert!(stderr.contains(&from_cache(files - 1, files)), "{stderr}");
    assert_ne!(changed, baseline, "the change must show for the test to mean anything");
    assert_eq!(changed, terms(&["--no-cache"]).0);
    assert_eq!(changed["terms"][0]["mentions"].as_u64(), baseline["terms"][0]["mentions"].as_u64().map(|n| n + 1));
    drop(dir);
}

#[test]
fn lookup_reads_the_cache_a_language_server_wrote() {
    let (dir, corpus) = corpus();
    let files = file_count(&corpus);
    let mut client = Client::start(dossier_binary(), &corpus, Encoding::Utf16);
    client.wait_until_ready();

    // While the server holds the cache, the command works without it and says so once.
    let (terms, stderr) = dossier_json(&corpus, &["terms", "."]);
    assert!(!stderr.contains("from the cache"), "{stderr}");
    assert!(stderr.lines().filter(|line| line.contains("cache")).count() <= 1, "{stderr}");
    assert!(client.shutdown().success());
    assert_eq!(terms, dossier_json(&corpus, &["terms", ".", "--no-cache"]).0);

    // Every file, keyed as the server keyed it, is found by a command naming
    // the folder relatively, or a folder inside it.
    let label = terms["terms"][0]["label"].as_str().unwrap().to_owned();
    let (card, stderr) = dossier_json(&corpus, &["lookup", label.as_str(), "."]);
    assert!(stderr.contains(&from_cache(files, files)), "{stderr}");
    assert_eq!(card, dossier_json(&corpus, &["lookup", label.as_str(), ".", "--no-cache"]).0);
    let notes = file_count(&corpus.join("notes"));
    let (_, stderr) = dossier_json(&corpus.join("notes"), &["terms", "."]);
    assert!(stderr.contains(&from_cache(notes, notes)), "{stderr}");
    drop(dir);
}
