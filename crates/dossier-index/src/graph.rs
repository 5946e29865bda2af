//! Notes as a graph: every link written in a note (`[[name]]`,
//! `[[name|label]]`, `[[name#heading]]`, `[[#heading]]` to the note's own
//! headings, relative Markdown links), resolved
//! to the source it points to, and for every source the links to it (its
//! backlinks).
//!
//! A link resolves, in this order: by path relative to the linking note
//! (with or without `.md`); through the index's own alias lookup to the note
//! that defines the term (so a Traditional, Simplified or pinyin form of a
//! note's title or alias finds the note, as the index folds them); by file
//! name or stem, normalized as people write them (NFKC, case, Traditional
//! folded to Simplified, spaces and underscores as dashes, apostrophes
//! dropped), notes before documents; by a note's title normalized alike
//! (a note without front matter is titled by its first `# heading`). An
//! empty target (`[[#heading]]`) is the linking note itself. Each step is a hash or binary-search
//! lookup: resolving never scans the sources.
//!
//! The graph is rebuilt with every index version, and its cost follows what
//! changed: the links, title and normalized names of a source whose text is
//! unchanged are kept from the last version (the [`LinkCache`] of the
//! [`crate::IndexBuilder`]), and so are where its links went, as long as
//! nothing resolution reads changed (a hash of the paths, of the notes'
//! titles and of every term's aliases, kind and defining note). An edited note costs the
//! resolution of its own links; a new note, a renamed one or a changed title
//! or alias (which can change where any link goes) costs resolving every
//! link again, each distinct (folder, target) once: about 0.3 s at 190,000
//! links. What is left per version is linear in the sources and links with
//! small constants (the backlink lists are rebuilt): about 60 ms at 10,000
//! notes.

use std::{
    collections::HashMap,
    ops::Range,
    path::{Component, Path, PathBuf},
    sync::Arc,
};

use rayon::prelude::*;

use crate::{DefinitionOrigin, Index, NoteLink, Source, SourceKind, TermId, fold};

/// A link written in a note, with where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphLink<'a> {
    /// The target as written (without `|label` or `#heading`).
    pub target: &'a str,
    /// The heading after `#`, if any.
    pub heading: Option<&'a str>,
    /// The [`heading_key`] that the note it goes to must have, if checked
    /// (see [`Index::missing_heading`]).
    heading_key: Option<std::borrow::Cow<'a, str>>,
    /// Byte range of the whole link in the note's decoded text.
    pub text_range: Range<usize>,
    /// The position in [`Index::sources`] of the source it resolves to.
    resolved: Option<u32>,
}

/// A link to a source, seen from the source it points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    /// The linking note's path.
    pub path: Arc<str>,
    /// The linking note's position in [`Index::sources`].
    pub source: usize,
    /// Byte range of the whole link in the linking note.
    pub text_range: Range<usize>,
}

/// The links of every note, resolved, and the links to every source.
#[derive(Debug, Default)]
pub(crate) struct NoteGraph {
    /// Per source, in [`Index::sources`] order: the links written in it
    /// (notes only).
    links: Vec<Arc<[NoteLink]>>,
    /// Per source: where each of its links goes, in the order of `links`.
    resolved: Vec<Arc<[Option<u32>]>>,
    /// Per source: (linking source, position of the link in its `links`).
    backlinks: Vec<Vec<(u32, u32)>>,
    /// Per source: the term the note defines, if any.
    term_of_note: Vec<Option<TermId>>,
    /// Per source: a note's title and the range of its title line.
    titles: Vec<(String, Range<usize>)>,
    /// Per source: the [`heading_key`]s of a note's headings, sorted.
    headings: Vec<Arc<[String]>>,
    /// Per source, in the order of `links`: the heading key each link
    /// checks (made once per text, not per version).
    link_headings: Vec<Arc<[Option<Box<str>>]>>,
    /// Normalized file name or stem → the sources so named, best first.
    by_name: HashMap<String, u32>,
    /// Normalized note title ([`slug`]) → the note so titled, best first:
    /// how a note without front matter is found by its `# heading`.
    by_title: HashMap<String, u32>,
    /// Every note's file stem in lower case, with the note's position,
    /// sorted: `[[` completion finds the stems that start with what is typed
    /// by a binary search instead of a pass over every note per key.
    stems: Vec<(Box<str>, u32)>,
}

/// The links scanned in each source, kept from one version to the next.
#[derive(Debug, Default)]
pub(crate) struct LinkCache {
    by_path: HashMap<Arc<str>, Arc<Scanned>>,
    /// Where each note's links went in the last version, by path.
    resolved: HashMap<Arc<str>, Arc<[Option<u32>]>>,
    /// What resolution depended on in the last version (see [`resolution_inputs`]).
    inputs: u64,
}

/// What one source's text yields for the graph.
#[derive(Debug)]
struct Scanned {
    source: Arc<Source>,
    links: Arc<[NoteLink]>,
    /// A note's title (`title:`, else its first heading, else its file stem)
    /// and the range of its title line; empty for documents.
    title: (String, Range<usize>),
    /// The normalized file name and stem ([`slug`]).
    names: [String; 2],
    /// A note's title normalized alike; empty for documents.
    title_key: String,
    /// A note's headings by [`heading_key`], sorted; empty for documents.
    headings: Arc<[String]>,
    /// What each of `links` checks ([`checked_heading`]).
    link_headings: Arc<[Option<Box<str>>]>,
}

/// Builds the graph of `index`, taking the unchanged sources' links from
/// `cache` and leaving there the links of this version.
pub(crate) fn build(index: &Index, cache: &mut LinkCache) -> NoteGraph {
    let sources = index.sources();
    let mut kept = std::mem::take(&mut cache.by_path);
    let mut links = Vec::with_capacity(sources.len());
    let mut titles = Vec::with_capacity(sources.len());
    let mut headings = Vec::with_capacity(sources.len());
    let mut link_headings = Vec::with_capacity(sources.len());
    let mut by_name: HashMap<String, u32> = HashMap::with_capacity(sources.len() * 2);
    let mut by_title: HashMap<String, u32> = HashMap::with_capacity(sources.len());
    // Per source: whether its text is the last version's.
    let mut unchanged = Vec::with_capacity(sources.len());
    // The kept scans first, then the new and changed sources' in parallel
    // (a first build scans every note's Markdown: most of the graph's cost).
    let found: Vec<(Arc<str>, Option<Arc<Scanned>>)> = sources
        .iter()
        .map(|source| {
            let path: Arc<str> = Arc::from(source.document.path.as_str());
            let old = kept
                .remove(&path)
                .filter(|old| Arc::ptr_eq(&old.source, source) || old.source.document.text == source.document.text);
            (path, old)
        })
        .collect();
    let found: Vec<(Arc<str>, Arc<Scanned>, bool)> = found
        .into_par_iter()
        .zip(sources.par_iter())
        .map(|((path, old), source)| match old {
            Some(old) => (path, old, true),
            None => (path, Arc::new(scan(source)), false),
        })
        .collect();
    // What resolution reads of the titles, for `resolution_inputs`.
    let mut title_hash: u64 = 0;
    for (i, (source, (path, scanned, same))) in sources.iter().zip(found).enumerate() {
        let better = |old: u32| {
            let old = &sources[old as usize];
            let rank = |s: &Source| (s.kind != SourceKind::Note, s.document.path.len());
            rank(source) < rank(old)
        };
        for name in &scanned.names {
            by_name
                .entry(name.clone())
                .and_modify(|old| *old = if better(*old) { i as u32 } else { *old })
                .or_insert(i as u32);
        }
        if !scanned.title_key.is_empty() {
            let key = scanned.title_key.clone();
            title_hash = title_hash.wrapping_add(fx_hash(&(&key, i)));
            by_title.entry(key).and_modify(|old| *old = if better(*old) { i as u32 } else { *old }).or_insert(i as u32);
        }
        links.push(Arc::clone(&scanned.links));
        titles.push(scanned.title.clone());
        headings.push(Arc::clone(&scanned.headings));
        link_headings.push(Arc::clone(&scanned.link_headings));
        unchanged.push(same);
        cache.by_path.insert(path, scanned);
    }
    // The last version's resolutions hold for the unchanged notes when
    // nothing that resolution reads changed.
    let inputs = resolution_inputs(index) ^ title_hash.rotate_left(29);
    let mut previous = std::mem::take(&mut cache.resolved);
    if inputs != cache.inputs {
        previous.clear();
    }
    cache.inputs = inputs;

    let mut term_of_note = vec![None; sources.len()];
    for term in index.terms() {
        if let Some(definition) = &term.definition
            && definition.origin == DefinitionOrigin::Note
            && let Some(i) = index.source_position(&definition.location.path)
        {
            term_of_note[i] = Some(term.id);
        }
    }

    let mut stems: Vec<(Box<str>, u32)> = sources
        .iter()
        .enumerate()
        .filter(|(_, source)| source.kind == SourceKind::Note)
        .map(|(i, source)| (note_stem(&source.document.path).to_lowercase().into_boxed_str(), i as u32))
        .collect();
    stems.sort_unstable();
    let mut graph = NoteGraph {
        stems,
        links: Vec::new(),
        resolved: Vec::with_capacity(sources.len()),
        backlinks: vec![Vec::new(); sources.len()],
        term_of_note,
        titles,
        headings,
        link_headings,
        by_name,
        by_title,
    };
    // Links written alike in one folder go to the same place.
    let mut memo: HashMap<(&Path, &str), Option<u32>> = HashMap::new();
    for (from, (source, found)) in sources.iter().zip(&links).enumerate() {
        let path = source.document.path.as_str();
        let folder = Path::new(path).parent().unwrap_or(Path::new(""));
        let resolved = match previous.remove(path) {
            Some(resolved) if unchanged[from] => resolved,
            _ => found
                .iter()
                .map(|link| {
                    // `[[#heading]]` goes to the linking note, whatever its folder holds.
                    if link.target.is_empty() {
                        return graph.resolve(index, path, &link.target);
                    }
                    *memo
                        .entry((folder, link.target.as_str()))
                        .or_insert_with(|| graph.resolve(index, path, &link.target))
                })
                .collect(),
        };
        if !found.is_empty() {
            cache.resolved.insert(Arc::from(path), Arc::clone(&resolved));
        }
        for (position, target) in resolved.iter().enumerate() {
            // A note's links to its own headings (`[[#heading]]`) are not
            // backlinks: no one links to the note by them.
            if let Some(target) = target
                && !found[position].target.is_empty()
            {
                graph.backlinks[*target as usize].push((from as u32, position as u32));
            }
        }
        graph.resolved.push(resolved);
    }
    drop(memo);
    graph.links = links;
    graph
}

/// The links and title of one source.
fn scan(source: &Arc<Source>) -> Scanned {
    let text = &source.document.text;
    let (links, title, headings) = if source.kind == SourceKind::Note {
        // One pass of the Markdown parser for the title, headings and links.
        let outline = crate::markdown::outline(text);
        let header = crate::notes::parse_note_with(&source.document.path, text, &outline.headings);
        let mut headings: Vec<String> = outline.headings.iter().map(|heading| heading_key(&heading.text)).collect();
        headings.sort_unstable();
        headings.dedup();
        (note_links(outline.links), (header.label, header.title_range), headings)
    } else {
        (Vec::new(), (String::new(), 0..0), Vec::new())
    };
    let path = Path::new(&source.document.path);
    let name = |part: Option<&std::ffi::OsStr>| part.and_then(|p| p.to_str()).map(slug).unwrap_or_default();
    let names = [name(path.file_name()), name(path.file_stem())];
    let title_key = if title.0.is_empty() { String::new() } else { slug(&title.0) };
    let link_headings: Vec<Option<Box<str>>> =
        links.iter().map(|link| checked_heading(link.heading.as_deref()?).map(String::into_boxed_str)).collect();
    Scanned {
        source: Arc::clone(source),
        links: Arc::from(links),
        title,
        names,
        title_key,
        headings: Arc::from(headings),
        link_headings: Arc::from(link_headings),
    }
}

/// One value's hash, for [`resolution_inputs`] and the titles.
fn fx_hash(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A hash of what resolving a link reads besides the link and the notes'
/// titles (hashed as the graph is built): the sources'
/// paths and kinds (by path, by name), and each term's aliases, kind and
/// defining note (the alias lookup, pinyin included). Terms are combined in
/// any order, since term ids follow mention counts, which any edit changes.
fn resolution_inputs(index: &Index) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut paths = rustc_hash::FxHasher::default();
    for source in index.sources() {
        source.document.path.hash(&mut paths);
        (source.kind == SourceKind::Note).hash(&mut paths);
    }
    let mut terms: u64 = 0;
    for term in index.terms() {
        let mut hasher = rustc_hash::FxHasher::default();
        for alias in &term.aliases {
            alias.text.hash(&mut hasher);
        }
        (term.kind as u8).hash(&mut hasher);
        if let Some(definition) = &term.definition
            && definition.origin == DefinitionOrigin::Note
        {
            definition.location.path.hash(&mut hasher);
        }
        terms = terms.wrapping_add(hasher.finish());
    }
    paths.finish() ^ terms.rotate_left(17)
}

impl NoteGraph {
    /// Where `target`, written in the note at `from`, goes: see the module
    /// documentation for the order.
    fn resolve(&self, index: &Index, from: &str, target: &str) -> Option<u32> {
        // `[[#heading]]`: a heading of the linking note itself.
        if target.trim().is_empty() {
            return index.source_position(from).map(|i| i as u32);
        }
        if is_external(target) {
            return None;
        }
        let target = target.trim();
        let relative = relative_target(from, target);
        for candidate in [relative.clone(), PathBuf::from(format!("{}.md", relative.display()))] {
            if let Some(i) = candidate.to_str().and_then(|path| index.source_position(path)) {
                return Some(i as u32);
            }
        }
        // `[[Singles' Day]]`, `[[張勇]]`, `[[zhangyong]]`: a note's title or alias.
        if let Some(id) = index.lookup(target)
            && let Some(definition) = &index.term(id).definition
            && definition.origin == DefinitionOrigin::Note
            && let Some(i) = index.source_position(&definition.location.path)
        {
            return Some(i as u32);
        }
        // `[[Lisbon]]` to `lisbon.md`, then `[[Summer Trip]]` to a note whose
        // first heading is `# Summer Trip`.
        let name = Path::new(target).file_name().and_then(|name| name.to_str());
        name.and_then(|name| self.by_name.get(&slug(name)).copied())
            .or_else(|| self.by_title.get(&slug(target)).copied())
    }
}

impl Index {
    /// Every link written in the note at `path` (none for documents), in
    /// text order.
    pub fn links_in(&self, path: &str) -> impl Iterator<Item = GraphLink<'_>> + '_ {
        let graph = &self.graph;
        let at = self.source_position(path).filter(|&i| i < graph.links.len());
        at.into_iter().flat_map(move |i| {
            let headings = graph.link_headings[i].iter();
            graph.links[i].iter().zip(graph.resolved[i].iter()).zip(headings).map(|((link, resolved), key)| GraphLink {
                target: link.target.as_str(),
                heading: link.heading.as_deref(),
                heading_key: key.as_deref().map(std::borrow::Cow::Borrowed),
                text_range: link.text_range.clone(),
                resolved: *resolved,
            })
        })
    }

    /// The link of the note at `path` whose text contains `offset` (its ends included).
    pub fn link_at(&self, path: &str, offset: usize) -> Option<GraphLink<'_>> {
        self.links_in(path).find(|link| link.text_range.start <= offset && offset <= link.text_range.end)
    }

    /// The source a link goes to, if it resolves.
    pub fn link_target(&self, link: &GraphLink<'_>) -> Option<&Arc<Source>> {
        link.resolved.map(|i| &self.sources()[i as usize])
    }

    /// Where `target`, written in the note at `from`, would go (for text
    /// being typed, not yet in the index).
    pub fn resolve_link(&self, from: &str, target: &str) -> Option<&Arc<Source>> {
        self.graph.resolve(self, from, target).map(|i| &self.sources()[i as usize])
    }

    /// `links`, written in the note at `from` (as its text is now, which may
    /// be newer than this index), resolved as this index resolves links.
    pub fn resolve_links<'a>(&self, from: &str, links: &'a [NoteLink]) -> Vec<GraphLink<'a>> {
        let mut memo: HashMap<&str, Option<u32>> = HashMap::new();
        links
            .iter()
            .map(|link| GraphLink {
                target: &link.target,
                heading: link.heading.as_deref(),
                heading_key: link.heading.as_deref().and_then(checked_heading).map(std::borrow::Cow::Owned),
                text_range: link.text_range.clone(),
                resolved: *memo.entry(&link.target).or_insert_with(|| self.graph.resolve(self, from, &link.target)),
            })
            .collect()
    }

    /// Every link to the source at `path`, ordered by linking note then offset.
    pub fn backlinks(&self, path: &str) -> impl Iterator<Item = Backlink> + '_ {
        let graph = &self.graph;
        let at = self.source_position(path).filter(|&i| i < graph.backlinks.len());
        at.into_iter().flat_map(move |i| {
            graph.backlinks[i].iter().map(move |&(from, position)| Backlink {
                path: self.source_path(from as usize),
                source: from as usize,
                text_range: graph.links[from as usize][position as usize].text_range.clone(),
            })
        })
    }

    /// The notes whose file stem starts with `prefix` (compared in lower
    /// case), in path order, with their stems as written.
    pub fn notes_by_stem(&self, prefix: &str) -> Vec<(&str, &Arc<Source>)> {
        let prefix = prefix.to_lowercase();
        let stems = &self.graph.stems;
        let start = stems.partition_point(|(stem, _)| **stem < *prefix);
        let mut found: Vec<u32> =
            stems[start..].iter().take_while(|(stem, _)| stem.starts_with(&prefix)).map(|&(_, at)| at).collect();
        found.sort_unstable();
        found
            .into_iter()
            .map(|at| {
                let source = &self.sources()[at as usize];
                (note_stem(&source.document.path), source)
            })
            .collect()
    }

    /// How many links go to the source at `path`.
    pub fn backlink_count(&self, path: &str) -> usize {
        self.source_position(path).and_then(|i| self.graph.backlinks.get(i)).map_or(0, Vec::len)
    }

    /// The heading a link names (`[[note#heading]]`, `[text](note.md#heading)`)
    /// when the note it goes to has no such heading; `None` when it names
    /// none, has it, or goes to no note. Headings compare by
    /// [`heading_key`], so `#My Section`, `#my-section` and `#my section`
    /// are one; the last of `#A#B` (a subheading in Obsidian) is the one
    /// looked for, and a block reference (`#^id`) or a percent-encoded
    /// anchor is not checked.
    pub fn missing_heading<'a>(&self, link: &GraphLink<'a>) -> Option<&'a str> {
        let key = link.heading_key.as_deref()?;
        let target = link.resolved? as usize;
        if self.sources()[target].kind != SourceKind::Note {
            return None;
        }
        let headings = self.graph.headings.get(target)?;
        headings.binary_search_by(|heading| heading.as_str().cmp(key)).is_err().then_some(link.heading?)
    }

    /// The title of the note at `path` (`title:`, else its first heading,
    /// else its file stem) and the byte range of its title line.
    pub fn note_title(&self, path: &str) -> Option<(&str, Range<usize>)> {
        let (title, range) = self.graph.titles.get(self.source_position(path)?)?;
        (!title.is_empty()).then(|| (title.as_str(), range.clone()))
    }

    /// The term that the note at `path` defines (its title and aliases).
    pub fn term_of_note(&self, path: &str) -> Option<TermId> {
        self.source_position(path).and_then(|i| *self.graph.term_of_note.get(i)?)
    }
}

/// A path's file name without its extension.
fn note_stem(path: &str) -> &str {
    let name = path.rsplit_once(['/', '\\']).map_or(path, |(_, name)| name);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Every link of a note to a note or a file, from the Markdown scanner
/// ([`crate::markdown::links`], code-fence aware): wikilinks, and relative
/// Markdown links and images to notes, corpus documents or other files.
pub fn scan_links(text: &str) -> Vec<NoteLink> {
    note_links(crate::markdown::links(text))
}

/// The links of [`scan_links`] among a note's Markdown links.
fn note_links(links: Vec<crate::markdown::Link>) -> Vec<NoteLink> {
    use crate::markdown::LinkKind;
    links
        .into_iter()
        .filter(|link| match link.kind {
            // `[[#heading]]` (no name) links to a heading of the note itself.
            LinkKind::Wiki => !link.target.is_empty() || link.heading.as_deref().is_some_and(|h| !h.is_empty()),
            // An image (`![alt](x.png)`) is a link to a file too: it is
            // checked against the disk like any other.
            LinkKind::Markdown | LinkKind::Image => {
                !link.target.starts_with('/')
                    && !link.target.contains(char::is_whitespace)
                    && !is_external(&link.target)
            }
        })
        .map(|link| NoteLink { target: link.target, heading: link.heading, label: link.label, text_range: link.range })
        .collect()
}

/// Whether a link target leaves the workspace (a URL or an in-page anchor).
pub fn is_external(target: &str) -> bool {
    target.is_empty() || target.contains("://") || target.starts_with("mailto:") || target.starts_with('#')
}

/// A file name as people write it in links: the index's matching key (NFKC,
/// lower case, Han folded to Simplified) with spaces and underscores as
/// dashes and apostrophes dropped ("Singles' Day" is `singles-day`).
pub fn slug(name: &str) -> String {
    fold::key(name)
        .chars()
        .filter(|c| !matches!(c, '\'' | '’'))
        .map(|c| if c.is_whitespace() || c == '_' { '-' } else { c })
        .collect()
}

/// The [`heading_key`] a link's `heading` must find in the linked note, or
/// `None` when it is not checked (see [`Index::missing_heading`]).
fn checked_heading(heading: &str) -> Option<String> {
    let last = heading.rsplit('#').next().unwrap_or(heading).trim();
    (!last.is_empty() && !last.starts_with('^') && !last.contains('%')).then(|| heading_key(last))
}

/// A heading as links name it: its [`slug`] without the punctuation that
/// Markdown anchors leave out (`## Q&A: who?` is `qa-who`).
pub fn heading_key(heading: &str) -> String {
    slug(heading.trim()).chars().filter(|c| c.is_alphanumeric() || *c == '-').collect()
}

/// `target` taken relative to the folder of the note at `from`, with `.`
/// and `..` resolved lexically.
pub fn relative_target(from: &str, target: &str) -> PathBuf {
    let base = Path::new(from).parent().unwrap_or(Path::new(""));
    lexically_normal(&base.join(target))
}

/// `path` with its `.` and `..` resolved as written, not on the disk, so
/// that `/root/../elsewhere` is not taken for a path inside `/root`.
pub fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_titles_to_file_names() {
        assert_eq!(slug("Singles' Day"), "singles-day");
        assert_eq!(slug("Jack_Ma"), "jack-ma");
        assert_eq!(slug("淘寶"), "淘宝");
        assert_eq!(slug("ＳＰＡＩＮ"), "spain");
    }

    #[test]
    fn headings_match_as_written_or_as_anchors() {
        for written in ["Q&A: who?", "q&a: Who", "qa-who", " QA who "] {
            assert_eq!(heading_key(written), "qa-who", "{written}");
        }
        assert_eq!(heading_key("早期經歷"), "早期经历");
    }

    #[test]
    fn relative_targets_resolve_dot_dot() {
        assert_eq!(relative_target("/w/notes/a.md", "../corpus/b.txt"), Path::new("/w/corpus/b.txt"));
        assert_eq!(relative_target("/w/notes/a.md", "./c.md"), Path::new("/w/notes/c.md"));
    }
}
