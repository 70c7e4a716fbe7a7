//! The quota window: a member may have at most N stays at one host cluster
//! whose start dates fall within one window of 365 days (dates d to d + 364)
//! that contains the new stay's start. This finds the busiest such window.

use chrono::NaiveDate;

use crate::dates::{DateRange, add_days_saturating, sub_days_saturating};

/// The length of a quota window, in days, minus one (the window is inclusive).
const WINDOW_SPAN: u64 = 364;

/// Among the 365-day windows that contain `start`, the one holding the most
/// of `other_starts`, with how many it holds (the new stay not counted).
pub(crate) fn busiest_window(start: NaiveDate, other_starts: impl Iterator<Item = NaiveDate>) -> (DateRange, u32) {
    let earliest = sub_days_saturating(start, WINDOW_SPAN);
    let latest_end = add_days_saturating(start, WINDOW_SPAN);
    let mut starts: Vec<NaiveDate> = other_starts.filter(|d| earliest <= *d && *d <= latest_end).collect();
    starts.sort_unstable();
    let window_at = |d: NaiveDate| DateRange::day(d).with_end(add_days_saturating(d, WINDOW_SPAN));
    let held_by = |window: DateRange| {
        let from = starts.partition_point(|x| *x < window.start());
        let to = starts.partition_point(|x| *x <= window.end());
        u32::try_from(to - from).unwrap_or(u32::MAX)
    };
    // The count only changes where a window stops holding a start (d = x + 1)
    // or starts holding one (d = y - 364); the busiest window begins at one of
    // those points or at the earliest possible start.
    let candidates = std::iter::once(earliest)
        .chain(starts.iter().flat_map(|x| [x.succ_opt().unwrap_or(*x), sub_days_saturating(*x, WINDOW_SPAN)]));
    let mut best = (window_at(earliest), held_by(window_at(earliest)));
    for d in candidates.filter(|d| earliest <= *d && *d <= start) {
        let window = window_at(d);
        let held = held_by(window);
        if held > best.1 {
            best = (window, held);
        }
    }
    best
}

/// How many more stays a member may request at a host today: the host's
/// yearly limit less the member's live stays there in the busiest 365-day
/// window that holds today (a stay starting today would share it). The
/// site page says it beside the limit ("2 stays a year, 1 left").
pub fn stays_left(max_per_year: u32, today: NaiveDate, live_starts: impl Iterator<Item = NaiveDate>) -> u32 {
    max_per_year.saturating_sub(busiest_window(today, live_starts).1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::test_dates::d;

    #[test]
    fn stays_left_counts_the_busiest_window_that_holds_today() {
        assert_eq!(stays_left(2, d("2026-06-01"), std::iter::empty()), 2);
        // One a year ago (outside) and one next month (inside).
        let starts = [d("2025-06-01"), d("2026-07-01")];
        assert_eq!(stays_left(2, d("2026-06-01"), starts.into_iter()), 1);
        // Past the limit already: none left, never an underflow.
        let starts = [d("2026-01-01"), d("2026-03-01"), d("2026-07-01")];
        assert_eq!(stays_left(2, d("2026-06-01"), starts.into_iter()), 0);
    }

    #[test]
    fn no_other_stay_means_an_empty_window() {
        let (_, held) = busiest_window(d("2026-06-01"), std::iter::empty());
        assert_eq!(held, 0);
    }

    #[test]
    fn a_stay_364_days_before_shares_a_window_and_365_days_before_does_not() {
        let (window, held) = busiest_window(d("2026-06-01"), [d("2025-06-02")].into_iter());
        assert_eq!(held, 1);
        assert_eq!(window.start(), d("2025-06-02"));
        let (_, held) = busiest_window(d("2026-06-01"), [d("2025-06-01")].into_iter());
        assert_eq!(held, 0);
    }

    #[test]
    fn stays_on_both_sides_count_only_when_one_window_holds_them_all() {
        // 200 days before and 200 days after: 400 days apart, never in one window.
        let others = [d("2025-11-13"), d("2026-12-18")];
        let (_, held) = busiest_window(d("2026-06-01"), others.into_iter());
        assert_eq!(held, 1);
        // 100 before and 100 after: one window holds both.
        let others = [d("2026-02-21"), d("2026-09-09")];
        let (window, held) = busiest_window(d("2026-06-01"), others.into_iter());
        assert_eq!(held, 2);
        assert!(window.contains(d("2026-02-21")) && window.contains(d("2026-09-09")));
        assert!(window.contains(d("2026-06-01")));
    }
}
