//! The plain data one stay email is written from ([`StayMail`], with the
//! host's events during the stay as [`StayEventLine`]s), stored as JSON in
//! the outbox, and realistic samples for previews.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use deskvisa_rules::{Amenity, ArrivalPack, Locale, OpeningHours, Phone, parse_hours};
use serde::{Deserialize, Serialize};

use crate::StayMailKind;

/// Everything needed to write one stay email (all plain data, so it can be
/// stored as JSON in the outbox and rendered later).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StayMail {
    /// Which email this is.
    pub kind: StayMailKind,
    /// The recipient's language: `en` or `pl` (anything else is English).
    pub locale: String,
    /// The recipient's name.
    pub recipient_name: String,
    /// The recipient's address.
    pub recipient_email: String,
    /// The visiting member's name.
    pub member_name: String,
    /// The visiting member's address.
    pub member_email: String,
    /// The visiting member's company.
    pub member_company: String,
    /// The host site's name.
    pub site_name: String,
    /// The host site's postal address.
    pub site_address: String,
    /// The host site's IANA time zone, such as `Europe/Copenhagen`.
    pub site_timezone: String,
    /// The host site's contact address (the calendar ORGANIZER).
    pub site_contact_email: String,
    /// The host site's house rules (free text, may span lines).
    pub house_rules: String,
    /// What the visitor needs on arriving (approvals and reminders; none
    /// in emails queued before sites had one).
    #[serde(default)]
    pub arrival: Option<ArrivalPack>,
    /// The host cluster's name.
    pub host_cluster_name: String,
    /// The stay's id (uuid text); the calendar UID derives from it.
    pub stay_id: String,
    /// The first day of the stay.
    pub start_date: NaiveDate,
    /// The last day of the stay (inclusive).
    pub end_date: NaiveDate,
    /// The open days the stay holds a desk on.
    pub days: Vec<NaiveDate>,
    /// What the member comes for.
    pub purpose: String,
    /// Why the stay was declined or cancelled, when a reason was given.
    pub reason: Option<String>,
    /// When the host's answer is due (for pending stays).
    pub answer_deadline: Option<DateTime<Utc>>,
    /// The calendar SEQUENCE: raised on every change of the stay.
    pub sequence: u32,
    /// For cancellations: whether the stay had been approved (then the member
    /// has an invitation in their calendar, and a `METHOD:CANCEL` goes out).
    pub had_been_approved: bool,
    /// The link to the stay (for hosts: where to decide).
    pub stay_url: String,
    /// The host's events at the site during the stay (for approvals), earliest first.
    #[serde(default)]
    pub events: Vec<StayEventLine>,
    /// For a moved stay: its first and last day before the move.
    #[serde(default)]
    pub moved_from: Option<(NaiveDate, NaiveDate)>,
}

/// One of the host's events at the site during a stay, as the approval
/// lists it (only those open to visitors are shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StayEventLine {
    /// The event's title.
    pub title: String,
    /// Its start, on the site's wall clock.
    pub starts_at: NaiveDateTime,
    /// Its end, on the site's wall clock.
    pub ends_at: NaiveDateTime,
    /// Whether visiting members may register for it.
    pub open_to_visitors: bool,
    /// How many seats are still free.
    pub seats_left: u32,
}

impl StayMail {
    /// The recipient's locale; English when the text is not a known locale.
    pub fn locale(&self) -> Locale {
        Locale::parse(&self.locale).unwrap_or_default()
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A wall-clock time in March 2026, for samples.
pub(crate) fn march_2026(day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    date(2026, 3, day).and_hms_opt(hour, minute, 0).unwrap_or_default()
}

/// The host's events during the sample stay, in `locale`.
fn sample_events(locale: Locale) -> Vec<StayEventLine> {
    let (evening, demo_day) = match locale {
        Locale::En => ("Fintech evening: open banking after PSD3", "Demo day: AI in public services"),
        Locale::Pl => ("Wieczór fintech: otwarta bankowość po PSD3", "Dzień demo: AI w usługach publicznych"),
    };
    vec![
        StayEventLine {
            title: evening.to_owned(),
            starts_at: march_2026(10, 17, 0),
            ends_at: march_2026(10, 19, 0),
            open_to_visitors: true,
            seats_left: 14,
        },
        StayEventLine {
            title: demo_day.to_owned(),
            starts_at: march_2026(12, 15, 0),
            ends_at: march_2026(12, 18, 0),
            open_to_visitors: true,
            seats_left: 3,
        },
    ]
}

/// The sample site's arrival pack.
fn sample_arrival(locale: Locale) -> ArrivalPack {
    let day = parse_hours("08:00-18:00").unwrap_or_default();
    let (access, transport) = match locale {
        Locale::En => {
            ("Main door on Nørrebrogade; ring Reception on the 1st floor.", "Metro M3, Nørrebros Runddel (4 min walk)")
        }
        Locale::Pl => {
            ("Główne wejście od Nørrebrogade; recepcja na 1. piętrze.", "Metro M3, Nørrebros Runddel (4 min pieszo)")
        }
    };
    ArrivalPack {
        hours: OpeningHours([day, day, day, day, day, None, None]),
        access: access.to_owned(),
        contact_name: "Mette Sørensen".to_owned(),
        contact_phone: Phone::parse("+45 33 12 34 56").unwrap_or_default(),
        transport: transport.to_owned(),
        amenities: vec![Amenity::PhoneBooths, Amenity::Kitchen, Amenity::StepFreeAccess],
        ..ArrivalPack::default()
    }
}

/// A realistic sample of `kind` in `locale` (for `deskvisa mail preview`):
/// a Polish member visiting a Copenhagen site for a working week.
pub fn sample(kind: StayMailKind, locale: &str) -> StayMail {
    let locale = Locale::parse(locale).unwrap_or_default();
    let (recipient_name, recipient_email) = if kind.to_host() {
        ("Mette Sørensen", "admin@copenhagen-digital-cluster.example")
    } else {
        ("Anna Nowak", "anna.nowak@hubclub.example")
    };
    let start = date(2026, 3, 9);
    let days: Vec<NaiveDate> = (0..5).filter_map(|i| start.checked_add_days(chrono::Days::new(i))).collect();
    let (purpose, house_rules, reason) = match locale {
        Locale::En => (
            "Meeting Danish fintech partners and preparing a joint Horizon Europe proposal.",
            "Reception opens at 8:00; ask for a visitor badge.\nQuiet zone on the 2nd floor: calls in the phone booths, please.\nLeave the desk clear by 18:00.",
            "The site is closed that week for renovation of the 2nd floor.",
        ),
        Locale::Pl => (
            "Spotkania z duńskimi partnerami z branży fintech i przygotowanie wspólnego wniosku do programu Horyzont Europa.",
            "Recepcja jest czynna od 8:00; proszę poprosić o identyfikator gościa.\nNa 2. piętrze obowiązuje strefa ciszy: rozmowy w budkach telefonicznych.\nBiurko proszę zwolnić do 18:00.",
            "W tym tygodniu lokalizacja jest zamknięta z powodu remontu 2. piętra.",
        ),
    };
    let cancelled = matches!(kind, StayMailKind::StayCancelled | StayMailKind::StayCancelledHost);
    let moved = matches!(kind, StayMailKind::StayMoved | StayMailKind::StayMovedHost);
    StayMail {
        kind,
        locale: locale.as_str().to_owned(),
        recipient_name: recipient_name.to_owned(),
        recipient_email: recipient_email.to_owned(),
        member_name: "Anna Nowak".to_owned(),
        member_email: "anna.nowak@hubclub.example".to_owned(),
        member_company: "Hub Club Software sp. z o.o.".to_owned(),
        site_name: "Copenhagen Digital Cluster – Nørrebro".to_owned(),
        site_address: "Nørrebrogade 45, 2200 København N, Denmark".to_owned(),
        site_timezone: "Europe/Copenhagen".to_owned(),
        site_contact_email: "desks@copenhagen-digital-cluster.example".to_owned(),
        house_rules: house_rules.to_owned(),
        arrival: matches!(kind, StayMailKind::StayApproved | StayMailKind::StayReminder)
            .then(|| sample_arrival(locale)),
        host_cluster_name: "Copenhagen Digital Cluster".to_owned(),
        stay_id: "0195b7a2-4c1e-7d3a-9f50-2a6c8e1d4b73".to_owned(),
        start_date: start,
        end_date: date(2026, 3, 13),
        days,
        purpose: purpose.to_owned(),
        reason: matches!(
            kind,
            StayMailKind::StayDeclined | StayMailKind::StayCancelled | StayMailKind::StayCancelledHost
        )
        .then(|| reason.to_owned()),
        answer_deadline: matches!(
            kind,
            StayMailKind::StayRequested | StayMailKind::StayRequestedHost | StayMailKind::AnswerReminder
        )
        .then(|| date(2026, 3, 3).and_hms_opt(23, 0, 0).unwrap_or_default().and_utc()),
        sequence: match kind {
            StayMailKind::StayApproved => 1,
            _ if cancelled || moved => 2,
            _ => 0,
        },
        had_been_approved: cancelled || moved,
        stay_url: "https://deskvisa.example/stays/0195b7a2-4c1e-7d3a-9f50-2a6c8e1d4b73".to_owned(),
        events: if kind == StayMailKind::StayApproved { sample_events(locale) } else { Vec::new() },
        // Moved a week on, still approved.
        moved_from: moved.then(|| (date(2026, 3, 2), date(2026, 3, 6))),
    }
}
