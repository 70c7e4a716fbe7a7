//! Backups of the embedded database, taken while members keep requesting
//! stays: the backup holds every stay acknowledged before it began, with its
//! desk-days and ledger totals whole; a restore puts it in place of a newer
//! database, which is kept beside it.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, clippy::too_many_lines)]

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use deskvisa_rules::StayId;
use deskvisa_service::*;
use deskvisa_testing::world::{World, d, eventually};
use deskvisa_testing::{Backend, TestDatabase};
use support::*;

/// The file behind a test database's URL.
fn file_of(test_db: &TestDatabase) -> PathBuf {
    let rest = test_db.url.strip_prefix("sqlite://").unwrap();
    PathBuf::from(rest.split('?').next().unwrap())
}

/// Counters equal the desk-days behind them and the ledger's totals a count
/// from scratch, in the database at `path`.
async fn assert_whole(path: &std::path::Path) {
    assert_database_sound(&TestDatabase::open_sqlite(path).await).await;
}

#[tokio::test]
async fn a_backup_taken_under_load_holds_every_acknowledged_stay_and_restores() {
    let test_db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let live = file_of(&test_db);
    let dir = live.parent().unwrap().to_owned();
    let w = World::new(test_db, 60).await;
    let policy = deskvisa_rules::PolicyDraft {
        approval_mode: deskvisa_rules::ApprovalMode::Auto,
        ..deskvisa_rules::PolicyDraft::default()
    };
    w.service.save_policy(&w.host_admin, w.host, policy).await.unwrap();
    let mut members = Vec::new();
    for i in 0..24 {
        members.push(w.another_member(&format!("visitor{i}@hubclub.example")).await);
    }
    // Acknowledged stays, in the order their answers came.
    let acknowledged: Arc<Mutex<Vec<(StayId, String)>>> = Arc::default();
    let load = {
        let service = w.service.clone();
        let acknowledged = acknowledged.clone();
        let site = w.site;
        tokio::spawn(async move {
            let mut requests = Vec::new();
            for (i, member) in members.into_iter().enumerate() {
                let service = service.clone();
                let acknowledged = acknowledged.clone();
                requests.push(tokio::spawn(async move {
                    for week in 0..2 {
                        let start = d("2026-03-09") + chrono::TimeDelta::days(7 * (week + (i as i64 % 3) * 2));
                        let input = StayRequestInput {
                            site,
                            start_date: start,
                            end_date: start + chrono::TimeDelta::days(4),
                            purpose: format!("visit {i}/{week}"),
                        };
                        let stay = service.request_stay(&member, &input).await.unwrap();
                        acknowledged.lock().unwrap().push((stay.id, stay.status.as_str().to_owned()));
                    }
                }));
            }
            for r in requests {
                r.await.unwrap();
            }
        })
    };
    // Once some stays are in, the backup begins, with requests still coming.
    eventually(std::time::Duration::from_secs(60), async || {
        if acknowledged.lock().unwrap().len() >= 10 { Ok(()) } else { Err("the load did not start".to_owned()) }
    })
    .await;
    let before: BTreeMap<StayId, String> = acknowledged.lock().unwrap().iter().cloned().collect();
    let backup_path = dir.join("backups").join("under-load.sqlite");
    let backup = w.service.store().backup_sqlite(&backup_path).await.unwrap();
    load.await.unwrap();
    let all: BTreeMap<StayId, String> = acknowledged.lock().unwrap().iter().cloned().collect();
    assert_eq!(all.len(), 48);
    eprintln!(
        "acknowledged before the backup: {}; in the backup: {}; in all: {}",
        before.len(),
        backup.stays,
        all.len()
    );
    assert!(backup.stays >= i64::try_from(before.len()).unwrap(), "{} in the backup", backup.stays);
    assert!(backup.bytes > 0);
    // A backup never overwrites another.
    assert!(w.service.store().backup_sqlite(&backup_path).await.is_err());

    // The backup, opened on its own: every stay acknowledged before it began,
    // as acknowledged; nothing that was never acknowledged; all of it whole.
    {
        let copy = TestDatabase::open_sqlite(&backup_path).await;
        let restored = Service::with_store(copy.store().await, Arc::new(w.clock.clone()));
        for (id, status) in &before {
            let stay = restored.stay(&w.host_admin, *id).await.unwrap();
            assert_eq!(stay.status.as_str(), status);
        }
        let in_backup = copy.scalar("SELECT COUNT(*) FROM stays").await;
        assert_eq!(in_backup, backup.stays);
        assert!(usize::try_from(in_backup).unwrap() <= all.len());
    }
    assert_whole(&backup_path).await;

    // Restore it in place of a newer database (a later backup of the live
    // one stands in for it, as deskvisa is stopped before a restore).
    let target = dir.join("restored").join("deskvisa.sqlite");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    let newer = w.service.store().backup_sqlite(&target).await.unwrap();
    assert_eq!(newer.stays, 48);
    let restored = deskvisa_store::restore_sqlite(&backup_path, &target, "20260302T090000Z").await.unwrap();
    assert_eq!(restored.stays, backup.stays);
    let kept = restored.previous.unwrap();
    assert!(kept.ends_with("deskvisa.sqlite.before-restore-20260302T090000Z"), "{}", kept.display());
    assert_eq!(deskvisa_store::verify_sqlite(&kept).await.unwrap(), 48, "the replaced database is kept whole");
    assert_whole(&target).await;
    // Something that is not a backup is refused, and the database stays.
    let junk = dir.join("junk.sqlite");
    std::fs::write(&junk, b"not a database").unwrap();
    assert!(deskvisa_store::restore_sqlite(&junk, &target, "x").await.is_err());
    assert_eq!(deskvisa_store::verify_sqlite(&target).await.unwrap(), backup.stays);
}
