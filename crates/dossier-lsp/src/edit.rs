//! The edit between the text of an open buffer that the index was built
//! from and the text the client has now, so that requests on a buffer
//! edited since the last build are answered from that build.

use std::ops::Range;

/// How the client's text of an open buffer differs from the text the index
/// was built from, as one replaced stretch: the common beginning and end are
/// kept, everything between was replaced. Requests on a buffer edited since
/// the last build are answered from that build through this map instead of
/// waiting for the next one: offsets and ranges outside the replaced stretch
/// map exactly; those inside it have no counterpart (no answer there yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Length of the common beginning.
    prefix: usize,
    /// Length of the common end.
    suffix: usize,
    old_len: usize,
    new_len: usize,
}

impl Edit {
    /// The edit that turns `old` into `new`, on char boundaries of both.
    pub fn between(old: &str, new: &str) -> Edit {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let most = a.len().min(b.len()) - prefix;
        let mut suffix = a.iter().rev().zip(b.iter().rev()).take(most).take_while(|(x, y)| x == y).count();
        while !old.is_char_boundary(a.len() - suffix) || !new.is_char_boundary(b.len() - suffix) {
            suffix -= 1;
        }
        Edit { prefix, suffix, old_len: a.len(), new_len: b.len() }
    }

    /// Whether the texts are the same.
    pub fn is_identity(&self) -> bool {
        self.prefix == self.old_len && self.old_len == self.new_len
    }

    /// The offset in the old text of an offset of the new one; `None` inside
    /// the replaced stretch (its ends map: they touch kept text).
    pub fn new_to_old(&self, offset: usize) -> Option<usize> {
        if offset <= self.prefix {
            Some(offset)
        } else if offset >= self.new_len - self.suffix {
            Some(offset - (self.new_len - self.suffix) + (self.old_len - self.suffix))
        } else {
            None
        }
    }

    /// The old range covering a range of the new text: ends inside the
    /// replaced stretch move out to the kept text (the start back, the end on).
    pub fn new_range_to_old(&self, range: Range<usize>) -> (usize, usize) {
        let start = self.new_to_old(range.start).unwrap_or(self.prefix);
        let end = self.new_to_old(range.end).unwrap_or(self.old_len - self.suffix);
        (start, end)
    }

    /// The range in the new text of a range of the old one; `None` when it
    /// overlaps the replaced stretch.
    pub fn old_to_new(&self, range: Range<usize>) -> Option<Range<usize>> {
        if range.end <= self.prefix {
            Some(range)
        } else if range.start >= self.old_len - self.suffix {
            let shift = |offset: usize| offset - (self.old_len - self.suffix) + (self.new_len - self.suffix);
            Some(shift(range.start)..shift(range.end))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Offsets outside an edit map to the same text on both sides, and
        /// ranges mapped back from the old text cover the same text.
        #[test]
        fn edits_map_kept_text_exactly(old in "[ab張\\n]{0,12}", new in "[ab張\\n]{0,12}") {
            let edit = Edit::between(&old, &new);
            proptest::prop_assert_eq!(edit.is_identity(), old == new);
            for offset in (0..=new.len()).filter(|&o| new.is_char_boundary(o)) {
                if let Some(back) = edit.new_to_old(offset) {
                    proptest::prop_assert!(old.is_char_boundary(back));
                    proptest::prop_assert!(new[..offset] == old[..back] || new[offset..] == old[back..]);
                }
            }
            for start in (0..=old.len()).filter(|&o| old.is_char_boundary(o)) {
                for end in (start..=old.len()).filter(|&o| old.is_char_boundary(o)) {
                    if let Some(mapped) = edit.old_to_new(start..end) {
                        proptest::prop_assert_eq!(&new[mapped], &old[start..end]);
                    }
                }
            }
        }
    }

    #[test]
    fn an_edit_keeps_what_is_before_and_after_it() {
        let old = "# Title\nZhang Yong met 張勇.\n";
        let new = "# Title\nZhang Yong, then Wu Yongming, met 張勇.\n";
        let edit = Edit::between(old, new);
        assert_eq!(edit.new_to_old(2), Some(2));
        assert_eq!(edit.new_to_old(new.find("Wu").unwrap()), None);
        let zhang = old.find('張').unwrap();
        let mapped = edit.old_to_new(zhang..zhang + "張勇".len()).unwrap();
        assert_eq!(&new[mapped.clone()], "張勇");
        assert_eq!(edit.new_to_old(mapped.start), Some(zhang));
        assert_eq!(edit.old_to_new(old.find("met").unwrap() - 2..old.find("met").unwrap() + 3), None);
    }
}
