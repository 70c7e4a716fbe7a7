//! Backups of the embedded SQLite database, taken online: `VACUUM INTO`
//! copies the database as one read transaction sees it, so the copy is
//! consistent (every committed stay with its desk-days, nothing half
//! written) while writes go on. A copy is written beside its destination and
//! renamed into place, so a destination either holds a whole backup or
//! nothing.
//!
//! A restore checks the backup first (SQLite's integrity check, deskvisa's
//! schema), keeps the database it replaces beside it, and moves the backup
//! into place. PostgreSQL is backed up with its own tools (`pg_dump`,
//! documented in the README).

use std::path::{Path, PathBuf};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

use crate::error::StoreError;
use crate::tx::Store;

/// A backup taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Stays it holds.
    pub stays: i64,
}

/// A restore done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Stays the restored database holds.
    pub stays: i64,
    /// Where the database it replaced was kept, if there was one.
    pub previous: Option<PathBuf>,
}

fn io(what: &str, path: &Path, err: std::io::Error) -> StoreError {
    StoreError::Unavailable(format!("{what} {}: {err}", path.display()))
}

/// A file beside `path` named with `suffix`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// One connection to an existing SQLite file, with none of the serving
/// settings (a backup is opened read-only, and is never created).
async fn open_file(path: &Path, read_only: bool) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(format!("sqlite://{}", path.display()));
    options
        .max_connections(1)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |o| o.read_only(read_only).create_if_missing(false));
    Database::connect(options)
        .await
        .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))
}

/// Checks a SQLite file: SQLite's integrity check passes and it holds
/// deskvisa's schema. The stays it holds.
pub async fn verify_sqlite(path: &Path) -> Result<i64, StoreError> {
    if !path.is_file() {
        return Err(StoreError::Unavailable(format!("{} is not a file", path.display())));
    }
    let db = open_file(path, true).await?;
    let one = |sql: &str| Statement::from_string(DbBackend::Sqlite, sql.to_owned());
    let checked = async {
        let integrity = db
            .query_one_raw(one("PRAGMA integrity_check"))
            .await
            .map_err(|e| StoreError::Corrupt(format!("{} is not a SQLite database: {e}", path.display())))?;
        let verdict: String = integrity.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or_default();
        if verdict != "ok" {
            return Err(StoreError::Corrupt(format!("{} fails SQLite's integrity check: {verdict}", path.display())));
        }
        let stays = db
            .query_one_raw(one("SELECT COUNT(*) FROM stays"))
            .await
            .map_err(|_| StoreError::Corrupt(format!("{} holds no deskvisa database", path.display())))?;
        Ok(stays.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
    }
    .await;
    let _ = db.close().await;
    checked
}

impl Store {
    /// Writes a consistent copy of this SQLite database to `destination`,
    /// which must not exist yet. Writers are not stopped.
    pub async fn backup_sqlite(&self, destination: &Path) -> Result<Backup, StoreError> {
        if self.db_backend() != DbBackend::Sqlite {
            return Err(StoreError::Unavailable(
                "deskvisa backup copies SQLite databases; back PostgreSQL up with pg_dump".to_owned(),
            ));
        }
        if destination.exists() {
            return Err(StoreError::Unavailable(format!("{} exists already", destination.display())));
        }
        if let Some(dir) = destination.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io("cannot create", dir, e))?;
        }
        let partial = beside(destination, ".partial");
        let _ = std::fs::remove_file(&partial);
        let statement = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "VACUUM INTO ?",
            [partial.to_string_lossy().into_owned().into()],
        );
        // On a reader: the copy is one read transaction, beside the writer.
        if let Err(err) = self.reads().execute_raw(statement).await {
            let _ = std::fs::remove_file(&partial);
            return Err(err.into());
        }
        let stays = match verify_sqlite(&partial).await {
            Ok(stays) => stays,
            Err(err) => {
                let _ = std::fs::remove_file(&partial);
                return Err(err);
            }
        };
        std::fs::rename(&partial, destination).map_err(|e| io("cannot move the backup to", destination, e))?;
        let bytes = std::fs::metadata(destination).map_err(|e| io("cannot read", destination, e))?.len();
        Ok(Backup { path: destination.to_owned(), bytes, stays })
    }
}

/// Replaces the SQLite database at `target` with the backup at `backup`
/// (checked first). deskvisa must not be running on `target`. The database
/// replaced is kept beside it, named `<target>.before-restore-<stamp>`.
pub async fn restore_sqlite(backup: &Path, target: &Path, stamp: &str) -> Result<Restored, StoreError> {
    verify_sqlite(backup).await?;
    let previous = if target.exists() {
        // Fold the old database's write-ahead log into it, so the file kept
        // is whole on its own.
        let db = open_file(target, false).await?;
        let checkpoint = Statement::from_string(DbBackend::Sqlite, "PRAGMA wal_checkpoint(TRUNCATE)".to_owned());
        let result = db.query_one_raw(checkpoint).await;
        let _ = db.close().await;
        let busy: i64 = result?.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or(0);
        if busy != 0 {
            return Err(StoreError::Unavailable(format!(
                "{} is in use: stop every deskvisa process that uses it, then restore",
                target.display()
            )));
        }
        let kept = beside(target, &format!(".before-restore-{stamp}"));
        std::fs::rename(target, &kept).map_err(|e| io("cannot move aside", target, e))?;
        Some(kept)
    } else {
        None
    };
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(beside(target, suffix));
    }
    let staged = beside(target, ".restoring");
    std::fs::copy(backup, &staged).map_err(|e| io("cannot copy the backup to", &staged, e))?;
    std::fs::rename(&staged, target).map_err(|e| io("cannot move the backup to", target, e))?;
    let stays = verify_sqlite(target).await?;
    Ok(Restored { stays, previous })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_beside_keep_the_directory() {
        assert_eq!(beside(Path::new("var/deskvisa.sqlite"), "-wal"), PathBuf::from("var/deskvisa.sqlite-wal"));
        assert_eq!(beside(Path::new("db"), ".partial"), PathBuf::from("db.partial"));
    }
}
