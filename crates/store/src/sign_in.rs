//! Sign-in tokens and sessions. Only hashes are stored: a sign-in token's
//! hash is written when the email carrying it goes out (the token exists
//! nowhere else but in that email), a session's when it starts. Consuming a
//! token is one conditional update, so a token works once, however many
//! instances race for it.

use chrono::{DateTime, Utc};
use deskvisa_rules::MemberId;
use sea_orm::ConnectionTrait;

use crate::error::StoreError;
use crate::map::{MemberRecord, Role};
use crate::tx::{Store, Tx};

impl Tx {
    /// A new sign-in token for `member`, valid until `expires_at`. Its hash
    /// comes when its email is written (`None` here), or at once for a link
    /// handed out directly (the operator's first sign-in link).
    pub async fn insert_sign_in_token(
        &self,
        id: uuid::Uuid,
        member: MemberId,
        token_hash: Option<&str>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO sign_in_tokens (id, member_id, token_hash, created_at, expires_at, used_at) \
             VALUES ($1, $2, $3, $4, $5, NULL)",
            vec![
                id.into(),
                member.as_uuid().into(),
                token_hash.map(str::to_owned).into(),
                now.into(),
                expires_at.into(),
            ],
        )
        .await
        .map(drop)
    }

    /// Uses up the live, unused token with this hash: its member, for
    /// exactly one caller.
    pub async fn consume_sign_in_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<MemberId>, StoreError> {
        let statement = self.statement(
            "UPDATE sign_in_tokens SET used_at = $2 \
              WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING member_id",
            [token_hash.into(), now.into()],
        );
        let row = self.tx.query_one_raw(statement).await?;
        Ok(row.map(|r| r.try_get_by_index::<uuid::Uuid>(0)).transpose()?.map(MemberId::from_uuid))
    }

    /// Starts a session for `member`.
    pub async fn insert_session(
        &self,
        member: MemberId,
        token_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO sessions (id, member_id, token_hash, created_at, expires_at, ended_at) \
             VALUES ($1, $2, $3, $4, $5, NULL)",
            vec![
                uuid::Uuid::new_v4().into(),
                member.as_uuid().into(),
                token_hash.into(),
                now.into(),
                expires_at.into(),
            ],
        )
        .await
        .map(drop)
    }

    /// Ends the session with this hash; false when there was none live.
    pub async fn end_session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        self.end_live("UPDATE sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL", token_hash, now)
            .await
    }

    /// Revokes the API token with this hash; false when there was none live.
    pub async fn revoke_api_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        self.end_live(
            "UPDATE api_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
            token_hash,
            now,
        )
        .await
    }

    /// Runs `sql`, which ends at `$2` the live row whose hash is `$1`;
    /// whether there was one.
    async fn end_live(&self, sql: &str, token_hash: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self.run(sql, vec![token_hash.into(), now.into()]).await? == 1)
    }
}

/// Counts `$3` hits on a bucket's window; the hits so far, these included.
pub(crate) const HIT: &str = "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, $3) \
                              ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + $3 RETURNING hits";

impl Tx {
    /// Counts one hit on `bucket` in the window starting at `window_start`:
    /// the hits so far in it, this one included (one upsert, so concurrent
    /// instances never lose a hit).
    pub async fn hit(&self, bucket: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError> {
        self.hit_by(bucket, window_start, 1).await
    }

    /// Counts `n` hits at once (an import of `n` invitations, say): the hits
    /// so far in the window, these included.
    pub async fn hit_by(&self, bucket: &str, window_start: DateTime<Utc>, n: u32) -> Result<u32, StoreError> {
        let n = i32::try_from(n).unwrap_or(i32::MAX);
        let statement = self.statement(HIT, [bucket.into(), window_start.into(), n.into()]);
        let row = self.tx.query_one_raw(statement).await?;
        let hits = row.map(|r| r.try_get_by_index::<i32>(0)).transpose()?.unwrap_or(1);
        Ok(u32::try_from(hits).unwrap_or(u32::MAX))
    }

    /// Forgets rate-limit windows that began before `before`.
    pub async fn purge_rate_limits(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.run("DELETE FROM rate_limits WHERE window_start < $1", vec![before.into()]).await
    }
}

impl Store {
    /// Writes the hash of the token about to be emailed (a new one on every
    /// attempt: only the latest email's link works); the token's member and
    /// expiry, or `None` when it was used meanwhile.
    pub async fn set_sign_in_hash(
        &self,
        id: uuid::Uuid,
        token_hash: &str,
    ) -> Result<Option<(MemberId, DateTime<Utc>)>, StoreError> {
        let tx = self.begin_write().await?;
        let statement = tx.statement(
            "UPDATE sign_in_tokens SET token_hash = $2 WHERE id = $1 AND used_at IS NULL \
             RETURNING member_id, expires_at",
            [id.into(), token_hash.into()],
        );
        let row = tx.tx.query_one_raw(statement).await?;
        let found = match row {
            Some(row) => Some((
                MemberId::from_uuid(row.try_get_by_index::<uuid::Uuid>(0)?),
                row.try_get_by_index::<DateTime<Utc>>(1)?,
            )),
            None => None,
        };
        tx.commit().await?;
        Ok(found)
    }

    /// The member of a live session, with their roles: one statement on the
    /// read pool.
    pub async fn session_holder(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(MemberRecord, Vec<Role>)>, StoreError> {
        let statement = self.statement(
            "SELECT m.*, r.role AS role FROM sessions s \
               JOIN members m ON m.id = s.member_id \
               LEFT JOIN member_roles r ON r.member_id = m.id \
              WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2",
            [token_hash.into(), now.into()],
        );
        let rows = self.reads().query_all_raw(statement).await?;
        crate::tokens::member_with_roles(&rows)
    }
}
