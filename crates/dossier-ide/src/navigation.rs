//! Go-to-definition, find-references and note links.

use std::{
    path::{Component, Path, PathBuf},
    sync::Arc,
};

use dossier_index::{
    Index, NoteLink,
    markdown::{self, LinkKind},
};

use crate::{FileRange, is_note, source_text};

/// Where go-to-definition goes from `offset` of the source at `path`: the
/// linked note or document when the cursor is on a link, else the defining
/// note or sentence of the term under the cursor.
pub fn definition(index: &Index, path: &str, offset: usize) -> Vec<FileRange> {
    if is_note(index, path)
        && let Some(text) = source_text(index, path)
        && let Some(link) = link_at(text, offset)
    {
        return resolve_link(index, path, &link.target)
            .map(|target| FileRange { path: target, range: 0..0 })
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

/// Every mention of the term under the cursor, ordered by path then offset.
/// With `include_declaration` the declaration (see [`definition`]) comes
/// first; without it, it is left out.
pub fn references(index: &Index, path: &str, offset: usize, include_declaration: bool) -> Vec<FileRange> {
    let Some((id, range)) = index.term_at(path, offset) else { return Vec::new() };
    let term = index.term(id);
    let declaration = declaration(index, term);
    let mut found: Vec<FileRange> = index.mentions(id).map(|m| FileRange::from(&m.location)).collect();
    let mentioned = found.len();
    // A romanization in a note ("Zhang Yong" for 張勇) is resolved by
    // `term_at` without being one of the term's mentions: its other
    // occurrences in notes are found the same way.
    let surface = source_text(index, path).map_or("", |text| crate::slice(text, range));
    if !surface.is_empty() && !term.aliases.iter().any(|alias| alias.text == surface) {
        for source in index.sources().iter().filter(|s| s.kind == dossier_index::SourceKind::Note) {
            for (start, _) in source.document.text.match_indices(surface) {
                let note = &source.document.path;
                if index.term_at(note, start).is_some_and(|(other, r)| other == id && r.start == start) {
                    found.push(FileRange { path: Arc::from(note.as_str()), range: start..start + surface.len() });
                }
            }
        }
    }
    // The mentions come ordered by path then offset: only the romanizations
    // found above need sorting in (a term's answer can hold hundreds of
    // thousands of mentions, and ordering compares paths character by
    // character, where equality first compares the shared `Arc`s).
    let by_place = |a: &FileRange, b: &FileRange| (&a.path, a.range.start).cmp(&(&b.path, b.range.start));
    debug_assert!(found[..mentioned].is_sorted_by(|a, b| by_place(a, b).is_le()));
    if found.len() > mentioned {
        found.sort_by(by_place);
    }
    found.dedup();
    if let Some(declaration) = declaration {
        // Ranges first: cheaper than the paths, which share long prefixes.
        found.retain(|found| found.range != declaration.range || found.path != declaration.path);
        if include_declaration {
            found.insert(0, declaration);
        }
    }
    found
}

/// The link whose text contains `offset` (its ends included).
pub fn link_at(text: &str, offset: usize) -> Option<NoteLink> {
    links(text).into_iter().find(|link| link.text_range.start <= offset && offset <= link.text_range.end)
}

/// Every link of a note to a note or a document: [`dossier_index::note_links`] (wikilinks
/// and relative links to `.md` notes) plus relative Markdown links to other
/// files, such as corpus documents, which `note_links` leaves out.
pub fn links(text: &str) -> Vec<NoteLink> {
    markdown::links(text)
        .into_iter()
        .filter(|link| match link.kind {
            LinkKind::Wiki => !link.target.is_empty(),
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

/// The source a link written in the note at `from` points to: by path
/// relative to the note (with or without `.md`), else by file name or stem
/// anywhere in the workspace, notes first.
pub fn resolve_link(index: &Index, from: &str, target: &str) -> Option<Arc<str>> {
    if is_external(target) {
        return None;
    }
    let target = target.trim();
    let relative = relative_target(from, target);
    for candidate in [relative.clone(), PathBuf::from(format!("{}.md", relative.display()))] {
        if let Some(path) = candidate.to_str()
            && let Some(source) = index.source(path)
        {
            return Some(Arc::from(source.document.path.as_str()));
        }
    }
    // `[[Singles' Day]]`: a note's title or alias.
    if let Some(id) = index.lookup(target)
        && let Some(definition) = &index.term(id).definition
        && definition.origin == dossier_index::DefinitionOrigin::Note
    {
        return Some(Arc::clone(&definition.location.path));
    }
    let wanted = slug(Path::new(target).file_name()?.to_str()?);
    let stem_of = |path: &str| Path::new(path).file_stem().and_then(|s| s.to_str()).map(slug);
    let name_of = |path: &str| Path::new(path).file_name().and_then(|s| s.to_str()).map(slug);
    let matches = |path: &str| name_of(path).as_deref() == Some(&*wanted) || stem_of(path).as_deref() == Some(&*wanted);
    let mut found: Vec<_> = index.sources().iter().filter(|s| matches(&s.document.path)).collect();
    found.sort_by_key(|s| (s.kind != dossier_index::SourceKind::Note, s.document.path.len()));
    found.first().map(|s| Arc::from(s.document.path.as_str()))
}

/// A file name as people write it in links: lower case, with spaces and
/// underscores as dashes and apostrophes dropped ("Singles' Day" is
/// `singles-day`).
fn slug(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !matches!(c, '\'' | '’'))
        .map(|c| if c.is_whitespace() || c == '_' { '-' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// `target` taken relative to the folder of the note at `from`, with `.`
/// and `..` resolved lexically.
pub fn relative_target(from: &str, target: &str) -> PathBuf {
    let base = Path::new(from).parent().unwrap_or(Path::new(""));
    let mut out = PathBuf::new();
    for component in base.join(target).components() {
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
    use expect_test::{Expect, expect};

    use super::*;
    use crate::fixture::{fixture, render_ranges};

    fn check_definition(fixture_text: &str, expect: Expect) {
        let fixture = fixture(fixture_text);
        let targets = definition(&fixture.index, &fixture.path, fixture.offset);
        expect.assert_eq(&render_ranges(&fixture.index, &targets));
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
        assert_eq!(resolve_link(index, from, "zhang").as_deref(), Some("/w/notes/zhang.md"));
        assert_eq!(resolve_link(index, from, "Zhang").as_deref(), Some("/w/notes/zhang.md"));
        assert_eq!(resolve_link(index, from, "zhang.md").as_deref(), Some("/w/notes/zhang.md"));
        assert_eq!(resolve_link(index, from, "../corpus/memo.txt").as_deref(), Some("/w/corpus/memo.txt"));
        assert_eq!(resolve_link(index, from, "memo").as_deref(), Some("/w/corpus/memo.txt"));
        assert_eq!(resolve_link(index, from, "https://example.com/zhang"), None);
        assert_eq!(resolve_link(index, from, "missing"), None);
        assert_eq!(resolve_link(index, from, "Zhang Yong").as_deref(), Some("/w/notes/zhang.md"));
        assert_eq!(resolve_link(index, from, "逍遥子").as_deref(), Some("/w/notes/zhang.md"));
    }

    #[test]
    fn slugs_match_titles_to_file_names() {
        assert_eq!(slug("Singles' Day"), "singles-day");
        assert_eq!(slug("Jack_Ma"), "jack-ma");
        assert_eq!(slug("淘宝"), "淘宝");
    }

    #[test]
    fn relative_targets_resolve_dot_dot() {
        assert_eq!(relative_target("/w/notes/a.md", "../corpus/b.txt"), Path::new("/w/corpus/b.txt"));
        assert_eq!(relative_target("/w/notes/a.md", "./c.md"), Path::new("/w/notes/c.md"));
    }
}
