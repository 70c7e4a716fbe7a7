//! The migrations build the same schema on both databases, and the schema
//! itself refuses what would corrupt data.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

use deskvisa_testing::{Backend, TestDatabase};
use sea_orm::ConnectionTrait;

async fn exec(t: &TestDatabase, sql: &str) -> Result<(), String> {
    t.db.execute_unprepared(sql).await.map(|_| ()).map_err(|e| e.to_string())
}

fn uuid_literal(backend: Backend, n: u32) -> String {
    let text = format!("00000000-0000-0000-0000-{n:012}");
    match backend {
        Backend::Postgres => format!("'{text}'"),
        // sqlx stores UUIDs as 16-byte blobs on SQLite.
        Backend::Sqlite => format!("X'{}'", text.replace('-', "")),
    }
}

async fn schema_guards_capacity(backend: Backend) {
    let Some(t) = TestDatabase::new(backend).await else {
        return;
    };
    let (cluster, site) = (uuid_literal(backend, 1), uuid_literal(backend, 2));
    let now = "'2026-03-02 09:00:00+00:00'";
    exec(&t, &format!("INSERT INTO clusters (id, name, city, country, timezone, latitude, longitude, joined_on, status, created_at) VALUES ({cluster}, 'HubClub', 'Ruda Śląska', 'PL', 'Europe/Warsaw', 50.2, 18.8, '2013-01-15', 'active', {now})")).await.unwrap();
    exec(&t, &format!("INSERT INTO sites (id, cluster_id, name, address, timezone, desks, open_weekdays, contact_email, house_rules, created_at, updated_at) VALUES ({site}, {cluster}, 'Incubator', 'ul. Wolności 6', 'Europe/Warsaw', 2, 31, 'desks@hubclub.example', '', {now}, {now})")).await.unwrap();
    exec(&t, &format!("INSERT INTO site_days (site_id, date, desks, held) VALUES ({site}, '2026-03-04', 2, 2)"))
        .await
        .unwrap();
    let over = exec(&t, &format!("UPDATE site_days SET held = held + 1 WHERE site_id = {site}")).await;
    assert!(over.is_err(), "{backend:?}: a day must never hold more desks than the site has");
    let under = exec(&t, &format!("UPDATE site_days SET held = -1 WHERE site_id = {site}")).await;
    assert!(under.is_err(), "{backend:?}: held can never go below zero");
    let bad_status = exec(&t, &format!("UPDATE clusters SET status = 'gone' WHERE id = {cluster}")).await;
    assert!(bad_status.is_err(), "{backend:?}: statuses are checked");
    let orphan = exec(&t, &format!("INSERT INTO sites (id, cluster_id, name, address, timezone, desks, open_weekdays, contact_email, house_rules, created_at, updated_at) VALUES ({}, {}, 'x', 'x', 'UTC', 1, 31, 'x@x.example', '', {now}, {now})", uuid_literal(backend, 3), uuid_literal(backend, 99))).await;
    assert!(orphan.is_err(), "{backend:?}: foreign keys are enforced");
}

#[tokio::test]
async fn the_schema_guards_capacity_statuses_and_references_on_sqlite() {
    schema_guards_capacity(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_schema_guards_capacity_statuses_and_references_on_postgres() {
    schema_guards_capacity(Backend::Postgres).await;
}

#[tokio::test]
async fn migrating_down_and_up_again_works_on_both() {
    use deskvisa_migrations::{Migrator, MigratorTrait};
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(t) = TestDatabase::new(backend).await else {
            continue;
        };
        Migrator::down(&t.db, None).await.unwrap();
        Migrator::up(&t.db, None).await.unwrap();
        assert_eq!(t.scalar("SELECT COUNT(*) FROM stays").await, 0);
    }
}

/// Members' company texts become firms: one per distinct name (ignoring
/// case and spaces) per cluster, its earliest member its contact, every
/// member who wrote it in it, and the directory's search finds it.
#[tokio::test]
async fn company_texts_become_firms_on_both() {
    use deskvisa_migrations::{Migrator, MigratorTrait};
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(t) = TestDatabase::new(backend).await else {
            continue;
        };
        // Back to the schema before firms (the firms' migration and every
        // one after it), with members who wrote companies.
        let migrations = Migrator::migrations();
        let firms = migrations.iter().position(|m| m.name() == "m20261207_000001_firms").unwrap();
        Migrator::down(&t.db, Some(u32::try_from(migrations.len() - firms).unwrap())).await.unwrap();
        let now = "'2026-03-02 09:00:00+00:00'";
        let (hub, cph) = (uuid_literal(backend, 1), uuid_literal(backend, 2));
        for (id, name) in [(&hub, "HubClub"), (&cph, "Copenhagen Digital")] {
            exec(&t, &format!("INSERT INTO clusters (id, name, city, country, timezone, latitude, longitude, joined_on, status, created_at) VALUES ({id}, '{name}', 'x', 'PL', 'Europe/Warsaw', 50.2, 18.8, '2013-01-15', 'active', {now})")).await.unwrap();
        }
        let members = [
            (10, &hub, "Żółw  Software", "2026-01-01"),
            (11, &hub, "żółw software", "2026-01-02"),
            (12, &hub, "Other Firm", "2026-01-03"),
            (13, &cph, "Żółw Software", "2026-01-04"),
            (14, &hub, "", "2026-01-05"),
        ];
        for (n, cluster, company, day) in members {
            let id = uuid_literal(backend, n);
            exec(&t, &format!("INSERT INTO members (id, email, name, company, locale, cluster_id, status, created_at, updated_at) VALUES ({id}, 'm{n}@x.example', 'M{n}', '{company}', 'en', {cluster}, 'active', '{day} 09:00:00+00:00', {now})")).await.unwrap();
        }
        Migrator::up(&t.db, None).await.unwrap();
        assert_eq!(t.scalar("SELECT COUNT(*) FROM firms").await, 3, "{backend:?}");
        let first = uuid_literal(backend, 10);
        assert_eq!(
            t.scalar(&format!(
                "SELECT COUNT(*) FROM firms f WHERE f.name = 'Żółw Software' AND f.contact_member_id = {first} \
                 AND f.cluster_id = {hub}"
            ))
            .await,
            1,
            "{backend:?}: spelled as the earliest member wrote it, spaces folded, they its contact"
        );
        assert_eq!(
            t.scalar(&format!(
                "SELECT COUNT(*) FROM members m JOIN firms f ON f.id = m.firm_id \
                 WHERE f.cluster_id = {hub} AND f.sort_name = 'żółw software'"
            ))
            .await,
            2,
            "{backend:?}"
        );
        assert_eq!(t.scalar("SELECT COUNT(*) FROM members WHERE firm_id IS NULL").await, 1, "{backend:?}");
        let found = match backend {
            Backend::Sqlite => "SELECT COUNT(*) FROM firms_fts WHERE firms_fts MATCH '\"żółw\"*'",
            Backend::Postgres => "SELECT COUNT(*) FROM firms WHERE search @@ to_tsquery('simple', 'żółw:*')",
        };
        assert_eq!(t.scalar(found).await, 2, "{backend:?}: the search knows the migrated firms");
    }
}
