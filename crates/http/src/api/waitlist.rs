//! The waitlist for full days (issue 23): join the line for dates a request
//! could not get for want of desks (`POST /api/v1/sites/{id}/waitlist`), see
//! one's places (`GET /api/v1/me/waitlist`, `GET /api/v1/waitlist/{id}`),
//! leave or let an offer go (`DELETE /api/v1/waitlist/{id}`), and take an
//! offer (`POST /api/v1/waitlist/{id}/accept`), which requests the stay.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{SiteId, parse_date};
use deskvisa_service::{MyWait, Service};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::dto::{ProblemBody, Stay};
use crate::api::responses::{Malformed, NotFound, Unauthenticated};
use crate::extract::{ApiJson, Authenticated, id};
use crate::problem::Problem;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(join_waitlist))
        .routes(routes!(my_waitlist))
        .routes(routes!(read_wait, leave_waitlist))
        .routes(routes!(accept_offer))
}

/// The dates to wait for.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WaitBody {
    /// First date, `YYYY-MM-DD`, in the site's zone.
    start_date: String,
    /// Last date, included.
    end_date: String,
}

/// A place in a waitlist.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitlistEntry {
    pub id: Uuid,
    /// The site.
    pub site_id: Uuid,
    /// First date waited for.
    pub start_date: NaiveDate,
    /// Last date, included.
    pub end_date: NaiveDate,
    /// `waiting`, `offered` (desks held until `offer_expires_at`: accept),
    /// `accepted` (see `stay_id`), `lapsed` or `left`.
    pub status: String,
    /// 1 for the first in line (among those waiting at the site for
    /// overlapping dates); none once ended.
    pub place: Option<u64>,
    /// When the member joined: the order of the line.
    pub joined_at: DateTime<Utc>,
    /// When desks were offered.
    pub offered_at: Option<DateTime<Utc>>,
    /// Until when the offer holds them.
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// The days an open offer holds.
    pub held_days: Vec<NaiveDate>,
    /// The stay an accepted offer became.
    pub stay_id: Option<Uuid>,
}

impl WaitlistEntry {
    fn new(w: &MyWait) -> Self {
        let e = &w.entry;
        WaitlistEntry {
            id: e.id,
            site_id: e.site.as_uuid(),
            start_date: e.start_date,
            end_date: e.end_date,
            status: e.status.as_str().to_owned(),
            place: w.place,
            joined_at: e.joined_at,
            offered_at: e.offered_at,
            offer_expires_at: e.offer_expires_at,
            held_days: e.days.clone(),
            stay_id: e.stay.map(|s| s.as_uuid()),
        }
    }
}

/// The caller's places in line.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitlistList {
    /// Live ones first (their places), then the latest ended; at most 50.
    pub items: Vec<WaitlistEntry>,
    /// Always null: one page.
    pub next_cursor: Option<String>,
}

fn date(field: &str, text: &str) -> Result<NaiveDate, Problem> {
    parse_date(text).map_err(|e| Problem::malformed(format!("{field}: {e}")))
}

/// An entry's id: anything else names no entry (404).
fn entry_id(text: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(text).map_err(|_| Problem::not_found())
}

/// Wait for exact dates a request could not get only for want of desks.
///
/// Every other rule must pass now, as for a request. When desks free up,
/// the first in line whose whole range fits is offered them: they are held
/// for the host's `offer_hold_hours` (24 by default) and the member is
/// emailed a link; accepting requests the stay as usual; an offer not taken
/// lapses and goes to the next in line.
#[utoipa::path(
    post, path = "/api/v1/sites/{id}/waitlist", tag = "waitlist", security(("bearer" = [])),
    request_body = WaitBody,
    params(("id" = String, Path, description = "The site's id")),
    responses(
        (status = 201, description = "In line, with the place", body = WaitlistEntry),
        Malformed,
        Unauthenticated,
        (status = 404, description = "`not_found`: no such site", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "`desks_free` (request the stay instead), `already_waiting` (for overlapping dates at this site), `waitlist_limit_reached` (10 at once)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`rule_violation` with every rule but capacity the dates break, or `no_home_cluster`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn join_waitlist(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(site): Path<String>,
    ApiJson(body): ApiJson<WaitBody>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let (start, end) = (date("start_date", &body.start_date)?, date("end_date", &body.end_date)?);
    let wait = service.join_waitlist(&caller, site, start, end).await?;
    Ok((StatusCode::CREATED, Json(WaitlistEntry::new(&wait))).into_response())
}

/// The caller's places in line and offers.
#[utoipa::path(
    get, path = "/api/v1/me/waitlist", tag = "waitlist", security(("bearer" = [])),
    responses((status = 200, description = "Live ones first", body = WaitlistList), Unauthenticated)
)]
async fn my_waitlist(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
) -> Result<Response, Problem> {
    let items = service.my_waitlist(&caller).await?.iter().map(WaitlistEntry::new).collect();
    Ok(Json(WaitlistList { items, next_cursor: None }).into_response())
}

/// One of the caller's places in line (others' are 404).
#[utoipa::path(
    get, path = "/api/v1/waitlist/{id}", tag = "waitlist", security(("bearer" = [])),
    params(("id" = String, Path, description = "The entry's id")),
    responses((status = 200, description = "The entry", body = WaitlistEntry), Unauthenticated, NotFound)
)]
async fn read_wait(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(entry): Path<String>,
) -> Result<Response, Problem> {
    let wait = service.my_wait(&caller, entry_id(&entry)?).await?;
    Ok(Json(WaitlistEntry::new(&wait)).into_response())
}

/// Leave the line, or let an offer go (its desks go to the next in line).
#[utoipa::path(
    delete, path = "/api/v1/waitlist/{id}", tag = "waitlist", security(("bearer" = [])),
    params(("id" = String, Path, description = "The entry's id")),
    responses(
        (status = 200, description = "The entry, `left`", body = WaitlistEntry),
        Unauthenticated,
        NotFound,
        (status = 409, description = "`wait_over`: accepted, lapsed or left already", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn leave_waitlist(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(entry): Path<String>,
) -> Result<Response, Problem> {
    let wait = service.leave_waitlist(&caller, entry_id(&entry)?).await?;
    Ok(Json(WaitlistEntry::new(&wait)).into_response())
}

/// Take an offer: the held desks become a stay request, judged as usual
/// (pending, or approved at once as the host's policy says).
#[utoipa::path(
    post, path = "/api/v1/waitlist/{id}/accept", tag = "waitlist", security(("bearer" = [])),
    params(("id" = String, Path, description = "The entry's id")),
    responses(
        (status = 201, description = "The stay", body = Stay),
        Unauthenticated,
        NotFound,
        (status = 409, description = "`offer_not_open`: no offer holds desks now (none yet, or it lapsed)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`rule_violation`: a rule the request breaks now (the offer stands until it lapses)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn accept_offer(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(entry): Path<String>,
) -> Result<Response, Problem> {
    let stay = service.accept_offer(&caller, entry_id(&entry)?).await?;
    Ok((StatusCode::CREATED, Json(Stay::new(&stay, true))).into_response())
}
