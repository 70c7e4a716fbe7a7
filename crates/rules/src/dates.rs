//! Calendar dates as the API writes them (`YYYY-MM-DD`), and inclusive
//! ranges of them: a stay runs from its start date to its end date, both
//! included, in the host site's time zone.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The text is not a `YYYY-MM-DD` date that exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date written as YYYY-MM-DD")]
pub struct DateError(String);

/// Parses a date written exactly as `YYYY-MM-DD` (four-digit year, two-digit
/// month and day) that exists in the calendar: `2026-02-30` is refused.
pub fn parse_date(input: &str) -> Result<NaiveDate, DateError> {
    let err = || DateError(input.chars().take(32).collect());
    let b = input.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(err());
    }
    NaiveDate::parse_from_str(input, "%Y-%m-%d").map_err(|_| err())
}

/// An inclusive range of dates whose end is not before its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    /// The range `start..=end`, or `None` when `end` is before `start`
    /// (the rules call that `bad_range`).
    pub fn new(start: NaiveDate, end: NaiveDate) -> Option<Self> {
        (start <= end).then_some(DateRange { start, end })
    }

    /// The range of one day.
    pub fn day(date: NaiveDate) -> Self {
        DateRange { start: date, end: date }
    }

    /// This range with another end, kept no earlier than the start.
    pub fn with_end(self, end: NaiveDate) -> Self {
        DateRange { start: self.start, end: end.max(self.start) }
    }

    /// The first date.
    pub fn start(self) -> NaiveDate {
        self.start
    }

    /// The last date (included).
    pub fn end(self) -> NaiveDate {
        self.end
    }

    /// How many dates the range holds (at least 1).
    pub fn len(self) -> u64 {
        // end >= start, so the difference is never negative.
        (self.end - self.start).num_days().unsigned_abs() + 1
    }

    /// A range always holds at least one date.
    pub fn is_empty(self) -> bool {
        false
    }

    /// Whether `date` is in the range.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Whether the two ranges share at least one date.
    pub fn overlaps(self, other: DateRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// Every date of the range, in order.
    pub fn dates(self) -> impl Iterator<Item = NaiveDate> {
        self.start.iter_days().take_while(move |d| *d <= self.end)
    }
}

/// `date + days`, or the last date chrono knows when that is beyond it.
pub(crate) fn add_days_saturating(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
}

/// `date - days`, or the first date chrono knows when that is before it.
pub(crate) fn sub_days_saturating(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(NaiveDate::MIN)
}

/// Dates and ranges written as text, for the tests of every module.
#[cfg(test)]
pub(crate) mod test_dates {
    use super::{DateRange, NaiveDate, parse_date};

    /// The date written `YYYY-MM-DD`.
    pub(crate) fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// The range from `a` to `b`, both written `YYYY-MM-DD`.
    pub(crate) fn range(a: &str, b: &str) -> DateRange {
        DateRange::new(d(a), d(b)).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::test_dates::d;
    use super::*;

    #[test]
    fn a_well_written_date_parses() {
        assert_eq!(d("2026-03-02"), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    }

    #[test]
    fn impossible_or_loosely_written_dates_are_refused() {
        for bad in
            ["2026-02-30", "2026-2-03", "26-02-03", "2026-02-03T00:00", " 2026-02-03", "2026/02/03", "+2026-02-03", ""]
        {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_range_holds_both_its_ends() {
        let r = DateRange::new(d("2026-03-02"), d("2026-03-06")).unwrap();
        assert_eq!(r.len(), 5);
        assert!(r.contains(d("2026-03-02")) && r.contains(d("2026-03-06")));
        assert!(!r.contains(d("2026-03-07")));
        assert_eq!(r.dates().count(), 5);
    }

    #[test]
    fn an_end_before_the_start_is_no_range() {
        assert_eq!(DateRange::new(d("2026-03-06"), d("2026-03-05")), None);
        assert!(DateRange::new(d("2026-03-06"), d("2026-03-06")).is_some());
    }

    #[test]
    fn ranges_that_touch_on_one_day_overlap() {
        let a = DateRange::new(d("2026-03-02"), d("2026-03-06")).unwrap();
        let b = DateRange::new(d("2026-03-06"), d("2026-03-09")).unwrap();
        let c = DateRange::new(d("2026-03-07"), d("2026-03-09")).unwrap();
        assert!(a.overlaps(b) && b.overlaps(a));
        assert!(!a.overlaps(c) && !c.overlaps(a));
    }

    #[test]
    fn date_arithmetic_saturates_at_the_ends_of_the_calendar() {
        assert_eq!(add_days_saturating(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(sub_days_saturating(NaiveDate::MIN, 1), NaiveDate::MIN);
    }
}
