//! Time zones (IANA names, the tz database compiled in by chrono-tz), and the
//! two questions the rules ask of one: what date is it here at this instant,
//! and at which instant does this date begin here.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, Offset, TimeDelta, TimeZone as _, Utc};
use chrono_tz::Tz;

use crate::text_form::text_form;

/// An IANA time zone, such as `Europe/Warsaw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(Tz);

/// The text is not a time zone name the tz database knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an IANA time zone name (such as `Europe/Warsaw`)")]
pub struct TimeZoneError(String);

impl TimeZone {
    /// Coordinated Universal Time.
    pub const UTC: TimeZone = TimeZone(Tz::UTC);

    /// Parses an IANA name, exactly as the tz database spells it.
    pub fn parse(name: &str) -> Result<Self, TimeZoneError> {
        name.trim().parse::<Tz>().map(TimeZone).map_err(|_| TimeZoneError(name.chars().take(64).collect()))
    }

    /// Wraps a chrono-tz zone.
    pub const fn from_tz(tz: Tz) -> Self {
        TimeZone(tz)
    }

    /// The chrono-tz zone inside.
    pub const fn tz(self) -> Tz {
        self.0
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The calendar date here at `instant`: "today" for every rule.
    pub fn date_at(self, instant: DateTime<Utc>) -> NaiveDate {
        let utc = instant.naive_utc();
        let offset = self.0.offset_from_utc_datetime(&utc).fix();
        // At the very ends of chrono's range the local time may not be
        // representable; the UTC date is then the best answer there is.
        utc.checked_add_offset(offset).map_or_else(|| utc.date(), |local| local.date())
    }

    /// The instant a wall-clock time here names: where the clocks go back
    /// and the time happens twice, the earlier; where they jump forward over
    /// it (a gap), the time read with the offset before the jump, as RFC 5545
    /// says (02:30 on a night the clocks go from 02:00 to 03:00 is 03:30).
    pub fn instant_of(self, local: chrono::NaiveDateTime) -> DateTime<Utc> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
            LocalResult::None => {
                let before = local.checked_sub_signed(TimeDelta::hours(3)).unwrap_or(local);
                let offset = self.0.offset_from_local_datetime(&before).earliest().map(|o| o.fix());
                let utc = offset.and_then(|o| local.checked_sub_offset(o)).unwrap_or(local);
                utc.and_utc()
            }
        }
    }

    /// The first instant of `date` here: local midnight, or, where the clocks
    /// jump over midnight (a gap), the instant the day begins after the jump;
    /// where midnight happens twice, the earlier. Saturates at chrono's limits.
    pub fn start_of_day(self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_time(NaiveTime::MIN);
        match self.0.from_local_datetime(&midnight) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
            LocalResult::None => self.first_instant_on_or_after(date),
        }
    }

    /// The earliest instant whose local date is `date` or later, found by
    /// bisection between two instants that surely bracket it (no zone is
    /// more than 26 hours from UTC).
    fn first_instant_on_or_after(self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_time(NaiveTime::MIN);
        let bracket = TimeDelta::hours(26);
        let (Some(lo), Some(hi)) = (midnight.checked_sub_signed(bracket), midnight.checked_add_signed(bracket)) else {
            return if date < NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN) {
                DateTime::<Utc>::MIN_UTC
            } else {
                DateTime::<Utc>::MAX_UTC
            };
        };
        // Invariant: local date at `lo` is before `date`, at `hi` it is not.
        // Zone transitions fall on whole seconds, so bisect over seconds.
        let (mut lo, mut hi) = (lo.and_utc().timestamp(), hi.and_utc().timestamp());
        let at = |secs: i64| DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MAX_UTC);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.date_at(at(mid)) < date {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        at(hi)
    }
}

text_form!(TimeZone as name => Display, Serialize, Deserialize);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_zone_parses_and_keeps_its_name() {
        let zone = TimeZone::parse("Europe/Warsaw").unwrap();
        assert_eq!(zone.name(), "Europe/Warsaw");
        assert_eq!(serde_json::to_string(&zone).unwrap(), "\"Europe/Warsaw\"");
    }

    #[test]
    fn an_unknown_or_abbreviated_zone_is_refused() {
        assert!(TimeZone::parse("Europe/Ruda_Slaska").is_err());
        assert!(TimeZone::parse("CEST").is_err());
        assert!(TimeZone::parse("").is_err());
    }

    #[test]
    fn every_zone_answers_at_the_ends_of_time_without_panicking() {
        for tz in chrono_tz::TZ_VARIANTS {
            let zone = TimeZone::from_tz(tz);
            let _ = zone.date_at(DateTime::<Utc>::MAX_UTC);
            let _ = zone.date_at(DateTime::<Utc>::MIN_UTC);
            let _ = zone.start_of_day(NaiveDate::MAX);
            let _ = zone.start_of_day(NaiveDate::MIN);
        }
    }

    #[test]
    fn a_wall_clock_time_names_one_instant_even_around_dst() {
        let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let kolkata = TimeZone::parse("Asia/Kolkata").unwrap();
        assert_eq!(kolkata.instant_of(at("2026-03-10 09:00")), utc("2026-03-10T03:30:00Z"));
        let warsaw = TimeZone::parse("Europe/Warsaw").unwrap();
        // 29 March 2026: 02:00 becomes 03:00; 02:30 does not exist.
        assert_eq!(warsaw.instant_of(at("2026-03-29 02:30")), utc("2026-03-29T01:30:00Z"));
        assert_eq!(warsaw.instant_of(at("2026-03-29 03:30")), utc("2026-03-29T01:30:00Z"));
        // 25 October 2026: 02:30 happens twice; the earlier (summer time).
        assert_eq!(warsaw.instant_of(at("2026-10-25 02:30")), utc("2026-10-25T00:30:00Z"));
        let auckland = TimeZone::parse("Pacific/Auckland").unwrap();
        // 5 April 2026: 03:00 becomes 02:00; 02:30 twice, the first at +13.
        assert_eq!(auckland.instant_of(at("2026-04-05 02:30")), utc("2026-04-04T13:30:00Z"));
    }
}
