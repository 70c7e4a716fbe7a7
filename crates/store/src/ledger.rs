//! The counts behind the reciprocity ledger, done by the database: a year of
//! a busy network is a hundred thousand stays, so what leaves it is a few
//! rows per cluster, never a row per stay. What counts is the rules crate's
//! ([`deskvisa_rules::is_visitor_day`]); these queries say the same in SQL.
//!
//! A visitor-day must lie before today in the host site's zone. Every zone's
//! today is within a day of UTC's, so days two or more before UTC's today have
//! passed everywhere and are counted in SQL; the two days around it come back
//! one by one with the site's zone and are judged by the rules.

use chrono::{DateTime, Days, NaiveDate, Utc};
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

/// A held day near today, to be judged in its site's zone.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryDay {
    /// The host cluster.
    pub host: ClusterId,
    /// The visitor's home cluster.
    pub home: ClusterId,
    /// The host site's zone.
    pub zone: TimeZone,
    /// The day, as the rules judge it.
    pub day: HeldDay,
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
}

#[derive(FromQueryResult)]
struct RequestRow {
    host_cluster_id: uuid::Uuid,
    received: i64,
    approved: i64,
    declined: i64,
    expired: i64,
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
struct CountRow {
    host_cluster_id: uuid::Uuid,
    answers: i64,
}

#[derive(FromQueryResult)]
struct MedianRow {
    seconds: i64,
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
        // The running totals (see `ledger_totals`), one row per host, home and date.
        let sql = "SELECT host_cluster_id, home_cluster_id, SUM(days) AS days FROM ledger_days
                    WHERE date >= $1 AND date <= $2
                    GROUP BY host_cluster_id, home_cluster_id";
        let rows: Vec<PairRow> = self.rows(sql, vec![from.into(), certain.into()]).await?;
        Ok(rows
            .into_iter()
            .map(|r| MatrixCell {
                host_cluster_id: ClusterId::from_uuid(r.host_cluster_id),
                home_cluster_id: ClusterId::from_uuid(r.home_cluster_id),
                visitor_days: unsigned(r.days),
            })
            .collect())
    }

    /// The held days of counted stays on the day before `utc_today` and on
    /// it (within `from..=to`), each with its site's zone.
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
        // CROSS JOIN keeps SQLite's planner on the two days' held days (the
        // `stay_days.date` index) instead of every approved stay; PostgreSQL
        // plans it as the inner join it is.
        let sql = format!(
            "SELECT s.host_cluster_id, s.home_cluster_id, t.timezone, d.date
               FROM stay_days d CROSS JOIN stays s CROSS JOIN sites t
              WHERE s.id = d.stay_id AND t.id = s.site_id
                AND d.date >= $2 AND d.date <= $3 AND {COUNTED_STAY}"
        );
        let rows: Vec<BoundaryRow> = self.rows(&sql, vec![false.into(), first.into(), last.into()]).await?;
        rows.into_iter()
            .map(|r| {
                Ok(BoundaryDay {
                    host: ClusterId::from_uuid(r.host_cluster_id),
                    home: ClusterId::from_uuid(r.home_cluster_id),
                    zone: zone(&r.timezone)?,
                    // The query keeps counted stays only: approved, or
                    // cancelled after an approval, not no-show.
                    day: HeldDay { status: StayStatus::Approved, was_approved: true, no_show: false, date: r.date },
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

    /// How the requests made in `[start, end)` ended, per host.
    pub async fn request_counts(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<(ClusterId, RequestCounts)>, StoreError> {
        let sql = "SELECT host_cluster_id, SUM(received) AS received, SUM(approved) AS approved,
                          SUM(declined) AS declined, SUM(expired) AS expired
                     FROM ledger_requests WHERE date >= $1 AND date < $2 GROUP BY host_cluster_id";
        let rows: Vec<RequestRow> = self.rows(sql, vec![start.date_naive().into(), end.date_naive().into()]).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let counts = RequestCounts {
                    received: unsigned(r.received),
                    approved: unsigned(r.approved),
                    declined: unsigned(r.declined),
                    expired: unsigned(r.expired),
                };
                (ClusterId::from_uuid(r.host_cluster_id), counts)
            })
            .collect())
    }

    /// The guarantee exceptions recorded in `[start, end)`.
    pub async fn guarantee_exceptions(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<GuaranteeException>, StoreError> {
        let sql = "\
SELECT stay_id, host_cluster_id, home_cluster_id, at, to_status, reason
  FROM ledger_exceptions WHERE at >= $1 AND at < $2 ORDER BY at, id";
        let rows: Vec<ExceptionRow> = self.rows(sql, vec![start.into(), end.into()]).await?;
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

    /// Per host, the median time from a request made in `[start, end)` to a
    /// host admin's answer (approve or decline), in seconds. How many answers
    /// each host gave comes from the running totals; the middle one or two
    /// are read off the index `(host, answer_seconds, created_at)`: no sort,
    /// and two values a host leave the database.
    pub async fn median_answer_seconds(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<(ClusterId, i64)>, StoreError> {
        const ANSWERED: &str = "answer_seconds IS NOT NULL AND created_at >= $1 AND created_at < $2";
        // How many answers each host gave, from the running totals.
        let counts: Vec<CountRow> = self
            .rows(
                "SELECT host_cluster_id, SUM(answered) AS answers FROM ledger_requests
                  WHERE date >= $1 AND date < $2 GROUP BY host_cluster_id HAVING SUM(answered) > 0",
                vec![start.date_naive().into(), end.date_naive().into()],
            )
            .await?;
        // SQLite's planner, once it has statistics, prefers the narrower
        // `(host, created_at)` range and sorts it: for each host. Walking
        // `stays_answers` in order is what makes the middle cheap (seen at
        // ten times the demo: half a second for 470 hosts, the sorts).
        let by_answers = if self.is_postgres() { "" } else { "INDEXED BY stays_answers" };
        let mut medians = Vec::with_capacity(counts.len());
        for count in counts {
            let offset = (count.answers - 1) / 2;
            let take: i64 = if count.answers % 2 == 1 { 1 } else { 2 };
            let middle: Vec<MedianRow> = self
                .rows(
                    &format!(
                        "SELECT answer_seconds AS seconds FROM stays {by_answers}
                          WHERE host_cluster_id = $3 AND {ANSWERED}
                          ORDER BY answer_seconds LIMIT $4 OFFSET $5"
                    ),
                    vec![start.into(), end.into(), count.host_cluster_id.into(), take.into(), offset.into()],
                )
                .await?;
            let mut middle: Vec<i64> = middle.into_iter().map(|r| r.seconds).collect();
            if let Some(m) = deskvisa_rules::median(&mut middle) {
                medians.push((ClusterId::from_uuid(count.host_cluster_id), m));
            }
        }
        Ok(medians)
    }
}
