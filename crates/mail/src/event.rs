//! The emails about a registration for a host's event (DOMAIN.md, "Events"
//! and "Emails"): the confirmation, a change of the event, its cancellation,
//! and the withdrawal of a registration the person's stay no longer allows.
//! Each goes in the recipient's locale, as text and HTML in the common
//! layout, and always with a calendar file for the same event UID: an
//! invitation (`METHOD:REQUEST`) or a cancellation (`METHOD:CANCEL`).
//!
//! One template family per locale (`templates/event/<locale>.{txt,html}`)
//! writes every kind: what differs between kinds (the subject, the opening
//! paragraph, the calendar sentence, the closing) is chosen here, in Rust.

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use deskvisa_rules::{Locale, TimeZone};
use deskvisa_words::{day_month_year, time_span};
use serde::{Deserialize, Serialize};

use crate::ics::{EventCalendar, IcsMethod, cancellation_note, event_calendar};
use crate::kind::mail_family;
use crate::model::march_2026;
use crate::render::{non_empty, one_line, pre_html, templates, tidy_text, web_link};
use crate::{CalendarFile, Rendered};

mail_family! {
    /// Which event email this is: decides the wording and the calendar method.
    /// In the order of a registration's life.
    pub enum EventMailKind {
        /// To the person who registered: the registration is confirmed (carries
        /// a `METHOD:REQUEST` invitation with them as ATTENDEE).
        EventRegistered,
        /// To each registered person: the event's time, place or title changed
        /// (`METHOD:REQUEST` again, with a higher SEQUENCE).
        EventChanged,
        /// To each registered person: the host cancelled the event (`METHOD:CANCEL`).
        EventCancelled,
        /// To the person who registered: the registration was withdrawn, because
        /// the stay that allowed it was cancelled, or the event changed so that
        /// the stay no longer covers it or it is no longer open to visitors
        /// (`METHOD:CANCEL`).
        EventRegistrationWithdrawn,
    }
}

impl EventMailKind {
    /// The method of the calendar file that goes with this email: `REQUEST`
    /// for a registration and a change, `CANCEL` when the event or the
    /// registration is called off.
    pub const fn calendar_method(self) -> IcsMethod {
        match self {
            EventMailKind::EventRegistered | EventMailKind::EventChanged => IcsMethod::Request,
            EventMailKind::EventCancelled | EventMailKind::EventRegistrationWithdrawn => IcsMethod::Cancel,
        }
    }
}

/// Everything one event email is written from (all plain data, so it can be
/// stored as JSON in the outbox and rendered later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMail {
    /// Which email this is.
    pub kind: EventMailKind,
    /// The recipient's language: `en` or `pl` (anything else is English).
    pub locale: String,
    /// The recipient's name (the calendar ATTENDEE).
    pub recipient_name: String,
    /// The recipient's address (the calendar ATTENDEE).
    pub recipient_email: String,
    /// The event's id (uuid text); the calendar UID derives from it
    /// ([`crate::ics::event_uid`]), the same for every email about the event.
    pub event_id: String,
    /// The event's title.
    pub title: String,
    /// What the event is about (free text, may span lines).
    pub description: String,
    /// The host site's name.
    pub site_name: String,
    /// The host site's postal address.
    pub site_address: String,
    /// The host site's IANA time zone, such as `Europe/Copenhagen` (UTC when
    /// the name is unknown).
    pub site_timezone: String,
    /// The host site's contact address (the calendar ORGANIZER).
    pub site_contact_email: String,
    /// The host cluster's name.
    pub host_cluster_name: String,
    /// The event's start, on the site's wall clock.
    pub starts_at: NaiveDateTime,
    /// The event's end, on the site's wall clock.
    pub ends_at: NaiveDateTime,
    /// The calendar SEQUENCE: raised on every change of the event or the
    /// registration.
    pub sequence: u32,
    /// Why the event was cancelled or the registration withdrawn, when a
    /// reason was given.
    pub reason: Option<String>,
    /// The link to the event (or its site) in deskvisa; shown only if it is
    /// an http(s) URL.
    pub event_url: String,
}

impl EventMail {
    /// The recipient's locale; English when the text is not a known locale.
    pub fn locale(&self) -> Locale {
        Locale::parse(&self.locale).unwrap_or_default()
    }

    /// The site's zone; UTC when the name is not one the tz database knows.
    fn zone(&self) -> TimeZone {
        TimeZone::parse(&self.site_timezone).unwrap_or(TimeZone::UTC)
    }
}

/// Writes `mail` in its recipient's locale: subject, text and HTML bodies,
/// and the calendar file (always one: a `REQUEST` with the recipient as
/// ATTENDEE for registrations and changes, a `CANCEL` of the same UID for
/// cancellations and withdrawals); `now` is the calendar file's DTSTAMP.
/// Never fails: should a template ever fail to render, the body falls back
/// to a plain summary.
pub fn render_event(mail: &EventMail, now: DateTime<Utc>) -> Rendered {
    let locale = mail.locale();
    let zone = mail.zone();
    let view = View::new(mail, locale, zone);
    let (text, html) = bodies(locale, &view);
    let method = mail.kind.calendar_method();
    let calendar = CalendarFile { method, content: event_calendar(&calendar_of(mail, locale, zone), method, now) };
    Rendered {
        subject: view.subject.clone(),
        text: text.map(|t| tidy_text(&t)).unwrap_or_else(|_| fallback_text(&view)),
        html: html.unwrap_or_else(|_| pre_html(&fallback_text(&view))),
        calendar: Some(calendar),
    }
}

/// The event as its calendar entry: the recipient as ATTENDEE; for a
/// cancellation, the description says what was called off and why.
fn calendar_of(mail: &EventMail, locale: Locale, zone: TimeZone) -> EventCalendar {
    let cancelled = mail.kind.calendar_method() == IcsMethod::Cancel;
    let description = if cancelled {
        let headline = match (locale, mail.kind) {
            (Locale::En, EventMailKind::EventRegistrationWithdrawn) => "Your registration is withdrawn.",
            (Locale::Pl, EventMailKind::EventRegistrationWithdrawn) => "Twój zapis został wycofany.",
            (Locale::En, _) => "This event is cancelled.",
            (Locale::Pl, _) => "To wydarzenie zostało odwołane.",
        };
        let reason = mail.reason.as_deref().and_then(non_empty);
        format!("{}{}", cancellation_note(locale, headline, reason), mail.description.trim())
    } else {
        mail.description.clone()
    };
    EventCalendar {
        event_id: mail.event_id.clone(),
        title: mail.title.clone(),
        description: description.trim_end().to_owned(),
        site_name: mail.site_name.clone(),
        address: mail.site_address.clone(),
        timezone: zone,
        starts_at: mail.starts_at,
        ends_at: mail.ends_at,
        organizer_email: mail.site_contact_email.clone(),
        attendee: Some((mail.recipient_name.clone(), mail.recipient_email.clone())),
        sequence: mail.sequence,
        cancelled,
    }
}

/// What the templates see.
struct View<'a> {
    /// `en` or `pl`, for `<html lang>`.
    lang: &'static str,
    subject: String,
    name: &'a str,
    /// The opening paragraph, which says what happened.
    lead: String,
    /// The reason given for a cancellation or a withdrawal.
    reason: Option<&'a str>,
    /// For a withdrawal with no reason given: why registrations get withdrawn.
    explanation: Option<&'static str>,
    title: &'a str,
    /// The event's time at the site, with the zone named.
    when: String,
    site: &'a str,
    cluster: &'a str,
    address: &'a str,
    contact: &'a str,
    description: Option<&'a str>,
    /// What the attached calendar file does.
    calendar_note: &'static str,
    /// The last paragraph, if the kind has one.
    closing: Option<&'static str>,
    /// The event's link, only if it is an http(s) URL.
    url: Option<&'a str>,
    footer: &'static str,
}

impl<'a> View<'a> {
    fn new(m: &'a EventMail, locale: Locale, zone: TimeZone) -> Self {
        let title = m.title.trim();
        let (site, cluster) = (m.site_name.trim(), m.host_cluster_name.trim());
        let reason = m.reason.as_deref().and_then(non_empty);
        View {
            lang: locale.as_str(),
            subject: one_line(&subject(m, locale)),
            name: m.recipient_name.trim(),
            lead: lead(m.kind, locale, title, site, cluster),
            reason,
            explanation: match (m.kind, reason, locale) {
                (EventMailKind::EventRegistrationWithdrawn, None, Locale::En) => Some(
                    "A visiting member can take part in an event open to visitors while they hold an approved \
                     stay at the site that includes the day of the event. That is no longer the case for you: \
                     most often the stay was cancelled, or the event moved to another day.",
                ),
                (EventMailKind::EventRegistrationWithdrawn, None, Locale::Pl) => Some(
                    "Gość może uczestniczyć w wydarzeniu otwartym dla gości, jeśli ma zatwierdzony pobyt \
                     w tej lokalizacji obejmujący dzień wydarzenia. Ten warunek przestał być spełniony – \
                     najczęściej dlatego, że pobyt został odwołany albo wydarzenie przeniesiono na inny dzień.",
                ),
                _ => None,
            },
            title,
            when: format!("{} ({})", time_span(locale, m.starts_at, m.ends_at), zone.name()),
            site,
            cluster,
            address: m.site_address.trim(),
            contact: m.site_contact_email.trim(),
            description: non_empty(&m.description),
            calendar_note: calendar_note(m.kind, locale),
            closing: closing(m.kind, locale),
            url: web_link(&m.event_url),
            footer: match locale {
                Locale::En => {
                    "deskvisa: free desks for members of the ICT cluster network, wherever they travel in it. \
                     You receive this email because of a registration for an event in deskvisa."
                }
                Locale::Pl => {
                    "deskvisa: bezpłatne biurka dla członków sieci klastrów ICT, gdziekolwiek podróżują. \
                     Otrzymujesz tę wiadomość w związku z zapisem na wydarzenie w deskvisa."
                }
            },
        }
    }
}

/// "Registered: Fintech evening, 10 March 2026, 17:00 at Site" /
/// "Zapis potwierdzony: Wieczór fintech, 10 marca 2026, godz. 17:00, Site".
fn subject(m: &EventMail, locale: Locale) -> String {
    let (title, site) = (m.title.trim(), m.site_name.trim());
    let date = day_month_year(locale, m.starts_at.date());
    let time = format!("{:02}:{:02}", m.starts_at.hour(), m.starts_at.minute());
    match (locale, m.kind) {
        (Locale::En, EventMailKind::EventRegistered) => format!("Registered: {title}, {date}, {time} at {site}"),
        (Locale::En, EventMailKind::EventChanged) => format!("Changed: {title}, {date}, {time} at {site}"),
        (Locale::En, EventMailKind::EventCancelled) => format!("Cancelled: {title}, {date}, {time} at {site}"),
        (Locale::En, EventMailKind::EventRegistrationWithdrawn) => {
            format!("Registration withdrawn: {title}, {date}, {time} at {site}")
        }
        (Locale::Pl, EventMailKind::EventRegistered) => {
            format!("Zapis potwierdzony: {title}, {date}, godz. {time}, {site}")
        }
        (Locale::Pl, EventMailKind::EventChanged) => {
            format!("Zmiany w wydarzeniu: {title}, {date}, godz. {time}, {site}")
        }
        (Locale::Pl, EventMailKind::EventCancelled) => {
            format!("Wydarzenie odwołane: {title}, {date}, godz. {time}, {site}")
        }
        (Locale::Pl, EventMailKind::EventRegistrationWithdrawn) => {
            format!("Zapis wycofany: {title}, {date}, godz. {time}, {site}")
        }
    }
}

/// The opening paragraph: what happened. In Polish it continues the
/// greeting "Dzień dobry," and so starts in lower case (unless it starts
/// with a name or "Twój").
fn lead(kind: EventMailKind, locale: Locale, title: &str, site: &str, cluster: &str) -> String {
    match (locale, kind) {
        (Locale::En, EventMailKind::EventRegistered) => {
            format!("You are registered for “{title}”, hosted by {cluster} at {site}. Your seat is reserved.")
        }
        (Locale::En, EventMailKind::EventChanged) => format!(
            "{cluster} has changed “{title}”, which you are registered for. Your registration still holds; \
             below are the details as they are now."
        ),
        (Locale::En, EventMailKind::EventCancelled) => {
            format!("{cluster} has cancelled “{title}”, which you were registered for. The event will not take place.")
        }
        (Locale::En, EventMailKind::EventRegistrationWithdrawn) => {
            format!("Your registration for “{title}” at {site} has been withdrawn.")
        }
        (Locale::Pl, EventMailKind::EventRegistered) => format!(
            "potwierdzamy Twój zapis na wydarzenie „{title}”, które {cluster} organizuje w lokalizacji {site}. \
             Miejsce jest zarezerwowane dla Ciebie."
        ),
        (Locale::Pl, EventMailKind::EventChanged) => format!(
            "informujemy, że {cluster} zmienia szczegóły wydarzenia „{title}”, na które masz zapis. \
             Twój zapis pozostaje ważny; poniżej znajdziesz aktualne informacje."
        ),
        (Locale::Pl, EventMailKind::EventCancelled) => format!(
            "z przykrością informujemy, że {cluster} odwołuje wydarzenie „{title}”, na które masz zapis. \
             Wydarzenie się nie odbędzie."
        ),
        (Locale::Pl, EventMailKind::EventRegistrationWithdrawn) => {
            format!("Twój zapis na wydarzenie „{title}” w lokalizacji {site} został wycofany.")
        }
    }
}

/// What the attached calendar file does: a row a kind, in English and Polish.
const fn calendar_note(kind: EventMailKind, locale: Locale) -> &'static str {
    let (en, pl) = match kind {
        EventMailKind::EventRegistered => (
            "The invitation attached to this email puts the event in your calendar.",
            "Zaproszenie dołączone do tej wiadomości doda wydarzenie do Twojego kalendarza.",
        ),
        EventMailKind::EventChanged => (
            "The calendar update attached to this email brings the event in your calendar up to date.",
            "Aktualizacja kalendarza dołączona do tej wiadomości zmieni wydarzenie w Twoim kalendarzu.",
        ),
        EventMailKind::EventCancelled | EventMailKind::EventRegistrationWithdrawn => (
            "The calendar update attached to this email removes the event from your calendar.",
            "Aktualizacja kalendarza dołączona do tej wiadomości usunie wydarzenie z Twojego kalendarza.",
        ),
    };
    match locale {
        Locale::En => en,
        Locale::Pl => pl,
    }
}

/// The last paragraph, for the kinds that have one.
const fn closing(kind: EventMailKind, locale: Locale) -> Option<&'static str> {
    match (locale, kind) {
        (Locale::En, EventMailKind::EventRegistered | EventMailKind::EventChanged) => Some("See you there!"),
        (Locale::Pl, EventMailKind::EventRegistered | EventMailKind::EventChanged) => Some("Do zobaczenia na miejscu!"),
        (Locale::En, EventMailKind::EventRegistrationWithdrawn) => Some(
            "Should you want to take part after all, you can register again in deskvisa while you hold an \
             approved stay at the site that includes the day of the event, as long as seats are left.",
        ),
        (Locale::Pl, EventMailKind::EventRegistrationWithdrawn) => Some(
            "Jeśli jednak zechcesz wziąć udział, możesz ponownie zapisać się w deskvisa, o ile masz \
             zatwierdzony pobyt w tej lokalizacji obejmujący dzień wydarzenia i są jeszcze wolne miejsca.",
        ),
        (_, EventMailKind::EventCancelled) => None,
    }
}

templates! {
    fn bodies(Locale) for View {
        Locale::En => EventEnTxt("event/en.txt"), EventEnHtml("event/en.html");
        Locale::Pl => EventPlTxt("event/pl.txt"), EventPlHtml("event/pl.html");
    }
}

fn fallback_text(v: &View<'_>) -> String {
    let mut text = format!("{}\n\n{}\n{}\n{}\n{}\n", v.subject, v.title, v.when, v.site, v.address);
    if let Some(url) = v.url {
        text.push_str(&format!("\n{url}\n"));
    }
    text
}

/// A realistic sample of `kind` in `locale` (for `deskvisa mail preview`): a
/// Polish member registered for an evening event at a Copenhagen site
/// during her stay there. The change moves it an hour later.
pub fn event_sample(kind: EventMailKind, locale: &str) -> EventMail {
    let locale = Locale::parse(locale).unwrap_or_default();
    let (title, description, cancelled, withdrawn) = match locale {
        Locale::En => (
            "Fintech evening: open banking after PSD3",
            "Short talks on what PSD3 and the Payment Services Regulation change for banks and fintechs, \
             then open discussion over Danish smørrebrød.\nThe talks are in English; bring business cards.",
            "Our keynote speaker has fallen ill; we will announce a new date soon.",
            "Your stay at Copenhagen Digital Cluster – Nørrebro, 9–13 March 2026, was cancelled.",
        ),
        Locale::Pl => (
            "Wieczór fintech: otwarta bankowość po PSD3",
            "Krótkie wystąpienia o tym, co PSD3 i rozporządzenie w sprawie usług płatniczych zmieniają \
             dla banków i fintechów, a potem swobodna dyskusja przy duńskim smørrebrød.\n\
             Wystąpienia są po angielsku; warto zabrać wizytówki.",
            "Nasz główny prelegent zachorował; nowy termin podamy wkrótce.",
            "Twój pobyt w lokalizacji Copenhagen Digital Cluster – Nørrebro w dniach 9–13 marca 2026 został odwołany.",
        ),
    };
    let moved = kind == EventMailKind::EventChanged;
    let event_id = "0195b7a2-9e3d-7c41-8b2a-5f0d6e7c1a90";
    EventMail {
        kind,
        locale: locale.as_str().to_owned(),
        recipient_name: "Anna Nowak".to_owned(),
        recipient_email: "anna.nowak@hubclub.example".to_owned(),
        event_id: event_id.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        site_name: "Copenhagen Digital Cluster – Nørrebro".to_owned(),
        site_address: "Nørrebrogade 45, 2200 København N, Denmark".to_owned(),
        site_timezone: "Europe/Copenhagen".to_owned(),
        site_contact_email: "desks@copenhagen-digital-cluster.example".to_owned(),
        host_cluster_name: "Copenhagen Digital Cluster".to_owned(),
        starts_at: march_2026(10, if moved { 18 } else { 17 }, 0),
        ends_at: march_2026(10, if moved { 20 } else { 19 }, 0),
        sequence: match kind {
            EventMailKind::EventRegistered => 0,
            EventMailKind::EventChanged | EventMailKind::EventRegistrationWithdrawn => 1,
            EventMailKind::EventCancelled => 2,
        },
        reason: match kind {
            EventMailKind::EventCancelled => Some(cancelled.to_owned()),
            EventMailKind::EventRegistrationWithdrawn => Some(withdrawn.to_owned()),
            EventMailKind::EventRegistered | EventMailKind::EventChanged => None,
        },
        event_url: format!("https://deskvisa.example/events/{event_id}"),
    }
}

#[cfg(test)]
mod tests;
