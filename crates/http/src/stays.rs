//! The stays routes of API.md: request, list, read, and every move.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use deskvisa_rules::{Reason, SiteId, StayId, parse_date};
use deskvisa_service::{Service, StayCommand, StayRequestInput};
use serde::Deserialize;
use serde_json::json;

use crate::dto;
use crate::extract::{ApiJson, Authenticated, id};
use crate::problem::Problem;

pub(crate) fn routes() -> Router<Service> {
    Router::new()
        .route("/api/v1/stays", post(request_stay).get(my_stays))
        .route("/api/v1/stays/{id}", get(read_stay))
        .route("/api/v1/stays/{id}/approve", post(approve))
        .route("/api/v1/stays/{id}/decline", post(decline))
        .route("/api/v1/stays/{id}/cancel", post(cancel))
        .route("/api/v1/stays/{id}/check-in", post(check_in))
        .route("/api/v1/stays/{id}/no-show", post(no_show))
}

/// The longest purpose accepted, in characters.
const MAX_PURPOSE_CHARS: usize = 1000;

#[derive(Deserialize)]
struct StayRequestBody {
    site_id: String,
    start_date: String,
    end_date: String,
    #[serde(default)]
    purpose: Option<String>,
}

fn date(field: &str, text: &str) -> Result<chrono::NaiveDate, Problem> {
    parse_date(text).map_err(|e| Problem::malformed(format!("{field}: {e}")))
}

async fn request_stay(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<StayRequestBody>,
) -> Result<Response, Problem> {
    let site =
        SiteId::parse(&body.site_id).map_err(|e| Problem::malformed(format!("site_id: {e}")))?;
    let purpose = body.purpose.unwrap_or_default().trim().to_owned();
    if purpose.chars().count() > MAX_PURPOSE_CHARS
        || purpose.chars().any(|c| c.is_control() && c != '\n')
    {
        return Err(Problem::malformed(format!(
            "purpose: at most {MAX_PURPOSE_CHARS} characters, no control characters"
        )));
    }
    let input = StayRequestInput {
        site,
        start_date: date("start_date", &body.start_date)?,
        end_date: date("end_date", &body.end_date)?,
        purpose,
    };
    let stay = service.request_stay(&caller, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(dto::stay(&stay, true))).into_response())
}

#[derive(Deserialize)]
struct Page {
    limit: Option<u64>,
    cursor: Option<String>,
}

fn parse_cursor(text: &str) -> Option<(DateTime<Utc>, StayId)> {
    let (at, id) = text.split_once('_')?;
    Some((
        DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc),
        StayId::parse(id).ok()?,
    ))
}

async fn my_stays(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Query(page): Query<Page>,
) -> Result<Response, Problem> {
    let limit = page.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Problem::malformed("limit: from 1 to 200"));
    }
    let before = match page.cursor.as_deref() {
        None | Some("") => None,
        Some(text) => Some(
            parse_cursor(text)
                .ok_or_else(|| Problem::malformed("cursor: not one this server gave"))?,
        ),
    };
    let stays = service.my_stays(&caller, limit, before).await?;
    let next = (stays.len() as u64 == limit)
        .then(|| {
            stays
                .last()
                .map(|s| format!("{}_{}", s.created_at.to_rfc3339(), s.id))
        })
        .flatten();
    let items: Vec<_> = stays.iter().map(|s| dto::stay(s, false)).collect();
    Ok(axum::Json(json!({"items": items, "next_cursor": next})).into_response())
}

async fn read_stay(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(stay): Path<String>,
) -> Result<Response, Problem> {
    let stay = service.stay(&caller, id(&stay, StayId::parse)?).await?;
    Ok(axum::Json(dto::stay(&stay, true)).into_response())
}

async fn act(
    service: &Service,
    caller: &deskvisa_service::Caller,
    stay: &str,
    command: StayCommand,
) -> Result<Response, Problem> {
    let stay = service
        .act_on_stay(caller, id(stay, StayId::parse)?, command)
        .await?;
    Ok(axum::Json(dto::stay(&stay, true)).into_response())
}

#[derive(Deserialize, Default)]
struct ReasonBody {
    #[serde(default)]
    reason: Option<String>,
}

/// An optional JSON body with an optional reason: empty body, `{}`, or
/// `{"reason": "..."}`.
fn reason(body: &Bytes) -> Result<Option<Reason>, Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let parsed: ReasonBody =
        serde_json::from_slice(body).map_err(|e| Problem::malformed(e.to_string()))?;
    match parsed.reason.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Reason::parse(text)
            .map(Some)
            .map_err(|e| Problem::malformed(format!("reason: {e}"))),
    }
}

async fn approve(
    State(s): State<Service>,
    Authenticated(c): Authenticated,
    Path(stay): Path<String>,
) -> Result<Response, Problem> {
    act(&s, &c, &stay, StayCommand::Approve).await
}

async fn decline(
    State(s): State<Service>,
    Authenticated(c): Authenticated,
    Path(stay): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let reason = reason(&body)?.ok_or_else(|| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason_required",
            "a decline needs a reason",
        )
    })?;
    act(&s, &c, &stay, StayCommand::Decline(reason)).await
}

async fn cancel(
    State(s): State<Service>,
    Authenticated(c): Authenticated,
    Path(stay): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let reason = reason(&body)?;
    act(&s, &c, &stay, StayCommand::Cancel(reason)).await
}

async fn check_in(
    State(s): State<Service>,
    Authenticated(c): Authenticated,
    Path(stay): Path<String>,
) -> Result<Response, Problem> {
    act(&s, &c, &stay, StayCommand::CheckIn).await
}

async fn no_show(
    State(s): State<Service>,
    Authenticated(c): Authenticated,
    Path(stay): Path<String>,
) -> Result<Response, Problem> {
    act(&s, &c, &stay, StayCommand::NoShow).await
}
