//! Measurements over a real stdio session with `dossier lsp`: startup to the
//! first useful hover (cold and warm), request latencies, and the time from a
//! file written on disk to references that include it.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use anyhow::{Context, Result};
use dossier_lsp_client::{Client, Encoding, file_uri, positions};
use serde_json::{Value, json};

use super::{corpus::Corpus, measure::Report};

/// Requests of each kind timed for the percentiles.
const SAMPLES: usize = 300;

pub(crate) fn lsp(binary: &Path, corpus: &Corpus, report: &mut Report) -> Result<()> {
    let root = corpus.root.canonicalize()?;
    // Cold: no cache from an earlier run.
    let _ = std::fs::remove_dir_all(root.join(".dossier"));
    let targets = targets(corpus)?;
    let first = targets.first().context("the corpus has no notes")?;

    let (mut client, cold) = start_until_first_hover(binary, &root, first);
    report.add("startup_cold_s", "startup to first hover, cold", cold.as_secs_f64(), "s");
    client.wait_until_ready();

    for target in &targets {
        open(&mut client, target);
    }
    let mut latency = |method: &str, params: &dyn Fn(&Target) -> Value| -> (f64, f64) {
        let mut times: Vec<Duration> = (0..SAMPLES)
            .map(|i| {
                let target = &targets[i % targets.len()];
                let start = Instant::now();
                let response = client.request(method, params(target));
                let elapsed = start.elapsed();
                assert!(response.get("error").is_none(), "{method}: {response}");
                elapsed
            })
            .collect();
        times.sort();
        (millis(times[times.len() / 2]), millis(times[times.len() * 99 / 100]))
    };
    let (p50, p99) = latency("textDocument/hover", &|t| t.position());
    report.add("hover_p50_ms", "hover p50", p50, "ms");
    report.add("hover_p99_ms", "hover p99", p99, "ms");
    report.note(String::new(), "≤ 5 ms");
    let (p50, p99) = latency("textDocument/definition", &|t| t.position());
    report.add("definition_p50_ms", "definition p50", p50, "ms");
    report.add("definition_p99_ms", "definition p99", p99, "ms");
    report.note(String::new(), "≤ 5 ms");
    let (p50, p99) = latency("textDocument/references", &|t| {
        let mut params = t.position();
        params["context"] = json!({ "includeDeclaration": true });
        params
    });
    report.add("references_p50_ms", "references p50", p50, "ms");
    report.add("references_p99_ms", "references p99", p99, "ms");
    report.note(String::new(), "≤ 30 ms");
    let (p50, p99) = latency("textDocument/completion", &|t| t.completion());
    report.add("completion_p50_ms", "completion p50", p50, "ms");
    report.add("completion_p99_ms", "completion p99", p99, "ms");
    report.note(String::new(), "≤ 10 ms");

    let saved = watch_latency(&mut client, &root, &targets)?;
    report.add("saved_to_references_ms", "file saved → references updated (median of 5)", millis(saved), "ms");
    report.note(String::new(), "≤ 200 ms");
    let peak = std::fs::read_to_string(format!("/proc/{}/status", client.pid()))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .unwrap_or(f64::NAN);
    report.add("server_peak_memory_mb", "peak memory, server", peak * 1024.0 / 1e6, "MB");
    report.note(String::new(), "≤ 1500 MB");
    client.shutdown();

    let (client, warm) = start_until_first_hover(binary, &root, first);
    report.add("startup_warm_s", "startup to first hover, warm", warm.as_secs_f64(), "s");
    report.note(format!("cold {cold:.2?}"), "≤ 1 s");
    client.shutdown();
    Ok(())
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A place in a note where a term's label is written, and a prefix of it to complete.
struct Target {
    uri: String,
    text: String,
    line: u32,
    character: u32,
    completion_line: u32,
    completion_character: u32,
}

impl Target {
    fn position(&self) -> Value {
        json!({ "textDocument": { "uri": self.uri }, "position": { "line": self.line, "character": self.character } })
    }

    fn completion(&self) -> Value {
        json!({
            "textDocument": { "uri": self.uri },
            "position": { "line": self.completion_line, "character": self.completion_character },
        })
    }
}

/// Every generated note, with the cursor inside its heading (the term's label)
/// and at the end of an added line holding the first letters of the label.
fn targets(corpus: &Corpus) -> Result<Vec<Target>> {
    let mut targets = Vec::new();
    for (path, name) in corpus.notes.iter().zip(&corpus.names) {
        let mut text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let heading = text.find("\n# ").context("a note has a heading")? + 3;
        // Inside the label: after its first character.
        let inside = heading + text[heading..].chars().next().map_or(0, char::len_utf8);
        let (line, character) = positions::position(&text, inside, Encoding::Utf16);
        let prefix: String = name.label.chars().take(3).collect();
        text.push_str(&format!("\n{prefix}"));
        let (completion_line, completion_character) = positions::position(&text, text.len(), Encoding::Utf16);
        let uri = file_uri(&path.canonicalize()?);
        targets.push(Target { uri, text, line, character, completion_line, completion_character });
    }
    Ok(targets)
}

fn open(client: &mut Client, target: &Target) {
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": target.uri, "languageId": "markdown", "version": 1, "text": target.text } }),
    );
}

/// Starts the server and hovers until the answer has content.
fn start_until_first_hover(binary: &Path, root: &Path, target: &Target) -> (Client, Duration) {
    let start = Instant::now();
    let mut client = Client::start(binary, root, Encoding::Utf16);
    open(&mut client, target);
    client.poll("textDocument/hover", target.position(), |response| !response["result"].is_null());
    (client, start.elapsed())
}

/// Writes new documents mentioning a note's term and times until references list them.
fn watch_latency(client: &mut Client, root: &Path, targets: &[Target]) -> Result<Duration> {
    let mut times = Vec::new();
    for (i, target) in targets.iter().take(5).enumerate() {
        let heading = target.text.lines().find_map(|l| l.strip_prefix("# ")).context("a heading")?.to_owned();
        let path = root.join(format!("docs/new-{i}.txt"));
        let uri = file_uri(&path);
        let mut params = target.position();
        params["context"] = json!({ "includeDeclaration": false });
        let start = Instant::now();
        std::fs::write(&path, format!("A new document about {heading}, written while the server runs.\n"))?;
        client.poll("textDocument/references", params, |response| {
            response["result"].as_array().is_some_and(|locations| locations.iter().any(|l| l["uri"] == uri))
        });
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}
