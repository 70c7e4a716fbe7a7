//! The schema's migrations, applied once however many instances start at
//! the same moment: every migration runs in one transaction that first
//! takes the database's own lock (a PostgreSQL advisory lock held to the
//! transaction's end; on SQLite the write lock of `BEGIN IMMEDIATE`), so the
//! second instance waits, then finds nothing pending. sea-orm-migration
//! takes no lock of its own.

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement, TransactionTrait};
use sea_orm_migration::MigratorTrait as _;

use crate::error::StoreError;
use crate::group_commit::begin_write_transaction;
use crate::tx::Store;

/// The advisory lock's key: "deskvisa" in ASCII, so that another program
/// sharing the database does not pick it by chance.
const MIGRATION_LOCK: i64 = 0x6465_736b_7669_7361;

/// Which migrations a database has and lacks, by name, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Applied, as this version knows them.
    pub applied: Vec<String>,
    /// Known to this version and not applied yet.
    pub pending: Vec<String>,
    /// Applied by a newer version of deskvisa that this one does not know.
    pub unknown: Vec<String>,
}

impl MigrationStatus {
    /// Whether this version can serve the database as it is.
    pub fn is_current(&self) -> bool {
        self.pending.is_empty()
    }
}

/// Every migration this version has, oldest first.
fn known() -> Vec<String> {
    deskvisa_migrations::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect()
}

impl Store {
    /// Applies every pending migration under the migration lock; how many
    /// there were (0 when another instance applied them first).
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let db = self.connection();
        let locked = match db.get_database_backend() {
            DbBackend::Postgres => {
                let tx = db.begin().await?;
                let lock = format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})");
                tx.execute_raw(Statement::from_string(DbBackend::Postgres, lock)).await?;
                tx
            }
            _ => begin_write_transaction(db).await?,
        };
        let pending = applied_in(&locked).await?.map_or_else(|| known().len(), |applied| pending(&applied).len());
        if pending > 0 {
            deskvisa_migrations::Migrator::up(&locked, None).await?;
        }
        locked.commit().await?;
        if pending > 0 {
            // A migration may fill or change what the map holds.
            self.count_map_change();
        }
        Ok(pending)
    }

    /// What the database has applied and lacks, without changing it.
    pub async fn migration_status(&self) -> Result<MigrationStatus, StoreError> {
        let tx = self.reads().begin().await?;
        let applied = applied_in(&tx).await?.unwrap_or_default();
        let known = known();
        Ok(MigrationStatus {
            pending: pending(&applied),
            unknown: applied.iter().filter(|name| !known.contains(name)).cloned().collect(),
            applied: known.into_iter().filter(|name| applied.contains(name)).collect(),
        })
    }
}

/// The names of the migrations still to apply, oldest first.
fn pending(applied: &BTreeSet<String>) -> Vec<String> {
    known().into_iter().filter(|name| !applied.contains(name)).collect()
}

/// The applied migrations' names, or `None` on a database that has never
/// been migrated (no table of migrations yet).
async fn applied_in(tx: &DatabaseTransaction) -> Result<Option<BTreeSet<String>>, StoreError> {
    let backend = tx.get_database_backend();
    let table = deskvisa_migrations::Migrator::migration_table_name().to_string();
    let exists = match backend {
        DbBackend::Postgres => format!(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
        ),
        _ => format!("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
    };
    if tx.query_one_raw(Statement::from_string(backend, exists)).await?.is_none() {
        return Ok(None);
    }
    let rows = tx.query_all_raw(Statement::from_string(backend, format!("SELECT version FROM {table}"))).await?;
    let names = rows.iter().map(|row| row.try_get::<String>("", "version")).collect::<Result<_, _>>()?;
    Ok(Some(names))
}
