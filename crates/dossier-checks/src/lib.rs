//! Invariant checks over arbitrary input, shared by the fuzz targets in
//! `fuzz/` and by the test that replays their saved inputs
//! (`tests/data/fuzz-regressions/<target>/`) under `cargo test`.
//!
//! Each check takes any bytes, runs one part of Dossier on them and panics
//! when an invariant documented in `docs/architecture.md` or in the crates'
//! docs does not hold. A check never fails on input Dossier may refuse (an
//! oversized or binary file is an `IngestError`, not a crash).
//!
//! ```
//! // Any bytes at all: a panic here is a bug in Dossier.
//! for check in dossier_checks::TARGETS {
//!     (check.run)("張勇說 Hello\r\n😀".as_bytes());
//! }
//! ```
//!
//! Most checks turn bytes that are not UTF-8 into text through a small
//! alphabet of tokens chosen for the part under test (line ends, surrogate
//! pairs, front matter syntax, names in several scripts), so that a fuzzer's
//! random bytes make interesting text instead of replacement characters,
//! while valid UTF-8 (a dictionary word, a saved input) is used as it is.
#![deny(missing_docs)]

use std::sync::Arc;

use dossier_index::{Index, Source, SourceKind, note_links};
use dossier_ingest::{
    Document, IngestConfig, LineCol, LineIndex, PositionEncoding, ScriptClass, ingest as ingest_bytes, script_runs,
};

/// One fuzz target: its name (the file name under `fuzz/fuzz_targets/` and
/// the folder of its saved inputs) and its check.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The target's name, e.g. `ingest`.
    pub name: &'static str,
    /// The check; panics when an invariant is broken.
    pub run: fn(&[u8]),
}

/// Every target. (`cargo xtask fuzz` finds them as the files of `fuzz/fuzz_targets/`.)
pub const TARGETS: &[Target] = &[
    Target { name: "ingest", run: ingest },
    Target { name: "scripts", run: scripts },
    Target { name: "notes", run: notes },
    Target { name: "front_matter", run: front_matter },
    Target { name: "terms", run: terms },
    Target { name: "positions", run: positions },
    Target { name: "transport", run: transport },
];

/// Arbitrary bytes through `dossier_ingest::ingest`: either a typed error or a
/// document whose maps send every range back into the file, in order.
pub fn ingest(bytes: &[u8]) {
    let Ok(document) = ingest_bytes("fuzz.txt", bytes, &IngestConfig::default()) else { return };
    check_document(&document, bytes);
}

/// Script runs and language detection on text: runs cover the text in
/// order on char boundaries, each holds letters of its script only, and
/// language spans run from a letter to a letter. The first byte picks a
/// language restriction (`IngestConfig::languages`), the rest is the text.
pub fn scripts(bytes: &[u8]) {
    const RESTRICTIONS: &[&[&str]] =
        &[&["en"], &["zh"], &["zh-Hant"], &["zh-Hans", "en"], &["ja", "ko"], &[], &["xx-invalid", "FR"]];
    const ALPHABET: &[&str] = &[
        "a",
        "Z",
        " ",
        "張",
        "张",
        "ア",
        "あ",
        "한",
        "Д",
        "ع",
        "א",
        "α",
        "क",
        "ก",
        "\u{301}",
        "1",
        "。",
        "\n",
        "ー",
        "・",
        "😀",
        "\u{200d}",
        "the ",
        "阿里巴巴",
        "說",
        "説",
        "é",
        "\r\n",
        "ß",
    ];
    let Some((&selector, rest)) = bytes.split_first() else { return };
    let text = text_of(rest, ALPHABET);

    let runs = script_runs(&text);
    assert_eq!(runs.is_empty(), text.is_empty(), "runs of {text:?}: {runs:?}");
    let mut expected_start = 0;
    for (i, run) in runs.iter().enumerate() {
        assert_eq!(run.range.start, expected_start, "runs leave a gap in {text:?}: {runs:?}");
        assert!(run.range.start < run.range.end, "empty run in {text:?}: {runs:?}");
        assert!(text.is_char_boundary(run.range.end), "run inside a char in {text:?}: {runs:?}");
        if i > 0 {
            assert_ne!(run.script, runs[i - 1].script, "two runs of one script in a row in {text:?}: {runs:?}");
        }
        for c in text[run.range.clone()].chars() {
            if let Some(script) = ScriptClass::of(c) {
                assert_eq!(script, run.script, "{c:?} in a {:?} run of {text:?}", run.script);
            }
        }
        if run.script == ScriptClass::Common {
            assert_eq!(runs.len(), 1, "a Common run beside others in {text:?}: {runs:?}");
        }
        expected_start = run.range.end;
    }
    assert_eq!(expected_start, text.len(), "runs stop short in {text:?}: {runs:?}");

    let restriction = match usize::from(selector) % (RESTRICTIONS.len() + 1) {
        0 => None,
        n => Some(RESTRICTIONS[n - 1].iter().map(|tag| (*tag).to_owned()).collect()),
    };
    let config = IngestConfig { languages: restriction, ..IngestConfig::default() };
    let Ok(document) = ingest_bytes("fuzz.txt", text.as_bytes(), &config) else { return };
    check_document(&document, text.as_bytes());
    // Letters as language detection counts them: alphabetic characters,
    // combining letters such as U+036A included.
    let letter_at = |offset: usize| text[offset..].chars().next().is_some_and(char::is_alphabetic);
    let letter_before = |offset: usize| text[..offset].chars().next_back().is_some_and(char::is_alphabetic);
    // Span offsets are original bytes: the text itself only when it was read as UTF-8.
    for span in document.spans.iter().filter(|_| document.encoding == "UTF-8") {
        assert!(letter_at(span.start) && letter_before(span.end), "span {span:?} of {text:?} is not letter to letter");
    }
}

/// Any text as a Markdown note, alone in an index: parsing never fails,
/// every location (terms, mentions, problems, links) slices the note on
/// char boundaries, and every alias resolves.
pub fn notes(bytes: &[u8]) {
    const ALPHABET: &[&str] = &[
        "---\n",
        "---",
        "...\n",
        "\n",
        "\r\n",
        "title: ",
        "aliases: ",
        "alias: ",
        "kind: person",
        "kind: x",
        "[",
        "]",
        ", ",
        "，",
        "- ",
        "  ",
        "{",
        "}",
        ": ",
        "'",
        "\"",
        "&a ",
        "*a",
        "!!str ",
        "|",
        ">",
        "#",
        "# ",
        "张勇",
        "Zhang Yong",
        "[[",
        "]]",
        "(",
        ")",
        "x.md",
        "https://",
        "1e3",
        "null",
        "~",
        "\t",
        "😀",
        "吴泳铭",
        "Alibaba",
        "?",
        "%",
        "@",
    ];
    check_note(&text_of(bytes, ALPHABET));
}

/// The `notes` checks on one note's text; returns its index.
fn check_note(text: &str) -> Index {
    let document = ingest_text("notes/fuzz.md", text);
    let index = Index::build(vec![Arc::new(Source { kind: SourceKind::Note, document: document.clone() })]);
    check_index(&index, &[(&document, text.as_bytes())]);
    let links = note_links(&document.text);
    let mut previous_end = 0;
    for link in &links {
        let range = link.text_range.clone();
        assert!(previous_end <= range.start && range.start < range.end, "links out of order: {links:?}");
        assert!(document.text.get(range.clone()).is_some(), "link {link:?} does not slice {:?}", document.text);
        assert!(document.text[range].contains(&link.target), "link {link:?} in {:?}", document.text);
        assert!(!link.target.is_empty(), "empty link target: {link:?}");
        previous_end = link.text_range.end;
    }
    index
}

/// Front matter built from the bytes, piece by piece: nesting up to 65,535
/// levels deep (block lists, flow lists, block mappings; 64 KiB in all), chains of anchors
/// and aliases (up to twelve levels of twelve, the "billion laughs"), keys
/// and values up to 64 KiB, hundreds of aliases, and the
/// `notes` alphabet in between, so that a 4 KiB input makes front matter far
/// beyond 4 KiB. The `notes` checks hold, the check returns (no stack overflow,
/// no runaway expansion of aliases), and front matter that cannot be read
/// is a problem that says so.
pub fn front_matter(bytes: &[u8]) {
    let index = check_note(&front_matter_of(bytes));
    for problem in index.problems() {
        let known =
            problem.message.starts_with("broken front matter: ") || problem.message.starts_with("unknown kind ");
        assert!(known || !problem.message.contains("front matter"), "problem {:?}", problem.message);
    }
}

/// The text of [`front_matter`]'s note: `---`, the pieces the bytes pick, `---`, a body.
fn front_matter_of(bytes: &[u8]) -> String {
    const TOKENS: &[&str] = &[
        "\n",
        "title: ",
        "aliases: ",
        "kind: person",
        "- ",
        "  ",
        "[",
        "]",
        "{",
        "}",
        ": ",
        ", ",
        "'",
        "\"",
        "&a ",
        "*a",
        "&b ",
        "*b",
        "<<: ",
        "!!str ",
        "!!binary ",
        "|\n",
        ">\n",
        "#",
        "? ",
        "---\n",
        "...\n",
        "%YAML 1.2\n",
        "张勇",
        "Zhang Yong",
        "\t",
        "\r\n",
        "😀",
        "~",
        "null",
        "1e999",
        "-0x1F",
        "\\u0000",
    ];
    // Bounds that keep one execution short: the first 4 KiB of the bytes
    // (saved inputs and the sample corpus are replayed through this too),
    // and front matter of 64 KiB (cut there: enough for 32,000 levels).
    const MAX_OPS_BYTES: usize = 4096;
    const MAX_YAML_BYTES: usize = 64 << 10;
    let mut yaml = String::new();
    let mut bytes = bytes.iter().take(MAX_OPS_BYTES).copied();
    let mut next = || bytes.next();
    while yaml.len() < MAX_YAML_BYTES
        && let Some(op) = next()
    {
        let arg = |next: &mut dyn FnMut() -> Option<u8>| {
            u16::from_le_bytes([next().unwrap_or(0), next().unwrap_or(0)]) as usize
        };
        match op % 8 {
            0 => {
                let depth = arg(&mut next);
                match depth % 3 {
                    0 => yaml.push_str(&"- ".repeat(depth)),
                    1 => yaml.push_str(&format!("x: {}{}", "[".repeat(depth), "]".repeat(depth))),
                    // Indentation grows with the depth: the text grows as its square.
                    _ => (0..depth.min(2000))
                        .for_each(|level| yaml.push_str(&format!("{}k{level}:\n", " ".repeat(level)))),
                }
                yaml.push_str("x\n");
            }
            1 => {
                let (levels, fanout) = (usize::from(next().unwrap_or(0) % 13), usize::from(next().unwrap_or(0) % 13));
                yaml.push_str(&format!("l0: &l0 [{}]\n", vec!["lol"; fanout].join(", ")));
                for level in 1..levels {
                    let previous = vec![format!("*l{}", level - 1); fanout].join(", ");
                    yaml.push_str(&format!("l{level}: &l{level} [{previous}]\n"));
                }
            }
            2 => yaml.push_str(&format!("{}: v\n", "k".repeat(arg(&mut next) * 4))),
            3 => yaml.push_str(&format!("title: {}\n", "張".repeat(arg(&mut next)))),
            4 => {
                let names: Vec<String> = (0..arg(&mut next) % 500).map(|i| format!("Name{i}")).collect();
                yaml.push_str(&format!("aliases: [{}]\n", names.join(", ")));
            }
            5 => yaml.push_str(&format!("&x{0} v{0}: *x{0}\n", next().unwrap_or(0))),
            _ => yaml.push_str(TOKENS[usize::from(next().unwrap_or(0)) % TOKENS.len()]),
        }
    }
    let mut cut = yaml.len().min(MAX_YAML_BYTES);
    while !yaml.is_char_boundary(cut) {
        cut -= 1;
    }
    yaml.truncate(cut);
    format!("---\n{yaml}\n---\n# Heading\n\nBody.\n")
}

/// A client's whole output built from the bytes, frame by frame, through the
/// language server's transport guard: ids of every JSON type and size
/// (`i64::MAX + 1`, `u64::MAX`, `1.5`, objects), keys written twice, header
/// lines that are not UTF-8 or 20,000 bytes long, `Content-Length` values
/// far over the limit (with and without the body), responses with broken
/// errors, and bodies of JSON pieces. Every message the guard passes on is
/// one the server's decoder reads (its first unreadable one would end the
/// session), a last request sent after all of them still reaches the
/// server, and everything sent back to the client is framed JSON-RPC errors.
pub fn transport(bytes: &[u8]) {
    const IDS: &[&str] = &[
        "1",
        "-1",
        "0",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "-9223372036854775809",
        "1e400",
        "1.5",
        "\"a\"",
        "null",
        "{}",
        "[]",
        "true",
    ];
    const PIECES: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"jsonrpc\"",
        "\"2.0\"",
        "\"id\"",
        "\"method\"",
        "\"params\"",
        "\"result\"",
        "\"error\"",
        "1",
        "null",
        "\"\\ud800\"",
        "\"張\"",
        " ",
        "\n",
        "\u{0}",
        "\"code\"",
        "\"message\"",
    ];
    let frame = |body: &[u8]| [format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes(), body].concat();
    let mut input = Vec::new();
    let mut bytes = bytes.iter().take(4096).copied();
    let mut next = || bytes.next().unwrap_or(0);
    let mut ops = 0;
    while ops < 512 {
        let op = next();
        if op == 0 && input.len() > 1 << 20 {
            break;
        }
        ops += 1;
        let id = IDS[usize::from(next()) % IDS.len()];
        let body = match op % 8 {
            0 => format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"m","params":{{}}}}"#).into_bytes(),
            1 => format!(r#"{{"jsonrpc":"2.0","jsonrpc":"2.0","id":{id},"id":1,"method":"a","method":"$/b","params":{{"k":1,"k":[]}}}}"#).into_bytes(),
            2 => {
                // A header line that is not UTF-8 or very long, then a message.
                let junk: Vec<u8> = match next() % 3 {
                    0 => b"X-Junk: \xff\xfe\xc3\r\n".to_vec(),
                    1 => [b"X-Long: ".as_slice(), &vec![b'x'; 20_000], b"\r\n"].concat(),
                    _ => b"Content-Type: application/vscode-jsonrpc; charset=latin1\r\n".to_vec(),
                };
                input.extend(junk);
                format!(r#"{{"jsonrpc":"2.0","method":"n","params":{{"id":{id}}}}}"#).into_bytes()
            }
            3 => {
                let length = match next() % 4 {
                    0 => "18446744073709551615".to_owned(),
                    1 => "99999999999999999999999999999".to_owned(),
                    2 => (dossier_lsp::fuzzing::INPUT_LIMIT + 1).to_string(),
                    _ => "268435457".to_owned(),
                };
                input.extend(format!("Content-Length: {length}\r\n\r\n").as_bytes());
                if length == (dossier_lsp::fuzzing::INPUT_LIMIT + 1).to_string() {
                    input.extend(vec![b' '; dossier_lsp::fuzzing::INPUT_LIMIT + 1]);
                }
                continue;
            }
            4 => {
                let pieces = usize::from(next() % 32);
                (0..pieces).map(|_| PIECES[usize::from(next()) % PIECES.len()]).collect::<String>().into_bytes()
            }
            5 => match next() % 4 {
                0 => format!(r#"{{"jsonrpc":"2.0","id":{id},"result":[1]}}"#),
                1 => format!(r#"{{"jsonrpc":"2.0","id":{id},"error":5}}"#),
                2 => format!(r#"{{"jsonrpc":"2.0","id":{id},"error":{{"code":1,"message":"m","x":1}}}}"#),
                _ => format!(r#"{{"jsonrpc":"1.0","id":{id},"method":"m"}}"#),
            }
            .into_bytes(),
            6 => {
                // Bytes between frames, ended as a header line.
                let mut junk: Vec<u8> = (0..next() % 16).map(|_| next()).filter(|&b| b != b'\n').collect();
                junk.extend(b"\r\n");
                input.extend(junk);
                continue;
            }
            _ => format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"$/x"}}"#).into_bytes(),
        };
        input.extend(frame(&body));
    }
    let last = br#"{"jsonrpc":"2.0","id":"last","method":"shutdown"}"#;
    input.extend(frame(last));

    let transcript = dossier_lsp::fuzzing::transport(&input);
    for body in &transcript.to_server {
        assert!(dossier_lsp::fuzzing::server_reads(body), "the server cannot read {:?}", String::from_utf8_lossy(body));
    }
    let passed_last =
        transcript.to_server.last().and_then(|body| serde_json::from_slice::<serde_json::Value>(body).ok());
    assert_eq!(passed_last.as_ref().map(|m| &m["id"]), Some(&serde_json::json!("last")), "the last request was lost");
    let mut answers = transcript.to_client.as_slice();
    while !answers.is_empty() {
        let header_end = answers.windows(4).position(|w| w == b"\r\n\r\n").expect("a framed answer");
        let header = std::str::from_utf8(&answers[..header_end]).expect("a UTF-8 header");
        let length: usize = header.strip_prefix("Content-Length: ").expect("a Content-Length header").parse().unwrap();
        let body = &answers[header_end + 4..header_end + 4 + length];
        let answer: serde_json::Value = serde_json::from_slice(body).expect("an answer in JSON");
        let code = answer["error"]["code"].as_i64();
        assert!(matches!(code, Some(-32700 | -32600 | -32601)) && answer.get("id").is_some(), "answer {answer}");
        answers = &answers[header_end + 4 + length..];
    }
}

/// Any text as a corpus document, indexed with one fixed note: every
/// mention's ranges slice the decoded text and the original bytes on char
/// boundaries and say the same thing, and the lookup tables agree with the
/// terms.
pub fn terms(bytes: &[u8]) {
    const ALPHABET: &[&str] = &[
        "Alibaba",
        " Group",
        " ",
        "阿里巴巴",
        "張勇",
        "张勇",
        "Zhang Yong",
        "Jack Ma",
        "马云",
        "，",
        "。",
        "\n",
        "(",
        ")",
        "CEO ",
        "'s",
        "“",
        "”",
        "《",
        "》",
        "又称",
        " also known as ",
        "the ",
        "Ma",
        "Make",
        "淘宝",
        "淘寶",
        ".",
        "Wu Yongming",
        "吴泳铭",
        "Ant Financial",
        "\u{301}",
        "ǅ",
        "İ",
        "ﬁ",
        "Σ",
        "ς",
        "ー",
        "😀",
        "\r",
        "1+6+N",
        "-",
    ];
    const NOTE: &str = "---\ntitle: Jack Ma\nkind: person\naliases: [马云, 風清揚, 风清扬, Ma Yun]\n---\n# Jack Ma\n\n\
                        Co-founder of Alibaba; his nickname was 风清扬.\n";
    let text = text_of(bytes, ALPHABET);
    let original = if std::str::from_utf8(bytes).is_ok() { bytes } else { text.as_bytes() };
    let Ok(document) = ingest_bytes("fuzz.txt", original, &IngestConfig::default()) else { return };
    let note = ingest_text("notes/jack-ma.md", NOTE);
    let index = Index::build(vec![
        Arc::new(Source { kind: SourceKind::Document, document: document.clone() }),
        Arc::new(Source { kind: SourceKind::Note, document: note.clone() }),
    ]);
    check_index(&index, &[(&document, original), (&note, NOTE.as_bytes())]);
}

/// `LineIndex` on any text (CRLF, lone CR, surrogate pairs, combining marks):
/// offsets round trip through (line, column) in UTF-8 and UTF-16, columns
/// count what LSP says they count, and any (line, column) clamps to a char
/// boundary of its line. The last eight bytes also give one arbitrary position.
pub fn positions(bytes: &[u8]) {
    const ALPHABET: &[&str] =
        &["a", "\r", "\n", "\r\n", "張", "😀", "é", "\u{301}", " ", "\u{feff}", "\u{2028}", "\u{85}", "𠀀", "\0"];
    let text = text_of(bytes, ALPHABET);
    let index = LineIndex::new(&text);
    // `\n`, and `\r` not followed by `\n`, each end a line.
    let terminators = text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
    assert_eq!(index.line_count(), terminators + 1, "lines of {text:?}");

    // Columns counted here, independently: UTF-8 bytes and UTF-16 units since the line start.
    let (mut utf8_col, mut utf16_col) = (0, 0);
    let mut previous: Option<char> = None;
    for offset in 0..=text.len() {
        if !text.is_char_boundary(offset) {
            // Inside a character: snaps back to its start, whatever the encoding.
            let start = (0..offset).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
                assert_eq!(
                    index.line_col(&text, offset, encoding),
                    index.line_col(&text, start, encoding),
                    "{offset} in {text:?}"
                );
            }
            continue;
        }
        let next = text[offset..].chars().next();
        let inside_crlf = previous == Some('\r') && next == Some('\n');
        match previous {
            Some('\n' | '\r') if !inside_crlf => (utf8_col, utf16_col) = (0, 0),
            Some('\r') => {}
            Some(c) => (utf8_col, utf16_col) = (utf8_col + c.len_utf8(), utf16_col + c.len_utf16()),
            None => {}
        }
        previous = next;
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let position = index.line_col(&text, offset, encoding);
            if inside_crlf {
                // Between `\r` and `\n`: the end of the line the `\r` ends.
                assert_eq!(index.offset(&text, position, encoding), offset - 1, "inside CRLF at {offset} of {text:?}");
                continue;
            }
            let expected_col = match encoding {
                PositionEncoding::Utf8 => utf8_col,
                PositionEncoding::Utf16 => utf16_col,
            };
            assert_eq!(position.col as usize, expected_col, "{encoding:?} column at {offset} of {text:?}");
            assert_eq!(
                index.offset(&text, position, encoding),
                offset,
                "{encoding:?} round trip at {offset} of {text:?}"
            );
        }
    }
    let past_end = index.line_col(&text, text.len() + 10, PositionEncoding::Utf16);
    assert_eq!(past_end, index.line_col(&text, text.len(), PositionEncoding::Utf16), "past the end of {text:?}");

    let arbitrary = bytes.len().checked_sub(8).map(|at| {
        let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        LineCol { line: word(&bytes[at..]), col: word(&bytes[at + 4..]) }
    });
    let lines = index.line_count() as u32;
    let columns = [0, 1, 2, 3, 5, 8, 13, 100, u32::MAX / 2, u32::MAX - 1, u32::MAX];
    let positions = (0..lines.saturating_add(2))
        .flat_map(|line| columns.iter().map(move |&col| LineCol { line, col }))
        .chain([LineCol { line: u32::MAX, col: u32::MAX }])
        .chain(arbitrary);
    for position in positions {
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let offset = index.offset(&text, position, encoding);
            assert!(text.is_char_boundary(offset), "{position:?} {encoding:?} gave {offset} in {text:?}");
            match index.line_range(position.line) {
                Some(line) => assert!(line.contains(&offset) || line.end == offset, "{position:?} outside its line"),
                None => assert_eq!(offset, text.len(), "{position:?} past the last line of {text:?}"),
            }
        }
    }
}

/// The bytes as text: themselves when they are UTF-8, else each byte picks
/// a token of `alphabet`.
fn text_of(bytes: &[u8], alphabet: &[&str]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| alphabet[usize::from(b) % alphabet.len()]).collect(),
    }
}

/// Ingests text that must be accepted (text is never binary; only NUL bytes
/// could make it so, and then the document is empty instead).
fn ingest_text(path: &str, text: &str) -> Document {
    ingest_bytes(path, text.as_bytes(), &IngestConfig::default())
        .unwrap_or_else(|_| ingest_bytes(path, b"", &IngestConfig::default()).expect("empty text ingests"))
}

/// The invariants of one ingested document over its original bytes.
fn check_document(document: &Document, bytes: &[u8]) {
    let text = &document.text;
    assert_eq!(document.bytes, bytes.len());
    assert!(document.warnings.iter().all(|w| w.offset.is_none_or(|offset| offset <= bytes.len())), "{document:?}");

    // Decoded text → original bytes: each character its own stretch, in
    // order, except that characters decoded together from one sequence (Big5
    // has two-character sequences such as 0x8864, Ê̌) share its whole range.
    let mut previous = 0..0;
    for (offset, c) in text.char_indices() {
        let original = document.text_map.to_original(offset..offset + c.len_utf8());
        let in_order = previous.end <= original.start || (offset > 0 && original == previous);
        assert!(
            in_order && original.start <= original.end && original.end <= bytes.len(),
            "char {c:?} at {offset} maps to {original:?} after {previous:?} in {} bytes",
            bytes.len()
        );
        previous = original;
    }
    // Valid UTF-8 read as UTF-8 (not as UTF-16 without a byte order mark,
    // which NUL bytes may suggest) maps back to itself, shifted by the mark.
    if let Ok(original) = std::str::from_utf8(bytes)
        && document.encoding == "UTF-8"
    {
        let bom = if original.starts_with('\u{feff}') { 3 } else { 0 };
        assert_eq!(text.as_str(), &original[bom..], "UTF-8 decodes to itself");
        for (offset, c) in text.char_indices() {
            let range = document.text_map.to_original(offset..offset + c.len_utf8());
            assert_eq!(range, offset + bom..offset + bom + c.len_utf8(), "{c:?} at {offset}");
        }
    }

    // Normalized text → original bytes: every character, every prefix, and a
    // range split in two maps to the two halves' hull.
    let normalized = &document.normalized().text;
    let boundaries: Vec<usize> = (0..=normalized.len()).filter(|&i| normalized.is_char_boundary(i)).collect();
    let whole = document.original_range(0..normalized.len());
    assert!(whole.end <= bytes.len(), "{whole:?} past {} bytes", bytes.len());
    let mut previous = 0..0;
    for pair in boundaries.windows(2) {
        let range = pair[0]..pair[1];
        let text_range = document.normalized().to_text(range.clone());
        assert!(text_range.start < text_range.end && text_range.end <= text.len(), "{range:?} → {text_range:?}");
        assert!(text.is_char_boundary(text_range.start) && text.is_char_boundary(text_range.end), "{text_range:?}");
        let original = document.original_range(range.clone());
        assert!(original.start <= original.end && original.end <= bytes.len(), "{range:?} → {original:?}");
        assert!(previous.start <= original.start && previous.end <= original.end, "{previous:?} then {original:?}");
        assert!(whole.start <= original.start && original.end <= whole.end, "{original:?} outside {whole:?}");
        previous = original;
    }
    for &split in boundaries.iter().skip(1).take(boundaries.len().saturating_sub(2)) {
        let (head, tail) = (document.original_range(0..split), document.original_range(split..normalized.len()));
        assert_eq!(whole, head.start..tail.end, "split at {split}: {head:?} and {tail:?}");
    }

    // Spans: ordered, non-empty ranges of the file.
    let mut previous_end = 0;
    for span in &document.spans {
        assert!(
            previous_end <= span.start && span.start < span.end && span.end <= bytes.len(),
            "span {span:?} after {previous_end} in {} bytes",
            bytes.len()
        );
        previous_end = span.end;
    }
    let total: f64 = document.languages.iter().map(|share| share.share).sum();
    assert!(document.languages.is_empty() || (total - 1.0).abs() < 1e-9, "shares add up to {total}");
    match document.languages.first() {
        Some(main) => assert_eq!(document.language, main.language),
        None => assert_eq!(document.language.as_str(), "und"),
    }
}

/// The invariants of an index over `sources` (each with its original bytes).
fn check_index(index: &Index, sources: &[(&Document, &[u8])]) {
    let bytes_of = |path: &str| {
        sources.iter().find(|(document, _)| document.path == path).unwrap_or_else(|| panic!("unknown source {path}"))
    };
    let check_location = |location: &dossier_index::Location, what: &str| {
        let (document, bytes) = bytes_of(&location.path);
        let (text_range, original_range) = (location.text_range.clone(), location.original_range.clone());
        assert!(document.text.get(text_range.clone()).is_some(), "{what}: {text_range:?} does not slice the text");
        assert!(
            original_range.start <= original_range.end && original_range.end <= bytes.len(),
            "{what}: {location:?}"
        );
        if let Ok(original) = std::str::from_utf8(bytes) {
            let slice = original.get(original_range.clone());
            assert!(slice.is_some(), "{what}: {original_range:?} is not on char boundaries");
            assert_eq!(slice, document.text.get(text_range), "{what}: the two ranges say different things");
        }
    };
    for problem in index.problems() {
        check_location(&problem.location, &problem.message);
    }
    for term in index.terms() {
        assert_eq!(index.term(term.id).id, term.id);
        assert!(!term.aliases.is_empty() || !term.label.is_empty(), "{term:?} has no name");
        for alias in &term.aliases {
            assert!(index.lookup(&alias.text).is_some(), "alias {:?} of {:?} does not resolve", alias.text, term.label);
        }
        if let Some(definition) = &term.definition {
            check_location(&definition.location, "definition");
        }
        let mut counted = 0;
        for mention in index.mentions(term.id) {
            counted += 1;
            check_location(&mention.location, &mention.surface);
            let mut listed = index.mentions_in(&mention.location.path);
            assert!(
                listed.any(|listed| listed == (mention.location.text_range.clone(), term.id)),
                "mention {mention:?} of {:?} is not in mentions_in",
                term.label
            );
        }
        assert_eq!(counted, term.mention_count, "mentions of {:?}", term.label);
        assert_eq!(term.sources.iter().map(|s| s.count).sum::<usize>(), counted, "per source {:?}", term.label);
    }
    for (document, _) in sources {
        let listed: Vec<_> = index.mentions_in(&document.path).collect();
        for pair in listed.windows(2) {
            assert!(pair[0].0.end <= pair[1].0.start, "mentions overlap or are unsorted: {pair:?}");
        }
        for (range, id) in listed {
            assert!(document.text.get(range.clone()).is_some(), "{range:?} does not slice {}", document.path);
            assert_eq!(index.term_at(&document.path, range.start), Some((id, range.clone())), "term at {range:?}");
        }
        // Any char boundary (a sample on long texts) may be asked about.
        let step = (document.text.len() / 512).max(1);
        for offset in (0..=document.text.len()).step_by(step).filter(|&o| document.text.is_char_boundary(o)) {
            if let Some((id, range)) = index.term_at(&document.path, offset) {
                assert!(id.0 < index.terms().len() as u32 && document.text.get(range).is_some(), "term at {offset}");
            }
        }
    }
    for prefix in ["a", "Zh", "张", "wuyo", "阿里", "ma"] {
        for completion in index.complete(prefix, 20) {
            assert!(completion.term.0 < index.terms().len() as u32, "{completion:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_accepts_ordinary_text() {
        for target in TARGETS {
            (target.run)(b"");
            (target.run)("Jack Ma (马云) founded Alibaba;\r\n張勇 took over.\r😀 ---\n".as_bytes());
            (target.run)(&[0xff, 0x00, 0x81, 0x40, 0x0d, 0x0a, 0xe5, 0x90]);
        }
    }
}
