//! The ledger's running totals (`ledger_days` and their sums by month,
//! `ledger_months`; `ledger_requests`), moved in the same transaction as
//! the stay they count: an approval adds its held days, a cancellation takes
//! away the days it gives back, a no-show all of them; every request counts
//! on its UTC date, and its outcome with it; every guarantee exception on
//! its own UTC date, at its host. Upserts run with their keys in
//! order, months before days, so two transactions that touch the same
//! totals take their row locks in the same order on PostgreSQL.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use deskvisa_rules::{ClusterId, Reason, StayId, StayStatus};
use sea_orm::Value;

use crate::error::StoreError;
use crate::tx::Tx;

/// How one request moves the per-host request totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RequestTally {
    pub received: i32,
    pub approved: i32,
    pub declined: i32,
    pub expired: i32,
    /// Answered by a host admin (approve or decline).
    pub answered: i32,
    /// Guarantee exceptions recorded (counted on their own date, not the
    /// request's).
    pub exceptions: i32,
}

impl RequestTally {
    /// What a request's move to `to` from pending adds.
    pub(crate) fn answered(to: StayStatus) -> RequestTally {
        match to {
            StayStatus::Approved => RequestTally { approved: 1, ..RequestTally::default() },
            StayStatus::Declined => RequestTally { declined: 1, ..RequestTally::default() },
            StayStatus::Expired => RequestTally { expired: 1, ..RequestTally::default() },
            StayStatus::Pending | StayStatus::Cancelled => RequestTally::default(),
        }
    }

    fn is_empty(self) -> bool {
        self == RequestTally::default()
    }
}

impl Tx {
    /// Adds `delta` counted days on each of `dates` to the (host, home) totals.
    pub(crate) async fn add_ledger_days(
        &self,
        host: ClusterId,
        home: ClusterId,
        dates: &[NaiveDate],
        delta: i32,
    ) -> Result<(), StoreError> {
        if dates.is_empty() || delta == 0 {
            return Ok(());
        }
        let mut dates = dates.to_vec();
        dates.sort_unstable();
        dates.dedup();
        if delta < 0 {
            // Taking days away cannot be an upsert: the row it would insert
            // breaks `CHECK days >= 0` before the conflict is seen. The rows
            // exist, since the days were added when they began to count.
            for (month, n) in by_month(&dates) {
                let changed = self
                    .run(
                        "UPDATE ledger_months SET days = days + $3 WHERE host_cluster_id = $1 AND home_cluster_id = $2 AND month = $4",
                        vec![host.as_uuid().into(), home.as_uuid().into(), (delta * n).into(), month.into()],
                    )
                    .await?;
                if changed != 1 {
                    return Err(StoreError::Corrupt(format!("ledger_months has no row for {month} a stay counted")));
                }
            }
            let placeholders: Vec<String> = (0..dates.len()).map(|i| format!("${}", i + 4)).collect();
            let sql = format!(
                "UPDATE ledger_days SET days = days + $3 WHERE host_cluster_id = $1 AND home_cluster_id = $2 AND date IN ({})",
                placeholders.join(", ")
            );
            let mut values: Vec<Value> = vec![host.as_uuid().into(), home.as_uuid().into(), delta.into()];
            values.extend(dates.iter().map(|d| Value::from(*d)));
            let changed = self.run(&sql, values).await?;
            if changed != dates.len() as u64 {
                return Err(StoreError::Corrupt(format!(
                    "ledger_days holds {changed} of the {} days a stay counted",
                    dates.len()
                )));
            }
            return Ok(());
        }
        for (sql, values) in ledger_days_added(host, home, &dates, delta) {
            self.run(&sql, values).await?;
        }
        Ok(())
    }

    /// Adds a request's tally to its host's totals on the UTC date of the request.
    pub(crate) async fn add_ledger_request(
        &self,
        host: ClusterId,
        requested_at: DateTime<Utc>,
        tally: RequestTally,
    ) -> Result<(), StoreError> {
        for (sql, values) in ledger_request_added(host, requested_at, tally) {
            self.run(sql, values).await?;
        }
        Ok(())
    }

    /// Copies a history line that is a guarantee exception into the
    /// ledger's list, with its stay's host and home, and counts it.
    pub(crate) async fn add_ledger_exception(
        &self,
        stay: StayId,
        entry: &crate::HistoryEntry,
    ) -> Result<(), StoreError> {
        for (sql, values) in ledger_exception_added(stay, entry) {
            self.run(sql, values).await?;
        }
        Ok(())
    }
}

/// The first day of `date`'s month: the key of its monthly total.
pub(crate) fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// Distinct `dates` (in order) counted by month, months in order.
fn by_month(dates: &[NaiveDate]) -> Vec<(NaiveDate, i32)> {
    let mut months: Vec<(NaiveDate, i32)> = Vec::new();
    for date in dates {
        let month = month_of(*date);
        match months.last_mut() {
            Some((last, n)) if *last == month => *n += 1,
            _ => months.push((month, 1)),
        }
    }
    months
}

/// The upserts that add `delta` (> 0) counted days on each of `dates` to
/// the (host, home) totals, monthly then daily, keys in order; none when
/// nothing is added.
pub(crate) fn ledger_days_added(
    host: ClusterId,
    home: ClusterId,
    dates: &[NaiveDate],
    delta: i32,
) -> Vec<(String, Vec<Value>)> {
    if dates.is_empty() || delta <= 0 {
        return Vec::new();
    }
    let mut dates = dates.to_vec();
    dates.sort_unstable();
    dates.dedup();
    let mut months = String::from("INSERT INTO ledger_months (host_cluster_id, home_cluster_id, month, days) VALUES ");
    let mut month_values: Vec<Value> = Vec::new();
    for (i, (month, n)) in by_month(&dates).into_iter().enumerate() {
        let k = i * 4;
        if i > 0 {
            months.push_str(", ");
        }
        months.push_str(&format!("(${}, ${}, ${}, ${})", k + 1, k + 2, k + 3, k + 4));
        month_values.extend([host.as_uuid().into(), home.as_uuid().into(), month.into(), (delta * n).into()]);
    }
    months.push_str(
        " ON CONFLICT (host_cluster_id, home_cluster_id, month) DO UPDATE SET days = ledger_months.days + excluded.days",
    );
    let mut sql = String::from("INSERT INTO ledger_days (host_cluster_id, home_cluster_id, date, days) VALUES ");
    let mut values: Vec<Value> = Vec::with_capacity(dates.len() * 4);
    for (i, date) in dates.iter().enumerate() {
        let n = i * 4;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
        values.extend([host.as_uuid().into(), home.as_uuid().into(), (*date).into(), delta.into()]);
    }
    sql.push_str(
        " ON CONFLICT (host_cluster_id, home_cluster_id, date) DO UPDATE SET days = ledger_days.days + excluded.days",
    );
    vec![(months, month_values), (sql, values)]
}

/// The upserts that add a request's tally to its host's totals for the
/// month and on the UTC date of the request, in that order; none for an
/// empty tally.
pub(crate) fn ledger_request_added(
    host: ClusterId,
    requested_at: DateTime<Utc>,
    tally: RequestTally,
) -> Vec<(&'static str, Vec<Value>)> {
    if tally.is_empty() {
        return Vec::new();
    }
    let values = |date: NaiveDate| -> Vec<Value> {
        vec![
            host.as_uuid().into(),
            date.into(),
            tally.received.into(),
            tally.approved.into(),
            tally.declined.into(),
            tally.expired.into(),
            tally.answered.into(),
            tally.exceptions.into(),
        ]
    };
    let day = requested_at.date_naive();
    vec![(REQUEST_MONTH_ADDED.as_str(), values(month_of(day))), (REQUEST_DAY_ADDED.as_str(), values(day))]
}

/// Adds a tally to a host's requests of a month (`$2`, its first day).
static REQUEST_MONTH_ADDED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT {}",
        request_insert("ledger_request_months", "month"),
        requests_added_on_conflict("ledger_request_months", "month")
    )
});

/// Adds a tally to a host's requests of a day.
static REQUEST_DAY_ADDED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT {}",
        request_insert("ledger_requests", "date"),
        requests_added_on_conflict("ledger_requests", "date")
    )
});

/// The totals of a row of requests, after its host and day (month).
pub(crate) const REQUEST_TOTALS: &str = "received, approved, declined, expired, answered, exceptions";

/// The start of an insert into a table of request totals keyed by host and
/// `key` (a day, or a month's first day).
fn request_insert(table: &str, key: &str) -> String {
    format!("INSERT INTO {table} (host_cluster_id, {key}, {REQUEST_TOTALS})")
}

/// What an insert into a table of request totals does where the host's
/// row for `key` exists: adds to it.
pub(crate) fn requests_added_on_conflict(table: &str, key: &str) -> String {
    format!(
        "(host_cluster_id, {key}) DO UPDATE SET received = {table}.received + excluded.received, \
         approved = {table}.approved + excluded.approved, declined = {table}.declined + excluded.declined, \
         expired = {table}.expired + excluded.expired, answered = {table}.answered + excluded.answered, \
         exceptions = {table}.exceptions + excluded.exceptions"
    )
}

/// The copy of a history line that is a guarantee exception into the
/// ledger's list, with its stay's host and home, then its count at the
/// host for the month and the UTC date it was recorded on; none for other
/// lines.
pub(crate) fn ledger_exception_added(stay: StayId, entry: &crate::HistoryEntry) -> Vec<(&'static str, Vec<Value>)> {
    if !entry.guarantee_exception {
        return Vec::new();
    }
    let sql = "INSERT INTO ledger_exceptions (stay_id, host_cluster_id, home_cluster_id, at, to_status, reason) \
               SELECT s.id, s.host_cluster_id, s.home_cluster_id, $2, $3, $4 FROM stays s WHERE s.id = $1";
    let values = vec![
        stay.as_uuid().into(),
        entry.at.into(),
        entry.to.as_str().into(),
        entry.reason.as_ref().map(Reason::as_str).into(),
    ];
    let day = entry.at.date_naive();
    vec![
        (sql, values),
        (EXCEPTION_MONTH_ADDED.as_str(), vec![stay.as_uuid().into(), month_of(day).into()]),
        (EXCEPTION_DAY_ADDED.as_str(), vec![stay.as_uuid().into(), day.into()]),
    ]
}

/// Counts an exception of stay `$1` at its host in the month of `$2`.
static EXCEPTION_MONTH_ADDED: LazyLock<String> = LazyLock::new(|| {
    exception_counted(&request_insert("ledger_request_months", "month"), "ledger_request_months", "month")
});

/// Counts an exception of stay `$1` at its host on the day `$2`.
static EXCEPTION_DAY_ADDED: LazyLock<String> =
    LazyLock::new(|| exception_counted(&request_insert("ledger_requests", "date"), "ledger_requests", "date"));

/// An upsert adding one exception to the host's row of `table` by `key`,
/// the host read off the stay.
fn exception_counted(insert: &str, table: &str, key: &str) -> String {
    format!(
        "{insert} SELECT s.host_cluster_id, $2, 0, 0, 0, 0, 0, 1 FROM stays s WHERE s.id = $1 ON CONFLICT {}",
        requests_added_on_conflict(table, key)
    )
}
