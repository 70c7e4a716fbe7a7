//! The waitlist for full days (issue 23), as use cases: a member joins the
//! line for exact dates a request could not get only for want of desks,
//! sees their place, leaves it; the worker offers freed desks to the first
//! in line whose whole range fits (each offer its own transaction: a
//! compare-and-swap on the entry, the guarded update on the desks) and
//! lapses offers not taken in time; accepting turns the offer into a stay
//! request judged as usual, in one transaction with the release of the
//! offer's desks.

use chrono::{NaiveDate, TimeDelta};
use deskvisa_rules::{
    DateRange, Decision, InLine, MAX_WAITING_PER_MEMBER, MailKind, MemberId, Refusal, SiteId, StayId, StayRequest,
    Violation, WaitDecision, WaitStatus, decide, may_wait, pick_offers,
};
use deskvisa_store::{NewMail, StayRecord, StoreError, WaitEntry};
use serde::{Deserialize, Serialize};

use crate::Service;
use crate::caller::Caller;
use crate::conflict::Conflict;
use crate::error::{Attempt, AttemptError, ServiceError};
use crate::retry::retrying;
use crate::stays::StayRequestInput;

/// The most sites one worker pass looks at, and the most entries of a line.
const PASS_SITES: u64 = 500;
const LINE_READ: u64 = 200;

/// A waitlist email's facts in the outbox: the entry is read again when
/// the email is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitNotice {
    /// The entry.
    pub entry: uuid::Uuid,
}

fn wait_mail(kind: MailKind, member: MemberId, entry: uuid::Uuid) -> NewMail {
    NewMail {
        kind,
        recipient: crate::mail_events::to_member(member),
        // A uuid always serializes.
        payload: serde_json::to_string(&WaitNotice { entry }).unwrap_or_default(),
    }
}

/// An entry with the caller's place in line (live entries only).
#[derive(Debug, Clone)]
pub struct MyWait {
    /// The entry.
    pub entry: WaitEntry,
    /// 1 for the first in line, among live entries at the site for
    /// overlapping dates.
    pub place: Option<u64>,
}

impl Service {
    /// The caller joins the line for `start..=end` at `site`.
    pub async fn join_waitlist(
        &self,
        caller: &Caller,
        site: SiteId,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<MyWait, ServiceError> {
        caller.home()?;
        let request = StayRequest { start_date: start, end_date: end };
        let entry = retrying("join a waitlist", || self.join_once(caller, site, request)).await?;
        self.my_wait(caller, entry).await
    }

    async fn join_once(&self, caller: &Caller, site: SiteId, request: StayRequest) -> Attempt<uuid::Uuid> {
        let tx = self.store.begin_write().await?;
        tx.lock_member(caller.member).await?;
        let now = self.now();
        let live = tx.live_waits(caller.member).await?;
        let range = DateRange::new(request.start_date, request.end_date);
        let overlapping = live.iter().any(|w| {
            w.site == site
                && range.is_some_and(|r| DateRange::new(w.start_date, w.end_date).is_some_and(|o| o.overlaps(r)))
        });
        if overlapping {
            return Err(ServiceError::Conflict(Conflict::AlreadyWaiting).into());
        }
        if live.len() >= MAX_WAITING_PER_MEMBER {
            return Err(ServiceError::Conflict(Conflict::WaitingTooMuch { max: MAX_WAITING_PER_MEMBER }).into());
        }
        let snapshot = tx.stay_snapshot(caller.member, site, &request, now).await?;
        match may_wait(&snapshot, &request, now) {
            WaitDecision::MayWait => {}
            WaitDecision::Fits => return Err(ServiceError::Conflict(Conflict::DesksFree).into()),
            WaitDecision::Refused(refusal) => return Err(ServiceError::Refused(refusal).into()),
        }
        let entry = WaitEntry {
            // Time-ordered, so members who join in the same instant keep
            // the order they joined in (the line is by time, then id).
            id: uuid::Uuid::now_v7(),
            member: caller.member,
            site,
            start_date: request.start_date,
            end_date: request.end_date,
            status: WaitStatus::Waiting,
            joined_at: now,
            offered_at: None,
            offer_expires_at: None,
            ended_at: None,
            stay: None,
            days: Vec::new(),
        };
        tx.join_waitlist(&entry).await?;
        tx.commit().await?;
        tracing::info!(entry = %entry.id, member = %caller.member, %site, "joined a waitlist");
        Ok(entry.id)
    }

    /// One of the caller's entries with their place in line; `NotFound`
    /// for anyone else's.
    pub async fn my_wait(&self, caller: &Caller, id: uuid::Uuid) -> Result<MyWait, ServiceError> {
        let tx = self.store.begin_read().await?;
        let entry =
            tx.wait_entry(id, false).await?.filter(|e| e.member == caller.member).ok_or(ServiceError::NotFound)?;
        let place = if entry.status.is_live() { Some(tx.place_in_line(&entry).await?) } else { None };
        Ok(MyWait { entry, place })
    }

    /// The caller's entries: live ones first, with their places, then the
    /// latest ended ones; at most 50.
    pub async fn my_waitlist(&self, caller: &Caller) -> Result<Vec<MyWait>, ServiceError> {
        let tx = self.store.begin_read().await?;
        let mut mine = Vec::new();
        for entry in tx.member_waitlist(caller.member, 50).await? {
            let place = if entry.status.is_live() { Some(tx.place_in_line(&entry).await?) } else { None };
            mine.push(MyWait { entry, place });
        }
        Ok(mine)
    }

    /// The caller leaves the line (or lets an offer go: its desks go to the
    /// next in line at the worker's next pass).
    pub async fn leave_waitlist(&self, caller: &Caller, id: uuid::Uuid) -> Result<MyWait, ServiceError> {
        retrying("leave a waitlist", || async {
            let tx = self.store.begin_write().await?;
            let entry =
                tx.wait_entry(id, true).await?.filter(|e| e.member == caller.member).ok_or(ServiceError::NotFound)?;
            if !entry.status.is_live() {
                return Err(ServiceError::Conflict(Conflict::WaitOver).into());
            }
            if !tx.end_wait(&entry, entry.status, WaitStatus::Left, None, self.now()).await? {
                return Err(AttemptError::Transient(StoreError::Retry("the entry moved".into())));
            }
            tx.commit().await?;
            Ok(())
        })
        .await?;
        self.my_wait(caller, id).await
    }

    /// The caller takes an offer: the desks it held are released and the
    /// stay is requested as usual (pending or approved as the host's policy
    /// says), in one transaction; refused, nothing changes and the offer
    /// stands until it lapses.
    pub async fn accept_offer(&self, caller: &Caller, id: uuid::Uuid) -> Result<StayRecord, ServiceError> {
        caller.home()?;
        let stay = StayId::from_uuid(uuid::Uuid::now_v7());
        retrying("accept an offer", || self.accept_once(caller, id, stay)).await?;
        self.read_stay(stay).await
    }

    async fn accept_once(&self, caller: &Caller, id: uuid::Uuid, stay: StayId) -> Attempt<()> {
        let tx = self.store.begin_write().await?;
        tx.lock_member(caller.member).await?;
        let now = self.now();
        let entry =
            tx.wait_entry(id, true).await?.filter(|e| e.member == caller.member).ok_or(ServiceError::NotFound)?;
        let open = entry.status == WaitStatus::Offered && entry.offer_expires_at.is_some_and(|at| at > now);
        if !open {
            return Err(ServiceError::Conflict(Conflict::OfferNotOpen).into());
        }
        if !tx.end_wait(&entry, WaitStatus::Offered, WaitStatus::Accepted, Some(stay), now).await? {
            return Err(AttemptError::Transient(StoreError::Retry("the offer moved".into())));
        }
        let request = StayRequest { start_date: entry.start_date, end_date: entry.end_date };
        let snapshot = tx.stay_snapshot(caller.member, entry.site, &request, now).await?;
        let acceptance = match decide(&snapshot, &request, now) {
            Decision::Accepted(acceptance) => acceptance,
            // Nothing is written: the transaction is dropped.
            Decision::Refused(refusal) => return Err(ServiceError::Refused(refusal).into()),
        };
        if acceptance.holds_desks()
            && let Err(full_dates) = tx.hold_days(entry.site, snapshot.site.desks, &acceptance.days).await?
        {
            let violations = vec![Violation::NoCapacity { full_dates }];
            return Err(ServiceError::Refused(Refusal { violations, alternatives: Vec::new() }).into());
        }
        let input = StayRequestInput {
            site: entry.site,
            start_date: entry.start_date,
            end_date: entry.end_date,
            purpose: String::new(),
        };
        let (new, history) = crate::stays::accepted_stay(stay, caller.member, &input, &snapshot, &acceptance, now);
        let moves: Vec<_> = history.iter().map(|e| (e.from, e.to, e.reason.clone())).collect();
        let mails = crate::mail_events::request_mails(stay, caller.member, new.host_cluster, &moves);
        match tx.insert_stay(&new, &history, &mails).await {
            Ok(()) => {}
            Err(StoreError::Unique(e)) => return Err(AttemptError::Transient(StoreError::Unique(e))),
            Err(e) => return Err(e.into()),
        }
        tx.commit().await?;
        tracing::info!(entry = %id, %stay, status = %new.status, "waitlist offer accepted");
        Ok(())
    }

    /// One pass of the waitlist's worker: lapses the offers whose hold ran
    /// out, drops entries whose first day has come, then offers freed desks
    /// site by site; returns (offered, lapsed). Safe with several workers:
    /// each entry moves by compare-and-swap, each desk by the guarded update.
    pub async fn waitlist_pass(&self) -> Result<(usize, usize), ServiceError> {
        let now = self.now();
        let mut lapsed = 0;
        let due = self.store.begin_read().await?.offers_due(now, LINE_READ).await?;
        for id in due {
            if retrying("lapse an offer", || self.lapse_once(id)).await? {
                lapsed += 1;
            }
        }
        let stale = self.store.begin_read().await?.stale_waits(now.date_naive(), LINE_READ).await?;
        for id in stale {
            retrying("end a stale wait", || async {
                let tx = self.store.begin_write().await?;
                if let Some(entry) = tx.wait_entry(id, true).await?
                    && entry.status == WaitStatus::Waiting
                {
                    tx.end_wait(&entry, WaitStatus::Waiting, WaitStatus::Lapsed, None, self.now()).await?;
                }
                tx.commit().await?;
                Ok(())
            })
            .await?;
        }
        let mut offered = 0;
        let sites = self.store.begin_read().await?.sites_with_line(PASS_SITES).await?;
        for site in sites {
            offered += self.offer_at(site).await?;
        }
        Ok((offered, lapsed))
    }

    async fn lapse_once(&self, id: uuid::Uuid) -> Attempt<bool> {
        let tx = self.store.begin_write().await?;
        let now = self.now();
        let Some(entry) = tx.wait_entry(id, true).await? else { return Ok(false) };
        let due = entry.status == WaitStatus::Offered && entry.offer_expires_at.is_some_and(|at| at <= now);
        if !due || !tx.end_wait(&entry, WaitStatus::Offered, WaitStatus::Lapsed, None, now).await? {
            return Ok(false);
        }
        tx.enqueue_mail(&[wait_mail(MailKind::WaitlistLapsed, entry.member, id)], now).await?;
        tx.commit().await?;
        tracing::info!(entry = %id, "waitlist offer lapsed");
        Ok(true)
    }

    /// Offers the freed desks at `site` to those first in line whose whole
    /// range fits; returns how many were offered.
    async fn offer_at(&self, site: SiteId) -> Result<usize, ServiceError> {
        let now = self.now();
        let (record, line, hold) = {
            let tx = self.store.begin_read().await?;
            let Some(record) = tx.site(site).await? else { return Ok(0) };
            let today = record.timezone.date_at(now);
            let line = tx.line_at(site, today.succ_opt().unwrap_or(today), LINE_READ).await?;
            let hold = tx.host_policy(record.cluster_id).await?.offer_hold_hours();
            (record, line, hold)
        };
        let (Some(from), Some(to)) = (line.iter().map(|e| e.start_date).min(), line.iter().map(|e| e.end_date).max())
        else {
            return Ok(0);
        };
        let Some(days) = self.store.site_days(site, from, to).await? else { return Ok(0) };
        let waiting: Vec<InLine<usize>> = line
            .iter()
            .enumerate()
            .filter_map(|(key, e)| DateRange::new(e.start_date, e.end_date).map(|range| InLine { key, range }))
            .collect();
        let picked = pick_offers(&waiting, days.desks, &days.held, |d| days.calendar.is_open(d));
        let expires = now + TimeDelta::hours(i64::from(hold));
        let mut offered = 0;
        for (key, held) in picked {
            let entry = &line[key];
            let made = retrying("offer freed desks", || async {
                let tx = self.store.begin_write().await?;
                match tx.offer(entry, &held, record.desks.get(), self.now(), expires).await? {
                    // Offered by another worker, or taken meanwhile: not now.
                    Ok(false) | Err(_) => Ok(false),
                    Ok(true) => {
                        tx.enqueue_mail(&[wait_mail(MailKind::WaitlistOffered, entry.member, entry.id)], now).await?;
                        tx.commit().await?;
                        Ok(true)
                    }
                }
            })
            .await?;
            if made {
                tracing::info!(entry = %entry.id, %site, "freed desks offered");
                offered += 1;
            }
        }
        Ok(offered)
    }

    /// Writes a waitlist email for `recipient` from `payload`; `None` when
    /// the entry is gone or is not theirs.
    pub async fn compose_waitlist(
        &self,
        kind: deskvisa_mail::WaitlistKind,
        recipient: MemberId,
        payload: &str,
    ) -> Result<Option<(deskvisa_mail::WaitlistMail, String)>, ServiceError> {
        let Ok(notice) = serde_json::from_str::<WaitNotice>(payload) else { return Ok(None) };
        let tx = self.store.begin_read().await?;
        let Some(entry) = tx.wait_entry(notice.entry, false).await?.filter(|e| e.member == recipient) else {
            return Ok(None);
        };
        let (Some(member), Some(site)) = (tx.member(recipient).await?, tx.site(entry.site).await?) else {
            return Ok(None);
        };
        let host = tx.cluster(site.cluster_id).await?.map(|c| c.name).unwrap_or_default();
        let mail = deskvisa_mail::WaitlistMail {
            kind,
            locale: member.locale.as_str().to_owned(),
            recipient_name: member.name.clone(),
            site_name: site.name,
            host_cluster_name: host,
            site_timezone: site.timezone.name().to_owned(),
            start_date: entry.start_date,
            end_date: entry.end_date,
            offer_expires_at: entry.offer_expires_at,
            url: format!("{}/waitlist/{}", self.public_url.trim_end_matches('/'), entry.id),
        };
        Ok(Some((mail, member.email.as_str().to_owned())))
    }
}
