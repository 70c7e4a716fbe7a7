//! New dates for a stay (issue 23): the member moves a pending or approved
//! stay at its site in one transaction. The rules judge the new range as a
//! new request, the stay never counting against itself
//! ([`deskvisa_rules::decide_move`]); the store keeps the days in both
//! ranges, takes the new ones with the guarded update and releases the rest.
//! The member and the host's admins are told, the invitation is updated
//! (same UID, higher SEQUENCE), and registrations for events the stay no
//! longer covers are withdrawn.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use deskvisa_rules::{
    Actor, HistoryAction, MailKind, MemberStay, MoveDecision, Refusal, StayId, StayRequest, StayStatus, Violation,
    decide_move,
};
use deskvisa_store::{
    DatesMoved, HistoryEntry, MoveWrite, MoveWritten, RegistrationStatus, StayRecord, StoreError, Tx,
};

use crate::Service;
use crate::caller::Caller;
use crate::conflict::Conflict;
use crate::error::{Attempt, AttemptError, ServiceError};
use crate::mail_events::{EventNotice, event_mail, move_mails};
use crate::retry::retrying;
use crate::sign_in::window_start;

impl Service {
    /// The stay's member gives it new dates at the same site: the stay as
    /// it stands afterwards. Refused as a request would be (every violation
    /// listed, the nearest ranges that fit for `no_capacity`), or with a
    /// [`Conflict::Move`] when the stay cannot move so; nothing changes then.
    pub async fn move_stay(
        &self,
        caller: &Caller,
        id: StayId,
        start_date: NaiveDate,
        end_date: NaiveDate,
    ) -> Result<StayRecord, ServiceError> {
        caller.home()?;
        let request = StayRequest { start_date, end_date };
        match retrying("move a stay", || self.move_once(caller, id, request)).await {
            Ok(()) => self.read_stay(id).await,
            // No desk on some day: offer the nearest dates that fit, the
            // stay's own days counted free.
            Err(ServiceError::Refused(mut refusal)) if refusal.full_dates().is_some() => {
                let stay = self.read_stay(id).await?;
                refusal.alternatives = self.alternatives(stay.site, request, &stay.days).await?;
                Err(ServiceError::Refused(refusal))
            }
            Err(e) => Err(e),
        }
    }

    /// One attempt, in one transaction.
    async fn move_once(&self, caller: &Caller, id: StayId, request: StayRequest) -> Attempt<()> {
        let tx = self.store.begin_write().await?;
        // Quotas and overlaps span the member's stays: serialized per member.
        tx.lock_member(caller.member).await?;
        let stay = tx.stay(id, true).await?.filter(|s| caller.sees(s)).ok_or(ServiceError::NotFound)?;
        if stay.member != caller.member {
            return Err(ServiceError::Forbidden.into());
        }
        let now = self.now();
        // A move is judged as a request is, and counts as one.
        let hour = window_start(now, TimeDelta::hours(1));
        let key = format!("stay-requests:{}", caller.member);
        if tx.hit(&key, hour).await? > self.rate_limits.stay_requests_per_member_per_hour {
            tx.commit().await?;
            let retry_after = (hour + TimeDelta::hours(1) - now).num_seconds().max(1);
            return Err(ServiceError::RateLimited { retry_after_seconds: retry_after.unsigned_abs() }.into());
        }
        let snapshot = tx.stay_snapshot(stay.member, stay.site, &request, now).await?;
        let member_stay = MemberStay {
            id: stay.id,
            site: stay.site,
            host_cluster: stay.host_cluster,
            start_date: stay.start_date,
            end_date: stay.end_date,
            status: stay.status,
            no_show: stay.no_show,
        };
        let moved = match decide_move(&snapshot, &member_stay, &stay.days, &request, now) {
            MoveDecision::Moved(moved) => moved,
            MoveDecision::Refused(refusal) => {
                tx.commit().await?;
                return Err(ServiceError::Refused(refusal).into());
            }
            MoveDecision::NotMovable(refusal) => {
                tx.commit().await?;
                return Err(ServiceError::Conflict(Conflict::Move(refusal)).into());
            }
        };
        let same_dates = (request.start_date, request.end_date) == (stay.start_date, stay.end_date);
        if same_dates && moved.status == stay.status {
            // Nothing to move: the answer is the stay as it stands.
            tx.commit().await?;
            return Ok(());
        }
        let (change, entry, mails) = move_write(&stay, &moved, request, snapshot.site.desks, caller, now);
        let written = async {
            match tx.move_stay(&stay, &change, &entry, &mails, now).await? {
                MoveWritten::Moved => {}
                other => return Ok(other),
            }
            let covered = if moved.status == StayStatus::Approved { moved.days.as_slice() } else { &[] };
            withdraw_uncovered(&tx, id, covered, now).await?;
            tx.commit().await.map(|()| MoveWritten::Moved)
        };
        match written.await {
            Ok(MoveWritten::Moved) => {}
            // The stay changed since it was read: read it again.
            Ok(MoveWritten::Lost) => {
                return Err(AttemptError::Transient(StoreError::Retry("the stay changed while it was moved".into())));
            }
            Ok(MoveWritten::Full(full_dates)) => {
                // Taken meanwhile: undo everything, then count the try by itself.
                self.count_stay_request(caller.member, hour).await?;
                let violations = vec![Violation::NoCapacity { full_dates }];
                return Err(ServiceError::Refused(Refusal { violations, alternatives: Vec::new() }).into());
            }
            // A desk-day of this member on the same date slipped in: read again.
            Err(StoreError::Unique(e)) => return Err(AttemptError::Transient(StoreError::Unique(e))),
            Err(e) => return Err(e.into()),
        }
        tracing::info!(stay = %id, from = %stay.status, to = %moved.status, start = %request.start_date,
            end = %request.end_date, "stay moved to new dates");
        Ok(())
    }
}

/// What a move the rules allowed writes: the change, its history line
/// (the entry's place in the history is the calendar's SEQUENCE) and its
/// emails.
fn move_write<'a>(
    stay: &StayRecord,
    moved: &'a deskvisa_rules::Move,
    request: StayRequest,
    desks: u32,
    caller: &Caller,
    now: DateTime<Utc>,
) -> (MoveWrite<'a>, HistoryEntry, Vec<deskvisa_store::NewMail>) {
    let change = MoveWrite {
        start_date: request.start_date,
        end_date: request.end_date,
        status: moved.status,
        answer_deadline: moved.answer_deadline,
        within_guarantee: moved.within_guarantee,
        taken: &moved.taken,
        released: &moved.released,
        desks,
    };
    let entry = HistoryEntry {
        at: now,
        actor: Actor::Member,
        by: Some(caller.member),
        from: Some(stay.status),
        to: moved.status,
        action: HistoryAction::Move,
        reason: None,
        guarantee_exception: false,
        moved: Some(DatesMoved { from: (stay.start_date, stay.end_date), to: (request.start_date, request.end_date) }),
    };
    let sequence = u32::try_from(stay.history.len()).unwrap_or(u32::MAX);
    let invited = stay.history.iter().any(|h| h.to == StayStatus::Approved);
    let mails =
        move_mails(stay.id, stay.member, stay.host_cluster, invited, (stay.start_date, stay.end_date), sequence);
    (change, entry, mails)
}

/// Withdraws the stay's registrations for events not yet begun on a day it
/// no longer holds (all of them when it waits for the host again: only an
/// approved stay lets a visitor in), gives their seats back and tells each
/// member, as a cancellation would.
async fn withdraw_uncovered(
    tx: &Tx,
    stay: StayId,
    covered: &[NaiveDate],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut lost = Vec::new();
    for registration in tx.live_registrations_of_stay(stay, now).await? {
        let event = tx.event(registration.event, false).await?;
        if !event.is_some_and(|e| covered.contains(&e.starts_at.date())) {
            lost.push(registration);
        }
    }
    let ended = tx.end_registrations(&lost, RegistrationStatus::NoLongerEligible, now).await?;
    let mut mails = Vec::with_capacity(ended.len());
    for r in &ended {
        let sequence = crate::events::stored_sequence(tx, r.event).await?;
        let notice = EventNotice { event: r.event.as_uuid(), reason: None, sequence, by_member: false };
        mails.push(event_mail(MailKind::EventRegistrationWithdrawn, r.member, &notice));
    }
    tx.enqueue_mail(&mails, now).await
}
