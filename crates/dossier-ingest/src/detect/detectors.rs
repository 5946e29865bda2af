//! The detectors: which languages a run may choose from, the quick pass
//! and `lingua` per set of candidates (built once per process and cached),
//! and each document's budget of `lingua` calls.

use super::*;

/// The languages a run may choose from (`IngestConfig::languages`).
pub(super) struct Allowed {
    /// Primary subtags (`en`, `zh`), lower case; `None` allows all.
    pub(super) primary: Option<Vec<String>>,
    pub(super) simplified: bool,
    pub(super) traditional: bool,
}

impl Allowed {
    pub(super) fn new(allowlist: Option<&[String]>) -> Self {
        let Some(allowlist) = allowlist else {
            return Allowed { primary: None, simplified: true, traditional: true };
        };
        let mut allowed = Allowed { primary: Some(Vec::new()), simplified: false, traditional: false };
        for tag in allowlist {
            let lower = tag.to_ascii_lowercase();
            let mut subtags = lower.split(['-', '_']);
            let primary = subtags.next().unwrap_or_default().to_owned();
            if primary == "zh" {
                match subtags.next() {
                    Some("hans" | "cn" | "sg" | "my") => allowed.simplified = true,
                    Some("hant" | "tw" | "hk" | "mo") => allowed.traditional = true,
                    _ => (allowed.simplified, allowed.traditional) = (true, true),
                }
            }
            allowed.primary.get_or_insert_with(Vec::new).push(primary);
        }
        allowed
    }

    pub(super) fn allows(&self, primary: &str) -> bool {
        self.primary.as_ref().is_none_or(|list| list.iter().any(|allowed| allowed == primary))
    }

    /// `primary` as a tag when allowed, `und` otherwise.
    pub(super) fn tag(&self, primary: &str) -> LanguageTag {
        if self.allows(primary) { LanguageTag(primary.to_owned()) } else { LanguageTag::und() }
    }

    /// The tag for Chinese text of the given (or unknown) variant.
    pub(super) fn chinese(&self, variant: Option<ChineseVariant>) -> LanguageTag {
        let tag = match (self.simplified, self.traditional, variant) {
            (false, false, _) => return if self.allows("ja") { self.tag("ja") } else { LanguageTag::und() },
            (true, false, _) | (true, true, Some(ChineseVariant::Simplified)) => "zh-Hans",
            (false, true, _) | (true, true, Some(ChineseVariant::Traditional)) => "zh-Hant",
            (true, true, None) => "zh",
        };
        LanguageTag(tag.to_owned())
    }

    /// The shipped `lingua` languages written in `script` that are allowed.
    pub(super) fn lingua_languages(&self, script: ScriptClass) -> Vec<Language> {
        let of_script = match script {
            ScriptClass::Latin => Language::all_with_latin_script(),
            ScriptClass::Cyrillic => Language::all_with_cyrillic_script(),
            ScriptClass::Arabic => Language::all_with_arabic_script(),
            _ => return Vec::new(),
        };
        let mut languages: Vec<Language> =
            of_script.into_iter().filter(|language| self.allows(&language.iso_code_639_1().to_string())).collect();
        languages.sort();
        languages
    }
}

/// Whether `lingua` runs in high accuracy mode (all n-gram models, better on
/// short text) instead of low accuracy mode (trigrams only).
pub(super) const HIGH_ACCURACY: bool = true;

/// The detectors for one set of candidate languages: the quick pass first,
/// `lingua` when it is unsure.
pub(super) struct ScriptDetectors {
    pub(super) quick: QuickDetector,
    pub(super) lingua: LanguageDetector,
    /// `lingua`'s answers by sample, shared by all documents: a corpus
    /// repeats its names and slogans from file to file. Up to
    /// [`MAX_REMEMBERED_ANSWERS`]; a document is charged for a remembered
    /// answer as for a call, so its result never depends on which documents
    /// came before it.
    pub(super) answers: Mutex<HashMap<String, Option<Guess>>>,
}

/// At most this many `lingua` answers are remembered per set of candidate
/// languages (a few hundred bytes each).
pub(super) const MAX_REMEMBERED_ANSWERS: usize = 16_384;

impl ScriptDetectors {
    /// `lingua`'s best guess for `sample`, remembered.
    pub(super) fn lingua_guess(&self, sample: &str) -> Option<Guess> {
        // A panic while holding the lock cannot leave the map inconsistent.
        let remembered = self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(sample).copied();
        if let Some(answer) = remembered {
            return answer;
        }
        let values = self.lingua.compute_language_confidence_values(sample);
        let answer =
            values.first().copied().filter(|(_, confidence)| *confidence > 0.0).map(|(language, confidence)| {
                let runner_up_confidence = values.get(1).map_or(0.0, |(_, confidence)| *confidence);
                Guess { language, confidence, runner_up_confidence }
            });
        let mut answers = self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if answers.len() < MAX_REMEMBERED_ANSWERS {
            answers.insert(sample.to_owned(), answer);
        }
        answer
    }
}

/// Detectors by the sorted set of languages they choose from. `lingua`
/// shares its models between detectors, so a detector per script and
/// allowlist costs little beyond the models of its languages, loaded on first
/// use.
pub(super) fn cached_detectors(languages: &[Language]) -> Arc<ScriptDetectors> {
    static DETECTORS: OnceLock<Mutex<HashMap<Vec<Language>, Arc<ScriptDetectors>>>> = OnceLock::new();
    let detectors = DETECTORS.get_or_init(Default::default);
    // A panic while holding the lock cannot leave the map inconsistent.
    let mut detectors = detectors.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    detectors
        .entry(languages.to_vec())
        .or_insert_with(|| {
            let mut builder = LanguageDetectorBuilder::from_languages(languages);
            if !HIGH_ACCURACY {
                builder.with_low_accuracy_mode();
            }
            Arc::new(ScriptDetectors {
                quick: QuickDetector::new(languages),
                lingua: builder.build(),
                answers: Mutex::new(HashMap::new()),
            })
        })
        .clone()
}

/// The detectors one document needs, fetched from the cache once, with the
/// document's budget of `lingua` calls and its answers so far.
pub(super) struct Detectors {
    pub(super) by_script: HashMap<ScriptClass, Candidates>,
    /// Calls left. Text that alternates scripts line by line (a bilingual
    /// glossary) would otherwise cost a call per line; past the budget,
    /// pieces take their neighbours' language instead.
    pub(super) calls_left: usize,
    /// Of those, calls left for short phrases.
    pub(super) phrase_calls_left: usize,
    /// `lingua`'s answers by script and sample: a document repeats its
    /// names and headings.
    pub(super) asked: HashMap<(ScriptClass, String), Option<Guess>>,
}

/// The candidates for `script` when every language is allowed.
pub(super) fn default_candidates(script: ScriptClass) -> &'static Candidates {
    static LATIN: OnceLock<Candidates> = OnceLock::new();
    static CYRILLIC: OnceLock<Candidates> = OnceLock::new();
    static ARABIC: OnceLock<Candidates> = OnceLock::new();
    static OTHER: OnceLock<Candidates> = OnceLock::new();
    let cell = match script {
        ScriptClass::Latin => &LATIN,
        ScriptClass::Cyrillic => &CYRILLIC,
        ScriptClass::Arabic => &ARABIC,
        _ => &OTHER,
    };
    cell.get_or_init(|| Candidates::of(&Allowed::new(None).lingua_languages(script)))
}

/// What a script's text may be.
#[derive(Clone)]
pub(super) enum Candidates {
    /// No allowed language is written in the script.
    None,
    /// One allowed language is: no detection needed.
    Single(Language),
    /// Several are: the quick pass or `lingua` decides.
    Several(Arc<ScriptDetectors>),
}

impl Candidates {
    /// The candidates among `languages` (sorted).
    pub(super) fn of(languages: &[Language]) -> Self {
        match languages {
            [] => Candidates::None,
            [only] => Candidates::Single(*only),
            _ => Candidates::Several(cached_detectors(languages)),
        }
    }
}

/// The language of a sample, as far as it could be told.
#[derive(Debug, Clone)]
pub(super) enum Judgement {
    /// Decided.
    Language(LanguageTag),
    /// Not sure enough; the best guess, for text with nothing else to go by.
    Unsure(Option<LanguageTag>),
    /// Would have needed `lingua`, but the document's budget is spent; the
    /// quick pass's guess, if any.
    OverBudget(Option<LanguageTag>),
}

impl Judgement {
    /// The decided language, or `None` after recording the guess (and the
    /// spent budget) on `piece`.
    pub(super) fn decided(self, piece: &mut Piece) -> Option<LanguageTag> {
        match self {
            Judgement::Language(tag) => Some(tag),
            Judgement::Unsure(guess) => {
                piece.fallback = guess;
                None
            }
            Judgement::OverBudget(guess) => {
                piece.over_budget = true;
                piece.fallback = guess;
                None
            }
        }
    }
}

impl Detectors {
    pub(super) fn new() -> Self {
        Detectors {
            by_script: HashMap::new(),
            calls_left: MAX_LINGUA_CALLS,
            phrase_calls_left: MAX_LINGUA_CALLS_FOR_PHRASES,
            asked: HashMap::new(),
        }
    }

    pub(super) fn candidates(&mut self, script: ScriptClass, allowed: &Allowed) -> &Candidates {
        self.by_script.entry(script).or_insert_with(|| {
            if allowed.primary.is_none() {
                // Every language allowed, as usual: found once per process,
                // not once per document (the language lists are built as
                // hash sets, the detectors looked up under a lock).
                return default_candidates(script).clone();
            }
            Candidates::of(&allowed.lingua_languages(script))
        })
    }

    /// The language of a sentence or more when its function words make it
    /// clear (or the script has one candidate); no `lingua`, no `whatlang`.
    pub(super) fn by_function_words(
        &mut self,
        script: ScriptClass,
        sample: &str,
        allowed: &Allowed,
    ) -> Option<LanguageTag> {
        match self.candidates(script, allowed) {
            Candidates::None => None,
            Candidates::Single(language) => Some(tag_of(*language)),
            Candidates::Several(detectors) => detectors.quick.by_function_words(sample, SampleLength::Long).map(tag_of),
        }
    }

    /// The language of a sentence or more: the quick pass when it is sure,
    /// else `lingua`'s most likely language.
    pub(super) fn judge_sentence(&mut self, script: ScriptClass, sample: &str, allowed: &Allowed) -> Judgement {
        self.judge(script, sample, allowed, SampleLength::Long)
    }

    /// The language the lower-case function words of a name-heavy `sample`
    /// point to, if it is name-heavy and has any.
    pub(super) fn names_guess(&mut self, script: ScriptClass, sample: &str, allowed: &Allowed) -> Option<LanguageTag> {
        if !is_name_heavy(sample) {
            return None;
        }
        match self.candidates(script, allowed) {
            Candidates::None => None,
            Candidates::Single(language) => Some(tag_of(*language)),
            Candidates::Several(detectors) => detectors.quick.name_heavy_guess(sample).map(tag_of),
        }
    }

    /// The language of a short phrase: the quick pass when it is sure, else
    /// `lingua`'s when it is sure ([`MIN_SHORT_CONFIDENCE`]); names ("Under
    /// Armour", "Jack Ma") are in no language.
    pub(super) fn judge_phrase(&mut self, script: ScriptClass, sample: &str, allowed: &Allowed) -> Judgement {
        self.judge(script, sample, allowed, SampleLength::Short)
    }

    pub(super) fn judge(
        &mut self,
        script: ScriptClass,
        sample: &str,
        allowed: &Allowed,
        length: SampleLength,
    ) -> Judgement {
        let detectors = match self.candidates(script, allowed) {
            Candidates::None => return Judgement::Unsure(None),
            Candidates::Single(language) => return Judgement::Language(tag_of(*language)),
            Candidates::Several(detectors) => Arc::clone(detectors),
        };
        let quick_guess = match detectors.quick.judge(sample, length) {
            QuickVerdict::Sure(language) => return Judgement::Language(tag_of(language)),
            QuickVerdict::Unsure(guess) => guess,
        };
        let Some(guess) = self.ask_lingua(script, sample, length, &detectors) else {
            return Judgement::OverBudget(quick_guess.map(tag_of));
        };
        let Some(guess) = guess else { return Judgement::Unsure(quick_guess.map(tag_of)) };
        // A line of names needs `lingua` as sure as a phrase does, however
        // long; when it is not, the lower-case words guess better than
        // `lingua`'s noise.
        let name_heavy = is_name_heavy(sample);
        let sure = match length {
            // `lingua` names no language when its two best are tied.
            SampleLength::Long if !name_heavy => guess.confidence > guess.runner_up_confidence,
            SampleLength::Long | SampleLength::Short => {
                guess.confidence >= MIN_SHORT_CONFIDENCE
                    && guess.confidence >= MIN_SHORT_CONFIDENCE_RATIO * guess.runner_up_confidence
            }
        };
        if sure {
            // On a line of names, `lingua` hears the names' language ("Luiz
            // Inácio Lula da Silva" is Portuguese); when none of that
            // language's function words is in the line and a word of
            // another's alone is ("lost to"), the line is in the other.
            if name_heavy
                && let Some(words_say) = detectors.quick.name_heavy_guess(sample)
                && words_say != guess.language
                && !detectors.quick.has_function_words_of(sample, guess.language)
                && detectors.quick.has_own_function_word(sample, words_say)
            {
                return Judgement::Language(tag_of(words_say));
            }
            return Judgement::Language(tag_of(guess.language));
        }
        let name_heavy_guess = if name_heavy { detectors.quick.name_heavy_guess(sample) } else { None };
        Judgement::Unsure(Some(tag_of(name_heavy_guess.unwrap_or(guess.language))))
    }

    /// `lingua`'s guess for `sample`, asked once per document and sample;
    /// `None` when the budget is spent.
    pub(super) fn ask_lingua(
        &mut self,
        script: ScriptClass,
        sample: &str,
        length: SampleLength,
        detectors: &ScriptDetectors,
    ) -> Option<Option<Guess>> {
        let key = (script, sample.to_owned());
        if let Some(answer) = self.asked.get(&key) {
            return Some(*answer);
        }
        let phrases_spent = length == SampleLength::Short && self.phrase_calls_left == 0;
        if self.calls_left == 0 || phrases_spent {
            return None;
        }
        self.calls_left -= 1;
        if length == SampleLength::Short {
            self.phrase_calls_left -= 1;
        }
        let answer = detectors.lingua_guess(sample);
        self.asked.insert(key, answer);
        Some(answer)
    }
}

/// `lingua`'s best guess with its confidence.
#[derive(Debug, Clone, Copy)]
pub(super) struct Guess {
    pub(super) language: Language,
    pub(super) confidence: f64,
    pub(super) runner_up_confidence: f64,
}

pub(super) fn tag_of(language: Language) -> LanguageTag {
    LanguageTag(language.iso_code_639_1().to_string())
}
