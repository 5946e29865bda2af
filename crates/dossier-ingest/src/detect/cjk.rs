//! Han text: Japanese when kana is near, else Chinese, Simplified or
//! Traditional by its own characters line by line.

use super::*;

/// Han on a line that also has kana is Japanese, and all Han is when kana
/// makes up a fifth or more of the Han and kana letters (a Japanese document
/// whose headings happen to be all kanji).
pub(super) fn mark_japanese_han(pieces: &mut [Piece], allowed: &Allowed) {
    if !allowed.allows("ja") {
        return;
    }
    let letters_of = |script: ScriptClass| -> usize {
        pieces.iter().filter(|piece| piece.script == script).map(|piece| piece.letter_count).sum()
    };
    let (kana, han) = (letters_of(ScriptClass::Kana), letters_of(ScriptClass::Han));
    if kana > 0 && kana * 5 >= kana + han {
        for piece in pieces.iter_mut().filter(|piece| piece.language == Decision::Chinese) {
            piece.language = Decision::Tag(LanguageTag("ja".to_owned()));
        }
        return;
    }
    let mut index = 0;
    while index < pieces.len() {
        let line = pieces[index].line;
        let line_end = index + pieces[index..].iter().take_while(|piece| piece.line == line).count();
        let line_pieces = &mut pieces[index..line_end];
        if line_pieces.iter().any(|piece| piece.script == ScriptClass::Kana) {
            for piece in line_pieces.iter_mut().filter(|piece| piece.language == Decision::Chinese) {
                piece.language = Decision::Tag(LanguageTag("ja".to_owned()));
            }
        }
        index = line_end;
    }
}

/// Counts of variant-specific characters: characters that converting to
/// Simplified would change are Traditional, and the other way round.
pub(super) trait VariantEvidence {
    fn clear_winner(self, min_evidence: usize, ratio: usize) -> Option<ChineseVariant>;
    fn majority(self) -> Option<ChineseVariant>;
}

impl VariantEvidence for VariantCounts {
    /// The variant the evidence clearly points to, if any.
    fn clear_winner(self, min_evidence: usize, ratio: usize) -> Option<ChineseVariant> {
        if self.traditional >= min_evidence && self.traditional >= ratio * self.simplified.max(1) {
            Some(ChineseVariant::Traditional)
        } else if self.simplified >= min_evidence && self.simplified >= ratio * self.traditional.max(1) {
            Some(ChineseVariant::Simplified)
        } else {
            None
        }
    }

    /// The variant with more evidence, if there is any difference.
    fn majority(self) -> Option<ChineseVariant> {
        match self.traditional.cmp(&self.simplified) {
            std::cmp::Ordering::Greater => Some(ChineseVariant::Traditional),
            std::cmp::Ordering::Less => Some(ChineseVariant::Simplified),
            std::cmp::Ordering::Equal => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ChineseVariant {
    Simplified,
    Traditional,
}

/// Decides Simplified vs Traditional per line of Chinese: a line with clear
/// evidence decides itself; other lines follow the nearest line with clear
/// evidence (so concatenated documents in both variants come out right), and
/// the document's majority when no line is clear.
pub(super) fn decide_chinese_variants(pieces: &mut [Piece], allowed: &Allowed) {
    let mut lines: Vec<(usize, VariantCounts)> = Vec::new();
    let mut document = VariantCounts::default();
    for piece in pieces.iter().filter(|piece| piece.language == Decision::Chinese) {
        let evidence = piece.variants;
        document.add_counts(evidence);
        match lines.last_mut() {
            Some((line, line_evidence)) if *line == piece.line => line_evidence.add_counts(evidence),
            _ => lines.push((piece.line, evidence)),
        }
    }
    let clear: Vec<Option<ChineseVariant>> =
        lines.iter().map(|(_, evidence)| evidence.clear_winner(MIN_LINE_EVIDENCE, LINE_EVIDENCE_RATIO)).collect();
    let variants = fill_from_nearest(&clear);
    let document_variant = document.majority();
    let mut line_index = 0;
    for piece in pieces.iter_mut().filter(|piece| piece.language == Decision::Chinese) {
        while lines.get(line_index).is_some_and(|(line, _)| *line < piece.line) {
            line_index += 1;
        }
        let variant = variants.get(line_index).copied().flatten().or(document_variant);
        piece.language = Decision::Tag(allowed.chinese(variant));
    }
}
