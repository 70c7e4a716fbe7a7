//! Sign-in by email link: a request queues a single-use link (valid 15
//! minutes) for a member who is not revoked, and answers the same whether
//! or not the address is known; following the link's form consumes it and
//! starts a session (web pages) or makes an API token (API clients).
//!
//! The token is drawn (256 bits, the OS's CSPRNG) when its email is
//! written, and only its SHA-256 is stored: the database never holds a raw
//! sign-in token, session id or API token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::TimeDelta;
use deskvisa_mail::{AccountKind, AccountMail};
use deskvisa_rules::{Email, MemberStatus};
use deskvisa_store::{MemberRecord, NewMail};
use serde::{Deserialize, Serialize};

use crate::Service;
use crate::caller::Caller;
use crate::error::ServiceError;
use crate::mail_events::to_member;
use crate::tokens::hash;

/// How long a sign-in link works (DOMAIN.md: at most 15 minutes).
pub const SIGN_IN_LINK_LIFETIME: TimeDelta = TimeDelta::minutes(15);

/// How long a session lasts without signing in again.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::days(30);

/// What the outbox keeps for an account email: which token row it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEvent {
    /// The sign-in token's id (never the token).
    pub token: uuid::Uuid,
}

/// The rate-limit bucket of the sign-in emails to one address.
pub(crate) fn address_bucket(email: &Email) -> String {
    format!("sign-in-address:{email}")
}

/// 256 bits from the OS's CSPRNG, URL-safe, with a prefix naming its use.
pub fn secret(prefix: &str) -> Result<String, ServiceError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ServiceError::Internal(format!("no randomness: {e}")))?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The email queuing a sign-in link of `kind` for `member`.
pub(crate) fn account_mail(kind: AccountKind, member: &MemberRecord, token: uuid::Uuid) -> NewMail {
    NewMail {
        kind: kind.kind(),
        recipient: to_member(member.id),
        // Serializing a uuid cannot fail.
        payload: serde_json::to_string(&AccountEvent { token }).unwrap_or_default(),
    }
}

/// How often people may ask for sign-in links; configuration, so tests and
/// benchmarks can raise them. Counters live in the database: every
/// instance counts the same hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Sign-in emails one address receives per hour; past it, requests are
    /// still answered 202 but nobody is mailed (nothing is revealed).
    pub sign_in_emails_per_address_per_hour: u32,
    /// Sign-in requests one client address may make per minute; past it, 429.
    pub sign_in_requests_per_client_per_minute: u32,
    /// Stay requests one member may make per hour, refused ones included;
    /// past it, 429.
    pub stay_requests_per_member_per_hour: u32,
    /// Invitations (welcome emails) one admin may send per hour, an
    /// import's rows counted one by one; past it, 429.
    pub invitations_per_admin_per_hour: u32,
    /// Welcome emails one address receives per day; past it, the member is
    /// still added, but not mailed again (nothing is revealed).
    pub invitations_per_address_per_day: u32,
    /// Invitation-letter verifications one client address may make per
    /// minute (`/verify/{code}`, no sign-in); past it, 429.
    pub letter_checks_per_client_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            sign_in_emails_per_address_per_hour: 5,
            sign_in_requests_per_client_per_minute: 20,
            stay_requests_per_member_per_hour: 30,
            invitations_per_admin_per_hour: 5000,
            invitations_per_address_per_day: 3,
            letter_checks_per_client_per_minute: 30,
        }
    }
}

impl Service {
    /// Counts `n` invitations by `caller` in this hour, in `tx`: past the
    /// limit, `RateLimited` (and `tx`, left, counts nothing).
    pub(crate) async fn count_invitations(
        &self,
        tx: &deskvisa_store::Tx,
        caller: &Caller,
        n: u32,
    ) -> Result<(), ServiceError> {
        if n == 0 {
            return Ok(());
        }
        let now = self.now();
        let hour = window_start(now, TimeDelta::hours(1));
        let sent = tx.hit_by(&format!("invitations:{}", caller.member), hour, n).await?;
        if sent > self.rate_limits.invitations_per_admin_per_hour {
            let retry_after = (hour + TimeDelta::hours(1) - now).num_seconds().max(1);
            return Err(ServiceError::RateLimited { retry_after_seconds: retry_after.unsigned_abs() });
        }
        Ok(())
    }

    /// The welcome email of an invited member, its sign-in link's token
    /// stored in `tx`; `None` when the address had its day's welcomes
    /// already (the member is added all the same, and nothing says so).
    pub(crate) async fn welcome(
        &self,
        tx: &deskvisa_store::Tx,
        member: &MemberRecord,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<NewMail>, ServiceError> {
        let day = window_start(now, TimeDelta::days(1));
        if tx.hit(&format!("invitation-address:{}", member.email), day).await?
            > self.rate_limits.invitations_per_address_per_day
        {
            tracing::info!(member = %member.id, "welcome emails to this address over the daily limit: not mailed");
            return Ok(None);
        }
        let token = uuid::Uuid::new_v4();
        tx.insert_sign_in_token(token, member.id, None, now, now + SIGN_IN_LINK_LIFETIME).await?;
        Ok(Some(account_mail(AccountKind::MemberInvited, member, token)))
    }
}

/// The start of the window of `length` that holds `now`.
pub(crate) fn window_start(now: chrono::DateTime<chrono::Utc>, length: TimeDelta) -> chrono::DateTime<chrono::Utc> {
    let step = length.num_seconds().max(1);
    let start = now.timestamp().div_euclid(step) * step;
    chrono::DateTime::from_timestamp(start, 0).unwrap_or(now)
}

impl Service {
    /// Queues a sign-in link for the member with this address, if there is
    /// one who is not revoked and the address is under its hourly limit;
    /// does nothing otherwise, and says nothing either way. `client` is the
    /// asking client's address: over its limit, `RateLimited`. Known and
    /// unknown addresses cost the same one write transaction, so the answer
    /// takes the same time.
    pub async fn request_sign_in(&self, email: &Email, client: Option<std::net::IpAddr>) -> Result<(), ServiceError> {
        let now = self.now();
        let limits = self.rate_limits;
        let minute = window_start(now, TimeDelta::minutes(1));
        let hour = window_start(now, TimeDelta::hours(1));
        let tx = self.store.begin_write().await?;
        if let Some(client) = client {
            let hits = tx.hit(&format!("sign-in-client:{client}"), minute).await?;
            if hits > limits.sign_in_requests_per_client_per_minute {
                tx.commit().await?;
                let retry_after = (minute + TimeDelta::minutes(1) - now).num_seconds().max(1);
                return Err(ServiceError::RateLimited { retry_after_seconds: retry_after.unsigned_abs() });
            }
        }
        let mailed = tx.hit(&address_bucket(email), hour).await?;
        let member = tx.member_by_email(email).await?;
        if let Some(member) = member.filter(|m| m.status != MemberStatus::Revoked) {
            if mailed <= limits.sign_in_emails_per_address_per_hour {
                let token = uuid::Uuid::new_v4();
                tx.insert_sign_in_token(token, member.id, None, now, now + SIGN_IN_LINK_LIFETIME).await?;
                tx.enqueue_mail(&[account_mail(AccountKind::SignIn, &member, token)], now).await?;
            } else {
                tracing::info!(member = %member.id, "sign-in emails over the hourly limit: not mailed");
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets rate-limit windows older than a day.
    pub async fn purge_rate_limits(&self) -> Result<u64, ServiceError> {
        let tx = self.store.begin_write().await?;
        let purged = tx.purge_rate_limits(self.now() - TimeDelta::days(1)).await?;
        tx.commit().await?;
        Ok(purged)
    }

    /// Writes an account email at delivery: draws its token and stores its
    /// hash. `None` when the link can no longer work (used, expired, or the
    /// member is gone or revoked).
    pub(crate) async fn compose_account(
        &self,
        kind: AccountKind,
        payload: &str,
    ) -> Result<Option<AccountMail>, ServiceError> {
        let Ok(event) = serde_json::from_str::<AccountEvent>(payload) else {
            return Ok(None);
        };
        let token = secret("sg_")?;
        let Some((member, expires_at)) = self.store.set_sign_in_hash(event.token, &hash(&token)).await? else {
            return Ok(None);
        };
        let now = self.now();
        if expires_at <= now {
            return Ok(None);
        }
        let tx = self.store.begin_read().await?;
        let Some(member) = tx.member(member).await? else {
            return Ok(None);
        };
        if member.status == MemberStatus::Revoked {
            return Ok(None);
        }
        let cluster = match member.cluster_id {
            Some(home) => tx.cluster(home).await?.map(|c| c.name).unwrap_or_default(),
            None => String::new(),
        };
        Ok(Some(AccountMail {
            kind,
            locale: member.locale.as_str().to_owned(),
            recipient_name: member.name.clone(),
            recipient_email: member.email.as_str().to_owned(),
            link: format!("{}/auth/verify?token={token}", self.public_url),
            sign_in_page: format!("{}/sign-in", self.public_url),
            cluster_name: cluster,
            valid_minutes: u32::try_from((expires_at - now).num_minutes().max(1)).unwrap_or(15),
        }))
    }

    /// Consumes a sign-in token: the member it was for (an invited member
    /// becomes active), or `Unauthenticated` when it is unknown, used,
    /// expired, or its member revoked.
    async fn consume(&self, token: &str) -> Result<(MemberRecord, deskvisa_store::Tx), ServiceError> {
        let now = self.now();
        let tx = self.store.begin_write().await?;
        let member = tx.consume_sign_in_token(&hash(token.trim()), now).await?.ok_or(ServiceError::Unauthenticated)?;
        let mut member = tx.member(member).await?.ok_or(ServiceError::Unauthenticated)?;
        match member.status {
            MemberStatus::Revoked => return Err(ServiceError::Unauthenticated),
            MemberStatus::Invited => {
                member.status = MemberStatus::Active;
                tx.update_member(&member, now).await?;
            }
            MemberStatus::Active => {}
        }
        Ok((member, tx))
    }

    /// Consumes a sign-in token and starts a session: the new session's
    /// secret (for the cookie, never stored) and the caller.
    pub async fn sign_in(&self, token: &str) -> Result<(String, Caller), ServiceError> {
        let (member, tx) = self.consume(token).await?;
        let session = secret("ss_")?;
        let now = self.now();
        tx.insert_session(member.id, &hash(&session), now, now + SESSION_LIFETIME).await?;
        let roles = tx.roles(member.id).await?;
        tx.commit().await?;
        Ok((session, Caller::new(&member, &roles)))
    }

    /// Consumes a sign-in token and makes an API token for its member.
    pub async fn sign_in_for_api(&self, token: &str) -> Result<(String, MemberRecord), ServiceError> {
        let (member, tx) = self.consume(token).await?;
        let api_token = secret("dv_")?;
        tx.insert_token(member.id, &hash(&api_token), "sign-in", self.now()).await?;
        tx.commit().await?;
        Ok((api_token, member))
    }

    /// The caller a session cookie speaks for, if the session is live and
    /// its member not revoked.
    pub async fn authenticate_session(&self, session: &str) -> Result<Caller, ServiceError> {
        Ok(self.session_member(session).await?.0)
    }

    /// [`Service::authenticate_session`] with the member's record, read in
    /// the same query (the web pages show the member's name and language).
    pub async fn session_member(&self, session: &str) -> Result<(Caller, MemberRecord), ServiceError> {
        let (member, roles) =
            self.store.session_holder(&hash(session), self.now()).await?.ok_or(ServiceError::Unauthenticated)?;
        if member.status == MemberStatus::Revoked {
            return Err(ServiceError::Unauthenticated);
        }
        Ok((Caller::new(&member, &roles), member))
    }

    /// Ends a session on the server.
    pub async fn end_session(&self, session: &str) -> Result<(), ServiceError> {
        let tx = self.store.begin_write().await?;
        tx.end_session(&hash(session), self.now()).await?;
        Ok(tx.commit().await?)
    }

    /// Revokes an API token.
    pub async fn revoke_api_token(&self, token: &str) -> Result<(), ServiceError> {
        let tx = self.store.begin_write().await?;
        tx.revoke_api_token(&hash(token), self.now()).await?;
        Ok(tx.commit().await?)
    }

    /// The address people reach deskvisa at.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }
}
