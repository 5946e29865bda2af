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

/// One stretch of a [`PiecewiseMap`]: 12 bytes. Offsets are `u32`, so a
/// map covers at most 4 GiB on either side; `ingest` refuses documents that
/// could come near that (see `MAX_DOCUMENT_BYTES` in `document.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Breakpoint {
    /// Where the stretch starts on the source side.
    from: u32,
    /// Where the stretch starts on the target side.
    to: u32,
    /// Source bytes per unit; zero (with `to_unit` zero) when the whole
    /// stretch, up to the next breakpoint, is one unit.
    from_unit: u16,
    /// Target bytes per unit.
    to_unit: u16,
}

/// The units of a stretch that is one unit however long it is.
const WHOLE_STRETCH: (u16, u16) = (0, 0);

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
    /// (target bytes that produced nothing) are allowed. Offsets past
    /// `u32::MAX` are not supported (callers keep documents well below).
    pub(crate) fn push(&mut self, from_len: usize, to: Range<usize>, linear: bool) {
        if from_len == 0 {
            return;
        }
        let units = if linear { Some((1, 1)) } else { u16::try_from(from_len).ok().zip(u16::try_from(to.len()).ok()) };
        // A chunk too large for `u16` units (a long white space run) is a
        // stretch of its own.
        let (from_unit, to_unit) = units.unwrap_or(WHOLE_STRETCH);
        let continues_last = self.to_len == to.start
            && (from_unit, to_unit) != WHOLE_STRETCH
            && self.breakpoints.last().is_some_and(|last| (last.from_unit, last.to_unit) == (from_unit, to_unit));
        if !continues_last {
            self.breakpoints.push(Breakpoint {
                from: offset_u32(self.from_len),
                to: offset_u32(to.start),
                from_unit,
                to_unit,
            });
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
            Rounding::Down => self.breakpoints.partition_point(|b| b.from as usize <= offset),
            Rounding::Up => self.breakpoints.partition_point(|b| (b.from as usize) < offset),
        };
        let Some(breakpoint) = index.checked_sub(1).and_then(|i| self.breakpoints.get(i)) else {
            return if offset == 0 || self.breakpoints.is_empty() { 0 } else { self.to_len };
        };
        let next = self.breakpoints.get(index);
        let stretch_end = next.map_or(self.to_len, |next| next.to as usize);
        let (from, to) = (breakpoint.from as usize, breakpoint.to as usize);
        let within = offset - from;
        let (from_unit, to_unit) = if (breakpoint.from_unit, breakpoint.to_unit) == WHOLE_STRETCH {
            let from_end = next.map_or(self.from_len, |next| next.from as usize);
            ((from_end - from).max(1), stretch_end.saturating_sub(to))
        } else {
            (breakpoint.from_unit as usize, breakpoint.to_unit as usize)
        };
        let units = match rounding {
            Rounding::Down => within / from_unit,
            Rounding::Up => within.div_ceil(from_unit),
        };
        let mapped = to.saturating_add(units.saturating_mul(to_unit));
        // The next stretch may start later than this one's end (a gap of
        // dropped target bytes), never earlier; clamp against rounding up past it.
        mapped.min(stretch_end.max(to)).min(self.to_len)
    }
}

/// `offset` as stored in a breakpoint; saturates rather than wraps, so an
/// oversized map stays monotonic.
fn offset_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
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
    fn breakpoints_are_twelve_bytes() {
        assert_eq!(std::mem::size_of::<Breakpoint>(), 12);
    }

    #[test]
    fn chunk_too_long_for_units_is_one_stretch() {
        let mut map = PiecewiseMap::default();
        map.push(1, 0..1, true);
        // One space standing for 100,000 bytes of white space, then more text.
        map.push(1, 1..100_001, false);
        map.push(1, 100_001..100_004, false);
        map.finish(100_004);
        assert_eq!(map.map_range(1..2), 1..100_001);
        assert_eq!(map.map_range(0..2), 0..100_001);
        assert_eq!(map.map_range(2..3), 100_001..100_004);
        assert_eq!(map.breakpoint_count(), 3);
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
