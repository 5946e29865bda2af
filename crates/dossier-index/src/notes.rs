//! Markdown notes: front matter (`title:`, `aliases:`, `kind:`), the note's
//! label and summary, and the links written in it.
//!
//! Parsing never fails: broken front matter becomes a problem and the note is
//! still read as a plain Markdown note.

use std::ops::Range;

use yaml_rust2::{
    Yaml, YamlLoader,
    parser::{Event, Parser},
};

use crate::{
    NoteLink, TermKind,
    markdown::{self, LinkKind},
};

/// What a note declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoteHeader {
    /// The term's name: `title:`, else the first level-1 heading (`# Name`,
    /// or `Name` over `===`) before the first paragraph ends, else the file stem.
    pub(crate) label: String,
    /// The declared aliases, in order, without the label.
    pub(crate) aliases: Vec<String>,
    /// The declared kind, if any.
    pub(crate) kind: Option<TermKind>,
    /// The first paragraph of the body.
    pub(crate) summary: String,
    /// The title line (the heading, else the first body line), in text bytes.
    pub(crate) title_range: Range<usize>,
    /// The front matter, delimiters included (empty when there is none).
    pub(crate) front_matter: Range<usize>,
    /// What is wrong with the front matter, if anything.
    pub(crate) problem: Option<String>,
    /// Whether the front matter could not be read at all (an unknown kind is a
    /// problem, but the note still defines its term).
    pub(crate) broken: bool,
}

/// Reads a note's front matter, label and summary.
pub(crate) fn parse_note(path: &str, text: &str) -> NoteHeader {
    parse_note_with(path, text, &markdown::headings(text))
}

/// [`parse_note`] given the note's headings (`markdown::headings`), for a
/// caller that has read them already.
pub(crate) fn parse_note_with(path: &str, text: &str, headings: &[markdown::Heading]) -> NoteHeader {
    let markdown::FrontMatter { range: front_matter, yaml: yaml_text, body_start } = markdown::front_matter(text);
    let mut header = NoteHeader {
        label: String::new(),
        aliases: Vec::new(),
        kind: None,
        summary: String::new(),
        title_range: body_start..body_start,
        front_matter,
        problem: None,
        broken: false,
    };
    let mut title = None;
    header.broken = matches!(yaml_text, Some(Err(_)));
    match yaml_text {
        Some(Err(message)) => header.problem = Some(message),
        Some(Ok(yaml)) => {
            match check_yaml_shape(yaml).and_then(|()| YamlLoader::load_from_str(yaml).map_err(|e| e.to_string())) {
                Err(error) => {
                    header.problem = Some(format!("broken front matter: {error}"));
                    header.broken = true;
                }
                Ok(docs) => match docs.first() {
                    None | Some(Yaml::Null) => {}
                    Some(doc @ Yaml::Hash(_)) => {
                        title = doc["title"].as_str().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
                        header.aliases = aliases_of(&doc["aliases"]);
                        if header.aliases.is_empty() {
                            header.aliases = aliases_of(&doc["alias"]);
                        }
                        header.kind = doc["kind"].as_str().and_then(parse_kind);
                        if let Some(kind) = doc["kind"].as_str()
                            && header.kind.is_none()
                        {
                            header.problem = Some(format!("unknown kind \"{kind}\""));
                        }
                    }
                    Some(_) => {
                        header.problem = Some("broken front matter: not a mapping".to_owned());
                        header.broken = true;
                    }
                },
            }
        }
        None => {}
    }
    // The title is the first level-1 heading with text before the first
    // paragraph ends; the summary is that paragraph, as written. Lines of
    // other headings, and lines starting with `#` (tags), are neither.
    let mut headings = headings.iter().peekable();
    let body = &text[body_start..];
    let mut heading = None;
    let mut paragraph: Vec<&str> = Vec::new();
    let mut offset = body_start;
    let mut first_line = None;
    for line in body.split_inclusive('\n') {
        let range = offset..offset + line.trim_end().len();
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if !paragraph.is_empty() {
                break;
            }
            continue;
        }
        first_line.get_or_insert(range.clone());
        while headings.next_if(|h| h.end < range.start).is_some() {}
        if let Some(found) = headings.peek().filter(|h| h.line_start <= range.start) {
            if found.line_start == range.start && found.level == 1 && !found.text.is_empty() && heading.is_none() {
                heading = Some((found.text.clone(), range));
            }
            if !paragraph.is_empty() {
                break;
            }
            continue;
        }
        if trimmed.starts_with('#') {
            if !paragraph.is_empty() {
                break;
            }
            continue;
        }
        paragraph.push(trimmed);
    }
    header.summary = paragraph.join(" ");
    if let Some((_, range)) = &heading {
        header.title_range = range.clone();
    } else if let Some(range) = first_line {
        header.title_range = range;
    }
    header.label = title.or(heading.map(|(h, _)| h)).unwrap_or_else(|| file_stem(path).to_owned());
    header.aliases.retain(|a| a != &header.label);
    header
}

/// How deep front matter may nest. Real front matter nests two or three
/// levels; the YAML loader recurses once per level, so 20,000 levels
/// overflow the stack and end the process.
const MAX_YAML_DEPTH: usize = 64;

/// How many nodes front matter may hold once its aliases (`*a`) are
/// expanded. The loader copies an anchored node for every alias to it, so
/// nine levels of `&b [*a, *a, ...]` in 300 bytes would make about 10^9
/// nodes. A note with 10,000 aliases is about 10,000 nodes.
const MAX_YAML_NODES: usize = 1 << 18;

/// Refuses front matter the YAML loader cannot load safely: nested deeper than
/// [`MAX_YAML_DEPTH`], or larger than [`MAX_YAML_NODES`] once aliases are
/// expanded. It reads the parser's events in a loop (the parser itself keeps
/// an explicit stack), so it cannot overflow, and it takes time in
/// proportion to the text.
fn check_yaml_shape(yaml: &str) -> Result<(), String> {
    let mut parser = Parser::new_from_str(yaml);
    // For each open sequence or mapping: the node count at its start and its anchor.
    let mut open: Vec<(usize, usize)> = Vec::new();
    // The expanded size of each anchored node, by anchor id.
    let mut anchored: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut nodes = 0usize;
    loop {
        let (event, _) = parser.next_token().map_err(|e| e.to_string())?;
        match event {
            Event::StreamEnd => return Ok(()),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if open.len() >= MAX_YAML_DEPTH {
                    return Err(format!("nested more than {MAX_YAML_DEPTH} levels deep"));
                }
                open.push((nodes, anchor));
                nodes += 1;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((start, anchor)) = open.pop()
                    && anchor > 0
                {
                    anchored.insert(anchor, nodes - start);
                }
            }
            Event::Scalar(_, _, anchor, _) => {
                nodes += 1;
                if anchor > 0 {
                    anchored.insert(anchor, 1);
                }
            }
            Event::Alias(anchor) => nodes = nodes.saturating_add(anchored.get(&anchor).copied().unwrap_or(1)),
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {}
        }
        if nodes > MAX_YAML_NODES {
            return Err(format!("more than {MAX_YAML_NODES} values once its aliases are expanded"));
        }
    }
}

/// Aliases as a YAML list or a comma-separated string.
fn aliases_of(yaml: &Yaml) -> Vec<String> {
    let mut aliases: Vec<String> = match yaml {
        Yaml::Array(items) => items.iter().filter_map(scalar_text).collect(),
        Yaml::String(list) => list.split([',', '，']).map(str::to_owned).collect(),
        other => scalar_text(other).into_iter().collect(),
    };
    for alias in &mut aliases {
        *alias = alias.trim().to_owned();
    }
    aliases.retain(|a| !a.is_empty());
    aliases
}

fn scalar_text(yaml: &Yaml) -> Option<String> {
    match yaml {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

fn parse_kind(kind: &str) -> Option<TermKind> {
    Some(match kind.trim().to_lowercase().as_str() {
        "person" | "people" => TermKind::Person,
        "organization" | "organisation" | "company" | "org" => TermKind::Organization,
        "product" | "service" | "brand" => TermKind::Product,
        "place" | "location" => TermKind::Place,
        "concept" | "term" | "event" => TermKind::Concept,
        "unknown" => TermKind::Unknown,
        _ => return None,
    })
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// The links to notes written in a note: `[[target]]`, `[[target|label]]`,
/// `[[target#heading]]` and `[label](relative/path.md)`.
pub(crate) fn links(text: &str) -> Vec<NoteLink> {
    markdown::links(text)
        .into_iter()
        .filter(|link| match link.kind {
            LinkKind::Wiki => !link.target.is_empty(),
            LinkKind::Markdown | LinkKind::Image => is_relative_note_path(&link.target),
        })
        .map(|link| NoteLink { target: link.target, heading: link.heading, label: link.label, text_range: link.range })
        .collect()
}

fn is_relative_note_path(target: &str) -> bool {
    !target.contains("://")
        && !target.starts_with('/')
        && (target.ends_with(".md") || target.ends_with(".markdown"))
        && !target.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    fn check_note(text: &str, expect: Expect) {
        let header = parse_note("notes/stem.md", text);
        expect.assert_debug_eq(&(header.label, header.aliases, header.kind, header.summary, header.problem));
    }

    fn check_links(text: &str, expect: Expect) {
        let found: Vec<(String, &str)> = links(text).into_iter().map(|l| (l.target, &text[l.text_range])).collect();
        expect.assert_debug_eq(&found);
    }

    #[test]
    fn front_matter_list_and_heading() {
        check_note(
            "---\naliases:\n  - 马云\n  - 風清揚\nkind: person\n---\n# Jack Ma\n\nFounder of Alibaba.\nSecond line.\n\nMore.\n",
            expect![[r#"
                (
                    "Jack Ma",
                    [
                        "马云",
                        "風清揚",
                    ],
                    Some(
                        Person,
                    ),
                    "Founder of Alibaba. Second line.",
                    None,
                )
            "#]],
        );
    }

    fn label_and_summary(text: &str) -> (String, String) {
        let header = parse_note("notes/stem.md", text);
        (header.label, header.summary)
    }

    #[test]
    fn the_title_is_the_first_level_one_heading_as_markdown_reads_it() {
        let pair = |label: &str, summary: &str| (label.to_owned(), summary.to_owned());
        // Setext headings are headings; the underline is not the summary.
        assert_eq!(label_and_summary("Jack Ma\n=======\n\nFounder.\n"), pair("Jack Ma", "Founder."));
        // A comment in a fenced shell script is not the title.
        assert_eq!(label_and_summary("```sh\n# install\n```\n").0, "stem");
        // Closing hashes are not part of the title, a `#` inside a word is.
        assert_eq!(label_and_summary("# Tmall #\nA mall.\n"), pair("Tmall", "A mall."));
        assert_eq!(label_and_summary("# C#\n"), pair("C#", ""));
        // An empty heading names nothing: the file stem does.
        assert_eq!(label_and_summary("#\nText.\n"), pair("stem", "Text."));
        // Level two is no title; a title after the first paragraph is none either.
        assert_eq!(label_and_summary("## Part\nText.\n\n# Late\n"), pair("stem", "Text."));
        // Tags are left out of the summary, as before.
        assert_eq!(label_and_summary("# Ant\n#company\nA group.\n"), pair("Ant", "A group."));
    }

    #[test]
    fn comma_separated_aliases_and_title() {
        check_note(
            "---\ntitle: Tmall\naliases: 天猫, 天貓\n---\nA B2C platform.\n",
            expect![[r#"
                (
                    "Tmall",
                    [
                        "天猫",
                        "天貓",
                    ],
                    None,
                    "A B2C platform.",
                    None,
                )
            "#]],
        );
    }

    #[test]
    fn broken_front_matter_is_a_problem_not_a_crash() {
        check_note(
            "---\naliases: [unclosed\n---\nText.\n",
            expect![[r#"
                (
                    "stem",
                    [],
                    None,
                    "Text.",
                    Some(
                        "broken front matter: while parsing a flow sequence, expected ',' or ']' at byte 19 line 2 column 1",
                    ),
                )
            "#]],
        );
        check_note(
            "---\naliases: [a]\nno end\n",
            expect![[r#"
                (
                    "stem",
                    [],
                    None,
                    "",
                    Some(
                        "broken front matter: no closing ---",
                    ),
                )
            "#]],
        );
    }

    fn problem_of(text: &str) -> Option<String> {
        let header = parse_note("notes/stem.md", text);
        assert!(header.problem.is_none() || header.broken || header.kind.is_none(), "{header:?}");
        header.problem
    }

    #[test]
    fn deeply_nested_front_matter_is_broken_not_a_stack_overflow() {
        let block = format!("---\n{}x\n---\nText.\n", "- ".repeat(20_000));
        assert_eq!(problem_of(&block).as_deref(), Some("broken front matter: nested more than 64 levels deep"));
        let flow = format!("---\na: {}{}\n---\n", "[".repeat(20_000), "]".repeat(20_000));
        // The scanner has its own bound for flow collections.
        assert!(problem_of(&flow).is_some_and(|p| p.starts_with("broken front matter: ")));
        // Nesting within the bound is read as usual.
        let fine = format!("---\ntitle: Deep\nx: {}{}\n---\n", "[".repeat(60), "]".repeat(60));
        assert_eq!(parse_note("notes/stem.md", &fine).label, "Deep");
    }

    #[test]
    fn billion_laughs_front_matter_is_broken_not_out_of_memory() {
        let mut yaml =
            String::from("---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (name, previous) in
            ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            yaml.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{previous}"); 9].join(",")));
        }
        yaml.push_str("title: Laughs\n---\nText.\n");
        let header = parse_note("notes/stem.md", &yaml);
        assert_eq!(
            header.problem.as_deref(),
            Some("broken front matter: more than 262144 values once its aliases are expanded")
        );
        assert!(header.broken);
        // A few aliases are fine.
        let header = parse_note("notes/stem.md", "---\nnames: &n [马云, Jack]\naliases: *n\n---\n");
        assert_eq!((header.aliases, header.problem), (vec!["马云".to_owned(), "Jack".to_owned()], None));
    }

    #[test]
    fn long_keys_and_large_front_matter_are_read() {
        let key = "k".repeat(100_000);
        let header = parse_note("notes/stem.md", &format!("---\n{key}: 1\ntitle: Long\n---\n"));
        assert!(header.label == "Long" || header.broken, "{header:?}");
        let aliases: Vec<String> = (0..10_000).map(|i| format!("  - alias{i}\n")).collect();
        let header = parse_note("notes/stem.md", &format!("---\naliases:\n{}---\n", aliases.concat()));
        assert_eq!((header.aliases.len(), header.problem), (10_000, None));
    }

    #[test]
    fn links_of_every_shape() {
        check_links(
            "See [[Jack Ma]], [[Tmall|the mall]], [[Alibaba#History]], [cloud](alibaba-cloud.md#x), [web](https://a.b/c.md), [[]].",
            expect![[r#"
                [
                    (
                        "Jack Ma",
                        "[[Jack Ma]]",
                    ),
                    (
                        "Tmall",
                        "[[Tmall|the mall]]",
                    ),
                    (
                        "Alibaba",
                        "[[Alibaba#History]]",
                    ),
                    (
                        "alibaba-cloud.md",
                        "[cloud](alibaba-cloud.md#x)",
                    ),
                ]
            "#]],
        );
    }
}
