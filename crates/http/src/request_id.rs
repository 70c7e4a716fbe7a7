//! A request id on every request, and one access-log line per request.
//!
//! The id is `x-request-id`: taken from a trusted proxy (which made it
//! for its own log) when it is a plain token, otherwise made here (a UUID);
//! echoed in the answer, a field of the request's span (so every log line
//! of the request carries it) and in the body of a server error, for a
//! person to quote. A client that is no trusted proxy cannot choose it:
//! otherwise anyone could make their requests look like someone else's.
//!
//! The access-log line names the method, the matched route template (never
//! the path itself, which may hold a sign-in token, nor the query), the
//! status and the latency. Headers, cookies and bodies are never logged.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderName, HeaderValue, Response};
use axum::middleware::Next;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::labels::{MatchedRoute, UNMATCHED};

/// The header that carries the id.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest id taken from a proxy; longer ones are replaced.
const MAX_LEN: usize = 128;

/// Whether a proxy's id is a plain token: it goes into log lines and
/// bodies, so nothing that could forge a line or markup.
fn plain(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_LEN
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'/' | b'+' | b'='))
}

/// The id of a request, once [`layers`] have run.
pub(crate) fn of(headers: &axum::http::HeaderMap) -> Option<String> {
    headers.get(REQUEST_ID).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Drops an `x-request-id` that no trusted proxy sent, or that is not a
/// plain token, so that the next layer makes one.
async fn only_from_proxies(trusted: Arc<Vec<IpAddr>>, mut request: Request, next: Next) -> axum::response::Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_canonical());
    let believed = peer.is_some_and(|ip| trusted.contains(&ip))
        && request.headers().get_all(REQUEST_ID).iter().count() == 1
        && request.headers().get(REQUEST_ID).is_some_and(plain);
    if !believed {
        request.headers_mut().remove(REQUEST_ID);
    }
    next.run(request).await
}

/// The request's span: its method and id, in every line it logs.
fn span_of(request: &Request) -> Span {
    let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
    tracing::info_span!("request", method = %crate::labels::method(request.method()), request_id = %id)
}

/// The access-log line, in the request's span: the route template it
/// matched (`unmatched` for a path no route takes: that text is the
/// stranger's, and stays out of the log), the status and the latency.
fn log_answer<B>(response: &Response<B>, latency: Duration, _span: &Span) {
    let route = response.extensions().get::<MatchedRoute>().map_or(UNMATCHED, |r| r.0.as_str());
    tracing::info!(route, status = response.status().as_u16(), latency_ms = latency.as_secs_f64() * 1000.0, "answered");
}

/// Wraps the application: ids from trusted proxies kept, others made,
/// every request traced, the id echoed in the answer.
pub(crate) fn layers(router: Router, trusted: Arc<Vec<IpAddr>>) -> Router {
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(span_of)
                .on_request(())
                .on_response(log_answer)
                .on_body_chunk(())
                .on_eos(())
                .on_failure(()),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            only_from_proxies(trusted.clone(), request, next)
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_tokens_are_taken_from_a_proxy() {
        let ok = |s: &str| plain(&HeaderValue::from_str(s).unwrap());
        assert!(ok("3f2c9a7e-1b2c-4d5e-8f90-123456789abc"));
        assert!(ok("Root=1-67891233-abcdef012345678912345678"));
        assert!(!ok(""));
        assert!(!ok("a b"));
        assert!(!ok("<script>"));
        assert!(!ok("x\"y"));
        assert!(!ok(&"a".repeat(MAX_LEN + 1)));
    }
}
