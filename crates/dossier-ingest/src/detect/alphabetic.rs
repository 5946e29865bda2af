//! The alphabetic scripts `lingua` knows (Latin, Cyrillic, Arabic): pieces
//! judged a group at a time on a bounded sample of their words.

use super::*;

/// Decides the pieces of the scripts `lingua` knows (Latin, Cyrillic,
/// Arabic), a group at a time. A group is a stretch of consecutive pieces of
/// one script with no other script in between: the lines of an English
/// article, or one English phrase inside Chinese. In a group, pieces long
/// enough to judge ([`MIN_LETTERS_ALONE`]) are detected on their own and the
/// short ones (headings, "Wrong is wrong.") take the language of the nearest
/// long one. Every long piece is judged by its function words; those that
/// stay unclear are checked every [`CHECK_INTERVAL_BYTES`] (quick pass, then
/// `lingua`) and one by one only where the language changes. A group of
/// short pieces only is judged as a whole when it has at least two words
/// and [`MIN_LETTERS_FOR_LINGUA`] letters and the quick pass or `lingua` is
/// sure; otherwise it stays unresolved and takes its neighbours' language
/// later.
pub(super) fn detect_alphabetic_groups(text: &str, pieces: &mut [Piece], allowed: &Allowed, detectors: &mut Detectors) {
    let mut start = 0;
    while start < pieces.len() {
        let script = pieces[start].script;
        let end = start + pieces[start..].iter().take_while(|piece| piece.script == script).count();
        if matches!(script, ScriptClass::Latin | ScriptClass::Cyrillic | ScriptClass::Arabic) {
            detect_group(text, &mut pieces[start..end], allowed, detectors);
        }
        start = end;
    }
    resolve_lines_of_names(pieces);
}

/// Gives a line of its own made mostly of names, which nothing decided, the
/// language the document's decided text of its script is mostly in (an
/// English sentence between Chinese paragraphs of a bilingual text), or,
/// without such text, the language its lower-case function words point to.
/// A phrase sharing its line with another script is left to its neighbours
/// ("Under Armour" inside a Chinese sentence is Chinese).
fn resolve_lines_of_names(pieces: &mut [Piece]) {
    if pieces.iter().all(|piece| piece.names_guess.is_none()) {
        return;
    }
    let mut letters_per_language: Vec<(ScriptClass, LanguageTag, usize)> = Vec::new();
    for piece in pieces.iter() {
        let Decision::Tag(tag) = &piece.language else { continue };
        match letters_per_language.iter_mut().find(|(script, language, _)| *script == piece.script && language == tag) {
            Some((_, _, letters)) => *letters += piece.letter_count,
            None => letters_per_language.push((piece.script, tag.clone(), piece.letter_count)),
        }
    }
    for index in 0..pieces.len() {
        let Some(guess) = pieces[index].names_guess.clone() else { continue };
        let line = pieces[index].line;
        let shares_line = [index.checked_sub(1), Some(index + 1)]
            .into_iter()
            .flatten()
            .filter_map(|other| pieces.get(other))
            .any(|other| other.line == line);
        if shares_line || pieces[index].language != Decision::Unresolved {
            continue;
        }
        let script = pieces[index].script;
        let document_language = letters_per_language
            .iter()
            .filter(|(of_script, _, _)| *of_script == script)
            .max_by_key(|(_, _, letters)| *letters)
            .map(|(_, language, _)| language.clone());
        pieces[index].language = Decision::Tag(document_language.unwrap_or(guess));
    }
}

pub(super) fn detect_group(text: &str, group: &mut [Piece], allowed: &Allowed, detectors: &mut Detectors) {
    let script = group[0].script;
    let samples: Vec<Cow<'_, str>> = group.iter().map(|piece| lingua_sample(&text[piece.range.clone()])).collect();
    let long: Vec<usize> =
        (0..group.len()).filter(|&index| letter_count(&samples[index]) >= MIN_LETTERS_ALONE).collect();
    if long.is_empty() {
        let joined: Vec<&str> = samples.iter().map(|sample| &**sample).collect();
        let joined = joined.join(" ");
        let sample = lingua_sample(&joined);
        if letter_count(&sample) < MIN_LETTERS_FOR_LINGUA || sample.split(' ').nth(1).is_none() {
            return;
        }
        // A short phrase is only its own language when `lingua` is sure;
        // names ("Under Armour", "Jack Ma") are not. Unsure guesses are kept
        // for text that has nothing else to go by.
        match detectors.judge_phrase(script, &sample, allowed) {
            Judgement::Language(tag) => {
                for piece in group.iter_mut() {
                    piece.language = Decision::Tag(tag.clone());
                }
            }
            Judgement::Unsure(guess) => {
                let names_guess = detectors.names_guess(script, &sample, allowed);
                for piece in group.iter_mut() {
                    piece.fallback = guess.clone();
                    piece.names_guess = names_guess.clone();
                }
            }
            Judgement::OverBudget(guess) => {
                for piece in group.iter_mut() {
                    piece.over_budget = true;
                    piece.fallback = guess.clone();
                }
            }
        }
        return;
    }
    // Every long piece whose function words make its language clear is
    // decided by them (microseconds a piece), so a paragraph in another
    // common language is found wherever it is.
    let mut detected: Vec<usize> = Vec::new();
    let mut unclear: Vec<usize> = Vec::new();
    for &index in &long {
        match detectors.by_function_words(script, &samples[index], allowed) {
            Some(tag) => {
                group[index].language = Decision::Tag(tag);
                detected.push(index);
            }
            None => unclear.push(index),
        }
    }
    let long = unclear;
    // Of the others, check one per `CHECK_INTERVAL_BYTES`; where two checks
    // disagree, check every long piece between them to find the switch.
    let mut checked: Vec<usize> = Vec::new();
    let mut next_check_at = 0;
    for (position, &index) in long.iter().enumerate() {
        let is_last = position + 1 == long.len();
        if group[index].range.start < next_check_at && !is_last {
            continue;
        }
        if let Some(tag) = detectors.judge_sentence(script, &samples[index], allowed).decided(&mut group[index]) {
            let switched = checked.last().is_some_and(|&last| group[last].language != Decision::Tag(tag.clone()));
            if switched {
                let previous = checked.last().copied().unwrap_or(index);
                for &between in long.iter().filter(|&&between| previous < between && between < index) {
                    let judgement = detectors.judge_sentence(script, &samples[between], allowed);
                    if let Some(tag) = judgement.decided(&mut group[between]) {
                        group[between].language = Decision::Tag(tag);
                        checked.push(between);
                    }
                }
            }
            group[index].language = Decision::Tag(tag);
            checked.push(index);
        }
        next_check_at = group[index].range.start.saturating_add(CHECK_INTERVAL_BYTES);
    }
    detected.extend(checked);
    detected.sort_unstable();
    // The rest take the language of the nearest detected piece.
    for index in 0..group.len() {
        if group[index].language != Decision::Unresolved {
            continue;
        }
        let after = detected.partition_point(|&other| other < index);
        let before = after.checked_sub(1).map(|i| detected[i]);
        let nearest = match (before, detected.get(after)) {
            (Some(before), Some(&after)) => {
                if index - before <= after - index {
                    before
                } else {
                    after
                }
            }
            (Some(only), None) | (None, Some(&only)) => only,
            (None, None) => continue,
        };
        group[index].language = group[nearest].language.clone();
    }
}

pub(super) fn letter_count(text: &str) -> usize {
    text.chars().filter(|&c| is_letter(c)).count()
}

/// `char::is_alphabetic` with the common cases first: ASCII, CJK Unified
/// Ideographs (all letters) and CJK punctuation (none) skip the Unicode
/// table search.
pub(super) fn is_letter(c: char) -> bool {
    match c {
        _ if c.is_ascii() => c.is_ascii_alphabetic(),
        '\u{4E00}'..='\u{9FFF}' => true,
        // The punctuation of Chinese text: general, CJK and full-width.
        '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}' | '\u{FF01}'..='\u{FF20}' => false,
        _ => c.is_alphabetic(),
    }
}

/// The words of `text` worth showing to `lingua`: no URLs, addresses or
/// identifiers, which are not in any language; at most [`SAMPLE_BYTES`],
/// separated by single spaces. Borrowed from `text` when those words are
/// already a stretch of it (a line of prose), so most lines are not copied.
pub(super) fn lingua_sample(text: &str) -> Cow<'_, str> {
    let mut sample = Sample::Empty;
    for word in text.split_whitespace() {
        // Bytes, not chars: the marks are ASCII ("://" has a '/').
        let is_noise = word.starts_with("www.")
            || word.bytes().any(|byte| matches!(byte, b'@' | b'_' | b'=' | b'/' | b'\\'))
            || word.len() > 40;
        if is_noise {
            continue;
        }
        if sample.len() + word.len() > SAMPLE_BYTES {
            break;
        }
        let start = word.as_ptr() as usize - text.as_ptr() as usize;
        let end = start + word.len();
        sample = match sample {
            Sample::Empty => Sample::Borrowed(start..end),
            Sample::Borrowed(range) if &text[range.end..start] == " " => Sample::Borrowed(range.start..end),
            Sample::Borrowed(range) => Sample::Owned(format!("{} {word}", &text[range])),
            Sample::Owned(mut owned) => {
                owned.push(' ');
                owned.push_str(word);
                Sample::Owned(owned)
            }
        };
    }
    match sample {
        Sample::Empty => Cow::Borrowed(""),
        Sample::Borrowed(range) => Cow::Borrowed(&text[range]),
        Sample::Owned(owned) => Cow::Owned(owned),
    }
}

/// A sample being put together: a stretch of the text while its words are
/// one space apart, a copy once they are not.
pub(super) enum Sample {
    Empty,
    Borrowed(Range<usize>),
    Owned(String),
}

impl Sample {
    pub(super) fn len(&self) -> usize {
        match self {
            Sample::Empty => 0,
            Sample::Borrowed(range) => range.len(),
            Sample::Owned(owned) => owned.len(),
        }
    }
}
