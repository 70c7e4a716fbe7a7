//! The events routes of API.md: a host's cluster admins publish, change and
//! cancel events at their sites and see who is coming; members list a
//! site's events, register, withdraw and take an event's calendar file.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use deskvisa_rules::{
    Continent, Country, EventId, MAX_EVENT_CAPACITY, SiteId, format_local_time, parse_date, parse_local_time,
};
use deskvisa_service::{EventPatch, EventRecord, RegistrationRecord, Service};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::admin::bad;
use crate::api::dto::ProblemBody;
use crate::api::paging::{Paging, shown};
use crate::api::responses::{Malformed, NotFound, Unauthenticated};
use crate::api::stays::{ReasonBody, reason};
use crate::extract::{ApiJson, Authenticated, MaybeJson, id};
use crate::input::{EventRequest, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, text};
use crate::problem::Problem;
use crate::query::ApiQuery;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(site_events, publish_event))
        .routes(routes!(update_event, cancel_event))
        .routes(routes!(event_registrations, register_for_event))
        .routes(routes!(withdraw_registration))
        .routes(routes!(event_calendar))
        .routes(routes!(my_registrations))
        .routes(routes!(programme))
}

/// An event of the network's programme, with where it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeEvent {
    /// The event.
    #[serde(flatten)]
    pub event: Event,
    /// The site's name.
    pub site_name: String,
    /// The host cluster's name.
    pub cluster_name: String,
    /// The host cluster's city.
    pub city: String,
    /// The host cluster's country (ISO 3166-1 alpha-2).
    pub country: String,
}

/// A page of the network's programme.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeList {
    /// Earliest first.
    pub items: Vec<ProgrammeEvent>,
    /// The cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Which events of the programme.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ProgrammeQuery {
    /// First local date, `YYYY-MM-DD` (default: today).
    from: Option<String>,
    /// Last local date (default: 90 days on; at most 366 days in all).
    to: Option<String>,
    /// The host cluster's country (ISO 3166-1 alpha-2).
    country: Option<String>,
    /// The host cluster's continent: `europe`, `asia`, `africa`,
    /// `north_america`, `south_america`, `oceania`.
    continent: Option<String>,
    /// 1 to 200 (default 50).
    limit: Option<u64>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

/// The network's programme: every event open to visitors across the
/// network, so a member can plan a trip around one. Members of active
/// clusters and network staff.
#[utoipa::path(
    get, path = "/api/v1/events", tag = "events", security(("bearer" = [])),
    params(ProgrammeQuery),
    responses(
        (status = 200, description = "A page of the programme, earliest first", body = ProgrammeList),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: the caller's home cluster is not active", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn programme(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<ProgrammeQuery>,
) -> Result<Json<ProgrammeList>, Problem> {
    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|t| !t.is_empty())
    }
    let date = |field: &str, v: &Option<String>| given(v).map(|t| parse_date(t).map_err(|e| bad(field, e))).transpose();
    let window = (date("from", &query.from)?, date("to", &query.to)?);
    let country = given(&query.country).map(|c| Country::parse(c).map_err(|e| bad("country", e))).transpose()?;
    let continent =
        given(&query.continent).map(|c| Continent::parse(c).map_err(|e| bad("continent", e))).transpose()?;
    let page = Paging { limit: query.limit, cursor: query.cursor }.request(EventId::parse)?;
    let found = service.programme(&caller, window, (country.as_ref(), continent), page).await?;
    let map = service.map().await?;
    let (items, next_cursor) = shown(found, |e| {
        let (cluster, sites) = map
            .clusters
            .iter()
            .find(|(c, _)| c.id == e.cluster)
            .map(|(c, s)| (Some(c), s.as_slice()))
            .unwrap_or((None, &[]));
        ProgrammeEvent {
            site_name: sites.iter().find(|s| s.id == e.site).map(|s| s.name.clone()).unwrap_or_default(),
            cluster_name: cluster.map(|c| c.name.clone()).unwrap_or_default(),
            city: cluster.map(|c| c.city.clone()).unwrap_or_default(),
            country: cluster.map(|c| c.country.to_string()).unwrap_or_default(),
            event: Event::new(e),
        }
    });
    Ok(Json(ProgrammeList { items, next_cursor }))
}

/// An event at a site.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Event {
    pub id: Uuid,
    /// Where.
    pub site_id: Uuid,
    /// The host cluster.
    pub cluster_id: Uuid,
    pub title: String,
    /// What it is about.
    pub description: String,
    /// Local start at the site, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    /// Local end at the site, `YYYY-MM-DDTHH:MM`.
    pub ends_at: String,
    /// The start as an instant (UTC).
    pub starts_utc: DateTime<Utc>,
    /// The end as an instant (UTC).
    pub ends_utc: DateTime<Utc>,
    /// Seats.
    pub capacity: u32,
    /// Seats still free.
    pub seats_left: u32,
    /// Whether visitors may register, or only the host cluster's members.
    pub open_to_visitors: bool,
    /// Cancelled by the host.
    pub cancelled: bool,
    /// Why it was cancelled, if said.
    pub cancel_reason: Option<String>,
    /// The series it is an occurrence of, if it repeats.
    pub series_id: Option<Uuid>,
}

impl Event {
    /// From the record.
    pub fn new(e: &EventRecord) -> Self {
        Event {
            id: e.id.as_uuid(),
            site_id: e.site.as_uuid(),
            cluster_id: e.cluster.as_uuid(),
            title: e.title.clone(),
            description: e.description.clone(),
            starts_at: format_local_time(e.starts_at),
            ends_at: format_local_time(e.ends_at),
            starts_utc: e.starts_utc,
            ends_utc: e.ends_utc,
            capacity: e.capacity,
            seats_left: e.seats_left(),
            open_to_visitors: e.open_to_visitors,
            cancelled: e.cancelled_at.is_some(),
            cancel_reason: e.cancel_reason.clone(),
            series_id: e.series,
        }
    }
}

/// A list of events.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    /// The events, earliest first.
    pub items: Vec<Event>,
    /// Always null: one page holds the whole window.
    pub next_cursor: Option<String>,
}

/// A registration for an event.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Registration {
    pub id: Uuid,
    /// For which event.
    pub event_id: Uuid,
    /// Who.
    pub member_id: Uuid,
    /// Their name.
    pub name: String,
    /// Their address.
    pub email: String,
    /// Their company.
    pub company: String,
    /// Their home cluster.
    pub cluster_id: Uuid,
    /// `host_member` (of the host cluster) or `visitor` (on the strength of a stay).
    #[serde(rename = "as")]
    #[schema(rename = "as")]
    pub as_: String,
    /// The stay that allows a visitor in.
    pub stay_id: Option<Uuid>,
    /// `registered`, `withdrawn`, `stay_cancelled`, `event_cancelled` or `no_longer_eligible`.
    pub status: String,
    /// When they registered.
    pub registered_at: DateTime<Utc>,
}

impl Registration {
    /// From the record.
    pub fn new(r: &RegistrationRecord) -> Self {
        Registration {
            id: r.id,
            event_id: r.event.as_uuid(),
            member_id: r.member.as_uuid(),
            name: r.name.clone(),
            email: r.email.clone(),
            company: r.company.clone(),
            cluster_id: r.cluster.as_uuid(),
            as_: if r.stay.is_some() { "visitor" } else { "host_member" }.to_owned(),
            stay_id: r.stay.map(|s| s.as_uuid()),
            status: r.status.as_str().to_owned(),
            registered_at: r.created_at,
        }
    }
}

/// A list of registrations.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationList {
    /// Earliest first.
    pub items: Vec<Registration>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// One of the caller's registrations, with its event.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct MyRegistration {
    pub registration: Registration,
    pub event: Event,
}

/// The caller's registrations.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyRegistrationList {
    /// Earliest event first.
    pub items: Vec<MyRegistration>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// A change to an event: any subset of its fields.
#[derive(Deserialize, ToSchema)]
pub(crate) struct EventPatchBody {
    title: Option<String>,
    description: Option<String>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    capacity: Option<u32>,
    open_to_visitors: Option<bool>,
}

fn local(field: &str, value: &str) -> Result<NaiveDateTime, Problem> {
    parse_local_time(value).map_err(|e| bad(field, e))
}

fn description(value: &str) -> Result<String, Problem> {
    if value.trim().is_empty() { Ok(String::new()) } else { Ok(text("description", value, MAX_DESCRIPTION_CHARS)?) }
}

fn capacity(value: u32) -> Result<u32, Problem> {
    if (1..=MAX_EVENT_CAPACITY).contains(&value) {
        Ok(value)
    } else {
        Err(bad("capacity", format!("from 1 to {MAX_EVENT_CAPACITY}")))
    }
}

/// A window of local start dates.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct EventWindow {
    /// First local date, `YYYY-MM-DD` (default: today at the site).
    from: Option<String>,
    /// Last local date (default: 90 days on; at most 366 days in all).
    to: Option<String>,
    /// 1 to 200 (default 50).
    limit: Option<u64>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

/// The site's events (not cancelled) with seats left.
#[utoipa::path(
    get, path = "/api/v1/sites/{id}/events", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id"), EventWindow),
    responses(
        (status = 200, description = "A page of the events, earliest first", body = EventList),
        Malformed,
        Unauthenticated,
        NotFound,
    )
)]
async fn site_events(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(site): Path<String>,
    ApiQuery(window): ApiQuery<EventWindow>,
) -> Result<Json<EventList>, Problem> {
    let site = id(&site, SiteId::parse)?;
    let date =
        |field: &str, v: &Option<String>| v.as_deref().map(|t| parse_date(t).map_err(|e| bad(field, e))).transpose();
    let (from, to) = (date("from", &window.from)?, date("to", &window.to)?);
    let page = Paging { limit: window.limit, cursor: window.cursor }.request(EventId::parse)?;
    let (items, next_cursor) = shown(service.site_events_page(site, from, to, page).await?, Event::new);
    Ok(Json(EventList { items, next_cursor }))
}

/// The site's cluster admins publish an event.
#[utoipa::path(
    post, path = "/api/v1/sites/{id}/events", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    request_body = EventRequest,
    responses(
        (status = 201, description = "The event", body = Event),
        (status = 400, description = "`malformed_request`: a field out of bounds, the end not after the start", body = ProblemBody, content_type = "application/problem+json"),
        Unauthenticated,
        (status = 403, description = "`forbidden`: another cluster's site", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 422, description = "`event_in_the_past`: the start has passed at the site; `event_too_far`: past the events' horizon (two years by default)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn publish_event(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(site): Path<String>,
    ApiJson(body): ApiJson<EventRequest>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let draft = body.parse()?;
    let event = service.publish_event(&caller, site, draft).await?;
    Ok((StatusCode::CREATED, Json(Event::new(&event))).into_response())
}

/// The event's cluster admins change it; registered people are told, and
/// visitors whose stay no longer covers it lose their registration.
#[utoipa::path(
    patch, path = "/api/v1/events/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The event's id")),
    request_body = EventPatchBody,
    responses(
        (status = 200, description = "The event", body = Event),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: another cluster's event", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`event_cancelled`, `event_over` (it has begun), `capacity_below_registrations`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`event_in_the_past`: the new start has passed; `event_too_far`: past the events' horizon", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn update_event(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(event): Path<String>,
    ApiJson(body): ApiJson<EventPatchBody>,
) -> Result<Json<Event>, Problem> {
    let event = id(&event, EventId::parse)?;
    let patch = EventPatch {
        title: body.title.as_deref().map(|v| text("title", v, MAX_TITLE_CHARS)).transpose()?,
        description: body.description.as_deref().map(description).transpose()?,
        starts_at: body.starts_at.as_deref().map(|v| local("starts_at", v)).transpose()?,
        ends_at: body.ends_at.as_deref().map(|v| local("ends_at", v)).transpose()?,
        capacity: body.capacity.map(capacity).transpose()?,
        open_to_visitors: body.open_to_visitors,
    };
    Ok(Json(Event::new(&service.update_event(&caller, event, patch).await?)))
}

/// The event's cluster admins cancel it (an optional `{"reason"}`); every
/// registered person is told, with a calendar cancellation.
#[utoipa::path(
    delete, path = "/api/v1/events/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The event's id")),
    request_body(content = Option<ReasonBody>, description = "Optional: `{\"reason\"}`"),
    responses(
        (status = 200, description = "The cancelled event", body = Event),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: another cluster's event", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`event_cancelled` (already), `event_over` (it has ended)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn cancel_event(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(event): Path<String>,
    MaybeJson(body): MaybeJson<ReasonBody>,
) -> Result<Json<Event>, Problem> {
    let event = id(&event, EventId::parse)?;
    let reason = reason(body)?.map(|r| r.as_str().to_owned());
    Ok(Json(Event::new(&service.cancel_event(&caller, event, reason).await?)))
}

/// Who is coming, for the event's cluster admins.
#[utoipa::path(
    get, path = "/api/v1/events/{id}/registrations", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The live registrations, earliest first", body = RegistrationList),
        Unauthenticated,
        (status = 403, description = "`forbidden`: another cluster's event", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
    )
)]
async fn event_registrations(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(event): Path<String>,
) -> Result<Json<RegistrationList>, Problem> {
    let event = id(&event, EventId::parse)?;
    let items = service.event_registrations(&caller, event).await?;
    Ok(Json(RegistrationList { items: items.iter().map(Registration::new).collect(), next_cursor: None }))
}

/// The caller registers: 201 with the registration (200 if already
/// registered). A member of the host cluster may; a visitor needs an
/// approved stay at the site that holds the event's local date.
#[utoipa::path(
    post, path = "/api/v1/events/{id}/registrations", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The event's id")),
    responses(
        (status = 201, description = "Registered", body = Registration),
        (status = 200, description = "Already registered", body = Registration),
        Unauthenticated,
        NotFound,
        (status = 409, description = "`event_full`, `event_cancelled`, `event_over` (it has begun)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`no_stay_covering_event`; `event_not_open_to_visitors`; `no_home_cluster` (a network staff account)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn register_for_event(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(event): Path<String>,
) -> Result<Response, Problem> {
    let event = id(&event, EventId::parse)?;
    let registered = service.register_for_event(&caller, event).await?;
    let status = if registered.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(Registration::new(&registered.registration))).into_response())
}

/// The caller withdraws their registration; the seat is free again.
#[utoipa::path(
    delete, path = "/api/v1/events/{id}/registrations/me", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The event's id")),
    responses(
        (status = 204, description = "Withdrawn"),
        Unauthenticated,
        (status = 404, description = "`not_found`: no such event, or no registration of yours", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn withdraw_registration(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(event): Path<String>,
) -> Result<StatusCode, Problem> {
    service.withdraw_registration(&caller, id(&event, EventId::parse)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The event as an iCalendar file (`METHOD:PUBLISH`, the same UID as the
/// emailed invitations).
#[utoipa::path(
    get, path = "/api/v1/events/{id}/calendar.ics", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The event's id")),
    responses(
        (status = 200, description = "RFC 5545 calendar", body = String, content_type = "text/calendar"),
        Unauthenticated,
        NotFound,
    )
)]
async fn event_calendar(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(event): Path<String>,
) -> Result<Response, Problem> {
    let event = id(&event, EventId::parse)?;
    let ics = service.event_calendar(&caller, event).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8; method=PUBLISH".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"event-{event}.ics\"")),
        ],
        ics,
    )
        .into_response())
}

/// The caller's registrations for events not yet over.
#[utoipa::path(
    get, path = "/api/v1/me/registrations", tag = "events", security(("bearer" = [])),
    responses(
        (status = 200, description = "Earliest event first", body = MyRegistrationList),
        Unauthenticated,
    )
)]
async fn my_registrations(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
) -> Result<Json<MyRegistrationList>, Problem> {
    let items = service
        .my_registrations(&caller)
        .await?
        .iter()
        .map(|(r, e)| MyRegistration { registration: Registration::new(r), event: Event::new(e) })
        .collect();
    Ok(Json(MyRegistrationList { items, next_cursor: None }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

        /// An event offers 1 to MAX_EVENT_CAPACITY seats; 0 or more is 400.
        #[test]
        fn an_event_offers_one_to_the_most_seats(seats in prop_oneof![0u32..=3, MAX_EVENT_CAPACITY - 2..=MAX_EVENT_CAPACITY + 2, any::<u32>()]) {
            match capacity(seats) {
                Ok(kept) => prop_assert!((1..=MAX_EVENT_CAPACITY).contains(&seats) && kept == seats),
                Err(p) => {
                    prop_assert!(!(1..=MAX_EVENT_CAPACITY).contains(&seats));
                    prop_assert_eq!(p.status(), StatusCode::BAD_REQUEST);
                }
            }
        }

        /// A description that is only white space is none; another is its
        /// trimmed text when it has at most MAX_DESCRIPTION_CHARS characters
        /// and no control character but LF, and 400 otherwise.
        #[test]
        fn a_description_is_blank_or_a_bounded_text(
            blank in "[ \t\r\n]{0,5}",
            body in "[a-zż \n]{0,20}",
            control in prop_oneof![0u32..0x20, 0x7fu32..0xa0].prop_filter_map("no LF", |n| char::from_u32(n).filter(|c| *c != '\n')),
            len in MAX_DESCRIPTION_CHARS - 3..=MAX_DESCRIPTION_CHARS + 3,
        ) {
            prop_assert_eq!(description(&blank).unwrap(), "");
            let text = format!("{blank}x{body}y{blank}");
            prop_assert_eq!(description(&text).unwrap(), format!("x{body}y"));
            let with_control = format!("x{control}y");
            prop_assert!(description(&with_control).is_err_and(|p| p.status() == StatusCode::BAD_REQUEST), "{:?}", with_control);
            let long = "ł".repeat(len);
            prop_assert_eq!(description(&long).ok(), (len <= MAX_DESCRIPTION_CHARS).then(|| long.clone()));
        }

        /// A local time in a body is the rules' local time for that text, or
        /// 400 naming the field exactly when the rules refuse it.
        #[test]
        fn a_local_time_field_is_the_rules_local_time(text in prop_oneof![
            "(?s:.{0,20})",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}",
        ]) {
            match (local("starts_at", &text), parse_local_time(&text)) {
                (Ok(got), Ok(parsed)) => prop_assert_eq!(got, parsed),
                (Err(p), Err(_)) => {
                    prop_assert_eq!(p.status(), StatusCode::BAD_REQUEST);
                    prop_assert!(p.body().contains("starts_at: "));
                }
                (got, parsed) => prop_assert!(false, "{:?} against {:?}", got.map_err(|p| p.status()), parsed),
            }
        }
    }
}
