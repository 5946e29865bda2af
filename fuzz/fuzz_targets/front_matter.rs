//! Front matter built piece by piece: deep nesting, anchors and aliases, long
//! keys, inputs far beyond 4 KiB. The check is `dossier_checks::front_matter`,
//! also run on saved inputs by `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dossier_checks::front_matter(data));
