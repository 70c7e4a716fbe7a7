//! Every error answer in one shape. axum and its extractors answer some
//! refusals themselves, before any handler runs: a method a route does not
//! take (405, empty body), a path segment that is not UTF-8 (400,
//! `text/plain`), a body that is too large (413). This layer gives each
//! such answer deskvisa's shape: `application/problem+json` with a stable
//! code for programs, the error page in the viewer's language for
//! browsers; headers such as `Allow` are kept.

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

/// An error answer already in deskvisa's shape: problem+json, or a page.
fn shaped(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/problem+json") || t.starts_with("text/html"))
}

/// Gives every 4xx and 5xx answer deskvisa's shape.
pub(crate) async fn errors(State(service): State<Service>, request: Request, next: Next) -> Response {
    let browser = crate::pages::wants_page(&request);
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || shaped(response.headers()) {
        return response;
    }
    let (parts, _) = response.into_parts();
    let mut shaped = if browser {
        crate::pages::error_for(&service, &headers, &path, status).await
    } else {
        Problem::new(status, code_of(status), detail_of(status)).into_response()
    };
    // Allow, Retry-After and the like stay; the body's own headers go.
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            shaped.headers_mut().insert(name.clone(), value.clone());
        }
    }
    shaped
}
