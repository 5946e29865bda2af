//! Arbitrary bytes through `dossier_ingest::ingest`: maps back into the file, in order.
//! The check is `dossier_checks::ingest`, also run on saved inputs by `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dossier_checks::ingest(data));
