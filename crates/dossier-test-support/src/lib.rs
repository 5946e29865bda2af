//! What Dossier's tests share, so that each exists once: the parser of
//! multi-file fixtures with a `$0` cursor, and where the sample corpus
//! (`seeds/`) is. It depends on none of Dossier's crates, so that any of
//! them can use it as a development dependency.
//!
//! ```
//! use dossier_test_support::Fixture;
//!
//! let fixture = Fixture::parse("//- /notes/wu.md\n# Wu Yongming\n//- /corpus/a.txt\n吴泳铭$0接任\n", "/note.md");
//! assert_eq!(fixture.files.len(), 2);
//! assert_eq!(fixture.files[1].text, "吴泳铭接任\n");
//! assert_eq!(fixture.cursor, Some(("/corpus/a.txt".to_owned(), "吴泳铭".len())));
//! ```
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

/// The cursor marker of a fixture.
pub const CURSOR: &str = "$0";

/// One file of a fixture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureFile {
    /// Its path, as written after `//- `.
    pub path: String,
    /// Its text, without the cursor marker.
    pub text: String,
}

impl FixtureFile {
    /// Whether the file is a note (`.md`); the others are documents.
    pub fn is_note(&self) -> bool {
        self.path.ends_with(".md")
    }
}

/// Several files in one string: a line `//- path` starts each file. A text
/// without such a line is one file. `$0` marks the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    /// The files, in the order written.
    pub files: Vec<FixtureFile>,
    /// The file holding the cursor and the cursor's byte offset in its
    /// text (the last marked file's, when several are).
    pub cursor: Option<(String, usize)>,
}

impl Fixture {
    /// Parses a fixture; a text without `//- ` lines is one file at `default_path`.
    pub fn parse(text: &str, default_path: &str) -> Fixture {
        let mut files: Vec<FixtureFile> = Vec::new();
        if text.trim_start().starts_with("//- ") {
            for line in text.trim_start().split_inclusive('\n') {
                match line.strip_prefix("//- ") {
                    Some(path) => files.push(FixtureFile { path: path.trim().to_owned(), text: String::new() }),
                    None => files.last_mut().expect("the text starts with a file").text.push_str(line),
                }
            }
        } else {
            files.push(FixtureFile { path: default_path.to_owned(), text: text.to_owned() });
        }
        let mut cursor = None;
        for file in &mut files {
            if let Some(offset) = file.text.find(CURSOR) {
                file.text.replace_range(offset..offset + CURSOR.len(), "");
                cursor = Some((file.path.clone(), offset));
            }
        }
        Fixture { files, cursor }
    }
}

/// The repository's root.
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository exists")
}

/// The sample corpus: `seeds/` (documents) with its `notes/`.
pub fn seeds() -> PathBuf {
    repository().join("seeds")
}

/// The file of `seeds/` whose name starts with `prefix` (`"002"`).
pub fn seed(prefix: &str) -> PathBuf {
    std::fs::read_dir(seeds())
        .expect("seeds/ is readable")
        .filter_map(Result::ok)
        .find(|entry| entry.file_name().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed starts with {prefix}"))
        .path()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_without_headers_is_one_file() {
        let fixture = Fixture::parse("Wu$0 Yongming", "/note.md");
        assert_eq!(fixture.files, [FixtureFile { path: "/note.md".to_owned(), text: "Wu Yongming".to_owned() }]);
        assert_eq!(fixture.cursor, Some(("/note.md".to_owned(), 2)));
        assert!(fixture.files[0].is_note());
    }

    #[test]
    fn seeds_hold_documents_and_notes() {
        assert!(seed("002").is_file());
        assert!(seeds().join("notes").is_dir());
    }
}
