//! Objectivity flags: schools whose results deviate sharply from their
//! municipality's (seed 003 counts «необъективные школы»). A flag is a reason to
//! look closer — a recheck — never a verdict; docs/analytics.md states the rule.

use super::stats::{JournalComparison, UnitStats};

/// Schools with fewer participants are never flagged: a few students move shares
/// too much.
pub const MIN_PARTICIPANTS: u64 = 10;
/// Percentage points by which a school's share of marks 4 and 5 may exceed its
/// municipality's before it is flagged.
pub const HIGH_MARKS_GAP: f64 = 30.0;
/// Percentage points by which a school's share of marks above the journal's may
/// exceed its municipality's before it is flagged.
pub const ABOVE_JOURNAL_GAP: f64 = 25.0;

/// Why a school is flagged, as the reports print it.
pub fn flags(school: &UnitStats, municipality: &UnitStats) -> Vec<String> {
    let mut flags = Vec::new();
    if school.participants < MIN_PARTICIPANTS {
        return flags;
    }
    let high = |s: &UnitStats| share(s.marks[2] + s.marks[3], s.participants);
    let (school_high, municipality_high) = (high(school), high(municipality));
    if school_high - municipality_high >= HIGH_MARKS_GAP {
        flags.push(format!(
            "Доля отметок «4» и «5» ({school_high:.0}%) выше, чем в муниципалитете \
             ({municipality_high:.0}%), на {:.0} п.п.",
            school_high - municipality_high
        ));
    }
    if school.with_journal() >= MIN_PARTICIPANTS {
        let above = |s: &UnitStats| {
            share(
                s.journal[JournalComparison::Higher as usize],
                s.with_journal(),
            )
        };
        let (school_above, municipality_above) = (above(school), above(municipality));
        if school_above - municipality_above >= ABOVE_JOURNAL_GAP {
            flags.push(format!(
                "Отметку выше журнальной получили {school_above:.0}% (в муниципалитете \
                 {municipality_above:.0}%)"
            ));
        }
    }
    flags
}

/// `part` of `whole` in percent (0 for an empty whole).
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(marks: [u64; 4], journal: [u64; 3]) -> UnitStats {
        UnitStats {
            participants: marks.iter().sum(),
            marks,
            journal,
            ..UnitStats::default()
        }
    }

    #[test]
    fn a_school_far_above_its_municipality_is_flagged_and_a_typical_one_is_not() {
        let municipality = stats([100, 400, 400, 100], [300, 600, 100]);
        let inflated = stats([0, 2, 8, 10], [0, 10, 10]);
        let typical = stats([2, 8, 8, 2], [6, 12, 2]);
        let reasons = flags(&inflated, &municipality);
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons[0].contains("90%"), "{reasons:?}");
        assert!(flags(&typical, &municipality).is_empty());
    }

    #[test]
    fn a_small_school_is_never_flagged() {
        let municipality = stats([100, 400, 400, 100], [300, 600, 100]);
        assert!(flags(&stats([0, 0, 4, 5], [0, 0, 9]), &municipality).is_empty());
    }
}
