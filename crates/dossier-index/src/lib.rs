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
//! let text = "Wu Yongming took over from Zhang Yong.";
//! let doc = ingest("a.txt", text.as_bytes(), &IngestConfig::default()).unwrap();
//! let index = Index::build(vec![Arc::new(Source { kind: SourceKind::Document, document: doc })]);
//! let _ = index.lookup("Wu Yongming");
//! ```
#![deny(missing_docs)]

mod api;
mod builder;
mod candidates;
mod definitions;
mod extract_en;
mod extract_zh;
mod fold;
mod mentions;
mod notes;
mod patterns;
mod quoted;
mod romanize;

pub use api::*;
