//! Personal calendar feeds (issue 22): the hash of each feed's secret, whose
//! member it is, and whether it was revoked.

use chrono::{DateTime, Utc};
use deskvisa_rules::MemberId;
use sea_orm::FromQueryResult;

use crate::error::StoreError;
use crate::tx::{Store, Tx};

impl Tx {
    /// Makes `hash` the member's one live feed: any earlier one is revoked.
    pub async fn replace_calendar_feed(
        &self,
        member: MemberId,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.revoke_calendar_feeds(member, now).await?;
        self.run(
            "INSERT INTO calendar_feeds (id, member_id, token_hash, created_at) VALUES ($1, $2, $3, $4)",
            vec![uuid::Uuid::new_v4().into(), member.as_uuid().into(), hash.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    /// Revokes the member's live feeds; how many there were.
    pub async fn revoke_calendar_feeds(&self, member: MemberId, now: DateTime<Utc>) -> Result<u64, StoreError> {
        self.run(
            "UPDATE calendar_feeds SET revoked_at = $2 WHERE member_id = $1 AND revoked_at IS NULL",
            vec![member.as_uuid().into(), now.into()],
        )
        .await
    }
}

impl Store {
    /// The member whose live feed has this hash.
    pub async fn calendar_feed_member(&self, hash: &str) -> Result<Option<MemberId>, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            member_id: uuid::Uuid,
        }
        let statement = self.statement(
            "SELECT member_id FROM calendar_feeds WHERE token_hash = $1 AND revoked_at IS NULL",
            vec![hash.into()],
        );
        Ok(Row::find_by_statement(statement).one(self.reads()).await?.map(|r| MemberId::from_uuid(r.member_id)))
    }
}
