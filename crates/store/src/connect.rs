//! Opening the database with the settings that the concurrency guarantees
//! rely on (measured in CONCURRENCY.md):
//!
//! - SQLite: WAL, `synchronous = FULL`, foreign keys on, a page cache of 32
//!   MiB and memory-mapped reads, a busy timeout of at
//!   least 5 s, and **one** connection by default, so writers queue fairly in
//!   the pool instead of polling the file lock (several writer connections
//!   gave long tails and "database is locked").
//! - PostgreSQL: a small pool (the server allows 100 connections in all).

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::tx::Store;
use crate::writer_thread::{NativeConfig, NativeWriter};

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:` URLs.
    Sqlite,
    /// `postgres:` and `postgresql:` URLs.
    Postgres,
}

impl Backend {
    /// The backend of a database URL.
    pub fn of(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// How to reach the database.
#[derive(Clone)]
pub struct DatabaseConfig {
    /// `sqlite://var/deskvisa.sqlite?mode=rwc` or `postgres://user@host/db`.
    pub url: String,
    /// Pool size (SQLite: 1 is best; PostgreSQL: keep it small).
    pub max_connections: u32,
    /// SQLite files only: connections kept for read-only transactions
    /// (0: reads share the writer's pool).
    pub readers: u32,
    /// How long a SQLite writer waits for the lock before giving up.
    pub busy_timeout: Duration,
    /// How long a caller waits for a pooled connection.
    pub acquire_timeout: Duration,
}

impl DatabaseConfig {
    /// The defaults for a URL: one connection on SQLite, eight on PostgreSQL.
    pub fn new(url: impl Into<String>) -> Self {
        let url = url.into();
        let max_connections = match Backend::of(&url) {
            Some(Backend::Postgres) => 8,
            _ => 1,
        };
        DatabaseConfig {
            url,
            max_connections,
            readers: 4,
            busy_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// The URL's password, if any, never reaches a log line.
impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &redact(&self.url))
            .field("max_connections", &self.max_connections)
            .field("readers", &self.readers)
            .field("busy_timeout", &self.busy_timeout)
            .field("acquire_timeout", &self.acquire_timeout)
            .finish()
    }
}

/// `postgres://user:secret@host/db` becomes `postgres://user:***@host/db`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// Opening the database failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL names no database deskvisa supports.
    #[error("unsupported database URL `{0}` (use sqlite:// or postgres://)")]
    UnsupportedUrl(String),
    /// The database did not answer, or its schema could not be brought up to date.
    #[error("cannot open the database: {0}")]
    Db(String),
}

impl From<sea_orm::DbErr> for ConnectError {
    fn from(err: sea_orm::DbErr) -> Self {
        ConnectError::Db(err.to_string())
    }
}

/// Opens a pool with the settings above.
pub(crate) async fn connect(config: &DatabaseConfig) -> Result<DatabaseConnection, ConnectError> {
    let backend = Backend::of(&config.url).ok_or_else(|| ConnectError::UnsupportedUrl(redact(&config.url)))?;
    let mut options = ConnectOptions::new(config.url.clone());
    options.max_connections(config.max_connections).acquire_timeout(config.acquire_timeout).sqlx_logging(false);
    if backend == Backend::Sqlite {
        let busy_timeout = config.busy_timeout;
        options
            // A health check per acquire cost ~18 % on SQLite and buys nothing
            // for a file on the same machine.
            .test_before_acquire(false)
            .map_sqlx_sqlite_opts(move |o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(busy_timeout)
                    .create_if_missing(true)
                    // Reports scan indexes of some megabytes: a page cache of
                    // 32 MiB per connection and reads through a memory map
                    // (shared with the OS cache, no read call per page) keep
                    // them off the disk path (R1: a year's ledger 4x faster).
                    .pragma("cache_size", "-32768")
                    .pragma("mmap_size", "268435456")
            });
    }
    if backend == Backend::Postgres {
        // PostgreSQL compiles a statement it costs high (a year's ledger of
        // a large network: the medians, some hundred thousand index rows)
        // before running it: 0.1 s each, more than the run it sped up.
        options.map_sqlx_postgres_opts(|o| o.options([("jit", "off")]));
    }
    tracing::debug!(config = ?config, "opening the database");
    Ok(Database::connect(options).await?)
}

/// Opens the store: on a SQLite file, one pool that writes and one of
/// `readers` connections that read; elsewhere, one pool for both.
pub async fn connect_store(config: &DatabaseConfig) -> Result<Store, ConnectError> {
    let db = connect(config).await?;
    let in_memory = config.url.contains(":memory:") || config.url.contains("mode=memory");
    if Backend::of(&config.url) != Some(Backend::Sqlite) || in_memory || config.readers == 0 {
        return Ok(Store::new(db));
    }
    let readers = DatabaseConfig { max_connections: config.readers, ..config.clone() };
    let reads = connect(&readers).await?;
    let native = match sqlite_file(&config.url) {
        Some(path) => {
            let native =
                NativeConfig { path, busy_timeout: config.busy_timeout, acquire_timeout: config.acquire_timeout };
            Some(NativeWriter::start(&native).map_err(|e| ConnectError::Db(e.to_string()))?)
        }
        None => None,
    };
    Ok(Store::with_readers(db, reads, config.readers, native))
}

/// The file behind a `sqlite://` URL, if it names one (not `:memory:`).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next().filter(|p| !p.is_empty() && *p != ":memory:")?;
    Some(std::path::PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Statement};

    #[test]
    fn the_backend_follows_the_url_scheme() {
        assert_eq!(Backend::of("sqlite://var/x.sqlite"), Some(Backend::Sqlite));
        assert_eq!(Backend::of("postgresql://h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of("mysql://h/db"), None);
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let config = DatabaseConfig::new("postgres://app:s3cret@db.internal/deskvisa");
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("postgres://app:***@db.internal/deskvisa"));
    }

    #[tokio::test]
    async fn a_new_sqlite_file_is_created_in_wal_mode_with_foreign_keys() {
        let dir = std::env::temp_dir().join(format!("deskvisa-connect-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("fresh.sqlite");
        let _ = std::fs::remove_file(&path);
        let db = connect(&DatabaseConfig::new(format!("sqlite://{}", path.display()))).await.unwrap();
        let pragma = |sql: &'static str| {
            let db = db.clone();
            async move {
                let row =
                    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
                row.try_get_by_index::<String>(0)
                    .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                    .unwrap()
            }
        };
        assert_eq!(pragma("PRAGMA journal_mode").await, "wal");
        assert_eq!(pragma("PRAGMA foreign_keys").await, "1");
        assert_eq!(pragma("PRAGMA busy_timeout").await, "5000");
        assert_eq!(pragma("PRAGMA cache_size").await, "-32768");
        assert!(path.exists());
        drop(db);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn an_unsupported_url_is_refused_with_its_password_hidden() {
        let err = connect(&DatabaseConfig::new("mysql://u:pw@h/db")).await.unwrap_err();
        assert_eq!(err.to_string(), "unsupported database URL `mysql://u:***@h/db` (use sqlite:// or postgres://)");
    }
}
