//! Sane bounds for the dates people type that no other rule limits: a
//! closure, the date a cluster joined, the last date a cluster vouches for
//! a member. A date far off (year 9999, year 0001) is a typing mistake or
//! a probe, and would reach calendars and reports as nonsense. Judged
//! against "today", which the caller passes in.

use chrono::{Days, NaiveDate};
use serde::Serialize;

/// A date field with bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateField {
    /// A site's closure: from a year back to five years ahead.
    Closure,
    /// The date a cluster joined the network: from 1990 to a year ahead.
    JoinedOn,
    /// The last date a cluster vouches for a member: up to ten years back or ahead.
    VouchedUntil,
}

impl DateField {
    /// The field's name, as the API spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            DateField::Closure => "date",
            DateField::JoinedOn => "joined_on",
            DateField::VouchedUntil => "vouched_until",
        }
    }

    /// The first and last dates allowed on `today`.
    pub fn bounds(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let back = |days| today.checked_sub_days(Days::new(days)).unwrap_or(today);
        let ahead = |days| today.checked_add_days(Days::new(days)).unwrap_or(today);
        match self {
            DateField::Closure => (back(366), ahead(5 * 366)),
            DateField::JoinedOn => (NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(today), ahead(366)),
            DateField::VouchedUntil => (back(10 * 366), ahead(10 * 366)),
        }
    }
}

/// A date outside its field's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{}: a date from {earliest} to {latest}", field.as_str())]
pub struct DateOutOfRange {
    /// Which field.
    pub field: DateField,
    /// The first date allowed.
    pub earliest: NaiveDate,
    /// The last date allowed.
    pub latest: NaiveDate,
}

/// `date` if it is within `field`'s bounds on `today`.
pub fn within_bounds(field: DateField, date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DateOutOfRange> {
    let (earliest, latest) = field.bounds(today);
    if (earliest..=latest).contains(&date) { Ok(date) } else { Err(DateOutOfRange { field, earliest, latest }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn far_off_dates_are_refused_and_near_ones_kept() {
        let today = d(2026, 3, 2);
        assert_eq!(within_bounds(DateField::Closure, d(2026, 12, 24), today), Ok(d(2026, 12, 24)));
        let refused = within_bounds(DateField::Closure, d(9999, 12, 31), today).unwrap_err();
        assert_eq!(refused.to_string(), "date: a date from 2025-03-01 to 2031-03-06");
        assert!(within_bounds(DateField::JoinedOn, d(2013, 1, 15), today).is_ok());
        assert!(within_bounds(DateField::JoinedOn, d(1, 1, 1), today).is_err());
        assert!(within_bounds(DateField::VouchedUntil, d(2030, 6, 30), today).is_ok());
        assert!(within_bounds(DateField::VouchedUntil, d(2999, 6, 30), today).is_err());
    }
}
