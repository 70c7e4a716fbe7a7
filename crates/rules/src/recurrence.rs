//! Repeating events (issue 22): "every Tuesday", "every first Tuesday of
//! the month", until a last date. A series is expanded here into the dates
//! of its occurrences, each of which becomes an event of its own (one
//! registers for one); the bound on how many keeps a series from filling
//! the programme.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::Serialize;

/// The most occurrences one series has (a year of weeks).
pub const MAX_OCCURRENCES: usize = 53;

/// How a series repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Repeat {
    /// Every week, on the first occurrence's weekday.
    Weekly,
    /// Every month, on the same weekday at the same place in the month as
    /// the first occurrence (the first, …, fourth, or the last).
    Monthly,
}

impl Repeat {
    /// The API's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Repeat::Weekly => "weekly",
            Repeat::Monthly => "monthly",
        }
    }

    /// The repeat of an API name.
    pub fn parse(text: &str) -> Option<Repeat> {
        match text.trim() {
            "weekly" => Some(Repeat::Weekly),
            "monthly" => Some(Repeat::Monthly),
            _ => None,
        }
    }
}

/// Where in its month a date's weekday falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthPlace {
    /// The first to fourth such weekday (1 to 4).
    Nth(u32),
    /// The last such weekday (for a date in the month's last seven days
    /// that is not among the first four: every month has a last one).
    Last,
}

impl MonthPlace {
    /// The place of `date`'s weekday in its month.
    pub fn of(date: NaiveDate) -> MonthPlace {
        match (date.day() - 1) / 7 + 1 {
            n @ 1..=4 => MonthPlace::Nth(n),
            _ => MonthPlace::Last,
        }
    }

    /// The date of `weekday` at this place in the month of `first_of_month`.
    pub fn in_month(self, first_of_month: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
        match self {
            MonthPlace::Nth(n) => NaiveDate::from_weekday_of_month_opt(
                first_of_month.year(),
                first_of_month.month(),
                weekday,
                u8::try_from(n).ok()?,
            ),
            MonthPlace::Last => {
                let next = first_of_month.checked_add_months(Months::new(1))?;
                let mut day = next.pred_opt()?;
                while day.weekday() != weekday {
                    day = day.pred_opt()?;
                }
                Some(day)
            }
        }
    }
}

/// A series that cannot be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    /// The last date is before the first occurrence.
    #[error("until: the series' last date is before its first occurrence")]
    UntilBeforeStart,
    /// More occurrences than a series may have.
    #[error("until: a series has at most {max} occurrences; end it sooner")]
    TooMany {
        /// The most.
        max: usize,
    },
}

/// The dates of a series' occurrences, `first` (the first occurrence's
/// date) included, up to `until` included, in order.
pub fn occurrence_dates(first: NaiveDate, repeat: Repeat, until: NaiveDate) -> Result<Vec<NaiveDate>, RecurrenceError> {
    if until < first {
        return Err(RecurrenceError::UntilBeforeStart);
    }
    let mut dates = vec![first];
    let place = MonthPlace::of(first);
    let mut month = first.with_day(1).unwrap_or(first);
    loop {
        let next = match repeat {
            Repeat::Weekly => dates.last().and_then(|d| d.checked_add_days(Days::new(7))),
            Repeat::Monthly => {
                month = month.checked_add_months(Months::new(1)).unwrap_or(NaiveDate::MAX);
                place.in_month(month, first.weekday())
            }
        };
        match next {
            Some(date) if date <= until => {
                if dates.len() == MAX_OCCURRENCES {
                    return Err(RecurrenceError::TooMany { max: MAX_OCCURRENCES });
                }
                dates.push(date);
            }
            _ => return Ok(dates),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn every_first_tuesday_until_june() {
        // 2 March 2027 is the first Tuesday of March.
        let dates = occurrence_dates(d("2027-03-02"), Repeat::Monthly, d("2027-06-30")).unwrap();
        assert_eq!(dates, [d("2027-03-02"), d("2027-04-06"), d("2027-05-04"), d("2027-06-01")]);
    }

    #[test]
    fn a_last_weekday_stays_the_last() {
        // 29 March 2027 is the last Monday of March (the fifth).
        let dates = occurrence_dates(d("2027-03-29"), Repeat::Monthly, d("2027-05-31")).unwrap();
        assert_eq!(dates, [d("2027-03-29"), d("2027-04-26"), d("2027-05-31")]);
    }

    #[test]
    fn weekly_until_and_its_bounds() {
        let dates = occurrence_dates(d("2027-01-05"), Repeat::Weekly, d("2027-01-26")).unwrap();
        assert_eq!(dates.len(), 4);
        assert_eq!(
            occurrence_dates(d("2027-01-05"), Repeat::Weekly, d("2027-01-04")),
            Err(RecurrenceError::UntilBeforeStart)
        );
        assert_eq!(
            occurrence_dates(d("2027-01-05"), Repeat::Weekly, d("2028-06-01")),
            Err(RecurrenceError::TooMany { max: MAX_OCCURRENCES })
        );
        assert_eq!(occurrence_dates(d("2027-01-05"), Repeat::Weekly, d("2027-01-05")).unwrap(), [d("2027-01-05")]);
    }

    proptest! {
        #[test]
        fn occurrences_keep_the_weekday_and_the_bounds(
            offset in 0u64..2000, span in 0u64..400, monthly in any::<bool>(),
        ) {
            let first = d("2026-01-01").checked_add_days(Days::new(offset)).unwrap();
            let until = first.checked_add_days(Days::new(span)).unwrap();
            let repeat = if monthly { Repeat::Monthly } else { Repeat::Weekly };
            match occurrence_dates(first, repeat, until) {
                Ok(dates) => {
                    prop_assert_eq!(dates[0], first);
                    prop_assert!(dates.len() <= MAX_OCCURRENCES);
                    prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
                    prop_assert!(dates.iter().all(|x| x.weekday() == first.weekday() && *x <= until));
                    if monthly {
                        prop_assert!(dates.iter().all(|x| MonthPlace::of(*x) == MonthPlace::of(first)
                            || (MonthPlace::of(first) == MonthPlace::Last
                                && x.checked_add_days(Days::new(7)).unwrap().month() != x.month())));
                    }
                }
                Err(e) => prop_assert_eq!(e, RecurrenceError::TooMany { max: MAX_OCCURRENCES }),
            }
        }
    }
}
