//! The stays routes of API.md: request, list, read, and every move.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use deskvisa_rules::{Reason, SiteId, StayId, parse_date};
use deskvisa_service::{Caller, KeyedAnswer, Service, StayCommand, StayRequestInput, request_hash};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::dto;
use crate::extract::{ApiJson, Authenticated, MaybeJson, id};
use crate::problem::{Problem, json_text};

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
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, Problem> {
    let Some(key) = headers.get("idempotency-key") else {
        let (status, text): (StatusCode, String) = run_request(&service, &caller, &body, None).await?;
        return Ok(json_text(status, text));
    };
    let key = key
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or_else(|| Problem::malformed("Idempotency-Key: 1 to 255 visible ASCII characters"))?;
    match service.claim_idempotency_key(&caller, key, &request_hash(&body)).await? {
        KeyedAnswer::Replay { status, body } => {
            Ok(json_text(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), body))
        }
        KeyedAnswer::Created(stay) => Ok(json_text(StatusCode::CREATED, dto::stay(&stay, true).to_string())),
        KeyedAnswer::Run => {
            let (status, text) = match run_request::<(StatusCode, String)>(&service, &caller, &body, Some(key)).await {
                Ok(response) => return finish(&service, &caller, key, response).await,
                Err(problem) => (problem.status(), problem.body()),
            };
            service.finish_idempotency_key(&caller, key, status.as_u16(), &text).await?;
            Ok(json_text(status, text))
        }
    }
}

/// Records a successful keyed answer before it is sent.
async fn finish(
    service: &Service,
    caller: &Caller,
    key: &str,
    response: (StatusCode, String),
) -> Result<Response, Problem> {
    let (status, text) = response;
    service.finish_idempotency_key(caller, key, status.as_u16(), &text).await?;
    Ok(json_text(status, text))
}

async fn run_request<R: From<(StatusCode, String)>>(
    service: &Service,
    caller: &Caller,
    body: &Value,
    key: Option<&str>,
) -> Result<R, Problem> {
    let body: StayRequestBody = serde_json::from_value(body.clone()).map_err(|e| Problem::malformed(e.to_string()))?;
    let site = SiteId::parse(&body.site_id).map_err(|e| Problem::malformed(format!("site_id: {e}")))?;
    let purpose = body.purpose.unwrap_or_default().trim().to_owned();
    if purpose.chars().count() > MAX_PURPOSE_CHARS || purpose.chars().any(|c| c.is_control() && c != '\n') {
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
    let stay = match service.request_stay_keyed(caller, &input, key).await {
        Ok(stay) => stay,
        Err(err) => {
            crate::metrics::stay_requested(match &err {
                deskvisa_service::ServiceError::Refused(r) if r.full_dates().is_some() => "no_capacity",
                deskvisa_service::ServiceError::Refused(_) => "rule_violation",
                _ => "error",
            });
            return Err(err.into());
        }
    };
    crate::metrics::stay_requested(stay.status.as_str());
    Ok(R::from((StatusCode::CREATED, dto::stay(&stay, true).to_string())))
}

#[derive(Deserialize)]
struct Page {
    limit: Option<u64>,
    cursor: Option<String>,
}

fn parse_cursor(text: &str) -> Option<(DateTime<Utc>, StayId)> {
    let (at, id) = text.split_once('_')?;
    Some((DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc), StayId::parse(id).ok()?))
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
        Some(text) => Some(parse_cursor(text).ok_or_else(|| Problem::malformed("cursor: not one this server gave"))?),
    };
    let stays = service.my_stays(&caller, limit, before).await?;
    let next = (stays.len() as u64 == limit)
        .then(|| stays.last().map(|s| format!("{}_{}", s.created_at.to_rfc3339(), s.id)))
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
    let stay = service.act_on_stay(caller, id(stay, StayId::parse)?, command).await?;
    Ok(axum::Json(dto::stay(&stay, true)).into_response())
}

#[derive(Deserialize, Default)]
struct ReasonBody {
    #[serde(default)]
    reason: Option<String>,
}

/// The optional reason of an optional body: none, `{}`, or `{"reason": "..."}`.
fn reason(body: Option<ReasonBody>) -> Result<Option<Reason>, Problem> {
    match body.and_then(|b| b.reason).as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Reason::parse(text).map(Some).map_err(|e| Problem::malformed(format!("reason: {e}"))),
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
    MaybeJson(body): MaybeJson<ReasonBody>,
) -> Result<Response, Problem> {
    let reason = reason(body)?
        .ok_or_else(|| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "reason_required", "a decline needs a reason"))?;
    act(&s, &c, &stay, StayCommand::Decline(reason)).await
}

async fn cancel(
    State(s): State<Service>,
    Authenticated(c): Authenticated,
    Path(stay): Path<String>,
    MaybeJson(body): MaybeJson<ReasonBody>,
) -> Result<Response, Problem> {
    act(&s, &c, &stay, StayCommand::Cancel(reason(body)?)).await
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
