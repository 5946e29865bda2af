//! The language models of `lingua`, stored compressed in the binary and
//! decompressed once per file and process, on first use, and kept decompressed
//! between processes in a cache folder ([`cache_folder`]).
//!
//! `lingua`'s own model crates embed every model uncompressed (148 MB for the
//! 31 languages Dossier ships). Dossier's copy of `lingua` (`crates/vendor/lingua`)
//! asks this crate for a model's bytes instead; `build.rs` compresses them
//! from those crates with zstd, and [`model_file`] decodes a file the first
//! time it is asked for. `lingua` already loads each language's models once
//! and keeps them, so a process pays the decoding only for the languages its
//! text makes candidates, once.
//!
//! ```
//! let english = dossier_lingua_models::model_file("english", "ngrams.fst").expect("English is shipped");
//! assert!(english.len() > 1_000_000);
//! assert_eq!(dossier_lingua_models::model_file("klingon", "ngrams.fst"), None);
//! ```
//!
//! Only `ngrams.fst` (the n-gram probabilities) is shipped unless the
//! `count-models` feature is on: the count models serve `lingua`'s low
//! accuracy mode and detectors built from one language, which Dossier does
//! not use. A request for a file that is not shipped answers `None` (as for
//! a language `lingua` has no model for) and is recorded, so a test can show
//! that nothing asked for one ([`refused_requests`]).

#![deny(missing_docs)]

use std::env;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// One shipped model file.
struct ModelFile {
    /// `lingua`'s name of the language, in lower case (`english`, `bokmal`).
    language: &'static str,
    /// The file's name in the model crate (`ngrams.fst`).
    file_name: &'static str,
    /// The file compressed with zstd.
    compressed: &'static [u8],
    /// The size of the original file.
    size: usize,
    /// The xxh3-128 hash of the original file, taken at build time.
    original_hash: u128,
}

include!(concat!(env!("OUT_DIR"), "/models.rs"));

/// The decompressed files, by index in `MODEL_FILES`.
static DECOMPRESSED: [OnceLock<&'static [u8]>; MODEL_FILES.len()] = [const { OnceLock::new() }; MODEL_FILES.len()];

/// Requests for files that are not shipped, as (language, file name).
static REFUSED: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// The bytes of a model file of `language` (`lingua`'s name in lower case),
/// decompressed on the first call and kept for the life of the process;
/// `None` when it is not shipped.
///
/// Concurrent first calls for one file decode it once: the others wait.
pub fn model_file(language: &str, file_name: &str) -> Option<&'static [u8]> {
    let Some(index) = MODEL_FILES.iter().position(|file| file.language == language && file.file_name == file_name)
    else {
        // A panic while holding the lock cannot leave the list inconsistent.
        REFUSED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((language.to_owned(), file_name.to_owned()));
        return None;
    };
    Some(DECOMPRESSED[index].get_or_init(|| load(&MODEL_FILES[index])))
}

/// The shipped model files, as (language, file name), sorted.
pub fn shipped_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    MODEL_FILES.iter().map(|file| (file.language, file.file_name))
}

/// The hash (xxh3-128) and size of the original of a shipped file, as
/// recorded at build time from the model crate's bytes.
pub fn original_hash_and_size(language: &str, file_name: &str) -> Option<(u128, usize)> {
    MODEL_FILES
        .iter()
        .find(|file| file.language == language && file.file_name == file_name)
        .map(|file| (file.original_hash, file.size))
}

/// The compressed size of a shipped file, as stored in the binary.
pub fn compressed_size(language: &str, file_name: &str) -> Option<usize> {
    MODEL_FILES
        .iter()
        .find(|file| file.language == language && file.file_name == file_name)
        .map(|file| file.compressed.len())
}

/// Every request so far for a file that is not shipped, as (language, file
/// name), in order.
pub fn refused_requests() -> Vec<(String, String)> {
    REFUSED.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
}

/// The variable that names the folder of decompressed models
/// ([`cache_folder`]); set but empty, it turns that cache off.
pub const CACHE_VARIABLE: &str = "DOSSIER_MODEL_CACHE";

/// Where decompressed models are kept between processes:
/// `$DOSSIER_MODEL_CACHE`, else `$XDG_CACHE_HOME/dossier/models`, else
/// `$HOME/.cache/dossier/models`; `None` when turned off or there is no home.
///
/// Decompressing every model costs about 0.3 s of CPU, which each run of a
/// short command would pay again; reading a model back from this folder
/// costs a copy from the page cache and a hash (about a tenth of that).
pub fn cache_folder() -> Option<PathBuf> {
    if let Some(folder) = env::var_os(CACHE_VARIABLE) {
        return (!folder.is_empty()).then(|| PathBuf::from(folder));
    }
    let base = match env::var_os("XDG_CACHE_HOME").filter(|base| !base.is_empty()) {
        Some(base) => PathBuf::from(base),
        None => PathBuf::from(env::var_os("HOME").filter(|home| !home.is_empty())?).join(".cache"),
    };
    Some(base.join("dossier").join("models"))
}

/// The name of a model's file in the cache folder: its hash is in the name,
/// so a model of another build never stands in for this one.
fn cache_file_name(file: &ModelFile) -> String {
    format!("{}-{}-{:032x}", file.language, file.file_name, file.original_hash)
}

/// The model read back from the cache folder, when a file of the right size
/// and hash is there.
fn cached(file: &ModelFile, folder: &Path) -> Option<&'static [u8]> {
    let mut opened = File::open(folder.join(cache_file_name(file))).ok()?;
    if opened.metadata().ok()?.len() != file.size as u64 {
        return None;
    }
    let mut bytes = Vec::with_capacity(file.size);
    opened.read_to_end(&mut bytes).ok()?;
    // A file changed by hand is decompressed again, never given to `lingua`.
    if bytes.len() != file.size || xxhash_rust::xxh3::xxh3_128(&bytes) != file.original_hash {
        return None;
    }
    // Leaked on purpose, as the decompressed bytes are: `lingua` keeps the
    // model for the rest of the process.
    Some(Box::leak(bytes.into_boxed_slice()))
}

/// Stores a decompressed model in the cache folder for the next process.
/// Failing is harmless (the next process decompresses again), so errors are
/// only ignored.
fn store(file: &ModelFile, folder: &Path, bytes: &[u8]) {
    let write = || -> std::io::Result<()> {
        fs::create_dir_all(folder)?;
        let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
        temporary.write_all(bytes)?;
        temporary.persist(folder.join(cache_file_name(file)))?;
        Ok(())
    };
    let _ = write();
}

/// A model's bytes: mapped from the cache folder when there, else
/// decompressed (and stored there for the next process).
fn load(file: &ModelFile) -> &'static [u8] {
    let folder = cache_folder();
    if let Some(bytes) = folder.as_deref().and_then(|folder| cached(file, folder)) {
        return bytes;
    }
    let bytes = decompress(file);
    if let Some(folder) = folder {
        store(file, &folder, bytes);
    }
    bytes
}

fn decompress(file: &ModelFile) -> &'static [u8] {
    // A zeroed buffer of this size costs no page until it is written.
    let mut bytes = vec![0; file.size].into_boxed_slice();
    // The build decoded every compressed file with this decoder and compared
    // it with the original, so neither can fail with the shipped bytes.
    let written = zstd::bulk::decompress_to_buffer(file.compressed, &mut bytes[..])
        .unwrap_or_else(|error| panic!("the {} model {} does not decode: {error}", file.language, file.file_name));
    assert_eq!(written, file.size, "the {} model {} decodes to the wrong size", file.language, file.file_name);
    // Leaked on purpose: `lingua` keeps the model for the rest of the process.
    Box::leak(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_model_reads_back_and_a_changed_one_does_not() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let file = MODEL_FILES.iter().min_by_key(|file| file.size).expect("models are shipped");
        assert_eq!(cached(file, folder.path()), None, "an empty folder holds no model");

        let bytes = decompress(file);
        store(file, folder.path(), bytes);
        assert_eq!(cached(file, folder.path()), Some(bytes));

        // The same size but other bytes: decompressed again, never used.
        let path = folder.path().join(cache_file_name(file));
        let mut changed = bytes.to_vec();
        changed[0] ^= 0xFF;
        fs::write(&path, &changed).expect("the cached file is writable");
        assert_eq!(cached(file, folder.path()), None);
        fs::write(&path, &bytes[1..]).expect("the cached file is writable");
        assert_eq!(cached(file, folder.path()), None);
    }
}
