//! Measurements over a real stdio session with `dossier lsp`: startup to the
//! first useful hover (cold and warm), request latencies, and the time from a
//! file written on disk to references that include it.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use anyhow::{Context, Result};
use dossier_lsp_client::{Client, Encoding, TIMEOUT, file_uri, positions};
use serde_json::{Value, json};

use super::{corpus::Corpus, measure::Report};

/// Requests of each kind timed for the percentiles, at least: every note's
/// term is asked about at least once.
const SAMPLES: usize = 300;

/// How long one wait may take (a response, a rebuild to show a file, a
/// startup) before the benchmark fails: the test client's bound per 10 MB of
/// corpus, since a rebuild, a cold start and the largest reference list all
/// grow with the corpus.
fn timeout(corpus: &Corpus) -> Duration {
    TIMEOUT.max(TIMEOUT * u32::try_from(corpus.document_bytes.div_ceil(10 << 20)).unwrap_or(u32::MAX))
}

pub(crate) fn lsp(binary: &Path, corpus: &Corpus, report: &mut Report) -> Result<()> {
    let root = corpus.root.canonicalize()?;
    // Cold: no cache from an earlier run.
    let _ = std::fs::remove_dir_all(root.join(".dossier"));
    let targets = targets(corpus)?;
    let first = targets.first().context("the corpus has no notes")?;
    let timeout = timeout(corpus);

    let started = Instant::now();
    let (mut client, cold) = start_until_first_hover(binary, &root, first, timeout);
    report.add("startup_cold_s", "startup to first hover, cold", cold.as_secs_f64(), "s");
    report.note(String::new(), "≤ 3 s");
    client.wait_until_ready();
    let whole = started.elapsed();
    report.add("startup_cold_whole_s", "startup to the whole index, cold", whole.as_secs_f64(), "s");
    // The whole index took 11.3–11.9 s at 100 MB before partial indexes
    // were published on the way (docs/performance.md).
    report.note(String::new(), "≤ 13 s at 100 MB");

    for target in &targets {
        open(&mut client, target);
    }
    let timed = latency(&mut client, &targets, "textDocument/hover", &|t| t.position());
    report.add("hover_p50_ms", "hover p50", timed.p50(), "ms");
    report.add("hover_p99_ms", "hover p99", timed.p99(), "ms");
    report.note(String::new(), "≤ 5 ms");
    let timed = latency(&mut client, &targets, "textDocument/definition", &|t| t.position());
    report.add("definition_p50_ms", "definition p50", timed.p50(), "ms");
    report.add("definition_p99_ms", "definition p99", timed.p99(), "ms");
    report.note(String::new(), "≤ 5 ms");
    let references = latency(&mut client, &targets, "textDocument/references", &references_params);
    report.add("references_p50_ms", "references p50", references.p50(), "ms");
    report.add("references_p99_ms", "references p99", references.p99(), "ms");
    report.note(format!("parsed by the bench: {:.1} ms", references.parsed_p99()), "");
    // The targets are by answer size: the answers a user reads (up to
    // `SMALL_ANSWER` locations) at the p99, the largest answer whole.
    let small = references.p99_where(|count| count <= SMALL_ANSWER);
    report.add("references_small_p99_ms", "references p99, answers ≤ 20,000 locations", small.0, "ms");
    report.note(
        format!("{} requests, {} answers", small.1, references.answers(|count| count <= SMALL_ANSWER)),
        "≤ 30 ms",
    );
    let largest = references.counts.iter().copied().enumerate().max_by_key(|&(_, count)| count);
    let (largest_target, largest) = largest.unwrap_or((0, 0));
    report.add(
        "references_largest_ms",
        "references, largest answer (slowest of its requests)",
        references.max_of(largest_target),
        "ms",
    );
    report.note(format!("{largest} locations"), "≤ 100 ms");
    let streamed = first_batches(&mut client, &targets[largest_target], references_params(&targets[largest_target]));
    report.add(
        "references_first_batch_ms",
        "references with a partialResultToken, first batch of the largest (slowest of 5)",
        streamed.0,
        "ms",
    );
    report.note(format!("all batches and the result in {:.1} ms", streamed.1), "≤ 30 ms");
    let timed = latency(&mut client, &targets, "textDocument/completion", &|t| t.completion());
    report.add("completion_p50_ms", "completion p50", timed.p50(), "ms");
    report.add("completion_p99_ms", "completion p99", timed.p99(), "ms");
    report.note(String::new(), "≤ 10 ms");

    let (saved, mentions) = watch_latency(&mut client, &root, &targets, &references.counts)?;
    report.add("saved_to_references_ms", "file saved → references updated (median of 5)", millis(saved), "ms");
    report.note(format!("terms of {mentions} locations or fewer"), "≤ 200 ms");
    let peak = std::fs::read_to_string(format!("/proc/{}/status", client.pid()))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .unwrap_or(f64::NAN);
    report.add("server_peak_memory_mb", "peak memory, server", peak * 1024.0 / 1e6, "MB");
    report.note(String::new(), "≤ 1500 MB");
    client.shutdown();

    let (client, warm) = start_until_first_hover(binary, &root, first, timeout);
    report.add("startup_warm_s", "startup to first hover, warm", warm.as_secs_f64(), "s");
    report.note(format!("cold {cold:.2?}"), "≤ 0.5 s");
    client.shutdown();
    Ok(())
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The most locations of a references answer held to the p99 target
/// (larger ones are held to the target for the largest, whole).
const SMALL_ANSWER: usize = 20_000;

fn references_params(target: &Target) -> Value {
    let mut params = target.position();
    params["context"] = json!({ "includeDeclaration": true });
    params
}

/// Asks for references at `target` with a `partialResultToken` five times:
/// the slowest time to the first `$/progress` batch, and the slowest time
/// to the (empty) result after every batch.
fn first_batches(client: &mut Client, target: &Target, params: Value) -> (f64, f64) {
    let (mut first, mut whole) = (Duration::ZERO, Duration::ZERO);
    for i in 0..5 {
        let answer = client.partial_request("textDocument/references", params.clone(), &format!("bench-{i}"));
        assert!(answer.response.get("error").is_none(), "references at {}: {}", target.uri, answer.response);
        first = first.max(answer.first_batch.unwrap_or(answer.received));
        whole = whole.max(answer.received);
    }
    (millis(first), millis(whole))
}

/// The times of one kind of request.
struct Latency {
    /// Until the response's last byte was read, sorted.
    received: Vec<Duration>,
    /// Each request's target and time until its response's last byte was
    /// read, in the order they were made.
    by_target: Vec<(usize, Duration)>,
    /// Until the bench had parsed the response too, sorted.
    parsed: Vec<Duration>,
    /// How many items each target's answer held (an array's length, else 1
    /// for an answer and 0 for none), in the order of the targets.
    counts: Vec<usize>,
}

impl Latency {
    fn p50(&self) -> f64 {
        millis(self.received[self.received.len() / 2])
    }

    fn p99(&self) -> f64 {
        millis(self.received[self.received.len() * 99 / 100])
    }

    /// The p99 of the requests whose answer held a count of items for which
    /// `small` holds, and how many requests that is.
    fn p99_where(&self, small: impl Fn(usize) -> bool) -> (f64, usize) {
        let mut times: Vec<Duration> =
            self.by_target.iter().filter(|(target, _)| small(self.counts[*target])).map(|&(_, time)| time).collect();
        times.sort();
        let p99 = times.get(times.len() * 99 / 100).map_or(f64::NAN, |&time| millis(time));
        (p99, times.len())
    }

    /// How many targets' answers held a count of items for which `small` holds.
    fn answers(&self, small: impl Fn(usize) -> bool) -> usize {
        self.counts.iter().filter(|&&count| small(count)).count()
    }

    /// The slowest request at `target`.
    fn max_of(&self, target: usize) -> f64 {
        self.by_target.iter().filter(|(t, _)| *t == target).map(|&(_, time)| millis(time)).fold(f64::NAN, f64::max)
    }

    fn parsed_p99(&self) -> f64 {
        millis(self.parsed[self.parsed.len() * 99 / 100])
    }
}

/// Times `method` on the targets in turn, [`SAMPLES`] requests or one per
/// target if there are more: every note's term is asked about, from the most
/// mentioned (the first notes) on, so the largest answers stay in the sample
/// and the p99 stays honest.
fn latency(client: &mut Client, targets: &[Target], method: &str, params: &dyn Fn(&Target) -> Value) -> Latency {
    let mut timed =
        Latency { received: Vec::new(), by_target: Vec::new(), parsed: Vec::new(), counts: vec![0; targets.len()] };
    for i in 0..SAMPLES.max(targets.len()) {
        let target = i % targets.len();
        let start = Instant::now();
        let (response, received) = client.timed_request(method, params(&targets[target]));
        timed.parsed.push(start.elapsed());
        timed.received.push(received);
        timed.by_target.push((target, received));
        assert!(response.get("error").is_none(), "{method}: {response}");
        let result = &response["result"];
        timed.counts[target] = result.as_array().map_or(usize::from(!result.is_null()), Vec::len);
    }
    timed.received.sort();
    timed.parsed.sort();
    timed
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
    client.open_note(&target.uri, 1, &target.text);
}

/// Starts the server and hovers until the answer has content.
fn start_until_first_hover(binary: &Path, root: &Path, target: &Target, timeout: Duration) -> (Client, Duration) {
    let start = Instant::now();
    let mut client = Client::start(binary, root, Encoding::Utf16);
    client.set_timeout(timeout);
    open(&mut client, target);
    // Every 10 ms, so that the wait between polls adds little to the time.
    client.poll_every("textDocument/hover", target.position(), Duration::from_millis(10), |response| {
        !response["result"].is_null()
    });
    (client, start.elapsed())
}

/// Writes new documents, each mentioning one note's term, and times until
/// references list them. The terms are the five with the fewest references
/// (`counts`, one per target) that have any: what is timed is the rebuild
/// that takes the file in, not the listing of a term mentioned everywhere
/// (whose answer is measured by the references latency; at 100 MB it is tens
/// of megabytes of JSON, asked again every 100 ms while the rebuild runs).
/// Returns the median time and the most references of the terms used.
fn watch_latency(client: &mut Client, root: &Path, targets: &[Target], counts: &[usize]) -> Result<(Duration, usize)> {
    let mut rarest: Vec<(usize, &Target)> =
        counts.iter().copied().zip(targets).filter(|(count, _)| *count > 0).collect();
    rarest.sort_by_key(|(count, _)| *count);
    rarest.truncate(5);
    anyhow::ensure!(!rarest.is_empty(), "no note's term has references");
    let mut times = Vec::new();
    for (i, (_, target)) in rarest.iter().enumerate() {
        let heading = target.text.lines().find_map(|l| l.strip_prefix("# ")).context("a heading")?.to_owned();
        let path = root.join(format!("docs/new-{i}.txt"));
        let uri = file_uri(&path);
        let mut params = target.position();
        params["context"] = json!({ "includeDeclaration": false });
        let start = Instant::now();
        std::fs::write(&path, format!("A new document about {heading}, written while the server runs.\n"))?;
        // Every 10 ms: the time measured is the server's, not the wait between polls.
        client.poll_every("textDocument/references", params, Duration::from_millis(10), |response| {
            response["result"].as_array().is_some_and(|locations| locations.iter().any(|l| l["uri"] == uri))
        });
        times.push(start.elapsed());
    }
    times.sort();
    let most = rarest.iter().map(|(count, _)| *count).max().unwrap_or(0);
    Ok((times[times.len() / 2], most))
}
