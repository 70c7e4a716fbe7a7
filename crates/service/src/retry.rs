//! Retrying a whole transaction after a transient conflict (SQLite busy past
//! its timeout, PostgreSQL serialization failure or deadlock), with
//! exponential backoff and jitter. Never surfaced as a 500: after the last
//! attempt the answer is 503 Unavailable.

use std::future::Future;
use std::time::Duration;

use crate::error::{Attempt, AttemptError, ServiceError};

const ATTEMPTS: u32 = 6;

/// Runs `attempt` until it is done or the attempts run out.
pub(crate) async fn retrying<T, F, Fut>(what: &str, mut attempt: F) -> Result<T, ServiceError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    for n in 1..=ATTEMPTS {
        match attempt().await {
            Ok(done) => return Ok(done),
            Err(AttemptError::Final(err)) => return Err(err),
            Err(AttemptError::Transient(err)) => {
                tracing::debug!(what, attempt = n, error = %err, "transient conflict, trying again");
                let base = 5u64 << n.min(6);
                let jitter = u64::from(uuid::Uuid::new_v4().as_u128() as u16) % base;
                tokio::time::sleep(Duration::from_millis(base + jitter)).await;
            }
        }
    }
    tracing::warn!(what, "gave up after {ATTEMPTS} transient conflicts");
    Err(ServiceError::Unavailable)
}
