//! Events during the visit (DOMAIN.md, "Events") as use cases: a host's
//! cluster admins publish, change and cancel events at their sites; members
//! register and withdraw. Each is one transaction that writes the change,
//! the seats it takes or gives back and the emails it causes, or nothing.
//!
//! Seats are taken like desks (a conditional update of the event's counter),
//! so many registrations for the last seat give one winner and `event_full`
//! for the others, on SQLite and PostgreSQL alike.

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, Utc};
use deskvisa_rules::{
    EventFacts, EventId, EventTimeError, EventTimes, MailKind, RegistrationGrant, SiteId, StayId, registration,
};
use deskvisa_store::{
    EventChange, EventRecord, NewEvent, RegistrationRecord, RegistrationStatus, SiteRecord, StoreError, Tx,
};

use crate::Service;
use crate::caller::Caller;
use crate::conflict::Conflict;
use crate::error::{Attempt, AttemptError, ServiceError};
use crate::mail_events::{EventNotice, event_mail};
use crate::paging::{Page, PageRequest, foreign_cursor};
use crate::retry::retrying;

/// The days a site's event list covers when no end is asked for.
pub const DEFAULT_EVENT_DAYS: u64 = 90;

/// The longest window of a site's event list, in days.
pub const MAX_EVENT_WINDOW_DAYS: i64 = 366;

/// An event as its admin writes it (text already checked for length).
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct EventDraft {
    pub title: String,
    /// What it is about.
    pub description: String,
    /// Local start at the site.
    pub starts_at: NaiveDateTime,
    /// Local end at the site.
    pub ends_at: NaiveDateTime,
    /// Seats (1 to [`deskvisa_rules::MAX_EVENT_CAPACITY`]).
    pub capacity: u32,
    /// Whether visitors may register, or only the host's own members.
    pub open_to_visitors: bool,
}

/// A change to an event: any subset of its fields.
#[derive(Debug, Clone, Default)]
pub struct EventPatch {
    /// A new title.
    pub title: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new local start.
    pub starts_at: Option<NaiveDateTime>,
    /// A new local end.
    pub ends_at: Option<NaiveDateTime>,
    /// A new number of seats.
    pub capacity: Option<u32>,
    /// Open to visitors or not.
    pub open_to_visitors: Option<bool>,
}

/// What a registration attempt gave.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The live registration.
    pub registration: RegistrationRecord,
    /// Whether this call wrote it (`false`: the member was registered already).
    pub created: bool,
}

pub(crate) fn times_error(e: EventTimeError) -> ServiceError {
    match e {
        EventTimeError::InThePast | EventTimeError::TooFar { .. } => Conflict::EventTime(e).into(),
        other => ServiceError::EventTimes(other),
    }
}

fn below_registrations(registered: usize) -> ServiceError {
    Conflict::CapacityBelowRegistrations { registered }.into()
}

/// A window of local start dates from `from`: to `to`, or by default
/// [`DEFAULT_EVENT_DAYS`] days on; at most [`MAX_EVENT_WINDOW_DAYS`] days.
fn window(from: NaiveDate, to: Option<NaiveDate>) -> Result<(NaiveDate, NaiveDate), ServiceError> {
    let to = match to {
        Some(to) => to,
        None => from.checked_add_days(Days::new(DEFAULT_EVENT_DAYS)).unwrap_or(from),
    };
    if to < from {
        return Err(ServiceError::Invalid("to: not before from".to_owned()));
    }
    if (to - from).num_days() >= MAX_EVENT_WINDOW_DAYS {
        return Err(ServiceError::Invalid(format!("from..to: at most {MAX_EVENT_WINDOW_DAYS} days")));
    }
    Ok((from, to))
}

/// A failed attempt: a transient store error (which became `Unavailable`)
/// is worth another try; anything else is the answer.
fn settle(err: ServiceError) -> AttemptError {
    match err {
        ServiceError::Unavailable => AttemptError::Transient(StoreError::Retry("transient conflict".to_owned())),
        other => AttemptError::Final(other),
    }
}

fn cancelled() -> ServiceError {
    Conflict::EventCancelled.into()
}

fn begun() -> ServiceError {
    Conflict::EventOver.into()
}

/// Emails for registrations that ended, each to its member.
fn ended_mails(
    ended: &[RegistrationRecord],
    kind: MailKind,
    reason: Option<&str>,
    sequence: u32,
) -> Vec<deskvisa_store::NewMail> {
    ended
        .iter()
        .map(|r| {
            event_mail(
                kind,
                r.member,
                &EventNotice {
                    event: r.event.as_uuid(),
                    reason: reason.map(str::to_owned),
                    sequence,
                    by_member: false,
                },
            )
        })
        .collect()
}

impl Service {
    /// The site, or 404; and whether the caller administers its cluster (403 otherwise).
    pub(crate) async fn site_for_admin(&self, caller: &Caller, site: SiteId) -> Result<SiteRecord, ServiceError> {
        let record = self.site(site).await?;
        if caller.admin_of(record.cluster_id) { Ok(record) } else { Err(ServiceError::Forbidden) }
    }

    /// A site's cluster admin publishes an event.
    pub async fn publish_event(
        &self,
        caller: &Caller,
        site: SiteId,
        draft: EventDraft,
    ) -> Result<EventRecord, ServiceError> {
        let record = self.site_for_admin(caller, site).await?;
        let times = EventTimes::check_within(
            draft.starts_at,
            draft.ends_at,
            record.timezone,
            self.now(),
            self.event_horizon_days,
        )
        .map_err(times_error)?;
        let id = EventId::from_uuid(uuid::Uuid::new_v4());
        let new = NewEvent {
            id,
            site,
            cluster: record.cluster_id,
            title: draft.title,
            description: draft.description,
            times,
            capacity: draft.capacity,
            open_to_visitors: draft.open_to_visitors,
            created_by: caller.member,
            series: None,
        };
        retrying("publish an event", || async {
            let tx = self.store.begin_write().await?;
            let written = async {
                tx.insert_event(&new, self.now()).await?;
                tx.commit().await
            };
            Ok::<(), AttemptError>(written.await?)
        })
        .await?;
        tracing::info!(event = %id, %site, "event published");
        self.event(id).await
    }

    /// An event, for any signed-in member.
    pub async fn event(&self, id: EventId) -> Result<EventRecord, ServiceError> {
        self.store.read_event(id).await?.ok_or(ServiceError::NotFound)
    }

    /// The window of local start dates a list of a site's events covers:
    /// `from..=to`, by default from today at the site, for
    /// [`DEFAULT_EVENT_DAYS`] days; at most [`MAX_EVENT_WINDOW_DAYS`] days.
    async fn event_window(
        &self,
        site: SiteId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<(NaiveDate, NaiveDate), ServiceError> {
        let record = self.site(site).await?;
        window(from.unwrap_or_else(|| record.timezone.date_at(self.now())), to)
    }

    /// A site's events (not cancelled) starting on a local date in the
    /// window (see [`Service::site_events`]), for the pages: the first 500.
    pub async fn site_events(
        &self,
        site: SiteId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<EventRecord>, ServiceError> {
        let (from, to) = self.event_window(site, from, to).await?;
        Ok(self.store.site_events(site, from, to, None, 500).await?)
    }

    /// A page of a site's events in the window, earliest first.
    pub async fn site_events_page(
        &self,
        site: SiteId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        page: PageRequest<EventId>,
    ) -> Result<Page<EventRecord, EventId>, ServiceError> {
        let (from, to) = self.event_window(site, from, to).await?;
        if let Some(after) = page.after
            && self.store.read_event(after).await?.is_none_or(|e| e.site != site)
        {
            return Err(foreign_cursor());
        }
        let rows = self.store.site_events(site, from, to, page.after, page.rows()).await?;
        Ok(page.page(rows, |e| e.id))
    }

    /// The network's programme: events open to visitors across the network
    /// starting on a local date of the window (by default today, UTC, and
    /// [`DEFAULT_EVENT_DAYS`] days on; at most [`MAX_EVENT_WINDOW_DAYS`]),
    /// in a country or on a continent, earliest first; for those who may
    /// travel in the network (members of active clusters, network staff).
    pub async fn programme(
        &self,
        caller: &Caller,
        window: (Option<NaiveDate>, Option<NaiveDate>),
        place: (Option<&deskvisa_rules::Country>, Option<deskvisa_rules::Continent>),
        page: PageRequest<EventId>,
    ) -> Result<Page<EventRecord, EventId>, ServiceError> {
        self.directory_reader(caller).await?;
        let (from, to) = self::window(window.0.unwrap_or_else(|| self.now().date_naive()), window.1)?;
        if let Some(after) = page.after
            && self.store.read_event(after).await?.is_none()
        {
            return Err(foreign_cursor());
        }
        let clusters = self.active_clusters_in(None, place.0, place.1).await?;
        let rows = self.store.programme(from, to, clusters.as_deref(), page.after, page.rows()).await?;
        Ok(page.page(rows, |e| e.id))
    }

    /// The event its cluster's admin is about to change or cancel, read (and
    /// locked) in `tx`: 404 when there is none, 403 when the caller is not
    /// such an admin, 409 `event_cancelled` when it was cancelled already.
    async fn event_to_change(&self, tx: &Tx, caller: &Caller, id: EventId) -> Result<EventRecord, ServiceError> {
        let event = tx.event(id, true).await?.ok_or(ServiceError::NotFound)?;
        if !caller.admin_of(event.cluster) {
            return Err(ServiceError::Forbidden);
        }
        if event.cancelled_at.is_some() {
            return Err(cancelled());
        }
        Ok(event)
    }

    /// The event's admin changes it. Registered people are told; a visitor
    /// whose stay no longer covers the new date, or who may no longer come
    /// because the event closed to visitors, loses the registration and is
    /// told so. Seats cannot go below the registrations held (409
    /// `capacity_below_registrations`).
    pub async fn update_event(
        &self,
        caller: &Caller,
        id: EventId,
        patch: EventPatch,
    ) -> Result<EventRecord, ServiceError> {
        retrying("change an event", || self.update_event_once(caller, id, &patch)).await?;
        self.event(id).await
    }

    async fn update_event_once(&self, caller: &Caller, id: EventId, patch: &EventPatch) -> Attempt<()> {
        let tx = self.store.begin_write().await?;
        let result = async {
            let event = self.event_to_change(&tx, caller, id).await?;
            let now = self.now();
            let site = tx.site(event.site).await?.ok_or(ServiceError::NotFound)?;
            let (starts_at, ends_at) =
                (patch.starts_at.unwrap_or(event.starts_at), patch.ends_at.unwrap_or(event.ends_at));
            let times = if (starts_at, ends_at) == (event.starts_at, event.ends_at) {
                if event.starts_utc <= now {
                    return Err(begun());
                }
                EventTimes { starts_at, ends_at, starts_utc: event.starts_utc, ends_utc: event.ends_utc }
            } else {
                EventTimes::check_within(starts_at, ends_at, site.timezone, now, self.event_horizon_days)
                    .map_err(times_error)?
            };
            let change = EventChange {
                title: patch.title.clone().unwrap_or_else(|| event.title.clone()),
                description: patch.description.clone().unwrap_or_else(|| event.description.clone()),
                times,
                capacity: patch.capacity.unwrap_or(event.capacity),
                open_to_visitors: patch.open_to_visitors.unwrap_or(event.open_to_visitors),
            };
            // Who may still come once the event has changed.
            let facts = EventFacts {
                site: event.site,
                host_cluster: event.cluster,
                local_start: change.times.starts_at,
                open_to_visitors: change.open_to_visitors,
            };
            let live = tx.live_registrations(id).await?;
            let mut lost = Vec::new();
            for r in &live {
                let stays = tx.registrant_stays(r.member, event.site).await?;
                if registration(r.cluster, &facts, &stays).is_err() {
                    lost.push(r.clone());
                }
            }
            let staying = live.len() - lost.len();
            if usize::try_from(change.capacity).unwrap_or(usize::MAX) < staying {
                return Err(below_registrations(staying));
            }
            let ended = tx.end_registrations(&lost, RegistrationStatus::NoLongerEligible, now).await?;
            let updated = match tx.update_event(id, &change, now).await {
                // The schema's backstop (registered <= capacity) caught a seat taken meanwhile.
                Err(StoreError::Check(_)) => return Err(below_registrations(staying)),
                other => other?,
            };
            if !updated {
                return Err(cancelled());
            }
            let sequence = stored_sequence(&tx, id).await?;
            let mut mails = ended_mails(&ended, MailKind::EventRegistrationWithdrawn, None, sequence);
            let visible = change.title != event.title
                || change.description != event.description
                || change.times.starts_at != event.starts_at
                || change.times.ends_at != event.ends_at;
            if visible {
                let kept: Vec<RegistrationRecord> =
                    live.iter().filter(|r| !ended.iter().any(|e| e.id == r.id)).cloned().collect();
                mails.extend(ended_mails(&kept, MailKind::EventChanged, None, sequence));
            }
            tx.enqueue_mail(&mails, now).await?;
            Ok(())
        };
        result.await.map_err(settle)?;
        Ok(tx.commit().await?)
    }

    /// The event's admin cancels it; every registered person is told.
    pub async fn cancel_event(
        &self,
        caller: &Caller,
        id: EventId,
        reason: Option<String>,
    ) -> Result<EventRecord, ServiceError> {
        retrying("cancel an event", || self.cancel_event_once(caller, id, reason.as_deref())).await?;
        self.event(id).await
    }

    pub(crate) async fn cancel_event_once(&self, caller: &Caller, id: EventId, reason: Option<&str>) -> Attempt<()> {
        let tx = self.store.begin_write().await?;
        let result = async {
            let event = self.event_to_change(&tx, caller, id).await?;
            let now = self.now();
            if event.ends_utc <= now {
                return Err(begun());
            }
            let live = tx.live_registrations(id).await?;
            let ended = tx.end_registrations(&live, RegistrationStatus::EventCancelled, now).await?;
            if !tx.cancel_event(id, reason, now).await? {
                return Err(cancelled());
            }
            let mails = ended_mails(&ended, MailKind::EventCancelled, reason, stored_sequence(&tx, id).await?);
            tx.enqueue_mail(&mails, now).await?;
            Ok(ended.len())
        };
        let told = result.await.map_err(settle)?;
        tx.commit().await?;
        tracing::info!(event = %id, told, "event cancelled");
        Ok(())
    }

    /// Who is coming, for the event's cluster admins.
    pub async fn event_registrations(
        &self,
        caller: &Caller,
        id: EventId,
    ) -> Result<Vec<RegistrationRecord>, ServiceError> {
        let tx = self.store.begin_read().await?;
        let event = tx.event(id, false).await?.ok_or(ServiceError::NotFound)?;
        if !caller.admin_of(event.cluster) {
            return Err(ServiceError::Forbidden);
        }
        Ok(tx.live_registrations(id).await?)
    }

    /// A member registers: a member of the host cluster, or a visitor whose
    /// approved stay at the site holds the event's local date (422
    /// `no_stay_covering_event`; `event_not_open_to_visitors` for events of
    /// the host's own). One seat each, while seats last (409 `event_full`).
    /// Registering again is no error: the live registration is returned.
    pub async fn register_for_event(&self, caller: &Caller, id: EventId) -> Result<Registered, ServiceError> {
        retrying("register for an event", || self.register_once(caller, id)).await
    }

    async fn register_once(&self, caller: &Caller, id: EventId) -> Attempt<Registered> {
        let tx = self.store.begin_write().await?;
        let result = async {
            // One member's registrations one at a time (PostgreSQL; SQLite
            // admits one writer anyway).
            tx.lock_member(caller.member).await?;
            let event = tx.event(id, false).await?.ok_or(ServiceError::NotFound)?;
            if let Some(registration) = tx.live_registration(id, caller.member).await? {
                return Ok(Registered { registration, created: false });
            }
            if event.cancelled_at.is_some() {
                return Err(cancelled());
            }
            let now = self.now();
            if event.starts_utc <= now {
                return Err(begun());
            }
            let facts = EventFacts {
                site: event.site,
                host_cluster: event.cluster,
                local_start: event.starts_at,
                open_to_visitors: event.open_to_visitors,
            };
            let stays = tx.registrant_stays(caller.member, event.site).await?;
            let grant = registration(caller.home()?, &facts, &stays).map_err(Conflict::Registration)?;
            let stay: Option<StayId> = match grant {
                RegistrationGrant::HostMember => None,
                RegistrationGrant::Visitor { stay } => Some(stay),
            };
            if !tx.take_seat(id).await? {
                return Err(Conflict::EventFull.into());
            }
            let registration_id = uuid::Uuid::now_v7();
            tx.insert_registration(registration_id, id, caller.member, stay, now).await?;
            let notice = EventNotice { event: id.as_uuid(), reason: None, sequence: event.sequence, by_member: false };
            tx.enqueue_mail(&[event_mail(MailKind::EventRegistered, caller.member, &notice)], now).await?;
            let registration = tx
                .live_registration(id, caller.member)
                .await?
                .ok_or_else(|| ServiceError::Internal("a registration just written cannot be read back".to_owned()))?;
            Ok(Registered { registration, created: true })
        };
        let registered = result.await.map_err(settle)?;
        if registered.created {
            tx.commit().await?;
            tracing::info!(event = %id, member = %caller.member, "registered for an event");
        }
        Ok(registered)
    }

    /// The member withdraws their registration (404 if they hold none); the
    /// seat is free again and the calendar entry is cancelled by email.
    pub async fn withdraw_registration(&self, caller: &Caller, id: EventId) -> Result<(), ServiceError> {
        retrying("withdraw a registration", || async {
            let tx = self.store.begin_write().await?;
            let result = async {
                tx.event(id, false).await?.ok_or(ServiceError::NotFound)?;
                let live = tx.live_registration(id, caller.member).await?.ok_or(ServiceError::NotFound)?;
                let now = self.now();
                let ended = tx.end_registrations(&[live], RegistrationStatus::Withdrawn, now).await?;
                let notice = EventNotice {
                    event: id.as_uuid(),
                    reason: None,
                    sequence: stored_sequence(&tx, id).await?,
                    by_member: true,
                };
                let mails: Vec<_> =
                    ended.iter().map(|r| event_mail(MailKind::EventRegistrationWithdrawn, r.member, &notice)).collect();
                tx.enqueue_mail(&mails, now).await?;
                Ok(())
            };
            result.await.map_err(settle)?;
            Ok::<(), AttemptError>(tx.commit().await?)
        })
        .await
    }

    /// The caller's live registrations for events not yet over, with their events.
    pub async fn my_registrations(
        &self,
        caller: &Caller,
    ) -> Result<Vec<(RegistrationRecord, EventRecord)>, ServiceError> {
        Ok(self.store.member_registrations(caller.member, self.now()).await?)
    }
}

/// The event's SEQUENCE as this transaction has written it: what the
/// emails about its latest change carry.
pub(crate) async fn stored_sequence(tx: &Tx, event: EventId) -> Result<u32, StoreError> {
    Ok(tx.event(event, false).await?.map_or(0, |e| e.sequence))
}

/// In a stay's cancellation or its no-show mark (`why`): withdraws the
/// registrations the stay allowed for events not yet begun, gives their
/// seats back and tells each member (with a calendar cancellation).
pub(crate) async fn withdraw_for_ended_stay(
    tx: &Tx,
    stay: StayId,
    why: RegistrationStatus,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let live = tx.live_registrations_of_stay(stay, now).await?;
    let ended = tx.end_registrations(&live, why, now).await?;
    let mut mails = Vec::with_capacity(ended.len());
    for r in &ended {
        let sequence = stored_sequence(tx, r.event).await?;
        mails.push(event_mail(
            MailKind::EventRegistrationWithdrawn,
            r.member,
            &EventNotice { event: r.event.as_uuid(), reason: None, sequence, by_member: false },
        ));
    }
    tx.enqueue_mail(&mails, now).await?;
    Ok(ended.len())
}
