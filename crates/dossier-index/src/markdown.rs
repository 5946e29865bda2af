//! Markdown as Dossier reads notes: the one scanner of front matter, ATX
//! headings (outside fenced code) and links (wikilinks `[[name]]`, `[[name|label]]`, `[[name#heading]]`,
//! `[[#heading]]`, Markdown links `[text](path)` and images). Links come
//! from `pulldown-cmark`'s offset iterator, so a link written inside a code
//! span or a fenced block is not a link, and scanning is linear in the text
//! whatever its brackets.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// A note's front matter: the YAML block between a first line `---` and
/// the next line `---` or `...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    /// The block, delimiters included (empty at 0 when there is none).
    pub range: Range<usize>,
    /// Its YAML text, or why it is broken (no closing line); `None` when
    /// the note has no front matter.
    pub yaml: Option<Result<&'a str, String>>,
    /// Where the body starts.
    pub body_start: usize,
}

/// Splits off a note's front matter.
pub fn front_matter(text: &str) -> FrontMatter<'_> {
    let Some(first) = text.strip_prefix("---").filter(|rest| rest.starts_with('\n') || rest.starts_with("\r\n")) else {
        return FrontMatter { range: 0..0, yaml: None, body_start: 0 };
    };
    let yaml_start = text.len() - first.len() + if first.starts_with('\n') { 1 } else { 2 };
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let end = offset + line.len();
            return FrontMatter { range: 0..end, yaml: Some(Ok(&text[yaml_start..offset])), body_start: end };
        }
        offset += line.len();
    }
    FrontMatter {
        range: 0..text.len(),
        yaml: Some(Err("broken front matter: no closing ---".to_owned())),
        body_start: text.len(),
    }
}

/// How a link is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// `[[name]]`, `[[name|label]]`, `[[name#heading]]`, `[[#heading]]`.
    Wiki,
    /// `[text](path)`.
    Markdown,
    /// `![alt](path)`.
    Image,
}

/// A link written in a note's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// How it is written.
    pub kind: LinkKind,
    /// The target as written, without `#heading` and trimmed: a note's name
    /// for a wikilink, a path or URL for the others; empty for `[[#heading]]`.
    pub target: String,
    /// The heading after `#`, if any.
    pub heading: Option<String>,
    /// The text shown: `label` of `[[name|label]]`, `text` of `[text](path)`
    /// (its plain text), `None` for a plain wikilink.
    pub label: Option<String>,
    /// Byte range of the whole link in the text.
    pub range: Range<usize>,
}

/// Every inline link and wikilink of a note's body (after the front
/// matter), in text order. Reference links (`[text][id]`) and autolinks
/// (`<https://…>`) are left out: they are not how notes link to files.
pub fn links(text: &str) -> Vec<Link> {
    let body_start = front_matter(text).body_start;
    let body = &text[body_start..];
    let mut links: Vec<Link> = Vec::new();
    // Links being read (an image can sit inside a link's text): the index in
    // `links` of each open one, or `None` for one that is left out.
    let mut open: Vec<Option<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(body, Options::ENABLE_WIKILINKS).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { link_type, dest_url, .. } | Tag::Image { link_type, dest_url, .. }) => {
                let image = matches!(body.get(range.clone()), Some(s) if s.starts_with('!'));
                let kind = match link_type {
                    LinkType::WikiLink { .. } => LinkKind::Wiki,
                    LinkType::Inline if image => LinkKind::Image,
                    LinkType::Inline => LinkKind::Markdown,
                    _ => {
                        open.push(None);
                        continue;
                    }
                };
                // A wikilink stays on one line.
                if kind == LinkKind::Wiki && body[range.clone()].contains(['\n', '\r']) {
                    open.push(None);
                    continue;
                }
                let (target, heading) = match dest_url.split_once('#') {
                    Some((target, heading)) => (target, Some(heading.trim().to_owned())),
                    None => (&*dest_url, None),
                };
                let label = match link_type {
                    LinkType::WikiLink { has_pothole: false } => None,
                    _ => Some(String::new()),
                };
                open.push(Some(links.len()));
                links.push(Link {
                    kind,
                    target: target.trim().to_owned(),
                    heading,
                    label,
                    range: body_start + range.start..body_start + range.end,
                });
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                open.pop();
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(Some(i)) = open.last()
                    && let Some(label) = &mut links[*i].label
                {
                    label.push_str(&text);
                }
            }
            _ => {}
        }
    }
    links
}

/// An ATX heading (`## Text`) of a note's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: usize,
    /// The heading's text, without the `#` marks around it.
    pub text: String,
    /// Where its line starts.
    pub line_start: usize,
    /// Byte range of its text.
    pub text_range: Range<usize>,
}

/// The ATX headings of a note's body (after the front matter), in text
/// order; lines in fenced code blocks (` ``` `, `~~~`) are not headings.
pub fn headings(text: &str) -> Vec<Heading> {
    let body_start = front_matter(text).body_start;
    let mut found = Vec::new();
    let mut offset = body_start;
    let mut fence: Option<&str> = None;
    for line in text[body_start..].split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        let indent = content.len() - trimmed.len();
        let level = trimmed.bytes().take_while(|&b| b == b'#').count();
        let rest = &trimmed[level..];
        if indent > 3 || !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            continue;
        }
        let name = rest.trim().trim_end_matches('#').trim_end();
        let name_start = start + indent + level + (rest.len() - rest.trim_start().len());
        found.push(Heading {
            level,
            text: name.to_owned(),
            line_start: start,
            text_range: name_start..name_start + name.len(),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    fn check_links(text: &str, expect: Expect) {
        let found: Vec<String> = links(text)
            .into_iter()
            .map(|l| format!("{:?} {:?} {:?} {:?} {:?}", l.kind, &text[l.range], l.target, l.heading, l.label))
            .collect();
        expect.assert_eq(&found.join("\n"));
    }

    #[test]
    fn links_of_every_shape() {
        check_links(
            "See [[Jack Ma]], [[Tmall|the mall]], [[Alibaba#History]], [[#Top]], [cloud](alibaba-cloud.md#x), ![logo](logo.png), [web](https://a.b/c.md).",
            expect![[r#"
                Wiki "[[Jack Ma]]" "Jack Ma" None None
                Wiki "[[Tmall|the mall]]" "Tmall" None Some("the mall")
                Wiki "[[Alibaba#History]]" "Alibaba" Some("History") None
                Wiki "[[#Top]]" "" Some("Top") None
                Markdown "[cloud](alibaba-cloud.md#x)" "alibaba-cloud.md" Some("x") Some("cloud")
                Image "![logo](logo.png)" "logo.png" None Some("logo")
                Markdown "[web](https://a.b/c.md)" "https://a.b/c.md" None Some("web")"#]],
        );
    }

    #[test]
    fn no_links_in_code_or_front_matter() {
        check_links(
            "---\nsee: \"[[Front]]\"\n---\nText `[[Span]]` and [[Real]].\n\n```\n[[Fenced]] [a](b.md)\n```\n\n    [[Indented]]\n",
            expect![[r#"Wiki "[[Real]]" "Real" None None"#]],
        );
    }

    #[test]
    fn front_matter_is_split_off() {
        let text = "---\ntitle: A\n---\nBody\n";
        let found = front_matter(text);
        assert_eq!((found.range, found.yaml, found.body_start), (0..17, Some(Ok("title: A\n")), 17));
        assert_eq!(front_matter("---\nno end\n").yaml, Some(Err("broken front matter: no closing ---".to_owned())));
        assert_eq!(front_matter("--- \n").yaml, None);
    }

    /// Brackets that never close cost one pass: a scanner that searched the
    /// rest of the text again for every bracket would do some 10^12 steps
    /// on these 4 MB and never finish the test run.
    #[test]
    fn unclosed_brackets_scan_in_linear_time() {
        for unit in ["[[", "[a](", "[", "![x](", "[[a|"] {
            let text = unit.repeat(4_000_000 / unit.len());
            assert!(links(&text).is_empty(), "{unit}");
        }
        let text = "[[a]]".repeat(800_000);
        assert_eq!(links(&text).len(), 800_000);
    }
}
