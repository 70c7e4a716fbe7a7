//! W1's limit baseline on SQLite: the statements a stay request runs (the
//! member's rate counter, the snapshot's reads, the desk hold, the stay,
//! its days, its history, two outbox rows and the ledger's totals), written
//! out by hand and run synchronously on one thread through rusqlite with
//! prepared statements, in savepoints of batches that commit together as
//! the writer's do (`batch` stays a commit: the most the server can gather
//! from as many connections). No HTTP, no async, no ORM, no rules: what
//! this disk and SQLite allow on this machine.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use chrono::{Days, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, params};

/// One request: member, their home cluster, the site, its host, first and last day.
pub type Request = (uuid::Uuid, uuid::Uuid, uuid::Uuid, uuid::Uuid, NaiveDate, NaiveDate);

const HIT: &str = "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?1, ?2, 1) \
                   ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits";
const SNAPSHOT: &str = "\
SELECT m.status, m.vouched_until, home.id, home.status, home.timezone, home.joined_on, home.created_at, host.id,
       host.status, s.timezone, s.desks, s.open_weekdays, p.max_days_per_stay, p.stays_per_year, p.min_notice_days,
       p.horizon_days, p.approval_mode, p.answer_window_days, p.offer_hold_hours, p.on_no_answer, n.guaranteed_days,
       n.reciprocity_grace_days
  FROM members m
  JOIN sites s ON s.id = ?2
  JOIN clusters home ON home.id = m.cluster_id
  JOIN clusters host ON host.id = s.cluster_id
  LEFT JOIN policies p ON p.cluster_id = s.cluster_id
  LEFT JOIN network_policy n ON n.id = 1
 WHERE m.id = ?1";
const STAYS: &str = "SELECT id, site_id, host_cluster_id, start_date, end_date, status, no_show FROM stays \
                     WHERE member_id = ?1 AND status IN ('pending', 'approved') AND end_date >= ?2 AND start_date <= ?3";
const DAYS: &str = "SELECT date, held, 0 AS closed FROM site_days WHERE site_id = ?1 AND date BETWEEN ?2 AND ?3 \
                    UNION ALL SELECT date, 0, 1 FROM closures WHERE site_id = ?1 AND date BETWEEN ?2 AND ?3";
const OFFERS: &str = "\
SELECT c.site_id, s.timezone, c.at, c.desks, c.open_weekdays, NULL AS closed_on
  FROM site_desk_counts c JOIN sites s ON s.id = c.site_id WHERE s.cluster_id = ?1
UNION ALL
SELECT x.site_id, s.timezone, NULL, NULL, NULL, x.date
  FROM closures x JOIN sites s ON s.id = x.site_id WHERE s.cluster_id = ?1";
const REFUSED: &str = "SELECT host_cluster_id, COUNT(id), MIN(created_at) FROM stays WHERE within_guarantee = 1 \
                       AND created_at >= ?2 AND host_cluster_id = ?1 AND status IN ('declined', 'expired') \
                       GROUP BY host_cluster_id";
const HOLD: &str = "INSERT INTO site_days (site_id, date, desks, held) VALUES (?1, ?2, 1000000, 1) \
                    ON CONFLICT (site_id, date) DO UPDATE SET held = site_days.held + 1 \
                    WHERE site_days.held < site_days.desks RETURNING date";
const STAY: &str = "\
INSERT INTO stays (id, member_id, site_id, host_cluster_id, home_cluster_id, start_date, end_date, status, purpose,
                   answer_deadline, within_guarantee, checked_in, no_show, created_at, updated_at, approved_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 'bench', ?8, 1, 0, 0, ?9, ?9, NULL)";
const STAY_DAY: &str = "INSERT INTO stay_days (stay_id, date, site_id, member_id) VALUES (?1, ?2, ?3, ?4)";
const HISTORY: &str = "\
INSERT INTO stay_history (stay_id, at, actor, by_member_id, from_status, to_status, action, reason,
                          guarantee_exception, moved_from_start, moved_from_end, moved_to_start, moved_to_end)
VALUES (?1, ?2, 'member', ?3, NULL, 'pending', 'request', NULL, 0, NULL, NULL, NULL, NULL)";
const OUTBOX: &str = "\
INSERT INTO outbox (id, kind, recipient, locale, payload, status, attempts, created_at, next_attempt_at)
VALUES (?1, ?2, ?3, '', ?4, 'pending', 0, ?5, ?5)";
const LEDGER: &str = "\
INSERT INTO ledger_requests (host_cluster_id, date, received, approved, declined, expired, answered)
VALUES (?1, ?2, 1, 0, 0, 0, 0) ON CONFLICT (host_cluster_id, date) DO UPDATE SET
received = ledger_requests.received + excluded.received";

/// Requests per second over `seconds` (or until `requests` run out), and
/// failures.
pub fn run(path: &Path, requests: &[Request], batch: usize, seconds: u64) -> Result<(f64, usize)> {
    let mut connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    connection.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -8192; PRAGMA mmap_size = 0; PRAGMA temp_store = MEMORY;",
    )?;
    connection.set_prepared_statement_cache_capacity(64);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let (mut done, mut failures) = (0usize, 0usize);
    let mut next = requests.iter();
    'batches: while Instant::now() < deadline {
        let mut tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for _ in 0..batch.max(1) {
            let Some(request) = next.next() else {
                tx.commit()?;
                break 'batches;
            };
            let savepoint = tx.savepoint_with_name("job")?;
            match one(&savepoint, *request) {
                Ok(()) => savepoint.commit()?,
                Err(err) => {
                    if failures == 0 {
                        eprintln!("limit baseline: {err}");
                    }
                    failures += 1;
                }
            }
            done += 1;
        }
        tx.commit()?;
    }
    Ok((done as f64 / started.elapsed().as_secs_f64(), failures))
}

/// One stay request's statements.
fn one(tx: &Connection, (member, home, site, host, first, last): Request) -> Result<()> {
    let now = Utc::now();
    let at = now.to_rfc3339_opts(SecondsFormat::AutoSi, false);
    let hour = now.format("%Y-%m-%dT%H:00:00+00:00").to_string();
    let (member_b, home_b, site_b, host_b) = (member.as_bytes(), home.as_bytes(), site.as_bytes(), host.as_bytes());
    let bucket = format!("stay-requests:{member}");
    tx.prepare_cached(HIT)?.query_row(params![bucket, hour], |r| r.get::<_, i64>(0))?;
    let mut snapshot = tx.prepare_cached(SNAPSHOT)?;
    let columns = snapshot.column_count();
    snapshot.query_row(params![member_b, site_b], |r| {
        for i in 0..columns {
            let _ = r.get_ref(i)?;
        }
        Ok(())
    })?;
    let (from, to) = (first - Days::new(365), last + Days::new(365));
    read_all(tx, STAYS, params![member_b, from.to_string(), to.to_string()])?;
    read_all(tx, DAYS, params![site_b, first.to_string(), last.to_string()])?;
    read_all(tx, OFFERS, params![home_b])?;
    let since = (now - chrono::TimeDelta::days(90)).to_rfc3339_opts(SecondsFormat::AutoSi, false);
    read_all(tx, REFUSED, params![home_b, since])?;
    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    for day in &days {
        let taken = tx.prepare_cached(HOLD)?.query_map(params![site_b, day.to_string()], |_| Ok(()))?.count();
        ensure!(taken == 1, "the desk was not taken");
    }
    let stay = uuid::Uuid::now_v7();
    let deadline = (now + chrono::TimeDelta::days(3)).to_rfc3339_opts(SecondsFormat::AutoSi, false);
    tx.prepare_cached(STAY)?.execute(params![
        stay.as_bytes(),
        member_b,
        site_b,
        host_b,
        home_b,
        first.to_string(),
        last.to_string(),
        deadline,
        at
    ])?;
    for day in &days {
        tx.prepare_cached(STAY_DAY)?.execute(params![stay.as_bytes(), day.to_string(), site_b, member_b])?;
    }
    tx.prepare_cached(HISTORY)?.execute(params![stay.as_bytes(), at, member_b])?;
    let payload = format!("{{\"stay\":\"{stay}\",\"reason\":null,\"had_been_approved\":false,\"sequence\":0}}");
    for (kind, recipient) in
        [("stay_requested", format!("member:{member}")), ("approval_needed", format!("admins:{host}"))]
    {
        tx.prepare_cached(OUTBOX)?.execute(params![uuid::Uuid::now_v7().as_bytes(), kind, recipient, payload, at])?;
    }
    tx.prepare_cached(LEDGER)?.execute(params![host_b, now.date_naive().to_string()])?;
    Ok(())
}

/// Reads every row and column of a statement.
fn read_all(tx: &Connection, sql: &str, values: impl rusqlite::Params) -> Result<()> {
    let mut statement = tx.prepare_cached(sql)?;
    let columns = statement.column_count();
    let mut rows = statement.query(values)?;
    while let Some(row) = rows.next()? {
        for i in 0..columns {
            let _ = row.get_ref(i)?;
        }
    }
    Ok(())
}
