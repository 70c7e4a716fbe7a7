//! What every page shares: the frame around its content ([`Chrome`]: the
//! language, the navigation the viewer may use, the form token, the
//! confirmation after a form) and the rendering of a template into a
//! response.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use deskvisa_service::ServiceError;

use super::form::Fields;
use super::{PageError, Viewer, Words};

/// The frame of a page.
pub(crate) struct Chrome {
    /// The words of the page's language.
    pub(crate) w: &'static Words,
    /// `en` or `pl`, for `<html lang>`.
    pub(crate) lang: &'static str,
    /// The page's title.
    pub(crate) title: String,
    /// Which item of the navigation this page is (`map`, `stays`, `host`,
    /// `network`, or none).
    pub(crate) nav: &'static str,
    /// The signed-in member's name.
    pub(crate) member_name: Option<String>,
    /// The viewer administers a cluster.
    pub(crate) host: bool,
    /// The viewer is network staff (no home cluster, no stays of their own).
    pub(crate) staff: bool,
    /// The viewer administers the network.
    pub(crate) network: bool,
    /// The token of this page's forms.
    pub(crate) csrf: String,
    /// This page's path and query, encoded for the language switcher.
    pub(crate) back: String,
    /// What the last form did.
    pub(crate) flash: Option<&'static str>,
}

impl Chrome {
    /// The frame for `viewer`, titled `title`.
    pub(crate) fn new(viewer: &Viewer, title: impl Into<String>, nav: &'static str) -> Chrome {
        let caller = viewer.caller.as_ref();
        Chrome {
            w: viewer.words(),
            lang: viewer.locale.as_str(),
            title: title.into(),
            nav,
            member_name: viewer.member.as_ref().map(|m| m.name.clone()),
            host: caller.is_some_and(|c| c.cluster_admin),
            staff: caller.is_some_and(|c| c.cluster.is_none()),
            network: caller.is_some_and(|c| c.network_admin),
            csrf: viewer.session.as_deref().map(super::form::token).unwrap_or_default(),
            back: form_urlencoded::byte_serialize(viewer.here.as_bytes()).collect(),
            flash: None,
        }
    }

    /// With the confirmation named by the query's `done`.
    pub(crate) fn done(mut self, query: &Fields) -> Chrome {
        self.flash = self.w.done(query.get("done"));
        self
    }
}

/// A template as an HTML response that no cache keeps (pages show who is
/// signed in and their stays).
pub(crate) fn html<T: Template>(status: StatusCode, page: &T) -> Result<Response, PageError> {
    let body = page.render().map_err(|e| ServiceError::Internal(format!("a page did not render: {e}")))?;
    Ok((
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}

/// A page that only says what went wrong.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    c: Chrome,
    message: &'a str,
    /// The request's id, for a person to quote (server errors).
    reference: Option<&'a str>,
}

/// The page of a failure.
pub(crate) fn error(viewer: &Viewer, status: StatusCode, message: &str) -> Response {
    error_quoting(viewer, status, message, None)
}

/// The page of a failure, with the request's id to quote when there is one.
pub(crate) fn error_quoting(viewer: &Viewer, status: StatusCode, message: &str, reference: Option<&str>) -> Response {
    let c = Chrome::new(viewer, viewer.words().error_title, "");
    match html(status, &ErrorPage { c, message, reference }) {
        Ok(response) => response,
        // The error page itself failed: plain words, still a page.
        Err(_) => (status, message.to_owned()).into_response(),
    }
}
