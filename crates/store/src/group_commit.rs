//! Group commit for SQLite's one writer connection.
//!
//! A durable SQLite commit waits for the disk (`synchronous = FULL`), and one
//! connection writes at a time, so writes queued behind each other would each
//! wait for their own flush. Instead, the writer keeps one transaction open
//! while writes are queued: each write runs in a savepoint of it (released on
//! success, rolled back on failure, exactly as a transaction of its own), and
//! the transaction commits, durably, when nobody is waiting any more (or the
//! batch is full). Every write of the batch gets its answer only after that
//! commit, so an answer never announces something that is not on disk, and
//! readers (other connections) only ever see committed batches.
//!
//! What each write sees is what it would see alone: the writes before it, in
//! the order they took the writer. If the commit itself fails (the disk is
//! full, say), every write of the batch is told to try again.
//!
//! On a SQLite file a second writer shares the lock: the writer thread of
//! [`crate::writer_thread`], which runs whole transactions (the stay request's) on
//! its own rusqlite connection with its own group commit. The two never hold
//! a transaction open at once: a job for the thread is sent only while this
//! writer is held with no batch open (one left open is committed first), and
//! a batch here begins only once the thread has committed every job sent to
//! it, so neither waits on the file lock's busy timeout.
//!
//! PostgreSQL needs none of this: it runs writers side by side and already
//! commits concurrent transactions together.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use crate::error::StoreError;
use crate::writer_thread::NativeWriter;

/// The most writes one commit covers.
const MAX_BATCH: usize = 64;

/// How a batch ended: committed, or the reason it did not.
type Outcome = Option<Result<(), String>>;

/// The writer: the open batch, if any, and how many writes wait for it.
pub(crate) struct Writer {
    db: DatabaseConnection,
    batch: Arc<Mutex<Option<Batch>>>,
    waiting: AtomicUsize,
    acquire_timeout: Duration,
    /// The thread that runs whole transactions (SQLite files only).
    native: Option<NativeWriter>,
}

/// One open transaction and the writes that joined it.
struct Batch {
    tx: DatabaseTransaction,
    joined: usize,
    outcome: watch::Sender<Outcome>,
}

/// A write's place in a batch: it holds the writer until it is released.
pub(crate) struct Slot {
    writer: Arc<Writer>,
    guard: Option<OwnedMutexGuard<Option<Batch>>>,
    outcome: watch::Receiver<Outcome>,
}

impl Writer {
    pub(crate) fn new(db: DatabaseConnection, acquire_timeout: Duration, native: Option<NativeWriter>) -> Arc<Writer> {
        Arc::new(Writer {
            db,
            batch: Arc::new(Mutex::new(None)),
            waiting: AtomicUsize::new(0),
            acquire_timeout,
            native,
        })
    }

    /// Whether whole transactions run on a writer thread.
    pub(crate) fn runs_whole(&self) -> bool {
        self.native.is_some()
    }

    /// Runs `job` whole on the writer thread, in arrival order with this
    /// writer's other writes; its answer comes once it is durable.
    pub(crate) async fn whole<T, F>(&self, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let Some(native) = &self.native else {
            return Err(StoreError::Db("no writer thread on this database".to_owned()));
        };
        let place = native.place().await?;
        let Ok(mut guard) = tokio::time::timeout(self.acquire_timeout, self.batch.clone().lock_owned()).await else {
            return Err(StoreError::Unavailable("the database writer is busy".to_owned()));
        };
        // A batch left open for a write that went elsewhere: commit it first.
        if let Some(batch) = guard.take() {
            commit(batch).await;
        }
        let answered = native.send(place, job)?;
        drop(guard);
        answered.await.map_err(|_| StoreError::Retry("the writer thread ended without an answer".to_owned()))?
    }

    /// Takes the writer (in arrival order), opens a batch if none is open,
    /// and begins a savepoint in it for one write.
    pub(crate) async fn begin(self: &Arc<Writer>) -> Result<(DatabaseTransaction, Slot), StoreError> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let taken = tokio::time::timeout(self.acquire_timeout, self.batch.clone().lock_owned()).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let Ok(mut guard) = taken else {
            // Whoever holds the writer commits when done; make sure of it.
            self.flush_later();
            return Err(StoreError::Unavailable("the database writer is busy".to_owned()));
        };
        if guard.is_none() {
            // The writer thread's jobs go first (see the module's note).
            if let Some(native) = &self.native
                && native.in_flight() > 0
            {
                native.barrier().await?;
            }
            let tx = begin_write_transaction(&self.db).await?;
            *guard = Some(Batch { tx, joined: 0, outcome: watch::channel(None).0 });
        }
        let Some(batch) = guard.as_mut() else {
            return Err(StoreError::Corrupt("no open batch".to_owned()));
        };
        let outcome = batch.outcome.subscribe();
        let savepoint = match batch.tx.begin().await {
            Ok(savepoint) => savepoint,
            Err(err) => {
                // The batch's transaction is broken: end it, and tell its writes.
                if let Some(batch) = guard.take() {
                    let _ = batch.outcome.send(Some(Err(err.to_string())));
                }
                return Err(err.into());
            }
        };
        Ok((savepoint, Slot { writer: self.clone(), guard: Some(guard), outcome }))
    }

    /// Commits the open batch, if any, once the writer is free and nobody
    /// is queued to add to it (used when a write gives up its place).
    fn flush_later(self: &Arc<Writer>) {
        let writer = self.clone();
        tokio::spawn(async move {
            let mut guard = writer.batch.clone().lock_owned().await;
            if writer.waiting.load(Ordering::SeqCst) == 0
                && let Some(batch) = guard.take()
            {
                commit(batch).await;
            }
        });
    }
}

/// Begins a transaction that will write: `IMMEDIATE` on SQLite (a deferred
/// one that reads and then writes fails at once with "database is locked",
/// ignoring the busy timeout); on PostgreSQL at its default, READ COMMITTED,
/// the level that was measured safe (and free of 40001 errors) with guarded
/// updates.
pub(crate) async fn begin_write_transaction(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    })
    .await
}

/// Commits a batch and tells each of its writes how it went.
async fn commit(batch: Batch) {
    let result = batch.tx.commit().await.map_err(|e| e.to_string());
    if let Err(err) = &result {
        tracing::warn!(error = %err, writes = batch.joined, "a batch of writes did not commit");
    }
    let _ = batch.outcome.send(Some(result));
}

impl Slot {
    /// The write's savepoint was released: it joins the batch, and answers
    /// once the batch is durable. The last write in line commits it.
    pub(crate) async fn committed(mut self) -> Result<(), StoreError> {
        if let Some(mut guard) = self.guard.take() {
            let commit_now = match guard.as_mut() {
                Some(batch) => {
                    batch.joined += 1;
                    batch.joined >= MAX_BATCH || self.writer.waiting.load(Ordering::SeqCst) == 0
                }
                None => false,
            };
            if commit_now && let Some(batch) = guard.take() {
                // Its own task: a caller that goes away cannot leave the
                // batch half-committed.
                tokio::spawn(async move {
                    commit(batch).await;
                    drop(guard);
                });
            }
        }
        let outcome = self
            .outcome
            .wait_for(Option::is_some)
            .await
            .map_err(|_| StoreError::Retry("the batch of writes ended without an outcome".to_owned()))?
            .clone();
        match outcome {
            Some(Ok(())) => Ok(()),
            Some(Err(err)) => Err(StoreError::Retry(format!("the batch of writes did not commit: {err}"))),
            None => Err(StoreError::Retry("the batch of writes ended without an outcome".to_owned())),
        }
    }
}

/// A write that ends without committing (an error, a refusal, a panic, a
/// caller that went away) gives its place up; its savepoint, dropped first,
/// is rolled back. If nobody waits to continue the batch, it is committed.
impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(guard) = self.guard.take() {
            drop(guard);
            if self.writer.waiting.load(Ordering::SeqCst) == 0 {
                self.writer.flush_later();
            }
        }
    }
}
