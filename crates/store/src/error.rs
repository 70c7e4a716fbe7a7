//! Where the database meets the service: database errors classified into what
//! the service can act on. Busy, serialization and deadlock failures are
//! retried; constraint violations become conflicts; nothing here ever reaches
//! a client as a stack trace or SQL text.

use std::ops::Deref;

use sea_orm::{DbErr, RuntimeErr};

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A transient conflict (SQLite busy, PostgreSQL serialization failure or
    /// deadlock): the whole transaction may be tried again.
    #[error("transient conflict, retry: {0}")]
    Retry(String),
    /// A unique key already exists.
    #[error("unique constraint violated: {0}")]
    Unique(String),
    /// A CHECK constraint refused the write (a backstop invariant).
    #[error("check constraint violated: {0}")]
    Check(String),
    /// A row points at a row that does not exist, or is still pointed at.
    #[error("foreign key violated: {0}")]
    ForeignKey(String),
    /// The database cannot be reached or no connection is free.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A stored value is not what the schema promises.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Any other database error, as the driver worded it.
    #[error("database error: {0}")]
    Db(String),
}

impl StoreError {
    /// Whether trying the transaction again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Retry(_))
    }
}

/// Classifies by SQLSTATE (PostgreSQL) or extended result code (SQLite).
impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        let database_error = match &err {
            DbErr::Exec(RuntimeErr::SqlxError(e))
            | DbErr::Query(RuntimeErr::SqlxError(e))
            | DbErr::Conn(RuntimeErr::SqlxError(e)) => match e.deref() {
                sea_orm::sqlx::Error::Database(db) => {
                    Some((db.code().map(|c| c.into_owned()), db.message().to_owned()))
                }
                sea_orm::sqlx::Error::PoolTimedOut | sea_orm::sqlx::Error::PoolClosed | sea_orm::sqlx::Error::Io(_) => {
                    return StoreError::Unavailable(e.to_string());
                }
                _ => None,
            },
            DbErr::ConnectionAcquire(e) => return StoreError::Unavailable(e.to_string()),
            DbErr::Conn(e) => return StoreError::Unavailable(e.to_string()),
            _ => None,
        };
        let Some((code, message)) = database_error else {
            return StoreError::Db(err.to_string());
        };
        match code.as_deref() {
            // SQLite BUSY, BUSY_SNAPSHOT, LOCKED; PostgreSQL serialization
            // failure, deadlock, lock not available.
            Some("5" | "517" | "261" | "6" | "40001" | "40P01" | "55P03") => StoreError::Retry(message),
            Some("2067" | "1555" | "23505") => StoreError::Unique(message),
            Some("275" | "23514") => StoreError::Check(message),
            Some("787" | "23503") => StoreError::ForeignKey(message),
            _ => StoreError::Db(err.to_string()),
        }
    }
}

/// A statement built with the wrong number of values: a bug, reported as such.
pub(crate) fn statement_error(err: sea_orm::sea_query::error::Error) -> StoreError {
    StoreError::Db(format!("statement: {err}"))
}
