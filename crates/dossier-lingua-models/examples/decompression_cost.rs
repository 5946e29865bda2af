//! What decompressing the models costs: each shipped file's compressed and
//! original size and the time of its first `model_file` call (the
//! decompression), then the totals. Run with
//! `cargo run --release -p dossier-lingua-models --example decompression_cost`.

use std::time::Instant;

fn main() {
    let (mut compressed_total, mut original_total, mut seconds_total) = (0, 0, 0.0);
    println!("{:<12} {:<22} {:>10} {:>10} {:>8}", "language", "file", "compressed", "original", "ms");
    for (language, file_name) in dossier_lingua_models::shipped_files() {
        let compressed = dossier_lingua_models::compressed_size(language, file_name).expect("a shipped file");
        let start = Instant::now();
        let original = dossier_lingua_models::model_file(language, file_name).expect("a shipped file").len();
        let seconds = start.elapsed().as_secs_f64();
        println!("{language:<12} {file_name:<22} {compressed:>10} {original:>10} {:>8.1}", seconds * 1e3);
        (compressed_total, original_total, seconds_total) =
            (compressed_total + compressed, original_total + original, seconds_total + seconds);
    }
    println!(
        "total: {compressed_total} bytes compressed, {original_total} decompressed in {:.0} ms ({:.0} MB/s)",
        seconds_total * 1e3,
        original_total as f64 / seconds_total / 1e6
    );
}
