//! Every shipped model decompresses to the very bytes of the upstream
//! `lingua-<language>-language-model` crate's file: its size and xxh3-128
//! hash, recorded by `build.rs` from the crate's bytes, match.

use dossier_lingua_models::{model_file, original_hash_and_size, refused_requests, shipped_files};

#[test]
fn every_shipped_model_decompresses_to_the_upstream_file() {
    let files: Vec<_> = shipped_files().collect();
    // 31 languages, one probability model each (count models off by default).
    assert_eq!(files.len(), if cfg!(feature = "count-models") { 93 } else { 31 });
    for (language, file_name) in files {
        let bytes = model_file(language, file_name).expect("a shipped file is found");
        let (hash, size) = original_hash_and_size(language, file_name).expect("a shipped file has a hash");
        assert_eq!(bytes.len(), size, "{language} {file_name}");
        assert_eq!(xxhash_rust::xxh3::xxh3_128(bytes), hash, "{language} {file_name}");
        // The second call hands back the same buffer, not a second copy.
        assert!(std::ptr::eq(bytes, model_file(language, file_name).expect("still found")));
    }
}

#[test]
fn a_file_that_is_not_shipped_is_refused_and_recorded() {
    assert_eq!(model_file("klingon", "ngrams.fst"), None);
    assert!(refused_requests().contains(&("klingon".to_owned(), "ngrams.fst".to_owned())));
}
