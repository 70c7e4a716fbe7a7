//! Events at a site (DOMAIN.md, "Events"): when an event may be published
//! (its site-local times, length, capacity) and who may register for it:
//! members of the host cluster, and visitors whose approved stay at that
//! site holds the event's local start date. Seats are counted by the store,
//! as strictly as desks.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::ids::{ClusterId, SiteId, StayId};
use crate::status::StayStatus;
use crate::zone::TimeZone;

/// The longest an event may last.
pub const MAX_EVENT_DAYS: i64 = 14;

/// The most seats one event may offer (a sanity bound).
pub const MAX_EVENT_CAPACITY: u32 = 10_000;

/// Why an event's times are not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventTimeError {
    /// Not a `YYYY-MM-DDTHH:MM` local time.
    #[error("`{0}` is not a local time written YYYY-MM-DDTHH:MM")]
    Malformed(String),
    /// The end is not after the start.
    #[error("the event must end after it starts")]
    EndsBeforeStart,
    /// Longer than [`MAX_EVENT_DAYS`].
    #[error("an event lasts at most {MAX_EVENT_DAYS} days")]
    TooLong,
    /// The start has passed at the site.
    #[error("the event's start has already passed at the site")]
    InThePast,
    /// The start is past the events' horizon.
    #[error("an event starts on {latest} at the latest")]
    TooFar {
        /// The last date an event may start on.
        latest: chrono::NaiveDate,
    },
}

/// How far ahead events may be published, by default (two years).
pub const DEFAULT_EVENT_HORIZON_DAYS: u32 = 730;

/// Parses a site-local time written `YYYY-MM-DDTHH:MM` (strictly: no
/// seconds, no offset, no zone).
pub fn parse_local_time(input: &str) -> Result<NaiveDateTime, EventTimeError> {
    let err = || EventTimeError::Malformed(input.chars().take(32).collect());
    let b = input.as_bytes();
    let shape_ok = b.len() == 16
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b.iter().enumerate().all(|(i, c)| matches!(i, 4 | 7 | 10 | 13) || c.is_ascii_digit());
    if !shape_ok {
        return Err(err());
    }
    NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M").map_err(|_| err())
}

/// Writes a site-local time as the API shows it: `YYYY-MM-DDTHH:MM`.
pub fn format_local_time(time: NaiveDateTime) -> String {
    time.format("%Y-%m-%dT%H:%M").to_string()
}

/// An event's times, checked: the local start and end at the site and the
/// instants they name there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTimes {
    /// Local start at the site.
    pub starts_at: NaiveDateTime,
    /// Local end at the site.
    pub ends_at: NaiveDateTime,
    /// The start's instant.
    pub starts_utc: DateTime<Utc>,
    /// The end's instant.
    pub ends_utc: DateTime<Utc>,
}

impl EventTimes {
    /// Checks local times at a site in `zone`: the end after the start, at
    /// most [`MAX_EVENT_DAYS`] long, the start not yet passed at `now`.
    pub fn check(
        starts_at: NaiveDateTime,
        ends_at: NaiveDateTime,
        zone: TimeZone,
        now: DateTime<Utc>,
    ) -> Result<EventTimes, EventTimeError> {
        let (starts_utc, ends_utc) = (zone.instant_of(starts_at), zone.instant_of(ends_at));
        if ends_utc <= starts_utc {
            return Err(EventTimeError::EndsBeforeStart);
        }
        if ends_utc - starts_utc > TimeDelta::days(MAX_EVENT_DAYS) {
            return Err(EventTimeError::TooLong);
        }
        if starts_utc <= now {
            return Err(EventTimeError::InThePast);
        }
        Ok(EventTimes { starts_at, ends_at, starts_utc, ends_utc })
    }

    /// [`EventTimes::check`], and the start within `horizon_days` of today
    /// at the site (as a stay is within its host's booking horizon): no
    /// event in year 9999, whose instant no calendar could write.
    pub fn check_within(
        starts_at: NaiveDateTime,
        ends_at: NaiveDateTime,
        zone: TimeZone,
        now: DateTime<Utc>,
        horizon_days: u32,
    ) -> Result<EventTimes, EventTimeError> {
        let today = zone.date_at(now);
        let latest = today.checked_add_days(chrono::Days::new(u64::from(horizon_days))).unwrap_or(today);
        if starts_at.date() > latest {
            return Err(EventTimeError::TooFar { latest });
        }
        EventTimes::check(starts_at, ends_at, zone, now)
    }
}

/// The event, as far as registration cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFacts {
    /// Where it happens.
    pub site: SiteId,
    /// The cluster that owns the site.
    pub host_cluster: ClusterId,
    /// Its start, in the site's local time.
    pub local_start: NaiveDateTime,
    /// Whether visitors may join, or only the host's own members.
    pub open_to_visitors: bool,
}

/// One of the registrant's stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrantStay {
    /// Which stay.
    pub id: StayId,
    /// At which site.
    pub site: SiteId,
    /// Where it is in its life.
    pub status: StayStatus,
    /// Marked no-show.
    pub no_show: bool,
    /// The desk-days it holds.
    pub held_days: Vec<chrono::NaiveDate>,
}

/// Why a member may register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum RegistrationGrant {
    /// A member of the host cluster.
    HostMember,
    /// A visitor, on the strength of this stay (cancelling it withdraws the
    /// registration).
    Visitor {
        /// The stay that covers the event.
        stay: StayId,
    },
}

/// Why a member may not register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationRefusal {
    /// The event is for the host's own members.
    #[error("this event is for the host cluster's own members")]
    NotOpenToVisitors,
    /// No approved stay at the site holds the event's date.
    #[error("you have no approved stay at this site on the event's date")]
    NoStayCoveringEvent,
}

impl RegistrationRefusal {
    /// The stable code the API returns.
    pub const fn code(self) -> &'static str {
        match self {
            RegistrationRefusal::NotOpenToVisitors => "event_not_open_to_visitors",
            RegistrationRefusal::NoStayCoveringEvent => "no_stay_covering_event",
        }
    }
}

/// Whether a member of `home` may register for `event`, given their stays.
pub fn registration(
    home: ClusterId,
    event: &EventFacts,
    stays: &[RegistrantStay],
) -> Result<RegistrationGrant, RegistrationRefusal> {
    if home == event.host_cluster {
        return Ok(RegistrationGrant::HostMember);
    }
    if !event.open_to_visitors {
        return Err(RegistrationRefusal::NotOpenToVisitors);
    }
    let date = event.local_start.date();
    stays
        .iter()
        .find(|s| s.site == event.site && s.status == StayStatus::Approved && !s.no_show && s.held_days.contains(&date))
        .map(|s| RegistrationGrant::Visitor { stay: s.id })
        .ok_or(RegistrationRefusal::NoStayCoveringEvent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        parse_local_time(text).unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn local_times_are_parsed_strictly() {
        assert_eq!(format_local_time(at("2026-03-10T17:00")), "2026-03-10T17:00");
        for bad in ["2026-03-10 17:00", "2026-03-10T17:00:00", "2026-02-30T10:00", "2026-03-10T24:00", "", "x"] {
            assert!(parse_local_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times_are_read_in_the_site_zone_and_checked() {
        let warsaw = TimeZone::parse("Europe/Warsaw").unwrap();
        let now = utc("2026-03-01T12:00:00Z");
        let t = EventTimes::check(at("2026-03-10T17:00"), at("2026-03-10T19:00"), warsaw, now).unwrap();
        assert_eq!(t.starts_utc, utc("2026-03-10T16:00:00Z"));
        assert_eq!(
            EventTimes::check(at("2026-03-10T17:00"), at("2026-03-10T17:00"), warsaw, now),
            Err(EventTimeError::EndsBeforeStart)
        );
        assert_eq!(
            EventTimes::check(at("2026-03-10T17:00"), at("2026-03-24T17:01"), warsaw, now),
            Err(EventTimeError::TooLong)
        );
        // 13:00 in Warsaw is 12:00 UTC: just passed.
        assert_eq!(
            EventTimes::check(at("2026-03-01T13:00"), at("2026-03-01T14:00"), warsaw, now),
            Err(EventTimeError::InThePast)
        );
        assert!(EventTimes::check(at("2026-03-01T13:01"), at("2026-03-01T14:00"), warsaw, now).is_ok());
        // Two years ahead at the site, and no further.
        let latest = chrono::NaiveDate::from_ymd_opt(2028, 2, 29).unwrap();
        assert!(EventTimes::check_within(at("2028-02-29T09:00"), at("2028-02-29T10:00"), warsaw, now, 730).is_ok());
        assert_eq!(
            EventTimes::check_within(at("2028-03-01T09:00"), at("2028-03-01T10:00"), warsaw, now, 730),
            Err(EventTimeError::TooFar { latest })
        );
        let samoa = TimeZone::parse("Pacific/Pago_Pago").unwrap();
        assert!(matches!(
            EventTimes::check_within(at("9999-12-31T20:00"), at("9999-12-31T21:00"), samoa, now, 730),
            Err(EventTimeError::TooFar { .. })
        ));
    }

    #[test]
    fn who_may_register() {
        let (host, home) =
            (ClusterId::from_uuid(uuid::Uuid::from_u128(1)), ClusterId::from_uuid(uuid::Uuid::from_u128(2)));
        let site = SiteId::from_uuid(uuid::Uuid::from_u128(3));
        let stay = StayId::from_uuid(uuid::Uuid::from_u128(4));
        let event =
            EventFacts { site, host_cluster: host, local_start: at("2026-03-10T17:00"), open_to_visitors: true };
        let day = event.local_start.date();
        let approved =
            RegistrantStay { id: stay, site, status: StayStatus::Approved, no_show: false, held_days: vec![day] };
        assert_eq!(registration(host, &event, &[]), Ok(RegistrationGrant::HostMember));
        assert_eq!(
            registration(home, &event, std::slice::from_ref(&approved)),
            Ok(RegistrationGrant::Visitor { stay })
        );
        assert_eq!(registration(home, &event, &[]), Err(RegistrationRefusal::NoStayCoveringEvent));
        let pending = RegistrantStay { status: StayStatus::Pending, ..approved.clone() };
        assert_eq!(registration(home, &event, &[pending]), Err(RegistrationRefusal::NoStayCoveringEvent));
        let no_show = RegistrantStay { no_show: true, ..approved.clone() };
        assert_eq!(registration(home, &event, &[no_show]), Err(RegistrationRefusal::NoStayCoveringEvent));
        let other_day = RegistrantStay { held_days: vec![day.succ_opt().unwrap()], ..approved.clone() };
        assert_eq!(registration(home, &event, &[other_day]), Err(RegistrationRefusal::NoStayCoveringEvent));
        let elsewhere = RegistrantStay { site: SiteId::from_uuid(uuid::Uuid::from_u128(9)), ..approved.clone() };
        assert_eq!(registration(home, &event, &[elsewhere]), Err(RegistrationRefusal::NoStayCoveringEvent));
        let closed = EventFacts { open_to_visitors: false, ..event };
        assert_eq!(registration(home, &closed, &[approved]), Err(RegistrationRefusal::NotOpenToVisitors));
        assert_eq!(registration(host, &closed, &[]), Ok(RegistrationGrant::HostMember));
    }
}
