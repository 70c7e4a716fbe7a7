//! Personal calendar feeds (issue 22): a member makes (or revokes) a secret
//! URL, `/feeds/{token}.ics`, that their calendar program subscribes to
//! without signing in: their stays and event registrations, read again at
//! every refresh. The URL is shown once; only its hash is stored.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use deskvisa_service::{Service, ServiceError};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::responses::{NotFound, Unauthenticated};
use crate::extract::Authenticated;
use crate::problem::Problem;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new().routes(routes!(create_feed, revoke_feed)).routes(routes!(feed))
}

/// A new calendar feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    /// The secret URL to subscribe to, shown this once: anyone with it reads
    /// the calendar, so keep it like a password (revoke it if it leaks).
    pub url: String,
}

/// Makes the caller a calendar feed; one they had stops working.
#[utoipa::path(
    post, path = "/api/v1/me/calendar-feed", tag = "stays", security(("bearer" = [])),
    responses(
        (status = 201, description = "The feed's secret URL", body = CalendarFeed),
        Unauthenticated,
    )
)]
async fn create_feed(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
) -> Result<Response, Problem> {
    let url = service.create_calendar_feed(&caller).await?;
    Ok((StatusCode::CREATED, Json(CalendarFeed { url })).into_response())
}

/// Stops the caller's calendar feed.
#[utoipa::path(
    delete, path = "/api/v1/me/calendar-feed", tag = "stays", security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        Unauthenticated,
        NotFound,
    )
)]
async fn revoke_feed(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
) -> Result<Response, Problem> {
    if service.revoke_calendar_feed(&caller).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ServiceError::NotFound.into())
    }
}

/// A member's calendar feed, by its secret (`{token}.ics`), without
/// signing in: every stay (pending, approved; called off ones marked
/// cancelled) and event registration. 404 for a secret unknown or revoked.
#[utoipa::path(
    get, path = "/feeds/{file}", tag = "stays",
    params(("file" = String, Path, description = "`{token}.ics`, as the feed's URL gives it")),
    responses(
        (status = 200, description = "RFC 5545 calendar", body = String, content_type = "text/calendar"),
        NotFound,
    )
)]
async fn feed(State(service): State<Service>, Path(file): Path<String>) -> Result<Response, Problem> {
    let token = file.strip_suffix(".ics").filter(|t| t.starts_with("dvf_")).ok_or(ServiceError::NotFound)?;
    let ics = service.calendar_feed(token).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            // Personal: no shared cache keeps it.
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        ics,
    )
        .into_response())
}
