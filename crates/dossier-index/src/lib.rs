//! Terms, aliases, mentions and definitions across languages and scripts.
//!
//! `dossier-index` turns ingested documents and Markdown notes into an index of
//! **terms** (people, companies, products, concepts), each with every alias it
//! goes by in every script, its definition and its mentions. It is pure: it
//! knows nothing about LSP, JSON-RPC or the file system.
//!
//! ```
//! use std::sync::Arc;
//! use dossier_index::{Index, Source, SourceKind};
//! use dossier_ingest::{ingest, IngestConfig};
//!
//! let source = |path: &str, text: &str| {
//!     let document = ingest(path, text.as_bytes(), &IngestConfig::default()).unwrap();
//!     Arc::new(Source { kind: SourceKind::Document, document })
//! };
//! let index = Index::build(vec![
//!     source("en.txt", "Later, Wu Yongming took over from Zhang Yong."),
//!     source("zh.txt", "吴泳铭接替了张勇。张勇卸任，吴泳铭上任。"),
//! ]);
//! // One term for the Han name and its pinyin; Traditional forms fold to it.
//! let wu = index.lookup("Wu Yongming").unwrap();
//! assert_eq!(index.lookup("吴泳铭"), Some(wu));
//! assert_eq!(index.term(wu).mention_count, 3);
//! assert_eq!(index.lookup("張勇"), index.lookup("Zhang Yong"));
//! ```
//!
//! Building works in steps, one module each: notes (`notes`) and candidate
//! names (`extract_en`, `extract_zh`, `quoted`, `patterns`) become alias keys
//! (`fold`); links merge them into terms (`builder/link.rs`, `romanize`, and
//! `glosses` for the English names the dictionary gives); one Aho-Corasick
//! pass per source finds the mentions (`mentions`); a defining sentence is
//! chosen for terms without a note (`definitions`). `builder/mod.rs` runs
//! the steps as [`IndexBuilder`], `builder/cache.rs` keeps what each source
//! yields from one version to the next, and `builder/assemble.rs` makes the
//! terms and lookup tables of a version.
//!
//! CC-CEDICT (`dictionary`, CC BY-SA 4.0, built into the binary and parsed on
//! the first build) reads Han words as words for pinyin, folds the words whose
//! Simplified form is not the char-by-char one, names Han terms in English
//! ([`AliasSource::Dictionary`]) and glosses them ([`Term::gloss`]).
#![deny(missing_docs)]

mod builder;
mod candidates;
mod definitions;
mod dictionary;
mod discover;
mod extract_en;
mod extract_zh;
mod fold;
mod glosses;
mod graph;
mod index;
mod kinds;
pub mod markdown;
mod mentions;
mod model;
mod notes;
mod patterns;
mod persist;
mod quoted;
mod romanize;
mod term_sources;

pub use graph::{Backlink, GraphLink, heading_key, is_external, lexically_normal, relative_target, scan_links, slug};
pub use index::*;
pub use model::*;

/// Parses the built-in dictionary now rather than in the first build that
/// needs it (about 0.1 s of CPU): call it on a thread of its own while the
/// files are read, so that the first build does not wait for it.
pub fn preload() {
    dictionary::dictionary();
}
pub use builder::IndexBuilder;
pub use persist::{BuildCache, FORMAT as BUILD_CACHE_FORMAT};
