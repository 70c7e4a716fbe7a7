//! # deskvisa-bench: W1, stay requests per second
//!
//! Stay requests through HTTP with durable commits (the real `deskvisa serve`
//! binary, driven by wrk), against the same stay transaction called
//! in-process through the service with no HTTP, on a fresh SQLite database
//! each. Every request is a distinct accepted stay: members × open dates,
//! at a site with more desks than requests. Prints requests per second, p99
//! latency, the ratio, and the server's peak memory.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use deskvisa_migrations::{Migrator, MigratorTrait};
use deskvisa_rules::{Email, Locale, PolicyDraft, TimeZone, WeekdaySet};
use deskvisa_service::{Caller, NewCluster, NewMember, NewSite, Role, Service, StayRequestInput, SystemClock};
use deskvisa_store::{DatabaseConfig, connect};

/// Members who send requests (each asks for one open day at a time).
const MEMBERS: usize = 400;

struct Setup {
    service: Service,
    members: Vec<(Caller, String)>,
    site: String,
    dates: Vec<NaiveDate>,
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn setup(db_path: &Path) -> Result<Setup> {
    let mut config = DatabaseConfig::new(format!("sqlite://{}?mode=rwc", db_path.display()));
    config.max_connections = 1;
    let db = connect(&config).await?;
    Migrator::up(&db, None).await?;
    let service = Service::new(db, Arc::new(SystemClock));
    let cluster = |name: &str, zone: &str| NewCluster {
        name: name.to_owned(),
        city: name.to_owned(),
        country: "DK".to_owned(),
        timezone: TimeZone::parse(zone).unwrap_or(TimeZone::UTC),
        latitude: 55.0,
        longitude: 12.0,
        joined_on: NaiveDate::from_ymd_opt(2013, 1, 15).unwrap_or_default(),
    };
    let home = service.add_cluster(cluster("Home", "Europe/Warsaw")).await?;
    let host = service.add_cluster(cluster("Host", "Europe/Copenhagen")).await?;
    let site = |name: &str| NewSite {
        name: name.to_owned(),
        address: "Bench 1".to_owned(),
        timezone: None,
        desks: 1_000_000,
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
                email: Email::parse("admin@host.example")?,
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
        let email = Email::parse(&format!("m{i}@home.example"))?;
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
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    Ok(Setup { service, members, site: host_site.id.to_string(), dates })
}

/// Request `n` of a run: member `n % MEMBERS` asks for date `n / MEMBERS`.
fn pick(n: usize, dates: &[NaiveDate]) -> Option<(usize, NaiveDate)> {
    dates.get(n / MEMBERS).map(|d| (n % MEMBERS, *d))
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
        let (service, members, dates, site, counter) =
            (setup.service.clone(), setup.members.clone(), setup.dates.clone(), setup.site.clone(), counter.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((m, date)) = pick(n, &dates) else { break };
                let input = StayRequestInput {
                    site: deskvisa_rules::SiteId::parse(&site).unwrap_or_else(|_| unreachable!()),
                    start_date: date,
                    end_date: date,
                    purpose: "bench".into(),
                };
                let t = Instant::now();
                if service.request_stay(&members[m].0, &input).await.is_err() {
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
        r#"-- Generated by deskvisa-bench: request n goes to member n % M on date n / M.
local tokens = {{{tokens}}}
local dates = {{{dates}}}
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
  local d = math.floor(n / #tokens)
  n = n + step
  local date = dates[(d % #dates) + 1]
  local body = '{{"site_id":"' .. site .. '","start_date":"' .. date .. '","end_date":"' .. date .. '","purpose":"bench"}}'
  return wrk.format("POST", "/api/v1/stays", {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[m + 1]}}, body)
end
"#,
        tokens = tokens.join(","),
        dates = dates.join(","),
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

async fn through_http(
    setup: &Setup,
    db_path: &Path,
    dir: &Path,
    connections: usize,
    seconds: u64,
) -> Result<WrkResult> {
    let script = dir.join("w1.lua");
    wrk_script(setup, &script)?;
    let binary = std::env::current_exe()?.with_file_name("deskvisa");
    let port = 18_000 + (std::process::id() % 1000) as u16;
    let mut server = Command::new(&binary)
        .arg("serve")
        .env("DESKVISA_DATABASE_URL", format!("sqlite://{}?mode=rwc", db_path.display()))
        .env("DESKVISA_HTTP_BIND", format!("127.0.0.1:{port}"))
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
    let output = Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency", "-s"])
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}"))
        .args(["--", "2"])
        .output()
        .context("running wrk (make bench installs it)")?;
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.id())).unwrap_or_default();
    let peak_memory_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let _ = server.kill();
    let _ = server.wait();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
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
    Ok(WrkResult { rate, p99, non_2xx, peak_memory_kib })
}

fn fresh_dir(tag: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("deskvisa-bench-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[tokio::main]
async fn main() -> Result<()> {
    let seconds = arg("--seconds", 10);
    let connections = arg("--connections", 16) as usize;
    println!("W1 on SQLite (synchronous=FULL), {connections} connections, {seconds} s each, {MEMBERS} members");

    let http_dir = fresh_dir("http")?;
    let http_db = http_dir.join("w1.sqlite");
    let http_setup = setup(&http_db).await?;
    let http = through_http(&http_setup, &http_db, &http_dir, connections, seconds).await?;

    let direct_dir = fresh_dir("direct")?;
    let direct_setup = setup(&direct_dir.join("w1.sqlite")).await?;
    let (direct_rate, direct_p99, direct_failures) = direct(&direct_setup, connections, seconds).await?;

    println!("| workload | requests/s | p99 | failed |");
    println!("| --- | --- | --- | --- |");
    println!(
        "| W1 through HTTP (deskvisa serve + wrk) | {:.0} | {:.1} ms | {} |",
        http.rate,
        http.p99.as_secs_f64() * 1e3,
        http.non_2xx
    );
    println!(
        "| W1 in-process (the same transaction, no HTTP) | {:.0} | {:.1} ms | {} |",
        direct_rate,
        direct_p99.as_secs_f64() * 1e3,
        direct_failures
    );
    println!("ratio HTTP / in-process: {:.2} (target >= 0.7)", http.rate / direct_rate);
    println!("server peak memory (VmHWM): {:.1} MB (target <= 64 MB)", http.peak_memory_kib as f64 / 1024.0);
    let _ = std::fs::remove_dir_all(&http_dir);
    let _ = std::fs::remove_dir_all(&direct_dir);
    if http.non_2xx > 0 || direct_failures > 0 {
        bail!(
            "every request of W1 is a valid stay: {} through HTTP and {direct_failures} in-process failed",
            http.non_2xx
        );
    }
    Ok(())
}
