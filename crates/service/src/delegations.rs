//! Delegations (issue 23): a home cluster's admin asks for one stay for a
//! group of its members (2 to 20, named) at one site and range. All or
//! nothing, in one transaction: each member judged by their own rules, the
//! desks for all taken or none. The host answers once for the group; each
//! member has their own stay, emails and calendar, and cancels only their
//! own place. The ledger counts each member's days as any stay's.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{
    Action, Actor, ClusterId, GroupDecision, MAX_DELEGATION, MIN_DELEGATION, MailKind, MemberId, Reason, Refusal,
    SiteId, StayId, StayRequest, StayStatus, Violation, decide_group, transition,
};
use deskvisa_store::{DelegationRow, NewMail, StayRecord, StoreError};
use serde::{Deserialize, Serialize};

use crate::Service;
use crate::caller::Caller;
use crate::error::{Attempt, AttemptError, ServiceError};
use crate::mail_events::to_admins;
use crate::retry::retrying;
use crate::stays::{StayRequestInput, Step, accepted_stay, write_transition};

/// A delegation as asked for.
#[derive(Debug, Clone)]
pub struct DelegationInput {
    /// Where.
    pub site: SiteId,
    /// First date.
    pub start_date: NaiveDate,
    /// Last date.
    pub end_date: NaiveDate,
    /// Why the group comes.
    pub purpose: String,
    /// Who: members of the caller's cluster, 2 to 20, each once.
    pub members: Vec<MemberId>,
}

/// A delegation with its members' stays.
#[derive(Debug, Clone)]
pub struct Delegation {
    /// The group's row.
    pub row: DelegationRow,
    /// Each member's stay, in the order named.
    pub stays: Vec<StayRecord>,
}

impl Delegation {
    /// Some member's stay still waits for the host.
    pub fn pending(&self) -> bool {
        self.stays.iter().any(|s| s.status == StayStatus::Pending)
    }
}

/// A delegation email's facts in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationNotice {
    /// The delegation.
    pub delegation: uuid::Uuid,
}

/// The host's one answer for a group.
#[derive(Debug, Clone)]
pub enum GroupAnswer {
    /// Approve every stay still pending.
    Approve,
    /// Decline every stay still pending, with a reason.
    Decline(Reason),
}

impl Service {
    /// A home cluster's admin asks for stays for a group of its members.
    pub async fn request_delegation(
        &self,
        caller: &Caller,
        input: &DelegationInput,
    ) -> Result<Delegation, ServiceError> {
        let home = caller.home()?;
        if !caller.admin_of(home) {
            return Err(ServiceError::Forbidden);
        }
        let mut members = input.members.clone();
        members.sort_unstable();
        members.dedup();
        if members.len() != input.members.len() || !(MIN_DELEGATION..=MAX_DELEGATION).contains(&members.len()) {
            return Err(ServiceError::Invalid(format!(
                "members: {MIN_DELEGATION} to {MAX_DELEGATION} members of your cluster, each once"
            )));
        }
        for member in &input.members {
            let record = self.member(*member).await.map_err(|_| not_yours(*member))?;
            if record.cluster_id != Some(home) {
                return Err(not_yours(*member));
            }
        }
        let id = uuid::Uuid::now_v7();
        // Time-ordered ids: the group's stays read back in the order named.
        let stays: Vec<StayId> = input.members.iter().map(|_| StayId::from_uuid(uuid::Uuid::now_v7())).collect();
        retrying("request a delegation", || self.delegation_once(caller, home, id, &stays, input)).await?;
        self.read_delegation(id).await
    }

    async fn delegation_once(
        &self,
        caller: &Caller,
        home: ClusterId,
        id: uuid::Uuid,
        stays: &[StayId],
        input: &DelegationInput,
    ) -> Attempt<()> {
        let tx = self.store.begin_write().await?;
        // Members locked in one order, so two groups never wait on each other.
        let mut ordered = input.members.clone();
        ordered.sort_unstable();
        for member in &ordered {
            tx.lock_member(*member).await?;
        }
        let now = self.now();
        let request = StayRequest { start_date: input.start_date, end_date: input.end_date };
        let mut snapshots = Vec::with_capacity(input.members.len());
        for member in &input.members {
            snapshots.push(tx.stay_snapshot(*member, input.site, &request, now).await?);
        }
        let acceptances = match decide_group(&snapshots, &request, now) {
            GroupDecision::Accepted(all) => all,
            GroupDecision::Refused(refused) => {
                let by_member = refused.into_iter().map(|(place, r)| (input.members[place], r)).collect();
                return Err(ServiceError::GroupRefused(by_member).into());
            }
        };
        let desks = snapshots.first().map_or(0, |s| s.site.desks);
        let mut mails: Vec<NewMail> = Vec::new();
        for (place, acceptance) in acceptances.iter().enumerate() {
            let member = input.members[place];
            if acceptance.holds_desks()
                && let Err(full_dates) = tx.hold_days(input.site, desks, &acceptance.days).await?
            {
                // Taken meanwhile: nothing of the group is written.
                let refusal =
                    Refusal { violations: vec![Violation::NoCapacity { full_dates }], alternatives: Vec::new() };
                return Err(ServiceError::GroupRefused(vec![(member, refusal)]).into());
            }
            let stay_input = StayRequestInput {
                site: input.site,
                start_date: input.start_date,
                end_date: input.end_date,
                purpose: input.purpose.clone(),
            };
            let (new, history) = accepted_stay(stays[place], member, &stay_input, &snapshots[place], acceptance, now);
            // Each member hears of their own stay; the host's admins hear once, of the group.
            let moves: Vec<_> = history.iter().map(|e| (e.from, e.to, e.reason.clone())).collect();
            let own: Vec<NewMail> = crate::mail_events::request_mails(stays[place], member, new.host_cluster, &moves)
                .into_iter()
                .filter(|m| !m.kind.to_host())
                .collect();
            match tx.insert_stay(&new, &history, &own).await {
                Ok(()) => {}
                Err(StoreError::Unique(e)) => return Err(AttemptError::Transient(StoreError::Unique(e))),
                Err(e) => return Err(e.into()),
            }
            if place == 0 {
                mails.push(NewMail {
                    kind: MailKind::DelegationRequestedHost,
                    recipient: to_admins(new.host_cluster),
                    // A uuid always serializes.
                    payload: serde_json::to_string(&DelegationNotice { delegation: id }).unwrap_or_default(),
                });
            }
        }
        let row = DelegationRow {
            id,
            home_cluster: home,
            host_cluster: snapshots.first().map_or(home, |s| s.host.id),
            site: input.site,
            start_date: input.start_date,
            end_date: input.end_date,
            purpose: input.purpose.clone(),
            requested_by: Some(caller.member),
            created_at: now,
            stays: stays.to_vec(),
        };
        tx.insert_delegation(&row).await?;
        tx.enqueue_mail(&mails, now).await?;
        tx.commit().await?;
        tracing::info!(delegation = %id, members = stays.len(), site = %input.site, "delegation requested");
        Ok(())
    }

    async fn read_delegation(&self, id: uuid::Uuid) -> Result<Delegation, ServiceError> {
        let tx = self.store.begin_read().await?;
        let row = tx.delegation(id).await?.ok_or(ServiceError::NotFound)?;
        let stays = tx.stays(&row.stays).await?;
        Ok(Delegation { row, stays })
    }

    /// A delegation, for its home cluster's and host's admins, network
    /// admins and its members; `NotFound` for anyone else.
    pub async fn delegation(&self, caller: &Caller, id: uuid::Uuid) -> Result<Delegation, ServiceError> {
        let delegation = self.read_delegation(id).await?;
        let sees = caller.network_admin
            || caller.admin_of(delegation.row.home_cluster)
            || caller.admin_of(delegation.row.host_cluster)
            || delegation.stays.iter().any(|s| s.member == caller.member);
        if sees { Ok(delegation) } else { Err(ServiceError::NotFound) }
    }

    /// The delegations still waiting for `cluster`'s answer (as host), or
    /// sent by it (`from_home`), soonest first; for its admins.
    pub async fn open_delegations(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        from_home: bool,
    ) -> Result<Vec<Delegation>, ServiceError> {
        if !caller.admin_of(cluster) {
            return Err(ServiceError::Forbidden);
        }
        let ids = self.store.begin_read().await?.open_delegations(cluster, from_home, 100).await?;
        let mut open = Vec::with_capacity(ids.len());
        for id in ids {
            open.push(self.read_delegation(id).await?);
        }
        Ok(open)
    }

    /// The host answers once for the group: every member's stay still
    /// pending is approved or declined, in one transaction, each member told.
    pub async fn answer_delegation(
        &self,
        caller: &Caller,
        id: uuid::Uuid,
        answer: GroupAnswer,
    ) -> Result<Delegation, ServiceError> {
        let delegation = self.delegation(caller, id).await?;
        if !caller.admin_of(delegation.row.host_cluster) {
            return Err(ServiceError::Forbidden);
        }
        retrying("answer a delegation", || self.answer_group_once(caller, &delegation.row, &answer)).await?;
        self.read_delegation(id).await
    }

    async fn answer_group_once(&self, caller: &Caller, row: &DelegationRow, answer: &GroupAnswer) -> Attempt<()> {
        let tx = self.store.begin_write().await?;
        let now = self.now();
        let (action, reason) = match answer {
            GroupAnswer::Approve => (Action::Approve, None),
            GroupAnswer::Decline(reason) => (Action::Decline { reason: reason.clone() }, Some(reason.clone())),
        };
        let mut answered = 0;
        for stay_id in &row.stays {
            let Some(stay) = tx.stay(*stay_id, true).await? else { continue };
            // A member who cancelled their own place is not answered again.
            if stay.status != StayStatus::Pending {
                continue;
            }
            let moved = transition(&stay.facts, &action, Actor::HostAdmin, now).map_err(ServiceError::Transition)?;
            let step =
                Step { actor: Actor::HostAdmin, by: caller.member, action: &action, reason: reason.as_ref(), now };
            if !write_transition(&tx, &stay, &moved, &step).await? {
                return Err(AttemptError::Transient(StoreError::Retry("a stay of the group moved".into())));
            }
            answered += 1;
        }
        if answered == 0 {
            return Err(ServiceError::Transition(deskvisa_rules::TransitionError::NotPending).into());
        }
        tx.commit().await?;
        tracing::info!(delegation = %row.id, answered, "delegation answered");
        Ok(())
    }

    /// Writes the delegation email for `recipient` (one of the host's
    /// admins) from `payload`; `None` when the delegation is gone.
    pub async fn compose_delegation(
        &self,
        kind: deskvisa_mail::DelegationKind,
        recipient: MemberId,
        payload: &str,
    ) -> Result<Option<deskvisa_mail::DelegationMail>, ServiceError> {
        let Ok(notice) = serde_json::from_str::<DelegationNotice>(payload) else { return Ok(None) };
        let Ok(delegation) = self.read_delegation(notice.delegation).await else { return Ok(None) };
        let tx = self.store.begin_read().await?;
        let (Some(to), Some(site)) = (tx.member(recipient).await?, tx.site(delegation.row.site).await?) else {
            return Ok(None);
        };
        let home = tx.cluster(delegation.row.home_cluster).await?.map(|c| c.name).unwrap_or_default();
        let host = tx.cluster(delegation.row.host_cluster).await?.map(|c| c.name).unwrap_or_default();
        let mut members = Vec::with_capacity(delegation.stays.len());
        for stay in &delegation.stays {
            if let Some(m) = tx.member(stay.member).await? {
                members.push((m.name, m.company));
            }
        }
        let deadline: Option<DateTime<Utc>> =
            delegation.stays.iter().filter(|s| s.status == StayStatus::Pending).filter_map(|s| s.answer_deadline).min();
        Ok(Some(deskvisa_mail::DelegationMail {
            kind,
            locale: to.locale.as_str().to_owned(),
            recipient_name: to.name,
            recipient_email: to.email.as_str().to_owned(),
            home_cluster_name: home,
            host_cluster_name: host,
            site_name: site.name,
            site_timezone: site.timezone.name().to_owned(),
            start_date: delegation.row.start_date,
            end_date: delegation.row.end_date,
            purpose: delegation.row.purpose.clone(),
            members,
            answer_deadline: deadline,
            url: format!("{}/delegations/{}", self.public_url.trim_end_matches('/'), delegation.row.id),
        }))
    }
}

fn not_yours(member: MemberId) -> ServiceError {
    ServiceError::Invalid(format!("members: {member} is not a member of your cluster"))
}
