//! Dossier's language server, the only crate that knows LSP.
#![deny(missing_docs)]
// Stdout carries the protocol: nothing else may print there.
#![deny(clippy::print_stdout)]
