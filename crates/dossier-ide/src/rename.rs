//! Renaming a term that a note defines, across the notes only: corpus
//! documents are read-only. The title of a note that defines no term (its
//! first `# heading`, no front matter) is renamed with the links written
//! with it.

use std::{collections::BTreeMap, fmt, ops::Range, sync::Arc};

use dossier_index::{DefinitionOrigin, Index, SourceKind, heading_key};

use crate::{is_han, slice, source_text};

/// Why a rename is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenameError {
    /// The cursor is in a corpus document.
    ReadOnlyDocument,
    /// There is no term under the cursor.
    NoTerm,
    /// The term is not defined by a note, so no note owns its name.
    NotDefinedByNote,
    /// The new name is empty.
    EmptyName,
    /// A place to edit is in text typed since the index was last built.
    Edited,
}

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RenameError::ReadOnlyDocument => "corpus documents are read-only: rename a term from a note",
            RenameError::NoTerm => "no term here to rename",
            RenameError::NotDefinedByNote => "only terms defined by a note can be renamed",
            RenameError::EmptyName => "the new name is empty",
            RenameError::Edited => "the notes changed while being indexed: try again in a moment",
        })
    }
}

impl std::error::Error for RenameError {}

/// The range and text of the name under the cursor, when it can be renamed.
pub fn prepare_rename(index: &Index, path: &str, offset: usize) -> Result<(Range<usize>, String), RenameError> {
    let source = index.source(path).ok_or(RenameError::NoTerm)?;
    if source.kind == SourceKind::Document {
        return Err(RenameError::ReadOnlyDocument);
    }
    if let Some(title) = plain_title_at(index, path, offset) {
        return Ok(title);
    }
    let (id, range) = index.term_at(path, offset).ok_or(RenameError::NoTerm)?;
    let term = index.term(id);
    if term.definition.as_ref().is_none_or(|d| d.origin != DefinitionOrigin::Note) {
        return Err(RenameError::NotDefinedByNote);
    }
    Ok((range.clone(), slice(&source.document.text, range).to_owned()))
}

/// Text edits by note path: the range to replace and the new text.
pub type RenameEdits = BTreeMap<Arc<str>, Vec<(Range<usize>, String)>>;

/// The edits, by note path, that rename the name under the cursor to
/// `new_name`: every note mention written the same way, and every occurrence
/// of it in the defining note (its title, heading and front matter).
pub fn rename(index: &Index, path: &str, offset: usize, new_name: &str) -> Result<RenameEdits, RenameError> {
    let new_name = new_name.trim();
    if new_name.is_empty() {
        return Err(RenameError::EmptyName);
    }
    let (range, old) = prepare_rename(index, path, offset)?;
    if plain_title_at(index, path, offset).is_some() {
        return Ok(plain_title_edits(index, path, range, &old, new_name));
    }
    let (id, _) = index.term_at(path, offset).ok_or(RenameError::NoTerm)?;
    let term = index.term(id);
    let mut ranges: BTreeMap<Arc<str>, Vec<Range<usize>>> = BTreeMap::new();
    for mention in index.mentions(id).filter(|m| m.kind == SourceKind::Note && *m.surface == *old) {
        ranges.entry(Arc::clone(&mention.location.path)).or_default().push(mention.location.text_range.clone());
    }
    if let Some(definition) = &term.definition
        && let Some(text) = source_text(index, &definition.location.path)
    {
        let found = occurrences(text, &old);
        ranges.entry(Arc::clone(&definition.location.path)).or_default().extend(found);
    }
    Ok(ranges
        .into_iter()
        .map(|(path, mut ranges)| {
            ranges.sort_by_key(|r| (r.start, r.end));
            ranges.dedup_by(|b, a| b.start < a.end);
            (path, ranges.into_iter().map(|range| (range, new_name.to_owned())).collect())
        })
        .collect())
}

/// The title under the cursor of a note that defines no term (it is titled
/// by its first `# heading`), with its range in the heading.
fn plain_title_at(index: &Index, path: &str, offset: usize) -> Option<(Range<usize>, String)> {
    if index.term_of_note(path).is_some() {
        return None;
    }
    let text = source_text(index, path)?;
    let (title, line) = index.note_title(path)?;
    let start = line.start + text.get(line.clone())?.find(title)?;
    let range = start..start + title.len();
    (range.start <= offset && offset <= range.end).then(|| (range, title.to_owned()))
}

/// The edits that rename a plain note's title from `old` (at `range` in the
/// note) to `new_name`: the heading, and every wikilink to the note written
/// with the title (`[[Lisbon]]`, `[[Lisbon#Trams]]`, `[[Lisbon|the
/// capital]]`), which then resolves by the new title; a link's `#heading`
/// naming the title's own heading follows it. Links by file name or path
/// need no edit.
fn plain_title_edits(index: &Index, path: &str, range: Range<usize>, old: &str, new_name: &str) -> RenameEdits {
    let mut edits = RenameEdits::new();
    edits.entry(Arc::from(path)).or_default().push((range, new_name.to_owned()));
    let old_heading = heading_key(old);
    // The links to the note, and its own `[[#heading]]` links (no backlinks).
    let own: Arc<str> = Arc::from(path);
    let links = index
        .backlinks(path)
        .filter_map(|backlink| {
            Some((Arc::clone(&backlink.path), index.link_at(&backlink.path, backlink.text_range.start)?))
        })
        .chain(index.links_in(path).filter(|link| link.target.is_empty()).map(|link| (Arc::clone(&own), link)));
    for (linking, link) in links {
        let Some(text) = source_text(index, &linking) else { continue };
        let written = slice(text, link.text_range.clone());
        if !written.starts_with("[[") {
            continue;
        }
        let found = edits.entry(linking).or_default();
        let inner = &written[2..];
        let name_start = inner.len() - inner.trim_start().len();
        if link.target.trim() == old && inner[name_start..].starts_with(old) {
            let start = link.text_range.start + 2 + name_start;
            found.push((start..start + old.len(), new_name.to_owned()));
        }
        if let Some(heading) = link.heading
            && heading_key(heading) == old_heading
            && let Some(hash) = written.find('#')
            && let Some(at) = written[hash + 1..].find(heading)
        {
            let start = link.text_range.start + hash + 1 + at;
            found.push((start..start + heading.len(), new_name.to_owned()));
        }
    }
    edits.retain(|_, found| !found.is_empty());
    for found in edits.values_mut() {
        found.sort_by_key(|(range, _)| range.start);
    }
    edits
}

/// Whole-word occurrences of `name` in `text` (Han names have no word
/// boundaries, so any occurrence counts).
fn occurrences(text: &str, name: &str) -> Vec<Range<usize>> {
    let han = name.chars().any(is_han);
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_han(c));
    text.match_indices(name)
        .map(|(start, _)| start..start + name.len())
        .filter(|r| han || (!word(text[..r.start].chars().next_back()) && !word(text[r.end..].chars().next())))
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::fixture::fixture;

    fn check(fixture_text: &str, new_name: &str, expect: Expect) {
        let fixture = fixture(fixture_text);
        let actual = match rename(&fixture.index, &fixture.path, fixture.offset, new_name) {
            Ok(edits) => {
                let mut out = String::new();
                for (path, edits) in edits {
                    for (range, text) in edits {
                        let old = slice(source_text(&fixture.index, &path).unwrap(), range.clone());
                        out.push_str(&format!("{path} {}..{} {old:?} -> {text:?}\n", range.start, range.end));
                    }
                }
                out
            }
            Err(error) => format!("error: {error}\n"),
        };
        expect.assert_eq(&actual);
    }

    const NOTES: &str = "//- /notes/wu.md\n---\ntitle: Wu Yongming\naliases: [吴泳铭]\n---\n# Wu Yongming\n\nWu Yongming leads Alibaba.\n//- /notes/today.md\nMet Wu Yongming and 吴泳铭.\n//- /corpus/a.txt\nWu Yongming took over.\n";

    #[test]
    fn rename_from_a_note_edits_notes_only() {
        check(
            &NOTES.replace("Met Wu", "Met $0Wu"),
            "Eddie Wu",
            expect![[r#"
                /notes/today.md 4..15 "Wu Yongming" -> "Eddie Wu"
                /notes/wu.md 11..22 "Wu Yongming" -> "Eddie Wu"
                /notes/wu.md 50..61 "Wu Yongming" -> "Eddie Wu"
                /notes/wu.md 63..74 "Wu Yongming" -> "Eddie Wu"
            "#]],
        );
    }

    #[test]
    fn rename_of_a_plain_notes_title_edits_its_heading_and_links() {
        check(
            "//- /notes/lisbon.md\n# Lis$0bon\n\nLisbon is a city. [[#Lisbon]]\n//- /notes/trips.md\n[[Lisbon]], [[Lisbon#Trams]], [[Lisbon|the capital]], [[lisbon]] and [[lisbon#Lisbon]].\n",
            "Lisboa",
            expect![[r#"
                /notes/lisbon.md 2..8 "Lisbon" -> "Lisboa"
                /notes/lisbon.md 31..37 "Lisbon" -> "Lisboa"
                /notes/trips.md 2..8 "Lisbon" -> "Lisboa"
                /notes/trips.md 14..20 "Lisbon" -> "Lisboa"
                /notes/trips.md 32..38 "Lisbon" -> "Lisboa"
                /notes/trips.md 78..84 "Lisbon" -> "Lisboa"
            "#]],
        );
    }

    #[test]
    fn rename_in_a_document_is_refused() {
        check(
            &NOTES.replace("Wu Yongming took", "$0Wu Yongming took"),
            "Eddie Wu",
            expect![[r#"
            error: corpus documents are read-only: rename a term from a note
        "#]],
        );
    }

    #[test]
    fn rename_to_nothing_is_refused() {
        check(
            &NOTES.replace("Met Wu", "Met $0Wu"),
            "  ",
            expect![[r#"
            error: the new name is empty
        "#]],
        );
    }

    #[test]
    fn occurrences_are_whole_words() {
        let text = "Wu Yongming, Wu Yongmings, xWu Yongming 吴泳铭吴泳铭";
        assert_eq!(occurrences(text, "Wu Yongming"), vec![0..11]);
        assert_eq!(occurrences(text, "吴泳铭").len(), 2);
    }
}
