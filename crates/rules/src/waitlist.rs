//! A waitlist for full days (issue 23): a member whose request is refused
//! only for `no_capacity` may wait for those exact dates. When desks free up,
//! the first waiting member, in order of joining, whose whole range fits is
//! offered it: the desks are held for them for the host's
//! `offer_hold_hours`; accepting turns the offer into a request judged as
//! usual; letting it lapse gives the desks to the next in line.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::dates::DateRange;
use crate::decide::{Decision, DeskLoad, Refusal, Snapshot, StayRequest, decide};
use crate::violation::Violation;

/// The most entries a member waits on at once (a bound on what one person
/// can make grow).
pub const MAX_WAITING_PER_MEMBER: usize = 10;

/// Where a waitlist entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitStatus {
    /// In line.
    Waiting,
    /// Desks are held for the member until the offer expires.
    Offered,
    /// The member took the offer: a stay was requested.
    Accepted,
    /// The offer ran out; the desks went to the next in line.
    Lapsed,
    /// The member left the line (or declined the offer).
    Left,
}

impl WaitStatus {
    /// Every status.
    pub const ALL: [WaitStatus; 5] =
        [WaitStatus::Waiting, WaitStatus::Offered, WaitStatus::Accepted, WaitStatus::Lapsed, WaitStatus::Left];

    /// As the API and the database spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            WaitStatus::Waiting => "waiting",
            WaitStatus::Offered => "offered",
            WaitStatus::Accepted => "accepted",
            WaitStatus::Lapsed => "lapsed",
            WaitStatus::Left => "left",
        }
    }

    /// The status spelled `text`, if any.
    pub fn parse(text: &str) -> Option<WaitStatus> {
        WaitStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Still in line or holding an offer.
    pub const fn is_live(self) -> bool {
        matches!(self, WaitStatus::Waiting | WaitStatus::Offered)
    }
}

impl std::fmt::Display for WaitStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a member may join the line for a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitDecision {
    /// Every rule but capacity passes and some day is full: wait.
    MayWait,
    /// Desks are free on every day: no need to wait, request it (409
    /// `desks_free`).
    Fits,
    /// Rules other than capacity are broken: every one of them, as a
    /// request's refusal lists them (422 `rule_violation`).
    Refused(Refusal),
}

/// Judges joining the line for `request` as a request would be judged at
/// `now`, capacity aside.
pub fn may_wait(snapshot: &Snapshot, request: &StayRequest, now: DateTime<Utc>) -> WaitDecision {
    match decide(snapshot, request, now) {
        Decision::Accepted(_) => WaitDecision::Fits,
        Decision::Refused(refusal) => {
            let others: Vec<Violation> =
                refusal.violations.into_iter().filter(|v| !matches!(v, Violation::NoCapacity { .. })).collect();
            if others.is_empty() {
                WaitDecision::MayWait
            } else {
                WaitDecision::Refused(Refusal { violations: others, alternatives: Vec::new() })
            }
        }
    }
}

/// One entry in line, as the offer pass sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InLine<K> {
    /// The entry.
    pub key: K,
    /// Its range.
    pub range: DateRange,
}

/// The entries offered now at a site of `desks` desks with `held` desks
/// held per day and `open` telling its open days: in order of joining, each
/// whose every open day has a free desk, its days counted held before the
/// next is judged; an entry with no open day left is passed over.
pub fn pick_offers<K: Clone>(
    line: &[InLine<K>],
    desks: u32,
    held: &DeskLoad,
    open: impl Fn(NaiveDate) -> bool,
) -> Vec<(K, Vec<NaiveDate>)> {
    let mut load = held.clone();
    let mut offers = Vec::new();
    for entry in line {
        let days: Vec<NaiveDate> = entry.range.dates().filter(|d| open(*d)).collect();
        if days.is_empty() || days.iter().any(|d| load.held_on(*d) >= desks) {
            continue;
        }
        load = load.with_held(&days);
        offers.push((entry.key.clone(), days));
    }
    offers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn line(ranges: &[(&str, &str)]) -> Vec<InLine<usize>> {
        ranges
            .iter()
            .enumerate()
            .map(|(key, (a, b))| InLine { key, range: DateRange::new(d(a), d(b)).unwrap() })
            .collect()
    }

    #[test]
    fn the_first_in_line_whose_whole_range_fits_is_offered_and_its_days_count_before_the_next() {
        let held: DeskLoad = [(d("2026-03-09"), 1), (d("2026-03-10"), 0), (d("2026-03-11"), 1)].into_iter().collect();
        // One desk. The first wants a day still full; the second fits; the
        // third fitted before the second took its day.
        let entries = line(&[("2026-03-09", "2026-03-10"), ("2026-03-10", "2026-03-10"), ("2026-03-10", "2026-03-10")]);
        let offers = pick_offers(&entries, 1, &held, |_| true);
        assert_eq!(offers, vec![(1, vec![d("2026-03-10")])]);
        // Two desks: the first fits now, and the second after it.
        let offers = pick_offers(&entries, 2, &held, |_| true);
        assert_eq!(offers.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn closed_days_are_not_held_and_a_range_with_none_open_is_passed_over() {
        let held = DeskLoad::default();
        let entries = line(&[("2026-03-07", "2026-03-08"), ("2026-03-06", "2026-03-09")]);
        let weekday = |d: NaiveDate| chrono::Datelike::weekday(&d).number_from_monday() <= 5;
        let offers = pick_offers(&entries, 1, &held, weekday);
        assert_eq!(offers, vec![(1, vec![d("2026-03-06"), d("2026-03-09")])]);
    }

    #[test]
    fn statuses_round_trip() {
        for s in WaitStatus::ALL {
            assert_eq!(WaitStatus::parse(s.as_str()), Some(s));
        }
        assert!(WaitStatus::Offered.is_live() && !WaitStatus::Lapsed.is_live());
    }
}
