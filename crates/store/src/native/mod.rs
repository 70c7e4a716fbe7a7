//! Whole write transactions on SQLite's writer thread, through rusqlite.
//!
//! sqlx runs each SQLite statement as a round trip between the async task
//! and the connection's own thread; a stay request is some fifteen of them,
//! all queued behind the one writer. Here a write transaction is a closure
//! that runs start to end on the thread that owns the connection, with
//! prepared statements kept in its cache, and the group commit of
//! [`crate::group_commit`] kept: one hop per request.
//!
//! The statements are the store's own (the same SQL text and the same
//! sea-query builders as the async path); values are bound as sqlx binds
//! them, so a row written here reads the same through sqlx, and back.

mod stay_request;
mod values;

use rusqlite::Connection;
use sea_orm::Value;
use sea_orm::sea_query::{QueryStatementWriter, SqliteQueryBuilder};

use crate::error::StoreError;
use crate::tx::{Store, portable_sql};
use crate::writer_thread::control;
pub use values::NativeRow;

/// One write transaction on the writer thread (a savepoint of its batch).
/// Methods mirror [`crate::Tx`]'s for the transactions that run whole here.
pub struct NativeTx<'c> {
    pub(crate) connection: &'c Connection,
}

impl NativeTx<'_> {
    /// Runs raw SQL written with `$n` placeholders; the rows it changed.
    pub(crate) fn run(&self, sql: &str, values: &[Value]) -> Result<usize, StoreError> {
        self.change(&portable_sql(sea_orm::DbBackend::Sqlite, sql), values)
    }

    /// Rows of raw SQL written with `$n` placeholders, each read by `read`.
    pub(crate) fn rows<T>(
        &self,
        sql: &str,
        values: &[Value],
        read: impl FnMut(&NativeRow<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        self.select(&portable_sql(sea_orm::DbBackend::Sqlite, sql), values, read)
    }

    /// Runs a statement built with sea-query; the rows it changed.
    pub(crate) fn execute<S: QueryStatementWriter>(&self, statement: &S) -> Result<usize, StoreError> {
        let (sql, values) = statement.build(SqliteQueryBuilder);
        self.change(&sql, &values.0)
    }

    /// Rows of a statement built with sea-query, each read by `read`.
    pub(crate) fn query<S: QueryStatementWriter, T>(
        &self,
        statement: &S,
        read: impl FnMut(&NativeRow<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let (sql, values) = statement.build(SqliteQueryBuilder);
        self.select(&sql, &values.0, read)
    }

    /// Runs SQLite's own SQL through the statement cache.
    fn change(&self, sql: &str, values: &[Value]) -> Result<usize, StoreError> {
        let mut prepared = self.connection.prepare_cached(sql)?;
        Ok(prepared.execute(rusqlite::params_from_iter(values.iter().map(values::Bound)))?)
    }

    /// Reads SQLite's own SQL through the statement cache.
    fn select<T>(
        &self,
        sql: &str,
        values: &[Value],
        mut read: impl FnMut(&NativeRow<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut prepared = self.connection.prepare_cached(sql)?;
        let mut rows = prepared.query(rusqlite::params_from_iter(values.iter().map(values::Bound)))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(read(&NativeRow(row))?);
        }
        Ok(out)
    }

    /// Runs `part` in a savepoint of its own: its writes stay only when it
    /// returns `Ok(Ok(_))`; an inner `Err` undoes them and is handed back,
    /// as the rest of the transaction goes on.
    pub fn part<T, E>(
        &self,
        part: impl FnOnce() -> Result<Result<T, E>, StoreError>,
    ) -> Result<Result<T, E>, StoreError> {
        self.control("SAVEPOINT part")?;
        let result = part();
        if !matches!(result, Ok(Ok(_))) {
            self.control("ROLLBACK TO part")?;
        }
        self.control("RELEASE part")?;
        result
    }

    fn control(&self, sql: &str) -> Result<(), StoreError> {
        control(self.connection, sql)
    }
}

impl Store {
    /// Whether [`Store::write_whole`] runs here: on a SQLite file. Elsewhere
    /// the caller runs the same transaction through [`Store::begin_write`].
    pub fn writes_whole(&self) -> bool {
        self.writer().is_some_and(|writer| writer.runs_whole())
    }

    /// Runs a write transaction start to end on SQLite's writer thread: its
    /// writes are kept when `job` returns `Ok`, undone when it returns
    /// `Err`, and the answer comes once they are durable. Only where
    /// [`Store::writes_whole`] says so.
    pub async fn write_whole<T, F>(&self, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&NativeTx<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        match self.writer() {
            Some(writer) => writer.whole(move |connection| job(&NativeTx { connection })).await,
            None => Err(StoreError::Db("no writer thread on this database".to_owned())),
        }
    }
}

/// Classifies by SQLite's extended result code, as for sqlx's errors.
impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        let rusqlite::Error::SqliteFailure(failure, message) = &err else {
            return StoreError::Db(err.to_string());
        };
        let message = message.clone().unwrap_or_else(|| failure.to_string());
        match failure.extended_code {
            5 | 517 | 261 | 6 => StoreError::Retry(message),
            2067 | 1555 => StoreError::Unique(message),
            275 => StoreError::Check(message),
            787 => StoreError::ForeignKey(message),
            _ => StoreError::Db(err.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Statement};

    use crate::{DatabaseConfig, Store, StoreError, connect_store};

    async fn store(name: &str) -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("deskvisa-native-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store =
            connect_store(&DatabaseConfig::new(format!("sqlite://{}?mode=rwc", dir.join("w.sqlite").display())))
                .await
                .unwrap();
        store.write_whole(|tx| tx.run("CREATE TABLE t (n INTEGER NOT NULL)", &[]).map(|_| ())).await.unwrap();
        (store, dir)
    }

    async fn numbers(store: &Store) -> Vec<i64> {
        let rows = store
            .reads()
            .query_all_raw(Statement::from_string(sea_orm::DbBackend::Sqlite, "SELECT n FROM t ORDER BY n"))
            .await
            .unwrap();
        rows.iter().map(|r| r.try_get_by_index::<i64>(0).unwrap()).collect()
    }

    #[tokio::test]
    async fn a_job_that_fails_or_panics_leaves_nothing_and_the_thread_goes_on() {
        let (store, dir) = store("fails").await;
        assert!(store.writes_whole());
        store.write_whole(|tx| tx.run("INSERT INTO t VALUES (1)", &[])).await.unwrap();
        let failed = store
            .write_whole(|tx| {
                tx.run("INSERT INTO t VALUES (2)", &[])?;
                Err::<(), _>(StoreError::Check("refused".to_owned()))
            })
            .await;
        assert!(matches!(failed, Err(StoreError::Check(_))), "{failed:?}");
        let panicked = store
            .write_whole(|tx| {
                // A bug after a write: the write is undone, the caller told.
                if tx.run("INSERT INTO t VALUES (3)", &[])? == 1 {
                    panic!("a bug in a job");
                }
                Ok(())
            })
            .await;
        assert!(matches!(panicked, Err(StoreError::Db(_))), "{panicked:?}");
        let bad_sql = store.write_whole(|tx| tx.run("INSERT INTO nowhere VALUES (4)", &[])).await;
        assert!(bad_sql.is_err());
        store.write_whole(|tx| tx.run("INSERT INTO t VALUES (5)", &[])).await.unwrap();
        assert_eq!(numbers(&store).await, [1, 5]);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn jobs_and_pooled_writes_interleaved_all_land_with_no_busy_error() {
        let (store, dir) = store("interleaved").await;
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..60i64 {
            let store = store.clone();
            tasks.spawn(async move {
                if n % 2 == 0 {
                    store.write_whole(move |tx| tx.run("INSERT INTO t VALUES ($1)", &[n.into()]).map(|_| ())).await
                } else {
                    let tx = store.begin_write().await?;
                    tx.run("INSERT INTO t VALUES ($1)", vec![n.into()]).await?;
                    tx.commit().await
                }
            });
        }
        for result in tasks.join_all().await {
            result.unwrap();
        }
        assert_eq!(numbers(&store).await, (0..60).collect::<Vec<_>>());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn an_in_memory_database_has_no_writer_thread() {
        let store = connect_store(&DatabaseConfig::new("sqlite::memory:")).await.unwrap();
        assert!(!store.writes_whole());
    }
}
