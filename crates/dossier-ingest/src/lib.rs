//! Bytes in, ingested document out.
//!
//! `dossier-ingest` decodes a file's bytes, splits the text into script runs,
//! detects the language of each stretch and builds a normalized matching text
//! with an exact map back to the original bytes. It does no IO: callers hand it
//! bytes and a path as data.
//!
//! ```
//! use dossier_ingest::{ingest, IngestConfig};
//!
//! let doc = ingest("note.txt", "張勇說 Hello".as_bytes(), &IngestConfig::default()).unwrap();
//! assert_eq!(doc.encoding, "UTF-8");
//! ```
#![deny(missing_docs)]

mod decode;
mod detect;
mod document;
mod line_index;
mod normalize;
mod script;
mod text_map;

pub use document::*;
pub use line_index::{LineCol, LineIndex, PositionEncoding};
pub use normalize::Normalized;
pub use script::{ScriptClass, ScriptRun, script_runs};
