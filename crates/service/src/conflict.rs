//! Refusals with a stable code that are not the rules' violations: a state
//! that forbids the change (HTTP 409) or well-formed input the service cannot
//! take (422). One variant each, with its code, its status and an English
//! sentence; the pages say the same in the viewer's language from the
//! variant, never from the English text.

use deskvisa_rules::{
    DateOutOfRange, Email, EventTimeError, IntroductionRefusal, LetterRefusal, MoveRefusal, RegistrationRefusal,
};

/// Why the service refused, with a code clients rely on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// 409 `email_taken`: the address belongs to a member already.
    #[error("the email already belongs to a member")]
    EmailTaken,
    /// 409 `email_taken`: the address belongs to a member of another cluster.
    #[error("the email belongs to a member of another cluster")]
    EmailTakenElsewhere,
    /// 409 `email_taken`: someone gave the address an account a moment ago.
    #[error("{email} was given an account a moment ago: run the command again")]
    EmailTakenJustNow {
        /// The address.
        email: Email,
    },
    /// 409 `last_admin`: the change would leave a cluster without an active admin.
    #[error("a cluster keeps at least one admin")]
    LastAdmin,
    /// 409 `cluster_name_taken`: another cluster has the name, ignoring case.
    #[error("a cluster is called `{name}` already (names are compared ignoring case)")]
    ClusterNameTaken {
        /// The name asked for.
        name: String,
    },
    /// 409 `firm_name_taken`: the cluster has a firm of that name, ignoring case.
    #[error("the cluster has a firm called `{name}` already (names are compared ignoring case)")]
    FirmNameTaken {
        /// The name asked for.
        name: String,
    },
    /// 409 `capacity_below_registrations`: fewer seats than people registered.
    #[error("{registered} people are registered; the event needs at least that many seats")]
    CapacityBelowRegistrations {
        /// People registered now.
        registered: usize,
    },
    /// 409 `event_cancelled`.
    #[error("the host has cancelled this event")]
    EventCancelled,
    /// 409 `event_over`: the event has begun.
    #[error("the event has already begun")]
    EventOver,
    /// 409 `event_full`.
    #[error("every seat of this event is taken")]
    EventFull,
    /// 422 `event_in_the_past` or `event_too_far`.
    #[error("{0}")]
    EventTime(EventTimeError),
    /// 422: a registration the rules refuse (`event_not_open_to_visitors`,
    /// `no_stay_covering_event`).
    #[error("{0}")]
    Registration(RegistrationRefusal),
    /// 409 or 422: an introduction the rules refuse (`stay_not_approved`,
    /// `stay_over`, `firm_not_of_host`, `firm_not_open_to_visitors`,
    /// `introductions_limit_reached`, `introduction_already_asked`, `own_firm`).
    #[error("{0}")]
    Introduction(IntroductionRefusal),
    /// 409 `stay_not_approved` or `stay_over`: no invitation letter for the
    /// stay as it stands.
    #[error("{0}")]
    Letter(LetterRefusal),
    /// 422 `signatory_not_admin`: only an admin of the cluster signs its letters.
    #[error("the signatory must be an admin of the cluster")]
    SignatoryNotAdmin,
    /// 409 `already_waiting`: the member waits at this site for dates that
    /// overlap these already.
    #[error("you are already waiting at this site for dates that overlap these")]
    AlreadyWaiting,
    /// 409 `waitlist_limit_reached`: a member waits on at most so many lines.
    #[error("you are waiting for {max} stays already; leave one to wait for another")]
    WaitingTooMuch {
        /// The most a member waits for at once.
        max: usize,
    },
    /// 409 `desks_free`: every day has a free desk; request the stay instead.
    #[error("desks are free on every day of these dates: request the stay instead of waiting")]
    DesksFree,
    /// 409 `wait_over`: the entry was accepted, lapsed or left already.
    #[error("this place in line has ended already")]
    WaitOver,
    /// 409 `offer_not_open`: no offer holds desks for this entry now.
    #[error("no offer holds desks for you now: it lapsed, or none was made yet")]
    OfferNotOpen,
    /// 409 `stay_not_movable`, `stay_started` or `end_before_today`: the
    /// stay cannot move so (issue 23).
    #[error("{0}")]
    Move(MoveRefusal),
    /// 409 `introduction_answered`: answered already, or lapsed.
    #[error("this introduction has been answered already, or has lapsed")]
    IntroductionAnswered,
    /// 422 `idempotency_key_reused`: the key came with another body.
    #[error("this key was used with another request body")]
    IdempotencyKeyReused,
    /// 409 `idempotency_key_in_flight`: the first request with the key still runs.
    #[error("a request with this key is still running")]
    IdempotencyKeyInFlight,
    /// 422 `no_home_cluster`: network staff belong to no cluster.
    #[error(
        "this is a network staff account, which belongs to no cluster: it runs the network and requests no stays; \
         sign in as a member of a cluster to travel"
    )]
    NoHomeCluster,
    /// 422 `member_revoked`: a revoked member cannot be made network staff.
    #[error("{email} was revoked by their cluster and cannot sign in")]
    MemberRevoked {
        /// The address.
        email: Email,
    },
    /// 422 `name_required`: a new staff account needs a name.
    #[error("nobody has the address {email}: a new network staff account needs a name")]
    NameRequired {
        /// The address.
        email: Email,
    },
    /// 422 `date_out_of_range`.
    #[error("{0}")]
    DateOutOfRange(DateOutOfRange),
}

impl Conflict {
    /// The stable code of API.md and the OpenAPI document.
    pub const fn code(&self) -> &'static str {
        match self {
            Conflict::EmailTaken | Conflict::EmailTakenElsewhere | Conflict::EmailTakenJustNow { .. } => "email_taken",
            Conflict::LastAdmin => "last_admin",
            Conflict::ClusterNameTaken { .. } => "cluster_name_taken",
            Conflict::FirmNameTaken { .. } => "firm_name_taken",
            Conflict::CapacityBelowRegistrations { .. } => "capacity_below_registrations",
            Conflict::EventCancelled => "event_cancelled",
            Conflict::EventOver => "event_over",
            Conflict::EventFull => "event_full",
            Conflict::EventTime(EventTimeError::TooFar { .. }) => "event_too_far",
            Conflict::EventTime(_) => "event_in_the_past",
            Conflict::Registration(refusal) => refusal.code(),
            Conflict::Introduction(refusal) => refusal.code(),
            Conflict::IntroductionAnswered => "introduction_answered",
            Conflict::Letter(refusal) => refusal.code(),
            Conflict::SignatoryNotAdmin => "signatory_not_admin",
            Conflict::Move(refusal) => refusal.code(),
            Conflict::AlreadyWaiting => "already_waiting",
            Conflict::WaitingTooMuch { .. } => "waitlist_limit_reached",
            Conflict::DesksFree => "desks_free",
            Conflict::WaitOver => "wait_over",
            Conflict::OfferNotOpen => "offer_not_open",
            Conflict::IdempotencyKeyReused => "idempotency_key_reused",
            Conflict::IdempotencyKeyInFlight => "idempotency_key_in_flight",
            Conflict::NoHomeCluster => "no_home_cluster",
            Conflict::MemberRevoked { .. } => "member_revoked",
            Conflict::NameRequired { .. } => "name_required",
            Conflict::DateOutOfRange(_) => "date_out_of_range",
        }
    }

    /// The HTTP status: 409 when the state of things forbids it (it may pass
    /// later or elsewhere), 422 when the input itself cannot be taken.
    pub const fn status(&self) -> u16 {
        match self {
            Conflict::EmailTaken
            | Conflict::EmailTakenElsewhere
            | Conflict::EmailTakenJustNow { .. }
            | Conflict::LastAdmin
            | Conflict::ClusterNameTaken { .. }
            | Conflict::FirmNameTaken { .. }
            | Conflict::CapacityBelowRegistrations { .. }
            | Conflict::EventCancelled
            | Conflict::EventOver
            | Conflict::EventFull
            | Conflict::IntroductionAnswered
            | Conflict::Letter(_)
            | Conflict::Move(_)
            | Conflict::AlreadyWaiting
            | Conflict::WaitingTooMuch { .. }
            | Conflict::DesksFree
            | Conflict::WaitOver
            | Conflict::OfferNotOpen
            | Conflict::IdempotencyKeyInFlight => 409,
            Conflict::Introduction(refusal) => refusal.status(),
            Conflict::EventTime(_)
            | Conflict::Registration(_)
            | Conflict::IdempotencyKeyReused
            | Conflict::NoHomeCluster
            | Conflict::MemberRevoked { .. }
            | Conflict::NameRequired { .. }
            | Conflict::SignatoryNotAdmin
            | Conflict::DateOutOfRange(_) => 422,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_has_one_status() {
        let email = Email::parse("a@b.example").unwrap();
        let all = [
            Conflict::EmailTaken,
            Conflict::EmailTakenElsewhere,
            Conflict::EmailTakenJustNow { email: email.clone() },
            Conflict::LastAdmin,
            Conflict::ClusterNameTaken { name: "X".into() },
            Conflict::FirmNameTaken { name: "X".into() },
            Conflict::CapacityBelowRegistrations { registered: 3 },
            Conflict::EventCancelled,
            Conflict::EventOver,
            Conflict::EventFull,
            Conflict::EventTime(EventTimeError::InThePast),
            Conflict::Registration(RegistrationRefusal::NotOpenToVisitors),
            Conflict::IdempotencyKeyReused,
            Conflict::IdempotencyKeyInFlight,
            Conflict::Introduction(IntroductionRefusal::LimitReached),
            Conflict::IntroductionAnswered,
            Conflict::Letter(LetterRefusal::StayNotApproved),
            Conflict::Letter(LetterRefusal::StayOver),
            Conflict::Introduction(IntroductionRefusal::StayNotApproved),
            Conflict::Introduction(IntroductionRefusal::StayOver),
            Conflict::SignatoryNotAdmin,
            Conflict::Move(MoveRefusal::NotMovable),
            Conflict::AlreadyWaiting,
            Conflict::WaitingTooMuch { max: 10 },
            Conflict::DesksFree,
            Conflict::WaitOver,
            Conflict::OfferNotOpen,
            Conflict::Move(MoveRefusal::Started { start_date: chrono::NaiveDate::MIN }),
            Conflict::Move(MoveRefusal::EndBeforeToday { end_date: chrono::NaiveDate::MIN }),
            Conflict::NoHomeCluster,
            Conflict::MemberRevoked { email: email.clone() },
            Conflict::NameRequired { email },
        ];
        let mut seen = std::collections::HashMap::new();
        for c in &all {
            assert_eq!(*seen.entry(c.code()).or_insert(c.status()), c.status(), "{}", c.code());
            assert!(!c.to_string().is_empty());
        }
    }
}
