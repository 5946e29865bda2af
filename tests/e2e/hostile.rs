//! Hostile input through the real binary: every file that cannot be read or
//! decoded gets a clear error naming it, odd files get warnings, the rest of
//! the batch is reported, nothing panics or hangs, nothing is written.
//!
//! Inputs are generated here; no binary fixtures are committed.

use std::{fs, path::Path};

use serde_json::Value;

use crate::support::{dossier, run};

/// Runs `dossier ingest --format json` on `corpus` from `dir`; returns the exit
/// code and the JSON.
fn ingest(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let (output, stdout) =
        run(dossier().current_dir(dir).args(["ingest", "--format", "json", "--no-progress", "corpus"]).args(extra));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (output.status.code().expect("exited, not killed"), json)
}

fn corpus(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join("corpus").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    fs::create_dir_all(dir.path().join("corpus")).unwrap();
    dir
}

fn document<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == format!("corpus/{name}"))
        .unwrap_or_else(|| panic!("corpus/{name} not among the documents: {json}"))
}

fn error_of(json: &Value, name: &str) -> String {
    json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == format!("corpus/{name}"))
        .unwrap_or_else(|| panic!("corpus/{name} not among the errors: {json}"))["error"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn encode(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{text} is representable in {}", encoding.name());
    bytes.into_owned()
}

const HANS: &str = "阿里巴巴集团的首席执行官吴泳铭在杭州宣布，淘宝和天猫将回归用户，阿里云继续推进改革。";
const HANT: &str = "阿里巴巴集團的首席執行官張勇在杭州宣布，淘寶和天貓將回歸用戶，阿里雲繼續推進改革。";

#[test]
fn legacy_chinese_encodings_are_detected_and_reported() {
    let dir = corpus(&[
        ("gbk.txt", encode(encoding_rs::GBK, &HANS.repeat(3))),
        ("gb18030.txt", encode(encoding_rs::GB18030, &format!("{}𠀀", HANS.repeat(3)))),
        ("big5.txt", encode(encoding_rs::BIG5, &HANT.repeat(3))),
    ]);
    let (code, json) = ingest(dir.path(), &[]);
    assert_eq!(code, 0, "{json}");
    let seen = |name: &str| {
        let d = document(&json, name);
        (d["encoding"].as_str().unwrap().to_owned(), d["language"].as_str().unwrap().to_owned())
    };
    assert_eq!(seen("gbk.txt").1, "zh-Hans");
    assert!(["GBK", "gb18030"].iter().any(|e| seen("gbk.txt").0.eq_ignore_ascii_case(e)), "{:?}", seen("gbk.txt"));
    // encoding_rs's GBK decoder is GB18030's (as WHATWG defines it): four-byte sequences decode either way.
    assert_eq!(seen("gb18030.txt").1, "zh-Hans");
    assert_eq!(document(&json, "gb18030.txt")["chars"].as_u64().unwrap() as usize, HANS.chars().count() * 3 + 1);
    assert_eq!(seen("big5.txt"), ("Big5".to_owned(), "zh-Hant".to_owned()));
}

#[test]
fn every_byte_order_mark_is_honoured_and_spans_are_original_bytes() {
    let text = "Alibaba moved its headquarters to Hangzhou in 1999, and Taobao followed.";
    let utf16 = |big: bool| -> Vec<u8> {
        let mut bytes = if big { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for unit in text.encode_utf16() {
            bytes.extend(if big { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        bytes
    };
    let dir = corpus(&[
        ("utf8-bom.txt", [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat()),
        ("utf16le.txt", utf16(false)),
        ("utf16be.txt", utf16(true)),
    ]);
    let (code, json) = ingest(dir.path(), &[]);
    assert_eq!(code, 0, "{json}");
    for (name, encoding, unit) in
        [("utf8-bom.txt", "UTF-8", 1), ("utf16le.txt", "UTF-16LE", 2), ("utf16be.txt", "UTF-16BE", 2)]
    {
        let d = document(&json, name);
        assert_eq!((d["encoding"].as_str().unwrap(), d["language"].as_str().unwrap()), (encoding, "en"), "{d}");
        assert_eq!(d["chars"].as_u64().unwrap() as usize, text.chars().count(), "the BOM is not text: {d}");
        let span = &d["spans"][0];
        let bom = if unit == 1 { 3 } else { 2 };
        assert_eq!(span["start"].as_u64().unwrap() as usize, bom, "{d}");
        assert_eq!(span["end"].as_u64().unwrap() as usize, bom + text.len() * unit - unit, "{d}");
    }
}

#[test]
fn broken_text_is_decoded_with_warnings_that_give_the_offset() {
    // A UTF-8 file, clearly so from its many Chinese characters, damaged in two places.
    let mut invalid = format!("Jack Ma founded Alibaba in Hangzhou. {HANS}").into_bytes();
    let offset = invalid.len();
    invalid.extend(b"\xff\xfe broken here, then fine again until the truncated end \xe5\x90");
    let mut unpaired = vec![0xFF, 0xFE];
    for unit in "Hello ".encode_utf16().chain([0xD800]).chain(" world".encode_utf16()) {
        unpaired.extend(unit.to_le_bytes());
    }
    let dir = corpus(&[("invalid-utf8.txt", invalid), ("unpaired.txt", unpaired)]);
    let (code, json) = ingest(dir.path(), &[]);
    assert_eq!(code, 0, "a warning is not a failure: {json}");
    let warnings = &document(&json, "invalid-utf8.txt")["warnings"];
    assert_eq!(warnings[0]["offset"].as_u64(), Some(offset as u64), "{warnings}");
    assert!(warnings[0]["message"].as_str().unwrap().contains(&offset.to_string()), "{warnings}");
    let warnings = &document(&json, "unpaired.txt")["warnings"];
    assert_eq!(warnings[0]["offset"].as_u64(), Some(2 + 6 * 2), "{warnings}");
}

#[test]
fn empty_binary_and_oversized_files() {
    let dir = corpus(&[
        ("empty.txt", Vec::new()),
        ("zeros.bin", vec![0; 4096]),
        ("elf", [&b"\x7fELF\x02\x01\x01\0"[..], &[0u8; 64]].concat()),
        ("large.txt", b"a".repeat(10_001)),
        ("fine.txt", b"Some English text about Alibaba and its founders.".to_vec()),
    ]);
    let (code, json) = ingest(dir.path(), &["--max-file-size", "10000"]);
    assert_eq!(code, 1);
    assert_eq!(document(&json, "empty.txt")["language"], "und");
    assert_eq!(document(&json, "fine.txt")["language"], "en");
    assert!(error_of(&json, "zeros.bin").starts_with("binary file"));
    assert!(error_of(&json, "elf").starts_with("binary file"));
    assert_eq!(error_of(&json, "large.txt"), "file is 10001 bytes, over the limit of 10000 bytes");
}

#[test]
fn a_single_line_of_fifty_megabytes_is_ingested() {
    let paragraph = "The company moved its offices to a new building near the river last year, and the \
        employees who had worked there for a long time were not happy about the change. ";
    let half = paragraph.repeat(25 * 1024 * 1024 / paragraph.len());
    let line = format!("{half}阿里巴巴與螞蟻集團把總部搬到了杭州。{half}");
    let dir = corpus(&[("long-line.txt", line.into_bytes())]);
    let (code, json) = ingest(dir.path(), &[]);
    assert_eq!(code, 0, "{json}");
    let d = document(&json, "long-line.txt");
    assert!(d["bytes"].as_u64().unwrap() > 50_000_000);
    let languages: Vec<&str> =
        d["languages"].as_array().unwrap().iter().map(|l| l["language"].as_str().unwrap()).collect();
    assert!(languages.contains(&"en") && languages.contains(&"zh-Hant"), "{languages:?}");
}

#[test]
fn twenty_thousand_tiny_files_and_deep_nesting() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    for i in 0..20_000 {
        let sub = corpus.join(format!("{:03}", i / 100));
        if i % 100 == 0 {
            fs::create_dir_all(&sub).unwrap();
        }
        fs::write(sub.join(format!("{i}.txt")), format!("note {i}")).unwrap();
    }
    let mut deep = corpus.join("deep");
    for level in 0..100 {
        deep = deep.join(format!("level{level}"));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("bottom.txt"), "At the bottom of a very deep folder.").unwrap();
    let (code, json) = ingest(dir.path(), &[]);
    assert_eq!(code, 0);
    let documents = json["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 20_001);
    // Ordered by path, whatever the threads did.
    let paths: Vec<&str> = documents.iter().map(|d| d["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert!(paths.iter().any(|p| p.ends_with("level99/bottom.txt")));
}

#[cfg(unix)]
#[test]
fn unreadable_file_and_folder_for_an_ordinary_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = corpus(&[
        ("secret.txt", b"secret".to_vec()),
        ("closed/inner.txt", b"x".to_vec()),
        ("open.txt", b"Hello there, friends.".to_vec()),
    ]);
    let corpus = dir.path().join("corpus");
    fs::set_permissions(corpus.join("secret.txt"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(corpus.join("closed"), fs::Permissions::from_mode(0o000)).unwrap();
    // Everyone may enter the temporary folder; only the two entries above are closed.
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&corpus, fs::Permissions::from_mode(0o755)).unwrap();

    // Root reads everything, so run the binary as nobody when the tests run as root.
    let is_root = std::process::Command::new("id").arg("-u").output().unwrap().stdout.starts_with(b"0");
    let mut command = if is_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_dossier")]);
        c
    } else {
        dossier()
    };
    let (output, stdout) = run(command.current_dir(dir.path()).args(["ingest", "--format", "json", "corpus"]));
    fs::set_permissions(corpus.join("closed"), fs::Permissions::from_mode(0o755)).unwrap();
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {output:?}"));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(error_of(&json, "secret.txt"), "permission denied");
    assert_eq!(error_of(&json, "closed"), "permission denied");
    assert_eq!(document(&json, "open.txt")["language"], "en");
}
