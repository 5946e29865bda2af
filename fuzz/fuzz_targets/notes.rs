//! Any text as a Markdown note: front matter, aliases, links, problems.
//! The check is `dossier_checks::notes`, also run on saved inputs by `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dossier_checks::notes(data));
