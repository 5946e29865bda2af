//! Any text as a corpus document beside one note: term extraction, linking, mentions.
//! The check is `dossier_checks::terms`, also run on saved inputs by `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dossier_checks::terms(data));
