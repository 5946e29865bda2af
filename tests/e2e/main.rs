//! End-to-end tests: the real `dossier` binary, driven as users drive it.
