//! Request extractors: JSON bodies whose every rejection is a clear problem
//! (400 `malformed_request`, 413 `body_too_large`), and the authenticated
//! caller behind `Authorization: Bearer`.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use deskvisa_service::{Caller, Service};
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// A JSON body, parsed into `T`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::BytesRejection(e)) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "the body is larger than this server accepts",
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(Problem::malformed("send the body as application/json"))
            }
            Err(e) => Err(Problem::malformed(e.body_text())),
        }
    }
}

/// An optional JSON body: absent (or only white space) is `None`.
pub struct MaybeJson<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for MaybeJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "the body is larger than this server accepts",
                )
            } else {
                Problem::malformed(e.body_text())
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(MaybeJson(None));
        }
        serde_json::from_slice(&bytes).map(|v| MaybeJson(Some(v))).map_err(|e| Problem::malformed(e.to_string()))
    }
}

/// The caller, authenticated by a bearer token.
pub struct Authenticated(pub Caller);

impl FromRequestParts<Service> for Authenticated {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, service: &Service) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "a valid bearer token is required")
            })?;
        Ok(Authenticated(service.authenticate(token).await?))
    }
}

/// Parses a path or query id into a rules id type, or 404 (an id that is not
/// one names nothing).
pub fn id<T>(text: &str, parse: impl Fn(&str) -> Result<T, deskvisa_rules::IdError>) -> Result<T, Problem> {
    parse(text).map_err(|_| Problem::not_found())
}
