//! Pieces too short to judge take the language of a neighbour.

use super::*;

/// Replaces every `None` with the nearest `Some` (the earlier one on a tie).
pub(super) fn fill_from_nearest<T: Copy>(values: &[Option<T>]) -> Vec<Option<T>> {
    let mut filled = values.to_vec();
    let mut previous: Option<(usize, T)> = None;
    let mut distances = vec![usize::MAX; values.len()];
    for (index, value) in values.iter().enumerate() {
        match value {
            Some(value) => previous = Some((index, *value)),
            None => {
                if let Some((at, value)) = previous {
                    filled[index] = Some(value);
                    distances[index] = index - at;
                }
            }
        }
    }
    let mut next: Option<(usize, T)> = None;
    for (index, value) in values.iter().enumerate().rev() {
        match value {
            Some(value) => next = Some((index, *value)),
            None => {
                if let Some((at, value)) = next
                    && at - index < distances[index]
                {
                    filled[index] = Some(value);
                }
            }
        }
    }
    filled
}

/// Gives pieces too short to judge the language of a neighbour: the nearest
/// decided piece on the same line, else the nearest at all (pieces skipped for
/// the budget: the nearest of their own script first); when nothing is
/// decided, their own unsure guess or `und`.
pub(super) fn resolve_short_pieces(pieces: &mut [Piece]) {
    let decided: Vec<Option<LanguageTag>> = pieces
        .iter()
        .map(|piece| match &piece.language {
            Decision::Tag(tag) => Some(tag.clone()),
            Decision::Chinese | Decision::Unresolved => None,
        })
        .collect();
    let is_decided = |index: usize| decided[index].is_some();
    let previous_decided = nearest_before(pieces.len(), is_decided, |_| 0);
    let next_decided = nearest_after(pieces.len(), is_decided, |_| 0);
    // Only pieces skipped for the budget look for the nearest decided piece of
    // their own script, however far; the others look next door.
    let previous_same_script = nearest_before(pieces.len(), is_decided, |index| pieces[index].script as usize);
    let next_same_script = nearest_after(pieces.len(), is_decided, |index| pieces[index].script as usize);
    for index in 0..pieces.len() {
        if pieces[index].language != Decision::Unresolved {
            continue;
        }
        let line = pieces[index].line;
        let next_door = [previous_decided[index], next_decided[index]];
        let same_line = next_door.iter().flatten().copied().find(|&other| pieces[other].line == line);
        let any = next_door.iter().flatten().copied().next();
        let neighbour = if pieces[index].over_budget {
            let same_script = match (previous_same_script[index], next_same_script[index]) {
                (Some(before), Some(after)) => Some(if index - before <= after - index { before } else { after }),
                (before, after) => before.or(after),
            };
            same_script.or(same_line).or(any)
        } else {
            same_line.or(any)
        };
        if let Some(tag) = neighbour.and_then(|other| decided[other].clone()) {
            pieces[index].language = Decision::Tag(tag);
        }
    }
    for piece in pieces.iter_mut().filter(|piece| piece.language == Decision::Unresolved) {
        piece.language = Decision::Tag(piece.fallback.clone().unwrap_or_else(LanguageTag::und));
    }
}

/// The keys of [`nearest_before`] and [`nearest_after`] are below this:
/// there are fewer script classes. An array, not a hash map: they are
/// asked once per piece, and a document has tens of thousands of pieces.
pub(super) const NEAREST_KEYS: usize = 16;

/// For every index, the nearest earlier index with the same key for which
/// `is_candidate` holds.
pub(super) fn nearest_before(
    len: usize,
    is_candidate: impl Fn(usize) -> bool,
    key: impl Fn(usize) -> usize,
) -> Vec<Option<usize>> {
    let mut last = [None; NEAREST_KEYS];
    let mut nearest = Vec::with_capacity(len);
    for index in 0..len {
        let index_key = key(index);
        nearest.push(last[index_key]);
        if is_candidate(index) {
            last[index_key] = Some(index);
        }
    }
    nearest
}

/// For every index, the nearest later index with the same key for which
/// `is_candidate` holds.
pub(super) fn nearest_after(
    len: usize,
    is_candidate: impl Fn(usize) -> bool,
    key: impl Fn(usize) -> usize,
) -> Vec<Option<usize>> {
    let mut next = [None; NEAREST_KEYS];
    let mut nearest = vec![None; len];
    for index in (0..len).rev() {
        let index_key = key(index);
        nearest[index] = next[index_key];
        if is_candidate(index) {
            next[index_key] = Some(index);
        }
    }
    nearest
}

const _: () =
    assert!((ScriptClass::Common as usize) < NEAREST_KEYS, "a script class past the arrays of `nearest_before`");
