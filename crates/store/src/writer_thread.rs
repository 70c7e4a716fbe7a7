//! SQLite's writer thread: one rusqlite connection that runs whole write
//! transactions, given as closures, with group commit (the transactions
//! themselves are written against [`crate::NativeTx`], see `native/`).
//!
//! A job runs in a savepoint of the thread's open transaction (released when
//! it returns `Ok`, rolled back when it returns `Err`), and the thread keeps
//! taking queued jobs into the same transaction until none is waiting or the
//! batch is full; then it commits, durably (`synchronous = FULL`), and only
//! then hands each job its answer. So a request costs one hop to this thread
//! and back, not one per statement, and the disk's flush is shared.
//!
//! The thread owns its connection and never leaves a transaction open while
//! it waits for work: when [`NativeWriter::in_flight`] is zero, no
//! transaction of it is open. That is what the sqlx writer relies on to
//! share the file with it (see [`crate::group_commit`]).

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::error::StoreError;

/// The most jobs one commit covers (as the sqlx writer's batches).
const MAX_BATCH: usize = 64;
/// The most jobs queued for the thread at once; more wait for a place, up
/// to the acquire timeout, and are then told the database is busy.
const MAX_QUEUED: usize = 1024;
/// Prepared statements kept per connection: every distinct statement text
/// of the hot paths fits (the stay's rows differ by their count of days).
const STATEMENT_CACHE: usize = 128;

/// How a job's answer is delivered once its batch's commit is known.
type Deliver = Box<dyn FnOnce(&Result<(), String>) + Send>;
/// What a job hands back: whether its writes are kept, and its delivery.
type Ran = (bool, Deliver);
/// A job as the thread runs it: with the open transaction, or with none
/// when it could not begin (the job then only answers "try again").
type Job = Box<dyn FnOnce(Option<&Connection>) -> Ran + Send>;

enum Message {
    Job(Job),
    /// Answered once every job sent before it is committed.
    Barrier(oneshot::Sender<()>),
}

/// The handle to the writer thread (the thread ends when it is dropped).
pub(crate) struct NativeWriter {
    jobs: mpsc::Sender<Message>,
    in_flight: Arc<AtomicUsize>,
    places: Arc<Semaphore>,
    acquire_timeout: Duration,
}

/// How the thread opens its connection: the store's own settings.
#[derive(Debug, Clone)]
pub(crate) struct NativeConfig {
    pub path: PathBuf,
    pub busy_timeout: Duration,
    pub acquire_timeout: Duration,
}

impl NativeWriter {
    /// Opens the connection and starts the thread.
    pub(crate) fn start(config: &NativeConfig) -> Result<NativeWriter, StoreError> {
        let connection = open(config)?;
        let (jobs, queue) = mpsc::channel();
        let in_flight = Arc::new(AtomicUsize::new(0));
        let counted = in_flight.clone();
        std::thread::Builder::new()
            .name("deskvisa-writer".to_owned())
            .spawn(move || run(connection, &queue, &counted))
            .map_err(|e| StoreError::Unavailable(format!("the writer thread did not start: {e}")))?;
        Ok(NativeWriter {
            jobs,
            in_flight,
            places: Arc::new(Semaphore::new(MAX_QUEUED)),
            acquire_timeout: config.acquire_timeout,
        })
    }

    /// Jobs sent and not yet committed (or rolled back).
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// A place in the thread's queue, waiting up to the acquire timeout.
    pub(crate) async fn place(&self) -> Result<OwnedSemaphorePermit, StoreError> {
        match tokio::time::timeout(self.acquire_timeout, self.places.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(StoreError::Unavailable("the database writer is busy".to_owned())),
        }
    }

    /// Sends `job` to the thread; the answer arrives once it is durable.
    /// The caller holds the writer's lock (no sqlx batch is open).
    pub(crate) fn send<T, F>(
        &self,
        place: OwnedSemaphorePermit,
        job: F,
    ) -> Result<oneshot::Receiver<Result<T, StoreError>>, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |tx| {
            let result = match tx {
                Some(tx) => std::panic::catch_unwind(AssertUnwindSafe(|| job(tx)))
                    .unwrap_or_else(|_| Err(StoreError::Db("a write transaction panicked".to_owned()))),
                None => Err(StoreError::Retry("the write transaction could not begin".to_owned())),
            };
            let kept = result.is_ok();
            let deliver = move |committed: &Result<(), String>| {
                let answer_is = match (committed, result) {
                    (Ok(()), result) => result,
                    (Err(err), Ok(_)) => Err(StoreError::Retry(format!("the batch of writes did not commit: {err}"))),
                    (Err(_), Err(err)) => Err(err),
                };
                let _ = answer.send(answer_is);
                drop(place);
            };
            (kept, Box::new(deliver))
        });
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.jobs.send(Message::Job(job)).map_err(|_| {
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            StoreError::Unavailable("the database writer has stopped".to_owned())
        })?;
        Ok(answered)
    }

    /// Waits until every job sent so far is committed (the thread then holds
    /// no transaction open until the next job).
    pub(crate) async fn barrier(&self) -> Result<(), StoreError> {
        let (done, wait) = oneshot::channel();
        self.jobs
            .send(Message::Barrier(done))
            .map_err(|_| StoreError::Unavailable("the database writer has stopped".to_owned()))?;
        wait.await.map_err(|_| StoreError::Unavailable("the database writer has stopped".to_owned()))
    }
}

/// The connection, with the settings of [`crate::connect`]'s pool.
fn open(config: &NativeConfig) -> Result<Connection, StoreError> {
    let connection = Connection::open(&config.path)?;
    connection.busy_timeout(config.busy_timeout)?;
    connection.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -8192; PRAGMA mmap_size = 0; PRAGMA temp_store = MEMORY;",
    )?;
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(connection)
}

/// The thread: a batch per wake-up, committed before anyone hears of it.
fn run(connection: Connection, queue: &mpsc::Receiver<Message>, in_flight: &AtomicUsize) {
    let tx = &connection;
    while let Ok(message) = queue.recv() {
        let first = match message {
            Message::Barrier(done) => {
                let _ = done.send(());
                continue;
            }
            Message::Job(job) => job,
        };
        let mut barriers = Vec::new();
        let mut delivers = Vec::new();
        let begun = control(tx, "BEGIN IMMEDIATE").map_err(|e| e.to_string());
        if begun.is_ok() {
            let mut next = Some(first);
            while let Some(job) = next.take() {
                delivers.push(run_one(tx, job));
                if delivers.len() >= MAX_BATCH {
                    break;
                }
                match queue.try_recv() {
                    Ok(Message::Job(job)) => next = Some(job),
                    // Whoever waits for the barrier waits for this commit.
                    Ok(Message::Barrier(done)) => barriers.push(done),
                    Err(_) => {}
                }
            }
        } else {
            // The job never runs: it is told to try again.
            delivers.push(first(None).1);
        }
        let committed = begun.and_then(|()| {
            control(tx, "COMMIT").map_err(|e| {
                let _ = control(tx, "ROLLBACK");
                e.to_string()
            })
        });
        if let Err(err) = &committed {
            tracing::warn!(error = %err, writes = delivers.len(), "a batch of writes did not commit");
        }
        in_flight.fetch_sub(delivers.len(), Ordering::SeqCst);
        for deliver in delivers {
            deliver(&committed);
        }
        for done in barriers {
            let _ = done.send(());
        }
    }
}

/// One job in a savepoint of the open batch.
fn run_one(tx: &Connection, job: Job) -> Deliver {
    if let Err(err) = control(tx, "SAVEPOINT job") {
        tracing::warn!(error = %err, "a savepoint could not begin");
        return job(None).1;
    }
    let (kept, deliver) = job(Some(tx));
    let undone = if kept { Ok(()) } else { control(tx, "ROLLBACK TO job") };
    if let Err(err) = undone.and_then(|()| control(tx, "RELEASE job")) {
        tracing::warn!(error = %err, "a savepoint did not end");
    }
    deliver
}

/// A transaction-control statement (`SAVEPOINT`, `RELEASE` …), prepared
/// once: every job runs a few of them.
pub(crate) fn control(connection: &Connection, sql: &str) -> Result<(), StoreError> {
    connection.prepare_cached(sql)?.execute([])?;
    Ok(())
}
