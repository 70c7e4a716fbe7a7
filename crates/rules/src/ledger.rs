//! The reciprocity ledger (DOMAIN.md, "The reciprocity ledger"): who hosted
//! whom, for how many visitor-days, over a period, and how each host answered
//! the requests it received.
//!
//! The store counts; this module says what counts ([`is_visitor_day`],
//! [`Period`]) and puts the counts together into figures
//! ([`Ledger::assemble`]): balances, the host × home matrix, and what a
//! cluster admin may see of it ([`Ledger::seen_by`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use crate::ids::{ClusterId, StayId};
use crate::reciprocity::Standing;
use crate::status::StayStatus;

/// The longest period one report covers.
pub const MAX_PERIOD_DAYS: u64 = 1830;

/// A period of whole days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

/// Why a period is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// `to` is before `from`.
    #[error("the period ends before it starts")]
    Backwards,
    /// Longer than [`MAX_PERIOD_DAYS`].
    #[error("a report covers at most {MAX_PERIOD_DAYS} days")]
    TooLong,
}

impl Period {
    /// The days `from..=to`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, PeriodError> {
        if to < from {
            return Err(PeriodError::Backwards);
        }
        if (to - from).num_days() >= i64::try_from(MAX_PERIOD_DAYS).unwrap_or(i64::MAX) {
            return Err(PeriodError::TooLong);
        }
        Ok(Period { from, to })
    }

    /// The first day.
    pub const fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last day.
    pub const fn to(&self) -> NaiveDate {
        self.to
    }

    /// The instants of the period in UTC, `[start, end)`: a request belongs
    /// to the period that holds the UTC date of its creation.
    pub fn utc_bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = self.from.and_time(chrono::NaiveTime::MIN).and_utc();
        let end = self.to.checked_add_days(Days::new(1)).unwrap_or(self.to).and_time(chrono::NaiveTime::MIN).and_utc();
        (start, end)
    }
}

/// What decides whether a held day of a stay is a visitor-day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldDay {
    /// The stay's status now.
    pub status: StayStatus,
    /// Whether the stay was ever approved.
    pub was_approved: bool,
    /// Marked no-show.
    pub no_show: bool,
    /// The held date.
    pub date: NaiveDate,
}

/// A visitor-day: a held day of an approved stay (still approved, or
/// cancelled after its approval, which keeps the days before the
/// cancellation) whose date is before today in the host's zone, of a stay not
/// marked no-show.
pub fn is_visitor_day(day: &HeldDay, today_at_host: NaiveDate) -> bool {
    counts_held_days(day.status, day.was_approved, day.no_show) && day.date < today_at_host
}

/// Whether a stay's held days become visitor-days once they pass: it is
/// approved, or was approved and then cancelled, and is not a no-show.
pub fn counts_held_days(status: StayStatus, was_approved: bool, no_show: bool) -> bool {
    let approved = match status {
        StayStatus::Approved => true,
        StayStatus::Cancelled => was_approved,
        StayStatus::Pending | StayStatus::Declined | StayStatus::Expired => false,
    };
    approved && !no_show
}

/// Visitor-days one host gave one home cluster's members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MatrixCell {
    /// The host cluster.
    pub host_cluster_id: ClusterId,
    /// The visitors' home cluster.
    pub home_cluster_id: ClusterId,
    /// Visitor-days.
    pub visitor_days: u64,
}

/// How the requests a host received in the period ended (so far).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// Every request.
    pub received: u64,
    /// Approved (by the host, by policy or at the deadline), even if later cancelled.
    pub approved: u64,
    /// Declined.
    pub declined: u64,
    /// Expired unanswered.
    pub expired: u64,
}

/// What broke the guarantee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    /// A request inside the guarantee, declined.
    Declined,
    /// A request inside the guarantee, expired unanswered.
    Expired,
    /// An approved stay, cancelled by the host.
    CancelledByHost,
}

/// One guarantee exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct GuaranteeException {
    pub stay_id: StayId,
    /// The host that broke it.
    pub host_cluster_id: ClusterId,
    /// The visitor's home cluster.
    pub home_cluster_id: ClusterId,
    /// When.
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: ExceptionKind,
    /// The host's reason, if it gave one.
    pub reason: Option<String>,
}

/// One cluster's figures over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct ClusterFigures {
    pub cluster_id: ClusterId,
    /// Its reciprocity standing now.
    pub standing: Standing,
    /// Visitor-days it hosted.
    pub days_hosted: u64,
    /// Visitor-days its members used elsewhere.
    pub days_used: u64,
    /// Hosted − used.
    pub balance: i64,
    /// Requests it received as host.
    pub requests_received: u64,
    /// Of them, approved.
    pub requests_approved: u64,
    /// Declined.
    pub requests_declined: u64,
    /// Expired unanswered.
    pub requests_expired: u64,
    /// Its guarantee exceptions as host.
    pub guarantee_exceptions: u64,
    /// The median time from a request to the host's answer (approve or
    /// decline by a host admin), in seconds; `None` with no answer.
    pub median_answer_seconds: Option<i64>,
    /// Introductions visitors asked of its firms: the business the visits
    /// were for, beside the visitor-days.
    pub introductions_hosted: u64,
    /// Of them, accepted.
    pub introductions_hosted_accepted: u64,
    /// Introductions its members asked of other clusters' firms.
    pub introductions_asked: u64,
    /// Of them, accepted.
    pub introductions_asked_accepted: u64,
}

/// Introductions visitors of one home cluster asked of one host's firms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IntroductionCell {
    /// The host cluster (of the firms asked).
    pub host_cluster_id: ClusterId,
    /// The visitors' home cluster.
    pub home_cluster_id: ClusterId,
    /// Asked in the period.
    pub asked: u64,
    /// Of them, accepted.
    pub accepted: u64,
}

/// What the store counted, for [`Ledger::assemble`].
#[derive(Debug, Clone, Default)]
pub struct LedgerCounts {
    /// Every cluster on the map, with its standing now.
    pub clusters: Vec<(ClusterId, Standing)>,
    /// Visitor-days per (host, home); a pair may come more than once.
    pub visitor_days: Vec<MatrixCell>,
    /// Requests per host.
    pub requests: Vec<(ClusterId, RequestCounts)>,
    /// The exceptions listed: every one in the period, or a page of them.
    pub exceptions: Vec<GuaranteeException>,
    /// Every exception in the period, counted per host: the figures come
    /// from these, never from the list, which may be a page.
    pub exception_counts: Vec<(ClusterId, u64)>,
    /// How many exceptions the list is a page of: those in the period the
    /// report's reader may see.
    pub exceptions_total: u64,
    /// Median answer time per host.
    pub median_answer_seconds: Vec<(ClusterId, i64)>,
    /// Introductions per (host, home), asked in the period.
    pub introductions: Vec<IntroductionCell>,
}

/// The ledger over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Ledger {
    pub period: Period,
    /// Every cluster's figures, in the order the clusters came.
    pub clusters: Vec<ClusterFigures>,
    /// The non-zero cells of the host × home matrix, by host then home.
    pub matrix: Vec<MatrixCell>,
    /// The guarantee exceptions listed (all, or a page), oldest first.
    pub exceptions: Vec<GuaranteeException>,
    /// How many exceptions there are in all, of those the reader may see.
    pub exceptions_total: u64,
    /// The non-zero introduction cells, by host then home.
    pub introductions: Vec<IntroductionCell>,
}

impl Ledger {
    /// The figures from the counts.
    pub fn assemble(period: Period, counts: LedgerCounts) -> Ledger {
        let mut pairs: BTreeMap<(ClusterId, ClusterId), u64> = BTreeMap::new();
        for cell in &counts.visitor_days {
            *pairs.entry((cell.host_cluster_id, cell.home_cluster_id)).or_default() += cell.visitor_days;
        }
        let matrix: Vec<MatrixCell> = pairs
            .iter()
            .filter(|(_, days)| **days > 0)
            .map(|(&(host, home), &visitor_days)| MatrixCell {
                host_cluster_id: host,
                home_cluster_id: home,
                visitor_days,
            })
            .collect();
        let mut exceptions = counts.exceptions;
        exceptions.sort_by_key(|e| (e.at, e.stay_id));
        // Each cluster's sums, gathered in one pass over each list: the
        // network holds thousands of clusters and millions of cells, so no
        // list is read once per cluster.
        let mut sums: BTreeMap<ClusterId, Sums> = BTreeMap::new();
        for cell in &matrix {
            sums.entry(cell.host_cluster_id).or_default().days_hosted += cell.visitor_days;
            sums.entry(cell.home_cluster_id).or_default().days_used += cell.visitor_days;
        }
        for (host, r) in &counts.requests {
            let sum = &mut sums.entry(*host).or_default().requests;
            sum.received += r.received;
            sum.approved += r.approved;
            sum.declined += r.declined;
            sum.expired += r.expired;
        }
        for cell in &counts.introductions {
            let host = sums.entry(cell.host_cluster_id).or_default();
            host.introductions_hosted += cell.asked;
            host.introductions_hosted_accepted += cell.accepted;
            let home = sums.entry(cell.home_cluster_id).or_default();
            home.introductions_asked += cell.asked;
            home.introductions_asked_accepted += cell.accepted;
        }
        for (host, n) in &counts.exception_counts {
            sums.entry(*host).or_default().guarantee_exceptions += n;
        }
        for (host, seconds) in &counts.median_answer_seconds {
            sums.entry(*host).or_default().median_answer_seconds.get_or_insert(*seconds);
        }
        let clusters = counts
            .clusters
            .iter()
            .map(|&(cluster, standing)| {
                let sum = sums.get(&cluster).copied().unwrap_or_default();
                ClusterFigures {
                    introductions_hosted: sum.introductions_hosted,
                    introductions_hosted_accepted: sum.introductions_hosted_accepted,
                    introductions_asked: sum.introductions_asked,
                    introductions_asked_accepted: sum.introductions_asked_accepted,
                    cluster_id: cluster,
                    standing,
                    days_hosted: sum.days_hosted,
                    days_used: sum.days_used,
                    balance: signed(sum.days_hosted) - signed(sum.days_used),
                    requests_received: sum.requests.received,
                    requests_approved: sum.requests.approved,
                    requests_declined: sum.requests.declined,
                    requests_expired: sum.requests.expired,
                    guarantee_exceptions: sum.guarantee_exceptions,
                    median_answer_seconds: sum.median_answer_seconds,
                }
            })
            .collect();
        let mut introductions: Vec<IntroductionCell> =
            counts.introductions.into_iter().filter(|c| c.asked > 0).collect();
        introductions.sort_by_key(|c| (c.host_cluster_id, c.home_cluster_id));
        Ledger { period, clusters, matrix, exceptions, exceptions_total: counts.exceptions_total, introductions }
    }

    /// What a cluster admin of `cluster` sees: the matrix row and column of
    /// their cluster, their own figures, and the exceptions they were part of.
    pub fn seen_by(mut self, cluster: ClusterId) -> Ledger {
        self.clusters.retain(|c| c.cluster_id == cluster);
        self.matrix.retain(|c| c.host_cluster_id == cluster || c.home_cluster_id == cluster);
        // A complete list is counted again; a page was listed for this
        // reader already, with its total.
        let complete = self.exceptions.len() as u64 == self.exceptions_total;
        self.exceptions.retain(|e| e.host_cluster_id == cluster || e.home_cluster_id == cluster);
        if complete {
            self.exceptions_total = self.exceptions.len() as u64;
        }
        self.introductions.retain(|c| c.host_cluster_id == cluster || c.home_cluster_id == cluster);
        self
    }
}

/// One cluster's figures summed over the period's lists.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    days_hosted: u64,
    days_used: u64,
    requests: RequestCounts,
    introductions_hosted: u64,
    introductions_hosted_accepted: u64,
    introductions_asked: u64,
    introductions_asked_accepted: u64,
    guarantee_exceptions: u64,
    median_answer_seconds: Option<i64>,
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The median of some durations (the mean of the middle two for an even
/// count), `None` for none.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[middle]
    } else {
        // The mean of the middle two, without overflow.
        values[middle - 1] + (values[middle] - values[middle - 1]) / 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::test_dates::d;

    fn day(status: StayStatus, was_approved: bool, no_show: bool, date: &str) -> HeldDay {
        HeldDay { status, was_approved, no_show, date: d(date) }
    }

    #[test]
    fn a_visitor_day_is_a_passed_day_of_an_approved_stay_that_was_not_a_no_show() {
        let today = d("2026-03-10");
        assert!(is_visitor_day(&day(StayStatus::Approved, true, false, "2026-03-09"), today));
        assert!(!is_visitor_day(&day(StayStatus::Approved, true, false, "2026-03-10"), today), "today has not passed");
        assert!(is_visitor_day(&day(StayStatus::Cancelled, true, false, "2026-03-09"), today), "cancelled mid-way");
        assert!(!is_visitor_day(&day(StayStatus::Cancelled, false, false, "2026-03-09"), today), "never approved");
        assert!(!is_visitor_day(&day(StayStatus::Approved, true, true, "2026-03-09"), today), "no-show");
        assert!(!is_visitor_day(&day(StayStatus::Pending, false, false, "2026-03-09"), today));
    }

    #[test]
    fn periods_are_whole_days_and_bounded() {
        let p = Period::new(d("2026-03-01"), d("2026-03-31")).unwrap();
        let (start, end) = p.utc_bounds();
        assert_eq!(start.to_rfc3339(), "2026-03-01T00:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-04-01T00:00:00+00:00");
        assert_eq!(Period::new(d("2026-03-02"), d("2026-03-01")), Err(PeriodError::Backwards));
        assert!(Period::new(d("2026-01-01"), d("2026-01-01")).is_ok());
        assert_eq!(Period::new(d("2020-01-01"), d("2026-01-01")), Err(PeriodError::TooLong));
    }

    #[test]
    fn medians_take_the_middle() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
    }

    /// DOMAIN.md's worked example, from the counts the store would give.
    #[test]
    fn the_worked_example_adds_up() {
        let [a, b, c] = [
            ClusterId::from_uuid(uuid::Uuid::from_u128(1)),
            ClusterId::from_uuid(uuid::Uuid::from_u128(2)),
            ClusterId::from_uuid(uuid::Uuid::from_u128(3)),
        ];
        let cell = |host, home, visitor_days| MatrixCell { host_cluster_id: host, home_cluster_id: home, visitor_days };
        let counts = LedgerCounts {
            clusters: vec![(a, Standing::Reciprocating), (b, Standing::Reciprocating), (c, Standing::Reciprocating)],
            visitor_days: vec![cell(b, a, 5), cell(b, c, 2)],
            requests: vec![
                (b, RequestCounts { received: 2, approved: 2, declined: 0, expired: 0 }),
                (a, RequestCounts { received: 1, approved: 0, declined: 1, expired: 0 }),
            ],
            exceptions: vec![GuaranteeException {
                stay_id: StayId::from_uuid(uuid::Uuid::from_u128(9)),
                host_cluster_id: a,
                home_cluster_id: b,
                at: "2026-03-04T10:00:00Z".parse().unwrap(),
                kind: ExceptionKind::Declined,
                reason: Some("Full".into()),
            }],
            exception_counts: vec![(a, 1)],
            exceptions_total: 1,
            median_answer_seconds: vec![],
            introductions: vec![],
        };
        let ledger = Ledger::assemble(Period::new(d("2026-03-01"), d("2026-03-31")).unwrap(), counts);
        let figures = |id| ledger.clusters.iter().find(|f| f.cluster_id == id).unwrap();
        assert_eq!((figures(b).days_hosted, figures(a).days_used, figures(c).days_used), (7, 5, 2));
        assert_eq!((figures(a).balance, figures(b).balance, figures(c).balance), (-5, 7, -2));
        assert_eq!((figures(b).requests_received, figures(b).requests_approved), (2, 2));
        assert_eq!(
            (figures(a).requests_received, figures(a).requests_declined, figures(a).guarantee_exceptions),
            (1, 1, 1)
        );

        let seen = ledger.seen_by(c);
        assert_eq!(seen.clusters.len(), 1);
        assert_eq!(seen.matrix, vec![cell(b, c, 2)], "C sees its own column, not B's row with A");
        assert!(seen.exceptions.is_empty());
        assert_eq!(seen.exceptions_total, 0, "C was part of no exception");
    }
}
