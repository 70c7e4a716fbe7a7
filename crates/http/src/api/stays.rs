//! The stays routes of API.md: request, list, read, and every move.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use deskvisa_rules::{Reason, SiteId, StayId, parse_date};
use deskvisa_service::{Caller, KeyedAnswer, Service, StayCommand, StayRequestInput, request_hash};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::dto::{ProblemBody, Stay, StayList};
use crate::api::paging::Paging;
use crate::api::responses::{Malformed, NotFound, Unauthenticated};
use crate::extract::{ApiJson, Authenticated, MaybeJson, id};
use crate::problem::{Problem, json_text};
use crate::query::ApiQuery;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(request_stay, my_stays))
        .routes(routes!(read_stay, move_stay))
        .routes(routes!(stay_calendar))
        .routes(routes!(approve))
        .routes(routes!(decline))
        .routes(routes!(cancel))
        .routes(routes!(check_in))
        .routes(routes!(no_show))
}

/// The longest purpose accepted, in characters.
const MAX_PURPOSE_CHARS: usize = 1000;

/// A stay request.
#[derive(Deserialize, ToSchema)]
pub(crate) struct StayRequestBody {
    /// The host site.
    site_id: String,
    /// First date, `YYYY-MM-DD`, in the site's zone.
    start_date: String,
    /// Last date, included.
    end_date: String,
    /// Why the member comes (at most 1000 characters).
    #[serde(default)]
    purpose: Option<String>,
}

fn date(field: &str, text: &str) -> Result<chrono::NaiveDate, Problem> {
    parse_date(text).map_err(|e| Problem::malformed(format!("{field}: {e}")))
}

/// Request a stay at a partner site.
///
/// Accepted requests are `pending`, or `approved` at once at hosts with
/// automatic approval. The same `Idempotency-Key` with the same body answers
/// the first answer again and creates nothing more.
#[utoipa::path(
    post, path = "/api/v1/stays", tag = "stays", security(("bearer" = [])),
    request_body = StayRequestBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: 1 to 255 characters, scoped to the caller")),
    responses(
        (status = 201, description = "The stay", body = Stay),
        Malformed,
        Unauthenticated,
        (status = 404, description = "`not_found`: no such site", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "`no_capacity` with `full_dates`, or `idempotency_key_in_flight`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, description = "`body_too_large`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`rule_violation` with every rule broken, `idempotency_key_reused`, or `no_home_cluster` (a network staff account, which belongs to no cluster, requests no stays)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: this member asked too often this hour (with `Retry-After`)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
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
        KeyedAnswer::Created(stay) => {
            Ok(json_text(StatusCode::CREATED, serde_json::to_string(&Stay::new(&stay, true)).unwrap_or_default()))
        }
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
    let body: StayRequestBody = crate::extract::strictly(body.clone())?;
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
    Ok(R::from((StatusCode::CREATED, serde_json::to_string(&Stay::new(&stay, true)).unwrap_or_default())))
}

fn parse_cursor(text: &str) -> Option<(DateTime<Utc>, StayId)> {
    let (at, id) = text.split_once('_')?;
    Some((DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc), StayId::parse(id).ok()?))
}

/// The caller's own stays, newest first.
#[utoipa::path(
    get, path = "/api/v1/stays", tag = "stays", security(("bearer" = [])), params(Paging),
    responses(
        (status = 200, description = "A page of stays", body = StayList),
        Malformed,
        Unauthenticated,
    )
)]
async fn my_stays(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Response, Problem> {
    // Paged in the database, by when the stays were made: a member's stays
    // grow without end.
    let limit = paging.limit()?;
    let before = match paging.cursor() {
        None => None,
        Some(text) => Some(parse_cursor(text).ok_or_else(|| Problem::malformed("cursor: not one this server gave"))?),
    };
    let stays = service.my_stays(&caller, limit, before).await?;
    let next = (stays.len() as u64 == limit)
        .then(|| stays.last().map(|s| format!("{}_{}", s.created_at.to_rfc3339(), s.id)))
        .flatten();
    let items = stays.iter().map(|s| Stay::new(s, false)).collect();
    Ok(axum::Json(StayList { items, next_cursor: next }).into_response())
}

/// One stay with its history: for its member, the host's and the home
/// cluster's admins, and network admins.
#[utoipa::path(
    get, path = "/api/v1/stays/{id}", tag = "stays", security(("bearer" = [])),
    params(("id" = String, Path, description = "The stay's id")),
    responses(
        (status = 200, description = "The stay", body = Stay),
        Unauthenticated,
        NotFound,
    )
)]
async fn read_stay(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(stay): Path<String>,
) -> Result<Response, Problem> {
    let stay = service.stay(&caller, id(&stay, StayId::parse)?).await?;
    Ok(axum::Json(Stay::new(&stay, true)).into_response())
}

/// New dates for a stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StayDatesBody {
    /// The new first date, `YYYY-MM-DD`, in the site's zone.
    start_date: String,
    /// The new last date, included.
    end_date: String,
}

/// The member gives a pending or approved stay new dates at the same site.
///
/// Judged as a new request would be, the stay never counting against
/// itself: days in both ranges keep their desk, new days are taken, the
/// others released, all in one transaction or not at all. An approved stay
/// stays approved when no day is added, or when the new range is within the
/// guarantee at a host that approves automatically; otherwise it waits for
/// the host's answer again (a new `answer_deadline`). A stay under way keeps
/// its first day. The member and the host's admins are emailed; the
/// invitation is updated (same UID, higher SEQUENCE); registrations for
/// events the stay no longer covers are withdrawn.
#[utoipa::path(
    patch, path = "/api/v1/stays/{id}", tag = "stays", security(("bearer" = [])),
    request_body = StayDatesBody,
    params(("id" = String, Path, description = "The stay's id")),
    responses(
        (status = 200, description = "The stay with its new dates (a `move` line ends its history)", body = Stay),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: only the stay's member gives it new dates", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`no_capacity` with `full_dates` and `alternatives`; `stay_not_movable` (only a pending or approved stay not ended moves), `stay_started` (a stay under way keeps its first day), `end_before_today`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`rule_violation` with every rule the new dates break, or `no_home_cluster`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: a move counts as a request (with `Retry-After`)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn move_stay(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(stay): Path<String>,
    ApiJson(body): ApiJson<StayDatesBody>,
) -> Result<Response, Problem> {
    let stay = id(&stay, StayId::parse)?;
    let (start, end) = (date("start_date", &body.start_date)?, date("end_date", &body.end_date)?);
    let stay = service.move_stay(&caller, stay, start, end).await?;
    Ok(axum::Json(Stay::new(&stay, true)).into_response())
}

/// The stay as an iCalendar file (`METHOD:PUBLISH`, one all-day event, the
/// same UID and SEQUENCE as the emailed invitations): for its member and
/// the host's admins.
#[utoipa::path(
    get, path = "/api/v1/stays/{id}/calendar.ics", tag = "stays", security(("bearer" = [])),
    params(("id" = String, Path, description = "The stay's id")),
    responses(
        (status = 200, description = "RFC 5545 calendar", body = String, content_type = "text/calendar"),
        Unauthenticated,
        (status = 403, description = "`forbidden`: the home cluster's and network admins may read the stay, not take its calendar", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
    )
)]
async fn stay_calendar(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(stay): Path<String>,
) -> Result<Response, Problem> {
    let stay = id(&stay, StayId::parse)?;
    let ics = service.stay_calendar(&caller, stay).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8; method=PUBLISH".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"stay-{stay}.ics\"")),
        ],
        ics,
    )
        .into_response())
}

async fn act(
    service: &Service,
    caller: &deskvisa_service::Caller,
    stay: &str,
    command: StayCommand,
) -> Result<Response, Problem> {
    let stay = service.act_on_stay(caller, id(stay, StayId::parse)?, command).await?;
    Ok(axum::Json(Stay::new(&stay, true)).into_response())
}

/// A reason.
#[derive(Deserialize, Default, ToSchema)]
pub(crate) struct ReasonBody {
    /// Why (at most 1000 characters).
    #[serde(default)]
    reason: Option<String>,
}

/// The optional reason of an optional body: none, `{}`, or `{"reason": "..."}`.
pub(crate) fn reason(body: Option<ReasonBody>) -> Result<Option<Reason>, Problem> {
    match body.and_then(|b| b.reason).as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Reason::parse(text).map(Some).map_err(|e| Problem::malformed(format!("reason: {e}"))),
    }
}

/// The host approves a pending stay before its answer deadline.
#[utoipa::path(
    post, path = "/api/v1/stays/{id}/approve", tag = "stays", security(("bearer" = [])),
    params(("id" = String, Path, description = "The stay's id")),
    responses(
        (status = 200, description = "The stay, moved on", body = Stay),
        Unauthenticated,
        (status = 403, description = "`forbidden`: visible, but not yours to decide", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`stay_not_pending`, `stay_over`, `stay_not_approved`, `not_a_stay_day`, `first_day_not_over`, `already_marked`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn approve(
    State(s): State<Service>,
    Authenticated(c): Authenticated,
    Path(stay): Path<String>,
) -> Result<Response, Problem> {
    act(&s, &c, &stay, StayCommand::Approve).await
}

/// The host declines a pending stay, with a reason.
#[utoipa::path(
    post, path = "/api/v1/stays/{id}/decline", tag = "stays", security(("bearer" = [])), request_body = ReasonBody,
    params(("id" = String, Path, description = "The stay's id")),
    responses(
        (status = 200, description = "The stay, moved on", body = Stay),
        Unauthenticated,
        (status = 403, description = "`forbidden`: visible, but not yours to decide", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`stay_not_pending`, `stay_over`, `stay_not_approved`, `not_a_stay_day`, `first_day_not_over`, `already_marked`", body = ProblemBody, content_type = "application/problem+json"),
        Malformed,
        (status = 422, description = "`reason_required`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
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

/// The member cancels a pending or approved stay, or the host an approved one (with a reason); desk-days from today on are released.
#[utoipa::path(
    post, path = "/api/v1/stays/{id}/cancel", tag = "stays", security(("bearer" = [])), request_body(content = Option<ReasonBody>, description = "Optional for a member"),
    params(("id" = String, Path, description = "The stay's id")),
    responses(
        (status = 200, description = "The stay, moved on", body = Stay),
        Unauthenticated,
        (status = 403, description = "`forbidden`: visible, but not yours to decide", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`stay_not_pending`, `stay_over`, `stay_not_approved`, `not_a_stay_day`, `first_day_not_over`, `already_marked`", body = ProblemBody, content_type = "application/problem+json"),
        Malformed,
        (status = 422, description = "`reason_required` (a host's cancellation)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn cancel(
    State(s): State<Service>,
    Authenticated(c): Authenticated,
    Path(stay): Path<String>,
    MaybeJson(body): MaybeJson<ReasonBody>,
) -> Result<Response, Problem> {
    act(&s, &c, &stay, StayCommand::Cancel(reason(body)?)).await
}

/// The host marks the visitor arrived, on one of the stay's days.
#[utoipa::path(
    post, path = "/api/v1/stays/{id}/check-in", tag = "stays", security(("bearer" = [])),
    params(("id" = String, Path, description = "The stay's id")),
    responses(
        (status = 200, description = "The stay, moved on", body = Stay),
        Unauthenticated,
        (status = 403, description = "`forbidden`: visible, but not yours to decide", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`stay_not_pending`, `stay_over`, `stay_not_approved`, `not_a_stay_day`, `first_day_not_over`, `already_marked`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn check_in(
    State(s): State<Service>,
    Authenticated(c): Authenticated,
    Path(stay): Path<String>,
) -> Result<Response, Problem> {
    act(&s, &c, &stay, StayCommand::CheckIn).await
}

/// The host marks a no-show after the first day; the remaining desk-days are released.
#[utoipa::path(
    post, path = "/api/v1/stays/{id}/no-show", tag = "stays", security(("bearer" = [])),
    params(("id" = String, Path, description = "The stay's id")),
    responses(
        (status = 200, description = "The stay, moved on", body = Stay),
        Unauthenticated,
        (status = 403, description = "`forbidden`: visible, but not yours to decide", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`stay_not_pending`, `stay_over`, `stay_not_approved`, `not_a_stay_day`, `first_day_not_over`, `already_marked`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn no_show(
    State(s): State<Service>,
    Authenticated(c): Authenticated,
    Path(stay): Path<String>,
) -> Result<Response, Problem> {
    act(&s, &c, &stay, StayCommand::NoShow).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use proptest::prelude::*;
    use proptest::sample::{Index, select};

    use super::*;

    fn config(cases: u32) -> ProptestConfig {
        ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
    }

    /// An instant from 1970 to 9999, to the nanosecond.
    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        (0i64..253_402_300_800, prop_oneof![Just(0u32), 0u32..1_000_000_000])
            .prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap())
    }

    proptest! {
        #![proptest_config(config(1000))]

        /// A cursor as this server writes it (`<created_at as RFC 3339>_<stay
        /// id>`) reads back as the same instant, to the nanosecond, and the
        /// same stay.
        #[test]
        fn a_cursor_the_server_gave_reads_back(at in instant(), n in any::<u128>()) {
            let stay = StayId::from_uuid(uuid::Uuid::from_u128(n));
            let cursor = format!("{}_{}", at.to_rfc3339(), stay);
            prop_assert_eq!(parse_cursor(&cursor), Some((at, stay)));
        }

        /// A cursor spoiled in one way is refused (and the handler answers
        /// 400): no `_`, the two halves swapped, a half missing, an instant
        /// or id cut short, a date that is none, text after the id; and no
        /// text at all makes `parse_cursor` panic.
        #[test]
        fn a_cursor_spoiled_or_made_up_is_refused(at in instant(), n in any::<u128>(), miss in 0usize..8, pick in any::<Index>(), text in "(?s:.{0,80})") {
            let (time, stay) = (at.to_rfc3339(), StayId::from_uuid(uuid::Uuid::from_u128(n)).to_string());
            let spoiled = match miss {
                0 => format!("{time}{stay}"),
                1 => format!("{stay}_{time}"),
                2 => format!("{time}_"),
                3 => format!("_{stay}"),
                4 => format!("{}_{stay}", &time[..pick.index(time.len())]),
                5 => format!("{time}_{}", &stay[..pick.index(stay.len())]),
                6 => format!("{}{}_{stay}", &time[..5], *pick.get(&["13-01T00:00:00+00:00", "02-30T00:00:00+00:00", "01-01T24:00:01+00:00"])),
                _ => format!("{time}_{stay}{}", *pick.get(&["x", "_", "0", " x"])),
            };
            prop_assert_eq!(parse_cursor(&spoiled), None, "{}", spoiled);
            let _ = parse_cursor(&text);
        }

        /// An optional reason is none when the body, its `reason`, or the
        /// reason's text is missing or only white space; otherwise it is the
        /// rules' reason for that text, or 400 `malformed_request` exactly
        /// when the rules refuse it.
        #[test]
        fn an_optional_reason_is_the_rules_reason_or_none(text in prop_oneof![
            "(?s:.{0,60})",
            "[ \t\r\n]{0,5}",
            select(vec!["\u{a0}", "\u{3000} \n", "a\u{0}b", "ok"]).prop_map(String::from),
        ]) {
            prop_assert!(reason(None).unwrap().is_none());
            let empty = ReasonBody { reason: None };
            prop_assert!(reason(Some(empty)).unwrap().is_none());
            let got = reason(Some(ReasonBody { reason: Some(text.clone()) }));
            if text.trim().is_empty() {
                prop_assert!(got.unwrap().is_none());
            } else {
                match (got, Reason::parse(&text)) {
                    (Ok(Some(r)), Ok(parsed)) => prop_assert_eq!(r, parsed),
                    (Err(p), Err(_)) => prop_assert_eq!(p.status(), StatusCode::BAD_REQUEST),
                    (got, parsed) => prop_assert!(false, "{:?} against {:?}", got.map_err(|p| p.status()), parsed),
                }
            }
        }
    }
}
