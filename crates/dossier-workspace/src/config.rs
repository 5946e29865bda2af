//! `dossier.toml`: which files of a workspace are documents and which are notes.

use std::path::Path;

use dossier_ingest::IngestConfig;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

/// The name of the optional configuration file at a workspace's root.
pub const CONFIG_FILE: &str = "dossier.toml";

/// A workspace's settings, from `dossier.toml` or the defaults.
#[derive(Debug, Clone)]
pub struct WorkspaceConfig {
    /// Globs (relative to the root) of corpus documents. Default `**/*.txt`.
    pub documents: Vec<String>,
    /// Globs of Markdown notes. Default `**/*.md`.
    pub notes: Vec<String>,
    /// Globs never read, on top of `.gitignore` and the tool folders.
    pub exclude: Vec<String>,
    /// How each file is ingested (size limit, languages).
    pub ingest: IngestConfig,
    documents_set: GlobSet,
    notes_set: GlobSet,
    exclude_set: GlobSet,
}

/// What a workspace file is to Dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// A corpus document.
    Document,
    /// A Markdown note.
    Note,
}

/// `dossier.toml` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The configuration file.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has a wrong field.
    #[error("{path}: {message}")]
    Invalid {
        /// The configuration file.
        path: String,
        /// What is wrong, with the line when known.
        message: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    documents: Option<Vec<String>>,
    notes: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    languages: Option<Vec<String>>,
    max_file_size: Option<u64>,
}

impl Default for WorkspaceConfig {
    fn default() -> Self {
        Self::from_raw(RawConfig::default()).expect("the default globs are valid")
    }
}

impl WorkspaceConfig {
    /// Reads `dossier.toml` at `root` when there is one, else the defaults.
    pub fn load(root: &Path) -> Result<WorkspaceConfig, ConfigError> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(WorkspaceConfig::default()),
            Err(source) => return Err(ConfigError::Read { path: path.display().to_string(), source }),
        };
        Self::parse(&text).map_err(|message| ConfigError::Invalid { path: path.display().to_string(), message })
    }

    /// Parses the text of a `dossier.toml`.
    pub fn parse(text: &str) -> Result<WorkspaceConfig, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| error.to_string().trim().to_owned())?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawConfig) -> Result<WorkspaceConfig, String> {
        let documents = raw.documents.unwrap_or_else(|| vec!["**/*.txt".to_owned()]);
        let notes = raw.notes.unwrap_or_else(|| vec!["**/*.md".to_owned()]);
        let exclude = raw.exclude.unwrap_or_default();
        let mut ingest = IngestConfig::default();
        if let Some(limit) = raw.max_file_size {
            ingest.max_file_size = limit;
        }
        ingest.languages = raw.languages;
        Ok(WorkspaceConfig {
            documents_set: glob_set(&documents)?,
            notes_set: glob_set(&notes)?,
            exclude_set: glob_set(&exclude)?,
            documents,
            notes,
            exclude,
            ingest,
        })
    }

    /// The role of a file, from its path relative to the workspace root;
    /// `None` for files Dossier does not read. Notes win over documents.
    pub fn role(&self, relative: &Path) -> Option<FileRole> {
        if self.exclude_set.is_match(relative) {
            None
        } else if self.notes_set.is_match(relative) {
            Some(FileRole::Note)
        } else if self.documents_set.is_match(relative) {
            Some(FileRole::Document)
        } else {
            None
        }
    }

    /// The role of a file named rather than found by a walk (given on the
    /// command line, open in an editor): what [`WorkspaceConfig::role`]
    /// says, else a note when it is Markdown ([`is_markdown`]), else `None`.
    pub fn role_of_named(&self, relative: &Path) -> Option<FileRole> {
        self.role(relative).or_else(|| is_markdown(relative).then_some(FileRole::Note))
    }
}

/// Whether a path names a Markdown file: `.md` or `.markdown`, in any case.
/// What makes a file the globs do not cover a note all the same (see
/// [`WorkspaceConfig::role_of_named`]).
pub fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown"))
}

fn glob_set(globs: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(Glob::new(glob).map_err(|error| format!("invalid glob `{glob}`: {error}"))?);
    }
    builder.build().map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_read_txt_documents_and_md_notes() {
        let config = WorkspaceConfig::default();
        assert_eq!(config.role(Path::new("a/b.txt")), Some(FileRole::Document));
        assert_eq!(config.role(Path::new("b.txt")), Some(FileRole::Document));
        assert_eq!(config.role(Path::new("notes/x.md")), Some(FileRole::Note));
        assert_eq!(config.role(Path::new("image.png")), None);
    }

    #[test]
    fn config_file_sets_globs_languages_and_limit() {
        let config = WorkspaceConfig::parse(
            "documents = [\"corpus/**\"]\nexclude = [\"corpus/drafts/**\"]\nlanguages = [\"en\", \"zh\"]\nmax-file-size = 1000\n",
        )
        .unwrap();
        assert_eq!(config.role(Path::new("corpus/a.html")), Some(FileRole::Document));
        assert_eq!(config.role(Path::new("corpus/drafts/a.txt")), None);
        assert_eq!(config.role(Path::new("other.txt")), None);
        assert_eq!(config.ingest.max_file_size, 1000);
        assert_eq!(config.ingest.languages.as_deref(), Some(&["en".to_owned(), "zh".to_owned()][..]));
    }

    #[test]
    fn config_errors_name_the_problem() {
        let error = WorkspaceConfig::parse("documents = 3\n").unwrap_err();
        assert!(error.contains("documents"), "{error}");
        let error = WorkspaceConfig::parse("colour = \"red\"\n").unwrap_err();
        assert!(error.contains("colour"), "{error}");
        let error = WorkspaceConfig::parse("notes = [\"a[\"]\n").unwrap_err();
        assert!(error.contains("invalid glob `a[`"), "{error}");
    }
}
