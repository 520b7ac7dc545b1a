//! Small counts: a published figure of victims by sex and age band below the threshold is
//! shown as "fewer than N" with no number (the k-anonymity rule of the Counter Trafficking Data
//! Collaborative, default 11), in the API, the widgets and any export, so that no small group of
//! people can be singled out.

/// The threshold below which a victim count is suppressed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SmallCounts {
    pub threshold: i64,
}

impl Default for SmallCounts {
    fn default() -> Self {
        SmallCounts { threshold: 11 }
    }
}

impl SmallCounts {
    /// The count to show: `None` when it is below the threshold (suppressed).
    pub fn visible(self, count: i64) -> Option<i64> {
        (count >= self.threshold).then_some(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_below_the_threshold_are_suppressed() {
        let rule = SmallCounts::default();
        assert_eq!(rule.visible(10), None);
        assert_eq!(rule.visible(1), None);
        assert_eq!(rule.visible(0), None);
        assert_eq!(rule.visible(11), Some(11));
        assert_eq!(rule.visible(149), Some(149));
        assert_eq!(SmallCounts { threshold: 5 }.visible(5), Some(5));
    }
}
