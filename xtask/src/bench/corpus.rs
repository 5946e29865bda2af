//! A deterministic synthetic corpus built from the sample corpus: its sentences
//! redistributed across many documents in all three scripts (some documents
//! mixed), names spread with a Zipf-like frequency, and notes with front-matter
//! aliases. The same seed and size give the same bytes.

use std::{
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};

/// What to generate.
pub(crate) struct CorpusSpec {
    /// Total size of the documents, in bytes.
    pub(crate) bytes: usize,
    /// Number of documents.
    pub(crate) documents: usize,
    /// Seed of the generator.
    pub(crate) seed: u64,
}

/// A term of the sample corpus with its aliases in each script.
#[derive(Debug, Clone)]
pub(crate) struct Name {
    pub(crate) label: String,
    pub(crate) latin: Vec<String>,
    pub(crate) simplified: Vec<String>,
    pub(crate) traditional: Vec<String>,
}

/// What was generated: where, and the names spread through it.
pub(crate) struct Corpus {
    pub(crate) root: PathBuf,
    pub(crate) document_bytes: usize,
    pub(crate) documents: usize,
    pub(crate) notes: Vec<PathBuf>,
    pub(crate) names: Vec<Name>,
}

#[derive(Clone, Copy)]
enum Style {
    English,
    Simplified,
    Traditional,
    Mixed,
}

/// Sentences of the sample corpus, by script.
struct Pools {
    english: Vec<String>,
    simplified: Vec<String>,
    traditional: Vec<String>,
}

/// Writes the corpus under `root` (emptied first).
pub(crate) fn generate(root: &Path, seeds: &Path, names: Vec<Name>, spec: &CorpusSpec) -> Result<Corpus> {
    if root.exists() {
        fs::remove_dir_all(root).with_context(|| format!("cannot empty {}", root.display()))?;
    }
    fs::create_dir_all(root).with_context(|| format!("cannot create {}", root.display()))?;
    let pools = read_pools(seeds)?;
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let zipf = Zipf::new(names.len());
    let per_document = (spec.bytes / spec.documents.max(1)).max(256);

    let mut written = 0;
    for i in 0..spec.documents {
        let style = match rng.u32(0..20) {
            0..=7 => Style::English,
            8..=12 => Style::Simplified,
            13..=16 => Style::Traditional,
            _ => Style::Mixed,
        };
        // Sizes vary around the mean, as real archives do.
        let target = rng.usize(per_document / 2..per_document * 3 / 2 + 1);
        let text = document(&mut rng, &pools, &names, &zipf, style, target);
        let path = root.join(format!("docs/{:04}/{i:06}.txt", i / 500));
        fs::create_dir_all(path.parent().unwrap())?;
        fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
        written += text.len();
    }

    let mut notes = Vec::new();
    for (rank, name) in names.iter().enumerate().take((spec.documents / 20).clamp(5, 500)) {
        let path = root.join(format!("notes/{rank:04}.md"));
        fs::create_dir_all(path.parent().unwrap())?;
        fs::write(&path, note(&mut rng, name, &names, &zipf))
            .with_context(|| format!("cannot write {}", path.display()))?;
        notes.push(path);
    }
    Ok(Corpus { root: root.to_path_buf(), document_bytes: written, documents: spec.documents, notes, names })
}

fn read_pools(seeds: &Path) -> Result<Pools> {
    let mut pools = Pools { english: Vec::new(), simplified: Vec::new(), traditional: Vec::new() };
    let mut entries: Vec<PathBuf> = fs::read_dir(seeds)
        .with_context(|| format!("cannot read {}", seeds.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    entries.sort();
    for path in entries {
        let text = fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let han = text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
        if han * 4 < text.chars().count() {
            pools.english.extend(split_sentences(&text, &['.', '?', '!']));
        } else if ["這", "個", "們", "來", "說", "時", "會"].iter().filter(|c| text.contains(*c)).count() >= 4 {
            pools.traditional.extend(split_sentences(&text, &['。', '？', '！']));
        } else {
            pools.simplified.extend(split_sentences(&text, &['。', '？', '！']));
        }
    }
    Ok(pools)
}

fn split_sentences(text: &str, ends: &[char]) -> Vec<String> {
    text.split_inclusive(ends)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| s.chars().count() >= 8)
        .collect()
}

fn document(
    rng: &mut fastrand::Rng,
    pools: &Pools,
    names: &[Name],
    zipf: &Zipf,
    style: Style,
    target: usize,
) -> String {
    let mut text = String::with_capacity(target + 512);
    while text.len() < target {
        let paragraph_style = match style {
            Style::Mixed => [Style::English, Style::Simplified, Style::Traditional][rng.usize(0..3)],
            other => other,
        };
        for _ in 0..rng.usize(3..8) {
            let (pool, cjk) = match paragraph_style {
                Style::English | Style::Mixed => (&pools.english, false),
                Style::Simplified => (&pools.simplified, true),
                Style::Traditional => (&pools.traditional, true),
            };
            if pool.is_empty() {
                continue;
            }
            if rng.u32(0..10) < 3 && !names.is_empty() {
                let name = &names[zipf.sample(rng)];
                let alias = match paragraph_style {
                    Style::English | Style::Mixed => name.latin.first(),
                    Style::Simplified => name.simplified.first(),
                    Style::Traditional => name.traditional.first().or(name.simplified.first()),
                };
                if let Some(alias) = alias {
                    text.push_str(alias);
                    text.push_str(if cjk { "表示，" } else { " said that " });
                }
            }
            text.push_str(&pool[rng.usize(0..pool.len())]);
            if !cjk {
                text.push(' ');
            }
        }
        text.push_str("\n\n");
    }
    text
}

fn note(rng: &mut fastrand::Rng, name: &Name, names: &[Name], zipf: &Zipf) -> String {
    let aliases: Vec<&str> =
        name.latin.iter().chain(&name.simplified).chain(&name.traditional).map(String::as_str).collect();
    let mut text = format!("---\ntitle: {}\naliases: [{}]\n---\n# {}\n\n", name.label, aliases.join(", "), name.label);
    text.push_str(&format!("Notes on {}.", name.label));
    for _ in 0..rng.usize(2..6) {
        let other = &names[zipf.sample(rng)];
        text.push_str(&format!(" See [[{}]]; compare {}.", other.label, aliases.first().unwrap_or(&"it")));
    }
    text.push('\n');
    text
}

/// Ranks drawn with probability proportional to 1 / rank.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Zipf { cumulative }
    }

    fn sample(&self, rng: &mut fastrand::Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.f64() * total;
        self.cumulative.partition_point(|&c| c < x).min(self.cumulative.len().saturating_sub(1))
    }
}
