//! A stay or an event as an iCalendar file for download (`METHOD:PUBLISH`):
//! the same event, UID and SEQUENCE as the invitations emailed about it, so
//! a calendar that has both keeps one event.

use deskvisa_mail::{EventCalendar, IcsMethod, StayMailKind};
use deskvisa_rules::{EventId, StayId, StayStatus, TimeZone};

use crate::Service;
use crate::caller::Caller;
use crate::error::ServiceError;
use crate::mail_events::StayEvent;

impl Service {
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
}
