//! Sign-in by email link (API.md, "Sign-in"): asking for a link answers the
//! same whether or not the address is known; the link's page consumes
//! nothing (mail scanners open links); its form, or `POST /api/v1/auth/token`
//! for API clients, consumes the token. Sessions live in the database and
//! travel in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` and
//! `__Host-`-prefixed when the public URL is https).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use deskvisa_rules::Email;
use deskvisa_service::{Service, ServiceError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::dto::{Member, ProblemBody};
use crate::api::responses::{Malformed, Unauthenticated};
use crate::cookies;
use crate::extract::{ApiJson, Authenticated, ClientAddress, bearer};
use crate::problem::Problem;
use crate::query::{ApiForm, ApiQuery};

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(magic_link))
        .routes(routes!(verify_page, verify))
        .routes(routes!(api_token))
        .routes(routes!(logout))
}

/// A sign-in link request.
#[derive(Deserialize, ToSchema)]
pub(crate) struct MagicLinkBody {
    /// The address to send the link to.
    email: String,
}

/// The answer to every well-formed sign-in link request.
#[derive(Serialize, ToSchema)]
pub(crate) struct Accepted {
    /// Always `accepted`.
    status: &'static str,
    /// What happens now.
    message: &'static str,
}

/// Asks for a sign-in link. The answer is the same whether or not the
/// address belongs to a member; only a member who is not revoked is mailed.
#[utoipa::path(
    post, path = "/api/v1/auth/magic-link", tag = "sign-in", request_body = MagicLinkBody,
    responses(
        (status = 202, description = "Accepted (whether or not the address is known)", body = Accepted),
        Malformed,
        (status = 429, description = "`rate_limited`: this client asked too often (with `Retry-After`)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn magic_link(
    State(service): State<Service>,
    ClientAddress(client): ClientAddress,
    ApiJson(body): ApiJson<MagicLinkBody>,
) -> Result<Response, Problem> {
    let email = Email::parse(&body.email).map_err(|e| Problem::malformed(format!("email: {e}")))?;
    service.request_sign_in(&email, client).await?;
    let answer = Accepted {
        status: "accepted",
        message: "If the address belongs to a member, a sign-in link is on its way. It works once, for 15 minutes.",
    };
    Ok((StatusCode::ACCEPTED, axum::Json(answer)).into_response())
}

/// The token of a sign-in link.
#[derive(Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct TokenQuery {
    /// The token from the email.
    #[serde(default)]
    token: String,
}

/// The sign-in form: the token, and the form's own CSRF token.
#[derive(Deserialize, ToSchema)]
pub(crate) struct SignInForm {
    /// The token from the email.
    #[serde(default)]
    token: String,
    /// The hidden field the page put in the form (see `csrf`).
    csrf: Option<String>,
}

/// The sign-in link's page: a button that signs in. Opening it consumes
/// nothing, so a mail scanner that follows links leaves the link usable.
#[utoipa::path(
    get, path = "/auth/verify", tag = "sign-in", params(TokenQuery),
    responses((status = 200, description = "A page with a Sign in button", body = String, content_type = "text/html"))
)]
async fn verify_page(
    State(service): State<Service>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<TokenQuery>,
) -> Result<Response, Problem> {
    let form_token = crate::csrf::issue(&service)?;
    let viewer = crate::pages::Viewer::anonymous(&headers, "/sign-in");
    let mut response = crate::pages::sign_in::verify_page(&viewer, query.token.trim(), &form_token.value)
        .unwrap_or_else(IntoResponse::into_response);
    response.headers_mut().append(header::SET_COOKIE, form_token.cookie);
    Ok(response)
}

/// Consumes the token, starts a session (cookie) and goes to `/`; a used,
/// expired or unknown token gets a page saying so.
#[utoipa::path(
    post, path = "/auth/verify", tag = "sign-in",
    request_body(content = SignInForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Signed in: the session cookie is set, on to `/`"),
        (status = 400, description = "The link was used, has expired, or is unknown (a page); or the post is no form (`malformed_request`)",
            content((String = "text/html"), (ProblemBody = "application/problem+json"))),
        (status = 403, description = "`forbidden`: a cross-site form post, or one without the page's form token", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn verify(
    State(service): State<Service>,
    headers: HeaderMap,
    ApiForm(form): ApiForm<SignInForm>,
) -> Result<Response, Problem> {
    // Login CSRF: another site must not sign a visitor in as someone else.
    crate::extract::same_origin(&headers, service.public_url())?;
    crate::csrf::check(&service, &headers, form.csrf.as_deref())?;
    match service.sign_in(&form.token).await {
        Ok((session, _)) => {
            // A new session id at every sign-in: whatever session this
            // browser had before ends now.
            if let Some(old) = cookies::read(&headers, cookies::session_name(&service)) {
                service.end_session(&old).await?;
            }
            let next = crate::pages::sign_in::next_after_sign_in(&headers);
            let mut response = crate::pages::redirect(&next);
            response.headers_mut().append(header::SET_COOKIE, cookies::session(&service, &session));
            response.headers_mut().append(header::SET_COOKIE, cookies::next_cleared(&service));
            Ok(response)
        }
        Err(ServiceError::Unauthenticated) => {
            Ok(crate::pages::sign_in::link_dead(&crate::pages::Viewer::anonymous(&headers, "/sign-in")))
        }
        Err(other) => Err(other.into()),
    }
}

/// A sign-in token to exchange.
#[derive(Deserialize, ToSchema)]
pub(crate) struct TokenBody {
    /// The token from the sign-in email.
    token: String,
}

/// An API token made from a sign-in token.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiTokenAnswer {
    /// For `Authorization: Bearer`; shown once, stored only as a hash.
    api_token: String,
    /// Who it is for.
    member: Member,
}

/// Consumes a sign-in token and returns an API token (API clients).
#[utoipa::path(
    post, path = "/api/v1/auth/token", tag = "sign-in", request_body = TokenBody,
    responses(
        (status = 200, description = "The API token and its member", body = ApiTokenAnswer),
        Malformed,
        (status = 401, description = "`unauthenticated`: the token was used, has expired, or is unknown", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn api_token(State(service): State<Service>, ApiJson(body): ApiJson<TokenBody>) -> Result<Response, Problem> {
    let (api_token, member) = service.sign_in_for_api(&body.token).await?;
    let caller = service.authenticate(&api_token).await?;
    let member = Member::new(&member, Member::roles_of(&caller));
    Ok(axum::Json(ApiTokenAnswer { api_token, member }).into_response())
}

/// Ends the session (and clears its cookie) or revokes the bearer token.
#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "sign-in", security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        Unauthenticated,
        (status = 403, description = "`forbidden`: a cross-site request", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn logout(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if let Some(token) = bearer(&headers) {
        service.revoke_api_token(token).await?;
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    if let Some(session) = cookies::read(&headers, cookies::session_name(&service)) {
        service.end_session(&session).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookies::session_cleared(&service))]).into_response())
}
