//! Reciprocity standing: a cluster that stops hosting stops sending.
//!
//! DOMAIN.md's `home_not_reciprocating`: a cluster has stopped hosting when
//! (a) on no day of the last grace period did any of its sites offer a
//! bookable desk-day (an open weekday, not closed, at a site with at least
//! one desk), or (b) over the last 90 days it received at least three
//! requests within the guarantee and approved none of them. Desk counts alone
//! are not enough: a site with desks but no opening day, or with every day
//! closed, offers nothing, and neither does a host that lets every request
//! expire. This module judges both grounds from what the store recorded:
//! each site's desks and opening days over time with its closures
//! ([`SiteOffer`]), and a tally of the cluster's answers ([`Answers`]).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

use crate::policy::NetworkPolicy;
use crate::weekdays::WeekdaySet;
use crate::zone::TimeZone;

/// Ground (b) looks at the requests of this many days before now.
pub const ANSWER_WINDOW_DAYS: u32 = 90;

/// Ground (b) needs at least this many refused requests within the guarantee.
pub const REFUSALS_THAT_COUNT: u32 = 3;

/// Ground (a) never looks at fewer days than a week, whatever the grace.
pub const MIN_WINDOW_DAYS: u32 = 7;

/// From `at` on, a site had `desks` desks and opened on `open`: one entry of
/// the history the store records whenever either changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfferChange {
    /// When the site took this shape.
    pub at: DateTime<Utc>,
    /// Its desks for visitors.
    pub desks: u32,
    /// Its opening weekdays.
    pub open: WeekdaySet,
}

/// One shape of a site over a run of its local dates.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OfferRun {
    /// The local date of the change that began it.
    first: NaiveDate,
    /// The local date of the last instant before the next change, if any.
    last: Option<NaiveDate>,
    /// The weekdays it offered a desk on: none when it had no desk.
    bookable: WeekdaySet,
}

/// What one site offered over time: its shapes in local dates and its
/// closures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOffer {
    runs: Vec<OfferRun>,
    closed: BTreeSet<NaiveDate>,
}

impl SiteOffer {
    /// A site in `zone` with its recorded changes (any order) and closed dates.
    /// Before its first change the site did not exist and offered nothing.
    pub fn new(
        zone: TimeZone,
        changes: impl IntoIterator<Item = OfferChange>,
        closed: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        let mut changes: Vec<OfferChange> = changes.into_iter().collect();
        changes.sort_by_key(|c| c.at);
        let runs = changes
            .iter()
            .enumerate()
            .map(|(i, change)| OfferRun {
                first: zone.date_at(change.at),
                // A shape offers every local date it was in force on for a moment.
                last: changes
                    .get(i + 1)
                    .map(|next| zone.date_at(next.at.checked_sub_signed(TimeDelta::nanoseconds(1)).unwrap_or(next.at))),
                bookable: if change.desks > 0 { change.open } else { WeekdaySet::EMPTY },
            })
            .collect();
        SiteOffer { runs, closed: closed.into_iter().collect() }
    }

    /// Whether the site offered a bookable desk-day on `day`: open that
    /// weekday with at least one desk at some moment of it, and not closed.
    pub fn offers_on(&self, day: NaiveDate) -> bool {
        self.last_offered_by(day, day) == Some(day)
    }

    /// The last day in `from..=to` on which the site offered a bookable
    /// desk-day. Walks back run by run: within a run, past at most six days
    /// it never opens and the days it was closed, so the cost is bounded by
    /// the site's history, never by how long the range is.
    fn last_offered_by(&self, from: NaiveDate, to: NaiveDate) -> Option<NaiveDate> {
        // The runs are in order of their first dates and so of their last
        // ones: a later run's days all come after an earlier run's.
        let starting_by = self.runs.partition_point(|run| run.first <= to);
        for run in self.runs[..starting_by].iter().rev() {
            let floor = run.first.max(from);
            let mut day = run.last.map_or(to, |last| last.min(to));
            if run.last.is_some_and(|last| last < from) {
                return None;
            }
            while day >= floor && !run.bookable.is_empty() {
                if run.bookable.contains(day.weekday()) && !self.closed.contains(&day) {
                    return Some(day);
                }
                let Some(before) = day.pred_opt() else { break };
                day = before;
            }
        }
        None
    }

    /// The first day in `from..=to` on which the site offers a bookable
    /// desk-day, the mirror of [`SiteOffer::last_offered_by`].
    fn first_offered_in(&self, from: NaiveDate, to: NaiveDate) -> Option<NaiveDate> {
        let starting_by = self.runs.partition_point(|run| run.first <= to);
        for run in &self.runs[..starting_by] {
            if run.last.is_some_and(|last| last < from) {
                continue;
            }
            let ceiling = run.last.map_or(to, |last| last.min(to));
            let mut day = run.first.max(from);
            while day <= ceiling && !run.bookable.is_empty() {
                if run.bookable.contains(day.weekday()) && !self.closed.contains(&day) {
                    return Some(day);
                }
                let Some(after) = day.succ_opt() else { break };
                day = after;
            }
        }
        None
    }
}

/// The cluster's answers to requests within the guarantee over the last
/// [`ANSWER_WINDOW_DAYS`], as the store counts them (pending ones left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Answers {
    /// Approved, by an admin, by the host's policy or at the deadline
    /// (whatever became of them afterwards). Only nought or not matters, and
    /// the store may stop counting at the first.
    pub approved: u32,
    /// Declined or expired: guarantee exceptions.
    pub refused: u32,
    /// When the earliest refused request was made.
    pub first_refused_at: Option<DateTime<Utc>>,
}

/// Everything the standing of one cluster is judged from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosting {
    /// The day it joined the network (or, if later, was entered into
    /// deskvisa): days before it never count against it.
    pub joined_on: NaiveDate,
    /// Each of its sites.
    pub sites: Vec<SiteOffer>,
    /// Its answers over the last 90 days.
    pub answers: Answers,
}

impl Hosting {
    /// The last day on or before `today` on which it offered a bookable desk-day.
    fn last_offered(&self, today: NaiveDate) -> Option<NaiveDate> {
        self.sites.iter().filter_map(|site| site.last_offered_by(NaiveDate::MIN, today)).max()
    }

    /// Whether it offers a bookable desk-day on some day of `from..=to`.
    fn offers_within(&self, from: NaiveDate, to: NaiveDate) -> bool {
        from <= to && self.sites.iter().any(|site| site.first_offered_in(from, to).is_some())
    }
}

/// Ground (b): it refused every request within the guarantee it answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NoneApproved {
    /// When the earliest of the refused requests was made.
    pub since: DateTime<Utc>,
    /// How many it declined or let expire.
    pub refused: u32,
}

/// Why a cluster has stopped hosting: one ground or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Lapse {
    /// Ground (a): it has offered no bookable desk-day since this date, for
    /// the whole of the last grace period.
    pub nothing_offered_since: Option<NaiveDate>,
    /// Ground (b).
    pub none_approved: Option<NoneApproved>,
}

/// A cluster's reciprocity standing on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum Standing {
    /// Hosts: it offers desk-days and answers requests.
    Reciprocating,
    /// Has offered no bookable desk-day since `nothing_offered_since` and
    /// offers none before `lapses_on` either: unless that changes, it stops
    /// sending on that day.
    InGrace {
        /// The first day of the run without a bookable desk-day.
        nothing_offered_since: NaiveDate,
        /// The first day it is no longer reciprocating.
        lapses_on: NaiveDate,
    },
    /// Has stopped hosting, and so stops sending.
    NotReciprocating(Lapse),
}

impl Standing {
    /// Whether the cluster's members may still be hosted elsewhere.
    pub const fn may_send(&self) -> bool {
        !matches!(self, Standing::NotReciprocating(_))
    }
}

/// A cluster's standing on `today` under the network's grace period.
pub fn standing(hosting: &Hosting, network: &NetworkPolicy, today: NaiveDate) -> Standing {
    let none_approved = match hosting.answers {
        Answers { approved: 0, refused, first_refused_at: Some(since) } if refused >= REFUSALS_THAT_COUNT => {
            Some(NoneApproved { since, refused })
        }
        _ => None,
    };
    let offer = offer_standing(hosting, network, today);
    match (offer, none_approved) {
        (Offer::Lapsed { since }, none_approved) => {
            Standing::NotReciprocating(Lapse { nothing_offered_since: Some(since), none_approved })
        }
        (_, Some(none_approved)) => {
            Standing::NotReciprocating(Lapse { nothing_offered_since: None, none_approved: Some(none_approved) })
        }
        (Offer::InGrace { since, lapses_on }, None) => Standing::InGrace { nothing_offered_since: since, lapses_on },
        (Offer::Offering, None) => Standing::Reciprocating,
    }
}

/// Ground (a) alone.
enum Offer {
    Offering,
    InGrace { since: NaiveDate, lapses_on: NaiveDate },
    Lapsed { since: NaiveDate },
}

fn offer_standing(hosting: &Hosting, network: &NetworkPolicy, today: NaiveDate) -> Offer {
    let last_offered = hosting.last_offered(today);
    if last_offered == Some(today) {
        return Offer::Offering;
    }
    // The run without a bookable desk-day began the day after the last one,
    // and never before the cluster joined.
    let since =
        last_offered.and_then(|day| day.succ_opt()).map_or(hosting.joined_on, |after| after.max(hosting.joined_on));
    // "On no day of the last grace period": the run holds all of its days
    // (today and the days before it). A period shorter than a week would
    // hold a weekend against a site open Monday to Friday, so the window is
    // never shorter than one.
    let grace = u64::from(network.reciprocity_grace_days().max(MIN_WINDOW_DAYS));
    let lapses_on = since.checked_add_days(chrono::Days::new(grace - 1)).unwrap_or(NaiveDate::MAX);
    if today >= lapses_on {
        return Offer::Lapsed { since };
    }
    // Still in grace; it is only a warning if nothing is on offer before
    // the grace ends (a weekend or a week of closures is not).
    match today.succ_opt() {
        Some(tomorrow) if hosting.offers_within(tomorrow, lapses_on) => Offer::Offering,
        _ => Offer::InGrace { since, lapses_on },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::test_dates::d;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn change(at: &str, desks: u32, open: WeekdaySet) -> OfferChange {
        OfferChange { at: t(at), desks, open }
    }

    #[test]
    fn a_shape_counts_on_every_local_date_it_was_in_force_for_a_moment() {
        let zone = TimeZone::parse("Asia/Tokyo").unwrap();
        // 2026-03-02 (Monday) 23:00 UTC is Tuesday 08:00 in Tokyo.
        let site = SiteOffer::new(
            zone,
            [
                change("2026-03-02T23:00:00Z", 4, WeekdaySet::MON_TO_FRI),
                change("2026-03-04T03:00:00Z", 0, WeekdaySet::MON_TO_FRI),
            ],
            [],
        );
        assert!(!site.offers_on(d("2026-03-02")), "before the site existed");
        assert!(site.offers_on(d("2026-03-03")));
        assert!(site.offers_on(d("2026-03-04")), "desks until noon local");
        assert!(!site.offers_on(d("2026-03-05")));
    }
}
