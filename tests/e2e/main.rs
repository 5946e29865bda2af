//! End-to-end tests: the real `dossier` binary, driven as users drive it.
//!
//! Compiled as the `e2e` test of `crates/dossier-cli`, so that
//! `CARGO_BIN_EXE_dossier` is the binary cargo just built.

mod cache;
mod cache_folder;
mod chaos;
mod cli;
mod cli_cache;
mod hostile;
mod in_process;
mod inlay;
mod lsp;
mod nvim;
mod support;
mod vault;
