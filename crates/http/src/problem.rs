//! Errors as RFC 9457 problem details (`application/problem+json`), one
//! status and one stable code per kind. Internal detail is logged, never
//! sent: no stack trace, no SQL.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use deskvisa_rules::{Refusal, TransitionError, Violation};
use deskvisa_service::ServiceError;
use serde_json::{Map, Value, json};

/// An error answer.
#[derive(Debug)]
pub struct Problem {
    status: StatusCode,
    code: &'static str,
    detail: String,
    extra: Map<String, Value>,
    /// Seconds for a `Retry-After` header (429).
    retry_after: Option<u64>,
}

impl Problem {
    /// A problem with a status, a stable code and a sentence for people.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Problem { status, code, detail: detail.into(), extra: Map::new(), retry_after: None }
    }

    /// Adds a member to the body.
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.extra.insert(key.to_owned(), value);
        self
    }

    /// 400 `malformed_request`.
    pub fn malformed(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, "malformed_request", detail)
    }

    /// 404 `not_found`.
    pub fn not_found() -> Self {
        Problem::new(StatusCode::NOT_FOUND, "not_found", "no such object, or not visible to you")
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable code.
    pub(crate) fn code(&self) -> &'static str {
        self.code
    }

    /// The sentence for people.
    pub(crate) fn detail(&self) -> &str {
        &self.detail
    }

    /// Seconds for `Retry-After`, if any.
    pub(crate) fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }
}

impl Problem {
    /// The body as JSON text.
    pub fn body(&self) -> String {
        let mut body = Map::new();
        body.insert("type".into(), json!(format!("/problems/{}", self.code)));
        body.insert("title".into(), json!(self.status.canonical_reason().unwrap_or("Error")));
        body.insert("status".into(), json!(self.status.as_u16()));
        body.insert("detail".into(), json!(self.detail));
        body.insert("code".into(), json!(self.code));
        body.extend(self.extra.clone());
        Value::Object(body).to_string()
    }
}

/// A response with a JSON body already rendered: problem+json for errors.
pub fn json_text(status: StatusCode, body: String) -> Response {
    let content_type = if status.is_client_error() || status.is_server_error() {
        "application/problem+json"
    } else {
        "application/json"
    };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    response
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = json_text(self.status, self.body());
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

fn refusal(refusal: Refusal) -> Problem {
    if let Some(full) = refusal.full_dates() {
        return Problem::new(StatusCode::CONFLICT, "no_capacity", refusal.violations[0].to_string())
            .with("full_dates", json!(full))
            .with(
                "alternatives",
                Value::Array(
                    refusal
                        .alternatives
                        .iter()
                        .map(|r| json!({"start_date": r.start(), "end_date": r.end()}))
                        .collect(),
                ),
            );
    }
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "rule_violation", "the request breaks the network's rules")
        .with("violations", Value::Array(violation_values(&refusal)))
}

/// Each broken rule with its code, its sentence and its facts.
fn violation_values(refusal: &Refusal) -> Vec<Value> {
    refusal
        .violations
        .iter()
        .map(|v: &Violation| {
            let mut entry = serde_json::to_value(v).unwrap_or_else(|_| json!({}));
            if let Value::Object(map) = &mut entry {
                map.insert("code".into(), json!(v.code().as_str()));
                map.insert("message".into(), json!(v.to_string()));
            }
            entry
        })
        .collect()
}

fn transition(err: TransitionError) -> Problem {
    let status = match err {
        TransitionError::NotAllowed => StatusCode::FORBIDDEN,
        TransitionError::ReasonRequired => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::CONFLICT,
    };
    Problem::new(status, err.code(), err.to_string())
}

/// The sentence of a `dates_hold_stays` refusal.
fn err_text(dates: &[chrono::NaiveDate]) -> String {
    format!("stays hold desks on {}", dates.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
}

impl From<ServiceError> for Problem {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::Unauthenticated => {
                Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "a valid bearer token is required")
            }
            ServiceError::NotFound => Problem::not_found(),
            ServiceError::Forbidden => {
                Problem::new(StatusCode::FORBIDDEN, "forbidden", "you may read this, but not change it")
            }
            ServiceError::Refused(r) => refusal(r),
            ServiceError::Transition(e) => transition(e),
            ServiceError::Policy(e) => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "policy_below_guarantee", e.to_string())
                    .with("breaches", serde_json::to_value(&e.breaches).unwrap_or(Value::Null))
            }
            ServiceError::Conflict(conflict) => Problem::new(
                StatusCode::from_u16(conflict.status()).unwrap_or(StatusCode::CONFLICT),
                conflict.code(),
                conflict.to_string(),
            ),
            ServiceError::DatesHoldStays { dates } => {
                let detail = err_text(&dates);
                Problem::new(StatusCode::CONFLICT, "dates_hold_stays", detail).with("dates", json!(dates))
            }
            ServiceError::Invalid(message) => Problem::malformed(message),
            ServiceError::EventTimes(e) => Problem::malformed(e.to_string()),
            ServiceError::GroupRefused(members) => {
                let detail = format!("the rules refuse the delegation for {} of its members", members.len());
                let members: Vec<Value> = members
                    .into_iter()
                    .map(|(member, refusal)| {
                        json!({"member_id": member.as_uuid(), "violations": violation_values(&refusal)})
                    })
                    .collect();
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "delegation_refused", detail)
                    .with("members", Value::Array(members))
            }
            ServiceError::RateLimited { retry_after_seconds } => {
                let mut problem = Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!("too many requests; try again in {retry_after_seconds} seconds"),
                );
                problem.retry_after = Some(retry_after_seconds);
                problem.with("retry_after", json!(retry_after_seconds))
            }
            ServiceError::Unavailable => {
                Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the service is busy; try again shortly")
            }
            ServiceError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side")
            }
        }
    }
}
