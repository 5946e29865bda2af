//! The edge of Dossier's core: walking folders, reading files and ingesting
//! them in parallel. The core crates take bytes; this crate touches the disk.
#![deny(missing_docs)]
