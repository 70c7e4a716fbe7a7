//! Query strings and form posts, parsed into `T`: one that is missing a
//! field, has a wrong type or an impossible value (or a form sent as
//! something else) is 400 `malformed_request` as problem+json, like every
//! other error (axum's own answer is plain text).

use axum::extract::{Form, FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// A query string, parsed into `T`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(Problem::malformed(rejection.body_text())),
        }
    }
}

/// A form post (`application/x-www-form-urlencoded`), parsed into `T`.
pub struct ApiForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiForm<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Form::<T>::from_request(req, state).await {
            Ok(Form(value)) => Ok(ApiForm(value)),
            Err(rejection) => Err(Problem::malformed(rejection.body_text())),
        }
    }
}
