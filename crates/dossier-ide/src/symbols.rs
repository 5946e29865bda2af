//! Document symbols (a note's headings, nested) and workspace symbols (terms,
//! found fuzzily by any of their names).

use std::ops::Range;

use dossier_index::{Index, TermId, TermKind, markdown};

use crate::FileRange;

/// How many workspace symbols a query returns at most.
pub const WORKSPACE_SYMBOL_LIMIT: usize = 1000;

/// A Markdown heading and the headings under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The heading's text.
    pub name: String,
    /// 1 to 6.
    pub level: usize,
    /// From the heading line to the next heading of the same or a higher level.
    pub range: Range<usize>,
    /// The heading's text range.
    pub name_range: Range<usize>,
    /// The headings nested in it.
    pub children: Vec<Heading>,
}

/// The ATX headings of a Markdown text, nested by level. Front matter and
/// fenced code blocks are skipped.
pub fn headings(text: &str) -> Vec<Heading> {
    let mut flat: Vec<Heading> = markdown::headings(text)
        .into_iter()
        .map(|heading| Heading {
            name: heading.text,
            level: heading.level,
            range: heading.line_start..text.len(),
            name_range: heading.text_range,
            children: Vec::new(),
        })
        .collect();
    for i in 0..flat.len() {
        if let Some(next) = flat[i + 1..].iter().find(|h| h.level <= flat[i].level) {
            let end = text[..next.range.start].trim_end().len();
            flat[i].range.end = end.max(flat[i].name_range.end);
        } else {
            flat[i].range.end = text.trim_end().len().max(flat[i].name_range.end);
        }
    }
    nest(&mut flat.into_iter().peekable(), 0)
}

fn nest(headings: &mut std::iter::Peekable<impl Iterator<Item = Heading>>, parent_level: usize) -> Vec<Heading> {
    let mut out = Vec::new();
    while let Some(next) = headings.peek() {
        if next.level <= parent_level {
            break;
        }
        let mut heading = headings.next().expect("peeked");
        heading.children = nest(headings, heading.level);
        out.push(heading);
    }
    out
}

/// A term as a workspace symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermSymbol {
    /// The term.
    pub term: TermId,
    /// Its label.
    pub label: String,
    /// Its kind.
    pub kind: TermKind,
    /// Its other names, for the symbol's container.
    pub aliases: Vec<String>,
    /// Its definition, else its first mention.
    pub location: FileRange,
}

/// Terms whose label or an alias matches `query` fuzzily (case-insensitive
/// subsequence; prefixes first, then substrings), or resolves to them
/// through [`Index::lookup`] (other script, pinyin). An empty query lists
/// every term.
pub fn workspace_symbols(index: &Index, query: &str, limit: usize) -> Vec<TermSymbol> {
    let query = query.trim().to_lowercase();
    let looked_up = if query.is_empty() { None } else { index.lookup(&query) };
    let mut scored: Vec<(u8, usize, TermSymbol)> = Vec::new();
    for (rank, term) in index.terms().iter().enumerate() {
        let names = std::iter::once(term.label.as_str()).chain(term.aliases.iter().map(|a| a.text.as_str()));
        let score = if looked_up == Some(term.id) {
            Some(0)
        } else {
            names.filter_map(|name| match_score(&name.to_lowercase(), &query)).min()
        };
        let Some(score) = score else { continue };
        let location = match (&term.definition, index.mentions(term.id).next()) {
            (Some(definition), _) => FileRange::from(&definition.location),
            (None, Some(mention)) => FileRange::from(&mention.location),
            (None, None) => continue,
        };
        let mut aliases: Vec<String> = Vec::new();
        for alias in &term.aliases {
            if alias.text != term.label && !aliases.contains(&alias.text) {
                aliases.push(alias.text.clone());
            }
        }
        scored.push((
            score,
            rank,
            TermSymbol { term: term.id, label: term.label.clone(), kind: term.kind, aliases, location },
        ));
    }
    scored.sort_by_key(|(score, rank, _)| (*score, *rank));
    scored.into_iter().take(limit).map(|(_, _, symbol)| symbol).collect()
}

/// 0 exact, 1 prefix, 2 substring, 3 subsequence; `None` when no match.
pub(crate) fn match_score(name: &str, query: &str) -> Option<u8> {
    if query.is_empty() {
        return Some(3);
    }
    if name == query {
        Some(0)
    } else if name.starts_with(query) {
        Some(1)
    } else if name.contains(query) {
        Some(2)
    } else {
        let mut chars = name.chars();
        query.chars().filter(|c| !c.is_whitespace()).all(|q| chars.any(|c| c == q)).then_some(3)
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::fixture::fixture;

    fn check_headings(text: &str, expect: Expect) {
        fn render(text: &str, headings: &[Heading], depth: usize, out: &mut String) {
            for h in headings {
                out.push_str(&format!(
                    "{}{} {:?} {}..{} name {:?}\n",
                    "  ".repeat(depth),
                    h.level,
                    h.name,
                    h.range.start,
                    h.range.end,
                    &text[h.name_range.clone()]
                ));
                render(text, &h.children, depth + 1, out);
            }
        }
        let mut out = String::new();
        render(text, &headings(text), 0, &mut out);
        expect.assert_eq(&out);
    }

    #[test]
    fn headings_nest_by_level() {
        check_headings(
            "# 張勇\nintro\n## Career\n### 2015\ntext\n## Sayings ##\n# Other\n",
            expect![[r#"
                1 "張勇" 0..52 name "張勇"
                  2 "Career" 15..38 name "Career"
                    3 "2015" 25..38 name "2015"
                  2 "Sayings" 39..52 name "Sayings"
                1 "Other" 53..60 name "Other"
            "#]],
        );
    }

    #[test]
    fn headings_skip_front_matter_code_and_non_headings() {
        check_headings(
            "---\ntitle: x\n# not a heading\n---\n#hashtag\n```\n# code\n```\n    # indented code\n## Real\r\n",
            expect![[r#"
                2 "Real" 77..84 name "Real"
            "#]],
        );
    }

    #[test]
    fn heading_skipping_a_level_nests_under_the_previous() {
        check_headings(
            "### deep\n# top\n",
            expect![[r#"
            3 "deep" 0..8 name "deep"
            1 "top" 9..14 name "top"
        "#]],
        );
    }

    #[test]
    fn match_scores() {
        assert_eq!(match_score("wu yongming", "wu yongming"), Some(0));
        assert_eq!(match_score("wu yongming", "wu y"), Some(1));
        assert_eq!(match_score("wu yongming", "yong"), Some(2));
        assert_eq!(match_score("wu yongming", "wym"), Some(3));
        assert_eq!(match_score("wu yongming", "wux"), None);
        assert_eq!(match_score("吴泳铭", "泳铭"), Some(2));
    }

    fn check_symbols(fixture_text: &str, query: &str, expect: Expect) {
        let fixture = fixture(fixture_text);
        let mut out = String::new();
        for symbol in workspace_symbols(&fixture.index, query, 10) {
            out.push_str(&format!(
                "{} ({:?}) [{}] {}\n",
                symbol.label,
                symbol.kind,
                symbol.aliases.join(", "),
                symbol.location
            ));
        }
        expect.assert_eq(&out);
    }

    const NOTES: &str = "//- /notes/wu.md\n---\ntitle: Wu Yongming\naliases: [吴泳铭]\nkind: person\n---\n# Wu Yongming\n\nCEO.\n//- /corpus/a.txt\n吴泳铭接替张勇。Taobao 淘宝\n";

    #[test]
    fn symbols_by_fuzzy_latin() {
        check_symbols(
            NOTES,
            "wym",
            expect![[r#"
            Wu Yongming (Person) [吴泳铭] /notes/wu.md 61..74
        "#]],
        );
    }

    #[test]
    fn symbols_by_han() {
        check_symbols(
            NOTES,
            "泳铭",
            expect![[r#"
            Wu Yongming (Person) [吴泳铭] /notes/wu.md 61..74
        "#]],
        );
    }

    #[test]
    fn symbols_by_pinyin() {
        check_symbols(
            NOTES,
            "taobao",
            expect![[r#"
                淘宝 (Product) [Taobao] /corpus/a.txt 24..37
            "#]],
        );
    }
}
