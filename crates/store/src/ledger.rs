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
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, Value};

use crate::convert::zone;
use crate::error::StoreError;
use crate::tx::{Tx, portable_sql};

/// A held day that is a visitor-day if its date has passed at the host:
/// the stay is approved, or cancelled after an approval, and not a no-show.
const COUNTED_STAY: &str = "\
s.no_show = $1 AND (s.status = 'approved' OR (s.status = 'cancelled' AND EXISTS (
    SELECT 1 FROM stay_history h WHERE h.stay_id = s.id AND h.to_status = 'approved')))";

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
    status: String,
    was_approved: i32,
    requests: i64,
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
    host_cluster_id: uuid::Uuid,
    seconds: i64,
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Seconds from `s.created_at` to `h.at`.
fn answer_seconds(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "CAST(EXTRACT(EPOCH FROM (h.at - s.created_at)) AS BIGINT)",
        _ => "CAST(ROUND((julianday(h.at) - julianday(s.created_at)) * 86400) AS INTEGER)",
    }
}

impl Tx {
    async fn rows<T: FromQueryResult>(&self, sql: &str, values: Vec<Value>) -> Result<Vec<T>, StoreError> {
        let statement = Statement::from_sql_and_values(self.backend, portable_sql(self.backend, sql), values);
        let rows = self.tx.query_all_raw(statement).await?;
        rows.iter().map(|r| T::from_query_result(r, "").map_err(StoreError::from)).collect()
    }

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
        let sql = format!(
            "SELECT s.host_cluster_id, s.home_cluster_id, COUNT(*) AS days
               FROM stay_days d JOIN stays s ON s.id = d.stay_id
              WHERE d.date >= $2 AND d.date <= $3 AND {COUNTED_STAY}
              GROUP BY s.host_cluster_id, s.home_cluster_id"
        );
        let rows: Vec<PairRow> = self.rows(&sql, vec![false.into(), from.into(), certain.into()]).await?;
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
        let sql = format!(
            "SELECT s.host_cluster_id, s.home_cluster_id, t.timezone, d.date
               FROM stay_days d JOIN stays s ON s.id = d.stay_id JOIN sites t ON t.id = s.site_id
              WHERE d.date >= $2 AND d.date <= $3 AND {COUNTED_STAY}"
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

    /// How the requests made in `[start, end)` ended, per host.
    pub async fn request_counts(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<(ClusterId, RequestCounts)>, StoreError> {
        let sql = "\
SELECT s.host_cluster_id, s.status,
       CASE WHEN s.status = 'approved' OR EXISTS (
            SELECT 1 FROM stay_history h WHERE h.stay_id = s.id AND h.to_status = 'approved') THEN 1 ELSE 0 END
         AS was_approved,
       COUNT(*) AS requests
  FROM stays s
 WHERE s.created_at >= $1 AND s.created_at < $2
 GROUP BY s.host_cluster_id, s.status, 3";
        let rows: Vec<RequestRow> = self.rows(sql, vec![start.into(), end.into()]).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let n = unsigned(r.requests);
                let counts = RequestCounts {
                    received: n,
                    approved: if r.was_approved == 1 { n } else { 0 },
                    declined: if r.status == "declined" { n } else { 0 },
                    expired: if r.status == "expired" { n } else { 0 },
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
SELECT h.stay_id, s.host_cluster_id, s.home_cluster_id, h.at, h.to_status, h.reason
  FROM stay_history h JOIN stays s ON s.id = h.stay_id
 WHERE h.guarantee_exception = $1 AND h.at >= $2 AND h.at < $3
 ORDER BY h.at, h.id";
        let rows: Vec<ExceptionRow> = self.rows(sql, vec![true.into(), start.into(), end.into()]).await?;
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
    /// host admin's answer (approve or decline), in seconds. The database
    /// ranks the answers; only the middle one or two of each host leave it.
    pub async fn median_answer_seconds(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<(ClusterId, i64)>, StoreError> {
        let sql = format!(
            "WITH answers AS (
                SELECT s.host_cluster_id AS host_cluster_id, {} AS seconds
                  FROM stays s JOIN stay_history h ON h.stay_id = s.id
                 WHERE s.created_at >= $1 AND s.created_at < $2
                   AND h.from_status = 'pending' AND h.actor = 'host_admin'
                   AND h.to_status IN ('approved', 'declined')),
             ranked AS (
                SELECT host_cluster_id, seconds,
                       ROW_NUMBER() OVER (PARTITION BY host_cluster_id ORDER BY seconds) AS n,
                       COUNT(*) OVER (PARTITION BY host_cluster_id) AS total
                  FROM answers)
             SELECT host_cluster_id, seconds FROM ranked
              WHERE n = (total + 1) / 2 OR n = (total + 2) / 2
              ORDER BY host_cluster_id, seconds",
            answer_seconds(self.backend)
        );
        let rows: Vec<MedianRow> = self.rows(&sql, vec![start.into(), end.into()]).await?;
        let mut medians: Vec<(ClusterId, Vec<i64>)> = Vec::new();
        for row in rows {
            let host = ClusterId::from_uuid(row.host_cluster_id);
            match medians.last_mut() {
                Some((last, middle)) if *last == host => middle.push(row.seconds),
                _ => medians.push((host, vec![row.seconds])),
            }
        }
        Ok(medians
            .into_iter()
            .filter_map(|(host, mut middle)| deskvisa_rules::median(&mut middle).map(|m| (host, m)))
            .collect())
    }
}
