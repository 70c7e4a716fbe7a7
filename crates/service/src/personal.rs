//! Personal data (the clusters are mostly in the EU): a member's data as
//! one JSON document, their erasure, and the retention of what is kept only
//! for a while (sign-in links, sessions, the facts of sent emails).
//!
//! Erasure first cancels the member's stays that have not begun (the host
//! is told and the desks are freed, as when the member cancels) and
//! withdraws their registrations for events still to come; then, in one
//! transaction, it removes names, emails and free text, ends every session
//! and token, and keeps the anonymous stays and visitor-days, so the
//! reciprocity ledger's figures for days gone by do not change.

use chrono::{DateTime, TimeDelta, Utc};
use deskvisa_rules::{Email, StayId, StayStatus};
use deskvisa_store::{Erased, MemberData, Purged};
use serde::Serialize;

use crate::Service;
use crate::caller::Caller;
use crate::error::ServiceError;
use crate::sign_in::address_bucket;
use crate::stays::StayCommand;

/// The export's format name: raised when a field changes meaning.
pub const EXPORT_FORMAT: &str = "deskvisa-member-export/1";

/// All of a member's data, as `deskvisa member export` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberExport {
    /// [`EXPORT_FORMAT`].
    pub format: &'static str,
    /// When it was read.
    pub exported_at: DateTime<Utc>,
    /// The data, table by table.
    #[serde(flatten)]
    pub data: MemberData,
}

/// What an erasure did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Erasure {
    /// The member (their row remains, anonymous).
    pub member: uuid::Uuid,
    /// Stays that had not begun, cancelled.
    pub stays_cancelled: usize,
    /// Registrations for events still to come, withdrawn.
    pub registrations_withdrawn: usize,
    /// What was removed.
    #[serde(flatten)]
    pub erased: Erased,
}

/// How long what is kept only for a while is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Sign-in links and sessions, after they stopped working.
    pub credentials: TimeDelta,
    /// The facts (reasons, ids) of emails sent or given up, after they were queued.
    pub mail_bodies: TimeDelta,
}

impl Default for Retention {
    fn default() -> Self {
        Retention { credentials: TimeDelta::days(30), mail_bodies: TimeDelta::days(90) }
    }
}

impl Service {
    /// All of the member's data.
    pub async fn export_member(&self, email: &Email) -> Result<MemberExport, ServiceError> {
        let member = self.member_by_email(email).await?;
        let tx = self.store.begin_read().await?;
        let data = tx.member_data(member.id).await?.ok_or(ServiceError::NotFound)?;
        Ok(MemberExport { format: EXPORT_FORMAT, exported_at: self.now(), data })
    }

    /// Erases the member's personal data (see the module's documentation).
    pub async fn erase_member(&self, email: &Email) -> Result<Erasure, ServiceError> {
        let member = self.member_by_email(email).await?;
        let caller = Caller::new(&member, &[]);
        let data = {
            let tx = self.store.begin_read().await?;
            tx.member_data(member.id).await?.ok_or(ServiceError::NotFound)?
        };
        let mut stays_cancelled = 0;
        let live = |s: &&deskvisa_store::StayExport| s.status.parse::<StayStatus>().is_ok_and(StayStatus::is_live);
        for stay in data.stays.iter().filter(live) {
            match self.act_on_stay(&caller, StayId::from_uuid(stay.id), StayCommand::Cancel(None)).await {
                Ok(_) => stays_cancelled += 1,
                // Begun, or moved meanwhile: it stays as it is, anonymous.
                Err(ServiceError::Transition(_) | ServiceError::Conflict(_)) => {}
                Err(err) => return Err(err),
            }
        }
        let mut registrations_withdrawn = 0;
        let live = self.my_registrations(&caller).await?;
        for (_, event) in live {
            match self.withdraw_registration(&caller, event.id).await {
                Ok(()) => registrations_withdrawn += 1,
                // Ended meanwhile: the registration is history.
                Err(ServiceError::Conflict(_) | ServiceError::NotFound) => {}
                Err(err) => return Err(err),
            }
        }
        let tx = self.store.begin_write().await?;
        let erased = tx.erase_member(member.id, &[address_bucket(&member.email)], self.now()).await?;
        tx.commit().await?;
        tracing::info!(member = %member.id, stays_cancelled, registrations_withdrawn, "member erased");
        Ok(Erasure { member: member.id.as_uuid(), stays_cancelled, registrations_withdrawn, erased })
    }

    /// Removes what has outlived its retention (the worker calls this).
    pub async fn purge_retained(&self, retention: &Retention) -> Result<Purged, ServiceError> {
        let now = self.now();
        let tx = self.store.begin_write().await?;
        let purged = tx.purge_retained(now - retention.credentials, now - retention.mail_bodies).await?;
        tx.commit().await?;
        Ok(purged)
    }
}
