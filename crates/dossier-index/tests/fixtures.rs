//! Tiny fixtures, one `check_*` helper per feature. A fixture is a list of
//! files: `//- path` lines start a file; `.md` files are notes, the rest
//! documents. `$0` marks the cursor for `term_at`.

use std::sync::Arc;

use dossier_index::{Index, Source, SourceKind, note_links};
use dossier_ingest::{IngestConfig, ingest};
use dossier_test_support::Fixture;
use expect_test::{Expect, expect};

/// Builds an index from a fixture; returns it with the cursor (path, offset), if any.
fn index(fixture: &str) -> (Index, Option<(String, usize)>) {
    let fixture = Fixture::parse(fixture, "note.md");
    let mut sources = Vec::new();
    for file in &fixture.files {
        let kind = if file.is_note() { SourceKind::Note } else { SourceKind::Document };
        let document = ingest(&file.path, file.text.as_bytes(), &IngestConfig::default()).unwrap();
        sources.push(Arc::new(Source { kind, document }));
    }
    (Index::build(sources), fixture.cursor)
}

/// Every term: label, kind, aliases (with source), mentions per file and definition.
fn check_terms(fixture: &str, expect: Expect) {
    let (index, _) = index(fixture);
    let mut out = String::new();
    for term in index.terms() {
        let aliases: Vec<String> =
            term.aliases.iter().map(|a| format!("{} ({:?}, {:?})", a.text, a.source, a.script)).collect();
        out += &format!("{} [{:?}] {} mentions: {}\n", term.label, term.kind, term.mention_count, aliases.join(", "));
        if let Some(definition) = &term.definition {
            out += &format!("    {:?}: {}\n", definition.origin, definition.text);
        }
        for mention in index.mentions(term.id) {
            let text = &index.source(&mention.location.path).unwrap().document.text;
            assert_eq!(&text[mention.location.text_range.clone()], &*mention.surface);
        }
    }
    expect.assert_eq(&out);
}

/// What `lookup` resolves each query to (the term's label).
fn check_lookup(fixture: &str, queries: &[&str], expect: Expect) {
    let (index, _) = index(fixture);
    let out: Vec<String> = queries
        .iter()
        .map(|q| format!("{q} -> {}", index.lookup(q).map_or("none".to_owned(), |id| index.term(id).label.clone())))
        .collect();
    expect.assert_eq(&out.join("\n"));
}

/// The term under the `$0` cursor and the text of its mention.
fn check_term_at(fixture: &str, expect: Expect) {
    let (index, cursor) = index(fixture);
    let (path, offset) = cursor.expect("fixture has a $0 cursor");
    let text = &index.source(&path).unwrap().document.text;
    let out = match index.term_at(&path, offset) {
        Some((id, range)) => format!("{} @ {:?}", index.term(id).label, &text[range]),
        None => "none".to_owned(),
    };
    expect.assert_eq(&out);
}

fn check_complete(fixture: &str, prefix: &str, expect: Expect) {
    let (index, _) = index(fixture);
    let out: Vec<String> =
        index.complete(prefix, 10).iter().map(|c| format!("{} ({})", c.alias, index.term(c.term).label)).collect();
    expect.assert_eq(&out.join("\n"));
}

fn check_problems(fixture: &str, expect: Expect) {
    let (index, _) = index(fixture);
    let out: Vec<String> = index
        .problems()
        .iter()
        .map(|p| {
            let text = &index.source(&p.location.path).unwrap().document.text;
            format!("{} {:?}: {}", p.location.path, &text[p.location.text_range.clone()], p.message)
        })
        .collect();
    expect.assert_eq(&out.join("\n"));
}

#[test]
fn note_aliases_define_a_term() {
    check_terms(
        r#"
//- notes/jack-ma.md
---
aliases: [马云, 風清揚]
kind: person
---
# Jack Ma

Founder of Alibaba.
//- a.txt
Jack Ma spoke. 马云说 and later signed as 风清扬.
"#,
        expect![[r#"
            Jack Ma [Person] 4 mentions: Jack Ma (Note, Latin), 風清揚 (Note, HanTraditional), 马云 (Note, HanSimplified), Ma Yun (Dictionary, Latin), 风清扬 (Variant, HanSimplified)
                Note: Founder of Alibaba.
        "#]],
    );
}

#[test]
fn simplified_and_traditional_fold_to_one_term() {
    check_lookup(
        "//- a.txt\n張勇說，淘寶很好。張勇又說。\n//- b.txt\n张勇说淘宝。张勇。\n",
        &["张勇", "張勇", "Zhang Yong", "Yong Zhang", "zhangyong", "Zhang"],
        expect![[r#"
            张勇 -> 张勇
            張勇 -> 张勇
            Zhang Yong -> 张勇
            Yong Zhang -> 张勇
            zhangyong -> 张勇
            Zhang -> none"#]],
    );
}

#[test]
fn romanization_links_latin_and_han_names() {
    check_terms(
        "//- a.txt\nThe next day, Wu Yongming, CEO of Alibaba Group, posted an article.\n//- b.txt\n吴泳铭是阿里的老员工。吴泳铭说。\n",
        expect![[r#"
            吴泳铭 [Person] 3 mentions: 吴泳铭 (Corpus, HanSimplified), Wu Yongming (Romanization, Latin)
                Sentence: The next day, Wu Yongming, CEO of Alibaba Group, posted an article.
            Alibaba Group [Organization] 1 mentions: Alibaba Group (Corpus, Latin)
                FirstMention: The next day, Wu Yongming, CEO of Alibaba Group, posted an article.
        "#]],
    );
}

#[test]
fn ambiguous_romanization_is_not_linked() {
    // 河马 and 盒马 both read "hema": no link rather than a wrong one.
    check_lookup(
        "//- a.txt\n盒马开店。盒马很好。河马很大。河马在水里。\n//- b.txt\nWe visited Hema twice, and Hema again.\n",
        &["Hema", "盒马", "河马"],
        expect![[r#"
            Hema -> Hema
            盒马 -> none
            河马 -> none"#]],
    );
}

#[test]
fn longest_alias_wins_and_words_have_boundaries() {
    check_terms(
        "//- a.txt\nAnt Financial grew. Later Ant Financial and Ant Group differ. Make it so, said Ma Huateng and Ma Huateng.\n",
        expect![[r#"
            Ant Financial [Unknown] 2 mentions: Ant Financial (Corpus, Latin)
                FirstMention: Ant Financial grew.
            Ma Huateng [Person] 2 mentions: Ma Huateng (Corpus, Latin)
                FirstMention: Make it so, said Ma Huateng and Ma Huateng.
            Ant Group [Organization] 1 mentions: Ant Group (Corpus, Latin)
                FirstMention: Later Ant Financial and Ant Group differ.
        "#]],
    );
}

#[test]
fn dictionary_names_link_han_terms() {
    check_terms(
        "//- a.txt\nTencent runs a messaging platform.\n//- b.txt\n上一次是腾讯自己下场做电商。腾讯很大。\n",
        expect![[r#"
            腾讯 [Organization] 3 mentions: Tencent (Dictionary, Latin), Tencent Holdings Limited (Dictionary, Latin), 腾讯 (Corpus, HanSimplified)
                FirstMention: Tencent runs a messaging platform.
        "#]],
    );
}

#[test]
fn dictionary_name_declared_by_a_note_for_another_term_is_not_linked() {
    check_lookup(
        r#"
//- notes/tencent-music.md
---
title: Tencent Music
aliases: [腾讯音乐, Tencent]
---
# Tencent Music
//- a.txt
腾讯和腾讯音乐都做音乐。Tencent runs a messaging platform.
"#,
        &["腾讯", "Tencent", "Tencent Holdings Limited", "腾讯音乐"],
        expect![[r#"
            腾讯 -> 腾讯
            Tencent -> Tencent Music
            Tencent Holdings Limited -> 腾讯
            腾讯音乐 -> Tencent Music"#]],
    );
}

#[test]
fn explicit_alias_patterns() {
    check_lookup(
        "//- a.txt\nBefore that, AIDC (Alibaba International Digital Commerce Group) had its own network.\n\
         //- b.txt\n有淘天集团的刘博（花名：家洛）等。我特别跟MM(註:阿里首席客戶官戴珊)商量。戴珊说。\n",
        &["Alibaba International Digital Commerce Group", "家洛", "MM"],
        expect![[r#"
            Alibaba International Digital Commerce Group -> AIDC
            家洛 -> 刘博
            MM -> 戴珊"#]],
    );
}

#[test]
fn acronyms_need_evidence() {
    check_lookup(
        "//- a.txt\nThe CEO said GMV grew. GMV matters. The CEO left. DAU fell once.\n",
        &["GMV", "CEO", "DAU"],
        expect![[r#"
            GMV -> GMV
            CEO -> none
            DAU -> none"#]],
    );
}

#[test]
fn term_at_a_mention() {
    check_term_at("//- a.txt\nLater, Jack Ma spoke and Jack M$0a smiled.\n", expect![[r#"Jack Ma @ "Jack Ma""#]]);
}

#[test]
fn term_at_between_mentions_is_none() {
    check_term_at("//- a.txt\nLater, Jack Ma spoke $0and Jack Ma smiled.\n", expect![[r#"none"#]]);
}

#[test]
fn term_at_resolves_pinyin_in_notes() {
    check_term_at(
        "//- a.txt\n张勇说。张勇又说。\n//- notes/n.md\nI met Zhang Y$0ong today.\n",
        expect![[r#"张勇 @ "Zhang Yong""#]],
    );
}

#[test]
fn completion_matches_pinyin_of_han_aliases() {
    check_complete("//- a.txt\n吴泳铭说。吴泳铭又说。吴嘉说。吴嘉又说。\n", "wuyo", expect![[r#"吴泳铭 (吴泳铭)"#]]);
    check_complete("//- a.txt\n吴泳铭说。吴泳铭又说。吴嘉说。吴嘉又说。\n", "吴", expect!["吴泳铭 (吴泳铭)"]);
}

#[test]
fn alias_claimed_by_two_notes_is_a_problem() {
    check_problems(
        "//- notes/a.md\n---\naliases: [马云]\n---\n# Jack Ma\n//- notes/b.md\n---\naliases: [马云]\n---\n# Ma Yun\n\
         //- notes/c.md\n---\naliases: [unclosed\n---\n# C\n",
        expect![[r#"
            notes/b.md "马云": alias "马云" is already declared by notes/a.md
            notes/c.md "---\naliases: [unclosed\n---\n": broken front matter: while parsing a flow sequence, expected ',' or ']' at byte 19 line 2 column 1"#]],
    );
}

#[test]
fn unknown_kind_is_a_problem_but_the_note_still_defines_its_term() {
    check_problems(
        "//- notes/x.md\n---\naliases: [淘天]\nkind: spaceship\n---\n# Taobao Tmall Group\n",
        expect![[r#"notes/x.md "---\naliases: [淘天]\nkind: spaceship\n---\n": unknown kind "spaceship""#]],
    );
    check_lookup(
        "//- notes/x.md\n---\naliases: [淘天]\nkind: spaceship\n---\n# Taobao Tmall Group\n",
        &["淘天"],
        expect!["淘天 -> Taobao Tmall Group"],
    );
}

#[test]
fn links_in_notes() {
    let links: Vec<String> =
        note_links("See [[Jack Ma|Ma]] and [cloud](alibaba-cloud.md).").into_iter().map(|l| l.target).collect();
    assert_eq!(links, ["Jack Ma", "alibaba-cloud.md"]);
}

#[test]
fn a_note_title_alone_is_no_term_unless_it_is_a_name() {
    // "People" and 公司 without aliases are the notes' titles, for links, not
    // terms counting every ordinary use of the word; "WeChat" is a name by
    // its form, "Alibaba" and "Spain" because the corpus never writes them
    // in lower case.
    check_lookup(
        "//- a.txt\nMany people use WeChat. Alibaba said people like it. 公司很大。公司发展。\n\
         //- b.txt\nThe people of Alibaba met people.\n\
         //- notes/people.md\n---\ntitle: People\n---\n# People\n\
         //- notes/company.md\n---\ntitle: 公司\n---\n# 公司\n\
         //- notes/wechat.md\n---\ntitle: WeChat\n---\n# WeChat\n\
         //- notes/alibaba.md\n---\ntitle: Alibaba\n---\n# Alibaba\n\
         //- notes/spain.md\n---\ntitle: Spain\n---\n# Spain\n",
        &["people", "公司", "WeChat", "Alibaba", "Spain"],
        expect![[r#"
            people -> none
            公司 -> none
            WeChat -> WeChat
            Alibaba -> Alibaba
            Spain -> Spain"#]],
    );
}

#[test]
fn short_acronyms_match_only_in_capitals() {
    // "US" is a name; "us" is a pronoun and no mention of it. "U.S." keeps its periods.
    check_terms(
        "//- a.txt\nThe US said so. Tell us more, the US replied. Give us time. The U.S. agreed with the U.S. Navy.\n",
        expect![[r#"
            US [Concept] 2 mentions: US (Corpus, Latin)
                FirstMention: The US said so.
            U.S. [Unknown] 1 mentions: U.S. (Corpus, Latin)
                FirstMention: The U.S. agreed with the U.S.
            U.S. Navy [Unknown] 1 mentions: U.S. Navy (Corpus, Latin)
                FirstMention: agreed with the U.S. Navy.
        "#]],
    );
}

#[test]
fn a_han_name_of_a_name_and_a_word_links_to_the_english_name_made_the_same_way() {
    check_lookup(
        "//- a.txt\nYesterday Alibaba said that Alibaba Cloud grew, and Alibaba Cloud will grow.\n//- b.txt\n阿里巴巴说，“阿里云”增长了。“阿里云”很好，阿里云也很大。\n",
        &["阿里云", "阿里雲", "Alibaba Cloud", "Alibaba"],
        expect![[r#"
            阿里云 -> 阿里云
            阿里雲 -> 阿里云
            Alibaba Cloud -> 阿里云
            Alibaba -> 阿里巴巴"#]],
    );
}

#[test]
fn a_brand_with_a_lower_case_first_letter_is_no_word_written_in_lower_case() {
    check_lookup(
        "//- a.txt\nWas the iPhone the first phone? I think the iPhone was. But iPhone sales fell.\n",
        &["iPhone"],
        expect!["iPhone -> iPhone"],
    );
}

#[test]
fn a_transliterated_name_yields_to_a_name_of_the_dictionary() {
    // 乔丹 is "Jordan (name)", 约旦 the country Jordan: the country keeps it.
    check_lookup(
        "//- a.txt\nLater, Tom flew to Jordan. In Jordan, Tom met friends.\n//- b.txt\n汤姆去了约旦。约旦很热。乔丹打篮球。乔丹很高。\n",
        &["Tom", "汤姆", "Jordan", "约旦", "乔丹"],
        expect![[r#"
            Tom -> Tom
            汤姆 -> Tom
            Jordan -> Jordan
            约旦 -> Jordan
            乔丹 -> 乔丹"#]],
    );
}

#[test]
fn a_phrase_of_everyday_words_mostly_in_lower_case_is_no_term() {
    // "Internal Network" is capitalized only on title-case lines (and
    // quoted once), and written in lower case in every sentence; "Taco
    // Bell" is capitalized inside a sentence; the "class committee
    // system", quoted twice, is a term of the text.
    check_lookup(
        "//- a.txt\n01 The Internal Network: Where It Began\n\n\
         News spread on the internal network. The internal network was split. \
         Some called it \"internal network\" culture. Everyone reads the internal network.\n\n\
         02 The Split and Adjustment of the Internal Network\n\n\
         We ate at taco bell, then at taco bell again. I like Taco Bell.\n\
         They set up a \"class committee system\". This \"class committee system\" worked.\n",
        &["internal network", "taco bell", "class committee system"],
        expect![[r#"
            internal network -> none
            taco bell -> Taco Bell
            class committee system -> class committee system"#]],
    );
}

#[test]
fn everyday_han_words_are_names_only_where_the_corpus_says_so() {
    // 成功 is also a town in Taitung County 台东县, and the corpus has the
    // county and the gloss's words, but no "Chenggong": success is success. 《大学》 is the Great Learning in
    // title marks, and a university in the rest of the corpus. 七月 is July.
    // 之战 ("the battle of") starts on a particle. 新建 (newly built) is
    // also Xinjian county, which the tagger takes it for. 时代 (Time) is the
    // magazine once, and an era everywhere else.
    check_lookup(
        "//- a.txt\n台东县有很多游客。台东县的海很美。他成功了。成功很难。我们终于成功。\n\
         朱熹把《孟子》与《论语》、《大学》、《中庸》合为四书。《大学》很短。\n\
         他在大学教书。这所大学很大。大学生很多。那所大学很老。大学里有湖。\n\
         七月很热。七月下雨。七月我们去海边。\n\
         新建的车站很大。新建车站于明年启用。这条线新建了三个站。\n\
         时代（Time）杂志报道了。这个时代很好。新时代来了。时代变了。那个时代很苦。\n\
         襄樊之战结束了。丁家洲之战很惨烈。鄱阳湖之战获得胜利。\n\
         //- b.txt\nWe drove to a small town in the county, in southeast Taiwan.\n",
        &["成功", "大学", "七月", "之战", "新建", "时代", "台东县"],
        expect![[r#"
            成功 -> none
            大学 -> none
            七月 -> none
            之战 -> none
            新建 -> none
            时代 -> none
            台东县 -> 台东县"#]],
    );
}

#[test]
fn an_institution_is_named_by_its_name_before_of() {
    // "the Linguistic Society" is the Linguistic Society of America; two
    // institutions before "of" with one head ("Royal Society of London",
    // "Royal Society of Chemistry") leave the short name alone.
    check_lookup(
        "//- a.txt\nShe joined the Linguistic Society of America in 1960. He led the Linguistic Society of America.\n\
         The Linguistic Society gave him a prize. Both wrote to the Royal Society of London and the Royal Society of Chemistry.\n\
         The President later took action. The President has been praised.\n",
        &["Linguistic Society", "Royal Society", "President"],
        expect![[r#"
            Linguistic Society -> Linguistic Society of America
            Royal Society -> Royal Society
            President -> President"#]],
    );
}
