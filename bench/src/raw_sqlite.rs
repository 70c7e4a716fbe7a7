//! W1's raw-SQL baseline on SQLite: the statements of the stay transaction,
//! written out by hand and run through the driver on one connection, one
//! `BEGIN IMMEDIATE … COMMIT` each (no ORM, no service, no rules, and no
//! group commit), by `connections` tasks for `seconds`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait, Value,
};

/// A plain pool of one connection on the SQLite file at `url`, with the
/// store's own settings (WAL, durable commits, foreign keys, its caches):
/// the baselines' and the fillers' way around the sealed store.
pub async fn pool(url: &str) -> Result<DatabaseConnection> {
    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
    let mut options = sea_orm::ConnectOptions::new(url.to_owned());
    options.max_connections(1).sqlx_logging(false).test_before_acquire(false).map_sqlx_sqlite_opts(|o| {
        o.journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .create_if_missing(true)
            .pragma("cache_size", "-32768")
            .pragma("mmap_size", "268435456")
    });
    Ok(sea_orm::Database::connect(options).await?)
}

const SNAPSHOT: &str = "\
SELECT m.status, m.vouched_until, home.id, home.status, home.timezone, home.joined_on, host.id, host.status,
       s.timezone, s.desks, s.open_weekdays, p.max_days_per_stay, p.stays_per_year, p.min_notice_days,
       p.horizon_days, p.approval_mode, p.answer_window_days, p.on_no_answer, n.guaranteed_days,
       n.reciprocity_grace_days
  FROM members m
  JOIN sites s ON s.id = ?2
  JOIN clusters home ON home.id = m.cluster_id
  JOIN clusters host ON host.id = s.cluster_id
  LEFT JOIN policies p ON p.cluster_id = s.cluster_id
  LEFT JOIN network_policy n ON n.id = 1
 WHERE m.id = ?1";
const DESK_COUNTS: &str = "SELECT * FROM site_desk_counts WHERE site_id IN (SELECT id FROM sites WHERE cluster_id = ?1) \
                           ORDER BY at, id";
const STAYS: &str = "SELECT * FROM stays WHERE member_id = ?1 AND status IN ('pending', 'approved') \
                     AND end_date >= ?2 AND start_date <= ?3";
const DAYS: &str = "SELECT date, held, 0 AS closed FROM site_days WHERE site_id = ?1 AND date BETWEEN ?2 AND ?2 \
                    UNION ALL SELECT date, 0 AS held, 1 AS closed FROM closures WHERE site_id = ?1 AND date BETWEEN ?2 AND ?2";
const HOLD: &str = "INSERT INTO site_days (site_id, date, desks, held) VALUES (?1, ?2, 1000000, 1) \
                    ON CONFLICT (site_id, date) DO UPDATE SET held = site_days.held + 1 \
                    WHERE site_days.held < site_days.desks RETURNING date";
const WRITE: &str = "\
INSERT INTO stays (id, member_id, site_id, host_cluster_id, home_cluster_id, start_date, end_date, status, purpose,
                   answer_deadline, within_guarantee, checked_in, no_show, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 'pending', 'bench', ?7, 1, 0, 0, ?8, ?8);
INSERT INTO stay_days (stay_id, date, site_id, member_id) VALUES (?1, ?6, ?3, ?2);
INSERT INTO stay_history (stay_id, at, actor, by_member_id, from_status, to_status, action, reason, guarantee_exception)
VALUES (?1, ?8, 'member', ?2, NULL, 'pending', 'request', NULL, 0);";

/// One request: member, their home cluster, the site, its host, the date.
pub type Request = (uuid::Uuid, uuid::Uuid, uuid::Uuid, uuid::Uuid, NaiveDate);

fn statement(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
}

async fn one(db: &DatabaseConnection, (member, home, site, host, day): Request) -> Result<()> {
    let tx = db
        .begin_with_options(TransactionOptions {
            isolation_level: None,
            access_mode: None,
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        })
        .await?;
    tx.query_one_raw(statement(SNAPSHOT, vec![member.into(), site.into()])).await?;
    tx.query_all_raw(statement(DESK_COUNTS, vec![home.into()])).await?;
    let (from, to) = (day - chrono::Days::new(365), day + chrono::Days::new(365));
    tx.query_all_raw(statement(STAYS, vec![member.into(), from.into(), to.into()])).await?;
    tx.query_all_raw(statement(DAYS, vec![site.into(), day.into()])).await?;
    let taken = tx.query_all_raw(statement(HOLD, vec![site.into(), day.into()])).await?;
    anyhow::ensure!(taken.len() == 1, "the desk was not taken");
    let (stay, now) = (uuid::Uuid::new_v4(), Utc::now());
    let deadline = now + chrono::TimeDelta::days(3);
    tx.execute_raw(statement(
        WRITE,
        vec![
            stay.into(),
            member.into(),
            site.into(),
            host.into(),
            home.into(),
            day.into(),
            deadline.into(),
            now.into(),
        ],
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Runs the raw transactions; requests/s, p99 and failures.
pub async fn run(
    db: DatabaseConnection,
    requests: Arc<Vec<Request>>,
    connections: usize,
    seconds: u64,
) -> (f64, Duration, usize) {
    let counter = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let (db, requests, counter) = (db.clone(), requests.clone(), counter.clone());
        tasks.spawn(async move {
            let (mut latencies, mut failures) = (Vec::new(), 0usize);
            while Instant::now() < deadline {
                let Some(request) = requests.get(counter.fetch_add(1, Ordering::Relaxed)).copied() else { break };
                let t = Instant::now();
                if let Err(err) = one(&db, request).await {
                    if failures == 0 {
                        eprintln!("raw SQL: {err}");
                    }
                    failures += 1;
                }
                latencies.push(t.elapsed());
            }
            (latencies, failures)
        });
    }
    let mut all = Vec::new();
    let mut failures = 0;
    for (latencies, f) in tasks.join_all().await {
        all.extend(latencies);
        failures += f;
    }
    all.sort_unstable();
    let rate = all.len() as f64 / started.elapsed().as_secs_f64();
    (rate, crate::percentile(&all, 0.99), failures)
}
