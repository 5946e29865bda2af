//! Replays the inputs the fuzzers saved (`tests/data/fuzz-regressions/<target>/`)
//! and the sample corpus through the same checks as the fuzz targets, so
//! that `cargo test` guards against every crash found so far without
//! needing `cargo fuzz`.
//!
//! An input whose name ends in `.fixme` is a known bug not fixed yet: it must
//! still fail its check (so that the fix is noticed and the file renamed).

use std::{
    fs,
    panic::{self, AssertUnwindSafe},
    path::{Path, PathBuf},
};

use dossier_checks::{TARGETS, Target};

fn regressions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/fuzz-regressions")
}

/// The files of a folder, recursively, sorted.
fn files(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(folder) else { return found };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Runs a check, returning its panic message if it panics.
fn failure(target: &Target, bytes: &[u8]) -> Option<String> {
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| (target.run)(bytes)));
    outcome.err().map(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

#[test]
fn saved_fuzz_inputs_pass_their_checks() {
    let mut problems = Vec::new();
    let mut replayed = 0;
    for target in TARGETS {
        for path in files(&regressions().join(target.name)) {
            let bytes = fs::read(&path).unwrap();
            let known_bug = path.extension().is_some_and(|extension| extension == "fixme");
            match (failure(target, &bytes), known_bug) {
                (Some(message), false) => problems.push(format!("{}: {message}", path.display())),
                (None, true) => problems.push(format!("{}: passes now; drop `.fixme` from its name", path.display())),
                (Some(_), true) | (None, false) => {}
            }
            replayed += 1;
        }
    }
    assert!(problems.is_empty(), "{} of {replayed} saved inputs:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn regression_folders_are_named_after_targets() {
    let Ok(entries) = fs::read_dir(regressions()) else { return };
    for entry in entries {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let known = TARGETS.iter().any(|target| target.name == name) || name == "README.md";
        assert!(known, "tests/data/fuzz-regressions/{name} is no fuzz target's folder");
    }
}

#[test]
fn the_sample_corpus_passes_every_check() {
    let seeds = files(&dossier_test_support::seeds());
    assert!(seeds.len() >= 5, "{seeds:?}");
    for path in seeds {
        let bytes = fs::read(&path).unwrap();
        for target in TARGETS {
            if let Some(message) = failure(target, &bytes) {
                panic!("{} through {}: {message}", path.display(), target.name);
            }
        }
    }
}
