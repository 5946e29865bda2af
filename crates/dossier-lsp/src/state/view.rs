//! One request's view of the workspace: the snapshot, plus the open buffers
//! edited since it was built, with positions mapped between the client's
//! text and the indexed one through each buffer's edit. Locations (one at a
//! time, or a whole answer written as JSON) are made in `view/locations.rs`.

mod locations;

use std::{cell::RefCell, collections::HashMap, ops::Range, path::PathBuf, sync::Arc};

use dossier_ingest::{LineCol, LineIndex, PositionEncoding};
use tower_lsp_server::ls_types as lsp;

use super::Snapshot;
use crate::{edit::Edit, from_proto, to_proto};
use locations::LastFile;

/// One request's view of the workspace: the snapshot, plus the open buffers
/// whose text differs from what the snapshot indexed, each with the edit
/// between the two. Positions in requests and answers are in the client's
/// text; the analysis works on the indexed one.
pub(crate) struct View {
    pub(crate) snapshot: Arc<Snapshot>,
    pub(crate) encoding: PositionEncoding,
    /// The client's text of the open buffers the snapshot was not built from.
    buffers: HashMap<String, Arc<str>>,
    /// The edit of each of those buffers from its indexed text, made when a
    /// request first needs it (a client may have hundreds open while a
    /// rebuild runs, and a request reads one or two); `None` when the texts
    /// are the same or the file is not indexed.
    edited: RefCell<HashMap<String, Option<Arc<Edited>>>>,
    /// The last file converted, with its URI and source: locations come
    /// sorted by path, and building a URI (percent-encoding the path) and
    /// finding the source are the dearest parts of converting one.
    last_uri: RefCell<Option<LastFile>>,
    /// The last range start converted in that file, for counting columns on
    /// from it (see `to_proto::range_after`).
    last_start: RefCell<Option<(usize, LineCol)>>,
}

/// An open buffer edited since the snapshot was built.
struct Edited {
    text: Arc<str>,
    lines: LineIndex,
    edit: Edit,
}

impl View {
    /// The view of `snapshot` from a client whose open buffers are `buffers`
    /// (only those the snapshot was not built from are needed).
    pub(crate) fn new(snapshot: Arc<Snapshot>, buffers: Vec<(PathBuf, Arc<str>)>, encoding: PositionEncoding) -> View {
        let buffers =
            buffers.into_iter().filter_map(|(path, text)| Some((path.into_os_string().into_string().ok()?, text)));
        View {
            snapshot,
            encoding,
            buffers: buffers.collect(),
            edited: RefCell::default(),
            last_uri: RefCell::new(None),
            last_start: RefCell::new(None),
        }
    }

    /// A view of the same snapshot and buffers, for another thread (a view
    /// is not `Sync`: it keeps what it converted last).
    fn fork(&self) -> View {
        View {
            snapshot: Arc::clone(&self.snapshot),
            encoding: self.encoding,
            buffers: self.buffers.clone(),
            edited: RefCell::default(),
            last_uri: RefCell::new(None),
            last_start: RefCell::new(None),
        }
    }

    /// The open buffer at `path` with its edit from the indexed text, if it
    /// was edited since the snapshot was built.
    fn edited(&self, path: &str) -> Option<Arc<Edited>> {
        // Most files of an answer have no buffer: no cache entry for them
        // (a list of references converts thousands of files).
        if !self.buffers.contains_key(path) {
            return None;
        }
        if let Some(known) = self.edited.borrow().get(path) {
            return known.clone();
        }
        let edited = self.buffers.get(path).and_then(|text| {
            let edit = Edit::between(self.snapshot.text(path)?, text);
            (!edit.is_identity())
                .then(|| Arc::new(Edited { lines: LineIndex::new(text), text: Arc::clone(text), edit }))
        });
        self.edited.borrow_mut().insert(path.to_owned(), edited.clone());
        edited
    }

    /// The indexed text of a source.
    pub(crate) fn text(&self, path: &str) -> Option<&str> {
        self.snapshot.text(path)
    }

    /// The offset in the indexed text of a position in the client's text;
    /// `None` outside the text, or inside a stretch edited since the build.
    pub(crate) fn offset(&self, path: &str, position: lsp::Position) -> Option<usize> {
        match self.edited(path) {
            Some(edited) => from_proto::offset(&edited.lines, &edited.text, position, self.encoding)
                .and_then(|o| edited.edit.new_to_old(o)),
            None => {
                let (text, lines) = self.snapshot.text_and_lines(path)?;
                from_proto::offset(lines, text, position, self.encoding)
            }
        }
    }

    /// The indexed range covering a range of the client's text: an end
    /// inside an edited stretch moves to the kept text around it.
    pub(crate) fn text_range(&self, path: &str, range: lsp::Range) -> Option<Range<usize>> {
        match self.edited(path) {
            Some(edited) => {
                let edited_range = from_proto::text_range(&edited.lines, &edited.text, range, self.encoding)?;
                let (start, end) = edited.edit.new_range_to_old(edited_range);
                Some(start.min(end)..end.max(start))
            }
            None => {
                let (text, lines) = self.snapshot.text_and_lines(path)?;
                from_proto::text_range(lines, text, range, self.encoding)
            }
        }
    }

    /// The LSP range, in the client's text, of a range of the indexed text;
    /// `None` when the source is unknown or the range was edited since.
    pub(crate) fn range(&self, path: &str, range: Range<usize>) -> Option<lsp::Range> {
        match self.edited(path) {
            Some(edited) => {
                Some(to_proto::range(&edited.lines, &edited.text, edited.edit.old_to_new(range)?, self.encoding))
            }
            None => {
                let (text, lines) = self.snapshot.text_and_lines(path)?;
                Some(to_proto::range(lines, text, range, self.encoding))
            }
        }
    }
}
