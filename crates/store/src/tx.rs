//! Transactions. On SQLite every write runs in a savepoint of a batch that
//! commits as a group (see [`crate::group_commit`]), begun `IMMEDIATE` (a
//! deferred transaction that reads and then writes fails at once with
//! "database is locked", ignoring the busy timeout); PostgreSQL runs each
//! write in a transaction of its own at READ COMMITTED, where the guarded
//! updates are safe and losers see `no_capacity`, not 40001.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sea_orm::sea_query::{InsertStatement, IntoIden, IntoTableRef, OnConflict, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    FromQueryResult, IdenStatic, Iterable, PrimaryKeyToColumn, Statement, TransactionTrait, Value,
};

use crate::error::{StoreError, statement_error};
use crate::group_commit::{Slot, Writer, begin_write_transaction};
use crate::writer_thread::NativeWriter;

/// The database, for the service: a pool for transactions that write and
/// one for those that only read. On PostgreSQL they are the same pool; on a
/// SQLite file the readers are connections of their own, which WAL lets read
/// while the one writer writes, so reads never queue behind writes.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    reads: DatabaseConnection,
    /// SQLite's group-committing writer (none on PostgreSQL).
    writer: Option<Arc<Writer>>,
    /// How many commits changed the network's map ([`Store::map_changes`]).
    map_changes: Arc<AtomicU64>,
    /// Second connections lent to reports read in two halves
    /// ([`Store::begin_read_pair`]): bounded, so reports cannot take the
    /// pool between them, each holding one connection and waiting for
    /// another.
    pairs: Arc<tokio::sync::Semaphore>,
}

/// Reports read in two halves at once, at most ([`Store::begin_read_pair`]).
const PAIRS: usize = 2;

/// SQLite readers left to the pages while reports are read in halves: a
/// report's two take no more than the readers beyond these.
const READERS_KEPT: u32 = 2;

impl Store {
    /// Opens the store `config` names: see [`crate::connect_store`].
    pub async fn open(config: &crate::DatabaseConfig) -> Result<Store, crate::ConnectError> {
        crate::connect_store(config).await
    }

    /// A store whose reads and writes share one pool.
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        let sqlite = db.get_database_backend() == DbBackend::Sqlite;
        // One SQLite connection for both (in memory): no second half.
        Store::build(db.clone(), db, None, if sqlite { 0 } else { PAIRS })
    }

    /// A store with a pool of its own for read-only transactions (`readers`
    /// connections, on a SQLite file), and the thread that runs whole
    /// write transactions there.
    pub(crate) fn with_readers(
        db: DatabaseConnection,
        reads: DatabaseConnection,
        readers: u32,
        native: Option<NativeWriter>,
    ) -> Self {
        let pairs = usize::try_from(readers.saturating_sub(READERS_KEPT) / 2).unwrap_or(0).min(PAIRS);
        Store::build(db, reads, native, pairs)
    }

    fn build(db: DatabaseConnection, reads: DatabaseConnection, native: Option<NativeWriter>, pairs: usize) -> Self {
        let writer = (db.get_database_backend() == DbBackend::Sqlite)
            .then(|| Writer::new(db.clone(), std::time::Duration::from_secs(10), native));
        Store { db, reads, writer, map_changes: Arc::default(), pairs: Arc::new(tokio::sync::Semaphore::new(pairs)) }
    }

    /// How many commits through this store changed the network's map (a
    /// cluster, a site or a host policy written, or a migration applied):
    /// a copy of the map read before the count moved is stale.
    pub fn map_changes(&self) -> u64 {
        self.map_changes.load(Ordering::Acquire)
    }

    /// Counts a change of the map made outside a transaction's commit.
    pub(crate) fn count_map_change(&self) {
        self.map_changes.fetch_add(1, Ordering::AcqRel);
    }

    /// SQLite's writer (none on PostgreSQL).
    pub(crate) fn writer(&self) -> Option<&Arc<Writer>> {
        self.writer.as_ref()
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        Ok(self.db.ping().await?)
    }

    /// The pool for writes (on SQLite, the one writer's connection).
    pub(crate) fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The pool for reads.
    pub(crate) fn reads(&self) -> &DatabaseConnection {
        &self.reads
    }

    /// Raw SQL written with `$n` placeholders, for this database.
    pub(crate) fn statement(&self, sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
        raw_statement(self.db_backend(), sql, values)
    }

    /// Which database this is.
    pub fn backend(&self) -> crate::Backend {
        match self.db.get_database_backend() {
            DbBackend::Postgres => crate::Backend::Postgres,
            _ => crate::Backend::Sqlite,
        }
    }

    /// Which database this is, as sea-orm names it.
    pub(crate) fn db_backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Begins a transaction that may write.
    pub async fn begin_write(&self) -> Result<Tx, StoreError> {
        if let Some(writer) = &self.writer {
            let (tx, slot) = writer.begin().await?;
            return Ok(self.tx(tx, Some(slot)));
        }
        let tx = begin_write_transaction(&self.db).await?;
        Ok(self.tx(tx, None))
    }

    /// Begins a read-only transaction (a consistent view across queries).
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        let tx = self.reads.begin().await?;
        Ok(self.tx(tx, None))
    }

    /// Begins a read-only transaction and, where it can, a second one that
    /// sees the database at the same moment, for a report whose parts are
    /// read side by side (the ledger of a large network: its costliest
    /// parts are each a few hundred milliseconds of one core). On
    /// PostgreSQL both are REPEATABLE READ and the second imports the
    /// first's snapshot (`SET TRANSACTION SNAPSHOT`, as `pg_dump --jobs`
    /// does). On a SQLite file both take their snapshot while the writer is
    /// held (see [`Store::sqlite_pair`]). While as many reports as the
    /// store allows are being read in halves ([`PAIRS`]; on SQLite as many
    /// as leave [`READERS_KEPT`] readers to the pages), or in memory, the
    /// next gets no second: then the report reads every part in the first.
    pub async fn begin_read_pair(&self) -> Result<(Tx, Option<Tx>), StoreError> {
        use sea_orm::{AccessMode, IsolationLevel};
        let Ok(permit) = Arc::clone(&self.pairs).try_acquire_owned() else {
            return Ok((self.begin_read().await?, None));
        };
        if self.db_backend() == DbBackend::Sqlite {
            let (first, mut second) = self.sqlite_pair().await?;
            second.pair = Some(permit);
            return Ok((first, Some(second)));
        }
        let begin = || self.reads.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly));
        let first = self.tx(begin().await?, None);
        #[derive(FromQueryResult)]
        struct Exported {
            snapshot: String,
        }
        let exported: Vec<Exported> = first.rows("SELECT pg_export_snapshot() AS snapshot", Vec::new()).await?;
        let snapshot = exported.into_iter().next().map(|e| e.snapshot).unwrap_or_default();
        // An id such as `00000003-0000001B-1`; checked, as it is written into the statement.
        if snapshot.is_empty() || !snapshot.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(StoreError::Corrupt(format!("PostgreSQL exported the snapshot {snapshot:?}")));
        }
        let mut second = self.tx(begin().await?, None);
        second.run(&format!("SET TRANSACTION SNAPSHOT '{snapshot}'"), Vec::new()).await?;
        second.pair = Some(permit);
        Ok((first, Some(second)))
    }

    /// Two SQLite read transactions at one moment. A read transaction in
    /// WAL mode takes its snapshot at its first read, not at `BEGIN`, and
    /// two connections cannot share one; but two snapshots taken while no
    /// commit can happen are the same. So the two readers are taken first
    /// (a report never holds the writer waiting for the pool), then a write
    /// transaction is begun and held: its batch's `BEGIN IMMEDIATE` holds
    /// the file's write lock, which keeps every writer out, this process's
    /// and any other's (a `deskvisa` command on the same file), and writes
    /// of its batch not yet committed are seen by neither. Each reader
    /// reads once, and the write is rolled back: the writer is held for two
    /// reads of the schema's first page.
    async fn sqlite_pair(&self) -> Result<(Tx, Tx), StoreError> {
        let first = self.begin_read().await?;
        let second = self.begin_read().await?;
        let hold = self.begin_write().await?;
        #[derive(FromQueryResult)]
        struct Read {
            #[allow(dead_code, reason = "read for the snapshot it takes, not for its value")]
            n: i64,
        }
        const FIRST_READ: &str = "SELECT COUNT(*) AS n FROM sqlite_schema WHERE type = 'table'";
        first.rows::<Read>(FIRST_READ, Vec::new()).await?;
        second.rows::<Read>(FIRST_READ, Vec::new()).await?;
        drop(hold);
        Ok((first, second))
    }

    fn tx(&self, tx: DatabaseTransaction, slot: Option<Slot>) -> Tx {
        let map = (Arc::clone(&self.map_changes), AtomicBool::new(false));
        Tx { tx, backend: self.db_backend(), slot, map, pair: None }
    }
}

/// One transaction. Dropping it without [`Tx::commit`] rolls it back, which
/// is what every error path does: after a failed statement, never commit.
pub struct Tx {
    // Dropped first: an uncommitted savepoint is rolled back before its
    // place in the batch is given up.
    pub(crate) tx: DatabaseTransaction,
    pub(crate) backend: DbBackend,
    slot: Option<Slot>,
    /// The store's count of the map's changes, and whether this
    /// transaction wrote a cluster, a site or a policy.
    map: (Arc<AtomicU64>, AtomicBool),
    /// The second of a pair holds its place among [`PAIRS`] until dropped.
    pair: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Tx {
    /// Makes every write of the transaction durable.
    /// On SQLite this releases the write's savepoint and waits for its
    /// batch to commit.
    pub async fn commit(self) -> Result<(), StoreError> {
        let Tx { tx, slot, map: (changes, touched), .. } = self;
        tx.commit().await?;
        if let Some(slot) = slot {
            slot.committed().await?;
        }
        // Once readers can see the change, not before: a copy read in
        // between would be kept as new.
        if touched.into_inner() {
            changes.fetch_add(1, Ordering::AcqRel);
        }
        Ok(())
    }

    /// This transaction writes a cluster, a site or a host policy: its
    /// commit counts a change of the network's map.
    pub(crate) fn map_changed(&self) {
        self.map.1.store(true, Ordering::Release);
    }

    /// Raw SQL written with `$n` placeholders, for this database.
    pub(crate) fn statement(&self, sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
        raw_statement(self.backend, sql, values)
    }

    /// Rows of raw SQL written with `$n` placeholders.
    pub(crate) async fn rows<T: FromQueryResult>(&self, sql: &str, values: Vec<Value>) -> Result<Vec<T>, StoreError> {
        let rows = self.tx.query_all_raw(self.statement(sql, values)).await?;
        rows.iter().map(|r| T::from_query_result(r, "").map_err(StoreError::from)).collect()
    }

    /// Runs raw SQL written with `$n` placeholders; the rows it changed.
    pub(crate) async fn run(&self, sql: &str, values: Vec<Value>) -> Result<u64, StoreError> {
        Ok(self.tx.execute_raw(self.statement(sql, values)).await?.rows_affected())
    }

    /// Inserts one row (`Unique` when it takes a unique key that is taken).
    pub(crate) async fn insert_row<A: ActiveModelTrait + Send>(&self, row: A) -> Result<(), StoreError> {
        A::Entity::insert(row).exec_without_returning(&self.tx).await?;
        Ok(())
    }

    /// Saves one row: inserts it or, where a row has its primary key, sets
    /// every other column of that row to the new values (one upsert).
    pub(crate) async fn save_row<A: ActiveModelTrait + Send>(&self, row: A) -> Result<(), StoreError> {
        let keys: Vec<_> = PrimaryKeyOf::<A>::iter().map(PrimaryKeyToColumn::into_column).collect();
        let others: Vec<_> = ColumnOf::<A>::iter().filter(|c| keys.iter().all(|k| k.as_str() != c.as_str())).collect();
        let upsert = OnConflict::columns(keys).update_columns(others).to_owned();
        A::Entity::insert(row).on_conflict(upsert).exec_without_returning(&self.tx).await?;
        Ok(())
    }

    /// Whether this is PostgreSQL (row locks) or SQLite (one writer at a time).
    pub(crate) fn is_postgres(&self) -> bool {
        self.backend == DbBackend::Postgres
    }
}

/// The columns of the table an active model is a row of.
type ColumnOf<A> = <<A as ActiveModelTrait>::Entity as EntityTrait>::Column;
/// The primary key of the table an active model is a row of.
type PrimaryKeyOf<A> = <<A as ActiveModelTrait>::Entity as EntityTrait>::PrimaryKey;

/// A statement of SQL written with `$n` placeholders, for `backend`.
pub(crate) fn raw_statement(backend: DbBackend, sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
    Statement::from_sql_and_values(backend, portable_sql(backend, sql), values)
}

/// An INSERT into `table` of one row per item of `rows`, each giving the
/// values of `columns` in their order.
pub(crate) fn insert_rows<T: IntoTableRef, C: IntoIden, const N: usize>(
    table: T,
    columns: [C; N],
    rows: impl IntoIterator<Item = [SimpleExpr; N]>,
) -> Result<InsertStatement, StoreError> {
    let mut insert = Query::insert();
    insert.into_table(table).columns(columns);
    for row in rows {
        insert.values(row).map_err(statement_error)?;
    }
    Ok(insert)
}

/// SQL written once with PostgreSQL's `$n` placeholders, for `backend`:
/// SQLite reads `?n` the same way. Only a `$` followed by a digit outside
/// quoted text and quoted names is a placeholder: a `$` inside `'...'` or
/// `"..."` is left as it is.
pub(crate) fn portable_sql(backend: DbBackend, text: &str) -> String {
    if backend == DbBackend::Postgres {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            // A doubled quote inside quotes is an escaped one: it opens and
            // closes at once, which this toggling reads the same way.
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '$') if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('?');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numbered_placeholders_outside_quotes_are_rewritten() {
        let sql = "SELECT '$1', \"a$2\", x FROM t WHERE a = $1 AND b = $12 AND c = 'it''s $3' AND d = '$'";
        assert_eq!(
            portable_sql(DbBackend::Sqlite, sql),
            "SELECT '$1', \"a$2\", x FROM t WHERE a = ?1 AND b = ?12 AND c = 'it''s $3' AND d = '$'"
        );
        assert_eq!(portable_sql(DbBackend::Postgres, sql), sql);
    }
}
