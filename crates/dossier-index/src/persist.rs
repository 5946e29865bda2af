//! What an [`IndexBuilder`](crate::IndexBuilder) keeps of a document,
//! stored between runs through a [`BuildCache`]: the candidate names its
//! extractors found and the mentions the last automaton found, so that a
//! restart on an unchanged corpus runs neither jieba nor the automaton.
//!
//! One value per document, in a small binary format (little-endian
//! integers, length-prefixed strings), starting with [`FORMAT`] and a hash
//! of the decoded text it was found in, and ending with a checksum of the
//! rest. A value whose format, text, checksum or contents do not check out
//! is ignored (the document is extracted again), never trusted: the store
//! may be from another version or damaged.

use std::sync::Arc;

use crate::{
    builder::TERM_KINDS,
    candidates::{Candidates, Counted, Evidence, Interner, Written},
    mentions::{PatternHits, Scan, ScanHit},
};

/// Bump when the layout below or what the extractors or the automaton find
/// changes: stored values of another format are ignored.
pub const FORMAT: u32 = 13;

/// Where an [`IndexBuilder`](crate::IndexBuilder) keeps what it found in
/// each document between runs, keyed by the document's path. Errors are
/// the cache's to report: a miss only costs the work again.
pub trait BuildCache: Send + Sync {
    /// The value stored for the document at `path`, if any.
    fn get(&self, path: &str) -> Option<Vec<u8>>;
    /// Stores values by path, replacing older ones (ideally in one transaction).
    fn put(&self, values: Vec<(String, Vec<u8>)>);
}

/// What is stored of one document.
pub(crate) struct Stored {
    pub(crate) candidates: Candidates<Written>,
    /// The hashes of the document's distinct lower-case Latin words.
    pub(crate) words: Vec<u64>,
    /// The mentions, with the fingerprint of the automaton's keys.
    pub(crate) scan: Option<(u64, Scan)>,
}

const EVIDENCE: [Evidence; 11] = [
    Evidence::Word,
    Evidence::Discovered,
    Evidence::Lexicon,
    Evidence::SentenceInitial,
    Evidence::Number,
    Evidence::Tagged,
    Evidence::Acronym,
    Evidence::Capitalized,
    Evidence::Quoted,
    Evidence::Coinage,
    Evidence::Pattern,
];

/// The hash a stored value is checked against.
pub(crate) fn text_hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// Encodes what is kept of a document whose text hashes to `text`.
pub(crate) fn encode(
    text: u64,
    candidates: &Candidates,
    words: &[u64],
    interner: &Interner,
    scan: Option<(u64, &Scan)>,
) -> Vec<u8> {
    let mut out = Encoder(Vec::with_capacity(64 + 32 * candidates.names.len()));
    out.u32(FORMAT);
    out.u64(text);
    out.u32(candidates.names.len() as u32);
    for name in &candidates.names {
        out.str(interner.get(name.surface));
        match name.key {
            Some(key) => {
                out.0.push(1);
                out.str(interner.get(key));
            }
            None => out.0.push(0),
        }
    }
    out.u32(candidates.found.len() as u32);
    for found in &candidates.found {
        out.u32(found.name);
        out.0.push(found.evidence as u8);
        out.0.push(TERM_KINDS.iter().position(|k| *k == found.kind).unwrap_or(5) as u8);
        out.u32(found.count);
    }
    out.u32(candidates.pairs.len() as u32);
    for &(left, right) in &candidates.pairs {
        out.u32(left);
        out.u32(right);
    }
    out.u32(words.len() as u32);
    for &word in words {
        out.u64(word);
    }
    match scan {
        None => out.0.push(0),
        Some((fingerprint, scan)) => {
            out.0.push(1);
            out.u64(fingerprint);
            out.u32(scan.surfaces.len() as u32);
            for surface in &scan.surfaces {
                out.str(surface);
            }
            out.u32(scan.hits.len() as u32);
            for hit in &scan.hits {
                for n in [hit.pattern, hit.surface, hit.text_range[0], hit.text_range[1]] {
                    out.u32(n);
                }
                out.u32(hit.original_range[0]);
                out.u32(hit.original_range[1]);
            }
            out.u32(scan.patterns.len() as u32);
            for p in &scan.patterns {
                for n in [p.pattern, p.count, p.first_at[0], p.first_at[1], p.lower_case] {
                    out.u32(n);
                }
                out.0.push(p.definition_score);
                out.u32(p.defined_at[0]);
                out.u32(p.defined_at[1]);
            }
            out.u32(scan.han_surfaces.len() as u32);
            for &(pattern, surface) in &scan.han_surfaces {
                out.u32(pattern);
                out.u32(surface);
            }
        }
    }
    let checksum = xxhash_rust::xxh3::xxh3_64(&out.0);
    out.u64(checksum);
    out.0
}

/// Decodes a stored value, `None` unless it is of this [`FORMAT`], for
/// `text` (whose hash is `text_hash`), intact and well formed.
pub(crate) fn decode(bytes: &[u8], text_hash: u64, text: &str) -> Option<Stored> {
    let (payload, checksum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if xxhash_rust::xxh3::xxh3_64(payload).to_le_bytes() != *checksum {
        return None;
    }
    let mut input = Decoder(payload);
    if input.u32()? != FORMAT || input.u64()? != text_hash {
        return None;
    }
    let mut candidates = Candidates { names: Written::default(), found: Vec::new(), pairs: Vec::new() };
    for _ in 0..input.len(5)? {
        let surface = input.str()?;
        let key = match input.u8()? {
            0 => None,
            1 => Some(input.str()?).filter(|key| !key.is_empty()),
            _ => return None,
        };
        candidates.names.push(surface, key);
    }
    let names = candidates.names.len() as u32;
    for _ in 0..input.len(10)? {
        let name = input.u32()?;
        if name >= names {
            return None;
        }
        let evidence = *EVIDENCE.get(usize::from(input.u8()?))?;
        let kind = *TERM_KINDS.get(usize::from(input.u8()?))?;
        let count = input.u32()?;
        candidates.found.push(Counted { name, evidence, kind, count });
    }
    let found = candidates.found.len() as u32;
    for _ in 0..input.len(8)? {
        let (left, right) = (input.u32()?, input.u32()?);
        if left >= found || right >= found {
            return None;
        }
        candidates.pairs.push((left, right));
    }
    let mut words = Vec::new();
    for _ in 0..input.len(8)? {
        words.push(input.u64()?);
    }
    let scan = match input.u8()? {
        0 => None,
        1 => Some(decode_scan(&mut input, text)?),
        _ => return None,
    };
    input.0.is_empty().then_some(Stored { candidates, words, scan })
}

fn decode_scan(input: &mut Decoder<'_>, text: &str) -> Option<(u64, Scan)> {
    let fingerprint = input.u64()?;
    let mut surfaces: Vec<Arc<str>> = Vec::new();
    for _ in 0..input.len(4)? {
        surfaces.push(Arc::from(input.str()?));
    }
    let in_text = |range: [u32; 2]| {
        range[0] <= range[1] && text.is_char_boundary(range[0] as usize) && text.is_char_boundary(range[1] as usize)
    };
    let mut hits = Vec::new();
    for _ in 0..input.len(24)? {
        let (pattern, surface) = (input.u32()?, input.u32()?);
        let text_range = [input.u32()?, input.u32()?];
        let original_range = [input.u32()?, input.u32()?];
        if surface as usize >= surfaces.len() || !in_text(text_range) || original_range[0] > original_range[1] {
            return None;
        }
        hits.push(ScanHit { pattern, surface, text_range, original_range });
    }
    if hits.windows(2).any(|w| w[0].text_range[1] > w[1].text_range[0]) {
        return None;
    }
    let mut patterns = Vec::new();
    for _ in 0..input.len(29)? {
        let (pattern, count) = (input.u32()?, input.u32()?);
        let first_at = [input.u32()?, input.u32()?];
        let lower_case = input.u32()?;
        let definition_score = input.u8()?;
        let defined_at = [input.u32()?, input.u32()?];
        if !in_text(first_at) || !in_text(defined_at) {
            return None;
        }
        patterns.push(PatternHits { pattern, count, first_at, lower_case, definition_score, defined_at });
    }
    let mut han_surfaces = Vec::new();
    for _ in 0..input.len(8)? {
        let (pattern, surface) = (input.u32()?, input.u32()?);
        if surface as usize >= surfaces.len() {
            return None;
        }
        han_surfaces.push((pattern, surface));
    }
    Some((fingerprint, Scan { generation: 0, hits, surfaces, patterns, han_surfaces, by_pattern: Default::default() }))
}

struct Encoder(Vec<u8>);

impl Encoder {
    fn u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    fn u64(&mut self, n: u64) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
}

struct Decoder<'a>(&'a [u8]);

impl<'a> Decoder<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A count of items of at least `min_size` bytes each: no more than the
    /// input can hold, so that a damaged count never allocates much.
    fn len(&mut self, min_size: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(min_size)? <= self.0.len()).then_some(n)
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use dossier_ingest::{IngestConfig, ingest};

    use super::*;
    use crate::{Source, SourceKind, mentions::Matcher};

    const TEXT: &str = "Jack Ma (马云) founded Alibaba. 馬雲說淘寶和天猫。The \"Double 11\" festival grew.";

    fn stored() -> (Vec<u8>, Candidates<Written>, Scan) {
        let document = ingest("a.txt", TEXT.as_bytes(), &IngestConfig::default()).unwrap();
        let source = Source { kind: SourceKind::Document, document };
        let written = Candidates::extract(TEXT);
        let mut interner = Interner::default();
        let candidates = Candidates::extract(TEXT).intern(&mut interner);
        let words = [3, 5];
        let keys = ["jack ma", "马云", "alibaba", "淘宝"];
        let matcher = Matcher::new(keys.iter().enumerate().map(|(i, k)| (k.to_string(), i)).collect());
        let scan = Scan::new(&matcher, 0, &source, 0..0);
        (encode(text_hash(TEXT), &candidates, &words, &interner, Some((7, &scan))), written, scan)
    }

    #[test]
    fn round_trip() {
        let (bytes, written, scan) = stored();
        let decoded = decode(&bytes, text_hash(TEXT), TEXT).expect("decodes");
        let names = |c: &Candidates<Written>| -> Vec<(String, Option<String>)> {
            c.names.iter().map(|(surface, key)| (surface.to_owned(), key.map(str::to_owned))).collect()
        };
        assert_eq!(names(&decoded.candidates), names(&written));
        assert_eq!(format!("{:?}", decoded.candidates.found), format!("{:?}", written.found));
        assert_eq!(decoded.candidates.pairs, written.pairs);
        assert_eq!(decoded.words, [3, 5]);
        let (fingerprint, decoded_scan) = decoded.scan.expect("a scan");
        assert_eq!(fingerprint, 7);
        assert_eq!(format!("{decoded_scan:?}"), format!("{scan:?}"));
        assert!(!scan.hits.is_empty());
    }

    #[test]
    fn damaged_or_foreign_values_are_refused() {
        let (bytes, ..) = stored();
        assert!(decode(&bytes, text_hash("another text"), TEXT).is_none());
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len], text_hash(TEXT), TEXT).is_none(), "truncated to {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer, text_hash(TEXT), TEXT).is_none());
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x10;
            assert!(decode(&damaged, text_hash(TEXT), TEXT).is_none(), "byte {i} damaged");
        }
    }
}
