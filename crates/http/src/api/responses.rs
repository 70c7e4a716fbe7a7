//! The problem answers most routes share, described once for the OpenAPI
//! document: a route's `responses(...)` names these beside the answers
//! that are its own (a 409 with its code, say). Never built: the handlers
//! answer through [`crate::problem::Problem`]; these only describe it.

#![allow(dead_code, reason = "types that describe answers for the OpenAPI document; never constructed")]

use utoipa::IntoResponses;

use super::dto::ProblemBody;

/// Declares a problem answer: its type, status and code.
macro_rules! problem_answers {
    ($($(#[$doc:meta])* $name:ident = $status:literal, $code:literal;)*) => {$(
        $(#[$doc])*
        #[derive(IntoResponses)]
        #[response(status = $status, description = $code, content_type = "application/problem+json")]
        pub(crate) struct $name(ProblemBody);
    )*};
}

problem_answers! {
    /// 400: the body, a query or a path parameter cannot be read.
    Malformed = 400, "`malformed_request`";
    /// 401: no valid bearer token or session.
    Unauthenticated = 401, "`unauthenticated`";
    /// 403: signed in, but not allowed this.
    Forbidden = 403, "`forbidden`";
    /// 404: no such object, or not visible to the caller.
    NotFound = 404, "`not_found`";
}
