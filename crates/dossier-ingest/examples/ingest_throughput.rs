//! Ingestion throughput on all cores, reading excluded: reads the files named
//! on the command line into memory, then ingests them on `THREADS` threads
//! (default: all cores) and prints MB/s of input, wall and CPU time.
//! `cargo run --release -p dossier-ingest --example ingest_throughput -- <files>`.
//! The process's first document pays the one-time start-up (`lingua`'s
//! models), as the batch does.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use dossier_ingest::{IngestConfig, ingest};

fn main() {
    let files: Vec<(String, Vec<u8>)> = std::env::args()
        .skip(1)
        .filter_map(|path| match std::fs::read(&path) {
            Ok(bytes) => Some((path, bytes)),
            Err(error) => {
                eprintln!("{path}: {error}");
                None
            }
        })
        .collect();
    let threads = std::env::var("THREADS")
        .ok()
        .and_then(|threads| threads.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let bytes: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
    let config = IngestConfig::default();
    let next = AtomicUsize::new(0);
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let ingested: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut ingested = 0;
                    while let Some((path, bytes)) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                        ingested += usize::from(ingest(path, bytes, &config).is_ok());
                    }
                    ingested
                })
            })
            .collect();
        workers.into_iter().map(|worker| worker.join().expect("worker")).sum()
    });
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    println!(
        "{ingested} of {} files, {:.2} MB on {threads} threads: wall {wall:.3} s ({:.1} MB/s), CPU {cpu:.3} s ({:.1} MB/s per CPU-second)",
        files.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / wall,
        bytes as f64 / 1e6 / cpu.max(1e-9),
    );
}

/// User and system CPU time of this process so far, from `/proc/self/stat`
/// (0 where that does not exist).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // The fields after the command name (which is in parentheses): utime and
    // stime are the 12th and 13th of them, in clock ticks (100 a second).
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |index: usize| fields.get(index).and_then(|field| field.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
