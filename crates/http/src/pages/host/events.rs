//! The host's events: those coming at its sites, publishing one (read as
//! the API reads an event) and cancelling one.

use crate::input::EventForm;
use crate::pages::confirm::{Ask, confirmed};
use crate::pages::form::{Fields, FormRefusal, Shown, SignedForm};
use crate::pages::page::Page;
use crate::pages::view::{Chrome, html};
use crate::pages::{PageError, Viewer, redirect, told};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Days;
use deskvisa_rules::{EventId, SiteId};
use deskvisa_service::Service;

use super::*;

/// An event on the host's list.
struct HostEvent {
    id: String,
    title: String,
    site: String,
    when: String,
    places: String,
    /// The names of those registered.
    registrants: Vec<String>,
    open: bool,
    cancelled: bool,
    /// An occurrence of a series: "cancel this and the rest" is offered.
    repeats: bool,
}

#[derive(Template)]
#[template(path = "host_events.html")]
struct EventsPage {
    c: Chrome,
    nav: HostNav,
    sites: Vec<(String, String, bool)>,
    events: Vec<HostEvent>,
    title: String,
    description: String,
    starts_at: String,
    ends_at: String,
    capacity: String,
    open_ticked: bool,
    /// The repeat chosen (`once`, `weekly`, `monthly`) and the last date.
    repeat: String,
    until: String,
    refused: FormRefusal,
}

async fn events_page_with(
    service: &Service,
    viewer: &Viewer,
    shown: Shown<'_, FormRefusal>,
) -> Result<Response, PageError> {
    let Shown { query, typed: fields, refusal: refused, status } = shown;
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let sites = own_sites(service, caller).await?;
    let mut events = Vec::new();
    for site in &sites {
        let today = site.timezone.date_at(service.now());
        for e in service.site_events(site.id, Some(today), today.checked_add_days(Days::new(EVENT_DAYS))).await? {
            let registrants = if e.registered > 0 && e.cancelled_at.is_none() {
                let mut names = Vec::new();
                for r in service.event_registrations(caller, e.id).await? {
                    names.push(service.member(r.member).await.map(|m| m.name).unwrap_or_else(|_| "—".to_owned()));
                }
                names
            } else {
                Vec::new()
            };
            events.push((
                e.starts_utc,
                HostEvent {
                    id: e.id.as_uuid().to_string(),
                    site: site.name.clone(),
                    when: w.time_span(e.starts_at, e.ends_at),
                    places: format!("{}/{}", e.registered, e.capacity),
                    registrants,
                    open: e.open_to_visitors,
                    cancelled: e.cancelled_at.is_some(),
                    repeats: e.series.is_some(),
                    title: e.title,
                },
            ));
        }
    }
    events.sort_by_key(|(at, _)| *at);
    let get = |name: &str| fields.map(|f| f.get(name).to_owned()).unwrap_or_default();
    let chosen = get("site");
    let page = EventsPage {
        c: Chrome::new(viewer, w.host_events, "host").done(query),
        nav: host_nav(w, own(caller)?, &sites, "/host/events"),
        sites: sites
            .iter()
            .map(|s| {
                let id = s.id.as_uuid().to_string();
                (id.clone(), s.name.clone(), id == chosen)
            })
            .collect(),
        events: events.into_iter().map(|(_, e)| e).collect(),
        title: get("title"),
        description: get("description"),
        starts_at: get("starts_at"),
        ends_at: get("ends_at"),
        capacity: fields.map_or_else(|| "20".to_owned(), |f| f.get("capacity").to_owned()),
        open_ticked: fields.is_none_or(|f| f.ticked("open_to_visitors")),
        repeat: fields.map_or_else(|| "once".to_owned(), |f| f.get("repeat").to_owned()),
        until: get("until"),
        refused,
    };
    html(status, &page)
}

/// `GET /host/events`.
pub(crate) async fn events_page(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    events_page_with(&service, &viewer, Shown::fresh(&query)).await
}

/// `POST /host/events`: publishes an event, read as the API reads one.
pub(crate) async fn publish_event(
    SignedForm { service, viewer, fields, form }: SignedForm<EventForm>,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let _no_query = Fields::default();
    let again =
        |refused: FormRefusal, status| events_page_with(&service, &viewer, Shown::again(&fields, refused, status));
    let site = match crate::extract::id(&form.site, SiteId::parse) {
        Ok(site) => site,
        Err(_) => return again(FormRefusal::says(w.bad_site.to_owned()), StatusCode::BAD_REQUEST).await,
    };
    let repeat = match form.repeat.as_str() {
        "" | "once" => None,
        other => match deskvisa_rules::Repeat::parse(other) {
            Some(repeat) => Some(repeat),
            None => return again(FormRefusal::says(w.bad_repeat.to_owned()), StatusCode::BAD_REQUEST).await,
        },
    };
    let until = match repeat.map(|_| crate::input::date("until", form.until.trim())).transpose() {
        Ok(until) => until,
        Err(e) => return again(FormRefusal::fields(w, &[e]), StatusCode::BAD_REQUEST).await,
    };
    let draft = match form.request().parse() {
        Ok(draft) => draft,
        Err(e) => return again(FormRefusal::fields(w, &e), StatusCode::BAD_REQUEST).await,
    };
    let published = match (repeat, until) {
        (Some(repeat), Some(until)) => service.publish_event_series(caller, site, draft, repeat, until).await.map(drop),
        _ => service.publish_event(caller, site, draft).await.map(drop),
    };
    match published {
        Ok(()) => Ok(redirect("/host/events?done=saved")),
        Err(ServiceError::Invalid(message)) => {
            again(FormRefusal::says(series_refusal(w, &message)), StatusCode::BAD_REQUEST).await
        }
        Err(e) => again(FormRefusal::says(told(viewer.words(), e)?), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// A series the rules refuse, in the viewer's language.
fn series_refusal(w: &crate::pages::Words, message: &str) -> String {
    if message.contains("before its first") {
        w.until_before_start.to_owned()
    } else {
        w.too_many_occurrences.to_owned()
    }
}

/// The page that asks before an event (with `rest`, and every later one
/// of its series) is cancelled, saying who will be told.
async fn ask_to_cancel(
    service: &Service,
    viewer: &Viewer,
    id: EventId,
    fields: &Fields,
    rest: bool,
) -> Result<Response, PageError> {
    let w = viewer.words();
    let event = service.event(id).await?;
    let when = w.time_span(event.starts_at, event.ends_at);
    let ask = Ask {
        title: w.confirm_cancel_event_title.to_owned(),
        consequence: w.cancel_event_consequence(&event.title, &when, event.registered, rest),
        yes: (if rest { w.confirm_cancel_rest } else { w.confirm_cancel_event }).to_owned(),
        back: "/host/events".to_owned(),
    };
    let action = format!("/host/events/{}/{}", id.as_uuid(), if rest { "cancel-rest" } else { "cancel" });
    crate::pages::confirm::ask(viewer, "host", action, fields, ask)
}

/// Cancels an event (with `rest`, and every later one of its series) once
/// the admin has confirmed; asks first.
async fn cancel(form: SignedForm, id: &str, rest: bool) -> Result<Response, PageError> {
    let SignedForm { service, viewer, fields, .. } = form;
    let caller = viewer.cluster_admin()?;
    let id: EventId = crate::extract::id(id, EventId::parse)?;
    if !confirmed(&fields) {
        return ask_to_cancel(&service, &viewer, id, &fields, rest).await;
    }
    let reason = fields.optional("reason").map(str::to_owned);
    if rest {
        service.cancel_event_and_rest(caller, id, reason).await?;
    } else {
        service.cancel_event(caller, id, reason).await?;
    }
    Ok(redirect("/host/events?done=saved"))
}

/// `POST /host/events/{id}/cancel-rest`: this occurrence and every later one.
pub(crate) async fn cancel_rest(Path(id): Path<String>, form: SignedForm) -> Result<Response, PageError> {
    cancel(form, &id, true).await
}

/// `POST /host/events/{id}/cancel` (an optional `reason`).
pub(crate) async fn cancel_event(Path(id): Path<String>, form: SignedForm) -> Result<Response, PageError> {
    cancel(form, &id, false).await
}
