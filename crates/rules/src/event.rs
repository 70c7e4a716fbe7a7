//! Who may register for an event (DOMAIN.md, "Events"): members of the host
//! cluster, and visitors whose approved stay at that site holds the event's
//! local start date. Seats are counted by the store, as strictly as desks.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::ids::{ClusterId, SiteId, StayId};
use crate::status::StayStatus;

/// The event, as far as registration cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFacts {
    /// Where it happens.
    pub site: SiteId,
    /// The cluster that owns the site.
    pub host_cluster: ClusterId,
    /// Its start, in the site's local time.
    pub local_start: NaiveDateTime,
    /// Whether visitors may join, or only the host's own members.
    pub open_to_visitors: bool,
}

/// One of the registrant's stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrantStay {
    /// Which stay.
    pub id: StayId,
    /// At which site.
    pub site: SiteId,
    /// Where it is in its life.
    pub status: StayStatus,
    /// Marked no-show.
    pub no_show: bool,
    /// The desk-days it holds.
    pub held_days: Vec<chrono::NaiveDate>,
}

/// Why a member may register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum RegistrationGrant {
    /// A member of the host cluster.
    HostMember,
    /// A visitor, on the strength of this stay (cancelling it withdraws the
    /// registration).
    Visitor {
        /// The stay that covers the event.
        stay: StayId,
    },
}

/// Why a member may not register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationRefusal {
    /// The event is for the host's own members.
    #[error("this event is for the host cluster's own members")]
    NotOpenToVisitors,
    /// No approved stay at the site holds the event's date.
    #[error("you have no approved stay at this site on the event's date")]
    NoStayCoveringEvent,
}

impl RegistrationRefusal {
    /// The stable code the API returns.
    pub const fn code(self) -> &'static str {
        match self {
            RegistrationRefusal::NotOpenToVisitors => "event_not_open_to_visitors",
            RegistrationRefusal::NoStayCoveringEvent => "no_stay_covering_event",
        }
    }
}

/// Whether a member of `home` may register for `event`, given their stays.
pub fn registration(
    home: ClusterId,
    event: &EventFacts,
    stays: &[RegistrantStay],
) -> Result<RegistrationGrant, RegistrationRefusal> {
    if home == event.host_cluster {
        return Ok(RegistrationGrant::HostMember);
    }
    if !event.open_to_visitors {
        return Err(RegistrationRefusal::NotOpenToVisitors);
    }
    let date = event.local_start.date();
    stays
        .iter()
        .find(|s| s.site == event.site && s.status == StayStatus::Approved && !s.no_show && s.held_days.contains(&date))
        .map(|s| RegistrationGrant::Visitor { stay: s.id })
        .ok_or(RegistrationRefusal::NoStayCoveringEvent)
}
