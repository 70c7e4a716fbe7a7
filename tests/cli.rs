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
