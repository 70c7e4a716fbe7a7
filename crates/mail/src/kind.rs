//! The kinds of stay email deskvisa sends, and their stable names (stored in
//! the outbox, shown by `deskvisa mail preview`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which stay email this is: decides the recipient's wording and whether a
/// calendar file goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
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

impl MailKind {
    /// Every kind, in the order of a stay's life.
    pub const ALL: [MailKind; 10] = [
        MailKind::StayRequested,
        MailKind::StayRequestedHost,
        MailKind::StayApproved,
        MailKind::StayApprovedHost,
        MailKind::StayDeclined,
        MailKind::StayExpired,
        MailKind::StayCancelled,
        MailKind::StayCancelledHost,
        MailKind::StayReminder,
        MailKind::AnswerReminder,
    ];

    /// The stable name: `stay_requested`, `stay_requested_host`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            MailKind::StayRequested => "stay_requested",
            MailKind::StayRequestedHost => "stay_requested_host",
            MailKind::StayApproved => "stay_approved",
            MailKind::StayApprovedHost => "stay_approved_host",
            MailKind::StayDeclined => "stay_declined",
            MailKind::StayExpired => "stay_expired",
            MailKind::StayCancelled => "stay_cancelled",
            MailKind::StayCancelledHost => "stay_cancelled_host",
            MailKind::StayReminder => "stay_reminder",
            MailKind::AnswerReminder => "answer_reminder",
        }
    }

    /// The kind with this stable name, if any.
    pub fn parse(s: &str) -> Option<MailKind> {
        let s = s.trim();
        MailKind::ALL.into_iter().find(|kind| kind.as_str() == s)
    }

    /// Whether the email goes to the host's cluster admins (not the member).
    pub const fn to_host(self) -> bool {
        matches!(
            self,
            MailKind::StayRequestedHost
                | MailKind::StayApprovedHost
                | MailKind::StayCancelledHost
                | MailKind::AnswerReminder
        )
    }
}

impl fmt::Display for MailKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in MailKind::ALL {
            assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
            let back: MailKind = serde_json::from_str(&format!("\"{kind}\"")).unwrap();
            assert_eq!(back, kind);
        }
        assert_eq!(MailKind::parse("stay_unknown"), None);
    }
}
