//! API tokens: only a hash of each token is stored, so a copy of the
//! database gives no one a way in.

use chrono::{DateTime, Utc};
use deskvisa_rules::MemberId;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entity::api_token;
use crate::error::StoreError;
use crate::tx::Tx;

impl Tx {
    /// Stores a new token's hash for a member.
    pub async fn insert_token(
        &self,
        member: MemberId,
        token_hash: &str,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        api_token::Entity::insert(api_token::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            member_id: Set(member.as_uuid()),
            token_hash: Set(token_hash.to_owned()),
            label: Set(label.to_owned()),
            created_at: Set(now),
            revoked_at: Set(None),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// The member a live token belongs to.
    pub async fn token_member(&self, token_hash: &str) -> Result<Option<MemberId>, StoreError> {
        let row = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .filter(api_token::Column::RevokedAt.is_null())
            .one(&self.tx)
            .await?;
        Ok(row.map(|r| MemberId::from_uuid(r.member_id)))
    }
}
