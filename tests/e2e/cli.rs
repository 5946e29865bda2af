//! `dossier ingest`, `dossier terms` and `dossier lookup` from the command line.

use std::fs;

use serde_json::Value;

use crate::support::{dossier, run, seeds};

fn ingest_json(dir: &std::path::Path, args: &[&str]) -> (i32, Value, String) {
    let (output, stdout) = run(dossier().current_dir(dir).args(["ingest", "--format", "json"]).args(args));
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (output.status.code().unwrap(), json, String::from_utf8_lossy(&output.stderr).into_owned())
}

fn document<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("{name} not in {json}"))
}

#[test]
fn ingest_reports_the_languages_of_the_sample_corpus() {
    let root = seeds().parent().unwrap().to_path_buf();
    let (code, json, stderr) = ingest_json(&root, &["seeds"]);
    assert_eq!(code, 0, "{stderr}");
    let languages: Vec<(String, String)> = json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().ends_with(".txt"))
        .map(|d| (d["path"].as_str().unwrap().to_owned(), d["language"].as_str().unwrap().to_owned()))
        .collect();
    let expected = [
        ("seeds/000_96006c4eabdda246.txt", "en"),
        ("seeds/001_acc51af5d4f082ee.txt", "en"),
        ("seeds/002_0ed0b34c33c415fc.txt", "zh-Hans"),
        ("seeds/003_70d5d871f5571266.txt", "zh-Hant"),
        ("seeds/004_206be7d20eb24e43.txt", "en"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(p, l)| (p.to_string(), l.to_string())).collect();
    assert_eq!(languages, expected);
    assert!(json["errors"].as_array().unwrap().is_empty());

    // Every document reports its encoding, size, hash and shares that add up.
    for document in json["documents"].as_array().unwrap() {
        assert_eq!(document["encoding"], "UTF-8");
        let path = root.join(document["path"].as_str().unwrap());
        assert_eq!(document["bytes"].as_u64().unwrap(), fs::metadata(&path).unwrap().len());
        assert_eq!(document["hash"].as_str().unwrap().len(), 16);
        let total: f64 = document["languages"].as_array().unwrap().iter().map(|l| l["share"].as_f64().unwrap()).sum();
        assert!((total - 1.0).abs() < 0.01, "{document}");
    }
}

#[test]
fn english_stretch_inside_chinese_is_a_span_with_exact_bytes() {
    let root = seeds().parent().unwrap().to_path_buf();
    let (_, json, _) = ingest_json(&root, &["seeds/002_0ed0b34c33c415fc.txt"]);
    let document = document(&json, "002_0ed0b34c33c415fc.txt");
    let bytes = fs::read(root.join("seeds/002_0ed0b34c33c415fc.txt")).unwrap();
    let english: Vec<String> = document["spans"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["language"] == "en")
        .map(|s| {
            let (start, end) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
            String::from_utf8(bytes[start..end].to_vec()).expect("spans fall on character boundaries")
        })
        .collect();
    assert!(english.iter().any(|s| s.contains("Make Alibaba Great Again")), "{english:?}");
    let shares = document["languages"].as_array().unwrap();
    assert_eq!(shares[0]["language"], "zh-Hans");
    assert!(shares.iter().any(|s| s["language"] == "en"), "{shares:?}");
}

#[test]
fn bad_files_are_reported_and_the_rest_of_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    fs::write(corpus.join("good.txt"), "Alibaba Group moved to Hangzhou.").unwrap();
    fs::write(corpus.join("empty.txt"), "").unwrap();
    fs::write(corpus.join("image.bin"), [0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0, 0xff, 0xfe, 0]).unwrap();
    fs::write(corpus.join("big.txt"), "x".repeat(2000)).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&corpus, corpus.join("loop")).unwrap();
    let before = snapshot(&corpus);

    let (code, json, _) = ingest_json(dir.path(), &["corpus", "missing.txt", "--max-file-size", "1000"]);
    assert_eq!(code, 1);
    let mut errors: Vec<(String, String)> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap().to_owned(), e["error"].as_str().unwrap().to_owned()))
        .collect();
    errors.sort();
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert_eq!(errors[0], ("corpus/big.txt".to_owned(), "file is 2000 bytes, over the limit of 1000 bytes".to_owned()));
    assert!(errors[1].0 == "corpus/image.bin" && errors[1].1.starts_with("binary file"), "{errors:?}");
    assert!(errors[2].0 == "corpus/loop" && errors[2].1.starts_with("symlink loop"), "{errors:?}");
    assert_eq!(errors[3], ("missing.txt".to_owned(), "no such file or folder".to_owned()));

    let documents: Vec<(&str, &str)> = json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["language"].as_str().unwrap()))
        .collect();
    assert_eq!(documents, [("corpus/empty.txt", "und"), ("corpus/good.txt", "en")]);
    assert_eq!(snapshot(&corpus), before, "the corpus must never be written to");
}

/// Names, sizes and modification times of a folder's files.
fn snapshot(dir: &std::path::Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter_map(|e| {
            let meta = fs::symlink_metadata(e.path()).ok()?;
            Some((e.file_name().to_string_lossy().into_owned(), meta.len(), meta.modified().ok()?))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn table_output_names_each_file_and_usage_errors_exit_2() {
    let root = seeds().parent().unwrap().to_path_buf();
    let (output, stdout) = run(dossier().current_dir(&root).args(["ingest", "seeds/003_70d5d871f5571266.txt"]));
    assert_eq!(output.status.code(), Some(0));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("path") && lines[0].contains("encoding"), "{stdout}");
    assert!(lines[1].starts_with("seeds/003_70d5d871f5571266.txt") && lines[1].contains("zh-Hant"), "{stdout}");

    let (output, _) = run(dossier().args(["ingest", "--format", "yaml"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("yaml"));
}
