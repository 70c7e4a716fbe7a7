//! The `deskvisa` binary end to end, as an operator runs it: a fresh SQLite
//! file, `migrate`, `seed demo`, then the operator's commands, each checked by
//! what it prints and its exit status.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, clippy::too_many_lines)]

use std::path::Path;
use std::process::{Command, Output};

fn deskvisa(database: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deskvisa"))
        .args(args)
        .env("DESKVISA_DATABASE_URL", format!("sqlite://{}?mode=rwc", database.display()))
        .env("DESKVISA_MAIL_DIR", database.with_file_name("mail"))
        .env("RUST_LOG", "warn")
        .output()
        .expect("run deskvisa")
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn an_operator_prints_the_reciprocity_ledger_of_the_demo_network() {
    let dir = std::env::temp_dir().join(format!("deskvisa-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("cli.sqlite");
    assert!(deskvisa(&db, &["migrate"]).status.success());
    let seeded = deskvisa(&db, &["seed", "demo"]);
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let clusters: usize = text(&seeded)
        .split_whitespace()
        .skip_while(|w| *w != "network:")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("the seed says how many clusters it loaded");

    let today = chrono::Utc::now().date_naive();
    let (from, to) = ((today - chrono::Days::new(30)).to_string(), (today + chrono::Days::new(30)).to_string());
    let table = deskvisa(&db, &["report", "reciprocity", "--from", &from, "--to", &to]);
    assert!(table.status.success(), "{}", String::from_utf8_lossy(&table.stderr));
    let table = text(&table);
    assert!(table.starts_with(&format!("Reciprocity ledger, {from} to {to}")), "{table}");
    assert!(table.contains("hosted") && table.contains("median answer"), "{table}");
    assert!(table.contains("Visitor-days, host <- home:") && table.contains("Guarantee exceptions:"), "{table}");

    let json = deskvisa(&db, &["report", "reciprocity", "--from", &from, "--to", &to, "--json"]);
    assert!(json.status.success());
    let ledger: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(ledger["clusters"].as_array().unwrap().len(), clusters, "every cluster of the map");
    let balance: i64 = ledger["clusters"].as_array().unwrap().iter().map(|c| c["balance"].as_i64().unwrap()).sum();
    assert_eq!(balance, 0, "every day hosted is a day used");

    let backwards = deskvisa(&db, &["report", "reciprocity", "--from", &to, "--to", &from]);
    assert!(!backwards.status.success());
    assert!(String::from_utf8_lossy(&backwards.stderr).contains("ends before it starts"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_operator_backs_up_exports_erases_and_restores() {
    let dir = std::env::temp_dir().join(format!("deskvisa-cli-data-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("live.sqlite");
    let seeded = deskvisa(&db, &["seed", "demo"]);
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let member = text(&seeded)
        .lines()
        .find_map(|l| l.trim().strip_prefix("visiting member").map(|r| r.split_whitespace().next().unwrap().to_owned()))
        .expect("the seed names the demo member");

    // The backup: a file of its own, never written over.
    let backup = dir.join("backups/before-erasure.sqlite");
    let taken = deskvisa(&db, &["backup", backup.to_str().unwrap()]);
    assert!(taken.status.success(), "{}", String::from_utf8_lossy(&taken.stderr));
    assert!(text(&taken).starts_with(&format!("wrote {}", backup.display())), "{}", text(&taken));
    assert!(!deskvisa(&db, &["backup", backup.to_str().unwrap()]).status.success());

    // The export: JSON with the member's profile and stays.
    let export = deskvisa(&db, &["member", "export", &member]);
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let data: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(data["format"], "deskvisa-member-export/1");
    assert_eq!(data["profile"]["email"], member.as_str());
    assert!(data["stays"].is_array() && !data["api_tokens"].as_array().unwrap().is_empty(), "{data}");

    // The erasure: the address is gone.
    let erased = deskvisa(&db, &["member", "erase", &member]);
    assert!(erased.status.success(), "{}", String::from_utf8_lossy(&erased.stderr));
    let erasure: serde_json::Value = serde_json::from_slice(&erased.stdout).unwrap();
    assert!(erasure["credentials"].as_u64().unwrap() >= 1, "{erasure}");
    let gone = deskvisa(&db, &["member", "export", &member]);
    assert!(!gone.status.success());
    assert!(String::from_utf8_lossy(&gone.stderr).contains("no member has this email address"));
    assert!(!deskvisa(&db, &["member", "export", "not an address"]).status.success());

    // The restore brings the backup back and keeps what it replaced.
    let restored = deskvisa(&db, &["restore", backup.to_str().unwrap()]);
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    assert!(text(&restored).contains("the database it replaced is kept as"), "{}", text(&restored));
    assert!(deskvisa(&db, &["member", "export", &member]).status.success(), "the backup predates the erasure");
    let junk = dir.join("junk.sqlite");
    std::fs::write(&junk, "not a database").unwrap();
    let refused = deskvisa(&db, &["restore", junk.to_str().unwrap()]);
    assert!(!refused.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------- a network from nothing

/// `deskvisa` against the database at `url`, serving (when it serves) at `port`.
fn deskvisa_at(url: &str, port: u16, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deskvisa"))
        .args(args)
        .env("DESKVISA_DATABASE_URL", url)
        .env("DESKVISA_HTTP_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .output()
        .expect("run deskvisa")
}

fn errors(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// One HTTP/1.1 exchange over its own connection: status, head, body.
async fn exchange(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").map(|(h, b)| (h.to_owned(), b.to_owned())).unwrap_or_default();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head, body)
}

/// The `name=value` of the first `Set-Cookie` header of an answer's head.
fn cookie(head: &str) -> String {
    head.lines()
        .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no cookie in {head}"))
        .to_owned()
}

/// A hidden field's value on a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no field {name}")) + marker.len();
    page[start..].chars().take_while(|c| *c != '"').collect()
}

/// The operator's first day on an empty database, on SQLite and on
/// PostgreSQL: `migrate`, then `admin network` makes a network staff
/// account and prints a sign-in link that signs them in on the running
/// server; `token create` gives them an API token whose `/me` has no home
/// cluster and which cannot request a stay. Every refusal on the way names
/// what was missing or wrong, with exit status 1 (2 for a command line that
/// is not understood).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_starts_from_an_empty_database_at_the_terminal() {
    for backend in [deskvisa_testing::Backend::Sqlite, deskvisa_testing::Backend::Postgres] {
        let Some(db) = deskvisa_testing::TestDatabase::empty(backend).await else { continue };
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let run = |args: &[&str]| deskvisa_at(&db.url, port, args);

        let migrated = run(&["migrate"]);
        assert!(migrated.status.success(), "{}", errors(&migrated));
        assert!(text(&migrated).starts_with("database up to date ("), "{}", text(&migrated));

        // Nobody has the address yet: a name is needed, and the error says so.
        let nameless = run(&["admin", "network", "--email", "ops@network.example"]);
        assert_eq!(nameless.status.code(), Some(1));
        assert!(errors(&nameless).contains("nobody has the address ops@network.example"), "{}", errors(&nameless));
        assert!(errors(&nameless).contains("--name"), "{}", errors(&nameless));
        assert!(!errors(&nameless).contains("not found"), "{}", errors(&nameless));

        let made = run(&["admin", "network", "--email", "Ops@Network.example", "--name", "Olga Ops", "--sign-in-link"]);
        assert!(made.status.success(), "{}", errors(&made));
        let out = text(&made);
        assert!(out.contains("created a network staff account for ops@network.example (Olga Ops"), "{out}");
        let link = out.split_whitespace().find(|w| w.contains("/auth/verify?token=")).expect("a sign-in link");
        let path = link.strip_prefix(&format!("http://127.0.0.1:{port}")).expect("the public URL's link");

        // Again: nothing changes, and it says so.
        let again = run(&["admin", "network", "--email", "ops@network.example"]);
        assert!(again.status.success(), "{}", errors(&again));
        assert!(text(&again).contains("already a network admin; nothing changed"), "{}", text(&again));
        assert_eq!(db.scalar("SELECT COUNT(*) FROM members").await, 1);
        assert_eq!(db.scalar("SELECT COUNT(*) FROM member_roles").await, 1);

        // Each refusal names what was wrong.
        let unknown = run(&["token", "create", "--email", "nobody@network.example"]);
        assert_eq!(unknown.status.code(), Some(1));
        assert!(errors(&unknown).contains("nobody has the address nobody@network.example"), "{}", errors(&unknown));
        let staff_admin = run(&["admin", "cluster", "--email", "ops@network.example"]);
        assert_eq!(staff_admin.status.code(), Some(1));
        assert!(errors(&staff_admin).contains("belongs to no cluster"), "{}", errors(&staff_admin));
        let no_cluster_member = run(&["admin", "cluster", "--email", "nobody@network.example"]);
        assert!(errors(&no_cluster_member).contains("nobody has the address nobody@network.example"));
        let bad = run(&["admin", "network", "--email", "not-an-address", "--name", "X"]);
        assert_eq!(bad.status.code(), Some(1));
        assert!(errors(&bad).contains("`not-an-address` is not an email address"), "{}", errors(&bad));
        let language = run(&["admin", "network", "--email", "x@network.example", "--name", "X", "--locale", "de"]);
        assert!(errors(&language).contains("--locale `de`"), "{}", errors(&language));
        assert_eq!(run(&["admin", "network"]).status.code(), Some(2), "a command line not understood");

        let token = run(&["token", "create", "--email", "ops@network.example"]);
        assert!(token.status.success(), "{}", errors(&token));
        let token = text(&token).trim().to_owned();
        assert!(token.starts_with("dv_"), "{token}");

        // The server on this database: the link signs the operator in.
        let mail_dir = std::env::temp_dir().join(format!("deskvisa-cli-mail-{port}"));
        let mut server = Command::new(env!("CARGO_BIN_EXE_deskvisa"))
            .args(["serve"])
            .env("DESKVISA_DATABASE_URL", &db.url)
            .env("DESKVISA_HTTP_BIND", format!("127.0.0.1:{port}"))
            .env("DESKVISA_HTTP_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env("DESKVISA_MAIL_DIR", &mail_dir)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start deskvisa serve");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(std::time::Instant::now() < deadline, "the server did not start");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let origin = format!("http://127.0.0.1:{port}");
        let (status, head, page) = exchange(port, "GET", path, &[("Accept", "text/html")], "").await;
        assert_eq!(status, 200, "{page}");
        let form = format!("token={}&csrf={}", path.split("token=").nth(1).unwrap(), hidden(&page, "csrf"));
        let form_cookie = cookie(&head);
        let (status, head, _) = exchange(
            port,
            "POST",
            "/auth/verify",
            &[("Cookie", &form_cookie), ("Origin", &origin), ("Content-Type", "application/x-www-form-urlencoded")],
            &form,
        )
        .await;
        assert_eq!(status, 303, "{head}");
        let session = cookie(&head);
        let (status, _, network) =
            exchange(port, "GET", "/network", &[("Cookie", &session), ("Accept", "text/html")], "").await;
        assert_eq!(status, 200, "{network}");
        assert!(network.contains("Olga Ops"), "the network page, signed in as the operator");
        // The link worked once.
        let (_, _, used) = exchange(port, "GET", path, &[("Accept", "text/html")], "").await;
        let form = format!("token={}&csrf={}", path.split("token=").nth(1).unwrap(), hidden(&used, "csrf"));
        let (status, _, _) = exchange(
            port,
            "POST",
            "/auth/verify",
            &[("Cookie", &form_cookie), ("Origin", &origin), ("Content-Type", "application/x-www-form-urlencoded")],
            &form,
        )
        .await;
        assert_ne!(status, 303, "a used link signs nobody in");

        // The API token: a staff account, no home cluster, no stays.
        let bearer = format!("Bearer {token}");
        let (status, _, me) = exchange(port, "GET", "/api/v1/me", &[("Authorization", &bearer)], "").await;
        assert_eq!(status, 200, "{me}");
        let me: serde_json::Value = serde_json::from_str(&me).unwrap();
        assert_eq!(me["cluster"], serde_json::Value::Null, "{me}");
        assert_eq!(me["cluster_id"], serde_json::Value::Null, "{me}");
        assert_eq!(me["network_staff"], true, "{me}");
        assert_eq!(me["roles"], serde_json::json!([{"role": "network_admin"}]), "{me}");
        let stay = format!(
            r#"{{"site_id": "{}", "start_date": "2027-03-01", "end_date": "2027-03-05", "purpose": "x"}}"#,
            uuid::Uuid::new_v4()
        );
        let (status, _, refused) = exchange(
            port,
            "POST",
            "/api/v1/stays",
            &[("Authorization", &bearer), ("Content-Type", "application/json")],
            &stay,
        )
        .await;
        assert_eq!(status, 422, "{refused}");
        assert!(refused.contains("\"code\":\"no_home_cluster\""), "{refused}");
        let _ = server.kill();
        let _ = server.wait();
        let _ = std::fs::remove_dir_all(&mail_dir);
    }
}
