//! `LineIndex` offsets and (line, column) positions in UTF-8 and UTF-16.
//! The check is `dossier_checks::positions`, also run on saved inputs by `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dossier_checks::positions(data));
