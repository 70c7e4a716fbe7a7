//! A site's calendar: which dates are open days (an opening weekday that is
//! not a closure). Only open days hold desks and count as a stay's days.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use crate::dates::DateRange;
use crate::weekdays::WeekdaySet;

/// The opening weekdays of a site and its closures (dates it is shut).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteCalendar {
    open_weekdays: WeekdaySet,
    closures: BTreeSet<NaiveDate>,
}

impl Default for SiteCalendar {
    /// Open Monday to Friday, no closures.
    fn default() -> Self {
        SiteCalendar::new(WeekdaySet::MON_TO_FRI, [])
    }
}

impl SiteCalendar {
    /// A calendar open on `open_weekdays` except on the `closures`.
    pub fn new(open_weekdays: WeekdaySet, closures: impl IntoIterator<Item = NaiveDate>) -> Self {
        SiteCalendar { open_weekdays, closures: closures.into_iter().collect() }
    }

    /// The weekdays the site opens.
    pub fn open_weekdays(&self) -> WeekdaySet {
        self.open_weekdays
    }

    /// The dates the site is closed although their weekday is open or not.
    pub fn closures(&self) -> &BTreeSet<NaiveDate> {
        &self.closures
    }

    /// This calendar with `date` closed as well.
    pub fn with_closure(mut self, date: NaiveDate) -> Self {
        self.closures.insert(date);
        self
    }

    /// This calendar with other opening weekdays.
    pub fn with_open_weekdays(mut self, open_weekdays: WeekdaySet) -> Self {
        self.open_weekdays = open_weekdays;
        self
    }

    /// Whether `date` is an open day.
    pub fn is_open(&self, date: NaiveDate) -> bool {
        self.open_weekdays.contains(date.weekday()) && !self.closures.contains(&date)
    }

    /// The open days of `range`, in order.
    pub fn open_days(&self, range: DateRange) -> impl Iterator<Item = NaiveDate> + '_ {
        range.dates().filter(|d| self.is_open(*d))
    }

    /// How many open days `range` holds, in time that does not grow with the
    /// range's length (a request may name any end date, however far).
    pub fn count_open_days(&self, range: DateRange) -> u64 {
        let total = range.len();
        let first = u64::from(range.start().weekday().num_days_from_monday());
        let in_rest = (0..total % 7).filter(|i| self.is_open_weekday_number((first + i) % 7)).count() as u64;
        let closed_in_range = self
            .closures
            .range(range.start()..=range.end())
            .filter(|d| self.open_weekdays.contains(d.weekday()))
            .count() as u64;
        (total / 7) * u64::from(self.open_weekdays.len()) + in_rest - closed_in_range
    }

    /// Whether the weekday numbered `n` (Monday is 0) is an opening weekday.
    fn is_open_weekday_number(&self, n: u64) -> bool {
        u8::try_from(n)
            .ok()
            .and_then(|n| chrono::Weekday::try_from(n).ok())
            .is_some_and(|w| self.open_weekdays.contains(w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::test_dates::{d, range};

    #[test]
    fn wednesday_to_the_next_tuesday_at_a_weekday_site_is_five_days() {
        let calendar = SiteCalendar::default();
        let days: Vec<_> = calendar.open_days(range("2026-03-04", "2026-03-10")).collect();
        assert_eq!(days.len(), 5);
        assert_eq!(days[0], d("2026-03-04"));
        assert_eq!(days[4], d("2026-03-10"));
        assert_eq!(calendar.count_open_days(range("2026-03-04", "2026-03-10")), 5);
    }

    #[test]
    fn a_closure_is_not_an_open_day() {
        let calendar = SiteCalendar::default().with_closure(d("2026-03-05"));
        assert!(!calendar.is_open(d("2026-03-05")));
        assert!(calendar.is_open(d("2026-03-06")));
        assert_eq!(calendar.count_open_days(range("2026-03-02", "2026-03-08")), 4);
    }

    #[test]
    fn a_closure_on_a_weekend_changes_nothing() {
        let calendar = SiteCalendar::default().with_closure(d("2026-03-07"));
        assert_eq!(calendar.count_open_days(range("2026-03-02", "2026-03-08")), 5);
    }

    #[test]
    fn a_weekend_holds_no_open_day() {
        let calendar = SiteCalendar::default();
        assert_eq!(calendar.open_days(range("2026-03-07", "2026-03-08")).count(), 0);
        assert_eq!(calendar.count_open_days(range("2026-03-07", "2026-03-08")), 0);
    }

    #[test]
    fn counting_agrees_with_listing_on_every_start_weekday_and_length() {
        let calendar = SiteCalendar::new(
            WeekdaySet::parse(["mon", "wed", "thu", "sat"]).unwrap(),
            [d("2026-03-11"), d("2026-03-14"), d("2026-03-15")],
        );
        let first = d("2026-03-01");
        for start_offset in 0..14 {
            for len in 0..60 {
                let start = first + chrono::Days::new(start_offset);
                let r = DateRange::new(start, start + chrono::Days::new(len)).unwrap();
                assert_eq!(calendar.count_open_days(r), calendar.open_days(r).count() as u64);
            }
        }
    }

    #[test]
    fn counting_a_range_of_millennia_is_immediate() {
        let calendar = SiteCalendar::default();
        let r = DateRange::new(d("2026-01-05"), d("9999-12-31")).unwrap();
        assert!(calendar.count_open_days(r) > 2_000_000);
    }
}
