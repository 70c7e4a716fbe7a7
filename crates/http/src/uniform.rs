//! Every error answer in one shape. axum and its extractors answer some
//! refusals themselves, before any handler runs: a method a route does not
//! take (405, empty body), a path segment that is not UTF-8 (400,
//! `text/plain`), a body that is too large (413). This layer gives each
//! such answer deskvisa's shape: `application/problem+json` with a stable
//! code for programs, the error page in the viewer's language for
//! browsers; headers such as `Allow` are kept. A server error, whoever
//! made it, names the request's id (`request_id` in the problem, a
//! reference on the page) so that a person can quote it.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use deskvisa_service::Service;

use crate::problem::Problem;

/// The stable code of an error status nobody else named.
fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "malformed_request",
        StatusCode::UNAUTHORIZED => "unauthenticated",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_ACCEPTABLE => "not_acceptable",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::URI_TOO_LONG => "uri_too_long",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "malformed_request",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_server_error() => "internal",
        _ => "malformed_request",
    }
}

/// What a person reads of it.
fn detail_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => "this path does not take this method; the Allow header lists those it takes",
        StatusCode::NOT_FOUND => "no such object, or not visible to you",
        StatusCode::PAYLOAD_TOO_LARGE => "the body is larger than this server accepts",
        StatusCode::REQUEST_TIMEOUT => "the request took too long",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "send JSON with Content-Type: application/json",
        s if s.is_server_error() => "something went wrong on our side",
        _ => "the request could not be read: a path, query or body that is not what this route takes",
    }
}

/// An error answer already in deskvisa's shape: problem+json, a page, or
/// JSON deskvisa wrote on purpose (`/readyz`'s reason); axum's own
/// refusals are plain text or empty.
fn shaped(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| {
        t.starts_with("application/problem+json") || t.starts_with("text/html") || t.starts_with("application/json")
    })
}

/// Whether an answer is JSON deskvisa wrote on purpose.
fn is_json(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("application/json"))
}

/// Whether an answer is a problem document.
fn is_problem(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/problem+json"))
}

/// The largest problem body read back to add the request id to.
const PROBLEM_BODY_LIMIT: usize = 64 * 1024;

/// A server error's problem with the request's id added.
async fn quoting(response: Response, request_id: &str) -> Response {
    let (mut parts, body) = response.into_parts();
    let mut problem = match axum::body::to_bytes(body, PROBLEM_BODY_LIMIT).await {
        Ok(bytes) => serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes).unwrap_or_default(),
        Err(_) => serde_json::Map::new(),
    };
    problem.insert("request_id".into(), serde_json::Value::from(request_id));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(serde_json::Value::Object(problem).to_string()))
}

/// Gives every 4xx and 5xx answer deskvisa's shape.
pub(crate) async fn errors(State(service): State<Service>, request: Request, next: Next) -> Response {
    let browser = crate::pages::wants_page(&request);
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let request_id = crate::request_id::of(&headers);
    let response = next.run(request).await;
    let status = response.status();
    // A server error names the request's id, whoever made the answer.
    let quote = request_id.as_deref().filter(|_| status.is_server_error());
    match quote {
        Some(id) if !browser && is_problem(response.headers()) => return quoting(response, id).await,
        // A browser's server error is the page with the reference, unless
        // deskvisa wrote JSON on purpose (`/readyz`'s reason).
        Some(_) if browser && !is_json(response.headers()) => {}
        _ if !(status.is_client_error() || status.is_server_error()) || shaped(response.headers()) => return response,
        _ => {}
    }
    let (parts, _) = response.into_parts();
    let mut shaped = if browser {
        crate::pages::error_for(&service, &headers, &path, status, quote).await
    } else {
        let problem = Problem::new(status, code_of(status), detail_of(status));
        match quote {
            Some(id) => problem.with("request_id", serde_json::Value::from(id)).into_response(),
            None => problem.into_response(),
        }
    };
    // Allow, Retry-After and the like stay; the body's own headers go.
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            shaped.headers_mut().insert(name.clone(), value.clone());
        }
    }
    shaped
}
