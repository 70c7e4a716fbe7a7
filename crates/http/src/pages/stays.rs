//! My stays: what is coming up (its status, the host's answer deadline,
//! cancel, the calendar file, the host's events I can join during it) and
//! what is past, and my event registrations.

use super::confirm::{Ask, confirmed};
use super::page::Page;
use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use deskvisa_rules::{EventId, Reason, SiteId, StayId, StayStatus};
use deskvisa_service::{Caller, RegistrationStatus, Service, StayCommand, StayRecord};

use super::form::SignedForm;
use super::view::{Chrome, html};
use super::{PageError, Words, back};

/// How many stays the page lists.
const STAYS_SHOWN: u64 = 200;

/// One line of a stay's history in words: when (in the site's zone), the
/// status it reached, and why (a reason, or the dates a move went to).
pub(super) fn history_line(
    w: &Words,
    h: &deskvisa_service::HistoryEntry,
    zone: &str,
) -> (String, &'static str, Option<String>) {
    let why = match h.moved {
        Some(m) => Some(format!("{}: {} → {}", w.moved_label, w.range(m.from.0, m.from.1), w.range(m.to.0, m.to.1))),
        None => h.reason.as_ref().map(ToString::to_string),
    };
    (w.instant(h.at, zone), w.stay_status(h.to), why)
}

/// An event a stay lets me join.
pub(super) struct EventChoice {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) when: String,
    pub(super) places: String,
    pub(super) registered: bool,
    pub(super) full: bool,
}

/// The events I am registered for.
pub(super) async fn registered_events(service: &Service, caller: &Caller) -> Result<HashSet<EventId>, PageError> {
    Ok(service
        .my_registrations(caller)
        .await?
        .iter()
        .filter(|(r, _)| r.status == RegistrationStatus::Registered)
        .map(|(_, e)| e.id)
        .collect())
}

/// The host's events during a stay that its visitor may join.
pub(super) async fn events_during(
    service: &Service,
    stay: &StayRecord,
    registered: &HashSet<EventId>,
    w: &Words,
) -> Result<Vec<EventChoice>, PageError> {
    let mut events = Vec::new();
    for event in service.site_events(stay.site, Some(stay.start_date), Some(stay.end_date)).await? {
        if event.cancelled_at.is_some() || !event.open_to_visitors {
            continue;
        }
        events.push(EventChoice {
            id: event.id.as_uuid().to_string(),
            when: w.time_span(event.starts_at, event.ends_at),
            places: w.places(event.seats_left()),
            registered: registered.contains(&event.id),
            full: event.seats_left() == 0,
            title: event.title,
        });
    }
    Ok(events)
}

/// A stay as the page shows it.
struct StayView {
    id: String,
    status: &'static str,
    status_words: &'static str,
    site: String,
    site_href: String,
    dates: String,
    days: String,
    purpose: String,
    deadline: Option<String>,
    reason: Option<String>,
    checked_in: bool,
    can_cancel: bool,
    calendar: bool,
    events: Vec<EventChoice>,
    history: Vec<(String, &'static str, Option<String>)>,
}

/// A registration of mine.
struct RegistrationView {
    title: String,
    when: String,
    site: String,
    calendar: String,
}

#[derive(Template)]
#[template(path = "stays.html")]
struct StaysPage {
    c: Chrome,
    coming: Vec<StayView>,
    past: Vec<StayView>,
    registrations: Vec<RegistrationView>,
    /// My places in line for full days.
    waits: Vec<super::waitlist::WaitView>,
}

/// `GET /stays`.
pub(crate) async fn page(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let stays = service.my_stays(caller, STAYS_SHOWN, None).await?;
    // The sites of these stays only: the network may have thousands.
    let mut named: Vec<SiteId> = stays.iter().map(|s| s.site).collect();
    named.sort_unstable();
    named.dedup();
    let sites: HashMap<SiteId, (String, deskvisa_rules::TimeZone)> =
        service.sites_named(&named).await?.into_iter().map(|s| (s.id, (s.name, s.timezone))).collect();
    let registrations = service.my_registrations(caller).await?;
    let registered: HashSet<EventId> =
        registrations.iter().filter(|(r, _)| r.status == RegistrationStatus::Registered).map(|(_, e)| e.id).collect();
    let mut coming = Vec::new();
    let mut past = Vec::new();
    for stay in stays {
        let (site_name, zone) =
            sites.get(&stay.site).cloned().unwrap_or_else(|| ("—".to_owned(), deskvisa_rules::TimeZone::UTC));
        let today = zone.date_at(service.now());
        let live = matches!(stay.status, StayStatus::Pending | StayStatus::Approved);
        let ahead = live && stay.end_date >= today;
        let events = if ahead { events_during(&service, &stay, &registered, w).await? } else { Vec::new() };
        let view = StayView {
            id: stay.id.as_uuid().to_string(),
            status: stay.status.as_str(),
            status_words: w.stay_status(stay.status),
            site: site_name,
            site_href: format!("/sites/{}", stay.site.as_uuid()),
            dates: w.range(stay.start_date, stay.end_date),
            // A stay that let its desks go holds no days: say none rather than "0 days".
            days: if stay.days.is_empty() { String::new() } else { w.desk_days(stay.days.len() as u64) },
            purpose: stay.purpose.clone(),
            deadline: stay
                .answer_deadline
                .filter(|_| stay.status == StayStatus::Pending)
                .map(|d| w.instant(d, zone.name())),
            reason: stay.decline_reason.as_ref().or(stay.cancel_reason.as_ref()).map(ToString::to_string),
            checked_in: stay.checked_in,
            can_cancel: ahead,
            calendar: stay.status == StayStatus::Approved,
            events,
            history: stay.history.iter().map(|h| history_line(w, h, zone.name())).collect(),
        };
        if ahead { coming.push(view) } else { past.push(view) }
    }
    coming.reverse();
    let registrations = registrations
        .into_iter()
        .filter(|(r, _)| r.status == RegistrationStatus::Registered)
        .map(|(_, e)| RegistrationView {
            when: w.time_span(e.starts_at, e.ends_at),
            site: sites.get(&e.site).map(|(name, _)| name.clone()).unwrap_or_default(),
            calendar: format!("/api/v1/events/{}/calendar.ics", e.id.as_uuid()),
            title: e.title,
        })
        .collect();
    let waits = super::waitlist::my_waits(&service, caller, w).await?;
    let page =
        StaysPage { c: Chrome::new(&viewer, w.stays_title, "stays").done(&query), coming, past, registrations, waits };
    html(StatusCode::OK, &page)
}

fn stay_id(id: &str) -> Result<StayId, PageError> {
    Ok(crate::extract::id(id, StayId::parse)?)
}

fn event_id(id: &str) -> Result<EventId, PageError> {
    Ok(crate::extract::id(id, EventId::parse)?)
}

/// A reason typed into a form, if any.
pub(crate) fn reason(text: &str) -> Result<Option<Reason>, PageError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Reason::parse(text)
        .map(Some)
        .map_err(|e| PageError::Service(deskvisa_service::ServiceError::Invalid(format!("reason: {e}"))))
}

/// A host's decline from its form: a preset reason (`preset`), a note
/// (`reason`), or both. Without either it goes back where it came from
/// (`back`, else `fallback`) with the fold-out of decision `id` open and
/// the error at its field; nothing typed is lost, since nothing was typed.
pub(crate) fn decline_reason(
    w: &'static Words,
    fields: &super::form::Fields,
    id: &str,
    fallback: &str,
) -> Result<Result<Reason, Response>, PageError> {
    match reason(&w.decline_reason(fields.get("preset"), fields.get("reason")).unwrap_or_default())? {
        Some(reason) => Ok(Ok(reason)),
        None => {
            let page = super::back_path(fields, fallback);
            Ok(Err(super::redirect(&format!("{page}?decline_error={id}#decline-{id}"))))
        }
    }
}

/// `POST /stays/{id}/cancel` (an optional `reason`).
pub(crate) async fn cancel(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let stay = stay_id(&id)?;
    if !confirmed(&fields) {
        let w = viewer.words();
        let record = service.stay(caller, stay).await?;
        let site = service.site(record.site).await?;
        let ask = Ask {
            title: w.confirm_cancel_title.to_owned(),
            consequence: w.cancel_consequence(&site.name, &w.range(record.start_date, record.end_date)),
            yes: w.confirm_cancel_stay.to_owned(),
            back: format!("/stays/{}", stay.as_uuid()),
        };
        return super::confirm::ask(&viewer, "stays", format!("/stays/{}/cancel", stay.as_uuid()), &fields, ask);
    }
    let command = StayCommand::Cancel(reason(fields.get("reason"))?);
    service.act_on_stay(caller, stay, command).await?;
    Ok(back(&fields, "/stays", "cancelled"))
}

/// `POST /events/{id}/register`.
pub(crate) async fn register(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    service.register_for_event(viewer.caller()?, event_id(&id)?).await?;
    Ok(back(&fields, "/stays", "registered"))
}

/// `POST /events/{id}/withdraw`.
pub(crate) async fn withdraw(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    service.withdraw_registration(viewer.caller()?, event_id(&id)?).await?;
    Ok(back(&fields, "/stays", "withdrawn"))
}
