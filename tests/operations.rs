//! deskvisa run as an operator deploys it: several instances starting at
//! once on a fresh PostgreSQL database, `serve --no-migrate` with `migrate`
//! run apart, a request known by its id in the answer and in the log, and
//! `deskvisa worker` watched on a port of its own.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, clippy::too_many_lines)]

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use deskvisa_testing::binary::{Running, exchange, free_port};
use deskvisa_testing::{Backend, TestDatabase};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_deskvisa");
const START: Duration = Duration::from_secs(60);

/// A directory of the test's own, for logs and mail.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("deskvisa-ops-{name}-{}", uuid_like()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn uuid_like() -> String {
    format!(
        "{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    )
}

/// What every process of a test is started with.
fn env(url: &str, dir: &std::path::Path, port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("DESKVISA_DATABASE_URL", url.to_owned()),
        ("DESKVISA_DATABASE_MAX_CONNECTIONS", "2".to_owned()),
        ("DESKVISA_HTTP_BIND", format!("127.0.0.1:{port}")),
        ("DESKVISA_HTTP_PUBLIC_URL", format!("http://127.0.0.1:{port}")),
        ("DESKVISA_MAIL_DIR", dir.join("mail").display().to_string()),
        ("DESKVISA_WORKER_OPS_BIND", String::new()),
        ("RUST_LOG", "warn".to_owned()),
    ]
}

/// `deskvisa args` to its end: exit status and stdout.
fn run(url: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(BIN)
        .args(args)
        .env("DESKVISA_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run deskvisa");
    assert!(output.stderr.is_empty() || output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    (output.status.success(), String::from_utf8_lossy(&output.stdout).into_owned())
}

/// How many migrations this version has (from `migrate --status` on the
/// migrated database: `N applied, 0 pending: up to date`).
fn applied_count(status: &str) -> usize {
    let last = status.lines().last().unwrap_or_default();
    last.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no count in {status}"))
}

/// Four instances started at the same moment on a fresh PostgreSQL
/// database: each migrates under the lock, the first makes the schema and
/// the others find nothing pending; all four serve, and each migration is
/// recorded once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_instances_starting_at_once_on_a_fresh_postgresql_database_all_serve() {
    let Some(db) = TestDatabase::empty(Backend::Postgres).await else { return };
    let dir = scratch("four");
    let mut instances: Vec<Running> = (0..4)
        .map(|i| {
            let port = free_port();
            Running::start(BIN, &["serve"], &env(&db.url, &dir, port), &dir.join(format!("serve-{i}.log")), port)
        })
        .collect();
    for instance in &mut instances {
        instance.answers("/readyz", 200, START).await;
    }
    let (ok, status) = run(&db.url, &["migrate", "--status"]);
    assert!(ok, "{status}");
    let known = applied_count(&status);
    assert!(status.ends_with(&format!("{known} applied, 0 pending: up to date\n")), "{status}");
    assert_eq!(db.scalar("SELECT COUNT(*) FROM seaql_migrations").await, known as i64);
    assert_eq!(db.scalar("SELECT COUNT(DISTINCT version) FROM seaql_migrations").await, known as i64);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'stays'").await, 1);
    for instance in &mut instances {
        assert!(instance.is_running(), "{}", instance.logged());
        assert!(!instance.logged().contains("migration failed"), "{}", instance.logged());
    }
    drop(instances);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `serve --no-migrate` on a database that lacks migrations answers
/// `/healthz` but not `/readyz`, which names why; `migrate --status` lists
/// what is pending; once `deskvisa migrate` has run, the same instance is
/// ready without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_without_migrating_is_not_ready_until_migrate_has_run() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(db) = TestDatabase::empty(backend).await else { continue };
        let dir = scratch("no-migrate");
        let (ok, status) = run(&db.url, &["migrate", "--status"]);
        assert!(ok, "{status}");
        assert!(status.starts_with("pending  m20261128_000001_initial_schema\n"), "{status}");
        assert!(status.contains(" pending: run `deskvisa migrate`"), "{status}");
        assert!(status.lines().last().unwrap().starts_with("0 applied, "), "{status}");

        let port = free_port();
        let mut server =
            Running::start(BIN, &["serve", "--no-migrate"], &env(&db.url, &dir, port), &dir.join("serve.log"), port);
        server.answers("/healthz", 200, START).await;
        let not_ready = server.answers("/readyz", 503, START).await;
        let body: serde_json::Value = serde_json::from_str(&not_ready.body).unwrap();
        assert_eq!(body["status"], "unavailable");
        let reason = body["reason"].as_str().unwrap();
        assert!(reason.ends_with(" migrations pending: run `deskvisa migrate`"), "{reason}");

        let (ok, migrated) = run(&db.url, &["migrate"]);
        assert!(ok && migrated.starts_with("database up to date ("), "{migrated}");
        server.answers("/readyz", 200, START).await;
        let (_, status) = run(&db.url, &["migrate", "--status"]);
        assert!(status.ends_with(" applied, 0 pending: up to date\n"), "{status}");
        assert!(!status.contains("pending  "), "{status}");
        // Migrating again changes nothing.
        let (ok, again) = run(&db.url, &["migrate"]);
        assert!(ok && again.starts_with("database up to date (0 migrations applied)"), "{again}");
        drop(server);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Behind a trusted proxy the proxy's request id is the request's: echoed
/// in the answer and in the one access-log line, which names the method,
/// the route template, the status and the latency, and never the token in
/// the path's query, the session cookie, the bearer token or an address.
/// An id from anyone else is replaced by one deskvisa makes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_known_by_its_id_in_the_answer_and_the_log() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let dir = scratch("request-id");
    let port = free_port();
    let mut vars = env(&db.url, &dir, port);
    vars.retain(|(k, _)| *k != "RUST_LOG");
    vars.push(("RUST_LOG", "info".to_owned()));
    vars.push(("DESKVISA_LOG_FORMAT", "json".to_owned()));
    vars.push(("DESKVISA_AUTH_TRUSTED_PROXIES", "127.0.0.1".to_owned()));
    let mut server = Running::start(BIN, &["serve"], &vars, &dir.join("serve.log"), port);
    server.answers("/healthz", 200, START).await;

    let secrets = ["SIGNINSECRET123", "COOKIESECRET456", "dv_BEARERSECRET789", "anna.nowak@hub.example", "PATHSECRET"];
    let answer = exchange(
        port,
        "GET",
        "/auth/verify?token=SIGNINSECRET123&email=anna.nowak@hub.example",
        &[
            ("x-request-id", "proxy-7f3a-0001"),
            ("Cookie", "dv_session=COOKIESECRET456"),
            ("Authorization", "Bearer dv_BEARERSECRET789"),
            ("Accept", "text/html"),
        ],
    )
    .await;
    assert_ne!(answer.status, 0);
    assert_eq!(answer.header("x-request-id"), Some("proxy-7f3a-0001"));

    // A path no route takes is logged as `unmatched`, never as its text.
    let lost = exchange(port, "GET", "/no-such-page/PATHSECRET", &[("x-request-id", "proxy-7f3a-0002")]).await;
    assert_eq!(lost.status, 404);

    // An id that is no plain token is not taken, even from the proxy.
    let made = exchange(port, "GET", "/healthz", &[("x-request-id", "two words")]).await;
    let id = made.header("x-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");

    let line = deskvisa_testing::poll::eventually(START, async || {
        server
            .logged()
            .lines()
            .find(|l| l.contains("proxy-7f3a-0001") && l.contains("\"answered\""))
            .filter(|_| server.logged().contains("proxy-7f3a-0002"))
            .map(str::to_owned)
            .ok_or_else(|| format!("no access-log lines yet:\n{}", server.logged()))
    })
    .await;
    let record: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(record["span"]["request_id"], "proxy-7f3a-0001", "{line}");
    assert_eq!(record["span"]["method"], "GET", "{line}");
    assert_eq!(record["fields"]["route"], "/auth/verify", "{line}");
    assert_eq!(record["fields"]["status"].as_u64(), Some(u64::from(answer.status)), "{line}");
    assert!(record["fields"]["latency_ms"].as_f64().is_some(), "{line}");
    let log = server.logged();
    assert_eq!(log.lines().filter(|l| l.contains("proxy-7f3a-0001") && l.contains("\"answered\"")).count(), 1);
    let lost: serde_json::Value = serde_json::from_str(
        log.lines().find(|l| l.contains("proxy-7f3a-0002") && l.contains("\"answered\"")).expect("the 404's line"),
    )
    .unwrap();
    assert_eq!((&lost["fields"]["route"], &lost["fields"]["status"]), (&json!("unmatched"), &json!(404)));
    for secret in secrets {
        assert!(!log.contains(secret), "the log holds {secret}:\n{log}");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `deskvisa worker` alone serves `/healthz`, `/readyz` and `/metrics` on
/// `[worker] ops_bind`, and nothing of the application.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_alone_is_watched_on_a_port_of_its_own() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let dir = scratch("worker");
    let ops = free_port();
    let mut vars = env(&db.url, &dir, free_port());
    vars.retain(|(k, _)| *k != "DESKVISA_WORKER_OPS_BIND");
    vars.push(("DESKVISA_WORKER_OPS_BIND", format!("127.0.0.1:{ops}")));
    let mut worker = Running::start(BIN, &["worker"], &vars, &dir.join("worker.log"), ops);
    worker.answers("/healthz", 200, START).await;
    let ready = worker.answers("/readyz", 200, START).await;
    assert!(ready.body.contains("\"ready\""), "{}", ready.body);
    let metrics = worker.answers("/metrics", 200, START).await;
    assert!(metrics.body.contains("deskvisa_build_info{version="), "{}", metrics.body);
    assert!(metrics.body.contains("deskvisa_outbox_depth 0"), "{}", metrics.body);
    assert!(metrics.body.contains("deskvisa_process_resident_memory_bytes"), "{}", metrics.body);
    assert_eq!(exchange(ops, "GET", "/api/v1/clusters", &[]).await.status, 404);
    assert_eq!(exchange(ops, "GET", "/", &[]).await.status, 404);
    drop(worker);
    let _ = std::fs::remove_dir_all(&dir);
}
