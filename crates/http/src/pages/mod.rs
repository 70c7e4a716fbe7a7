//! The web pages: sign-in, the map, a site, my stays, the host inbox and
//! the network, rendered on the server from askama templates (compiled in,
//! checked by the compiler) in the viewer's language.
//!
//! Every page request goes through [`resolve`] once: it finds who is
//! looking (the session cookie), in which language, and renders whatever
//! went wrong as a page (a form with an expired token, a stay that is not
//! theirs, the database away) instead of JSON. Forms post
//! `application/x-www-form-urlencoded` and work without JavaScript; each
//! carries a token bound to the session (see [`form`]). The pages are not
//! part of the OpenAPI document: they are for people, the API is for
//! programs.

mod assets;
mod calendar;
mod cluster;
mod confirm;
mod event;
mod firms;
mod form;
mod host;
mod introductions;
pub(crate) mod letters;
mod map;
mod map_drawing;
mod network;
mod numbered;
mod page;
mod programme;
pub(crate) mod sign_in;
mod site;
pub(crate) mod site_faces;
mod stay;
pub(crate) mod stays;
mod view;
mod waitlist;
mod words;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use deskvisa_rules::Locale;
use deskvisa_service::{Caller, MemberRecord, Service, ServiceError};

use crate::problem::Problem;
pub(crate) use words::Words;

/// The body limit of a members file's upload: the file's own limit and
/// room for the form around it.
const IMPORT_BODY_BYTES: usize = crate::api::member_file::MAX_FILE_BYTES + 64 * 1024;

/// Every page route, behind [`resolve`].
pub(crate) fn routes(service: Service) -> Router<Service> {
    Router::new()
        .route("/", get(map::page))
        .route("/sign-in", get(sign_in::form).post(sign_in::send_link))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/lang/{locale}", get(switch_language))
        .route("/sites/{id}", get(site::page))
        .route("/sites/{id}/request", post(site::request))
        .route("/stays", get(stays::page))
        .route("/stays/{id}", get(stay::page))
        .route("/stays/{id}/cancel", post(stays::cancel))
        .route("/stays/{id}/dates", post(stay::move_dates))
        .route("/sites/{id}/waitlist", post(waitlist::join))
        .route("/host/delegations", get(host::delegations_page).post(host::send_delegation))
        .route("/delegations/{id}", get(host::group_page))
        .route("/delegations/{id}/approve", post(host::approve_delegation))
        .route("/delegations/{id}/decline", post(host::decline_delegation))
        .route("/waitlist/{id}", get(waitlist::page))
        .route("/waitlist/{id}/accept", post(waitlist::accept))
        .route("/waitlist/{id}/leave", post(waitlist::leave))
        .route("/stays/{id}/introductions", post(introductions::ask))
        .route("/stays/{id}/letter", post(letters::make))
        .route("/programme", get(programme::page))
        .route("/firms", get(firms::directory).post(firms::add))
        .route("/firms/{id}", get(firms::page).post(firms::save))
        .route("/introductions", get(introductions::list))
        .route("/visitors", get(introductions::visitors))
        .route("/introductions/{id}", get(introductions::page))
        .route("/introductions/{id}/{action}", post(introductions::answer))
        .route("/events/{id}", get(event::page))
        .route("/events/{id}/register", post(stays::register))
        .route("/events/{id}/withdraw", post(stays::withdraw))
        .route("/host", get(host::inbox))
        .route("/host/stays/{id}/{action}", post(host::act))
        .route("/host/sites/{id}", get(host::site_page).post(host::save_site))
        .route("/host/sites/{id}/closures", post(host::close_day))
        .route("/host/sites/{id}/arrival", post(site_faces::save_arrival))
        // A photo may be 5 MB, more than any other form.
        .route(
            "/host/sites/{id}/photo",
            post(site_faces::upload_photo)
                .layer(axum::extract::DefaultBodyLimit::max(deskvisa_service::MAX_PHOTO_BYTES + 64 * 1024)),
        )
        .route("/host/sites/{id}/photo/remove", post(site_faces::remove_photo))
        .route("/host/sites/{id}/reopen", post(host::reopen_day))
        .route("/host/policy", get(host::policy_page).post(host::save_policy))
        .route("/host/letterhead", post(letters::save_letterhead))
        .route("/host/events", get(host::events_page).post(host::publish_event))
        .route("/host/events/{id}/cancel", post(host::cancel_event))
        .route("/host/events/{id}/cancel-rest", post(host::cancel_rest))
        .route("/host/members", get(host::members_page))
        .route("/clusters/{id}", get(cluster::page))
        .route("/clusters/{id}/sites", post(cluster::add_site))
        .route("/clusters/{id}/admins", post(cluster::appoint_admin))
        .route("/clusters/{id}/admins/{member}/remove", post(cluster::remove_admin))
        .route("/clusters/{id}/members", get(cluster::members).post(cluster::invite))
        .route("/clusters/{id}/members/{member}/{action}", post(cluster::act_on_member))
        // A members file and its preview's confirmation are larger than
        // other forms (the file is at most 1 MiB; the confirmation carries
        // it URL-encoded, up to three times as long).
        .route(
            "/clusters/{id}/members/import",
            post(cluster::import_preview).layer(axum::extract::DefaultBodyLimit::max(IMPORT_BODY_BYTES)),
        )
        .route(
            "/clusters/{id}/members/import/confirm",
            post(cluster::import_confirm).layer(axum::extract::DefaultBodyLimit::max(3 * IMPORT_BODY_BYTES)),
        )
        .route("/me", get(cluster::me).post(cluster::save_me))
        .route("/me/calendar-feed", post(cluster::make_feed))
        .route("/me/calendar-feed/revoke", post(cluster::revoke_feed))
        .route("/network", get(network::page))
        .route("/network/clusters", post(network::add_cluster))
        .route("/network/clusters/{id}/status", post(network::change_status))
        .route("/network/ledger", get(network::ledger))
        .route("/network/ledger.csv", get(network::ledger_csv))
        .route_layer(axum::middleware::from_fn_with_state(service, resolve))
        .route("/assets/{name}", get(assets::serve))
}

/// Who is looking at a page, and in which language.
#[derive(Clone)]
pub(crate) struct Viewer {
    /// The signed-in caller, if any.
    pub(crate) caller: Option<Caller>,
    /// Their member record.
    pub(crate) member: Option<Arc<MemberRecord>>,
    /// The session id (forms' tokens are bound to it).
    pub(crate) session: Option<String>,
    /// The language of the page.
    pub(crate) locale: Locale,
    /// The path and query of this page (for the language switcher).
    pub(crate) here: String,
}

impl Viewer {
    /// Someone not signed in, in the language their browser asks for.
    pub(crate) fn anonymous(headers: &HeaderMap, here: &str) -> Viewer {
        Viewer { caller: None, member: None, session: None, locale: locale_of(headers, None), here: here.to_owned() }
    }

    /// The page's words.
    pub(crate) fn words(&self) -> &'static Words {
        Words::of(self.locale)
    }

    /// The signed-in caller, or off to the sign-in page.
    pub(crate) fn caller(&self) -> Result<&Caller, PageError> {
        self.caller.as_ref().ok_or(PageError::SignIn)
    }

    /// The signed-in caller, who must administer their cluster.
    pub(crate) fn cluster_admin(&self) -> Result<&Caller, PageError> {
        let caller = self.caller()?;
        if caller.cluster_admin { Ok(caller) } else { Err(ServiceError::Forbidden.into()) }
    }

    /// The signed-in caller, who must administer the network.
    pub(crate) fn network_admin(&self) -> Result<&Caller, PageError> {
        let caller = self.caller()?;
        if caller.network_admin { Ok(caller) } else { Err(ServiceError::Forbidden.into()) }
    }
}

/// The language: a choice made with the switcher, else the member's, else
/// the first of the browser's that deskvisa speaks, else English.
fn locale_of(headers: &HeaderMap, member: Option<&MemberRecord>) -> Locale {
    if let Some(chosen) = crate::cookies::read(headers, crate::cookies::LANG).and_then(|v| Locale::parse(&v).ok()) {
        return chosen;
    }
    if let Some(member) = member {
        return member.locale;
    }
    let accepted = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    accepted
        .split(',')
        .filter(|entry| !entry.split(';').skip(1).any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000")))
        .filter_map(|entry| entry.split(';').next())
        .filter_map(|tag| tag.trim().split('-').next())
        .find_map(|primary| Locale::parse(&primary.to_ascii_lowercase()).ok())
        .unwrap_or(Locale::En)
}

/// What a page handler could not do, rendered by [`resolve`] as a page.
#[derive(Debug)]
pub(crate) enum PageError {
    /// Nobody is signed in: to the sign-in page.
    SignIn,
    /// A form without its page's token (expired, or not served by deskvisa).
    FormExpired,
    /// A problem, as the API would have answered it.
    Problem(Problem),
    /// A refusal of the service.
    Service(ServiceError),
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Unauthenticated => PageError::SignIn,
            other => PageError::Service(other),
        }
    }
}

impl From<Problem> for PageError {
    fn from(p: Problem) -> Self {
        if p.status() == StatusCode::UNAUTHORIZED { PageError::SignIn } else { PageError::Problem(p) }
    }
}

/// The failure code of [`PageError::FormExpired`] (pages only; never sent).
const FORM_EXPIRED: &str = "form_expired";

/// The failure a handler answered, for [`resolve`] to render.
#[derive(Clone, Debug)]
struct Failure {
    sign_in: bool,
    status: StatusCode,
    code: &'static str,
    detail: String,
    retry_after: Option<HeaderValue>,
    /// A refusal of the service, told in the viewer's language.
    conflict: Option<deskvisa_service::Conflict>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let failure = match self {
            PageError::SignIn => Failure {
                sign_in: true,
                status: StatusCode::SEE_OTHER,
                code: "unauthenticated",
                detail: String::new(),
                retry_after: None,
                conflict: None,
            },
            PageError::FormExpired => Failure {
                sign_in: false,
                status: StatusCode::FORBIDDEN,
                code: FORM_EXPIRED,
                detail: String::new(),
                retry_after: None,
                conflict: None,
            },
            PageError::Problem(problem) => failure_of(problem),
            PageError::Service(ServiceError::Conflict(conflict)) => Failure {
                conflict: Some(conflict.clone()),
                ..failure_of(Problem::from(ServiceError::Conflict(conflict)))
            },
            PageError::Service(e) => failure_of(Problem::from(e)),
        };
        let mut response = failure.status.into_response();
        response.extensions_mut().insert(failure);
        response
    }
}

fn failure_of(problem: Problem) -> Failure {
    Failure {
        sign_in: false,
        status: problem.status(),
        code: problem.code(),
        detail: problem.detail().to_owned(),
        retry_after: problem.retry_after().map(HeaderValue::from),
        conflict: None,
    }
}

/// Resolves the [`Viewer`] of a page request, and renders a failure as a
/// page in the viewer's language.
async fn resolve(State(service): State<Service>, mut request: Request, next: Next) -> Response {
    let here = request.uri().path_and_query().map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let viewer = match viewer_of(&service, request.headers(), &here).await {
        Ok(viewer) => viewer,
        Err((viewer, failure)) => return error_page(&viewer, failure),
    };
    request.extensions_mut().insert(viewer.clone());
    let response = next.run(request).await;
    match response.extensions().get::<Failure>() {
        Some(failure) => error_page(&viewer, failure.clone()),
        None => response,
    }
}

/// The viewer behind a request's session cookie (anonymous without one, or
/// with one that has ended).
async fn viewer_of(service: &Service, headers: &HeaderMap, here: &str) -> Result<Viewer, (Viewer, Failure)> {
    let mut viewer = Viewer::anonymous(headers, here);
    let Some(session) = crate::cookies::read(headers, crate::cookies::session_name(service)) else {
        return Ok(viewer);
    };
    match service.session_member(&session).await {
        Ok((caller, member)) => {
            viewer.locale = locale_of(headers, Some(&member));
            viewer.member = Some(Arc::new(member));
            viewer.session = Some(session.to_owned());
            viewer.caller = Some(caller);
            Ok(viewer)
        }
        Err(ServiceError::Unauthenticated) => Ok(viewer),
        Err(e) => Err((viewer, failure_of(e.into()))),
    }
}

/// Whether a request is a browser's asking for a page (not the API's).
pub(crate) fn wants_page(request: &Request) -> bool {
    let accepts_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    accepts_html && !request.uri().path().starts_with("/api/")
}

/// The error page of a status nobody else rendered, in the viewer's
/// language; a server error names the request's id to quote.
pub(crate) async fn error_for(
    service: &Service,
    headers: &HeaderMap,
    path: &str,
    status: StatusCode,
    reference: Option<&str>,
) -> Response {
    // A server error may be the database failing: its page asks nothing of
    // it (the language from the browser's Accept-Language, nobody signed in).
    let viewer = if status.is_server_error() {
        Viewer::anonymous(headers, path)
    } else {
        match viewer_of(service, headers, path).await {
            Ok(viewer) | Err((viewer, _)) => viewer,
        }
    };
    let w = viewer.words();
    let message = match status {
        StatusCode::NOT_FOUND => w.not_found,
        StatusCode::FORBIDDEN => w.forbidden,
        StatusCode::TOO_MANY_REQUESTS => w.too_many,
        StatusCode::SERVICE_UNAVAILABLE => w.busy,
        s if s.is_server_error() => w.internal,
        _ => w.bad_request,
    };
    view::error_quoting(&viewer, status, message, reference)
}

/// What no route answers: a page for a browser, a problem for the API.
pub(crate) async fn not_found(State(service): State<Service>, request: Request) -> Response {
    let path = request.uri().path();
    let browser = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if !browser || path.starts_with("/api/") {
        return Problem::not_found().into_response();
    }
    let viewer = match viewer_of(&service, request.headers(), path).await {
        Ok(viewer) | Err((viewer, _)) => viewer,
    };
    view::error(&viewer, StatusCode::NOT_FOUND, viewer.words().not_found)
}

/// A failure as a page (or, for someone not signed in, the way to sign in).
fn error_page(viewer: &Viewer, failure: Failure) -> Response {
    if failure.sign_in {
        let next = if viewer.here.starts_with("/sign-out") { "/".to_owned() } else { viewer.here.clone() };
        let location =
            format!("/sign-in?next={}", form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>());
        return redirect(&location);
    }
    let w = viewer.words();
    let message = match (failure.status, failure.code) {
        _ if failure.conflict.is_some() => failure.conflict.as_ref().map(|c| w.conflict(c)).unwrap_or_default(),
        (StatusCode::NOT_FOUND, _) => w.not_found.to_owned(),
        (_, FORM_EXPIRED) => w.form_expired.to_owned(),
        (StatusCode::FORBIDDEN, _) => w.forbidden.to_owned(),
        (StatusCode::TOO_MANY_REQUESTS, _) => w.too_many.to_owned(),
        (StatusCode::SERVICE_UNAVAILABLE, _) => w.busy.to_owned(),
        (status, _) if status.is_server_error() => w.internal.to_owned(),
        (_, _) => failure.detail.clone(),
    };
    let mut response = view::error(viewer, failure.status, &message);
    if let Some(seconds) = failure.retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, seconds);
    }
    response
}

/// A refusal the person can act on, told on the form's page in their
/// language where deskvisa has the words; anything else is an error page.
pub(crate) fn told(w: &Words, e: ServiceError) -> Result<String, PageError> {
    match e {
        ServiceError::Conflict(conflict) => Ok(w.conflict(&conflict)),
        ServiceError::Invalid(message) => Ok(message),
        ServiceError::EventTimes(e) => Ok(w.event_times(&e)),
        ServiceError::Transition(e) => Ok(e.to_string()),
        other => Err(other.into()),
    }
}

/// 303 to `location`: after a form, the browser gets the next page.
pub(crate) fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/"))]).into_response(),
    }
}

/// After a form: back to the page it names in its `back` field (a path on
/// this server, such as the stay's own page), else to `default`, with the
/// confirmation `done`.
pub(crate) fn back(fields: &form::Fields, default: &str, done: &str) -> Response {
    redirect(&format!("{}?done={done}", back_path(fields, default)))
}

/// The page a form names in its `back` field (a path on this server, its
/// query and fragment cut off), else `default`.
pub(crate) fn back_path<'a>(fields: &'a form::Fields, default: &'a str) -> &'a str {
    let page = fields.optional("back").map(local_path).filter(|p| *p != "/").unwrap_or(default);
    page.split(['?', '#']).next().unwrap_or(default)
}

/// A path on this server to go back to (`/...`, never `//host` or a
/// scheme), or `/`.
pub(crate) fn local_path(path: &str) -> &str {
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace());
    if safe { path } else { "/" }
}

/// `GET /lang/{en|pl}?back=/path`: remembers the language in a cookie
/// (a year) and goes back.
async fn switch_language(
    axum::extract::Path(locale): axum::extract::Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let back = form::pairs(query.as_deref().unwrap_or_default().as_bytes())
        .into_iter()
        .find(|(k, _)| k == "back")
        .map(|(_, v)| v)
        .unwrap_or_else(|| "/".to_owned());
    let Ok(locale) = Locale::parse(&locale) else {
        return redirect(local_path(&back));
    };
    let mut response = redirect(local_path(&back));
    response.headers_mut().insert(header::SET_COOKIE, crate::cookies::lang(locale.as_str()));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_language(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")));
        headers
    }

    #[test]
    fn the_browser_language_is_the_first_one_deskvisa_speaks() {
        assert_eq!(locale_of(&with_language("pl-PL,pl;q=0.9,en;q=0.8"), None), Locale::Pl);
        assert_eq!(locale_of(&with_language("de-DE,de;q=0.9,pl;q=0.5"), None), Locale::Pl);
        assert_eq!(locale_of(&with_language("PL"), None), Locale::Pl);
        assert_eq!(locale_of(&with_language("pl;q=0, en"), None), Locale::En);
        assert_eq!(locale_of(&with_language("fr"), None), Locale::En);
        assert_eq!(locale_of(&HeaderMap::new(), None), Locale::En);
    }

    #[test]
    fn a_chosen_language_wins() {
        let mut headers = with_language("en");
        headers.insert(header::COOKIE, HeaderValue::from_static("deskvisa_lang=pl"));
        assert_eq!(locale_of(&headers, None), Locale::Pl);
    }

    #[test]
    fn only_local_paths_are_gone_back_to() {
        assert_eq!(local_path("/stays?done=requested"), "/stays?done=requested");
        for hostile in ["//evil.example/", "https://evil.example/", "/\\evil.example", "", "stays", "/a b"] {
            assert_eq!(local_path(hostile), "/", "{hostile}");
        }
    }
}
