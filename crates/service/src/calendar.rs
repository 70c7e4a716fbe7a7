//! A stay as an iCalendar file for download (`METHOD:PUBLISH`): the same
//! event, UID and SEQUENCE as the invitations emailed about it, so a
//! calendar that has both keeps one event.

use deskvisa_mail::{IcsMethod, MailKind};
use deskvisa_rules::{StayId, StayStatus};

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
            StayStatus::Pending => MailKind::StayRequested,
            StayStatus::Approved => MailKind::StayApproved,
            StayStatus::Declined => MailKind::StayDeclined,
            StayStatus::Expired => MailKind::StayExpired,
            StayStatus::Cancelled => MailKind::StayCancelled,
        };
        let event = StayEvent {
            stay: stay.id.as_uuid(),
            reason: stay.cancel_reason.clone().or_else(|| stay.decline_reason.clone()),
            had_been_approved: stay.history.iter().any(|h| h.to == StayStatus::Approved),
            // The SEQUENCE of the latest move: what the last email carried.
            sequence: u32::try_from(stay.history.len().saturating_sub(1)).unwrap_or(u32::MAX),
        };
        let mail = self.compose_event(kind, stay.member, event).await?.ok_or(ServiceError::NotFound)?;
        Ok(deskvisa_mail::ics::stay_calendar(&mail, IcsMethod::Publish, self.now()))
    }
}
