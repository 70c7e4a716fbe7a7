//! `GET /verify/{code}` (issue 22): anyone holding an invitation letter's
//! code (a consulate, a border officer, whoever scans its QR code) checks
//! it without signing in, rate-limited per client, and reads a page in
//! their language: valid, replaced, or its stay changed or cancelled, with
//! the host, site, dates and the visitor's initials only. A documented route
//! answered by a page, as the sign-in link's is (`crate::auth`).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use deskvisa_rules::LetterCode;
use deskvisa_service::{Service, ServiceError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::ClientAddress;
use crate::problem::Problem;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new().routes(routes!(verify_letter))
}

/// Checks an invitation letter by its code, without signing in: whether it
/// is valid (or its stay was called off or changed, or a newer letter
/// replaced it), for which host, site and dates, and the visitor's
/// initials only. A page in the reader's language; rate-limited per client.
#[utoipa::path(
    get, path = "/verify/{code}", tag = "stays",
    params(("code" = String, Path, description = "The letter's code, as its URL or its print gives it")),
    responses(
        (status = 200, description = "A page saying what the letter is worth now", body = String, content_type = "text/html"),
        (status = 404, description = "No letter has this code (a page)", body = String, content_type = "text/html"),
        (status = 429, description = "Too many checks from this client this minute (a page, with `Retry-After`)", body = String, content_type = "text/html"),
    )
)]
async fn verify_letter(
    State(service): State<Service>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let viewer = crate::pages::Viewer::anonymous(&headers, "/verify");
    let Ok(code) = LetterCode::parse(&code) else {
        return crate::pages::letters::unknown(&viewer);
    };
    match service.verify_letter(&code, client).await {
        Ok(verification) => crate::pages::letters::verification(&viewer, &verification),
        Err(ServiceError::NotFound) => crate::pages::letters::unknown(&viewer),
        Err(ServiceError::RateLimited { retry_after_seconds }) => {
            crate::pages::letters::too_many(&viewer, retry_after_seconds)
        }
        Err(e) => Problem::from(e).into_response(),
    }
}
