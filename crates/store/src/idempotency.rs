//! Idempotency keys of stay requests, scoped to the member: a claim row
//! written before the request runs, linked to the stay inside the stay's own
//! transaction, and completed with the answer afterwards.

use chrono::{DateTime, TimeDelta, Utc};
use deskvisa_rules::{MemberId, StayId};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entity::idempotency_key;
use crate::error::StoreError;
use crate::tx::Tx;

/// A key whose first request died unanswered is free again after this.
pub const IN_FLIGHT_TIMEOUT: TimeDelta = TimeDelta::seconds(60);
/// Answers are replayed for this long.
pub const ANSWER_KEPT: TimeDelta = TimeDelta::hours(24);

/// What a key already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// The key was free: this request owns it now.
    Claimed,
    /// The first request with this key was answered: replay that answer.
    Answered {
        /// The request's hash, to compare bodies.
        request_hash: String,
        /// The status it got.
        status: u16,
        /// The body it got.
        body: String,
    },
    /// The first request created a stay but died before answering.
    Created {
        /// The request's hash.
        request_hash: String,
        /// The stay it created.
        stay: StayId,
    },
    /// The first request with this key is still running.
    InFlight {
        /// The request's hash.
        request_hash: String,
    },
}

impl Tx {
    /// Claims `key` for a request whose body hashes to `request_hash`, or
    /// says what holds it.
    pub async fn claim_key(
        &self,
        member: MemberId,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<KeyState, StoreError> {
        let existing = idempotency_key::Entity::find_by_id((member.as_uuid(), key.to_owned())).one(&self.tx).await?;
        if let Some(row) = existing {
            let answered_recently = row.completed_at.is_some_and(|at| now - at < ANSWER_KEPT);
            let stale = row.completed_at.is_some() && !answered_recently
                || row.completed_at.is_none() && row.stay_id.is_none() && now - row.created_at >= IN_FLIGHT_TIMEOUT;
            if !stale {
                return Ok(match (row.status_code, row.response_body, row.stay_id) {
                    (Some(status), Some(body), _) => KeyState::Answered {
                        request_hash: row.request_hash,
                        status: u16::try_from(status).unwrap_or(500),
                        body,
                    },
                    (_, _, Some(stay)) => {
                        KeyState::Created { request_hash: row.request_hash, stay: StayId::from_uuid(stay) }
                    }
                    _ => KeyState::InFlight { request_hash: row.request_hash },
                });
            }
            // Free again: take it over, unless another request just did.
            let taken = idempotency_key::Entity::update_many()
                .col_expr(idempotency_key::Column::RequestHash, Expr::value(request_hash))
                .col_expr(idempotency_key::Column::CreatedAt, Expr::value(now))
                .col_expr(idempotency_key::Column::StatusCode, Expr::value(Option::<i32>::None))
                .col_expr(idempotency_key::Column::ResponseBody, Expr::value(Option::<String>::None))
                .col_expr(idempotency_key::Column::CompletedAt, Expr::value(Option::<DateTime<Utc>>::None))
                .col_expr(idempotency_key::Column::StayId, Expr::value(Option::<uuid::Uuid>::None))
                .filter(idempotency_key::Column::MemberId.eq(member.as_uuid()))
                .filter(idempotency_key::Column::Key.eq(key))
                .filter(idempotency_key::Column::CreatedAt.eq(row.created_at))
                .exec(&self.tx)
                .await?
                .rows_affected;
            return Ok(if taken == 1 {
                KeyState::Claimed
            } else {
                KeyState::InFlight { request_hash: request_hash.to_owned() }
            });
        }
        self.insert_row(idempotency_key::ActiveModel {
            member_id: Set(member.as_uuid()),
            key: Set(key.to_owned()),
            request_hash: Set(request_hash.to_owned()),
            stay_id: Set(None),
            status_code: Set(None),
            response_body: Set(None),
            created_at: Set(now),
            completed_at: Set(None),
        })
        .await?;
        Ok(KeyState::Claimed)
    }

    /// Links the key to the stay its request created (in the stay's transaction).
    pub async fn link_key(&self, member: MemberId, key: &str, stay: StayId) -> Result<(), StoreError> {
        self.tx.execute(&key_link(member, key, stay)).await?;
        Ok(())
    }

    /// Records the answer the key's request got.
    pub async fn complete_key(
        &self,
        member: MemberId,
        key: &str,
        status: u16,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        idempotency_key::Entity::update_many()
            .col_expr(idempotency_key::Column::StatusCode, Expr::value(i32::from(status)))
            .col_expr(idempotency_key::Column::ResponseBody, Expr::value(body))
            .col_expr(idempotency_key::Column::CompletedAt, Expr::value(now))
            .filter(idempotency_key::Column::MemberId.eq(member.as_uuid()))
            .filter(idempotency_key::Column::Key.eq(key))
            .exec(&self.tx)
            .await?;
        Ok(())
    }

    /// Frees a key whose request failed on the server's side (5xx).
    pub async fn release_key(&self, member: MemberId, key: &str) -> Result<(), StoreError> {
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::MemberId.eq(member.as_uuid()))
            .filter(idempotency_key::Column::Key.eq(key))
            .filter(idempotency_key::Column::StayId.is_null())
            .exec(&self.tx)
            .await?;
        Ok(())
    }

    /// Deletes answers older than they are kept.
    pub async fn purge_keys(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::CompletedAt.lt(now - ANSWER_KEPT))
            .exec(&self.tx)
            .await?
            .rows_affected)
    }
}

/// The update that links a claimed key to the stay its request created.
pub(crate) fn key_link(member: MemberId, key: &str, stay: StayId) -> sea_orm::sea_query::UpdateStatement {
    use sea_orm::sea_query::ExprTrait as _;
    sea_orm::sea_query::Query::update()
        .table(idempotency_key::Entity)
        .value(idempotency_key::Column::StayId, stay.as_uuid())
        .and_where(Expr::col(idempotency_key::Column::MemberId).eq(member.as_uuid()))
        .and_where(Expr::col(idempotency_key::Column::Key).eq(key))
        .to_owned()
}
