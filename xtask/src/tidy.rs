//! Tidy tests: documentation that states facts about the code is checked
//! against the code, so that it cannot drift (rust-analyzer's `tidy.rs` is
//! the model). They run with `cargo test --workspace`, as CI does.

use std::{collections::BTreeMap, fs, path::Path};

use crate::project_root;

fn read(relative: &str) -> String {
    let path = project_root().join(relative);
    fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// Our crates each crate's `Cargo.toml` lists under `[dependencies]`
/// (development dependencies left out), sorted.
fn crate_graph_of_manifests() -> BTreeMap<String, Vec<String>> {
    let mut graph = BTreeMap::new();
    let crates = fs::read_dir(project_root().join("crates")).expect("crates/ is readable");
    for entry in crates {
        let manifest = entry.expect("crates/ is readable").path().join("Cargo.toml");
        let Ok(text) = fs::read_to_string(&manifest) else { continue };
        let mut name = None;
        let mut dependencies = Vec::new();
        let mut section = "";
        for line in text.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line;
            } else if section == "[package]"
                && let Some(value) = line.strip_prefix("name = ")
            {
                name = Some(value.trim_matches('"').to_owned());
            } else if section == "[dependencies]" && line.starts_with("dossier-") {
                let dependency = line.split(['.', ' ', '=']).next().expect("split gives one part");
                dependencies.push(dependency.to_owned());
            }
        }
        dependencies.sort();
        graph.insert(name.unwrap_or_else(|| panic!("{} has no name", manifest.display())), dependencies);
    }
    graph
}

/// The list under "Arrows point one way" in `docs/architecture.md`: each
/// crate with the crates it uses, in the order written.
fn crate_graph_of_architecture() -> Vec<(String, Vec<String>)> {
    let doc = read("docs/architecture.md");
    let start = doc.find("Arrows point one way").expect("docs/architecture.md has the arrows");
    let names = |text: &str| -> Vec<String> { text.split('`').skip(1).step_by(2).map(str::to_owned).collect() };
    doc[start..]
        .lines()
        .skip_while(|line| !line.starts_with("- `"))
        .take_while(|line| line.starts_with("- `"))
        .map(|line| {
            let (crate_name, dependencies) = line.split_once('←').expect("a line of the list has an arrow");
            let mut dependencies = names(dependencies);
            dependencies.sort();
            (names(crate_name).remove(0), dependencies)
        })
        .collect()
}

#[test]
fn the_crate_graph_is_the_one_the_architecture_describes() {
    let written = crate_graph_of_architecture();
    let actual = crate_graph_of_manifests();
    let written_map: BTreeMap<String, Vec<String>> = written.iter().cloned().collect();
    assert_eq!(
        written_map, actual,
        "docs/architecture.md (left) and the [dependencies] of crates/*/Cargo.toml (right) disagree"
    );
    // Arrows point one way: a crate uses only crates listed before it.
    for (at, (crate_name, dependencies)) in written.iter().enumerate() {
        for dependency in dependencies {
            let before = written[..at].iter().any(|(name, _)| name == dependency);
            assert!(before, "{crate_name} uses {dependency}, which is not listed before it");
        }
    }
}

/// Every quoted `"dossier/…"` method and `"dossier.…"` name (commands,
/// settings) in the files under `src`, without the ones that are file names.
fn extension_names(src: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut folders = vec![src.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).expect("the server's sources are readable") {
            let path = entry.expect("the server's sources are readable").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else { continue };
            for quoted in text.split('"').skip(1).step_by(2) {
                let is_name = quoted.starts_with("dossier/") || quoted.starts_with("dossier.");
                let is_file = quoted == "dossier.toml";
                if is_name && !is_file && quoted.chars().all(|c| c.is_ascii_alphanumeric() || "./".contains(c)) {
                    names.push(quoted.to_owned());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_protocol_extension_is_documented() {
    let names = extension_names(&project_root().join("crates/dossier-lsp/src"));
    for expected in ["dossier/status", "dossier.showReferences", "dossier.inlayHints.enable"] {
        assert!(names.iter().any(|name| name == expected), "{expected} not found in the sources: {names:?}");
    }
    let doc = read("docs/lsp-extensions.md");
    let missing: Vec<&String> = names.iter().filter(|name| !doc.contains(&format!("`{name}`"))).collect();
    assert!(missing.is_empty(), "docs/lsp-extensions.md does not list {missing:?}");
}
