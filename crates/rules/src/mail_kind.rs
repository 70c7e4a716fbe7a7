//! Every email deskvisa sends, by kind (DOMAIN.md's "Emails" table): one
//! set of stable names, stored in the outbox, logged, and taken by `deskvisa
//! mail preview`. The mail crate renders each family of them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which email this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// To the member: the request was received and waits for the host.
    StayRequested,
    /// To the host's cluster admins: a member asks for a stay; decide.
    StayRequestedHost,
    /// To the member: the stay is approved (a `METHOD:REQUEST` invitation).
    StayApproved,
    /// To the host's cluster admins: approved with no admin's decision.
    StayApprovedHost,
    /// To the member: the host declined.
    StayDeclined,
    /// To the member: no answer in time.
    StayExpired,
    /// To the member: the stay is cancelled (a `METHOD:CANCEL` if it had been approved).
    StayCancelled,
    /// To the host's cluster admins: a stay at their site is cancelled.
    StayCancelledHost,
    /// To the member: the stay begins in a few days.
    StayReminder,
    /// To the host's cluster admins: a pending stay's answer window is closing.
    AnswerReminder,
    /// To the member: the stay now runs on new dates (an updated invitation
    /// when it had one, same UID, higher SEQUENCE).
    StayMoved,
    /// To the host's cluster admins: a visitor moved their stay (and, when
    /// it waits for an answer again, decide).
    StayMovedHost,
    /// To the person who registered for an event (`METHOD:REQUEST`).
    EventRegistered,
    /// To each registered person: the event changed.
    EventChanged,
    /// To each registered person: the host cancelled the event.
    EventCancelled,
    /// To the person whose registration was withdrawn.
    EventRegistrationWithdrawn,
    /// A single-use sign-in link.
    SignIn,
    /// The welcome of a newly invited member.
    MemberInvited,
    /// To a firm's contact: a visitor asks to meet the firm; accept or decline.
    IntroductionRequested,
    /// To the visitor and to the contact: the introduction is accepted, with
    /// the other's name, firm and address.
    IntroductionAccepted,
    /// To the visitor: the firm cannot meet them this time (no reason given).
    IntroductionDeclined,
    /// To the contact: the request lapsed unanswered (the stay was cancelled or ended).
    IntroductionLapsed,
    /// To a waiting member: desks are free for their dates and held for
    /// them until the offer expires; accept or let it go.
    WaitlistOffered,
    /// To a waiting member: the offer ran out and went to the next in line.
    WaitlistLapsed,
    /// To the host's cluster admins: a cluster asks for stays for a group
    /// of its members; decide once for all.
    DelegationRequestedHost,
}

/// The family of a kind: what the email is about, and so which renderer writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailFamily {
    /// A stay's life.
    Stay,
    /// An event registration's life.
    Event,
    /// The account: sign-in and welcome.
    Account,
    /// An introduction of a visitor to a host's firm.
    Introduction,
    /// A place on a waitlist for full days.
    Waitlist,
    /// A delegation: one request for a group.
    Delegation,
}

impl MailKind {
    /// Every kind: stays in the order of their life, then events, the
    /// account, and introductions.
    pub const ALL: [MailKind; 25] = [
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
        MailKind::StayMoved,
        MailKind::StayMovedHost,
        MailKind::EventRegistered,
        MailKind::EventChanged,
        MailKind::EventCancelled,
        MailKind::EventRegistrationWithdrawn,
        MailKind::SignIn,
        MailKind::MemberInvited,
        MailKind::IntroductionRequested,
        MailKind::IntroductionAccepted,
        MailKind::IntroductionDeclined,
        MailKind::IntroductionLapsed,
        MailKind::WaitlistOffered,
        MailKind::WaitlistLapsed,
        MailKind::DelegationRequestedHost,
    ];

    /// The stable name: `stay_requested`, `event_changed`, `sign_in`, ...
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
            MailKind::StayMoved => "stay_moved",
            MailKind::StayMovedHost => "stay_moved_host",
            MailKind::EventRegistered => "event_registered",
            MailKind::EventChanged => "event_changed",
            MailKind::EventCancelled => "event_cancelled",
            MailKind::EventRegistrationWithdrawn => "event_registration_withdrawn",
            MailKind::SignIn => "sign_in",
            MailKind::MemberInvited => "member_invited",
            MailKind::IntroductionRequested => "introduction_requested",
            MailKind::IntroductionAccepted => "introduction_accepted",
            MailKind::IntroductionDeclined => "introduction_declined",
            MailKind::IntroductionLapsed => "introduction_lapsed",
            MailKind::WaitlistOffered => "waitlist_offered",
            MailKind::WaitlistLapsed => "waitlist_lapsed",
            MailKind::DelegationRequestedHost => "delegation_requested_host",
        }
    }

    /// The kind with this stable name, if any.
    pub fn parse(name: &str) -> Option<MailKind> {
        let name = name.trim();
        MailKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// What the email is about.
    pub const fn family(self) -> MailFamily {
        match self {
            MailKind::StayRequested
            | MailKind::StayRequestedHost
            | MailKind::StayApproved
            | MailKind::StayApprovedHost
            | MailKind::StayDeclined
            | MailKind::StayExpired
            | MailKind::StayCancelled
            | MailKind::StayCancelledHost
            | MailKind::StayReminder
            | MailKind::AnswerReminder
            | MailKind::StayMoved
            | MailKind::StayMovedHost => MailFamily::Stay,
            MailKind::EventRegistered
            | MailKind::EventChanged
            | MailKind::EventCancelled
            | MailKind::EventRegistrationWithdrawn => MailFamily::Event,
            MailKind::SignIn | MailKind::MemberInvited => MailFamily::Account,
            MailKind::IntroductionRequested
            | MailKind::IntroductionAccepted
            | MailKind::IntroductionDeclined
            | MailKind::IntroductionLapsed => MailFamily::Introduction,
            MailKind::WaitlistOffered | MailKind::WaitlistLapsed => MailFamily::Waitlist,
            MailKind::DelegationRequestedHost => MailFamily::Delegation,
        }
    }

    /// Whether the email goes to the host's cluster admins (not the member).
    pub const fn to_host(self) -> bool {
        matches!(
            self,
            MailKind::StayRequestedHost
                | MailKind::StayApprovedHost
                | MailKind::StayCancelledHost
                | MailKind::AnswerReminder
                | MailKind::StayMovedHost
                | MailKind::DelegationRequestedHost
        )
    }
}

impl fmt::Display for MailKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored mail kind deskvisa does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown mail kind")]
pub struct UnknownMailKind;

impl std::str::FromStr for MailKind {
    type Err = UnknownMailKind;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        MailKind::parse(name).ok_or(UnknownMailKind)
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
        }
        assert_eq!(MailKind::parse("stay_unknown"), None);
    }
}
