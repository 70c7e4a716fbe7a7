//! # deskvisa-service: the use cases
//!
//! Each use case is one transaction: load a snapshot through the store, let
//! the rules decide, write the decision and its emails (to the outbox), or
//! nothing. The worker that delivers emails and settles answer deadlines
//! lives here too. Time enters only through a [`Clock`], so tests fix it.
//!
//! The use cases arrive with the stays service; this crate already holds the
//! clock and the readiness check that the HTTP layer needs.

mod clock;

pub use clock::{Clock, ManualClock, SystemClock};
pub use deskvisa_store::DatabaseConnection;

use std::sync::Arc;

/// A use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The database did not answer.
    #[error("the database is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The use cases, over one database and one clock.
#[derive(Clone)]
pub struct Service {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl Service {
    /// The service over `db`, telling time by `clock`.
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        Service { db, clock }
    }

    /// The instant it is now.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Whether the database answers.
    pub async fn ready(&self) -> Result<(), ServiceError> {
        self.db
            .ping()
            .await
            .map_err(|e| ServiceError::Unavailable(Box::new(e)))
    }
}
