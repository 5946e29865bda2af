//! Code actions on notes: create the note an unresolved wikilink names, link
//! one unlinked mention of a note's term, link every unlinked mention of a
//! note, and the edits that keep links working when a note is renamed or
//! moved.

use std::{
    collections::BTreeMap,
    ops::Range,
    path::{Component, Path, PathBuf},
    sync::Arc,
};

use dossier_index::{Index, SourceKind, is_external, slug};

use crate::{
    links::{unlinked_mentions_in, wikilink},
    rename::RenameEdits,
    slice, source_text,
};

/// What kind of action it is, as editors group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// Fixes a problem (a broken link).
    QuickFix,
    /// Rewrites text without fixing anything.
    Refactor,
}

/// One action: its title and what it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeAction {
    /// What the editor shows.
    pub title: String,
    /// Its kind.
    pub kind: ActionKind,
    /// A note to create, with its text, before the edits.
    pub create: Option<(PathBuf, String)>,
    /// Text edits by note path.
    pub edits: RenameEdits,
}

/// The actions at `range` of the note at `path`.
pub fn code_actions(index: &Index, path: &str, range: Range<usize>) -> Vec<CodeAction> {
    let Some(source) = index.source(path).filter(|s| s.kind == SourceKind::Note) else { return Vec::new() };
    let text = source.document.text.as_str();
    let mut actions = Vec::new();
    if let Some(link) = index.link_at(path, range.start)
        && index.link_target(&link).is_none()
        && !is_external(link.target)
        && Path::new(&link.target).extension().is_none()
        && slice(text, link.text_range.clone()).starts_with("[[")
    {
        let folder = Path::new(path).parent().unwrap_or(Path::new(""));
        let file = folder.join(format!("{}.md", link.target.trim()));
        actions.push(CodeAction {
            title: format!("Create note `{}`", file.file_name().and_then(|n| n.to_str()).unwrap_or_default()),
            kind: ActionKind::QuickFix,
            create: Some((file, format!("# {}\n", link.target.trim()))),
            edits: RenameEdits::new(),
        });
    }
    let unlinked = unlinked_mentions_in(index, path);
    if let Some((mention, title)) =
        unlinked.iter().find(|(mention, _)| mention.start <= range.start && range.start <= mention.end)
    {
        let surface = slice(text, mention.clone());
        actions.push(CodeAction {
            title: format!("Link this mention to `{title}`"),
            kind: ActionKind::Refactor,
            create: None,
            edits: BTreeMap::from([(Arc::from(path), vec![(mention.clone(), wikilink(title, surface))])]),
        });
    }
    if !unlinked.is_empty() {
        let edits =
            unlinked.iter().map(|(mention, title)| (mention.clone(), wikilink(title, slice(text, mention.clone()))));
        actions.push(CodeAction {
            title: format!("Link all unlinked mentions in this note ({})", unlinked.len()),
            kind: ActionKind::Refactor,
            create: None,
            edits: BTreeMap::from([(Arc::from(path), edits.collect())]),
        });
    }
    actions
}

/// The edits that keep every link to the note at `old` working once it is
/// renamed or moved to `new`: links written with its file name or stem get
/// the new one, relative paths the new relative path. Links through its
/// title or an alias need no edit (a title is renamed with
/// [`crate::rename::rename`]).
pub fn file_rename_edits(index: &Index, old: &str, new: &str) -> RenameEdits {
    let mut edits = RenameEdits::new();
    let old_path = Path::new(old);
    let (Some(old_name), Some(old_stem)) =
        (old_path.file_name().and_then(|n| n.to_str()), old_path.file_stem().and_then(|n| n.to_str()))
    else {
        return edits;
    };
    let new_path = Path::new(new);
    let Some(new_stem) = new_path.file_stem().and_then(|n| n.to_str()) else { return edits };
    for backlink in index.backlinks(old) {
        let Some(text) = source_text(index, &backlink.path) else { continue };
        let Some(link) = index.link_at(&backlink.path, backlink.text_range.start) else { continue };
        let written = slice(text, link.text_range.clone());
        let target = link.target.trim();
        let wiki = written.starts_with("[[");
        let target_name = Path::new(target).file_name().and_then(|n| n.to_str()).unwrap_or(target);
        let by_name = slug(target_name) == slug(old_name) || slug(target_name) == slug(old_stem);
        let replacement = if target.contains('/') || !wiki {
            let Some(relative) = relative_path(Path::new(&*backlink.path), new_path) else { continue };
            let relative = relative.to_string_lossy().into_owned();
            if wiki && !target.ends_with(".md") { relative.trim_end_matches(".md").to_owned() } else { relative }
        } else if by_name {
            if target.ends_with(".md") { format!("{new_stem}.md") } else { new_stem.to_owned() }
        } else {
            continue;
        };
        let opening = if wiki { 2 } else { written.find("](").map_or(0, |i| i + 2) };
        let Some(at) = written[opening..].find(target) else { continue };
        let start = link.text_range.start + opening + at;
        edits.entry(Arc::clone(&backlink.path)).or_default().push((start..start + target.len(), replacement));
    }
    edits
}

/// The path of `to` relative to the folder of `from` (both absolute or both
/// relative to one root), with `..` where needed.
fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    let base: Vec<Component<'_>> = from.parent()?.components().collect();
    let target: Vec<Component<'_>> = to.components().collect();
    let shared = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in shared..base.len() {
        out.push("..");
    }
    for component in &target[shared..] {
        out.push(component);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::fixture::fixture;

    const VAULT: &str = r#"
//- /v/notes/zhang.md
---
title: 张勇
aliases: [Daniel Zhang]
---
# 张勇

Ran Alibaba.
//- /v/notes/a.md
張勇說過這些話。 Daniel Zhang agreed. See [[zhang]], [[Missing Note]] and [more](zhang.md).
//- /v/notes/sub/b.md
See [[../zhang]] and [[张勇]].
"#;

    fn render(actions: &[CodeAction]) -> String {
        let mut out = String::new();
        for action in actions {
            out.push_str(&format!("{:?} {}\n", action.kind, action.title));
            if let Some((path, text)) = &action.create {
                out.push_str(&format!("  create {} {text:?}\n", path.display()));
            }
            for line in render_edits(&action.edits).lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out
    }

    fn render_edits(edits: &RenameEdits) -> String {
        let mut out = String::new();
        for (path, edits) in edits {
            for (range, text) in edits {
                out.push_str(&format!("{path} {range:?} -> {text}\n"));
            }
        }
        out
    }

    fn check(needle: &str, expect: Expect) {
        let fixture = fixture(&VAULT.replacen(needle, &format!("$0{needle}"), 1));
        let offset = fixture.offset;
        expect.assert_eq(&render(&code_actions(&fixture.index, &fixture.path, offset..offset)));
    }

    #[test]
    fn an_unresolved_wikilink_offers_to_create_the_note() {
        check(
            "[[Missing",
            expect![[r##"
            QuickFix Create note `Missing Note.md`
              create /v/notes/Missing Note.md "# Missing Note\n"
            Refactor Link all unlinked mentions in this note (2)
              /v/notes/a.md 0..6 -> [[张勇|張勇]]
              /v/notes/a.md 25..37 -> [[张勇|Daniel Zhang]]
        "##]],
        );
    }

    #[test]
    fn a_traditional_mention_is_linked_to_the_simplified_note() {
        check(
            "張勇說",
            expect![[r#"
            Refactor Link this mention to `张勇`
              /v/notes/a.md 0..6 -> [[张勇|張勇]]
            Refactor Link all unlinked mentions in this note (2)
              /v/notes/a.md 0..6 -> [[张勇|張勇]]
              /v/notes/a.md 25..37 -> [[张勇|Daniel Zhang]]
        "#]],
        );
    }

    #[test]
    fn renaming_a_note_updates_links_by_stem_and_path() {
        let fixture = fixture(VAULT);
        let edits = file_rename_edits(&fixture.index, "/v/notes/zhang.md", "/v/people/zhang-yong.md");
        expect![[r#"
              /v/notes/a.md 52..57 -> zhang-yong
              /v/notes/a.md 89..97 -> ../people/zhang-yong.md
              /v/notes/sub/b.md 6..14 -> ../../people/zhang-yong
        "#]]
        .assert_eq(&render_edits(&edits));
    }
}
