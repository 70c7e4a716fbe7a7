//! Introductions (issue 21) as use cases: during an approved stay the
//! visitor asks to meet a firm of the host; the firm's contact accepts or
//! declines; requests still open lapse when the stay is cancelled or ends.
//! Each is one transaction with its emails (outbox rows); the rules decide
//! who may ask ([`deskvisa_rules::may_ask`]) and when a request lapses.
//!
//! Asks for one stay are serialized on the stay's row (PostgreSQL locks it;
//! SQLite has one writer), so the limit of ten holds under races; an answer
//! is a conditional update, so of two answers at once one wins.

use chrono::{DateTime, Days, Utc};
use deskvisa_rules::{
    FirmId, IntroductionAsk, IntroductionId, IntroductionStatus, MailKind, MemberId, Note, StayId, lapses, may_ask,
};
use deskvisa_store::{IntroductionRecord, NewIntroduction, NewMail, StoreError, Tx};
use serde::{Deserialize, Serialize};

use crate::Service;
use crate::caller::Caller;
use crate::conflict::Conflict;
use crate::error::{Attempt, ServiceError};
use crate::mail_events::to_member;
use crate::retry::retrying;

/// The most introductions `GET /api/v1/me/introductions` lists.
pub const MAX_LISTED_INTRODUCTIONS: u64 = 200;

/// The facts an introduction email is written from, as the outbox keeps
/// them: everything else is read again when it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntroductionNotice {
    /// The introduction.
    pub introduction: uuid::Uuid,
    /// Whether the email goes to the visitor (else to the contact).
    pub to_visitor: bool,
}

/// An email about an introduction to `member`.
fn notice(kind: MailKind, member: MemberId, introduction: IntroductionId, to_visitor: bool) -> NewMail {
    let notice = IntroductionNotice { introduction: introduction.as_uuid(), to_visitor };
    // Serializing a uuid and a boolean cannot fail.
    NewMail { kind, recipient: to_member(member), payload: serde_json::to_string(&notice).unwrap_or_default() }
}

/// How a contact answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntroductionAnswer {
    /// Glad to meet: both get each other's address.
    Accept,
    /// Not this time: the visitor is told politely, with no reason.
    Decline,
}

/// Lapses the pending introductions of a stay that was cancelled or whose
/// member did not come, in the move's transaction; each contact is told.
pub(crate) async fn lapse_for_stay(tx: &Tx, stay: StayId, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut mails = Vec::new();
    for pending in tx.pending_introductions(stay).await? {
        if tx.answer_introduction(pending.id, IntroductionStatus::Lapsed, now).await? {
            mails.push(notice(MailKind::IntroductionLapsed, pending.contact.member, pending.id, false));
        }
    }
    tx.enqueue_mail(&mails, now).await
}

impl Service {
    /// The stay's member asks to meet a firm of the host.
    pub async fn ask_introduction(
        &self,
        caller: &Caller,
        stay: StayId,
        firm: FirmId,
        note: Note,
    ) -> Result<IntroductionRecord, ServiceError> {
        let id = IntroductionId::from_uuid(uuid::Uuid::new_v4());
        retrying("ask for an introduction", || self.ask_once(caller, stay, firm, &note, id)).await?;
        tracing::info!(introduction = %id, %stay, %firm, "introduction asked");
        self.store.read_introduction(id).await?.ok_or(ServiceError::NotFound)
    }

    async fn ask_once(
        &self,
        caller: &Caller,
        id: StayId,
        firm: FirmId,
        note: &Note,
        new: IntroductionId,
    ) -> Attempt<()> {
        let tx = self.store.begin_write().await?;
        let stay = tx.stay(id, true).await?.ok_or(ServiceError::NotFound)?;
        if stay.member != caller.member {
            return Err(if caller.sees(&stay) { ServiceError::Forbidden } else { ServiceError::NotFound }.into());
        }
        let record = tx.firm(firm, false).await?.ok_or(ServiceError::NotFound)?;
        let asked = tx.firms_asked(id).await?;
        let ask = IntroductionAsk {
            stay_status: stay.status,
            no_show: stay.no_show,
            stay_end: stay.end_date,
            today: stay.facts.zone.date_at(self.now()),
            host: stay.host_cluster,
            firm_cluster: record.cluster,
            firm_open: record.profile.open_to_visitors,
            contact: record.profile.contact.map(|c| c == caller.member),
            asked: asked.len(),
            asked_this_firm: asked.contains(&firm),
        };
        may_ask(&ask).map_err(|r| ServiceError::Conflict(Conflict::Introduction(r)))?;
        let Some(contact) = record.profile.contact else {
            return Err(ServiceError::Conflict(Conflict::Introduction(
                deskvisa_rules::IntroductionRefusal::FirmNotOpenToVisitors,
            ))
            .into());
        };
        let now = self.now();
        let introduction = NewIntroduction {
            id: new,
            stay: id,
            firm,
            visitor: caller.member,
            contact,
            host_cluster: stay.host_cluster,
            home_cluster: stay.home_cluster,
            note: note.as_str().to_owned(),
        };
        match tx.insert_introduction(&introduction, now).await {
            // Another request of the same stay for the same firm won the race.
            Err(StoreError::Unique(_)) => {
                let refusal = deskvisa_rules::IntroductionRefusal::AlreadyAsked;
                return Err(ServiceError::Conflict(Conflict::Introduction(refusal)).into());
            }
            other => other?,
        }
        tx.enqueue_mail(&[notice(MailKind::IntroductionRequested, contact, new, false)], now).await?;
        Ok(tx.commit().await?)
    }

    /// The contact accepts or declines; of two answers at once, one wins
    /// (409 `introduction_answered` for the other).
    pub async fn answer_introduction(
        &self,
        caller: &Caller,
        id: IntroductionId,
        answer: IntroductionAnswer,
    ) -> Result<IntroductionRecord, ServiceError> {
        retrying("answer an introduction", || self.answer_once(caller, id, answer)).await?;
        tracing::info!(introduction = %id, ?answer, "introduction answered");
        self.store.read_introduction(id).await?.ok_or(ServiceError::NotFound)
    }

    async fn answer_once(&self, caller: &Caller, id: IntroductionId, answer: IntroductionAnswer) -> Attempt<()> {
        let tx = self.store.begin_write().await?;
        let intro = tx.introduction(id).await?.ok_or(ServiceError::NotFound)?;
        if intro.contact.member != caller.member {
            let seen = intro.visitor.member == caller.member;
            return Err(if seen { ServiceError::Forbidden } else { ServiceError::NotFound }.into());
        }
        let now = self.now();
        let over = lapses(intro.stay_status, intro.no_show, intro.end_date, intro.site_zone.date_at(now));
        if intro.status != IntroductionStatus::Pending || over {
            return Err(ServiceError::Conflict(Conflict::IntroductionAnswered).into());
        }
        let (to, mails) = match answer {
            IntroductionAnswer::Accept => (
                IntroductionStatus::Accepted,
                vec![
                    notice(MailKind::IntroductionAccepted, intro.visitor.member, id, true),
                    notice(MailKind::IntroductionAccepted, intro.contact.member, id, false),
                ],
            ),
            IntroductionAnswer::Decline => (
                IntroductionStatus::Declined,
                vec![notice(MailKind::IntroductionDeclined, intro.visitor.member, id, true)],
            ),
        };
        if !tx.answer_introduction(id, to, now).await? {
            return Err(ServiceError::Conflict(Conflict::IntroductionAnswered).into());
        }
        tx.enqueue_mail(&mails, now).await?;
        Ok(tx.commit().await?)
    }

    /// An introduction, for its visitor and its contact (404 for anyone else).
    pub async fn introduction(&self, caller: &Caller, id: IntroductionId) -> Result<IntroductionRecord, ServiceError> {
        let intro = self.store.read_introduction(id).await?.ok_or(ServiceError::NotFound)?;
        if intro.visitor.member == caller.member || intro.contact.member == caller.member {
            Ok(intro)
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// The introductions the caller asked for and was asked, newest first.
    pub async fn my_introductions(&self, caller: &Caller) -> Result<Vec<IntroductionRecord>, ServiceError> {
        Ok(self.store.member_introductions(caller.member, MAX_LISTED_INTRODUCTIONS).await?)
    }

    /// Lapses pending introductions whose stay is over or off (the worker,
    /// each round); each contact is told once, however many workers run.
    pub async fn lapse_introductions(&self) -> Result<usize, ServiceError> {
        let now = self.now();
        // A day past UTC's date covers every zone's today.
        let last_day = now.date_naive().checked_add_days(Days::new(1)).unwrap_or(now.date_naive());
        let mut lapsed = 0;
        for intro in self.store.lapse_candidates(last_day, 500).await? {
            if !lapses(intro.stay_status, intro.no_show, intro.end_date, intro.site_zone.date_at(now)) {
                continue;
            }
            let tx = self.store.begin_write().await?;
            if tx.answer_introduction(intro.id, IntroductionStatus::Lapsed, now).await? {
                let mail = notice(MailKind::IntroductionLapsed, intro.contact.member, intro.id, false);
                tx.enqueue_mail(&[mail], now).await?;
                tx.commit().await?;
                lapsed += 1;
            }
        }
        Ok(lapsed)
    }
}
