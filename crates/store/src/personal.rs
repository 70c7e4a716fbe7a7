//! A member's personal data: everything the database holds about one member,
//! read out for an export, and the erasure that removes what identifies them
//! while keeping the anonymous visitor-days the reciprocity ledger counts.
//!
//! The records here are the export's format (they serialize as the JSON
//! `deskvisa member export` prints), so each field is named for a reader.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::MemberId;
use sea_orm::FromQueryResult;
use serde::Serialize;

use crate::error::StoreError;
use crate::outbox::member_recipient;
use crate::tx::Tx;

/// The member row.
#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct ProfileRecord {
    /// Their id.
    pub id: uuid::Uuid,
    /// Email address.
    pub email: String,
    pub name: String,
    /// Company.
    pub company: String,
    /// Language (`en`, `pl`).
    pub locale: String,
    /// Home cluster's id (none for network staff).
    pub cluster_id: Option<uuid::Uuid>,
    /// Home cluster's name (none for network staff).
    pub cluster_name: Option<String>,
    /// `invited`, `active` or `revoked`.
    pub status: String,
    /// The last date their cluster vouched for them.
    pub vouched_until: Option<NaiveDate>,
    /// Joined deskvisa at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// A stay the member requested.
#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct StayExport {
    /// The stay's id.
    pub id: uuid::Uuid,
    /// The site's id.
    pub site_id: uuid::Uuid,
    /// The site's name.
    pub site_name: String,
    /// The host cluster's name.
    pub host_cluster: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    pub status: String,
    /// What the member said the visit is for.
    pub purpose: String,
    /// The host's reason, when declined.
    pub decline_reason: Option<String>,
    /// The reason given, when cancelled.
    pub cancel_reason: Option<String>,
    /// Checked in by the host.
    pub checked_in: bool,
    /// Marked as a no-show by the host.
    pub no_show: bool,
    /// Requested at.
    pub created_at: DateTime<Utc>,
}

/// One move in a stay's history.
#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct StayHistoryExport {
    pub stay_id: uuid::Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// `member`, `host_admin` or `worker`.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// The status before.
    pub from_status: Option<String>,
    /// The status after.
    pub to_status: String,
    /// The reason given.
    pub reason: Option<String>,
}

/// A registration for a host's event.
#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct RegistrationExport {
    /// The event's id.
    pub event_id: uuid::Uuid,
    pub title: String,
    /// Its start, site-local (`YYYY-MM-DDTHH:MM`).
    pub starts_at: String,
    /// `registered`, `withdrawn`, ...
    pub status: String,
    /// Registered at.
    pub created_at: DateTime<Utc>,
    /// Ended at, when it has.
    pub ended_at: Option<DateTime<Utc>>,
}

/// An introduction the member asked for or was asked, and a firm they answer for.
#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct IntroductionExport {
    pub id: uuid::Uuid,
    /// `sent` (the member asked) or `received` (the member was asked).
    pub role: String,
    pub stay_id: uuid::Uuid,
    /// The firm asked.
    pub firm_name: String,
    /// `pending`, `accepted`, `declined` or `lapsed`.
    pub status: String,
    /// The visitor's note.
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// An invitation letter made for one of the member's stays (the PDF
/// itself is the member's to download from the stay).
#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct LetterExport {
    pub id: uuid::Uuid,
    pub stay_id: uuid::Uuid,
    /// The name as in their passport, as they gave it for the letter.
    pub passport_name: String,
    pub start_date: chrono::NaiveDate,
    pub end_date: chrono::NaiveDate,
    pub created_at: DateTime<Utc>,
    pub replaced_at: Option<DateTime<Utc>>,
}

/// A firm the member belongs to or answers for.
#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct FirmExport {
    pub id: uuid::Uuid,
    pub name: String,
    /// The member is its contact.
    pub contact: bool,
}

/// A credential's life: a session, a sign-in link or an API token (never the
/// secret, which the database does not hold either).
#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
pub struct CredentialExport {
    /// An API token's label; empty for sessions and links.
    pub label: String,
    /// Issued at.
    pub created_at: DateTime<Utc>,
    /// Stops working at (sessions and links).
    pub expires_at: Option<DateTime<Utc>>,
    /// Used, ended or revoked at.
    pub ended_at: Option<DateTime<Utc>>,
}

/// An email to the member.
#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct EmailExport {
    /// Its outbox id (the Message-ID is made from it).
    pub id: uuid::Uuid,
    pub kind: String,
    /// `pending`, `sent` or `dead`.
    pub status: String,
    /// Queued at.
    pub created_at: DateTime<Utc>,
    /// Sent at.
    pub sent_at: Option<DateTime<Utc>>,
}

/// An idempotency key the member's client sent.
#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct KeyExport {
    pub key: String,
    /// The stay it created.
    pub stay_id: Option<uuid::Uuid>,
    /// First seen at.
    pub created_at: DateTime<Utc>,
}

/// Everything the database holds about one member.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberData {
    /// The member row.
    pub profile: ProfileRecord,
    /// Roles held (`cluster_admin`, `network_admin`).
    pub roles: Vec<String>,
    /// Stays requested, by their first day.
    pub stays: Vec<StayExport>,
    /// Every move of those stays.
    pub stay_history: Vec<StayHistoryExport>,
    /// Event registrations.
    pub event_registrations: Vec<RegistrationExport>,
    /// The firm they work for, and those they answer for.
    pub firms: Vec<FirmExport>,
    /// Introductions asked and received.
    pub introductions: Vec<IntroductionExport>,
    /// Invitation letters made for their stays.
    pub letters: Vec<LetterExport>,
    /// Whether the host's firms may see them while they visit.
    pub open_to_meet: bool,
    /// Browser sessions.
    pub sessions: Vec<CredentialExport>,
    /// Sign-in links sent.
    pub sign_in_links: Vec<CredentialExport>,
    /// API tokens.
    pub api_tokens: Vec<CredentialExport>,
    /// Emails to the member.
    pub emails: Vec<EmailExport>,
    /// Idempotency keys still kept.
    pub idempotency_keys: Vec<KeyExport>,
}

/// What an erasure changed, table by table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Erased {
    /// Stays whose free text was removed (the stays and their days stay).
    pub stays: u64,
    /// History entries whose reason was removed.
    pub history_reasons: u64,
    /// Sessions, sign-in links and API tokens deleted.
    pub credentials: u64,
    /// Idempotency keys (and the answers they kept) deleted.
    pub idempotency_keys: u64,
    /// Emails whose facts were removed; pending ones will not be sent.
    pub emails: u64,
    /// Roles given up.
    pub roles: u64,
    /// Rate-limit counters kept under their address.
    pub counters: u64,
    /// Notes of introductions they asked for, removed (the introductions
    /// stay, anonymous, so the ledger's counts do not change).
    pub introduction_notes: u64,
    /// Invitation letters deleted (they hold the passport name).
    pub letters: u64,
}

/// The address an erased member's row carries: unique, and at a domain that
/// can never receive mail (RFC 2606).
pub fn erased_email(member: MemberId) -> String {
    format!("erased-{member}@erased.invalid")
}

/// The name an erased member's row carries, which emails to hosts show.
pub const ERASED_NAME: &str = "Erased member";

/// What [`Tx::member_data`] reads of a member (`$1`), table by table.
const STAYS: &str = "SELECT s.id, s.site_id, t.name AS site_name, c.name AS host_cluster, s.start_date, \
     s.end_date, s.status, s.purpose, s.decline_reason, s.cancel_reason, s.checked_in, s.no_show, s.created_at \
     FROM stays s JOIN sites t ON t.id = s.site_id JOIN clusters c ON c.id = s.host_cluster_id \
     WHERE s.member_id = $1 ORDER BY s.start_date, s.created_at, s.id";
const STAY_HISTORY: &str = "SELECT h.stay_id, h.at, h.actor, h.action, h.from_status, h.to_status, h.reason \
     FROM stay_history h JOIN stays s ON s.id = h.stay_id WHERE s.member_id = $1 ORDER BY h.id";
const EVENT_REGISTRATIONS: &str = "SELECT r.event_id, e.title, e.starts_at, r.status, r.created_at, r.ended_at \
     FROM event_registrations r JOIN events e ON e.id = r.event_id WHERE r.member_id = $1 \
     ORDER BY r.created_at, r.id";
const FIRMS: &str = "SELECT f.id, f.name, CASE WHEN f.contact_member_id = $1 THEN TRUE ELSE FALSE END AS contact FROM firms f \
     WHERE f.contact_member_id = $1 OR f.id = (SELECT m.firm_id FROM members m WHERE m.id = $1) ORDER BY f.name";
const INTRODUCTIONS: &str = "SELECT i.id, CASE WHEN i.visitor_id = $1 THEN 'sent' ELSE 'received' END AS role, \
     i.stay_id, f.name AS firm_name, i.status, i.note, i.created_at, i.answered_at \
     FROM introductions i JOIN firms f ON f.id = i.firm_id WHERE i.visitor_id = $1 OR i.contact_id = $1 \
     ORDER BY i.created_at, i.id";
const LETTERS: &str = "SELECT id, stay_id, passport_name, start_date, end_date, created_at, replaced_at \
     FROM letters WHERE member_id = $1 ORDER BY created_at, id";
const SESSIONS: &str =
    "SELECT '' AS label, created_at, expires_at, ended_at FROM sessions WHERE member_id = $1 ORDER BY created_at";
const SIGN_IN_LINKS: &str = "SELECT '' AS label, created_at, expires_at, used_at AS ended_at FROM sign_in_tokens \
     WHERE member_id = $1 ORDER BY created_at";
const API_TOKENS: &str = "SELECT label, created_at, NULL AS expires_at, revoked_at AS ended_at FROM api_tokens \
     WHERE member_id = $1 ORDER BY created_at";
const EMAILS: &str =
    "SELECT id, kind, status, created_at, sent_at FROM outbox WHERE recipient = $1 ORDER BY created_at, id";
const IDEMPOTENCY_KEYS: &str =
    "SELECT key, stay_id, created_at FROM idempotency_keys WHERE member_id = $1 ORDER BY created_at";

impl Tx {
    /// Everything about the member, or `None` if there is no such member.
    pub async fn member_data(&self, member: MemberId) -> Result<Option<MemberData>, StoreError> {
        let Some(profile) = self
            .rows::<ProfileRecord>(
                "SELECT m.id, m.email, m.name, m.company, m.locale, m.cluster_id, c.name AS cluster_name, m.status, \
                 m.vouched_until, m.created_at, m.updated_at FROM members m LEFT JOIN clusters c ON c.id = m.cluster_id \
                 WHERE m.id = $1",
                vec![member.as_uuid().into()],
            )
            .await?
            .pop()
        else {
            return Ok(None);
        };
        #[derive(FromQueryResult)]
        struct RoleRow {
            role: String,
        }
        let roles = self
            .rows::<RoleRow>(
                "SELECT role FROM member_roles WHERE member_id = $1 ORDER BY role",
                vec![member.as_uuid().into()],
            )
            .await?
            .into_iter()
            .map(|r| r.role)
            .collect();
        let m = || vec![member.as_uuid().into()];
        Ok(Some(MemberData {
            profile,
            roles,
            stays: self.rows(STAYS, m()).await?,
            stay_history: self.rows(STAY_HISTORY, m()).await?,
            event_registrations: self.rows(EVENT_REGISTRATIONS, m()).await?,
            firms: self.rows(FIRMS, m()).await?,
            introductions: self.rows(INTRODUCTIONS, m()).await?,
            letters: self.rows(LETTERS, m()).await?,
            open_to_meet: self.member(member).await?.is_some_and(|r| r.open_to_meet),
            sessions: self.rows(SESSIONS, m()).await?,
            sign_in_links: self.rows(SIGN_IN_LINKS, m()).await?,
            api_tokens: self.rows(API_TOKENS, m()).await?,
            emails: self.rows(EMAILS, vec![member_recipient(member).into()]).await?,
            idempotency_keys: self.rows(IDEMPOTENCY_KEYS, m()).await?,
        }))
    }

    /// Erases what identifies the member: name, email, company and every
    /// free text they or others wrote about their stays; deletes their
    /// sessions, sign-in links, API tokens, idempotency keys, roles and rate-limit counters; and
    /// removes the facts of emails to them (pending ones become dead letters).
    /// The member row (revoked), their stays and stay days remain, anonymous,
    /// so the ledger's figures do not change.
    /// `counters` are the member's rate-limit buckets, as the service names them.
    pub async fn erase_member(
        &self,
        member: MemberId,
        counters: &[String],
        now: DateTime<Utc>,
    ) -> Result<Erased, StoreError> {
        let id: sea_orm::Value = member.as_uuid().into();
        let recipient: sea_orm::Value = member_recipient(member).into();
        let mut erased = Erased {
            stays: self
                .run(
                    "UPDATE stays SET purpose = '', decline_reason = NULL, cancel_reason = NULL, updated_at = $2 \
                     WHERE member_id = $1",
                    vec![id.clone(), now.into()],
                )
                .await?,
            history_reasons: self
                .run(
                    "UPDATE stay_history SET reason = NULL WHERE reason IS NOT NULL \
                     AND stay_id IN (SELECT id FROM stays WHERE member_id = $1)",
                    vec![id.clone()],
                )
                .await?,
            ..Erased::default()
        };
        for table in ["sessions", "sign_in_tokens", "api_tokens", "calendar_feeds"] {
            erased.credentials +=
                self.run(&format!("DELETE FROM {table} WHERE member_id = $1"), vec![id.clone()]).await?;
        }
        erased.idempotency_keys =
            self.run("DELETE FROM idempotency_keys WHERE member_id = $1", vec![id.clone()]).await?;
        erased.emails = self
            .run(
                "UPDATE outbox SET payload = '{}', \
                 last_error = CASE WHEN status = 'pending' THEN 'the member was erased' ELSE last_error END, \
                 status = CASE WHEN status = 'pending' THEN 'dead' ELSE status END, lease_until = NULL \
                 WHERE recipient = $1",
                vec![recipient],
            )
            .await?;
        for bucket in counters {
            erased.counters +=
                self.run("DELETE FROM rate_limits WHERE bucket = $1", vec![bucket.clone().into()]).await?;
        }
        erased.roles = self.run("DELETE FROM member_roles WHERE member_id = $1", vec![id.clone()]).await?;
        erased.introduction_notes = self
            .run("UPDATE introductions SET note = '' WHERE visitor_id = $1 AND note <> ''", vec![id.clone()])
            .await?;
        erased.letters = self.run("DELETE FROM letters WHERE member_id = $1", vec![id.clone()]).await?;
        // Places in line go too; an open offer's desks go back.
        self.drop_member_waits(member).await?;
        // A cluster they signed letters for signs by its approvers until it names another.
        self.run(
            "UPDATE letterheads SET signatory_member_id = NULL, updated_at = $2 WHERE signatory_member_id = $1",
            vec![id.clone(), now.into()],
        )
        .await?;
        // A firm they spoke for has no contact until its cluster names another.
        self.run(
            "UPDATE firms SET contact_member_id = NULL, updated_at = $2 WHERE contact_member_id = $1",
            vec![id.clone(), now.into()],
        )
        .await?;
        self.run(
            "UPDATE members SET email = $2, name = $3, company = '', firm_id = NULL, open_to_meet = $5, \
             status = 'revoked', vouched_until = NULL, updated_at = $4 WHERE id = $1",
            vec![id, erased_email(member).into(), ERASED_NAME.into(), now.into(), false.into()],
        )
        .await?;
        Ok(erased)
    }

    /// Removes what is kept no longer than its retention: sign-in links and
    /// sessions that stopped working before `credentials_before`, and the
    /// facts of emails sent or dead before `mail_before`.
    pub async fn purge_retained(
        &self,
        credentials_before: DateTime<Utc>,
        mail_before: DateTime<Utc>,
    ) -> Result<Purged, StoreError> {
        let before: sea_orm::Value = credentials_before.into();
        Ok(Purged {
            sign_in_links: self.run("DELETE FROM sign_in_tokens WHERE expires_at < $1", vec![before.clone()]).await?,
            sessions: self
                .run(
                    "DELETE FROM sessions WHERE expires_at < $1 OR (ended_at IS NOT NULL AND ended_at < $1)",
                    vec![before],
                )
                .await?,
            email_bodies: self
                .run(
                    "UPDATE outbox SET payload = '{}' WHERE status IN ('sent', 'dead') AND payload <> '{}' \
                     AND created_at < $1",
                    vec![mail_before.into()],
                )
                .await?,
        })
    }
}

/// What a retention pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Sign-in links deleted.
    pub sign_in_links: u64,
    /// Sessions deleted.
    pub sessions: u64,
    /// Sent or dead emails whose facts were removed.
    pub email_bodies: u64,
}
