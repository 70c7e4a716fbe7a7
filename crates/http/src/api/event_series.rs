//! Repeating events (issue 22): `POST /api/v1/sites/{id}/event-series`
//! publishes a weekly or monthly series until a last date, each occurrence
//! an event of its own; `GET /api/v1/event-series/{id}` lists them,
//! `GET /api/v1/event-series/{id}/calendar.ics` gives one VEVENT per
//! occurrence, and `POST /api/v1/events/{id}/cancel-rest` cancels an
//! occurrence and every later one.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use deskvisa_rules::{EventId, Repeat, SiteId};
use deskvisa_service::{PublishedSeries, Service};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::dto::ProblemBody;
use crate::api::events::Event;
use crate::api::responses::{Malformed, NotFound, Unauthenticated};
use crate::api::stays::{ReasonBody, reason};
use crate::extract::{ApiJson, Authenticated, MaybeJson, id};
use crate::input::{EventRequest, date};
use crate::problem::Problem;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(publish_series))
        .routes(routes!(series))
        .routes(routes!(series_calendar))
        .routes(routes!(cancel_rest))
}

/// A series: the first occurrence as an event, how it repeats, and until when.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct SeriesBody {
    /// What each occurrence is called.
    #[schema(min_length = 1, max_length = 200)]
    title: String,
    /// What happens; may be empty.
    #[serde(default)]
    #[schema(max_length = 5000)]
    description: String,
    /// The first occurrence's local start, `YYYY-MM-DDTHH:MM`.
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$")]
    starts_at: String,
    /// The first occurrence's local end; every occurrence lasts as long.
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$")]
    ends_at: String,
    /// Seats of each occurrence.
    #[schema(value_type = u32, minimum = 1, maximum = 10_000)]
    capacity: Option<u32>,
    /// Whether visitors may register (default true).
    #[serde(default = "yes")]
    open_to_visitors: bool,
    /// `weekly` (the first occurrence's weekday), or `monthly` (that weekday
    /// at the same place in the month: first … fourth, or last).
    #[schema(pattern = "^(weekly|monthly)$")]
    repeat: String,
    /// The last date an occurrence may fall on, `YYYY-MM-DD` (at most 53 occurrences).
    #[schema(format = Date)]
    until: String,
}

fn yes() -> bool {
    true
}

/// A series and its occurrences.
#[derive(Debug, Serialize, ToSchema)]
pub struct Series {
    /// The series' id.
    pub id: Uuid,
    /// `weekly` or `monthly`.
    pub repeat: &'static str,
    /// Its last date.
    pub until: NaiveDate,
    /// Its occurrences, earliest first (cancelled ones marked).
    pub events: Vec<Event>,
}

impl From<PublishedSeries> for Series {
    fn from(s: PublishedSeries) -> Self {
        Series {
            id: s.id,
            repeat: s.repeat.as_str(),
            until: s.until,
            events: s.events.iter().map(Event::new).collect(),
        }
    }
}

/// The site's cluster admins publish a repeating event: every occurrence
/// is checked as an event is, and is an event of its own (one registers
/// for one); one refused refuses the series.
#[utoipa::path(
    post, path = "/api/v1/sites/{id}/event-series", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    request_body = SeriesBody,
    responses(
        (status = 201, description = "The series with its occurrences", body = Series),
        (status = 400, description = "`malformed_request`: a field out of bounds, the end not after the start, `until` before the start or more than 53 occurrences", body = ProblemBody, content_type = "application/problem+json"),
        Unauthenticated,
        (status = 403, description = "`forbidden`: another cluster's site", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 422, description = "`event_in_the_past`, `event_too_far`: an occurrence past the events' horizon", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn publish_series(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(site): Path<String>,
    ApiJson(body): ApiJson<SeriesBody>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let repeat = Repeat::parse(&body.repeat).ok_or_else(|| Problem::malformed("repeat: `weekly` or `monthly`"))?;
    let until = date("until", &body.until)?;
    let draft = EventRequest {
        title: body.title,
        description: body.description,
        starts_at: body.starts_at,
        ends_at: body.ends_at,
        capacity: body.capacity,
        open_to_visitors: body.open_to_visitors,
    }
    .parse()?;
    let series = service.publish_event_series(&caller, site, draft, repeat, until).await?;
    Ok((StatusCode::CREATED, Json(Series::from(series))).into_response())
}

/// A series' occurrences, for any signed-in member.
#[utoipa::path(
    get, path = "/api/v1/event-series/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The series' id")),
    responses((status = 200, description = "The series", body = Series), Malformed, Unauthenticated, NotFound)
)]
async fn series(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(series): Path<String>,
) -> Result<Json<Series>, Problem> {
    let series = Uuid::parse_str(&series).map_err(|_| Problem::not_found())?;
    Ok(Json(service.event_series(series).await?.into()))
}

/// A series' calendar: one VEVENT per occurrence, each with its event's
/// UID (so a calendar that also has one occurrence's own file keeps one
/// entry), cancelled occurrences marked `STATUS:CANCELLED`.
#[utoipa::path(
    get, path = "/api/v1/event-series/{id}/calendar.ics", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The series' id")),
    responses(
        (status = 200, description = "RFC 5545 calendar", body = String, content_type = "text/calendar"),
        Malformed,
        Unauthenticated,
        NotFound,
    )
)]
async fn series_calendar(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(series): Path<String>,
) -> Result<Response, Problem> {
    let series = Uuid::parse_str(&series).map_err(|_| Problem::not_found())?;
    let ics = service.series_calendar(&caller, series).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"series-{series}.ics\"")),
        ],
        ics,
    )
        .into_response())
}

/// What "cancel the rest" cancelled.
#[derive(Debug, Serialize, ToSchema)]
pub struct CancelledEvents {
    /// The events cancelled: this occurrence and every later one still on.
    pub cancelled: Vec<Uuid>,
}

/// The event's cluster admins cancel an occurrence and every later one of
/// its series (an optional `{"reason"}`); each one's registered people are
/// told, with a calendar cancellation. An event of no series is cancelled alone.
#[utoipa::path(
    post, path = "/api/v1/events/{id}/cancel-rest", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "The occurrence from which on to cancel")),
    request_body(content = Option<ReasonBody>, description = "Optional: `{\"reason\"}`"),
    responses(
        (status = 200, description = "The events cancelled", body = CancelledEvents),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: another cluster's event", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`event_cancelled` (already), `event_over` (it has ended)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn cancel_rest(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(event): Path<String>,
    MaybeJson(body): MaybeJson<ReasonBody>,
) -> Result<Json<CancelledEvents>, Problem> {
    let event = id(&event, EventId::parse)?;
    let reason = reason(body)?.map(|r| r.as_str().to_owned());
    let cancelled = service.cancel_event_and_rest(&caller, event, reason).await?;
    Ok(Json(CancelledEvents { cancelled: cancelled.iter().map(|e| e.as_uuid()).collect() }))
}
