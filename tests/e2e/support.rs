//! Helpers shared by the end-to-end tests: the binary, the sample corpus,
//! temporary workspaces.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

/// The `dossier` binary under test.
pub fn dossier() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command.env("NO_COLOR", "1");
    command
}

/// The repository's sample corpus.
pub fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds").canonicalize().expect("seeds/ exists")
}

/// Runs a command to completion and returns its output, stdout as text.
pub fn run(command: &mut Command) -> (Output, String) {
    let output = command.output().expect("dossier runs");
    let stdout = String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8");
    (output, stdout)
}
