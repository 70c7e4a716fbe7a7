//! # deskvisa-rules: the reciprocity rules, pure
//!
//! This crate is the executable form of DOMAIN.md's "The rules": it decides
//! every stay request, every transition of a stay and every policy change of
//! the deskvisa network. It does no I/O, reads no clock and draws no random
//! numbers: the caller passes in what it loaded (a [`Snapshot`]) and the
//! instant it is (`now`), and gets back a value that says what happens and
//! why ([`Decision`], [`Transition`], [`PolicyBelowGuarantee`], ...).
//!
//! Input from the outside world becomes a domain type at the edge
//! ([`Email::parse`], [`Locale::parse`], [`SiteId::parse`], [`parse_date`],
//! [`TimeZone::parse`], [`WeekdaySet::parse`], [`Reason::parse`], [`Country::parse`],
//! [`Latitude::new`], [`DeskCount::new`]) and never
//! goes back to raw strings. What the rules themselves judge (an end date
//! before the start is `bad_range`) is left to [`decide`], so that every
//! violation is reported together.

mod arrival;
mod bounds;
mod calendar;
mod continent;
mod dates;
mod decide;
mod delegation;
mod email;
mod event;
mod firm;
mod firm_search;
mod ids;
mod introduction;
mod language;
mod ledger;
mod letter;
mod locale;
mod mail_kind;
mod place;
mod policy;
mod quota;
mod reciprocity;
mod recurrence;
mod search;
mod site_change;
mod status;
mod stay;
mod stay_move;
mod text;
mod text_form;
mod violation;
mod waitlist;
mod weekdays;
mod zone;

pub use arrival::{
    Amenity, ArrivalError, ArrivalPack, Hours, OpeningHours, Phone, arrival_text, parse_amenities, parse_hours,
};
pub use bounds::{DateField, DateOutOfRange, within_bounds};
pub use calendar::SiteCalendar;
pub use continent::{Continent, ContinentError};
pub use dates::{DateError, DateRange, parse_date};
pub use decide::{
    Acceptance, ApprovedBy, Decision, DeskLoad, HomeCluster, HostCluster, MemberFacts, MemberStay, Outcome, Refusal,
    SiteFacts, Snapshot, StayRequest, answer_deadline, decide,
};
pub use delegation::{GroupDecision, MAX_DELEGATION, MIN_DELEGATION, decide_group};
pub use email::{Email, EmailError};
pub use event::{
    DEFAULT_EVENT_HORIZON_DAYS, EventFacts, EventTimeError, EventTimes, MAX_EVENT_CAPACITY, MAX_EVENT_DAYS,
    RegistrantStay, RegistrationGrant, RegistrationRefusal, format_local_time, parse_local_time, registration,
};
pub use firm::{
    About, Candidate, FieldTag, FreeTag, Interests, ProfileError, Tags, TagsError, Website, affinity, suggest,
};
pub use firm_search::{SearchTerms, SearchTermsError, search_words};
pub use ids::{ClusterId, EventId, FirmId, IdError, IntroductionId, MemberId, SiteId, StayId};
pub use introduction::{
    IntroductionAsk, IntroductionRefusal, IntroductionStatus, MAX_INTRODUCTIONS_PER_STAY, Note, NoteError, lapses,
    may_ask,
};
pub use language::{Language, LanguageError, Languages};
pub use ledger::{
    ClusterFigures, ExceptionKind, GuaranteeException, HeldDay, IntroductionCell, Ledger, LedgerCounts,
    MAX_PERIOD_DAYS, MatrixCell, Period, PeriodError, RequestCounts, counts_held_days, is_visitor_day, median,
};
pub use letter::{
    LetterCode, LetterCodeError, LetterRefusal, LetterStay, LetterValidity, PassportName, PassportNameError,
    letter_languages, letter_validity, may_have_letter,
};
pub use locale::{Locale, LocaleError};
pub use mail_kind::{MailFamily, MailKind, UnknownMailKind};
pub use place::{Country, CountryError, DegreesError, DeskCount, DeskCountError, Latitude, Longitude};
pub use policy::{
    ApprovalMode, DEFAULT_OFFER_HOLD_HOURS, HostPolicy, Limit, NetworkPolicy, OnNoAnswer, PolicyBelowGuarantee,
    PolicyBreach, PolicyDraft, PolicyField,
};
pub use quota::stays_left;
pub use reciprocity::{
    ANSWER_WINDOW_DAYS, Answers, Hosting, Lapse, MIN_WINDOW_DAYS, NoneApproved, OfferChange, REFUSALS_THAT_COUNT,
    SiteOffer, Standing, standing,
};
pub use recurrence::{MAX_OCCURRENCES, MonthPlace, RecurrenceError, Repeat, occurrence_dates};
pub use search::{SiteLoad, Starts, first_fits, nearest_fits};
pub use site_change::{SiteSetup, dates_hold_stays};
pub use status::{ClusterStatus, MemberStatus, StatusError, StayStatus};
pub use stay::{
    Action, Actor, HistoryAction, StayFacts, Transition, TransitionError, UnknownHistoryAction, transition,
};
pub use stay_move::{Move, MoveDecision, MoveRefusal, decide_move};
pub use text::{Reason, ReasonError};
pub use violation::{InactiveReason, Violation, ViolationCode};
pub use waitlist::{InLine, MAX_WAITING_PER_MEMBER, WaitDecision, WaitStatus, may_wait, pick_offers};
pub use weekdays::{WeekdaySet, WeekdaysError};
pub use zone::{TimeZone, TimeZoneError};
