//! Introductions: during an approved stay, a visitor asks to meet a firm of
//! the host that is open to visitors; the firm's contact accepts or
//! declines. Who may ask, and when a request lapses, are decided here.
//!
//! What is shared is decided by the status: until the contact accepts, the
//! visitor learns nothing about who the contact is (the contact, asked,
//! learns the visitor's name and firm, so as to answer).

use chrono::NaiveDate;
use serde::Serialize;

use crate::{ClusterId, StayStatus};

/// Where an introduction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntroductionStatus {
    /// Asked, not yet answered.
    Pending,
    /// The contact agreed to meet: both have each other's address.
    Accepted,
    /// The contact cannot meet the visitor this time (no reason is kept).
    Declined,
    /// Unanswered when the stay was cancelled or ended.
    Lapsed,
}

impl IntroductionStatus {
    /// Every status.
    pub const ALL: [IntroductionStatus; 4] = [
        IntroductionStatus::Pending,
        IntroductionStatus::Accepted,
        IntroductionStatus::Declined,
        IntroductionStatus::Lapsed,
    ];

    /// The stored and shown name.
    pub const fn as_str(self) -> &'static str {
        match self {
            IntroductionStatus::Pending => "pending",
            IntroductionStatus::Accepted => "accepted",
            IntroductionStatus::Declined => "declined",
            IntroductionStatus::Lapsed => "lapsed",
        }
    }

    /// The status with this name.
    pub fn parse(text: &str) -> Option<IntroductionStatus> {
        IntroductionStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The most introductions one stay may ask for.
pub const MAX_INTRODUCTIONS_PER_STAY: usize = 10;

/// A visitor's note to the firm: trimmed, at most [`Note::MAX_CHARS`]
/// characters, line breaks kept, no other control characters; may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Note(String);

/// A note that is too long or holds control characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("note: at most {} characters, no control characters but line breaks", Note::MAX_CHARS)]
pub struct NoteError;

impl Note {
    /// The longest note, in characters.
    pub const MAX_CHARS: usize = 500;

    /// Reads a note as typed.
    pub fn parse(input: &str) -> Result<Note, NoteError> {
        let text = input.trim().replace("\r\n", "\n");
        if text.chars().count() > Self::MAX_CHARS || text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(NoteError);
        }
        Ok(Note(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a visitor may not ask for an introduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntroductionRefusal {
    /// The stay is not approved (pending, declined, expired, cancelled) or
    /// its member did not come.
    #[error("introductions are asked for during an approved stay")]
    StayNotApproved,
    /// The stay has ended.
    #[error("the stay has ended")]
    StayOver,
    /// The firm is not of the stay's host cluster.
    #[error("the firm is not of the cluster this stay visits")]
    FirmNotOfHost,
    /// The firm does not take introductions (not open to visitors, or
    /// nobody answers for it).
    #[error("this firm does not take introductions from visitors")]
    FirmNotOpenToVisitors,
    /// The stay has asked for [`MAX_INTRODUCTIONS_PER_STAY`] already.
    #[error("a stay asks for at most {MAX_INTRODUCTIONS_PER_STAY} introductions")]
    LimitReached,
    /// The stay has asked this firm already.
    #[error("this stay has asked this firm already")]
    AlreadyAsked,
    /// The visitor would be introduced to themselves.
    #[error("you are this firm's contact")]
    OwnFirm,
}

impl IntroductionRefusal {
    /// The stable code the API returns.
    pub const fn code(self) -> &'static str {
        match self {
            IntroductionRefusal::StayNotApproved => "stay_not_approved",
            IntroductionRefusal::StayOver => "stay_over",
            IntroductionRefusal::FirmNotOfHost => "firm_not_of_host",
            IntroductionRefusal::FirmNotOpenToVisitors => "firm_not_open_to_visitors",
            IntroductionRefusal::LimitReached => "introductions_limit_reached",
            IntroductionRefusal::AlreadyAsked => "introduction_already_asked",
            IntroductionRefusal::OwnFirm => "own_firm",
        }
    }

    /// 409 when the state of things forbids it now, 422 when the firm
    /// asked for can never be.
    pub const fn status(self) -> u16 {
        match self {
            IntroductionRefusal::StayNotApproved
            | IntroductionRefusal::StayOver
            | IntroductionRefusal::LimitReached
            | IntroductionRefusal::AlreadyAsked => 409,
            IntroductionRefusal::FirmNotOfHost
            | IntroductionRefusal::FirmNotOpenToVisitors
            | IntroductionRefusal::OwnFirm => 422,
        }
    }
}

/// What is known when a visitor asks for an introduction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroductionAsk {
    /// The stay's status, and whether its member was marked a no-show.
    pub stay_status: StayStatus,
    /// Whether the stay's member was marked a no-show.
    pub no_show: bool,
    /// The stay's last day, and today at its site.
    pub stay_end: NaiveDate,
    /// Today at the stay's site.
    pub today: NaiveDate,
    /// The stay's host cluster.
    pub host: ClusterId,
    /// The firm's cluster.
    pub firm_cluster: ClusterId,
    /// The firm takes introductions from visitors.
    pub firm_open: bool,
    /// The firm has a contact, and it is not the visitor.
    pub contact: Option<bool>,
    /// Introductions the stay has asked for already.
    pub asked: usize,
    /// The stay has asked this firm already.
    pub asked_this_firm: bool,
}

/// Whether the visitor may ask: every refusal but the first is left out,
/// in the order a visitor would fix them.
pub fn may_ask(ask: &IntroductionAsk) -> Result<(), IntroductionRefusal> {
    if ask.stay_status != StayStatus::Approved || ask.no_show {
        return Err(IntroductionRefusal::StayNotApproved);
    }
    if ask.today > ask.stay_end {
        return Err(IntroductionRefusal::StayOver);
    }
    if ask.firm_cluster != ask.host {
        return Err(IntroductionRefusal::FirmNotOfHost);
    }
    match ask.contact {
        _ if !ask.firm_open => return Err(IntroductionRefusal::FirmNotOpenToVisitors),
        None => return Err(IntroductionRefusal::FirmNotOpenToVisitors),
        Some(true) => return Err(IntroductionRefusal::OwnFirm),
        Some(false) => {}
    }
    if ask.asked_this_firm {
        return Err(IntroductionRefusal::AlreadyAsked);
    }
    if ask.asked >= MAX_INTRODUCTIONS_PER_STAY {
        return Err(IntroductionRefusal::LimitReached);
    }
    Ok(())
}

/// Whether a pending introduction lapses: its stay was cancelled, its
/// member did not come, or its last day (at the site) is past.
pub fn lapses(stay_status: StayStatus, no_show: bool, stay_end: NaiveDate, today: NaiveDate) -> bool {
    stay_status != StayStatus::Approved || no_show || today > stay_end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn ask() -> IntroductionAsk {
        let host = ClusterId::from_uuid(uuid::Uuid::from_u128(1));
        IntroductionAsk {
            stay_status: StayStatus::Approved,
            no_show: false,
            stay_end: day(20),
            today: day(10),
            host,
            firm_cluster: host,
            firm_open: true,
            contact: Some(false),
            asked: 0,
            asked_this_firm: false,
        }
    }

    #[test]
    fn an_approved_stay_asks_an_open_firm_of_its_host() {
        assert_eq!(may_ask(&ask()), Ok(()));
        // Up to its last day at the site, and up to ten firms.
        assert_eq!(may_ask(&IntroductionAsk { today: day(20), asked: 9, ..ask() }), Ok(()));
    }

    #[test]
    fn each_refusal_has_its_code() {
        let other = ClusterId::from_uuid(uuid::Uuid::from_u128(2));
        let cases = [
            (IntroductionAsk { stay_status: StayStatus::Pending, ..ask() }, "stay_not_approved"),
            (IntroductionAsk { no_show: true, ..ask() }, "stay_not_approved"),
            (IntroductionAsk { today: day(21), ..ask() }, "stay_over"),
            (IntroductionAsk { firm_cluster: other, ..ask() }, "firm_not_of_host"),
            (IntroductionAsk { firm_open: false, ..ask() }, "firm_not_open_to_visitors"),
            (IntroductionAsk { contact: None, ..ask() }, "firm_not_open_to_visitors"),
            (IntroductionAsk { contact: Some(true), ..ask() }, "own_firm"),
            (IntroductionAsk { asked_this_firm: true, ..ask() }, "introduction_already_asked"),
            (IntroductionAsk { asked: 10, ..ask() }, "introductions_limit_reached"),
        ];
        for (case, code) in cases {
            assert_eq!(may_ask(&case).map_err(IntroductionRefusal::code), Err(code), "{case:?}");
        }
    }

    #[test]
    fn a_pending_request_lapses_when_the_stay_is_over_or_off() {
        assert!(!lapses(StayStatus::Approved, false, day(20), day(20)));
        assert!(lapses(StayStatus::Approved, false, day(20), day(21)));
        assert!(lapses(StayStatus::Cancelled, false, day(20), day(10)));
        assert!(lapses(StayStatus::Approved, true, day(20), day(10)));
    }

    #[test]
    fn a_note_is_short_plain_text() {
        assert_eq!(Note::parse("  Hi,\r\nlet us talk. ").unwrap().as_str(), "Hi,\nlet us talk.");
        assert_eq!(Note::parse(&"x".repeat(501)), Err(NoteError));
        assert_eq!(Note::parse("a\u{0}b"), Err(NoteError));
        assert!(IntroductionStatus::ALL.iter().all(|s| IntroductionStatus::parse(s.as_str()) == Some(*s)));
    }
}
