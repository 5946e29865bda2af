//! A client's output built frame by frame (odd ids, keys written twice, bad
//! headers, huge lengths) through the language server's transport guard. The
//! check is `dossier_checks::transport`, also run on saved inputs by `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dossier_checks::transport(data));
