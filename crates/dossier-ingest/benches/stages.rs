//! Micro-benchmarks of ingestion's hot paths, one stage at a time, on the
//! seed documents (read from `seeds/` at bench time): decoding (UTF-8 and
//! GBK), script runs, language detection, normalization with its alignment
//! map, and the whole of `ingest`. Throughput is in bytes of input.
//!
//! `cargo bench -p dossier-ingest` runs them all;
//! `cargo bench -p dossier-ingest -- detect` runs one group.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dossier_ingest::{IngestConfig, Normalized, ingest, script_runs, stages};

/// The seed whose file name starts with `prefix`, as text.
fn seed(prefix: &str) -> String {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
    let entry = std::fs::read_dir(&directory)
        .expect("seeds directory")
        .filter_map(Result::ok)
        .find(|entry| entry.file_name().to_string_lossy().starts_with(prefix))
        .expect("seed file");
    std::fs::read_to_string(entry.path()).expect("UTF-8 seed")
}

/// The inputs: English (000), Simplified Chinese with English (002),
/// Traditional Chinese (003) and the three concatenated ("mixed").
struct Inputs {
    english: String,
    simplified: String,
    traditional: String,
    mixed: String,
}

impl Inputs {
    fn load() -> Self {
        let (english, simplified, traditional) = (seed("000"), seed("002"), seed("003"));
        let mixed = [english.as_str(), simplified.as_str(), traditional.as_str()].join("\n\n");
        Inputs { english, simplified, traditional, mixed }
    }

    fn each(&self) -> [(&'static str, &str); 4] {
        [
            ("english", &self.english),
            ("simplified", &self.simplified),
            ("traditional", &self.traditional),
            ("mixed", &self.mixed),
        ]
    }
}

fn decode(c: &mut Criterion) {
    let inputs = Inputs::load();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&inputs.simplified);
    assert!(!unmappable, "seed 002 is representable in GBK");
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(inputs.mixed.len() as u64));
    group.bench_function("utf8_mixed", |b| b.iter(|| stages::decode(black_box(inputs.mixed.as_bytes()))));
    group.throughput(Throughput::Bytes(gbk.len() as u64));
    group.bench_function("gbk_simplified", |b| b.iter(|| stages::decode(black_box(&gbk))));
    group.finish();
}

fn scripts(c: &mut Criterion) {
    let inputs = Inputs::load();
    let mut group = c.benchmark_group("script_runs");
    for (name, text) in inputs.each() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| script_runs(black_box(text))));
    }
    group.finish();
}

fn detect(c: &mut Criterion) {
    let inputs = Inputs::load();
    // The models load on first use; not part of what is measured.
    stages::detect_languages(&inputs.mixed);
    let mut group = c.benchmark_group("detect");
    for (name, text) in inputs.each() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| stages::detect_languages(black_box(text))));
    }
    group.finish();
}

fn normalize(c: &mut Criterion) {
    let inputs = Inputs::load();
    let mut group = c.benchmark_group("normalize");
    for (name, text) in inputs.each() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| Normalized::new(black_box(text))));
    }
    group.finish();
}

fn whole(c: &mut Criterion) {
    let inputs = Inputs::load();
    let config = IngestConfig::default();
    ingest("warm-up.txt", inputs.mixed.as_bytes(), &config).expect("ingestible");
    let mut group = c.benchmark_group("ingest");
    for (name, text) in inputs.each() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| ingest("seed.txt", black_box(text.as_bytes()), &config)));
    }
    group.finish();
}

fn config() -> Criterion {
    // Short runs: the machine is shared, and the comparisons that matter are
    // tenfold, not a few percent.
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = stages_group;
    config = config();
    targets = decode, scripts, detect, normalize, whole
}
criterion_main!(stages_group);
