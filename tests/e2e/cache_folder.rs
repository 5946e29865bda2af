//! End-to-end tests of where the server keeps its cache: a `.dossier/`
//! folder that Git leaves out of `git status` and backup tools skip, or a
//! folder of its own under `DOSSIER_CACHE_DIR`.

use std::{fs, path::Path, process::Command};

use dossier_lsp_client::{Client, Encoding};
use serde_json::{Value, json};

use crate::support::{copy_tree, dossier_binary, seeds};

/// Starts the server on `root` (with `DOSSIER_CACHE_DIR` when given), waits
/// until it has loaded the workspace, and shuts it down.
fn serve_once(root: &Path, cache_dir: Option<&Path>) {
    let mut client = match cache_dir {
        // The client starts a command: `env` sets the variable for the real binary.
        Some(dir) => {
            let variable = format!("DOSSIER_CACHE_DIR={}", dir.display());
            let binary = dossier_binary().to_str().unwrap();
            let args = [variable.as_str(), binary, "lsp"];
            Client::start_command(Path::new("/usr/bin/env"), &args, &[root], Encoding::Utf16, json!({}), Value::Null)
        }
        None => Client::start(dossier_binary(), root, Encoding::Utf16),
    };
    client.wait_until_ready();
    assert!(client.shutdown().success());
}

#[test]
fn the_cache_folder_stays_out_of_git_status_and_backups() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&seeds(), dir.path());
    let root = dir.path().canonicalize().unwrap();
    serve_once(&root, None);

    let cache = root.join(".dossier");
    assert!(cache.join("cache.redb").is_file());
    let tag = fs::read_to_string(cache.join("CACHEDIR.TAG")).unwrap();
    assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"), "{tag}");

    // What a user sees: in a Git repository, the cache is not an untracked file.
    let git = |args: &[&str]| Command::new("git").args(args).current_dir(&root).output();
    if git(&["init", "--quiet"]).is_ok_and(|o| o.status.success()) {
        let status = git(&["status", "--porcelain", "--untracked-files=all"]).unwrap();
        let status = String::from_utf8(status.stdout).unwrap();
        assert!(status.lines().any(|line| line.contains("notes/")), "git status lists the workspace:\n{status}");
        assert!(!status.contains(".dossier"), "git status lists the cache:\n{status}");
    }
}

#[cfg(unix)]
#[test]
fn dossier_cache_dir_moves_the_cache_out_of_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = dir.path().join("corpus");
    copy_tree(&seeds(), &workspace);
    let caches = dir.path().join("caches");
    serve_once(&workspace, Some(&caches));

    assert!(!workspace.join(".dossier").exists(), "nothing is written into the workspace");
    let folders: Vec<_> = fs::read_dir(&caches).unwrap().map(|entry| entry.unwrap().path()).collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    let name = folders[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("corpus-"), "{name}");
    for file in ["cache.redb", ".gitignore", "CACHEDIR.TAG"] {
        assert!(folders[0].join(file).is_file(), "{file} in {}", folders[0].display());
    }
}
