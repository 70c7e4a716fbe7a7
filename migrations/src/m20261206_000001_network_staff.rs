//! Network staff: an account with no home cluster. The people who start and
//! run a network (`deskvisa admin network --email`) are often no member of
//! any cluster; their account signs in and runs the network, and never
//! requests a stay (a stay names its home cluster, `NOT NULL`, so the schema
//! itself keeps them from holding one).
//!
//! `members.cluster_id` becomes nullable. PostgreSQL alters the column.
//! SQLite cannot alter a column; removing a `NOT NULL` changes nothing on
//! disk, so the table's recorded definition is edited in place, inside this
//! migration's transaction, by the procedure SQLite documents for exactly
//! this change ("Making Other Kinds Of Table Schema Changes", the simpler
//! procedure with `writable_schema` and a new `schema_version`). Rebuilding
//! the table instead would need foreign keys off, which cannot be switched
//! inside a transaction, and every table that refers to members would be
//! rewritten by the rename.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The column as the first migration wrote it on SQLite, and as it becomes.
const SQLITE_NOT_NULL: &str = r#""cluster_id" uuid_text NOT NULL,"#;
const SQLITE_NULL: &str = r#""cluster_id" uuid_text NULL,"#;

async fn sqlite_definition(db: &SchemaManagerConnection<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    let version = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA schema_version"))
        .await?
        .ok_or_else(|| DbErr::Migration("SQLite did not answer its schema version".into()))?
        .try_get_by_index::<i64>(0)?;
    db.execute_unprepared("PRAGMA writable_schema = ON").await?;
    let changed = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'members' \
             AND instr(sql, ?) > 0",
            [from.into(), to.into(), from.into()],
        ))
        .await?
        .rows_affected();
    db.execute_unprepared(&format!("PRAGMA schema_version = {}", version + 1)).await?;
    db.execute_unprepared("PRAGMA writable_schema = OFF").await?;
    if changed != 1 {
        return Err(DbErr::Migration(format!(
            "the members table is not as the first migration made it (looked for `{from}`)"
        )));
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// The SQLite edit and its schema version bump happen together or not at all.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => sqlite_definition(db, SQLITE_NOT_NULL, SQLITE_NULL).await,
            _ => db.execute_unprepared("ALTER TABLE members ALTER COLUMN cluster_id DROP NOT NULL").await.map(|_| ()),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Staff accounts cannot survive the column's NOT NULL: the way back
        // refuses while there are any, rather than deleting people.
        let staff = db
            .query_one_raw(Statement::from_string(
                manager.get_database_backend(),
                "SELECT COUNT(*) FROM members WHERE cluster_id IS NULL",
            ))
            .await?
            .map(|row| row.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        if staff > 0 {
            return Err(DbErr::Migration(format!("{staff} network staff accounts have no home cluster")));
        }
        match manager.get_database_backend() {
            DbBackend::Sqlite => sqlite_definition(db, SQLITE_NULL, SQLITE_NOT_NULL).await,
            _ => db.execute_unprepared("ALTER TABLE members ALTER COLUMN cluster_id SET NOT NULL").await.map(|_| ()),
        }
    }
}
