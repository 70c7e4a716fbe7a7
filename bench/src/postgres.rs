//! W1 on PostgreSQL: stay requests through HTTP (`deskvisa serve` on
//! PostgreSQL, driven by wrk) against pgbench running the same statements
//! as the stay transaction, each on a fresh database of its own.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use sea_orm::{ConnectionTrait, Database};

/// The stay transaction as the store runs it on PostgreSQL (the member row
/// locked, the site row shared, the snapshot, the capacity guard, the
/// writes), for pgbench. `:n` picks the request's member and date from
/// `bench_plan`, written by the setup, as wrk's script does.
pub const PGBENCH_SCRIPT: &str = r#"
SELECT nextval('bench_n') % :plan AS n \gset
SELECT member_id, home_id, site_id, host_id, day FROM bench_plan WHERE n = :n \gset
BEGIN;
SELECT * FROM members WHERE id = :member_id FOR UPDATE;
SELECT id FROM sites WHERE id = :site_id FOR SHARE;
SELECT m.status, m.vouched_until, home.id, home.status, home.timezone, home.joined_on, host.id, host.status,
       s.timezone, s.desks, s.open_weekdays, p.max_days_per_stay, p.stays_per_year, p.min_notice_days,
       p.horizon_days, p.approval_mode, p.answer_window_days, p.on_no_answer, n.guaranteed_days,
       n.reciprocity_grace_days
  FROM members m
  JOIN sites s ON s.id = :site_id
  JOIN clusters home ON home.id = m.cluster_id
  JOIN clusters host ON host.id = s.cluster_id
  LEFT JOIN policies p ON p.cluster_id = s.cluster_id
  LEFT JOIN network_policy n ON n.id = 1
 WHERE m.id = :member_id;
SELECT * FROM site_desk_counts WHERE site_id IN (SELECT id FROM sites WHERE cluster_id = :home_id) ORDER BY at, id;
SELECT * FROM stays WHERE member_id = :member_id AND status IN ('pending', 'approved')
   AND end_date >= CAST(:day AS date) - 365 AND start_date <= CAST(:day AS date) + 365;
SELECT date FROM closures WHERE site_id = :site_id AND date BETWEEN :day AND :day;
SELECT date, held FROM site_days WHERE site_id = :site_id AND date BETWEEN :day AND :day;
INSERT INTO site_days (site_id, date, desks, held) VALUES (:site_id, :day, 1000000, 0) ON CONFLICT DO NOTHING;
SELECT date FROM site_days WHERE site_id = :site_id AND date IN (:day) ORDER BY date FOR UPDATE;
UPDATE site_days SET held = held + 1 WHERE site_id = :site_id AND date IN (:day) AND held < desks RETURNING date;
INSERT INTO stays (id, member_id, site_id, host_cluster_id, home_cluster_id, start_date, end_date, status, purpose,
                   decline_reason, cancel_reason, answer_deadline, within_guarantee, checked_in, no_show, created_at,
                   updated_at)
VALUES (gen_random_uuid(), :member_id, :site_id, :host_id, :home_id, :day, :day, 'pending', 'bench',
        NULL, NULL, now() + interval '3 days', true, false, false, now(), now())
RETURNING id AS stay_id \gset
INSERT INTO stay_days (stay_id, date, site_id, member_id) VALUES (:stay_id, :day, :site_id, :member_id);
INSERT INTO stay_history (stay_id, at, actor, by_member_id, from_status, to_status, action, reason, guarantee_exception)
VALUES (:stay_id, now(), 'member', :member_id, NULL, 'pending', 'request', NULL, false);
COMMIT;
"#;

/// A database of its own on the server, dropped by [`PgDatabase::drop_now`].
pub struct PgDatabase {
    pub server: String,
    pub name: String,
}

impl PgDatabase {
    /// Creates a fresh database.
    pub async fn create(server: &str, tag: &str) -> Result<PgDatabase> {
        PgDatabase::create_named(server, &format!("deskvisa_bench_{tag}_{}", std::process::id())).await
    }

    /// A database of this name, empty: dropped first if it is there.
    pub async fn create_named(server: &str, name: &str) -> Result<PgDatabase> {
        let admin = Database::connect(format!("{server}/postgres"))
            .await
            .with_context(|| format!("PostgreSQL at {server} (DESKVISA_BENCH_POSTGRES)"))?;
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
        admin.close().await?;
        Ok(PgDatabase { server: server.to_owned(), name: name.to_owned() })
    }

    /// A database kept from an earlier run.
    pub fn existing(server: &str, name: &str) -> PgDatabase {
        PgDatabase { server: server.to_owned(), name: name.to_owned() }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }

    /// Drops it.
    pub async fn drop_now(self) -> Result<()> {
        let admin = Database::connect(format!("{}/postgres", self.server)).await?;
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).await?;
        admin.close().await?;
        Ok(())
    }
}

/// Writes `bench_plan` (request n: its member, their home, the site, its
/// host, the date) and the `bench_n` sequence for pgbench.
pub async fn write_plan(url: &str, plan: &[(String, String, String, String, String)]) -> Result<()> {
    let db = Database::connect(url).await?;
    db.execute_unprepared(
        "CREATE TABLE bench_plan (n bigint PRIMARY KEY, member_id uuid, home_id uuid, site_id uuid, host_id uuid, day date);
         CREATE SEQUENCE bench_n MINVALUE 0 START 0",
    )
    .await?;
    for (chunk_index, chunk) in plan.chunks(1000).enumerate() {
        let values: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, (member, home, site, host, day))| {
                format!("({}, '{member}', '{home}', '{site}', '{host}', '{day}')", chunk_index * 1000 + i)
            })
            .collect();
        db.execute_unprepared(&format!("INSERT INTO bench_plan VALUES {}", values.join(","))).await?;
    }
    db.close().await?;
    Ok(())
}

/// pgbench's figures.
pub struct PgbenchResult {
    pub tps: f64,
    pub latency_ms: f64,
    pub failed: u64,
}

/// Runs the stay transaction with pgbench (prepared statements, as sqlx
/// sends them).
pub fn pgbench(url: &str, dir: &Path, plan: usize, connections: usize, seconds: u64) -> Result<PgbenchResult> {
    let script = dir.join("w1.pgbench");
    std::fs::write(&script, PGBENCH_SCRIPT)?;
    let output = Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-j", "2", "-c", &connections.to_string(), "-T", &seconds.to_string(), "-f"])
        .arg(&script)
        .args(["-D", &format!("plan={plan}")])
        .arg(url)
        .output()
        .context("running pgbench (make bench installs it)")?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let number = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
    };
    let tps = number("tps =").unwrap_or(0.0);
    if !output.status.success() || tps == 0.0 {
        bail!("pgbench failed:\n{text}\n{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(PgbenchResult {
        tps,
        latency_ms: number("latency average =").unwrap_or(0.0),
        failed: number("number of failed transactions:").unwrap_or(0.0) as u64,
    })
}
