//! End-to-end tests of `ingest`: encodings, languages, spans, warnings and
//! errors, each shown as a small snapshot.

use std::fmt::Write as _;

use dossier_ingest::{Detection, Document, IngestConfig, IngestError, LanguageSpan, ingest, ingest_with_detection};
use encoding_rs::Encoding;
use expect_test::{Expect, expect};

/// Ingests `bytes` and shows what came out: encoding, languages with shares,
/// spans (as the original bytes they cover), warnings and the normalized text.
fn check_bytes(bytes: &[u8], expect: Expect) {
    check_with(bytes, &IngestConfig::default(), expect);
}

fn check(text: &str, expect: Expect) {
    check_bytes(text.as_bytes(), expect);
}

fn check_with(bytes: &[u8], config: &IngestConfig, expect: Expect) {
    let shown = match ingest("test.txt", bytes, config) {
        Ok(document) => show(&document, bytes),
        Err(error) => format!("error: {error}"),
    };
    expect.assert_eq(&shown);
}

fn show(document: &Document, bytes: &[u8]) -> String {
    let mut shown = String::new();
    let shares: Vec<String> =
        document.languages.iter().map(|share| format!("{} {:.2}", share.language, share.share)).collect();
    writeln!(shown, "{} {} [{}]", document.encoding, document.language, shares.join(", ")).unwrap();
    let encoding = Encoding::for_label(document.encoding.as_bytes()).expect("a known encoding");
    for span in &document.spans {
        // Decoding the span's original bytes on their own shows that it
        // starts and ends on character boundaries.
        let (covered, _) = encoding.decode_without_bom_handling(&bytes[span.start..span.end]);
        writeln!(shown, "  {} {}..{} {:?}", span.language, span.start, span.end, truncate(&covered)).unwrap();
    }
    for warning in &document.warnings {
        writeln!(shown, "  warning at {:?}: {}", warning.offset, warning.message).unwrap();
    }
    write!(shown, "  normalized {:?}", truncate(&document.normalized().text)).unwrap();
    shown
}

fn truncate(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}

fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{text:?} is not representable in {}", encoding.name());
    bytes.into_owned()
}

fn seed(prefix: &str) -> (Vec<u8>, Document) {
    let path = dossier_test_support::seed(prefix);
    let bytes = std::fs::read(&path).expect("readable seed");
    let document = ingest(&path.to_string_lossy(), &bytes, &IngestConfig::default()).expect("ingestible seed");
    (bytes, document)
}

fn check_seed(prefix: &str, expect: Expect) {
    let (bytes, document) = seed(prefix);
    expect.assert_eq(&show(&document, &bytes));
}

#[test]
fn seed_000_is_english() {
    check_seed(
        "000",
        expect![[r#"
            UTF-8 en [en 1.00]
              en 0..33233 "Original Text:#\nAlibaba's Mission and Vi…"
              normalized "original text:# alibaba's mission and vi…""#]],
    );
}

#[test]
fn seed_001_is_english() {
    check_seed(
        "001",
        expect![[r#"
            UTF-8 en [en 1.00]
              en 15..15758 "Numerous discussions and reports on pivo…"
              normalized "05/13 2025 568 numerous discussions and …""#]],
    );
}

#[test]
fn seed_002_is_simplified_chinese_with_an_english_slogan() {
    check_seed(
        "002",
        expect![[r#"
            UTF-8 zh-Hans [zh-Hans 1.00, en 0.00]
              zh-Hans 4..1939 "reference_link: https://mp.weixin.qq.com…"
              en 1940..1976 "MAGA —— Make Alibaba Great Again"
              zh-Hans 1979..23897 "让阿里巴巴再次伟大。\n\n阿里目前在中国电商市场的份额差不多是四成。从年成交额维度…"
              normalized "--- reference_link: https://mp.weixin.qq…""#]],
    );
}

#[test]
fn seed_002_slogan_span_covers_make_alibaba_great_again() {
    let (bytes, document) = seed("002");
    let english: Vec<&str> = document
        .spans
        .iter()
        .filter(|span| span.language.as_str() == "en")
        .map(|span| std::str::from_utf8(&bytes[span.start..span.end]).expect("span on char boundaries"))
        .collect();
    assert!(english.iter().any(|covered| covered.contains("Make Alibaba Great Again")), "{english:?}");
    assert!(english.iter().all(|covered| !covered.contains('让')), "{english:?}");
}

#[test]
fn seed_003_is_traditional_chinese() {
    check_seed(
        "003",
        expect![[r#"
            UTF-8 zh-Hant [zh-Hant 1.00, en 0.00]
              zh-Hant 0..12246 "阿里CEO張勇內部復盤:一天1207億是這樣搞出來的 | 人人都是產品經理\n\n張…"
              en 12246..12290 "Beginning with Under Armour,Ending with …"
              zh-Hant 12293..37240 "大家在一起和平共處,共同發展,體現了天貓平台的格局,我們整個創意,我們的新媒體,…"
              normalized "阿里ceo張勇內部復盤:一天1207億是這樣搞出來的 | 人人都是產品經理\n張勇…""#]],
    );
}

#[test]
fn seed_004_is_english() {
    check_seed(
        "004",
        expect![[r#"
            UTF-8 en [en 1.00]
              en 0..18326 "Ant Financial’s crisis response and refl…"
              normalized "ant financial's crisis response and refl…""#]],
    );
}

#[test]
fn empty_file_is_undetermined() {
    check(
        "",
        expect![[r#"
        UTF-8 und []
          normalized """#]],
    );
}

#[test]
fn digits_only_are_undetermined() {
    check(
        "2025-05-13 12:00\n568\n",
        expect![[r#"
        UTF-8 und []
          normalized "2025-05-13 12:00 568 ""#]],
    );
}

#[test]
fn chinese_inside_english() {
    check(
        "The company's founder Jack Ma (马云) said the reform of Taobao and Tmall would take years.",
        expect![[r#"
            UTF-8 en [en 0.97, zh-Hans 0.03]
              en 0..29 "The company's founder Jack Ma"
              zh-Hans 31..37 "马云"
              en 39..91 "said the reform of Taobao and Tmall woul…"
              normalized "the company's founder jack ma (马云) said …""#]],
    );
}

#[test]
fn simplified_and_traditional_paragraphs_are_told_apart() {
    check(
        "马云说这是阿里巴巴的内部信。\n员工们在内部调侃。\n\n張勇說，當單日交易額到了超千億規模。\n阿里巴巴。",
        expect![[r#"
            UTF-8 zh-Hans [zh-Hans 0.51, zh-Hant 0.49]
              zh-Hans 0..67 "马云说这是阿里巴巴的内部信。\n员工们在内部调侃"
              zh-Hant 72..139 "張勇說，當單日交易額到了超千億規模。\n阿里巴巴"
              normalized "马云说这是阿里巴巴的内部信. 员工们在内部调侃.\n張勇說,當單日交易額到了超千億…""#]],
    );
}

#[test]
fn chinese_without_variant_specific_characters_is_plain_zh() {
    check(
        "阿里巴巴的使命",
        expect![[r#"
        UTF-8 zh [zh 1.00]
          zh 0..21 "阿里巴巴的使命"
          normalized "阿里巴巴的使命""#]],
    );
}

#[test]
fn short_acronym_inside_chinese_is_chinese() {
    check(
        "阿里CEO張勇內部復盤，總結經驗。",
        expect![[r#"
        UTF-8 zh-Hant [zh-Hant 1.00]
          zh-Hant 0..42 "阿里CEO張勇內部復盤，總結經驗"
          normalized "阿里ceo張勇內部復盤,總結經驗.""#]],
    );
}

#[test]
fn brand_name_inside_chinese_is_chinese() {
    check(
        "天猫上的Under Armour旗舰店销量第一。",
        expect![[r#"
        UTF-8 zh-Hans [zh-Hans 1.00]
          zh-Hans 0..45 "天猫上的Under Armour旗舰店销量第一"
          normalized "天猫上的under armour旗舰店销量第一.""#]],
    );
}

#[test]
fn short_english_alone_keeps_its_unsure_guess() {
    check(
        "Hello world",
        expect![[r#"
        UTF-8 en [en 1.00]
          en 0..11 "Hello world"
          normalized "hello world""#]],
    );
}

#[test]
fn japanese_with_kanji_and_kana() {
    check(
        "東京タワーへ行きました。天気がとても良かったです。",
        expect![[r#"
        UTF-8 ja [ja 1.00]
          ja 0..72 "東京タワーへ行きました。天気がとても良かったです"
          normalized "東京タワーへ行きました.天気がとても良かったです.""#]],
    );
}

#[test]
fn kanji_only_heading_in_japanese_document_is_japanese() {
    check(
        "東京都庁\n東京タワーへ行きました。天気がとても良かったです。",
        expect![[r#"
        UTF-8 ja [ja 1.00]
          ja 0..85 "東京都庁\n東京タワーへ行きました。天気がとても良かったです"
          normalized "東京都庁 東京タワーへ行きました.天気がとても良かったです.""#]],
    );
}

#[test]
fn korean() {
    check(
        "알리바바는 중국의 전자상거래 기업입니다.",
        expect![[r#"
        UTF-8 ko [ko 1.00]
          ko 0..57 "알리바바는 중국의 전자상거래 기업입니다"
          normalized "알리바바는 중국의 전자상거래 기업입니다.""#]],
    );
}

#[test]
fn french() {
    check(
        "Le groupe a annoncé une réorganisation complète de ses activités de commerce en ligne.",
        expect![[r#"
        UTF-8 fr [fr 1.00]
          fr 0..89 "Le groupe a annoncé une réorganisation c…"
          normalized "le groupe a annoncé une réorganisation c…""#]],
    );
}

#[test]
fn german() {
    check(
        "Das Unternehmen hat eine vollständige Umstrukturierung seiner Geschäftsbereiche angekündigt.",
        expect![[r#"
        UTF-8 de [de 1.00]
          de 0..94 "Das Unternehmen hat eine vollständige Um…"
          normalized "das unternehmen hat eine vollständige um…""#]],
    );
}

#[test]
fn russian() {
    check(
        "Компания объявила о полной реорганизации своего бизнеса электронной торговли.",
        expect![[r#"
        UTF-8 ru [ru 1.00]
          ru 0..144 "Компания объявила о полной реорганизации…"
          normalized "компания объявила о полной реорганизации…""#]],
    );
}

#[test]
fn english_then_french_paragraphs() {
    check(
        "The company announced a complete reorganization of its online retail business this week.\n\n\
         Le groupe a annoncé cette semaine une réorganisation complète de ses activités de commerce en ligne.\n",
        expect![[r#"
            UTF-8 fr [fr 0.53, en 0.47]
              en 0..87 "The company announced a complete reorgan…"
              fr 90..193 "Le groupe a annoncé cette semaine une ré…"
              normalized "the company announced a complete reorgan…""#]],
    );
}

/// The language of each text ingested on its own, as `language: text` lines.
fn check_languages(texts: &[&str], expect: Expect) {
    let shown: Vec<String> = texts
        .iter()
        .map(|text| {
            let document = ingest("test.txt", text.as_bytes(), &IngestConfig::default()).unwrap();
            format!("{}: {}", document.language, truncate(text))
        })
        .collect();
    expect.assert_eq(&shown.join("\n"));
}

#[test]
fn short_sentences_in_the_common_languages() {
    // One-line sentences in the languages with function-word tables: the
    // quick pass must not claim them for the wrong language.
    check_languages(
        &[
            "Je ne sais pas ce que tu veux dire.",
            "Nous avons visité le musée hier.",
            "El gobierno anunció nuevas medidas económicas.",
            "Los niños juegan en el parque.",
            "Ich habe das Buch gestern gelesen.",
            "Die Firma hat ihren Sitz in Berlin.",
            "Het bedrijf heeft een nieuwe directeur benoemd.",
            "Wij gaan morgen naar de markt.",
            "O governo anunciou novas medidas para a economia.",
            "As crianças brincam no parque.",
            "Il governo ha annunciato nuove misure.",
            "The company announced a reorganization.",
        ],
        expect![[r#"
            fr: Je ne sais pas ce que tu veux dire.
            fr: Nous avons visité le musée hier.
            es: El gobierno anunció nuevas medidas econó…
            es: Los niños juegan en el parque.
            de: Ich habe das Buch gestern gelesen.
            de: Die Firma hat ihren Sitz in Berlin.
            nl: Het bedrijf heeft een nieuwe directeur b…
            nl: Wij gaan morgen naar de markt.
            pt: O governo anunciou novas medidas para a …
            pt: As crianças brincam no parque.
            it: Il governo ha annunciato nuove misure.
            en: The company announced a reorganization."#]],
    );
}

#[test]
fn longer_sentences_in_the_common_languages() {
    check_languages(
        &[
            "La empresa trasladó su sede a Hangzhou y abrió una oficina nueva en Madrid durante el verano.",
            "A empresa transferiu a sua sede para Hangzhou e abriu um novo escritório em Lisboa no verão.",
            "Het bedrijf heeft zijn hoofdkantoor naar Hangzhou verhuisd en in de zomer een kantoor in Amsterdam geopend.",
            "Das Unternehmen hat seinen Sitz nach Hangzhou verlegt und im Sommer ein neues Büro in Berlin eröffnet.",
            "L'entreprise a déménagé son siège à Hangzhou et a ouvert un nouveau bureau à Paris cet été.",
        ],
        expect![[r#"
            es: La empresa trasladó su sede a Hangzhou y…
            pt: A empresa transferiu a sua sede para Han…
            nl: Het bedrijf heeft zijn hoofdkantoor naar…
            de: Das Unternehmen hat seinen Sitz nach Han…
            fr: L'entreprise a déménagé son siège à Hang…"#]],
    );
}

#[test]
fn english_dense_with_names_repeated_on_one_line_is_not_tagalog() {
    // `lingua` alone called this Tagalog; "and", "their", "to" are English.
    let sentence = "Alibaba and Ant Group moved their offices to Hangzhou.";
    check_languages(
        &[
            sentence,
            &[sentence; 5].join(" "),
            &[sentence; 5].join("\n"),
            "Jack Ma met Daniel Zhang and Joe Tsai in Hangzhou.",
        ],
        expect![[r#"
            en: Alibaba and Ant Group moved their office…
            en: Alibaba and Ant Group moved their office…
            en: Alibaba and Ant Group moved their office…
            en: Jack Ma met Daniel Zhang and Joe Tsai in…"#]],
    );
}

#[test]
fn short_english_lines_full_of_names_are_english() {
    // Names are in no language: the lower-case words ("met", "in", "and")
    // decide, and `lingua`'s guesses on the names (Dutch, French, Spanish,
    // Indonesian) do not.
    check_languages(
        &[
            "Xi Jinping met Donald Trump in Beijing.",
            "Angela Merkel visited Emmanuel Macron in Paris.",
            "Narendra Modi and Shinzo Abe met in Tokyo.",
            "Tim Cook met Li Qiang in Shanghai.",
            "Kim Jong Un met Moon Jae-in at Panmunjom.",
            "Pedro Sánchez met Olaf Scholz in Madrid.",
            "Ursula von der Leyen met Joe Biden in Washington.",
            "Lionel Messi joined Inter Miami.",
            "Vladimir Putin spoke with Recep Tayyip Erdogan.",
            "Jacinda Ardern and Scott Morrison met in Sydney on Friday.",
            "Jair Bolsonaro lost to Luiz Inácio Lula da Silva.",
            "Ludwig van Beethoven moved to Vienna.",
        ],
        expect![[r#"
            en: Xi Jinping met Donald Trump in Beijing.
            en: Angela Merkel visited Emmanuel Macron in…
            en: Narendra Modi and Shinzo Abe met in Toky…
            en: Tim Cook met Li Qiang in Shanghai.
            en: Kim Jong Un met Moon Jae-in at Panmunjom…
            en: Pedro Sánchez met Olaf Scholz in Madrid.
            en: Ursula von der Leyen met Joe Biden in Wa…
            en: Lionel Messi joined Inter Miami.
            en: Vladimir Putin spoke with Recep Tayyip E…
            en: Jacinda Ardern and Scott Morrison met in…
            en: Jair Bolsonaro lost to Luiz Inácio Lula …
            en: Ludwig van Beethoven moved to Vienna."#]],
    );
}

#[test]
fn short_lines_full_of_names_in_other_languages_stay_what_they_are() {
    check_languages(
        &[
            "Mark Rutte sprak met Angela Merkel in Berlijn.",
            "Mark Rutte is met de koning naar Den Haag.",
            "Angela Merkel traf sich mit Emmanuel Macron in Paris.",
            "Olaf Scholz ist in Berlin.",
            "Emmanuel Macron a rencontré Xi Jinping à Pékin.",
            "Macron et Merkel sont à Bruxelles.",
            "Pedro Sánchez se reunió con Olaf Scholz en Madrid.",
        ],
        expect![[r#"
            nl: Mark Rutte sprak met Angela Merkel in Be…
            nl: Mark Rutte is met de koning naar Den Haa…
            de: Angela Merkel traf sich mit Emmanuel Mac…
            de: Olaf Scholz ist in Berlin.
            fr: Emmanuel Macron a rencontré Xi Jinping à…
            fr: Macron et Merkel sont à Bruxelles.
            es: Pedro Sánchez se reunió con Olaf Scholz …"#]],
    );
}

#[test]
fn english_line_of_names_between_chinese_paragraphs_is_english() {
    // A bilingual text: the English lines of names take the language of the
    // document's other English, not that of the Chinese next door.
    let text = "习近平在北京会见了特朗普。\n\
                Xi Jinping met Donald Trump in Beijing.\n\
                双方讨论了贸易和安全问题，并同意继续保持沟通。\n\
                The two leaders discussed trade and security and agreed to keep talking to each other.\n\
                李强在上海会见了库克。\n\
                Li Qiang met Tim Cook in Shanghai.\n";
    let document = ingest("t.txt", text.as_bytes(), &IngestConfig::default()).unwrap();
    let spans: Vec<String> = document
        .spans
        .iter()
        .map(|span| format!("{} {}", span.language, truncate(&text[span.start..span.end])))
        .collect();
    expect![[r#"
        [
            "zh-Hans 习近平在北京会见了特朗普",
            "en Xi Jinping met Donald Trump in Beijing",
            "zh-Hans 双方讨论了贸易和安全问题，并同意继续保持沟通",
            "en The two leaders discussed trade and secu…",
            "zh-Hans 李强在上海会见了库克",
            "en Li Qiang met Tim Cook in Shanghai",
        ]
    "#]]
    .assert_debug_eq(&spans);
}

#[test]
fn long_english_document_with_a_french_paragraph_in_the_middle() {
    // The quick pass checks the long stretch at a few points and finds the
    // switch between two checks that disagree.
    let english = "The company announced a complete reorganization of its online retail business this week.\n";
    let french =
        "Le groupe a annoncé cette semaine une réorganisation complète de ses activités de commerce en ligne.\n";
    let text = format!("{}{}{}", english.repeat(100), french.repeat(3), english.repeat(100));
    let document = ingest("test.txt", text.as_bytes(), &IngestConfig::default()).unwrap();
    let spans: Vec<String> = document
        .spans
        .iter()
        .map(|span| format!("{} {:?}", span.language, truncate(&text[span.start..span.end])))
        .collect();
    expect![[r#"
        en "The company announced a complete reorgan…"
        fr "Le groupe a annoncé cette semaine une ré…"
        en "The company announced a complete reorgan…""#]]
    .assert_eq(&spans.join("\n"));
}

#[test]
fn bilingual_glossary_past_the_lingua_budget_keeps_english_lines_english() {
    let line = "The company announced a reorganization 阿里巴巴集团宣布重组\n";
    let document = ingest("glossary.txt", line.repeat(300).as_bytes(), &IngestConfig::default()).unwrap();
    let languages: Vec<&str> = document.spans.iter().map(|span| span.language.as_str()).collect();
    assert_eq!(languages.len(), 600);
    assert!(languages.chunks(2).all(|pair| pair == ["en", "zh-Hans"]), "{languages:?}");
}

#[test]
fn allowlist_narrows_detection() {
    let config =
        IngestConfig { languages: Some(vec!["en".to_owned(), "zh-Hant".to_owned()]), ..IngestConfig::default() };
    check_with(
        "Le groupe a annoncé une réorganisation complète de ses activités. 阿里巴巴".as_bytes(),
        &config,
        expect![[r#"
            UTF-8 en [en 0.93, zh-Hant 0.07]
              en 0..68 "Le groupe a annoncé une réorganisation c…"
              zh-Hant 70..82 "阿里巴巴"
              normalized "le groupe a annoncé une réorganisation c…""#]],
    );
}

#[test]
fn utf8_with_bom() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice("張勇說 hello".as_bytes());
    check_bytes(
        &bytes,
        expect![[r#"
        UTF-8 zh-Hant [zh-Hant 1.00]
          zh-Hant 3..18 "張勇說 hello"
          normalized "張勇說 hello""#]],
    );
}

#[test]
fn utf16le_with_bom() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "Alibaba 阿里巴巴 😀".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    check_bytes(
        &bytes,
        expect![[r#"
        UTF-16LE zh [zh 1.00]
          zh 2..26 "Alibaba 阿里巴巴"
          normalized "alibaba 阿里巴巴 😀""#]],
    );
}

#[test]
fn utf16be_with_bom() {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in "阿里巴巴的使命".encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    check_bytes(
        &bytes,
        expect![[r#"
        UTF-16BE zh [zh 1.00]
          zh 2..16 "阿里巴巴的使命"
          normalized "阿里巴巴的使命""#]],
    );
}

#[test]
fn utf16le_without_bom_is_recognized_by_its_nul_bytes() {
    let bytes: Vec<u8> = "Alibaba's mission: 让天下没有难做的生意".encode_utf16().flat_map(u16::to_le_bytes).collect();
    check_bytes(
        &bytes,
        expect![[r#"
        UTF-16LE zh-Hans [zh-Hans 1.00]
          zh-Hans 0..58 "Alibaba's mission: 让天下没有难做的生意"
          warning at None: no byte order mark, read as UTF-16LE
          normalized "alibaba's mission: 让天下没有难做的生意""#]],
    );
}

#[test]
fn utf16be_without_bom_is_recognized_by_its_nul_bytes() {
    let bytes: Vec<u8> = "The company announced layoffs".encode_utf16().flat_map(u16::to_be_bytes).collect();
    check_bytes(
        &bytes,
        expect![[r#"
        UTF-16BE en [en 1.00]
          en 0..58 "The company announced layoffs"
          warning at None: no byte order mark, read as UTF-16BE
          normalized "the company announced layoffs""#]],
    );
}

#[test]
fn utf16_unpaired_surrogate_is_replaced_with_a_warning() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in [0x0061, 0xD800, 0x0062] {
        bytes.extend_from_slice(&u16::to_le_bytes(unit));
    }
    check_bytes(
        &bytes,
        expect![[r#"
        UTF-16LE und [und 1.00]
          und 2..8 "a�b"
          warning at Some(4): unpaired UTF-16 surrogate replaced at byte 4
          normalized "a�b""#]],
    );
}

#[test]
fn gbk() {
    let bytes = encode(encoding_rs::GBK, "阿里巴巴集团宣布，马云将在内部信中回应员工关心的问题。这是第三次内部表态。");
    check_bytes(
        &bytes,
        expect![[r#"
        GBK zh-Hans [zh-Hans 1.00]
          zh-Hans 0..72 "阿里巴巴集团宣布，马云将在内部信中回应员工关心的问题。这是第三次内部表态"
          normalized "阿里巴巴集团宣布,马云将在内部信中回应员工关心的问题.这是第三次内部表态.""#]],
    );
}

#[test]
fn long_gbk_file_is_detected_from_its_beginning_and_decoded_whole() {
    // Encoding detection reads only the first few thousand non-ASCII bytes;
    // the whole file is still decoded, and a span at its end maps back.
    let (_, seed_document) = seed("002");
    let text = seed_document.text.repeat(4);
    let bytes = encode(encoding_rs::GBK, &text);
    let document = ingest("long.txt", &bytes, &IngestConfig::default()).unwrap();
    assert_eq!((document.encoding, document.language.as_str()), ("GBK", "zh-Hans"));
    assert_eq!(document.text, text);
    let last = document.spans.last().unwrap();
    let (covered, _) = encoding_rs::GBK.decode_without_bom_handling(&bytes[last.start..last.end]);
    assert!(text.ends_with(&format!("{covered}。")) || text.trim_end().ends_with(covered.as_ref()), "{covered}");
}

#[test]
fn gb18030() {
    let bytes = encode(
        encoding_rs::GB18030,
        "员工们在内部调侃，说马云全员信的叙事很有意思。阿里巴巴再次伟大。€ 符号也能表示。",
    );
    check_bytes(
        &bytes,
        expect![[r#"
        GBK zh-Hans [zh-Hans 1.00]
          zh-Hans 0..79 "员工们在内部调侃，说马云全员信的叙事很有意思。阿里巴巴再次伟大。€ 符号也能表示"
          normalized "员工们在内部调侃,说马云全员信的叙事很有意思.阿里巴巴再次伟大.€ 符号也能表示…""#]],
    );
}

#[test]
fn big5() {
    let bytes = encode(encoding_rs::BIG5, "阿里巴巴十四日舉行了天貓雙十一復盤會，張勇在會上總結今年的亮點。");
    check_bytes(
        &bytes,
        expect![[r#"
        Big5 zh-Hant [zh-Hant 1.00]
          zh-Hant 0..62 "阿里巴巴十四日舉行了天貓雙十一復盤會，張勇在會上總結今年的亮點"
          normalized "阿里巴巴十四日舉行了天貓雙十一復盤會,張勇在會上總結今年的亮點.""#]],
    );
}

#[test]
fn shift_jis() {
    let bytes =
        encode(encoding_rs::SHIFT_JIS, "東京タワーへ行きました。天気がとても良かったです。また行きたいと思います。");
    check_bytes(
        &bytes,
        expect![[r#"
        Shift_JIS ja [ja 1.00]
          ja 0..72 "東京タワーへ行きました。天気がとても良かったです。また行きたいと思います"
          normalized "東京タワーへ行きました.天気がとても良かったです.また行きたいと思います.""#]],
    );
}

#[test]
fn euc_kr() {
    let bytes = encode(encoding_rs::EUC_KR, "알리바바는 중국의 전자상거래 기업입니다. 본사는 항저우에 있습니다.");
    check_bytes(
        &bytes,
        expect![[r#"
        EUC-KR ko [ko 1.00]
          ko 0..65 "알리바바는 중국의 전자상거래 기업입니다. 본사는 항저우에 있습니다"
          normalized "알리바바는 중국의 전자상거래 기업입니다. 본사는 항저우에 있습니다.""#]],
    );
}

#[test]
fn windows_1252() {
    let bytes =
        encode(encoding_rs::WINDOWS_1252, "Le café était très animé, déjà plein à midi, où l'on parlait français.");
    check_bytes(
        &bytes,
        expect![[r#"
        windows-1252 fr [fr 1.00]
          fr 0..69 "Le café était très animé, déjà plein à m…"
          normalized "le café était très animé, déjà plein à m…""#]],
    );
}

#[test]
fn transcoded_spans_point_at_original_bytes() {
    let text = "阿里巴巴集团宣布 Make Alibaba Great Again 让阿里巴巴再次伟大。马云的内部信。";
    let bytes = encode(encoding_rs::GBK, text);
    let document = ingest("gbk.txt", &bytes, &IngestConfig::default()).unwrap();
    let english = document.spans.iter().find(|span| span.language.as_str() == "en").expect("an English span");
    assert_eq!(&bytes[english.start..english.end], b"Make Alibaba Great Again");
    for span in &document.spans {
        let (decoded, _) = encoding_rs::GBK.decode_without_bom_handling(&bytes[span.start..span.end]);
        assert!(!decoded.contains('\u{FFFD}'), "span {span:?} cuts a character");
    }
}

#[test]
fn invalid_utf8_is_replaced_with_a_warning() {
    let mut bytes = "张勇说：“阿里巴巴".as_bytes().to_vec();
    bytes.push(0xFF);
    bytes.extend_from_slice("再次伟大”。".as_bytes());
    check_bytes(
        &bytes,
        expect![[r#"
        UTF-8 zh-Hans [zh-Hans 1.00]
          zh-Hans 0..40 "张勇说：“阿里巴巴�再次伟大"
          warning at Some(27): invalid UTF-8 replaced at byte 27
          normalized "张勇说:\"阿里巴巴�再次伟大\".""#]],
    );
}

#[test]
fn many_invalid_utf8_bytes_give_bounded_warnings() {
    let mut bytes = Vec::new();
    for _ in 0..50 {
        bytes.extend_from_slice("阿里巴巴的使命是让天下没有难做的生意。".as_bytes());
        bytes.push(0xC0);
    }
    let document = ingest("broken.txt", &bytes, &IngestConfig::default()).unwrap();
    let messages: Vec<&str> = document.warnings.iter().map(|warning| warning.message.as_str()).collect();
    expect![[r#"
        [
            "invalid UTF-8 replaced at byte 57",
            "invalid UTF-8 replaced at byte 115",
            "invalid UTF-8 replaced at byte 173",
            "invalid UTF-8 replaced at byte 231",
            "invalid UTF-8 replaced at byte 289",
            "invalid UTF-8 replaced at byte 347",
            "invalid UTF-8 replaced at byte 405",
            "invalid UTF-8 replaced at byte 463",
            "invalid UTF-8 replaced 42 more times from byte 521 on",
        ]
    "#]]
    .assert_debug_eq(&messages);
}

#[test]
fn nul_bytes_are_binary() {
    check_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", expect!["error: binary file (NUL byte at offset 5)"]);
}

#[test]
fn control_characters_are_binary() {
    let bytes: Vec<u8> = (0..400u32).map(|i| (i * 37 % 255 + 1) as u8).collect();
    check_bytes(
        &bytes,
        expect![
            "error: binary file (50 of 400 characters undecodable or control characters as windows-1252, first at offset 0)"
        ],
    );
}

#[test]
fn over_the_size_limit_is_refused() {
    let config = IngestConfig { max_file_size: 10, ..IngestConfig::default() };
    check_with(b"hello world, this is long", &config, expect!["error: file is 25 bytes, over the limit of 10 bytes"]);
    assert_eq!(ingest("big.txt", &[b'a'; 11], &config).unwrap_err(), IngestError::TooLarge { size: 11, limit: 10 });
}

#[test]
fn original_range_maps_normalized_matches_back() {
    let text = "\u{FEFF}Ｍａｋｅ “Alibaba” Great\u{200B} Again";
    let document = ingest("quote.txt", text.as_bytes(), &IngestConfig::default()).unwrap();
    let needle = "\"alibaba\" great again";
    let start = document.normalized().text.find(needle).expect("normalized text holds the phrase");
    let original = document.original_range(start..start + needle.len());
    expect![[r#"
        "“Alibaba” Great\u{200b} Again"
    "#]]
    .assert_debug_eq(&std::str::from_utf8(&text.as_bytes()[original]).unwrap());
}

#[test]
fn ingest_is_safe_from_many_threads() {
    let texts = [
        "The company announced a complete reorganization of its online retail business.",
        "阿里巴巴十四日舉行了天貓雙十一復盤會，張勇在會上總結今年的亮點。",
        "Компания объявила о полной реорганизации своего бизнеса электронной торговли.",
    ];
    let languages: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let text = texts[i % texts.len()];
                scope.spawn(move || ingest("t.txt", text.as_bytes(), &IngestConfig::default()).unwrap().language.0)
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    });
    assert_eq!(languages, ["en", "zh-Hant", "ru", "en", "zh-Hant", "ru"]);
}

#[test]
fn stored_detection_rebuilds_the_same_document() {
    for prefix in ["000", "001", "002", "003", "004"] {
        let (bytes, document) = seed(prefix);
        // Through JSON, as a cache would store it.
        let stored: Detection = serde_json::from_str(&serde_json::to_string(&document.detection()).unwrap()).unwrap();
        assert_eq!(stored, document.detection());
        let rebuilt = ingest_with_detection(&document.path, &bytes, &IngestConfig::default(), stored).unwrap();
        assert_eq!(rebuilt.detection(), document.detection(), "{prefix}");
        assert_eq!(
            (&rebuilt.text, &rebuilt.normalized().text, &rebuilt.hash, rebuilt.encoding, &rebuilt.warnings),
            (&document.text, &document.normalized().text, &document.hash, document.encoding, &document.warnings),
            "{prefix}"
        );
        let found = document.normalized().text.len() / 2..document.normalized().text.len();
        assert_eq!(rebuilt.original_range(found.clone()), document.original_range(found), "{prefix}");
    }
}

#[test]
fn stored_detection_is_taken_as_given_and_clipped_to_the_bytes() {
    let text = "The company announced a complete reorganization of its online retail business.";
    let detection = Detection {
        language: dossier_ingest::LanguageTag("fr".to_owned()),
        languages: Vec::new(),
        spans: vec![LanguageSpan { start: 4, end: 1000, language: dossier_ingest::LanguageTag("fr".to_owned()) }],
    };
    let document = ingest_with_detection("t.txt", text.as_bytes(), &IngestConfig::default(), detection).unwrap();
    assert_eq!(document.language.as_str(), "fr");
    assert_eq!((document.spans[0].start, document.spans[0].end), (4, text.len()));
}
