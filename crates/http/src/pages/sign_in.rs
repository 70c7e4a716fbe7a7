//! Signing in and out: the email form, the "check your email" page, the
//! sign-in link's page and the words for a link that no longer works
//! (the link's routes live in [`crate::auth`], which renders them here).

use askama::Template;
use axum::Extension;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use deskvisa_rules::Email;
use deskvisa_service::{Service, ServiceError};

use super::form::{AnonymousForm, Query, SignedForm};
use super::view::{Chrome, html};
use super::{PageError, Viewer, local_path, redirect};
use crate::extract::ClientAddress;

/// Where to go after signing in, kept while the link is on its way.

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    c: Chrome,
    csrf_field: &'a str,
    email: &'a str,
    next: &'a str,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    c: Chrome,
    text: &'a str,
    link: Option<(&'a str, &'a str)>,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage<'a> {
    c: Chrome,
    token: &'a str,
    csrf_field: &'a str,
}

fn form_page(
    service: &Service,
    viewer: &Viewer,
    status: StatusCode,
    email: &str,
    next: &str,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let token = crate::csrf::issue(service)?;
    let c = Chrome::new(viewer, viewer.words().sign_in_title, "");
    let mut response = html(status, &SignInPage { c, csrf_field: &token.value, email, next, error })?;
    response.headers_mut().append(header::SET_COOKIE, token.cookie);
    Ok(response)
}

/// `GET /sign-in`: the email form (a signed-in viewer goes on to the map).
pub(crate) async fn form(
    axum::extract::State(service): axum::extract::State<Service>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query,
) -> Result<Response, PageError> {
    let next = local_path(query.get("next"));
    if viewer.caller.is_some() {
        return Ok(redirect(next));
    }
    form_page(&service, &viewer, StatusCode::OK, "", next, None)
}

/// `POST /sign-in`: mails a link (the answer is the same whether or not the
/// address is a member's).
pub(crate) async fn send_link(
    axum::extract::State(service): axum::extract::State<Service>,
    ClientAddress(client): ClientAddress,
    AnonymousForm { viewer, fields }: AnonymousForm,
) -> Result<Response, PageError> {
    let w = viewer.words();
    let next = local_path(fields.get("next"));
    let Ok(email) = Email::parse(fields.get("email")) else {
        return form_page(&service, &viewer, StatusCode::BAD_REQUEST, fields.get("email"), next, Some(w.bad_email));
    };
    match service.request_sign_in(&email, client).await {
        Ok(()) => {}
        Err(ServiceError::RateLimited { .. }) => {
            return form_page(
                &service,
                &viewer,
                StatusCode::TOO_MANY_REQUESTS,
                fields.get("email"),
                next,
                Some(w.too_many),
            );
        }
        Err(e) => return Err(e.into()),
    }
    let c = Chrome::new(&viewer, w.check_mail_title, "");
    let mut response = html(StatusCode::OK, &MessagePage { c, text: w.check_mail, link: None })?;
    if next != "/" {
        response.headers_mut().append(header::SET_COOKIE, crate::cookies::next(&service, next));
    }
    Ok(response)
}

/// `POST /sign-out`: ends the session and forgets its cookie.
pub(crate) async fn sign_out(
    axum::extract::State(service): axum::extract::State<Service>,
    SignedForm { viewer, .. }: SignedForm,
) -> Result<Response, PageError> {
    if let Some(session) = &viewer.session {
        service.end_session(session).await?;
    }
    let mut response = redirect("/sign-in");
    response.headers_mut().insert(header::SET_COOKIE, crate::cookies::session_cleared(&service));
    Ok(response)
}

/// The sign-in link's page: a button that signs in (opening it consumes
/// nothing).
pub(crate) fn verify_page(viewer: &Viewer, token: &str, csrf_field: &str) -> Result<Response, PageError> {
    let c = Chrome::new(viewer, viewer.words().sign_in_title, "");
    html(StatusCode::OK, &VerifyPage { c, token, csrf_field })
}

/// The page of a link that expired, was used, or never was.
pub(crate) fn link_dead(viewer: &Viewer) -> Response {
    let w = viewer.words();
    let c = Chrome::new(viewer, w.link_dead_title, "");
    html(StatusCode::BAD_REQUEST, &MessagePage { c, text: w.link_dead, link: Some(("/sign-in", w.new_link)) })
        .unwrap_or_else(IntoResponse::into_response)
}

/// Where the browser that asked for the link wanted to go, if it said.
pub(crate) fn next_after_sign_in(headers: &axum::http::HeaderMap) -> String {
    crate::cookies::read_next(headers).map_or_else(|| "/".to_owned(), |v| local_path(&v).to_owned())
}
