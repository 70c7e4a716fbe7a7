//! The `deskvisa` binary end to end, as an operator runs it: a fresh SQLite
//! file, `migrate`, `seed demo`, then the operator's commands, each checked by
//! what it prints and its exit status.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

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
