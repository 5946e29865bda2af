//! Go-to-definition, find-references and note links.

use std::sync::Arc;

use dossier_index::{Backlink, Index, TermId};

use crate::{FileRange, source_text};

/// Where go-to-definition goes from `offset` of the source at `path`: the
/// linked note or document when the cursor is on a link, else the defining
/// note or sentence of the term under the cursor.
pub fn definition(index: &Index, path: &str, offset: usize) -> Vec<FileRange> {
    if let Some(link) = index.link_at(path, offset) {
        return index
            .link_target(&link)
            .map(|target| FileRange { path: Arc::from(target.document.path.as_str()), range: 0..0 })
            .into_iter()
            .collect();
    }
    let Some((id, _)) = index.term_at(path, offset) else { return Vec::new() };
    declaration(index, index.term(id)).into_iter().collect()
}

/// Where a term is declared: its name inside the defining note's title or
/// the defining sentence, so that an editor jumps to and highlights the name
/// rather than a whole sentence; the whole definition when no mention lies
/// inside it.
fn declaration(index: &Index, term: &dossier_index::Term) -> Option<FileRange> {
    let definition = FileRange::from(&term.definition.as_ref()?.location);
    let name = index.mentions_in(&definition.path).find(|(range, id)| {
        *id == term.id && definition.range.start <= range.start && range.end <= definition.range.end
    });
    Some(name.map_or(definition.clone(), |(range, _)| FileRange { path: definition.path, range }))
}

/// The references of what is under the cursor. On a link, on a note's title
/// line or on its first line: the note's backlinks, then the mentions of its
/// term that are not inside those links (see [`note_references`]).
/// Elsewhere: every mention of the term under the cursor, ordered by path
/// then offset. With `include_declaration` the declaration (see
/// [`definition`]) comes first; without it, it is left out.
pub fn references(index: &Index, path: &str, offset: usize, include_declaration: bool) -> Vec<FileRange> {
    references_in_order(index, path, offset, include_declaration).collect()
}

/// [`references`] as they are found, in the same order: a client that takes
/// partial results gets the first ones before the last are found (a term's
/// answer can hold hundreds of thousands of mentions).
pub fn references_in_order<'a>(
    index: &'a Index,
    path: &str,
    offset: usize,
    include_declaration: bool,
) -> Box<dyn Iterator<Item = FileRange> + Send + 'a> {
    if let Some(note) = note_at(index, path, offset) {
        return note_references_in_order(index, &note, include_declaration);
    }
    let Some((id, range)) = index.term_at(path, offset) else { return Box::new(std::iter::empty()) };
    let term = index.term(id);
    let declaration = declaration(index, term);
    // A romanization in a note ("Zhang Yong" for 張勇) is resolved by
    // `term_at` without being one of the term's mentions: its other
    // occurrences in notes are found the same way.
    let mut romanizations = Vec::new();
    let surface = source_text(index, path).map_or("", |text| crate::slice(text, range));
    if !surface.is_empty() && !term.aliases.iter().any(|alias| alias.text == surface) {
        for source in index.sources().iter().filter(|s| s.kind == dossier_index::SourceKind::Note) {
            for (start, _) in source.document.text.match_indices(surface) {
                let note = &source.document.path;
                if index.term_at(note, start).is_some_and(|(other, r)| other == id && r.start == start) {
                    romanizations
                        .push(FileRange { path: Arc::from(note.as_str()), range: start..start + surface.len() });
                }
            }
        }
    }
    // The mentions come ordered by path then offset: only the romanizations
    // found above need sorting in, merged as a stable sort of the mentions
    // followed by them would order them (ordering compares paths character
    // by character, so it is done only when there are romanizations).
    let by_place = |a: &FileRange, b: &FileRange| (&a.path, a.range.start).cmp(&(&b.path, b.range.start));
    romanizations.sort_by(by_place);
    let mentions = index.mention_ranges(id).map(|(path, range)| FileRange { path: Arc::clone(path), range });
    let found: Box<dyn Iterator<Item = FileRange> + Send + 'a> = if romanizations.is_empty() {
        Box::new(mentions)
    } else {
        let mut mentions = mentions.peekable();
        let mut romanizations = romanizations.into_iter().peekable();
        Box::new(std::iter::from_fn(move || match (mentions.peek(), romanizations.peek()) {
            (Some(mention), Some(romanization)) if by_place(mention, romanization).is_gt() => romanizations.next(),
            (Some(_), _) => mentions.next(),
            (None, _) => romanizations.next(),
        }))
    };
    // Equal neighbours once, and not the declaration (ranges first: cheaper
    // than the paths, which share long prefixes), which comes first when asked for.
    let mut found = found.peekable();
    let unique = std::iter::from_fn(move || {
        let item = found.next()?;
        while found.peek() == Some(&item) {
            found.next();
        }
        Some(item)
    });
    let first = declaration.clone().filter(|_| include_declaration);
    let found = unique.filter(move |found| declaration.as_ref().is_none_or(|declaration| found != declaration));
    Box::new(first.into_iter().chain(found))
}

/// The source that `offset` of the note at `path` stands for: the target of
/// the link there, or the note itself when the offset is on its title line
/// (its heading, else its first line) and on no other term's name.
pub fn note_at(index: &Index, path: &str, offset: usize) -> Option<Arc<str>> {
    if let Some(link) = index.link_at(path, offset) {
        return index.link_target(&link).map(|target| Arc::from(target.document.path.as_str()));
    }
    let (_, title_line) = index.note_title(path)?;
    let on_title = title_line.start <= offset && offset <= title_line.end;
    let own = index.term_of_note(path);
    let other_term = index.term_at(path, offset).is_some_and(|(id, _)| Some(id) != own);
    (on_title && !other_term).then(|| Arc::from(path))
}

/// A note's references: first its backlinks (every link to it, by linking
/// note then offset), then the mentions of the term it defines that are not
/// inside one of those links; with `include_declaration` the term's
/// declaration comes first.
pub fn note_references(index: &Index, note: &str, include_declaration: bool) -> Vec<FileRange> {
    note_references_in_order(index, note, include_declaration).collect()
}

/// [`note_references`] as they are found, in the same order.
fn note_references_in_order<'a>(
    index: &'a Index,
    note: &str,
    include_declaration: bool,
) -> Box<dyn Iterator<Item = FileRange> + Send + 'a> {
    let links: Arc<[Backlink]> = index.backlinks(note).collect();
    let shared = Arc::clone(&links);
    let backlinks = (0..links.len())
        .map(move |at| FileRange { path: Arc::clone(&shared[at].path), range: shared[at].text_range.clone() });
    let Some(id) = index.term_of_note(note) else { return Box::new(backlinks) };
    let declaration = declaration(index, index.term(id));
    let first = declaration.clone().filter(|_| include_declaration);
    let mentions = mentions_outside(index, id, links, declaration, include_declaration);
    Box::new(first.into_iter().chain(backlinks).chain(mentions))
}

/// The mentions of a term that lie in none of `links` (ordered by linking
/// note then offset, as mentions are) and are not `declaration` (nor inside
/// it, when the declaration is part of the answer).
fn mentions_outside(
    index: &Index,
    id: TermId,
    links: Arc<[Backlink]>,
    declaration: Option<FileRange>,
    include_declaration: bool,
) -> impl Iterator<Item = FileRange> + '_ {
    let inside = |range: &std::ops::Range<usize>, mention: &std::ops::Range<usize>| {
        range.start <= mention.start && mention.end <= range.end
    };
    let declared_in = declaration.as_ref().and_then(|d| index.source_position(&d.path));
    // Mentions come in the links' order: one walk finds the link, if any,
    // that a mention lies in (the first of its note ending at or after it;
    // links of one note never overlap). Notes are compared by their
    // position among the sources, so a walk over thousands of notes reads
    // none of their paths.
    let mut next = 0;
    index.mention_places(id).filter_map(move |(source, path, range)| {
        while next < links.len() && (links[next].source, links[next].text_range.end) < (source, range.start) {
            next += 1;
        }
        let linked = links.get(next).is_some_and(|link| link.source == source && inside(&link.text_range, &range));
        let declared = declaration.as_ref().is_some_and(|d| {
            (if include_declaration { inside(&d.range, &range) } else { d.range == range })
                && declared_in == Some(source)
        });
        (!linked && !declared).then(|| FileRange { path: Arc::clone(path), range })
    })
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::fixture::{fixture, render_ranges};

    fn check_definition(fixture_text: &str, expect: Expect) {
        let fixture = fixture(fixture_text);
        let targets = definition(&fixture.index, &fixture.path, fixture.offset);
        expect.assert_eq(&render_ranges(&fixture.index, &targets));
    }

    fn resolve<'a>(index: &'a Index, from: &str, target: &str) -> Option<&'a str> {
        index.resolve_link(from, target).map(|source| source.document.path.as_str())
    }

    fn check_references(fixture_text: &str, include_declaration: bool, expect: Expect) {
        let fixture = fixture(fixture_text);
        let found = references(&fixture.index, &fixture.path, fixture.offset, include_declaration);
        expect.assert_eq(&render_ranges(&fixture.index, &found));
    }

    const NOTES: &str = r#"
//- /w/notes/zhang.md
---
title: Zhang Yong
aliases: [张勇, 逍遥子]
kind: person
---
# Zhang Yong

Zhang Yong ran Alibaba from 2015 to 2023.
//- /w/notes/today.md
Read about 張勇 and [[zhang]] and [the memo](../corpus/memo.txt) and [[missing]].
//- /w/corpus/memo.txt
張勇說，要把雙11視為修屋頂的好機會。
Zhang Yong also said the same.
"#;

    fn at(fixture_text: &str, file: &str, needle: &str) -> String {
        let mut current = "";
        let mut out = String::new();
        let mut done = false;
        for line in fixture_text.split_inclusive('\n') {
            if let Some(path) = line.strip_prefix("//- ") {
                current = path.trim();
            }
            if !done && current == file && !line.starts_with("//- ") && line.contains(needle) {
                out.push_str(&line.replacen(needle, &format!("$0{needle}"), 1));
                done = true;
            } else {
                out.push_str(line);
            }
        }
        assert!(done, "{needle} not in {file}");
        out
    }

    #[test]
    fn wikilink_goes_to_the_note_by_stem() {
        check_definition(
            &at(NOTES, "/w/notes/today.md", "[[zhang]]"),
            expect![[r#"
            /w/notes/zhang.md 0..0 ""
        "#]],
        );
    }

    #[test]
    fn markdown_link_goes_to_the_document_by_relative_path() {
        check_definition(
            &at(NOTES, "/w/notes/today.md", "[the memo]"),
            expect![[r#"
            /w/corpus/memo.txt 0..0 ""
        "#]],
        );
    }

    #[test]
    fn broken_link_goes_nowhere() {
        check_definition(&at(NOTES, "/w/notes/today.md", "[[missing]]"), expect![[""]]);
    }

    #[test]
    fn traditional_name_goes_to_the_defining_note() {
        check_definition(
            &at(NOTES, "/w/corpus/memo.txt", "張勇"),
            expect![[r#"
                /w/notes/zhang.md 70..80 "Zhang Yong"
            "#]],
        );
    }

    #[test]
    fn nothing_on_plain_words() {
        check_definition(&at(NOTES, "/w/corpus/memo.txt", "also"), expect![[""]]);
    }

    #[test]
    fn references_with_declaration() {
        check_references(
            &at(NOTES, "/w/corpus/memo.txt", "Zhang Yong"),
            true,
            expect![[r#"
                /w/notes/zhang.md 70..80 "Zhang Yong"
                /w/corpus/memo.txt 0..6 "張勇"
                /w/corpus/memo.txt 54..64 "Zhang Yong"
                /w/notes/today.md 11..17 "張勇"
                /w/notes/zhang.md 82..92 "Zhang Yong"
            "#]],
        );
    }

    #[test]
    fn references_include_romanizations_in_notes() {
        check_references(
            "//- /notes/zhang.md\n---\ntitle: 张勇\nkind: person\n---\n# 张勇\n\nCEO.\n//- /notes/a.md\nZhang$0 Yong met 张勇.\n//- /notes/b.md\nZhang Yong again; Zhang Yongming is someone else.\n//- /corpus/c.txt\n张勇说。\n",
            false,
            expect![[r#"
                /corpus/c.txt 0..6 "张勇"
                /notes/a.md 0..10 "Zhang Yong"
                /notes/a.md 15..21 "张勇"
                /notes/b.md 0..10 "Zhang Yong"
            "#]],
        );
    }

    #[test]
    fn references_without_declaration() {
        check_references(
            &at(NOTES, "/w/notes/today.md", "張勇"),
            false,
            expect![[r#"
            /w/corpus/memo.txt 0..6 "張勇"
            /w/corpus/memo.txt 54..64 "Zhang Yong"
            /w/notes/today.md 11..17 "張勇"
            /w/notes/zhang.md 82..92 "Zhang Yong"
        "#]],
        );
    }

    #[test]
    fn links_resolve_relative_then_by_stem() {
        let fixture = fixture(NOTES);
        let index = &fixture.index;
        let from = "/w/notes/today.md";
        assert_eq!(resolve(index, from, "zhang"), Some("/w/notes/zhang.md"));
        assert_eq!(resolve(index, from, "Zhang"), Some("/w/notes/zhang.md"));
        assert_eq!(resolve(index, from, "zhang.md"), Some("/w/notes/zhang.md"));
        assert_eq!(resolve(index, from, "../corpus/memo.txt"), Some("/w/corpus/memo.txt"));
        assert_eq!(resolve(index, from, "memo"), Some("/w/corpus/memo.txt"));
        assert_eq!(resolve(index, from, "https://example.com/zhang"), None);
        assert_eq!(resolve(index, from, "missing"), None);
        assert_eq!(resolve(index, from, "Zhang Yong"), Some("/w/notes/zhang.md"));
        assert_eq!(resolve(index, from, "逍遥子"), Some("/w/notes/zhang.md"));
    }

    const VAULT: &str = r#"
//- /v/notes/taobao.md
---
title: Taobao
aliases: [淘宝]
---
# Taobao

An online marketplace.
//- /v/notes/a.md
Sales on [[Taobao]] grew; Taobao itself said so.
//- /v/notes/b.md
見 [[淘寶]] 和 [[taobao|the site]] 與 [[Taobao#History]].
//- /v/notes/c.md
Nothing links here, but Taobao is named.
//- /v/notes/wu.md
---
title: 吴泳铭
---
CEO.
"#;

    #[test]
    fn references_on_a_link_are_backlinks_then_mentions() {
        check_references(
            &at(VAULT, "/v/notes/a.md", "[[Taobao]]"),
            false,
            expect![[r#"
                /v/notes/a.md 9..19 "[[Taobao]]"
                /v/notes/b.md 4..14 "[[淘寶]]"
                /v/notes/b.md 19..38 "[[taobao|the site]]"
                /v/notes/b.md 43..61 "[[Taobao#History]]"
                /v/notes/a.md 26..32 "Taobao"
                /v/notes/c.md 24..30 "Taobao"
            "#]],
        );
    }

    #[test]
    fn references_on_a_title_are_backlinks_with_the_declaration_first() {
        check_references(
            &at(VAULT, "/v/notes/taobao.md", "# Taobao"),
            true,
            expect![[r#"
                /v/notes/taobao.md 42..48 "Taobao"
                /v/notes/a.md 9..19 "[[Taobao]]"
                /v/notes/b.md 4..14 "[[淘寶]]"
                /v/notes/b.md 19..38 "[[taobao|the site]]"
                /v/notes/b.md 43..61 "[[Taobao#History]]"
                /v/notes/a.md 26..32 "Taobao"
                /v/notes/c.md 24..30 "Taobao"
            "#]],
        );
    }

    #[test]
    fn traditional_and_pinyin_links_resolve_to_the_note() {
        let fixture = fixture(VAULT);
        let index = &fixture.index;
        assert_eq!(resolve(index, "/v/notes/b.md", "淘寶"), Some("/v/notes/taobao.md"));
        assert_eq!(resolve(index, "/v/notes/b.md", "TAOBAO"), Some("/v/notes/taobao.md"));
        assert_eq!(resolve(index, "/v/notes/b.md", "taobao"), Some("/v/notes/taobao.md"));
        assert_eq!(resolve(index, "/v/notes/b.md", "吳泳銘"), Some("/v/notes/wu.md"));
        assert_eq!(resolve(index, "/v/notes/b.md", "Wu Yongming"), Some("/v/notes/wu.md"));
    }
}
