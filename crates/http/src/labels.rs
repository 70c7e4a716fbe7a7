//! Values for metric labels and log fields that a stranger could otherwise
//! choose: every value is from a closed set.

use axum::http::Method;

/// The route template a request matched, as the metrics and the access log
/// name it (a response extension: the log line is written where the route
/// is no longer known). A path no route takes has none: `unmatched`.
#[derive(Debug, Clone)]
pub(crate) struct MatchedRoute(pub(crate) String);

/// What the metrics and the log call a request no route took.
pub(crate) const UNMATCHED: &str = "unmatched";

/// A request's method as a label: one of the standard methods, else
/// `other`. A stranger may send any token as a method; every label value
/// is a new series kept for the life of the process, so labels come from
/// closed sets only (the method here, the matched route template, the
/// status the server itself answered).
pub(crate) fn method(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}
