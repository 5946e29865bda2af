//! Neovim, end to end: the plugin in `editors/nvim` starts the real `dossier lsp`
//! on a copy of `seeds/` plus a note, and headless Neovim asks it for hover,
//! definition and references, as a user pressing `K`, `gd` and `gr` would; on
//! a small vault of notes, it links an unlinked mention with
//! `vim.lsp.buf.code_action()`, renames a note's title with
//! `vim.lsp.buf.rename()` and a note's file with `:DossierRenameNote`.
//!
//! The Neovim side is `tests/e2e/nvim/drive.lua`: it always writes a JSON report
//! and quits; this side checks the report and, when something went wrong, fails
//! with Neovim's LSP log (which holds the server's stderr) and Neovim's own log.
//!
//! Needs `nvim` on `PATH` (Debian's `neovim` package, 0.7.2 on Debian 12; CI
//! installs it). Without it the test fails rather than skip: a skipped editor
//! test would hide that the plugin is untested.

use std::{
    fs,
    io::ErrorKind,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use serde_json::Value;

/// The repository root, from the `dossier-cli` crate that compiles these tests.
const REPOSITORY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// The note the test opens: a new mention of a term the corpus knows in both scripts.
const NOTE: &str = "# Test note\n\nWu Yongming took over from 張勇. Zhang Yong ran Taobao.\n";

/// Where in the note hover, definition and references are asked.
const NEEDLE: &str = "Wu Yongming";

/// The names that Wu Yongming goes by in the corpus: a definition or reference must be one of them.
const ALIASES: &[&str] = &["Wu Yongming", "吴泳铭", "吳泳銘"];

/// How long the Lua script may wait in total for attach, ingestion and answers.
/// A bound, not a performance expectation: it only keeps a broken server from
/// hanging the test suite.
const SCRIPT_BUDGET: Duration = Duration::from_secs(45);

/// After this, Neovim is killed whatever it is doing.
const NVIM_TIME_LIMIT: Duration = Duration::from_secs(60);

#[test]
fn nvim_plugin_hover_definition_references_on_a_note() {
    let nvim_version = nvim_version();
    let workspace = Workspace::new();
    let run = workspace.run_nvim();
    let report = run.report();
    let logs = || run.logs();

    if !report["error"].is_null() || report["attached"] != Value::Bool(true) {
        panic!(
            "Neovim ({nvim_version}) could not use the dossier server: {}\n\nreport: {report:#}\n\n{}",
            report["error"].as_str().unwrap_or("the client did not attach"),
            logs()
        );
    }

    let hover = hover_text(&report["hover"]);
    assert!(
        hover.contains("吴泳铭"),
        "hover at {NEEDLE:?} should name 吴泳铭, got {hover:?} (error: {})\n\nreport: {report:#}\n\n{}",
        report["hover_error"],
        logs()
    );

    // Neovim 0.7 speaks UTF-16 only; later versions let the server choose.
    let encoding = match report["offset_encoding"].as_str() {
        Some("utf-8") => Encoding::Utf8,
        Some("utf-32") => Encoding::Utf32,
        _ => Encoding::Utf16,
    };
    let found = |request: &str| {
        let found: Vec<Found> = locations(&report[request])
            .into_iter()
            .map(|(uri, range)| Found::read(request, uri, range, encoding))
            .collect();
        assert!(
            !found.is_empty(),
            "{request} at {NEEDLE:?} gave no location (error: {})\n\nreport: {report:#}\n\n{}",
            report[&format!("{request}_error")],
            logs()
        );
        found
    };

    // The corpus defines Wu Yongming by a sentence; the definition is the name
    // inside it, so that the cursor lands on the name.
    let definitions = found("definition");
    for definition in &definitions {
        assert!(
            ALIASES.contains(&definition.text.as_str()),
            "definition: {definition} is not one of {ALIASES:?}\n\nreport: {report:#}"
        );
    }

    // References (with includeDeclaration): every one is a mention, exactly an
    // alias, the declaration first, and the note's own "Wu Yongming" among them.
    let references = found("references");
    assert!(
        definitions.iter().any(|d| references.first().is_some_and(|r| d.path == r.path && d.range == r.range)),
        "references do not start with the declaration\n\nreport: {report:#}"
    );
    let mentions = &references[..];
    for mention in mentions {
        assert!(
            ALIASES.contains(&mention.text.as_str()),
            "references: {mention} is not one of {ALIASES:?}\n\nreport: {report:#}"
        );
    }
    let note = workspace.dir.path().join("notes/test.md");
    assert!(
        mentions.iter().any(|mention| mention.path == note && mention.range.start.0 == 2),
        "references should include the note's own mention on line 3\n\nreport: {report:#}"
    );
    assert!(
        mentions.iter().any(|mention| mention.path.extension().is_some_and(|extension| extension == "txt")),
        "references should include mentions in corpus documents\n\nreport: {report:#}"
    );

    // The code lens command fills the quickfix list with the same references.
    let quickfix: Vec<PathBuf> = report["lens_quickfix"]
        .as_array()
        .unwrap_or_else(|| panic!("the plugin has no dossier.showReferences command\n\nreport: {report:#}"))
        .iter()
        .map(|path| PathBuf::from(path.as_str().unwrap_or_default()))
        .collect();
    let expected: Vec<&PathBuf> = references.iter().map(|r| &r.path).collect();
    let listed: Vec<&PathBuf> = quickfix.iter().collect();
    assert_eq!(listed.len(), expected.len(), "the quickfix list of dossier.showReferences\n\nreport: {report:#}");
    for path in &expected {
        assert!(quickfix.contains(path), "{} is not in the quickfix list\n\nreport: {report:#}", path.display());
    }
}

/// The vault of [`nvim_plugin_links_mentions_and_renames_notes`].
const VAULT: &[(&str, &str)] = &[
    ("notes/wu.md", "---\ntitle: 吴泳铭\n---\n# 吴泳铭\n\nChief executive of Alibaba.\n"),
    ("notes/meeting.md", "# Meeting\n\n吴泳铭在会上发言，文件已发出。\n"),
    ("notes/city.md", "---\ntitle: Lisboa\n---\n# Lisboa\n\nA city by the sea.\n"),
    ("notes/trips.md", "# Trips\n\nTwo weeks in [[Lisboa]].\n"),
    ("notes/places.md", "# Places\n\nWhere we went.\n"),
    ("notes/index.md", "# Index\n\nSee [[places]] and [the list](places.md).\n"),
];

/// The current text of a note that drive.lua reported: its buffer if loaded, else the disk.
fn current_text(reported: &Value) -> &str {
    reported["buffer"].as_str().or_else(|| reported["disk"].as_str()).unwrap_or_default()
}

#[test]
fn nvim_plugin_links_mentions_and_renames_notes() {
    let nvim_version = nvim_version();
    let workspace = Workspace::with_notes(VAULT);
    let path = |relative: &str| workspace.path(relative).display().to_string();
    let plan = serde_json::json!({
        "mention": { "note": path("notes/meeting.md"), "needle": "吴泳铭", "action": "Link this mention" },
        "title": {
            "note": path("notes/city.md"), "needle": "# Lisboa", "inside": 3,
            "new_name": "Lisbon", "linking": path("notes/trips.md"),
        },
        "file": {
            "note": path("notes/places.md"), "new_name": "atlas", "new_path": path("notes/atlas.md"),
            "linking": path("notes/index.md"), "link_needle": "[[atlas]]",
        },
    });
    let run = workspace.run_nvim_with(
        &workspace.path("notes/meeting.md"),
        &[("DOSSIER_E2E_SCENARIO", "vault".to_owned()), ("DOSSIER_E2E_VAULT", plan.to_string())],
    );
    let report = run.report();
    let logs = || run.logs();
    if !report["error"].is_null() || report["attached"] != Value::Bool(true) {
        panic!(
            "Neovim ({nvim_version}) could not use the dossier server: {}\n\nreport: {report:#}\n\n{}",
            report["error"].as_str().unwrap_or("the client did not attach"),
            logs()
        );
    }

    // vim.lsp.buf.code_action() offered the link, and applying it linked the mention.
    let titles: Vec<&str> =
        report["code_action_titles"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    assert!(titles.contains(&"Link this mention to `吴泳铭`"), "code actions: {titles:?}\n\nreport: {report:#}");
    assert_eq!(
        current_text(&report["mention_note"]),
        "# Meeting\n\n[[吴泳铭]]在会上发言，文件已发出。\n",
        "the code action was not applied\n\nreport: {report:#}\n\n{}",
        logs()
    );

    // vim.lsp.buf.rename() on the title renamed it and the link written with it.
    assert_eq!(
        current_text(&report["title_linking"]),
        "# Trips\n\nTwo weeks in [[Lisbon]].\n",
        "the title rename did not update the link\n\nreport: {report:#}\n\n{}",
        logs()
    );
    let title_note = current_text(&report["title_note"]);
    assert!(
        title_note.contains("title: Lisbon") && title_note.contains("# Lisbon"),
        "the title rename did not rename the title: {title_note:?}\n\nreport: {report:#}"
    );

    // :DossierRenameNote moved the file and its buffer and updated the links to it.
    assert!(
        report["file_rename_error"].is_null(),
        "{}\n\nreport: {report:#}\n\n{}",
        report["file_rename_error"],
        logs()
    );
    assert_eq!(report["file_old_exists"], Value::Bool(false), "places.md is still there\n\nreport: {report:#}");
    assert_eq!(report["file_new_exists"], Value::Bool(true), "atlas.md was not written\n\nreport: {report:#}");
    assert_eq!(report["file_buffer"].as_str(), Some(path("notes/atlas.md").as_str()), "report: {report:#}");
    assert_eq!(
        current_text(&report["file_linking"]),
        "# Index\n\nSee [[atlas]] and [the list](atlas.md).\n",
        "the links to the renamed note were not updated\n\nreport: {report:#}\n\n{}",
        logs()
    );
    // And the server followed: the updated link goes to the moved note.
    let definitions = locations(&report["moved_definition"]);
    assert!(
        definitions.first().and_then(|(uri, _)| uri_to_path(uri)) == Some(workspace.path("notes/atlas.md")),
        "[[atlas]] does not go to atlas.md after the rename: {} ({})\n\nreport: {report:#}\n\n{}",
        report["moved_definition"],
        report["moved_definition_error"],
        logs()
    );
}

/// A location of a definition or references result, with the text it spans.
struct Found {
    path: PathBuf,
    range: Range,
    text: String,
}

impl Found {
    /// Reads the file a location points at and slices the range out of it.
    fn read(request: &str, uri: String, range: Range, encoding: Encoding) -> Found {
        let path = uri_to_path(&uri).unwrap_or_else(|| panic!("{request}: {uri} is not a file URI"));
        let bytes =
            fs::read(&path).unwrap_or_else(|error| panic!("{request}: cannot read {}: {error}", path.display()));
        let text = String::from_utf8_lossy(&bytes);
        let sliced = slice(&text, &range, encoding)
            .unwrap_or_else(|| panic!("{request}: range {range} is outside {}", path.display()));
        Found { text: sliced.to_owned(), path, range }
    }
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{} {:?}", self.path.display(), self.range, self.text)
    }
}

/// `nvim --version`'s first line, or a failure that says how to install it.
fn nvim_version() -> String {
    match Command::new("nvim").arg("--version").output() {
        Ok(output) if output.status.success() => {
            String::from_utf8_lossy(&output.stdout).lines().next().unwrap_or("nvim").to_owned()
        }
        Ok(output) => {
            panic!("`nvim --version` failed with {}: {}", output.status, String::from_utf8_lossy(&output.stderr))
        }
        Err(error) if error.kind() == ErrorKind::NotFound => panic!(
            "nvim (Neovim) is not installed, and this test drives the Dossier Neovim plugin with it: \
             install Debian's `neovim` package (`apt-get install -y neovim`), as CI does"
        ),
        Err(error) => panic!("cannot run `nvim --version`: {error}"),
    }
}

/// A temporary workspace: the sample corpus, the note, and Neovim's own folders.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::TempDir::new().expect("cannot create a temporary directory");
        copy_dir(&Path::new(REPOSITORY).join("seeds"), dir.path());
        fs::create_dir_all(dir.path().join("notes")).unwrap();
        fs::write(dir.path().join("notes/test.md"), NOTE).unwrap();
        Workspace { dir }
    }

    /// A workspace of notes only, `(relative path, text)`.
    fn with_notes(notes: &[(&str, &str)]) -> Workspace {
        let dir = tempfile::TempDir::new().expect("cannot create a temporary directory");
        for (path, text) in notes {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        Workspace { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Neovim's state, logs and output go under `.nvim/`, out of the workspace's
    /// `**/*.md` and `**/*.txt`.
    fn nvim_dir(&self) -> PathBuf {
        self.dir.path().join(".nvim")
    }

    /// Runs headless Neovim on the note, bounded by [`NVIM_TIME_LIMIT`].
    fn run_nvim(&self) -> NvimRun<'_> {
        let note = self.path("notes/test.md");
        self.run_nvim_with(&note, &[("DOSSIER_E2E_NEEDLE", NEEDLE.to_owned())])
    }

    /// Runs headless Neovim on `note` with drive.lua's other inputs in `env`.
    fn run_nvim_with(&self, note: &Path, env: &[(&str, String)]) -> NvimRun<'_> {
        let nvim_dir = self.nvim_dir();
        for sub in ["config", "data", "state", "cache"] {
            fs::create_dir_all(nvim_dir.join(sub)).unwrap();
        }
        let plugin = Path::new(REPOSITORY).join("editors/nvim");
        let script = Path::new(REPOSITORY).join("tests/e2e/nvim/drive.lua");
        let stdout = fs::File::create(nvim_dir.join("stdout")).unwrap();
        let stderr = fs::File::create(nvim_dir.join("stderr")).unwrap();
        let mut command = Command::new("nvim");
        command
            .args(["--headless", "--clean", "-u", "NONE", "--cmd"])
            .arg(format!("set rtp+={}", vim_escape(&plugin)))
            .arg("-c")
            .arg(format!("luafile {}", vim_escape(&script)))
            .current_dir(self.dir.path())
            // Neovim 0.7 logs LSP to XDG_CACHE_HOME, 0.8 and later to XDG_STATE_HOME.
            .env("XDG_CONFIG_HOME", nvim_dir.join("config"))
            .env("XDG_DATA_HOME", nvim_dir.join("data"))
            .env("XDG_STATE_HOME", nvim_dir.join("state"))
            .env("XDG_CACHE_HOME", nvim_dir.join("cache"))
            .env("NVIM_LOG_FILE", nvim_dir.join("nvim.log"))
            .env("DOSSIER_E2E_BIN", env!("CARGO_BIN_EXE_dossier"))
            .env("DOSSIER_E2E_NOTE", note)
            .envs(env.iter().map(|(key, value)| (key, value)))
            .env("DOSSIER_E2E_OUT", nvim_dir.join("report.json"))
            .env("DOSSIER_E2E_BUDGET_MS", SCRIPT_BUDGET.as_millis().to_string())
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        let child = command.spawn().expect("cannot start nvim");
        let outcome = wait_bounded(child, NVIM_TIME_LIMIT);
        NvimRun { workspace: self, outcome }
    }
}

/// A finished (or killed) Neovim run.
struct NvimRun<'a> {
    workspace: &'a Workspace,
    outcome: String,
}

impl NvimRun<'_> {
    /// The JSON report that drive.lua wrote, or a failure with the logs.
    fn report(&self) -> Value {
        let path = self.workspace.nvim_dir().join("report.json");
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => panic!("Neovim wrote no report ({error}); it {}\n\n{}", self.outcome, self.logs()),
        };
        serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("the report is not JSON ({error}): {text}\n\n{}", self.logs()))
    }

    /// Everything that tells what happened: how Neovim ended, its output, its
    /// log, and the LSP log (requests, responses and the server's stderr).
    fn logs(&self) -> String {
        let nvim_dir = self.workspace.nvim_dir();
        let mut logs = format!("Neovim {}.", self.outcome);
        let mut files = vec![nvim_dir.join("stdout"), nvim_dir.join("stderr"), nvim_dir.join("nvim.log")];
        // lsp.log is in cache/nvim/ on 0.7 and state/nvim/ on 0.8 and later.
        files.extend(["cache", "state"].iter().map(|sub| nvim_dir.join(sub).join("nvim/lsp.log")));
        for file in files {
            match fs::read(&file) {
                Ok(bytes) if bytes.is_empty() => {}
                Ok(bytes) => {
                    logs += &format!("\n\n--- {} ---\n{}", file.display(), tail(&String::from_utf8_lossy(&bytes)))
                }
                Err(_) => {}
            }
        }
        logs
    }
}

/// Waits for the child, killing it after `limit`; says how it ended.
fn wait_bounded(mut child: Child, limit: Duration) -> String {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return format!("exited with {status} after {:.1} s", start.elapsed().as_secs_f32()),
            Ok(None) if start.elapsed() < limit => thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return format!("was killed after {} s without quitting", limit.as_secs());
            }
            Err(error) => return format!("could not be waited for: {error}"),
        }
    }
}

/// The last 300 lines of a log, which is where a failure shows.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let skipped = lines.len().saturating_sub(300);
    let mut tail = if skipped > 0 { format!("[{skipped} earlier lines]\n") } else { String::new() };
    tail += &lines[skipped..].join("\n");
    tail
}

/// A path for an Ex command line: spaces and backslashes escaped.
fn vim_escape(path: &Path) -> String {
    path.display().to_string().replace('\\', "\\\\").replace(' ', "\\ ")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap_or_else(|error| panic!("cannot read {}: {error}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The text of a hover result: MarkupContent, MarkedString or a list of MarkedStrings.
fn hover_text(hover: &Value) -> String {
    fn marked(value: &Value) -> String {
        match value {
            Value::String(text) => text.clone(),
            Value::Object(object) => object.get("value").and_then(Value::as_str).unwrap_or_default().to_owned(),
            Value::Array(items) => items.iter().map(marked).collect::<Vec<_>>().join("\n"),
            _ => String::new(),
        }
    }
    marked(&hover["contents"])
}

/// An LSP range, for slicing and for messages.
#[derive(Debug, PartialEq, Eq)]
struct Range {
    start: (usize, usize),
    end: (usize, usize),
}

impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // 1-based lines, as editors show them; characters are UTF-16 units.
        write!(f, "{}:{}-{}:{}", self.start.0 + 1, self.start.1, self.end.0 + 1, self.end.1)
    }
}

/// The (uri, range) pairs of a definition or references result: a Location,
/// a list of Locations, or a list of LocationLinks (their selection range).
fn locations(result: &Value) -> Vec<(String, Range)> {
    let items = match result {
        Value::Array(items) => items.clone(),
        Value::Object(_) => vec![result.clone()],
        _ => Vec::new(),
    };
    let position = |value: &Value| {
        let number = |key: &str| value[key].as_u64().unwrap_or_else(|| panic!("bad position {value}")) as usize;
        (number("line"), number("character"))
    };
    items
        .iter()
        .map(|item| {
            let (uri, range) = match item.get("targetUri") {
                Some(uri) => (uri, &item["targetSelectionRange"]),
                None => (&item["uri"], &item["range"]),
            };
            let uri = uri.as_str().unwrap_or_else(|| panic!("a location without a URI: {item}")).to_owned();
            (uri, Range { start: position(&range["start"]), end: position(&range["end"]) })
        })
        .collect()
}

/// The path of a `file://` URI, percent-decoded.
fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let encoded = uri.strip_prefix("file://")?;
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' && tail.len() >= 2 {
            let hex = std::str::from_utf8(&tail[..2]).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

/// What an LSP position's `character` counts.
#[derive(Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

/// The byte offset of an LSP position: lines end at `\n`, `\r\n` or `\r`;
/// characters count code units of `encoding`. None when the position is not in the text.
fn offset(text: &str, (line, character): (usize, usize), encoding: Encoding) -> Option<usize> {
    let mut line_start = 0;
    for _ in 0..line {
        let newline = text[line_start..].find(['\n', '\r'])? + line_start;
        line_start = newline + if text[newline..].starts_with("\r\n") { 2 } else { 1 };
    }
    let line_end = text[line_start..].find(['\n', '\r']).map_or(text.len(), |end| end + line_start);
    let mut units = 0;
    for (index, ch) in text[line_start..line_end].char_indices() {
        if units == character {
            return Some(line_start + index);
        }
        units += match encoding {
            Encoding::Utf8 => ch.len_utf8(),
            Encoding::Utf16 => ch.len_utf16(),
            Encoding::Utf32 => 1,
        };
    }
    (units == character).then_some(line_end)
}

/// The text of a range, or None when the range is not in the text.
fn slice<'t>(text: &'t str, range: &Range, encoding: Encoding) -> Option<&'t str> {
    let start = offset(text, range.start, encoding)?;
    let end = offset(text, range.end, encoding)?;
    text.get(start..end)
}

#[test]
fn slice_counts_utf16_code_units_and_all_line_endings() {
    let text = "a\r\nb😀吴泳铭\rx\nWu Yongming";
    let slice = |start, end| slice(text, &Range { start, end }, Encoding::Utf16);
    assert_eq!(slice((1, 3), (1, 6)), Some("吴泳铭"));
    assert_eq!(slice((1, 1), (1, 3)), Some("😀"));
    assert_eq!(slice((2, 0), (2, 1)), Some("x"));
    assert_eq!(slice((3, 0), (3, 11)), Some("Wu Yongming"));
    // Inside a surrogate pair, past the end of a line, past the last line.
    assert_eq!(slice((1, 2), (1, 3)), None);
    assert_eq!(slice((0, 0), (0, 2)), None);
    assert_eq!(slice((4, 0), (4, 0)), None);
}

#[test]
fn slice_counts_bytes_in_utf8_and_chars_in_utf32() {
    let text = "b😀吴泳铭";
    let range = Range { start: (0, 5), end: (0, 14) };
    assert_eq!(slice(text, &range, Encoding::Utf8), Some("吴泳铭"));
    let range = Range { start: (0, 2), end: (0, 5) };
    assert_eq!(slice(text, &range, Encoding::Utf32), Some("吴泳铭"));
}

#[test]
fn uri_to_path_decodes_percent_escapes() {
    assert_eq!(uri_to_path("file:///tmp/a%20b/%E5%90%B4.md"), Some(PathBuf::from("/tmp/a b/吴.md")));
    assert_eq!(uri_to_path("untitled:Untitled-1"), None);
}
