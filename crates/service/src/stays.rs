//! The life of a stay as use cases: request, the host's decisions, the
//! member's and the host's cancellation, check-in and no-show, each one
//! transaction that writes the stay, its desk-days and its history, or nothing.

use chrono::{DateTime, TimeDelta, Utc};
use deskvisa_rules::{
    Action, Actor, Decision, HistoryAction, MemberId, Outcome, Reason, Refusal, SiteId, StayId, StayRequest,
    StayStatus, TransitionError, Violation, decide, transition,
};
use deskvisa_store::{HistoryEntry, NewStay, RegistrationStatus, SnapshotError, StayRecord, StoreError, VisitRecord};

use crate::Service;
use crate::caller::Caller;
use crate::error::{Attempt, AttemptError, ServiceError};
use crate::mail_events::stay_mails;
use crate::retry::retrying;
use crate::sign_in::window_start;

/// A stay request as the member sends it (dates already parsed).
#[derive(Debug, Clone)]
pub struct StayRequestInput {
    /// Where.
    pub site: SiteId,
    /// First date.
    pub start_date: chrono::NaiveDate,
    /// Last date.
    pub end_date: chrono::NaiveDate,
    /// Why the member comes (free text, may be empty).
    pub purpose: String,
}

/// What a person asks to do with a stay.
#[derive(Debug, Clone)]
pub enum StayCommand {
    /// Host: approve.
    Approve,
    /// Host: decline, with a reason.
    Decline(Reason),
    /// Member or host: cancel (a host must give a reason).
    Cancel(Option<Reason>),
    /// Host: the visitor arrived.
    CheckIn,
    /// Host: the visitor did not come.
    NoShow,
}

impl Service {
    /// A member requests a stay.
    pub async fn request_stay(&self, caller: &Caller, input: &StayRequestInput) -> Result<StayRecord, ServiceError> {
        self.request_stay_keyed(caller, input, None).await
    }

    /// A member requests a stay under an idempotency key already claimed
    /// with [`Service::claim_idempotency_key`]: the key is linked to the stay
    /// in the stay's own transaction.
    pub async fn request_stay_keyed(
        &self,
        caller: &Caller,
        input: &StayRequestInput,
        key: Option<&str>,
    ) -> Result<StayRecord, ServiceError> {
        caller.home()?;
        let request = StayRequest { start_date: input.start_date, end_date: input.end_date };
        // Time-ordered: a new stay's rows land at the end of their indexes.
        let id = StayId::from_uuid(uuid::Uuid::now_v7());
        // The answer is built from what the write transaction wrote: no
        // second transaction to read it back.
        let attempt = || async {
            if self.store.writes_whole() {
                self.request_stay_whole(caller.member, id, input, request, key).await
            } else {
                self.request_stay_once(caller.member, id, input, request, key).await
            }
        };
        match retrying("request a stay", attempt).await {
            // No desk on some day: offer the nearest dates that fit.
            Err(ServiceError::Refused(mut refusal)) if refusal.full_dates().is_some() => {
                refusal.alternatives = self.alternatives(input.site, request, &[]).await?;
                Err(ServiceError::Refused(refusal))
            }
            answer => answer,
        }
    }

    /// One attempt: load what the rules need, let them decide, write what
    /// they accepted; all in one transaction.
    async fn request_stay_once(
        &self,
        member: MemberId,
        id: StayId,
        input: &StayRequestInput,
        request: StayRequest,
        key: Option<&str>,
    ) -> Attempt<StayRecord> {
        let tx = self.store.begin_write().await?;
        tx.lock_member(member).await?;
        let now = self.now();
        // Every request counts, refused ones too: the hit is committed
        // whatever the answer.
        let hour = window_start(now, TimeDelta::hours(1));
        if tx.hit(&format!("stay-requests:{member}"), hour).await? > self.rate_limits.stay_requests_per_member_per_hour
        {
            tx.commit().await?;
            let retry_after = (hour + TimeDelta::hours(1) - now).num_seconds().max(1);
            return Err(ServiceError::RateLimited { retry_after_seconds: retry_after.unsigned_abs() }.into());
        }
        let snapshot = tx.stay_snapshot(member, input.site, &request, now).await?;
        let acceptance = match decide(&snapshot, &request, now) {
            Decision::Accepted(acceptance) => acceptance,
            Decision::Refused(refusal) => {
                // Only the member's lock and the hit were written.
                tx.commit().await?;
                return Err(ServiceError::Refused(refusal).into());
            }
        };
        if acceptance.holds_desks()
            && let Err(full_dates) = tx.hold_days(input.site, snapshot.site.desks, &acceptance.days).await?
        {
            // Some days were taken before a full one: undo them all, then
            // count the request by itself.
            drop(tx);
            self.count_stay_request(member, hour).await?;
            let violations = vec![Violation::NoCapacity { full_dates }];
            return Err(ServiceError::Refused(Refusal { violations, alternatives: Vec::new() }).into());
        }
        let (new, history) = accepted_stay(id, member, input, &snapshot, &acceptance, now);
        let written = async {
            let moves: Vec<_> = history.iter().map(|e| (e.from, e.to, e.reason.clone())).collect();
            let mails = crate::mail_events::request_mails(id, member, new.host_cluster, &moves);
            tx.insert_stay(&new, &history, &mails).await?;
            if let Some(key) = key {
                tx.link_key(member, key, id).await?;
            }
            tx.commit().await
        };
        match written.await {
            Ok(()) => {}
            // A desk-day of this member on the same date slipped in: read again.
            Err(StoreError::Unique(e)) => return Err(AttemptError::Transient(StoreError::Unique(e))),
            Err(e) => return Err(e.into()),
        }
        tracing::info!(stay = %id, %member, site = %input.site, status = %new.status, "stay requested");
        Ok(stay_record(new, history, snapshot.site.zone))
    }

    /// The same attempt as [`Service::request_stay_once`], run start to end
    /// on SQLite's writer thread: one hop for the whole transaction. A
    /// refusal keeps the request's hit (and only it); the held days of a
    /// request that finds a full day are undone in a part of their own.
    async fn request_stay_whole(
        &self,
        member: MemberId,
        id: StayId,
        input: &StayRequestInput,
        request: StayRequest,
        key: Option<&str>,
    ) -> Attempt<StayRecord> {
        let (clock, limit) = (self.clock.clone(), self.rate_limits.stay_requests_per_member_per_hour);
        let (input, key) = (input.clone(), key.map(str::to_owned));
        let site = input.site;
        let written = self.store.write_whole(move |tx| {
            // As `Service::now`: what the database keeps (microseconds).
            let now = chrono::SubsecRound::trunc_subsecs(clock.now(), 6);
            let hour = window_start(now, TimeDelta::hours(1));
            if tx.hit(&format!("stay-requests:{member}"), hour)? > limit {
                let retry_after = (hour + TimeDelta::hours(1) - now).num_seconds().max(1);
                return Ok(Err(ServiceError::RateLimited { retry_after_seconds: retry_after.unsigned_abs() }));
            }
            let snapshot = match tx.stay_snapshot(member, input.site, &request, now) {
                Ok(snapshot) => snapshot,
                Err(SnapshotError::Store(e)) => return Err(e),
                Err(other) => return Ok(Err(other.into())),
            };
            let acceptance = match decide(&snapshot, &request, now) {
                Decision::Accepted(acceptance) => acceptance,
                Decision::Refused(refusal) => return Ok(Err(ServiceError::Refused(refusal))),
            };
            if acceptance.holds_desks()
                && let Err(full_dates) = tx.part(|| tx.hold_days(input.site, snapshot.site.desks, &acceptance.days))?
            {
                let violations = vec![Violation::NoCapacity { full_dates }];
                return Ok(Err(ServiceError::Refused(Refusal { violations, alternatives: Vec::new() })));
            }
            let (new, history) = accepted_stay(id, member, &input, &snapshot, &acceptance, now);
            let moves: Vec<_> = history.iter().map(|e| (e.from, e.to, e.reason.clone())).collect();
            tx.insert_stay(&new, &history, &crate::mail_events::request_mails(id, member, new.host_cluster, &moves))?;
            if let Some(key) = &key {
                tx.link_key(member, key, id)?;
            }
            Ok(Ok(stay_record(new, history, snapshot.site.zone)))
        });
        let stay = match written.await {
            Ok(answer) => answer?,
            // A desk-day of this member on the same date slipped in: read again.
            Err(StoreError::Unique(e)) => return Err(AttemptError::Transient(StoreError::Unique(e))),
            Err(e) => return Err(e.into()),
        };
        tracing::info!(stay = %id, %member, %site, status = %stay.status, "stay requested");
        Ok(stay)
    }

    /// Counts a refused stay request against the member's hourly limit.
    pub(crate) async fn count_stay_request(&self, member: MemberId, hour: DateTime<Utc>) -> Result<(), StoreError> {
        let tx = self.store.begin_write().await?;
        tx.hit(&format!("stay-requests:{member}"), hour).await?;
        tx.commit().await
    }

    /// A stay, as the caller may see it.
    pub async fn stay(&self, caller: &Caller, id: StayId) -> Result<StayRecord, ServiceError> {
        let stay = self.read_stay(id).await?;
        if caller.sees(&stay) { Ok(stay) } else { Err(ServiceError::NotFound) }
    }

    /// The visitor's earlier stays with the stay's host, for those who
    /// decide it (the host's admins, network admins): `Forbidden` to others.
    pub async fn visit_record(&self, caller: &Caller, stay: &StayRecord) -> Result<VisitRecord, ServiceError> {
        Ok(self.visit_records(caller, std::slice::from_ref(stay)).await?.pop().unwrap_or_default())
    }

    /// [`Service::visit_record`] of each of `stays`, read together (the
    /// inbox weighs every waiting request): `Forbidden` unless the caller
    /// decides every one of them.
    pub async fn visit_records(&self, caller: &Caller, stays: &[StayRecord]) -> Result<Vec<VisitRecord>, ServiceError> {
        if stays.iter().any(|s| !caller.admin_of(s.host_cluster) && !caller.network_admin) {
            return Err(ServiceError::Forbidden);
        }
        let tx = self.store.begin_read().await?;
        let mut hosts: Vec<deskvisa_rules::ClusterId> = stays.iter().map(|s| s.host_cluster).collect();
        hosts.sort_unstable();
        hosts.dedup();
        let mut records = std::collections::HashMap::new();
        for host in hosts {
            let of_host: Vec<&StayRecord> = stays.iter().filter(|s| s.host_cluster == host).collect();
            let asked: Vec<deskvisa_store::VisitAsked> = of_host
                .iter()
                .map(|s| deskvisa_store::VisitAsked { member: s.member, before: s.start_date, except: s.id })
                .collect();
            for (stay, record) in of_host.iter().zip(tx.visit_records(host, &asked).await?) {
                records.insert(stay.id, record);
            }
        }
        Ok(stays.iter().map(|s| records.get(&s.id).copied().unwrap_or_default()).collect())
    }

    pub(crate) async fn read_stay(&self, id: StayId) -> Result<StayRecord, ServiceError> {
        let tx = self.store.begin_read().await?;
        tx.stay(id, false).await?.ok_or(ServiceError::NotFound)
    }

    /// A person acts on a stay.
    pub async fn act_on_stay(
        &self,
        caller: &Caller,
        id: StayId,
        command: StayCommand,
    ) -> Result<StayRecord, ServiceError> {
        retrying("act on a stay", || self.act_once(caller, id, &command)).await?;
        self.read_stay(id).await
    }

    async fn act_once(&self, caller: &Caller, id: StayId, command: &StayCommand) -> Attempt<()> {
        let tx = self.store.begin_write().await?;
        let stay = tx.stay(id, true).await?.filter(|stay| caller.sees(stay)).ok_or(ServiceError::NotFound)?;
        let host_admin = caller.admin_of(stay.host_cluster);
        let (action, actor, reason) = match command {
            StayCommand::Cancel(reason) if stay.member == caller.member => {
                (Action::Cancel { reason: None }, Actor::Member, reason.clone())
            }
            StayCommand::Cancel(reason) if host_admin => {
                (Action::Cancel { reason: reason.clone() }, Actor::HostAdmin, reason.clone())
            }
            _ if !host_admin => return Err(ServiceError::Forbidden.into()),
            StayCommand::Approve => (Action::Approve, Actor::HostAdmin, None),
            StayCommand::Decline(reason) => {
                (Action::Decline { reason: reason.clone() }, Actor::HostAdmin, Some(reason.clone()))
            }
            StayCommand::CheckIn => (Action::CheckIn, Actor::HostAdmin, None),
            StayCommand::NoShow => (Action::NoShow, Actor::HostAdmin, None),
            StayCommand::Cancel(_) => return Err(ServiceError::Forbidden.into()),
        };
        let now = self.now();
        let moved = transition(&stay.facts, &action, actor, now).map_err(ServiceError::Transition)?;
        let written = async {
            let step = Step { actor, by: caller.member, action: &action, reason: reason.as_ref(), now };
            if !write_transition(&tx, &stay, &moved, &step).await? {
                return Ok(false);
            }
            // A visitor who leaves or never came keeps no seat at the
            // host's events still to come.
            if moved.to == StayStatus::Cancelled {
                crate::events::withdraw_for_ended_stay(&tx, id, RegistrationStatus::StayCancelled, now).await?;
            } else if moved.no_show && !stay.no_show {
                crate::events::withdraw_for_ended_stay(&tx, id, RegistrationStatus::NoLongerEligible, now).await?;
            }
            // Nor does the visit ask the host's firms to meet any more.
            if moved.to == StayStatus::Cancelled || (moved.no_show && !stay.no_show) {
                crate::introductions::lapse_for_stay(&tx, id, now).await?;
            }
            tx.commit().await.map(|()| true)
        };
        if !written.await? {
            // Someone moved it first: the compare-and-swap lost.
            let lost =
                if stay.status == StayStatus::Pending { TransitionError::NotPending } else { TransitionError::Over };
            return Err(ServiceError::Transition(lost).into());
        }
        tracing::info!(stay = %id, action = %action.history(), to = %moved.to, "stay moved");
        Ok(())
    }
}

/// Who moves a stay, how and when: what its history line says.
pub(crate) struct Step<'a> {
    pub(crate) actor: Actor,
    pub(crate) by: MemberId,
    pub(crate) action: &'a Action,
    pub(crate) reason: Option<&'a Reason>,
    pub(crate) now: DateTime<Utc>,
}

/// Writes a transition the rules allowed: the compare-and-swap (`false`
/// when someone moved the stay first), its history line and its emails.
pub(crate) async fn write_transition(
    tx: &deskvisa_store::Tx,
    stay: &StayRecord,
    moved: &deskvisa_rules::Transition,
    step: &Step<'_>,
) -> Result<bool, StoreError> {
    if !tx.apply_transition(stay, moved, step.actor, step.reason, step.now).await? {
        return Ok(false);
    }
    let entry = HistoryEntry {
        at: step.now,
        actor: step.actor,
        by: Some(step.by),
        from: Some(stay.status),
        to: moved.to,
        action: step.action.history(),
        reason: step.reason.cloned(),
        guarantee_exception: moved.guarantee_exception,
        moved: None,
    };
    tx.record_history(stay.id, &entry).await?;
    let sequence = u32::try_from(stay.history.len()).unwrap_or(u32::MAX);
    let mails = stay_mails(stay.id, stay.member, stay.host_cluster, Some(stay.status), moved.to, step.reason, sequence);
    tx.enqueue_mail(&mails, step.now).await?;
    Ok(true)
}

/// The stay the rules accepted and its first history entries: the request,
/// and the approval or expiry the rules made at once.
pub(crate) fn accepted_stay(
    id: StayId,
    member: MemberId,
    input: &StayRequestInput,
    snapshot: &deskvisa_rules::Snapshot,
    acceptance: &deskvisa_rules::Acceptance,
    now: DateTime<Utc>,
) -> (NewStay, Vec<HistoryEntry>) {
    let new = NewStay {
        id,
        member,
        site: input.site,
        host_cluster: snapshot.host.id,
        home_cluster: snapshot.home.id,
        start_date: input.start_date,
        end_date: input.end_date,
        status: acceptance.status(),
        purpose: input.purpose.clone(),
        answer_deadline: acceptance.answer_deadline,
        within_guarantee: acceptance.within_guarantee,
        held_days: if acceptance.holds_desks() { acceptance.days.clone() } else { Vec::new() },
        created_at: now,
    };
    let request = HistoryEntry {
        at: now,
        actor: Actor::Member,
        by: Some(member),
        from: None,
        to: StayStatus::Pending,
        action: HistoryAction::Request,
        reason: None,
        guarantee_exception: false,
        moved: None,
    };
    let by_the_rules = |to, action, guarantee_exception| HistoryEntry {
        actor: Actor::Worker,
        by: None,
        from: Some(StayStatus::Pending),
        to,
        action,
        guarantee_exception,
        ..request.clone()
    };
    let settled = match acceptance.outcome {
        Outcome::Pending => None,
        Outcome::Approved { by } => Some(by_the_rules(StayStatus::Approved, HistoryAction::of_approval(by), false)),
        Outcome::Expired => Some(by_the_rules(StayStatus::Expired, HistoryAction::Expire, acceptance.within_guarantee)),
    };
    (new, std::iter::once(request).chain(settled).collect())
}

/// The stay as written, without a second read.
fn stay_record(new: NewStay, history: Vec<HistoryEntry>, zone: deskvisa_rules::TimeZone) -> StayRecord {
    let facts = deskvisa_rules::StayFacts {
        status: new.status,
        checked_in: false,
        no_show: false,
        start_date: new.start_date,
        end_date: new.end_date,
        held_days: new.held_days.clone(),
        days: new.held_days.clone(),
        answer_deadline: new.answer_deadline,
        within_guarantee: new.within_guarantee,
        zone,
    };
    StayRecord {
        id: new.id,
        member: new.member,
        site: new.site,
        host_cluster: new.host_cluster,
        home_cluster: new.home_cluster,
        start_date: new.start_date,
        end_date: new.end_date,
        days: new.held_days,
        status: new.status,
        purpose: new.purpose,
        decline_reason: None,
        cancel_reason: None,
        answer_deadline: new.answer_deadline,
        within_guarantee: new.within_guarantee,
        checked_in: false,
        no_show: false,
        created_at: new.created_at,
        history,
        facts,
        delegation: None,
    }
}
