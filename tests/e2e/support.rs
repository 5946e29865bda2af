//! Helpers shared by the end-to-end tests: the binary, the sample corpus,
//! temporary workspaces.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

/// The path of the `dossier` binary under test.
pub fn dossier_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_dossier"))
}

/// The `dossier` binary under test, as a command to run.
pub fn dossier() -> Command {
    let mut command = Command::new(dossier_binary());
    command.env("NO_COLOR", "1");
    command
}

/// The repository's sample corpus.
pub fn seeds() -> PathBuf {
    dossier_test_support::seeds()
}

/// Copies a folder recursively (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs a command to completion and returns its output, stdout as text.
pub fn run(command: &mut Command) -> (Output, String) {
    let output = command.output().expect("dossier runs");
    let stdout = String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8");
    (output, stdout)
}
