//! **S1**, the network grown 1×, 10× and 100× (see `grown.rs`), on SQLite
//! and on PostgreSQL: how each cost grows with the network.
//!
//! Each size is a fresh database: the demo network, the grown network
//! written through the store's bulk loader, the planner's statistics
//! refreshed. Then, through the application's router in-process (session
//! cookie or bearer token, handler, queries, template; no TCP), as the
//! person each is for:
//!
//! - the availability search over every site for 60 days (the API, and the
//!   map page with that search);
//! - the map page (p99 and its weight with its assets);
//! - a grown site's page, as a visiting member;
//! - the inbox of a grown cluster's host admin;
//! - the ledger for a year (the page and the API), as the network admin;
//! - W1, stay requests in-process (16 at once) at a site of its own;
//! - the outbox drain: 2,000 approval emails delivered to a local SMTP
//!   server, four at a time.
//!
//! Targets at 100×: search p99 ≤ 100 ms, any page p99 ≤ 50 ms, the ledger
//! for a year ≤ 1 s, W1 within 20 % of its 1× figure, the map page ≤ 300 KB.
//!
//! `DESKVISA_S1_ONLY=ledger,W1` measures only the costs whose names hold
//! one of the words (a kept network's investigation: each cost alone).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::http::StatusCode;
use chrono::{Days, Utc};
use deskvisa_mail::{Sender, TransportConfig};
use deskvisa_rules::Email;
use deskvisa_rules::MailKind;
use deskvisa_service::seed::{DEMO_MEMBER, DEMO_NETWORK_ADMIN};
use deskvisa_service::{DeliveryConfig, Mailer, RateLimits, Role, Service, StayEvent, StayRequestInput, SystemClock};
use deskvisa_store::{DatabaseConfig, NewMail, connect_store};

use crate::grown::{GROWN_ADMIN, Shape};
use crate::pages::{assets, get, get_bearer, session};
use crate::{fresh_dir, percentile, postgres};

/// Where a size is measured.
#[derive(Debug, Clone)]
pub enum Database {
    /// A SQLite file of its own.
    Sqlite,
    /// A database of its own on this PostgreSQL server.
    Postgres(String),
}

impl Database {
    /// How the kept networks' directories are named.
    fn tag(&self) -> &'static str {
        match self {
            Database::Sqlite => "sqlite",
            Database::Postgres(_) => "postgres",
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Database::Sqlite => "SQLite",
            Database::Postgres(_) => "PostgreSQL",
        }
    }
}

/// One cost at one size.
#[derive(Debug, Clone)]
pub struct Cost {
    /// What was measured.
    pub name: &'static str,
    /// p99 of a call, where it is a latency.
    pub p99: Option<Duration>,
    /// Calls or items a second, where it is a rate.
    pub rate: Option<f64>,
    /// The page's weight with its assets, where it is a page.
    pub bytes: Option<usize>,
}

/// Every cost at one size on one database.
#[derive(Debug, Clone)]
pub struct Size {
    /// The database.
    pub database: &'static str,
    /// Units of the grown network.
    pub factor: usize,
    /// Clusters, sites, members and stays in the database.
    pub counts: [u64; 4],
    /// Seconds the bulk load took.
    pub load_seconds: f64,
    /// Rows it wrote.
    pub rows: u64,
    /// The costs.
    pub costs: Vec<Cost>,
}

/// Where S1 keeps its grown networks between runs, when
/// `DESKVISA_S1_KEEP` names a directory: a network a hundred times the
/// demo's takes most of an hour to load, and a kept one is measured again
/// at once, migrated to the schema of the day. SQLite's file is
/// `DIR/sqlite-N/bench.sqlite`, PostgreSQL's database `deskvisa_s1_N`; the
/// file `loaded` beside them holds the load's rows and seconds.
fn kept_dir(database: &Database, factor: usize) -> Option<std::path::PathBuf> {
    let root = std::env::var_os("DESKVISA_S1_KEEP")?;
    Some(std::path::PathBuf::from(root).join(format!("{}-{factor}", database.tag())))
}

/// A kept network's load: rows and seconds, once it finished.
fn kept_load(dir: &std::path::Path) -> Option<(u64, f64)> {
    let text = std::fs::read_to_string(dir.join("loaded")).ok()?;
    let (rows, seconds) = text.trim().split_once(' ')?;
    Some((rows.parse().ok()?, seconds.parse().ok()?))
}

/// Measures one size: `seconds` is each measurement's budget.
pub async fn s1(database: &Database, factor: usize, seconds: u64) -> Result<Size> {
    let kept = kept_dir(database, factor);
    let loaded = kept.as_deref().and_then(kept_load);
    let dir = match &kept {
        Some(dir) => {
            if loaded.is_none() {
                // A load that never finished starts again.
                let _ = std::fs::remove_dir_all(dir);
            }
            std::fs::create_dir_all(dir)?;
            dir.clone()
        }
        None => fresh_dir(&format!("s1-{factor}"))?,
    };
    let pg = match database {
        Database::Postgres(server) => Some(match (&kept, loaded) {
            (Some(_), Some(_)) => postgres::PgDatabase::existing(server, &format!("deskvisa_s1_{factor}")),
            (Some(_), None) => postgres::PgDatabase::create_named(server, &format!("deskvisa_s1_{factor}")).await?,
            (None, _) => postgres::PgDatabase::create(server, &format!("s1_{factor}")).await?,
        }),
        Database::Sqlite => None,
    };
    let url = pg.as_ref().map_or_else(|| crate::sqlite_url(&dir), postgres::PgDatabase::url);
    let result = measure_size(database, &url, &dir, factor, seconds, loaded).await;
    if kept.is_some() {
        eprintln!("S1 network kept: {url}");
    } else {
        if let Some(pg) = pg {
            pg.drop_now().await?;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

async fn measure_size(
    database: &Database,
    url: &str,
    dir: &std::path::Path,
    factor: usize,
    seconds: u64,
    loaded: Option<(u64, f64)>,
) -> Result<Size> {
    let store = connect_store(&DatabaseConfig::new(url)).await?;
    store.migrate().await?;
    // A kept network is measured again and again: its three sign-ins an
    // hour would reach the hourly limit of sign-in emails by the second run.
    let service = Service::with_store(store, Arc::new(SystemClock))
        .with_rate_limits(RateLimits { sign_in_emails_per_address_per_hour: u32::MAX, ..RateLimits::default() });
    let now = Utc::now();
    let (rows, load_seconds) = match loaded {
        Some(load) => load,
        None => {
            service.seed_demo().await?;
            let started = Instant::now();
            let rows = Shape::new(factor).load(service.store(), now).await?;
            service.store().refresh_statistics().await?;
            let load = (rows, started.elapsed().as_secs_f64());
            std::fs::write(dir.join("loaded"), format!("{} {}", load.0, load.1))?;
            load
        }
    };
    if loaded.is_some() {
        // A kept network has the rows of earlier runs' W1 and a schema
        // migrated since: the planner's view of it, and on PostgreSQL the
        // visibility map, brought up to date as autovacuum would.
        service.store().refresh_statistics().await?;
    }
    let counts = service.store().network_counts().await?;
    // A long load's end, so a watcher knows the measurements begin.
    eprintln!("S1 {} {factor}×: {rows} rows loaded in {load_seconds:.0} s; measuring", database.name());

    let mail_dir = dir.join("mail");
    std::fs::create_dir_all(&mail_dir)?;
    let files = Sender::new(&TransportConfig::File { dir: mail_dir.clone() }, "deskvisa", "deskvisa@deskvisa.example")?;
    let files = Arc::new(Mailer::new(files, DeliveryConfig::default()));
    service.deliver_mail(&files).await?;
    for entry in std::fs::read_dir(&mail_dir)? {
        std::fs::remove_file(entry?.path())?;
    }
    // The host admin of the first grown cluster, whose two sites take
    // visitors from the whole grown network.
    let admin_email = Email::parse(GROWN_ADMIN)?;
    let read = service.store().begin_read().await?;
    let admin = read.member_by_email(&admin_email).await?.context("the grown admin")?;
    let cluster = admin.cluster_id.context("the grown admin's cluster")?;
    let site = read.sites(Some(cluster)).await?.into_iter().map(|s| s.id).min().context("a grown site")?;
    drop(read);
    service.grant_role(admin.id, Role::ClusterAdmin).await?;
    let cookie = |s: String| format!("deskvisa_session={s}");
    let member = cookie(session(&service, &files, &mail_dir, DEMO_MEMBER).await?);
    let network = cookie(session(&service, &files, &mail_dir, DEMO_NETWORK_ADMIN).await?);
    let host = cookie(session(&service, &files, &mail_dir, admin_email.as_str()).await?);
    let member_token = service.create_token(&Email::parse(DEMO_MEMBER)?, "S1").await?;
    let network_token = service.create_token(&Email::parse(DEMO_NETWORK_ADMIN)?, "S1").await?;

    let app = deskvisa_http::router(service.clone(), deskvisa_http::Limits::default());
    let today = now.date_naive();
    let (from, to) = (today + Days::new(7), today + Days::new(66));
    let year = today - Days::new(364);
    let budget = Duration::from_secs(seconds.max(1));
    let mut costs = Vec::new();
    let only = std::env::var("DESKVISA_S1_ONLY").ok();
    let wanted = |name: &str| only.as_deref().is_none_or(|only| only.split(',').any(|w| name.contains(w)));
    let pages: [(&'static str, String, &str); 6] = [
        ("map with a search, every site, 60 days", format!("/?from={from}&to={to}&days=3"), &member),
        ("map", "/".to_owned(), &member),
        ("a grown site's page", format!("/sites/{site}"), &member),
        ("host inbox", "/host".to_owned(), &host),
        ("ledger page, a year", format!("/network/ledger?from={year}&to={today}"), &network),
        ("my stays", "/stays".to_owned(), &member),
    ];
    let apis: [(&'static str, String, &str); 2] = [
        (
            "search API, every site, 60 days",
            format!("/api/v1/availability/search?from={from}&to={to}&days=3"),
            &member_token,
        ),
        ("ledger API, a year", format!("/api/v1/reports/reciprocity?from={year}&to={today}"), &network_token),
    ];
    for (name, path, token) in apis.iter().take(1) {
        if wanted(name) {
            costs.push(latency(name, &app, path, Auth::Bearer(token), budget).await?);
        }
    }
    for (name, path, cookie) in pages.iter().filter(|(name, _, _)| wanted(name)) {
        costs.push(latency(name, &app, path, Auth::Cookie(cookie), budget).await?);
    }
    for (name, path, token) in apis.iter().skip(1) {
        if wanted(name) {
            costs.push(latency(name, &app, path, Auth::Bearer(token), budget).await?);
        }
    }
    if wanted("W1 stay requests in-process") || wanted("outbox drain") {
        let w1 = crate::world(service.clone(), 1, &format!("-{}", now.timestamp())).await?;
        let (rate, p99, failures) = crate::direct(&w1, 16, seconds.max(1)).await?;
        if failures > 0 {
            bail!("S1 W1 at {factor}×: {failures} stay requests failed");
        }
        costs.push(Cost { name: "W1 stay requests in-process", p99: Some(p99), rate: Some(rate), bytes: None });
        if wanted("outbox drain") {
            costs.push(drain(&service, &w1).await?);
        }
    }
    Ok(Size { database: database.name(), factor, counts, load_seconds, rows, costs })
}

enum Auth<'a> {
    Cookie(&'a str),
    Bearer(&'a str),
}

/// A GET's p99 over `budget` (20 calls at least, 5 for a cost of seconds,
/// 2,000 at most), and for a page its weight with its assets.
async fn latency(name: &'static str, app: &axum::Router, path: &str, auth: Auth<'_>, budget: Duration) -> Result<Cost> {
    let call = || async {
        match auth {
            Auth::Cookie(cookie) => get(app, path, cookie).await,
            Auth::Bearer(token) => get_bearer(app, path, token).await,
        }
    };
    // A call past the request timeout (408) is counted at the time it
    // took, not dropped: the p99 then says "at least the timeout".
    let answered = |status: StatusCode| status == StatusCode::OK || status == StatusCode::REQUEST_TIMEOUT;
    let (status, body) = call().await?;
    if !answered(status) {
        bail!("S1 {name} ({path}): {status}");
    }
    let bytes = match auth {
        Auth::Cookie(_) if status == StatusCode::OK => {
            let html = String::from_utf8_lossy(&body).into_owned();
            let mut total = body.len();
            for asset in assets(&html) {
                total += get(app, &asset, "").await?.1.len();
            }
            Some(total)
        }
        Auth::Cookie(_) | Auth::Bearer(_) => None,
    };
    let deadline = Instant::now() + budget;
    // Twenty calls make a p99 worth the name; a cost of seconds (the
    // ledger at 100× before it was fixed) stops at five after four budgets.
    let floor_until = deadline + 3 * budget;
    let floor = |n: usize| n < 20 && (n < 5 || Instant::now() < floor_until);
    let mut times = Vec::new();
    while floor(times.len()) || (Instant::now() < deadline && times.len() < 2_000) {
        let started = Instant::now();
        let (status, _) = call().await?;
        times.push(started.elapsed());
        if !answered(status) {
            bail!("S1 {name} ({path}): {status}");
        }
    }
    times.sort_unstable();
    Ok(Cost { name, p99: Some(percentile(&times, 0.99)), rate: None, bytes })
}

/// Emails queued at once for the drain.
const QUEUED: usize = 2_000;

/// The outbox's drain: `QUEUED` approval emails delivered to a local SMTP
/// server, four at a time; emails a second.
async fn drain(service: &Service, w1: &crate::Setup) -> Result<Cost> {
    let (caller, _) = &w1.members[0];
    let last = w1.dates.last().copied().context("W1's dates")?;
    // Through W1's service, whose members' hourly limit W1 lifted: a fast
    // W1 leaves the member past the default one.
    let stay = w1
        .service
        .request_stay(
            caller,
            &StayRequestInput {
                site: deskvisa_rules::SiteId::parse(&w1.site)?,
                start_date: last,
                end_date: last,
                purpose: "drain".to_owned(),
            },
        )
        .await?;
    let payload = serde_json::to_string(&StayEvent {
        stay: stay.id.as_uuid(),
        reason: None,
        had_been_approved: false,
        sequence: 1,
        moved_from: None,
    })?;
    let mails: Vec<NewMail> = (0..QUEUED)
        .map(|_| NewMail {
            kind: MailKind::StayApproved,
            recipient: format!("member:{}", caller.member),
            payload: payload.clone(),
        })
        .collect();
    let sink = crate::mail::Sink::start(None)?;
    let mailer = Arc::new(Mailer::new(
        Sender::new(&sink.transport(), "deskvisa", "deskvisa@deskvisa.example")?,
        DeliveryConfig { concurrency: 4, ..DeliveryConfig::default() },
    ));
    // What the request itself queued goes first.
    service.deliver_mail(&mailer).await?;
    for chunk in mails.chunks(500) {
        let tx = service.store().begin_write().await?;
        tx.enqueue_mail(chunk, service.now()).await?;
        tx.commit().await?;
    }
    let started = Instant::now();
    let report = service.deliver_mail(&mailer).await?;
    let rate = QUEUED as f64 / started.elapsed().as_secs_f64();
    if report.sent < QUEUED {
        bail!("S1 drain: {} of {QUEUED} emails sent", report.sent);
    }
    Ok(Cost { name: "outbox drain (emails/s)", p99: None, rate: Some(rate), bytes: None })
}

/// Prints one size as rows of the table.
pub fn print(size: &Size) {
    let [clusters, sites, members, stays] = size.counts;
    println!(
        "S1 {} {}×: {clusters} clusters, {sites} sites, {members} members, {stays} stays; bulk load {:.1} s ({} rows, {:.0} rows/s)",
        size.database,
        size.factor,
        size.load_seconds,
        size.rows,
        size.rows as f64 / size.load_seconds.max(1e-9)
    );
    for cost in &size.costs {
        let p99 = cost.p99.map(|d| format!("{:.1} ms", d.as_secs_f64() * 1e3)).unwrap_or_default();
        let rate = cost.rate.map(|r| format!("{r:.0}/s")).unwrap_or_default();
        let bytes = cost.bytes.map(|b| format!("{:.0} KB", b as f64 / 1024.0)).unwrap_or_default();
        println!("| S1 {} {}× {} | {rate} | {p99} | {bytes} |", size.database, size.factor, cost.name);
    }
}

/// Checks the targets at the largest size against the smallest; the
/// misses, each as a sentence.
pub fn misses(sizes: &[Size]) -> Vec<String> {
    let mut misses = Vec::new();
    for database in ["SQLite", "PostgreSQL"] {
        let of: Vec<&Size> = sizes.iter().filter(|s| s.database == database).collect();
        let (Some(small), Some(large)) = (of.iter().min_by_key(|s| s.factor), of.iter().max_by_key(|s| s.factor))
        else {
            continue;
        };
        for cost in &large.costs {
            let ms = cost.p99.map(|d| d.as_secs_f64() * 1e3);
            let limit = match cost.name {
                n if n.starts_with("search") || n.starts_with("map with a search") => Some(100.0),
                n if n.starts_with("ledger") => Some(1_000.0),
                n if n.starts_with("W1") || n.starts_with("outbox") => None,
                _ => Some(50.0),
            };
            if let (Some(ms), Some(limit)) = (ms, limit)
                && ms > limit
            {
                misses.push(format!("{database} {}×: {} p99 {ms:.1} ms > {limit} ms", large.factor, cost.name));
            }
            if let Some(bytes) = cost.bytes.filter(|b| cost.name == "map" && *b > 300 * 1024) {
                misses.push(format!("{database} {}×: the map page is {} KB > 300 KB", large.factor, bytes / 1024));
            }
            if cost.name.starts_with("W1") {
                let first = small.costs.iter().find(|c| c.name == cost.name).and_then(|c| c.rate);
                if let (Some(first), Some(now)) = (first, cost.rate)
                    && now < first * 0.8
                {
                    misses.push(format!(
                        "{database} {}×: W1 {now:.0}/s is more than 20 % below {first:.0}/s at {}×",
                        large.factor, small.factor
                    ));
                }
            }
        }
    }
    misses
}
