//! The counts behind the reciprocity ledger, done by the database: a year of
//! a busy network is a hundred thousand stays, so what leaves it is a few
//! rows per cluster, never a row per stay. What counts is the rules crate's
//! ([`deskvisa_rules::is_visitor_day`]); these queries say the same in SQL.
//!
//! A visitor-day must lie before today in the host site's zone. Every zone's
//! today is within a day of UTC's, so days two or more before UTC's today have
//! passed everywhere and are counted in SQL; the two days around it come back
//! counted by host, home, site's zone and day, and are judged by the rules.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use deskvisa_rules::{
    ClusterId, ExceptionKind, GuaranteeException, HeldDay, MatrixCell, RequestCounts, StayId, StayStatus, TimeZone,
};
use sea_orm::FromQueryResult;

use crate::convert::zone;
use crate::error::StoreError;
use crate::tx::Tx;

/// A held day that is a visitor-day if its date has passed at the host:
/// the stay is approved, or cancelled after an approval, and not a no-show.
const COUNTED_STAY: &str = "s.no_show = $1 AND s.approved_at IS NOT NULL AND s.status IN ('approved', 'cancelled')";

/// Held days near today of one (host, home) at sites of one zone, to be
/// judged in that zone.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryDay {
    /// The host cluster.
    pub host: ClusterId,
    /// The visitor's home cluster.
    pub home: ClusterId,
    /// The host sites' zone.
    pub zone: TimeZone,
    /// The day, as the rules judge it.
    pub day: HeldDay,
    /// How many desks were held that day.
    pub desks: u64,
}

/// One page of a list: at most `limit` rows after the first `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExceptionPage {
    /// Rows on the page.
    pub limit: u32,
    /// Rows before it.
    pub offset: u64,
}

#[derive(FromQueryResult)]
struct PairRow {
    host_cluster_id: uuid::Uuid,
    home_cluster_id: uuid::Uuid,
    days: i64,
}

#[derive(FromQueryResult)]
struct BoundaryRow {
    host_cluster_id: uuid::Uuid,
    home_cluster_id: uuid::Uuid,
    timezone: String,
    date: NaiveDate,
    desks: i64,
}

#[derive(FromQueryResult)]
struct RequestRow {
    host_cluster_id: uuid::Uuid,
    received: i64,
    approved: i64,
    declined: i64,
    expired: i64,
    answered: i64,
    exceptions: i64,
}

/// A host's requests over a period, and the guarantee exceptions recorded
/// at it then.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestTotals {
    /// How the requests ended.
    pub counts: RequestCounts,
    /// How many a host admin answered (approve or decline).
    pub answered: u64,
    /// Guarantee exceptions recorded at the host on the period's days.
    pub exceptions: u64,
}

#[derive(FromQueryResult)]
struct ExceptionRow {
    stay_id: uuid::Uuid,
    host_cluster_id: uuid::Uuid,
    home_cluster_id: uuid::Uuid,
    at: DateTime<Utc>,
    to_status: String,
    reason: Option<String>,
}

#[derive(FromQueryResult)]
struct MedianRow {
    seconds: i64,
}

/// `first..=last` cut into the days before its first whole month, its
/// whole months (the first's first day, and the first day after the last),
/// and the days after them; a period within one month is days only.
type MonthSplit = (Option<(NaiveDate, NaiveDate)>, Option<(NaiveDate, NaiveDate)>, Option<(NaiveDate, NaiveDate)>);

fn split_by_month(first: NaiveDate, last: NaiveDate) -> MonthSplit {
    let next_month = |d: NaiveDate| d.with_day(1).and_then(|m| m.checked_add_months(Months::new(1)));
    let whole_from = if first.day() == 1 { Some(first) } else { next_month(first) };
    let whole_end = last.succ_opt().filter(|d| d.day() == 1).or_else(|| last.with_day(1));
    match (whole_from, whole_end) {
        (Some(from), Some(end)) if from < end => (
            (first < from).then(|| (first, from.pred_opt().unwrap_or(from))),
            Some((from, end)),
            (end <= last).then_some((end, last)),
        ),
        _ => (Some((first, last)), None, None),
    }
}

/// How the running totals give `first..=last`: the monthly rows of
/// `months` (its first month's first day, and the first day after its
/// last month), plus the daily rows of the ranges in `add`, minus those in
/// `subtract`. A month the period cuts is read as its own days or as the
/// whole month less the days outside the period, whichever is fewer daily
/// rows: a year from the 8th reads seven days of its first month, not
/// twenty-four. A month's row is the sum of its days (they move in the
/// same transaction), so both give the same count.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct MonthParts {
    months: Option<(NaiveDate, NaiveDate)>,
    add: Vec<(NaiveDate, NaiveDate)>,
    subtract: Vec<(NaiveDate, NaiveDate)>,
}

fn month_parts(first: NaiveDate, last: NaiveDate) -> MonthParts {
    let (before, whole, after) = split_by_month(first, last);
    let Some((mut from, mut end)) = whole else {
        return MonthParts { months: None, add: before.into_iter().collect(), subtract: Vec::new() };
    };
    let mut parts = MonthParts::default();
    if let Some((first, month_end)) = before {
        // The month's days before the period: from its first day to the day before `first`.
        let month_start = first.with_day(1).unwrap_or(first);
        match first.pred_opt() {
            Some(excluded_last) if (first - month_start) < (month_end - first) => {
                parts.subtract.push((month_start, excluded_last));
                from = month_start;
            }
            _ => parts.add.push((first, month_end)),
        }
    }
    if let Some((month_start, last)) = after {
        // The month's days after the period: from the day after `last` to its last day.
        let next = month_start.checked_add_months(Months::new(1));
        match (last.succ_opt(), next.and_then(|n| n.pred_opt())) {
            (Some(excluded_first), Some(month_end)) if (month_end - last) < (last - month_start) => {
                parts.subtract.push((excluded_first, month_end));
                end = next.unwrap_or(end);
            }
            _ => parts.add.push((month_start, last)),
        }
    }
    parts.months = Some((from, end));
    parts
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Tx {
    /// Visitor-days per (host, home) on the days of `from..=to` that have
    /// passed in every zone on `utc_today`.
    pub async fn visitor_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        utc_today: NaiveDate,
    ) -> Result<Vec<MatrixCell>, StoreError> {
        let Some(certain) = utc_today.checked_sub_days(Days::new(2)).map(|d| d.min(to)) else {
            return Ok(Vec::new());
        };
        if certain < from {
            return Ok(Vec::new());
        }
        // The running totals (see `ledger_totals`): a row a pair for each
        // whole month of the period, a row a pair and date for the days of
        // the months it cuts (added, or taken from the month's row).
        let parts = month_parts(from, certain);
        let mut days: HashMap<(uuid::Uuid, uuid::Uuid), i64> = HashMap::new();
        if let Some((first, end)) = parts.months {
            let sql = "SELECT host_cluster_id, home_cluster_id, SUM(days) AS days FROM ledger_months
                        WHERE month >= $1 AND month < $2 GROUP BY host_cluster_id, home_cluster_id";
            for r in self.rows::<PairRow>(sql, vec![first.into(), end.into()]).await? {
                days.insert((r.host_cluster_id, r.home_cluster_id), r.days);
            }
        }
        // SQLite's planner, with the statistics of a load, skip-scans the
        // primary key (every pair's every date) rather than read the dates
        // asked off `ledger_days_by_date`: 14 s against 0.2 s at 100×.
        let by_date = if self.is_postgres() { "" } else { "INDEXED BY ledger_days_by_date" };
        let signed = parts.add.iter().map(|r| (1, r)).chain(parts.subtract.iter().map(|r| (-1, r)));
        for (sign, (first, last)) in signed {
            let sql = format!(
                "SELECT host_cluster_id, home_cluster_id, SUM(days) AS days FROM ledger_days {by_date}
                  WHERE date >= $1 AND date <= $2 GROUP BY host_cluster_id, home_cluster_id"
            );
            for r in self.rows::<PairRow>(&sql, vec![(*first).into(), (*last).into()]).await? {
                *days.entry((r.host_cluster_id, r.home_cluster_id)).or_default() += sign * r.days;
            }
        }
        Ok(days
            .into_iter()
            .filter(|(_, days)| *days > 0)
            .map(|((host, home), days)| MatrixCell {
                host_cluster_id: ClusterId::from_uuid(host),
                home_cluster_id: ClusterId::from_uuid(home),
                visitor_days: unsigned(days),
            })
            .collect())
    }

    /// The held days of counted stays on the day before `utc_today` and on
    /// it (within `from..=to`), counted by (host, home, site's zone, date):
    /// tens of thousands of held days at 100×, a few thousand groups.
    pub async fn boundary_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        utc_today: NaiveDate,
    ) -> Result<Vec<BoundaryDay>, StoreError> {
        let first = utc_today.checked_sub_days(Days::new(1)).unwrap_or(utc_today).max(from);
        let last = utc_today.min(to);
        if last < first {
            return Ok(Vec::new());
        }
        // A host whose sites all keep one zone (nearly all): its counted
        // days are the running totals' (`ledger_days`, by date), judged in
        // that zone. A host with sites in several zones: its held days with
        // each site's zone, from its stays. CROSS JOIN keeps SQLite's
        // planner on the rows of the two days (the date index), then the
        // host's zone; PostgreSQL plans them as the joins they are.
        let by_date = if self.is_postgres() { "" } else { "INDEXED BY ledger_days_by_date" };
        let zones = |one: bool| {
            let same = if one { "=" } else { "<>" };
            format!(
                "SELECT cluster_id, MIN(timezone) AS timezone FROM sites
                  GROUP BY cluster_id HAVING MIN(timezone) {same} MAX(timezone)"
            )
        };
        let one_zone = format!(
            "SELECT l.host_cluster_id, l.home_cluster_id, z.timezone, l.date, CAST(l.days AS BIGINT) AS desks
               FROM ledger_days l {by_date} CROSS JOIN ({}) z
              WHERE z.cluster_id = l.host_cluster_id AND l.date >= $1 AND l.date <= $2 AND l.days > 0",
            zones(true)
        );
        let mut rows: Vec<BoundaryRow> = self.rows(&one_zone, vec![first.into(), last.into()]).await?;
        #[derive(FromQueryResult)]
        struct Host {
            #[allow(dead_code, reason = "asked for whether there is one")]
            cluster_id: uuid::Uuid,
        }
        // Asked first: PostgreSQL plans the join below over every held day
        // of the two days even when no host has a second zone.
        let several: Vec<Host> = self.rows(&format!("{} LIMIT 1", zones(false)), Vec::new()).await?;
        if !several.is_empty() {
            let sql = format!(
                "SELECT s.host_cluster_id, s.home_cluster_id, t.timezone, d.date, COUNT(*) AS desks
                   FROM ({}) z CROSS JOIN stays s CROSS JOIN stay_days d CROSS JOIN sites t
                  WHERE s.host_cluster_id = z.cluster_id AND d.stay_id = s.id AND t.id = s.site_id
                    AND d.date >= $2 AND d.date <= $3 AND {COUNTED_STAY}
                  GROUP BY s.host_cluster_id, s.home_cluster_id, t.timezone, d.date",
                zones(false)
            );
            rows.extend(self.rows::<BoundaryRow>(&sql, vec![false.into(), first.into(), last.into()]).await?);
        }
        // A few hundred zones at most: each parsed once.
        let mut zones: std::collections::HashMap<String, TimeZone> = std::collections::HashMap::new();
        rows.into_iter()
            .map(|r| {
                let zone = match zones.get(&r.timezone) {
                    Some(z) => *z,
                    None => *zones.entry(r.timezone.clone()).or_insert(zone(&r.timezone)?),
                };
                Ok(BoundaryDay {
                    host: ClusterId::from_uuid(r.host_cluster_id),
                    home: ClusterId::from_uuid(r.home_cluster_id),
                    zone,
                    // The query keeps counted stays only: approved, or
                    // cancelled after an approval, not no-show.
                    day: HeldDay { status: StayStatus::Approved, was_approved: true, no_show: false, date: r.date },
                    desks: unsigned(r.desks),
                })
            })
            .collect()
    }

    /// The introductions asked in `[start, end)` per (host, home), and how
    /// many of them were accepted. Rows stay when a member is erased, so the
    /// counts do too.
    pub async fn introduction_counts(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<deskvisa_rules::IntroductionCell>, StoreError> {
        #[derive(sea_orm::FromQueryResult)]
        struct Row {
            host_cluster_id: uuid::Uuid,
            home_cluster_id: uuid::Uuid,
            asked: i64,
            accepted: i64,
        }
        let sql = "SELECT host_cluster_id, home_cluster_id, COUNT(*) AS asked, \
                   SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) AS accepted \
                   FROM introductions WHERE created_at >= $1 AND created_at < $2 \
                   GROUP BY host_cluster_id, home_cluster_id";
        let rows: Vec<Row> = self.rows(sql, vec![start.into(), end.into()]).await?;
        Ok(rows
            .into_iter()
            .map(|r| deskvisa_rules::IntroductionCell {
                host_cluster_id: ClusterId::from_uuid(r.host_cluster_id),
                home_cluster_id: ClusterId::from_uuid(r.home_cluster_id),
                asked: unsigned(r.asked),
                accepted: unsigned(r.accepted),
            })
            .collect())
    }

    /// Each host's request totals for the requests made on the UTC dates of
    /// `[start, end)`, and its guarantee exceptions recorded on them: a row
    /// a host for each whole month (`ledger_request_months`), a row a host
    /// and date for the days of the months they cut (`ledger_requests`, by
    /// its date index), summed by host.
    pub async fn request_totals(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<BTreeMap<ClusterId, RequestTotals>, StoreError> {
        const SUMS: &str = "SUM(received) AS received, SUM(approved) AS approved, SUM(declined) AS declined,
                            SUM(expired) AS expired, SUM(answered) AS answered, SUM(exceptions) AS exceptions";
        let mut totals: BTreeMap<ClusterId, RequestTotals> = BTreeMap::new();
        let (first, Some(last)) = (start.date_naive(), end.date_naive().pred_opt()) else { return Ok(totals) };
        if last < first {
            return Ok(totals);
        }
        let parts = month_parts(first, last);
        let mut rows: Vec<(i64, RequestRow)> = Vec::new();
        if let Some((from, end)) = parts.months {
            let sql = format!(
                "SELECT host_cluster_id, {SUMS} FROM ledger_request_months
                  WHERE month >= $1 AND month < $2 GROUP BY host_cluster_id"
            );
            rows.extend(
                self.rows::<RequestRow>(&sql, vec![from.into(), end.into()]).await?.into_iter().map(|r| (1, r)),
            );
        }
        // As for `ledger_days`: SQLite's planner may walk the primary key
        // (every host's every day) rather than the dates asked.
        let by_date = if self.is_postgres() { "" } else { "INDEXED BY ledger_requests_by_date" };
        let signed = parts.add.iter().map(|r| (1, r)).chain(parts.subtract.iter().map(|r| (-1, r)));
        for (sign, (from, to)) in signed {
            let sql = format!(
                "SELECT host_cluster_id, {SUMS} FROM ledger_requests {by_date}
                  WHERE date >= $1 AND date <= $2 GROUP BY host_cluster_id"
            );
            let days = self.rows::<RequestRow>(&sql, vec![(*from).into(), (*to).into()]).await?;
            rows.extend(days.into_iter().map(|r| (sign, r)));
        }
        let mut sums: HashMap<uuid::Uuid, [i64; 6]> = HashMap::new();
        for (sign, r) in rows {
            let sum = sums.entry(r.host_cluster_id).or_default();
            for (total, n) in
                sum.iter_mut().zip([r.received, r.approved, r.declined, r.expired, r.answered, r.exceptions])
            {
                *total += sign * n;
            }
        }
        for (host, [received, approved, declined, expired, answered, exceptions]) in sums {
            if [received, approved, declined, expired, answered, exceptions].iter().all(|n| *n == 0) {
                continue;
            }
            let counts = RequestCounts {
                received: unsigned(received),
                approved: unsigned(approved),
                declined: unsigned(declined),
                expired: unsigned(expired),
            };
            let total = RequestTotals { counts, answered: unsigned(answered), exceptions: unsigned(exceptions) };
            totals.insert(ClusterId::from_uuid(host), total);
        }
        Ok(totals)
    }

    /// The guarantee exceptions recorded in `[start, end)`, oldest first:
    /// those `scope` took part in (as host or home; every one when none),
    /// all of them or one page (`limit`, after `offset`).
    pub async fn guarantee_exceptions(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        scope: Option<ClusterId>,
        page: Option<ExceptionPage>,
    ) -> Result<Vec<GuaranteeException>, StoreError> {
        let mut values: Vec<sea_orm::Value> = vec![start.into(), end.into()];
        let mut sql = String::from(
            "SELECT stay_id, host_cluster_id, home_cluster_id, at, to_status, reason
               FROM ledger_exceptions WHERE at >= $1 AND at < $2",
        );
        if let Some(cluster) = scope {
            sql.push_str(" AND (host_cluster_id = $3 OR home_cluster_id = $3)");
            values.push(cluster.as_uuid().into());
        }
        sql.push_str(" ORDER BY at, id");
        if let Some(page) = page {
            let n = values.len();
            sql.push_str(&format!(" LIMIT ${} OFFSET ${}", n + 1, n + 2));
            values.extend([i64::from(page.limit).into(), i64::try_from(page.offset).unwrap_or(i64::MAX).into()]);
        }
        let rows: Vec<ExceptionRow> = self.rows(&sql, values).await?;
        rows.into_iter()
            .map(|r| {
                let kind = match r.to_status.as_str() {
                    "declined" => ExceptionKind::Declined,
                    "expired" => ExceptionKind::Expired,
                    "cancelled" => ExceptionKind::CancelledByHost,
                    other => return Err(StoreError::Corrupt(format!("a guarantee exception moving to {other}"))),
                };
                Ok(GuaranteeException {
                    stay_id: StayId::from_uuid(r.stay_id),
                    host_cluster_id: ClusterId::from_uuid(r.host_cluster_id),
                    home_cluster_id: ClusterId::from_uuid(r.home_cluster_id),
                    at: r.at,
                    kind,
                    reason: r.reason,
                })
            })
            .collect()
    }

    /// How many guarantee exceptions recorded in `[start, end)` `cluster`
    /// took part in, as host or home.
    pub async fn exceptions_involving(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        cluster: ClusterId,
    ) -> Result<u64, StoreError> {
        #[derive(FromQueryResult)]
        struct Total {
            n: i64,
        }
        let sql = "SELECT COUNT(*) AS n FROM ledger_exceptions
                    WHERE at >= $1 AND at < $2 AND (host_cluster_id = $3 OR home_cluster_id = $3)";
        let rows: Vec<Total> = self.rows(sql, vec![start.into(), end.into(), cluster.as_uuid().into()]).await?;
        Ok(rows.first().map_or(0, |r| unsigned(r.n)))
    }

    /// Per host, the median time from a request made in `[start, end)` to a
    /// host admin's answer (approve or decline), in seconds. How many answers
    /// each host gave comes from the running totals (`totals`, of
    /// [`Tx::request_totals`] over the same period); the middle one or two
    /// are read off the index `(host, answer_seconds, created_at)`: no sort,
    /// and two values a host leave the database.
    pub async fn median_answer_seconds(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        totals: &BTreeMap<ClusterId, RequestTotals>,
    ) -> Result<Vec<(ClusterId, i64)>, StoreError> {
        let counts: Vec<(ClusterId, i64)> = totals
            .iter()
            .filter(|(_, r)| r.answered > 0)
            .map(|(host, r)| (*host, i64::try_from(r.answered).unwrap_or(i64::MAX)))
            .collect();
        if self.is_postgres() {
            return self.medians_at_once(start, end, &counts).await;
        }
        // SQLite's planner, once it has statistics, prefers the narrower
        // `(host, created_at)` range and sorts it: for each host. Walking
        // `stays_answers` in order is what makes the middle cheap (seen at
        // ten times the demo: half a second for 470 hosts, the sorts).
        let mut medians = Vec::with_capacity(counts.len());
        for (host, answers) in counts {
            let offset = (answers - 1) / 2;
            let take: i64 = if answers % 2 == 1 { 1 } else { 2 };
            let middle: Vec<MedianRow> = self
                .rows(
                    "SELECT answer_seconds AS seconds FROM stays INDEXED BY stays_answers
                      WHERE host_cluster_id = $3 AND answer_seconds IS NOT NULL
                        AND created_at >= $1 AND created_at < $2
                      ORDER BY answer_seconds LIMIT $4 OFFSET $5",
                    vec![start.into(), end.into(), host.as_uuid().into(), take.into(), offset.into()],
                )
                .await?;
            let mut middle: Vec<i64> = middle.into_iter().map(|r| r.seconds).collect();
            if let Some(m) = deskvisa_rules::median(&mut middle) {
                medians.push((host, m));
            }
        }
        Ok(medians)
    }

    /// [`Tx::median_answer_seconds`] for PostgreSQL, in one statement for a
    /// thousand hosts: a correlated subquery's `OFFSET` may name the outer
    /// row there (SQLite refuses it), so each host's middle one or two are
    /// read off `stays_answers` without a round trip a host.
    async fn medians_at_once(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        counts: &[(ClusterId, i64)],
    ) -> Result<Vec<(ClusterId, i64)>, StoreError> {
        #[derive(FromQueryResult)]
        struct MiddleRow {
            host_cluster_id: uuid::Uuid,
            answers: i64,
            low: Option<i64>,
            high: Option<i64>,
        }
        let middle = |offset: &str| {
            format!(
                "(SELECT s.answer_seconds FROM stays s
                   WHERE s.host_cluster_id = c.host_cluster_id AND s.answer_seconds IS NOT NULL
                     AND s.created_at >= $1 AND s.created_at < $2
                   ORDER BY s.answer_seconds LIMIT 1 OFFSET {offset})"
            )
        };
        let mut medians = Vec::with_capacity(counts.len());
        for chunk in counts.chunks(1_000) {
            let marks: Vec<String> = (0..chunk.len())
                .map(|i| format!("(CAST(${} AS uuid), CAST(${} AS bigint))", 2 * i + 3, 2 * i + 4))
                .collect();
            let sql = format!(
                "SELECT c.host_cluster_id, c.answers, {} AS low, {} AS high
                   FROM (VALUES {}) AS c (host_cluster_id, answers)",
                middle("(c.answers - 1) / 2"),
                middle("c.answers / 2"),
                marks.join(", ")
            );
            let mut values: Vec<sea_orm::Value> = vec![start.into(), end.into()];
            for (host, answers) in chunk {
                values.extend([host.as_uuid().into(), (*answers).into()]);
            }
            let rows: Vec<MiddleRow> = self.rows(&sql, values).await?;
            medians.extend(rows.into_iter().filter_map(|r| {
                // The middle one of an odd count, or the middle two of an even one.
                let mut middle: Vec<i64> = if r.answers % 2 == 1 {
                    r.low.into_iter().collect()
                } else {
                    r.low.into_iter().chain(r.high).collect()
                };
                deskvisa_rules::median(&mut middle).map(|m| (ClusterId::from_uuid(r.host_cluster_id), m))
            }));
        }
        Ok(medians)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{MonthParts, month_parts, split_by_month};
    use chrono::NaiveDate;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_period_is_cut_into_whole_months_and_the_days_around_them() {
        let year = split_by_month(d("2025-12-08"), d("2026-12-05"));
        assert_eq!(
            year,
            (
                Some((d("2025-12-08"), d("2025-12-31"))),
                Some((d("2026-01-01"), d("2026-12-01"))),
                Some((d("2026-12-01"), d("2026-12-05")))
            )
        );
        let march = split_by_month(d("2026-03-01"), d("2026-03-31"));
        assert_eq!(march, (None, Some((d("2026-03-01"), d("2026-04-01"))), None));
        let within = split_by_month(d("2026-03-02"), d("2026-03-20"));
        assert_eq!(within, (Some((d("2026-03-02"), d("2026-03-20"))), None, None));
        let across = split_by_month(d("2026-02-20"), d("2026-03-10"));
        assert_eq!(across, (Some((d("2026-02-20"), d("2026-03-10"))), None, None), "no whole month between");
        let ends_on_a_month = split_by_month(d("2026-02-20"), d("2026-04-30"));
        assert_eq!(
            ends_on_a_month,
            (Some((d("2026-02-20"), d("2026-02-28"))), Some((d("2026-03-01"), d("2026-05-01"))), None)
        );
    }

    #[test]
    fn a_month_cut_is_read_as_its_days_or_as_the_month_less_the_others_whichever_is_fewer() {
        let r = |a: &str, b: &str| (d(a), d(b));
        // A year from the 8th: December less its first seven days, and the
        // six days of the last month added.
        assert_eq!(
            month_parts(d("2025-12-08"), d("2026-12-06")),
            MonthParts {
                months: Some(r("2025-12-01", "2026-12-01")),
                add: vec![r("2026-12-01", "2026-12-06")],
                subtract: vec![r("2025-12-01", "2025-12-07")],
            }
        );
        // From the 20th: its twelve days added; to the 28th of a 30-day
        // month: the month less its last two days.
        assert_eq!(
            month_parts(d("2026-01-20"), d("2026-04-28")),
            MonthParts {
                months: Some(r("2026-02-01", "2026-05-01")),
                add: vec![r("2026-01-20", "2026-01-31")],
                subtract: vec![r("2026-04-29", "2026-04-30")],
            }
        );
        // Whole months only, and a period within one month: days only.
        assert_eq!(
            month_parts(d("2026-03-01"), d("2026-03-31")),
            MonthParts { months: Some(r("2026-03-01", "2026-04-01")), add: vec![], subtract: vec![] }
        );
        assert_eq!(
            month_parts(d("2026-03-02"), d("2026-03-30")),
            MonthParts { months: None, add: vec![r("2026-03-02", "2026-03-30")], subtract: vec![] }
        );
        // Half and half: the days themselves (as many rows either way).
        assert_eq!(
            month_parts(d("2026-02-15"), d("2026-03-31")),
            MonthParts {
                months: Some(r("2026-03-01", "2026-04-01")),
                add: vec![r("2026-02-15", "2026-02-28")],
                subtract: vec![]
            }
        );
    }
}
