//! The problem answers most routes share, described once for the OpenAPI
//! document: a route's `responses(...)` names these beside the answers
//! that are its own (a 409 with its code, say). Never built: the handlers
//! answer through [`crate::problem::Problem`]; these only describe it.

#![allow(dead_code, reason = "types that describe answers for the OpenAPI document; never constructed")]

use utoipa::IntoResponses;

use super::dto::ProblemBody;

/// 400: the body, a query or a path parameter cannot be read.
#[derive(IntoResponses)]
#[response(status = 400, description = "`malformed_request`", content_type = "application/problem+json")]
pub(crate) struct Malformed(ProblemBody);

/// 401: no valid bearer token or session.
#[derive(IntoResponses)]
#[response(status = 401, description = "`unauthenticated`", content_type = "application/problem+json")]
pub(crate) struct Unauthenticated(ProblemBody);

/// 403: signed in, but not allowed this.
#[derive(IntoResponses)]
#[response(status = 403, description = "`forbidden`", content_type = "application/problem+json")]
pub(crate) struct Forbidden(ProblemBody);

/// 404: no such object, or not visible to the caller.
#[derive(IntoResponses)]
#[response(status = 404, description = "`not_found`", content_type = "application/problem+json")]
pub(crate) struct NotFound(ProblemBody);
