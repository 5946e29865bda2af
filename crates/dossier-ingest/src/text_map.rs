//! A compact, piecewise-linear map between two byte sequences.
//!
//! Both the decoder ([`TextMap`]: decoded text → original bytes) and the
//! normalizer (normalized text → decoded text) need to answer "which bytes on
//! the other side produced this range?". They share this representation: a
//! sorted list of breakpoints, each starting a stretch in which every `from_unit`
//! bytes on the source side correspond to exactly `to_unit` bytes on the target
//! side. A stretch of ASCII or valid UTF-8 is one breakpoint with units `(1, 1)`;
//! a GBK stretch of Han characters is one breakpoint with units `(3, 2)`; a
//! replaced invalid sequence or a folded white-space run is an "atomic" stretch
//! of a single unit. Lookups are a binary search.

use std::ops::Range;

/// One stretch of a [`PiecewiseMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Breakpoint {
    /// Where the stretch starts on the source side.
    from: usize,
    /// Where the stretch starts on the target side.
    to: usize,
    /// Source bytes per unit; never zero.
    from_unit: u32,
    /// Target bytes per unit.
    to_unit: u32,
}

/// A piecewise-linear, monotonic map from source byte offsets to target byte
/// offsets. Built by appending consecutive source chunks in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PiecewiseMap {
    breakpoints: Vec<Breakpoint>,
    /// Total source length.
    from_len: usize,
    /// Total target length: the end of the last chunk on the target side.
    to_len: usize,
}

impl PiecewiseMap {
    /// Appends a chunk of `from_len` source bytes that came from the target
    /// bytes `to`. The chunk is one unit unless `linear` says that its bytes
    /// correspond one to one. Target ranges must not go backwards; gaps
    /// (target bytes that produced nothing) are allowed.
    pub(crate) fn push(&mut self, from_len: usize, to: Range<usize>, linear: bool) {
        if from_len == 0 {
            return;
        }
        let units = if linear { Some((1, 1)) } else { u32::try_from(from_len).ok().zip(u32::try_from(to.len()).ok()) };
        // A chunk too large for `u32` units (gigabytes of white space) maps
        // linearly instead: still monotonic and in bounds.
        let (from_unit, to_unit) = units.unwrap_or((1, 1));
        let continues_last = self.to_len == to.start
            && self.breakpoints.last().is_some_and(|last| (last.from_unit, last.to_unit) == (from_unit, to_unit));
        if !continues_last {
            self.breakpoints.push(Breakpoint { from: self.from_len, to: to.start, from_unit, to_unit });
        }
        self.from_len += from_len;
        self.to_len = to.end;
    }

    /// Sets the total target length, so that positions at the very end map to
    /// the end of the target (e.g. past trailing bytes that produced nothing).
    pub(crate) fn finish(&mut self, to_len: usize) {
        self.to_len = self.to_len.max(to_len);
    }

    /// The number of breakpoints, a measure of the map's size.
    pub(crate) fn breakpoint_count(&self) -> usize {
        self.breakpoints.len()
    }

    /// Maps a source range to the smallest target range that produced it.
    /// Offsets inside a unit widen to the whole unit.
    pub(crate) fn map_range(&self, range: Range<usize>) -> Range<usize> {
        let start = range.start.min(self.from_len);
        let end = range.end.clamp(start, self.from_len);
        let mapped_start = self.map_offset(start, Rounding::Down);
        if start == end {
            return mapped_start..mapped_start;
        }
        let mapped_end = self.map_offset(end, Rounding::Up).max(mapped_start);
        mapped_start..mapped_end
    }

    fn map_offset(&self, offset: usize, rounding: Rounding) -> usize {
        // For a start, the stretch that begins at or before `offset`; for an
        // end, the stretch that holds the byte just before `offset`, so that an
        // end never reaches into target bytes that produced nothing.
        let index = match rounding {
            Rounding::Down => self.breakpoints.partition_point(|b| b.from <= offset),
            Rounding::Up => self.breakpoints.partition_point(|b| b.from < offset),
        };
        let Some(breakpoint) = index.checked_sub(1).and_then(|i| self.breakpoints.get(i)) else {
            return if offset == 0 || self.breakpoints.is_empty() { 0 } else { self.to_len };
        };
        let stretch_end = self.breakpoints.get(index).map_or(self.to_len, |next| next.to);
        let within = offset - breakpoint.from;
        let from_unit = breakpoint.from_unit as usize;
        let units = match rounding {
            Rounding::Down => within / from_unit,
            Rounding::Up => within.div_ceil(from_unit),
        };
        let mapped = breakpoint.to.saturating_add(units.saturating_mul(breakpoint.to_unit as usize));
        // The next stretch may start later than this one's end (a gap of
        // dropped target bytes), never earlier; clamp against rounding up past it.
        mapped.min(stretch_end.max(breakpoint.to)).min(self.to_len)
    }
}

#[derive(Debug, Clone, Copy)]
enum Rounding {
    Down,
    Up,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_with_shift() {
        let mut map = PiecewiseMap::default();
        map.push(10, 3..13, true);
        map.finish(13);
        assert_eq!(map.map_range(0..10), 3..13);
        assert_eq!(map.map_range(4..6), 7..9);
        assert_eq!(map.breakpoint_count(), 1);
    }

    #[test]
    fn atomic_units_merge_and_round_outwards() {
        let mut map = PiecewiseMap::default();
        // Two Han characters transcoded from two bytes each, then ASCII.
        map.push(3, 0..2, false);
        map.push(3, 2..4, false);
        map.push(2, 4..6, true);
        assert_eq!(map.breakpoint_count(), 2);
        assert_eq!(map.map_range(3..6), 2..4);
        assert_eq!(map.map_range(1..4), 0..4);
        assert_eq!(map.map_range(6..8), 4..6);
    }

    #[test]
    fn gaps_are_excluded_from_ends() {
        let mut map = PiecewiseMap::default();
        map.push(1, 0..1, true);
        // Bytes 1..4 produced nothing.
        map.push(1, 4..5, true);
        map.finish(5);
        assert_eq!(map.map_range(0..1), 0..1);
        assert_eq!(map.map_range(1..2), 4..5);
        assert_eq!(map.map_range(1..1), 4..4);
        assert_eq!(map.map_range(0..2), 0..5);
    }
}
