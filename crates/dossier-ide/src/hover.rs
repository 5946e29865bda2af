//! The card of a term: first its identity (label and kind, aliases by
//! script, definition or gloss, mention counts by language), then the
//! documents that mention it most and snippets. Hover shows
//! it as Markdown and `dossier lookup` as plain text or JSON: one card, so a
//! change to it is one change.

use std::{ops::Range, sync::Arc};

use dossier_index::{
    Alias, DefinitionOrigin, Gloss, Index, Script, SourceKind, SourceMentions, Term, TermId, TermKind,
};
use dossier_ingest::{LineIndex, PositionEncoding};

use crate::{FileRange, file_name, kind_name, plural, slice, source_text};

/// Characters of context on each side of a snippet's mention.
const CONTEXT_CHARS: usize = 24;

/// How much a card shows: hover answers on every move of the mouse and
/// shows a little, `dossier lookup` is asked once and shows everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardConfig {
    /// How many documents the card lists by name, most mentioned first.
    pub documents: usize,
    /// Which mentions the card shows in context.
    pub snippets: Snippets,
}

/// Which mentions a card shows in context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Snippets {
    /// The first mention of each source, documents before notes, at most this many.
    FirstPerSource(usize),
    /// Every mention, source by source.
    Every,
}

impl CardConfig {
    /// The hover card: eight documents by name, three snippets.
    pub const HOVER: CardConfig = CardConfig { documents: 8, snippets: Snippets::FirstPerSource(3) };
    /// Everything: every document by name, every mention in context.
    pub const FULL: CardConfig = CardConfig { documents: usize::MAX, snippets: Snippets::Every };
}

/// The card of the term under the cursor, with the range it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverCard {
    /// The hovered mention's byte range in the hovered text.
    pub range: Range<usize>,
    /// The hovered term's card.
    pub card: TermCard,
}

/// Everything a term's card says, before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermCard {
    /// The term's preferred name.
    pub label: String,
    /// What it names.
    pub kind: TermKind,
    /// Every alias, the label's included, in the term's order (see
    /// [`TermCard::aliases_by_script`] for what a reader is shown).
    pub aliases: Vec<Alias>,
    /// The definition, when one is known.
    pub definition: Option<DefinitionCard>,
    /// The dictionary's gloss, when no note or defining sentence does better.
    pub gloss: Option<Gloss>,
    /// The documents that mention it most (at most `CardConfig::documents`): path,
    /// language, count; most mentioned first.
    pub documents: Vec<(Arc<str>, String, usize)>,
    /// How many documents mention it.
    pub document_count: usize,
    /// How many mentions those documents have in all.
    pub document_mentions: usize,
    /// Mentions in notes.
    pub note_mentions: usize,
    /// Mentions in context, as `CardConfig::snippets` chose them.
    pub snippets: Vec<Snippet>,
}

/// A term's definition as a card shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionCard {
    /// The defining text: a note's summary or a sentence.
    pub text: String,
    /// Where it is.
    pub location: FileRange,
    /// Its 0-based line.
    pub line: usize,
    /// How it was chosen.
    pub origin: DefinitionOrigin,
}

/// One mention shown in context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// Where the mention is.
    pub location: FileRange,
    /// Its 0-based line.
    pub line: usize,
    /// The text before the mention on its line (shortened).
    pub before: String,
    /// The mention as written.
    pub mention: String,
    /// The text after it on its line (shortened).
    pub after: String,
}

/// The card of the term mentioned at `offset` of the source at `path`.
pub fn hover(index: &Index, path: &str, offset: usize) -> Option<HoverCard> {
    let (id, range) = index.term_at(path, offset)?;
    Some(HoverCard { range, card: term_card(index, id, CardConfig::HOVER) })
}

/// The card of a term, showing as much as `config` says.
pub fn term_card(index: &Index, id: TermId, config: CardConfig) -> TermCard {
    let term = index.term(id);
    let definition = term.definition.as_ref().map(|d| DefinitionCard {
        text: d.text.clone(),
        location: FileRange::from(&d.location),
        line: source_text(index, &d.location.path).map_or(0, |text| line_around(text, d.location.text_range.start).0),
        origin: d.origin,
    });
    let snippets = match config.snippets {
        Snippets::FirstPerSource(count) => first_snippets(index, term, count, definition.as_ref()),
        Snippets::Every => every_snippet(index, term),
    };
    TermCard {
        label: term.label.clone(),
        kind: term.kind,
        aliases: term.aliases.clone(),
        definition,
        gloss: term.gloss_to_show().cloned(),
        documents: top_documents(index, term, config.documents),
        document_count: term.sources.iter().filter(|s| s.kind == SourceKind::Document).count(),
        document_mentions: term.sources.iter().filter(|s| s.kind == SourceKind::Document).map(|s| s.count).sum(),
        note_mentions: term.sources.iter().filter(|s| s.kind == SourceKind::Note).map(|s| s.count).sum(),
        snippets,
    }
}

fn script_name(script: Script) -> &'static str {
    match script {
        Script::Latin => "Latin",
        Script::HanSimplified => "Simplified",
        Script::HanTraditional => "Traditional",
        Script::Han => "Han",
        Script::Other => "Other",
    }
}

impl TermCard {
    /// The aliases a reader is shown: grouped by script (named), in a fixed
    /// script order, without the label and without repeats.
    pub fn aliases_by_script(&self) -> Vec<(&'static str, Vec<&str>)> {
        let order = [Script::Latin, Script::HanSimplified, Script::HanTraditional, Script::Han, Script::Other];
        order
            .iter()
            .filter_map(|&script| {
                let mut names: Vec<&str> = Vec::new();
                for alias in self.aliases.iter().filter(|a| a.script == script && a.text != self.label) {
                    if !names.contains(&alias.text.as_str()) {
                        names.push(&alias.text);
                    }
                }
                (!names.is_empty()).then(|| (script_name(script), names))
            })
            .collect()
    }
}

/// The `limit` documents that mention the term most, most first (ties by
/// path): a term can be in every document of the corpus, and hover answers
/// on every move of the mouse.
fn top_documents(index: &Index, term: &Term, limit: usize) -> Vec<(Arc<str>, String, usize)> {
    let mut documents: Vec<&SourceMentions> = term.sources.iter().filter(|s| s.kind == SourceKind::Document).collect();
    let order = |a: &&SourceMentions, b: &&SourceMentions| b.count.cmp(&a.count).then_with(|| a.path.cmp(&b.path));
    if limit == 0 {
        documents.clear();
    } else if documents.len() > limit {
        documents.select_nth_unstable_by(limit - 1, order);
        documents.truncate(limit);
    }
    documents.sort_by(order);
    documents
        .into_iter()
        .map(|s| {
            let language = index.source(&s.path).map_or_else(|| "und".to_owned(), |s| s.document.language.to_string());
            (Arc::clone(&s.path), language, s.count)
        })
        .collect()
}

/// Mentions in documents first, one per document, then in notes; never one
/// that the definition quotes already (its line, or a line of its text: a
/// note's definition is located at its heading and quotes the paragraph
/// below), which would say the same sentence twice.
fn first_snippets(index: &Index, term: &Term, count: usize, definition: Option<&DefinitionCard>) -> Vec<Snippet> {
    let by_kind = |kind| term.sources.iter().filter(move |s| s.kind == kind);
    let quoted = |path: &str, text: &str, range: &Range<usize>| {
        definition.is_some_and(|definition| {
            let (line, line_range) = line_around(text, range.start);
            let line_text = slice(text, line_range).trim();
            (&*definition.location.path == path && definition.line == line)
                || (!line_text.is_empty() && definition.text.contains(line_text))
        })
    };
    by_kind(SourceKind::Document)
        .chain(by_kind(SourceKind::Note))
        .filter_map(|source| {
            let text = source_text(index, &source.path)?;
            let (range, _) = index
                .mentions_in(&source.path)
                .find(|(range, id)| *id == term.id && !quoted(&source.path, text, range))?;
            let (line, line_range) = line_around(text, range.start);
            Some(snippet(text, FileRange { path: Arc::clone(&source.path), range }, line, line_range))
        })
        .take(count)
        .collect()
}

/// Every mention in the index's order (source by source), with one line
/// index per source: a term can have thousands of mentions in one document.
fn every_snippet(index: &Index, term: &Term) -> Vec<Snippet> {
    let mut lines: Option<(Arc<str>, LineIndex)> = None;
    index
        .mentions(term.id)
        .filter_map(|mention| {
            let location = FileRange::from(&mention.location);
            let text = source_text(index, &location.path)?;
            if lines.as_ref().is_none_or(|(path, _)| *path != location.path) {
                lines = Some((Arc::clone(&location.path), LineIndex::new(text)));
            }
            let (_, line_index) = lines.as_ref()?;
            let line = line_index.line_col(text, location.range.start, PositionEncoding::Utf8).line;
            let line_range = line_index.line_range(line)?;
            Some(snippet(text, location, line as usize, line_range))
        })
        .collect()
}

/// The line (0-based) holding `offset` and the byte range of its content,
/// with the line ends of LSP (`\n`, `\r\n`, a lone `\r`) as
/// `dossier_ingest::LineIndex` has them, but without indexing the whole text: a card shows a few lines
/// of long documents.
fn line_around(text: &str, offset: usize) -> (usize, Range<usize>) {
    let bytes = text.as_bytes();
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    // Between the `\r` and the `\n` of a line end: the end of the line before.
    if offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n') {
        offset -= 1;
    }
    let is_end = |i: usize| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n');
    let line = memchr::memchr2_iter(b'\n', b'\r', &bytes[..offset]).filter(|&i| is_end(i)).count();
    let start = memchr::memrchr2(b'\n', b'\r', &bytes[..offset]).map_or(0, |i| i + 1);
    let end = memchr::memchr2(b'\n', b'\r', &bytes[offset..]).map_or(text.len(), |i| offset + i);
    (line, start..end)
}

/// The mention at `location` on its line (0-based `line`, whose content is
/// `line_range`), with shortened context.
fn snippet(text: &str, location: FileRange, line: usize, line_range: Range<usize>) -> Snippet {
    let range = location.range.clone();
    let before = slice(text, line_range.start..range.start.max(line_range.start));
    let after = slice(text, range.end.min(line_range.end)..line_range.end);
    let before_chars = before.chars().count();
    let before = if before_chars > CONTEXT_CHARS {
        format!("…{}", before.chars().skip(before_chars - CONTEXT_CHARS).collect::<String>().trim_start())
    } else {
        before.trim_start().to_owned()
    };
    let after = if after.chars().count() > CONTEXT_CHARS {
        format!("{}…", after.chars().take(CONTEXT_CHARS).collect::<String>().trim_end())
    } else {
        after.trim_end().to_owned()
    };
    Snippet { line, before, mention: slice(text, range).to_owned(), after, location }
}

/// Escapes the characters Markdown would read as markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// How a card is written: the layout is one, the markup differs.
enum Markup<'a> {
    /// Markdown, with places as links made by `link(path, line)`.
    Markdown(&'a dyn Fn(&str, usize) -> String),
    /// Plain text for a terminal, with places as `path:line`.
    Plain,
}

impl Markup<'_> {
    /// User text, escaped where the markup needs it.
    fn text(&self, text: &str) -> String {
        match self {
            Markup::Markdown(_) => escape(text),
            Markup::Plain => text.to_owned(),
        }
    }

    /// User text set off from what surrounds it.
    fn strong(&self, text: &str) -> String {
        match self {
            Markup::Markdown(_) => format!("**{}**", escape(text)),
            Markup::Plain => text.to_owned(),
        }
    }

    /// A file as a reader is shown it: its name beside a link, its path in a terminal.
    fn file(&self, path: &str) -> String {
        match self {
            Markup::Markdown(_) => escape(file_name(path)),
            Markup::Plain => path.to_owned(),
        }
    }

    /// A 0-based line of a file, as a place to go to.
    fn place(&self, path: &str, line: usize) -> String {
        match self {
            Markup::Markdown(link) => format!("[{}:{}]({})", escape(file_name(path)), line + 1, link(path, line)),
            Markup::Plain => format!("{path}:{}", line + 1),
        }
    }

    /// Ends a line inside a paragraph.
    fn line_break(&self) -> &'static str {
        match self {
            Markup::Markdown(_) => "  \n",
            Markup::Plain => "\n",
        }
    }
}

impl HoverCard {
    /// The card as Markdown (see [`TermCard::to_markdown`]).
    pub fn to_markdown(&self, link: &dyn Fn(&str, usize) -> String) -> String {
        self.card.to_markdown(link)
    }
}

impl TermCard {
    /// The card as Markdown. `link(path, line)` makes a link target for a
    /// 0-based line of a file (the server passes `file:` URIs).
    pub fn to_markdown(&self, link: &dyn Fn(&str, usize) -> String) -> String {
        self.render(&Markup::Markdown(link))
    }

    /// The card as plain text, for a terminal.
    pub fn to_text(&self) -> String {
        self.render(&Markup::Plain)
    }

    /// The mentions by language of the listed documents, most first, as
    /// " (zh-Hans 15, en 4)"; nothing when there is one language or none.
    fn languages(&self) -> String {
        let mut by_language: Vec<(&str, usize)> = Vec::new();
        for (_, language, count) in &self.documents {
            match by_language.iter_mut().find(|(known, _)| *known == language.as_str()) {
                Some((_, total)) => *total += count,
                None => by_language.push((language, *count)),
            }
        }
        if by_language.len() < 2 {
            return String::new();
        }
        by_language.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let parts: Vec<String> = by_language.iter().map(|(language, count)| format!("{language} {count}")).collect();
        let partial = if self.document_count > self.documents.len() { ", in the listed documents" } else { "" };
        format!(" ({}{partial})", parts.join(", "))
    }

    /// The card's identity first (label and kind, names by script,
    /// definition or gloss with the place it is quoted from, counts by
    /// language), then the documents and snippets below a rule.
    fn render(&self, markup: &Markup<'_>) -> String {
        let mut out = format!("{} · {}\n", markup.strong(&self.label), kind_name(self.kind));
        let aliases = self.aliases_by_script();
        if !aliases.is_empty() {
            out.push('\n');
            let lines: Vec<String> = aliases
                .iter()
                .map(|(script, names)| {
                    format!("{script}: {}", names.iter().map(|n| markup.text(n)).collect::<Vec<_>>().join(", "))
                })
                .collect();
            out.push_str(&lines.join(markup.line_break()));
            out.push('\n');
        }
        if let Some(definition) = &self.definition {
            // One wording for the place a definition is quoted from, saying what that place is.
            let place = match definition.origin {
                DefinitionOrigin::Note => "the note",
                DefinitionOrigin::Sentence => "the defining sentence in",
                DefinitionOrigin::FirstMention => "the first mention in",
            };
            out.push_str(&format!(
                "\n{}\n\n— from {place} {}\n",
                markup.text(definition.text.trim()),
                markup.place(&definition.location.path, definition.line)
            ));
        }
        if let Some(gloss) = &self.gloss {
            let headword = if gloss.traditional == gloss.simplified {
                gloss.simplified.clone()
            } else {
                format!("{} ({})", gloss.simplified, gloss.traditional)
            };
            out.push_str(&format!(
                "\n{}\n\n— from the dictionary (CC-CEDICT): {} [{}]\n",
                markup.text(&gloss.text),
                markup.text(&headword),
                markup.text(&gloss.pinyin)
            ));
        }
        out.push_str(&format!(
            "\n{} in {}{}, {} in notes\n",
            plural(self.document_mentions, "mention"),
            plural(self.document_count, "document"),
            self.languages(),
            self.note_mentions
        ));

        // The details, below a rule: an editor's hover shows the identity
        // above without scrolling.
        if self.documents.is_empty() && self.snippets.is_empty() {
            return out;
        }
        out.push_str("\n---\n");
        for (path, language, count) in &self.documents {
            out.push_str(&format!("- {} ({language}): {count}\n", markup.file(path)));
        }
        if self.document_count > self.documents.len() {
            let more = self.document_count - self.documents.len();
            out.push_str(&format!("- and {} more\n", plural(more, "document")));
        }
        if !self.snippets.is_empty() {
            out.push('\n');
            for snippet in &self.snippets {
                out.push_str(&format!(
                    "- {} {}{}{}\n",
                    markup.place(&snippet.location.path, snippet.line),
                    markup.text(&snippet.before),
                    markup.strong(&snippet.mention),
                    markup.text(&snippet.after)
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use dossier_index::AliasSource;

    use super::*;
    use crate::fixture::fixture;

    proptest::proptest! {
        /// Lines are found as the line index finds them, anywhere.
        #[test]
        fn line_around_agrees_with_the_line_index(text in "[a\\r\\n 張😀]{0,30}", offset in 0usize..40) {
            let lines = LineIndex::new(&text);
            let line = lines.line_col(&text, offset, PositionEncoding::Utf8).line;
            let wanted = (line as usize, lines.line_range(line).unwrap());
            proptest::prop_assert_eq!(line_around(&text, offset), wanted);
        }
    }

    fn check(fixture_text: &str, expect: Expect) {
        let fixture = fixture(fixture_text);
        let actual = match hover(&fixture.index, &fixture.path, fixture.offset) {
            Some(card) => {
                let hovered = slice(fixture.text(), card.range.clone()).to_owned();
                format!("hovered {hovered:?}\n{}", card.to_markdown(&|path, line| format!("{path}#L{}", line + 1)))
            }
            None => "no hover\n".to_owned(),
        };
        expect.assert_eq(&actual);
    }

    const CORPUS: &str = r#"
//- /notes/wu.md
---
title: Wu Yongming
aliases: [吴泳铭, Eddie Wu]
kind: person
---
# Wu Yongming

Wu Yongming is the chief executive of Alibaba Group since 2023.
//- /corpus/en.txt
In September 2023, Wu Yongming took over from Zhang Yong as CEO of Alibaba.
Eddie Wu also chairs Taobao and Tmall.
//- /corpus/zh.txt
吴泳铭接替张勇出任阿里巴巴集团首席执行官。
"#;

    fn with_cursor_in(file: &str, needle: &str, extra: &str) -> String {
        let mut out = String::new();
        let mut current = "";
        for line in CORPUS.split_inclusive('\n') {
            if let Some(path) = line.strip_prefix("//- ") {
                current = path.trim();
            }
            if current == file && line.contains(needle) && !out.contains("$0") {
                let split = needle.char_indices().nth(1).map_or(needle.len(), |(i, _)| i);
                out.push_str(&line.replacen(needle, &format!("{}$0{}", &needle[..split], &needle[split..]), 1));
            } else {
                out.push_str(line);
            }
        }
        out.push_str(extra);
        out
    }

    #[test]
    fn hover_shows_the_dictionary_gloss_without_a_definition() {
        check(
            "//- /corpus/zh.txt\n他说，拼$0多多增长很快。\n//- /corpus/en.txt\nAn e-commerce company grew.\n",
            expect![[r#"
                hovered "拼多多"
                **拼多多** · organization

                Latin: Pinduoduo

                他说，拼多多增长很快。

                — from the first mention in [zh.txt:1](/corpus/zh.txt#L1)

                Pinduoduo, social e-commerce company founded in 2015

                — from the dictionary (CC-CEDICT): 拼多多 [Pin1 duo1 duo1]

                1 mention in 1 document, 0 in notes

                ---
                - zh.txt (zh-Hans): 1
            "#]],
        );
    }

    #[test]
    fn the_snippets_never_repeat_the_quoted_first_mention() {
        check(
            "//- /corpus/zh.txt\n他说，拼$0多多增长很快。\n去年拼多多上市。\n//- /corpus/en.txt\nAn e-commerce company grew.\n",
            expect![[r#"
                hovered "拼多多"
                **拼多多** · organization

                Latin: Pinduoduo

                他说，拼多多增长很快。

                — from the first mention in [zh.txt:1](/corpus/zh.txt#L1)

                Pinduoduo, social e-commerce company founded in 2015

                — from the dictionary (CC-CEDICT): 拼多多 [Pin1 duo1 duo1]

                2 mentions in 1 document, 0 in notes

                ---
                - zh.txt (zh-Hans): 2

                - [zh.txt:2](/corpus/zh.txt#L2) 去年**拼多多**上市。
            "#]],
        );
    }

    #[test]
    fn hover_on_latin_name_in_a_document() {
        check(
            &with_cursor_in("/corpus/en.txt", "Wu Yongming", ""),
            expect![[r#"
                hovered "Wu Yongming"
                **Wu Yongming** · person

                Latin: Eddie Wu  
                Simplified: 吴泳铭

                Wu Yongming is the chief executive of Alibaba Group since 2023.

                — from the note [wu.md:6](/notes/wu.md#L6)

                3 mentions in 2 documents (en 2, zh-Hans 1), 2 in notes

                ---
                - en.txt (en): 2
                - zh.txt (zh-Hans): 1

                - [en.txt:1](/corpus/en.txt#L1) In September 2023, **Wu Yongming** took over from Zhang Yo…
                - [zh.txt:1](/corpus/zh.txt#L1) **吴泳铭**接替张勇出任阿里巴巴集团首席执行官。
            "#]],
        );
    }

    #[test]
    fn hover_on_simplified_name_in_a_document() {
        check(
            &with_cursor_in("/corpus/zh.txt", "吴泳铭", ""),
            expect![[r#"
                hovered "吴泳铭"
                **Wu Yongming** · person

                Latin: Eddie Wu  
                Simplified: 吴泳铭

                Wu Yongming is the chief executive of Alibaba Group since 2023.

                — from the note [wu.md:6](/notes/wu.md#L6)

                3 mentions in 2 documents (en 2, zh-Hans 1), 2 in notes

                ---
                - en.txt (en): 2
                - zh.txt (zh-Hans): 1

                - [en.txt:1](/corpus/en.txt#L1) In September 2023, **Wu Yongming** took over from Zhang Yo…
                - [zh.txt:1](/corpus/zh.txt#L1) **吴泳铭**接替张勇出任阿里巴巴集团首席执行官。
            "#]],
        );
    }

    #[test]
    fn hover_on_traditional_variant_in_a_note() {
        check(
            &with_cursor_in("/notes/wu.md", "Alibaba", "//- /notes/other.md\n吳泳$0銘是誰？\n"),
            expect![[r#"
                hovered "吳泳銘"
                **Wu Yongming** · person

                Latin: Eddie Wu  
                Simplified: 吴泳铭  
                Traditional: 吳泳銘

                Wu Yongming is the chief executive of Alibaba Group since 2023.

                — from the note [wu.md:6](/notes/wu.md#L6)

                3 mentions in 2 documents (en 2, zh-Hans 1), 3 in notes

                ---
                - en.txt (en): 2
                - zh.txt (zh-Hans): 1

                - [en.txt:1](/corpus/en.txt#L1) In September 2023, **Wu Yongming** took over from Zhang Yo…
                - [zh.txt:1](/corpus/zh.txt#L1) **吴泳铭**接替张勇出任阿里巴巴集团首席执行官。
                - [other.md:1](/notes/other.md#L1) **吳泳銘**是誰？
            "#]],
        );
    }

    #[test]
    fn full_card_as_plain_text_lists_every_mention() {
        let fixture = fixture(CORPUS);
        let id = fixture.index.lookup("Eddie Wu").unwrap();
        expect![[r#"
            Wu Yongming · person

            Latin: Eddie Wu
            Simplified: 吴泳铭

            Wu Yongming is the chief executive of Alibaba Group since 2023.

            — from the note /notes/wu.md:6

            3 mentions in 2 documents (en 2, zh-Hans 1), 2 in notes

            ---
            - /corpus/en.txt (en): 2
            - /corpus/zh.txt (zh-Hans): 1

            - /corpus/en.txt:1 In September 2023, Wu Yongming took over from Zhang Yo…
            - /corpus/en.txt:2 Eddie Wu also chairs Taobao and…
            - /corpus/zh.txt:1 吴泳铭接替张勇出任阿里巴巴集团首席执行官。
            - /notes/wu.md:6 # Wu Yongming
            - /notes/wu.md:8 Wu Yongming is the chief executive…
        "#]]
        .assert_eq(&term_card(&fixture.index, id, CardConfig::FULL).to_text());
    }

    #[test]
    fn hover_on_pinyin_in_a_note() {
        check(
            "//- /notes/draft.md\nMet Wu Yong$0ming today.\n//- /corpus/zh.txt\n吴泳铭接替张勇。\n",
            expect![[r#"
            no hover
        "#]],
        );
    }

    #[test]
    fn no_hover_on_plain_words() {
        check(
            &with_cursor_in("/corpus/en.txt", "September", ""),
            expect![[r#"
            no hover
        "#]],
        );
    }

    #[test]
    fn no_hover_past_the_end() {
        check(
            "//- /note.md\nWu Yongming$0",
            expect![[r#"
            no hover
        "#]],
        );
    }

    #[test]
    fn snippet_context_is_shortened_on_char_boundaries() {
        let text = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十張勇一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十\n";
        let start = text.find('張').unwrap();
        let (line, line_range) = line_around(text, start);
        let snippet = snippet(text, FileRange { path: "/a.txt".into(), range: start..start + 6 }, line, line_range);
        assert_eq!(snippet.before.chars().count(), CONTEXT_CHARS + 1);
        assert_eq!(snippet.after.chars().count(), CONTEXT_CHARS + 1);
        assert_eq!(snippet.mention, "張勇");
        assert_eq!(snippet.line, 0);
    }

    #[test]
    fn markdown_escapes_and_links() {
        let alias = |text: &str| Alias { text: text.to_owned(), script: Script::Latin, source: AliasSource::Note };
        let card = TermCard {
            label: "1+6+N".to_owned(),
            kind: TermKind::Concept,
            aliases: vec![alias("1+6+N"), alias("one_plus_six")],
            definition: Some(DefinitionCard {
                text: "Alibaba's *1+6+N* reorganization.".to_owned(),
                location: FileRange { path: "/n/1+6+N.md".into(), range: 0..5 },
                line: 0,
                origin: DefinitionOrigin::Note,
            }),
            gloss: None,
            documents: vec![("/c/a.txt".into(), "en".to_owned(), 2)],
            document_count: 1,
            document_mentions: 2,
            note_mentions: 1,
            snippets: vec![Snippet {
                location: FileRange { path: "/c/a.txt".into(), range: 10..15 },
                line: 4,
                before: "the ".to_owned(),
                mention: "1+6+N".to_owned(),
                after: " plan".to_owned(),
            }],
        };
        expect![[r#"
            **1+6+N** · concept

            Latin: one\_plus\_six

            Alibaba's \*1+6+N\* reorganization.

            — from the note [1+6+N.md:1](/n/1+6+N.md#L1)

            2 mentions in 1 document, 1 in notes

            ---
            - a.txt (en): 2

            - [a.txt:5](/c/a.txt#L5) the **1+6+N** plan
        "#]]
        .assert_eq(&card.to_markdown(&|path, line| format!("{path}#L{}", line + 1)));
    }
}
