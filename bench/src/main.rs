//! # deskvisa-bench: the HTTP workloads, driven by wrk
//!
//! - **W1**, stay requests per second: through HTTP with durable commits (the
//!   real `deskvisa serve` binary), against the same stay transaction called
//!   in-process through the service with no HTTP, on a fresh SQLite database
//!   each. Every request is a distinct accepted stay: members × open dates,
//!   at a site with more desks than requests. Prints requests per second, p99
//!   latency, the ratio, and the server's peak memory.
//! - **W2**, availability: every site of the demo network for 90 days, round
//!   robin, against a static response of the same size served by the same
//!   server (the application's router with one static route beside it) to
//!   the same signed-in caller.
//! - **P1**, the web pages: each page's HTML p99 and its weight with its
//!   assets (see `pages.rs`).
//! - **F1**, the firm directory's search: 10,000 firms (`--firms N`) over
//!   the demo's clusters, a mix of searches through the router against a
//!   static signed-in route, on SQLite and on PostgreSQL (see `firms.rs`).
//! - **S1**, the network grown 1×, 10×, 100× (`--workload scale
//!   --factors 1,10,100 [--databases sqlite,postgres] [--chart FILE]`): how
//!   the search, the pages, the ledger, W1 and the outbox drain grow with
//!   the network (see `scale.rs`); not part of the default run.
#![allow(clippy::print_stdout, clippy::print_stderr)]
// A benchmark scenario is a script read top to bottom: setup, load, measure, report.
#![allow(clippy::too_many_lines)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use deskvisa_rules::{Country, DeskCount, Email, Latitude, Locale, Longitude, PolicyDraft, TimeZone, WeekdaySet};
use deskvisa_service::{
    Caller, NewCluster, NewMember, NewSite, RateLimits, Role, Service, StayRequestInput, SystemClock,
};
use deskvisa_store::{DatabaseConfig, connect_store};

mod chart;
mod firms;
mod grown;
mod limit;
mod mail;
mod pages;
mod postgres;
mod raw_sqlite;
mod reports;
mod scale;

/// Members who send requests (each asks for one stay at a time).
const MEMBERS: usize = 800;

#[derive(Clone)]
struct Setup {
    service: Service,
    members: Vec<(Caller, String)>,
    site: String,
    host: String,
    /// Every open day (Monday to Friday) from the first Monday after
    /// tomorrow, for two years.
    dates: Vec<NaiveDate>,
    /// Open days a stay: 1, or 5 (Monday to Friday: the guarantee's shape).
    span: usize,
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn setup(url: &str, span: usize) -> Result<Setup> {
    // The server's own defaults: one writer and four readers on SQLite.
    let store = connect_store(&DatabaseConfig::new(url)).await?;
    store.migrate().await?;
    world(Service::with_store(store, Arc::new(SystemClock)), span, "").await
}

/// W1's world in `service`'s network: a home and a host cluster, a host
/// site with more desks than requests, `MEMBERS` members who ask.
async fn world(service: Service, span: usize, tag: &str) -> Result<Setup> {
    // The workload's members ask far more often than people do.
    let service =
        service.with_rate_limits(RateLimits { stay_requests_per_member_per_hour: u32::MAX, ..RateLimits::default() });
    let cluster = |name: &str, zone: &str| -> Result<NewCluster> {
        Ok(NewCluster {
            name: name.to_owned(),
            city: name.to_owned(),
            country: Country::parse("DK")?,
            timezone: TimeZone::parse(zone).unwrap_or(TimeZone::UTC),
            latitude: Latitude::new(55.0)?,
            longitude: Longitude::new(12.0)?,
            joined_on: NaiveDate::from_ymd_opt(2013, 1, 15).unwrap_or_default(),
        })
    };
    // `tag` tells this world's names and addresses from an earlier one's in
    // the same database (S1 measures a kept network again).
    let home = service.add_cluster(cluster(&format!("Home{tag}"), "Europe/Warsaw")?).await?;
    let host = service.add_cluster(cluster(&format!("Host{tag}"), "Europe/Copenhagen")?).await?;
    let site = |name: &str| NewSite {
        name: name.to_owned(),
        address: "Bench 1".to_owned(),
        timezone: None,
        // More than the members who ask for one date: no request is refused.
        desks: DeskCount::new(DeskCount::MAX).unwrap_or_default(),
        open_weekdays: WeekdaySet::MON_TO_FRI,
        contact_email: Email::parse("bench@host.example").unwrap_or_else(|_| unreachable!()),
        house_rules: String::new(),
    };
    service.add_site(home.id, site("Home site")).await?;
    let host_site = service.add_site(host.id, site("Host site")).await?;
    let admin = service
        .add_member(
            host.id,
            NewMember {
                email: Email::parse(&format!("admin{tag}@host.example"))?,
                name: "A".into(),
                company: "H".into(),
                locale: Locale::En,
            },
        )
        .await?;
    service.grant_role(admin.id, Role::ClusterAdmin).await?;
    let admin = service.caller(admin.id).await?;
    // Enough stays a year for every request of the run.
    service
        .save_policy(&admin, host.id, PolicyDraft { stays_per_year: 365, horizon_days: 730, ..PolicyDraft::default() })
        .await?;
    let mut members = Vec::with_capacity(MEMBERS);
    for i in 0..MEMBERS {
        let email = Email::parse(&format!("m{i}{tag}@home.example"))?;
        let m = service
            .add_member(
                home.id,
                NewMember { email: email.clone(), name: format!("M{i}"), company: "F".into(), locale: Locale::En },
            )
            .await?;
        let token = service.create_token(&email, "bench").await?;
        members.push((service.caller(m.id).await?, token));
    }
    let today = chrono::Utc::now().date_naive();
    let dates = (2..720u64)
        .filter_map(|d| today.checked_add_days(Days::new(d)))
        .skip_while(|d| d.weekday() != Weekday::Mon)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    Ok(Setup { service, members, site: host_site.id.to_string(), host: host.id.to_string(), dates, span })
}

impl Setup {
    /// Request `n` of a run: member `n % MEMBERS` asks for the `n / MEMBERS`th
    /// stay of `span` open days (its first and last day); none past the end.
    fn pick(&self, n: usize) -> Option<(usize, NaiveDate, NaiveDate)> {
        let first = (n / MEMBERS) * self.span;
        Some((n % MEMBERS, *self.dates.get(first)?, *self.dates.get(first + self.span - 1)?))
    }

    /// How many requests the run can make.
    fn requests(&self) -> usize {
        self.dates.len() / self.span * MEMBERS
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted.get(((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or_default()
}

/// The same transaction in-process: `connections` tasks call the service.
async fn direct(setup: &Setup, connections: usize, seconds: u64) -> Result<(f64, Duration, usize)> {
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let (setup, counter) = (setup.clone(), counter.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((m, first, last)) = setup.pick(n) else { break };
                let input = StayRequestInput {
                    site: deskvisa_rules::SiteId::parse(&setup.site).unwrap_or_else(|_| unreachable!()),
                    start_date: first,
                    end_date: last,
                    purpose: "bench".into(),
                };
                let t = Instant::now();
                if setup.service.request_stay(&setup.members[m].0, &input).await.is_err() {
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
    Ok((rate, percentile(&all, 0.99), failures))
}

fn wrk_script(setup: &Setup, path: &Path) -> Result<()> {
    let tokens: Vec<String> = setup.members.iter().map(|(_, t)| format!("\"{t}\"")).collect();
    let dates: Vec<String> = setup.dates.iter().map(|d| format!("\"{d}\"")).collect();
    let script = format!(
        r#"-- Generated by deskvisa-bench: request n goes to member n % M, for the (n / M)th stay of {span} open days.
local tokens = {{{tokens}}}
local dates = {{{dates}}}
local span = {span}
local site = "{site}"
local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
function init(args)
  n = offset
  step = tonumber(args[1]) or 2
end
function request()
  local m = n % #tokens
  local d = math.floor(n / #tokens) * span
  n = n + step
  local first = dates[(d % #dates) + 1]
  local last = dates[((d + span - 1) % #dates) + 1]
  local body = '{{"site_id":"' .. site .. '","start_date":"' .. first .. '","end_date":"' .. last .. '","purpose":"bench"}}'
  return wrk.format("POST", "/api/v1/stays", {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[m + 1]}}, body)
end
"#,
        tokens = tokens.join(","),
        dates = dates.join(","),
        span = setup.span,
        site = setup.site
    );
    std::fs::write(path, script)?;
    Ok(())
}

struct WrkResult {
    rate: f64,
    p99: Duration,
    non_2xx: u64,
    peak_memory_kib: u64,
}

fn parse_duration(text: &str) -> Option<Duration> {
    let (number, unit) = text.trim().split_at(text.trim().find(|c: char| c.is_ascii_alphabetic())?);
    let value: f64 = number.parse().ok()?;
    Some(Duration::from_secs_f64(match unit {
        "us" => value / 1e6,
        "ms" => value / 1e3,
        "s" => value,
        "m" => value * 60.0,
        _ => return None,
    }))
}

async fn through_http(setup: &Setup, url: &str, dir: &Path, connections: usize, seconds: u64) -> Result<WrkResult> {
    let script = dir.join("w1.lua");
    wrk_script(setup, &script)?;
    let binary = std::env::current_exe()?.with_file_name("deskvisa");
    let port = 18_000 + (std::process::id() % 1000) as u16;
    let mut server = Command::new(&binary)
        .arg("serve")
        .env("DESKVISA_DATABASE_URL", url)
        .env("DESKVISA_HTTP_BIND", format!("127.0.0.1:{port}"))
        // W1 measures the request path against the same transaction
        // in-process, which sends no mail; the outbox's delivery has its
        // own workloads (M1, M2). Its files go beside the database.
        .env("DESKVISA_MAIL_DIR", dir.join("mail"))
        .env("DESKVISA_MAIL_POLL_MS", "3600000")
        // As in-process (setup): the workload's members ask far more often
        // than the per-member limit lets people (400 members x 30 an hour
        // is fewer requests than a 10-second run makes).
        .env("DESKVISA_AUTH_STAY_REQUESTS_PER_MEMBER_PER_HOUR", "4000000000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        if Instant::now() > deadline {
            let _ = server.kill();
            bail!("the server did not start");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let result = run_wrk(&format!("http://127.0.0.1:{port}"), Some(&script), connections, seconds);
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.id())).unwrap_or_default();
    let peak_memory_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let _ = server.kill();
    let _ = server.wait();
    Ok(WrkResult { peak_memory_kib, ..result? })
}

/// Runs wrk (two threads) against `url`, with a Lua script if given.
fn run_wrk(url: &str, script: Option<&Path>, connections: usize, seconds: u64) -> Result<WrkResult> {
    let mut command = Command::new("wrk");
    command.args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency"]);
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    command.arg(url);
    if script.is_some() {
        command.args(["--", "2"]);
    }
    let output = command.output().context("running wrk (make bench installs it)")?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if std::env::var_os("DESKVISA_BENCH_VERBOSE").is_some() {
        eprintln!("{text}");
    }
    let rate =
        text.lines().find_map(|l| l.strip_prefix("Requests/sec:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0.0);
    let p99 = text.lines().find_map(|l| l.trim().strip_prefix("99%")).and_then(parse_duration).unwrap_or_default();
    let non_2xx = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    if rate == 0.0 {
        bail!("wrk gave no figures:\n{text}\n{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(WrkResult { rate, p99, non_2xx, peak_memory_kib: 0 })
}

/// A SQLite file in `dir`.
fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("bench.sqlite").display())
}

/// The requests of a run for the baselines: member, home, site, host,
/// first and last day.
fn plan(setup: &Setup) -> Vec<limit::Request> {
    let host = deskvisa_rules::ClusterId::parse(&setup.host).map(|c| c.as_uuid()).unwrap_or_default();
    let site = deskvisa_rules::SiteId::parse(&setup.site).map(|s| s.as_uuid()).unwrap_or_default();
    (0..setup.requests())
        .filter_map(|n| setup.pick(n))
        .map(|(m, first, last)| {
            let caller = &setup.members[m].0;
            (caller.member.as_uuid(), caller.cluster.map(|c| c.as_uuid()).unwrap_or_default(), site, host, first, last)
        })
        .collect()
}

/// W1 on SQLite with stays of `span` open days, each on a fresh database:
/// through HTTP, in-process, the limit baseline (rusqlite, one thread), and
/// for one-day stays raw SQL through sqlx. Prints the rows and the ratios;
/// the failed requests.
async fn w1_sqlite(span: usize, connections: usize, seconds: u64) -> Result<u64> {
    let shape = if span == 1 { "one-day stays".to_owned() } else { format!("{span}-day stays") };
    let http_dir = fresh_dir("http")?;
    let http_url = sqlite_url(&http_dir);
    let http_setup = setup(&http_url, span).await?;
    let http = through_http(&http_setup, &http_url, &http_dir, connections, seconds).await?;
    drop(http_setup);
    let direct_dir = fresh_dir("direct")?;
    let direct_setup = setup(&sqlite_url(&direct_dir), span).await?;
    let (direct_rate, direct_p99, direct_failures) = direct(&direct_setup, connections, seconds).await?;
    drop(direct_setup);
    let limit_dir = fresh_dir("limit")?;
    let limit_setup = setup(&sqlite_url(&limit_dir), span).await?;
    let requests = plan(&limit_setup);
    drop(limit_setup);
    let limit_path = limit_dir.join("bench.sqlite");
    let (limit_rate, limit_failures) =
        tokio::task::spawn_blocking(move || limit::run(&limit_path, &requests, connections, seconds)).await??;
    print_row(
        &format!("W1 stay requests through HTTP, {shape} (deskvisa serve + wrk)"),
        http.rate,
        http.p99,
        http.non_2xx,
    );
    print_row(
        &format!("W1 the same transaction in-process, {shape} (no HTTP)"),
        direct_rate,
        direct_p99,
        direct_failures as u64,
    );
    println!(
        "| W1 limit: the same statements on one thread through rusqlite, {shape}, {connections} a commit | {limit_rate:.0} | | {limit_failures} |"
    );
    let mut failed = http.non_2xx + direct_failures as u64 + limit_failures as u64;
    if span == 1 {
        let raw_dir = fresh_dir("raw")?;
        let raw_setup = setup(&sqlite_url(&raw_dir), span).await?;
        let requests: Vec<raw_sqlite::Request> =
            plan(&raw_setup).into_iter().map(|(m, home, site, host, day, _)| (m, home, site, host, day)).collect();
        drop(raw_setup);
        // A plain pool of one connection, as the writer had before the writer thread.
        let raw_db = raw_sqlite::pool(&sqlite_url(&raw_dir)).await?;
        let (raw_rate, raw_p99, raw_failures) = raw_sqlite::run(raw_db, Arc::new(requests), connections, seconds).await;
        print_row(
            "W1 raw SQL through sqlx, one transaction each (no ORM, no group commit)",
            raw_rate,
            raw_p99,
            raw_failures as u64,
        );
        let _ = std::fs::remove_dir_all(&raw_dir);
        failed += raw_failures as u64;
        println!("W1 ratio in-process / raw SQL through sqlx: {:.2}", direct_rate / raw_rate);
    }
    println!("W1 ratio HTTP / in-process, {shape}: {:.2} (target >= 0.7)", http.rate / direct_rate);
    println!("W1 ratio HTTP / limit, {shape}: {:.2} (target >= 0.7)", http.rate / limit_rate);
    println!(
        "W1 server peak memory (VmHWM), {shape}: {:.1} MB (target <= 64 MB)",
        http.peak_memory_kib as f64 / 1024.0
    );
    for dir in [http_dir, direct_dir, limit_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(failed)
}

/// W1 on PostgreSQL: through HTTP, and pgbench, each on a fresh database.
async fn w1_postgres(connections: usize, seconds: u64) -> Result<(WrkResult, postgres::PgbenchResult)> {
    let server = postgres_server();
    let dir = fresh_dir("postgres")?;
    let http_db = postgres::PgDatabase::create(&server, "http").await?;
    let http_setup = setup(&http_db.url(), 1).await?;
    let http = through_http(&http_setup, &http_db.url(), &dir, connections, seconds).await;
    drop(http_setup);
    http_db.drop_now().await?;

    let raw_db = postgres::PgDatabase::create(&server, "pgbench").await?;
    let raw_setup = setup(&raw_db.url(), 1).await?;
    let plan: Vec<_> = (0..raw_setup.requests())
        .filter_map(|n| raw_setup.pick(n))
        .map(|(m, date, _)| {
            let caller = &raw_setup.members[m].0;
            (
                caller.member.to_string(),
                caller.cluster.map(|c| c.to_string()).unwrap_or_default(),
                raw_setup.site.clone(),
                raw_setup.host.clone(),
                date.to_string(),
            )
        })
        .collect();
    drop(raw_setup);
    postgres::write_plan(&raw_db.url(), &plan).await?;
    let raw = postgres::pgbench(&raw_db.url(), &dir, plan.len(), connections, seconds);
    raw_db.drop_now().await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok((http?, raw?))
}

/// The PostgreSQL server of the workloads on PostgreSQL, which make
/// databases of their own on it.
fn postgres_server() -> String {
    std::env::var("DESKVISA_BENCH_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

fn fresh_dir(tag: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("deskvisa-bench-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// W2: the availability of every demo site for 90 days, against a static
/// response of the same size from the same server.
async fn w2(connections: usize, seconds: u64) -> Result<(WrkResult, WrkResult)> {
    let dir = fresh_dir("w2")?;
    let store =
        connect_store(&DatabaseConfig::new(format!("sqlite://{}?mode=rwc", dir.join("w2.sqlite").display()))).await?;
    store.migrate().await?;
    let service = Service::with_store(store, Arc::new(SystemClock));
    let report = service.seed_demo().await?;
    let from = chrono::Utc::now().date_naive() + Days::new(7);
    let to = from + Days::new(89);
    let paths: Vec<String> = service
        .map()
        .await?
        .clusters
        .iter()
        .flat_map(|(_, sites)| sites.iter().map(|s| format!("/api/v1/sites/{}/availability?from={from}&to={to}", s.id)))
        .collect();
    let app = deskvisa_http::router(service.clone(), deskvisa_http::Limits::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    // The first site's answer, byte for byte, becomes the static response.
    let probe = tokio::spawn(deskvisa_http::run(
        listener,
        app,
        deskvisa_http::ConnectionLimits::default(),
        std::future::pending(),
    ));
    let first = paths.first().context("the demo network has sites")?;
    let body = http_get(port, first, &report.member_token)?;
    probe.abort();
    let _ = probe.await;
    let body_len = body.len();
    // Served behind the same middleware, to the same signed-in caller (the
    // route is for signed-in callers): what differs is only the answer's
    // making.
    let fixed = axum::Router::new().route(
        "/bench/static",
        axum::routing::get(move |deskvisa_http::Authenticated(_): deskvisa_http::Authenticated| {
            let body = body.clone();
            async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let app = deskvisa_http::router_with(service, deskvisa_http::Limits::default(), fixed);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let server = tokio::spawn(deskvisa_http::run(
        listener,
        app,
        deskvisa_http::ConnectionLimits::default(),
        std::future::pending(),
    ));

    let quoted: Vec<String> = paths.iter().map(|p| format!("\"{p}\"")).collect();
    let script = dir.join("w2.lua");
    std::fs::write(
        &script,
        format!(
            r#"-- Generated by deskvisa-bench: the availability of every site, round robin.
local paths = {{{paths}}}
local n = 0
function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], {{["Authorization"] = "Bearer {token}"}})
end
"#,
            paths = quoted.join(","),
            token = report.member_token
        ),
    )?;
    let base = format!("http://127.0.0.1:{port}");
    let availability = run_wrk(&base, Some(&script), connections, seconds)?;
    let fixed_script = dir.join("static.lua");
    std::fs::write(
        &fixed_script,
        format!("wrk.headers[\"Authorization\"] = \"Bearer {}\"\nwrk.path = \"/bench/static\"\n", report.member_token),
    )?;
    let fixed = run_wrk(&base, Some(&fixed_script), connections, seconds)?;
    server.abort();
    let _ = std::fs::remove_dir_all(&dir);
    println!("W2: {} sites, 90 days each, {body_len} bytes a response", paths.len());
    Ok((availability, fixed))
}

/// One GET over plain HTTP/1.1, for the body.
fn http_get(port: u16, path: &str, token: &str) -> Result<Vec<u8>> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").context("an HTTP response")?;
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    if !head.starts_with("HTTP/1.1 200") {
        bail!("GET {path}: {head}");
    }
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        bail!("GET {path}: a chunked answer (the benchmark expects a length)");
    }
    Ok(response[split + 4..].to_vec())
}

fn print_row(name: &str, rate: f64, p99: Duration, failed: u64) {
    println!("| {name} | {rate:.0} | {:.1} ms | {failed} |", p99.as_secs_f64() * 1e3);
}

#[tokio::main]
async fn main() -> Result<()> {
    let seconds = arg("--seconds", 10);
    let connections = arg("--connections", 16) as usize;
    let args: Vec<String> = std::env::args().collect();
    let only = args.iter().position(|a| a == "--workload").and_then(|i| args.get(i + 1)).cloned();
    let run = |w: &str| only.as_deref().is_none_or(|o| o == w);
    println!("SQLite with synchronous=FULL; PostgreSQL as installed; {connections} connections, {seconds} s each");
    println!("| workload | requests/s | p99 | failed |");
    println!("| --- | --- | --- | --- |");
    let mut failed = 0;

    if run("w1") {
        failed += w1_sqlite(1, connections, seconds).await?;
        failed += w1_sqlite(5, connections, seconds).await?;
    }
    if only.as_deref() == Some("w1-limit") {
        // The limit baseline alone, for profiling it (`--limit-batch N` stays a commit).
        let dir = fresh_dir("limit")?;
        let limit_setup = setup(&sqlite_url(&dir), arg("--span", 1) as usize).await?;
        let requests = plan(&limit_setup);
        drop(limit_setup);
        let batch = arg("--limit-batch", connections as u64) as usize;
        let path = dir.join("bench.sqlite");
        let (rate, failures) =
            tokio::task::spawn_blocking(move || limit::run(&path, &requests, batch, seconds)).await??;
        println!("| W1 limit alone, {batch} a commit | {rate:.0} | | {failures} |");
        let _ = std::fs::remove_dir_all(&dir);
    }
    if run("w2") {
        let (availability, fixed) = w2(connections, seconds).await?;
        print_row(
            "W2 availability, every demo site, 90 days",
            availability.rate,
            availability.p99,
            availability.non_2xx,
        );
        print_row("W2 a static response of the same size", fixed.rate, fixed.p99, fixed.non_2xx);
        println!("W2 ratio availability / static: {:.2} (target >= 0.5)", availability.rate / fixed.rate);
        failed += availability.non_2xx + fixed.non_2xx;
    }
    if run("w1-postgres") {
        let (http, pgbench) = w1_postgres(connections, seconds).await?;
        print_row("W1 on PostgreSQL through HTTP (deskvisa serve + wrk)", http.rate, http.p99, http.non_2xx);
        println!(
            "| W1 on PostgreSQL, pgbench running the same statements | {:.0} | {:.1} ms (mean) | {} |",
            pgbench.tps, pgbench.latency_ms, pgbench.failed
        );
        println!("W1 PostgreSQL ratio HTTP / pgbench: {:.2} (target >= 0.5)", http.rate / pgbench.tps);
        failed += http.non_2xx + pgbench.failed;
    }
    if run("m1") {
        let concurrency = 4;
        let drain = mail::m1(concurrency, seconds).await?;
        println!(
            "| M1 the local SMTP server accepting straight from {concurrency} senders | {:.0} messages/s | | |",
            drain.direct
        );
        println!("| M1 the outbox worker delivering ({concurrency} at once) | {:.0} messages/s | | |", drain.outbox);
        println!("M1 ratio outbox / straight: {:.2} (target >= 0.8)", drain.outbox / drain.direct);
    }
    if run("m2") {
        let stays = arg("--stays", 300) as usize;
        let m2 = mail::m2(4, stays).await?;
        println!(
            "| M2 approvals through HTTP, SMTP answering at once | | {:.1} ms | |",
            m2.prompt_p99.as_secs_f64() * 1e3
        );
        println!(
            "| M2 approvals through HTTP, SMTP answering 2 s late | | {:.1} ms | {} |",
            m2.slow_p99.as_secs_f64() * 1e3,
            m2.failed
        );
        println!(
            "M2 ratio slow / prompt p99: {:.2} (target <= 1.2), {} approvals",
            m2.slow_p99.as_secs_f64() / m2.prompt_p99.as_secs_f64().max(1e-9),
            m2.approvals
        );
        failed += m2.failed as u64;
    }
    if run("r1") {
        let stays = arg("--ledger-stays", 100_000) as usize;
        let r1 = reports::r1(stays, seconds).await?;
        println!(
            "| R1 the reciprocity ledger, a year of the demo network with {stays} stays ({} calls, p50 {:.1} ms) | | {:.1} ms | {} |",
            r1.calls,
            r1.p50.as_secs_f64() * 1e3,
            r1.p99.as_secs_f64() * 1e3,
            r1.failed
        );
        println!("R1 p99: {:.1} ms (target <= 200 ms)", r1.p99.as_secs_f64() * 1e3);
        failed += r1.failed as u64;
    }
    if run("r2") {
        let r2 = reports::r2(seconds).await?;
        println!(
            "| R2 availability search, every demo site, 60 days ({} calls, p50 {:.1} ms) | | {:.1} ms | {} |",
            r2.calls,
            r2.p50.as_secs_f64() * 1e3,
            r2.p99.as_secs_f64() * 1e3,
            r2.failed
        );
        println!("R2 p99: {:.1} ms (target <= 50 ms)", r2.p99.as_secs_f64() * 1e3);
        failed += r2.failed as u64;
    }
    if run("p1") {
        let pages = pages::p1(seconds).await?;
        for p in &pages {
            println!(
                "| P1 page: {} ({} renders, p50 {:.2} ms; HTML {:.1} KB, with its assets {:.1} KB) | | {:.2} ms | |",
                p.name,
                p.calls,
                p.p50.as_secs_f64() * 1e3,
                p.html_bytes as f64 / 1024.0,
                p.total_bytes as f64 / 1024.0,
                p.p99.as_secs_f64() * 1e3,
            );
        }
        let slowest = pages.iter().map(|p| p.p99).max().unwrap_or_default();
        let heaviest = pages.iter().map(|p| p.total_bytes).max().unwrap_or_default();
        println!(
            "P1 slowest page p99: {:.1} ms (target <= 20 ms); heaviest page with its assets: {:.1} KB (target <= 200 KB)",
            slowest.as_secs_f64() * 1e3,
            heaviest as f64 / 1024.0
        );
    }
    let firm_count = arg("--firms", 10_000) as usize;
    if run("f1") {
        let f1 = firms::f1(firms::Database::Sqlite, firm_count, seconds).await?;
        f1.print();
        failed += f1.failed() as u64;
    }
    if run("f1-postgres") {
        let f1 = firms::f1(firms::Database::Postgres(postgres_server()), firm_count, seconds).await?;
        f1.print();
        failed += f1.failed() as u64;
    }
    if only.as_deref() == Some("scale") {
        let sizes = scale_run(seconds).await?;
        let misses = scale::misses(&sizes);
        for miss in &misses {
            println!("S1 target missed: {miss}");
        }
        if misses.is_empty() {
            println!("S1 every target met at the largest size");
        }
    }
    if failed > 0 {
        bail!("{failed} requests failed; every request of the workloads is valid");
    }
    Ok(())
}

/// S1 at every size of `--factors` on every database of `--databases`,
/// each printed as it ends; with `--chart FILE`, the chart of them all.
async fn scale_run(seconds: u64) -> Result<Vec<scale::Size>> {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str, default: &str| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_owned())
    };
    let factors: Vec<usize> = value("--factors", "1,10,100")
        .split(',')
        .map(|f| f.trim().parse().with_context(|| format!("--factors: `{f}` is not a whole number")))
        .collect::<Result<_>>()?;
    let mut databases = Vec::new();
    for name in value("--databases", "sqlite,postgres").split(',') {
        databases.push(match name.trim() {
            "sqlite" => scale::Database::Sqlite,
            "postgres" => scale::Database::Postgres(postgres_server()),
            other => bail!("--databases: `{other}` is neither sqlite nor postgres"),
        });
    }
    println!("| S1 size and cost | rate | p99 | weight |");
    println!("| --- | --- | --- | --- |");
    let mut sizes = Vec::new();
    for database in &databases {
        for factor in &factors {
            let size = scale::s1(database, *factor, seconds).await?;
            scale::print(&size);
            sizes.push(size);
        }
    }
    if let Some(at) = args.iter().position(|a| a == "--chart").and_then(|i| args.get(i + 1)) {
        std::fs::write(at, chart::svg(&sizes))?;
        println!("S1 chart written to {at}");
    }
    Ok(sizes)
}
