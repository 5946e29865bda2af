//! Markdown as Dossier reads notes: the one scanner of front matter,
//! headings (ATX and setext, outside code) and links (wikilinks `[[name]]`, `[[name|label]]`, `[[name#heading]]`,
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

/// A heading of a note's body: ATX (`## Text`) or setext (`Text` over a
/// line of `=` or `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: usize,
    /// The heading's text as written, without the `#` marks around it (or
    /// the setext underline); the lines of a setext heading of several
    /// lines are joined by a space.
    pub text: String,
    /// Where its first line starts.
    pub line_start: usize,
    /// Byte range of its text.
    pub text_range: Range<usize>,
    /// Where it ends: the end of its last line (the underline of a setext
    /// heading), line break excluded.
    pub end: usize,
}

/// A note's headings and links, read in one pass of the parser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// See [`headings`].
    pub headings: Vec<Heading>,
    /// See [`links`].
    pub links: Vec<Link>,
}

/// The headings and the links of a note's body, as [`headings`] and
/// [`links`] find them, in one pass of the parser.
pub fn outline(text: &str) -> Outline {
    let body_start = front_matter(text).body_start;
    let body = &text[body_start..];
    let mut headings = HeadingReader { body, body_start, found: Vec::new(), containers: 0, open: None };
    let mut links = LinkReader { body, body_start, found: Vec::new(), open: Vec::new() };
    for (event, range) in Parser::new_ext(body, Options::ENABLE_WIKILINKS).into_offset_iter() {
        headings.read(&event, &range);
        links.read(event, range);
    }
    Outline { headings: headings.found, links: links.found }
}

/// Every inline link and wikilink of a note's body (after the front
/// matter), in text order. Reference links (`[text][id]`) and autolinks
/// (`<https://…>`) are left out: they are not how notes link to files.
pub fn links(text: &str) -> Vec<Link> {
    outline(text).links
}

/// The headings of a note's body (after the front matter), in text order,
/// as CommonMark reads them (`pulldown-cmark`): lines in fenced or indented
/// code, in HTML blocks, and `#tag` words are not headings. Only headings
/// at the top level count: one inside a block quote or a list item is part
/// of that block, not a section of the note.
pub fn headings(text: &str) -> Vec<Heading> {
    outline(text).headings
}

/// Reads the links of a body from the parser's events.
struct LinkReader<'a> {
    body: &'a str,
    body_start: usize,
    found: Vec<Link>,
    /// Links being read (an image can sit inside a link's text): the index
    /// in `found` of each open one, or `None` for one that is left out.
    open: Vec<Option<usize>>,
}

impl LinkReader<'_> {
    fn read(&mut self, event: Event<'_>, range: Range<usize>) {
        let body = self.body;
        match event {
            Event::Start(Tag::Link { link_type, dest_url, .. } | Tag::Image { link_type, dest_url, .. }) => {
                let image = matches!(body.get(range.clone()), Some(s) if s.starts_with('!'));
                let kind = match link_type {
                    LinkType::WikiLink { .. } => LinkKind::Wiki,
                    LinkType::Inline if image => LinkKind::Image,
                    LinkType::Inline => LinkKind::Markdown,
                    _ => {
                        self.open.push(None);
                        return;
                    }
                };
                // A wikilink stays on one line.
                if kind == LinkKind::Wiki && body[range.clone()].contains(['\n', '\r']) {
                    self.open.push(None);
                    return;
                }
                let (target, heading) = match dest_url.split_once('#') {
                    Some((target, heading)) => (target, Some(heading.trim().to_owned())),
                    None => (&*dest_url, None),
                };
                let label = match link_type {
                    LinkType::WikiLink { has_pothole: false } => None,
                    _ => Some(String::new()),
                };
                self.open.push(Some(self.found.len()));
                self.found.push(Link {
                    kind,
                    target: target.trim().to_owned(),
                    heading,
                    label,
                    range: self.body_start + range.start..self.body_start + range.end,
                });
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                self.open.pop();
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(Some(i)) = self.open.last()
                    && let Some(label) = &mut self.found[*i].label
                {
                    label.push_str(&text);
                }
            }
            _ => {}
        }
    }
}

/// Reads the headings of a body from the parser's events.
struct HeadingReader<'a> {
    body: &'a str,
    body_start: usize,
    found: Vec<Heading>,
    /// Block quotes and list items open around the current event.
    containers: usize,
    /// The heading being read: its level, block range and the range of its inline content.
    open: Option<(usize, Range<usize>, Option<Range<usize>>)>,
}

impl HeadingReader<'_> {
    fn read(&mut self, event: &Event<'_>, range: &Range<usize>) {
        let (body, body_start) = (self.body, self.body_start);
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::Item) => self.containers += 1,
            Event::End(TagEnd::BlockQuote(_) | TagEnd::Item) => self.containers = self.containers.saturating_sub(1),
            Event::Start(Tag::Heading { level, .. }) if self.containers == 0 => {
                self.open = Some((*level as usize, range.clone(), None))
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, block, inline)) = self.open.take() else { return };
                let line_start = body[..block.start].rfind('\n').map_or(0, |i| i + 1);
                let end = block.start + body[block.clone()].trim_end_matches(['\n', '\r']).len();
                let inline = inline.unwrap_or(end..end);
                let written = &body[inline.clone()];
                let text = match written.contains('\n') {
                    true => written.lines().map(str::trim).collect::<Vec<_>>().join(" "),
                    false => written.to_owned(),
                };
                self.found.push(Heading {
                    level,
                    text,
                    line_start: body_start + line_start,
                    text_range: body_start + inline.start..body_start + inline.end,
                    end: body_start + end,
                });
            }
            _ => {
                if let Some((_, _, inline)) = &mut self.open {
                    let covered = inline.get_or_insert(range.clone());
                    covered.start = covered.start.min(range.start);
                    covered.end = covered.end.max(range.end);
                }
            }
        }
    }
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

    fn check_headings(text: &str, expect: Expect) {
        let found: Vec<String> = headings(text)
            .into_iter()
            .map(|h| {
                let (text_range, block) = (&text[h.text_range], &text[h.line_start..h.end]);
                format!("{} {:?} {text_range:?} {block:?}", h.level, h.text)
            })
            .collect();
        expect.assert_eq(&found.join("\n"));
    }

    #[test]
    fn headings_atx_and_setext_outside_code() {
        check_headings(
            "# Jack Ma #\n## C#\n#hashtag\n#\tTab\nAnt\nGroup\n===\n\nSub\n---\n```\n# fenced\n```\n    # indented\n> # quoted\n- # listed\n",
            expect![[r###"
                1 "Jack Ma" "Jack Ma" "# Jack Ma #"
                2 "C#" "C#" "## C#"
                1 "Tab" "Tab" "#\tTab"
                1 "Ant Group" "Ant\nGroup" "Ant\nGroup\n==="
                2 "Sub" "Sub" "Sub\n---""###]],
        );
        // An empty heading has an empty text range at its end.
        check_headings("---\ntitle: x\n---\n#\n", expect![[r##"1 "" "" "#""##]]);
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
