//! Candidate names in alphabetic text: capitalized phrases that are not merely
//! sentence-initial (possessives stripped), acronyms, and numbers used as names.
//!
//! Works on the decoded text (capitals matter) and yields byte ranges of it.
//! Title-case lines such as headings and bullet labels are skipped: there every
//! word is capitalized, so capitals are no evidence.

use std::ops::Range;

use crate::{
    TermKind,
    candidates::{Evidence, Found},
    fold::is_word_char,
};

/// A word of alphabetic text.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Byte range in the text, possessive included.
    pub(crate) range: Range<usize>,
    /// Byte length of a trailing possessive ('s, ’s, or a bare ' after s), 0 if none.
    pub(crate) possessive: usize,
    /// Whether the word starts a sentence, a line or a clause after a colon.
    pub(crate) initial: bool,
    /// Whether the word is on a title-case line (see [`title_case_stretches`]),
    /// where a capital is as weak a sign as at a sentence's start.
    pub(crate) title_case: bool,
}

/// Capitalized words that are never names on their own and break a phrase
/// ("Ant Financial CEO Jing Xiandong" is two names).
const TITLES: &[&str] = &[
    "ceo",
    "cfo",
    "coo",
    "cto",
    "cro",
    "cio",
    "cmo",
    "chairman",
    "chairwoman",
    "president",
    "vice",
    "founder",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "professor",
    "deputy",
    "director",
    "general",
    "secretary",
    "minister",
    "chief",
    "capt",
    "captain",
    "gov",
    "governor",
    "sen",
    "senator",
    "lt",
    "col",
    "sgt",
    "rev",
];

/// Greetings that open a letter before a name: "Hey Vladi," and "Dear
/// Ms. Lynch" name Vladi and Ms. Lynch, not "Hey Vladi". Inside a sentence
/// the word is a name's ("invested in Hello Bike").
const GREETINGS: &[&str] = &["hey", "hi", "hello", "dear"];

/// Lower-case particles of names in several languages, joining two
/// capitalized words into one name ("Conservatoire de Paris").
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "do", "dos", "das", "di", "du", "del", "della", "der", "den", "van", "von", "bin", "ibn", "al", "el",
    "le", "la", "et",
];

/// Abbreviations that begin a place's name and keep their period inside it
/// ("St. Petersburg", "Mt. Fuji", "Ft. Worth"): the period ends no sentence.
const NAME_ABBREVIATIONS: &[&str] = &["st", "mt", "ft"];

/// Abbreviations whose period seldom ends a sentence, besides titles ("Mr.",
/// "Capt.") and [`NAME_ABBREVIATIONS`]: see [`is_abbreviation`]. A company's
/// "Inc." or "Co." often does end one, so they are not here.
const ABBREVIATIONS: &[&str] = &["jr", "sr", "vs", "gen", "rep", "jan", "feb", "aug", "sept", "oct", "nov", "dec"];

/// Words that start sentences and are not names.
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "you",
    "i",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "but",
    "and",
    "or",
    "so",
    "if",
    "when",
    "while",
    "after",
    "before",
    "since",
    "as",
    "for",
    "from",
    "with",
    "by",
    "to",
    "of",
    "in",
    "on",
    "at",
    "now",
    "then",
    "however",
    "although",
    "though",
    "many",
    "most",
    "some",
    "one",
    "two",
    "three",
    "there",
    "here",
    "what",
    "why",
    "how",
    "who",
    "which",
    "where",
    "let",
    "let's",
    "yes",
    "no",
    "not",
    "all",
    "each",
    "every",
    "both",
    "also",
    "even",
    "just",
    "only",
    "once",
    "over",
    "under",
    "until",
    "unlike",
    "like",
    "besides",
    "despite",
    "during",
    "because",
    "according",
    "other",
    "another",
    "such",
    "more",
    "less",
    "again",
    "soon",
    "later",
    "today",
    "yesterday",
    "tomorrow",
    "okay",
    "well",
    "about",
    "above",
    "into",
    "through",
    "moving",
    "having",
    "being",
    "is",
    "are",
    "was",
    "were",
    "do",
    "does",
    "did",
    "can",
    "could",
    "will",
    "would",
    "should",
    "may",
    "might",
    "must",
    "be",
    "have",
    "has",
    "had",
    "whether",
    "overall",
    "thus",
    "therefore",
    "meanwhile",
    "finally",
    "first",
    "second",
    "third",
    "last",
    "next",
    "please",
    "perhaps",
    "indeed",
    "apart",
    "additionally",
    "consequently",
    "nowadays",
    "back",
    "previously",
    "currently",
    "sometimes",
    "often",
    "still",
    "anyone",
    "everyone",
    "someone",
    "nobody",
    "everything",
    "nothing",
    "give",
    "said",
    "says",
    "think",
    "look",
    "go",
    "see",
    "put",
    "take",
    "make",
    "don't",
    "doesn't",
    "didn't",
    "can't",
    "won't",
    "isn't",
    "aren't",
    "wasn't",
    "our",
    "mine",
    "ours",
    "us",
    "them",
    "him",
    "me",
];

/// Words of four letters or more that a title keeps in lower case ("Books
/// that Speak for Themselves").
const TITLE_SMALL_WORDS: &[&str] = &["that", "with", "from", "into", "onto", "upon", "than", "over", "this", "your"];

/// Capitalized words that carry no name: calendar words and roman numerals.
const GENERIC_CAPITALIZED: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "ii",
    "iii",
    "iv",
    "vi",
    "vii",
    "viii",
    "ix",
    "xi",
    "xii",
    "ok",
    "okay",
    // Abbreviated calendar words ("Sept. 11").
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    // A company's legal form alone, after the comma of "Google, Inc.".
    "inc",
    "corp",
    "co",
    "ltd",
    "llc",
    "plc",
];

/// Adjectives of nationality, region and religion: "American troops",
/// "Iraqi officials", "a Chinese company" describe, they name nothing, and a
/// reader looks up the country, not the adjective. Only a bare one before a
/// lower-case word is dropped: "Chinese Academy" and "American Airlines"
/// keep theirs, and "Chinese" alone may be the language.
const NATIONALITY_ADJECTIVES: &[&str] = &[
    "afghan",
    "african",
    "albanian",
    "algerian",
    "american",
    "arab",
    "arabian",
    "argentine",
    "argentinian",
    "armenian",
    "asian",
    "australian",
    "austrian",
    "bangladeshi",
    "belgian",
    "brazilian",
    "british",
    "bulgarian",
    "burmese",
    "cambodian",
    "canadian",
    "chilean",
    "chinese",
    "colombian",
    "croatian",
    "cuban",
    "czech",
    "danish",
    "dutch",
    "egyptian",
    "english",
    "ethiopian",
    "european",
    "filipino",
    "finnish",
    "french",
    "georgian",
    "german",
    "greek",
    "hungarian",
    "indian",
    "indonesian",
    "iranian",
    "iraqi",
    "irish",
    "israeli",
    "italian",
    "japanese",
    "jordanian",
    "kenyan",
    "korean",
    "kurdish",
    "kuwaiti",
    "latin",
    "lebanese",
    "libyan",
    "malaysian",
    "mexican",
    "mongolian",
    "moroccan",
    "nepalese",
    "nigerian",
    "norwegian",
    "pakistani",
    "palestinian",
    "persian",
    "peruvian",
    "polish",
    "portuguese",
    "romanian",
    "russian",
    "saudi",
    "scottish",
    "serbian",
    "singaporean",
    "somali",
    "spanish",
    "sudanese",
    "swedish",
    "swiss",
    "syrian",
    "taiwanese",
    "thai",
    "tibetan",
    "turkish",
    "ukrainian",
    "venezuelan",
    "vietnamese",
    "welsh",
    "yemeni",
    "christian",
    "muslim",
    "islamic",
    "jewish",
    "buddhist",
    "hindu",
    "catholic",
    "protestant",
    "sunni",
    "shiite",
    "shia",
    "sikh",
    "mormon",
    "anglican",
    "lutheran",
    "western",
    "eastern",
    "northern",
    "southern",
];

/// Acronyms too generic to be terms of a corpus (job titles, units, everyday business words).
const GENERIC_ACRONYMS: &[&str] = &[
    "ceo", "cfo", "coo", "cto", "cro", "cio", "cmo", "hr", "pr", "it", "pc", "pcs", "qa", "ok", "ppt", "kpi", "kpis",
    "okr", "okrs", "roi", "gdp", "app", "apps", "vs", "am", "pm", "tv", "id", "faq", "ps", "nb", "etc", "ad", "ads",
    "vip", "diy", "usd", "rmb", "cny", "ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii", "phd", "mba", "bsc",
    "msc",
];

/// Last words that make a phrase an organization.
const ORGANIZATION_WORDS: &[&str] = &[
    "group",
    "company",
    "corporation",
    "corp",
    "inc",
    "ltd",
    "bank",
    "university",
    "insurance",
    "press",
    "holdings",
    "institute",
    "association",
    "committee",
    "foundation",
    "exchange",
    "capital",
    "ventures",
    "partners",
];

/// Lower-case words that, right after a name, show that it names a company.
const COMPANY_CONTEXT_WORDS: &[&str] = &[
    "employee",
    "employees",
    "staff",
    "shareholders",
    "investors",
    "shares",
    "stock",
    "subsidiary",
    "subsidiaries",
    "headquarters",
    "executives",
    "executive",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "customers",
];

/// Head words of institutions whose names go on with "of" ("Academy of
/// Sciences", "Bank of China"): alone, the head names nothing. Places are
/// left out: in "Gulf of Mexico" the text names Mexico on its own too.
const HEADS_BEFORE_OF: &[&str] = &[
    "academy",
    "association",
    "bank",
    "board",
    "bureau",
    "chamber",
    "college",
    "commission",
    "committee",
    "conservatory",
    "council",
    "department",
    "federation",
    "institute",
    "ministry",
    "museum",
    "school",
    "society",
    "university",
];

/// Words after a number that show it is a quantity, not a name.
const UNIT_WORDS: &[&str] = &[
    "years",
    "year",
    "million",
    "billion",
    "trillion",
    "percent",
    "people",
    "employees",
    "days",
    "day",
    "hours",
    "months",
    "times",
    "yuan",
    "dollars",
    "members",
    "users",
    "members",
    "cities",
    "units",
    "items",
];

/// Splits alphabetic text into words with byte ranges. Han and other
/// non-alphabetic characters separate words.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_word_char(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            if is_word_char(c) {
                end = i + c.len_utf8();
                chars.next();
            } else if matches!(c, '.' | '-' | '\'' | '’' | '+' | '&')
                && text[i + c.len_utf8()..].chars().next().is_some_and(is_word_char)
            {
                chars.next();
            } else {
                break;
            }
        }
        let word = &text[start..end];
        let possessive = ["'s", "’s", "'S", "’S"].iter().find(|p| word.ends_with(*p)).map_or(0, |p| p.len());
        tokens.push(Token { range: start..end, possessive, initial: is_initial(text, start), title_case: false });
    }
    tokens
}

/// Whether a word starts a sentence: after sentence punctuation, a line
/// start, or an opening quote or bracket (quoted speech starts with a capital).
fn is_initial(text: &str, start: usize) -> bool {
    for (i, c) in text[..start].char_indices().rev() {
        match c {
            ' ' | '\t' | '-' | '—' | '–' | '*' | '#' | '>' | '•' => {}
            // "Mt. Fuji", "Charles J. Fillmore": the period of an
            // abbreviation or of an initial ends no sentence.
            '.' if is_abbreviation(word_before(text, i)) => return false,
            '\n' | '\r' | '.' | '!' | '?' | ':' | ';' | '。' | '！' | '？' | '：' | '；' | '…' => return true,
            // A straight quote after a word or punctuation closes a quote
            // ("…," Griffin said): what stands before it decides.
            '"' | '\'' if text[..i].chars().next_back().is_some_and(|c| !c.is_whitespace() && !"([{".contains(c)) => {}
            '"' | '“' | '‘' | '\'' | '(' | '[' | '「' | '（' => return true,
            _ => return false,
        }
    }
    true
}

/// The word of letters that ends at byte `end` of `text`.
fn word_before(text: &str, end: usize) -> &str {
    let start = text[..end]
        .rfind(|c: char| !c.is_alphabetic())
        .map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
    &text[start..end]
}

/// Whether `word`, followed by a period, is an abbreviation or an initial
/// (one capital letter), whose period ends no sentence.
fn is_abbreviation(word: &str) -> bool {
    let mut chars = word.chars();
    let initial = chars.next().is_some_and(char::is_uppercase) && chars.next().is_none();
    initial || lower_in(word, TITLES) || lower_in(word, NAME_ABBREVIATIONS) || lower_in(word, ABBREVIATIONS)
}

/// Whether `word` is a title before a name ("President", "Dr", "Capt").
pub(crate) fn is_title(word: &str) -> bool {
    lower_in(word.trim_end_matches('.'), TITLES)
}

/// Whether `word` is an adjective of nationality, region or religion
/// ("American", "Shiite"), which names nothing before a lower-case word.
/// Whether a word is a calendar word or a roman numeral ([`GENERIC_CAPITALIZED`]):
/// capitalized, and no name.
pub(crate) fn is_generic_capitalized(word: &str) -> bool {
    lower_in(word, GENERIC_CAPITALIZED)
}

pub(crate) fn is_nationality_adjective_word(word: &str) -> bool {
    lower_in(word, NATIONALITY_ADJECTIVES)
}

/// Byte ranges of URLs: their words are not names.
pub(crate) fn url_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    // E-mail addresses: the words around an @ ("Vangie.McGilloway@powersrc.com").
    let address_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+');
    for (at, _) in text.match_indices('@') {
        let start = text[..at]
            .rfind(|c: char| !address_char(c))
            .map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
        let end = text[at + 1..].find(|c: char| !address_char(c)).map_or(text.len(), |i| at + 1 + i);
        if start < at && end > at + 1 {
            ranges.push(start..end);
        }
    }
    for scheme in ["http://", "https://"] {
        for (start, _) in text.match_indices(scheme) {
            let length = text[start..].find(|c: char| c.is_whitespace() || matches!(c, ')' | ']' | '"' | '>' | '）'));
            ranges.push(start..start + length.unwrap_or(text.len() - start));
        }
    }
    ranges
}

/// Whether a word starts with a capital and goes on in lower case ("Taobao", "WeChat").
fn is_capitalized(word: &str) -> bool {
    let mut chars = word.chars();
    let first = chars.next();
    if first.is_some_and(char::is_uppercase) {
        return chars.any(char::is_lowercase);
    }
    // "iPhone", "eBay": one lower-case letter before a capital is a brand's
    // spelling; "al-Sadr", "el-Sisi": an Arabic article before a name.
    let rest = chars.as_str();
    let camel = first.is_some_and(|c| c.is_ascii_lowercase())
        && rest.starts_with(|c: char| c.is_ascii_uppercase())
        && rest.chars().skip(1).any(char::is_lowercase);
    let article = ["al-", "el-"].iter().any(|a| {
        word.strip_prefix(a)
            .is_some_and(|name| name.starts_with(char::is_uppercase) && name.chars().any(char::is_lowercase))
    });
    camel || article
}

/// Whether a word is an acronym: 2 to 6 capitals, digits allowed, a plural s
/// tolerated ("KPIs"); 7 or 8 capitals when they spell no everyday English
/// word ("GNOFHAC", not "AMAZING", which is shouted).
fn is_acronym(word: &str) -> bool {
    let core = word.strip_suffix('s').filter(|c| c.chars().count() >= 2).unwrap_or(word);
    let upper = core.chars().filter(char::is_ascii_uppercase).count();
    let length = core.chars().count();
    let long_spells_no_word =
        || length <= 6 || !crate::dictionary::dictionary().is_english_word(&core.to_ascii_lowercase());
    (2..=8).contains(&length)
        && upper >= 2
        && core.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && long_spells_no_word()
        || (2..=4).contains(&core.chars().count())
            && upper >= 1
            && core.chars().any(|c| c.is_ascii_digit())
            && core.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// An acronym written with periods ("U.S.", "U.K."): its range, final period
/// included when the text has it (a sentence may end on it: it stays the name's).
fn dotted_acronym(text: &str, token: &Token) -> Option<Range<usize>> {
    let word = &text[token.range.clone()];
    let mut letters = 0;
    for (i, c) in word.chars().enumerate() {
        let expected_letter = i % 2 == 0;
        if expected_letter && c.is_ascii_uppercase() {
            letters += 1;
        } else if expected_letter || c != '.' {
            return None;
        }
    }
    if letters < 2 || word.len().is_multiple_of(2) {
        return None;
    }
    let end = token.range.end + usize::from(text[token.range.end..].starts_with('.'));
    Some(token.range.start..end)
}

fn lower_in(word: &str, list: &[&str]) -> bool {
    let lower = word.to_lowercase().replace('’', "'");
    list.contains(&lower.as_str())
}

/// Byte ranges of title-case stretches: a line, or a line's label before a colon,
/// in which every word of four letters or more is capitalized.
fn title_case_stretches(text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let mut stretches = Vec::new();
    let mut line_start = 0;
    let mut first_token = 0;
    for line in text.split_inclusive('\n') {
        let line_end = line_start + line.len();
        let label_end = line.find(':').map_or(line_end, |i| line_start + i);
        let line_tokens = tokens[first_token..].iter().take_while(|t| t.range.start < line_end).count();
        let words = &tokens[first_token..first_token + line_tokens];
        first_token += line_tokens;
        // In Han text, English words are names and quotes among words that
        // have no capitals: only a small word in lower case shows that they
        // are not a title ("Beginning with Under Armour, Ending with Nike").
        let han_line = line.chars().any(crate::fold::is_han);
        for segment in [line_start..label_end, line_start..line_end] {
            let long: Vec<&str> = words
                .iter()
                .filter(|t| segment.contains(&t.range.start))
                .map(|t| &text[t.range.clone()])
                .filter(|w| w.chars().count() >= 4 && w.chars().next().is_some_and(char::is_alphabetic))
                // Titles keep their small words in lower case ("Books that Speak").
                .filter(|w| han_line || !TITLE_SMALL_WORDS.contains(w))
                .collect();
            if long.len() >= 2 && long.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase)) {
                stretches.push(segment);
                break;
            }
        }
        line_start = line_end;
    }
    stretches
}

/// Finds capitalized phrases, acronyms and numbers used as names.
pub(crate) fn extract(text: &str) -> Vec<Found> {
    let mut tokens = tokens(text);
    // On a title-case line (a heading, or a name alone on its line: a
    // letter's signature) every word has its capital, so its phrases count as
    // no more than a sentence's first words.
    let title_case = title_case_stretches(text, &tokens);
    let mut stretches = title_case.iter().peekable();
    for token in &mut tokens {
        while stretches.peek().is_some_and(|s| s.end <= token.range.start) {
            stretches.next();
        }
        token.title_case = stretches.peek().is_some_and(|s| s.contains(&token.range.start));
    }
    let tokens = tokens;
    let mut skipped = url_ranges(text);
    skipped.sort_by_key(|r| r.start);
    // Tokens come in order: walk the skipped stretches along with them.
    let mut next_skipped = 0;
    let mut in_skipped = |t: &Token| {
        while next_skipped < skipped.len() && skipped[next_skipped].end <= t.range.start {
            next_skipped += 1;
        }
        skipped[next_skipped..].iter().take_while(|s| s.start <= t.range.start).any(|s| s.contains(&t.range.start))
    };
    let mut found = Vec::new();
    let mut phrase: Vec<&Token> = Vec::new();
    // `next` is the token after the phrase, if any.
    let flush = |phrase: &mut Vec<&Token>, found: &mut Vec<Found>, next: Option<&Token>| {
        if !is_nationality_adjective(text, phrase, next) && !is_counted(text, phrase) {
            phrase_names(text, phrase, found, next);
        }
        phrase.clear();
    };
    for (i, token) in tokens.iter().enumerate() {
        let word = &text[token.range.start..token.range.end - token.possessive];
        let joins_previous = phrase.last().is_some_and(|p| {
            let gap = &text[p.range.end..token.range.start];
            let abbreviated = gap == ". " && {
                let previous = &text[p.range.clone()];
                lower_in(previous, NAME_ABBREVIATIONS) || previous.chars().count() == 1 || previous.contains('.')
            };
            // A lower-case particle inside a name: "Conservatoire de Paris",
            // "Lula da Silva", "Ludwig van Beethoven".
            let particle =
                gap.strip_prefix(' ').and_then(|g| g.strip_suffix(' ')).is_some_and(|g| NAME_PARTICLES.contains(&g));
            p.possessive == 0 && (matches!(gap, " " | " & " | " of ") || abbreviated || particle) && !token.initial
        });
        if !joins_previous {
            flush(&mut phrase, &mut found, Some(token));
        }
        if in_skipped(token) {
            continue;
        }
        // "I'm", "I've", "I'd": the pronoun, not a name.
        if word.starts_with("I'") || word.starts_with("I’") {
            flush(&mut phrase, &mut found, Some(token));
            continue;
        }
        // "P.S.", "Ph.D": abbreviations of everyday words, written with periods.
        let letters: String = word.chars().filter(char::is_ascii_alphabetic).collect();
        if word.contains('.') && lower_in(&letters, GENERIC_ACRONYMS) {
            flush(&mut phrase, &mut found, Some(token));
            continue;
        }
        if let Some(dotted) = dotted_acronym(text, token) {
            // "Washington D.C.": a dotted acronym right after a name ends it
            // (the acronym is a name of its own as well).
            if joins_previous && !phrase.is_empty() && dotted.end > token.range.end {
                let previous = phrase.clone();
                phrase.push(token);
                if let Some(mut whole) = phrase_to_found(text, &phrase) {
                    whole.range.end = dotted.end;
                    found.push(whole);
                }
                phrase = previous;
            }
            flush(&mut phrase, &mut found, Some(token));
            found.push(Found { range: dotted.clone(), kind: TermKind::Unknown, evidence: Evidence::Acronym });
            // "U.S. Navy": the acronym starts a name that goes on.
            let goes_on = tokens.get(i + 1).is_some_and(|next| {
                text.get(dotted.end..next.range.start) == Some(" ") && is_capitalized(&text[next.range.clone()])
            });
            if goes_on && dotted.end > token.range.end {
                phrase.push(token);
            }
            continue;
        }
        // Among other words in capitals ("YOU MUST SEE HER", a line in
        // capitals), a word in capitals is shouted, not an acronym, when it is
        // an everyday English word.
        let all_caps = |t: &Token| {
            let w = &text[t.range.clone()];
            w.len() >= 2 && w.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())
        };
        let beside_capitals =
            [i.checked_sub(1), Some(i + 1)].into_iter().flatten().filter_map(|j| tokens.get(j)).any(|t| {
                let gap = if t.range.start < token.range.start {
                    t.range.end..token.range.start
                } else {
                    token.range.end..t.range.start
                };
                all_caps(t) && text[gap].trim().is_empty()
            });
        let shouted = (token.title_case || beside_capitals)
            && all_caps(token)
            && crate::dictionary::dictionary().is_english_word(&word.to_lowercase());
        let acronym = is_acronym(word) && !shouted;
        // "Prime Minister": a title of two words.
        let prime_minister = word.eq_ignore_ascii_case("prime")
            && tokens.get(i + 1).is_some_and(|next| {
                text[token.range.end..next.range.start] == *" "
                    && text[next.range.start..next.range.end - next.possessive].eq_ignore_ascii_case("minister")
            });
        if acronym && lower_in(word, GENERIC_ACRONYMS) || lower_in(word, TITLES) || prime_minister {
            flush(&mut phrase, &mut found, Some(token));
            if let Some(office) = office_named_by_title(text, &tokens, i) {
                found.push(office);
            }
            continue;
        }
        // One capital and a period before a capitalized word is an initial
        // of a name ("Charles J. Fillmore", "A. Noel Kramer").
        let initial_letter = word.len() == 1
            && word.starts_with(|c: char| c.is_ascii_uppercase())
            && text[token.range.end..].starts_with(". ")
            && tokens.get(i + 1).is_some_and(|next| is_capitalized(&text[next.range.clone()]));
        if initial_letter {
            phrase.push(token);
            continue;
        }
        // One capital after a name ends it: "Group G", "Plan B", "Vitamin D"
        // ("I" is the pronoun, "A" mostly the article of a title).
        let letter_ending_name = word.len() == 1
            && word.starts_with(|c: char| c.is_ascii_uppercase())
            && !matches!(word, "I" | "A")
            && joins_previous
            && !phrase.is_empty();
        if letter_ending_name {
            phrase.push(token);
            continue;
        }
        if is_capitalized(word) || acronym {
            if phrase.is_empty()
                && !acronym
                && (lower_in(word, FUNCTION_WORDS) || token.initial && lower_in(word, GREETINGS))
            {
                continue;
            }
            phrase.push(token);
            continue;
        }
        // "of" inside a name ("Chinese Academy of Sciences"): after the head
        // word of an institution, before a capitalized word. "Tim Cook of
        // Apple" is two names.
        // A name particle between two capitalized words ("Lula da Silva")
        // likewise.
        let of_inside_name = (word == "of" || NAME_PARTICLES.contains(&word))
            && phrase.last().is_some_and(|p| {
                p.possessive == 0
                    && text[p.range.end..token.range.start] == *" "
                    && (word != "of" || lower_in(&text[p.range.clone()], HEADS_BEFORE_OF))
            })
            && tokens.get(i + 1).is_some_and(|next| {
                text[token.range.end..next.range.start] == *" " && is_capitalized(&text[next.range.clone()])
            });
        if of_inside_name {
            continue;
        }
        flush(&mut phrase, &mut found, Some(token));
        if let Some(f) = number_to_found(text, &tokens, i) {
            found.push(f);
        } else if is_lower_case_name(word) {
            found.push(Found { range: token.range.clone(), kind: TermKind::Unknown, evidence: Evidence::Lexicon });
        }
    }
    flush(&mut phrase, &mut found, None);
    found
}

/// Whether a lower-case word is a name of one word whose gloss says what it
/// names ("in punjab", "in kerala" of a hasty web post) and no
/// everyday English word ("china", "turkey") nor an adjective of
/// nationality ("thai food"). Such a word is a name when the corpus uses it
/// twice ([`Evidence::Lexicon`]).
fn is_lower_case_name(word: &str) -> bool {
    (4..=16).contains(&word.len())
        && word.bytes().all(|b| b.is_ascii_lowercase())
        && crate::dictionary::dictionary().is_described_one_word_name(word)
        && !crate::dictionary::dictionary().is_english_word(word)
        && !is_nationality_adjective_word(word)
}

/// A title standing for the one who holds it: "the President", "The
/// Governor" inside a sentence, with no name after it ("the President later
/// took action"; not "the President of France" nor "President Trump"). The
/// office is named, as the text names it; an abbreviation ("the Gov") or an
/// acronym ("the CEO") is left alone.
fn office_named_by_title(text: &str, tokens: &[Token], i: usize) -> Option<Found> {
    let token = &tokens[i];
    let word = &text[token.range.start..token.range.end - token.possessive];
    let spelled_out = word.len() >= 5 && word.starts_with(|c: char| c.is_ascii_uppercase()) && is_capitalized(word);
    let after_the = text[..token.range.start]
        .strip_suffix(' ')
        .is_some_and(|before| word_before(before, before.len()).eq_ignore_ascii_case("the"));
    let name_follows = token.possessive == 0
        && tokens.get(i + 1).is_some_and(|next| {
            let gap = &text[token.range.end..next.range.start];
            let next_word = &text[next.range.clone()];
            gap == " " && (is_capitalized(next_word) || is_acronym(next_word) || next_word == "of")
                || gap == ", " && is_capitalized(next_word)
        });
    (spelled_out && after_the && !name_follows && !token.initial && !token.title_case).then(|| Found {
        range: token.range.start..token.range.end - token.possessive,
        kind: TermKind::Unknown,
        evidence: Evidence::Capitalized,
    })
}

/// Whether `phrase` is one adjective of nationality ([`NATIONALITY_ADJECTIVES`])
/// followed by a lower-case word: "Iraqi officials".
fn is_nationality_adjective(text: &str, phrase: &[&Token], next: Option<&Token>) -> bool {
    let (Some(last), Some(_)) = (phrase.last(), next) else { return false };
    let followed_by_lower_case_word = describes_what_follows(&text[last.range.end..]);
    // "Sunni Arab regions": adjectives all, before the noun they describe.
    last.possessive == 0
        && followed_by_lower_case_word
        && phrase.windows(2).all(|pair| text[pair[0].range.end..pair[1].range.start] == *" ")
        && phrase.iter().all(|token| lower_in(&text[token.range.clone()], NATIONALITY_ADJECTIVES))
}

/// Whether `phrase` is one everyday word in the plural after a number: a
/// unit counted ("5 Euros", "100,000 Newsgroups"), in capitals by habit. A
/// numbered thing may be a name ("District 8", "Explorer 6 Countdown").
fn is_counted(text: &str, phrase: &[&Token]) -> bool {
    let [only] = phrase else { return false };
    let after_number =
        text[..only.range.start].strip_suffix(' ').is_some_and(|before| before.ends_with(|c: char| c.is_ascii_digit()));
    let word = &text[only.range.clone()];
    after_number
        && only.possessive == 0
        && word.ends_with('s')
        && crate::dictionary::dictionary().is_english_word(&word.to_lowercase())
}

/// Whether an adjective of nationality followed by `after` describes a noun
/// there: one space, then a lower-case word that is no function word ("Iraqi
/// officials"; not "in Danish in two papers", "speaks French and German").
pub(crate) fn describes_what_follows(after: &str) -> bool {
    let Some(rest) = after.strip_prefix(' ') else { return false };
    let word: &str = rest.split(|c: char| !c.is_alphabetic() && c != '\'').next().unwrap_or_default();
    // "Sunni Arab and Shiite insurgencies": adjectives joined, then the noun.
    if matches!(word, "and" | "or") {
        let rest = &rest[word.len()..];
        let next = rest.strip_prefix(' ').unwrap_or_default();
        let adjective: &str = next.split(|c: char| !c.is_alphabetic()).next().unwrap_or_default();
        return lower_in(adjective, NATIONALITY_ADJECTIVES)
            && adjective.starts_with(char::is_uppercase)
            && describes_what_follows(&next[adjective.len()..]);
    }
    word.chars().next().is_some_and(char::is_lowercase) && !lower_in(word, FUNCTION_WORDS)
}

/// The names of a phrase: the phrase, and the name after its last "of"
/// ("Mexico" in "Gulf of Mexico"), which the text also uses on its own.
fn phrase_names(text: &str, phrase: &[&Token], found: &mut Vec<Found>, next: Option<&Token>) {
    let Some(mut whole) = phrase_to_found(text, phrase) else { return };
    // "Gaode employees", "Ant shareholders": what follows the name tells a
    // company, whatever its syllables suggest.
    let followed_by_company_word = next.is_some_and(|next| {
        phrase.last().is_some_and(|last| last.possessive == 0 && text[last.range.end..next.range.start] == *" ")
            && lower_in(&text[next.range.clone()], COMPANY_CONTEXT_WORDS)
    });
    if followed_by_company_word {
        whole.kind = TermKind::Organization;
    }
    let of = phrase.windows(2).rposition(|pair| &text[pair[0].range.end..pair[1].range.start] == " of ");
    found.push(whole);
    // "NASA T-shirt", "BBC Breaking News": the acronym heading the phrase is
    // a name of its own.
    if phrase.len() > 1
        && phrase[0].possessive == 0
        && is_acronym(&text[phrase[0].range.clone()])
        && let Some(acronym) = phrase_to_found(text, &phrase[..1])
    {
        found.push(acronym);
        // "BBC Breaking News Alert": what follows, of two words or more, is one too.
        if phrase.len() > 2
            && let Some(rest) = phrase_to_found(text, &phrase[1..])
        {
            found.push(rest);
        }
    }
    // "Linguistic Society of America": the institution's name before "of",
    // in two words, is its short name ("the Linguistic Society"); one word
    // ("University" of "University of Paris") or a country's department
    // ("U.S. Department") names no one institution.
    let first_of = phrase.windows(2).position(|pair| &text[pair[0].range.end..pair[1].range.start] == " of ");
    if let Some(1) = first_of
        && let [modifier, head, ..] = phrase
        && modifier.possessive == 0
        && is_capitalized(&text[modifier.range.clone()])
        && lower_in(&text[head.range.clone()], HEADS_BEFORE_OF)
        && let Some(short) = phrase_to_found(text, &phrase[..2])
    {
        found.push(short);
    }
    if let Some(of) = of
        && let Some(mut tail) = phrase_to_found(text, &phrase[of + 1..])
    {
        if tail.evidence == Evidence::SentenceInitial {
            tail.evidence = Evidence::Capitalized;
        }
        found.push(tail);
    }
}

fn phrase_to_found(text: &str, phrase: &[&Token]) -> Option<Found> {
    let (first, last) = (phrase.first()?, phrase.last()?);
    let range = first.range.start..last.range.end - last.possessive;
    let words: Vec<&str> = text[range.clone()].split(' ').collect();
    if words.len() == 1 && lower_in(words[0], GENERIC_CAPITALIZED) {
        return None;
    }
    if words.len() > 6 {
        return None;
    }
    // A sentence that starts in capitals on an everyday word ("WOW what
    // views") is shouted: as weak as any sentence's first word.
    let shouted_start = first.initial && crate::dictionary::dictionary().is_english_word(&words[0].to_lowercase());
    let (kind, evidence) = if words.len() == 1 && is_acronym(words[0]) && !shouted_start {
        (TermKind::Concept, Evidence::Acronym)
    } else if first.initial || first.title_case {
        (TermKind::Unknown, Evidence::SentenceInitial)
    } else {
        (TermKind::Unknown, Evidence::Capitalized)
    };
    let kind = if words.len() > 1 && lower_in(words[words.len() - 1], ORGANIZATION_WORDS) {
        TermKind::Organization
    } else if crate::romanize::is_pinyin_person_name(&text[range.clone()]) {
        TermKind::Person
    } else {
        kind
    };
    // A plural acronym ("KPIs") names the acronym.
    let range =
        if evidence == Evidence::Acronym && words[0].ends_with('s') { range.start..range.end - 1 } else { range };
    Some(Found { range, kind, evidence })
}

/// A number used as a name: "1+6+N", or three digits that are not a year,
/// an amount or a quantity ("working 996", "preparing for 618").
fn number_to_found(text: &str, tokens: &[Token], i: usize) -> Option<Found> {
    let token = &tokens[i];
    let word = &text[token.range.clone()];
    if word.contains('+') && word.chars().any(|c| c.is_ascii_digit()) {
        return Some(Found { range: token.range.clone(), kind: TermKind::Concept, evidence: Evidence::Coinage });
    }
    let digits = word.strip_suffix('s').unwrap_or(word);
    if digits.len() != 3 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let before = text[..token.range.start].chars().next_back();
    if before.is_some_and(|c| matches!(c, '$' | '¥' | '€' | '£' | '.' | ',' | '/' | '-')) {
        return None;
    }
    let after = &text[token.range.end..];
    if after.starts_with(['%', '.', ',']) && after[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
        || after.starts_with('%')
    {
        return None;
    }
    if let Some(next) = tokens.get(i + 1)
        && text[token.range.end..next.range.start].trim().is_empty()
        && (lower_in(&text[next.range.clone()], UNIT_WORDS)
            || text[next.range.clone()].chars().next().is_some_and(|c| c.is_ascii_digit()))
    {
        return None;
    }
    Some(Found {
        range: token.range.start..token.range.start + digits.len(),
        kind: TermKind::Concept,
        evidence: Evidence::Number,
    })
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    fn check(text: &str, expect: Expect) {
        let found: Vec<String> =
            extract(text).iter().map(|f| format!("{} {:?} {:?}", &text[f.range.clone()], f.kind, f.evidence)).collect();
        expect.assert_debug_eq(&found);
    }

    #[test]
    fn phrases_possessives_and_titles() {
        check(
            "Ant Financial Chairman Peng Lei met them. Later, Jack Ma's vision grew in Hangzhou; the Alibaba Group CEO spoke \
             to Gaode employees.",
            expect![[r#"
                [
                    "Ant Financial Unknown SentenceInitial",
                    "Peng Lei Person Capitalized",
                    "Jack Ma Unknown Capitalized",
                    "Hangzhou Unknown Capitalized",
                    "Alibaba Group Organization Capitalized",
                    "Gaode Organization Capitalized",
                ]
            "#]],
        );
    }

    #[test]
    fn a_title_alone_names_the_office_and_an_institution_its_short_name() {
        check(
            "The President later took action; President Trump and the President of France met the Director, \
             then the Gov and the CEO. He joined the Linguistic Society of America and the University of Paris.",
            expect![[r#"
                [
                    "President Unknown Capitalized",
                    "Trump Unknown Capitalized",
                    "France Unknown Capitalized",
                    "Director Unknown Capitalized",
                    "Linguistic Society of America Unknown Capitalized",
                    "Linguistic Society Unknown Capitalized",
                    "America Unknown Capitalized",
                    "University of Paris Unknown Capitalized",
                    "Paris Unknown Capitalized",
                ]
            "#]],
        );
    }

    #[test]
    fn lower_case_names_the_dictionary_describes() {
        check(
            "birds in punjab and kerala, thai food in china, cubism in chihuahua",
            expect![[r#"
                [
                    "punjab Unknown Lexicon",
                    "kerala Unknown Lexicon",
                ]
            "#]],
        );
    }

    #[test]
    fn acronyms_and_numbers() {
        check(
            "Before that, AIDC had KPIs and GMV; everyone worked 996 for 102 years, and 618 came, then 1+6+N.",
            expect![[r#"
                [
                    "AIDC Concept Acronym",
                    "GMV Concept Acronym",
                    "996 Concept Number",
                    "618 Concept Number",
                    "1+6+N Concept Coinage",
                ]
            "#]],
        );
    }

    #[test]
    fn a_greeting_is_no_part_of_the_name_it_greets() {
        check(
            "Hey Vladi, see you. Dear Mary Smith, we invested in Hello Bike.",
            expect![[r#"
                [
                    "Vladi Unknown Capitalized",
                    "Mary Smith Unknown Capitalized",
                    "Hello Bike Unknown Capitalized",
                ]
            "#]],
        );
    }

    #[test]
    fn one_capital_ends_a_name() {
        check(
            "In the first game of Group G, Belgium won. Then I saw Plan B fail.",
            expect![[r#"
            [
                "Group G Unknown Capitalized",
                "Belgium Unknown Capitalized",
                "Plan B Unknown Capitalized",
            ]
        "#]],
        );
    }

    #[test]
    fn long_acronyms_that_spell_no_word() {
        check(
            "The center (GNOFHAC) said it was AMAZING.",
            expect![[r#"
            [
                "GNOFHAC Concept Acronym",
            ]
        "#]],
        );
    }

    #[test]
    fn nationality_adjectives_before_a_noun_are_no_names() {
        check(
            "Iraqi officials met American troops near the Chinese embassy. He flew American Airlines to the \
             Chinese Academy of Sciences and speaks Chinese; Jack Ma of Alibaba did not, nor did Lula da Silva. \
             Sunni Arab and Shiite insurgencies; papers in Danish and French.",
            expect![[r#"
                [
                    "American Airlines Unknown Capitalized",
                    "Chinese Academy of Sciences Unknown Capitalized",
                    "Chinese Academy Unknown Capitalized",
                    "Sciences Unknown Capitalized",
                    "Chinese Unknown Capitalized",
                    "Jack Ma Unknown SentenceInitial",
                    "Alibaba Unknown Capitalized",
                    "Lula da Silva Unknown Capitalized",
                    "Danish Unknown Capitalized",
                    "French Unknown Capitalized",
                ]
            "#]],
        );
    }

    #[test]
    fn everyday_abbreviations_titles_and_addresses_are_no_names() {
        check(
            "Google, Inc. met Prime Minister Boris Johnson on Sept. 11 in Washington D.C. after the \"Enron,\" Griffin said. \
             P.S. Please write to Vangie.McGilloway@powersrc.com about Jules et Jim in Sunni Arab regions and his Ph.D thesis \
             (Section 7, 5 Euros).",
            expect![[r#"
                [
                    "Google Unknown SentenceInitial",
                    "Boris Johnson Unknown Capitalized",
                    "Washington D.C. Unknown Capitalized",
                    "Washington Unknown Capitalized",
                    "D.C. Unknown Acronym",
                    "Enron Unknown SentenceInitial",
                    "Griffin Unknown Capitalized",
                    "Jules et Jim Unknown Capitalized",
                    "Section Unknown SentenceInitial",
                ]
            "#]],
        );
    }

    #[test]
    fn title_case_lines_are_weak_evidence_like_sentence_starts() {
        check(
            "II. Signs of Fatigue#\n- Jack Ma's Vision: the vision of Jack Ma.\n",
            expect![[r#"
                [
                    "Signs Unknown SentenceInitial",
                    "Fatigue Unknown SentenceInitial",
                    "Jack Ma Unknown SentenceInitial",
                    "Vision Unknown SentenceInitial",
                    "Jack Ma Unknown Capitalized",
                ]
            "#]],
        );
    }
}
