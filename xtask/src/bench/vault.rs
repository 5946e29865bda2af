//! `cargo xtask bench --vault`: a generated notes vault shaped like the public
//! benchmark vaults of Markdown note-takers (10,000 notes of about 5 KB, about
//! 19 wikilinks each, about 11 % of them to notes that do not exist, a few
//! notes linked thousands of times), and the language server's answers on it:
//! start to first answer (cold and warm), hover, definition, backlinks and
//! `[[` completion latencies, edit → diagnostics, peak memory.
//!
//! The same seed gives the same bytes.

use std::{
    fs,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use anyhow::{Context, Result};
use dossier_lsp_client::{Client, Encoding, file_uri, positions};
use serde_json::{Value, json};

use super::measure::Report;

/// What to generate.
pub(crate) struct VaultSpec {
    pub(crate) notes: usize,
    pub(crate) seed: u64,
}

/// One generated note.
struct Note {
    stem: String,
    title: String,
}

/// The generated vault: where, and its notes (the first ones are the hubs).
pub(crate) struct Vault {
    root: PathBuf,
    notes: Vec<Note>,
    links: usize,
    unresolved: usize,
    bytes: usize,
}

/// Share of links to the three hubs (the first notes), then to a note drawn
/// uniformly, then to a note that does not exist.
const HUBS: [f64; 3] = [0.034, 0.012, 0.006];
const UNRESOLVED: f64 = 0.11;
const LINKS_PER_NOTE: usize = 19;
const NOTE_BYTES: usize = 5 << 10;

/// Writes the vault under `root` (emptied first).
pub(crate) fn generate(root: &Path, seeds: &Path, spec: &VaultSpec) -> Result<Vault> {
    if root.exists() {
        fs::remove_dir_all(root).with_context(|| format!("cannot empty {}", root.display()))?;
    }
    fs::create_dir_all(root.join("notes")).with_context(|| format!("cannot create {}", root.display()))?;
    // Notes only: no corpus documents, as in a note-taker's vault.
    fs::write(root.join("dossier.toml"), "documents = []\nnotes = [\"**/*.md\"]\n")?;
    let sentences = english_sentences(seeds)?;
    let words = vocabulary(&sentences);
    let mut rng = fastrand::Rng::with_seed(spec.seed);

    let mut notes = Vec::with_capacity(spec.notes);
    let mut seen = std::collections::HashSet::new();
    for hub in ["Lifted", "Spain", "Harbour"] {
        seen.insert(hub.to_lowercase());
        notes.push(Note { stem: hub.to_lowercase(), title: hub.to_owned() });
    }
    while notes.len() < spec.notes {
        let count = rng.usize(1..4);
        let title: Vec<String> = (0..count).map(|_| capitalized(&words[rng.usize(0..words.len())])).collect();
        let title = title.join(" ");
        if seen.insert(title.to_lowercase()) {
            notes.push(Note { stem: title.to_lowercase().replace(' ', "-"), title });
        }
    }

    let (mut links, mut unresolved, mut bytes) = (0, 0, 0);
    for (i, note) in notes.iter().enumerate() {
        let mut text = format!("---\ntitle: {}\n---\n# {}\n\n", note.title, note.title);
        let mut budget = LINKS_PER_NOTE - 3 + rng.usize(0..7);
        let mut section = 0;
        while text.len() < NOTE_BYTES / 2 + rng.usize(0..NOTE_BYTES) {
            if rng.u32(0..6) == 0 {
                section += 1;
                text.push_str(&format!("\n## Section {section}\n\n"));
            }
            for _ in 0..rng.usize(3..7) {
                text.push_str(&sentences[rng.usize(0..sentences.len())]);
                text.push(' ');
                if budget > 0 && rng.u32(0..3) == 0 {
                    budget -= 1;
                    links += 1;
                    let link = link(&mut rng, &notes, i, &mut unresolved);
                    text.push_str(&format!("See {link}. "));
                }
            }
            text.push_str("\n\n");
        }
        for _ in 0..budget {
            links += 1;
            let link = link(&mut rng, &notes, i, &mut unresolved);
            text.push_str(&format!("- {link}\n"));
        }
        bytes += text.len();
        fs::write(root.join(format!("notes/{}.md", note.stem)), text)?;
    }
    Ok(Vault { root: root.to_path_buf(), notes, links, unresolved, bytes })
}

/// A wikilink to a hub, to any note (by title or stem, with a label or a
/// heading now and then) or to a note that does not exist.
fn link(rng: &mut fastrand::Rng, notes: &[Note], from: usize, unresolved: &mut usize) -> String {
    let x = rng.f64();
    let mut hub_share = 0.0;
    for (hub, share) in HUBS.iter().enumerate() {
        hub_share += share;
        if x < hub_share && hub != from {
            return format!("[[{}]]", notes[hub].title);
        }
    }
    if x < hub_share + UNRESOLVED {
        *unresolved += 1;
        return format!("[[Missing {}]]", rng.usize(0..notes.len() * 2));
    }
    let target = &notes[rng.usize(0..notes.len())];
    match rng.u32(0..10) {
        0 => format!("[[{}|that note]]", target.title),
        1 => format!("[[{}#Section 1]]", target.title),
        2 | 3 => format!("[[{}]]", target.stem),
        _ => format!("[[{}]]", target.title),
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The English sentences of the sample corpus.
fn english_sentences(seeds: &Path) -> Result<Vec<String>> {
    let mut paths: Vec<PathBuf> = fs::read_dir(seeds)
        .with_context(|| format!("cannot read {}", seeds.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let mut sentences = Vec::new();
    for path in paths {
        let text = fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        if text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count() * 4 >= text.chars().count() {
            continue;
        }
        sentences.extend(
            text.split_inclusive(['.', '?', '!'])
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|s| s.len() >= 20 && !s.contains(['[', ']'])),
        );
    }
    anyhow::ensure!(!sentences.is_empty(), "the sample corpus has no English sentences");
    Ok(sentences)
}

/// Lower-case words of at least five letters, for titles.
fn vocabulary(sentences: &[String]) -> Vec<String> {
    let mut words: Vec<String> = sentences
        .iter()
        .flat_map(|s| s.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|w| w.len() >= 5 && w.chars().all(|c| c.is_ascii_lowercase()))
        .map(str::to_owned)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// A place in the first hub's linking notes, and the times measured there.
struct Probe {
    uri: String,
    text: String,
    /// Inside a wikilink to the first hub.
    link: (u32, u32),
}

impl Probe {
    fn at(&self, (line, character): (u32, u32)) -> Value {
        json!({ "textDocument": { "uri": self.uri }, "position": { "line": line, "character": character } })
    }
}

/// Notes linking to the first hub, with the cursor inside that link.
fn probes(vault: &Vault, count: usize) -> Result<Vec<Probe>> {
    let wanted = format!("[[{}]]", vault.notes[0].title);
    let mut probes = Vec::new();
    for note in &vault.notes[HUBS.len()..] {
        let path = vault.root.join(format!("notes/{}.md", note.stem));
        let text = fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let Some(at) = text.find(&wanted) else { continue };
        let link = positions::position(&text, at + 3, Encoding::Utf16);
        probes.push(Probe { uri: file_uri(&path.canonicalize()?), text, link });
        if probes.len() == count {
            break;
        }
    }
    anyhow::ensure!(!probes.is_empty(), "no note links to the first hub");
    Ok(probes)
}

fn open(client: &mut Client, probe: &Probe) {
    client.open_note(&probe.uri, 1, &probe.text);
}

/// Starts the server and asks for the definition of a wikilink until it is answered.
fn start_until_first_definition(binary: &Path, root: &Path, probe: &Probe, timeout: Duration) -> (Client, Duration) {
    let start = Instant::now();
    let mut client = Client::start(binary, root, Encoding::Utf16);
    client.set_timeout(timeout);
    open(&mut client, probe);
    // Every 10 ms, so that the wait between polls adds little to the time.
    client.poll_every("textDocument/definition", probe.at(probe.link), Duration::from_millis(10), |response| {
        response["result"].as_array().is_some_and(|a| !a.is_empty()) || response["result"].is_object()
    });
    (client, start.elapsed())
}

/// Sorted times of one kind of request.
fn timed(client: &mut Client, method: &str, params: &[Value]) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..200)
        .map(|i| {
            let (response, received) = client.timed_request(method, params[i % params.len()].clone());
            assert!(response.get("error").is_none(), "{method}: {response}");
            received
        })
        .collect();
    times.sort();
    times
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn percentiles(report: &mut Report, keys: [&'static str; 2], labels: [&'static str; 2], times: &[Duration]) {
    report.add(keys[0], labels[0], millis(times[times.len() / 2]), "ms");
    report.add(keys[1], labels[1], millis(times[times.len() * 99 / 100]), "ms");
}

/// With `DOSSIER_BENCH_PERF` set, each server runs under `perf record`
/// (call graphs, into `target/bench/perf-<pid>.data`), to explain a figure.
/// The peak memory is then perf's, not the server's.
fn profiled(binary: &Path, out: &Path) -> Result<PathBuf> {
    if std::env::var_os("DOSSIER_BENCH_PERF").is_none() {
        return Ok(binary.to_path_buf());
    }
    let wrapper = out.join("dossier-under-perf");
    let script = format!(
        "#!/bin/sh\nexec perf record -F 499 -g -o {}/perf-$$.data -- {} \"$@\"\n",
        out.display(),
        binary.display()
    );
    fs::write(&wrapper, script)?;
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755))?;
    Ok(wrapper)
}

/// Measures the server on the vault.
pub(crate) fn lsp(binary: &Path, vault: &Vault, report: &mut Report) -> Result<()> {
    let binary = &profiled(binary, vault.root.parent().unwrap_or(&vault.root))?;
    let root = vault.root.canonicalize()?;
    let _ = fs::remove_dir_all(root.join(".dossier"));
    let probes = probes(vault, 50)?;
    let timeout = Duration::from_secs(600);

    let (mut client, cold) = start_until_first_definition(binary, &root, &probes[0], timeout);
    report.add("vault_startup_cold_s", "start to first definition, cold", cold.as_secs_f64(), "s");
    report.note(String::new(), "≤ 5 s");
    client.wait_until_ready();
    for probe in &probes[1..] {
        open(&mut client, probe);
    }

    let on_links: Vec<Value> = probes.iter().map(|p| p.at(p.link)).collect();
    let times = timed(&mut client, "textDocument/hover", &on_links);
    percentiles(
        report,
        ["vault_hover_p50_ms", "vault_hover_p99_ms"],
        ["hover on a link p50", "hover on a link p99"],
        &times,
    );
    report.note(String::new(), "≤ 5 ms");
    let times = timed(&mut client, "textDocument/definition", &on_links);
    percentiles(
        report,
        ["vault_definition_p50_ms", "vault_definition_p99_ms"],
        ["definition p50", "definition p99"],
        &times,
    );
    report.note(String::new(), "≤ 5 ms");
    let backlinks: Vec<Value> = on_links
        .iter()
        .map(|params| {
            let mut params = params.clone();
            params["context"] = json!({ "includeDeclaration": false });
            params
        })
        .collect();
    let (response, _) = client.timed_request("textDocument/references", backlinks[0].clone());
    let count = response["result"].as_array().map_or(0, Vec::len);
    let times = timed(&mut client, "textDocument/references", &backlinks);
    percentiles(
        report,
        ["vault_backlinks_p50_ms", "vault_backlinks_p99_ms"],
        ["backlinks of the most linked note p50", "backlinks of the most linked note p99"],
        &times,
    );
    report.note(format!("{count} locations"), "≤ 20 ms");

    // Completion inside a `[[` typed at the end of each probe note.
    let mut completions = Vec::new();
    for probe in &probes {
        let text = format!("{}\n[[Spa", probe.text);
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": probe.uri, "version": 2 }, "contentChanges": [{ "text": text }] }),
        );
        completions.push(probe.at(positions::position(&text, text.len(), Encoding::Utf16)));
    }
    client.poll("textDocument/completion", completions[0].clone(), |response| {
        response["result"]["items"].as_array().or(response["result"].as_array()).is_some_and(|a| !a.is_empty())
    });
    let times = timed(&mut client, "textDocument/completion", &completions);
    percentiles(
        report,
        ["vault_completion_p50_ms", "vault_completion_p99_ms"],
        ["`[[` completion p50", "`[[` completion p99"],
        &times,
    );
    report.note(String::new(), "≤ 10 ms");

    // Edit → diagnostics: a new broken link in an open note, then its fix.
    let mut edits = Vec::new();
    for (version, probe) in probes.iter().take(10).enumerate() {
        let missing = format!("Nowhere {version}");
        let text = format!("{}\n[[{missing}]]\n", probe.text);
        let start = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": probe.uri, "version": 10 + version }, "contentChanges": [{ "text": text }] }),
        );
        let uri = probe.uri.clone();
        client.wait_for_notification("textDocument/publishDiagnostics", |params| {
            params["uri"] == uri.as_str()
                && params["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["message"].as_str().is_some_and(|m| m.contains(&missing))))
        });
        edits.push(start.elapsed());
    }
    edits.sort();
    report.add(
        "vault_edit_to_diagnostics_ms",
        "edit → diagnostics published (median of 10)",
        millis(edits[edits.len() / 2]),
        "ms",
    );
    report.note(format!("max {:.0} ms", millis(*edits.last().unwrap_or(&Duration::ZERO))), "≤ 100 ms");

    let peak = fs::read_to_string(format!("/proc/{}/status", client.pid()))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .unwrap_or(f64::NAN);
    report.add("vault_peak_memory_mb", "peak memory, server", peak * 1024.0 / 1e6, "MB");
    report.note(String::new(), "≤ 1000 MB");
    client.shutdown();

    let (client, warm) = start_until_first_definition(binary, &root, &probes[0], timeout);
    report.add("vault_startup_warm_s", "start to first definition, warm", warm.as_secs_f64(), "s");
    report.note(String::new(), "≤ 1 s");
    client.shutdown();
    Ok(())
}

impl Vault {
    /// The vault's shape, for the report's header.
    pub(crate) fn describe(&self) -> String {
        format!(
            "Vault: {} notes, {:.1} MB, {} wikilinks ({:.1} per note, {:.1} % to no note).",
            self.notes.len(),
            self.bytes as f64 / 1e6,
            self.links,
            self.links as f64 / self.notes.len() as f64,
            self.unresolved as f64 * 100.0 / self.links.max(1) as f64
        )
    }
}
