//! A stay or an event as an iCalendar file for download (`METHOD:PUBLISH`):
//! the same event, UID and SEQUENCE as the invitations emailed about it, so
//! a calendar that has both keeps one event. And a member's personal feed
//! (issue 22): a secret URL a calendar program subscribes to, with every
//! stay and event registration of theirs, read again at each refresh; only
//! the secret's hash is kept, and it can be revoked.

use deskvisa_mail::{EventCalendar, IcsMethod, StayMailKind};
use deskvisa_rules::{EventId, StayId, StayStatus, TimeZone};

use crate::Service;
use crate::caller::Caller;
use crate::error::ServiceError;
use crate::mail_events::StayEvent;

/// The most stays and registrations a feed carries (the latest of each).
const FEED_ENTRIES: u64 = 200;

impl Service {
    /// Makes the caller a new calendar feed and returns its secret URL,
    /// shown once; any feed they had stops working.
    pub async fn create_calendar_feed(&self, caller: &Caller) -> Result<String, ServiceError> {
        let token = crate::sign_in::secret("dvf_")?;
        let tx = self.store.begin_write().await?;
        tx.replace_calendar_feed(caller.member, &crate::tokens::hash(&token), self.now()).await?;
        tx.commit().await?;
        Ok(format!("{}/feeds/{token}.ics", self.public_url))
    }

    /// Stops the caller's calendar feed; whether there was one.
    pub async fn revoke_calendar_feed(&self, caller: &Caller) -> Result<bool, ServiceError> {
        let tx = self.store.begin_write().await?;
        let revoked = tx.revoke_calendar_feeds(caller.member, self.now()).await?;
        tx.commit().await?;
        Ok(revoked > 0)
    }

    /// The feed a secret opens: the member's stays (pending, approved,
    /// and those called off, marked cancelled) and their event
    /// registrations; `NotFound` for a secret that is unknown or revoked, or
    /// whose member was revoked.
    pub async fn calendar_feed(&self, token: &str) -> Result<String, ServiceError> {
        let member =
            self.store.calendar_feed_member(&crate::tokens::hash(token)).await?.ok_or(ServiceError::NotFound)?;
        let caller = self.caller(member).await.map_err(|_| ServiceError::NotFound)?;
        let record = self.member(member).await?;
        if record.status == deskvisa_rules::MemberStatus::Revoked {
            return Err(ServiceError::NotFound);
        }
        let mut calendars = Vec::new();
        for stay in self.my_stays(&caller, FEED_ENTRIES, None).await? {
            calendars.push(self.stay_calendar(&caller, stay.id).await?);
        }
        let registered = self.my_registrations(&caller).await?;
        for (registration, event) in registered.iter().rev().take(usize::try_from(FEED_ENTRIES).unwrap_or(usize::MAX)) {
            if registration.status == deskvisa_store::RegistrationStatus::Registered {
                calendars.push(self.event_calendar(&caller, event.id).await?);
            }
        }
        Ok(deskvisa_mail::ics::feed(&format!("deskvisa: {}", record.name), &calendars))
    }

    /// The stay's calendar file, for its member and the host's admins
    /// (others who may read the stay get `Forbidden`, the rest `NotFound`).
    pub async fn stay_calendar(&self, caller: &Caller, id: StayId) -> Result<String, ServiceError> {
        let stay = self.stay(caller, id).await?;
        if stay.member != caller.member && !caller.admin_of(stay.host_cluster) {
            return Err(ServiceError::Forbidden);
        }
        let kind = match stay.status {
            StayStatus::Pending => StayMailKind::StayRequested,
            StayStatus::Approved => StayMailKind::StayApproved,
            StayStatus::Declined => StayMailKind::StayDeclined,
            StayStatus::Expired => StayMailKind::StayExpired,
            StayStatus::Cancelled => StayMailKind::StayCancelled,
        };
        let event = StayEvent {
            stay: stay.id.as_uuid(),
            reason: stay.cancel_reason.as_ref().or(stay.decline_reason.as_ref()).map(|r| r.as_str().to_owned()),
            had_been_approved: stay.history.iter().any(|h| h.to == StayStatus::Approved),
            // The SEQUENCE of the latest move: what the last email carried.
            sequence: u32::try_from(stay.history.len().saturating_sub(1)).unwrap_or(u32::MAX),
            moved_from: None,
        };
        let mail = self.compose_event(kind, stay.member, event).await?.ok_or(ServiceError::NotFound)?;
        Ok(deskvisa_mail::ics::stay_calendar(&mail, IcsMethod::Publish, self.now()))
    }

    /// An event's calendar file, for any signed-in member.
    pub async fn event_calendar(&self, caller: &Caller, id: EventId) -> Result<String, ServiceError> {
        let facts = self.store.event_mail_facts(id, caller.member).await?.ok_or(ServiceError::NotFound)?;
        let timezone = TimeZone::parse(&facts.context.site_timezone)
            .map_err(|_| ServiceError::Internal(format!("site zone `{}`", facts.context.site_timezone)))?;
        let calendar = EventCalendar {
            event_id: id.to_string(),
            title: facts.event.title.clone(),
            description: facts.event.description.clone(),
            site_name: facts.context.site_name,
            address: facts.context.site_address,
            timezone,
            starts_at: facts.event.starts_at,
            ends_at: facts.event.ends_at,
            organizer_email: facts.context.site_contact_email,
            attendee: None,
            sequence: facts.event.sequence,
            cancelled: facts.event.cancelled_at.is_some(),
        };
        Ok(deskvisa_mail::event_calendar(&calendar, IcsMethod::Publish, self.now()))
    }

    /// A series' calendar: one VEVENT per occurrence (each with its own
    /// event's UID and SEQUENCE, cancelled ones marked so), for any
    /// signed-in member; `NotFound` for a series that is not.
    pub async fn series_calendar(&self, caller: &Caller, series: uuid::Uuid) -> Result<String, ServiceError> {
        let events = self.store.series_events(series).await?;
        let title = events.first().map(|e| e.title.clone()).ok_or(ServiceError::NotFound)?;
        let mut calendars = Vec::with_capacity(events.len());
        for event in &events {
            calendars.push(self.event_calendar(caller, event.id).await?);
        }
        Ok(deskvisa_mail::ics::feed(&title, &calendars))
    }
}
