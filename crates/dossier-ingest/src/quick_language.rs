//! A cheap first pass of language detection for alphabetic text.
//!
//! `lingua` in high accuracy mode costs about a millisecond per sample, which
//! caps ingestion near 1 MB/s if every stretch of text asks it. Most text does
//! not need it: a sample of English prose is a third function words ("the",
//! "and", "of"), and for the languages without a word table here `whatlang`'s
//! trigram profiles (microseconds per sample) are reliable on a sentence or
//! more. This pass says [`QuickVerdict::Sure`] only when that evidence is
//! clear; everything else goes to `lingua`, as before.
//!
//! Function words also fix a known weakness of the trigram models on text
//! dense with proper names: "Alibaba and Ant Group moved their offices to
//! Hangzhou." is Tagalog to `lingua`, but "and", "their" and "to" are English.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use lingua::Language;

/// The most frequent function words of the common languages of the corpus
/// (articles, pronouns, prepositions, conjunctions, auxiliaries), lower case.
/// Words shared by several languages ("de", "in", "a") count for each; the
/// decision needs a clear lead, so they only add where nothing disagrees.
/// English also lists the frequent English words that are function words
/// elsewhere ("met", "over" are Dutch), so that they are shared rather than
/// evidence against English: "Xi Jinping met Donald Trump in Beijing." has
/// only "met" and "in" in lower case.
const FUNCTION_WORDS: &[(Language, &str)] = &[
    (
        Language::English,
        "the a of and to in is that for it was on with as he his by at from are this be or an which \
         have not but were had they has its their been who will would we can also more there one all \
         than other into these about after when she her our you them what only some new two \
         met over",
    ),
    (
        Language::French,
        "le la les de des du un une et est en que qui dans pour pas sur au aux par plus ce cette ses \
         son sa il elle ils sont avec ne se qu l d été mais ou nous vous leur leurs être fait comme \
         tout bien aussi très",
    ),
    (
        Language::German,
        "der die das und ist nicht ein eine einen einem einer den dem des zu mit sich auf für von im in \
         auch es sie wir ich er hat sind wird wurde werden war noch nach bei aus wie oder aber nur um \
         über dass vom zum zur seiner seine ihre ihr kein keine",
    ),
    (
        Language::Spanish,
        "el la los las de del que y en un una por con para es se no su al lo como más pero sus le ya \
         fue este ha muy también entre cuando sin sobre ser son dos hay desde está están todo nos \
         durante uno les ni otros esta eso ellos yo a",
    ),
    (
        Language::Portuguese,
        "o a os as de do da dos das que e em um uma para com não por mais no na nos nas se ao como mas \
         foi ele ela seu sua ou ser quando muito há já está eu também pelo pela até isso entre era \
         depois sem mesmo aos ter seus quem esse eles essa num nem suas às",
    ),
    (
        Language::Italian,
        "il lo la i gli le di del della dei delle che e è un una per con non si in da al alla nel \
         nella sono ha come più ma anche questo questa su sul essere stato stata dopo loro tra fra ci \
         suo sua",
    ),
    (
        Language::Dutch,
        "de het een en van is dat in op te met voor niet zijn er aan ook als bij door om maar nog \
         wordt werd worden naar uit dit die deze was hij zij ze wij we ik kan heeft hebben tot over \
         of geen",
    ),
];

/// The languages of [`FUNCTION_WORDS`], by bit position.
fn languages_with_function_words() -> impl Iterator<Item = Language> {
    FUNCTION_WORDS.iter().map(|(language, _)| *language)
}

/// No function word is longer than this many bytes; longer words are not
/// looked up.
const MAX_FUNCTION_WORD_BYTES: usize = 8;

/// FNV-1a: the keys are a few hundred short words fixed at build time, so
/// SipHash's protection against chosen keys buys nothing and costs more
/// than the lookup itself.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// Keyed by bytes, so that words lowercased on the stack need no UTF-8 check.
type WordTable = HashMap<&'static [u8], u8, BuildHasherDefault<WordHasher>>;

/// Every function word with the set of languages (bits, in the order of
/// [`FUNCTION_WORDS`]) it belongs to.
fn function_words() -> &'static WordTable {
    static WORDS: OnceLock<WordTable> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words = WordTable::default();
        for (bit, (_, list)) in FUNCTION_WORDS.iter().enumerate() {
            for word in list.split_whitespace() {
                *words.entry(word.as_bytes()).or_default() |= 1 << bit;
            }
        }
        words
    })
}

/// A sample needs at least this many function words of its leading language
/// to be decided by them: three for a long sample, two for a short phrase.
const MIN_FUNCTION_WORDS_LONG: usize = 3;
const MIN_FUNCTION_WORDS_SHORT: usize = 2;

/// The leading language needs this many times the runner-up's function words.
const FUNCTION_WORD_LEAD: usize = 2;

/// And at least one word in this many must be one of its function words
/// (English prose runs at one in two or three; a list of names with one
/// stray "de" does not).
const MAX_WORDS_PER_FUNCTION_WORD: usize = 5;

/// What the quick pass makes of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuickVerdict {
    /// The evidence is clear: no need to ask `lingua`.
    Sure(Language),
    /// Not clear; the best guess, if any, is for when `lingua` can't be asked.
    Unsure(Option<Language>),
}

/// How long the sample is: short phrases need less evidence from function
/// words and are not shown to `whatlang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SampleLength {
    /// A phrase (fewer letters than a piece judged on its own).
    Short,
    /// A sentence or more.
    Long,
}

/// The quick detector for one set of candidate languages (one script, one
/// allowlist).
#[derive(Debug)]
pub(crate) struct QuickDetector {
    /// Bits of [`FUNCTION_WORDS`] languages that are candidates.
    function_word_mask: u8,
    /// Candidates `whatlang` knows, with the `lingua` language each maps to.
    whatlang: Option<(whatlang::Detector, Vec<(whatlang::Lang, Language)>)>,
}

impl QuickDetector {
    /// A detector choosing among `candidates`.
    pub(crate) fn new(candidates: &[Language]) -> Self {
        let function_word_mask = languages_with_function_words()
            .enumerate()
            .filter(|(_, language)| candidates.contains(language))
            .fold(0u8, |mask, (bit, _)| mask | 1 << bit);
        let mapped: Vec<(whatlang::Lang, Language)> = whatlang::Lang::all()
            .iter()
            .filter_map(|&lang| {
                let language =
                    candidates.iter().find(|language| language.iso_code_639_3().to_string() == lang.code())?;
                Some((lang, *language))
            })
            .collect();
        // `whatlang` with one candidate would always be sure of it.
        let whatlang = (mapped.len() >= 2).then(|| {
            let detector = whatlang::Detector::with_allowlist(mapped.iter().map(|(lang, _)| *lang).collect());
            (detector, mapped)
        });
        QuickDetector { function_word_mask, whatlang }
    }

    /// Judges `sample` (words separated by single spaces).
    pub(crate) fn judge(&self, sample: &str, length: SampleLength) -> QuickVerdict {
        let (leader, evidence) = self.function_word_evidence(sample, length);
        if let FunctionWordEvidence::Clear = evidence {
            return leader.map_or(QuickVerdict::Unsure(None), QuickVerdict::Sure);
        }
        // `whatlang`'s trigrams on a few words are noise ("Make Alibaba Great
        // Again" is Tagalog to it).
        let Some((detector, mapped)) = self.whatlang.as_ref().filter(|_| length == SampleLength::Long) else {
            return QuickVerdict::Unsure(leader);
        };
        let Some(info) = detector.detect(sample) else { return QuickVerdict::Unsure(leader) };
        let Some(language) = mapped.iter().find(|(lang, _)| *lang == info.lang()).map(|(_, language)| *language) else {
            return QuickVerdict::Unsure(leader);
        };
        // `whatlang` alone decides only sentences, only when it says it is
        // reliable, and never against the function words: a language with a
        // word table but no words in the sample is suspect.
        let has_word_table = languages_with_function_words().any(|other| other == language);
        let agrees = match leader {
            Some(leader) => leader == language,
            None => !has_word_table,
        };
        if info.is_reliable() && agrees {
            QuickVerdict::Sure(language)
        } else {
            QuickVerdict::Unsure(leader.or(Some(language)))
        }
    }

    /// The language `sample` is in when its function words alone make it
    /// clear: the cheapest check, a few hash lookups per word.
    pub(crate) fn by_function_words(&self, sample: &str, length: SampleLength) -> Option<Language> {
        match self.function_word_evidence(sample, length) {
            (leader, FunctionWordEvidence::Clear) => leader,
            _ => None,
        }
    }

    /// The language of a name-heavy `sample` ([`is_name_heavy`]) as far as its
    /// few lower-case words tell: of the languages with the most function
    /// words, the first in the order of [`FUNCTION_WORDS`], so English on a
    /// tie (the Latin-script language of the corpus, and the one news in
    /// any language writes foreign names in); `None` without function words.
    pub(crate) fn name_heavy_guess(&self, sample: &str) -> Option<Language> {
        if self.function_word_mask == 0 {
            return None;
        }
        let (hits, _) = count_function_words(&without_name_particles(sample), self.function_word_mask);
        let best = hits.iter().copied().max().filter(|&best| best > 0)?;
        hits.iter()
            .zip(languages_with_function_words())
            .find(|(count, _)| **count == best)
            .map(|(_, language)| language)
    }

    /// The language with the most function words in `sample`, and whether
    /// its lead is clear.
    fn function_word_evidence(&self, sample: &str, length: SampleLength) -> (Option<Language>, FunctionWordEvidence) {
        if self.function_word_mask == 0 {
            return (None, FunctionWordEvidence::None);
        }
        let (hits, words) = count_function_words(sample, self.function_word_mask);
        // The best count and language (the first in table order on a tie),
        // and the runner-up's count.
        let (mut best, mut leader, mut runner_up) = (0, None, 0);
        for (&count, language) in hits.iter().zip(languages_with_function_words()) {
            if count > best {
                (runner_up, best, leader) = (best, count, Some(language));
            } else if count > runner_up {
                runner_up = count;
            }
        }
        if best == 0 {
            return (None, FunctionWordEvidence::None);
        }
        let minimum = match length {
            SampleLength::Long => MIN_FUNCTION_WORDS_LONG,
            SampleLength::Short => MIN_FUNCTION_WORDS_SHORT,
        };
        let clear = best >= minimum
            && best >= FUNCTION_WORD_LEAD * runner_up
            && best > runner_up
            && best * MAX_WORDS_PER_FUNCTION_WORD >= words;
        let leader = leader.filter(|_| best > runner_up);
        (leader, if clear { FunctionWordEvidence::Clear } else { FunctionWordEvidence::Weak })
    }
}

impl QuickDetector {
    /// Whether `sample` has a function word of `language` outside names
    /// (the "da" of "Lula da Silva" is the name's).
    pub(crate) fn has_function_words_of(&self, sample: &str, language: Language) -> bool {
        let Some(bit) = languages_with_function_words().position(|other| other == language) else { return false };
        let (hits, _) = count_function_words(&without_name_particles(sample), self.function_word_mask);
        hits[bit] > 0
    }

    /// Whether `sample` has, outside names, a function word of `language`
    /// and of no other candidate ("to" is English only; "a" is Spanish and
    /// Portuguese, and a word of many other languages).
    pub(crate) fn has_own_function_word(&self, sample: &str, language: Language) -> bool {
        let Some(bit) = languages_with_function_words().position(|other| other == language) else { return false };
        let table = function_words();
        without_name_particles(sample).split(|c: char| !c.is_alphabetic()).any(|word| {
            let lower = word.to_lowercase();
            table.get(lower.as_bytes()).is_some_and(|&bits| bits & self.function_word_mask == 1 << bit)
        })
    }
}

/// Particles that names carry between their capitalized words in many
/// languages ("Lula da Silva", "Ludwig van Beethoven", "Ursula von der Leyen").
const NAME_PARTICLES: &[&str] =
    &["da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von"];

/// `sample` without the particles that stand between two capitalized words:
/// they are part of a name, not evidence of the sentence's language.
fn without_name_particles(sample: &str) -> std::borrow::Cow<'_, str> {
    let words: Vec<&str> = sample.split(' ').collect();
    let capitalized = |word: Option<&&str>| word.and_then(|w| w.chars().next()).is_some_and(char::is_uppercase);
    let particle = |i: usize| {
        NAME_PARTICLES.contains(&words[i])
            && i > 0
            && capitalized(words.get(i - 1))
            && (capitalized(words.get(i + 1)) || words.get(i + 1).is_some_and(|next| NAME_PARTICLES.contains(next)))
    };
    if !(0..words.len()).any(particle) {
        return std::borrow::Cow::Borrowed(sample);
    }
    let kept: Vec<&str> = (0..words.len()).filter(|&i| !particle(i)).map(|i| words[i]).collect();
    std::borrow::Cow::Owned(kept.join(" "))
}

/// Whether `sample` is mostly names: at least two of the words that do not
/// open a sentence are capitalized, and no fewer than those in lower case
/// ("Xi Jinping met Donald Trump in Beijing."). Names are in no language,
/// so such a sample says little more than its lower-case words do, and
/// `lingua`'s guesses on it are noise (that line is Dutch, Danish or
/// English at 0.1 to 0.2).
pub(crate) fn is_name_heavy(sample: &str) -> bool {
    let (mut capitalized, mut lower) = (0usize, 0usize);
    let mut opens_sentence = true;
    for word in sample.split_whitespace() {
        let Some(first) = word.chars().find(|c| c.is_alphabetic()) else { continue };
        if !opens_sentence {
            if first.is_uppercase() {
                capitalized += 1;
            } else {
                lower += 1;
            }
        }
        let end = word.trim_end_matches(['"', '\'', ')', ']', '\u{201D}', '\u{2019}']);
        opens_sentence = end.ends_with(['.', '!', '?', ':']);
    }
    capitalized >= 2 && capitalized >= lower
}

/// How many words of `sample` are function words of each language in
/// `mask` (by bit), and how many words it has: its runs of letters.
fn count_function_words(sample: &str, mask: u8) -> ([usize; FUNCTION_WORDS.len()], usize) {
    let table = function_words();
    let mut hits = [0usize; FUNCTION_WORDS.len()];
    let mut count = |lower: &[u8]| {
        let Some(&bits) = table.get(lower) else { return };
        let bits = bits & mask;
        for (bit, count) in hits.iter_mut().enumerate() {
            *count += usize::from(bits & (1 << bit) != 0);
        }
    };
    let mut words = 0;
    if sample.is_ascii() {
        // Most samples: words are runs of ASCII letters, lowercased on the
        // stack.
        let bytes = sample.as_bytes();
        let mut index = 0;
        while index < bytes.len() {
            if !bytes[index].is_ascii_alphabetic() {
                index += 1;
                continue;
            }
            let start = index;
            while index < bytes.len() && bytes[index].is_ascii_alphabetic() {
                index += 1;
            }
            words += 1;
            let word = &bytes[start..index];
            if word.len() > MAX_FUNCTION_WORD_BYTES {
                continue;
            }
            let mut lower = [0u8; MAX_FUNCTION_WORD_BYTES];
            for (lower, byte) in lower.iter_mut().zip(word) {
                *lower = byte.to_ascii_lowercase();
            }
            count(&lower[..word.len()]);
        }
    } else {
        let mut lower = String::new();
        for word in sample.split(|c: char| !c.is_alphabetic()).filter(|word| !word.is_empty()) {
            words += 1;
            if word.len() > MAX_FUNCTION_WORD_BYTES {
                continue;
            }
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            count(lower.as_bytes());
        }
    }
    (hits, words)
}

enum FunctionWordEvidence {
    None,
    Weak,
    Clear,
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    fn check(sample: &str, length: SampleLength, expect: Expect) {
        let candidates = Language::all_with_latin_script().into_iter().collect::<Vec<_>>();
        let verdict = QuickDetector::new(&candidates).judge(sample, length);
        expect.assert_eq(&format!("{verdict:?}"));
    }

    #[test]
    fn no_function_word_is_too_long_to_be_looked_up() {
        for word in FUNCTION_WORDS.iter().flat_map(|(_, list)| list.split_whitespace()) {
            assert!(word.len() <= MAX_FUNCTION_WORD_BYTES, "{word}");
        }
    }

    /// `count_function_words` without its ASCII shortcut.
    fn count_function_words_by_chars(sample: &str, mask: u8) -> ([usize; FUNCTION_WORDS.len()], usize) {
        let mut hits = [0usize; FUNCTION_WORDS.len()];
        let mut words = 0;
        for word in sample.split(|c: char| !c.is_alphabetic()).filter(|word| !word.is_empty()) {
            words += 1;
            let lower: String = word.chars().flat_map(char::to_lowercase).collect();
            if word.len() > MAX_FUNCTION_WORD_BYTES {
                continue;
            }
            let Some(&bits) = function_words().get(lower.as_bytes()) else { continue };
            for (bit, count) in hits.iter_mut().enumerate() {
                *count += usize::from(bits & mask & (1 << bit) != 0);
            }
        }
        (hits, words)
    }

    proptest::proptest! {
        #[test]
        fn ascii_words_are_counted_as_chars_are(
            sample in "((the|The|THE|and|de|der|het|il|zum|über|a|xyzzy|Alibaba)[ ,.'0-9]{1,2})*",
            mask: u8,
        ) {
            let mask = mask & 0x7F;
            proptest::prop_assert_eq!(count_function_words(&sample, mask), count_function_words_by_chars(&sample, mask));
        }
    }

    #[test]
    fn english_prose_is_sure() {
        check(
            "The company announced a complete reorganization of its online retail business this week.",
            SampleLength::Long,
            expect!["Sure(English)"],
        );
    }

    #[test]
    fn english_dense_with_names_is_english_not_tagalog() {
        check("Alibaba and Ant Group moved their offices to Hangzhou.", SampleLength::Long, expect!["Sure(English)"]);
    }

    #[test]
    fn lines_of_names_are_told_from_prose() {
        assert!(is_name_heavy("Xi Jinping met Donald Trump in Beijing."));
        assert!(is_name_heavy("Mark Rutte sprak met Angela Merkel in Berlijn."));
        assert!(!is_name_heavy("The company announced a reorganization."));
        assert!(!is_name_heavy("Het bedrijf heeft een nieuwe directeur benoemd."));
        // One name after the first word is not a line of names.
        assert!(!is_name_heavy("Jack Ma"));
        // Words opening a sentence are capitalized whatever they are.
        assert!(!is_name_heavy("He left. She stayed. \"They met.\" We talked."));
    }

    #[test]
    fn tied_lower_case_words_of_a_line_of_names_guess_english() {
        let candidates = Language::all_with_latin_script().into_iter().collect::<Vec<_>>();
        let detector = QuickDetector::new(&candidates);
        assert_eq!(detector.name_heavy_guess("Xi Jinping met Donald Trump in Beijing."), Some(Language::English));
        assert_eq!(detector.name_heavy_guess("Mark Rutte is met de koning naar Den Haag."), Some(Language::Dutch));
        assert_eq!(detector.name_heavy_guess("Lionel Messi joined Inter Miami."), None);
    }

    #[test]
    fn names_alone_are_left_to_lingua() {
        check("MAGA Make Alibaba Great Again", SampleLength::Short, expect!["Unsure(None)"]);
    }

    #[test]
    fn french_sentence_is_sure() {
        check(
            "Le groupe a annoncé une réorganisation complète de ses activités de commerce en ligne.",
            SampleLength::Long,
            expect!["Sure(French)"],
        );
    }

    #[test]
    fn articles_shared_by_romance_languages_are_left_to_lingua() {
        check("la casa de la abuela", SampleLength::Short, expect!["Unsure(None)"]);
    }

    #[test]
    fn only_candidates_count() {
        let verdict = QuickDetector::new(&[Language::English, Language::German])
            .judge("Le groupe a annoncé une réorganisation de ses activités.", SampleLength::Long);
        assert!(!matches!(verdict, QuickVerdict::Sure(Language::French)), "{verdict:?}");
    }
}
