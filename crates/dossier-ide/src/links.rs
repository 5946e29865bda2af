//! Features on the notes' links, as the index's graph resolves them: the
//! preview of a link's target, document links, completion inside `[[`, the
//! backlinks lens and unlinked mentions (a note's term named in another note
//! without a link).

use std::{ops::Range, sync::Arc};

use dossier_index::{DefinitionOrigin, Index, SourceKind, TermId};

use crate::{FileRange, file_name, plural, slice, source_text, symbols};

/// How many characters of a document a link preview shows.
const PASSAGE_CHARS: usize = 400;

/// What hovering a link shows: its target's title, first paragraph (or a
/// document's opening passage) and how many links go to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPreview {
    /// The link's byte range in the hovered note.
    pub range: Range<usize>,
    /// The target's path.
    pub path: Arc<str>,
    /// The note's title (its term's label), else the file name.
    pub title: String,
    /// Whether the target is a note (else a document).
    pub note: bool,
    /// The note's first paragraph, or the document's opening passage.
    pub text: String,
    /// How many links go to the target.
    pub backlinks: usize,
}

/// The preview of the link at `offset` of the note at `path`, when it resolves.
pub fn link_preview(index: &Index, path: &str, offset: usize) -> Option<LinkPreview> {
    let link = index.link_at(path, offset)?;
    let target = index.link_target(&link)?;
    let target_path = target.document.path.as_str();
    let note = target.kind == SourceKind::Note;
    let term = index.term_of_note(target_path).map(|id| index.term(id));
    let title = term.map_or_else(|| file_name(target_path).to_owned(), |term| term.label.clone());
    let text = match term.and_then(|term| term.definition.as_ref()) {
        Some(definition) if definition.origin == DefinitionOrigin::Note => definition.text.clone(),
        _ => opening(&target.document.text),
    };
    Some(LinkPreview {
        range: link.text_range,
        path: Arc::from(target_path),
        title,
        note,
        text,
        backlinks: index.backlink_count(target_path),
    })
}

/// The first lines of a text, up to about [`PASSAGE_CHARS`] characters.
fn opening(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
        if out.chars().count() >= PASSAGE_CHARS {
            let cut = out.char_indices().nth(PASSAGE_CHARS).map_or(out.len(), |(i, _)| i);
            out.truncate(cut);
            out.push('…');
            break;
        }
    }
    out
}

impl LinkPreview {
    /// The preview as Markdown.
    pub fn to_markdown(&self) -> String {
        let what = if self.note { "note" } else { "document" };
        let mut out = format!("**{}** · {what} `{}`\n", self.title.replace('*', "\\*"), file_name(&self.path));
        if !self.text.trim().is_empty() {
            out.push_str(&format!("\n{}\n", self.text.trim()));
        }
        out.push_str(&format!("\n{}\n", plural(self.backlinks, "backlink")));
        out
    }
}

/// A resolved link of a note, for `textDocument/documentLink`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentLink {
    /// The link's byte range in the note.
    pub range: Range<usize>,
    /// The path it goes to.
    pub target: Arc<str>,
}

/// Every link of the note at `path` that resolves, in text order.
pub fn document_links(index: &Index, path: &str) -> Vec<DocumentLink> {
    index
        .links_in(path)
        .filter_map(|link| {
            let target = index.link_target(&link)?;
            Some(DocumentLink { range: link.text_range, target: Arc::from(target.document.path.as_str()) })
        })
        .collect()
}

/// A candidate inside `[[`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCompletion {
    /// The text to insert (a title, alias or file stem; a heading after `#`).
    pub insert: String,
    /// The byte range of the typed text it replaces.
    pub replace: Range<usize>,
    /// What was typed (clients filter on it: "taob" must keep 淘寶).
    pub typed: String,
    /// The note it leads to, for the detail.
    pub path: Arc<str>,
    /// Whether it is a heading.
    pub heading: bool,
}

/// The candidates when `offset` of `text` (the note at `path` as the editor
/// has it) is inside an unclosed `[[` on its line: note titles, aliases in
/// every script and by pinyin, and file stems; after a `#`, the headings of
/// the named note (of this note when no name precedes it). `None` outside
/// `[[`, so that the caller completes terms instead.
pub fn link_completions(index: &Index, path: &str, text: &str, offset: usize) -> Option<Vec<LinkCompletion>> {
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let open = before[line_start..].rfind("[[")? + line_start;
    let typed_range = open + 2..offset;
    let typed = &text[typed_range.clone()];
    if typed.contains("]]") || typed.contains('|') {
        return None;
    }
    if let Some((name, heading)) = typed.split_once('#') {
        let target = if name.trim().is_empty() { index.source(path) } else { index.resolve_link(path, name) };
        let Some(target) = target else { return Some(Vec::new()) };
        let start = open + 2 + name.len() + 1;
        let wanted = heading.to_lowercase();
        let mut found = Vec::new();
        collect_headings(&symbols::headings(&target.document.text), &mut |name| {
            if name.to_lowercase().starts_with(&wanted) {
                found.push(LinkCompletion {
                    insert: name.to_owned(),
                    replace: start..offset,
                    typed: heading.to_owned(),
                    path: Arc::from(target.document.path.as_str()),
                    heading: true,
                });
            }
        });
        return Some(found);
    }
    let mut found: Vec<LinkCompletion> = Vec::new();
    let mut push = |insert: &str, path: &str| {
        if found.len() < crate::completion::LIMIT && !found.iter().any(|c| c.insert == insert) {
            found.push(LinkCompletion {
                insert: insert.to_owned(),
                replace: typed_range.clone(),
                typed: typed.to_owned(),
                path: Arc::from(path),
                heading: false,
            });
        }
    };
    // Titles and aliases, in any script and by pinyin, of the notes' terms.
    for completion in index.complete(typed, crate::completion::LIMIT * 4) {
        if let Some(note) = note_of(index, completion.term) {
            push(&completion.alias, note);
        }
    }
    // File stems, as typed (case-insensitive), from the graph's sorted table.
    for (stem, source) in index.notes_by_stem(typed.trim()) {
        push(stem, &source.document.path);
    }
    Some(found)
}

fn collect_headings(headings: &[symbols::Heading], found: &mut dyn FnMut(&str)) {
    for heading in headings {
        found(&heading.name);
        collect_headings(&heading.children, found);
    }
}

/// The note that defines a term.
fn note_of(index: &Index, id: TermId) -> Option<&str> {
    let definition = index.term(id).definition.as_ref()?;
    (definition.origin == DefinitionOrigin::Note).then_some(&*definition.location.path)
}

/// The backlinks lens of a note: on its title line, "3 backlinks · 2 unlinked mentions".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkLens {
    /// The title line's byte range.
    pub range: Range<usize>,
    /// How many links go to the note.
    pub backlinks: usize,
    /// How many unlinked mentions of its term other notes have.
    pub unlinked: usize,
}

impl LinkLens {
    /// "3 backlinks · 2 unlinked mentions".
    pub fn title(&self) -> String {
        format!("{} · {}", plural(self.backlinks, "backlink"), plural(self.unlinked, "unlinked mention"))
    }
}

/// The lens of the note at `path`, when it defines a term.
pub fn link_lens(index: &Index, path: &str) -> Option<LinkLens> {
    let id = index.term_of_note(path)?;
    let definition = index.term(id).definition.as_ref()?;
    Some(LinkLens {
        range: definition.location.text_range.clone(),
        backlinks: index.backlink_count(path),
        unlinked: unlinked_mentions(index, path).len(),
    })
}

/// The mentions of the term that the note at `note` defines, in the other
/// notes, outside any link: found with the index's own matching, so every
/// script's form counts and a name inside a longer word does not.
pub fn unlinked_mentions(index: &Index, note: &str) -> Vec<FileRange> {
    let Some(id) = index.term_of_note(note) else { return Vec::new() };
    let mut found = Vec::new();
    let mut links: (Option<Arc<str>>, Vec<Range<usize>>) = (None, Vec::new());
    for mention in index.mentions(id).filter(|m| m.kind == SourceKind::Note && &*m.location.path != note) {
        let path = &mention.location.path;
        if links.0.as_ref().is_none_or(|current| !Arc::ptr_eq(current, path)) {
            links = (Some(Arc::clone(path)), index.links_in(path).map(|link| link.text_range).collect());
        }
        let range = &mention.location.text_range;
        let linked = links.1.iter().any(|link| link.start <= range.start && range.end <= link.end);
        let text = source_text(index, path).unwrap_or("");
        if !linked && !inside_han_word(text, range) {
            found.push(FileRange::from(&mention.location));
        }
    }
    found
}

/// Whether a mention is one Han character written against another: Han
/// matching needs no word boundaries (张勇說 is a mention of 张勇), but one
/// character joined to others is part of a word (件 in 文件), not a name to
/// link.
fn inside_han_word(text: &str, range: &Range<usize>) -> bool {
    let mention = slice(text, range.clone());
    let mut chars = mention.chars();
    let single_han = chars.next().is_some_and(crate::is_han) && chars.next().is_none();
    let han = |c: Option<char>| c.is_some_and(crate::is_han);
    single_han && (han(text[..range.start].chars().next_back()) || han(text[range.end..].chars().next()))
}

/// The unlinked mentions in the note at `path` of terms that other notes
/// define: (range, the defining note's title) in text order.
pub fn unlinked_mentions_in(index: &Index, path: &str) -> Vec<(Range<usize>, String)> {
    let links: Vec<Range<usize>> = index.links_in(path).map(|link| link.text_range).collect();
    let text = source_text(index, path).unwrap_or("");
    index
        .mentions_in(path)
        .filter(|(range, _)| !links.iter().any(|link| link.start <= range.start && range.end <= link.end))
        .filter(|(range, _)| !inside_han_word(text, range))
        .filter_map(|(range, id)| {
            let note = note_of(index, id)?;
            (note != path).then(|| (range, index.term(id).label.clone()))
        })
        .collect()
}

/// The wikilink that links `surface` to the note titled `title`:
/// `[[title]]`, or `[[title|surface]]` when the text differs.
pub fn wikilink(title: &str, surface: &str) -> String {
    if title == surface { format!("[[{title}]]") } else { format!("[[{title}|{surface}]]") }
}

/// A note as a workspace symbol: its title, on its title line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSymbol {
    /// The note's title.
    pub title: String,
    /// Its title line.
    pub location: FileRange,
}

/// The notes whose title matches `query` as workspace symbols do (see
/// [`symbols::workspace_symbols`]), best matches first, leaving out the
/// notes that define a term (the term is their symbol already).
pub fn note_symbols(index: &Index, query: &str, limit: usize) -> Vec<NoteSymbol> {
    let query = query.trim().to_lowercase();
    let mut scored: Vec<(u8, NoteSymbol)> = Vec::new();
    for source in index.sources().iter().filter(|s| s.kind == SourceKind::Note) {
        let path = source.document.path.as_str();
        if index.term_of_note(path).is_some() {
            continue;
        }
        let Some((title, range)) = index.note_title(path) else { continue };
        if let Some(score) = symbols::match_score(&title.to_lowercase(), &query) {
            let location = FileRange { path: Arc::from(path), range };
            scored.push((score, NoteSymbol { title: title.to_owned(), location }));
        }
    }
    scored.sort_by_key(|(score, _)| *score);
    scored.into_iter().take(limit).map(|(_, symbol)| symbol).collect()
}

/// The text of a range of a source, for tests and renderings.
pub fn text_at<'a>(index: &'a Index, range: &FileRange) -> &'a str {
    source_text(index, &range.path).map_or("", |text| slice(text, range.range.clone()))
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::fixture::{fixture, render_ranges};

    const VAULT: &str = r#"
//- /v/notes/zhang.md
---
title: 张勇
aliases: [Daniel Zhang]
kind: person
---
# 张勇

Ran Alibaba from 2015 to 2023.

## Career
//- /v/notes/a.md
張勇說過這些話。 See [[張勇]] and [[zhang#Career]] and [the memo](../docs/memo.txt).
//- /v/notes/b.md
张勇在会上发言。文件 and [[Nowhere]].
//- /v/docs/memo.txt
A memo about the cloud.
Second line.
"#;

    fn at(needle: &str) -> String {
        VAULT.replacen(needle, &format!("$0{needle}"), 1)
    }

    fn check_preview(fixture_text: &str, expect: Expect) {
        let fixture = fixture(fixture_text);
        let preview = link_preview(&fixture.index, &fixture.path, fixture.offset);
        expect.assert_eq(&preview.map(|p| p.to_markdown()).unwrap_or_default());
    }

    fn check_completions(text: &str, expect: Expect) {
        let fixture = fixture(VAULT);
        let offset = text.find("$0").unwrap();
        let text = text.replace("$0", "");
        let found = link_completions(&fixture.index, "/v/notes/b.md", &text, offset);
        let rendered: Vec<String> = found
            .into_iter()
            .flatten()
            .map(|c| format!("{} ({}{})", c.insert, file_name(&c.path), if c.heading { " #" } else { "" }))
            .collect();
        expect.assert_eq(&rendered.join("\n"));
    }

    #[test]
    fn hover_on_a_traditional_link_previews_the_simplified_note() {
        check_preview(
            &at("[[張勇]]"),
            expect![[r#"
                **张勇** · note `zhang.md`

                Ran Alibaba from 2015 to 2023.

                2 backlinks
            "#]],
        );
    }

    #[test]
    fn hover_on_a_document_link_shows_its_opening() {
        check_preview(
            &at("[the memo]"),
            expect![[r#"
            **memo.txt** · document `memo.txt`

            A memo about the cloud. Second line.

            1 backlink
        "#]],
        );
    }

    #[test]
    fn completion_inside_brackets_offers_titles_aliases_and_stems() {
        check_completions(
            "[[zh$0",
            expect![[r#"
            张勇 (zhang.md)
            張勇 (zhang.md)
            zhang (zhang.md)"#]],
        );
        check_completions("[[dan$0", expect!["Daniel Zhang (zhang.md)"]);
        check_completions(
            "[[zhangyong$0",
            expect![[r#"
            张勇 (zhang.md)
            張勇 (zhang.md)"#]],
        );
    }

    #[test]
    fn completion_offers_stems_case_insensitively_in_path_order() {
        let fixture = fixture(
            "//- /v/notes/Zebra Notes.md\nz\n//- /v/notes/b/zed.md\nz\n//- /v/notes/a/ZED.md\nz\n//- /v/notes/zoo.txt\nz\n//- /v/notes/today.md\n[[ze$0\n",
        );
        let found = link_completions(&fixture.index, &fixture.path, fixture.text(), fixture.offset).unwrap();
        let found: Vec<String> = found.iter().map(|c| format!("{} ({})", c.insert, c.path)).collect();
        expect![[r#"
            Zebra Notes (/v/notes/Zebra Notes.md)
            ZED (/v/notes/a/ZED.md)
            zed (/v/notes/b/zed.md)"#]]
        .assert_eq(&found.join("\n"));
    }

    #[test]
    fn completion_after_a_hash_offers_headings() {
        check_completions("[[zhang#ca$0", expect!["Career (zhang.md #)"]);
        check_completions("plain zh$0", expect![[r#""#]]);
    }

    #[test]
    fn document_links_are_the_resolved_links() {
        let fixture = fixture(&at("See [["));
        let links = document_links(&fixture.index, "/v/notes/a.md");
        let ranges: Vec<String> =
            links.iter().map(|l| format!("{} -> {}", &fixture.text()[l.range.clone()], l.target)).collect();
        expect![[r#"
            [[張勇]] -> /v/notes/zhang.md
            [[zhang#Career]] -> /v/notes/zhang.md
            [the memo](../docs/memo.txt) -> /v/docs/memo.txt"#]]
        .assert_eq(&ranges.join("\n"));
    }

    #[test]
    fn unlinked_mentions_count_every_script_and_skip_links() {
        let fixture = fixture(VAULT);
        let found = unlinked_mentions(&fixture.index, "/v/notes/zhang.md");
        expect![[r#"
            /v/notes/a.md 0..6 "張勇"
            /v/notes/b.md 0..6 "张勇"
        "#]]
        .assert_eq(&render_ranges(&fixture.index, &found));
        let lens = link_lens(&fixture.index, "/v/notes/zhang.md").unwrap();
        expect!["2 backlinks · 2 unlinked mentions"].assert_eq(&lens.title());
    }

    #[test]
    fn unlinked_mentions_in_a_note_name_their_notes() {
        let fixture = fixture(VAULT);
        let found = unlinked_mentions_in(&fixture.index, "/v/notes/b.md");
        expect![[r#"
            [
                (
                    0..6,
                    "张勇",
                ),
            ]
        "#]]
        .assert_debug_eq(&found);
    }

    #[test]
    fn plain_notes_are_symbols_by_title() {
        let fixture = fixture("//- /n/spain.md\n# Spain\n\nA country.\n//- /n/spanish.md\nNo heading here.\n");
        let found: Vec<String> = note_symbols(&fixture.index, "spa", 10)
            .into_iter()
            .map(|s| format!("{} {}", s.title, s.location))
            .collect();
        expect![[r#"
            Spain /n/spain.md 0..7
            spanish /n/spanish.md 0..16"#]]
        .assert_eq(&found.join("\n"));
    }

    #[test]
    fn a_character_inside_a_word_is_no_mention() {
        let fixture = fixture("//- /n/jian.md\n---\ntitle: 件\n---\n# 件\n//- /n/a.md\n这个文件很重要。\n");
        assert!(unlinked_mentions(&fixture.index, "/n/jian.md").is_empty());
    }
}
