//! Writing a stay email: subject (here, in Rust), plain-text and HTML bodies
//! (askama templates under `templates/<kind>/<locale>.{txt,html}`, compiled
//! in, with the blocks they share as macros in `templates/_blocks.{txt,html}`
//! and partials in `templates/_*`; HTML escapes everything by default), and
//! the calendar file that goes with approvals and with cancellations of
//! approved stays. The `templates!` macro that binds a family's templates to
//! its view is here too, for the event and account families as well.

use chrono::{DateTime, Utc};
use deskvisa_rules::{Locale, TimeZone};
use deskvisa_words::{date_range, instant_in_zone, long_date, time_span};

use crate::ics::{IcsMethod, stay_calendar};
use crate::{StayEventLine, StayMail, StayMailKind};

/// One email, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject line (one line: no control characters).
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body (a complete document, inline styles only).
    pub html: String,
    /// The calendar file that goes with the email, if any.
    pub calendar: Option<CalendarFile>,
}

/// A calendar file (`text/calendar`) to send with an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFile {
    /// The iTIP method, also the `method=` parameter of the MIME type.
    pub method: IcsMethod,
    /// The full VCALENDAR text, with CRLF line endings.
    pub content: String,
}

/// Which calendar file, if any, goes with `mail`: approvals invite
/// (`REQUEST`); a moved stay that is approved, or had an invitation, updates
/// it (`REQUEST`, same UID, higher SEQUENCE); cancellations of a stay that
/// had been approved cancel (`CANCEL`); nothing else carries one.
pub fn calendar_method(mail: &StayMail) -> Option<IcsMethod> {
    match mail.kind {
        StayMailKind::StayApproved => Some(IcsMethod::Request),
        StayMailKind::StayMoved if mail.answer_deadline.is_none() || mail.had_been_approved => Some(IcsMethod::Request),
        StayMailKind::StayCancelled | StayMailKind::StayCancelledHost if mail.had_been_approved => {
            Some(IcsMethod::Cancel)
        }
        _ => None,
    }
}

/// Writes `mail` in its recipient's locale; `now` is the calendar file's
/// DTSTAMP. Never fails: should a template ever fail to render, the body
/// falls back to a plain summary.
pub fn render(mail: &StayMail, now: DateTime<Utc>) -> Rendered {
    let locale = mail.locale();
    let method = calendar_method(mail);
    let view = View::new(mail, locale, method.is_some());
    let (text, html) = bodies((mail.kind, locale), &view);
    let text = text.map(|t| tidy_text(&t)).unwrap_or_else(|_| fallback_text(&view));
    let html = html.unwrap_or_else(|_| fallback_html(&view));
    let calendar = method.map(|method| CalendarFile { method, content: stay_calendar(mail, method, now) });
    Rendered { subject: view.subject.clone(), text, html, calendar }
}

/// What the templates see: the mail itself and what is computed from it.
struct View<'a> {
    /// The mail.
    m: &'a StayMail,
    /// `en` or `pl`, for `<html lang>`.
    lang: &'static str,
    subject: String,
    /// First and last day, written out.
    start: String,
    end: String,
    /// The stay's days, compactly: "9–13 March 2026".
    range: String,
    /// For a moved stay, its days before the move, compactly.
    previous: Option<String>,
    /// The open days held, written out.
    days: Vec<String>,
    day_count: usize,
    /// The answer deadline in the site's zone, with the zone named.
    deadline: Option<String>,
    reason: Option<&'a str>,
    purpose: Option<&'a str>,
    house_rules: Option<&'a str>,
    /// The arrival pack's lines, label and text, in the recipient's language.
    arrival: Vec<(&'static str, String)>,
    company: Option<&'a str>,
    /// The stay's link, only if it is an http(s) URL.
    url: Option<&'a str>,
    /// Whether a calendar file goes with the email.
    calendar: bool,
    /// The host's events during the stay that visitors may join, earliest
    /// first (empty for every kind but approvals, and when there are none).
    events: Vec<EventLine<'a>>,
    /// The zone the events' times are given in.
    zone: &'static str,
    footer: &'static str,
}

/// One event in the approval's list, written out.
struct EventLine<'a> {
    title: &'a str,
    /// Its local time at the site: "Tuesday, 10 March 2026, 08:30–10:00".
    when: String,
    /// "12 seats left", "fully booked" / "wolnych miejsc: 12", "brak wolnych miejsc".
    seats: String,
}

impl<'a> EventLine<'a> {
    /// The events visitors may join, earliest first, written in `locale`.
    fn open_ones(events: &'a [StayEventLine], locale: Locale) -> Vec<Self> {
        let mut open: Vec<&StayEventLine> = events.iter().filter(|e| e.open_to_visitors).collect();
        open.sort_by_key(|e| e.starts_at);
        open.into_iter()
            .map(|e| EventLine {
                title: e.title.trim(),
                when: time_span(locale, e.starts_at, e.ends_at),
                seats: seats_left(locale, e.seats_left),
            })
            .collect()
    }
}

/// How many seats are left, said so as to need no plural forms in Polish.
fn seats_left(locale: Locale, n: u32) -> String {
    match (locale, n) {
        (Locale::En, 0) => "fully booked".to_owned(),
        (Locale::En, 1) => "1 seat left".to_owned(),
        (Locale::En, n) => format!("{n} seats left"),
        (Locale::Pl, 0) => "brak wolnych miejsc".to_owned(),
        (Locale::Pl, n) => format!("wolnych miejsc: {n}"),
    }
}

/// The text trimmed, or nothing if nothing is left.
pub(crate) fn non_empty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// The text as a link, only if it is an http(s) URL with no spaces, control
/// characters or quotes in it.
pub(crate) fn web_link(s: &str) -> Option<&str> {
    non_empty(s).filter(|u| {
        (u.starts_with("https://") || u.starts_with("http://"))
            && !u.chars().any(|c| c.is_control() || c.is_whitespace() || matches!(c, '"' | '<' | '>'))
    })
}

impl<'a> View<'a> {
    fn new(m: &'a StayMail, locale: Locale, calendar: bool) -> Self {
        let url = web_link(&m.stay_url);
        let events =
            if m.kind == StayMailKind::StayApproved { EventLine::open_ones(&m.events, locale) } else { Vec::new() };
        View {
            m,
            lang: locale.as_str(),
            subject: one_line(&subject(m, locale)),
            start: long_date(locale, m.start_date),
            end: long_date(locale, m.end_date),
            range: date_range(locale, m.start_date, m.end_date),
            previous: m.moved_from.map(|(start, end)| date_range(locale, start, end)),
            days: m.days.iter().map(|d| long_date(locale, *d)).collect(),
            day_count: m.days.len(),
            deadline: m.answer_deadline.map(|d| instant_in_zone(locale, d, &m.site_timezone)),
            reason: m.reason.as_deref().and_then(non_empty),
            purpose: non_empty(&m.purpose),
            house_rules: non_empty(&m.house_rules),
            arrival: m.arrival.as_ref().map(|p| deskvisa_words::arrival_lines(locale, p)).unwrap_or_default(),
            company: non_empty(&m.member_company),
            url,
            calendar,
            events,
            zone: TimeZone::parse(&m.site_timezone).unwrap_or(TimeZone::UTC).name(),
            footer: match locale {
                Locale::En => {
                    "deskvisa: free desks for members of the ICT cluster network, wherever they travel in it. \
                     You receive this email because of a stay in deskvisa."
                }
                Locale::Pl => {
                    "deskvisa: bezpłatne biurka dla członków sieci klastrów ICT, gdziekolwiek podróżują. \
                     Otrzymujesz tę wiadomość w związku z pobytem w deskvisa."
                }
            },
        }
    }
}

/// Control characters (line breaks above all) become spaces, runs of
/// whitespace one space: a subject is one line.
pub(crate) fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_control() || c.is_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

fn subject(m: &StayMail, locale: Locale) -> String {
    let range = date_range(locale, m.start_date, m.end_date);
    let (site, member) = (m.site_name.trim(), m.member_name.trim());
    match (locale, m.kind) {
        (Locale::En, StayMailKind::StayRequested) => format!("Your stay request: {site}, {range}"),
        (Locale::En, StayMailKind::StayRequestedHost) => {
            format!("Please decide: {member} asks for a desk at {site}, {range}")
        }
        (Locale::En, StayMailKind::StayApproved) => format!("Approved: your desk at {site}, {range}"),
        (Locale::En, StayMailKind::StayApprovedHost) => format!("Coming: {member} at {site}, {range}"),
        (Locale::En, StayMailKind::StayDeclined) => format!("Declined: your stay request at {site}, {range}"),
        (Locale::En, StayMailKind::StayExpired) => format!("No answer in time: your stay request at {site}, {range}"),
        (Locale::En, StayMailKind::StayCancelled) => format!("Cancelled: your stay at {site}, {range}"),
        (Locale::En, StayMailKind::StayCancelledHost) => format!("Cancelled: {member}'s stay at {site}, {range}"),
        (Locale::En, StayMailKind::StayReminder) => format!("Soon: your stay at {site}, {range}"),
        (Locale::En, StayMailKind::AnswerReminder) => {
            format!("Still waiting for your answer: {member} at {site}, {range}")
        }
        (Locale::En, StayMailKind::StayMoved) => format!("New dates: your stay at {site}, {range}"),
        (Locale::En, StayMailKind::StayMovedHost) if m.answer_deadline.is_some() => {
            format!("Please decide: {member} asks for new dates at {site}, {range}")
        }
        (Locale::En, StayMailKind::StayMovedHost) => format!("New dates: {member} at {site}, {range}"),
        (Locale::Pl, StayMailKind::StayRequested) => format!("Twój wniosek o pobyt: {site}, {range}"),
        (Locale::Pl, StayMailKind::StayRequestedHost) => {
            format!("Prośba o decyzję: {member} prosi o biurko – {site}, {range}")
        }
        (Locale::Pl, StayMailKind::StayApproved) => format!("Pobyt zatwierdzony: {site}, {range}"),
        (Locale::Pl, StayMailKind::StayApprovedHost) => format!("Przyjazd: {member} – {site}, {range}"),
        (Locale::Pl, StayMailKind::StayDeclined) => format!("Wniosek odrzucony: {site}, {range}"),
        (Locale::Pl, StayMailKind::StayExpired) => format!("Wniosek wygasł bez odpowiedzi: {site}, {range}"),
        (Locale::Pl, StayMailKind::StayCancelled) => format!("Pobyt odwołany: {site}, {range}"),
        (Locale::Pl, StayMailKind::StayCancelledHost) => format!("Pobyt odwołany: {member} – {site}, {range}"),
        (Locale::Pl, StayMailKind::StayReminder) => format!("Już wkrótce: Twój pobyt – {site}, {range}"),
        (Locale::Pl, StayMailKind::AnswerReminder) => {
            format!("Wniosek wciąż czeka na decyzję: {member} – {site}, {range}")
        }
        (Locale::Pl, StayMailKind::StayMoved) => format!("Nowe terminy: Twój pobyt – {site}, {range}"),
        (Locale::Pl, StayMailKind::StayMovedHost) if m.answer_deadline.is_some() => {
            format!("Prośba o decyzję: {member} prosi o nowe terminy – {site}, {range}")
        }
        (Locale::Pl, StayMailKind::StayMovedHost) => format!("Nowe terminy: {member} – {site}, {range}"),
    }
}

/// Declares one askama template struct per file, each seeing the family's
/// view as `v`, and a function that writes a key's (a kind's, a locale's)
/// text and HTML bodies from its pair of files.
macro_rules! templates {
    (
        fn $bodies:ident($key:ty) for $view:ident {
            $( $pat:pat => $txt:ident($txt_path:literal), $html:ident($html_path:literal); )+
        }
    ) => {
        $(
            #[derive(::askama::Template)]
            #[template(path = $txt_path)]
            struct $txt<'a> {
                v: &'a $view<'a>,
            }

            #[derive(::askama::Template)]
            #[template(path = $html_path)]
            struct $html<'a> {
                v: &'a $view<'a>,
            }
        )+

        /// The text and the HTML body of `key`, each from its template.
        fn $bodies(key: $key, v: &$view<'_>) -> (::askama::Result<String>, ::askama::Result<String>) {
            use ::askama::Template as _;
            match key {
                $( $pat => ($txt { v }.render(), $html { v }.render()), )+
            }
        }
    };
}

pub(crate) use templates;

templates! {
    fn bodies((StayMailKind, Locale)) for View {
        (StayMailKind::StayRequested, Locale::En) =>
            StayRequestedEnTxt("stay_requested/en.txt"),
            StayRequestedEnHtml("stay_requested/en.html");
        (StayMailKind::StayRequested, Locale::Pl) =>
            StayRequestedPlTxt("stay_requested/pl.txt"),
            StayRequestedPlHtml("stay_requested/pl.html");
        (StayMailKind::StayRequestedHost, Locale::En) =>
            StayRequestedHostEnTxt("stay_requested_host/en.txt"),
            StayRequestedHostEnHtml("stay_requested_host/en.html");
        (StayMailKind::StayRequestedHost, Locale::Pl) =>
            StayRequestedHostPlTxt("stay_requested_host/pl.txt"),
            StayRequestedHostPlHtml("stay_requested_host/pl.html");
        (StayMailKind::StayApproved, Locale::En) =>
            StayApprovedEnTxt("stay_approved/en.txt"),
            StayApprovedEnHtml("stay_approved/en.html");
        (StayMailKind::StayApproved, Locale::Pl) =>
            StayApprovedPlTxt("stay_approved/pl.txt"),
            StayApprovedPlHtml("stay_approved/pl.html");
        (StayMailKind::StayApprovedHost, Locale::En) =>
            StayApprovedHostEnTxt("stay_approved_host/en.txt"),
            StayApprovedHostEnHtml("stay_approved_host/en.html");
        (StayMailKind::StayApprovedHost, Locale::Pl) =>
            StayApprovedHostPlTxt("stay_approved_host/pl.txt"),
            StayApprovedHostPlHtml("stay_approved_host/pl.html");
        (StayMailKind::StayDeclined, Locale::En) =>
            StayDeclinedEnTxt("stay_declined/en.txt"),
            StayDeclinedEnHtml("stay_declined/en.html");
        (StayMailKind::StayDeclined, Locale::Pl) =>
            StayDeclinedPlTxt("stay_declined/pl.txt"),
            StayDeclinedPlHtml("stay_declined/pl.html");
        (StayMailKind::StayExpired, Locale::En) =>
            StayExpiredEnTxt("stay_expired/en.txt"),
            StayExpiredEnHtml("stay_expired/en.html");
        (StayMailKind::StayExpired, Locale::Pl) =>
            StayExpiredPlTxt("stay_expired/pl.txt"),
            StayExpiredPlHtml("stay_expired/pl.html");
        (StayMailKind::StayCancelled, Locale::En) =>
            StayCancelledEnTxt("stay_cancelled/en.txt"),
            StayCancelledEnHtml("stay_cancelled/en.html");
        (StayMailKind::StayCancelled, Locale::Pl) =>
            StayCancelledPlTxt("stay_cancelled/pl.txt"),
            StayCancelledPlHtml("stay_cancelled/pl.html");
        (StayMailKind::StayCancelledHost, Locale::En) =>
            StayCancelledHostEnTxt("stay_cancelled_host/en.txt"),
            StayCancelledHostEnHtml("stay_cancelled_host/en.html");
        (StayMailKind::StayCancelledHost, Locale::Pl) =>
            StayCancelledHostPlTxt("stay_cancelled_host/pl.txt"),
            StayCancelledHostPlHtml("stay_cancelled_host/pl.html");
        (StayMailKind::StayReminder, Locale::En) =>
            StayReminderEnTxt("stay_reminder/en.txt"),
            StayReminderEnHtml("stay_reminder/en.html");
        (StayMailKind::StayReminder, Locale::Pl) =>
            StayReminderPlTxt("stay_reminder/pl.txt"),
            StayReminderPlHtml("stay_reminder/pl.html");
        (StayMailKind::AnswerReminder, Locale::En) =>
            AnswerReminderEnTxt("answer_reminder/en.txt"),
            AnswerReminderEnHtml("answer_reminder/en.html");
        (StayMailKind::AnswerReminder, Locale::Pl) =>
            AnswerReminderPlTxt("answer_reminder/pl.txt"),
            AnswerReminderPlHtml("answer_reminder/pl.html");
        (StayMailKind::StayMoved, Locale::En) =>
            StayMovedEnTxt("stay_moved/en.txt"),
            StayMovedEnHtml("stay_moved/en.html");
        (StayMailKind::StayMoved, Locale::Pl) =>
            StayMovedPlTxt("stay_moved/pl.txt"),
            StayMovedPlHtml("stay_moved/pl.html");
        (StayMailKind::StayMovedHost, Locale::En) =>
            StayMovedHostEnTxt("stay_moved_host/en.txt"),
            StayMovedHostEnHtml("stay_moved_host/en.html");
        (StayMailKind::StayMovedHost, Locale::Pl) =>
            StayMovedHostPlTxt("stay_moved_host/pl.txt"),
            StayMovedHostPlHtml("stay_moved_host/pl.html");
    }
}

/// An email without a calendar from its subject and its two bodies; should
/// a template fail, the subject and the link alone.
pub(crate) fn with_bodies(
    subject: String,
    (text, html): (askama::Result<String>, askama::Result<String>),
    link: Option<&str>,
) -> Rendered {
    let fallback = format!("{subject}\n\n{}\n", link.unwrap_or_default());
    Rendered {
        text: text.map(|t| tidy_text(&t)).unwrap_or_else(|_| fallback.clone()),
        html: html.unwrap_or_else(|_| pre_html(&fallback)),
        subject,
        calendar: None,
    }
}

/// Plain text as mail wants it: no trailing spaces, at most one blank line
/// in a row, one final newline.
pub(crate) fn tidy_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = true;
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() {
            if blank {
                continue;
            }
            blank = true;
        } else {
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

fn fallback_text(v: &View<'_>) -> String {
    let mut text = format!("{}\n\n{}\n{}\n{} – {}\n", v.subject, v.m.site_name, v.m.site_address, v.start, v.end);
    if let Some(url) = v.url {
        text.push_str(&format!("\n{url}\n"));
    }
    text
}

fn fallback_html(v: &View<'_>) -> String {
    pre_html(&fallback_text(v))
}

/// Plain text as a minimal HTML document (the fallback should a template
/// ever fail), everything escaped.
pub(crate) fn pre_html(text: &str) -> String {
    let mut out =
        String::from("<!DOCTYPE html><html><body><pre style=\"font-family:sans-serif;white-space:pre-wrap;\">");
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out.push_str("</pre></body></html>");
    out
}
