//! `decide`: the judgement of one stay request, from a snapshot the service
//! loaded, at an instant the service passed in. It reports every violation it
//! finds; capacity is judged last, and only when nothing else is wrong.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

use crate::calendar::SiteCalendar;
use crate::dates::{DateRange, add_days_saturating};
use crate::ids::{ClusterId, MemberId, SiteId, StayId};
use crate::policy::{ApprovalMode, HostPolicy, NetworkPolicy, OnNoAnswer};
use crate::quota::busiest_window;
use crate::reciprocity::{Hosting, Standing, standing};
use crate::status::{ClusterStatus, MemberStatus, StayStatus};
use crate::violation::{InactiveReason, Violation, ViolationCode};
use crate::zone::TimeZone;

/// The member who asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFacts {
    /// Who.
    pub id: MemberId,
    /// Invited, active or revoked.
    pub status: MemberStatus,
    /// The last date the home cluster vouches for them, if it set one.
    pub vouched_until: Option<NaiveDate>,
}

/// The member's home cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeCluster {
    /// Which cluster.
    pub id: ClusterId,
    /// Active, suspended or left.
    pub status: ClusterStatus,
    /// The home cluster's own zone. Loaded with the cluster, and proven
    /// irrelevant: "today" is always the host site's.
    pub zone: TimeZone,
    /// What it offers as a host and how it answers: its reciprocity
    /// standing is judged from these.
    pub hosting: Hosting,
}

/// The cluster that owns the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCluster {
    /// Which cluster.
    pub id: ClusterId,
    /// Active, suspended or left.
    pub status: ClusterStatus,
    /// How it runs its desks.
    pub policy: HostPolicy,
}

/// The site asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFacts {
    /// Which site.
    pub id: SiteId,
    /// Its time zone: dates of stays here are its calendar dates.
    pub zone: TimeZone,
    /// Visitor desks offered on each open day.
    pub desks: u32,
    /// Opening weekdays and closures.
    pub calendar: SiteCalendar,
}

/// One of the member's stays, at any site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberStay {
    /// Which stay.
    pub id: StayId,
    /// At which site.
    pub site: SiteId,
    /// The cluster that owns that site.
    pub host_cluster: ClusterId,
    /// First date (in that site's zone).
    pub start_date: NaiveDate,
    /// Last date, included.
    pub end_date: NaiveDate,
    /// Where it is in its life.
    pub status: StayStatus,
    /// Marked no-show: its desks from the mark on were released.
    pub no_show: bool,
}

impl MemberStay {
    /// Whether the stay still occupies its dates for the member.
    fn occupies_dates(&self) -> bool {
        self.status.is_live() && !self.no_show
    }
}

/// Desks held (by pending and approved stays) per date at the site. A date
/// not listed holds none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskLoad(BTreeMap<NaiveDate, u32>);

impl DeskLoad {
    /// Desks held on `date`.
    pub fn held_on(&self, date: NaiveDate) -> u32 {
        self.0.get(&date).copied().unwrap_or(0)
    }

    /// Every date with desks held, in order.
    pub fn iter(&self) -> impl Iterator<Item = (NaiveDate, u32)> + '_ {
        self.0.iter().map(|(d, n)| (*d, *n))
    }

    /// This load with `days` held once more (as an accepted stay holds them).
    pub fn with_held(mut self, days: &[NaiveDate]) -> Self {
        for day in days {
            let held: &mut u32 = self.0.entry(*day).or_insert(0);
            *held = held.saturating_add(1);
        }
        self
    }
}

impl FromIterator<(NaiveDate, u32)> for DeskLoad {
    fn from_iter<I: IntoIterator<Item = (NaiveDate, u32)>>(iter: I) -> Self {
        let mut map: BTreeMap<NaiveDate, u32> = BTreeMap::new();
        for (date, held) in iter {
            let total = map.entry(date).or_insert(0);
            *total = total.saturating_add(held);
        }
        DeskLoad(map)
    }
}

/// Everything `decide` needs, loaded by the service in the request's
/// transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Snapshot {
    /// The network's guarantee and grace period.
    pub network: NetworkPolicy,
    /// Who asks.
    pub member: MemberFacts,
    /// The member's home cluster.
    pub home: HomeCluster,
    /// The site's cluster and its policy.
    pub host: HostCluster,
    pub site: SiteFacts,
    /// The member's stays (pending and approved ones matter; others are ignored).
    pub member_stays: Vec<MemberStay>,
    /// Desks held per date at the site, at least over the requested range.
    pub held: DeskLoad,
}

/// What the member asks for: dates at the snapshot's site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StayRequest {
    /// First date, in the site's zone.
    pub start_date: NaiveDate,
    /// Last date, included.
    pub end_date: NaiveDate,
}

/// How a stay came to be approved without a person deciding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovedBy {
    /// The host's approval mode is `auto`.
    AutoApprovalPolicy,
    /// The answer deadline had already passed, and the host's policy on no
    /// answer is `approve`.
    AnswerDeadline,
}

/// What an accepted request becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Waiting for the host, holding its desks.
    Pending,
    /// Approved at once, holding its desks.
    Approved {
        /// Why no person had to decide.
        by: ApprovedBy,
    },
    /// The deadline had already passed at a host whose policy is `expire`:
    /// expired at once, holding nothing.
    Expired,
}

/// An accepted request: what the service writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acceptance {
    /// The open days of the range: the desk-days the stay holds.
    pub days: Vec<NaiveDate>,
    /// Free under the network's guarantee (no more open days than it
    /// promises): a decline or expiry of it is a guarantee exception.
    pub within_guarantee: bool,
    /// Pending, approved at once, or expired at once.
    pub outcome: Outcome,
    /// When the host's answer is due (manual approval only).
    pub answer_deadline: Option<DateTime<Utc>>,
}

impl Acceptance {
    /// Whether the stay takes its desks (every outcome but an expiry at once).
    pub fn holds_desks(&self) -> bool {
        !matches!(self.outcome, Outcome::Expired)
    }

    /// The status the stay is written with.
    pub fn status(&self) -> StayStatus {
        match self.outcome {
            Outcome::Pending => StayStatus::Pending,
            Outcome::Approved { .. } => StayStatus::Approved,
            Outcome::Expired => StayStatus::Expired,
        }
    }
}

/// A refused request, with every rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// Never empty; in DOMAIN.md's order; `no_capacity` only ever alone.
    pub violations: Vec<Violation>,
    /// For `no_capacity`: the nearest ranges of the same length at that site
    /// that fit (see [`crate::nearest_fits`]); the rules leave it empty, the
    /// service fills it in from the site's days around the request.
    pub alternatives: Vec<DateRange>,
}

impl Refusal {
    /// The codes of the violations.
    pub fn codes(&self) -> Vec<ViolationCode> {
        self.violations.iter().map(Violation::code).collect()
    }

    /// The full dates, when the refusal is for capacity.
    pub fn full_dates(&self) -> Option<&[NaiveDate]> {
        self.violations.iter().find_map(|v| match v {
            Violation::NoCapacity { full_dates } => Some(full_dates.as_slice()),
            _ => None,
        })
    }
}

/// The rules' answer to a stay request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// The stay may be written.
    Accepted(Acceptance),
    /// Nothing may be written.
    Refused(Refusal),
}

/// A pending stay's answer deadline: the earlier of the request's instant
/// plus the answer window (days of 24 hours) and the first instant of the
/// stay's first date in the host site's zone.
pub fn answer_deadline(
    requested_at: DateTime<Utc>,
    answer_window_days: u32,
    start_date: NaiveDate,
    zone: TimeZone,
) -> DateTime<Utc> {
    let window_closes = requested_at
        .checked_add_signed(TimeDelta::days(i64::from(answer_window_days)))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    window_closes.min(zone.start_of_day(start_date))
}

/// DOMAIN.md's eligibility rules, in their order: the member, the two
/// clusters, and the home cluster's reciprocity.
fn eligibility(snapshot: &Snapshot, end: NaiveDate, today: NaiveDate) -> Vec<Violation> {
    let Snapshot { network, member, home, host, .. } = snapshot;
    let mut violations = Vec::new();
    if member.status == MemberStatus::Revoked {
        violations.push(Violation::MemberInactive { reason: InactiveReason::Revoked });
    } else if let Some(vouched_until) = member.vouched_until.filter(|last| end > *last) {
        violations.push(Violation::MemberInactive { reason: InactiveReason::NotVouchedUntilEnd { vouched_until } });
    }
    if home.id == host.id {
        violations.push(Violation::OwnCluster);
    }
    if home.status != ClusterStatus::Active {
        violations.push(Violation::HomeClusterInactive { status: home.status });
    }
    if host.status != ClusterStatus::Active {
        violations.push(Violation::HostClusterInactive { status: host.status });
    }
    if let Standing::NotReciprocating(lapse) = standing(&home.hosting, network, today) {
        violations.push(Violation::HomeNotReciprocating { lapse });
    }
    violations
}

/// Judges `request` against `snapshot` at the instant `now`.
pub fn decide(snapshot: &Snapshot, request: &StayRequest, now: DateTime<Utc>) -> Decision {
    decide_with(snapshot, request, now, false)
}

/// [`decide`], with the start's notice and horizon left unjudged when
/// `start_kept` (a stay under way keeps its first day, which has passed:
/// see [`crate::decide_move`]).
pub(crate) fn decide_with(
    snapshot: &Snapshot,
    request: &StayRequest,
    now: DateTime<Utc>,
    start_kept: bool,
) -> Decision {
    let Snapshot { network, host, site, member_stays, held, .. } = snapshot;
    let policy = &host.policy;
    let (start, end) = (request.start_date, request.end_date);
    let today = site.zone.date_at(now);
    let range = DateRange::new(start, end);
    let mut violations = eligibility(snapshot, end, today);

    // Shape and timing.
    match range {
        None => violations.push(Violation::BadRange),
        Some(range) => {
            let max = policy.effective_max_days(network);
            match site.calendar.count_open_days(range) {
                0 => violations.push(Violation::NoOpenDays),
                days if days > u64::from(max) => violations.push(Violation::TooLong { days, max }),
                _ => {}
            }
        }
    }
    let earliest_start = add_days_saturating(today, u64::from(policy.min_notice_days()));
    if start < earliest_start && !start_kept {
        violations.push(Violation::TooSoon { earliest_start });
    }
    let latest_start = add_days_saturating(today, u64::from(policy.horizon_days()));
    if start > latest_start && !start_kept {
        violations.push(Violation::TooFar { latest_start });
    }

    // Member history.
    if let Some(range) = range {
        let stays: Vec<StayId> = member_stays
            .iter()
            .filter(|s| s.occupies_dates())
            .filter(|s| DateRange::new(s.start_date, s.end_date).is_some_and(|r| r.overlaps(range)))
            .map(|s| s.id)
            .collect();
        if !stays.is_empty() {
            violations.push(Violation::OverlapsOwnStay { stays });
        }
    }
    let max = policy.stays_per_year();
    let counted = member_stays.iter().filter(|s| s.host_cluster == host.id && s.status.is_live()).map(|s| s.start_date);
    let (window, others) = busiest_window(start, counted);
    if others.saturating_add(1) > max {
        violations.push(Violation::QuotaExceeded { max, window });
    }

    // Capacity, last, and only when nothing else is wrong.
    let Some(range) = range.filter(|_| violations.is_empty()) else {
        return Decision::Refused(Refusal { violations, alternatives: Vec::new() });
    };
    let days: Vec<NaiveDate> = site.calendar.open_days(range).collect();
    let full_dates: Vec<NaiveDate> = days.iter().copied().filter(|d| held.held_on(*d) >= site.desks).collect();
    if !full_dates.is_empty() {
        return Decision::Refused(Refusal {
            violations: vec![Violation::NoCapacity { full_dates }],
            alternatives: Vec::new(),
        });
    }

    let within_guarantee = days.len() <= network.guaranteed_days() as usize;
    let (outcome, answer_deadline) = match policy.approval_mode() {
        ApprovalMode::Auto => (Outcome::Approved { by: ApprovedBy::AutoApprovalPolicy }, None),
        ApprovalMode::Manual => {
            let deadline = answer_deadline(now, policy.answer_window_days(), start, site.zone);
            // A deadline already passed when the request is made applies at once.
            let outcome = if deadline > now {
                Outcome::Pending
            } else {
                match policy.on_no_answer() {
                    OnNoAnswer::Approve => Outcome::Approved { by: ApprovedBy::AnswerDeadline },
                    OnNoAnswer::Expire => Outcome::Expired,
                }
            };
            (outcome, Some(deadline))
        }
    };
    Decision::Accepted(Acceptance { days, within_guarantee, outcome, answer_deadline })
}
