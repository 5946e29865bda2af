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

/// `dossier lookup --format json TEXT seeds` from the repository root.
fn lookup(text: &str) -> (i32, Value, String) {
    let root = seeds().parent().unwrap().to_path_buf();
    let (output, stdout) = run(dossier().current_dir(&root).args(["lookup", "--format", "json", text, "seeds"]));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json = if stdout.is_empty() { Value::Null } else { serde_json::from_str(&stdout).unwrap() };
    (output.status.code().unwrap(), json, stderr)
}

/// Mention counts per corpus document (notes left out), after checking that
/// every mention's bytes, line and UTF-16 column point at its surface text.
fn checked_document_counts(card: &Value) -> Vec<(String, usize)> {
    let root = seeds().parent().unwrap().to_path_buf();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for mention in card["mentions"].as_array().unwrap() {
        let path = mention["path"].as_str().unwrap();
        let bytes = fs::read(root.join(path)).unwrap();
        let (start, end) = (mention["start"].as_u64().unwrap() as usize, mention["end"].as_u64().unwrap() as usize);
        let surface = std::str::from_utf8(&bytes[start..end]).expect("a mention falls on character boundaries");
        assert_eq!(surface, mention["surface"], "{mention}");
        let text = std::str::from_utf8(&bytes).unwrap();
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        assert_eq!(mention["line"].as_u64().unwrap() as usize, text[..start].matches('\n').count(), "{mention}");
        assert_eq!(
            mention["character"].as_u64().unwrap() as usize,
            text[line_start..start].encode_utf16().count(),
            "{mention}"
        );
        if path.ends_with(".txt") {
            *counts.entry(path.rsplit('/').next().unwrap()[..3].to_owned()).or_default() += 1;
        }
    }
    counts.into_iter().collect()
}

fn aliases(card: &Value) -> Vec<&str> {
    card["aliases"].as_array().unwrap().iter().map(|a| a["text"].as_str().unwrap()).collect()
}

fn counts(expected: &[(&str, usize)]) -> Vec<(String, usize)> {
    expected.iter().map(|(d, n)| (d.to_string(), *n)).collect()
}

#[test]
fn lookup_resolves_pinyin_to_han_with_exact_ranges() {
    let (code, card, stderr) = lookup("Wu Yongming");
    assert_eq!(code, 0, "{stderr}");
    assert!(aliases(&card).contains(&"吴泳铭"), "{card}");
    assert_eq!(checked_document_counts(&card), counts(&[("001", 1), ("002", 14)]));
}

#[test]
fn lookup_folds_simplified_and_traditional() {
    for text in ["张勇", "張勇", "Zhang Yong"] {
        let (code, card, stderr) = lookup(text);
        assert_eq!(code, 0, "{text}: {stderr}");
        let aliases = aliases(&card);
        assert!(aliases.contains(&"张勇") && aliases.contains(&"張勇"), "{text}: {aliases:?}");
        assert_eq!(checked_document_counts(&card), counts(&[("002", 5), ("003", 12)]), "{text}");
    }
    let (_, card, _) = lookup("Taobao");
    let aliases = aliases(&card);
    assert!(aliases.contains(&"淘宝") && aliases.contains(&"淘寶"), "{aliases:?}");
}

#[test]
fn lookup_coinages_and_longest_names() {
    let (_, card, _) = lookup("1+6+N");
    assert_eq!(checked_document_counts(&card), counts(&[("001", 4), ("002", 1)]));
    let (_, card, _) = lookup("Ant Financial");
    assert_eq!(checked_document_counts(&card), counts(&[("004", 45)]));
    // "Ant Financial" is not also an "Ant Group", nor an "Ant".
    let (code, card, _) = lookup("Ant Group");
    assert_eq!(code, 0);
    assert_eq!(checked_document_counts(&card), counts(&[("000", 1)]));
}

#[test]
fn lookup_of_an_unknown_name_fails_with_suggestions() {
    let (code, card, stderr) = lookup("Alibabba");
    assert_eq!(code, 1);
    assert_eq!(card, Value::Null, "nothing on stdout");
    assert!(stderr.contains("no term matches “Alibabba”"), "{stderr}");
    assert!(stderr.contains("did you mean") && stderr.contains("Alibaba"), "{stderr}");
}

/// `dossier lookup --format json TEXT` over the five documents alone, with no notes.
fn lookup_without_notes(text: &str) -> (i32, Value) {
    let root = seeds().parent().unwrap().to_path_buf();
    let documents: Vec<String> = (0..5)
        .map(|i| {
            let name = fs::read_dir(root.join("seeds"))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .find(|n| n.starts_with(&format!("00{i}_")))
                .unwrap();
            format!("seeds/{name}")
        })
        .collect();
    let (output, stdout) =
        run(dossier().current_dir(&root).args(["lookup", "--format", "json", text]).args(&documents));
    let json = if stdout.is_empty() { Value::Null } else { serde_json::from_str(&stdout).unwrap() };
    (output.status.code().unwrap(), json)
}

#[test]
fn dictionary_names_link_scripts_no_romanization_can() {
    let (code, card) = lookup_without_notes("Jack Ma");
    assert_eq!(code, 0, "{card}");
    assert!(aliases(&card).contains(&"马云"), "{card}");
    let documents: Vec<String> = checked_document_counts(&card).into_iter().map(|(d, _)| d).collect();
    assert_eq!(documents, ["000", "001", "002"]);

    let (_, card) = lookup_without_notes("Alibaba");
    assert!(aliases(&card).contains(&"阿里巴巴"), "{card}");
    assert!(checked_document_counts(&card).iter().any(|(d, _)| d == "003"), "{card}");

    let (_, card) = lookup_without_notes("腾讯");
    assert!(aliases(&card).contains(&"Tencent"), "{card}");
    assert!(checked_document_counts(&card).iter().any(|(d, _)| d == "004"), "{card}");

    let (code, card) = lookup_without_notes("Pinduoduo");
    assert_eq!(code, 0);
    assert!(aliases(&card).contains(&"拼多多"), "{card}");

    let (_, card) = lookup_without_notes("菜鸟");
    assert!(!aliases(&card).iter().any(|a| a.eq_ignore_ascii_case("rookie")), "{card}");
}

/// The term of `text` in the documents without the glossary notes: its label,
/// kind and aliases, or `None`.
fn term_without_notes(text: &str) -> Option<(String, String, Vec<String>)> {
    let (code, card) = lookup_without_notes(text);
    (code == 0).then(|| {
        let aliases = aliases(&card).into_iter().map(str::to_owned).collect();
        (card["label"].as_str().unwrap().to_owned(), card["kind"].as_str().unwrap().to_owned(), aliases)
    })
}

#[test]
fn names_found_without_glossary_notes() {
    // Names the corpus uses that no dictionary has: found as new words.
    for (name, also) in [("天猫", "天貓"), ("阿里云", "阿里雲"), ("逍遙子", "逍遙子"), ("饿了么", "Ele.me")]
    {
        let (_, _, aliases) = term_without_notes(name).unwrap_or_else(|| panic!("{name} is a term"));
        assert!(aliases.iter().any(|a| a == also), "{name}: {aliases:?}");
    }
    assert!(term_without_notes("WeChat").is_some(), "bare WeChat is a term");
    // A name of a name and an ordinary word: 阿里 + 云 "cloud" is "Alibaba Cloud".
    assert_eq!(term_without_notes("Alibaba Cloud").map(|t| t.0), term_without_notes("阿里云").map(|t| t.0));

    // Short forms and group names reach Alibaba.
    let (label, kind, _) = term_without_notes("Alibaba").unwrap();
    assert_eq!((label.as_str(), kind.as_str()), ("Alibaba", "organization"));
    for name in ["阿里", "阿里集团", "阿里巴巴集团", "Alibaba Group"] {
        assert_eq!(term_without_notes(name).map(|t| t.0), Some(label.clone()), "{name}");
    }

    // Kinds from the dictionary's glosses, not from a tagger's guess.
    assert_eq!(term_without_notes("京东").map(|t| t.1).as_deref(), Some("organization"));
    // And from what the text says of a name: "a Gaode employee" works for a company.
    assert_eq!(term_without_notes("高德").map(|t| t.1).as_deref(), Some("organization"));
    // Ordinary words are no terms.
    for word in ["wants", "公司", "集团"] {
        assert_eq!(term_without_notes(word), None, "{word}");
    }
}
