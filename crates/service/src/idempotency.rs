//! `Idempotency-Key` on stay requests (API.md, "Conventions"): the same key
//! with the same body gives the first answer again and creates nothing more;
//! with another body it is 422 `idempotency_key_reused`; while the first
//! request runs, 409 `idempotency_key_in_flight`; a key whose request died
//! unanswered is free after 60 seconds; answers other than 5xx are kept 24
//! hours.

use deskvisa_store::{KeyState, StayRecord};

use crate::Service;
use crate::caller::Caller;
use crate::conflict::Conflict;
use crate::error::ServiceError;

/// What to do with a request that carries a key.
#[derive(Debug)]
pub enum KeyedAnswer {
    /// The key is this request's: run it, then finish the key.
    Run,
    /// Answer again what the first request got.
    Replay {
        /// Its status.
        status: u16,
        /// Its body.
        body: String,
    },
    /// The first request created this stay but died before answering:
    /// answer it as created.
    Created(Box<StayRecord>),
}

fn reused() -> ServiceError {
    Conflict::IdempotencyKeyReused.into()
}

impl Service {
    /// Claims `key` for the caller's request whose parsed body hashes to `request_hash`.
    pub async fn claim_idempotency_key(
        &self,
        caller: &Caller,
        key: &str,
        request_hash: &str,
    ) -> Result<KeyedAnswer, ServiceError> {
        // Two first requests with one key may both find it free; the one whose
        // insert loses reads the key again and finds it in flight.
        let mut attempts = 0;
        let state = loop {
            attempts += 1;
            let tx = self.store.begin_write().await?;
            match tx.claim_key(caller.member, key, request_hash, self.now()).await {
                Ok(state) => {
                    tx.commit().await?;
                    break state;
                }
                Err(deskvisa_store::StoreError::Unique(_)) if attempts < 3 => continue,
                Err(e) => return Err(e.into()),
            }
        };
        match state {
            KeyState::Claimed => Ok(KeyedAnswer::Run),
            KeyState::Answered { request_hash: first, status, body } if first == request_hash => {
                Ok(KeyedAnswer::Replay { status, body })
            }
            KeyState::Created { request_hash: first, stay } if first == request_hash => {
                Ok(KeyedAnswer::Created(Box::new(self.stay(caller, stay).await?)))
            }
            KeyState::InFlight { request_hash: first } if first == request_hash => {
                Err(Conflict::IdempotencyKeyInFlight.into())
            }
            _ => Err(reused()),
        }
    }

    /// Records the answer to a keyed request, or frees the key after a
    /// server-side failure (5xx) so that it may be tried again.
    pub async fn finish_idempotency_key(
        &self,
        caller: &Caller,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), ServiceError> {
        let tx = self.store.begin_write().await?;
        if status >= 500 {
            tx.release_key(caller.member, key).await?;
        } else {
            tx.complete_key(caller.member, key, status, body, self.now()).await?;
        }
        Ok(tx.commit().await?)
    }

    /// Deletes answers kept longer than 24 hours (the worker calls this).
    pub async fn purge_idempotency_keys(&self) -> Result<u64, ServiceError> {
        let tx = self.store.begin_write().await?;
        let purged = tx.purge_keys(self.now()).await?;
        tx.commit().await?;
        Ok(purged)
    }
}

/// The hash a request body is compared by: SHA-256 of its canonical JSON
/// (parsed, object keys in order), so that spacing and key order do not count.
pub fn request_hash(body: &serde_json::Value) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(body.to_string().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}
