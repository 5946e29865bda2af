//! The LSP locations of a [`View`]'s ranges: one at a time, or a whole
//! answer written directly as the JSON text of a `Location[]`.

use std::{cell::OnceCell, path::Path, sync::Arc};

use dossier_ide::FileRange;
use tower_lsp_server::ls_types as lsp;

use super::View;
use crate::to_proto;

/// How many locations the first batch of a partial result holds: few, so
/// that it reaches the client within milliseconds whatever the total.
pub(crate) const FIRST_BATCH: usize = 1_000;

/// From how many locations an answer is written on two threads.
pub(crate) const PARALLEL: usize = 20_000;

/// From how many locations a streamed answer is found on one thread and
/// written on another (see [`View::locations_json_streamed`]), and how many
/// the finder hands over at a time. Each location in another file waits on memory: 6,378
/// backlinks in as many notes took about 5 ms to find and 5 ms to write,
/// one after the other, and a thread costs tens of microseconds.
pub(crate) const STREAMED: usize = 1_024;

/// How many locations each later batch of a partial result holds (about a
/// megabyte of JSON).
pub(crate) const BATCH: usize = 10_000;

/// Room for the JSON of `count` locations: about 70 bytes of range and 80
/// of URI each, so that a long answer is not copied as its buffer grows.
fn capacity(count: usize) -> usize {
    64 + 160 * count
}

impl View {
    /// The LSP location of a range of a source.
    pub(crate) fn location(&self, range: &FileRange) -> Option<lsp::Location> {
        self.with_location(range, |file, range| {
            let uri = file.uri.get_or_init(|| to_proto::uri(Path::new(&*file.path))).clone()?;
            Some(lsp::Location { uri, range })
        })
        .flatten()
    }

    /// The locations of `ranges` as the JSON text of an LSP `Location[]`,
    /// written directly: an answer can hold hundreds of thousands, all in a
    /// few files, whose URIs are escaped once a file rather than copied and
    /// serialized once a location. Ranges without a location are left out.
    ///
    /// A large answer is written in two halves on two threads (the second
    /// by a fork of this view), joined into the same text.
    pub(crate) fn locations_json(&self, ranges: &[FileRange]) -> Vec<u8> {
        if ranges.len() < PARALLEL {
            let mut out = Vec::with_capacity(capacity(ranges.len()));
            self.write_locations(ranges, &mut out);
            return out;
        }
        let (first, second) = ranges.split_at(ranges.len() / 2);
        let fork = self.fork();
        let (mut out, rest) = std::thread::scope(|scope| {
            let rest = scope.spawn(move || {
                let mut rest = Vec::with_capacity(capacity(second.len()));
                fork.write_locations(second, &mut rest);
                rest
            });
            let mut out = Vec::with_capacity(capacity(ranges.len()));
            self.write_locations(first, &mut out);
            (out, rest.join())
        });
        let rest = match rest {
            Ok(rest) => rest,
            // The same panic as on one thread, for the request's handler to report.
            Err(panic) => std::panic::resume_unwind(panic),
        };
        // "[a,b]" and "[c]" make "[a,b,c]"; either may be "[]".
        if rest.len() > 2 {
            out.pop();
            if out.len() > 1 {
                out.push(b',');
            }
            out.extend_from_slice(&rest[1..]);
        }
        out
    }

    /// [`View::locations_json`] of ranges as they are found: past the first
    /// [`STREAMED`], the ranges are found on another thread
    /// while this one writes those found so far, so that a long answer
    /// costs about the longer of the two rather than their sum: both wait
    /// on memory, per location (the finder on the term's hit in its
    /// source, the writer on the source's lines and text). For answers in
    /// thousands of files, such as a note's backlinks; an answer in a few
    /// files costs little per location either way.
    pub(crate) fn locations_json_streamed(&self, ranges: impl Iterator<Item = FileRange> + Send) -> Vec<u8> {
        let mut ranges = ranges.fuse();
        let first: Vec<FileRange> = ranges.by_ref().take(STREAMED).collect();
        let mut out = Vec::with_capacity(capacity(first.len()));
        out.push(b'[');
        let empty = out.len();
        self.append_locations(&first, &mut out, empty);
        if first.len() == STREAMED {
            std::thread::scope(|scope| {
                let (send, found) = std::sync::mpsc::sync_channel::<Vec<FileRange>>(16);
                let finder = scope.spawn(move || {
                    loop {
                        let chunk: Vec<FileRange> = ranges.by_ref().take(STREAMED).collect();
                        if chunk.is_empty() || send.send(chunk).is_err() {
                            break;
                        }
                    }
                });
                for chunk in found {
                    out.reserve(capacity(chunk.len()));
                    self.append_locations(&chunk, &mut out, empty);
                }
                if let Err(panic) = finder.join() {
                    // The same panic as on one thread, for the request's handler to report.
                    std::panic::resume_unwind(panic);
                }
            });
        }
        out.push(b']');
        out
    }

    /// [`View::locations_json`] in batches, for ranges as they are found:
    /// `send` gets each batch of locations, in order, as the JSON text of a
    /// `Location[]` (the first batch of [`FIRST_BATCH`] ranges, so that it
    /// is out early, the others of [`BATCH`]), and returns whether to go
    /// on. Nothing is sent for no ranges.
    pub(crate) fn locations_json_in_batches(
        &self,
        ranges: impl Iterator<Item = FileRange>,
        mut send: impl FnMut(Vec<u8>) -> bool,
    ) {
        let mut size = FIRST_BATCH;
        let mut batch = Vec::with_capacity(size);
        let mut ranges = ranges.fuse();
        loop {
            batch.extend(ranges.by_ref().take(size - batch.len()));
            if batch.is_empty() {
                return;
            }
            let mut out = Vec::with_capacity(capacity(batch.len()));
            self.write_locations(&batch, &mut out);
            if !send(out) || batch.len() < size {
                return;
            }
            batch.clear();
            size = BATCH;
        }
    }

    /// Appends the JSON text of the `Location[]` of `ranges` to `out`.
    fn write_locations(&self, ranges: &[FileRange], out: &mut Vec<u8>) {
        out.push(b'[');
        let empty = out.len();
        self.append_locations(ranges, out, empty);
        out.push(b']');
    }

    /// Appends the locations of `ranges` to the JSON array being written in
    /// `out`, which holds none while its length is `empty`.
    fn append_locations(&self, ranges: &[FileRange], out: &mut Vec<u8>, empty: usize) {
        for range in ranges {
            self.with_location(range, |file, range| {
                if out.len() > empty {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"uri\":");
                out.extend_from_slice(file.uri_json.as_bytes());
                let mut number = itoa::Buffer::new();
                let mut field = |name: &[u8], value: u32| {
                    out.extend_from_slice(name);
                    out.extend_from_slice(number.format(value).as_bytes());
                };
                field(b",\"range\":{\"start\":{\"line\":", range.start.line);
                field(b",\"character\":", range.start.character);
                field(b"},\"end\":{\"line\":", range.end.line);
                field(b",\"character\":", range.end.character);
                out.extend_from_slice(b"}}}");
            });
        }
    }

    /// Runs `make` with the file of `range` and its LSP range. Locations
    /// come in runs of one file: the file is looked up once a run.
    fn with_location<T>(&self, range: &FileRange, make: impl FnOnce(&LastFile, lsp::Range) -> T) -> Option<T> {
        let mut last = self.last_uri.borrow_mut();
        let mut last_start = self.last_start.borrow_mut();
        let file = match &*last {
            Some(file) if Arc::ptr_eq(&file.path, &range.path) || file.path == range.path => file,
            _ => {
                let (source, uri_json) = match self.edited(&range.path) {
                    Some(_) => (None, None),
                    None => {
                        let at = self.snapshot.source_index(&range.path)?;
                        (Some(at), Some(Arc::clone(self.snapshot.uri_json(at)?)))
                    }
                };
                let uri_json = match uri_json {
                    Some(json) => json,
                    None => Arc::from(serde_json::to_string(&to_proto::uri(Path::new(&*range.path))?).ok()?),
                };
                *last_start = None;
                last.insert(LastFile { path: Arc::clone(&range.path), uri: OnceCell::new(), uri_json, source })
            }
        };
        let lsp_range = match file.source {
            None => self.range(&range.path, range.range.clone())?,
            Some(at) => {
                let (text, lines) = self.snapshot.text_and_lines_at(at)?;
                to_proto::range_after(lines, text, range.range.clone(), self.encoding, &mut last_start)
            }
        };
        Some(make(file, lsp_range))
    }
}

/// The file of the last location a [`View`] made.
#[derive(Debug)]
pub(super) struct LastFile {
    path: Arc<str>,
    /// Its URI, made when a location needs it (a JSON answer needs only `uri_json`).
    uri: OnceCell<Option<lsp::Uri>>,
    /// The URI as a JSON string.
    uri_json: Arc<str>,
    /// Its position in the snapshot's sources; `None` for a buffer edited since.
    source: Option<usize>,
}

#[cfg(test)]
mod tests {
    use std::{path::PathBuf, sync::Arc};

    use dossier_ide::FileRange;
    use dossier_index::Index;
    use dossier_ingest::{LineIndex, PositionEncoding};
    use tower_lsp_server::ls_types as lsp;

    use crate::state::{Snapshot, SourceTables, View};

    #[test]
    fn locations_json_is_what_serde_writes_for_the_locations() {
        use dossier_index::{Source, SourceKind};
        let texts = [
            ("/notes/阿里 notes.md", "# 张勇\r\n\r\n張勇 👩‍💻 met 吴泳铭 (Wu Yongming) at 淘寶.\r\n"),
            ("/docs/a b#1.txt", "Taobao 淘宝 🎉 Wu Yongming\n吴泳铭 and 张勇\r\nlast line 淘寶"),
            ("/docs/plain.txt", "Alibaba\nAlibaba Alibaba"),
        ];
        let sources: Vec<Arc<Source>> = texts
            .iter()
            .map(|(path, text)| {
                let document = dossier_ingest::ingest(path, text.as_bytes(), &Default::default()).unwrap();
                let kind = if path.ends_with(".md") { SourceKind::Note } else { SourceKind::Document };
                Arc::new(Source { kind, document })
            })
            .collect();
        let index = Arc::new(Index::build(sources));
        let lines = index.sources().iter().map(|s| Arc::new(LineIndex::new(&s.document.text))).collect();
        let tables = Arc::new(SourceTables::of(&index));
        let snapshot = Arc::new(Snapshot { index, lines, tables, ..Snapshot::default() });
        // Every range of two characters, in path order as references come,
        // and some of another file between; the note edited in its buffer.
        let mut ranges = Vec::new();
        for source in snapshot.index.sources() {
            let text = &source.document.text;
            let path: Arc<str> = Arc::from(source.document.path.as_str());
            let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            for pair in starts.windows(3) {
                ranges.push(FileRange { path: Arc::clone(&path), range: pair[0]..pair[2] });
            }
        }
        ranges.insert(3, FileRange { path: Arc::from("/docs/plain.txt"), range: 0..7 });
        ranges.push(FileRange { path: Arc::from("/nowhere.txt"), range: 0..1 });
        let edited = (PathBuf::from(texts[0].0), Arc::from(format!("新 line\n{}", texts[0].1)));
        for encoding in [PositionEncoding::Utf16, PositionEncoding::Utf8] {
            for buffers in [vec![], vec![edited.clone()]] {
                let view = View::new(Arc::clone(&snapshot), buffers.clone(), encoding);
                let locations: Vec<lsp::Location> = ranges.iter().filter_map(|range| view.location(range)).collect();
                // Only the unknown file has no location when nothing is edited.
                assert!(!buffers.is_empty() || locations.len() + 1 == ranges.len());
                let expected = String::from_utf8(serde_json::to_vec(&locations).unwrap()).unwrap();
                let view = View::new(Arc::clone(&snapshot), buffers.clone(), encoding);
                assert_eq!(String::from_utf8(view.locations_json(&ranges)).unwrap(), expected);
                let view = View::new(Arc::clone(&snapshot), buffers.clone(), encoding);
                let streamed = view.locations_json_streamed(ranges.iter().cloned());
                assert_eq!(String::from_utf8(streamed).unwrap(), expected);
                // In batches, over enough ranges for several: the batches
                // together are the whole answer.
                let many: Vec<FileRange> =
                    ranges.iter().cycle().take(super::FIRST_BATCH + super::BATCH + 7).cloned().collect();
                let view = View::new(Arc::clone(&snapshot), buffers.clone(), encoding);
                let whole: Vec<lsp::Location> = many.iter().filter_map(|range| view.location(range)).collect();
                // Written on two threads, and the same.
                let view = View::new(Arc::clone(&snapshot), buffers.clone(), encoding);
                let parallel: Vec<FileRange> = many.iter().cycle().take(super::PARALLEL + 3).cloned().collect();
                let expected: Vec<lsp::Location> = parallel.iter().filter_map(|range| view.location(range)).collect();
                let view = View::new(Arc::clone(&snapshot), buffers.clone(), encoding);
                assert_eq!(
                    String::from_utf8(view.locations_json(&parallel)).unwrap(),
                    serde_json::to_string(&expected).unwrap()
                );
                // Found on one thread and written on another, and the same.
                let streamed: Vec<FileRange> = many.iter().cycle().take(3 * super::STREAMED + 3).cloned().collect();
                let view = View::new(Arc::clone(&snapshot), buffers.clone(), encoding);
                let expected: Vec<lsp::Location> = streamed.iter().filter_map(|range| view.location(range)).collect();
                let view = View::new(Arc::clone(&snapshot), buffers.clone(), encoding);
                assert_eq!(
                    String::from_utf8(view.locations_json_streamed(streamed.into_iter())).unwrap(),
                    serde_json::to_string(&expected).unwrap()
                );
                let view = View::new(Arc::clone(&snapshot), buffers, encoding);
                let mut batches: Vec<Vec<lsp::Location>> = Vec::new();
                view.locations_json_in_batches(many.iter().cloned(), |batch| {
                    batches.push(serde_json::from_slice(&batch).unwrap());
                    true
                });
                assert_eq!(batches.len(), 3);
                assert_eq!(batches.concat(), whole);
            }
        }
        let view = View::new(snapshot, vec![], PositionEncoding::Utf16);
        assert_eq!(view.locations_json(&[]), b"[]");
        assert_eq!(view.locations_json_streamed(std::iter::empty()), b"[]");
        let exactly: Vec<FileRange> = ranges.iter().cycle().take(super::STREAMED).cloned().collect();
        let expected: Vec<lsp::Location> = exactly.iter().filter_map(|range| view.location(range)).collect();
        let view = View::new(Arc::clone(&view.snapshot), vec![], PositionEncoding::Utf16);
        let written = view.locations_json_streamed(exactly.into_iter());
        assert_eq!(String::from_utf8(written).unwrap(), serde_json::to_string(&expected).unwrap());
        let mut sent = 0;
        view.locations_json_in_batches(std::iter::empty(), |_| {
            sent += 1;
            true
        });
        assert_eq!(sent, 0, "no batch for no locations");
    }
}
