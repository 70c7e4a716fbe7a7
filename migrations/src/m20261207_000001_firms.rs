//! Firms (issue 21): the companies members work for, each of one cluster,
//! with what they offer and seek, so that a visitor can find and be
//! introduced to the host's firms. Today's free-text `members.company`
//! becomes one firm per distinct name (ignoring case and spaces) per
//! cluster, its earliest member its contact; the text stays on the member as
//! what emails and exports have always shown.
//!
//! Full-text search runs in each database's own engine over plain words the
//! service cuts (`name_words`, `tag_words`, `about_words`): on SQLite an
//! FTS5 table kept by triggers, on PostgreSQL a generated `tsvector` with a
//! GIN index (the name weighed A, the tags B, the about C, so a query asks
//! where a word was found). `sort_name` (the lower-cased name) orders the directory, in
//! byte order on both (`COLLATE "C"` on PostgreSQL), so both list alike.
//!
//! Introductions are a visitor's request, during an approved stay, to meet
//! one firm of the host: at most one a firm per stay (a unique index).

use std::collections::BTreeMap;

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from: &'static str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, column).to(to, "id").on_delete(ForeignKeyAction::Restrict).to_owned()
}

#[derive(DeriveIden)]
enum Members {
    Table,
    FirmId,
    OpenToMeet,
}

/// Words as the service cuts them (`deskvisa_rules::search_words`), copied
/// here because a migration is frozen history and must not move with it.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(FromQueryResult)]
struct Company {
    id: Uuid,
    cluster_id: Uuid,
    company: String,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_firms(manager).await?;
        create_search(manager).await?;
        members_join_firms(manager).await?;
        create_introductions(manager).await?;
        companies_become_firms(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP TABLE introductions").await?;
        db.execute_unprepared("DROP INDEX members_firm").await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("ALTER TABLE members DROP CONSTRAINT members_firm").await?;
        }
        db.execute_unprepared("DROP TABLE firm_tags").await?;
        // Its triggers go with it; SQLite checks every trigger when a column
        // is dropped below, so the search table goes only after them.
        db.execute_unprepared("DROP TABLE firms").await?;
        if manager.get_database_backend() == DbBackend::Sqlite {
            db.execute_unprepared("DROP TABLE firms_fts").await?;
        }
        for column in [Members::FirmId, Members::OpenToMeet] {
            manager.alter_table(Table::alter().table(Members::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

async fn create_firms(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("firms")
                .col(pk_uuid("id"))
                .col(uuid("cluster_id"))
                .col(string("name"))
                .col(string("sort_name"))
                .col(string_null("website"))
                .col(text("about").default(""))
                // ISO 639-1 codes joined by commas.
                .col(string("languages").default(""))
                .col(string("city").default(""))
                .col(boolean("open_to_visitors").default(false))
                .col(uuid_null("contact_member_id"))
                .col(text("name_words").default(""))
                .col(text("tag_words").default(""))
                .col(text("about_words").default(""))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("firms", "cluster_id", "clusters"))
                .foreign_key(&mut fk("firms", "contact_member_id", "members"))
                .to_owned(),
        )
        .await?;
    let db = manager.get_connection();
    db.execute_unprepared("CREATE UNIQUE INDEX firms_cluster_name ON firms (cluster_id, sort_name)").await?;
    db.execute_unprepared("CREATE INDEX firms_sort ON firms (sort_name, id)").await?;
    manager
        .create_table(
            Table::create()
                .table("firm_tags")
                .col(uuid("firm_id"))
                // `offers` or `seeks`.
                .col(string("side"))
                .col(string("tag"))
                .primary_key(Index::create().col("firm_id").col("side").col("tag"))
                .check(Expr::col("side").is_in(["offers", "seeks"]))
                .foreign_key(&mut fk("firm_tags", "firm_id", "firms"))
                .to_owned(),
        )
        .await?;
    db.execute_unprepared("CREATE INDEX firm_tags_tag ON firm_tags (tag, firm_id)").await?;
    Ok(())
}

async fn create_search(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let postgres = manager.get_database_backend() == DbBackend::Postgres;
    if postgres {
        db.execute_unprepared(
            "ALTER TABLE firms ALTER COLUMN sort_name TYPE varchar COLLATE \"C\"; \
             ALTER TABLE firms ADD COLUMN search tsvector GENERATED ALWAYS AS \
             (setweight(to_tsvector('simple', name_words), 'A') || setweight(to_tsvector('simple', tag_words), 'B') \
             || setweight(to_tsvector('simple', about_words), 'C')) STORED; \
             CREATE INDEX firms_search ON firms USING GIN (search)",
        )
        .await?;
    } else {
        db.execute_unprepared(
            "CREATE VIRTUAL TABLE firms_fts USING fts5(firm_id UNINDEXED, name_words, tag_words, about_words, \
             tokenize = 'unicode61 remove_diacritics 0')",
        )
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER firms_fts_insert AFTER INSERT ON firms BEGIN \
             INSERT INTO firms_fts (firm_id, name_words, tag_words, about_words) \
             VALUES (new.id, new.name_words, new.tag_words, new.about_words); END",
        )
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER firms_fts_update AFTER UPDATE OF name_words, tag_words, about_words ON firms BEGIN \
             UPDATE firms_fts SET name_words = new.name_words, tag_words = new.tag_words, \
             about_words = new.about_words WHERE firm_id = old.id; END",
        )
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER firms_fts_delete AFTER DELETE ON firms BEGIN \
             DELETE FROM firms_fts WHERE firm_id = old.id; END",
        )
        .await?;
    }
    Ok(())
}

async fn members_join_firms(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    manager.alter_table(Table::alter().table(Members::Table).add_column(uuid_null(Members::FirmId)).to_owned()).await?;
    manager
        .alter_table(
            Table::alter().table(Members::Table).add_column(boolean(Members::OpenToMeet).default(false)).to_owned(),
        )
        .await?;
    if manager.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(
            "ALTER TABLE members ADD CONSTRAINT members_firm FOREIGN KEY (firm_id) REFERENCES firms (id)",
        )
        .await?;
    }
    db.execute_unprepared("CREATE INDEX members_firm ON members (firm_id)").await?;
    Ok(())
}

async fn create_introductions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    manager
        .create_table(
            Table::create()
                .table("introductions")
                .col(pk_uuid("id"))
                .col(uuid("stay_id"))
                .col(uuid("firm_id"))
                // Who asked (the stay's member) and whom it went to (the
                // firm's contact when asked).
                .col(uuid("visitor_id"))
                .col(uuid("contact_id"))
                // The two clusters, kept for the ledger's counts.
                .col(uuid("host_cluster_id"))
                .col(uuid("home_cluster_id"))
                .col(text("note").default(""))
                .col(string("status"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("answered_at"))
                .check(Expr::col("status").is_in(["pending", "accepted", "declined", "lapsed"]))
                .foreign_key(&mut fk("introductions", "stay_id", "stays"))
                .foreign_key(&mut fk("introductions", "firm_id", "firms"))
                .foreign_key(&mut fk("introductions", "visitor_id", "members"))
                .foreign_key(&mut fk("introductions", "contact_id", "members"))
                .foreign_key(&mut fk("introductions", "host_cluster_id", "clusters"))
                .foreign_key(&mut fk("introductions", "home_cluster_id", "clusters"))
                .to_owned(),
        )
        .await?;
    db.execute_unprepared("CREATE UNIQUE INDEX introductions_stay_firm ON introductions (stay_id, firm_id)").await?;
    db.execute_unprepared("CREATE INDEX introductions_contact ON introductions (contact_id, created_at)").await?;
    db.execute_unprepared("CREATE INDEX introductions_visitor ON introductions (visitor_id, created_at)").await?;
    db.execute_unprepared("CREATE INDEX introductions_status ON introductions (status, stay_id)").await?;
    Ok(())
}

/// A firm the migration makes of a company text.
struct Founded {
    id: Uuid,
    /// As its earliest member wrote it (spaces folded).
    name: String,
    /// That member.
    contact: Uuid,
    /// Everyone who wrote it.
    members: Vec<Uuid>,
}

/// One firm per distinct company text (ignoring case and runs of spaces)
/// per cluster, spelled as its earliest member wrote it; that member is its
/// contact, and every member who wrote it belongs to it.
async fn companies_become_firms(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let rows = Company::find_by_statement(Statement::from_string(
        backend,
        "SELECT id, cluster_id, company FROM members \
         WHERE cluster_id IS NOT NULL AND company <> '' ORDER BY created_at, id",
    ))
    .all(db)
    .await?;
    let mut firms: BTreeMap<(Uuid, String), Founded> = BTreeMap::new();
    for row in rows {
        let name = row.company.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            continue;
        }
        let firm = firms.entry((row.cluster_id, name.to_lowercase())).or_insert_with(|| Founded {
            id: Uuid::new_v4(),
            name: name.clone(),
            contact: row.id,
            members: Vec::new(),
        });
        firm.members.push(row.id);
    }
    let now = chrono::Utc::now();
    for ((cluster, sort_name), Founded { id, name, contact, members }) in firms {
        let mut insert = Query::insert();
        insert
            .into_table("firms")
            .columns([
                "id",
                "cluster_id",
                "name",
                "sort_name",
                "contact_member_id",
                "name_words",
                "created_at",
                "updated_at",
            ])
            .values([
                id.into(),
                cluster.into(),
                name.clone().into(),
                sort_name.into(),
                contact.into(),
                words(&name).into(),
                now.into(),
                now.into(),
            ])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        db.execute(&insert).await?;
        for chunk in members.chunks(500) {
            let update = Query::update()
                .table(Members::Table)
                .value(Members::FirmId, id)
                .and_where(Expr::col("id").is_in(chunk.iter().copied()))
                .to_owned();
            db.execute(&update).await?;
        }
    }
    // The planner knows nothing of tables just filled until they are
    // analysed: without it, searches would not use the GIN index.
    if backend == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE firms, firm_tags, members").await?;
    }
    Ok(())
}
