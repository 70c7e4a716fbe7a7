//! The stay emails among [`MailKind`]s: the kinds this crate's stay renderer
//! writes. Their stable names are [`MailKind`]'s, defined once in the rules.

use std::fmt;

use deskvisa_rules::MailKind;
use serde::{Deserialize, Serialize};

/// Which stay email this is: decides the recipient's wording and whether a
/// calendar file goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StayMailKind {
    /// To the member: the request was received and waits for the host.
    StayRequested,
    /// To the host's cluster admins: a member asks for a stay; decide.
    StayRequestedHost,
    /// To the member: the stay is approved (carries a `METHOD:REQUEST` invitation).
    StayApproved,
    /// To the host's cluster admins: a stay was approved with no admin's
    /// decision (automatic approval, or the answer deadline passed).
    StayApprovedHost,
    /// To the member: the host declined the stay.
    StayDeclined,
    /// To the member: the host did not answer in time and the request lapsed.
    StayExpired,
    /// To the member: the stay is cancelled (a `METHOD:CANCEL` if it had been approved).
    StayCancelled,
    /// To the host's cluster admins: a stay at their site is cancelled.
    StayCancelledHost,
    /// To the member: the stay begins in a few days.
    StayReminder,
    /// To the host's cluster admins: a pending stay's answer window is about to close.
    AnswerReminder,
}

impl StayMailKind {
    /// Every kind, in the order of a stay's life.
    pub const ALL: [StayMailKind; 10] = [
        StayMailKind::StayRequested,
        StayMailKind::StayRequestedHost,
        StayMailKind::StayApproved,
        StayMailKind::StayApprovedHost,
        StayMailKind::StayDeclined,
        StayMailKind::StayExpired,
        StayMailKind::StayCancelled,
        StayMailKind::StayCancelledHost,
        StayMailKind::StayReminder,
        StayMailKind::AnswerReminder,
    ];

    /// The stable name: `stay_requested`, `stay_requested_host`, ...
    pub const fn as_str(self) -> &'static str {
        self.kind().as_str()
    }

    /// The kind of [`MailKind`] this is.
    pub const fn kind(self) -> MailKind {
        match self {
            StayMailKind::StayRequested => MailKind::StayRequested,
            StayMailKind::StayRequestedHost => MailKind::StayRequestedHost,
            StayMailKind::StayApproved => MailKind::StayApproved,
            StayMailKind::StayApprovedHost => MailKind::StayApprovedHost,
            StayMailKind::StayDeclined => MailKind::StayDeclined,
            StayMailKind::StayExpired => MailKind::StayExpired,
            StayMailKind::StayCancelled => MailKind::StayCancelled,
            StayMailKind::StayCancelledHost => MailKind::StayCancelledHost,
            StayMailKind::StayReminder => MailKind::StayReminder,
            StayMailKind::AnswerReminder => MailKind::AnswerReminder,
        }
    }

    /// The stay email of this kind, if it is one.
    pub fn of(kind: MailKind) -> Option<StayMailKind> {
        StayMailKind::ALL.into_iter().find(|k| k.kind() == kind)
    }

    /// The stay email with this stable name, if any.
    pub fn parse(name: &str) -> Option<StayMailKind> {
        MailKind::parse(name).and_then(StayMailKind::of)
    }

    /// Whether the email goes to the host's cluster admins (not the member).
    pub const fn to_host(self) -> bool {
        self.kind().to_host()
    }
}

impl fmt::Display for StayMailKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in StayMailKind::ALL {
            assert_eq!(StayMailKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
            let back: StayMailKind = serde_json::from_str(&format!("\"{kind}\"")).unwrap();
            assert_eq!(back, kind);
        }
        assert_eq!(StayMailKind::parse("stay_unknown"), None);
        assert_eq!(StayMailKind::parse("event_changed"), None, "an event's kind is no stay's");
    }
}
