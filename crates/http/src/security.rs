//! Security headers on every response, errors and the 404 fallback
//! included: a content security policy that allows only deskvisa's own
//! resources and no framing, `nosniff`, no referrer (sign-in tokens travel
//! in URLs), and HSTS when deskvisa is served over https. The API's answers
//! are personal (a member's stays, a cluster's members, calendar files, the
//! ledger's CSV): no cache keeps them (`Cache-Control: no-store`), as no
//! cache keeps the pages.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use deskvisa_service::Service;

/// Pages and the API: nothing from elsewhere, no inline script, no frames.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Swagger UI at `/docs` starts itself with an inline script.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; \
                        img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
                        frame-ancestors 'none'";

/// Adds the headers to whatever the application answered.
pub(crate) async fn headers(State(service): State<Service>, request: Request, next: Next) -> Response {
    let docs = request.uri().path().starts_with("/docs");
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if api && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let csp = if docs { DOCS_CSP } else { CSP };
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    if service.public_url().starts_with("https://") {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}
