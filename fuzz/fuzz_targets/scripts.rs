//! Script runs and language detection on any text, under any language restriction.
//! The check is `dossier_checks::scripts`, also run on saved inputs by `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dossier_checks::scripts(data));
