//! Sign-in by email link (API.md, "Sign-in"): asking for a link answers the
//! same whether or not the address is known; the link's page consumes
//! nothing (mail scanners open links); its form, or `POST /api/v1/auth/token`
//! for API clients, consumes the token. Sessions live in the database and
//! travel in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` and
//! `__Host-`-prefixed when the public URL is https).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use deskvisa_rules::Email;
use deskvisa_service::{SESSION_LIFETIME, Service, ServiceError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::dto::{Member, ProblemBody};
use crate::extract::{ApiJson, Authenticated, ClientAddress, bearer, session_cookie};
use crate::problem::Problem;
use crate::query::{ApiForm, ApiQuery};

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(magic_link))
        .routes(routes!(verify_page, verify))
        .routes(routes!(api_token))
        .routes(routes!(logout))
}

/// The session cookie's name: `__Host-` bound to the exact origin over https.
pub(crate) fn cookie_name(service: &Service) -> &'static str {
    if service.public_url().starts_with("https://") { "__Host-deskvisa_session" } else { "deskvisa_session" }
}

fn session_cookie_header(service: &Service, value: &str, max_age: i64) -> Result<HeaderValue, Problem> {
    let secure = if service.public_url().starts_with("https://") { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        cookie_name(service)
    ))
    .map_err(|_| Problem::from(ServiceError::Internal("a cookie that is no header".to_owned())))
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
        (status = 400, description = "`malformed_request`", body = ProblemBody, content_type = "application/problem+json"),
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

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} – deskvisa</title></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1f2933\">\
         <h1 style=\"font-size:1.5rem\">{title}</h1>{body}</body></html>"
    )
}

/// The sign-in link's page: a button that signs in. Opening it consumes
/// nothing, so a mail scanner that follows links leaves the link usable.
#[utoipa::path(
    get, path = "/auth/verify", tag = "sign-in", params(TokenQuery),
    responses((status = 200, description = "A page with a Sign in button", body = String, content_type = "text/html"))
)]
async fn verify_page(
    State(service): State<Service>,
    ApiQuery(query): ApiQuery<TokenQuery>,
) -> Result<Response, Problem> {
    let form_token = crate::csrf::issue(&service)?;
    let body = format!(
        "<p>Welcome back. Press the button to sign in on this device.</p>\
         <form method=\"post\" action=\"/auth/verify\"><input type=\"hidden\" name=\"token\" value=\"{}\">\
         <input type=\"hidden\" name=\"{}\" value=\"{}\">\
         <button type=\"submit\" style=\"font-size:1rem;padding:.6rem 1.2rem\">Sign in</button></form>",
        escape(query.token.trim()),
        crate::csrf::FIELD,
        form_token.value,
    );
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store")), (header::SET_COOKIE, form_token.cookie)],
        Html(page("Sign in to deskvisa", &body)),
    )
        .into_response())
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
            if let Some(old) = session_cookie(&headers, cookie_name(&service)) {
                service.end_session(old).await?;
            }
            let cookie = session_cookie_header(&service, &session, SESSION_LIFETIME.num_seconds())?;
            Ok((
                StatusCode::SEE_OTHER,
                [(header::LOCATION, HeaderValue::from_static("/")), (header::SET_COOKIE, cookie)],
            )
                .into_response())
        }
        Err(ServiceError::Unauthenticated) => {
            let body = "<p>This sign-in link has expired or was already used. Links work once, for 15 minutes.</p>\
                        <p><a href=\"/sign-in\">Ask for a new link</a></p>";
            Ok((StatusCode::BAD_REQUEST, Html(page("This link no longer works", body))).into_response())
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
        (status = 400, description = "`malformed_request`", body = ProblemBody, content_type = "application/problem+json"),
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
        (status = 401, description = "`unauthenticated`", body = ProblemBody, content_type = "application/problem+json"),
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
    if let Some(session) = session_cookie(&headers, cookie_name(&service)) {
        service.end_session(session).await?;
    }
    let cleared = session_cookie_header(&service, "", 0)?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cleared)]).into_response())
}
