//! Which emails a stay's moves cause, as outbox rows written in the move's
//! own transaction (DOMAIN.md, "Emails"). The rows carry the event's facts;
//! the delivery worker renders them in each recipient's language.

use deskvisa_rules::{ClusterId, MailKind, MemberId, Reason, StayId, StayStatus};
use deskvisa_store::NewMail;
use serde::{Deserialize, Serialize};

/// The facts an email about a stay is written from, as the outbox keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct StayEvent {
    pub stay: uuid::Uuid,
    /// A decline's or cancellation's reason.
    pub reason: Option<String>,
    /// For a cancellation: whether the stay had been approved (then a
    /// calendar cancellation goes with it).
    pub had_been_approved: bool,
    /// The calendar SEQUENCE: raised on every move of the stay.
    pub sequence: u32,
    /// For new dates: the first and last day before.
    #[serde(default)]
    pub moved_from: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
}

/// The facts an email about an event is written from, as the outbox keeps
/// them: the event and the person are read again when the email is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct EventNotice {
    pub event: uuid::Uuid,
    /// Why it was cancelled or the registration withdrawn, when said.
    pub reason: Option<String>,
    /// The calendar SEQUENCE of the event's entry.
    pub sequence: u32,
    /// The member withdrew the registration themselves.
    #[serde(default)]
    pub by_member: bool,
}

/// An email of `kind` (an event mail kind's name) about an event, to a member.
pub fn event_mail(kind: MailKind, member: MemberId, notice: &EventNotice) -> NewMail {
    NewMail {
        kind,
        recipient: to_member(member),
        // Serializing plain strings and numbers cannot fail.
        payload: serde_json::to_string(notice).unwrap_or_default(),
    }
}

/// `member:<uuid>`: one member.
pub fn to_member(member: MemberId) -> String {
    deskvisa_store::member_recipient(member)
}

/// `admins:<uuid>`: a cluster's admins, expanded when delivered.
pub fn to_admins(cluster: ClusterId) -> String {
    format!("admins:{cluster}")
}

fn mail(kind: MailKind, recipient: String, event: &StayEvent) -> NewMail {
    NewMail {
        kind,
        recipient,
        // Serializing plain strings, numbers and booleans cannot fail.
        payload: serde_json::to_string(event).unwrap_or_default(),
    }
}

/// The member's reminder that an approved stay begins soon.
pub fn stay_reminder(stay: StayId, member: MemberId, sequence: u32) -> NewMail {
    let event = StayEvent { stay: stay.as_uuid(), reason: None, had_been_approved: true, sequence, moved_from: None };
    mail(MailKind::StayReminder, to_member(member), &event)
}

/// The host admins' reminder that a pending stay's answer window closes soon.
pub fn answer_reminder(stay: StayId, host: ClusterId, sequence: u32) -> NewMail {
    let event = StayEvent { stay: stay.as_uuid(), reason: None, had_been_approved: false, sequence, moved_from: None };
    mail(MailKind::AnswerReminder, to_admins(host), &event)
}

/// The emails a new stay causes, from the history it was written with:
/// a pending request tells the member and asks the host's admins to decide;
/// a stay approved at once (automatic approval) tells the member it is
/// approved and the admins who is coming; one expired at once (its deadline
/// had passed, under the `expire` policy) tells the member only.
pub fn request_mails(
    stay: StayId,
    member: MemberId,
    host: ClusterId,
    history: &[(Option<StayStatus>, StayStatus, Option<Reason>)],
) -> Vec<NewMail> {
    let Some((from, to, reason)) = history.last() else {
        return Vec::new();
    };
    let last = history.len() - 1;
    let sequence = u32::try_from(last).unwrap_or(u32::MAX);
    match to {
        StayStatus::Approved => settled_mails(stay, member, host, *to, sequence),
        _ => stay_mails(stay, member, host, *from, *to, reason.as_ref(), sequence),
    }
}

/// The emails a pending stay settled with no admin's decision causes
/// (automatic approval, or its answer deadline): approved, the member and
/// the host's admins hear of it; expired, the member.
pub fn settled_mails(stay: StayId, member: MemberId, host: ClusterId, to: StayStatus, sequence: u32) -> Vec<NewMail> {
    let event = StayEvent { stay: stay.as_uuid(), reason: None, had_been_approved: false, sequence, moved_from: None };
    match to {
        StayStatus::Approved => {
            vec![
                mail(MailKind::StayApproved, to_member(member), &event),
                mail(MailKind::StayApprovedHost, to_admins(host), &event),
            ]
        }
        _ => stay_mails(stay, member, host, Some(StayStatus::Pending), to, None, sequence),
    }
}

/// The emails new dates cause: the member is told (with the invitation
/// updated when they had one), and the host's admins (asked to decide when
/// the stay waits for their answer again).
pub fn move_mails(
    stay: StayId,
    member: MemberId,
    host: ClusterId,
    had_been_approved: bool,
    moved_from: (chrono::NaiveDate, chrono::NaiveDate),
    sequence: u32,
) -> Vec<NewMail> {
    let event =
        StayEvent { stay: stay.as_uuid(), reason: None, had_been_approved, sequence, moved_from: Some(moved_from) };
    vec![mail(MailKind::StayMoved, to_member(member), &event), mail(MailKind::StayMovedHost, to_admins(host), &event)]
}

/// The emails a stay reaching `to` causes.
pub fn stay_mails(
    stay: StayId,
    member: MemberId,
    host: ClusterId,
    from: Option<StayStatus>,
    to: StayStatus,
    reason: Option<&Reason>,
    sequence: u32,
) -> Vec<NewMail> {
    let event = StayEvent {
        stay: stay.as_uuid(),
        reason: reason.map(|r| r.as_str().to_owned()),
        had_been_approved: from == Some(StayStatus::Approved),
        sequence,
        moved_from: None,
    };
    match (from, to) {
        (None, StayStatus::Pending) => vec![
            mail(MailKind::StayRequested, to_member(member), &event),
            mail(MailKind::StayRequestedHost, to_admins(host), &event),
        ],
        (None | Some(StayStatus::Pending), StayStatus::Approved) => {
            vec![mail(MailKind::StayApproved, to_member(member), &event)]
        }
        (Some(StayStatus::Pending), StayStatus::Declined) => {
            vec![mail(MailKind::StayDeclined, to_member(member), &event)]
        }
        (None | Some(StayStatus::Pending), StayStatus::Expired) => {
            vec![mail(MailKind::StayExpired, to_member(member), &event)]
        }
        (Some(_), StayStatus::Cancelled) => vec![
            mail(MailKind::StayCancelled, to_member(member), &event),
            mail(MailKind::StayCancelledHost, to_admins(host), &event),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_request_tells_the_member_and_the_host_admins_and_a_check_in_tells_nobody() {
        let (stay, member, host) = (
            StayId::from_uuid(uuid::Uuid::nil()),
            MemberId::from_uuid(uuid::Uuid::nil()),
            ClusterId::from_uuid(uuid::Uuid::nil()),
        );
        let kinds = |from, to| {
            stay_mails(stay, member, host, from, to, None, 1).into_iter().map(|m| m.kind.as_str()).collect::<Vec<_>>()
        };
        assert_eq!(kinds(None, StayStatus::Pending), ["stay_requested", "stay_requested_host"]);
        assert_eq!(kinds(Some(StayStatus::Pending), StayStatus::Approved), ["stay_approved"]);
        assert_eq!(kinds(Some(StayStatus::Approved), StayStatus::Cancelled), ["stay_cancelled", "stay_cancelled_host"]);
        assert!(
            kinds(Some(StayStatus::Approved), StayStatus::Approved).is_empty(),
            "check-in and no-show send nothing"
        );
        let requested = |history: &[(Option<StayStatus>, StayStatus, Option<Reason>)]| {
            request_mails(stay, member, host, history)
                .into_iter()
                .map(|m| (m.kind.as_str().to_owned(), m.recipient))
                .collect::<Vec<_>>()
        };
        let (m, a) = (to_member(member), to_admins(host));
        assert_eq!(
            requested(&[(None, StayStatus::Pending, None)]),
            [("stay_requested".to_owned(), m.clone()), ("stay_requested_host".to_owned(), a.clone())]
        );
        assert_eq!(
            requested(&[(None, StayStatus::Pending, None), (Some(StayStatus::Pending), StayStatus::Approved, None)]),
            [("stay_approved".to_owned(), m.clone()), ("stay_approved_host".to_owned(), a)],
            "approved at once: nothing to decide"
        );
        assert_eq!(
            requested(&[(None, StayStatus::Pending, None), (Some(StayStatus::Pending), StayStatus::Expired, None)]),
            [("stay_expired".to_owned(), m)]
        );
        let approved = request_mails(
            stay,
            member,
            host,
            &[(None, StayStatus::Pending, None), (Some(StayStatus::Pending), StayStatus::Approved, None)],
        );
        let event: StayEvent = serde_json::from_str(&approved[0].payload).unwrap();
        assert_eq!(event.sequence, 1, "the approval is the second move");
        let x = Reason::parse("x").unwrap();
        let cancelled = stay_mails(stay, member, host, Some(StayStatus::Approved), StayStatus::Cancelled, Some(&x), 3);
        let event: StayEvent = serde_json::from_str(&cancelled[0].payload).unwrap();
        assert!(event.had_been_approved);
        assert_eq!((event.reason.as_deref(), event.sequence), (Some("x"), 3));
    }
}
