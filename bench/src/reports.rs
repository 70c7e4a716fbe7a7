//! The read-heavy workloads of the ledger and the search, through the
//! application's router in-process (routing, authentication, the handler,
//! the queries and JSON; no TCP):
//!
//! - **R1**, the reciprocity ledger for a year of the demo network holding
//!   100,000 stays (target p99 ≤ 200 ms). The stays are written straight
//!   into the tables in bulk: a mix of approved (some checked in, some
//!   no-show), declined, cancelled mid-way, expired and pending stays, with
//!   their desk-days and history, across every cluster.
//! - **R2**, the availability search over every demo site for a 60-day
//!   window (target p99 ≤ 50 ms).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Datelike, Days, NaiveDate, TimeDelta, Utc, Weekday};
use deskvisa_service::{NewMember, Service, SystemClock};
use deskvisa_store::{DatabaseConfig, connect_store};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait, Value};
use tower::ServiceExt;

use crate::{fresh_dir, percentile};

/// A latency measurement.
pub struct Latency {
    /// Calls made.
    pub calls: usize,
    /// Their median.
    pub p50: Duration,
    /// Their 99th percentile.
    pub p99: Duration,
    /// Calls that did not answer 200.
    pub failed: usize,
}

async fn measure(app: &axum::Router, paths: &[String], token: &str, seconds: u64, most: usize) -> Result<Latency> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut times = Vec::new();
    let mut failed = 0;
    while times.len() < most && (times.len() < 20 || Instant::now() < deadline) {
        let path = &paths[times.len() % paths.len()];
        let request = Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty())?;
        let started = Instant::now();
        let response = app.clone().oneshot(request).await?;
        let ok = response.status() == StatusCode::OK;
        let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        times.push(started.elapsed());
        failed += usize::from(!ok);
    }
    times.sort();
    Ok(Latency { calls: times.len(), p50: percentile(&times, 0.5), p99: percentile(&times, 0.99), failed })
}

pub(crate) async fn demo(tag: &str) -> Result<(Service, deskvisa_service::seed::SeedReport, std::path::PathBuf)> {
    let dir = fresh_dir(tag)?;
    let url = format!("sqlite://{}?mode=rwc", dir.join(format!("{tag}.sqlite")).display());
    let store = connect_store(&DatabaseConfig::new(url)).await?;
    store.migrate().await?;
    let service = Service::with_store(store, Arc::new(SystemClock));
    let report = service.seed_demo().await?;
    Ok((service, report, dir))
}

/// Rows of one table, inserted in statements of `per_statement` rows.
async fn insert(db: &sea_orm::DatabaseTransaction, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) -> Result<()> {
    insert_then(db, table, columns, rows, "").await
}

/// Per-host request totals, added to those of the demo's own stays.
async fn insert_or_add(
    db: &sea_orm::DatabaseTransaction,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<()> {
    let add: Vec<String> = ["received", "approved", "declined", "expired", "answered"]
        .iter()
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect();
    let suffix = format!(" ON CONFLICT (host_cluster_id, date) DO UPDATE SET {}", add.join(", "));
    insert_then(db, table, columns, rows, &suffix).await
}

async fn insert_then(
    db: &sea_orm::DatabaseTransaction,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
    suffix: &str,
) -> Result<()> {
    let backend = db.get_database_backend();
    let per_statement = 30_000 / columns.len();
    for chunk in rows.chunks(per_statement) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut values = Vec::with_capacity(chunk.len() * columns.len());
        for (r, row) in chunk.iter().enumerate() {
            if r > 0 {
                sql.push_str(", ");
            }
            let marks: Vec<String> = (0..columns.len()).map(|c| format!("${}", r * columns.len() + c + 1)).collect();
            sql.push_str(&format!("({})", marks.join(", ")));
            values.extend(row.iter().cloned());
        }
        sql.push_str(suffix);
        let sql = if backend == sea_orm::DbBackend::Postgres { sql } else { sql.replace('$', "?") };
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.with_context(|| table.to_owned())?;
    }
    Ok(())
}

/// Writes `stays` stays over the year before today into the demo network.
async fn fill(service: &Service, url: &str, stays: usize) -> Result<(NaiveDate, NaiveDate)> {
    let map = service.map().await?;
    let sites: Vec<(uuid::Uuid, uuid::Uuid)> = map
        .clusters
        .iter()
        .flat_map(|(c, sites)| sites.iter().map(move |s| (s.id.as_uuid(), c.id.as_uuid())))
        .collect();
    // Two thousand visiting members, spread over the clusters; each visits
    // once a week at most, so no two of their stays share a day.
    let members_per_cluster = 2000 / map.clusters.len().max(1) + 1;
    let mut members = Vec::new();
    for (c, (cluster, _)) in map.clusters.iter().enumerate() {
        for m in 0..members_per_cluster {
            let new = NewMember {
                email: deskvisa_rules::Email::parse(&format!("bench{c}-{m}@bench.example"))?,
                name: format!("Bench {c}-{m}"),
                company: "Bench".into(),
                locale: deskvisa_rules::Locale::En,
            };
            members.push((service.add_member(cluster.id, new).await?.id.as_uuid(), cluster.id.as_uuid()));
        }
    }
    let today = Utc::now().date_naive();
    let first_monday = {
        let start = today - Days::new(364);
        start + Days::new(u64::from((7 - start.weekday().num_days_from_monday()) % 7))
    };
    let mut stay_rows = Vec::new();
    let mut day_rows = Vec::new();
    let mut history_rows = Vec::new();
    let mut held: std::collections::BTreeMap<(uuid::Uuid, NaiveDate), i32> = Default::default();
    // The ledger's running totals, as the service keeps them stay by stay.
    let mut counted: std::collections::BTreeMap<(uuid::Uuid, uuid::Uuid, NaiveDate), i32> = Default::default();
    let mut requests: std::collections::BTreeMap<(uuid::Uuid, NaiveDate), [i32; 5]> = Default::default();
    for i in 0..stays {
        let (member, home) = members[i % members.len()];
        let week = (i / members.len()) as u64 % 52;
        // A host other than the member's own cluster.
        let (site, host) = (0..sites.len())
            .map(|k| sites[(i * 7 + k) % sites.len()])
            .find(|(_, host)| *host != home)
            .unwrap_or(sites[0]);
        let start = first_monday + Days::new(week * 7);
        let length = 1 + (i % 5) as u64;
        let end = start + Days::new(length - 1);
        let created = (start - Days::new(10)).and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
        let answered = created + TimeDelta::minutes(30 + (i % 600) as i64);
        // 70 approved (5 of them no-shows), 10 declined, 10 cancelled mid-way, 5 expired, 5 pending.
        let (status, no_show, kept_days) = match i % 20 {
            0 | 1 => ("declined", false, 0),
            2 | 3 => ("cancelled", false, length.div_ceil(2)),
            4 => ("expired", false, 0),
            5 => ("pending", false, length),
            6 => ("approved", true, 1),
            _ => ("approved", false, length),
        };
        let id = uuid::Uuid::new_v4();
        let was_approved = matches!(status, "approved" | "cancelled");
        let by_host = matches!(status, "approved" | "cancelled" | "declined");
        let tally = requests.entry((host, created.date_naive())).or_default();
        tally[0] += 1;
        tally[1] += i32::from(was_approved);
        tally[2] += i32::from(status == "declined");
        tally[3] += i32::from(status == "expired");
        tally[4] += i32::from(by_host);
        stay_rows.push(vec![
            id.into(),
            member.into(),
            site.into(),
            host.into(),
            home.into(),
            start.into(),
            end.into(),
            status.into(),
            "bench".into(),
            (status == "pending").then_some(answered).into(),
            (length <= 5).into(),
            (status == "approved" && !no_show && i % 3 == 0).into(),
            no_show.into(),
            created.into(),
            answered.into(),
            was_approved.then_some(answered).into(),
            by_host.then(|| (answered - created).num_seconds()).into(),
        ]);
        for d in 0..kept_days {
            let date = start + Days::new(d);
            if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                continue;
            }
            day_rows.push(vec![id.into(), site.into(), member.into(), date.into()]);
            *held.entry((site, date)).or_default() += 1;
            if was_approved && !no_show {
                *counted.entry((host, home, date)).or_default() += 1;
            }
        }
        let entry =
            |at: chrono::DateTime<Utc>, actor: &str, from: Option<&str>, to: &str, action: &str, exception: bool| {
                vec![
                    id.into(),
                    at.into(),
                    actor.into(),
                    Value::Uuid(None),
                    from.map(str::to_owned).into(),
                    to.into(),
                    action.into(),
                    Value::String(None),
                    exception.into(),
                ]
            };
        history_rows.push(entry(created, "member", None, "pending", "request", false));
        match status {
            "declined" => {
                history_rows.push(entry(answered, "host_admin", Some("pending"), "declined", "decline", true))
            }
            "expired" => history_rows.push(entry(answered, "worker", Some("pending"), "expired", "expire", true)),
            "pending" => {}
            _ => history_rows.push(entry(answered, "host_admin", Some("pending"), "approved", "approve", false)),
        }
        if status == "cancelled" {
            let at = (start + Days::new(kept_days)).and_hms_opt(8, 0, 0).unwrap_or_default().and_utc();
            history_rows.push(entry(at, "host_admin", Some("approved"), "cancelled", "cancel", i % 40 == 2));
        }
    }
    let raw = crate::raw_sqlite::pool(url).await?;
    let db = raw.begin().await?;
    let columns = [
        "id",
        "member_id",
        "site_id",
        "host_cluster_id",
        "home_cluster_id",
        "start_date",
        "end_date",
        "status",
        "purpose",
        "answer_deadline",
        "within_guarantee",
        "checked_in",
        "no_show",
        "created_at",
        "updated_at",
        "approved_at",
        "answer_seconds",
    ];
    insert(&db, "stays", &columns, stay_rows).await?;
    let counters: Vec<Vec<Value>> = held
        .iter()
        .map(|((site, date), n)| vec![(*site).into(), (*date).into(), 10_000i32.into(), (*n).into()])
        .collect();
    // Days the demo seeded already are taken over by the bench's counters.
    db.execute_unprepared("DELETE FROM stay_days").await?;
    db.execute_unprepared("DELETE FROM site_days").await?;
    insert(&db, "site_days", &["site_id", "date", "desks", "held"], counters).await?;
    insert(&db, "stay_days", &["stay_id", "site_id", "member_id", "date"], day_rows).await?;
    let history = [
        "stay_id",
        "at",
        "actor",
        "by_member_id",
        "from_status",
        "to_status",
        "action",
        "reason",
        "guarantee_exception",
    ];
    insert(&db, "stay_history", &history, history_rows).await?;
    // The ledger's list of exceptions, as the service copies them from the history.
    db.execute_unprepared(
        "INSERT INTO ledger_exceptions (stay_id, host_cluster_id, home_cluster_id, at, to_status, reason)
         SELECT h.stay_id, s.host_cluster_id, s.home_cluster_id, h.at, h.to_status, h.reason
           FROM stay_history h JOIN stays s ON s.id = h.stay_id
          WHERE h.guarantee_exception = TRUE AND s.purpose = 'bench' ORDER BY h.id",
    )
    .await?;
    // The demo's own stays are counted in the totals already; the bench's are added.
    db.execute_unprepared("DELETE FROM ledger_days").await?;
    let days: Vec<Vec<Value>> = counted
        .iter()
        .map(|((host, home, date), n)| vec![(*host).into(), (*home).into(), (*date).into(), (*n).into()])
        .collect();
    insert(&db, "ledger_days", &["host_cluster_id", "home_cluster_id", "date", "days"], days).await?;
    let totals: Vec<Vec<Value>> = requests
        .iter()
        .map(|((host, date), [r, a, d, e, n])| {
            vec![(*host).into(), (*date).into(), (*r).into(), (*a).into(), (*d).into(), (*e).into(), (*n).into()]
        })
        .collect();
    let columns = ["host_cluster_id", "date", "received", "approved", "declined", "expired", "answered"];
    insert_or_add(&db, "ledger_requests", &columns, totals).await?;
    db.commit().await?;
    Ok((today - Days::new(365), today))
}

/// R1: the ledger for a year of the demo network with `stays` stays.
pub async fn r1(stays: usize, seconds: u64) -> Result<Latency> {
    let (service, report, dir) = demo("r1").await?;
    let url = format!("sqlite://{}", dir.join("r1.sqlite").display());
    let (from, to) = fill(&service, &url, stays).await?;
    let app = deskvisa_http::router(service.clone(), deskvisa_http::Limits::default());
    let paths = vec![format!("/api/v1/reports/reciprocity?from={from}&to={to}")];
    let latency = measure(&app, &paths, &report.network_admin_token, seconds, 200).await?;
    // DESKVISA_BENCH_KEEP=1 keeps the database for a look at its queries.
    if std::env::var_os("DESKVISA_BENCH_KEEP").is_some() {
        eprintln!("R1 database kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(latency)
}

/// R2: the availability search over every demo site for 60 days.
pub async fn r2(seconds: u64) -> Result<Latency> {
    let (service, report, dir) = demo("r2").await?;
    let app = deskvisa_http::router(service.clone(), deskvisa_http::Limits::default());
    let from = Utc::now().date_naive() + Days::new(7);
    let to = from + Days::new(59);
    let paths: Vec<String> =
        (1..=5).map(|days| format!("/api/v1/availability/search?from={from}&to={to}&days={days}")).collect();
    let latency = measure(&app, &paths, &report.member_token, seconds, 5000).await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(latency)
}
