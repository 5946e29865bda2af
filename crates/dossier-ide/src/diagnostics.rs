//! Problems in notes: links to nothing or to a heading the linked note
//! does not have, and what the index reports
//! ([`Index::problems`], such as an alias claimed by two notes).

use std::{ops::Range, path::Path};

use dossier_index::{GraphLink, Index, NoteProblem, SourceKind, is_external, markdown, relative_target, scan_links};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Something is wrong (an alias claimed twice, broken front matter).
    Error,
    /// Something points nowhere (a broken link).
    Warning,
}

/// One problem in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteDiagnostic {
    /// Byte range in the note's text.
    pub range: Range<usize>,
    /// What is wrong, in lower case.
    pub message: String,
    /// How bad it is.
    pub severity: Severity,
}

/// The problems of the note at `path`. `problems` is `index.problems()`
/// (computed once per index); `file_exists` tells whether a path is a file of
/// the workspace, so that links to files Dossier does not read (images) count.
/// Links come resolved from the index's graph, so this costs the note's
/// links, not the workspace: only a link that resolves to no source and
/// names a file (it has an extension) is looked for on the disk.
pub fn note_diagnostics(
    index: &Index,
    problems: &[NoteProblem],
    path: &str,
    file_exists: &dyn Fn(&Path) -> bool,
) -> Vec<NoteDiagnostic> {
    if index.source(path).is_none() {
        return Vec::new();
    }
    let mut out = problems_of(problems, path);
    link_diagnostics(index, path, index.links_in(path), file_exists, &mut out);
    out.sort_by_key(|d| (d.range.start, d.range.end));
    out
}

/// The diagnostics of the note at `path` once its text is `text`, found in
/// the index built before the edit (`problems` is its `problems()`), so that
/// an edited note's broken links are known before the next version is
/// built; `None` when they might differ from the next version's: the note
/// is new to the index, its front matter or first heading (what makes its
/// term) changed, it has a problem outside its front matter, or it links to
/// a heading of its own. Links are resolved as the graph resolves them,
/// against the other notes, which the edit leaves as they are.
pub fn edited_note_diagnostics(
    index: &Index,
    problems: &[NoteProblem],
    path: &str,
    text: &str,
    file_exists: &dyn Fn(&Path) -> bool,
) -> Option<Vec<NoteDiagnostic>> {
    let old = index.source(path).filter(|source| source.kind == SourceKind::Note)?;
    let old = old.document.text.as_str();
    let (old_front, new_front) = (markdown::front_matter(old).range, markdown::front_matter(text).range);
    let first_heading = |text: &str| markdown::headings(text).into_iter().next().map(|heading| heading.text);
    if old[old_front.clone()] != text[new_front] || first_heading(old) != first_heading(text) {
        return None;
    }
    let mut out = problems_of(problems, path);
    if out.iter().any(|problem| problem.range.end > old_front.end) {
        return None;
    }
    let links = scan_links(text);
    let resolved = index.resolve_links(path, &links);
    let to_itself = |link: &GraphLink<'_>| index.link_target(link).is_some_and(|target| target.document.path == path);
    if resolved.iter().any(|link| link.heading.is_some() && to_itself(link)) {
        return None;
    }
    link_diagnostics(index, path, resolved.into_iter(), file_exists, &mut out);
    out.sort_by_key(|d| (d.range.start, d.range.end));
    Some(out)
}

/// The index's problems located in the note at `path`, as diagnostics.
fn problems_of(problems: &[NoteProblem], path: &str) -> Vec<NoteDiagnostic> {
    problems
        .iter()
        .filter(|problem| &*problem.location.path == path)
        .map(|problem| NoteDiagnostic {
            range: problem.location.text_range.clone(),
            message: problem.message.clone(),
            severity: Severity::Error,
        })
        .collect()
}

/// The broken links among `links` (written in the note at `path`, resolved).
fn link_diagnostics<'a>(
    index: &Index,
    path: &str,
    links: impl Iterator<Item = GraphLink<'a>>,
    file_exists: &dyn Fn(&Path) -> bool,
    out: &mut Vec<NoteDiagnostic>,
) {
    for link in links {
        if let Some(heading) = index.missing_heading(&link) {
            let message = if link.target.is_empty() {
                format!("broken link: this note has no heading `{heading}`")
            } else {
                format!("broken link: `{}` has no heading `{heading}`", link.target)
            };
            out.push(NoteDiagnostic { range: link.text_range, message, severity: Severity::Warning });
            continue;
        }
        if is_external(link.target) || index.link_target(&link).is_some() {
            continue;
        }
        let names_a_file = Path::new(&link.target).extension().is_some();
        if names_a_file && file_exists(&relative_target(path, link.target)) {
            continue;
        }
        out.push(NoteDiagnostic {
            range: link.text_range,
            message: format!("broken link: no note or document named `{}`", link.target),
            severity: Severity::Warning,
        });
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::fixture::fixture;

    fn check(fixture_text: &str, expect: Expect) {
        let fixture = fixture(fixture_text);
        let problems = fixture.index.problems();
        let exists = |path: &Path| path == Path::new("/w/notes/image.png");
        let mut out = String::new();
        for d in note_diagnostics(&fixture.index, &problems, &fixture.path, &exists) {
            out.push_str(&format!(
                "{:?} {}..{} {:?}: {}\n",
                d.severity,
                d.range.start,
                d.range.end,
                &fixture.text()[d.range.clone()],
                d.message
            ));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn broken_links_are_warnings() {
        check(
            "//- /w/notes/a.md\n$0See [[b]], [[nowhere]], [pic](image.png), [x](https://example.com) and [y](../gone.txt).\n//- /w/notes/b.md\n# B\n",
            expect![[r#"
                Warning 11..22 "[[nowhere]]": broken link: no note or document named `nowhere`
                Warning 71..87 "[y](../gone.txt)": broken link: no note or document named `../gone.txt`
            "#]],
        );
    }

    #[test]
    fn links_to_a_heading_the_note_lacks_are_warnings() {
        check(
            "//- /w/notes/a.md\n$0[[b#Early Life]], [[b#early-life]], [[b|B#Career]], [[b#Career]], [[b#Early Life#Schools]], [[b#^block1]], [x](b.md#q-and-a), [y](b.md#qa-who), [[c#Plans]] and [[nowhere#Plans]].\n//- /w/notes/b.md\n# B\n\n## Early life\n\n### Schools\n\n## Q&A: who?\n\n```\n# Career\n```\n//- /w/notes/c.md\nNo headings.\n",
            expect![[r#"
                Warning 52..64 "[[b#Career]]": broken link: `b` has no heading `Career`
                Warning 107..124 "[x](b.md#q-and-a)": broken link: `b.md` has no heading `q-and-a`
                Warning 144..155 "[[c#Plans]]": broken link: `c` has no heading `Plans`
                Warning 160..177 "[[nowhere#Plans]]": broken link: no note or document named `nowhere`
            "#]],
        );
    }

    #[test]
    fn links_to_a_heading_of_the_note_itself_are_checked() {
        check(
            "//- /w/notes/a.md\n$0# A\n\n## Plans\n\n[[#Plans]], [[#plans]], [[#Nowhere]], [[#^block1]] and [[a#Elsewhere]].\n//- /w/notes/b.md\n# B\n\n## Nowhere\n",
            expect![[r#"
                Warning 39..51 "[[#Nowhere]]": broken link: this note has no heading `Nowhere`
                Warning 70..85 "[[a#Elsewhere]]": broken link: `a` has no heading `Elsewhere`
            "#]],
        );
    }

    #[test]
    fn a_link_by_a_plain_notes_title_resolves() {
        check(
            "//- /w/notes/a.md\n$0[[Summer Trip]], [[summer trip#Day One]], [[Summer Trip#Day Two]] and [[Winter Trip]].\n//- /w/notes/trip-2024.md\n# Summer Trip\n\n## Day One\n",
            expect![[r#"
                Warning 42..65 "[[Summer Trip#Day Two]]": broken link: `Summer Trip` has no heading `Day Two`
                Warning 70..85 "[[Winter Trip]]": broken link: no note or document named `Winter Trip`
            "#]],
        );
    }

    /// The edited note's diagnostics found in the index before the edit,
    /// `None` or the same as in the index after it.
    fn check_edit(before: &str, edited: &str, expected_early: bool) {
        let others = "//- /w/notes/b.md\n# B\n\n## Career\n//- /w/notes/c.md\n---\ntitle: 張勇\n---\n";
        let old = fixture(&format!("//- /w/notes/a.md\n$0{before}\n{others}"));
        let new = fixture(&format!("//- /w/notes/a.md\n$0{edited}\n{others}"));
        let exists = |_: &Path| false;
        let early = edited_note_diagnostics(&old.index, &old.index.problems(), &old.path, new.text(), &exists);
        assert_eq!(early.is_some(), expected_early, "{early:?}");
        if let Some(early) = early {
            assert_eq!(early, note_diagnostics(&new.index, &new.index.problems(), &new.path, &exists));
        }
    }

    #[test]
    fn an_edited_notes_links_are_checked_before_the_next_version() {
        let before = "---\ntitle: A\n---\n# A\n\nSee [[b]] and [[nowhere]].\n";
        check_edit(
            before,
            &before.replace("[[nowhere]]", "[[b#Career]], [[b#Plans]], [[张勇]] and [[elsewhere]]"),
            true,
        );
        check_edit(before, &before.replace("[[nowhere]]", "[[c]]"), true);
        check_edit(before, &format!("{before}\n[[a#Nowhere]]\n"), false);
        check_edit(before, &before.replace("title: A", "title: Z"), false);
        check_edit(before, &before.replace("# A", "# Z"), false);
    }

    #[test]
    fn alias_claimed_by_two_notes_is_an_error() {
        check(
            "//- /w/notes/a.md\n$0---\ntitle: Zhang Yong\naliases: [张勇]\n---\n//- /w/notes/b.md\n---\ntitle: Daniel Zhang\naliases: [张勇]\n---\n",
            expect![[""]],
        );
    }
}
