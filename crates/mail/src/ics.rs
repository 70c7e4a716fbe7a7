//! RFC 5545 calendar files for stays: one all-day VEVENT spanning the stay,
//! sent as an invitation (`METHOD:REQUEST`) when a stay is approved and as a
//! cancellation (`METHOD:CANCEL`, same UID, higher SEQUENCE) when an approved
//! stay is cancelled; and for events, one timed VEVENT in UTC, sent as an
//! invitation on registration and on every change, and as a cancellation when
//! the event is called off or the registration withdrawn.
//!
//! Lines end in CRLF and are folded at 75 octets without splitting a UTF-8
//! character; TEXT values are escaped.

use std::fmt;

use chrono::{DateTime, Days, NaiveDate, Utc};
use deskvisa_rules::Locale;
use deskvisa_words::long_date;

use crate::{StayMail, StayMailKind};

/// The iTIP method of a calendar file: what the receiving calendar should do
/// with the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IcsMethod {
    /// An invitation: add (or update) the event.
    Request,
    /// A cancellation: remove the event with this UID.
    Cancel,
    /// Information only, no scheduling.
    Publish,
}

impl IcsMethod {
    /// The value of the `METHOD` property and of the `method=` parameter of
    /// `text/calendar`: `REQUEST`, `CANCEL` or `PUBLISH`.
    pub const fn as_str(self) -> &'static str {
        match self {
            IcsMethod::Request => "REQUEST",
            IcsMethod::Cancel => "CANCEL",
            IcsMethod::Publish => "PUBLISH",
        }
    }
}

impl fmt::Display for IcsMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The longest a content line may be, in octets, without its CRLF.
const MAX_LINE_OCTETS: usize = 75;

/// The UID of a stay's event: stable for the stay's whole life, so that
/// updates and the cancellation replace the same event.
pub fn stay_uid(stay_id: &str) -> String {
    uid("stay", stay_id)
}

/// `{kind}-{id}@deskvisa`, the id reduced to lower-case letters, digits and dashes.
fn uid(kind: &str, id: &str) -> String {
    let id: String =
        id.trim().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').map(|c| c.to_ascii_lowercase()).collect();
    format!("{kind}-{id}@deskvisa")
}

/// The lines every calendar file starts with, up to its VEVENT's UID,
/// SEQUENCE and DTSTAMP.
fn calendar_head(line: &mut impl FnMut(&str), method: IcsMethod, uid: &str, sequence: u32, dtstamp: DateTime<Utc>) {
    line("BEGIN:VCALENDAR");
    line("PRODID:-//deskvisa//EN");
    line("VERSION:2.0");
    line("CALSCALE:GREGORIAN");
    line(&format!("METHOD:{method}"));
    line("BEGIN:VEVENT");
    line(&format!("UID:{uid}"));
    line(&format!("SEQUENCE:{sequence}"));
    line(&format!("DTSTAMP:{}", dtstamp.format("%Y%m%dT%H%M%SZ")));
}

/// The stay as one all-day VEVENT in a VCALENDAR with `method`: DTSTART the
/// first day, DTEND the day after the last (exclusive), UID from the stay id,
/// the mail's SEQUENCE, `dtstamp` as DTSTAMP; ORGANIZER the site's contact,
/// ATTENDEE the member (not for [`IcsMethod::Publish`]). CRLF line endings.
pub fn stay_calendar(mail: &StayMail, method: IcsMethod, dtstamp: DateTime<Utc>) -> String {
    let locale = mail.locale();
    let end_exclusive = exclusive_end(mail.start_date, mail.end_date);
    let mut out = String::with_capacity(1024);
    let mut line = |text: &str| fold_into(&mut out, text);

    calendar_head(&mut line, method, &stay_uid(&mail.stay_id), mail.sequence, dtstamp);
    line(&format!("DTSTART;VALUE=DATE:{}", ics_date(mail.start_date)));
    line(&format!("DTEND;VALUE=DATE:{}", ics_date(end_exclusive)));
    line(&format!("SUMMARY:{}", escape_text(&summary(mail, locale))));
    line(&format!("LOCATION:{}", escape_text(&mail.site_address)));
    line(&format!("DESCRIPTION:{}", escape_text(&description(mail, locale, method))));
    let url = uri(&mail.stay_url);
    if url.starts_with("https://") || url.starts_with("http://") {
        line(&format!("URL:{url}"));
    }
    line(&format!("ORGANIZER;CN={}:mailto:{}", param(&mail.site_name), uri(&mail.site_contact_email)));
    match method {
        IcsMethod::Request => line(&format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{}",
            param(&mail.member_name),
            uri(&mail.member_email)
        )),
        IcsMethod::Cancel => line(&format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT:mailto:{}",
            param(&mail.member_name),
            uri(&mail.member_email)
        )),
        IcsMethod::Publish => {}
    }
    // A published copy of a stay that is over before it began (cancelled,
    // declined, expired) says so; so does every cancellation.
    let called_off =
        matches!(mail.kind, StayMailKind::StayCancelled | StayMailKind::StayDeclined | StayMailKind::StayExpired);
    line(match method {
        IcsMethod::Cancel => "STATUS:CANCELLED",
        IcsMethod::Publish if called_off => "STATUS:CANCELLED",
        IcsMethod::Publish if mail.kind == StayMailKind::StayRequested => "STATUS:TENTATIVE",
        // A moved stay waiting for the host's answer again.
        IcsMethod::Request if mail.kind == StayMailKind::StayMoved && mail.answer_deadline.is_some() => {
            "STATUS:TENTATIVE"
        }
        IcsMethod::Request | IcsMethod::Publish => "STATUS:CONFIRMED",
    });
    line("TRANSP:OPAQUE");
    line("END:VEVENT");
    line("END:VCALENDAR");
    out
}

/// An event at a site, as a calendar file shows it (DOMAIN.md, "Events").
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct EventCalendar {
    /// The event's id (uuid text); the UID derives from it.
    pub event_id: String,
    pub title: String,
    /// What it is about (free text, may span lines).
    pub description: String,
    /// The site's name.
    pub site_name: String,
    /// The site's address (LOCATION).
    pub address: String,
    /// The site's IANA zone, in which `starts_at` and `ends_at` are given.
    pub timezone: deskvisa_rules::TimeZone,
    /// Local start at the site.
    pub starts_at: chrono::NaiveDateTime,
    /// Local end at the site.
    pub ends_at: chrono::NaiveDateTime,
    /// The site's contact (ORGANIZER).
    pub organizer_email: String,
    /// The registered person (ATTENDEE), for invitations.
    pub attendee: Option<(String, String)>,
    /// Raised on every change of the event or the registration.
    pub sequence: u32,
    /// The event or the registration is called off.
    pub cancelled: bool,
}

/// The UID of an event's calendar entry.
pub fn event_uid(event_id: &str) -> String {
    uid("event", event_id)
}

/// An event as one timed VEVENT. Times are written in UTC (`...Z`), read
/// from the site's wall clock in its zone ([`deskvisa_rules::TimeZone::instant_of`]),
/// so every calendar shows the right moment in its own zone, around DST
/// changes included, with no VTIMEZONE to get wrong; the site's zone is
/// named in the description.
pub fn event_calendar(event: &EventCalendar, method: IcsMethod, dtstamp: DateTime<Utc>) -> String {
    let start = event.timezone.instant_of(event.starts_at);
    let end = event.timezone.instant_of(event.ends_at).max(start);
    let mut out = String::with_capacity(1024);
    let mut line = |text: &str| fold_into(&mut out, text);
    calendar_head(&mut line, method, &event_uid(&event.event_id), event.sequence, dtstamp);
    line(&format!("DTSTART:{}", start.format("%Y%m%dT%H%M%SZ")));
    line(&format!("DTEND:{}", end.format("%Y%m%dT%H%M%SZ")));
    line(&format!("SUMMARY:{}", escape_text(&event.title)));
    line(&format!("LOCATION:{}", escape_text(&format!("{}, {}", event.site_name, event.address))));
    // The end's date only when the event runs past midnight.
    let end_format = if event.ends_at.date() == event.starts_at.date() { "%H:%M" } else { "%Y-%m-%d %H:%M" };
    let description = format!(
        "{}\n\n{} – {} ({})",
        event.description.trim(),
        event.starts_at.format("%Y-%m-%d %H:%M"),
        event.ends_at.format(end_format),
        event.timezone.name()
    );
    line(&format!("DESCRIPTION:{}", escape_text(description.trim_start())));
    line(&format!("ORGANIZER;CN={}:mailto:{}", param(&event.site_name), uri(&event.organizer_email)));
    match (&event.attendee, method) {
        (Some((name, email)), IcsMethod::Request) => line(&format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{}",
            param(name),
            uri(email)
        )),
        (Some((name, email)), IcsMethod::Cancel) => {
            line(&format!("ATTENDEE;CN={};ROLE=REQ-PARTICIPANT:mailto:{}", param(name), uri(email)));
        }
        (Some(_), IcsMethod::Publish) | (None, _) => {}
    }
    line(if event.cancelled || method == IcsMethod::Cancel { "STATUS:CANCELLED" } else { "STATUS:CONFIRMED" });
    line("END:VEVENT");
    line("END:VCALENDAR");
    out
}

/// One calendar of many entries, for a calendar program to subscribe to
/// (`METHOD:PUBLISH`, named `name`): the VEVENTs of each of `calendars`
/// (files [`stay_calendar`] and [`event_calendar`] wrote, folded already),
/// each with its own UID and SEQUENCE, so an entry that changes is updated
/// in place on the next refresh.
pub fn feed(name: &str, calendars: &[String]) -> String {
    let mut out = String::with_capacity(256 + calendars.iter().map(String::len).sum::<usize>());
    for head in ["BEGIN:VCALENDAR", "PRODID:-//deskvisa//EN", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"] {
        fold_into(&mut out, head);
    }
    fold_into(&mut out, &format!("X-WR-CALNAME:{}", escape_text(name)));
    for calendar in calendars {
        let mut inside = false;
        for line in calendar.split("\r\n") {
            inside |= line == "BEGIN:VEVENT";
            if inside {
                out.push_str(line);
                out.push_str("\r\n");
            }
            inside &= line != "END:VEVENT";
        }
    }
    fold_into(&mut out, "END:VCALENDAR");
    out
}

/// The day after `end` (DTEND of an all-day event is exclusive); never
/// before the day after `start`, and saturating at the end of time.
fn exclusive_end(start: NaiveDate, end: NaiveDate) -> NaiveDate {
    let last = end.max(start);
    last.checked_add_days(Days::new(1)).unwrap_or(last)
}

fn ics_date(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

fn summary(mail: &StayMail, locale: Locale) -> String {
    match locale {
        Locale::En => format!("Guest desk: {}", mail.site_name),
        Locale::Pl => format!("Biurko gościnne: {}", mail.site_name),
    }
}

fn description(mail: &StayMail, locale: Locale, method: IcsMethod) -> String {
    let (site, cluster) = (&mail.site_name, &mail.host_cluster_name);
    let (start, end) = (long_date(locale, mail.start_date), long_date(locale, mail.end_date));
    let days = mail.days.len();
    let (cancelled, stay, address, contact, house_rules, your_stay) = match locale {
        Locale::En => (
            "This stay is cancelled.",
            format!(
                "Guest desk at {site} ({cluster}), {start} – {end}, {days} desk day{}.",
                if days == 1 { "" } else { "s" }
            ),
            "Address",
            "Contact",
            "House rules",
            "Your stay",
        ),
        Locale::Pl => (
            "Ten pobyt został odwołany.",
            format!("Biurko gościnne: {site} ({cluster}), {start} – {end}, dni z biurkiem: {days}."),
            "Adres",
            "Kontakt",
            "Zasady obowiązujące na miejscu",
            "Twój pobyt",
        ),
    };
    let mut text = String::new();
    if method == IcsMethod::Cancel {
        let reason = mail.reason.as_deref().filter(|r| !r.trim().is_empty());
        text.push_str(&cancellation_note(locale, cancelled, reason));
    }
    text.push_str(&format!("{stay}\n{address}: {}\n{contact}: {}\n", mail.site_address, mail.site_contact_email));
    if method != IcsMethod::Cancel && !mail.house_rules.trim().is_empty() {
        text.push_str(&format!("\n{house_rules}:\n{}\n", mail.house_rules.trim()));
    }
    if !mail.stay_url.trim().is_empty() {
        text.push_str(&format!("\n{your_stay}: {}", mail.stay_url.trim()));
    }
    text.trim_end().to_owned()
}

/// How the description of a called-off entry (a stay's or an event's)
/// begins: `headline`, the reason when one was given, and a blank line.
pub(crate) fn cancellation_note(locale: Locale, headline: &str, reason: Option<&str>) -> String {
    let mut text = format!("{headline}\n");
    if let Some(reason) = reason {
        let label = match locale {
            Locale::En => "Reason",
            Locale::Pl => "Powód",
        };
        text.push_str(&format!("{label}: {reason}\n"));
    }
    text.push('\n');
    text
}

/// Escapes a TEXT value (RFC 5545, 3.3.11): backslash, semicolon and comma
/// are backslash-escaped, every line break becomes `\n`, and other control
/// characters (which a content line may not hold) are dropped.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, always quoted: DQUOTE (which a parameter cannot hold)
/// becomes an apostrophe, control characters are dropped.
fn param(value: &str) -> String {
    let inner: String = value.chars().filter(|c| !c.is_control()).map(|c| if c == '"' { '\'' } else { c }).collect();
    format!("\"{}\"", inner.trim())
}

/// A URI or address value: whitespace and control characters dropped.
fn uri(value: &str) -> String {
    value.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect()
}

/// Appends one content line, folded so that no physical line exceeds 75
/// octets (continuations start with one space), each ending in CRLF.
fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// Folds one content line (see [`stay_calendar`]); exposed for tests and for
/// other calendar writers.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    fold_into(&mut out, line);
    out
}

/// Undoes folding (a CRLF followed by a space or tab), for reading back.
pub fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    fn stamp() -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(9, 15, 7).unwrap().and_utc()
    }

    fn property<'a>(unfolded: &'a str, name: &str) -> Vec<&'a str> {
        unfolded.split("\r\n").filter(|l| l.starts_with(name)).collect()
    }

    #[test]
    fn a_feed_holds_each_entry_once_in_one_calendar() {
        let stay = stay_calendar(&sample(StayMailKind::StayApproved, "en"), IcsMethod::Publish, stamp());
        let mut long = sample(StayMailKind::StayRequested, "pl");
        long.stay_id = "6f1c1f57-8f7a-4b8e-9c63-0f4a1d2b3c4e".to_owned();
        long.site_address = "ul. Bardzo Długa 1234, 41-700 Ruda Śląska, ".repeat(4);
        let other = stay_calendar(&long, IcsMethod::Publish, stamp());
        let feed = feed("deskvisa: Anna", &[stay, other]);
        assert_eq!(feed.matches("BEGIN:VCALENDAR").count(), 1);
        assert_eq!(feed.matches("BEGIN:VEVENT").count(), 2);
        assert_eq!(feed.matches("END:VEVENT").count(), 2);
        assert!(feed.ends_with("END:VCALENDAR\r\n") && feed.contains("METHOD:PUBLISH\r\n"));
        assert!(feed.split("\r\n").all(|l| l.len() <= MAX_LINE_OCTETS + 1), "folded lines stay folded");
        assert!(unfold(&feed).contains("Bardzo Długa 1234"), "a folded line is carried whole");
    }

    #[test]
    fn every_line_ends_in_crlf_and_fits_75_octets() {
        let mut mail = sample(StayMailKind::StayApproved, "pl");
        mail.site_address =
            "ul. Świętokrzyska 12, lokal 4, 00-916 Warszawa, województwo mazowieckie, Polska — wejście od podwórza, źółęż"
                .to_owned();
        let ics = stay_calendar(&mail, IcsMethod::Request, stamp());
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
        assert!(!ics.replace("\r\n", "").contains('\r'), "bare CR");
        for physical in ics.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets: {physical}", physical.len());
        }
        let unfolded = unfold(&ics);
        assert_eq!(
            property(&unfolded, "LOCATION:"),
            vec![
                "LOCATION:ul. Świętokrzyska 12\\, lokal 4\\, 00-916 Warszawa\\, województwo mazowieckie\\, Polska — wejście od podwórza\\, źółęż"
            ]
        );
    }

    #[test]
    fn folding_never_splits_a_multibyte_character() {
        // 'ż' is two octets: a line of them hits the limit mid-character if split naively.
        let line = format!("LOCATION:{}", "ż".repeat(100));
        let folded = fold(&line);
        let physical: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(physical.len() > 2);
        // 9 ASCII octets + 33 two-octet characters = 75; the 34th goes on.
        assert_eq!(physical[0].len(), 75);
        // A space + 37 two-octet characters = 75.
        assert_eq!(physical[1].len(), 75);
        for (i, p) in physical.iter().enumerate() {
            assert!(p.len() <= 75);
            if i > 0 {
                assert!(p.starts_with(' '));
            }
        }
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
        // Short lines are left alone.
        assert_eq!(fold("VERSION:2.0"), "VERSION:2.0\r\n");
        // Exactly 75 octets: no fold.
        let exact = "X".repeat(75);
        assert_eq!(fold(&exact), format!("{exact}\r\n"));
        assert_eq!(fold(&"X".repeat(76)), format!("{exact}\r\n X\r\n"));
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf\rg"), "a\\\\b\\;c\\,d\\ne\\nf\\ng");
        assert_eq!(escape_text("tab\there\u{7}"), "tab here");
        let mut mail = sample(StayMailKind::StayApproved, "en");
        mail.site_name = "Hub; \"North\", Floor 2".to_owned();
        mail.member_name = "Nowak, Anna \"Ania\"".to_owned();
        let unfolded = unfold(&stay_calendar(&mail, IcsMethod::Request, stamp()));
        assert_eq!(property(&unfolded, "SUMMARY:"), vec!["SUMMARY:Guest desk: Hub\\; \"North\"\\, Floor 2"]);
        assert_eq!(
            property(&unfolded, "ORGANIZER"),
            vec!["ORGANIZER;CN=\"Hub; 'North', Floor 2\":mailto:desks@copenhagen-digital-cluster.example"]
        );
        assert!(property(&unfolded, "ATTENDEE")[0].starts_with("ATTENDEE;CN=\"Nowak, Anna 'Ania'\";ROLE="));
        let description = property(&unfolded, "DESCRIPTION:")[0];
        assert!(description.contains("\\nHouse rules:\\nReception opens at 8:00\\; ask for a visitor badge.\\n"));
    }

    #[test]
    fn dates_are_all_day_with_an_exclusive_end() {
        let mail = sample(StayMailKind::StayApproved, "en");
        let unfolded = unfold(&stay_calendar(&mail, IcsMethod::Request, stamp()));
        assert_eq!(property(&unfolded, "DTSTART"), vec!["DTSTART;VALUE=DATE:20260309"]);
        assert_eq!(property(&unfolded, "DTEND"), vec!["DTEND;VALUE=DATE:20260314"]);
        assert_eq!(property(&unfolded, "DTSTAMP"), vec!["DTSTAMP:20260302T091507Z"]);
        // Across a month and a year end.
        let mut mail = mail;
        mail.start_date = NaiveDate::from_ymd_opt(2026, 12, 28).unwrap();
        mail.end_date = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let unfolded = unfold(&stay_calendar(&mail, IcsMethod::Request, stamp()));
        assert_eq!(property(&unfolded, "DTEND"), vec!["DTEND;VALUE=DATE:20270101"]);
    }

    #[test]
    fn the_uid_is_stable_per_stay_and_the_header_is_complete() {
        let approved = sample(StayMailKind::StayApproved, "en");
        let cancelled = sample(StayMailKind::StayCancelled, "pl");
        let a = unfold(&stay_calendar(&approved, IcsMethod::Request, stamp()));
        let c = unfold(&stay_calendar(&cancelled, IcsMethod::Cancel, stamp() + chrono::TimeDelta::days(3)));
        let uid = "UID:stay-0195b7a2-4c1e-7d3a-9f50-2a6c8e1d4b73@deskvisa";
        assert_eq!(property(&a, "UID:"), vec![uid]);
        assert_eq!(property(&c, "UID:"), vec![uid]);
        assert_eq!(stay_uid(" 0195B7A2-4C1E-7D3A-9F50-2A6C8E1D4B73 "), stay_uid(&approved.stay_id));
        for line in ["BEGIN:VCALENDAR", "PRODID:-//deskvisa//EN", "VERSION:2.0", "CALSCALE:GREGORIAN"] {
            assert!(a.contains(&format!("{line}\r\n")));
        }
        assert!(a.contains("METHOD:REQUEST\r\n") && a.contains("STATUS:CONFIRMED\r\n"));
        assert!(a.contains("PARTSTAT=ACCEPTED"));
        assert!(c.contains("METHOD:CANCEL\r\n") && c.contains("STATUS:CANCELLED\r\n"));
        assert!(c.contains("DESCRIPTION:Ten pobyt został odwołany.\\nPowód: "));
        let publish = stay_calendar(&approved, IcsMethod::Publish, stamp());
        assert!(publish.contains("METHOD:PUBLISH\r\n") && !publish.contains("ATTENDEE"));
    }
}
