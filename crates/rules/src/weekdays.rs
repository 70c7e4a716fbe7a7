//! Sets of weekdays: the days of the week a site opens its doors.

use std::fmt;

use chrono::Weekday;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A set of weekdays, written in the API as `["mon","tue","wed","thu","fri"]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct WeekdaySet(u8);

/// A weekday name that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a weekday (use mon, tue, wed, thu, fri, sat or sun)")]
pub struct WeekdaysError(String);

const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl WeekdaySet {
    /// No day at all: a site that is closed every day of the week.
    pub const EMPTY: WeekdaySet = WeekdaySet(0);
    /// Monday to Friday, the default opening days of a site.
    pub const MON_TO_FRI: WeekdaySet = WeekdaySet(0b001_1111);
    /// Every day of the week.
    pub const ALL: WeekdaySet = WeekdaySet(0b111_1111);

    /// The set holding exactly these days.
    pub fn of(days: impl IntoIterator<Item = Weekday>) -> Self {
        days.into_iter().fold(Self::EMPTY, |set, day| set.with(day))
    }

    /// Parses weekday names (`mon` ... `sun`, any case); repeats are harmless.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, WeekdaysError> {
        names.into_iter().try_fold(Self::EMPTY, |set, name| {
            let lower = name.trim().to_ascii_lowercase();
            NAMES
                .iter()
                .position(|n| *n == lower)
                .map(|i| WeekdaySet(set.0 | 1 << i))
                .ok_or_else(|| WeekdaysError(name.chars().take(16).collect()))
        })
    }

    /// This set with `day` added.
    pub const fn with(self, day: Weekday) -> Self {
        WeekdaySet(self.0 | 1 << day.num_days_from_monday())
    }

    /// Whether `day` is in the set.
    pub const fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// How many days of the week are in the set.
    pub const fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether the set holds no day.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The days in the set, Monday first.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        (0u8..7).filter(move |i| self.0 & (1 << i) != 0).filter_map(|i| Weekday::try_from(i).ok())
    }

    /// The names of the days in the set, Monday first.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        (0..7).filter(move |i| self.0 & (1 << i) != 0).map(|i| NAMES[i])
    }

    /// The set as a bit mask, Monday in the lowest bit (for storage).
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// The set from a bit mask made by [`WeekdaySet::bits`]; higher bits are ignored.
    pub const fn from_bits(bits: u8) -> Self {
        WeekdaySet(bits & 0b111_1111)
    }
}

impl fmt::Debug for WeekdaySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl Serialize for WeekdaySet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.names())
    }
}

impl<'de> Deserialize<'de> for WeekdaySet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(deserializer)?;
        WeekdaySet::parse(names.iter().map(String::as_str)).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_into_a_set_and_come_back_in_week_order() {
        let set = WeekdaySet::parse(["fri", "Mon", "wed", "mon"]).unwrap();
        assert_eq!(set.names().collect::<Vec<_>>(), ["mon", "wed", "fri"]);
        assert_eq!(set.len(), 3);
        assert!(set.contains(Weekday::Wed));
        assert!(!set.contains(Weekday::Tue));
    }

    #[test]
    fn an_unknown_name_is_refused() {
        assert!(WeekdaySet::parse(["monday"]).is_err());
        assert!(WeekdaySet::parse(["pon"]).is_err());
    }

    #[test]
    fn the_default_week_is_monday_to_friday_in_json() {
        let json = serde_json::to_string(&WeekdaySet::MON_TO_FRI).unwrap();
        assert_eq!(json, r#"["mon","tue","wed","thu","fri"]"#);
        let back: WeekdaySet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, WeekdaySet::MON_TO_FRI);
    }

    #[test]
    fn the_bit_mask_round_trips() {
        let set = WeekdaySet::of([Weekday::Sat, Weekday::Sun]);
        assert_eq!(WeekdaySet::from_bits(set.bits()), set);
        assert_eq!(set.iter().collect::<Vec<_>>(), [Weekday::Sat, Weekday::Sun]);
    }
}
