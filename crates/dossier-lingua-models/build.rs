//! Compresses the `lingua` models of the shipped languages into `OUT_DIR`
//! and writes the table the library includes (`models.rs`): each file's
//! language, name, compressed bytes, size and the hash of the original.
//!
//! The original bytes come from the `lingua-<language>-language-model`
//! crates, build dependencies of this crate only: they are read here and
//! never reach a binary. Each compressed file is decoded again with the
//! decoder the library uses (zstd's) and compared byte for byte with the
//! original, so a build never ships a model that would not come back
//! identical.

use std::{
    env,
    fmt::Write as _,
    fs,
    path::PathBuf,
    sync::atomic::{AtomicUsize, Ordering},
    thread,
};

use include_dir::Dir;

/// The languages Dossier ships (the `lingua` features of the workspace's
/// `Cargo.toml`), by `lingua`'s name for them in lower case.
fn model_directories() -> Vec<(&'static str, Dir<'static>)> {
    vec![
        ("arabic", lingua_arabic_language_model::ARABIC_MODELS_DIRECTORY),
        ("bokmal", lingua_bokmal_language_model::BOKMAL_MODELS_DIRECTORY),
        ("chinese", lingua_chinese_language_model::CHINESE_MODELS_DIRECTORY),
        ("czech", lingua_czech_language_model::CZECH_MODELS_DIRECTORY),
        ("danish", lingua_danish_language_model::DANISH_MODELS_DIRECTORY),
        ("dutch", lingua_dutch_language_model::DUTCH_MODELS_DIRECTORY),
        ("english", lingua_english_language_model::ENGLISH_MODELS_DIRECTORY),
        ("finnish", lingua_finnish_language_model::FINNISH_MODELS_DIRECTORY),
        ("french", lingua_french_language_model::FRENCH_MODELS_DIRECTORY),
        ("german", lingua_german_language_model::GERMAN_MODELS_DIRECTORY),
        ("greek", lingua_greek_language_model::GREEK_MODELS_DIRECTORY),
        ("hebrew", lingua_hebrew_language_model::HEBREW_MODELS_DIRECTORY),
        ("hindi", lingua_hindi_language_model::HINDI_MODELS_DIRECTORY),
        ("hungarian", lingua_hungarian_language_model::HUNGARIAN_MODELS_DIRECTORY),
        ("indonesian", lingua_indonesian_language_model::INDONESIAN_MODELS_DIRECTORY),
        ("italian", lingua_italian_language_model::ITALIAN_MODELS_DIRECTORY),
        ("japanese", lingua_japanese_language_model::JAPANESE_MODELS_DIRECTORY),
        ("korean", lingua_korean_language_model::KOREAN_MODELS_DIRECTORY),
        ("malay", lingua_malay_language_model::MALAY_MODELS_DIRECTORY),
        ("persian", lingua_persian_language_model::PERSIAN_MODELS_DIRECTORY),
        ("polish", lingua_polish_language_model::POLISH_MODELS_DIRECTORY),
        ("portuguese", lingua_portuguese_language_model::PORTUGUESE_MODELS_DIRECTORY),
        ("romanian", lingua_romanian_language_model::ROMANIAN_MODELS_DIRECTORY),
        ("russian", lingua_russian_language_model::RUSSIAN_MODELS_DIRECTORY),
        ("spanish", lingua_spanish_language_model::SPANISH_MODELS_DIRECTORY),
        ("swedish", lingua_swedish_language_model::SWEDISH_MODELS_DIRECTORY),
        ("tagalog", lingua_tagalog_language_model::TAGALOG_MODELS_DIRECTORY),
        ("thai", lingua_thai_language_model::THAI_MODELS_DIRECTORY),
        ("turkish", lingua_turkish_language_model::TURKISH_MODELS_DIRECTORY),
        ("ukrainian", lingua_ukrainian_language_model::UKRAINIAN_MODELS_DIRECTORY),
        ("vietnamese", lingua_vietnamese_language_model::VIETNAMESE_MODELS_DIRECTORY),
    ]
}

/// One model file to compress.
struct ModelFile {
    language: &'static str,
    file_name: String,
    original: &'static [u8],
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let count_models = env::var_os("CARGO_FEATURE_COUNT_MODELS").is_some();
    // zstd's level 19 makes the release binary about 10 MB smaller than
    // level 3 (65 MB of models instead of 76) at about 100 s of CPU; other
    // builds (tests, clippy) take level 3 (2 s). Decoding takes the same
    // time whatever the level.
    let level = if env::var("PROFILE").as_deref() == Ok("release") { 19 } else { 3 };

    let mut files = Vec::new();
    for (language, directory) in model_directories() {
        for file in directory.files() {
            let file_name = file.path().file_name().and_then(|name| name.to_str()).expect("a model file has a name");
            if file_name == "ngrams.fst" || count_models {
                files.push(ModelFile { language, file_name: file_name.to_owned(), original: file.contents() });
            }
        }
    }
    files.sort_by(|left, right| (left.language, &left.file_name).cmp(&(right.language, &right.file_name)));

    // The largest files first, spread over the cores cargo gives us.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(files[index].original.len()));
    let next = AtomicUsize::new(0);
    let workers = env::var("NUM_JOBS").ok().and_then(|jobs| jobs.parse().ok()).unwrap_or(1usize).clamp(1, 8);
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    compress(&files[index], level, &out_dir);
                }
            });
        }
    });

    let mut table = String::new();
    writeln!(table, "/// Every shipped model file, sorted by language and file name.").unwrap();
    writeln!(table, "static MODEL_FILES: [ModelFile; {}] = [", files.len()).unwrap();
    for file in &files {
        let hash = xxhash_rust::xxh3::xxh3_128(file.original);
        writeln!(
            table,
            "    ModelFile {{ language: {:?}, file_name: {:?}, compressed: include_bytes!(concat!(env!(\"OUT_DIR\"), {:?})), size: {}, original_hash: {hash:#034x} }},",
            file.language,
            file.file_name,
            format!("/{}", compressed_name(file)),
            file.original.len(),
        )
        .unwrap();
    }
    writeln!(table, "];").unwrap();
    fs::write(out_dir.join("models.rs"), table).expect("OUT_DIR is writable");
}

fn compressed_name(file: &ModelFile) -> String {
    format!("{}-{}.zst", file.language, file.file_name)
}

/// Compresses one file into `OUT_DIR` and checks that it decodes back to
/// the original, byte for byte.
fn compress(file: &ModelFile, level: i32, out_dir: &std::path::Path) {
    let compressed = zstd::bulk::compress(file.original, level).expect("zstd compresses in memory");
    let mut decoded = vec![0; file.original.len()];
    let written = zstd::bulk::decompress_to_buffer(&compressed, &mut decoded[..]).unwrap_or_else(|error| {
        panic!("{} {}: the compressed model does not decode: {error}", file.language, file.file_name)
    });
    assert!(
        written == file.original.len() && decoded == file.original,
        "{} {}: the compressed model does not decode to the original",
        file.language,
        file.file_name
    );
    fs::write(out_dir.join(compressed_name(file)), compressed).expect("OUT_DIR is writable");
}
